"""Elections: exactly CONFIRM, final once confirmed (by SQLite), audited, gating data entry."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from election_data import NPI_ELIG, NPI_OPT, NPI_OPT2, TIN

from desktop_app.elections import (
    ConfirmationError,
    Election,
    ElectionChoice,
    ElectionError,
    FinalElectionError,
    app_allowed,
    are_you_sure,
    confirm_election,
    confirm_elections,
    confirmed_election,
    consequences,
    data_entry_allowed,
    election_record,
    elections,
    option_description,
    save_draft,
)
from desktop_app.models.practice import ReportingEntity
from desktop_app.store import Workspace


@pytest.mark.parametrize(
    "typed", ["confirm", "CONFIRM ", " CONFIRM", "Confirm", "CONFIRMED", "", "CONF IRM"]
)
def test_anything_but_exactly_confirm_is_refused_and_nothing_saved(
    ws: Workspace, typed: str
) -> None:
    with pytest.raises(ConfirmationError, match="Type CONFIRM exactly"):
        confirm_election(ws, 2025, TIN, NPI_OPT, Election.OPT_IN, typed)
    assert election_record(ws, 2025, TIN, NPI_OPT) is None
    assert ws.audit_log(table="elections") == []


def test_confirmed_election_stored_with_time_user_and_audited(ws: Workspace) -> None:
    record = confirm_election(ws, 2025, TIN, NPI_OPT, Election.OPT_IN, "CONFIRM", "Ada Quinn")
    assert record.is_final and record.confirmed_by == "jane" and record.confirmed_at is not None
    stored = confirmed_election(ws, 2025, TIN, NPI_OPT)
    assert stored == record
    entry = ws.audit_log(table="elections")[0]
    assert entry.action == "confirm" and entry.user == "jane"
    assert entry.record_key == f"2025:{TIN}/{NPI_OPT}"
    assert entry.after is not None and entry.after["election"] == "opt_in"


def test_final_election_cannot_be_changed_through_the_api(ws: Workspace) -> None:
    confirm_election(ws, 2025, TIN, NPI_OPT, Election.VOLUNTARY, "CONFIRM")
    with pytest.raises(FinalElectionError):
        confirm_election(ws, 2025, TIN, NPI_OPT, Election.OPT_IN, "CONFIRM")
    with pytest.raises(FinalElectionError):
        save_draft(ws, 2025, TIN, NPI_OPT, Election.OPT_IN)
    with pytest.raises(FinalElectionError):
        save_draft(ws, 2025, TIN, NPI_OPT, Election.NO_DECISION)
    assert confirmed_election(ws, 2025, TIN, NPI_OPT).election is Election.VOLUNTARY  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE elections SET election = 'opt_in'",
        "UPDATE elections SET confirmed_at = NULL, confirmed_by = NULL",
        "DELETE FROM elections",
        "INSERT OR REPLACE INTO elections (year, tin, npi, election) "
        "VALUES (2025, '123456789', '{npi}', 'opt_in')",
    ],
)
def test_final_election_cannot_be_changed_through_sql(
    ws: Workspace, tmp_path: Path, sql: str
) -> None:
    confirm_election(ws, 2025, TIN, NPI_OPT, Election.VOLUNTARY, "CONFIRM")
    # Another connection, as a SQL tool would use: the triggers live in the file.
    conn = sqlite3.connect(ws.path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="confirmed election is final"):
            conn.execute(sql.format(npi=NPI_OPT))
            conn.commit()
    finally:
        conn.close()
    assert confirmed_election(ws, 2025, TIN, NPI_OPT).election is Election.VOLUNTARY  # type: ignore[union-attr]


def test_drafts_can_change_until_confirmed(ws: Workspace) -> None:
    save_draft(ws, 2025, TIN, NPI_OPT, Election.OPT_IN, "Ada Quinn")
    save_draft(ws, 2025, TIN, NPI_OPT, Election.VOLUNTARY, "Ada Quinn")
    draft = election_record(ws, 2025, TIN, NPI_OPT)
    assert draft is not None and not draft.is_final and draft.election is Election.VOLUNTARY
    ws.db.execute("UPDATE elections SET election = 'opt_in'")  # a draft is not protected
    save_draft(ws, 2025, TIN, NPI_OPT, Election.NO_DECISION)
    assert election_record(ws, 2025, TIN, NPI_OPT) is None


def test_grid_confirms_many_at_once_all_or_nothing(ws: Workspace) -> None:
    choices = [
        ElectionChoice(TIN, None, "Maple Family Medicine", Election.OPT_IN),
        ElectionChoice(TIN, NPI_OPT, "Ada Quinn", Election.VOLUNTARY),
        ElectionChoice(TIN, NPI_OPT2, "Cy Stone", Election.NO_DECISION),
    ]
    records = confirm_elections(ws, 2025, choices, "CONFIRM")
    assert [(r.npi, r.election) for r in records] == [
        (None, Election.OPT_IN),
        (NPI_OPT, Election.VOLUNTARY),
    ]
    assert [r.key for r in elections(ws, 2025)] == [TIN, f"{TIN}/{NPI_OPT}"]
    assert election_record(ws, 2025, TIN, NPI_OPT2) is None
    # A second batch that includes a final one changes nothing at all.
    with pytest.raises(FinalElectionError):
        confirm_elections(
            ws,
            2025,
            [
                ElectionChoice(TIN, NPI_OPT2, "Cy Stone", Election.OPT_IN),
                ElectionChoice(TIN, NPI_OPT, "Ada", Election.OPT_IN),
            ],
            "CONFIRM",
        )
    assert election_record(ws, 2025, TIN, NPI_OPT2) is None


def test_only_opt_in_eligible_participants_can_elect(ws: Workspace) -> None:
    with pytest.raises(ElectionError, match="not opt-in eligible"):
        confirm_election(ws, 2025, TIN, NPI_ELIG, Election.OPT_IN, "CONFIRM", "Bo Reyes")
    with pytest.raises(ElectionError, match="nothing to confirm"):
        confirm_elections(
            ws, 2025, [ElectionChoice(TIN, NPI_OPT, "", Election.NO_DECISION)], "CONFIRM"
        )


def test_data_entry_locked_until_election_confirmed(ws: Workspace) -> None:
    entity = ReportingEntity(year=2025, tin=TIN, npi=NPI_OPT)
    allowed, reason = data_entry_allowed(ws, entity, 2025)
    assert not allowed and "opt-in eligible" in reason and "Election page" in reason
    save_draft(ws, 2025, TIN, NPI_OPT, Election.OPT_IN)
    assert data_entry_allowed(ws, entity, 2025)[0] is False  # a draft doesn't unlock
    confirm_election(ws, 2025, TIN, NPI_OPT, Election.OPT_IN, "CONFIRM")
    allowed, reason = data_entry_allowed(ws, entity, 2025)
    assert allowed and "MIPS ELIGIBLE VIA OPT-IN" in reason
    eligible = ReportingEntity(year=2025, tin=TIN, npi=NPI_ELIG)
    assert data_entry_allowed(ws, eligible, 2025) == (
        True,
        f"The clinician (TIN/NPI {TIN}/{NPI_ELIG}) is MIPS eligible for 2025.",
    )
    group = ReportingEntity(year=2025, tin=TIN)
    assert data_entry_allowed(ws, group, 2025)[0] is False


def test_app_cannot_be_reported_voluntarily(ws: Workspace) -> None:
    entity = ReportingEntity(year=2025, tin=TIN, npi=NPI_OPT)
    assert app_allowed(ws, entity, 2025)[0] is True
    confirm_election(ws, 2025, TIN, NPI_OPT, Election.VOLUNTARY, "CONFIRM")
    allowed, reason = app_allowed(ws, entity, 2025)
    assert not allowed and "APM Performance Pathway (APP) can't be reported voluntarily" in reason


def test_consequences_spell_out_what_each_choice_means() -> None:
    opt = " ".join(consequences(Election.OPT_IN, 2025, group=True))
    for words in (
        "payment adjustment (positive, negative, or neutral) in 2027",
        "performance feedback",
        "benchmark calculations",
        "Care Compare",
        "APM Entities can't opt in",
        "can't be undone or changed",
        "based on the group's final score",
    ):
        assert words in opt
    vol = " ".join(consequences(Election.VOLUNTARY, 2024, group=False))
    for words in (
        "won't receive a payment adjustment in 2026",
        "limited performance feedback",
        "won't be included in measure benchmark",
        "opt out of public reporting",
        "can't voluntarily report the APM Performance Pathway (APP)",
    ):
        assert words in vol
    assert (
        "Voluntary reporting through the APM Performance Pathway (APP) isn't permitted."
        in option_description(Election.VOLUNTARY, 2025, False)
    )
    assert "This election is permanent and cannot be changed later." in are_you_sure(
        Election.OPT_IN, "Maple", 2025
    )
