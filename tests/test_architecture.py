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


# The layers of docs/ARCHITECTURE.md: a core package imports only its own modules and
# packages of a lower layer (imports inside functions included).
LAYERS: dict[str, int] = {
    "util": 0,
    "paths": 0,
    "models": 0,
    "rules": 0,
    "settings": 1,
    "catalog": 2,
    "store": 2,
    "qpp_api": 2,
    "formats": 3,
    "eligibility": 3,
    "scoring": 4,
    "elections": 4,
    "reporting": 5,
    "quality": 6,
    "attestation": 6,
    "importing": 6,
    "exporting": 6,
    "features": 7,
    "cli": 7,
}


SHARED_LAYERS = {6, 7}
"""Layers whose packages may also use each other: the features (import builds on
attestation, export on quality) and the entry points (cli uses features)."""


def _package_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "desktop_app" or len(parts) < 2:
        return None
    return parts[1]


def test_every_core_package_has_a_layer() -> None:
    packages = {
        p.relative_to(PACKAGE).parts[0].removesuffix(".py")
        for p in PACKAGE.iterdir()
        if (p.is_dir() and (p / "__init__.py").exists()) or p.suffix == ".py"
    } - {"__init__", "__main__", "gui", "resources"}
    assert packages <= set(LAYERS), f"add to LAYERS and ARCHITECTURE.md: {packages - set(LAYERS)}"


def test_core_packages_import_only_lower_layers() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).parts
        own = parts[0].removesuffix(".py")
        if own not in LAYERS:
            continue
        for line, name in _imports(path):
            other = _package_of(name)
            if other is None or other == own or other in ("__init__", "gui"):
                continue
            same_layer_allowed = LAYERS[own] in SHARED_LAYERS
            if (
                other not in LAYERS
                or LAYERS[other] > LAYERS[own]
                or (LAYERS[other] == LAYERS[own] and not same_layer_allowed)
            ):
                offenders.append(f"{path.relative_to(PACKAGE.parent)}:{line} {own} imports {name}")
    assert offenders == [], "layer rule broken:\n" + "\n".join(offenders)
