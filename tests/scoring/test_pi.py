"""Promoting Interoperability rules, hand-computed for each performance year."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scoring_builders import full_pi, piset, submission

from desktop_app.scoring import MemoryLookup, ScoringOptions, score_submission

YEARS = [2024, 2025, 2026]
CEHRT = {2024: "0015CABCDEFGHIJ", 2025: "2025CABCDEFGHIJ", 2026: "2025CABCDEFGHIJ"}


def _pi(year, values, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("cehrt", "0015CABCDEFGHIJ")
    result = score_submission(
        submission(year, piset(year, values, **kw)), MemoryLookup(), ScoringOptions()
    )
    return result, result.categories["pi"], {m.measure_id: m for m in result.measures}


@pytest.mark.parametrize("year", YEARS)
def test_full_pi_points(year: int) -> None:
    _, pi, rows = _pi(year, full_pi())
    # EP 50/100 × 10 = 5; PDMP 10; HIE_1 80/100 × 15 = 12; HIE_4 60/100 × 15 = 9;
    # PEA 88/100 × 25 = 22; public health 25
    # total 5 + 10 + 12 + 9 + 22 + 25 = 83
    assert rows["PI_EP_1"].points == 5
    assert rows["PI_HIE_1"].points == 12
    assert rows["PI_HIE_4"].points == 9
    assert rows["PI_PEA_1"].points == 22
    assert pi.score == 83
    assert pi.weight == 25
    assert pi.points == pytest.approx(83 * 25 / 100)


@pytest.mark.parametrize("year", YEARS)
def test_bonus_and_cap(year: int) -> None:
    values = full_pi(ep=(1, 1), hie1=(1, 1), hie4=(1, 1), pea=(1, 1))
    values |= {"PI_PHCDRR_2": True, "PI_PHCDRR_2_PRE": True}
    # 10 + 10 + 15 + 15 + 25 + 25 = 100 + bonus 5 = 105 -> capped at 100
    _, pi, rows = _pi(year, values)
    assert rows["bonus"].points == 5
    assert pi.score == 100
    assert "capped at 100" in pi.reason


@pytest.mark.parametrize("year", YEARS)
def test_objective_rows_are_marked_as_such(year: int) -> None:
    # The public health objective (25 points) and the bonus (5) are scored as a whole;
    # their rows carry the objective's key from the rules file, marked kind "objective",
    # and every other row is a CMS measure id.
    from desktop_app.rules import load_rules

    values = full_pi() | {"PI_PHCDRR_2": True, "PI_PHCDRR_2_PRE": True}
    result, _, rows = _pi(year, values)
    keys = {o.key for o in load_rules(year).pi.objectives.value}
    objectives = {m.measure_id: m for m in result.measures if m.kind == "objective"}
    assert set(objectives) == {"public_health", "bonus"} <= keys
    assert objectives["public_health"].points == 25
    assert objectives["public_health"].title == "Public Health and Clinical Data Exchange"
    assert objectives["bonus"].points == 5
    assert all(m.measure_id.startswith("PI_") for m in result.measures if m.kind == "measure")
    # the measures inside them have no points of their own
    assert rows["PI_PHCDRR_1"].points is None
    assert "counts toward Public Health and Clinical Data Exchange" in rows["PI_PHCDRR_1"].reason


@pytest.mark.parametrize("year", YEARS)
def test_bonus_needs_active_engagement(year: int) -> None:
    values = full_pi() | {"PI_PHCDRR_4": True}
    _, pi, rows = _pi(year, values)
    assert "bonus" not in rows
    assert pi.score == 83


@pytest.mark.parametrize("year", YEARS)
def test_hie_alternatives(year: int) -> None:
    values = full_pi()
    del values["PI_HIE_1"], values["PI_HIE_4"]
    values["PI_HIE_5"] = True
    # HIE bi-directional exchange Yes = 30 instead of 12 + 9: 5 + 10 + 30 + 22 + 25 = 92
    _, pi, _ = _pi(year, values)
    assert pi.score == 92
    values["PI_HIE_5"] = False
    values["PI_HIE_6"] = True  # TEFCA: also 30
    _, pi, _ = _pi(year, values)
    assert pi.score == 92


@pytest.mark.parametrize("year", YEARS)
def test_public_health_needs_active_engagement(year: int) -> None:
    values = full_pi()
    del values["PI_PHCDRR_1_PRE"]
    _, pi, _ = _pi(year, values)
    assert pi.score == 0
    assert any("active engagement" in r for r in pi.reasons)


@pytest.mark.parametrize("year", YEARS)
def test_every_zero_reason_listed(year: int) -> None:
    values = full_pi()
    values["PI_PPHI_1"] = False  # SRA answered No
    del values["PI_INFBLO_1"]  # attestation missing
    values["PI_EP_1"] = {"numerator": 0, "denominator": 10}  # numerator 0
    del values["PI_PEA_1"]  # required measure missing
    _, pi, _ = _pi(year, values, cehrt="ABCDEFGHIJKLMNO", start=f"{year}-09-01")
    assert pi.score == 0
    text = " ".join(pi.reasons)
    assert len(pi.reasons) == 6
    assert "PI_PPHI_1" in text and "answered No" in text
    assert "PI_INFBLO_1" in text and "not reported" in text
    assert "numerator 0" in text
    assert "PI_PEA_1" in text
    assert "CEHRT ID ABCDEFGHIJKLMNO" in text
    assert "122 days" in text  # Sep 1 – Dec 31 = 30 + 31 + 30 + 31 = 122 days


@pytest.mark.parametrize(
    ("year", "cehrt", "ok"),
    [
        (2024, "0015CABCDEFGHIJ", True),
        (2024, "2025CABCDEFGHIJ", False),  # the 2025 format is not accepted for 2024
        (2025, "2025CABCDEFGHIJ", True),
        (2025, "0015CABCDEFGHIJ", True),
        (2026, "2025CABCDEFGHIJ", True),
        (2025, "0015HABCDEFGHIJ", False),  # contains 15H
        (2025, "0015CABCDEFGHI", False),  # 14 characters
        (2025, None, False),
    ],
)
def test_cehrt_id_format_of_the_year(year: int, cehrt: str | None, ok: bool) -> None:
    _, pi, _ = _pi(year, full_pi(), cehrt=cehrt)
    assert (pi.score == 83) is ok
    if not ok:
        assert any("CEHRT ID" in r for r in pi.reasons)


@pytest.mark.parametrize("year", YEARS)
def test_period_of_180_days(year: int) -> None:
    # July 5 – Dec 31: 27 + 31 + 30 + 31 + 30 + 31 = 180 days -> enough
    _, pi, _ = _pi(year, full_pi(), start=f"{year}-07-05")
    assert pi.score == 83
    # July 6: 179 days -> 0
    _, pi, _ = _pi(year, full_pi(), start=f"{year}-07-06")
    assert pi.score == 0 and "179 days" in pi.reasons[0]
    # not inside the year
    _, pi, _ = _pi(year, full_pi(), start=f"{year - 1}-07-01", end=f"{year - 1}-12-31")
    assert pi.score == 0 and "not inside performance year" in pi.reasons[0]


@pytest.mark.parametrize("year", YEARS)
def test_exclusion_redistribution_is_an_estimate(year: int) -> None:
    values = full_pi(hie1=(50, 100), hie4=(50, 100))
    del values["PI_EP_1"]
    values["PI_LVPP_1"] = True
    # e-Prescribing excluded: its 10 points go to HIE split by points 15:15 -> HIE_1 and HIE_4
    # worth 20 each: 0.5 × 20 = 10 each. Total 10 (PDMP) + 10 + 10 + 22 (PEA) + 25 = 77
    result, pi, rows = _pi(year, values)
    assert rows["PI_HIE_1"].max_points == 20
    assert pi.score == 77
    assert pi.estimate
    assert any(e.key == "pi.exclusion_redistribution" for e in result.estimates)
    assert result.is_estimate


@pytest.mark.parametrize("year", YEARS)
def test_pdmp_and_public_health_exclusions(year: int) -> None:
    values = full_pi()
    del values["PI_EP_2"], values["PI_PHCDRR_1"], values["PI_PHCDRR_3"]
    values |= {"PI_EP_2_EX_1": True, "PI_PHCDRR_1_EX_1": True, "PI_PHCDRR_3_EX_2": True}
    # PDMP excluded: 10 points to e-Prescribing (20 max): 0.5 × 20 = 10;
    # public health all excluded: 25 points to PEA (50 max): 0.88 × 50 = 44;
    # total 10 + 12 + 9 + 44 = 75
    _, pi, rows = _pi(year, values)
    assert rows["PI_EP_1"].points == 10
    assert rows["PI_PEA_1"].points == 44
    assert pi.score == 75


@pytest.mark.parametrize("year", YEARS)
def test_measure_points_rounded_half_up(year: int) -> None:
    # PEA 90/100 × 25 = 22.5 -> 23 (half up, as QPP rounds); total 5+10+12+9+23+25 = 84
    result, pi, rows = _pi(year, full_pi(pea=(90, 100)))
    assert rows["PI_PEA_1"].points == 23
    assert pi.score == 84
    assert any(e.key == "pi.round_measure_points" for e in result.estimates)


def test_two_pi_sets_conflict() -> None:
    year = 2025
    s = submission(
        year,
        piset(year, full_pi(), cehrt=CEHRT[year]),
        piset(year, full_pi(ep=(40, 100)), cehrt=CEHRT[year])
        | {"submissionMethod": "electronicHealthRecord"},
    )
    pi = score_submission(s, MemoryLookup()).categories["pi"]
    assert pi.score == 0
    assert "conflicting" in pi.reasons[0]


def _two_sets(year: int, first: dict, second: dict, method: str = "electronicHealthRecord"):  # type: ignore[no-untyped-def]
    s = submission(
        year,
        piset(year, first, cehrt=CEHRT[year]),
        piset(year, second, cehrt=CEHRT[year]) | {"submissionMethod": method},
    )
    result = score_submission(s, MemoryLookup())
    return result.categories["pi"], {m.measure_id: m for m in result.measures}


@pytest.mark.parametrize("method", ["registry", "electronicHealthRecord"])
def test_identical_pi_sets_are_merged(method: str) -> None:
    # the same data twice (by the same or another method) is no conflict: 83 as one set
    pi, _ = _two_sets(2025, full_pi(), full_pi(), method)
    assert pi.score == 83
    assert pi.reasons == []
    assert "merged" in pi.reason
    assert "two submission methods" not in pi.reason


def test_complementary_pi_sets_are_merged() -> None:
    # attestations in one set, the measures in the other: together the full 83
    values = full_pi()
    attestations = {k: values.pop(k) for k in ("PI_PPHI_1", "PI_PPHI_2", "PI_ONCDIR_1")}
    pi, rows = _two_sets(2025, attestations, values)
    assert pi.score == 83
    assert rows["PI_PPHI_1"].collection_type == "registry"
    assert rows["PI_EP_1"].collection_type == "electronicHealthRecord"
    # EP 50/100 × 10 = 5, from the second set
    assert rows["PI_EP_1"].points == 5


def test_each_conflicting_measure_is_listed() -> None:
    year = 2025
    second = full_pi(ep=(40, 100), pea=(88, 100)) | {"PI_PPHI_2": False}
    pi, _ = _two_sets(year, full_pi(), second, "registry")
    assert pi.score == 0
    conflicts = [r for r in pi.reasons if "conflicting values" in r]
    # PI_EP_1 (50/100 vs 40/100) and PI_PPHI_2 (Yes vs No); PI_PEA_1 agrees
    assert len(conflicts) == 2
    assert any("PI_EP_1" in r and "50/100" in r and "40/100" in r for r in conflicts)
    assert any("PI_PPHI_2" in r and "Yes" in r and "No" in r for r in conflicts)
    assert not any("PI_PEA_1" in r for r in pi.reasons)
    assert not any("two submission methods" in r for r in pi.reasons)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 500), st.integers(0, 500)), min_size=4, max_size=4),
    st.booleans(),
)
def test_pi_score_within_bounds(pairs, bonus) -> None:  # type: ignore[no-untyped-def]
    props = [(min(n, d + n), d + n) for n, d in pairs]
    values = full_pi(*props)
    if bonus:
        values |= {"PI_PHCDRR_5": True, "PI_PHCDRR_5_PROD": True}
    _, pi, _ = _pi(2025, values)
    assert pi.score is not None and 0 <= pi.score <= 100
