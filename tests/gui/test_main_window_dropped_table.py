"""A feature table missing from the workspace is damage in the GUI too: when it is opened
(whichever pages were loaded) and when it disappears while the workspace is open."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import Qt

import desktop_app.elections
import desktop_app.eligibility.store  # noqa: F401 - and the eligibility tables
from desktop_app.gui.context import AppContext
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.restore import RestoreBackupDialog
from desktop_app.settings import Settings
from desktop_app.store import Workspace


def _drop(path: Path, table: str) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute(f"DROP TABLE {table}")
        conn.commit()
    finally:
        conn.close()


def _with_backup(path: Path) -> Path:
    with Workspace.open(path, user="test-user") as ws:
        return ws.backup("manual")


def test_a_table_dropped_while_open_offers_the_backups(qtbot, demo_workspace: Path) -> None:  # type: ignore[no-untyped-def]
    backup = _with_backup(demo_workspace)
    ctx = AppContext(Settings())
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    assert window.open_workspace(demo_workspace)
    window.show_step("election")

    _drop(demo_workspace, "elections")  # another program, while MIPS Desk has it open
    window.show_step("eligibility")

    dialog = window.active_dialog
    assert isinstance(dialog, RestoreBackupDialog)
    assert "the table elections, which MIPS Desk created in it, is missing" in (
        dialog.message.text()
    )
    assert str(backup) in [
        dialog.backups.item(i).data(Qt.ItemDataRole.UserRole) for i in range(dialog.backups.count())
    ]
    assert ctx.workspace is None  # closed, so the backup can be put in its place
    assert "is damaged; nothing was changed" in window.statusBar().currentMessage()

    with qtbot.waitSignal(dialog.restored):
        dialog.accept()
    qtbot.waitUntil(lambda: ctx.workspace is not None)
    assert ctx.workspace.db.execute("SELECT count(*) FROM elections").fetchone() == (0,)
    kept = demo_workspace.parent.glob(f"{demo_workspace.name}.damaged-*")
    assert any(not p.name.endswith(("-wal", "-shm")) for p in kept)  # the damaged file
    dialog.close()
    window.close()


def test_the_gui_checks_every_feature_table_on_open(demo_workspace: Path) -> None:
    """In a fresh process no page is loaded yet; opening must still know the tables."""
    _with_backup(demo_workspace)
    _drop(demo_workspace, "eligibility_figures")
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from desktop_app.gui.app import application
        from desktop_app.gui.context import AppContext
        from desktop_app.gui.main_window import MainWindow
        from desktop_app.settings import Settings
        app = application()
        window = MainWindow(AppContext(Settings()))
        opened = window.open_workspace(Path({str(demo_workspace)!r}))
        dialog = window.active_dialog
        print(opened, type(dialog).__name__, getattr(dialog, "message", None) and
              dialog.message.text().splitlines()[0])
        """
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("False RestoreBackupDialog The workspace file ")
    assert "the table eligibility_figures, which MIPS Desk created in it, is missing" in (
        done.stdout
    )
