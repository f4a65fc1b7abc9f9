"""Search as you type: one line over everything, with `author:` `title:` `tag:` `venue:` `year:2019..2021` filters.

A query the model cannot read shows its hint under the line (model.search.QueryError); it never opens a dialog
and never reaches the table. The bar only checks and announces queries: the table runs them.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from papershelf.gui.colours import muted_colour, warning_colour
from papershelf.model.search import QueryError, advice, compile_query

TYPING_DELAY_MS = 180
# A query that cannot run is only called out once typing has paused this long: `title:"layer` and `year:20` are
# on their way to valid queries, and a warning flashing (and the list greying) at every keystroke was noise.
ERROR_DELAY_MS = 1200
SEARCH_HELP = (
    "Search titles, abstracts, authors, tags, notes and venues as you type.\n"
    "Filters: author:lin  title:transformer  tag:to-read  venue:acl  year:2019..2021  year:2020  "
    'year:..2018\nQuote phrases: title:"layer norm".  Esc clears.'
)


def check_query(text: str) -> str | None:
    """None when the query can run, else the hint to show."""
    if not text.strip():
        return None
    try:
        compile_query(text)
    except QueryError as error:
        return str(error)
    return None


class SearchBar(QWidget):
    """The search line and, under it, a hint when what was typed cannot be searched yet."""

    search_changed = Signal(str)  # a query that can run ("" for no search)
    refused = Signal(str)  # what is typed cannot run; the hint says why (the list still shows the last search)
    leave_down = Signal()  # Down in the line: the user wants to move into the results

    def __init__(self, parent: QWidget | None = None, *, delay_ms: int = TYPING_DELAY_MS) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.line = QLineEdit(self)
        self.line.setPlaceholderText("Search  (author:  title:  tag:  venue:  year:2019..2021)")
        self.line.setClearButtonEnabled(True)
        self.line.setToolTip(SEARCH_HELP)
        layout.addWidget(self.line)
        self.hint = QLabel(self)
        self.hint.setObjectName("search-hint")
        self.hint.setWordWrap(True)
        self.hint.hide()
        layout.addWidget(self.hint)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(lambda: self.apply(typing=True))
        self._error_timer = QTimer(self)
        self._error_timer.setSingleShot(True)
        self._error_timer.setInterval(ERROR_DELAY_MS)
        self._error_timer.timeout.connect(lambda: self.apply())
        self.line.textChanged.connect(self._typed)
        self.line.returnPressed.connect(lambda: self.apply())
        escape = QShortcut(QKeySequence("Esc"), self.line)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(self.clear)
        self._last_emitted: str | None = None
        self.line.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.line and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down:
            self.apply()  # the results of what is typed now, not of the query before the pause
            self.leave_down.emit()
            return True
        return super().eventFilter(watched, event)

    def text(self) -> str:
        return self.line.text()

    def set_text(self, text: str, *, apply: bool = True) -> None:
        self.line.setText(text)
        if apply:
            self.apply()

    def clear(self) -> None:
        self.line.clear()
        self.apply()

    def focus(self) -> None:
        """Ctrl+F: put the cursor in the search line with its text selected for overtyping."""
        self.line.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.line.selectAll()

    def _typed(self, _text: str) -> None:
        self._timer.start()
        self._error_timer.stop()

    def apply(self, *, typing: bool = False) -> None:
        """Check what is typed now: announce it if it can run, else show why not. A phrase whose closing quote
        is still to come runs as if closed; while `typing` (the short pause between keystrokes) any other
        problem waits for a longer pause (ERROR_DELAY_MS) before it is shown."""
        self._timer.stop()
        self._error_timer.stop()
        text = self.line.text().strip()
        problem = check_query(text)
        if problem:
            closed = text + ('"' if text.count('"') % 2 else "'")
            if check_query(closed) is None:
                text, problem = closed, None  # a phrase being typed searches as far as it goes
            elif typing:
                self._error_timer.start()
                return
            else:
                self.refuse(problem)
                return
        note = advice(text) if text else None
        if note:
            self.show_hint(note, warning=False)
        else:
            self.show_hint(None)
        if text != self._last_emitted:
            self._last_emitted = text
            self.search_changed.emit(text)

    def refuse(self, message: str) -> None:
        """Show why what is typed cannot run, and say so (the window marks the list as not matching it)."""
        self.show_hint(message)
        # Once the query runs again it must be announced, even if it is the one that ran before the refusal.
        self._last_emitted = None
        self.refused.emit(message)

    def show_hint(self, message: str | None, *, warning: bool = True) -> None:
        """Show (or with None, hide) a hint under the line; also used when the table refuses a query. A
        warning means the query did not run; otherwise the hint is advice about results that are shown."""
        if not message:
            self.hint.hide()
            self.hint.clear()
            return
        colour = warning_colour(self.palette()) if warning else muted_colour(self.palette())
        self.hint.setStyleSheet(f"color: {colour};")
        self.hint.setText(f"⚠ {message}" if warning else f"ⓘ {message}")
        self.hint.show()

    def hint_text(self) -> str:
        return "" if self.hint.isHidden() else self.hint.text()

    def forget_last(self) -> None:
        """Make the next apply announce the query even if it is unchanged (after the view changed)."""
        self._last_emitted = None
