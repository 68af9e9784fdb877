"""Compile the Qt Designer forms in ui/ into desktop_app/gui/forms/ui_<name>.py.

Run after editing a .ui file in Qt Designer (``pyside6-designer ui/<name>.ui``)::

    python scripts/build_ui.py          # rebuild every form
    python scripts/build_ui.py --check  # exit 1 if a compiled form is out of date

The compiled modules are committed, so the application needs no build step.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UI_DIR = ROOT / "ui"
FORMS_DIR = ROOT / "desktop_app" / "gui" / "forms"
FORMS_INIT = '"""Python modules compiled from ui/*.ui by scripts/build_ui.py; do not edit."""\n'


def uic_command() -> list[str]:
    """pyside6-uic next to this Python, else on PATH."""
    beside = Path(sys.executable).with_name("pyside6-uic")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("pyside6-uic")
    if found:
        return [found]
    raise SystemExit("pyside6-uic not found: install PySide6 in this Python environment")


def target_for(ui_file: Path) -> Path:
    return FORMS_DIR / f"ui_{ui_file.stem}.py"


def compile_form(ui_file: Path, dest: Path) -> None:
    subprocess.run([*uic_command(), "--from-imports", "-o", str(dest), str(ui_file)], check=True)
    # uic stamps its own version in a comment; keep the output stable across versions.
    text = dest.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if "Created by: Qt User Interface Compiler" not in ln]
    dest.write_text("\n".join(lines) + "\n", encoding="utf-8")


def stale_forms() -> list[str]:
    """Names of forms whose compiled module is missing or differs from a fresh compile."""
    stale = []
    with tempfile.TemporaryDirectory() as tmp:
        for ui_file in sorted(UI_DIR.glob("*.ui")):
            fresh = Path(tmp) / target_for(ui_file).name
            compile_form(ui_file, fresh)
            current = target_for(ui_file)
            if not current.exists() or current.read_text(encoding="utf-8") != fresh.read_text(
                encoding="utf-8"
            ):
                stale.append(ui_file.name)
    return stale


def build_all() -> list[Path]:
    FORMS_DIR.mkdir(parents=True, exist_ok=True)
    init = FORMS_DIR / "__init__.py"
    if not init.exists():
        init.write_text(FORMS_INIT, encoding="utf-8")
    built = []
    for ui_file in sorted(UI_DIR.glob("*.ui")):
        compile_form(ui_file, target_for(ui_file))
        built.append(target_for(ui_file))
    return built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; change nothing")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_forms()
        if stale:
            print("out of date (run python scripts/build_ui.py): " + ", ".join(stale))
            return 1
        print("compiled forms are up to date")
        return 0
    for path in build_all():
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
