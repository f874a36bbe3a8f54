"""Child process of queue_100k.py: start, open a folder, print when the queue paints.

Prints the wall-clock time (``time.time()``) of the table's first paint, so the
parent can subtract the moment it started this process.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer

from app.services.bench import Bench
from app.ui.application import create_application
from app.ui.main_window import MainWindow


class _PaintWatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.painted_at: float | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.painted_at is None:
            self.painted_at = time.time()
            QTimer.singleShot(0, create_application().quit)
        return False


def main() -> int:
    app = create_application()
    bench = Bench.open_path(Path(sys.argv[1]))
    window = MainWindow(bench)
    watcher = _PaintWatcher()
    window.table.viewport().installEventFilter(watcher)
    window.show()
    app.exec()
    print(watcher.painted_at)
    return 0


if __name__ == "__main__":
    sys.exit(main())
