"""run_in_background: work on a worker thread, callbacks on the main thread."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QWidget

from desktop_app.gui.background import run_in_background


def test_success_and_progress_arrive_on_the_main_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    seen: dict[str, object] = {}
    progress: list[tuple[int, int, str, bool]] = []

    def work(a: int, b: int, progress) -> int:  # type: ignore[no-untyped-def]
        seen["worker_thread"] = threading.current_thread()
        progress(1, 2, "half way")
        progress(2, 2, "done")
        return a + b

    def succeeded(result: object) -> None:
        seen["result"] = result
        seen["callback_thread"] = threading.current_thread()

    task = run_in_background(
        work,
        2,
        3,
        on_success=succeeded,
        on_failure=lambda exc: seen.setdefault("failure", exc),
        on_progress=lambda d, t, m: progress.append(
            (d, t, m, threading.current_thread() is threading.main_thread())
        ),
    )
    qtbot.waitUntil(lambda: task.done, timeout=10000)
    assert seen["result"] == 5
    assert seen["worker_thread"] is not threading.main_thread()
    assert seen["callback_thread"] is threading.main_thread()
    assert "failure" not in seen
    qtbot.waitUntil(lambda: len(progress) == 2)
    assert progress == [(1, 2, "half way", True), (2, 2, "done", True)]


def test_failure_is_delivered_on_the_main_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    seen: dict[str, object] = {}

    def work() -> None:
        raise ValueError("the file is not a CSV")

    def failed(exc: BaseException) -> None:
        seen["exc"] = exc
        seen["thread"] = threading.current_thread()

    task = run_in_background(work, on_success=lambda r: seen.setdefault("ok", r), on_failure=failed)
    qtbot.waitUntil(lambda: task.done, timeout=10000)
    assert isinstance(seen["exc"], ValueError) and str(seen["exc"]) == "the file is not a CSV"
    assert seen["thread"] is threading.main_thread()
    assert "ok" not in seen


def test_no_callback_after_the_parent_is_gone(qtbot) -> None:  # type: ignore[no-untyped-def]
    gate = threading.Event()
    calls: list[object] = []
    parent = QWidget()

    def work() -> str:
        gate.wait(5)
        return "late"

    run_in_background(work, on_success=calls.append, on_failure=calls.append, parent=parent)
    parent.deleteLater()
    qtbot.waitUntil(lambda: not _alive(parent))
    gate.set()
    from desktop_app.gui.background import wait_for_all

    assert wait_for_all()
    qtbot.wait(50)
    assert calls == []


def _alive(widget: QWidget) -> bool:
    import shiboken6

    return shiboken6.isValid(widget)
