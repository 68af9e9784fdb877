"""The year's eligibility values: low-volume threshold, determination segments, small practice.

The low-volume threshold comes from the program rules of the year
(``desktop_app/rules/data/YEAR.json``, ``eligibility.lvt_*``); the segment dates and
the small-practice size from ``data/segments.json``. Each value has its source and
a confidence mark; nothing is written in code. A year missing in either raises
:class:`UnknownYearError` with the years MIPS Desk knows.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from desktop_app import rules as program_rules


class UnknownYearError(ValueError):
    """MIPS Desk has no eligibility values for this performance year."""


@dataclass(frozen=True)
class SegmentDates:
    number: int
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        """``Segment 1 (October 1, 2024 – September 30, 2025)`` as QPP writes it."""
        return f"Segment {self.number} ({_long_date(self.start)} – {_long_date(self.end)})"


@dataclass(frozen=True)
class YearRules:
    """Eligibility values of one performance year."""

    year: int
    allowed_charges: Decimal
    """Part B allowed charges for covered professional services: exceeded if strictly above."""
    beneficiaries: int
    """Part B beneficiaries who received covered professional services."""
    services: int
    """Covered professional services provided to Part B beneficiaries."""
    small_practice_max_clinicians: int
    segments: tuple[SegmentDates, SegmentDates]
    confidence: str
    """``c`` confirmed in CMS text, ``u`` unconfirmed (an estimate)."""
    source: str

    @property
    def is_estimate(self) -> bool:
        return self.confidence != "c"

    def segment(self, number: int) -> SegmentDates:
        if number not in (1, 2):
            raise ValueError(f"There are two determination segments (1 and 2), not {number}.")
        return self.segments[number - 1]


def _long_date(d: dt.date) -> str:
    return f"{d.strftime('%B')} {d.day}, {d.year}"


def _load_raw() -> dict[str, Any]:
    data_dir = resources.files("desktop_app.eligibility.data")
    text = data_dir.joinpath("segments.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def _all_rules() -> dict[int, YearRules]:
    raw = _load_raw()["years"]
    rules: dict[int, YearRules] = {}
    for key, entry in raw.items():
        year = int(key)
        if year not in program_rules.available_years():
            continue
        lvt = program_rules.load_rules(year).eligibility
        facts = (lvt.lvt_allowed_charges, lvt.lvt_beneficiaries, lvt.lvt_services)
        confirmed = all(f.confirmed for f in facts) and entry["confidence"] == "c"
        sources = "; ".join(dict.fromkeys(f.source for f in facts))
        segs = tuple(
            SegmentDates(
                n,
                dt.date.fromisoformat(entry[f"segment{n}"]["start"]),
                dt.date.fromisoformat(entry[f"segment{n}"]["end"]),
            )
            for n in (1, 2)
        )
        rules[year] = YearRules(
            year=year,
            allowed_charges=Decimal(str(lvt.lvt_allowed_charges.value)).quantize(Decimal("0.01")),
            beneficiaries=int(lvt.lvt_beneficiaries.value),
            services=int(lvt.lvt_services.value),
            small_practice_max_clinicians=int(entry["small_practice_max_clinicians"]),
            segments=(segs[0], segs[1]),
            confidence="c" if confirmed else "u",
            source=f"Low-volume threshold: {sources}. Segments: {entry['source']}",
        )
    return rules


def known_years() -> list[int]:
    """Performance years with eligibility values, oldest first."""
    return sorted(_all_rules())


def year_rules(year: int) -> YearRules:
    """The eligibility values of ``year`` (UnknownYearError if MIPS Desk has none)."""
    rules = _all_rules().get(year)
    if rules is None:
        years = ", ".join(str(y) for y in known_years())
        raise UnknownYearError(
            f"MIPS Desk has no low-volume threshold for performance year {year}; it knows {years}."
        )
    return rules
