"""A scroll area whose content grows with what is added to it later."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QScrollArea, QWidget


class FittingScrollArea(QScrollArea):
    """A resizable scroll area that re-measures its widget whenever the widget's layout
    changes, not only when the area itself is resized.

    QScrollArea sizes a resizable widget from its height-for-width (word-wrapped labels,
    rich-text tables) when the area is resized; content added afterwards (an import
    preview, rows shown after a refresh) was squeezed into the old height, clipping
    labels instead of scrolling.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self._refit_pending = False

    def setWidget(self, widget: QWidget) -> None:
        super().setWidget(widget)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.widget()
            and event.type() == QEvent.Type.LayoutRequest
            and not self._refit_pending
        ):
            # after the widget has handled the request (its layout is up to date)
            self._refit_pending = True
            QTimer.singleShot(0, self, self._refit)
        return super().eventFilter(watched, event)

    def _refit(self) -> None:
        self._refit_pending = False
        w = self.widget()
        layout = w.layout() if w is not None else None
        if layout is not None:
            layout.activate()  # so its height-for-width counts what was just added
        if w is not None and self.widgetResizable():
            self.setWidgetResizable(True)  # Qt re-measures the widget and the scroll bars
