"""The pre-export check: CMS's data-inaccuracy checks, run on a practice's data.

CMS evaluates third-party submissions for "data inaccuracies" (seed 002): TIN/NPI
issues, formatting issues, calculation issues (numerators larger than denominators,
wrong performance or data completeness rates). This module runs the same kinds of
checks on what a workspace holds for one reporting entity before its file is
written, plus the program rules CMS's submission validation applies (measures of the
year and their collection types, a measure with its own exclusion, required PI
parts, one PI source, an election for opt-in eligible clinicians and groups).

Promoting Interoperability is checked with the PI scorer's own evaluation, so every
reason the score preview would give PI a 0 is a problem here too. With
``fmt="qrda3"`` the QRDA III writer runs on the data and every measure it would leave
out is listed (:func:`desktop_app.exporting.export.add_left_out_problems`).

Each :class:`ExportProblem` has a severity (an ``error`` blocks the export, a
``warning`` doesn't), a plain message, and the journey step that fixes it
(``practice``, ``eligibility``, ``election``, ``quality``, ``pi``, ``ia``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from desktop_app.formats.qpp_json import (
    MeasurementSet,
    MultiPerformanceRate,
    Proportion,
    SinglePerformanceRate,
    Submission,
)
from desktop_app.formats.submission_rules import (
    exclusion_problems,
    program_problems,
    quality_value_problems,
)
from desktop_app.models.identifiers import validate_npi, validate_tin
from desktop_app.reporting import VALUES_TABLE, EntityKey, build_submission, ensure_tables

if TYPE_CHECKING:
    from desktop_app.catalog import Catalog
    from desktop_app.rules.model import PiMeasureRule, ProgramRules
    from desktop_app.store import Workspace

Severity = Literal["error", "warning"]
StepKey = Literal["practice", "eligibility", "election", "quality", "pi", "ia"]

STEP_TITLES: dict[str, str] = {
    "practice": "Practice",
    "eligibility": "Eligibility",
    "election": "Election",
    "quality": "Quality",
    "pi": "Promoting Interoperability",
    "ia": "Improvement Activities",
}

_CATEGORY_NAMES = {"quality": "quality", "pi": "Promoting Interoperability", "ia": "improvement"}
_METHOD_NAMES = {
    "registry": "MIPS CQM (registry)",
    "electronicHealthRecord": "eCQM (electronic health record)",
    "claims": "Medicare Part B claims",
}


@dataclass(frozen=True)
class ExportProblem:
    severity: Severity
    code: str
    """A stable identifier such as ``NUMERATOR_ABOVE_DENOMINATOR`` (for tests and logs)."""
    message: str
    step: StepKey
    """The journey step where the user fixes it."""
    measure_id: str | None = None

    @property
    def step_title(self) -> str:
        return STEP_TITLES[self.step]

    def describe(self) -> str:
        return f"{self.severity.upper()}: {self.message} (fix on: {self.step_title})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "step": self.step,
            "measureId": self.measure_id,
        }


@dataclass
class CheckReport:
    """Everything the pre-export check found for one entity, and the submission it read."""

    entity: EntityKey
    problems: list[ExportProblem] = field(default_factory=list)
    submission: Submission | None = None
    """The entity's data as QPP JSON (None when it could not be read at all)."""

    @property
    def errors(self) -> list[ExportProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[ExportProblem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """No errors: the file may be exported (warnings are shown, not blocking)."""
        return not self.errors

    def add(
        self,
        severity: Severity,
        code: str,
        message: str,
        step: StepKey,
        measure_id: str | None = None,
    ) -> None:
        self.problems.append(ExportProblem(severity, code, message, step, measure_id))

    def as_dict(self) -> dict[str, Any]:
        return {
            "entity": entity_text(self.entity),
            "ok": self.ok,
            "problems": [p.as_dict() for p in self.problems],
        }


def entity_text(entity: EntityKey) -> str:
    """``TIN`` for a group, ``TIN/NPI`` for a clinician."""
    return entity.tin + (f"/{entity.npi}" if entity.npi else "")


def _who(entity: EntityKey) -> str:
    if entity.npi is None:
        return f"the group (TIN {entity.tin})"
    return f"the clinician with NPI {entity.npi}"


def _step_of(category: str) -> StepKey:
    return "quality" if category == "quality" else "pi" if category == "pi" else "ia"


# --------------------------------------------------------------------------- identifiers
def _check_identifiers(ws: Workspace, entity: EntityKey, report: CheckReport) -> None:
    practice = ws.practice()
    if practice is None:
        report.add(
            "error",
            "NO_PRACTICE",
            "No practice is set up in this workspace: enter the practice's TIN and name first.",
            "practice",
        )
        return
    try:
        validate_tin(practice.tin)
    except ValueError as exc:
        report.add("error", "TIN_INVALID", str(exc), "practice")
    if entity.tin != practice.tin:
        report.add(
            "error",
            "TIN_NOT_PRACTICE",
            f"TIN {entity.tin} is not this practice's TIN ({practice.tin}). CMS counts a "
            "wrong TIN as a data inaccuracy; export only the practice's own TIN.",
            "practice",
        )
    if entity.npi is not None:
        try:
            validate_npi(entity.npi)
        except ValueError as exc:
            report.add("error", "NPI_INVALID", str(exc), "practice")
        if ws.clinician(entity.npi) is None:
            report.add(
                "error",
                "NPI_NOT_IN_PRACTICE",
                f"NPI {entity.npi} is not one of the practice's clinicians. Add the clinician "
                "on the Practice page (a group's own organizational NPI can't be reported "
                "as a clinician).",
                "practice",
            )
    if entity.tin.startswith("000"):
        report.add(
            "warning",
            "TEST_TIN",
            f"TIN {entity.tin} starts with 000: QPP accepts such test TINs only in its "
            "Developer Preview (sandbox), not in a real submission.",
            "practice",
        )


# --------------------------------------------------------------------------- election
def _check_election(
    ws: Workspace, entity: EntityKey, report: CheckReport, cache: dict[int, Any]
) -> None:
    """An opt-in eligible entity needs a confirmed election (the elections gate says
    why); an entity whose eligibility is not determined gets a warning. ``cache`` keeps
    the practice's eligibility per year across the entities of one export."""
    from desktop_app.elections import data_entry_allowed
    from desktop_app.eligibility.model import Status
    from desktop_app.eligibility.store import practice_eligibility

    try:
        if entity.year not in cache:
            cache[entity.year] = practice_eligibility(ws, entity.year)
        practice = cache[entity.year]
        found = (
            practice.entity(entity.npi)
            if practice is not None and practice.group.tin == entity.tin
            else None
        )
        status = found.effective.status if found is not None else None
        if status is Status.OPT_IN_ELIGIBLE:
            # Locked until an election is confirmed: the gate of the elections module.
            allowed, why = data_entry_allowed(ws, entity, entity.year)
            if not allowed:
                report.add("error", "NO_ELECTION", why, "election")
            return
    except ValueError as exc:  # no eligibility rules for the year
        report.add("warning", "ELIGIBILITY_UNKNOWN", str(exc), "eligibility")
        return
    if status is Status.NOT_DETERMINED:
        report.add(
            "warning",
            "ELIGIBILITY_UNKNOWN",
            f"The MIPS eligibility of {_who(entity)} for {entity.year} is not determined yet "
            "(no low-volume figures and no QPP lookup). Check it before submitting: an "
            "opt-in eligible clinician or group must confirm an election first.",
            "eligibility",
        )


# --------------------------------------------------------------------------- raw values
def _raw_counts(measure_id: str, value: Any, report: CheckReport, step: StepKey) -> None:
    """Calculation checks on a stored value as it is (even one the models would refuse)."""
    if not isinstance(value, dict):
        return
    if "numerator" in value and "denominator" in value and "strata" not in value:
        num, den = value.get("numerator"), value.get("denominator")
        if isinstance(num, int | float) and isinstance(den, int | float) and num > den:
            report.add(
                "error",
                "NUMERATOR_ABOVE_DENOMINATOR",
                f"{measure_id}: the numerator ({num}) is larger than the denominator ({den}).",
                step,
                measure_id,
            )
        return
    strata = value.get("strata")
    rows: list[Any] = strata if isinstance(strata, list) else [value]
    for row in rows:
        if not isinstance(row, dict):
            continue
        pop = row.get("eligiblePopulation")
        parts = [
            row.get(k)
            for k in (
                "performanceMet",
                "performanceNotMet",
                "eligiblePopulationExclusion",
                "eligiblePopulationException",
            )
        ]
        if not isinstance(pop, int) or not all(isinstance(p, int) or p is None for p in parts):
            continue
        total = sum(p or 0 for p in parts)
        if total > pop:
            where = f" (stratum {row['stratum']})" if "stratum" in row else ""
            report.add(
                "error",
                "NUMERATOR_ABOVE_DENOMINATOR",
                f"{measure_id}{where}: performance met, not met, exclusions and exceptions "
                f"add up to {total}, more than the eligible population (denominator) {pop}.",
                step,
                measure_id,
            )


def _check_raw_values(ws: Workspace, entity: EntityKey, report: CheckReport) -> None:
    ensure_tables(ws)
    rows = ws.db.execute(
        f"SELECT category, measure_id, value_json FROM {VALUES_TABLE} "  # noqa: S608
        "WHERE year = ? AND tin = ? AND npi = ?",
        [entity.year, entity.tin, entity.npi or ""],
    ).fetchall()
    for category, measure_id, value_json in rows:
        try:
            value = json.loads(value_json)
        except json.JSONDecodeError:
            report.add(
                "error",
                "VALUE_UNREADABLE",
                f"{measure_id}: the stored value can't be read; enter it again.",
                _step_of(category),
                measure_id,
            )
            continue
        _raw_counts(measure_id, value, report, _step_of(category))


# --------------------------------------------------------------------------- measures
def _check_measures(
    sub: Submission,
    catalog: Catalog,
    rules: ProgramRules | None,
    report: CheckReport,
    reporting_option: str,
) -> None:
    year = sub.performance_year
    for mset in sub.measurement_sets:
        step = _step_of(mset.category)
        mvp = None
        if mset.program_name not in ("mips", "app1", "appPlus"):
            mvp = catalog.mvp(year, mset.program_name)
            if mvp is None:
                report.add(
                    "error",
                    "MVP_NOT_VALID_FOR_YEAR",
                    f"MVP {mset.program_name} is not an MVP of {year}.",
                    "election",
                )
        if reporting_option != "traditional" and mset.program_name != reporting_option:
            report.add(
                "warning",
                "PROGRAM_MISMATCH",
                f"The {_CATEGORY_NAMES[mset.category]} data is stored for "
                f"{_program_text(mset.program_name)}, but {_who(report.entity)} reports "
                f"{_program_text(reporting_option)}.",
                step,
            )
        for p in exclusion_problems(mset, catalog, year):
            report.add("error", p.code, p.message, step, p.measure_id)
        for p in program_problems(mset, catalog, year):
            report.add("error", p.code, p.message, step, p.measure_id)
        for m in mset.measurements:
            info = catalog.measure(year, m.measure_id)
            if info is None:
                report.add(
                    "error",
                    "MEASURE_NOT_VALID_FOR_YEAR",
                    f"{m.measure_id} is not a {year} {_CATEGORY_NAMES[mset.category]} measure; "
                    f"remove it or replace it with a measure of {year}.",
                    step,
                    m.measure_id,
                )
                continue
            if info.category != mset.category:
                report.add(
                    "error",
                    "MEASURE_WRONG_CATEGORY",
                    f"{m.measure_id} is a {info.category} measure, not "
                    f"{_CATEGORY_NAMES[mset.category]}.",
                    step,
                    m.measure_id,
                )
                continue
            methods = info.submission_methods
            if mset.category == "quality" and methods and mset.submission_method not in methods:
                report.add(
                    "error",
                    "COLLECTION_TYPE_NOT_VALID",
                    f"{m.measure_id} can't be reported as "
                    f"{_METHOD_NAMES.get(mset.submission_method, mset.submission_method)} in "
                    f"{year} (it can be: "
                    + ", ".join(_METHOD_NAMES.get(x, x) for x in methods)
                    + ").",
                    step,
                    m.measure_id,
                )
            if mvp is not None:
                allowed = {
                    "quality": mvp.quality_measure_ids + mvp.foundation_quality_measure_ids,
                    "ia": mvp.ia_measure_ids,
                }.get(mset.category)
                if allowed is not None and m.measure_id not in allowed:
                    report.add(
                        "error",
                        "MEASURE_NOT_IN_MVP",
                        f"{m.measure_id} is not part of MVP {mvp.mvp_id} ({mvp.title}).",
                        step,
                        m.measure_id,
                    )
            if mset.category == "quality":
                for p in quality_value_problems(
                    m.measure_id, m.value, mset.submission_method, info
                ):
                    report.add("error", p.code, p.message, "quality", m.measure_id)
                if rules is not None:
                    _check_quality_value(m.measure_id, m.value, mset, rules, report)


def _program_text(program: str) -> str:
    names = {
        "mips": "traditional MIPS",
        "traditional": "traditional MIPS",
        "app1": "the APM Performance Pathway (APP)",
        "appPlus": "the APP Plus quality measure set",
    }
    return names.get(program, f"MVP {program}")


def _check_quality_value(
    measure_id: str, value: Any, mset: MeasurementSet, rules: ProgramRules, report: CheckReport
) -> None:
    if isinstance(value, SinglePerformanceRate):
        rows: list[tuple[str, Any]] = [("", value)]
    elif isinstance(value, MultiPerformanceRate):
        rows = [(f" (stratum {s.stratum})", s) for s in value.strata]
    else:
        return
    threshold = rules.quality.data_completeness_percent.value
    for where, row in rows:
        if row.eligible_population == 0:
            report.add(
                "warning",
                "EMPTY_POPULATION",
                f"{measure_id}{where}: the eligible population is 0, so the measure has no "
                "data to score.",
                "quality",
                measure_id,
            )
            continue
        rate = row.reporting_rate
        if rate is not None and rate < threshold:
            report.add(
                "warning",
                "DATA_COMPLETENESS_LOW",
                f"{measure_id}{where}: data completeness is {rate:.1f}% "
                f"({row.reported} of {row.eligible_population} eligible instances reported); "
                f"CMS requires at least {threshold:g}%, or the measure earns no achievement "
                "points.",
                "quality",
                measure_id,
            )


# --------------------------------------------------------------------------- PI
_PI_METHOD_NAMES = {
    "electronicHealthRecord": "file upload from the EHR (QRDA III)",
    "registry": "manual entry (registry)",
}


def _pi_source(mset: MeasurementSet) -> str:
    return _PI_METHOD_NAMES.get(mset.submission_method, mset.submission_method) + (
        f" for {mset.program_name}" if mset.program_name != "mips" else ""
    )


def _pi_value_text(value: object) -> str:
    if isinstance(value, Proportion):
        return f"{value.numerator}/{value.denominator}"
    return "Yes" if value is True else "No" if value is False else str(value)


def _check_pi_sources(sets: list[MeasurementSet], report: CheckReport) -> None:
    """Several PI sets: an error per measure they disagree on (CMS scores PI 0, the
    scorer's rule in ``merge_pi_sets``), else a warning that they are merged."""
    from desktop_app.scoring.pi import merge_pi_sets

    merged = merge_pi_sets(sets)
    sources = ", ".join(_pi_source(s) for s in sets)
    conflicting = [
        m.measure_id
        for m in merged.set.measurements
        if any(c.startswith(f"{m.measure_id} ") for c in merged.conflicts)
    ]
    for mid in conflicting:
        values = "; ".join(
            f"{_pi_value_text(m.value)} in the {_pi_source(s)}"
            for s in sets
            for m in s.measurements
            if m.measure_id == mid
        )
        report.add(
            "error",
            "PI_CONFLICTING_SOURCES",
            f"Promoting Interoperability data comes from {len(sets)} sources ({sources}) that "
            f"disagree on {mid}: {values}. CMS scores Promoting Interoperability 0 when a "
            "measure is sent with different values: make them agree, or keep one source.",
            "pi",
            mid,
        )
    if not conflicting:
        report.add(
            "warning",
            "PI_SOURCES_MERGED",
            f"Promoting Interoperability data comes from {len(sets)} sources ({sources}). "
            "They don't disagree on any measure, so CMS merges them; check that this is "
            "intended.",
            "pi",
        )


_ZERO = "the Promoting Interoperability score will be 0"
_NO_HINT = (
    " CMS accepts a file with this answer, but {zero}, and sending PI data cancels any PI "
    "reweighting (an approved hardship exception or a special status). It is a warning, not "
    "an error, because {answer} can be the true answer: if it was a mistake, correct it; "
    "{exclusion}if it is right and PI would otherwise be reweighted, leave the Promoting "
    "Interoperability data out of the submission."
)


def _no_hint(rules: list[PiMeasureRule]) -> str:
    counts = bool(rules) and all(r.kind == "proportion" for r in rules)
    return _NO_HINT.format(
        zero=_ZERO,
        answer="a numerator of 0" if counts else "No",
        exclusion="if an exclusion applies, claim it; " if any(r.exclusions for r in rules) else "",
    )


def _pi_problem_kind(rule: PiMeasureRule, values: dict[str, object]) -> str:
    """Why the scorer counts ``rule`` as a problem, in terms of what the user must do:
    ``missing`` (not reported), ``engagement`` (Yes without an active engagement option),
    ``negative`` (answered No, or a numerator of 0: a true answer CMS accepts) or
    ``invalid`` (a value of the wrong kind)."""
    value = values.get(rule.measure_id)
    if value is None:
        return "missing"
    if rule.kind == "proportion":
        if isinstance(value, Proportion):
            return "negative"
        return "invalid"
    if value is False:
        return "negative"
    if value is True and rule.active_engagement:
        return "engagement"
    return "invalid"


def _pi_hint(kind: str, rules: list[PiMeasureRule], *, several: bool = False) -> str:
    """What to do about a PI problem of ``kind`` on ``rules`` (``several``: the rules of
    an objective that can be met in several ways)."""
    if kind == "negative":
        return _no_hint(rules)
    if kind == "engagement":
        options = sorted({a for r in rules for a in r.active_engagement})
        return (
            " Choose the active engagement option on the Promoting Interoperability page ("
            + " or ".join(options)
            + ": pre-production and validation, or validated data production); CMS gives "
            f"no credit without it, so {_ZERO}."
        )
    if kind == "missing":
        exclusions = sorted({e for r in rules for e in r.exclusions})
        if several:
            return (
                " Complete one of its options (or claim the exclusions that apply); a "
                f"required objective left incomplete means {_ZERO}."
            )
        return (
            " Report it"
            + (f" or claim its exclusion ({', '.join(exclusions)})" if exclusions else "")
            + f"; a required measure left out means {_ZERO}."
        )
    return f" Enter it again on the Promoting Interoperability page; otherwise {_ZERO}."


_PI_CODES = {
    "missing": "PI_REQUIRED_MISSING",
    "engagement": "PI_ACTIVE_ENGAGEMENT_MISSING",
    "negative": "PI_REQUIRED_NO",
    "invalid": "PI_VALUE_INVALID",
}


def _check_pi_objectives(
    values: dict[str, object], rules: ProgramRules, report: CheckReport
) -> list[str]:
    """Each required objective the scorer finds incomplete (its own evaluation, so the
    check and the score preview agree): an error when the data is incomplete (a measure
    missing, Yes without active engagement, a value of the wrong kind), a warning when
    every part is answered but an answer is No (CMS accepts it; PI scores 0). Returns the
    scorer's reasons reported here."""
    from desktop_app.scoring import pi as scoring_pi

    covered: list[str] = []
    for objective in rules.pi.objectives.value:
        if not objective.required:
            continue
        ev = scoring_pi._evaluate(objective, values)
        if ev.complete:
            continue
        covered.extend(ev.problems)
        options = [
            [r for r in option if scoring_pi._measure_status(r, values).state == "problem"]
            for option in objective.options
        ]
        if len(objective.options) == 1:
            for rule, reason in zip(options[0], ev.problems, strict=False):
                kind = _pi_problem_kind(rule, values)
                report.add(
                    "warning" if kind == "negative" else "error",
                    _PI_CODES[kind],
                    reason + _pi_hint(kind, [rule]),
                    "pi",
                    rule.measure_id,
                )
            continue
        # Several ways to meet the objective: only answered No if one way is fully answered.
        kinds = [{_pi_problem_kind(r, values) for r in option} for option in options]
        answered = next((k for k in kinds if k == {"negative"}), None)
        kind = (
            "negative"
            if answered
            else next(
                (k for k in ("engagement", "invalid") if any(k in ks for ks in kinds)), "missing"
            )
        )
        report.add(
            "warning" if kind == "negative" else "error",
            _PI_CODES[kind],
            " ".join(ev.problems)
            + _pi_hint(kind, [r for option in options for r in option], several=True),
            "pi",
        )
    return covered


def _check_pi(
    sub: Submission, rules: ProgramRules, report: CheckReport, catalog: Catalog | None
) -> None:
    """Every reason the scorer gives PI a 0 becomes a problem, each pointing to the PI page.

    The checks call the scorer (``desktop_app.scoring.pi``) rather than restating its
    rules; any reason not covered by a specific problem below is still reported (as an
    error) from the scorer's own list, so the check and the score preview can't disagree.
    """
    from desktop_app.scoring import MemoryLookup
    from desktop_app.scoring.pi import check_cehrt_id, check_period, merge_pi_sets, score_pi
    from desktop_app.scoring.result import EstimateLog

    sets = sub.sets("pi")
    if not sets:
        return
    merged = merge_pi_sets(sets)
    covered: list[str] = list(merged.conflicts)
    if len(sets) > 1:
        _check_pi_sources(sets, report)
    # The rest is checked on the merged data, as CMS (and the scorer) reads it.
    mset = merged.set
    problem = check_cehrt_id(mset.cehrt_id, rules)
    if problem:
        covered.append(problem)
        report.add("error", "PI_CEHRT_ID", problem, "pi")
    problem = check_period(mset.performance_start, mset.performance_end, rules)
    if problem:
        covered.append(problem)
        report.add("error", "PI_PERIOD", problem, "pi")
    values: dict[str, object] = {m.measure_id: m.value for m in mset.measurements}
    flagged: list[str] = []
    for att in rules.pi.required_attestations.value:
        v = values.get(att.measure_id)
        if v is None:
            flagged.append(att.measure_id)
            report.add(
                "error",
                "PI_REQUIRED_MISSING",
                f"The required attestation {att.measure_id} ({att.label}) is missing: answer "
                f"it on the Promoting Interoperability page; without it {_ZERO}.",
                "pi",
                att.measure_id,
            )
        elif v is not True:
            flagged.append(att.measure_id)
            kind = "negative" if v is False else "invalid"
            report.add(
                "warning" if kind == "negative" else "error",
                _PI_CODES[kind],
                f"The required attestation {att.measure_id} ({att.label}) is answered "
                + ("No." if v is False else f"{_pi_value_text(v)}, not Yes or No.")
                + _pi_hint(kind, []),
                "pi",
                att.measure_id,
            )
    covered += _check_pi_objectives(values, rules, report)
    # The scorer's verdict: anything else that makes PI 0 is an error too.
    lookup = catalog if catalog is not None else MemoryLookup([])
    category, _rows = score_pi(sets, rules, lookup, EstimateLog())
    for reason in category.reasons:
        if reason in covered or any(
            reason.startswith(f"Required attestation {mid} ") for mid in flagged
        ):
            continue
        report.add(
            "error",
            "PI_SCORES_ZERO",
            f"{reason} Fix it on the Promoting Interoperability page; otherwise {_ZERO}.",
            "pi",
        )
    cehrt_ids = {s.cehrt_id for s in sub.measurement_sets if s.cehrt_id}
    if len(cehrt_ids) > 1:
        report.add(
            "warning",
            "CEHRT_IDS_DIFFER",
            "The data names different CEHRT IDs (" + ", ".join(sorted(cehrt_ids)) + "); "
            "check that each comes from the certified EHR actually used.",
            "pi",
        )


def _check_ecqm_cehrt(sub: Submission, rules: ProgramRules, report: CheckReport) -> None:
    """eCQM data comes from certified EHR technology: its set needs the CEHRT ID."""
    from desktop_app.scoring.pi import check_cehrt_id

    for mset in sub.sets("quality"):
        if mset.submission_method != "electronicHealthRecord":
            continue
        problem = check_cehrt_id(mset.cehrt_id, rules)
        if problem:
            report.add(
                "error",
                "ECQM_CEHRT_ID",
                f"eCQM data: {problem} Enter the CEHRT ID of the EHR the eCQMs come from.",
                "quality",
            )


def _check_proportions(
    sub: Submission, report: CheckReport, rules: ProgramRules | None = None
) -> None:
    exclusions = (
        {
            r.measure_id: r.exclusions
            for o in rules.pi.objectives.value
            for option in o.options
            for r in option
        }
        if rules is not None
        else {}
    )
    for mset in sub.sets("pi"):
        for m in mset.measurements:
            if isinstance(m.value, Proportion) and m.value.denominator == 0:
                own = exclusions.get(m.measure_id) or []
                advice = (
                    f"If the measure doesn't apply, claim its exclusion ({', '.join(own)}) instead."
                    if own
                    else f"{m.measure_id} has no exclusion: report it with its real counts."
                )
                report.add(
                    "warning",
                    "PI_ZERO_DENOMINATOR",
                    f"{m.measure_id}: the denominator is 0. {advice}",
                    "pi",
                    m.measure_id,
                )


# --------------------------------------------------------------------------- entry point
def check_entity(
    ws: Workspace,
    entity: EntityKey,
    catalog: Catalog | None,
    *,
    reporting_option: str | None = None,
    eligibility_cache: dict[int, Any] | None = None,
    fmt: str | None = None,
    batch: bool = False,
) -> CheckReport:
    """Run every pre-export check for ``entity`` (its year is ``entity.year``).

    ``catalog`` may be None (no measures data on this computer): the measures are then
    not checked against the year, and a warning says so. ``eligibility_cache`` (an empty
    dict shared by the calls of one batch) saves re-evaluating the practice's
    eligibility for every entity. ``fmt="qrda3"`` also runs the QRDA III writer and lists
    every measure it would leave out (an error when the data must be fixed, a warning
    when QRDA III can't carry it by design); ``batch`` (checking every entity for one
    export) makes "nothing can be written as QRDA III" a warning, as such an entity is
    then skipped. Stored data this version can't read is reported as an error, not
    raised.
    """
    from desktop_app.store import WorkspaceError

    report = CheckReport(entity=entity)
    try:
        _run_checks(ws, entity, catalog, report, reporting_option, eligibility_cache)
        if fmt == "qrda3" and report.submission is not None:
            _check_qrda3(ws, entity, catalog, report, batch)
    except WorkspaceError as exc:
        report.add(
            "error",
            "STORED_DATA_UNREADABLE",
            f"The stored data of {_who(entity)} can't be read: {exc}",
            "practice",
        )
    return report


def _check_qrda3(
    ws: Workspace, entity: EntityKey, catalog: Catalog | None, report: CheckReport, batch: bool
) -> None:
    from desktop_app.exporting.export import check_qrda3

    if catalog is None:
        report.add(
            "error",
            "QRDA_NEEDS_CATALOG",
            "QRDA III export needs the measures catalog (to identify each eCQM): update the "
            "measures data (Help > Update measures data), or export QPP JSON.",
            "quality",
        )
    elif entity.year in catalog.years():
        check_qrda3(ws, entity, catalog, report, batch=batch)


def _run_checks(
    ws: Workspace,
    entity: EntityKey,
    catalog: Catalog | None,
    report: CheckReport,
    reporting_option: str | None,
    eligibility_cache: dict[int, Any] | None,
) -> None:
    _check_identifiers(ws, entity, report)
    _check_election(ws, entity, report, {} if eligibility_cache is None else eligibility_cache)
    _check_raw_values(ws, entity, report)
    if any(p.code == "NUMERATOR_ABOVE_DENOMINATOR" for p in report.problems):
        return
    try:
        sub = build_submission(ws, entity)
    except ValueError as exc:
        report.add(
            "error",
            "DATA_UNREADABLE",
            f"The stored data of {_who(entity)} can't be read as a submission: {exc}",
            "quality",
        )
        return
    report.submission = sub
    if not sub.measurement_sets:
        report.add(
            "error",
            "NO_DATA",
            f"There is no quality, Promoting Interoperability or improvement activity data "
            f"for {_who(entity)} in {entity.year}: nothing to export.",
            "quality",
        )
        return
    if reporting_option is None:
        reporting_option = next(
            (
                e.reporting_option
                for e in ws.reporting_entities(entity.year)
                if e.tin == entity.tin and e.npi == entity.npi
            ),
            "traditional",
        )
    rules = _rules(entity.year, report)
    if catalog is None:
        report.add(
            "warning",
            "NO_CATALOG",
            "The measures catalog is not available, so the measures were not checked "
            f"against the {entity.year} measure list.",
            "quality",
        )
    elif entity.year not in catalog.years():
        report.add(
            "error",
            "YEAR_NOT_IN_CATALOG",
            f"The measures catalog has no {entity.year} measures; update the catalog "
            "(Help > Update measures data) before exporting.",
            "quality",
        )
    else:
        _check_measures(sub, catalog, rules, report, reporting_option)
    if rules is not None:
        _check_pi(sub, rules, report, catalog)
        _check_ecqm_cehrt(sub, rules, report)
    _check_proportions(sub, report, rules)


def _rules(year: int, report: CheckReport) -> ProgramRules | None:
    from desktop_app.rules import RulesError, load_rules

    try:
        return load_rules(year)
    except RulesError as exc:
        report.add("error", "NO_RULES", str(exc), "practice")
        return None
