"""The workspace file: location, privacy (0600), WAL mode, foreign keys, schema."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from store_helpers import clinician, practice

from desktop_app.store import (
    CORE_SET_NAME,
    Workspace,
    WorkspaceError,
    default_workspace_path,
    list_workspaces,
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_default_path_is_in_the_workspaces_folder_of_the_data_dir(isolated_data_dir: Path) -> None:
    assert default_workspace_path() == isolated_data_dir / "workspaces" / "practice.mipsdesk"
    assert default_workspace_path("Smith & Sons, LLC") == (
        isolated_data_dir / "workspaces" / "smith-sons-llc.mipsdesk"
    )


def test_open_without_a_path_creates_the_default_workspace(isolated_data_dir: Path) -> None:
    with Workspace.open() as ws:
        ws.save_practice(practice())
    assert list_workspaces() == [isolated_data_dir / "workspaces" / "practice.mipsdesk"]


def test_new_file_and_its_wal_and_shm_are_private(ws_path: Path) -> None:
    old_umask = os.umask(0o022)  # the usual default: would give 0644 files
    try:
        with Workspace.open(ws_path) as ws:
            ws.save_practice(practice())
            wal, shm = Path(f"{ws_path}-wal"), Path(f"{ws_path}-shm")
            assert wal.exists() and shm.exists()
            assert _mode(ws_path) == 0o600
            assert _mode(wal) == 0o600
            assert _mode(shm) == 0o600
    finally:
        os.umask(old_umask)


def test_existing_file_with_loose_mode_is_made_private(ws_path: Path) -> None:
    Workspace.open(ws_path).close()
    os.chmod(ws_path, 0o644)
    Workspace.open(ws_path).close()
    assert _mode(ws_path) == 0o600


def test_wal_mode_foreign_keys_and_busy_timeout(ws: Workspace) -> None:
    assert ws.journal_mode() == "wal"
    assert ws.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert ws.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    # WAL is recorded in the file itself: another connection sees it too.
    other = sqlite3.connect(ws.path)
    try:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        other.close()


def test_core_schema_is_created_through_migrations(ws: Workspace) -> None:
    tables = set(ws.db.table_names())
    assert {
        "practice",
        "clinicians",
        "reporting_entities",
        "audit_log",
        "_sqlite_migrations",
    } <= tables
    applied = ws.applied_migrations()
    assert applied and applied[0]["set"] == CORE_SET_NAME
    assert ws.pending_migrations() == []
    assert ws.integrity() == "ok"


def test_reopening_keeps_data_and_applies_nothing_again(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        ws.save_practice(practice())
        ws.add_clinician(clinician())
        applied = ws.applied_migrations()
    with Workspace.open(ws_path) as ws:
        assert ws.practice() == practice()
        assert ws.clinicians() == [clinician()]
        assert ws.applied_migrations() == applied
        assert ws.backups() == []  # nothing pending, so no backup


def test_a_folder_or_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="is a folder"):
        Workspace.open(tmp_path)
    with pytest.raises(WorkspaceError, match="does not exist"):
        Workspace.open(tmp_path / "missing" / "x.mipsdesk")


def test_another_programs_database_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.commit()
    conn.close()
    os.chmod(path, 0o644)
    before = path.read_bytes()
    with pytest.raises(WorkspaceError, match="not a MIPS Desk workspace"):
        Workspace.open(path)
    assert path.read_bytes() == before
    assert _mode(path) == 0o644
    assert not Path(f"{path}-wal").exists()


def test_user_defaults_to_the_current_user(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        assert ws.user == "test-user"  # MIPSDESK_USER set by the test conftest


def test_second_connection_sees_committed_changes(ws_path: Path) -> None:
    with Workspace.open(ws_path, user="a") as first, Workspace.open(ws_path, user="b") as second:
        first.add_clinician(clinician())
        assert second.clinician("1234567893") == clinician()


def test_another_programs_sqlite_utils_database_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE _sqlite_migrations (id INTEGER PRIMARY KEY, migration_set TEXT)")
    conn.execute("INSERT INTO _sqlite_migrations (migration_set) VALUES ('someone.else')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(WorkspaceError, match="not a MIPS Desk workspace"):
        Workspace.open(path)
    assert path.read_bytes() == before


def test_workspace_files_carry_the_mips_desk_application_id(ws: Workspace) -> None:
    assert ws.db.execute("PRAGMA application_id").fetchone()[0] == 0x4D495053
