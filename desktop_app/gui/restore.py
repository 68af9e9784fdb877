"""The dialog shown when a workspace file is damaged: what happened, and its backups."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.gui.widgets.common import set_role


class RestoreBackupDialog(QDialog):
    """Shows the WorkspaceCorruptError message and offers to restore a backup.

    Restoring keeps the damaged file beside it (renamed ``.damaged-<time>``) and
    emits ``restored(path)`` so the window opens the restored workspace.

    Final records (confirmed elections, PI agreements) of the current file that the
    backup lacks are kept in the restored file; the summary box says which. If
    they can't be kept, the dialog says which ones and restores only after the
    user types CONFIRM and presses "Restore anyway".
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
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.confirm_label = QLabel(
            "To restore this backup anyway, without those final records, type CONFIRM:"
        )
        self.confirm_label.setWordWrap(True)
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setAccessibleName("Type CONFIRM to restore anyway")
        self.confirm_edit.setPlaceholderText("CONFIRM")
        self.summary_box: QMessageBox | None = None
        self._force_offered = False
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
        layout.addWidget(self.confirm_label)
        layout.addWidget(self.confirm_edit)
        self._set_force_offered(False)
        self.backups.currentRowChanged.connect(lambda _row: self._set_force_offered(False))
        layout.addWidget(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

    def _set_force_offered(self, offered: bool) -> None:
        """Show or hide the second, explicit confirmation for restoring without final records."""
        self._force_offered = offered
        self.confirm_label.setVisible(offered)
        self.confirm_edit.setVisible(offered)
        self.confirm_edit.clear()
        if self.restore_button is not None:
            self.restore_button.setText("Restore anyway" if offered else "Restore backup")
        if not offered and self.problem.isVisible():
            self.problem.setVisible(False)

    def accept(self) -> None:
        from desktop_app.store import FinalRecordsError, WorkspaceError, restore_workspace

        item = self.backups.currentItem()
        if item is None:
            return
        force = False
        if self._force_offered:
            if self.confirm_edit.text() != "CONFIRM":
                self.confirm_edit.setFocus()
                self.confirm_label.setText(
                    "Type CONFIRM exactly (capital letters) to restore this backup anyway, "
                    "without those final records; or choose another backup, or Cancel."
                )
                set_role(self.confirm_label, "error")
                return
            force = True
        try:
            result = restore_workspace(
                Path(self.error.path), Path(item.data(Qt.ItemDataRole.UserRole)), force=force
            )
        except FinalRecordsError as exc:
            self._set_force_offered(True)
            self.problem.setText(str(exc))
            self.problem.setVisible(True)
            return
        except WorkspaceError as exc:
            self.problem.setText(str(exc))
            self.problem.setVisible(True)
            return
        lines = result.summary_lines()
        parent = self.parentWidget()
        super().accept()
        if lines:
            box = QMessageBox(
                QMessageBox.Icon.Warning
                if result.dropped or result.unchecked
                else QMessageBox.Icon.Information,
                "Backup restored",
                f"Restored {Path(self.error.path).name} from the backup.",
                QMessageBox.StandardButton.Ok,
                parent,
            )
            box.setInformativeText("\n".join(lines))
            box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            box.setStyleSheet("QLabel#qt_msgbox_informativelabel { min-width: 520px; }")
            self.summary_box = box
            box.open()
        self.restored.emit(Path(self.error.path))
