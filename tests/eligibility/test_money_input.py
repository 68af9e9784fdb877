"""Low-volume amounts: only plain dollars are accepted; anything else says what to type
(no traceback, no 1e6 read as $1,000,000)."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest

from desktop_app.cli import main
from desktop_app.eligibility import FiguresError, LowVolumeFigures
from desktop_app.eligibility.model import parse_count, parse_money


@pytest.mark.parametrize(
    ("typed", "dollars"),
    [
        ("95000", "95000.00"),
        ("95000.5", "95000.50"),
        ("$95,000.50", "95000.50"),
        (" $ 1,204,000 ", "1204000.00"),
        ("0", "0.00"),
        ("999999999999.99", "999999999999.99"),
    ],
)
def test_plain_amounts_are_accepted(typed: str, dollars: str) -> None:
    assert parse_money(typed) == Decimal(dollars)


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("1E+400", "not an amount in dollars"),
        ("1e6", "not an amount in dollars"),
        ("1_000_000", "not an amount in dollars"),
        ("NaN", "not an amount in dollars"),
        ("Infinity", "not an amount in dollars"),
        ("95 000", "not an amount in dollars"),
        ("９５０００", "not an amount in dollars"),  # full-width digits
        ("0x10", "not an amount in dollars"),
        ("95000.", "not an amount in dollars"),
        ("12.345", "more than two decimals"),
        ("-5", "can't be negative"),
        ("1000000000000", "too large"),
    ],
)
def test_anything_else_is_refused_saying_what_to_type(typed: str, fragment: str) -> None:
    with pytest.raises(FiguresError) as caught:
        parse_money(typed)
    message = str(caught.value)
    assert fragment in message
    if fragment == "not an amount in dollars":
        assert "like 95000 or 95000.50" in message


@pytest.mark.parametrize("typed", ["1e3", "2²", "١٢", "1_000", "12.5", "9" * 5000])
def test_counts_are_digits_only(typed: str) -> None:
    with pytest.raises(FiguresError, match=r"whole number|too large") as caught:
        parse_count(typed, "The number of Part B beneficiaries")
    assert len(str(caught.value)) < 200  # a huge input isn't echoed whole
    assert parse_count("1,204", "x") == 1204


def _eligibility_args(segment1: str) -> list[str]:
    """``mipsdesk eligibility`` for an MD in 2025 with ``segment1`` as typed, as JSON."""
    return [
        "eligibility",
        "--year",
        "2025",
        "--clinician-type",
        "MD",
        "--segment1",
        segment1,
        "--json",
    ]


@pytest.mark.parametrize("charges", ["1E+400", "1e6", "1_000_000"])
def test_cli_refuses_exponents_with_exit_2_and_no_traceback(
    capsys: pytest.CaptureFixture[str], charges: str
) -> None:
    code = main(_eligibility_args(f"{charges},250,300"))
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert "not an amount in dollars" in captured.err
    assert "Traceback" not in captured.err and "InvalidOperation" not in captured.err


def test_installed_command_prints_a_message_not_a_traceback() -> None:
    """In a fresh Python process, as a user runs the command: a message, not a traceback."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from desktop_app.cli import main; sys.exit(main(sys.argv[1:]))",
            *_eligibility_args("1E+400,250,300"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "'1E+400' is not an amount in dollars" in result.stderr


def test_cli_still_accepts_plain_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_eligibility_args("$95000.50,250,300")) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["segments"][0]["allowed_charges"] == "95000.50"
    assert LowVolumeFigures.parse("95000,250,300").allowed_charges == Decimal("95000.00")
