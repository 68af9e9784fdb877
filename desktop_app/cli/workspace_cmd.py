"""``mipsdesk workspace | practice | clinicians | audit``: the practice workspace from the CLI.

The workspace file is chosen with ``--workspace PATH`` (before or after the
command), else the last workspace used (settings), else the default one in the
user data folder. Other command modules open it with :func:`open_workspace`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from desktop_app import settings
from desktop_app.cli import CliError
from desktop_app.cli._common import print_json
from desktop_app.models.clinician_csv import CsvRowError, parse_clinicians_csv
from desktop_app.models.errors import field_label
from desktop_app.models.practice import Clinician, Practice
from desktop_app.store import (
    FinalRecordsError,
    Workspace,
    WorkspaceCorruptError,
    WorkspaceError,
    default_workspace_path,
    describe_backup,
    list_backups,
    restore_workspace,
)

# Model field -> the CLI option that sets it, to say which option to fix.
_OPTIONS = {
    "tin": "--tin",
    "name": "--name",
    "address_line1": "--address",
    "address_line2": "--address2",
    "city": "--city",
    "state": "--state",
    "zip": "--zip",
    "size": "--size",
    "special_statuses": "--status",
    "npi": "--npi",
    "first_name": "--first",
    "last_name": "--last",
    "clinician_type": "--type",
    "medicare_enrollment_date": "--enrolled",
}


# ------------------------------------------------------------------ helpers
def add_workspace_option(parser: argparse.ArgumentParser) -> None:
    """Accept ``--workspace PATH`` after a subcommand too (the global option still works)."""
    parser.add_argument(
        "--workspace",
        dest="workspace",
        type=Path,
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="the practice workspace file (default: the last one used)",
    )


def workspace_path(args: argparse.Namespace) -> Path:
    """The workspace the command works on: --workspace, the last one used, or the default."""
    chosen = getattr(args, "workspace", None)
    if chosen:
        return Path(chosen).expanduser()
    try:
        last = settings.load_settings().last_workspace
    except settings.SettingsError as exc:
        raise CliError(str(exc)) from exc
    return Path(last).expanduser() if last else default_workspace_path()


def open_workspace(args: argparse.Namespace, *, create: bool = False) -> Workspace:
    """Open the command's workspace; CliError (with what to do) if it can't be used."""
    path = workspace_path(args)
    if not create and not path.exists():
        raise CliError(
            f"There is no workspace at {path}. Create it with "
            "'mipsdesk --workspace PATH practice set --tin TIN --name NAME', or pass the "
            "right file with --workspace PATH."
        )
    try:
        return Workspace.open(path)
    except WorkspaceCorruptError as exc:
        hint = ""
        if exc.backups:
            hint = (
                f"\nTo restore the newest backup: mipsdesk --workspace {path} workspace "
                f"restore {exc.backups[0]}"
            )
        raise CliError(f"{exc}{hint}") from exc
    except WorkspaceError as exc:
        raise CliError(str(exc)) from exc


def _invalid(exc: ValidationError, what: str) -> CliError:
    lines = []
    for error in exc.errors():
        loc = error.get("loc", ())
        name = str(loc[0]) if loc else ""
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        if error.get("type") == "missing":
            message = f"{field_label(name)} is required."
        option = _OPTIONS.get(name)
        lines.append(f"  {option}: {message}" if option else f"  {message}")
    return CliError(
        f"The {what} was not saved; fix these values and run again:\n" + "\n".join(lines)
    )


def _json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


# ----------------------------------------------------------------- register
def register(subparsers: Any) -> None:
    _register_workspace(subparsers)
    _register_practice(subparsers)
    _register_clinicians(subparsers)
    audit = subparsers.add_parser(
        "audit",
        help="show the audit log (who changed what, when)",
        description="Show the workspace's audit log, newest first.",
    )
    audit.add_argument("--limit", type=int, metavar="N", help="show only the newest N entries")
    audit.add_argument("--table", metavar="TABLE", help="only changes to this table")
    _json_flag(audit)
    add_workspace_option(audit)
    audit.set_defaults(handler=_audit)


def _register_workspace(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "workspace",
        help="inspect, back up or restore the practice workspace file",
        description="The practice workspace: one file per practice with its clinicians, "
        "choices and data.",
    )
    commands = parser.add_subparsers(dest="workspace_command", metavar="SUBCOMMAND", required=True)
    info = commands.add_parser(
        "info", help="practice, clinicians, reporting entities, schema and integrity"
    )
    _json_flag(info)
    add_workspace_option(info)
    info.set_defaults(handler=_workspace_info)

    backups = commands.add_parser("backups", help="list the backups of the workspace")
    _json_flag(backups)
    add_workspace_option(backups)
    backups.set_defaults(handler=_workspace_backups)

    backup = commands.add_parser("backup", help="make a backup of the workspace now")
    _json_flag(backup)
    add_workspace_option(backup)
    backup.set_defaults(handler=_workspace_backup)

    restore = commands.add_parser(
        "restore",
        help="put a backup in place of the workspace (the current file is kept aside; "
        "confirmed elections and PI agreements the backup lacks are kept)",
    )
    restore.add_argument("backup", type=Path, metavar="BACKUP", help="the backup file")
    restore.add_argument(
        "--force",
        action="store_true",
        help="restore even if final records (confirmed elections, PI agreements) the backup "
        "lacks can't be kept in it; they stay only in the previous file, kept aside",
    )
    add_workspace_option(restore)
    restore.set_defaults(handler=_workspace_restore)


def _register_practice(subparsers: Any) -> None:
    parser = subparsers.add_parser("practice", help="show or set the practice (TIN, name, address)")
    commands = parser.add_subparsers(dest="practice_command", metavar="SUBCOMMAND", required=True)
    show = commands.add_parser("show", help="show the practice")
    _json_flag(show)
    add_workspace_option(show)
    show.set_defaults(handler=_practice_show)

    set_ = commands.add_parser(
        "set",
        help="create the practice or change its details",
        description="Create the practice (creates the workspace file if needed) or change "
        "its details; options left out keep their current value.",
    )
    set_.add_argument("--tin", help="the practice's 9-digit TIN")
    set_.add_argument("--name", help="the practice name")
    set_.add_argument("--address", dest="address_line1", metavar="LINE1", help="street address")
    set_.add_argument("--address2", dest="address_line2", metavar="LINE2", help="suite, floor")
    set_.add_argument("--city")
    set_.add_argument("--state", help="two-letter state code, e.g. NY")
    set_.add_argument("--zip", help="ZIP code, 5 or 9 digits")
    set_.add_argument(
        "--size", type=int, help="clinicians billing under the TIN, if not the listed count"
    )
    set_.add_argument(
        "--status",
        dest="special_statuses",
        action="append",
        metavar="STATUS",
        help="a special status (small_practice, rural, hpsa, non_patient_facing, "
        "hospital_based, asc_based, facility_based); repeat for several",
    )
    set_.add_argument("--no-statuses", action="store_true", help="clear the special statuses")
    _json_flag(set_)
    add_workspace_option(set_)
    set_.set_defaults(handler=_practice_set)


def _register_clinicians(subparsers: Any) -> None:
    parser = subparsers.add_parser("clinicians", help="list, add, import or remove clinicians")
    commands = parser.add_subparsers(dest="clinicians_command", metavar="SUBCOMMAND", required=True)
    list_ = commands.add_parser("list", help="list the clinicians")
    _json_flag(list_)
    add_workspace_option(list_)
    list_.set_defaults(handler=_clinicians_list)

    add = commands.add_parser("add", help="add one clinician")
    add.add_argument("--npi", required=True, help="the clinician's 10-digit NPI")
    add.add_argument("--first", required=True, dest="first_name", help="first name")
    add.add_argument("--last", required=True, dest="last_name", help="last name")
    add.add_argument(
        "--type",
        required=True,
        dest="clinician_type",
        help="clinician type code (MD, DO, NP, PA, ... or OTHER)",
    )
    add.add_argument(
        "--enrolled",
        dest="medicare_enrollment_date",
        metavar="YYYY-MM-DD",
        help="Medicare enrollment date",
    )
    _json_flag(add)
    add_workspace_option(add)
    add.set_defaults(handler=_clinicians_add)

    imp = commands.add_parser(
        "import",
        help="import clinicians from a CSV file",
        description="Import clinicians from a CSV file with the columns NPI, First name, "
        "Last name, Clinician type and (optional) Medicare enrollment date. Nothing is "
        "imported when a row is invalid, unless --skip-invalid is given; the exit code is "
        "1 whenever rows were invalid.",
    )
    imp.add_argument("file", type=Path, metavar="FILE.csv")
    imp.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the valid rows even when other rows are invalid",
    )
    _json_flag(imp)
    add_workspace_option(imp)
    imp.set_defaults(handler=_clinicians_import)

    remove = commands.add_parser("remove", help="remove a clinician")
    remove.add_argument("npi", metavar="NPI")
    add_workspace_option(remove)
    remove.set_defaults(handler=_clinicians_remove)


# ----------------------------------------------------------------- handlers
def _workspace_info(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        info = ws.info()
    if args.json:
        print_json(info)
        return 0
    practice = info["practice"]
    print(f"Workspace:   {info['path']}")
    if practice:
        print(f"Practice:    {practice['name']} (TIN {practice['tin']})")
    else:
        print("Practice:    not set yet ('mipsdesk practice set --tin TIN --name NAME')")
    print(f"Clinicians:  {info['clinicians']}")
    entities = info["reporting_entities"]
    print(f"Reporting:   {len(entities)} reporting entit{'y' if len(entities) == 1 else 'ies'}")
    for e in entities:
        who = "group" if e["npi"] is None else f"individual {e['npi']}"
        print(f"  {e['year']}  {who:<22} {e['reporting_option']}")
    print(f"Schema:      {len(info['migrations'])} migrations applied")
    for m in info["migrations"]:
        print(f"  {m['set']}: {m['name']} ({m['applied_at'][:19]} UTC)")
    print(f"Integrity:   {info['integrity']}")
    print(f"Journal:     {info['journal_mode']}")
    print(f"Backups:     {len(info['backups'])}")
    return 0


def _workspace_backups(args: argparse.Namespace) -> int:
    path = workspace_path(args)
    backups = list_backups(path)
    if args.json:
        print_json([str(b) for b in backups])
        return 0
    if not backups:
        print(f"No backups of {path}.")
    for backup in backups:
        print(describe_backup(backup))
    return 0


def _workspace_backup(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        try:
            made = ws.backup("manual")
        except WorkspaceError as exc:
            raise CliError(str(exc)) from exc
    if args.json:
        print_json({"backup": str(made)})
    else:
        print(f"Backed up to {made}")
    return 0


def _workspace_restore(args: argparse.Namespace) -> int:
    path = workspace_path(args)
    try:
        result = restore_workspace(path, args.backup, force=args.force)
    except FinalRecordsError as exc:
        raise CliError(
            f"{exc}\nTo restore anyway, without them: mipsdesk --workspace {path} workspace "
            f"restore --force {args.backup}"
        ) from exc
    except WorkspaceError as exc:
        raise CliError(str(exc)) from exc
    print(f"Restored {path} from {args.backup}.")
    if result.previous is not None:
        print(f"The previous file was kept as {result.previous}.")
    for line in result.summary_lines():
        print(line)
    return 0


def _practice_show(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        practice = ws.practice()
    if args.json:
        print_json(practice.model_dump(mode="json") if practice else None)
        return 0
    if practice is None:
        print("The practice is not set yet ('mipsdesk practice set --tin TIN --name NAME').")
        return 0
    _print_practice(practice)
    return 0


def _print_practice(p: Practice) -> None:
    print(f"{p.name} (TIN {p.tin})")
    address = ", ".join(
        part for part in (p.address_line1, p.address_line2, p.city, f"{p.state} {p.zip}".strip())
        if part
    )  # fmt: skip
    if address:
        print(address)
    if p.size is not None:
        print(f"Size: {p.size} clinicians")
    if p.special_statuses:
        print("Special statuses: " + ", ".join(s.label for s in p.special_statuses))


def _practice_set(args: argparse.Namespace) -> int:
    fields = (
        "tin", "name", "address_line1", "address_line2", "city", "state", "zip", "size",
        "special_statuses",
    )  # fmt: skip
    given = {f: getattr(args, f) for f in fields if getattr(args, f) is not None}
    if args.no_statuses:
        given["special_statuses"] = []
    if not workspace_path(args).exists():
        # check before a new workspace file is created
        _check_small_practice(_new_practice(given))
    with open_workspace(args, create=True) as ws:
        current = ws.practice()
        practice = _new_practice(given, current.model_dump() if current else None)
        if "size" in given or "special_statuses" in given:
            _check_small_practice(practice)
        try:
            ws.save_practice(practice)
        except WorkspaceError as exc:
            raise CliError(str(exc)) from exc
    if args.json:
        print_json(practice.model_dump(mode="json"))
    else:
        print("Saved the practice:")
        _print_practice(practice)
    return 0


def _check_small_practice(practice: Practice) -> None:
    """Refuse the small_practice status when the size says the practice is not small.

    The limit is the year's small-practice maximum (eligibility data,
    ``small_practice_max_clinicians``); the status is refused only when the size is
    above it in every performance year MIPS Desk knows, as eligibility then never
    counts the practice small and the pages would disagree with the stored status.
    """
    from desktop_app.eligibility.thresholds import known_years, year_rules

    statuses = [str(s) for s in practice.special_statuses]
    if "small_practice" not in statuses or practice.size is None:
        return
    years = known_years()
    if not years:
        return
    limits = {y: year_rules(y).small_practice_max_clinicians for y in years}
    if all(practice.size > limit for limit in limits.values()):
        limit = max(limits.values())
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
        raise CliError(
            f"--status small_practice contradicts the size of {practice.size} clinicians: a "
            f"small practice has {limit} or fewer clinicians billing under the TIN "
            f"({span} rules). Leave out --status small_practice (MIPS Desk works out small "
            "practice from the size), or correct --size. Nothing was saved."
        )


def _new_practice(given: dict[str, Any], current: dict[str, Any] | None = None) -> Practice:
    if current is None:
        missing = [o for f, o in (("tin", "--tin"), ("name", "--name")) if f not in given]
        if missing:
            raise CliError(
                "The practice is not set yet, so " + " and ".join(missing) + " "
                + ("is" if len(missing) == 1 else "are") + " needed, for example "
                "--tin 123456789 --name 'Smith Family Practice'."
            )  # fmt: skip
    try:
        return Practice.model_validate({**(current or {}), **given})
    except ValidationError as exc:
        raise _invalid(exc, "practice") from exc


def _clinician_dict(c: Clinician) -> dict[str, Any]:
    return c.model_dump(mode="json")


def _clinicians_list(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        clinicians = ws.clinicians()
    if args.json:
        print_json([_clinician_dict(c) for c in clinicians])
        return 0
    if not clinicians:
        print("No clinicians yet ('mipsdesk clinicians add' or 'mipsdesk clinicians import').")
        return 0
    for c in clinicians:
        enrolled = c.medicare_enrollment_date.isoformat() if c.medicare_enrollment_date else ""
        print(f"{c.npi}  {c.sort_name:<30} {c.clinician_type:<6} {enrolled}")
    print(f"{len(clinicians)} clinician{'s' if len(clinicians) != 1 else ''}")
    return 0


def _clinicians_add(args: argparse.Namespace) -> int:
    data = {
        "npi": args.npi,
        "first_name": args.first_name,
        "last_name": args.last_name,
        "clinician_type": args.clinician_type,
        "medicare_enrollment_date": args.medicare_enrollment_date,
    }
    try:
        clinician = Clinician.model_validate(data)
    except ValidationError as exc:
        raise _invalid(exc, "clinician") from exc
    with open_workspace(args, create=True) as ws:
        try:
            ws.add_clinician(clinician)
        except WorkspaceError as exc:
            raise CliError(str(exc)) from exc
    if args.json:
        print_json(_clinician_dict(clinician))
    else:
        print(f"Added {clinician.full_name} (NPI {clinician.npi}, {clinician.clinician_type}).")
    return 0


def _clinicians_import(args: argparse.Namespace) -> int:
    try:
        parsed = parse_clinicians_csv(Path(args.file))
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    errors = list(parsed.errors)
    imported: list[Clinician] = []
    with open_workspace(args, create=True) as ws:
        to_add: list[Clinician] = []
        for c in parsed.clinicians:
            existing = ws.clinician(c.npi)
            if existing is not None:
                errors.append(
                    CsvRowError(
                        parsed.row_of[c.npi],
                        "NPI",
                        f"NPI {c.npi} is already in the workspace ({existing.full_name}); "
                        "remove this row or edit the clinician there.",
                    )
                )
            else:
                to_add.append(c)
        errors.sort(key=lambda e: e.row)
        if to_add and (not errors or args.skip_invalid):
            try:
                ws.add_clinicians(to_add)
            except WorkspaceError as exc:
                raise CliError(str(exc)) from exc
            imported = to_add
    invalid_rows = sorted({e.row for e in errors})
    report = {
        "file": str(args.file),
        "rows_read": parsed.rows_read,
        "valid_rows": len(to_add),
        "invalid_rows": invalid_rows,
        "imported": len(imported),
        "errors": [{"row": e.row, "field": e.field, "message": e.message} for e in errors],
        "ignored_columns": parsed.ignored_columns,
    }
    if args.json:
        print_json(report)
    else:
        for error in errors:
            print(str(error), file=sys.stderr)
        if errors and not imported:
            print(
                f"Nothing was imported: {len(invalid_rows)} of {parsed.rows_read} "
                "rows need fixing (or run again with --skip-invalid to import the others).",
                file=sys.stderr,
            )
        else:
            skipped = f"; skipped {len(invalid_rows)} invalid rows" if errors else ""
            print(
                f"Imported {len(imported)} clinician{'s' if len(imported) != 1 else ''}{skipped}."
            )
        if parsed.ignored_columns:
            print("Columns not used: " + ", ".join(parsed.ignored_columns))
    return 1 if errors else 0


def _clinicians_remove(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        try:
            ws.remove_clinician(args.npi)
        except WorkspaceError as exc:
            raise CliError(str(exc)) from exc
    print(f"Removed the clinician with NPI {args.npi.strip()}.")
    return 0


def _audit(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 1:
        raise CliError("--limit must be a positive number, for example --limit 20.")
    with open_workspace(args) as ws:
        entries = ws.audit_log(args.limit, table=args.table)
    if args.json:
        print_json([e.to_dict() for e in entries])
        return 0
    if not entries:
        print("The audit log is empty.")
    for e in entries:
        changed = ", ".join(e.changed_fields)
        print(
            f"{e.at:%Y-%m-%d %H:%M:%S} UTC  {e.user:<12} {e.action:<7} {e.table_name} "
            f"{e.record_key}" + (f"  ({changed})" if changed and e.action == "update" else "")
        )
    return 0
