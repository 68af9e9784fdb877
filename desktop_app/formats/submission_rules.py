"""What CMS refuses in a submission beyond its shape: one set of rules for every reader.

The QPP JSON models (:mod:`desktop_app.formats.qpp_json`) check the format: types,
counts that add up, a numerator not above its denominator. What they can't know
needs the measures catalog of the year, and is checked here, the same way for
``mipsdesk validate``, for import (QPP JSON and QRDA III) and, measure by measure,
for the pre-export check:

- performance periods inside the performance year (``DATE_OUTSIDE_YEAR``);
- a measurement set with no measurements (``EMPTY_SET``);
- measure ids of the year and of the set's category (``MEASURE_NOT_VALID_FOR_YEAR``)
  and, for quality, a collection type the measure allows (``SUBMISSION_METHOD``);
- the value's shape per category: quality counts, IA true/false, PI true/false or
  numerator/denominator; a multi-rate measure with strata, a single-rate one without
  (``VALUE_SHAPE``);
- measures of the set's program (``PROGRAM_NOT_ALLOWED``): a measure whose
  ``allowedPrograms`` in measures-data.json lacks the set's ``programName`` ("mips" for
  traditional MIPS, an MVP id such as M0005), e.g. the Shared Savings Program's 001SSP
  (allowedPrograms ["appPlus"]) in a traditional MIPS set;
- a measure reported together with its own exclusion (``MEASURE_WITH_ITS_EXCLUSION``;
  ../shared/docs/qpp-formats.md: "A measure and its own exclusion measure can't both
  be in one set");
- a MIPS CQM (registry) value with denominator exclusions (``CQM_EXCLUSION_NOT_ZERO``;
  qpp-formats.md: "eligiblePopulationExclusion must be 0 for CQMs");
- strata named as the catalog names them (``STRATUM_UNKNOWN``, compared without regard
  to case, as QPP's examples write "14days" for the catalog's "14Days") and every
  stratum of a multi-rate measure reported (``STRATUM_MISSING``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from desktop_app.catalog.model import MeasureInfo
from desktop_app.formats.qpp_json import (
    MeasurementSet,
    MultiPerformanceRate,
    NonProportion,
    Proportion,
    SinglePerformanceRate,
    Submission,
)

CATEGORY_LABELS: dict[str, str] = {
    "quality": "Quality",
    "pi": "Promoting Interoperability",
    "ia": "Improvement Activities",
}
_A = {"quality": "a", "pi": "a", "ia": "an"}


class RulesCatalog(Protocol):
    """What the rules need from :class:`desktop_app.catalog.Catalog`."""

    def measure(self, year: int, measure_id: str) -> MeasureInfo | None: ...


@dataclass(frozen=True)
class RuleProblem:
    """One thing CMS would refuse: what, where in the file, and a stable code."""

    code: str
    message: str
    location: str
    """The JSON path (``measurementSets[0].measurements[2].value.strata[1].stratum``);
    relative (``value.strata[1].stratum``) from :func:`quality_value_problems`."""
    measure_id: str | None = None


def period_problems(mset: MeasurementSet, year: int, where: str) -> list[RuleProblem]:
    """performanceStart / performanceEnd outside ``year``."""
    out = []
    for label, d in (
        ("performanceStart", mset.performance_start),
        ("performanceEnd", mset.performance_end),
    ):
        if d is not None and d.year != year:
            out.append(
                RuleProblem(
                    "DATE_OUTSIDE_YEAR",
                    f"{label} {d.isoformat()} is outside performance year {year} "
                    f"(January 1 – December 31, {year}).",
                    f"{where}.{label}",
                )
            )
    return out


PROGRAM_NAMES: dict[str, str] = {
    "mips": "traditional MIPS",
    "app1": "the APM Performance Pathway (APP)",
    "appplus": "the APP Plus quality measure set",
    "ssp": "the Medicare Shared Savings Program",
    "pcf": "Primary Care First",
    "cpcplus": "CPC+",
    "hvbp": "Hospital Value-Based Purchasing",
}
"""How messages name the ``programName`` values of CMS's
qpp-measures-data util/program-names/program-names.json (keys folded to lower case);
the other names there are MVP ids."""

_MAX_MVPS_NAMED = 5


def program_text(program: str) -> str:
    """``mips`` -> "traditional MIPS", ``M0005`` -> "MVP M0005"."""
    return PROGRAM_NAMES.get(program.casefold(), f"MVP {program}")


def programs_text(programs: list[str]) -> str:
    """Where a measure belongs, for messages: "the APP Plus quality measure set
    (appPlus) and MVP M1366"; long MVP lists are shortened ("27 MVPs (G0053, …)")."""
    named = [f"{program_text(p)} ({p})" for p in programs if p.casefold() in PROGRAM_NAMES]
    mvps = [p for p in programs if p.casefold() not in PROGRAM_NAMES]
    if len(mvps) == 1:
        named.append(f"MVP {mvps[0]}")
    elif len(mvps) > _MAX_MVPS_NAMED:
        named.append(f"{len(mvps)} MVPs ({', '.join(mvps[:_MAX_MVPS_NAMED])}, …)")
    elif mvps:
        named.append(f"MVPs {', '.join(mvps)}")
    if not named:
        return "no program"
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def program_problem(
    measure_id: str, program: str, info: MeasureInfo, catalog: RulesCatalog | None = None
) -> str | None:
    """Why a measurement set of ``program`` can't hold the measure (None if it can):
    the measure's ``allowedPrograms`` lacks the program. With ``catalog``, a measure
    of the same title that the program may report is named as the one to use."""
    if info.allows_program(program):
        return None
    allowed = info.allowed_programs or []
    text = (
        f"Measure {measure_id} belongs to {programs_text(allowed)} in {info.year}, "
        f'not to {program_text(program)} (programName "{program}")'
    )
    twin = None
    if catalog is not None and measure_id.upper().endswith("SSP"):
        other = catalog.measure(info.year, measure_id[:-3])
        if other is not None and other.title == info.title and other.allows_program(program):
            twin = other.measure_id
    if twin is not None:
        return f"{text}: report measure {twin} ({info.title}) instead."
    return f"{text}: remove it, or report it under one of its own programs."


