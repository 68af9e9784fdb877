"""A practice with data to export: the group and two clinicians, 2025 (and 2026)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from desktop_app.eligibility import LowVolumeFigures
from desktop_app.eligibility import store as el
from desktop_app.models.identifiers import npi_check_digit
from desktop_app.models.practice import Clinician, Practice
from desktop_app.reporting import EntityKey, save_set_fields, save_value
from desktop_app.store import Workspace

TIN = "123456789"


def make_npi(first_nine: str) -> str:
    return first_nine + str(npi_check_digit(first_nine))


NPI_A = make_npi("123456789")
NPI_B = make_npi("223456789")
CEHRT = "0015C1235689784"
ELIGIBLE = LowVolumeFigures(Decimal("250000"), 400, 900)
OPT_IN = LowVolumeFigures(Decimal("95000"), 150, 300)


def single(met: int, not_met: int, pop: int, excl: int = 0, exc: int = 0) -> dict[str, Any]:
    return {
        "isEndToEndReported": True,
        "performanceMet": met,
        "performanceNotMet": not_met,
        "eligiblePopulation": pop,
        "eligiblePopulationExclusion": excl,
        "eligiblePopulationException": exc,
    }


def full_pi() -> dict[str, Any]:
    """A complete 2025/2026 PI set: required attestations and every required objective."""
    return {
        "PI_PPHI_1": True,
        "PI_PPHI_2": True,
        "PI_ONCDIR_1": True,
        "PI_INFBLO_1": True,
        "PI_EP_1": {"numerator": 90, "denominator": 100},
        "PI_EP_2": True,
        "PI_HIE_5": True,
        "PI_PEA_1": {"numerator": 600, "denominator": 800},
        "PI_PHCDRR_1": True,
        "PI_PHCDRR_1_PROD": True,
        "PI_PHCDRR_3": True,
        "PI_PHCDRR_3_PRE": True,
    }


def new_practice(path: Path, year: int = 2025, figures: LowVolumeFigures = ELIGIBLE) -> Workspace:
    ws = Workspace.open(path, user="jane")
    ws.save_practice(Practice(tin=TIN, name="Maple Family Medicine", state="OH", zip="43004"))
    ws.add_clinicians(
        [
            Clinician(
                npi=NPI_A,
                first_name="Ada",
                last_name="Quinn",
                clinician_type="MD",
                medicare_enrollment_date=dt.date(2015, 1, 1),
            ),
            Clinician(npi=NPI_B, first_name="Bo", last_name="Reyes", clinician_type="DO"),
        ]
    )
    for seg in (1, 2):
        for npi in (NPI_A, NPI_B, None):
            el.save_figures(ws, year, TIN, npi, seg, figures)
    return ws


def add_pi(ws: Workspace, entity: EntityKey, method: str = "registry") -> None:
    for mid, value in full_pi().items():
        save_value(ws, entity, "pi", mid, value, submission_method=method)
    save_set_fields(
        ws,
        entity,
        "pi",
        submission_method=method,
        cehrt_id=CEHRT,
        performance_start=dt.date(entity.year, 4, 1),
        performance_end=dt.date(entity.year, 12, 31),
    )


def add_ia(ws: Workspace, entity: EntityKey) -> None:
    for mid in ("IA_EPA_3", "IA_CC_10"):
        save_value(ws, entity, "ia", mid, True)


def add_individual_data(ws: Workspace, year: int = 2025) -> EntityKey:
    """Clinician A: a MIPS CQM, two eCQMs (one with strata), PI and IA."""
    entity = EntityKey(year, TIN, NPI_A)
    save_value(ws, entity, "quality", "047", single(30, 10, 40))
    ehr = "electronicHealthRecord"
    save_value(ws, entity, "quality", "001", single(40, 150, 200, excl=10), submission_method=ehr)
    strata = {
        "isEndToEndReported": True,
        "strata": [
            {"stratum": "reporting", **_counts(300, 80, 400, 20)},
            {"stratum": "performance", **_counts(50, 10, 60, 0)},
            {"stratum": "combinedPopulations", **_counts(280, 100, 400, 20)},
        ],
    }
    save_value(ws, entity, "quality", "226", strata, submission_method=ehr)
    save_set_fields(
        ws,
        entity,
        "quality",
        submission_method=ehr,
        cehrt_id=CEHRT,
        performance_start=dt.date(year, 1, 1),
        performance_end=dt.date(year, 12, 31),
    )
    add_pi(ws, entity)
    add_ia(ws, entity)
    return entity


def _counts(met: int, not_met: int, pop: int, excl: int) -> dict[str, int]:
    return {
        "performanceMet": met,
        "performanceNotMet": not_met,
        "eligiblePopulation": pop,
        "eligiblePopulationExclusion": excl,
        "eligiblePopulationException": 0,
    }


def add_group_data(ws: Workspace, year: int = 2025) -> EntityKey:
    """The group: two MIPS CQMs, PI and IA."""
    entity = EntityKey(year, TIN, None)
    save_value(ws, entity, "quality", "047", single(120, 30, 160, exc=10))
    save_value(ws, entity, "quality", "236", single(300, 150, 500))
    add_pi(ws, entity)
    add_ia(ws, entity)
    return entity


def practice_file(path: Path) -> Path:
    """A workspace file at ``path`` with the 2025 data of clinician A and the group."""
    with new_practice(path) as ws:
        add_individual_data(ws)
        add_group_data(ws)
    return path
