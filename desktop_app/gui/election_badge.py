"""Widgets shared by the Eligibility and Election pages: the QPP-style status badge."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from desktop_app.eligibility.badges import Badge

_TONES = {
    "eligible": ("#1b5e20", "#e8f5e9", "#2e7d32"),
    "exempt": ("#37474f", "#eceff1", "#78909c"),
    "unknown": ("#6d4c00", "#fff8e1", "#f9a825"),
}


class StatusBadge(QWidget):
    """``● MIPS ELIGIBLE`` / ``⊘ MIPS EXEMPT  [Opt-in eligible]`` as QPP shows them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.label = QLabel()
        self.label.setObjectName("statusBadge")
        self.note = QLabel()
        self.note.setObjectName("statusBadgeNote")
        for label in (self.label, self.note):
            label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            layout.addWidget(label, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addStretch(1)
        self.set_badge(Badge("NOT DETERMINED", "unknown"))

    def set_badge(self, badge: Badge) -> None:
        fg, bg, border = _TONES.get(badge.tone, _TONES["unknown"])
        mark = {"eligible": "✔", "exempt": "⊘"}.get(badge.tone, "?")
        self.label.setStyleSheet(
            f"QLabel {{ color: {fg}; background: {bg}; border: 1px solid {border}; "
            "border-radius: 10px; padding: 2px 10px; font-weight: 600; }"
        )
        self.label.setText(f"{mark} {badge.text}")
        self.label.adjustSize()
        self.label.setAccessibleName(badge.text + (f", {badge.note}" if badge.note else ""))
        self.note.setText(badge.note or "")
        self.note.setVisible(bool(badge.note))
        self.note.setStyleSheet(
            "QLabel { color: #0b4f8a; border: 1px solid #0b4f8a; border-radius: 10px; "
            "padding: 2px 8px; }"
        )
        self.note.setAlignment(Qt.AlignmentFlag.AlignVCenter)
        self.note.adjustSize()
        self.updateGeometry()

    def text(self) -> str:
        return self.label.text().split(" ", 1)[1]

    def note_text(self) -> str:
        return self.note.text() if self.note.isVisible() or self.note.text() else ""
