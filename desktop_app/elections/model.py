"""Opt-in and voluntary reporting elections, in the words of QPP's election guide (seed 004)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from desktop_app import rules as program_rules

CONFIRM_WORD: Final = "CONFIRM"
SOURCE_MIPSDESK: Final = "mipsdesk"
SOURCE_QPP: Final = "qpp"


def _day(day: dt.date) -> str:
    """``Jan 15, 2026`` (portable: no platform-specific strftime flags)."""
    return f"{day:%b} {day.day}, {day.year}"


class Election(StrEnum):
    OPT_IN = "opt_in"
    VOLUNTARY = "voluntary"
    NO_DECISION = "no_decision"

    @property
    def label(self) -> str:
        return ELECTION_LABELS[self]


ELECTION_LABELS: Final[dict[Election, str]] = {
    Election.OPT_IN: "Opt-In",
    Election.VOLUNTARY: "Report Voluntarily",
    Election.NO_DECISION: "No Decision",
}


class ElectionError(Exception):
    """An election can't be made or changed; the message says why."""


class FinalElectionError(ElectionError):
    """The election is confirmed: it is final and can't be changed or removed."""


class ConfirmationError(ElectionError):
    """The confirmation word was not typed exactly."""


def confirmation_accepted(typed: str) -> bool:
    """True only for exactly ``CONFIRM`` (no other case, no blanks), as QPP asks."""
    return typed == CONFIRM_WORD


def payment_year(year: int) -> int:
    """The year a MIPS payment adjustment for performance year ``year`` applies."""
    offset = program_rules.load_rules(year).final.payment_year_offset.value
    return year + int(offset)


@dataclass(frozen=True)
class ElectionRecord:
    year: int
    tin: str
    npi: str | None
    election: Election
    entity_name: str
    confirmed_at: dt.datetime | None
    confirmed_by: str | None
    source: str = SOURCE_MIPSDESK
    """``mipsdesk`` (confirmed here with CONFIRM) or ``qpp`` (an election QPP records,
    read from an Eligibility API lookup: ``confirmed_at`` is QPP's decision date)."""

    @property
    def is_final(self) -> bool:
        return self.from_qpp or self.confirmed_at is not None

    @property
    def from_qpp(self) -> bool:
        return self.source == SOURCE_QPP

    @property
    def status_text(self) -> str:
        """One line: ``Elected on QPP Jan 15, 2026: Opt-In``, ``Final: Opt-In, confirmed
        Nov 23, 2026 by pat`` or ``Not confirmed yet``."""
        by = f" by {self.confirmed_by}" if self.confirmed_by and not self.from_qpp else ""
        return self.short_status_text + (by if self.confirmed_at is not None else "")

    @property
    def short_status_text(self) -> str:
        """:attr:`status_text` without who confirmed it (for the election grid)."""
        if self.from_qpp:
            when = _day(self.confirmed_at.date()) if self.confirmed_at else "(no date given)"
            return f"Elected on QPP {when}: {self.election.label}"
        if self.confirmed_at is None:
            return "Not confirmed yet"
        local = self.confirmed_at.astimezone()
        return f"Final: {self.election.label}, confirmed {_day(local.date())}"

    @property
    def key(self) -> str:
        return self.tin if self.npi is None else f"{self.tin}/{self.npi}"

    @property
    def entity_label(self) -> str:
        """``Group (TIN 123456789)`` or ``Individual (TIN/NPI 123456789/1234567893)``."""
        if self.npi is None:
            return f"Group (TIN {self.tin})"
        return f"Individual (TIN/NPI {self.tin}/{self.npi})"


