"""The workspace schema: the core migration set and the registry of feature sets.

Schema changes happen only through ``sqlite_utils.Migrations``. The core set
``mipsdesk.core`` always runs first; feature modules (eligibility, elections,
measurements, ...) call :func:`register_migrations` at import time with their
own named set, applied in registration order.

The audit log is append-only: triggers in the file refuse any UPDATE or DELETE
of an entry and any INSERT that would replace one (INSERT OR REPLACE), so no
ordinary SQL statement, from MIPS Desk or another SQLite tool, can change it.
Someone who can write the file could still drop the triggers (DROP TRIGGER)
first; backups keep earlier copies.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlite_utils import Database, Migrations

CORE_SET_NAME = "mipsdesk.core"

core_migrations = Migrations(CORE_SET_NAME)


@core_migrations(name="0001_practice_clinicians_entities_audit")
def _initial(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE practice (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            tin TEXT NOT NULL,
            name TEXT NOT NULL,
            address_line1 TEXT NOT NULL DEFAULT '',
            address_line2 TEXT NOT NULL DEFAULT '',
            city TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL DEFAULT '',
            zip TEXT NOT NULL DEFAULT '',
            size INTEGER,
            special_statuses TEXT NOT NULL DEFAULT '[]'
        )
        """
    )
    db.execute(
        """
        CREATE TABLE clinicians (
            npi TEXT PRIMARY KEY,
            first_name TEXT NOT NULL,
            last_name TEXT NOT NULL,
            clinician_type TEXT NOT NULL,
            medicare_enrollment_date TEXT
        )
        """
    )
    db.execute(
        """
        CREATE TABLE reporting_entities (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL,
            tin TEXT NOT NULL,
            npi TEXT REFERENCES clinicians(npi) ON UPDATE CASCADE,
            reporting_option TEXT NOT NULL DEFAULT 'traditional'
        )
        """
    )
    db.execute(
        "CREATE UNIQUE INDEX reporting_entities_key "
        "ON reporting_entities (year, tin, ifnull(npi, ''))"
    )
    db.execute("CREATE INDEX reporting_entities_npi ON reporting_entities (npi)")
    db.execute(
        """
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            user TEXT NOT NULL,
            table_name TEXT NOT NULL,
            record_key TEXT NOT NULL,
            action TEXT NOT NULL,
            before_json TEXT,
            after_json TEXT
        )
        """
    )
    db.execute("CREATE INDEX audit_log_record ON audit_log (table_name, record_key)")
    db.execute(
        """
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN
            SELECT RAISE(ABORT, 'The audit log is append-only: its entries cannot be changed.');
        END
        """
    )
    db.execute(
        """
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN
            SELECT RAISE(ABORT, 'The audit log is append-only: its entries cannot be deleted.');
        END
        """
    )


@core_migrations(name="0002_audit_log_no_replace")
def _audit_log_no_replace(db: Database) -> None:
    """Refuse INSERT OR REPLACE over an existing entry.

    REPLACE deletes the row it replaces without firing DELETE triggers, so the
    append-only triggers of 0001 alone would let ``INSERT OR REPLACE INTO
    audit_log (id, ...)`` overwrite an entry. (An UPDATE ... OR REPLACE is already
    refused by audit_log_no_update, which fires before any conflict is resolved.)
    """
    db.execute(
        """
        CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
        WHEN EXISTS (SELECT 1 FROM audit_log AS entry WHERE entry.id = NEW.id)
        BEGIN
            SELECT RAISE(ABORT, 'The audit log is append-only: its entries cannot be replaced.');
        END
        """
    )


_lock = threading.Lock()
_registered: list[Migrations] = []


def register_migrations(migrations: Migrations) -> None:
    """Add a feature module's migration set; Workspace.open applies it after the core set.

    Registering the same set object twice is harmless; two different sets with the
    same name are refused (their records would mix in ``_sqlite_migrations``).
    """
    with _lock:
        if migrations.name == CORE_SET_NAME:
            raise ValueError(f"The migration set name '{CORE_SET_NAME}' is reserved.")
        for existing in _registered:
            if existing is migrations:
                return
            if existing.name == migrations.name:
                raise ValueError(
                    f"A migration set named '{migrations.name}' is registered already."
                )
        _registered.append(migrations)


def unregister_migrations(migrations: Migrations) -> None:
    """Remove a registered set (for tests and plug-ins that are switched off)."""
    with _lock:
        if migrations in _registered:
            _registered.remove(migrations)


_loader_lock = threading.RLock()
_loaders: list[Callable[[], None]] = []


def add_migration_loader(loader: Callable[[], None]) -> None:
    """Have ``loader`` register feature sets the first time the sets are needed.

    An entry point (the command line, the GUI) passes a function that imports
    every feature module that calls :func:`register_migrations` (the store itself
    must not import feature packages). It runs once, at the first
    :func:`migration_sets` call (opening a workspace, checking its tables,
    restoring a backup), so commands that never open a workspace don't pay for
    the imports.
    """
    with _loader_lock:
        if loader not in _loaders:
            _loaders.append(loader)


def _run_loaders() -> None:
    with _loader_lock:  # other threads wait until every set is registered
        while _loaders:
            loader = _loaders.pop(0)
            try:
                loader()
            except BaseException:
                _loaders.insert(0, loader)  # tried again at the next call
                raise


def migration_sets() -> list[Migrations]:
    """Every set Workspace.open applies, in order: the core set first."""
    _run_loaders()
    with _lock:
        return [core_migrations, *_registered]


_expected_lock = threading.Lock()
_Fingerprint = tuple[tuple[int, str, tuple[str, ...]], ...]
_steps_cache: dict[_Fingerprint, list[MigrationStep]] = {}


@dataclass(frozen=True)
class MigrationStep:
    """The tables one migration creates and drops (found on an empty database)."""

    set_name: str
    name: str
    created: frozenset[str]
    dropped: frozenset[str]


def _fingerprint(sets: list[Migrations]) -> _Fingerprint:
    empty = Database(memory=True)
    try:
        return tuple((id(s), s.name, tuple(m.name for m in s.pending(empty))) for s in sets)
    finally:
        empty.close()


def migration_steps(sets: list[Migrations] | None = None) -> list[MigrationStep]:
    """What each registered migration does to the list of tables, in application order.

    Found by running the migrations, in order, on an empty in-memory database
    (once per process and list of sets). From a migration that fails there on,
    its set is left out (nothing is checked for it).
    """
    sets = migration_sets() if sets is None else sets
    key = _fingerprint(sets)
    with _expected_lock:
        cached = _steps_cache.get(key)
        if cached is not None:
            return cached
    db = Database(memory=True, execute_plugins=False)
    steps: list[MigrationStep] = []
    try:
        for migrations in sets:
            for migration in migrations.pending(db):
                before = set(db.table_names())
                try:
                    migration.fn(db)
                except Exception:
                    break
                after = set(db.table_names())
                steps.append(
                    MigrationStep(
                        migrations.name,
                        migration.name,
                        frozenset(after - before),
                        frozenset(before - after),
                    )
                )
    finally:
        db.close()
    with _expected_lock:
        _steps_cache[key] = steps
    return steps


def expected_tables(applied: set[tuple[str, str]], set_names: set[str] | None = None) -> set[str]:
    """The tables a workspace with these applied ``(set, migration)`` pairs must have.

    Only tables created by the sets in ``set_names`` (default: every set) count.
    """
    tables: set[str] = set()
    for step in migration_steps():
        if (step.set_name, step.name) not in applied:
            continue
        tables -= step.dropped
        if set_names is None or step.set_name in set_names:
            tables |= step.created
    return tables
