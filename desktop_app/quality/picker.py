"""Choosing quality measures for a year: search, filters, benchmarks, a suggested set.

Everything comes from the measures catalog (CMS's qpp-measures-data): the measure's
type (outcome, high priority, inverse), its collection types (``submissionMethods``),
the specialty measure sets it belongs to (``measureSets``), the MVPs that list it, and
its benchmark per collection type (``isToppedOutByProgram``, percentiles, the 7-point
cap and whether CMS removed it).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Protocol

from desktop_app.catalog.model import Benchmark, MeasureInfo, Mvp, SearchHit
from desktop_app.formats.qpp_json import COLLECTION_TYPE_LABELS, collection_type_label
from desktop_app.formats.submission_rules import program_text, programs_text
from desktop_app.rules import RulesError, load_rules
from desktop_app.scoring.deciles import PERCENTILE_KEYS

# Collection types a practice can enter in MIPS Desk, and the names CMS uses for them.
ENTRY_METHODS: tuple[str, ...] = ("registry", "electronicHealthRecord")
MEASURE_TYPE_LABELS: dict[str, str] = {
    "outcome": "Outcome",
    "intermediateOutcome": "Intermediate outcome",
    "patientReportedOutcome": "Patient-reported outcome",
    "process": "Process",
    "efficiency": "Efficiency",
    "patientEngagementExperience": "Patient engagement/experience",
    "structure": "Structure",
}
SUGGESTED_COUNT = 6


class PickerCatalog(Protocol):
    """The part of :class:`desktop_app.catalog.Catalog` the picker reads."""

    def measures(self, year: int, category: str | None = None) -> list[MeasureInfo]: ...

    def benchmarks(self, year: int, measure_id: str) -> list[Benchmark]: ...

    def mvps(self, year: int) -> list[Mvp]: ...

    def search(
        self, year: int, text: str, category: str | None = None, limit: int = 50
    ) -> list[SearchHit]: ...


def specialty_label(key: str) -> str:
    """``familyMedicine`` -> ``Family Medicine`` (CMS's measureSets keys, readable)."""
    words = re.sub(r"([a-z])([A-Z])", r"\1 \2", key).split()
    return " ".join(w[:1].upper() + w[1:] for w in words)


@dataclass(frozen=True)
class DecileStart:
    """Where one decile of a benchmark starts, as a performance rate in percent.

    ``op`` is how a rate compares with ``rate`` to reach the decile: ``≥`` for normal
    measures (decile 1 starts at 0), ``≤`` for inverse ones (lower is better), and
    ``>`` for decile 1 of an inverse measure (any rate above decile 2's limit).
    """

    decile: int
    op: str
    rate: float

    @property
    def text(self) -> str:
        return f"{self.op} {_rate_text(self.rate)}%"


def _rate_text(x: float) -> str:
    """Up to 3 decimals, as CMS publishes percentiles (94.955 stays 94.955)."""
    return f"{x:.3f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class BenchmarkView:
    """A measure's benchmark for one collection type, as the picker shows it."""

    submission_method: str
    has_benchmark: bool
    topped_out: bool
    topped_out_by_program: bool
    capped: bool
    """True when scores are capped at 7 points (topped out by program, cap not removed)."""
    cap_removed: bool
    percentiles: dict[int, float] | None
    is_inverse: bool = False
    """Lower performance rates are better (the deciles count downwards)."""
    cap_points: float | None = None
    """The year's topped-out cap (program rules) when ``capped``; None if unknown."""

    @property
    def label(self) -> str:
        return collection_type_label(self.submission_method)

    @property
    def cap_text(self) -> str:
        """'capped at 7 points' (the cap from the year's rules)."""
        if self.cap_points is None:
            return "capped"
        return f"capped at {_rate_text(self.cap_points)} points"

    def decile_starts(self) -> list[DecileStart]:
        """Where deciles 1..10 start, as the scoring engine counts them (empty without
        percentiles). Deciles that start at the same rate are skipped: a rate reaching
        them lands in the highest one (see :mod:`desktop_app.scoring.deciles`)."""
        p = self.percentiles or {}
        if any(k not in p for k in PERCENTILE_KEYS):
            return []
        if not self.is_inverse:
            return [DecileStart(1, "≥", 0.0)] + [
                DecileStart(d, "≥", float(p[10 * (d - 1)])) for d in range(2, 11)
            ]
        # Inverse: decile 10 is rate <= p10, decile d is rate <= p(110 - 10d), decile 1
        # is any rate above p90.
        return [DecileStart(1, ">", float(p[90]))] + [
            DecileStart(d, "≤", float(p[110 - 10 * d])) for d in range(2, 11)
        ]

    @property
    def top_decile(self) -> DecileStart | None:
        """The rate needed for the top decile (10 points unless capped)."""
        starts = self.decile_starts()
        return starts[-1] if starts else None

    @property
    def max_points_start(self) -> DecileStart | None:
        """The rate from which the measure earns its most points: the top decile, or for
        a capped measure the start of the decile where the points reach the cap."""
        starts = self.decile_starts()
        if not starts:
            return None
        if self.capped and self.cap_points is not None:
            decile = min(10, max(1, math.ceil(self.cap_points)))
            return starts[decile - 1]
        return starts[-1]

    def short_text(self) -> str:
        """One table cell: the rate for the top decile and the cap, e.g. '10 at ≥ 95%'."""
        if not self.has_benchmark:
            return "No benchmark"
        top = self.max_points_start
        if top is None:
            return "Benchmark (no deciles)"
        if self.capped:
            cap = _rate_text(self.cap_points) if self.cap_points is not None else "capped"
            return f"Max {cap} at {top.text}"
        return f"10 at {top.text}" + (" (topped out)" if self.topped_out else "")

    def describe(self) -> str:
        if not self.has_benchmark:
            return f"{self.label}: no benchmark"
        top = self.max_points_start
        parts = [f"{self.label}: benchmark"]
        if top is not None and not self.capped:
            parts.append(f"10 points at a rate {top.text}")
        if self.is_inverse:
            parts.append("inverse (lower is better)")
        if self.capped:
            reached = f" (reached at a rate {top.text})" if top is not None else ""
            parts.append(f"topped out, {self.cap_text}{reached}")
        elif self.topped_out_by_program and self.cap_removed:
            parts.append("topped out, 7-point cap removed")
        elif self.topped_out:
            parts.append("topped out")
        return ", ".join(parts)


@dataclass(frozen=True)
class MeasureRow:
    """One quality measure of a year with what the picker filters and shows."""

    year: int
    measure_id: str
    title: str
    description: str
    measure_type: str | None
    is_outcome: bool
    is_high_priority: bool
    is_inverse: bool
    metric_type: str
    submission_methods: tuple[str, ...]
    measure_sets: tuple[str, ...]
    mvps: tuple[str, ...]
    emeasure_id: str | None
    strata: tuple[str, ...]
    """Stratum names for multi-rate measures (empty for single-rate ones)."""
    benchmarks: tuple[BenchmarkView, ...] = field(default=())
    allowed_programs: tuple[str, ...] = ()
    """QPP programs the measure may be reported under (empty = not stated)."""

    @property
    def in_traditional_mips(self) -> bool:
        return self.allows_program("mips")

    def allows_program(self, program: str) -> bool:
        """Whether a measurement set of ``program`` ("mips", an MVP id) may hold the
        measure (its ``allowedPrograms``; not stated = no restriction)."""
        wanted = program.casefold()
        return not self.allowed_programs or any(
            p.casefold() == wanted for p in self.allowed_programs
        )

    @property
    def programs_label(self) -> str:
        """Where the measure belongs, for people: "the APP Plus quality measure set
        (appPlus) and MVP M1366"."""
        return programs_text(list(self.allowed_programs)) if self.allowed_programs else ""

    def program_refusal(self, program: str = "mips") -> str | None:
        """Why the measure can't be added for ``program`` (None if it can)."""
        if self.allows_program(program):
            return None
        return (
            f"{self.measure_id} ({self.title}) belongs to {self.programs_label} in "
            f"{self.year}, not to {program_text(program)}: CMS refuses it in a "
            f"{program_text(program)} submission."
        )

    @property
    def entry_methods(self) -> tuple[str, ...]:
        """The collection types MIPS Desk lets the user enter for this measure."""
        return tuple(m for m in ENTRY_METHODS if m in self.submission_methods)

    @property
    def type_label(self) -> str:
        if self.measure_type is None:
            return "—"
        return MEASURE_TYPE_LABELS.get(self.measure_type, specialty_label(self.measure_type))

    @property
    def is_multi_rate(self) -> bool:
        return self.metric_type == "multiPerformanceRate"

    def benchmark(self, method: str) -> BenchmarkView | None:
        for b in self.benchmarks:
            if b.submission_method == method:
                return b
        return None

    def flags(self) -> list[str]:
        """Short badges: Outcome, High priority, Inverse, Topped out, Capped at 7."""
        out: list[str] = []
        if self.is_outcome:
            out.append("Outcome")
        if self.is_high_priority:
            out.append("High priority")
        if self.is_inverse:
            out.append("Inverse (lower is better)")
        capped = next((b for b in self.benchmarks if b.capped), None)
        if capped is not None:
            out.append(capped.cap_text[:1].upper() + capped.cap_text[1:])
        elif any(b.topped_out for b in self.benchmarks):
            out.append("Topped out")
        if not self.in_traditional_mips:
            out.append("Other programs only")
        return out


@dataclass(frozen=True)
class MeasureFilter:
    """What the user asked for; empty fields don't filter."""

    text: str = ""
    collection_type: str | None = None
    outcome_only: bool = False
    high_priority_only: bool = False
    """Outcome and high priority both count as high priority, as CMS counts them."""
    specialty: str | None = None
    mvp: str | None = None
    other_programs: bool = False
    """Also list measures that traditional MIPS (or the chosen ``mvp``) can't report,
    e.g. the Shared Savings Program's 001SSP (allowedPrograms ["appPlus"])."""


def _benchmark_view(
    measure: MeasureInfo, bench: Benchmark, cap: float | None = None
) -> BenchmarkView:
    removed_list = measure.data.get("sevenPointCapRemoved") or []
    cap_removed = bool(measure.data.get("isSevenPointCapRemoved")) and (
        not removed_list or bench.submission_method in removed_list
    )
    has = bool(bench.percentiles) or bool(bench.deciles)
    return BenchmarkView(
        submission_method=bench.submission_method,
        has_benchmark=has,
        topped_out=bench.is_topped_out or bench.is_topped_out_by_program,
        topped_out_by_program=bench.is_topped_out_by_program,
        capped=bench.is_topped_out_by_program and not cap_removed,
        cap_removed=cap_removed,
        percentiles=dict(bench.percentiles) if bench.percentiles else None,
        is_inverse=bench.is_inverse or measure.is_inverse,
        cap_points=cap if bench.is_topped_out_by_program and not cap_removed else None,
    )


def topped_out_cap(year: int) -> float | None:
    """The year's cap on topped-out measures (program rules), None without rules."""
    try:
        return float(load_rules(year).quality.topped_out_cap.value)
    except RulesError:
        return None


def _mvp_index(catalog: PickerCatalog, year: int) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for mvp in catalog.mvps(year):
        for mid in [*mvp.quality_measure_ids, *mvp.foundation_quality_measure_ids]:
            index.setdefault(mid, [])
            if mvp.mvp_id not in index[mid]:
                index[mid].append(mvp.mvp_id)
    return index


def measure_row(
    catalog: PickerCatalog,
    measure: MeasureInfo,
    mvp_index: dict[str, list[str]] | None = None,
    cap: float | None = None,
) -> MeasureRow:
    """The picker's view of one catalog measure (with its benchmarks); ``cap`` is the
    year's topped-out cap (default: from the year's program rules)."""
    if mvp_index is None:
        mvp_index = _mvp_index(catalog, measure.year)
    if cap is None:
        cap = topped_out_cap(measure.year)
    views: list[BenchmarkView] = []
    for bench in catalog.benchmarks(measure.year, measure.measure_id):
        views.append(_benchmark_view(measure, bench, cap))
    methods = tuple(measure.submission_methods)
    # Collection types without a benchmark row are listed too, as "no benchmark".
    for method in methods:
        if method in ENTRY_METHODS and not any(v.submission_method == method for v in views):
            views.append(
                BenchmarkView(method, False, False, False, False, False, None, measure.is_inverse)
            )
    order = {m: i for i, m in enumerate(methods)}
    views.sort(key=lambda v: order.get(v.submission_method, 99))
    strata = tuple(
        str(s.get("name"))
        for s in (measure.data.get("strata") or [])
        if isinstance(s, dict) and s.get("name")
    )
    return MeasureRow(
        year=measure.year,
        measure_id=measure.measure_id,
        title=measure.title,
        description=measure.description,
        measure_type=measure.measure_type,
        is_outcome=measure.is_outcome,
        is_high_priority=measure.is_high_priority or measure.is_outcome,
        is_inverse=measure.is_inverse,
        metric_type=measure.metric_type,
        submission_methods=methods,
        measure_sets=tuple(str(s) for s in measure.data.get("measureSets") or []),
        mvps=tuple(mvp_index.get(measure.measure_id, [])),
        emeasure_id=measure.data.get("eMeasureId"),
        strata=strata if measure.metric_type == "multiPerformanceRate" else (),
        benchmarks=tuple(views),
        allowed_programs=tuple(str(p) for p in measure.data.get("allowedPrograms") or []),
    )


class MeasurePicker:
    """The quality measures of one year, loaded once, filtered as the user types."""

    def __init__(self, catalog: PickerCatalog, year: int) -> None:
        self.catalog = catalog
        self.year = year
        index = _mvp_index(catalog, year)
        cap = topped_out_cap(year)
        self.rows: list[MeasureRow] = [
            measure_row(catalog, m, index, cap) for m in catalog.measures(year, "quality")
        ]
        self._by_id = {r.measure_id: r for r in self.rows}
        self.mvps: list[Mvp] = catalog.mvps(year)

    def row(self, measure_id: str) -> MeasureRow | None:
        return self._by_id.get(measure_id)

    def refusal(self, measure_id: str, program: str = "mips") -> str | None:
        """Why ``measure_id`` can't be added for ``program`` (None if it can): not a
        quality measure of the year, or one of other programs (naming the measure of
        the same title that ``program`` may report, e.g. 001 for 001SSP)."""
        row = self.row(measure_id)
        if row is None:
            return f"{measure_id} is not a quality measure of {self.year}."
        text = row.program_refusal(program)
        if text is None:
            return None
        twin = next(
            (
                r
                for r in self.rows
                if r is not row and r.title == row.title and r.allows_program(program)
            ),
            None,
        )
        if twin is not None:
            return f"{text} Add measure {twin.measure_id} instead."
        return text

    def specialties(self) -> list[tuple[str, str]]:
        """(key, label) of every specialty measure set of the year, by label."""
        keys = {s for r in self.rows for s in r.measure_sets}
        return sorted(((k, specialty_label(k)) for k in keys), key=lambda kv: kv[1])

    def collection_types(self) -> list[tuple[str, str]]:
        methods = {m for r in self.rows for m in r.submission_methods}
        ordered = [m for m in COLLECTION_TYPE_LABELS if m in methods]
        return [(m, collection_type_label(m)) for m in ordered]

    def filter(self, flt: MeasureFilter) -> list[MeasureRow]:
        """The measures matching every filter; with text, best match first."""
        rows: list[MeasureRow]
        text = flt.text.strip()
        if text:
            hits = self.catalog.search(self.year, text, "quality", limit=len(self.rows) + 10)
            rows = [self._by_id[h.measure_id] for h in hits if h.measure_id in self._by_id]
        else:
            rows = list(self.rows)
        mvp_ids: set[str] | None = None
        if flt.mvp:
            mvp = next((m for m in self.mvps if m.mvp_id == flt.mvp), None)
            mvp_ids = (
                set(mvp.quality_measure_ids) | set(mvp.foundation_quality_measure_ids)
                if mvp
                else set()
            )
        program = flt.mvp or "mips"
        out = []
        for r in rows:
            if not flt.other_programs and not r.allows_program(program):
                continue
            if flt.collection_type and flt.collection_type not in r.submission_methods:
                continue
            if flt.outcome_only and not r.is_outcome:
                continue
            if flt.high_priority_only and not r.is_high_priority:
                continue
            if flt.specialty and flt.specialty not in r.measure_sets:
                continue
            if mvp_ids is not None and r.measure_id not in mvp_ids:
                continue
            out.append(r)
        return out

    def suggest(
        self, specialty: str, collection_type: str = "registry", count: int = SUGGESTED_COUNT
    ) -> Suggestion:
        return suggest_measures(self, specialty, collection_type, count)


@dataclass(frozen=True)
class Suggestion:
    specialty: str
    collection_type: str
    measures: list[MeasureRow]
    reasons: dict[str, str]
    """measure_id -> why it was picked."""
    note: str
    """One sentence for the whole set (outcome found or not, complete specialty set, ...)."""


def _desirability(row: MeasureRow, method: str) -> tuple[int, int, int, int, str]:
    bench = row.benchmark(method)
    has = 1 if bench and bench.has_benchmark else 0
    uncapped = 0 if bench and bench.capped else 1
    return (-has, -uncapped, -int(row.is_high_priority), -int(row.is_outcome), row.measure_id)


def _why(row: MeasureRow, method: str) -> str:
    bench = row.benchmark(method)
    parts = [row.type_label.lower() + " measure"]
    if row.is_high_priority and not row.is_outcome:
        parts.append("high priority")
    if bench is None or not bench.has_benchmark:
        parts.append(f"no {collection_type_label(method)} benchmark (scores little)")
    elif bench.capped:
        parts.append(f"topped out: {bench.cap_text}")
    else:
        top = bench.top_decile
        parts.append(
            f"{collection_type_label(method)} benchmark, 10 points at a rate {top.text}"
            if top is not None
            else f"{collection_type_label(method)} benchmark"
        )
    return ", ".join(parts)


def suggest_measures(
    picker: MeasurePicker,
    specialty: str,
    collection_type: str = "registry",
    count: int = SUGGESTED_COUNT,
) -> Suggestion:
    """A starting set of ``count`` measures of a specialty set, with one outcome measure.

    Only measures of the specialty set that can be reported by ``collection_type`` are
    considered. The best outcome measure (one with a benchmark, not capped) comes first;
    if the set has no outcome measure, a high-priority one takes its place, as CMS allows.
    The rest are the measures most likely to score well: with a benchmark, not capped at
    7 points, high priority first. A specialty set with fewer measures is suggested whole
    (reporting a complete specialty set meets the requirement).
    """
    pool = [
        r
        for r in picker.rows
        if specialty in r.measure_sets
        and collection_type in r.submission_methods
        and r.in_traditional_mips
    ]
    pool.sort(key=lambda r: _desirability(r, collection_type))
    reasons: dict[str, str] = {}
    chosen: list[MeasureRow] = []
    label = specialty_label(specialty)
    method_label = collection_type_label(collection_type)
    if not pool:
        return Suggestion(
            specialty,
            collection_type,
            [],
            {},
            f"The {label} set has no measures that can be reported as {method_label} in "
            f"{picker.year}.",
        )
    outcomes = [r for r in pool if r.is_outcome]
    if outcomes:
        first = outcomes[0]
        note = f"Measure {first.measure_id} is the required outcome measure."
        reasons[first.measure_id] = "Required outcome measure: " + _why(first, collection_type)
    else:
        highs = [r for r in pool if r.is_high_priority]
        first = highs[0] if highs else pool[0]
        note = f"The {label} set has no outcome measure as {method_label}; " + (
            f"measure {first.measure_id} is high priority and takes its place."
            if highs
            else "and no high-priority measure either, so the required slot can't be filled."
        )
        reasons[first.measure_id] = ("In place of an outcome measure: " if highs else "") + _why(
            first, collection_type
        )
    chosen.append(first)
    for r in pool:
        if len(chosen) >= count:
            break
        if r is first:
            continue
        chosen.append(r)
        reasons[r.measure_id] = _why(r, collection_type)
    if len(pool) <= count:
        note += (
            f" The {label} set has only {len(pool)} measure{'s' if len(pool) != 1 else ''} as "
            f"{method_label}: reporting all of them completes the specialty set."
        )
    return Suggestion(specialty, collection_type, chosen, reasons, note)
