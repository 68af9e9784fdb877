"""Election: Opt-In, Report Voluntarily or No Decision for each opt-in eligible participant.

Works like the registry grid of QPP's election guide (seed 004): one row per opt-in
eligible TIN or TIN/NPI, the counts, and one CONFIRM for all. Confirmed elections
are final: their rows are read-only and can be printed as a PDF confirmation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
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
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
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
    ElectionState,
    confirm_elections,
    election_state,
    save_draft,
)
from desktop_app.eligibility import store as el
from desktop_app.eligibility.badges import Badge, badge
from desktop_app.eligibility.model import Status
from desktop_app.gui.context import AppContext
from desktop_app.gui.election_badge import StatusBadge
from desktop_app.gui.election_dialog import ConfirmElectionsDialog
from desktop_app.gui.pages.base import Page, scroll_body
from desktop_app.gui.widgets.common import format_tin, set_role, title_label
from desktop_app.models.practice import Practice
from desktop_app.util.files import WriteError, atomic_write_bytes

# Two-line headers keep the choice columns narrow, leaving room for names and status.
COLUMNS = ["Participant", "No\nDecision", "Report\nVoluntarily", "Opt-In", "Status"]
CHOICE_COLUMNS = {Election.NO_DECISION: 1, Election.VOLUNTARY: 2, Election.OPT_IN: 3}
STATUS_COLUMN = 4
"""The badge as QPP shows it, and under it the election in one line."""
PARTICIPANT_MIN_WIDTH = 220
"""The participant's name and TIN/NPI take what the other columns leave, at least this."""
STATUS_MIN_WIDTH = 240
"""The Status column fits its one-line text, and is never narrower than this."""

COUNT_TEXT = {
    Election.NO_DECISION: "The clinician or group will not be uploaded and will remain MIPS "
    "Exempt.",
    Election.VOLUNTARY: "The clinician or group will receive performance feedback but will not "
    "receive a payment adjustment in {py}. Voluntary reporting through the APM Performance "
    "Pathway (APP) isn't permitted.",
    Election.OPT_IN: "The clinician or group will receive performance feedback and a MIPS "
    "payment adjustment in {py}.",
}


class StatusCell(QWidget):
    """The Status cell: the badge as QPP shows it, the election under it on one line."""

    def __init__(self) -> None:
        super().__init__()
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 4, 6, 4)
        box.setSpacing(3)
        self.badge = StatusBadge()
        self.text = QLabel()
        self.text.setWordWrap(False)
        box.addWidget(self.badge)
        box.addWidget(self.text)

    def set_status(self, shown: Badge, text: str, tip: str, conflict: bool) -> None:
        # Every row is opt-in eligible and the line under it says the election: the badge
        # alone (no "Opt-in eligible" tag) keeps the column narrow.
        self.badge.set_badge(Badge(shown.text, shown.tone))
        self.badge.setAccessibleName(shown.text + (f", {shown.note}" if shown.note else ""))
        self.text.setText(text)
        self.text.setStyleSheet("color: #b00020;" if conflict else "")
        self.setToolTip(tip)
        self.setAccessibleName(f"{shown.text}. {text}")


class ElectionRow:
    """One participant of the grid."""

    def __init__(self, entity: el.EntityEligibility, state: ElectionState) -> None:
        self.entity = entity
        self.state = state
        self.group = QButtonGroup()
        self.buttons: dict[Election, QRadioButton] = {}

    @property
    def record(self) -> ElectionRecord | None:
        """The final election (QPP's record first), else the draft here, else None."""
        return self.state.final or self.state.local

    @property
    def final(self) -> bool:
        return self.state.final is not None

    @property
    def from_qpp(self) -> bool:
        return self.state.qpp is not None

    @property
    def choice(self) -> Election:
        for election, button in self.buttons.items():
            if button.isChecked():
                return election
        return Election.NO_DECISION


