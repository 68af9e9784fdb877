"""Measures picked per entity and the practice's specialty, saved in the workspace."""

from __future__ import annotations

from pathlib import Path

from desktop_app.quality import (
    practice_specialty,
    select_measure,
    selected_measures,
    set_practice_specialty,
    unselect_measure,
)
from desktop_app.reporting import EntityKey, save_value, stored_values
from desktop_app.store import Workspace

ENTITY = EntityKey(2025, "000777777", None)
VALUE = {
    "isEndToEndReported": False,
    "eligiblePopulation": 40,
    "performanceMet": 30,
    "performanceNotMet": 10,
}


def test_picked_measures_and_measures_with_data_are_listed(tmp_path: Path) -> None:
    path = tmp_path / "w.mipsdesk"
    with Workspace.open(path) as ws:
        select_measure(ws, ENTITY, "236", "registry")
        select_measure(ws, ENTITY, "236", "registry")  # twice: listed once
        save_value(ws, ENTITY, "quality", "001", VALUE, submission_method="electronicHealthRecord")
    with Workspace.open(path) as ws:  # survives reopening
        listed = [
            (s.measure_id, s.submission_method, s.has_data) for s in selected_measures(ws, ENTITY)
        ]
        other = selected_measures(ws, EntityKey(2025, "000777777", "1234567893"))
        audit = [e.table_name for e in ws.audit_log()]
    assert listed == [("001", "electronicHealthRecord", True), ("236", "registry", False)]
    assert other == []
    assert "quality_selections" in audit


def test_removing_a_measure_deletes_its_data_in_the_same_transaction(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "w.mipsdesk") as ws:
        select_measure(ws, ENTITY, "236", "registry")
        save_value(ws, ENTITY, "quality", "236", VALUE)
        unselect_measure(ws, ENTITY, "236", "registry")
        assert selected_measures(ws, ENTITY) == []
        assert stored_values(ws, ENTITY) == []


def test_specialty_is_remembered(tmp_path: Path) -> None:
    path = tmp_path / "w.mipsdesk"
    with Workspace.open(path) as ws:
        assert practice_specialty(ws) is None
        set_practice_specialty(ws, "cardiology")
    with Workspace.open(path) as ws:
        assert practice_specialty(ws) == "cardiology"
        set_practice_specialty(ws, None)
        assert practice_specialty(ws) is None
