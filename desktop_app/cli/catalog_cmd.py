"""``mipsdesk catalog``: build, inspect, search and update the measures catalog."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from desktop_app import paths
from desktop_app.catalog import Catalog, CatalogError
from desktop_app.catalog.schema import CATEGORIES
from desktop_app.cli import CliError
from desktop_app.cli._common import print_json


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "catalog",
        help="build, inspect, search or update the measures catalog",
        description="The measures catalog: CMS's measures, benchmarks and MVPs for every "
        "performance year, built from CMS's qpp-measures-data.",
    )
    commands = parser.add_subparsers(dest="catalog_command", metavar="SUBCOMMAND", required=True)

    build = commands.add_parser(
        "build",
        help="build the catalog from a qpp-measures-data folder",
        description="Build the catalog in the user data folder from a folder laid out like "
        "CMS's qpp-measures-data (default: the discovered source).",
    )
    build.add_argument("--source", type=Path, metavar="DIR", help="the qpp-measures-data folder")
    build.add_argument("--json", action="store_true", help="print the result as JSON")
    build.set_defaults(handler=_build)

    info = commands.add_parser("info", help="show the years, counts and source of the catalog")
    info.add_argument("--json", action="store_true", help="print the result as JSON")
    info.set_defaults(handler=_info)

    search = commands.add_parser(
        "search",
        help="search measures by id, title or description",
        description="Search a year's measures; a measure id or eCQM id typed exactly comes first.",
    )
    search.add_argument("words", nargs="+", metavar="WORDS", help="words to look for")
    search.add_argument("--year", type=int, help="performance year (default: the newest)")
    search.add_argument("--category", choices=CATEGORIES, help="only this category")
    search.add_argument("--limit", type=int, default=20, help="at most this many (default 20)")
    search.add_argument("--json", action="store_true", help="print the result as JSON")
    search.set_defaults(handler=_search)

    update = commands.add_parser(
        "update",
        help="download the pinned measures data release and rebuild the catalog",
        description="Download CMS's qpp-measures-data release pinned in MIPS Desk, check every "
        "file against its built-in SHA-256, and rebuild the catalog. Progress goes to stderr.",
    )
    update.add_argument("--url", help="download from this URL instead (must be https)")
    update.add_argument("--json", action="store_true", help="print the result as JSON")
    update.set_defaults(handler=_update)


def _summary(catalog: Catalog) -> dict[str, Any]:
    return {
        "years": {str(year): catalog.counts(year) for year in catalog.years()},
        "source": catalog.source().model_dump(),
    }


def _print_summary(summary: dict[str, Any], heading: str) -> None:
    source = summary["source"]
    print(heading)
    print(f"  source:   {source['path']}")
    print(f"  release:  {source['version'] or 'not named by the source'}")
    print(f"  built at: {source['built_at']}")
    print(f"  SHA-256:  {source['content_hash']}")
    print()
    columns = ("quality", "ia", "pi", "cost", "benchmarks", "mvps")
    titles = ("Quality", "IA", "PI", "Cost", "Benchmarks", "MVPs")
    print("  Year  " + "  ".join(f"{t:>10}" for t in titles))
    for year, counts in summary["years"].items():
        print(f"  {year}  " + "  ".join(f"{counts[c]:>10}" for c in columns))


def _open_catalog() -> Catalog:
    """The user's catalog, built from the discovered source first if needed."""
    from desktop_app.catalog.source import HOW_TO_GET_CATALOG, ensure_catalog

    try:
        catalog = ensure_catalog(progress=_Progress())
    except CatalogError as exc:
        raise CliError(str(exc)) from exc
    if catalog is None:
        raise CliError(HOW_TO_GET_CATALOG)
    return catalog


class _Progress:
    """Progress on stderr: a line when the message changes, then at most every 25%."""

    def __init__(self) -> None:
        self._last: tuple[str, int] | None = None

    def __call__(self, done: int, total: int, message: str) -> None:
        if total > 0:
            step = min(4, done * 4 // total)
            key = (message, step)
            text = f"{message}: {done * 100 // total}%"
        else:
            step = done // (1024 * 1024)
            key = (message, step)
            text = f"{message}: {done / (1024 * 1024):.1f} MB"
        if key != self._last:
            self._last = key
            print(text, file=sys.stderr, flush=True)


def _build(args: argparse.Namespace) -> int:
    from desktop_app.catalog.build import build_catalog
    from desktop_app.catalog.source import HOW_TO_GET_CATALOG, find_catalog_source

    try:
        source = args.source or find_catalog_source()
        if source is None:
            raise CliError(HOW_TO_GET_CATALOG)
        build_catalog(source, paths.catalog_path())
        with Catalog.open(paths.catalog_path()) as catalog:
            summary = _summary(catalog)
    except CatalogError as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print_json(summary)
    else:
        _print_summary(summary, f"Built the measures catalog {paths.catalog_path()}")
    return 0


def _info(args: argparse.Namespace) -> int:
    with _open_catalog() as catalog:
        try:
            summary = _summary(catalog)
        except CatalogError as exc:
            raise CliError(str(exc)) from exc
        path = catalog.path
    if args.json:
        print_json(summary)
    else:
        _print_summary(summary, f"Measures catalog {path}")
    return 0


def _search(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise CliError("--limit must be 1 or more.")
    with _open_catalog() as catalog:
        years = catalog.years()
        year = args.year if args.year is not None else max(years, default=0)
        if year not in years:
            raise CliError(
                f"The catalog has no performance year {year}; it has "
                f"{', '.join(str(y) for y in years) or 'none'}."
            )
        try:
            hits = catalog.search(year, " ".join(args.words), args.category, args.limit)
        except CatalogError as exc:
            raise CliError(str(exc)) from exc
    rows = [{"measure_id": h.measure_id, "category": h.category, "title": h.title} for h in hits]
    if args.json:
        print_json(rows)
    elif not rows:
        print(f"No {year} measure matches {' '.join(args.words)!r}.")
    else:
        width = max(len(r["measure_id"]) for r in rows)
        for r in rows:
            print(f"{r['measure_id']:<{width}}  {r['category']:<7}  {r['title']}")
    return 0


def _update(args: argparse.Namespace) -> int:
    from desktop_app.catalog.update import update_catalog

    try:
        update_catalog(args.url, progress=_Progress())
        with Catalog.open(paths.catalog_path()) as catalog:
            summary = _summary(catalog)
    except CatalogError as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print_json(summary)
    else:
        _print_summary(summary, f"Updated the measures catalog {paths.catalog_path()}")
    return 0
