"""Shared data of the election tests (imported by conftest and the tests)."""

from __future__ import annotations

from decimal import Decimal

from desktop_app.eligibility import LowVolumeFigures
from desktop_app.models.identifiers import npi_check_digit

TIN = "123456789"


def make_npi(first_nine: str) -> str:
    return first_nine + str(npi_check_digit(first_nine))


NPI_OPT = make_npi("123456789")  # opt-in eligible
NPI_OPT2 = make_npi("323456789")  # opt-in eligible
NPI_ELIG = make_npi("223456789")  # MIPS eligible
OPT_IN_FIGURES = LowVolumeFigures(Decimal("95000"), 150, 300)
ELIGIBLE_FIGURES = LowVolumeFigures(Decimal("250000"), 400, 900)
