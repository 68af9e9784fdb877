"""Shared data of the attestation tests."""

from __future__ import annotations

from pathlib import Path

from desktop_app.models.identifiers import npi_check_digit
from desktop_app.models.practice import Clinician, Practice
from desktop_app.reporting import EntityKey
from desktop_app.store import Workspace

TIN = "123456789"


def make_npi(first_nine: str) -> str:
    return first_nine + str(npi_check_digit(first_nine))


NPI_A = make_npi("123456789")
NPI_B = make_npi("223456789")
GROUP_2025 = EntityKey(2025, TIN)


def make_workspace(
    path: Path, *, size: int | None = 20, statuses: list[str] | None = None
) -> Workspace:
    ws = Workspace.open(path, user="jane")
    ws.save_practice(
        Practice(
            tin=TIN,
            name="Maple Family Medicine",
            size=size,
            special_statuses=statuses or [],  # type: ignore[arg-type]
        )
    )
    ws.add_clinicians(
        [
            Clinician(npi=NPI_A, first_name="Ada", last_name="Quinn", clinician_type="MD"),
            Clinician(npi=NPI_B, first_name="Bo", last_name="Reyes", clinician_type="NP"),
        ]
    )
    return ws
