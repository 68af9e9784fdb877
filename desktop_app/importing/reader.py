"""Reading a submission file for import: QPP JSON or QRDA III, refused unless CMS would take it.

:func:`read_import_file` returns an :class:`ImportedFile` (the QPP JSON
:class:`~desktop_app.formats.qpp_json.Submission` plus a summary of what it holds) or
raises :class:`ImportRefused` listing every problem with where it is. QRDA III goes
through the QRDA III reader (safe XML parsing; eCQMs matched by eMeasureUuid in the
catalog); QPP JSON through the QPP JSON models. Both then get the same checks of what
CMS would reject: entity type, TIN/NPI (check digit), a performance year MIPS Desk
knows, then the rules ``mipsdesk validate`` applies too
(:mod:`desktop_app.formats.submission_rules`): measure ids valid for the year and
category, quality collection types the measure allows, performance dates inside the
year, value shapes, a measure with its own exclusion, MIPS CQM exclusions, strata.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from desktop_app.catalog.model import MeasureInfo
from desktop_app.formats.qpp_json import (
    MultiPerformanceRate,
    NonProportion,
    Proportion,
    SinglePerformanceRate,
    Submission,
    SubmissionFormatError,
    parse_submission_text,
)
from desktop_app.formats.qrda3.model import (
    EcqmIds,
    PopulationSetCounts,
    Qrda3Error,
    SupplementalCount,
)
from desktop_app.formats.qrda3.reader import Qrda3Document, read_qrda3
from desktop_app.formats.qrda3.safe_xml import MAX_BYTES, UnsafeXmlError, parse_bytes, read_limited
from desktop_app.formats.submission_rules import CATEGORY_LABELS as CATEGORY_LABELS
from desktop_app.formats.submission_rules import submission_problems
from desktop_app.models.years import known_performance_years

FileFormat = Literal["qrda3", "qpp-json"]
FORMAT_LABELS: dict[str, str] = {"qrda3": "QRDA III", "qpp-json": "QPP JSON"}
IMPORTABLE_ENTITY_TYPES = ("individual", "group")
KnownIds = Mapping[str, EcqmIds] | Callable[[int], Mapping[str, EcqmIds]]
"""eCQM ids known beyond the measures data: measureId -> EcqmIds, or a function of the
file's performance year giving them (e.g. ``lambda y: known_ecqm_ids(ws, y)``)."""


class ImportCatalog(Protocol):
    """What import needs from :class:`desktop_app.catalog.Catalog`."""

    def years(self) -> list[int]: ...

    def measure(self, year: int, measure_id: str) -> MeasureInfo | None: ...

    def measure_by_emeasure_uuid(self, year: int, uuid: str) -> MeasureInfo | None: ...


@dataclass(frozen=True)
class ImportProblem:
    """Why a file is refused (or a warning about it), and where in the file."""

    message: str
    location: str | None = None
    line: int | None = None
    code: str | None = None
    severity: Literal["error", "warning"] = "error"

    def describe(self) -> str:
        where = []
        if self.location:
            where.append(self.location)
        if self.line is not None:
            where.append(f"line {self.line}")
        return self.message + (f" [at {', '.join(where)}]" if where else "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "message": self.message,
            "location": self.location,
            "line": self.line,
            "code": self.code,
        }


class ImportRefused(Exception):
    """The file can't be imported; ``problems`` says every reason and where."""

    def __init__(self, source: str, problems: list[ImportProblem]) -> None:
        self.source = source
        self.problems = problems
        head = "; ".join(p.describe() for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"{source} can't be imported: {head}{more}")


