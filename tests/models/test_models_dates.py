"""Dates typed by users and the performance-year check."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.models.dates import (
    check_in_performance_year,
    format_date,
    parse_date,
    performance_year_bounds,
)


@pytest.mark.parametrize(
    "text",
    ["2025-03-31", "03/31/2025", "3/31/2025", "03-31-2025", "2025/03/31", "2025-03-31 00:00:00"],
)
def test_parse_date_accepts_common_spellings(text: str) -> None:
    assert parse_date(text) == dt.date(2025, 3, 31)


def test_parse_date_says_how_to_write_a_date() -> None:
    with pytest.raises(ValueError, match=r"Enrollment date '31\.03\.2025' .* YYYY-MM-DD"):
        parse_date("31.03.2025", "Enrollment date")


def test_first_and_last_day_are_inside_the_year() -> None:
    first, last = performance_year_bounds(2025)
    assert check_in_performance_year(first, 2025) == dt.date(2025, 1, 1)
    assert check_in_performance_year(last, 2025) == dt.date(2025, 12, 31)


@pytest.mark.parametrize("day", [dt.date(2024, 12, 31), dt.date(2026, 1, 1)])
def test_dates_outside_the_year_are_refused_with_the_range(day: dt.date) -> None:
    with pytest.raises(ValueError) as info:
        check_in_performance_year(day, 2025, what="The activity start date")
    assert str(info.value) == (
        f"The activity start date {day.isoformat()} must fall inside performance year 2025 "
        "(January 1 – December 31, 2025)."
    )


def test_format_date_reads_naturally() -> None:
    assert format_date(dt.date(2025, 3, 1)) == "March 1, 2025"
