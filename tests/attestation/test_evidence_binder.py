"""Evidence files kept in the workspace with their SHA-256, and the audit binder ZIP."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

from desktop_app import attestation as att
from desktop_app.attestation import evidence as ev_module
from desktop_app.catalog import Catalog
from desktop_app.reporting import EntityKey
from desktop_app.store import Workspace

SRA = b"%PDF-1.4 security risk analysis 2025\n" * 10


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


def test_damaged_copy_is_detected(ws: Workspace, group: EntityKey) -> None:
    e = att.add_evidence_bytes(ws, group, "ia", "IA_AHE_1", "plan.docx", b"original")
    ws.db.execute("UPDATE attestation_evidence SET content = ? WHERE id = ?", [b"changed", e.id])
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
    ws.db.execute("UPDATE attestation_evidence SET content = ? WHERE id = ?", [b"x", e.id])
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(att.EvidenceError, match="SHA-256"):
        att.export_audit_binder(ws, group, out / "binder.zip")
    assert list(out.iterdir()) == []
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    ws.db.execute("UPDATE attestation_evidence SET content = ? WHERE id = ?", [SRA, e.id])
    with pytest.raises(att.EvidenceError, match="Can't write the audit binder"):
        att.export_audit_binder(ws, group, blocker / "binder.zip")
