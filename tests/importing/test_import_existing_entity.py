"""An import into a workspace that already holds the entity's data creates no entity."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from import_data import NPI, TIN, counts, quality_set, submission, write_json

from desktop_app.cli import main
from desktop_app.models.practice import Clinician, Practice, ReportingEntity
from desktop_app.reporting import EntityKey, save_value
from desktop_app.store import Workspace

ENTITY = EntityKey(2025, TIN, NPI)


pytestmark = pytest.mark.usefixtures("user_catalog")  # the catalog as installed (conftest)


def practice_with_clinician(path: Path) -> Workspace:
    ws = Workspace.open(path)
    ws.save_practice(Practice(tin=TIN, name="Maple"))
    ws.add_clinician(Clinician(npi=NPI, first_name="Ada", last_name="Quinn", clinician_type="MD"))
    return ws


def dry_run(capsys: pytest.CaptureFixture[str], file: Path, ws: Path) -> dict:  # type: ignore[type-arg]
    code = main(["import", str(file), "--workspace", str(ws), "--dry-run", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data: dict = json.loads(out)  # type: ignore[type-arg]
    return data


def test_dry_run_does_not_create_an_entity_that_has_entered_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws_path = tmp_path / "w.mipsdesk"
    with practice_with_clinician(ws_path) as ws:
        save_value(ws, ENTITY, "quality", "001", counts(met=20, not_met=80))
        assert ws.reporting_entities(2025) == []  # entered by hand: no entity row
    file = write_json(tmp_path / "a.json", submission(quality_set(counts())))
    data = dry_run(capsys, file, ws_path)
    assert data["creates"] == []
    assert data["counts"]["add"] == 1
    # the real import agrees with the dry run and keeps the hand-entered value
    assert main(["import", str(file), "--workspace", str(ws_path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)["result"]
    assert result["created"] == [] and result["added"] == 1
    with Workspace.open(ws_path) as ws:
        from desktop_app.reporting import stored_values

        assert {v.measure_id for v in stored_values(ws, ENTITY, "quality")} == {"001", "236"}


def test_dry_run_does_not_create_a_stored_entity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws_path = tmp_path / "w.mipsdesk"
    with practice_with_clinician(ws_path) as ws:
        ws.save_reporting_entity(ReportingEntity(year=2025, tin=TIN, npi=NPI))
    file = write_json(tmp_path / "a.json", submission(quality_set(counts())))
    assert dry_run(capsys, file, ws_path)["creates"] == []


def test_dry_run_still_creates_an_entity_with_no_data_yet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws_path = tmp_path / "w.mipsdesk"
    with practice_with_clinician(ws_path) as ws:
        # data of the group does not make the clinician's entity exist
        save_value(ws, EntityKey(2025, TIN, None), "quality", "001", counts())
    file = write_json(tmp_path / "a.json", submission(quality_set(counts())))
    data = dry_run(capsys, file, ws_path)
    assert [c["kind"] for c in data["creates"]] == ["reporting_entity"]
    assert NPI in data["creates"][0]["description"]


def test_an_mvp_file_for_an_entity_with_traditional_data_warns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws_path = tmp_path / "w.mipsdesk"
    with practice_with_clinician(ws_path) as ws:
        save_value(ws, ENTITY, "quality", "001", counts())
    mvp_set = {**quality_set(counts()), "programName": "M0005"}
    file = write_json(tmp_path / "a.json", submission(mvp_set))
    data = dry_run(capsys, file, ws_path)
    assert data["creates"] == []
    assert any("M0005" in w and "traditional" in w for w in data["warnings"])
