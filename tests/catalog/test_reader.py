"""Reading the catalog: lookups, search, eCQM ids, and refusing files that aren't catalogs."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from desktop_app.catalog import Catalog, CatalogError
from desktop_app.catalog.model import (
    TIER_COST,
    TIER_MIPS,
    TIER_MVP_ONLY,
    TIER_OTHER_PROGRAM,
    TIER_QCDR,
    TIERS,
)

SourceJson = Callable[[str], Any]


# --- opening ----------------------------------------------------------------------------


def test_open_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="There is no measures catalog") as err:
        Catalog.open(tmp_path / "catalog.sqlite")
    assert str(tmp_path / "catalog.sqlite") in str(err.value)


def test_open_a_text_file(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    path.write_text("just some text, long enough to look like something " * 20)
    with pytest.raises(CatalogError, match="is not a MIPS Desk measures catalog"):
        Catalog.open(path)


def test_open_another_sqlite_database(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE measures (x)")
    with pytest.raises(CatalogError, match="is not a MIPS Desk measures catalog"):
        Catalog.open(path)


def test_open_catalog_of_another_layout_version(catalog_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    shutil.copy(catalog_file, path)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(CatalogError, match="built by another version of MIPS Desk") as err:
        Catalog.open(path)
    assert "mipsdesk catalog build" in str(err.value)


def test_catalog_is_opened_read_only(catalog_file: Path) -> None:
    before = catalog_file.read_bytes()
    with (
        Catalog.open(catalog_file) as cat,
        pytest.raises(sqlite3.OperationalError, match="readonly"),
    ):
        cat._conn.execute("DELETE FROM measures")
    assert catalog_file.read_bytes() == before


def test_each_thread_opens_its_own_catalog(catalog_file: Path) -> None:
    results: list[dict[str, int]] = []

    def work() -> None:
        with Catalog.open(catalog_file) as cat:
            results.append(cat.counts(2026))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and all(r["quality"] == 405 for r in results)


# --- measures ---------------------------------------------------------------------------


def test_measure_lookup(catalog: Catalog, source_json: SourceJson) -> None:
    record = next(
        m for m in source_json("measures/2026/measures-data.json") if m["measureId"] == "001"
    )
    measure = catalog.measure(2026, "001")
    assert measure is not None
    assert (measure.year, measure.measure_id, measure.category) == (2026, "001", "quality")
    assert measure.title == record["title"]
    assert measure.description == record["description"]
    assert measure.metric_type == record["metricType"]
    assert measure.is_inverse is record["isInverse"]
    assert measure.submission_methods == record["submissionMethods"]


def test_measure_lookup_ignores_case_and_unknown_is_none(catalog: Catalog) -> None:
    found = catalog.measure(2024, "ia_epa_1")
    assert found is not None and found.measure_id == "IA_EPA_1"
    assert catalog.measure(2026, "NO_SUCH_MEASURE") is None
    assert catalog.measure(1999, "001") is None


def test_measures_by_category(catalog: Catalog, source_json: SourceJson) -> None:
    records = source_json("measures/2025/measures-data.json")
    for category in ("quality", "ia", "pi", "cost"):
        measures = catalog.measures(2025, category)
        assert sorted(m.measure_id for m in measures) == sorted(
            r["measureId"] for r in records if r["category"] == category
        )
        assert {m.category for m in measures} == {category}
    assert len(catalog.measures(2025)) == len(records)


def test_unknown_category_is_an_error(catalog: Catalog) -> None:
    with pytest.raises(CatalogError, match="Unknown measure category 'bonus'"):
        catalog.measures(2026, "bonus")
    with pytest.raises(CatalogError, match="Unknown measure category"):
        catalog.search(2026, "diabetes", category="bonus")


def test_emeasure_uuid_lookup_finds_every_2024_ecqm(
    catalog: Catalog, source_json: SourceJson
) -> None:
    ecqms = [m for m in source_json("measures/2024/measures-data.json") if m.get("eMeasureUuid")]
    assert ecqms, "2024 data has eMeasureUuid on eCQMs"
    for record in ecqms:
        found = catalog.measure_by_emeasure_uuid(2024, record["eMeasureUuid"])
        assert found is not None and found.measure_id == record["measureId"]
    uuid = ecqms[0]["eMeasureUuid"]
    for variant in (uuid.upper(), "{" + uuid + "}", f"  {uuid} "):
        found = catalog.measure_by_emeasure_uuid(2024, variant)
        assert found is not None and found.measure_id == ecqms[0]["measureId"]
    assert catalog.measure_by_emeasure_uuid(2025, "00000000-0000-0000-0000-000000000000") is None


def test_emeasure_id_lookup_for_every_year(
    catalog: Catalog, source_json: SourceJson, source_years: list[int]
) -> None:
    for year in source_years:
        ecqms = [
            m for m in source_json(f"measures/{year}/measures-data.json") if m.get("eMeasureId")
        ]
        assert ecqms
        for record in ecqms:
            found = catalog.measure_by_emeasure_id(year, record["eMeasureId"])
            assert found is not None and found.measure_id == record["measureId"]
    found = catalog.measure_by_emeasure_id(2026, "cms122V14")
    assert found is not None and found.measure_id == "001"
    assert catalog.measure_by_emeasure_id(2026, "CMS122v12") is None  # the 2024 version


# --- benchmarks and MVPs ----------------------------------------------------------------


def test_benchmarks_of_a_measure(catalog: Catalog, source_json: SourceJson) -> None:
    entries = [b for b in source_json("benchmarks/2026.json") if b["measureId"] == "001"]
    benchmarks = catalog.benchmarks(2026, "001")
    assert sorted(b.submission_method for b in benchmarks) == sorted(
        e["submissionMethod"] for e in entries
    )
    for entry in entries:
        bench = catalog.benchmark(2026, "001", entry["submissionMethod"])
        assert bench is not None
        assert bench.benchmark_year == entry["benchmarkYear"]
        assert bench.is_inverse is entry["isInverse"]
        assert bench.is_topped_out is entry["isToppedOut"]
        assert bench.percentiles == {int(k): float(v) for k, v in entry["percentiles"].items()}
        assert bench.average_performance_rate == entry["averagePerformanceRate"]
        assert bench.data == entry
    assert catalog.benchmark(2026, "001", "noSuchMethod") is None
    assert catalog.benchmarks(2026, "IA_AHW_1") == []


def test_mvps(catalog: Catalog, source_json: SourceJson) -> None:
    records = source_json("mvp/2026/mvp.json")
    mvps = catalog.mvps(2026)
    assert sorted(m.mvp_id for m in mvps) == sorted(r["mvpId"] for r in records)
    record = records[0]
    mvp = catalog.mvp(2026, record["mvpId"])
    assert mvp is not None
    assert mvp.title == record["title"]
    assert mvp.quality_measure_ids == record["qualityMeasureIds"]
    assert mvp.ia_measure_ids == record["iaMeasureIds"]
    assert mvp.cost_measure_ids == record["costMeasureIds"]
    assert mvp.foundation_pi_measure_ids == record["foundationPiMeasureIds"]
    assert mvp.foundation_quality_measure_ids == record["foundationQualityMeasureIds"]
    assert mvp.clinical_topic == record["clinicalTopic"]
    assert catalog.mvp(2026, "NOPE") is None


# --- search -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "year", "first"),
    [
        ("001", 2026, "001"),
        ("1", 2026, "001"),  # quality ids are zero-padded
        ("IA_EPA_1", 2024, "IA_EPA_1"),
        ("ia_epa_1", 2024, "IA_EPA_1"),
        ("CMS122v14", 2026, "001"),
        ("cms122v12", 2024, "001"),
        ("PI_EP_1", 2026, "PI_EP_1"),
        ("  236 ", 2026, "236"),
        ("236SSP", 2026, "236SSP"),  # an exact id comes first whatever its tier
        ("ECPR61", 2026, "ECPR61"),
        ("112", 2026, "112"),
    ],
)
def test_exact_id_ranks_first(catalog: Catalog, typed: str, year: int, first: str) -> None:
    hits = catalog.search(year, typed)
    assert hits[0].measure_id == first
    assert hits[0].rank <= min(h.rank for h in hits)


# The searches a practice manager types: the measure a practice usually reports (a MIPS
# quality, PI or IA measure) comes before QCDR measures, cost measures and ACO-only
# measures such as 236SSP (allowedPrograms ["appPlus"]).
USUAL_MEASURE_FIRST = [
    # (words, the measure listed first, measures that must come after it)
    ("diabetes", "001", ["001SSP", "IA_BE_19", "127", "COST_D_1"]),
    ("hypertension", "236", ["236SSP"]),
    ("controlling high blood pressure", "236", ["236SSP"]),
    ("breast cancer screening", "112", ["112SSP", "QMM18"]),
    ("colorectal cancer screening", "113", ["113SSP", "GIQIC26", "NHCR4"]),
    ("asthma", "398", ["ECPR61", "ACEP61", "ACEP25", "THEPQR6", "COST_ACOPD_1"]),
]


@pytest.mark.parametrize(("words", "first", "later"), USUAL_MEASURE_FIRST)
def test_usual_mips_measure_comes_first(
    catalog: Catalog, words: str, first: str, later: list[str]
) -> None:
    ids = [h.measure_id for h in catalog.search(2026, words)]
    assert ids[0] == first, ids
    for other in later:
        assert other in ids and ids.index(first) < ids.index(other), (other, ids)


def test_depression_screening_lists_the_mips_measures_before_the_aco_one(
    catalog: Catalog,
) -> None:
    ids = [h.measure_id for h in catalog.search(2026, "depression screening")]
    # IA_BMH_4's title is exactly "Depression screening"; quality measure 134 comes
    # next, and its ACO-only twin 134SSP after every MIPS measure.
    assert ids[:2] == ["IA_BMH_4", "134"]
    assert ids[-1] == "134SSP"


@pytest.mark.parametrize(
    ("year", "measure_id", "tier"),
    [
        (2026, "001", TIER_MIPS),
        (2026, "IA_BE_19", TIER_MIPS),
        (2026, "PI_EP_1", TIER_MIPS),
        (2026, "128", TIER_MVP_ONLY),  # allowedPrograms: MVP ids only
        (2026, "112", TIER_MVP_ONLY),  # ["appPlus", "M1366"]
        (2024, "112", TIER_MVP_ONLY),  # ["M1366"]
        (2026, "COST_D_1", TIER_COST),
        (2026, "ECPR61", TIER_QCDR),  # isRegistryMeasure true
        (2026, "236SSP", TIER_OTHER_PROGRAM),  # ["appPlus"]
        (2024, "001SSP", TIER_OTHER_PROGRAM),  # ["app1"]
        (2026, "IA_MVP", TIER_MVP_ONLY),
    ],
)
def test_tier_comes_from_the_measure_fields(
    catalog: Catalog, source_json: SourceJson, year: int, measure_id: str, tier: int
) -> None:
    record = next(
        m
        for m in source_json(f"measures/{year}/measures-data.json")
        if m["measureId"] == measure_id
    )
    hit = catalog.search(year, measure_id)[0]
    assert (hit.measure_id, hit.tier) == (measure_id, tier), record["allowedPrograms"]
    assert TIERS[tier]


def test_hits_come_in_tier_order(catalog: Catalog) -> None:
    for year in catalog.years():
        hits = catalog.search(year, "screening", limit=1000)
        assert len({h.tier for h in hits}) >= 3
        assert [h.tier for h in hits] == sorted(h.tier for h in hits)
        assert [h.rank for h in hits] == sorted(h.rank for h in hits)


def test_search_words_in_title(catalog: Catalog) -> None:
    hits = catalog.search(2026, "controlling high blood pressure")
    assert hits
    assert "controlling high blood pressure" in hits[0].title.lower()
    assert [h.rank for h in hits] == sorted(h.rank for h in hits)  # best first


def test_search_prefix_on_last_word(catalog: Catalog) -> None:
    assert "001" in [h.measure_id for h in catalog.search(2026, "glycemic status assess")]
    assert "001" in [h.measure_id for h in catalog.search(2026, "CMS122")]


def test_search_falls_back_to_any_word(catalog: Catalog) -> None:
    either = [h.measure_id for h in catalog.search(2026, "diabetes qqqzzzxx")]
    assert either and either == [h.measure_id for h in catalog.search(2026, "diabetes")]
    assert catalog.search(2026, "qqqzzzxx") == []


def test_search_category_and_limit(catalog: Catalog) -> None:
    hits = catalog.search(2026, "screening", category="ia", limit=3)
    assert 0 < len(hits) <= 3
    assert {h.category for h in hits} == {"ia"}
    ia_only = catalog.search(2026, "001", category="ia")
    assert "001" not in [h.measure_id for h in ia_only]
    assert all(h.category == "ia" for h in ia_only)
    assert catalog.search(2026, "diabetes", limit=0) == []
    assert len(catalog.search(2026, "care", limit=7)) == 7


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        '"',
        "'",
        '"unbalanced quote',
        "-",
        "a-b",
        "high-priority",
        "*",
        "diab*",
        "(",
        ")",
        "NOT",
        "AND OR NOT",
        "NEAR(a b)",
        "title:diabetes",
        "^start",
        "x'y\"z",
        "001; DROP TABLE measures; --",
        "ü é",
        "🙂",
        "\x00",
        "a" * 500,
    ],
)
def test_odd_input_never_raises(catalog: Catalog, typed: str) -> None:
    hits = catalog.search(2026, typed)
    assert isinstance(hits, list)
    assert all(h.year == 2026 for h in hits)
    assert catalog.counts(2026)["quality"] == 405  # the catalog is intact


def test_punctuation_separates_words(catalog: Catalog) -> None:
    plain = [h.measure_id for h in catalog.search(2026, "blood pressure")]
    punctuated = [h.measure_id for h in catalog.search(2026, '"blood-pressure"')]
    assert plain and punctuated == plain


def test_open_path_with_unusual_characters(catalog_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "Dr. O'Neil & Co #2 ?"
    folder.mkdir()
    path = folder / "my catalog%20.sqlite"
    shutil.copy(catalog_file, path)
    with Catalog.open(path) as cat:
        assert cat.counts(2026)["quality"] == 405


def test_a_word_being_typed_ranks_titles_as_the_whole_word_does(catalog: Catalog) -> None:
    # "diab" on the way to "diabetes": the "Diabetes: ..." measures come first either
    # way, not "Diabetes Mellitus" or "Diabetic Retinopathy" ahead of 001.
    whole = [h.measure_id for h in catalog.search(2026, "diabetes", "quality", limit=2)]
    typing = [h.measure_id for h in catalog.search(2026, "diab", "quality", limit=2)]
    assert whole == typing == ["001", "117"]
    first = catalog.search(2026, "diab", limit=4)
    assert [h.measure_id for h in first[:2]] == ["001", "117"]
    assert {"126", "127"} <= {h.measure_id for h in catalog.search(2026, "diab", limit=6)}
