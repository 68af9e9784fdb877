"""Starting the application: ``mipsdesk`` with no command, and ``mipsdesk --smoke``."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

import desktop_app
from desktop_app import __version__
from desktop_app.gui.context import AppContext
from desktop_app.gui.main_window import MainWindow
from desktop_app.settings import Settings, SettingsError, load_settings

ORGANIZATION = "MIPS Desk"
SMOKE_TIMEOUT_MS = 30000
APPLICATION = "MIPS Desk"


def style_sheet() -> str:
    """The application style sheet (resources/styles/app.qss)."""
    return (
        resources.files("desktop_app.resources")
        .joinpath("styles/app.qss")
        .read_text(encoding="utf-8")
    )


def application() -> QApplication:
    """The QApplication, created (with name, organisation and style) if needed."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationVersion(__version__)
    if not app.property("mipsdesk_styled"):  # once: restyling live widgets is costly
        app.setStyle("Fusion")
        app.setStyleSheet(style_sheet())
        app.setProperty("mipsdesk_styled", True)
    return app


class _FirstPaint(QObject):
    """Calls ``callback`` once, after the watched window's first paint event."""

    def __init__(self, window: QObject) -> None:
        super().__init__(window)
        self.callback: Callable[[], None] | None = None
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.fire()
        return False

    def fire(self) -> None:
        callback, self.callback = self.callback, None
        if callback is not None:
            callback()


def workspace_to_open(workspace: Path | None, settings: Settings) -> Path:
    """The workspace given, else the last one used (if it still exists), else the default."""
    from desktop_app.store import default_workspace_path

    if workspace is not None:
        return workspace
    if settings.last_workspace and Path(settings.last_workspace).exists():
        return Path(settings.last_workspace)
    return default_workspace_path()


def create_main_window(
    workspace: Path | None = None, smoke: bool = False
) -> tuple[MainWindow, list[str]]:
    """Build the context and window and open the workspace; returns problems to show."""
    problems: list[str] = []
    try:
        settings = load_settings()
    except SettingsError as exc:
        settings = Settings()
        problems.append(str(exc))
    ctx = AppContext(settings)
    window = MainWindow(ctx, smoke=smoke)
    window.open_workspace(workspace_to_open(workspace, settings))
    return window, problems


def run_gui(workspace: Path | None = None, smoke: bool = False) -> int:
    """Run the application until the main window closes; return the exit code.

    With ``smoke``, show the main window, print the milliseconds from the start of
    MIPS Desk's code in this process (``desktop_app.STARTED_AT``: imports, workspace
    and window included) until the window has been shown and painted, and exit 0; no dialog
    is shown and nothing waits for the user. The catalog is not built in smoke
    mode (an existing one isn't needed to show the window).
    """
    started = desktop_app.STARTED_AT
    app = application()
    window, problems = create_main_window(workspace, smoke=smoke)
    window.resize(1200, 800)
    if smoke:
        painted = _FirstPaint(window)
        window.show()

        def shown() -> None:
            elapsed_ms = round((time.perf_counter() - started) * 1000)
            print(elapsed_ms, flush=True)
            window.close()
            app.quit()

        painted.callback = lambda: QTimer.singleShot(0, shown)
        # Should the platform never paint (it always does, offscreen too), don't hang.
        QTimer.singleShot(SMOKE_TIMEOUT_MS, painted.fire)
        return int(app.exec())

    window.first_run_needed.connect(window.start_first_run)
    window.show()
    for problem in problems:
        QMessageBox.warning(window, "MIPS Desk", problem)
    QTimer.singleShot(0, window.load_catalog)
    ws = window.ctx.workspace
    if ws is not None and ws.practice() is None:
        QTimer.singleShot(0, window.start_first_run)
    return int(app.exec())
