"""Taxpayer Identification Numbers and National Provider Identifiers.

Messages are written for a practice manager: they say what is wrong and what a
valid value looks like.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

# ASCII digits only: str.isdigit() also accepts fullwidth and superscript digits.
_NINE_DIGITS = re.compile(r"[0-9]{9}")
_TEN_DIGITS = re.compile(r"[0-9]{10}")
_DIGITS = re.compile(r"[0-9]+")


def npi_check_digit(first_nine: str) -> int:
    """The Luhn check digit of an NPI, computed with the card-issuer prefix 80840.

    CMS (and its QRDA III rule CMS_0117) validate NPIs this way: the prefix
    contributes a constant 24 to the Luhn sum of the first nine digits.
    """
    if not _NINE_DIGITS.fullmatch(first_nine):
        raise ValueError("the first nine digits of an NPI are needed")
    total = 24
    # Luhn doubles every second digit counting from the right of the full number
    # (check digit included), i.e. positions 1, 3, 5, 7, 9 of the first nine.
    for index, char in enumerate(first_nine):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def validate_npi(value: str) -> str:
    """Return the NPI with surrounding blanks removed, or raise ValueError saying why."""
    npi = value.strip()
    if not _TEN_DIGITS.fullmatch(npi):
        raise ValueError(
            f"NPI '{value}' must be exactly 10 digits (found {len(npi)} characters"
            + ("" if _DIGITS.fullmatch(npi) or not npi else ", not all digits 0-9")
            + ")."
        )
    expected = npi_check_digit(npi[:9])
    if int(npi[9]) != expected:
        raise ValueError(
            f"NPI {npi} is not a valid NPI: its last digit (check digit) should be "
            f"{expected}, not {npi[9]}. Check the number on the clinician's NPPES record."
        )
    return npi


def validate_tin(value: str) -> str:
    """Return the TIN as 9 digits (hyphens and spaces as in 12-3456789 are removed), or raise."""
    tin = value.strip().replace("-", "").replace(" ", "")
    if not _NINE_DIGITS.fullmatch(tin):
        raise ValueError(
            f"TIN '{value}' must be the practice's 9-digit Taxpayer Identification "
            "Number (EIN or SSN), digits only, for example 123456789."
        )
    return tin


def mask_tin(tin: str) -> str:
    """A TIN as QPP shows it to other parties: ``*****6789``."""
    return "*****" + tin[-4:]


NPI = Annotated[str, AfterValidator(validate_npi)]
TIN = Annotated[str, AfterValidator(validate_tin)]
