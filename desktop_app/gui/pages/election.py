"""Election: Opt-In, Report Voluntarily or No Decision for each opt-in eligible participant.

Works like the registry grid of QPP's election guide (seed 004): one row per opt-in
eligible TIN or TIN/NPI, the counts, and one CONFIRM for all. Confirmed elections
are final: their rows are read-only and can be printed as a PDF confirmation.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop_app.elections.model import (
    ELECTION_LABELS,
    Election,
    ElectionError,
    ElectionRecord,
    confirmed_message,
    consequences,
)
from desktop_app.elections.store import (
    ElectionChoice,
    confirm_elections,
    election_record,
    save_draft,
)
from desktop_app.eligibility import store as el
from desktop_app.eligibility.badges import badge
from desktop_app.eligibility.model import Status
from desktop_app.gui.context import AppContext
from desktop_app.gui.election_badge import StatusBadge
from desktop_app.gui.election_dialog import ConfirmElectionsDialog
from desktop_app.gui.pages.base import Page, scroll_body
from desktop_app.gui.widgets.common import format_tin, set_role, title_label
from desktop_app.util.files import WriteError

# Two-line headers keep the choice columns narrow, leaving room for names and status.
COLUMNS = ["Participant", "", "No\nDecision", "Report\nVoluntarily", "Opt-In", "Status"]
CHOICE_COLUMNS = {Election.NO_DECISION: 2, Election.VOLUNTARY: 3, Election.OPT_IN: 4}
PARTICIPANT_MIN_WIDTH = 220
PARTICIPANT_MAX_WIDTH = 360
"""Longer names and identifiers wrap rather than squeeze the other columns."""

COUNT_TEXT = {
    Election.NO_DECISION: "The clinician or group will not be uploaded and will remain MIPS "
    "Exempt.",
    Election.VOLUNTARY: "The clinician or group will receive performance feedback but will not "
    "receive a payment adjustment in {py}. Voluntary reporting through the APM Performance "
    "Pathway (APP) isn't permitted.",
    Election.OPT_IN: "The clinician or group will receive performance feedback and a MIPS "
    "payment adjustment in {py}.",
}


class ElectionRow:
    """One participant of the grid."""

    def __init__(self, entity: el.EntityEligibility, record: ElectionRecord | None) -> None:
        self.entity = entity
        self.record = record
        self.group = QButtonGroup()
        self.buttons: dict[Election, QRadioButton] = {}

    @property
    def final(self) -> bool:
        return self.record is not None and self.record.is_final

    @property
    def choice(self) -> Election:
        for election, button in self.buttons.items():
            if button.isChecked():
                return election
        return Election.NO_DECISION


def _shape(row: ElectionRow) -> tuple[str, str | None, bool, str]:
    return (row.entity.tin, row.entity.npi, row.final, row.entity.name)


class ElectionPage(Page):
    key = "election"
    title = "Election"

    confirmed = Signal(list)
    """Emitted with the ElectionRecords just confirmed."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.rows: list[ElectionRow] = []
        self.last_dialog: ConfirmElectionsDialog | None = None
        _scroll, layout = scroll_body(self, spacing=8)
        layout.addWidget(title_label("Election"))
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.intro)

        layout.addWidget(title_label("Opt-In Eligible Participants", "sectionTitle"))
        self.empty = set_role(QLabel(""), "hint")
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        for col in range(len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        # The participant's name and TIN/NPI keep a readable width (set in _fill_table);
        # the long Status text takes what is left and wraps.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(0, PARTICIPANT_MIN_WIDTH)
        self.table.setMinimumHeight(200)
        self.table.setWordWrap(True)
        header.setMinimumSectionSize(60)
        header.sectionResized.connect(self._column_resized)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table)

        counts_box = QFrame()
        counts_box.setFrameShape(QFrame.Shape.StyledPanel)
        counts = QGridLayout(counts_box)
        counts.addWidget(title_label("Participant Elections", "sectionTitle"), 0, 0, 1, 2)
        self.count_labels: dict[Election, QLabel] = {}
        self.count_texts: dict[Election, QLabel] = {}
        for row, election in enumerate(
            (Election.NO_DECISION, Election.VOLUNTARY, Election.OPT_IN), start=1
        ):
            number = QLabel("0")
            number.setObjectName(f"count_{election.value}")
            number.setStyleSheet("font-size: 16pt; font-weight: 600;")
            text = QLabel()
            text.setWordWrap(True)
            counts.addWidget(number, row, 0, Qt.AlignmentFlag.AlignTop)
            counts.addWidget(text, row, 1)
            self.count_labels[election] = number
            self.count_texts[election] = text
        counts.setColumnStretch(1, 1)
        layout.addWidget(counts_box)

        buttons = QHBoxLayout()
        self.submit_button = QPushButton("Submit Elections")
        self.submit_button.setObjectName("submitElections")
        self.submit_button.clicked.connect(self.open_confirm_dialog)
        self.pdf_button = QPushButton("Save confirmation (PDF)…")
        self.pdf_button.setToolTip("A printable confirmation of the selected final election.")
        self.pdf_button.clicked.connect(self._choose_pdf)
        buttons.addWidget(self.submit_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.message = set_role(QLabel(""), "saved")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

        layout.addWidget(title_label("Opting-In vs. Voluntary Reporting", "sectionTitle"))
        compare = QHBoxLayout()
        self.opt_in_text = QLabel()
        self.voluntary_text = QLabel()
        for label in (self.opt_in_text, self.voluntary_text):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setAlignment(Qt.AlignmentFlag.AlignTop)
            compare.addWidget(label, 1)
        layout.addLayout(compare)
        layout.addStretch(1)

    # -------------------------------------------------------------- refreshing
    def refresh(self) -> None:
        from desktop_app.elections.model import payment_year

        year = self.ctx.year
        ws = self.ctx.workspace
        try:
            py = payment_year(year)
        except Exception:
            py = year + 2
        self.intro.setText(
            "To participate in MIPS, you must decide whether you will <b>opt-in</b> or "
            "<b>report voluntarily</b> before any data can be submitted. Clinicians and groups "
            "that exceed 1 or 2, but not all 3, low-volume threshold criteria are "
            f"<b>opt-in eligible</b> for {year}. Once an election is confirmed it is "
            "<b>final and can't be undone or changed</b>. Choosing No Decision needs no action: "
            "the participant stays MIPS exempt."
        )
        for election, label in self.count_texts.items():
            label.setText(COUNT_TEXT[election].format(py=py))
        self.opt_in_text.setText(
            "<b>If You Elect to Opt-in:</b><ul>"
            + "".join(f"<li>{c}</li>" for c in consequences(Election.OPT_IN, year, False))
            + "</ul>"
        )
        self.voluntary_text.setText(
            "<b>If You Elect to Voluntarily Report:</b><ul>"
            + "".join(f"<li>{c}</li>" for c in consequences(Election.VOLUNTARY, year, False))
            + "</ul>"
        )
        found = el.practice_eligibility(ws, year) if ws is not None else None
        rows: list[ElectionRow] = []
        if found is not None and ws is not None:
            for entity in found.all():
                record = election_record(ws, year, entity.tin, entity.npi)
                if entity.effective.status is Status.OPT_IN_ELIGIBLE or (
                    record is not None and record.is_final
                ):
                    rows.append(ElectionRow(entity, record))
        if [_shape(r) for r in rows] == [_shape(r) for r in self.rows]:
            # Same participants, nothing newly final (e.g. a draft was saved by a click):
            # update in place, so the radio button being clicked is never destroyed.
            for index, (old, new) in enumerate(zip(self.rows, rows, strict=True)):
                old.entity, old.record = new.entity, new.record
                self.table.item(index, 5).setText(self._status_text(old))
        else:
            self.rows = rows
            self._fill_table()
        if found is None:
            self.empty.setText("Set up the practice and its clinicians on the Practice page first.")
        elif not self.rows:
            self.empty.setText(
                f"No clinician or group of this practice is opt-in eligible for {year}, so there "
                "is nothing to elect. (Eligibility is decided on the Eligibility page.)"
            )
        else:
            self.empty.setText(
                "Individual clinicians are identified by TIN/NPI, groups by TIN. Make an "
                "election for each, then Submit Elections."
            )
        self._update_counts()

    def _fill_table(self) -> None:
        self.table.setRowCount(0)
        for index, row in enumerate(self.rows):
            self.table.insertRow(index)
            entity = row.entity
            kind = "TIN" if entity.npi is None else "TIN/NPI"
            ident = format_tin(entity.tin) if entity.npi is None else f"{entity.tin}/{entity.npi}"
            name = f"{entity.name}\n{kind} {ident}"
            item = QTableWidgetItem(name)
            self.table.setItem(index, 0, item)
            shown = badge(entity.effective.status, row.record.election.value if row.final else None)
            badge_widget = StatusBadge()
            badge_widget.set_badge(shown)
            self.table.setCellWidget(index, 1, badge_widget)
            current = row.record.election if row.record is not None else Election.NO_DECISION
            for election, col in CHOICE_COLUMNS.items():
                button = QRadioButton()
                button.setAccessibleName(f"{ELECTION_LABELS[election]} for {entity.name}")
                button.setChecked(election is current)
                button.setEnabled(not row.final)
                row.group.addButton(button)
                row.buttons[election] = button
                holder = QWidget()
                box = QHBoxLayout(holder)
                box.setContentsMargins(0, 0, 0, 0)
                box.addWidget(button, 0, Qt.AlignmentFlag.AlignCenter)
                self.table.setCellWidget(index, col, holder)
                button.toggled.connect(
                    lambda checked, r=row, e=election: checked and self._chosen(r, e)
                )
            status = self._status_text(row)
            self.table.setItem(index, 5, QTableWidgetItem(status))
        wanted = self.table.sizeHintForColumn(0) if self.rows else 0
        self.table.setColumnWidth(0, max(PARTICIPANT_MIN_WIDTH, min(PARTICIPANT_MAX_WIDTH, wanted)))
        self.table.resizeRowsToContents()
        self._update_buttons()

    def _column_resized(self, column: int, _old: int, _new: int) -> None:
        if column in (0, 5):  # wrapped text needs other row heights
            self.table.resizeRowsToContents()

    @staticmethod
    def _status_text(row: ElectionRow) -> str:
        record = row.record
        if record is None:
            return "No decision yet"
        if not record.is_final:
            return "Not confirmed yet"
        assert record.confirmed_at is not None
        local = record.confirmed_at.astimezone()
        return (
            f"Final: {ELECTION_LABELS[record.election]}\n"
            f"Confirmed {local:%b %d, %Y}\nat {local:%I:%M %p} by {record.confirmed_by}"
        )

    # ------------------------------------------------------------- choosing
    def _chosen(self, row: ElectionRow, election: Election) -> None:
        ws = self.ctx.workspace
        if ws is None or row.final:
            return
        try:
            save_draft(ws, self.ctx.year, row.entity.tin, row.entity.npi, election, row.entity.name)
        except ElectionError as exc:
            self.message.setText(str(exc))
        self._update_counts()

    def set_choice(self, index: int, election: Election) -> bool:
        """Pick ``election`` in row ``index`` as a click would; False if the row is final."""
        button = self.rows[index].buttons[election]
        if not button.isEnabled():
            return False
        button.click()
        return True

    def pending_choices(self) -> list[ElectionChoice]:
        return [
            ElectionChoice(r.entity.tin, r.entity.npi, r.entity.name, r.choice)
            for r in self.rows
            if not r.final and r.choice is not Election.NO_DECISION
        ]

    def counts(self) -> dict[Election, int]:
        result = dict.fromkeys(CHOICE_COLUMNS, 0)
        for r in self.rows:
            if not r.final:
                result[r.choice] += 1
        return result

    def _update_counts(self) -> None:
        for election, number in self.counts().items():
            self.count_labels[election].setText(str(number))
        self.submit_button.setEnabled(bool(self.pending_choices()))

    def _update_buttons(self) -> None:
        self.pdf_button.setEnabled(self.selected_final() is not None)

    def selected_final(self) -> ElectionRecord | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        row = self.rows[rows[0].row()]
        return row.record if row.final else None

    # ------------------------------------------------------------ confirming
    def open_confirm_dialog(self) -> ConfirmElectionsDialog | None:
        choices = self.pending_choices()
        if not choices:
            return None
        dialog = ConfirmElectionsDialog(choices, self.ctx.year, self)
        self.last_dialog = dialog
        dialog.finished.connect(lambda result: self._dialog_done(dialog, choices, result))
        dialog.open()
        return dialog

    def _dialog_done(
        self, dialog: ConfirmElectionsDialog, choices: list[ElectionChoice], result: int
    ) -> None:
        if result != ConfirmElectionsDialog.DialogCode.Accepted:
            self.message.setText("Nothing was confirmed; your selections are kept.")
            return
        ws = self.ctx.workspace
        if ws is None:
            return
        try:
            records = confirm_elections(ws, self.ctx.year, choices, dialog.typed())
        except ElectionError as exc:
            self.message.setText(str(exc))
            self.refresh()
            return
        if len(records) == 1:
            title, text = confirmed_message(
                records[0].election, records[0].entity_name, self.ctx.year
            )
        else:
            title = "Participation Selections Confirmed"
            text = (
                f"Your {len(records)} selected participants' elections are confirmed for the "
                f"{self.ctx.year} performance year."
            )
        self.message.setText(f"{title}. {text}")
        self.refresh()
        self.confirmed.emit(records)

    # ------------------------------------------------------------------ PDF
    def _choose_pdf(self) -> None:
        record = self.selected_final()
        if record is None:
            return
        suggested = f"MIPS election {record.year} {record.key.replace('/', '-')}.pdf"
        path, _ = QFileDialog.getSaveFileName(
            self, "Save election confirmation", suggested, "PDF files (*.pdf)"
        )
        if path:
            self.save_confirmation_pdf(Path(path), record)

    def save_confirmation_pdf(self, path: Path, record: ElectionRecord) -> bool:
        from desktop_app.gui.election_pdf import write_confirmation_pdf

        ws = self.ctx.workspace
        practice = ws.practice() if ws is not None else None
        try:
            write_confirmation_pdf(path, practice, record)
        except WriteError as exc:
            QMessageBox.warning(self, "Could not save the confirmation", str(exc))
            return False
        self.message.setText(
            f"Election confirmation saved to {path} at {dt.datetime.now():%I:%M %p}."
        )
        return True
