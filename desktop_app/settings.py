"""User settings, kept as JSON in the user data folder.

Settings are small and read at start-up; environment variables (see
:mod:`desktop_app.paths`) take precedence over the file for the values they name.
"""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from desktop_app import paths
from desktop_app.util.files import atomic_write_text


class SettingsError(Exception):
    """The settings file exists but can't be used; the message says how to fix it."""


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore")

    catalog_source: str | None = None
    """A folder with the layout of CMS's qpp-measures-data (overrides discovery)."""
    catalog_url: str | None = None
    """Where ``mipsdesk catalog update`` downloads the pinned release from."""
    qpp_base_url: str | None = None
    """Base address of the QPP APIs (default https://qpp.cms.gov).

    Tests point it at a local server."""
    schematron_dir: str | None = None
    """A folder holding CMS's QRDA III schematron as YEAR/EP_CAT_III.sch + voc.xml."""
    last_workspace: str | None = None
    user_name: str | None = None
    """Name recorded in the audit log; defaults to the operating-system user."""


def load_settings(path: Path | None = None) -> Settings:
    path = path or paths.settings_path()
    if not path.exists():
        return Settings()
    try:
        return Settings.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError) as exc:
        raise SettingsError(
            f"The settings file {path} can't be read ({exc}). Fix or delete it; "
            "MIPS Desk then starts with default settings."
        ) from exc


def save_settings(settings: Settings, path: Path | None = None) -> None:
    path = path or paths.settings_path()
    atomic_write_text(path, settings.model_dump_json(indent=2) + "\n")


def current_user(settings: Settings | None = None) -> str:
    """The name the audit log records for changes made in this session.

    The name in the settings, else ``MIPSDESK_USER`` / the usual environment
    variables, else the operating-system account (``getpass.getuser()``, which
    also asks the password database), and only then "unknown user".
    """
    if settings and settings.user_name:
        return settings.user_name
    for var in ("MIPSDESK_USER", "USER", "USERNAME", "LOGNAME"):
        value = os.environ.get(var)
        if value:
            return value
    try:
        name = getpass.getuser()
    except Exception:  # OSError, KeyError or ImportError: no account name is known
        name = ""
    return name.strip() or "unknown user"
