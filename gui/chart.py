"""A small bar chart of publications per year, painted with QPainter so the app needs no plotting library.

It only draws the (year, count) pairs it is given; it never reads the library itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget


@dataclass(frozen=True)
class Bar:
    """One drawn bar: its year, its count and where it sits in widget coordinates."""

    year: int
    count: int
    rect: QRectF


class YearChart(QWidget):
    """Bars for every year from the first to the last publication; years without papers show as gaps."""

    _MARGIN_LEFT = 30
    _MARGIN_RIGHT = 8
    _MARGIN_TOP = 18
    _MARGIN_BOTTOM = 22

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._counts: dict[int, int] = {}
        self.setMouseTracking(True)
        self.setMinimumHeight(120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Publications per year")

    def sizeHint(self) -> QSize:
        return QSize(420, 150)

    def set_data(self, per_year: Sequence[tuple[int, int]]) -> None:
        self._counts = {int(year): int(count) for year, count in per_year if count}
        tips = ", ".join(f"{year}: {count}" for year, count in sorted(self._counts.items()))
        self.setToolTip(tips)
        self.update()

    def years(self) -> list[int]:
        """Every year on the axis, gaps included."""
        if not self._counts:
            return []
        return list(range(min(self._counts), max(self._counts) + 1))

    def _plot_rect(self) -> QRectF:
        return QRectF(
            self._MARGIN_LEFT,
            self._MARGIN_TOP,
            max(1.0, self.width() - self._MARGIN_LEFT - self._MARGIN_RIGHT),
            max(1.0, self.height() - self._MARGIN_TOP - self._MARGIN_BOTTOM),
        )

    def bars(self) -> list[Bar]:
        """The geometry of every non-empty bar, as painted at the current size."""
        years = self.years()
        if not years:
            return []
        plot = self._plot_rect()
        top = max(self._counts.values())
        slot = plot.width() / len(years)
        # Thin bars for long careers, but never slabs for short ones.
        width = min(max(2.0, slot * 0.7), 36.0)
        result = []
        for index, year in enumerate(years):
            count = self._counts.get(year, 0)
            if not count:
                continue
            height = plot.height() * count / top
            x = plot.left() + index * slot + (slot - width) / 2
            result.append(Bar(year, count, QRectF(x, plot.bottom() - height, width, height)))
        return result

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_colour = palette.color(QPalette.ColorRole.WindowText)
        faint = QColor(text_colour)
        faint.setAlpha(60)
        plot = self._plot_rect()
        metrics = QFontMetrics(self.font())
        if not self._counts:
            painter.setPen(text_colour)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No dated publications")
            return
        top = max(self._counts.values())
        # Axis: a baseline and the maximum, enough to read the scale without a grid.
        painter.setPen(faint)
        painter.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
        painter.drawLine(QPointF(plot.left(), plot.top()), QPointF(plot.right(), plot.top()))
        painter.setPen(text_colour)
        painter.drawText(
            QRectF(0, plot.top() - metrics.height() / 2, self._MARGIN_LEFT - 4, metrics.height()),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            str(top),
        )
        painter.drawText(
            QRectF(0, plot.bottom() - metrics.height() / 2, self._MARGIN_LEFT - 4, metrics.height()),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            "0",
        )
        bar_colour = palette.color(QPalette.ColorRole.Highlight)
        for bar in self.bars():
            painter.fillRect(bar.rect, bar_colour)
            label = str(bar.count)
            if metrics.horizontalAdvance(label) <= bar.rect.width() + 6:
                painter.drawText(
                    QRectF(
                        bar.rect.left() - 6, bar.rect.top() - metrics.height(), bar.rect.width() + 12, metrics.height()
                    ),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                    label,
                )
        self._paint_year_labels(painter, plot, metrics)

    def _paint_year_labels(self, painter: QPainter, plot: QRectF, metrics: QFontMetrics) -> None:
        years = self.years()
        slot = plot.width() / len(years)
        # Every year labelled where the slots allow, as "’19" when "2019" would not fit; otherwise every n-th
        # year, always including the first and last, so labels never overlap ("2025" over "2026").
        short = metrics.horizontalAdvance("2000") + 8 > slot >= metrics.horizontalAdvance("’00") + 6
        width = metrics.horizontalAdvance("’00" if short else "2000") + (6 if short else 8)
        step = 1 if width <= slot else int(width // max(slot, 1)) + 1
        for index, year in enumerate(years):
            if index % step and index != len(years) - 1:
                continue
            if index == len(years) - 1 and 0 < index % step < step / 2:
                continue  # the last year would overlap the label before it
            centre = plot.left() + index * slot + slot / 2
            painter.drawText(
                QRectF(centre - 30, plot.bottom() + 2, 60, metrics.height()),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                f"’{year % 100:02d}" if short else str(year),
            )

    def mouseMoveEvent(self, event) -> None:
        position = event.position()
        for bar in self.bars():
            hit = QRectF(bar.rect.left(), self._plot_rect().top(), bar.rect.width(), self._plot_rect().height())
            if hit.contains(position):
                noun = "paper" if bar.count == 1 else "papers"
                QToolTip.showText(event.globalPosition().toPoint(), f"{bar.year}: {bar.count} {noun}", self)
                return
        super().mouseMoveEvent(event)
