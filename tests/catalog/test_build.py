"""Building the catalog: what it holds, where it came from, and refusing bad sources."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from desktop_app.catalog import Catalog, CatalogError, CatalogSourceError
from desktop_app.catalog.build import build_catalog, content_hash_of, source_content_hash
from desktop_app.catalog.update import pinned_release

SourceJson = Callable[[str], Any]


def test_counts_match_the_source_files_for_every_year(
    catalog: Catalog, source_json: SourceJson, source_years: list[int]
) -> None:
    assert catalog.years() == source_years
    for year in source_years:
        measures = source_json(f"measures/{year}/measures-data.json")
        by_category = Counter(m["category"] for m in measures)
        expected = {
            "quality": by_category["quality"],
            "ia": by_category["ia"],
            "pi": by_category["pi"],
            "cost": by_category["cost"],
            "benchmarks": len(source_json(f"benchmarks/{year}.json")),
            "mvps": len(source_json(f"mvp/{year}/mvp.json")),
        }
        assert catalog.counts(year) == expected, year


def test_2026_figures_of_release_v11_1_0(catalog: Catalog) -> None:
    assert catalog.counts(2026) == {
        "quality": 405,
        "ia": 95,
        "pi": 39,
        "cost": 35,
        "benchmarks": 293,
        "mvps": 27,
    }


def test_unknown_year_has_nothing(catalog: Catalog) -> None:
    assert catalog.counts(1999) == dict.fromkeys(
        ("quality", "ia", "pi", "cost", "benchmarks", "mvps"), 0
    )
    assert catalog.measures(1999) == []


def test_source_info_records_path_release_hash_and_years(
    catalog: Catalog, measures_source: Path, source_years: list[int]
) -> None:
    info = catalog.source()
    assert Path(info.path) == measures_source.resolve()
    assert info.version == "v11.1.0"  # SOURCE.md says "release v11.1.0"
    assert info.years == source_years
    assert info.content_hash == source_content_hash(measures_source)
    assert len(info.content_hash) == 64
    assert info.built_at.endswith("+00:00")


def test_content_hash_depends_on_content_not_location(
    measures_source: Path, source_copy: Path
) -> None:
    assert source_content_hash(source_copy) == source_content_hash(measures_source)
    path = source_copy / "benchmarks/2026.json"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            '"averagePerformanceRate": 1.68', '"averagePerformanceRate": 1.69', 1
        ),
        encoding="utf-8",
    )
    assert source_content_hash(source_copy) != source_content_hash(measures_source)


def test_content_hash_covers_only_the_data_files(
    measures_source: Path, source_copy: Path, tmp_path: Path
) -> None:
    # `catalog update` writes its own SOURCE.md; notes and files the catalog does not
    # read must not change the hash of the same CMS data.
    (source_copy / "SOURCE.md").write_text("# downloaded by MIPS Desk, release v11.1.0\n")
    (source_copy / "package.json").write_text('{"version": "11.1.0"}')
    (source_copy / "measures/2026/notes.txt").write_text("not data")
    info = build_catalog(source_copy, tmp_path / "catalog.sqlite")
    assert info.content_hash == source_content_hash(measures_source)
    assert info.content_hash == source_content_hash(source_copy)


def test_content_hash_equals_the_hash_of_the_pinned_manifest(catalog: Catalog) -> None:
    # ../shared holds release v11.1.0's data files, so the hash recorded by a build
    # can be checked against the manifest `catalog update` verifies downloads with.
    assert catalog.source().content_hash == content_hash_of(pinned_release().files)


def test_version_from_package_json_or_none(source_copy: Path, tmp_path: Path) -> None:
    (source_copy / "SOURCE.md").unlink()
    assert build_catalog(source_copy, tmp_path / "a.sqlite").version is None
    (source_copy / "package.json").write_text(
        json.dumps({"name": "qpp-measures-data", "version": "11.2.0"})
    )
    assert build_catalog(source_copy, tmp_path / "b.sqlite").version == "v11.2.0"


def test_catalog_file_is_private_and_progress_reaches_the_end(
    measures_source: Path, tmp_path: Path
) -> None:
    calls: list[tuple[int, int, str]] = []
    dest = tmp_path / "sub" / "catalog.sqlite"
    build_catalog(measures_source, dest, progress=lambda d, t, m: calls.append((d, t, m)))
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    assert calls[0][0] == 0
    assert calls[-1][0] == calls[-1][1] > 0
    assert [d for d, _, _ in calls] == sorted(d for d, _, _ in calls)
    assert os.listdir(dest.parent) == ["catalog.sqlite"]  # no temporary file left


def test_rebuild_replaces_the_previous_catalog(
    measures_source: Path, source_copy: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "catalog.sqlite"
    build_catalog(measures_source, dest)
    shutil.rmtree(source_copy / "measures/2024")
    build_catalog(source_copy, dest)
    with Catalog.open(dest) as cat:
        assert 2024 not in cat.years()
        assert cat.source().path == str(source_copy.resolve())


def test_years_are_discovered_from_folders(source_copy: Path, tmp_path: Path) -> None:
    """A newer release adds a year: the builder reads it without code changes."""
    shutil.copytree(source_copy / "measures/2026", source_copy / "measures/2027")
    shutil.copy(source_copy / "benchmarks/2026.json", source_copy / "benchmarks/2027.json")
    shutil.copytree(source_copy / "mvp/2026", source_copy / "mvp/2027")
    info = build_catalog(source_copy, tmp_path / "c.sqlite")
    assert info.years[-1] == 2027
    with Catalog.open(tmp_path / "c.sqlite") as cat:
        assert cat.counts(2027) == cat.counts(2026)


def test_newest_year_without_benchmarks_yet_builds(source_copy: Path, tmp_path: Path) -> None:
    """CMS publishes a year's benchmarks after its measures."""
    (source_copy / "benchmarks/2026.json").unlink()
    build_catalog(source_copy, tmp_path / "c.sqlite")
    with Catalog.open(tmp_path / "c.sqlite") as cat:
        assert cat.counts(2026)["benchmarks"] == 0
        assert cat.counts(2026)["quality"] == 405
        assert cat.counts(2025)["benchmarks"] > 0


