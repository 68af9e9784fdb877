"""What the attestation pages need to know about a reporting entity.

Special statuses come from the eligibility determination (QPP's own when it was
looked up); MIPS APM participation and an approved PI hardship exception are
stated by the user here. Data entry honours the election gate and, when PI is
reweighted to 0%, the user's final agreement to be scored in PI.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop_app.attestation.errors import EntryLocked, PiConsentRequired
from desktop_app.attestation.tables import CONSENT_TABLE, FLAGS_TABLE, ensure_tables
from desktop_app.reporting import EntityKey
from desktop_app.rules import ProgramRules, load_rules
from desktop_app.scoring import ScoringOptions
from desktop_app.scoring.result import SCORING_STATUSES

if TYPE_CHECKING:
    from desktop_app.store import Workspace

CONSENT_TITLE = "This Action Will Impact Your Category Weights"
CONSENT_TEXT = (
    "Currently, Promoting Interoperability does not count towards your final score. By "
    "choosing to report Promoting Interoperability data, your score for this category will be "
    "included in your final score. This action cannot be undone."
)
CONSENT_CHECKBOX = (
    "By continuing, Promoting Interoperability will be included in my final score, and this "
    "action cannot be undone."
)

_STATUS_LABELS = {
    "small_practice": "small practice",
    "hospital_based": "hospital-based",
    "asc_based": "ASC-based",
    "non_patient_facing": "non-patient facing",
    "rural": "rural",
    "hpsa": "HPSA",
    "facility_based": "facility-based",
    "pi_hardship": "approved PI hardship exception",
    "pi_reweighting": "PI reweighting (QPP)",
}


def status_label(code: str) -> str:
    return _STATUS_LABELS.get(code, code.replace("_", " "))


@dataclass(frozen=True)
class EntityFacts:
    special_statuses: frozenset[str]
    """Codes: small_practice, rural, hpsa, ..., and QPP's pi_hardship / pi_reweighting."""
    apm_participant: bool
    pi_hardship: bool
    """Stated by the user on the PI page: CMS approved a PI hardship exception."""


def _npi(entity: EntityKey) -> str:
    return entity.npi or ""


def entity_facts(ws: Workspace, entity: EntityKey) -> EntityFacts:
    """Special statuses (from eligibility, else the practice) and the user's flags."""
    ensure_tables(ws)
    statuses: set[str] = set()
    try:
        from desktop_app.eligibility.store import entity_eligibility

        found = entity_eligibility(ws, entity.year, entity.tin, entity.npi)
    except Exception:  # eligibility may have no rules for the year: use the practice's
        found = None
    if found is not None:
        statuses.update(found.effective.special_statuses)
    else:
        practice = ws.practice()
        if practice is not None and practice.tin == entity.tin:
            statuses.update(str(s) for s in practice.special_statuses)
    row = ws.db.execute(
        f"SELECT apm_participant, pi_hardship FROM {FLAGS_TABLE} "  # noqa: S608
        "WHERE year = ? AND tin = ? AND npi = ?",
        [entity.year, entity.tin, _npi(entity)],
    ).fetchone()
    apm, hardship = (bool(row[0]), bool(row[1])) if row else (False, False)
    return EntityFacts(frozenset(statuses), apm, hardship)


def set_entity_flags(
    ws: Workspace,
    entity: EntityKey,
    *,
    apm_participant: bool | None = None,
    pi_hardship: bool | None = None,
) -> None:
    """Save the user's statements about the entity (audited); None leaves a flag as it is."""
    ensure_tables(ws)
    before = entity_facts(ws, entity)
    apm = before.apm_participant if apm_participant is None else apm_participant
    hardship = before.pi_hardship if pi_hardship is None else pi_hardship
    if (apm, hardship) == (before.apm_participant, before.pi_hardship):
        return
    with ws.write(FLAGS_TABLE) as db:
        db.execute(
            f"INSERT INTO {FLAGS_TABLE} (year, tin, npi, apm_participant, pi_hardship) "  # noqa: S608
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (year, tin, npi) DO UPDATE SET "
            "apm_participant = excluded.apm_participant, pi_hardship = excluded.pi_hardship",
            [entity.year, entity.tin, _npi(entity), int(apm), int(hardship)],
        )
        ws.audit(
            FLAGS_TABLE,
            _key(entity),
            "update",
            {"apm_participant": before.apm_participant, "pi_hardship": before.pi_hardship},
            {"apm_participant": apm, "pi_hardship": hardship},
        )


def _key(entity: EntityKey) -> str:
    return f"{entity.year}/{entity.tin}/{entity.npi or '-'}"


