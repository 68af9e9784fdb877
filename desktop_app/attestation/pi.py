"""Promoting Interoperability manual entry: the form's layout, the stored entry,
input checks, progress ("n / N objectives completed") and the edits.

Points, objectives, exclusions and active-engagement options come from the
year's rules (``desktop_app.rules``); measure titles and statement texts from the
catalog. Whether an objective is complete is decided by the scoring code
(``desktop_app.scoring.pi``), not re-implemented here.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from desktop_app.attestation.entity import check_entry_allowed
from desktop_app.attestation.errors import AttestationError
from desktop_app.attestation.tables import ensure_tables
from desktop_app.formats.qpp_json import Proportion
from desktop_app.models.numbers import grouped_whole_number
from desktop_app.reporting import (
    SETS_TABLE,
    VALUES_TABLE,
    EntityKey,
    ReportingError,
    delete_value,
    save_set_fields,
    save_value,
    stored_values,
)
from desktop_app.rules import ProgramRules, load_rules
from desktop_app.rules.model import PiMeasureRule, PiObjective
from desktop_app.scoring.pi import check_cehrt_id, check_period

if TYPE_CHECKING:
    from desktop_app.catalog import MeasureInfo
    from desktop_app.scoring.lookup import MeasureLookup
    from desktop_app.store import Workspace

# Catalog objective names of the required attestations, as QPP titles them.
ATTESTATION_GROUPS = {
    "attestation": "Attestation Statements",
    "protectPatientHealthInformation": "Protect Patient Health Information",
}


def _split_camel(name: str) -> str:
    out = "".join(" " + c.lower() if c.isupper() else c for c in name).strip()
    return out[:1].upper() + out[1:]


# ------------------------------------------------------------------- layout
@dataclass(frozen=True)
class Choice:
    measure_id: str
    label: str


@dataclass(frozen=True)
class PiMeasureView:
    measure_id: str
    title: str
    statement: str
    kind: str
    """attestation | proportion | yes_no"""
    points: float | None
    objective_key: str
    required: bool
    bonus: bool = False
    exclusions: tuple[Choice, ...] = ()
    engagement: tuple[Choice, ...] = ()
    option_index: int = 0
    """For objectives with alternative options (HIE): which option the measure belongs to."""
    spec_url: str | None = None


@dataclass(frozen=True)
class PiObjectiveView:
    key: str
    label: str
    required: bool
    measures: tuple[PiMeasureView, ...]
    note: str = ""
    points: float | None = None


def _info(lookup: MeasureLookup | None, year: int, mid: str) -> MeasureInfo | None:
    return lookup.measure(year, mid) if lookup is not None else None


def _spec(info: MeasureInfo | None) -> str | None:
    spec = info.data.get("measureSpecification") if info else None
    if isinstance(spec, dict):
        url = spec.get("default") or next(iter(spec.values()), None)
        return str(url) if url else None
    return None


def _engagement_label(mid: str) -> str:
    if mid.endswith("_PRE"):
        return "Pre-production and Validation"
    if mid.endswith("_PROD"):
        return "Validated Data Production"
    return mid


def _measure_view(
    rule: PiMeasureRule,
    objective: PiObjective,
    option: int,
    year: int,
    lookup: MeasureLookup | None,
) -> PiMeasureView:
    info = _info(lookup, year, rule.measure_id)
    exclusions = []
    for n, ex in enumerate(rule.exclusions, start=1):
        ex_info = _info(lookup, year, ex)
        label = ex_info.description.strip() if ex_info and ex_info.description else ""
        title = ex_info.title if ex_info else f"Exclusion {n}"
        exclusions.append(Choice(ex, label or title))
    return PiMeasureView(
        measure_id=rule.measure_id,
        title=info.title.replace("\n", " ") if info else rule.label,
        statement=(info.description.strip() if info and info.description else ""),
        kind=rule.kind,
        points=rule.points,
        objective_key=objective.key,
        required=objective.required,
        bonus=not objective.required,
        exclusions=tuple(exclusions),
        engagement=tuple(Choice(a, _engagement_label(a)) for a in rule.active_engagement),
        option_index=option,
        spec_url=_spec(info),
    )


def pi_layout(
    year: int, lookup: MeasureLookup | None, rules: ProgramRules | None = None
) -> list[PiObjectiveView]:
    """The year's PI form: required attestations, then each objective with its measures."""
    rules = rules or load_rules(year)
    pi = rules.pi
    groups: dict[str, list[PiMeasureView]] = {}
    for att in pi.required_attestations.value:
        info = _info(lookup, year, att.measure_id)
        if info is not None:
            group = str(info.data.get("objective"))
        else:  # no catalog: QPP's grouping follows the measure ids
            group = (
                "protectPatientHealthInformation" if "_PPHI_" in att.measure_id else "attestation"
            )
        groups.setdefault(group, []).append(
            PiMeasureView(
                measure_id=att.measure_id,
                title=info.title if info else att.label,
                statement=(info.description.strip() if info and info.description else att.label),
                kind="attestation",
                points=None,
                objective_key=group,
                required=True,
                spec_url=_spec(info),
            )
        )
    views: list[PiObjectiveView] = []
    for key in sorted(groups, key=lambda g: (g != "attestation", g)):
        views.append(
            PiObjectiveView(
                key=key,
                label=ATTESTATION_GROUPS.get(key, _split_camel(key)),
                required=True,
                measures=tuple(groups[key]),
                note="Required: answer Yes to receive a Promoting Interoperability score.",
            )
        )
    for obj in pi.objectives.value:
        measures = tuple(
            _measure_view(rule, obj, i, year, lookup)
            for i, option in enumerate(obj.options)
            for rule in option
        )
        note = ""
        if len(obj.options) > 1:
            note = (
                "Report one of: "
                + "; or ".join(" + ".join(r.measure_id for r in option) for option in obj.options)
                + "."
            )
        elif obj.scoring == "any":
            note = (
                f"Optional: {obj.points:g} bonus points whether you report one or more of these."
                if obj.points
                else "Optional."
            )
        elif obj.scoring == "all":
            note = (
                f"{obj.points:g} points when every measure is Yes (with its active engagement "
                "level) or excluded."
            )
        views.append(PiObjectiveView(obj.key, obj.label, obj.required, measures, note, obj.points))
    return views


