"""Reading clinicians from CSV: good files, bad rows with spreadsheet row numbers, bad files."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.models.clinician_csv import (
    CsvRowError,
    clinicians_csv_template,
    parse_clinicians_csv,
)
from desktop_app.models.clinician_types import ELIGIBLE_CLINICIAN_TYPES
from desktop_app.models.identifiers import npi_check_digit

GOOD = (
    "NPI,First name,Last name,Clinician type,Medicare enrollment date\n"
    "1234567893,Ann,Lee,MD,2019-07-01\n"
    "0123456788,Bo,Kim,NP,\n"
    '0777777778,"Mary Ellen","O\'Neil, Jr.",pa,07/04/2021\n'
)


def test_good_file_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "clinicians.csv"
    path.write_text(GOOD, encoding="utf-8")
    result = parse_clinicians_csv(path)
    assert result.errors == [] and result.ok
    assert [c.npi for c in result.clinicians] == ["1234567893", "0123456788", "0777777778"]
    third = result.clinicians[2]
    assert (third.first_name, third.last_name, third.clinician_type) == (
        "Mary Ellen",
        "O'Neil, Jr.",
        "PA",
    )
    assert third.medicare_enrollment_date == dt.date(2021, 7, 4)
    assert result.clinicians[1].medicare_enrollment_date is None
    assert result.rows_read == 3
    assert result.row_of == {"1234567893": 2, "0123456788": 3, "0777777778": 4}


def test_excel_utf8_with_bom_semicolons_and_header_variants(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    text = (
        "NPI Number; FIRST NAME ;Surname;Credential;Enrollment Date;Notes\r\n"
        "1234567893;Zoë;Lee;DO;;x\r\n"
    )
    path.write_bytes(text.encode("utf-8-sig"))
    result = parse_clinicians_csv(str(path))
    assert result.errors == []
    assert result.clinicians[0].first_name == "Zoë"
    assert result.clinicians[0].clinician_type == "DO"
    assert result.ignored_columns == ["Notes"]


def test_enrollment_date_column_is_optional() -> None:
    result = parse_clinicians_csv("npi,first,last,type\n1234567893,Ann,Lee,MD\n")
    assert result.ok and result.clinicians[0].medicare_enrollment_date is None


def test_bad_rows_are_reported_with_spreadsheet_row_numbers() -> None:
    text = (
        "NPI,First name,Last name,Clinician type,Medicare enrollment date\n"  # row 1
        "1234567893,Ann,Lee,MD,2019-07-01\n"  # row 2: good
        "\n"  # row 3: blank, skipped
        "1234567890,Bob,Ray,MD,\n"  # row 4: check digit
        "0123456788,,Kim,NP,\n"  # row 5: no first name
        "0777777778,Eve,Ng,RN,13/45/2020\n"  # row 6: type and date
        '"2567891421","Multi\nline",Doe,MD,\n'  # row 7: good, value spans two lines
        "0123456796,Al,Fa,MD,2020-01-01,surplus\n"  # row 8: too many values
    )
    result = parse_clinicians_csv(text)
    assert [c.npi for c in result.clinicians] == ["1234567893", "2567891421"]
    assert [(e.row, e.field) for e in result.errors] == [
        (4, "NPI"),
        (5, "First name"),
        (6, "Clinician type"),
        (6, "Medicare enrollment date"),
        (8, None),
    ]
    assert result.errors[0].message.startswith(
        "NPI 1234567890 is not a valid NPI: its last digit (check digit) should be 3, not 0."
    )
    assert str(result.errors[1]) == "Row 5, First name: First name must not be empty."
    assert "has 6 values but the header has 5 columns" in result.errors[4].message
    assert result.error_rows == [4, 5, 6, 8]
    assert result.rows_read == 6


def test_duplicate_npis_in_the_file_are_errors_naming_the_first_row() -> None:
    text = (
        "NPI,First name,Last name,Clinician type\n"
        "1234567893,Ann,Lee,MD\n"
        "0123456788,Bo,Kim,NP\n"
        "1234567893,Ann,Lee,MD\n"
    )
    result = parse_clinicians_csv(text)
    assert [c.npi for c in result.clinicians] == ["1234567893", "0123456788"]
    assert result.errors == [
        CsvRowError(
            4,
            "NPI",
            "NPI 1234567893 is listed again (first on row 2); each clinician must appear once.",
        )
    ]


def test_non_utf8_file_is_refused_with_how_to_fix(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "NPI,First name,Last name,Clinician type\n1234567893,Jos\xe9,Lee,MD\n".encode("latin-1")
    )
    with pytest.raises(ValueError) as info:
        parse_clinicians_csv(path)
    message = str(info.value)
    assert "latin1.csv is not UTF-8 text" in message
    assert "CSV UTF-8" in message


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", b"\xef\xbb\xbf"])
def test_empty_file_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=r"empty\.csv is empty\. It needs a header row"):
        parse_clinicians_csv(path)


def test_wrong_header_names_the_missing_columns() -> None:
    with pytest.raises(ValueError) as info:
        parse_clinicians_csv("Provider,Name,Role\n1234567893,Ann Lee,MD\n")
    message = str(info.value)
    assert "missing NPI, First name, Last name, Clinician type" in message
    assert "found 'Provider', 'Name', 'Role'" in message


def test_header_row_of_data_instead_of_names() -> None:
    with pytest.raises(ValueError, match="does not have the columns MIPS Desk needs"):
        parse_clinicians_csv("1234567893,Ann,Lee,MD\n")


def test_two_columns_for_the_same_field_are_refused() -> None:
    with pytest.raises(ValueError, match="two columns for Last name"):
        parse_clinicians_csv("NPI,First,Last name,Surname,Type\n")


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"NPI,\x00\x01\x02")
    with pytest.raises(ValueError, match="not a CSV text file"):
        parse_clinicians_csv(path)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="can't be read"):
        parse_clinicians_csv(tmp_path / "nope.csv")


def test_template_parses_cleanly() -> None:
    result = parse_clinicians_csv(clinicians_csv_template())
    assert result.ok and len(result.clinicians) == 1


def test_a_csv_path_given_as_text_that_does_not_exist_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"missing\.csv can't be read"):
        parse_clinicians_csv(str(tmp_path / "missing.csv"))


_names = st.text(
    alphabet=st.characters(whitelist_categories=("L",), whitelist_characters=" '-,\""),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip())


@given(
    st.lists(
        st.tuples(
            st.text(alphabet="0123456789", min_size=9, max_size=9),
            _names,
            _names,
            st.sampled_from([*sorted(ELIGIBLE_CLINICIAN_TYPES), "OTHER"]),
            st.one_of(st.none(), st.dates(dt.date(1970, 1, 1), dt.date.today())),
        ),
        max_size=8,
        unique_by=lambda t: t[0],
    )
)
def test_any_list_written_by_a_spreadsheet_reads_back_the_same(
    rows: list[tuple[str, str, str, str, dt.date | None]],
) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["NPI", "First name", "Last name", "Clinician type", "Medicare enrollment date"]
    )
    expected = []
    for nine, first, last, kind, enrolled in rows:
        npi = nine + str(npi_check_digit(nine))
        writer.writerow([npi, first, last, kind, enrolled.isoformat() if enrolled else ""])
        expected.append((npi, " ".join(first.split()), " ".join(last.split()), kind, enrolled))
    result = parse_clinicians_csv(out.getvalue())
    assert result.errors == []
    got = [
        (c.npi, c.first_name, c.last_name, c.clinician_type, c.medicare_enrollment_date)
        for c in result.clinicians
    ]
    assert got == expected
