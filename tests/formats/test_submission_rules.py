"""`mipsdesk validate` and import apply the same rules to a QPP JSON file: what one
refuses, the other refuses too, with the same message and place (and the export check
shares the measure rules)."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from desktop_app.cli import main
from desktop_app.formats.validate import validate_bytes
from desktop_app.importing.reader import ImportRefused, read_import_bytes


def _counts(pop: int, met: int, not_met: int, excl: int = 0, exc: int = 0) -> dict[str, Any]:
    return {
        "performanceMet": met,
        "performanceNotMet": not_met,
        "eligiblePopulation": pop,
        "eligiblePopulationExclusion": excl,
        "eligiblePopulationException": exc,
    }


def _valid() -> dict[str, Any]:
    """A 2025 individual file both validate and import accept."""
    return {
        "entityType": "individual",
        "taxpayerIdentificationNumber": "000123456",
        "nationalProviderIdentifier": "1234567893",
        "performanceYear": 2025,
        "measurementSets": [
            {
                "category": "quality",
                "submissionMethod": "registry",
                "performanceStart": "2025-01-01",
                "performanceEnd": "2025-12-31",
                "measurements": [
                    {
                        "measureId": "047",
                        "value": {"isEndToEndReported": False, **_counts(60, 40, 10, exc=5)},
                    }
                ],
            },
            {
                "category": "quality",
                "submissionMethod": "electronicHealthRecord",
                "cehrtId": "0015C1235689784",
                "performanceStart": "2025-01-01",
                "performanceEnd": "2025-12-31",
                "measurements": [
                    {
                        "measureId": "001",
                        "value": {"isEndToEndReported": True, **_counts(950, 100, 800, excl=50)},
                    },
                    {
                        "measureId": "305",
                        "value": {
                            "isEndToEndReported": True,
                            "strata": [
                                {"stratum": "14Days", **_counts(60, 47, 13)},
                                {"stratum": "34Days", **_counts(147, 121, 26)},
                            ],
                        },
                    },
                ],
            },
            {
                "category": "pi",
                "submissionMethod": "registry",
                "cehrtId": "0015C1235689784",
                "performanceStart": "2025-01-01",
                "performanceEnd": "2025-12-31",
                "measurements": [
                    {"measureId": "PI_INFBLO_1", "value": True},
                    {"measureId": "PI_EP_1", "value": {"numerator": 49, "denominator": 115}},
                    {"measureId": "PI_EP_2", "value": True},
                ],
            },
        ],
    }


def _both(catalog: Any, data: dict[str, Any]) -> tuple[set[Any], set[Any], list[str]]:
    """(code, location) of every error from validate and from import; validate's messages."""
    raw = json.dumps(data).encode()
    report = validate_bytes(raw, "file.json", 2025, catalog)
    validated = {(p.code, p.location) for p in report.errors}
    try:
        read_import_bytes(raw, "file.json", catalog)
        imported: set[Any] = set()
    except ImportRefused as exc:
        imported = {(p.code, p.location) for p in exc.problems}
    return validated, imported, [p.message for p in report.errors]


def test_a_valid_file_passes_both(catalog: Any) -> None:
    assert _both(catalog, _valid()) == (set(), set(), [])


def _dates(d: dict[str, Any]) -> None:
    d["measurementSets"][0]["performanceEnd"] = "2026-02-01"


def _cqm_exclusion(d: dict[str, Any]) -> None:
    d["measurementSets"][0]["measurements"][0]["value"]["eligiblePopulationExclusion"] = 3


def _measure_and_exclusion(d: dict[str, Any]) -> None:
    d["measurementSets"][2]["measurements"].append({"measureId": "PI_EP_2_EX_1", "value": True})


def _exclusion_and_engagement(d: dict[str, Any]) -> None:
    d["measurementSets"][2]["measurements"] += [
        {"measureId": "PI_PHCDRR_1_EX_1", "value": True},
        {"measureId": "PI_PHCDRR_1_PROD", "value": True},
    ]


def _unknown_stratum(d: dict[str, Any]) -> None:
    d["measurementSets"][1]["measurements"][1]["value"]["strata"][0]["stratum"] = "7Days"


