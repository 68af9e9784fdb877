"""Writing QRDA III: CMS's schematron of the year accepts every kind of content with zero
errors, reading the file back gives the same data, and what can't be written is named."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from golden_cases import CASES, GOLDEN_DIR, group_2026, individual_2025, render
from lxml import etree

from desktop_app.formats.qrda3 import schematron
from desktop_app.formats.qrda3.model import CATALOG_UUID_KEYS, NS, EcqmIds, Qrda3Error
from desktop_app.formats.qrda3.reader import read_qrda3
from desktop_app.formats.qrda3.writer import MIPS_CQM_REASON, Qrda3WriteError, write_qrda3
from desktop_app.formats.validate import validate_bytes


def _ids_from_catalog(catalog: Any, year: int, measure_id: str) -> EcqmIds:
    """Version-specific ids as a caller would supply them (here: the 2025 measures data)."""
    info = catalog.measure(year, measure_id)
    pops = [
        {
            code: s["eMeasureUuids"][key]
            for code, key in CATALOG_UUID_KEYS.items()
            if s["eMeasureUuids"].get(key)
        }
        for s in info.data["strata"]
        if s.get("eMeasureUuids")
    ]
    return EcqmIds(info.data["eMeasureUuid"], pops)


def _submission(year: int, entity: str) -> dict[str, Any]:
    sub = individual_2025()
    sub["performanceYear"] = year
    for mset in sub["measurementSets"]:
        for key in ("performanceStart", "performanceEnd"):
            if key in mset:
                mset[key] = f"{year}{mset[key][4:]}"
    if entity == "group":
        sub["entityType"] = "group"
        del sub["nationalProviderIdentifier"]
    return sub


def _caller_ids(catalog: Any, year: int) -> dict[str, EcqmIds]:
    if year == 2025:
        return {}
    # 2026's measures data has no eMeasureUuid: the caller supplies them.
    return {m: _ids_from_catalog(catalog, 2025, m) for m in ("001", "226")}


def _without_registry(sub: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in sub["measurementSets"] if s["submissionMethod"] != "registry"]


@pytest.mark.parametrize("year", [2025, 2026])
@pytest.mark.parametrize("entity", ["individual", "group"])
def test_written_file_passes_the_cms_schematron_and_reads_back_the_same(
    year: int, entity: str, catalog: Any, rules: Path
) -> None:
    sub = _submission(year, entity)
    ids = _caller_ids(catalog, year)
    result = write_qrda3(sub, catalog, ecqm_ids=ids, document_seed="t")
    tree = etree.ElementTree(etree.fromstring(result.xml))
    assert schematron.run(tree, year) == []
    # all content kinds are there: eCQM with strata, IA, PI (proportion and yes/no)
    assert ("quality", "226") in result.written and ("quality", "001") in result.written
    assert ("ia", "IA_EPA_3") in result.written
    assert ("pi", "PI_PEA_1") in result.written and ("pi", "PI_HIE_5") in result.written
    assert result.left_out == [type(result.left_out[0])("quality", "047", MIPS_CQM_REASON)]
    assert result.program == {"individual": "MIPS_INDIV", "group": "MIPS_GROUP"}[entity]
    # round trip
    doc = read_qrda3(result.xml, catalog, known_ids=ids)
    expected = _without_registry(sub)
    got = doc.submission_json["measurementSets"]
    assert [s["category"] for s in got] == [s["category"] for s in expected]
    for want, have in zip(expected, got, strict=True):
        for key in ("submissionMethod", "programName", "performanceStart", "performanceEnd"):
            assert have[key] == want[key], key
        assert have["measurements"] == want["measurements"]
    assert doc.tin == sub["taxpayerIdentificationNumber"]
    assert doc.npi == sub.get("nationalProviderIdentifier")
    assert doc.entity_type == entity


@pytest.mark.parametrize("year", [2025, 2026])
def test_write_then_validate_gives_no_error(year: int, catalog: Any, rules: Path) -> None:
    ids = _caller_ids(catalog, year)
    result = write_qrda3(_submission(year, "individual"), catalog, ecqm_ids=ids)
    report = validate_bytes(result.xml, "out.xml", year=year, catalog=catalog, known_ids=ids)
    assert report.errors == []
    assert report.schematron_available is True
    assert f"CMS schematron {year} (errors phase)" in report.checks


def test_2026_file_validates_with_a_warning_when_ecqm_ids_are_unknown(
    catalog: Any, rules: Path
) -> None:
    ids = _caller_ids(catalog, 2026)
    result = write_qrda3(_submission(2026, "group"), catalog, ecqm_ids=ids)
    report = validate_bytes(result.xml, "out.xml", catalog=catalog)
    assert report.valid
    unchecked = [p for p in report.problems if p.code == "ECQM_IDS_UNAVAILABLE"]
    assert len(unchecked) == 2 and all(p.severity == "warning" for p in unchecked)
    with pytest.raises(Qrda3Error) as info:  # import refuses what it can't identify
        read_qrda3(result.xml, catalog)
    assert "no eCQM version-specific ids" in str(info.value)


def test_supplemental_data_of_an_imported_file_is_written_back(
    samples: Path, catalog: Any, rules: Path
) -> None:
    doc = read_qrda3(samples / "valid" / "qrda-files__valid-QRDA-III-latest.xml", catalog)
    assert doc.supplemental
    result = write_qrda3(doc.submission(), catalog, supplemental=doc.supplemental)
    again = read_qrda3(result.xml, catalog)
    assert again.supplemental == doc.supplemental
    assert again.submission_json["measurementSets"] == doc.submission_json["measurementSets"]
    assert schematron.run(etree.ElementTree(etree.fromstring(result.xml)), 2025) == []


def test_2026_ecqm_without_an_id_is_named_and_left_out_never_invented(catalog: Any) -> None:
    sub = _submission(2026, "individual")
    result = write_qrda3(sub, catalog)
    reasons = {x.measure_id: x.reason for x in result.left_out}
    assert "eMeasureUuid" in reasons["001"] and "CMS122v14" in reasons["001"]
    assert "226" in reasons
    tree = etree.fromstring(result.xml)
    assert tree.xpath("//h:id[@root='2.16.840.1.113883.4.738']", namespaces=NS) == []
    assert ("ia", "IA_EPA_3") in result.written


def test_counts_that_do_not_add_up_are_left_out_with_the_reason(catalog: Any) -> None:
    sub = _submission(2025, "individual")
    sub["measurementSets"][0]["measurements"][0]["value"]["performanceNotMet"] = 1
    result = write_qrda3(sub, catalog)
    reason = next(x.reason for x in result.left_out if x.measure_id == "001")
    assert "don't add up" in reason


def test_output_is_deterministic_with_a_seed(catalog: Any) -> None:
    from datetime import UTC, datetime

    when = datetime(2026, 1, 1, tzinfo=UTC)
    sub = _submission(2025, "group")
    one = write_qrda3(sub, catalog, document_seed="a", created=when).xml
    assert one == write_qrda3(copy.deepcopy(sub), catalog, document_seed="a", created=when).xml
    assert one != write_qrda3(sub, catalog, document_seed="b", created=when).xml


def test_the_pydantic_model_is_accepted_as_input(catalog: Any) -> None:
    from desktop_app.formats.qpp_json import parse_submission

    sub = _submission(2025, "individual")
    from_model = write_qrda3(parse_submission(sub), catalog, document_seed="m").xml
    assert from_model == write_qrda3(sub, catalog, document_seed="m").xml


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.update(performanceYear=2024), "2024 is not one of them"),
        (lambda s: s.update(entityType="apm"), "individual and group"),
        (lambda s: s.update(nationalProviderIdentifier="1234567890"), "check digit"),
        (lambda s: s["measurementSets"][2].update(programName="G0053"), "mixes"),
        (lambda s: s.update(measurementSets=[s["measurementSets"][1]]), MIPS_CQM_REASON),
        (lambda s: s["measurementSets"][2].update(performanceEnd="2026-01-31"), "outside"),
    ],
)
def test_submissions_that_cannot_be_written_say_why(
    change: Any, message: str, catalog: Any
) -> None:
    sub = _submission(2025, "individual")
    change(sub)
    with pytest.raises(Qrda3WriteError) as info:
        write_qrda3(sub, catalog)
    assert message in str(info.value)


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_files_are_reproduced_byte_for_byte(name: str, catalog: Any) -> None:
    assert render(name, catalog) == (GOLDEN_DIR / name).read_bytes()


@pytest.mark.parametrize(
    ("name", "year"), [("individual-2025.xml", 2025), ("group-2026.xml", 2026)]
)
def test_golden_files_pass_the_cms_schematron(name: str, year: int, rules: Path) -> None:
    assert schematron.run(etree.parse(str(GOLDEN_DIR / name)), year) == []


def test_golden_group_file_lists_the_2026_ecqm_it_could_not_write(catalog: Any) -> None:
    from golden_cases import CREATED

    result = write_qrda3(group_2026(), catalog, created=CREATED)
    assert [x.measure_id for x in result.left_out] == ["001"]
    assert result.program == "MIPS_GROUP"
