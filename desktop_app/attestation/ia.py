"""Improvement Activities manual entry: the year's activities, search and filters,
each completed activity's own dates, the category period derived from them, and
what this entity needs for full credit.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from desktop_app.attestation.entity import check_entry_allowed, entity_facts, status_label
from desktop_app.attestation.errors import AttestationError
from desktop_app.attestation.pi import SetKey, _fields_of, _target, entry_set, set_fields
from desktop_app.attestation.tables import IA_DATES_TABLE, ensure_tables
from desktop_app.reporting import (
    EntityKey,
    ReportingError,
    delete_value,
    save_set_fields,
    save_value,
    stored_values,
)
from desktop_app.rules import ProgramRules, load_rules

if TYPE_CHECKING:
    from desktop_app.catalog import Catalog, MeasureInfo
    from desktop_app.store import Workspace


@cache
def _periods() -> dict[str, Any]:
    text = resources.files("desktop_app.attestation.data").joinpath("ia_periods.json")
    data: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    return data


def default_min_days() -> int:
    return int(_periods()["default_min_days"]["value"])


def activity_min_days(measure_id: str) -> tuple[int | None, str]:
    """The continuous days an activity needs, and a note when the activity sets its own."""
    override = _periods()["overrides"].get(measure_id)
    if override is None:
        return default_min_days(), ""
    days = override["min_days"]
    return (int(days) if days is not None else None), str(override["note"])


def subcategory_label(subcategory: str | None) -> str:
    if not subcategory:
        return "Medical home"
    out = "".join(" " + c.lower() if c.isupper() else c for c in subcategory).strip()
    return out[:1].upper() + out[1:]


@dataclass(frozen=True)
class ActivityView:
    measure_id: str
    title: str
    description: str
    subcategory: str
    subcategory_label: str
    weight: str | None
    """'high' / 'medium' in years with weights (2024), else None."""
    min_days: int | None
    period_note: str


def _view(m: MeasureInfo) -> ActivityView:
    sub = str(m.data.get("subcategoryId") or "")
    weight = m.data.get("weight")
    days, note = activity_min_days(m.measure_id)
    return ActivityView(
        m.measure_id,
        m.title.strip(),
        m.description.strip(),
        sub,
        subcategory_label(sub),
        str(weight) if weight else None,
        days,
        note,
    )


def ia_activities(
    catalog: Catalog, year: int, rules: ProgramRules | None = None
) -> list[ActivityView]:
    """The year's activities, the medical home attestation first, then by title."""
    rules = rules or load_rules(year)
    pcmh = rules.ia.pcmh_measure_id.value
    views = [_view(m) for m in catalog.measures(year, "ia")]
    return sorted(views, key=lambda a: (a.measure_id != pcmh, a.title.lower()))


def filter_activities(
    activities: list[ActivityView],
    catalog: Catalog | None = None,
    year: int | None = None,
    *,
    text: str = "",
    subcategory: str | None = None,
    weight: str | None = None,
    completed_only: set[str] | None = None,
) -> list[ActivityView]:
    """Activities matching a full-text search (catalog index), subcategory and weight."""
    shown = activities
    if subcategory:
        shown = [a for a in shown if a.subcategory == subcategory]
    if weight:
        shown = [a for a in shown if a.weight == weight]
    if completed_only is not None:
        shown = [a for a in shown if a.measure_id in completed_only]
    if text.strip():
        if catalog is None or year is None:
            needle = text.strip().lower()
            shown = [
                a for a in shown if needle in f"{a.measure_id} {a.title} {a.description}".lower()
            ]
        else:
            hits = catalog.search(year, text, "ia", limit=1000)
            rank = {h.measure_id: i for i, h in enumerate(hits)}
            shown = sorted(
                (a for a in shown if a.measure_id in rank), key=lambda a: rank[a.measure_id]
            )
    return shown


# -------------------------------------------------------------------- entry
@dataclass(frozen=True)
class IaDone:
    measure_id: str
    start: dt.date | None
    end: dt.date | None


def _dated(ws: Workspace, entity: EntityKey) -> dict[str, tuple[dt.date | None, dt.date | None]]:
    rows = ws.db.execute(
        f'SELECT measure_id, start, "end" FROM {IA_DATES_TABLE} '  # noqa: S608
        "WHERE year = ? AND tin = ? AND npi = ?",
        [entity.year, entity.tin, entity.npi or ""],
    ).fetchall()
    return {
        r[0]: (
            dt.date.fromisoformat(r[1]) if r[1] else None,
            dt.date.fromisoformat(r[2]) if r[2] else None,
        )
        for r in rows
    }


