"""Untrusted XML is parsed without DTDs, entities or network access, and bad files are
refused with a message that says what is wrong and where."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from desktop_app.formats.qrda3.model import Qrda3Error
from desktop_app.formats.qrda3.reader import read_qrda3
from desktop_app.formats.qrda3.safe_xml import UnsafeXmlError, parse_bytes, parse_file

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<ClinicalDocument xmlns="urn:hl7-org:v3"><title>&lol9;</title></ClinicalDocument>
"""


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'<!ENTITY secret "from the network">')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def local_server() -> Iterator[str]:
    _Recorder.requests = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_billion_laughs_is_refused_naming_the_declaration() -> None:
    with pytest.raises(UnsafeXmlError) as info:
        parse_bytes(BILLION_LAUGHS)
    assert "document type declaration" in str(info.value)
    assert info.value.line == 2


def test_external_file_entity_is_refused_without_reading_the_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    doc = (
        f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>\n'
        '<ClinicalDocument xmlns="urn:hl7-org:v3"><title>&x;</title></ClinicalDocument>'
    ).encode()
    with pytest.raises(Qrda3Error) as info:
        read_qrda3(doc, None)
    assert "TOP-SECRET-CONTENT" not in str(info.value)
    assert "document type declaration" in str(info.value)
    assert info.value.problems[0].line == 2


def test_etc_passwd_entity_is_refused() -> None:
    doc = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<ClinicalDocument xmlns="urn:hl7-org:v3"><title>&x;</title></ClinicalDocument>'
    )
    with pytest.raises(UnsafeXmlError) as info:
        parse_bytes(doc)
    assert "root:" not in str(info.value)


def test_network_dtd_is_refused_and_never_fetched(local_server: str) -> None:
    doc = (
        f'<?xml version="1.0"?>\n<!DOCTYPE ClinicalDocument SYSTEM "{local_server}/cda.dtd">\n'
        '<ClinicalDocument xmlns="urn:hl7-org:v3"/>'
    ).encode()
    with pytest.raises(UnsafeXmlError):
        parse_bytes(doc)
    entity = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "{local_server}/e.dtd"> %p;]><r/>'
    ).encode()
    with pytest.raises(UnsafeXmlError):
        parse_bytes(entity)
    assert _Recorder.requests == []


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    big.write_bytes(b"<a>" + b" " * 4000 + b"</a>")
    with pytest.raises(UnsafeXmlError) as info:
        parse_file(big, limit=1000)
    assert "MB" in str(info.value)
    assert parse_file(big, limit=10_000).size == big.stat().st_size


def test_latin1_bytes_are_refused_with_line_and_column() -> None:
    doc = '<?xml version="1.0"?>\n<a>\n  <b>Müller</b>\n</a>'.encode("latin-1")
    with pytest.raises(UnsafeXmlError) as info:
        parse_bytes(doc)
    assert "not valid UTF-8" in str(info.value)
    assert (info.value.line, info.value.column) == (3, 7)


def test_declared_non_utf8_encoding_is_refused() -> None:
    doc = b'<?xml version="1.0" encoding="ISO-8859-1"?><a/>'
    with pytest.raises(UnsafeXmlError) as info:
        parse_bytes(doc)
    assert "ISO-8859-1" in str(info.value)


def test_utf16_file_is_refused() -> None:
    with pytest.raises(UnsafeXmlError) as info:
        parse_bytes('<?xml version="1.0"?><a/>'.encode("utf-16"))
    assert "UTF-16" in str(info.value)


def test_truncated_file_says_so_with_its_position(samples: Path) -> None:
    data = (samples / "valid" / "qrda-files__valid-QRDA-III-latest.xml").read_bytes()
    cut = data[: len(data) // 2]
    with pytest.raises(UnsafeXmlError) as info:
        parse_bytes(cut)
    assert "truncated" in str(info.value)
    assert info.value.line is not None and info.value.line > 100


def test_utf8_with_bom_is_accepted() -> None:
    parsed = parse_bytes(b"\xef\xbb\xbf<?xml version='1.0' encoding='UTF-8'?><a>\xc3\xa9</a>")
    assert parsed.tree.getroot().text == "é"
