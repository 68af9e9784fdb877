"""`validate_file` and `mipsdesk validate FILE [--year] --json`: exit 0 valid, 1 invalid
(report printed), 2 unusable input (message on stderr)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from golden_cases import GOLDEN_DIR, individual_2025

from desktop_app.cli import main
from desktop_app.formats.validate import validate_file


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any, str]:
    code = main(["validate", *args])
    out = capsys.readouterr()
    data = json.loads(out.out) if "--json" in args and out.out.strip() else out.out
    return code, data, out.err


def test_written_qrda3_file_is_valid_with_the_cms_rules(
    capsys: pytest.CaptureFixture[str], rules: Path
) -> None:
    code, report, _ = _run(capsys, str(GOLDEN_DIR / "individual-2025.xml"), "--json")
    assert code == 0
    assert report["valid"] is True and report["format"] == "qrda3" and report["year"] == 2025
    assert report["schematronAvailable"] is True
    assert "CMS schematron 2025 (errors phase)" in report["checks"]
    assert "measures catalog 2025" in report["checks"]


def test_invalid_qrda3_file_exits_1_with_problems_and_places(
    capsys: pytest.CaptureFixture[str], samples: Path, rules: Path
) -> None:
    path = samples / "test-identifiers" / "sample-files__2025__Mvp_Mips-Ind-Sample.xml"
    code, report, _ = _run(capsys, str(path), "--json")
    assert code == 1
    npi = [p for p in report["problems"] if p["code"] == "CMS_0117"]
    assert npi and npi[0]["location"].startswith("/ClinicalDocument/documentationOf")
    assert npi[0]["line"] is not None
    # the CMS schematron's own failures are in the report too
    assert any(p["message"].startswith("CMS rule:") for p in report["problems"])


def test_wrong_year_is_an_error(capsys: pytest.CaptureFixture[str], rules: Path) -> None:
    code, report, _ = _run(capsys, str(GOLDEN_DIR / "group-2026.xml"), "--year", "2025", "--json")
    assert code == 1
    assert any(p["code"] == "WRONG_YEAR" for p in report["problems"])


def test_without_the_cms_rules_only_structural_checks_run_and_it_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MIPSDESK_SCHEMATRON_DIR", str(tmp_path))
    code, report, _ = _run(capsys, str(GOLDEN_DIR / "individual-2025.xml"), "--json")
    assert code == 0
    assert report["schematronAvailable"] is False
    warning = next(p for p in report["problems"] if p["code"] == "SCHEMATRON_UNAVAILABLE")
    assert "structural checks" in warning["message"]


def test_valid_qpp_json_exits_0_and_bad_values_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(individual_2025()))
    code, report, _ = _run(capsys, str(good), "--json")
    assert code == 0 and report["format"] == "qpp-json" and report["year"] == 2025
    assert "measures catalog 2025" in report["checks"]

    bad = individual_2025()
    bad["measurementSets"][3]["measurements"][0]["value"] = {"numerator": 9, "denominator": 3}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    code, report, _ = _run(capsys, str(path), "--json")
    assert code == 1
    assert {p["location"] for p in report["problems"]} == {
        "measurementSets[3].measurements[0].value"
    }

    unknown = individual_2025()
    unknown["measurementSets"][2]["measurements"][0]["measureId"] = "IA_NOT_REAL"
    path.write_text(json.dumps(unknown))
    code, report, _ = _run(capsys, str(path), "--json")
    assert code == 1
    problem = report["problems"][0]
    assert problem["location"] == "measurementSets[2].measurements[0].measureId"
    assert (
        "'IA_NOT_REAL' is not an Improvement Activities measure of performance year 2025"
        in (problem["message"])
    )


def test_human_output_lists_problems_and_the_verdict(
    capsys: pytest.CaptureFixture[str], samples: Path
) -> None:
    path = samples / "invalid" / "converter__src__test__resources__not-a-QRDA-III-file.xml"
    code, text, _ = _run(capsys, str(path))
    assert code == 1
    assert "not a QRDA III document" in text
    assert "INVALID" in text


def test_missing_file_or_folder_exits_2_with_the_message_on_stderr(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = _run(capsys, str(tmp_path / "nope.xml"), "--json")
    assert code == 2 and out == "" and "no such file" in err
    code, out, err = _run(capsys, str(tmp_path), "--json")
    assert code == 2 and "can't be read" in err


def test_validate_file_reports_unknown_formats(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    report = validate_file(path)
    assert not report.valid and report.format == "unknown"
    assert "neither QPP JSON nor QRDA III" in report.errors[0].message
