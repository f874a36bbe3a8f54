"""The one way the UI runs work off the GUI thread.

``run_in_background(parent, work, on_success, on_failure)`` runs ``work()`` on a
worker thread and calls ``on_success(result)`` or ``on_failure(error)`` back on
the GUI thread. Work never touches widgets: read what it needs (ids, form
values) before dispatching, and update widgets only in the callbacks.

Work runs in lanes: ``Lane.DATABASE`` has a single thread, so local writes happen
one at a time in the order the clerk made them; ``Lane.NETWORK`` has a few
threads for slow remote calls. No feature makes a QThread of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import Enum
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

logger = logging.getLogger(__name__)


class Lane(Enum):
    """Which pool a piece of work runs in."""

    DATABASE = 1
    NETWORK = 4


_pools: dict[Lane, QThreadPool] = {}
# Relays whose work has not finished yet; holding them keeps their signal
# connections alive until the callback has run.
_in_flight: set[_Relay] = set()


def pool(lane: Lane) -> QThreadPool:
    """The thread pool of a lane (created on first use)."""
    if lane not in _pools:
        thread_pool = QThreadPool()
        thread_pool.setMaxThreadCount(lane.value)
        thread_pool.setObjectName(f"giveaway-desk-{lane.name.lower()}")
        _pools[lane] = thread_pool
    return _pools[lane]


def wait_for_all(timeout_ms: int = 10_000) -> bool:
    """Block until every lane is idle (used at shutdown and by tests)."""
    return all(thread_pool.waitForDone(timeout_ms) for thread_pool in _pools.values())


class _Relay(QObject):
    """Lives on the GUI thread and carries a worker's result back to it."""

    succeeded = Signal(object)
    """Emitted with the work's return value, from the worker thread."""

    failed = Signal(object)
    """Emitted with the exception the work raised, from the worker thread."""

    def __init__(
        self,
        on_success: Callable[[Any], None] | None,
        on_failure: Callable[[BaseException], None] | None,
    ) -> None:
        super().__init__()
        self._on_success = on_success
        self._on_failure = on_failure
        self.succeeded.connect(self._deliver_success)
        self.failed.connect(self._deliver_failure)

    @Slot(object)
    def _deliver_success(self, result: Any) -> None:
        _in_flight.discard(self)
        if self._on_success is not None:
            self._on_success(result)

    @Slot(object)
    def _deliver_failure(self, error: BaseException) -> None:
        _in_flight.discard(self)
        if self._on_failure is not None:
            self._on_failure(error)
            return
        # Nobody asked to handle it: it goes to the one global error path.
        raise error


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._work = work
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._work()
        except BaseException as error:  # noqa: BLE001 - delivered to the GUI thread
            logger.debug("Background work failed", exc_info=True)
            self._relay.failed.emit(error)
        else:
            self._relay.succeeded.emit(result)


def run_in_background(
    work: Callable[[], Any],
    on_success: Callable[[Any], None] | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
    *,
    lane: Lane = Lane.DATABASE,
) -> None:
    """Run ``work`` off the GUI thread; deliver its outcome on the GUI thread.

    Must be called from the GUI thread, so the relay belongs to it and its
    queued signals land there.
    """
    relay = _Relay(on_success, on_failure)
    _in_flight.add(relay)
    pool(lane).start(_Job(work, relay))
