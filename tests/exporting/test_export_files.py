"""Export to QPP JSON and QRDA III: round trips, validation, --all, atomic writes."""

from __future__ import annotations

import errno
import hashlib
import json
import os
from pathlib import Path

import pytest
from export_data import (
    NPI_A,
    NPI_B,
    TIN,
    add_group_data,
    add_ia,
    add_individual_data,
    add_pi,
    single,
)

from desktop_app.catalog import Catalog
from desktop_app.exporting import (
    ExportBlocked,
    ExportError,
    NotWritable,
    export_all,
    export_entity,
    render_entity,
)
from desktop_app.formats.qpp_json import read_submission
from desktop_app.formats.qrda3.reader import read_qrda3
from desktop_app.formats.validate import validate_file
from desktop_app.reporting import EntityKey, save_value, stored_values
from desktop_app.store import Workspace
from desktop_app.util import files


def _values(sub, category: str, method: str | None = None) -> dict[str, object]:  # type: ignore[no-untyped-def]
    out: dict[str, object] = {}
    for s in sub.sets(category):
        if method is None or s.submission_method == method:
            for m in s.measurements:
                out[m.measure_id] = m.value if isinstance(m.value, bool) else m.value.to_json_dict()
    return out


def test_qpp_json_export_then_parse_gives_the_stored_data(
    ws: Workspace, catalog: Catalog, tmp_path: Path
) -> None:
    entity = add_individual_data(ws)
    result = export_entity(ws, entity, "qpp-json", catalog, tmp_path / "a.json")
    sub = read_submission(result.path)
    assert sub.entity_type == "individual"
    assert (sub.taxpayer_identification_number, sub.national_provider_identifier) == (TIN, NPI_A)
    assert sub.performance_year == 2025
    stored = {(v.category, v.measure_id): v.value for v in stored_values(ws, entity)}
    exported = {
        (s.category, m.measure_id): m.value if isinstance(m.value, bool) else m.value.to_json_dict()
        for s in sub.measurement_sets
        for m in s.measurements
    }
    assert exported == stored
    methods = {(s.category, s.submission_method) for s in sub.measurement_sets}
    assert methods == {
        ("quality", "registry"),
        ("quality", "electronicHealthRecord"),
        ("pi", "registry"),
        ("ia", "registry"),
    }
    pi = sub.sets("pi")[0]
    assert pi.cehrt_id == "0015C1235689784"
    assert (str(pi.performance_start), str(pi.performance_end)) == ("2025-04-01", "2025-12-31")
    ehr = next(s for s in sub.sets("quality") if s.submission_method == "electronicHealthRecord")
    assert ehr.cehrt_id == "0015C1235689784"
    # QPP computes rates itself: the file never carries them.
    text = result.path.read_text()
    assert "performanceRate" not in text and "reportingRate" not in text


def test_only_categories_with_data_are_exported(
    ws: Workspace, catalog: Catalog, tmp_path: Path
) -> None:
    entity = EntityKey(2025, TIN, None)
    add_ia(ws, entity)
    result = export_entity(ws, entity, "qpp-json", catalog, tmp_path / "g.json")
    data = json.loads(result.path.read_text())
    assert [s["category"] for s in data["measurementSets"]] == ["ia"]
    assert data["entityType"] == "group"
    assert "nationalProviderIdentifier" not in data
    assert data["measurementSets"][0]["performanceStart"] == "2025-01-01"
    assert data["measurementSets"][0]["performanceEnd"] == "2025-12-31"


def test_mvp_data_is_exported_with_the_mvp_as_program_name(
    ws: Workspace, catalog: Catalog, tmp_path: Path
) -> None:
    def cqm(measure_id: str) -> bool:
        info = catalog.measure(2025, measure_id)
        return (
            info is not None
            and "registry" in info.submission_methods
            and info.metric_type == "singlePerformanceRate"
        )

    mvp = next(m for m in catalog.mvps(2025) if any(cqm(q) for q in m.quality_measure_ids))
    quality_id = next(q for q in mvp.quality_measure_ids if cqm(q))
    entity = EntityKey(2025, TIN, None)
    save_value(ws, entity, "quality", quality_id, single(80, 20, 100), program_name=mvp.mvp_id)
    save_value(ws, entity, "ia", mvp.ia_measure_ids[0], True, program_name=mvp.mvp_id)
    result = export_entity(ws, entity, "qpp-json", catalog, tmp_path / "mvp.json")
    data = json.loads(result.path.read_text())
    assert {s["programName"] for s in data["measurementSets"]} == {mvp.mvp_id}


