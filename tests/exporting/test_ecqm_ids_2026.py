"""2026 eCQMs: ids supplied from the eCQI list -> QRDA III export -> import elsewhere."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from export_data import CEHRT, NPI_A, TIN, add_ia, add_pi, new_practice, single

from desktop_app.catalog import Catalog
from desktop_app.cli import main
from desktop_app.exporting import ExportResult, render_entity
from desktop_app.exporting.jobs import export_job, validate_job
from desktop_app.formats.qrda3.model import EcqmIds, SupplementalCount
from desktop_app.formats.qrda3.reader import read_qrda3
from desktop_app.formats.qrda3.writer import write_qrda3
from desktop_app.formats.validate import validate_file
from desktop_app.importing import read_import_file
from desktop_app.importing.ecqm_ids import (
    all_known_ecqm_ids,
    known_ecqm_ids,
    parse_ids_csv,
    save_supplied_ids,
)
from desktop_app.reporting import EntityKey, build_submission, save_set_fields, save_value
from desktop_app.store import Workspace

EHR = "electronicHealthRecord"
MEASURE_UUID = "2c928085-7198-38ee-0171-9d78a0300a3a"
POPS = {
    "IPOP": "1c1e8e3b-9d4a-4f0e-8a51-0a6b2f3c4d01",
    "DENOM": "1c1e8e3b-9d4a-4f0e-8a51-0a6b2f3c4d02",
    "NUMER": "1c1e8e3b-9d4a-4f0e-8a51-0a6b2f3c4d03",
    "DENEX": "1c1e8e3b-9d4a-4f0e-8a51-0a6b2f3c4d04",
}
CSV_TEXT = (
    "eCQM id,Version-specific uuid,IPOP,DENOM,NUMER,DENEX\n"
    f"CMS122v14,{MEASURE_UUID},{POPS['IPOP']},{POPS['DENOM']},{POPS['NUMER']},{POPS['DENEX']}\n"
)
ENTITY = EntityKey(2026, TIN, NPI_A)


def _ids_csv(tmp_path: Path, text: str = CSV_TEXT) -> Path:
    path = tmp_path / "ecqm-ids-2026.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _practice_2026(path: Path) -> Path:
    with new_practice(path, year=2026) as ws:
        save_value(
            ws, ENTITY, "quality", "001", single(40, 150, 200, excl=10), submission_method=EHR
        )
        save_set_fields(
            ws,
            ENTITY,
            "quality",
            submission_method=EHR,
            cehrt_id=CEHRT,
            performance_start=dt.date(2026, 1, 1),
            performance_end=dt.date(2026, 12, 31),
        )
        add_pi(ws, ENTITY)
        add_ia(ws, ENTITY)
    return path


def _ecqm_sets(path: Path) -> list[tuple[object, ...]]:
    with Workspace.open(path) as ws:
        sub = build_submission(ws, ENTITY)
    return sorted(
        (s.category, s.cehrt_id, sorted((m.measure_id, repr(m.value)) for m in s.measurements))
        for s in sub.measurement_sets
        if s.submission_method == EHR or s.category != "quality"
    )


def test_supplied_2026_ids_export_an_ecqm_that_passes_cms_rules_and_imports_back(
    tmp_path: Path,
    user_catalog: Path,
    rules: Path,
    catalog: Catalog,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ws_path = _practice_2026(tmp_path / "maple.mipsdesk")
    csv_path = _ids_csv(tmp_path)
    assert (
        main(["ecqm-ids", "import", str(csv_path), "--year", "2026", "--workspace", str(ws_path)])
        == 0
    )
    capsys.readouterr()

    out = tmp_path / "ada-2026.xml"
    code = main(
        ["export", "--workspace", str(ws_path), "--entity", f"{TIN}/{NPI_A}", "--year", "2026",
         "--format", "qrda3", "-o", str(out), "--json"]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert [m["measureId"] for m in json.loads(captured.out)["leftOut"]] == []
    xml = out.read_text("utf-8")
    assert MEASURE_UUID in xml and POPS["NUMER"] in xml

    with Workspace.open(ws_path) as ws:
        known = known_ecqm_ids(ws, 2026)
    report = validate_file(out, year=2026, catalog=catalog, known_ids=known)
    assert "CMS schematron 2026 (errors phase)" in report.checks
    assert report.errors == [], [p.describe() for p in report.errors]
    assert main(["validate", str(out), "--workspace", str(ws_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["errorCount"] == 0

    # A fresh workspace with the same ids imports the file and gets the same data.
    other = tmp_path / "other.mipsdesk"
    with Workspace.open(other):
        pass
    assert (
        main(["ecqm-ids", "import", str(csv_path), "--year", "2026", "--workspace", str(other)])
        == 0
    )
    assert main(["import", str(out), "--workspace", str(other), "--agree-pi-scoring"]) == 0, (
        capsys.readouterr().err
    )
    assert _ecqm_sets(other) == _ecqm_sets(ws_path)


def test_2026_file_is_refused_by_a_workspace_without_the_ids_and_says_how_to_supply_them(
    tmp_path: Path, user_catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws_path = _practice_2026(tmp_path / "maple.mipsdesk")
    assert (
        main(
            [
                "ecqm-ids",
                "import",
                str(_ids_csv(tmp_path)),
                "--year",
                "2026",
                "--workspace",
                str(ws_path),
            ]
        )
        == 0
    )
    out = tmp_path / "ada-2026.xml"
    assert (
        main(
            [
                "export",
                "--workspace",
                str(ws_path),
                "--entity",
                f"{TIN}/{NPI_A}",
                "--year",
                "2026",
                "--format",
                "qrda3",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    capsys.readouterr()
    other = tmp_path / "other.mipsdesk"
    with Workspace.open(other):
        pass
    assert main(["import", str(out), "--workspace", str(other)]) == 1
    err = capsys.readouterr().err
    assert "has no eCQM version-specific ids" in err
    assert "mipsdesk ecqm-ids import" in err
    assert main(["validate", str(out), "--workspace", str(other)]) == 0  # a warning only


def _sex_counts() -> dict[str, list[SupplementalCount]]:
    def sex(m: int, f: int) -> list[SupplementalCount]:
        return [SupplementalCount("sex", "M", m), SupplementalCount("sex", "F", f)]

    return {
        POPS["IPOP"]: sex(120, 80),
        POPS["DENOM"]: sex(120, 80),
        POPS["NUMER"]: sex(25, 15),
        POPS["DENEX"]: sex(10, 0),
    }


def test_supplemental_data_of_an_imported_file_is_exported_while_its_counts_are_unchanged(
    tmp_path: Path, user_catalog: Path, catalog: Catalog, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _practice_2026(tmp_path / "ehr.mipsdesk")
    csv_path = _ids_csv(tmp_path)
    with Workspace.open(source) as ws:
        ehr_file = write_qrda3(
            build_submission(ws, ENTITY),
            catalog,
            ecqm_ids={"001": EcqmIds(MEASURE_UUID, [dict(POPS)])},
            supplemental=_sex_counts(),
        ).xml
    (tmp_path / "ehr.xml").write_bytes(ehr_file)
    target = tmp_path / "practice.mipsdesk"
    with Workspace.open(target):
        pass
    assert (
        main(["ecqm-ids", "import", str(csv_path), "--year", "2026", "--workspace", str(target)])
        == 0
    )
    assert (
        main(
            ["import", str(tmp_path / "ehr.xml"), "--workspace", str(target), "--agree-pi-scoring"]
        )
        == 0
    )
    capsys.readouterr()

    def exported_sex() -> dict[str, list[tuple[str | None, int]]]:
        with Workspace.open(target) as ws:
            data = render_entity(ws, ENTITY, "qrda3", catalog, validate=False).data
            doc = read_qrda3(data, catalog, known_ecqm_ids(ws, 2026))
        return {
            pop: [(s.code, s.count) for s in items if s.kind == "sex"]
            for pop, items in doc.supplemental.items()
        }

    assert exported_sex()[POPS["NUMER"].upper()] == [("M", 25), ("F", 15)]
    assert exported_sex()[POPS["IPOP"].upper()] == [("M", 120), ("F", 80)]

    # Counts changed after the import: the file's supplemental data no longer adds up,
    # so each population is written with one "unknown" entry instead.
    with Workspace.open(target) as ws:
        save_value(
            ws, ENTITY, "quality", "001", single(41, 149, 200, excl=10), submission_method=EHR
        )
    assert exported_sex()[POPS["NUMER"].upper()] == [(None, 41)]


def test_an_id_without_population_ids_is_named_left_out_with_what_to_do(
    tmp_path: Path, catalog: Catalog
) -> None:
    ws_path = _practice_2026(tmp_path / "maple.mipsdesk")
    with Workspace.open(ws_path) as ws:
        rows = parse_ids_csv(f"CMS122v14,{MEASURE_UUID}\n".encode(), 2026, catalog)
        save_supplied_ids(ws, 2026, rows, source="list.csv")
        rendered = render_entity(ws, ENTITY, "qrda3", catalog, validate=False)
    reasons = {m.measure_id: m.reason for m in rendered.left_out}
    assert MEASURE_UUID in reasons["001"]
    assert "population criteria ids" in reasons["001"]
    assert "ecqm-ids import" in reasons["001"]


def test_the_gui_jobs_use_the_workspace_ids(
    tmp_path: Path, user_catalog: Path, catalog: Catalog, capsys: pytest.CaptureFixture[str]
) -> None:
    ws_path = _practice_2026(tmp_path / "maple.mipsdesk")
    out = tmp_path / "ada.xml"
    # Without ids: the eCQM is left out, and a file carrying it can't be checked.
    without = export_job(ws_path, "jane", user_catalog, "qrda3", out, year=2026, entity=ENTITY)
    assert isinstance(without, ExportResult)
    assert "001" in {m.measure_id for m in without.rendered.left_out}
    with Workspace.open(ws_path) as ws:
        save_supplied_ids(ws, 2026, parse_ids_csv(CSV_TEXT.encode(), 2026, catalog), source="x")
    with_ids = export_job(ws_path, "jane", user_catalog, "qrda3", out, year=2026, entity=ENTITY)
    assert isinstance(with_ids, ExportResult)
    assert "001" not in {m.measure_id for m in with_ids.rendered.left_out}
    unchecked = validate_job(out, user_catalog)
    assert "ECQM_IDS_UNAVAILABLE" in {p.code for p in unchecked.problems}
    checked = validate_job(out, user_catalog, workspace_path=ws_path, user="jane")
    assert "ECQM_IDS_UNAVAILABLE" not in {p.code for p in checked.problems}
    assert checked.valid
    with Workspace.open(ws_path) as ws:
        snapshot = all_known_ecqm_ids(ws)
    assert snapshot[2026]["001"].measure_uuid == MEASURE_UUID
    imported = read_import_file(out, catalog, lambda year: snapshot.get(year, {}))
    assert imported.ecqm_ids["001"].populations == [POPS]
