"""Eligibility benchmarks: the engine, a practice's determinations, one grid confirmation.

Run: python benchmarks/eligibility_bench.py   (prints the median of several runs)
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path


def median_ms(fn: Callable[[], object], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="mipsdesk-bench-"))
    os.environ.setdefault("MIPSDESK_DATA_DIR", str(folder / "data"))
    from desktop_app.elections import Election, ElectionChoice, confirm_elections
    from desktop_app.eligibility import LowVolumeFigures, evaluate_individual
    from desktop_app.eligibility import store as el
    from desktop_app.models.identifiers import npi_check_digit
    from desktop_app.models.practice import Clinician, Practice
    from desktop_app.store import Workspace

    seg1 = LowVolumeFigures(Decimal("95000"), 150, 300)
    seg2 = LowVolumeFigures(Decimal("120000"), 250, 310)

    def engine() -> None:
        for _ in range(1000):
            evaluate_individual(2025, "MD", dt.date(2015, 1, 1), False, seg1, seg2)

    print(f"evaluate_individual x1000: {median_ms(engine):.1f} ms")

    ws = Workspace.open(folder / "bench.mipsdesk", user="bench")
    ws.save_practice(Practice(tin="123456789", name="Bench Practice"))
    npis = [f"1{n:08d}" for n in range(1, 16)]
    npis = [n + str(npi_check_digit(n)) for n in npis]
    ws.add_clinicians(
        [
            Clinician(npi=n, first_name="A", last_name=f"C{i}", clinician_type="MD")
            for i, n in enumerate(npis)
        ]
    )
    for n in npis:
        el.save_figures(ws, 2025, "123456789", n, 1, seg1)
        el.save_figures(ws, 2025, "123456789", n, 2, seg2)
    practice_ms = median_ms(lambda: el.practice_eligibility(ws, 2025))
    print(f"practice_eligibility, 15 clinicians: {practice_ms:.1f} ms")
    choices = [ElectionChoice("123456789", n, n, Election.OPT_IN) for n in npis]
    start = time.perf_counter()
    confirm_elections(ws, 2025, choices, "CONFIRM")
    confirm_ms = (time.perf_counter() - start) * 1000
    print(f"confirm_elections, 15 participants (one run): {confirm_ms:.1f} ms")
    ws.close()


if __name__ == "__main__":
    main()
