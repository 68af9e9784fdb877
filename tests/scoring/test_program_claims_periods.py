"""What the preview says about data it can't score as traditional MIPS: MVP and APP
sets, claims measures of a practice that is not small, activities whose reported
period is shorter than the activity's minimum."""

from __future__ import annotations

from typing import Any

import pytest
from scoring_builders import benchmark, ia_activity, iaset, qset, quality_measure, rate, submission

from desktop_app.scoring import MemoryLookup, ScoringOptions, score_submission

YEARS = [2024, 2025, 2026]


def _quality_lookup(year: int) -> MemoryLookup:
    return MemoryLookup(
        [quality_measure(year, "236", measure_type="intermediateOutcome", high_priority=True)],
        [
            benchmark(year, "236", method="registry"),
            benchmark(year, "236", method="claims"),
        ],
    )


def _with_program(set_data: dict[str, Any], program: str) -> dict[str, Any]:
    return {**set_data, "programName": program}


# --------------------------------------------------------------------------- A1: MVP / APP
@pytest.mark.parametrize("year", YEARS)
def test_mips_sets_have_no_program_warning(year: int) -> None:
    result = score_submission(
        submission(year, _with_program(qset(("236", rate(70, 100))), "mips")),
        _quality_lookup(year),
    )
    assert not any("traditional MIPS" in w for w in result.warnings)


@pytest.mark.parametrize("year", YEARS)
def test_mvp_sets_are_scored_as_mips_with_a_warning_and_marked_an_estimate(year: int) -> None:
    plain = score_submission(submission(year, qset(("236", rate(70, 100)))), _quality_lookup(year))
    mvp = score_submission(
        submission(
            year,
            _with_program(qset(("236", rate(70, 100))), "M0005"),
            _with_program(iaset("IA_X"), "M0005"),
        ),
        _quality_lookup(year),
    )
    # the same numbers as traditional MIPS (70% in decile 8 of the even benchmark) ...
    assert mvp.categories["quality"].score == plain.categories["quality"].score
    # ... said once, not once per set, and the result is an estimate
    said = [w for w in mvp.warnings if "M0005" in w]
    assert len(said) == 1
    assert "scored as traditional MIPS" in said[0]
    assert "4 quality measures" in said[0]
    assert "not modelled" in said[0]
    assert mvp.is_estimate


@pytest.mark.parametrize("program", ["app1", "app_plus", "APP1"])
def test_app_sets_get_their_own_warning(program: str) -> None:
    result = score_submission(
        submission(2025, _with_program(qset(("236", rate(70, 100))), program)),
        _quality_lookup(2025),
    )
    assert any(
        "APM Performance Pathway" in w and "scored as traditional MIPS" in w
        for w in result.warnings
    )
    assert result.is_estimate


def test_another_program_name_is_named_in_the_warning() -> None:
    result = score_submission(
        submission(2025, _with_program(qset(("236", rate(70, 100))), "pcf")),
        _quality_lookup(2025),
    )
    assert any("'pcf'" in w and "traditional MIPS" in w for w in result.warnings)
    assert result.is_estimate


# --------------------------------------------------------------------------- A5: claims
@pytest.mark.parametrize("year", YEARS)
def test_claims_measures_of_a_practice_that_is_not_small_earn_0(year: int) -> None:
    sub = submission(year, qset(("236", rate(70, 100)), method="claims"))
    result = score_submission(sub, _quality_lookup(year))
    row = next(m for m in result.measures if m.measure_id == "236")
    assert row.points == 0
    assert "small practices" in row.reason and "0 points" in row.reason
    assert result.categories["quality"].score == 0
    assert any("claims" in w and "small practices" in w for w in result.warnings)


@pytest.mark.parametrize("year", YEARS)
def test_claims_measures_of_a_small_practice_are_scored(year: int) -> None:
    sub = submission(year, qset(("236", rate(70, 100)), method="claims"))
    result = score_submission(sub, _quality_lookup(year), ScoringOptions(small_practice=True))
    row = next(m for m in result.measures if m.measure_id == "236")
    # 70% in decile 8 [70, 80) of the even benchmark: 8 + (70 - 70) / (80 - 70) = 8 points
    assert row.points == 8
    assert not any("claims" in w for w in result.warnings)


def test_the_same_measure_by_registry_still_counts_beside_claims() -> None:
    sub = submission(
        2025,
        qset(("236", rate(70, 100)), method="claims"),
        qset(("236", rate(70, 100)), method="registry"),
    )
    result = score_submission(sub, _quality_lookup(2025))
    counted = [m for m in result.measures if m.measure_id == "236" and m.counted]
    assert [(m.collection_type, m.points) for m in counted] == [("registry", 8)]


# --------------------------------------------------------------------------- A4: IA periods
def _ia_set(start: str | None, end: str | None, *ids: str) -> dict[str, Any]:
    data = iaset(*ids)
    if start:
        data["performanceStart"] = start
        data["performanceEnd"] = end
    return data


def _ia_lookup(year: int) -> MemoryLookup:
    weight = "medium" if year == 2024 else None
    return MemoryLookup(
        [
            ia_activity(year, mid, weight)
            for mid in ("IA_A", "IA_B", "IA_ERP_1", "IA_ERP_2", "IA_PCMH")
        ]
    )


