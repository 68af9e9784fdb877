"""The practice's TIN, name and address, and its size and special statuses, autosaved."""

from __future__ import annotations

from pydantic import ValidationError
from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.gui.context import AppContext
from desktop_app.gui.forms.ui_practice_form import Ui_PracticeForm
from desktop_app.gui.validation import field_errors
from desktop_app.gui.widgets.common import format_tin, set_role, show_error
from desktop_app.models.practice import SPECIAL_STATUS_LABELS, Practice, SpecialStatus

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


STATUS_HINTS: dict[SpecialStatus, str] = {
    SpecialStatus.SMALL_PRACTICE: "15 or fewer clinicians bill under the practice's TIN.",
    SpecialStatus.RURAL: "The practice is in a ZIP code CMS designates as rural.",
    SpecialStatus.HPSA: "The practice is in a Health Professional Shortage Area.",
    SpecialStatus.NON_PATIENT_FACING: "Few patient-facing encounters (as CMS counts them).",
    SpecialStatus.HOSPITAL_BASED: "Most services are billed in a hospital setting.",
    SpecialStatus.ASC_BASED: "Most services are billed in an ambulatory surgical center.",
    SpecialStatus.FACILITY_BASED: "Scored with the facility's Hospital VBP score.",
}


class PracticeStatusForm(QWidget):
    """The practice's size and special statuses, saved as soon as they change.

    Small practice is not ticked by hand: it follows from the number of clinicians
    billing under the TIN (the size entered here, else the clinicians listed), as
    the Eligibility page works it out.
    """

    saved = Signal()
    """Emitted after the practice was written to the workspace."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._loading = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        hint = set_role(
            QLabel(
                "CMS assigns these statuses; the QPP Participation Status tool shows yours. "
                "They change how the score is worked out (for example fewer improvement "
                "activities for a small, rural or HPSA practice)."
            ),
            "hint",
        )
        hint.setWordWrap(True)
        self.hint = hint
        layout.addWidget(hint)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.size = QSpinBox()
        self.size.setRange(0, 99999)
        self.size.setKeyboardTracking(False)  # save the finished number, not each keystroke
        self.size.setAccessibleName("Clinicians billing under the TIN")
        self.size.setToolTip(
            "How many clinicians bill under the practice's TIN. Leave it at 0 to count "
            "the clinicians listed below."
        )
        self.size.setMaximumWidth(320)
        size_label = QLabel("Clinicians &billing under the TIN")
        size_label.setBuddy(self.size)
        form.addRow(size_label, self.size)
        layout.addLayout(form)
        self.checks: dict[SpecialStatus, QCheckBox] = {}
        for status in SpecialStatus:
            box = QCheckBox(SPECIAL_STATUS_LABELS[status])
            box.setToolTip(STATUS_HINTS[status])
            self.checks[status] = box
            layout.addWidget(box)
            box.toggled.connect(self._statuses_changed)
            if status is SpecialStatus.SMALL_PRACTICE:
                box.setEnabled(False)
                self.small_note = set_role(QLabel(""), "hint")
                self.small_note.setWordWrap(True)
                self.small_note.setContentsMargins(24, 0, 0, 4)
                layout.addWidget(self.small_note)
        self.size.valueChanged.connect(self._size_changed)
        ctx.data_changed.connect(self._on_data_changed)
        self.load()

    def resizeEvent(self, event: QResizeEvent) -> None:
        # A wrapped label inside a width-limited widget on a scrolling page is given
        # its one-line height; reserve the lines it needs at the width it has.
        super().resizeEvent(event)
        for label in (self.hint, self.small_note):
            label.setMinimumHeight(label.heightForWidth(label.width()))

    def _on_data_changed(self, table: str) -> None:
        if table in ("practice", "clinicians"):
            self.load()

    def _small_limit(self) -> int | None:
        from desktop_app.eligibility.thresholds import year_rules

        try:
            return year_rules(self.ctx.year).small_practice_max_clinicians
        except ValueError:  # no eligibility values for the selected year
            return None

    def load(self) -> None:
        """Show the saved size and statuses (everything off before a practice exists)."""
        self._loading = True
        try:
            self._load()
        finally:
            self._loading = False

    def _load(self) -> None:
        ws = self.ctx.workspace
        practice = ws.practice() if ws is not None else None
        listed = len(ws.clinicians()) if ws is not None and practice is not None else 0
        self.setEnabled(practice is not None)
        self.size.blockSignals(True)
        self.size.setSpecialValueText(f"Count the clinicians listed below ({listed})")
        self.size.setValue(practice.size or 0 if practice is not None else 0)
        self.size.blockSignals(False)
        statuses = set(practice.special_statuses) if practice is not None else set()
        for status, box in self.checks.items():
            box.blockSignals(True)
            box.setChecked(status in statuses)
            box.blockSignals(False)
        small = self.checks[SpecialStatus.SMALL_PRACTICE]
        if practice is None:
            self.small_note.setText("Enter the practice's TIN and name first.")
            return
        count = practice.size if practice.size is not None else listed
        source = (
            "the number entered above"
            if practice.size is not None
            else "the clinicians listed below"
        )
        limit = self._small_limit()
        small.setEnabled(SpecialStatus.SMALL_PRACTICE in statuses)
        if SpecialStatus.SMALL_PRACTICE in statuses:
            small.setChecked(True)
            self.small_note.setText(
                "Recorded for this practice (imported or set before); untick it to let "
                "the number of clinicians decide."
            )
        elif limit is None or count == 0:
            small.setChecked(False)
            self.small_note.setText(
                "Follows from the number of clinicians billing under the TIN; "
                "add your clinicians below."
            )
        else:
            small.setChecked(count <= limit)
            verdict = f"{limit} or fewer" if count <= limit else f"more than {limit}"
            self.small_note.setText(
                f"Worked out from {source}: {count} clinician{'s' if count != 1 else ''} "
                f"({verdict} in {self.ctx.year})."
            )

    def statuses(self) -> list[SpecialStatus]:
        """The statuses ticked (small practice only while recorded for the practice)."""
        return [s for s, box in self.checks.items() if box.isChecked() and box.isEnabled()]

    def _save(self, **changes: object) -> None:
        ws = self.ctx.workspace
        practice = ws.practice() if ws is not None else None
        if ws is None or practice is None:
            return
        updated = Practice.model_validate({**practice.model_dump(), **changes})
        if updated != practice:
            ws.save_practice(updated)
            self.saved.emit()
        self.load()

    def _statuses_changed(self) -> None:
        if self._loading:
            return
        self._save(special_statuses=self.statuses())

    def _size_changed(self, value: int) -> None:
        if self._loading:
            return
        self._save(size=value or None)
