"""The dialog shown when a workspace file is damaged: what happened, and its backups."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.gui.widgets.common import set_role
from desktop_app.gui.widgets.scroll import FittingScrollArea

MIN_WIDTH = 680
LIST_ROWS = 6  # backups shown without scrolling the list


class RestoreBackupDialog(QDialog):
    """Shows the WorkspaceCorruptError message and offers to restore a backup.

    Restoring keeps the damaged file beside it (renamed ``.damaged-<time>``, or
    ``.replaced-<time>`` if it turns out healthy) and emits ``restored(path)`` so the
    window opens the restored workspace.

    The message, the backups and any problem sit in a scroll area and the dialog is
    sized to them (within the screen), so long messages are never cut off; the
    confirmation field and the buttons stay visible below.

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
        self.setSizeGripEnabled(True)
        outer = QVBoxLayout(self)
        self.body = QWidget()
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        self.scroll = FittingScrollArea()
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.body)
        self.scroll.viewport().setAutoFillBackground(False)  # the dialog's own background
        self.body.setAutoFillBackground(False)
        outer.addWidget(self.scroll, 1)
        self.message = QLabel(str(error))
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        self.backups = QListWidget()
        self.backups.setAccessibleName("Backups")
        self.backups.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        for backup in error.backups:
            item = QListWidgetItem(describe_backup(Path(backup)))
            item.setData(Qt.ItemDataRole.UserRole, str(backup))
            item.setToolTip(str(backup))
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
            choose = QLabel("Choose a backup to put back. The damaged file is kept beside it.")
            choose.setWordWrap(True)
            layout.addWidget(choose)
            layout.addWidget(self.backups)
            self._fit_list()
            self.backups.setCurrentRow(0)
            self.restore_button = buttons.addButton(
                "Restore backup", QDialogButtonBox.ButtonRole.AcceptRole
            )
            buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        else:
            self.restore_button = None
            hint = QLabel(
                "There are no backups of this workspace. Keep the file for your IT "
                "support, and create a new workspace with File > New workspace…."
            )
            hint.setWordWrap(True)
            layout.addWidget(set_role(hint, "hint"))
            buttons.addButton(QDialogButtonBox.StandardButton.Close)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        outer.addWidget(self.confirm_label)
        outer.addWidget(self.confirm_edit)
        self._set_force_offered(False)
        self.backups.currentRowChanged.connect(lambda _row: self._set_force_offered(False))
        outer.addWidget(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.fit_to_content()

    def _fit_list(self) -> None:
        """Show up to LIST_ROWS backups without scrolling the list."""
        rows = min(max(self.backups.count(), 1), LIST_ROWS)
        row = self.backups.sizeHintForRow(0) if self.backups.count() else 20
        wide = self.backups.sizeHintForColumn(0) > MIN_WIDTH - 60
        bar = self.backups.horizontalScrollBar().sizeHint().height() if wide else 0
        self.backups.setFixedHeight(rows * row + 2 * self.backups.frameWidth() + bar + 4)

    def fit_to_content(self) -> None:
        """Size the dialog to its text and backups, within 90% x 85% of the screen."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        margins = self.layout().contentsMargins()
        frame = (
            margins.left() + margins.right() + self.scroll.verticalScrollBar().sizeHint().width()
        )
        listed = self.backups.sizeHintForColumn(0) + 2 * self.backups.frameWidth() + 8
        self.body.layout().activate()
        widest = max(listed, self.body.minimumSizeHint().width())  # long paths don't wrap
        width = min(max(MIN_WIDTH, self.width(), widest + frame), int(area.width() * 0.9))
        inner = width - frame
        body_layout = self.body.layout()
        body_layout.activate()
        body_height = (
            body_layout.totalHeightForWidth(inner)
            if body_layout.hasHeightForWidth()
            else self.body.sizeHint().height()
        )
        below = sum(
            w.sizeHint().height() + self.layout().spacing()
            for w in (self.confirm_label, self.confirm_edit)
            if not w.isHidden()
        )
        buttons = self.findChild(QDialogButtonBox)
        below += buttons.sizeHint().height() if buttons is not None else 0
        height = body_height + below + margins.top() + margins.bottom() + self.layout().spacing()
        height = min(
            max(height, self.height() if self.isVisible() else 0), int(area.height() * 0.85)
        )
        self.resize(width, height)

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

    def _show_problem(self, text: str) -> None:
        """Show why the restore did not happen, scrolled into view, the dialog grown to fit."""
        self.problem.setText(text)
        self.problem.setVisible(True)
        self.fit_to_content()
        QTimer.singleShot(0, self, lambda: self.scroll.ensureWidgetVisible(self.problem, 0, 0))

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
            self._show_problem(str(exc))
            return
        except WorkspaceError as exc:
            self._show_problem(str(exc))
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
