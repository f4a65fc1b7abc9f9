"""The paper table: a Qt model over the ids of one query, filled page by page from the model API.

The model holds only the sorted ids of the current view (`Library.paper_ids`, sorted in SQL) and fetches the
rows a view paints through `Library.get_papers` in pages, keeping a small LRU cache, so a 100,000-paper library
opens at once and scrolls smoothly. The main window reads only the first screen of ids before it first paints
and the rest just after (`first_rows`: reading 100,000 ids is a noticeable part of opening); a search there
shows its first screen as soon as it is read and gets the rest from a thread (gui/id_reader.py). Sorting is a new
sorted id query and a model reset: no QSortFilterProxyModel, which would need every row in memory. No SQL here.
"""

from __future__ import annotations

import json
import sqlite3
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QFont, QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from papershelf.gui import display
from papershelf.gui.hub import LibraryHub
from papershelf.gui.id_reader import IdRead, IdReader
from papershelf.gui.settings import app_settings
from papershelf.gui.tag_writer import PendingTag, tag_writer
from papershelf.model.library import Library
from papershelf.model.search import QueryError
from papershelf.model.types import Change, Paper

PAPER_IDS_MIME = "application/x-papershelf-paper-ids"
PaperIdRole = Qt.ItemDataRole.UserRole + 1  # the paper id of a row, without fetching the row
TagColoursRole = Qt.ItemDataRole.UserRole + 2  # [(tag, "#rrggbb"), ...] for the tags column


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    sort_key: str | None  # a key of model.library.SORT_COLUMNS, or None when the column cannot be sorted
    width: int  # the width it gets where there is room (and keeps until the user drags it)
    hideable: bool = True
    minimum: int = 40  # in a narrow table it gives up width down to this, so the title keeps its share
    shown: bool = True  # shown in a fresh window (the header's menu shows or hides it)


COLUMNS: tuple[Column, ...] = (
    Column("title", "Title", "title", 290, hideable=False, minimum=200),
    Column("authors", "Authors", "authors", 170, minimum=90),
    Column("year", "Year", "year", 52, minimum=48),
    Column("venue", "Venue", "venue", 90, minimum=56),
    Column("tags", "Tags", "tags", 120, minimum=56),
    Column("added", "Added", "added", 90, minimum=84, shown=False),
    Column("key", "Key", "citekey", 150, minimum=90, shown=False),
)
COLUMN_INDEX = {column.key: number for number, column in enumerate(COLUMNS)}
# Rows a window reads before it first paints (more than the tallest screen shows; one page of row texts).
FIRST_SCREEN_ROWS = 150
# Rows read from the library at a time: about one screen. A search repaints only what shows, and each page costs
# about 50 us a row at 100,000 papers (its authors, tags and edits), so a page of 150 was a third of the time a
# search took to show (5-9 ms); scrolling reads the next page as it comes into view.
PAGE_ROWS = 50
# The title takes the width the other columns leave, but never less than this: below it, scroll sideways.
TITLE_MIN_WIDTH = 200
# The share of the table the title keeps where the other columns can give up width: at 1024 pixels the fixed
# widths left it about 30 characters, and Tags, Added and Key sat off-screen.
TITLE_SHARE = 0.45
# Which columns a table too narrow for all of them leaves out first; the title and the year always stay.
SQUEEZE_ORDER = tuple(COLUMN_INDEX[key] for key in ("key", "added", "venue", "tags", "authors"))
# A fresh table (and the author page's) lists the newest papers first: sorting by the moment of import put the
# nine untitled arXiv rows of one import first, since every paper of it was added in the same second.
DEFAULT_SORT = ("year", Qt.SortOrder.DescendingOrder)


@dataclass(frozen=True)
class PaperFilter:
    """What the table shows: a search string, a tag, an author, a source, and a view of the library."""

    query: str | None = None
    tag: str | None = None
    author_id: int | None = None
    source_id: int | None = None
    view: str = "all"  # all | recent | incomplete | trash


@dataclass(frozen=True)
class _Row:
    """The display strings of one paper, computed once when its page is fetched."""

    paper: Paper
    texts: tuple[str, ...]
    untitled: bool
    unauthored: bool  # no source names any author: the cell shows a muted fallback


class _AfterFirstPaint(QObject):
    """Calls a function once, from the event loop, just after a widget first painted; see `after_first_paint`."""

    def __init__(self, widget: QWidget, callback: Callable[[], object]) -> None:
        super().__init__(widget)  # goes with the widget: never called once the widget is gone
        self._callback = callback
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._fire)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            self._timer.start()  # runs once this paint (and the rest of the window's) is done
        return False

    def _fire(self) -> None:
        # No deleteLater(): it goes with its widget (deleting it from its own timer crashed a test teardown).
        self._callback()


def after_first_paint(widget: QWidget, callback: Callable[[], object]) -> QObject:
    """Run `callback` once the widget has painted for the first time, so a window shows before slower work."""
    return _AfterFirstPaint(widget, callback)


def encode_paper_ids(ids: Sequence[int], keys: Sequence[str] = ()) -> QMimeData:
    """Papers being dragged: our own id list, plus their citation keys as text for other programs."""
    mime = QMimeData()
    mime.setData(PAPER_IDS_MIME, QByteArray(json.dumps(list(ids)).encode()))
    if keys:
        mime.setText(",".join(keys))
    return mime


