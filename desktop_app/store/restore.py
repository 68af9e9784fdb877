"""Restoring a workspace from a backup without erasing final records.

A confirmed election or the agreement to be scored in Promoting
Interoperability is final for CMS. Putting back a backup made before such a
record was written must not silently erase it, so :func:`restore_workspace`:

1. copies the backup beside the workspace (``<name>.restoring-<time>``);
2. reads the final records of the current file (see
   :mod:`desktop_app.store.final_records`) and inserts each one the backup lacks
   into the copy, in one transaction, audited as "kept final record across
   restore" (action ``keep_final``); a backup made before the feature's tables
   existed is first brought up to this version's schema, as opening it would;
3. refuses with :class:`FinalRecordsError` (nothing changed) when a final record
   can't be kept, unless ``force`` is given;
4. only then renames the current file (kept, never deleted) and moves the
   complete copy into its place. The old file is named ``<name>.damaged-<time>``
   when it is damaged (SQLite's integrity check fails, or a table MIPS Desk
   created is missing), ``<name>.replaced-<time>`` when it was healthy.

So the current file stays intact until the new one is complete.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from desktop_app.store.backups import discard_staged, stage_backup, swap_in
from desktop_app.store.errors import FinalRecordsError, WorkspaceError
from desktop_app.store.final_records import (
    KEEP_TEXT,
    CarryOver,
    FinalRecord,
    carry_over,
    final_records_of_file,
)
from desktop_app.store.schema import expected_tables, migration_sets
from desktop_app.store.workspace import _session_user, utc_now_iso


@dataclass
class RestoreResult:
    """What :func:`restore_workspace` did."""

    backup: Path
    previous: Path | None  # where the file that was replaced was kept (None: there was none)
    kept: list[FinalRecord] = field(default_factory=list)  # carried over from the old file
    dropped: list[tuple[FinalRecord, str]] = field(default_factory=list)  # lost with force
    unchecked: str | None = None  # why the old file could not be checked for final records
    previous_damaged: bool = False  # the replaced file was damaged (kept as .damaged-<time>)

    def summary_lines(self) -> list[str]:
        """Plain-language lines for the CLI and the GUI."""
        lines: list[str] = []
        if self.kept:
            lines.append(
                f"{len(self.kept)} final record{'s' if len(self.kept) != 1 else ''} missing "
                "from the backup {verb} kept (copied from the previous file, audited as "
                f"'{KEEP_TEXT}'):".format(verb="was" if len(self.kept) == 1 else "were")
            )
            lines.extend(f"  - {r.label}" for r in self.kept)
        if self.dropped:
            lines.append(
                "Restored anyway: these final records are NOT in the restored workspace "
                "(they remain in the previous file"
                + (f" {self.previous}" if self.previous else "")
                + "):"
            )
            lines.extend(f"  - {r.label} ({why})" for r, why in self.dropped)
        if self.unchecked:
            lines.append(
                "Warning: the previous file could not be read to look for final records "
                f"(confirmed elections, PI agreements) ({self.unchecked}). If any were made "
                "after this backup, confirm them again or ask your IT support to recover them "
                "from the previous file."
            )
        return lines


def _current_final_records(workspace_path: Path) -> tuple[list[FinalRecord], str | None]:
    if not workspace_path.exists():
        return [], None
    try:
        return final_records_of_file(str(workspace_path)), None
    except sqlite3.Error as exc:
        return [], str(exc)


def _damage(workspace_path: Path) -> str | None:
    """Why the workspace file is damaged, as Workspace.open would find; None if it is healthy.

    Read-only: SQLite's integrity check, then every table the applied migrations
    created must be there.
    """
    try:
        conn = sqlite3.connect(f"file:{workspace_path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        if conn.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
            return "SQLite's integrity check found problems"
        present = {
            str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if "_sqlite_migrations" not in present:
            return "it is not a MIPS Desk workspace"
        applied = {
            (str(r[0]), str(r[1]))
            for r in conn.execute("SELECT migration_set, name FROM _sqlite_migrations")
        }
        missing = expected_tables(applied) - present
        return f"missing tables: {', '.join(sorted(missing))}" if missing else None
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        conn.close()


def _bring_up_to_date(staged: Path) -> None:
    """Apply this version's pending migrations to the copy, as opening it would."""
    db = Database(str(staged), execute_plugins=False)
    try:
        for migrations in migration_sets():
            migrations.apply(db)
    finally:
        db.close()


