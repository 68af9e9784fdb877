"""The practice, its clinicians and its reporting entities (pydantic models).

Every validation message is written for a practice manager: it names the field,
says what is wrong and what a valid value looks like. Use
:func:`friendly_errors` to turn a ``pydantic.ValidationError`` into such lines.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any, Final

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from desktop_app.models.clinician_types import ELIGIBLE_CLINICIAN_TYPES
from desktop_app.models.errors import (
    FIELD_LABELS,
    field_errors,
    friendly_error_text,
    friendly_errors,
)
from desktop_app.models.identifiers import NPI, TIN
from desktop_app.models.years import check_known_year

__all__ = [
    "FIELD_LABELS",
    "OTHER_CLINICIAN_TYPE",
    "SPECIAL_STATUS_LABELS",
    "US_STATE_CODES",
    "Clinician",
    "Practice",
    "ReportingEntity",
    "SpecialStatus",
    "field_errors",
    "friendly_error_text",
    "friendly_errors",
    "normalize_clinician_type",
]

OTHER_CLINICIAN_TYPE: Final = "OTHER"
TRADITIONAL_MIPS: Final = "traditional"
_MVP_ID = re.compile(r"^[GgMm][0-9]{4}$")  # MVP ids: M0005, G0053, ...


class SpecialStatus(StrEnum):
    """Special statuses CMS assigns to a practice (QPP Participation Status tool)."""

    SMALL_PRACTICE = "small_practice"
    RURAL = "rural"
    HPSA = "hpsa"
    NON_PATIENT_FACING = "non_patient_facing"
    HOSPITAL_BASED = "hospital_based"
    ASC_BASED = "asc_based"
    FACILITY_BASED = "facility_based"

    @property
    def label(self) -> str:
        return SPECIAL_STATUS_LABELS[self]


SPECIAL_STATUS_LABELS: Final[dict[SpecialStatus, str]] = {
    SpecialStatus.SMALL_PRACTICE: "Small practice",
    SpecialStatus.RURAL: "Rural",
    SpecialStatus.HPSA: "Health Professional Shortage Area (HPSA)",
    SpecialStatus.NON_PATIENT_FACING: "Non-patient facing",
    SpecialStatus.HOSPITAL_BASED: "Hospital-based",
    SpecialStatus.ASC_BASED: "Ambulatory Surgical Center (ASC)-based",
    SpecialStatus.FACILITY_BASED: "Facility-based",
}

# USPS codes: the 50 states, DC, territories and military post offices.
US_STATE_CODES: Final[frozenset[str]] = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "DC",
        "PR",
        "VI",
        "GU",
        "AS",
        "MP",
        "AA",
        "AE",
        "AP",
    ]
)


def _none_to_empty(value: Any) -> Any:
    return "" if value is None else value


OptionalText = Annotated[str, BeforeValidator(_none_to_empty)]


def _required_text(value: str, label: str) -> str:
    text = " ".join(value.split())
    if not text:
        raise ValueError(f"{label} must not be empty.")
    return text


def normalize_clinician_type(value: str) -> str:
    """The type code for ``value``: a code (``md``, ``M.D.``), a label, or ``OTHER``.

    Raises ValueError for text that is neither a known code, nor a known label, nor
    "Other"; the message lists the codes.
    """
    raw = value.strip()
    code = raw.upper().replace(".", "").replace(" ", "")
    if code in ELIGIBLE_CLINICIAN_TYPES or code == OTHER_CLINICIAN_TYPE:
        return code
    for known, label in ELIGIBLE_CLINICIAN_TYPES.items():
        if raw.casefold() == label.casefold():
            return known
    if not raw:
        raise ValueError(
            "Clinician type must not be empty; use a code such as MD, DO, NP or PA "
            "(or OTHER for a type outside MIPS)."
        )
    codes = ", ".join(ELIGIBLE_CLINICIAN_TYPES)
    raise ValueError(
        f"Clinician type '{raw}' is not one MIPS Desk knows. Use one of {codes}, "
        "or OTHER for a clinician type that is not MIPS eligible."
    )


def _special_status(value: Any) -> Any:
    if isinstance(value, SpecialStatus) or not isinstance(value, str):
        return value
    wanted = value.strip().casefold().replace("-", " ").replace("_", " ")
    for status, label in SPECIAL_STATUS_LABELS.items():
        names = {status.value.replace("_", " "), label.casefold().replace("-", " ")}
        if wanted in names:
            return status
    if wanted in ("hpsa", "health professional shortage area"):
        return SpecialStatus.HPSA
    if wanted in ("asc based", "ambulatory surgical center based"):
        return SpecialStatus.ASC_BASED
    labels = ", ".join(SPECIAL_STATUS_LABELS.values())
    raise ValueError(f"'{value}' is not a special status CMS assigns; use one of: {labels}.")


class Practice(BaseModel):
    """The practice (one TIN) a workspace belongs to."""

    model_config = ConfigDict(validate_assignment=True, str_strip_whitespace=True)

    tin: TIN
    name: str
    address_line1: OptionalText = ""
    address_line2: OptionalText = ""
    city: OptionalText = ""
    state: OptionalText = ""
    zip: OptionalText = ""
    size: int | None = Field(default=None, ge=1)
    """Clinicians billing under the TIN, when it differs from the clinicians listed."""
    special_statuses: list[SpecialStatus] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _required_text(value, "Practice name")

    @field_validator("address_line1", "address_line2", "city")
    @classmethod
    def _squash(cls, value: str) -> str:
        return " ".join(value.split())

    @field_validator("state")
    @classmethod
    def _state(cls, value: str) -> str:
        code = value.strip().upper()
        if code and code not in US_STATE_CODES:
            raise ValueError(
                f"State '{value}' is not a US state code; use the two-letter postal "
                "code, for example NY or TX."
            )
        return code

    @field_validator("zip")
    @classmethod
    def _zip(cls, value: str) -> str:
        digits = value.strip().replace("-", "").replace(" ", "")
        if not digits:
            return ""
        if not digits.isdigit() or len(digits) not in (5, 9):
            raise ValueError(
                f"ZIP code '{value}' must have 5 digits (12345) or 9 digits (12345-6789)."
            )
        return digits if len(digits) == 5 else f"{digits[:5]}-{digits[5:]}"

    @field_validator("special_statuses", mode="before")
    @classmethod
    def _statuses_before(cls, value: Any) -> Any:
        if isinstance(value, str):  # "small_practice, rural" from a form or CSV
            value = [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, list | tuple | set | frozenset):
            return [_special_status(item) for item in value]
        return value

    @field_validator("special_statuses")
    @classmethod
    def _statuses(cls, value: list[SpecialStatus]) -> list[SpecialStatus]:
        seen: list[SpecialStatus] = []
        for status in value:
            if status not in seen:
                seen.append(status)
        return seen


class Clinician(BaseModel):
    """A clinician billing under the practice's TIN."""

    model_config = ConfigDict(validate_assignment=True, str_strip_whitespace=True)

    npi: NPI
    first_name: str
    last_name: str
    clinician_type: str
    """A code of ELIGIBLE_CLINICIAN_TYPES (MD, DO, NP, ...) or OTHER."""
    medicare_enrollment_date: dt.date | None = None

    @field_validator("first_name")
    @classmethod
    def _first(cls, value: str) -> str:
        return _required_text(value, "First name")

    @field_validator("last_name")
    @classmethod
    def _last(cls, value: str) -> str:
        return _required_text(value, "Last name")

    @field_validator("clinician_type")
    @classmethod
    def _type(cls, value: str) -> str:
        return normalize_clinician_type(value)

    @field_validator("medicare_enrollment_date", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        if isinstance(value, str):
            if not value.strip():
                return None
            from desktop_app.models.dates import parse_date

            return parse_date(value, "Medicare enrollment date")
        return value

    @field_validator("medicare_enrollment_date")
    @classmethod
    def _not_in_future(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        # A date read back from a workspace (context {"stored": True}) is kept as it is,
        # so a clinician saved before this check existed can still be opened and fixed.
        stored = isinstance(info.context, dict) and info.context.get("stored") is True
        if value is not None and not stored and value > dt.date.today():
            raise ValueError(
                f"Medicare enrollment date {value.isoformat()} is in the future; enter the "
                "date the clinician first enrolled in Medicare (today at the latest), as "
                "shown in PECOS, or leave it empty if you don't know it."
            )
        return value

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def sort_name(self) -> str:
        """``Last, First`` as lists show clinicians."""
        return f"{self.last_name}, {self.first_name}"

    @property
    def is_mips_eligible_type(self) -> bool:
        return self.clinician_type in ELIGIBLE_CLINICIAN_TYPES


class ReportingEntity(BaseModel):
    """Who reports for a year: the group (the TIN) or one clinician (TIN/NPI)."""

    model_config = ConfigDict(validate_assignment=True, str_strip_whitespace=True)

    year: int = Field(ge=2017, le=2100)
    tin: TIN
    npi: NPI | None = None
    reporting_option: str = TRADITIONAL_MIPS
    """``traditional`` for traditional MIPS, or an MVP id such as ``M0005``."""

    @field_validator("year")
    @classmethod
    def _year(cls, value: int) -> int:
        return check_known_year(value)

    @field_validator("npi", mode="before")
    @classmethod
    def _blank_npi(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("reporting_option")
    @classmethod
    def _option(cls, value: str) -> str:
        text = value.strip()
        if text.casefold() in ("traditional", "traditional mips", "mips"):
            return TRADITIONAL_MIPS
        if _MVP_ID.match(text):
            return text.upper()
        raise ValueError(
            f"Reporting option '{value}' must be 'traditional' (traditional MIPS) or an "
            "MVP id such as M0005 or G0053."
        )

    @property
    def is_group(self) -> bool:
        return self.npi is None

    @property
    def is_mvp(self) -> bool:
        return self.reporting_option != TRADITIONAL_MIPS

    @property
    def key(self) -> str:
        """``TIN`` for the group, ``TIN/NPI`` for an individual."""
        return self.tin if self.npi is None else f"{self.tin}/{self.npi}"
