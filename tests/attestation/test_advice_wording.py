"""Advice names only what the user can do: an exclusion the measure has (PI_PEA_1 has
none), and for an activity started too late to meet its minimum in the year, the latest
start date (not an end date after 12/31)."""

from __future__ import annotations

import datetime as dt

import pytest

import desktop_app.attestation as att
from desktop_app.attestation.ia import activity_dates_problem

D = dt.date


def _numerator_zero_advice(measure_id: str, denominator: int) -> str:
    entry = att.PiEntry(values={measure_id: {"numerator": 0, "denominator": denominator}})
    return next(
        i.message
        for i in att.pi_issues(entry, 2025)
        if i.measure_id == measure_id and "numerator 0" in i.message
    )


@pytest.mark.parametrize("denominator", [0, 12])
def test_measure_without_an_exclusion_is_not_told_to_claim_one(denominator: int) -> None:
    advice = _numerator_zero_advice("PI_PEA_1", denominator)
    assert "exclusion" in advice and "claim" not in advice
    assert "PI_PEA_1 has no exclusion" in advice


def test_measure_with_an_exclusion_names_it() -> None:
    advice = _numerator_zero_advice("PI_EP_1", 0)
    assert "claim its exclusion, PI_LVPP_1, if it applies" in advice
    advice = _numerator_zero_advice("PI_HIE_1", 5)
    assert "PI_LVOTC_1" in advice


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2025, 8, 31), D(2025, 12, 31)),
        (D(2025, 7, 2), D(2025, 12, 31)),
        (D(2025, 11, 1), D(2025, 11, 30)),
    ],
)
def test_six_month_activity_started_late_advises_the_latest_start(
    start: dt.date, end: dt.date
) -> None:
    problem = activity_dates_problem("IA_ERP_1", start, end, 2025)
    assert problem is not None
    assert "it must start on 07/01/2025 or earlier (and end by 12/31/2025)" in problem
    assert "2026" not in problem  # no end date outside the performance year


def test_latest_start_advised_is_itself_accepted() -> None:
    assert activity_dates_problem("IA_ERP_1", D(2025, 7, 1), D(2025, 12, 31), 2025) is None
    # an activity that still fits in the year keeps the end-date advice
    problem = activity_dates_problem("IA_ERP_1", D(2025, 2, 1), D(2025, 7, 30), 2025)
    assert problem is not None and "end on 07/31/2025 or later" in problem


def test_ninety_day_activity_started_late_advises_the_latest_start() -> None:
    problem = activity_dates_problem("IA_PM_2", D(2025, 11, 1), D(2025, 12, 31), 2025)
    assert problem is not None
    assert "it must start on 10/03/2025 or earlier" in problem
    assert activity_dates_problem("IA_PM_2", D(2025, 10, 3), D(2025, 12, 31), 2025) is None