def test_oldest_year_without_mvps_builds(source_copy: Path, tmp_path: Path) -> None:
    """MVPs began in 2023: older years have no mvp.json."""
    shutil.rmtree(source_copy / "mvp/2024")
    build_catalog(source_copy, tmp_path / "c.sqlite")
    with Catalog.open(tmp_path / "c.sqlite") as cat:
        assert cat.counts(2024)["mvps"] == 0
        assert cat.counts(2025)["mvps"] == 21


def test_unknown_fields_are_kept(source_copy: Path, tmp_path: Path) -> None:
    path = source_copy / "measures/2026/measures-data.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    records[0]["someFieldCmsAddsLater"] = {"nested": [1, 2]}
    path.write_text(json.dumps(records), encoding="utf-8")
    build_catalog(source_copy, tmp_path / "c.sqlite")
    with Catalog.open(tmp_path / "c.sqlite") as cat:
        measure = cat.measure(2026, records[0]["measureId"])
        assert measure is not None
        assert measure.data["someFieldCmsAddsLater"] == {"nested": [1, 2]}


# --- malformed sources ------------------------------------------------------------------


def _edit_json(rel: str, edit: Callable[[Any], Any]) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / rel
        path.write_text(
            json.dumps(edit(json.loads(path.read_text(encoding="utf-8")))), encoding="utf-8"
        )

    return apply


def _write(rel: str, text: str | bytes) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        data = text.encode() if isinstance(text, str) else text
        (root / rel).write_bytes(data)

    return apply


