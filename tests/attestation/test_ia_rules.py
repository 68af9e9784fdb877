"""IA entry rules of each year: activity dates, derived period, requirement, filters."""

from __future__ import annotations

import datetime as dt

import pytest
from attestation_data import TIN

from desktop_app import attestation as att
from desktop_app.attestation import ia as ia_module
from desktop_app.catalog import Catalog
from desktop_app.reporting import EntityKey
from desktop_app.rules import load_rules
from desktop_app.store import Workspace


def D(y: int, m: int, d: int) -> dt.date:
    return dt.date(y, m, d)


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_activity_needs_90_continuous_days_in_the_year(ws: Workspace, year: int) -> None:
    e = EntityKey(year, TIN)
    start = D(year, 3, 1)
    with pytest.raises(att.AttestationError, match="89 days; IA_BE_4 needs at least 90"):
        att.set_ia_activity(ws, e, "IA_BE_4", True, start, start + dt.timedelta(days=88))
    with pytest.raises(att.AttestationError, match="outside performance year"):
        att.set_ia_activity(ws, e, "IA_BE_4", True, D(year - 1, 12, 1), D(year, 3, 1))
    with pytest.raises(att.AttestationError, match="started and the date it ended"):
        att.set_ia_activity(ws, e, "IA_BE_4", True, start, None)
    att.set_ia_activity(ws, e, "IA_BE_4", True, start, start + dt.timedelta(days=89))
    assert att.ia_entry(ws, e)["IA_BE_4"].end == start + dt.timedelta(days=89)


def test_activities_with_their_own_period(ws: Workspace, group: EntityKey) -> None:
    assert att.activity_period("IA_ERP_2", 2025).days == 60
    att.set_ia_activity(ws, group, "IA_ERP_2", True, D(2025, 1, 1), D(2025, 3, 1))  # 60 days
    pcmh = att.activity_period("IA_PCMH", 2025)
    assert not pcmh.own and pcmh.days is None and pcmh.months is None
    att.set_ia_activity(ws, group, "IA_PCMH", True)  # no dates needed
    assert set(att.ia_entry(ws, group)) == {"IA_ERP_2", "IA_PCMH"}


def test_category_period_is_first_start_to_last_end(ws: Workspace, group: EntityKey) -> None:
    att.set_ia_activity(ws, group, "IA_AHE_1", True, D(2025, 3, 1), D(2025, 6, 30))
    att.set_ia_activity(ws, group, "IA_BE_4", True, D(2025, 8, 1), D(2025, 11, 30))
    att.set_ia_activity(ws, group, "IA_PCMH", True)
    assert att.ia_period(att.ia_entry(ws, group)) == (D(2025, 3, 1), D(2025, 11, 30))
    iaset = att.build_pi_ia_submission(ws, group).sets("ia")[0]
    assert (iaset.performance_start, iaset.performance_end) == (D(2025, 3, 1), D(2025, 11, 30))
    att.set_ia_activity(ws, group, "IA_BE_4", False)
    iaset = att.build_pi_ia_submission(ws, group).sets("ia")[0]
    assert (iaset.performance_start, iaset.performance_end) == (D(2025, 3, 1), D(2025, 6, 30))
    assert [m.measure_id for m in iaset.measurements] == ["IA_AHE_1", "IA_PCMH"]
    actions = [a.action for a in ws.audit_log(10) if a.table_name == "attestation_ia_dates"]
    assert "delete" in actions and "insert" in actions


def test_unknown_activity_is_refused(ws: Workspace, group: EntityKey, catalog: Catalog) -> None:
    with pytest.raises(att.AttestationError, match="not a 2025 improvement activity"):
        att.set_ia_activity(
            ws, group, "IA_NOPE", True, D(2025, 1, 1), D(2025, 6, 1), catalog=catalog
        )


