"""The attestation summary's content (the GUI prints this HTML to PDF)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from export_data import (
    NPI_A,
    OPT_IN,
    TIN,
    add_group_data,
    add_individual_data,
    new_practice,
    single,
)

from desktop_app.catalog import Catalog
from desktop_app.elections import Election, confirm_election
from desktop_app.exporting import STATEMENT, build_summary, summary_html, summary_text
from desktop_app.store import Workspace

NOW = dt.datetime(2026, 2, 1, 15, 0, tzinfo=dt.UTC)


def test_summary_shows_entity_attestations_quality_score_and_statement(
    tmp_path: Path, catalog: Catalog
) -> None:
    with new_practice(tmp_path / "optin.mipsdesk", figures=OPT_IN) as ws:
        confirm_election(ws, 2025, TIN, NPI_A, Election.OPT_IN, "CONFIRM", "Ada Quinn")
        entity = add_individual_data(ws)
        today = dt.datetime.now(dt.UTC).date().isoformat()
        summary = build_summary(ws, entity, catalog, now=NOW)
        text = summary_text(summary)
    assert "MIPS attestation summary: performance year 2025" in text
    assert "Maple Family Medicine" in text
    assert f"Ada Quinn, individual (TIN {TIN}, NPI {NPI_A})" in text
    assert f"Opt-In, confirmed {today} by jane" in text
    assert "Performance period: 2025-04-01 to 2025-12-31. CEHRT ID: 0015C1235689784." in text
    pi = {r.measure_id: r for r in summary.pi}
    assert (pi["PI_EP_1"].value, pi["PI_EP_1"].entered) == ("90 / 100", today)
    assert pi["PI_PPHI_1"].value == "Yes"
    assert pi["PI_PPHI_1"].title  # the catalog's measure title
    ia = {r.measure_id: r for r in summary.ia}
    assert set(ia) == {"IA_EPA_3", "IA_CC_10"} and ia["IA_EPA_3"].entered == today
    quality = {r.measure_id: r for r in summary.quality}
    assert quality["047"].value == "30 met of 40"
    assert "MIPS CQM" in quality["047"].detail and "performance rate 75%" in quality["047"].detail
    assert "eCQM" in quality["226"].detail and "reporting:" in quality["226"].detail
    assert any(line.startswith("Estimated final score") for line in summary.score_lines)
    assert "Payment adjustment 2027" in text
    # the same sentence as the Score page: with cost unknown, the range of adjustments
    assert "With cost unknown the final score is between" in text
    assert "the 2027 adjustment is between" in text
    assert STATEMENT in text
    assert "true, accurate, and complete" in text
    assert "Prepared by jane" in text and "2026-02-01 15:00 UTC" in text


def test_summary_of_group_without_election_says_so(ws: Workspace, catalog: Catalog) -> None:
    entity = add_group_data(ws)
    summary = build_summary(ws, entity, catalog, now=NOW)
    assert summary.entity_label == f"Group (TIN {TIN})"
    assert summary.election.startswith("No election recorded.")
    assert "MIPS eligible" in summary.election


def test_summary_html_escapes_practice_data(tmp_path: Path, catalog: Catalog) -> None:
    from desktop_app.models.practice import Practice

    with new_practice(tmp_path / "w.mipsdesk") as ws:
        ws.save_practice(Practice(tin=TIN, name="Smith & <Jones> Clinic"))
        entity = add_group_data(ws)
        page = summary_html(build_summary(ws, entity, catalog, now=NOW))
    assert "Smith &amp; &lt;Jones&gt; Clinic" in page
    assert "<Jones>" not in page


def test_summary_without_catalog_says_the_score_is_not_available(ws: Workspace) -> None:
    entity = add_group_data(ws)
    summary = build_summary(ws, entity, None, now=NOW)
    assert summary.score_lines == [
        "Score preview not available: the measures catalog is not on this computer."
    ]
    assert summary.pi and summary.ia and summary.quality


def test_summary_scores_the_entity_as_the_pages_do(ws: Workspace, catalog: Catalog) -> None:
    """The PDF's estimate uses the entity's APM participation and PI hardship, so it
    shows the same category scores as the PI, IA and Score pages."""
    from desktop_app.attestation import live_preview, set_entity_flags
    from desktop_app.reporting import EntityKey, save_value

    entity = EntityKey(2025, TIN, None)
    save_value(ws, entity, "quality", "047", single(120, 30, 160, exc=10))
    set_entity_flags(ws, entity, apm_participant=True, pi_hardship=True)
    lines = build_summary(ws, entity, catalog, now=NOW).score_lines
    assert live_preview(ws, entity, catalog).categories["ia"].score == 50  # the IA page
    assert "Improvement Activities: score 50%" in "\n".join(lines)  # APM credit, no activity
    assert "Promoting Interoperability: score n/a, weight 0%" in "\n".join(lines)  # hardship
