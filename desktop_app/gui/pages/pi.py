"""Promoting Interoperability: QPP's manual entry (attestation), made easier.

Everything on one page, grouped by objective like QPP: the performance period
(with the latest possible start date), the CEHRT ID, the required attestations,
each measure (Yes/No or numerator/denominator), its exclusions and active
engagement level, and the bonus measures. Every edit is saved at once, audited
and can be undone. The header shows "n / N objectives completed", what is still
missing and the live score.

The widgets shared with the Improvement Activities page (entity picker,
evidence dialog, audit binder export) live here too.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QDate, QEvent, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app import attestation as att
from desktop_app.gui.context import AppContext
from desktop_app.gui.pages.base import Page, scroll_body
from desktop_app.gui.undo import EvidenceCommand, record_edit, undo_stack
from desktop_app.gui.widgets.common import format_tin, set_role, show_error, title_label
from desktop_app.gui.widgets.entities import entity_choices
from desktop_app.reporting import EntityKey
from desktop_app.rules import RulesError, load_rules
from desktop_app.store import Workspace

WATCHED_TABLES = {
    "measurement_values",
    "measurement_sets",
    "attestation_flags",
    "attestation_pi_consent",
    "attestation_ia_dates",
    "attestation_evidence",
    "eligibility_facts",
    "eligibility_figures",
    "elections",
    "practice",
    "clinicians",
}
ENTITY_PROPERTY = "attestationEntityNpi"


def _fmt(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:.2f}".rstrip("0").rstrip(".")


def to_qdate(d: dt.date | None, fallback: QDate) -> QDate:
    return QDate(d.year, d.month, d.day) if d else fallback


def make_date_edit(year: int, name: str) -> QDateEdit:
    """A date box limited to the year; its minimum (Dec 31 before) shows as 'Not set'."""
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("MM/dd/yyyy")
    edit.setSpecialValueText("Not set")
    edit.setDateRange(QDate(year - 1, 12, 31), QDate(year, 12, 31))
    edit.setDate(edit.minimumDate())
    edit.setMinimumWidth(120)
    return edit


def date_of(edit: QDateEdit) -> dt.date | None:
    if edit.date() == edit.minimumDate():
        return None
    d = edit.date()
    return dt.date(d.year(), d.month(), d.day())


def set_date(edit: QDateEdit, d: dt.date | None) -> None:
    edit.blockSignals(True)
    edit.setDate(to_qdate(d, edit.minimumDate()))
    edit.blockSignals(False)


def wrapped(text: str, role: str | None = None, name: str | None = None) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if role:
        set_role(label, role)
    if name:
        label.setObjectName(name)
    return label


def error_label(name: str) -> QLabel:
    label = wrapped("", "error", name)
    label.setVisible(False)
    return label


class ScrollBody(QWidget):
    """A scroll area's page body that keeps the full height of its word-wrapped text
    (QScrollArea would otherwise squash it to the viewport)."""

    def _fit(self) -> None:
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            need = layout.totalHeightForWidth(self.width())
            if need != self.minimumHeight():
                self.setMinimumHeight(need)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit()

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:
            self._fit()
        return handled


def scroll_page(page: QWidget) -> tuple[QScrollArea, QVBoxLayout]:
    """The page's scroll area and the layout of its body (which fits its height)."""
    return scroll_body(page, body=ScrollBody())


# ------------------------------------------------------------------ entity picker
class EntityPicker(QWidget):
    """'Reporting as': the group (TIN) or one clinician (TIN/NPI) of the practice."""

    changed = Signal()

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Reporting as:"))
        self.combo = QComboBox()
        self.combo.setObjectName("entityPicker")
        self.combo.setMinimumWidth(320)
        self.combo.setAccessibleName("Reporting as")
        self.combo.currentIndexChanged.connect(self._picked)
        row.addWidget(self.combo)
        row.addStretch(1)

    def fill(self) -> None:
        ws = self.ctx.workspace
        self.combo.blockSignals(True)
        self.combo.clear()
        practice = ws.practice() if ws is not None else None
        if practice is not None and ws is not None:
            for choice in entity_choices(ws, self.ctx.year):
                key = choice.key
                if key.npi is None:
                    label = f"{choice.name} — group (TIN {format_tin(key.tin)})"
                else:
                    label = f"{choice.name} — individual (TIN/NPI {key.tin}/{key.npi})"
                self.combo.addItem(label, (key.npi or "", key.tin))
            wanted = self.ctx.property(ENTITY_PROPERTY) or ""
            for i in range(self.combo.count()):
                if self.combo.itemData(i)[0] == wanted:
                    self.combo.setCurrentIndex(i)
                    break  # the practice's own entity comes first
        self.combo.blockSignals(False)

    def _picked(self) -> None:
        data = self.combo.currentData()
        self.ctx.setProperty(ENTITY_PROPERTY, data[0] if data else "")
        self.changed.emit()

    def entity(self) -> EntityKey | None:
        data = self.combo.currentData()
        if not data:
            return None
        npi, tin = data
        return EntityKey(self.ctx.year, tin, npi or None)

    def select_npi(self, npi: str | None) -> None:
        for i in range(self.combo.count()):
            if self.combo.itemData(i)[0] == (npi or ""):
                self.combo.setCurrentIndex(i)


