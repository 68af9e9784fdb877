"""The attestation summary doesn't contradict itself: an entity that is exempt and not
opted in has no payment adjustment; a category that scores 0 says why."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from export_data import NPI_A, OPT_IN, TIN, add_individual_data, new_practice

from desktop_app.catalog import Catalog
from desktop_app.elections import Election, confirm_election
from desktop_app.eligibility import LowVolumeFigures
from desktop_app.exporting import build_summary, summary_text
from desktop_app.reporting import EntityKey, delete_value

EXEMPT = LowVolumeFigures(Decimal("20000"), 40, 80)
NO_ADJUSTMENT = "no payment adjustment (exempt; reporting voluntarily)"


def _adjustment_line(summary) -> str:  # type: ignore[no-untyped-def]
    return next(line for line in summary.score_lines if line.startswith("Payment adjustment"))


def test_exempt_entity_has_no_payment_adjustment(tmp_path: Path, catalog: Catalog) -> None:
    with new_practice(tmp_path / "exempt.mipsdesk", figures=EXEMPT) as ws:
        entity = add_individual_data(ws)
        summary = build_summary(ws, entity, catalog)
    assert "MIPS exempt" in summary.election
    line = _adjustment_line(summary)
    assert "no payment adjustment (MIPS exempt; data submitted gets feedback only)" in line
    assert "voluntarily" not in line  # no Report Voluntarily election was made
    for band in ("negative", "neutral", "positive"):
        assert band not in line


def test_opt_in_eligible_entity_without_an_election(tmp_path: Path, catalog: Catalog) -> None:
    # no data can be entered before an election; the summary can still be printed
    with new_practice(tmp_path / "undecided.mipsdesk", figures=OPT_IN) as ws:
        summary = build_summary(ws, EntityKey(2025, TIN, NPI_A), catalog)
    assert summary.election.startswith("No election recorded")
    line = _adjustment_line(summary)
    assert (
        "no payment adjustment while exempt (no election yet; opting in would make the "
        "payment adjustment apply)" in line
    )
    assert "voluntarily" not in line  # nothing was elected
    assert "This is an estimate" not in line


def test_opt_in_eligible_entity_that_elected_voluntary_reporting(
    tmp_path: Path, catalog: Catalog
) -> None:
    with new_practice(tmp_path / "vol.mipsdesk", figures=OPT_IN) as ws:
        confirm_election(ws, 2025, TIN, NPI_A, Election.VOLUNTARY, "CONFIRM", "Ada Quinn")
        summary = build_summary(ws, add_individual_data(ws), catalog)
    assert NO_ADJUSTMENT in _adjustment_line(summary)
    assert "no election yet" not in _adjustment_line(summary)


def test_opted_in_or_eligible_entity_shows_the_estimated_band(
    tmp_path: Path, catalog: Catalog
) -> None:
    with new_practice(tmp_path / "in.mipsdesk", figures=OPT_IN) as ws:
        confirm_election(ws, 2025, TIN, NPI_A, Election.OPT_IN, "CONFIRM", "Ada Quinn")
        opted_in = _adjustment_line(build_summary(ws, add_individual_data(ws), catalog))
    with new_practice(tmp_path / "eligible.mipsdesk") as ws:
        eligible = _adjustment_line(build_summary(ws, add_individual_data(ws), catalog))
    for line in (opted_in, eligible):
        assert "exempt" not in line
        assert "This is an estimate, not CMS's score." in line  # the score's band


def test_a_category_scoring_zero_says_why(tmp_path: Path, catalog: Catalog) -> None:
    with new_practice(tmp_path / "pi0.mipsdesk") as ws:
        entity = add_individual_data(ws)
        delete_value(ws, EntityKey(2025, TIN, NPI_A), "pi", "PI_PHCDRR_3_PRE")
        summary = build_summary(ws, entity, catalog)
    text = summary_text(summary)
    assert "Promoting Interoperability: score 0%" in text
    why = [
        line
        for line in summary.score_lines
        if line.startswith("Promoting Interoperability scores 0:")
    ]
    assert len(why) == 1 and "PI_PHCDRR_3" in why[0] and "active engagement" in why[0]
