"""The Improvement Activities page: list, search, filters, Completed with dates,
derived period, requirement, PCMH, APM credit, undo/redo and evidence."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from gui_demo import NPI_1, demo_practice
from PySide6.QtCore import QDate

from desktop_app import attestation as att
from desktop_app.models.practice import Clinician
from desktop_app.reporting import EntityKey

TIN = "123456789"


def _open(ctx: Any, qtbot: Any, catalog: Any, year: int = 2025, size: int = 20) -> Any:
    from desktop_app.gui.pages.ia import IaPage

    ctx.set_year(year)
    practice = demo_practice()
    practice.size = size
    ctx.workspace.save_practice(practice)
    ctx.workspace.add_clinicians(
        [Clinician(npi=NPI_1, first_name="Maria", last_name="Alvarez", clinician_type="MD")]
    )
    ctx.set_catalog(catalog)
    page = IaPage(ctx)
    qtbot.addWidget(page)
    page.resize(1150, 1000)
    page.show()
    qtbot.waitExposed(page)
    return page


@pytest.fixture
def page(ctx: Any, qtbot: Any, catalog: Any) -> Any:
    return _open(ctx, qtbot, catalog)


def _done(page: Any, year: int = 2025) -> dict[str, att.IaDone]:
    return att.ia_entry(page.ctx.workspace, EntityKey(year, TIN))


def test_list_search_and_subcategory_filter(page: Any, catalog: Any) -> None:
    total = len(catalog.measures(2025, "ia"))
    assert page.list.count() == total
    assert page.count_label.text() == f"Activities: {total} shown of {total}"
    assert page.shown[0].measure_id == "IA_PCMH"
    assert not page.weight.isVisible()  # no weights after 2024
    page.search.setText("opioid")
    page.apply_filters()
    assert 0 < page.list.count() < total
    assert all("opioid" in (a.title + a.description).lower() for a in page.shown)
    page.search.setText("")
    index = page.subcategory.findText("Care coordination")
    page.subcategory.setCurrentIndex(index)
    assert page.shown and {a.subcategory for a in page.shown} == {"careCoordination"}
    page.search.setText("zzzzqqqx")
    page.apply_filters()
    assert page.list.count() == 0
    assert "No activity matches" in page.d_description.text()
    assert not page.completed.isEnabled()


def test_weight_filter_in_2024(ctx: Any, qtbot: Any, catalog: Any) -> None:
    page = _open(ctx, qtbot, catalog, year=2024)
    assert page.weight.isVisible()
    page.weight.setCurrentIndex(page.weight.findData("high"))
    assert page.shown and all(a.weight == "high" for a in page.shown)
    assert "40 points for full credit in 2024" in page.requirement.text()
    page.select(page.shown[0].measure_id)
    assert "Weight: high" in page.d_meta.text()
    page.completed.setChecked(True)
    assert page.progress_label.text() == "20 / 40 activity points (1 completed)"
    assert page.score_label.text().startswith("IA score 50%")


def test_detail_shows_description_and_pcmh_credit(page: Any) -> None:
    assert page.select("IA_PCMH")
    assert "Patient Centered Medical Home" in page.d_title.text()
    assert "receive 100% for the Improvement Activities category" in page.d_note.text()
    assert "no performance period of its own" in page.d_period.text()
    assert page.select("IA_BE_4")
    assert (
        page.d_description.text()
        == att.ia_activities(page.ctx.catalog, 2025)[
            [a.measure_id for a in page.activities].index("IA_BE_4")
        ].description
    )
    assert "At least 90 continuous days in 2025" in page.d_period.text()


def test_completed_with_dates_period_and_undo(page: Any) -> None:
    assert page.progress_label.text() == "0 / 2 activities completed"
    assert "Required for this group: 2 activities" in page.requirement.text()
    page.select("IA_BE_4")
    page.completed.setChecked(True)
    done = _done(page)["IA_BE_4"]
    assert (done.start, done.end) == (dt.date(2025, 1, 1), dt.date(2025, 3, 31))  # 90 days
    assert page.start_edit.isEnabled() and page.start_edit.date() == QDate(2025, 1, 1)
    assert page.progress_label.text() == "1 / 2 activities completed"
    assert "01/01/2025 – 03/31/2025" in page.period_label.text()
    assert page.list.currentItem().text().startswith("✔ ")
    # a period that is too short is refused with the reason
    page.end_edit.setDate(QDate(2025, 2, 1))
    page.end_edit.editingFinished.emit()
    assert "32 days; IA_BE_4 needs at least 90 continuous days" in page.d_error.text()
    assert _done(page)["IA_BE_4"].end == dt.date(2025, 3, 31)
    page.start_edit.setDate(QDate(2025, 5, 1))
    page.end_edit.setDate(QDate(2025, 9, 30))
    page.end_edit.editingFinished.emit()
    assert _done(page)["IA_BE_4"].start == dt.date(2025, 5, 1)
    assert page.d_error.text() == ""
    assert "05/01/2025 – 09/30/2025" in page.period_label.text()
    page.undo_button.click()
    assert (_done(page)["IA_BE_4"].start, _done(page)["IA_BE_4"].end) == (
        dt.date(2025, 1, 1),
        dt.date(2025, 3, 31),
    )
    page.undo_button.click()
    assert _done(page) == {}
    assert not page.completed.isChecked()
    page.redo_button.click()
    assert "IA_BE_4" in _done(page)
    page.completed.setChecked(False)
    assert _done(page) == {}
    assert "set when you mark an activity completed" in page.period_label.text()


def test_live_score_and_apm_credit(ctx: Any, qtbot: Any, catalog: Any) -> None:
    page = _open(ctx, qtbot, catalog, size=3)  # small practice: 1 activity
    assert "1 activity for full credit in 2025 (small practice)" in page.requirement.text()
    assert not page.apm_label.isVisible()
    page.apm.setChecked(True)
    assert page.apm_label.isVisible() and "50%" in page.apm_label.text()
    assert page.score_label.text().startswith("IA score 50%")
    page.select("IA_BE_4")
    page.completed.setChecked(True)
    assert page.score_label.text().startswith("IA score 100%")
    assert page.progress_label.text() == "1 / 1 activities completed"
    page.select("IA_EPA_3")
    page.completed.setChecked(True)  # a second one: attested, but worth nothing more
    assert page.progress_label.text() == (
        "1 / 1 activities completed (2 attested; more add no points)"
    )
    assert page.score_label.text().startswith("IA score 100%")
    page.completed_only.setChecked(True)
    assert sorted(a.measure_id for a in page.shown) == ["IA_BE_4", "IA_EPA_3"]


def test_locked_until_election(page: Any) -> None:
    from decimal import Decimal

    from desktop_app.eligibility import LowVolumeFigures
    from desktop_app.eligibility import store as el

    for seg in (1, 2):
        el.save_figures(
            page.ctx.workspace, 2025, TIN, NPI_1, seg, LowVolumeFigures(Decimal("95000"), 150, 300)
        )
    page.picker.select_npi(NPI_1)
    assert page.locked.isVisible() and "Opt-In or Report Voluntarily" in page.locked.text()
    assert not page.completed.isEnabled()


def test_activity_evidence(page: Any, tmp_path: Any) -> None:
    page.select("IA_BE_4")
    f = tmp_path / "huddle-notes.txt"
    f.write_text("notes")
    dialog = page.open_evidence()
    assert dialog.attach(f)
    dialog.accept()
    assert page.evidence_button.text() == "Evidence (1)"
    items = att.list_evidence(page.ctx.workspace, EntityKey(2025, TIN), "ia", "IA_BE_4")
    assert [e.file_name for e in items] == ["huddle-notes.txt"]
    page.undo_button.click()
    assert att.list_evidence(page.ctx.workspace, EntityKey(2025, TIN)) == []


def test_apm_flag_is_undoable(page: Any) -> None:
    page.apm.setChecked(True)
    assert page.apm_label.isVisible()
    page.undo_button.click()
    assert not page.apm.isChecked() and not page.apm_label.isVisible()
    assert not att.entity_facts(page.ctx.workspace, EntityKey(2025, TIN)).apm_participant


def test_edit_menu_undoes_and_redoes_page_edits(ctx: Any, qtbot: Any, catalog: Any) -> None:
    """Edit > Undo / Redo in the main window act on the same edits as the page's buttons."""
    from desktop_app.gui.main_window import MainWindow

    page = _open(ctx, qtbot, catalog)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    menu_texts = [a.text() for a in window.ui.menuEdit.actions()]
    assert menu_texts[0].startswith("&Undo") and menu_texts[1].startswith("&Redo")
    assert not window.undo_action.isEnabled()
    page.select("IA_BE_4")
    page.completed.setChecked(True)
    assert "IA_BE_4" in _done(page)
    assert window.undo_action.isEnabled()
    window.undo_action.trigger()
    assert _done(page) == {}
    window.redo_action.trigger()
    assert "IA_BE_4" in _done(page)


