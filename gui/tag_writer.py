"""Tag writes on large selections, off the interface thread, in the order they were asked for (issue 15).

Tagging 20,000 papers is a write of a fifth of a second or more (every paper's updated_at is stamped), too long
for the interface thread. The window shows such a change at once instead (the paper table lays the pending
tags over its rows, see `pending`) while a thread writes it through a connection of its own, one job at a time,
each job one transaction. When a job is written its Changes reach the window's views as if the window had made
them. Jobs run in the order they were submitted, so an undo always follows what it undoes; every other change
made through the undo stack waits for the queue first (`wait_for_tag_writes`), and so does closing the library.

Nothing here knows SQL or the table: jobs call the model API on the connection they are given.
"""

from __future__ import annotations

import sqlite3
import threading
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from papershelf.gui.hub import LibraryHub
from papershelf.gui.main_thread_gc import collect_on_main_thread
from papershelf.model.library import Library, LibraryError
from papershelf.model.types import Change

_NAME = "papershelf-tag-writer"


@dataclass(frozen=True)
class PendingTag:
    """A tag being added to (or removed from) these papers and not written yet."""

    tag: str
    paper_ids: frozenset[int]
    adding: bool


@dataclass(eq=False)
class TagJob:
    """One write: `work` runs on the writer's thread with the writer's own Library and opens its transaction;
    `finished` runs on the interface thread with the Changes it committed, or the error. Neither may hold a Qt
    object: the writer's thread may drop the last reference to them."""

    description: str
    work: Callable[[Library], object]
    pending: PendingTag | None = None
    finished: Callable[[list[Change], str | None], object] | None = None
    changes: list[Change] = field(default_factory=list)
    error: str | None = None
    written: threading.Event = field(default_factory=threading.Event)
    handled: bool = False


class TagWriter(QObject):
    """The queue of background tag writes of one library window; one per hub, see `tag_writer`."""

    pending_changed = Signal()  # the tags shown over the table's rows changed (a job was queued or written)
    written = Signal()  # the last queued job was written and its changes delivered: nothing is pending
    _job_written = Signal(object)  # from the writing thread: a TagJob is done

    def __init__(self, hub: LibraryHub) -> None:
        super().__init__(hub)
        self.setObjectName(_NAME)
        self.hub = hub
        self._lock = threading.Lock()
        self._queue: deque[TagJob] = deque()  # jobs not yet started, shared with the writing thread
        self._unfinished: list[TagJob] = []  # queued or being written, oldest first (interface thread only)
        self._running = False
        self._thread: threading.Thread | None = None
        self._main_library = hub.library  # read on the writing thread, where the hub (a QObject) is not touched
        self._library: Library | None = None  # the writer's own connection, opened on first use
        self._job_written.connect(self._deliver)
        hub.closing.connect(self.close)

    # ------------------------------------------------------------------ asked by the window
    @staticmethod
    def can_write_behind(library: Library) -> bool:
        """Whether a second connection can write this library (a file, not one in memory or read-only)."""
        return not library.read_only and str(library.path) != ":memory:"

    def pending(self) -> list[PendingTag]:
        """The tag changes queued or being written, oldest first: what the table shows over its rows."""
        return [job.pending for job in self._unfinished if job.pending is not None]

    def busy(self) -> bool:
        return bool(self._unfinished)

    def submit(self, job: TagJob) -> None:
        """Queue a write; it starts at once unless earlier ones are still being written."""
        self._unfinished.append(job)
        with self._lock:
            self._queue.append(job)
            start = not self._running
            self._running = True
        if start:
            collect_on_main_thread()  # a collection on the writer's thread could free Qt objects there
            self._thread = threading.Thread(target=self._write_queue, name="papershelf tag writer", daemon=True)
            self._thread.start()
        if job.pending is not None:
            self.pending_changed.emit()

    def wait_idle(self) -> None:
        """Block until every queued job is written and its changes delivered (the interface thread only)."""
        while self._unfinished:
            job = self._unfinished[0]
            job.written.wait()
            self._deliver(job)
        thread = self._thread
        if thread is not None:
            thread.join()

    def close(self) -> None:
        """Write what is queued, then close the writer's connection (the library is closing)."""
        self.wait_idle()
        if self._library is not None:
            self._library.close()
            self._library = None

    # ------------------------------------------------------------------ the writing thread
    def _write_queue(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    self._running = False
                    return
                job = self._queue.popleft()
            self._write(job)
            job.written.set()
            self._job_written.emit(job)

    def _write(self, job: TagJob) -> None:
        collected: list[Change] = []
        try:
            if self._library is None:
                self._library = self._main_library.another_connection()
            unsubscribe = self._library.subscribe(collected.append)
            try:
                job.work(self._library)
            finally:
                unsubscribe()
            job.changes = collected
        except (LibraryError, sqlite3.Error) as error:
            job.error = str(error)
        except Exception as error:  # a bug must not kill the thread silently and leave the queue stuck
            traceback.print_exc()
            job.error = f"{type(error).__name__}: {error}"

    # ------------------------------------------------------------------ back on the interface thread
    def _deliver(self, job: TagJob) -> None:
        if job.handled:
            return  # `wait_idle` delivered it before the queued signal arrived
        job.handled = True
        self._unfinished.remove(job)
        if job.pending is not None:
            self.pending_changed.emit()
        library = self.hub.library
        for change in job.changes:
            library.record_change(change)
        if job.changes:
            # Our own commits, made through the writer's connection: not "changed by another program".
            self.hub.own_commits_seen()
        if job.error is not None:
            self.hub.status_message.emit(f"Could not save “{job.description}”: {job.error}; nothing was changed")
        if job.finished is not None:
            job.finished(job.changes, job.error)
        if not self._unfinished:
            self.written.emit()


def tag_writer(hub: LibraryHub) -> TagWriter:
    """The background tag writer of this library's window: created on first use, owned by the hub."""
    writer = hub.findChild(TagWriter, _NAME)
    return writer if writer is not None else TagWriter(hub)


def wait_for_tag_writes(hub: LibraryHub) -> None:
    """Let queued tag writes finish before another change, so changes reach the library in the order made."""
    writer = hub.findChild(TagWriter, _NAME)
    if writer is not None:
        writer.wait_idle()
