"""The review queue of possible duplicates: two papers (or two people) side by side with the evidence and score,
differing fields highlighted; Merge (choosing which to keep) or Not duplicates (remembered for good). Both are
undoable, and undoing either puts the pair back in the queue.

Reads the queue with `model.merge.open_suggestions`; writes only through the undo stack's commands (which call
`merge_papers` / `merge_authors` and `mark_distinct`). No SQL here.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from papershelf.gui.hub import LibraryHub
from papershelf.gui.undo import DistinctCommand, MergeAuthorsCommand, MergePapersCommand, push_command, undo_stack
from papershelf.model.merge import Suggestion, open_suggestions
from papershelf.model.types import Author, Change, Paper

_INDEX = QModelIndex | QPersistentModelIndex
_RELEVANT_KINDS = frozenset({"papers", "authors", "duplicates", "sources", "library"})
KINDS = (("All", None), ("Papers", "paper"), ("People", "author"))
QUEUE_MIN_WIDTH = 280


def _label(item: Paper | Author) -> str:
    return item.display_title if isinstance(item, Paper) else item.name


class SuggestionListModel(QAbstractTableModel):
    """The open suggestions, best score first."""

    HEADERS = ("Kind", "Possible duplicate", "Score")
    SUGGESTION_ID_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.suggestions: list[Suggestion] = []

    def set_suggestions(self, suggestions: list[Suggestion]) -> None:
        self.beginResetModel()
        self.suggestions = list(suggestions)
        self.endResetModel()

    def row_of(self, suggestion_id: int) -> int | None:
        for row, suggestion in enumerate(self.suggestions):
            if suggestion.id == suggestion_id:
                return row
        return None

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.suggestions)

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.suggestions)):
            return None
        suggestion = self.suggestions[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return "Paper" if suggestion.kind == "paper" else "Person"
            if column == 1:
                left, right = _label(suggestion.a), _label(suggestion.b)
                return left if left == right else f"{left}  ↔  {right}"
            return f"{suggestion.score:.2f}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(suggestion.evidence) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.SUGGESTION_ID_ROLE:
            return suggestion.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None


@dataclass(frozen=True)
class FieldRow:
    """One line of the side-by-side comparison."""

    label: str
    left: str
    right: str

    @property
    def differs(self) -> bool:
        return _normal(self.left) != _normal(self.right)


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _short(text: str | None, limit: int = 300) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def paper_rows(a: Paper, b: Paper) -> list[FieldRow]:
    """Both papers' fields, authors and sources, in reading order."""

    def authors(paper: Paper) -> str:
        # The library's names for the people, so one person written two ways reads the same on both sides.
        people = [ref.name for ref in paper.authors]
        names = ", ".join(people[:12]) + (f" … ({len(people)} in all)" if len(people) > 12 else "")
        if not paper.authors_complete:
            names = f"{names} et al." if names else "et al. (not listed)"
        return names

    def sources(paper: Paper) -> str:
        return "; ".join(f"{claim.file}" + (f" (line {claim.line})" if claim.line else "") for claim in paper.sources)

    def text(value: object) -> str:
        return "" if value is None else str(value)

    fields = [
        ("Title", a.display_title, b.display_title),
        ("Authors", authors(a), authors(b)),
        ("Year", text(a.year), text(b.year)),
        ("Date", text(a.date), text(b.date)),
        ("Venue", text(a.venue), text(b.venue)),
        ("Type", text(a.entry_type), text(b.entry_type)),
        ("DOI", text(a.doi), text(b.doi)),
        ("arXiv", text(a.arxiv_id), text(b.arxiv_id)),
        ("Journal ref.", text(a.journal_ref), text(b.journal_ref)),
        ("Pages", text(a.pages), text(b.pages)),
        ("Key", a.citekey, b.citekey),
        ("Tags", ", ".join(a.tags), ", ".join(b.tags)),
        ("Note", _short(a.note, 160), _short(b.note, 160)),
        ("Abstract", _short(a.abstract), _short(b.abstract)),
        ("Sources", sources(a), sources(b)),
    ]
    always = {"Title", "Authors", "Year", "Venue", "Sources"}
    return [FieldRow(label, left, right) for label, left, right in fields if label in always or left or right]


