"""Backups of workspace files, made with SQLite's online backup API.

A backup sits beside its workspace as ``<name>.bak-<UTC timestamp>-<reason>``
(for example ``smith.mipsdesk.bak-20261123T153012Z-mipsdesk.core.0002_x``),
mode 0600, self-contained (rollback journal, no -wal file). The newest
:data:`KEEP_BACKUPS` of each workspace are kept.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
from pathlib import Path
from typing import Final

from desktop_app.store.errors import WorkspaceError

KEEP_BACKUPS: Final = 10
_STAMP_FORMAT: Final = "%Y%m%dT%H%M%SZ"
_BACKUP_RE: Final = re.compile(r"\.bak-(\d{8}T\d{6}Z)-(.+)$")
_SIDE_FILES: Final = ("-wal", "-shm", "-journal")


def utc_stamp(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now(dt.UTC)).strftime(_STAMP_FORMAT)


def _safe(reason: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", reason).strip("._-") or "backup"


def backup_time(backup: Path) -> dt.datetime | None:
    """When ``backup`` was made (UTC), read from its name; None if the name has no stamp."""
    match = _BACKUP_RE.search(backup.name)
    if not match:
        return None
    return dt.datetime.strptime(match.group(1), _STAMP_FORMAT).replace(tzinfo=dt.UTC)


def backup_reason(backup: Path) -> str:
    match = _BACKUP_RE.search(backup.name)
    return match.group(2) if match else ""


def list_backups(workspace_path: Path) -> list[Path]:
    """The backups of ``workspace_path``, newest first."""
    workspace_path = Path(workspace_path)
    folder = workspace_path.parent
    if not folder.is_dir():
        return []
    prefix = workspace_path.name + ".bak-"
    found = [
        p
        for p in folder.iterdir()
        if p.name.startswith(prefix)
        and _BACKUP_RE.search(p.name)
        and not p.name.endswith((*_SIDE_FILES, ".tmp"))
        and p.is_file()
    ]

    def order(p: Path) -> tuple[str, float]:
        match = _BACKUP_RE.search(p.name)
        return (match.group(1) if match else "", p.stat().st_mtime)

    return sorted(found, key=order, reverse=True)


def describe_backup(backup: Path) -> str:
    """``name (made 2026-11-23 15:30 UTC)`` for messages and lists."""
    when = backup_time(backup)
    made = f"made {when:%Y-%m-%d %H:%M} UTC" if when else "date unknown"
    return f"{backup} ({made})"


def _create_private(path: Path) -> None:
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def copy_database(source: sqlite3.Connection, dest: Path) -> None:
    """Copy the database open on ``source`` to the new file ``dest`` (mode 0600).

    The copy goes to a temporary file first and is renamed into place, so ``dest``
    is either a complete, checked database or absent.
    """
    tmp = dest.with_name(dest.name + ".tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    _create_private(tmp)
    try:
        target = sqlite3.connect(str(tmp))
        try:
            source.backup(target)
            # A self-contained file: no -wal beside the backup.
            target.execute("PRAGMA journal_mode=DELETE").fetchall()
            check = target.execute("PRAGMA integrity_check").fetchall()
            if check != [("ok",)]:
                raise WorkspaceError(f"The copy {dest} did not pass SQLite's integrity check.")
        finally:
            target.close()
        os.chmod(tmp, 0o600)
        os.replace(tmp, dest)
    except BaseException:
        for leftover in [tmp, *(Path(str(tmp) + s) for s in _SIDE_FILES)]:
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise


def _copy_or_explain(source: sqlite3.Connection, dest: Path, failed: str) -> None:
    """:func:`copy_database`, turning a disk or SQLite failure into a WorkspaceError that
    starts with ``failed`` and says what to check."""
    try:
        copy_database(source, dest)
    except (OSError, sqlite3.Error) as exc:
        raise WorkspaceError(
            f"{failed} ({exc}); nothing was changed. "
            "Check that the folder is writable and the disk has free space."
        ) from exc


def make_backup(
    conn: sqlite3.Connection, workspace_path: Path, reason: str, keep: int = KEEP_BACKUPS
) -> Path:
    """Back up the open workspace beside its file and prune old backups; return the backup."""
    workspace_path = Path(workspace_path)
    base = f"{workspace_path.name}.bak-{utc_stamp()}-{_safe(reason)}"
    dest = workspace_path.with_name(base)
    counter = 2
    while dest.exists():
        dest = workspace_path.with_name(f"{base}-{counter}")
        counter += 1
    _copy_or_explain(conn, dest, f"Could not back up the workspace to {dest}")
    prune_backups(workspace_path, keep)
    return dest


def prune_backups(workspace_path: Path, keep: int = KEEP_BACKUPS) -> list[Path]:
    """Delete all but the newest ``keep`` backups; return the deleted ones."""
    removed: list[Path] = []
    for old in list_backups(workspace_path)[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()
            removed.append(old)
    return removed


def stage_backup(workspace_path: Path, backup_path: Path) -> Path:
    """Check ``backup_path`` and copy it beside the workspace as ``<name>.restoring-<time>``.

    The copy is complete and checked or absent; the workspace is not touched.
    """
    workspace_path = Path(workspace_path)
    backup_path = Path(backup_path)
    if not backup_path.is_file():
        raise WorkspaceError(f"The backup {backup_path} does not exist.")
    try:
        source = sqlite3.connect(f"file:{backup_path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise WorkspaceError(f"The backup {backup_path} can't be opened ({exc}).") from exc
    try:
        try:
            check = source.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.DatabaseError as exc:
            raise WorkspaceError(
                f"The backup {backup_path} is not a usable workspace ({exc}); choose another one."
            ) from exc
        if check != [("ok",)]:
            raise WorkspaceError(
                f"The backup {backup_path} is damaged too; choose another (older) backup."
            )
        staged = workspace_path.with_name(f"{workspace_path.name}.restoring-{utc_stamp()}")
        _copy_or_explain(
            source, staged, f"Could not copy the backup {backup_path} beside {workspace_path}"
        )
    finally:
        source.close()
    return staged


def discard_staged(staged: Path) -> None:
    for leftover in [staged, *(Path(str(staged) + s) for s in _SIDE_FILES)]:
        with contextlib.suppress(OSError):
            leftover.unlink()


def swap_in(
    workspace_path: Path, staged: Path, backup_path: Path, *, damaged_file: bool = True
) -> Path | None:
    """Put the complete file ``staged`` in place of the workspace; return where the old one went.

    The current file and its -wal/-shm files are renamed ``<name>.damaged-<UTC
    timestamp>``, or ``<name>.replaced-<UTC timestamp>`` when ``damaged_file`` is
    False (a healthy file replaced by a backup); never deleted. None when there
    was no current file.
    """
    workspace_path = Path(workspace_path)
    kind = "damaged" if damaged_file else "replaced"
    damaged: Path | None = None
    try:
        if workspace_path.exists():
            damaged = workspace_path.with_name(f"{workspace_path.name}.{kind}-{utc_stamp()}")
            counter = 2
            while damaged.exists():
                damaged = workspace_path.with_name(
                    f"{workspace_path.name}.{kind}-{utc_stamp()}-{counter}"
                )
                counter += 1
            os.replace(workspace_path, damaged)
            # The -wal/-shm files belong to the old file: keep them with it, so
            # SQLite never replays them into the restored one.
            for suffix in _SIDE_FILES:
                side = Path(str(workspace_path) + suffix)
                if side.exists():
                    os.replace(side, Path(str(damaged) + suffix))
        os.replace(staged, workspace_path)
    except OSError as exc:
        discard_staged(staged)
        if damaged is not None and damaged.exists() and not workspace_path.exists():
            # Put the current file (and its -wal/-shm) back where it was.
            with contextlib.suppress(OSError):
                os.replace(damaged, workspace_path)
                for suffix in _SIDE_FILES:
                    side = Path(str(damaged) + suffix)
                    if side.exists():
                        os.replace(side, Path(str(workspace_path) + suffix))
        raise WorkspaceError(
            f"Could not restore {backup_path} to {workspace_path} ({exc.strerror or exc}); "
            "the workspace was left as it was."
        ) from exc
    return damaged
