"""Golden QPP JSON exports: one individual and one group file, checked by hand.

The files in tests/exporting/golden/ were reviewed field by field against
../shared/docs/qpp-formats.md and ../shared/qpp-api-examples/submission-example-*.json:
entityType / taxpayerIdentificationNumber / nationalProviderIdentifier (individual
only) / performanceYear as an integer; one measurement set per category and
submission method with programName, performanceStart/End (YYYY-MM-DD), cehrtId on the
PI and eCQM sets; quality values with isEndToEndReported, performanceMet,
performanceNotMet, eligiblePopulation, eligiblePopulationExclusion (0 for MIPS CQMs),
eligiblePopulationException, strata for multi-rate measures, and no computed rates;
PI proportions as {numerator, denominator}; attestations and IA as true/false.

To regenerate after a deliberate format change (then review the diff by hand):

    /work/venv/bin/python tests/exporting/test_export_golden.py
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"


def _render(tmp: Path, which: str) -> bytes:
    from export_data import add_group_data, add_individual_data, new_practice

    from desktop_app.exporting import prepare_submission, render_qpp_json
    from desktop_app.reporting import build_submission

    with new_practice(tmp / f"{which}.mipsdesk") as ws:
        entity = add_individual_data(ws) if which == "individual" else add_group_data(ws)
        return render_qpp_json(prepare_submission(build_submission(ws, entity)))


@pytest.mark.parametrize("which", ["individual", "group"])
def test_export_matches_the_hand_checked_golden_file(
    which: str, ws: object, catalog: object
) -> None:
    from export_data import add_group_data, add_individual_data

    from desktop_app.exporting import render_entity

    entity = add_individual_data(ws) if which == "individual" else add_group_data(ws)  # type: ignore[arg-type]
    rendered = render_entity(ws, entity, "qpp-json", catalog)  # type: ignore[arg-type]
    assert rendered.data == (GOLDEN / f"{which}-2025.json").read_bytes()


def test_golden_files_have_the_documented_shape() -> None:
    individual = json.loads((GOLDEN / "individual-2025.json").read_text())
    group = json.loads((GOLDEN / "group-2025.json").read_text())
    assert individual["entityType"] == "individual"
    assert len(individual["nationalProviderIdentifier"]) == 10
    assert group["entityType"] == "group" and "nationalProviderIdentifier" not in group
    for sub in (individual, group):
        assert isinstance(sub["performanceYear"], int)
        for mset in sub["measurementSets"]:
            assert mset["category"] in ("quality", "pi", "ia")
            assert mset["programName"] == "mips"
            assert mset["performanceStart"] <= mset["performanceEnd"]
            if mset["category"] == "pi":
                assert mset["cehrtId"]
            for m in mset["measurements"]:
                value = m["value"]
                if mset["category"] == "quality":
                    rows = value.get("strata", [value])
                    assert "performanceRate" not in value and "reportingRate" not in value
                    for row in rows:
                        assert {"performanceMet", "eligiblePopulation"} <= set(row)
                    if mset["submissionMethod"] == "registry":
                        assert all(r["eligiblePopulationExclusion"] == 0 for r in rows)
                elif isinstance(value, dict):
                    assert set(value) == {"numerator", "denominator"}
                    assert value["numerator"] <= value["denominator"]
                else:
                    assert isinstance(value, bool)


if __name__ == "__main__":
    import sys
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    with tempfile.TemporaryDirectory() as tmp:
        for which in ("individual", "group"):
            (GOLDEN / f"{which}-2025.json").write_bytes(_render(Path(tmp), which))
    print(f"rewrote {GOLDEN}/individual-2025.json and group-2025.json")
