"""Evidence files kept in the workspace with their SHA-256, and the audit binder ZIP."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from attestation_data import NPI_A, TIN

from desktop_app import attestation as att
from desktop_app import paths
from desktop_app.attestation import evidence as ev_module
from desktop_app.attestation import pdf as pdf_module
from desktop_app.catalog import Catalog
from desktop_app.reporting import EntityKey
from desktop_app.store import Workspace

SRA = b"%PDF-1.4 security risk analysis 2025\n" * 10


def damage(ws: Workspace, evidence_id: int, content: bytes) -> None:
    """Change a kept file's bytes as damage from outside the app would (a disk fault or
    another program that first drops the trigger refusing changes)."""
    ws.db.execute("DROP TRIGGER IF EXISTS attestation_evidence_no_update")
    ws.db.execute(
        "UPDATE attestation_evidence SET content = ? WHERE id = ?", [content, evidence_id]
    )


def test_attach_list_read(ws: Workspace, group: EntityKey, tmp_path: Path) -> None:
    f = tmp_path / "SRA 2025.pdf"
    f.write_bytes(SRA)
    e = att.add_evidence(ws, group, "pi", "PI_PPHI_1", f)
    f.unlink()  # the workspace keeps its own copy
    assert e.sha256 == hashlib.sha256(SRA).hexdigest()
    assert e.file_name == "SRA 2025.pdf" and e.size == len(SRA) and e.added_by == "jane"
    listed = att.list_evidence(ws, group, "pi", "PI_PPHI_1")
    assert [x.id for x in listed] == [e.id]
    assert att.list_evidence(ws, group, "ia") == []
    assert att.evidence_content(ws, e) == SRA
    audit = ws.audit_log(1)[0]
    assert audit.table_name == "attestation_evidence" and audit.after is not None
    assert audit.after["sha256"] == e.sha256


def test_damaged_copy_is_detected(ws: Workspace, group: EntityKey, catalog: Catalog) -> None:
    e = att.add_evidence_bytes(
        ws, group, "ia", "IA_AHE_1", "plan.docx", b"original", catalog=catalog
    )
    damage(ws, e.id, b"changed")
    with pytest.raises(att.EvidenceError, match="does not match its recorded SHA-256"):
        att.evidence_content(ws, e)


def test_size_cap_and_empty_files(
    ws: Workspace, group: EntityKey, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(ev_module, "MAX_EVIDENCE_BYTES", 1024 * 1024)
    big = tmp_path / "scan.tiff"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    with pytest.raises(att.EvidenceError, match=r"at most 1 MB each\. Save a smaller copy"):
        att.add_evidence(ws, group, "pi", "PI_PPHI_1", big)
    with pytest.raises(att.EvidenceError, match="is empty"):
        att.add_evidence_bytes(ws, group, "pi", "PI_PPHI_1", "blank.pdf", b"")
    with pytest.raises(att.EvidenceError, match="Can't read"):
        att.add_evidence(ws, group, "pi", "PI_PPHI_1", tmp_path / "missing.pdf")
    assert att.list_evidence(ws, group) == []


def test_file_names_are_made_safe(ws: Workspace, group: EntityKey) -> None:
    e = att.add_evidence_bytes(ws, group, "pi", "PI_PPHI_2", "../../etc/SAFER:guide.pdf", b"1")
    assert e.file_name == "SAFER_guide.pdf"


def test_remove_returns_content_for_undo(ws: Workspace, group: EntityKey) -> None:
    e = att.add_evidence_bytes(ws, group, "pi", "PI_PPHI_2", "safer.pdf", b"abc")
    assert att.remove_evidence(ws, e) == b"abc"
    assert att.list_evidence(ws, group) == []
    assert ws.audit_log(1)[0].action == "delete"


def test_audit_binder_zip(
    ws: Workspace, group: EntityKey, catalog: Catalog, tmp_path: Path
) -> None:
    att.set_pi_period(ws, group, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    att.set_cehrt_id(ws, group, "0015C1234567890")
    att.set_pi_answer(ws, group, "PI_PPHI_1", True)
    att.set_ia_activity(ws, group, "IA_AHE_1", True, dt.date(2025, 2, 1), dt.date(2025, 5, 31))
    e1 = att.add_evidence_bytes(ws, group, "pi", "PI_PPHI_1", "sra.pdf", SRA)
    e2 = att.add_evidence_bytes(ws, group, "ia", "IA_AHE_1", "plan.txt", b"plan")
    dest = tmp_path / "out" / "binder.zip"
    result = att.export_audit_binder(ws, group, dest, catalog)
    assert result.evidence_count == 2 and dest.is_file()
    assert oct(dest.stat().st_mode & 0o777) == "0o600"
    with zipfile.ZipFile(dest) as z:
        names = set(z.namelist())
        assert {
            "summary.pdf",
            "submission-pi-ia.json",
            "evidence-manifest.csv",
            "audit-trail.csv",
        } <= names
        assert z.read(f"evidence/pi/PI_PPHI_1/{e1.id}-sra.pdf") == SRA
        assert z.read(f"evidence/ia/IA_AHE_1/{e2.id}-plan.txt") == b"plan"
        pdf = z.read("summary.pdf")
        assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
        assert b"0015C1234567890" in pdf and b"IA_AHE_1" in pdf and e1.sha256.encode() in pdf
        manifest = list(csv.DictReader(io.StringIO(z.read("evidence-manifest.csv").decode())))
        assert {r["sha256"] for r in manifest} == {e1.sha256, e2.sha256}
        sub = json.loads(z.read("submission-pi-ia.json"))
        assert {s["category"] for s in sub["measurementSets"]} == {"pi", "ia"}
        trail = z.read("audit-trail.csv").decode()
        assert "attestation_evidence" in trail and "measurement_values" in trail
    assert [p.name for p in dest.parent.iterdir()] == ["binder.zip"]  # no temp file left


def test_binder_failure_leaves_nothing(ws: Workspace, group: EntityKey, tmp_path: Path) -> None:
    e = att.add_evidence_bytes(ws, group, "pi", "PI_PPHI_1", "sra.pdf", SRA)
    damage(ws, e.id, b"x")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(att.EvidenceError, match="SHA-256"):
        att.export_audit_binder(ws, group, out / "binder.zip")
    assert list(out.iterdir()) == []
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    damage(ws, e.id, SRA)
    with pytest.raises(att.EvidenceError, match="Can't write the audit binder"):
        att.export_audit_binder(ws, group, blocker / "binder.zip")


def test_evidence_for_a_measure_the_year_does_not_have_is_refused(
    ws: Workspace, group: EntityKey, tmp_path: Path, catalog: Catalog
) -> None:
    f = tmp_path / "sra.pdf"
    f.write_bytes(SRA)
    with pytest.raises(
        att.EvidenceError, match="PI_NOPE is not a 2025 Promoting Interoperability measure"
    ):
        att.add_evidence(ws, group, "pi", "PI_NOPE", f)
    with pytest.raises(att.EvidenceError, match="IA_NOPE is not a 2025 improvement activity"):
        att.add_evidence(ws, group, "ia", "IA_NOPE", f, catalog=catalog)
    with pytest.raises(att.EvidenceError, match="PI_PPHI_1 is not a 2025 improvement activity"):
        att.add_evidence_bytes(ws, group, "ia", "PI_PPHI_1", "x.pdf", SRA, catalog=catalog)
    with pytest.raises(att.EvidenceError, match="not 'quality'"):
        att.add_evidence(ws, group, "quality", "001", f)
    assert att.list_evidence(ws, group) == []
    assert not any(a.table_name == "attestation_evidence" for a in ws.audit_log(20))
    # the year's measures, exclusions and activities are accepted
    att.add_evidence(ws, group, "pi", "PI_PPHI_1", f)
    att.add_evidence(ws, group, "pi", "PI_PHCDRR_1_EX_1", f)
    att.add_evidence(ws, group, "ia", "IA_EPA_4", f, catalog=catalog)
    assert len(att.list_evidence(ws, group)) == 3


def test_activity_evidence_without_a_catalog(
    ws: Workspace, group: EntityKey, catalog_file: Path
) -> None:
    with pytest.raises(att.EvidenceError, match="measures catalog is not built"):
        att.add_evidence_bytes(ws, group, "ia", "IA_EPA_4", "plan.pdf", SRA)
    # an activity recorded for the entity, and the medical home, need no catalog
    att.set_ia_activity(ws, group, "IA_EPA_4", True, dt.date(2025, 1, 1), dt.date(2025, 4, 1))
    att.add_evidence_bytes(ws, group, "ia", "IA_EPA_4", "plan.pdf", SRA)
    att.add_evidence_bytes(ws, group, "ia", "IA_PCMH", "pcmh.pdf", SRA)
    # the user's built catalog is used when none is given
    paths.catalog_path().parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(catalog_file, paths.catalog_path())
    with pytest.raises(att.EvidenceError, match="IA_NOPE is not a 2025 improvement activity"):
        att.add_evidence_bytes(ws, group, "ia", "IA_NOPE", "plan.pdf", SRA)
    att.add_evidence_bytes(ws, group, "ia", "IA_BE_4", "plan.pdf", SRA)


def _pdf_lines(pdf: bytes) -> list[tuple[str, int, str]]:
    """(font, size, text) of every line the PDF draws (its streams are not compressed)."""
    out = []
    for m in re.finditer(rb"BT /(F\d) (\d+) Tf [\d.]+ [\d.]+ Td \(((?:\\.|[^\\)])*)\) Tj ET", pdf):
        text = re.sub(rb"\\(.)", rb"\1", m.group(3)).decode("latin-1")
        out.append((m.group(1).decode(), int(m.group(2)), text))
    return out


def test_binder_summary_names_the_clinician_in_full_and_statuses_in_words(
    small_ws: Workspace, catalog: Catalog
) -> None:
    clinician = EntityKey(2025, TIN, NPI_A)
    att.set_ia_activity(small_ws, clinician, "IA_PCMH", True)
    pdf = att.summary_pdf(small_ws, clinician, catalog)
    lines = _pdf_lines(pdf)
    texts = [t for _, _, t in lines]
    assert texts[0] == "MIPS 2025 audit binder"
    assert f"Maple Family Medicine, TIN {TIN}: Ada Quinn, NPI {NPI_A}" in texts
    assert "Special statuses: small practice." in texts
    assert not any("small_practice" in t for t in texts)
    joined = " ".join(t.strip() for t in texts)
    assert "accreditation: attested (no performance period of its own)" in joined
    assert "Category performance period: none of the completed activities" in joined
    # every line fits between the margins (Helvetica widths), footers included
    for font, size, text in lines:
        width = pdf_module.text_width(text, size, bold=font == "F2")
        assert width <= pdf_module.TEXT_W, text


def test_long_lines_wrap_instead_of_running_off_the_page() -> None:
    doc = pdf_module.PdfDocument("MIPS 2025 audit binder - " + "Very Long Practice Name " * 6)
    doc.paragraph("TIN 123456789, NPI 1234567893 " * 8, bold=True)
    doc.paragraph("SHA-256 " + "0123456789abcdef" * 4, size=8, indent=4)
    lines = _pdf_lines(doc.to_bytes())
    assert len(lines) > 6
    for font, size, text in lines:
        assert pdf_module.text_width(text, size, bold=font == "F2") <= pdf_module.TEXT_W
    words = " ".join(t for _, size, t in lines if size != 8).split()
    assert words.count("1234567893") == 8  # nothing lost at the breaks
    assert "".join(t.strip() for _, size, t in lines if size == 8 and "page" not in t).endswith(
        "0123456789abcdef" * 4
    )


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_evidence_is_accepted_for_every_measure_the_pi_page_shows(ws: Workspace, year: int) -> None:
    entity = EntityKey(year, TIN)
    shown = [m.measure_id for o in att.pi_layout(year, None) for m in o.measures]
    assert "PI_PPHI_1" in shown
    for mid in shown:
        att.add_evidence_bytes(ws, entity, "pi", mid, "proof.pdf", SRA)
    assert {e.measure_id for e in att.list_evidence(ws, entity)} == set(shown)
