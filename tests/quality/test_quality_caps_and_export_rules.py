"""What the entry form promises agrees with scoring and export: points of capped
measures out of their cap, MIPS CQM exclusions as the export check sees them, eCQM
counts that the QRDA III writer can't carry."""

from __future__ import annotations

from pathlib import Path

from desktop_app.quality import Counts, check_entry
from desktop_app.quality.entry import (
    CQM_EXCLUSION_NOT_ZERO,
    ECQM_COUNTS_DONT_ADD_UP,
    max_points,
)
from desktop_app.rules import load_rules
from desktop_app.scoring.lookup import MemoryLookup

TIN = "000777777"


def test_a_capped_measure_shows_its_points_out_of_the_cap(catalog) -> None:  # type: ignore[no-untyped-def]
    """047 in 2025 (MIPS CQM) is topped out by program: 3.68 points of 7, not of 10."""
    rules = load_rules(2025)
    cap = rules.quality.topped_out_cap.value
    check = check_entry(catalog.measure(2025, "047"), "registry", Counts(60, 0, 0, 50, 10), catalog)
    assert check.max_points == cap
    assert check.cap_note == f"topped out: capped at {cap:g}"
    assert check.points_text == (
        f"{check.score.points:.2f}".rstrip("0").rstrip(".")
        + f" of {cap:g} (topped out: capped at {cap:g})"
    )
    assert " of 10" not in check.points_text


def test_a_capped_multi_rate_measure_reaches_its_cap_and_says_so(catalog) -> None:  # type: ignore[no-untyped-def]
    """226 in 2026 (MIPS CQM, split strata) is capped: a perfect rate shows '7 of 7'."""
    m = catalog.measure(2026, "226")
    strata = {str(s["name"]): Counts(50, 0, 0, 50, 0) for s in m.data["strata"]}
    check = check_entry(m, "registry", strata, catalog)
    cap = load_rules(2026).quality.topped_out_cap.value
    assert check.ok and check.score is not None and check.score.points == cap
    assert check.points_text == f"{cap:g} of {cap:g} (topped out: capped at {cap:g})"
    ecqm = check_entry(m, "electronicHealthRecord", strata, catalog)  # not capped as eCQM
    assert ecqm.points_text == "10 of 10"


def test_measures_that_are_not_capped_show_points_of_ten(catalog) -> None:  # type: ignore[no-untyped-def]
    check = check_entry(catalog.measure(2025, "236"), "registry", Counts(100, 0, 0, 95, 5), catalog)
    assert check.points_text == "10 of 10" and check.cap_note is None


def test_a_removed_cap_gives_the_full_ten_points_back(catalog) -> None:  # type: ignore[no-untyped-def]
    m = catalog.measure(2025, "047")
    removed = m.model_copy(
        update={
            "data": {**m.data, "isSevenPointCapRemoved": True, "sevenPointCapRemoved": ["registry"]}
        }
    )
    lookup = MemoryLookup([removed], catalog.benchmarks(2025, "047"))
    rules = load_rules(2025)
    assert max_points(removed, "registry", lookup, rules) == (10.0, None)
    assert max_points(m, "registry", catalog, rules)[0] == rules.quality.topped_out_cap.value