def test_activities_imported_from_an_ehr_file_show_and_keep_the_imported_period(
    page: Any,
) -> None:
    """A QRDA III import stores the activities in an EHR set with only the set's period:
    the page lists them with that period, and adding one keeps the period covering them."""
    from desktop_app.reporting import save_set_fields, save_value

    ws, entity, ehr = page.ctx.workspace, EntityKey(2025, TIN), "electronicHealthRecord"
    for mid in ("IA_EPA_3", "IA_CC_10"):
        save_value(ws, entity, "ia", mid, True, submission_method=ehr)
    save_set_fields(
        ws,
        entity,
        "ia",
        submission_method=ehr,
        performance_start=dt.date(2025, 2, 1),
        performance_end=dt.date(2025, 5, 31),
    )
    page.refresh()
    assert page.progress_label.text() == "2 / 2 activities completed"
    assert "02/01/2025 – 05/31/2025" in page.period_label.text()
    page.select("IA_EPA_3")
    assert page.completed.isChecked() and page.start_edit.date() == QDate(2025, 2, 1)
    page.select("IA_BE_4")
    page.completed.setChecked(True)
    page.start_edit.setDate(QDate(2025, 9, 1))
    page.end_edit.setDate(QDate(2025, 11, 30))
    page.end_edit.editingFinished.emit()
    assert "02/01/2025 – 11/30/2025" in page.period_label.text()
    assert att.category_sets(ws, entity, "ia") == [(ehr, "mips")]
    ia = att.build_pi_ia_submission(ws, entity).sets("ia")[0]
    assert (ia.performance_start, ia.performance_end) == (
        dt.date(2025, 2, 1),
        dt.date(2025, 11, 30),
    )
