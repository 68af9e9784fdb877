"""A small, dependency-free PDF writer for plain text reports (US Letter, Helvetica).

Enough for the audit binder's summary: headings, paragraphs wrapped to the page
width (measured with the fonts' glyph widths) and page numbers. Text outside
Latin-1 is replaced by close ASCII equivalents.
"""

from __future__ import annotations

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
TEXT_W = PAGE_W - 2 * MARGIN


# Glyph widths (1/1000 em) of the standard Helvetica and Helvetica-Bold fonts (Adobe
# font metrics), so lines are wrapped to what fits instead of an average character width.
def _widths(chars: str, widths: str) -> dict[str, int]:
    return dict(zip(chars, (int(w) for w in widths.split()), strict=True))


_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_PUNCT = " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_HELVETICA = {
    **_widths(
        _UPPER,
        "667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 667 778 "
        "722 667 611 722 667 944 667 667 611",
    ),
    **_widths(
        _LOWER,
        "556 556 500 556 556 278 556 556 222 222 500 222 833 556 556 556 556 "
        "333 500 278 556 500 722 500 500 500",
    ),
    **dict.fromkeys("0123456789", 556),
    **_widths(
        _PUNCT,
        "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 278 "
        "278 584 584 584 556 1015 278 278 278 469 556 333 334 260 334 584",
    ),
}
_HELVETICA_BOLD = {
    **_HELVETICA,
    **_widths(
        _UPPER,
        "722 722 722 722 667 611 778 722 278 556 722 611 833 722 778 667 778 "
        "722 667 611 722 667 944 667 667 611",
    ),
    **_widths(
        _LOWER,
        "556 611 556 611 556 333 611 611 278 278 556 278 889 611 611 611 611 "
        "389 556 333 611 556 778 556 556 500",
    ),
    **_widths(
        _PUNCT,
        "278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 333 "
        "333 584 584 584 611 975 333 278 333 584 556 333 389 280 389 584",
    ),
}
_WIDE = 1000  # anything not in the tables (accented letters): counted wide, never clipped


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of ``text`` set in Helvetica (bold: Helvetica-Bold) at ``size``."""
    table = _HELVETICA_BOLD if bold else _HELVETICA
    return sum(table.get(c, _WIDE) for c in _latin1(text)) * size / 1000


def wrap_to_width(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width`` points; a word
    longer than a line (a SHA-256, a path) is broken inside."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, size, bold) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for c in word:
            if line and text_width(line + c, size, bold) > width:
                lines.append(line)
                line = ""
            line += c
    if line or not lines:
        lines.append(line)
    return lines


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
        """Wrapped to the page width; continuation lines are indented two more spaces."""
        for para in text.split("\n"):
            first = " " * indent
            rest = " " * (indent + 2 if indent else 0)
            width = TEXT_W - text_width(rest, size, bold)
            for i, line in enumerate(wrap_to_width(para, width, size, bold)):
                self._lines.append(((first if i == 0 else rest) + line, size, bold))

    def to_bytes(self) -> bytes:
        pages: list[list[str]] = [[]]
        y = PAGE_H - MARGIN
        title_lines = [(t, 16, True) for t in wrap_to_width(self.title, TEXT_W, 16, True)]
        for text, size, bold in [*title_lines, ("", 6, False), *self._lines]:
            step = size + 4
            if y - step < MARGIN + 20:
                pages.append([])
                y = PAGE_H - MARGIN
            y -= step
            if text:
                font = "F2" if bold else "F1"
                pages[-1].append(f"BT /{font} {size} Tf {MARGIN} {y} Td ({_escape(text)}) Tj ET")
        footer_title = self.title
        while footer_title and text_width(f"{footer_title}... - page 00 of 00", 8) > TEXT_W:
            footer_title = footer_title[:-1]
        if footer_title != self.title:
            footer_title = footer_title.rstrip() + "..."
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
                f"({_escape(footer_title)} - page {n} of {len(pages)}) Tj ET"
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
