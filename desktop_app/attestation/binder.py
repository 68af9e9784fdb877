"""The audit binder: one ZIP with a PDF summary, the evidence files, a manifest of
their SHA-256, the QPP JSON of the entries and their audit trail.

CMS may audit MIPS data for six years; the binder is what the practice keeps.
The ZIP is written to a temporary file beside the destination and renamed into
place, so a failed export never leaves half a binder.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.attestation.entity import (
    entity_facts,
    pi_consent,
    pi_reweighting_reason,
    status_label,
)
from desktop_app.attestation.errors import EvidenceError
from desktop_app.attestation.evidence import Evidence, evidence_content, list_evidence
from desktop_app.attestation.ia import ia_entry, ia_period, ia_requirement
from desktop_app.attestation.pdf import PdfDocument
from desktop_app.attestation.pi import pi_entry, pi_issues, pi_layout, pi_progress
from desktop_app.attestation.submission import build_pi_ia_submission, live_preview
from desktop_app.formats.qpp_json import dump_submission
from desktop_app.reporting import EntityKey

if TYPE_CHECKING:
    from desktop_app.scoring.lookup import MeasureLookup
    from desktop_app.store import Workspace


@dataclass(frozen=True)
class BinderResult:
    path: Path
    evidence_count: int
    size: int


def _d(d: dt.date | None) -> str:
    return d.strftime("%m/%d/%Y") if d else "not entered"


def _value_text(value: object) -> str:
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, dict):
        return f"{value.get('numerator')} / {value.get('denominator')}"
    return "not answered"


def _evidence_path(e: Evidence) -> str:
    return f"evidence/{e.category}/{e.measure_id}/{e.id}-{e.file_name}"


def summary_pdf(ws: Workspace, entity: EntityKey, lookup: MeasureLookup | None) -> bytes:
    """The binder's PDF summary of the PI and IA entries, scores and evidence."""
    year = entity.year
    practice = ws.practice()
    who = (practice.name if practice else "Practice") + f", TIN {entity.tin}"
    if entity.npi:
        clinician = ws.clinician(entity.npi)
        who += (f": {clinician.full_name}" if clinician else ": clinician") + f", NPI {entity.npi}"
    else:
        who += " (group)"
    doc = PdfDocument(f"MIPS {year} audit binder")
    doc.paragraph(who, size=12, bold=True)  # on its own line, wrapped: never clipped
    now = dt.datetime.now(dt.UTC)
    doc.paragraph(
        f"Performance year {year}. Prepared {now:%Y-%m-%d %H:%M} UTC by {ws.user} with "
        "MIPS Desk. Keep this binder for at least six years: CMS may audit MIPS data."
    )
    facts = entity_facts(ws, entity)
    if facts.special_statuses:
        labels = sorted(status_label(code) for code in facts.special_statuses)
        doc.paragraph("Special statuses: " + ", ".join(labels) + ".")
    preview = None
    if lookup is not None:
        with contextlib.suppress(Exception):
            preview = live_preview(ws, entity, lookup)
    # --- PI
    entry = pi_entry(ws, entity)
    doc.heading("Promoting Interoperability")
    reweighted = pi_reweighting_reason(ws, entity)
    consent = pi_consent(ws, entity)
    if reweighted:
        doc.paragraph(reweighted)
    if consent:
        doc.paragraph(
            f"Agreement to be scored in PI: recorded {consent.agreed_at} by {consent.user}: "
            f'"{consent.statement}"'
        )
    doc.paragraph(f"Performance period: {_d(entry.start)} to {_d(entry.end)}")
    doc.paragraph(f"CEHRT ID: {entry.cehrt_id or 'not entered'}")
    progress = pi_progress(entry, year)
    doc.paragraph(progress.text, bold=True)
    for missing in progress.missing:
        doc.paragraph("- " + missing, indent=2)
    if preview is not None:
        pi = preview.categories["pi"]
        doc.paragraph(
            f"Preview PI score: {pi.score if pi.score is not None else '-'}%. {pi.reason}"
        )
    for objective in pi_layout(year, lookup):
        doc.paragraph(objective.label, bold=True)
        for m in objective.measures:
            doc.paragraph(
                f"{m.measure_id} {m.title}: {_value_text(entry.values.get(m.measure_id))}", indent=2
            )
            for ex in m.exclusions:
                if entry.values.get(ex.measure_id) is True:
                    doc.paragraph(f"Exclusion claimed: {ex.measure_id}", indent=4)
            for level in m.engagement:
                if entry.values.get(level.measure_id) is True:
                    doc.paragraph(
                        f"Active engagement: {level.label} ({level.measure_id})", indent=4
                    )
    issues = pi_issues(entry, year)
    if issues:
        doc.paragraph("Open problems:", bold=True)
        for issue in issues:
            doc.paragraph("- " + issue.message, indent=2)
    # --- IA
    doc.heading("Improvement Activities")
    done = ia_entry(ws, entity)
    req = ia_requirement(ws, entity)
    doc.paragraph(req.text)
    if req.apm_text:
        doc.paragraph(req.apm_text)
    start, end = ia_period(done)
    if done and start is None and end is None:
        doc.paragraph(
            "Category performance period: none of the completed activities has dates of its "
            f"own; the exported file gives the category the whole year, 01/01/{year} to "
            f"12/31/{year}."
        )
    else:
        doc.paragraph(f"Category performance period: {_d(start)} to {_d(end)}")
    if preview is not None:
        ia = preview.categories["ia"]
        doc.paragraph(
            f"Preview IA score: {ia.score if ia.score is not None else '-'}%. {ia.reason}"
        )
    if not done:
        doc.paragraph("No activity marked completed.")
    for mid, d in sorted(done.items()):
        info = lookup.measure(year, mid) if lookup is not None else None
        when = (
            f"completed {_d(d.start)} to {_d(d.end)}"
            if d.own_period
            else "attested (no performance period of its own)"
        )
        doc.paragraph(f"{mid} {info.title if info else ''}: {when}", indent=2)
    # --- evidence
    doc.heading("Evidence")
    evidence = list_evidence(ws, entity)
    if not evidence:
        doc.paragraph("No evidence files attached.")
    for e in evidence:
        doc.paragraph(
            f"{e.measure_id}: {e.file_name} ({e.size_text}), added {e.added_at} by {e.added_by}",
            indent=2,
        )
        doc.paragraph(f"SHA-256 {e.sha256}  ->  {_evidence_path(e)}", size=8, indent=4)
    return doc.to_bytes()


