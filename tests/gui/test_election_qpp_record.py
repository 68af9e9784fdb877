"""Election and Eligibility pages with an election QPP already records (G1), the Why list once
an election is final (G12), and one PDF of every final election (G11)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from gui_demo import NPI_1, NPI_2
from test_election_page import TIN, page  # noqa: F401  (the fixture)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "elections"))
from qpp_record import save_qpp_lookup

from desktop_app.elections import Election, confirm_election, local_confirmed_election

OPTIONS = "may opt in, report voluntarily, or do nothing"


def eligibility_page(ctx, qtbot):  # type: ignore[no-untyped-def]
    from desktop_app.gui.pages.eligibility import EligibilityPage

    p = EligibilityPage(ctx)
    qtbot.addWidget(p)
    p.resize(1200, 900)
    p.show()
    p.refresh()
    return p


def test_qpp_opt_in_row_is_read_only_and_skipped_by_the_grid(page, qtbot, ctx) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    save_qpp_lookup(ctx.workspace, NPI_1, True, "2026-01-15T10:00:00Z")
    page.refresh()
    index = [r.entity.npi for r in page.rows].index(NPI_1)
    row = page.rows[index]
    assert row.final and row.from_qpp
    assert page.status_text(index) == "Elected on QPP Jan 15, 2026: Opt-In"
    assert page.badge_text(index) == "MIPS ELIGIBLE VIA OPT-IN"
    assert row.buttons[Election.OPT_IN].isChecked()
    assert not any(b.isEnabled() for b in row.buttons.values())
    assert page.set_choice(index, Election.VOLUNTARY) is False
    # the grid's counts and CONFIRM leave it out; it counts as final
    assert page.counts() == {Election.NO_DECISION: 2, Election.VOLUNTARY: 0, Election.OPT_IN: 0}
    assert page.final_counts()[Election.OPT_IN] == 1
    page.set_choice(0, Election.VOLUNTARY)
    assert [c.npi for c in page.pending_choices()] == [None]
    # no PDF of a local confirmation for QPP's own record
    page.table.selectRow(index)
    assert not page.pdf_button.isEnabled()
    assert not page.conflicts.isVisible()
    Path("/tmp/shots").mkdir(exist_ok=True)
    page.grab().save("/tmp/shots/election-qpp-opt-in.png")


def test_disagreeing_local_election_is_shown_with_a_warning(page, qtbot, ctx) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    ws = ctx.workspace
    local = confirm_election(ws, 2025, TIN, NPI_2, Election.VOLUNTARY, "CONFIRM", "James Okafor")
    save_qpp_lookup(ws, NPI_2, True, "2026-01-20")
    page.refresh()
    index = [r.entity.npi for r in page.rows].index(NPI_2)
    text = page.status_text(index)
    assert text.startswith(
        "Elected on QPP Jan 20, 2026: Opt-In\n⚠ Confirmed here: Report Voluntarily"
    )
    assert page.conflicts.isVisible()
    assert "CMS's record is the one that counts" in page.conflicts.text()
    assert local_confirmed_election(ws, 2025, TIN, NPI_2) == local  # not deleted
    elig = eligibility_page(ctx, qtbot)
    elig.select(NPI_2)
    assert elig.badge.text() == "MIPS ELIGIBLE VIA OPT-IN"
    assert "Warning:" in elig.summary.text()
    assert "Report Voluntarily, confirmed" in elig.summary.text()
    page.grab().save("/tmp/shots/election-qpp-conflict.png")


def test_eligibility_page_badge_and_why_for_qpp_record(page, qtbot, ctx) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    save_qpp_lookup(ctx.workspace, NPI_1, True, "2026-01-15")
    elig = eligibility_page(ctx, qtbot)
    elig.select(NPI_1)
    assert elig.badge.text() == "MIPS ELIGIBLE VIA OPT-IN"
    assert not elig.badge.note.isVisible()
    assert "<b>Election:</b> Elected on QPP Jan 15, 2026: Opt-In (final)" in elig.summary.text()
    assert OPTIONS not in elig.reasons.text().lower()
    assert "Elected on QPP Jan 15, 2026: Opt-In (final)" in elig.reasons.text()


def test_why_list_says_the_local_election_once_final(page, qtbot, ctx) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    elig = eligibility_page(ctx, qtbot)
    elig.select(None)
    assert OPTIONS in elig.reasons.text()
    page.set_choice(0, Election.OPT_IN)
    dialog = page.open_confirm_dialog()
    qtbot.keyClicks(dialog.field, "CONFIRM")
    dialog.confirm_button.click()
    elig.refresh()
    elig.select(None)
    why = elig.reasons.text()
    assert OPTIONS not in why.lower()
    assert "opt-in eligible. Elected in MIPS Desk: Opt-In, confirmed " in why
    assert "by test-user (final)." in why
    assert elig.badge.text() == "MIPS ELIGIBLE VIA OPT-IN"
    # a clinician without an election still sees the options
    elig.select(NPI_1)
    assert OPTIONS in elig.reasons.text()
    Path("/tmp/shots").mkdir(exist_ok=True)
    elig.grab().save("/tmp/shots/eligibility-why-after-election.png")


def test_one_pdf_with_every_final_election(page, qtbot, ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from desktop_app.gui.pages.election import all_confirmations_html

    assert not page.all_pdf_button.isEnabled()  # nothing final yet
    assert page.save_all_confirmations_pdf(tmp_path / "none.pdf") is False
    assert not (tmp_path / "none.pdf").exists()
    save_qpp_lookup(ctx.workspace, NPI_2, False, "2026-02-03")
    page.refresh()
    page.set_choice(0, Election.OPT_IN)
    page.set_choice(1, Election.VOLUNTARY)
    dialog = page.open_confirm_dialog()
    qtbot.keyClicks(dialog.field, "CONFIRM")
    dialog.confirm_button.click()
    assert page.all_pdf_button.isEnabled()
    target = tmp_path / "records" / "MIPS elections 2025.pdf"
    assert page.save_all_confirmations_pdf(target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    # a summary page, then one confirmation per election confirmed here (2): 3 pages
    assert len(re.findall(rb"/Type\s*/Page(?![s\w])", data)) == 3
    assert "3 final election(s) saved" in page.message.text()
    states = [r.state for r in page.rows if r.final]
    html = all_confirmations_html(ctx.workspace.practice(), 2025, states)
    assert "MIPS elections, performance year 2025" in html
    assert "Riverside Family Medicine" in html and "Maria Alvarez" in html
    assert "Elected on QPP Feb 3, 2026: Report Voluntarily" in html
    assert html.count("election confirmation</h1>") == 2
