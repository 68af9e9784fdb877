"""Errors raised by the workspace store; every message says what happened and what to do."""

from __future__ import annotations

from pathlib import Path


class WorkspaceError(Exception):
    """A workspace operation failed; nothing was changed. The message says why."""


class WorkspaceCorruptError(WorkspaceError):
    """The workspace file is damaged (or not a workspace at all).

    ``backups`` lists the backups of this workspace, newest first, that
    :func:`desktop_app.store.restore_backup` can put back.
    """

    def __init__(self, message: str, path: Path, backups: list[Path]) -> None:
        super().__init__(message)
        self.path = path
        self.backups = backups


class WorkspaceMigrationError(WorkspaceError):
    """Updating the workspace to this version of MIPS Desk failed; the file was left as it was."""


class FinalRecordsError(WorkspaceError):
    """Restoring a backup would erase records CMS treats as final; nothing was changed.

    ``records`` lists ``(description, why it can't be kept)`` for each one.
    """

    def __init__(self, message: str, records: list[tuple[str, str]]) -> None:
        super().__init__(message)
        self.records = records