def _shape(row: ElectionRow) -> tuple[str, str | None, bool, bool, bool, str]:
    return (
        row.entity.tin,
        row.entity.npi,
        row.final,
        row.from_qpp,
        row.state.conflict,
        row.entity.name,
    )


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
        # The participant's name and TIN/NPI take the room the badge, the choices and the
        # one-line Status leave (wrapping if need be); the table is as tall as its rows, so
        # the page scrolls, never the table.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(False)
        self.table.viewport().installEventFilter(self)
        header.setMinimumSectionSize(60)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        header.sectionResized.connect(self._column_resized)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table)
        self.conflicts = set_role(QLabel(""), "error")
        self.conflicts.setWordWrap(True)
        self.conflicts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.conflicts.setVisible(False)
        layout.addWidget(self.conflicts)

        counts_box = QFrame()
        counts_box.setFrameShape(QFrame.Shape.StyledPanel)
        counts = QGridLayout(counts_box)
        counts.addWidget(title_label("Participant Elections", "sectionTitle"), 0, 0, 1, 4)
        self.count_names: dict[Election, QLabel] = {}
        self.count_labels: dict[Election, QLabel] = {}
        """The number of participants set to each choice and not yet confirmed."""
        self.final_labels: dict[Election, QLabel] = {}
        """The number already final (confirmed here or recorded on QPP)."""
        self.count_texts: dict[Election, QLabel] = {}
        for row, election in enumerate(
            (Election.NO_DECISION, Election.VOLUNTARY, Election.OPT_IN), start=1
        ):
            name = QLabel(ELECTION_LABELS[election])
            name.setStyleSheet("font-weight: 600;")
            number = QLabel("0")
            number.setObjectName(f"count_{election.value}")
            number.setStyleSheet("font-size: 16pt; font-weight: 600;")
            number.setAccessibleName(f"{ELECTION_LABELS[election]}: selected, not confirmed")
            final = set_role(QLabel(""), "hint")
            final.setObjectName(f"final_{election.value}")
            text = QLabel()
            text.setWordWrap(True)
            top = Qt.AlignmentFlag.AlignTop
            counts.addWidget(name, row, 0, top)
            counts.addWidget(number, row, 1, top | Qt.AlignmentFlag.AlignRight)
            counts.addWidget(final, row, 2, top)
            counts.addWidget(text, row, 3, top)
            self.count_names[election] = name
            self.count_labels[election] = number
            self.final_labels[election] = final
            self.count_texts[election] = text
        counts.setColumnStretch(3, 1)
        # room for "to confirm · N final" from the start, so the texts don't move later
        counts.setColumnMinimumWidth(
            2, final.fontMetrics().horizontalAdvance("to confirm · 9999 final") + 4
        )
        counts.setHorizontalSpacing(12)
        layout.addWidget(counts_box)

        buttons = QHBoxLayout()
        self.submit_button = QPushButton("Submit Elections")
        self.submit_button.setObjectName("submitElections")
        self.submit_button.clicked.connect(self.open_confirm_dialog)
        self.pdf_button = QPushButton("Save confirmation (PDF)…")
        self.pdf_button.setToolTip("A printable confirmation of the selected final election.")
        self.pdf_button.clicked.connect(self._choose_pdf)
        self.all_pdf_button = QPushButton("Save all confirmations (PDF)…")
        self.all_pdf_button.setToolTip(
            "One PDF with every final election of the year: a summary page, then the "
            "confirmation of each election confirmed in MIPS Desk."
        )
        self.all_pdf_button.clicked.connect(self._choose_all_pdf)
        buttons.addWidget(self.submit_button)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.all_pdf_button)
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
                state = election_state(ws, year, entity.tin, entity.npi, entity)
                if entity.effective.status is Status.OPT_IN_ELIGIBLE or (state.final is not None):
                    rows.append(ElectionRow(entity, state))
        if [_shape(r) for r in rows] == [_shape(r) for r in self.rows]:
            # Same participants, nothing newly final (e.g. a draft was saved by a click):
            # update in place, so the radio button being clicked is never destroyed.
            for index, (old, new) in enumerate(zip(self.rows, rows, strict=True)):
                old.entity, old.state = new.entity, new.state
                self._set_status(index, old)
            self._fit_table()
        else:
            self.rows = rows
            self._fill_table()
        warnings = [r.state.warning for r in self.rows if r.state.conflict]
        self.conflicts.setText("\n\n".join(f"⚠ {w}" for w in warnings))
        self.conflicts.setVisible(bool(warnings))
        if found is None:
            self.empty.setText("Set up the practice and its clinicians on the Practice page first.")
        elif not self.rows:
            undetermined = [
                e.name or e.tin for e in found.all() if e.effective.status is Status.NOT_DETERMINED
            ]
            if undetermined:
                self.empty.setText(
                    f"Eligibility for {year} is not determined yet for "
                    f"{len(undetermined)} of {len(found.all())} participants "
                    f"({', '.join(undetermined[:4])}{', …' if len(undetermined) > 4 else ''}). "
                    "Enter their low-volume figures or Look up on QPP on the Eligibility page; "
                    "an election is made here only for those found opt-in eligible."
                )
            else:
                self.empty.setText(
                    f"No clinician or group of this practice is opt-in eligible for {year}, so "
                    "there is nothing to elect. (Eligibility is decided on the Eligibility page.)"
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
            self.table.setCellWidget(index, STATUS_COLUMN, StatusCell())
            self._set_status(index, row)
        self._fit_table()
        self._update_buttons()

    def _set_status(self, index: int, row: ElectionRow) -> None:
        cell = self.table.cellWidget(index, STATUS_COLUMN)
        assert isinstance(cell, StatusCell)
        final = row.state.final
        shown = badge(row.entity.effective.status, final.election.value if final else None)
        cell.set_status(shown, self._status_text(row), self._status_tip(row), row.state.conflict)

    def status_text(self, index: int) -> str:
        """Row ``index``'s Status text (under the badge), as shown."""
        cell = self.table.cellWidget(index, STATUS_COLUMN)
        assert isinstance(cell, StatusCell)
        return cell.text.text()

    def badge_text(self, index: int) -> str:
        cell = self.table.cellWidget(index, STATUS_COLUMN)
        assert isinstance(cell, StatusCell)
        return cell.badge.text()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_participant()
        return super().eventFilter(watched, event)

    def _fit_participant(self) -> None:
        """The participant column takes the width the others leave, never under its minimum
        (a narrow window scrolls sideways rather than squeezing names)."""
        others = sum(self.table.columnWidth(c) for c in range(1, self.table.columnCount()))
        wanted = max(PARTICIPANT_MIN_WIDTH, self.table.viewport().width() - others)
        if self.table.columnWidth(0) != wanted:
            self.table.setColumnWidth(0, wanted)

    def _fit_table(self) -> None:
        """Status one line wide (at least STATUS_MIN_WIDTH); the table as tall as its rows."""
        header = self.table.horizontalHeader()
        cells = [self.table.cellWidget(r, STATUS_COLUMN) for r in range(self.table.rowCount())]
        widest = max((c.sizeHint().width() for c in cells if c is not None), default=0)
        wanted = max(STATUS_MIN_WIDTH, widest + 8)
        header.setMinimumSectionSize(60)
        header.setSectionResizeMode(STATUS_COLUMN, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(STATUS_COLUMN, wanted)
        self._fit_participant()
        self.table.resizeRowsToContents()
        self._fit_height()

    def _fit_height(self) -> None:
        """As tall as the header and every row: the page scrolls, never the table."""
        header = self.table.horizontalHeader()
        head = max(header.height(), header.sizeHint().height())
        height = head + 2 * self.table.frameWidth() + self.table.verticalHeader().length()
        bar = self.table.horizontalScrollBar()
        if self.table.horizontalHeader().length() > self.table.viewport().width():
            height += bar.sizeHint().height()
        self.table.setFixedHeight(max(height, head + 48))

    def _column_resized(self, column: int, _old: int, _new: int) -> None:
        if column == 0:  # a wrapped name needs another row height
            self.table.resizeRowsToContents()
            self._fit_height()

    @staticmethod
    def _status_text(row: ElectionRow) -> str:
        """One line; a second only when QPP and MIPS Desk disagree."""
        state = row.state
        text = state.status_text
        local = state.local_final
        if state.conflict and local is not None and local.confirmed_at is not None:
            day = local.confirmed_at.astimezone()
            text += f"\n⚠ Confirmed here: {local.election.label} ({day:%b} {day.day}, {day.year})"
        return text

    @staticmethod
    def _status_tip(row: ElectionRow) -> str:
        state = row.state
        final = state.final
        if final is None:
            return "No election confirmed yet."
        if final.from_qpp:
            tip = "QPP records this election (from the latest Eligibility lookup); it is final."
        else:
            assert final.confirmed_at is not None
            local = final.confirmed_at.astimezone()
            tip = (
                f"Confirmed in MIPS Desk on {local:%B %d, %Y at %I:%M %p} by "
                f"{final.confirmed_by}. Final: it can't be changed or removed."
            )
        if state.conflict:
            tip += "\n" + state.warning
        return tip

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
        """Participants set to each choice and not confirmed yet."""
        result = dict.fromkeys(CHOICE_COLUMNS, 0)
        for r in self.rows:
            if not r.final:
                result[r.choice] += 1
        return result

    def final_counts(self) -> dict[Election, int]:
        """Participants whose election is final (QPP's record first), by election."""
        result = dict.fromkeys(CHOICE_COLUMNS, 0)
        for r in self.rows:
            if r.state.final is not None:
                result[r.state.final.election] += 1
        return result

    def _update_counts(self) -> None:
        finals = self.final_counts()
        for election, number in self.counts().items():
            self.count_labels[election].setText(str(number))
            done = finals[election]
            self.final_labels[election].setText(f"to confirm · {done} final" if done else "")
        self.submit_button.setEnabled(bool(self.pending_choices()))

    def _update_buttons(self) -> None:
        self.pdf_button.setEnabled(self.selected_final() is not None)
        self.all_pdf_button.setEnabled(any(r.final for r in self.rows))

    def selected_final(self) -> ElectionRecord | None:
        """The selected row's election confirmed in MIPS Desk (QPP's own have no PDF here)."""
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self.rows[rows[0].row()].state.local_final

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

        state = next(
            (r.state for r in self.rows if r.state.local_final == record and r.state.conflict),
            None,
        )
        if state is not None:  # QPP records another election: the page says so
            return self._save_pdf(
                path,
                lambda practice: _write_html_pdf(
                    path,
                    local_confirmation_html(practice, state),
                    f"MIPS election confirmation {record.year} {record.key} (superseded)",
                ),
                failure_title="Could not save the confirmation",
                saved="Election confirmation (superseded by QPP's record)",
            )
        return self._save_pdf(
            path,
            lambda practice: write_confirmation_pdf(path, practice, record),
            failure_title="Could not save the confirmation",
            saved="Election confirmation",
        )

    def _choose_all_pdf(self) -> None:
        suggested = f"MIPS elections {self.ctx.year}.pdf"
        path, _ = QFileDialog.getSaveFileName(
            self, "Save all election confirmations", suggested, "PDF files (*.pdf)"
        )
        if path:
            self.save_all_confirmations_pdf(Path(path))

    def save_all_confirmations_pdf(self, path: Path) -> bool:
        """One PDF with every final election of the year (False if there is none or it
        can't be written; nothing is left half written)."""
        states = [r.state for r in self.rows if r.state.final is not None]
        if not states:
            self.message.setText("No election is final yet: there is nothing to save.")
            return False
        return self._save_pdf(
            path,
            lambda practice: write_all_confirmations_pdf(path, practice, self.ctx.year, states),
            failure_title="Could not save the confirmations",
            saved=f"{len(states)} final election(s)",
        )

    def _save_pdf(
        self,
        path: Path,
        write: Callable[[Practice | None], Path],
        *,
        failure_title: str,
        saved: str,
    ) -> bool:
        """Run ``write`` with the workspace's practice; say where the PDF went, or warn
        with ``failure_title`` if it could not be written (False)."""
        ws = self.ctx.workspace
        practice = ws.practice() if ws is not None else None
        try:
            write(practice)
        except WriteError as exc:
            QMessageBox.warning(self, failure_title, str(exc))
            return False
        self.message.setText(f"{saved} saved to {path} at {dt.datetime.now():%I:%M %p}.")
        return True


# ------------------------------------------------------------ all elections PDF
def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def all_confirmations_html(
    practice: Practice | None, year: int, states: list[ElectionState]
) -> str:
    """A summary of every final election of ``year``, then each local confirmation page."""
    practice_line = f"{_esc(practice.name)} (TIN {practice.tin})" if practice else ""
    rows = []
    for state in states:
        final = state.final
        assert final is not None
        label = final.entity_label
        note = ""
        if state.conflict:
            note = "<br><b>Warning:</b> " + _esc(state.warning)
        elif state.qpp is not None and state.local_final is not None:
            note = "<br>Also confirmed in MIPS Desk: " + _esc(state.local_final.status_text)
        rows.append(
            f"<tr><td>{_esc(state.who)}<br>{_esc(label)}</td>"
            f"<td>{_esc(final.election.label)}</td>"
            f"<td>{_esc(final.status_text)}{note}</td></tr>"
        )
    pages = [
        f"""<h1>MIPS elections, performance year {year}</h1>
        <p>{practice_line}</p>
        <p>{len(states)} final election(s). An election QPP records (from the latest QPP
        Eligibility lookup) is CMS's record and is the one that counts.</p>
        <table border="1" cellspacing="0" cellpadding="4" width="100%">
          <tr><th align="left">Participant</th><th align="left">Election</th>
          <th align="left">Recorded</th></tr>
          {"".join(rows)}
        </table>"""
    ]
    for state in states:
        if state.local_final is not None:
            pages.append(local_confirmation_html(practice, state))
    return '<div style="page-break-before: always;"></div>'.join(pages)


def superseded_note(state: ElectionState) -> str:
    """Why the election confirmed here doesn't count ('' unless QPP records another)."""
    qpp, local = state.qpp, state.local_final
    if not state.conflict or qpp is None or local is None:
        return ""
    return (
        f"Superseded: QPP records {qpp.election.label} for {state.who} "
        f"({qpp.status_text}). CMS's record counts: MIPS Desk uses {qpp.election.label} for "
        f"the score preview and export, not the {local.election.label} election below. "
        "This page is kept for the practice's records only; if QPP's record is wrong, "
        "contact the QPP Service Center (QPP@cms.hhs.gov, 1-866-288-8292)."
    )


def local_confirmation_html(practice: Practice | None, state: ElectionState) -> str:
    """The confirmation page of the election confirmed here, marked superseded when QPP
    records a different election (so the PDF never contradicts CMS's record)."""
    from desktop_app.gui.election_pdf import confirmation_html

    local = state.local_final
    assert local is not None
    html = confirmation_html(practice, local)
    note = superseded_note(state)
    if not note:
        return html
    html = html.replace("<h1>MIPS ", "<h1>Superseded: MIPS ", 1)
    banner = (
        '<table border="2" cellpadding="8" width="100%" style="border-color: #b00020;">'
        f'<tr><td style="color: #b00020;"><b>{_esc(note)}</b></td></tr></table>'
    )
    return banner + html


def write_all_confirmations_pdf(
    path: Path, practice: Practice | None, year: int, states: list[ElectionState]
) -> Path:
    """Write the PDF of every final election to ``path`` atomically (WriteError if not)."""
    return _write_html_pdf(
        path, all_confirmations_html(practice, year, states), f"MIPS elections {year}"
    )


def _write_html_pdf(path: Path, html: str, title: str) -> Path:
    from desktop_app.gui.pdf_writer import html_to_pdf_bytes

    atomic_write_bytes(Path(path), html_to_pdf_bytes(html, title=title), mode=0o600)
    return Path(path)
