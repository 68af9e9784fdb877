"""The MIPS performance years this version of MIPS Desk knows.

The list lives in ``performance_years.json`` beside this module (one place, with
its source), so supporting a new year is a data change, not a code change.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources


@cache
def known_performance_years() -> tuple[int, ...]:
    """The performance years the product supports, oldest first."""
    text = resources.files(__package__).joinpath("performance_years.json").read_text("utf-8")
    years = json.loads(text)["performance_years"]
    return tuple(sorted(int(y) for y in years))


def check_known_year(year: int) -> int:
    """Return ``year`` if MIPS Desk supports it, else raise ValueError saying which it does."""
    years = known_performance_years()
    if year not in years:
        listed = ", ".join(str(y) for y in years)
        raise ValueError(
            f"Performance year {year} is not one MIPS Desk supports; choose one of {listed}."
        )
    return year


def latest_performance_year() -> int:
    return known_performance_years()[-1]
