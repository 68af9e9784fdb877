"""Reading QRDA III: every CMS sample that should import does, with the data CMS's
converter would produce; every bad file is refused, naming the problem and where."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from desktop_app.formats.qrda3.model import NS, Qrda3Error
from desktop_app.formats.qrda3.reader import read_qrda3

VALID = [
    "qrda-files__valid-QRDA-III-latest.xml",
    "sample-files__2024__Mvp_Mips-Ind-Sample.xml",
    "sample-files__2025__MultiStrata_SinglePerformanceRate-sample.xml",
    "sample-files__2025__Mvp_Mips-Group-Sample.xml",
    "sample-files__2025__Mvp_Mips-Ind-Sample.xml",
]


def _counts_in_xml(path: Path, uuid: str) -> dict[str, int]:
    """Sum of each population's aggregate count for one eCQM, straight from the XML."""
    tree = etree.parse(str(path))
    org = tree.xpath(
        "//h:organizer[h:reference/h:externalDocument/h:id/@extension=$u]", namespaces=NS, u=uuid
    )[0]
    totals: dict[str, int] = {}
    for obs in org.xpath("h:component/h:observation[h:value/@code]", namespaces=NS):
        code = obs.xpath("h:value/@code", namespaces=NS)[0]
        count = obs.xpath(
            "h:entryRelationship/h:observation[h:templateId/@root='2.16.840.1.113883.10.20.27.3.3']"
            "/h:value/@value",
            namespaces=NS,
        )
        totals[code] = totals.get(code, 0) + int(count[0])
    return totals


def _set(doc: Any, category: str) -> dict[str, Any]:
    return next(s for s in doc.submission_json["measurementSets"] if s["category"] == category)


def test_the_valid_folder_holds_the_files_this_test_expects(samples: Path) -> None:
    assert sorted(p.name for p in (samples / "valid").glob("*.xml")) == sorted(VALID)


@pytest.mark.parametrize("name", VALID)
def test_every_valid_sample_reads_and_says_what_it_holds(
    name: str, samples: Path, catalog: Any
) -> None:
    path = samples / "valid" / name
    doc = read_qrda3(path, catalog)
    tree = etree.parse(str(path))
    program = tree.xpath("//h:informationRecipient//h:id/@extension", namespaces=NS)[0]
    assert doc.program == program
    assert doc.entity_type == {"MIPS_INDIV": "individual", "MIPS_GROUP": "group"}[program]
    tin = tree.xpath(
        "//h:serviceEvent/h:performer[1]//h:representedOrganization/h:id/@extension",
        namespaces=NS,
    )[0]
    assert doc.tin == tin
    start = tree.xpath("//h:act/h:effectiveTime/h:low/@value", namespaces=NS)[0]
    assert doc.performance_year == int(start[:4])
    # every eCQM in the file is in the submission, matched through the catalog
    uuids = tree.xpath(
        "//h:externalDocument/h:id[@root='2.16.840.1.113883.4.738']/@extension", namespaces=NS
    )
    quality = _set(doc, "quality")
    assert quality["submissionMethod"] == "electronicHealthRecord"
    assert len(quality["measurements"]) == len(uuids)
    for uuid in uuids:
        info = catalog.measure_by_emeasure_uuid(doc.performance_year, uuid)
        measurement = next(x for x in quality["measurements"] if x["measureId"] == info.measure_id)
        xml = _counts_in_xml(path, uuid)
        value = measurement["value"]
        assert value["eligiblePopulation"] == xml["DENOM"]
        assert value["performanceMet"] == xml["NUMER"]
        assert value["performanceNotMet"] == (
            xml["DENOM"] - xml["NUMER"] - xml.get("DENEX", 0) - xml.get("DENEXCEP", 0)
        )
    text = doc.summary_text()
    assert f"performance year {doc.performance_year}" in text
    assert doc.tin in text
    for line in doc.measures:
        assert line.measure_id in text
    # the result is the project's QPP JSON model
    model = doc.submission()
    assert model.performance_year == doc.performance_year
    assert model.taxpayer_identification_number == doc.tin


def test_full_sample_maps_ia_pi_cehrt_and_periods(samples: Path, catalog: Any) -> None:
    doc = read_qrda3(samples / "valid" / "qrda-files__valid-QRDA-III-latest.xml", catalog)
    assert doc.categories == ["quality", "ia", "pi"]
    assert doc.npi == "0777777778"
    assert doc.cehrt_id == "XX15CXXXXXXXXXX"
    ia = _set(doc, "ia")
    assert ia["measurements"] == [
        {"measureId": "IA_EPA_3", "value": True},
        {"measureId": "IA_CC_10", "value": True},
    ]
    assert (ia["performanceStart"], ia["performanceEnd"]) == ("2025-01-01", "2025-04-30")
    pi = _set(doc, "pi")
    assert pi["measurements"] == [
        {"measureId": "PI_PEA_1", "value": {"numerator": 600, "denominator": 800}}
    ]
    assert pi["cehrtId"] == "XX15CXXXXXXXXXX"
    # the header's 2017 service period disagrees with the sections: a warning, not an error
    assert any(w.code == "HEADER_PERIOD_MISMATCH" for w in doc.warnings)


