"""Where MIPS Desk keeps its files.

Every location can be overridden by an environment variable, so tests and
portable installs never touch the real user data folder:

- ``MIPSDESK_DATA_DIR``: the user data folder (workspaces, catalog, settings).
- ``MIPSDESK_CATALOG_SOURCE``: a folder with the layout of CMS's
  qpp-measures-data to build the measures catalog from.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "MIPS Desk"
APP_AUTHOR = "MIPS Desk"

ENV_DATA_DIR = "MIPSDESK_DATA_DIR"
ENV_CATALOG_SOURCE = "MIPSDESK_CATALOG_SOURCE"


def data_dir() -> Path:
    """The user data folder, created on first use with mode 0700."""
    override = os.environ.get(ENV_DATA_DIR)
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def workspaces_dir() -> Path:
    """Default folder for workspace files (one SQLite file per practice)."""
    path = data_dir() / "workspaces"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def catalog_path() -> Path:
    """The built measures catalog (SQLite)."""
    return data_dir() / "catalog.sqlite"


def downloaded_source_dir() -> Path:
    """Where ``mipsdesk catalog update`` keeps the verified measures data."""
    return data_dir() / "qpp-measures-data"


def settings_path() -> Path:
    return data_dir() / "settings.json"


def developer_shared_dir() -> Path | None:
    """``../shared`` beside a source checkout, the developer default; None elsewhere."""
    candidate = Path(__file__).resolve().parents[2] / "shared"
    return candidate if candidate.is_dir() else None