# -------------------------------------------------------------------- entry
SetKey = tuple[str, str]
"""(submission method, program name) of a measurement set."""

MANUAL_SET: SetKey = ("registry", "mips")

SOURCE_LABELS = {
    "electronicHealthRecord": "file upload from the EHR (QRDA III)",
    "registry": "manual entry (registry)",
}


def source_label(key: SetKey) -> str:
    """How a user knows a PI/IA set's source, e.g. "manual entry (registry)"."""
    method, program = key
    label = SOURCE_LABELS.get(method, method)
    return label + (f" for {program}" if program != "mips" else "")


def category_sets(ws: Workspace, entity: EntityKey, category: str) -> list[SetKey]:
    """The category's measurement sets that hold data (values or set fields), in the
    order the QPP JSON submission lists them."""
    ensure_tables(ws)
    params = [entity.year, entity.tin, entity.npi or "", category]
    rows = ws.db.execute(
        f"SELECT submission_method, program_name FROM {VALUES_TABLE} "  # noqa: S608
        "WHERE year = ? AND tin = ? AND npi = ? AND category = ? "
        f"UNION SELECT submission_method, program_name FROM {SETS_TABLE} "
        "WHERE year = ? AND tin = ? AND npi = ? AND category = ? AND (cehrt_id IS NOT NULL "
        "OR performance_start IS NOT NULL OR performance_end IS NOT NULL) "
        "ORDER BY 1, 2",
        [*params, *params],
    ).fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]