# ------------------------------------------------------------------ evidence dialog
class EvidenceDialog(QDialog):
    """The evidence files of one measure or activity: attach, open, remove."""

    def __init__(
        self,
        ctx: AppContext,
        entity: EntityKey,
        category: str,
        measure_id: str,
        title: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entity = entity
        self.category = category
        self.measure_id = measure_id
        self.setWindowTitle(f"Evidence — {measure_id}")
        self.resize(620, 380)
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(f"{title} ({measure_id})", "sectionTitle"))
        layout.addWidget(
            wrapped(
                "Keep the documents that support this entry (security risk analysis, SAFER "
                "Guide self-assessment, EHR report screenshots, activity documentation). They "
                "are stored inside the practice file with their SHA-256 fingerprint, at most "
                f"{att.MAX_EVIDENCE_BYTES // 1024 // 1024} MB each. CMS may audit for six years.",
                "hint",
            )
        )
        self.list = QListWidget()
        self.list.setObjectName("evidenceList")
        self.list.itemDoubleClicked.connect(lambda _item: self.open_selected())
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        layout.addWidget(self.list)
        self.message = error_label("evidenceError")
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.attach_button = QPushButton("Attach file…")
        self.attach_button.setObjectName("attachEvidence")
        self.attach_button.clicked.connect(self._choose)
        self.open_button = QPushButton("Open")
        self.open_button.setObjectName("openEvidence")
        self.open_button.clicked.connect(self.open_selected)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("removeEvidence")
        self.remove_button.clicked.connect(self.remove_selected)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        for b in (self.attach_button, self.open_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.items: list[att.Evidence] = []
        self.opened: list[Path] = []
        self.reload()

    def reload(self) -> None:
        ws = self.ctx.workspace
        self.items = (
            att.list_evidence(ws, self.entity, self.category, self.measure_id)
            if ws is not None
            else []
        )
        self.list.clear()
        for e in self.items:
            item = QListWidgetItem(
                f"{e.file_name}  ·  {e.size_text}  ·  added {e.added_at[:10]} by {e.added_by}"
            )
            item.setToolTip(f"SHA-256 {e.sha256}")
            self.list.addItem(item)
        if not self.items:
            self.list.addItem(QListWidgetItem("No evidence attached yet."))
            self.list.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        self._update_buttons()

    def _update_buttons(self) -> None:
        selected = 0 <= self.list.currentRow() < len(self.items)
        self.open_button.setEnabled(selected)
        self.remove_button.setEnabled(selected)

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Attach evidence")
        if path:
            self.attach(Path(path))

    def attach(self, path: Path) -> bool:
        ws = self.ctx.workspace
        if ws is None:
            return False
        try:
            evidence = att.add_evidence(
                ws, self.entity, self.category, self.measure_id, path, catalog=self.ctx.catalog
            )
            content = att.evidence_content(ws, evidence)
        except att.AttestationError as exc:
            show_error(self.list, self.message, str(exc))
            return False
        undo_stack(self.ctx).push(
            EvidenceCommand(
                self.ctx, f"Attach {evidence.file_name}", evidence, content, attached=True
            )
        )
        show_error(self.list, self.message, "")
        self.reload()
        return True

    def _selected(self) -> att.Evidence | None:
        row = self.list.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def open_selected(self) -> Path | None:
        """Open a temporary copy with the system viewer (the workspace copy stays intact)."""
        e = self._selected()
        ws = self.ctx.workspace
        if e is None or ws is None:
            return None
        try:
            content = att.evidence_content(ws, e)
        except att.AttestationError as exc:
            show_error(self.list, self.message, str(exc))
            return None
        folder = Path(tempfile.mkdtemp(prefix="mipsdesk-evidence-"))
        path = folder / e.file_name
        path.write_bytes(content)
        os.chmod(path, 0o400)
        self.opened.append(path)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        return path

    def remove_selected(self, confirm: bool = True) -> bool:
        e = self._selected()
        ws = self.ctx.workspace
        if e is None or ws is None:
            return False
        if confirm:
            answer = QMessageBox.question(
                self,
                "Remove evidence",
                f"Remove {e.file_name} from {self.measure_id}? You can undo this until the "
                "window is closed.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        try:
            content = att.remove_evidence(ws, e)
        except att.AttestationError as exc:
            show_error(self.list, self.message, str(exc))
            return False
        undo_stack(self.ctx).push(
            EvidenceCommand(self.ctx, f"Remove {e.file_name}", e, content, attached=False)
        )
        self.reload()
        return True


def evidence_button(on_click: Callable[[], None], name: str) -> QPushButton:
    button = QPushButton("Evidence")
    button.setObjectName(name)
    button.setToolTip("Attach, list and open the documents that support this entry.")
    button.clicked.connect(on_click)
    return button


def export_binder(
    page: QWidget, ctx: AppContext, entity: EntityKey, path: Path | None = None
) -> att.BinderResult | None:
    """Ask where (unless ``path`` is given) and write the audit binder ZIP."""
    ws = ctx.workspace
    if ws is None:
        return None
    if path is None:
        who = entity.tin + (f"-{entity.npi}" if entity.npi else "")
        suggested = f"MIPS-{entity.year}-{who}-audit-binder.zip"
        chosen, _ = QFileDialog.getSaveFileName(
            page, "Export audit binder", str(Path.home() / suggested), "ZIP archive (*.zip)"
        )
        if not chosen:
            return None
        path = Path(chosen)
    try:
        result = att.export_audit_binder(ws, entity, path, ctx.catalog)
    except (att.AttestationError, OSError) as exc:
        QMessageBox.warning(page, "Audit binder not written", str(exc))
        return None
    return result


# ------------------------------------------------------------------ consent dialog
class PiConsentDialog(QDialog):
    """QPP's 'This Action Will Impact Your Category Weights' confirmation."""

    def __init__(
        self,
        reason: str,
        small_practice_weights: dict[str, float] | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(att.CONSENT_TITLE)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(att.CONSENT_TITLE, "sectionTitle"))
        layout.addWidget(wrapped(reason))
        layout.addWidget(wrapped(att.CONSENT_TEXT))
        if small_practice_weights:
            w = small_practice_weights
            layout.addWidget(
                wrapped(
                    "Did you know? Small practices have a different redistribution when "
                    f"Promoting Interoperability is reweighted to 0%: Quality {_fmt(w['quality'])}%"
                    f", Improvement Activities {_fmt(w['ia'])}%, Cost {_fmt(w['cost'])}%.",
                    "hint",
                )
            )
        self.agree = QCheckBox("Yes, I agree")
        self.agree.setObjectName("consentAgree")
        layout.addWidget(self.agree)
        layout.addWidget(wrapped(att.CONSENT_CHECKBOX, "hint"))
        self.buttons = QDialogButtonBox()
        self.continue_button = self.buttons.addButton(
            "Continue", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.continue_button.setObjectName("consentContinue")
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.continue_button.setEnabled(False)
        self.agree.toggled.connect(self.continue_button.setEnabled)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)


# ------------------------------------------------------------------ measure widget
class MeasureBox(QFrame):
    """One PI measure or required attestation with its controls."""

    def __init__(self, page: PiPage, view: att.PiMeasureView) -> None:
        super().__init__()
        self.page = page
        self.view = view
        self.setObjectName(f"measure_{view.measure_id}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            f"QFrame#measure_{view.measure_id} {{ background: #ffffff; border: 1px solid #d9dee5;"
            " border-radius: 4px; }"
        )
        grid = QVBoxLayout(self)
        grid.setContentsMargins(12, 10, 12, 10)
        top = QHBoxLayout()
        heading = QLabel(
            f"<b>{'Bonus: ' if view.bonus else ''}{view.title}</b>"
            f"<br><span style='color:#52606d'>Measure ID: {view.measure_id}"
            + (f" · up to {_fmt(view.points)} points" if view.points and not view.bonus else "")
            + "</span>"
        )
        heading.setTextFormat(Qt.TextFormat.RichText)
        heading.setWordWrap(True)
        top.addWidget(heading, 1)
        self.status = QLabel("")
        self.status.setObjectName(f"status_{view.measure_id}")
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.status)
        grid.addLayout(top)
        if view.statement:
            grid.addWidget(wrapped(view.statement, "hint", f"statement_{view.measure_id}"))

        controls = QHBoxLayout()
        self.yes: QRadioButton | None = None
        self.no: QRadioButton | None = None
        self.numerator: QLineEdit | None = None
        self.denominator: QLineEdit | None = None
        self.rate = QLabel("")
        self.answer_group = QButtonGroup(self)
        if view.kind in ("attestation", "yes_no"):
            self.yes = QRadioButton("Yes")
            self.no = QRadioButton("No")
            self.yes.setObjectName(f"yes_{view.measure_id}")
            self.no.setObjectName(f"no_{view.measure_id}")
            for b in (self.yes, self.no):
                self.answer_group.addButton(b)
                b.setAccessibleDescription(f"{view.title} ({view.measure_id})")
                controls.addWidget(b)
            self.answer_group.buttonClicked.connect(self._answered)
            self.clear_button = QPushButton("Clear")
            self.clear_button.setObjectName(f"clear_{view.measure_id}")
            self.clear_button.setFlat(True)
            self.clear_button.setToolTip("Remove the answer (not reported).")
            self.clear_button.clicked.connect(self._clear_answer)
            controls.addWidget(self.clear_button)
        else:
            self.numerator = QLineEdit()
            self.denominator = QLineEdit()
            for label, edit, name in (
                ("Numerator", self.numerator, "num"),
                ("Denominator", self.denominator, "den"),
            ):
                edit.setObjectName(f"{name}_{view.measure_id}")
                edit.setPlaceholderText("0")
                edit.setMaximumWidth(110)
                edit.setAccessibleName(f"{label} of {view.measure_id}")
                edit.editingFinished.connect(self._proportion_done)
                controls.addWidget(QLabel(label))
                controls.addWidget(edit)
            self.rate.setObjectName(f"rate_{view.measure_id}")
            controls.addWidget(self.rate)
        controls.addStretch(1)
        self.evidence = evidence_button(
            lambda: page.open_evidence("pi", view.measure_id, view.title),
            f"evidence_{view.measure_id}",
        )
        controls.addWidget(self.evidence)
        grid.addLayout(controls)

        self.engagement_group = QButtonGroup(self)
        self.engagement: dict[str, QRadioButton] = {}
        if view.engagement:
            box = QVBoxLayout()
            box.addWidget(
                wrapped(
                    "*Active Engagement (required before a Yes counts):", name="engagementTitle"
                )
            )
            for choice in view.engagement:
                rb = QRadioButton(choice.label)
                rb.setObjectName(f"level_{choice.measure_id}")
                rb.setToolTip(choice.measure_id)
                self.engagement_group.addButton(rb)
                self.engagement[choice.measure_id] = rb
                box.addWidget(rb)
            self.engagement_group.setExclusive(False)
            self.engagement_group.buttonClicked.connect(self._engaged)
            grid.addLayout(box)

        self.exclusions: dict[str, QCheckBox] = {}
        if view.exclusions:
            grid.addWidget(
                wrapped(
                    "Measure exclusion: tick the exclusion that applies (a measure and its "
                    "exclusion can't both be claimed)."
                    if len(view.exclusions) == 1
                    else "Measure exclusions: tick the one that applies, if any (a measure and "
                    "its exclusion can't both be claimed).",
                    "hint",
                )
            )
            for choice in view.exclusions:
                row = QHBoxLayout()
                cb = QCheckBox(choice.measure_id)
                cb.setObjectName(f"exclusion_{choice.measure_id}")
                cb.toggled.connect(lambda on, mid=choice.measure_id: self._excluded(mid, on))
                row.addWidget(cb, 0, Qt.AlignmentFlag.AlignTop)
                row.addWidget(wrapped(choice.label), 1)
                grid.addLayout(row)
                self.exclusions[choice.measure_id] = cb
        self.error = error_label(f"error_{view.measure_id}")
        grid.addWidget(self.error)
        self.pending_error = False

    # -- editing ----------------------------------------------------------------
    def _answered(self, button: QAbstractButton) -> None:
        answer = button is self.yes
        self.page.edit(
            f"{self.view.measure_id}: {'Yes' if answer else 'No'}",
            lambda: att.set_pi_answer(
                self.page.ws(), self.page.entity(), self.view.measure_id, answer
            ),
            self,
        )

    def _clear_answer(self) -> None:
        self.page.edit(
            f"{self.view.measure_id}: clear",
            lambda: att.set_pi_answer(
                self.page.ws(), self.page.entity(), self.view.measure_id, None
            ),
            self,
        )

    def _proportion_done(self) -> None:
        assert self.numerator is not None and self.denominator is not None
        try:
            num = att.parse_count(self.numerator.text(), "numerator")
            den = att.parse_count(self.denominator.text(), "denominator")
        except att.AttestationError as exc:
            self.show_problem(str(exc))
            return
        stored = self.page.values.get(self.view.measure_id)
        if stored == ({"numerator": num, "denominator": den} if num is not None else None):
            return
        if (num is None) != (den is None):
            self.show_problem("Enter both the numerator and the denominator.")
            return
        self.page.edit(
            f"{self.view.measure_id}: {num} / {den}"
            if num is not None
            else f"{self.view.measure_id}: clear",
            lambda: att.set_pi_proportion(
                self.page.ws(), self.page.entity(), self.view.measure_id, num, den
            ),
            self,
        )

    def _excluded(self, exclusion_id: str, on: bool) -> None:
        self.page.edit(
            f"{self.view.measure_id}: {'claim' if on else 'remove'} exclusion {exclusion_id}",
            lambda: att.set_pi_exclusion(
                self.page.ws(),
                self.page.entity(),
                self.view.measure_id,
                exclusion_id if on else None,
            ),
            self,
        )

    def _engaged(self, button: QAbstractButton) -> None:
        level = next((mid for mid, rb in self.engagement.items() if rb is button), None)
        chosen = level if button.isChecked() else None
        self.page.edit(
            f"{self.view.measure_id}: active engagement {chosen or 'none'}",
            lambda: att.set_pi_engagement(
                self.page.ws(), self.page.entity(), self.view.measure_id, chosen
            ),
            self,
        )

    def show_problem(self, message: str) -> None:
        self.pending_error = bool(message)
        target: QWidget = self.numerator if self.numerator is not None else self
        show_error(target, self.error, message)

    # -- showing ------------------------------------------------------------------
    def load(
        self,
        values: dict[str, Any],
        issues: list[att.Issue],
        score_text: str,
        enabled: bool,
        evidence_count: int,
    ) -> None:
        mid = self.view.measure_id
        value = values.get(mid)
        excluded = [ex for ex in self.exclusions if values.get(ex) is True]
        if self.yes is not None and self.no is not None:
            self.answer_group.setExclusive(False)
            self.yes.setChecked(value is True)
            self.no.setChecked(value is False)
            self.answer_group.setExclusive(True)
            for b in (self.yes, self.no, self.clear_button):
                b.setEnabled(enabled and not excluded)
        if self.numerator is not None and self.denominator is not None:
            if not self.pending_error:
                num = str(value["numerator"]) if isinstance(value, dict) else ""
                den = str(value["denominator"]) if isinstance(value, dict) else ""
                for edit, text in ((self.numerator, num), (self.denominator, den)):
                    if edit.text() != text:
                        edit.setText(text)
            self.rate.setText(
                f"= {100 * value['numerator'] / value['denominator']:.1f}%"
                if isinstance(value, dict) and value["denominator"]
                else ""
            )
            for edit in (self.numerator, self.denominator):
                edit.setEnabled(enabled and not excluded)
        for ex, cb in self.exclusions.items():
            cb.blockSignals(True)
            cb.setChecked(values.get(ex) is True)
            cb.setEnabled(enabled)
            cb.blockSignals(False)
        for level, rb in self.engagement.items():
            rb.blockSignals(True)
            rb.setChecked(values.get(level) is True)
            rb.setEnabled(enabled and not excluded)
            rb.blockSignals(False)
        if not self.pending_error:
            messages = [i.message for i in issues if i.measure_id == mid]
            show_error(self, self.error, " ".join(messages))
        self.status.setText(score_text if not excluded else f"Excluded ({', '.join(excluded)})")
        self.evidence.setText(f"Evidence ({evidence_count})" if evidence_count else "Evidence")
        self.evidence.setEnabled(self.page.ws() is not None)


# ------------------------------------------------------------------ the page
class AttestationPage(Page):
    """What the PI and IA pages share: the entity picker, the undo buttons, refreshes."""

    picker: EntityPicker
    undo_button: QPushButton
    redo_button: QPushButton
    _stack: Any
    locked: QLabel
    summary: QFrame
    start_edit: QDateEdit
    end_edit: QDateEdit

    def _prepare_refresh(self, year: int) -> None:
        """Refill the entity picker and keep the date editors inside ``year``."""
        self.picker.fill()
        for edit in (self.start_edit, self.end_edit):
            edit.blockSignals(True)
            edit.setDateRange(QDate(year - 1, 12, 31), QDate(year, 12, 31))
            edit.blockSignals(False)

    def _show_no_entity(self) -> None:
        """No workspace or no reporting entity yet: say where to start; hide the summary."""
        self.locked.setText("Open a practice and set it up on the Practice page first.")
        self.locked.setVisible(True)
        self.summary.setVisible(False)

    def _show_lock(self, ws: Workspace, entity: EntityKey) -> bool:
        """Show why data entry is locked (the election gate), if it is; True if allowed."""
        allowed, why = att.entry_allowed(ws, entity)
        self.locked.setText("" if allowed else why)
        self.locked.setVisible(not allowed)
        return allowed

    def _page_head(self, title: str, *extra: QPushButton) -> QHBoxLayout:
        """The title row: Undo and Redo (wired to the shared history), ``extra``
        buttons, and Export audit binder…; sets the button attributes."""
        head = QHBoxLayout()
        head.addWidget(title_label(title))
        head.addStretch(1)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setObjectName("undoButton")
        self.redo_button = QPushButton("Redo")
        self.redo_button.setObjectName("redoButton")
        stack = self._stack = undo_stack(self.ctx)
        self.undo_button.clicked.connect(stack.undo)
        self.redo_button.clicked.connect(stack.redo)
        stack.indexChanged.connect(self._update_undo)
        self.binder_button = QPushButton("Export audit binder…")
        self.binder_button.setObjectName("binderButton")
        self.binder_button.clicked.connect(lambda: self.export_binder())
        for b in (self.undo_button, self.redo_button, *extra, self.binder_button):
            head.addWidget(b)
        return head

    def _summary_box(self, name: str) -> QGridLayout:
        """The white box at the top: progress on the left, the live score on the right.

        Sets ``self.summary``, ``self.progress_label`` and ``self.score_label``; the
        page adds its own rows to the returned layout from row 1 on.
        """
        self.summary = QFrame()
        self.summary.setObjectName(name)
        self.summary.setStyleSheet(
            f"QFrame#{name} {{ background: #ffffff; border: 1px solid #d9dee5; "
            "border-radius: 4px; }"
        )
        grid = QGridLayout(self.summary)
        self.progress_label = QLabel("")
        self.progress_label.setObjectName("progressLabel")
        self.progress_label.setStyleSheet("font-size: 15pt; font-weight: 600; color: #17324d;")
        # The progress text wraps, so a long one ("1 / 1 activities completed (3 attested;
        # more add no points)") never makes the page wider than the window; the (short)
        # score keeps its line.
        self.progress_label.setWordWrap(True)
        grid.addWidget(self.progress_label, 0, 0)
        self.score_label = QLabel("")
        self.score_label.setObjectName("scoreLabel")
        self.score_label.setStyleSheet("font-size: 12pt; font-weight: 600;")
        self.score_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.score_label, 0, 1)
        grid.setColumnStretch(0, 1)
        return grid

    def ws(self) -> Any:
        return self.ctx.workspace

    def entity(self) -> EntityKey:
        e = self.picker.entity()
        assert e is not None
        return e

    def _update_undo(self, _index: int = 0) -> None:
        stack = self._stack
        if not shiboken6.isValid(stack) or not shiboken6.isValid(self.undo_button):
            return  # the window is closing
        self.undo_button.setEnabled(stack.canUndo())
        self.redo_button.setEnabled(stack.canRedo())
        self.undo_button.setToolTip(f"Undo {stack.undoText()}" if stack.canUndo() else "")
        self.redo_button.setToolTip(f"Redo {stack.redoText()}" if stack.canRedo() else "")

    def _data_changed(self, table: str) -> None:
        if table in WATCHED_TABLES and self.isVisible():
            self.refresh()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()


