"""Builders for hand-made measures, benchmarks and submissions used by the scoring tests."""

from __future__ import annotations

from typing import Any

from desktop_app.catalog.model import Benchmark, MeasureInfo
from desktop_app.formats.qpp_json import Submission

# A benchmark whose deciles are easy to read: decile d starts at 10*(d-1) percent.
EVEN = {
    1: 1.0,
    10: 10.0,
    20: 20.0,
    30: 30.0,
    40: 40.0,
    50: 50.0,
    60: 60.0,
    70: 70.0,
    80: 80.0,
    90: 90.0,
    99: 99.0,
}
# A realistic one (numbers like a CMS benchmark).
REAL = {
    1: 20.0,
    10: 45.2,
    20: 55.0,
    30: 62.4,
    40: 68.3,
    50: 73.1,
    60: 77.0,
    70: 80.1,
    80: 85.0,
    90: 91.6,
    99: 99.2,
}

TIN = "000456789"
NPI = "9876543213"  # passes the NPI check digit


def quality_measure(
    year: int,
    measure_id: str,
    *,
    measure_type: str = "process",
    high_priority: bool = False,
    inverse: bool = False,
    **data: Any,
) -> MeasureInfo:
    record = {
        "measureId": measure_id,
        "category": "quality",
        "measureType": measure_type,
        "isHighPriority": high_priority,
        "isInverse": inverse,
        "firstPerformanceYear": 2017,
        **data,
    }
    return MeasureInfo(
        year=year,
        measure_id=measure_id,
        category="quality",
        title=f"Measure {measure_id}",
        description="",
        metric_type="singlePerformanceRate",
        data=record,
    )


def ia_activity(year: int, measure_id: str, weight: str | None = None) -> MeasureInfo:
    data: dict[str, Any] = {"measureId": measure_id, "category": "ia"}
    if weight:
        data["weight"] = weight
    return MeasureInfo(
        year=year,
        measure_id=measure_id,
        category="ia",
        title=f"Activity {measure_id}",
        description="",
        metric_type="boolean",
        data=data,
    )


def benchmark(
    year: int,
    measure_id: str,
    percentiles: dict[int, float] | None = None,
    *,
    method: str = "registry",
    inverse: bool = False,
    topped_out_by_program: bool = False,
) -> Benchmark:
    return Benchmark(
        year=year,
        measure_id=measure_id,
        submission_method=method,
        is_inverse=inverse,
        is_topped_out_by_program=topped_out_by_program,
        percentiles=percentiles if percentiles is not None else EVEN,
        data={},
    )


def rate(
    met: int, population: int, not_met: int | None = None, exception: int = 0, exclusion: int = 0
) -> dict[str, Any]:
    """A single-performance-rate value; not_met defaults to 'everything else reported'."""
    if not_met is None:
        not_met = population - met - exception - exclusion
    return {
        "isEndToEndReported": False,
        "performanceMet": met,
        "performanceNotMet": not_met,
        "eligiblePopulation": population,
        "eligiblePopulationExclusion": exclusion,
        "eligiblePopulationException": exception,
    }


def submission(year: int, *sets: dict[str, Any], entity: str = "individual") -> Submission:
    data: dict[str, Any] = {
        "entityType": entity,
        "taxpayerIdentificationNumber": TIN,
        "performanceYear": year,
        "measurementSets": list(sets),
    }
    if entity == "individual":
        data["nationalProviderIdentifier"] = NPI
    return Submission.model_validate(data)


def qset(*measurements: tuple[str, Any], method: str = "registry") -> dict[str, Any]:
    return {
        "category": "quality",
        "submissionMethod": method,
        "measurements": [{"measureId": m, "value": v} for m, v in measurements],
    }


def iaset(*ids: str, value: bool = True) -> dict[str, Any]:
    return {
        "category": "ia",
        "submissionMethod": "registry",
        "measurements": [{"measureId": m, "value": value} for m in ids],
    }


def piset(
    year: int,
    values: dict[str, Any],
    *,
    cehrt: str | None = "0015CABCDEFGHIJ",
    start: str | None = None,
    end: str | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "category": "pi",
        "submissionMethod": "registry",
        "performanceStart": start or f"{year}-01-01",
        "performanceEnd": end or f"{year}-12-31",
        "measurements": [{"measureId": k, "value": v} for k, v in values.items()],
    }
    if cehrt is not None:
        data["cehrtId"] = cehrt
    return data


def full_pi(ep=(50, 100), hie1=(80, 100), hie4=(60, 100), pea=(88, 100)) -> dict[str, Any]:
    """Every required PI measure met (yes/no ones Yes, with active engagement)."""

    def prop(p: tuple[int, int]) -> dict[str, int]:
        return {"numerator": p[0], "denominator": p[1]}

    return {
        "PI_PPHI_1": True,
        "PI_PPHI_2": True,
        "PI_ONCDIR_1": True,
        "PI_INFBLO_1": True,
        "PI_EP_1": prop(ep),
        "PI_EP_2": True,
        "PI_HIE_1": prop(hie1),
        "PI_HIE_4": prop(hie4),
        "PI_PEA_1": prop(pea),
        "PI_PHCDRR_1": True,
        "PI_PHCDRR_1_PRE": True,
        "PI_PHCDRR_3": True,
        "PI_PHCDRR_3_PROD": True,
    }
