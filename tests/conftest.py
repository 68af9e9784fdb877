"""Fixtures shared by every test.

Every test gets its own empty user data folder (MIPSDESK_DATA_DIR), so no test
reads or writes the real one, and Qt runs offscreen.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Property tests check behaviour, never speed (speed is measured in benchmarks/): no
# per-example deadline, which a busy CI machine could miss. On CI the examples are
# derandomized, so a run on a fresh machine checks the same cases as the last green one.
settings.register_profile("mipsdesk", deadline=None)
settings.register_profile("mipsdesk-ci", deadline=None, derandomize=True)
settings.load_profile("mipsdesk-ci" if os.environ.get("CI") else "mipsdesk")

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
MEASURES_DATA = SHARED / "qpp-measures-data"


@pytest.fixture(autouse=True)
def isolated_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A fresh user data folder for each test; no catalog source unless a test sets one."""
    data = tmp_path_factory.mktemp("userdata")
    monkeypatch.setenv("MIPSDESK_DATA_DIR", str(data))
    monkeypatch.delenv("MIPSDESK_CATALOG_SOURCE", raising=False)
    monkeypatch.setenv("MIPSDESK_USER", "test-user")
    yield data


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    assert SHARED.is_dir(), f"tests need ../shared beside the repository ({SHARED})"
    return SHARED


@pytest.fixture(scope="session")
def measures_source() -> Path:
    """CMS's qpp-measures-data copy in ../shared (2024-2026)."""
    assert MEASURES_DATA.is_dir(), f"tests need {MEASURES_DATA}"
    return MEASURES_DATA


@pytest.fixture(scope="session")
def catalog_file(tmp_path_factory: pytest.TempPathFactory, measures_source: Path) -> Path:
    """A catalog built once per test session from ../shared (read-only for tests)."""
    from desktop_app.catalog.build import build_catalog

    dest = tmp_path_factory.mktemp("catalog") / "catalog.sqlite"
    build_catalog(measures_source, dest)
    return dest


@pytest.fixture(scope="session")
def catalog(catalog_file: Path):  # type: ignore[no-untyped-def]
    """The session catalog opened for reading."""
    from desktop_app.catalog import Catalog

    return Catalog.open(catalog_file)
