"""A printable election confirmation (PDF) for the practice's records, written atomically."""

from __future__ import annotations

from pathlib import Path

from desktop_app.elections.model import (
    ELECTION_LABELS,
    ElectionRecord,
    consequences,
    option_description,
)
from desktop_app.gui.pdf_writer import html_to_pdf_bytes
from desktop_app.models.practice import Practice
from desktop_app.util.files import atomic_write_bytes


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def confirmation_html(practice: Practice | None, record: ElectionRecord) -> str:
    group = record.npi is None
    name = _esc(record.entity_name or record.key)
    when = (
        f"{record.confirmed_at:%B %d, %Y at %H:%M} UTC" if record.confirmed_at else "not confirmed"
    )
    practice_line = (
        f"{_esc(practice.name)} (TIN {practice.tin})"
        + (
            f"<br>{_esc(practice.address_line1)}, {_esc(practice.city)}, {practice.state} "
            f"{practice.zip}"
            if practice.address_line1
            else ""
        )
        if practice
        else f"TIN {record.tin}"
    )
    items = "".join(
        f"<li>{_esc(c)}</li>" for c in consequences(record.election, record.year, group)
    )
    return f"""
    <h1>MIPS {ELECTION_LABELS[record.election]} election confirmation</h1>
    <p>Performance year <b>{record.year}</b></p>
    <table cellpadding="4">
      <tr><td><b>Practice</b></td><td>{practice_line}</td></tr>
      <tr><td><b>Participant</b></td><td>{name}<br>{_esc(record.entity_label)}</td></tr>
      <tr><td><b>Election</b></td><td>{ELECTION_LABELS[record.election]}</td></tr>
      <tr><td><b>Confirmed at</b></td><td>{when}</td></tr>
      <tr><td><b>Confirmed by</b></td><td>{_esc(record.confirmed_by or "")}</td></tr>
    </table>
    <p>{_esc(option_description(record.election, record.year, group))}</p>
    <h3>What this election means</h3>
    <ul>{items}</ul>
    <p><i>Recorded in MIPS Desk. Elections are made on the QPP website (or by your registry)
    during the submission period, before any data is submitted; keep this page with the
    practice's MIPS records.</i></p>
    """


def confirmation_pdf_bytes(practice: Practice | None, record: ElectionRecord) -> bytes:
    return html_to_pdf_bytes(
        confirmation_html(practice, record),
        title=f"MIPS election confirmation {record.year} {record.key}",
    )


def write_confirmation_pdf(path: Path, practice: Practice | None, record: ElectionRecord) -> Path:
    """Write the confirmation to ``path`` atomically (WriteError if it can't be written)."""
    atomic_write_bytes(Path(path), confirmation_pdf_bytes(practice, record), mode=0o600)
    return Path(path)
