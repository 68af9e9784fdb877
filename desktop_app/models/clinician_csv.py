"""Reading a list of clinicians from a CSV file (as exported from a spreadsheet).

Columns (header names are case- and space-insensitive; common variants accepted):
NPI, First name, Last name, Clinician type, Medicare enrollment date (optional).
Row numbers are the ones a spreadsheet shows: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from pydantic import ValidationError

from desktop_app.models.errors import FIELD_LABELS
from desktop_app.models.practice import Clinician

# Canonical field -> accepted header spellings, compared after removing everything
# but letters and digits and lower-casing ("First Name" -> "firstname").
HEADER_VARIANTS: Final[dict[str, tuple[str, ...]]] = {
    "npi": ("npi", "npinumber", "individualnpi", "nationalprovideridentifier", "providernpi"),
    "first_name": ("firstname", "first", "givenname", "fname", "clinicianfirstname"),
    "last_name": ("lastname", "last", "surname", "familyname", "lname", "clinicianlastname"),
    "clinician_type": (
        "cliniciantype",
        "type",
        "credential",
        "credentials",
        "providertype",
        "degree",
    ),
    "medicare_enrollment_date": (
        "medicareenrollmentdate",
        "enrollmentdate",
        "medicareenrollment",
        "enrolled",
        "enrolledon",
        "pecosenrollmentdate",
    ),
}
REQUIRED_FIELDS: Final = ("npi", "first_name", "last_name", "clinician_type")
COLUMN_TITLES: Final[dict[str, str]] = {
    "npi": "NPI",
    "first_name": "First name",
    "last_name": "Last name",
    "clinician_type": "Clinician type",
    "medicare_enrollment_date": "Medicare enrollment date",
}
TEMPLATE_HEADER: Final = ",".join(COLUMN_TITLES.values())


@dataclass(frozen=True)
class CsvRowError:
    """A problem in one row (``field`` None when it concerns the whole row)."""

    row: int
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" + (f", {self.field}" if self.field else "")
        return f"{where}: {self.message}"


@dataclass
class CsvParseResult:
    clinicians: list[Clinician] = field(default_factory=list)
    errors: list[CsvRowError] = field(default_factory=list)
    rows_read: int = 0
    """Data rows that were not blank."""
    ignored_columns: list[str] = field(default_factory=list)
    """Header names MIPS Desk does not use (their values are not imported)."""
    row_of: dict[str, int] = field(default_factory=dict)
    """NPI of each valid clinician -> its row number in the file."""

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.casefold())


_LOOKUP: Final[dict[str, str]] = {
    variant: name for name, variants in HEADER_VARIANTS.items() for variant in variants
}


def _read_text(source: Path | str | bytes) -> tuple[str, str]:
    """The CSV text and a name for messages."""
    if isinstance(source, bytes):
        data, name = source, "The CSV data"
    elif isinstance(source, Path) or (
        "\n" not in source
        and (os.path.isfile(source) or source.strip().lower().endswith((".csv", ".txt")))
    ):
        path = Path(source)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ValueError(
                f"The file {path} can't be read ({exc.strerror or exc}); check the name."
            ) from exc
        name = f"The file {path.name}"
    else:
        return source.removeprefix("\ufeff"), "The CSV text"
    try:
        return data.decode("utf-8-sig"), name
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{name} is not UTF-8 text (unreadable byte at position {exc.start}). "
            "In Excel choose File > Save As > 'CSV UTF-8 (Comma delimited) (*.csv)' and "
            "import that file."
        ) from exc


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse_clinicians_csv(source: Path | str | bytes) -> CsvParseResult:
    """Parse a clinicians CSV (a path, the CSV text, or its bytes).

    Bad rows don't stop the parse: each problem becomes a :class:`CsvRowError` and
    only valid rows are returned in ``clinicians``. A file that can't be used at
    all (not UTF-8, empty, no recognizable header) raises ValueError.
    """
    text, name = _read_text(source)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise ValueError(
            f"{name} is empty. It needs a header row ({TEMPLATE_HEADER}) and one row per clinician."
        )
    if "\x00" in text:
        raise ValueError(
            f"{name} is not a CSV text file; export the list from your spreadsheet as CSV."
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise ValueError(f"{name} is not a readable CSV file ({exc}).") from exc

    header_index = next(i for i, r in enumerate(rows) if any(c.strip() for c in r))
    header = rows[header_index]
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, title in enumerate(header):
        canonical = _LOOKUP.get(_key(title))
        if canonical is None:
            if title.strip():
                ignored.append(title.strip())
            continue
        if canonical in columns:
            raise ValueError(
                f"{name} has two columns for {COLUMN_TITLES[canonical]} "
                f"('{header[columns[canonical]].strip()}' and '{title.strip()}'); keep one."
            )
        columns[canonical] = index
    missing = [COLUMN_TITLES[f] for f in REQUIRED_FIELDS if f not in columns]
    if missing:
        found = ", ".join(f"'{h.strip()}'" for h in header if h.strip()) or "nothing"
        raise ValueError(
            f"{name} does not have the columns MIPS Desk needs: missing "
            f"{', '.join(missing)}. The first row must be the header {TEMPLATE_HEADER} "
            f"(found {found})."
        )

    result = CsvParseResult(ignored_columns=ignored)
    first_row_of = result.row_of
    # One CSV record is one spreadsheet row (a quoted value may span lines).
    for index, values in enumerate(rows):
        row_number = index + 1
        if index <= header_index:
            continue
        if not any(v.strip() for v in values):
            continue
        result.rows_read += 1
        if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
            result.errors.append(
                CsvRowError(
                    row_number,
                    None,
                    f"This row has {len(values)} values but the header has {len(header)} "
                    "columns; check for an extra comma or a value that needs quotes.",
                )
            )
            continue
        data = {
            canonical: (values[col].strip() if col < len(values) else "")
            for canonical, col in columns.items()
        }
        try:
            clinician = Clinician.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                loc = error.get("loc", ())
                field_name = str(loc[0]) if loc else None
                message = str(error.get("msg", "")).removeprefix("Value error, ")
                if error.get("type") == "string_too_short" or (error.get("type") == "missing"):
                    message = "is empty; every row needs a value here."
                label = COLUMN_TITLES.get(field_name or "", FIELD_LABELS.get(field_name or "", ""))
                result.errors.append(CsvRowError(row_number, label or None, message))
            continue
        if clinician.npi in first_row_of:
            result.errors.append(
                CsvRowError(
                    row_number,
                    "NPI",
                    f"NPI {clinician.npi} is listed again (first on row "
                    f"{first_row_of[clinician.npi]}); each clinician must appear once.",
                )
            )
            continue
        first_row_of[clinician.npi] = row_number
        result.clinicians.append(clinician)
    return result


def clinicians_csv_template() -> str:
    """A header line and one example row, for users who start a list from scratch."""
    return TEMPLATE_HEADER + "\n1234567893,Ann,Lee,MD,2019-07-01\n"
