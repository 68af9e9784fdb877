"""Fixtures for the QRDA III tests: the CMS sample files and the schematron folder."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def samples(shared_dir: Path) -> Path:
    return shared_dir / "qrda3-samples"


@pytest.fixture(scope="session")
def schematron_dir(shared_dir: Path) -> Path:
    return shared_dir / "qrda3-schematron"


@pytest.fixture()
def rules(monkeypatch: pytest.MonkeyPatch, schematron_dir: Path) -> Path:
    """Point MIPS Desk at the CMS rules in ../shared explicitly."""
    monkeypatch.setenv("MIPSDESK_SCHEMATRON_DIR", str(schematron_dir))
    return schematron_dir
