"""Score preview: what the stored data is worth for the selected year, and why.

A card per category, a final-score gauge against the performance threshold and a
per-measure table. Every number has a tooltip with its reason. The page recomputes
whenever another page changes the workspace (``AppContext.data_changed``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.gui.context import AppContext
from desktop_app.gui.pages.base import Page
from desktop_app.gui.widgets.common import set_role, title_label
from desktop_app.scoring.result import SCORING_STATUSES

CATEGORY_TITLES = {
    "quality": "Quality",
    "pi": "Promoting Interoperability",
    "ia": "Improvement Activities",
    "cost": "Cost",
}
# The table's category column: short names (the full one is in the cell's tooltip).
CATEGORY_SHORT = {"quality": "Quality", "pi": "PI", "ia": "IA", "cost": "Cost"}
WARNING_STYLE = (
    "background: #fff4e5; color: #7a4100; border: 1px solid #f0c36d; border-radius: 4px; "
    "padding: 6px 8px;"
)
TABLE_COLUMNS = ["Category", "Measure", "Collection type", "Points", "Counted", "Reason"]
WATCHED_TABLES = {
    "measurement_values",
    "measurement_sets",
    "practice",
    "clinicians",
    "reporting_entities",
    "eligibility_facts",
    "eligibility_lookups",
}


def _num(x: float | None, suffix: str = "") -> str:
    if x is None:
        return "—"
    return f"{x:.2f}".rstrip("0").rstrip(".") + suffix


def short_reason(row: dict[str, Any]) -> str:
    """A measure row's reason in one line: the scoring's summary, else its first sentence."""
    summary = str(row.get("summary") or "")
    if summary:
        return summary
    reason = str(row.get("reason") or "")
    first = reason.split(". ", 1)[0]
    return first if first.endswith(".") or first == reason else first + "."


def collection_label(row: dict[str, Any]) -> str:
    """The row's collection type as CMS and the other pages name it: eCQM, MIPS CQM,
    Medicare Part B claims for quality; the source (manual entry, file upload from the
    EHR) for PI and IA, as the PI and IA pages say."""
    method = row.get("collection_type")
    if not method:
        return ""
    if row.get("category") == "quality":
        from desktop_app.formats.qpp_json import COLLECTION_TYPE_LABELS

        return COLLECTION_TYPE_LABELS.get(str(method), str(method))
    from desktop_app.attestation import source_label

    return source_label((str(method), "mips"))


def points_text(row: dict[str, Any]) -> str:
    """The Points cell: the row's points, or '—' where it has none of its own (PI
    attestations, 2025+ improvement activities: their credit is in the reason)."""
    if row.get("points") is None:
        return "—"
    return _num(row["points"])


def row_details(row: dict[str, Any]) -> str:
    """Everything about one measure row, for the details area under the table."""
    name = row["measure_id"]
    if row.get("kind") == "objective":
        name = f"Objective: {row.get('title') or name}"
    elif row.get("title"):
        name += f" — {row['title']}"
    facts: list[str] = [CATEGORY_TITLES.get(row["category"], row["category"])]
    if row.get("collection_type"):
        facts.append(collection_label(row))
    if row.get("points") is not None:
        facts.append(
            f"{_num(row['points'])} points"
            + (f" of {_num(row['max_points'])}" if row.get("max_points") is not None else "")
        )
    if row.get("credit_percent") is not None:
        facts.append(f"{_num(row['credit_percent'])}% of the IA score")
    if row.get("performance_rate") is not None:
        facts.append(f"performance rate {_num(row['performance_rate'])}%")
    if row.get("data_completeness") is not None:
        facts.append(f"data completeness {_num(row['data_completeness'])}%")
    if row.get("decile") is not None:
        facts.append(f"decile {row['decile']}")
    facts.append("counted" if row["counted"] else "not counted")
    if row.get("estimate"):
        facts.append("estimate")
    return f"{name}\n{' · '.join(facts)}\n{row['reason']}"


class ScoreGauge(QWidget):
    """A horizontal 0–100 scale with the final score (or its range) and the threshold."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.low: float | None = None
        self.high: float | None = None
        self.threshold = 75.0
        self.floor = 18.75
        self.setMinimumHeight(84)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Final score gauge")

    def set_values(
        self, low: float | None, high: float | None, threshold: float, floor: float
    ) -> None:
        self.low, self.high, self.threshold, self.floor = low, high, threshold, floor
        self.update()

    def paintEvent(self, event: Any) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        margin = 14.0
        width = self.width() - 2 * margin
        top = 34.0
        bar = QRectF(margin, top, width, 16)

        def x(v: float) -> float:
            return margin + width * max(0.0, min(100.0, v)) / 100.0

        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#e6e9ef"))
        p.drawRoundedRect(bar, 8, 8)
        # zones: at/below the floor, below the threshold, above it
        p.setBrush(QColor("#f6d5d5"))
        p.drawRoundedRect(QRectF(margin, top, x(self.floor) - margin, 16), 8, 8)
        if self.low is not None and self.high is not None:
            good = self.low >= self.threshold
            color = QColor("#2e7d32") if good else QColor("#c62828")
            if self.high > self.threshold > self.low:
                color = QColor("#ef8f00")
            p.setBrush(color)
            start = x(self.low)
            end = max(x(self.high), start + 4)
            p.drawRoundedRect(QRectF(margin, top + 3, start - margin, 10), 5, 5)
            if self.high > self.low:
                range_color = QColor(color)
                range_color.setAlpha(90)
                p.setBrush(range_color)
                p.drawRoundedRect(QRectF(start, top + 3, end - start, 10), 5, 5)
        # threshold marker
        p.setPen(QPen(QColor("#1f2d3d"), 2))
        tx = x(self.threshold)
        p.drawLine(int(tx), int(top - 6), int(tx), int(top + 22))
        font = QFont(self.font())
        font.setPointSizeF(max(8.0, font.pointSizeF() - 1))
        p.setFont(font)
        p.drawText(
            QRectF(tx - 80, top + 22, 160, 18),
            Qt.AlignmentFlag.AlignCenter,
            f"threshold {_num(self.threshold)}",
        )
        for v in (0, 100):
            p.drawText(QRectF(x(v) - 20, top + 22, 40, 18), Qt.AlignmentFlag.AlignCenter, str(v))
        big = QFont(self.font())
        big.setPointSizeF(font.pointSizeF() + 4)
        big.setBold(True)
        p.setFont(big)
        if self.low is None or self.high is None:
            text = "No score yet"
        elif self.low == self.high:
            text = f"Final score {_num(self.low)}"
        else:
            text = f"Final score {_num(self.low)} – {_num(self.high)} (cost unknown)"
        p.drawText(QRectF(margin, 2, width, 26), Qt.AlignmentFlag.AlignLeft, text)
        p.end()


