"""Opening the bench the way every entry point does: folders, logs, database."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from app import APP_NAME, __version__
from app.services.bench import Bench
from app.services.demo import demo_store_of, ensure_demo_store
from app.services.errors import StartupError
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
    """Resolve the folders, start logging, open (and for the demo, seed) the bench.

    Raises :class:`StartupError` with a plain message when the data folder or
    its database cannot be used.
    """
    folders = resolve_folders(data_dir, demo=demo)
    try:
        folders.create()
        log_file = configure_logging(folders.logs, console=console_log)
    except OSError as error:
        raise StartupError(_folder_problem(folders.data, error)) from error
    logger.info("%s %s opening data folder %s", APP_NAME, __version__, folders.data)
    try:
        bench = Bench.open(folders)
    except (OSError, SQLAlchemyError) as error:
        logger.exception("The database in %s cannot be opened", folders.data)
        raise StartupError(
            f"the database in {folders.data} cannot be opened or written "
            f"({_first_line(error)}). Check that the folder is yours and "
            "writable, or choose another one with --data-dir."
        ) from error
    if demo:
        _ensure_demo(bench)
    return Startup(bench=bench, folders=folders, log_file=log_file, demo=demo)


def _ensure_demo(bench: Bench) -> None:
    """The demo store's orders and its creators' sample requests, made once."""
    # Only the demo needs the samples service here; a real start skips loading it.
    from app.services.samples import ensure_demo_samples

    ensure_demo_store(bench)
    store = demo_store_of(bench)
    ensure_demo_samples(bench, store, store.made_at)


def _folder_problem(folder: Path, error: OSError) -> str:
    reason = error.strerror or str(error)
    return (
        f"the data folder {folder} cannot be used ({reason}). It must be a "
        "folder you can write to; choose another one with --data-dir."
    )


def _first_line(error: Exception) -> str:
    return (
        str(error).strip().splitlines()[0]
        if str(error).strip()
        else type(error).__name__
    )
