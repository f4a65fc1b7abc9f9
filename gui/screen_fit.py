"""Sizes windows and dialogs to the screen they open on: a preferred size where there is room, never more
than the screen's free area (a dialog taller than a 1024x640 screen hid its Save button below the edge).

Geometry only: it must not build widgets or read the library.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# Room left around a window for its frame and title bar, which the window's own size does not include.
FRAME_MARGIN = QSize(16, 48)


def available_area(widget: QWidget) -> QRect:
    """The free area (without panels and docks) of the screen the widget, its parent or the pointer is on."""
    anchor = widget.parentWidget() or widget
    screen = anchor.screen() if anchor is not None else None
    if screen is None:
        screen = QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fitted_size(preferred: QSize, minimum: QSize, available: QRect) -> QSize:
    """The preferred size shrunk to fit `available` with room for a frame, but not below `minimum`."""
    room = available.size() - FRAME_MARGIN
    return QSize(
        max(min(preferred.width(), room.width()), minimum.width()),
        max(min(preferred.height(), room.height()), minimum.height()),
    )


def fit_to_screen(widget: QWidget, width: int, height: int, available: QRect | None = None) -> QSize:
    """Resize to width x height, or less where the screen (`available`, else the widget's) is smaller."""
    area = available if available is not None else available_area(widget)
    size = fitted_size(QSize(width, height), widget.minimumSizeHint().expandedTo(widget.minimumSize()), area)
    widget.resize(size)
    return size
