"""Result models of a score preview. Every number comes with a plain-English reason."""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from desktop_app.rules.model import Category, Fact

SpecialStatus = Literal[
    "small_practice",
    "rural",
    "hpsa",
    "non_patient_facing",
    "hospital_based",
    "asc_based",
    "facility_based",
]
SCORING_STATUSES: frozenset[str] = frozenset(get_args(SpecialStatus))
"""The special statuses the scoring rules use, as plain strings (for filtering)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class ScoringOptions(_Frozen):
    """What the user tells the preview besides the measurement data."""

    small_practice: bool = False
    special_statuses: frozenset[SpecialStatus] = frozenset()
    cost_score: float | None = Field(default=None, ge=0, le=100)
    """Expected cost category score in percent; None = unknown (final score becomes a range)."""
    cost_reweighted: bool = False
    prior_quality_score: float | None = Field(default=None, ge=0, le=100)
    """Last year's quality achievement percent score, for the improvement score."""
    complex_patient_bonus: float | None = Field(default=None, ge=0)
    denominator_reduction: int = Field(default=0, ge=0)
    """Number of quality measures (10 points each) taken off the denominator of 60."""
    apm_participant: bool = False
    pi_hardship: bool = False
    """CMS approved a PI hardship exception: PI is reweighted to 0% unless PI data is present."""

    @property
    def statuses(self) -> frozenset[str]:
        """Special statuses, with small_practice included when the flag is set."""
        result: set[str] = set(self.special_statuses)
        if self.small_practice:
            result.add("small_practice")
        return frozenset(result)

    @property
    def is_small_practice(self) -> bool:
        return "small_practice" in self.statuses


class Estimate(_Frozen):
    """An unconfirmed program value a result depends on."""

    key: str
    value: Any
    source: str
    explanation: str


class MeasureScore(_Frozen):
    measure_id: str
    """The CMS measure id; for a PI objective row (``kind == "objective"``) the objective's
    key in the year's rules file (``public_health``, ``bonus``)."""
    category: Category
    collection_type: str | None
    """The submission method (collection type) scored."""
    points: float | None
    """Points in the category's own unit: quality achievement points (0-10), PI points,
    2024 IA activity points. None where the row has no points of its own: PI
    attestations and measures of an all-or-nothing objective, 2025+ improvement
    activities (their share of the IA score is ``credit_percent``)."""
    max_points: float | None
    counted: bool
    """Whether these points enter the category score."""
    reason: str
    summary: str = ""
    """The reason in a few words (points, decile, cap or floor), for a table cell."""
    kind: Literal["measure", "objective"] = "measure"
    credit_percent: float | None = None
    """2025+ improvement activities: the percent of the IA score this activity gives."""
    title: str | None = None
    performance_rate: float | None = None
    data_completeness: float | None = None
    eligible_population: int | None = None
    decile: int | None = None
    estimate: bool = False


class CategoryScore(_Frozen):
    category: Category
    score: float | None
    """Percent 0–100, or None (cost unknown, or reweighted with no data)."""
    weight: float
    """Percent of the final score this category counts for."""
    points: float | None
    """score × weight / 100: what the category adds to the final score."""
    reason: str
    reasons: list[str] = []
    """Details; when the PI score is 0, every reason it is 0."""
    estimate: bool = False
    submitted: bool = False
    details: dict[str, Any] = {}


class PaymentAdjustment(_Frozen):
    band: Literal["negative", "neutral", "positive", "unknown"]
    percent: float | None
    """The adjustment in percent (negative ones are exact; positive ones are unknown in
    advance because of budget-neutral scaling, so None)."""
    percent_before_scaling: float | None
    percent_range: tuple[float, float] | None
    payment_year: int
    reason: str


class PreviewResult(_Frozen):
    performance_year: int
    entity: dict[str, Any]
    final_score: float | None
    final_score_range: tuple[float, float]
    final_score_reason: str
    threshold: float
    threshold_reason: str
    categories: dict[Category, CategoryScore]
    weights_case: str
    weights_reason: str
    measures: list[MeasureScore]
    complex_patient_bonus: float
    payment_adjustment: PaymentAdjustment
    estimates: list[Estimate]
    is_estimate: bool
    warnings: list[str]

    def to_json_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = self.model_dump(mode="json")
        return data


class EstimateLog:
    """Collects the unconfirmed facts a computation used (order kept, no duplicates)."""

    def __init__(self) -> None:
        self._items: dict[str, Estimate] = {}

    def use(self, key: str, fact: Fact[Any], explanation: str) -> bool:
        """Record ``fact`` if it is unconfirmed; returns True if it was (an estimate)."""
        if fact.confirmed:
            return False
        if key not in self._items:
            text = explanation
            if fact.note:
                text += f" {fact.note}"
            self._items[key] = Estimate(
                key=key, value=fact.value, source=fact.source, explanation=text
            )
        return True

    def add(self, key: str, value: Any, source: str, explanation: str) -> None:
        if key not in self._items:
            self._items[key] = Estimate(
                key=key, value=value, source=source, explanation=explanation
            )

    @property
    def items(self) -> list[Estimate]:
        return list(self._items.values())
