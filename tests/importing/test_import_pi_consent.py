"""Importing PI data where PI is reweighted to 0% needs the user's final agreement.

Entering PI by hand for such an entity first asks the user to agree that PI will be
scored (issue: PI and IA attestation); an import is data entry too, so it asks the
same, records the agreement with the user and the time, and writes nothing without it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from import_data import NPI, TIN, counts, quality_set, submission, write_json

from desktop_app.attestation import pi_consent, pi_consent_needed
from desktop_app.cli import main
from desktop_app.importing import ImportApplyError, apply_import, preview_import, read_import_file
from desktop_app.models.practice import Clinician, Practice
from desktop_app.reporting import EntityKey, stored_values
from desktop_app.store import Workspace

ENTITY = EntityKey(2025, TIN, NPI)


def pi_set(num: int = 30, den: int = 40) -> dict:  # type: ignore[type-arg]
    return {
        "category": "pi",
        "submissionMethod": "electronicHealthRecord",
        "performanceStart": "2025-01-01",
        "performanceEnd": "2025-12-31",
        "measurements": [{"measureId": "PI_EP_1", "value": {"numerator": num, "denominator": den}}],
    }


def file_with(tmp_path: Path, catalog, *sets):  # type: ignore[no-untyped-def]
    return read_import_file(write_json(tmp_path / "ehr.json", submission(*sets)), catalog)


def small_practice(ws: Workspace) -> None:
    ws.save_practice(Practice(tin=TIN, name="Maple Family Medicine"))
    ws.add_clinician(Clinician(npi=NPI, first_name="Ada", last_name="Quinn", clinician_type="MD"))


def test_pi_data_for_a_small_practice_needs_the_agreement_and_nothing_is_written_without_it(
    tmp_path: Path, ws: Workspace, catalog
) -> None:  # type: ignore[no-untyped-def]
    small_practice(ws)
    preview = preview_import(ws, file_with(tmp_path, catalog, quality_set(counts()), pi_set()))
    assert preview.pi_consent_required is not None
    assert "reweighted to 0% for 2025 (small practice)" in preview.pi_consent_required
    assert "can't be undone" in preview.pi_consent_required
    assert preview.as_dict()["piConsentRequired"] == preview.pi_consent_required
    assert any("Agreement needed" in line for line in preview.summary_lines())
    audit_before = len(ws.audit_log())

    with pytest.raises(ImportApplyError, match="reweighted to 0%"):
        apply_import(ws, preview)
    assert stored_values(ws, ENTITY) == []  # not even the quality measure: one transaction
    assert pi_consent(ws, ENTITY) is None
    assert len(ws.audit_log()) == audit_before

    result = apply_import(ws, preview, agree_pi_scoring=True)
    assert result.added == 2
    agreed = pi_consent(ws, ENTITY)
    assert agreed is not None and agreed.user == "jane" and "small practice" in agreed.reason
    assert pi_consent_needed(ws, ENTITY) is None  # the PI page no longer says "reweighted"
    assert [e.action for e in ws.audit_log(table="attestation_pi_consent")] == ["agree"]


def test_a_file_without_pi_or_with_unchanged_pi_needs_no_agreement(
    tmp_path: Path, ws: Workspace, catalog
) -> None:  # type: ignore[no-untyped-def]
    small_practice(ws)
    quality_only = preview_import(ws, file_with(tmp_path, catalog, quality_set(counts())))
    assert quality_only.pi_consent_required is None
    apply_import(ws, quality_only)
    assert pi_consent(ws, ENTITY) is None

    with_pi = file_with(tmp_path, catalog, quality_set(counts()), pi_set())
    apply_import(ws, preview_import(ws, with_pi), agree_pi_scoring=True)
    again = preview_import(ws, with_pi)  # the same file again: nothing new for PI
    assert again.pi_consent_required is None
    assert apply_import(ws, again).unchanged == 2


def test_a_fresh_workspace_asks_because_the_practice_the_import_creates_is_small(
    tmp_path: Path, ws: Workspace, catalog
) -> None:  # type: ignore[no-untyped-def]
    assert ws.practice() is None
    preview = preview_import(ws, file_with(tmp_path, catalog, pi_set()))
    assert [c.kind for c in preview.creations] == ["practice", "clinician", "reporting_entity"]
    assert preview.pi_consent_required and "small practice" in preview.pi_consent_required
    assert ws.practice() is None and ws.clinicians() == []  # the preview wrote nothing
    with pytest.raises(ImportApplyError):
        apply_import(ws, preview)
    assert ws.practice() is None  # the creations were rolled back with the rest
    apply_import(ws, preview, agree_pi_scoring=True)
    assert ws.practice() is not None and pi_consent(ws, ENTITY) is not None


def test_a_practice_that_is_not_small_imports_pi_without_being_asked(
    tmp_path: Path, ws: Workspace, catalog
) -> None:  # type: ignore[no-untyped-def]
    ws.save_practice(Practice(tin=TIN, name="Large Group", size=40))
    ws.add_clinician(Clinician(npi=NPI, first_name="Ada", last_name="Quinn", clinician_type="MD"))
    preview = preview_import(ws, file_with(tmp_path, catalog, pi_set()))
    assert preview.pi_consent_required is None
    apply_import(ws, preview)
    assert [v.measure_id for v in stored_values(ws, ENTITY, "pi")] == ["PI_EP_1"]
    assert pi_consent(ws, ENTITY) is None


def test_cli_import_of_pi_needs_agree_pi_scoring(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], user_catalog: None
) -> None:
    path = write_json(tmp_path / "ehr.json", submission(quality_set(counts()), pi_set()))
    ws_path = tmp_path / "maple.mipsdesk"

    assert main(["import", str(path), "--workspace", str(ws_path), "--dry-run", "--json"]) == 0
    dry = json.loads(capsys.readouterr().out)
    assert "small practice" in dry["piConsentRequired"]

    code = main(["import", str(path), "--workspace", str(ws_path)])
    err = capsys.readouterr().err
    assert code == 3
    assert "nothing was imported" in err and "--agree-pi-scoring" in err
    with Workspace.open(ws_path) as ws:
        assert ws.practice() is None and stored_values(ws, ENTITY) == []

    code = main(["import", str(path), "--workspace", str(ws_path), "--agree-pi-scoring", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["imported"] is True and out["result"]["added"] == 2
    with Workspace.open(ws_path) as ws:
        assert pi_consent(ws, ENTITY) is not None