def scoring_options(ws: Workspace, entity: EntityKey) -> ScoringOptions:
    """The preview options that follow from the entity's statuses and flags."""
    facts = entity_facts(ws, entity)
    statuses = frozenset(s for s in facts.special_statuses if s in SCORING_STATUSES)
    return ScoringOptions(
        small_practice="small_practice" in statuses,
        special_statuses=statuses,
        apm_participant=facts.apm_participant,
        pi_hardship=facts.pi_hardship or "pi_hardship" in facts.special_statuses,
    )


def pi_reweighting_reason(
    ws: Workspace, entity: EntityKey, rules: ProgramRules | None = None
) -> str | None:
    """Why PI is reweighted to 0% for the entity, or None if it is not."""
    facts = entity_facts(ws, entity)
    return reweighting_reason(entity.year, facts.special_statuses, facts.pi_hardship, rules)


def reweighting_reason(
    year: int,
    special_statuses: frozenset[str],
    pi_hardship: bool = False,
    rules: ProgramRules | None = None,
) -> str | None:
    """Why PI is reweighted to 0% for an entity with these statuses, or None if it is not."""
    rules = rules or load_rules(year)
    reasons = [
        status_label(s) for s in rules.pi_reweighting_statuses.value if s in special_statuses
    ]
    reasons += [status_label(s) for s in ("pi_hardship", "pi_reweighting") if s in special_statuses]
    if pi_hardship and status_label("pi_hardship") not in reasons:
        reasons.append(status_label("pi_hardship"))
    if not reasons:
        return None
    return f"Promoting Interoperability is reweighted to 0% for {year} ({', '.join(reasons)})."


@dataclass(frozen=True)
class PiConsent:
    agreed_at: str
    user: str
    statement: str
    reason: str


def pi_consent(ws: Workspace, entity: EntityKey) -> PiConsent | None:
    ensure_tables(ws)
    row = ws.db.execute(
        f"SELECT agreed_at, user, statement, reason FROM {CONSENT_TABLE} "  # noqa: S608
        "WHERE year = ? AND tin = ? AND npi = ?",
        [entity.year, entity.tin, _npi(entity)],
    ).fetchone()
    return PiConsent(*row) if row else None


def pi_consent_needed(ws: Workspace, entity: EntityKey) -> str | None:
    """The reweighting reason if PI data entry first needs the user's agreement, else None."""
    reason = pi_reweighting_reason(ws, entity)
    if reason is None or pi_consent(ws, entity) is not None:
        return None
    return reason


def record_pi_consent(ws: Workspace, entity: EntityKey, *, agreed: bool) -> PiConsent:
    """Record the final agreement that PI will be scored (audited). ``agreed`` must be True."""
    ensure_tables(ws)
    if not agreed:
        raise PiConsentRequired(
            "Tick 'Yes, I agree' to confirm that Promoting Interoperability will be included "
            "in the final score, or cancel."
        )
    existing = pi_consent(ws, entity)
    if existing is not None:
        return existing
    reason = pi_reweighting_reason(ws, entity) or "PI was not reweighted when agreed."
    consent = PiConsent(
        dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), ws.user, CONSENT_CHECKBOX, reason
    )
    with ws.write(CONSENT_TABLE) as db:
        db.execute(
            f"INSERT INTO {CONSENT_TABLE} (year, tin, npi, agreed_at, user, statement, reason) "  # noqa: S608
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [entity.year, entity.tin, _npi(entity), *consent.__dict__.values()],
        )
        ws.audit(CONSENT_TABLE, _key(entity), "agree", None, dict(consent.__dict__))
    return consent


def entry_allowed(ws: Workspace, entity: EntityKey) -> tuple[bool, str]:
    """The election gate (``desktop_app.elections.data_entry_allowed``); a year the
    program data does not know locks entry with the reason instead of failing."""
    from desktop_app.elections import data_entry_allowed
    from desktop_app.rules import RulesError

    try:
        load_rules(entity.year)
        return data_entry_allowed(ws, entity, entity.year)
    except (RulesError, ValueError) as exc:  # no program data for the year (UnknownYearError)
        return False, str(exc)


def check_entry_allowed(ws: Workspace, entity: EntityKey, category: str) -> None:
    """Raise EntryLocked or PiConsentRequired if the entity's data can't be entered now."""
    allowed, reason = entry_allowed(ws, entity)
    if not allowed:
        raise EntryLocked(reason)
    if category == "pi":
        needed = pi_consent_needed(ws, entity)
        if needed is not None:
            raise PiConsentRequired(
                f"{needed} Entering any PI data (including the performance period) will "
                "include PI in the final score and can't be undone: agree to that first."
            )
