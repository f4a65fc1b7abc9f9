"""One person's page: what their pages say about them, name variants, papers per year, co-authors, papers, note.

It reads the library only through the model API (`get_author`, `coauthors`, `papers_per_year`) and writes only
the author's note. Following a co-author keeps a history so Back returns to where the user came from.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from papershelf.gui import display
from papershelf.gui.chart import YearChart
from papershelf.gui.hub import LibraryHub
from papershelf.gui.note_editor import NoteEditor
from papershelf.gui.paper_table import COLUMN_INDEX, PaperTable
from papershelf.gui.settings import app_settings
from papershelf.gui.undo import AuthorNoteCommand, push_command
from papershelf.model.library import LibraryError
from papershelf.model.types import Author, Change, ProfileInfo

_INDEX = QModelIndex | QPersistentModelIndex
# Changes that can alter what an author page shows; tag and setting changes cannot.
_RELEVANT_KINDS = frozenset({"papers", "authors", "sources", "duplicates", "library"})


class CoauthorModel(QAbstractTableModel):
    """Co-authors and how many papers each shares with the page's author, most shared first."""

    HEADERS = ("Co-author", "Shared")
    AUTHOR_ID_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[Author, int]] = []

    def set_rows(self, rows: list[tuple[Author, int]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        author, shared = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return author.name if index.column() == 0 else shared
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Open {author.name}'s page"
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.AUTHOR_ID_ROLE:
            return author.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None

    def author_id(self, row: int) -> int:
        return self._rows[row][0].id

    def shared(self) -> dict[int, int]:
        return {author.id: count for author, count in self._rows}


def profile_html(profile: ProfileInfo, source_name: str | None = None) -> str:
    """What one page says about its owner, escaped: page text is data, never markup. The page is named as the
    sidebar names it (`source_name`, "Junyang Lin · homepage"), its file beside it."""

    def row(label: str, value: str) -> str:
        return f"<tr><td style='padding-right:10px'><b>{label}</b></td><td>{value}</td></tr>"

    e = html.escape
    rows = []
    if profile.position:
        rows.append(row("Position", e(profile.position)))
    if profile.affiliation:
        rows.append(row("Affiliation", e(profile.affiliation)))
    if profile.interests:
        rows.append(row("Interests", e(", ".join(profile.interests))))
    if profile.email:
        rows.append(row("Email", f"<a href='mailto:{e(profile.email, quote=True)}'>{e(profile.email)}</a>"))
    if profile.address:
        rows.append(row("Address", e(profile.address)))
    numbers = []
    if profile.h_index is not None:
        numbers.append(f"h-index {profile.h_index}")
    if profile.citation_count is not None:
        numbers.append(f"{profile.citation_count:,} citations")
    if profile.paper_count is not None:
        numbers.append(f"{profile.paper_count} papers claimed")
    if numbers:
        rows.append(row("Metrics", e(" · ".join(numbers))))
    links = [
        f"<a href='{e(link['url'], quote=True)}'>{e(link.get('kind') or link['url'])}</a>"
        for link in profile.links
        if isinstance(link, dict) and str(link.get("url", "")).startswith(("http://", "https://"))
    ]
    if links:
        rows.append(row("Links", " ".join(links)))
    named = f"{e(source_name)} ({e(profile.file)})" if source_name else e(profile.file)
    parts = [f"<div style='margin-top:6px'><i>According to {named}</i></div>"]
    if rows:
        parts.append("<table cellspacing='0' cellpadding='1'>" + "".join(rows) + "</table>")
    if profile.bio:
        parts.append(f"<p style='margin-top:4px'>{e(profile.bio)}</p>")
    if not rows and not profile.bio:
        parts.append("<p>This page says nothing about the person beyond their name.</p>")
    return "".join(parts)


class AuthorPage(QWidget):
    """The page for one author, with Back through the authors visited by following co-authors."""

    author_shown = Signal(int)  # the author now on the page (after show_author, back or a co-author click)

    def __init__(self, hub: LibraryHub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.library = hub.library
        self.author: Author | None = None
        self._history: list[int] = []
        self._saving_note = False
        self._build()
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(50)
        self._reload_timer.timeout.connect(self._reload_when_visible)
        # The page's own timer, so it dies with the page (a bare singleShot fired on a deleted page).
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self._fit_profile)
        self._stale = False
        hub.changed.connect(self._on_change)
        self._show_empty()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        self._stack = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)

        self._empty = QLabel("Choose an author to see their page.", self)
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setEnabled(False)
        self._stack.addWidget(self._empty)

        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 8, 8, 8)
        header = QHBoxLayout()
        self.back_button = QPushButton("← Back", page)
        self.back_button.setToolTip("Back to the previous author (Alt+Left)")
        self.back_button.setShortcut("Alt+Left")
        self.back_button.clicked.connect(self.back)
        header.addWidget(self.back_button)
        self.name_label = QLabel(page)
        font = QFont(self.name_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.name_label.setFont(font)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        header.addWidget(self.name_label, 1)
        self.count_label = QLabel(page)
        header.addWidget(self.count_label)
        layout.addLayout(header)

        self.variants_label = QLabel(page)
        self.variants_label.setWordWrap(True)
        self.variants_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.variants_label)

        splitter = QSplitter(Qt.Orientation.Vertical, page)
        layout.addWidget(splitter, 1)

        top = QWidget(splitter)
        top_layout = QHBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        self.profile_label = QLabel(top)
        self.profile_label.setWordWrap(True)
        self.profile_label.setTextFormat(Qt.TextFormat.RichText)
        self.profile_label.setOpenExternalLinks(True)
        self.profile_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.profile_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        scroll = QScrollArea(top)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.profile_label)
        # A wheel or arrow step moves whole lines of the bio, not a fixed 20 pixels.
        scroll.verticalScrollBar().setSingleStep(self.profile_label.fontMetrics().lineSpacing())
        self.profile_scroll = scroll
        top_layout.addWidget(scroll, 2)
        chart_box = QVBoxLayout()
        chart_title = QLabel("<b>Publications per year</b>", top)
        chart_box.addWidget(chart_title)
        self.chart = YearChart(top)
        chart_box.addWidget(self.chart)
        chart_box.addStretch(1)
        # The bio gets two thirds of the width: at a third it wrapped into a column twice as tall.
        top_layout.addLayout(chart_box, 1)
        splitter.addWidget(top)

        bottom = QSplitter(Qt.Orientation.Horizontal, splitter)
        coauthor_box = self.coauthor_box = QWidget(bottom)
        coauthor_box.setMinimumWidth(185)  # below this a name such as "Hongxia Yang" lost its last letters
        coauthor_layout = QVBoxLayout(coauthor_box)
        coauthor_layout.setContentsMargins(0, 0, 0, 0)
        self.coauthor_label = QLabel(coauthor_box)
        self.coauthor_label.setWordWrap(True)
        coauthor_layout.addWidget(self.coauthor_label)
        self.coauthor_model = CoauthorModel(self)
        self.coauthor_view = QTableView(coauthor_box)
        coauthor_layout.addWidget(self.coauthor_view, 1)
        coauthor_layout.addStretch(0)  # keeps the label at the top when there is no table to show
        self.coauthor_view.setModel(self.coauthor_model)
        self.coauthor_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.coauthor_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.coauthor_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.coauthor_view.verticalHeader().hide()
        self.coauthor_view.verticalHeader().setDefaultSectionSize(self.coauthor_view.fontMetrics().height() + 8)
        self.coauthor_view.setWordWrap(False)
        self.coauthor_view.setShowGrid(False)
        self.coauthor_view.setAlternatingRowColors(True)
        self.coauthor_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.coauthor_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.coauthor_view.setToolTip("Click a co-author to open their page")
        self.coauthor_view.clicked.connect(self._coauthor_clicked)
        self.coauthor_view.activated.connect(self._coauthor_clicked)
        bottom.addWidget(coauthor_box)

        self.tabs = QTabWidget(bottom)
        settings_key = "author_page_papers"
        first_time = app_settings().value(f"{settings_key}/header") is None
        # Squeezed beside the co-authors at 1024 pixels: columns that do not fit leave, the title and year stay.
        self.papers = PaperTable(self.hub, self.tabs, settings_key=settings_key, squeeze=True)
        if first_time:
            # An author's page reads newest first until the user picks another order (which is remembered).
            self.papers.sortByColumn(COLUMN_INDEX["year"], Qt.SortOrder.DescendingOrder)
            # Beside the co-authors there is room for title, authors, year, venue and tags, not for the date
            # added and the key as well (they pushed the tags out of sight); the header menu brings them back.
            for column in ("added", "key"):
                self.papers.set_column_visible(COLUMN_INDEX[column], False)
        self.papers.paper_activated.connect(self.hub.paper_requested)
        self.tabs.addTab(self.papers, "Papers")
        self.note_editor = NoteEditor(
            self._save_note,
            self.tabs,
            placeholder="No note about this person yet. Double-click or press Edit to write one (Markdown).",
        )
        self.tabs.addTab(self.note_editor, "Note")
        bottom.addWidget(self.tabs)
        bottom.setStretchFactor(0, 1)
        bottom.setStretchFactor(1, 3)
        bottom.setSizes([240, 700])
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([200, 600])
        self._splitter = splitter
        self._stack.addWidget(page)
        self._page = page

    # ------------------------------------------------------------------ showing
    def show_author(self, author_id: int, *, remember: bool = True) -> bool:
        """Show an author; the previous one goes on the Back history. False if there is no such author, or when
        the shown author's note was refused: it stays on screen, marked not saved, instead of being replaced."""
        if not self.flush_note() and self.author is not None and self.author.id != author_id:
            return False
        try:
            author = self.library.get_author(author_id)
        except LibraryError:
            return False
        if remember and self.author is not None and self.author.id != author.id:
            self._history.append(self.author.id)
        self._fill(author)
        self.author_shown.emit(author.id)
        return True

    def back(self) -> bool:
        """Return to the author shown before; False when there is nowhere to go back to."""
        while self._history:
            previous = self._history.pop()
            if self.show_author(previous, remember=False):
                self.back_button.setEnabled(bool(self._history))
                return True
        self.back_button.setEnabled(False)
        return False

    @property
    def saving_note(self) -> bool:
        """True while this page writes its own note (the change it causes needs no refresh anywhere)."""
        return self._saving_note

    def can_go_back(self) -> bool:
        return bool(self._history)

    def reload(self) -> None:
        """Re-read the shown author (after an import, a merge or another program's change)."""
        if self.author is None:
            return
        try:
            author = self.library.get_author(self.author.id)
        except LibraryError:
            self._history.clear()
            self._show_empty()
            return
        self._fill(author, keep_note=True)

    def _show_empty(self) -> None:
        self.author = None
        self._stack.setCurrentWidget(self._empty)

    def _fill(self, author: Author, *, keep_note: bool = False) -> None:
        self.author = author
        self._stack.setCurrentWidget(self._page)
        self.back_button.setEnabled(bool(self._history))
        self.name_label.setText(author.name)
        noun = "paper" if author.paper_count == 1 else "papers"
        self.count_label.setText(f"{author.paper_count} {noun} in the library")
        if author.variants:
            self.variants_label.setText("Also written as: " + "; ".join(author.variants))
        else:
            self.variants_label.setText("No other spellings of this name seen.")
        if author.profiles:
            names = {
                source.id: display.source_label(source.format, source.file, source.owner_name)
                for source in self.library.list_sources()
            }
            self.profile_label.setText("".join(profile_html(p, names.get(p.source_id)) for p in author.profiles))
        else:
            self.profile_label.setText(
                "<p>No imported page is about this person; they appear as a co-author in the papers below.</p>"
            )
        self.chart.set_data(self.library.papers_per_year(author.id))
        # After the layout has given the page its width, so the bio's wrapped height is known.
        self._fit_timer.start()
        coauthors = self.library.coauthors(author.id)
        self.coauthor_model.set_rows(coauthors)
        if coauthors:
            self.coauthor_label.setText(f"<b>Co-authors</b> ({len(coauthors)}) — click one to open their page")
        else:
            self.coauthor_label.setText(
                "<b>Co-authors</b><br>None known: the pages list this person's papers without other authors."
            )
        self.coauthor_view.setVisible(bool(coauthors))
        # Without co-authors the column would hold one sentence: the papers take its width instead.
        self.coauthor_box.setVisible(bool(coauthors))
        self.papers.set_filter(author_id=author.id)
        if not keep_note or not self.note_editor.unsaved():  # a refused note stays, to be retried
            self.note_editor.set_text(author.note)

    def _fit_profile(self) -> None:
        """Give the profile and bio the height their wrapped text needs, up to 60% of the page, so a bio is read
        whole where the screen allows (it sat in a 200-pixel box cut mid-line) and scrolls only where it cannot."""
        if self.author is None or not self._page.isVisible():
            return
        sizes = self._splitter.sizes()
        total = sum(sizes)
        if total <= 0:
            return
        scroll = self.profile_scroll
        # Measured at the width left beside a scrollbar: at the full width the text then fits with room to spare,
        # and no scrollbar appears to take that width back and wrap one more line out of sight.
        width = scroll.width() - 2 * scroll.frameWidth() - scroll.verticalScrollBar().sizeHint().width()
        needed = self.profile_label.heightForWidth(width) + 2 * scroll.frameWidth()
        chart = self.chart.sizeHint().height() + self.profile_label.fontMetrics().lineSpacing() + 8
        top = max(chart, min(needed, int(total * 0.6)))
        if top != sizes[0]:
            self._splitter.setSizes([top, total - top])

    # ------------------------------------------------------------------ co-authors
    def _coauthor_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.show_author(self.coauthor_model.author_id(index.row()))

    def open_coauthor(self, author_id: int) -> bool:
        """Follow a co-author link as a click would."""
        return self.show_author(author_id)

    # ------------------------------------------------------------------ the note
    def note_text(self) -> str:
        return self.note_editor.text()

    def flush_note(self) -> bool:
        """Save a note still waiting for its typing pause (before leaving the author or closing); False when
        the library refused it (the text stays in the editor, shown as not saved)."""
        return self.note_editor.flush()

    def unsaved_note(self) -> str | None:
        """The note typed for the shown author but not yet in the library, or None."""
        return self.note_editor.text() if self.author is not None and self.note_editor.unsaved() else None

    def _save_note(self, text: str) -> bool | str:
        """Save the author's note; True when saved, else why the library refused it (the editor retries)."""
        if self.author is None or text == self.author.note:
            return True
        self._saving_note = True
        try:
            # Through the shared undo stack: Ctrl+Z restores the earlier note, a burst of typing is one step.
            command = AuthorNoteCommand(self.library, self.author.id, self.author.note, text)
            failure = command.failure  # kept: Qt deletes a refused command
            if not push_command(self.hub, command):
                return failure[0] if failure else "the library refused the change"
            self.author.note = text
            return True
        finally:
            self._saving_note = False

    # ------------------------------------------------------------------ changes
    def _reload_when_visible(self) -> None:
        # A hidden screen (another view is showing, or the window closed) catches up when it is shown again.
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.reload()

    def _on_change(self, change: Change) -> None:
        if self.author is None or self._saving_note or change.kind not in _RELEVANT_KINDS:
            return
        if change.kind == "authors" and change.author_ids:
            # Another person's note or name changed: only this page's author and co-authors matter here.
            shown = {self.author.id, *self.coauthor_model.shared()}
            if not shown & set(change.author_ids):
                return
        self._reload_timer.start()