@pytest.mark.parametrize("year", YEARS)
def test_activities_in_a_period_shorter_than_90_days_get_no_credit(year: int) -> None:
    # 12/01 - 12/31 is 31 days; every activity needs 90 continuous days
    result = score_submission(
        submission(year, _ia_set(f"{year}-12-01", f"{year}-12-31", "IA_A", "IA_B")),
        _ia_lookup(year),
    )
    ia = result.categories["ia"]
    assert ia.score == 0
    assert "shorter than their minimum period" in ia.reason
    for row in result.measures:
        assert not row.counted
        assert "31 days" in row.reason and "at least 90 continuous days" in row.reason


@pytest.mark.parametrize("year", YEARS)
def test_a_90_day_period_gives_credit(year: int) -> None:
    # 10/03 - 12/31 is 29 + 30 + 31 = 90 days
    result = score_submission(
        submission(year, _ia_set(f"{year}-10-03", f"{year}-12-31", "IA_A", "IA_B")),
        _ia_lookup(year),
    )
    # 2024: two medium activities = 20 of 40 = 50%; 2025+: 2 of 2 activities = 100%
    assert result.categories["ia"].score == (50 if year == 2024 else 100)
    assert all(m.counted for m in result.measures)


@pytest.mark.parametrize("year", YEARS)
def test_activities_with_their_own_period(year: int) -> None:
    # 08/01 - 09/29 is 31 + 29 = 60 days: enough for IA_ERP_2 (60 days), not for a
    # default activity (90 days) nor for IA_ERP_1 (6 months); IA_PCMH has no period
    sub = submission(year, _ia_set(f"{year}-08-01", f"{year}-09-29", "IA_A", "IA_ERP_2"))
    rows = {m.measure_id: m for m in score_submission(sub, _ia_lookup(year)).measures}
    assert rows["IA_ERP_2"].counted
    assert not rows["IA_A"].counted
    # 6 calendar months from 01/01 end on 06/30 at the earliest
    sub = submission(year, _ia_set(f"{year}-01-01", f"{year}-06-29", "IA_ERP_1"))
    row = score_submission(sub, _ia_lookup(year)).measures[0]
    assert not row.counted and f"{year}-06-30 or later" in row.reason
    sub = submission(year, _ia_set(f"{year}-01-01", f"{year}-06-30", "IA_ERP_1"))
    assert score_submission(sub, _ia_lookup(year)).measures[0].counted
    sub = submission(year, _ia_set(f"{year}-12-30", f"{year}-12-31", "IA_PCMH"))
    assert score_submission(sub, _ia_lookup(year)).categories["ia"].score == 100


def test_a_set_without_dates_is_not_checked() -> None:
    result = score_submission(submission(2025, _ia_set(None, None, "IA_A")), _ia_lookup(2025))
    assert result.categories["ia"].score == 50


def test_an_unconfirmed_minimum_keeps_the_credit_as_an_estimate() -> None:
    from desktop_app.rules import load_rules

    rules = load_rules(2025)
    unconfirmed = rules.ia.minimum_period_days.model_copy(update={"confirmed": False})
    rules = rules.model_copy(
        update={"ia": rules.ia.model_copy(update={"minimum_period_days": unconfirmed})}
    )
    result = score_submission(
        submission(2025, _ia_set("2025-12-01", "2025-12-31", "IA_A")),
        _ia_lookup(2025),
        rules=rules,
    )
    # 1 of 2 activities = 50%, kept; the row and the result say it is an estimate
    assert result.categories["ia"].score == 50
    assert result.categories["ia"].estimate
    row = result.measures[0]
    assert row.counted and row.estimate
    assert "not confirmed, so the credit is kept" in row.reason
    assert result.is_estimate
    assert any(e.key == "ia.period.IA_A" for e in result.estimates)


def test_a_set_without_dates_says_its_periods_were_not_checked() -> None:
    result = score_submission(
        submission(2025, _ia_set(None, None, "IA_A", "IA_B")), _ia_lookup(2025)
    )
    # no credit change: 2 of 2 activities = 100% ...
    assert result.categories["ia"].score == 100
    # ... but the user is told the periods could not be checked
    said = [w for w in result.warnings if "can't be checked without dates" in w]
    assert len(said) == 1
    assert "performanceStart and performanceEnd" in said[0]
    assert "IA_A, IA_B" in said[0]
    dated = score_submission(
        submission(2025, _ia_set("2025-01-01", "2025-12-31", "IA_A")), _ia_lookup(2025)
    )
    assert not any("without dates" in w for w in dated.warnings)


def test_an_mvp_or_app_estimate_is_explained_in_the_estimates() -> None:
    result = score_submission(
        submission(2025, _with_program(qset(("236", rate(70, 100))), "M0005")),
        _quality_lookup(2025),
    )
    assert result.is_estimate
    mvp = [e for e in result.estimates if e.key == "program.M0005"]
    assert len(mvp) == 1
    assert "MVP M0005: scored as traditional MIPS" in mvp[0].explanation
    plain = score_submission(submission(2025, qset(("236", rate(70, 100)))), _quality_lookup(2025))
    assert not any(e.key.startswith("program.") for e in plain.estimates)


def test_a_measure_outside_the_mvp_earns_nothing_in_that_mvp_set() -> None:
    lookup = MemoryLookup(
        [
            quality_measure(
                2025, "236", measure_type="intermediateOutcome", allowedPrograms=["mips", "M0001"]
            )
        ],
        [benchmark(2025, "236", method="registry")],
    )
    result = score_submission(
        submission(2025, _with_program(qset(("236", rate(70, 100))), "M0005")), lookup
    )
    row = result.measures[0]
    assert row.points == 0 and not row.counted
    assert "236 is not a measure of MVP M0005 (only for mips, M0001)" in row.reason
    assert any("CMS won't score it in an MVP M0005 submission" in w for w in result.warnings)