def entry_set(ws: Workspace, entity: EntityKey, category: str) -> SetKey:
    """The set the entry of a category reads and edits: the entity's existing set,
    whatever its submission method (an EHR's QRDA III import is edited in place);
    manual entry (registry) when there is none. With several sets, the manual entry
    set when there is one, else the first."""
    sets = category_sets(ws, entity, category)
    if not sets:
        return MANUAL_SET
    if len(sets) == 1:
        return sets[0]
    return MANUAL_SET if MANUAL_SET in sets else sets[0]


def _target(key: SetKey) -> dict[str, str]:
    return {"submission_method": key[0], "program_name": key[1]}


@dataclass(frozen=True)
class PiEntry:
    values: dict[str, Any]
    """measure id -> True/False or {"numerator", "denominator"} as stored (with several
    sets: every set's values, the edited set's first)."""
    cehrt_id: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    source: SetKey = MANUAL_SET
    """The set that is shown first and that edits go to."""
    sources: tuple[SetKey, ...] = ()
    """Every PI set holding data (more than one: mixed sources)."""
    conflicts: tuple[str, ...] = ()
    """Measures reported by several sets with different values (PI then scores 0)."""

    @property
    def empty(self) -> bool:
        return not self.values and not self.cehrt_id and not self.start and not self.end

    @property
    def mixed(self) -> bool:
        return len(self.sources) > 1

    @property
    def sources_text(self) -> str:
        """What the page says about the sources: empty for a single set."""
        if not self.mixed:
            return ""
        names = " and ".join(source_label(k) for k in self.sources)
        text = (
            f"Promoting Interoperability data comes from {len(self.sources)} sources: {names}. "
            f"Values of both are shown; your edits go to the {source_label(self.source)}."
        )
        if self.conflicts:
            text += (
                " They disagree on "
                + ", ".join(self.conflicts)
                + ": CMS scores Promoting Interoperability 0 when a measure is sent with "
                "different values. Make the values agree, or keep one source (re-import the "
                "file with Replace)."
            )
        else:
            text += " They don't disagree on any measure, so CMS merges them."
        return text


def _fields_of(
    ws: Workspace, entity: EntityKey, category: str, key: SetKey
) -> tuple[str | None, dt.date | None, dt.date | None]:
    row = ws.db.execute(
        f"SELECT cehrt_id, performance_start, performance_end FROM {SETS_TABLE} "  # noqa: S608
        "WHERE year = ? AND tin = ? AND npi = ? AND category = ? AND submission_method = ? "
        "AND program_name = ?",
        [entity.year, entity.tin, entity.npi or "", category, *key],
    ).fetchone()
    if row is None:
        return None, None, None
    return (
        row[0],
        dt.date.fromisoformat(row[1]) if row[1] else None,
        dt.date.fromisoformat(row[2]) if row[2] else None,
    )


def set_fields(
    ws: Workspace, entity: EntityKey, category: str
) -> tuple[str | None, dt.date | None, dt.date | None]:
    """CEHRT ID, performance start and end stored for the category's entry set
    (:func:`entry_set`).

    (Read here because desktop_app.reporting has no getter for set fields yet.)
    """
    ensure_tables(ws)
    return _fields_of(ws, entity, category, entry_set(ws, entity, category))


