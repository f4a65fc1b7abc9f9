"""Tags of one paper or of a selection as coloured chips, with a line to add one (completing existing tags).

It only shows and asks: adding or removing emits a signal, and the owner records the change (with undo).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QPoint, QRect, QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)


class FlowLayout(QLayout):
    """Lays widgets out left to right and wraps them onto new lines, like words in a paragraph."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        x, y, line_height = rect.x(), rect.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > rect.right() + 1 and line_height > 0:
                x, y = rect.x(), y + line_height + self._spacing
                line_height = 0
            if apply:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y()


def chip_colours(colour: str) -> tuple[str, str]:
    """A tag's background and a text colour that stays readable on it."""
    background = QColor(colour)
    if not background.isValid():
        background = QColor("#808080")
    text = "#000000" if background.lightnessF() > 0.6 else "#ffffff"
    return background.name(), text


class TagChip(QFrame):
    """One tag: its name on its colour, and a small button that removes it."""

    remove_requested = Signal(str)

    def __init__(self, name: str, colour: str, label: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.setObjectName("tag-chip")
        background, text = chip_colours(colour)
        self.setStyleSheet(
            f"#tag-chip {{ background: {background}; border-radius: 9px; }}"
            f" QLabel, QToolButton {{ color: {text}; background: transparent; border: none; }}"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 1, 2, 1)
        layout.setSpacing(2)
        self.label = QLabel(label or name, self)
        layout.addWidget(self.label)
        self.remove_button = QToolButton(self)
        self.remove_button.setText("✕")
        self.remove_button.setToolTip(f"Remove the tag “{name}”")
        self.remove_button.setAutoRaise(True)
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self.name))
        layout.addWidget(self.remove_button)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)


class TagEditor(QWidget):
    """The chips of the shown papers' tags and an "add tag" line with completion."""

    tag_added = Signal(str)
    tag_removed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.chips_area = QWidget(self)
        self.flow = FlowLayout(self.chips_area)
        layout.addWidget(self.chips_area)
        self.line = QLineEdit(self)
        self.line.setPlaceholderText("Add a tag…")
        self.line.setClearButtonEnabled(True)
        self._names = QStringListModel(self)
        self.completer = QCompleter(self._names, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.line.setCompleter(self.completer)
        self.line.returnPressed.connect(self._add)
        layout.addWidget(self.line)
        self.chips: list[TagChip] = []

    def set_tags(
        self,
        tags: Sequence[str],
        colours: Mapping[str, str],
        known: Sequence[str],
        labels: Mapping[str, str] | None = None,
    ) -> None:
        """Show these tags (in order) and offer `known` tag names for completion."""
        for chip in self.chips:
            self.flow.removeWidget(chip)
            chip.deleteLater()
        self.chips = []
        for name in tags:
            chip = TagChip(name, colours.get(name, "#808080"), (labels or {}).get(name), self.chips_area)
            chip.remove_requested.connect(self.tag_removed)
            self.flow.addWidget(chip)
            chip.show()
            self.chips.append(chip)
        self._names.setStringList(list(known))
        self.chips_area.setVisible(bool(self.chips))
        self.chips_area.updateGeometry()

    def names(self) -> list[str]:
        return [chip.name for chip in self.chips]

    def _add(self) -> None:
        name = self.line.text().strip()
        if not name:
            return
        self.line.clear()
        self.tag_added.emit(name)