@dataclass(frozen=True)
class MeasureSummary:
    category: str
    submission_method: str
    program_name: str
    measure_id: str
    title: str
    detail: str
    counts: dict[str, Any]
    """The value as QPP JSON (counts, numerator/denominator, or true/false)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "submissionMethod": self.submission_method,
            "programName": self.program_name,
            "measureId": self.measure_id,
            "title": self.title,
            "detail": self.detail,
            "value": self.counts,
        }


@dataclass(frozen=True)
class ImportedFile:
    """A file that passed every check: what it holds, ready to preview against a workspace."""

    source: str
    format: FileFormat
    submission: Submission
    measures: list[MeasureSummary]
    warnings: list[ImportProblem] = field(default_factory=list)
    qrda_program: str | None = None
    ecqm_ids: dict[str, EcqmIds] = field(default_factory=dict)
    """QRDA III: measureId -> the version-specific ids the file carries."""
    supplemental: dict[str, list[SupplementalCount]] = field(default_factory=dict)
    """QRDA III: population id (upper case) -> the file's supplemental data counts."""
    population_sets: dict[str, list[PopulationSetCounts]] = field(default_factory=dict)
    """QRDA III: measureId -> each population set's counts of a single-rate eCQM the
    file reported with several sets (QPP JSON holds their sum)."""
    emeasure_ids: dict[str, str | None] = field(default_factory=dict)
    """QRDA III: measureId -> the eCQM's CMS id (e.g. CMS122v14) in the measures data."""

    @property
    def year(self) -> int:
        return self.submission.performance_year

    @property
    def tin(self) -> str:
        tin = self.submission.taxpayer_identification_number
        assert tin is not None  # checked by read_import_file
        return tin

    @property
    def npi(self) -> str | None:
        return self.submission.national_provider_identifier

    @property
    def categories(self) -> list[str]:
        seen: list[str] = []
        for s in self.submission.measurement_sets:
            if s.category not in seen:
                seen.append(s.category)
        return seen

    @property
    def entity_label(self) -> str:
        if self.npi:
            return f"clinician NPI {self.npi} under TIN {self.tin} (individual reporting)"
        return f"group TIN {self.tin} (group reporting)"

    def summary(self) -> dict[str, Any]:
        sub = self.submission
        return {
            "source": self.source,
            "format": self.format,
            "entityType": sub.entity_type,
            "taxpayerIdentificationNumber": self.tin,
            "nationalProviderIdentifier": self.npi,
            "performanceYear": self.year,
            "qrdaProgram": self.qrda_program,
            "categories": self.categories,
            "measurementSets": [
                {
                    "category": s.category,
                    "submissionMethod": s.submission_method,
                    "programName": s.program_name,
                    "cehrtId": s.cehrt_id,
                    "performanceStart": s.performance_start.isoformat()
                    if s.performance_start
                    else None,
                    "performanceEnd": s.performance_end.isoformat() if s.performance_end else None,
                    "measureCount": len(s.measurements),
                }
                for s in sub.measurement_sets
            ],
            "measures": [m.as_dict() for m in self.measures],
            "warnings": [w.as_dict() for w in self.warnings],
        }

    def summary_lines(self) -> list[str]:
        lines = [
            f"{FORMAT_LABELS[self.format]} file for the {self.entity_label}, "
            f"performance year {self.year}.",
            "Categories: " + ", ".join(CATEGORY_LABELS.get(c, c) for c in self.categories) + ".",
        ]
        for m in self.measures:
            lines.append(
                f"  {CATEGORY_LABELS.get(m.category, m.category)} {m.measure_id} "
                f"({m.title}): {m.detail}"
            )
        for w in self.warnings:
            lines.append(f"  Note: {w.describe()}")
        return lines


def _detail(category: str, value: Any) -> str:
    if isinstance(value, bool):
        if category == "ia":
            return "performed" if value else "not performed"
        return "yes" if value else "no"
    if isinstance(value, Proportion):
        return f"numerator {value.numerator} / denominator {value.denominator}"
    if isinstance(value, SinglePerformanceRate):
        return _counts_text(value)
    if isinstance(value, MultiPerformanceRate):
        return "; ".join(f"stratum {s.stratum}: {_counts_text(s)}" for s in value.strata)
    if isinstance(value, NonProportion):
        return f"numerator {value.numerator}, denominator {value.denominator}"
    return str(value)


def _counts_text(c: Any) -> str:
    rate = c.performance_rate
    text = (
        f"eligible population {c.eligible_population}, met {c.performance_met}, not met "
        f"{c.performance_not_met or 0}, exclusions {c.eligible_population_exclusion or 0}, "
        f"exceptions {c.eligible_population_exception or 0}"
    )
    if rate is not None:
        text += f" (performance rate {rate:.2f}%)"
    return text


