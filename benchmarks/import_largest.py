"""Benchmark: import the largest QRDA III sample file into a fresh workspace.

Usage::

    python benchmarks/import_largest.py [--samples DIR] [--runs 7] [--json]

Finds the largest file in ``qrda3-samples/valid`` and, ``--runs`` times, reads and
checks it (safe XML parsing, eCQMs matched in the catalog, CMS rules), previews it
against a new empty workspace and applies it in one transaction. Prints the median,
minimum and maximum of each step and of the whole import.
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from desktop_app.catalog import Catalog
from desktop_app.catalog.build import build_catalog
from desktop_app.importing import apply_import, preview_import, read_import_file
from desktop_app.store import Workspace

SHARED = Path(__file__).resolve().parents[2] / "shared"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=SHARED / "qrda3-samples")
    parser.add_argument("--measures", type=Path, default=SHARED / "qpp-measures-data")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be 1 or more")
    files = sorted((args.samples / "valid").glob("*.xml"), key=lambda p: p.stat().st_size)
    if not files:
        parser.error(f"no sample files in {args.samples / 'valid'}")
    largest = files[-1]

    for module in ("desktop_app.elections", "desktop_app.quality"):
        importlib.import_module(module)  # their tables are registered before workspaces open

    timings: dict[str, list[float]] = {"read": [], "preview": [], "apply": [], "total": []}
    with tempfile.TemporaryDirectory() as tmp:
        catalog_path = Path(tmp) / "catalog.sqlite"
        build_catalog(args.measures, catalog_path)
        with Catalog.open(catalog_path) as catalog:
            for run in range(args.runs):
                with Workspace.open(Path(tmp) / f"ws{run}.mipsdesk", user="bench") as ws:
                    t0 = time.perf_counter()
                    imported = read_import_file(largest, catalog)
                    t1 = time.perf_counter()
                    preview = preview_import(ws, imported)
                    t2 = time.perf_counter()
                    result = apply_import(ws, preview, agree_pi_scoring=True)
                    t3 = time.perf_counter()
                    assert result.added == len(imported.measures)
                timings["read"].append(t1 - t0)
                timings["preview"].append(t2 - t1)
                timings["apply"].append(t3 - t2)
                timings["total"].append(t3 - t0)

    figures = {
        "file": largest.name,
        "bytes": largest.stat().st_size,
        "runs": args.runs,
        **{
            f"{step}_ms": {
                "median": round(statistics.median(values) * 1000, 1),
                "min": round(min(values) * 1000, 1),
                "max": round(max(values) * 1000, 1),
            }
            for step, values in timings.items()
        },
    }
    if args.json:
        json.dump(figures, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(
            f"Largest sample: {largest.name} ({figures['bytes'] / 1024:.0f} KB), {args.runs} runs"
        )
        for step in ("read", "preview", "apply", "total"):
            f = figures[f"{step}_ms"]
            assert isinstance(f, dict)
            print(f"  {step:8} median {f['median']:7.1f} ms  (min {f['min']}, max {f['max']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
