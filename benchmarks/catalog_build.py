"""Benchmark: build the measures catalog from a qpp-measures-data folder.

Usage::

    python benchmarks/catalog_build.py [--source DIR] [--runs 5] [--json]

Builds the catalog ``--runs`` times into a temporary folder and prints the median,
minimum and maximum wall time, then the peak Python memory of one more build
(tracemalloc, measured separately so it does not slow the timed runs) and the
process's peak resident memory. Also times opening the catalog and one search.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from desktop_app.catalog import Catalog
from desktop_app.catalog.build import build_catalog

DEFAULT_SOURCE = Path(__file__).resolve().parents[2] / "shared" / "qpp-measures-data"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be 1 or more")

    with tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp) / "catalog.sqlite"
        times: list[float] = []
        for _ in range(args.runs):
            start = time.perf_counter()
            info = build_catalog(args.source, dest)
            times.append(time.perf_counter() - start)

        tracemalloc.start()
        build_catalog(args.source, dest)
        _, peak_python = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        start = time.perf_counter()
        with Catalog.open(dest) as catalog:
            opened = time.perf_counter() - start
            start = time.perf_counter()
            catalog.search(max(catalog.years()), "diabetes glycemic")
            searched = time.perf_counter() - start
            counts = {str(y): catalog.counts(y) for y in catalog.years()}
        size = dest.stat().st_size

    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    max_rss_bytes = max_rss if sys.platform == "darwin" else max_rss * 1024
    figures = {
        "source": str(args.source),
        "version": info.version,
        "years": info.years,
        "runs": args.runs,
        "median_seconds": round(statistics.median(times), 4),
        "min_seconds": round(min(times), 4),
        "max_seconds": round(max(times), 4),
        "peak_python_memory_mb": round(peak_python / 1e6, 1),
        "peak_process_rss_mb": round(max_rss_bytes / 1e6, 1),
        "catalog_size_mb": round(size / 1e6, 2),
        "open_ms": round(opened * 1000, 2),
        "search_ms": round(searched * 1000, 2),
        "counts": counts,
    }
    if args.json:
        json.dump(figures, sys.stdout, indent=2)
        print()
    else:
        print(f"Catalog build from {figures['source']} ({info.version}, years {info.years})")
        print(
            f"  {args.runs} runs: median {figures['median_seconds']:.3f} s, "
            f"min {figures['min_seconds']:.3f} s, max {figures['max_seconds']:.3f} s"
        )
        print(
            f"  peak Python memory (tracemalloc, one build): {figures['peak_python_memory_mb']} MB"
        )
        print(f"  peak process resident memory: {figures['peak_process_rss_mb']} MB")
        print(f"  catalog file: {figures['catalog_size_mb']} MB")
        print(f"  open: {figures['open_ms']} ms, one search: {figures['search_ms']} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
