"""Errors of PI and IA attestation; every message says what to do."""

from __future__ import annotations


class AttestationError(ValueError):
    """An entry that can't be saved as given; the message says why and what to fix."""


class EntryLocked(AttestationError):
    """Data entry is locked for the entity (e.g. an opt-in election is not confirmed yet)."""


class PiConsentRequired(AttestationError):
    """PI is reweighted to 0% for the entity and the user has not agreed to be scored."""


class EvidenceError(AttestationError):
    """An evidence file that can't be attached, read or exported."""
