"""Start-up time of MIPS Desk against a bare PySide6 window.

Runs ``mipsdesk --smoke`` and a bare PySide6 window started the same way (a
fresh Python process that creates a QApplication, shows a QMainWindow and
prints the milliseconds until it is shown), several times each, and prints the
median, min and max of both the time the program reports and the wall-clock
time of the whole process.

    python benchmarks/startup.py [--runs 7] [--json]

Runs offscreen unless QT_QPA_PLATFORM is already set. Uses a throw-away user
data folder, so the real one is never touched; the catalog is built once
before timing starts (a first start with no catalog builds it in the background).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

BARE_WINDOW = r"""
import time
t0 = time.perf_counter()
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow()
w.resize(1200, 800)
w.show()
def done():
    print(round((time.perf_counter() - t0) * 1000))
    app.quit()
QTimer.singleShot(0, done)
app.exec()
"""


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    start = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True, timeout=120)
    wall = (time.perf_counter() - start) * 1000
    reported = float(out.stdout.strip().splitlines()[-1])
    return reported, wall


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 1),
        "min": round(min(values), 1),
        "max": round(max(values), 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data:
        env = dict(os.environ, MIPSDESK_DATA_DIR=data)
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        mipsdesk = [sys.executable, "-m", "desktop_app"]
        # Warm-up: builds the catalog (if a source is found) and fills OS caches.
        subprocess.run([*mipsdesk, "catalog", "info"], env=env, capture_output=True, check=False)
        _run([*mipsdesk, "--smoke"], env)
        _run([sys.executable, "-c", BARE_WINDOW], env)

        results: dict[str, dict[str, list[float]]] = {
            "mipsdesk --smoke": {"reported_ms": [], "process_ms": []},
            "bare PySide6 window": {"reported_ms": [], "process_ms": []},
        }
        for _ in range(args.runs):
            for name, cmd in (
                ("mipsdesk --smoke", [*mipsdesk, "--smoke"]),
                ("bare PySide6 window", [sys.executable, "-c", BARE_WINDOW]),
            ):
                reported, wall = _run(cmd, env)
                results[name]["reported_ms"].append(reported)
                results[name]["process_ms"].append(wall)

    summary = {
        name: {key: _summary(vals) for key, vals in series.items()}
        for name, series in results.items()
    }
    summary["runs"] = args.runs  # type: ignore[assignment]
    summary["platform"] = os.environ.get("QT_QPA_PLATFORM", "offscreen")  # type: ignore[assignment]
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"start-up, {args.runs} runs each (median / min / max, milliseconds)")
        for name, series in results.items():
            for key, vals in series.items():
                s = _summary(vals)
                print(f"  {name:22} {key:12} {s['median']:8.1f} {s['min']:8.1f} {s['max']:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
