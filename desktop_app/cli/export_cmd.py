"""``mipsdesk export``: write QPP JSON or QRDA III files for CMS from a practice workspace.

    mipsdesk export --workspace PATH --entity TIN[/NPI] --year YEAR \\
        --format qpp-json|qrda3 -o FILE
    mipsdesk export --workspace PATH --all --year YEAR --format qpp-json -o FOLDER

The pre-export check runs first: errors are printed on stderr and nothing is written
(exit 1); warnings are printed and the export goes ahead. Files are written
atomically; with --all every file and a manifest (SHA-256 of each file) are written
together or not at all.

QRDA III: every measure the file leaves out is printed on stderr ("left out ...").
A measure left out by design (a MIPS CQM, an eCQM whose ids CMS hasn't published)
doesn't stop the export (exit 0: submit it as QPP JSON); a measure left out because
its data must be fixed (eCQM counts that don't add up, a value of the wrong kind) is a
check error: nothing is written and the exit code is 1, so a script never takes a file
missing a measure for a success.

The output file's folder must exist (-o /missing/dir/x.json is refused); with --all
the named folder itself is created if its parent exists.

Exit codes: 0 exported, 1 blocked by the check or not exportable (or stored data that
can't be read), 2 a problem with the command (missing workspace, bad option).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from desktop_app.cli import CliError
from desktop_app.cli._common import print_json


def register(subparsers: Any) -> None:
    from desktop_app.cli.workspace_cmd import add_workspace_option

    parser = subparsers.add_parser(
        "export",
        help="write QPP JSON or QRDA III files for one entity or the whole practice",
        description="Check a reporting entity's data the way CMS checks submissions for data "
        "inaccuracies, then write it as QPP JSON or QRDA III. QRDA III carries eCQMs, "
        "improvement activities and Promoting Interoperability only; the measures it "
        "leaves out (MIPS CQMs) are listed: submit those as QPP JSON. Exit code 0 when "
        "exported (measures a QRDA III file leaves out by design are listed on stderr), 1 "
        "when the check found errors, including a measure QRDA III would leave out because "
        "its data must be fixed (nothing written), 2 for command problems.",
    )
    add_workspace_option(parser)
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument(
        "--entity",
        metavar="TIN[/NPI]",
        help="the group (TIN) or one clinician (TIN/NPI) to export",
    )
    who.add_argument(
        "--all",
        action="store_true",
        help="export every entity of the practice with data (one file each, and a manifest)",
    )
    parser.add_argument("--year", type=int, required=True, help="the performance year")
    parser.add_argument(
        "--format",
        choices=("qpp-json", "qrda3"),
        default="qpp-json",
        help="file format (default: qpp-json)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="FILE|FOLDER",
        help="the file to write (with --entity; a folder also works) or the folder (--all)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(handler=_export)


def _catalog() -> Any:
    from desktop_app.catalog import CatalogError
    from desktop_app.catalog.source import ensure_catalog

    try:
        return ensure_catalog()
    except CatalogError as exc:
        print(f"mipsdesk: warning: the measures catalog can't be used: {exc}", file=sys.stderr)
        return None


def _print_warnings(warnings: list[str], who: str) -> None:
    for w in warnings:
        print(f"warning: {who}: {w}", file=sys.stderr)


def _print_left_out(rendered: Any) -> None:
    """Measures a QRDA III file leaves out (by design: the export went ahead)."""
    from desktop_app.exporting import entity_text

    for m in rendered.left_out:
        print(
            f"left out: {entity_text(rendered.entity)}: {m.category} {m.measure_id}: "
            f"{m.reason}" + ("" if "QPP JSON" in m.reason else " (submit it as QPP JSON)"),
            file=sys.stderr,
        )


def _file_in_the_way(folder: Path) -> Path | None:
    """The nearest existing ancestor of ``folder`` (itself included) when it is a file."""
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return None if candidate.is_dir() else candidate
    return None


def _export(args: argparse.Namespace) -> int:
    from desktop_app.cli.workspace_cmd import open_workspace
    from desktop_app.exporting import (
        FORMAT_LABELS,
        EntityChoiceError,
        ExportBlocked,
        ExportError,
        entity_text,
        export_all,
        export_entity,
        parse_entity,
    )
    from desktop_app.store import WorkspaceError

    if args.year < 2017 or args.year > 2100:
        raise CliError(f"--year {args.year} is not a MIPS performance year")
    entity = None
    if args.entity is not None:
        try:
            entity = parse_entity(args.entity, args.year)
        except EntityChoiceError as exc:
            raise CliError(f"--entity: {exc}") from exc
    if args.all and args.output.exists() and not args.output.is_dir():
        raise CliError(f"--all writes one file per entity: {args.output} must be a folder")
    if not args.output.is_dir() and not args.output.parent.is_dir():
        blocking = _file_in_the_way(args.output.parent)
        if blocking is not None:
            raise CliError(
                f"-o {args.output}: {blocking} is a file, not a folder, so nothing can be "
                "written inside it. Choose a path in an existing folder"
                + (" (for --all, a folder to create or an existing one)." if args.all else ".")
            )
        raise CliError(
            f"-o {args.output}: the folder {args.output.parent} does not exist. Create it "
            "first, or choose an existing folder (MIPS Desk doesn't create folders you may "
            "have mistyped)."
        )
    ws = open_workspace(args)
    catalog = _catalog()
    try:
        if entity is not None:
            result = export_entity(ws, entity, args.format, catalog, args.output)
            rendered = result.rendered
            _print_warnings(rendered.warnings, entity_text(entity))
            _print_left_out(rendered)
            data: dict[str, Any] = {"written": [str(result.path)], **rendered.manifest_entry()}
            if args.json:
                print_json(data)
            else:
                print(f"Wrote {FORMAT_LABELS[args.format]} file {result.path}")
                print(f"  SHA-256 {rendered.sha256}")
            return 0
        batch = export_all(ws, args.year, args.format, catalog, args.output)
        for f in batch.files:
            _print_warnings(f.rendered.warnings, entity_text(f.rendered.entity))
            _print_left_out(f.rendered)
        for e, r in batch.skipped:
            print(f"skipped: {e}: {r}", file=sys.stderr)
        if args.json:
            print_json(
                {
                    "folder": str(batch.folder),
                    "manifest": str(batch.manifest_path),
                    "files": [f.rendered.manifest_entry() for f in batch.files],
                    "skipped": [{"entity": e, "reason": r} for e, r in batch.skipped],
                }
            )
        else:
            print(
                f"Wrote {len(batch.files)} {FORMAT_LABELS[args.format]} file"
                f"{'s' if len(batch.files) != 1 else ''} to {batch.folder}"
            )
            for f in batch.files:
                print(f"  {f.path.name}  sha256 {f.rendered.sha256}")
            print(f"Manifest: {batch.manifest_path}")
        return 0
    except ExportBlocked as exc:
        for report in exc.reports:
            for p in report.problems:
                print(f"{entity_text(report.entity)}: {p.describe()}", file=sys.stderr)
        count = sum(len(r.errors) for r in exc.reports)
        print(
            f"mipsdesk: export blocked by {count} error{'s' if count != 1 else ''}; "
            "nothing was written",
            file=sys.stderr,
        )
        return 1
    except ExportError as exc:
        print(f"mipsdesk: {exc}", file=sys.stderr)
        return 1
    except WorkspaceError as exc:
        print(
            f"mipsdesk: the workspace's stored data can't be read, so nothing was exported: {exc}",
            file=sys.stderr,
        )
        return 1
    finally:
        if catalog is not None:
            catalog.close()
        ws.close()
