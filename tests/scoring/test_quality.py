"""Quality category rules, hand-computed for each performance year."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scoring_builders import (
    EVEN,
    REAL,
    benchmark,
    qset,
    quality_measure,
    rate,
    submission,
)

from desktop_app.scoring import MemoryLookup, ScoringOptions, score_submission

YEARS = [2024, 2025, 2026]


def _score(year, lookup, *sets, **options):  # type: ignore[no-untyped-def]
    return score_submission(submission(year, *sets), lookup, ScoringOptions(**options))


def _measure(result, mid, counted=True):  # type: ignore[no-untyped-def]
    return next(m for m in result.measures if m.measure_id == mid and m.counted == counted)


@pytest.mark.parametrize("year", YEARS)
def test_single_rate_points_and_category(year: int) -> None:
    lookup = MemoryLookup(
        [quality_measure(year, "001", measure_type="outcome")], [benchmark(year, "001", REAL)]
    )
    # met 66 of 80, no exclusions: rate 66/80 = 82.5% in decile 8 [80.1, 85.0):
    # 8 + (82.5 - 80.1) / (85.0 - 80.1) = 8.4898 points; category 8.4898 / 60 = 14.15%
    result = _score(year, lookup, qset(("001", rate(66, 80))))
    m = _measure(result, "001")
    assert m.performance_rate == pytest.approx(82.5)
    assert m.points == pytest.approx(8.4898, abs=1e-4)
    assert m.decile == 8
    # the one-line reason a table shows: rate, decile, points
    assert m.summary == "rate 82.5% · decile 8 · 8.49 pts"
    quality = result.categories["quality"]
    assert quality.score == pytest.approx(8.4898 / 60 * 100, abs=1e-3)
    # default weight 30%: 14.1497 * 30 / 100 = 4.2449 points
    assert quality.weight == 30
    assert quality.points == pytest.approx(quality.score * 0.30, abs=1e-3)


@pytest.mark.parametrize("year", YEARS)
def test_exceptions_leave_the_rate_denominator(year: int) -> None:
    lookup = MemoryLookup([quality_measure(year, "002")], [benchmark(year, "002", EVEN)])
    # met 45, exceptions 10, population 100: rate 45 / (100 - 10) = 50% -> decile 6 [50, 60): 6.0
    result = _score(year, lookup, qset(("002", rate(45, 100, exception=10))))
    m = _measure(result, "002")
    assert m.performance_rate == pytest.approx(50.0)
    assert m.points == pytest.approx(6.0)


@pytest.mark.parametrize("year", YEARS)
def test_unreported_instances_do_not_lower_the_rate(year: int) -> None:
    """QPP: performanceRate = met / (met + notMet); completeness is reported separately."""
    lookup = MemoryLookup([quality_measure(year, "002")], [benchmark(year, "002", EVEN)])
    # population 100, met 45, not met 35, exception 5: 85 of 100 reported (85% complete);
    # rate 45 / (45 + 35) = 56.25% -> decile 6 [50, 60): 6 + (56.25 - 50) / 10 = 6.625
    result = _score(year, lookup, qset(("002", rate(45, 100, not_met=35, exception=5))))
    m = _measure(result, "002")
    assert m.data_completeness == pytest.approx(85.0)
    assert m.performance_rate == pytest.approx(56.25)
    assert m.points == pytest.approx(6.625)


def test_partial_completeness_over_the_real_2025_benchmark(catalog) -> None:  # type: ignore[no-untyped-def]
    # 2025 measure 236 (eCQM) benchmark: 40th pct 65.32, 50th 68.735.
    # population 100, met 50, not met 25: 75% complete; rate 50 / 75 = 66.667% in
    # decile 5 [65.32, 68.735): 5 + (66.667 - 65.32) / (68.735 - 65.32) = 5.3944
    sub = submission(
        2025, qset(("236", rate(50, 100, not_met=25)), method="electronicHealthRecord")
    )
    result = score_submission(sub, catalog, ScoringOptions())
    m = _measure(result, "236")
    assert m.data_completeness == pytest.approx(75.0)
    assert m.performance_rate == pytest.approx(200 / 3)
    assert m.points == pytest.approx(5 + (200 / 3 - 65.32) / (68.735 - 65.32), abs=1e-4)


def test_missing_not_met_counts_every_unreported_instance_as_not_met() -> None:
    lookup = MemoryLookup([quality_measure(2025, "002")], [benchmark(2025, "002", EVEN)])
    value = rate(45, 100, exception=10)
    del value["performanceNotMet"]
    # not met taken as 100 - 45 - 10 = 45: rate 45 / 90 = 50% -> 6.0 points, 100% complete
    m = _measure(_score(2025, lookup, qset(("002", value))), "002")
    assert m.performance_rate == pytest.approx(50.0)
    assert m.data_completeness == pytest.approx(100.0)


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize(("small", "expected"), [(False, 0.0), (True, 3.0)])
def test_data_completeness_below_75(year: int, small: bool, expected: float) -> None:
    lookup = MemoryLookup([quality_measure(year, "003")], [benchmark(year, "003")])
    # reported met 30 + not met 40 = 70 of 100 eligible: completeness 70% < 75% -> 0 (3 small)
    result = _score(year, lookup, qset(("003", rate(30, 100, not_met=40))), small_practice=small)
    m = _measure(result, "003")
    assert m.data_completeness == pytest.approx(70.0)
    assert m.points == expected
    assert "below the required 75%" in m.reason
    assert m.summary == "data completeness 70% < 75%: " + (
        "3 pts (small-practice floor)" if small else "0 pts"
    )


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize(("small", "expected"), [(False, 0.0), (True, 3.0)])
def test_case_minimum_20(year: int, small: bool, expected: float) -> None:
    lookup = MemoryLookup([quality_measure(year, "004")], [benchmark(year, "004")])
    # eligible population 19 < case minimum 20 -> 0 points (3 for a small practice)
    result = _score(year, lookup, qset(("004", rate(19, 19))), small_practice=small)
    assert _measure(result, "004").points == expected
    # 20 is enough: rate 100% -> 10 points
    result = _score(year, lookup, qset(("004", rate(20, 20))), small_practice=small)
    assert _measure(result, "004").points == 10


@pytest.mark.parametrize("year", YEARS)
def test_no_benchmark(year: int) -> None:
    lookup = MemoryLookup([quality_measure(year, "005")], [])
    result = _score(year, lookup, qset(("005", rate(50, 50))))
    assert _measure(result, "005").points == 0
    result = _score(year, lookup, qset(("005", rate(50, 50))), small_practice=True)
    assert _measure(result, "005").points == 3


@pytest.mark.parametrize("year", YEARS)
def test_topped_out_cap_and_removal(year: int) -> None:
    capped = quality_measure(year, "006")
    removed = quality_measure(
        year, "007", isSevenPointCapRemoved=True, sevenPointCapRemoved=["registry"]
    )
    lookup = MemoryLookup(
        [capped, removed],
        [
            benchmark(year, "006", topped_out_by_program=True),
            benchmark(year, "007", topped_out_by_program=True),
        ],
    )
    # rate 95% would earn 10 (decile 10 from 90); topped out by program -> capped at 7
    result = _score(year, lookup, qset(("006", rate(95, 100)), ("007", rate(95, 100))))
    assert _measure(result, "006").points == 7
    assert "capped at 7" in _measure(result, "006").reason
    assert _measure(result, "006").summary == "rate 95% · decile 10 · 7 pts · topped out: max 7"
    # the row reads "of 7", as on the Quality page (quality.entry.max_points)
    assert _measure(result, "006").max_points == 7
    assert _measure(result, "007").points == 10
    assert _measure(result, "007").max_points == 10
    # a capped measure below the cap still reads "of 7"
    low = _score(year, lookup, qset(("006", rate(40, 100))))
    assert _measure(low, "006").max_points == 7
    assert "topped out: max 7" in _measure(low, "006").summary


@pytest.mark.parametrize("year", YEARS)
def test_score_and_quality_page_agree_on_the_most_points(year: int) -> None:
    from desktop_app.quality.entry import max_points
    from desktop_app.rules import load_rules

    capped = quality_measure(year, "006")
    removed = quality_measure(
        year, "007", isSevenPointCapRemoved=True, sevenPointCapRemoved=["registry"]
    )
    plain = quality_measure(year, "008")
    lookup = MemoryLookup(
        [capped, removed, plain],
        [
            benchmark(year, "006", topped_out_by_program=True),
            benchmark(year, "007", topped_out_by_program=True),
            benchmark(year, "008"),
        ],
    )
    result = _score(
        year,
        lookup,
        qset(("006", rate(95, 100)), ("007", rate(95, 100)), ("008", rate(95, 100))),
    )
    rules = load_rules(year)
    for m in (capped, removed, plain):
        most, _ = max_points(m, "registry", lookup, rules)
        assert _measure(result, m.measure_id).max_points == most


@pytest.mark.parametrize("year", YEARS)
def test_measures_of_other_programs_earn_nothing_in_a_mips_set(year: int) -> None:
    aco = quality_measure(year, "001SSP", allowedPrograms=["appPlus"])
    mips = quality_measure(year, "008", allowedPrograms=["mips", "app1"])
    lookup = MemoryLookup([aco, mips], [benchmark(year, "001SSP"), benchmark(year, "008")])
    result = _score(year, lookup, qset(("001SSP", rate(95, 100)), ("008", rate(50, 100))))
    row = _measure(result, "001SSP", counted=False)
    assert row.points == 0
    assert (
        "001SSP is not a MIPS measure (only for appPlus); CMS won't score it in a MIPS "
        "submission" in row.reason
    )
    assert any("001SSP is not a MIPS measure" in w for w in result.warnings)
    # only 008 counts
    assert result.categories["quality"].details["measures_counted"] == ["008"]


@pytest.mark.parametrize("year", YEARS)
def test_new_measure_floors(year: int) -> None:
    first = quality_measure(year, "N1", firstPerformanceYear=year)
    second = quality_measure(year, "N2", firstPerformanceYear=year - 1)
    lookup = MemoryLookup([first, second], [benchmark(year, "N1"), benchmark(year, "N2")])
    # rate 20% -> decile 3 = 3.0 points; floors 7 (first year) and 5 (second year)
    result = _score(year, lookup, qset(("N1", rate(20, 100)), ("N2", rate(20, 100))))
    assert _measure(result, "N1").points == 7
    assert _measure(result, "N2").points == 5


@pytest.mark.parametrize("year", YEARS)
def test_inverse_measure(year: int) -> None:
    lookup = MemoryLookup(
        [quality_measure(year, "001", inverse=True, measure_type="outcome")],
        [benchmark(year, "001", EVEN, inverse=True)],
    )
    # inverse: rate 25% in decile 8 (20, 30]: 8 + (30 - 25) / (30 - 20) = 8.5
    result = _score(year, lookup, qset(("001", rate(25, 100))))
    assert _measure(result, "001").points == pytest.approx(8.5)


def _multi(*strata):  # type: ignore[no-untyped-def]
    return {
        "isEndToEndReported": False,
        "strata": [
            {
                "stratum": name,
                "performanceMet": met,
                "performanceNotMet": pop - met,
                "eligiblePopulation": pop,
                "eligiblePopulationExclusion": 0,
                "eligiblePopulationException": 0,
            }
            for name, met, pop in strata
        ],
    }


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize(
    ("algorithm", "expected_rate"),
    [
        # strata a 30/40 = 75%, b 45/60 ... see each case
        ("simpleAverage", (30 / 40 * 100 + 20 / 60 * 100) / 2),  # (75 + 33.33) / 2 = 54.17
        ("weightedAverage", (30 + 20) / (40 + 60) * 100),  # 50 / 100 = 50
        ("sumNumerators", (30 + 20) / 60 * 100),  # shared denominator = largest (60): 83.33
        ("overallStratumOnly", 20 / 60 * 100),  # the stratum named overall: 33.33
    ],
)
def test_multi_rate_algorithms(year: int, algorithm: str, expected_rate: float) -> None:
    lookup = MemoryLookup(
        [quality_measure(year, "M1", overallAlgorithm=algorithm)], [benchmark(year, "M1")]
    )
    result = _score(year, lookup, qset(("M1", _multi(("a", 30, 40), ("overall", 20, 60)))))
    m = _measure(result, "M1")
    assert m.performance_rate == pytest.approx(expected_rate, abs=1e-3)
    # EVEN benchmark: points = 1 + rate / 10 (decile floor(rate/10)+1 with the fraction)
    assert m.points == pytest.approx(1 + expected_rate / 10, abs=1e-3)


@pytest.mark.parametrize("year", YEARS)
def test_best_collection_type_counts_once(year: int) -> None:
    lookup = MemoryLookup(
        [quality_measure(year, "010")],
        [
            benchmark(year, "010", EVEN, method="registry"),
            benchmark(year, "010", REAL, method="electronicHealthRecord"),
        ],
    )
    # rate 50%: registry EVEN -> 6.0; eCQM REAL decile 2 [45.2, 55): 2 + 4.8/9.8 = 2.49
    result = _score(
        year,
        lookup,
        qset(("010", rate(50, 100))),
        qset(("010", rate(50, 100)), method="electronicHealthRecord"),
    )
    counted = [m for m in result.measures if m.measure_id == "010" and m.counted]
    assert len(counted) == 1
    assert counted[0].collection_type == "registry"
    assert counted[0].points == pytest.approx(6.0)
    other = _measure(result, "010", counted=False)
    assert other.points == pytest.approx(2 + 4.8 / 9.8, abs=1e-4)


@pytest.mark.parametrize("year", YEARS)
def test_required_outcome_plus_best_five(year: int) -> None:
    # 7 process measures (95%, 90%, ..., 65%: 10, 10, 9.5, 9, 8.5, 8, 7.5 points) and one
    # outcome measure scoring 2.0
    measures = [quality_measure(year, f"P{i}") for i in range(7)]
    measures.append(quality_measure(year, "OUT", measure_type="outcome"))
    lookup = MemoryLookup(measures, [benchmark(year, m.measure_id) for m in measures])
    sets = [(f"P{i}", rate(95 - 5 * i, 100)) for i in range(7)]
    sets.append(("OUT", rate(10, 100)))  # 10% -> decile 2 = 2.0
    result = _score(year, lookup, qset(*sets))
    counted = {m.measure_id for m in result.measures if m.counted}
    assert counted == {"OUT", "P0", "P1", "P2", "P3", "P4"}
    # outcome 2.0 + best five 10 + 10 + 9.5 + 9 + 8.5 = 49; 49 / 60 = 81.67%
    assert result.categories["quality"].score == pytest.approx(49 / 60 * 100, abs=1e-3)


@pytest.mark.parametrize("year", YEARS)
def test_small_practice_bonus_denominator_reduction_improvement_cap(year: int) -> None:
    lookup = MemoryLookup(
        [quality_measure(year, "001", measure_type="outcome")], [benchmark(year, "001")]
    )
    s = qset(("001", rate(55, 100)))  # 55% -> 6.5 points
    # small practice: (6.5 + 6) / 60 = 20.83%
    r = _score(year, lookup, s, small_practice=True)
    assert r.categories["quality"].score == pytest.approx(12.5 / 60 * 100, abs=1e-3)
    # denominator reduced by 4 measures: 60 - 40 = 20; 6.5 / 20 = 32.5%
    r = _score(year, lookup, s, denominator_reduction=4)
    assert r.categories["quality"].score == pytest.approx(32.5)
    # improvement: achievement 32.5% vs prior 25% (at or below 30% -> compared with 30%):
    # (32.5 - 30) / 30 * 10 = 0.8333 points -> 33.33%
    r = _score(year, lookup, s, denominator_reduction=4, prior_quality_score=25)
    assert r.categories["quality"].score == pytest.approx(32.5 + 2.5 / 30 * 10, abs=1e-3)
    assert any(e.key == "quality.improvement_prior_floor_percent" for e in r.estimates)
    # prior 31%: (32.5 - 31) / 31 * 10 = 0.4839
    r = _score(year, lookup, s, denominator_reduction=4, prior_quality_score=31)
    assert r.categories["quality"].score == pytest.approx(32.5 + 1.5 / 31 * 10, abs=1e-3)
    # cap: 10 points / 10 (reduction 5) = 100% + bonus 6/10 -> capped at 100
    r = _score(
        year, lookup, qset(("001", rate(100, 100))), denominator_reduction=5, small_practice=True
    )
    assert r.categories["quality"].score == 100


def test_denominator_reduction_too_large_is_an_error() -> None:
    from desktop_app.scoring import ScoringError

    lookup = MemoryLookup([quality_measure(2025, "001")], [benchmark(2025, "001")])
    with pytest.raises(ScoringError, match="denominator reduction"):
        _score(2025, lookup, qset(("001", rate(1, 20))), denominator_reduction=6)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 200), st.integers(0, 200)), min_size=1, max_size=9),
    st.booleans(),
    st.one_of(st.none(), st.floats(0, 100)),
)
def test_quality_score_within_bounds(pairs, small, prior) -> None:  # type: ignore[no-untyped-def]
    year = 2025
    ids = [f"Q{i}" for i in range(len(pairs))]
    lookup = MemoryLookup(
        [quality_measure(year, i, measure_type="outcome") for i in ids],
        [benchmark(year, i, REAL) for i in ids],
    )
    values = [(i, rate(min(a, b), max(a, b))) for i, (a, b) in zip(ids, pairs, strict=True)]
    r = _score(year, lookup, qset(*values), small_practice=small, prior_quality_score=prior)
    score = r.categories["quality"].score
    assert score is not None and 0 <= score <= 100
    for m in r.measures:
        assert m.points is not None and 0 <= m.points <= 10
    low, high = r.final_score_range
    assert 0 <= low <= high <= 100
