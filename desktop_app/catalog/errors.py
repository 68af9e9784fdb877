"""Errors of the measures catalog; every message says what is wrong and how to fix it."""

from __future__ import annotations


class CatalogError(Exception):
    """The catalog can't be opened or used (missing, not a catalog, incompatible)."""


class CatalogSourceError(CatalogError):
    """The measures data folder is missing, incomplete or malformed.

    The message names the file and the problem. A catalog that existed before the
    failed build is left exactly as it was.
    """


class CatalogUpdateError(CatalogError):
    """Downloading or verifying the pinned measures data release failed.

    Nothing was replaced: the previous catalog and downloaded data stay in place.
    """
