"""Author browsing: a searchable list of everyone in the library beside the selected person's page.

The list is a table model over `Library.list_authors(query)`; it hands rows to the view in batches so tens of
thousands of authors open at once. In a large library the people are read and sorted on a thread of their own
(gui/people_reader.py) while the list says "Loading people…", so neither the first visit nor a refresh after a
change freezes the window. No SQL here, and nothing is written except through the author page.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from papershelf.gui.author_page import AuthorPage
from papershelf.gui.hub import LibraryHub
from papershelf.gui.people_reader import AuthorRow, PeopleRead, PeopleReader, SortSpec
from papershelf.model.search import QueryError
from papershelf.model.types import Change

_INDEX = QModelIndex | QPersistentModelIndex
_RELEVANT_KINDS = frozenset({"papers", "authors", "sources", "duplicates", "library"})


def _drop(items: list[AuthorRow]) -> None:
    # A little at a time: one clear() of 58,000 would hold the interpreter lock, and so the window, throughout.
    while items:
        del items[-500:]


def sort_authors(authors: list[AuthorRow], sort: SortSpec) -> None:
    """Sort in place by a column of the list (0 name, 1 other spellings, 2 paper count), descending or not.
    Runs on the people reader's thread too: no Qt here."""
    column, reverse = sort
    # Keys are single strings, the parts joined by a character below any letter, so they order as the tuple of
    # parts would: comparing 58,000 tuples held the interpreter lock (and so the window) for 40 ms, strings 12.
    if column == 2:
        # Most papers first reads naturally; ties fall back to the name.
        authors.sort(key=lambda a: f"{a.family.casefold()}\0{a.given.casefold()}")
        authors.sort(key=lambda a: a.paper_count, reverse=reverse)
    elif column == 1:
        authors.sort(key=lambda a: f"{'; '.join(a.variants).casefold()}\0{a.name.casefold()}", reverse=reverse)
    else:
        authors.sort(key=lambda a: f"{(a.family or a.name).casefold()}\0{a.given.casefold()}", reverse=reverse)


