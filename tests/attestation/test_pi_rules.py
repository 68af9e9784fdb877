"""PI entry rules of each year: period, CEHRT ID, proportions, exclusions, HIE options,
active engagement, required attestations and the "n / N objectives" progress."""

from __future__ import annotations

import datetime as dt

import pytest
from attestation_data import TIN

from desktop_app import attestation as att
from desktop_app.reporting import EntityKey, save_value
from desktop_app.store import Workspace

YEARS = [2024, 2025, 2026]


def D(y: int, m: int, d: int) -> dt.date:
    return dt.date(y, m, d)


@pytest.mark.parametrize("year", YEARS)
def test_latest_start_leaves_180_days(year: int) -> None:
    latest = att.latest_start(year)
    assert latest == D(year, 7, 5)
    assert (D(year, 12, 31) - latest).days + 1 == 180
    assert att.period_problem(latest, D(year, 12, 31), year) is None
    late = att.period_problem(latest + dt.timedelta(days=1), D(year, 12, 31), year)
    assert late is not None
    assert "too late" in late and f"07/05/{year}" in late


@pytest.mark.parametrize("year", YEARS)
def test_period_needs_180_continuous_days(year: int) -> None:
    start = D(year, 1, 1)
    short = att.period_problem(start, start + dt.timedelta(days=178), year)
    assert short is not None and "179 days" in short and "at least 180" in short
    assert att.period_problem(start, start + dt.timedelta(days=179), year) is None


@pytest.mark.parametrize("year", YEARS)
def test_cehrt_id_with_15h_is_refused_with_reason(year: int) -> None:
    problem = att.cehrt_problem("0015H1234567890", year)
    assert problem is not None and "15H" in problem and "rejects" in problem
    assert att.cehrt_problem("0015C1234567890", year) is None


def test_cehrt_2025_format_only_from_2025() -> None:
    assert att.cehrt_problem("2025C1234567890", 2025) is None
    assert att.cehrt_problem("2025C1234567890", 2026) is None
    refused = att.cehrt_problem("2025C1234567890", 2024)
    assert refused is not None and "2024 format" in refused
    assert att.cehrt_problem("0015C12345", 2025) is not None  # too short


def test_set_cehrt_id_refuses_and_keeps_nothing(ws: Workspace, group: EntityKey) -> None:
    with pytest.raises(att.AttestationError, match="15H"):
        att.set_cehrt_id(ws, group, "0015H1234567890")
    assert att.pi_entry(ws, group).cehrt_id is None
    assert att.set_cehrt_id(ws, group, " 0015c1234567890 ") == "0015C1234567890"
    assert att.pi_entry(ws, group).cehrt_id == "0015C1234567890"


def test_period_outside_year_or_reversed_is_refused(ws: Workspace, group: EntityKey) -> None:
    with pytest.raises(att.AttestationError, match="outside performance year 2025"):
        att.set_pi_period(ws, group, D(2024, 12, 1), D(2025, 12, 31))
    with pytest.raises(att.AttestationError, match="before the start date"):
        att.set_pi_period(ws, group, D(2025, 9, 1), D(2025, 3, 1))
    att.set_pi_period(ws, group, D(2025, 8, 1), None)  # partial entry is kept
    entry = att.pi_entry(ws, group)
    assert (entry.start, entry.end) == (D(2025, 8, 1), None)
    issues = att.pi_issues(entry, 2025)
    assert any(i.measure_id == "period" and "too late" in i.message for i in issues)


@pytest.mark.parametrize(
    ("num", "den", "fragment"),
    [
        (11, 10, "can't be larger than the denominator"),
        (1, 0, "denominator is 0, so the numerator must be 0"),
        (None, 10, "both the numerator and the denominator"),
    ],
)
def test_proportion_checks(
    ws: Workspace, group: EntityKey, num: int | None, den: int | None, fragment: str
) -> None:
    assert fragment in (att.proportion_problem(num, den) or "")
    with pytest.raises(att.AttestationError, match=fragment.split(",")[0]):
        att.set_pi_proportion(ws, group, "PI_EP_1", num, den)
    assert "PI_EP_1" not in att.pi_entry(ws, group).values


def test_proportion_zero_over_zero_is_accepted(ws: Workspace, group: EntityKey) -> None:
    att.set_pi_proportion(ws, group, "PI_EP_1", 0, 0)
    assert att.pi_entry(ws, group).values["PI_EP_1"] == {"numerator": 0, "denominator": 0}
    assert att.parse_count("1,234", "numerator") == 1234
    with pytest.raises(att.AttestationError, match="whole number"):
        att.parse_count("12.5", "numerator")


def test_yes_no_on_a_proportion_measure_is_refused(ws: Workspace, group: EntityKey) -> None:
    with pytest.raises(att.AttestationError, match="numerator and a denominator"):
        att.set_pi_answer(ws, group, "PI_EP_1", True)
    with pytest.raises(att.AttestationError, match="not a 2025"):
        att.set_pi_answer(ws, group, "PI_NOPE_1", True)


