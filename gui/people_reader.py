"""Reading the Authors screen's people off the interface thread, so a large library's list never freezes the window.

With 20,000 papers and 58,000 people, reading everyone with their paper counts and sorting them takes about half
a second: far too long for the interface thread (issue 15 asks for blocks under 100 ms). A thread reads them
through a connection of its own and hands the sorted list back; only the newest request's answer is delivered,
so a search typed while an earlier one is still being read never shows the older result.

Nothing here knows SQL or Qt widgets: the thread calls the model API and sorts plain `AuthorRow` tuples.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from PySide6.QtCore import QObject, Signal

from papershelf.gui.hub import LibraryHub
from papershelf.gui.main_thread_gc import collect_on_main_thread
from papershelf.model.library import Library
from papershelf.model.search import QueryError
from papershelf.model.types import Author

SortSpec = tuple[int, bool]  # (column, descending)


class AuthorRow(NamedTuple):
    """One line of the Authors list: an `Author` without what the list does not show. A tuple rather than the
    dataclass with its two lists: 58,000 people were 175,000 objects for the interface thread's garbage
    collector to walk after each read (about 60 ms), as tuples a third of that."""

    id: int
    name: str
    given: str
    family: str
    variants: tuple[str, ...]
    paper_count: int

    @classmethod
    def of(cls, author: Author) -> AuthorRow:
        return cls(author.id, author.name, author.given, author.family, tuple(author.variants), author.paper_count)


@dataclass(eq=False)
class PeopleRead:
    """One request: the people matching `query`, sorted by `sorter` as `sort` says; filled in by the reading
    thread. Holds no Qt object: the reading thread may drop the last reference to it."""

    generation: int
    query: str | None
    sort: SortSpec
    sorter: Callable[[list[AuthorRow], SortSpec], None]
    authors: list[AuthorRow] = field(default_factory=list)
    sort_only: bool = False  # `authors` are given: they need sorting, not reading
    error: str | None = None


class PeopleReader(QObject):
    """The Authors screen's background reader; one per screen, closed with the library."""

    read = Signal(object)  # a PeopleRead, on the interface thread: the newest request's answer
    _done = Signal(object)  # from the reading thread

    def __init__(self, hub: LibraryHub) -> None:
        # Owned by the hub, as the tag writer is: the reading thread may drop the last Python reference to this
        # object, and a Qt object must never be destroyed there.
        super().__init__(hub)
        self._main_library = hub.library  # read on the reading thread, where the hub (a QObject) is not touched
        self._library: Library | None = None  # the reader's own connection, opened on first use
        self._lock = threading.Lock()
        self._waiting: PeopleRead | None = None  # the newest request not yet started
        self._thread: threading.Thread | None = None
        self._running = False
        self._generation = 0  # the newest request's
        self._delivered = 0  # the newest request whose answer reached the interface thread (or was dropped)
        self._closed = False
        self._done.connect(self._deliver)
        hub.closing.connect(self.close)

    @staticmethod
    def can_read_behind(library: Library) -> bool:
        """Whether a second connection can read this library (any file; not one in memory)."""
        return str(library.path) != ":memory:" and not library.closed

    def busy(self) -> bool:
        """Whether the newest request's answer is still to come."""
        return self._delivered != self._generation

    def request(
        self,
        query: str | None,
        sort: SortSpec,
        sorter: Callable[[list[AuthorRow], SortSpec], None],
        *,
        authors: list[AuthorRow] | None = None,
    ) -> int:
        """Read the people matching `query` in the background, or only sort `authors` when they are given (a
        click on a column header); answers the request's generation. An earlier request that has not been
        delivered yet is dropped."""
        self._generation += 1
        job = PeopleRead(self._generation, query, sort, sorter)
        if authors is not None:
            job.authors, job.sort_only = list(authors), True
        with self._lock:
            self._waiting = job
            start = not self._running
            self._running = True
        if start:
            collect_on_main_thread()  # a collection on the reading thread could free Qt objects there
            self._thread = threading.Thread(target=self._read_waiting, name="papershelf people reader", daemon=True)
            self._thread.start()
        return job.generation

    def close(self) -> None:
        """Stop delivering, let a read in progress end, close the reader's connection (the library is closing)."""
        self._closed = True
        self._delivered = self._generation
        with self._lock:
            self._waiting = None
        thread = self._thread
        if thread is not None:
            thread.join()
        if self._library is not None:
            self._library.close()
            self._library = None

    # ------------------------------------------------------------------ the reading thread
    def _read_waiting(self) -> None:
        while True:
            with self._lock:
                job = self._waiting
                self._waiting = None
                if job is None or self._closed:
                    self._running = False
                    return
            try:
                if not job.sort_only:
                    if self._library is None:
                        self._library = self._main_library.reading_connection()
                    read = self._library.list_authors(job.query or None, order_by=None)
                    job.authors = [AuthorRow.of(author) for author in read]
                    del read  # the Authors are freed here, not on the interface thread
                job.sorter(job.authors, job.sort)
            except QueryError as error:
                job.error = f"Cannot search for that: {error}"
            except Exception as error:  # the window must hear of any failure, not wait for ever
                traceback.print_exc()
                job.error = f"Could not read the people: {error}"
            try:
                self._done.emit(job)
            except RuntimeError:
                return  # the hub, and this reader with it, was deleted without closing: nobody waits for it

    # ------------------------------------------------------------------ the interface thread
    def _deliver(self, job: PeopleRead) -> None:
        if self._closed or job.generation != self._generation:
            return  # a newer request is on its way, or nobody is listening any more
        self._delivered = job.generation
        self.read.emit(job)
