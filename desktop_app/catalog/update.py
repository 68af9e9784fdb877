"""Download the pinned release of CMS's qpp-measures-data and rebuild the catalog from it.

GitHub's archive bytes are not guaranteed stable, so the *content* is pinned:
``pinned_release.json`` (in this package) lists the SHA-256 of every data file the
catalog reads. An update

1. downloads the archive (HTTPS only, except from this computer: 127.0.0.1,
   localhost, ::1) with a timeout and a size cap;
2. unpacks only the pinned files from its single top-level folder, refusing absolute
   paths, ``..`` and links (tar members go through ``filter='data'``);
3. checks every pinned file's SHA-256; any missing or different file stops the update;
4. moves the verified files into the user data folder (the previous copy is kept
   until the new one is complete) and rebuilds the catalog from them.

On any failure nothing is replaced: the previous catalog and downloaded data stay.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path, PurePosixPath

import httpx

from desktop_app import __version__, paths
from desktop_app.catalog.build import Progress, build_catalog, remove_stale
from desktop_app.catalog.errors import CatalogError, CatalogUpdateError
from desktop_app.catalog.model import SourceInfo
from desktop_app.settings import Settings, SettingsError, load_settings

ENV_CATALOG_URL = "MIPSDESK_CATALOG_URL"

MAX_DOWNLOAD_BYTES = 256 * 1024 * 1024
"""The largest archive accepted (the v11.1.0 archive is far smaller)."""
MAX_FILE_BYTES = 128 * 1024 * 1024
"""The largest single data file accepted."""
MAX_UNPACKED_BYTES = 4 * 1024 * 1024 * 1024
"""The largest total size of all archive members (guards against archive bombs)."""
MAX_MEMBERS = 200_000
MAX_REDIRECTS = 5

TIMEOUT = httpx.Timeout(60.0, connect=15.0)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class PinnedRelease:
    """The release ``catalog update`` accepts: its name, default URL and file hashes."""

    repository: str
    release: str
    commit: str
    url: str
    files: dict[str, str]
    """POSIX path inside the release -> SHA-256 (hex) of its content."""


def pinned_release() -> PinnedRelease:
    text = resources.files("desktop_app.catalog").joinpath("pinned_release.json").read_text("utf-8")
    raw = json.loads(text)
    return PinnedRelease(
        repository=raw["repository"],
        release=raw["release"],
        commit=raw["commit"],
        url=raw["url"],
        files=dict(raw["files"]),
    )


def catalog_url(url: str | None = None, settings: Settings | None = None) -> str:
    """The download URL: ``url``, else MIPSDESK_CATALOG_URL, else the setting, else the pin."""
    if url and url.strip():
        return url.strip()
    env = os.environ.get(ENV_CATALOG_URL, "").strip()
    if env:
        return env
    if settings is None:
        try:
            settings = load_settings()
        except SettingsError as exc:
            raise CatalogUpdateError(str(exc)) from exc
    if settings.catalog_url and settings.catalog_url.strip():
        return settings.catalog_url.strip()
    return pinned_release().url


def check_url(url: str) -> httpx.URL:
    """Accept https:// URLs, and http:// only for this computer (127.0.0.1, localhost, ::1)."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise CatalogUpdateError(f"The measures data URL {url!r} is not a valid URL.") from exc
    host = parsed.host.lower()
    if parsed.scheme == "https" and host:
        return parsed
    if parsed.scheme == "http" and host in LOOPBACK_HOSTS:
        return parsed
    raise CatalogUpdateError(
        f"The measures data URL {url!r} must start with https:// (plain http:// is only "
        "allowed from this computer: 127.0.0.1, localhost or ::1)."
    )


def _network_error(host: str, reason: str, hint: str = "") -> CatalogUpdateError:
    return CatalogUpdateError(
        f"Could not download the measures data from {host}: {reason}. {hint}"
        "Check your internet connection and try again. Nothing was changed."
    )


