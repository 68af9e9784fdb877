"""Where the measures data comes from, and getting a usable catalog at start-up.

Discovery order (the first that applies wins):

1. the environment variable ``MIPSDESK_CATALOG_SOURCE``, then the ``catalog_source``
   setting (environment variables take precedence over settings.json, as everywhere
   in MIPS Desk). If one is set but names no folder, that is an error: MIPS Desk does
   not silently fall back to another source;
2. the copy downloaded by ``mipsdesk catalog update`` in the user data folder;
3. in a source checkout, the developer copy ``../shared/qpp-measures-data``.
"""

from __future__ import annotations

import os
from pathlib import Path

from desktop_app import paths
from desktop_app.catalog.build import (
    TEXT_FIXES_VERSION,
    Progress,
    build_catalog,
    source_content_hash,
)
from desktop_app.catalog.errors import CatalogError, CatalogLayoutError, CatalogSourceError
from desktop_app.catalog.reader import Catalog
from desktop_app.settings import Settings, SettingsError, load_settings

HOW_TO_GET_CATALOG = (
    "MIPS Desk has no measures catalog yet (the list of MIPS measures, benchmarks and MVPs "
    "that CMS publishes). Get it in one of these ways:\n"
    "  - Download it: run `mipsdesk catalog update` (or use Update measures data in the "
    "application). This fetches CMS's qpp-measures-data release from GitHub and checks it "
    "against the fingerprints built into MIPS Desk.\n"
    "  - Or use a copy of CMS's qpp-measures-data folder you already have: set the "
    'environment variable MIPSDESK_CATALOG_SOURCE (or "catalog_source" in '
    "settings.json) to that folder, then run `mipsdesk catalog build`."
)
"""What to tell a user who has no catalog and no measures data; shown by the GUI and CLI."""


def old_catalog_message(path: Path, found: int, expected: int) -> str:
    """What to tell a user whose catalog is of an older layout, with no measures data
    folder to rebuild it from (e.g. after upgrading MIPS Desk)."""
    return (
        f"The measures catalog {path} is from an older version of MIPS Desk (catalog layout "
        f"{found}; this version reads layout {expected}), and the measures data it was built "
        "from isn't available to rebuild it. Run `mipsdesk catalog update` (or Catalog → "
        "Update measures data in the application): it downloads CMS's measures data and "
        "rebuilds the catalog. Nothing you entered is in the catalog, so nothing is lost."
    )


def _usable(path: Path) -> Catalog | None:
    try:
        return Catalog.open(path)
    except CatalogError:
        return None


def _settings(settings: Settings | None) -> Settings:
    if settings is not None:
        return settings
    try:
        return load_settings()
    except SettingsError as exc:
        raise CatalogSourceError(str(exc)) from exc


def find_catalog_source(settings: Settings | None = None) -> Path | None:
    """The measures data folder to build the catalog from, or None if there is none.

    Raises CatalogSourceError if ``MIPSDESK_CATALOG_SOURCE`` or the ``catalog_source``
    setting names a folder that does not exist.
    """
    configured = (
        (
            os.environ.get(paths.ENV_CATALOG_SOURCE),
            f"The environment variable {paths.ENV_CATALOG_SOURCE}",
        ),
        (_settings(settings).catalog_source, "The catalog_source setting in settings.json"),
    )
    for value, where in configured:
        if value and value.strip():
            folder = Path(value.strip()).expanduser()
            if not folder.is_dir():
                raise CatalogSourceError(
                    f"{where} names {folder}, which is not an existing folder. Point it to a "
                    "copy of CMS's qpp-measures-data folder, or remove it to use the "
                    "downloaded measures data."
                )
            return folder
    downloaded = paths.downloaded_source_dir()
    if downloaded.is_dir():
        return downloaded
    shared = paths.developer_shared_dir()
    if shared is not None and (shared / "qpp-measures-data").is_dir():
        return shared / "qpp-measures-data"
    return None


def ensure_catalog(
    settings: Settings | None = None, progress: Progress | None = None
) -> Catalog | None:
    """Open the user's catalog, building it first if needed; None if there is no way to.

    The catalog at :func:`desktop_app.paths.catalog_path` is used as it is when it
    opens and was built from the same content as the discovered source (or when
    there is no source). It is (re)built from the source when it is absent, of an
    older layout, built with older title fixes (``TEXT_FIXES_VERSION``), or the
    source's content changed. Returns None when there is no
    catalog and no source: show :data:`HOW_TO_GET_CATALOG`.

    Raises CatalogSourceError if the source is malformed (the previous catalog, if
    any, stays on disk) or a configured source folder does not exist, and
    CatalogLayoutError (:func:`old_catalog_message`: run ``mipsdesk catalog update``)
    for a catalog of another layout when there is no source to rebuild it from.
    """
    path = paths.catalog_path()
    source = find_catalog_source(settings)
    current = None
    if path.exists():
        try:
            current = Catalog.open(path)
        except CatalogLayoutError as exc:
            if source is None:
                raise CatalogLayoutError(
                    old_catalog_message(path, exc.found, exc.expected), exc.found, exc.expected
                ) from exc
        except CatalogError:
            current = None
    if current is not None:
        if source is None:
            return current
        if (
            current.source().content_hash == source_content_hash(source)
            and current.text_fixes() == TEXT_FIXES_VERSION
        ):
            return current
        current.close()
    elif source is None:
        return None
    build_catalog(source, path, progress)
    return Catalog.open(path)