class AuthorListModel(QAbstractTableModel):
    """Authors with their other spellings and paper counts; rows reach the view a batch at a time."""

    HEADERS = ("Name", "Also written as", "Papers")
    AUTHOR_ID_ROLE = Qt.ItemDataRole.UserRole + 1
    BATCH = 2000
    DROP_BEHIND_FROM = 5000

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._authors: list[AuthorRow] = []
        self._loaded = 0
        self._sort = (0, Qt.SortOrder.AscendingOrder)
        # Set by a view that sorts many rows elsewhere: answers True when it took the sort on (sorting 58,000
        # people by name takes a fifth of a second, too long for the interface thread).
        self.sort_behind: Callable[[SortSpec], bool] | None = None

    # ------------------------------------------------------------------ content
    def set_authors(self, authors: list[AuthorRow], *, sorted_as: SortSpec | None = None) -> None:
        """Show these authors; `sorted_as` says how they are sorted already (read and sorted on the people
        reader's thread), so they are sorted here only when the user picked another column meanwhile."""
        self.beginResetModel()
        old, self._authors = self._authors, list(authors)
        if len(old) >= self.DROP_BEHIND_FROM:
            # Freeing 58,000 authors took 40 ms of the interface thread; they hold nothing of Qt's.
            threading.Thread(target=_drop, args=(old,), name="papershelf old authors", daemon=True).start()
        del old
        if sorted_as != self.sort_spec():
            self._apply_sort()
        self._loaded = min(len(self._authors), self.BATCH)
        self.endResetModel()

    def total(self) -> int:
        """How many authors match, loaded into the view or not."""
        return len(self._authors)

    def author_at(self, row: int) -> AuthorRow:
        return self._authors[row]

    def row_of(self, author_id: int) -> int | None:
        """The row of an author, loading batches up to it so the view can select it."""
        for row, author in enumerate(self._authors):
            if author.id == author_id:
                if row >= self._loaded:
                    self._load_up_to(row + 1)
                return row
        return None

    def _load_up_to(self, count: int) -> None:
        count = min(count, len(self._authors))
        if count > self._loaded:
            self.beginInsertRows(QModelIndex(), self._loaded, count - 1)
            self._loaded = count
            self.endInsertRows()

    # ------------------------------------------------------------------ lazy loading
    def canFetchMore(self, parent: _INDEX = QModelIndex()) -> bool:  # noqa: B008 - Qt's signature
        return not parent.isValid() and self._loaded < len(self._authors)

    def fetchMore(self, parent: _INDEX = QModelIndex()) -> None:  # noqa: B008 - Qt's signature
        if not parent.isValid():
            self._load_up_to(self._loaded + self.BATCH)

    # ------------------------------------------------------------------ QAbstractTableModel
    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._loaded

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < self._loaded):
            return None
        author = self._authors[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return author.name
            if column == 1:
                return "; ".join(author.variants)
            return author.paper_count
        if role == Qt.ItemDataRole.ToolTipRole:
            if author.variants:
                return author.name + "\nalso written as:\n" + "\n".join(author.variants)
            return author.name
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.AUTHOR_ID_ROLE:
            return author.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        if self.sort_behind is not None and self.sort_behind(self.sort_spec()):
            return  # the rows come back sorted from another thread, through set_authors
        self.layoutAboutToBeChanged.emit()
        self._apply_sort()
        self.layoutChanged.emit()

    def authors(self) -> list[AuthorRow]:
        """Every author the list holds, loaded into the view or not, in its order (a copy)."""
        return list(self._authors)

    def sort_spec(self) -> SortSpec:
        """The column the rows are sorted by and whether the order is descending."""
        column, order = self._sort
        return column, order == Qt.SortOrder.DescendingOrder

    def _apply_sort(self) -> None:
        sort_authors(self._authors, self.sort_spec())


class AuthorsView(QWidget):
    """The Authors screen: type to filter the list, pick a person, read their page."""

    SEARCH_DELAY_MS = 150
    # From this many people on, they are read off the interface thread: 58,000 took about 0.6 s to read and
    # sort, 5,000 take about 50 ms, which the window can afford.
    READ_BEHIND_FROM = 5000

    def __init__(self, hub: LibraryHub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.library = hub.library
        self._query = ""
        self._syncing = False
        self._reader: PeopleReader | None = None  # made on the first refresh of a large library
        self._shown_once = False

        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search authors by any spelling of their name…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search authors")
        self.count_label = QLabel(self)
        self.count_label.setEnabled(False)

        self.model = AuthorListModel(self)
        self.model.sort_behind = self._sort_behind
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        # Most papers first: the people whose pages were imported (thirty papers each) were buried among a hundred
        # co-authors in alphabetical order. A click on the Name header still sorts by name.
        self.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        # Name and other spellings share what the count leaves: a fixed-width name column squeezed the other
        # two into slivers in a 1024-pixel window.
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        # The counts' width from the rows on screen, not the first thousand (Qt's default): measuring those took
        # 40 ms each time the list was refilled.
        header.setResizeContentsPrecision(0)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.installEventFilter(self)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

        self.page = AuthorPage(hub, self)
        self.page.author_shown.connect(self._page_shows)

        left = QWidget(self)
        left.setMinimumWidth(220)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count_label)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.page)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([400, 880])
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(self.SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self._apply_search)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(100)
        self._refresh_timer.timeout.connect(self._refresh_when_visible)
        self._stale = False
        hub.changed.connect(self._on_change)
        self.refresh()

    # Narrower than this, "Also written as" gives its width to the names (the spellings stay in each name's
    # tooltip and on the author page): two columns of a few letters each read worse than one that fits.
    VARIANTS_MIN_WIDTH = 330

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if watched is self.table and event.type() == QEvent.Type.Resize:
            self.table.setColumnHidden(1, event.size().width() < self.VARIANTS_MIN_WIDTH)
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ list
    def refresh(self) -> None:
        """Re-query the list for the current search, keeping the selected author selected. In a large library
        the people are read on the people reader's thread and the list is filled when they arrive."""
        if self._reads_behind():
            self._read_behind()
            return
        try:
            # In any order: the model sorts them by the column the user chose.
            authors = self.library.list_authors(self._query or None, order_by=None)
        except QueryError as error:
            self.count_label.setText(f"Cannot search for that: {error}")
            return
        self._show_authors([AuthorRow.of(author) for author in authors], None)

    def loading(self) -> bool:
        """Whether the people are still being read in the background (the list shows what it had before)."""
        return self._reader is not None and self._reader.busy()

    def _reads_behind(self) -> bool:
        if not PeopleReader.can_read_behind(self.library):
            return False
        if self._reader is None:
            # Counting is quick where reading everyone is not; a small library is read at once, as it always was.
            if self.library.count_authors() < self.READ_BEHIND_FROM:
                return False
            self._reader = PeopleReader(self.hub)
            self._reader.read.connect(self._people_read)
        return True

    def _read_behind(self) -> None:
        assert self._reader is not None
        self._reader.request(self._query or None, self.model.sort_spec(), sort_authors)
        if self.model.total() or self._shown_once:
            self.count_label.setText(self._count_text() + " · updating…")
        else:
            self.count_label.setText("Loading people…")

    def _sort_behind(self, sort: SortSpec) -> bool:
        if self._reader is None:
            return False
        many = self.model.total() >= self.READ_BEHIND_FROM
        if self._reader.busy():
            # A read is on its way, sorted the old way: read again sorted the new way, or its answer would be
            # sorted here, on the interface thread.
            self._read_behind()
        elif many:
            self._reader.request(self._query or None, sort, sort_authors, authors=self.model.authors())
            self.count_label.setText(self._count_text() + " · sorting…")
        return many

    def _people_read(self, read: PeopleRead) -> None:
        if read.error is not None:
            self.count_label.setText(read.error)
            return
        self._show_authors(read.authors, read.sort)

    def _show_authors(self, authors: list[AuthorRow], sorted_as: SortSpec | None) -> None:
        # Whoever the page shows now, not when the read began: the user may have opened someone meanwhile.
        selected = self.page.author.id if self.page.author is not None else None
        self._syncing = True
        try:
            self.model.set_authors(authors, sorted_as=sorted_as)
            if selected is not None:
                self._select_row(selected)
        finally:
            self._syncing = False
        self._shown_once = True
        self.count_label.setText(self._count_text())

    def _count_text(self) -> str:
        total = self.model.total()
        noun = "author" if total == 1 else "authors"
        return f"{total:,} {noun}" + (f" matching “{self._query}”" if self._query else "")

    def set_query(self, text: str) -> None:
        """Filter the list now, as typing would after its short pause."""
        self.search.setText(text)
        self._apply_search()

    def _apply_search(self) -> None:
        self._search_timer.stop()
        query = self.search.text().strip()
        if query == self._query and self.model.total():
            return
        self._query = query
        self.refresh()

    def _select_row(self, author_id: int) -> bool:
        row = self.model.row_of(author_id)
        if row is None:
            self.table.selectionModel().clearSelection()
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing or not current.isValid():
            return
        author = self.model.author_at(current.row())
        if self.page.author is not None and self.page.author.id == author.id:
            return
        if not self.page.show_author(author.id) and self.page.author is not None:
            # The page kept its author (a note the library refused is still on it): the list follows it.
            shown = self.page.author.id
            QTimer.singleShot(0, lambda: self._page_shows(shown))

    def _page_shows(self, author_id: int) -> None:
        # A co-author click or Back changed the page: follow it in the list without re-opening the page.
        self._syncing = True
        try:
            self._select_row(author_id)
        finally:
            self._syncing = False

    # ------------------------------------------------------------------ public
    def show_author(self, author_id: int) -> bool:
        """Select an author in the list (clearing a search that hides them) and open their page."""
        author_id = self.library.resolve_author(author_id)
        if self.model.row_of(author_id) is None and self._query:
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self._query = ""
            self.refresh()
        if not self.page.show_author(author_id):
            return False
        self._page_shows(author_id)
        return True

    def selected_author_id(self) -> int | None:
        return self.page.author.id if self.page.author is not None else None

    def _refresh_when_visible(self) -> None:
        # A hidden screen (another view is showing, or the window closed) catches up when it is shown again.
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh()

    def _on_change(self, change: Change) -> None:
        if change.kind in _RELEVANT_KINDS and not self.page.saving_note:
            self._refresh_timer.start()
