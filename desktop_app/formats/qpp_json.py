"""The QPP JSON submission format: one set of pydantic models for preview, import and export.

Shape (CMS QPP Submissions API): a :class:`Submission` holds the entity (entityType,
TIN, NPI, performanceYear) and ``measurementSets``; each :class:`MeasurementSet` has a
category (``quality``, ``pi``, ``ia``; the old name ``aci`` is read as ``pi``), a
submission method, program name, optional CEHRT ID and performance period, and its
``measurements``. A measurement's ``value`` is one of

- ``bool`` (IA activities, PI attestations, yes/no measures, exclusions),
- :class:`Proportion` ``{numerator, denominator}`` (PI proportion measures),
- :class:`SinglePerformanceRate` (quality),
- :class:`MultiPerformanceRate` (quality, with ``strata``),
- :class:`NonProportion` (quality non-proportion measures, read for completeness).

Validation messages say what is wrong and what would be right. Use
:func:`read_submission` / :func:`parse_submission` to read a file or text; they raise
:class:`SubmissionFormatError` with the location (``measurementSets[0].measurements[2]
.value.numerator``) of every problem.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictInt,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from desktop_app.models.identifiers import validate_npi, validate_tin

CategoryName = Literal["quality", "pi", "ia"]
EntityType = Literal["individual", "group", "virtualGroup", "apm", "subgroup"]
SubmissionMethod = Literal[
    "registry",
    "electronicHealthRecord",
    "claims",
    "cmsWebInterface",
    "certifiedSurveyVendor",
    "administrativeClaims",
]

# The names CMS uses for the collection types users know (QPP: "collection type").
COLLECTION_TYPE_LABELS: dict[str, str] = {
    "registry": "MIPS CQM",
    "electronicHealthRecord": "eCQM",
    "claims": "Medicare Part B claims",
    "certifiedSurveyVendor": "CAHPS survey",
    "administrativeClaims": "Administrative claims",
    "cmsWebInterface": "CMS Web Interface",
}


def collection_type_label(method: str) -> str:
    """'electronicHealthRecord' -> 'eCQM' (a name outside the list is kept as it is)."""
    return COLLECTION_TYPE_LABELS.get(method, method)


Count = Annotated[StrictInt, Field(ge=0)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    def to_json_dict(self) -> dict[str, Any]:
        """The QPP JSON form (camelCase keys, unset optional fields left out)."""
        data: dict[str, Any] = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        return data


class Proportion(_Model):
    """A PI proportion measure: ``numerator`` out of ``denominator``."""

    numerator: Count
    denominator: Count

    @model_validator(mode="after")
    def _check(self) -> Proportion:
        if self.numerator > self.denominator:
            raise ValueError(
                f"numerator ({self.numerator}) must not be larger than the denominator "
                f"({self.denominator})"
            )
        return self

    @property
    def ratio(self) -> float:
        return self.numerator / self.denominator if self.denominator else 0.0


def _check_counts(
    met: int, not_met: int | None, population: int, exclusion: int | None, exception: int | None
) -> None:
    parts = met + (not_met or 0) + (exclusion or 0) + (exception or 0)
    if parts > population:
        raise ValueError(
            f"performanceMet + performanceNotMet + eligiblePopulationExclusion + "
            f"eligiblePopulationException ({parts}) must not exceed eligiblePopulation "
            f"({population})"
        )


class _Counts(_Model):
    performance_met: Count = Field(alias="performanceMet")
    performance_not_met: Count | None = Field(default=None, alias="performanceNotMet")
    eligible_population: Count = Field(alias="eligiblePopulation")
    eligible_population_exclusion: Count | None = Field(
        default=None, alias="eligiblePopulationExclusion"
    )
    eligible_population_exception: Count | None = Field(
        default=None, alias="eligiblePopulationException"
    )

    @model_validator(mode="after")
    def _check(self) -> _Counts:
        _check_counts(
            self.performance_met,
            self.performance_not_met,
            self.eligible_population,
            self.eligible_population_exclusion,
            self.eligible_population_exception,
        )
        return self

    @property
    def not_met(self) -> int:
        """performanceNotMet; when a file leaves it out, QPP takes every instance not
        met, excluded or excepted as not met (eligiblePopulation − the others)."""
        if self.performance_not_met is not None:
            return self.performance_not_met
        return max(
            0,
            self.eligible_population
            - self.performance_met
            - (self.eligible_population_exclusion or 0)
            - (self.eligible_population_exception or 0),
        )

    @property
    def performance_denominator(self) -> int:
        """performanceMet + performanceNotMet: what QPP divides the rate by.

        QPP's Submissions API defines performanceRate = performanceMet /
        (performanceMet + performanceNotMet) × 100, so instances that were not
        reported (data completeness under 100%) don't lower the rate.
        """
        return self.performance_met + self.not_met

    @property
    def reported(self) -> int:
        """met + notMet + exclusion + exception: the instances reported."""
        return (
            self.performance_met
            + self.not_met
            + (self.eligible_population_exclusion or 0)
            + (self.eligible_population_exception or 0)
        )

    @property
    def performance_rate(self) -> float | None:
        """Percent 0–100, or None when no instance is left in the denominator."""
        den = self.performance_denominator
        return 100.0 * self.performance_met / den if den > 0 else None

    @property
    def reporting_rate(self) -> float | None:
        """Data completeness, percent 0–100, or None when the eligible population is 0."""
        pop = self.eligible_population
        return 100.0 * self.reported / pop if pop > 0 else None


class SinglePerformanceRate(_Counts):
    """A quality measure with one performance rate."""

    is_end_to_end_reported: StrictBool = Field(alias="isEndToEndReported")
    # QPP computes these itself; old files and API responses carry them, so they are read
    # and ignored (never written).
    performance_rate_sent: float | None = Field(default=None, alias="performanceRate", exclude=True)
    reporting_rate_sent: float | None = Field(default=None, alias="reportingRate", exclude=True)


class Stratum(_Counts):
    stratum: str = Field(min_length=1)


class MultiPerformanceRate(_Model):
    """A quality measure reported per stratum; the catalog's overallAlgorithm combines them."""

    is_end_to_end_reported: StrictBool = Field(alias="isEndToEndReported")
    strata: list[Stratum] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> MultiPerformanceRate:
        seen: set[str] = set()
        for s in self.strata:
            key = s.stratum.lower()
            if key in seen:
                raise ValueError(f"stratum '{s.stratum}' appears more than once")
            seen.add(key)
        return self


