"""Errors the services report to every entry point in plain words."""

from __future__ import annotations


class StartupError(Exception):
    """The app cannot start on this data folder; the message says why and what to do."""