def author_rows(
    a: Author, b: Author, coauthors: dict[int, list[str]], titles: dict[int, list[str]] | None = None
) -> list[FieldRow]:
    """Both people's names, papers, what their pages say and whom they wrote with."""
    titles = titles or {}

    def profile(author: Author, attribute: str) -> str:
        values = [getattr(p, attribute) for p in author.profiles if getattr(p, attribute)]
        return "; ".join(dict.fromkeys(str(v) for v in values))

    fields = [
        ("Name", a.name, b.name),
        ("Also written as", "; ".join(a.variants), "; ".join(b.variants)),
        ("Papers", str(a.paper_count), str(b.paper_count)),
        ("Some papers", "\n".join(titles.get(a.id, [])), "\n".join(titles.get(b.id, []))),
        ("Affiliation", profile(a, "affiliation"), profile(b, "affiliation")),
        ("Position", profile(a, "position"), profile(b, "position")),
        ("Email", profile(a, "email"), profile(b, "email")),
        ("Pages about them", "; ".join(p.file for p in a.profiles), "; ".join(p.file for p in b.profiles)),
        ("Co-authors", ", ".join(coauthors.get(a.id, [])), ", ".join(coauthors.get(b.id, []))),
        ("Note", _short(a.note, 160), _short(b.note, 160)),
    ]
    always = {"Name", "Papers", "Co-authors"}
    return [FieldRow(label, left, right) for label, left, right in fields if label in always or left or right]


