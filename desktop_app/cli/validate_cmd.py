"""``mipsdesk validate FILE``: check a QPP JSON or QRDA III file before submitting it.

Exit codes: 0 the file is valid, 1 it is not (the problems are printed), 2 it can't
be used at all (missing or unreadable; the message goes to stderr).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop_app.cli import CliError
from desktop_app.cli._common import print_json


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check a QPP JSON or QRDA III file",
        description="Check a QPP JSON or QRDA III file: MIPS Desk's structural checks always, "
        "the measures of the year when the catalog is available, and CMS's QRDA III rules "
        "(schematron) when they are available. Exit code 0 when the file is valid, 1 when "
        "it is not, 2 when it can't be read.",
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="the file to check")
    parser.add_argument("--year", type=int, help="the performance year the file must be for")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--workspace",
        dest="workspace",
        type=Path,
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="a practice workspace whose eCQM ids (from imported QRDA III files or the "
        "eCQI list, mipsdesk ecqm-ids) identify eCQMs the year's measures data has no id for",
    )
    parser.set_defaults(handler=_validate)


def _catalog() -> Any:
    """The user's measures catalog, or None (validation then says what it couldn't check)."""
    try:
        from desktop_app.catalog.source import ensure_catalog

        return ensure_catalog()
    except Exception:  # a broken catalog must not stop file validation
        return None


def _validate(args: argparse.Namespace) -> int:
    from desktop_app.formats.validate import validate_file

    path: Path = args.file
    if not path.exists():
        raise CliError(f"{path}: no such file")
    known = None
    chosen = getattr(args, "workspace", None)
    if chosen is not None:
        from desktop_app.exporting.jobs import workspace_known_ids

        workspace = Path(chosen).expanduser()
        if not workspace.is_file():
            raise CliError(f"There is no workspace at {workspace}.")
        from desktop_app.store import WorkspaceError

        try:
            known = workspace_known_ids(path, workspace, year=args.year)
        except WorkspaceError as exc:
            raise CliError(f"The workspace {workspace} can't be used: {exc}") from exc
    catalog = _catalog()
    try:
        report = validate_file(path, year=args.year, catalog=catalog, known_ids=known)
    except OSError as exc:
        raise CliError(f"{path} can't be read: {exc.strerror or exc}") from exc
    finally:
        if catalog is not None:
            catalog.close()
    if args.json:
        print_json(report.as_dict())
    else:
        kind = {"qpp-json": "QPP JSON", "qrda3": "QRDA III", "unknown": "unknown format"}
        print(
            f"{path}: {kind[report.format]}"
            + (f", performance year {report.year}" if report.year else "")
        )
        print("Checks: " + (", ".join(report.checks) or "none"))
        for problem in report.problems:
            print("  " + problem.describe())
        print("VALID" if report.valid else f"INVALID ({len(report.errors)} errors)")
    return 0 if report.valid else 1
