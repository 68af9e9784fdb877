"""Parsing untrusted XML (QRDA III files from EHRs) safely.

What is refused, before anything is resolved or fetched:

- files larger than :data:`MAX_BYTES` (checked on the file size, before reading);
- any document type declaration (``<!DOCTYPE``): QRDA III never needs one, and
  it is how entity-expansion ("billion laughs") and external-entity attacks
  (``file:///etc/passwd``, network DTDs) are carried;
- anything that is not UTF-8 (declared encoding or actual bytes), and files cut
  off in the middle, each with the line and column of the problem.

The lxml parser itself runs with ``resolve_entities=False``, ``no_network=True``,
``load_dtd=False`` and ``huge_tree=False`` as a second line of defence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

MAX_BYTES = 20 * 1024 * 1024
"""The largest XML file MIPS Desk reads (20 MB; CMS sample files are < 1 MB)."""

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_UTF8_BOM = b"\xef\xbb\xbf"


class UnsafeXmlError(ValueError):
    """The file can't be read as safe UTF-8 XML; ``str()`` says why and where."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        where = ""
        if line is not None:
            where = f" (line {line}" + (f", column {column}" if column is not None else "") + ")"
        super().__init__(message + where)
        self.reason = message
        self.line = line
        self.column = column


@dataclass(frozen=True)
class ParsedXml:
    tree: etree._ElementTree
    size: int


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    last_nl = data.rfind(b"\n", 0, offset)
    return line, offset - last_nl


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        recover=False,
    )


def read_limited(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of ``path``, refusing files above ``limit`` before reading them."""
    size = path.stat().st_size
    if size > limit:
        raise UnsafeXmlError(
            f"The file is {size / 1_048_576:.1f} MB; MIPS Desk reads XML files up to "
            f"{limit / 1_048_576:.0f} MB. Check that this is a QRDA III report, not an export "
            "of patient-level data."
        )
    with path.open("rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:  # the file grew while we looked at it
        raise UnsafeXmlError(f"The file is larger than {limit / 1_048_576:.0f} MB.")
    return data


def parse_bytes(data: bytes, limit: int = MAX_BYTES) -> ParsedXml:
    """Parse ``data`` as UTF-8 XML without DTDs, entities or network access."""
    if len(data) > limit:
        raise UnsafeXmlError(
            f"The file is {len(data) / 1_048_576:.1f} MB; MIPS Desk reads XML files up to "
            f"{limit / 1_048_576:.0f} MB."
        )
    if not data.strip():
        raise UnsafeXmlError("The file is empty: it is not an XML document.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:4] in (b"\x00\x00\xfe\xff",):
        raise UnsafeXmlError(
            "The file is encoded in UTF-16/UTF-32; QRDA III files must be UTF-8. "
            "Export the file again as UTF-8 from the EHR."
        )
    match = _DOCTYPE.search(data) or _ENTITY.search(data)
    if match:
        line, col = _line_col(data, match.start())
        raise UnsafeXmlError(
            "The file contains a document type declaration (<!DOCTYPE> or <!ENTITY>). "
            "QRDA III files never need one, and MIPS Desk refuses them because they can "
            "make a reader fetch files or network addresses or expand text without limit",
            line,
            col,
        )
    declared = _DECLARED_ENCODING.match(data.removeprefix(_UTF8_BOM))
    if declared and declared.group(1).decode("ascii").lower().replace("_", "-") not in (
        "utf-8",
        "utf8",
    ):
        raise UnsafeXmlError(
            f"The file declares encoding '{declared.group(1).decode('ascii')}'; QRDA III files "
            "must be UTF-8. Export the file again as UTF-8 from the EHR.",
            1,
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        raise UnsafeXmlError(
            f"The file is not valid UTF-8 (byte 0x{data[exc.start]:02x} can't be decoded); "
            "QRDA III files must be UTF-8. Export the file again as UTF-8 from the EHR",
            line,
            col,
        ) from exc
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (None, None)
        raw = re.sub(r",? line \d+, column \d+$", "", str(exc.msg or exc))
        lowered = raw.lower()
        last_line = data.rstrip().count(b"\n") + 1
        at_end = line is not None and line >= last_line
        if "start tag expected" in lowered or "document is empty" in lowered:
            reason = f"The file is not an XML document. Parser said: {raw}"
        elif (at_end and "extra content" not in lowered) or "premature end" in lowered:
            reason = (
                "The file ends before the XML document is complete; it looks truncated "
                f"(copy or download it again). Parser said: {raw}"
            )
        else:
            reason = f"The file is not well-formed XML: {raw}"
        raise UnsafeXmlError(reason, line, col) from exc
    tree = root.getroottree()
    if getattr(tree.docinfo, "doctype", ""):  # defence in depth; the byte scan above catches these
        raise UnsafeXmlError("The file contains a document type declaration.", 1)
    return ParsedXml(tree=tree, size=len(data))


def parse_file(path: Path, limit: int = MAX_BYTES) -> ParsedXml:
    """Read and parse ``path`` safely (see the module documentation)."""
    return parse_bytes(read_limited(path, limit), limit)
