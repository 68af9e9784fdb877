"""What an election allows: data entry and export are locked until it is final.

As on QPP, an opt-in eligible clinician or group must confirm an election to opt
in or report voluntarily before any of its data can be entered or submitted; and
the APM Performance Pathway (APP) can't be reported voluntarily.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from desktop_app.elections.model import Election
from desktop_app.elections.store import confirmed_election, election_state
from desktop_app.eligibility.model import Status

if TYPE_CHECKING:
    from desktop_app.store import Workspace


class EntityRef(Protocol):
    """Anything naming a reporting entity: a ReportingEntity, an EntityEligibility, ..."""

    @property
    def tin(self) -> str: ...

    @property
    def npi(self) -> str | None: ...


def _who(entity: EntityRef) -> str:
    if entity.npi is None:
        return f"The group (TIN {entity.tin})"
    return f"The clinician (TIN/NPI {entity.tin}/{entity.npi})"


def data_entry_allowed(ws: Workspace, entity: EntityRef, year: int) -> tuple[bool, str]:
    """Whether data may be entered or exported for ``entity`` in ``year``, and why (not).

    Locked only for an opt-in eligible entity without a final election: neither one
    QPP records (from an Eligibility API lookup) nor one confirmed here. When QPP's
    record and the local one disagree, QPP's counts and the reason says so.
    """
    from desktop_app.eligibility.store import entity_eligibility

    found = entity_eligibility(ws, year, entity.tin, entity.npi)
    state = election_state(ws, year, entity.tin, entity.npi, found)
    election = state.final
    who = _who(entity)
    if election is not None:
        if election.election is Election.OPT_IN:
            text = f"{who} opted in to MIPS for {year} (MIPS ELIGIBLE VIA OPT-IN)."
        else:
            text = f"{who} elected to report voluntarily for {year} (no payment adjustment)."
        if election.from_qpp:
            text += f" {election.status_text}."
        if state.conflict:
            text += " Warning: " + state.warning
        return True, text
    if found is None:
        return True, (
            f"{who} isn't part of this workspace's practice, so its eligibility is unknown."
        )
    status = found.effective.status
    if status is Status.OPT_IN_ELIGIBLE:
        return False, (
            f"{who} is opt-in eligible for {year}. Confirm an election to Opt-In or Report "
            "Voluntarily on the Election page before entering or submitting its data, as QPP "
            "requires."
        )
    if status is Status.ELIGIBLE:
        return True, f"{who} is MIPS eligible for {year}."
    if status is Status.EXEMPT:
        return True, (
            f"{who} is MIPS exempt for {year}: data can be entered and reported voluntarily, "
            "with no payment adjustment."
        )
    return True, (
        f"{who}'s eligibility for {year} is not determined yet (no low-volume figures and no "
        "QPP lookup); data entry is open."
    )


def app_allowed(ws: Workspace, entity: EntityRef, year: int) -> tuple[bool, str]:
    """Whether ``entity`` may report the APM Performance Pathway (APP).

    Not after a voluntary election (QPP's record first): the APP can't be reported
    voluntarily.
    """
    election = confirmed_election(ws, year, entity.tin, entity.npi)
    if election is not None and election.election is Election.VOLUNTARY:
        return False, (
            f"{_who(entity)} elected to report voluntarily for {year}: the APM Performance "
            "Pathway (APP) can't be reported voluntarily. Report traditional MIPS instead."
        )
    return True, ""
