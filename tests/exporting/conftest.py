from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from export_data import new_practice

from desktop_app.store import Workspace


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    w = new_practice(tmp_path / "maple.mipsdesk")
    yield w
    w.close()


@pytest.fixture
def user_catalog(catalog_file: Path) -> Path:
    """The session catalog copied to where the product looks for the user's catalog."""
    from desktop_app import paths

    dest = paths.catalog_path()
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(catalog_file, dest)
    return dest


@pytest.fixture
def rules(monkeypatch: pytest.MonkeyPatch, shared_dir: Path) -> Path:
    """CMS's QRDA III schematron from ../shared, as a user would configure it."""
    path = shared_dir / "qrda3-schematron"
    monkeypatch.setenv("MIPSDESK_SCHEMATRON_DIR", str(path))
    return path