def pi_entry(ws: Workspace, entity: EntityKey) -> PiEntry:
    ensure_tables(ws)
    sets = category_sets(ws, entity, "pi")
    target = entry_set(ws, entity, "pi")
    order = [target, *(k for k in sets if k != target)]
    by_set: dict[SetKey, dict[str, Any]] = {k: {} for k in order}
    for v in stored_values(ws, entity, "pi"):
        by_set.setdefault((v.submission_method, v.program_name), {})[v.measure_id] = v.value
    values: dict[str, Any] = {}
    for k in order:
        for mid, value in by_set[k].items():
            values.setdefault(mid, value)
    conflicts = tuple(
        sorted(
            mid
            for mid in values
            if len({json.dumps(s[mid], sort_keys=True) for s in by_set.values() if mid in s}) > 1
        )
    )
    cehrt, start, end = _fields_of(ws, entity, "pi", target)
    for k in order[1:]:  # the merged set's fields, as scoring reads them
        other = _fields_of(ws, entity, "pi", k)
        cehrt = cehrt or other[0]
        if not (start and end) and other[1] and other[2]:
            start, end = other[1], other[2]
    return PiEntry(values, cehrt, start, end, target, tuple(sets), conflicts)


# ------------------------------------------------------------------- checks
def latest_start(year: int, rules: ProgramRules | None = None) -> dt.date:
    """The latest start date that still leaves the minimum continuous days in the year."""
    rules = rules or load_rules(year)
    days = rules.pi.minimum_period_days.value
    return dt.date(year, 12, 31) - dt.timedelta(days=days - 1)


def period_problem(
    start: dt.date | None, end: dt.date | None, year: int, rules: ProgramRules | None = None
) -> str | None:
    """Why the PI performance period is not acceptable (scoring's check, plus the latest start)."""
    rules = rules or load_rules(year)
    if start is None and end is None:
        return None
    if start is not None and start.year == year and start > latest_start(year, rules):
        need = rules.pi.minimum_period_days.value
        return (
            f"The start date {start:%m/%d/%Y} is too late: {latest_start(year, rules):%m/%d/%Y} "
            f"is the latest start that leaves {need} continuous days in {year}."
        )
    return check_period(start, end, rules)


def cehrt_problem(cehrt_id: str | None, year: int, rules: ProgramRules | None = None) -> str | None:
    """Why a CEHRT ID is refused for the year (scoring's check), or None."""
    rules = rules or load_rules(year)
    if not cehrt_id:
        return None
    return check_cehrt_id(cehrt_id.strip().upper(), rules)


def parse_count(text: str, what: str) -> int | None:
    """A whole number typed by the user; None for an empty box."""
    t = text.strip()
    if not t:
        return None
    value = grouped_whole_number(t)
    if value is None:
        raise AttestationError(
            f"The {what} must be a whole number of 0 or more, like 1204 or 1,204 (not '{text}')."
        )
    return value


def proportion_problem(numerator: int | None, denominator: int | None) -> str | None:
    if numerator is None or denominator is None:
        return "Enter both the numerator and the denominator."
    if numerator < 0 or denominator < 0:
        return "The numerator and denominator can't be negative."
    if denominator == 0 and numerator != 0:
        return "The denominator is 0, so the numerator must be 0 too."
    if numerator > denominator:
        return f"The numerator ({numerator}) can't be larger than the denominator ({denominator})."
    return None


@dataclass(frozen=True)
class Issue:
    measure_id: str | None
    """None for the set fields; 'period' / 'cehrt' use these keys."""
    message: str
    severity: str = "error"
    """error: it scores 0 or can't be submitted; warning: it won't count as entered."""


def _rules_by_id(rules: ProgramRules) -> dict[str, PiMeasureRule]:
    return {
        r.measure_id: r for o in rules.pi.objectives.value for option in o.options for r in option
    }


