"""The "workspace is damaged" dialog shows its whole message, every backup and the whole
refusal, and keeps the confirmation field and buttons in view."""

from __future__ import annotations

from pathlib import Path

import pytest
from final_records_data import NPI_ADA, NPI_BO, TIN, confirm_ada, make_practice, sql
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QWidget

from desktop_app.elections import Election, confirm_election
from desktop_app.gui.restore import RestoreBackupDialog
from desktop_app.store import Workspace, WorkspaceCorruptError

SHOTS = Path("/tmp/shots")


def _refused_restore(path: Path) -> WorkspaceCorruptError:
    """Two confirmed elections, six backups, the newest holding other final elections."""
    ws = make_practice(path)
    for n in range(5):
        ws.backup(f"manual-{n}")
    backup = ws.backup("manual")
    confirm_ada(ws)
    confirm_election(
        ws, 2025, TIN, NPI_BO, Election.OPT_IN, "CONFIRM", "Bo Reyes", check_eligibility=False
    )
    ws.close()
    for npi, name in ((NPI_ADA, "Ada Quinn"), (NPI_BO, "Bo Reyes")):
        sql(
            backup,
            "INSERT INTO elections (year, tin, npi, election, entity_name, confirmed_at, "
            f"confirmed_by) VALUES (2025, '{TIN}', '{npi}', 'voluntary', '{name}', "
            "'2025-03-01T10:00:00+00:00', 'bo')",
        )
    sql(path, "DROP TABLE eligibility_figures")
    with pytest.raises(WorkspaceCorruptError) as caught:
        Workspace.open(path)
    return caught.value


def _fully_shown(label: QLabel) -> bool:
    return label.height() >= label.heightForWidth(label.width())


def _inside(widget: QWidget, dialog: QWidget) -> bool:
    top_left = widget.mapTo(dialog, QPoint(0, 0))
    return (
        widget.isVisible()
        and top_left.y() >= 0
        and top_left.y() + widget.height() <= dialog.height()
        and top_left.x() + widget.width() <= dialog.width()
    )


def test_a_refusal_is_readable_in_full_with_confirm_and_buttons_in_view(
    qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    error = _refused_restore(tmp_path / "maple.mipsdesk")
    dialog = RestoreBackupDialog(error)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)

    labels = [label for label in dialog.findChildren(QLabel) if label.isVisible()]
    assert any("eligibility_figures" in label.text() for label in labels)
    assert all(_fully_shown(label) for label in labels)
    assert dialog.backups.count() >= 6  # six made here (and any a migration made)
    listed = dialog.backups.visualItemRect(dialog.backups.item(5))
    assert (
        listed.top() >= 0 and listed.bottom() < dialog.backups.viewport().height()
    )  # no scrolling

    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.problem.isVisible())
    text = dialog.problem.text()
    assert "would erase 2 final records" in text and "Nothing was changed" in text
    assert f"/ NPI {NPI_BO} (Bo Reyes): Opt-In, confirmed " in text
    # Nothing is cut off: each text gets its full wrapped height; the scroll area
    # scrolls when the screen is too small, and the confirmation stays in view.
    labels = [label for label in dialog.findChildren(QLabel) if label.isVisible()]
    qtbot.waitUntil(lambda: all(_fully_shown(label) for label in labels), timeout=2000)
    qtbot.wait(100)
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "restore-refusal-layout.png"))
    viewport = dialog.scroll.viewport()
    assert (
        dialog.body.width() <= viewport.width() or dialog.scroll.horizontalScrollBar().isVisible()
    )
    assert dialog.scroll.isAncestorOf(dialog.problem) and dialog.scroll.isAncestorOf(dialog.message)
    assert dialog.scroll.widget().height() >= dialog.body.layout().minimumSize().height()
    assert _inside(dialog.confirm_label, dialog) and _inside(dialog.confirm_edit, dialog)
    assert _inside(dialog.restore_button, dialog)
    assert dialog.restore_button.text() == "Restore anyway"
    screen = dialog.screen().availableGeometry()
    assert dialog.height() <= screen.height() and dialog.width() <= screen.width()


def test_without_backups_every_line_is_shown(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "broken.mipsdesk"
    path.write_bytes(b"not a workspace" * 200)
    with pytest.raises(WorkspaceCorruptError) as caught:
        Workspace.open(path)
    dialog = RestoreBackupDialog(caught.value)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.wait(100)
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "restore-no-backups.png"))

    shown = [label for label in dialog.body.findChildren(QLabel) if label.isVisible()]
    assert any("There are no backups" in label.text() for label in shown)
    for label in shown:
        assert _fully_shown(label), label.text()
        assert label.width() <= dialog.scroll.viewport().width(), label.text()
