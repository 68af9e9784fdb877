"""The export check's measure rules: advice that fits the measure (a PI denominator of 0),
and measures of another program refused before the file is made."""

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


def test_a_measure_of_another_program_stored_earlier_blocks_the_export(
    tmp_path: Path, catalog: Catalog
) -> None:
    """001SSP is for the APP Plus set (Shared Savings Program) only: a MIPS file with it is
    refused, so the check says so before the file is made (as validate and import do)."""
    from export_data import single

    entity = EntityKey(2025, TIN, None)
    with new_practice(tmp_path / "p.mipsdesk") as ws:
        save_value(ws, entity, "quality", "001SSP", single(10, 30, 40))
        report = check_entity(ws, entity, catalog)
    [problem] = [p for p in report.errors if p.code == "PROGRAM_NOT_ALLOWED"]
    assert problem.measure_id == "001SSP" and "report measure 001" in problem.message
