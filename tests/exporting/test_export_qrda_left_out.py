"""QRDA III: the check lists every measure the writer will leave out, and why.

A measure left out because its data must be fixed (eCQM counts that don't add up) is
an error: nothing is written, the command exits 1. A measure QRDA III can't carry by
design (a MIPS CQM) is a warning: the file is written, the measure is named on stderr.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from export_data import (
    NPI_A,
    TIN,
    add_group_data,
    add_individual_data,
    practice_file,
    single,
)

from desktop_app.catalog import Catalog
from desktop_app.cli import main
from desktop_app.exporting import ExportBlocked, check_entity, export_all, render_entity
from desktop_app.reporting import EntityKey, save_value
from desktop_app.store import Workspace

ADA = EntityKey(2025, TIN, NPI_A)
EHR = "electronicHealthRecord"


def _bad_236(ws: Workspace) -> None:
    # met 700 + not met 200 + exclusions 90 = 990, not the eligible population 1000
    save_value(ws, ADA, "quality", "236", single(700, 200, 1000, excl=90), submission_method=EHR)


def test_ecqm_whose_counts_dont_add_up_is_an_error_before_a_qrda3_export(
    ws: Workspace, catalog: Catalog
) -> None:
    add_individual_data(ws)
    _bad_236(ws)
    report = check_entity(ws, ADA, catalog, fmt="qrda3")
    problem = next(p for p in report.errors if p.measure_id == "236")
    assert (problem.code, problem.step) == ("QRDA_LEFT_OUT_DATA", "quality")
    assert "don't add up" in problem.message and "1000" in problem.message
    # the same data is fine as QPP JSON
    assert check_entity(ws, ADA, catalog, fmt="qpp-json").ok
    with pytest.raises(ExportBlocked) as blocked:
        render_entity(ws, ADA, "qrda3", catalog)
    assert "236" in str(blocked.value)


def test_mips_cqm_left_out_of_qrda3_is_a_warning_saying_to_send_qpp_json(
    ws: Workspace, catalog: Catalog
) -> None:
    add_individual_data(ws)
    report = check_entity(ws, ADA, catalog, fmt="qrda3")
    assert report.ok
    left = [p for p in report.warnings if p.code == "QRDA_LEFT_OUT"]
    assert [p.measure_id for p in left] == ["047"]
    assert "QPP JSON" in left[0].message
    # QPP JSON carries everything: nothing is listed
    assert not [p for p in check_entity(ws, ADA, catalog).problems if "QRDA" in p.code]


def test_every_measure_the_writer_leaves_out_is_in_the_check(
    ws: Workspace, catalog: Catalog
) -> None:
    add_individual_data(ws)
    _bad_236(ws)
    save_value(ws, ADA, "pi", "PI_EP_2", {"numerator": 1, "denominator": 2})  # not Yes/No
    report = check_entity(ws, ADA, catalog, fmt="qrda3")
    listed = {p.measure_id for p in report.problems if p.code.startswith("QRDA_LEFT_OUT")}
    assert listed == {"047", "236", "PI_EP_2"}


def test_entity_with_nothing_qrda3_can_carry(ws: Workspace, catalog: Catalog) -> None:
    group = EntityKey(2025, TIN, None)
    save_value(ws, group, "quality", "047", single(120, 30, 160))  # a MIPS CQM only
    alone = check_entity(ws, group, catalog, fmt="qrda3")
    assert [p.code for p in alone.errors] == ["QRDA_NOTHING_WRITABLE"]
    in_batch = check_entity(ws, group, catalog, fmt="qrda3", batch=True)
    assert in_batch.ok
    assert (
        "skipped" in next(p for p in in_batch.warnings if p.code == "QRDA_NOTHING_WRITABLE").message
    )


@pytest.fixture
def ws_file(tmp_path: Path, user_catalog: Path) -> Path:
    return practice_file(tmp_path / "maple.mipsdesk")


def _export(ws_file: Path, out: Path, *extra: str) -> int:
    base = ["export", "--workspace", str(ws_file), "--year", "2025", "--format", "qrda3"]
    return main([*base, *extra, "-o", str(out)])


def test_cli_refuses_a_qrda3_file_missing_an_ecqm_for_a_data_problem(
    ws_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Workspace.open(ws_file) as ws:
        _bad_236(ws)
    out = tmp_path / "ada.xml"
    assert _export(ws_file, out, "--entity", f"{TIN}/{NPI_A}") == 1
    assert not out.exists()
    captured = capsys.readouterr()
    assert "236 can't be written in the QRDA III file" in captured.err
    assert "Wrote" not in captured.out


def test_cli_lists_measures_left_out_by_design_on_stderr_and_exits_0(
    ws_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ada.xml"
    assert _export(ws_file, out, "--entity", f"{TIN}/{NPI_A}") == 0
    captured = capsys.readouterr()
    assert "left out: " in captured.err and "quality 047" in captured.err
    assert "left out" not in captured.out


def test_manifest_lists_only_the_categories_a_qrda3_file_carries(
    ws: Workspace, catalog: Catalog, tmp_path: Path
) -> None:
    group = add_group_data(ws)  # MIPS CQMs (left out of QRDA III), PI and IA
    batch = export_all(ws, 2025, "qrda3", catalog, tmp_path / "upload")
    manifest = json.loads(batch.manifest_path.read_text())
    entry = next(f for f in manifest["files"] if f["entity"] == TIN)
    assert entry["categories"] == ["ia", "pi"]
    assert {m["measureId"] for m in entry["leftOut"]} == {"047", "236"}
    xml = (tmp_path / "upload" / entry["file"]).read_text()
    assert "2.16.840.1.113883.10.20.27.2.1" not in xml  # no quality measure section
    assert group.npi is None
    # QPP JSON carries the quality set: it is listed there
    json_batch = export_all(ws, 2025, "qpp-json", catalog, tmp_path / "json")
    entry = json.loads(json_batch.manifest_path.read_text())["files"][0]
    assert "quality" in entry["categories"]
