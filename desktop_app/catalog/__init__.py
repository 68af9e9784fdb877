"""The measures catalog: CMS's qpp-measures-data for every year, in one SQLite file.

Build it with :func:`desktop_app.catalog.build.build_catalog`, find or create the
user's catalog with :func:`desktop_app.catalog.source.ensure_catalog`, download the
pinned release with :func:`desktop_app.catalog.update.update_catalog`, and read it
with :class:`Catalog` (one per thread: SQLite connections are not shared between
threads).
"""

from desktop_app.catalog.errors import (
    CatalogError,
    CatalogLayoutError,
    CatalogSourceError,
    CatalogUpdateError,
)
from desktop_app.catalog.model import Benchmark, Category, MeasureInfo, Mvp, SearchHit, SourceInfo
from desktop_app.catalog.reader import Catalog

__all__ = [
    "Benchmark",
    "Catalog",
    "CatalogError",
    "CatalogLayoutError",
    "CatalogSourceError",
    "CatalogUpdateError",
    "Category",
    "MeasureInfo",
    "Mvp",
    "SearchHit",
    "SourceInfo",
]