def value_json(value: Any) -> Any:
    """A measurement value as stored: bool, or its QPP JSON dict."""
    if isinstance(value, bool):
        return value
    data: dict[str, Any] = value.to_json_dict()
    return data


def _check_submission(
    sub: Submission, catalog: ImportCatalog | None, problems: list[ImportProblem]
) -> None:
    """What CMS would reject that the format models alone can't know."""
    if sub.entity_type not in IMPORTABLE_ENTITY_TYPES:
        problems.append(
            ImportProblem(
                f"MIPS Desk imports individual and group submissions; this file is for entity "
                f"type '{sub.entity_type}'.",
                "entityType",
                code="ENTITY_TYPE",
            )
        )
        return
    year = sub.performance_year
    known = known_performance_years()
    if year not in known:
        problems.append(
            ImportProblem(
                f"Performance year {year} is not one MIPS Desk supports "
                f"({', '.join(str(y) for y in known)}).",
                "performanceYear",
                code="YEAR_NOT_SUPPORTED",
            )
        )
        return
    if catalog is None:
        problems.append(
            ImportProblem(
                "The measures catalog isn't available, so the file's measure ids can't be "
                "checked; build the catalog first (mipsdesk catalog build).",
                code="CATALOG_UNAVAILABLE",
            )
        )
        return
    if year not in catalog.years():
        problems.append(
            ImportProblem(
                f"The measures catalog has no data for performance year {year}; update it first.",
                "performanceYear",
                code="YEAR_NOT_IN_CATALOG",
            )
        )
        return
    problems.extend(
        ImportProblem(p.message, p.location, code=p.code) for p in submission_problems(sub, catalog)
    )


def _title(catalog: ImportCatalog | None, year: int, measure_id: str) -> str:
    if catalog is None:
        return measure_id
    info = catalog.measure(year, measure_id)
    return info.title if info else measure_id


def _emeasure_id(catalog: ImportCatalog | None, year: int, measure_id: str) -> str | None:
    info = catalog.measure(year, measure_id) if catalog is not None else None
    value = info.data.get("eMeasureId") if info is not None else None
    return str(value) if value else None


def _utf8_problem(data: bytes) -> ImportProblem | None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return ImportProblem(
            f"The file is not UTF-8 text: byte {exc.start} (0x{data[exc.start]:02x}) can't be "
            "decoded. Export it again as UTF-8.",
            None,
            line,
            "NOT_UTF8",
        )
    return None


