"""What an eligibility determination says, in the words QPP uses.

:class:`EligibilityResult` is the same for a determination computed from the
low-volume figures the user entered and for one taken from the QPP Eligibility
API, so every page, the CLI and export read one shape.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Final

from desktop_app.eligibility.thresholds import SegmentDates, YearRules


class Status(StrEnum):
    """The determination (the CLI prints the value)."""

    ELIGIBLE = "eligible"
    OPT_IN_ELIGIBLE = "opt-in eligible"
    EXEMPT = "exempt"
    NOT_DETERMINED = "not determined"
    """No low-volume figures and no QPP lookup yet (never printed by the CLI)."""


class Level(StrEnum):
    INDIVIDUAL = "individual"
    GROUP = "group"


class Criterion(StrEnum):
    ALLOWED_CHARGES = "allowed_charges"
    BENEFICIARIES = "beneficiaries"
    SERVICES = "services"


CRITERIA: Final = (Criterion.ALLOWED_CHARGES, Criterion.BENEFICIARIES, Criterion.SERVICES)

CRITERION_LABELS: Final[dict[Criterion, str]] = {
    Criterion.ALLOWED_CHARGES: "Part B allowed charges",
    Criterion.BENEFICIARIES: "Part B beneficiaries (Medicare patients)",
    Criterion.SERVICES: "Covered professional services",
}

# Special statuses and other reporting factors, with the labels QPP shows under
# "Special Statuses, Exceptions and Other Reporting Factors". The first seven are
# desktop_app.models.practice.SpecialStatus values.
SPECIAL_STATUS_LABELS: Final[dict[str, str]] = {
    "small_practice": "Small practice",
    "rural": "Rural",
    "hpsa": "Health Professional Shortage Area (HPSA)",
    "non_patient_facing": "Non-patient facing",
    "hospital_based": "Hospital-based",
    "asc_based": "Ambulatory Surgical Center (ASC)-based",
    "facility_based": "Facility-based",
    "pi_hardship": "PI Hardship Exception",
    "pi_reweighting": "Promoting Interoperability reweighting",
    "euc": "Extreme and Uncontrollable Circumstances exception",
}

USER_SPECIAL_STATUSES: Final = (
    "rural",
    "hpsa",
    "non_patient_facing",
    "hospital_based",
    "asc_based",
    "facility_based",
)
"""The statuses a user may set by hand (small practice is computed from the count)."""


def special_status_label(code: str) -> str:
    return SPECIAL_STATUS_LABELS.get(code, code.replace("_", " ").capitalize())


class FiguresError(ValueError):
    """Low-volume figures that can't be used; the message says how to write them."""


FIGURES_HELP: Final = (
    "Write the three low-volume figures as CHARGES,BENEFICIARIES,SERVICES, for example "
    "95000.50,210,340: Part B allowed charges in dollars (cents optional), then the number "
    "of Part B beneficiaries and of covered professional services, each a whole number, "
    "none negative."
)


def parse_money(text: str, what: str = "Part B allowed charges") -> Decimal:
    """Dollars as typed (``$95,000.50``, ``95000``) -> Decimal; FiguresError if not money."""
    cleaned = text.strip().replace("$", "").replace(",", "").replace(" ", "")
    if not cleaned:
        raise FiguresError(f"{what} is empty; enter an amount in dollars such as 95000.50.")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise FiguresError(
            f"{what} '{text}' is not an amount in dollars; write it like 95000.50."
        ) from None
    if not value.is_finite():
        raise FiguresError(f"{what} '{text}' is not an amount in dollars; write it like 95000.50.")
    if value < 0:
        raise FiguresError(f"{what} can't be negative (found {text}).")
    if value != value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP):
        raise FiguresError(f"{what} '{text}' has more than two decimals (cents).")
    return value.quantize(Decimal("0.01"))


def parse_count(text: str, what: str) -> int:
    """A whole, non-negative number as typed (``1,204`` accepted); FiguresError otherwise."""
    cleaned = text.strip().replace(",", "").replace(" ", "")
    if not cleaned:
        raise FiguresError(f"{what} is empty; enter a whole number such as 210.")
    if not cleaned.lstrip("-").isdigit():
        raise FiguresError(f"{what} '{text}' must be a whole number such as 210.")
    value = int(cleaned)
    if value < 0:
        raise FiguresError(f"{what} can't be negative (found {text}).")
    return value


