"""Writing a QPP JSON submission as a QRDA Category III document (CMS IG of the year).

What QRDA III can carry: eCQMs (quality measures with submission method
electronicHealthRecord), Improvement Activities and Promoting Interoperability, for
individual (MIPS_INDIV) and group (MIPS_GROUP) reporting, traditional MIPS, APP or an
MVP. Everything else is *left out* and listed with the reason in
:attr:`WriteResult.left_out` (never silently dropped, never invented):

- MIPS CQM (registry) measures: "MIPS CQM measures are submitted as QPP JSON";
- eCQMs without a version-specific id: the measures data of the year must give the
  eMeasureUuid and population UUIDs, or the caller passes them (``ecqm_ids``, e.g.
  :attr:`Qrda3Document.ecqm_ids` of an imported file). 2026's data has none yet.

Choices where QPP JSON holds less than QRDA III needs (documented in the README):

- the initial population (IPOP) is written equal to the eligible population
  (denominator): QPP JSON has no initial population;
- supplemental data (sex, race, ethnicity, payer) are required for every population;
  the caller's counts are used when given (``supplemental``, e.g. from an imported
  file), otherwise each population is written as one "unknown" entry per kind
  (value nullFlavor="UNK"; the payer, which CMS requires from its A-D groupings, as
  D "Other");
- a single-rate eCQM that CMS defines with several population sets can't be split
  back from QPP JSON's totals: it is written set by set only with the caller's
  per-set counts (``population_sets``, e.g. kept from an imported file) when they
  belong to the measure's population ids and add up to the value's totals; otherwise
  it is left out with that reason.
"""

from __future__ import annotations

import re
import uuid as uuidlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from lxml import etree

from desktop_app import __version__
from desktop_app.catalog.model import MeasureInfo
from desktop_app.formats.qrda3 import model as m
from desktop_app.formats.qrda3.model import (
    EcqmIds,
    MeasureCatalog,
    PopulationSetCounts,
    SupplementalCount,
    SupplementalKind,
)
from desktop_app.models.identifiers import mask_tin, validate_npi, validate_tin

_NSMAP: Any = {None: m.HL7, "xsi": m.XSI}
MIPS_CQM_REASON = "MIPS CQM measures are submitted as QPP JSON"
_MVP_ID = re.compile(r"^[A-Z]\d{4}$")
_PROGRAM_PREFIX = {"mips": "MIPS", "app1": "MIPS_APP1", "appPlus": "APP_PLUS"}
_ENTITY_SUFFIX = {"individual": "INDIV", "group": "GROUP"}
_LOINC = "2.16.840.1.113883.6.1"
_ACTCODE = "2.16.840.1.113883.5.4"
_SNOMED = "2.16.840.1.113883.6.96"
_OBS_VALUE = "2.16.840.1.113883.5.1063"
_YES_NO = "2.16.840.1.113883.12.136"
_RACE_ETH = "2.16.840.1.113883.6.238"
_ADMIN_SEX = "2.16.840.1.113883.5.1"
_NULL_FLAVOR_CS = "2.16.840.1.113883.5.1008"
_CMS_PAYER = "2.16.840.1.113883.3.249.12"
_PAYER_NAMES = {"A": "Medicare", "B": "Medicaid", "C": "Private Health Insurance", "D": "Other"}
_SEX_NAMES = {"M": "Male", "F": "Female"}
_RACE_NAMES = {
    "1002-5": "American Indian or Alaska Native",
    "2028-9": "Asian",
    "2054-5": "Black or African American",
    "2076-8": "Native Hawaiian or Other Pacific Islander",
    "2106-3": "White",
    "2131-1": "Other Race",
}
_ETHNICITY_NAMES = {"2135-2": "Hispanic or Latino", "2186-5": "Not Hispanic or Latino"}


class Qrda3WriteError(ValueError):
    """The submission can't be written as QRDA III at all; ``str()`` says why."""


@dataclass(frozen=True)
class LeftOut:
    """A measure the QRDA III file does not carry, and why."""

    category: str
    measure_id: str
    reason: str


@dataclass
class WriteResult:
    xml: bytes
    year: int
    program: str
    left_out: list[LeftOut] = field(default_factory=list)
    written: list[tuple[str, str]] = field(default_factory=list)
    """(category, measureId) of every measure in the file."""


def _as_json(submission: Any) -> dict[str, Any]:
    if isinstance(submission, Mapping):
        return dict(submission)
    dump = getattr(submission, "model_dump", None)
    if dump is None:
        raise TypeError("submission must be a QPP JSON dict or the qpp_json Submission model")
    value: dict[str, Any] = dump(mode="json", by_alias=True, exclude_none=True)
    return value


class _Ids:
    """Document ids: random, or derived from a seed so output is reproducible."""

    def __init__(self, seed: str | None) -> None:
        self.seed = seed
        self.n = 0

    def next(self) -> str:
        self.n += 1
        if self.seed is None:
            return str(uuidlib.uuid4())
        return str(uuidlib.uuid5(uuidlib.NAMESPACE_URL, f"mipsdesk:qrda3:{self.seed}:{self.n}"))


