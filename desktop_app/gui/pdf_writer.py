"""HTML laid out on Letter pages as a PDF, through Qt's own PDF writer.

The one place that sets up the page (US Letter, portrait, 18 mm margins, 300 dpi) for every
printable page MIPS Desk writes: election confirmations and the attestation summary.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

#: The style sheet of the plain printable pages (election confirmations).
BASIC_STYLE = "body { font-family: sans-serif; } h1 { font-size: 16pt; }"


def html_to_pdf_bytes(html: str, *, title: str, style: str = BASIC_STYLE) -> bytes:
    """``html`` as PDF bytes (Letter, portrait, 18 mm margins), titled ``title``."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(title)
    writer.setCreator("MIPS Desk")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.Letter),
            QPageLayout.Orientation.Portrait,
            QMarginsF(18, 18, 18, 18),
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setResolution(300)
    doc = QTextDocument()
    doc.setDefaultStyleSheet(style)
    doc.setHtml(html)
    doc.print_(writer)
    del writer  # finishes the PDF
    buffer.close()
    return bytes(data.data())
