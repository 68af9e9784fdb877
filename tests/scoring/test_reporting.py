"""Stored measurement data per reporting entity and the submission built from it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from desktop_app.formats.qpp_json import Proportion, SinglePerformanceRate
from desktop_app.reporting import (
    EntityKey,
    ReportingError,
    build_submission,
    delete_value,
    save_set_fields,
    save_value,
    stored_values,
)
from desktop_app.store import Workspace

TIN = "000456789"
NPI = "9876543213"
RATE = {
    "isEndToEndReported": False,
    "performanceMet": 40,
    "performanceNotMet": 10,
    "eligiblePopulation": 50,
}


@pytest.fixture
def ws(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Workspace.open(tmp_path / "p.mipsdesk", user="jane") as w:
        yield w


def test_save_build_and_notify(ws: Workspace) -> None:
    seen: list[str] = []
    ws.subscribe(seen.append)
    group = EntityKey(2025, TIN)
    save_value(ws, group, "quality", "001", RATE)
    save_value(ws, group, "pi", "PI_EP_1", {"numerator": 3, "denominator": 4})
    save_value(ws, group, "pi", "PI_PPHI_1", True)
    save_set_fields(
        ws,
        group,
        "pi",
        cehrt_id="0015CABCDEFGHIJ",
        performance_start=date(2025, 1, 1),
        performance_end=date(2025, 12, 31),
    )
    assert seen == ["measurement_values"] * 3 + ["measurement_sets"]
    s = build_submission(ws, group)
    assert s.entity_type == "group" and s.national_provider_identifier is None
    assert s.performance_year == 2025
    by_cat = {m.category: m for m in s.measurement_sets}
    assert isinstance(by_cat["quality"].measurements[0].value, SinglePerformanceRate)
    pi = by_cat["pi"]
    assert pi.cehrt_id == "0015CABCDEFGHIJ" and pi.performance_start == date(2025, 1, 1)
    values = {m.measure_id: m.value for m in pi.measurements}
    assert values["PI_PPHI_1"] is True
    assert isinstance(values["PI_EP_1"], Proportion)
    # a clinician's data is separate from the group's
    assert build_submission(ws, EntityKey(2025, TIN, NPI)).measurement_sets == []


def test_update_delete_and_audit(ws: Workspace) -> None:
    clinician = EntityKey(2025, TIN, NPI)
    save_value(ws, clinician, "ia", "IA_EPA_1", True)
    save_value(ws, clinician, "ia", "IA_EPA_1", False)
    assert [v.value for v in stored_values(ws, clinician)] == [False]
    assert delete_value(ws, clinician, "ia", "IA_EPA_1") is True
    assert delete_value(ws, clinician, "ia", "IA_EPA_1") is False
    assert stored_values(ws, clinician) == []
    log = ws.audit_log(table="measurement_values")
    assert [e.action for e in log] == ["delete", "update", "insert"]
    assert log[1].before == {"value": True} and log[1].after == {"value": False}
    assert log[0].record_key == f"2025/{TIN}/{NPI}/ia/registry/mips/IA_EPA_1"
    assert log[0].user == "jane"


@pytest.mark.parametrize(
    ("category", "value", "message"),
    [
        ("pi", {"numerator": 5, "denominator": 4}, "must not be larger than the denominator"),
        ("quality", {**RATE, "performanceMet": 45}, "must not exceed eligiblePopulation"),
        ("quality", True, "a quality value must be a performance-rate object"),
        ("ia", {"numerator": 1, "denominator": 1}, "an IA value must be Yes/No"),
    ],
)
def test_invalid_values_rejected_and_nothing_saved(
    ws: Workspace, category: str, value: object, message: str
) -> None:
    group = EntityKey(2025, TIN)
    with pytest.raises(ReportingError, match=message):
        save_value(ws, group, category, "X_1", value)  # type: ignore[arg-type]
    assert stored_values(ws, group) == []
    assert ws.audit_log(table="measurement_values") == []


def test_period_outside_year_rejected(ws: Workspace) -> None:
    with pytest.raises(ReportingError, match="inside performance year 2025"):
        save_set_fields(ws, EntityKey(2025, TIN), "pi", performance_start=date(2024, 12, 1))


def test_bad_identifiers() -> None:
    with pytest.raises(ValueError, match="check digit"):
        EntityKey(2025, TIN, "9876543210")
