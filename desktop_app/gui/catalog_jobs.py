"""Catalog work for the background: build/open and update, returning the file path.

A :class:`~desktop_app.catalog.Catalog` belongs to the thread that opened it (its
SQLite connection is not shared), so the jobs close what they opened on the
worker thread and return the path; :func:`open_catalog` reopens it on the main
thread.
"""

from __future__ import annotations

from pathlib import Path

from desktop_app.catalog.build import Progress
from desktop_app.settings import Settings


def load_catalog_job(settings: Settings, progress: Progress | None = None) -> Path | None:
    """Open the user's catalog, building it first if needed; None if there is no source."""
    from desktop_app.catalog.source import ensure_catalog

    catalog = ensure_catalog(settings, progress)
    if catalog is None:
        return None
    path = Path(catalog.path)
    catalog.close()
    return path


def update_catalog_job(settings: Settings, progress: Progress | None = None) -> Path | None:
    """Download and verify the pinned measures data release, then rebuild the catalog.

    Raises CatalogUpdateError (with a plain message) when the update fails; the
    catalog the user had stays as it was.
    """
    from desktop_app import paths
    from desktop_app.catalog.update import update_catalog

    update_catalog(progress=progress, settings=settings)
    path = paths.catalog_path()
    return path if path.exists() else None


def open_catalog(path: object):  # type: ignore[no-untyped-def]
    """Open the catalog at ``path`` on the calling (main) thread; None when there is none."""
    from desktop_app.catalog import Catalog, CatalogError

    if path is None:
        return None
    try:
        return Catalog.open(Path(str(path)))
    except CatalogError:
        return None
