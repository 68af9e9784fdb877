"""Real workspace files with final records (confirmed elections, PI agreements)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import desktop_app.attestation  # noqa: F401 - registers the attestation tables
from desktop_app.elections import Election, confirm_election
from desktop_app.models.identifiers import npi_check_digit
from desktop_app.models.practice import Clinician, Practice
from desktop_app.reporting import EntityKey
from desktop_app.store import Workspace

TIN = "123456789"


def _npi(first_nine: str) -> str:
    return first_nine + str(npi_check_digit(first_nine))


NPI_ADA = _npi("123456789")
NPI_BO = _npi("223456789")
NPI_CY = _npi("323456789")
GROUP = EntityKey(2025, TIN)


def make_practice(path: Path, *, size: int = 20) -> Workspace:
    """A practice with two clinicians; the elections and attestation tables exist."""
    ws = Workspace.open(path, user="jane")
    ws.save_practice(Practice(tin=TIN, name="Maple Family Medicine", size=size))
    ws.add_clinicians(
        [
            Clinician(npi=NPI_ADA, first_name="Ada", last_name="Quinn", clinician_type="MD"),
            Clinician(npi=NPI_BO, first_name="Bo", last_name="Reyes", clinician_type="DO"),
        ]
    )
    return ws


def confirm_ada(ws: Workspace, election: Election = Election.OPT_IN) -> None:
    confirm_election(
        ws, 2025, TIN, NPI_ADA, election, "CONFIRM", "Ada Quinn", check_eligibility=False
    )


def sql(path: Path, *statements: str) -> None:
    """Change a workspace or backup file with plain SQLite, as another tool would."""
    conn = sqlite3.connect(path)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(path: Path) -> list[str]:
    """Files a restore leaves beside the workspace (kept old files, staged copies)."""
    return sorted(
        p.name
        for p in path.parent.iterdir()
        if p.name.startswith(path.name + ".") and ".bak-" not in p.name
    )
