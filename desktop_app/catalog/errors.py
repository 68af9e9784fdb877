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


class CatalogLayoutError(CatalogError):
    """The catalog file was built by another version of MIPS Desk (another layout).

    It holds nothing a user typed: it is rebuilt from its measures data, or downloaded
    again with ``mipsdesk catalog update`` when that data isn't there."""

    def __init__(self, message: str, found: int, expected: int) -> None:
        super().__init__(message)
        self.found = found
        self.expected = expected
