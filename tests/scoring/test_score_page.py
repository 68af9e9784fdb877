"""The Score preview page follows data written through desktop_app.reporting."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_app.models.practice import Clinician, Practice
from desktop_app.reporting import EntityKey, save_set_fields, save_value

TIN = "123456789"
NPI = "1234567893"


@pytest.fixture
def page(tmp_path: Path, catalog_file: Path, qtbot):  # type: ignore[no-untyped-def]
    from desktop_app.catalog import Catalog
    from desktop_app.gui.context import AppContext
    from desktop_app.gui.pages.score import ScorePage
    from desktop_app.settings import Settings
    from desktop_app.store import Workspace

    ctx = AppContext(Settings(), year=2025)
    ws = Workspace.open(tmp_path / "p.mipsdesk", user="test-user")
    ws.save_practice(
        Practice(
            tin=TIN,
            name="Riverside Family Medicine",
            state="PA",
            zip="17101",
            special_statuses=["small_practice"],
        )
    )
    ws.add_clinician(
        Clinician(npi=NPI, first_name="Maria", last_name="Alvarez", clinician_type="MD")
    )
    ctx.set_workspace(ws)
    local = tmp_path / "catalog.sqlite"
    shutil.copy(catalog_file, local)
    ctx.set_catalog(Catalog.open(local))
    widget = ScorePage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.refresh()
    yield widget
    ctx.close()


def test_page_recomputes_on_data_change(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    ws = page.ctx.workspace
    assert page.entity.currentData() == EntityKey(2025, TIN)
    # no data: IA 0, quality 0; small practice without PI data -> weights 40/30/30/0
    assert page.result["categories"]["ia"]["score"] == 0
    assert page.result["categories"]["quality"]["weight"] == 40
    # another page records two improvement activities: 1 is enough for a small practice
    group = EntityKey(2025, TIN)
    save_value(ws, group, "ia", "IA_PM_2", True)
    qtbot.waitUntil(lambda: page.result["categories"]["ia"]["score"] == 100)
    assert page.cards["ia"].score.text() == "100%"
    # IA 100% × 30 = 30 points; cost unknown adds 0..30
    assert page.result["final_score_range"] == [30.0, 60.0]
    assert "30" in page.cards["ia"].detail.text()
    assert "1 activity attested" in page.cards["ia"].score.toolTip()
    # a quality measure arrives: the table shows it with its points and reason
    save_value(
        ws,
        group,
        "quality",
        "236",
        {
            "isEndToEndReported": False,
            "performanceMet": 70,
            "performanceNotMet": 30,
            "eligiblePopulation": 100,
        },
    )
    qtbot.waitUntil(lambda: any(m["measure_id"] == "236" for m in page.result["measures"]))
    rows = {page.table.item(r, 1).text().split(" ")[0]: r for r in range(page.table.rowCount())}
    row = rows["236"]
    full = next(m for m in page.result["measures"] if m["measure_id"] == "236")["reason"]
    assert "performance rate" in full
    # the cell says it in one line (rate, decile, points); hovering shows the whole reason
    short = page.table.item(row, 5).text()
    assert short.startswith("rate 70% · decile ") and short.endswith(" pts")
    assert full in page.table.item(row, 3).toolTip()
    # the 2025 activity has no points of its own: its share is in the reason
    ia_row = rows["IA_PM_2"]
    assert page.table.item(ia_row, 3).text() == "—"
    assert page.table.item(ia_row, 5).text() == "100% of the IA score (1 of 1)"
    # PI data cancels the automatic reweighting
    save_value(ws, group, "pi", "PI_PPHI_1", True)
    save_set_fields(ws, group, "pi", cehrt_id="0015CABCDEFGHIJ")
    qtbot.waitUntil(lambda: page.result["categories"]["pi"]["weight"] == 25)
    assert page.result["categories"]["pi"]["score"] == 0
    assert "every reason" not in page.cards["pi"].score.toolTip()
    assert "PI_PPHI_2" in page.cards["pi"].score.toolTip()
    page.grab().save("/tmp/shots/score_page.png")


def test_inputs_change_the_score(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    save_value(page.ctx.workspace, EntityKey(2025, TIN), "ia", "IA_PM_2", True)
    qtbot.waitUntil(lambda: page.result["categories"]["ia"]["score"] == 100)
    page.cost_unknown.setChecked(False)
    page.cost.setValue(40)
    page.bonus.setValue(5)
    # 30 (IA) + 40 × 30 / 100 (cost) + 5 bonus = 47
    qtbot.waitUntil(lambda: page.result["final_score"] == 47)
    assert "Final score" in page.gauge.toolTip() or "points" in page.gauge.toolTip()
    # the clinician is a separate reporting entity with no data
    index = next(
        i
        for i in range(page.entity.count())
        if page.entity.itemData(i) == EntityKey(2025, TIN, NPI)
    )
    page.entity.setCurrentIndex(index)
    qtbot.waitUntil(lambda: page.result["categories"]["ia"]["score"] == 0)


def test_without_catalog_says_what_to_do(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    page.ctx.set_catalog(None)
    qtbot.waitUntil(lambda: page.result is None)
    assert "measures catalog" in page.message.text()


def _npi(first_nine: str) -> str:
    from desktop_app.models.identifiers import npi_check_digit

    return first_nine + str(npi_check_digit(first_nine))


@pytest.fixture
def three_clinicians(page, qtbot):  # type: ignore[no-untyped-def]
    """The page's practice without any status set by hand, with 3 clinicians."""
    ws = page.ctx.workspace
    practice = ws.practice()
    ws.save_practice(Practice.model_validate({**practice.model_dump(), "special_statuses": []}))
    for first_nine, last in (("123456780", "Chen"), ("123456781", "Okafor")):
        ws.add_clinician(
            Clinician(npi=_npi(first_nine), first_name="Sam", last_name=last, clinician_type="DO")
        )
    save_value(ws, EntityKey(2025, TIN), "ia", "IA_PM_2", True)
    qtbot.waitUntil(lambda: page.result is not None and page.result["measures"] != [])
    return page