def pi_issues(entry: PiEntry, year: int, rules: ProgramRules | None = None) -> list[Issue]:
    """Everything wrong or not counting in the entry, per measure (empty entry: none)."""
    rules = rules or load_rules(year)
    issues: list[Issue] = []
    if entry.start or entry.end:
        p = period_problem(entry.start, entry.end, year, rules)
        if p:
            issues.append(Issue("period", p))
    c = cehrt_problem(entry.cehrt_id, year, rules)
    if c:
        issues.append(Issue("cehrt", c))
    v = entry.values
    for att in rules.pi.required_attestations.value:
        if v.get(att.measure_id) is False:
            issues.append(
                Issue(
                    att.measure_id,
                    f"{att.label} is answered No: it must be Yes to receive a Promoting "
                    "Interoperability score.",
                )
            )
    by_id = _rules_by_id(rules)
    for mid, rule in by_id.items():
        claimed = [ex for ex in rule.exclusions if v.get(ex) is True]
        if claimed and mid in v:
            issues.append(
                Issue(
                    mid,
                    f"{mid} and its exclusion {claimed[0]} can't both be claimed: remove one.",
                )
            )
        if len(claimed) > 1:
            issues.append(
                Issue(mid, f"Claim only one exclusion for {mid} (claimed: {', '.join(claimed)}).")
            )
        levels = [a for a in rule.active_engagement if v.get(a) is True]
        if v.get(mid) is True and rule.active_engagement and not levels:
            issues.append(
                Issue(
                    mid,
                    f"Choose the active engagement level of {mid}: a Yes does not count until "
                    "one is chosen.",
                    "warning",
                )
            )
        if len(levels) > 1:
            issues.append(Issue(mid, f"Choose one active engagement level for {mid}, not both."))
        if claimed and levels:
            issues.append(
                Issue(
                    mid,
                    f"{mid} has its exclusion {claimed[0]} claimed and the active engagement "
                    f"level {levels[0]}: an excluded measure has no engagement. Remove the "
                    "exclusion or the level.",
                )
            )
        if rule.kind == "proportion" and isinstance(v.get(mid), dict):
            num = v[mid].get("numerator", 0)
            if num == 0:
                issues.append(
                    Issue(
                        mid,
                        f"{mid} has numerator 0: at least 1 is required for the objective to be "
                        + (
                            f"complete (or claim its exclusion, {' or '.join(rule.exclusions)}, "
                            "if it applies)."
                            if rule.exclusions
                            else f"complete; {mid} has no exclusion."
                        ),
                    )
                )
    for obj in rules.pi.objectives.value:
        if len(obj.options) < 2:
            continue
        reported = [
            i
            for i, option in enumerate(obj.options)
            if any(r.measure_id in v or any(v.get(e) is True for e in r.exclusions) for r in option)
        ]
        if len(reported) > 1:
            issues.append(
                Issue(
                    obj.options[reported[0]][0].measure_id,
                    f"{obj.label}: report one option only ("
                    + "; or ".join(" + ".join(r.measure_id for r in o) for o in obj.options)
                    + "); only the best-scoring one counts.",
                    "warning",
                )
            )
        for i in reported:
            option = obj.options[i]
            if len(option) > 1:
                missing = [
                    r.measure_id
                    for r in option
                    if r.measure_id not in v and not any(v.get(e) is True for e in r.exclusions)
                ]
                if missing and len(missing) < len(option):
                    issues.append(
                        Issue(
                            missing[0],
                            f"{obj.label}: "
                            + " + ".join(r.measure_id for r in option)
                            + f" go together; {', '.join(missing)} is missing.",
                        )
                    )
    return issues


# ------------------------------------------------------------------ progress
@dataclass(frozen=True)
class ObjectiveProgress:
    key: str
    label: str
    complete: bool
    missing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PiProgress:
    objectives: list[ObjectiveProgress]
    other_missing: list[str]
    """Performance period and CEHRT ID problems (needed for a score, not objectives)."""

    @property
    def done(self) -> int:
        return sum(1 for o in self.objectives if o.complete)

    @property
    def total(self) -> int:
        return len(self.objectives)

    @property
    def text(self) -> str:
        return f"{self.done} / {self.total} objectives completed"

    @property
    def missing(self) -> list[str]:
        return [*self.other_missing, *(m for o in self.objectives for m in o.missing)]