def test_requirement_2025_count(ws: Workspace, small_ws: Workspace, group: EntityKey) -> None:
    req = att.ia_requirement(ws, group)
    assert req.method == "count" and req.needed == 2
    assert req.text.startswith("2 activities for full credit in 2025")
    small = att.ia_requirement(small_ws, group)
    assert small.needed == 1 and "small practice" in small.text
    assert small.apm_text is None
    att.set_entity_flags(small_ws, group, apm_participant=True)
    assert "50%" in (att.ia_requirement(small_ws, group).apm_text or "")


def test_requirement_2024_weights_doubled_for_special_status(small_ws: Workspace) -> None:
    e = EntityKey(2024, TIN)
    req = att.ia_requirement(small_ws, e)
    assert req.method == "weighted" and req.needed == 40
    assert "high-weighted activities earn 40, medium-weighted 20 (doubled" in req.text


def test_activity_list_search_and_filters(catalog: Catalog) -> None:
    acts = att.ia_activities(catalog, 2025)
    assert len(acts) == len(catalog.measures(2025, "ia"))
    assert acts[0].measure_id == "IA_PCMH"  # listed first, as on QPP
    found = att.filter_activities(acts, catalog, 2025, text="opioid")
    assert found and all("opioid" in (a.title + a.description).lower() for a in found)
    exact = att.filter_activities(acts, catalog, 2025, text="IA_EPA_3")
    assert exact[0].measure_id == "IA_EPA_3"
    care = att.filter_activities(acts, subcategory="careCoordination")
    assert care and {a.subcategory_label for a in care} == {"Care coordination"}
    assert all(a.weight is None for a in acts)
    acts24 = att.ia_activities(catalog, 2024)
    high = att.filter_activities(acts24, weight="high")
    assert high and all(a.weight == "high" for a in high)
    assert len(high) < len(acts24)
    done = att.filter_activities(acts, completed_only={"IA_EPA_3"})
    assert [a.measure_id for a in done] == ["IA_EPA_3"]


def test_medical_home_keeps_no_dates_and_does_not_set_the_period(
    ws: Workspace, group: EntityKey
) -> None:
    assert att.default_dates("IA_PCMH", 2025) == (None, None)
    att.set_ia_activity(ws, group, "IA_PM_2", True, D(2025, 5, 1), D(2025, 8, 31))
    # dates given for an activity without a period of its own are not kept
    att.set_ia_activity(ws, group, "IA_PCMH", True, D(2025, 1, 1), D(2025, 1, 1))
    done = att.ia_entry(ws, group)
    assert (done["IA_PCMH"].start, done["IA_PCMH"].end) == (None, None)
    assert att.ia_period(done) == (D(2025, 5, 1), D(2025, 8, 31))
    iaset = att.build_pi_ia_submission(ws, group).sets("ia")[0]
    assert (iaset.performance_start, iaset.performance_end) == (D(2025, 5, 1), D(2025, 8, 31))
    assert {m.measure_id for m in iaset.measurements} == {"IA_PM_2", "IA_PCMH"}
    # a period stored earlier on the medical home (older versions) is not used either
    ws.db.execute(
        "UPDATE attestation_ia_dates SET start = '2025-01-01', \"end\" = '2025-01-01' "
        "WHERE measure_id = 'IA_PCMH'"
    )
    assert att.ia_period(att.ia_entry(ws, group)) == (D(2025, 5, 1), D(2025, 8, 31))


