"""An election QPP already records (isOptedIn / optInDecisionDate of the Eligibility API) is
final: badge as QPP shows it, data entry open, no new election here; CMS's record wins over a
different local one, which is kept and flagged."""

from __future__ import annotations

import pytest
from election_data import NPI_OPT, NPI_OPT2, TIN
from qpp_record import save_qpp_lookup

from desktop_app.elections import (
    Election,
    ElectionError,
    FinalElectionError,
    app_allowed,
    confirm_election,
    confirmed_election,
    data_entry_allowed,
    election_state,
    local_confirmed_election,
)
from desktop_app.eligibility import Status
from desktop_app.eligibility import store as el
from desktop_app.eligibility.badges import badge, result_badge
from desktop_app.store import Workspace


class Ref:
    def __init__(self, npi: str | None) -> None:
        self.tin = TIN
        self.npi = npi


def test_qpp_opt_in_is_final_badge_open_and_no_new_election(ws: Workspace) -> None:
    save_qpp_lookup(ws, NPI_OPT, True, "2026-01-15T10:00:00Z")
    entity = el.entity_eligibility(ws, 2025, TIN, NPI_OPT)
    assert entity is not None and entity.effective.source == "qpp"
    assert entity.effective.qpp_election == "opt_in"
    assert result_badge(entity.effective).text == "MIPS ELIGIBLE VIA OPT-IN"
    # data entry is open, and says why
    allowed, reason = data_entry_allowed(ws, Ref(NPI_OPT), 2025)
    assert allowed is True
    assert "opted in to MIPS for 2025" in reason
    assert "Elected on QPP Jan 15, 2026: Opt-In" in reason
    # the election that counts is QPP's
    final = confirmed_election(ws, 2025, TIN, NPI_OPT)
    assert final is not None and final.from_qpp and final.election is Election.OPT_IN
    assert final.status_text == "Elected on QPP Jan 15, 2026: Opt-In"
    # no election can be confirmed over it, and nothing is saved
    with pytest.raises(FinalElectionError, match="QPP already records an election"):
        confirm_election(ws, 2025, TIN, NPI_OPT, Election.VOLUNTARY, "CONFIRM", "Ada Quinn")
    assert local_confirmed_election(ws, 2025, TIN, NPI_OPT) is None
    assert ws.audit_log(table="elections") == []
    # the Why list says the election instead of the options
    reasons = " ".join(entity.effective.reasons)
    assert "may opt in, report voluntarily, or do nothing" not in reasons.lower()
    assert "Elected on QPP Jan 15, 2026: Opt-In (final)" in reasons
    assert "MIPS eligible via opt-in" in entity.effective.reasons[0]


def test_qpp_voluntary_needs_a_decision_date(ws: Workspace) -> None:
    save_qpp_lookup(ws, NPI_OPT, False, "2026-02-03")
    entity = el.entity_eligibility(ws, 2025, TIN, NPI_OPT)
    assert entity is not None and entity.effective.qpp_election == "voluntary"
    shown = result_badge(entity.effective)
    assert (shown.text, shown.note) == ("MIPS EXEMPT", "Reporting voluntarily")
    allowed, reason = data_entry_allowed(ws, Ref(NPI_OPT), 2025)
    assert allowed and "Elected on QPP Feb 3, 2026: Report Voluntarily" in reason
    # the APP can't be reported voluntarily: QPP's record decides that too
    assert app_allowed(ws, Ref(NPI_OPT), 2025)[0] is False


