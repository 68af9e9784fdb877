"""Fixtures of the attestation tests: a practice workspace and its entities."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from attestation_data import GROUP_2025, make_workspace

from desktop_app.reporting import EntityKey
from desktop_app.store import Workspace


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    """A practice of 20 clinicians (not small: PI is not reweighted)."""
    w = make_workspace(tmp_path / "maple.mipsdesk")
    yield w
    w.close()


@pytest.fixture
def small_ws(tmp_path: Path) -> Iterator[Workspace]:
    """A small practice (PI reweighted to 0%)."""
    w = make_workspace(tmp_path / "small.mipsdesk", size=4)
    yield w
    w.close()


@pytest.fixture
def group() -> EntityKey:
    return GROUP_2025
