"""Eligibility from the figures: every boundary, every count of criteria, both segments."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from desktop_app.eligibility import (
    ClinicianFacts,
    Criterion,
    FiguresError,
    LowVolumeFigures,
    Status,
    badge,
    evaluate_group,
    evaluate_individual,
    year_rules,
)

AT = LowVolumeFigures(Decimal("90000"), 200, 200)  # exactly at the threshold: not exceeding
ABOVE = LowVolumeFigures(Decimal("90000.01"), 201, 201)


def figures(charges: bool, bene: bool, services: bool) -> LowVolumeFigures:
    """Figures exceeding exactly the chosen criteria (the others exactly at the threshold)."""
    return LowVolumeFigures(
        Decimal("90000.01") if charges else Decimal("90000.00"),
        201 if bene else 200,
        201 if services else 200,
    )


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_threshold_values_come_from_the_year_data(year: int) -> None:
    rules = year_rules(year)
    assert (rules.allowed_charges, rules.beneficiaries, rules.services) == (
        Decimal("90000.00"),
        200,
        200,
    )
    assert rules.segments[0].start == dt.date(year - 2, 10, 1)
    assert rules.segments[1].end == dt.date(year, 9, 30)
    assert rules.is_estimate is (year == 2026)


def test_exactly_at_every_threshold_exceeds_nothing() -> None:
    result = evaluate_individual(2025, "MD", segment1=AT, segment2=AT)
    assert result.status is Status.EXEMPT
    assert result.criteria_exceeded == ()
    assert all(s.exceeded == () for s in result.segments)
    assert "$90,000.00 or less" in result.reasons[2]
    assert "200 or fewer" in result.reasons[2]


def test_one_cent_and_one_above_exceed_everything() -> None:
    result = evaluate_individual(2025, "MD", segment1=ABOVE, segment2=ABOVE)
    assert result.status is Status.ELIGIBLE
    assert set(result.criteria_exceeded) == set(Criterion)
    assert badge(result.status).text == "MIPS ELIGIBLE"


@pytest.mark.parametrize(
    "combo",
    list(itertools.product([False, True], repeat=3)),
    ids=lambda c: "".join("x" if v else "-" for v in c),
)
@pytest.mark.parametrize("segment", [1, 2])
def test_each_count_of_criteria_in_a_single_segment(
    combo: tuple[bool, bool, bool], segment: int
) -> None:
    f = figures(*combo)
    kwargs = {"segment1": f} if segment == 1 else {"segment2": f}
    result = evaluate_individual(2025, "DO", **kwargs)  # type: ignore[arg-type]
    count = sum(combo)
    expected = {
        0: Status.EXEMPT,
        1: Status.OPT_IN_ELIGIBLE,
        2: Status.OPT_IN_ELIGIBLE,
        3: Status.ELIGIBLE,
    }
    assert result.status is expected[count]
    assert len(result.criteria_exceeded) == count
    assert result.segments[0].dates.number == segment
    assert any(
        f"segment {segment} decides" in r
        or f"Segment {segment}'s" in r
        or f"segment {segment}'s" in r
        for r in result.reasons
    )


@pytest.mark.parametrize("other", list(itertools.product([False, True], repeat=3)))
def test_segment_where_all_three_are_exceeded_defers_to_the_other(
    other: tuple[bool, bool, bool],
) -> None:
    """Segment 1 above the LVT: the status follows segment 2's count, in either order."""
    count = sum(other)
    expected = {
        0: Status.EXEMPT,
        1: Status.OPT_IN_ELIGIBLE,
        2: Status.OPT_IN_ELIGIBLE,
        3: Status.ELIGIBLE,
    }
    forward = evaluate_individual(2024, "NP", segment1=ABOVE, segment2=figures(*other))
    backward = evaluate_individual(2024, "NP", segment1=figures(*other), segment2=ABOVE)
    assert forward.status is expected[count]
    assert backward.status is expected[count]


def test_below_the_threshold_in_either_segment_is_exempt_from_required_reporting() -> None:
    result = evaluate_individual(2025, "PA", segment1=ABOVE, segment2=figures(True, True, False))
    assert result.status is Status.OPT_IN_ELIGIBLE
    assert result.segments[0].exceeds_lvt and not result.segments[1].exceeds_lvt
    assert any("exceeded in both segments" in r for r in result.reasons)


def test_criteria_exceeded_in_different_segments_do_not_add_up() -> None:
    """Charges only in segment 1, beneficiaries only in segment 2: none exceeded in both."""
    result = evaluate_individual(
        2025, "MD", segment1=figures(True, False, False), segment2=figures(False, True, False)
    )
    assert result.status is Status.EXEMPT
    assert result.criteria_exceeded == ()


def test_opt_in_names_the_criteria_exceeded() -> None:
    result = evaluate_individual(
        2025, "MD", segment1=figures(True, False, True), segment2=figures(True, False, True)
    )
    assert result.status is Status.OPT_IN_ELIGIBLE
    assert result.criteria_exceeded == (Criterion.ALLOWED_CHARGES, Criterion.SERVICES)
    conclusion = result.reasons[-1]
    assert (
        "opt-in eligible" in conclusion
        and "Part B allowed charges and covered professional services" in conclusion
    )
    shown = badge(result.status)
    assert (shown.text, shown.note) == ("MIPS EXEMPT", "Opt-in eligible")
    assert badge(result.status, "opt_in").text == "MIPS ELIGIBLE VIA OPT-IN"
    assert badge(result.status, "voluntary").text == "MIPS EXEMPT"


