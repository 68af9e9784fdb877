"""Eligibility: each clinician (TIN/NPI) and the group (TIN), as QPP's Participation Status
shows them, with a form for the low-volume figures and "Look up on QPP"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.elections.store import ElectionState, election_state
from desktop_app.eligibility import store as el
from desktop_app.eligibility.badges import badge
from desktop_app.eligibility.model import (
    CRITERIA,
    CRITERION_LABELS,
    USER_SPECIAL_STATUSES,
    FiguresError,
    LowVolumeFigures,
    Status,
    format_figure,
    parse_count,
    parse_money,
    special_status_label,
)
from desktop_app.eligibility.thresholds import UnknownYearError, year_rules
from desktop_app.gui.background import run_in_background
from desktop_app.gui.context import AppContext
from desktop_app.gui.election_badge import StatusBadge
from desktop_app.gui.pages.base import Page, scroll_body
from desktop_app.gui.widgets.common import format_tin, set_role, show_error, title_label

LookupJob = tuple[str, str]  # (npi, display name)


def lookup_all(
    base_url: str,
    year: int,
    jobs: list[LookupJob],
    progress: Callable[[int, int, str], None],
) -> tuple[list[tuple[str, str, dt.datetime]], list[str]]:
    """Worker: look each NPI up; returns ([(npi, raw json, when)], [error messages])."""
    from desktop_app.qpp_api._http import (
        QppApiError,
        QppNetworkError,
        QppServerError,
        QppTimeoutError,
    )
    from desktop_app.qpp_api.eligibility import EligibilityClient

    client = EligibilityClient(base_url)
    found: list[tuple[str, str, dt.datetime]] = []
    errors: list[str] = []
    for index, (npi, name) in enumerate(jobs):
        progress(index, len(jobs), f"Looking up {name} (NPI {npi}) on QPP…")

        def waiting(attempt: int, wait: float, why: str, name: str = name, i: int = index) -> None:
            progress(i, len(jobs), f"{name}: {why}; trying again in {wait:.0f} s…")

        try:
            _response, raw = client.fetch(npi, year, on_retry=waiting)
        except (QppNetworkError, QppTimeoutError, QppServerError) as exc:
            errors.append(f"{name}: {exc}")
            rest = len(jobs) - index - 1
            if rest:
                errors.append(f"The other {rest} clinician(s) were not looked up; try again later.")
            break
        except QppApiError as exc:
            errors.append(f"{name}: {exc}")
            continue
        found.append((npi, raw, dt.datetime.now(dt.UTC).replace(microsecond=0)))
    progress(len(jobs), len(jobs), "Done")
    return found, errors


class EligibilityPage(Page):
    key = "eligibility"
    title = "Eligibility"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self._found: el.PracticeEligibility | None = None
        self._selected: str | None = None  # "" = group, else NPI
        self._task: Any = None
        self.lookup_fn: Callable[..., Any] = lookup_all
        """The background lookup (tests may swap the base URL through the settings)."""

        _scroll, outer = scroll_body(self, bottom=16, spacing=8)
        top = QHBoxLayout()
        top.addWidget(title_label("Eligibility"))
        top.addStretch(1)
        self.saved_label = set_role(QLabel(""), "saved")
        top.addWidget(self.saved_label)
        self.lookup_button = QPushButton("Look up on QPP")
        self.lookup_button.setToolTip(
            "Ask the QPP Participation Status (Eligibility API) about every clinician for the "
            "selected year. Results are kept in the workspace and usable offline."
        )
        self.lookup_button.clicked.connect(self.start_lookup)
        top.addWidget(self.lookup_button)
        outer.addLayout(top)

        self.intro = set_role(QLabel(), "hint")
        self.intro.setWordWrap(True)
        outer.addWidget(self.intro)
        progress_row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.progress.setMaximumWidth(260)
        self.progress_label = set_role(QLabel(""), "hint")
        progress_row.addWidget(self.progress)
        progress_row.addWidget(self.progress_label, 1)
        outer.addLayout(progress_row)
        self.lookup_error = QLabel("")
        self.lookup_error.setWordWrap(True)
        self.lookup_error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        set_role(self.lookup_error, "error")
        self.lookup_error.setVisible(False)
        outer.addWidget(self.lookup_error)

        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Participant", "TIN / NPI", "Status"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.setWordWrap(True)
        outer.addWidget(self.table)

        detail = QWidget()
        outer.addWidget(detail)
        d = QVBoxLayout(detail)
        d.setContentsMargins(0, 8, 0, 8)
        d.setSpacing(6)
        self.name_label = title_label("", "sectionTitle")
        d.addWidget(self.name_label)
        self.id_label = set_role(QLabel(""), "hint")
        d.addWidget(self.id_label)
        self.badge = StatusBadge()
        d.addWidget(self.badge)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        d.addWidget(self.summary)
        self.reasons = QLabel("")
        self.reasons.setWordWrap(True)
        self.reasons.setTextFormat(Qt.TextFormat.RichText)
        self.reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        d.addWidget(self.reasons)

        d.addSpacing(8)
        d.addWidget(title_label("Low-volume figures", "sectionTitle"))
        form_hint = set_role(
            QLabel(
                "From your Medicare Part B claims for each determination segment. Saved as "
                "soon as you leave a field; leave a whole segment empty if you don't know it."
            ),
            "hint",
        )
        form_hint.setWordWrap(True)
        d.addWidget(form_hint)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.addWidget(QLabel(""), 0, 0)
        for col, criterion in enumerate(CRITERIA, start=1):
            head = QLabel(CRITERION_LABELS[criterion])
            head.setWordWrap(True)
            grid.addWidget(head, 0, col)
        self.fields: dict[tuple[int, str], QLineEdit] = {}
        self.segment_labels: dict[int, QLabel] = {}
        self.segment_errors: dict[int, QLabel] = {}
        for seg in (1, 2):
            row = 1 + (seg - 1) * 2
            label = QLabel(f"Segment {seg}")
            label.setMinimumWidth(200)
            self.segment_labels[seg] = label
            grid.addWidget(label, row, 0)
            for col, criterion in enumerate(CRITERIA, start=1):
                edit = QLineEdit()
                edit.setObjectName(f"seg{seg}_{criterion.value}")
                edit.setPlaceholderText("$ 0.00" if col == 1 else "0")
                edit.setAccessibleName(f"Segment {seg} {CRITERION_LABELS[criterion]}")
                edit.editingFinished.connect(lambda s=seg: self._save_segment(s))
                self.fields[(seg, criterion.value)] = edit
                grid.addWidget(edit, row, col)
            err = QLabel("")
            err.setVisible(False)
            err.setWordWrap(True)
            self.segment_errors[seg] = err
            grid.addWidget(err, row + 1, 1, 1, 3)
        d.addLayout(grid)

        d.addSpacing(8)
        d.addWidget(title_label("Other facts", "sectionTitle"))
        self.qp_box = QCheckBox("Qualifying APM Participant (QP) this year")
        self.qp_box.toggled.connect(self._save_facts)
        d.addWidget(self.qp_box)
        statuses = QGridLayout()
        self.status_boxes: dict[str, QCheckBox] = {}
        for i, code in enumerate(USER_SPECIAL_STATUSES):
            box = QCheckBox(special_status_label(code))
            box.toggled.connect(self._save_facts)
            self.status_boxes[code] = box
            statuses.addWidget(box, i // 2, i % 2)
        d.addLayout(statuses)
        small = set_role(
            QLabel("Small practice follows from the number of clinicians on the Practice page."),
            "hint",
        )
        d.addWidget(small)
        d.addStretch(1)
        self._loading = False

    # ------------------------------------------------------------ refreshing
    def refresh(self) -> None:
        ws = self.ctx.workspace
        year = self.ctx.year
        try:
            rules = year_rules(year)
        except UnknownYearError as exc:
            self.intro.setText(str(exc))
            self._found = None
            self.table.setRowCount(0)
            return
        s1, s2 = rules.segments
        estimate = (
            " The threshold for this year is not yet confirmed by CMS: results are estimates."
            if rules.is_estimate
            else ""
        )
        self.intro.setText(
            f"Performance year {year}. You exceed the low-volume threshold if you bill more than "
            f"${rules.allowed_charges:,.0f} in Part B allowed charges, see more than "
            f"{rules.beneficiaries} Part B patients and provide more than {rules.services} "
            f"covered professional services, in both segments: {s1.label} and {s2.label}."
            + estimate
        )
        for seg, dates in ((1, s1), (2, s2)):
            self.segment_labels[seg].setText(
                f"Segment {seg}\n{_short(dates.start)} – {_short(dates.end)}"
            )
        self._found = el.practice_eligibility(ws, year) if ws is not None else None
        self.lookup_button.setEnabled(
            self._found is not None and bool(self._found.clinicians) and self._task is None
        )
        self._fill_table()

    def _state(self, entity: el.EntityEligibility) -> ElectionState | None:
        """The entity's elections: QPP's record (from a lookup) and the one confirmed here."""
        ws = self.ctx.workspace
        if ws is None:
            return None
        return election_state(ws, self.ctx.year, entity.tin, entity.npi, entity)

    def _election(self, entity: el.EntityEligibility) -> str | None:
        """The final election that counts (QPP's record first), for the badge."""
        state = self._state(entity)
        final = state.final if state is not None else None
        return final.election.value if final is not None else None

    def _fill_table(self) -> None:
        found = self._found
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        if found is None:
            self.table.blockSignals(False)
            self.name_label.setText("Set up the practice first")
            self.summary.setText("Enter the practice and its clinicians on the Practice page.")
            self.reasons.setText("")
            return
        for entity in found.all():
            row = self.table.rowCount()
            self.table.insertRow(row)
            shown = badge(entity.effective.status, self._election(entity))
            who = f"{entity.name} (group)" if entity.npi is None else entity.name
            item = QTableWidgetItem(who)
            item.setData(Qt.ItemDataRole.UserRole, entity.npi or "")
            self.table.setItem(row, 0, item)
            ident = format_tin(entity.tin) if entity.npi is None else entity.npi
            self.table.setItem(row, 1, QTableWidgetItem(ident))
            text = shown.text + (f" · {shown.note}" if shown.note else "")
            self.table.setItem(row, 2, QTableWidgetItem(text))
        keys = [
            self.table.item(r, 0).data(Qt.ItemDataRole.UserRole)
            for r in range(self.table.rowCount())
        ]
        wanted = self._selected if self._selected in keys else ""
        self.table.selectRow(keys.index(wanted))
        self.table.blockSignals(False)
        shown_rows = min(self.table.rowCount(), 8)
        height = self.table.horizontalHeader().height() + 6
        height += sum(self.table.rowHeight(r) for r in range(shown_rows))
        self.table.setFixedHeight(max(height, 120))
        self._selected = wanted
        self._show_selected()

    def _selection_changed(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        self._selected = self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        self._show_selected(load_fields=True)

    def select(self, npi: str | None) -> None:
        """Show the group (None) or a clinician."""
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == (npi or ""):
                self.table.selectRow(r)
                return

    def current(self) -> el.EntityEligibility | None:
        if self._found is None:
            return None
        return self._found.entity(self._selected or None)

    def _show_selected(self, load_fields: bool = False) -> None:
        entity = self.current()
        if entity is None:
            return
        result = entity.effective
        self.name_label.setText(entity.name)
        if entity.npi is None:
            self.id_label.setText(f"TIN: #{format_tin(entity.tin)} · Group (practice level)")
        else:
            self.id_label.setText(
                f"NPI: #{entity.npi} · TIN/NPI {format_tin(entity.tin)}/{entity.npi} · Individual"
            )
        state = self._state(entity)
        final = state.final if state is not None else None
        self.badge.set_badge(badge(result.status, final.election.value if final else None))
        exceeds = {Status.ELIGIBLE: "Yes", Status.NOT_DETERMINED: "Not known yet"}.get(
            result.status, "No"
        )
        lines = [f"<b>Exceeds Low Volume Threshold:</b> {exceeds}"]
        for seg in entity.computed.segments:
            figures = ", ".join(
                f"{CRITERION_LABELS[c].split(' (')[0]} {format_figure(c, seg.figures.value(c))}"
                for c in CRITERIA
            )
            lines.append(f"<b>Segment {seg.dates.number}:</b> {figures}")
        if state is not None and final is not None:
            said = final.status_text.replace("Final: ", "")
            lines.append(f"<b>Election:</b> {_html(said)} (final)")
            if state.conflict:
                lines.append(
                    f"<span style='color:#b00020'><b>Warning:</b> {_html(state.warning)}</span>"
                )
        specials = ", ".join(result.special_status_labels) or "None"
        lines.append(f"<b>Special Statuses, Exceptions and Other Reporting Factors:</b> {specials}")
        if result.source == "qpp" and result.looked_up_at:
            lines.append(
                f"<b>Source:</b> QPP Participation Status, looked up "
                f"{result.looked_up_at:%B %d, %Y at %H:%M} UTC. {entity.lookup_note}"
            )
            if entity.computed.status is not Status.NOT_DETERMINED and (
                entity.computed.status is not result.status
            ):
                lines.append(
                    "<b>Note:</b> the figures you entered give "
                    f"{entity.computed.status.value}; QPP's determination is used."
                )
        else:
            note = f" {entity.lookup_note}" if entity.lookup_note else ""
            lines.append(f"<b>Source:</b> the figures and facts entered here.{note}")
        if result.is_estimate:
            lines.append("<i>Estimate: this year's threshold is not yet confirmed by CMS.</i>")
        self.summary.setText("<br>".join(lines))
        if state is not None and final is not None:
            # The options are behind them once an election is final: say which, and when.
            result = result.with_final_election(state.describe())
        items = "".join(f"<li>{_html(r)}</li>" for r in result.reasons)
        self.reasons.setText(f"<b>Why</b><ul style='margin-left:-20px'>{items}</ul>")
        self._load_fields(entity, force=load_fields)

    def _load_fields(self, entity: el.EntityEligibility, force: bool) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        self._loading = True
        try:
            figures = el.load_figures(ws, self.ctx.year, entity.tin, entity.npi)
            for seg in (1, 2):
                if not force and self.segment_errors[seg].isVisible():
                    continue  # keep what the user is fixing
                saved = figures.get(seg)
                for c in CRITERIA:
                    edit = self.fields[(seg, c.value)]
                    if not force and edit.hasFocus():
                        continue
                    edit.setText(_field_text(saved, c) if saved else "")
                if force:
                    show_error(self.fields[(seg, "allowed_charges")], self.segment_errors[seg], "")
            facts = el.load_facts(ws, self.ctx.year, entity.tin, entity.npi)
            self.qp_box.setVisible(entity.npi is not None)
            self.qp_box.setChecked(facts.qp)
            for code, box in self.status_boxes.items():
                box.setChecked(code in facts.special_statuses)
        finally:
            self._loading = False

    # ----------------------------------------------------------------- saving
    def _save_segment(self, seg: int) -> None:
        entity = self.current()
        ws = self.ctx.workspace
        if entity is None or ws is None or self._loading:
            return
        texts = {c: self.fields[(seg, c.value)].text().strip() for c in CRITERIA}
        first = self.fields[(seg, "allowed_charges")]
        err = self.segment_errors[seg]
        if not any(texts.values()):
            figures: LowVolumeFigures | None = None
        elif not all(texts.values()):
            row = [self.fields[(seg, c.value)] for c in CRITERIA]
            if any(edit.hasFocus() for edit in row):
                return  # still filling in this segment: judge it when the row is left
            missing = ", ".join(
                CRITERION_LABELS[c].split(" (")[0].lower() for c in CRITERIA if not texts[c]
            )
            show_error(
                first, err, f"Enter all three figures for segment {seg} (missing: {missing})."
            )
            return
        else:
            # each figure on its own, so the field that is wrong is the one outlined
            parsers = (
                lambda t: parse_money(t),
                lambda t: parse_count(t, "Part B beneficiaries"),
                lambda t: parse_count(t, "Covered professional services"),
            )
            values = []
            for criterion, parse in zip(CRITERIA, parsers, strict=True):
                try:
                    values.append(parse(texts[criterion]))
                except FiguresError as exc:
                    self._clear_segment_marks(seg)
                    show_error(self.fields[(seg, criterion.value)], err, str(exc))
                    return
            figures = LowVolumeFigures(*values)
        self._clear_segment_marks(seg)
        show_error(first, err, "")
        el.save_figures(ws, self.ctx.year, entity.tin, entity.npi, seg, figures)
        self.saved_label.setText(f"All changes saved at {dt.datetime.now():%I:%M %p}")

    def _save_facts(self) -> None:
        entity = self.current()
        ws = self.ctx.workspace
        if entity is None or ws is None or self._loading:
            return
        codes = [code for code, box in self.status_boxes.items() if box.isChecked()]
        el.save_facts(
            ws,
            self.ctx.year,
            entity.tin,
            entity.npi,
            qp=self.qp_box.isChecked() and entity.npi is not None,
            special_statuses=codes,
        )
        self.saved_label.setText(f"All changes saved at {dt.datetime.now():%I:%M %p}")

    # ----------------------------------------------------------------- lookup
    def start_lookup(self) -> None:
        """Look every clinician up on QPP in the background, with progress."""
        from desktop_app.qpp_api.eligibility import default_base_url

        found = self._found
        if found is None or not found.clinicians or self._task is not None:
            return
        jobs = [(c.npi or "", c.name) for c in found.clinicians]
        base = default_base_url(self.ctx.settings)
        self.lookup_button.setEnabled(False)
        self.lookup_error.setVisible(False)
        self.progress.setRange(0, len(jobs))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.progress_label.setText("Contacting QPP…")
        year = self.ctx.year
        self._task = run_in_background(
            self.lookup_fn,
            base,
            year,
            jobs,
            on_success=lambda result: self._lookup_done(result, base, year),
            on_failure=self._lookup_failed,
            on_progress=self._lookup_progress,
            parent=self,
        )

    @property
    def lookup_running(self) -> bool:
        return self._task is not None

    def _lookup_progress(self, done: int, total: int, message: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress_label.setText(message)

    def _lookup_done(self, result: Any, base: str, year: int) -> None:
        self._task = None
        found, errors = result
        ws = self.ctx.workspace
        saved = 0
        if ws is not None:
            for npi, raw, when in found:
                try:
                    el.save_lookup(ws, npi, year, raw, base, when)
                    saved += 1
                except Exception as exc:  # a bad answer must not stop the others
                    errors.append(f"NPI {npi}: {exc}")
        self.progress.setVisible(False)
        self.progress_label.setText(
            f"Looked up {saved} of {saved + len(errors)} clinician(s) on QPP at "
            f"{dt.datetime.now():%I:%M %p}."
        )
        self._show_errors(errors)
        self.refresh()

    def _lookup_failed(self, exc: BaseException) -> None:
        self._task = None
        self.progress.setVisible(False)
        self.progress_label.setText("")
        self._show_errors([f"The lookup stopped: {exc}"])
        self.refresh()

    def _clear_segment_marks(self, seg: int) -> None:
        """Take the error outline off every figure of segment ``seg``."""
        for criterion in CRITERIA:
            edit = self.fields[(seg, criterion.value)]
            if edit.property("invalid"):
                edit.setProperty("invalid", False)
                edit.setAccessibleDescription("")
                edit.style().unpolish(edit)
                edit.style().polish(edit)

    def _show_errors(self, errors: list[str]) -> None:
        self.lookup_error.setText(
            "Some lookups failed:\n" + "\n".join(f"• {e}" for e in errors) if errors else ""
        )
        self.lookup_error.setVisible(bool(errors))


def _field_text(figures: LowVolumeFigures, criterion: Any) -> str:
    value = figures.value(criterion)
    return f"{value:.2f}" if criterion is CRITERIA[0] else str(value)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _short(d: dt.date) -> str:
    """``Oct 1, 2024`` (portable: no platform-specific strftime flags)."""
    return f"{d:%b} {d.day}, {d.year}"
