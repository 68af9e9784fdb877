"""The attestation summary: what a practice attests to for one entity and year.

:func:`build_summary` gathers the entity, its election, the PI and IA attestations
with the dates they were entered, the quality data and the score preview;
:func:`summary_html` lays it out as a printable HTML page (the GUI prints it to PDF
with Qt's own PDF writer). The page ends with the statement, in CMS's words, that the
data is true, accurate and complete.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from desktop_app import __version__
from desktop_app.formats.qpp_json import (
    MultiPerformanceRate,
    NonProportion,
    Proportion,
    SinglePerformanceRate,
)
from desktop_app.reporting import VALUES_TABLE, EntityKey, build_submission, ensure_tables

if TYPE_CHECKING:
    from desktop_app.catalog import Catalog
    from desktop_app.store import Workspace

STATEMENT = (
    "I attest that, to the best of my knowledge, the data in this submission is true, "
    "accurate, and complete. I understand that if I become aware that any submitted "
    "information isn't true, accurate, and complete, corrected information may be submitted "
    "until the end of the data submission period, and that if false, inaccurate, or "
    "incomplete data are identified after the data submission period, CMS must be notified "
    "immediately."
)

_METHOD_NAMES = {
    "registry": "MIPS CQM",
    "electronicHealthRecord": "eCQM",
    "claims": "Medicare Part B claims",
}


@dataclass(frozen=True)
class SummaryRow:
    measure_id: str
    title: str
    value: str
    entered: str
    """Date the value was last entered or changed (YYYY-MM-DD), or ''."""
    detail: str = ""


@dataclass
class AttestationSummary:
    practice_name: str
    tin: str
    npi: str | None
    entity_label: str
    year: int
    program: str
    election: str
    quality: list[SummaryRow] = field(default_factory=list)
    pi: list[SummaryRow] = field(default_factory=list)
    pi_period: str = ""
    cehrt_id: str = ""
    ia: list[SummaryRow] = field(default_factory=list)
    score_lines: list[str] = field(default_factory=list)
    generated_at: str = ""
    generated_by: str = ""
    statement: str = STATEMENT


def _fmt(x: float | None, suffix: str = "") -> str:
    if x is None:
        return "n/a"
    return f"{x:.2f}".rstrip("0").rstrip(".") + suffix


def _value_text(value: Any) -> tuple[str, str]:
    """(value, detail) as a practice manager reads them."""
    if value is True:
        return "Yes", ""
    if value is False:
        return "No", ""
    if isinstance(value, Proportion):
        return f"{value.numerator} / {value.denominator}", ""
    if isinstance(value, SinglePerformanceRate):
        return (
            f"{value.performance_met} met of {value.eligible_population}",
            f"performance rate {_fmt(value.performance_rate, '%')}, data completeness "
            f"{_fmt(value.reporting_rate, '%')}",
        )
    if isinstance(value, MultiPerformanceRate):
        parts = [
            f"{s.stratum}: {s.performance_met} met of {s.eligible_population} "
            f"({_fmt(s.performance_rate, '%')})"
            for s in value.strata
        ]
        return f"{len(value.strata)} strata", "; ".join(parts)
    if isinstance(value, NonProportion):
        return f"{value.numerator:g} / {value.denominator}", ""
    return str(value), ""


def _entered_dates(ws: Workspace, entity: EntityKey) -> dict[tuple[str, str, str], str]:
    ensure_tables(ws)
    rows = ws.db.execute(
        f"SELECT category, submission_method, measure_id, updated_at FROM {VALUES_TABLE} "  # noqa: S608
        "WHERE year = ? AND tin = ? AND npi = ?",
        [entity.year, entity.tin, entity.npi or ""],
    ).fetchall()
    return {(str(r[0]), str(r[1]), str(r[2])): str(r[3])[:10] for r in rows}


def _election_text(ws: Workspace, entity: EntityKey) -> str:
    from desktop_app.elections import confirmed_election, data_entry_allowed

    record = confirmed_election(ws, entity.year, entity.tin, entity.npi)
    if record is not None and record.confirmed_at is not None:
        return f"{record.election.label}, confirmed {record.confirmed_at.date().isoformat()}" + (
            f" by {record.confirmed_by}" if record.confirmed_by else ""
        )
    try:
        _allowed, why = data_entry_allowed(ws, entity, entity.year)
    except ValueError as exc:
        return f"No election recorded ({exc})."
    return f"No election recorded. {why}"


def _score_lines(
    ws: Workspace, entity: EntityKey, catalog: Catalog | None, submission: Any
) -> list[str]:
    if catalog is None:
        return ["Score preview not available: the measures catalog is not on this computer."]
    from desktop_app.attestation import scoring_options
    from desktop_app.scoring import ScoringError, score_submission

    try:
        # the entity's statuses, APM participation and PI hardship, as the pages score them
        result = score_submission(submission, catalog, scoring_options(ws, entity))
    except (ScoringError, ValueError) as exc:
        return [f"Score preview not available: {exc}"]
    low, high = result.final_score_range
    lines = [
        (
            f"Estimated final score: {_fmt(result.final_score)} points"
            if result.final_score is not None
            else f"Estimated final score: {_fmt(low)} to {_fmt(high)} points (cost unknown)"
        ),
        f"Performance threshold: {_fmt(result.threshold)} points",
    ]
    names = {
        "quality": "Quality",
        "pi": "Promoting Interoperability",
        "ia": "Improvement Activities",
        "cost": "Cost",
    }
    for key in ("quality", "pi", "ia", "cost"):
        cat = result.categories.get(key)
        if cat is None:
            continue
        lines.append(
            f"{names[key]}: score {_fmt(cat.score, '%')}, weight {_fmt(cat.weight, '%')}, "
            f"{_fmt(cat.points)} points"
        )
        if cat.score == 0:
            # a 0 is never shown without the reason (the scorer gives every one)
            lines += [f"{names[key]} scores 0: {why}" for why in (cat.reasons or [cat.reason])]
    exempt = _exempt_from_adjustment(ws, entity)
    payment_year = result.payment_adjustment.payment_year
    if exempt is not None:
        lines.append(f"Payment adjustment {payment_year}: {exempt}.")
    else:
        # the same sentence the Score page shows (the range when cost is unknown)
        lines.append(
            f"Payment adjustment {payment_year}: {result.payment_adjustment.reason} "
            "This is an estimate, not CMS's score."
        )
    return lines


def _exempt_from_adjustment(ws: Workspace, entity: EntityKey) -> str | None:
    """Why no payment adjustment applies (a MIPS exempt entity, or an opt-in eligible one
    that elected to report voluntarily or hasn't decided), or None when the score
    sets the adjustment (MIPS eligible, opted in, or eligibility not determined)."""
    from desktop_app.elections import Election, election_state
    from desktop_app.eligibility.model import Status
    from desktop_app.eligibility.store import entity_eligibility

    try:
        found = entity_eligibility(ws, entity.year, entity.tin, entity.npi)
        election = election_state(ws, entity.year, entity.tin, entity.npi, found).final
    except ValueError:  # no eligibility rules for the year: the band stands
        return None
    status = found.effective.status if found is not None else None
    if status is Status.ELIGIBLE:
        return None
    if election is not None:
        if election.election is Election.OPT_IN:
            return None
        # "reporting voluntarily" only for an actual Report Voluntarily election
        return "no payment adjustment (exempt; reporting voluntarily)"
    if status is Status.EXEMPT:
        return "no payment adjustment (MIPS exempt; data submitted gets feedback only)"
    if status is Status.OPT_IN_ELIGIBLE:
        return (
            "no payment adjustment while exempt (no election yet; opting in would make "
            "the payment adjustment apply)"
        )
    return None


def build_summary(
    ws: Workspace,
    entity: EntityKey,
    catalog: Catalog | None,
    *,
    now: datetime | None = None,
) -> AttestationSummary:
    """Everything the printable attestation summary shows for ``entity``."""
    from desktop_app.exporting.export import prepare_submission

    practice = ws.practice()
    submission = prepare_submission(build_submission(ws, entity))
    dates = _entered_dates(ws, entity)
    if entity.npi is None:
        label = f"Group (TIN {entity.tin})"
    else:
        clinician = ws.clinician(entity.npi)
        name = clinician.full_name if clinician is not None else "Clinician"
        label = f"{name}, individual (TIN {entity.tin}, NPI {entity.npi})"
    programs = sorted({s.program_name for s in submission.measurement_sets})
    program = ", ".join(
        {"mips": "Traditional MIPS", "app1": "APP", "appPlus": "APP Plus"}.get(p, f"MVP {p}")
        for p in programs
    )
    summary = AttestationSummary(
        practice_name=practice.name if practice is not None else "",
        tin=entity.tin,
        npi=entity.npi,
        entity_label=label,
        year=entity.year,
        program=program or "Traditional MIPS",
        election=_election_text(ws, entity),
        generated_at=(now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC"),
        generated_by=ws.user,
    )
    for mset in submission.measurement_sets:
        for m in mset.measurements:
            info = catalog.measure(entity.year, m.measure_id) if catalog is not None else None
            title = info.title if info is not None else ""
            value, detail = _value_text(m.value)
            entered = dates.get((mset.category, mset.submission_method, m.measure_id), "")
            if mset.category == "quality":
                method = _METHOD_NAMES.get(mset.submission_method, mset.submission_method)
                detail = f"{method}" + (f"; {detail}" if detail else "")
            row = SummaryRow(m.measure_id, title, value, entered, detail)
            {"quality": summary.quality, "pi": summary.pi, "ia": summary.ia}[mset.category].append(
                row
            )
        if mset.category == "pi":
            if mset.performance_start and mset.performance_end:
                summary.pi_period = (
                    f"{mset.performance_start.isoformat()} to {mset.performance_end.isoformat()}"
                )
            summary.cehrt_id = mset.cehrt_id or ""
    summary.score_lines = _score_lines(ws, entity, catalog, submission)
    return summary


def _e(text: object) -> str:
    return html.escape(str(text))


def _table(rows: list[SummaryRow], heads: tuple[str, ...]) -> str:
    out = ['<table border="1" cellspacing="0" cellpadding="4" width="100%">', "<tr>"]
    out += [f"<th align='left'>{_e(h)}</th>" for h in heads]
    out.append("</tr>")
    for r in rows:
        title = _e(r.title) + (f"<br/><small>{_e(r.detail)}</small>" if r.detail else "")
        out.append(
            f"<tr><td>{_e(r.measure_id)}</td><td>{title}</td><td>{_e(r.value)}</td>"
            f"<td>{_e(r.entered)}</td></tr>"
        )
    out.append("</table>")
    return "\n".join(out)


def summary_html(summary: AttestationSummary) -> str:
    """The summary as a self-contained HTML page (Qt's rich-text subset)."""
    s = summary
    heads = ("Measure", "Title", "Value", "Entered")
    parts = [
        "<html><head><meta charset='utf-8'/>"
        f"<title>MIPS attestation summary {s.year}</title></head><body>",
        f"<h1>MIPS attestation summary: performance year {s.year}</h1>",
        "<table cellpadding='2'>",
        f"<tr><td><b>Practice</b></td><td>{_e(s.practice_name)}</td></tr>",
        f"<tr><td><b>Reporting as</b></td><td>{_e(s.entity_label)}</td></tr>",
        f"<tr><td><b>TIN</b></td><td>{_e(s.tin)}</td></tr>",
    ]
    if s.npi:
        parts.append(f"<tr><td><b>NPI</b></td><td>{_e(s.npi)}</td></tr>")
    parts += [
        f"<tr><td><b>Performance year</b></td><td>{s.year}</td></tr>",
        f"<tr><td><b>Program</b></td><td>{_e(s.program)}</td></tr>",
        f"<tr><td><b>Election</b></td><td>{_e(s.election)}</td></tr>",
        "</table>",
        "<h2>Promoting Interoperability</h2>",
    ]
    if s.pi:
        parts.append(
            f"<p>Performance period: {_e(s.pi_period or 'not given')}. "
            f"CEHRT ID: {_e(s.cehrt_id or 'not given')}.</p>"
        )
        parts.append(_table(s.pi, heads))
    else:
        parts.append("<p>No Promoting Interoperability data.</p>")
    parts.append("<h2>Improvement Activities</h2>")
    parts.append(_table(s.ia, heads) if s.ia else "<p>No improvement activities attested.</p>")
    parts.append("<h2>Quality</h2>")
    parts.append(_table(s.quality, heads) if s.quality else "<p>No quality data.</p>")
    parts.append("<h2>Score preview (estimate)</h2><ul>")
    parts += [f"<li>{_e(line)}</li>" for line in s.score_lines]
    parts.append("</ul>")
    parts += [
        "<h2>Attestation</h2>",
        f"<p>{_e(s.statement)}</p>",
        "<p>Name: ______________________________ &nbsp; Signature: "
        "______________________________ &nbsp; Date: ______________</p>",
        f"<p><small>Prepared by {_e(s.generated_by)} with MIPS Desk {_e(__version__)} on "
        f"{_e(s.generated_at)}.</small></p>",
        "</body></html>",
    ]
    return "\n".join(parts)


def summary_text(summary: AttestationSummary) -> str:
    """Plain text of the summary (for tests and the command line)."""
    import re

    text = re.sub(r"<br/>", "\n", summary_html(summary))
    text = re.sub(r"</(p|tr|h1|h2|li|table)>", "\n", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return html.unescape(re.sub(r"[ \t]+", " ", text))
