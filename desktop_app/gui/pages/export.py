"""Export & upload: check the data, write QPP JSON or QRDA III files, print the summary.

The user picks an entity (the group, one clinician, or every entity of the practice)
and a format, runs the pre-export check (each problem has a button to the journey
step that fixes it), exports in the background with progress, and sees where the
file went and which measures a QRDA III file left out. A file dropped on the page
(or chosen) is validated with the same checks as ``mipsdesk validate``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop_app.exporting import (
    FORMAT_LABELS,
    FORMATS,
    STEP_TITLES,
    BatchResult,
    CheckReport,
    ExportBlocked,
    ExportError,
    ExportFormat,
    ExportProblem,
    ExportResult,
    build_summary,
    check_entity,
    entity_text,
    export_choices,
    file_name,
)
from desktop_app.exporting.jobs import export_job, validate_job
from desktop_app.gui.background import BackgroundTask, run_in_background
from desktop_app.gui.context import AppContext
from desktop_app.gui.pages.base import Page, scroll_body
from desktop_app.gui.widgets.common import set_role, title_label
from desktop_app.reporting import EntityKey
from desktop_app.store import WorkspaceError
from desktop_app.util.files import WriteError

ALL = "__all__"
_SEVERITY_TEXT = {"error": "Error", "warning": "Warning"}
_WARNING_STYLE = (
    "QLabel#exportNotes { color: #7a4100; background: #fff4e0; border: 1px solid #e8b86a; "
    "border-radius: 4px; padding: 6px; }"
)
_STATUS_WARNING_STYLE = "color: #7a4100;"


class DropZone(QFrame):
    """A framed area that accepts one dropped file and reports its path."""

    file_dropped = Signal(Path)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dropZone")
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumHeight(70)
        self.setStyleSheet(
            "#dropZone { border: 2px dashed #8aa1b8; border-radius: 6px; background: #f6f9fc; }"
        )
        layout = QHBoxLayout(self)
        self.label = QLabel(
            "Drop a QPP JSON or QRDA III file here to check it before you upload it."
        )
        self.label.setWordWrap(True)
        layout.addWidget(self.label, 1)
        self.choose_button = QPushButton("Choose a file…")
        layout.addWidget(self.choose_button)

    @staticmethod
    def _path(event: QDragEnterEvent | QDropEvent) -> Path | None:
        mime = event.mimeData()
        if not mime.hasUrls():
            return None
        urls = [u for u in mime.urls() if u.isLocalFile()]
        return Path(urls[0].toLocalFile()) if len(urls) == 1 else None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._path(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._path(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.file_dropped.emit(path)


class ExportPage(Page):
    key = "export"
    title = "Export & upload"

    step_requested = Signal(str)
    """Emitted with a journey step key when the user asks to go and fix a problem."""
    exported = Signal(object)
    """Emitted with the ExportResult or BatchResult after a successful export."""
    validated = Signal(object)
    """Emitted with the ValidationReport of a checked file."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.report: CheckReport | None = None
        self.reports: list[CheckReport] = []
        self.last_result: ExportResult | BatchResult | None = None
        self._task: BackgroundTask | None = None
        self._validate_task: BackgroundTask | None = None
        self.active_dialog: QMessageBox | None = None

        _scroll, layout = scroll_body(self, spacing=8)
        layout.addWidget(title_label("Export & upload"))
        intro = QLabel(
            "Check your data the way CMS checks submissions, then save the file you upload "
            "on qpp.cms.gov. QPP JSON carries every category and collection type; QRDA III "
            "carries eCQMs, improvement activities and Promoting Interoperability only."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        form = QFormLayout()
        self.entity = QComboBox()
        self.entity.setObjectName("exportEntity")
        self.entity.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.entity.currentIndexChanged.connect(self._selection_changed)
        self.format = QComboBox()
        self.format.setObjectName("exportFormat")
        for fmt in FORMATS:
            self.format.addItem(FORMAT_LABELS[fmt], fmt)
        self.format.currentIndexChanged.connect(self._selection_changed)
        form.addRow("Report for:", self.entity)
        form.addRow("File format:", self.format)
        layout.addLayout(form)

        buttons = QHBoxLayout()
        self.check_button = QPushButton("Check data")
        self.check_button.setObjectName("checkData")
        self.check_button.clicked.connect(self.run_check)
        self.export_button = QPushButton("Export…")
        self.export_button.setObjectName("exportButton")
        self.export_button.clicked.connect(self._choose_target)
        self.summary_button = QPushButton("Save attestation summary (PDF)…")
        self.summary_button.setObjectName("summaryButton")
        self.summary_button.clicked.connect(self._choose_summary)
        for b in (self.check_button, self.export_button, self.summary_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        layout.addWidget(title_label("Pre-export check", "sectionTitle"))
        self.check_status = set_role(QLabel("Press Check data to check the selection."), "hint")
        self.check_status.setWordWrap(True)
        layout.addWidget(self.check_status)
        self.problems = QTableWidget(0, 4)
        self.problems.setObjectName("problemTable")
        self.problems.setHorizontalHeaderLabels(["", "Entity", "Problem", "Fix it on"])
        self.problems.verticalHeader().setVisible(False)
        self.problems.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.problems.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.problems.setWordWrap(True)
        header = self.problems.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        # Long messages wrap: fit the rows again once the columns have their real widths.
        header.sectionResized.connect(lambda *_a: self._fit_rows())
        self.problems.setVisible(False)
        layout.addWidget(self.problems)

        self.progress = QProgressBar()
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.result = QLabel("")
        self.result.setObjectName("exportResult")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.result)
        # What the user must still act on after a successful export (warnings, measures a
        # QRDA III file left out): never in the green success style.
        self.result_notes = QLabel("")
        self.result_notes.setObjectName("exportNotes")
        self.result_notes.setWordWrap(True)
        self.result_notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_notes.setTextFormat(Qt.TextFormat.RichText)
        self.result_notes.setStyleSheet(_WARNING_STYLE)
        self.result_notes.setVisible(False)
        layout.addWidget(self.result_notes)

        layout.addWidget(title_label("Check a file before uploading", "sectionTitle"))
        self.drop = DropZone()
        self.drop.file_dropped.connect(self.validate_file)
        self.drop.choose_button.clicked.connect(self._choose_file_to_validate)
        layout.addWidget(self.drop)
        self.validation = QPlainTextEdit()
        self.validation.setObjectName("validationReport")
        self.validation.setReadOnly(True)
        self.validation.setMinimumHeight(120)
        self.validation.setVisible(False)
        layout.addWidget(self.validation)
        layout.addStretch(1)

        self.step_requested.connect(self._go_to_step)

    # ------------------------------------------------------------------ state
    def refresh(self) -> None:
        ws = self.ctx.workspace
        previous = self.entity.currentData()
        self.entity.blockSignals(True)
        self.entity.clear()
        if ws is not None:
            choices = export_choices(ws, self.ctx.year)
            if choices:
                self.entity.addItem("Every entity of the practice (one file each)", ALL)
            for choice in choices:
                label = choice.label + ("" if choice.has_data else " (no data yet)")
                self.entity.addItem(label, choice.key)
            index = self._index_of(previous) if previous is not None else -1
            if index < 0:
                # The group first; or the first entity with data.
                index = next(
                    (i for i, c in enumerate(choices, start=1) if c.has_data),
                    1 if choices else 0,
                )
            self.entity.setCurrentIndex(index)
        self.entity.blockSignals(False)
        self._update_buttons()
        if self.reports and ws is not None and self._task is None:
            self.run_check()  # keep a shown check current after fixes on other pages

    def _update_buttons(self) -> None:
        ready = self.ctx.workspace is not None and self.entity.count() > 0
        busy = self._task is not None
        self.check_button.setEnabled(ready and not busy)
        self.export_button.setEnabled(ready and not busy)
        single = isinstance(self.entity.currentData(), EntityKey)
        self.summary_button.setEnabled(ready and single and not busy)
        if self.ctx.workspace is None:
            self.check_status.setText("Open or create a practice workspace first.")
        elif self.entity.count() == 0:
            self.check_status.setText("Enter your practice on the Practice page first.")

    def _selection_changed(self, *_args: object) -> None:
        self.report = None
        self.reports = []
        self.problems.setRowCount(0)
        self.problems.setVisible(False)
        self.check_status.setText("Press Check data to check the selection.")
        self._update_buttons()

    @property
    def selected_format(self) -> ExportFormat:
        fmt: ExportFormat = self.format.currentData()
        return fmt

    def selected_entities(self) -> list[EntityKey]:
        data = self.entity.currentData()
        if data == ALL:
            ws = self.ctx.workspace
            if ws is None:
                return []
            return [c.key for c in export_choices(ws, self.ctx.year) if c.has_data]
        return [data] if isinstance(data, EntityKey) else []

    def _index_of(self, data: object) -> int:
        for i in range(self.entity.count()):
            if self.entity.itemData(i) == data:
                return i
        return -1

    def select_entity(self, key: EntityKey | str) -> None:
        """Select an entity (or ALL) in the list (for tests and other pages)."""
        index = self._index_of(key)
        if index >= 0:
            self.entity.setCurrentIndex(index)

    def select_format(self, fmt: ExportFormat) -> None:
        self.format.setCurrentIndex(self.format.findData(fmt))

    # ------------------------------------------------------------------ check
    def run_check(self) -> list[CheckReport]:
        """Run the pre-export check for the selection and list the problems."""
        ws = self.ctx.workspace
        if ws is None:
            return []
        entities = self.selected_entities()
        cache: dict[int, Any] = {}
        batch = self.entity.currentData() == ALL
        self.reports = [
            check_entity(
                ws,
                e,
                self.ctx.catalog,
                eligibility_cache=cache,
                fmt=self.selected_format,
                batch=batch,
            )
            for e in entities
        ]
        self.report = self.reports[0] if len(self.reports) == 1 else None
        self.show_reports(self.reports)
        return self.reports

    def show_reports(self, reports: list[CheckReport]) -> None:
        rows: list[tuple[CheckReport, ExportProblem]] = [
            (r, p) for r in reports for p in sorted(r.problems, key=lambda p: p.severity != "error")
        ]
        errors = sum(len(r.errors) for r in reports)
        warnings = sum(len(r.warnings) for r in reports)
        if not reports:
            self.check_status.setText("No entity of the practice has data for this year yet.")
        elif errors:
            self.check_status.setText(
                f"{errors} error{'s' if errors != 1 else ''} must be fixed before export"
                + (f"; {warnings} warning{'s' if warnings != 1 else ''}." if warnings else ".")
            )
        elif warnings:
            self.check_status.setText(
                f"Ready to export, with {warnings} warning{'s' if warnings != 1 else ''} to review."
                + _serious_warnings(reports)
            )
        else:
            self.check_status.setText("No problems found: ready to export.")
        set_role(self.check_status, "error" if errors else "saved")
        # Measures left out or a PI score of 0 are not "all good": warning colour.
        serious = not errors and bool(_serious_warnings(reports))
        self.check_status.setStyleSheet(_STATUS_WARNING_STYLE if serious else "")
        ws = self.ctx.workspace
        labels = (
            {c.key: c.label for c in export_choices(ws, self.ctx.year)} if ws is not None else {}
        )
        self.problems.setRowCount(len(rows))
        for row, (report, problem) in enumerate(rows):
            severity = QTableWidgetItem(_SEVERITY_TEXT[problem.severity])
            severity.setForeground(
                Qt.GlobalColor.darkRed if problem.severity == "error" else Qt.GlobalColor.darkYellow
            )
            self.problems.setItem(row, 0, severity)
            self.problems.setItem(
                row, 1, QTableWidgetItem(labels.get(report.entity, entity_text(report.entity)))
            )
            message = QTableWidgetItem(problem.message)
            message.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            self.problems.setItem(row, 2, message)
            button = QPushButton(f"Go to {STEP_TITLES[problem.step]}")
            button.setObjectName(f"fix_{row}_{problem.step}")
            button.clicked.connect(lambda _c=False, s=problem.step: self.step_requested.emit(s))
            self.problems.setCellWidget(row, 3, button)
        self.problems.setVisible(bool(rows))
        self._fit_rows()

    def _fit_rows(self) -> None:
        """Row heights for the wrapped messages, and a table tall enough to show them."""
        self.problems.resizeRowsToContents()
        height = self.problems.horizontalHeader().height() + 2 * self.problems.frameWidth()
        height += sum(self.problems.rowHeight(r) for r in range(self.problems.rowCount()))
        self.problems.setMinimumHeight(min(max(height, 80), 480))

    def fix_buttons(self) -> list[QPushButton]:
        return [
            w
            for row in range(self.problems.rowCount())
            if isinstance(w := self.problems.cellWidget(row, 3), QPushButton)
        ]

    def _go_to_step(self, key: str) -> None:
        window: Any = self.window()
        show_step = getattr(window, "show_step", None)
        if callable(show_step):
            show_step(key)

    # ------------------------------------------------------------------ export
    def _choose_target(self) -> None:
        if not self.run_check():
            return
        if any(not r.ok for r in self.reports):
            return
        start = Path.home()
        if self.entity.currentData() == ALL:
            folder = QFileDialog.getExistingDirectory(
                self, "Export every entity to a folder", str(start)
            )
            if folder:
                self.start_export(Path(folder))
            return
        entity = self.selected_entities()[0]
        fmt = self.selected_format
        suggested = start / file_name(entity, fmt)
        pattern = "QPP JSON (*.json)" if fmt == "qpp-json" else "QRDA III (*.xml)"
        path, _ = QFileDialog.getSaveFileName(self, "Export", str(suggested), pattern)
        if path:
            self.start_export(Path(path))

    def start_export(self, out: Path) -> BackgroundTask | None:
        """Export the selection to ``out`` (a file, or a folder for every entity) in the
        background, with progress."""
        ws = self.ctx.workspace
        if ws is None or self._task is not None:
            return None
        data = self.entity.currentData()
        entity = data if isinstance(data, EntityKey) else None
        catalog = self.ctx.catalog
        self._show_notes("")
        self.result.setText("")
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self._task = run_in_background(
            export_job,
            ws.path,
            ws.user,
            catalog.path if catalog is not None else None,
            self.selected_format,
            out,
            year=self.ctx.year,
            entity=entity,
            on_success=self._export_done,
            on_failure=self._export_failed,
            on_progress=self._export_progress,
            parent=self,
        )
        self._update_buttons()
        return self._task

    @property
    def export_running(self) -> bool:
        return self._task is not None

    def _export_progress(self, done: int, total: int, message: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{message} (%p%)")

    def _export_done(self, result: ExportResult | BatchResult) -> None:
        self._task = None
        self.progress.setVisible(False)
        self.last_result = result
        self.result.setText(result_html(result))
        set_role(self.result, "saved")
        self._show_notes(result_notes_html(result))
        self._update_buttons()
        self.exported.emit(result)

    def _show_notes(self, html: str) -> None:
        self.result_notes.setText(html)
        self.result_notes.setVisible(bool(html))

    def _export_failed(self, exc: BaseException) -> None:
        self._task = None
        self._show_notes("")
        self.progress.setVisible(False)
        self._update_buttons()
        if isinstance(exc, ExportBlocked):
            self.show_reports(exc.reports)
            self.result.setText("Nothing was exported: fix the errors listed above.")
        elif isinstance(exc, ExportError | WriteError | OSError | WorkspaceError):
            self.result.setText(_esc(str(exc)).replace("\n", "<br/>"))
        else:
            self.result.setText(_esc(f"The export failed unexpectedly: {exc}"))
        set_role(self.result, "error")

    # ------------------------------------------------------------------ summary PDF
    def _choose_summary(self) -> None:
        entities = self.selected_entities()
        if len(entities) != 1:
            return
        entity = entities[0]
        who = entity.npi or "group"
        suggested = Path.home() / f"attestation-summary_{entity.tin}_{who}_{entity.year}.pdf"
        path, _ = QFileDialog.getSaveFileName(
            self, "Save attestation summary", str(suggested), "PDF (*.pdf)"
        )
        if path:
            self.save_summary(Path(path))

    def save_summary(self, path: Path) -> Path | None:
        """Write the printable attestation summary of the selected entity as a PDF."""
        from desktop_app.gui.attestation_pdf import write_summary_pdf

        ws = self.ctx.workspace
        entities = self.selected_entities()
        if ws is None or len(entities) != 1:
            return None
        self._show_notes("")
        try:
            summary = build_summary(ws, entities[0], self.ctx.catalog)
            if not (summary.quality or summary.pi or summary.ia):
                self.result.setText(
                    _esc(
                        f"{summary.entity_label} has no quality, Promoting Interoperability "
                        f"or improvement activity data for {summary.year}: there is nothing "
                        "to attest yet, so no summary was saved."
                    )
                )
                set_role(self.result, "error")
                return None
            written = write_summary_pdf(path, summary)
        except (WriteError, ValueError) as exc:
            self.result.setText(_esc(f"The summary could not be saved: {exc}"))
            set_role(self.result, "error")
            return None
        self.result.setText(f"Attestation summary saved to <b>{_esc(str(written))}</b>.")
        set_role(self.result, "saved")
        return written

    # ------------------------------------------------------------------ validate a file
    def _choose_file_to_validate(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Check a file", str(Path.home()), "QPP JSON or QRDA III (*.json *.xml)"
        )
        if path:
            self.validate_file(Path(path))

    def validate_file(self, path: Path) -> BackgroundTask:
        """Validate a dropped or chosen file in the background and show the report."""
        catalog = self.ctx.catalog
        ws = self.ctx.workspace
        self.validation.setVisible(True)
        self.validation.setPlainText(f"Checking {path.name}…")
        self._validate_task = run_in_background(
            validate_job,
            path,
            catalog.path if catalog is not None else None,
            # the workspace's eCQM ids identify 2026 eCQMs the measures data has no id for
            workspace_path=ws.path if ws is not None else None,
            user=ws.user if ws is not None else None,
            on_success=self._validated,
            on_failure=lambda exc: self._validation_failed(path, exc),
            parent=self,
        )
        return self._validate_task

    def _validated(self, report: Any) -> None:
        self._validate_task = None
        kind = {"qpp-json": "QPP JSON", "qrda3": "QRDA III", "unknown": "unknown format"}
        lines = [
            f"{Path(report.path).name}: {kind.get(report.format, report.format)}"
            + (f", performance year {report.year}" if report.year else ""),
            "Checks: " + (", ".join(report.checks) or "none"),
        ]
        lines += [p.describe() for p in report.problems]
        lines.append(
            "VALID: no errors."
            if report.valid
            else f"NOT VALID: {len(report.errors)} error{'s' if len(report.errors) != 1 else ''}."
        )
        self.validation.setPlainText("\n".join(lines))
        self.validated.emit(report)

    def _validation_failed(self, path: Path, exc: BaseException) -> None:
        self._validate_task = None
        self.validation.setPlainText(f"{path} can't be checked: {exc}")


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_SERIOUS = {
    "QRDA_LEFT_OUT": "measure{s} will be left out of the QRDA III file",
    "QRDA_NOTHING_WRITABLE": "entit{ies} can't be written as QRDA III and will be skipped",
    "PI_REQUIRED_NO": "answer{s} will make Promoting Interoperability score 0",
}


def _serious_warnings(reports: list[CheckReport]) -> str:
    """`` 2 measures will be left out ...`` for the warnings that mean less reaches CMS."""
    parts = []
    for code, text in _SERIOUS.items():
        n = sum(1 for r in reports for p in r.warnings if p.code == code)
        if n:
            plural = n != 1
            parts.append(
                f"{n} " + text.format(s="s" if plural else "", ies="ies" if plural else "y")
            )
    return (" Note: " + "; ".join(parts) + ".") if parts else ""


def result_html(result: ExportResult | BatchResult) -> str:
    """Where the files went (shown as a success); what needs attention is in
    :func:`result_notes_html`."""
    if isinstance(result, ExportResult):
        r = result.rendered
        parts = [f"Saved {FORMAT_LABELS[r.format]} file to <b>{_esc(str(result.path))}</b>."]
        parts.append(f"SHA-256: {r.sha256}")
        parts.append("Upload it on qpp.cms.gov (Submit Data) or through your registry.")
        return "<br/>".join(parts)
    parts = [
        f"Saved {len(result.files)} file{'s' if len(result.files) != 1 else ''} to "
        f"<b>{_esc(str(result.folder))}</b> with the manifest "
        f"{_esc(result.manifest_path.name)} (SHA-256 of each file):"
    ]
    parts += [f"&nbsp;&nbsp;• {_esc(f.path.name)}" for f in result.files]
    parts.append("QPP takes at most 50 files in one upload.")
    return "<br/>".join(parts)


def result_notes_html(result: ExportResult | BatchResult) -> str:
    """What the user must still act on after an export, shown in warning style: the
    warnings, the measures a QRDA III file left out, the entities not exported."""
    files = [result] if isinstance(result, ExportResult) else result.files
    parts: list[str] = []
    for f in files:
        r = f.rendered
        who = "" if isinstance(result, ExportResult) else f"{_esc(f.path.name)}: "
        parts += [f"Warning: {who}{_esc(w)}" for w in r.warnings]
        if r.left_out:
            parts.append(
                f"<b>Left out of {'this file' if not who else _esc(f.path.name)}</b> "
                "(CMS won't receive these from it: submit them as QPP JSON):"
            )
            parts += [f"&nbsp;&nbsp;• {_esc(m.measure_id)}: {_esc(m.reason)}" for m in r.left_out]
    if isinstance(result, BatchResult):
        parts += [
            f"Not exported: {_esc(entity)} ({_esc(reason)})" for entity, reason in result.skipped
        ]
    return "<br/>".join(parts)
