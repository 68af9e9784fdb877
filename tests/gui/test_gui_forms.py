"""The compiled Designer forms match ui/*.ui."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _build_ui():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_ui", ROOT / "scripts" / "build_ui.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_compiled_forms_are_up_to_date() -> None:
    build_ui = _build_ui()
    forms = sorted(p.name for p in (ROOT / "ui").glob("*.ui"))
    assert {"main_window.ui", "clinician_dialog.ui"} <= set(forms)
    assert build_ui.stale_forms() == [], "run: python scripts/build_ui.py"


def test_every_form_has_a_compiled_module() -> None:
    for ui in (ROOT / "ui").glob("*.ui"):
        assert (ROOT / "desktop_app" / "gui" / "forms" / f"ui_{ui.stem}.py").is_file()
