"""Fixtures for the GUI tests: a workspace, the app context, the main window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from gui_demo import NPI_1, NPI_2, demo_practice

from desktop_app.models.practice import Clinician


@pytest.fixture(autouse=True)
def _styled_app(qapp):  # type: ignore[no-untyped-def]
    """The application as users get it (name, style sheet)."""
    from desktop_app.gui.app import application

    return application()


@pytest.fixture(autouse=True)
def _no_developer_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    """GUI tests decide themselves whether measures data exist (no ../shared discovery)."""
    from desktop_app import paths

    monkeypatch.setattr(paths, "developer_shared_dir", lambda: None)


@pytest.fixture
def ws_path(tmp_path: Path) -> Path:
    return tmp_path / "practice.mipsdesk"


@pytest.fixture
def ctx(ws_path: Path, qtbot) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """An AppContext with an empty workspace open."""
    from desktop_app.gui.context import AppContext
    from desktop_app.settings import Settings
    from desktop_app.store import Workspace

    context = AppContext(Settings())
    context.set_workspace(Workspace.open(ws_path, user="test-user"))
    yield context
    from desktop_app.gui.background import wait_for_all

    wait_for_all()
    context.close()


@pytest.fixture
def demo_workspace(ws_path: Path) -> Path:
    """A workspace file with a practice and two clinicians."""
    from desktop_app.store import Workspace

    with Workspace.open(ws_path, user="test-user") as ws:
        ws.save_practice(demo_practice())
        ws.add_clinicians(
            [
                Clinician(npi=NPI_1, first_name="Maria", last_name="Alvarez", clinician_type="MD"),
                Clinician(npi=NPI_2, first_name="James", last_name="Okafor", clinician_type="NP"),
            ]
        )
    return ws_path


@pytest.fixture
def window(qtbot):  # type: ignore[no-untyped-def]
    """A main window (no workspace yet), shown offscreen; closed after the test."""
    from desktop_app.gui.background import wait_for_all
    from desktop_app.gui.context import AppContext
    from desktop_app.gui.main_window import MainWindow
    from desktop_app.settings import Settings

    win = MainWindow(AppContext(Settings()))
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    wait_for_all()
    win.ctx.close()
