"""Improvement Activities: QPP's manual entry, made easier.

The year's activities from the catalog with full-text search, a subcategory
filter (and a weight filter in years with weights), and each activity's
description. "Completed" takes the activity's own dates (90 continuous days
unless the activity says otherwise); the category's performance period is
derived from them. The header shows what this entity needs for full credit, the
live score and the APM credit. Every edit is saved, audited and undoable.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app import attestation as att
from desktop_app.gui.context import AppContext
from desktop_app.gui.pages.pi import (
    AttestationPage,
    EntityPicker,
    EvidenceDialog,
    date_of,
    error_label,
    export_binder,
    make_date_edit,
    scroll_page,
    set_date,
    wrapped,
)
from desktop_app.gui.undo import record_edit
from desktop_app.gui.widgets.common import show_error, title_label
from desktop_app.rules import RulesError, load_rules

ALL = ""


def _fmt(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:.2f}".rstrip("0").rstrip(".")


class IaPage(AttestationPage):
    key = "ia"
    title = "Improvement Activities"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.activities: list[att.ActivityView] = []
        self.shown: list[att.ActivityView] = []
        self.done: dict[str, att.IaDone] = {}
        self.unknown: dict[str, att.IaDone] = {}
        """Stored completed activities that aren't in the year's catalog (another year's
        data, an import): listed in a warning box, left out of the page's counts."""
        self.unknown_buttons: dict[str, QPushButton] = {}
        self._activities_year: int | None = None
        self._enabled = False
        self.last_message = ""
        self.scroll, body = scroll_page(self)

        body.addLayout(self._page_head("Improvement Activities"))
        body.addWidget(
            wrapped(
                "This performance category assesses how you improve your care processes, "
                "enhance patient engagement in care, and increase access to care. Mark each "
                "activity you performed as Completed, with the dates you performed it.",
                "hint",
            )
        )
        self.picker = EntityPicker(ctx)
        self.picker.changed.connect(self.refresh)
        body.addWidget(self.picker)
        self.locked = wrapped("", "error", "lockedBanner")
        body.addWidget(self.locked)
        self.apm = QCheckBox("This group or clinician participates in a MIPS APM")
        self.apm.setObjectName("apmCheck")
        self.apm.toggled.connect(self._apm_toggled)
        body.addWidget(self.apm)

        sm = self._summary_box("iaSummary")
        self.requirement = wrapped("", name="requirementLabel")
        sm.addWidget(self.requirement, 1, 0, 1, 2)
        self.apm_label = wrapped("", "saved", "apmLabel")
        sm.addWidget(self.apm_label, 2, 0, 1, 2)
        self.period_label = wrapped("", name="periodLabel")
        sm.addWidget(self.period_label, 3, 0, 1, 2)
        self.score_reason = wrapped("", "hint", "scoreReason")
        sm.addWidget(self.score_reason, 4, 0, 1, 2)
        body.addWidget(self.summary)
        self.unknown_box = QFrame()
        self.unknown_box.setObjectName("unknownActivities")
        self.unknown_box.setStyleSheet(
            "QFrame#unknownActivities { background: #fff4e5; border: 1px solid #e0a040; "
            "border-radius: 4px; } QFrame#unknownActivities QLabel { color: #7a4100; }"
        )
        self._unknown_rows = QVBoxLayout(self.unknown_box)
        self._unknown_rows.setContentsMargins(12, 8, 12, 8)
        self.unknown_box.setVisible(False)
        body.addWidget(self.unknown_box)
        body.addWidget(
            wrapped(
                "Each activity has a continuous 90-day performance period (or as specified in "
                "the activity description), but activities don't have to be performed during "
                "the same 90 days. The category's period starts on the first day any activity "
                "was performed and ends on the last.",
                "hint",
            )
        )

        body.addWidget(title_label("Search For Activities", "sectionTitle"))
        filters = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("activitySearch")
        self.search.setPlaceholderText("Search activities (words, or an ID such as IA_EPA_3)")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        filters.addWidget(self.search, 2)
        self.subcategory = QComboBox()
        self.subcategory.setObjectName("subcategoryFilter")
        self.subcategory.currentIndexChanged.connect(lambda _i: self.apply_filters())
        filters.addWidget(self.subcategory, 1)
        self.weight = QComboBox()
        self.weight.setObjectName("weightFilter")
        self.weight.currentIndexChanged.connect(lambda _i: self.apply_filters())
        filters.addWidget(self.weight)
        self.completed_only = QCheckBox("Completed only")
        self.completed_only.setObjectName("completedOnly")
        self.completed_only.toggled.connect(lambda _on: self.apply_filters())
        filters.addWidget(self.completed_only)
        body.addLayout(filters)
        self.count_label = wrapped("", "hint", "shownCount")
        body.addWidget(self.count_label)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        self.list = QListWidget()
        self.list.setObjectName("activityList")
        self.list.setMinimumWidth(340)
        self.list.setMinimumHeight(440)
        self.list.setWordWrap(True)
        self.list.setSpacing(3)
        self.list.setAlternatingRowColors(True)
        self.list.currentRowChanged.connect(lambda _r: self.show_detail())
        split.addWidget(self.list)

        detail = QFrame()
        detail.setObjectName("activityDetail")
        detail.setStyleSheet(
            "QFrame#activityDetail { background: #ffffff; border: 1px solid #d9dee5; "
            "border-radius: 4px; }"
        )
        d = QVBoxLayout(detail)
        d.setContentsMargins(14, 12, 14, 12)
        self.d_title = wrapped("", name="activityTitle")
        self.d_title.setTextFormat(Qt.TextFormat.RichText)
        d.addWidget(self.d_title)
        self.d_meta = wrapped("", "hint", "activityMeta")
        d.addWidget(self.d_meta)
        self.d_description = wrapped("", name="activityDescription")
        d.addWidget(self.d_description)
        self.d_note = wrapped("", "saved", "activityNote")
        d.addWidget(self.d_note)
        self.completed = QCheckBox("Completed")
        self.completed.setObjectName("completedCheck")
        self.completed.toggled.connect(self._completed_toggled)
        d.addWidget(self.completed)
        self.dates_box = QWidget()
        dates = QHBoxLayout(self.dates_box)
        dates.setContentsMargins(0, 0, 0, 0)
        self.start_edit = make_date_edit(ctx.year, "activityStart")
        self.end_edit = make_date_edit(ctx.year, "activityEnd")
        dates.addWidget(QLabel("Performed from"))
        dates.addWidget(self.start_edit)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.end_edit)
        dates.addStretch(1)
        for edit in (self.start_edit, self.end_edit):
            edit.editingFinished.connect(self._dates_changed)
            edit.calendarWidget().clicked.connect(lambda _d: self._dates_changed())
        d.addWidget(self.dates_box)
        self.d_period = wrapped("", "hint", "activityPeriodHint")
        d.addWidget(self.d_period)
        self.d_error = error_label("activityError")
        d.addWidget(self.d_error)
        self.d_warning = wrapped("", name="activityWarning")
        self.d_warning.setStyleSheet("color: #7a4100;")
        self.d_warning.setVisible(False)
        d.addWidget(self.d_warning)
        ev = QHBoxLayout()
        self.evidence_button = QPushButton("Evidence")
        self.evidence_button.setObjectName("activityEvidence")
        self.evidence_button.clicked.connect(lambda: self.open_evidence())
        ev.addWidget(self.evidence_button)
        ev.addStretch(1)
        d.addLayout(ev)
        d.addStretch(1)
        split.addWidget(detail)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        body.addWidget(split, 1)
        self._pending_dates = False

        ctx.data_changed.connect(self._data_changed)
        ctx.year_changed.connect(lambda _y: self.refresh())
        ctx.workspace_changed.connect(self.refresh)
        ctx.catalog_changed.connect(self._reload_catalog)

    # -- helpers ---------------------------------------------------------------------
    def _reload_catalog(self) -> None:
        self._activities_year = None
        self.refresh()

    def current(self) -> att.ActivityView | None:
        row = self.list.currentRow()
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def select(self, measure_id: str) -> bool:
        for i, a in enumerate(self.shown):
            if a.measure_id == measure_id:
                self.list.setCurrentRow(i)
                return True
        return False

    def edit(self, text: str, fn: Callable[[], object]) -> bool:
        if self.ws() is None or self.picker.entity() is None:
            return False
        try:
            record_edit(self.ctx, self.entity(), text, fn)
        except att.AttestationError as exc:
            self.last_message = str(exc)
            self._pending_dates = True
            self.refresh()
            show_error(self.start_edit, self.d_error, self.last_message)
            return False
        self.last_message = ""
        self._pending_dates = False
        self.refresh()
        return True

    # -- edits ----------------------------------------------------------------------
    def _apm_toggled(self, on: bool) -> None:
        ws = self.ws()
        if ws is None or self.picker.entity() is None:
            return
        self.edit(
            "MIPS APM participation " + ("on" if on else "off"),
            lambda: att.set_entity_flags(ws, self.entity(), apm_participant=on),
        )

    def _completed_toggled(self, on: bool) -> None:
        a = self.current()
        if a is None:
            return
        year = self.ctx.year
        if on:
            start, end = date_of(self.start_edit), date_of(self.end_edit)
            if not a.has_own_period:  # e.g. the medical home attestation: no dates at all
                start, end = None, None
            elif start is None or end is None:
                start, end = att.default_dates(a.measure_id, year)
            self.edit(
                f"{a.measure_id}: completed",
                lambda: att.set_ia_activity(
                    self.ws(),
                    self.entity(),
                    a.measure_id,
                    True,
                    start,
                    end,
                    catalog=self.ctx.catalog,
                ),
            )
        else:
            self.edit(
                f"{a.measure_id}: not completed",
                lambda: att.set_ia_activity(self.ws(), self.entity(), a.measure_id, False),
            )

    def remove_unknown(self, measure_id: str) -> bool:
        """Remove a stored activity that isn't one of the year's (undoable), through the
        same core call as unchecking Completed."""
        if measure_id not in self.unknown:
            return False
        return self.edit(
            f"{measure_id}: removed (not a {self.ctx.year} improvement activity)",
            lambda: att.set_ia_activity(self.ws(), self.entity(), measure_id, False),
        )

    def _show_unknown(self) -> None:
        while self._unknown_rows.count():
            item = self._unknown_rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        self.unknown_buttons = {}
        year = self.ctx.year
        for mid in sorted(self.unknown):
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            text = wrapped(
                f"<b>Not a {year} improvement activity: {mid}</b> — CMS would refuse the file; "
                "remove it. It is stored for this entity (from another year's data or an "
                "import) but is not in the year's activity list, so it doesn't count here.",
                name="unknownActivity",
            )
            text.setTextFormat(Qt.TextFormat.RichText)
            line.addWidget(text, 1)
            button = QPushButton("Remove")
            button.setObjectName("removeUnknown")
            button.setToolTip(f"Remove {mid} from this entity's activities (can be undone)")
            button.setAccessibleName(f"Remove {mid}")
            button.setEnabled(self._enabled)
            button.clicked.connect(lambda _c=False, m=mid: self.remove_unknown(m))
            line.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
            self._unknown_rows.addWidget(row)
            self.unknown_buttons[mid] = button
        self.unknown_box.setVisible(bool(self.unknown))

    def _dates_changed(self) -> None:
        a = self.current()
        if a is None or a.measure_id not in self.done:
            return
        start, end = date_of(self.start_edit), date_of(self.end_edit)
        stored = self.done[a.measure_id]
        if (stored.start, stored.end) == (start, end):
            return
        ok = self.edit(
            f"{a.measure_id}: dates",
            lambda: att.set_ia_activity(self.ws(), self.entity(), a.measure_id, True, start, end),
        )
        if not ok:
            set_date(self.start_edit, start)
            set_date(self.end_edit, end)

    def open_evidence(self) -> EvidenceDialog | None:
        a = self.current()
        if a is None or self.ws() is None or self.picker.entity() is None:
            return None
        dialog = EvidenceDialog(self.ctx, self.entity(), "ia", a.measure_id, a.title, self)
        self.last_evidence_dialog = dialog
        dialog.finished.connect(lambda _r: self.refresh())
        dialog.open()
        return dialog

    def export_binder(self, path: Path | None = None) -> att.BinderResult | None:
        if self.picker.entity() is None:
            return None
        result = export_binder(self, self.ctx, self.entity(), path)
        if result is not None:
            self.score_reason.setText(
                f"Audit binder written to {result.path} ({result.evidence_count} evidence file(s))."
            )
        return result

    # -- list -----------------------------------------------------------------------
    def _load_activities(self, year: int) -> None:
        catalog = self.ctx.catalog
        try:
            self.activities = att.ia_activities(catalog, year) if catalog is not None else []
        except RulesError:
            self.activities = []
        self._activities_year = year
        for combo, values, label in (
            (
                self.subcategory,
                sorted(
                    {
                        (a.subcategory, a.subcategory_label)
                        for a in self.activities
                        if a.subcategory
                    },
                    key=lambda x: x[1],
                ),
                "All subcategories",
            ),
            (
                self.weight,
                [
                    (w, f"{w.capitalize()} weight")
                    for w in ("high", "medium")
                    if any(a.weight == w for a in self.activities)
                ],
                "All weights",
            ),
        ):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(label, ALL)
            for value, text in values:
                combo.addItem(text, value)
            combo.blockSignals(False)
        self.weight.setVisible(self.weight.count() > 1)

    def apply_filters(self) -> None:
        current = self.current()
        self.shown = att.filter_activities(
            self.activities,
            self.ctx.catalog,
            self.ctx.year,
            text=self.search.text(),
            subcategory=self.subcategory.currentData() or None,
            weight=self.weight.currentData() or None,
            completed_only=set(self.done) if self.completed_only.isChecked() else None,
        )
        self.list.blockSignals(True)
        self.list.clear()
        for a in self.shown:
            mark = "✔ " if a.measure_id in self.done else ""
            extra = f" · {a.weight}" if a.weight else ""
            item = QListWidgetItem(
                f"{mark}{a.title}\n{a.measure_id} · {a.subcategory_label}{extra}"
            )
            item.setToolTip(a.description[:400])
            if a.measure_id in self.done:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.count_label.setText(
            f"Activities: {len(self.shown)} shown of {len(self.activities)}"
            + (f" · {len(self.done)} completed" if self.done else "")
        )
        if (current is None or not self.select(current.measure_id)) and self.shown:
            self.list.setCurrentRow(0)
        self.show_detail()

    def show_detail(self) -> None:
        a = self.current()
        widgets: list[QWidget] = [
            self.completed,
            self.start_edit,
            self.end_edit,
            self.evidence_button,
        ]
        if a is None:
            self.d_title.setText("<b>No activity selected</b>")
            self.d_meta.setText("")
            self.d_description.setText(
                "The measures catalog is not loaded: build or update it (Help menu) to list "
                "the activities."
                if not self.activities
                else "No activity matches the search."
            )
            self.d_note.setText("")
            self.d_period.setText("")
            for w in widgets:
                w.setEnabled(False)
            return
        year = self.ctx.year
        self.d_title.setText(f"<b style='font-size:12pt'>{a.title}</b>")
        self.d_meta.setText(
            f"Activity ID: {a.measure_id} · Subcategory: {a.subcategory_label}"
            + (f" · Weight: {a.weight}" if a.weight else "")
        )
        self.d_description.setText(a.description)
        pcmh = ""
        try:
            rules = load_rules(year)
            if a.measure_id == rules.ia.pcmh_measure_id.value:
                pcmh = (
                    "By attesting to this activity, you will receive 100% for the Improvement "
                    "Activities category. You cannot score above 100%, but you can submit "
                    "additional activities."
                )
        except RulesError:
            pass
        self.d_note.setText(pcmh)
        self.d_note.setVisible(bool(pcmh))
        done = self.done.get(a.measure_id)
        self.completed.blockSignals(True)
        self.completed.setChecked(done is not None)
        self.completed.blockSignals(False)
        if not self._pending_dates:
            set_date(self.start_edit, done.start if done else None)
            set_date(self.end_edit, done.end if done else None)
            show_error(self.start_edit, self.d_error, "")
        own = a.has_own_period
        self.dates_box.setVisible(own)
        if not own:
            self.d_period.setText(
                "This activity has no performance period of its own: it keeps no dates and "
                "does not change the category's performance period."
            )
        else:
            self.d_period.setText(
                f"At least {a.period.needed_text} in {year}"
                + (f" ({a.period_note.rstrip('.')})" if a.period_note else "")
                + ". Checking Completed fills in the first possible dates: change them to when "
                "you performed the activity."
            )
        warning = (
            att.activity_dates_warning(a.measure_id, done.start, done.end, year)
            if done is not None and not self._pending_dates
            else None
        )
        self.d_warning.setText(warning or "")
        self.d_warning.setVisible(bool(warning))
        self.completed.setEnabled(self._enabled)
        for w in (self.start_edit, self.end_edit):
            w.setEnabled(self._enabled and done is not None and own)
        count = 0
        if self.ws() is not None and self.picker.entity() is not None:
            count = len(att.list_evidence(self.ws(), self.entity(), "ia", a.measure_id))
        self.evidence_button.setText(f"Evidence ({count})" if count else "Evidence")
        self.evidence_button.setEnabled(self.ws() is not None)

    # -- refresh --------------------------------------------------------------------
    def refresh(self) -> None:
        ws = self.ws()
        year = self.ctx.year
        self._prepare_refresh(year)
        if self._activities_year != year:
            self._load_activities(year)
        entity = self.picker.entity()
        if ws is None or entity is None:
            self._show_no_entity()
            self._enabled = False
            self.done = {}
            self.unknown = {}
            self._show_unknown()
            self.apply_filters()
            return
        self.summary.setVisible(True)
        allowed = self._show_lock(ws, entity)
        self._enabled = allowed
        facts = att.entity_facts(ws, entity)
        self.apm.blockSignals(True)
        self.apm.setChecked(facts.apm_participant)
        self.apm.blockSignals(False)
        stored = att.ia_entry(ws, entity)
        known = {a.measure_id for a in self.activities}
        # Without a catalog there is no list to compare with: keep everything.
        self.unknown = {m: d for m, d in stored.items() if known and m not in known}
        self.done = {m: d for m, d in stored.items() if m not in self.unknown}
        self._show_unknown()
        try:
            req = att.ia_requirement(ws, entity)
        except RulesError as exc:
            self.requirement.setText(str(exc))
            req = None
        if req is not None:
            who = "this group" if entity.npi is None else "this clinician"
            self.requirement.setText(f"Required for {who}: {req.text}")
            self.apm_label.setText(req.apm_text or "")
            self.apm_label.setVisible(bool(req.apm_text))
            n = len(self.done)
            if req.pcmh_id in self.done:
                self.progress_label.setText("Medical home attested: full credit")
            elif req.method == "count":
                needed = int(req.needed)
                extra = f" ({n} attested; more add no points)" if n > needed else ""
                self.progress_label.setText(
                    f"{min(n, needed)} / {needed} activities completed{extra}"
                )
            else:
                self.progress_label.setText(f"{n} activit{'y' if n == 1 else 'ies'} completed")
        start, end = att.ia_period(self.done)
        if start and end:
            period = f"Performance period (from the activities): {start:%m/%d/%Y} – {end:%m/%d/%Y}"
        elif self.done:
            period = (
                "Performance period: none of the completed activities has dates of its own, so "
                f"the exported file gives the category the whole year, 01/01/{year} – "
                f"12/31/{year}."
            )
        else:
            period = "Performance period: set when you mark an activity completed."
        self.period_label.setText(period)
        catalog = self.ctx.catalog
        if catalog is not None:
            try:
                result = att.live_preview(ws, entity, catalog)
            except Exception as exc:  # the page must stay usable
                self.score_label.setText("")
                self.score_reason.setText(f"No live score: {exc}")
            else:
                ia = result.categories["ia"]
                if req is not None and req.method == "weighted" and req.pcmh_id not in self.done:
                    points = sum(
                        m.points or 0.0
                        for m in result.measures
                        if m.category == "ia" and m.counted and m.measure_id in self.done
                    )
                    self.progress_label.setText(
                        f"{_fmt(min(points, req.needed))} / {_fmt(req.needed)} activity points"
                        f" ({len(self.done)} completed)"
                    )
                self.score_label.setText(
                    f"IA score {_fmt(ia.score)}%"
                    + (
                        f" ({_fmt(ia.points)} of {_fmt(ia.weight)} final-score points)"
                        if ia.weight
                        else ""
                    )
                )
                self.score_reason.setText(ia.reason)
        else:
            self.score_label.setText("")
            self.score_reason.setText(
                "The measures catalog is not loaded, so the activities and the live score "
                "can't be shown."
            )
        self.apply_filters()
        self._update_undo()

    def completed_ids(self) -> list[str]:
        return sorted(self.done)
