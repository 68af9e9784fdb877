"""QPP JSON import, and the values CMS would reject (refused, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from import_data import NPI, TIN, counts, quality_set, submission, write_json

from desktop_app.importing import (
    ImportRefused,
    apply_import,
    preview_import,
    read_import_bytes,
    read_import_file,
)
from desktop_app.reporting import EntityKey, stored_values
from desktop_app.store import Workspace

SAMPLE = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "qrda3-samples"
    / "valid"
    / "qrda-files__valid-QRDA-III-latest.xml"
)


def refused(tmp_path: Path, data: dict | bytes, catalog) -> ImportRefused:  # type: ignore[no-untyped-def,type-arg]
    path = tmp_path / "file.json"
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        write_json(path, data)
    with pytest.raises(ImportRefused) as info:
        read_import_file(path, catalog)
    return info.value


def test_a_qpp_json_file_with_quality_pi_and_ia_imports(
    tmp_path: Path, ws: Workspace, catalog
) -> None:  # type: ignore[no-untyped-def]
    data = submission(
        quality_set(counts()),
        {
            "category": "pi",
            "submissionMethod": "registry",
            "performanceStart": "2025-01-01",
            "performanceEnd": "2025-07-31",
            "cehrtId": "0015C1235689784",
            "measurements": [
                {"measureId": "PI_EP_1", "value": {"numerator": 50, "denominator": 60}},
                {"measureId": "PI_PPHI_1", "value": True},
            ],
        },
        {
            "category": "ia",
            "submissionMethod": "registry",
            "measurements": [{"measureId": "IA_EPA_3", "value": True}],
        },
    )
    imported = read_import_file(write_json(tmp_path / "s.json", data), catalog)
    assert imported.format == "qpp-json"
    assert imported.categories == ["quality", "pi", "ia"]
    assert [m.measure_id for m in imported.measures] == ["236", "PI_EP_1", "PI_PPHI_1", "IA_EPA_3"]
    assert imported.measures[0].title == "Controlling High Blood Pressure"
    preview = preview_import(ws, imported)
    apply_import(ws, preview, agree_pi_scoring=True)
    stored = {
        (v.category, v.measure_id): v.value for v in stored_values(ws, EntityKey(2025, TIN, NPI))
    }
    assert stored[("pi", "PI_EP_1")] == {"numerator": 50, "denominator": 60}
    assert stored[("ia", "IA_EPA_3")] is True
    assert stored[("quality", "236")]["performanceMet"] == 70


def test_numerator_above_denominator_is_refused(tmp_path: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    pi = {
        "category": "pi",
        "submissionMethod": "registry",
        "measurements": [{"measureId": "PI_EP_1", "value": {"numerator": 61, "denominator": 60}}],
    }
    exc = refused(tmp_path, submission(pi), catalog)
    assert "numerator (61) must not be larger than the denominator (60)" in str(exc)
    assert exc.problems[0].location == "measurementSets[0].measurements[0].value"
    exc = refused(tmp_path, submission(quality_set(counts(pop=50, met=40, not_met=20))), catalog)
    assert "must not exceed eligiblePopulation (50)" in str(exc)


def test_invalid_npi_or_tin_is_refused(tmp_path: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    exc = refused(tmp_path, submission(quality_set(counts()), npi="0777777777"), catalog)
    assert "check digit" in str(exc)
    assert exc.problems[0].location == "nationalProviderIdentifier"
    data = submission(quality_set(counts()))
    data["taxpayerIdentificationNumber"] = "12345"
    exc = refused(tmp_path, data, catalog)
    assert exc.problems[0].location == "taxpayerIdentificationNumber"


def test_measure_id_not_valid_for_the_year_is_refused(tmp_path: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    exc = refused(tmp_path, submission(quality_set(counts(), measure_id="999")), catalog)
    assert "'999' is not a Quality measure of performance year 2025" in str(exc)
    assert exc.problems[0].location == "measurementSets[0].measurements[0].measureId"
    assert exc.problems[0].code == "MEASURE_NOT_VALID_FOR_YEAR"
    # an eCQM-only measure sent as MIPS CQM
    exc = refused(tmp_path, submission(quality_set(counts(), measure_id="009")), catalog)
    assert "can't be reported as registry" in str(exc)
    # a year MIPS Desk doesn't support
    exc = refused(tmp_path, submission(quality_set(counts()), year=2019), catalog)
    assert "Performance year 2019" in str(exc)


def test_dates_outside_the_performance_year_are_refused(tmp_path: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    qs = quality_set(counts())
    qs["performanceEnd"] = "2026-01-31"
    exc = refused(tmp_path, submission(qs), catalog)
    assert "performanceEnd 2026-01-31 is outside performance year 2025" in str(exc)
    assert exc.problems[0].location == "measurementSets[0].performanceEnd"


def test_truncated_files_are_refused_with_the_place(tmp_path: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    text = json.dumps(submission(quality_set(counts())), indent=2)
    exc = refused(tmp_path, text[: len(text) // 2].encode(), catalog)
    assert "not valid JSON" in str(exc)
    assert (exc.problems[0].location or "").startswith("line ")
    xml = SAMPLE.read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(xml[: len(xml) // 2])
    with pytest.raises(ImportRefused) as info:
        read_import_file(cut, catalog)
    assert info.value.problems[0].line is not None


def test_non_utf8_files_are_refused(tmp_path: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    text = json.dumps(submission(quality_set(counts()))).replace("registry", "régistry")
    exc = refused(tmp_path, text.encode("latin-1"), catalog)
    assert "not UTF-8" in str(exc)
    assert exc.problems[0].line == 1
    xml = SAMPLE.read_text(encoding="utf-8").replace("Controlling", "Contrôlling", 1)
    with pytest.raises(ImportRefused) as info:
        read_import_bytes(xml.encode("latin-1"), "latin1.xml", catalog)
    assert "not UTF-8" in str(info.value)


def test_other_shapes_and_entity_types_are_refused(tmp_path: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    exc = refused(tmp_path, b"   ", catalog)
    assert "empty" in str(exc)
    exc = refused(tmp_path, b"hello", catalog)
    assert "neither QPP JSON" in str(exc)
    apm = {"entityType": "apm", "entityId": "A1234", "performanceYear": 2025, "measurementSets": []}
    exc = refused(tmp_path, apm, catalog)
    assert "individual and group" in str(exc)
    ia_shape = submission(
        {
            "category": "ia",
            "submissionMethod": "registry",
            "measurements": [
                {"measureId": "IA_EPA_3", "value": {"numerator": 1, "denominator": 2}}
            ],
        }
    )
    exc = refused(tmp_path, ia_shape, catalog)
    assert "must be true or false" in str(exc)
    with pytest.raises(ImportRefused, match="No such file"):
        read_import_file(tmp_path / "missing.json", catalog)


def test_without_a_catalog_nothing_can_be_checked_so_the_file_is_refused(tmp_path: Path) -> None:
    path = write_json(tmp_path / "s.json", submission(quality_set(counts())))
    with pytest.raises(ImportRefused, match="catalog"):
        read_import_file(path, None)


def test_xml_with_a_doctype_is_refused_without_expanding_it(tmp_path: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
        b'"&lol;&lol;&lol;&lol;">]>'
        b'<ClinicalDocument xmlns="urn:hl7-org:v3">&lol2;</ClinicalDocument>'
    )
    with pytest.raises(ImportRefused) as info:
        read_import_bytes(bomb, "bomb.xml", catalog)
    assert "DOCTYPE" in str(info.value) or "document type" in str(info.value).lower()


def _cms_example(shared_dir: Path, name: str, tmp_path: Path) -> Path:
    """A CMS QPP JSON example with its year placeholder filled and a valid test NPI."""
    text = (shared_dir / "qpp-api-examples" / name).read_text(encoding="utf-8")
    text = text.replace("< performanceYearToBeReported >", "2025")
    text = text.replace('"performanceYear": "2025"', '"performanceYear": 2025')
    text = text.replace("9876543210", "9876543213")  # the example NPI fails the check digit
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_cms_pi_example_with_the_old_aci_category_imports_as_pi(
    tmp_path: Path, ws: Workspace, catalog, shared_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    imported = read_import_file(
        _cms_example(shared_dir, "submission-example-aci.json", tmp_path), catalog
    )
    assert imported.categories == ["pi"]
    assert "PI_EP_1" in [m.measure_id for m in imported.measures]
    apply_import(ws, preview_import(ws, imported), agree_pi_scoring=True)
    stored = stored_values(ws, EntityKey(2025, "000456789", "9876543213"), "pi")
    assert {v.measure_id for v in stored} == {m.measure_id for m in imported.measures}


def test_cms_examples_with_measures_retired_or_moved_by_2025_are_refused(
    tmp_path: Path, catalog, shared_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportRefused) as info:
        read_import_file(_cms_example(shared_dir, "submission-example-ia.json", tmp_path), catalog)
    assert "'IA_EPA_1' is not an Improvement Activities measure of performance year 2025" in str(
        info.value
    )
    with pytest.raises(ImportRefused) as info:
        read_import_file(
            _cms_example(shared_dir, "submission-example-quality.json", tmp_path), catalog
        )
    assert "Measure 305 can't be reported as registry in 2025" in str(info.value)
