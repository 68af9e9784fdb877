"""QPP's "Are You Sure?" step: type CONFIRM, then I'm Sure, Confirm ..."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.elections.model import (
    CONFIRM_WORD,
    Election,
    are_you_sure,
    confirm_button_text,
    confirmation_accepted,
)
from desktop_app.elections.store import ElectionChoice


class ConfirmElectionsDialog(QDialog):
    """Shows what is about to be confirmed; the confirm button stays disabled until the
    field holds exactly CONFIRM. ``typed()`` gives the text for the core to check again."""

    def __init__(
        self, choices: list[ElectionChoice], year: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Are You Sure?")
        self.setModal(True)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        heading = QLabel("<h2>⚠ Are You Sure?</h2>")
        layout.addWidget(heading)
        voluntary = [c for c in choices if c.election is Election.VOLUNTARY]
        opt_in = [c for c in choices if c.election is Election.OPT_IN]
        single = choices[0] if len(choices) == 1 else None
        if single is not None:
            text = are_you_sure(single.election, single.entity_name or single.tin, year)
        else:
            text = (
                f"You are about to confirm elections for {len(choices)} participants for the "
                f"{year} performance year. Once an election to opt in or voluntarily report is "
                "confirmed, that election can't be undone or changed."
            )
        self.message = QLabel(text)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        counts = QLabel(
            f"<b>Report Voluntarily</b> {len(voluntary)}"
            + "".join(f"<br>&nbsp;&nbsp;{_who(c)}" for c in voluntary)
            + f"<br><b>Opt-Ins</b> {len(opt_in)}"
            + "".join(f"<br>&nbsp;&nbsp;{_who(c)}" for c in opt_in)
        )
        counts.setWordWrap(True)
        self.counts = counts
        layout.addWidget(counts)
        layout.addWidget(QLabel(f'Please Type "{CONFIRM_WORD}"'))
        self.field = QLineEdit()
        self.field.setObjectName("confirmField")
        self.field.setPlaceholderText(CONFIRM_WORD)
        self.field.setAccessibleName(f"Type {CONFIRM_WORD} to confirm")
        self.field.textChanged.connect(self._changed)
        layout.addWidget(self.field)
        self.hint = QLabel("")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        buttons = QHBoxLayout()
        self.cancel_button = QPushButton("Cancel and Go Back")
        self.cancel_button.clicked.connect(self.reject)
        election = single.election if single else None
        self.confirm_button = QPushButton(confirm_button_text(election))
        self.confirm_button.setObjectName("confirmButton")
        self.confirm_button.setEnabled(False)
        self.confirm_button.setDefault(False)
        self.confirm_button.setAutoDefault(False)
        self.cancel_button.setAutoDefault(False)
        self.confirm_button.clicked.connect(self._confirm)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.confirm_button)
        layout.addLayout(buttons)

    def typed(self) -> str:
        return self.field.text()

    def _changed(self, text: str) -> None:
        ok = confirmation_accepted(text)
        self.confirm_button.setEnabled(ok)
        if text and not ok:
            self.hint.setText(
                f"Type {CONFIRM_WORD} exactly: capital letters, no spaces before or after."
            )
        else:
            self.hint.setText("")

    def _confirm(self) -> None:
        if confirmation_accepted(self.field.text()):
            self.accept()


def _who(choice: ElectionChoice) -> str:
    ident = choice.tin if choice.npi is None else f"{choice.tin}/{choice.npi}"
    name = choice.entity_name or ident
    return f"{name} ({'TIN' if choice.npi is None else 'TIN/NPI'} {ident})"
