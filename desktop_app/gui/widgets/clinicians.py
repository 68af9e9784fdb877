"""The clinicians list: add, edit, remove and import from CSV, each saved at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pydantic import ValidationError
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.gui.background import run_in_background
from desktop_app.gui.context import AppContext
from desktop_app.gui.forms.ui_clinician_dialog import Ui_ClinicianDialog
from desktop_app.gui.validation import field_errors
from desktop_app.gui.widgets.common import set_role, show_error
from desktop_app.models.clinician_types import ELIGIBLE_CLINICIAN_TYPES, OTHER_TYPE_LABEL
from desktop_app.models.practice import OTHER_CLINICIAN_TYPE, Clinician

# Dialog widget name -> Clinician field.
DIALOG_FIELDS: dict[str, str] = {
    "npi": "npi",
    "firstName": "first_name",
    "lastName": "last_name",
    "clinicianType": "clinician_type",
    "enrollmentDate": "medicare_enrollment_date",
}


def type_label(code: str) -> str:
    if code in ELIGIBLE_CLINICIAN_TYPES:
        return f"{code} – {ELIGIBLE_CLINICIAN_TYPES[code]}"
    return "Other (not a MIPS eligible type)"


def us_date(value: object) -> str:
    return value.strftime("%m/%d/%Y") if value is not None else ""  # type: ignore[attr-defined]


class ClinicianDialog(QDialog):
    """Add or edit one clinician. Save checks the values and writes them at once;
    the dialog stays open showing what to fix when something is wrong."""

    def __init__(
        self,
        save: Callable[[Clinician], None],
        clinician: Clinician | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_ClinicianDialog()
        self.ui.setupUi(self)
        self._save = save
        self.setWindowTitle("Edit clinician" if clinician else "Add clinician")
        combo = self.ui.clinicianType
        for code, label in ELIGIBLE_CLINICIAN_TYPES.items():
            combo.addItem(f"{code} – {label}", code)
        combo.addItem(OTHER_TYPE_LABEL, OTHER_CLINICIAN_TYPE)
        combo.setPlaceholderText("Choose the clinician type")
        combo.setCurrentIndex(-1)
        for name in DIALOG_FIELDS:
            self.error_label(name).setVisible(False)
        self.ui.buttons.button(QDialogButtonBox.StandardButton.Save).setDefault(True)
        self.ui.buttons.accepted.connect(self.accept)
        self.ui.buttons.rejected.connect(self.reject)
        if clinician is not None:
            self.ui.npi.setText(clinician.npi)
            self.ui.firstName.setText(clinician.first_name)
            self.ui.lastName.setText(clinician.last_name)
            combo.setCurrentIndex(combo.findData(clinician.clinician_type))
            self.ui.enrollmentDate.setText(us_date(clinician.medicare_enrollment_date))
        self.saved_clinician: Clinician | None = None

    def error_label(self, name: str) -> QLabel:
        label: QLabel = getattr(self.ui, f"{name}Error")
        return label

    def errors(self) -> dict[str, str]:
        return {
            DIALOG_FIELDS[n]: self.error_label(n).text()
            for n in DIALOG_FIELDS
            if self.error_label(n).text()
        }

    def values(self) -> dict[str, object]:
        return {
            "npi": self.ui.npi.text(),
            "first_name": self.ui.firstName.text(),
            "last_name": self.ui.lastName.text(),
            "clinician_type": self.ui.clinicianType.currentData() or "",
            "medicare_enrollment_date": self.ui.enrollmentDate.text(),
        }

    def accept(self) -> None:
        try:
            clinician = Clinician.model_validate(self.values())
            errors: dict[str, str] = {}
        except ValidationError as exc:
            clinician = None
            errors = field_errors(exc)
        if clinician is not None:
            try:
                self._save(clinician)
            except Exception as exc:  # store refusal (e.g. NPI already listed)
                errors = {"npi": str(exc)}
                clinician = None
        for name, field in DIALOG_FIELDS.items():
            widget = getattr(self.ui, name)
            show_error(widget, self.error_label(name), errors.get(field, ""))
        if errors:
            self.resize(self.width(), max(self.height(), self.sizeHint().height()))
        if clinician is None:
            first_bad = next(n for n, f in DIALOG_FIELDS.items() if f in errors)
            getattr(self.ui, first_bad).setFocus()
            return
        self.saved_clinician = clinician
        super().accept()


class CsvReportDialog(QDialog):
    """Row-by-row problems found in a clinicians CSV; offers to import the valid rows."""

    def __init__(self, errors: list, valid: int, parent: QWidget | None = None) -> None:  # type: ignore[type-arg]
        super().__init__(parent)
        self.setWindowTitle("Some rows can't be imported")
        self.resize(720, 420)
        layout = QVBoxLayout(self)
        bad_rows = len({e.row for e in errors})
        rows_word = "row has" if bad_rows == 1 else "rows have"
        if valid:
            intro = (
                f"{bad_rows} {rows_word} problems and won't be imported. "
                f"{valid} {'row is' if valid == 1 else 'rows are'} fine. Fix the file and "
                "import it again, or import the valid rows now."
            )
        else:
            intro = (
                f"{bad_rows} {rows_word} problems. No row can be imported; "
                "fix the file and try again."
            )
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.table = QTableWidget(len(errors), 3)
        self.table.setHorizontalHeaderLabels(["Row", "Field", "Problem"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        for i, err in enumerate(errors):
            row_text = str(err.row) if err.row else "–"
            self.table.setItem(i, 0, QTableWidgetItem(row_text))
            self.table.setItem(i, 1, QTableWidgetItem(err.field or ""))
            self.table.setItem(i, 2, QTableWidgetItem(err.message))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        layout.addWidget(self.table)
        buttons = QDialogButtonBox()
        self.import_button: QPushButton | None = None
        if valid:
            self.import_button = buttons.addButton(
                f"Import {valid} valid {'row' if valid == 1 else 'rows'}",
                QDialogButtonBox.ButtonRole.AcceptRole,
            )
            buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        else:
            buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class CliniciansPanel(QWidget):
    """Table of the workspace's clinicians with Add / Edit / Remove / Import from CSV.

    Every change is written to the workspace immediately. Dialogs are opened
    window-modal with ``open()`` (never blocking); the one showing is
    ``self.active_dialog``.
    """

    changed = Signal()
    message = Signal(str)
    """A short confirmation for the status bar ("3 clinicians imported")."""

    COLUMNS = ("NPI", "Name", "Clinician type", "Medicare enrollment")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.active_dialog: QDialog | QMessageBox | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("cliniciansTable")
        self.table.setAccessibleName("Clinicians")
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(90)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table)

        self.empty_hint = set_role(
            QLabel(
                "No clinicians yet. Add each clinician who bills under this TIN, "
                "or import them from a CSV file."
            ),
            "hint",
        )
        self.empty_hint.setWordWrap(True)
        layout.addWidget(self.empty_hint)

        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Add…")
        self.edit_button = QPushButton("&Edit…")
        self.remove_button = QPushButton("&Remove")
        self.import_button = QPushButton("&Import from CSV…")
        self.add_button.setToolTip("Add a clinician")
        self.import_button.setToolTip(
            "Columns: NPI, First name, Last name, Clinician type, Medicare enrollment date"
        )
        for b in (self.add_button, self.edit_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self.add_clinician)
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.import_button.clicked.connect(self.choose_csv)
        self.refresh()

    # -- display ------------------------------------------------------------
    def clinicians(self) -> list[Clinician]:
        ws = self.ctx.workspace
        return ws.clinicians() if ws is not None else []

    def refresh(self) -> None:
        selected = self.selected_npi()
        rows = self.clinicians()
        self.table.setRowCount(len(rows))
        for i, c in enumerate(rows):
            cells = (
                c.npi,
                c.sort_name,
                type_label(c.clinician_type),
                us_date(c.medicare_enrollment_date),
            )
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, c.npi)
                self.table.setItem(i, j, item)
            if c.npi == selected:
                self.table.selectRow(i)
        self.empty_hint.setVisible(not rows)
        self._update_buttons()

    def selected_npi(self) -> str | None:
        items = self.table.selectedItems()
        if not items:
            return None
        npi = items[0].data(Qt.ItemDataRole.UserRole)
        return str(npi) if npi else None

    def select_npi(self, npi: str) -> None:
        for i in range(self.table.rowCount()):
            if self.table.item(i, 0).text() == npi:
                self.table.selectRow(i)
                return

    def _update_buttons(self) -> None:
        has_ws = self.ctx.workspace is not None
        chosen = self.selected_npi() is not None
        self.add_button.setEnabled(has_ws)
        self.import_button.setEnabled(has_ws)
        self.edit_button.setEnabled(has_ws and chosen)
        self.remove_button.setEnabled(has_ws and chosen)

    def _changed(self, text: str) -> None:
        self.refresh()
        self.changed.emit()
        self.message.emit(text)

    # -- add / edit / remove --------------------------------------------------
    def add_clinician(self) -> ClinicianDialog | None:
        ws = self.ctx.workspace
        if ws is None:
            return None
        dialog = ClinicianDialog(ws.add_clinician, parent=self)

        def done(result: int) -> None:
            self.active_dialog = None
            c = dialog.saved_clinician
            if result and c is not None:
                self._changed(f"Added {c.full_name}.")
                self.select_npi(c.npi)

        return self._open(dialog, done)

    def edit_selected(self) -> ClinicianDialog | None:
        ws = self.ctx.workspace
        npi = self.selected_npi()
        if ws is None or npi is None:
            return None
        current = ws.clinician(npi)
        if current is None:
            self.refresh()
            return None
        dialog = ClinicianDialog(lambda c: ws.update_clinician(npi, c), current, parent=self)

        def done(result: int) -> None:
            self.active_dialog = None
            c = dialog.saved_clinician
            if result and c is not None:
                self._changed(f"Saved {c.full_name}.")
                self.select_npi(c.npi)

        return self._open(dialog, done)

    def _open(self, dialog: ClinicianDialog, done: Callable[[int], None]) -> ClinicianDialog:
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.finished.connect(done)
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def remove_selected(self) -> QMessageBox | None:
        ws = self.ctx.workspace
        npi = self.selected_npi()
        if ws is None or npi is None:
            return None
        c = ws.clinician(npi)
        if c is None:
            self.refresh()
            return None
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Remove clinician",
            f"Remove {c.full_name} (NPI {c.npi}) from this practice?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.button(QMessageBox.StandardButton.Yes).setText("Remove")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setWindowModality(Qt.WindowModality.WindowModal)

        def done(result: int) -> None:
            self.active_dialog = None
            if result == QMessageBox.StandardButton.Yes:
                ws.remove_clinician(npi)
                self._changed(f"Removed {c.full_name}.")

        box.finished.connect(done)
        self.active_dialog = box
        box.open()
        return box

    # -- CSV import ---------------------------------------------------------
    def choose_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import clinicians from CSV", "", "CSV files (*.csv);;All files (*)"
        )
        if path:
            self.import_csv(Path(path))

    def import_csv(self, path: Path) -> None:
        """Read ``path`` in the background, then import it or show the problems found."""
        from desktop_app.models.clinician_csv import parse_clinicians_csv

        self.import_button.setEnabled(False)
        self.message.emit(f"Reading {path.name}…")
        run_in_background(
            parse_clinicians_csv,
            path,
            on_success=self._parsed,
            on_failure=self._unreadable,
            parent=self,
        )

    def _unreadable(self, exc: BaseException) -> None:
        self._update_buttons()
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Can't import the file",
            str(exc),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.finished.connect(lambda _r: setattr(self, "active_dialog", None))
        self.active_dialog = box
        box.open()

    def _parsed(self, result) -> None:  # type: ignore[no-untyped-def]
        from desktop_app.models.clinician_csv import CsvRowError

        self._update_buttons()
        existing = {c.npi for c in self.clinicians()}
        errors = list(result.errors)
        valid = []
        for c in result.clinicians:
            if c.npi in existing:
                errors.append(
                    CsvRowError(
                        row=result.row_of.get(c.npi, 0),
                        field="NPI",
                        message=f"{c.full_name} (NPI {c.npi}) is already in "
                        "this practice; remove or edit them there.",
                    )
                )
            else:
                valid.append(c)
        if not errors:
            self._import(valid)
            return
        errors.sort(key=lambda e: e.row or 0)
        dialog = CsvReportDialog(errors, len(valid), self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)

        def done(accepted: int) -> None:
            self.active_dialog = None
            if accepted and valid:
                self._import(valid)

        dialog.finished.connect(done)
        self.active_dialog = dialog
        dialog.open()

    def _import(self, clinicians: list[Clinician]) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        if not clinicians:
            self.message.emit("The file lists no clinicians.")
            return
        ws.add_clinicians(clinicians)
        n = len(clinicians)
        self._changed(f"Imported {n} {'clinician' if n == 1 else 'clinicians'}.")