class CategoryCard(QFrame):
    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"card_{key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            f"QFrame#card_{key} {{ border: 1px solid #cfd6e0; border-radius: 8px; "
            "background: #ffffff; }"
        )
        layout = QVBoxLayout(self)
        self.title = QLabel(CATEGORY_TITLES[key])
        set_role(self.title, "sectionTitle")
        self.score = QLabel("—")
        font = self.score.font()
        font.setPointSizeF(font.pointSizeF() + 8)
        font.setBold(True)
        self.score.setFont(font)
        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        set_role(self.detail, "hint")
        for w in (self.title, self.score, self.detail):
            layout.addWidget(w)
        layout.addStretch(1)

    def show_category(self, data: dict[str, Any]) -> None:
        score = data["score"]
        self.score.setText(_num(score, "%") if score is not None else "—")
        pts = data["points"]
        if score is None and data["weight"]:
            self.score.setText("unknown")
        if score is None and not data["weight"]:
            # reweighted: its weight moved to the other categories
            self.score.setText("Reweighted to 0%")
            self.detail.setText("not scored → 0 points (its weight goes to the other categories)")
        else:
            self.detail.setText(
                f"weight {_num(data['weight'], '%')} → "
                + (f"{_num(pts)} points" if pts is not None else "points unknown")
                + (" · estimate" if data.get("estimate") else "")
            )
        if data["category"] == "pi" and data["score"] == 0 and data.get("reasons"):
            count = len(data["reasons"])
            self.detail.setText(
                self.detail.text()
                + f"\nScored 0 for {count} reason{'s' if count != 1 else ''}: "
                + data["reasons"][0]
                + (" (hover for all)" if count > 1 else "")
            )
        tip = data["reason"]
        if data.get("reasons"):
            tip += "\n\n" + "\n".join(f"• {r}" for r in data["reasons"])
        for w in (self, self.score, self.detail, self.title):
            w.setToolTip(tip)