def test_mvp_id_becomes_the_program_name(samples: Path, catalog: Any) -> None:
    doc = read_qrda3(samples / "valid" / "sample-files__2025__Mvp_Mips-Group-Sample.xml", catalog)
    assert doc.mvp_id == "G0053"
    assert all(s["programName"] == "G0053" for s in doc.submission_json["measurementSets"])
    assert "nationalProviderIdentifier" not in doc.submission_json


def test_unknown_mvp_is_refused(samples: Path, catalog: Any) -> None:
    data = (samples / "valid" / "sample-files__2025__Mvp_Mips-Ind-Sample.xml").read_bytes()
    errors = _refused(data.replace(b'extension="G0053"', b'extension="G9999"'), catalog)
    assert any(
        "'G9999' is not a MIPS Value Pathway of performance year 2025" in p.message
        and p.location
        and p.location.endswith("associatedEntity/id[2]")
        for p in errors
    )


def test_single_rate_measure_with_two_population_sets_is_summed_as_cms_does(
    samples: Path, catalog: Any
) -> None:
    path = samples / "valid" / "sample-files__2025__MultiStrata_SinglePerformanceRate-sample.xml"
    doc = read_qrda3(path, catalog)
    ids = doc.ecqm_ids["007"]
    assert len(ids.populations) == 2
    value = _set(doc, "quality")["measurements"][0]["value"]
    xml = _counts_in_xml(path, ids.measure_uuid)
    assert value["eligiblePopulation"] == xml["DENOM"]
    assert value["eligiblePopulationException"] == xml["DENEXCEP"]
    assert any("performers" in w.message for w in doc.warnings)


INVALID = {
    "commandline__src__test__resources__qrda_bad_denominator.xml": [
        "can't be negative",
        "'ACI_EP_1' is not a Promoting Interoperability measure id",
    ],
    "converter__src__test__resources__negative__angerClinicalDocumentValidations.xml": [
        "CMS program",
        "no TIN",
        "'ACI-PEA-1' is not a Promoting Interoperability measure id",
    ],
    "converter__src__test__resources__negative__iaSectionMissingMeasures.xml": [
        "Improvement Activities section has no improvement activity"
    ],
    "converter__src__test__resources__negative__mipsInvalidPIMeasureIds.xml": [
        "NPI 0777777777",
        "Performance year 2020",
    ],
    "converter__src__test__resources__non-xml-file.xml": ["not an XML document"],
    "converter__src__test__resources__not-a-QRDA-III-file.xml": ["not a QRDA III document"],
}


def test_the_invalid_folder_holds_the_files_this_test_expects(samples: Path) -> None:
    assert sorted(p.name for p in (samples / "invalid").glob("*.xml")) == sorted(INVALID)


@pytest.mark.parametrize("name", sorted(INVALID))
def test_every_invalid_sample_is_refused_with_problem_and_place(
    name: str, samples: Path, catalog: Any
) -> None:
    with pytest.raises(Qrda3Error) as info:
        read_qrda3(samples / "invalid" / name, catalog)
    errors = [p for p in info.value.problems if p.severity == "error"]
    assert errors
    for expected in INVALID[name]:
        assert any(expected in p.message for p in errors), (expected, errors)
    # every error says where it is: an element path or at least a line
    assert all(p.location or p.line for p in errors)
    assert INVALID[name][0] in str(info.value)


@pytest.mark.parametrize(
    "name",
    [
        "qrda-files__valid-QRDA-III-latest.xml",
        "sample-files__2024__Mvp_Mips-Ind-Sample.xml",
        "sample-files__2025__MultiStrata_SinglePerformanceRate-sample.xml",
        "sample-files__2025__Mvp_Mips-Ind-Sample.xml",
    ],
)
def test_test_identifier_files_are_refused_naming_the_npi(
    name: str, samples: Path, catalog: Any
) -> None:
    with pytest.raises(Qrda3Error) as info:
        read_qrda3(samples / "test-identifiers" / name, catalog)
    npi_errors = [p for p in info.value.problems if p.code == "CMS_0117"]
    assert npi_errors
    for problem in npi_errors:
        assert "check digit" in problem.message
        assert problem.location and problem.location.endswith("/id")
        assert problem.line is not None


def test_group_test_identifier_file_has_no_npi_to_refuse(samples: Path, catalog: Any) -> None:
    """The group sample carries no clinician NPI (and a valid author NPI); CMS published it
    unchanged, so it is byte-identical to the valid copy and imports."""
    name = "sample-files__2025__Mvp_Mips-Group-Sample.xml"
    data = (samples / "test-identifiers" / name).read_bytes()
    assert data == (samples / "valid" / name).read_bytes()
    assert read_qrda3(data, catalog).entity_type == "group"


# ---------------------------------------------------------------- values CMS would reject


@pytest.fixture()
def full_sample(samples: Path) -> bytes:
    return (samples / "valid" / "qrda-files__valid-QRDA-III-latest.xml").read_bytes()


