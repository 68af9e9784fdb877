"""Benchmark: time to score one reporting entity and a practice of 50 clinicians.

Builds the catalog from a qpp-measures-data folder (default ../shared/qpp-measures-data,
or the first argument) into a temporary folder, then scores a realistic submission
(6 quality measures, a full PI set, 2 improvement activities) under the 2025 rules.
Prints the median of several runs.

    /work/venv/bin/python benchmarks/scoring.py [MEASURES_DATA_DIR]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from desktop_app.catalog import Catalog
from desktop_app.catalog.build import build_catalog
from desktop_app.formats.qpp_json import Submission
from desktop_app.scoring import ScoringOptions, score_submission

YEAR = 2025
RUNS = 7
QUALITY = ["001", "047", "130", "134", "226", "236", "238", "317"]


def _npi(first_nine: str) -> str:
    from desktop_app.models.identifiers import npi_check_digit

    return first_nine + str(npi_check_digit(first_nine))


def submission(npi: str | None, seed: int) -> Submission:
    def rate(met: int) -> dict[str, Any]:
        return {
            "isEndToEndReported": False,
            "performanceMet": met,
            "performanceNotMet": 100 - met,
            "eligiblePopulation": 100,
        }

    quality = [
        {"measureId": m, "value": rate(40 + (seed * 7 + i * 11) % 60)}
        for i, m in enumerate(QUALITY)
    ]
    pi = {
        "PI_PPHI_1": True,
        "PI_PPHI_2": True,
        "PI_ONCDIR_1": True,
        "PI_INFBLO_1": True,
        "PI_EP_1": {"numerator": 80, "denominator": 100},
        "PI_EP_2": True,
        "PI_HIE_1": {"numerator": 70, "denominator": 100},
        "PI_HIE_4": {"numerator": 60, "denominator": 100},
        "PI_PEA_1": {"numerator": 90, "denominator": 100},
        "PI_PHCDRR_1": True,
        "PI_PHCDRR_1_PRE": True,
        "PI_PHCDRR_3": True,
        "PI_PHCDRR_3_PROD": True,
    }
    data: dict[str, Any] = {
        "entityType": "individual" if npi else "group",
        "taxpayerIdentificationNumber": "000456789",
        "performanceYear": YEAR,
        "measurementSets": [
            {"category": "quality", "submissionMethod": "registry", "measurements": quality},
            {
                "category": "pi",
                "submissionMethod": "registry",
                "cehrtId": "2025CABCDEFGHIJ",
                "performanceStart": f"{YEAR}-01-01",
                "performanceEnd": f"{YEAR}-12-31",
                "measurements": [{"measureId": k, "value": v} for k, v in pi.items()],
            },
            {
                "category": "ia",
                "submissionMethod": "registry",
                "measurements": [
                    {"measureId": "IA_PM_2", "value": True},
                    {"measureId": "IA_EPA_4", "value": True},
                ],
            },
        ],
    }
    if npi:
        data["nationalProviderIdentifier"] = npi
    return Submission.model_validate(data)


def median_ms(fn: Any) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    source = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else (Path(__file__).resolve().parents[2] / "shared" / "qpp-measures-data")
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "catalog.sqlite"
        build_catalog(source, path)
        catalog = Catalog.open(path)
        options = ScoringOptions(cost_score=None)
        one = submission(None, 0)
        score_submission(one, catalog, options)  # warm up (rules file, caches)
        practice = [submission(_npi(f"{100000000 + i * 37:09d}"[:9]), i) for i in range(50)]
        single = median_ms(lambda: score_submission(one, catalog, options))
        group = median_ms(lambda: [score_submission(s, catalog, options) for s in practice])
        catalog.close()
    print(f"score one entity (8 quality, 13 PI, 2 IA values): {single:.2f} ms (median of {RUNS})")
    print(f"score a practice of 50 clinicians: {group:.1f} ms (median of {RUNS})")


if __name__ == "__main__":
    main()