def decode_paper_ids(mime: QMimeData) -> list[int]:
    """The paper ids a drag carries, or [] when it carries none of ours."""
    if not mime.hasFormat(PAPER_IDS_MIME):
        return []
    try:
        ids = json.loads(bytes(mime.data(PAPER_IDS_MIME).data()).decode())
    except ValueError:
        return []
    return [int(i) for i in ids if isinstance(i, int)]


_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled


class PaperTableModel(QAbstractTableModel):
    """Rows are the ids of one sorted query; a row's text is fetched the first time a view asks for it."""

    def __init__(
        self,
        library: Library,
        parent: QObject | None = None,
        *,
        page_size: int = PAGE_ROWS,
        cache_size: int = 3000,
        load: bool = True,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.page_size = page_size
        self.cache_size = cache_size
        self._filter = PaperFilter()
        self._sort_column = COLUMN_INDEX[DEFAULT_SORT[0]]
        self._sort_order = DEFAULT_SORT[1]
        self._ids: list[int] = []
        self._rows: OrderedDict[int, _Row] = OrderedDict()
        self._row_of: dict[int, int] | None = None
        self._tag_colours: dict[str, str] | None = None
        # Tag changes queued for the background writer (gui/tag_writer.py), shown over the rows until written.
        self._pending_tags: list[PendingTag] = []
        self.fetches = 0  # how many pages were read; lets tests see that rows are fetched lazily
        self.loaded = False
        # False while only the first rows of the query are held (`reload(limit=…)`); `load_rest` reads the others.
        self.complete = True
        if load:
            self.reload()

    # ------------------------------------------------------------------ what is shown
    @property
    def filter(self) -> PaperFilter:
        return self._filter

    @property
    def sort_column(self) -> int:
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return self._sort_order

    def ids(self) -> list[int]:
        self.load_rest()
        return list(self._ids)

    def ids_held(self) -> list[int]:
        """The ids of the rows held now, in row order, without reading the rest (the list itself: do not change)."""
        return self._ids

    def paper_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, paper_id: int) -> int | None:
        self.load_rest()  # a paper past the first rows is still in the list
        return self.row_held(paper_id)

    def row_held(self, paper_id: int) -> int | None:
        """The paper's row among the rows held now (None for a paper past them too, while not `complete`)."""
        if self._row_of is None:
            self._row_of = {pid: row for row, pid in enumerate(self._ids)}
        return self._row_of.get(paper_id)

    def paper(self, row: int) -> Paper | None:
        entry = self._row(row)
        return entry.paper if entry else None

    def query_arguments(
        self, paper_filter: PaperFilter | None = None, column: int | None = None, order: Qt.SortOrder | None = None
    ) -> dict[str, Any]:
        """The keyword arguments of `Library.paper_ids` for a filter and sort (by default the ones shown)."""
        paper_filter = self._filter if paper_filter is None else paper_filter
        column = self._sort_column if column is None else column
        order = self._sort_order if order is None else order
        return {
            **_filter_kwargs(paper_filter),
            "order_by": COLUMNS[column].sort_key or "added",
            "descending": order == Qt.SortOrder.DescendingOrder,
        }

    def _query(
        self, paper_filter: PaperFilter, column: int, order: Qt.SortOrder, limit: int | None = None
    ) -> list[int]:
        try:
            return self.library.paper_ids(**self.query_arguments(paper_filter, column, order), limit=limit)
        except sqlite3.OperationalError as error:
            # The search module quotes every word, so this is unexpected; still a hint, never a crash.
            raise QueryError(f"this search could not be run ({error}); try fewer special characters") from None

    def set_filter(self, paper_filter: PaperFilter, *, limit: int | None = None) -> None:
        """Show another query; raises QueryError (and keeps showing the old one) for a malformed search. With
        `limit`, hold only its first rows until `load_rest` or `take_rest` (see `reload`)."""
        ids = self._query(paper_filter, self._sort_column, self._sort_order, limit)
        self._filter = paper_filter
        self._replace_ids(ids, complete=limit is None or len(ids) < limit)

    def set_sort(self, column: int, order: Qt.SortOrder) -> None:
        """Choose the order for the next query without running one (restoring a saved header)."""
        if 0 <= column < len(COLUMNS) and COLUMNS[column].sort_key is not None:
            self._sort_column, self._sort_order = column, order

    def reload(self, *, limit: int | None = None) -> None:
        """Run the current query (the first time, or to start over). With `limit`, hold only its first rows
        (a window's first screen; reading 100,000 ids takes a noticeable moment) until `load_rest`."""
        self._rows.clear()
        ids = self._query(self._filter, self._sort_column, self._sort_order, limit)
        self._replace_ids(ids, complete=limit is None or len(ids) < limit)

    def load_rest(self) -> bool:
        """Read the rows past the first ones `reload(limit=…)` held, appending them (the view keeps its
        selection and scroll); returns True when the rows had to be replaced instead (the library changed)."""
        if self.complete:
            return False
        try:
            ids = self._query(self._filter, self._sort_column, self._sort_order)
        except QueryError:
            ids = []
        return self.take_rest(ids)

    def take_rest(self, ids: list[int]) -> bool:
        """`load_rest` with the whole list read elsewhere (gui/id_reader.py): the rows past those held are
        appended, or all rows replaced (answering True) when the held ones are no longer its start."""
        if self.complete:
            return False
        held = len(self._ids)
        if ids[:held] != self._ids:
            self._replace_ids(ids)
            return True
        if len(ids) > held:
            self.beginInsertRows(QModelIndex(), held, len(ids) - 1)
            self._ids = ids
            self._row_of = None
            self.complete = True
            self.endInsertRows()
        self.complete = True
        return False

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or COLUMNS[column].sort_key is None:
            return
        if column == self._sort_column and order == self._sort_order:
            return
        ids = self._query(self._filter, column, order)
        self._sort_column, self._sort_order = column, order
        self._replace_ids(ids)

    def refresh(self, changed: Iterable[int] = (), *, everything: bool = False) -> bool:
        """Re-run the query after a library change; returns True when the rows themselves changed."""
        try:
            ids = self._query(self._filter, self._sort_column, self._sort_order)
        except QueryError:
            ids = []
        if ids != self._ids:
            if everything:
                self._rows.clear()
            else:
                self._forget(changed)
            self._replace_ids(ids)
            return True
        if everything:
            self._rows.clear()
            self._tag_colours = None
            if self._ids:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(COLUMNS) - 1))
            return False
        for paper_id in self._forget(changed):
            row = self.row_of(paper_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        return False

    def refresh_rows(self, changed: Iterable[int]) -> None:
        """Re-read these papers' text where they are shown, without running the query again."""
        forgotten = self._forget(changed)
        if len(forgotten) > 100 and self._ids:
            # A signal per row for a tag on thousands of papers costs more than the view repainting what it shows.
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(COLUMNS) - 1))
            return
        for paper_id in forgotten:
            row = self.row_of(paper_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def _forget(self, ids: Iterable[int]) -> list[int]:
        forgotten = []
        for paper_id in ids:
            if self._rows.pop(paper_id, None) is not None:
                forgotten.append(paper_id)
        return forgotten

    def forget_tag_colours(self) -> None:
        self._tag_colours = None
        if self._ids:
            column = COLUMN_INDEX["tags"]
            self.dataChanged.emit(self.index(0, column), self.index(len(self._ids) - 1, column))

    def set_pending_tags(self, pending: list[PendingTag]) -> None:
        """Show these not-yet-written tag changes over the rows' tags (one repaint of the tags column)."""
        self._pending_tags = list(pending)
        if self._ids:
            column = COLUMN_INDEX["tags"]
            self.dataChanged.emit(self.index(0, column), self.index(len(self._ids) - 1, column))

    def _shown_tags(self, paper: Paper) -> list[str]:
        """A paper's tags as the user last set them: the written ones with the pending changes applied."""
        if not self._pending_tags:
            return paper.tags
        tags = list(paper.tags)
        for pending in self._pending_tags:
            if paper.id not in pending.paper_ids:
                continue
            name = pending.tag.strip()
            tags = [tag for tag in tags if tag.lower() != name.lower()]
            if pending.adding:
                tags.append(name)
        return sorted(tags, key=str.lower)

    def _replace_ids(self, ids: list[int], *, complete: bool = True) -> None:
        self.beginResetModel()
        self._ids = ids
        self._row_of = None
        self.loaded = True
        self.complete = complete
        self.endResetModel()

    # ------------------------------------------------------------------ fetching rows
    def _row(self, row: int) -> _Row | None:
        if not 0 <= row < len(self._ids):
            return None
        paper_id = self._ids[row]
        entry = self._rows.get(paper_id)
        if entry is not None:
            self._rows.move_to_end(paper_id)
            return entry
        self._fetch_page(row)
        return self._rows.get(paper_id)

    def _fetch_page(self, row: int) -> None:
        start = row - row % self.page_size
        wanted = [pid for pid in self._ids[start : start + self.page_size] if pid not in self._rows]
        self.fetches += 1
        for paper in self.library.get_papers(wanted):
            self._rows[paper.id] = _make_row(paper)
        while len(self._rows) > self.cache_size:
            self._rows.popitem(last=False)

    def _colours(self) -> dict[str, str]:
        if self._tag_colours is None:
            self._tag_colours = self.library.tag_colours()
        return self._tag_colours

    # ------------------------------------------------------------------ QAbstractTableModel
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section].label
            if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[section].sort_key:
                return f"Sort by {COLUMNS[section].label.lower()}"
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.parent().isValid():
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < len(self._ids) and 0 <= column < len(COLUMNS)):
            return None
        if role == PaperIdRole:
            return self._ids[row]
        if role not in _ROLES_NEEDING_ROW:
            return None
        entry = self._row(row)
        if entry is None:  # deleted by another program since the ids were read
            return "…" if role == Qt.ItemDataRole.DisplayRole else None
        key = COLUMNS[column].key
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "tags" and self._pending_tags:
                return ", ".join(self._shown_tags(entry.paper))
            return entry.texts[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "tags" and self._pending_tags:
                return ", ".join(self._shown_tags(entry.paper)) or None
            return _tooltip(entry, key)
        fallback = (key == "title" and entry.untitled) or (key == "authors" and entry.unauthored)
        if role == Qt.ItemDataRole.FontRole and fallback:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and fallback:
            return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "year":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == TagColoursRole and key == "tags":
            colours = self._colours()
            return [(tag, colours.get(tag, "#808080")) for tag in self._shown_tags(entry.paper)]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        # Asked once per selected cell: combining the enum members anew each time made Ctrl+A on 20,000 papers
        # take two seconds.
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def mimeTypes(self) -> list[str]:
        return [PAPER_IDS_MIME, "text/plain"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({index.row() for index in indexes if index.isValid()})
        ids = [self._ids[row] for row in rows if 0 <= row < len(self._ids)]
        keys = [paper.citekey for paper in self.library.get_papers(ids[:500]) if paper.citekey]
        return encode_paper_ids(ids, keys)

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction


_ROLES_NEEDING_ROW = {
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.TextAlignmentRole,
    TagColoursRole,
}


def _make_row(paper: Paper) -> _Row:
    texts = {
        "title": display.display_title(paper),
        "authors": display.short_authors(paper.authors, complete=paper.authors_complete, also=paper.extra_authors),
        "year": (f"{paper.year}?" if paper.date_inferred else str(paper.year)) if paper.year else "",
        "venue": display.readable_latex(paper.venue) if paper.venue else "",
        "tags": ", ".join(paper.tags),
        "added": display.short_date(paper.added_at),
        "key": paper.citekey,
    }
    return _Row(
        paper,
        tuple(texts[column.key] for column in COLUMNS),
        untitled=not paper.title,
        unauthored=not paper.authors and not paper.extra_authors,
    )


def _tooltip(entry: _Row, key: str) -> str | None:
    paper = entry.paper
    if key == "title":
        return entry.texts[COLUMN_INDEX["title"]]
    if key == "authors":
        names = display.full_authors(paper.authors, complete=paper.authors_complete, also=paper.extra_authors)
        if paper.extra_authors:
            names += "\nalso: " + ", ".join(ref.name for ref in paper.extra_authors)
        return names or None
    if key == "year" and paper.date_inferred:
        return "No year on the page: taken from the capture date"
    if key == "tags" and paper.tags:
        return ", ".join(paper.tags)  # the cell may show only the first ones and "+N"
    if key == "key" and paper.key_aliases:
        return "also known as " + ", ".join(paper.key_aliases)
    return None


def _more_width(metrics, hidden: int) -> int:
    return metrics.horizontalAdvance(f"+{hidden}") + 4


def fit_chips(widths: Sequence[int], room: int, metrics) -> tuple[int, int]:
    """How many tag chips of these widths a cell `room` pixels wide shows, and how many it counts as "+N".

    The first chip is always shown (shortened if need be): a cell with tags never shows only "+3".
    """
    x = 0
    for number, width in enumerate(widths):
        rest = len(widths) - number - 1
        needed = width + (_more_width(metrics, rest) if rest else 0)
        if x + needed > room and number > 0:
            return number, len(widths) - number
        x += width + 4
    return len(widths), 0


class TagChipDelegate(QStyledItemDelegate):
    """Paints a paper's tags as small coloured chips, the way the sidebar shows them, and "+N" for the tags
    that do not fit (the tooltip lists them all)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        chips = index.data(TagColoursRole) or []
        if not chips:
            super().paint(painter, option, index)
            return
        style = option.widget.style() if option.widget else None
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, option.widget)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = option.fontMetrics
        height = metrics.height() + 2
        x = option.rect.x() + 4
        y = option.rect.y() + (option.rect.height() - height) // 2
        right = option.rect.right() - 2
        names = [name for name, _colour in chips]
        shown, hidden = fit_chips([metrics.horizontalAdvance(name) + 12 for name in names], right - x, metrics)
        for name, colour in chips[:shown]:
            width = metrics.horizontalAdvance(name) + 12
            room = right - x - (_more_width(metrics, hidden) if hidden else 0)
            if width > room:
                # A first tag wider than the column is shortened rather than hidden behind "+N".
                name = metrics.elidedText(name, Qt.TextElideMode.ElideRight, max(room - 12, 0))
                width = metrics.horizontalAdvance(name) + 12
            background = QColor(colour)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(background)
            painter.drawRoundedRect(QRect(x, y, width, height), height / 2, height / 2)
            painter.setPen(QColor("#000000") if background.lightnessF() > 0.6 else QColor("#ffffff"))
            painter.drawText(QRect(x, y, width, height), Qt.AlignmentFlag.AlignCenter, name)
            x += width + 4
        if hidden:
            painter.setPen(option.palette.color(QPalette.ColorRole.Text))
            painter.drawText(QRect(x, y, max(right - x, 0), height), Qt.AlignmentFlag.AlignVCenter, f"+{hidden}")
        painter.restore()


@dataclass(frozen=True)
class _OwedSelection:
    """The papers selected before a change of filter (`selected`, `current`), and what could be selected of
    them among the first screen's rows (`shown`, `shown_current`)."""

    selected: list[int]
    current: int | None
    shown: list[int]
    shown_current: int | None


class PaperTable(QTableView):
    """The table of papers used by the main window and the author page.

    `set_filter` chooses what it shows; `selected_ids` says what the user picked. It follows library changes
    through the hub, keeps the selection across refreshes, and remembers its column widths, order, choice
    and sort under `settings_key`.
    """

    selection_changed = Signal(list)  # the selected paper ids, in table order
    paper_activated = Signal(int)  # double click or Enter on a paper
    count_changed = Signal(int)  # how many papers the current filter shows

    def __init__(
        self,
        hub: LibraryHub,
        parent: QWidget | None = None,
        *,
        settings_key: str = "paper_table",
        first_rows: int | None = None,
        squeeze: bool = False,
    ) -> None:
        """`first_rows` reads only that many ids at first and the rest just after the table first painted (the
        main window, so that a 100,000-paper library shows at once); until then `count()` reads them all."""
        super().__init__(parent)
        self.hub = hub
        self.settings_key = settings_key
        # Loaded once, after the saved sort is known: on a large library each query is a noticeable wait.
        self.paper_model = PaperTableModel(hub.library, self, load=False)
        self.setModel(self.paper_model)
        # The headers get a selection of their own that stays empty. Given the table's, a header asks Qt's
        # isColumnSelected for the neighbours of every section it paints, which walks every row through the
        # Python model: with 20,000 papers selected, each header repaint took half a second. This table selects
        # whole rows, so no header section is ever shown as selected anyway.
        self._header_selection = QItemSelectionModel(self.paper_model, self)
        self.horizontalHeader().setSelectionModel(self._header_selection)
        self.verticalHeader().setSelectionModel(self._header_selection)
        self.setItemDelegateForColumn(COLUMN_INDEX["tags"], TagChipDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Tab leaves the table for the detail pane instead of walking cells a row selection never shows.
        self.setTabKeyNavigation(False)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        rows = self.verticalHeader()
        rows.hide()
        # Fixed row heights let the view lay out 100,000 rows without asking the model for any of them.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        # The title, not the last column, takes the spare width (see `fit_title`): with the last column
        # stretched, the default columns were wider than a 1440-pixel window and the key hid behind a scrollbar.
        header.setStretchLastSection(False)
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setSortIndicatorShown(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        # With `squeeze` (a table sharing its page, as on the author page) chosen columns are left out for now
        # when the table is too narrow for the title beside even their narrowest widths.
        self.squeeze = squeeze
        self._squeezed: set[int] = set()
        # Widths the user dragged columns to: those are kept as chosen, while the other columns narrow from their
        # default widths in a small table (see `fit_title`) and widen again when it grows.
        self._preferred: dict[int, int] = {}
        for number, column in enumerate(COLUMNS):
            header.resizeSection(number, column.width)
            header.setSectionHidden(number, not column.shown)
        header.setSortIndicator(self.paper_model.sort_column, self.paper_model.sort_order)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(400)
        self._save_timer.timeout.connect(self.save_state)
        self._fitting = False
        self.restore_state()
        self.first_rows = first_rows
        # A search or view with more rows than the first screen shows that screen at once and has the rest read
        # in the background (gui/id_reader.py), made on first use; until it arrives the selection the change
        # could not restore among the rows held is owed (see `_take_rest`).
        self._id_reader: IdReader | None = None
        self._awaited: int | None = None  # the reader's request for the rows past the first screen
        self._owed: _OwedSelection | None = None
        self.paper_model.reload(limit=first_rows)
        self._count_untold = not self.paper_model.complete  # count_changed is owed once the rest is read
        if self._count_untold:
            after_first_paint(self.viewport(), self.load_rest)
        self.setSortingEnabled(True)
        header.sectionResized.connect(self._section_resized)
        header.sectionResized.connect(self._state_changed)
        header.sectionMoved.connect(self._state_changed)
        header.sortIndicatorChanged.connect(self._state_changed)
        self.selectionModel().selectionChanged.connect(self._emit_selection)
        self.doubleClicked.connect(self._activated)
        hub.changed.connect(self._library_changed)
        self._tag_writer = tag_writer(hub)
        self._tag_writer.pending_changed.connect(self._pending_tags_changed)

    # ------------------------------------------------------------------ public API
    def set_filter(
        self,
        query: str | None = None,
        tag: str | None = None,
        author_id: int | None = None,
        source_id: int | None = None,
        view: str = "all",
    ) -> None:
        """Show the papers matching all the given criteria. A malformed `query` raises QueryError with a hint
        for the user, and the table keeps showing what it showed."""
        new = PaperFilter(query or None, tag, author_id, source_id, view)
        model = self.paper_model
        if new == model.filter and model.loaded:
            # Already shown, and kept up to date through the hub: no need to query again.
            if model.complete:
                self.count_changed.emit(model.rowCount())
            return
        selected, current = self.selected_ids(), self.current_id()
        reader = self._rest_reader()
        model.set_filter(new, limit=self.first_rows if reader is not None else None)
        self._owed = None
        if model.complete:
            self._awaited = None
            if reader is not None:
                reader.cancel()
            self._restore_selection(selected, current)
            self.count_changed.emit(model.rowCount())
            return
        # Only the first screen is held: the selection is restored among its rows now, and the rest of it when
        # the other rows arrive, unless the user chose other papers in the meantime.
        assert reader is not None
        self._restore_selection(selected, current, held_only=True)
        if selected or current is not None:
            self._owed = _OwedSelection(selected, current, self.selected_ids(), self.current_id())
        self._count_untold = True
        self._awaited = reader.request(model.query_arguments())

    def _rest_reader(self) -> IdReader | None:
        """The background reader of this table's whole lists, or None where the table reads them itself (no
        `first_rows`, or a library in memory that no second connection can read)."""
        if self._id_reader is None and self.first_rows and IdReader.can_read_behind(self.hub.library):
            self._id_reader = IdReader(self.hub)
            self._id_reader.read.connect(self._rest_read)
        return self._id_reader

    def _rest_read(self, job: IdRead) -> None:
        if job.generation != self._awaited:
            return  # an older answer; the newest is still to come
        self._awaited = None
        if not self.paper_model.complete:  # else read in the meantime (a sort, a library change, `load_rest`)
            self._take_rest(job.ids if job.error is None else None)
        if self._count_untold:
            self._count_untold = False
            self.count_changed.emit(self.paper_model.rowCount())

    def set_query(self, query: str | None) -> None:
        """Change only the search string, keeping the view, tag, author or source."""
        self.set_filter(**{**_filter_kwargs(self.paper_model.filter), "query": query})

    @property
    def current_filter(self) -> PaperFilter:
        return self.paper_model.filter

    def selected_ids(self) -> list[int]:
        """The selected papers' ids in table order (cheap even for a select-all over 100,000 rows)."""
        spans = sorted((r.top(), r.bottom()) for r in self.selectionModel().selection())
        ids = self.paper_model.ids_held()
        chosen: list[int] = []
        end = 0  # rows before this are taken (ranges may overlap: one per column under some selections)
        for top, bottom in spans:
            start = max(top, end)
            if bottom >= start:
                chosen.extend(ids[start : bottom + 1])
                end = bottom + 1
        return chosen

    def current_id(self) -> int | None:
        index = self.currentIndex()
        return self.paper_model.paper_id(index.row()) if index.isValid() else None

    def count(self) -> int:
        """How many papers the current filter shows (reading the rest of them first if need be)."""
        self.load_rest()
        return self.paper_model.rowCount()

    @property
    def complete(self) -> bool:
        """False while the table holds only its first rows (see `first_rows`): its row count is not the count."""
        return self.paper_model.complete

    def load_rest(self) -> None:
        """Read the rows past the first screen now, if they are still to come; the selection stays."""
        if not self.paper_model.complete:
            self._take_rest(None)
        if self._count_untold:  # also when a sort or a library change read them all in the meantime
            self._count_untold = False
            self.count_changed.emit(self.paper_model.rowCount())

    def _take_rest(self, ids: list[int] | None) -> None:
        """Append the rows past the first screen: `ids` read in the background, or read here when None. The
        selection stays; one a search owed (see `set_filter`) is restored in full if the user left it alone."""
        selected, current = self.selected_ids(), self.current_id()
        owed, self._owed = self._owed, None
        restore = owed is not None and (selected, current) == (owed.shown, owed.shown_current)
        if restore:
            assert owed is not None
            selected, current = owed.selected, owed.current
        if self._awaited is not None and self._id_reader is not None and ids is None:
            self._awaited = None
            self._id_reader.cancel()  # read here: the background answer is not wanted any more
        replaced = self.paper_model.load_rest() if ids is None else self.paper_model.take_rest(ids)
        if replaced or restore:
            self._restore_selection(selected, current)

    def selectAll(self) -> None:  # Qt's name: Ctrl+A and Edit ▸ Select all call it
        """Every paper the filter shows, as one range (the rows past the first screen are read first)."""
        self.load_rest()
        model = self.paper_model
        if not model.rowCount():
            return
        selection = QItemSelection(model.index(0, 0), model.index(model.rowCount() - 1, len(COLUMNS) - 1))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        if not self.currentIndex().isValid():
            self.selectionModel().setCurrentIndex(model.index(0, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
        self.selectionModel().select(selection, flags)

    def select_ids(self, ids: Iterable[int], current: int | None = None) -> bool:
        """Select these papers (those the filter shows); returns True when at least one was selected."""
        return self._restore_selection(list(ids), current, scroll=True)

    def select_row(self, row: int) -> None:
        paper_id = self.paper_model.paper_id(row)
        if paper_id is not None:
            self.select_ids([paper_id], paper_id)

    # ------------------------------------------------------------------ keeping up with the library
    def _may_reorder(self, change: Change) -> bool:
        """Whether a change can add, remove or move rows here, or only alter the text of some.

        Re-running the id query costs a fifth of a second on a 100,000-paper library, too much after every
        note saved while typing, so changes that cannot touch what this filter and sort select skip it.
        """
        if not change.paper_ids or change.kind not in ("papers", "tags"):
            return True
        paper_filter = self.paper_model.filter
        if paper_filter.query:
            return True  # full-text search covers notes and tags
        sort_key = COLUMNS[self.paper_model.sort_column].key
        if change.kind == "tags":
            return paper_filter.tag is not None or sort_key == "tags"
        # Notes are in no view's criteria and no column (the model describes a note change this way).
        return change.description != "note changed"

    def _library_changed(self, change: Change) -> None:
        everything = change.kind in ("library", "sources", "authors", "duplicates") or (
            change.kind in ("papers", "tags") and not change.paper_ids
        )
        if change.kind == "tags":
            self.paper_model.forget_tag_colours()
        if not everything and not self._may_reorder(change):
            self.paper_model.refresh_rows(change.paper_ids)
            if self.current_id() in change.paper_ids:
                self._emit_selection()
            return
        selected, current = self.selected_ids(), self.current_id()
        scroll = self.verticalScrollBar().value()
        if self.paper_model.refresh(change.paper_ids, everything=everything):
            self._restore_selection(selected, current)
            self.verticalScrollBar().setValue(scroll)
            self.count_changed.emit(self.paper_model.rowCount())
        elif current is not None and current in change.paper_ids:
            # The rows stay; tell listeners (the detail pane) the selected paper itself changed.
            self._emit_selection()

    def _pending_tags_changed(self) -> None:
        self.paper_model.set_pending_tags(self._tag_writer.pending())

    def _restore_selection(
        self, ids: list[int], current: int | None, *, scroll: bool = False, held_only: bool = False
    ) -> bool:
        """Select these papers where the table shows them (`held_only`: among the rows held now, without
        reading the rest of the list) and make `current` the current row; True when any was selected."""
        model = self.paper_model
        row_of = model.row_held if held_only else model.row_of
        rows = sorted(row for row in (row_of(pid) for pid in ids) if row is not None)
        selection = QItemSelection()
        last_column = len(COLUMNS) - 1
        start = previous = None
        for row in rows:
            if start is None:
                start = previous = row
            elif row == previous + 1:
                previous = row
            else:
                selection.select(model.index(start, 0), model.index(previous, last_column))
                start = previous = row
        if start is not None:
            selection.select(model.index(start, 0), model.index(previous, last_column))
        selection_model = self.selectionModel()
        blocker = selection_model.blockSignals(True)
        try:
            selection_model.clearSelection()
            current_row = row_of(current) if current is not None else None
            if current_row is None and rows:
                current_row = rows[0]
            if current_row is not None:
                selection_model.setCurrentIndex(model.index(current_row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
            selection_model.select(selection, QItemSelectionModel.SelectionFlag.Select)
        finally:
            selection_model.blockSignals(blocker)
        self.viewport().update()
        if scroll and current_row is not None:
            # Centred vertically only: scrollTo also centres the title column sideways, which cut off the first
            # letters of every title in a narrow window.
            sideways = self.horizontalScrollBar().value()
            self.scrollTo(model.index(current_row, 0), QAbstractItemView.ScrollHint.PositionAtCenter)
            self.horizontalScrollBar().setValue(sideways)
        self._emit_selection()
        return bool(rows)

    def fit_title(self) -> None:
        """Give the title column the width the other visible columns leave. Where that is less than
        TITLE_SHARE of the table, the others narrow (each down to its minimum, from its default width; a width
        the user dragged stays) so the title stays readable; below TITLE_MIN_WIDTH the table scrolls sideways."""
        if self._fitting or not self.isVisible():
            return  # a table not on screen has no width of its own yet; it fits once shown (resizeEvent)
        header = self.horizontalHeader()
        title = COLUMN_INDEX["title"]
        available = self.viewport().width()
        others = [
            n for n in range(header.count()) if n != title and (n in self._squeezed or not header.isSectionHidden(n))
        ]
        goal = max(TITLE_MIN_WIDTH, int(available * TITLE_SHARE))
        squeezed: list[int] = []
        while True:
            widths = self._narrowed(others, available - goal)
            if not self.squeeze or available - sum(widths.values()) >= TITLE_MIN_WIDTH:
                break
            # (a column the user gave a width stays: they asked for it)
            victim = next((n for n in SQUEEZE_ORDER if n in others and n not in self._preferred), None)
            if victim is None:
                break
            # Not even the narrowest columns leave the title readable: leave one out until the table is wider
            # (the header menu still shows it as chosen).
            others.remove(victim)
            squeezed.append(victim)
        widths[title] = max(TITLE_MIN_WIDTH, available - sum(widths.values()))
        self._fitting = True
        try:
            for n in self._squeezed - set(squeezed):
                header.setSectionHidden(n, False)
            for n in squeezed:
                header.setSectionHidden(n, True)
            self._squeezed = set(squeezed)
            for n, width in widths.items():
                if header.sectionSize(n) != width:
                    header.resizeSection(n, width)
        finally:
            self._fitting = False

    def _narrowed(self, others: list[int], room: int) -> dict[int, int]:
        """The widths of these columns, the flexible ones narrowed towards their minimums to fit `room`."""
        widths = {n: self._preferred.get(n, COLUMNS[n].width) for n in others}
        flexible = [n for n in others if n not in self._preferred]
        excess = sum(widths.values()) - room
        if excess > 0:
            slack = sum(widths[n] - COLUMNS[n].minimum for n in flexible)
            ratio = min(1.0, excess / slack) if slack else 0.0
            for n in flexible:
                widths[n] -= round((widths[n] - COLUMNS[n].minimum) * ratio)
        return widths

    def _section_resized(self, number: int, _old: int, new: int) -> None:
        # Another column widened or narrowed (or was hidden): the title gives or takes the difference. A width
        # the user drags becomes that column's preferred one; a title they drag keeps its width until the table
        # itself is resized.
        if self._fitting or number == COLUMN_INDEX["title"]:
            return
        if new > 0:
            self._preferred[number] = new
        self.fit_title()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_title()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.fit_title()

    def _emit_selection(self, *_args: object) -> None:
        self.selection_changed.emit(self.selected_ids())

    def _activated(self, index: QModelIndex) -> None:
        paper_id = self.paper_model.paper_id(index.row())
        if paper_id is not None:
            self.paper_activated.emit(paper_id)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.current_id() is not None:
            self.paper_activated.emit(self.current_id())
            return
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if event.key() in (Qt.Key.Key_Home, Qt.Key.Key_End) and plain and self.paper_model.rowCount():
            # Rows are what this table selects: Home and End go to the first and last paper, not to the first
            # and last column of the current row.
            self.select_row(0 if event.key() == Qt.Key.Key_Home else self.count() - 1)
            return
        super().keyPressEvent(event)

    # ------------------------------------------------------------------ columns: choice, widths, sort
    def _column_menu(self, position) -> None:
        menu = self.column_menu()
        menu.exec(self.horizontalHeader().mapToGlobal(position))

    def column_menu(self) -> QMenu:
        """The header's menu: one check per column a user may hide or show."""
        menu = QMenu(self)
        header = self.horizontalHeader()
        for number, column in enumerate(COLUMNS):
            action = QAction(column.label, menu)
            action.setCheckable(True)
            action.setChecked(number in self._squeezed or not header.isSectionHidden(number))
            action.setEnabled(column.hideable)
            action.toggled.connect(lambda shown, n=number: self.set_column_visible(n, shown))
            menu.addAction(action)
        return menu

    def set_column_visible(self, number: int, shown: bool) -> None:
        if not COLUMNS[number].hideable and not shown:
            return
        self._squeezed.discard(number)
        self.horizontalHeader().setSectionHidden(number, not shown)
        self.fit_title()
        self._state_changed()

    def _state_changed(self, *_args: object) -> None:
        self._save_timer.start()

    def save_state(self) -> None:
        """Remember the columns (widths, order, hidden ones) and the sort for the next start."""
        self._save_timer.stop()
        settings = app_settings()
        header = self.horizontalHeader()
        # Columns left out for want of room are saved as chosen: a wider window shows them again.
        self._fitting = True
        try:
            for n in self._squeezed:
                header.setSectionHidden(n, False)
            state = header.saveState()
            for n in self._squeezed:
                header.setSectionHidden(n, True)
        finally:
            self._fitting = False
        settings.setValue(f"{self.settings_key}/header", state)
        settings.setValue(f"{self.settings_key}/version", len(COLUMNS))
        # The widths the user chose: the header's own sizes are those of this window, possibly narrowed.
        settings.setValue(
            f"{self.settings_key}/preferred", json.dumps({COLUMNS[n].key: w for n, w in self._preferred.items()})
        )
        settings.sync()

    def restore_state(self) -> bool:
        settings = app_settings()
        state = settings.value(f"{self.settings_key}/header")
        version = settings.value(f"{self.settings_key}/version")
        # A header saved with another set of columns would put widths on the wrong ones.
        if state is None or str(version) != str(len(COLUMNS)):
            return False
        header = self.horizontalHeader()
        if not header.restoreState(state):
            return False
        header.setStretchLastSection(False)  # a header saved before the title took the spare width had it on
        try:
            saved = json.loads(str(settings.value(f"{self.settings_key}/preferred", "{}")))
        except ValueError:
            saved = {}
        if isinstance(saved, dict):
            for key, width in saved.items():
                if key in COLUMN_INDEX and isinstance(width, int) and width > 0:
                    self._preferred[COLUMN_INDEX[key]] = width
        column, order = header.sortIndicatorSection(), header.sortIndicatorOrder()
        if self.paper_model.loaded:
            self.paper_model.sort(column, order)
        else:
            self.paper_model.set_sort(column, order)
        return True

    def hideEvent(self, event) -> None:
        if self._save_timer.isActive():
            self.save_state()
        super().hideEvent(event)


def _filter_kwargs(paper_filter: PaperFilter) -> dict[str, object]:
    return {
        "query": paper_filter.query,
        "tag": paper_filter.tag,
        "author_id": paper_filter.author_id,
        "source_id": paper_filter.source_id,
        "view": paper_filter.view,
    }


__all__ = [
    "COLUMNS",
    "FIRST_SCREEN_ROWS",
    "PAPER_IDS_MIME",
    "PaperFilter",
    "PaperIdRole",
    "PaperTable",
    "PaperTableModel",
    "after_first_paint",
    "decode_paper_ids",
    "encode_paper_ids",
]
