"""Pydantic models of the per-year program rules files (``desktop_app/rules/data/YEAR.json``).

Every value is a :class:`Fact`: the value, where it comes from (CFR section,
scoring guide, qpp-measures-data, seed) and whether CMS text or data confirms it.
Unconfirmed values are used like the others, but results that depend on them are
reported as estimates.
"""

from __future__ import annotations

import re
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

T = TypeVar("T")

Category = Literal["quality", "pi", "ia", "cost"]
CATEGORIES: tuple[Category, ...] = ("quality", "pi", "ia", "cost")

SPECIAL_STATUSES: tuple[str, ...] = (
    "small_practice",
    "rural",
    "hpsa",
    "non_patient_facing",
    "hospital_based",
    "asc_based",
    "facility_based",
)


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Fact(_Strict, Generic[T]):
    """One program value with its source and confirmation status."""

    value: T
    source: str = Field(min_length=1)
    confirmed: bool
    note: str | None = None

    def describe(self) -> str:
        """``source`` plus, when unconfirmed, a plain note that the value is an estimate."""
        text = f"Source: {self.source}."
        if not self.confirmed:
            text += " Unconfirmed: treated as an estimate."
        if self.note:
            text += f" {self.note}"
        return text


class EligibilityRules(_Strict):
    lvt_allowed_charges: Fact[float]
    lvt_beneficiaries: Fact[int]
    lvt_services: Fact[int]


class WeightCase(_Strict):
    """One row of the category weight table."""

    case: str
    label: str
    zeroed: list[Category]
    """Categories reweighted to 0% in this case."""
    small_practice: bool | None
    """True: small practices only; False: not small practices; None: either."""
    weights: dict[Category, float]
    source: str
    confirmed: bool

    @model_validator(mode="after")
    def _check(self) -> WeightCase:
        if set(self.weights) != set(CATEGORIES):
            raise ValueError(f"weight case '{self.case}' must give quality, pi, ia and cost")
        total = sum(self.weights.values())
        if abs(total - 100) > 1e-9:
            raise ValueError(f"weight case '{self.case}' adds up to {total}, not 100")
        for cat in self.zeroed:
            if self.weights[cat] != 0:
                raise ValueError(f"weight case '{self.case}' reweights {cat} but gives it weight")
        return self


class FinalRules(_Strict):
    performance_threshold: Fact[float]
    max_negative_adjustment_percent: Fact[float]
    max_positive_adjustment_percent: Fact[float]
    floor_score: Fact[float]
    complex_patient_bonus_max: Fact[float]
    payment_year_offset: Fact[int]


class QualityRules(_Strict):
    data_completeness_percent: Fact[float]
    case_minimum: Fact[int]
    small_practice_only_methods: Fact[list[str]]
    """Submission methods only small practices may use (Part B claims); others earn 0."""
    required_measures: Fact[int]
    max_points_per_measure: Fact[float]
    small_practice_bonus: Fact[float]
    small_practice_floor: Fact[float]
    unscorable_points: Fact[float]
    topped_out_cap: Fact[float]
    new_measure_floor_year1: Fact[float]
    new_measure_floor_year2: Fact[float]
    improvement_max_percent: Fact[float]
    improvement_prior_floor_percent: Fact[float]
    decile_method: Fact[str]


class PiMeasureRule(_Strict):
    measure_id: str
    label: str
    kind: Literal["proportion", "yes_no"]
    points: float = Field(ge=0)
    exclusions: list[str] = []
    active_engagement: list[str] = []
    """If not empty, a Yes counts only with one of these (_PRE / _PROD) also Yes."""
    redistribute_to: str | None = None
    """Objective key or measure id that receives this measure's points when it is excluded."""


