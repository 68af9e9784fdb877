"""Quality: choose the year's measures, enter each one's counts, import an EHR file.

Two tabs, in the order a practice works:

- **Choose measures**: every quality measure of the year with full-text search and
  filters (collection type, outcome / high priority, specialty measure set, MVP), its
  benchmark for each collection type and whether it is topped out or capped at 7
  points; a suggested set of 6 with an outcome measure for the practice's specialty.
- **Enter data**: per measure and collection type (MIPS CQM = registry, eCQM =
  electronicHealthRecord), the eligible population, exclusions, exceptions,
  performance met and not met (per stratum for multi-rate measures), checked as the
  user types with the performance rate, data completeness, live points and reason.

The logic lives in the core (:mod:`desktop_app.quality`, :mod:`desktop_app.reporting`,
:mod:`desktop_app.scoring`); this page only shows it.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.gui.context import AppContext
from desktop_app.gui.pages.base import Page
from desktop_app.gui.widgets.common import format_tin, set_role, title_label
from desktop_app.gui.widgets.entities import entity_choices
from desktop_app.quality import (
    ENTRY_METHODS,
    FIELD_LABELS,
    FIELDS,
    Counts,
    EntryCheck,
    MeasureFilter,
    MeasurePicker,
    MeasureRow,
    SelectedMeasure,
    check_entry,
    collection_type_label,
    counts_from_text,
    counts_from_value,
    practice_specialty,
    select_measure,
    selected_measures,
    set_practice_specialty,
    specialty_label,
    unselect_measure,
)
from desktop_app.quality.entry import (
    CQM_EXCLUSION_NOT_ZERO,
    ECQM_COUNTS_DONT_ADD_UP,
    EntryIssue,
    FieldName,
    cqm_exclusion_fix,
)
from desktop_app.reporting import EntityKey, ReportingError, save_value, stored_values
from desktop_app.scoring import ScoringOptions

WARNING_STYLE = (
    "background: #fff4e5; color: #7a4100; border: 1px solid #f0c36d; border-radius: 4px; "
    "padding: 6px 8px;"
)
OK_STYLE = "color: #1b6e2e;"
ERROR_STYLE = "color: #b00020;"

TABLE_COLUMNS = ["ID", "Measure", "MIPS CQM", "eCQM", "Claims", "Notes"]
"""MIPS CQM, eCQM and Claims columns: the performance rate that earns the most points as
that collection type (10, or the cap of a topped-out measure), or why there is none.
The measure type is in the Measure column's tooltip and the detail panel (and
Outcome / High priority in Notes); "—" in a collection type's column means the measure
can't be reported that way. So every column fits in the main window at 1200 x 800 with
the measure titles readable."""
HEADER_TIPS = {
    0: "Measure ID",
    1: "Measure title (hover a row for its type, full title and description)",
    5: "In my measures, outcome, high priority, inverse, other programs only",
}
BENCHMARK_COLUMNS = {2: "registry", 3: "electronicHealthRecord", 4: "claims"}
COLUMN_SAMPLES = {
    0: "236SSP",
    2: "≥ 100% (max 7)",
    3: "≥ 84.04%",
    4: "≥ 84.04%",
    5: "High priority",
}
"""Each column's width, as the width of its usual text (longer ones are elided, with
the full text in the cell's tooltip); the Measure column takes the rest."""
BENCHMARK_HEADER_TIP = (
    "The performance rate that earns the most points with this collection type's "
    "benchmark: 10 points, or '(max 7)' for a topped-out measure capped at 7 points. "
    "≤ marks inverse measures (lower is better). Select a measure for every decile."
)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}%"


def _bench_text(row: MeasureRow, method: str) -> str:
    if method not in row.submission_methods:
        return "—"
    view = row.benchmark(method)
    if view is None or not view.has_benchmark:
        return "No benchmark"
    top = view.max_points_start
    if top is None:
        return view.short_text()
    # compact: the rate for the most points; the cap when it isn't 10 (full text in
    # the cell's tooltip and the detail panel)
    return f"{top.text} (max 7)" if view.capped else top.text


def benchmark_table_html(row: MeasureRow) -> str:
    """Per collection type: where each decile starts (the performance rate), the rate for
    the most points, and the topped-out / cap / inverse notes, as the detail panel shows."""
    order = {m: i for i, m in enumerate(BENCHMARK_COLUMNS.values())}
    views = sorted(
        (b for b in row.benchmarks if b.submission_method in row.submission_methods),
        key=lambda b: order.get(b.submission_method, 99),
    )
    if not views:
        return "<b>Benchmarks:</b> none for this measure."
    cell = 'style="padding: 1px 5px; white-space: nowrap;" align="right"'
    head = 'style="padding: 1px 5px; font-weight: bold; white-space: nowrap;"'
    lines = [
        "<b>Benchmarks</b> – the performance rate where each decile starts; a rate in "
        "decile <i>d</i> earns <i>d</i> to <i>d</i>+1 points, the top decile 10"
        + (" (<b>inverse measure: lower rates are better</b>)" if row.is_inverse else "")
        + ".",
        '<table cellspacing="0" style="margin-top: 2px;">',
        f"<tr><td {head}>Decile</td>"
        + "".join(f'<td {head} align="right">{d}</td>' for d in range(1, 11))
        + f"<td {head}>Notes</td></tr>",
    ]
    for view in views:
        starts = view.decile_starts()
        notes = []
        if not view.has_benchmark:
            notes.append("no benchmark")
        elif not starts:
            notes.append("no decile figures in the catalog")
        if view.capped:
            top = view.max_points_start
            notes.append(
                f"topped out, {view.cap_text}" + (f" (from {top.text})" if top is not None else "")
            )
        elif view.topped_out_by_program and view.cap_removed:
            notes.append("topped out, CMS removed the cap")
        elif view.topped_out:
            notes.append("topped out")
        if starts and not view.capped:
            notes.append(f"10 points at {starts[-1].text}")
        figures = "".join(f"<td {cell}>{html.escape(d.text)}</td>" for d in starts) or "".join(
            f"<td {cell}>—</td>" for _ in range(10)
        )
        name = "Claims" if view.submission_method == "claims" else view.label
        lines.append(
            f"<tr><td {head}>{name}</td>{figures}"
            f'<td style="padding: 1px 5px;">{html.escape("; ".join(notes))}</td></tr>'
        )
    lines.append("</table>")
    return "".join(lines)