def test_claiming_an_exclusion_removes_the_measure(ws: Workspace, group: EntityKey) -> None:
    att.set_pi_answer(ws, group, "PI_EP_2", True)
    att.set_pi_exclusion(ws, group, "PI_EP_2", "PI_EP_2_EX_1")
    values = att.pi_entry(ws, group).values
    assert "PI_EP_2" not in values and values["PI_EP_2_EX_1"] is True
    # switching to the other exclusion keeps only one
    att.set_pi_exclusion(ws, group, "PI_EP_2", "PI_EP_2_EX_2")
    values = att.pi_entry(ws, group).values
    assert values.get("PI_EP_2_EX_2") is True and "PI_EP_2_EX_1" not in values
    with pytest.raises(att.AttestationError, match="can't both be claimed"):
        att.set_pi_answer(ws, group, "PI_EP_2", True)
    with pytest.raises(att.AttestationError, match="not an exclusion of PI_EP_2"):
        att.set_pi_exclusion(ws, group, "PI_EP_2", "PI_LVPP_1")
    att.set_pi_exclusion(ws, group, "PI_EP_2", None)
    assert not any(k.startswith("PI_EP_2") for k in att.pi_entry(ws, group).values)


def test_imported_measure_and_exclusion_conflict_is_reported(
    ws: Workspace, group: EntityKey
) -> None:
    save_value(ws, group, "pi", "PI_EP_1", {"numerator": 5, "denominator": 10})
    save_value(ws, group, "pi", "PI_LVPP_1", True)
    issues = att.pi_issues(att.pi_entry(ws, group), 2025)
    assert any("can't both be claimed" in i.message and i.measure_id == "PI_EP_1" for i in issues)


def test_hie_options(ws: Workspace, group: EntityKey) -> None:
    att.set_pi_proportion(ws, group, "PI_HIE_1", 5, 10)
    issues = att.pi_issues(att.pi_entry(ws, group), 2025)
    assert any("PI_HIE_1 + PI_HIE_4 go together; PI_HIE_4 is missing" in i.message for i in issues)
    att.set_pi_answer(ws, group, "PI_HIE_5", True)
    issues = att.pi_issues(att.pi_entry(ws, group), 2025)
    assert any("report one option only" in i.message and i.severity == "warning" for i in issues)
    # PI_HIE_5 alone completes the objective
    progress = att.pi_progress(att.pi_entry(ws, group), 2025)
    assert next(o for o in progress.objectives if o.key == "hie").complete


def test_active_engagement_needed_before_yes_counts(ws: Workspace, group: EntityKey) -> None:
    att.set_pi_answer(ws, group, "PI_PHCDRR_1", True)
    att.set_pi_answer(ws, group, "PI_PHCDRR_3", True)
    entry = att.pi_entry(ws, group)
    assert any(
        i.measure_id == "PI_PHCDRR_1" and "does not count" in i.message
        for i in att.pi_issues(entry, 2025)
    )
    ph = next(o for o in att.pi_progress(entry, 2025).objectives if o.key == "public_health")
    assert not ph.complete
    att.set_pi_engagement(ws, group, "PI_PHCDRR_1", "PI_PHCDRR_1_PRE")
    att.set_pi_engagement(ws, group, "PI_PHCDRR_3", "PI_PHCDRR_3_PROD")
    att.set_pi_engagement(ws, group, "PI_PHCDRR_1", "PI_PHCDRR_1_PROD")  # switch level
    entry = att.pi_entry(ws, group)
    assert entry.values.get("PI_PHCDRR_1_PROD") is True
    assert "PI_PHCDRR_1_PRE" not in entry.values
    ph = next(o for o in att.pi_progress(entry, 2025).objectives if o.key == "public_health")
    assert ph.complete
    with pytest.raises(att.AttestationError, match="not an active engagement level"):
        att.set_pi_engagement(ws, group, "PI_PHCDRR_1", "PI_PHCDRR_3_PRE")


def _complete(ws: Workspace, e: EntityKey) -> None:
    y = e.year
    att.set_pi_period(ws, e, D(y, 1, 1), D(y, 12, 31))
    att.set_cehrt_id(ws, e, "0015C1234567890")
    for mid in ("PI_PPHI_1", "PI_PPHI_2", "PI_ONCDIR_1", "PI_INFBLO_1"):
        att.set_pi_answer(ws, e, mid, True)
    att.set_pi_proportion(ws, e, "PI_EP_1", 80, 100)
    att.set_pi_answer(ws, e, "PI_EP_2", True)
    att.set_pi_answer(ws, e, "PI_HIE_6", True)
    att.set_pi_proportion(ws, e, "PI_PEA_1", 90, 100)
    for mid in ("PI_PHCDRR_1", "PI_PHCDRR_3"):
        att.set_pi_answer(ws, e, mid, True)
        att.set_pi_engagement(ws, e, mid, f"{mid}_PROD")