def _el(
    parent: etree._Element | None, tag: str, text: str | None = None, **attrs: str
) -> etree._Element:
    name = f"{{{m.HL7}}}{tag}"
    el = etree.Element(name, nsmap=_NSMAP) if parent is None else etree.SubElement(parent, name)
    for key, value in attrs.items():
        if key == "xsi_type":
            el.set(f"{{{m.XSI}}}type", value)
        else:
            el.set(key.rstrip("_"), value)
    if text is not None:
        el.text = text
    return el


def _assertion(obs: etree._Element) -> None:
    """An observation's ``code`` ASSERTION (ActCode) and ``statusCode`` completed."""
    _el(
        obs,
        "code",
        code="ASSERTION",
        codeSystem=_ACTCODE,
        codeSystemName="ActCode",
        displayName="Assertion",
    )
    _el(obs, "statusCode", code="completed")


def _template(parent: etree._Element, root: str, extension: str | None = None) -> None:
    if extension:
        _el(parent, "templateId", root=root, extension=extension)
    else:
        _el(parent, "templateId", root=root)


def _clean(text: str) -> str:
    """Catalog titles sometimes hold line breaks; narrative text wants one line."""
    return " ".join(text.split())


def _ymd(d: date) -> str:
    return d.strftime("%Y%m%d")


