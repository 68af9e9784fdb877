"""Export, then import the file into another workspace: the same data comes back."""

from __future__ import annotations

from pathlib import Path

import pytest
from export_data import add_group_data, add_individual_data

from desktop_app.catalog import Catalog
from desktop_app.exporting import export_entity, prepare_submission
from desktop_app.importing import apply_import, preview_import, read_import_file
from desktop_app.reporting import EntityKey, build_submission
from desktop_app.store import Workspace


def _import(path: Path, target: Path, catalog: Catalog) -> Workspace:
    ws = Workspace.open(target, user="bob")
    preview = preview_import(ws, read_import_file(path, catalog))
    assert preview.can_apply, preview.blocked
    apply_import(ws, preview, default="replace", agree_pi_scoring=True)
    return ws


def _sets(ws: Workspace, entity: EntityKey, ehr_quality_only: bool = False) -> list[object]:
    sub = prepare_submission(build_submission(ws, entity))
    out = []
    for s in sub.measurement_sets:
        if ehr_quality_only and s.category == "quality" and s.submission_method == "registry":
            continue
        out.append(
            (
                s.category,
                s.program_name,
                s.cehrt_id if s.category == "pi" or s.category == "quality" else None,
                s.performance_start,
                s.performance_end,
                sorted((m.measure_id, repr(m.value)) for m in s.measurements),
            )
        )
    return sorted(out, key=repr)


@pytest.mark.parametrize("which", ["individual", "group"])
def test_qpp_json_export_then_import_gives_the_same_data(
    ws: Workspace, catalog: Catalog, tmp_path: Path, which: str
) -> None:
    entity = add_individual_data(ws) if which == "individual" else add_group_data(ws)
    result = export_entity(ws, entity, "qpp-json", catalog, tmp_path / "out.json")
    other = _import(result.path, tmp_path / "other.mipsdesk", catalog)
    try:
        assert _sets(other, entity) == _sets(ws, entity)
    finally:
        other.close()


def test_qrda3_export_then_import_gives_the_same_ecqm_ia_and_pi_data(
    ws: Workspace, catalog: Catalog, tmp_path: Path
) -> None:
    entity = add_individual_data(ws)
    result = export_entity(ws, entity, "qrda3", catalog, tmp_path / "out.xml")
    other = _import(result.path, tmp_path / "other.mipsdesk", catalog)
    try:
        # The MIPS CQM (registry) measure is left out of QRDA III; all else comes back,
        # with its program, CEHRT ID and performance periods.
        assert _sets(other, entity) == _sets(ws, entity, ehr_quality_only=True)
    finally:
        other.close()


def test_qrda3_imported_then_exported_again_keeps_the_ecqm_data_and_ids(
    ws: Workspace, catalog: Catalog, tmp_path: Path
) -> None:
    from desktop_app.formats.qrda3.reader import read_qrda3
    from desktop_app.importing.ecqm_ids import known_ecqm_ids

    entity = add_individual_data(ws)  # 001 and 226 (three strata) as eCQMs
    first = export_entity(ws, entity, "qrda3", catalog, tmp_path / "first.xml")
    other = _import(first.path, tmp_path / "other.mipsdesk", catalog)
    try:
        assert set(known_ecqm_ids(other, 2025)) == {"001", "226"}
        again = export_entity(other, entity, "qrda3", catalog, tmp_path / "again.xml")
        a = read_qrda3(first.path, catalog)
        b = read_qrda3(again.path, catalog)
        assert b.submission_json["measurementSets"] == a.submission_json["measurementSets"]
        assert b.ecqm_ids == a.ecqm_ids
        assert b.supplemental == a.supplemental
    finally:
        other.close()
