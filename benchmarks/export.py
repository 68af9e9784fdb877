"""Benchmark: export and validate 50 entities (the most QPP takes in one upload).

Usage::

    python benchmarks/export.py [--source DIR] [--schematron DIR] [--runs 5] [--json]

Builds a catalog from ``--source`` (CMS's qpp-measures-data) and a workspace with a
group and 49 clinicians, each with two eCQMs (one with strata), one MIPS CQM, a full
Promoting Interoperability set and two improvement activities for 2025. Then, for QPP
JSON and for QRDA III, times ``export_all`` (pre-export check, build, validation of
every file with the CMS schematron when ``--schematron`` is available, atomic write of
50 files and the manifest) ``--runs`` times and prints the median, minimum and maximum,
and the median per entity.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
ENTITIES = 50
TIN = "123456789"
CEHRT = "0015C1235689784"


def _npi(n: int) -> str:
    from desktop_app.models.identifiers import npi_check_digit

    first = f"1{n:08d}"
    return first + str(npi_check_digit(first))


def _counts(met: int, not_met: int, pop: int, excl: int = 0) -> dict[str, int]:
    return {
        "performanceMet": met,
        "performanceNotMet": not_met,
        "eligiblePopulation": pop,
        "eligiblePopulationExclusion": excl,
        "eligiblePopulationException": 0,
    }


def _single(met: int, not_met: int, pop: int, excl: int = 0) -> dict[str, object]:
    return {"isEndToEndReported": True, **_counts(met, not_met, pop, excl)}


def build_workspace(path: Path, year: int = 2025) -> int:
    """A practice with a group and 49 clinicians, all with data; returns the entity count."""
    from desktop_app.eligibility import LowVolumeFigures
    from desktop_app.eligibility import store as el
    from desktop_app.models.practice import Clinician, Practice
    from desktop_app.reporting import EntityKey, save_set_fields, save_value
    from desktop_app.store import Workspace

    figures = LowVolumeFigures(Decimal("250000"), 400, 900)
    pi = {
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
    ehr = "electronicHealthRecord"
    with Workspace.open(path, user="bench") as ws:
        ws.save_practice(Practice(tin=TIN, name="Benchmark Clinic"))
        npis = [_npi(i) for i in range(1, ENTITIES)]
        ws.add_clinicians(
            [
                Clinician(npi=n, first_name="Clin", last_name=f"Ician {i}", clinician_type="MD")
                for i, n in enumerate(npis)
            ]
        )
        for npi in [None, *npis]:
            for seg in (1, 2):
                el.save_figures(ws, year, TIN, npi, seg, figures)
            entity = EntityKey(year, TIN, npi)
            save_value(ws, entity, "quality", "047", _single(30, 10, 40))
            save_value(
                ws, entity, "quality", "001", _single(40, 150, 200, 10), submission_method=ehr
            )
            strata = {
                "isEndToEndReported": True,
                "strata": [
                    {"stratum": name, **_counts(met, nm, pop, ex)}
                    for name, met, nm, pop, ex in (
                        ("reporting", 300, 80, 400, 20),
                        ("performance", 50, 10, 60, 0),
                        ("combinedPopulations", 280, 100, 400, 20),
                    )
                ],
            }
            save_value(ws, entity, "quality", "226", strata, submission_method=ehr)
            save_set_fields(ws, entity, "quality", submission_method=ehr, cehrt_id=CEHRT)
            for mid, value in pi.items():
                save_value(ws, entity, "pi", mid, value)
            save_set_fields(
                ws,
                entity,
                "pi",
                cehrt_id=CEHRT,
                performance_start=dt.date(year, 1, 1),
                performance_end=dt.date(year, 12, 31),
            )
            for mid in ("IA_EPA_3", "IA_CC_10"):
                save_value(ws, entity, "ia", mid, True)
    return ENTITIES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SHARED / "qpp-measures-data")
    parser.add_argument("--schematron", type=Path, default=SHARED / "qrda3-schematron")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be 1 or more")

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["MIPSDESK_DATA_DIR"] = str(root / "userdata")
        if args.schematron.is_dir():
            os.environ["MIPSDESK_SCHEMATRON_DIR"] = str(args.schematron)
        from desktop_app.catalog import Catalog
        from desktop_app.catalog.build import build_catalog
        from desktop_app.exporting import export_all
        from desktop_app.store import Workspace

        build_catalog(args.source, root / "catalog.sqlite")
        ws_path = root / "bench.mipsdesk"
        count = build_workspace(ws_path)
        figures: dict[str, dict[str, float | int | str]] = {}
        with (
            Workspace.open(ws_path, user="bench") as ws,
            Catalog.open(root / "catalog.sqlite") as catalog,
        ):
            for fmt in ("qpp-json", "qrda3"):
                times: list[float] = []
                checks = ""
                for run in range(args.runs):
                    out = root / f"out-{fmt}-{run}"
                    start = time.perf_counter()
                    batch = export_all(ws, 2025, fmt, catalog, out)  # type: ignore[arg-type]
                    times.append(time.perf_counter() - start)
                    if len(batch.files) != count:
                        print(f"expected {count} files, got {len(batch.files)}", file=sys.stderr)
                        return 1
                    validation = batch.files[0].rendered.validation
                    checks = ", ".join(validation.checks) if validation else "none"
                median = statistics.median(times)
                figures[fmt] = {
                    "entities": count,
                    "runs": args.runs,
                    "median_s": round(median, 3),
                    "min_s": round(min(times), 3),
                    "max_s": round(max(times), 3),
                    "median_per_entity_ms": round(1000 * median / count, 1),
                    "checks": checks,
                }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for fmt, f in figures.items():
            print(
                f"{fmt:9} {f['entities']} entities: median {f['median_s']} s "
                f"(min {f['min_s']}, max {f['max_s']}, {f['runs']} runs), "
                f"{f['median_per_entity_ms']} ms per entity; checks: {f['checks']}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
