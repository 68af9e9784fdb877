"""When QPP records a different election from the one confirmed in MIPS Desk, the PDFs mark
the local confirmation page as superseded (CMS's record counts) instead of contradicting
the summary page."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

from gui_demo import NPI_1, NPI_2
from test_election_page import TIN, page  # noqa: F401  (the fixture)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "elections"))
from qpp_record import save_qpp_lookup

from desktop_app.elections import Election, confirm_election, local_confirmed_election


def _pdf_text(path: Path) -> str:
    """The PDF's text as a reader sees it (pdftotext), blanks collapsed."""
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(unicodedata.normalize("NFKC", out.stdout).split())  # "ﬁ" -> "fi"


def test_all_confirmations_marks_the_overridden_page_superseded(page, ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from desktop_app.gui.pages.election import all_confirmations_html

    ws = ctx.workspace
    local = confirm_election(ws, 2025, TIN, NPI_2, Election.VOLUNTARY, "CONFIRM", "James Okafor")
    confirm_election(ws, 2025, TIN, NPI_1, Election.OPT_IN, "CONFIRM", "Maria Alvarez")
    save_qpp_lookup(ws, NPI_2, True, "2026-01-20")
    page.refresh()
    states = [r.state for r in page.rows if r.final]
    html = all_confirmations_html(ws.practice(), 2025, states)
    pages = html.split('<div style="page-break-before: always;"></div>')
    overridden = next(p for p in pages[1:] if "James Okafor" in p)
    assert "Superseded: QPP records Opt-In for James Okafor" in overridden
    assert "Elected on QPP Jan 20, 2026: Opt-In" in overridden
    assert "CMS's record counts" in overridden
    assert "<h1>Superseded: MIPS Report Voluntarily election confirmation</h1>" in overridden
    # the election QPP doesn't contradict keeps its plain page
    agreed = next(p for p in pages[1:] if "Maria Alvarez" in p)
    assert "Superseded" not in agreed
    target = tmp_path / "all.pdf"
    assert page.save_all_confirmations_pdf(target)
    text = _pdf_text(target)
    assert "Superseded: QPP records Opt-In for James Okafor" in text
    assert local_confirmed_election(ws, 2025, TIN, NPI_2) == local  # kept, not deleted
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(target), "/tmp/shots/election-all-superseded"],
        check=True,
    )


def test_single_confirmation_pdf_of_an_overridden_election_says_superseded(  # type: ignore[no-untyped-def]
    page,  # noqa: F811
    ctx,
    tmp_path,
) -> None:
    ws = ctx.workspace
    local = confirm_election(ws, 2025, TIN, NPI_2, Election.VOLUNTARY, "CONFIRM", "James Okafor")
    save_qpp_lookup(ws, NPI_2, True, "2026-01-20")
    page.refresh()
    target = tmp_path / "one.pdf"
    assert page.save_confirmation_pdf(target, local)
    text = _pdf_text(target)
    assert "Superseded: QPP records Opt-In for James Okafor" in text
    assert "superseded by QPP's record" in page.message.text()


def test_no_superseded_mark_without_a_conflict(page, ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    ws = ctx.workspace
    local = confirm_election(ws, 2025, TIN, NPI_2, Election.OPT_IN, "CONFIRM", "James Okafor")
    save_qpp_lookup(ws, NPI_2, True, "2026-01-20")
    page.refresh()
    target = tmp_path / "one.pdf"
    assert page.save_confirmation_pdf(target, local)
    text = _pdf_text(target)
    assert "Superseded" not in text
    assert "MIPS Opt-In election confirmation" in text
