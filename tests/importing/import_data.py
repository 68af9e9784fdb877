"""Test data shared by the import tests (a unique module name: tests/*/conftest clash)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TIN = "000777777"
NPI = "0777777778"


def quality_set(
    value: dict[str, Any], measure_id: str = "236", method: str = "registry"
) -> dict[str, Any]:
    return {
        "category": "quality",
        "submissionMethod": method,
        "performanceStart": "2025-01-01",
        "performanceEnd": "2025-12-31",
        "measurements": [{"measureId": measure_id, "value": value}],
    }


def counts(pop: int = 100, met: int = 70, not_met: int = 30) -> dict[str, Any]:
    return {
        "isEndToEndReported": False,
        "eligiblePopulation": pop,
        "eligiblePopulationExclusion": 0,
        "eligiblePopulationException": 0,
        "performanceMet": met,
        "performanceNotMet": not_met,
    }


def submission(*sets: dict[str, Any], npi: str | None = NPI, year: int = 2025) -> dict[str, Any]:
    data: dict[str, Any] = {
        "entityType": "individual" if npi else "group",
        "taxpayerIdentificationNumber": TIN,
        "performanceYear": year,
        "measurementSets": list(sets),
    }
    if npi:
        data["nationalProviderIdentifier"] = npi
    return data


def write_json(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
