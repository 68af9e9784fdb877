"""Commas in amounts and counts only as thousands separators: ``95,00.5`` is not $9,500.50
and ``1,0`` is not 10; the message says what to type. On the CLI, where commas separate
the three figures, the hint says to leave thousands commas out."""

from __future__ import annotations

from decimal import Decimal

import pytest

from desktop_app.cli import main
from desktop_app.eligibility import FiguresError, LowVolumeFigures
from desktop_app.eligibility.model import parse_count, parse_money


@pytest.mark.parametrize(
    ("typed", "dollars"),
    [
        ("95,000", "95000.00"),
        ("$95,000.50", "95000.50"),
        ("1,204,000.5", "1204000.50"),
        ("999", "999.00"),
        ("$ 12,345,678.90", "12345678.90"),
    ],
)
def test_thousands_commas_are_accepted(typed: str, dollars: str) -> None:
    assert parse_money(typed) == Decimal(dollars)


@pytest.mark.parametrize(
    "typed", ["95,00.5", "9,5000", "1,0", ",100", "100,", "1,,000", "1,000.5,0"]
)
def test_misplaced_commas_in_money_are_refused(typed: str) -> None:
    with pytest.raises(FiguresError) as caught:
        parse_money(typed)
    message = str(caught.value)
    assert "comma in the wrong place" in message
    assert "95,000.50" in message and "95000.50" in message  # what to type instead


@pytest.mark.parametrize("typed", ["1,0", "12,34", "1,2345", ",5", "5,"])
def test_misplaced_commas_in_counts_are_refused(typed: str) -> None:
    with pytest.raises(FiguresError) as caught:
        parse_count(typed, "The number of Part B beneficiaries")
    message = str(caught.value)
    assert message.startswith("The number of Part B beneficiaries")
    assert "comma in the wrong place" in message and "1,204" in message


def test_grouped_counts_are_accepted() -> None:
    assert parse_count("1,204", "x") == 1204
    assert parse_count("12,345,678", "x") == 12345678
    assert parse_count("210", "x") == 210


def test_negative_grouped_amounts_still_say_negative() -> None:
    with pytest.raises(FiguresError, match="can't be negative"):
        parse_money("-1,000")
    with pytest.raises(FiguresError, match="can't be negative"):
        parse_count("-1,000", "The number of services")


def test_cli_hint_does_not_offer_commas(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["eligibility", "--year", "2025", "--clinician-type", "MD", "--segment1", "95k,250,300"]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "not an amount in dollars" in err
    assert "commas allowed" not in err
    assert "no thousands commas here" in err


def test_cli_thousands_comma_is_refused_not_misread(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["eligibility", "--year", "2025", "--clinician-type", "MD", "--segment1", "95,000,250,300"]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "4 value(s), not 3" in err and "thousands separators" in err
    with pytest.raises(FiguresError, match="no thousands commas"):
        parse_money("95,000", thousands_commas=False)
    assert LowVolumeFigures.parse("$95000.50,250,300").allowed_charges == Decimal("95000.50")