def test_registry_exclusions_are_refused_by_the_entry_form_and_the_export_check_alike(
    tmp_path: Path, catalog
) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.exporting.check import check_entity
    from desktop_app.reporting import EntityKey, save_value
    from desktop_app.store import Workspace

    m = catalog.measure(2025, "236")
    form = check_entry(m, "registry", Counts(60, 5, 0, 40, 10), catalog)
    assert [e.code for e in form.errors] == [CQM_EXCLUSION_NOT_ZERO]
    entity = EntityKey(2025, TIN, None)
    value = {
        "isEndToEndReported": False,
        "eligiblePopulation": 60,
        "eligiblePopulationExclusion": 5,
        "eligiblePopulationException": 0,
        "performanceMet": 40,
        "performanceNotMet": 10,
    }
    with Workspace.open(tmp_path / "w.mipsdesk", user="test-user") as ws:
        save_value(ws, entity, "quality", "236", value, submission_method="registry")
        report = check_entity(ws, entity, catalog)
        assert CQM_EXCLUSION_NOT_ZERO in {p.code for p in report.errors}
        # the counts the form tells the user to enter pass that check
        fixed = check_entry(m, "registry", Counts(55, 0, 0, 40, 10), catalog)
        assert fixed.ok
        save_value(ws, entity, "quality", "236", fixed.value, submission_method="registry")
        report = check_entity(ws, entity, catalog)
        assert CQM_EXCLUSION_NOT_ZERO not in {p.code for p in report.problems}


def _ecqm_submission(values: dict[str, object]) -> dict[str, object]:
    return {
        "entityType": "group",
        "taxpayerIdentificationNumber": TIN,
        "performanceYear": 2025,
        "measurementSets": [
            {
                "category": "quality",
                "submissionMethod": "electronicHealthRecord",
                "programName": "mips",
                "cehrtId": "0015C1235689784",
                "performanceStart": "2025-01-01",
                "performanceEnd": "2025-12-31",
                "measurements": [{"measureId": k, "value": v} for k, v in values.items()],
            }
        ],
    }


def test_ecqm_counts_that_dont_add_up_warn_that_qrda_iii_leaves_the_measure_out(catalog) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.formats.qrda3.writer import write_qrda3

    m = catalog.measure(2025, "236")
    short = check_entry(m, "electronicHealthRecord", Counts(100, 0, 0, 70, 10), catalog)
    [warning] = [i for i in short.issues if i.code == ECQM_COUNTS_DONT_ADD_UP]
    assert warning.severity == "warning" and warning.field == "not_met"
    assert "QRDA III" in warning.message and "leaves it out" in warning.message
    assert "enter the 20 remaining patients as performance not met" in warning.message
    assert short.ok  # still savable (QPP JSON can carry it) – the page asks first
    full = check_entry(m, "electronicHealthRecord", Counts(100, 0, 0, 70, 30), catalog)
    assert not any(i.code == ECQM_COUNTS_DONT_ADD_UP for i in full.issues)
    cqm = check_entry(m, "registry", Counts(100, 0, 0, 70, 10), catalog)
    assert not any(i.code == ECQM_COUNTS_DONT_ADD_UP for i in cqm.issues)  # MIPS CQM may
    # What the warning promises is what the QRDA III writer does with the same values.
    result = write_qrda3(_ecqm_submission({"236": short.value, "001": _full_001(catalog)}), catalog)
    reasons = {x.measure_id: x.reason for x in result.left_out}
    assert "don't add up" in reasons["236"]
    full_result = write_qrda3(_ecqm_submission({"236": full.value}), catalog)
    assert "236" not in {x.measure_id for x in full_result.left_out}


def _full_001(catalog) -> object:  # type: ignore[no-untyped-def]
    check = check_entry(
        catalog.measure(2025, "001"), "electronicHealthRecord", Counts(100, 0, 0, 20, 80), catalog
    )
    assert check.ok
    return check.value


def test_ecqm_strata_that_dont_add_up_are_named(catalog) -> None:  # type: ignore[no-untyped-def]
    m = catalog.measure(2025, "009")  # eCQM with strata 84Days and 180Days
    check = check_entry(
        m,
        "electronicHealthRecord",
        {"84Days": Counts(100, 0, 0, 80, 10), "180Days": Counts(100, 0, 0, 60, 40)},
        catalog,
    )
    flagged = [i for i in check.issues if i.code == ECQM_COUNTS_DONT_ADD_UP]
    assert [i.stratum for i in flagged] == ["84Days"]
    assert flagged[0].message.startswith("Stratum '84Days': ")
