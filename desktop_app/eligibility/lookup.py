"""QPP Eligibility API answers mapped to :class:`EligibilityResult`.

QPP gives one organization per TIN the clinician bills under, each with an
``individualScenario`` (the TIN/NPI) and a ``groupScenario`` (the TIN). The TIN
is masked, so the practice's organization is found by the visible TIN digits,
else by name, else (with a note) when the clinician has a single organization.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from desktop_app.eligibility.model import (
    OPTIONS_SENTENCE_QPP,
    EligibilityResult,
    Level,
    Status,
    long_date,
    parse_decision_date,
    qpp_election_of,
)
from desktop_app.eligibility.thresholds import UnknownYearError, YearRules, year_rules
from desktop_app.qpp_api.eligibility import EligibilityResponse, Organization, Scenario

# lowVolStusRsnCd -> which criteria were at or below the threshold.
_LV_CODES: Final[dict[str, tuple[str, ...]]] = {
    "BENE": ("beneficiaries",),
    "CHRG": ("charges",),
    "SRVC": ("services",),
    "BOTH": ("beneficiaries", "charges"),
    "BENE/SRVC": ("beneficiaries", "services"),
    "CHRG/SRVC": ("charges", "services"),
    "ALL": ("beneficiaries", "charges", "services"),
}

_STATUS_FLAGS: Final = (
    ("smallGroupPractitioner", "small_practice"),
    ("ruralClinician", "rural"),
    ("hpsaClinician", "hpsa"),
    ("nonPatientFacing", "non_patient_facing"),
    ("hospitalBasedClinician", "hospital_based"),
    ("ambulatorySurgicalCenter", "asc_based"),
    ("isFacilityBased", "facility_based"),
    ("aciHardship", "pi_hardship"),
    ("aciReweighting", "pi_reweighting"),
    ("extremeHardship", "euc"),
)


@dataclass(frozen=True)
class LookupOutcome:
    """What a lookup says about one clinician at the practice, and about the practice."""

    individual: EligibilityResult | None
    group: EligibilityResult | None
    organization: Organization | None
    note: str
    """How the organization was matched, or why none was."""


def _truthy(value: bool | str | None) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "y", "yes", "1")
    return bool(value)


def _criteria_words(rules: YearRules | None, code: str) -> str:
    names = _LV_CODES.get(code.strip().upper())
    if not names:
        return ""
    charges = f"${rules.allowed_charges:,.0f}" if rules else "the threshold"
    bene = f"{rules.beneficiaries}" if rules else "the threshold"
    srvc = f"{rules.services}" if rules else "the threshold"
    words = {
        "charges": f"Part B allowed charges of {charges} or less",
        "beneficiaries": f"{bene} or fewer Part B beneficiaries",
        "services": f"{srvc} or fewer covered professional services",
    }
    parts = [words[n] for n in names]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _digits_match(masked: str, tin: str) -> bool | None:
    """True/False when the masked TIN shows digits to compare; None when it shows none."""
    shown = masked.strip()
    if not any(ch.isdigit() for ch in shown):
        return None
    # Right-align: QPP masks the leading digits (e.g. XXXXX6789 or *****6789).
    pairs = zip(reversed(shown), reversed(tin), strict=False)
    return all(not a.isdigit() or a == b for a, b in pairs)


def match_organization(
    response: EligibilityResponse, tin: str | None, practice_name: str | None
) -> tuple[Organization | None, str]:
    orgs = response.data.organizations
    if not orgs:
        return None, "QPP lists no practice (TIN) for this clinician in this year."
    if tin:
        by_digits = [o for o in orgs if _digits_match(o.TIN, tin)]
        if len(by_digits) == 1:
            return by_digits[0], f"Matched the practice by its TIN ({by_digits[0].TIN})."
    if practice_name:
        wanted = " ".join(practice_name.upper().split())
        by_name = [o for o in orgs if " ".join((o.prvdrOrgName or "").upper().split()) == wanted]
        if len(by_name) == 1:
            return by_name[0], "Matched the practice by its name (QPP masks the TIN)."
    if len(orgs) == 1 and (not tin or _digits_match(orgs[0].TIN, tin) is not False):
        return orgs[0], (
            "QPP masks the TIN and lists one practice for this clinician; taken to be yours."
        )
    names = ", ".join(f"{o.prvdrOrgName or 'unnamed'} ({o.TIN})" for o in orgs)
    return None, (
        f"QPP lists {len(orgs)} practice(s) for this clinician ({names}) and none could be "
        "matched to yours by TIN or name."
    )


def qpp_election_words(election: str, decision_date: str | None) -> str:
    """``Elected on QPP Jan 15, 2026: Opt-In (final)``."""
    day = parse_decision_date(decision_date)
    # The same words as the Elections page (ElectionRecord.short_status_text): a date
    # QPP gives that can't be read is no date.
    when = long_date(day) if day else "(no date given)"
    label = "Opt-In" if election == "opt_in" else "Report Voluntarily"
    return f"Elected on QPP {when}: {label} (final)"


def _status_words(status: Status, elected: str | None = None) -> str:
    if elected == "opt_in":
        return "MIPS eligible via opt-in (an election QPP records)"
    if elected == "voluntary":
        return "opt-in eligible and reporting voluntarily (MIPS exempt; an election QPP records)"
    return {
        Status.ELIGIBLE: "MIPS eligible",
        Status.OPT_IN_ELIGIBLE: "opt-in eligible (MIPS exempt unless an election is made)",
        Status.EXEMPT: "MIPS exempt",
        Status.NOT_DETERMINED: "not determined",
    }[status]


def scenario_result(
    response: EligibilityResponse,
    organization: Organization,
    level: Level,
    year: int,
    looked_up_at: dt.datetime,
) -> EligibilityResult | None:
    """The determination QPP states in one organization's scenario (None if absent)."""
    scenario: Scenario | None = (
        organization.individualScenario if level is Level.INDIVIDUAL else organization.groupScenario
    )
    if scenario is None:
        return None
    try:
        rules: YearRules | None = year_rules(year)
    except UnknownYearError:
        rules = None
    data = response.data
    eligible = (
        _truthy(scenario.isEligible.individual)
        if level is Level.INDIVIDUAL
        else _truthy(scenario.isEligible.group)
    )
    decision_date = (scenario.optInDecisionDate or "").strip() or None
    elected = qpp_election_of(scenario.isOptedIn, decision_date)
    if elected is not None:
        # Only an opt-in eligible entity can elect; QPP may already show it as eligible
        # (via opt-in). Keeping it opt-in eligible lets the badge say MIPS ELIGIBLE VIA OPT-IN.
        status = Status.OPT_IN_ELIGIBLE
    elif eligible:
        status = Status.ELIGIBLE
    elif scenario.isOptInEligible:
        status = Status.OPT_IN_ELIGIBLE
    else:
        status = Status.EXEMPT
    who = (
        data.display_name
        if level is Level.INDIVIDUAL
        else (organization.prvdrOrgName or "the practice")
    )
    reasons = [
        f"QPP Participation Status, looked up {looked_up_at:%B %d, %Y}: {who} is "
        f"{_status_words(status, elected)} for {year}"
        + (" as an individual (TIN/NPI)." if level is Level.INDIVIDUAL else " as a group (TIN).")
    ]
    if level is Level.INDIVIDUAL:
        if data.newlyEnrolled:
            reasons.append(f"Newly enrolled in Medicare in {year}: exempt from MIPS.")
        elif data.firstApprovedDate:
            reasons.append(f"Enrolled in Medicare since {data.firstApprovedDate}.")
        if (data.qpStatus or "").upper() == "Y":
            reasons.append(f"Qualifying APM Participant (QP) for {year}: exempt from MIPS.")
        elif (data.qpStatus or "").upper() == "P":
            reasons.append("Partial QP: may choose whether to take part in MIPS.")
        if scenario.mipsEligibleSwitch is False:
            reasons.append("Not a MIPS eligible clinician type on Medicare Part B claims: exempt.")
    if scenario.lowVolumeSwitch:
        below = [
            _criteria_words(rules, r.lowVolStusRsnCd) or r.lowVolStusRsnDesc
            for r in scenario.lowVolumeStatusReasons
        ]
        below = [b for b in below if b]
        reasons.append(
            "Doesn't exceed the low-volume threshold" + (f": {'; '.join(below)}." if below else ".")
        )
    elif scenario.lowVolumeSwitch is False:
        reasons.append("Exceeds the low-volume threshold (all 3 criteria).")
    if status is Status.OPT_IN_ELIGIBLE:
        if elected is None:
            reasons.append(
                "Opt-in eligible: exceeds 1 or 2, but not all 3, of the low-volume threshold "
                f"criteria. {OPTIONS_SENTENCE_QPP}"
            )
        else:
            reasons.append(
                "Opt-in eligible: exceeds 1 or 2, but not all 3, of the low-volume threshold "
                f"criteria. {qpp_election_words(elected, decision_date)}."
            )
    if elected is None and scenario.isOptedIn is False:
        reasons.append("QPP records no election to opt in or report voluntarily yet.")
    statuses = tuple(code for flag, code in _STATUS_FLAGS if getattr(scenario, flag))
    details = {"organization": organization.prvdrOrgName or "", "masked_tin": organization.TIN}
    if scenario.lowVolumeServices is not None:
        details["low_volume_services"] = str(scenario.lowVolumeServices)
    if scenario.specialty and scenario.specialty.specialtyDescription:
        details["specialty"] = scenario.specialty.specialtyDescription
    return EligibilityResult(
        year=year,
        level=level,
        status=status,
        reasons=tuple(reasons),
        special_statuses=statuses,
        source="qpp",
        looked_up_at=looked_up_at,
        is_estimate=False,
        qpp_opted_in=scenario.isOptedIn,
        qpp_decision_date=decision_date,
        details=details,
    )


def outcome(
    response: EligibilityResponse,
    year: int,
    looked_up_at: dt.datetime,
    tin: str | None = None,
    practice_name: str | None = None,
) -> LookupOutcome:
    """The individual and group determinations for the practice ``tin`` in a lookup."""
    org, note = match_organization(response, tin, practice_name)
    if org is None:
        return LookupOutcome(None, None, None, note)
    return LookupOutcome(
        scenario_result(response, org, Level.INDIVIDUAL, year, looked_up_at),
        scenario_result(response, org, Level.GROUP, year, looked_up_at),
        org,
        note,
    )
