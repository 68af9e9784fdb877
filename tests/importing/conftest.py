from __future__ import annotations

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
