"""The data-entry lock holds in the core: reporting refuses writes, not only the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from election_data import ELIGIBLE_FIGURES, NPI_ELIG, NPI_OPT, OPT_IN_FIGURES, TIN

from desktop_app.elections import Election, confirm_election, data_entry_allowed, save_draft
from desktop_app.eligibility import store as el
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

LOCKED = r"is opt-in eligible for 2025\. Confirm an election .* on the Election page"


def _write_everything(ws: Workspace, entity: EntityKey) -> None:
    save_value(ws, entity, "ia", "IA_EPA_3", True)
    save_set_fields(
        ws,
        entity,
        "ia",
        performance_start=dt.date(2025, 1, 1),
        performance_end=dt.date(2025, 3, 31),
    )


@pytest.mark.parametrize("npi", [NPI_OPT, None], ids=["clinician", "group"])
def test_writes_for_an_opt_in_eligible_entity_without_election_are_refused(
    ws: Workspace, npi: str | None
) -> None:
    entity = EntityKey(2025, TIN, npi)
    reason = data_entry_allowed(ws, entity, 2025)[1]
    audit_before = ws.audit_log()
    with pytest.raises(ReportingError, match=LOCKED) as info:
        save_value(ws, entity, "ia", "IA_EPA_3", True)
    assert str(info.value) == f"{reason} Nothing was saved."
    with pytest.raises(ReportingError, match=LOCKED):
        save_set_fields(ws, entity, "ia", cehrt_id="0015HXXXXXXXXXX")
    assert stored_values(ws, entity) == []
    assert build_submission(ws, entity).measurement_sets == []
    assert ws.audit_log() == audit_before


def test_a_draft_does_not_unlock_but_a_confirmed_election_does(ws: Workspace) -> None:
    entity = EntityKey(2025, TIN, NPI_OPT)
    save_draft(ws, 2025, TIN, NPI_OPT, Election.OPT_IN, "Ada Quinn")
    with pytest.raises(ReportingError, match=LOCKED):
        save_value(ws, entity, "ia", "IA_EPA_3", True)
    confirm_election(ws, 2025, TIN, NPI_OPT, Election.OPT_IN, "CONFIRM", "Ada Quinn")
    _write_everything(ws, entity)
    assert [v.measure_id for v in stored_values(ws, entity)] == ["IA_EPA_3"]
    assert delete_value(ws, entity, "ia", "IA_EPA_3") is True
    assert stored_values(ws, entity) == []


def test_a_mips_eligible_clinician_is_not_locked(ws: Workspace) -> None:
    entity = EntityKey(2025, TIN, NPI_ELIG)
    _write_everything(ws, entity)
    assert [v.measure_id for v in stored_values(ws, entity)] == ["IA_EPA_3"]


def test_data_kept_from_before_the_lock_cannot_be_removed_until_an_election(
    ws: Workspace,
) -> None:
    entity = EntityKey(2025, TIN, NPI_OPT)
    for seg in (1, 2):  # entered while the clinician was MIPS eligible ...
        el.save_figures(ws, 2025, TIN, NPI_OPT, seg, ELIGIBLE_FIGURES)
    _write_everything(ws, entity)
    for seg in (1, 2):  # ... then new figures make it opt-in eligible
        el.save_figures(ws, 2025, TIN, NPI_OPT, seg, OPT_IN_FIGURES)
    with pytest.raises(ReportingError, match=LOCKED):
        delete_value(ws, entity, "ia", "IA_EPA_3")
    assert [v.measure_id for v in stored_values(ws, entity)] == ["IA_EPA_3"]
    assert delete_value(ws, entity, "ia", "IA_EPA_1") is False  # nothing there, nothing refused
