"""Improvement Activities manual entry: the year's activities, search and filters,
each completed activity's own dates, the category period derived from them, and
what this entity needs for full credit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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


@dataclass(frozen=True)
class ActivityPeriod:
    """How long an activity must be performed in a year, from the year's program rules
    (``ia.minimum_period_days``, ``ia.activity_periods``, ``ia.pcmh_measure_id``)."""

    measure_id: str
    days: int | None
    """Continuous days needed (None when stated in months or when it has no period)."""
    months: int | None
    """Calendar months needed, for an activity whose CMS text states months."""
    note: str
    source: str
    confirmed: bool
    """False: the minimum is not a figure CMS states; dates short of it get a warning,
    not a refusal."""

    @property
    def own(self) -> bool:
        """Whether the activity is performed over dates of its own (IA_PCMH is not)."""
        return self.days is not None or self.months is not None

    @property
    def needed_text(self) -> str:
        if self.months is not None:
            return f"{self.months} continuous month{'s' if self.months != 1 else ''}"
        return f"{self.days} continuous days"

    def earliest_end(self, start: dt.date) -> dt.date:
        """The first end date that meets the minimum for an activity started on ``start``."""
        if self.months is not None:
            return add_months(start, self.months) - dt.timedelta(days=1)
        return start + dt.timedelta(days=max(self.days or 1, 1) - 1)

    def latest_start(self, year: int) -> dt.date:
        """The last start date in ``year`` whose minimum period still ends by 12/31."""
        if self.months is not None:
            return add_months(dt.date(year + 1, 1, 1), -self.months)
        return dt.date(year, 12, 31) - dt.timedelta(days=max(self.days or 1, 1) - 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later (the month's last day if shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_first = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = (next_first - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def activity_period(
    measure_id: str, year: int, rules: ProgramRules | None = None
) -> ActivityPeriod:
    """The period an activity needs in ``year``: the default continuous days, its own
    (days or calendar months), or none (the medical home attestation)."""
    ia = (rules or load_rules(year)).ia
    if measure_id == ia.pcmh_measure_id.value:
        return ActivityPeriod(
            measure_id,
            None,
            None,
            "an attestation of PCMH or comparable specialty practice recognition",
            ia.pcmh_measure_id.source,
            ia.pcmh_measure_id.confirmed,
        )
    own = next((p for p in ia.activity_periods.value if p.measure_id == measure_id), None)
    if own is not None:
        fact = ia.activity_periods
        return ActivityPeriod(
            measure_id, own.min_days, own.min_months, own.note, fact.source, fact.confirmed
        )
    fact_days = ia.minimum_period_days
    return ActivityPeriod(
        measure_id, fact_days.value, None, "", fact_days.source, fact_days.confirmed
    )


def has_own_period(measure_id: str, year: int) -> bool:
    """Whether the activity is performed over dates of its own (IA_PCMH is not: it
    attests a recognition, so it has no dates and does not set the category period)."""
    return activity_period(measure_id, year).own


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
    period: ActivityPeriod

    @property
    def min_days(self) -> int | None:
        return self.period.days

    @property
    def period_note(self) -> str:
        return self.period.note

    @property
    def has_own_period(self) -> bool:
        return self.period.own


def _view(m: MeasureInfo, rules: ProgramRules) -> ActivityView:
    sub = str(m.data.get("subcategoryId") or "")
    weight = m.data.get("weight")
    return ActivityView(
        m.measure_id,
        m.title.strip(),
        m.description.strip(),
        sub,
        subcategory_label(sub),
        str(weight) if weight else None,
        activity_period(m.measure_id, rules.performance_year, rules),
    )


def ia_activities(
    catalog: Catalog, year: int, rules: ProgramRules | None = None
) -> list[ActivityView]:
    """The year's activities, the medical home attestation first, then by title."""
    rules = rules or load_rules(year)
    pcmh = rules.ia.pcmh_measure_id.value
    views = [_view(m, rules) for m in catalog.measures(year, "ia")]
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
    own_period: bool = True
    """False for an activity without a period of its own (IA_PCMH): no dates, and it
    takes no part in the category's period."""


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
    rules = load_rules(entity.year)
    for mid, key in done.items():
        own = activity_period(mid, entity.year, rules).own
        if not own:  # e.g. the medical home attestation: no dates at all
            start, end = None, None
        elif mid in dates:  # entered here: its own dates
            start, end = dates[mid]
        else:
            if key not in periods:
                _, p_start, p_end = _fields_of(ws, entity, "ia", key)
                periods[key] = (p_start, p_end)
            start, end = periods[key]
        out[mid] = IaDone(mid, start, end, own)
    return out


