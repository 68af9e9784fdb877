"""Fixtures for the measures catalog tests: writable source copies and a local HTTP server."""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import tarfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

TOP = "qpp-measures-data-11.1.0"


def _make_writable(root: Path) -> None:
    for folder, _dirs, files in os.walk(root):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(Path(folder) / name, 0o644)


@pytest.fixture
def source_copy(tmp_path: Path, measures_source: Path) -> Path:
    """A writable copy of ../shared/qpp-measures-data for tests that damage it."""
    dest = tmp_path / "qpp-measures-data"
    shutil.copytree(measures_source, dest)
    _make_writable(dest)
    return dest


@pytest.fixture(scope="session")
def source_json(measures_source: Path) -> Callable[[str], Any]:
    """Parsed JSON of a file in the shared source, by relative path (cached)."""
    cache: dict[str, Any] = {}

    def load(rel: str) -> Any:
        if rel not in cache:
            cache[rel] = json.loads((measures_source / rel).read_text(encoding="utf-8"))
        return cache[rel]

    return load


@pytest.fixture(scope="session")
def source_years(measures_source: Path) -> list[int]:
    """The years the shared source holds, found the way a person would: its folders."""
    return sorted(int(p.name) for p in (measures_source / "measures").iterdir() if p.is_dir())


# --- archives ---------------------------------------------------------------------------


def _files(source: Path) -> list[tuple[str, bytes]]:
    return sorted(
        (p.relative_to(source).as_posix(), p.read_bytes()) for p in source.rglob("*") if p.is_file()
    )


def _tar_gz(entries: list[tuple[str, bytes | None, str | None]]) -> bytes:
    """entries: (name, data, link target); data None + target -> symlink; both None -> dir."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data, target in entries:
            info = tarfile.TarInfo(name)
            info.mtime = 1_700_000_000
            if target is not None:
                info.type = tarfile.SYMTYPE
                info.linkname = target
                tf.addfile(info)
            elif data is None:
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tf.addfile(info)
            else:
                info.size = len(data)
                info.mode = 0o644
                tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@dataclass
class Archives:
    """Archives of the shared source, built once, as GitHub would serve them."""

    files: list[tuple[str, bytes]]

    def entries(
        self, replace: dict[str, bytes | None] | None = None, top: str = TOP
    ) -> list[tuple[str, bytes | None, str | None]]:
        replace = replace or {}
        out: list[tuple[str, bytes | None, str | None]] = [(f"{top}/", None, None)]
        out.append((f"{top}/README.md", b"# qpp-measures-data\n", None))
        out.append((f"{top}/docs-link", None, "README.md"))  # a link elsewhere is skipped
        for rel, data in self.files:
            new = replace.get(rel, data)
            if new is not None:
                out.append((f"{top}/{rel}", new, None))
        return out

    def tar_gz(self, replace: dict[str, bytes | None] | None = None, top: str = TOP) -> bytes:
        return _tar_gz(self.entries(replace, top))

    def zip(self) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(f"{TOP}/", b"")
            for rel, data in self.files:
                zf.writestr(f"{TOP}/{rel}", data)
        return buf.getvalue()


@pytest.fixture(scope="session")
def archives(measures_source: Path) -> Archives:
    return Archives(files=_files(measures_source))


@pytest.fixture(scope="session")
def good_tar(archives: Archives) -> bytes:
    return archives.tar_gz()


# --- local HTTP server ------------------------------------------------------------------


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    truncate: bool = False
    delay: float = 0.0
    location: str | None = None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    routes: dict[str, Route]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        route = self.server.routes.get(self.path)
        if route is None:
            self.send_error(404, "Not Found")
            return
        if route.delay:
            time.sleep(route.delay)
        self.send_response(route.status)
        if route.location is not None:
            self.send_header("Location", route.location)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        if route.truncate:
            self.wfile.write(route.body[: len(route.body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(route.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class LocalServer:
    base: str
    routes: dict[str, Route]

    def serve(self, path: str, body: bytes = b"", **options: Any) -> str:
        """Answer GET ``path`` (options: status, truncate, delay, location); return its URL."""
        self.routes[path] = Route(body=body, **options)
        return self.base + path


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    """A plain-HTTP server on 127.0.0.1 in a thread; tests add routes to it."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.routes = {}
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield LocalServer(base=f"http://127.0.0.1:{server.server_address[1]}", routes=server.routes)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def refused_url() -> str:
    """A URL on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/release.tar.gz"


def snapshot(*roots: Path) -> dict[str, bytes]:
    """Every file under the given paths (files or folders) with its bytes."""
    out: dict[str, bytes] = {}
    for root in roots:
        if root.is_file():
            out[str(root)] = root.read_bytes()
        elif root.is_dir():
            for p in sorted(root.rglob("*")):
                if p.is_file():
                    out[str(p)] = p.read_bytes()
    return out


@pytest.fixture
def take_snapshot() -> Callable[..., dict[str, bytes]]:
    return snapshot