def test_newly_enrolled_in_the_year_is_exempt_whatever_the_volume() -> None:
    result = evaluate_individual(2025, "MD", dt.date(2025, 2, 3), segment1=ABOVE, segment2=ABOVE)
    assert result.status is Status.EXEMPT
    assert any(
        "Newly enrolled in Medicare" in r and "February 3, 2025" in r for r in result.reasons
    )
    enrolled_before = evaluate_individual(
        2025, "MD", dt.date(2024, 12, 31), segment1=ABOVE, segment2=ABOVE
    )
    assert enrolled_before.status is Status.ELIGIBLE


def test_newly_enrolled_opt_in_level_volume_is_still_exempt_not_opt_in() -> None:
    result = evaluate_individual(
        2025, "MD", dt.date(2025, 6, 1), segment1=figures(True, False, False)
    )
    assert result.status is Status.EXEMPT
    assert any("Opt-in isn't possible" in r for r in result.reasons)


def test_qualifying_apm_participant_is_exempt() -> None:
    result = evaluate_individual(2024, "MD", qp=True, segment1=ABOVE, segment2=ABOVE)
    assert result.status is Status.EXEMPT
    assert any("Qualifying APM Participant (QP)" in r for r in result.reasons)


@pytest.mark.parametrize("code", ["RN", "OTHER", "LPN", "md "])
def test_clinician_type_outside_mips(code: str) -> None:
    result = evaluate_individual(2025, code, segment1=ABOVE, segment2=ABOVE)
    if code.strip().upper() == "MD":
        assert result.status is Status.ELIGIBLE
    else:
        assert result.status is Status.EXEMPT
        assert any("not a MIPS eligible clinician type" in r for r in result.reasons)


@pytest.mark.parametrize(
    "code",
    [
        "MD",
        "DO",
        "DDS",
        "DPM",
        "OD",
        "DC",
        "PA",
        "NP",
        "CNS",
        "CRNA",
        "PT",
        "OT",
        "PSY",
        "SLP",
        "AUD",
        "RD",
        "LCSW",
        "CNM",
    ],
)
def test_every_eligible_type_can_be_eligible(code: str) -> None:
    assert evaluate_individual(2025, code, segment1=ABOVE).status is Status.ELIGIBLE


def test_no_figures_is_not_determined_and_says_what_to_enter() -> None:
    result = evaluate_individual(2025, "MD")
    assert result.status is Status.NOT_DETERMINED
    assert "October 1, 2023 – September 30, 2024" in result.reasons[-1]
    assert badge(result.status).text == "NOT DETERMINED"


def test_small_practice_from_clinician_count() -> None:
    assert (
        "small_practice"
        in evaluate_individual(2025, "MD", segment1=ABOVE, practice_size=15).special_statuses
    )
    assert (
        "small_practice"
        not in evaluate_individual(2025, "MD", segment1=ABOVE, practice_size=16).special_statuses
    )


def test_group_uses_combined_figures_and_needs_one_otherwise_eligible_clinician() -> None:
    team = [ClinicianFacts("MD"), ClinicianFacts("RN"), ClinicianFacts("NP", qp=True)]
    group = evaluate_group(2025, team, segment1=figures(True, True, False), segment2=ABOVE)
    assert group.status is Status.OPT_IN_ELIGIBLE
    assert "small_practice" in group.special_statuses
    assert any("1 of 3 clinician(s) are otherwise eligible" in r for r in group.reasons)
    nobody = evaluate_group(
        2025, [ClinicianFacts("RN"), ClinicianFacts("MD", dt.date(2025, 1, 5))], ABOVE, ABOVE
    )
    assert nobody.status is Status.EXEMPT
    big = evaluate_group(2025, team, ABOVE, ABOVE, clinician_count=40, special_statuses=["rural"])
    assert big.status is Status.ELIGIBLE
    assert big.special_statuses == ("rural",)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("abc,200,200", "not an amount in dollars"),
        ("-5,200,200", "can't be negative"),
        ("90000,-1,200", "can't be negative"),
        ("90000,200", "has 2 value(s), not 3"),
        ("90000,200,200,5", "has 4 value(s), not 3"),
        ("90000,20.5,200", "whole number"),
        ("90000.001,200,200", "more than two decimals"),
        ("90000,,200", "is empty"),
    ],
)
def test_bad_figures_say_how_to_write_them(text: str, fragment: str) -> None:
    with pytest.raises(FiguresError) as err:
        LowVolumeFigures.parse(text)
    assert fragment in str(err.value)
    assert "CHARGES,BENEFICIARIES,SERVICES" in str(err.value)


def test_figures_accept_dollar_sign_and_cents() -> None:
    assert LowVolumeFigures.parse("$90000.5, 201 ,0") == LowVolumeFigures(
        Decimal("90000.50"), 201, 0
    )


def test_threshold_is_read_from_the_rules_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new value in the year's rules file changes the determination; nothing is in code."""
    from desktop_app import rules as program_rules
    from desktop_app.eligibility import thresholds

    real = program_rules.load_rules(2025)
    lvt = real.eligibility
    changed = real.model_copy(
        update={
            "eligibility": lvt.model_copy(
                update={
                    "lvt_beneficiaries": lvt.lvt_beneficiaries.model_copy(update={"value": 100})
                }
            )
        }
    )
    monkeypatch.setattr(program_rules, "load_rules", lambda year: changed if year == 2025 else real)
    thresholds._all_rules.cache_clear()
    try:
        assert year_rules(2025).beneficiaries == 100
        result = evaluate_individual(
            2025, "MD", segment1=LowVolumeFigures(Decimal("90000.01"), 150, 201)
        )
        assert result.status is Status.ELIGIBLE
    finally:
        thresholds._all_rules.cache_clear()  # later tests read the real file again
