"""Reading QRDA Category III files (what EHRs export) into the QPP JSON submission.

The mapping follows what CMS's own converter (qpp-conversion-tool) does:

- entity type and program from ``informationRecipient`` (MIPS_INDIV -> mips /
  individual, MIPS_GROUP -> mips / group, ...); an MVP id from the participant
  with root 2.16.840.1.113883.3.249.5.6 becomes the measurement sets' programName;
- TIN and NPI from ``documentationOf/serviceEvent/performer`` (the first performer,
  as CMS's converter does; more than one for an individual is a warning);
- the performance year from the start of each section's Reporting Parameters Act
  (the document header's service period is only compared, as CMS ignores it);
- eCQMs matched by their version-specific id (eMeasureUuid) in the catalog of that
  year; population counts grouped by the population UUIDs of the measure's strata
  (where neither the measures data nor the caller knows them: by the file's order,
  each initial population starting a set, with the file's own ids kept, and a
  multi-rate measure's sets taken as its strata in the catalog's order);
  performanceNotMet = DENOM - NUMER - DENEX - DENEXCEP; a single-rate measure
  reported with several population sets is summed, as CMS does;
- IA measures performed Y/N; PI numerator/denominator or Y/N measures.

Anything CMS would reject is an error and the file is refused: invalid NPI (check
digit, CMS_0117) or TIN, unknown measure ids for the year, a numerator above its
denominator, negative or non-integer counts, dates outside the performance year, a
section without measures, a broken header.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lxml import etree

from desktop_app.catalog.model import MeasureInfo
from desktop_app.formats.qpp_json import Submission, SubmissionFormatError, parse_submission
from desktop_app.formats.qrda3 import model as m
from desktop_app.formats.qrda3.model import (
    NS,
    EcqmIds,
    MeasureCatalog,
    PopulationSetCounts,
    Problem,
    Qrda3Error,
    SupplementalCount,
    SupplementalKind,
    problem_at,
)
from desktop_app.formats.qrda3.safe_xml import UnsafeXmlError, parse_bytes, parse_file
from desktop_app.models.identifiers import validate_npi, validate_tin

_CEHRT_FORMAT = re.compile(r"^[A-Za-z0-9]{15}$")
_TS = re.compile(r"^(\d{4})(\d{2})(\d{2})")


@dataclass(frozen=True)
class MeasureLine:
    """One measure the file holds, for the human summary."""

    category: str
    measure_id: str
    title: str
    detail: str


@dataclass
class Qrda3Document:
    """What a QRDA III file holds, as QPP JSON plus what QPP JSON has no room for."""

    submission_json: dict[str, Any]
    """The QPP JSON submission (the format of ../shared/docs/qpp-formats.md)."""
    program: str
    """The QRDA III program name as written (MIPS_INDIV, MIPS_GROUP, ...)."""
    entity_type: str
    tin: str
    npi: str | None
    performance_year: int
    program_name: str
    """QPP programName of the measurement sets (mips, app1, appPlus or an MVP id)."""
    mvp_id: str | None
    cehrt_id: str | None
    ecqm_ids: dict[str, EcqmIds] = field(default_factory=dict)
    """measureId -> the eMeasureUuid and population UUIDs the file used."""
    supplemental: dict[str, list[SupplementalCount]] = field(default_factory=dict)
    """Population UUID (upper case) -> the supplemental data counts of that population."""
    population_sets: dict[str, list[PopulationSetCounts]] = field(default_factory=dict)
    """measureId -> each population set's own counts, for a single-rate eCQM reported
    with several population sets (its QPP JSON value is their sum)."""
    measures: list[MeasureLine] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def categories(self) -> list[str]:
        return [s["category"] for s in self.submission_json["measurementSets"]]

    def submission(self) -> Submission:
        """The submission as the project's QPP JSON model."""
        return parse_submission(self.submission_json, origin="the QRDA III file")

    def summary(self) -> dict[str, Any]:
        return {
            "program": self.program,
            "entityType": self.entity_type,
            "taxpayerIdentificationNumber": self.tin,
            "nationalProviderIdentifier": self.npi,
            "performanceYear": self.performance_year,
            "programName": self.program_name,
            "cehrtId": self.cehrt_id,
            "categories": self.categories,
            "measures": [
                {
                    "category": line.category,
                    "measureId": line.measure_id,
                    "title": line.title,
                    "detail": line.detail,
                }
                for line in self.measures
            ],
            "warnings": [w.as_dict() for w in self.warnings],
        }

    def summary_text(self) -> str:
        who = f"TIN {self.tin}" + (f", NPI {self.npi}" if self.npi else "")
        names = {"quality": "Quality (eCQM)", "ia": "Improvement Activities", "pi": "PI"}
        lines = [
            f"{self.entity_type.capitalize()} reporting ({self.program}) for {who}, "
            f"performance year {self.performance_year}, program {self.program_name}.",
            "Categories: " + ", ".join(names.get(c, c) for c in self.categories) + ".",
        ]
        if self.cehrt_id:
            lines.append(f"CEHRT ID: {self.cehrt_id}.")
        for line in self.measures:
            lines.append(
                f"- {names.get(line.category, line.category)} {line.measure_id}: "
                f"{line.title} - {line.detail}"
            )
        for w in self.warnings:
            lines.append(f"Warning: {w.message}")
        return "\n".join(lines)


# --------------------------------------------------------------------------- helpers


def _has_template(el: etree._Element, root: str) -> bool:
    return any(t.get("root") == root for t in el.findall("h:templateId", NS))


def _or(el: etree._Element | None, default: etree._Element) -> etree._Element:
    return el if el is not None else default