def test_small_practice_from_the_clinician_count(three_clinicians, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = three_clinicians
    # 3 clinicians (15 or fewer) -> small practice, as the Eligibility page says:
    # one medium activity = 100% IA, and without PI data the weights are 40/0/30/30
    qtbot.waitUntil(lambda: page.result["categories"]["ia"]["score"] == 100)
    assert page.result["categories"]["quality"]["weight"] == 40
    assert page.result["categories"]["pi"]["weight"] == 0
    assert "Small practice (from the clinician count)" in page.statuses.text()
    page.grab().save("/tmp/shots/score_small_practice.png")
    # the practice says 20 clinicians bill under the TIN: no longer small -> IA 50%,
    # weights 30/25/15/30
    ws = page.ctx.workspace
    ws.save_practice(Practice.model_validate({**ws.practice().model_dump(), "size": 20}))
    qtbot.waitUntil(lambda: page.result["categories"]["ia"]["score"] == 50)
    assert page.result["categories"]["quality"]["weight"] == 30
    assert page.result["categories"]["pi"]["weight"] == 25
    assert "Small practice" not in page.statuses.text()


def test_statuses_entered_on_the_eligibility_page(three_clinicians, qtbot) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.eligibility.store import save_facts

    page = three_clinicians
    ws = page.ctx.workspace
    ws.save_practice(Practice.model_validate({**ws.practice().model_dump(), "size": 20}))
    qtbot.waitUntil(lambda: page.result["categories"]["ia"]["score"] == 50)
    # the group is marked rural on the Eligibility page: one medium activity = 100%
    save_facts(ws, 2025, TIN, None, special_statuses=["rural"])
    qtbot.waitUntil(lambda: page.result["categories"]["ia"]["score"] == 100)
    assert "Rural (Eligibility page)" in page.statuses.text()
    # a status set on the Practice page is used too and named as such
    save_facts(ws, 2025, TIN, None, special_statuses=[])
    ws.save_practice(
        Practice.model_validate({**ws.practice().model_dump(), "special_statuses": ["hpsa"]})
    )
    qtbot.waitUntil(lambda: "Practice page" in page.statuses.text())
    assert page.result["categories"]["ia"]["score"] == 100
    assert "Health Professional Shortage Area (HPSA) (Practice page)" in page.statuses.text()


def test_apm_credit_and_pi_hardship_from_the_ia_and_pi_pages_count_here_too(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.attestation import live_preview, set_entity_flags

    ws = page.ctx.workspace
    ws.save_practice(Practice(tin=TIN, name="Riverside Family Medicine", size=40))
    group = EntityKey(2025, TIN)
    page.recompute()
    assert page.result["weights_case"] == "default"
    assert page.result["categories"]["ia"]["score"] == 0
    # the IA page's "in a MIPS APM" box: 50% IA credit, on this page as on the IA page
    set_entity_flags(ws, group, apm_participant=True)
    page.recompute()
    assert page.result["categories"]["ia"]["score"] == 50
    ia_page_score = live_preview(ws, group, page.ctx.catalog).categories["ia"].score
    assert page.result["categories"]["ia"]["score"] == ia_page_score
    # the PI page's approved hardship exception: PI reweighted to 0% (no PI data)
    set_entity_flags(ws, group, pi_hardship=True)
    page.recompute()
    assert page.result["weights_case"] == "pi_reweighted"
    assert page.result["categories"]["pi"]["weight"] == 0
    assert "approved PI hardship exception" in page.result["weights_reason"]
    assert "Promoting Interoperability page" in page.statuses.text()
    assert "not applied" not in page.statuses.text()


def test_table_rows_are_one_line_with_details_for_the_selected_row(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    ws = page.ctx.workspace
    group = EntityKey(2025, TIN)
    for mid, met in (("236", 70), ("001", 22), ("134", 90), ("130", 95), ("047", 60)):
        save_value(
            ws,
            group,
            "quality",
            mid,
            {
                "isEndToEndReported": False,
                "performanceMet": met,
                "performanceNotMet": 100 - met,
                "eligiblePopulation": 100,
            },
        )
    save_value(ws, group, "ia", "IA_PM_2", True)
    qtbot.waitUntil(lambda: len(page.result["measures"]) == 6)
    page.show()
    qtbot.waitExposed(page)
    line = page.table.fontMetrics().height()
    # every row is one line of text, so at 1200 × 800 all 6 rows are in view
    heights = {page.table.rowHeight(r) for r in range(page.table.rowCount())}
    assert max(heights) < 2 * line
    last = page.table.visualItemRect(page.table.item(5, 0))
    assert last.bottom() <= page.table.viewport().height()
    assert page.details.text().startswith("Select a measure")
    # selecting a row shows its full reason and its figures below the table
    rows = {page.table.item(r, 1).text().split(" ")[0]: r for r in range(page.table.rowCount())}
    page.table.selectRow(rows["001"])
    reason = next(m for m in page.result["measures"] if m["measure_id"] == "001")["reason"]
    assert reason in page.details.text()
    assert "performance rate 22%" in page.details.text()
    assert "points of 10" in page.details.text()
    # the selection stays on the same measure when the data changes
    save_value(ws, group, "ia", "IA_AHE_3", True)
    qtbot.waitUntil(lambda: len(page.result["measures"]) == 7)
    assert reason in page.details.text()
    page.grab().save("/tmp/shots/score_table_details.png")


def test_mvp_data_shows_the_warning(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    ws = page.ctx.workspace
    save_value(
        ws,
        EntityKey(2025, TIN),
        "quality",
        "236",
        {
            "isEndToEndReported": False,
            "performanceMet": 70,
            "performanceNotMet": 30,
            "eligiblePopulation": 100,
        },
        program_name="M0005",
    )
    qtbot.waitUntil(lambda: page.result is not None and page.result["warnings"] != [])
    assert page.warnings.isVisibleTo(page)
    assert "MVP M0005: scored as traditional MIPS" in page.warnings.text()
    assert page.result["is_estimate"] is True


def test_statuses_are_the_ones_every_page_scores_with(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    """A small_practice status on the Practice page that the size contradicts is not
    used here either: the page scores with attestation.scoring_options, like the
    Quality, PI and IA pages and the attestation summary, and says why."""
    from desktop_app.attestation import live_preview, scoring_options

    ws = page.ctx.workspace
    group = EntityKey(2025, TIN)
    save_value(ws, group, "ia", "IA_PM_2", True)
    ws.save_practice(
        Practice.model_validate(
            {**ws.practice().model_dump(), "size": 20, "special_statuses": ["small_practice"]}
        )
    )
    qtbot.waitUntil(lambda: page.result["categories"]["ia"]["score"] == 50)
    assert not scoring_options(ws, group).small_practice
    assert page.result["categories"]["quality"]["weight"] == 30  # not the small 40%
    assert page.result["categories"]["pi"]["weight"] == 25
    others = live_preview(ws, group, page.ctx.catalog)
    for key in ("quality", "pi", "ia"):
        assert page.result["categories"][key]["weight"] == others.categories[key].weight
    text = page.statuses.text()
    assert text.startswith("Special statuses: none")
    assert "Not used: Small practice as set on the Practice page" in text
    assert "20 clinicians" in text


def test_collection_types_caps_and_reweighted_cards_read_as_on_the_other_pages(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.quality.entry import max_points
    from desktop_app.rules import load_rules

    ws = page.ctx.workspace
    group = EntityKey(2025, TIN)
    value = {
        "isEndToEndReported": False,
        "performanceMet": 95,
        "performanceNotMet": 5,
        "eligiblePopulation": 100,
    }
    save_value(ws, group, "quality", "047", value)  # registry
    save_value(ws, group, "quality", "001", value, submission_method="electronicHealthRecord")
    save_value(ws, group, "ia", "IA_PM_2", True)
    qtbot.waitUntil(lambda: len(page.result["measures"]) == 3)
    shown = {
        page.table.item(r, 1).text().split(" ")[0]: page.table.item(r, 2).text()
        for r in range(page.table.rowCount())
    }
    # CMS's names, as the Quality page and the attestation summary show them
    assert shown["047"] == "MIPS CQM"
    assert shown["001"] == "eCQM"
    assert shown["IA_PM_2"] == "manual entry (registry)"
    rows = {page.table.item(r, 1).text().split(" ")[0]: r for r in range(page.table.rowCount())}
    page.table.selectRow(rows["001"])
    facts_line = page.details.text().splitlines()[1]
    assert facts_line.startswith("Quality · eCQM ·")
    assert "electronicHealthRecord" not in facts_line
    # every quality row reads "of N" with the Quality page's maximum (7 when capped)
    rules = load_rules(2025)
    catalog = page.ctx.catalog
    for m in page.result["measures"]:
        if m["category"] == "quality":
            info = catalog.measure(2025, m["measure_id"])
            most, note = max_points(info, m["collection_type"], catalog, rules)
            assert m["max_points"] == most
            if note:
                assert "topped out: max 7" in m["summary"]
    # a small practice without PI data: PI is reweighted, its card says so
    card = page.cards["pi"]
    assert page.result["categories"]["pi"]["weight"] == 0
    assert card.score.text() == "Reweighted to 0%"
    assert "0 points" in card.detail.text()
    page.show()
    qtbot.waitExposed(page)
    page.grab().save("/tmp/shots/score_labels_reweighted.png")
