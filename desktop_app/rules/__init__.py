"""MIPS program rules per performance year, loaded from ``rules/data/YEAR.json``.

A new performance year is a new data file; no code changes. Each value carries its
source and whether it is confirmed (see :class:`~desktop_app.rules.model.Fact`).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from pydantic import ValidationError

from desktop_app.rules.model import (
    CATEGORIES,
    SPECIAL_STATUSES,
    Category,
    Fact,
    IaRules,
    PiMeasureRule,
    PiObjective,
    PiRules,
    ProgramRules,
    QualityRules,
    WeightCase,
)

__all__ = [
    "CATEGORIES",
    "SPECIAL_STATUSES",
    "Category",
    "Fact",
    "IaRules",
    "PiMeasureRule",
    "PiObjective",
    "PiRules",
    "ProgramRules",
    "QualityRules",
    "RulesError",
    "WeightCase",
    "available_years",
    "load_rules",
    "parse_rules",
]


class RulesError(Exception):
    """No rules for a year, or a rules file that is not valid."""


def _data_dir() -> resources.abc.Traversable:
    return resources.files("desktop_app.rules").joinpath("data")


def available_years() -> list[int]:
    """The performance years that have a rules file, ascending."""
    years = []
    for entry in _data_dir().iterdir():
        name = entry.name
        if name.endswith(".json") and name[:-5].isdigit():
            years.append(int(name[:-5]))
    return sorted(years)


def parse_rules(text: str, *, origin: str = "rules file") -> ProgramRules:
    """Validate the JSON text of a rules file; RulesError names the problem and where."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RulesError(f"{origin} is not valid JSON: {exc}") from exc
    try:
        return ProgramRules.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top level)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise RulesError(f"{origin} is not a valid rules file: {problems}") from exc


@cache
def load_rules(year: int) -> ProgramRules:
    """The program rules for ``year``; RulesError if the year has no (valid) rules file."""
    entry = _data_dir().joinpath(f"{year}.json")
    if not entry.is_file():
        known = ", ".join(str(y) for y in available_years())
        raise RulesError(
            f"MIPS Desk has no program rules for performance year {year} (it knows {known})."
        )
    rules = parse_rules(entry.read_text(encoding="utf-8"), origin=f"rules file {year}.json")
    if rules.performance_year != year:
        raise RulesError(
            f"rules file {year}.json says performance_year {rules.performance_year}, not {year}"
        )
    return rules
