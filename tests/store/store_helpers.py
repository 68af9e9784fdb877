"""Builders shared by the store tests."""

from __future__ import annotations

from desktop_app.models.practice import Clinician, Practice


def clinician(
    npi: str = "1234567893", first: str = "Ann", last: str = "Lee", kind: str = "MD"
) -> Clinician:
    return Clinician(npi=npi, first_name=first, last_name=last, clinician_type=kind)


def practice(name: str = "Smith Family Practice") -> Practice:
    return Practice(tin="123456789", name=name, city="Albany", state="NY", zip="12207")


# Check-digit-valid NPIs for tests.
NPIS = ["1234567893", "0123456788", "0777777778", "2567891421"]
