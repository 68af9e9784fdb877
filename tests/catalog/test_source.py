"""Finding the measures data and getting a usable catalog at start-up."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop_app import paths
from desktop_app.catalog import Catalog, CatalogError, CatalogSourceError
from desktop_app.catalog.build import build_catalog
from desktop_app.catalog.source import HOW_TO_GET_CATALOG, ensure_catalog, find_catalog_source
from desktop_app.settings import Settings, save_settings


@pytest.fixture
def two_sources(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "from-env", tmp_path / "from-settings"
    a.mkdir()
    b.mkdir()
    return a, b


@pytest.fixture
def no_developer_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths, "developer_shared_dir", lambda: None)


def test_environment_variable_comes_first(
    monkeypatch: pytest.MonkeyPatch, two_sources: tuple[Path, Path]
) -> None:
    env, setting = two_sources
    monkeypatch.setenv("MIPSDESK_CATALOG_SOURCE", str(env))
    paths.downloaded_source_dir().mkdir()
    assert find_catalog_source(Settings(catalog_source=str(setting))) == env


def test_setting_when_no_environment_variable(two_sources: tuple[Path, Path]) -> None:
    _, setting = two_sources
    paths.downloaded_source_dir().mkdir()
    assert find_catalog_source(Settings(catalog_source=str(setting))) == setting


def test_setting_is_read_from_settings_json(two_sources: tuple[Path, Path]) -> None:
    _, setting = two_sources
    save_settings(Settings(catalog_source=str(setting)))
    assert find_catalog_source() == setting


def test_environment_variable_naming_nothing_is_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = tmp_path / "gone"
    monkeypatch.setenv("MIPSDESK_CATALOG_SOURCE", str(missing))
    with pytest.raises(CatalogSourceError, match="MIPSDESK_CATALOG_SOURCE") as err:
        find_catalog_source(Settings())
    assert str(missing) in str(err.value)


def test_setting_naming_nothing_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "gone"
    paths.downloaded_source_dir().mkdir()  # no silent fall-through to it
    with pytest.raises(CatalogSourceError, match="catalog_source setting") as err:
        find_catalog_source(Settings(catalog_source=str(missing)))
    assert str(missing) in str(err.value)


def test_broken_settings_file_is_a_source_error() -> None:
    paths.settings_path().write_text("{not json")
    with pytest.raises(CatalogSourceError, match="settings file"):
        find_catalog_source()


def test_downloaded_copy_before_developer_default() -> None:
    assert paths.developer_shared_dir() is not None  # this checkout has ../shared
    paths.downloaded_source_dir().mkdir()
    assert find_catalog_source(Settings()) == paths.downloaded_source_dir()


def test_developer_default_in_a_checkout(measures_source: Path) -> None:
    assert find_catalog_source(Settings()) == measures_source


def test_no_source_at_all(no_developer_copy: None) -> None:
    assert find_catalog_source(Settings()) is None


# --- ensure_catalog ---------------------------------------------------------------------


def test_ensure_builds_when_absent(monkeypatch: pytest.MonkeyPatch, source_copy: Path) -> None:
    monkeypatch.setenv("MIPSDESK_CATALOG_SOURCE", str(source_copy))
    seen: list[tuple[int, int]] = []
    catalog = ensure_catalog(progress=lambda d, t, m: seen.append((d, t)))
    assert catalog is not None
    with catalog:
        assert catalog.source().path == str(source_copy.resolve())
        assert catalog.counts(2026)["quality"] == 405
    assert paths.catalog_path().is_file()
    assert seen and seen[-1][0] == seen[-1][1]


def test_ensure_reuses_a_current_catalog(
    monkeypatch: pytest.MonkeyPatch, source_copy: Path
) -> None:
    monkeypatch.setenv("MIPSDESK_CATALOG_SOURCE", str(source_copy))
    build_catalog(source_copy, paths.catalog_path())
    before = paths.catalog_path().read_bytes()
    calls: list[int] = []
    catalog = ensure_catalog(progress=lambda d, t, m: calls.append(d))
    assert catalog is not None
    catalog.close()
    assert calls == []  # nothing rebuilt
    assert paths.catalog_path().read_bytes() == before


def test_ensure_rebuilds_when_the_source_changed(
    monkeypatch: pytest.MonkeyPatch, source_copy: Path
) -> None:
    monkeypatch.setenv("MIPSDESK_CATALOG_SOURCE", str(source_copy))
    build_catalog(source_copy, paths.catalog_path())
    mvp_file = source_copy / "mvp/2026/mvp.json"
    mvps = json.loads(mvp_file.read_text(encoding="utf-8"))
    mvp_file.write_text(json.dumps(mvps[:-1]), encoding="utf-8")
    catalog = ensure_catalog()
    assert catalog is not None
    with catalog:
        assert catalog.counts(2026)["mvps"] == len(mvps) - 1


def test_ensure_rebuilds_a_catalog_of_another_layout(
    catalog_file: Path, monkeypatch: pytest.MonkeyPatch, source_copy: Path
) -> None:
    monkeypatch.setenv("MIPSDESK_CATALOG_SOURCE", str(source_copy))
    shutil.copy(catalog_file, paths.catalog_path())
    with sqlite3.connect(paths.catalog_path()) as conn:
        conn.execute("PRAGMA user_version = 0")
    catalog = ensure_catalog()
    assert catalog is not None
    with catalog:
        assert catalog.source().path == str(source_copy.resolve())


def test_ensure_rebuilds_a_catalog_of_the_previous_layout(
    catalog_file: Path, monkeypatch: pytest.MonkeyPatch, source_copy: Path
) -> None:
    # Layout 1 had no search tier and hashed SOURCE.md too: such a catalog is refused
    # with a message saying to rebuild, and ensure_catalog rebuilds it.
    monkeypatch.setenv("MIPSDESK_CATALOG_SOURCE", str(source_copy))
    shutil.copy(catalog_file, paths.catalog_path())
    with sqlite3.connect(paths.catalog_path()) as conn:
        conn.execute("ALTER TABLE measures DROP COLUMN tier")
        conn.execute("PRAGMA user_version = 1")
    with pytest.raises(CatalogError, match=r"catalog layout 1; this version reads layout 2"):
        Catalog.open(paths.catalog_path())
    catalog = ensure_catalog()
    assert catalog is not None
    with catalog:
        assert catalog.search(2026, "diabetes")[0].measure_id == "001"


def test_ensure_keeps_the_catalog_when_the_source_is_damaged(
    monkeypatch: pytest.MonkeyPatch, source_copy: Path
) -> None:
    monkeypatch.setenv("MIPSDESK_CATALOG_SOURCE", str(source_copy))
    build_catalog(source_copy, paths.catalog_path())
    before = paths.catalog_path().read_bytes()
    (source_copy / "benchmarks/2025.json").write_text("[{]")
    with pytest.raises(CatalogSourceError, match=r"benchmarks/2025\.json is not valid JSON"):
        ensure_catalog()
    assert paths.catalog_path().read_bytes() == before
    with Catalog.open(paths.catalog_path()) as catalog:  # still usable by the caller
        assert catalog.counts(2025)["benchmarks"] > 0


def test_ensure_uses_existing_catalog_without_source(
    catalog_file: Path, no_developer_copy: None
) -> None:
    shutil.copy(catalog_file, paths.catalog_path())
    catalog = ensure_catalog()
    assert catalog is not None
    catalog.close()


def test_ensure_returns_none_without_catalog_or_source(no_developer_copy: None) -> None:
    assert ensure_catalog() is None
    assert not paths.catalog_path().exists()
    assert "mipsdesk catalog update" in HOW_TO_GET_CATALOG
    assert "MIPSDESK_CATALOG_SOURCE" in HOW_TO_GET_CATALOG


def test_an_old_layout_catalog_without_its_data_says_to_update(
    catalog_file: Path, no_developer_copy: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # A layout-1 catalog from an earlier MIPS Desk, and no measures data folder to
    # rebuild it from: not "no catalog yet", but "older version: run catalog update".
    from desktop_app.catalog import CatalogLayoutError
    from desktop_app.cli import main

    shutil.copy(catalog_file, paths.catalog_path())
    with sqlite3.connect(paths.catalog_path()) as conn:
        conn.execute("ALTER TABLE measures DROP COLUMN tier")
        conn.execute("PRAGMA user_version = 1")
    before = paths.catalog_path().read_bytes()
    with pytest.raises(CatalogLayoutError) as caught:
        ensure_catalog()
    message = str(caught.value)
    assert "from an older version of MIPS Desk" in message
    assert "`mipsdesk catalog update`" in message and "Update measures data" in message
    assert "no measures catalog yet" not in message
    assert paths.catalog_path().read_bytes() == before  # left as it was
    assert main(["catalog", "info"]) == 2
    err = capsys.readouterr().err
    assert "older version of MIPS Desk" in err and HOW_TO_GET_CATALOG not in err


def test_a_catalog_built_before_the_title_fixes_is_rebuilt_from_the_same_data(
    catalog_file: Path, monkeypatch: pytest.MonkeyPatch, source_copy: Path
) -> None:
    # Same source hash, but built before titles were cleaned (no 'text_fixes' in meta,
    # raw "AgreementTM"): ensure_catalog rebuilds it, so users see the fixed titles.
    monkeypatch.setenv("MIPSDESK_CATALOG_SOURCE", str(source_copy))
    shutil.copy(catalog_file, paths.catalog_path())
    with sqlite3.connect(paths.catalog_path()) as conn:
        conn.execute("DELETE FROM meta WHERE key = 'text_fixes'")
        conn.execute(
            "UPDATE measures SET title = replace(title, '™', 'TM') WHERE year = 2026 "
            "AND measure_id = 'PI_HIE_6'"
        )
    with Catalog.open(paths.catalog_path()) as old:
        assert old.text_fixes() == 0
        assert "AgreementTM" in old.measure(2026, "PI_HIE_6").title  # type: ignore[union-attr]
    catalog = ensure_catalog()
    assert catalog is not None
    with catalog:
        assert catalog.text_fixes() >= 1
        assert "Common Agreement™" in catalog.measure(2026, "PI_HIE_6").title  # type: ignore[union-attr]
