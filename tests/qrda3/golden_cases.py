"""Submissions the golden-file tests write as QRDA III, and how to regenerate the files.

Regenerate (after checking the new output by hand against the CMS QRDA III guide and
running the schematron tests):

    /work/venv/bin/python tests/qrda3/golden_cases.py

It builds a catalog from ../shared/qpp-measures-data in a temporary folder and
rewrites tests/qrda3/golden/*.xml.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
CREATED = datetime(2026, 2, 14, 9, 30, 0, tzinfo=UTC)


def individual_2025() -> dict[str, Any]:
    """MIPS individual, 2025: a single-rate eCQM (001), a multi-rate eCQM with strata (226),
    a MIPS CQM (left out), two IAs and PI (proportion + yes/no)."""
    return {
        "entityType": "individual",
        "taxpayerIdentificationNumber": "000777777",
        "nationalProviderIdentifier": "1234567893",
        "performanceYear": 2025,
        "measurementSets": [
            {
                "category": "quality",
                "submissionMethod": "electronicHealthRecord",
                "programName": "mips",
                "cehrtId": "0015C1235689784",
                "performanceStart": "2025-01-01",
                "performanceEnd": "2025-12-31",
                "measurements": [
                    {
                        "measureId": "001",
                        "value": {
                            "isEndToEndReported": True,
                            "performanceMet": 40,
                            "performanceNotMet": 150,
                            "eligiblePopulation": 200,
                            "eligiblePopulationExclusion": 10,
                            "eligiblePopulationException": 0,
                        },
                    },
                    {
                        "measureId": "226",
                        "value": {
                            "isEndToEndReported": True,
                            "strata": [
                                {
                                    "stratum": "reporting",
                                    "performanceMet": 300,
                                    "performanceNotMet": 80,
                                    "eligiblePopulation": 400,
                                    "eligiblePopulationExclusion": 20,
                                    "eligiblePopulationException": 0,
                                },
                                {
                                    "stratum": "performance",
                                    "performanceMet": 50,
                                    "performanceNotMet": 10,
                                    "eligiblePopulation": 60,
                                    "eligiblePopulationExclusion": 0,
                                    "eligiblePopulationException": 0,
                                },
                                {
                                    "stratum": "combinedPopulations",
                                    "performanceMet": 280,
                                    "performanceNotMet": 100,
                                    "eligiblePopulation": 400,
                                    "eligiblePopulationExclusion": 20,
                                    "eligiblePopulationException": 0,
                                },
                            ],
                        },
                    },
                ],
            },
            {
                "category": "quality",
                "submissionMethod": "registry",
                "programName": "mips",
                "measurements": [
                    {
                        "measureId": "047",
                        "value": {
                            "isEndToEndReported": False,
                            "performanceMet": 30,
                            "performanceNotMet": 10,
                            "eligiblePopulation": 40,
                            "eligiblePopulationExclusion": 0,
                            "eligiblePopulationException": 0,
                        },
                    }
                ],
            },
            {
                "category": "ia",
                "submissionMethod": "electronicHealthRecord",
                "programName": "mips",
                "performanceStart": "2025-01-01",
                "performanceEnd": "2025-03-31",
                "measurements": [
                    {"measureId": "IA_EPA_3", "value": True},
                    {"measureId": "IA_CC_10", "value": True},
                ],
            },
            {
                "category": "pi",
                "submissionMethod": "electronicHealthRecord",
                "programName": "mips",
                "cehrtId": "0015C1235689784",
                "performanceStart": "2025-04-01",
                "performanceEnd": "2025-06-29",
                "measurements": [
                    {"measureId": "PI_PEA_1", "value": {"numerator": 600, "denominator": 800}},
                    {"measureId": "PI_EP_1", "value": {"numerator": 90, "denominator": 100}},
                    {"measureId": "PI_HIE_5", "value": True},
                    {"measureId": "PI_INFBLO_1", "value": True},
                    {"measureId": "PI_ONCDIR_1", "value": True},
                ],
            },
        ],
    }


def group_2026() -> dict[str, Any]:
    """MIPS group in an MVP, 2026: IA and PI, and an eCQM the 2026 data has no id for."""
    return {
        "entityType": "group",
        "taxpayerIdentificationNumber": "000123456",
        "performanceYear": 2026,
        "measurementSets": [
            {
                "category": "quality",
                "submissionMethod": "electronicHealthRecord",
                "programName": "M0005",
                "cehrtId": "0015C1235689784",
                "measurements": [
                    {
                        "measureId": "001",
                        "value": {
                            "isEndToEndReported": True,
                            "performanceMet": 20,
                            "performanceNotMet": 80,
                            "eligiblePopulation": 100,
                            "eligiblePopulationExclusion": 0,
                            "eligiblePopulationException": 0,
                        },
                    }
                ],
            },
            {
                "category": "ia",
                "submissionMethod": "electronicHealthRecord",
                "programName": "M0005",
                "performanceStart": "2026-02-01",
                "performanceEnd": "2026-05-01",
                "measurements": [{"measureId": "IA_EPA_3", "value": True}],
            },
            {
                "category": "pi",
                "submissionMethod": "electronicHealthRecord",
                "programName": "M0005",
                "cehrtId": "0015C1235689784",
                "performanceStart": "2026-01-01",
                "performanceEnd": "2026-12-31",
                "measurements": [
                    {"measureId": "PI_PEA_1", "value": {"numerator": 0, "denominator": 0}},
                    {"measureId": "PI_HIE_5", "value": False},
                    {"measureId": "PI_INFBLO_1", "value": True},
                ],
            },
        ],
    }


CASES = {
    "individual-2025.xml": (individual_2025, "golden-individual-2025", "Good Health Clinic"),
    "group-2026.xml": (group_2026, "golden-group-2026", "Riverside Family Practice"),
}


def render(name: str, catalog: Any) -> bytes:
    from desktop_app.formats.qrda3.writer import write_qrda3

    build, seed, org = CASES[name]
    return write_qrda3(
        build(),
        catalog,
        document_seed=seed,
        created=CREATED,
        organization_name=org,
        software_name="MIPS Desk (golden file)",
    ).xml


def main() -> int:
    from desktop_app.catalog import Catalog
    from desktop_app.catalog.build import build_catalog

    shared = Path(__file__).resolve().parents[3] / "shared" / "qpp-measures-data"
    with tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp) / "catalog.sqlite"
        build_catalog(shared, dest)
        catalog = Catalog.open(dest)
        try:
            GOLDEN_DIR.mkdir(exist_ok=True)
            for name in CASES:
                (GOLDEN_DIR / name).write_bytes(render(name, catalog))
                print(f"wrote {GOLDEN_DIR / name}")
        finally:
            catalog.close()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    raise SystemExit(main())