def _parse_ts(value: str | None) -> date | None:
    if not value:
        return None
    match = _TS.match(value.strip())
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


class _Reader:
    def __init__(
        self,
        root: etree._Element,
        catalog: MeasureCatalog | None,
        known_ids: Mapping[str, EcqmIds] | None = None,
    ) -> None:
        self.root = root
        self.catalog = catalog
        self.known_ids = dict(known_ids or {})
        self.problems: list[Problem] = []
        self.year: int | None = None
        self.periods: list[tuple[date, date, etree._Element]] = []
        self.measures: list[MeasureLine] = []
        self.ecqm_ids: dict[str, EcqmIds] = {}
        self.supplemental: dict[str, list[SupplementalCount]] = {}
        self.population_sets: dict[str, list[PopulationSetCounts]] = {}
        self.year_supported = True

    # -- problems
    def error(self, message: str, el: etree._Element | None, code: str | None = None) -> None:
        self.problems.append(problem_at("error", message, el, code))

    def warn(self, message: str, el: etree._Element | None, code: str | None = None) -> None:
        self.problems.append(problem_at("warning", message, el, code))

    # -- counts
    def aggregate_count(self, obs: etree._Element, what: str) -> int | None:
        counts = [
            er.find("h:observation", NS)
            for er in obs.findall("h:entryRelationship", NS)
            if er.find("h:observation", NS) is not None
            and _has_template(er.find("h:observation", NS), m.T_AGGREGATE_COUNT)  # type: ignore[arg-type]
        ]
        if len(counts) != 1:
            self.error(
                f"The {what} must have exactly one aggregate count; found {len(counts)}.",
                obs,
                "CMS_AGGREGATE_COUNT",
            )
            return None
        assert counts[0] is not None
        value_el = counts[0].find("h:value", NS)
        raw = value_el.get("value") if value_el is not None else None
        if raw is None or not re.fullmatch(r"-?\d+", raw.strip()):
            self.error(
                f"The {what} count '{raw}' is not a whole number.",
                value_el if value_el is not None else counts[0],
                "COUNT_NOT_INTEGER",
            )
            return None
        number = int(raw)
        if number < 0:
            self.error(
                f"The {what} count is {number}; counts can't be negative.",
                value_el,
                "COUNT_NEGATIVE",
            )
            return None
        return number

    # -- header
    def program(self) -> tuple[str, str, str] | None:
        ids = self.root.findall("h:informationRecipient/h:intendedRecipient/h:id", NS)
        program_ids = [i for i in ids if i.get("root") == m.OID_PROGRAM]
        if len(program_ids) != 1:
            valid = ", ".join(m.program_table())
            self.error(
                "The file must name exactly one CMS program in informationRecipient/"
                f"intendedRecipient/id (root {m.OID_PROGRAM}); found {len(program_ids)}. "
                f"Valid programs: {valid}.",
                _or(self.root.find("h:informationRecipient", NS), self.root),
                "CMS_PROGRAM_NAME",
            )
            return None
        raw = (program_ids[0].get("extension") or "").strip()
        entry = m.program_table().get(raw.upper())
        if entry is None:
            valid = ", ".join(m.program_table())
            self.error(
                f"'{raw}' is not a QRDA III program name MIPS Desk can import; use one of {valid}.",
                program_ids[0],
                "CMS_PROGRAM_NAME",
            )
            return None
        return raw.upper(), entry["programName"], entry["entityType"]

    def identifiers(self, entity_type: str) -> tuple[str | None, str | None]:
        performers = self.root.findall("h:documentationOf/h:serviceEvent/h:performer", NS)
        where = self.root.find("h:documentationOf/h:serviceEvent", NS)
        if not performers:
            self.error(
                "The header names no performer (documentationOf/serviceEvent/performer with "
                "the TIN and, for individual reporting, the NPI).",
                where if where is not None else self.root,
                "CMS_PERFORMER",
            )
            return None, None
        if len(performers) > 1:
            self.warn(
                f"The header names {len(performers)} performers; for {entity_type} reporting "
                "CMS expects one, and CMS's converter uses only the first "
                "(the others are ignored here too).",
                performers[1],
                "5562-18171_C01",
            )
        performer = performers[0]
        tin_el = performer.find(
            f"h:assignedEntity/h:representedOrganization/h:id[@root='{m.OID_TIN}']", NS
        )
        npi_el = performer.find(f"h:assignedEntity/h:id[@root='{m.OID_NPI}']", NS)
        tin: str | None = None
        npi: str | None = None
        if tin_el is None or not tin_el.get("extension"):
            self.error(
                f"The performer has no TIN (representedOrganization/id root {m.OID_TIN}).",
                performer,
                "CMS_TIN",
            )
        else:
            try:
                tin = validate_tin(tin_el.get("extension", ""))
            except ValueError as exc:
                self.error(str(exc), tin_el, "CMS_TIN_FORMAT")
        if entity_type == "individual":
            if npi_el is None or not npi_el.get("extension"):
                self.error(
                    f"Individual reporting needs the clinician's NPI (assignedEntity/id root "
                    f"{m.OID_NPI}); none was found.",
                    performer,
                    "CMS_NPI",
                )
            else:
                try:
                    npi = validate_npi(npi_el.get("extension", ""))
                except ValueError as exc:
                    self.error(str(exc), npi_el, "CMS_0117")
        elif npi_el is not None and npi_el.get("extension"):
            self.error(
                f"For {entity_type} reporting the performer must not carry an NPI "
                f'(found {npi_el.get("extension")}); CMS expects nullFlavor="NA".',
                npi_el,
                "5562-18177_C01",
            )
        # Every other NPI in the header must be valid too (CMS_0117 checks each).
        for other in self.root.iter(f"{{{m.HL7}}}id"):
            if other is npi_el or other.get("root") != m.OID_NPI or not other.get("extension"):
                continue
            try:
                validate_npi(other.get("extension", ""))
            except ValueError as exc:
                self.error(str(exc), other, "CMS_0117")
        return tin, npi

    def participant_id(self, root_oid: str) -> tuple[str | None, etree._Element | None]:
        for el in self.root.findall("h:participant/h:associatedEntity/h:id", NS):
            if el.get("root") == root_oid and el.get("extension"):
                return el.get("extension", "").strip(), el
        return None, None

    # -- reporting parameters
    def reporting_period(self, section: etree._Element, what: str) -> tuple[date, date] | None:
        acts = [
            a
            for a in section.findall("h:entry/h:act", NS)
            if _has_template(a, m.T_REPORTING_PARAMETERS)
        ]
        if len(acts) != 1:
            self.error(
                f"The {what} must have exactly one Reporting Parameters Act (the performance "
                f"period); found {len(acts)}.",
                section,
                "CMS_REPORTING_PARAMETERS",
            )
            return None
        act = acts[0]
        low_el = act.find("h:effectiveTime/h:low", NS)
        high_el = act.find("h:effectiveTime/h:high", NS)
        low = _parse_ts(low_el.get("value") if low_el is not None else None)
        high = _parse_ts(high_el.get("value") if high_el is not None else None)
        if low is None or high is None:
            self.error(
                f"The performance period of the {what} needs a start and an end date "
                "(effectiveTime/low and high, YYYYMMDD).",
                act.find("h:effectiveTime", NS)
                if act.find("h:effectiveTime", NS) is not None
                else act,
                "CMS_PERFORMANCE_PERIOD",
            )
            return None
        if high < low or high.year != low.year:
            self.error(
                f"The performance period of the {what} ({low.isoformat()} to "
                f"{high.isoformat()}) must start and end within one performance year.",
                act,
                "PERIOD_OUTSIDE_YEAR",
            )
            return None
        self.periods.append((low, high, act))
        return low, high

    # -- measure lookups
    def catalog_measure(
        self, measure_id: str, category: str, el: etree._Element
    ) -> MeasureInfo | None:
        if self.catalog is None or self.year is None or not self.year_supported:
            return None
        info = self.catalog.measure(self.year, measure_id)
        if info is None or info.category != category:
            label = {"ia": "Improvement Activity", "pi": "Promoting Interoperability"}[category]
            self.error(
                f"'{measure_id}' is not a {label} measure for performance year {self.year}.",
                el,
                "MEASURE_NOT_VALID_FOR_YEAR",
            )
            return None
        return info

    # -- sections
    def ia_section(self, section: etree._Element) -> dict[str, Any] | None:
        period = self.reporting_period(section, "Improvement Activities section")
        organizers = [
            o
            for o in section.findall("h:entry/h:organizer", NS)
            if _has_template(o, m.T_IA_PERFORMED_RR)
        ]
        if not organizers:
            self.error(
                "The Improvement Activities section has no improvement activity "
                "(IA_SECTION_MISSING_IA_MEASURE): it must hold at least one.",
                section,
                "IA_SECTION_MISSING_IA_MEASURE",
            )
            return None
        measurements: list[dict[str, Any]] = []
        seen: set[str] = set()
        for org in organizers:
            id_el = org.find("h:reference/h:externalDocument/h:id", NS)
            measure_id = (id_el.get("extension") or "").strip() if id_el is not None else ""
            if not measure_id:
                self.error("This improvement activity has no measure id.", org, "IA_MEASURE_ID")
                continue
            if not measure_id.startswith("IA_"):
                self.error(
                    f"'{measure_id}' is not an Improvement Activity id (they start with IA_).",
                    id_el if id_el is not None else org,
                    "IA_MEASURE_ID",
                )
                continue
            if measure_id in seen:
                self.error(f"{measure_id} is reported twice.", org, "DUPLICATE_MEASURE")
                continue
            seen.add(measure_id)
            info = self.catalog_measure(measure_id, "ia", id_el if id_el is not None else org)
            performed = [
                c
                for c in org.findall("h:component/h:observation", NS)
                if _has_template(c, m.T_MEASURE_PERFORMED)
            ]
            if len(performed) != 1:
                self.error(
                    f"{measure_id} must have exactly one 'measure performed' (Y/N) answer.",
                    org,
                    "IA_MEASURE_INCORRECT_CHILDREN_COUNT",
                )
                continue
            value = performed[0].find("h:value", NS)
            code = value.get("code") if value is not None else None
            if code not in ("Y", "N"):
                self.error(
                    f"{measure_id}: 'measure performed' must be Y or N, not '{code}'.",
                    value if value is not None else performed[0],
                    "IA_MEASURE_INVALID_TYPE",
                )
                continue
            measurements.append({"measureId": measure_id, "value": code == "Y"})
            self.measures.append(
                MeasureLine(
                    "ia",
                    measure_id,
                    " ".join(info.title.split()) if info else measure_id,
                    "performed" if code == "Y" else "not performed",
                )
            )
        return self._measurement_set("ia", measurements, period)

    def pi_section(self, section: etree._Element) -> dict[str, Any] | None:
        period = self.reporting_period(section, "Promoting Interoperability section")
        organizers = [
            o
            for o in section.findall("h:entry/h:organizer", NS)
            if _has_template(o, m.T_PI_NUM_DENOM_RR) or _has_template(o, m.T_PI_PERFORMED_RR)
        ]
        if not organizers:
            self.error(
                "The Promoting Interoperability section has no PI measure.",
                section,
                "PI_SECTION_MISSING_MEASURE",
            )
            return None
        measurements: list[dict[str, Any]] = []
        infos: dict[str, MeasureInfo] = {}
        for org in organizers:
            id_el = org.find("h:reference/h:externalDocument/h:id", NS)
            measure_id = (id_el.get("extension") or "").strip() if id_el is not None else ""
            where = id_el if id_el is not None else org
            if not measure_id:
                self.error("This PI measure has no measure id.", org, "PI_MEASURE_ID")
                continue
            well_formed = measure_id.startswith("PI_")
            if not well_formed:  # still check its counts below
                self.error(
                    f"'{measure_id}' is not a Promoting Interoperability measure id (they start "
                    "with PI_; the old ACI_ ids were renamed in 2019).",
                    where,
                    "PI_MEASURE_ID",
                )
            if any(x["measureId"] == measure_id for x in measurements):
                self.error(f"{measure_id} is reported twice.", org, "DUPLICATE_MEASURE")
                continue
            info = self.catalog_measure(measure_id, "pi", where) if well_formed else None
            title = " ".join(info.title.split()) if info else measure_id
            if _has_template(org, m.T_PI_NUM_DENOM_RR):
                if info is not None and info.metric_type != "proportion":
                    self.error(
                        f"{measure_id} is a yes/no measure in {self.year}, but the file "
                        "reports it as numerator/denominator.",
                        where,
                        "PI_MEASURE_WRONG_TYPE",
                    )
                    continue
                value = self._pi_proportion(org, measure_id)
                if value is None:
                    continue
                measurements.append({"measureId": measure_id, "value": value})
                self.measures.append(
                    MeasureLine(
                        "pi",
                        measure_id,
                        title,
                        f"numerator {value['numerator']} / denominator {value['denominator']}",
                    )
                )
            else:
                if info is not None and info.metric_type != "boolean":
                    self.error(
                        f"{measure_id} is a numerator/denominator measure in {self.year}, but "
                        "the file reports it as yes/no.",
                        where,
                        "PI_MEASURE_WRONG_TYPE",
                    )
                    continue
                performed = [
                    c
                    for c in org.findall("h:component/h:observation", NS)
                    if _has_template(c, m.T_MEASURE_PERFORMED)
                ]
                value_el = performed[0].find("h:value", NS) if len(performed) == 1 else None
                code = value_el.get("code") if value_el is not None else None
                if code not in ("Y", "N"):
                    self.error(
                        f"{measure_id}: the 'measure performed' answer must be Y or N.",
                        value_el if value_el is not None else org,
                        "PI_MEASURE_PERFORMED_RNR_MEASURE_PERFORMED_EXACT",
                    )
                    continue
                measurements.append({"measureId": measure_id, "value": code == "Y"})
                self.measures.append(
                    MeasureLine("pi", measure_id, title, "yes" if code == "Y" else "no")
                )
            if info is not None:
                infos[measure_id] = info
        reported = {x["measureId"] for x in measurements}
        for measure_id, info in infos.items():
            for excl in info.data.get("exclusion") or []:
                if excl in reported:
                    self.error(
                        f"{measure_id} and its exclusion {excl} are both reported; report "
                        "either the measure or the exclusion.",
                        section,
                        "MEASURE_WITH_EXCLUSION",
                    )
            for sub in info.data.get("substitutes") or []:
                if sub in reported and measure_id < sub:
                    self.warn(
                        f"{measure_id} and {sub} are alternatives for the same objective; "
                        "both are reported.",
                        section,
                        "PI_SUBSTITUTES",
                    )
        return self._measurement_set("pi", measurements, period)

    def _pi_proportion(self, org: etree._Element, measure_id: str) -> dict[str, int] | None:
        parts: dict[str, int | None] = {}
        for template, key in ((m.T_PI_NUMERATOR, "numerator"), (m.T_PI_DENOMINATOR, "denominator")):
            obs = [
                c
                for c in org.findall("h:component/h:observation", NS)
                if _has_template(c, template)
            ]
            if len(obs) != 1:
                self.error(
                    f"{measure_id} must have exactly one {key}; found {len(obs)}.",
                    org,
                    "NUMERATOR_DENOMINATOR_CHILD_EXACT",
                )
                return None
            parts[key] = self.aggregate_count(obs[0], f"{measure_id} {key}")
        num, den = parts["numerator"], parts["denominator"]
        if num is None or den is None:
            return None
        if num > den:
            self.error(
                f"{measure_id}: the numerator ({num}) is above the denominator ({den}).",
                org,
                "NUMERATOR_ABOVE_DENOMINATOR",
            )
            return None
        return {"numerator": num, "denominator": den}

    def quality_section(self, section: etree._Element) -> dict[str, Any] | None:
        period = self.reporting_period(section, "measure section")
        organizers = [
            o
            for o in section.findall("h:entry/h:organizer", NS)
            if _has_template(o, m.T_MEASURE_RR)
        ]
        if not organizers:
            self.error(
                "The measure section has no eCQM (Measure Reference and Results).",
                section,
                "MEASURE_SECTION_MISSING_MEASURE",
            )
            return None
        measurements: list[dict[str, Any]] = []
        seen: set[str] = set()
        for org in organizers:
            result = self._ecqm(org, seen)
            if result is not None:
                measurements.append(result)
        return self._measurement_set("quality", measurements, period)

    def _ecqm(self, org: etree._Element, seen: set[str]) -> dict[str, Any] | None:
        id_el = org.find(f"h:reference/h:externalDocument/h:id[@root='{m.OID_EMEASURE}']", NS)
        uuid = (id_el.get("extension") or "").strip() if id_el is not None else ""
        if not uuid:
            self.error(
                f"This eCQM has no version-specific measure id (externalDocument/id root "
                f"{m.OID_EMEASURE}).",
                org,
                "MEASURE_GUID_MISSING",
            )
            return None
        if uuid.lower() in seen:
            self.error(
                f"The eCQM {uuid} is reported twice.",
                id_el,
                "MEASURES_RNR_WITH_DUPLICATED_MEASURE_GUID",
            )
            return None
        seen.add(uuid.lower())
        info = None
        supplied: EcqmIds | None = None
        if self.catalog is not None and self.year is not None and self.year_supported:
            info = self.catalog.measure_by_emeasure_uuid(self.year, uuid)
            if info is None:
                for measure_id, ids in self.known_ids.items():
                    if ids.measure_uuid.lower() == uuid.lower():
                        info = self.catalog.measure(self.year, measure_id)
                        supplied = ids if info is not None else None
                        break
        if info is None:
            if not self.year_supported:
                return None  # the year error says it all
            if self.catalog is None:
                self.warn(
                    f"eCQM {uuid} can't be identified: the measures catalog isn't available.",
                    id_el,
                    "CATALOG_UNAVAILABLE",
                )
            elif not self._year_has_ecqm_ids():
                self.error(
                    f"The {self.year} measures data has no eCQM version-specific ids "
                    f"(eMeasureUuid) yet, so MIPS Desk can't tell which measure {uuid} is. "
                    "It can't be imported until the measures data or an earlier import "
                    "supplies the id.",
                    id_el,
                    "ECQM_IDS_UNAVAILABLE",
                )
            else:
                self.error(
                    f"The eCQM version-specific id {uuid} is not an eCQM of performance year "
                    f"{self.year} (no measure in the {self.year} measures data has this "
                    "eMeasureUuid); CMS rejects unknown measure ids. Check that the EHR exported "
                    "the measure version for this year.",
                    id_el,
                    "MEASURE_GUID_MISSING",
                )
            return None

        # Measure data observations, grouped by the catalog's population UUIDs.
        strata_cfg = [
            s for s in (info.data.get("strata") or []) if isinstance(s.get("eMeasureUuids"), dict)
        ]
        if supplied is not None:
            # Ids the caller knows (e.g. from an earlier import) for a year whose measures
            # data has none: population sets in the order of the measure's strata.
            names = [s.get("name") for s in (info.data.get("strata") or [])]
            strata_cfg = [
                {
                    "name": names[i] if i < len(names) else None,
                    "eMeasureUuids": {m.CATALOG_UUID_KEYS[c]: v for c, v in pops.items()},
                }
                for i, pops in enumerate(supplied.populations)
            ]
        index_of: dict[str, tuple[int, str]] = {}
        for i, stratum in enumerate(strata_cfg):
            for code, key in m.CATALOG_UUID_KEYS.items():
                value = stratum["eMeasureUuids"].get(key)
                if isinstance(value, str):
                    index_of[value.upper()] = (i, code)
        groups: list[dict[str, int]] = [{} for _ in strata_cfg] or [{}]
        group_ids: list[dict[str, str]] = [{} for _ in groups]
        ok = True
        for obs in org.findall("h:component/h:observation", NS):
            if not _has_template(obs, m.T_MEASURE_DATA):
                if _has_template(obs, m.T_PERFORMANCE_RATE):
                    self._check_rate(obs, info)
                continue
            value_el = obs.find("h:value", NS)
            raw_code = value_el.get("code") if value_el is not None else None
            code = "IPOP" if raw_code == "IPP" else (raw_code or "")
            pop_el = obs.find("h:reference/h:externalObservation/h:id", NS)
            pop_id = (pop_el.get("root") or "").strip() if pop_el is not None else ""
            if code not in m.POPULATION_CODES:
                if code in ("NUMEX", "MSRPOPL", "MSRPOPLEX", "IPPOP"):
                    continue  # not part of proportion measures in QPP JSON
                self.error(
                    f"{info.measure_id}: unknown population type '{code}'.",
                    obs,
                    "QUALITY_MEASURE_ID_MISSING_SINGLE_MEASURE_TYPE",
                )
                ok = False
                continue
            what = f"{info.measure_id} ({info.data.get('eMeasureId')}) {m.POPULATION_NAMES[code]}"
            count = self.aggregate_count(obs, what)
            if count is None:
                ok = False
                continue
            if strata_cfg:
                hit = index_of.get(pop_id.upper())
                if hit is None or hit[1] != code:
                    expected = [
                        s["eMeasureUuids"].get(m.CATALOG_UUID_KEYS[code]) for s in strata_cfg
                    ]
                    self.error(
                        f"{what}: population id '{pop_id}' is not one of this measure's "
                        f"{m.POPULATION_NAMES[code]} ids ({', '.join(str(e) for e in expected)}).",
                        pop_el if pop_el is not None else obs,
                        "QUALITY_MEASURE_ID_INCORRECT_UUID",
                    )
                    ok = False
                    continue
                index = hit[0]
            else:
                # No population ids known for this measure: the file's own order gives the
                # sets (each initial population starts one), and its ids are kept.
                if code == "IPOP" and "IPOP" in groups[-1]:
                    groups.append({})
                    group_ids.append({})
                index = len(groups) - 1
            if code in groups[index]:
                hint = (
                    ""
                    if strata_cfg
                    else " Without this measure's population ids, MIPS Desk takes each initial "
                    "population as the start of a population set, so every set's populations "
                    "must follow its initial population; or supply the population ids "
                    "(mipsdesk ecqm-ids import)."
                )
                self.error(
                    f"{what} is reported twice.{hint}", obs, "POPULATION_CRITERIA_COUNT_INCORRECT"
                )
                ok = False
                continue
            groups[index][code] = count
            group_ids[index][code] = pop_id
            self._supplemental(obs, pop_id)
        if not ok:
            return None
        for i, group in enumerate(groups):
            expected_codes = (
                [c for c, k in m.CATALOG_UUID_KEYS.items() if strata_cfg[i]["eMeasureUuids"].get(k)]
                if strata_cfg
                else ["IPOP", "DENOM", "NUMER"]
            )
            missing = [c for c in expected_codes if c not in group]
            if missing:
                lacking = ", ".join(m.POPULATION_NAMES[c] for c in missing)
                self.error(
                    f"{info.measure_id} ({info.data.get('eMeasureId')}): population set "
                    f"{i + 1} lacks {lacking}.",
                    org,
                    "POPULATION_CRITERIA_COUNT_INCORRECT",
                )
                ok = False
        if not ok:
            return None
        strata_values: list[dict[str, int]] = []
        for group in groups:
            values = self._population_values(info, group, org)
            if values is None:
                return None
            strata_values.append(values)
        metric = info.metric_type
        if metric == "multiPerformanceRate" and not strata_cfg:
            # The file's population sets, in its order, are the measure's strata in the
            # order the measures data lists them.
            names = [s.get("name") for s in (info.data.get("strata") or [])]
            if len(names) != len(groups):
                self.error(
                    f"{info.measure_id} ({info.data.get('eMeasureId')}) has "
                    f"{len(names)} strata ({', '.join(str(n) for n in names)}), but the file "
                    f"reports {len(groups)} population set{'s' if len(groups) != 1 else ''} "
                    "and MIPS Desk has no population ids to tell which is which. Supply the "
                    "measure's population ids (mipsdesk ecqm-ids import) and import again.",
                    org,
                    "POPULATION_CRITERIA_COUNT_INCORRECT",
                )
                return None
            strata_cfg = [
                {"name": name, "eMeasureUuids": {m.CATALOG_UUID_KEYS[c]: v for c, v in ids.items()}}
                for name, ids in zip(names, group_ids, strict=True)
            ]
        self.ecqm_ids[info.measure_id] = EcqmIds(uuid, group_ids)
        if metric == "multiPerformanceRate" and strata_cfg:
            strata = []
            for cfg, values in zip(strata_cfg, strata_values, strict=True):
                strata.append({"stratum": cfg.get("name"), **values})
            have = {s["stratum"] for s in strata}
            for cfg in info.data.get("strata") or []:
                if not isinstance(cfg.get("eMeasureUuids"), dict) and cfg.get("name") not in have:
                    # CMS's converter reports strata without eCQM populations as zeros.
                    strata.append({"stratum": cfg.get("name"), **_zero_values()})
            result: dict[str, Any] = {"isEndToEndReported": True, "strata": strata}
            detail = "; ".join(
                f"{s['stratum']}: met {s['performanceMet']}, not met {s['performanceNotMet']}, "
                f"eligible {s['eligiblePopulation']}"
                for s in strata
            )
        else:
            total = {k: sum(v[k] for v in strata_values) for k in strata_values[0]}
            result = {"isEndToEndReported": True, **total}
            if len(groups) > 1:
                self.population_sets[info.measure_id] = [
                    PopulationSetCounts(dict(ids), dict(group))
                    for ids, group in zip(group_ids, groups, strict=True)
                ]
            detail = (
                f"eligible population {total['eligiblePopulation']}, met "
                f"{total['performanceMet']}, not met {total['performanceNotMet']}, exclusions "
                f"{total['eligiblePopulationExclusion']}, exceptions "
                f"{total['eligiblePopulationException']}"
            )
        self.measures.append(
            MeasureLine(
                "quality", info.measure_id, f"{info.title} ({info.data.get('eMeasureId')})", detail
            )
        )
        return {"measureId": info.measure_id, "value": result}

    def _year_has_ecqm_ids(self) -> bool:
        """Whether the catalog's measures data for the year gives any eMeasureUuid."""
        measures = getattr(self.catalog, "measures", None)
        if self.year is None or not callable(measures):
            return True
        return any(q.data.get("eMeasureUuid") for q in measures(self.year, "quality"))

    def _population_values(
        self, info: MeasureInfo, group: dict[str, int], org: etree._Element
    ) -> dict[str, int] | None:
        ipop = group.get("IPOP", 0)
        denom = group.get("DENOM", 0)
        numer = group.get("NUMER", 0)
        denex = group.get("DENEX", 0)
        denexcep = group.get("DENEXCEP", 0)
        label = f"{info.measure_id} ({info.data.get('eMeasureId')})"
        if denom > ipop:
            self.error(
                f"{label}: the denominator ({denom}) is above the initial population ({ipop}).",
                org,
                "DENOMINATOR_COUNT_INVALID",
            )
            return None
        if numer > denom:
            self.error(
                f"{label}: the numerator ({numer}) is above the denominator ({denom}).",
                org,
                "NUMERATOR_ABOVE_DENOMINATOR",
            )
            return None
        not_met = denom - numer - denex - denexcep
        if not_met < 0:
            self.error(
                f"{label}: numerator ({numer}) + exclusions ({denex}) + exceptions "
                f"({denexcep}) exceed the denominator ({denom}).",
                org,
                "INCONSISTENT_COUNTS",
            )
            return None
        return {
            "performanceMet": numer,
            "performanceNotMet": not_met,
            "eligiblePopulation": denom,
            "eligiblePopulationExclusion": denex,
            "eligiblePopulationException": denexcep,
        }

    def _check_rate(self, obs: etree._Element, info: MeasureInfo) -> None:
        value = obs.find("h:value", NS)
        if value is None or value.get("nullFlavor"):
            return
        try:
            rate = float(value.get("value", ""))
        except ValueError:
            rate = -1.0
        if not 0.0 <= rate <= 1.0:
            self.error(
                f"{info.measure_id}: performance rate '{value.get('value')}' must be a decimal "
                "between 0 and 1.",
                value,
                "PERFORMANCE_RATE_INVALID_VALUE",
            )

    def _supplemental(self, obs: etree._Element, pop_id: str) -> None:
        kinds: list[tuple[str, SupplementalKind]] = [
            (m.T_SEX, "sex"),
            (m.T_RACE, "race"),
            (m.T_ETHNICITY, "ethnicity"),
            (m.T_PAYER, "payer"),
        ]
        found: list[SupplementalCount] = []
        for er in obs.findall("h:entryRelationship/h:observation", NS):
            for template, kind in kinds:
                if not _has_template(er, template):
                    continue
                value = er.find("h:value", NS)
                code = value.get("code") if value is not None else None
                if value is not None and code is None:
                    translation = value.find("h:translation", NS)
                    if translation is not None:
                        code = translation.get("code")
                if code in ("UNK", None):
                    code = None
                count = self.aggregate_count(er, f"supplemental data ({kind})")
                if count is not None:
                    found.append(SupplementalCount(kind, code, count))
        if found and pop_id:
            self.supplemental[pop_id.upper()] = found

    def _measurement_set(
        self, category: str, measurements: list[dict[str, Any]], period: tuple[date, date] | None
    ) -> dict[str, Any] | None:
        if not measurements:
            return None
        result: dict[str, Any] = {
            "category": category,
            "submissionMethod": "electronicHealthRecord",
            "measurements": measurements,
        }
        if period is not None:
            result["performanceStart"] = period[0].isoformat()
            result["performanceEnd"] = period[1].isoformat()
        return result

    # -- whole document
    def sections(self) -> dict[str, list[etree._Element]]:
        found: dict[str, list[etree._Element]] = {"quality": [], "ia": [], "pi": []}
        for section in self.root.findall("h:component/h:structuredBody/h:component/h:section", NS):
            if _has_template(section, m.T_IA_SECTION):
                found["ia"].append(section)
            elif _has_template(section, m.T_PI_SECTION):
                found["pi"].append(section)
            elif _has_template(section, m.T_MEASURE_SECTION) or _has_template(
                section, m.T_MEASURE_SECTION_CMS
            ):
                found["quality"].append(section)
        return found

    def decide_year(self, sections: dict[str, list[etree._Element]]) -> None:
        starts: list[tuple[int, etree._Element]] = []
        for group in sections.values():
            for section in group:
                for act in section.findall("h:entry/h:act", NS):
                    if _has_template(act, m.T_REPORTING_PARAMETERS):
                        el = act.find("h:effectiveTime/h:low", NS)
                        low = _parse_ts(el.get("value") if el is not None else None)
                        if low is not None:
                            starts.append((low.year, act))
        years = sorted({y for y, _ in starts})
        if not years:
            self.error(
                "The file has no performance year: no section has a Reporting Parameters Act "
                "with a start date (effectiveTime/low).",
                _or(self.root.find("h:component/h:structuredBody", NS), self.root),
                "REPORTING_PARAMETERS_MISSING_PERFORMANCE_YEAR",
            )
            return
        if len(years) > 1:
            self.error(
                "The sections report different performance years ("
                + ", ".join(str(y) for y in years)
                + "); a file holds one performance year.",
                starts[-1][1],
                "PERIOD_OUTSIDE_YEAR",
            )
            return
        self.year = years[0]
        if self.catalog is not None:
            known = m.catalog_years(self.catalog)
            if known is not None and self.year not in known:
                self.error(
                    f"Performance year {self.year} is not in the measures catalog (years "
                    f"{', '.join(str(y) for y in known)}); MIPS Desk can't check or use its "
                    "measures.",
                    starts[0][1],
                    "YEAR_NOT_SUPPORTED",
                )
                self.year_supported = False

    def read(self) -> Qrda3Document | None:
        root = self.root
        if (
            etree.QName(root).localname != "ClinicalDocument"
            or etree.QName(root).namespace != m.HL7
        ):
            self.error(
                "This is not a QRDA III document: the root element must be ClinicalDocument "
                f"in the HL7 v3 namespace {m.HL7} (found '{etree.QName(root).localname}' "
                f"in namespace '{etree.QName(root).namespace or 'none'}').",
                root,
                "NOT_VALID_QRDA_DOCUMENT",
            )
            return None
        if not _has_template(root, m.T_REPORT):
            self.error(
                "This is not a QRDA III document: the QRDA Category III Report templateId "
                f"({m.T_REPORT}) is missing.",
                root,
                "NOT_VALID_QRDA_DOCUMENT",
            )
            return None
        program = self.program()
        entity_type = program[2] if program else "individual"
        tin, npi = self.identifiers(entity_type)
        cehrt_id, cehrt_el = self.participant_id(m.OID_CEHRT)
        if cehrt_id is not None and not _CEHRT_FORMAT.match(cehrt_id):
            self.error(
                f"The CMS EHR Certification ID '{cehrt_id}' must be 15 letters or digits.",
                cehrt_el,
                "CMS_91",
            )
        mvp_id, _ = self.participant_id(m.OID_MVP)
        sections = self.sections()
        for key, label in (
            ("quality", "measure"),
            ("ia", "Improvement Activities"),
            ("pi", "Promoting Interoperability"),
        ):
            if len(sections[key]) > 1:
                self.error(
                    f"The file has {len(sections[key])} {label} sections; at most one is allowed.",
                    sections[key][1],
                    "DUPLICATE_SECTION",
                )
        if not any(sections.values()):
            self.error(
                "The file has no measure, Improvement Activities or Promoting Interoperability "
                "section.",
                _or(root.find("h:component/h:structuredBody", NS), root),
                "CLINICAL_DOCUMENT_MISSING_PI_OR_IA_OR_ECQM_CHILD",
            )
        self.decide_year(sections)
        sets: list[dict[str, Any]] = []
        if self.year is None:
            self.year_supported = False  # still check the sections' structure
        for key, reader in (
            ("quality", self.quality_section),
            ("ia", self.ia_section),
            ("pi", self.pi_section),
        ):
            if sections[key]:
                made = reader(sections[key][0])
                if made is not None:
                    sets.append(made)
        self._check_header_period()
        self._check_mvp(mvp_id)
        if any(p.severity == "error" for p in self.problems):
            return None
        assert program is not None and tin is not None and self.year is not None
        program_raw, program_name, entity_type = program
        if mvp_id:
            program_name = mvp_id
        for s in sets:
            s["programName"] = program_name
            if cehrt_id and s["category"] in ("quality", "pi"):
                s["cehrtId"] = cehrt_id
        submission: dict[str, Any] = {
            "entityType": entity_type,
            "taxpayerIdentificationNumber": tin,
            "performanceYear": self.year,
            "measurementSets": sets,
        }
        if entity_type == "individual" and npi:
            submission["nationalProviderIdentifier"] = npi
        try:
            parse_submission(submission, origin="the QRDA III file")
        except SubmissionFormatError as exc:
            for where, message in exc.problems or [("", str(exc))]:
                self.error(f"As QPP JSON, {where}: {message}", self.root, "QPP_JSON_MODEL")
            return None
        return Qrda3Document(
            submission_json=submission,
            program=program_raw,
            entity_type=entity_type,
            tin=tin,
            npi=npi if entity_type == "individual" else None,
            performance_year=self.year,
            program_name=program_name,
            mvp_id=mvp_id,
            cehrt_id=cehrt_id,
            ecqm_ids=self.ecqm_ids,
            supplemental=self.supplemental,
            population_sets=self.population_sets,
            measures=self.measures,
            warnings=[p for p in self.problems if p.severity != "error"],
        )

    def _check_mvp(self, mvp_id: str | None) -> None:
        lookup = getattr(self.catalog, "mvp", None)
        if not mvp_id or self.year is None or not self.year_supported or not callable(lookup):
            return
        if lookup(self.year, mvp_id) is None:
            _, el = self.participant_id(m.OID_MVP)
            self.error(
                f"'{mvp_id}' is not a MIPS Value Pathway of performance year {self.year}.",
                el,
                "MVP_NOT_VALID_FOR_YEAR",
            )

    def _check_header_period(self) -> None:
        if self.year is None:
            return
        event = self.root.find("h:documentationOf/h:serviceEvent/h:effectiveTime", NS)
        if event is None:
            return
        low_el = event.find("h:low", NS)
        low = _parse_ts(low_el.get("value") if low_el is not None else None)
        if low is not None and low.year != self.year:
            self.warn(
                f"The document header's service period starts in {low.year}, but the "
                f"sections report performance year {self.year}; CMS uses the sections' "
                "reporting period, and so does MIPS Desk.",
                event,
                "HEADER_PERIOD_MISMATCH",
            )


