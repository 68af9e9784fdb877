"""Validating any submission file: QPP JSON or QRDA III.

``validate_file(path)`` finds the format from the content, runs MIPS Desk's own checks
(the QPP JSON models; the QRDA III reader's structural and CMS-rule checks, with the
measures catalog when one is available) and, for QRDA III, CMS's schematron of the
year when its rules are available. Each problem has a severity, a message and where
it is. A file that can't be read at all (missing, a folder, unreadable) raises
``OSError`` so callers can tell "unusable" from "invalid".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from lxml import etree

from desktop_app.formats.qpp_json import Submission, SubmissionFormatError, parse_submission_text
from desktop_app.formats.qrda3 import schematron
from desktop_app.formats.qrda3.model import EcqmIds, MeasureCatalog, Problem, catalog_years
from desktop_app.formats.qrda3.reader import Qrda3Document, inspect_tree
from desktop_app.formats.qrda3.safe_xml import MAX_BYTES, UnsafeXmlError, parse_bytes, read_limited
from desktop_app.formats.submission_rules import RuleProblem, period_problems, submission_problems

FileFormat = Literal["qpp-json", "qrda3", "unknown"]


@dataclass
class ValidationReport:
    path: str
    format: FileFormat
    year: int | None = None
    problems: list[Problem] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    """What ran: 'structural', 'measures catalog YEAR', 'CMS schematron YEAR'."""
    schematron_available: bool | None = None
    """QRDA III only: whether CMS's rules for the year could be run."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def valid(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "year": self.year,
            "valid": self.valid,
            "checks": self.checks,
            "schematronAvailable": self.schematron_available,
            "errorCount": len(self.errors),
            "problems": [p.as_dict() for p in self.problems],
        }


def _detect(data: bytes, path: Path) -> FileFormat:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return "qpp-json"
    if head.startswith(b"<"):
        return "qrda3"
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "qpp-json"
    if suffix == ".xml":
        return "qrda3"
    return "unknown"


def _rule_problem(p: RuleProblem) -> Problem:
    return Problem("error", p.message, p.location, None, p.code)


def _catalog_checks(report: ValidationReport, data: Submission, catalog: MeasureCatalog) -> None:
    """What CMS refuses beyond the format: the rules import applies too
    (:mod:`desktop_app.formats.submission_rules`), against the catalog of the year."""
    year = data.performance_year
    known = catalog_years(catalog)
    if known is not None and year not in known:
        report.problems.append(
            Problem(
                "error",
                f"Performance year {year} is not in the measures catalog (years "
                f"{', '.join(str(y) for y in known)}); its measures can't be checked.",
                "performanceYear",
                None,
                "YEAR_NOT_SUPPORTED",
            )
        )
        _period_checks(report, data)
        return
    report.checks.append(f"measures catalog {year}")
    report.problems.extend(_rule_problem(p) for p in submission_problems(data, catalog))


def _period_checks(report: ValidationReport, data: Submission) -> None:
    """The rules that need no catalog: performance periods inside the year."""
    for i, mset in enumerate(data.measurement_sets):
        report.problems.extend(
            _rule_problem(p)
            for p in period_problems(mset, data.performance_year, f"measurementSets[{i}]")
        )


def _validate_json(
    report: ValidationReport, data: bytes, year: int | None, catalog: MeasureCatalog | None
) -> None:
    report.checks.append("structural (QPP JSON models)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report.problems.append(
            Problem(
                "error",
                f"The file is not UTF-8 text (byte {exc.start} can't be decoded).",
                None,
                None,
                "NOT_UTF8",
            )
        )
        return
    try:
        submission = parse_submission_text(text, origin=report.path)
    except SubmissionFormatError as exc:
        if exc.problems:
            for where, message in exc.problems:
                report.problems.append(Problem("error", message, where, None, "QPP_JSON"))
        else:
            report.problems.append(Problem("error", str(exc), None, None, "QPP_JSON"))
        return
    report.year = submission.performance_year
    if year is not None and year != submission.performance_year:
        report.problems.append(
            Problem(
                "error",
                f"The file is for performance year {submission.performance_year}, not {year}.",
                "performanceYear",
                None,
                "WRONG_YEAR",
            )
        )
    if catalog is None:
        report.problems.append(
            Problem(
                "warning",
                "The measures catalog isn't available, so measure ids weren't checked "
                "against the year.",
                None,
                None,
                "CATALOG_UNAVAILABLE",
            )
        )
        _period_checks(report, submission)
    else:
        _catalog_checks(report, submission, catalog)


