"""Schema migrations: core first, feature sets after; a backup before every change."""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlite_utils import Database, Migrations
from store_helpers import clinician, practice

from desktop_app.store import (
    CORE_SET_NAME,
    KEEP_BACKUPS,
    Workspace,
    WorkspaceMigrationError,
    backup_time,
    list_backups,
    migration_sets,
    register_migrations,
)
from desktop_app.store import backups as backups_module

Register = Callable[[Migrations], Migrations]


def _notes_set(name: str = "test.notes") -> Migrations:
    migrations = Migrations(name)

    @migrations(name="0001_notes")
    def _notes(db: Database) -> None:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")

    return migrations


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _tables(path: Path) -> set[str]:
    return {r[0] for r in _rows(path, "SELECT name FROM sqlite_master WHERE type = 'table'")}  # type: ignore[misc]


def test_a_new_empty_workspace_needs_no_backup(ws_path: Path, register: Register) -> None:
    register(_notes_set())
    with Workspace.open(ws_path) as ws:
        assert ws.backups() == []
        assert "notes" in ws.db.table_names()


def test_migration_registered_later_backs_up_the_old_data_first(
    ws_path: Path, register: Register
) -> None:
    with Workspace.open(ws_path) as ws:
        ws.save_practice(practice())
        ws.add_clinician(clinician())
    register(_notes_set())
    start = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with Workspace.open(ws_path) as ws:
        assert "notes" in ws.db.table_names()
        (backup,) = ws.backups()
        assert ws.clinician("1234567893") == clinician()
    assert backup.parent == ws_path.parent
    assert backup.name.startswith("smith.mipsdesk.bak-")
    assert backup.name.endswith("-test.notes.0001_notes")
    made = backup_time(backup)
    assert made is not None and start <= made <= dt.datetime.now(dt.UTC)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    # The backup is the database as it was before the migration, self-contained.
    assert "notes" not in _tables(backup)
    assert _rows(backup, "SELECT npi FROM clinicians") == [("1234567893",)]
    assert _rows(backup, "SELECT name FROM practice") == [("Smith Family Practice",)]
    assert _rows(backup, "PRAGMA journal_mode") == [("delete",)]
    assert not Path(f"{backup}-wal").exists()


def test_core_set_runs_first_then_sets_in_registration_order(
    ws_path: Path, register: Register
) -> None:
    first = register(_notes_set("test.first"))
    second = register(Migrations("test.second"))

    @second(name="0001_uses_notes")
    def _uses(db: Database) -> None:
        # Only works if test.first already created the notes table.
        db.execute("INSERT INTO notes (text) VALUES ('made by the second set')")

    assert migration_sets()[0].name == CORE_SET_NAME
    assert migration_sets()[-2:] == [first, second]
    with Workspace.open(ws_path) as ws:
        order = [m["set"] for m in ws.applied_migrations()]
        assert order[0] == CORE_SET_NAME  # other modules' sets may sit in between
        assert [s for s in order if s.startswith("test.")] == ["test.first", "test.second"]
        assert ws.db.execute("SELECT text FROM notes").fetchall() == [("made by the second set",)]


def test_a_failing_migration_leaves_the_file_as_it_was(ws_path: Path, register: Register) -> None:
    with Workspace.open(ws_path) as ws:
        ws.add_clinician(clinician())
    broken = Migrations("test.broken")

    @broken(name="0001_half_done")
    def _half(db: Database) -> None:
        db.execute("CREATE TABLE half (id INTEGER)")
        db.execute("ALTER TABLE clinicians ADD COLUMN nickname TEXT")
        raise RuntimeError("bug in the migration")

    register(_notes_set())
    register(broken)
    with pytest.raises(WorkspaceMigrationError) as info:
        Workspace.open(ws_path)
    message = str(info.value)
    assert "test.broken.0001_half_done" in message and "left as it was" in message
    tables = _tables(ws_path)
    assert "half" not in tables and "notes" not in tables  # nothing of this open was kept
    columns = [r[1] for r in _rows(ws_path, "PRAGMA table_info(clinicians)")]
    assert "nickname" not in columns
    assert _rows(ws_path, "SELECT npi FROM clinicians") == [("1234567893",)]
    assert len(list_backups(ws_path)) == 1  # the backup made before trying


def test_a_failing_non_transactional_migration_is_undone_from_the_backup(
    ws_path: Path, register: Register
) -> None:
    with Workspace.open(ws_path) as ws:
        ws.add_clinician(clinician())
    outside = Migrations("test.outside")

    @outside(name="0001_outside_transaction", transactional=False)
    def _outside(db: Database) -> None:
        db.execute("CREATE TABLE partial (id INTEGER)")
        db.execute("DELETE FROM clinicians")
        raise RuntimeError("failed after changing data")

    register(outside)
    with pytest.raises(WorkspaceMigrationError, match="restored from the backup"):
        Workspace.open(ws_path)
    assert "partial" not in _tables(ws_path)
    assert _rows(ws_path, "SELECT npi FROM clinicians") == [("1234567893",)]


def test_only_the_newest_backups_are_kept(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    stamps = (base + dt.timedelta(minutes=i) for i in itertools.count())
    monkeypatch.setattr(backups_module, "utc_stamp", lambda: f"{next(stamps):%Y%m%dT%H%M%SZ}")
    ws.add_clinician(clinician())
    made = [ws.backup(f"manual{i}") for i in range(KEEP_BACKUPS + 2)]
    kept = ws.backups()
    assert kept == list(reversed(made))[:KEEP_BACKUPS]
    assert not made[0].exists() and not made[1].exists()
    assert [backup_time(b) for b in kept][-1] == base + dt.timedelta(minutes=2)


def test_register_migrations_refuses_reserved_and_duplicate_names(register: Register) -> None:
    with pytest.raises(ValueError, match="reserved"):
        register_migrations(Migrations(CORE_SET_NAME))
    first = register(_notes_set("test.same"))
    register_migrations(first)  # the same object again is harmless
    with pytest.raises(ValueError, match="registered already"):
        register_migrations(_notes_set("test.same"))


def test_ensure_migrations_applies_a_late_set_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A feature imported after the workspace opened gets its tables on first use."""
    from sqlite_utils import Migrations

    from desktop_app.store import Workspace, register_migrations, unregister_migrations

    late = Migrations("test.late-feature")

    @late()
    def m001_create(db):  # type: ignore[no-untyped-def]
        db["late_things"].create({"id": int, "name": str}, pk="id")

    with Workspace.open(tmp_path / "w.mipsdesk") as ws:
        ws.add_clinician(clinician("1234567893"))
        register_migrations(late)
        try:
            ws.ensure_migrations(late)
            assert ws.db["late_things"].exists()
            assert ws.backups(), "the workspace held data, so it was backed up first"
            calls: list[str] = []
            original = late.pending
            late.pending = lambda db: calls.append("pending") or original(db)  # type: ignore[method-assign]
            ws.ensure_migrations(late)
            ws.ensure_migrations(late)
            assert calls == [], "once applied, the set is not queried again"
        finally:
            unregister_migrations(late)
