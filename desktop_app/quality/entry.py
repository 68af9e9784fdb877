"""Checking quality data as the user types it, with the live points it would earn.

A measure is entered per collection type (MIPS CQM = ``registry``, eCQM =
``electronicHealthRecord``) as five counts: eligible population, denominator
exclusions, denominator exceptions, performance met and performance not met; a
multi-rate measure has these counts per stratum. :func:`check_entry` says what is
wrong or risky (counts that don't add up, data completeness below the year's
threshold, an eligible population under the case minimum, inverse measures), computes
the performance rate and data completeness, builds the QPP JSON value to store, and
asks the scoring engine for the points and their reason (no scoring logic lives
here), shown out of the most the measure can earn (the topped-out cap if capped).

It refuses or flags what export refuses or leaves out, for the same reasons:

- a MIPS CQM with denominator exclusions is an error (CQM_EXCLUSION_NOT_ZERO, as in
  :mod:`desktop_app.exporting.check`): CMS's QPP JSON reference says
  eligiblePopulationExclusion "should be 0 for all CQM measures as excluded
  populations should already have been subtracted out of the eligible population";
  the message says which eligible population to enter instead. eCQMs report them;
- an eCQM whose met + not met + exclusions + exceptions isn't its eligible population
  is a warning (ECQM_COUNTS_DONT_ADD_UP): QPP JSON can carry it, but the QRDA III
  writer leaves it out ("the counts don't add up").
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

from desktop_app.catalog.model import MeasureInfo
from desktop_app.formats.qpp_json import Measurement
from desktop_app.models.numbers import grouped_whole_number
from desktop_app.rules import ProgramRules, load_rules
from desktop_app.scoring.lookup import MeasureLookup
from desktop_app.scoring.quality import score_quality_measure
from desktop_app.scoring.result import EstimateLog, MeasureScore, ScoringOptions

FieldName = Literal["eligible_population", "exclusions", "exceptions", "met", "not_met"]
FIELDS: tuple[FieldName, ...] = (
    "eligible_population",
    "exclusions",
    "exceptions",
    "met",
    "not_met",
)
FIELD_LABELS: dict[FieldName, str] = {
    "eligible_population": "Eligible population",
    "exclusions": "Denominator exclusions",
    "exceptions": "Denominator exceptions",
    "met": "Performance met",
    "not_met": "Performance not met",
}
_JSON_KEYS: dict[FieldName, str] = {
    "eligible_population": "eligiblePopulation",
    "exclusions": "eligiblePopulationExclusion",
    "exceptions": "eligiblePopulationException",
    "met": "performanceMet",
    "not_met": "performanceNotMet",
}
Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class EntryIssue:
    severity: Severity
    message: str
    field: FieldName | None = None
    stratum: str | None = None
    code: str | None = None
    """A stable name for issues the page acts on (e.g. :data:`CQM_EXCLUSION_NOT_ZERO`)."""


CQM_EXCLUSION_NOT_ZERO = "CQM_EXCLUSION_NOT_ZERO"
"""A MIPS CQM with denominator exclusions: the export check refuses it (same code)."""
ECQM_COUNTS_DONT_ADD_UP = "ECQM_COUNTS_DONT_ADD_UP"
"""An eCQM whose counts don't equal its eligible population: no QRDA III for it."""


@dataclass(frozen=True)
class Counts:
    """The five counts of one rate (None = left empty)."""

    eligible_population: int | None = None
    exclusions: int | None = None
    exceptions: int | None = None
    met: int | None = None
    not_met: int | None = None

    @property
    def empty(self) -> bool:
        return all(getattr(self, f) is None for f in FIELDS)

    def get(self, name: FieldName) -> int | None:
        value: int | None = getattr(self, name)
        return value

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Counts:
        """From a stored QPP JSON single-rate value or stratum."""
        kwargs: dict[str, int | None] = {}
        for name, key in _JSON_KEYS.items():
            raw = value.get(key)
            kwargs[name] = int(raw) if isinstance(raw, int) else None
        return cls(**kwargs)

    def to_json(self) -> dict[str, int]:
        """The counts as QPP JSON fields (empty optional counts as 0)."""
        return {_JSON_KEYS[name]: self.get(name) or 0 for name in FIELDS}