def read_import_bytes(
    data: bytes,
    source: str,
    catalog: ImportCatalog | None,
    known_ids: KnownIds | None = None,
) -> ImportedFile:
    """Read file content already in memory (``source`` names it in messages).

    ``known_ids`` (see :data:`KnownIds`; e.g. the workspace's list,
    :func:`desktop_app.importing.ecqm_ids.known_ecqm_ids`) identifies eCQMs whose
    version-specific ids the year's measures data doesn't have (2026)."""
    if not data.strip():
        raise ImportRefused(source, [ImportProblem("The file is empty.", code="EMPTY_FILE")])
    problem = _utf8_problem(data)
    if problem is not None:
        raise ImportRefused(source, [problem])
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    problems: list[ImportProblem] = []
    warnings: list[ImportProblem] = []
    qrda_doc: Qrda3Document | None = None
    fmt: FileFormat
    if head in (b"{", b"["):
        fmt = "qpp-json"
        try:
            submission = parse_submission_text(data.decode("utf-8-sig"), origin=source)
        except SubmissionFormatError as exc:
            if exc.problems and exc.problems[0][0].startswith("line "):
                loc, msg = exc.problems[0]
                raise ImportRefused(
                    source,
                    [
                        ImportProblem(
                            f"The file is not valid JSON (cut off or damaged?): {msg}.",
                            loc,
                            code="NOT_JSON",
                        )
                    ],
                ) from exc
            if exc.problems:
                raise ImportRefused(
                    source, [ImportProblem(msg, loc, code="QPP_JSON") for loc, msg in exc.problems]
                ) from exc
            raise ImportRefused(source, [ImportProblem(str(exc), code="QPP_JSON")]) from exc
    elif head == b"<":
        fmt = "qrda3"
        try:
            qrda_doc = read_qrda3(data, catalog, known_ids_for_file(data, known_ids))
        except Qrda3Error as exc:
            errors = [p for p in exc.problems if p.severity == "error"] or exc.problems
            raise ImportRefused(
                source, [ImportProblem(p.message, p.location, p.line, p.code) for p in errors]
            ) from exc
        try:
            submission = qrda_doc.submission()
        except SubmissionFormatError as exc:
            raise ImportRefused(
                source,
                [ImportProblem(msg, loc, code="QPP_JSON") for loc, msg in exc.problems]
                or [ImportProblem(str(exc))],
            ) from exc
        warnings.extend(
            ImportProblem(w.message, w.location, w.line, w.code, "warning")
            for w in qrda_doc.warnings
        )
    else:
        raise ImportRefused(
            source,
            [
                ImportProblem(
                    "The file is neither QPP JSON (starting with '{') nor QRDA III XML "
                    "(starting with '<').",
                    None,
                    1,
                    "UNKNOWN_FORMAT",
                )
            ],
        )
    _check_submission(submission, catalog, problems)
    if problems:
        raise ImportRefused(source, problems)
    measures = [
        MeasureSummary(
            s.category,
            s.submission_method,
            s.program_name,
            m.measure_id,
            _title(catalog, submission.performance_year, m.measure_id),
            _detail(s.category, m.value),
            {"value": value_json(m.value)},
        )
        for s in submission.measurement_sets
        for m in s.measurements
    ]
    return ImportedFile(
        source=source,
        format=fmt,
        submission=submission,
        measures=measures,
        warnings=warnings,
        qrda_program=qrda_doc.program if qrda_doc else None,
        ecqm_ids=dict(qrda_doc.ecqm_ids) if qrda_doc else {},
        emeasure_ids={
            mid: _emeasure_id(catalog, submission.performance_year, mid)
            for mid in (qrda_doc.ecqm_ids if qrda_doc else {})
        },
        supplemental=dict(qrda_doc.supplemental) if qrda_doc else {},
        population_sets=dict(qrda_doc.population_sets) if qrda_doc else {},
    )


def known_ids_for_file(data: bytes, known_ids: KnownIds | None) -> Mapping[str, EcqmIds] | None:
    """The known ids for the QRDA III file's performance year (its first reporting period)."""
    if known_ids is None or isinstance(known_ids, Mapping):
        return known_ids
    try:
        root = parse_bytes(data).tree.getroot()
    except UnsafeXmlError:
        return None  # the reader says what is wrong
    for low in root.iterfind(
        ".//{urn:hl7-org:v3}act/{urn:hl7-org:v3}effectiveTime/{urn:hl7-org:v3}low"
    ):
        value = (low.get("value") or "")[:4]
        if value.isdigit():
            return known_ids(int(value))
    return None


def read_import_file(
    path: Path,
    catalog: ImportCatalog | None,
    known_ids: KnownIds | None = None,
) -> ImportedFile:
    """Read and check a QPP JSON or QRDA III file; :class:`ImportRefused` if CMS would refuse it.

    A missing or unreadable file is refused too (with the reason), never half-read.
    """
    source = str(path)
    if path.is_dir():
        raise ImportRefused(source, [ImportProblem("This is a folder, not a file.")])
    try:
        data = read_limited(path, MAX_BYTES)
    except FileNotFoundError as exc:
        raise ImportRefused(source, [ImportProblem("No such file.", code="NOT_FOUND")]) from exc
    except UnsafeXmlError as exc:
        raise ImportRefused(source, [ImportProblem(str(exc), code="TOO_LARGE")]) from exc
    except OSError as exc:
        raise ImportRefused(
            source, [ImportProblem(f"The file can't be read: {exc.strerror or exc}.")]
        ) from exc
    return read_import_bytes(data, source, catalog, known_ids)