class ScorePage(Page):
    key = "score"
    title = "Score preview"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.result: dict[str, Any] | None = None
        self._pending = False
        outer = QVBoxLayout(self)
        outer.addWidget(title_label("Score preview"))
        intro = QLabel(
            "An estimate of your MIPS final score from the data entered so far. Hover over "
            "any number to see how it was worked out."
        )
        intro.setWordWrap(True)
        set_role(intro, "hint")
        outer.addWidget(intro)

        controls = QGridLayout()
        self.entity = QComboBox()
        self.entity.setAccessibleName("Reporting entity")
        self.entity.setMinimumWidth(260)
        controls.addWidget(QLabel("Reporting entity"), 0, 0)
        controls.addWidget(self.entity, 0, 1)
        self.cost_unknown = QCheckBox("Cost score unknown")
        self.cost_unknown.setChecked(True)
        self.cost = QDoubleSpinBox()
        self.cost.setRange(0, 100)
        self.cost.setSuffix(" %")
        self.cost.setValue(50)
        self.cost.setEnabled(False)
        self.cost.setToolTip(
            "CMS computes the cost score from Medicare claims after the year. Enter what you "
            "expect, or leave it unknown to see the range of possible final scores."
        )
        controls.addWidget(QLabel("Expected cost score"), 0, 2)
        controls.addWidget(self.cost, 0, 3)
        controls.addWidget(self.cost_unknown, 0, 4)
        self.use_prior = QCheckBox("Use")
        self.prior = QDoubleSpinBox()
        self.prior.setRange(0, 100)
        self.prior.setSuffix(" %")
        self.prior.setEnabled(False)
        self.prior.setToolTip(
            "Last year's quality achievement score: with it the preview adds the improvement "
            "score (up to 10 percentage points)."
        )
        controls.addWidget(QLabel("Prior-year quality score"), 1, 0)
        prior_row = QHBoxLayout()
        prior_row.addWidget(self.prior)
        prior_row.addWidget(self.use_prior)
        controls.addLayout(prior_row, 1, 1)
        self.bonus = QDoubleSpinBox()
        self.bonus.setRange(0, 10)
        self.bonus.setSuffix(" points")
        self.bonus.setToolTip(
            "The complex patient bonus comes from CMS data (up to 10 points); enter it if you "
            "know it."
        )
        controls.addWidget(QLabel("Complex patient bonus"), 1, 2)
        controls.addWidget(self.bonus, 1, 3)
        self.statuses = QLabel("")
        self.statuses.setWordWrap(True)
        set_role(self.statuses, "hint")
        controls.addWidget(self.statuses, 2, 0, 1, 5)
        outer.addLayout(controls)

        self.message = QLabel("")
        self.message.setWordWrap(True)
        set_role(self.message, "error")
        self.message.hide()
        outer.addWidget(self.message)
        self.warnings = QLabel("")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(WARNING_STYLE)
        self.warnings.setAccessibleName("Score preview warnings")
        self.warnings.hide()
        outer.addWidget(self.warnings)

        self.gauge = ScoreGauge()
        outer.addWidget(self.gauge)
        self.adjustment = QLabel("")
        self.adjustment.setWordWrap(True)
        outer.addWidget(self.adjustment)

        cards = QHBoxLayout()
        self.cards = {k: CategoryCard(k) for k in CATEGORY_TITLES}
        for card in self.cards.values():
            cards.addWidget(card)
        outer.addLayout(cards)

        # One line per measure: the reason in a few words (the whole of it in the
        # tooltip and in the details area below for the selected row), long titles
        # cut short with "…".
        self.table = QTableWidget(0, len(TABLE_COLUMNS))
        self.table.setHorizontalHeaderLabels(TABLE_COLUMNS)
        self.table.setAccessibleName("Measures and their points")
        vheader = self.table.verticalHeader()
        vheader.setVisible(False)
        vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vheader.setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        for col in (0, 2, 3, 4):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 300)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(vheader.defaultSectionSize() * 6 + header.sizeHint().height())
        outer.addWidget(self.table, 1)
        self.details = QLabel("Select a measure to see how its points were worked out.")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAccessibleName("Selected measure details")
        self.details.setFrameShape(QFrame.Shape.StyledPanel)
        self.details.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.details.setMinimumHeight(self.details.fontMetrics().lineSpacing() * 4 + 12)
        self.details.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        set_role(self.details, "hint")
        outer.addWidget(self.details)
        self.table.itemSelectionChanged.connect(self._show_details)
        self.estimates = QLabel("")
        self.estimates.setWordWrap(True)
        set_role(self.estimates, "hint")
        outer.addWidget(self.estimates)

        self.entity.currentIndexChanged.connect(self._schedule)
        self.cost_unknown.toggled.connect(lambda on: self.cost.setEnabled(not on))
        self.use_prior.toggled.connect(self.prior.setEnabled)
        for signal in (
            self.cost_unknown.toggled,
            self.cost.valueChanged,
            self.use_prior.toggled,
            self.prior.valueChanged,
            self.bonus.valueChanged,
        ):
            signal.connect(self._schedule)
        ctx.data_changed.connect(self._on_data_changed)
        ctx.year_changed.connect(lambda _y: self.refresh())
        ctx.workspace_changed.connect(self.refresh)
        ctx.catalog_changed.connect(self._schedule)

    # ------------------------------------------------------------------ refresh
    def _on_data_changed(self, table: str) -> None:
        if table in ("practice", "clinicians", "reporting_entities"):
            self._load_entities()
        if table in WATCHED_TABLES:
            self._schedule()

    def _schedule(self, *_args: object) -> None:
        if not self._pending:
            self._pending = True
            QTimer.singleShot(0, self.recompute)

    def refresh(self) -> None:
        self._load_entities()
        self.recompute()

    def _load_entities(self) -> None:
        from desktop_app.reporting import EntityKey

        ws = self.ctx.workspace
        current = self.entity.currentData()
        self.entity.blockSignals(True)
        self.entity.clear()
        if ws is not None:
            year = self.ctx.year
            keys: list[EntityKey] = []
            practice = ws.practice()
            if practice is not None:
                keys.append(EntityKey(year, practice.tin))
            for e in ws.reporting_entities(year):
                keys.append(EntityKey(year, e.tin, e.npi))
            if practice is not None:
                for c in ws.clinicians():
                    keys.append(EntityKey(year, practice.tin, c.npi))
            names = {c.npi: f"{c.first_name} {c.last_name}" for c in ws.clinicians()}
            seen: set[tuple[str, str | None]] = set()
            for k in keys:
                if (k.tin, k.npi) in seen:
                    continue
                seen.add((k.tin, k.npi))
                label = (
                    f"Group (TIN {k.tin})"
                    if k.npi is None
                    else f"{names.get(k.npi, 'Clinician')} (NPI {k.npi})"
                )
                self.entity.addItem(label, k)
            for i in range(self.entity.count()):
                if current is not None and self.entity.itemData(i) == current:
                    self.entity.setCurrentIndex(i)
        self.entity.blockSignals(False)

    def _statuses(self, key: Any) -> str:
        """A line saying which special statuses the preview uses and where they come from.

        Only an explanation: the statuses themselves are the ones every page scores with
        (``desktop_app.attestation.entity_facts`` / ``scoring_options``): the Eligibility
        page's determination (small practice from the clinician count, statuses entered
        there or found by a QPP lookup), or the Practice page's statuses when there is no
        determination for the year.
        """
        from desktop_app.attestation import entity_facts
        from desktop_app.eligibility.model import special_status_label
        from desktop_app.eligibility.store import entity_eligibility

        ws = self.ctx.workspace
        practice = ws.practice() if ws is not None else None
        if ws is None or practice is None:
            return "Special statuses: none."
        facts = entity_facts(ws, key)
        try:
            found = entity_eligibility(ws, self.ctx.year, key.tin, key.npi)
        except ValueError:  # no eligibility rules for the year
            found = None
        practice_codes = [str(s) for s in practice.special_statuses]
        sources: dict[str, str] = {}
        for code in sorted(facts.special_statuses):
            if found is None:
                sources[code] = "Practice page"
            elif found.effective.source == "qpp":
                sources[code] = "QPP eligibility lookup"
            elif code == "small_practice":
                sources[code] = (
                    f"{practice.size} clinicians billing under the TIN, Practice page"
                    if practice.size is not None
                    else "from the clinician count"
                )
            elif code in practice_codes:
                sources[code] = "Practice page"
            else:
                sources[code] = "Eligibility page"
        if facts.pi_hardship:
            sources.setdefault("pi_hardship", "Promoting Interoperability page")
        if not sources:
            text = (
                "Special statuses: none (set them on the Practice page; small practice "
                "follows from the clinician count)."
            )
        else:
            parts = [
                f"{special_status_label(code)} ({where}"
                + (
                    ""
                    if code in SCORING_STATUSES or code == "pi_hardship"
                    else "; not applied by the preview"
                )
                + ")"
                for code, where in sources.items()
            ]
            text = (
                "Special statuses used: "
                + ", ".join(parts)
                + ". Change them on the Practice or Eligibility page."
            )
        ignored = [c for c in practice_codes if c not in facts.special_statuses]
        if ignored and found is not None:
            why = "QPP's eligibility lookup" if found.effective.source == "qpp" else ""
            if not why and "small_practice" in ignored:
                why = next((r for r in found.effective.reasons if "small practice" in r), "")
            text += (
                " Not used: "
                + ", ".join(special_status_label(c) for c in ignored)
                + " as set on the Practice page — the eligibility determination for "
                + f"{self.ctx.year} decides"
                + (f" ({why.rstrip('.')})" if why else "")
                + "."
            )
        return text

    def _fail(self, text: str) -> None:
        self.result = None
        self.message.setText(text)
        self.message.show()
        self.warnings.hide()
        self.gauge.set_values(None, None, 75.0, 18.75)
        self.table.setRowCount(0)
        self._show_details()

    def recompute(self) -> None:
        """Score the selected entity's stored data and show it."""
        self._pending = False
        from desktop_app.attestation import scoring_options
        from desktop_app.reporting import build_submission
        from desktop_app.scoring import ScoringError, score_submission

        ws = self.ctx.workspace
        if ws is None:
            self._fail("Open or create a practice workspace to see a score preview.")
            return
        if self.entity.count() == 0:
            self._load_entities()
        key = self.entity.currentData()
        if key is None:
            self._fail("Enter your practice on the Practice page first.")
            return
        catalog = self.ctx.catalog
        if catalog is None:
            self._fail(
                "The score preview needs the measures catalog. Use Update measures data to get it."
            )
            return
        self.statuses.setText(self._statuses(key))
        try:
            submission = build_submission(ws, key)
            # The entity's statuses, APM participation and PI hardship exactly as the
            # PI, IA and Quality pages and the attestation summary score them (unchanged),
            # plus what only this page asks for.
            options = scoring_options(ws, key).model_copy(
                update={
                    "cost_score": None if self.cost_unknown.isChecked() else self.cost.value(),
                    "prior_quality_score": (
                        self.prior.value() if self.use_prior.isChecked() else None
                    ),
                    "complex_patient_bonus": self.bonus.value() or None,
                }
            )
            result = score_submission(submission, catalog, options)
        except (ScoringError, ValueError) as exc:
            self._fail(f"The preview can't be computed: {exc}")
            return
        self.message.hide()
        self.show_result(result.to_json_dict())

    def show_result(self, data: dict[str, Any]) -> None:
        selected = self._selected_key()  # kept selected when the rows are rebuilt
        self.result = data
        low, high = data["final_score_range"]
        from desktop_app.rules import load_rules

        floor = load_rules(data["performance_year"]).final.floor_score.value
        self.gauge.set_values(low, high, data["threshold"], floor)
        self.gauge.setToolTip(
            data["final_score_reason"]
            + "\n\n"
            + data["threshold_reason"]
            + "\n\n"
            + data["payment_adjustment"]["reason"]
        )
        adj = data["payment_adjustment"]
        self.adjustment.setText(f"Payment adjustment in {adj['payment_year']}: {adj['reason']}")
        self.adjustment.setToolTip(adj["reason"])
        for k, card in self.cards.items():
            card.show_category(data["categories"][k])
        warnings = data.get("warnings") or []
        self.warnings.setText("\n".join(f"⚠ {w}" for w in warnings))
        self.warnings.setVisible(bool(warnings))
        rows = data["measures"]
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for r, m in enumerate(rows):
            if m.get("kind") == "objective":
                name = f"Objective: {m.get('title') or m['measure_id']}"
            else:
                name = m["measure_id"] + (f" — {m['title']}" if m.get("title") else "")
            values = [
                CATEGORY_SHORT.get(m["category"], m["category"]),
                name,
                collection_label(m),
                points_text(m),
                "Yes" if m["counted"] else "No",
                short_reason(m),
            ]
            tip = f"{name}\n\n{m['reason']}"
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                item.setData(Qt.ItemDataRole.UserRole, r)
                if c == 3:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)
        self.table.blockSignals(False)
        keys = [(m["category"], m["measure_id"], m["collection_type"]) for m in rows]
        if selected in keys:
            self.table.selectRow(keys.index(selected))
        self._show_details()
        if data["estimates"]:
            self.estimates.setText(
                "Estimate: this preview uses values CMS has not confirmed — "
                + " ".join(e["explanation"] for e in data["estimates"])
            )
            self.estimates.setToolTip(
                "\n".join(f"{e['explanation']} Source: {e['source']}" for e in data["estimates"])
            )
        else:
            self.estimates.setText("")

    def _selected_key(self) -> tuple[str, str, str | None] | None:
        row = self._selected_row()
        if row is None:
            return None
        return (row["category"], row["measure_id"], row["collection_type"])

    def _selected_row(self) -> dict[str, Any] | None:
        if self.result is None:
            return None
        items = self.table.selectedItems()
        if not items:
            return None
        index = self.table.row(items[0])
        rows = self.result["measures"]
        return rows[index] if 0 <= index < len(rows) else None

    def _show_details(self) -> None:
        row = self._selected_row()
        if row is None:
            self.details.setText("Select a measure to see how its points were worked out.")
        else:
            self.details.setText(row_details(row))
