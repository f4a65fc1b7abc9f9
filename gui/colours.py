"""Colours for messages (errors, warnings) that stay readable on the light and the dark palette alike.

Qt's palette has no "error" role, so these pick a shade from the window's lightness: a deep red or amber on a
light window, a soft one on a dark window, both with enough contrast to read. Widgets ask here instead of
hard-coding one shade that only suits one palette.
"""

from __future__ import annotations

from PySide6.QtGui import QPalette


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


def error_colour(palette: QPalette) -> str:
    """For "this failed" text: #b00020 on light windows, a light red on dark ones."""
    return "#f28b82" if is_dark(palette) else "#b00020"


def warning_colour(palette: QPalette) -> str:
    """For hints and "look at this" text: an amber that reads on either palette."""
    return "#f0a04b" if is_dark(palette) else "#a04f00"


def muted_colour(palette: QPalette) -> str:
    """For secondary text (fallbacks such as "authors not listed")."""
    return palette.color(QPalette.ColorRole.PlaceholderText).name()
