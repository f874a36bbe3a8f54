"""Keep tokens, secrets and signatures out of every log line the HTTP stack writes.

httpx logs each request URL at INFO, and TikTok's token host takes the app secret
and refresh token in the query string; our own signed calls carry ``sign``. We
quiet the httpx and httpcore loggers to WARNING and, because anyone (a test, a
support session) may turn them back up to DEBUG, also scrub their records.
"""

from __future__ import annotations

import logging
import re
from typing import Final

logger = logging.getLogger(__name__)

HTTP_LOGGERS: Final = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
)

_SECRET_PARAMS = re.compile(
    r"(?i)((?:app_secret|access_token|refresh_token|auth_code|sign"
    r"|x-tts-access-token)=)[^&\s\"'>]*"
)
_TOKEN_HEADER = re.compile(r"(?i)(x-tts-access-token['\"]?,\s*b?['\"])[^'\"]*")
MASK: Final = "***"


def redact(text: str) -> str:
    """``text`` with the values of secret query parameters and headers masked."""
    text = _SECRET_PARAMS.sub(r"\1" + MASK, text)
    return _TOKEN_HEADER.sub(r"\1" + MASK, text)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message with secrets masked; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the formatted message in place and let the record through."""
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True


_FILTER: Final = RedactingFilter()


def install_log_redaction(quiet: bool = True) -> None:
    """Scrub the HTTP stack's log records and, unless ``quiet`` is False, mute them.

    Safe to call many times; the connector calls it whenever it builds clients.
    """
    for name in HTTP_LOGGERS:
        http_logger = logging.getLogger(name)
        if _FILTER not in http_logger.filters:
            http_logger.addFilter(_FILTER)
        if quiet and http_logger.level == logging.NOTSET:
            http_logger.setLevel(logging.WARNING)
