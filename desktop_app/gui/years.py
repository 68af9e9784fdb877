"""Which performance years to offer, and which one to select at start."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from desktop_app.models.years import known_performance_years

# The submission window for a performance year opens January 2 and closes March 31
# of the following year (docs/mips-rules.md, "Dates").
SUBMISSION_OPENS = (1, 2)
SUBMISSION_CLOSES = (3, 31)


def submission_window_open(year: int, today: dt.date) -> bool:
    """True if ``today`` is inside the submission window of performance ``year``."""
    opens = dt.date(year + 1, *SUBMISSION_OPENS)
    closes = dt.date(year + 1, *SUBMISSION_CLOSES)
    return opens <= today <= closes


def offered_years(catalog_years: Iterable[int] | None) -> list[int]:
    """The catalog's years, or the program years MIPS Desk knows when there's no catalog."""
    years = sorted({int(y) for y in catalog_years or ()})
    return years or list(known_performance_years())


def default_year(years: Iterable[int], today: dt.date | None = None) -> int:
    """The latest year whose submission window is open, else the current reporting year.

    When the current calendar year isn't offered, the latest offered year before it
    (or the earliest one, if all are in the future).
    """
    today = today or dt.date.today()
    offered = sorted(set(years))
    if not offered:
        raise ValueError("no performance years to choose from")
    open_years = [y for y in offered if submission_window_open(y, today)]
    if open_years:
        return open_years[-1]
    if today.year in offered:
        return today.year
    past = [y for y in offered if y <= today.year]
    return past[-1] if past else offered[0]
