"""Helpers shared by the command modules."""

from __future__ import annotations

import json
import sys
from typing import Any


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON on stdout (the ``--json`` output of every command)."""
    json.dump(data, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")


def catalog_or_error() -> Any:
    """The measures catalog (built from the found source if needed), or CliError saying why not.

    May be None when there is neither a catalog nor a source; callers that need one
    say so in their own words.
    """
    from desktop_app.catalog import CatalogError
    from desktop_app.catalog.source import ensure_catalog
    from desktop_app.cli import CliError

    try:
        return ensure_catalog()
    except CatalogError as exc:
        raise CliError(f"The measures catalog can't be used: {exc}") from exc
