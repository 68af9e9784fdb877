"""First run: set up the practice and its clinicians, each step saved as soon as it is valid."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget, QWizard, QWizardPage

from desktop_app.gui.context import AppContext
from desktop_app.gui.widgets.clinicians import CliniciansPanel
from desktop_app.gui.widgets.common import format_tin, set_role
from desktop_app.gui.widgets.practice_form import PracticeForm


def _hint(text: str) -> QLabel:
    label = set_role(QLabel(text), "hint")
    label.setWordWrap(True)
    return label


class WelcomePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Welcome to MIPS Desk")
        layout = QVBoxLayout(self)
        text = QLabel(
            "MIPS Desk helps your practice report to the Merit-based Incentive Payment "
            "System (MIPS): check eligibility, enter your Quality, Promoting "
            "Interoperability and Improvement Activities data, preview your score, and "
            "create the file to upload to the Quality Payment Program.\n\n"
            "First, tell us about your practice and the clinicians who bill under its "
            "Taxpayer Identification Number (TIN). It takes a few minutes.\n\n"
            "Everything you enter is saved as you go; you can close this window at any "
            "time and continue later."
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        layout.addStretch(1)


class PracticeWizardPage(QWizardPage):
    """The practice's TIN, name and address (saved once the values are valid)."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setTitle("Your practice")
        self.setSubTitle(
            "The practice as enrolled in Medicare. The TIN is the 9-digit number your "
            "practice bills Medicare under."
        )
        layout = QVBoxLayout(self)
        self.form = PracticeForm(ctx)
        layout.addWidget(self.form)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.form.load()

    def validatePage(self) -> bool:
        return (
            self.form.commit(show_all=True)
            and self.ctx.workspace is not None
            and (self.ctx.workspace.practice() is not None)
        )


class CliniciansWizardPage(QWizardPage):
    """The clinicians billing under the TIN; each one is saved when added."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setTitle("Clinicians")
        self.setSubTitle(
            "Add each clinician who bills under your TIN: their NPI, name and clinician "
            "type. You can also import a CSV file exported from your billing system."
        )
        layout = QVBoxLayout(self)
        self.panel = CliniciansPanel(ctx)
        layout.addWidget(self.panel)

    def initializePage(self) -> None:
        self.panel.refresh()


class FinishPage(QWizardPage):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setTitle("All set")
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        layout.addWidget(
            _hint(
                "You can change the practice and its clinicians at any time on the "
                "Practice step. Next, check your clinicians' MIPS eligibility."
            )
        )
        layout.addStretch(1)

    def initializePage(self) -> None:
        ws = self.ctx.workspace
        practice = ws.practice() if ws is not None else None
        count = len(ws.clinicians()) if ws is not None else 0
        if practice is None:
            self.summary.setText("The practice hasn't been saved yet; go back to add it.")
            return
        who = f"{count} clinician" + ("" if count == 1 else "s")
        self.summary.setText(
            f"{practice.name} (TIN {format_tin(practice.tin)}) and {who} are saved in this "
            "workspace."
        )


class FirstRunWizard(QWizard):
    """Welcome, Practice, Clinicians, Finish. Nothing to save at the end: each step
    writes to the workspace as soon as its values are valid, so closing the window
    (or a crash) loses nothing already entered."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("firstRunWizard")
        self.setWindowTitle("Set up your practice – MIPS Desk")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.CancelButton, "Continue later")
        self.welcome = WelcomePage()
        self.practice_page = PracticeWizardPage(ctx)
        self.clinicians_page = CliniciansWizardPage(ctx)
        self.finish_page = FinishPage(ctx)
        for page in (self.welcome, self.practice_page, self.clinicians_page, self.finish_page):
            self.addPage(page)
        self.resize(760, 560)