def _download(
    url: str,
    dest: Path,
    client: httpx.Client | None,
    progress: Progress | None,
    max_bytes: int,
) -> None:
    host = check_url(url).host
    own = client is None
    http = client or httpx.Client(
        timeout=TIMEOUT, headers={"User-Agent": f"MIPS Desk/{__version__}"}
    )
    try:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            # Redirects are followed by hand so that each hop is checked before it is
            # requested (GitHub sends archives from codeload.github.com).
            with http.stream("GET", current, follow_redirects=False) as resp:
                if resp.is_redirect and "Location" in resp.headers:
                    current = str(resp.url.join(resp.headers["Location"]))
                    check_url(current)
                    continue
                _save(resp, dest, host, progress, max_bytes)
                return
        raise _network_error(host, f"more than {MAX_REDIRECTS} redirects")
    except httpx.TimeoutException as exc:
        raise _network_error(host, "the server did not answer in time") from exc
    except httpx.ConnectError as exc:
        raise _network_error(host, f"could not connect ({exc})") from exc
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.NetworkError) as exc:
        raise _network_error(
            host, f"the download was interrupted before it was complete ({exc})"
        ) from exc
    except httpx.HTTPError as exc:
        raise _network_error(host, str(exc) or type(exc).__name__) from exc
    except OSError as exc:
        raise CatalogUpdateError(
            f"Could not save the download in {dest.parent}: {exc.strerror or exc}. "
            "Nothing was changed."
        ) from exc
    finally:
        if own:
            http.close()


def _save(
    resp: httpx.Response, dest: Path, host: str, progress: Progress | None, max_bytes: int
) -> None:
    if resp.status_code >= 400:
        hint = (
            f"Check the measures data URL (setting catalog_url or {ENV_CATALOG_URL}). "
            if resp.status_code < 500
            else ""
        )
        raise _network_error(
            host,
            f"the server answered HTTP {resp.status_code} {resp.reason_phrase}".rstrip(),
            hint,
        )
    if resp.status_code != 200:
        raise _network_error(
            host, f"the server answered HTTP {resp.status_code} instead of the file"
        )
    try:
        total = int(resp.headers.get("Content-Length", "0"))
    except ValueError:
        total = 0
    too_large = (
        f"The measures data download from {host} is larger than the {max_bytes} bytes "
        "MIPS Desk accepts. Nothing was changed."
    )
    if total > max_bytes:
        raise CatalogUpdateError(too_large)
    message = f"Downloading the measures data from {host}"
    if progress:
        progress(0, total, message)
    written = 0
    with open(dest, "wb") as fh:
        for chunk in resp.iter_bytes(64 * 1024):
            written += len(chunk)
            if written > max_bytes or resp.num_bytes_downloaded > max_bytes:
                raise CatalogUpdateError(too_large)
            fh.write(chunk)
            if progress:
                progress(resp.num_bytes_downloaded, total, message)
    if total and resp.num_bytes_downloaded < total:
        raise _network_error(host, "the download was interrupted before it was complete")


# --- unpacking ------------------------------------------------------------------------


def _damaged(detail: str) -> CatalogUpdateError:
    return CatalogUpdateError(
        f"The downloaded measures data is not a usable .tar.gz or .zip archive ({detail}). "
        "Try the update again; nothing was changed."
    )


def _split_member(name: str) -> tuple[str, str]:
    """(top-level folder, path below it) of a member name; refuse unsafe names."""
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or "\\" in name:
        raise CatalogUpdateError(
            f"The downloaded archive contains the unsafe path {name!r} (absolute or with "
            "backslashes); it was refused and nothing was changed."
        )
    parts = [p for p in PurePosixPath(name).parts if p not in ("", ".")]
    if ".." in parts:
        raise CatalogUpdateError(
            f"The downloaded archive contains the unsafe path {name!r} (with '..'); "
            "it was refused and nothing was changed."
        )
    if not parts:
        return "", ""
    return parts[0], "/".join(parts[1:])