def _audit_csv(ws: Workspace, entity: EntityKey) -> str:
    prefix = f"{entity.year}/{entity.tin}/{entity.npi or '-'}"
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["at", "user", "table", "record", "action", "before", "after"])
    for a in reversed(ws.audit_log()):
        if not a.record_key.startswith(prefix):
            continue
        if a.table_name.startswith("measurement_") and not (
            "/pi/" in a.record_key or "/ia/" in a.record_key
        ):
            continue
        w.writerow(
            [
                a.at.isoformat(),
                a.user,
                a.table_name,
                a.record_key,
                a.action,
                json.dumps(a.before) if a.before is not None else "",
                json.dumps(a.after) if a.after is not None else "",
            ]
        )
    return buf.getvalue()


def export_audit_binder(
    ws: Workspace,
    entity: EntityKey,
    dest: Path,
    lookup: MeasureLookup | None = None,
    *,
    pdf: bytes | None = None,
) -> BinderResult:
    """Write the audit binder ZIP to ``dest`` atomically.

    ``pdf`` replaces the built-in summary (the GUI may render its own); every
    evidence file is checked against its SHA-256 before it is written.
    """
    dest = Path(dest)
    evidence = list_evidence(ws, entity)
    contents = [(e, evidence_content(ws, e)) for e in evidence]  # checks every hash first
    summary = pdf if pdf is not None else summary_pdf(ws, entity, lookup)
    submission = build_pi_ia_submission(ws, entity)
    manifest = io.StringIO()
    mw = csv.writer(manifest)
    mw.writerow(
        ["path", "measure_id", "category", "file_name", "size", "sha256", "added_at", "added_by"]
    )
    for e in evidence:
        mw.writerow(
            [
                _evidence_path(e),
                e.measure_id,
                e.category,
                e.file_name,
                e.size,
                e.sha256,
                e.added_at,
                e.added_by,
            ]
        )
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    except OSError as exc:
        raise EvidenceError(
            f"Can't write the audit binder to {dest}: {exc.strerror or exc}."
        ) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as z:
                z.writestr("summary.pdf", summary)
                z.writestr("submission-pi-ia.json", dump_submission(submission))
                z.writestr("evidence-manifest.csv", manifest.getvalue())
                z.writestr("audit-trail.csv", _audit_csv(ws, entity))
                for e, data in contents:
                    z.writestr(_evidence_path(e), data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, dest)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise EvidenceError(
            f"Can't write the audit binder to {dest}: {exc.strerror or exc}."
        ) from exc
    return BinderResult(dest, len(evidence), dest.stat().st_size)