def _refused(data: bytes, catalog: Any) -> list[Any]:
    with pytest.raises(Qrda3Error) as info:
        read_qrda3(data, catalog)
    return [p for p in info.value.problems if p.severity == "error"]


def test_pi_numerator_above_denominator_is_refused(full_sample: bytes, catalog: Any) -> None:
    data = full_sample.replace(
        b'<value xsi:type="INT" value="600"/>', b'<value xsi:type="INT" value="900"/>', 1
    )
    assert data != full_sample
    errors = _refused(data, catalog)
    assert any("numerator (900) is above the denominator (800)" in p.message for p in errors)
    assert any(p.location and "organizer" in p.location for p in errors)


def test_ecqm_numerator_above_denominator_is_refused(samples: Path, catalog: Any) -> None:
    path = samples / "valid" / "sample-files__2025__Mvp_Mips-Ind-Sample.xml"
    tree = etree.parse(str(path))
    numer = tree.xpath(
        "//h:observation[h:value/@code='NUMER']/h:entryRelationship/h:observation/h:value",
        namespaces=NS,
    )[0]
    numer.set("value", "5000")
    errors = _refused(etree.tostring(tree), catalog)
    assert any("numerator (5000) is above the denominator" in p.message for p in errors)


def test_invalid_tin_is_refused(full_sample: bytes, catalog: Any) -> None:
    data = full_sample.replace(b'extension="000777777"', b'extension="12345"')
    errors = _refused(data, catalog)
    assert any("TIN '12345'" in p.message and p.code == "CMS_TIN_FORMAT" for p in errors)


def test_measure_ids_not_valid_for_the_year_are_refused(full_sample: bytes, catalog: Any) -> None:
    data = full_sample.replace(b'extension="IA_CC_10"', b'extension="IA_NOPE_99"').replace(
        b'extension="PI_PEA_1"', b'extension="PI_NOPE_1"'
    )
    messages = [p.message for p in _refused(data, catalog)]
    assert any(
        "'IA_NOPE_99' is not a Improvement Activity measure for performance year 2025" in m
        for m in messages
    )
    assert any("'PI_NOPE_1' is not a Promoting Interoperability measure" in m for m in messages)


def test_unknown_ecqm_uuid_is_refused_not_invented(full_sample: bytes, catalog: Any) -> None:
    data = full_sample.replace(
        b"2c928083-8907-ce68-0189-2bbd31d6064e", b"2c928083-0000-0000-0000-000000000000"
    )
    errors = _refused(data, catalog)
    assert any(p.code == "MEASURE_GUID_MISSING" and "2c928083-0000" in p.message for p in errors)


def test_dates_outside_the_performance_year_are_refused(full_sample: bytes, catalog: Any) -> None:
    data = full_sample.replace(b'<high value="20250430"/>', b'<high value="20260430"/>')
    errors = _refused(data, catalog)
    assert any(p.code == "PERIOD_OUTSIDE_YEAR" and "2026-04-30" in p.message for p in errors)


def test_sections_of_different_years_are_refused(full_sample: bytes, catalog: Any) -> None:
    data = full_sample.replace(b'<low value="20250201"/>', b'<low value="20240201"/>')
    errors = _refused(data, catalog)
    assert any("different performance years (2024, 2025)" in p.message for p in errors)


def test_wrong_kind_of_pi_measure_is_refused(full_sample: bytes, catalog: Any) -> None:
    data = full_sample.replace(b'extension="PI_PEA_1"', b'extension="PI_HIE_5"')
    errors = _refused(data, catalog)
    assert any("PI_HIE_5 is a yes/no measure" in p.message for p in errors)


def test_ia_answer_must_be_yes_or_no(full_sample: bytes, catalog: Any) -> None:
    data = full_sample.replace(b'code="Y" displayName="Yes"', b'code="MAYBE" displayName="?"', 1)
    errors = _refused(data, catalog)
    assert any("must be Y or N" in p.message for p in errors)


def test_inspect_returns_problems_instead_of_raising(samples: Path, catalog: Any) -> None:
    from desktop_app.formats.qrda3.reader import inspect_qrda3

    doc, problems = inspect_qrda3(
        samples / "valid" / "qrda-files__valid-QRDA-III-latest.xml", catalog
    )
    assert doc is not None and [p.severity for p in problems] == ["warning"]
    doc, problems = inspect_qrda3(b"\xff\xfe<a/>", catalog)
    assert doc is None and problems[0].severity == "error"


def test_missing_catalog_still_reads_ia_and_pi_but_cannot_place_ecqms(full_sample: bytes) -> None:
    data = full_sample
    with pytest.raises(Qrda3Error):
        read_qrda3(b"<x/>", None)
    # without a catalog, eCQMs can't be identified: reported, not guessed
    from desktop_app.formats.qrda3.reader import inspect_tree
    from desktop_app.formats.qrda3.safe_xml import parse_bytes

    doc, problems = inspect_tree(parse_bytes(data).tree, None)
    assert any(p.code == "CATALOG_UNAVAILABLE" for p in problems)
    assert doc is not None
    assert "quality" not in doc.categories
