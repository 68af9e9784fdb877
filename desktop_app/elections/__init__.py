"""Opt-in and voluntary reporting elections (core, no Qt).

Public API::

    from desktop_app.elections import (
        Election, ElectionRecord, ElectionChoice, CONFIRM_WORD, confirmation_accepted,
        confirm_election, confirm_elections, save_draft, election_record,
        confirmed_election, elections, data_entry_allowed, app_allowed,
        consequences, option_description, are_you_sure,
        ElectionState, election_state, local_confirmed_election, qpp_election_record,
    )

``confirmed_election`` is the final election that counts: the one QPP records (read
from an Eligibility API lookup) when there is one, else the one confirmed here.
"""

from desktop_app.elections.gate import app_allowed, data_entry_allowed
from desktop_app.elections.model import (
    CONFIRM_WORD,
    ELECTION_LABELS,
    ConfirmationError,
    Election,
    ElectionError,
    ElectionRecord,
    FinalElectionError,
    are_you_sure,
    confirm_button_text,
    confirmation_accepted,
    confirmed_message,
    consequences,
    option_description,
    payment_year,
)
from desktop_app.elections.store import (
    FINAL_MESSAGE,
    ElectionChoice,
    ElectionState,
    confirm_election,
    confirm_elections,
    confirmed_election,
    election_record,
    election_state,
    elections,
    local_confirmed_election,
    qpp_election_record,
    save_draft,
)

__all__ = [
    "CONFIRM_WORD",
    "ELECTION_LABELS",
    "FINAL_MESSAGE",
    "ConfirmationError",
    "Election",
    "ElectionChoice",
    "ElectionError",
    "ElectionRecord",
    "ElectionState",
    "FinalElectionError",
    "app_allowed",
    "are_you_sure",
    "confirm_button_text",
    "confirm_election",
    "confirm_elections",
    "confirmation_accepted",
    "confirmed_election",
    "confirmed_message",
    "consequences",
    "data_entry_allowed",
    "election_record",
    "election_state",
    "elections",
    "local_confirmed_election",
    "option_description",
    "payment_year",
    "qpp_election_record",
    "save_draft",
]
