"""QRDA III benchmark: read the largest CMS sample; write and validate 50 entities.

Run from the repository root:

    /work/venv/bin/python benchmarks/qrda3.py [--runs 5]

Builds a measures catalog from ../shared/qpp-measures-data in a temporary folder
(not timed), then prints the median of several runs for:

- reading (safe parse + decode + catalog matching) the largest file in
  ../shared/qrda3-samples/valid;
- writing 50 entities (individual 2025 submissions with eCQMs incl. strata, IA, PI);
- validating those 50 files with the CMS 2025 schematron (compiled once, as in the
  product) plus MIPS Desk's structural checks.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "qrda3"))


def _median(runs: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--entities", type=int, default=50)
    args = parser.parse_args()

    import os

    from golden_cases import individual_2025

    from desktop_app.catalog import Catalog
    from desktop_app.catalog.build import build_catalog
    from desktop_app.formats.qrda3 import schematron
    from desktop_app.formats.qrda3.reader import read_qrda3
    from desktop_app.formats.qrda3.writer import write_qrda3
    from desktop_app.formats.validate import validate_bytes

    os.environ.setdefault("MIPSDESK_SCHEMATRON_DIR", str(SHARED / "qrda3-schematron"))
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MIPSDESK_DATA_DIR"] = tmp
        dest = Path(tmp) / "catalog.sqlite"
        build_catalog(SHARED / "qpp-measures-data", dest)
        catalog = Catalog.open(dest)

        largest = max(
            (SHARED / "qrda3-samples" / "valid").glob("*.xml"), key=lambda p: p.stat().st_size
        )
        read_s = _median(args.runs, lambda: read_qrda3(largest, catalog))

        def entity(i: int) -> dict[str, object]:
            sub = copy.deepcopy(individual_2025())
            sub["taxpayerIdentificationNumber"] = f"{100000000 + i:09d}"
            return sub

        subs = [entity(i) for i in range(args.entities)]
        files: list[bytes] = []

        def write_all() -> None:
            files.clear()
            for i, sub in enumerate(subs):
                files.append(write_qrda3(sub, catalog, document_seed=str(i)).xml)

        write_s = _median(args.runs, write_all)
        compile_start = time.perf_counter()
        schematron._compile(schematron.rules_file(2025))
        compile_s = time.perf_counter() - compile_start

        def validate_all() -> None:
            for i, data in enumerate(files):
                report = validate_bytes(data, f"{i}.xml", catalog=catalog)
                assert report.valid, report.errors[:3]

        validate_s = _median(args.runs, validate_all)
        catalog.close()

    size_kb = largest.stat().st_size / 1024
    avg_kb = sum(len(f) for f in files) / len(files) / 1024
    print(f"read largest sample ({largest.name}, {size_kb:.0f} KB): {read_s * 1000:.0f} ms")
    print(
        f"write {args.entities} entities ({avg_kb:.0f} KB each): {write_s * 1000:.0f} ms "
        f"({write_s / args.entities * 1000:.1f} ms per file)"
    )
    print(f"schematron compile (once per process): {compile_s * 1000:.0f} ms")
    print(
        f"validate {args.entities} files (structural + CMS schematron 2025): "
        f"{validate_s:.2f} s ({validate_s / args.entities * 1000:.0f} ms per file)"
    )
    print(f"median of {args.runs} runs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
