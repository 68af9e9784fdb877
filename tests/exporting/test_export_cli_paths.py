"""``mipsdesk export``: output paths that don't exist, stored data that can't be read."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from export_data import NPI_A, TIN, add_group_data, practice_file

from desktop_app.catalog import Catalog
from desktop_app.cli import main
from desktop_app.exporting import ExportError, export_entity
from desktop_app.reporting import EntityKey
from desktop_app.store import Workspace


@pytest.fixture
def ws_file(tmp_path: Path, user_catalog: Path) -> Path:
    return practice_file(tmp_path / "maple.mipsdesk")


def _export(ws_file: Path, *args: str) -> int:
    return main(["export", "--workspace", str(ws_file), "--year", "2025", *args])


def test_output_in_a_missing_folder_is_refused_and_nothing_is_created(
    ws_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "missing" / "dir" / "x.json"
    assert _export(ws_file, "--entity", TIN, "-o", str(out)) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "missing").exists()


def test_all_creates_the_named_folder_but_not_missing_parents(
    ws_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _export(ws_file, "--all", "-o", str(tmp_path / "upload")) == 0
    assert len(list((tmp_path / "upload").glob("*.json"))) == 3  # 2 files and the manifest
    assert _export(ws_file, "--all", "-o", str(tmp_path / "no" / "upload")) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "no").exists()


def test_export_entity_refuses_a_missing_folder(
    ws: Workspace, catalog: Catalog, tmp_path: Path
) -> None:
    entity = add_group_data(ws)
    with pytest.raises(ExportError, match="does not exist"):
        export_entity(ws, entity, "qpp-json", catalog, tmp_path / "nope" / "g.json")
    assert not (tmp_path / "nope").exists()


def _break_clinician(ws_file: Path) -> None:
    with sqlite3.connect(ws_file) as db:
        db.execute("UPDATE clinicians SET clinician_type = 'XX' WHERE npi = ?", [NPI_A])


def test_all_with_an_unreadable_stored_clinician_reports_it_per_entity(
    ws_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _break_clinician(ws_file)
    code = _export(ws_file, "--all", "-o", str(tmp_path / "upload"))
    assert code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"{TIN}/{NPI_A}: ERROR: The stored data of the clinician with NPI {NPI_A}" in err
    assert "Clinician type 'XX'" in err
    assert "nothing was written" in err
    assert not (tmp_path / "upload").exists()  # blocked before anything is written


def test_check_reports_unreadable_stored_data_as_an_error(ws_file: Path, catalog: Catalog) -> None:
    from desktop_app.exporting import check_entity

    _break_clinician(ws_file)
    with Workspace.open(ws_file) as ws:
        report = check_entity(ws, EntityKey(2025, TIN, NPI_A), catalog)
    problem = next(p for p in report.errors if p.code == "STORED_DATA_UNREADABLE")
    assert problem.step == "practice" and "Clinician type 'XX'" in problem.message


@pytest.mark.parametrize("under", [("x.json",), ("sub", "x.json")])
def test_output_inside_a_file_says_it_is_a_file(
    ws_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], under: tuple[str, ...]
) -> None:
    somefile = tmp_path / "somefile"
    somefile.write_text("keep me")
    assert _export(ws_file, "--entity", TIN, "-o", str(somefile.joinpath(*under))) == 2
    err = capsys.readouterr().err
    assert f"{somefile} is a file, not a folder" in err
    assert "does not exist" not in err
    assert somefile.read_text() == "keep me"  # untouched


def test_all_inside_a_file_says_it_is_a_file(
    ws_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    somefile = tmp_path / "somefile"
    somefile.write_text("keep me")
    assert _export(ws_file, "--all", "-o", str(somefile / "upload")) == 2
    err = capsys.readouterr().err
    assert f"{somefile} is a file, not a folder" in err and "--all" in err
    assert somefile.read_text() == "keep me"