def ia_entry(ws: Workspace, entity: EntityKey) -> dict[str, IaDone]:
    """Completed activities (stored Yes, from any IA set) with their own dates.

    An activity never entered here (imported from a file, which carries only the
    set's period) is taken as performed over its set's stored period, so the category
    period derived from the activities still covers it.
    """
    ensure_tables(ws)
    done: dict[str, SetKey] = {}
    for v in stored_values(ws, entity, "ia"):
        if v.value is True:
            done.setdefault(v.measure_id, (v.submission_method, v.program_name))
    dates = _dated(ws, entity)
    periods: dict[SetKey, tuple[dt.date | None, dt.date | None]] = {}
    out: dict[str, IaDone] = {}
    for mid, key in done.items():
        if mid in dates:  # entered here: its own dates (none for an activity that needs none)
            start, end = dates[mid]
        else:
            if key not in periods:
                _, p_start, p_end = _fields_of(ws, entity, "ia", key)
                periods[key] = (p_start, p_end)
            start, end = periods[key]
        out[mid] = IaDone(mid, start, end)
    return out


def activity_dates_problem(
    measure_id: str, start: dt.date | None, end: dt.date | None, year: int
) -> str | None:
    """Why an activity's dates are not acceptable, or None."""
    days_needed, note = activity_min_days(measure_id)
    if days_needed is None:
        return None
    if start is None or end is None:
        return "Enter the date the activity started and the date it ended."
    for label, d in (("start", start), ("end", end)):
        if d.year != year:
            return (
                f"The {label} date {d:%m/%d/%Y} is outside performance year {year}: the activity "
                f"must be performed from 01/01/{year} to 12/31/{year}."
            )
    if end < start:
        return f"The end date {end:%m/%d/%Y} is before the start date {start:%m/%d/%Y}."
    days = (end - start).days + 1
    if days < days_needed:
        why = f" ({note})" if note else ""
        return (
            f"{start:%m/%d/%Y} – {end:%m/%d/%Y} is {days} days; {measure_id} needs at least "
            f"{days_needed} continuous days{why}."
        )
    return None


def default_dates(measure_id: str, year: int) -> tuple[dt.date, dt.date]:
    """Suggested dates for a newly completed activity: its minimum period from January 1."""
    days, _ = activity_min_days(measure_id)
    start = dt.date(year, 1, 1)
    return start, start + dt.timedelta(days=max(days or 1, 1) - 1)


def ia_period(done: dict[str, IaDone]) -> tuple[dt.date | None, dt.date | None]:
    """The category's period: first day any activity was performed to the last."""
    starts = [d.start for d in done.values() if d.start]
    ends = [d.end for d in done.values() if d.end]
    return (min(starts) if starts else None, max(ends) if ends else None)


