"""Logs go to a rotating file in the log folder."""

from __future__ import annotations

import logging
from pathlib import Path

from app.services.logging_setup import configure_logging


def test_records_reach_the_log_file_and_http_libraries_stay_quiet(
    tmp_path: Path,
) -> None:
    path = configure_logging(tmp_path / "logs", console=False)
    logging.getLogger("app.test").info("Bench opened")
    logging.getLogger("httpx").info("GET https://auth.example/token?app_secret=x")
    for handler in logging.getLogger().handlers:
        handler.flush()

    text = path.read_text(encoding="utf-8")
    assert "Bench opened" in text
    assert "app_secret" not in text
    assert path.parent == tmp_path / "logs"


def test_configuring_twice_does_not_double_the_lines(tmp_path: Path) -> None:
    configure_logging(tmp_path, console=False)
    path = configure_logging(tmp_path, console=False)
    logging.getLogger("app.test").warning("once")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert path.read_text(encoding="utf-8").count("once") == 1
