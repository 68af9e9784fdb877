"""Benchmark: how long the PI and IA pages take to refresh after an edit (live score
included), and the audit binder export with 20 evidence files of 1 MB.

Run:  python benchmarks/attestation_pages.py /path/to/qpp-measures-data
Prints the median of several runs in milliseconds.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def median_ms(fn, runs: int = 7) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/qpp-measures-data")
    tmp = Path(tempfile.mkdtemp())
    os.environ["MIPSDESK_DATA_DIR"] = str(tmp / "data")
    from desktop_app import attestation as att
    from desktop_app.catalog import Catalog
    from desktop_app.catalog.build import build_catalog
    from desktop_app.gui.app import application
    from desktop_app.gui.context import AppContext
    from desktop_app.gui.pages.ia import IaPage
    from desktop_app.gui.pages.pi import PiPage
    from desktop_app.models.practice import Practice
    from desktop_app.reporting import EntityKey
    from desktop_app.settings import Settings
    from desktop_app.store import Workspace

    app = application()
    build_catalog(source, tmp / "catalog.sqlite")
    catalog = Catalog.open(tmp / "catalog.sqlite")
    ws = Workspace.open(tmp / "bench.mipsdesk", user="bench")
    ws.save_practice(Practice(tin="123456789", name="Bench Practice", size=20))
    e = EntityKey(2025, "123456789")
    att.set_pi_period(ws, e, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    for mid in ("PI_PPHI_1", "PI_PPHI_2", "PI_ONCDIR_1", "PI_INFBLO_1", "PI_EP_2", "PI_HIE_5"):
        att.set_pi_answer(ws, e, mid, True)
    att.set_ia_activity(ws, e, "IA_BE_4", True, dt.date(2025, 1, 1), dt.date(2025, 4, 30))
    ctx = AppContext(Settings(), year=2025)
    ctx.set_workspace(ws)
    ctx.set_catalog(catalog)
    pi, ia = PiPage(ctx), IaPage(ctx)
    pi.show()
    ia.show()
    app.processEvents()
    counter = iter(range(1, 10_000))
    print(
        "PI edit + page refresh (live score): "
        f"{median_ms(lambda: pi.edit('bench', lambda: att.set_pi_proportion(ws, e, 'PI_EP_1', next(counter), 10_000))):.0f} ms"  # noqa: E501
    )
    print(f"IA page refresh (104 activities, live score): {median_ms(ia.refresh):.0f} ms")
    blob = os.urandom(1024 * 1024)
    for i in range(20):
        att.add_evidence_bytes(ws, e, "pi", "PI_PPHI_1", f"scan-{i}.pdf", blob)
    out = tmp / "binder.zip"
    print(
        "Audit binder, 20 x 1 MB evidence: "
        f"{median_ms(lambda: att.export_audit_binder(ws, e, out, catalog), runs=3):.0f} ms"
    )
    for page in (pi, ia):
        page.close()
        page.deleteLater()
    ctx.close()
    catalog.close()
    app.processEvents()


if __name__ == "__main__":
    main()
