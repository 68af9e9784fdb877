"""Restoring a backup keeps final records (confirmed elections, PI agreements); a workspace
whose tables were dropped with another tool is reported as damaged, not crashed on."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from final_records_data import (
    GROUP,
    NPI_ADA,
    NPI_CY,
    TIN,
    confirm_ada,
    fingerprint,
    leftovers,
    make_practice,
    sql,
)
from sqlite_utils import Database, Migrations

from desktop_app import attestation as att
from desktop_app.cli import main
from desktop_app.elections import Election, FinalElectionError, election_record, save_draft
from desktop_app.models.practice import Clinician
from desktop_app.store import (
    FinalRecordsError,
    Workspace,
    WorkspaceCorruptError,
    restore_workspace,
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "maple.mipsdesk"


def test_cli_restore_keeps_an_election_confirmed_after_the_backup(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    ws = make_practice(path)
    backup = ws.backup("manual")
    confirm_ada(ws)
    confirmed = election_record(ws, 2025, TIN, NPI_ADA)
    ws.add_clinician(Clinician(npi=NPI_CY, first_name="Cy", last_name="Stone", clinician_type="PA"))
    ws.close()

    code, out, err = run(capsys, "workspace", "restore", "--workspace", str(path), str(backup))

    assert code == 0, err
    assert "1 final record missing from the backup was kept" in out
    assert f"Election 2025, TIN 12-3456789 / NPI {NPI_ADA} (Ada Quinn): Opt-In, confirmed " in out
    assert "kept final record across restore" in out
    assert "The previous file was kept as" in out
    with Workspace.open(path, user="kim") as ws:
        assert ws.clinician(NPI_CY) is None  # the backup really was put back
        assert election_record(ws, 2025, TIN, NPI_ADA) == confirmed  # ...with the election
        with pytest.raises(FinalElectionError):  # still final: no other election can be made
            confirm_ada(ws, Election.VOLUNTARY)
        entry = ws.audit_log(1)[0]
        assert entry.action == "keep_final"
        assert entry.table_name == "elections" and entry.record_key == f"2025:{TIN}/{NPI_ADA}"
        assert entry.after is not None and entry.after["election"] == "opt_in"
        assert entry.summary.startswith("test-user kept final record across restore: elections")


def test_a_draft_in_the_backup_gives_way_to_the_confirmed_election(path: Path) -> None:
    ws = make_practice(path)
    save_draft(ws, 2025, TIN, NPI_ADA, Election.VOLUNTARY, "Ada Quinn")
    backup = ws.backup("manual")
    confirm_ada(ws, Election.OPT_IN)
    ws.close()

    result = restore_workspace(path, backup, user="kim")

    assert [r.table for r in result.kept] == ["elections"]
    with Workspace.open(path) as ws:
        record = election_record(ws, 2025, TIN, NPI_ADA)
        assert record is not None and record.is_final and record.election is Election.OPT_IN
        entry = ws.audit_log(1)[0]
        assert (entry.user, entry.action) == ("kim", "keep_final")
        assert entry.before is not None and entry.before["election"] == "voluntary"


def test_restore_keeps_the_pi_scoring_agreement(path: Path) -> None:
    ws = make_practice(path, size=4)  # small practice: PI reweighted, agreement needed
    backup = ws.backup("manual")
    consent = att.record_pi_consent(ws, GROUP, agreed=True)
    ws.close()

    result = restore_workspace(path, backup)

    assert len(result.kept) == 1
    assert result.kept[0].label.startswith(
        "PI scoring agreement 2025, TIN 12-3456789 (group): agreed "
    )
    assert result.kept[0].label.endswith(" UTC by jane")
    with Workspace.open(path) as ws:
        assert att.pi_consent(ws, GROUP) == consent
        assert att.pi_consent_needed(ws, GROUP) is None


def test_records_already_in_the_backup_are_not_duplicated(path: Path) -> None:
    ws = make_practice(path)
    confirm_ada(ws)
    backup = ws.backup("manual")
    ws.close()

    result = restore_workspace(path, backup)

    assert result.kept == [] and result.summary_lines() == []
    with Workspace.open(path) as ws:
        assert ws.db.execute("SELECT count(*) FROM elections").fetchone()[0] == 1
        assert [e.action for e in ws.audit_log() if e.action == "keep_final"] == []


def test_a_backup_made_before_the_elections_table_existed_is_brought_up_to_date(
    path: Path,
) -> None:
    ws = make_practice(path)
    backup = ws.backup("manual")
    confirm_ada(ws)
    ws.close()
    # As a backup made by an older MIPS Desk, before elections were added:
    sql(
        backup,
        "DROP TABLE elections",
        "DELETE FROM _sqlite_migrations WHERE migration_set = 'mipsdesk.elections'",
    )

    result = restore_workspace(path, backup)

    assert [r.table for r in result.kept] == ["elections"]
    with Workspace.open(path) as ws:
        record = election_record(ws, 2025, TIN, NPI_ADA)
        assert record is not None and record.is_final


def test_restore_is_refused_when_a_final_record_cannot_be_kept(path: Path) -> None:
    ws = make_practice(path)
    backup = ws.backup("manual")
    confirm_ada(ws)
    ws.close()
    # A backup whose elections table lacks a column this version stores:
    sql(
        backup,
        "DROP TABLE elections",
        "CREATE TABLE elections (id INTEGER PRIMARY KEY, year INTEGER, tin TEXT, npi TEXT, "
        "election TEXT, confirmed_at TEXT, confirmed_by TEXT, UNIQUE (year, tin, npi))",
    )
    before = fingerprint(path)
    backup_before = fingerprint(backup)
    extra_before = leftovers(path)

    with pytest.raises(FinalRecordsError) as caught:
        restore_workspace(path, backup)

    message = str(caught.value)
    assert (
        f"Election 2025, TIN 12-3456789 / NPI {NPI_ADA} (Ada Quinn): Opt-In, confirmed " in message
    )
    assert "without the column entity_name" in message
    assert "Nothing was changed" in message
    assert len(caught.value.records) == 1
    assert fingerprint(path) == before and fingerprint(backup) == backup_before
    assert leftovers(path) == extra_before  # no half-restored or staged file left
    with Workspace.open(path) as ws:
        assert election_record(ws, 2025, TIN, NPI_ADA) is not None


def test_cli_refuses_a_backup_holding_a_different_final_election_and_force_restores(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    ws = make_practice(path)
    backup = ws.backup("manual")
    confirm_ada(ws, Election.OPT_IN)
    ws.close()
    # A backup of another copy of the workspace, where Ada reported voluntarily:
    sql(
        backup,
        "INSERT INTO elections (year, tin, npi, election, entity_name, confirmed_at, "
        f"confirmed_by) VALUES (2025, '{TIN}', '{NPI_ADA}', 'voluntary', 'Ada Quinn', "
        "'2025-03-01T10:00:00+00:00', 'bo')",
    )
    before = fingerprint(path)

    code, out, err = run(capsys, "--workspace", str(path), "workspace", "restore", str(backup))

    assert code == 2 and out == ""
    assert "would erase 1 final record" in err
    assert f"/ NPI {NPI_ADA} (Ada Quinn): Opt-In, confirmed " in err
    assert "different final record with the same key" in err
    assert f"workspace restore --force {backup}" in err
    assert fingerprint(path) == before

    code, out, err = run(
        capsys, "--workspace", str(path), "workspace", "restore", "--force", str(backup)
    )

    assert code == 0, err
    assert "these final records are NOT in the restored workspace" in out
    assert f"/ NPI {NPI_ADA} (Ada Quinn): Opt-In, confirmed " in out
    with Workspace.open(path) as ws:
        record = election_record(ws, 2025, TIN, NPI_ADA)
        assert record is not None and record.election is Election.VOLUNTARY
    kept = [
        p
        for p in path.parent.glob("maple.mipsdesk.replaced-*")  # it was healthy
        if not p.name.endswith(("-wal", "-shm"))
    ]
    assert len(kept) == 1 and not list(path.parent.glob("maple.mipsdesk.damaged-*"))
    assert f"(they remain in the previous file {kept[0]})" in out
    with Workspace.open(kept[0]) as old:  # the previous file still holds the opt-in
        record = election_record(old, 2025, TIN, NPI_ADA)
        assert record is not None and record.election is Election.OPT_IN


def test_restoring_over_an_unreadable_file_warns_that_it_was_not_checked(path: Path) -> None:
    ws = make_practice(path)
    backup = ws.backup("manual")
    ws.close()
    for side in ("-wal", "-shm"):
        Path(str(path) + side).unlink(missing_ok=True)
    path.write_bytes(b"garbage" * 1000)

    result = restore_workspace(path, backup)

    assert result.unchecked is not None
    assert any("could not be read to look for final records" in x for x in result.summary_lines())
    with Workspace.open(path) as ws:
        assert ws.practice() is not None


# ------------------------------------------------------------ dropped tables
def test_a_dropped_elections_table_is_reported_as_damage_with_the_backups(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    ws = make_practice(path)
    confirm_ada(ws)
    backup = ws.backup("manual")
    ws.close()
    sql(path, "DROP TABLE elections")

    with pytest.raises(WorkspaceCorruptError) as caught:
        Workspace.open(path)
    assert "the table elections, which MIPS Desk created in it, is missing" in str(caught.value)
    assert caught.value.backups == [backup]

    code, _, err = run(capsys, "--workspace", str(path), "workspace", "info")
    assert code == 2
    assert "is damaged" in err and "elections" in err
    assert f"workspace restore {backup}" in err
    assert "Traceback" not in err and "OperationalError" not in err

    code, _, err = run(capsys, "--workspace", str(path), "workspace", "restore", str(backup))
    assert code == 0, err
    with Workspace.open(path) as ws:
        record = election_record(ws, 2025, TIN, NPI_ADA)
        assert record is not None and record.is_final


def test_a_missing_table_of_a_set_checked_after_opening_is_reported(
    path: Path, register: Callable[[Migrations], Migrations]
) -> None:
    notes = Migrations("test.notes")

    @notes()
    def m001(db: Database) -> None:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")

    register(notes)
    Workspace.open(path).close()  # creates the notes table
    sql(path, "DROP TABLE notes")
    from desktop_app.store import unregister_migrations

    unregister_migrations(notes)
    ws = Workspace.open(path)  # the notes set is not known yet: nothing to check
    try:
        register(notes)  # a feature module imported later...
        with pytest.raises(WorkspaceCorruptError, match="the table notes"):
            ws.ensure_migrations(notes)  # ...is told the file lost its table
    finally:
        ws.close()


def test_tables_removed_by_a_later_migration_are_not_expected(
    path: Path, register: Callable[[Migrations], Migrations]
) -> None:
    scratch = Migrations("test.scratch")

    @scratch()
    def m001(db: Database) -> None:
        db.execute("CREATE TABLE scratch_old (id INTEGER PRIMARY KEY)")

    @scratch()
    def m002(db: Database) -> None:
        db.execute("DROP TABLE scratch_old")
        db.execute("CREATE TABLE scratch_new (id INTEGER PRIMARY KEY)")

    register(scratch)
    Workspace.open(path).close()
    with Workspace.open(path) as ws:  # opens without complaint
        assert "scratch_new" in ws.db.table_names()
        assert "scratch_old" not in ws.db.table_names()


def test_restore_does_not_touch_the_file_when_the_backup_is_unusable(path: Path) -> None:
    ws = make_practice(path)
    confirm_ada(ws)
    ws.close()
    bad = path.with_name("maple.mipsdesk.bak-20260101T000000Z-manual")
    bad.write_bytes(b"not a database" * 100)
    before = fingerprint(path)
    with pytest.raises(Exception, match="not a usable workspace"):
        restore_workspace(path, bad)
    assert fingerprint(path) == before
    assert leftovers(path) == []
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM elections").fetchone()[0] == 1