def _validate_qrda3(
    report: ValidationReport,
    data: bytes,
    year: int | None,
    catalog: MeasureCatalog | None,
    known_ids: Mapping[str, EcqmIds] | None = None,
) -> None:
    report.checks.append("structural (QRDA III reader)")
    try:
        parsed = parse_bytes(data)
    except UnsafeXmlError as exc:
        report.problems.append(
            Problem("error", exc.reason, None, exc.line, "NOT_VALID_XML_DOCUMENT")
        )
        return
    doc, problems = inspect_tree(parsed.tree, catalog, known_ids)
    for problem in problems:
        if problem.code == "ECQM_IDS_UNAVAILABLE":
            # A limit of the year's measures data, not a fault of the file.
            problem = Problem(
                "warning",
                problem.message.split(" It can't be imported")[0] + " This eCQM was not checked.",
                problem.location,
                problem.line,
                problem.code,
            )
        report.problems.append(problem)
    if catalog is None:
        report.problems.append(
            Problem(
                "warning",
                "The measures catalog isn't available, so eCQM, IA and PI measure ids "
                "weren't checked against the year.",
                None,
                None,
                "CATALOG_UNAVAILABLE",
            )
        )
    if doc is not None and catalog is not None and not report.errors:
        _converted_checks(report, doc, catalog)
    file_year = doc.performance_year if doc is not None else _section_year(parsed.tree)
    report.year = year or file_year
    if catalog is not None and file_year is not None:
        report.checks.append(f"measures catalog {file_year}")
    if year is not None and file_year is not None and year != file_year:
        report.problems.append(
            Problem(
                "error",
                f"The file reports performance year {file_year}, not {year}.",
                None,
                None,
                "WRONG_YEAR",
            )
        )
    root = parsed.tree.getroot()
    if report.year is None or etree.QName(root).localname != "ClinicalDocument":
        return
    try:
        failures = schematron.run(parsed.tree, report.year)
    except schematron.SchematronUnavailable as exc:
        report.schematron_available = False
        report.problems.append(Problem("warning", str(exc), None, None, "SCHEMATRON_UNAVAILABLE"))
        return
    report.schematron_available = True
    report.checks.append(f"CMS schematron {report.year} (errors phase)")
    for failure in failures:
        report.problems.append(
            Problem(
                "error", f"CMS rule: {failure.message}", failure.location, failure.line, failure.id
            )
        )


def _converted_checks(
    report: ValidationReport, doc: Qrda3Document, catalog: MeasureCatalog
) -> None:
    """The rules import applies to the QPP JSON a QRDA III file becomes (a measure with its
    own exclusion, strata, ...); located in that QPP JSON, as the file has no such path."""
    try:
        sub = doc.submission()
    except SubmissionFormatError as exc:
        if not exc.problems:
            report.problems.append(Problem("error", str(exc), None, None, "QPP_JSON"))
        for where, message in exc.problems:
            report.problems.append(
                Problem("error", message, f"as QPP JSON: {where}", None, "QPP_JSON")
            )
        return
    for p in submission_problems(sub, catalog):
        report.problems.append(
            Problem("error", p.message, f"as QPP JSON: {p.location}", None, p.code)
        )


def _section_year(tree: etree._ElementTree) -> int | None:
    for low in tree.getroot().iterfind(
        ".//{urn:hl7-org:v3}act/{urn:hl7-org:v3}effectiveTime/{urn:hl7-org:v3}low"
    ):
        value = (low.get("value") or "")[:4]
        if value.isdigit():
            return int(value)
    return None


def validate_bytes(
    data: bytes,
    name: str,
    year: int | None = None,
    catalog: MeasureCatalog | None = None,
    known_ids: Mapping[str, EcqmIds] | None = None,
) -> ValidationReport:
    """Validate file content already in memory (``name`` is shown in the report).

    ``known_ids`` identifies eCQMs the year's measures data has no id for (see
    :func:`desktop_app.formats.qrda3.reader.read_qrda3`)."""
    fmt = _detect(data, Path(name))
    report = ValidationReport(path=name, format=fmt)
    if fmt == "qpp-json":
        _validate_json(report, data, year, catalog)
    elif fmt == "qrda3":
        _validate_qrda3(report, data, year, catalog, known_ids)
    else:
        report.problems.append(
            Problem(
                "error",
                "The file is neither QPP JSON nor QRDA III XML (it starts with neither "
                "'{' nor '<').",
                None,
                1,
                "UNKNOWN_FORMAT",
            )
        )
    return report


def validate_file(
    path: Path,
    year: int | None = None,
    catalog: MeasureCatalog | None = None,
    known_ids: Mapping[str, EcqmIds] | None = None,
) -> ValidationReport:
    """Validate a QPP JSON or QRDA III file.

    Raises ``OSError`` (FileNotFoundError, IsADirectoryError, PermissionError) when the
    file can't be read; a file too large to be a submission is reported as invalid.
    """
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder, not a file")
    try:
        data = read_limited(path, MAX_BYTES)
    except UnsafeXmlError as exc:
        report = ValidationReport(path=str(path), format="unknown")
        report.problems.append(Problem("error", exc.reason, None, None, "TOO_LARGE"))
        return report
    return validate_bytes(data, str(path), year, catalog, known_ids)