class _TopLevel:
    def __init__(self) -> None:
        self.name: str | None = None

    def see(self, top: str) -> None:
        if not top:
            return
        if self.name is None:
            self.name = top
        elif top != self.name:
            raise CatalogUpdateError(
                "The downloaded archive does not have a single top-level folder "
                f"(found {self.name!r} and {top!r}); it was refused and nothing was changed."
            )


def _unpack_tar(archive: Path, dest: Path, wanted: set[str]) -> str | None:
    top = _TopLevel()
    members: list[tarfile.TarInfo] = []
    total = 0
    with tarfile.open(archive, "r:*") as tf:
        for count, member in enumerate(tf, start=1):
            if count > MAX_MEMBERS:
                raise _damaged(f"more than {MAX_MEMBERS} entries")
            first, rel = _split_member(member.name)
            top.see(first)
            total += max(member.size, 0)
            if total > MAX_UNPACKED_BYTES:
                raise _damaged(f"it unpacks to more than {MAX_UNPACKED_BYTES} bytes")
            if rel in wanted:
                if not member.isfile():
                    raise CatalogUpdateError(
                        f"{rel} in the downloaded archive is not a regular file (a link or "
                        "folder); it was refused and nothing was changed."
                    )
                if member.size > MAX_FILE_BYTES:
                    raise _damaged(f"{rel} is larger than {MAX_FILE_BYTES} bytes")
                members.append(member)
        tf.extractall(dest, members=members, filter="data")
    return top.name


def _unpack_zip(archive: Path, dest: Path, wanted: set[str]) -> str | None:
    top = _TopLevel()
    total = 0
    with zipfile.ZipFile(archive) as zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise _damaged(f"more than {MAX_MEMBERS} entries")
        chosen: list[tuple[zipfile.ZipInfo, str, str]] = []
        for info in infos:
            first, rel = _split_member(info.filename)
            top.see(first)
            total += info.file_size
            if total > MAX_UNPACKED_BYTES:
                raise _damaged(f"it unpacks to more than {MAX_UNPACKED_BYTES} bytes")
            if rel in wanted:
                is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
                if info.is_dir() or is_link:
                    raise CatalogUpdateError(
                        f"{rel} in the downloaded archive is not a regular file (a link or "
                        "folder); it was refused and nothing was changed."
                    )
                if info.file_size > MAX_FILE_BYTES:
                    raise _damaged(f"{rel} is larger than {MAX_FILE_BYTES} bytes")
                chosen.append((info, first, rel))
        for info, first, rel in chosen:
            target = dest / first / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as out:
                copied = 0
                while block := src.read(1024 * 1024):
                    copied += len(block)
                    if copied > MAX_FILE_BYTES:
                        raise _damaged(f"{rel} is larger than {MAX_FILE_BYTES} bytes")
                    out.write(block)
    return top.name


def _unpack(archive: Path, dest: Path, wanted: set[str]) -> Path:
    """Unpack the wanted files; return the archive's top-level folder inside ``dest``."""
    try:
        if zipfile.is_zipfile(archive):
            top = _unpack_zip(archive, dest, wanted)
        elif tarfile.is_tarfile(archive):
            top = _unpack_tar(archive, dest, wanted)
        else:
            raise _damaged("the file is neither")
    except CatalogUpdateError:
        raise
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise _damaged(str(exc) or type(exc).__name__) from exc
    if top is None:
        raise _damaged("it is empty")
    return dest / top


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def verify_release(folder: Path, pin: PinnedRelease) -> None:
    """Check that ``folder`` holds every pinned file with exactly the pinned content."""
    for rel, expected in pin.files.items():
        path = folder / rel
        if not path.is_file():
            raise CatalogUpdateError(
                f"The downloaded measures data does not contain {rel}, which release "
                f"{pin.release} has. It was refused and nothing was changed."
            )
        actual = _sha256(path)
        if actual != expected:
            raise CatalogUpdateError(
                f"{rel} in the download does not match release {pin.release} of "
                f"{pin.repository} (SHA-256 {actual[:16]}..., expected {expected[:16]}...). "
                "The download may be damaged or altered; it was refused and nothing was changed."
            )


