"""Fixtures for the store tests: a fresh workspace per test, tidy migration registry."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlite_utils import Migrations

from desktop_app.store import Workspace, register_migrations, unregister_migrations


@pytest.fixture
def ws_path(tmp_path: Path) -> Path:
    return tmp_path / "smith.mipsdesk"


@pytest.fixture
def ws(ws_path: Path) -> Iterator[Workspace]:
    workspace = Workspace.open(ws_path, user="jane")
    yield workspace
    workspace.close()


@pytest.fixture
def register() -> Iterator[Callable[[Migrations], Migrations]]:
    """Register migration sets for one test; they are unregistered afterwards."""
    added: list[Migrations] = []

    def _register(migrations: Migrations) -> Migrations:
        register_migrations(migrations)
        added.append(migrations)
        return migrations

    yield _register
    for migrations in added:
        unregister_migrations(migrations)
