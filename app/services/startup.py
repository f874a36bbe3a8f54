"""Opening the bench the way every entry point does: folders, logs, database."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from app import APP_NAME, __version__
from app.services.bench import Bench
from app.services.demo import ensure_demo_store
from app.services.logging_setup import configure_logging
from app.storage.paths import AppFolders, resolve_folders

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Startup:
    """An open bench and where it keeps its files."""

    bench: Bench
    folders: AppFolders
    log_file: Path
    demo: bool = False


def start_bench(
    data_dir: Path | None, *, demo: bool, console_log: bool = False
) -> Startup:
    """Resolve the folders, start logging, open (and for the demo, seed) the bench."""
    folders = resolve_folders(data_dir, demo=demo).create()
    log_file = configure_logging(folders.logs, console=console_log)
    logger.info("%s %s opening data folder %s", APP_NAME, __version__, folders.data)
    bench = Bench.open(folders)
    if demo:
        ensure_demo_store(bench)
    return Startup(bench=bench, folders=folders, log_file=log_file, demo=demo)
