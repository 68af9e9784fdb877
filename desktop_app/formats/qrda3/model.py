"""Shared vocabulary of the QRDA III package: OIDs, problems, the catalog it needs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal, Protocol, cast

from lxml import etree

from desktop_app.catalog.model import MeasureInfo

HL7 = "urn:hl7-org:v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS = {"h": HL7, "xsi": XSI}

# Identifier roots (QRDA III IG, CMS part)
OID_PROGRAM = "2.16.840.1.113883.3.249.7"
OID_NPI = "2.16.840.1.113883.4.6"
OID_TIN = "2.16.840.1.113883.4.2"
OID_CEHRT = "2.16.840.1.113883.3.2074.1"
OID_MVP = "2.16.840.1.113883.3.249.5.6"
OID_EMEASURE = "2.16.840.1.113883.4.738"
OID_PI_MEASURE = "2.16.840.1.113883.3.7031"
OID_IA_MEASURE = "2.16.840.1.113883.3.7034"

# Template roots
T_REPORT = "2.16.840.1.113883.10.20.27.1.1"
T_REPORT_CMS = "2.16.840.1.113883.10.20.27.1.2"
T_MEASURE_SECTION = "2.16.840.1.113883.10.20.27.2.1"
T_MEASURE_SECTION_CMS = "2.16.840.1.113883.10.20.27.2.3"
T_IA_SECTION = "2.16.840.1.113883.10.20.27.2.4"
T_PI_SECTION = "2.16.840.1.113883.10.20.27.2.5"
T_QDM_MEASURE_SECTION = "2.16.840.1.113883.10.20.24.2.2"
T_REPORTING_PARAMETERS = "2.16.840.1.113883.10.20.17.3.8"
T_MEASURE_REFERENCE = "2.16.840.1.113883.10.20.24.3.98"
T_MEASURE_RR = "2.16.840.1.113883.10.20.27.3.1"
T_MEASURE_RR_CMS = "2.16.840.1.113883.10.20.27.3.17"
T_MEASURE_DATA = "2.16.840.1.113883.10.20.27.3.5"
T_MEASURE_DATA_CMS = "2.16.840.1.113883.10.20.27.3.16"
T_AGGREGATE_COUNT = "2.16.840.1.113883.10.20.27.3.3"
T_REPORTING_STRATUM = "2.16.840.1.113883.10.20.27.3.4"
T_SEX = "2.16.840.1.113883.10.20.27.3.6"
T_SEX_CMS = "2.16.840.1.113883.10.20.27.3.21"
T_ETHNICITY = "2.16.840.1.113883.10.20.27.3.7"
T_RACE = "2.16.840.1.113883.10.20.27.3.8"
T_PAYER = "2.16.840.1.113883.10.20.27.3.9"
T_PAYER_CMS = "2.16.840.1.113883.10.20.27.3.18"
T_PERFORMANCE_RATE = "2.16.840.1.113883.10.20.27.3.14"
T_PERFORMANCE_RATE_CMS = "2.16.840.1.113883.10.20.27.3.25"
T_MEASURE_PERFORMED = "2.16.840.1.113883.10.20.27.3.27"
T_PI_NUM_DENOM_RR = "2.16.840.1.113883.10.20.27.3.28"
T_PI_PERFORMED_RR = "2.16.840.1.113883.10.20.27.3.29"
T_PI_NUMERATOR = "2.16.840.1.113883.10.20.27.3.31"
T_PI_DENOMINATOR = "2.16.840.1.113883.10.20.27.3.32"
T_IA_PERFORMED_RR = "2.16.840.1.113883.10.20.27.3.33"

# Population codes (PopulationInclusionObservationType) and the QPP JSON field each becomes
POPULATION_CODES = ("IPOP", "DENOM", "DENEX", "NUMER", "DENEXCEP")
CATALOG_UUID_KEYS = {
    "IPOP": "initialPopulationUuid",
    "DENOM": "denominatorUuid",
    "DENEX": "denominatorExclusionUuid",
    "NUMER": "numeratorUuid",
    "DENEXCEP": "denominatorExceptionUuid",
}
POPULATION_NAMES = {
    "IPOP": "initial population",
    "DENOM": "denominator",
    "DENEX": "denominator exclusions",
    "NUMER": "numerator",
    "DENEXCEP": "denominator exceptions",
}

Severity = Literal["error", "warning", "info"]
SupplementalKind = Literal["sex", "race", "ethnicity", "payer"]


@dataclass(frozen=True)
class Problem:
    """Something wrong (or worth knowing) about a file, and where it is."""

    severity: Severity
    message: str
    location: str | None = None
    """XPath-like path of the element (``/ClinicalDocument/component/...``), or None."""
    line: int | None = None
    code: str | None = None
    """A stable identifier: a CMS conformance id (``CMS_0117``) or a MIPS Desk code."""

    def describe(self) -> str:
        where = []
        if self.location:
            where.append(self.location)
        if self.line is not None:
            where.append(f"line {self.line}")
        suffix = f" [{', '.join(where)}]" if where else ""
        code = f" ({self.code})" if self.code else ""
        return f"{self.severity}: {self.message}{code}{suffix}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "message": self.message,
            "location": self.location,
            "line": self.line,
            "code": self.code,
        }


class Qrda3Error(Exception):
    """A QRDA III file was refused; ``problems`` lists every error found (with where)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"] or problems
        head = "; ".join(p.describe() for p in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        super().__init__(f"The QRDA III file was refused: {head}{more}")


class MeasureCatalog(Protocol):
    """The part of :class:`desktop_app.catalog.Catalog` the QRDA III code uses."""

    def measure(self, year: int, measure_id: str) -> MeasureInfo | None: ...

    def measure_by_emeasure_uuid(self, year: int, uuid: str) -> MeasureInfo | None: ...


def catalog_years(catalog: MeasureCatalog) -> list[int] | None:
    """The performance years the catalog holds, when it can say (None: unknown)."""
    years = getattr(catalog, "years", None)
    if years is None:
        return None
    value = years() if callable(years) else years
    try:
        return sorted(int(y) for y in value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class SupplementalCount:
    """One supplemental data element: how many of a population fall in one category."""

    kind: SupplementalKind
    code: str | None
    """The category code (M/F, a CDC race/ethnicity code, CMS payer A-D); None = unknown."""
    count: int


@dataclass(frozen=True)
class PopulationSetCounts:
    """One population set of an eCQM as a QRDA III file reported it.

    QPP JSON holds only the sum of a single-rate eCQM's population sets; these counts
    (kept from an imported file) let QRDA III export write each set again."""

    populations: dict[str, str]
    """Population code (IPOP, DENOM, NUMER, DENEX, DENEXCEP) -> population UUID."""
    counts: dict[str, int]
    """Population code -> the set's aggregate count."""

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return {"populations": dict(self.populations), "counts": dict(self.counts)}


@dataclass
class EcqmIds:
    """Version-specific ids an eCQM needs in QRDA III.

    ``measure_uuid`` is the eMeasureUuid; ``populations`` holds, per QPP stratum (in the
    order of the measure's strata), the population criteria UUIDs keyed by population
    code (IPOP, DENOM, NUMER, DENEX, DENEXCEP).
    """

    measure_uuid: str
    populations: list[dict[str, str]] = field(default_factory=list)


def element_path(el: etree._Element) -> str:
    """A readable XPath-like location: ``/ClinicalDocument/component/section[2]/entry[1]``."""
    parts: list[str] = []
    node: etree._Element | None = el
    while node is not None:
        tag = node.tag
        name = etree.QName(tag).localname if isinstance(tag, str) else "node()"
        parent = node.getparent()
        if parent is not None:
            same = [c for c in parent if c.tag == node.tag]
            if len(same) > 1:
                name += f"[{same.index(node) + 1}]"
        parts.append(name)
        node = parent
    return "/" + "/".join(reversed(parts))


def problem_at(
    severity: Severity, message: str, el: etree._Element | None, code: str | None = None
) -> Problem:
    if el is None:
        return Problem(severity, message, None, None, code)
    line: Any = cast(Any, el).sourceline
    return Problem(
        severity, message, element_path(el), line if isinstance(line, int) else None, code
    )


@cache
def _data(name: str) -> dict[str, Any]:
    text = resources.files("desktop_app.formats.qrda3").joinpath("data", name).read_text("utf-8")
    value: dict[str, Any] = json.loads(text)
    return value


def program_table() -> dict[str, dict[str, str]]:
    """QRDA III program name -> {programName, entityType} (see data/programs.json)."""
    programs: dict[str, dict[str, str]] = _data("programs.json")["programs"]
    return programs


def ig_years() -> dict[int, dict[str, Any]]:
    """Per performance year, the template versions the CMS IG requires (data/ig.json)."""
    return {int(k): v for k, v in _data("ig.json")["years"].items()}