def _keep(staged: Path, records: list[FinalRecord], user: str, *, commit: bool) -> CarryOver:
    conn = sqlite3.connect(str(staged), isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = carry_over(conn, records, user, utc_now_iso())
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT" if commit else "ROLLBACK")
        if commit:
            check = conn.execute("PRAGMA integrity_check").fetchall()
            if check != [("ok",)]:
                raise WorkspaceError("The restored copy did not pass SQLite's integrity check.")
        return result
    finally:
        conn.close()


def _refusal(
    backup: Path, blocked: list[tuple[FinalRecord, str]], *, damaged: bool
) -> FinalRecordsError:
    listing = "\n".join(f"  - {r.label}\n    ({why})" for r, why in blocked)
    count = len(blocked)
    return FinalRecordsError(
        f"Restoring {backup} would erase {count} final record{'s' if count != 1 else ''} "
        "that CMS treats as final (confirmed elections, PI scoring agreements), because "
        f"{'it' if count == 1 else 'they'} can't be copied into this backup:\n{listing}\n"
        "Nothing was changed. Choose a backup made after these records were confirmed, "
        "or restore anyway: the current file is then kept beside the workspace "
        f"(renamed .{'damaged' if damaged else 'replaced'}-<time>) and still holds them.",
        [(r.label, why) for r, why in blocked],
    )


def restore_workspace(
    workspace_path: Path,
    backup_path: Path,
    *,
    force: bool = False,
    user: str | None = None,
) -> RestoreResult:
    """Put ``backup_path`` in place of the workspace, keeping its final records.

    Final records of the current file that the backup lacks are copied into the
    restored file (audited, same transaction). If one can't be kept,
    :class:`FinalRecordsError` lists them and nothing is changed, unless
    ``force``: then the backup is restored without them (reported in
    ``RestoreResult.dropped``). The workspace must not be open while this runs.
    """
    workspace_path = Path(workspace_path)
    backup_path = Path(backup_path)
    who = user or _session_user()
    staged = stage_backup(workspace_path, backup_path)
    try:
        records, unchecked = _current_final_records(workspace_path)
        result = RestoreResult(backup_path, None, unchecked=unchecked)
        result.previous_damaged = workspace_path.exists() and (
            unchecked is not None or _damage(workspace_path) is not None
        )
        if records:
            trial = _keep(staged, records, who, commit=False)
            if trial.schema_blocked:
                try:
                    _bring_up_to_date(staged)
                except Exception as exc:
                    trial.blocked = [
                        (r, f"{why}; updating it to this version failed: {exc}")
                        for r, why in trial.blocked
                    ]
                else:
                    trial = _keep(staged, records, who, commit=False)
            if trial.blocked and not force:
                raise _refusal(backup_path, trial.blocked, damaged=result.previous_damaged)
            done = _keep(staged, records, who, commit=True)
            result.kept = done.kept
            result.dropped = done.blocked
        result.previous = swap_in(
            workspace_path, staged, backup_path, damaged_file=result.previous_damaged
        )
    except BaseException:
        discard_staged(staged)
        raise
    return result


def restore_backup(workspace_path: Path, backup_path: Path, *, force: bool = False) -> Path | None:
    """:func:`restore_workspace`, returning only where the previous file was kept."""
    return restore_workspace(workspace_path, backup_path, force=force).previous