def _objective_complete(obj: PiObjective, values: dict[str, Any]) -> tuple[bool, list[str]]:
    """Scoring's verdict on one objective. Uses the scoring module's evaluator, so the
    progress shown can't disagree with the score."""
    from desktop_app.scoring import pi as scoring_pi

    converted = {
        k: Proportion.model_validate(val) if isinstance(val, dict) else val
        for k, val in values.items()
    }
    # Private in desktop_app.scoring.pi; a public name was asked of its owner.
    ev = scoring_pi._evaluate(obj, converted)
    return ev.complete, list(ev.problems)


def _how_to_complete(obj: PiObjective) -> str:
    def one(rule: PiMeasureRule) -> str:
        text = rule.measure_id + (
            " (numerator and denominator)" if rule.kind == "proportion" else " (Yes)"
        )
        if rule.active_engagement:
            text += " with its active engagement level"
        return text + (" or its exclusion" if rule.exclusions else "")

    if len(obj.options) > 1:
        return (
            "report " + ", or ".join(" + ".join(r.measure_id for r in o) for o in obj.options) + "."
        )
    return "report " + "; ".join(one(r) for r in obj.options[0]) + "."


def pi_progress(
    entry: PiEntry,
    year: int,
    rules: ProgramRules | None = None,
    lookup: MeasureLookup | None = None,
) -> PiProgress:
    """QPP's "n / N objectives completed", with what each incomplete objective lacks."""
    rules = rules or load_rules(year)
    layout = pi_layout(year, lookup, rules)
    result: list[ObjectiveProgress] = []
    v = entry.values
    label_of = {a.measure_id: a.label for a in rules.pi.required_attestations.value}
    objectives = {o.key: o for o in rules.pi.objectives.value}
    for view in layout:
        if view.key in objectives:
            obj = objectives[view.key]
            if not obj.required:
                continue
            done, problems = _objective_complete(obj, v)
            touched = any(
                r.measure_id in v
                or any(e in v for e in r.exclusions)
                or any(a in v for a in r.active_engagement)
                for option in obj.options
                for r in option
            )
            if not done and (not touched or not problems):
                problems = [f"{obj.label}: not reported yet — {_how_to_complete(obj)}"]
            result.append(ObjectiveProgress(obj.key, obj.label, done, [] if done else problems))
        else:
            missing = [
                f"{view.label}: {label_of.get(m.measure_id, m.title)} "
                + (
                    "is answered No; it must be Yes."
                    if v.get(m.measure_id) is False
                    else "must be answered Yes."
                )
                for m in view.measures
                if v.get(m.measure_id) is not True
            ]
            result.append(ObjectiveProgress(view.key, view.label, not missing, missing))
    other: list[str] = []
    p = (
        period_problem(entry.start, entry.end, year, rules)
        if entry.start or entry.end
        else f"Performance period: enter a start and end date ({rules.pi.minimum_period_days.value}"
        f" continuous days or more in {year})."
    )
    if p:
        other.append(p if p.startswith("Performance period") else f"Performance period: {p}")
    c = cehrt_problem(entry.cehrt_id, year, rules) if entry.cehrt_id else "CEHRT ID: enter it."
    if c:
        other.append(c)
    return PiProgress(result, other)


