"""Pure business rules: shipments, states, mappings, tracking numbers, scans.

Nothing here imports Qt, httpx or SQL; everything is plain data and functions.
"""
