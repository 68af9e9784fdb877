"""An eCQM that CMS defines with several population sets, imported from QRDA III (QPP JSON
holds only the sets' totals), is exported to QRDA III again set by set while its counts
are those of the file; once edited it is left out with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from export_data import add_ia
from lxml import etree

from desktop_app.catalog import Catalog
from desktop_app.exporting import export_entity, prepare_submission
from desktop_app.formats.qrda3 import model as m
from desktop_app.formats.qrda3 import schematron
from desktop_app.formats.qrda3.reader import read_qrda3
from desktop_app.importing import apply_import, preview_import, read_import_file
from desktop_app.reporting import EntityKey, build_submission, save_value
from desktop_app.store import Workspace

SAMPLE = "sample-files__2025__MultiStrata_SinglePerformanceRate-sample.xml"


@pytest.fixture
def sample(shared_dir: Path) -> Path:
    return shared_dir / "qrda3-samples" / "valid" / SAMPLE


def _import(path: Path, target: Path, catalog: Catalog) -> tuple[Workspace, EntityKey]:
    ws = Workspace.open(target, user="bob")
    preview = preview_import(ws, read_import_file(path, catalog))
    assert preview.can_apply, preview.blocked
    apply_import(ws, preview, default="replace")
    return ws, preview.entity


def _quality(ws: Workspace, entity: EntityKey) -> list[object]:
    sub = prepare_submission(build_submission(ws, entity))
    return sorted(
        (s.program_name, s.cehrt_id, sorted((x.measure_id, repr(x.value)) for x in s.measurements))
        for s in sub.measurement_sets
        if s.category == "quality"
    )


def _population_counts(xml: bytes) -> dict[str, tuple[str, int]]:
    """Population UUID (upper case) -> (population code, aggregate count) in the file."""
    root = etree.fromstring(xml)
    out: dict[str, tuple[str, int]] = {}
    for obs in root.iter(f"{{{m.HL7}}}observation"):
        ref = obs.find("h:reference/h:externalObservation/h:id", m.NS)
        value = obs.find("h:value", m.NS)
        counts = obs.xpath(
            "h:entryRelationship/h:observation[h:code/@code='MSRAGG']/h:value", namespaces=m.NS
        )
        if ref is None or value is None or len(counts) != 1:
            continue
        count = counts[0]
        out[str(ref.get("root")).upper()] = (str(value.get("code")), int(str(count.get("value"))))
    return out


def test_imported_population_sets_are_exported_each_with_its_counts_and_pass_the_schematron(
    sample: Path, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIPSDESK_SCHEMATRON_DIR", str(sample.parents[2] / "qrda3-schematron"))
    original = read_qrda3(sample, catalog)
    assert len(original.population_sets["007"]) == 2
    ws, entity = _import(sample, tmp_path / "first.mipsdesk", catalog)
    try:
        result = export_entity(ws, entity, "qrda3", catalog, tmp_path / "out.xml")
        assert result.rendered.left_out == []
        data = result.path.read_bytes()
        written = _population_counts(data)
        for pop_set in original.population_sets["007"]:
            for code, pop_id in pop_set.populations.items():
                assert written[pop_id.upper()] == (code, pop_set.counts[code])
        assert schematron.run(etree.ElementTree(etree.fromstring(data)), 2025) == []
        again = read_qrda3(data, catalog)
        assert again.population_sets == original.population_sets
        assert again.ecqm_ids == original.ecqm_ids

        # The exported file imported into another fresh workspace: the same QPP JSON data.
        other, other_entity = _import(result.path, tmp_path / "second.mipsdesk", catalog)
        try:
            assert other_entity == entity
            assert _quality(other, entity) == _quality(ws, entity)
            # ... and it exports set by set again.
            twice = export_entity(other, entity, "qrda3", catalog, tmp_path / "twice.xml")
            assert twice.rendered.left_out == []
            assert _population_counts(twice.path.read_bytes()) == written
        finally:
            other.close()
    finally:
        ws.close()


def test_after_editing_the_counts_the_measure_is_left_out_with_the_reason(
    sample: Path, catalog: Catalog, tmp_path: Path
) -> None:
    ws, entity = _import(sample, tmp_path / "first.mipsdesk", catalog)
    try:
        add_ia(ws, entity)  # so the file still has something to carry
        sub = build_submission(ws, entity)
        value = next(x.value for s in sub.sets("quality") for x in s.measurements)
        original = value.model_dump(by_alias=True, exclude_none=True)
        edited = {
            **original,
            "performanceMet": original["performanceMet"] - 1,
            "performanceNotMet": original["performanceNotMet"] + 1,
        }
        ehr = "electronicHealthRecord"
        save_value(ws, entity, "quality", "007", edited, submission_method=ehr)
        result = export_entity(ws, entity, "qrda3", catalog, tmp_path / "edited.xml")
        assert [x.measure_id for x in result.rendered.left_out] == ["007"]
        reason = result.rendered.left_out[0].reason
        assert "2 population sets" in reason
        assert "can't be split back" in reason
        assert read_qrda3(result.path, catalog).population_sets == {}

        # Put back as the file had it: the kept counts add up again and 007 is written.
        save_value(ws, entity, "quality", "007", original, submission_method=ehr)
        restored = export_entity(ws, entity, "qrda3", catalog, tmp_path / "restored.xml")
        assert restored.rendered.left_out == []
        assert set(read_qrda3(restored.path, catalog).population_sets) == {"007"}
    finally:
        ws.close()
