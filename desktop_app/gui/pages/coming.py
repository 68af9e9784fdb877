"""The page shown for a journey step that isn't built yet."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout

from desktop_app.gui.context import AppContext
from desktop_app.gui.pages.base import Page
from desktop_app.gui.widgets.common import set_role, title_label


class ComingSoonPage(Page):
    """Says what a step will do; shown greyed in the navigation as "Coming soon"."""

    key = "coming"

    def __init__(self, ctx: AppContext, step_key: str, step_title: str, blurb: str) -> None:
        super().__init__(ctx)
        self.step_key = step_key
        self.setObjectName(f"page_{step_key}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(12)
        top = QHBoxLayout()
        top.addWidget(title_label(step_title))
        badge = set_role(QLabel("Coming soon"), "comingBadge")
        top.addWidget(badge, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addStretch(1)
        layout.addLayout(top)
        self.blurb = QLabel(blurb)
        self.blurb.setWordWrap(True)
        layout.addWidget(self.blurb)
        note = set_role(
            QLabel(
                "This step isn't available in this version of MIPS Desk yet. "
                "The steps before it are ready to use, and what you enter there is kept."
            ),
            "hint",
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addStretch(1)


class ProblemPage(Page):
    """Shown instead of a step's page when that page fails to open (a bug)."""

    key = "problem"

    def __init__(self, ctx: AppContext, step_key: str, step_title: str, problem: str) -> None:
        super().__init__(ctx)
        self.setObjectName(f"page_{step_key}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(12)
        layout.addWidget(title_label(step_title))
        self.message = set_role(
            QLabel(
                f"This step could not be opened because of an internal error ({problem}). "
                "Your data is safe. Please report this problem to MIPS Desk support."
            ),
            "error",
        )
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        layout.addStretch(1)
