"""Making a big file's records on the machine's other core while this one stores them.

`made_ahead(count, make)` gives make(0), make(1) ... make(count - 1) in order. Where it can, a forked child
process makes them from the front and sends them through a pipe, a few hundred at a time, while the importing
process writes the ones it has. Whenever the importing process would wait for the child, it makes a few
hundred itself, taken from the back of what the child has not started: neither core idles, whichever side is
faster. On two cores a 10,000-entry .bib imports in about four fifths of the time (docs/benchmarks.md).

The child must not touch anything the importing process owns. It never uses the SQLite connection it
inherits (SQLite forbids that across fork: locks are per process), never prints, and leaves with os._exit, so
nothing of the parent's (buffered output, atexit handlers, the connection's finaliser) runs twice. `make` must
be pure: it reads what the parent held when the child was forked, and what it changes stays in the child.
Nothing the child does can change the result: if it fails or dies, the records it has not sent are made here
(the same records, only later). No fork while other threads run (the window imports in a worker thread; a
fork copies only the calling thread, and whatever locks the others hold stay locked in the child), nor where
the system has none, nor with PAPERSHELF_READ_AHEAD=0: the records are then made here, one by one.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import pickle
import select
import signal
import struct
import threading
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

try:
    import fcntl
except ImportError:  # Windows: no fork either, so never used
    fcntl = None  # type: ignore[assignment]

T = TypeVar("T")

# Records per pickled chunk: big enough that a chunk's pickling costs little beside its records, small enough
# that the first one arrives at once (256 records of a .bib take about 50 ms to make).
CHUNK = 256
ENV = "PAPERSHELF_READ_AHEAD"
_HEADER = struct.Struct("<q")  # a chunk's length in bytes, before its pickle
_SHARED = struct.Struct("<qq")  # the child's next record, and the end of the records it may take
_LOCK_WAIT_S = 10.0  # the child holds the lock for a few instructions: longer means it died holding it


def can_fork() -> bool:
    """True where a child may be forked: the system has fork, this process runs one thread, and the user has
    not turned reading ahead off."""
    return hasattr(os, "fork") and threading.active_count() == 1 and os.environ.get(ENV, "1") != "0"


@contextlib.contextmanager
def made_ahead(count: int, make: Callable[[int], T], *, chunk: int | None = None) -> Iterator[Iterator[T]]:
    """An iterator of make(i) for i in 0..count-1, in order, made by a forked child and by this process
    together where possible (`chunk` records at a time, CHUNK by default). Leaving the block ends the child,
    whether or not every record was taken."""
    chunk = chunk or CHUNK
    if count <= chunk or not can_fork():
        yield (make(i) for i in range(count))
        return
    import multiprocessing  # only here: 20 ms of a command line's start

    shared = mmap.mmap(-1, _SHARED.size)  # anonymous and shared: the child sees what this process writes
    _SHARED.pack_into(shared, 0, 0, count)
    lock = multiprocessing.get_context("fork").Lock()
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no memory or too many processes: made here
        os.close(read_end)
        os.close(write_end)
        shared.close()
        yield (make(i) for i in range(count))
        return
    if pid == 0:  # the child: never returns
        _child(read_end, write_end, shared, lock, make, chunk)
    os.close(write_end)
    with contextlib.suppress(OSError, AttributeError):  # room for a few chunks: the child need not wait for us
        fcntl.fcntl(read_end, fcntl.F_SETPIPE_SZ, 1 << 20)
    ahead = _Ahead(count, make, chunk, read_end, shared, lock, pid)
    try:
        yield ahead.records()
    finally:
        ahead.end()


def _child(read_end: int, write_end: int, shared: mmap.mmap, lock: Any, make: Callable[[int], T], chunk: int) -> None:
    status = 1
    try:
        os.close(read_end)
        # Ctrl-C reaches the whole process group: the parent handles it, and ends this child.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        while True:
            with lock:
                start, limit = _SHARED.unpack_from(shared, 0)
                if start >= limit:
                    break
                end = min(start + chunk, limit)
                _SHARED.pack_into(shared, 0, end, limit)
            data = pickle.dumps([make(i) for i in range(start, end)], pickle.HIGHEST_PROTOCOL)
            _write_all(write_end, _HEADER.pack(len(data)) + data)
        status = 0
    except BaseException:  # whatever went wrong, the parent makes the rest itself
        pass
    finally:
        os._exit(status)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class _Ahead(Generic[T]):
    """The importing process's side: the child's records from the front, its own from the back."""

    def __init__(
        self, count: int, make: Callable[[int], T], chunk: int, fd: int, shared: mmap.mmap, lock: Any, pid: int
    ) -> None:
        self.count, self.make, self.chunk = count, make, chunk
        self.fd, self.shared, self.lock, self.pid = fd, shared, lock, pid
        self.buffer = bytearray()
        self.eof = False  # the child has closed its end of the pipe
        self.alive = True  # the child may still send records
        self.stolen: list[tuple[int, list[T]]] = []  # (first index, records) made here, from the back

    def records(self) -> Iterator[T]:
        done = 0  # records given so far
        while done < self.count:
            items = self._next_chunk(done)
            yield from items
            done += len(items)

    def _next_chunk(self, done: int) -> list[T]:
        """The records from `done` on that are ready, waiting for them or making others meanwhile."""
        while True:
            if self.stolen and self.stolen[-1][0] == done:  # the child's part is over: ours, in order
                return self.stolen.pop()[1]
            if not self.alive:
                end = self.stolen[-1][0] if self.stolen else self.count
                return [self.make(i) for i in range(done, min(done + self.chunk, end))]
            items = self._receive(block=False)
            if items is not None:
                return items
            if self.alive and not self._steal():
                items = self._receive(block=True)
                if items is not None:
                    return items

    def _receive(self, *, block: bool) -> list[T] | None:
        """The child's next chunk: None when none is ready (or, blocking, when the child is gone). What the
        pipe holds is read first in any case: a full pipe would stop the child."""
        self._drain()
        while True:
            if len(self.buffer) >= _HEADER.size:
                size = _HEADER.unpack_from(self.buffer, 0)[0]
                if len(self.buffer) >= _HEADER.size + size:
                    data = bytes(self.buffer[_HEADER.size : _HEADER.size + size])
                    del self.buffer[: _HEADER.size + size]
                    try:
                        return pickle.loads(data)
                    except Exception:  # a damaged chunk: the child is not to be trusted
                        self._lost()
                        return None
            if self.eof:  # the child ended before sending all it took
                self._lost()
                return None
            if not block:
                return None
            self._read()

    def _drain(self) -> None:
        while not self.eof and select.select([self.fd], [], [], 0)[0]:
            self._read()

    def _read(self) -> None:
        try:
            data = os.read(self.fd, 1 << 20)
        except OSError:
            data = b""
        if data:
            self.buffer += data
        else:
            self.eof = True

    def _steal(self) -> bool:
        """Make the last chunk the child has not taken; False when it has taken every one."""
        if not self.lock.acquire(timeout=_LOCK_WAIT_S):
            self._lost()
            return True
        try:
            start, limit = _SHARED.unpack_from(self.shared, 0)
            if limit <= start:
                return False
            first = max(start, limit - self.chunk)
            _SHARED.pack_into(self.shared, 0, start, first)
        finally:
            self.lock.release()
        self.stolen.append((first, [self.make(i) for i in range(first, limit)]))
        return True

    def _lost(self) -> None:
        """The child is gone or untrustworthy: this process makes whatever it has not sent."""
        self.alive = False
        self.end()

    def end(self) -> None:
        if self.pid:
            with contextlib.suppress(OSError):  # gone already
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self.pid = 0
            os.close(self.fd)
            self.shared.close()
