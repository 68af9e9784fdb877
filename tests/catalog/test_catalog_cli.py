"""``mipsdesk catalog ...`` through desktop_app.cli.main."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from desktop_app import paths
from desktop_app.catalog import Catalog
from desktop_app.catalog.source import HOW_TO_GET_CATALOG
from desktop_app.cli import main

COUNT_KEYS = {"quality", "ia", "pi", "cost", "benchmarks", "mvps"}


@pytest.fixture
def no_developer_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths, "developer_shared_dir", lambda: None)


def _json(capsys: pytest.CaptureFixture[str]) -> Any:
    return json.loads(capsys.readouterr().out)


def test_build_json(
    measures_source: Path, catalog: Catalog, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["catalog", "build", "--source", str(measures_source), "--json"]) == 0
    out = _json(capsys)
    assert out["years"] == {str(y): catalog.counts(y) for y in catalog.years()}
    assert out["source"]["version"] == "v11.1.0"
    assert paths.catalog_path().is_file()


def test_build_text(measures_source: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "build", "--source", str(measures_source)]) == 0
    out = capsys.readouterr().out
    assert "Built the measures catalog" in out
    assert "v11.1.0" in out
    assert "2026" in out and "405" in out


def test_build_bad_source_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "build", "--source", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mipsdesk: ")
    assert str(tmp_path / "none") in err and "does not exist" in err
    assert not paths.catalog_path().exists()


def test_build_malformed_source_keeps_catalog(
    catalog_file: Path, source_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(catalog_file, paths.catalog_path())
    before = paths.catalog_path().read_bytes()
    (source_copy / "mvp/2026/mvp.json").write_text('{"mvps": []}')
    assert main(["catalog", "build", "--source", str(source_copy)]) == 2
    assert "mvp/2026/mvp.json: expected a JSON array" in capsys.readouterr().err
    assert paths.catalog_path().read_bytes() == before


def test_build_without_any_source(
    no_developer_copy: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["catalog", "build"]) == 2
    assert "mipsdesk catalog update" in capsys.readouterr().err


def test_info_json_exact_shape(capsys: pytest.CaptureFixture[str], measures_source: Path) -> None:
    """No catalog yet: info builds it from the discovered source (here ../shared)."""
    assert main(["catalog", "info", "--json"]) == 0
    out = _json(capsys)
    assert set(out) == {"years", "source"}
    assert sorted(out["years"]) == ["2024", "2025", "2026"]
    assert all(set(c) == COUNT_KEYS for c in out["years"].values())
    assert out["years"]["2026"] == {
        "quality": 405,
        "ia": 95,
        "pi": 39,
        "cost": 35,
        "benchmarks": 293,
        "mvps": 27,
    }
    assert set(out["source"]) == {"path", "version", "content_hash", "built_at", "years"}
    assert out["source"]["path"] == str(measures_source.resolve())
    assert out["source"]["years"] == [2024, 2025, 2026]


def test_info_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "info"]) == 0
    captured = capsys.readouterr()
    assert "Measures catalog" in captured.out
    for word in ("Quality", "IA", "PI", "Cost", "Benchmarks", "MVPs", "v11.1.0"):
        assert word in captured.out
    assert "Building the measures catalog" in captured.err  # progress on stderr


def test_info_without_catalog_or_source(
    no_developer_copy: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["catalog", "info", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert HOW_TO_GET_CATALOG in captured.err


def test_info_with_source_env_naming_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MIPSDESK_CATALOG_SOURCE", str(tmp_path / "gone"))
    assert main(["catalog", "info"]) == 2
    assert "MIPSDESK_CATALOG_SOURCE" in capsys.readouterr().err


def test_info_with_a_broken_catalog_file(
    no_developer_copy: None, capsys: pytest.CaptureFixture[str]
) -> None:
    paths.catalog_path().write_text("not a database")
    assert main(["catalog", "info"]) == 2
    assert HOW_TO_GET_CATALOG in capsys.readouterr().err


def test_search_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "search", "--year", "2026", "--json", "CMS122v14"]) == 0
    hits = _json(capsys)
    assert hits[0] == {
        "measure_id": "001",
        "category": "quality",
        "title": "Diabetes: Glycemic Status Assessment Greater Than 9%",
    }


@pytest.mark.parametrize(
    ("words", "first"),
    [
        (["diabetes"], "001"),
        (["hypertension"], "236"),
        (["breast", "cancer", "screening"], "112"),
        (["asthma"], "398"),
        (["PI_EP_1"], "PI_EP_1"),
    ],
)
def test_search_json_lists_the_usual_mips_measure_first(
    capsys: pytest.CaptureFixture[str], words: list[str], first: str
) -> None:
    assert main(["catalog", "search", "--year", "2026", "--json", *words]) == 0
    ids = [h["measure_id"] for h in _json(capsys)]
    assert ids[0] == first
    assert not any(i.endswith("SSP") for i in ids[: ids.index(first) + 1])


def test_search_words_category_limit(catalog: Catalog, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "catalog",
                "search",
                "--year",
                "2025",
                "--category",
                "ia",
                "--limit",
                "4",
                "--json",
                "behavioral",
                "health",
            ]
        )
        == 0
    )
    hits = _json(capsys)
    assert 0 < len(hits) <= 4
    assert all(set(h) == {"measure_id", "category", "title"} for h in hits)
    assert all(h["category"] == "ia" for h in hits)
    expected = [h.measure_id for h in catalog.search(2025, "behavioral health", "ia", 4)]
    assert [h["measure_id"] for h in hits] == expected


def test_search_defaults_to_newest_year_and_prints_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "search", "001"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.split()[:2] == ["001", "quality"]


def test_search_no_match(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "search", "--year", "2026", "qqqzzzxx"]) == 0
    assert "No 2026 measure matches" in capsys.readouterr().out


def test_search_unknown_year(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "search", "--year", "2019", "diabetes"]) == 2
    assert "has no performance year 2019" in capsys.readouterr().err


def test_search_bad_limit(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "search", "--limit", "0", "diabetes"]) == 2
    assert "--limit" in capsys.readouterr().err


def test_search_bad_category_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["catalog", "search", "--category", "bonus", "x"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_search_without_catalog_or_source(
    no_developer_copy: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["catalog", "search", "--json", "diabetes"]) == 2
    assert HOW_TO_GET_CATALOG in capsys.readouterr().err


def test_update_json(http_server: Any, good_tar: bytes, capsys: pytest.CaptureFixture[str]) -> None:
    url = http_server.serve("/v11.1.0.tar.gz", good_tar)
    assert main(["catalog", "update", "--url", url, "--json"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["years"]["2026"]["mvps"] == 27
    assert out["source"]["path"] == str(paths.downloaded_source_dir().resolve())
    assert out["source"]["version"] == "v11.1.0"
    assert "Downloading the measures data from 127.0.0.1" in captured.err


def test_update_text(http_server: Any, good_tar: bytes, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "update", "--url", http_server.serve("/r.tar.gz", good_tar)]) == 0
    assert "Updated the measures catalog" in capsys.readouterr().out


def test_update_refused_url(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "update", "--url", "http://example.com/r.tar.gz"]) == 2
    assert "must start with https://" in capsys.readouterr().err


def test_update_server_error(http_server: Any, capsys: pytest.CaptureFixture[str]) -> None:
    url = http_server.serve("/r.tar.gz", b"oops", status=500)
    assert main(["catalog", "update", "--url", url, "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Could not download the measures data from 127.0.0.1" in captured.err


def test_catalog_without_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["catalog"])
    assert exc.value.code == 2