def _store(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except ReportingError as exc:
        raise AttestationError(str(exc)) from exc


def update_ia_period(ws: Workspace, entity: EntityKey) -> None:
    """Set the IA set's period to the first start and the last end of its activities."""
    start, end = ia_period(ia_entry(ws, entity))
    current = set_fields(ws, entity, "ia")
    if current[1:] != (start, end):
        _store(
            save_set_fields,
            ws,
            entity,
            "ia",
            **_target(entry_set(ws, entity, "ia")),
            performance_start=start,
            performance_end=end,
        )


def _keep_implied_dates(ws: Workspace, entity: EntityKey, done: dict[str, IaDone]) -> None:
    """Store, on each activity without dates of its own, the set period it is taken as
    performed over (see :func:`ia_entry`), before an edit changes that period."""
    dated = _dated(ws, entity)
    for mid, d in done.items():
        if mid in dated or (d.start is None and d.end is None):
            continue
        _write_dates(ws, entity, mid, d.start, d.end)
        ws.audit(
            IA_DATES_TABLE,
            f"{entity.year}/{entity.tin}/{entity.npi or '-'}/{mid}",
            "update",
            None,
            {
                "start": d.start.isoformat() if d.start else None,
                "end": d.end.isoformat() if d.end else None,
            },
        )


def _write_dates(
    ws: Workspace, entity: EntityKey, measure_id: str, start: dt.date | None, end: dt.date | None
) -> None:
    ws.db.execute(
        f'INSERT INTO {IA_DATES_TABLE} (year, tin, npi, measure_id, start, "end") '  # noqa: S608
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (year, tin, npi, measure_id) DO UPDATE "
        'SET start = excluded.start, "end" = excluded."end"',
        [
            entity.year,
            entity.tin,
            entity.npi or "",
            measure_id,
            start.isoformat() if start else None,
            end.isoformat() if end else None,
        ],
    )


def set_ia_activity(
    ws: Workspace,
    entity: EntityKey,
    measure_id: str,
    completed: bool,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    catalog: Catalog | None = None,
) -> None:
    """Mark an activity completed with its own dates (checked), or not completed.

    The IA set's performance period is updated to the first start and last end.
    """
    ensure_tables(ws)
    check_entry_allowed(ws, entity, "ia")
    if catalog is not None:
        info = catalog.measure(entity.year, measure_id)
        if info is None or info.category != "ia":
            raise AttestationError(f"{measure_id} is not a {entity.year} improvement activity.")
    key = [entity.year, entity.tin, entity.npi or "", measure_id]
    if completed:
        problem = activity_dates_problem(measure_id, start, end, entity.year)
        if problem:
            raise AttestationError(problem)
    target = _target(entry_set(ws, entity, "ia"))
    with ws.write(IA_DATES_TABLE) as db:
        entry = ia_entry(ws, entity)
        before = entry.get(measure_id)
        _keep_implied_dates(ws, entity, entry)
        if completed:
            _store(save_value, ws, entity, "ia", measure_id, True, **target)
            _write_dates(ws, entity, measure_id, start, end)
            after: dict[str, Any] | None = {
                "start": start.isoformat() if start else None,
                "end": end.isoformat() if end else None,
            }
        else:
            for v in stored_values(ws, entity, "ia"):
                if v.measure_id == measure_id:
                    _store(
                        delete_value,
                        ws,
                        entity,
                        "ia",
                        measure_id,
                        **_target((v.submission_method, v.program_name)),
                    )
            db.execute(
                f"DELETE FROM {IA_DATES_TABLE} WHERE year = ? AND tin = ? AND npi = ? "  # noqa: S608
                "AND measure_id = ?",
                key,
            )
            after = None
        ws.audit(
            IA_DATES_TABLE,
            f"{entity.year}/{entity.tin}/{entity.npi or '-'}/{measure_id}",
            "update" if before and after else ("insert" if after else "delete"),
            {
                "start": before.start.isoformat() if before and before.start else None,
                "end": before.end.isoformat() if before and before.end else None,
            }
            if before
            else None,
            after,
        )
        update_ia_period(ws, entity)


# --------------------------------------------------------------- requirement
@dataclass(frozen=True)
class IaRequirement:
    text: str
    """What this entity needs for full credit, in plain words."""
    method: str
    needed: float
    """Activities (count method) or points (weighted method)."""
    special: list[str]
    apm_text: str | None
    pcmh_id: str


def ia_requirement(
    ws: Workspace, entity: EntityKey, rules: ProgramRules | None = None
) -> IaRequirement:
    rules = rules or load_rules(entity.year)
    ia = rules.ia
    facts = entity_facts(ws, entity)
    special = [s for s in ia.special_statuses.value if s in facts.special_statuses]
    labels = ", ".join(status_label(s) for s in special)
    pcmh = ia.pcmh_measure_id.value
    if ia.method.value == "count":
        assert ia.activities_required and ia.activities_required_special
        need = ia.activities_required_special.value if special else ia.activities_required.value
        text = (
            f"{need} activit{'y' if need == 1 else 'ies'} for full credit in {entity.year}"
            + (f" ({labels})" if special else "")
            + ". More activities add nothing."
        )
        needed = float(need)
    else:
        assert ia.high_points and ia.medium_points and ia.max_points
        factor = 2 if special else 1
        hi, med = ia.high_points.value * factor, ia.medium_points.value * factor
        text = (
            f"{ia.max_points.value:g} points for full credit in {entity.year}: high-weighted "
            f"activities earn {hi:g}, medium-weighted {med:g}"
            + (f" (doubled: {labels})" if special else "")
            + "."
        )
        needed = ia.max_points.value
    apm_text = None
    if facts.apm_participant:
        apm_text = (
            f"MIPS APM participation: at least {ia.apm_credit_percent.value:g}% of the "
            "Improvement Activities score is credited automatically."
        )
    return IaRequirement(text, ia.method.value, needed, special, apm_text, pcmh)
