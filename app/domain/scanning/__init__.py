"""Scanner-first input: telling scans from typing, cleaning scans, reading codes.

Pure Python, no Qt: :mod:`.detector` decides scan vs typing from timed key
events, :mod:`.normalise` cleans the raw characters, :mod:`.gs1`, :mod:`.products`
and :mod:`app.domain.tracking` read what the characters mean, and
:mod:`.recognise` puts it together for one input field.
"""