def _dates_short(period: ActivityPeriod, start: dt.date, end: dt.date) -> str | None:
    """Why start – end is shorter than the activity's minimum, or None."""
    if end >= period.earliest_end(start):
        return None
    days = (end - start).days + 1
    why = f" ({period.note.rstrip('.')})" if period.note else ""
    text = (
        f"{start:%m/%d/%Y} – {end:%m/%d/%Y} is {days} days; {period.measure_id} needs at least "
        f"{period.needed_text}{why}"
    )
    earliest_end = period.earliest_end(start)
    if earliest_end.year > start.year:  # can't be met within the year from this start
        latest = period.latest_start(start.year)
        return (
            f"{text}: started on {start:%m/%d/%Y} it can't be completed by 12/31/{start.year}; "
            f"it must start on {latest:%m/%d/%Y} or earlier (and end by 12/31/{start.year})."
        )
    if period.months is not None:
        return f"{text}: it should end on {earliest_end:%m/%d/%Y} or later."
    return text + "."


def activity_dates_problem(
    measure_id: str, start: dt.date | None, end: dt.date | None, year: int
) -> str | None:
    """Why an activity's dates are not acceptable (they are refused), or None.

    A minimum that is not confirmed (``confirmed`` false in the year's rules) is
    never a reason to refuse: see :func:`activity_dates_warning`.
    """
    period = activity_period(measure_id, year)
    if not period.own:
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
    if period.confirmed:
        return _dates_short(period, start, end)
    return None


def activity_dates_warning(
    measure_id: str, start: dt.date | None, end: dt.date | None, year: int
) -> str | None:
    """A warning (the dates are kept) when acceptable dates fall short of a minimum that
    is not confirmed, naming where that minimum comes from; else None."""
    period = activity_period(measure_id, year)
    if period.confirmed or start is None or end is None:
        return None
    if activity_dates_problem(measure_id, start, end, year) is not None:
        return None
    short = _dates_short(period, start, end)
    if short is None:
        return None
    return (
        f"Check: {short} This minimum is not confirmed (source: {period.source}); "
        "the dates are kept."
    )


def default_dates(measure_id: str, year: int) -> tuple[dt.date | None, dt.date | None]:
    """Suggested dates for a newly completed activity: its minimum period from January 1;
    none for an activity without a period of its own."""
    period = activity_period(measure_id, year)
    if not period.own:
        return None, None
    start = dt.date(year, 1, 1)
    return start, period.earliest_end(start)


def ia_period(done: dict[str, IaDone]) -> tuple[dt.date | None, dt.date | None]:
    """The category's period: first day any activity was performed to the last.

    Activities without a period of their own (IA_PCMH) take no part.
    """
    dated = [d for d in done.values() if d.own_period]
    starts = [d.start for d in dated if d.start]
    ends = [d.end for d in dated if d.end]
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

    An activity without a period of its own (IA_PCMH) keeps no dates. The IA set's
    performance period is updated to the first start and last end of the others.
    """
    ensure_tables(ws)
    check_entry_allowed(ws, entity, "ia")
    if catalog is not None:
        info = catalog.measure(entity.year, measure_id)
        if info is None or info.category != "ia":
            raise AttestationError(f"{measure_id} is not a {entity.year} improvement activity.")
    key = [entity.year, entity.tin, entity.npi or "", measure_id]
    if not has_own_period(measure_id, entity.year):
        start, end = None, None  # no period of its own: no dates are kept
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
