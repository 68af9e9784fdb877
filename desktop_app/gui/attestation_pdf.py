"""The printable attestation summary as a PDF, through Qt's own PDF writer.

The content (entity, year, election, PI and IA attestations with dates, quality data,
score preview, the "true, accurate and complete" statement) is built in the core by
:func:`desktop_app.exporting.build_summary` / :func:`summary_html`; this module only
lays the HTML out on Letter pages and writes the file atomically.
"""

from __future__ import annotations

from pathlib import Path

from desktop_app.exporting.summary import AttestationSummary, summary_html
from desktop_app.gui.pdf_writer import html_to_pdf_bytes
from desktop_app.util.files import atomic_write_bytes

_STYLE = (
    "body { font-family: sans-serif; font-size: 10pt; } "
    "h1 { font-size: 16pt; } h2 { font-size: 12pt; margin-top: 12px; } "
    "th { background-color: #e8edf3; }"
)


def summary_pdf_bytes(summary: AttestationSummary) -> bytes:
    """The summary as PDF bytes (Letter, portrait)."""
    who = summary.tin + (f"/{summary.npi}" if summary.npi else "")
    return html_to_pdf_bytes(
        summary_html(summary),
        title=f"MIPS attestation summary {summary.year} {who}",
        style=_STYLE,
    )


def write_summary_pdf(path: Path, summary: AttestationSummary) -> Path:
    """Write the summary PDF to ``path`` atomically (WriteError if it can't be written)."""
    atomic_write_bytes(Path(path), summary_pdf_bytes(summary), mode=0o600)
    return Path(path)
