"""One QObject that carries the library's changes to every view, so no view polls or refreshes blindly.

It also notices commits by other processes (a terminal import) through SQLite's data_version. No SQL here.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from papershelf.model.library import Library
from papershelf.model.types import Change


class LibraryHub(QObject):
    """Owns the open Library for the interface thread and re-emits what changed."""

    changed = Signal(object)  # a model.types.Change; views refresh only what it names
    author_requested = Signal(int)  # somebody asked to show an author page
    paper_requested = Signal(int)  # somebody asked to show a paper
    review_requested = Signal()  # somebody asked for the review queue (the import report's "Review now")
    status_message = Signal(str)
    closing = Signal()  # the library is about to close: finish writing (the background tag writer listens)

    def __init__(self, library: Library, parent: QObject | None = None, *, watch_interval_ms: int = 1500) -> None:
        super().__init__(parent)
        self.library = library
        self._unsubscribe = library.subscribe(self._on_change)
        self._data_version = library.data_version()
        # The Change being handed to the views right now (None between changes): a view reached twice by one
        # change (directly, and through the table re-announcing its selection) can show it once.
        self.delivering: Change | None = None
        self._watch = QTimer(self)
        self._watch.setInterval(watch_interval_ms)
        self._watch.timeout.connect(self.check_external_changes)
        if watch_interval_ms > 0:
            self._watch.start()

    def _on_change(self, change: Change) -> None:
        # data_version never moves for this connection's own commits, so it must not be re-read here: doing so
        # would take another process's commit made just before ours as already seen.
        outer, self.delivering = self.delivering, change
        try:
            self.changed.emit(change)
        finally:
            self.delivering = outer

    def check_external_changes(self) -> bool:
        """Emit a library-wide change when another process committed since we last looked."""
        if self.library.closed:
            # A timer tick can still arrive after the window's library was closed; there is nothing to watch.
            self._watch.stop()
            return False
        version = self.library.data_version()
        if version != self._data_version:
            self._data_version = version
            self.changed.emit(Change("library", description="changed by another program"))
            return True
        return False

    def own_commits_seen(self) -> None:
        """This window committed through a connection of its own (the background tag writer) and has told its
        views what changed: the data_version move that causes is not another program's change."""
        self._data_version = self.library.data_version()

    def close(self) -> None:
        self.closing.emit()
        self._watch.stop()
        self._unsubscribe()
        # The undo steps are Python objects owned by a C++ stack: deleted now, while both sides are alive. Left
        # to the collector, the stack's destructor could run after the commands' Python halves were freed.
        stack = self.findChild(QUndoStack, "papershelf-undo")
        if stack is not None:
            stack.clear()
