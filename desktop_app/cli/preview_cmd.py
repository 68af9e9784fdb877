"""``mipsdesk preview``: score a QPP JSON submission file and explain every number."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop_app.cli import CliError
from desktop_app.cli._common import print_json

STATUS_NAMES = {
    "small-practice": "small_practice",
    "rural": "rural",
    "hpsa": "hpsa",
    "non-patient-facing": "non_patient_facing",
    "hospital-based": "hospital_based",
    "asc-based": "asc_based",
    "facility-based": "facility_based",
}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "preview",
        help="preview the MIPS score of a QPP JSON submission file",
        description="Score a QPP JSON submission of one reporting entity (any of the quality, "
        "pi and ia categories) under the program rules of its performance year, and explain "
        "every number. Cost is computed by CMS from claims: give an expected cost score, or "
        "the final score is shown as a range over cost 0-100%.",
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="the QPP JSON file")
    parser.add_argument(
        "--year", type=int, help="performance year (default: the file's performanceYear)"
    )
    parser.add_argument(
        "--small-practice", action="store_true", help="the practice has 15 or fewer clinicians"
    )
    parser.add_argument(
        "--special-status",
        default="",
        metavar="LIST",
        help="comma-separated special statuses: " + ", ".join(STATUS_NAMES),
    )
    parser.add_argument(
        "--cost-score", type=float, metavar="PERCENT", help="expected cost score, 0-100"
    )
    parser.add_argument(
        "--cost-reweighted", action="store_true", help="the cost category is reweighted to 0%%"
    )
    parser.add_argument(
        "--prior-quality-score",
        type=float,
        metavar="PERCENT",
        help="last year's quality achievement score, 0-100 (for the improvement score)",
    )
    parser.add_argument(
        "--complex-patient-bonus",
        type=float,
        metavar="POINTS",
        help="complex patient bonus points as CMS reported them (at most 10)",
    )
    parser.add_argument(
        "--denominator-reduction",
        type=int,
        default=0,
        metavar="N",
        help="quality measures (10 points each) taken off the denominator of 60",
    )
    parser.add_argument(
        "--apm-participant", action="store_true", help="the clinician is in a MIPS APM"
    )
    parser.add_argument(
        "--pi-hardship",
        action="store_true",
        help="CMS approved a Promoting Interoperability hardship exception (PI is reweighted "
        "to 0%% unless the file has PI data)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(handler=_preview)


def parse_statuses(text: str, small_practice: bool) -> frozenset[str]:
    """Turn ``rural,hpsa,...`` into status names; CliError for unknown ones."""
    result: set[str] = {"small_practice"} if small_practice else set()
    for raw in text.split(","):
        name = raw.strip().lower().replace("_", "-")
        if not name:
            continue
        if name not in STATUS_NAMES:
            raise CliError(
                f"unknown special status '{raw.strip()}'; use any of: {', '.join(STATUS_NAMES)}"
            )
        result.add(STATUS_NAMES[name])
    return frozenset(result)


def _check_percent(value: float | None, option: str) -> None:
    if value is not None and not 0 <= value <= 100:
        raise CliError(f"{option} must be a percentage between 0 and 100, not {value:g}")


def _preview(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from desktop_app.catalog import CatalogError
    from desktop_app.catalog.source import HOW_TO_GET_CATALOG, ensure_catalog
    from desktop_app.formats.qpp_json import SubmissionFormatError, read_submission
    from desktop_app.rules import RulesError, load_rules
    from desktop_app.scoring import ScoringError, ScoringOptions, score_submission

    _check_percent(args.cost_score, "--cost-score")
    if args.cost_reweighted and args.cost_score is not None:
        raise CliError("--cost-score has no effect when cost is reweighted; give one of them")
    _check_percent(args.prior_quality_score, "--prior-quality-score")
    if args.complex_patient_bonus is not None and args.complex_patient_bonus < 0:
        raise CliError("--complex-patient-bonus must not be negative")
    if args.denominator_reduction < 0:
        raise CliError("--denominator-reduction must not be negative")
    statuses = parse_statuses(args.special_status, args.small_practice)
    try:
        submission = read_submission(args.file)
    except SubmissionFormatError as exc:
        raise CliError(str(exc)) from exc
    if args.year is not None and args.year != submission.performance_year:
        raise CliError(
            f"{args.file} is for performance year {submission.performance_year}, but --year "
            f"{args.year} was given; leave --year out or score a file of that year"
        )
    try:
        options = ScoringOptions(
            small_practice="small_practice" in statuses,
            special_statuses=frozenset(statuses),
            cost_score=args.cost_score,
            cost_reweighted=args.cost_reweighted,
            prior_quality_score=args.prior_quality_score,
            complex_patient_bonus=args.complex_patient_bonus,
            denominator_reduction=args.denominator_reduction,
            apm_participant=args.apm_participant,
            pi_hardship=args.pi_hardship,
        )
    except ValidationError as exc:
        raise CliError(f"invalid option: {exc.errors()[0]['msg']}") from exc
    try:
        load_rules(submission.performance_year)
    except RulesError as exc:
        raise CliError(f"{args.file}: {exc}") from exc
    try:
        catalog = ensure_catalog()
    except CatalogError as exc:
        raise CliError(str(exc)) from exc
    if catalog is None:
        raise CliError("the preview needs the measures catalog. " + HOW_TO_GET_CATALOG)
    try:
        if submission.performance_year not in catalog.years():
            raise CliError(
                f"the measures catalog has no data for {submission.performance_year} "
                f"(it has {', '.join(str(y) for y in catalog.years())}); run "
                "`mipsdesk catalog update`"
            )
        result = score_submission(submission, catalog, options)
    except ScoringError as exc:
        raise CliError(f"{args.file}: {exc}") from exc
    finally:
        catalog.close()
    data = result.to_json_dict()
    if args.json:
        print_json(data)
    else:
        print(format_summary(data))
    return 0


def _num(x: float | None, suffix: str = "") -> str:
    if x is None:
        return "unknown"
    return f"{x:.2f}".rstrip("0").rstrip(".") + suffix


def format_summary(data: dict[str, Any]) -> str:
    """A readable text summary of a preview result (the JSON form)."""
    lines: list[str] = []
    entity = data["entity"]
    who = entity.get("tin") or ""
    if entity.get("npi"):
        who += f"/{entity['npi']}"
    lines.append(f"MIPS score preview, performance year {data['performance_year']} ({who})")
    low, high = data["final_score_range"]
    estimate = (
        " — an estimate (see the estimates and warnings below)" if data.get("is_estimate") else ""
    )
    if data["final_score"] is not None:
        lines.append(f"Final score: {_num(data['final_score'])} points{estimate}")
    else:
        lines.append(f"Final score: {_num(low)} to {_num(high)} points (cost unknown){estimate}")
    lines.append(f"  {data['final_score_reason']}")
    lines.append(f"Performance threshold: {_num(data['threshold'])} points")
    adj = data["payment_adjustment"]
    lines.append(f"Payment adjustment ({adj['payment_year']}): {adj['band']}. {adj['reason']}")
    lines.append("")
    lines.append(f"{'Category':<10} {'Score':>9} {'Weight':>7} {'Points':>7}")
    for key in ("quality", "pi", "ia", "cost"):
        c = data["categories"][key]
        if c["score"] is None and not c["weight"]:
            # reweighted: no score of its own, its weight moved to the other categories
            lines.append(f"{key:<10} {'reweighted to 0%':>17} {_num(c['points'] or 0):>7}")
        else:
            lines.append(
                f"{key:<10} {_num(c['score'], '%'):>9} {_num(c['weight'], '%'):>7} "
                f"{_num(c['points']):>7}"
            )
        for reason in c["reasons"] if key == "pi" and c["score"] == 0 else []:
            lines.append(f"    - {reason}")
    lines.append("")
    lines.append("Measures:")
    for m in data["measures"]:
        mark = "" if m["counted"] else " (not counted)"
        lines.append(
            f"  {m['category']:<7} {m['measure_id']:<18} "
            f"{_num(m['points']) if m['points'] is not None else '-':>7}{mark}: "
            f"{m['reason']}"
        )
    if data["estimates"]:
        lines.append("")
        lines.append("Estimates (results depend on values CMS has not confirmed):")
        for e in data["estimates"]:
            lines.append(f"  - {e['explanation']} (source: {e['source']})")
    for w in data["warnings"]:
        lines.append(f"Warning: {w}")
    return "\n".join(lines)