class _Writer:
    def __init__(
        self,
        sub: dict[str, Any],
        catalog: MeasureCatalog,
        ecqm_ids: Mapping[str, EcqmIds],
        supplemental: Mapping[str, list[SupplementalCount]],
        seed: str | None,
        created: datetime,
        organization_name: str | None,
        software_name: str,
        population_sets: Mapping[str, list[PopulationSetCounts]] | None = None,
    ) -> None:
        self.sub = sub
        self.catalog = catalog
        self.ecqm_ids = ecqm_ids
        self.supplemental = {k.upper(): v for k, v in supplemental.items()}
        self.population_sets = dict(population_sets or {})
        self.ids = _Ids(seed)
        self.created = created.astimezone(UTC)
        self.organization_name = organization_name
        self.software_name = software_name
        self.left_out: list[LeftOut] = []
        self.written: list[tuple[str, str]] = []

    # ------------------------------------------------------------------ checks
    def prepare(self) -> None:
        sub = self.sub
        try:
            self.year = int(sub.get("performanceYear"))  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            raise Qrda3WriteError("The submission has no performance year.") from exc
        ig = m.ig_years().get(self.year)
        if ig is None:
            have = ", ".join(str(y) for y in sorted(m.ig_years()))
            raise Qrda3WriteError(
                f"MIPS Desk writes QRDA III for performance years {have}; {self.year} is not "
                "one of them. Submit this year as QPP JSON."
            )
        self.ig: dict[str, Any] = ig
        self.entity = sub.get("entityType")
        if self.entity not in _ENTITY_SUFFIX:
            raise Qrda3WriteError(
                f"QRDA III export covers individual and group reporting; entity type "
                f"'{self.entity}' must be submitted as QPP JSON."
            )
        try:
            self.tin = validate_tin(str(sub.get("taxpayerIdentificationNumber") or ""))
            self.npi = (
                validate_npi(str(sub.get("nationalProviderIdentifier") or ""))
                if self.entity == "individual"
                else None
            )
        except ValueError as exc:
            raise Qrda3WriteError(str(exc)) from exc
        sets = list(sub.get("measurementSets") or [])
        programs = {str(s.get("programName") or "mips") for s in sets}
        if len(programs) > 1:
            raise Qrda3WriteError(
                "A QRDA III file reports one program; this submission mixes "
                + ", ".join(sorted(programs))
                + ". Export each program separately."
            )
        program = programs.pop() if programs else "mips"
        self.mvp_id = program if _MVP_ID.match(program) else None
        prefix = "MIPS" if self.mvp_id else _PROGRAM_PREFIX.get(program)
        if prefix is None:
            raise Qrda3WriteError(f"Program '{program}' can't be written as QRDA III.")
        self.program = f"{prefix}_{_ENTITY_SUFFIX[self.entity]}"
        if self.program not in self.ig["program_names"]:
            raise Qrda3WriteError(
                f"The {self.year} QRDA III guide has no program name {self.program}."
            )
        self.sets = sets
        self.cehrt_id = next((str(s["cehrtId"]) for s in sets if s.get("cehrtId")), None)

    def period(self, mset: Mapping[str, Any]) -> tuple[date, date]:
        start = mset.get("performanceStart")
        end = mset.get("performanceEnd")
        low = date.fromisoformat(str(start)) if start else date(self.year, 1, 1)
        high = date.fromisoformat(str(end)) if end else date(self.year, 12, 31)
        if low.year != self.year or high.year != self.year or high < low:
            raise Qrda3WriteError(
                f"The {mset.get('category')} performance period {low} to {high} is outside "
                f"performance year {self.year}."
            )
        return low, high

    # ------------------------------------------------------------------ document
    def build(self) -> etree._Element:
        sections: list[etree._Element] = []
        periods: list[tuple[date, date]] = []
        quality = [s for s in self.sets if s.get("category") == "quality"]
        for mset in quality:
            if mset.get("submissionMethod") != "electronicHealthRecord":
                reason = (
                    MIPS_CQM_REASON
                    if mset.get("submissionMethod") == "registry"
                    else f"{mset.get('submissionMethod')} quality measures are not submitted "
                    "in QRDA III"
                )
                for meas in mset.get("measurements") or []:
                    self.left_out.append(LeftOut("quality", str(meas.get("measureId")), reason))
        ehr = [s for s in quality if s.get("submissionMethod") == "electronicHealthRecord"]
        if ehr:
            section = self.measure_section(ehr[0])
            if section is not None:
                sections.append(section)
                periods.append(self.period(ehr[0]))
        for category, build in (("ia", self.ia_section), ("pi", self.pi_section)):
            msets = [s for s in self.sets if s.get("category") == category]
            if msets:
                section = build(msets[0])
                if section is not None:
                    sections.append(section)
                    periods.append(self.period(msets[0]))
        if not sections:
            reasons = "; ".join(f"{x.measure_id}: {x.reason}" for x in self.left_out)
            raise Qrda3WriteError(
                "Nothing in this submission can be written as QRDA III"
                + (f" ({reasons})" if reasons else " (it has no measures)")
                + "."
            )
        doc = self.header(
            min(p[0] for p in periods),
            max(p[1] for p in periods),
            has_ecqm=any(m.T_MEASURE_SECTION_CMS in _roots(s) for s in sections),
        )
        body = _el(_el(doc, "component"), "structuredBody")
        for section in sections:
            _el(body, "component").append(section)
        return doc

    def header(self, low: date, high: date, has_ecqm: bool) -> etree._Element:
        doc = _el(None, "ClinicalDocument")
        _el(doc, "realmCode", code="US")
        _el(doc, "typeId", root="2.16.840.1.113883.1.3", extension="POCD_HD000040")
        _template(doc, m.T_REPORT, "2020-12-01")
        _template(doc, m.T_REPORT_CMS, self.ig["report_cms"])
        _el(doc, "id", root=self.ids.next())
        _el(
            doc,
            "code",
            code="55184-6",
            codeSystem=_LOINC,
            codeSystemName="LOINC",
            displayName="Quality Reporting Document Architecture Calculated Summary Report",
        )
        _el(doc, "title", f"QRDA Category III report, performance year {self.year}")
        now = self.created.strftime("%Y%m%d%H%M%S+0000")
        _el(doc, "effectiveTime", value=now)
        _el(doc, "confidentialityCode", code="N", codeSystem="2.16.840.1.113883.5.25")
        _el(doc, "languageCode", code="en")
        _el(doc, "setId", root=self.ids.next())
        _el(doc, "versionNumber", value="1")
        _el(_el(_el(doc, "recordTarget"), "patientRole"), "id", nullFlavor="NA")
        org_name = self.organization_name or f"Practice with TIN {mask_tin(self.tin)}"
        author = _el(doc, "author")
        _el(author, "time", value=now)
        assigned = _el(author, "assignedAuthor")
        _el(assigned, "id", root=self.ids.next())
        _el(_el(assigned, "assignedAuthoringDevice"), "softwareName", self.software_name)
        _el(_el(assigned, "representedOrganization"), "name", org_name)
        custodian = _el(
            _el(_el(doc, "custodian"), "assignedCustodian"), "representedCustodianOrganization"
        )
        _el(custodian, "id", root=m.OID_TIN, extension=self.tin)
        _el(custodian, "name", org_name)
        recipient = _el(_el(doc, "informationRecipient"), "intendedRecipient")
        _el(recipient, "id", root=m.OID_PROGRAM, extension=self.program)
        legal = _el(doc, "legalAuthenticator")
        _el(legal, "time", value=now)
        _el(legal, "signatureCode", code="S")
        legal_entity = _el(legal, "assignedEntity")
        _el(legal_entity, "id", root=self.ids.next())
        legal_org = _el(legal_entity, "representedOrganization")
        _el(legal_org, "id", root=m.OID_TIN, extension=self.tin)
        _el(legal_org, "name", org_name)
        if self.cehrt_id:
            dev = _el(_el(doc, "participant", typeCode="DEV"), "associatedEntity", classCode="RGPR")
            _el(dev, "id", root=m.OID_CEHRT, extension=str(self.cehrt_id))
            _el(
                dev,
                "code",
                code="129465004",
                codeSystem=_SNOMED,
                codeSystemName="SNOMED-CT",
                displayName="medical record, device",
            )
        if self.mvp_id:
            trc = _el(_el(doc, "participant", typeCode="TRC"), "associatedEntity", classCode="PROG")
            _el(trc, "id", root=m.OID_MVP, extension=self.mvp_id)
        event = _el(_el(doc, "documentationOf", typeCode="DOC"), "serviceEvent", classCode="PCPR")
        time = _el(event, "effectiveTime")
        _el(time, "low", value=_ymd(low))
        _el(time, "high", value=_ymd(high))
        performer = _el(event, "performer", typeCode="PRF")
        ptime = _el(performer, "time")
        _el(ptime, "low", value=_ymd(low))
        _el(ptime, "high", value=_ymd(high))
        entity = _el(performer, "assignedEntity")
        if self.npi:
            _el(entity, "id", root=m.OID_NPI, extension=self.npi)
        else:
            _el(entity, "id", root=m.OID_NPI, nullFlavor="NA")
        rep = _el(entity, "representedOrganization")
        _el(rep, "id", root=m.OID_TIN, extension=self.tin)
        _el(rep, "name", org_name)
        return doc

    def _section(
        self, templates: list[tuple[str, str | None]], title: str, lines: list[str]
    ) -> etree._Element:
        section = _el(None, "section")
        for root, ext in templates:
            _template(section, root, ext)
        _el(section, "code", code="55186-1", codeSystem=_LOINC, displayName="Measure Section")
        _el(section, "title", "Measure Section")
        text = _el(section, "text")
        _el(text, "paragraph", title)
        items = _el(text, "list")
        for line in lines:
            _el(items, "item", line)
        return section

    def _reporting_parameters(self, section: etree._Element, period: tuple[date, date]) -> None:
        act = _el(_el(section, "entry", typeCode="DRIV"), "act", classCode="ACT", moodCode="EVN")
        _template(act, m.T_REPORTING_PARAMETERS, "2020-12-01")
        _el(act, "id", root=self.ids.next())
        _el(act, "code", code="252116004", codeSystem=_SNOMED, displayName="Observation Parameters")
        time = _el(act, "effectiveTime")
        _el(time, "low", value=_ymd(period[0]))
        _el(time, "high", value=_ymd(period[1]))

    def _organizer(
        self,
        section: etree._Element,
        templates: list[tuple[str, str | None]],
        id_root: str,
        id_ext: str,
        text: str,
    ) -> etree._Element:
        org = _el(_el(section, "entry"), "organizer", classCode="CLUSTER", moodCode="EVN")
        for root, ext in templates:
            _template(org, root, ext)
        _el(org, "id", root=self.ids.next())
        _el(org, "statusCode", code="completed")
        doc = _el(
            _el(org, "reference", typeCode="REFR"),
            "externalDocument",
            classCode="DOC",
            moodCode="EVN",
        )
        _el(doc, "id", root=id_root, extension=id_ext)
        if id_root == m.OID_EMEASURE:
            _el(
                doc,
                "code",
                code="57024-2",
                codeSystem=_LOINC,
                codeSystemName="LOINC",
                displayName="Health Quality Measure Document",
            )
        _el(doc, "text", text)
        return org

    def _aggregate(self, parent: etree._Element, count: int) -> None:
        obs = _el(
            _el(parent, "entryRelationship", typeCode="SUBJ", inversionInd="true"),
            "observation",
            classCode="OBS",
            moodCode="EVN",
        )
        _template(obs, m.T_AGGREGATE_COUNT)
        _el(
            obs,
            "code",
            code="MSRAGG",
            codeSystem=_ACTCODE,
            codeSystemName="ActCode",
            displayName="rate aggregation",
        )
        _el(obs, "statusCode", code="completed")
        _el(obs, "value", xsi_type="INT", value=str(count))
        _el(
            obs,
            "methodCode",
            code="COUNT",
            codeSystem="2.16.840.1.113883.5.84",
            codeSystemName="ObservationMethod",
            displayName="Count",
        )

    def _measure_performed(self, org: etree._Element, performed: bool) -> None:
        obs = _el(_el(org, "component"), "observation", classCode="OBS", moodCode="EVN")
        _template(obs, m.T_MEASURE_PERFORMED, "2016-09-01")
        _assertion(obs)
        code = "Y" if performed else "N"
        _el(
            obs,
            "value",
            xsi_type="CD",
            code=code,
            codeSystem=_YES_NO,
            codeSystemName="Yes/no indicator (HL7 Table 0136)",
            displayName="Yes" if performed else "No",
        )

    def _catalog(self, category: str, measure_id: str) -> MeasureInfo | None:
        info = self.catalog.measure(self.year, measure_id)
        if info is None or info.category != category:
            self.left_out.append(
                LeftOut(
                    category,
                    measure_id,
                    f"{measure_id} is not a {category.upper()} measure of performance year "
                    f"{self.year}",
                )
            )
            return None
        return info

    # ------------------------------------------------------------------ IA / PI
    def ia_section(self, mset: Mapping[str, Any]) -> etree._Element | None:
        period = self.period(mset)
        entries: list[tuple[MeasureInfo, bool]] = []
        for meas in mset.get("measurements") or []:
            measure_id = str(meas.get("measureId"))
            info = self._catalog("ia", measure_id)
            if info is None:
                continue
            if not isinstance(meas.get("value"), bool):
                self.left_out.append(LeftOut("ia", measure_id, "an IA value must be true/false"))
                continue
            entries.append((info, bool(meas["value"])))
        if not entries:
            return None
        section = self._section(
            [(m.T_QDM_MEASURE_SECTION, None), (m.T_IA_SECTION, "2020-12-01")],
            f"Improvement Activities, {period[0]} to {period[1]}",
            [f"{i.measure_id}: {i.title}: {'Yes' if v else 'No'}" for i, v in entries],
        )
        for info, value in entries:
            org = self._organizer(
                section,
                [(m.T_MEASURE_REFERENCE, None), (m.T_IA_PERFORMED_RR, "2016-09-01")],
                m.OID_IA_MEASURE,
                info.measure_id,
                _clean(info.title),
            )
            self._measure_performed(org, value)
            self.written.append(("ia", info.measure_id))
        self._reporting_parameters(section, period)
        return section

    def pi_section(self, mset: Mapping[str, Any]) -> etree._Element | None:
        period = self.period(mset)
        entries: list[tuple[MeasureInfo, Any]] = []
        for meas in mset.get("measurements") or []:
            measure_id = str(meas.get("measureId"))
            info = self._catalog("pi", measure_id)
            if info is None:
                continue
            value = meas.get("value")
            if info.metric_type == "boolean" and isinstance(value, bool):
                entries.append((info, value))
            elif info.metric_type == "proportion" and isinstance(value, Mapping):
                num, den = value.get("numerator"), value.get("denominator")
                if not (isinstance(num, int) and isinstance(den, int) and 0 <= num <= den):
                    self.left_out.append(
                        LeftOut(
                            "pi",
                            measure_id,
                            f"numerator {num} and denominator {den} must be whole numbers with "
                            "0 <= numerator <= denominator",
                        )
                    )
                    continue
                entries.append((info, {"numerator": num, "denominator": den}))
            else:
                self.left_out.append(
                    LeftOut(
                        "pi",
                        measure_id,
                        f"{measure_id} is a {info.metric_type} measure; the value {value!r} "
                        "doesn't fit it",
                    )
                )
        if not entries:
            return None
        lines = []
        for info, value in entries:
            shown = (
                f"{value['numerator']}/{value['denominator']}"
                if isinstance(value, dict)
                else ("Yes" if value else "No")
            )
            lines.append(f"{info.measure_id}: {_clean(info.title)}: {shown}")
        section = self._section(
            [(m.T_QDM_MEASURE_SECTION, None), (m.T_PI_SECTION, "2020-12-01")],
            f"Promoting Interoperability, {period[0]} to {period[1]}",
            lines,
        )
        for info, value in entries:
            if isinstance(value, dict):
                org = self._organizer(
                    section,
                    [(m.T_MEASURE_REFERENCE, None), (m.T_PI_NUM_DENOM_RR, "2017-06-01")],
                    m.OID_PI_MEASURE,
                    info.measure_id,
                    _clean(info.title),
                )
                for template, code, key in (
                    (m.T_PI_NUMERATOR, "NUMER", "numerator"),
                    (m.T_PI_DENOMINATOR, "DENOM", "denominator"),
                ):
                    obs = _el(_el(org, "component"), "observation", classCode="OBS", moodCode="EVN")
                    _template(obs, template, "2016-09-01")
                    _assertion(obs)
                    _el(
                        obs,
                        "value",
                        xsi_type="CD",
                        code=code,
                        codeSystem=_ACTCODE,
                        codeSystemName="ActCode",
                    )
                    self._aggregate(obs, int(value[key]))
            else:
                org = self._organizer(
                    section,
                    [(m.T_MEASURE_REFERENCE, None), (m.T_PI_PERFORMED_RR, "2016-09-01")],
                    m.OID_PI_MEASURE,
                    info.measure_id,
                    _clean(info.title),
                )
                self._measure_performed(org, bool(value))
            self.written.append(("pi", info.measure_id))
        self._reporting_parameters(section, period)
        return section

    # ------------------------------------------------------------------ eCQMs
    def _ids_for(self, info: MeasureInfo) -> tuple[EcqmIds | None, list[str | None], str]:
        """The uuids for ``info``, the QPP stratum name of each population set, or why not."""
        strata_cfg = list(info.data.get("strata") or [])
        names: list[str | None] = [s.get("name") for s in strata_cfg]
        supplied = self.ecqm_ids.get(info.measure_id)
        if supplied is not None and supplied.measure_uuid and supplied.populations:
            if len(names) != len(supplied.populations):
                names = (
                    [None] * len(supplied.populations)
                    if len(supplied.populations) == 1
                    else names[: len(supplied.populations)]
                )
            return supplied, names, ""
        uuid = info.data.get("eMeasureUuid")
        with_uuids = [s for s in strata_cfg if isinstance(s.get("eMeasureUuids"), dict)]
        if not uuid or not with_uuids:
            return (
                None,
                [],
                (
                    f"the {self.year} measures data gives no version-specific eCQM id "
                    f"(eMeasureUuid and population ids) for {info.data.get('eMeasureId') or 'it'}; "
                    "import the EHR's QRDA III file for this measure to supply them, or submit it "
                    "as QPP JSON"
                ),
            )
        populations = []
        for stratum in with_uuids:
            ids = stratum["eMeasureUuids"]
            populations.append(
                {
                    code: str(ids[key])
                    for code, key in m.CATALOG_UUID_KEYS.items()
                    if isinstance(ids.get(key), str)
                }
            )
        return EcqmIds(str(uuid), populations), [s.get("name") for s in with_uuids], ""

    def _ecqm_groups(
        self, info: MeasureInfo, value: Any, ids: EcqmIds, names: list[str | None]
    ) -> list[dict[str, int]] | str:
        """Counts per population set, or the reason they can't be written."""
        if not isinstance(value, Mapping):
            return "the value is not a performance-rate object"
        n = len(ids.populations)
        if "strata" in value:
            by_name = {s.get("stratum"): s for s in value.get("strata") or []}
            groups = []
            for name in names[:n]:
                stratum = by_name.pop(name, None)
                if stratum is None:
                    return f"stratum '{name}' is missing"
                groups.append(stratum)
            extra = [
                k
                for k, v in by_name.items()
                if any(
                    int(v.get(f) or 0)
                    for f in ("performanceMet", "performanceNotMet", "eligiblePopulation")
                )
            ]
            if extra:
                return (
                    f"strata {', '.join(str(e) for e in extra)} have no eCQM population ids "
                    "in the measures data"
                )
        else:
            if n != 1:
                return (
                    f"CMS defines this eCQM with {n} population sets, but QPP JSON holds only "
                    "their totals, which can't be split back; export the EHR's own QRDA III "
                    "file or submit it as QPP JSON"
                )
            groups = [value]
        result: list[dict[str, int]] = []
        for group in groups:
            try:
                met = int(group.get("performanceMet") or 0)
                not_met = int(group.get("performanceNotMet") or 0)
                denom = int(group.get("eligiblePopulation") or 0)
                excl = int(group.get("eligiblePopulationExclusion") or 0)
                exc = int(group.get("eligiblePopulationException") or 0)
            except (TypeError, ValueError):
                return "the counts must be whole numbers"
            if min(met, not_met, denom, excl, exc) < 0:
                return "counts can't be negative"
            if met + not_met + excl + exc != denom:
                return (
                    f"the counts don't add up: met {met} + not met {not_met} + exclusions "
                    f"{excl} + exceptions {exc} must equal the eligible population {denom} "
                    "for an eCQM"
                )
            result.append(
                {"IPOP": denom, "DENOM": denom, "NUMER": met, "DENEX": excl, "DENEXCEP": exc}
            )
        return result

    def _kept_sets(
        self, info: MeasureInfo, value: Any, ids: EcqmIds
    ) -> tuple[EcqmIds, list[dict[str, int]]] | None:
        """The caller's per-set counts of a summed single-rate eCQM (with the ids, in the
        order of ``ids``), when they are this measure's population sets and add up to
        ``value``'s totals; None otherwise."""
        kept = self.population_sets.get(info.measure_id)
        if not kept or not isinstance(value, Mapping) or "strata" in value:
            return None
        if len(ids.populations) < 2 or len(kept) != len(ids.populations):
            return None

        def key(pops: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
            return tuple(sorted((c, str(u).upper()) for c, u in pops.items()))

        by_ids = {key(s.populations): s for s in kept}
        ordered = [by_ids.get(key(pops)) for pops in ids.populations]
        sets = [s for s in ordered if s is not None]
        if len(sets) != len(ids.populations):
            return None
        groups = []
        for s in sets:
            group = {code: int(s.counts.get(code, 0)) for code in m.POPULATION_CODES}
            if (
                min(group.values()) < 0
                or group["DENOM"] > group["IPOP"]
                or group["NUMER"] + group["DENEX"] + group["DENEXCEP"] > group["DENOM"]
            ):
                return None
            groups.append(group)
        totals = {
            "performanceMet": sum(g["NUMER"] for g in groups),
            "performanceNotMet": sum(
                g["DENOM"] - g["NUMER"] - g["DENEX"] - g["DENEXCEP"] for g in groups
            ),
            "eligiblePopulation": sum(g["DENOM"] for g in groups),
            "eligiblePopulationExclusion": sum(g["DENEX"] for g in groups),
            "eligiblePopulationException": sum(g["DENEXCEP"] for g in groups),
        }
        try:
            if any(int(value.get(k) or 0) != v for k, v in totals.items()):
                return None
        except (TypeError, ValueError):
            return None
        return EcqmIds(ids.measure_uuid, [dict(s.populations) for s in sets]), groups

    def measure_section(self, mset: Mapping[str, Any]) -> etree._Element | None:
        period = self.period(mset)
        entries = []
        for meas in mset.get("measurements") or []:
            measure_id = str(meas.get("measureId"))
            info = self.catalog.measure(self.year, measure_id)
            if (
                info is None
                or info.category != "quality"
                or "electronicHealthRecord" not in info.submission_methods
            ):
                self.left_out.append(
                    LeftOut(
                        "quality",
                        measure_id,
                        f"{measure_id} is not an eCQM of performance year {self.year}",
                    )
                )
                continue
            if not self.cehrt_id:
                self.left_out.append(
                    LeftOut(
                        "quality",
                        measure_id,
                        "eCQMs in QRDA III need the CMS EHR Certification ID (cehrtId)",
                    )
                )
                continue
            ids, names, why = self._ids_for(info)
            if ids is None:
                self.left_out.append(LeftOut("quality", measure_id, why))
                continue
            kept = self._kept_sets(info, meas.get("value"), ids)
            groups: list[dict[str, int]] | str
            if kept is not None:
                ids, groups = kept
            else:
                groups = self._ecqm_groups(info, meas.get("value"), ids, names)
            if isinstance(groups, str):
                self.left_out.append(LeftOut("quality", measure_id, groups))
                continue
            missing = [
                code
                for group, pops in zip(groups, ids.populations, strict=False)
                for code in ("IPOP", "DENOM", "NUMER")
                if code not in pops
            ]
            unwritable = [
                code
                for group, pops in zip(groups, ids.populations, strict=False)
                for code in ("DENEX", "DENEXCEP")
                if group[code] and code not in pops
            ]
            if missing or unwritable:
                self.left_out.append(
                    LeftOut(
                        "quality",
                        measure_id,
                        "the measure's population ids lack "
                        + ", ".join(m.POPULATION_NAMES[c] for c in missing + unwritable),
                    )
                )
                continue
            entries.append((info, ids, groups, names))
        if not entries:
            return None
        lines = []
        for info, _ids, groups, names in entries:
            for i, g in enumerate(groups):
                label = ""
                if len(groups) > 1:
                    name = names[i] if i < len(names) and names[i] else f"population set {i + 1}"
                    label = f" ({name})"
                title = f"{info.data.get('eMeasureId')} ({info.measure_id}) {_clean(info.title)}"
                lines.append(
                    f"{title}{label}: "
                    f"initial population {g['IPOP']}, denominator {g['DENOM']}, numerator "
                    f"{g['NUMER']}, denominator exclusions {g['DENEX']}, denominator exceptions "
                    f"{g['DENEXCEP']}"
                )
        section = self._section(
            [
                (m.T_QDM_MEASURE_SECTION, None),
                (m.T_MEASURE_SECTION, "2020-12-01"),
                (m.T_MEASURE_SECTION_CMS, self.ig["measure_section_cms"]),
            ],
            f"eCQM results, {period[0]} to {period[1]}",
            lines,
        )
        for info, ids, groups, _names in entries:
            org = self._organizer(
                section,
                [
                    (m.T_MEASURE_REFERENCE, None),
                    (m.T_MEASURE_RR, "2020-12-01"),
                    (m.T_MEASURE_RR_CMS, self.ig["measure_reference_results_cms"]),
                ],
                m.OID_EMEASURE,
                ids.measure_uuid,
                _clean(info.title),
            )
            for group, pops in zip(groups, ids.populations, strict=False):
                for code in m.POPULATION_CODES:
                    if code in pops:
                        self._measure_data(org, code, group[code], pops[code])
            self.written.append(("quality", info.measure_id))
        self._reporting_parameters(section, period)
        return section

    def _measure_data(self, org: etree._Element, code: str, count: int, pop_id: str) -> None:
        obs = _el(_el(org, "component"), "observation", classCode="OBS", moodCode="EVN")
        _template(obs, m.T_MEASURE_DATA, "2016-09-01")
        _template(obs, m.T_MEASURE_DATA_CMS, self.ig["measure_data_cms"])
        _assertion(obs)
        _el(
            obs,
            "value",
            xsi_type="CD",
            code=code,
            codeSystem=_OBS_VALUE,
            codeSystemName="ObservationValue",
        )
        self._aggregate(obs, count)
        given = self.supplemental.get(pop_id.upper(), [])
        kinds: tuple[SupplementalKind, ...] = ("sex", "ethnicity", "race", "payer")
        for kind in kinds:
            items = [s for s in given if s.kind == kind]
            if not items:
                items = [SupplementalCount(kind, None, count)]
            for item in items:
                self._supplemental(obs, item)
        ref = _el(
            _el(obs, "reference", typeCode="REFR"),
            "externalObservation",
            classCode="OBS",
            moodCode="EVN",
        )
        _el(ref, "id", root=pop_id)

    def _supplemental(self, parent: etree._Element, item: SupplementalCount) -> None:
        obs = _el(
            _el(parent, "entryRelationship", typeCode="COMP"),
            "observation",
            classCode="OBS",
            moodCode="EVN",
        )
        code = item.code
        if item.kind == "sex":
            _template(obs, m.T_SEX, "2016-09-01")
            if self.ig.get("sex_cms"):
                _template(obs, m.T_SEX_CMS, self.ig["sex_cms"])
            _el(obs, "id", root=self.ids.next())
            _el(
                obs,
                "code",
                code="76689-9",
                codeSystem=_LOINC,
                codeSystemName="LOINC",
                displayName="Sex assigned at birth",
            )
            _el(obs, "statusCode", code="completed")
            if self.ig.get("sex_cms"):
                value = _el(obs, "value", xsi_type="CD", nullFlavor="OTH")
                if code in _SEX_NAMES:
                    _el(
                        value,
                        "translation",
                        code=code,
                        codeSystem=_ADMIN_SEX,
                        displayName=_SEX_NAMES[code],
                    )
                else:
                    _el(
                        value,
                        "translation",
                        code="UNK",
                        codeSystem=_NULL_FLAVOR_CS,
                        displayName="Unknown",
                    )
            elif code in _SEX_NAMES:
                _el(
                    obs,
                    "value",
                    xsi_type="CD",
                    code=code,
                    codeSystem=_ADMIN_SEX,
                    codeSystemName="AdministrativeGenderCode",
                    displayName=_SEX_NAMES[code],
                )
            else:
                _el(obs, "value", xsi_type="CD", nullFlavor="UNK")
        elif item.kind in ("race", "ethnicity"):
            race = item.kind == "race"
            _template(obs, m.T_RACE if race else m.T_ETHNICITY, "2016-09-01")
            _el(obs, "id", root=self.ids.next())
            _el(
                obs,
                "code",
                code="72826-1" if race else "69490-1",
                codeSystem=_LOINC,
                codeSystemName="LOINC",
                displayName="Race" if race else "Ethnic",
            )
            _el(obs, "statusCode", code="completed")
            names = _RACE_NAMES if race else _ETHNICITY_NAMES
            if code in names:
                _el(
                    obs,
                    "value",
                    xsi_type="CD",
                    code=code,
                    codeSystem=_RACE_ETH,
                    codeSystemName="Race & Ethnicity - CDC",
                    displayName=names[code],
                )
            else:
                _el(obs, "value", xsi_type="CD", nullFlavor="UNK")
        else:
            _template(obs, m.T_PAYER, "2016-02-01")
            _template(obs, m.T_PAYER_CMS, "2018-05-01")
            _el(obs, "id", root=self.ids.next())
            _el(
                obs,
                "code",
                code="48768-6",
                codeSystem=_LOINC,
                codeSystemName="LOINC",
                displayName="Payment Source",
            )
            _el(obs, "statusCode", code="completed")
            payer = code if code in _PAYER_NAMES else "D"
            value = _el(obs, "value", xsi_type="CD", nullFlavor="OTH")
            _el(
                value,
                "translation",
                code=payer,
                codeSystem=_CMS_PAYER,
                codeSystemName="CMS Clinical Codes",
                displayName=_PAYER_NAMES[payer],
            )
        self._aggregate(obs, item.count)


def _roots(el: etree._Element) -> set[str]:
    return {t.get("root", "") for t in el.findall("h:templateId", m.NS)}


def write_qrda3(
    submission: Any,
    catalog: MeasureCatalog,
    *,
    ecqm_ids: Mapping[str, EcqmIds] | None = None,
    supplemental: Mapping[str, list[SupplementalCount]] | None = None,
    document_seed: str | None = None,
    created: datetime | None = None,
    organization_name: str | None = None,
    software_name: str | None = None,
    population_sets: Mapping[str, list[PopulationSetCounts]] | None = None,
) -> WriteResult:
    """Write ``submission`` (QPP JSON dict or the qpp_json Submission model) as QRDA III.

    ``ecqm_ids``: measureId -> ids to use when the year's measures data has none (e.g.
    ``Qrda3Document.ecqm_ids`` of an imported file). ``supplemental``: population UUID ->
    supplemental data counts (``Qrda3Document.supplemental``). ``population_sets``:
    measureId -> each population set's counts of a single-rate eCQM that QPP JSON holds
    summed (``Qrda3Document.population_sets``); used only while they add up to the
    submission's totals. ``document_seed`` makes the
    document ids reproducible (golden files); ``created`` is the document time (default:
    now). Raises :class:`Qrda3WriteError` when nothing can be written.
    """
    writer = _Writer(
        _as_json(submission),
        catalog,
        ecqm_ids or {},
        supplemental or {},
        document_seed,
        created or datetime.now(UTC),
        organization_name,
        software_name or f"MIPS Desk {__version__}",
        population_sets,
    )
    writer.prepare()
    doc = writer.build()
    xml = etree.tostring(doc, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return WriteResult(
        xml=xml,
        year=writer.year,
        program=writer.program,
        left_out=writer.left_out,
        written=writer.written,
    )
