"""NPI and TIN validation, with the check digit CMS applies (Luhn, prefix 80840)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.models.identifiers import mask_tin, npi_check_digit, validate_npi, validate_tin


def _sample_pairs(shared_dir: Path) -> list[tuple[str, str]]:
    """The (CMS test NPI with a wrong check digit, corrected NPI) pairs SOURCE.md lists."""
    text = (shared_dir / "qrda3-samples" / "SOURCE.md").read_text(encoding="utf-8")
    pairs = re.findall(r"(\d{10}) -> (\d{10})", text)
    assert len(pairs) >= 3, "SOURCE.md should list the replaced NPIs"
    return pairs


def test_sample_npis_replaced_in_the_qrda_samples(shared_dir: Path) -> None:
    for invalid, valid in _sample_pairs(shared_dir):
        assert validate_npi(valid) == valid
        with pytest.raises(ValueError, match="check digit"):
            validate_npi(invalid)


def test_npis_in_valid_sample_files_pass_and_test_identifiers_fail(shared_dir: Path) -> None:
    samples = shared_dir / "qrda3-samples"
    pattern = re.compile(r'root="2\.16\.840\.1\.113883\.4\.6" extension="(\d+)"')
    valid = {m for f in (samples / "valid").glob("*.xml") for m in pattern.findall(f.read_text())}
    invalid = {
        m
        for f in (samples / "test-identifiers").glob("*.xml")
        for m in pattern.findall(f.read_text())
    } - valid
    assert valid and invalid
    for npi in valid:
        assert validate_npi(npi) == npi
    for npi in invalid:
        with pytest.raises(ValueError):
            validate_npi(npi)


def test_wrong_check_digit_message_names_the_expected_digit() -> None:
    with pytest.raises(ValueError) as info:
        validate_npi("1234567890")
    assert str(info.value).startswith(
        "NPI 1234567890 is not a valid NPI: its last digit (check digit) should be 3, not 0."
    )


@pytest.mark.parametrize("value", ["123456789", "12345678931", "12345a7893", "", "  "])
def test_npi_must_be_ten_digits(value: str) -> None:
    with pytest.raises(ValueError, match="exactly 10 digits"):
        validate_npi(value)


def test_npi_blanks_around_are_removed() -> None:
    assert validate_npi(" 1234567893 ") == "1234567893"


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_exactly_one_check_digit_completes_any_nine_digits(first_nine: str) -> None:
    accepted = []
    for digit in "0123456789":
        try:
            validate_npi(first_nine + digit)
        except ValueError:
            continue
        accepted.append(digit)
    assert accepted == [str(npi_check_digit(first_nine))]


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.integers(0, 8))
def test_changing_any_single_digit_breaks_a_valid_npi(first_nine: str, position: int) -> None:
    npi = first_nine + str(npi_check_digit(first_nine))
    changed = npi[:position] + str((int(npi[position]) + 1) % 10) + npi[position + 1 :]
    with pytest.raises(ValueError):
        validate_npi(changed)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("123456789", "123456789"), ("12-3456789", "123456789"), (" 987654321 ", "987654321")],
)
def test_tin_accepts_nine_digits_with_optional_hyphen(value: str, expected: str) -> None:
    assert validate_tin(value) == expected


@pytest.mark.parametrize("value", ["12345678", "1234567890", "12345678A", ""])
def test_tin_rejects_other_values_with_an_example(value: str) -> None:
    with pytest.raises(ValueError, match="9-digit Taxpayer Identification Number"):
        validate_tin(value)


def test_mask_tin_shows_last_four_digits() -> None:
    assert mask_tin("123456789") == "*****6789"


@pytest.mark.parametrize(
    "value",
    [
        "１２３４５６７８９",  # fullwidth digits
        "12345678²",  # superscript two
        "١٢٣٤٥٦٧٨٩",  # Arabic-Indic digits
    ],
)
def test_tin_accepts_only_ascii_digits(value: str) -> None:
    with pytest.raises(ValueError, match="9-digit Taxpayer Identification Number"):
        validate_tin(value)


def test_tin_spaces_are_removed_like_hyphens() -> None:
    assert validate_tin("12 345 6789") == "123456789"


@pytest.mark.parametrize(
    "value",
    [
        "12345678²3",  # superscript two
        "１２３４５６７８９３",  # fullwidth digits of the valid NPI 1234567893
        "١٢٣٤٥٦٧٨٩٣",  # Arabic-Indic digits
    ],
)
def test_npi_accepts_only_ascii_digits_with_a_clear_message(value: str) -> None:
    with pytest.raises(ValueError, match=r"exactly 10 digits .*not all digits 0-9"):
        validate_npi(value)


def test_check_digit_needs_ascii_digits() -> None:
    with pytest.raises(ValueError, match="first nine digits"):
        npi_check_digit("12345678²")
