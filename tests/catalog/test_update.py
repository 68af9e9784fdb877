"""``update_catalog`` end to end over real HTTP (a server on 127.0.0.1 started by the tests)."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from desktop_app import paths
from desktop_app.catalog import Catalog, CatalogUpdateError
from desktop_app.catalog.build import build_catalog, content_hash_of, data_file_paths
from desktop_app.catalog.source import find_catalog_source
from desktop_app.catalog.update import catalog_url, pinned_release, update_catalog
from desktop_app.settings import Settings

Snapshot = Callable[..., dict[str, bytes]]


@pytest.fixture(autouse=True)
def _no_url_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MIPSDESK_CATALOG_URL", raising=False)


def _tar(members: list[tuple[tarfile.TarInfo, bytes | None]]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for info, data in members:
            tf.addfile(info, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def _file(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


# --- the pinned manifest ----------------------------------------------------------------


def test_pinned_manifest_matches_the_shared_release(measures_source: Path) -> None:
    pin = pinned_release()
    assert pin.release == "v11.1.0"
    assert pin.url == "https://github.com/CMSgov/qpp-measures-data/archive/refs/tags/v11.1.0.tar.gz"
    assert pin.release in (measures_source / "SOURCE.md").read_text()
    assert sorted(pin.files) == sorted(data_file_paths([2024, 2025, 2026]))
    for rel, digest in pin.files.items():
        assert hashlib.sha256((measures_source / rel).read_bytes()).hexdigest() == digest, rel


def test_url_order_argument_environment_setting_pin(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(catalog_url="https://mirror.example/settings.tar.gz")
    assert catalog_url(None, Settings()) == pinned_release().url
    assert catalog_url(None, settings) == "https://mirror.example/settings.tar.gz"
    monkeypatch.setenv("MIPSDESK_CATALOG_URL", "https://mirror.example/env.tar.gz")
    assert catalog_url(None, settings) == "https://mirror.example/env.tar.gz"
    assert catalog_url("https://x.example/arg.zip", settings) == "https://x.example/arg.zip"


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/release.tar.gz",
        "ftp://127.0.0.1/release.tar.gz",
        "file:///etc/passwd",
        "not a url",
        "http://10.0.0.1/release.tar.gz",
    ],
)
def test_only_https_or_loopback_http(url: str) -> None:
    with pytest.raises(CatalogUpdateError, match=r"must start with https://|not a valid URL"):
        update_catalog(url)
    assert not paths.catalog_path().exists()


# --- success ----------------------------------------------------------------------------


def test_update_downloads_verifies_and_builds(
    http_server: Any, good_tar: bytes, catalog: Catalog
) -> None:
    url = http_server.serve("/v11.1.0.tar.gz", good_tar)
    seen: list[tuple[int, int, str]] = []
    info = update_catalog(url, progress=lambda d, t, m: seen.append((d, t, m)))

    assert info.version == "v11.1.0"
    assert info.years == [2024, 2025, 2026]
    downloaded = paths.downloaded_source_dir()
    assert Path(info.path) == downloaded.resolve()
    pin = pinned_release()
    files = sorted(
        p.relative_to(downloaded).as_posix() for p in downloaded.rglob("*") if p.is_file()
    )
    assert files == sorted([*pin.files, "SOURCE.md"])
    with Catalog.open(paths.catalog_path()) as updated:
        for year in info.years:
            assert updated.counts(year) == catalog.counts(year)
    assert stat.S_IMODE(paths.catalog_path().stat().st_mode) == 0o600
    # byte progress of the download, ending at the archive's size
    download = [(d, t) for d, t, m in seen if m.startswith("Downloading")]
    assert download[-1] == (len(good_tar), len(good_tar))
    # the downloaded copy is now the discovered source, before the developer copy
    assert find_catalog_source(Settings()) == downloaded
    assert _leftovers() == []


def test_update_records_the_same_content_hash_as_a_build_of_the_same_data(
    http_server: Any, good_tar: bytes, measures_source: Path, tmp_path: Path
) -> None:
    built = build_catalog(measures_source, tmp_path / "from-shared.sqlite")
    updated = update_catalog(http_server.serve("/v11.1.0.tar.gz", good_tar))
    assert (paths.downloaded_source_dir() / "SOURCE.md").read_text() != (
        measures_source / "SOURCE.md"
    ).read_text()
    assert updated.content_hash == built.content_hash
    assert updated.content_hash == content_hash_of(pinned_release().files)
    with Catalog.open(paths.catalog_path()) as cat:
        assert cat.source().content_hash == built.content_hash


def _leftovers() -> list[str]:
    return sorted(p.name for p in paths.data_dir().iterdir() if p.name.startswith("."))


def test_update_from_a_zip_archive(http_server: Any, archives: Any) -> None:
    info = update_catalog(http_server.serve("/release.zip", archives.zip()))
    assert info.version == "v11.1.0"
    with Catalog.open(paths.catalog_path()) as cat:
        assert cat.counts(2026)["quality"] == 405


def test_update_follows_a_redirect(http_server: Any, good_tar: bytes) -> None:
    http_server.serve("/archive.tar.gz", good_tar)
    url = http_server.serve("/tag", status=302, location="/archive.tar.gz")
    assert update_catalog(url).version == "v11.1.0"


def test_update_url_from_the_environment(
    http_server: Any, good_tar: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIPSDESK_CATALOG_URL", http_server.serve("/env.tar.gz", good_tar))
    assert update_catalog().years == [2024, 2025, 2026]


def test_update_with_a_caller_supplied_client(http_server: Any, good_tar: bytes) -> None:
    with httpx.Client(timeout=10) as client:
        update_catalog(http_server.serve("/r.tar.gz", good_tar), client=client)
        assert not client.is_closed


# --- failures leave everything in place -------------------------------------------------


@pytest.fixture
def installed(http_server: Any, good_tar: bytes, take_snapshot: Snapshot) -> dict[str, bytes]:
    """A first successful update; returns the snapshot a failed update must not change."""
    update_catalog(http_server.serve("/first.tar.gz", good_tar))
    return take_snapshot(paths.catalog_path(), paths.downloaded_source_dir())


def _fails(url: str, *words: str, **kwargs: Any) -> str:
    with pytest.raises(CatalogUpdateError) as err:
        update_catalog(url, **kwargs)
    message = str(err.value)
    for word in words:
        assert word in message
    return message


def _unchanged(before: dict[str, bytes], take_snapshot: Snapshot) -> None:
    assert take_snapshot(paths.catalog_path(), paths.downloaded_source_dir()) == before
    assert _leftovers() == []


def test_tampered_file_is_refused(
    http_server: Any, archives: Any, installed: dict[str, bytes], take_snapshot: Snapshot
) -> None:
    rel = "benchmarks/2026.json"
    original = dict(archives.files)[rel]
    tampered = original.replace(
        b'"averagePerformanceRate": 1.68', b'"averagePerformanceRate": 9.68', 1
    )
    assert tampered != original
    url = http_server.serve("/tampered.tar.gz", archives.tar_gz({rel: tampered}))
    _fails(url, rel, "does not match release v11.1.0", "nothing was changed")
    _unchanged(installed, take_snapshot)


def test_missing_file_is_refused(
    http_server: Any, archives: Any, installed: dict[str, bytes], take_snapshot: Snapshot
) -> None:
    url = http_server.serve("/partial.tar.gz", archives.tar_gz({"mvp/2025/mvp.json": None}))
    _fails(url, "does not contain mvp/2025/mvp.json", "nothing was changed")
    _unchanged(installed, take_snapshot)


def test_tampered_file_refused_without_previous_data(http_server: Any, archives: Any) -> None:
    rel = "measures/2024/measures-data.json"
    url = http_server.serve("/t.tar.gz", archives.tar_gz({rel: b"[]"}))
    _fails(url, rel, "does not match")
    assert not paths.catalog_path().exists()
    assert not paths.downloaded_source_dir().exists()
    assert _leftovers() == []


@pytest.mark.parametrize("status", [404, 500, 503])
def test_http_error_status(
    http_server: Any, status: int, installed: dict[str, bytes], take_snapshot: Snapshot
) -> None:
    url = http_server.serve("/broken.tar.gz", b"error page", status=status)
    message = _fails(url, "Could not download the measures data from 127.0.0.1", f"HTTP {status}")
    assert "Check your internet connection and try again." in message
    _unchanged(installed, take_snapshot)


def test_unknown_path_is_a_404(http_server: Any) -> None:
    _fails(http_server.base + "/no-such-release.tar.gz", "HTTP 404", "catalog_url")


def test_connection_refused(
    refused_url: str, installed: dict[str, bytes], take_snapshot: Snapshot
) -> None:
    message = _fails(
        refused_url, "Could not download the measures data from 127.0.0.1", "could not connect"
    )
    assert "Check your internet connection and try again." in message
    _unchanged(installed, take_snapshot)


def test_truncated_download(
    http_server: Any, good_tar: bytes, installed: dict[str, bytes], take_snapshot: Snapshot
) -> None:
    url = http_server.serve("/cut.tar.gz", good_tar, truncate=True)
    _fails(url, "Could not download the measures data from 127.0.0.1", "interrupted")
    _unchanged(installed, take_snapshot)


def test_timeout(
    http_server: Any, good_tar: bytes, installed: dict[str, bytes], take_snapshot: Snapshot
) -> None:
    url = http_server.serve("/slow.tar.gz", good_tar, delay=2.0)
    with httpx.Client(timeout=0.2) as client:
        _fails(url, "127.0.0.1", "did not answer in time", client=client)
    _unchanged(installed, take_snapshot)


def test_size_cap(
    http_server: Any, good_tar: bytes, installed: dict[str, bytes], take_snapshot: Snapshot
) -> None:
    url = http_server.serve("/big.tar.gz", good_tar)
    _fails(url, "larger than the 1000 bytes", max_bytes=1000)
    _unchanged(installed, take_snapshot)


def test_redirect_to_plain_http_elsewhere_is_refused(http_server: Any) -> None:
    url = http_server.serve("/tag", status=302, location="http://example.invalid/x.tar.gz")
    _fails(url, "must start with https://")


def test_not_an_archive(
    http_server: Any, installed: dict[str, bytes], take_snapshot: Snapshot
) -> None:
    url = http_server.serve("/page.html", b"<html>Sign in to continue</html>")
    _fails(url, "not a usable .tar.gz or .zip archive")
    _unchanged(installed, take_snapshot)


@pytest.mark.parametrize(
    ("members", "words"),
    [
        pytest.param([_file("top/../../evil.txt", b"x")], ["unsafe path", ".."], id="dot-dot"),
        pytest.param([_file("/etc/evil.txt", b"x")], ["unsafe path", "absolute"], id="absolute"),
        pytest.param(
            [_file("one/a.txt", b"x"), _file("two/b.txt", b"y")],
            ["single top-level folder", "'one'", "'two'"],
            id="two-top-folders",
        ),
    ],
)
def test_unsafe_archives_are_refused(
    http_server: Any,
    members: list[tuple[tarfile.TarInfo, bytes]],
    words: list[str],
    installed: dict[str, bytes],
    take_snapshot: Snapshot,
) -> None:
    _fails(http_server.serve("/evil.tar.gz", _tar(members)), *words)
    _unchanged(installed, take_snapshot)
    assert not (paths.data_dir().parent / "evil.txt").exists()


def test_pinned_file_as_a_link_is_refused(http_server: Any, archives: Any) -> None:
    members: list[tuple[tarfile.TarInfo, bytes | None]] = []
    for rel, data in archives.files:
        if rel == "benchmarks/2025.json":
            link = tarfile.TarInfo(f"top/{rel}")
            link.type = tarfile.SYMTYPE
            link.linkname = "/etc/passwd"
            members.append((link, None))
        else:
            members.append(_file(f"top/{rel}", data))
    _fails(
        http_server.serve("/link.tar.gz", _tar(members)),
        "benchmarks/2025.json",
        "not a regular file",
    )
    assert not paths.downloaded_source_dir().exists()


def test_broken_settings_file_is_an_update_error() -> None:
    paths.settings_path().write_text("{broken")
    with pytest.raises(CatalogUpdateError, match="settings file"):
        update_catalog()


def test_leftovers_of_a_crashed_update_are_removed(http_server: Any, good_tar: bytes) -> None:
    old = paths.data_dir() / ".catalog-update-crashed"
    (old / "unpacked").mkdir(parents=True)
    os.utime(old, (1_600_000_000, 1_600_000_000))
    update_catalog(http_server.serve("/r.tar.gz", good_tar))
    assert _leftovers() == []