def test_qrda3_export_then_read_gives_the_ecqm_ia_and_pi_data(
    ws: Workspace, catalog: Catalog, tmp_path: Path
) -> None:
    entity = add_individual_data(ws)
    result = export_entity(ws, entity, "qrda3", catalog, tmp_path / "a.xml")
    left = [(m.category, m.measure_id, m.reason) for m in result.rendered.left_out]
    assert left == [("quality", "047", "MIPS CQM measures are submitted as QPP JSON")]
    doc = read_qrda3(result.path, catalog)
    assert (doc.tin, doc.npi, doc.performance_year) == (TIN, NPI_A, 2025)
    assert doc.program == "MIPS_INDIV"
    back = doc.submission()
    build = render_entity(ws, entity, "qpp-json", catalog).submission
    assert _values(back, "quality") == _values(build, "quality", "electronicHealthRecord")
    assert _values(back, "ia") == _values(build, "ia")
    assert _values(back, "pi") == _values(build, "pi")
    assert back.sets("pi")[0].cehrt_id == "0015C1235689784"


@pytest.mark.usefixtures("rules")
@pytest.mark.parametrize("fmt", ["qpp-json", "qrda3"])
def test_exported_files_validate_without_errors(
    ws: Workspace, catalog: Catalog, tmp_path: Path, fmt: str
) -> None:
    for entity in (add_individual_data(ws), add_group_data(ws)):
        if fmt == "qrda3" and entity.npi is None:
            save_value(
                ws,
                entity,
                "quality",
                "001",
                single(20, 80, 100),
                submission_method="electronicHealthRecord",
            )
            from desktop_app.reporting import save_set_fields

            save_set_fields(
                ws,
                entity,
                "quality",
                submission_method="electronicHealthRecord",
                cehrt_id="0015C1235689784",
            )
        result = export_entity(ws, entity, fmt, catalog, tmp_path)  # type: ignore[arg-type]
        report = validate_file(result.path, year=2025, catalog=catalog)
        assert report.valid, [p.describe() for p in report.problems]
        if fmt == "qrda3":
            assert "CMS schematron 2025 (errors phase)" in report.checks


def test_2026_ecqm_without_known_id_is_named_and_left_out(tmp_path: Path, catalog: Catalog) -> None:
    from export_data import new_practice

    with new_practice(tmp_path / "w26.mipsdesk", year=2026) as ws:
        entity = add_individual_data(ws, year=2026)
        rendered = render_entity(ws, entity, "qrda3", catalog)
        reasons = {m.measure_id: m.reason for m in rendered.left_out}
        assert set(reasons) == {"047", "001", "226"}
        assert "version-specific" in reasons["001"]
        assert "2026" in reasons["001"]
        doc = read_qrda3(rendered.data, catalog)
        assert not doc.submission().sets("quality")
        assert doc.submission().sets("pi") and doc.submission().sets("ia")


def test_qrda3_with_nothing_it_can_carry_is_not_writable(
    ws: Workspace, catalog: Catalog, tmp_path: Path
) -> None:
    entity = EntityKey(2025, TIN, None)
    save_value(ws, entity, "quality", "047", single(30, 10, 40))
    with pytest.raises(NotWritable, match="MIPS CQM"):
        export_entity(ws, entity, "qrda3", catalog, tmp_path / "g.xml")
    assert not (tmp_path / "g.xml").exists()


def test_blocked_export_writes_nothing_and_keeps_the_previous_file(
    ws: Workspace, catalog: Catalog, tmp_path: Path
) -> None:
    entity = add_group_data(ws)
    out = tmp_path / "g.json"
    out.write_text("previous export")
    save_value(ws, entity, "pi", "PI_LVPP_1", True)
    with pytest.raises(ExportBlocked) as info:
        export_entity(ws, entity, "qpp-json", catalog, out)
    assert info.value.reports[0].errors[0].code == "MEASURE_WITH_ITS_EXCLUSION"
    assert out.read_text() == "previous export"


