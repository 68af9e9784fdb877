"""What an eligibility determination says, in the words QPP uses.

:class:`EligibilityResult` is the same for a determination computed from the
low-volume figures the user entered and for one taken from the QPP Eligibility
API, so every page, the CLI and export read one shape.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, Final

from desktop_app.eligibility.thresholds import SegmentDates, YearRules
from desktop_app.models.numbers import THOUSANDS_GROUPED


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


MAX_DOLLAR_DIGITS: Final = 12
"""At most 12 digits of whole dollars (under $1 trillion). No practice's Part B allowed
charges come near that (all of Medicare Part B pays well under $1 trillion a year), so a
longer number is a typing mistake, not an amount."""
MAX_COUNT_DIGITS: Final = 9
"""At most 9 digits (under 1 billion) beneficiaries or services: more is a typing mistake."""

_MONEY = re.compile(r"[0-9]+(?:\.[0-9]{1,2})?")
_COUNT = re.compile(r"[0-9]+")
"""Whole digits with commas that separate thousands only: 1,204 and 95,000,000."""
_COMMAS_HINT: Final = (
    "commas may only separate thousands (like 95,000.50), or leave them out (95000.50)"
)


def _check_commas(number: str, what: str, typed: str, example: str) -> str:
    """``number`` without its thousands commas; FiguresError if a comma is anywhere else
    (``95,00.5`` or ``1,0`` is a typing mistake, not $9,500.50 or 10)."""
    if "," not in number:
        return number
    whole, point, fraction = number.partition(".")
    if not THOUSANDS_GROUPED.fullmatch(whole) or "," in fraction:
        raise FiguresError(f"{what} '{_shown(typed)}' has a comma in the wrong place: {example}.")
    return whole.replace(",", "") + point + fraction


def _shown(text: str) -> str:
    """The typed text for a message, shortened if very long."""
    text = text.strip()
    return text if len(text) <= 30 else text[:27] + "…"


def parse_money(
    text: str, what: str = "Part B allowed charges", *, thousands_commas: bool = True
) -> Decimal:
    """Dollars as typed (``$95,000.50``, ``95000``) -> Decimal; FiguresError if not money.

    Only a plain amount is accepted once ``$`` and thousands commas are taken out: digits,
    optionally a point and one or two digits of cents. Commas must separate thousands
    (``95,00.5`` is refused, never read as $9,500.50). Exponents (``1e6``), underscores
    (``1_000_000``), blanks inside the number, other digit scripts and amounts of $1
    trillion or more are refused with a message saying what to type.
    ``thousands_commas=False`` where commas separate values (the CLI's
    CHARGES,BENEFICIARIES,SERVICES): the hint then says to leave them out.
    """
    if thousands_commas:
        example = (
            "write it in dollars with digits only, like 95000 or 95000.50 "
            "($ allowed; commas only between thousands, like 95,000.50)"
        )
    else:
        example = (
            "write it in dollars with digits only, like 95000 or 95000.50 "
            "($ allowed; no thousands commas here, since commas separate the three figures)"
        )
    cleaned = text.strip().replace("$", "", 1).strip()
    sign, body = ("-", cleaned[1:].strip()) if cleaned.startswith("-") else ("", cleaned)
    if body and re.fullmatch(r"[0-9.,]+", body):
        if thousands_commas:
            body = _check_commas(body, what, text, _COMMAS_HINT)
        cleaned = sign + body
    if not cleaned:
        raise FiguresError(f"{what} is empty; enter an amount in dollars such as 95000.50.")
    if cleaned.startswith("-") and _MONEY.fullmatch(cleaned[1:].strip()):
        raise FiguresError(f"{what} can't be negative (found {_shown(text)}).")
    if not _MONEY.fullmatch(cleaned):
        if re.fullmatch(r"[0-9]+\.[0-9]{3,}", cleaned):
            raise FiguresError(
                f"{what} '{_shown(text)}' has more than two decimals (cents); {example}."
            )
        raise FiguresError(f"{what} '{_shown(text)}' is not an amount in dollars; {example}.")
    whole = cleaned.split(".")[0].lstrip("0")
    if len(whole) > MAX_DOLLAR_DIGITS:
        raise FiguresError(
            f"{what} '{_shown(text)}' is too large: $1 trillion or more can't be a practice's "
            "Part B allowed charges. Check the number of digits."
        )
    return Decimal(cleaned).quantize(Decimal("0.01"))


def parse_count(text: str, what: str) -> int:
    """A whole, non-negative number as typed (``1,204`` accepted; ``1,0`` refused, never
    read as 10); FiguresError otherwise."""
    cleaned = text.strip()
    sign, body = ("-", cleaned[1:].strip()) if cleaned.startswith("-") else ("", cleaned)
    if body and re.fullmatch(r"[0-9,]+", body):
        hint = "commas may only separate thousands (like 1,204), or leave them out (1204)"
        cleaned = sign + _check_commas(body, what, text, hint)
    if not cleaned:
        raise FiguresError(f"{what} is empty; enter a whole number such as 210.")
    if cleaned.startswith("-") and _COUNT.fullmatch(cleaned[1:].strip()):
        raise FiguresError(f"{what} can't be negative (found {_shown(text)}).")
    if not _COUNT.fullmatch(cleaned):
        raise FiguresError(
            f"{what} '{_shown(text)}' must be a whole number written with digits only, such as 210."
        )
    if len(cleaned.lstrip("0")) > MAX_COUNT_DIGITS:
        raise FiguresError(
            f"{what} '{_shown(text)}' is too large (1 billion or more); check the number of digits."
        )
    return int(cleaned)


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
            charges = parse_money(parts[0], thousands_commas=False)
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
    """From a QPP lookup: QPP's ``isOptedIn`` as given (see :attr:`qpp_election`)."""
    qpp_decision_date: str | None = None
    """From a QPP lookup: QPP's ``optInDecisionDate`` as given (ISO text), if any."""
    details: dict[str, str] = field(default_factory=dict)
    """Extra facts to show (name, QPP's low-volume reasons, ...)."""

    @property
    def special_status_labels(self) -> list[str]:
        return [special_status_label(code) for code in self.special_statuses]

    @property
    def is_opt_in_eligible(self) -> bool:
        return self.status is Status.OPT_IN_ELIGIBLE

    @property
    def qpp_election(self) -> str | None:
        """The election QPP records for this entity (see :func:`qpp_election_of`)."""
        if self.source != "qpp":
            return None
        return qpp_election_of(self.qpp_opted_in, self.qpp_decision_date)

    @property
    def qpp_decision_day(self) -> dt.date | None:
        """QPP's decision date as a date (None when absent or not a date)."""
        return parse_decision_date(self.qpp_decision_date)

    def with_final_election(self, text: str) -> EligibilityResult:
        """This result with the opt-in options sentence replaced by ``text`` (the election
        made), for showing once an election is final."""
        sentence = text.rstrip(".") + "."
        reasons = [
            reason.replace(OPTIONS_SENTENCE, sentence).replace(OPTIONS_SENTENCE_QPP, sentence)
            for reason in self.reasons
        ]
        return replace(self, reasons=tuple(reasons))

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
            "qpp_election": self.qpp_election,
            "qpp_decision_date": self.qpp_decision_date,
        }


OPTIONS_SENTENCE: Final = (
    "Not required to take part in MIPS; may opt in, report voluntarily, or do nothing."
)
"""The end of the opt-in eligible reason (figures), replaced by the election once final."""
OPTIONS_SENTENCE_QPP: Final = "May opt in, report voluntarily, or do nothing."
"""The same for a QPP lookup's reason."""


def qpp_election_of(is_opted_in: bool | None, decision_date: str | None) -> str | None:
    """``opt_in`` / ``voluntary`` / None from QPP's ``isOptedIn`` and ``optInDecisionDate``.

    ``isOptedIn`` true = opted in (even without a decision date: CMS states it); false
    *with* a decision date = elected to report voluntarily; otherwise no decision.
    """
    if is_opted_in is True:
        return "opt_in"
    if is_opted_in is False and decision_date:
        return "voluntary"
    return None


def parse_decision_date(text: str | None) -> dt.date | None:
    """``2026-01-15T10:00:00Z`` or ``2026-01-15`` -> the date; None if absent or not a date."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def long_date(day: dt.date) -> str:
    """``Jan 15, 2026`` (portable: no platform-specific strftime flags)."""
    return f"{day:%b} {day.day}, {day.year}"
