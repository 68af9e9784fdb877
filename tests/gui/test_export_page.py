"""The Export & upload page: check with buttons to the fixing step, export in the
background, attestation summary PDF, validation of a dropped file."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "exporting"))

from export_data import (
    NPI_A,
    TIN,
    add_group_data,
    add_individual_data,
    make_npi,
    new_practice,
)

from desktop_app.reporting import EntityKey, save_value

SHOTS = Path("/tmp/shots")


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "maple.mipsdesk"
    with new_practice(path) as ws:
        add_individual_data(ws)
        add_group_data(ws)
    return path


@pytest.fixture
def export_window(qtbot, data_file: Path, catalog_file: Path):  # type: ignore[no-untyped-def]
    from desktop_app.catalog import Catalog
    from desktop_app.gui.background import wait_for_all
    from desktop_app.gui.context import AppContext
    from desktop_app.gui.main_window import MainWindow
    from desktop_app.settings import Settings
    from desktop_app.store import Workspace

    ctx = AppContext(Settings(), year=2025)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1280, 900)
    win.show()
    qtbot.waitExposed(win)
    ctx.set_catalog(Catalog.open(catalog_file))
    ctx.set_workspace(Workspace.open(data_file, user="jane"))
    ctx.set_year(2025)
    yield win
    wait_for_all()
    ctx.close()


@pytest.fixture
def page(export_window):  # type: ignore[no-untyped-def]
    from desktop_app.gui.pages.export import ExportPage

    p = export_window.show_step("export")
    assert isinstance(p, ExportPage)
    p.refresh()
    return p


def _shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    SHOTS.mkdir(parents=True, exist_ok=True)
    for _ in range(3):
        QApplication.processEvents()
    widget.grab().save(str(SHOTS / name))


def test_page_offers_the_group_each_clinician_and_every_entity(page) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.gui.pages.export import ALL

    items = [page.entity.itemText(i) for i in range(page.entity.count())]
    assert items[0] == "Every entity of the practice (one file each)"
    assert f"Group (TIN {TIN})" in items
    assert f"Ada Quinn (TIN/NPI {TIN}/{NPI_A})" in items
    assert any(t.startswith("Bo Reyes") and t.endswith("(no data yet)") for t in items)
    assert page.entity.itemData(0) == ALL
    assert [page.format.itemText(i) for i in range(page.format.count())] == [
        "QPP JSON",
        "QRDA III (XML)",
    ]


def test_check_lists_problems_and_a_button_goes_to_the_fixing_step(
    page, export_window, qtbot
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    ws = export_window.ctx.workspace
    stranger = EntityKey(2025, TIN, make_npi("987654321"))
    save_value(ws, stranger, "ia", "IA_EPA_3", True)
    save_value(
        ws,
        EntityKey(2025, TIN, None),
        "quality",
        "236",
        {
            "isEndToEndReported": True,
            "performanceMet": 100,
            "performanceNotMet": 50,
            "eligiblePopulation": 500,
            "eligiblePopulationExclusion": 0,
            "eligiblePopulationException": 0,
        },
    )
    page.refresh()
    page.select_entity(stranger)
    reports = page.run_check()
    assert not reports[0].ok
    assert "must be fixed before export" in page.check_status.text()
    buttons = page.fix_buttons()
    texts = [b.text() for b in buttons]
    assert "Go to Practice" in texts
    _shot(export_window, "export_check_errors.png")
    practice_button = buttons[texts.index("Go to Practice")]
    qtbot.mouseClick(practice_button, Qt.MouseButton.LeftButton)
    assert export_window.current_page().key == "practice"


def test_warnings_do_not_block_and_the_export_runs_in_the_background(
    page, export_window, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.formats.qpp_json import read_submission

    page.select_entity(EntityKey(2025, TIN, NPI_A))
    page.select_format("qpp-json")
    reports = page.run_check()
    assert reports[0].ok
    assert page.check_status.text() == "No problems found: ready to export."
    out = tmp_path / "ada.json"
    with qtbot.waitSignal(page.exported, timeout=20000) as blocker:
        page.start_export(out)
    assert blocker.args[0].path == out
    assert read_submission(out).national_provider_identifier == NPI_A
    assert str(out) in page.result.text()
    assert page.check_button.isEnabled()


def test_qrda3_export_shows_what_was_left_out(page, export_window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page.select_entity(EntityKey(2025, TIN, NPI_A))
    page.select_format("qrda3")
    out = tmp_path / "ada.xml"
    with qtbot.waitSignal(page.exported, timeout=20000):
        page.start_export(out)
    text = page.result_notes.text()
    assert "Left out of this file" in text
    assert "047: MIPS CQM measures are submitted as QPP JSON" in text
    assert page.result_notes.isVisible()
    assert "Left out" not in page.result.text()  # not in the green success text
    assert out.read_bytes().startswith(b"<?xml")
    _shot(export_window, "export_qrda3_done.png")


def test_export_every_entity_to_a_folder(page, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.gui.pages.export import ALL

    page.select_entity(ALL)
    folder = tmp_path / "upload"
    with qtbot.waitSignal(page.exported, timeout=20000) as blocker:
        page.start_export(folder)
    batch = blocker.args[0]
    assert len(batch.files) == 2
    assert batch.manifest_path.exists()
    assert "manifest_2025_qpp-json.json" in page.result.text()
    assert f"Not exported: {TIN}/" in page.result_notes.text()


def test_blocked_export_shows_the_errors(page, export_window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws = export_window.ctx.workspace
    save_value(ws, EntityKey(2025, TIN, None), "pi", "PI_LVPP_1", True)
    page.select_entity(EntityKey(2025, TIN, None))
    out = tmp_path / "g.json"
    task = page.start_export(out)
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    assert not out.exists()
    assert "Nothing was exported" in page.result.text()
    assert "Go to Promoting Interoperability" in [b.text() for b in page.fix_buttons()]


def test_attestation_summary_pdf_is_written(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page.select_entity(EntityKey(2025, TIN, NPI_A))
    path = page.save_summary(tmp_path / "summary.pdf")
    assert path is not None
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 5000
    assert "Attestation summary saved" in page.result.text()


def test_no_summary_is_saved_for_an_entity_with_nothing_to_attest(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from export_data import NPI_B

    page.select_entity(EntityKey(2025, TIN, NPI_B))  # Bo Reyes: no data entered
    assert page.save_summary(tmp_path / "empty.pdf") is None
    assert not (tmp_path / "empty.pdf").exists()
    assert "nothing to attest yet" in page.result.text()


def test_summary_pdf_bytes_from_the_core_html(data_file: Path, catalog_file: Path) -> None:
    from desktop_app.catalog import Catalog
    from desktop_app.exporting import build_summary
    from desktop_app.gui.attestation_pdf import summary_pdf_bytes
    from desktop_app.store import Workspace

    with Workspace.open(data_file) as ws, Catalog.open(catalog_file) as catalog:
        summary = build_summary(ws, EntityKey(2025, TIN, None), catalog)
    pdf = summary_pdf_bytes(summary)
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    assert len(pdf) > 5000


def test_dropped_file_is_validated_and_the_report_shown(
    page, export_window, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"entityType": "group", "taxpayerIdentificationNumber": "123456789", '
        '"performanceYear": 2025, "measurementSets": [{"category": "pi", '
        '"submissionMethod": "registry", "measurements": [{"measureId": "PI_EP_1", '
        '"value": {"numerator": 5, "denominator": 2}}]}]}'
    )
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(bad))])
    event = QDropEvent(
        QPoint(10, 10).toPointF(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(page.validated, timeout=20000) as blocker:
        page.drop.dropEvent(event)
    assert not blocker.args[0].valid
    text = page.validation.toPlainText()
    assert "bad.json: QPP JSON" in text
    assert "numerator (5) must not be larger than the denominator (2)" in text
    assert "NOT VALID" in text
    _shot(export_window, "export_validate_drop.png")


def test_dropped_exported_file_is_valid(page, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page.select_entity(EntityKey(2025, TIN, None))
    out = tmp_path / "group.json"
    with qtbot.waitSignal(page.exported, timeout=20000):
        page.start_export(out)
    with qtbot.waitSignal(page.validated, timeout=20000) as blocker:
        page.validate_file(out)
    assert blocker.args[0].valid
    assert page.validation.toPlainText().endswith("VALID: no errors.")


def test_export_with_warnings_goes_ahead_and_shows_them(
    page, export_window, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from export_data import single

    ws = export_window.ctx.workspace
    group = EntityKey(2025, TIN, None)
    save_value(ws, group, "quality", "236", single(100, 50, 500))
    page.select_entity(group)
    reports = page.run_check()
    assert reports[0].ok and reports[0].warnings
    assert page.check_status.text() == "Ready to export, with 1 warning to review."
    assert [b.text() for b in page.fix_buttons()] == ["Go to Quality"]
    out = tmp_path / "group.json"
    with qtbot.waitSignal(page.exported, timeout=20000):
        page.start_export(out)
    assert out.exists()
    assert "Warning: 236: data completeness is 30.0%" in page.result_notes.text()


def test_shown_check_is_rerun_when_the_page_comes_back_after_a_fix(page, export_window) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.reporting import delete_value

    ws = export_window.ctx.workspace
    group = EntityKey(2025, TIN, None)
    save_value(ws, group, "pi", "PI_LVPP_1", True)
    page.select_entity(group)
    page.run_check()
    assert [b.text() for b in page.fix_buttons()] == ["Go to Promoting Interoperability"]
    export_window.show_step("practice")
    delete_value(ws, group, "pi", "PI_LVPP_1")  # the fix, made elsewhere
    assert export_window.show_step("export") is page
    assert page.fix_buttons() == []
    assert page.check_status.text() == "No problems found: ready to export."


def test_qrda3_check_lists_ecqm_the_file_would_drop_and_blocks_it(
    page, export_window, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from export_data import single

    ws = export_window.ctx.workspace
    ada = EntityKey(2025, TIN, NPI_A)
    ehr = "electronicHealthRecord"
    save_value(ws, ada, "quality", "236", single(700, 200, 1000, excl=90), submission_method=ehr)
    page.select_entity(ada)
    page.select_format("qrda3")
    reports = page.run_check()
    assert not reports[0].ok
    assert "must be fixed before export" in page.check_status.text()
    rows = {
        page.problems.item(r, 2).text(): page.problems.item(r, 0).text()
        for r in range(page.problems.rowCount())
    }
    dropped = next(t for t in rows if t.startswith("236 can't be written in the QRDA III file"))
    assert rows[dropped] == "Error"
    assert rows[next(t for t in rows if t.startswith("047 is left out"))] == "Warning"
    _shot(export_window, "export_qrda3_check_left_out.png")
    # the same data as QPP JSON is fine
    page.select_format("qpp-json")
    assert page.run_check()[0].ok


def test_qrda3_left_out_is_shown_as_a_warning_never_as_success(
    page, export_window, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    page.select_entity(EntityKey(2025, TIN, NPI_A))
    page.select_format("qrda3")
    page.run_check()
    assert page.check_status.text().startswith("Ready to export")
    assert "1 measure will be left out of the QRDA III file" in page.check_status.text()
    assert "#7a4100" in page.check_status.styleSheet()  # warning colour, not green
    with qtbot.waitSignal(page.exported, timeout=20000):
        page.start_export(tmp_path / "ada.xml")
    assert "Saved QRDA III" in page.result.text()
    assert "Left out" not in page.result.text()
    assert "Left out of this file" in page.result_notes.text()
    assert "#7a4100" in page.result_notes.styleSheet()
    assert page.result_notes.isVisible()
    _shot(export_window, "export_qrda3_left_out_notes.png")
    # a later export with nothing to note hides the notes
    page.select_format("qpp-json")
    with qtbot.waitSignal(page.exported, timeout=20000):
        page.start_export(tmp_path / "ada.json")
    assert not page.result_notes.isVisible()


def test_check_says_when_pi_will_score_zero(page, export_window) -> None:  # type: ignore[no-untyped-def]
    ws = export_window.ctx.workspace
    ada = EntityKey(2025, TIN, NPI_A)
    save_value(ws, ada, "pi", "PI_EP_2", False)
    page.select_entity(ada)
    page.select_format("qpp-json")
    reports = page.run_check()
    assert reports[0].ok  # No is a true answer CMS accepts: a warning
    status = page.check_status.text()
    assert "1 answer will make Promoting Interoperability score 0" in status
    assert "#7a4100" in page.check_status.styleSheet()
    assert "Go to Promoting Interoperability" in [b.text() for b in page.fix_buttons()]
    _shot(export_window, "export_check_pi_zero.png")
