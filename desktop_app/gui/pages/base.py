"""The base class of every page of the reporting journey."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from desktop_app.gui.context import AppContext
from desktop_app.gui.widgets.scroll import FittingScrollArea


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


def scroll_body(
    page: QWidget,
    *,
    body: QWidget | None = None,
    bottom: int = 24,
    spacing: int = 10,
) -> tuple[QScrollArea, QVBoxLayout]:
    """Give ``page`` a frameless scroll area holding its body in the page style.

    Returns the scroll area and the body's layout, with the journey pages' margins
    (32 left and right, 24 at the top, ``bottom`` at the bottom) and ``spacing``.
    """
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    scroll = FittingScrollArea()
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    outer.addWidget(scroll)
    body = body if body is not None else QWidget()
    body.setObjectName("pageBody")
    scroll.setWidget(body)
    layout = QVBoxLayout(body)
    layout.setContentsMargins(32, 24, 32, bottom)
    layout.setSpacing(spacing)
    return scroll, layout