class ChooseTab(QWidget):
    """Search, filters, the measures table and the suggested set."""

    def __init__(self, page: QualityPage) -> None:
        super().__init__()
        self.page = page
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)

        filters = QGridLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(
            "Search by words, measure ID or eCQM ID (e.g. diabetes, 236, CMS165)"
        )
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search measures")
        self.collection = QComboBox()
        self.collection.setAccessibleName("Collection type")
        self.specialty = QComboBox()
        self.specialty.setAccessibleName("Specialty measure set")
        self.mvp = QComboBox()
        self.mvp.setAccessibleName("MVP")
        self.mvp.setMaximumWidth(320)
        self.outcome = QCheckBox("Outcome measures only")
        self.high_priority = QCheckBox("High priority only")
        self.other_programs = QCheckBox("Other programs' measures")
        self.other_programs.setToolTip(
            "Also list measures that traditional MIPS (or the chosen MVP) can't report, "
            "such as the Shared Savings Program's 001SSP or 236SSP (CMS's allowedPrograms). "
            "They can't be added: CMS refuses them in a MIPS submission."
        )
        filters.addWidget(self.search, 0, 0, 1, 4)
        filters.addWidget(QLabel("Collection type"), 1, 0)
        filters.addWidget(self.collection, 1, 1)
        filters.addWidget(QLabel("Specialty set"), 1, 2)
        filters.addWidget(self.specialty, 1, 3)
        filters.addWidget(QLabel("MVP"), 2, 0)
        filters.addWidget(self.mvp, 2, 1)
        checks = QHBoxLayout()
        checks.addWidget(self.outcome)
        checks.addWidget(self.high_priority)
        checks.addWidget(self.other_programs)
        checks.addStretch(1)
        filters.addLayout(checks, 2, 2, 1, 2)
        filters.setColumnStretch(1, 1)
        filters.setColumnStretch(3, 1)
        layout.addLayout(filters)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.count_label = set_role(QLabel(""), "hint")
        self.count_label.setWordWrap(True)
        left_layout.addWidget(self.count_label)
        self.table = QTableWidget(0, len(TABLE_COLUMNS))
        self.table.setHorizontalHeaderLabels(TABLE_COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # The Measure title takes what the other columns leave (elided, full title in
        # its tooltip), so that all columns fit at 1200 x 800.
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self._fitted_font: str | None = None
        for column, tip in HEADER_TIPS.items():
            header_item = self.table.horizontalHeaderItem(column)
            if header_item is not None:
                header_item.setToolTip(tip)
        for column in BENCHMARK_COLUMNS:
            header_item = self.table.horizontalHeaderItem(column)
            if header_item is not None:
                header_item.setToolTip(BENCHMARK_HEADER_TIP)
        self.table.setAccessibleName("Quality measures")
        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        detail_scroll = QScrollArea()
        detail_scroll.setWidgetResizable(True)
        detail_scroll.setFrameShape(QFrame.Shape.NoFrame)
        detail_scroll.setWidget(self.detail)
        detail_scroll.setMinimumHeight(80)
        table_split = QSplitter(Qt.Orientation.Vertical)
        table_split.addWidget(self.table)
        table_split.addWidget(detail_scroll)
        table_split.setStretchFactor(0, 4)
        table_split.setStretchFactor(1, 1)
        table_split.setSizes([520, 160])
        table_split.setChildrenCollapsible(False)
        left_layout.addWidget(table_split, 1)
        self.refused_label = QLabel("")
        self.refused_label.setWordWrap(True)
        self.refused_label.setStyleSheet(ERROR_STYLE)
        self.refused_label.setAccessibleName("Measures not added")
        self.refused_label.hide()
        left_layout.addWidget(self.refused_label)
        add_row = QHBoxLayout()
        self.add_registry = QPushButton("Add as MIPS CQM")
        self.add_ehr = QPushButton("Add as eCQM")
        add_row.addWidget(self.add_registry)
        add_row.addWidget(self.add_ehr)
        add_row.addStretch(1)
        left_layout.addLayout(add_row)
        splitter.addWidget(left)

        right = QFrame()
        right.setFrameShape(QFrame.Shape.StyledPanel)
        right.setMaximumWidth(210)  # the measure table gets the rest of the width
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(title_label("Suggested set of 6", "sectionTitle"))
        hint = set_role(
            QLabel(
                "Six measures of your specialty set, one of them an outcome measure (or a "
                "high-priority one when no outcome measure applies), favouring measures with "
                "a benchmark that aren't capped at 7 points."
            ),
            "hint",
        )
        hint.setWordWrap(True)
        right_layout.addWidget(hint)
        self.suggest_specialty = QComboBox()
        self.suggest_specialty.setAccessibleName("Practice specialty")
        self.suggest_method = QComboBox()
        for method in ENTRY_METHODS:
            self.suggest_method.addItem(collection_type_label(method), method)
        for text, combo in (
            ("Practice specialty", self.suggest_specialty),
            ("Collection type", self.suggest_method),
        ):
            label = QLabel(text)
            label.setBuddy(combo)
            right_layout.addWidget(label)
            right_layout.addWidget(combo)
        self.suggest_note = QLabel("")
        self.suggest_note.setWordWrap(True)
        right_layout.addWidget(self.suggest_note)
        self.suggest_list = QListWidget()
        self.suggest_list.setWordWrap(True)
        self.suggest_list.setAccessibleName("Suggested measures")
        right_layout.addWidget(self.suggest_list, 1)
        self.add_suggested = QPushButton("Add these to my measures")
        right_layout.addWidget(self.add_suggested)
        right.setMinimumWidth(260)
        right.setMaximumWidth(360)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([960, 230])
        layout.addWidget(splitter, 1)

        self.rows: list[MeasureRow] = []
        self.search.textChanged.connect(self.apply_filter)
        for combo in (self.collection, self.specialty, self.mvp):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.outcome.toggled.connect(self.apply_filter)
        self.high_priority.toggled.connect(self.apply_filter)
        self.other_programs.toggled.connect(self.apply_filter)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.add_registry.clicked.connect(lambda: self._add_current("registry"))
        self.add_ehr.clicked.connect(lambda: self._add_current("electronicHealthRecord"))
        self.suggest_specialty.currentIndexChanged.connect(self._specialty_changed)
        self.suggest_method.currentIndexChanged.connect(self.show_suggestion)
        self.add_suggested.clicked.connect(self._add_suggested)

    # -- data -----------------------------------------------------------------
    def load(self, picker: MeasurePicker, specialty: str | None) -> None:
        for combo in (self.collection, self.specialty, self.mvp, self.suggest_specialty):
            combo.blockSignals(True)
            combo.clear()
        self.collection.addItem("All collection types", None)
        for method, label in picker.collection_types():
            self.collection.addItem(label, method)
        self.specialty.addItem("All specialty sets", None)
        self.suggest_specialty.addItem("Choose your specialty…", None)
        for key, label in picker.specialties():
            self.specialty.addItem(label, key)
            self.suggest_specialty.addItem(label, key)
        self.mvp.addItem("Any (traditional MIPS)", None)
        for mvp in picker.mvps:
            self.mvp.addItem(f"{mvp.mvp_id} – {mvp.title}", mvp.mvp_id)
        if specialty:
            index = self.suggest_specialty.findData(specialty)
            self.suggest_specialty.setCurrentIndex(max(0, index))
        for combo in (self.collection, self.specialty, self.mvp, self.suggest_specialty):
            combo.blockSignals(False)
        self.apply_filter()
        self.show_suggestion()

    def current_filter(self) -> MeasureFilter:
        return MeasureFilter(
            text=self.search.text(),
            collection_type=self.collection.currentData(),
            outcome_only=self.outcome.isChecked(),
            high_priority_only=self.high_priority.isChecked(),
            specialty=self.specialty.currentData(),
            mvp=self.mvp.currentData(),
            other_programs=self.other_programs.isChecked(),
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Column widths from the fonts in use (the style sheet's, once applied): each
        column as wide as its usual text or its bold header; Measure takes the rest."""
        self.table.ensurePolished()
        header = self.table.horizontalHeader()
        header.ensurePolished()
        key = self.table.font().toString() + "|" + header.font().toString()
        if key == self._fitted_font:
            return
        self._fitted_font = key
        cell = self.table.fontMetrics()
        bold = QFont(header.font())
        bold.setBold(True)
        head = QFontMetrics(bold)
        for column, sample in COLUMN_SAMPLES.items():
            width = max(
                cell.horizontalAdvance(sample), head.horizontalAdvance(TABLE_COLUMNS[column])
            )
            self.table.setColumnWidth(column, width + 14)

    def apply_filter(self) -> None:
        picker = self.page.picker
        if picker is None:
            return
        self.fit_columns()
        self.rows = picker.filter(self.current_filter())
        mine = {s.measure_id for s in self.page.selections}
        self.table.setUpdatesEnabled(False)
        self.table.setRowCount(len(self.rows))
        for i, row in enumerate(self.rows):
            # the benchmark columns say topped out / capped
            notes = [f for f in row.flags() if not f.startswith("Capped") and f != "Topped out"]
            if row.measure_id in mine:
                notes.insert(0, "In my measures")
            cells = [
                row.measure_id,
                row.title,
                *(_bench_text(row, m) for m in BENCHMARK_COLUMNS.values()),
                " · ".join(notes),
            ]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                tip = text
                if j == 1:
                    tip = f"{row.title}\n{row.type_label} measure\n\n{row.description}"
                elif j in BENCHMARK_COLUMNS:
                    view = row.benchmark(BENCHMARK_COLUMNS[j])
                    tip = view.describe() if view is not None else text
                item.setToolTip(tip)
                self.table.setItem(i, j, item)
        self.table.setUpdatesEnabled(True)
        hidden = 0
        if not self.other_programs.isChecked():
            program = self.mvp.currentData() or "mips"
            hidden = sum(1 for r in picker.rows if not r.allows_program(program))
        text = f"{len(self.rows)} of {len(picker.rows) - hidden} quality measures for {picker.year}"
        if hidden:
            text += f" ({hidden} of other programs hidden)"
        text += ". Per collection type, the rate that earns the most points (≤: lower is better)."
        self.count_label.setText(text)
        self._selection_changed()

    def current_row(self) -> MeasureRow | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        index = rows[0].row()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def _selection_changed(self) -> None:
        row = self.current_row()
        refusal = self.page.picker.refusal(row.measure_id) if row and self.page.picker else None
        editable = self.page.entry_allowed and refusal is None
        self.add_registry.setEnabled(
            bool(row and "registry" in row.submission_methods and editable)
        )
        self.add_ehr.setEnabled(
            bool(row and "electronicHealthRecord" in row.submission_methods and editable)
        )
        if row is None:
            self.detail.setText(
                "Select a measure to see its benchmarks and add it to your measures."
            )
            return
        benches = benchmark_table_html(row)
        sets = ", ".join(specialty_label(s) for s in row.measure_sets) or "none"
        mvps = ", ".join(row.mvps) or "none"
        strata = f"<br><b>Strata:</b> {', '.join(row.strata)}" if row.strata else ""
        inverse = "<br><b>Inverse measure:</b> a lower rate is better." if row.is_inverse else ""
        other = (
            f'<br><span style="{ERROR_STYLE}"><b>Not for traditional MIPS:</b> '
            f"{html.escape(refusal)}</span>"
            if refusal
            else ""
        )
        self.detail.setText(
            f"<b>{row.measure_id} – {row.title}</b> ({row.type_label}){other}"
            f"<br><b>Specialty sets:</b> {sets}<br><b>MVPs:</b> {mvps}{strata}{inverse}"
            f"<br>{benches}"
        )

    def _add_current(self, method: str) -> None:
        row = self.current_row()
        if row is not None:
            self.page.add_measures([(row.measure_id, method)])

    def _specialty_changed(self) -> None:
        ws = self.page.ctx.workspace
        if ws is not None:
            set_practice_specialty(ws, self.suggest_specialty.currentData())
        self.show_suggestion()

    def show_suggestion(self) -> None:
        self.suggest_list.clear()
        picker = self.page.picker
        specialty = self.suggest_specialty.currentData()
        self.add_suggested.setEnabled(False)
        if picker is None or not specialty:
            self.suggest_note.setText("Choose your specialty to get a suggested set.")
            return
        suggestion = picker.suggest(specialty, self.suggest_method.currentData())
        self.suggest_note.setText(suggestion.note)
        for row in suggestion.measures:
            item = QListWidgetItem(
                f"{row.measure_id} – {row.title}\n    {suggestion.reasons[row.measure_id]}"
            )
            item.setData(Qt.ItemDataRole.UserRole, row.measure_id)
            self.suggest_list.addItem(item)
        self.add_suggested.setEnabled(bool(suggestion.measures) and self.page.entry_allowed)

    def _add_suggested(self) -> None:
        method = self.suggest_method.currentData()
        ids = [
            str(self.suggest_list.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.suggest_list.count())
        ]
        self.page.add_measures([(mid, method) for mid in ids])


class EntryForm(QWidget):
    """The counts of one measure and collection type, checked as the user types."""

    def __init__(self, page: QualityPage) -> None:
        super().__init__()
        self.page = page
        self.row: MeasureRow | None = None
        self.method = "registry"
        self.program = "mips"
        self.check: EntryCheck | None = None
        self.saved_value: Any = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 0, 0, 0)
        self.heading = title_label("", "sectionTitle")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.subheading = set_role(QLabel(""), "hint")
        self.subheading.setWordWrap(True)
        layout.addWidget(self.subheading)
        self.inverse_label = QLabel("")
        self.inverse_label.setWordWrap(True)
        self.inverse_label.setStyleSheet(WARNING_STYLE)
        layout.addWidget(self.inverse_label)

        self.single = QWidget()
        grid = QGridLayout(self.single)
        grid.setContentsMargins(0, 8, 0, 8)
        self.fields: dict[FieldName, QLineEdit] = {}
        order: list[FieldName] = [
            "eligible_population",
            "exclusions",
            "exceptions",
            "met",
            "not_met",
        ]
        for i, name in enumerate(order):
            label = QLabel(FIELD_LABELS[name])
            edit = QLineEdit()
            edit.setAccessibleName(FIELD_LABELS[name])
            edit.setMaximumWidth(160)
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.textChanged.connect(self.recheck)
            label.setBuddy(edit)
            grid.addWidget(label, i, 0)
            grid.addWidget(edit, i, 1)
            self.fields[name] = edit
        grid.setColumnStretch(2, 1)
        layout.addWidget(self.single)

        self.strata = QTableWidget(0, len(FIELDS))
        self.strata.setHorizontalHeaderLabels(
            [
                "Eligible\npopulation",
                "Denominator\nexclusions",
                "Denominator\nexceptions",
                "Performance\nmet",
                "Performance\nnot met",
            ]
        )
        for j, f in enumerate(FIELDS):
            header_item = self.strata.horizontalHeaderItem(j)
            if header_item is not None:
                header_item.setToolTip(FIELD_LABELS[f])
        self.strata.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.strata.setAccessibleName("Counts per stratum")
        self.strata.itemChanged.connect(lambda _item: self.recheck())
        layout.addWidget(self.strata)

        figures = QGridLayout()
        self.rate_label = QLabel("—")
        self.completeness_label = QLabel("—")
        self.points_label = QLabel("—")
        font = self.points_label.font()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.points_label.setFont(font)
        figures.addWidget(QLabel("Performance rate"), 0, 0)
        figures.addWidget(self.rate_label, 0, 1)
        figures.addWidget(QLabel("Data completeness"), 1, 0)
        figures.addWidget(self.completeness_label, 1, 1)
        figures.addWidget(QLabel("Points (live)"), 2, 0)
        figures.addWidget(self.points_label, 2, 1)
        figures.setColumnStretch(1, 1)
        layout.addLayout(figures)
        self.reason_label = QLabel("")
        self.reason_label.setWordWrap(True)
        self.reason_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.reason_label)
        self.issues_label = QLabel("")
        self.issues_label.setWordWrap(True)
        self.issues_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.issues_label)
        self.fix_exclusions = QPushButton("Take the exclusions out of the eligible population")
        self.fix_exclusions.setToolTip(
            "MIPS CQMs report 0 denominator exclusions: the excluded patients are left out "
            "of the eligible population instead."
        )
        self.fix_exclusions.clicked.connect(self.move_exclusions)
        self.fix_exclusions.hide()
        fix_row = QHBoxLayout()
        fix_row.addWidget(self.fix_exclusions)
        fix_row.addStretch(1)
        layout.addLayout(fix_row)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save")
        self.save_button.setDefault(True)
        self.remove_button = QPushButton("Remove measure…")
        self.saved_label = set_role(QLabel(""), "saved")
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.saved_label)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.save_button.clicked.connect(self.save)
        self.remove_button.clicked.connect(self.remove)
        self.show_measure(None, "registry", None)

    def key(self) -> tuple[str, str, str] | None:
        """(measure id, collection type, program) of the measure shown, if any."""
        if self.row is None:
            return None
        return (self.row.measure_id, self.method, self.program)

    def is_dirty(self) -> bool:
        """Whether the counts on screen differ from the saved ones (typed, not saved)."""
        if self.row is None:
            return False
        counts, issues = self._counts()
        saved = counts_from_value(self.saved_value) if self.saved_value is not None else None
        if issues:
            return True
        if isinstance(counts, Counts):
            return counts != (saved if isinstance(saved, Counts) else Counts())
        entered = {k: v for k, v in counts.items() if not v.empty}
        return entered != (saved if isinstance(saved, dict) else {})

    # -- showing ----------------------------------------------------------------
    def show_measure(
        self, row: MeasureRow | None, method: str, value: Any, program: str = "mips"
    ) -> None:
        self.row, self.method, self.program, self.saved_value = row, method, program, value
        self.saved_label.setText("")
        has = row is not None
        for w in (self.single, self.strata, self.save_button, self.remove_button):
            w.setVisible(has)
        if row is None:
            self.heading.setText("Choose a measure")
            self.subheading.setText(
                "Pick a measure on the left (add measures on the Choose measures tab, or "
                "import your EHR's QRDA III file) to enter its counts."
            )
            self.inverse_label.hide()
            self.fix_exclusions.hide()
            for lbl in (self.rate_label, self.completeness_label, self.points_label):
                lbl.setText("—")
            self.reason_label.setText("")
            self.issues_label.setText("")
            return
        self.heading.setText(f"{row.measure_id} – {row.title}")
        bench = row.benchmark(method)
        parts = [
            f"{collection_type_label(method)} ({method})",
            row.type_label,
            bench.describe() if bench else "no benchmark",
        ]
        if program != "mips":
            parts.append(f"program {program}")
        self.subheading.setText(" · ".join(parts))
        self.inverse_label.setText(
            "Inverse measure: a LOWER performance rate is better (performance met counts the "
            "poor outcomes)."
        )
        self.inverse_label.setVisible(row.is_inverse)
        counts = counts_from_value(value) if value is not None else None
        multi = row.is_multi_rate
        self.single.setVisible(not multi)
        self.strata.setVisible(multi)
        if multi:
            self.strata.blockSignals(True)
            names = list(row.strata)
            if isinstance(counts, dict):
                names += [n for n in counts if n not in names]
            self.strata.setRowCount(len(names))
            self.strata.setVerticalHeaderLabels(names)
            header_height = self.strata.horizontalHeader().sizeHint().height()
            self.strata.setFixedHeight(header_height + 32 * len(names) + 6)
            for i, name in enumerate(names):
                c = counts.get(name, Counts()) if isinstance(counts, dict) else Counts()
                for j, f in enumerate(FIELDS):
                    v = c.get(f)
                    self.strata.setItem(i, j, QTableWidgetItem("" if v is None else str(v)))
            self.strata.blockSignals(False)
        else:
            c = counts if isinstance(counts, Counts) else Counts()
            for name, edit in self.fields.items():
                edit.blockSignals(True)
                v = c.get(name)
                edit.setText("" if v is None else str(v))
                edit.blockSignals(False)
        editable = self.page.entry_allowed
        for edit in self.fields.values():
            edit.setReadOnly(not editable)
        self.strata.setEditTriggers(
            QAbstractItemView.EditTrigger.AllEditTriggers
            if editable
            else QAbstractItemView.EditTrigger.NoEditTriggers
        )
        self.remove_button.setEnabled(editable)
        self.recheck()

    def _counts(self) -> tuple[Counts | dict[str, Counts], list[Any]]:
        assert self.row is not None
        if not self.row.is_multi_rate:
            return counts_from_text({n: e.text() for n, e in self.fields.items()})
        result: dict[str, Counts] = {}
        issues: list[Any] = []
        for i in range(self.strata.rowCount()):
            header = self.strata.verticalHeaderItem(i)
            name = header.text() if header else str(i + 1)
            texts: dict[FieldName, str] = {}
            for j, f in enumerate(FIELDS):
                item = self.strata.item(i, j)
                texts[f] = item.text() if item else ""
            counts, problems = counts_from_text(texts)
            result[name] = counts
            issues += problems
        return result, issues

    def recheck(self) -> None:
        row = self.row
        catalog = self.page.ctx.catalog
        if row is None or catalog is None:
            return
        counts, parse_issues = self._counts()
        info = catalog.measure(row.year, row.measure_id)
        if info is None:
            return
        check = check_entry(info, self.method, counts, catalog, options=self.page.scoring_options())
        self.check = check
        issues = list(parse_issues) + check.issues
        # a measure of other programs added before MIPS Desk refused them (001SSP)
        refusal = row.program_refusal(self.program)
        if refusal is not None:
            issues.insert(0, EntryIssue("error", refusal + " Remove it from your measures."))
        self.rate_label.setText(_pct(check.performance_rate))
        self.completeness_label.setText(_pct(check.data_completeness))
        if parse_issues or check.errors or refusal is not None:
            self.points_label.setText("—")
            self.reason_label.setText("")
        elif check.score is not None:
            self.points_label.setText(check.points_text)
            self.reason_label.setText(check.score.reason)
        else:
            self.points_label.setText("—")
            self.reason_label.setText("")
        for name, edit in self.fields.items():
            bad = any(i.field == name and i.severity == "error" for i in issues)
            edit.setProperty("invalid", bad)
            edit.style().unpolish(edit)
            edit.style().polish(edit)
        lines = []
        for issue in issues:
            color = {"error": "#b00020", "warning": "#7a4100", "info": "#555555"}[issue.severity]
            mark = {"error": "✖", "warning": "⚠", "info": "ℹ"}[issue.severity]
            weight = "bold" if issue.code == ECQM_COUNTS_DONT_ADD_UP else "normal"
            lines.append(
                f'<div style="color:{color}; font-weight:{weight}">{mark} '
                f"{html.escape(issue.message, quote=False)}</div>"
            )
        self.issues_label.setText("".join(lines))
        # Offered only when taking the exclusions out leaves a record that adds up; the
        # error message says what's wrong otherwise.
        self.fix_exclusions.setVisible(
            not self.row.is_multi_rate
            and self.page.entry_allowed
            and any(i.code == CQM_EXCLUSION_NOT_ZERO for i in issues)
            and isinstance(counts, Counts)
            and cqm_exclusion_fix(counts) is not None
        )
        can_save = (
            self.page.entry_allowed
            and not parse_issues
            and check.ok
            and refusal is None
            and check.value is not None
            and check.value != self.saved_value
        )
        self.save_button.setEnabled(bool(can_save))

    # -- actions ----------------------------------------------------------------
    def move_exclusions(self) -> None:
        """MIPS CQM: eligible population minus the exclusions, and 0 exclusions."""
        counts, problems = self._counts()
        if problems or not isinstance(counts, Counts):
            return
        fixed = cqm_exclusion_fix(counts)
        if fixed is None:
            return
        self.fields["eligible_population"].setText(str(fixed.eligible_population))
        self.fields["exclusions"].setText("0")

    def save(self) -> None:
        ws = self.page.ctx.workspace
        entity = self.page.entity
        if ws is None or entity is None or self.row is None or self.check is None:
            return
        if self.check.value is None:
            return
        unsplit = [i for i in self.check.issues if i.code == ECQM_COUNTS_DONT_ADD_UP]
        if unsplit:
            answer = QMessageBox.warning(
                self,
                "eCQM counts don't add up",
                "\n\n".join(i.message for i in unsplit)
                + "\n\nSave these counts anyway? They can still be sent as QPP JSON.",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Save:
                return
        try:
            save_value(
                ws,
                entity,
                "quality",
                self.row.measure_id,
                self.check.value,
                submission_method=self.method,
                program_name=self.program,
            )
        except ReportingError as exc:
            QMessageBox.warning(self, "Not saved", str(exc))
            return
        self.saved_value = self.check.value
        self.saved_label.setText("Saved")
        self.save_button.setEnabled(False)
        self.page.reload_selections()

    def remove(self) -> None:
        ws = self.page.ctx.workspace
        entity = self.page.entity
        if ws is None or entity is None or self.row is None:
            return
        answer = QMessageBox.question(
            self,
            "Remove measure",
            f"Remove {self.row.measure_id} ({collection_type_label(self.method)}) from your "
            "measures? Its entered counts are deleted too.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        unselect_measure(ws, entity, self.row.measure_id, self.method, program_name=self.program)
        self.show_measure(None, "registry", None)
        self.page.reload_selections()


class EntryTab(QWidget):
    def __init__(self, page: QualityPage) -> None:
        super().__init__()
        self.page = page
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        left = QVBoxLayout()
        left.addWidget(title_label("My measures", "sectionTitle"))
        self.summary = set_role(QLabel(""), "hint")
        self.summary.setWordWrap(True)
        left.addWidget(self.summary)
        self.list = QListWidget()
        self.list.setAccessibleName("My measures")
        self.list.setMinimumWidth(300)
        self.list.setMaximumWidth(380)
        self.list.setWordWrap(True)
        left.addWidget(self.list, 1)
        layout.addLayout(left)
        self.form = EntryForm(page)
        layout.addWidget(self.form, 1)
        self.list.currentItemChanged.connect(self._current_changed)

    def load(self, selections: list[SelectedMeasure]) -> None:
        picker = self.page.picker
        current = self.list.currentItem()
        keep = current.data(Qt.ItemDataRole.UserRole) if current else None
        self.list.blockSignals(True)
        self.list.clear()
        with_data = 0
        for sel in selections:
            row = picker.row(sel.measure_id) if picker else None
            title = row.title if row else "(not a measure of this year)"
            status = "counts entered" if sel.has_data else "no counts yet"
            with_data += int(sel.has_data)
            item = QListWidgetItem(
                f"{sel.measure_id} · {collection_type_label(sel.submission_method)}\n"
                f"{title}\n{status}"
            )
            key = (sel.measure_id, sel.submission_method, sel.program_name)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.list.addItem(item)
            if key == keep:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        n = len(selections)
        self.summary.setText(
            f"{n} measure{'s' if n != 1 else ''}, {with_data} with counts. Report 6 measures "
            "including one outcome measure (or a complete specialty set)."
            if n
            else "No measures yet: add them on the Choose measures tab or import a file."
        )
        if self.list.currentItem() is None:
            if self.list.count():
                self.list.setCurrentRow(0)
            else:
                self.form.show_measure(None, "registry", None)
        elif keep != self.form.key() or not self.form.is_dirty():
            self._current_changed(self.list.currentItem(), None)
        else:  # the same measure stays open with what the user is typing (not saved yet),
            self.form.recheck()  # checked again: the entity's statuses may have changed

    def _current_changed(self, item: QListWidgetItem | None, _prev: object) -> None:
        picker = self.page.picker
        if item is None or picker is None:
            self.form.show_measure(None, "registry", None)
            return
        mid, method, program = item.data(Qt.ItemDataRole.UserRole)
        row = picker.row(mid)
        value = self.page.stored_quality().get((mid, method, program))
        self.form.show_measure(row, method, value, program)


class QualityPage(Page):
    key = "quality"
    title = "Quality"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.picker: MeasurePicker | None = None
        self._picker_key: tuple[object, int] | None = None
        self.entity: EntityKey | None = None
        self.selections: list[SelectedMeasure] = []
        self.entry_allowed = False
        self._refresh_scheduled = False
        self._pending_entities = False
        self._pending_reload = False
        self._options: tuple[EntityKey, ScoringOptions] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 16)
        top = QHBoxLayout()
        top.addWidget(title_label("Quality"))
        top.addStretch(1)
        top.addWidget(QLabel("Reporting for"))
        self.entity_combo = QComboBox()
        self.entity_combo.setAccessibleName("Reporting entity")
        self.entity_combo.setMinimumWidth(280)
        top.addWidget(self.entity_combo)
        self.import_button = QPushButton("Import EHR file (QRDA III / QPP JSON)…")
        top.addWidget(self.import_button)
        layout.addLayout(top)
        self.banner = QLabel("")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(WARNING_STYLE)
        self.banner.hide()
        layout.addWidget(self.banner)
        self.tabs = QTabWidget()
        self.choose = ChooseTab(self)
        self.entry = EntryTab(self)
        self.tabs.addTab(self.choose, "1. Choose measures")
        self.tabs.addTab(self.entry, "2. Enter data")
        layout.addWidget(self.tabs, 1)
        self.entity_combo.currentIndexChanged.connect(self._entity_changed)
        self.import_button.clicked.connect(self.open_import)
        ctx.data_changed.connect(self._data_changed)

    # -- context ----------------------------------------------------------------
    def refresh(self) -> None:
        ctx = self.ctx
        catalog = ctx.catalog
        if catalog is None:
            self.picker = None
            self._picker_key = None
            self._set_banner(
                "The measures catalog isn't available yet, so measures can't be listed. "
                "Build or update it from the Help menu (or 'mipsdesk catalog build')."
            )
            self.tabs.setEnabled(False)
            return
        self.tabs.setEnabled(True)
        key = (catalog, ctx.year)
        if self._picker_key != key:
            self.picker = MeasurePicker(catalog, ctx.year)
            self._picker_key = key
            ws = ctx.workspace
            self.choose.load(self.picker, practice_specialty(ws) if ws else None)
        self._load_entities()

    def _data_changed(self, table: str) -> None:
        """Another page (or an import) changed data: refresh once, after the burst.

        Any change may change the entity's statuses (eligibility, practice size, ...), so
        the live points are checked again with fresh scoring options."""
        self._options = None
        if table in ("practice", "clinicians", "reporting_entities", "elections"):
            self._pending_entities = True
        elif table in ("measurement_values", "quality_selections", "imports"):
            self._pending_reload = True
        if not self._refresh_scheduled:
            self._refresh_scheduled = True
            QTimer.singleShot(0, self._apply_pending)

    def _apply_pending(self) -> None:
        self._refresh_scheduled = False
        if self._pending_entities:
            self._pending_entities = self._pending_reload = False
            self._load_entities()
        elif self._pending_reload:
            self._pending_reload = False
            self.reload_selections()
        elif self.entry.form.row is not None:
            self.entry.form.recheck()  # statuses may have changed: fresh live points

    def _load_entities(self) -> None:
        ws = self.ctx.workspace
        previous = self.entity_combo.currentData()
        self.entity_combo.blockSignals(True)
        self.entity_combo.clear()
        if ws is not None:
            for choice in entity_choices(ws, self.ctx.year):
                k = choice.key
                if k.npi is None:
                    label = f"Group – TIN {format_tin(k.tin)}"
                else:
                    label = f"{choice.name} – NPI {k.npi}"
                self.entity_combo.addItem(label, k)
            for i in range(self.entity_combo.count()):
                if self.entity_combo.itemData(i) == previous:
                    self.entity_combo.setCurrentIndex(i)
        self.entity_combo.blockSignals(False)
        self._entity_changed()

    def _entity_changed(self) -> None:
        from desktop_app.elections import data_entry_allowed

        ws = self.ctx.workspace
        self.entity = self.entity_combo.currentData()
        self._options = None
        self.import_button.setEnabled(ws is not None)
        if ws is None:
            self.entry_allowed = False
            self._set_banner("Open or create a practice workspace first.")
        elif self.entity is None:
            self.entry_allowed = False
            self._set_banner(
                "Add your practice on the Practice page first, or import your EHR's QRDA III "
                "file: the import creates the practice and clinician for you."
            )
        else:
            allowed, reason = data_entry_allowed(ws, self.entity, self.ctx.year)
            self.entry_allowed = allowed
            self._set_banner("" if allowed else reason)
        self.reload_selections()

    def _set_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    # -- data -------------------------------------------------------------------
    def stored_quality(self) -> dict[tuple[str, str, str], Any]:
        ws = self.ctx.workspace
        if ws is None or self.entity is None:
            return {}
        return {
            (v.measure_id, v.submission_method, v.program_name): v.value
            for v in stored_values(ws, self.entity, "quality")
        }

    def reload_selections(self) -> None:
        ws = self.ctx.workspace
        self.selections = (
            selected_measures(ws, self.entity) if ws is not None and self.entity else []
        )
        self.choose.apply_filter()
        self.choose.show_suggestion()
        self.entry.load(self.selections)

    def scoring_options(self) -> ScoringOptions:
        """The selected entity's statuses (small practice, ...) as the Score, PI and IA
        pages score them: from its eligibility, else the practice's. Kept until data
        changes, since the entry form asks on every keystroke."""
        from desktop_app.attestation import scoring_options

        ws = self.ctx.workspace
        entity = self.entity
        if ws is None or entity is None:
            return ScoringOptions()
        if self._options is None or self._options[0] != entity:
            self._options = (entity, scoring_options(ws, entity))
        return self._options[1]

    def add_measures(self, items: list[tuple[str, str]]) -> None:
        ws = self.ctx.workspace
        if ws is None or self.entity is None or not self.entry_allowed:
            return
        # The page enters traditional MIPS data (programName "mips"): measures of other
        # programs (001SSP: allowedPrograms ["appPlus"]) are refused, as CMS refuses them.
        refusals = [
            text
            for text in (
                self.picker.refusal(measure_id) if self.picker is not None else None
                for measure_id, _method in items
            )
            if text
        ]
        self.choose.refused_label.setText(("Not added: " + " ".join(refusals)) if refusals else "")
        self.choose.refused_label.setVisible(bool(refusals))
        items = [
            (m, method)
            for m, method in items
            if self.picker is None or self.picker.refusal(m) is None
        ]
        if not items:
            return
        with ws.write("quality_selections"):  # one transaction, one refresh
            for measure_id, method in items:
                select_measure(ws, self.entity, measure_id, method)
        self.reload_selections()
        self.tabs.setCurrentWidget(self.entry)
        for i in range(self.entry.list.count()):
            item = self.entry.list.item(i)
            mid, method, _program = item.data(Qt.ItemDataRole.UserRole)
            if (mid, method) == items[0]:
                self.entry.list.setCurrentItem(item)
                break

    def open_import(self) -> None:
        from desktop_app.gui.import_dialog import ImportDialog

        dialog = ImportDialog(self.ctx, self)
        dialog.exec()
        preview = dialog.preview
        if dialog.result is None or preview is None:
            return
        self._load_entities()
        for i in range(self.entity_combo.count()):  # show what was just imported
            if self.entity_combo.itemData(i) == preview.entity:
                self.entity_combo.setCurrentIndex(i)
                self.tabs.setCurrentWidget(self.entry)
                break