# --------------------------------------------------------------------- edits
def _store(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except ReportingError as exc:
        raise AttestationError(str(exc)) from exc


def set_pi_period(
    ws: Workspace, entity: EntityKey, start: dt.date | None, end: dt.date | None
) -> None:
    """Save the PI performance period (either date may be None while being entered).

    Dates outside the year or an end before the start are refused; a period that is
    too short or starts too late is saved and reported by :func:`pi_issues`.
    """
    ensure_tables(ws)
    check_entry_allowed(ws, entity, "pi")
    key = _target(entry_set(ws, entity, "pi"))
    year = entity.year
    for label, d in (("start", start), ("end", end)):
        if d is not None and d.year != year:
            raise AttestationError(
                f"The {label} date {d:%m/%d/%Y} is outside performance year {year}: choose a "
                f"date from 01/01/{year} to 12/31/{year}."
            )
    if start and end and end < start:
        raise AttestationError(
            f"The end date {end:%m/%d/%Y} is before the start date {start:%m/%d/%Y}."
        )
    cehrt, _, _ = set_fields(ws, entity, "pi")
    _store(
        save_set_fields,
        ws,
        entity,
        "pi",
        **key,
        cehrt_id=cehrt,
        performance_start=start,
        performance_end=end,
    )


def set_cehrt_id(ws: Workspace, entity: EntityKey, cehrt_id: str | None) -> str | None:
    """Save the CEHRT ID (upper-cased); an ID not of the year's format is refused with why."""
    ensure_tables(ws)
    check_entry_allowed(ws, entity, "pi")
    key = _target(entry_set(ws, entity, "pi"))
    clean = (cehrt_id or "").strip().upper() or None
    problem = cehrt_problem(clean, entity.year)
    if problem:
        raise AttestationError(problem)
    _, start, end = set_fields(ws, entity, "pi")
    _store(
        save_set_fields,
        ws,
        entity,
        "pi",
        **key,
        cehrt_id=clean,
        performance_start=start,
        performance_end=end,
    )
    return clean


def _owner_of_exclusion(rules: ProgramRules, exclusion_id: str) -> PiMeasureRule | None:
    for rule in _rules_by_id(rules).values():
        if exclusion_id in rule.exclusions:
            return rule
    return None


def _owner_of_level(rules: ProgramRules, level_id: str) -> PiMeasureRule | None:
    for rule in _rules_by_id(rules).values():
        if level_id in rule.active_engagement:
            return rule
    return None


def set_pi_answer(ws: Workspace, entity: EntityKey, measure_id: str, answer: bool | None) -> None:
    """Yes/No for a required attestation or a yes/no measure; None clears it."""
    ensure_tables(ws)
    check_entry_allowed(ws, entity, "pi")
    key = _target(entry_set(ws, entity, "pi"))
    rules = load_rules(entity.year)
    rule = _rules_by_id(rules).get(measure_id)
    required = {a.measure_id for a in rules.pi.required_attestations.value}
    if rule is None and measure_id not in required:
        raise AttestationError(
            f"{measure_id} is not a {entity.year} Promoting Interoperability measure with a "
            "Yes/No answer."
        )
    if rule is not None and rule.kind != "yes_no":
        raise AttestationError(f"{measure_id} needs a numerator and a denominator, not Yes/No.")
    if answer is None:
        _store(delete_value, ws, entity, "pi", measure_id, **key)
        return
    if rule is not None:
        _refuse_if_excluded(ws, entity, rule)
    _store(save_value, ws, entity, "pi", measure_id, bool(answer), **key)


def _refuse_if_excluded(
    ws: Workspace, entity: EntityKey, rule: PiMeasureRule, level_id: str | None = None
) -> None:
    values = pi_entry(ws, entity).values
    claimed = [ex for ex in rule.exclusions if values.get(ex) is True]
    if claimed:
        if level_id is not None:
            raise AttestationError(
                f"The exclusion {claimed[0]} is claimed for {rule.measure_id}, so it can't also "
                f"have the active engagement level {level_id}: an excluded measure has no "
                "engagement. Remove the exclusion first, or keep it and choose no level."
            )
        raise AttestationError(
            f"The exclusion {claimed[0]} is claimed for {rule.measure_id}: a measure and its "
            "exclusion can't both be claimed. Remove the exclusion first."
        )


def set_pi_proportion(
    ws: Workspace,
    entity: EntityKey,
    measure_id: str,
    numerator: int | None,
    denominator: int | None,
) -> None:
    """Numerator and denominator of a proportion measure; both None clears it."""
    ensure_tables(ws)
    check_entry_allowed(ws, entity, "pi")
    key = _target(entry_set(ws, entity, "pi"))
    rule = _rules_by_id(load_rules(entity.year)).get(measure_id)
    if rule is None or rule.kind != "proportion":
        raise AttestationError(
            f"{measure_id} is not a {entity.year} Promoting Interoperability proportion measure."
        )
    if numerator is None and denominator is None:
        _store(delete_value, ws, entity, "pi", measure_id, **key)
        return
    problem = proportion_problem(numerator, denominator)
    if problem:
        raise AttestationError(f"{measure_id}: {problem}")
    _refuse_if_excluded(ws, entity, rule)
    _store(
        save_value,
        ws,
        entity,
        "pi",
        measure_id,
        {"numerator": numerator, "denominator": denominator},
        **key,
    )


def set_pi_exclusion(
    ws: Workspace, entity: EntityKey, measure_id: str, exclusion_id: str | None
) -> None:
    """Claim one exclusion of a measure (None: claim none).

    The measure's own answer is removed in the same transaction: a measure and its
    exclusion can't both be claimed.
    """
    ensure_tables(ws)
    check_entry_allowed(ws, entity, "pi")
    key = _target(entry_set(ws, entity, "pi"))
    rules = load_rules(entity.year)
    rule = _rules_by_id(rules).get(measure_id)
    if rule is None or not rule.exclusions:
        raise AttestationError(f"{measure_id} has no exclusion in {entity.year}.")
    if exclusion_id is not None and exclusion_id not in rule.exclusions:
        raise AttestationError(
            f"{exclusion_id} is not an exclusion of {measure_id} (use one of "
            f"{', '.join(rule.exclusions)})."
        )
    values = pi_entry(ws, entity).values
    with ws.write(""):
        for ex in rule.exclusions:
            if ex != exclusion_id and ex in values:
                _store(delete_value, ws, entity, "pi", ex, **key)
        if exclusion_id is not None:
            if measure_id in values:
                _store(delete_value, ws, entity, "pi", measure_id, **key)
            for level in rule.active_engagement:
                if level in values:
                    _store(delete_value, ws, entity, "pi", level, **key)
            _store(save_value, ws, entity, "pi", exclusion_id, True, **key)


def set_pi_engagement(
    ws: Workspace, entity: EntityKey, measure_id: str, level_id: str | None
) -> None:
    """Choose the active engagement level (…_PRE or …_PROD) of a public health measure."""
    ensure_tables(ws)
    check_entry_allowed(ws, entity, "pi")
    key = _target(entry_set(ws, entity, "pi"))
    rule = _rules_by_id(load_rules(entity.year)).get(measure_id)
    if rule is None or not rule.active_engagement:
        raise AttestationError(f"{measure_id} has no active engagement levels in {entity.year}.")
    if level_id is not None and level_id not in rule.active_engagement:
        raise AttestationError(
            f"{level_id} is not an active engagement level of {measure_id} (use one of "
            f"{', '.join(rule.active_engagement)})."
        )
    if level_id is not None:
        _refuse_if_excluded(ws, entity, rule, level_id)
    values = pi_entry(ws, entity).values
    with ws.write(""):
        for level in rule.active_engagement:
            if level != level_id and level in values:
                _store(delete_value, ws, entity, "pi", level, **key)
        if level_id is not None:
            _store(save_value, ws, entity, "pi", level_id, True, **key)


def clear_pi_entry(ws: Workspace, entity: EntityKey) -> None:
    """Delete every PI value and set field of the entity, from every source (the QPP
    'Delete' of an entry)."""
    ensure_tables(ws)
    sets = category_sets(ws, entity, "pi")
    with ws.write(""):
        for v in stored_values(ws, entity, "pi"):
            _store(
                delete_value,
                ws,
                entity,
                "pi",
                v.measure_id,
                **_target((v.submission_method, v.program_name)),
            )
        for k in sets:
            if any(_fields_of(ws, entity, "pi", k)):
                _store(save_set_fields, ws, entity, "pi", **_target(k))