class PiPage(AttestationPage):
    key = "pi"
    title = "Promoting Interoperability"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.values: dict[str, Any] = {}
        self.boxes: dict[str, MeasureBox] = {}
        self._layout_year: int | None = None
        self._enabled = False
        self.last_message = ""
        self.scroll, self.body = scroll_page(self)

        self.delete_button = QPushButton("Delete entry…")
        self.delete_button.setObjectName("deleteEntry")
        self.delete_button.setToolTip(
            "Remove every PI answer, the performance period and the CEHRT ID of this entity "
            "(can be undone until the window is closed)."
        )
        self.delete_button.clicked.connect(lambda: self.delete_entry())
        self.body.addLayout(self._page_head("Promoting Interoperability", self.delete_button))
        self.body.addWidget(
            wrapped(
                "This performance category promotes patient engagement and the electronic "
                "exchange of health information. Report each objective below; every answer is "
                "saved as you go and can be undone.",
                "hint",
            )
        )
        self.picker = EntityPicker(ctx)
        self.picker.changed.connect(self.refresh)
        self.body.addWidget(self.picker)

        self.locked = wrapped("", "error", "lockedBanner")
        self.body.addWidget(self.locked)

        # reweighting / consent
        self.reweight_box = QFrame()
        self.reweight_box.setObjectName("reweightBox")
        self.reweight_box.setStyleSheet(
            "QFrame#reweightBox { background: #fff8e1; border: 1px solid #f0d98c; "
            "border-radius: 4px; }"
        )
        rw = QVBoxLayout(self.reweight_box)
        self.reweight_text = wrapped("", name="reweightText")
        rw.addWidget(self.reweight_text)
        rw_row = QHBoxLayout()
        self.consent_button = QPushButton("Report Promoting Interoperability anyway…")
        self.consent_button.setObjectName("consentButton")
        self.consent_button.clicked.connect(lambda: self.ask_consent())
        rw_row.addWidget(self.consent_button)
        rw_row.addStretch(1)
        rw.addLayout(rw_row)
        self.body.addWidget(self.reweight_box)
        self.hardship = QCheckBox(
            "CMS approved a Promoting Interoperability hardship exception for this year"
        )
        self.hardship.setObjectName("hardshipCheck")
        self.hardship.toggled.connect(self._hardship_toggled)
        self.body.addWidget(self.hardship)

        # progress and score
        sm = self._summary_box("piSummary")
        self.missing_label = wrapped("", name="missingLabel")
        self.missing_label.setTextFormat(Qt.TextFormat.RichText)
        sm.addWidget(self.missing_label, 1, 0, 1, 2)
        self.score_reason = wrapped("", "hint", "scoreReason")
        sm.addWidget(self.score_reason, 2, 0, 1, 2)
        self.body.addWidget(self.summary)
        # where the data comes from: an imported EHR file, or several sources at once
        self.sources_label = wrapped("", name="sourcesLabel")
        self.sources_label.setVisible(False)
        self.body.addWidget(self.sources_label)
        self.message = wrapped("", "error", "pageMessage")
        self.message.setVisible(False)
        self.body.addWidget(self.message)

        # period and CEHRT ID
        self.body.addWidget(title_label("Performance Period", "sectionTitle"))
        period = QHBoxLayout()
        self.start_edit = make_date_edit(ctx.year, "periodStart")
        self.end_edit = make_date_edit(ctx.year, "periodEnd")
        period.addWidget(QLabel("Start date"))
        period.addWidget(self.start_edit)
        period.addWidget(QLabel("to  End date"))
        period.addWidget(self.end_edit)
        self.full_year = QPushButton("Whole year")
        self.full_year.setObjectName("fullYear")
        self.full_year.clicked.connect(self._whole_year)
        period.addWidget(self.full_year)
        period.addStretch(1)
        self.body.addLayout(period)
        self.period_hint = wrapped("", "hint", "periodHint")
        self.body.addWidget(self.period_hint)
        self.period_error = error_label("periodError")
        self.body.addWidget(self.period_error)
        for edit in (self.start_edit, self.end_edit):
            edit.editingFinished.connect(self._period_changed)
            edit.calendarWidget().clicked.connect(lambda _d: self._period_changed())

        self.body.addWidget(title_label("CMS EHR Certification ID (“CEHRT ID”)", "sectionTitle"))
        cehrt_row = QHBoxLayout()
        self.cehrt_edit = QLineEdit()
        self.cehrt_edit.setObjectName("cehrtId")
        self.cehrt_edit.setPlaceholderText("Enter CEHRT ID")
        self.cehrt_edit.setMaxLength(15)
        self.cehrt_edit.setMaximumWidth(240)
        self.cehrt_edit.editingFinished.connect(self._cehrt_done)
        cehrt_row.addWidget(self.cehrt_edit)
        cehrt_row.addStretch(1)
        self.body.addLayout(cehrt_row)
        self.cehrt_hint = wrapped("", "hint", "cehrtHint")
        self.body.addWidget(self.cehrt_hint)
        self.cehrt_error = error_label("cehrtError")
        self.body.addWidget(self.cehrt_error)
        self._cehrt_pending = False

        self.objectives_host = QVBoxLayout()
        self.body.addLayout(self.objectives_host)
        self.objective_titles: dict[str, QLabel] = {}
        self.body.addStretch(1)
        ctx.data_changed.connect(self._data_changed)
        ctx.year_changed.connect(lambda _y: self.refresh())
        ctx.workspace_changed.connect(self.refresh)
        ctx.catalog_changed.connect(self._rebuild_and_refresh)

    # -- helpers -------------------------------------------------------------------

    def edit(
        self,
        text: str,
        fn: Callable[[], object],
        box: MeasureBox | None = None,
        show: Callable[[str], None] | None = None,
        *,
        pi_data: bool = True,
    ) -> bool:
        """Run one saving edit (with undo); show a refusal where it happened."""
        if self.ws() is None or self.picker.entity() is None:
            return False
        if pi_data and att.pi_consent_needed(self.ws(), self.entity()) and not self.ask_consent():
            self.refresh()
            return False
        try:
            record_edit(self.ctx, self.entity(), text, fn)
        except att.AttestationError as exc:
            self.last_message = str(exc)
            if box is not None:
                box.show_problem(self.last_message)
            elif show is not None:
                show(self.last_message)
            self.refresh()
            if box is not None:
                box.show_problem(self.last_message)
            elif show is not None:
                show(self.last_message)
            else:
                self._show_message(self.last_message)
            return False
        self.last_message = ""
        if box is not None:
            box.show_problem("")
        self._show_message("")
        self.refresh()
        return True

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def ask_consent(self, dialog_hook: Callable[[PiConsentDialog], None] | None = None) -> bool:
        """QPP's confirmation before PI data is entered for a reweighted entity."""
        ws = self.ws()
        if ws is None or self.picker.entity() is None:
            return False
        reason = att.pi_consent_needed(ws, self.entity())
        if reason is None:
            return True
        weights: dict[str, float] | None = None
        if "small_practice" in att.entity_facts(ws, self.entity()).special_statuses:
            try:
                case = load_rules(self.ctx.year).weight_case("small_pi_reweighted")
                weights = dict(case.weights)
            except (RulesError, KeyError):
                weights = None
        dialog = PiConsentDialog(reason, weights, self)
        self.last_consent_dialog = dialog
        if dialog_hook is not None:
            dialog_hook(dialog)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.agree.isChecked():
            return False
        att.record_pi_consent(ws, self.entity(), agreed=True)
        self.refresh()
        return True

    def _hardship_toggled(self, on: bool) -> None:
        ws = self.ws()
        if ws is None or self.picker.entity() is None:
            return
        self.edit(
            "PI hardship exception " + ("approved" if on else "not approved"),
            lambda: att.set_entity_flags(ws, self.entity(), pi_hardship=on),
            pi_data=False,
        )

    def _whole_year(self) -> None:
        y = self.ctx.year
        self.edit(
            "Performance period: whole year",
            lambda: att.set_pi_period(
                self.ws(), self.entity(), dt.date(y, 1, 1), dt.date(y, 12, 31)
            ),
        )

    def _period_changed(self) -> None:
        start, end = date_of(self.start_edit), date_of(self.end_edit)
        ws = self.ws()
        if ws is None or self.picker.entity() is None:
            return
        stored = att.pi_entry(ws, self.entity())
        if (stored.start, stored.end) == (start, end):
            return
        self.edit(
            "Performance period",
            lambda: att.set_pi_period(self.ws(), self.entity(), start, end),
            show=lambda m: show_error(self.start_edit, self.period_error, m),
        )

    def _cehrt_done(self) -> None:
        text = self.cehrt_edit.text().strip()
        if (text.upper() or None) == (self._stored_cehrt or None):
            return

        def refused(message: str) -> None:
            self._cehrt_pending = True
            show_error(self.cehrt_edit, self.cehrt_error, message)

        self._cehrt_pending = False
        self.edit(
            "CEHRT ID", lambda: att.set_cehrt_id(self.ws(), self.entity(), text), show=refused
        )

    def open_evidence(self, category: str, measure_id: str, title: str) -> EvidenceDialog | None:
        if self.ws() is None or self.picker.entity() is None:
            return None
        dialog = EvidenceDialog(self.ctx, self.entity(), category, measure_id, title, self)
        self.last_evidence_dialog = dialog
        dialog.finished.connect(lambda _r: self.refresh())
        dialog.open()
        return dialog

    def delete_entry(self, confirm: bool = True) -> bool:
        """QPP's Delete of a manual entry (undoable here)."""
        ws = self.ws()
        if ws is None or self.picker.entity() is None or att.pi_entry(ws, self.entity()).empty:
            return False
        if confirm:
            answer = QMessageBox.question(
                self,
                "Delete the Promoting Interoperability entry",
                "Remove every answer, the performance period and the CEHRT ID entered for "
                "this reporting entity? Evidence files stay attached. You can undo this until "
                "the window is closed.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        # deleting is not entering PI data: no agreement to be scored is asked for
        return self.edit(
            "Delete PI entry", lambda: att.clear_pi_entry(ws, self.entity()), pi_data=False
        )

    def export_binder(self, path: Path | None = None) -> att.BinderResult | None:
        if self.picker.entity() is None:
            return None
        result = export_binder(self, self.ctx, self.entity(), path)
        if result is not None:
            self._show_message("")
            self.score_reason.setText(
                f"Audit binder written to {result.path} ({result.evidence_count} evidence file(s))."
            )
        return result

    # -- building ------------------------------------------------------------------
    def _rebuild_and_refresh(self) -> None:
        self._layout_year = None
        self.refresh()

    def _build(self, year: int) -> None:
        while self.objectives_host.count():
            item = self.objectives_host.takeAt(0)
            w = item.widget()
            if w is not None:
                w.deleteLater()
        self.boxes = {}
        self.objective_titles = {}
        try:
            layout = att.pi_layout(year, self.ctx.catalog)
        except RulesError as exc:
            self.objectives_host.addWidget(wrapped(str(exc), "error"))
            self._layout_year = year
            return
        for objective in layout:
            frame = QWidget()
            v = QVBoxLayout(frame)
            v.setContentsMargins(0, 8, 0, 0)
            t = title_label(objective.label, "sectionTitle")
            t.setObjectName(f"objective_{objective.key}")
            self.objective_titles[objective.key] = t
            v.addWidget(t)
            if objective.note:
                v.addWidget(wrapped(objective.note, "hint"))
            for m in objective.measures:
                box = MeasureBox(self, m)
                self.boxes[m.measure_id] = box
                v.addWidget(box)
            self.objectives_host.addWidget(frame)
        self._layout_year = year

    # -- refreshing ----------------------------------------------------------------
    def refresh(self) -> None:
        ws = self.ws()
        year = self.ctx.year
        self._prepare_refresh(year)
        if self._layout_year != year:
            self._build(year)
        entity = self.picker.entity()
        if ws is None or entity is None:
            self._show_no_entity()
            self._set_enabled(False)
            self.reweight_box.setVisible(False)
            return
        self.summary.setVisible(True)
        try:
            rules = load_rules(year)
        except RulesError as exc:
            self.locked.setText(str(exc))
            self.locked.setVisible(True)
            self._set_enabled(False)
            return
        allowed = self._show_lock(ws, entity)
        facts = att.entity_facts(ws, entity)
        self.hardship.blockSignals(True)
        self.hardship.setChecked(facts.pi_hardship)
        self.hardship.blockSignals(False)
        reason = att.pi_reweighting_reason(ws, entity, rules)
        consent = att.pi_consent(ws, entity)
        needs_consent = reason is not None and consent is None
        entry = att.pi_entry(ws, entity)
        has_data = not entry.empty
        self.reweight_box.setVisible(reason is not None)
        if reason is not None:
            if consent is None and has_data:
                # data stored without the agreement (an earlier version, another tool):
                # CMS scores any PI data it receives, and so does the preview
                self.reweight_text.setText(
                    f"<b>{reason.replace('is reweighted', 'would be reweighted')}</b> But PI "
                    "data is already entered for this entity, so Promoting Interoperability "
                    "is scored (CMS scores any PI data it receives) and counts in the final "
                    "score below. Agree to that to go on entering PI, or delete the entry "
                    "(Delete entry…) to keep PI reweighted to 0%."
                )
            elif consent is None:
                self.reweight_text.setText(
                    f"<b>{reason}</b> It does not count towards the final score. If you enter "
                    "any data on this page, including the performance period, Promoting "
                    "Interoperability will be scored, and this can't be undone. If your "
                    "hardship exception was approved, don't enter anything here."
                )
            else:
                self.reweight_text.setText(
                    f"{reason} On {consent.agreed_at[:10]} {consent.user} agreed that Promoting "
                    "Interoperability will be included in the final score (final)."
                )
            self.reweight_text.setTextFormat(Qt.TextFormat.RichText)
        self.consent_button.setVisible(needs_consent and allowed)
        self.hardship.setEnabled(allowed and consent is None)
        enabled = allowed and not needs_consent
        self._set_enabled(enabled)
        # deleting PI data is not entering it: possible without the agreement
        self.delete_button.setEnabled(allowed and has_data)

        self.values = entry.values
        self._show_sources(entry)
        issues = att.pi_issues(entry, year, rules)
        progress = att.pi_progress(entry, year, rules, self.ctx.catalog)
        self.progress_label.setText(progress.text)
        if progress.missing:
            self.missing_label.setText(
                "<b>Still missing:</b><ul style='margin:0'>"
                + "".join(f"<li>{m}</li>" for m in progress.missing)
                + "</ul>"
            )
        else:
            self.missing_label.setText(
                "<b>All required objectives are complete.</b> You will receive a Promoting "
                "Interoperability score for this entry."
            )
        # period
        set_date(self.start_edit, entry.start)
        set_date(self.end_edit, entry.end)
        ls = att.latest_start(year, rules)
        need = rules.pi.minimum_period_days.value
        self.period_hint.setText(
            f"At least {need} continuous days within {year}. The latest possible start date is "
            f"{ls:%m/%d/%Y} (ending 12/31/{year})."
        )
        period_msg = next((i.message for i in issues if i.measure_id == "period"), "")
        show_error(self.start_edit, self.period_error, period_msg)
        # CEHRT
        self._stored_cehrt = entry.cehrt_id
        if not self._cehrt_pending and self.cehrt_edit.text() != (entry.cehrt_id or ""):
            self.cehrt_edit.setText(entry.cehrt_id or "")
        self.cehrt_hint.setText(
            f"15 characters: {rules.pi.cehrt_id_example.value} for {year}. An ID generated for a "
            "combination of 2014 and 2015 Edition CEHRT contains “15H” and will be rejected."
        )
        if not self._cehrt_pending:
            show_error(
                self.cehrt_edit,
                self.cehrt_error,
                next((i.message for i in issues if i.measure_id == "cehrt"), ""),
            )
        # live scores
        points: dict[str, str] = {}
        catalog = self.ctx.catalog
        if catalog is not None:
            try:
                result = att.live_preview(ws, entity, catalog)
            except Exception as exc:  # the page must stay usable
                self.score_label.setText("")
                self.score_reason.setText(f"No live score: {exc}")
            else:
                pi = result.categories["pi"]
                if not pi.submitted:
                    self.score_label.setText("Score: not reported")
                else:
                    weight = (
                        f" ({_fmt(pi.points)} of {_fmt(pi.weight)} final-score points)"
                        if pi.weight
                        else ""
                    )
                    self.score_label.setText(f"PI score {_fmt(pi.score)}%{weight}")
                self.score_reason.setText(
                    pi.reason
                    if pi.score
                    else "You'll receive a score for this performance category after all "
                    "measures and required information have been reported."
                )
                for row in result.measures:
                    if row.category == "pi" and row.max_points is not None:
                        pts = _fmt(row.points) if row.points is not None else "–"
                        points[row.measure_id] = (
                            f"{pts} / {_fmt(row.max_points)} points"
                            if row.points is not None
                            else ""
                        )
                for key, label in self.objective_titles.items():
                    row_obj = next(
                        (r for r in result.measures if r.measure_id == key and r.points), None
                    )
                    base = label.text().split("  ·  ")[0]
                    label.setText(base + (f"  ·  {_fmt(row_obj.points)} points" if row_obj else ""))
        else:
            self.score_label.setText("")
            self.score_reason.setText(
                "The measures catalog is not loaded, so only completeness is shown (no live score)."
            )
        counts: dict[str, int] = {}
        for e in att.list_evidence(ws, entity, "pi"):
            counts[e.measure_id] = counts.get(e.measure_id, 0) + 1
        for mid, box in self.boxes.items():
            box.load(entry.values, issues, points.get(mid, ""), enabled, counts.get(mid, 0))
        self._update_undo()

    _stored_cehrt: str | None = None

    def _show_sources(self, entry: att.PiEntry) -> None:
        if entry.mixed:
            text = entry.sources_text
            set_role(self.sources_label, "error" if entry.conflicts else "hint")
        elif entry.sources and entry.source != ("registry", "mips"):
            text = (
                f"This data came from a {att.source_label(entry.source)}. Your edits here "
                "change that data; it stays one set of Promoting Interoperability data."
            )
            set_role(self.sources_label, "hint")
        else:
            text = ""
        self.sources_label.setText(text)
        self.sources_label.setVisible(bool(text))

    def _set_enabled(self, enabled: bool) -> None:
        self._enabled = enabled
        for w in (self.start_edit, self.end_edit, self.full_year, self.cehrt_edit):
            w.setEnabled(enabled)
        self.delete_button.setEnabled(enabled)
        for box in self.boxes.values():
            for child in box.findChildren(QWidget):
                if isinstance(child, (QRadioButton, QLineEdit, QCheckBox)) or (
                    isinstance(child, QPushButton)
                    and not child.objectName().startswith("evidence_")
                ):
                    child.setEnabled(enabled)