@dataclass(frozen=True)
class LowVolumeFigures:
    """The three low-volume figures of one determination segment."""

    allowed_charges: Decimal
    beneficiaries: int
    services: int

    def __post_init__(self) -> None:
        cents = Decimal(self.allowed_charges).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        object.__setattr__(self, "allowed_charges", cents)
        if self.allowed_charges < 0 or self.beneficiaries < 0 or self.services < 0:
            raise FiguresError("Low-volume figures can't be negative. " + FIGURES_HELP)

    @classmethod
    def parse(cls, text: str) -> LowVolumeFigures:
        """``"95000.50,210,340"`` -> figures; FiguresError saying how to write them."""
        parts = text.split(",")
        if len(parts) != 3:
            raise FiguresError(
                f"'{text}' has {len(parts)} value(s), not 3. {FIGURES_HELP} "
                "Don't use thousands separators here."
            )
        try:
            charges = parse_money(parts[0])
            beneficiaries = parse_count(parts[1], "The number of Part B beneficiaries")
            services = parse_count(parts[2], "The number of covered professional services")
        except FiguresError as exc:
            raise FiguresError(f"{exc} {FIGURES_HELP}") from None
        return cls(charges, beneficiaries, services)

    def value(self, criterion: Criterion) -> Decimal | int:
        if criterion is Criterion.ALLOWED_CHARGES:
            return self.allowed_charges
        if criterion is Criterion.BENEFICIARIES:
            return self.beneficiaries
        return self.services

    def to_dict(self) -> dict[str, Any]:
        return {
            "allowed_charges": str(self.allowed_charges),
            "beneficiaries": self.beneficiaries,
            "services": self.services,
        }


def format_money(value: Decimal) -> str:
    return f"${value:,.2f}"


def format_figure(criterion: Criterion, value: Decimal | int) -> str:
    if criterion is Criterion.ALLOWED_CHARGES:
        return format_money(Decimal(value))
    return f"{int(value):,}"


def threshold_of(rules: YearRules, criterion: Criterion) -> Decimal | int:
    if criterion is Criterion.ALLOWED_CHARGES:
        return rules.allowed_charges
    if criterion is Criterion.BENEFICIARIES:
        return rules.beneficiaries
    return rules.services


@dataclass(frozen=True)
class SegmentResult:
    """One determination segment: its dates, figures and the criteria exceeded."""

    dates: SegmentDates
    figures: LowVolumeFigures
    exceeded: tuple[Criterion, ...]

    @property
    def exceeded_count(self) -> int:
        return len(self.exceeded)

    @property
    def exceeds_lvt(self) -> bool:
        """All three criteria exceeded: above the low-volume threshold in this segment."""
        return self.exceeded_count == len(CRITERIA)

    def to_dict(self) -> dict[str, Any]:
        return {
            "segment": self.dates.number,
            "start": self.dates.start.isoformat(),
            "end": self.dates.end.isoformat(),
            **self.figures.to_dict(),
            "criteria_exceeded": [c.value for c in self.exceeded],
            "exceeds_low_volume_threshold": self.exceeds_lvt,
        }


@dataclass(frozen=True)
class EligibilityResult:
    """A determination for one year and one entity (a clinician or the group)."""

    year: int
    level: Level
    status: Status
    reasons: tuple[str, ...]
    segments: tuple[SegmentResult, ...] = ()
    criteria_exceeded: tuple[Criterion, ...] = ()
    """Criteria exceeded in every segment considered (what decides the status)."""
    special_statuses: tuple[str, ...] = ()
    """Codes of SPECIAL_STATUS_LABELS."""
    source: str = "figures"
    """``figures`` (computed from entered figures) or ``qpp`` (the QPP Eligibility API)."""
    looked_up_at: dt.datetime | None = None
    is_estimate: bool = False
    """The year's threshold is not confirmed in CMS text yet (data file mark ``u``)."""
    qpp_opted_in: bool | None = None
    """From a QPP lookup: QPP already records an election (True opt-in, False voluntary)."""
    details: dict[str, str] = field(default_factory=dict)
    """Extra facts to show (name, QPP's low-volume reasons, ...)."""

    @property
    def special_status_labels(self) -> list[str]:
        return [special_status_label(code) for code in self.special_statuses]

    @property
    def is_opt_in_eligible(self) -> bool:
        return self.status is Status.OPT_IN_ELIGIBLE

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "level": self.level.value,
            "status": self.status.value,
            "reasons": list(self.reasons),
            "segments": [s.to_dict() for s in self.segments],
            "criteria_exceeded": [c.value for c in self.criteria_exceeded],
            "special_statuses": list(self.special_statuses),
            "source": self.source,
            "looked_up_at": self.looked_up_at.isoformat() if self.looked_up_at else None,
            "is_estimate": self.is_estimate,
        }
