"""``mipsdesk import FILE``: import a QRDA III or QPP JSON file into a practice workspace.

Prints what the file holds (entity, year, categories, measures and counts) and what
would change in the workspace (records created, measures added, conflicts), then
applies it in one transaction unless ``--dry-run``. Conflicts with data already in
the workspace are kept by default (nothing entered by hand is overwritten); pass
``--on-conflict replace`` to take the file's values.

Exit codes: 0 the file is valid (imported, or previewed with --dry-run); 1 the file is
refused (every problem and where it is on stderr); 2 a usage problem (no workspace,
...); 3 the file is valid but can't go into this workspace (another practice's TIN, or
data entry locked until an election is confirmed, or PI data for an entity whose PI
is reweighted to 0% without ``--agree-pi-scoring``).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
from pathlib import Path
from typing import Any

from desktop_app.cli import CliError
from desktop_app.cli._common import catalog_or_error, print_json

EXIT_REFUSED = 1
EXIT_BLOCKED = 3


def register(subparsers: Any) -> None:
    from desktop_app.cli.workspace_cmd import add_workspace_option

    parser = subparsers.add_parser(
        "import",
        help="import a QRDA III or QPP JSON file into the workspace",
        description="Import a QRDA III (EHR export) or QPP JSON file: quality (eCQMs matched by "
        "their version-specific id), Promoting Interoperability and improvement activities. "
        "Shows what the file holds and what would change, then applies it in one transaction. "
        "A practice, clinician or reporting entity the workspace doesn't know yet is created. "
        "Exit code 0 when the file is valid, 1 when it is refused (reasons on stderr), 3 when "
        "it can't go into this workspace.",
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="the QRDA III or QPP JSON file")
    add_workspace_option(parser)
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would change; write nothing"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--on-conflict",
        choices=("keep", "replace"),
        default="keep",
        help="where the workspace already has other values: keep them (default) or use the file's",
    )
    parser.add_argument("--practice-name", help="name of the practice, if the import creates it")
    parser.add_argument(
        "--clinician-name",
        nargs=2,
        metavar=("FIRST", "LAST"),
        help="name of the clinician, if the import creates them",
    )
    parser.add_argument(
        "--agree-pi-scoring",
        action="store_true",
        help="where Promoting Interoperability is reweighted to 0%% for the entity (a special "
        "status or hardship), agree that the file's PI data makes PI count in the final "
        "score; final, recorded with your name and the time",
    )
    parser.set_defaults(handler=_import)


def _import(args: argparse.Namespace) -> int:
    from desktop_app.cli.workspace_cmd import open_workspace, workspace_path
    from desktop_app.importing import (
        ImportApplyError,
        ImportRefused,
        apply_import,
        preview_import,
        read_import_file,
    )
    from desktop_app.importing.ecqm_ids import known_ecqm_ids
    from desktop_app.store import Workspace

    # Register every feature table before a workspace is opened or created.
    importlib.import_module("desktop_app.elections")
    importlib.import_module("desktop_app.quality")

    if getattr(args, "workspace", None) is None:
        raise CliError("Say which workspace to import into: --workspace PATH.")
    path: Path = args.file
    target = workspace_path(args)
    catalog = catalog_or_error()
    # eCQM ids the workspace knows (earlier imports, the supplied eCQI list) identify
    # eCQMs whose ids the year's measures data lacks (2026).
    known_ws = open_workspace(args) if target.exists() else None
    try:
        try:
            imported = read_import_file(
                path,
                catalog,
                (lambda year: known_ecqm_ids(known_ws, year)) if known_ws is not None else None,
            )
        except ImportRefused as exc:
            print(f"mipsdesk: {path} was refused; nothing was imported:", file=sys.stderr)
            for problem in exc.problems:
                print(f"  {problem.describe()}", file=sys.stderr)
            if any(p.code == "ECQM_IDS_UNAVAILABLE" for p in exc.problems):
                print(
                    "  To supply the version-specific eCQM ids from the eCQI Resource Center's "
                    "list: mipsdesk ecqm-ids import FILE.csv --year YEAR --workspace PATH",
                    file=sys.stderr,
                )
            if args.json:
                print_json(
                    {
                        "file": str(path),
                        "valid": False,
                        "imported": False,
                        "problems": [p.as_dict() for p in exc.problems],
                    }
                )
            return EXIT_REFUSED
    finally:
        if known_ws is not None:
            known_ws.close()
        if catalog is not None:
            catalog.close()

    with tempfile.TemporaryDirectory() as tmp:
        if args.dry_run and not target.exists():
            ws = Workspace.open(Path(tmp) / "preview.mipsdesk")  # fresh: nothing to touch
        else:
            ws = open_workspace(args, create=True)
        try:
            preview = preview_import(ws, imported)
            result = None
            consent_refused = False
            if preview.can_apply and not args.dry_run:
                try:
                    result = apply_import(
                        ws,
                        preview,
                        default=args.on_conflict,
                        practice_name=args.practice_name,
                        clinician_name=tuple(args.clinician_name) if args.clinician_name else None,
                        agree_pi_scoring=args.agree_pi_scoring,
                    )
                except ImportApplyError as exc:
                    if str(exc) != preview.pi_consent_required:
                        raise CliError(str(exc)) from exc
                    consent_refused = True
                except ValueError as exc:  # a name that fails the practice/clinician rules
                    raise CliError(f"Nothing was imported: {exc}") from exc
        finally:
            ws.close()
    data = preview.as_dict()
    data.update(
        {
            "valid": True,
            "dryRun": bool(args.dry_run),
            "onConflict": args.on_conflict,
            "workspace": str(target),
            "imported": result is not None,
            "result": result.as_dict() if result else None,
        }
    )
    if args.json:
        print_json(data)
    else:
        print("\n".join(preview.summary_lines()))
        if result is not None:
            print(f"\nImported into {target}: {result.summary_text()}")
        elif args.dry_run and preview.can_apply:
            print("\nDry run: nothing was written.")
    if not preview.can_apply:
        print(f"mipsdesk: {preview.blocked}", file=sys.stderr)
        return EXIT_BLOCKED
    if consent_refused:
        print(
            f"mipsdesk: nothing was imported. {preview.pi_consent_required} To agree, run the "
            "import again with --agree-pi-scoring (recorded with your name and the time).",
            file=sys.stderr,
        )
        return EXIT_BLOCKED
    return 0
