"""Every CMS sample: valid files import (preview says what they hold), the others are refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from desktop_app.importing import ImportRefused, apply_import, preview_import, read_import_file
from desktop_app.reporting import EntityKey, build_submission
from desktop_app.store import Workspace

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "qrda3-samples"
VALID = sorted((SAMPLES / "valid").glob("*.xml"))
INVALID = sorted((SAMPLES / "invalid").glob("*"))
TEST_IDS = sorted((SAMPLES / "test-identifiers").glob("*.xml"))


def ids_with_root(text: str, root: str) -> list[str]:
    """The extension of every <id> element with this root (attributes in any order)."""
    found = []
    for tag in re.findall(r"<id\b[^>]*>", text):
        if f'root="{root}"' in tag:
            ext = re.search(r'extension="([^"]*)"', tag)
            if ext:
                found.append(ext.group(1))
    return found


def normalized(sub: dict) -> list:  # type: ignore[type-arg]
    """Measurement sets in a fixed order (the store orders them its own way)."""
    sets = []
    for s in sub["measurementSets"]:
        s = dict(s)
        s["measurements"] = sorted(s["measurements"], key=lambda m: m["measureId"])
        sets.append(s)
    return sorted(sets, key=lambda s: (s["category"], s["submissionMethod"], s["programName"]))


def test_the_sample_folders_are_there() -> None:
    assert len(VALID) == 5 and len(INVALID) == 6 and len(TEST_IDS) == 5


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_every_valid_sample_imports_and_the_preview_says_what_it_holds(
    path: Path, ws: Workspace, catalog
) -> None:  # type: ignore[no-untyped-def]
    text = path.read_text(encoding="utf-8")
    imported = read_import_file(path, catalog)
    year = imported.year
    # entity and year as written in the file
    assert imported.tin in ids_with_root(text, "2.16.840.1.113883.4.2")
    assert imported.year in (2024, 2025) and str(year) in text
    # eCQMs matched through the catalog by their version-specific id (eMeasureUuid)
    uuids = ids_with_root(text, "2.16.840.1.113883.4.738")
    ids_from_uuid = {catalog.measure_by_emeasure_uuid(year, u).measure_id for u in uuids}
    quality_ids = {m.measure_id for m in imported.measures if m.category == "quality"}
    assert quality_ids and quality_ids == ids_from_uuid

    preview = preview_import(ws, imported)
    data = preview.as_dict()
    assert data["file"]["performanceYear"] == year
    assert data["file"]["taxpayerIdentificationNumber"] == imported.tin
    assert data["file"]["categories"] == imported.categories
    for m in data["file"]["measures"]:
        if m["category"] == "quality":
            assert "eligible population" in m["detail"] and "met" in m["detail"]
    kinds = [c["kind"] for c in data["creates"]]  # a fresh workspace: everything is created
    assert kinds[0] == "practice" and kinds[-1] == "reporting_entity"
    assert data["counts"]["add"] == len(imported.measures)
    text_lines = "\n".join(preview.summary_lines())
    assert f"performance year {year}" in text_lines and imported.tin in text_lines

    result = apply_import(ws, preview, agree_pi_scoring=True)
    assert result.added == len(imported.measures)
    stored = build_submission(ws, EntityKey(year, imported.tin, imported.npi))
    assert normalized(stored.to_json_dict()) == normalized(imported.submission.to_json_dict())
    assert ws.practice() is not None and ws.practice().tin == imported.tin
    if imported.npi:
        assert ws.clinician(imported.npi) is not None
    [entity] = ws.reporting_entities(year)
    assert (entity.tin, entity.npi) == (imported.tin, imported.npi)
    programs = {s.program_name for s in imported.submission.measurement_sets}
    mvp = next((p for p in programs if p != "mips"), None)
    assert entity.reporting_option == (mvp or "traditional")  # MVP files report the MVP
    # importing the same file again changes nothing
    again = preview_import(ws, read_import_file(path, catalog))
    assert again.creations == [] and again.conflicts == []
    assert again.count("unchanged") == len(imported.measures)


def _refused(path: Path, ws: Workspace, catalog) -> ImportRefused:  # type: ignore[no-untyped-def]
    before = len(ws.audit_log())
    with pytest.raises(ImportRefused) as info:
        read_import_file(path, catalog)
    assert len(ws.audit_log()) == before  # nothing written
    assert ws.practice() is None
    return info.value


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_every_invalid_sample_is_refused_with_problem_and_place(
    path: Path, ws: Workspace, catalog
) -> None:  # type: ignore[no-untyped-def]
    exc = _refused(path, ws, catalog)
    assert exc.problems
    assert all(p.message for p in exc.problems)
    assert any(p.location or p.line for p in exc.problems)  # says where
    assert str(path) in str(exc)


_C = "converter__src__test__resources__"
EXPECTED = {
    "commandline__src__test__resources__qrda_bad_denominator.xml": "Performance year 2021",
    f"{_C}negative__angerClinicalDocumentValidations.xml": "CMS program",
    f"{_C}negative__iaSectionMissingMeasures.xml": "no improvement activity",
    f"{_C}negative__mipsInvalidPIMeasureIds.xml": "not a valid NPI",
    f"{_C}non-xml-file.xml": "neither QPP JSON",
    f"{_C}not-a-QRDA-III-file.xml": "not a QRDA III document",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_samples_name_the_actual_problem(name: str, ws: Workspace, catalog) -> None:  # type: ignore[no-untyped-def]
    exc = _refused(SAMPLES / "invalid" / name, ws, catalog)
    assert any(EXPECTED[name] in p.message for p in exc.problems)


@pytest.mark.parametrize("path", TEST_IDS, ids=lambda p: p.name)
def test_test_identifier_samples_with_a_wrong_check_digit_are_refused(
    path: Path, ws: Workspace, catalog
) -> None:  # type: ignore[no-untyped-def]
    text = path.read_text(encoding="utf-8")
    from desktop_app.models.identifiers import validate_npi

    npis = ids_with_root(text, "2.16.840.1.113883.4.6")
    bad = []
    for npi in npis:
        try:
            validate_npi(npi)
        except ValueError:
            bad.append(npi)
    if not bad:
        # The group sample names no clinician NPI in its performer; CMS published it
        # unchanged, so it is the same file as its copy in valid/ and imports.
        assert text == (SAMPLES / "valid" / path.name).read_text(encoding="utf-8")
        read_import_file(path, catalog)
        return
    exc = _refused(path, ws, catalog)
    assert any(p.code == "CMS_0117" for p in exc.problems)
    assert any(p.location and "assignedEntity/id" in p.location for p in exc.problems)
    assert any(npi in str(exc) for npi in bad)
