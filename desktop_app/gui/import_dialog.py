"""Import a QRDA III or QPP JSON file: what it holds, what will change, conflicts, apply.

The file is read and checked on a worker thread (safe XML parsing, the catalog of the
file's year); the preview against the open workspace and the import itself (one
transaction) run on the main thread, which owns the workspace connection. Nothing is
written until the user presses Import; a practice, clinician or reporting entity the
workspace doesn't know yet is only created after the user agrees (and names it).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.gui.background import run_in_background
from desktop_app.gui.context import AppContext
from desktop_app.gui.widgets.common import set_role, title_label
from desktop_app.gui.widgets.scroll import FittingScrollArea
from desktop_app.importing import (
    ApplyResult,
    ImportApplyError,
    ImportedFile,
    ImportPreview,
    ImportRefused,
    Resolution,
    apply_import,
    preview_import,
    read_import_file,
)
from desktop_app.importing.ecqm_ids import EcqmIds, all_known_ecqm_ids
from desktop_app.importing.reader import CATEGORY_LABELS, FORMAT_LABELS
from desktop_app.quality import collection_type_label

WARNING_STYLE = (
    "background: #fff4e5; color: #7a4100; border: 1px solid #f0c36d; border-radius: 4px; "
    "padding: 6px 8px;"
)
ERROR_STYLE = (
    "background: #fdecea; color: #8a1c1c; border: 1px solid #f5b5b0; border-radius: 4px; "
    "padding: 6px 8px;"
)


def _method_label(category: str, method: str) -> str:
    if category == "quality":
        return collection_type_label(method)
    return {"electronicHealthRecord": "EHR", "registry": "Registry"}.get(method, method)


def _read_in_worker(
    path: Path, catalog_path: Path | None, known: dict[int, dict[str, EcqmIds]]
) -> ImportedFile:
    """Read and check the file with this thread's own catalog connection.

    ``known`` is the workspace's version-specific eCQM ids per year (taken on the
    main thread), so a 2026 QRDA III file whose ids were supplied can be read.
    """
    ids = lambda year: known.get(year, {})  # noqa: E731
    if catalog_path is None:
        return read_import_file(path, None, ids)
    from desktop_app.catalog import Catalog

    catalog = Catalog.open(catalog_path)
    try:
        return read_import_file(path, catalog, ids)
    finally:
        catalog.close()


class ImportDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Import a QRDA III or QPP JSON file")
        self.resize(900, 720)
        self.preview: ImportPreview | None = None
        self.result: ApplyResult | None = None
        self.choices: dict[str, QButtonGroup] = {}
        self.practice_name: QLineEdit | None = None
        self.first_name: QLineEdit | None = None
        self.last_name: QLineEdit | None = None
        self.create_check: QCheckBox | None = None
        self.pi_agree: QCheckBox | None = None

        layout = QVBoxLayout(self)
        intro = set_role(
            QLabel(
                "Choose the QRDA III file your EHR exported (or a QPP JSON file). MIPS Desk "
                "checks it the way CMS would, shows what it holds and what would change, and "
                "writes nothing until you press Import."
            ),
            "hint",
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.choose_button = QPushButton("Choose file…")
        self.path_label = QLabel("No file chosen")
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.choose_button)
        row.addWidget(self.path_label, 1)
        layout.addLayout(row)

        self.scroll = FittingScrollArea()
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.addStretch(1)
        self.scroll.setWidget(self.body)
        layout.addWidget(self.scroll, 1)

        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(
            "Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setEnabled(False)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        layout.addWidget(self.buttons)
        self.choose_button.clicked.connect(self.choose_file)
        self.import_button.clicked.connect(self.apply)
        self.buttons.rejected.connect(self.reject)

    # -- reading ----------------------------------------------------------------
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Choose a QRDA III or QPP JSON file",
            str(Path.home()),
            "Submission files (*.xml *.json);;All files (*)",
        )
        if path:
            self.load_file(Path(path))

    def load_file(self, path: Path) -> None:
        """Read ``path`` on a worker thread, then show the preview."""
        self.path_label.setText(str(path))
        self._clear()
        self._add(set_role(QLabel("Reading and checking the file…"), "hint"))
        self.import_button.setEnabled(False)
        self.choose_button.setEnabled(False)
        catalog = self.ctx.catalog
        catalog_path = Path(catalog.path) if catalog is not None else None
        ws = self.ctx.workspace
        known = all_known_ecqm_ids(ws) if ws is not None else {}
        run_in_background(
            _read_in_worker,
            path,
            catalog_path,
            known,
            on_success=self._read_done,
            on_failure=self._read_failed,
            parent=self,
        )

    def _read_failed(self, exc: BaseException) -> None:
        self.choose_button.setEnabled(True)
        self._clear()
        if isinstance(exc, ImportRefused):
            self._add(title_label("This file can't be imported", "sectionTitle"))
            lines = [
                "Nothing was imported. CMS would refuse this file too; fix these problems in "
                "the EHR or file and try again:"
            ]
            for problem in exc.problems:
                lines.append(f"• {problem.describe()}")
            label = QLabel("\n".join(lines))
            label.setObjectName("importProblems")
            label.setWordWrap(True)
            label.setStyleSheet(ERROR_STYLE)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._add(label)
        else:
            label = QLabel(f"The file could not be read: {exc}")
            label.setWordWrap(True)
            label.setStyleSheet(ERROR_STYLE)
            self._add(label)

    def _read_done(self, imported: ImportedFile) -> None:
        self.choose_button.setEnabled(True)
        ws = self.ctx.workspace
        self._clear()
        if ws is None:
            self._add(QLabel("Open a practice workspace first."))
            return
        self.preview = preview_import(ws, imported)
        self._show_preview(self.preview)

    # -- preview ----------------------------------------------------------------
    def _clear(self) -> None:
        self.choices = {}
        self.practice_name = self.first_name = self.last_name = None
        self.create_check = None
        self.pi_agree = None
        while self.body_layout.count() > 1:
            item = self.body_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()

    def _add(self, widget: QWidget) -> None:
        self.body_layout.insertWidget(self.body_layout.count() - 1, widget)

    def _show_preview(self, preview: ImportPreview) -> None:
        f = preview.file
        self._add(title_label("What the file holds", "sectionTitle"))
        cats = ", ".join(CATEGORY_LABELS.get(c, c) for c in f.categories)
        head = QLabel(
            f"<b>{FORMAT_LABELS[f.format]}</b> file for the <b>{f.entity_label}</b>, "
            f"performance year <b>{f.year}</b>.<br>Categories: {cats}."
        )
        head.setObjectName("importHolds")
        head.setWordWrap(True)
        self._add(head)
        rows = "".join(
            "<tr>"
            f"<td>{escape(CATEGORY_LABELS.get(m.category, m.category))}</td>"
            f"<td><b>{escape(m.measure_id)}</b> – {escape(m.title)}</td>"
            f"<td>{escape(_method_label(m.category, m.submission_method))}</td>"
            f"<td>{escape(m.detail)}</td>"
            "</tr>"
            for m in f.measures
        )
        table = QLabel(
            '<table cellspacing="0" cellpadding="4" width="100%">'
            "<tr><th align=left>Category</th><th align=left>Measure</th>"
            "<th align=left>Submitted as</th><th align=left>What the file reports</th></tr>"
            f"{rows}</table>"
        )
        table.setObjectName("importMeasures")
        table.setTextFormat(Qt.TextFormat.RichText)
        table.setWordWrap(True)
        table.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        table.setStyleSheet("background: white; border: 1px solid #d0d7de; padding: 4px;")
        self._add(table)
        for w in f.warnings:
            note = set_role(QLabel(f"Note: {w.message}"), "hint")
            note.setWordWrap(True)
            self._add(note)

        self._add(title_label("What will change in this workspace", "sectionTitle"))
        if preview.blocked:
            blocked = QLabel(f"This file can't be imported here: {preview.blocked}")
            blocked.setObjectName("importBlocked")
            blocked.setWordWrap(True)
            blocked.setStyleSheet(ERROR_STYLE)
            self._add(blocked)
            self._update_button()
            return
        counts = QLabel(preview.counts_text())
        counts.setObjectName("importCounts")
        counts.setWordWrap(True)
        self._add(counts)
        if preview.creations:
            self._add_creations(preview)
        for text in preview.warnings:
            note = QLabel(text)
            note.setWordWrap(True)
            note.setStyleSheet(WARNING_STYLE)
            self._add(note)
        for conflict in preview.conflicts:
            box = QGroupBox(
                "Conflict: "
                + (
                    f"{CATEGORY_LABELS[conflict.category]} {conflict.measure_id}"
                    if conflict.measure_id
                    else CATEGORY_LABELS[conflict.category]
                )
            )
            box.setObjectName(f"conflict_{conflict.key}")
            inner = QVBoxLayout(box)
            message = QLabel(conflict.message)
            message.setWordWrap(True)
            inner.addWidget(message)
            if conflict.warning:
                warning = QLabel("⚠ " + conflict.warning)
                warning.setObjectName("piWarning")
                warning.setWordWrap(True)
                warning.setStyleSheet(WARNING_STYLE)
                inner.addWidget(warning)
            group = QButtonGroup(box)
            keep = QRadioButton(conflict.keep_label)
            replace = QRadioButton(conflict.replace_label)
            keep.setObjectName("keep")
            replace.setObjectName("replace")
            group.addButton(keep)
            group.addButton(replace)
            inner.addWidget(keep)
            inner.addWidget(replace)
            group.buttonToggled.connect(lambda *_: self._update_button())
            self.choices[conflict.key] = group
            self._add(box)
        if preview.pi_consent_required:
            self._add_pi_agreement(preview.pi_consent_required)
        self._update_button()

    def _add_pi_agreement(self, text: str) -> None:
        """PI is reweighted to 0% for the entity: importing PI data needs the same final
        agreement as entering it by hand (recorded with the user and the time)."""
        box = QGroupBox("Promoting Interoperability will be scored")
        box.setObjectName("importPiConsent")
        inner = QVBoxLayout(box)
        message = QLabel(text)
        message.setWordWrap(True)
        message.setStyleSheet(WARNING_STYLE)
        inner.addWidget(message)
        self.pi_agree = QCheckBox(
            "Yes, I agree: include Promoting Interoperability in the final score"
        )
        self.pi_agree.setObjectName("importPiAgree")
        self.pi_agree.toggled.connect(lambda *_: self._update_button())
        inner.addWidget(self.pi_agree)
        self._add(box)

    def _add_creations(self, preview: ImportPreview) -> None:
        box = QGroupBox("New in this workspace")
        box.setObjectName("importCreations")
        grid = QGridLayout(box)
        lines = "\n".join(f"• Create {c.description}" for c in preview.creations)
        label = QLabel(
            "The workspace doesn't know these yet. MIPS Desk will create them when you import:\n"
            + lines
        )
        label.setWordWrap(True)
        grid.addWidget(label, 0, 0, 1, 2)
        row = 1
        kinds = {c.kind for c in preview.creations}
        if "practice" in kinds:
            self.practice_name = QLineEdit()
            self.practice_name.setPlaceholderText(f"Practice TIN {preview.file.tin}")
            self.practice_name.setAccessibleName("Practice name")
            grid.addWidget(QLabel("Practice name"), row, 0)
            grid.addWidget(self.practice_name, row, 1)
            row += 1
        if "clinician" in kinds:
            self.first_name = QLineEdit()
            self.last_name = QLineEdit()
            self.first_name.setAccessibleName("Clinician first name")
            self.last_name.setAccessibleName("Clinician last name")
            grid.addWidget(QLabel(f"Clinician (NPI {preview.file.npi}) first name"), row, 0)
            grid.addWidget(self.first_name, row, 1)
            grid.addWidget(QLabel("Last name"), row + 1, 0)
            grid.addWidget(self.last_name, row + 1, 1)
            row += 2
        self.create_check = QCheckBox("Yes, create them")
        self.create_check.toggled.connect(lambda *_: self._update_button())
        grid.addWidget(self.create_check, row, 0, 1, 2)
        self._add(box)

    def _update_button(self) -> None:
        p = self.preview
        ok = bool(p and p.can_apply)
        if ok and self.create_check is not None and not self.create_check.isChecked():
            ok = False
        if ok and any(g.checkedButton() is None for g in self.choices.values()):
            ok = False
        if ok and self.pi_agree is not None and not self.pi_agree.isChecked():
            ok = not (p and p.writes_pi(self.resolutions()))
        self.import_button.setEnabled(ok)

    def resolutions(self) -> dict[str, Resolution]:
        out: dict[str, Resolution] = {}
        for key, group in self.choices.items():
            button = group.checkedButton()
            if button is not None:
                out[key] = "keep" if button.objectName() == "keep" else "replace"
        return out

    # -- applying ---------------------------------------------------------------
    def apply(self) -> None:
        ws = self.ctx.workspace
        if ws is None or self.preview is None:
            return
        clinician = None
        if self.first_name is not None and self.last_name is not None:
            clinician = (self.first_name.text(), self.last_name.text())
        try:
            self.result = apply_import(
                ws,
                self.preview,
                self.resolutions(),
                practice_name=self.practice_name.text() if self.practice_name else None,
                clinician_name=clinician,
                agree_pi_scoring=self.pi_agree is not None and self.pi_agree.isChecked(),
            )
        except (ImportApplyError, ValueError) as exc:
            QMessageBox.warning(self, "Nothing was imported", str(exc))
            return
        r = self.result
        QMessageBox.information(
            self,
            "Imported",
            "Measures: "
            + r.summary_text()
            + (f"\nCreated: {'; '.join(r.created)}." if r.created else "")
            + (
                f"\nThe file is for performance year {self.preview.file.year}; choose "
                f"{self.preview.file.year} at the top of the window to see its data."
                if self.preview.file.year != self.ctx.year
                else ""
            ),
        )
        self.accept()
