"""PI reweighted to 0%: the final agreement before any PI data; the election gate."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal

import pytest
from attestation_data import NPI_A, TIN

from desktop_app import attestation as att
from desktop_app.eligibility import LowVolumeFigures
from desktop_app.eligibility import store as el
from desktop_app.reporting import EntityKey
from desktop_app.store import Workspace

PERIOD = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_small_practice_pi_is_reweighted_and_entry_needs_agreement(
    small_ws: Workspace, group: EntityKey
) -> None:
    reason = att.pi_reweighting_reason(small_ws, group)
    assert reason is not None and "reweighted to 0%" in reason and "small practice" in reason
    with pytest.raises(att.PiConsentRequired, match="can't be undone"):
        att.set_pi_period(small_ws, group, *PERIOD)
    with pytest.raises(att.PiConsentRequired):
        att.set_pi_answer(small_ws, group, "PI_PPHI_1", True)
    assert att.pi_entry(small_ws, group).empty
    # IA is not affected
    att.set_ia_activity(
        small_ws, group, "IA_AHE_1", True, dt.date(2025, 1, 1), dt.date(2025, 4, 30)
    )


def test_agreement_must_be_ticked_and_is_recorded_final(
    small_ws: Workspace, group: EntityKey
) -> None:
    with pytest.raises(att.PiConsentRequired, match="Yes, I agree"):
        att.record_pi_consent(small_ws, group, agreed=False)
    assert att.pi_consent(small_ws, group) is None
    consent = att.record_pi_consent(small_ws, group, agreed=True)
    assert consent.user == "jane"
    assert consent.statement == att.CONSENT_CHECKBOX
    assert "small practice" in consent.reason
    entry = small_ws.audit_log(1)[0]
    assert (entry.table_name, entry.action) == ("attestation_pi_consent", "agree")
    assert att.pi_consent_needed(small_ws, group) is None
    att.set_pi_period(small_ws, group, *PERIOD)  # now allowed
    # final: the database refuses to change or remove it
    with pytest.raises(sqlite3.IntegrityError, match="final"):
        small_ws.db.execute("DELETE FROM attestation_pi_consent")
    with pytest.raises(sqlite3.IntegrityError, match="final"):
        small_ws.db.execute("UPDATE attestation_pi_consent SET user = 'x'")
    assert att.pi_consent(small_ws, group) is not None


def test_approved_hardship_reweights_pi(ws: Workspace, group: EntityKey) -> None:
    assert att.pi_reweighting_reason(ws, group) is None
    att.set_entity_flags(ws, group, pi_hardship=True)
    reason = att.pi_reweighting_reason(ws, group)
    assert reason is not None and "hardship" in reason
    with pytest.raises(att.PiConsentRequired):
        att.set_cehrt_id(ws, group, "0015C1234567890")
    assert ws.audit_log(1)[0].table_name == "attestation_flags"


def test_hospital_based_clinician_statuses_come_from_eligibility(ws: Workspace) -> None:
    el.save_facts(ws, 2025, TIN, NPI_A, special_statuses=["hospital_based"])
    clinician = EntityKey(2025, TIN, NPI_A)
    reason = att.pi_reweighting_reason(ws, clinician)
    assert reason is not None and "hospital-based" in reason
    assert "hospital_based" in att.scoring_options(ws, clinician).statuses


def test_opt_in_eligible_entity_is_locked_until_election(ws: Workspace) -> None:
    figures = LowVolumeFigures(Decimal("95000"), 150, 300)  # exceeds 2 of 3: opt-in eligible
    for seg in (1, 2):
        el.save_figures(ws, 2025, TIN, NPI_A, seg, figures)
    clinician = EntityKey(2025, TIN, NPI_A)
    with pytest.raises(att.EntryLocked, match="Opt-In or Report"):
        att.set_pi_proportion(ws, clinician, "PI_EP_1", 1, 2)
    with pytest.raises(att.EntryLocked):
        att.set_ia_activity(
            ws, clinician, "IA_AHE_1", True, dt.date(2025, 1, 1), dt.date(2025, 4, 30)
        )
    from desktop_app.elections import Election, ElectionChoice, confirm_elections

    confirm_elections(
        ws, 2025, [ElectionChoice(TIN, NPI_A, "Ada Quinn", Election.OPT_IN)], "CONFIRM"
    )
    att.set_pi_proportion(ws, clinician, "PI_EP_1", 1, 2)
    assert att.pi_entry(ws, clinician).values["PI_EP_1"] == {"numerator": 1, "denominator": 2}


def test_year_without_program_data_locks_entry(ws: Workspace) -> None:
    e = EntityKey(2027, TIN)
    allowed, why = att.entry_allowed(ws, e)
    assert not allowed and "2027" in why
    with pytest.raises(att.EntryLocked, match="2027"):
        att.set_ia_activity(ws, e, "IA_BE_4", True, dt.date(2027, 1, 1), dt.date(2027, 4, 30))
