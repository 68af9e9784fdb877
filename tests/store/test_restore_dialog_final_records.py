"""The "workspace is damaged" dialog keeps final records, and asks for CONFIRM to drop them."""

from __future__ import annotations

from pathlib import Path

import pytest
from final_records_data import NPI_ADA, TIN, confirm_ada, fingerprint, make_practice, sql
from PySide6.QtCore import Qt

from desktop_app.elections import Election, election_record
from desktop_app.gui.restore import RestoreBackupDialog
from desktop_app.store import Workspace, WorkspaceCorruptError

SHOTS = Path("/tmp/shots")


def _shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / name))


def _damaged_with_confirmed_election(path: Path) -> tuple[Path, WorkspaceCorruptError]:
    """A backup, then Ada's confirmed opt-in, then the file is damaged (a table dropped)."""
    ws = make_practice(path)
    backup = ws.backup("manual")
    confirm_ada(ws, Election.OPT_IN)
    ws.close()
    sql(path, "DROP TABLE reporting_entities")
    with pytest.raises(WorkspaceCorruptError) as caught:
        Workspace.open(path)
    return backup, caught.value


def test_restoring_keeps_the_confirmed_election_and_says_so(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "maple.mipsdesk"
    _backup, error = _damaged_with_confirmed_election(path)
    dialog = RestoreBackupDialog(error)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "reporting_entities" in str(error)

    with qtbot.waitSignal(dialog.restored) as restored:
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)

    assert restored.args == [path]
    box = dialog.summary_box
    assert box is not None
    assert "1 final record missing from the backup was kept" in box.informativeText()
    assert f"/ NPI {NPI_ADA} (Ada Quinn): Opt-In, confirmed " in box.informativeText()
    _shot(box, "restore-kept-final-records.png")
    box.close()
    with Workspace.open(path) as ws:
        record = election_record(ws, 2025, TIN, NPI_ADA)
        assert record is not None and record.is_final


def test_a_final_record_that_cannot_be_kept_needs_typed_confirm(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "maple.mipsdesk"
    backup, error = _damaged_with_confirmed_election(path)
    sql(  # the backup holds a different final election for Ada
        backup,
        "INSERT INTO elections (year, tin, npi, election, entity_name, confirmed_at, "
        f"confirmed_by) VALUES (2025, '{TIN}', '{NPI_ADA}', 'voluntary', 'Ada Quinn', "
        "'2025-03-01T10:00:00+00:00', 'bo')",
    )
    before = fingerprint(path)
    dialog = RestoreBackupDialog(error)
    qtbot.addWidget(dialog)
    dialog.resize(720, 520)
    dialog.show()
    emitted: list[Path] = []
    dialog.restored.connect(emitted.append)

    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)

    assert not emitted and fingerprint(path) == before  # refused, nothing changed
    assert dialog.problem.isVisible()
    assert f"/ NPI {NPI_ADA} (Ada Quinn): Opt-In, confirmed " in dialog.problem.text()
    assert "Nothing was changed" in dialog.problem.text()
    assert dialog.confirm_edit.isVisible()
    assert dialog.restore_button.text() == "Restore anyway"
    _shot(dialog, "restore-final-records-refused.png")

    qtbot.keyClicks(dialog.confirm_edit, "confirm")  # not exactly CONFIRM
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert not emitted and fingerprint(path) == before
    assert "Type CONFIRM exactly" in dialog.confirm_label.text()

    dialog.confirm_edit.clear()
    qtbot.keyClicks(dialog.confirm_edit, "CONFIRM")
    with qtbot.waitSignal(dialog.restored):
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)

    box = dialog.summary_box
    assert box is not None
    assert "NOT in the restored workspace" in box.informativeText()
    _shot(box, "restore-final-records-forced.png")
    box.close()
    with Workspace.open(path) as ws:
        record = election_record(ws, 2025, TIN, NPI_ADA)
        assert record is not None and record.election is Election.VOLUNTARY
