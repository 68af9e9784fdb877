"""Importing clinicians from a CSV file, with a row-by-row report of problems."""

from __future__ import annotations

from pathlib import Path

from gui_demo import BAD_NPI, NPI_1, NPI_2, NPI_3, NPI_4
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from desktop_app.gui.widgets.clinicians import CliniciansPanel, CsvReportDialog

HEADER = "NPI,First name,Last name,Clinician type,Medicare enrollment date\n"


def _panel(qtbot, ctx) -> CliniciansPanel:  # type: ignore[no-untyped-def]
    panel = CliniciansPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    return panel


def test_clean_file_is_imported_at_once(qtbot, ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv = tmp_path / "clinicians.csv"
    csv.write_text(HEADER + f"{NPI_1},Maria,Alvarez,MD,07/01/2015\n{NPI_2},James,Okafor,NP,\n")
    panel = _panel(qtbot, ctx)
    with qtbot.waitSignal(panel.changed, timeout=10000):
        panel.import_csv(csv)
    assert sorted(c.npi for c in ctx.workspace.clinicians()) == sorted([NPI_1, NPI_2])
    assert panel.table.rowCount() == 2
    assert panel.active_dialog is None  # no report when every row is fine


def test_bad_rows_are_reported_and_valid_rows_imported_on_request(
    qtbot, ctx, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    csv = tmp_path / "clinicians.csv"
    csv.write_text(
        HEADER
        + f"{NPI_1},Maria,Alvarez,MD,\n"  # row 2: fine
        + f"{BAD_NPI},Ana,Ruiz,MD,\n"  # row 3: bad check digit
        + f"{NPI_3},Linda,Chen,XYZ,\n"  # row 4: unknown type
        + f"{NPI_4},Sam,Lee,PA,\n"  # row 5: fine
    )
    panel = _panel(qtbot, ctx)
    panel.import_csv(csv)
    qtbot.waitUntil(lambda: isinstance(panel.active_dialog, CsvReportDialog), timeout=10000)
    report = panel.active_dialog
    rows = {
        (report.table.item(i, 0).text(), report.table.item(i, 1).text())
        for i in range(report.table.rowCount())
    }
    assert ("3", "NPI") in rows
    assert any(r == "4" for r, _f in rows)
    assert all(r not in ("2", "5") for r, _f in rows)
    assert "2 rows are fine" in report.intro.text()
    assert ctx.workspace.clinicians() == []  # nothing imported before the user decides
    qtbot.mouseClick(report.import_button, Qt.MouseButton.LeftButton)
    assert sorted(c.npi for c in ctx.workspace.clinicians()) == sorted([NPI_1, NPI_4])


def test_report_cancel_imports_nothing_and_existing_npis_are_flagged(
    qtbot, ctx, demo_workspace, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    csv = tmp_path / "clinicians.csv"
    csv.write_text(HEADER + f"{NPI_1},Maria,Alvarez,MD,\n{NPI_3},Linda,Chen,PT,\n")
    panel = _panel(qtbot, ctx)
    panel.import_csv(csv)
    qtbot.waitUntil(lambda: isinstance(panel.active_dialog, CsvReportDialog), timeout=10000)
    report = panel.active_dialog
    assert report.table.item(0, 0).text() == "2"
    assert "already in this practice" in report.table.item(0, 2).text()
    buttons = report.findChild(QDialogButtonBox)
    qtbot.mouseClick(
        buttons.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton
    )
    assert ctx.workspace.clinician(NPI_3) is None
    assert len(ctx.workspace.clinicians()) == 2


def test_unreadable_file_explains_why(qtbot, ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv = tmp_path / "empty.csv"
    csv.write_text("")
    panel = _panel(qtbot, ctx)
    panel.import_csv(csv)
    qtbot.waitUntil(lambda: isinstance(panel.active_dialog, QMessageBox), timeout=10000)
    assert "empty" in panel.active_dialog.text()
    assert ctx.workspace.clinicians() == []
