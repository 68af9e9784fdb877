"""PI reweighted to 0%: the final agreement before any PI data; the election gate."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from attestation_data import NPI_A, TIN, make_workspace

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


def test_agreement_cant_be_rewritten_with_insert_or_replace(tmp_path: Path) -> None:
    """Another program opening the workspace file can't replace who agreed, when and
    to what statement (REPLACE deletes without firing the DELETE trigger)."""
    path = tmp_path / "small.mipsdesk"
    ws = make_workspace(path, size=4)
    group = EntityKey(2025, TIN)
    consent = att.record_pi_consent(ws, group, agreed=True)
    ws.close()
    conn = sqlite3.connect(path)
    try:
        for sql in (
            "INSERT OR REPLACE INTO attestation_pi_consent "
            "(year, tin, npi, agreed_at, user, statement, reason) "
            "VALUES (2025, ?, '', '2020-01-01T00:00:00+00:00', 'mallory', 'I did not agree', 'x')",
            "REPLACE INTO attestation_pi_consent (year, tin, npi, agreed_at, user, statement, "
            "reason) VALUES (2025, ?, NULL, '2020-01-01', 'mallory', 'no', 'x')",
            "INSERT OR REPLACE INTO attestation_pi_consent SELECT * FROM attestation_pi_consent",
        ):
            params = [TIN] if "?" in sql else []
            with pytest.raises(sqlite3.IntegrityError, match="is final"):
                conn.execute(sql, params)
            conn.commit()
    finally:
        conn.close()
    ws = Workspace.open(path, user="jane")
    try:
        kept = att.pi_consent(ws, group)
        assert kept == consent
        assert kept is not None and kept.user == "jane"
        assert kept.statement == att.CONSENT_CHECKBOX
    finally:
        ws.close()


def test_evidence_record_cant_be_changed_in_place(tmp_path: Path) -> None:
    path = tmp_path / "maple.mipsdesk"
    ws = make_workspace(path)
    group = EntityKey(2025, TIN)
    e = att.add_evidence_bytes(ws, group, "pi", "PI_PPHI_1", "sra.pdf", b"%PDF-1.4 risk analysis")
    ws.close()
    conn = sqlite3.connect(path)
    try:
        for sql in (
            "UPDATE attestation_evidence SET added_by = 'mallory'",
            "INSERT OR REPLACE INTO attestation_evidence SELECT id, year, tin, npi, category, "
            "'PI_PPHI_1', 'other.pdf', 3, 'abc', added_at, 'mallory', X'414243' "
            "FROM attestation_evidence",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="evidence record can't be changed"):
                conn.execute(sql)
            conn.commit()
    finally:
        conn.close()
    ws = Workspace.open(path, user="jane")
    try:
        assert att.list_evidence(ws, group) == [e]
        att.remove_evidence(ws, e)  # detaching (audited) still works
        assert att.list_evidence(ws, group) == []
    finally:
        ws.close()


def test_workspace_from_before_the_fix_gets_the_protection_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "older.mipsdesk"
    ws = make_workspace(path, size=4)
    group = EntityKey(2025, TIN)
    consent = att.record_pi_consent(ws, group, agreed=True)
    ws.close()
    conn = sqlite3.connect(path)  # as a workspace written by the previous version
    for name in (
        "attestation_pi_consent_no_insert_over",
        "attestation_evidence_no_update",
        "attestation_evidence_no_insert_over",
    ):
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute(
        "DELETE FROM _sqlite_migrations WHERE migration_set = 'mipsdesk.attestation' "
        "AND name = 'm002_final_rows_no_replace'"
    )
    conn.commit()
    conn.close()
    Workspace.open(path, user="jane").close()  # brings the file up to date
    conn = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="is final"):
            conn.execute(
                "INSERT OR REPLACE INTO attestation_pi_consent SELECT year, tin, npi, "
                "'2020-01-01', 'mallory', statement, reason FROM attestation_pi_consent"
            )
    finally:
        conn.close()
    ws = Workspace.open(path, user="jane")
    try:
        assert att.pi_consent(ws, group) == consent
    finally:
        ws.close()
