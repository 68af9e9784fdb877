"""The QPP API examples in ../shared/qpp-api-examples, read and scored over the real catalog."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.formats.qpp_json import parse_submission, parse_submission_text, read_submission
from desktop_app.scoring import ScoringError, ScoringOptions, score_submission
from desktop_app.scoring.quality import score_quality
from desktop_app.scoring.result import EstimateLog

NPI = "9876543213"


def _example(shared_dir: Path, name: str, year: int) -> str:
    text = (shared_dir / "qpp-api-examples" / name).read_text()
    return (
        text.replace('"< performanceYearToBeReported >"', str(year))
        .replace("< performanceYearToBeReported >", str(year))
        .replace("9876543210", NPI)
    )


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_quality_example_scored(shared_dir: Path, catalog, year: int) -> None:  # type: ignore[no-untyped-def]
    s = parse_submission_text(_example(shared_dir, "submission-example-quality.json", year))
    r = score_submission(s, catalog, ScoringOptions(small_practice=True))
    rows = {m.measure_id: m for m in r.measures}
    assert set(rows) == {"305", "102", "ACRAD15"}
    # 305 (simpleAverage): strata 47/60 = 78.33% and 121/147 = 82.31%: (78.33 + 82.31) / 2
    assert rows["305"].performance_rate == pytest.approx((47 / 60 + 121 / 147) * 50, abs=1e-3)
    # 102: 305 / (562 - 0 - 2) = 54.46%
    assert rows["102"].performance_rate == pytest.approx(305 / 560 * 100, abs=1e-3)
    quality = r.categories["quality"]
    for m in rows.values():
        assert m.points is not None and 0 <= m.points <= 10
        assert m.reason
    # category = (sum of counted points + 6 small-practice bonus) / 60
    counted = sum(m.points or 0 for m in r.measures if m.counted)
    assert quality.score == pytest.approx((counted + 6) / 60 * 100, abs=1e-3)
    if catalog.measure(year, "ACRAD15") is None:  # dropped from the 2026 measures data
        assert rows["ACRAD15"].points == 0
        assert "not a 2026 quality measure" in rows["ACRAD15"].reason
    else:
        # a non-proportion measure: shown with the small-practice floor, as an estimate
        assert rows["ACRAD15"].points == 3 and rows["ACRAD15"].estimate
        assert any(e.key == "quality.non_proportion.ACRAD15" for e in r.estimates)


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_aci_example_scores_zero_with_every_reason(shared_dir: Path, catalog, year: int) -> None:  # type: ignore[no-untyped-def]
    s = parse_submission_text(_example(shared_dir, "submission-example-aci.json", year))
    pi = score_submission(s, catalog).categories["pi"]
    # The example answers the Security Risk Analysis No and lacks PPHI_2, PDMP and eCR.
    assert pi.score == 0
    text = " ".join(pi.reasons)
    for fragment in ("PI_PPHI_1", "PI_PPHI_2", "PI_EP_2", "PI_PHCDRR_3"):
        assert fragment in text
    if year == 2024:
        assert len(pi.reasons) == 4
    else:  # the example's XX15C... id is still valid from 2025 on
        assert not any("CEHRT" in r for r in pi.reasons)


def test_aci_example_fixed_matches_qpp_formula(shared_dir: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(_example(shared_dir, "submission-example-aci.json", 2025))
    ms = data["measurementSets"][0]["measurements"]
    for m in ms:
        if m["measureId"] == "PI_PPHI_1":
            m["value"] = True
    ms += [
        {"measureId": "PI_PPHI_2", "value": True},
        {"measureId": "PI_EP_2", "value": True},
        {"measureId": "PI_PHCDRR_3", "value": True},
        {"measureId": "PI_PHCDRR_3_PROD", "value": True},
    ]
    r = score_submission(parse_submission(data), catalog)
    rows = {m.measure_id: m for m in r.measures}
    # QPP's scoring-example-output-aci.json: "((49/115)*10) = 4" — same formula and rounding
    assert rows["PI_EP_1"].points == 4
    # 2025 points: HIE_1 1123/1951 × 15 = 8.63 -> 9; HIE_4 923/951 × 15 = 14.56 -> 15;
    # PEA 861/1809 × 25 = 11.90 -> 12; PDMP 10; public health 25: total 4+9+15+12+10+25 = 75
    assert (rows["PI_HIE_1"].points, rows["PI_HIE_4"].points, rows["PI_PEA_1"].points) == (
        9,
        15,
        12,
    )
    assert r.categories["pi"].score == 75


def test_ia_example_scored(shared_dir: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    s = parse_submission_text(_example(shared_dir, "submission-example-ia.json", 2024))
    r = score_submission(s, catalog, ScoringOptions(special_statuses={"rural"}))
    rows = {m.measure_id: m for m in r.measures}
    # 2024 catalog weights: IA_EPA_4 medium, IA_PSPA_4 medium, IA_EPA_1 high, IA_PM_2 high;
    # doubled for rural: 20 + 20 + 40 + 40 = 120, capped at 40 -> 100%
    assert (rows["IA_EPA_4"].points, rows["IA_EPA_1"].points) == (20, 40)
    assert r.categories["ia"].score == 100


def test_qpp_quality_reference_category_score(catalog) -> None:  # type: ignore[no-untyped-def]
    # QPP's scoring-example-output-quality.json: measure points 3 + 8.9585 + 3 with the
    # small-practice bonus 6 over 60 -> qualityCategoryScore 34.9308. Same aggregation here:
    from scoring_builders import rate

    from desktop_app.catalog.model import MeasureInfo
    from desktop_app.formats.qpp_json import MeasurementSet
    from desktop_app.rules import load_rules
    from desktop_app.scoring.lookup import MemoryLookup

    year = 2025
    infos = [
        MeasureInfo(
            year=year,
            measure_id=i,
            category="quality",
            title=i,
            description="",
            metric_type="singlePerformanceRate",
            data={"measureType": "outcome", "firstPerformanceYear": 2017},
        )
        for i in ("A", "B", "C")
    ]
    from desktop_app.catalog.model import Benchmark

    bounds = [0, 26.89, 40.49, 50, 57.07, 64.79, 73.08, 82.71, 96.44]  # QPP deciles 2..10
    pct = dict(zip((10, 20, 30, 40, 50, 60, 70, 80, 90), bounds, strict=True))
    bench = Benchmark(
        year=year,
        measure_id="B",
        submission_method="registry",
        percentiles={1: 0, **pct, 99: 100},
        data={},
    )
    lookup = MemoryLookup(infos, [bench])
    mset = MeasurementSet.model_validate(
        {
            "category": "quality",
            "submissionMethod": "registry",
            "measurements": [
                {"measureId": "A", "value": rate(5, 10)},  # under case min: 3
                {"measureId": "B", "value": rate(121, 147)},  # 82.31%
                {"measureId": "C", "value": rate(5, 10)},
            ],
        }
    )
    cat, rows = score_quality(
        [mset], year, load_rules(year), lookup, ScoringOptions(small_practice=True), EstimateLog()
    )
    # QPP used the rate rounded to 82.31 (8.9585); 121/147 = 82.3129 gives 8.9588
    points = {r.measure_id: r.points or 0 for r in rows}
    assert points == {"A": 3, "B": pytest.approx(8.9585, abs=1e-3), "C": 3}
    assert cat.score == pytest.approx(34.9308, abs=1e-3)


def test_2017_example_has_no_rules(shared_dir: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    s = read_submission(shared_dir / "qpp-api-examples" / "scoring-example-submission-input.json")
    with pytest.raises(ScoringError, match="no program rules for performance year 2017"):
        score_submission(s, catalog)
