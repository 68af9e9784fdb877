"""add_migration_loader: an entry point's feature sets are registered before the first
workspace is opened, without the store importing feature packages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database, Migrations

from desktop_app.store import (
    Workspace,
    WorkspaceCorruptError,
    add_migration_loader,
    register_migrations,
    unregister_migrations,
)

notes = Migrations("test.loader_notes")


@notes()
def m001_notes(db: Database) -> None:
    db.execute("CREATE TABLE loader_notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")


@pytest.fixture
def cleanup() -> Iterator[None]:
    yield
    unregister_migrations(notes)


def test_the_loader_runs_once_when_a_workspace_is_first_opened(
    tmp_path: Path, cleanup: None
) -> None:
    calls: list[str] = []

    def load() -> None:
        calls.append("load")
        register_migrations(notes)

    add_migration_loader(load)
    assert calls == []  # nothing imported until a workspace is needed

    with Workspace.open(tmp_path / "a.mipsdesk") as ws:
        assert "loader_notes" in ws.db.table_names()
    with Workspace.open(tmp_path / "b.mipsdesk") as ws:
        assert "loader_notes" in ws.db.table_names()
    assert calls == ["load"]


def test_a_dropped_table_of_a_loaded_set_is_damage(tmp_path: Path, cleanup: None) -> None:
    path = tmp_path / "a.mipsdesk"
    register_migrations(notes)
    Workspace.open(path).close()
    unregister_migrations(notes)  # a new process, where the feature isn't imported yet
    ws = Workspace.open(path)
    ws.db.execute("DROP TABLE loader_notes")
    ws.close()

    add_migration_loader(lambda: register_migrations(notes))

    with pytest.raises(WorkspaceCorruptError, match="the table loader_notes, which MIPS"):
        Workspace.open(path)


def test_a_failing_loader_is_tried_again(tmp_path: Path, cleanup: None) -> None:
    attempts: list[int] = []

    def load() -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise ImportError("feature not installed")
        register_migrations(notes)

    add_migration_loader(load)
    with pytest.raises(ImportError):
        Workspace.open(tmp_path / "a.mipsdesk")
    with Workspace.open(tmp_path / "b.mipsdesk") as ws:
        assert "loader_notes" in ws.db.table_names()
    assert len(attempts) == 2
