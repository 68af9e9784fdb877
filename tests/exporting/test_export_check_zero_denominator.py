"""A PI measure with denominator 0: the check's advice names the measure's own exclusion,
or says it has none (PI_PEA_1), instead of sending the user after an exclusion that
doesn't exist."""

from __future__ import annotations

from pathlib import Path

from export_data import TIN, full_pi, new_practice

from desktop_app.catalog import Catalog
from desktop_app.exporting import check_entity
from desktop_app.reporting import EntityKey, save_value


def test_zero_denominator_advice_follows_the_measures_own_exclusions(
    tmp_path: Path, catalog: Catalog
) -> None:
    entity = EntityKey(2025, TIN, None)
    with new_practice(tmp_path / "p.mipsdesk") as ws:
        for mid, value in full_pi().items():
            save_value(ws, entity, "pi", mid, value)
        save_value(ws, entity, "pi", "PI_PEA_1", {"numerator": 0, "denominator": 0})
        save_value(ws, entity, "pi", "PI_EP_1", {"numerator": 0, "denominator": 0})
        report = check_entity(ws, entity, catalog)
    zero = {p.measure_id: p.message for p in report.problems if p.code == "PI_ZERO_DENOMINATOR"}
    assert "PI_PEA_1 has no exclusion" in zero["PI_PEA_1"]
    assert "claim its exclusion" not in zero["PI_PEA_1"]
    assert "claim its exclusion (PI_LVPP_1)" in zero["PI_EP_1"]
