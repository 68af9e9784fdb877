"""Promoting Interoperability category score.

The objectives, their measures, points, exclusions, active-engagement options and
where excluded points go all come from the year's rules file. When the score is 0
every reason is listed, not just the first one found.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

from desktop_app.formats.qpp_json import Measurement, MeasurementSet, Proportion
from desktop_app.rules.model import PiMeasureRule, PiObjective, ProgramRules
from desktop_app.scoring.lookup import MeasureLookup
from desktop_app.scoring.result import CategoryScore, EstimateLog, MeasureScore


def _r(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


@dataclass
class _Status:
    rule: PiMeasureRule
    state: str  # met | excluded | problem
    ratio: float = 1.0
    text: str = ""
    excluded_by: str | None = None


@dataclass
class _ObjectiveEval:
    objective: PiObjective
    option_index: int | None
    statuses: list[_Status]
    complete: bool
    problems: list[str] = field(default_factory=list)


def check_cehrt_id(cehrt_id: str | None, rules: ProgramRules) -> str | None:
    """None if the CEHRT ID has the year's format, else the reason it is not accepted."""
    pi = rules.pi
    if not cehrt_id:
        return "No CEHRT ID was given; a certified EHR's CEHRT ID is required."
    for fragment in pi.cehrt_id_rejected_fragments.value:
        if fragment.upper() in cehrt_id.upper():
            return f"CEHRT ID {cehrt_id} contains '{fragment}', which CMS rejects."
    if not any(re.fullmatch(p, cehrt_id) for p in pi.cehrt_id_patterns.value):
        return (
            f"CEHRT ID {cehrt_id} does not have the {rules.performance_year} format "
            f"({pi.cehrt_id_example.value}: 15 characters)."
        )
    return None


def check_period(start: date | None, end: date | None, rules: ProgramRules) -> str | None:
    """None if the PI performance period is long enough and inside the year, else why not."""
    year = rules.performance_year
    need = rules.pi.minimum_period_days.value
    if start is None or end is None:
        return (
            f"No performance period was given; PI needs at least {need} continuous days in {year}."
        )
    if start.year != year or end.year != year:
        return f"The performance period {start} – {end} is not inside performance year {year}."
    days = (end - start).days + 1
    if days < need:
        return (
            f"The performance period {start} – {end} is {days} days; at least {need} "
            "continuous days are required."
        )
    return None


def _value_text(value: object) -> str:
    if isinstance(value, Proportion):
        return f"{value.numerator}/{value.denominator}"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    return str(value)


@dataclass
class MergedPi:
    """Several PI measurement sets read as one, with the measures they disagree on."""

    set: MeasurementSet
    sources: dict[str, list[str]]
    """Measure id -> submission methods of the sets that report it."""
    conflicts: list[str]
    """One reason per measure reported with different values (PI then scores 0)."""
    note: str = ""

    @property
    def method(self) -> str:
        methods = [m for ms in self.sources.values() for m in ms] or [self.set.submission_method]
        return " + ".join(dict.fromkeys(methods))

    def method_of(self, measure_id: str) -> str:
        methods = self.sources.get(measure_id)
        return " + ".join(dict.fromkeys(methods)) if methods else self.method


def merge_pi_sets(sets: list[MeasurementSet]) -> MergedPi:
    """Merge PI measurement sets measure by measure.

    CMS scores PI 0 when data for a single measure or required attestation sent
    through several submission methods conflicts; the same value sent twice, or
    different measures sent in different sets, is not a conflict.
    """
    first = sets[0]
    sources: dict[str, list[str]] = {}
    seen: dict[str, list[tuple[str, object]]] = {}
    for index, mset in enumerate(sets, start=1):
        where = f"set {index} ({mset.submission_method})"
        for m in mset.measurements:
            seen.setdefault(m.measure_id, []).append((where, m.value))
            sources.setdefault(m.measure_id, []).append(mset.submission_method)
    conflicts: list[str] = []
    for mid, reports in seen.items():
        # typed, so that Yes (True) and a count of 1 are not taken for the same value
        distinct: list[tuple[str, object]] = []
        for _, value in reports:
            if (type(value).__name__, value) not in distinct:
                distinct.append((type(value).__name__, value))
        if len(distinct) > 1:
            conflicts.append(
                f"{mid} was sent with conflicting values: "
                + ", ".join(f"{_value_text(v)} in {where}" for where, v in reports)
                + ". CMS scores PI 0 when a measure is sent with different values; "
                "send it once, or with the same value everywhere."
            )
    if len(sets) == 1:
        return MergedPi(first, sources, conflicts)
    cehrt = next((s.cehrt_id for s in sets if s.cehrt_id), None)
    dated = next((s for s in sets if s.performance_start and s.performance_end), first)
    merged = first.model_copy(
        update={
            "cehrt_id": cehrt,
            "performance_start": dated.performance_start,
            "performance_end": dated.performance_end,
            "measurements": _first_of_each(sets),
        }
    )
    methods = " + ".join(dict.fromkeys(s.submission_method for s in sets))
    note = (
        f"PI data from {len(sets)} measurement sets ({methods}) was merged; no measure conflicts."
    )
    return MergedPi(merged, sources, conflicts, "" if conflicts else note)