# ------------------------------------------------------------------ wording
def option_description(election: Election, year: int, group: bool) -> str:
    """The text under each option of QPP's "Reporting Options" dialog."""
    py = payment_year(year)
    if election is Election.OPT_IN:
        if group:
            return (
                "By electing to Opt-In, you become MIPS eligible. You will receive a MIPS "
                f"final score and all MIPS eligible clinicians in the practice will receive a "
                f"payment adjustment in {py} based on the group's performance."
            )
        return (
            "By electing to Opt-In, you become MIPS eligible. You will receive a MIPS final "
            f"score and a payment adjustment in {py}."
        )
    if election is Election.VOLUNTARY:
        return (
            "By voluntarily reporting MIPS data, you will receive performance feedback for "
            f"informational purposes only. You will not receive a payment adjustment in {py}. "
            "Voluntary reporting through the APM Performance Pathway (APP) isn't permitted."
        )
    return (
        "No action is needed if you don't want to submit data. The clinician or group will "
        "remain MIPS exempt; an election can still be made later in the submission period, "
        "before any data is submitted."
    )


def consequences(election: Election, year: int, group: bool) -> list[str]:
    """Every consequence of ``election`` (payment adjustment, feedback, benchmarks, public
    reporting, APP), as the election guide's "Opting-In vs. Voluntary Reporting" table says."""
    py = payment_year(year)
    if election is Election.OPT_IN:
        items = [
            f"Payment adjustment: you will receive a MIPS payment adjustment (positive, "
            f"negative, or neutral) in {py}, even if no data is submitted.",
            "Feedback: you'll receive performance feedback.",
            "Benchmarks: your data will be included in measure benchmark calculations.",
            "Public reporting: your data will be made available for public reporting in the "
            "Doctors & Clinicians section of Medicare Care Compare.",
            "APM participants: clinicians in a MIPS APM can choose whether to report the APM "
            "Performance Pathway (APP) or traditional MIPS.",
        ]
        if group:
            items.insert(
                1,
                "All MIPS eligible clinicians in the practice will receive a payment "
                "adjustment based on the group's final score.",
            )
    elif election is Election.VOLUNTARY:
        items = [
            f"Payment adjustment: you won't receive a payment adjustment in {py}.",
            "Feedback: you'll receive limited performance feedback; no feedback on cost "
            "measures or claims quality measures.",
            "Benchmarks: your data won't be included in measure benchmark calculations.",
            "Public reporting: your data will be made available for public reporting in the "
            "Doctors & Clinicians section of Medicare Care Compare; voluntary reporters can "
            "choose to opt out of public reporting during the Care Compare preview period.",
            "APP: you can't voluntarily report the APM Performance Pathway (APP); MIPS APM "
            "participants may voluntarily report traditional MIPS.",
        ]
    else:
        items = [
            "Not required to take part in MIPS: no data is submitted and no payment "
            "adjustment applies.",
            "Data entry for this participant stays locked until an election is confirmed.",
        ]
    items.append("APM Entities can't opt in to MIPS.")
    if election is not Election.NO_DECISION:
        items.append(
            "Once an election to opt-in or voluntarily report is confirmed, that election "
            "can't be undone or changed."
        )
    return items


def are_you_sure(election: Election, name: str, year: int) -> str:
    """The "Are You Sure?" text of QPP's confirmation step."""
    if election is Election.OPT_IN:
        return (
            f"By opting-in, {name} will become MIPS eligible for the {year} performance year "
            "and will receive a final score based on any data submitted or not submitted. "
            "This election is permanent and cannot be changed later."
        )
    return (
        f"By reporting voluntarily, {name} will receive performance feedback for the {year} "
        f"performance year but no payment adjustment in {payment_year(year)}. This election "
        "is permanent and cannot be changed later."
    )


def confirm_button_text(election: Election | None) -> str:
    """QPP's button: I'm Sure, Confirm Opt In / Report Voluntarily / Confirm Elections."""
    if election is Election.OPT_IN:
        return "I'm Sure, Confirm Opt In"
    if election is Election.VOLUNTARY:
        return "I'm Sure, Report Voluntarily"
    return "I'm Sure, Confirm Elections"


def confirmed_message(election: Election, name: str, year: int) -> tuple[str, str]:
    """(title, text) shown after confirming."""
    if election is Election.OPT_IN:
        return (
            "Opt-In Confirmed",
            f"{name} has been successfully opted in to report for the {year} performance year.",
        )
    return (
        "Voluntary Reporting Confirmed",
        f"{name} will report voluntarily for the {year} performance year.",
    )
