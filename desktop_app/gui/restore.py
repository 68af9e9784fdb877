"""The dialog shown when a workspace file is damaged: what happened, and its backups."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.gui.widgets.common import set_role


class RestoreBackupDialog(QDialog):
    """Shows the WorkspaceCorruptError message and offers to restore a backup.

    Restoring keeps the damaged file beside it (renamed ``.damaged-<time>``) and
    emits ``restored(path)`` so the window opens the restored workspace.
    """

    restored = Signal(Path)

    def __init__(self, error, parent: QWidget | None = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        from desktop_app.store import describe_backup

        self.error = error
        self.setWindowTitle("The workspace is damaged")
        self.resize(640, 360)
        layout = QVBoxLayout(self)
        message = QLabel(str(error))
        message.setWordWrap(True)
        layout.addWidget(message)
        self.backups = QListWidget()
        self.backups.setAccessibleName("Backups")
        for backup in error.backups:
            item = QListWidgetItem(describe_backup(Path(backup)))
            item.setData(Qt.ItemDataRole.UserRole, str(backup))
            self.backups.addItem(item)
        self.problem = set_role(QLabel(""), "error")
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        buttons = QDialogButtonBox()
        if error.backups:
            layout.addWidget(
                QLabel("Choose a backup to put back. The damaged file is kept beside it.")
            )
            layout.addWidget(self.backups)
            self.backups.setCurrentRow(0)
            self.restore_button = buttons.addButton(
                "Restore backup", QDialogButtonBox.ButtonRole.AcceptRole
            )
            buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        else:
            self.restore_button = None
            layout.addWidget(
                set_role(
                    QLabel(
                        "There are no backups of this workspace. Keep the file for your IT "
                        "support, and create a new workspace with File > New workspace…."
                    ),
                    "hint",
                )
            )
            buttons.addButton(QDialogButtonBox.StandardButton.Close)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

    def accept(self) -> None:
        from desktop_app.store import WorkspaceError, restore_backup

        item = self.backups.currentItem()
        if item is None:
            return
        try:
            restore_backup(Path(self.error.path), Path(item.data(Qt.ItemDataRole.UserRole)))
        except WorkspaceError as exc:
            self.problem.setText(str(exc))
            self.problem.setVisible(True)
            return
        super().accept()
        self.restored.emit(Path(self.error.path))