def program_problems(
    mset: MeasurementSet, catalog: RulesCatalog, year: int, where: str = ""
) -> list[RuleProblem]:
    """Measures of ``mset`` that its program (``programName``) can't report
    (``PROGRAM_NOT_ALLOWED``): their ``allowedPrograms`` lack it. Measures unknown to the
    catalog or of another category are left to the rules that report those."""
    out = []
    for j, m in enumerate(mset.measurements):
        info = catalog.measure(year, m.measure_id)
        if info is None or info.category != mset.category:
            continue
        text = program_problem(m.measure_id, mset.program_name, info, catalog)
        if text is not None:
            out.append(
                RuleProblem(
                    "PROGRAM_NOT_ALLOWED",
                    text,
                    f"{where}{'.' if where else ''}measurements[{j}].measureId",
                    m.measure_id,
                )
            )
    return out


def exclusion_problems(
    mset: MeasurementSet, catalog: RulesCatalog, year: int, where: str = ""
) -> list[RuleProblem]:
    """Measures of ``mset`` reported together with one of their own exclusions, and an
    exclusion reported together with its measure's active engagement option (_PRE /
    _PROD): a measure that doesn't apply can't also be in active engagement."""
    index = {m.measure_id: j for j, m in enumerate(mset.measurements)}
    out = []
    for claimed in index:
        base = claimed.split("_EX_")[0] if "_EX_" in claimed else None
        info = catalog.measure(year, base) if base else None
        if base is None or info is None or claimed not in (info.data.get("exclusion") or []):
            continue
        own = set(info.data.get("exclusion") or [])
        for other in index:
            if other.startswith(base + "_") and other not in own:
                out.append(
                    RuleProblem(
                        "MEASURE_WITH_ITS_EXCLUSION",
                        f"The exclusion {claimed} is claimed for {base}, so its active "
                        f"engagement option {other} can't be reported too; report one or "
                        "the other.",
                        f"{where}{'.' if where else ''}measurements[{index[other]}].measureId",
                        base,
                    )
                )
    for m in mset.measurements:
        info = catalog.measure(year, m.measure_id)
        if info is None:
            continue
        for excl in info.data.get("exclusion") or []:
            if excl in index:
                out.append(
                    RuleProblem(
                        "MEASURE_WITH_ITS_EXCLUSION",
                        f"{m.measure_id} and its own exclusion {excl} are both reported; "
                        "report the measure or claim the exclusion, not both.",
                        f"{where}{'.' if where else ''}measurements[{index[excl]}].measureId",
                        m.measure_id,
                    )
                )
    return out


def stratum_names(info: MeasureInfo) -> list[str]:
    """The strata of a multi-rate measure as the catalog names them (else empty)."""
    if info.metric_type != "multiPerformanceRate":
        return []
    return [
        str(s["name"])
        for s in info.data.get("strata") or []
        if isinstance(s, dict) and isinstance(s.get("name"), str) and s["name"]
    ]