class PiObjective(_Strict):
    key: str
    label: str
    required: bool
    scoring: Literal["sum", "all", "any"]
    """sum: each measure earns its points; all: the objective's points when every measure
    is met or excluded (one at least met); any: the objective's points when one is met."""
    points: float | None = None
    redistribute_to: str | None = None
    """Objective key receiving the objective's points when every measure is excluded."""
    options: list[list[PiMeasureRule]] = Field(min_length=1)
    """Alternative ways to meet the objective; the best one counts."""

    @model_validator(mode="after")
    def _check(self) -> PiObjective:
        if self.scoring in ("all", "any") and self.points is None:
            raise ValueError(f"PI objective '{self.key}' ({self.scoring}) needs 'points'")
        return self


class RequiredAttestation(_Strict):
    measure_id: str
    label: str


class PiRules(_Strict):
    max_score: Fact[float]
    bonus_points: Fact[float]
    round_measure_points: Fact[bool]
    minimum_period_days: Fact[int]
    cehrt_id_patterns: Fact[list[str]]
    cehrt_id_rejected_fragments: Fact[list[str]]
    cehrt_id_example: Fact[str]
    required_attestations: Fact[list[RequiredAttestation]]
    objectives: Fact[list[PiObjective]]
    exclusion_redistribution: Fact[bool]

    @field_validator("cehrt_id_patterns")
    @classmethod
    def _patterns_compile(cls, fact: Fact[list[str]]) -> Fact[list[str]]:
        for pattern in fact.value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(
                    f"CEHRT ID pattern {pattern!r} is not a valid regex: {exc}"
                ) from exc
        return fact


class IaActivityPeriod(_Strict):
    """An activity whose own description sets a period other than the default."""

    measure_id: str
    min_days: int | None = Field(default=None, ge=1)
    min_months: int | None = Field(default=None, ge=1)
    note: str

    @model_validator(mode="after")
    def _check(self) -> IaActivityPeriod:
        if (self.min_days is None) == (self.min_months is None):
            raise ValueError(
                f"IA activity period '{self.measure_id}' needs exactly one of min_days, min_months"
            )
        return self


class IaRules(_Strict):
    method: Fact[Literal["weighted", "count"]]
    high_points: Fact[float] | None = None
    medium_points: Fact[float] | None = None
    max_points: Fact[float] | None = None
    special_statuses: Fact[list[str]]
    pcmh_measure_id: Fact[str]
    apm_credit_percent: Fact[float]
    activities_required: Fact[int] | None = None
    activities_required_special: Fact[int] | None = None
    minimum_period_days: Fact[int]
    """Continuous days each activity must be performed, unless it states its own."""
    activity_periods: Fact[list[IaActivityPeriod]]

    @model_validator(mode="after")
    def _check(self) -> IaRules:
        if self.method.value == "weighted":
            missing = [
                n
                for n in ("high_points", "medium_points", "max_points")
                if getattr(self, n) is None
            ]
        else:
            missing = [
                n
                for n in ("activities_required", "activities_required_special")
                if getattr(self, n) is None
            ]
        if missing:
            raise ValueError(
                f"IA method '{self.method.value}' needs {', '.join(missing)} in the rules file"
            )
        return self


class ProgramRules(_Strict):
    """All program values for one performance year."""

    performance_year: int = Field(ge=2017, le=2100)
    title: str
    eligibility: EligibilityRules
    weights: list[WeightCase] = Field(min_length=1)
    pi_reweighting_statuses: Fact[list[str]]
    final: FinalRules
    quality: QualityRules
    pi: PiRules
    ia: IaRules

    @model_validator(mode="after")
    def _check(self) -> ProgramRules:
        if not any(w.case == "default" for w in self.weights):
            raise ValueError("the weights table needs a 'default' case")
        for status in self.pi_reweighting_statuses.value + self.ia.special_statuses.value:
            if status not in SPECIAL_STATUSES:
                raise ValueError(
                    f"unknown special status '{status}' (known: {', '.join(SPECIAL_STATUSES)})"
                )
        return self

    def weight_case(self, name: str) -> WeightCase:
        for w in self.weights:
            if w.case == name:
                return w
        raise KeyError(name)
