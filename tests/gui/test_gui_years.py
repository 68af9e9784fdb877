"""Which performance year is selected at start."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.gui.years import default_year, offered_years, submission_window_open
from desktop_app.models.years import known_performance_years


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 2, 15), 2025),  # 2025 submission window open (Jan 2 - Mar 31, 2026)
        (dt.date(2026, 3, 31), 2025),
        (dt.date(2026, 4, 1), 2026),  # window closed: the current reporting year
        (dt.date(2026, 1, 1), 2026),  # window opens Jan 2
        (dt.date(2026, 11, 23), 2026),
        (dt.date(2030, 6, 1), 2026),  # beyond the known years: the latest one
        (dt.date(2020, 6, 1), 2024),  # before them: the earliest
    ],
)
def test_default_year(today: dt.date, expected: int) -> None:
    assert default_year([2024, 2025, 2026], today) == expected


def test_submission_window() -> None:
    assert submission_window_open(2024, dt.date(2025, 1, 2))
    assert not submission_window_open(2024, dt.date(2025, 4, 1))


def test_offered_years_fall_back_to_program_years() -> None:
    assert offered_years(None) == list(known_performance_years())
    assert offered_years([2025, 2024]) == [2024, 2025]