def quality_value_problems(
    measure_id: str, value: Any, submission_method: str, info: MeasureInfo
) -> list[RuleProblem]:
    """A quality value's shape, strata and CQM exclusions against the catalog's measure.

    Locations are relative to the measurement (``value.strata[1].stratum``)."""
    if isinstance(value, bool | Proportion):
        return [
            RuleProblem(
                "VALUE_SHAPE",
                f"Quality measure {measure_id} needs performance counts, not "
                f"{'true/false' if isinstance(value, bool) else 'a proportion'}.",
                "value",
                measure_id,
            )
        ]
    if isinstance(value, NonProportion):
        return []
    out: list[RuleProblem] = []
    names = stratum_names(info)
    rows: list[tuple[str, str, Any]]
    if isinstance(value, MultiPerformanceRate):
        rows = [
            (f" (stratum {s.stratum})", f"value.strata[{k}]", s) for k, s in enumerate(value.strata)
        ]
        if not names:
            out.append(
                RuleProblem(
                    "VALUE_SHAPE",
                    f"Measure {measure_id} has one performance rate in {info.year}; report "
                    "its counts without strata.",
                    "value.strata",
                    measure_id,
                )
            )
        else:
            allowed = {n.lower(): n for n in names}
            reported = set()
            for k, s in enumerate(value.strata):
                key = s.stratum.lower()
                if key in allowed:
                    reported.add(key)
                    continue
                out.append(
                    RuleProblem(
                        "STRATUM_UNKNOWN",
                        f"Measure {measure_id} has no stratum '{s.stratum}' in {info.year}; "
                        f"its strata are {', '.join(names)}.",
                        f"value.strata[{k}].stratum",
                        measure_id,
                    )
                )
            missing = [n for n in names if n.lower() not in reported]
            if missing:
                out.append(
                    RuleProblem(
                        "STRATUM_MISSING",
                        f"Measure {measure_id} lacks stratum "
                        f"{', '.join(missing)}: report every stratum of the measure "
                        f"({', '.join(names)}).",
                        "value.strata",
                        measure_id,
                    )
                )
    elif isinstance(value, SinglePerformanceRate):
        rows = [("", "value", value)]
        if names:
            out.append(
                RuleProblem(
                    "VALUE_SHAPE",
                    f"Measure {measure_id} has a performance rate per stratum in {info.year}: "
                    f"report its counts as strata ({', '.join(names)}).",
                    "value",
                    measure_id,
                )
            )
    else:
        return out
    if submission_method == "registry":
        for label, loc, row in rows:
            if (row.eligible_population_exclusion or 0) > 0:
                out.append(
                    RuleProblem(
                        "CQM_EXCLUSION_NOT_ZERO",
                        f"{measure_id}{label}: a MIPS CQM can't report denominator "
                        f"exclusions: leave the {row.eligible_population_exclusion} excluded "
                        "patients out of eligiblePopulation (now "
                        f"{row.eligible_population}) and send eligiblePopulationExclusion 0.",
                        f"{loc}.eligiblePopulationExclusion",
                        measure_id,
                    )
                )
    return out


def set_problems(
    mset: MeasurementSet, catalog: RulesCatalog, year: int, where: str
) -> list[RuleProblem]:
    """Every rule for one measurement set (``where``: its JSON path)."""
    out = period_problems(mset, year, where)
    category = mset.category
    if not mset.measurements:
        out.append(
            RuleProblem(
                "EMPTY_SET",
                f"The {CATEGORY_LABELS[category]} set has no measurements.",
                f"{where}.measurements",
            )
        )
    for j, m in enumerate(mset.measurements):
        loc = f"{where}.measurements[{j}]"
        info = catalog.measure(year, m.measure_id)
        if info is None or info.category != category:
            out.append(
                RuleProblem(
                    "MEASURE_NOT_VALID_FOR_YEAR",
                    f"'{m.measure_id}' is not {_A[category]} {CATEGORY_LABELS[category]} "
                    f"measure of performance year {year}.",
                    f"{loc}.measureId",
                    m.measure_id,
                )
            )
            continue
        if category == "quality":
            if mset.submission_method not in info.submission_methods:
                out.append(
                    RuleProblem(
                        "SUBMISSION_METHOD",
                        f"Measure {m.measure_id} can't be reported as "
                        f"{mset.submission_method} in {year} (allowed: "
                        f"{', '.join(info.submission_methods)}).",
                        f"{where}.submissionMethod",
                        m.measure_id,
                    )
                )
            out.extend(
                RuleProblem(p.code, p.message, f"{loc}.{p.location}", p.measure_id)
                for p in quality_value_problems(m.measure_id, m.value, mset.submission_method, info)
            )
        elif category == "ia" and not isinstance(m.value, bool):
            out.append(
                RuleProblem(
                    "VALUE_SHAPE",
                    f"Improvement activity {m.measure_id} must be true or false.",
                    f"{loc}.value",
                    m.measure_id,
                )
            )
        elif category == "pi" and not isinstance(m.value, bool | Proportion):
            out.append(
                RuleProblem(
                    "VALUE_SHAPE",
                    f"PI measure {m.measure_id} must be true/false or a numerator and denominator.",
                    f"{loc}.value",
                    m.measure_id,
                )
            )
    out.extend(program_problems(mset, catalog, year, where))
    out.extend(exclusion_problems(mset, catalog, year, where))
    return out


def submission_problems(sub: Submission, catalog: RulesCatalog) -> list[RuleProblem]:
    """Every rule for every measurement set of ``sub``, against the catalog of its year.

    The caller checks first that the catalog holds the year (else every measure would
    be reported as not valid for it)."""
    out: list[RuleProblem] = []
    for i, mset in enumerate(sub.measurement_sets):
        out.extend(set_problems(mset, catalog, sub.performance_year, f"measurementSets[{i}]"))
    return out