def _write_source_note(folder: Path, pin: PinnedRelease, url: str) -> None:
    when = datetime.now(UTC).isoformat(timespec="seconds")
    (folder / "SOURCE.md").write_text(
        f"# qpp-measures-data (downloaded by MIPS Desk)\n\n"
        f"Data files of CMS's {pin.repository}, release {pin.release} "
        f"(commit {pin.commit}), downloaded from {url} on {when}.\n"
        "Every file matched the SHA-256 pinned in MIPS Desk.\n",
        encoding="utf-8",
    )


def _install(staged: Path, work: Path, progress: Progress | None) -> SourceInfo:
    """Move ``staged`` to the downloaded-data folder and rebuild; undo on failure."""
    final = paths.downloaded_source_dir()
    previous = work / "previous"
    had_previous = final.exists()
    try:
        if had_previous:
            os.replace(final, previous)
        os.replace(staged, final)
    except OSError as exc:
        if had_previous and previous.exists() and not final.exists():
            os.replace(previous, final)
        raise CatalogUpdateError(
            f"Could not move the new measures data into {final}: {exc.strerror or exc}. "
            "Nothing was changed."
        ) from exc
    try:
        return build_catalog(final, paths.catalog_path(), progress)
    except CatalogError as exc:
        shutil.rmtree(final, ignore_errors=True)
        if had_previous:
            os.replace(previous, final)
        raise CatalogUpdateError(
            f"The downloaded measures data could not be made into a catalog: {exc} "
            "The previous catalog and measures data were kept."
        ) from exc


def update_catalog(
    url: str | None = None,
    progress: Progress | None = None,
    client: httpx.Client | None = None,
    *,
    settings: Settings | None = None,
    max_bytes: int = MAX_DOWNLOAD_BYTES,
) -> SourceInfo:
    """Download the pinned measures data release, verify it, and rebuild the catalog.

    ``url`` defaults to MIPSDESK_CATALOG_URL, then the catalog_url setting, then the
    pinned release's GitHub archive. ``progress(done, total, message)`` reports bytes
    while downloading (total 0 if unknown), then files checked, then the build.
    ``client`` lets callers supply their own httpx.Client (it is not closed).

    Raises CatalogUpdateError with a plain message; nothing is replaced then.
    """
    pin = pinned_release()
    url = catalog_url(url, settings)
    check_url(url)
    remove_stale(paths.data_dir(), ".catalog-update-*")
    try:
        work = Path(tempfile.mkdtemp(prefix=".catalog-update-", dir=paths.data_dir()))
    except OSError as exc:
        raise CatalogUpdateError(
            f"Could not prepare the download in {paths.data_dir()}: {exc.strerror or exc}."
        ) from exc
    try:
        archive = work / "download"
        _download(url, archive, client, progress, max_bytes)
        wanted = set(pin.files)
        if progress:
            progress(0, len(wanted), "Checking the downloaded measures data")
        top = _unpack(archive, work / "unpacked", wanted)
        verify_release(top, pin)
        if progress:
            progress(len(wanted), len(wanted), "Checked the downloaded measures data")
        with contextlib.suppress(OSError):
            archive.unlink()
        try:
            _write_source_note(top, pin, url)
        except OSError as exc:
            raise CatalogUpdateError(
                f"Could not write in {top}: {exc.strerror or exc}. Nothing was changed."
            ) from exc
        return _install(top, work, progress)
    finally:
        shutil.rmtree(work, ignore_errors=True)
