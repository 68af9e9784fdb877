"""The core never imports Qt; only desktop_app.gui does."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "desktop_app"
QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "PySide2", "shiboken6", "desktop_app.gui")


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _core_modules() -> list[Path]:
    return [
        p
        for p in PACKAGE.rglob("*.py")
        if "gui" not in p.relative_to(PACKAGE).parts
        and p.relative_to(PACKAGE).parts != ("cli", "__init__.py")
    ]


def test_core_imports_no_qt() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}"
        for path in _core_modules()
        for line, name in _imports(path)
        if name.startswith(QT_MODULES)
    ]
    assert offenders == [], "the core must not import Qt:\n" + "\n".join(offenders)


def test_cli_imports_gui_only_to_start_it() -> None:
    """The CLI entry point may import the GUI only inside main(), to launch it."""
    cli = PACKAGE / "cli" / "__init__.py"
    tree = ast.parse(cli.read_text(encoding="utf-8"))
    top_level = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    names = [getattr(n, "module", None) or n.names[0].name for n in top_level]
    assert not any(str(name).startswith(QT_MODULES) for name in names)


def test_boundary_check_sees_the_core() -> None:
    """Guard against the check passing vacuously: it must scan real core modules."""
    names = {p.relative_to(PACKAGE).as_posix() for p in _core_modules()}
    assert "paths.py" in names and "models/identifiers.py" in names
