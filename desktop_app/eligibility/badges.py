"""The status badge as QPP's Eligibility & Reporting page shows it.

QPP shows MIPS ELIGIBLE, MIPS EXEMPT (with "Opt-in eligible" beside it while no
election is made), and MIPS ELIGIBLE VIA OPT-IN after an opt-in election; a group
that elected to report voluntarily keeps MIPS EXEMPT (seed 003, "Eligibility
Refresher").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from desktop_app.eligibility.model import EligibilityResult, Status

MIPS_ELIGIBLE: Final = "MIPS ELIGIBLE"
MIPS_EXEMPT: Final = "MIPS EXEMPT"
MIPS_ELIGIBLE_VIA_OPT_IN: Final = "MIPS ELIGIBLE VIA OPT-IN"
OPT_IN_ELIGIBLE: Final = "Opt-in eligible"
NOT_DETERMINED: Final = "NOT DETERMINED"


@dataclass(frozen=True)
class Badge:
    text: str
    tone: str
    """``eligible`` (green), ``exempt`` (grey), ``unknown`` (amber) for styling."""
    note: str | None = None
    """Secondary tag shown beside the badge, e.g. "Opt-in eligible"."""


def badge(status: Status, election: str | None = None) -> Badge:
    """The badge for ``status`` given the confirmed election (``opt_in``, ``voluntary``)."""
    if status is Status.ELIGIBLE:
        return Badge(MIPS_ELIGIBLE, "eligible")
    if status is Status.OPT_IN_ELIGIBLE:
        if election == "opt_in":
            return Badge(MIPS_ELIGIBLE_VIA_OPT_IN, "eligible")
        if election == "voluntary":
            return Badge(MIPS_EXEMPT, "exempt", "Reporting voluntarily")
        return Badge(MIPS_EXEMPT, "exempt", OPT_IN_ELIGIBLE)
    if status is Status.EXEMPT:
        return Badge(MIPS_EXEMPT, "exempt")
    return Badge(NOT_DETERMINED, "unknown")


def result_badge(result: EligibilityResult, election: str | None = None) -> Badge:
    """The badge for a determination: an election QPP records (a lookup) wins over
    ``election``, the one confirmed in MIPS Desk, as CMS's record is the one that counts."""
    return badge(result.status, result.qpp_election or election)