def test_medical_home_alone_leaves_the_period_to_the_export(
    ws: Workspace, group: EntityKey
) -> None:
    from desktop_app.exporting.export import prepare_submission

    att.set_ia_activity(ws, group, "IA_PCMH", True)
    built = att.build_pi_ia_submission(ws, group)
    iaset = built.sets("ia")[0]
    assert (iaset.performance_start, iaset.performance_end) == (None, None)
    exported = prepare_submission(built).sets("ia")[0]
    assert (exported.performance_start, exported.performance_end) == (
        D(2025, 1, 1),
        D(2025, 12, 31),
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2025, 1, 1), D(2025, 6, 30)),  # 181 days: six calendar months
        (D(2025, 2, 1), D(2025, 7, 31)),  # 181 days
        (D(2025, 7, 1), D(2025, 12, 31)),
    ],
)
def test_activity_stated_in_months_is_checked_in_calendar_months(
    ws: Workspace, group: EntityKey, start: dt.date, end: dt.date
) -> None:
    period = att.activity_period("IA_ERP_1", 2025)
    assert (period.months, period.days, period.confirmed) == (6, None, True)
    att.set_ia_activity(ws, group, "IA_ERP_1", True, start, end)
    assert (att.ia_entry(ws, group)["IA_ERP_1"].start, att.ia_entry(ws, group)["IA_ERP_1"].end) == (
        start,
        end,
    )
    assert att.activity_dates_warning("IA_ERP_1", start, end, 2025) is None


def test_activity_a_day_short_of_its_months_is_refused(ws: Workspace, group: EntityKey) -> None:
    with pytest.raises(
        att.AttestationError,
        match=r"01/01/2025 – 06/29/2025 is 180 days; IA_ERP_1 needs at least 6 continuous "
        r"months .*end on 06/30/2025 or later",
    ):
        att.set_ia_activity(ws, group, "IA_ERP_1", True, D(2025, 1, 1), D(2025, 6, 29))
    # started Aug 31, six months can't end within 2025: the latest start is advised, never
    # an end date after 12/31 (which would be refused as outside the year)
    with pytest.raises(
        att.AttestationError,
        match=r"6 continuous months.*can't be completed by 12/31/2025; it must start on "
        r"07/01/2025 or earlier",
    ) as caught:
        att.set_ia_activity(ws, group, "IA_ERP_1", True, D(2025, 8, 31), D(2025, 12, 31))
    assert "2026" not in str(caught.value)
    assert att.ia_entry(ws, group) == {}
    assert att.default_dates("IA_ERP_1", 2025) == (D(2025, 1, 1), D(2025, 6, 30))


def unconfirmed_periods(monkeypatch: pytest.MonkeyPatch, year: int = 2025) -> None:
    """The year's rules with the activities' own periods marked unconfirmed."""
    rules = load_rules(year)
    fact = rules.ia.activity_periods.model_copy(
        update={"confirmed": False, "source": "a reading of the activity descriptions"}
    )
    patched = rules.model_copy(
        update={"ia": rules.ia.model_copy(update={"activity_periods": fact})}
    )
    monkeypatch.setattr(ia_module, "load_rules", lambda y: patched if y == year else load_rules(y))


def test_unconfirmed_minimum_is_a_warning_not_a_refusal(
    ws: Workspace, group: EntityKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    unconfirmed_periods(monkeypatch)
    start, end = D(2025, 3, 1), D(2025, 3, 30)  # 30 days, the unconfirmed minimum is 60
    assert att.activity_dates_problem("IA_ERP_2", start, end, 2025) is None
    att.set_ia_activity(ws, group, "IA_ERP_2", True, start, end)
    assert att.ia_entry(ws, group)["IA_ERP_2"].end == end
    warning = att.activity_dates_warning("IA_ERP_2", start, end, 2025)
    assert warning is not None
    assert "needs at least 60 continuous days" in warning
    assert "not confirmed (source: a reading of the activity descriptions)" in warning
    # dates outside the year are still refused
    with pytest.raises(att.AttestationError, match="outside performance year"):
        att.set_ia_activity(ws, group, "IA_ERP_2", True, D(2024, 12, 1), end)
    # a confirmed minimum still refuses
    with pytest.raises(att.AttestationError, match="IA_BE_4 needs at least 90"):
        att.set_ia_activity(ws, group, "IA_BE_4", True, start, end)
