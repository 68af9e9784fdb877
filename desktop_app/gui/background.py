"""Run slow work off the user-interface thread.

:func:`run_in_background` runs a function on a :class:`QThreadPool` worker and
calls ``on_success(result)`` or ``on_failure(exception)`` (and
``on_progress(done, total, message)``) back on the main thread, so the window
never freezes and callbacks may touch widgets freely.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int, str], None]

# Tasks still running (kept alive until their callbacks have run).
_active: set[BackgroundTask] = set()


class _Relay(QObject):
    """Signals emitted from the worker thread, delivered to the main thread."""

    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int, str)


class _Receiver(QObject):
    """Lives on the main thread; invokes the callbacks. Dies with ``parent``."""

    def __init__(
        self,
        task: BackgroundTask,
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None] | None,
        on_progress: ProgressFn | None,
        parent: QObject | None,
    ) -> None:
        super().__init__(parent)
        self._task = task
        self._on_success = on_success
        self._on_failure = on_failure
        self._on_progress = on_progress

    @Slot(object)
    def succeeded(self, result: object) -> None:
        self._task._finish()
        self._on_success(result)

    @Slot(object)
    def failed(self, exc: object) -> None:
        self._task._finish()
        assert isinstance(exc, BaseException)
        if self._on_failure is not None:
            self._on_failure(exc)
        else:
            log.error("background task failed: %s", "".join(traceback.format_exception(exc)))

    @Slot(int, int, str)
    def progressed(self, done: int, total: int, message: str) -> None:
        if self._on_progress is not None:
            self._on_progress(done, total, message)


class _Worker(QRunnable):
    def __init__(self, call: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._call = call
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._call()
        except BaseException as exc:
            self._relay.failed.emit(exc)
        else:
            self._relay.succeeded.emit(result)


class BackgroundTask:
    """Handle of a running task; ``done`` is True once its callback has run."""

    def __init__(self) -> None:
        self.done = False
        self._relay = _Relay()
        self._receiver: _Receiver | None = None

    def _finish(self) -> None:
        self.done = True
        _active.discard(self)


def run_in_background(
    fn: Callable[..., Any],
    *args: Any,
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None] | None,
    on_progress: ProgressFn | None = None,
    parent: QObject | None = None,
    **kwargs: Any,
) -> BackgroundTask:
    """Run ``fn(*args, **kwargs)`` on a worker thread; callbacks run on the main thread.

    When ``on_progress`` is given, ``fn`` is also called with
    ``progress=<callable(done, total, message)>``, safe to call from the worker.
    When ``parent`` is given and is destroyed first, no callback runs.
    Call only from the main (GUI) thread.
    """
    task = BackgroundTask()
    receiver = _Receiver(task, on_success, on_failure, on_progress, parent)
    task._receiver = receiver
    queued = Qt.ConnectionType.QueuedConnection
    task._relay.succeeded.connect(receiver.succeeded, queued)
    task._relay.failed.connect(receiver.failed, queued)
    task._relay.progressed.connect(receiver.progressed, queued)
    if on_progress is not None:
        relay = task._relay

        def report(done: int, total: int, message: str = "") -> None:
            relay.progressed.emit(int(done), int(total), str(message))

        kwargs["progress"] = report

    def call() -> Any:
        return fn(*args, **kwargs)

    _active.add(task)
    QThreadPool.globalInstance().start(_Worker(call, task._relay))
    return task


def wait_for_all(timeout_ms: int = 30000) -> bool:
    """Wait until every queued worker has finished (for tests and shutdown)."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
