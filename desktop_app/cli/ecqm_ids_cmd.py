"""``mipsdesk ecqm-ids``: the version-specific eCQM ids a workspace knows, per year.

    mipsdesk ecqm-ids import FILE.csv --year 2026 --workspace PATH [--json]
    mipsdesk ecqm-ids list --year 2026 --workspace PATH [--json]

For a year whose measures data has no version-specific eCQM ids yet (2026), a practice
manager supplies them from the eCQI Resource Center's list: one row per eCQM with its
CMS id (``CMS122v14``) and version-specific uuid, and optionally the population
criteria ids (IPOP, DENOM, NUMER, DENEX, DENEXCEP; one row per population set) that
QRDA III export needs. The whole file is checked first (every eCQM id must be an eCQM
of that year, every id a UUID); any problem refuses it with row-numbered errors and
nothing is saved. Exit codes: 0 done, 1 the file was refused, 2 a command problem.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from desktop_app.cli import CliError
from desktop_app.cli._common import catalog_or_error, print_json

EXIT_REFUSED = 1


def register(subparsers: Any) -> None:
    from desktop_app.cli.workspace_cmd import add_workspace_option

    parser = subparsers.add_parser(
        "ecqm-ids",
        help="supply or list the version-specific eCQM ids of a year (eCQI Resource Center)",
        description="The version-specific eCQM ids (eMeasureUuid) QRDA III import and export "
        "need, for a year whose measures data has none yet (2026): supply them from the eCQI "
        "Resource Center's list as CSV, or list what the workspace knows (also the ids "
        "imported QRDA III files carried).",
    )
    actions = parser.add_subparsers(dest="ecqm_action", metavar="ACTION", required=True)
    imp = actions.add_parser(
        "import",
        help="supply eCQM ids from a CSV file",
        description="Columns: eCQM id (e.g. CMS122v14), version-specific uuid; optionally "
        "IPOP, DENOM, NUMER, DENEX, DENEXCEP population criteria ids (one row per "
        "population set). A header row is optional. The whole file is refused, with "
        "row-numbered errors, if any row is wrong.",
    )
    imp.add_argument("file", type=Path, metavar="FILE.csv", help="the CSV file")
    imp.add_argument("--year", type=int, required=True, help="the performance year")
    imp.add_argument("--json", action="store_true", help="print the result as JSON")
    add_workspace_option(imp)
    imp.set_defaults(handler=_import)
    lst = actions.add_parser("list", help="list the eCQM ids the workspace knows for a year")
    lst.add_argument("--year", type=int, required=True, help="the performance year")
    lst.add_argument("--json", action="store_true", help="print the list as JSON")
    add_workspace_option(lst)
    lst.set_defaults(handler=_list)


def _import(args: argparse.Namespace) -> int:
    from desktop_app.cli.workspace_cmd import open_workspace
    from desktop_app.importing.ecqm_ids import (
        MAX_CSV_BYTES,
        EcqmIdsError,
        ecqm_rows,
        parse_ids_csv,
        save_supplied_ids,
    )

    if getattr(args, "workspace", None) is None:
        raise CliError("Say which workspace the ids are for: --workspace PATH.")
    path: Path = args.file
    try:
        if path.is_dir():
            raise CliError(f"{path} is a folder, not a CSV file")
        with path.open("rb") as f:
            data = f.read(MAX_CSV_BYTES + 1)
    except OSError as exc:
        raise CliError(f"{path} can't be read: {exc.strerror or exc}") from exc
    catalog = catalog_or_error()
    try:
        rows = parse_ids_csv(data, args.year, catalog)
    except EcqmIdsError as exc:
        print(f"mipsdesk: {path} was refused; nothing was saved:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        if args.json:
            print_json({"file": str(path), "saved": False, "problems": exc.problems})
        return EXIT_REFUSED
    finally:
        catalog.close()
    ws = open_workspace(args)
    try:
        changed = save_supplied_ids(ws, args.year, rows, source=path.name)
        known = ecqm_rows(ws, args.year)
    finally:
        ws.close()
    if args.json:
        print_json(
            {
                "file": str(path),
                "saved": True,
                "year": args.year,
                "rows": len(rows),
                "changed": changed,
                "known": [k.as_dict() for k in known],
            }
        )
    else:
        print(
            f"{len(rows)} eCQM(s) read from {path.name} for {args.year}; {changed} new or "
            "changed in the workspace."
        )
        _print_rows(known)
    return 0


def _print_rows(known: list[Any]) -> None:
    for k in known:
        sets = len(k.populations)
        pops = (
            f"{sets} population set(s)"
            if sets
            else "no population ids (QRDA III export needs them)"
        )
        print(f"  {k.measure_id} {k.emeasure_id or ''} {k.measure_uuid}: {pops}; from {k.source}")


def _list(args: argparse.Namespace) -> int:
    from desktop_app.cli.workspace_cmd import open_workspace
    from desktop_app.importing.ecqm_ids import ecqm_rows

    ws = open_workspace(args)
    try:
        known = ecqm_rows(ws, args.year)
    finally:
        ws.close()
    if args.json:
        print_json({"year": args.year, "known": [k.as_dict() for k in known]})
    elif not known:
        print(
            f"The workspace knows no version-specific eCQM ids for {args.year} beyond the "
            "measures data."
        )
    else:
        print(f"Version-specific eCQM ids the workspace knows for {args.year}:")
        _print_rows(known)
    return 0
