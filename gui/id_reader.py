"""The rest of a long paper list, read off the interface thread, so a search shows its first screen at once.

A search of a 100,000-paper library can match tens of thousands of papers. Sorting all of them by year and
reading their ids was most of the wait between the typing and the table showing the answer ("benchmark",
35,377 hits: 73 ms for all of them, 40 ms for the first screen). The paper table therefore reads its first
screen itself and asks this reader for the whole list, which a thread reads through a connection of its own;
the table appends the rows past the first screen when they arrive. Only the newest request's answer is
delivered, and a new request interrupts an older one still being read: nobody waits for a list no longer shown.

Nothing here knows SQL or Qt widgets: the thread calls `Library.paper_ids` with plain keyword arguments.
"""

from __future__ import annotations

import sqlite3
import threading
import traceback
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from papershelf.gui.hub import LibraryHub
from papershelf.gui.main_thread_gc import collect_on_main_thread
from papershelf.model.library import Library
from papershelf.model.search import QueryError


@dataclass(eq=False)
class IdRead:
    """One request: `Library.paper_ids(**arguments)`, answered in `ids` (or `error`) by the reading thread.
    Holds no Qt object: the reading thread may drop the last reference to it."""

    generation: int
    arguments: dict[str, Any]
    ids: list[int] | None = None
    error: str | None = None


class IdReader(QObject):
    """A paper table's background reader of whole id lists; closed with the library."""

    read = Signal(object)  # an IdRead, on the interface thread: the newest request's answer
    _done = Signal(object)  # from the reading thread

    def __init__(self, hub: LibraryHub) -> None:
        # Owned by the hub, as the tag writer is: the reading thread may drop the last Python reference to this
        # object, and a Qt object must never be destroyed there.
        super().__init__(hub)
        self._main_library = hub.library  # read on the reading thread, where the hub (a QObject) is not touched
        self._library: Library | None = None  # the reader's own connection, opened on first use
        self._lock = threading.Lock()
        self._waiting: IdRead | None = None  # the newest request not yet started
        self._reading: IdRead | None = None  # the request the thread is reading now
        self._thread: threading.Thread | None = None
        self._running = False
        self._generation = 0  # the newest request's (or the newest cancel's)
        self._closed = False
        self._done.connect(self._deliver)
        hub.closing.connect(self.close)

    @staticmethod
    def can_read_behind(library: Library) -> bool:
        """Whether a second connection can read this library (any file; not one in memory)."""
        return str(library.path) != ":memory:" and not library.closed

    def request(self, arguments: dict[str, Any]) -> int:
        """Read `Library.paper_ids(**arguments)` in the background; answers the request's generation. An
        earlier request is dropped, and interrupted if it is being read."""
        with self._lock:
            self._generation += 1
            job = IdRead(self._generation, dict(arguments))
            self._waiting = job
            self._interrupt_reading()
            start = not self._running
            self._running = True
        if start:
            collect_on_main_thread()  # a collection on the reading thread could free Qt objects there
            self._thread = threading.Thread(target=self._read_waiting, name="papershelf id reader", daemon=True)
            self._thread.start()
        return job.generation

    def cancel(self) -> None:
        """Drop every request: the table read the whole list itself, or shows another one."""
        with self._lock:
            self._generation += 1
            self._waiting = None
            self._interrupt_reading()

    def close(self) -> None:
        """Stop delivering, end a read in progress, close the reader's connection (the library is closing)."""
        self._closed = True
        self.cancel()
        thread = self._thread
        if thread is not None:
            thread.join()
        if self._library is not None:
            self._library.close()
            self._library = None

    def _interrupt_reading(self) -> None:
        # Called under the lock, after the generation moved on: whatever the thread is reading is outdated.
        # SQLite interrupts only the statements running at that moment, never a later request's.
        if self._reading is not None and self._library is not None:
            self._library.conn.interrupt()

    # ------------------------------------------------------------------ the reading thread
    def _read_waiting(self) -> None:
        while True:
            with self._lock:
                job = self._waiting
                self._waiting = None
                self._reading = job
                if job is None or self._closed:
                    self._reading = None
                    self._running = False
                    return
            try:
                if self._library is None:
                    self._library = self._main_library.reading_connection()
                job.ids = self._library.paper_ids(**job.arguments)
            except sqlite3.OperationalError as error:
                # Interrupted: a newer request or a cancel bumped the generation, so the answer is not wanted.
                job.error = "interrupted" if "interrupt" in str(error) else str(error)
            except QueryError as error:
                job.error = str(error)
            except Exception as error:  # the table must hear of any failure, not wait for ever
                traceback.print_exc()
                job.error = f"{type(error).__name__}: {error}"
            with self._lock:
                self._reading = None
            if job.error == "interrupted":
                continue
            try:
                self._done.emit(job)
            except RuntimeError:
                return  # the hub, and this reader with it, was deleted without closing: nobody waits for it

    # ------------------------------------------------------------------ the interface thread
    def _deliver(self, job: IdRead) -> None:
        if self._closed or job.generation != self._generation:
            return  # a newer request is on its way, or nobody is listening any more
        self.read.emit(job)
