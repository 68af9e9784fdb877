"""A 2026 eCQM with several population sets, identified only by its version-specific id
(the eCQI list supplied no population ids): the file's own population ids give the sets
(each initial population starts one), they are kept, and QRDA III export writes the
same sets again."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from desktop_app.catalog import Catalog
from desktop_app.exporting.export import render_entity
from desktop_app.formats.qrda3.model import NS, EcqmIds, Qrda3Error
from desktop_app.formats.qrda3.reader import read_qrda3
from desktop_app.importing import ImportRefused, apply_import, preview_import, read_import_bytes
from desktop_app.importing.ecqm_ids import known_ecqm_ids, parse_ids_csv, save_supplied_ids
from desktop_app.store import Workspace

SAMPLE = "sample-files__2025__MultiStrata_SinglePerformanceRate-sample.xml"
UUID = "8a6d0454-8df0-2d9f-018e-38a8fc7720c8"
"""The sample's eMeasureUuid, supplied below as the 2026 id (the 2026 data has none)."""


def _file_2026(samples: Path) -> bytes:
    """The CMS sample (one eCQM, two population sets) moved to performance year 2026."""
    data = (samples / "valid" / SAMPLE).read_bytes()
    return re.sub(rb'value="2025', b'value="2026', data)


def _populations_in_file(xml: bytes) -> list[tuple[str, str, int]]:
    """(population code, population id, count) in the order the file lists them."""
    root = etree.fromstring(xml)
    out = []
    for obs in root.xpath(
        "//h:organizer/h:component/h:observation[h:reference/h:externalObservation/h:id]",
        namespaces=NS,
    ):
        code = str(obs.xpath("h:value/@code", namespaces=NS)[0])
        pop_id = str(obs.xpath("h:reference/h:externalObservation/h:id/@root", namespaces=NS)[0])
        count = obs.xpath(
            "h:entryRelationship/h:observation[h:code/@code='MSRAGG']/h:value/@value",
            namespaces=NS,
        )[0]
        out.append(("IPOP" if code == "IPP" else code, pop_id.upper(), int(count)))
    return out


def _sets_in_file(xml: bytes) -> list[dict[str, tuple[str, int]]]:
    sets: list[dict[str, tuple[str, int]]] = []
    for code, pop_id, count in _populations_in_file(xml):
        if code == "IPOP":
            sets.append({})
        sets[-1][code] = (pop_id, count)
    return sets


@pytest.mark.parametrize("measure_id", ["007", "305"])
def test_the_files_population_sets_are_read_with_its_ids(
    samples: Path, catalog: Catalog, measure_id: str
) -> None:
    data = _file_2026(samples)
    doc = read_qrda3(data, catalog, {measure_id: EcqmIds(UUID, [])})
    in_file = _sets_in_file(data)
    assert len(in_file) == 2
    assert doc.ecqm_ids[measure_id].populations == [
        {code: pop for code, (pop, _) in s.items()} for s in in_file
    ]
    value = doc.submission_json["measurementSets"][0]["measurements"][0]["value"]
    if measure_id == "305":  # multi-rate: one set per stratum, in the measure's order
        assert [s["stratum"] for s in value["strata"]] == ["14Days", "34Days"]
        assert [s["performanceMet"] for s in value["strata"]] == [s["NUMER"][1] for s in in_file]
        assert [s["eligiblePopulation"] for s in value["strata"]] == [
            s["DENOM"][1] for s in in_file
        ]
    else:  # single-rate: summed, each set's counts kept
        assert value["performanceMet"] == sum(s["NUMER"][1] for s in in_file)
        assert [s.counts for s in doc.population_sets["007"]] == [
            {code: count for code, (_, count) in s.items()} for s in in_file
        ]


def test_a_set_count_that_does_not_fit_the_strata_is_refused_with_how_to_fix(
    samples: Path, catalog: Catalog
) -> None:
    # 226 has three strata; the file has two population sets and no ids say which is which.
    with pytest.raises(Qrda3Error) as info:
        read_qrda3(_file_2026(samples), catalog, {"226": EcqmIds(UUID, [])})
    message = str(info.value)
    assert "226 (CMS138v14) has 3 strata (reporting, performance, combinedPopulations)" in message
    assert "reports 2 population sets" in message
    assert "mipsdesk ecqm-ids import" in message


def test_populations_not_grouped_by_set_are_refused_saying_why(
    samples: Path, catalog: Catalog
) -> None:
    # Move the second set's initial population before the first set's denominator.
    root = etree.fromstring(_file_2026(samples))
    org = root.xpath("//h:organizer[h:reference/h:externalDocument]", namespaces=NS)[0]
    comps = [
        c
        for c in org.findall("h:component", NS)
        if c.find("h:observation/h:reference", NS) is not None
    ]
    ipops = [c for c in comps if c.find("h:observation/h:value", NS).get("code") in ("IPOP", "IPP")]
    org.remove(ipops[1])
    comps[0].addnext(ipops[1])
    with pytest.raises(Qrda3Error) as info:
        read_qrda3(etree.tostring(root), catalog, {"007": EcqmIds(UUID, [])})
    assert "is reported twice" in str(info.value)
    assert "each initial population as the start of a population set" in str(info.value)


@pytest.mark.parametrize("measure_id", ["007", "305"])
def test_import_then_qrda3_export_keeps_the_sets(
    ws: Workspace, samples: Path, catalog: Catalog, measure_id: str
) -> None:
    emeasure_id = catalog.measure(2026, measure_id).data["eMeasureId"]  # type: ignore[union-attr]
    rows = parse_ids_csv(f"{emeasure_id},{UUID}\n".encode(), 2026, catalog)
    save_supplied_ids(ws, 2026, rows, source="ids.csv")
    data = _file_2026(samples)
    imported = read_import_bytes(data, "ehr.xml", catalog, lambda y: known_ecqm_ids(ws, y))
    preview = preview_import(ws, imported)
    apply_import(ws, preview)
    # The workspace now knows the file's population ids for the measure.
    assert (
        known_ecqm_ids(ws, 2026)[measure_id].populations
        == imported.ecqm_ids[measure_id].populations
    )

    rendered = render_entity(ws, preview.entity, "qrda3", catalog)
    assert rendered.left_out == []
    exported: list[Any] = _populations_in_file(rendered.data)
    assert sorted(exported) == sorted(_populations_in_file(data))
    again = read_qrda3(rendered.data, catalog, known_ecqm_ids(ws, 2026))
    assert (
        again.submission_json["measurementSets"][0]["measurements"]
        == (imported.submission.to_json_dict()["measurementSets"][0]["measurements"])
    )


def test_without_the_measure_id_the_file_is_still_refused(samples: Path, catalog: Catalog) -> None:
    with pytest.raises(ImportRefused) as info:
        read_import_bytes(_file_2026(samples), "ehr.xml", catalog)
    assert info.value.problems[0].code == "ECQM_IDS_UNAVAILABLE"
