"""Opt-in and voluntary reporting elections (core, no Qt).

Public API::

    from desktop_app.elections import (
        Election, ElectionRecord, ElectionChoice, CONFIRM_WORD, confirmation_accepted,
        confirm_election, confirm_elections, save_draft, election_record,
        confirmed_election, elections, data_entry_allowed, app_allowed,
        consequences, option_description, are_you_sure,
    )
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
    confirm_election,
    confirm_elections,
    confirmed_election,
    election_record,
    elections,
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
    "elections",
    "option_description",
    "payment_year",
    "save_draft",
]
