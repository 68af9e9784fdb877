"""The practice's TIN, name and address, saved as soon as the values are valid."""

from __future__ import annotations

from pydantic import ValidationError
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from desktop_app.gui.context import AppContext
from desktop_app.gui.forms.ui_practice_form import Ui_PracticeForm
from desktop_app.gui.validation import field_errors
from desktop_app.gui.widgets.common import format_tin, show_error
from desktop_app.models.practice import Practice

# Widget name in ui/practice_form.ui -> Practice field.
FIELDS: dict[str, str] = {
    "tin": "tin",
    "name": "name",
    "addressLine1": "address_line1",
    "addressLine2": "address_line2",
    "city": "city",
    "state": "state",
    "zip": "zip",
}


class PracticeForm(QWidget):
    """Edits the workspace's practice with autosave (no Save button).

    Each time a field is left (``editingFinished``) the form is checked against the
    :class:`Practice` model. Before a practice exists it is written as soon as
    the whole form is valid; afterwards every valid field is written at once and
    an invalid one shows its message under the field and is not saved.
    """

    saved = Signal()
    """Emitted after the practice was written to the workspace."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ui = Ui_PracticeForm()
        self.ui.setupUi(self)
        self._touched: set[str] = set()
        for widget_name in FIELDS:
            edit = self.edit(widget_name)
            edit.editingFinished.connect(lambda w=widget_name: self._field_done(w))
            self.error_label(widget_name).setVisible(False)
        self.ui.state.setMaxLength(2)
        self.ui.tin.setMaxLength(11)
        self.ui.zip.setMaxLength(10)

    def edit(self, widget_name: str) -> QLineEdit:
        widget: QLineEdit = getattr(self.ui, widget_name)
        return widget

    def error_label(self, widget_name: str):  # type: ignore[no-untyped-def]
        return getattr(self.ui, f"{widget_name}Error")

    def errors(self) -> dict[str, str]:
        """Field -> message currently shown (for tests and the wizard)."""
        return {FIELDS[w]: self.error_label(w).text() for w in FIELDS if self.error_label(w).text()}

    # -- loading ------------------------------------------------------------
    def load(self, keep_edits: bool = False) -> None:
        """Show the saved practice (empty fields when none).

        With ``keep_edits``, a field being edited or showing a problem keeps the
        user's text and message (used when another page changed the data).
        """
        ws = self.ctx.workspace
        practice = ws.practice() if ws is not None else None
        values = practice.model_dump() if practice is not None else {}
        for widget_name, field in FIELDS.items():
            edit = self.edit(widget_name)
            label = self.error_label(widget_name)
            if keep_edits and (edit.hasFocus() or label.text()):
                continue
            edit.setText(_display(field, values.get(field)))
            show_error(edit, label, "")
            self._touched.discard(widget_name)

    # -- saving -------------------------------------------------------------
    def _values(self) -> dict[str, str]:
        return {field: self.edit(w).text() for w, field in FIELDS.items()}

    def _field_done(self, widget_name: str) -> None:
        self._touched.add(widget_name)
        self.commit()

    def commit(self, show_all: bool = False) -> bool:
        """Check the form, show messages, save what is valid. True if all is valid."""
        ws = self.ctx.workspace
        if ws is None:
            return False
        saved = ws.practice()
        base = saved.model_dump() if saved is not None else {}
        values = {**base, **self._values()}
        try:
            practice = Practice.model_validate(values)
            errors: dict[str, str] = {}
        except ValidationError as exc:
            practice = None
            errors = field_errors(exc)
        shown = set(FIELDS) if show_all else self._touched
        for widget_name, field in FIELDS.items():
            message = errors.get(field, "") if widget_name in shown else ""
            show_error(self.edit(widget_name), self.error_label(widget_name), message)
        if practice is None and saved is not None:
            # Keep the saved value for each invalid field; save the valid ones.
            partial = {**base, **{f: v for f, v in self._values().items() if f not in errors}}
            try:
                practice = Practice.model_validate(partial)
            except ValidationError:
                practice = None
        if practice is not None and practice != saved:
            ws.save_practice(practice)
            self._show_normalized(practice, errors)
            self.saved.emit()
        return not errors

    def _show_normalized(self, practice: Practice, errors: dict[str, str]) -> None:
        """Show saved values as stored (e.g. state in capitals), except fields being fixed."""
        values = practice.model_dump()
        for widget_name, field in FIELDS.items():
            edit = self.edit(widget_name)
            if field not in errors and not edit.hasFocus():
                edit.setText(_display(field, values.get(field)))


def _display(field: str, value: object) -> str:
    text = str(value or "")
    return format_tin(text) if field == "tin" else text
