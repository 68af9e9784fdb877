"""What the measures catalog holds, as the rest of the core reads it.

These are read-only views of CMS's qpp-measures-data records. ``data`` keeps
the whole source record so that fields this model does not name (strata,
overallAlgorithm, eMeasureUuid, exclusion, substitutes, ...) stay available.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Category = Literal["quality", "ia", "pi", "cost"]


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
    """Lower is better (SQLite FTS5 bm25)."""


class SourceInfo(BaseModel):
    """Where a built catalog came from."""

    path: str
    version: str | None
    """The release named by the source (SOURCE.md, package.json), if it names one."""
    content_hash: str
    """SHA-256 over every source file read, in a fixed order."""
    built_at: str
    years: list[int]
