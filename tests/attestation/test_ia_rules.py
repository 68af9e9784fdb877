"""IA entry rules of each year: activity dates, derived period, requirement, filters."""

from __future__ import annotations

import datetime as dt

import pytest
from attestation_data import TIN

from desktop_app import attestation as att
from desktop_app.catalog import Catalog
from desktop_app.reporting import EntityKey
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
    assert att.activity_min_days("IA_ERP_2")[0] == 60
    att.set_ia_activity(ws, group, "IA_ERP_2", True, D(2025, 1, 1), D(2025, 3, 1))  # 60 days
    days, note = att.activity_min_days("IA_PCMH")
    assert days is None and "no activity period" in note
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