class ComparisonModel(QAbstractTableModel):
    """Field by field, left against right; rows that differ are highlighted."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[FieldRow] = []
        self.headers = ("", "Left", "Right")
        self.highlight = QColor(255, 196, 0, 70)

    def set_rows(self, rows: list[FieldRow], left: str, right: str) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.headers = ("", left, right)
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 2)

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else 3

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = (row.label, row.left, row.right)[column]
            return value if role == Qt.ItemDataRole.DisplayRole or column else None
        if role == Qt.ItemDataRole.BackgroundRole and column and row.differs:
            return self.highlight
        if role == Qt.ItemDataRole.FontRole and column == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return None

    def differing(self) -> list[str]:
        return [row.label for row in self.rows if row.differs]


def default_keep(suggestion: Suggestion) -> str:
    """Which side to keep unless the user says otherwise: the better-attested one, else the older one."""
    a, b = suggestion.a, suggestion.b
    if isinstance(a, Paper) and isinstance(b, Paper):
        weight_a = (len(a.sources), bool(a.title), len(a.edited_fields) + len(a.tags) + bool(a.note), -a.id)
        weight_b = (len(b.sources), bool(b.title), len(b.edited_fields) + len(b.tags) + bool(b.note), -b.id)
    else:
        weight_a = (len(a.profiles), a.paper_count, len(a.name), -a.id)
        weight_b = (len(b.profiles), b.paper_count, len(b.name), -b.id)
    return "a" if weight_a >= weight_b else "b"


class DuplicatesView(QWidget):
    """The review queue screen."""

    count_changed = Signal(int)  # open suggestions of every kind, for the sidebar's badge

    def __init__(self, hub: LibraryHub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.library = hub.library
        self._kind: str | None = None
        self._total = 0
        self._build()
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(80)
        self._refresh_timer.timeout.connect(self._refresh_when_visible)
        self._stale = False
        hub.changed.connect(self._on_change)
        self.refresh()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        top = QHBoxLayout()
        self.count_label = QLabel(self)
        top.addWidget(self.count_label, 1)
        top.addWidget(QLabel("Show:", self))
        self.kind_combo = QComboBox(self)
        for label, _kind in KINDS:
            self.kind_combo.addItem(label)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        top.addWidget(self.kind_combo)
        layout.addLayout(top)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.model = SuggestionListModel(self)
        self.queue = QTableView(splitter)
        self.queue.setModel(self.model)
        self.queue.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.queue.verticalHeader().hide()
        self.queue.verticalHeader().setDefaultSectionSize(self.queue.fontMetrics().height() + 8)
        self.queue.setWordWrap(False)
        self.queue.setShowGrid(False)
        self.queue.setAlternatingRowColors(True)
        header = self.queue.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.queue.selectionModel().currentRowChanged.connect(lambda current, _previous: self._show(current.row()))
        splitter.addWidget(self.queue)

        self.details = QStackedWidget(splitter)
        self.empty_label = QLabel("No possible duplicates to review.", self.details)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setEnabled(False)
        self.details.addWidget(self.empty_label)
        page = QWidget(self.details)
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(6, 0, 0, 0)
        self.title_label = QLabel(page)
        self.title_label.setWordWrap(True)
        page_layout.addWidget(self.title_label)
        self.evidence_label = QLabel(page)
        self.evidence_label.setWordWrap(True)
        self.evidence_label.setTextFormat(Qt.TextFormat.RichText)
        page_layout.addWidget(self.evidence_label)
        self.comparison = ComparisonModel(self)
        self.comparison_view = QTableView(page)
        self.comparison_view.setModel(self.comparison)
        self.comparison_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.comparison_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.comparison_view.setWordWrap(True)
        self.comparison_view.setStyleSheet("QTableView::item { padding: 2px 4px; }")
        self.comparison_view.verticalHeader().hide()
        self.comparison_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        columns = self.comparison_view.horizontalHeader()
        columns.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        columns.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        columns.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        page_layout.addWidget(self.comparison_view, 1)
        legend = QLabel("Highlighted rows differ between the two.", page)
        legend.setEnabled(False)
        page_layout.addWidget(legend)

        actions = QHBoxLayout()
        actions.addWidget(QLabel("Keep:", page))
        self.keep_left = QRadioButton("Left", page)
        self.keep_right = QRadioButton("Right", page)
        self.keep_group = QButtonGroup(page)
        self.keep_group.addButton(self.keep_left)
        self.keep_group.addButton(self.keep_right)
        actions.addWidget(self.keep_left)
        actions.addWidget(self.keep_right)
        actions.addStretch(1)
        self.merge_button = QPushButton("&Merge", page)
        self.merge_button.setToolTip(
            "Make the two one: the kept side's key and your choices stay, every source, tag and note is combined "
            "(M or Alt+M; Ctrl+Z undoes it)"
        )
        self.merge_button.clicked.connect(self.merge_current)
        self.distinct_button = QPushButton("&Not duplicates", page)
        self.distinct_button.setToolTip("They are different; this pair will never be proposed again (N or Alt+N)")
        self.distinct_button.clicked.connect(self.mark_current_distinct)
        actions.addWidget(self.merge_button)
        actions.addWidget(self.distinct_button)
        page_layout.addLayout(actions)
        self.details.addWidget(page)
        self._page = page
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        splitter.setSizes([340, 860])
        splitter.setChildrenCollapsible(False)
        self.queue.setMinimumWidth(QUEUE_MIN_WIDTH)  # titles stay readable ("Paper Glo" was all it showed)
        self.details.setMinimumWidth(320)
        layout.addWidget(splitter, 1)
        # One key per decision while going down the queue: Up/Down pick a pair, M merges it, N dismisses it.
        for key, slot in (("M", self.merge_current), ("N", self.mark_current_distinct)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda slot=slot: slot())

    # ------------------------------------------------------------------ queue
    def refresh(self) -> None:
        """Re-read the queue, keeping the shown pair if it is still open (else the one now in its place)."""
        current = self.current_suggestion()
        row = self.queue.currentIndex().row()
        everything = open_suggestions(self.library)
        self._total = len(everything)
        shown = [s for s in everything if self._kind is None or s.kind == self._kind]
        self.model.set_suggestions(shown)
        noun = "possible duplicate" if self._total == 1 else "possible duplicates"
        text = f"{self._total} {noun} to review"
        if self._kind is not None:
            text += f" ({len(shown)} shown)"
        self.count_label.setText(text)
        self.count_changed.emit(self._total)
        if not shown:
            self.details.setCurrentWidget(self.empty_label)
            return
        target = self.model.row_of(current.id) if current is not None else None
        if target is None:
            target = min(max(row, 0), len(shown) - 1)
        self.select_row(target)

    def count(self) -> int:
        """Open suggestions of every kind."""
        return self._total

    def suggestions(self) -> list[Suggestion]:
        return list(self.model.suggestions)

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.queue.setCurrentIndex(index)
        self.queue.selectRow(row)
        self._show(row)

    def current_suggestion(self) -> Suggestion | None:
        row = self.queue.currentIndex().row()
        if 0 <= row < len(self.model.suggestions):
            return self.model.suggestions[row]
        return None

    def _kind_changed(self, index: int) -> None:
        self._kind = KINDS[index][1]
        self.refresh()

    # ------------------------------------------------------------------ one pair
    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.model.suggestions):
            self.details.setCurrentWidget(self.empty_label)
            return
        suggestion = self.model.suggestions[row]
        self.details.setCurrentWidget(self._page)
        a, b = suggestion.a, suggestion.b
        if suggestion.kind == "paper":
            noun = "papers"
            rows = paper_rows(a, b)
        else:
            noun = "people"
            coauthors = {
                person.id: [other.name for other, _ in self.library.coauthors(person.id)[:6]] for person in (a, b)
            }
            titles = {
                person.id: [p.display_title for p in self.library.list_papers(author_id=person.id, limit=4)]
                for person in (a, b)
            }
            rows = author_rows(a, b, coauthors, titles)
        self.title_label.setText(f"<b>Possibly the same {noun}</b> — score {suggestion.score:.2f}")
        items = "".join(f"<li>{html.escape(reason)}</li>" for reason in suggestion.evidence)
        self.evidence_label.setText(f"Why they were matched:<ul style='margin:0'>{items}</ul>" if items else "")
        left, right = f"Left (#{a.id})", f"Right (#{b.id})"
        self.comparison.set_rows(rows, left, right)
        self.comparison.highlight = _highlight(self.palette())
        self.comparison_view.resizeRowsToContents()
        # Short labels, the titles in tooltips: a radio button never shortens its text, so a whole title here
        # forced the window over a thousand pixels wide and squeezed the queue to a sliver.
        self.keep_left.setText(left)
        self.keep_right.setText(right)
        self.keep_left.setToolTip(f"Keep {_label(a)}")
        self.keep_right.setToolTip(f"Keep {_label(b)}")
        (self.keep_left if default_keep(suggestion) == "a" else self.keep_right).setChecked(True)

    def merge_current(self, _checked: bool = False, *, keep: str | None = None) -> bool:
        """Merge the shown pair into the side chosen (`keep` "a" or "b" overrides the radio buttons)."""
        suggestion = self.current_suggestion()
        if suggestion is None:
            return False
        keep = keep or ("a" if self.keep_left.isChecked() else "b")
        kept, other = (suggestion.a, suggestion.b) if keep == "a" else (suggestion.b, suggestion.a)
        evidence = [*suggestion.evidence, "confirmed in the review queue"]
        if suggestion.kind == "paper":
            command = MergePapersCommand(self.library, kept.id, [other.id], evidence)
        else:
            command = MergeAuthorsCommand(self.library, kept.id, [other.id], evidence)
        command.setText(f"Merge “{_short(_label(other), 40)}” into “{_short(_label(kept), 40)}”")
        undo_stack(self.hub).push(command)
        self.hub.status_message.emit(f"Merged {_short(_label(other), 60)} into {_short(_label(kept), 60)}")
        self.refresh()
        return True

    def mark_current_distinct(self) -> bool:
        """Record the shown pair as different; it is never proposed again (unless the user undoes it)."""
        suggestion = self.current_suggestion()
        if suggestion is None:
            return False
        command = DistinctCommand(self.library, suggestion.kind, suggestion.a.id, suggestion.b.id)
        command.setText(
            f"Not duplicates: “{_short(_label(suggestion.a), 30)}” and “{_short(_label(suggestion.b), 30)}”"
        )
        if not push_command(self.hub, command):
            return False
        self.hub.status_message.emit("Marked as not duplicates; this pair will not be proposed again (Ctrl+Z undoes)")
        self.refresh()
        return True

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
        if change.kind in _RELEVANT_KINDS:
            self._refresh_timer.start()

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.comparison.highlight = _highlight(self.palette())
        super().changeEvent(event)


def _highlight(palette: QPalette) -> QColor:
    """A highlight that reads on light and dark palettes alike: amber, translucent over the base colour."""
    dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
    return QColor(255, 190, 0, 90 if dark else 70)
