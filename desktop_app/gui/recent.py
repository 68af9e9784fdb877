"""The list of recently opened workspaces (File > Open recent), kept in the data folder."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from desktop_app import paths
from desktop_app.util.files import WriteError, atomic_write_text

MAX_RECENT = 8


def _file() -> Path:
    return paths.data_dir() / "recent_workspaces.json"


def recent_workspaces() -> list[Path]:
    """Recently opened workspace files that still exist, newest first."""
    try:
        items = json.loads(_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(items, list):
        return []
    return [Path(p) for p in items if isinstance(p, str) and Path(p).exists()]


def remember_workspace(path: Path) -> None:
    """Put ``path`` first in the recent list (best effort: a failure is not an error)."""
    path = path.resolve()
    items = [str(path)] + [str(p) for p in recent_workspaces() if p.resolve() != path]
    with contextlib.suppress(OSError, WriteError):
        atomic_write_text(_file(), json.dumps(items[:MAX_RECENT], indent=2) + "\n")
