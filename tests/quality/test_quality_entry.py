"""Checking quality counts as they are typed: counts add up, completeness, case minimum,
inverse measures, strata, live points from the scoring engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.formats.qpp_json import Measurement
from desktop_app.quality import Counts, check_entry, counts_from_text, counts_from_value
from desktop_app.quality.entry import CQM_EXCLUSION_NOT_ZERO, parse_count
from desktop_app.rules import load_rules
from desktop_app.scoring import ScoringOptions
from desktop_app.scoring.quality import score_quality_measure
from desktop_app.scoring.result import EstimateLog

YEAR = 2025


def messages(check, severity: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [i.message for i in check.issues if i.severity == severity]


def test_counts_that_add_up_give_rate_completeness_value_and_points(catalog) -> None:  # type: ignore[no-untyped-def]
    m = catalog.measure(YEAR, "236")
    check = check_entry(m, "registry", Counts(100, 0, 10, 60, 30), catalog)
    assert check.ok
    assert check.performance_rate == pytest.approx(100 * 60 / 90)
    assert check.data_completeness == pytest.approx(100.0)
    assert check.value == {
        "isEndToEndReported": False,
        "eligiblePopulation": 100,
        "eligiblePopulationExclusion": 0,
        "eligiblePopulationException": 10,
        "performanceMet": 60,
        "performanceNotMet": 30,
    }
    # The points are exactly what the scoring engine gives for the same value.
    parsed = Measurement.model_validate({"measureId": "236", "value": check.value}).value
    expected = score_quality_measure(
        "236", parsed, "registry", YEAR, load_rules(YEAR), catalog, ScoringOptions(), EstimateLog()
    )
    assert check.score is not None
    assert check.score.points == expected.points
    assert check.score.reason == expected.reason
    assert "Benchmark (MIPS CQM)" in check.score.reason


def test_rate_counts_reported_instances_only(catalog) -> None:  # type: ignore[no-untyped-def]
    """As QPP: rate = met / (met + not met); unreported instances lower completeness only."""
    m = catalog.measure(YEAR, "236")
    # population 100, exception 5, met 50, not met 25: 80 reported (80% complete);
    # rate 50 / (50 + 25) = 66.67%, and the live points equal the scoring engine's.
    check = check_entry(m, "registry", Counts(100, 0, 5, 50, 25), catalog)
    assert check.performance_rate == pytest.approx(100 * 50 / 75)
    assert check.data_completeness == pytest.approx(80.0)
    parsed = Measurement.model_validate({"measureId": "236", "value": check.value}).value
    expected = score_quality_measure(
        "236", parsed, "registry", YEAR, load_rules(YEAR), catalog, ScoringOptions(), EstimateLog()
    )
    assert check.score is not None and check.score.points == expected.points


def test_counts_that_dont_add_up_are_an_error_and_nothing_is_saved(catalog) -> None:  # type: ignore[no-untyped-def]
    m = catalog.measure(YEAR, "236")
    check = check_entry(m, "registry", Counts(50, 0, 0, 40, 20), catalog)
    assert not check.ok and check.value is None and check.score is None
    [error] = messages(check, "error")
    assert "don't add up" in error and "60" in error and "50" in error


def test_completeness_below_the_year_threshold_warns_and_scores_zero(catalog) -> None:  # type: ignore[no-untyped-def]
    m = catalog.measure(YEAR, "236")
    threshold = load_rules(YEAR).quality.data_completeness_percent.value
    check = check_entry(m, "registry", Counts(100, 0, 0, 30, 10), catalog)
    assert check.data_completeness == pytest.approx(40.0)
    warning = " ".join(messages(check, "warning"))
    assert "Data completeness 40%" in warning and f"{threshold:g}%" in warning
    assert "report at least 75 of the 100" in warning
    assert check.score is not None and check.score.points == 0
    assert "below the required" in check.score.reason


def test_population_under_the_case_minimum_warns(catalog) -> None:  # type: ignore[no-untyped-def]
    m = catalog.measure(YEAR, "236")
    check = check_entry(m, "registry", Counts(12, 0, 0, 10, 2), catalog)
    assert any("case minimum of 20" in w for w in messages(check, "warning"))
    assert check.score is not None and "case minimum" in check.score.reason


def test_small_practices_get_their_floor_in_the_live_points(catalog) -> None:  # type: ignore[no-untyped-def]
    m = catalog.measure(YEAR, "236")
    small = check_entry(
        m, "registry", Counts(12, 0, 0, 10, 2), catalog, options=ScoringOptions(small_practice=True)
    )
    floor = load_rules(YEAR).quality.small_practice_floor.value
    assert small.score is not None and small.score.points == floor


def test_inverse_measures_are_flagged_with_a_note(catalog) -> None:  # type: ignore[no-untyped-def]
    check = check_entry(
        catalog.measure(YEAR, "001"), "registry", Counts(100, 0, 0, 20, 80), catalog
    )
    assert check.inverse
    assert "LOWER performance rate is better" in (check.inverse_note or "")
    assert check.score is not None and "inverse" in check.score.reason.lower()
    assert (
        check_entry(catalog.measure(YEAR, "236"), "registry", Counts(), catalog).inverse_note
        is None
    )


def test_missing_required_counts_and_typing_mistakes_are_named(catalog) -> None:  # type: ignore[no-untyped-def]
    m = catalog.measure(YEAR, "236")
    check = check_entry(m, "registry", Counts(met=5), catalog)
    assert [i.field for i in check.errors] == ["eligible_population"]
    counts, issues = counts_from_text(
        {"eligible_population": "1,200", "met": "12a", "not_met": " ", "exclusions": "-3"}
    )
    assert counts.eligible_population == 1200 and counts.not_met is None
    assert {i.field for i in issues} == {"met", "exclusions"}
    assert any("Performance met must be a whole number" in i.message for i in issues)
    assert parse_count("", "met") == (None, None)


@pytest.mark.parametrize("typed,value", [("1200", 1200), ("1,200", 1200), ("1 200", 1200)])
def test_counts_may_be_grouped_in_thousands(typed: str, value: int) -> None:
    assert parse_count(typed, "met") == (value, None)


@pytest.mark.parametrize("typed", ["1,0", "12,00", "²", "1.5", "1e3", ",100"])
def test_misplaced_commas_and_other_digits_are_an_error_not_a_guess(typed: str) -> None:
    value, issue = parse_count(typed, "met")
    assert value is None and issue is not None and issue.severity == "error"
    assert "like 1200 or 1,200" in issue.message


def test_nothing_entered_is_not_an_error(catalog) -> None:  # type: ignore[no-untyped-def]
    check = check_entry(catalog.measure(YEAR, "236"), "registry", Counts(), catalog)
    assert not check.errors and check.value is None
    assert messages(check, "info") == ["Nothing entered yet."]


def test_collection_type_the_measure_does_not_allow_is_an_error(catalog) -> None:  # type: ignore[no-untyped-def]
    m = catalog.measure(YEAR, "009")  # eCQM only
    check = check_entry(m, "registry", Counts(100, 0, 0, 80, 20), catalog)
    assert any("can't be reported as registry" in e.message for e in check.errors)


def test_multi_rate_measures_are_checked_per_stratum(catalog) -> None:  # type: ignore[no-untyped-def]
    m = catalog.measure(YEAR, "009")  # simpleAverage of 84Days and 180Days
    check = check_entry(
        m,
        "electronicHealthRecord",
        {"84Days": Counts(100, 0, 0, 80, 20), "180Days": Counts(100, 0, 0, 60, 40)},
        catalog,
    )
    assert check.ok
    assert [s["stratum"] for s in check.value["strata"]] == ["84Days", "180Days"]
    assert check.performance_rate == pytest.approx(70.0)
    assert "simple average" in check.score.reason
    bad = check_entry(
        m,
        "electronicHealthRecord",
        {"84Days": Counts(100, 0, 0, 80, 30), "180Days": Counts()},
        catalog,
    )
    assert not bad.ok
    assert any(e.stratum == "84Days" for e in bad.errors)
    assert any("Strata left empty: 180Days" in w for w in messages(bad, "warning"))


def test_registry_exclusions_are_an_error_that_says_what_to_enter(catalog) -> None:  # type: ignore[no-untyped-def]
    """CMS: eligiblePopulationExclusion is 0 for MIPS CQMs (the excluded patients are
    left out of the eligible population); eCQMs report them (QRDA III DENEX)."""
    check = check_entry(
        catalog.measure(YEAR, "236"), "registry", Counts(100, 5, 0, 80, 15), catalog
    )
    assert not check.ok and check.value is None and check.score is None
    [error] = check.errors
    assert error.code == CQM_EXCLUSION_NOT_ZERO and error.field == "exclusions"
    assert "enter 95 as the eligible population" in error.message
    assert "0 as denominator exclusions" in error.message
    fixed = check_entry(catalog.measure(YEAR, "236"), "registry", Counts(95, 0, 0, 80, 15), catalog)
    assert fixed.ok and fixed.value["eligiblePopulationExclusion"] == 0
    ecqm = check_entry(
        catalog.measure(YEAR, "236"), "electronicHealthRecord", Counts(100, 5, 0, 80, 15), catalog
    )
    assert ecqm.ok and ecqm.value["eligiblePopulationExclusion"] == 5


def test_registry_exclusions_in_a_stratum_are_an_error_too(catalog) -> None:  # type: ignore[no-untyped-def]
    m = catalog.measure(YEAR, "009")
    if "registry" not in m.submission_methods:
        m = next(
            x
            for x in catalog.measures(YEAR, "quality")
            if x.metric_type == "multiPerformanceRate" and "registry" in x.submission_methods
        )
    strata = [str(s["name"]) for s in m.data["strata"]]
    counts = {name: Counts(50, 0, 0, 40, 10) for name in strata}
    counts[strata[0]] = Counts(50, 2, 0, 38, 10)
    check = check_entry(m, "registry", counts, catalog)
    assert not check.ok
    assert [(e.code, e.stratum) for e in check.errors] == [(CQM_EXCLUSION_NOT_ZERO, strata[0])]


def test_entered_values_round_trip_through_the_reporting_store(tmp_path: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.reporting import EntityKey, save_value, stored_values
    from desktop_app.store import Workspace

    m = catalog.measure(YEAR, "236")
    check = check_entry(m, "electronicHealthRecord", Counts(100, 3, 2, 70, 25), catalog)
    entity = EntityKey(YEAR, "000777777", None)
    with Workspace.open(tmp_path / "w.mipsdesk") as ws:
        save_value(
            ws, entity, "quality", "236", check.value, submission_method="electronicHealthRecord"
        )
        [stored] = stored_values(ws, entity, "quality")
    assert counts_from_value(stored.value) == Counts(100, 3, 2, 70, 25)
    assert counts_from_value(True) is None


@pytest.mark.parametrize(
    ("counts", "says", "fixed"),
    [
        # the usual case: 60 - 5 excluded leaves room for 40 met + 10 not met
        (Counts(60, 5, 0, 40, 10), "enter 55 as the eligible population (60 - 5", 55),
        # more exclusions than patients: no "enter 0", the counts are wrong
        (Counts(5, 10, 0, 0, 0), "the 10 exclusions are more than the eligible population 5", None),
        # every patient excluded: nothing left to report
        (Counts(5, 5, 0, 0, 0), "all 5 patients are excluded", None),
        # 60 - 20 = 40 can't hold 40 met + 10 not met
        (Counts(60, 20, 0, 40, 10), "would be 40, less than met 40 + not met 10", None),
    ],
)
def test_taking_cqm_exclusions_out_is_offered_only_when_the_counts_then_add_up(
    catalog, counts, says, fixed
) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.quality.entry import cqm_exclusion_fix

    check = check_entry(catalog.measure(YEAR, "236"), "registry", counts, catalog)
    error = next(e for e in check.errors if e.code == CQM_EXCLUSION_NOT_ZERO)
    assert says in error.message
    assert "enter 0 as the eligible population" not in error.message
    result = cqm_exclusion_fix(counts)
    if fixed is None:
        assert result is None
    else:
        assert result is not None
        assert (result.eligible_population, result.exclusions) == (fixed, 0)
        assert check_entry(catalog.measure(YEAR, "236"), "registry", result, catalog).ok
