"""``mipsdesk preview``: JSON output, summary, options and errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from desktop_app import paths
from desktop_app.cli import main

NPI = "9876543213"


@pytest.fixture
def with_catalog(catalog_file: Path) -> Path:
    """The session catalog copied to this test's user data folder."""
    dest = paths.catalog_path()
    shutil.copy(catalog_file, dest)
    return dest


def _write(tmp_path: Path, shared_dir: Path, name: str, year: int = 2025) -> Path:
    text = (shared_dir / "qpp-api-examples" / name).read_text()
    text = (
        text.replace('"< performanceYearToBeReported >"', str(year))
        .replace("< performanceYearToBeReported >", str(year))
        .replace("9876543210", NPI)
    )
    path = tmp_path / name
    path.write_text(text)
    return path


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["preview", *args, "--json"]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def test_json_keys(
    tmp_path: Path, shared_dir: Path, with_catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = _write(tmp_path, shared_dir, "submission-example-ia.json")
    data = _json(capsys, str(f))
    assert data["final_score"] is None  # cost unknown
    low, high = data["final_score_range"]
    # IA: 3 known 2025 activities of 2 needed = 100% × 15 = 15; cost adds 0..30
    assert (low, high) == (15, 45)
    for key in ("quality", "pi", "ia", "cost"):
        assert {"score", "weight", "points", "reason"} <= set(data["categories"][key])
    assert data["categories"]["ia"] | {} == data["categories"]["ia"]
    assert data["categories"]["ia"]["points"] == 15
    assert data["categories"]["cost"]["score"] is None
    assert data["threshold"] == 75
    assert {"band", "percent", "reason"} <= set(data["payment_adjustment"])
    assert isinstance(data["estimates"], list)
    m = data["measures"][0]
    assert {"measure_id", "category", "collection_type", "points", "reason"} <= set(m)


def test_options(
    tmp_path: Path, shared_dir: Path, with_catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = _write(tmp_path, shared_dir, "submission-example-ia.json")
    data = _json(
        capsys,
        str(f),
        "--year",
        "2025",
        "--cost-score",
        "50",
        "--complex-patient-bonus",
        "5",
        "--small-practice",
    )
    # small practice, no PI data: weights 40/30/30/0. IA 100% × 30 = 30; cost 50 × 30 = 15;
    # quality none: 0; bonus 5 -> 50
    assert data["categories"]["ia"]["weight"] == 30
    assert data["final_score"] == 50
    assert data["categories"]["pi"]["score"] is None
    data = _json(capsys, str(f), "--special-status", "rural,non-patient-facing")
    assert data["weights_case"] == "pi_reweighted"
    assert _json(capsys, str(f))["weights_case"] == "default"
    data = _json(capsys, str(f), "--pi-hardship")
    assert data["weights_case"] == "pi_reweighted"
    assert "approved PI hardship exception" in data["weights_reason"]


def test_summary_without_json(
    tmp_path: Path, shared_dir: Path, with_catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = _write(tmp_path, shared_dir, "submission-example-aci.json")
    assert main(["preview", str(f), "--cost-score", "40"]) == 0
    out = capsys.readouterr().out
    assert "Final score: 12 points" in out  # cost 40 × 30 = 12; PI 0
    assert "Required attestation PI_PPHI_1" in out
    assert "Estimates" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("{oops", "is not JSON"),
        ('{"hello": 1}', "not a QPP submission"),
        (
            '{"entityType": "group", "taxpayerIdentificationNumber": "000456789", '
            '"performanceYear": 2025, "measurementSets": [{"category": "pi", "submissionMethod": '
            '"registry", "measurements": [{"measureId": "PI_EP_1", "value": {"numerator": 3, '
            '"denominator": 2}}]}]}',
            "measurementSets[0].measurements[0].value: numerator (3) must not be larger",
        ),
        (
            '{"entityType": "group", "taxpayerIdentificationNumber": "000456789", '
            '"performanceYear": 2019, "measurementSets": []}',
            "no program rules for performance",
        ),
    ],
)
def test_bad_files(
    tmp_path: Path,
    with_catalog: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | None,
    message: str,
) -> None:
    f = tmp_path / "in.json"
    if content is not None:
        f.write_text(content)
    assert main(["preview", str(f), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert captured.err.startswith("mipsdesk: ")


def test_year_mismatch_and_bad_options(
    tmp_path: Path, shared_dir: Path, with_catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = _write(tmp_path, shared_dir, "submission-example-ia.json", 2026)
    assert main(["preview", str(f), "--year", "2025"]) == 2
    assert "is for performance year 2026, but --year 2025" in capsys.readouterr().err
    assert main(["preview", str(f), "--cost-score", "120"]) == 2
    assert "--cost-score must be a percentage" in capsys.readouterr().err
    assert main(["preview", str(f), "--special-status", "martian"]) == 2
    assert "unknown special status 'martian'" in capsys.readouterr().err
    assert main(["preview", str(f), "--denominator-reduction", "6"]) == 2
    assert "denominator reduction" in capsys.readouterr().err


def test_no_catalog(
    tmp_path: Path,
    shared_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    f = _write(tmp_path, shared_dir, "submission-example-ia.json")
    monkeypatch.setattr(paths, "developer_shared_dir", lambda: None)
    assert main(["preview", str(f)]) == 2
    assert "needs the measures catalog" in capsys.readouterr().err


def test_cost_score_with_cost_reweighted_is_refused(
    tmp_path: Path, shared_dir: Path, with_catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = _write(tmp_path, shared_dir, "submission-example-ia.json")
    assert main(["preview", str(f), "--cost-reweighted", "--cost-score", "50", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "--cost-score has no effect when cost is reweighted; give one of them" in captured.err
    # either one alone is fine: reweighted cost -> 0% weight, no cost points
    data = _json(capsys, str(f), "--cost-reweighted")
    assert data["categories"]["cost"]["weight"] == 0
    assert _json(capsys, str(f), "--cost-score", "50")["categories"]["cost"]["score"] == 50


def _group_file(tmp_path: Path, program: str, method: str) -> Path:
    data = {
        "entityType": "group",
        "taxpayerIdentificationNumber": "000456789",
        "performanceYear": 2026,
        "measurementSets": [
            {
                "category": "quality",
                "submissionMethod": method,
                "programName": program,
                "performanceStart": "2026-01-01",
                "performanceEnd": "2026-12-31",
                "measurements": [
                    {
                        "measureId": "236",
                        "value": {
                            "isEndToEndReported": False,
                            "performanceMet": 70,
                            "performanceNotMet": 30,
                            "eligiblePopulation": 100,
                            "eligiblePopulationExclusion": 0,
                            "eligiblePopulationException": 0,
                        },
                    }
                ],
            }
        ],
    }
    path = tmp_path / f"{program}-{method}.json"
    path.write_text(json.dumps(data))
    return path


def test_mvp_file_is_flagged(
    tmp_path: Path, with_catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mips = _json(capsys, str(_group_file(tmp_path, "mips", "registry")))
    mvp = _json(capsys, str(_group_file(tmp_path, "M0005", "registry")))
    assert mips["warnings"] == []
    assert mvp["final_score_range"] == mips["final_score_range"]
    assert mvp["is_estimate"] is True
    assert any(
        "MVP M0005: scored as traditional MIPS" in w and "4 quality measures" in w
        for w in mvp["warnings"]
    )


def test_claims_file_of_a_practice_that_is_not_small(
    tmp_path: Path, with_catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = _group_file(tmp_path, "mips", "claims")
    data = _json(capsys, str(f))
    assert data["measures"][0]["points"] == 0
    assert any("small practices" in w for w in data["warnings"])
    small = _json(capsys, str(f), "--small-practice")
    assert small["measures"][0]["points"] > 3  # scored from the claims benchmark
    assert small["warnings"] == []


def test_text_marks_reweighted_categories_and_an_estimate_headline(
    tmp_path: Path, with_catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mips = _group_file(tmp_path, "mips", "registry")
    # a small practice without PI data: PI reweighted; cost reweighted as asked
    assert main(["preview", str(mips), "--small-practice", "--cost-reweighted"]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line for line in out.splitlines() if line[:4] in ("pi  ", "cost")}
    assert "reweighted to 0%" in rows["pi"] and "unknown" not in rows["pi"]
    assert "reweighted to 0%" in rows["cost"] and "unknown" not in rows["cost"]
    # an MVP file is an estimate: the headline says so, not only a warning at the end
    mvp = _group_file(tmp_path, "M0005", "registry")
    assert main(["preview", str(mvp), "--cost-score", "50"]) == 0
    out = capsys.readouterr().out
    headline = next(line for line in out.splitlines() if line.startswith("Final score:"))
    assert "an estimate" in headline
    assert "MVP M0005: scored as traditional MIPS" in out.split("Estimates", 1)[1]


def test_aco_measures_in_a_mips_file_earn_nothing(
    tmp_path: Path, with_catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _group_file(tmp_path, "mips", "registry")
    data = json.loads(path.read_text())
    data["measurementSets"][0]["measurements"][0]["measureId"] = "001SSP"
    path.write_text(json.dumps(data))
    result = _json(capsys, str(path))
    row = result["measures"][0]
    assert row["measure_id"] == "001SSP"
    assert row["points"] == 0 and row["counted"] is False
    assert "001SSP is not a MIPS measure (only for appPlus)" in row["reason"]
    assert any("CMS won't score it in a MIPS submission" in w for w in result["warnings"])
    assert result["categories"]["quality"]["score"] == 0
