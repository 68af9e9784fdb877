"""``mipsdesk eligibility``: MIPS eligibility from the figures, or looked up on QPP.

    mipsdesk eligibility --year 2025 --clinician-type MD --segment1 95000,250,400 \\
        [--segment2 ...] [--enrolled 2019-04-01] [--qp] [--json]
    mipsdesk eligibility lookup --npi 1234567893 --year 2025 [--workspace FILE] [--json]
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.cli import CliError
from desktop_app.cli._common import print_json
from desktop_app.eligibility.badges import result_badge
from desktop_app.eligibility.engine import evaluate_individual
from desktop_app.eligibility.model import (
    FIGURES_HELP,
    EligibilityResult,
    FiguresError,
    Level,
    LowVolumeFigures,
    Status,
)
from desktop_app.eligibility.thresholds import UnknownYearError, known_years
from desktop_app.models.clinician_types import ELIGIBLE_CLINICIAN_TYPES


def register(subparsers: Any) -> None:
    types = ", ".join(ELIGIBLE_CLINICIAN_TYPES)
    parser = subparsers.add_parser(
        "eligibility",
        help="MIPS eligibility of a clinician from the low-volume figures, or looked up on QPP",
        description="Decide MIPS eligibility (eligible, opt-in eligible, exempt) for a "
        "performance year from the clinician type, Medicare enrollment, QP status and the "
        "low-volume figures of the two determination segments. "
        "Use 'mipsdesk eligibility lookup' to ask QPP instead.",
    )
    parser.add_argument("--year", type=int, help="performance year, e.g. 2025")
    parser.add_argument(
        "--clinician-type",
        metavar="TYPE",
        help=f"clinician type code: {types}; any other code is a type outside MIPS",
    )
    parser.add_argument(
        "--enrolled",
        metavar="YYYY-MM-DD",
        help="date first enrolled in Medicare (newly enrolled in the year -> exempt)",
    )
    parser.add_argument(
        "--qp", action="store_true", help="the clinician is a Qualifying APM Participant"
    )
    parser.add_argument(
        "--segment1",
        metavar="CHARGES,BENEFICIARIES,SERVICES",
        help="segment 1 figures: Part B allowed charges in dollars, Part B beneficiaries, "
        "covered professional services, e.g. 95000.50,210,340",
    )
    parser.add_argument(
        "--segment2",
        metavar="CHARGES,BENEFICIARIES,SERVICES",
        help="segment 2 figures (if only one segment is given, it decides)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(handler=_evaluate)

    sub = parser.add_subparsers(dest="eligibility_command", metavar="SUBCOMMAND")
    lookup = sub.add_parser(
        "lookup",
        help="look a clinician up on QPP (Participation Status) by NPI and year",
        description="Ask the QPP Eligibility API about an NPI for a performance year. "
        "With --workspace the answer is kept in the workspace for offline use.",
    )
    lookup.add_argument("--npi", required=True, help="the clinician's 10-digit NPI")
    lookup.add_argument("--year", type=int, required=True, help="performance year")
    lookup.add_argument(
        "--workspace",
        dest="lookup_workspace",
        type=Path,
        metavar="PATH",
        help="keep the answer in this workspace file",
    )
    lookup.add_argument(
        "--base-url", help="QPP address (default: the setting, or https://qpp.cms.gov)"
    )
    lookup.add_argument("--json", action="store_true", help="print the result as JSON")
    lookup.set_defaults(handler=_lookup)


def _figures(text: str | None, option: str) -> LowVolumeFigures | None:
    if text is None:
        return None
    try:
        return LowVolumeFigures.parse(text)
    except FiguresError as exc:
        raise CliError(f"{option}: {exc}") from None


def _year(year: int | None) -> int:
    if year is None:
        raise CliError("--year is required, e.g. --year 2025.")
    if year not in known_years():
        years = ", ".join(str(y) for y in known_years())
        raise CliError(f"--year {year}: MIPS Desk knows performance years {years}.")
    return year


def _evaluate(args: argparse.Namespace) -> int:
    year = _year(args.year)
    if not args.clinician_type or not args.clinician_type.strip():
        types = ", ".join(ELIGIBLE_CLINICIAN_TYPES)
        raise CliError(f"--clinician-type is required: one of {types} (or another code).")
    if args.segment1 is None:
        raise CliError(f"--segment1 is required. {FIGURES_HELP}")
    enrolled: dt.date | None = None
    if args.enrolled:
        try:
            enrolled = dt.date.fromisoformat(args.enrolled.strip())
        except ValueError:
            raise CliError(
                f"--enrolled '{args.enrolled}' is not a date; write it as YYYY-MM-DD, "
                "e.g. 2019-04-01."
            ) from None
    seg1 = _figures(args.segment1, "--segment1")
    seg2 = _figures(args.segment2, "--segment2")
    try:
        result = evaluate_individual(
            year, args.clinician_type.strip(), enrolled, bool(args.qp), seg1, seg2
        )
    except UnknownYearError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        data = result.to_dict()
        print_json(
            {
                "status": data["status"],
                "reasons": data["reasons"],
                "segments": data["segments"],
                "criteria_exceeded": data["criteria_exceeded"],
                "year": year,
                "clinician_type": args.clinician_type.strip().upper(),
                "is_estimate": data["is_estimate"],
            }
        )
    else:
        _print_result(result)
    return 0


def _print_result(result: EligibilityResult, title: str = "") -> None:
    shown = result_badge(result)
    head = f"{title}: " if title else ""
    extra = f" ({shown.note})" if shown.note else ""
    print(f"{head}{shown.text}{extra} — {result.status.value}, performance year {result.year}")
    for reason in result.reasons:
        print(f"  - {reason}")
    if result.special_statuses:
        print("  Special statuses: " + ", ".join(result.special_status_labels))
    if result.is_estimate:
        print("  (The year's threshold is not confirmed by CMS yet: treat this as an estimate.)")


def _lookup(args: argparse.Namespace) -> int:
    from desktop_app.eligibility.lookup import scenario_result
    from desktop_app.qpp_api._http import QppApiError
    from desktop_app.qpp_api.eligibility import EligibilityClient, default_base_url
    from desktop_app.settings import Settings, SettingsError, load_settings

    try:
        settings: Settings | None = load_settings()
    except SettingsError:
        settings = None
    base = (args.base_url or default_base_url(settings)).rstrip("/")
    client = EligibilityClient(base)
    try:
        response, raw = client.fetch(args.npi, args.year)
    except QppApiError as exc:
        raise CliError(str(exc)) from None
    looked_up_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    workspace_path = args.lookup_workspace or getattr(args, "workspace", None)
    conflicts: list[_Conflict] = []
    if workspace_path is not None:
        from desktop_app.eligibility.store import save_lookup
        from desktop_app.store import Workspace, WorkspaceError

        try:
            with Workspace.open(workspace_path) as ws:
                save_lookup(ws, response.data.npi, args.year, raw, base, looked_up_at)
                conflicts = _election_conflicts(ws, args.year, response.data.npi)
        except WorkspaceError as exc:
            raise CliError(str(exc)) from None
    organizations = []
    for org in response.data.organizations:
        ind = scenario_result(response, org, Level.INDIVIDUAL, args.year, looked_up_at)
        grp = scenario_result(response, org, Level.GROUP, args.year, looked_up_at)
        organizations.append((org, ind, grp))
    if args.json:
        print_json(
            {
                "npi": response.data.npi,
                "name": response.data.display_name,
                "year": args.year,
                "looked_up_at": looked_up_at.isoformat(),
                "source": base,
                "organizations": [
                    {
                        "tin": org.TIN,
                        "name": org.prvdrOrgName,
                        "individual": ind.to_dict() if ind else None,
                        "group": grp.to_dict() if grp else None,
                    }
                    for org, ind, grp in organizations
                ],
                "election_warnings": [
                    {
                        "tin": c.tin,
                        "npi": c.npi,
                        "level": "individual" if c.npi else "group",
                        "qpp_election": c.qpp_election,
                        "mips_desk_election": c.local_election,
                        "warning": c.warning,
                    }
                    for c in conflicts
                ],
            }
        )
        return 0
    print(f"{response.data.display_name} (NPI {response.data.npi}), performance year {args.year}")
    if not organizations:
        print("  QPP lists no practice for this clinician in this year.")
    for org, ind, grp in organizations:
        print(f"\n{org.prvdrOrgName or 'Practice'} (TIN {org.TIN})")
        if ind:
            _print_result(ind, "Individual")
        if grp:
            _print_result(grp, "Group")
    for conflict in conflicts:
        print(f"\nWarning: {conflict.warning}")
    if workspace_path is not None:
        print(f"\nSaved in {workspace_path}.")
    return 0


@dataclass(frozen=True)
class _Conflict:
    tin: str
    npi: str | None
    qpp_election: str
    local_election: str
    warning: str


def _election_conflicts(ws: Any, year: int, npi: str) -> list[_Conflict]:
    """Where the workspace's practice holds a confirmed election other than the one QPP
    records (after this lookup), for the looked-up clinician and the group."""
    from desktop_app.elections import election_state
    from desktop_app.eligibility.store import practice_eligibility

    practice = practice_eligibility(ws, year)
    if practice is None:
        return []
    found: list[_Conflict] = []
    for entity in (practice.entity(npi), practice.group):
        if entity is None:
            continue
        state = election_state(ws, year, entity.tin, entity.npi, entity)
        if state.warning and state.qpp is not None and state.local_final is not None:
            found.append(
                _Conflict(
                    entity.tin,
                    entity.npi,
                    state.qpp.election.value,
                    state.local_final.election.value,
                    state.warning,
                )
            )
    return found


__all__ = ["Status", "register"]
