"""The Qt binding must not corrupt Python's reference counts.

PySide6 6.12.0 under CPython 3.11 dropped a reference to None on every Qt
call that returns nothing and to True/False on every Signal.emit; after some
thousands of calls Python aborted the whole application ("Fatal Python error:
none_dealloc"). pyproject.toml excludes that release; this test catches any
binding that does the same. It runs in a subprocess because the failure is an
abort, not an exception.

The broken binding lost one reference per call, thousands in all. Python itself
may free an unrelated object holding None while the probe runs (a font cache
filled on first paint, a collected cycle), so the probe warms up first, turns
the cycle collector off, and the test tolerates a loss of a few references but
never one that grows with the number of calls.
"""

from __future__ import annotations

import os
import subprocess
import sys

CALLS = 2000
EMITS = 200
# A loss this small is Python's own housekeeping; the broken binding lost CALLS.
NOISE = 20

PROBE = rf"""
import gc
import sys
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel

app = QApplication([])
label = QLabel()
for _ in range(50):
    label.setText("warm-up")
gc.collect()
gc.disable()
before = sys.getrefcount(None)
for _ in range({CALLS}):
    label.setText("x")
none_delta = sys.getrefcount(None) - before


class Emitter(QObject):
    changed = Signal(bool)


emitter = Emitter()
seen = []
emitter.changed.connect(seen.append)
before = sys.getrefcount(True)
for _ in range({EMITS}):
    emitter.changed.emit(True)
true_delta = sys.getrefcount(True) - before - len(seen)
print(none_delta, true_delta)
"""


def test_void_calls_and_signals_keep_reference_counts() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"the Qt binding crashed Python:\n{done.stderr[-2000:]}"
    none_delta, true_delta = (int(x) for x in done.stdout.split())
    assert none_delta > -NOISE, f"{CALLS} void Qt calls lost {-none_delta} references to None"
    assert true_delta > -NOISE, f"{EMITS} signal emits lost {-true_delta} references to True"
