"""One logging set-up for the app and the command line.

Everything goes to a rotating file in the log folder. httpx logs every request
URL at INFO, and TikTok's token URL carries the app secret in its query string,
so the HTTP libraries are held at WARNING.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_FILE = "giveaway-desk.log"
MAX_BYTES = 2_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s"

_QUIET_LIBRARIES = ("httpx", "httpcore", "hpack", "urllib3")


def configure_logging(
    log_dir: Path, *, console: bool, level: int = logging.INFO
) -> Path:
    """Send log records to ``log_dir``; returns the log file's path."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILE
    root = logging.getLogger()
    root.setLevel(level)

    for handler in list(root.handlers):
        if getattr(handler, "_giveaway_desk", False):
            root.removeHandler(handler)
            handler.close()

    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
    )
    _add(root, file_handler)
    if console:
        _add(root, logging.StreamHandler())

    for name in _QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    return path


def _add(root: logging.Logger, handler: logging.Handler) -> None:
    handler.setFormatter(logging.Formatter(FORMAT))
    handler._giveaway_desk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
