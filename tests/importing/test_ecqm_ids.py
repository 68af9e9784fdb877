"""The version-specific eCQM ids a workspace keeps: from imported QRDA III files and the
eCQI Resource Center's list (``mipsdesk ecqm-ids``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.catalog import Catalog
from desktop_app.cli import main
from desktop_app.importing import apply_import, preview_import, read_import_file
from desktop_app.importing.ecqm_ids import (
    IDS_TABLE,
    EcqmIdsError,
    known_ecqm_ids,
    parse_ids_csv,
)
from desktop_app.importing.plan import IMPORT_AUDIT_TABLE
from desktop_app.store import Workspace

SAMPLE = "sample-files__2025__MultiStrata_SinglePerformanceRate-sample.xml"
UUID_A = "2c928085-7198-38ee-0171-9d78a0300a3a"
UUID_B = "2c928085-7198-38ee-0171-9d78a0300a3b"
POP = "1c1e8e3b-9d4a-4f0e-8a51-0a6b2f3c4d0"


@pytest.fixture
def user_catalog(catalog_file: Path) -> Path:
    import shutil

    from desktop_app import paths

    dest = paths.catalog_path()
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(catalog_file, dest)
    return dest


def test_an_imported_qrda3_file_leaves_its_ids_in_the_workspace(
    ws: Workspace, samples: Path, catalog: Catalog
) -> None:
    imported = read_import_file(samples / "valid" / SAMPLE, catalog)
    assert imported.ecqm_ids
    apply_import(ws, preview_import(ws, imported))
    known = known_ecqm_ids(ws, imported.year)
    assert set(known) == set(imported.ecqm_ids)
    for measure_id, ids in imported.ecqm_ids.items():
        assert known[measure_id].measure_uuid == ids.measure_uuid
        assert known[measure_id].populations == ids.populations
    assert known_ecqm_ids(ws, imported.year + 1) == {}
    entries = ws.audit_log(table=IDS_TABLE)
    assert {e.record_key for e in entries} == {f"{imported.year}/{m}" for m in known}
    assert all(SAMPLE in str(e.after and e.after["source"]) for e in entries)


def test_the_ids_are_kept_in_the_same_transaction_as_the_import(
    ws: Workspace, samples: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported = read_import_file(samples / "valid" / SAMPLE, catalog)
    preview = preview_import(ws, imported)
    real_audit = ws.audit

    def failing_audit(table: str, *args: object) -> None:
        if table == IMPORT_AUDIT_TABLE:
            raise OSError("disk full")
        real_audit(table, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(ws, "audit", failing_audit)
    with pytest.raises(OSError):
        apply_import(ws, preview)
    monkeypatch.undo()
    assert known_ecqm_ids(ws, imported.year) == {}
    assert ws.practice() is None


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ids.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _workspace(tmp_path: Path) -> Path:
    path = tmp_path / "maple.mipsdesk"
    with Workspace.open(path):
        pass
    return path


def test_a_bad_list_is_refused_whole_with_row_numbers_and_nothing_is_saved(
    tmp_path: Path, user_catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws_path = _workspace(tmp_path)
    csv_path = _csv(
        tmp_path,
        "eCQM id,version-specific uuid\n"
        f"CMS122v14,{UUID_A}\n"  # fine, but the file is refused as a whole
        f"CMS999v1,{UUID_B}\n"
        "CMS165v14,not-a-uuid\n"
        f"CMS122v13,{UUID_B}\n",  # the 2025 version, not a 2026 eCQM
    )
    args = ["ecqm-ids", "import", str(csv_path), "--year", "2026", "--workspace", str(ws_path)]
    assert main([*args, "--json"]) == 1
    captured = capsys.readouterr()
    problems = json.loads(captured.out)["problems"]
    assert problems[0].startswith("row 3: 'CMS999v1' is not an eCQM of performance year 2026")
    assert problems[1] == "row 4: 'not-a-uuid' is not a UUID (the version-specific id)"
    assert problems[2].startswith("row 5: 'CMS122v13' is not an eCQM of performance year 2026")
    assert len(problems) == 3
    assert "nothing was saved" in captured.err and "row 4:" in captured.err
    assert main(["ecqm-ids", "list", "--year", "2026", "--workspace", str(ws_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["known"] == []


def test_a_good_list_is_saved_listed_and_audited(
    tmp_path: Path, user_catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws_path = _workspace(tmp_path)
    csv_path = _csv(
        tmp_path,
        f"CMS122v14,{{{UUID_A.upper()}}}\nCMS165v14,{UUID_B}\n",  # no header; braces allowed
    )
    args = ["ecqm-ids", "import", str(csv_path), "--year", "2026", "--workspace", str(ws_path)]
    assert main(args) == 0
    assert "2 eCQM(s) read" in capsys.readouterr().out
    assert main(["ecqm-ids", "list", "--year", "2026", "--workspace", str(ws_path), "--json"]) == 0
    known = {k["measureId"]: k for k in json.loads(capsys.readouterr().out)["known"]}
    assert known["001"]["eMeasureId"] == "CMS122v14"
    assert known["001"]["eMeasureUuid"] == UUID_A
    assert known["236"]["eMeasureUuid"] == UUID_B
    assert known["001"]["populationSets"] == []
    assert known["001"]["source"] == "list ids.csv"
    with Workspace.open(ws_path) as ws:
        assert known_ecqm_ids(ws, 2026)["236"].measure_uuid == UUID_B
        assert len(ws.audit_log(table=IDS_TABLE)) == 2
    # the same list again changes nothing
    assert main([*args, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["changed"] == 0


def test_population_ids_form_population_sets_in_row_order(catalog: Catalog) -> None:
    text = (
        "CMS id,Version-specific identifier,IPP,Denominator,Numerator,DENEX,DENEXCEP\n"
        f"CMS122v14,{UUID_A},{POP}1,{POP}2,{POP}3,{POP}4,\n"
        f"CMS122v14,{UUID_A},{POP}5,{POP}6,{POP}7,,\n"
    )
    [row] = parse_ids_csv(text.encode(), 2026, catalog)
    assert row.measure_id == "001" and row.measure_uuid == UUID_A
    assert row.populations == [
        {"IPOP": f"{POP}1", "DENOM": f"{POP}2", "NUMER": f"{POP}3", "DENEX": f"{POP}4"},
        {"IPOP": f"{POP}5", "DENOM": f"{POP}6", "NUMER": f"{POP}7"},
    ]


@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [
        (f"CMS122v14,{UUID_A}\nCMS122v14,{UUID_B}\n", 2026, "row 2: CMS122v14 has another"),
        (f"CMS122v14,{UUID_A}\nCMS165v14,{UUID_A}\n", 2026, "row 2: " + UUID_A),
        (f"CMS122v14,{UUID_A},{POP}1,,{POP}3\n", 2026, "row 1: population ids given without"),
        (f"CMS122v14,{UUID_A},{POP}1,x,{POP}3\n", 2026, "row 1: DENOM 'x' is not a UUID"),
        (f"CMS122v13,{UUID_A}\n", 2025, "row 1: the 2025 measures data gives"),
        (f"eCQM id,uuid,colour\nCMS122v14,{UUID_A},red\n", 2026, "row 1: unknown column"),
        (f"CMS122v14,{UUID_A}\n", 2031, "performance year 2031 is not in the measures"),
        ("", 2026, "the file has no rows"),
    ],
)
def test_each_problem_is_named(text: str, year: int, expected: str, catalog: Catalog) -> None:
    with pytest.raises(EcqmIdsError) as info:
        parse_ids_csv(text.encode(), year, catalog)
    assert any(p.startswith(expected) for p in info.value.problems), info.value.problems
