"""A small, dependency-free PDF writer for plain text reports (US Letter, Helvetica).

Enough for the audit binder's summary: headings, wrapped paragraphs and page
numbers. Text outside Latin-1 is replaced by close ASCII equivalents.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

_REPLACE = {
    "\u2013": "-",
    "\u2014": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2026": "...",
    "\u2022": "-",
    "\u2713": "v",
    "\u2265": ">=",
    "\u2264": "<=",
    "\u00a0": " ",
}

PAGE_W, PAGE_H = 612, 792
MARGIN = 54


def _latin1(text: str) -> str:
    out = "".join(_REPLACE.get(c, c) for c in text)
    return out.encode("latin-1", "replace").decode("latin-1")


def _escape(text: str) -> str:
    return _latin1(text).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


@dataclass
class PdfDocument:
    """Collects lines and writes them as a paginated PDF."""

    title: str
    _lines: list[tuple[str, int, bool]] = field(default_factory=list)

    def heading(self, text: str, size: int = 13) -> None:
        self._lines.append(("", 6, False))
        self._lines.append((text, size, True))

    def paragraph(self, text: str, size: int = 10, bold: bool = False, indent: int = 0) -> None:
        width = int((PAGE_W - 2 * MARGIN - indent * 6) / (size * 0.5))
        for para in text.split("\n"):
            wrapped = textwrap.wrap(para, width=width) or [""]
            for i, line in enumerate(wrapped):
                prefix = " " * indent if i == 0 else " " * (indent + 2 if indent else 0)
                self._lines.append((prefix + line, size, bold))

    def to_bytes(self) -> bytes:
        pages: list[list[str]] = [[]]
        y = PAGE_H - MARGIN
        title_lines = [(self.title, 16, True), ("", 6, False)]
        for text, size, bold in [*title_lines, *self._lines]:
            step = size + 4
            if y - step < MARGIN + 20:
                pages.append([])
                y = PAGE_H - MARGIN
            y -= step
            if text:
                font = "F2" if bold else "F1"
                pages[-1].append(f"BT /{font} {size} Tf {MARGIN} {y} Td ({_escape(text)}) Tj ET")
        objects: list[bytes] = []

        def add(obj: str | bytes) -> int:
            objects.append(obj.encode("latin-1") if isinstance(obj, str) else obj)
            return len(objects)

        add("<< /Type /Catalog /Pages 2 0 R >>")
        add("")  # pages, filled below
        f1 = add(
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
        )
        f2 = add(
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
        )
        kids: list[int] = []
        for n, ops in enumerate(pages, start=1):
            footer = (
                f"BT /F1 8 Tf {MARGIN} {MARGIN - 20} Td "
                f"({_escape(self.title)} - page {n} of {len(pages)}) Tj ET"
            )
            stream = "\n".join([*ops, footer]).encode("latin-1")
            content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
            kids.append(
                add(
                    f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] "
                    f"/Resources << /Font << /F1 {f1} 0 R /F2 {f2} 0 R >> >> "
                    f"/Contents {content} 0 R >>"
                )
            )
        objects[1] = (
            f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
        ).encode("latin-1")
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for i, obj in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for off in offsets:
            out += b"%010d 00000 n \n" % off
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(objects) + 1,
            xref,
        )
        return bytes(out)
