"""QPP JSON submission models: reading, validation messages, writing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desktop_app.formats.qpp_json import (
    MultiPerformanceRate,
    Proportion,
    SinglePerformanceRate,
    Submission,
    SubmissionFormatError,
    dump_submission,
    parse_submission,
    parse_submission_text,
    read_submission,
)

NPI = "9876543213"


def _base(**over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "entityType": "individual",
        "taxpayerIdentificationNumber": "000456789",
        "nationalProviderIdentifier": NPI,
        "performanceYear": 2025,
        "measurementSets": [],
    }
    data.update(over)
    return data


def _with(value: Any, category: str = "quality", measure: str = "001") -> dict[str, Any]:
    return _base(
        measurementSets=[
            {
                "category": category,
                "submissionMethod": "registry",
                "measurements": [{"measureId": measure, "value": value}],
            }
        ]
    )


def _problems(data: Any) -> list[tuple[str, str]]:
    with pytest.raises(SubmissionFormatError) as info:
        parse_submission(data)
    return info.value.problems


def _example(shared_dir: Path, name: str, year: int = 2025) -> str:
    text = (shared_dir / "qpp-api-examples" / name).read_text()
    return (
        text.replace('"< performanceYearToBeReported >"', str(year))
        .replace("< performanceYearToBeReported >", str(year))
        .replace("9876543210", NPI)
    )


def test_value_kinds() -> None:
    s = parse_submission(
        _base(
            measurementSets=[
                {
                    "category": "pi",
                    "submissionMethod": "registry",
                    "cehrtId": "0015CABCDEFGHIJ",
                    "performanceStart": "2025-01-01",
                    "performanceEnd": "2025-12-31",
                    "measurements": [
                        {"measureId": "PI_PPHI_1", "value": True},
                        {"measureId": "PI_EP_1", "value": {"numerator": 3, "denominator": 4}},
                    ],
                },
                {
                    "category": "quality",
                    "submissionMethod": "electronicHealthRecord",
                    "measurements": [
                        {
                            "measureId": "001",
                            "value": {
                                "isEndToEndReported": True,
                                "performanceMet": 5,
                                "performanceNotMet": 4,
                                "eligiblePopulation": 10,
                                "eligiblePopulationException": 1,
                            },
                        },
                        {
                            "measureId": "305",
                            "value": {
                                "isEndToEndReported": True,
                                "strata": [
                                    {"stratum": "a", "performanceMet": 1, "eligiblePopulation": 2}
                                ],
                            },
                        },
                    ],
                },
            ]
        )
    )
    pi, quality = s.measurement_sets
    assert pi.measurements[0].value is True
    assert isinstance(pi.measurements[1].value, Proportion)
    single = quality.measurements[0].value
    assert isinstance(single, SinglePerformanceRate)
    # rate = 5 / (10 - 0 - 1) = 55.56%; completeness = (5 + 4 + 1) / 10 = 100%
    assert single.performance_rate == pytest.approx(500 / 9)
    assert single.reporting_rate == 100
    assert isinstance(quality.measurements[1].value, MultiPerformanceRate)


@pytest.mark.parametrize(
    ("value", "where", "text"),
    [
        ({"numerator": 5, "denominator": 4}, "value", "must not be larger than the denominator"),
        ({"numerator": 1, "denominator": 0}, "value", "must not be larger than the denominator"),
        ({"numerator": -1, "denominator": 4}, "value.numerator", "greater than or equal to 0"),
        ({"numerator": 1.5, "denominator": 4}, "value.numerator", "valid integer"),
        (
            {
                "isEndToEndReported": True,
                "performanceMet": 8,
                "performanceNotMet": 3,
                "eligiblePopulation": 10,
            },
            "value",
            "must not exceed eligiblePopulation (10)",
        ),
        (
            {"isEndToEndReported": True, "performanceMet": 1},
            "value.eligiblePopulation",
            "Field required",
        ),
        ("yes", "value", "must be true/false"),
    ],
)
def test_value_validation_messages(value: Any, where: str, text: str) -> None:
    problems = _problems(_with(value))
    assert problems, "expected a problem"
    loc, msg = problems[0]
    assert loc == f"measurementSets[0].measurements[0].{where}"
    assert text in msg


def test_zero_denominator_with_zero_numerator_is_fine() -> None:
    s = parse_submission(_with({"numerator": 0, "denominator": 0}, "pi", "PI_EP_1"))
    value = s.measurement_sets[0].measurements[0].value
    assert isinstance(value, Proportion) and value.ratio == 0


def test_identifiers_checked() -> None:
    problems = dict(
        _problems(
            _base(nationalProviderIdentifier="9876543210", taxpayerIdentificationNumber="12345")
        )
    )
    assert "check digit" in problems["nationalProviderIdentifier"]
    assert "9-digit" in problems["taxpayerIdentificationNumber"]
    problems = dict(_problems(_base(entityType="group")))
    assert "must not have a nationalProviderIdentifier" in problems["(top level)"]


def test_aci_read_as_pi() -> None:
    s = parse_submission(
        _base(
            measurementSets=[
                {
                    "category": "aci",
                    "submissionMethod": "registry",
                    "measurements": [
                        {"measureId": "ACI_EP_1", "value": {"numerator": 1, "denominator": 2}}
                    ],
                }
            ]
        )
    )
    assert s.measurement_sets[0].category == "pi"
    assert s.measurement_sets[0].measurements[0].measure_id == "PI_EP_1"
    assert '"category": "pi"' in dump_submission(s)


def test_duplicate_measure_and_period_order() -> None:
    problems = _problems(
        _base(
            measurementSets=[
                {
                    "category": "ia",
                    "submissionMethod": "registry",
                    "performanceStart": "2025-06-01",
                    "performanceEnd": "2025-01-01",
                    "measurements": [
                        {"measureId": "IA_A", "value": True},
                        {"measureId": "IA_A", "value": True},
                    ],
                }
            ]
        )
    )
    text = " ".join(m for _, m in problems)
    assert "performanceEnd (2025-01-01) is before performanceStart" in text


def test_round_trip(shared_dir: Path) -> None:
    s = parse_submission_text(_example(shared_dir, "submission-example-quality.json"))
    again = parse_submission_text(dump_submission(s))
    assert again == s
    out = json.loads(dump_submission(s))
    assert out["performanceYear"] == 2025
    assert "performanceRate" not in json.dumps(out)


@pytest.mark.parametrize(
    "name",
    [
        "submission-example-quality.json",
        "submission-example-aci.json",
        "submission-example-ia.json",
    ],
)
def test_reads_qpp_examples(shared_dir: Path, name: str) -> None:
    # As published the examples hold a placeholder year and an NPI that fails the check digit.
    raw = (shared_dir / "qpp-api-examples" / name).read_text()
    problems = dict(_problems(json.loads(raw)))
    assert "performanceYear must be a year" in problems["performanceYear"]
    assert "check digit" in problems["nationalProviderIdentifier"]
    s = parse_submission_text(_example(shared_dir, name))
    assert isinstance(s, Submission)
    assert s.measurement_sets and s.measurement_sets[0].measurements


def test_reads_api_response_wrapper(shared_dir: Path) -> None:
    s = read_submission(shared_dir / "qpp-api-examples" / "scoring-example-submission-input.json")
    assert s.entity_type == "group" and s.performance_year == 2017
    assert {m.category for m in s.measurement_sets} == {"ia", "quality", "pi"}


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(SubmissionFormatError, match="no such file"):
        read_submission(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(SubmissionFormatError, match=r"is not JSON: .* line 1, column 2"):
        read_submission(bad)
    bad.write_text("[1, 2]")
    with pytest.raises(SubmissionFormatError, match="not a QPP submission"):
        read_submission(bad)
    bad.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(SubmissionFormatError, match="UTF-8"):
        read_submission(bad)
