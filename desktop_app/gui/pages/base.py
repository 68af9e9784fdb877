"""The base class of every page of the reporting journey."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtWidgets import QWidget

from desktop_app.gui.context import AppContext


class Page(QWidget):
    """One step of the journey, shown in the main window's content area.

    Subclasses set ``key`` and ``title`` and implement :meth:`refresh`, which the
    main window calls when the page is shown and whenever the context changes
    (another workspace, another year, a data change, a new catalog).
    ``self.ctx`` is the shared :class:`AppContext`.
    """

    key: ClassVar[str] = ""
    title: ClassVar[str] = ""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName(f"page_{self.key or type(self).__name__}")

    def refresh(self) -> None:
        """Re-read what the page shows from ``self.ctx``. Default: nothing."""
