"""Dates as practice staff type them, and performance-year checks."""

from __future__ import annotations

import datetime as dt

# Formats accepted when a date is typed or read from a spreadsheet, tried in order.
_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y", "%Y/%m/%d", "%m/%d/%y")


def parse_date(text: str, what: str = "Date") -> dt.date:
    """Parse ``2025-03-31``, ``03/31/2025`` or ``3/31/2025``; raise ValueError saying how."""
    value = text.strip()
    if "T" in value or " " in value:  # a spreadsheet date-time such as 2025-03-31 00:00:00
        value = value.replace("T", " ").split(" ", 1)[0]
    for fmt in _FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(
        f"{what} '{text.strip()}' is not a date MIPS Desk can read; "
        "write it as YYYY-MM-DD (for example 2025-03-31) or MM/DD/YYYY (03/31/2025)."
    )


def performance_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """January 1 and December 31 of ``year``: a MIPS performance period spans the calendar year."""
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def format_date(d: dt.date) -> str:
    """A date the way US practice staff read it: ``March 31, 2025``."""
    return f"{d:%B} {d.day}, {d.year}"


def check_in_performance_year(d: dt.date, year: int, what: str = "The date") -> dt.date:
    """Return ``d`` if it falls in performance year ``year``, else raise ValueError."""
    first, last = performance_year_bounds(year)
    if not first <= d <= last:
        raise ValueError(
            f"{what} {d.isoformat()} must fall inside performance year {year} "
            f"(January 1 – December 31, {year})."
        )
    return d
