"""What the measures catalog holds, as the rest of the core reads it.

These are read-only views of CMS's qpp-measures-data records. ``data`` keeps
the whole source record so that fields this model does not name (strata,
overallAlgorithm, eMeasureUuid, exclusion, substitutes, ...) stay available.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Category = Literal["quality", "ia", "pi", "cost"]

TIER_MIPS = 0
"""A CMS quality, PI or IA measure open to traditional MIPS ("mips" in allowedPrograms)."""
TIER_MVP_ONLY = 1
"""A CMS measure open only through MVPs (allowedPrograms lists MVP ids, not "mips")."""
TIER_COST = 2
"""A cost measure: CMS calculates it from claims, the practice reports nothing."""
TIER_QCDR = 3
"""A QCDR measure (isRegistryMeasure true): reported through that registry."""
TIER_OTHER_PROGRAM = 4
"""Only for other programs, e.g. the ACO measures 001SSP, 236SSP (allowedPrograms ["appPlus"])."""

TIERS: dict[int, str] = {
    TIER_MIPS: "MIPS",
    TIER_MVP_ONLY: "MVP only",
    TIER_COST: "cost (calculated by CMS)",
    TIER_QCDR: "QCDR",
    TIER_OTHER_PROGRAM: "other programs only",
}
"""Search order groups, the measures a practice usually reports first. Derived from
each measure's ``category``, ``allowedPrograms`` (no field means MIPS, the DEFAULT
of CMS's program-names.json) and ``isRegistryMeasure`` fields and the year's MVP ids."""


class MeasureInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    year: int
    measure_id: str
    category: Category
    title: str
    description: str
    metric_type: str
    data: dict[str, Any]
    """The full record from measures-data.json."""

    @property
    def is_inverse(self) -> bool:
        return bool(self.data.get("isInverse", False))

    @property
    def is_high_priority(self) -> bool:
        return bool(self.data.get("isHighPriority", False))

    @property
    def measure_type(self) -> str | None:
        value = self.data.get("measureType")
        return str(value) if value is not None else None

    @property
    def is_outcome(self) -> bool:
        """Outcome-type measures as the quality rules count them."""
        return self.measure_type in {
            "outcome",
            "intermediateOutcome",
            "patientReportedOutcome",
        }

    @property
    def submission_methods(self) -> list[str]:
        return list(self.data.get("submissionMethods", []))

    @property
    def allowed_programs(self) -> list[str] | None:
        """The programs (``programName`` values) that may report the measure: "mips",
        "app1", "appPlus", "ssp", MVP ids such as "M0005"; None when the record has no
        ``allowedPrograms`` field (CMS's util/program-names/program-names.json then
        means its DEFAULT, "mips")."""
        value = self.data.get("allowedPrograms")
        if not isinstance(value, list):
            return None
        return [str(p) for p in value]

    def allows_program(self, program: str) -> bool:
        """Whether a measurement set of ``program`` ("mips", an MVP id, ...) may hold
        the measure (compared without regard to case). A record without
        ``allowedPrograms`` restricts nothing beyond its category: such older records
        were MIPS measures, and an MVP's own measure lists decide for MVPs."""
        allowed = self.allowed_programs
        if allowed is None:
            return True
        wanted = program.casefold()
        return any(p.casefold() == wanted for p in allowed)


class Benchmark(BaseModel):
    """One row of benchmarks/YEAR.json: a measure's benchmark for one collection type."""

    model_config = ConfigDict(frozen=True)

    year: int
    measure_id: str
    submission_method: str
    benchmark_year: int | None = None
    is_inverse: bool = False
    is_topped_out: bool = False
    is_topped_out_by_program: bool = False
    metric_type: str | None = None
    percentiles: dict[int, float] | None = None
    """Percentile -> performance rate (keys 1, 10, 20, ..., 90, 99)."""
    average_performance_rate: float | None = None
    data: dict[str, Any]
    deciles: list[float] | None = None
    """Decile lower bounds, the format CMS used before percentiles (years up to 2022)."""


class Mvp(BaseModel):
    model_config = ConfigDict(frozen=True)

    year: int
    mvp_id: str
    title: str
    quality_measure_ids: list[str]
    ia_measure_ids: list[str]
    cost_measure_ids: list[str]
    foundation_pi_measure_ids: list[str]
    data: dict[str, Any]
    foundation_quality_measure_ids: list[str] = []
    administrative_claims_measure_ids: list[str] = []
    clinical_topic: str = ""
    description: str = ""


class SearchHit(BaseModel):
    model_config = ConfigDict(frozen=True)

    year: int
    measure_id: str
    category: Category
    title: str
    rank: float
    """Lower is better; hits come in this order. An exact id typed ranks below all
    others; otherwise ``10 * tier + title match (0-4) + bm25 relevance squashed into
    (-1, 0]``, so the tier decides first, then how the title matches the words."""
    tier: int = TIER_MIPS
    """The measure's search order group, a key of :data:`TIERS`."""


class SourceInfo(BaseModel):
    """Where a built catalog came from."""

    path: str
    version: str | None
    """The release named by the source (SOURCE.md, package.json), if it names one."""
    content_hash: str
    """SHA-256 over the data files only (measures, benchmarks, MVPs of every year),
    so the same CMS data gives the same hash wherever it came from; see
    :func:`desktop_app.catalog.build.content_hash_of`."""
    built_at: str
    years: list[int]
