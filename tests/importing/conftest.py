from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from desktop_app.store import Workspace


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    import importlib

    for module in ("desktop_app.elections", "desktop_app.quality"):
        importlib.import_module(module)  # register their tables before opening

    w = Workspace.open(tmp_path / "practice.mipsdesk", user="jane")
    yield w
    w.close()


@pytest.fixture
def samples(shared_dir: Path) -> Path:
    return shared_dir / "qrda3-samples"


@pytest.fixture
def user_catalog(
    catalog_file: Path, measures_source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user's catalog, as installed (copied from the session catalog), for the CLI."""
    from desktop_app import paths

    monkeypatch.setenv("MIPSDESK_CATALOG_SOURCE", str(measures_source))
    dest = paths.catalog_path()
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(catalog_file, dest)
