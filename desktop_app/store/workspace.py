"""The practice workspace: one SQLite file per practice.

A workspace file is opened in WAL mode with foreign keys on and a busy timeout,
is private to the user (mode 0600, also its -wal/-shm files), is checked with
``PRAGMA integrity_check`` on every open, and is backed up before any schema
change. Every change is written in one transaction together with its audit_log
row, and observers are told about it after the commit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar

from pydantic import BaseModel, ValidationError
from sqlite_utils import Database, Migrations

from desktop_app import paths, settings
from desktop_app.models.errors import friendly_error_text
from desktop_app.models.practice import Clinician, Practice, ReportingEntity
from desktop_app.store.backups import (
    describe_backup,
    list_backups,
    make_backup,
)
from desktop_app.store.errors import (
    WorkspaceCorruptError,
    WorkspaceError,
    WorkspaceMigrationError,
)
from desktop_app.store.schema import CORE_SET_NAME, expected_tables, migration_sets

log = logging.getLogger(__name__)

WORKSPACE_SUFFIX: Final = ".mipsdesk"
APPLICATION_ID: Final = 0x4D495053  # "MIPS", written into the SQLite header of every workspace
DEFAULT_BUSY_TIMEOUT: Final = 5.0
_SIDE_SUFFIXES: Final = ("-wal", "-shm")

Observer = Callable[[str], None]
_M = TypeVar("_M", bound=BaseModel)

# Column lists are constants of this module; values always go in as parameters.
_PRACTICE_COLUMNS: Final = (
    "tin",
    "name",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "zip",
    "size",
    "special_statuses",
)
_CLINICIAN_COLUMNS: Final = (
    "npi",
    "first_name",
    "last_name",
    "clinician_type",
    "medicare_enrollment_date",
)
_SELECT_PRACTICE: Final = f"SELECT {', '.join(_PRACTICE_COLUMNS)} FROM practice WHERE id = 1"  # noqa: S608
_UPSERT_PRACTICE: Final = (
    f"INSERT INTO practice (id, {', '.join(_PRACTICE_COLUMNS)}) "  # noqa: S608
    f"VALUES (1, {', '.join('?' for _ in _PRACTICE_COLUMNS)}) ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _PRACTICE_COLUMNS)
)
_SELECT_CLINICIANS: Final = f"SELECT {', '.join(_CLINICIAN_COLUMNS)} FROM clinicians"  # noqa: S608
_INSERT_CLINICIAN: Final = (
    f"INSERT INTO clinicians ({', '.join(_CLINICIAN_COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join('?' for _ in _CLINICIAN_COLUMNS)})"
)
_UPDATE_CLINICIAN: Final = (
    "UPDATE clinicians SET "  # noqa: S608
    + ", ".join(f"{c} = ?" for c in _CLINICIAN_COLUMNS)
    + " WHERE npi = ?"
)


def default_workspace_path(name: str | None = None) -> Path:
    """``<user data>/workspaces/<name>.mipsdesk`` (``practice.mipsdesk`` without a name)."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name or "").strip("-").lower() or "practice"
    return paths.workspaces_dir() / f"{slug}{WORKSPACE_SUFFIX}"


def list_workspaces(folder: Path | None = None) -> list[Path]:
    """The workspace files in ``folder`` (default: the workspaces folder), by name."""
    folder = folder or paths.workspaces_dir()
    return sorted(p for p in folder.glob(f"*{WORKSPACE_SUFFIX}") if p.is_file())