@pytest.mark.parametrize(
    ("is_opted_in", "date"),
    [(False, None), (None, None), (None, "2026-02-03"), (False, "")],
    ids=["false-no-date", "absent", "null-with-date", "false-empty-date"],
)
def test_no_decision_date_means_no_decision_and_the_local_flow_stays(
    ws: Workspace, is_opted_in: bool | None, date: str | None
) -> None:
    save_qpp_lookup(ws, NPI_OPT, is_opted_in, date)
    entity = el.entity_eligibility(ws, 2025, TIN, NPI_OPT)
    assert entity is not None and entity.effective.status is Status.OPT_IN_ELIGIBLE
    assert entity.effective.qpp_election is None
    assert result_badge(entity.effective).note == "Opt-in eligible"
    allowed, reason = data_entry_allowed(ws, Ref(NPI_OPT), 2025)
    assert allowed is False and "Confirm an election" in reason
    record = confirm_election(ws, 2025, TIN, NPI_OPT, Election.OPT_IN, "CONFIRM", "Ada Quinn")
    assert confirmed_election(ws, 2025, TIN, NPI_OPT) == record
    assert data_entry_allowed(ws, Ref(NPI_OPT), 2025)[0] is True


def test_qpp_shows_eligible_after_opting_in_badge_still_via_opt_in(ws: Workspace) -> None:
    save_qpp_lookup(ws, NPI_OPT, True, "2026-01-15", eligible=True)
    entity = el.entity_eligibility(ws, 2025, TIN, NPI_OPT)
    assert entity is not None
    assert result_badge(entity.effective).text == "MIPS ELIGIBLE VIA OPT-IN"
    assert badge(entity.effective.status, "opt_in").text == "MIPS ELIGIBLE VIA OPT-IN"


def test_local_election_that_disagrees_is_kept_shown_and_qpp_wins(ws: Workspace) -> None:
    local = confirm_election(ws, 2025, TIN, NPI_OPT2, Election.VOLUNTARY, "CONFIRM", "Cy Stone")
    save_qpp_lookup(ws, NPI_OPT2, True, "2026-01-20")
    state = election_state(ws, 2025, TIN, NPI_OPT2)
    assert state.conflict
    assert state.final is not None and state.final.from_qpp
    assert state.final.election is Election.OPT_IN
    # the local final record is untouched
    assert local_confirmed_election(ws, 2025, TIN, NPI_OPT2) == local
    assert ws.db.execute("SELECT count(*) FROM elections").fetchone()[0] == 1
    # both are named, and the user is told which counts
    warning = state.warning
    assert "Elected on QPP Jan 20, 2026: Opt-In" in warning
    assert "MIPS Desk: Report Voluntarily, confirmed" in warning
    assert "CMS's record is the one that counts" in warning
    allowed, reason = data_entry_allowed(ws, Ref(NPI_OPT2), 2025)
    assert allowed and "opted in to MIPS" in reason and "Warning:" in reason
    # QPP's opt-in allows the APP even though the local record says voluntary
    assert app_allowed(ws, Ref(NPI_OPT2), 2025) == (True, "")


def test_same_election_here_and_on_qpp_is_no_conflict(ws: Workspace) -> None:
    confirm_election(ws, 2025, TIN, NPI_OPT2, Election.OPT_IN, "CONFIRM", "Cy Stone")
    save_qpp_lookup(ws, NPI_OPT2, True, "2026-01-20")
    state = election_state(ws, 2025, TIN, NPI_OPT2)
    assert not state.conflict and state.warning == ""
    assert state.final is not None and state.final.from_qpp


def test_group_record_comes_from_the_group_scenario(ws: Workspace) -> None:
    save_qpp_lookup(ws, NPI_OPT, None, None, group_opted_in=True, group_date="2026-03-01")
    group = el.entity_eligibility(ws, 2025, TIN, None)
    assert group is not None and group.effective.qpp_election == "opt_in"
    assert data_entry_allowed(ws, Ref(None), 2025)[0] is True
    assert data_entry_allowed(ws, Ref(NPI_OPT), 2025)[0] is False  # the clinician: no decision
    with pytest.raises(ElectionError, match="QPP already records"):
        confirm_election(ws, 2025, TIN, None, Election.OPT_IN, "CONFIRM", "Maple")