@pytest.mark.parametrize("year", YEARS)
def test_progress_counts_six_objectives_each_year(ws: Workspace, year: int) -> None:
    e = EntityKey(year, TIN)
    progress = att.pi_progress(att.pi_entry(ws, e), year)
    assert progress.text == "0 / 6 objectives completed"
    assert any("Performance period" in m for m in progress.missing)
    assert any("CEHRT ID" in m for m in progress.missing)
    _complete(ws, e)
    progress = att.pi_progress(att.pi_entry(ws, e), year)
    assert progress.text == "6 / 6 objectives completed"
    assert progress.missing == []


def test_required_attestation_answered_no(ws: Workspace, group: EntityKey) -> None:
    att.set_pi_answer(ws, group, "PI_PPHI_1", False)
    entry = att.pi_entry(ws, group)
    assert any("must be Yes" in i.message for i in att.pi_issues(entry, 2025))
    progress = att.pi_progress(entry, 2025)
    pphi = next(o for o in progress.objectives if o.key == "protectPatientHealthInformation")
    assert not pphi.complete and "answered No" in pphi.missing[0]


def test_layout_groups_measures_by_objective_with_catalog_text(catalog: object) -> None:
    layout = att.pi_layout(2026, catalog)  # type: ignore[arg-type]
    keys = [o.key for o in layout]
    assert keys[:2] == ["attestation", "protectPatientHealthInformation"]
    assert {"e_prescribing", "hie", "pea", "public_health", "bonus"} <= set(keys)
    oncdir = next(m for o in layout for m in o.measures if m.measure_id == "PI_ONCDIR_1")
    assert oncdir.statement.startswith("I attest that I")
    bonus = next(o for o in layout if o.key == "bonus")
    assert "PI_PHCDRR_6" in [m.measure_id for m in bonus.measures]  # 2026 adds it
    assert all(m.bonus for m in bonus.measures)
    ep2 = next(m for o in layout for m in o.measures if m.measure_id == "PI_EP_2")
    assert [c.measure_id for c in ep2.exclusions] == ["PI_EP_2_EX_1", "PI_EP_2_EX_2"]
    hie = next(o for o in layout if o.key == "hie")
    assert "PI_HIE_1 + PI_HIE_4; or PI_HIE_5; or PI_HIE_6" in hie.note
    assert att.pi_layout(2024, catalog)[-1].measures[-1].measure_id == "PI_PHCDRR_5"  # type: ignore[arg-type]


def test_edits_are_audited(ws: Workspace, group: EntityKey) -> None:
    att.set_pi_proportion(ws, group, "PI_EP_1", 3, 4)
    att.set_cehrt_id(ws, group, "0015C1234567890")
    tables = [a.table_name for a in ws.audit_log(5)]
    assert "measurement_values" in tables and "measurement_sets" in tables


def test_engagement_level_on_an_excluded_measure_is_refused(
    ws: Workspace, group: EntityKey
) -> None:
    att.set_pi_exclusion(ws, group, "PI_PHCDRR_1", "PI_PHCDRR_1_EX_1")
    with pytest.raises(
        att.AttestationError,
        match=r"exclusion PI_PHCDRR_1_EX_1 is claimed for PI_PHCDRR_1, so it can't also have "
        r"the active engagement level PI_PHCDRR_1_PRE.*Remove the exclusion first",
    ):
        att.set_pi_engagement(ws, group, "PI_PHCDRR_1", "PI_PHCDRR_1_PRE")
    att.set_pi_engagement(ws, group, "PI_PHCDRR_1", None)  # choosing no level is fine
    built = att.build_pi_ia_submission(ws, group).sets("pi")[0]
    ids = {m.measure_id for m in built.measurements}
    assert "PI_PHCDRR_1_EX_1" in ids
    assert not ids & {"PI_PHCDRR_1_PRE", "PI_PHCDRR_1_PROD", "PI_PHCDRR_1"}
    # once the exclusion is removed, the level can be chosen
    att.set_pi_exclusion(ws, group, "PI_PHCDRR_1", None)
    att.set_pi_engagement(ws, group, "PI_PHCDRR_1", "PI_PHCDRR_1_PRE")
    assert att.pi_entry(ws, group).values.get("PI_PHCDRR_1_PRE") is True


def test_imported_engagement_on_an_excluded_measure_is_reported(
    ws: Workspace, group: EntityKey
) -> None:
    save_value(ws, group, "pi", "PI_PHCDRR_1_EX_1", True)
    save_value(ws, group, "pi", "PI_PHCDRR_1_PROD", True)
    issues = att.pi_issues(att.pi_entry(ws, group), 2025)
    assert any(i.measure_id == "PI_PHCDRR_1" and "PI_PHCDRR_1_PROD" in i.message for i in issues)
