"""Reads for the window on a thread of their own, through a connection of their own, of which only the newest
request is answered: what the Authors screen's people reader and the paper table's id reader share.

A request is a plain object with a `generation` and an `error` (a dataclass of the reader's module) that holds
no Qt object: the reading thread may drop the last reference to it. A subclass says how to fill one in
(`_work`, on the reading thread) and how to word a failure (`_failed`); the answer arrives on the interface
thread as the `read` signal, unless a newer request was made meanwhile.

Nothing here knows SQL or Qt widgets: `_work` calls the model API on the reader's own Library.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from PySide6.QtCore import QObject, Signal

from papershelf.gui.hub import LibraryHub
from papershelf.gui.main_thread_gc import collect_on_main_thread
from papershelf.model.library import Library


class NewestReader(QObject):
    """A background reader of one view, owned by the hub and closed with the library."""

    read = Signal(object)  # a request, on the interface thread: the newest request's answer
    _done = Signal(object)  # from the reading thread

    thread_name = "papershelf reader"
    # Whether a new request (or a cancel) interrupts the SQL of an older one being read: it is never shown.
    interrupts = False

    def __init__(self, hub: LibraryHub) -> None:
        # Owned by the hub, as the tag writer is: the reading thread may drop the last Python reference to this
        # object, and a Qt object must never be destroyed there.
        super().__init__(hub)
        self._main_library = hub.library  # read on the reading thread, where the hub (a QObject) is not touched
        self._library: Library | None = None  # the reader's own connection, opened on first use
        self._lock = threading.Lock()
        self._waiting: Any = None  # the newest request not yet started
        self._reading: Any = None  # the request the thread is reading now
        self._thread: threading.Thread | None = None
        self._running = False
        self._generation = 0  # the newest request's (or the newest cancel's)
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

    def submit(self, job: Any) -> int:
        """Read `job` in the background; answers its generation. An earlier request not yet delivered is
        dropped (and interrupted, if the reader `interrupts`)."""
        with self._lock:
            self._generation += 1
            job.generation = self._generation
            self._waiting = job
            self._interrupt_reading()
            start = not self._running
            self._running = True
        if start:
            collect_on_main_thread()  # a collection on the reading thread could free Qt objects there
            self._thread = threading.Thread(target=self._read_waiting, name=self.thread_name, daemon=True)
            self._thread.start()
        return job.generation

    def cancel(self) -> None:
        """Drop every request: none of their answers is wanted any more."""
        with self._lock:
            self._generation += 1
            self._delivered = self._generation
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
        if self.interrupts and self._reading is not None and self._library is not None:
            self._library.conn.interrupt()

    # ------------------------------------------------------------------ the reading thread
    def connection(self) -> Library:
        """The reader's own connection (on the reading thread only), opened the first time it is needed."""
        if self._library is None:
            self._library = self._main_library.reading_connection()
        return self._library

    def _work(self, job: Any) -> None:
        """Fill in `job` (on the reading thread); raise to fail it."""
        raise NotImplementedError

    def _failed(self, error: Exception) -> str:
        """What the view says when `_work` raised `error`."""
        raise NotImplementedError

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
            interrupted = False
            try:
                self._work(job)
            except sqlite3.OperationalError as error:
                # Interrupted: a newer request or a cancel moved the generation on, so nobody wants the answer.
                interrupted = self.interrupts and "interrupt" in str(error)
                job.error = None if interrupted else self._failed(error)
            except Exception as error:  # the view must hear of any failure, not wait for ever
                job.error = self._failed(error)
            with self._lock:
                self._reading = None
            if interrupted:
                continue
            try:
                self._done.emit(job)
            except RuntimeError:
                return  # the hub, and this reader with it, was deleted without closing: nobody waits for it

    # ------------------------------------------------------------------ the interface thread
    def _deliver(self, job: Any) -> None:
        if self._closed or job.generation != self._generation:
            return  # a newer request is on its way, or nobody is listening any more
        self._delivered = job.generation
        self.read.emit(job)