def _zero_values() -> dict[str, int]:
    return {
        "performanceMet": 0,
        "performanceNotMet": 0,
        "eligiblePopulation": 0,
        "eligiblePopulationExclusion": 0,
        "eligiblePopulationException": 0,
    }


def inspect_tree(
    tree: etree._ElementTree,
    catalog: MeasureCatalog | None,
    known_ids: Mapping[str, EcqmIds] | None = None,
) -> tuple[Qrda3Document | None, list[Problem]]:
    """Read a parsed document; returns the result (None when refused) and every problem."""
    reader = _Reader(tree.getroot(), catalog, known_ids)
    doc = reader.read()
    return doc, reader.problems


def inspect_qrda3(
    source: Path | bytes,
    catalog: MeasureCatalog | None,
    known_ids: Mapping[str, EcqmIds] | None = None,
) -> tuple[Qrda3Document | None, list[Problem]]:
    """Like :func:`read_qrda3` but never raises for bad content: the document (None when
    refused) and every problem, warnings included (for previews). OSError still raises."""
    try:
        parsed = parse_file(source) if isinstance(source, Path) else parse_bytes(source)
    except UnsafeXmlError as exc:
        return None, [Problem("error", exc.reason, None, exc.line, "NOT_VALID_XML_DOCUMENT")]
    return inspect_tree(parsed.tree, catalog, known_ids)


def read_qrda3(
    source: Path | bytes,
    catalog: MeasureCatalog | None,
    known_ids: Mapping[str, EcqmIds] | None = None,
) -> Qrda3Document:
    """Read a QRDA III file (a path or its bytes); raise :class:`Qrda3Error` if refused.

    ``known_ids`` (measureId -> :class:`EcqmIds`) identifies eCQMs whose version-specific
    ids the year's measures data lacks (2026), e.g. ids kept from an earlier import.
    ``OSError`` (file not found, unreadable) is left to the caller.
    """
    try:
        parsed = parse_file(source) if isinstance(source, Path) else parse_bytes(source)
    except UnsafeXmlError as exc:
        raise Qrda3Error(
            [Problem("error", exc.reason, None, exc.line, "NOT_VALID_XML_DOCUMENT")]
        ) from exc
    doc, problems = inspect_tree(parsed.tree, catalog, known_ids)
    if doc is None:
        raise Qrda3Error(problems)
    return doc
