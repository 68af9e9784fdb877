"""The workspace store: one SQLite file per practice (see docs/workspace.md).

Public API::

    from desktop_app.store import Workspace, register_migrations, default_workspace_path
"""

from desktop_app.store.backups import (
    KEEP_BACKUPS,
    backup_time,
    describe_backup,
    list_backups,
)
from desktop_app.store.errors import (
    FinalRecordsError,
    WorkspaceCorruptError,
    WorkspaceError,
    WorkspaceMigrationError,
)
from desktop_app.store.final_records import FinalRecord, RecordLabel, register_record_label
from desktop_app.store.restore import RestoreResult, restore_backup, restore_workspace
from desktop_app.store.schema import (
    CORE_SET_NAME,
    add_migration_loader,
    migration_sets,
    register_migrations,
    unregister_migrations,
)
from desktop_app.store.workspace import (
    WORKSPACE_SUFFIX,
    AuditEntry,
    Workspace,
    default_workspace_path,
    list_workspaces,
)

__all__ = [
    "CORE_SET_NAME",
    "KEEP_BACKUPS",
    "WORKSPACE_SUFFIX",
    "AuditEntry",
    "FinalRecord",
    "FinalRecordsError",
    "RecordLabel",
    "RestoreResult",
    "Workspace",
    "WorkspaceCorruptError",
    "WorkspaceError",
    "WorkspaceMigrationError",
    "add_migration_loader",
    "backup_time",
    "default_workspace_path",
    "describe_backup",
    "list_backups",
    "list_workspaces",
    "migration_sets",
    "register_migrations",
    "register_record_label",
    "restore_backup",
    "restore_workspace",
    "unregister_migrations",
]