def _first_of_each(sets: list[MeasurementSet]) -> list[Measurement]:
    found: dict[str, Measurement] = {}
    for mset in sets:
        for m in mset.measurements:
            found.setdefault(m.measure_id, m)
    return list(found.values())


def _measure_status(rule: PiMeasureRule, values: dict[str, object]) -> _Status:
    for ex in rule.exclusions:
        if values.get(ex) is True:
            return _Status(rule, "excluded", 0.0, f"exclusion {ex} claimed", excluded_by=ex)
    value = values.get(rule.measure_id)
    label = f"{rule.measure_id} ({rule.label})" if rule.label else rule.measure_id
    if value is None:
        return _Status(rule, "problem", 0.0, f"{label} was not reported (and no exclusion).")
    if rule.kind == "proportion":
        if not isinstance(value, Proportion):
            return _Status(rule, "problem", 0.0, f"{label} needs a numerator and denominator.")
        if value.numerator < 1:
            return _Status(
                rule, "problem", 0.0, f"{label} has numerator 0; at least 1 is required."
            )
        return _Status(
            rule,
            "met",
            value.ratio,
            f"{value.numerator}/{value.denominator} = {_r(100 * value.ratio)}%",
        )
    if value is not True:
        return _Status(rule, "problem", 0.0, f"{label} was answered No (or not Yes/No).")
    if rule.active_engagement and not any(values.get(a) is True for a in rule.active_engagement):
        return _Status(
            rule,
            "problem",
            0.0,
            f"{label} was answered Yes without an active engagement option "
            f"({' or '.join(rule.active_engagement)}); it does not count until one is chosen.",
        )
    engaged = [a for a in rule.active_engagement if values.get(a) is True]
    return _Status(
        rule,
        "met",
        1.0,
        f"{label}: Yes" + (f" (active engagement {', '.join(engaged)})" if engaged else ""),
    )


def _evaluate(objective: PiObjective, values: dict[str, object]) -> _ObjectiveEval:
    evals: list[tuple[int, list[_Status]]] = []
    for index, option in enumerate(objective.options):
        evals.append((index, [_measure_status(rule, values) for rule in option]))
    if objective.scoring == "any":
        for index, statuses in evals:
            met = [s for s in statuses if s.state == "met"]
            if met:
                return _ObjectiveEval(objective, index, statuses, True)
        return _ObjectiveEval(objective, None, evals[0][1], False)

    def achieved(statuses: list[_Status]) -> float:
        return sum(s.rule.points * s.ratio for s in statuses if s.state == "met")

    complete = [
        (index, statuses)
        for index, statuses in evals
        if all(s.state in ("met", "excluded") for s in statuses)
    ]
    if objective.scoring == "all":
        complete = [(i, st) for i, st in complete if any(s.state == "met" for s in st)] or [
            (i, st) for i, st in complete if all(s.state == "excluded" for s in st)
        ]
    if complete:
        index, statuses = max(complete, key=lambda c: achieved(c[1]))
        return _ObjectiveEval(objective, index, statuses, True)
    problems = [s.text for _, statuses in evals for s in statuses if s.state == "problem"]
    if len(objective.options) > 1:
        problems = [f"{objective.label}: none of its options is complete — " + " ".join(problems)]
    else:
        problems = [f"{objective.label}: {p}" for p in problems]
    # Reported statuses of the first option for display.
    return _ObjectiveEval(objective, None, evals[0][1], False, problems)