def cqm_exclusion_fix(counts: Counts) -> Counts | None:
    """A MIPS CQM's counts with the denominator exclusions taken out of the eligible
    population (and 0 exclusions), or None when that gives no sound record: nothing to
    take out, or a population that would be 0 or smaller than met + not met +
    exceptions (the counts themselves are wrong then)."""
    pop, excl = counts.eligible_population, counts.exclusions or 0
    if pop is None or excl <= 0:
        return None
    left = pop - excl
    others = (counts.met or 0) + (counts.not_met or 0) + (counts.exceptions or 0)
    if left <= 0 or left < others:
        return None
    return replace(counts, eligible_population=left, exclusions=0)


def parse_count(text: str, name: FieldName) -> tuple[int | None, EntryIssue | None]:
    """A typed count: '' -> None; '1,200' -> 1200; anything else is an error naming the field."""
    typed = text.strip()
    if not typed:
        return None, None
    # thousands may also be grouped by spaces here ('1 200'), as counts are often typed
    value = grouped_whole_number(typed, space_groups=True)
    if value is None:
        return None, EntryIssue(
            "error",
            f"{FIELD_LABELS[name]} must be a whole number of 0 or more, like 1200 or 1,200 "
            f"(you typed '{typed}').",
            name,
        )
    return value, None


def counts_from_text(texts: dict[FieldName, str]) -> tuple[Counts, list[EntryIssue]]:
    values: dict[str, int | None] = {}
    issues: list[EntryIssue] = []
    for name in FIELDS:
        value, issue = parse_count(texts.get(name, ""), name)
        values[name] = value
        if issue is not None:
            issues.append(issue)
    return Counts(**values), issues


def _pct(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") + "%"


@dataclass(frozen=True)
class RateCheck:
    """The figures and problems of one rate (the whole measure or one stratum)."""

    performance_rate: float | None
    data_completeness: float | None
    issues: list[EntryIssue]


def check_counts(
    counts: Counts,
    *,
    completeness_min: float,
    case_minimum: int,
    submission_method: str,
    stratum: str | None = None,
) -> RateCheck:
    """Do the counts add up, and do they meet data completeness and the case minimum?"""
    issues: list[EntryIssue] = []
    where = f"Stratum '{stratum}': " if stratum else ""

    def add(sev: Severity, msg: str, fld: FieldName | None = None, code: str | None = None) -> None:
        issues.append(EntryIssue(sev, where + msg, fld, stratum, code))

    if counts.empty:
        add("info", "Nothing entered yet.")
        return RateCheck(None, None, issues)
    pop = counts.eligible_population
    met = counts.met
    if pop is None:
        add("error", "Enter the eligible population (the denominator).", "eligible_population")
    if met is None:
        add("error", "Enter performance met (the numerator); 0 if none.", "met")
    if pop is None or met is None:
        return RateCheck(None, None, issues)
    excl = counts.exclusions or 0
    exc = counts.exceptions or 0
    not_met = counts.not_met or 0
    reported = met + not_met + excl + exc
    if submission_method == "registry" and excl > 0:
        # CMS's QPP JSON reference (measurements, cqmSinglePerformanceRate):
        # "eligiblePopulationExclusion should be 0 for all CQM measures as excluded
        # populations should already have been subtracted out of the eligible
        # population in the denominator". The export check refuses it the same way.
        rule = (
            "A MIPS CQM reports denominator exclusions by leaving those patients out of the "
            "eligible population (CMS expects eligiblePopulationExclusion = 0 for MIPS CQMs, "
            "and the export refuses it)"
        )
        others = met + not_met + exc
        if excl > pop:
            text = (
                f"{rule}, but the {excl} exclusions are more than the eligible population "
                f"{pop}: correct the counts, then enter the eligible population without the "
                "excluded patients and 0 as denominator exclusions."
            )
        elif pop - excl == 0:
            text = (
                f"{rule}, but all {pop} patients are excluded: nothing would be left to "
                "report. Correct the counts, or remove the measure if no patient qualifies."
            )
        elif pop - excl < others:
            text = (
                f"{rule}, but without the {excl} excluded patients the eligible population "
                f"would be {pop - excl}, less than met {met} + not met {not_met} + exceptions "
                f"{exc} = {others}: correct the counts first (the eligible population holds "
                "every met, not met, excepted and excluded patient)."
            )
        else:
            text = (
                f"{rule}: enter {pop - excl} as the eligible population ({pop} - {excl} "
                "excluded) and 0 as denominator exclusions."
            )
        add("error", text, "exclusions", CQM_EXCLUSION_NOT_ZERO)
    if reported > pop:
        add(
            "error",
            f"The counts don't add up: met {met} + not met {not_met} + exclusions {excl} + "
            f"exceptions {exc} = {reported}, more than the eligible population {pop}.",
            "not_met" if counts.not_met else "met",
        )
        return RateCheck(None, None, issues)
    # QPP's performance rate: met / (met + not met); unreported instances lower data
    # completeness, not the rate.
    denominator = met + not_met
    rate = 100.0 * met / denominator if denominator > 0 else None
    completeness = 100.0 * reported / pop if pop > 0 else None
    if pop == 0:
        add("warning", "The eligible population is 0: there is nothing to score.")
    elif reported < pop and submission_method == "electronicHealthRecord":
        # An EHR counts every patient of the denominator: met + not met + exclusions +
        # exceptions = eligible population. The QRDA III writer leaves any other eCQM out.
        add(
            "warning",
            f"The counts don't add up for an eCQM: met {met} + not met {not_met} + "
            f"exclusions {excl} + exceptions {exc} = {reported}, not the eligible population "
            f"{pop}. A QRDA III file can't carry this measure (the export leaves it out); "
            f"enter the {pop - reported} remaining patients as performance not met (or "
            "correct the eligible population), as your EHR's report shows them.",
            "not_met",
            ECQM_COUNTS_DONT_ADD_UP,
        )
    elif reported < pop:
        add(
            "info" if completeness is not None and completeness >= completeness_min else "warning",
            f"{pop - reported} of {pop} eligible instances are not reported "
            f"(met + not met + exclusions + exceptions = {reported}).",
            "not_met",
        )
    if completeness is not None and completeness < completeness_min:
        add(
            "warning",
            f"Data completeness {_pct(completeness)} is below the required "
            f"{_pct(completeness_min)}: report at least {_ceil_pct(pop, completeness_min)} of "
            f"the {pop} eligible instances, or the measure earns no achievement points.",
            "eligible_population",
        )
    if 0 < pop < case_minimum:
        add(
            "warning",
            f"The eligible population {pop} is under the case minimum of {case_minimum}: "
            "the measure can't be scored against its benchmark.",
            "eligible_population",
        )
    if denominator == 0 and pop > 0:
        add("warning", "Nothing is reported as met or not met: there is no performance rate.")
    return RateCheck(rate, completeness, issues)


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}".rstrip("0").rstrip(".")


