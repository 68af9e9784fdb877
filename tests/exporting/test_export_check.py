"""The pre-export check: each of CMS's data-inaccuracy checks, with its fixing step."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from export_data import (
    NPI_A,
    OPT_IN,
    TIN,
    add_group_data,
    add_individual_data,
    add_pi,
    full_pi,
    make_npi,
    single,
)

from desktop_app.catalog import Catalog
from desktop_app.elections import Election, confirm_election
from desktop_app.exporting import ExportBlocked, check_entity, render_entity
from desktop_app.reporting import EntityKey, delete_value, save_set_fields, save_value
from desktop_app.store import Workspace


def codes(report, severity: str | None = None) -> set[str]:  # type: ignore[no-untyped-def]
    return {p.code for p in report.problems if severity is None or p.severity == severity}


def find(report, code: str):  # type: ignore[no-untyped-def]
    return next(p for p in report.problems if p.code == code)


def test_complete_data_passes_without_problems(ws: Workspace, catalog: Catalog) -> None:
    for entity in (add_individual_data(ws), add_group_data(ws)):
        report = check_entity(ws, entity, catalog)
        assert report.ok
        assert report.problems == []
        assert report.submission is not None


def test_npi_that_is_not_a_clinician_of_the_practice_is_an_error(
    ws: Workspace, catalog: Catalog
) -> None:
    stranger = EntityKey(2025, TIN, make_npi("987654321"))
    save_value(ws, stranger, "ia", "IA_EPA_3", True)
    report = check_entity(ws, stranger, catalog)
    problem = find(report, "NPI_NOT_IN_PRACTICE")
    assert problem.severity == "error"
    assert problem.step == "practice"
    assert stranger.npi in problem.message
    assert not report.ok


def test_tin_other_than_the_practice_tin_is_an_error(ws: Workspace, catalog: Catalog) -> None:
    other = EntityKey(2025, "987654321", None)
    save_value(ws, other, "ia", "IA_EPA_3", True)
    problem = find(check_entity(ws, other, catalog), "TIN_NOT_PRACTICE")
    assert (problem.severity, problem.step) == ("error", "practice")
    assert "987654321" in problem.message and TIN in problem.message


def test_sandbox_tin_is_a_warning(tmp_path: Path, catalog: Catalog) -> None:
    from desktop_app.models.practice import Practice

    with Workspace.open(tmp_path / "sandbox.mipsdesk") as ws:
        ws.save_practice(Practice(tin="000123456", name="Sandbox clinic"))
        entity = EntityKey(2025, "000123456", None)
        save_value(ws, entity, "ia", "IA_EPA_3", True)
        report = check_entity(ws, entity, catalog)
        problem = find(report, "TEST_TIN")
        assert problem.severity == "warning"
        assert "Developer Preview" in problem.message


def test_numerator_above_denominator_blocks_export(ws: Workspace, catalog: Catalog) -> None:
    entity = add_group_data(ws)
    # A value stored by an older version (the models refuse it today).
    ws.db.execute(
        "UPDATE measurement_values SET value_json = ? WHERE measure_id = 'PI_EP_1' AND npi = ''",
        [json.dumps({"numerator": 120, "denominator": 100})],
    )
    ws.db.conn.commit()
    report = check_entity(ws, entity, catalog)
    problem = find(report, "NUMERATOR_ABOVE_DENOMINATOR")
    assert (problem.severity, problem.step, problem.measure_id) == ("error", "pi", "PI_EP_1")
    assert "120" in problem.message and "100" in problem.message
    try:
        render_entity(ws, entity, "qpp-json", catalog)
    except ExportBlocked as exc:
        assert "PI_EP_1" in str(exc)
    else:
        raise AssertionError("export was not blocked")


def test_quality_counts_above_the_eligible_population_are_an_error(
    ws: Workspace, catalog: Catalog
) -> None:
    entity = add_group_data(ws)
    ws.db.execute(
        "UPDATE measurement_values SET value_json = ? WHERE measure_id = '236' AND npi = ''",
        [json.dumps(single(300, 250, 500))],
    )
    ws.db.conn.commit()
    problem = find(check_entity(ws, entity, catalog), "NUMERATOR_ABOVE_DENOMINATOR")
    assert (problem.step, problem.measure_id) == ("quality", "236")
    assert "550" in problem.message


def test_low_data_completeness_is_a_warning_that_does_not_block(
    ws: Workspace, catalog: Catalog
) -> None:
    entity = add_group_data(ws)
    save_value(ws, entity, "quality", "236", single(100, 50, 500))
    report = check_entity(ws, entity, catalog)
    problem = find(report, "DATA_COMPLETENESS_LOW")
    assert (problem.severity, problem.step, problem.measure_id) == ("warning", "quality", "236")
    assert "30.0%" in problem.message and "75%" in problem.message
    assert report.ok
    rendered = render_entity(ws, entity, "qpp-json", catalog)
    assert any("30.0%" in w for w in rendered.warnings)


def test_cqm_with_eligible_population_exclusion_is_an_error(
    ws: Workspace, catalog: Catalog
) -> None:
    entity = add_group_data(ws)
    save_value(ws, entity, "quality", "236", single(300, 150, 500, excl=20))
    problem = find(check_entity(ws, entity, catalog), "CQM_EXCLUSION_NOT_ZERO")
    assert (problem.severity, problem.step) == ("error", "quality")


def test_measure_not_valid_for_the_year_names_the_step(ws: Workspace, catalog: Catalog) -> None:
    entity = add_group_data(ws)
    save_value(ws, entity, "ia", "IA_NOT_A_MEASURE", True)
    save_value(ws, entity, "quality", "999", single(1, 1, 2))
    report = check_entity(ws, entity, catalog)
    found = {
        (p.measure_id, p.step) for p in report.errors if p.code == "MEASURE_NOT_VALID_FOR_YEAR"
    }
    assert found == {("IA_NOT_A_MEASURE", "ia"), ("999", "quality")}


def test_collection_type_the_measure_does_not_have_is_an_error(
    ws: Workspace, catalog: Catalog
) -> None:
    entity = add_group_data(ws)
    save_value(
        ws, entity, "quality", "047", single(1, 1, 2), submission_method="electronicHealthRecord"
    )
    problem = find(check_entity(ws, entity, catalog), "COLLECTION_TYPE_NOT_VALID")
    assert problem.measure_id == "047"
    assert "eCQM" in problem.message and "MIPS CQM" in problem.message


def test_measure_with_its_own_exclusion_is_an_error(ws: Workspace, catalog: Catalog) -> None:
    entity = add_group_data(ws)
    save_value(ws, entity, "pi", "PI_LVPP_1", True)
    problem = find(check_entity(ws, entity, catalog), "MEASURE_WITH_ITS_EXCLUSION")
    assert (problem.step, problem.measure_id) == ("pi", "PI_EP_1")
    assert "PI_LVPP_1" in problem.message


def test_missing_required_pi_parts_are_errors(ws: Workspace, catalog: Catalog) -> None:
    entity = add_group_data(ws)
    delete_value(ws, entity, "pi", "PI_PPHI_1")
    delete_value(ws, entity, "pi", "PI_HIE_5")
    report = check_entity(ws, entity, catalog)
    missing = [p for p in report.errors if p.code == "PI_REQUIRED_MISSING"]
    assert {p.step for p in missing} == {"pi"}
    text = " ".join(p.message for p in missing)
    assert "PI_PPHI_1" in text and "Security Risk Analysis" in text
    assert "Health Information Exchange" in text and "PI_HIE_5" in text


def test_pi_without_cehrt_id_or_with_a_short_period_is_an_error(
    ws: Workspace, catalog: Catalog
) -> None:
    entity = add_group_data(ws)
    save_set_fields(
        ws,
        entity,
        "pi",
        cehrt_id=None,
        performance_start=dt.date(2025, 10, 1),
        performance_end=dt.date(2025, 12, 31),
    )
    report = check_entity(ws, entity, catalog)
    assert {"PI_CEHRT_ID", "PI_PERIOD"} <= codes(report, "error")
    assert "180" in find(report, "PI_PERIOD").message


def test_conflicting_pi_sources_are_an_error(ws: Workspace, catalog: Catalog) -> None:
    entity = add_group_data(ws)
    add_pi(ws, entity, method="electronicHealthRecord")
    ehr = "electronicHealthRecord"
    save_value(
        ws, entity, "pi", "PI_EP_1", {"numerator": 80, "denominator": 100}, submission_method=ehr
    )
    problem = find(check_entity(ws, entity, catalog), "PI_CONFLICTING_SOURCES")
    assert (problem.severity, problem.step) == ("error", "pi")
    assert "2 sources" in problem.message


def test_each_conflicting_pi_measure_is_an_error_naming_it_and_its_sources(
    ws: Workspace, catalog: Catalog
) -> None:
    entity = add_group_data(ws)
    add_pi(ws, entity, method="electronicHealthRecord")
    ehr = "electronicHealthRecord"
    save_value(
        ws, entity, "pi", "PI_EP_1", {"numerator": 80, "denominator": 100}, submission_method=ehr
    )
    save_value(ws, entity, "pi", "PI_HIE_5", False, submission_method=ehr)
    report = check_entity(ws, entity, catalog)
    conflicts = [p for p in report.problems if p.code == "PI_CONFLICTING_SOURCES"]
    assert {(p.severity, p.measure_id) for p in conflicts} == {
        ("error", "PI_EP_1"),
        ("error", "PI_HIE_5"),
    }
    ep = next(p for p in conflicts if p.measure_id == "PI_EP_1")
    assert "file upload from the EHR (QRDA III)" in ep.message
    assert "manual entry (registry)" in ep.message
    assert "80/100" in ep.message and "90/100" in ep.message
    assert "eCQM" not in ep.message and "MIPS CQM" not in ep.message
    assert not report.ok


def test_pi_from_two_sources_that_agree_is_a_warning_not_an_error(
    ws: Workspace, catalog: Catalog
) -> None:
    entity = add_group_data(ws)
    add_pi(ws, entity, method="electronicHealthRecord")  # the same values as the registry set
    report = check_entity(ws, entity, catalog)
    assert "PI_CONFLICTING_SOURCES" not in codes(report)
    problem = find(report, "PI_SOURCES_MERGED")
    assert (problem.severity, problem.step) == ("warning", "pi")
    assert "2 sources" in problem.message
    assert "file upload from the EHR (QRDA III)" in problem.message
    assert "manual entry (registry)" in problem.message
    assert report.ok


def test_pi_split_over_two_sources_is_checked_as_one_merged_set(
    ws: Workspace, catalog: Catalog
) -> None:
    """Each set alone lacks required parts; merged (as CMS scores them) nothing is missing."""
    entity = add_group_data(ws)
    ehr = "electronicHealthRecord"
    for mid in ("PI_PEA_1", "PI_PHCDRR_1", "PI_PHCDRR_1_PROD", "PI_PHCDRR_3", "PI_PHCDRR_3_PRE"):
        delete_value(ws, entity, "pi", mid)
        save_value(ws, entity, "pi", mid, full_pi()[mid], submission_method=ehr)
    report = check_entity(ws, entity, catalog)
    assert "PI_REQUIRED_MISSING" not in codes(report)
    assert "PI_SOURCES_MERGED" in codes(report, "warning")
    assert report.ok


def test_opt_in_eligible_entity_needs_a_confirmed_election(ws: Workspace, catalog: Catalog) -> None:
    from desktop_app.eligibility import store as el

    entity = add_individual_data(ws)
    # New low-volume figures arrive after the data was entered: now opt-in eligible.
    for seg in (1, 2):
        el.save_figures(ws, 2025, TIN, NPI_A, seg, OPT_IN)
    problem = find(check_entity(ws, entity, catalog), "NO_ELECTION")
    assert (problem.severity, problem.step) == ("error", "election")
    assert "opt-in eligible" in problem.message
    confirm_election(ws, 2025, TIN, NPI_A, Election.OPT_IN, "CONFIRM", "Ada Quinn")
    assert "NO_ELECTION" not in codes(check_entity(ws, entity, catalog))


def test_undetermined_eligibility_is_a_warning_pointing_to_eligibility(
    tmp_path: Path, catalog: Catalog
) -> None:
    from desktop_app.models.practice import Practice

    with Workspace.open(tmp_path / "new.mipsdesk") as ws:
        ws.save_practice(Practice(tin=TIN, name="New clinic"))
        entity = EntityKey(2025, TIN, None)
        save_value(ws, entity, "ia", "IA_EPA_3", True)
        problem = find(check_entity(ws, entity, catalog), "ELIGIBILITY_UNKNOWN")
        assert (problem.severity, problem.step) == ("warning", "eligibility")


def test_entity_without_data_has_nothing_to_export(ws: Workspace, catalog: Catalog) -> None:
    report = check_entity(ws, EntityKey(2025, TIN, NPI_A), catalog)
    assert [p.code for p in report.errors] == ["NO_DATA"]


def test_without_catalog_measures_are_not_checked_and_a_warning_says_so(ws: Workspace) -> None:
    entity = add_group_data(ws)
    save_value(ws, entity, "ia", "IA_NOT_A_MEASURE", True)
    report = check_entity(ws, entity, None)
    assert report.ok
    assert "NO_CATALOG" in codes(report, "warning")


def test_problem_describe_names_the_fixing_step(ws: Workspace, catalog: Catalog) -> None:
    entity = add_group_data(ws)
    save_value(ws, entity, "pi", "PI_LVPP_1", True)
    problem = find(check_entity(ws, entity, catalog), "MEASURE_WITH_ITS_EXCLUSION")
    assert problem.describe().startswith("ERROR: ")
    assert problem.describe().endswith("(fix on: Promoting Interoperability)")
    assert problem.as_dict()["step"] == "pi"


def test_measure_outside_the_mvp_is_an_error(ws: Workspace, catalog: Catalog) -> None:
    mvp = catalog.mvps(2025)[0]
    outside = next(
        m.measure_id for m in catalog.measures(2025, "ia") if m.measure_id not in mvp.ia_measure_ids
    )
    entity = EntityKey(2025, TIN, None)
    save_value(ws, entity, "ia", mvp.ia_measure_ids[0], True, program_name=mvp.mvp_id)
    save_value(ws, entity, "ia", outside, True, program_name=mvp.mvp_id)
    report = check_entity(ws, entity, catalog)
    problems = [p for p in report.errors if p.code == "MEASURE_NOT_IN_MVP"]
    assert [(p.measure_id, p.step) for p in problems] == [(outside, "ia")]
    assert mvp.mvp_id in problems[0].message


def test_unknown_mvp_is_an_error(ws: Workspace, catalog: Catalog) -> None:
    entity = EntityKey(2025, TIN, None)
    save_value(ws, entity, "ia", "IA_EPA_3", True, program_name="M9999")
    problem = find(check_entity(ws, entity, catalog), "MVP_NOT_VALID_FOR_YEAR")
    assert "M9999" in problem.message and "2025" in problem.message


def test_data_for_another_program_than_the_entity_reports_is_a_warning(
    ws: Workspace, catalog: Catalog
) -> None:
    from desktop_app.models.practice import ReportingEntity

    mvp = next(m for m in catalog.mvps(2025) if m.mvp_id.startswith("M"))
    ws.save_reporting_entity(ReportingEntity(year=2025, tin=TIN, reporting_option=mvp.mvp_id))
    entity = add_group_data(ws)  # traditional MIPS data
    problems = [
        p for p in check_entity(ws, entity, catalog).problems if p.code == "PROGRAM_MISMATCH"
    ]
    assert problems and all(p.severity == "warning" for p in problems)
    assert f"MVP {mvp.mvp_id}" in problems[0].message
    assert "traditional MIPS" in problems[0].message


def test_ecqm_data_without_cehrt_id_is_an_error(ws: Workspace, catalog: Catalog) -> None:
    entity = add_individual_data(ws)
    save_set_fields(ws, entity, "quality", submission_method="electronicHealthRecord")
    problem = find(check_entity(ws, entity, catalog), "ECQM_CEHRT_ID")
    assert (problem.severity, problem.step) == ("error", "quality")
    assert "No CEHRT ID" in problem.message
