"""The Promoting Interoperability page: each control, its validation message, undo/redo,
the reweighting agreement, the election lock, evidence and the audit binder."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from gui_demo import NPI_1, NPI_2, demo_practice
from PySide6.QtCore import QDate, QPoint, Qt, QTimer

from desktop_app import attestation as att
from desktop_app.models.practice import Clinician
from desktop_app.reporting import EntityKey

TIN = "123456789"
GROUP = EntityKey(2025, TIN)


def _practice(ctx: Any, size: int | None = 20) -> None:
    ws = ctx.workspace
    practice = demo_practice()
    practice.size = size
    ws.save_practice(practice)
    ws.add_clinicians(
        [
            Clinician(npi=NPI_1, first_name="Maria", last_name="Alvarez", clinician_type="MD"),
            Clinician(npi=NPI_2, first_name="James", last_name="Okafor", clinician_type="NP"),
        ]
    )


@pytest.fixture
def page(ctx: Any, qtbot: Any, catalog: Any) -> Any:
    from desktop_app.gui.pages.pi import PiPage

    ctx.set_year(2025)
    _practice(ctx)
    ctx.set_catalog(catalog)
    p = PiPage(ctx)
    qtbot.addWidget(p)
    p.resize(1100, 900)
    p.show()
    qtbot.waitExposed(p)
    qtbot.waitUntil(lambda: p.boxes["PI_PHCDRR_1"].height() > 100)  # laid out
    return p


def click(page: Any, qtbot: Any, widget: Any) -> None:
    """Click like a user: scroll the control into view first."""
    qtbot.waitUntil(lambda: widget.height() > 0)  # the page re-lays out after each edit
    page.scroll.ensureWidgetVisible(widget)
    # on the indicator: a wide radio button or check box only reacts there and on its text
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))


def _values(p: Any) -> dict[str, Any]:
    return att.pi_entry(p.ctx.workspace, GROUP).values


def test_progress_and_period_hint(page: Any) -> None:
    assert page.progress_label.text() == "0 / 6 objectives completed"
    assert "latest possible start date is 07/05/2025" in page.period_hint.text()
    assert "180 continuous days" in page.period_hint.text()
    assert "Performance period" in page.missing_label.text()
    assert page.picker.combo.count() == 3  # group + 2 clinicians


def test_period_whole_year_and_too_late_start(page: Any, qtbot: Any) -> None:
    click(page, qtbot, page.full_year)
    entry = att.pi_entry(page.ctx.workspace, GROUP)
    assert (entry.start, entry.end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert page.start_edit.date() == QDate(2025, 1, 1)
    page.start_edit.setDate(QDate(2025, 8, 1))
    page.start_edit.editingFinished.emit()
    assert att.pi_entry(page.ctx.workspace, GROUP).start == dt.date(2025, 8, 1)
    assert page.period_error.isVisible()
    assert "too late: 07/05/2025 is the latest start" in page.period_error.text()
    page.end_edit.setDate(QDate(2025, 7, 1))
    page.end_edit.editingFinished.emit()  # end before start: refused
    assert "before the start date" in page.period_error.text()
    assert att.pi_entry(page.ctx.workspace, GROUP).end == dt.date(2025, 12, 31)


def test_cehrt_id_refused_with_reason(page: Any, qtbot: Any) -> None:
    page.cehrt_edit.setText("0015H1234567890")
    page.cehrt_edit.editingFinished.emit()
    assert page.cehrt_error.isVisible()
    assert "contains '15H', which CMS rejects" in page.cehrt_error.text()
    assert page.cehrt_edit.text() == "0015H1234567890"  # kept for correcting
    assert att.pi_entry(page.ctx.workspace, GROUP).cehrt_id is None
    page.cehrt_edit.setText("0015c1234567890")
    page.cehrt_edit.editingFinished.emit()
    assert not page.cehrt_error.isVisible()
    assert att.pi_entry(page.ctx.workspace, GROUP).cehrt_id == "0015C1234567890"
    assert page.cehrt_edit.text() == "0015C1234567890"


def test_attestation_yes_no_clear_undo_redo(page: Any, qtbot: Any) -> None:
    box = page.boxes["PI_PPHI_1"]
    from PySide6.QtWidgets import QLabel

    statement = box.findChild(QLabel, "statement_PI_PPHI_1")
    assert "security risk analysis in accordance with" in statement.text().lower()
    click(page, qtbot, box.yes)
    assert _values(page)["PI_PPHI_1"] is True
    assert page.undo_button.isEnabled()
    click(page, qtbot, box.no)
    assert _values(page)["PI_PPHI_1"] is False
    assert "must be Yes" in box.error.text()
    click(page, qtbot, page.undo_button)
    assert _values(page)["PI_PPHI_1"] is True and box.yes.isChecked()
    click(page, qtbot, page.undo_button)
    assert "PI_PPHI_1" not in _values(page) and not box.yes.isChecked()
    click(page, qtbot, page.redo_button)
    assert _values(page)["PI_PPHI_1"] is True
    click(page, qtbot, box.clear_button)
    assert "PI_PPHI_1" not in _values(page)
    assert any(a.table_name == "measurement_values" for a in page.ctx.workspace.audit_log(3))


def test_proportion_validation_messages(page: Any) -> None:
    box = page.boxes["PI_EP_1"]
    box.numerator.setText("12")
    box.denominator.setText("10")
    box.denominator.editingFinished.emit()
    assert "The numerator (12) can't be larger than the denominator (10)." in box.error.text()
    assert "PI_EP_1" not in _values(page)
    assert box.numerator.text() == "12"  # the user's input stays for correcting
    box.numerator.setText("1")
    box.denominator.setText("0")
    box.denominator.editingFinished.emit()
    assert "denominator is 0, so the numerator must be 0" in box.error.text()
    box.numerator.setText("abc")
    box.numerator.editingFinished.emit()
    assert "must be a whole number" in box.error.text()
    box.numerator.setText("8")
    box.denominator.setText("10")
    box.denominator.editingFinished.emit()
    assert box.error.text() == ""
    assert _values(page)["PI_EP_1"] == {"numerator": 8, "denominator": 10}
    assert box.rate.text() == "= 80.0%"
    box.denominator.setText("")
    box.denominator.editingFinished.emit()
    assert "Enter both the numerator and the denominator." in box.error.text()


def test_exclusion_disables_the_measure(page: Any, qtbot: Any) -> None:
    box = page.boxes["PI_EP_2"]
    click(page, qtbot, box.yes)
    box.exclusions["PI_EP_2_EX_1"].setChecked(True)
    values = _values(page)
    assert values.get("PI_EP_2_EX_1") is True and "PI_EP_2" not in values
    assert not box.yes.isEnabled() and "Excluded" in box.status.text()
    box.exclusions["PI_EP_2_EX_2"].setChecked(True)  # only one exclusion at a time
    values = _values(page)
    assert values.get("PI_EP_2_EX_2") is True and "PI_EP_2_EX_1" not in values
    assert not box.exclusions["PI_EP_2_EX_1"].isChecked()
    box.exclusions["PI_EP_2_EX_2"].setChecked(False)
    assert box.yes.isEnabled()


def test_hie_and_engagement_messages(page: Any, qtbot: Any) -> None:
    hie1 = page.boxes["PI_HIE_1"]
    hie1.numerator.setText("3")
    hie1.denominator.setText("4")
    hie1.denominator.editingFinished.emit()
    assert (
        "PI_HIE_1 + PI_HIE_4 go together; PI_HIE_4 is missing."
        in page.boxes["PI_HIE_4"].error.text()
    )
    imm = page.boxes["PI_PHCDRR_1"]
    click(page, qtbot, imm.yes)
    assert "a Yes does not count until one is chosen" in imm.error.text()
    click(page, qtbot, imm.engagement["PI_PHCDRR_1_PROD"])
    assert _values(page)["PI_PHCDRR_1_PROD"] is True
    assert imm.error.text() == ""
    click(page, qtbot, imm.engagement["PI_PHCDRR_1_PRE"])
    values = _values(page)
    assert values.get("PI_PHCDRR_1_PRE") is True and "PI_PHCDRR_1_PROD" not in values
    assert imm.engagement["PI_PHCDRR_1_PRE"].isChecked()
    assert not imm.engagement["PI_PHCDRR_1_PROD"].isChecked()


def test_complete_entry_shows_score(page: Any, qtbot: Any) -> None:
    ws = page.ctx.workspace
    att.set_pi_period(ws, GROUP, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    att.set_cehrt_id(ws, GROUP, "0015C1234567890")
    for mid in ("PI_PPHI_1", "PI_PPHI_2", "PI_ONCDIR_1", "PI_INFBLO_1", "PI_EP_2", "PI_HIE_5"):
        att.set_pi_answer(ws, GROUP, mid, True)
    att.set_pi_proportion(ws, GROUP, "PI_EP_1", 1, 2)
    att.set_pi_proportion(ws, GROUP, "PI_PEA_1", 1, 1)
    for mid in ("PI_PHCDRR_1", "PI_PHCDRR_3"):
        att.set_pi_exclusion(ws, GROUP, mid, f"{mid}_EX_1")
    page.refresh()
    live = att.live_preview(ws, GROUP, page.ctx.catalog)
    assert page.progress_label.text() == "6 / 6 objectives completed"
    assert "All required objectives are complete" in page.missing_label.text()
    pi = live.categories["pi"]
    assert page.score_label.text().startswith(f"PI score {pi.score:g}%")
    assert page.boxes["PI_EP_1"].status.text().endswith("points")


def test_reweighted_pi_asks_for_agreement(ctx: Any, qtbot: Any, catalog: Any) -> None:
    from desktop_app.gui.pages.pi import PiPage

    ctx.set_year(2025)
    _practice(ctx, size=3)
    ctx.set_catalog(catalog)
    page = PiPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.boxes["PI_PHCDRR_1"].height() > 100)
    assert page.reweight_box.isVisible()
    assert "reweighted to 0%" in page.reweight_text.text()
    assert not page.start_edit.isEnabled() and not page.boxes["PI_PPHI_1"].yes.isEnabled()

    def cancel(dialog: Any) -> None:
        assert not dialog.continue_button.isEnabled()
        QTimer.singleShot(0, dialog.reject)

    assert page.ask_consent(cancel) is False
    assert att.pi_consent(ctx.workspace, GROUP) is None

    def agree(dialog: Any) -> None:
        def go() -> None:
            assert "Small practices have a different redistribution" in "".join(
                w.text() for w in dialog.findChildren(type(page.period_hint))
            )
            dialog.agree.setChecked(True)
            assert dialog.continue_button.isEnabled()
            dialog.continue_button.click()

        QTimer.singleShot(0, go)

    assert page.ask_consent(agree) is True
    consent = att.pi_consent(ctx.workspace, GROUP)
    assert consent is not None and consent.user == "test-user"
    assert page.start_edit.isEnabled() and page.boxes["PI_PPHI_1"].yes.isEnabled()
    assert "agreed that Promoting Interoperability will be included" in page.reweight_text.text()
    assert not page.consent_button.isVisible()


def test_pi_data_stored_without_the_agreement_is_said_to_be_scored(
    ctx: Any, qtbot: Any, catalog: Any
) -> None:
    """PI data saved without the agreement (an earlier version, another tool): the page
    doesn't claim PI is reweighted while the score counts it, and the entry can be
    deleted to keep PI reweighted."""
    from desktop_app.gui.pages.pi import PiPage
    from desktop_app.reporting import save_value

    ctx.set_year(2025)
    _practice(ctx, size=3)
    ctx.set_catalog(catalog)
    save_value(ctx.workspace, GROUP, "pi", "PI_PPHI_1", True)
    page = PiPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    text = page.reweight_text.text()
    assert "would be reweighted to 0%" in text and "is scored" in text
    assert "does not count towards the final score" not in text
    assert page.delete_button.isEnabled()
    assert page.delete_entry(confirm=False) is True
    assert att.pi_entry(ctx.workspace, GROUP).empty
    assert att.pi_consent(ctx.workspace, GROUP) is None  # no agreement was needed to delete
    assert "does not count towards the final score" in page.reweight_text.text()


def test_hardship_checkbox_reweights(page: Any) -> None:
    page.hardship.setChecked(True)
    assert page.reweight_box.isVisible() and "hardship" in page.reweight_text.text()
    assert page.consent_button.isVisible() and not page.cehrt_edit.isEnabled()
    page.hardship.setChecked(False)
    assert not page.reweight_box.isVisible() and page.cehrt_edit.isEnabled()


def test_opt_in_eligible_clinician_is_locked(page: Any) -> None:
    from desktop_app.eligibility import LowVolumeFigures
    from desktop_app.eligibility import store as el

    for seg in (1, 2):
        el.save_figures(
            page.ctx.workspace, 2025, TIN, NPI_1, seg, LowVolumeFigures(Decimal("95000"), 150, 300)
        )
    page.picker.select_npi(NPI_1)
    assert page.locked.isVisible() and "opt-in eligible" in page.locked.text()
    assert not page.boxes["PI_EP_1"].numerator.isEnabled()
    page.picker.select_npi(None)
    assert not page.locked.isVisible() and page.boxes["PI_EP_1"].numerator.isEnabled()


def test_evidence_attach_open_remove_undo(
    page: Any, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QDesktopServices

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    f = tmp_path / "SRA-2025.pdf"
    f.write_bytes(b"%PDF risk analysis")
    dialog = page.open_evidence("pi", "PI_PPHI_1", "Security Risk Analysis")
    assert dialog.attach(f)
    assert dialog.list.count() == 1 and "SRA-2025.pdf" in dialog.list.item(0).text()
    dialog.list.setCurrentRow(0)
    copy = dialog.open_selected()
    assert copy is not None and opened == [str(copy)] and copy.read_bytes() == f.read_bytes()
    assert dialog.remove_selected(confirm=False)
    assert att.list_evidence(page.ctx.workspace, GROUP) == []
    page.undo_button.click()  # undo the removal
    assert [e.file_name for e in att.list_evidence(page.ctx.workspace, GROUP)] == ["SRA-2025.pdf"]
    dialog.reload()
    assert dialog.list.count() == 1
    too_big = tmp_path / "big.bin"
    from desktop_app.attestation import evidence as ev_module

    monkeypatch.setattr(ev_module, "MAX_EVIDENCE_BYTES", 10)
    too_big.write_bytes(b"x" * 11)
    assert not dialog.attach(too_big)
    assert "Save a smaller copy" in dialog.message.text()
    dialog.accept()
    assert page.boxes["PI_PPHI_1"].evidence.text() == "Evidence (1)"


def test_export_audit_binder(page: Any, tmp_path: Path) -> None:
    att.add_evidence_bytes(page.ctx.workspace, GROUP, "pi", "PI_PPHI_1", "sra.pdf", b"x")
    result = page.export_binder(tmp_path / "binder.zip")
    assert result is not None and result.evidence_count == 1
    with zipfile.ZipFile(tmp_path / "binder.zip") as z:
        assert "summary.pdf" in z.namelist()
    assert "Audit binder written" in page.score_reason.text()


def test_delete_entry_and_undo(page: Any) -> None:
    ws = page.ctx.workspace
    att.set_pi_period(ws, GROUP, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    att.set_pi_proportion(ws, GROUP, "PI_EP_1", 2, 3)
    page.refresh()
    assert page.delete_entry(confirm=False)
    assert att.pi_entry(ws, GROUP).empty
    assert page.start_edit.date() == page.start_edit.minimumDate()  # "Not set"
    assert page.boxes["PI_EP_1"].numerator.text() == ""
    page.undo_button.click()
    entry = att.pi_entry(ws, GROUP)
    assert entry.values == {"PI_EP_1": {"numerator": 2, "denominator": 3}}
    assert entry.start == dt.date(2025, 1, 1)
    page.redo_button.click()
    assert att.pi_entry(ws, GROUP).empty
    assert not page.delete_entry(confirm=False)  # nothing left to delete


def test_hardship_flag_is_undoable(page: Any) -> None:
    page.hardship.setChecked(True)
    assert att.entity_facts(page.ctx.workspace, GROUP).pi_hardship
    page.undo_button.click()
    assert not att.entity_facts(page.ctx.workspace, GROUP).pi_hardship
    assert not page.hardship.isChecked() and not page.reweight_box.isVisible()
    page.redo_button.click()
    assert page.hardship.isChecked() and page.reweight_box.isVisible()


def test_year_without_program_data_is_locked(page: Any) -> None:
    page.ctx.set_year(2027)
    page.refresh()
    assert page.locked.isVisible() and "no program rules for performance year 2027" in (
        page.locked.text()
    )
    page.ctx.set_year(2024)
    page.refresh()
    assert not page.locked.isVisible()
    assert "latest possible start date is 07/05/2024" in page.period_hint.text()
    assert "XX15CXXXXXXXXXX for 2024" in page.cehrt_hint.text()


FULL_PI_2025 = {
    "PI_PPHI_1": True,
    "PI_PPHI_2": True,
    "PI_ONCDIR_1": True,
    "PI_INFBLO_1": True,
    "PI_EP_1": {"numerator": 90, "denominator": 100},
    "PI_EP_2": True,
    "PI_HIE_5": True,
    "PI_PEA_1": {"numerator": 600, "denominator": 800},
    "PI_PHCDRR_1": True,
    "PI_PHCDRR_1_PROD": True,
    "PI_PHCDRR_3": True,
    "PI_PHCDRR_3_PRE": True,
}


def _ehr_pi(ws: Any, values: dict[str, Any]) -> None:
    """PI as a QRDA III import from the EHR stores it."""
    from desktop_app.reporting import save_set_fields, save_value

    ehr = "electronicHealthRecord"
    for mid, value in values.items():
        save_value(ws, GROUP, "pi", mid, value, submission_method=ehr)
    save_set_fields(
        ws,
        GROUP,
        "pi",
        submission_method=ehr,
        cehrt_id="0015C1234567890",
        performance_start=dt.date(2025, 4, 1),
        performance_end=dt.date(2025, 12, 31),
    )


def test_pi_imported_from_the_ehr_is_shown_and_edited_in_place(page: Any, qtbot: Any) -> None:
    ws = page.ctx.workspace
    _ehr_pi(ws, FULL_PI_2025)
    page.refresh()
    assert page.progress_label.text() == "6 / 6 objectives completed"
    assert page.cehrt_edit.text() == "0015C1234567890"
    assert page.start_edit.date() == QDate(2025, 4, 1)
    assert page.sources_label.isVisible()
    assert "file upload from the EHR (QRDA III)" in page.sources_label.text()
    click(page, qtbot, page.boxes["PI_PPHI_1"].no)
    assert _values(page)["PI_PPHI_1"] is False
    assert att.category_sets(ws, GROUP, "pi") == [("electronicHealthRecord", "mips")]


def test_pi_from_two_sources_says_so_and_names_the_conflicts(page: Any) -> None:
    from desktop_app.reporting import save_value

    ws = page.ctx.workspace
    _ehr_pi(ws, {"PI_PPHI_1": True, "PI_HIE_5": True})
    save_value(ws, GROUP, "pi", "PI_PPHI_1", False)  # manual entry disagrees
    save_value(ws, GROUP, "pi", "PI_EP_1", {"numerator": 9, "denominator": 10})
    page.refresh()
    text = page.sources_label.text()
    assert page.sources_label.isVisible()
    assert "2 sources" in text and "manual entry (registry)" in text
    assert "file upload from the EHR (QRDA III)" in text and "PI_PPHI_1" in text
    assert {"PI_HIE_5", "PI_EP_1", "PI_PPHI_1"} <= set(_values(page))