def max_points(
    measure: MeasureInfo, submission_method: str, lookup: MeasureLookup, rules: ProgramRules
) -> tuple[float, str | None]:
    """The most points ``measure`` can earn as ``submission_method``, and why it is less
    than the year's points per measure (the topped-out cap), as the scoring engine caps
    them: topped out by program, unless CMS removed the cap for this collection type."""
    q = rules.quality
    most = float(q.max_points_per_measure.value)
    bench = lookup.benchmark(measure.year, measure.measure_id, submission_method)
    if bench is None or not bench.is_topped_out_by_program:
        return most, None
    removed = measure.data.get("sevenPointCapRemoved") or []
    if measure.data.get("isSevenPointCapRemoved") and (not removed or submission_method in removed):
        return most, None
    cap = float(q.topped_out_cap.value)
    return min(most, cap), f"topped out: capped at {_num(cap)}"


def _ceil_pct(pop: int, pct: float) -> int:
    needed = pop * pct / 100.0
    whole = int(needed)
    return whole if whole == needed else whole + 1


@dataclass(frozen=True)
class EntryCheck:
    """Everything the entry form shows for one measure and collection type."""

    measure_id: str
    submission_method: str
    issues: list[EntryIssue]
    performance_rate: float | None
    data_completeness: float | None
    value: dict[str, Any] | None
    """The QPP JSON value to store; None while there are errors or nothing is entered."""
    score: MeasureScore | None
    """Points and their reason from the scoring engine (None when there is no value)."""
    inverse: bool
    strata: dict[str, RateCheck] = field(default_factory=dict)
    max_points: float | None = None
    """The most points the measure can earn as this collection type: the year's
    topped-out cap for a capped measure, else the year's points per measure."""
    cap_note: str | None = None
    """Why ``max_points`` is below the usual maximum (e.g. 'topped out: capped at 7')."""

    @property
    def points_text(self) -> str:
        """'3.68 of 7 (topped out: capped at 7)' – the live points against their maximum."""
        if self.score is None or self.score.points is None:
            return "—"
        most = self.max_points if self.max_points is not None else self.score.max_points
        text = f"{_num(self.score.points)} of {_num(most)}" if most is not None else ""
        if self.cap_note:
            text += f" ({self.cap_note})"
        return text or _num(self.score.points)

    @property
    def errors(self) -> list[EntryIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors and self.value is not None

    @property
    def inverse_note(self) -> str | None:
        if not self.inverse:
            return None
        return (
            "Inverse measure: a LOWER performance rate is better (performance met counts "
            "the poor outcomes)."
        )


def check_entry(
    measure: MeasureInfo,
    submission_method: str,
    counts: Counts | dict[str, Counts],
    lookup: MeasureLookup,
    *,
    options: ScoringOptions | None = None,
    rules: ProgramRules | None = None,
    end_to_end: bool = False,
) -> EntryCheck:
    """Check the counts of one measure (``dict`` stratum -> counts for multi-rate ones)."""
    year = measure.year
    rules = rules or load_rules(year)
    q = rules.quality
    completeness_min = float(q.data_completeness_percent.value)
    case_min = int(q.case_minimum.value)
    issues: list[EntryIssue] = []
    if submission_method not in measure.submission_methods:
        issues.append(
            EntryIssue(
                "error",
                f"Measure {measure.measure_id} can't be reported as {submission_method} in "
                f"{year} (it can be: {', '.join(measure.submission_methods)}).",
            )
        )
    value: dict[str, Any] | None = None
    strata_checks: dict[str, RateCheck] = {}
    rate: float | None = None
    completeness: float | None = None
    if isinstance(counts, Counts):
        rc = check_counts(
            counts,
            completeness_min=completeness_min,
            case_minimum=case_min,
            submission_method=submission_method,
        )
        issues.extend(rc.issues)
        rate, completeness = rc.performance_rate, rc.data_completeness
        if not counts.empty and not any(i.severity == "error" for i in issues):
            value = {"isEndToEndReported": end_to_end, **counts.to_json()}
    else:
        entered = {name: c for name, c in counts.items() if not c.empty}
        for name, c in counts.items():
            rc = check_counts(
                c,
                completeness_min=completeness_min,
                case_minimum=case_min,
                submission_method=submission_method,
                stratum=name,
            )
            strata_checks[name] = rc
            issues.extend(i for i in rc.issues if i.severity != "info" or not c.empty)
        if not entered:
            issues.append(EntryIssue("info", "Nothing entered yet."))
        elif len(entered) < len(counts):
            missing = [n for n in counts if n not in entered]
            issues.append(
                EntryIssue(
                    "warning",
                    "Strata left empty: " + ", ".join(missing) + ". Report every stratum the "
                    "measure defines.",
                )
            )
        if entered and not any(i.severity == "error" for i in issues):
            value = {
                "isEndToEndReported": end_to_end,
                "strata": [{"stratum": n, **c.to_json()} for n, c in entered.items()],
            }
    score: MeasureScore | None = None
    if value is not None:
        parsed = Measurement.model_validate({"measureId": measure.measure_id, "value": value})
        score = score_quality_measure(
            measure.measure_id,
            parsed.value,
            submission_method,
            year,
            rules,
            lookup,
            options or ScoringOptions(),
            EstimateLog(),
        )
        if not isinstance(counts, Counts):
            rate = score.performance_rate
            completeness = score.data_completeness
    most, cap_note = max_points(measure, submission_method, lookup, rules)
    return EntryCheck(
        measure_id=measure.measure_id,
        submission_method=submission_method,
        issues=issues,
        performance_rate=rate,
        data_completeness=completeness,
        value=value,
        score=score,
        inverse=measure.is_inverse,
        strata=strata_checks,
        max_points=most,
        cap_note=cap_note,
    )


def counts_from_value(value: Any) -> Counts | dict[str, Counts] | None:
    """Stored QPP JSON value -> the counts the form shows (None for other shapes)."""
    if not isinstance(value, dict):
        return None
    if "strata" in value and isinstance(value["strata"], list):
        return {
            str(s.get("stratum")): Counts.from_json(s)
            for s in value["strata"]
            if isinstance(s, dict)
        }
    if "eligiblePopulation" in value or "performanceMet" in value:
        return Counts.from_json(value)
    return None
