"""A single-rate eCQM reported with several population sets: the reader sums them (as CMS
does) and keeps each set's counts; the writer writes the sets again from those counts
only while they add up to the submission's totals."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from desktop_app.formats.qrda3 import schematron
from desktop_app.formats.qrda3.model import NS, PopulationSetCounts
from desktop_app.formats.qrda3.reader import Qrda3Document, read_qrda3
from desktop_app.formats.qrda3.writer import Qrda3WriteError, write_qrda3

MULTI = "sample-files__2025__MultiStrata_SinglePerformanceRate-sample.xml"
SINGLE = "qrda-files__valid-QRDA-III-latest.xml"


@pytest.fixture
def doc(samples: Path, catalog: Any) -> Qrda3Document:
    return read_qrda3(samples / "valid" / MULTI, catalog)


def _counts_by_population(xml: bytes) -> dict[str, int]:
    root = etree.fromstring(xml)
    out: dict[str, int] = {}
    for obs in root.xpath("//h:observation[h:reference/h:externalObservation/h:id]", namespaces=NS):
        pop_id = obs.xpath("h:reference/h:externalObservation/h:id/@root", namespaces=NS)[0]
        count = obs.xpath(
            "h:entryRelationship/h:observation[h:code/@code='MSRAGG']/h:value/@value",
            namespaces=NS,
        )[0]
        out[str(pop_id).upper()] = int(count)
    return out


def test_the_reader_keeps_each_population_sets_counts_with_its_ids(
    doc: Qrda3Document, samples: Path
) -> None:
    sets = doc.population_sets["007"]
    in_file = _counts_by_population((samples / "valid" / MULTI).read_bytes())
    assert [s.populations for s in sets] == doc.ecqm_ids["007"].populations
    for s in sets:
        assert s.counts == {code: in_file[pop.upper()] for code, pop in s.populations.items()}
    value = doc.submission_json["measurementSets"][0]["measurements"][0]["value"]
    assert value["eligiblePopulation"] == sum(s.counts["DENOM"] for s in sets)
    assert value["performanceMet"] == sum(s.counts["NUMER"] for s in sets)


def test_a_file_without_several_population_sets_keeps_none(samples: Path, catalog: Any) -> None:
    single = read_qrda3(samples / "valid" / SINGLE, catalog)
    assert single.ecqm_ids
    assert single.population_sets == {}


def test_kept_population_sets_are_written_each_with_its_counts(
    doc: Qrda3Document, catalog: Any, rules: Path
) -> None:
    result = write_qrda3(
        doc.submission(),
        catalog,
        supplemental=doc.supplemental,
        population_sets=doc.population_sets,
    )
    assert result.left_out == []
    assert ("quality", "007") in result.written
    again = read_qrda3(result.xml, catalog)
    assert again.submission_json["measurementSets"] == doc.submission_json["measurementSets"]
    assert again.population_sets == doc.population_sets
    assert again.supplemental == doc.supplemental
    assert schematron.run(etree.ElementTree(etree.fromstring(result.xml)), 2025) == []


def test_without_kept_sets_the_measure_is_left_out_with_the_reason(
    doc: Qrda3Document, catalog: Any
) -> None:
    # 007 is all the sample holds, so nothing is left to write and the error names why.
    with pytest.raises(Qrda3WriteError) as info:
        write_qrda3(doc.submission(), catalog, population_sets={})
    assert "007: CMS defines this eCQM with 2 population sets" in str(info.value)


def _changed(sets: list[PopulationSetCounts], index: int, **changes: Any) -> list[Any]:
    out = list(sets)
    out[index] = dataclasses.replace(out[index], **changes)
    return out


@pytest.mark.parametrize(
    "case",
    ["counts that no longer add up", "population ids of another measure", "one set missing"],
)
def test_kept_sets_that_do_not_fit_the_totals_or_ids_are_not_used(
    doc: Qrda3Document, catalog: Any, case: str
) -> None:
    sets = doc.population_sets["007"]
    if case == "counts that no longer add up":
        counts = {**sets[0].counts, "NUMER": sets[0].counts["NUMER"] - 1}
        kept = _changed(sets, 0, counts=counts)
    elif case == "population ids of another measure":
        pops = {**sets[1].populations, "NUMER": "0A0A0A0A-0000-4000-8000-000000000000"}
        kept = _changed(sets, 1, populations=pops)
    else:
        kept = sets[:1]
    with pytest.raises(Qrda3WriteError) as info:
        write_qrda3(doc.submission(), catalog, population_sets={"007": kept})
    assert "007: CMS defines this eCQM with 2 population sets" in str(info.value)
    # The same sets as read are written (the case differs only in the one change).
    assert write_qrda3(doc.submission(), catalog, population_sets=doc.population_sets).written