class NonProportion(_Model):
    """A non-proportion quality measure (e.g. a turnaround time); read, not scored."""

    is_end_to_end_reported: StrictBool = Field(alias="isEndToEndReported")
    numerator: float = Field(ge=0)
    denominator: Count
    denominator_exception: Count | None = Field(default=None, alias="denominatorException")
    numerator_exclusion: Count | None = Field(default=None, alias="numeratorExclusion")
    observation_instances: Count | None = Field(default=None, alias="observationInstances")


def _value_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, BaseModel):
        return {
            Proportion: "proportion",
            SinglePerformanceRate: "singlePerformanceRate",
            MultiPerformanceRate: "multiPerformanceRate",
            NonProportion: "nonProportion",
        }.get(type(value), "unknown")
    if isinstance(value, dict):
        if "strata" in value:
            return "multiPerformanceRate"
        if "performanceMet" in value or "eligiblePopulation" in value:
            return "singlePerformanceRate"
        if set(value) <= {"numerator", "denominator"}:
            return "proportion"
        if "numerator" in value:
            return "nonProportion"
    return "unknown"


class _Unknown(_Model):
    """Never valid: gives a clear message for values of no known shape."""

    @model_validator(mode="before")
    @classmethod
    def _reject(cls, data: Any) -> Any:
        raise ValueError(
            "value must be true/false, {numerator, denominator}, a performance-rate object "
            "(performanceMet, eligiblePopulation, ...) or an object with strata"
        )


MeasurementValue = Annotated[
    Annotated[StrictBool, Tag("boolean")]
    | Annotated[Proportion, Tag("proportion")]
    | Annotated[SinglePerformanceRate, Tag("singlePerformanceRate")]
    | Annotated[MultiPerformanceRate, Tag("multiPerformanceRate")]
    | Annotated[NonProportion, Tag("nonProportion")]
    | Annotated[_Unknown, Tag("unknown")],
    Discriminator(_value_kind),
]


class Measurement(_Model):
    measure_id: str = Field(alias="measureId", min_length=1)
    value: MeasurementValue


class MeasurementSet(_Model):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    category: CategoryName
    submission_method: SubmissionMethod = Field(alias="submissionMethod")
    program_name: str = Field(default="mips", alias="programName", min_length=1)
    cehrt_id: str | None = Field(default=None, alias="cehrtId")
    performance_start: date | None = Field(default=None, alias="performanceStart")
    performance_end: date | None = Field(default=None, alias="performanceEnd")
    measurements: list[Measurement] = []

    @model_validator(mode="before")
    @classmethod
    def _old_aci_name(cls, data: Any) -> Any:
        """Read the old category name ``aci`` (and ``ACI_`` measure ids) as ``pi``."""
        if isinstance(data, dict) and data.get("category") == "aci":
            data = dict(data)
            data["category"] = "pi"
            measurements = data.get("measurements")
            if isinstance(measurements, list):
                data["measurements"] = [
                    {**m, "measureId": "PI_" + m["measureId"][4:]}
                    if isinstance(m, dict)
                    and isinstance(m.get("measureId"), str)
                    and m["measureId"].startswith("ACI_")
                    else m
                    for m in measurements
                ]
        return data

    @model_validator(mode="after")
    def _check(self) -> MeasurementSet:
        if (
            self.performance_start is not None
            and self.performance_end is not None
            and self.performance_end < self.performance_start
        ):
            raise ValueError(
                f"performanceEnd ({self.performance_end}) is before performanceStart "
                f"({self.performance_start})"
            )
        seen: set[str] = set()
        for m in self.measurements:
            if m.measure_id in seen:
                raise ValueError(f"measure {m.measure_id} appears more than once in this set")
            seen.add(m.measure_id)
        return self

    def measurement(self, measure_id: str) -> Measurement | None:
        for m in self.measurements:
            if m.measure_id == measure_id:
                return m
        return None