def _remove(rel: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        target = root / rel
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()

    return apply


def _drop_field(index: int, field: str) -> Callable[[Any], Any]:
    def edit(records: Any) -> Any:
        del records[index][field]
        return records

    return edit


def _set_field(index: int, field: str, value: Any) -> Callable[[Any], Any]:
    def edit(records: Any) -> Any:
        records[index][field] = value
        return records

    return edit


MEASURES_26 = "measures/2026/measures-data.json"

MALFORMED = [
    # (id, damage, file named in the message, words describing the problem)
    ("no-measures-folder", _remove("measures"), "measures", ["missing"]),
    (
        "no-year-folders",
        lambda r: [shutil.rmtree(p) for p in (r / "measures").iterdir()],
        "measures",
        ["no year folders"],
    ),
    ("year-without-measures-file", _remove(MEASURES_26), MEASURES_26, ["missing", "measures/2026"]),
    ("no-benchmarks-folder", _remove("benchmarks"), "benchmarks", ["missing"]),
    ("no-mvp-folder", _remove("mvp"), "mvp", ["missing"]),
    (
        "benchmarks-gap",
        _remove("benchmarks/2024.json"),
        "benchmarks/2024.json",
        ["missing", "incomplete"],
    ),
    ("mvp-gap", _remove("mvp/2025/mvp.json"), "mvp/2025/mvp.json", ["missing", "incomplete"]),
    (
        "invalid-json",
        _write(MEASURES_26, '[\n  {"measureId": "001",\n   "title": }\n]'),
        MEASURES_26,
        ["not valid JSON", "line 3, column 13"],
    ),
    (
        "empty-file",
        _write("benchmarks/2025.json", ""),
        "benchmarks/2025.json",
        ["not valid JSON", "line 1, column 1"],
    ),
    (
        "not-utf8",
        _write("mvp/2026/mvp.json", b'[{"mvpId": "\xff"}]'),
        "mvp/2026/mvp.json",
        ["not UTF-8"],
    ),
    (
        "object-not-array",
        _write(MEASURES_26, '{"measures": []}'),
        MEASURES_26,
        ["expected a JSON array of measures", "found a JSON object"],
    ),
    (
        "benchmarks-string",
        _write("benchmarks/2026.json", '"nothing"'),
        "benchmarks/2026.json",
        ["expected a JSON array of benchmarks", "found a JSON string"],
    ),
    (
        "entry-not-object",
        _edit_json(MEASURES_26, lambda r: [*r[:3], 42, *r[3:]]),
        MEASURES_26,
        ["entry 4", "a JSON number", "expected a JSON object"],
    ),
    (
        "missing-measureId",
        _edit_json(MEASURES_26, _drop_field(1, "measureId")),
        MEASURES_26,
        ["entry 2", "'measureId' is missing"],
    ),
    (
        "missing-category",
        _edit_json(MEASURES_26, _drop_field(4, "category")),
        MEASURES_26,
        ["entry 5", "'category' is missing"],
    ),
    (
        "missing-title",
        _edit_json(MEASURES_26, _drop_field(0, "title")),
        MEASURES_26,
        ["entry 1", "'title' is missing"],
    ),
    (
        "unknown-category",
        _edit_json(MEASURES_26, _set_field(0, "category", "bonus")),
        MEASURES_26,
        ["entry 1", "'category'", '"bonus"'],
    ),
    (
        "numeric-measureId",
        _edit_json(MEASURES_26, _set_field(2, "measureId", 1)),
        MEASURES_26,
        ["entry 3", "'measureId'"],
    ),
    (
        "duplicate-measure",
        _edit_json(MEASURES_26, lambda r: [*r, r[0]]),
        MEASURES_26,
        ["appears more than once"],
    ),
    (
        "allowedPrograms-not-a-list",
        _edit_json(MEASURES_26, _set_field(6, "allowedPrograms", "mips")),
        MEASURES_26,
        ["entry 7", "'allowedPrograms'", '"mips"'],
    ),
    (
        "isRegistryMeasure-not-true-false",
        _edit_json(MEASURES_26, _set_field(0, "isRegistryMeasure", "sometimes")),
        MEASURES_26,
        ["entry 1", "'isRegistryMeasure'"],
    ),
    (
        "benchmark-no-method",
        _edit_json("benchmarks/2026.json", _drop_field(0, "submissionMethod")),
        "benchmarks/2026.json",
        ["entry 1", "'submissionMethod' is missing"],
    ),
    (
        "benchmark-bad-percentiles",
        _edit_json("benchmarks/2024.json", _set_field(3, "percentiles", "high")),
        "benchmarks/2024.json",
        ["entry 4", "'percentiles'"],
    ),
    (
        "mvp-no-id",
        _edit_json("mvp/2025/mvp.json", _drop_field(0, "mvpId")),
        "mvp/2025/mvp.json",
        ["entry 1", "'mvpId' is missing"],
    ),
    (
        "duplicate-mvp",
        _edit_json("mvp/2025/mvp.json", lambda r: [*r, r[-1]]),
        "mvp/2025/mvp.json",
        ["appears more than once"],
    ),
]


@pytest.mark.parametrize(
    ("damage", "named", "problem"),
    [pytest.param(d, n, p, id=i) for i, d, n, p in MALFORMED],
)
def test_malformed_source_is_refused_and_previous_catalog_kept(
    catalog_file: Path,
    source_copy: Path,
    tmp_path: Path,
    damage: Callable[[Path], None],
    named: str,
    problem: list[str],
) -> None:
    dest = tmp_path / "out" / "catalog.sqlite"
    dest.parent.mkdir()
    shutil.copy(catalog_file, dest)
    before = dest.read_bytes()
    damage(source_copy)
    with pytest.raises(CatalogSourceError) as err:
        build_catalog(source_copy, dest)
    message = str(err.value)
    assert str(source_copy / named) in message
    for words in problem:
        assert words in message
    assert dest.read_bytes() == before
    assert os.listdir(dest.parent) == ["catalog.sqlite"]


def test_missing_source_folder(tmp_path: Path) -> None:
    with pytest.raises(CatalogSourceError, match="does not exist") as err:
        build_catalog(tmp_path / "nowhere", tmp_path / "catalog.sqlite")
    assert str(tmp_path / "nowhere") in str(err.value)
    assert not (tmp_path / "catalog.sqlite").exists()


def test_source_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(CatalogSourceError, match="is not a folder"):
        build_catalog(tmp_path / "file", tmp_path / "catalog.sqlite")


def test_unwritable_destination_gives_catalog_error(measures_source: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(CatalogError, match="Could not write the catalog"):
        build_catalog(measures_source, blocker / "catalog.sqlite")
    assert blocker.read_text() == "a file where a folder should be"


def test_catalog_holds_full_records(catalog_file: Path, source_json: SourceJson) -> None:
    """The stored record is the source record, field for field."""
    with sqlite3.connect(catalog_file) as conn:
        (data,) = conn.execute(
            "SELECT data FROM measures WHERE year = 2026 AND measure_id = '001'"
        ).fetchone()
    expected = next(m for m in source_json(MEASURES_26) if m["measureId"] == "001")
    assert json.loads(data) == expected


def test_leftovers_of_a_crashed_build_are_removed(measures_source: Path, tmp_path: Path) -> None:
    old = tmp_path / ".catalog.sqlite.abc123.building"
    recent = tmp_path / ".catalog.sqlite.def456.building"
    old.write_bytes(b"half a catalog")
    recent.write_bytes(b"another build in progress")
    os.utime(old, (1_600_000_000, 1_600_000_000))
    build_catalog(measures_source, tmp_path / "catalog.sqlite")
    assert not old.exists()
    assert recent.exists()


def test_titles_show_the_trademark_sign_the_source_lost(catalog: Catalog) -> None:
    # CMS's 2026 data writes "Common AgreementTM (TEFCATM)" where ™ was meant.
    for measure_id in ("PI_HIE_6", "PI_PHCDRR_6"):
        info = catalog.measure(2026, measure_id)
        assert info is not None
        assert "Common Agreement™ (TEFCA™)" in info.title, info.title
        assert "TM" not in info.title.replace("TEFCA™", "")
        assert info.data["title"] == info.title
    description = catalog.measure(2026, "PI_PHCDRR_6").description  # type: ignore[union-attr]
    assert "TEFCATM" not in description and "TEFCA™" in description
    [hit] = [h for h in catalog.search(2026, "TEFCA", "pi") if h.measure_id == "PI_HIE_6"]
    assert "Common Agreement™ (TEFCA™)" in hit.title


def test_only_the_known_lost_trademarks_are_rewritten() -> None:
    from desktop_app.catalog.build import clean_text

    assert clean_text("Common AgreementTM (TEFCATM)") == "Common Agreement™ (TEFCA™)"
    for text in ("ATM", "HTML", "Bottom-Up TM", "EHRTM", "Agreement TM", "UTMOST", "TEFCA"):
        assert clean_text(text) == text