def utc_now_iso() -> str:
    """The current time as ISO-8601 UTC, e.g. ``2026-11-23T15:30:12.123456+00:00``."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _json(data: dict[str, Any] | None) -> str | None:
    return None if data is None else json.dumps(data, sort_keys=True, default=str)


def _loads(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    value = json.loads(text)
    return value if isinstance(value, dict) else {"value": value}


@dataclass(frozen=True)
class AuditEntry:
    """One row of the append-only audit log."""

    id: int
    at: dt.datetime
    user: str
    table_name: str
    record_key: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def changed_fields(self) -> list[str]:
        """Fields whose value differs between before and after (all fields for insert/delete)."""
        before = self.before or {}
        after = self.after or {}
        return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))

    @property
    def summary(self) -> str:
        """One line for people: ``jane updated clinicians 1234567893 (last_name)``."""
        if self.action == "keep_final":
            return (
                f"{self.user} kept final record across restore: "
                f"{self.table_name.replace('_', ' ')} {self.record_key}"
            )
        verbs = {"insert": "added", "update": "changed", "delete": "removed"}
        verb = verbs.get(self.action, self.action)
        text = f"{self.user} {verb} {self.table_name.replace('_', ' ')} {self.record_key}"
        if self.action == "update" and self.changed_fields:
            text += f" ({', '.join(self.changed_fields)})"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "user": self.user,
            "table": self.table_name,
            "record_key": self.record_key,
            "action": self.action,
            "before": self.before,
            "after": self.after,
        }


def _chmod_private(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.exists() and (path.stat().st_mode & 0o777) != 0o600:
            os.chmod(path, 0o600)


def _corrupt(path: Path, problem: str) -> WorkspaceCorruptError:
    backups = list_backups(path)
    if backups:
        listing = "\n".join(f"  - {describe_backup(b)}" for b in backups)
        advice = (
            "Nothing was changed. You can restore one of these backups (newest first); "
            "the damaged file is kept aside, not deleted:\n" + listing
        )
    else:
        advice = (
            "Nothing was changed, and there are no backups of this workspace beside it. "
            "Keep the file (do not delete it) and restore it from your computer's backup."
        )
    return WorkspaceCorruptError(
        f"The workspace file {path} is damaged: {problem}\n{advice}", path, backups
    )


class Workspace:
    """An open practice workspace. Create with :meth:`Workspace.open`.

    One Workspace may be used from several threads, one call at a time (writes
    are serialized by a lock). Observers run in the thread that committed.
    """

    def __init__(self, path: Path, db: Database, user: str) -> None:
        self.path = path
        self.db = db
        self.user = user
        self._lock = threading.RLock()
        self._observers: list[Observer] = []
        self._pending: list[str] = []
        self._closed = False
        self._failed_step: str | None = None
        self._applied_sets: set[str] = set()

    # ----------------------------------------------------------------- opening
    @classmethod
    def open(
        cls,
        path: Path | str | None = None,
        user: str | None = None,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    ) -> Workspace:
        """Open (or create) a workspace; see the module documentation for what is checked."""
        path = Path(path).expanduser() if path else default_workspace_path()
        if path.is_dir():
            raise WorkspaceError(f"{path} is a folder; choose a workspace file (*.mipsdesk).")
        if not path.parent.is_dir():
            raise WorkspaceError(
                f"The folder {path.parent} does not exist; create it first or choose "
                "another place for the workspace."
            )
        if not path.exists():
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
                os.close(fd)
            except FileExistsError:
                pass
            except OSError as exc:
                raise WorkspaceError(
                    f"Could not create the workspace {path} ({exc.strerror or exc})."
                ) from exc
        try:
            conn = sqlite3.connect(str(path), timeout=busy_timeout, check_same_thread=False)
        except sqlite3.Error as exc:
            raise WorkspaceError(f"Could not open the workspace {path} ({exc}).") from exc
        try:
            cls._check_integrity(conn, path)
            db = Database(conn, execute_plugins=False)
            cls._check_application(db, path)  # before anything could change the file
            _chmod_private(path)
            db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            db.execute("PRAGMA foreign_keys = ON")
            mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                log.warning("workspace %s: journal mode is %s, not WAL", path, mode)
            for suffix in _SIDE_SUFFIXES:
                _chmod_private(Path(str(path) + suffix))
            workspace = cls(path, db, user or _session_user())
            workspace._check_tables(None)  # before a migration could stumble on it
            workspace.migrate()
        except BaseException:
            conn.close()
            raise
        return workspace

    @staticmethod
    def _check_integrity(conn: sqlite3.Connection, path: Path) -> None:
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.OperationalError as exc:
            text = str(exc).lower()
            if "locked" in text or "busy" in text:
                raise WorkspaceError(
                    f"The workspace {path} is in use by another program and did not become "
                    "free in time; close the other MIPS Desk window and try again."
                ) from exc
            if "unable to open" in text or "readonly" in text:
                raise WorkspaceError(f"Could not open the workspace {path} ({exc}).") from exc
            raise _corrupt(path, f"SQLite can't read it ({exc}).") from exc
        except sqlite3.DatabaseError as exc:
            if "not a database" in str(exc).lower():
                raise _corrupt(
                    path,
                    "it is not a MIPS Desk workspace at all (SQLite says: file is not a "
                    "database), or its beginning was overwritten.",
                ) from exc
            raise _corrupt(path, f"SQLite can't read it ({exc}).") from exc
        results = [str(r[0]) for r in rows]
        if results != ["ok"]:
            shown = "; ".join(results[:5]) + (" ..." if len(results) > 5 else "")
            raise _corrupt(path, f"SQLite's integrity check found problems ({shown}).")

    @staticmethod
    def _check_application(db: Database, path: Path) -> None:
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        has_tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
        if has_tables and app_id not in (0, APPLICATION_ID):
            raise WorkspaceError(
                f"{path} is an SQLite database of another program, not a MIPS Desk "
                "workspace; MIPS Desk left it unchanged."
            )
        if has_tables and app_id == 0:
            ours = (
                "_sqlite_migrations" in db.table_names()
                and db.execute(
                    "SELECT count(*) FROM _sqlite_migrations WHERE migration_set = ?",
                    [CORE_SET_NAME],
                ).fetchone()[0]
            )
            if not ours:
                raise WorkspaceError(
                    f"{path} is an SQLite database but not a MIPS Desk workspace; "
                    "MIPS Desk left it unchanged."
                )
        if not has_tables and app_id == 0:
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")  # a new workspace

    # --------------------------------------------------------------- migrations
    def pending_migrations(self) -> list[tuple[str, str]]:
        """``(set name, migration name)`` of every registered migration not yet applied."""
        return [(s.name, m.name) for s in migration_sets() for m in s.pending(self.db)]

    def applied_migrations(self) -> list[dict[str, str]]:
        """The migrations applied to this file, in order: set, name, applied_at."""
        if "_sqlite_migrations" not in self.db.table_names():
            return []
        rows = self.db.execute(
            "SELECT migration_set, name, applied_at FROM _sqlite_migrations ORDER BY id"
        ).fetchall()
        return [{"set": r[0], "name": r[1], "applied_at": r[2]} for r in rows]

    def migrate(self) -> Path | None:
        """Apply pending migrations of every registered set; return the backup made, if any.

        Workspace.open calls this. A workspace that holds data is backed up first.
        If a migration fails, the file is left exactly as it was and
        WorkspaceMigrationError says which migration failed.
        """
        with self._lock:
            if self.db.conn.in_transaction:
                raise WorkspaceError(
                    "Workspace.migrate() can't run inside Workspace.write(); call it before "
                    "starting the change."
                )
            sets = migration_sets()
            pending = [(s, m) for s in sets for m in s.pending(self.db)]
            if not pending:
                self._applied_sets.update(m.name for m in sets)
                return None
            has_data = self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
            first_set, first = pending[0]
            backup = (
                make_backup(self.db.conn, self.path, f"{first_set.name}.{first.name}")
                if has_data
                else None
            )
            all_transactional = all(m.transactional for _, m in pending)
            self._failed_step = None
            try:
                if all_transactional:
                    self._apply_in_one_transaction(sets)
                else:
                    for migrations in sets:
                        self._apply_set(migrations)
            except Exception as exc:
                failed = self._failed_step or f"{first_set.name}.{first.name}"
                restored = ""
                if not all_transactional:
                    restored = self._undo_partial_migration(backup)
                raise WorkspaceMigrationError(
                    f"Updating the workspace {self.path} to this version of MIPS Desk failed "
                    f"at step {failed} ({exc}). The workspace was left as it was{restored}. "
                    "Keep using the version of MIPS Desk that last opened it and report the "
                    "problem."
                ) from exc
            self._applied_sets.update(m.name for m in sets)
            return backup

    def ensure_migrations(self, migrations: Migrations) -> None:
        """Make sure a feature module's tables exist in this workspace.

        For a module imported after the workspace was opened: applies every pending
        migration (with the usual backup) the first time, and is a set lookup after
        that, so feature modules can call it before every read or write.
        """
        if migrations.name in self._applied_sets:
            return
        if migrations.pending(self.db):
            self.migrate()
        else:
            self._check_tables({migrations.name})
            self._applied_sets.add(migrations.name)

    def check_tables(self) -> None:
        """WorkspaceCorruptError if a table MIPS Desk created in this file is missing.

        For callers that met SQLite's "no such table" while the workspace was open
        (a table dropped with another program): the error lists the backups.
        """
        self._check_tables(None)

    def _check_tables(self, set_names: set[str] | None) -> None:
        """WorkspaceCorruptError if a table the applied migrations created is missing.

        Only tables of the sets in ``set_names`` (None: all) are checked. A table
        removed with another SQLite tool (``DROP TABLE elections``) would otherwise
        surface later as a raw "no such table" error.
        """
        with self._lock:
            applied = {(r["set"], r["name"]) for r in self.applied_migrations()}
            present = set(self.db.table_names())
        missing = sorted(expected_tables(applied, set_names) - present)
        if missing:
            names = ", ".join(missing)
            raise _corrupt(
                self.path,
                f"the table{'s' if len(missing) > 1 else ''} {names}, which MIPS Desk created "
                f"in it, {'are' if len(missing) > 1 else 'is'} missing (removed with another "
                "program?), so the data kept there is gone from this file.",
            )

    def _apply_in_one_transaction(self, sets: list[Migrations]) -> None:
        self.db.conn.execute("BEGIN IMMEDIATE")
        try:
            with self.db.atomic():
                for migrations in sets:
                    self._apply_set(migrations)
            self.db.conn.execute("COMMIT")
        except BaseException:
            self.db.rollback()
            raise

    def _apply_set(self, migrations: Migrations) -> None:
        try:
            migrations.apply(self.db)
        except Exception:
            # Still inside the transaction: the failed step is this set's first pending one.
            with contextlib.suppress(sqlite3.Error):
                failed = migrations.pending(self.db)
                if failed:
                    self._failed_step = f"{migrations.name}.{failed[0].name}"
            raise

    def _undo_partial_migration(self, backup: Path | None) -> str:
        """Put the pre-migration content back after a non-transactional migration failed."""
        self.db.rollback()
        if backup is None:
            # A new file: drop whatever the failed steps created.
            tables = [
                r[0]
                for r in self.db.execute(
                    "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                    "AND name NOT LIKE 'sqlite_%'"
                ).fetchall()
            ]
            self.db.execute("PRAGMA foreign_keys = OFF")
            for name in tables:
                self.db.execute(f'DROP TABLE IF EXISTS "{name}"')
            self.db.execute("PRAGMA foreign_keys = ON")
            return " (empty)"
        source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            source.backup(self.db.conn)
        finally:
            source.close()
        return f" (restored from the backup {backup.name})"

    # ------------------------------------------------------------------ general
    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self.db.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Workspace {self.path}>"

    @property
    def closed(self) -> bool:
        return self._closed

    def integrity(self) -> str:
        """``ok``, or SQLite's integrity_check findings joined by ``; ``."""
        with self._lock:
            rows = self.db.execute("PRAGMA integrity_check").fetchall()
        return "; ".join(str(r[0]) for r in rows)

    def journal_mode(self) -> str:
        return str(self.db.execute("PRAGMA journal_mode").fetchone()[0])

    def backups(self) -> list[Path]:
        """This workspace's backups, newest first."""
        return list_backups(self.path)

    def backup(self, reason: str = "manual") -> Path:
        """Make a backup now (kept with the others; the newest 10 are kept)."""
        with self._lock:
            return make_backup(self.db.conn, self.path, reason)

    # ------------------------------------------------------ transactions, audit
    @contextlib.contextmanager
    def write(self, what: str) -> Iterator[Database]:
        """A transaction for changes to table ``what`` (and any table audited inside).

        ``what`` may be empty: then only the tables passed to :meth:`audit` are
        notified (so a write that changed nothing notifies nobody).

        Everything inside is committed together or not at all (``db.atomic()``;
        nested calls become savepoints). After the commit, observers are told
        about ``what`` and every table passed to :meth:`audit`.
        """
        notify: list[str] = []
        with self._lock:
            outer = not self.db.conn.in_transaction
            if outer:
                self._pending = []
                self._begin()
            self._touch(what)
            try:
                with self.db.atomic():
                    yield self.db
                if outer:
                    self.db.conn.execute("COMMIT")
            except BaseException as exc:
                if outer:
                    self.db.rollback()
                    self._pending = []
                if isinstance(exc, sqlite3.OperationalError) and _is_busy(exc):
                    raise _busy_error(self.path) from exc
                raise
            if outer:
                notify, self._pending = self._pending, []
        self._fire(notify)

    @contextlib.contextmanager
    def rehearsal(self) -> Iterator[Database]:
        """Writes made inside are seen by reads inside, then all undone.

        Nothing is committed and no observer is told: for asking "what would the
        workspace say after this change?" (an import's preview) with the real rules
        instead of a guess. Works inside a :meth:`write` too (a savepoint). Schema
        migrations must not run inside.
        """
        with self._lock:
            pending = list(self._pending)
            outer = not self.db.conn.in_transaction
            if outer:
                self._begin()
            self.db.conn.execute("SAVEPOINT rehearsal")
            try:
                yield self.db
            finally:
                self.db.conn.execute("ROLLBACK TO rehearsal")
                self.db.conn.execute("RELEASE rehearsal")
                if outer:
                    self.db.conn.execute("ROLLBACK")
                self._pending = pending

    def _begin(self) -> None:
        try:
            # IMMEDIATE takes the write lock now, so a read-then-write never fails midway.
            self.db.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise _busy_error(self.path) from exc
            raise

    def audit(
        self,
        table: str,
        key: str,
        action: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        """Append an audit_log row; must run inside :meth:`write` (same transaction)."""
        if not self.db.conn.in_transaction:
            raise WorkspaceError(
                "Workspace.audit() must be called inside Workspace.write(), so the change "
                "and its audit entry are saved together."
            )
        self.db.execute(
            "INSERT INTO audit_log (at, user, table_name, record_key, action, before_json, "
            "after_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [utc_now_iso(), self.user, table, key, action, _json(before), _json(after)],
        )
        self._touch(table)

    def audit_log(
        self, limit: int | None = None, *, table: str | None = None, record_key: str | None = None
    ) -> list[AuditEntry]:
        """Audit entries, newest first, optionally only for one table / record."""
        sql = "SELECT id, at, user, table_name, record_key, action, before_json, after_json "
        sql += "FROM audit_log"
        where: list[str] = []
        params: list[Any] = []
        if table is not None:
            where.append("table_name = ?")
            params.append(table)
        if record_key is not None:
            where.append("record_key = ?")
            params.append(record_key)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(max(0, int(limit)))
        with self._lock:
            rows = self.db.execute(sql, params).fetchall()
        return [
            AuditEntry(
                id=r[0],
                at=dt.datetime.fromisoformat(r[1]),
                user=r[2],
                table_name=r[3],
                record_key=r[4],
                action=r[5],
                before=_loads(r[6]),
                after=_loads(r[7]),
            )
            for r in rows
        ]

    # ---------------------------------------------------------------- observers
    def subscribe(self, callback: Observer) -> Callable[[], None]:
        """Call ``callback(table_name)`` after every committed change; returns unsubscribe."""
        with self._lock:
            self._observers.append(callback)

        def unsubscribe() -> None:
            with self._lock, contextlib.suppress(ValueError):
                self._observers.remove(callback)

        return unsubscribe

    def notify(self, table: str) -> None:
        """Tell observers ``table`` changed (deferred to the commit inside a write)."""
        with self._lock:
            if self.db.conn.in_transaction:
                self._touch(table)
                return
        self._fire([table])

    def _touch(self, table: str) -> None:
        if table and table not in self._pending:
            self._pending.append(table)

    def _fire(self, tables: list[str]) -> None:
        with self._lock:
            observers = list(self._observers)
        for table in tables:
            for callback in observers:
                try:
                    callback(table)
                except Exception:  # an observer's bug must not undo or hide a saved change
                    log.exception("workspace observer %r failed for %s", callback, table)

    # ----------------------------------------------------------------- practice
    def practice(self) -> Practice | None:
        with self._lock:
            row = self.db.execute(_SELECT_PRACTICE).fetchone()
        if row is None:
            return None
        data = dict(zip(_PRACTICE_COLUMNS, row, strict=True))
        data["special_statuses"] = json.loads(data["special_statuses"] or "[]")
        return _load(Practice, data, "practice")

    def save_practice(self, practice: Practice) -> None:
        """Insert or update the practice (audited). Saving unchanged data writes nothing."""
        after = practice.model_dump(mode="json")
        with self.write(""):
            current = self.practice()
            before = current.model_dump(mode="json") if current else None
            if before == after:
                return
            values = dict(after)
            values["special_statuses"] = json.dumps(after["special_statuses"])
            self.db.execute(_UPSERT_PRACTICE, [values[c] for c in _PRACTICE_COLUMNS])
            action = "insert" if before is None else "update"
            self.audit("practice", practice.tin, action, before, after)

    # --------------------------------------------------------------- clinicians
    def _clinician_from_row(self, row: tuple[Any, ...]) -> Clinician:
        return _load(Clinician, dict(zip(_CLINICIAN_COLUMNS, row, strict=True)), "clinician")

    def clinicians(self) -> list[Clinician]:
        """All clinicians, sorted by last name, then first name."""
        with self._lock:
            rows = self.db.execute(
                _SELECT_CLINICIANS
                + " ORDER BY last_name COLLATE NOCASE, first_name COLLATE NOCASE, npi"
            ).fetchall()
        return [self._clinician_from_row(r) for r in rows]

    def clinician(self, npi: str) -> Clinician | None:
        with self._lock:
            row = self.db.execute(_SELECT_CLINICIANS + " WHERE npi = ?", [npi.strip()]).fetchone()
        return self._clinician_from_row(row) if row else None

    def _insert_clinician(self, c: Clinician) -> None:
        after = c.model_dump(mode="json")
        try:
            self.db.execute(_INSERT_CLINICIAN, [after[k] for k in _CLINICIAN_COLUMNS])
        except sqlite3.IntegrityError as exc:
            existing = self.clinician(c.npi)
            if existing is not None:
                raise WorkspaceError(
                    f"NPI {c.npi} is already in this workspace ({existing.full_name}); "
                    "each clinician is listed once. Edit that clinician instead."
                ) from exc
            raise WorkspaceError(f"Clinician {c.npi} could not be saved ({exc}).") from exc
        self.audit("clinicians", c.npi, "insert", None, after)

    def add_clinician(self, c: Clinician) -> None:
        """Add one clinician; WorkspaceError if the NPI is already there."""
        with self.write(""):
            self._insert_clinician(c)

    def add_clinicians(self, cs: list[Clinician]) -> None:
        """Add several clinicians in one transaction: all of them or none."""
        seen: dict[str, Clinician] = {}
        repeated = []
        for c in cs:
            if c.npi in seen:
                repeated.append(c.npi)
            seen[c.npi] = c
        if repeated:
            raise WorkspaceError(
                "These NPIs appear more than once in the list, so nothing was added: "
                + ", ".join(sorted(set(repeated)))
                + "."
            )
        try:
            with self.write(""):
                present = [c for c in cs if self.clinician(c.npi) is not None]
                if present:
                    raise WorkspaceError(
                        "These NPIs are already in this workspace, so nothing was added: "
                        + ", ".join(f"{c.npi} ({c.full_name})" for c in present)
                        + "."
                    )
                for c in cs:
                    try:
                        self._insert_clinician(c)
                    except WorkspaceError as exc:
                        raise WorkspaceError(
                            f"{exc} None of the {len(cs)} clinicians were added; nothing was saved."
                        ) from exc
        except sqlite3.DatabaseError as exc:
            raise WorkspaceError(
                f"The clinicians could not be added ({exc}); nothing was saved."
            ) from exc

    def update_clinician(self, npi: str, c: Clinician) -> None:
        """Replace clinician ``npi`` with ``c`` (which may carry a corrected NPI)."""
        npi = npi.strip()
        with self.write(""):
            current = self.clinician(npi)
            if current is None:
                raise WorkspaceError(f"There is no clinician with NPI {npi} in this workspace.")
            if c.npi != npi:
                other = self.clinician(c.npi)
                if other is not None:
                    raise WorkspaceError(
                        f"NPI {c.npi} already belongs to {other.full_name} in this workspace; "
                        "each clinician is listed once."
                    )
            before = current.model_dump(mode="json")
            after = c.model_dump(mode="json")
            if before == after:
                return
            entities = self._entity_rows("npi = ?", [npi]) if c.npi != npi else []
            try:
                self.db.execute(_UPDATE_CLINICIAN, [*(after[k] for k in _CLINICIAN_COLUMNS), npi])
            except sqlite3.IntegrityError as exc:
                raise WorkspaceError(
                    f"NPI {npi} can't be changed to {c.npi}: other records in this workspace "
                    f"still refer to {npi} ({exc})."
                ) from exc
            self.audit("clinicians", npi, "update", before, after)
            for _id, entity in entities:  # moved to the new NPI by ON UPDATE CASCADE
                moved = entity.model_copy(update={"npi": c.npi})
                old, new = entity.model_dump(mode="json"), moved.model_dump(mode="json")
                self.audit("reporting_entities", entity.key, "update", old, new)

    def remove_clinician(self, npi: str) -> None:
        """Remove a clinician and their individual reporting entities (all audited)."""
        npi = npi.strip()
        with self.write(""):
            current = self.clinician(npi)
            if current is None:
                raise WorkspaceError(f"There is no clinician with NPI {npi} in this workspace.")
            for row_id, entity in self._entity_rows("npi = ?", [npi]):
                self.db.execute("DELETE FROM reporting_entities WHERE id = ?", [row_id])
                old = entity.model_dump(mode="json")
                self.audit("reporting_entities", entity.key, "delete", old, None)
            try:
                self.db.execute("DELETE FROM clinicians WHERE npi = ?", [npi])
            except sqlite3.IntegrityError as exc:
                raise WorkspaceError(
                    f"{current.full_name} (NPI {npi}) can't be removed: other records in this "
                    f"workspace still refer to this clinician ({exc})."
                ) from exc
            self.audit("clinicians", npi, "delete", current.model_dump(mode="json"), None)

    # ------------------------------------------------------- reporting entities
    def _entity_rows(self, where: str, params: list[Any]) -> list[tuple[int, ReportingEntity]]:
        sql = "SELECT id, year, tin, npi, reporting_option FROM reporting_entities WHERE "
        rows = self.db.execute(
            sql + where + " ORDER BY year, npi IS NOT NULL, npi", params
        ).fetchall()
        return [
            (
                r[0],
                _load(
                    ReportingEntity,
                    {"year": r[1], "tin": r[2], "npi": r[3], "reporting_option": r[4]},
                    "reporting entity",
                ),
            )
            for r in rows
        ]

    def reporting_entities(self, year: int | None = None) -> list[ReportingEntity]:
        """Reporting entities (of one year), by year, the group first, then by NPI."""
        with self._lock:
            if year is None:
                return [e for _, e in self._entity_rows("1 = 1", [])]
            return [e for _, e in self._entity_rows("year = ?", [year])]

    def _find_entity(
        self, year: int, tin: str, npi: str | None
    ) -> tuple[int, ReportingEntity] | None:
        found = self._entity_rows(
            "year = ? AND tin = ? AND ifnull(npi, '') = ?", [year, tin, npi or ""]
        )
        return found[0] if found else None

    def save_reporting_entity(self, e: ReportingEntity) -> None:
        """Insert or update the entity with key (year, tin, npi or None); audited."""
        after = e.model_dump(mode="json")
        with self.write(""):
            existing = self._find_entity(e.year, e.tin, e.npi)
            try:
                if existing is None:
                    self.db.execute(
                        "INSERT INTO reporting_entities (year, tin, npi, reporting_option) "
                        "VALUES (?, ?, ?, ?)",
                        [e.year, e.tin, e.npi, e.reporting_option],
                    )
                    self.audit("reporting_entities", e.key, "insert", None, after)
                    return
                row_id, old = existing
                before = old.model_dump(mode="json")
                if before == after:
                    return
                self.db.execute(
                    "UPDATE reporting_entities SET reporting_option = ? WHERE id = ?",
                    [e.reporting_option, row_id],
                )
                self.audit("reporting_entities", e.key, "update", before, after)
            except sqlite3.IntegrityError as exc:
                raise WorkspaceError(
                    f"NPI {e.npi} is not a clinician in this workspace; add the clinician "
                    "before choosing how they report."
                ) from exc

    def remove_reporting_entity(self, year: int, tin: str, npi: str | None = None) -> bool:
        """Remove one reporting entity (audited); False if there was none."""
        with self.write(""):
            existing = self._find_entity(year, tin, npi)
            if existing is None:
                return False
            row_id, old = existing
            self.db.execute("DELETE FROM reporting_entities WHERE id = ?", [row_id])
            self.audit("reporting_entities", old.key, "delete", old.model_dump(mode="json"), None)
            return True

    # --------------------------------------------------------------- summaries
    def info(self) -> dict[str, Any]:
        """What ``mipsdesk workspace info`` shows."""
        practice = self.practice()
        with self._lock:
            count = self.db.execute("SELECT count(*) FROM clinicians").fetchone()[0]
        return {
            "path": str(self.path),
            "practice": practice.model_dump(mode="json") if practice else None,
            "clinicians": count,
            "reporting_entities": [
                e.model_dump(mode="json") | {"key": e.key} for e in self.reporting_entities()
            ],
            "migrations": self.applied_migrations(),
            "core_migration_set": CORE_SET_NAME,
            "integrity": self.integrity(),
            "journal_mode": self.journal_mode(),
            "backups": [str(b) for b in self.backups()],
        }


def _session_user() -> str:
    """The audit name: the user name in the settings, else the operating-system user."""
    try:
        return settings.current_user(settings.load_settings())
    except settings.SettingsError:
        return settings.current_user()


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _busy_error(path: Path) -> WorkspaceError:
    return WorkspaceError(
        f"The workspace {path} is busy: another MIPS Desk window or program is saving to it. "
        "Nothing was changed; try again in a moment."
    )


def _load(model: type[_M], data: dict[str, Any], what: str) -> _M:
    try:
        return model.model_validate(data, context={"stored": True})
    except ValidationError as exc:
        raise WorkspaceError(
            f"A stored {what} can't be read by this version of MIPS Desk:\n"
            + friendly_error_text(exc)
        ) from exc
