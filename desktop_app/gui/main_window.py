"""The main window: practice header, year selector, journey navigation, pages, menus."""

from __future__ import annotations

import logging
import sqlite3
import sys
from pathlib import Path

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QCloseEvent, QColor, QFont, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QProgressDialog,
    QWidget,
)

from desktop_app import __version__
from desktop_app.gui.background import run_in_background
from desktop_app.gui.context import AppContext
from desktop_app.gui.forms.ui_main_window import Ui_MainWindow
from desktop_app.gui.pages import JOURNEY, JourneyStep
from desktop_app.gui.pages.base import Page
from desktop_app.gui.pages.coming import ComingSoonPage, ProblemPage
from desktop_app.gui.recent import recent_workspaces, remember_workspace
from desktop_app.gui.widgets.common import format_tin
from desktop_app.gui.years import default_year, offered_years

log = logging.getLogger(__name__)

WORKSPACE_FILTER = "MIPS Desk workspaces (*.mipsdesk)"
COMING_COLOR = QColor("#8a96a3")


class MainWindow(QMainWindow):
    """One window per application. Opening another workspace replaces the current one.

    Long work (catalog build and update) runs in the background; the status bar
    shows its progress and the window stays responsive.
    """

    first_run_needed = Signal()
    """Emitted after a workspace without a practice was opened."""

    def __init__(self, ctx: AppContext, smoke: bool = False) -> None:
        super().__init__()
        self.ctx = ctx
        self.smoke = smoke
        self.ui = Ui_MainWindow()
        self.ui.setupUi(self)
        self.setWindowTitle("MIPS Desk")
        self.wizard: QWidget | None = None
        self.active_dialog: QWidget | None = None
        self._pages: dict[str, QWidget] = {}
        self._catalog_busy = False

        self.ui.banner.setVisible(False)
        self.ui.bannerButton.clicked.connect(self.update_catalog)
        self._build_nav()
        self._build_status_bar()
        self._connect_menus()
        self._fill_years()

        ctx.workspace_changed.connect(self._on_workspace_changed)
        ctx.data_changed.connect(self._on_data_changed)
        ctx.year_changed.connect(self._year_changed)
        ctx.catalog_changed.connect(self._on_catalog_changed)
        self.ui.yearCombo.currentIndexChanged.connect(self._year_picked)
        self._on_workspace_changed()

    # -- navigation -----------------------------------------------------------
    def _build_nav(self) -> None:
        nav = self.ui.nav
        nav.setSpacing(0)
        for number, step in enumerate(JOURNEY, start=1):
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, step.key)
            if step.available:
                item.setText(f"{number}.  {step.title}")
                item.setToolTip(step.blurb)
            else:
                item.setText(f"{number}.  {step.title}\n      Coming soon")
                item.setForeground(QBrush(COMING_COLOR))
                font = QFont(item.font())
                font.setItalic(True)
                item.setFont(font)
                item.setToolTip(f"Coming soon: {step.blurb}")
                item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, "Coming soon")
            nav.addItem(item)
        nav.currentRowChanged.connect(self._step_chosen)

    def step_items(self) -> list[tuple[str, str, bool]]:
        """(key, text, coming) for each navigation entry, in order."""
        out = []
        for i in range(self.ui.nav.count()):
            item = self.ui.nav.item(i)
            key = str(item.data(Qt.ItemDataRole.UserRole))
            out.append((key, item.text(), not _step(key).available))
        return out

    def show_step(self, key: str) -> QWidget:
        """Select the journey step ``key`` and return its page."""
        for i in range(self.ui.nav.count()):
            if self.ui.nav.item(i).data(Qt.ItemDataRole.UserRole) == key:
                self.ui.nav.setCurrentRow(i)
                break
        return self._pages[key]

    def current_page(self) -> QWidget | None:
        widget = self.ui.pages.currentWidget()
        return widget

    def _step_chosen(self, row: int) -> None:
        if row < 0:
            return
        step = JOURNEY[row]
        page = self._pages.get(step.key)
        if page is None:
            page = self._make_page(step)
            self._pages[step.key] = page
            self.ui.pages.addWidget(page)
        self.ui.pages.setCurrentWidget(page)
        self._refresh(page)

    def _make_page(self, step: JourneyStep) -> QWidget:
        if not step.available:
            return ComingSoonPage(self.ctx, step.key, step.title, step.blurb)
        try:
            page_class = step.resolve()
            assert page_class is not None
            page = page_class(self.ctx)
        except Exception as exc:  # a broken page must not take the window down
            log.exception("could not open the %s page", step.key)
            return ProblemPage(self.ctx, step.key, step.title, f"{type(exc).__name__}: {exc}")
        panel = getattr(page, "panel", None)
        if panel is not None and hasattr(panel, "message"):
            panel.message.connect(self.show_message)
        return page

    def _refresh(self, page: QWidget) -> None:
        if isinstance(page, Page):
            try:
                page.refresh()
            except Exception as exc:
                log.exception("refreshing %s failed", type(page).__name__)
                if _missing_table(exc) and self.check_workspace():
                    return
                self.show_message("This page could not be refreshed; see the log for details.")

    def check_workspace(self) -> bool:
        """After a "no such table" error: check the open workspace's tables again.

        A table removed while the workspace is open (with another SQLite tool) is
        damage: the workspace is closed and the damaged-workspace dialog offers its
        backups, as when opening it. Returns True if the workspace was found damaged.
        """
        from desktop_app.store import WorkspaceCorruptError

        ws = self.ctx.workspace
        if ws is None:
            return False
        try:
            ws.check_tables()
        except WorkspaceCorruptError as exc:
            log.warning("workspace %s is damaged: %s", ws.path, exc)
            self.ctx.set_workspace(None)  # a restore needs the file closed
            self.show_message(f"{Path(ws.path).name} is damaged; nothing was changed.")
            if self.smoke:
                print(f"mipsdesk: {exc}", file=sys.stderr)
            else:
                self._open_failed(exc)
            return True
        return False

    def _refresh_current(self) -> None:
        page = self.current_page()
        if page is not None:
            self._refresh(page)

    # -- header -----------------------------------------------------------------
    def _fill_years(self) -> None:
        catalog = self.ctx.catalog
        years = offered_years(catalog.years() if catalog is not None else None)
        current = self.ctx.year if self.ctx.year in years else default_year(years)
        with QSignalBlocker(self.ui.yearCombo):
            self.ui.yearCombo.clear()
            for y in sorted(years, reverse=True):
                self.ui.yearCombo.addItem(str(y), y)
            self.ui.yearCombo.setCurrentIndex(self.ui.yearCombo.findData(current))
        self.ctx.set_year(current)

    def years_offered(self) -> list[int]:
        combo = self.ui.yearCombo
        return [int(combo.itemData(i)) for i in range(combo.count())]

    def _year_changed(self, year: int) -> None:
        """Keep the selector in step when the year changes elsewhere, then refresh."""
        combo = self.ui.yearCombo
        index = combo.findData(year)
        if index >= 0 and index != combo.currentIndex():
            with QSignalBlocker(combo):
                combo.setCurrentIndex(index)
        self._refresh_current()

    def _year_picked(self, index: int) -> None:
        if index >= 0:
            self.ctx.set_year(int(self.ui.yearCombo.itemData(index)))
            self.show_message(f"Showing performance year {self.ctx.year}.")

    def _update_header(self) -> None:
        ws = self.ctx.workspace
        practice = ws.practice() if ws is not None else None
        if ws is None:
            self.ui.practiceName.setText("No workspace open")
            self.ui.practiceDetails.setText("Use File > New workspace… or File > Open….")
        elif practice is None:
            self.ui.practiceName.setText("New practice")
            self.ui.practiceDetails.setText("Set up the practice on the Practice step.")
        else:
            count = len(ws.clinicians())
            who = f"{count} clinician" + ("" if count == 1 else "s")
            self.ui.practiceName.setText(practice.name)
            place = ", ".join(p for p in (practice.city, practice.state) if p)
            details = [f"TIN {format_tin(practice.tin)}", who]
            if place:
                details.insert(1, place)
            self.ui.practiceDetails.setText("  ·  ".join(details))
        title = "MIPS Desk"
        if practice is not None:
            title = f"{practice.name} – MIPS Desk"
        elif ws is not None:
            title = f"{Path(ws.path).name} – MIPS Desk"
        self.setWindowTitle(title)
        self.workspace_label.setText(f"Workspace: {ws.path}" if ws is not None else "")

    # -- status bar -------------------------------------------------------------
    def _build_status_bar(self) -> None:
        bar = self.ui.statusbar
        self.workspace_label = QLabel()
        self.catalog_label = QLabel()
        self.catalog_progress = QProgressBar()
        self.catalog_progress.setMaximumWidth(180)
        self.catalog_progress.setMaximumHeight(14)
        self.catalog_progress.setTextVisible(False)
        self.catalog_progress.setVisible(False)
        bar.addPermanentWidget(self.catalog_label)
        bar.addPermanentWidget(self.catalog_progress)
        bar.addPermanentWidget(self.workspace_label)

    def show_message(self, text: str) -> None:
        self.ui.statusbar.showMessage(text, 8000)

    # -- context changes ----------------------------------------------------------
    def _on_workspace_changed(self) -> None:
        self._update_header()
        for page in self._pages.values():
            self._refresh(page)
        if self.ui.nav.currentRow() < 0:
            self.ui.nav.setCurrentRow(0)
        self._fill_recent_menu()

    def _on_data_changed(self, table: str) -> None:
        if table in ("practice", "clinicians"):
            self._update_header()
        self._refresh_current()

    def _on_catalog_changed(self) -> None:
        self._fill_years()
        catalog = self.ctx.catalog
        if catalog is not None:
            self.ui.banner.setVisible(False)
            self.catalog_label.setText(self._catalog_text(catalog))
        self._refresh_current()

    @staticmethod
    def _catalog_text(catalog: object) -> str:
        try:
            source = catalog.source()  # type: ignore[attr-defined]
        except Exception:
            return "Measures data ready"
        version = getattr(source, "version", None) or getattr(source, "release", None)
        return f"Measures data {version}" if version else "Measures data ready"

    # -- catalog ------------------------------------------------------------------
    def show_catalog_banner(self, text: str) -> None:
        self.ui.bannerText.setText(text)
        self.ui.banner.setVisible(True)
        self.catalog_label.setText("No measures data")

    def banner_text(self) -> str | None:
        return self.ui.bannerText.text() if self.ui.banner.isVisibleTo(self) else None

    def _catalog_progress(self, done: int, total: int, message: str) -> None:
        self.catalog_progress.setVisible(True)
        self.catalog_progress.setMaximum(max(total, 0))
        self.catalog_progress.setValue(min(done, total) if total > 0 else 0)
        if message:
            self.catalog_label.setText(message)

    def load_catalog(self) -> None:
        """Open the measures catalog, building it first if needed (in the background)."""
        from desktop_app.gui.catalog_jobs import load_catalog_job

        if self._catalog_busy:
            return
        self._catalog_busy = True
        self.catalog_label.setText("Preparing measures data…")

        def done(result: object) -> None:
            self._catalog_busy = False
            self.catalog_progress.setVisible(False)
            from desktop_app.gui.catalog_jobs import open_catalog

            catalog = open_catalog(result)
            if catalog is None:
                from desktop_app.catalog.source import HOW_TO_GET_CATALOG

                self.show_catalog_banner(HOW_TO_GET_CATALOG)
            else:
                self.ctx.set_catalog(catalog)

        def failed(exc: BaseException) -> None:
            self._catalog_busy = False
            self.catalog_progress.setVisible(False)
            log.error("catalog could not be prepared: %s", exc)
            from desktop_app.catalog import CatalogLayoutError

            if isinstance(exc, CatalogLayoutError):  # its message says how to update
                self.show_catalog_banner(str(exc))
                return
            self.show_catalog_banner(
                f"The measures data could not be prepared: {exc} "
                "Use Update measures data to download it again."
            )

        run_in_background(
            load_catalog_job,
            self.ctx.settings,
            on_success=done,
            on_failure=failed,
            on_progress=self._catalog_progress,
            parent=self,
        )

    def update_catalog(self) -> None:
        """Catalog > Update measures data…: download, verify and rebuild in the background."""
        from desktop_app.gui.catalog_jobs import open_catalog, update_catalog_job

        if self._catalog_busy:
            self.show_message("The measures data is already being prepared.")
            return
        self._catalog_busy = True
        dialog = QProgressDialog("Updating the measures data…", "Hide", 0, 0, self)
        dialog.setWindowTitle("Update measures data")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(dialog.hide)  # the work goes on in the background
        self.active_dialog = dialog
        dialog.show()

        def progress(done: int, total: int, message: str) -> None:
            dialog.setMaximum(max(total, 0))
            dialog.setValue(min(done, total) if total > 0 else 0)
            if message:
                dialog.setLabelText(message)
            self._catalog_progress(done, total, message)

        def done(result: object) -> None:
            self._catalog_busy = False
            dialog.close()
            self.active_dialog = None
            self.catalog_progress.setVisible(False)
            catalog = open_catalog(result)
            if catalog is not None:
                self.ctx.set_catalog(catalog)
            self.show_message("The measures data is up to date.")

        def failed(exc: BaseException) -> None:
            self._catalog_busy = False
            dialog.close()
            self.catalog_progress.setVisible(False)
            self._error(
                "Could not update the measures data",
                f"{exc}\n\nThe measures data you had before is unchanged.",
            )

        run_in_background(
            update_catalog_job,
            self.ctx.settings,
            on_success=done,
            on_failure=failed,
            on_progress=progress,
            parent=self,
        )

    def _error(self, title: str, text: str) -> QMessageBox:
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self
        )
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.finished.connect(lambda _r: setattr(self, "active_dialog", None))
        self.active_dialog = box
        box.open()
        return box

    # -- menus ----------------------------------------------------------------------
    def _connect_menus(self) -> None:
        self.ui.actionNewWorkspace.triggered.connect(self.new_workspace_dialog)
        self.ui.actionOpen.triggered.connect(self.open_workspace_dialog)
        self.ui.actionQuit.triggered.connect(self.close)
        self.ui.actionUpdateCatalog.triggered.connect(self.update_catalog)
        self.ui.actionAbout.triggered.connect(self.about)
        # Undo / Redo of the edits made on the pages (until the window closes).
        stack = self.ctx.undo_stack
        self.undo_action = stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.ui.menuEdit.addAction(self.undo_action)
        self.ui.menuEdit.addAction(self.redo_action)

    def _fill_recent_menu(self) -> None:
        menu = self.ui.menuRecent
        menu.clear()
        current = self.ctx.workspace.path if self.ctx.workspace is not None else None
        items = [p for p in recent_workspaces() if current is None or p != Path(current)]
        for path in items:
            action = menu.addAction(path.name)
            action.setToolTip(str(path))
            action.setStatusTip(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self.open_workspace(p))
        menu.setEnabled(bool(items))

    def about(self) -> QMessageBox:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "About MIPS Desk",
            f"<b>MIPS Desk {__version__}</b><p>MIPS reporting for small medical practices: "
            "eligibility, election, Quality, Promoting Interoperability and Improvement "
            "Activities data, score preview, and QPP JSON / QRDA III export.</p>"
            "<p>Your data stays on this computer in the workspace file.</p>",
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setWindowModality(Qt.WindowModality.WindowModal)
        self.active_dialog = box
        box.open()
        return box

    def new_workspace_dialog(self) -> None:
        from desktop_app.paths import workspaces_dir

        path, _ = QFileDialog.getSaveFileName(
            self,
            "New workspace",
            str(workspaces_dir() / "My practice.mipsdesk"),
            WORKSPACE_FILTER,
            options=QFileDialog.Option.DontConfirmOverwrite,  # new_workspace refuses instead
        )
        if path:
            self.new_workspace(Path(path))

    def new_workspace(self, path: Path) -> bool:
        if path.suffix != ".mipsdesk":
            path = path.with_name(path.name + ".mipsdesk")
        if path.exists():
            self._error(
                "Workspace already exists",
                f"{path} already exists. Use File > Open… to open it, or choose another name.",
            )
            return False
        return self.open_workspace(path)

    def open_workspace_dialog(self) -> None:
        from desktop_app.paths import workspaces_dir

        path, _ = QFileDialog.getOpenFileName(
            self, "Open workspace", str(workspaces_dir()), f"{WORKSPACE_FILTER};;All files (*)"
        )
        if path:
            self.open_workspace(Path(path))

    def open_workspace(self, path: Path) -> bool:
        """Open (or create) the workspace at ``path``; explain and offer backups if damaged."""
        from desktop_app.features import load_feature_modules
        from desktop_app.settings import current_user, save_settings
        from desktop_app.store import Workspace, WorkspaceError

        load_feature_modules()  # every feature's tables are checked and migrated on open
        try:
            ws = Workspace.open(path, user=current_user(self.ctx.settings))
        except WorkspaceError as exc:
            if self.smoke:  # no dialogs in smoke mode: report and carry on without it
                print(f"mipsdesk: {exc}", file=sys.stderr)
                return False
            self._open_failed(exc)
            return False
        self.ctx.set_workspace(ws)
        remember_workspace(Path(ws.path))
        self.ctx.settings.last_workspace = str(Path(ws.path).resolve())
        try:
            save_settings(self.ctx.settings)
        except Exception as exc:  # not fatal: the workspace is open
            log.warning("settings not saved: %s", exc)
        self._fill_recent_menu()
        self.show_message(f"Opened {Path(ws.path).name}.")
        if ws.practice() is None:
            self.first_run_needed.emit()
        return True

    def _open_failed(self, exc: Exception) -> None:
        from desktop_app.store import WorkspaceCorruptError

        if isinstance(exc, WorkspaceCorruptError):
            from desktop_app.gui.restore import RestoreBackupDialog

            dialog = RestoreBackupDialog(exc, self)
            dialog.restored.connect(self.open_workspace)
            dialog.finished.connect(lambda _r: setattr(self, "active_dialog", None))
            self.active_dialog = dialog
            dialog.open()
        else:
            self._error("Could not open the workspace", str(exc))

    # -- first run ------------------------------------------------------------------
    def start_first_run(self) -> QWidget | None:
        """Show the first-run wizard (window-modal, non-blocking) for a workspace without
        a practice. Returns the wizard."""
        from desktop_app.gui.wizard import FirstRunWizard

        if self.smoke or self.ctx.workspace is None:
            return None
        if self.wizard is not None:
            self.wizard.raise_()
            return self.wizard
        wizard = FirstRunWizard(self.ctx, self)
        wizard.setWindowModality(Qt.WindowModality.WindowModal)

        def finished(_result: int) -> None:
            self.wizard = None
            self._update_header()
            self.show_step("practice")
            self._refresh_current()

        wizard.finished.connect(finished)
        self.wizard = wizard
        wizard.open()
        return wizard

    def closeEvent(self, event: QCloseEvent) -> None:
        self.ctx.close()
        super().closeEvent(event)


def _step(key: str) -> JourneyStep:
    for s in JOURNEY:
        if s.key == key:
            return s
    raise KeyError(key)


def _missing_table(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) is SQLite's "no such table"."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, sqlite3.OperationalError) and "no such table" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def later(fn) -> None:  # type: ignore[no-untyped-def]
    """Run ``fn`` once control returns to the event loop."""
    QTimer.singleShot(0, fn)
