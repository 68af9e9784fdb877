"""Election page: the grid, the CONFIRM step, cancel, mistyped CONFIRM, final elections, PDF."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from gui_demo import NPI_1, NPI_2, NPI_3, demo_practice
from PySide6.QtCore import Qt

from desktop_app.elections import Election, confirmed_election, election_record
from desktop_app.eligibility import LowVolumeFigures
from desktop_app.eligibility import store as el
from desktop_app.models.practice import Clinician

TIN = "123456789"
OPT_IN = LowVolumeFigures(Decimal("95000"), 150, 300)
ELIGIBLE = LowVolumeFigures(Decimal("250000"), 400, 900)


@pytest.fixture
def page(ctx, qtbot):  # type: ignore[no-untyped-def]
    from desktop_app.gui.pages.election import ElectionPage

    ws = ctx.workspace
    ws.save_practice(demo_practice())
    ws.add_clinicians(
        [
            Clinician(npi=NPI_1, first_name="Maria", last_name="Alvarez", clinician_type="MD"),
            Clinician(npi=NPI_2, first_name="James", last_name="Okafor", clinician_type="NP"),
            Clinician(npi=NPI_3, first_name="Lee", last_name="Park", clinician_type="PA"),
        ]
    )
    for seg in (1, 2):
        el.save_figures(ws, 2025, TIN, None, seg, OPT_IN)
        el.save_figures(ws, 2025, TIN, NPI_1, seg, OPT_IN)
        el.save_figures(ws, 2025, TIN, NPI_2, seg, OPT_IN)
        el.save_figures(ws, 2025, TIN, NPI_3, seg, ELIGIBLE)
    ctx.set_year(2025)
    p = ElectionPage(ctx)
    qtbot.addWidget(p)
    p.resize(1200, 900)
    p.show()
    p.refresh()
    return p


def names(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.entity.name for r in page.rows]


def test_grid_lists_only_opt_in_eligible_participants(page) -> None:  # type: ignore[no-untyped-def]
    assert names(page) == ["Riverside Family Medicine", "Maria Alvarez", "James Okafor"]
    assert page.table.item(0, 0).text().endswith("TIN 12-3456789")
    assert page.table.item(1, 0).text().endswith(f"TIN/NPI {TIN}/{NPI_1}")
    assert page.counts() == {Election.NO_DECISION: 3, Election.VOLUNTARY: 0, Election.OPT_IN: 0}
    assert not page.submit_button.isEnabled()
    assert "payment adjustment in 2027" in page.count_texts[Election.OPT_IN].text()


def test_grid_counts_and_drafts(page, ctx) -> None:  # type: ignore[no-untyped-def]
    page.set_choice(0, Election.OPT_IN)
    page.set_choice(1, Election.VOLUNTARY)
    assert page.counts() == {Election.NO_DECISION: 1, Election.VOLUNTARY: 1, Election.OPT_IN: 1}
    assert page.count_labels[Election.OPT_IN].text() == "1"
    assert page.submit_button.isEnabled()
    draft = election_record(ctx.workspace, 2025, TIN, NPI_1)
    assert draft is not None and not draft.is_final and draft.election is Election.VOLUNTARY
    page.refresh()  # the choices survive leaving the page
    assert page.counts()[Election.VOLUNTARY] == 1


def test_confirm_flow_many_at_once(page, qtbot, ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    page.set_choice(0, Election.OPT_IN)
    page.set_choice(1, Election.VOLUNTARY)
    page.set_choice(2, Election.OPT_IN)
    dialog = page.open_confirm_dialog()
    assert dialog is not None and dialog.isVisible()
    assert dialog.confirm_button.text() == "I'm Sure, Confirm Elections"
    assert "Opt-Ins</b> 2" in dialog.counts.text()
    assert not dialog.confirm_button.isEnabled()
    qtbot.keyClicks(dialog.field, "CONFIRM")
    assert dialog.confirm_button.isEnabled()
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    ws = ctx.workspace
    group = confirmed_election(ws, 2025, TIN, None)
    assert (
        group is not None
        and group.election is Election.OPT_IN
        and group.confirmed_by == "test-user"
    )
    assert confirmed_election(ws, 2025, TIN, NPI_1).election is Election.VOLUNTARY  # type: ignore[union-attr]
    assert "Participation Selections Confirmed" in page.message.text()
    assert len(ws.audit_log(table="elections")) == 3
    assert all(r.final for r in page.rows)
    assert page.status_text(0).startswith("Final: Opt-In, confirmed")


def test_single_election_uses_qpp_wording(page, qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    page.set_choice(0, Election.OPT_IN)
    dialog = page.open_confirm_dialog()
    assert dialog.confirm_button.text() == "I'm Sure, Confirm Opt In"
    assert "will become MIPS eligible for the 2025 performance year" in dialog.message.text()
    assert "This election is permanent and cannot be changed later." in dialog.message.text()
    qtbot.keyClicks(dialog.field, "CONFIRM")
    dialog.confirm_button.click()
    assert page.message.text().startswith(
        "Opt-In Confirmed. Riverside Family Medicine has been successfully opted in"
    )


def test_cancel_keeps_choices_and_confirms_nothing(page, qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    page.set_choice(1, Election.OPT_IN)
    dialog = page.open_confirm_dialog()
    qtbot.keyClicks(dialog.field, "CONFIRM")
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert confirmed_election(ctx.workspace, 2025, TIN, NPI_1) is None
    assert ctx.workspace.audit_log(table="elections") == []
    assert "Nothing was confirmed" in page.message.text()
    assert (
        page.rows[1].choice is Election.OPT_IN
        and page.rows[1].buttons[Election.VOLUNTARY].isEnabled()
    )


@pytest.mark.parametrize(
    "typed", ["confirm", "CONFIRM ", " CONFIRM", "Confirm", "CONFIRMED", "CONFIR"]
)
def test_mistyped_confirm_keeps_button_disabled(page, qtbot, ctx, typed) -> None:  # type: ignore[no-untyped-def]
    page.set_choice(1, Election.OPT_IN)
    dialog = page.open_confirm_dialog()
    qtbot.keyClicks(dialog.field, typed)
    assert dialog.field.text() == typed
    assert not dialog.confirm_button.isEnabled()
    assert "Type CONFIRM exactly" in dialog.hint.text()
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)  # Enter does not confirm either
    dialog._confirm()
    assert dialog.isVisible()
    dialog.reject()
    assert confirmed_election(ctx.workspace, 2025, TIN, NPI_1) is None


def test_core_refuses_a_mistyped_confirm_even_if_the_dialog_were_bypassed(page, ctx) -> None:  # type: ignore[no-untyped-def]
    page.set_choice(1, Election.OPT_IN)
    dialog = page.open_confirm_dialog()
    dialog.field.setText("confirm")
    dialog.done(dialog.DialogCode.Accepted)  # forced accept with a wrong word
    assert "Type CONFIRM exactly" in page.message.text()
    assert confirmed_election(ctx.workspace, 2025, TIN, NPI_1) is None


def test_final_election_is_read_only_in_the_gui_and_in_sql(page, qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    page.set_choice(1, Election.VOLUNTARY)
    dialog = page.open_confirm_dialog()
    qtbot.keyClicks(dialog.field, "CONFIRM")
    dialog.confirm_button.click()
    row = page.rows[1]
    assert row.final
    assert all(not b.isEnabled() for b in row.buttons.values())
    assert row.buttons[Election.VOLUNTARY].isChecked()
    assert page.set_choice(1, Election.OPT_IN) is False
    qtbot.mouseClick(row.buttons[Election.OPT_IN], Qt.MouseButton.LeftButton)
    assert row.buttons[Election.VOLUNTARY].isChecked()
    assert all(c.npi != NPI_1 for c in page.pending_choices())
    assert not page.submit_button.isEnabled()
    # Going around the GUI: the database itself refuses.
    with pytest.raises(sqlite3.IntegrityError, match="final"):
        ctx.workspace.db.execute("UPDATE elections SET election = 'opt_in' WHERE npi = ?", [NPI_1])
    with pytest.raises(sqlite3.IntegrityError, match="final"):
        ctx.workspace.db.execute("DELETE FROM elections WHERE npi = ?", [NPI_1])
    page.refresh()
    assert confirmed_election(ctx.workspace, 2025, TIN, NPI_1).election is Election.VOLUNTARY  # type: ignore[union-attr]
    # The Eligibility page shows the election's badge.
    from desktop_app.gui.pages.eligibility import EligibilityPage

    elig = EligibilityPage(ctx)
    qtbot.addWidget(elig)
    elig.refresh()
    elig.select(NPI_1)
    assert (elig.badge.text(), elig.badge.note.text()) == ("MIPS EXEMPT", "Reporting voluntarily")


def test_opt_in_badge_and_printable_confirmation(page, qtbot, ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    page.set_choice(0, Election.OPT_IN)
    dialog = page.open_confirm_dialog()
    qtbot.keyClicks(dialog.field, "CONFIRM")
    dialog.confirm_button.click()
    page.table.selectRow(0)
    assert page.pdf_button.isEnabled()
    record = page.selected_final()
    assert record is not None
    target = tmp_path / "records" / "election.pdf"
    assert page.save_confirmation_pdf(target, record)
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    assert b"%%EOF" in data[-64:]
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    from desktop_app.gui.election_pdf import confirmation_html

    html = confirmation_html(ctx.workspace.practice(), record)
    assert "Riverside Family Medicine (TIN 123456789)" in html and "Confirmed by" in html
    assert "payment adjustment" in html and "test-user" in html
    out = Path("/tmp/shots")
    out.mkdir(exist_ok=True)
    page.grab().save(str(out / "election-page-final.png"))


def test_nothing_to_elect(ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.gui.pages.election import ElectionPage

    ws = ctx.workspace
    ws.save_practice(demo_practice())
    ws.add_clinicians(
        [Clinician(npi=NPI_1, first_name="Maria", last_name="Alvarez", clinician_type="MD")]
    )
    el.save_figures(ws, 2025, TIN, NPI_1, 1, ELIGIBLE)
    el.save_figures(ws, 2025, TIN, None, 1, ELIGIBLE)
    ctx.set_year(2025)
    p = ElectionPage(ctx)
    qtbot.addWidget(p)
    p.refresh()
    assert p.rows == []
    assert "nothing to elect" in p.empty.text()
    assert not p.submit_button.isEnabled()


def test_undetermined_eligibility_is_not_called_nothing_to_elect(ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.gui.pages.election import ElectionPage

    ws = ctx.workspace
    ws.save_practice(demo_practice())
    ws.add_clinicians(
        [Clinician(npi=NPI_1, first_name="Maria", last_name="Alvarez", clinician_type="MD")]
    )
    ctx.set_year(2025)
    p = ElectionPage(ctx)
    qtbot.addWidget(p)
    p.refresh()
    assert p.rows == []
    text = p.empty.text()
    assert "not determined yet for 2 of 2 participants" in text
    assert "Maria Alvarez" in text and "Eligibility page" in text
    assert "nothing to elect" not in text


def test_journey_has_both_pages() -> None:
    from desktop_app.gui.pages import step
    from desktop_app.gui.pages.election import ElectionPage
    from desktop_app.gui.pages.eligibility import EligibilityPage

    assert step("eligibility").resolve() is EligibilityPage
    assert step("election").resolve() is ElectionPage


def test_in_the_main_window_clicks_save_drafts_and_confirm(window, demo_workspace, qtbot) -> None:  # type: ignore[no-untyped-def]
    """The main window refreshes the page on every change; clicking stays safe."""
    from desktop_app.store import Workspace

    with Workspace.open(demo_workspace, user="test-user") as ws:
        for seg in (1, 2):
            el.save_figures(ws, 2025, TIN, NPI_1, seg, OPT_IN)
            el.save_figures(ws, 2025, TIN, NPI_2, seg, OPT_IN)
    assert window.open_workspace(demo_workspace)
    window.ctx.set_year(2025)
    page = window.show_step("election")
    assert [r.entity.name for r in page.rows] == ["Maria Alvarez", "James Okafor"]
    qtbot.mouseClick(page.rows[0].buttons[Election.OPT_IN], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.rows[1].buttons[Election.VOLUNTARY], Qt.MouseButton.LeftButton)
    assert page.counts() == {Election.NO_DECISION: 0, Election.VOLUNTARY: 1, Election.OPT_IN: 1}
    dialog = page.open_confirm_dialog()
    qtbot.keyClicks(dialog.field, "CONFIRM")
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert all(r.final for r in page.rows)
    eligibility = window.show_step("eligibility")
    eligibility.select(NPI_1)
    assert eligibility.badge.text() == "MIPS ELIGIBLE VIA OPT-IN"
    qtbot.wait(100)  # let the layout settle before the screenshot
    Path("/tmp/shots").mkdir(exist_ok=True)
    window.grab().save("/tmp/shots/main-window-eligibility.png")
