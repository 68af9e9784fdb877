"""Improvement activities and the final score, hand-computed for each performance year."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scoring_builders import (
    benchmark,
    full_pi,
    ia_activity,
    iaset,
    piset,
    qset,
    quality_measure,
    rate,
    submission,
)

from desktop_app.rules import load_rules
from desktop_app.scoring import MemoryLookup, ScoringOptions, score_submission
from desktop_app.scoring.final import payment_adjustment

ACTIVITIES_2024 = [
    ia_activity(2024, "IA_H1", "high"),
    ia_activity(2024, "IA_H2", "high"),
    ia_activity(2024, "IA_M1", "medium"),
    ia_activity(2024, "IA_M2", "medium"),
]


def _ia(year, ids, lookup=None, **options):  # type: ignore[no-untyped-def]
    result = score_submission(
        submission(year, iaset(*ids)),
        lookup or MemoryLookup([ia_activity(year, i) for i in ("IA_A", "IA_B", "IA_C")]),
        ScoringOptions(**options),
    )
    return result.categories["ia"]


def test_ia_2024_weights() -> None:
    lookup = MemoryLookup(ACTIVITIES_2024)
    # one high (20) + one medium (10) = 30 of 40 = 75%
    assert _ia(2024, ["IA_H1", "IA_M1"], lookup).score == 75
    # two high = 40 of 40 = 100%; adding more is capped at 40
    assert _ia(2024, ["IA_H1", "IA_H2", "IA_M1"], lookup).score == 100
    # one medium = 10 / 40 = 25%
    assert _ia(2024, ["IA_M1"], lookup).score == 25


@pytest.mark.parametrize("status", ["small_practice", "rural", "hpsa", "non_patient_facing"])
def test_ia_2024_doubling(status: str) -> None:
    lookup = MemoryLookup(ACTIVITIES_2024)
    # special status doubles: medium 10 -> 20 = 50%; high 20 -> 40 = 100%
    assert _ia(2024, ["IA_M1"], lookup, special_statuses={status}).score == 50
    assert _ia(2024, ["IA_H1"], lookup, special_statuses={status}).score == 100


def test_ia_2024_matches_qpp_reference() -> None:
    # QPP's scoring-example-output-ia.json: special status, IA_EPA_4 (medium) 20, IA_PM_2
    # (high) 40, IA_PSPA_4 (medium) 20: capped at 40 -> 100%, 15 of the final score.
    lookup = MemoryLookup(
        [
            ia_activity(2024, "IA_EPA_4", "medium"),
            ia_activity(2024, "IA_PM_2", "high"),
            ia_activity(2024, "IA_PSPA_4", "medium"),
        ]
    )
    result = score_submission(
        submission(2024, iaset("IA_EPA_4", "IA_PM_2", "IA_PSPA_4")),
        lookup,
        ScoringOptions(special_statuses={"rural"}),
    )
    rows = {m.measure_id: m.points for m in result.measures}
    assert rows == {"IA_EPA_4": 20, "IA_PM_2": 40, "IA_PSPA_4": 20}
    assert result.categories["ia"].score == 100
    assert result.categories["ia"].points == 15


@pytest.mark.parametrize("year", [2025, 2026])
def test_ia_counts_from_2025(year: int) -> None:
    # 2 activities for full credit: 1 of 2 = 50%, 2 = 100%, 3 = still 100%
    assert _ia(year, ["IA_A"]).score == 50
    assert _ia(year, ["IA_A", "IA_B"]).score == 100
    assert _ia(year, ["IA_A", "IA_B", "IA_C"]).score == 100
    # special statuses need 1
    assert _ia(year, ["IA_A"], special_statuses={"hpsa"}).score == 100
    assert _ia(year, ["IA_A"], small_practice=True).score == 100
    # hospital-based is not an IA special status
    assert _ia(year, ["IA_A"], special_statuses={"hospital_based"}).score == 50


def test_ia_rows_2024_hold_activity_points() -> None:
    # one high (20) and one medium (10) activity: the rows' points add up to the 30 of 40
    result = score_submission(
        submission(2024, iaset("IA_H1", "IA_M1")), MemoryLookup(ACTIVITIES_2024)
    )
    rows = {m.measure_id: m for m in result.measures}
    assert (rows["IA_H1"].points, rows["IA_M1"].points) == (20, 10)
    assert rows["IA_H1"].credit_percent is None
    assert sum(m.points or 0 for m in result.measures) * 100 / 40 == result.categories["ia"].score


@pytest.mark.parametrize("year", [2025, 2026])
def test_ia_rows_from_2025_have_no_points_only_their_share(year: int) -> None:
    # activities have no points from 2025: each of the 2 needed gives 50% of the IA score,
    # which the row says as credit_percent and in its reason, never as points
    result = score_submission(
        submission(year, iaset("IA_A", "IA_PCMH")),
        MemoryLookup([ia_activity(year, "IA_A")]),
    )
    rows = {m.measure_id: m for m in result.measures}
    for row in rows.values():
        assert row.points is None and row.max_points is None
    assert rows["IA_A"].credit_percent == 50
    assert "50% of the IA score" in rows["IA_A"].reason
    assert rows["IA_PCMH"].credit_percent == 100
    assert rows["IA_A"].summary == "50% of the IA score (1 of 2)"
    # a small practice needs 1 activity: it gives 100%
    small = score_submission(
        submission(year, iaset("IA_A")),
        MemoryLookup([ia_activity(year, "IA_A")]),
        ScoringOptions(small_practice=True),
    )
    assert small.measures[0].credit_percent == 100 and small.measures[0].points is None


@pytest.mark.parametrize("year", [2025, 2026])
@pytest.mark.parametrize(
    ("options", "shares", "extra_summary"),
    [
        # a small practice needs 1 activity: the first gives 100%, the others nothing
        ({"small_practice": True}, [100, 0, 0], "adds nothing (1 of 1 already)"),
        # 2 needed: 50% + 50%, the third adds nothing (not 150% in all)
        ({}, [50, 50, 0], "adds nothing (2 of 2 already)"),
        # a MIPS APM participant has 50% already: one activity fills the other 50%
        ({"apm_participant": True}, [50, 0, 0], "adds nothing (APM credit 50% + 1 of 2 already)"),
    ],
)
def test_activities_beyond_the_number_needed_add_nothing(
    year: int, options: dict[str, bool], shares: list[float], extra_summary: str
) -> None:
    lookup = MemoryLookup([ia_activity(year, i) for i in ("IA_A", "IA_B", "IA_C")])
    result = score_submission(
        submission(year, iaset("IA_A", "IA_B", "IA_C")), lookup, ScoringOptions(**options)
    )
    rows = [m for m in result.measures if m.category == "ia"]
    assert [r.credit_percent for r in rows] == shares
    apm = 50 if options.get("apm_participant") else 0
    assert sum(r.credit_percent or 0 for r in rows) + apm == 100
    assert result.categories["ia"].score == 100
    assert rows[-1].summary == extra_summary
    assert not rows[-1].counted
    assert rows[0].counted


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_ia_pcmh_and_apm_credit(year: int) -> None:
    assert _ia(year, ["IA_PCMH"]).score == 100
    lookup = MemoryLookup(ACTIVITIES_2024 if year == 2024 else [ia_activity(year, "IA_M1")])
    # APM participant: QPP awards 50% (20 of 40 points in 2024) and adds activities on top:
    # 2024 one medium activity 10 of 40 = 25% -> 50 + 25 = 75%;
    # 2025+ one of the 2 required activities = 50% -> 50 + 50 = 100%
    expected = 75 if year == 2024 else 100
    assert _ia(year, ["IA_M1"], lookup, apm_participant=True).score == expected
    # no activities: the APM credit alone
    assert _ia(year, [], lookup, apm_participant=True).score == 50
    # an unknown activity or one answered No earns nothing
    assert _ia(year, ["IA_NOPE"]).score == 0
    no = score_submission(
        submission(year, iaset("IA_A", value=False)), MemoryLookup([ia_activity(year, "IA_A")])
    ).categories["ia"]
    assert no.score == 0


@pytest.mark.parametrize("year", [2024, 2025, 2026])
@pytest.mark.parametrize(
    ("score", "band", "percent"),
    [
        (10.0, "negative", -9.0),  # at or below 18.75: -9%
        (18.75, "negative", -9.0),
        # -9 × (75 - 46.875) / (75 - 18.75) = -9 × 28.125 / 56.25 = -4.5
        (46.875, "negative", -4.5),
        (75.0, "neutral", 0.0),
        (90.0, "positive", None),
    ],
)
def test_payment_adjustment(year: int, score: float, band: str, percent: float | None) -> None:
    adj = payment_adjustment(score, score, load_rules(year))
    assert adj.band == band
    assert adj.percent == percent
    assert adj.payment_year == year + 2
    if band == "positive":
        # before scaling: 9 × (90 - 75) / 25 = 5.4%
        assert adj.percent_before_scaling == pytest.approx(5.4)
        assert "budget neutrality" in adj.reason


def _everything(year: int):  # type: ignore[no-untyped-def]
    lookup = MemoryLookup(
        [
            quality_measure(year, "001", measure_type="outcome"),
            ia_activity(year, "IA_H1", "high"),
            ia_activity(year, "IA_H2", "high"),
        ],
        [benchmark(year, "001")],
    )
    cehrt = "0015CABCDEFGHIJ"
    s = submission(
        year,
        qset(("001", rate(55, 100))),
        piset(year, full_pi(), cehrt=cehrt),
        iaset("IA_H1", "IA_H2"),
    )
    return lookup, s


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_final_score_with_cost(year: int) -> None:
    lookup, s = _everything(year)
    r = score_submission(s, lookup, ScoringOptions(cost_score=50))
    # quality 6.5 / 60 = 10.8333% × 30 = 3.25; PI 83 × 25 = 20.75; IA 100 × 15 = 15;
    # cost 50 × 30 = 15; total 54.0
    assert r.categories["quality"].points == pytest.approx(3.25)
    assert r.categories["pi"].points == pytest.approx(20.75)
    assert r.categories["ia"].points == 15
    assert r.categories["cost"].points == 15
    assert r.final_score == pytest.approx(54.0)
    assert r.final_score_range == (pytest.approx(54.0), pytest.approx(54.0))
    # -9 × (75 - 54) / 56.25 = -3.36%
    assert r.payment_adjustment.percent == pytest.approx(-9 * 21 / 56.25, abs=1e-4)


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_final_score_range_when_cost_unknown_and_bonus(year: int) -> None:
    lookup, s = _everything(year)
    r = score_submission(s, lookup, ScoringOptions(complex_patient_bonus=4))
    # 3.25 + 20.75 + 15 + bonus 4 = 43; cost 0..30 -> [43, 73]
    assert r.final_score is None
    assert r.final_score_range == (pytest.approx(43.0), pytest.approx(73.0))
    assert r.categories["cost"].score is None
    assert r.payment_adjustment.band == "negative"
    # complex patient bonus above 10 is limited to 10
    r = score_submission(s, lookup, ScoringOptions(complex_patient_bonus=15, cost_score=0))
    assert r.complex_patient_bonus == 10
    assert r.final_score == pytest.approx(49.0)


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_automatic_pi_reweighting(year: int) -> None:
    lookup, _ = _everything(year)
    only_quality = submission(year, qset(("001", rate(55, 100))))
    # hospital-based, no PI data: PI reweighted -> quality 55, cost 30, IA 15
    r = score_submission(
        only_quality, lookup, ScoringOptions(special_statuses={"hospital_based"}, cost_score=0)
    )
    assert r.weights_case == "pi_reweighted"
    assert r.categories["quality"].weight == 55
    assert r.categories["pi"].score is None
    # 10.8333 × 55 / 100 = 5.9583
    assert r.final_score == pytest.approx(6.5 / 60 * 55, abs=1e-3)
    # small practice: 40 / 30 / 30 / 0
    r = score_submission(only_quality, lookup, ScoringOptions(small_practice=True))
    assert r.weights_case == "small_pi_reweighted"
    assert (r.categories["quality"].weight, r.categories["ia"].weight) == (40, 30)
    # small practice, cost reweighted too: 50 / 0 / 50 / 0
    r = score_submission(
        only_quality, lookup, ScoringOptions(small_practice=True, cost_reweighted=True)
    )
    assert r.weights_case == "small_pi_cost_reweighted"
    assert r.final_score is not None
    # PI data present cancels the automatic reweighting
    _, with_pi = _everything(year)
    r = score_submission(with_pi, lookup, ScoringOptions(small_practice=True))
    assert r.weights_case == "default"
    assert "PI data is present" in r.weights_reason


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_an_approved_pi_hardship_reweights_pi_unless_pi_data_is_present(year: int) -> None:
    lookup, with_pi = _everything(year)
    only_quality = submission(year, qset(("001", rate(55, 100))))
    r = score_submission(only_quality, lookup, ScoringOptions(pi_hardship=True, cost_score=0))
    assert r.weights_case == "pi_reweighted"
    assert (r.categories["quality"].weight, r.categories["pi"].weight) == (55, 0)
    assert "approved PI hardship exception" in r.weights_reason
    plain = score_submission(only_quality, lookup, ScoringOptions(cost_score=0))
    assert plain.weights_case == "default" and plain.categories["pi"].weight == 25
    # PI data present: the hardship is set aside and PI is scored, as CMS does
    r = score_submission(with_pi, lookup, ScoringOptions(pi_hardship=True))
    assert r.weights_case == "default" and "PI data is present" in r.weights_reason


def test_pi_and_cost_reweighted_table_is_confirmed() -> None:
    # Cost reweighted for a non-small practice, PI reweighted: confirmed 85/0/15/0 table
    from desktop_app.scoring.final import choose_weights
    from desktop_app.scoring.result import EstimateLog

    log = EstimateLog()
    case, _ = choose_weights(
        load_rules(2025),
        ScoringOptions(cost_reweighted=True, special_statuses={"asc_based"}),
        pi_submitted=False,
        log=log,
    )
    assert case.weights == {"quality": 85, "cost": 0, "ia": 15, "pi": 0}
    assert log.items == []


def test_year_mismatch_is_an_error() -> None:
    from desktop_app.scoring import ScoringError

    lookup, s = _everything(2025)
    with pytest.raises(ScoringError, match="performance year 2025, not 2024"):
        score_submission(s, lookup, year=2024)


@settings(max_examples=40, deadline=None)
@given(st.floats(0, 100), st.one_of(st.none(), st.floats(0, 100)), st.floats(0, 20))
def test_final_within_bounds(met, cost, bonus) -> None:  # type: ignore[no-untyped-def]
    year = 2026
    lookup = MemoryLookup(
        [quality_measure(year, "001", measure_type="outcome")], [benchmark(year, "001")]
    )
    s = submission(year, qset(("001", rate(int(met), 100))))
    r = score_submission(s, lookup, ScoringOptions(cost_score=cost, complex_patient_bonus=bonus))
    low, high = r.final_score_range
    assert 0 <= low <= high <= 100
    if cost is not None:
        assert r.final_score == low == high