def score_pi(
    sets: list[MeasurementSet],
    rules: ProgramRules,
    lookup: MeasureLookup,
    log: EstimateLog,
) -> tuple[CategoryScore, list[MeasureScore]]:
    """The PI category score (0–100) and per-measure points with reasons."""
    year = rules.performance_year
    pi = rules.pi
    if not sets:
        return (
            CategoryScore(
                category="pi",
                score=0.0,
                weight=0.0,
                points=None,
                reason="No Promoting Interoperability data.",
                submitted=False,
            ),
            [],
        )
    zero: list[str] = []
    merged = merge_pi_sets(sets)
    zero.extend(merged.conflicts)
    mset = merged.set
    values: dict[str, object] = {m.measure_id: m.value for m in mset.measurements}
    problem = check_cehrt_id(mset.cehrt_id, rules)
    if problem:
        zero.append(problem)
    problem = check_period(mset.performance_start, mset.performance_end, rules)
    if problem:
        zero.append(problem)
    rows: list[MeasureScore] = []
    known: set[str] = set()
    for att in pi.required_attestations.value:
        known.add(att.measure_id)
        v = values.get(att.measure_id)
        if v is True:
            text = f"Required attestation ({att.label}): Yes."
        else:
            text = (
                f"Required attestation {att.measure_id} ({att.label}) was "
                + ("answered No" if v is False else "not reported")
                + "; it must be Yes."
            )
            zero.append(text)
        if att.measure_id in values:
            rows.append(
                MeasureScore(
                    measure_id=att.measure_id,
                    category="pi",
                    collection_type=merged.method_of(att.measure_id),
                    points=None,
                    max_points=None,
                    counted=v is True,
                    reason=text,
                    summary="required attestation: Yes" if v is True else "required: must be Yes",
                    title=att.label,
                )
            )
    evals = [_evaluate(o, values) for o in pi.objectives.value]
    for ev in evals:
        if ev.objective.required and not ev.complete:
            zero.extend(ev.problems)

    # Points available per measure after exclusions move points around.
    base: dict[str, float] = {}
    received: dict[str, float] = {}
    transfers: list[tuple[str, str, str]] = []  # (source, target, note)
    by_key = {ev.objective.key: ev for ev in evals}
    for ev in evals:
        for s in ev.statuses:
            base[s.rule.measure_id] = s.rule.points
    for ev in evals:
        if not ev.complete:
            continue
        if ev.objective.scoring == "all" and all(s.state == "excluded" for s in ev.statuses):
            if ev.objective.redistribute_to:
                transfers.append(
                    (f"objective:{ev.objective.key}", ev.objective.redistribute_to, "")
                )
            continue
        if ev.objective.scoring != "sum":
            continue
        for s in ev.statuses:
            if s.state == "excluded" and s.rule.redistribute_to:
                transfers.append((s.rule.measure_id, s.rule.redistribute_to, ""))

    def available(source: str, depth: int = 0) -> float:
        if depth > 10:
            return 0.0
        if source.startswith("objective:"):
            obj = by_key[source.split(":", 1)[1]].objective
            own = obj.points or 0.0
        else:
            own = base.get(source, 0.0)
        return own + sum(available(src, depth + 1) for src, tgt, _ in transfers if tgt == source)

    def distribute(target: str, amount: float, depth: int = 0) -> None:
        if depth > 10 or amount <= 0:
            return
        if target in by_key:
            ev = by_key[target]
            met = [s for s in ev.statuses if s.state == "met"] if ev.complete else []
            if not met:
                nxt = next(
                    (s.rule.redistribute_to for s in ev.statuses if s.rule.redistribute_to),
                    ev.objective.redistribute_to,
                )
                if nxt:
                    distribute(nxt, amount, depth + 1)
                return
            total = sum(s.rule.points for s in met) or 1.0
            for s in met:
                received[s.rule.measure_id] = (
                    received.get(s.rule.measure_id, 0.0) + amount * s.rule.points / total
                )
            return
        # A measure target: if it is itself excluded, its own transfer carries it on.
        received[target] = received.get(target, 0.0) + amount

    excluded_ids = {s.rule.measure_id for ev in evals for s in ev.statuses if s.state == "excluded"}
    for src, tgt, _ in transfers:
        if tgt in excluded_ids:
            continue  # the target's own transfer carries these points
        distribute(tgt, available(src))
    redistributed = bool(transfers) and pi.exclusion_redistribution.value
    if transfers:
        log.use(
            "pi.exclusion_redistribution",
            pi.exclusion_redistribution,
            "Points of excluded PI measures are moved to other measures as mips-rules.md "
            "describes; CMS's exact redistribution is not confirmed.",
        )

    total = 0.0
    round_points = pi.round_measure_points.value
    for ev in evals:
        obj = ev.objective
        for s in ev.statuses:
            mid = s.rule.measure_id
            known.add(mid)
            known.update(s.rule.exclusions)
            known.update(s.rule.active_engagement)
            if mid not in values and s.state != "excluded":
                continue
            if obj.scoring == "sum":
                maximum = base[mid] + received.get(mid, 0.0)
                raw = maximum * s.ratio if s.state == "met" else 0.0
                points = float(math.floor(raw + 0.5)) if round_points else raw  # half up
                if s.state == "met":
                    if round_points and points != raw:
                        log.use(
                            "pi.round_measure_points",
                            pi.round_measure_points,
                            "PI measure points are rounded to whole numbers, as QPP's scoring "
                            "output shows.",
                        )
                    reason = (
                        f"{s.text} × {_r(maximum)} points = {_r(raw)}"
                        + (f", rounded to {_r(points)}" if round_points and points != raw else "")
                        + "."
                    )
                    if received.get(mid):
                        reason += (
                            f" Includes {_r(received[mid])} points moved here from excluded "
                            "measures (estimate)."
                        )
                    shown = "Yes" if s.rule.kind == "yes_no" else s.text
                    summary = f"{shown} · {_r(points)} of {_r(maximum)} pts"
                elif s.state == "excluded":
                    reason = (
                        f"Excluded ({s.text}); its {_r(available(mid))} points go to "
                        f"{s.rule.redistribute_to} (estimate)."
                        if s.rule.redistribute_to
                        else f"Excluded ({s.text})."
                    )
                    summary = "excluded" + (
                        f": points go to {s.rule.redistribute_to}" if s.rule.redistribute_to else ""
                    )
                else:
                    reason = s.text
                    summary = "not met: 0 pts"
                counted = ev.complete and ev.option_index is not None and s.state == "met"
            else:
                objective_points = obj.points or 0.0
                if s.state == "met" and ev.complete:
                    points = 0.0
                    reason = f"{s.text}: counts toward {obj.label} ({_r(objective_points)} points)."
                    summary = f"Yes: counts toward {obj.label}"
                elif s.state == "excluded":
                    points = 0.0
                    reason = f"Excluded ({s.text})."
                    summary = "excluded"
                else:
                    points = 0.0
                    reason = s.text
                    summary = "not met"
                counted = ev.complete and s.state == "met"
            if counted:
                total += points
            rows.append(
                MeasureScore(
                    measure_id=mid,
                    category="pi",
                    collection_type=merged.method_of(mid),
                    points=points if obj.scoring == "sum" else None,
                    max_points=(base[mid] + received.get(mid, 0.0))
                    if obj.scoring == "sum"
                    else obj.points,
                    counted=counted,
                    reason=reason,
                    summary=summary,
                    title=s.rule.label or None,
                    estimate=bool(received.get(mid)) or s.state == "excluded",
                )
            )
        if obj.scoring in ("all", "any") and ev.complete:
            all_excluded = all(s.state == "excluded" for s in ev.statuses)
            if not all_excluded:
                pts = obj.points or 0.0
                if obj.key == "bonus" or not obj.required:
                    pts = min(pts, pi.bonus_points.value)
                total += pts
                rows.append(
                    MeasureScore(
                        measure_id=obj.key,
                        category="pi",
                        collection_type=merged.method,
                        points=pts,
                        max_points=obj.points,
                        counted=True,
                        reason=f"{obj.label} objective met: {_r(pts)} points.",
                        summary=f"objective met: {_r(pts)} pts",
                        title=obj.label,
                        kind="objective",
                    )
                )
            elif obj.redistribute_to:
                rows.append(
                    MeasureScore(
                        measure_id=obj.key,
                        category="pi",
                        collection_type=merged.method,
                        points=0.0,
                        max_points=obj.points,
                        counted=False,
                        reason=f"{obj.label}: every measure excluded; its "
                        f"{_r(obj.points or 0)} points go to {obj.redistribute_to} (estimate).",
                        summary=f"all excluded: points go to {obj.redistribute_to}",
                        title=obj.label,
                        estimate=True,
                        kind="objective",
                    )
                )
    for mid in values:
        if mid in known:
            continue
        info = lookup.measure(year, mid)
        text = (
            f"{mid} is reported but earns no points."
            if info is not None and info.category == "pi"
            else f"{mid} is not a {year} Promoting Interoperability measure: ignored."
        )
        rows.append(
            MeasureScore(
                measure_id=mid,
                category="pi",
                collection_type=merged.method_of(mid),
                points=None,
                max_points=None,
                counted=False,
                reason=text,
                summary="no points" if info is not None and info.category == "pi" else "ignored",
                title=info.title if info else None,
            )
        )
    if zero:
        rows = [r.model_copy(update={"counted": False}) if r.points else r for r in rows]
        return (
            CategoryScore(
                category="pi",
                score=0.0,
                weight=0.0,
                points=None,
                reason=f"The PI score is 0 for {len(zero)} reason"
                f"{'s' if len(zero) != 1 else ''}: " + " ".join(zero),
                reasons=zero,
                submitted=True,
                details={"points_before_zero": round(total, 4)},
            ),
            rows,
        )
    maximum = pi.max_score.value
    score = min(maximum, total)
    return (
        CategoryScore(
            category="pi",
            score=round(score, 4),
            weight=0.0,
            points=None,
            reason=f"Sum of PI measure points {_r(total)}"
            + (f", capped at {_r(maximum)}" if total > maximum else "")
            + f" = {_r(score)}%."
            + (f" {merged.note}" if merged.note else ""),
            reasons=[],
            estimate=redistributed,
            submitted=True,
            details={"total_points": round(total, 4)},
        ),
        rows,
    )
