"""The Qt binding must not corrupt Python's reference counts.

PySide6 6.12.0 under CPython 3.11 dropped a reference to None on every Qt
call that returns nothing and to True/False on every Signal.emit; after some
thousands of calls Python aborted the whole application ("Fatal Python error:
none_dealloc"). pyproject.toml excludes that release; this test catches any
binding that does the same. It runs in a subprocess because the failure is an
abort, not an exception.
"""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = r"""
import sys
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel

app = QApplication([])
label = QLabel()
before = sys.getrefcount(None)
for _ in range(2000):
    label.setText("x")
none_delta = sys.getrefcount(None) - before


class Emitter(QObject):
    changed = Signal(bool)


emitter = Emitter()
seen = []
emitter.changed.connect(seen.append)
before = sys.getrefcount(True)
for _ in range(200):
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
    assert none_delta >= 0, f"2000 void Qt calls lost {-none_delta} references to None"
    assert true_delta >= 0, f"200 signal emits lost {-true_delta} references to True"