def test_export_all_writes_one_file_per_entity_and_a_manifest(
    ws: Workspace, catalog: Catalog, tmp_path: Path
) -> None:
    add_individual_data(ws)
    add_group_data(ws)
    folder = tmp_path / "out"
    batch = export_all(ws, 2025, "qpp-json", catalog, folder)
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        f"{TIN}_{NPI_A}_2025.json",
        f"{TIN}_group_2025.json",
        "manifest_2025_qpp-json.json",
    ]
    manifest = json.loads(batch.manifest_path.read_text())
    assert manifest["performanceYear"] == 2025 and manifest["format"] == "qpp-json"
    for entry in manifest["files"]:
        data = (folder / entry["file"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)
    assert {e["entity"] for e in manifest["files"]} == {TIN, f"{TIN}/{NPI_A}"}
    assert [s["entity"] for s in manifest["skipped"]] == [f"{TIN}/{NPI_B}"]
    assert (os.stat(folder / f"{TIN}_group_2025.json").st_mode & 0o777) == 0o600


def test_export_all_qrda3_lists_left_out_measures_in_the_manifest(
    ws: Workspace, catalog: Catalog, tmp_path: Path
) -> None:
    add_individual_data(ws)
    add_group_data(ws)
    batch = export_all(ws, 2025, "qrda3", catalog, tmp_path)
    manifest = json.loads(batch.manifest_path.read_text())
    left = {e["entity"]: [m["measureId"] for m in e["leftOut"]] for e in manifest["files"]}
    assert left == {TIN: ["047", "236"], f"{TIN}/{NPI_A}": ["047"]}


def test_export_all_is_blocked_by_an_error_in_any_entity(
    ws: Workspace, catalog: Catalog, tmp_path: Path
) -> None:
    add_individual_data(ws)
    group = add_group_data(ws)
    save_value(ws, group, "pi", "PI_LVPP_1", True)
    with pytest.raises(ExportBlocked) as info:
        export_all(ws, 2025, "qpp-json", catalog, tmp_path / "out")
    assert [r.entity for r in info.value.reports] == [group]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_write_failure_midway_in_export_all_leaves_no_partial_file(
    ws: Workspace, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_individual_data(ws)
    add_group_data(ws)
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    real = files.atomic_write_bytes
    calls: list[Path] = []

    def failing(path: Path, data: bytes, mode: int = 0o600) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise files.WriteError(f"Could not write {path}: No space left on device")
        real(path, data, mode)

    monkeypatch.setattr(files, "atomic_write_bytes", failing)
    with pytest.raises(ExportError, match="No space left on device"):
        export_all(ws, 2025, "qpp-json", catalog, folder)
    assert len(calls) == 2
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_full_disk_during_export_all_leaves_no_partial_file(
    ws: Workspace, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_individual_data(ws)
    add_group_data(ws)
    folder = tmp_path / "out"
    real_fsync = os.fsync
    count = {"n": 0}

    def fsync(fd: int) -> None:
        count["n"] += 1
        if count["n"] == 3:  # the manifest, after both entity files
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(ExportError, match="nothing was exported"):
        export_all(ws, 2025, "qpp-json", catalog, folder)
    assert list(folder.iterdir()) == []


def test_single_export_failure_keeps_the_previous_file(
    ws: Workspace, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entity = add_group_data(ws)
    out = tmp_path / "g.json"
    out.write_text("previous export")

    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(ExportError, match="No space left"):
        export_entity(ws, entity, "qpp-json", catalog, out)
    assert out.read_text() == "previous export"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".g.json")] == []


def test_pi_from_two_sources_blocks_export(ws: Workspace, catalog: Catalog, tmp_path: Path) -> None:
    entity = add_group_data(ws)
    add_pi(ws, entity, method="electronicHealthRecord")
    save_value(ws, entity, "pi", "PI_PPHI_1", False, submission_method="electronicHealthRecord")
    with pytest.raises(ExportBlocked, match="2 sources"):
        export_entity(ws, entity, "qpp-json", catalog, tmp_path / "g.json")


def test_pi_from_two_sources_that_agree_is_exported(
    ws: Workspace, catalog: Catalog, tmp_path: Path
) -> None:
    entity = add_group_data(ws)
    add_pi(ws, entity, method="electronicHealthRecord")
    result = export_entity(ws, entity, "qpp-json", catalog, tmp_path / "g.json")
    assert result.path.exists()
    sent = json.loads(result.path.read_text())
    methods = sorted(
        s["submissionMethod"] for s in sent["measurementSets"] if s["category"] == "pi"
    )
    assert methods == ["electronicHealthRecord", "registry"]


def test_export_all_qrda3_skips_an_entity_it_cannot_carry_and_says_why(
    ws: Workspace, catalog: Catalog, tmp_path: Path
) -> None:
    add_individual_data(ws)
    save_value(ws, EntityKey(2025, TIN, None), "quality", "047", single(30, 10, 40))
    batch = export_all(ws, 2025, "qrda3", catalog, tmp_path)
    assert [f.path.name for f in batch.files] == [f"{TIN}_{NPI_A}_2025.xml"]
    reasons = dict(batch.skipped)
    assert "MIPS CQM measures are submitted as QPP JSON" in reasons[TIN]
    manifest = json.loads(batch.manifest_path.read_text())
    assert {s["entity"] for s in manifest["skipped"]} == {TIN, f"{TIN}/{NPI_B}"}
