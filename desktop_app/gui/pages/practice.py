"""Practice: TIN, name, address, size, special statuses and clinicians (autosaved)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QHBoxLayout, QLabel

from desktop_app.gui.context import AppContext
from desktop_app.gui.pages.base import Page, scroll_body
from desktop_app.gui.widgets.clinicians import CliniciansPanel
from desktop_app.gui.widgets.common import set_role, title_label
from desktop_app.gui.widgets.practice_form import PracticeForm, PracticeStatusForm


class PracticePage(Page):
    key = "practice"
    title = "Practice"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self._shown_workspace: object = None
        _scroll, layout = scroll_body(self)

        top = QHBoxLayout()
        top.addWidget(title_label("Practice"))
        top.addStretch(1)
        self.saved_label = set_role(QLabel(""), "saved")
        top.addWidget(self.saved_label)
        layout.addLayout(top)
        hint = set_role(
            QLabel(
                "Changes are saved as soon as you leave a field. A field with a problem "
                "shows what to fix and keeps its last saved value until then."
            ),
            "hint",
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)

        self.form = PracticeForm(ctx)
        self.form.setMaximumWidth(640)
        self.form.saved.connect(self._saved)
        layout.addWidget(self.form)

        layout.addSpacing(12)
        layout.addWidget(title_label("Size and special statuses", "sectionTitle"))
        self.statuses = PracticeStatusForm(ctx)
        self.statuses.setMaximumWidth(640)
        self.statuses.saved.connect(self._saved)
        layout.addWidget(self.statuses)

        layout.addSpacing(12)
        layout.addWidget(title_label("Clinicians", "sectionTitle"))
        self.panel = CliniciansPanel(ctx)
        self.panel.changed.connect(self._saved)
        self.panel.table.setMinimumHeight(220)
        layout.addWidget(self.panel, 1)

    def _saved(self) -> None:
        self.saved_label.setText(f"All changes saved at {dt.datetime.now():%I:%M %p}")

    def refresh(self) -> None:
        same_workspace = self.ctx.workspace is self._shown_workspace
        self._shown_workspace = self.ctx.workspace
        self.form.load(keep_edits=same_workspace)
        self.statuses.load()
        self.panel.refresh()
        if not same_workspace:
            self.saved_label.setText("")