def _missing_stratum(d: dict[str, Any]) -> None:
    del d["measurementSets"][1]["measurements"][1]["value"]["strata"][1]


def _strata_for_single_rate(d: dict[str, Any]) -> None:
    d["measurementSets"][1]["measurements"][0]["value"] = {
        "isEndToEndReported": True,
        "strata": [{"stratum": "overall", **_counts(950, 100, 800, excl=50)}],
    }


def _no_strata_for_multi_rate(d: dict[str, Any]) -> None:
    d["measurementSets"][1]["measurements"][1]["value"] = {
        "isEndToEndReported": True,
        **_counts(60, 47, 13),
    }


def _other_program(d: dict[str, Any]) -> None:
    # 001SSP is the Shared Savings Program's copy of 001: allowedPrograms ["appPlus"].
    d["measurementSets"][0]["measurements"].append(
        {"measureId": "001SSP", "value": {"isEndToEndReported": False, **_counts(50, 40, 10)}}
    )


def _not_in_the_mvp(d: dict[str, Any]) -> None:
    # MVP M1366 doesn't hold 047 (its allowedPrograms lacks "M1366").
    d["measurementSets"][0]["programName"] = "M1366"


CASES = [
    (
        _other_program,
        "PROGRAM_NOT_ALLOWED",
        "measurementSets[0].measurements[1].measureId",
        "Measure 001SSP belongs to the APP Plus quality measure set (appPlus) in 2025, not to "
        'traditional MIPS (programName "mips"): report measure 001 (Diabetes: Glycemic Status '
        "Assessment Greater Than 9%) instead.",
    ),
    (
        _not_in_the_mvp,
        "PROGRAM_NOT_ALLOWED",
        "measurementSets[0].measurements[0].measureId",
        "Measure 047 belongs to traditional MIPS (mips) and 8 MVPs (G0054, G0055, M0001, "
        'M0002, M0004, …) in 2025, not to MVP M1366 (programName "M1366")',
    ),
    (
        _dates,
        "DATE_OUTSIDE_YEAR",
        "measurementSets[0].performanceEnd",
        "performanceEnd 2026-02-01 is outside performance year 2025",
    ),
    (
        _cqm_exclusion,
        "CQM_EXCLUSION_NOT_ZERO",
        "measurementSets[0].measurements[0].value.eligiblePopulationExclusion",
        "leave the 3 excluded patients out of eligiblePopulation (now 60) and send "
        "eligiblePopulationExclusion 0",
    ),
    (
        _measure_and_exclusion,
        "MEASURE_WITH_ITS_EXCLUSION",
        "measurementSets[2].measurements[3].measureId",
        "PI_EP_2 and its own exclusion PI_EP_2_EX_1 are both reported",
    ),
    (
        _exclusion_and_engagement,
        "MEASURE_WITH_ITS_EXCLUSION",
        "measurementSets[2].measurements[4].measureId",
        "The exclusion PI_PHCDRR_1_EX_1 is claimed for PI_PHCDRR_1, so its active engagement "
        "option PI_PHCDRR_1_PROD can't be reported too",
    ),
    (
        _unknown_stratum,
        "STRATUM_UNKNOWN",
        "measurementSets[1].measurements[1].value.strata[0].stratum",
        "Measure 305 has no stratum '7Days' in 2025; its strata are 14Days, 34Days.",
    ),
    (
        _missing_stratum,
        "STRATUM_MISSING",
        "measurementSets[1].measurements[1].value.strata",
        "Measure 305 lacks stratum 34Days",
    ),
    (
        _strata_for_single_rate,
        "VALUE_SHAPE",
        "measurementSets[1].measurements[0].value.strata",
        "Measure 001 has one performance rate in 2025; report its counts without strata.",
    ),
    (
        _no_strata_for_multi_rate,
        "VALUE_SHAPE",
        "measurementSets[1].measurements[1].value",
        "report its counts as strata (14Days, 34Days)",
    ),
]


