"""Small helpers shared by the widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


def set_role(label: QLabel, role: str) -> QLabel:
    """Style a label by role (pageTitle, sectionTitle, hint, error, saved; see app.qss)."""
    label.setProperty("role", role)
    label.style().unpolish(label)
    label.style().polish(label)
    return label


def show_error(field: QWidget, label: QLabel, message: str) -> None:
    """Show ``message`` under ``field`` (or hide the label when empty); flag the field."""
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setText(message)
    label.setVisible(bool(message))
    set_role(label, "error")
    field.setProperty("invalid", bool(message))
    field.style().unpolish(field)
    field.style().polish(field)
    field.setAccessibleDescription(message)


def title_label(text: str, role: str = "pageTitle") -> QLabel:
    label = QLabel(text)
    return set_role(label, role)


def format_tin(tin: str) -> str:
    """A 9-digit TIN as printed on tax forms: ``12-3456789``."""
    return f"{tin[:2]}-{tin[2:]}" if len(tin) == 9 and tin.isdigit() else tin