class Submission(_Model):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    entity_type: EntityType = Field(alias="entityType")
    taxpayer_identification_number: str | None = Field(
        default=None, alias="taxpayerIdentificationNumber"
    )
    national_provider_identifier: str | None = Field(
        default=None, alias="nationalProviderIdentifier"
    )
    entity_id: str | None = Field(default=None, alias="entityId")
    performance_year: StrictInt = Field(alias="performanceYear", ge=2017, le=2100)
    measurement_sets: list[MeasurementSet] = Field(default=[], alias="measurementSets")

    @field_validator("performance_year", mode="before")
    @classmethod
    def _year(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"performanceYear must be a year such as 2025, not {value!r}")
        return value

    @field_validator("taxpayer_identification_number")
    @classmethod
    def _tin(cls, value: str | None) -> str | None:
        return validate_tin(value) if value is not None else None

    @field_validator("national_provider_identifier")
    @classmethod
    def _npi(cls, value: str | None) -> str | None:
        return validate_npi(value) if value is not None else None

    @model_validator(mode="after")
    def _check(self) -> Submission:
        tin, npi = self.taxpayer_identification_number, self.national_provider_identifier
        if self.entity_type == "individual" and (tin is None or npi is None):
            raise ValueError(
                "an individual submission needs both taxpayerIdentificationNumber and "
                "nationalProviderIdentifier"
            )
        if self.entity_type == "group":
            if tin is None:
                raise ValueError("a group submission needs taxpayerIdentificationNumber")
            if npi is not None:
                raise ValueError(
                    "a group submission must not have a nationalProviderIdentifier "
                    "(leave it out or null)"
                )
        if self.entity_type in ("virtualGroup", "apm", "subgroup") and not self.entity_id:
            raise ValueError(f"a {self.entity_type} submission needs entityId")
        return self

    def sets(self, category: CategoryName) -> list[MeasurementSet]:
        return [s for s in self.measurement_sets if s.category == category]


class SubmissionFormatError(ValueError):
    """A file or text that is not a valid QPP JSON submission; ``problems`` lists
    ``(location, message)`` pairs."""

    def __init__(self, message: str, problems: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part in {
            "boolean",
            "proportion",
            "singlePerformanceRate",
            "multiPerformanceRate",
            "nonProportion",
            "unknown",
        } or part.startswith("function-"):
            continue  # union tags, not part of the JSON path
        else:
            text += ("." if text else "") + part
    return text or "(top level)"


def _clean_message(msg: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            return msg[len(prefix) :]
    return msg


def parse_submission(data: Any, *, origin: str = "submission") -> Submission:
    """Validate decoded JSON (a submission, or an API response ``{"data": {"submission":
    ...}}``); SubmissionFormatError lists every problem with its location."""
    if isinstance(data, dict) and isinstance(data.get("data"), dict):
        inner = data["data"].get("submission")
        if isinstance(inner, dict):
            data = inner
    if not isinstance(data, dict):
        raise SubmissionFormatError(
            f"{origin} is not a QPP submission: expected a JSON object with entityType, "
            f"performanceYear and measurementSets, found {type(data).__name__}"
        )
    if "measurementSets" not in data and "entityType" not in data:
        raise SubmissionFormatError(
            f"{origin} is not a QPP submission: it has no entityType or measurementSets"
        )
    try:
        return Submission.model_validate(data)
    except ValidationError as exc:
        problems = [(_location(err["loc"]), _clean_message(err["msg"])) for err in exc.errors()]
        lines = "\n".join(f"  {loc}: {msg}" for loc, msg in problems)
        raise SubmissionFormatError(
            f"{origin} is not a valid QPP submission ({len(problems)} problem"
            f"{'s' if len(problems) != 1 else ''}):\n{lines}",
            problems,
        ) from exc


def parse_submission_text(text: str, *, origin: str = "submission") -> Submission:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SubmissionFormatError(
            f"{origin} is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            [(f"line {exc.lineno}, column {exc.colno}", exc.msg)],
        ) from exc
    return parse_submission(data, origin=origin)


def read_submission(path: Path) -> Submission:
    """Read a QPP JSON file; SubmissionFormatError for missing, unreadable or invalid files."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise SubmissionFormatError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise SubmissionFormatError(f"{path} is a folder, not a QPP JSON file") from exc
    except OSError as exc:
        raise SubmissionFormatError(f"{path} could not be read: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SubmissionFormatError(
            f"{path} is not a text file in UTF-8 (byte {exc.start} is not valid)"
        ) from exc
    return parse_submission_text(text, origin=str(path))


def dump_submission(submission: Submission) -> str:
    """The submission as QPP JSON text (2-space indent)."""
    return json.dumps(submission.to_json_dict(), indent=2) + "\n"