@pytest.mark.parametrize(("change", "code", "location", "message"), CASES)
def test_validate_and_import_refuse_the_same_values(
    catalog: Any, change: Any, code: str, location: str, message: str
) -> None:
    data = copy.deepcopy(_valid())
    change(data)
    validated, imported, messages = _both(catalog, data)
    assert (code, location) in validated
    assert imported == validated
    assert any(message in m for m in messages)


def test_an_unknown_stratum_also_counts_as_the_missing_one(catalog: Any) -> None:
    data = _valid()
    _unknown_stratum(data)
    validated, _, messages = _both(catalog, data)
    assert {c for c, _ in validated} == {"STRATUM_UNKNOWN", "STRATUM_MISSING"}
    assert any("lacks stratum 14Days" in m for m in messages)


def test_stratum_names_are_matched_without_regard_to_case(catalog: Any) -> None:
    # QPP's own example writes "14days" for the catalog's "14Days".
    data = _valid()
    for s in data["measurementSets"][1]["measurements"][1]["value"]["strata"]:
        s["stratum"] = s["stratum"].lower()
    assert _both(catalog, data) == (set(), set(), [])


def test_an_ecqm_may_report_denominator_exclusions(catalog: Any) -> None:
    # Only MIPS CQMs (registry) must send 0; 001 above is an eCQM with 50.
    data = _valid()
    assert data["measurementSets"][1]["measurements"][0]["value"]["eligiblePopulationExclusion"]
    assert _both(catalog, data)[0] == set()


def test_the_cli_says_invalid_with_the_place(
    catalog_file: Path,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    measures_source: Path,
) -> None:
    from desktop_app import paths

    monkeypatch.setenv("MIPSDESK_CATALOG_SOURCE", str(measures_source))
    paths.catalog_path().parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(catalog_file, paths.catalog_path())
    data = _valid()
    _measure_and_exclusion(data)
    path = tmp_path / "f.json"
    path.write_text(json.dumps(data))
    code = main(["validate", str(path), "--year", "2025", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and report["valid"] is False
    assert [(p["code"], p["location"]) for p in report["problems"]] == [
        ("MEASURE_WITH_ITS_EXCLUSION", "measurementSets[2].measurements[3].measureId")
    ]


def test_the_cli_refuses_a_shared_savings_program_measure_in_a_mips_file(
    catalog_file: Path,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    measures_source: Path,
) -> None:
    # The reviewer's 2026 group file: 001SSP (allowedPrograms ["appPlus"]) next to 134.
    from desktop_app import paths

    monkeypatch.setenv("MIPSDESK_CATALOG_SOURCE", str(measures_source))
    paths.catalog_path().parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(catalog_file, paths.catalog_path())
    data = {
        "entityType": "group",
        "taxpayerIdentificationNumber": "123456789",
        "performanceYear": 2026,
        "measurementSets": [
            {
                "category": "quality",
                "submissionMethod": "registry",
                "performanceStart": "2026-01-01",
                "performanceEnd": "2026-12-31",
                "measurements": [
                    {
                        "measureId": "001SSP",
                        "value": {"isEndToEndReported": False, **_counts(50, 40, 10)},
                    },
                    {
                        "measureId": "134",
                        "value": {"isEndToEndReported": False, **_counts(100, 100, 0)},
                    },
                ],
            }
        ],
    }
    path = tmp_path / "ssp.json"
    path.write_text(json.dumps(data))
    code = main(["validate", str(path), "--year", "2026", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and report["valid"] is False
    assert [(p["code"], p["location"]) for p in report["problems"]] == [
        ("PROGRAM_NOT_ALLOWED", "measurementSets[0].measurements[0].measureId")
    ]
    assert "report measure 001" in report["problems"][0]["message"]


def test_an_mvp_set_may_hold_the_mvps_measures(catalog: Any) -> None:
    # 001, 305 and 047 are all measures of MVP M0005 in 2025 (allowedPrograms lists it).
    data = _valid()
    data["measurementSets"][0]["programName"] = "M0005"
    data["measurementSets"][1]["programName"] = "M0005"
    assert _both(catalog, data) == (set(), set(), [])
