"""The application context shared by the main window and every page.

:class:`AppContext` holds what the user has open: the practice workspace, the
measures catalog, the selected performance year and the settings. Pages read
from it and listen to its signals to refresh themselves; they never talk to
each other directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from desktop_app.settings import Settings, load_settings

if TYPE_CHECKING:
    from desktop_app.catalog import Catalog
    from desktop_app.store import Workspace


class AppContext(QObject):
    """Open workspace, catalog, selected year and settings, with change signals.

    Signals:
        workspace_changed(): another workspace was opened (or it was closed).
        year_changed(int): the user picked another performance year.
        data_changed(str): a table of the open workspace changed (relayed from
            ``Workspace.subscribe``), so every page showing it can refresh.
        catalog_changed(): the measures catalog was built, updated or replaced.
    """

    workspace_changed = Signal()
    year_changed = Signal(int)
    data_changed = Signal(str)
    catalog_changed = Signal()

    def __init__(
        self,
        settings: Settings | None = None,
        year: int = 2026,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings if settings is not None else load_settings()
        self._workspace: Workspace | None = None
        self._catalog: Catalog | None = None
        self._year = year
        self._unsubscribe: Callable[[], None] | None = None
        # One history of page edits for Edit > Undo / Redo, cleared when another
        # workspace is opened (see desktop_app.gui.undo).
        self.undo_stack = QUndoStack(self)
        self.workspace_changed.connect(self.undo_stack.clear)

    # -- settings -----------------------------------------------------------
    @property
    def settings(self) -> Settings:
        return self._settings

    @settings.setter
    def settings(self, value: Settings) -> None:
        self._settings = value

    # -- workspace ----------------------------------------------------------
    @property
    def workspace(self) -> Workspace | None:
        return self._workspace

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Make ``workspace`` the open one (closing the previous one) and tell the pages."""
        if workspace is self._workspace:
            return
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        previous = self._workspace
        self._workspace = workspace
        if previous is not None:
            previous.close()
        if workspace is not None:
            self._unsubscribe = workspace.subscribe(self._relay_change)
        self.workspace_changed.emit()

    def _relay_change(self, table: str) -> None:
        # May be called from a background thread; Qt queues the signal to the pages.
        self.data_changed.emit(table)

    # -- catalog ------------------------------------------------------------
    @property
    def catalog(self) -> Catalog | None:
        return self._catalog

    def set_catalog(self, catalog: Catalog | None) -> None:
        self._catalog = catalog
        self.catalog_changed.emit()

    # -- year ---------------------------------------------------------------
    @property
    def year(self) -> int:
        return self._year

    def set_year(self, year: int) -> None:
        if year != self._year:
            self._year = year
            self.year_changed.emit(year)

    def close(self) -> None:
        """Close the open workspace (at application exit)."""
        self.set_workspace(None)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        ws: Any = self._workspace.path if self._workspace is not None else None
        return f"<AppContext workspace={ws} year={self._year}>"
