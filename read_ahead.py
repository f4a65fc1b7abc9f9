"""Reading a big file on the machine's other core while this one stores what was read.

`streamed(produce)` gives the items of the iterator `produce()` makes, in order. Where it can, a forked child
process runs that iterator and sends its items through a pipe, a few hundred at a time, so an import writes
the first records to the library while the child is still reading the file for the later ones. On two
cores a 10,000-entry .bib imports in about four fifths of the time, a 100,000-entry one in about 85%.

The child must not touch anything the importing process owns. It never uses the SQLite connection it
inherits (SQLite forbids that across fork: locks are per process), never prints, and leaves with os._exit, so
nothing of the parent's (buffered output, atexit handlers, the connection's finaliser) runs twice. `produce`
must be pure: it reads what the parent held when the child was forked, and what it changes stays in the
child. Nothing the child does can change the result: if it fails, dies or raises, `produce()` is run again
here and its items from the first one not received are given (the same items, and the same error where the
child met one, only later). No fork while other threads run (the window imports in a worker thread; a fork
copies only the calling thread, and whatever locks the others hold stay locked in the child), nor where the
system has none, nor with PAPERSHELF_READ_AHEAD=0: the items are then made here, as they are taken.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import signal
import struct
import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

try:
    import fcntl
except ImportError:  # Windows: no fork either, so never used
    fcntl = None  # type: ignore[assignment]

T = TypeVar("T")

# Items per pickled chunk: big enough that a chunk's pickling costs little beside its items, small enough that
# the first one arrives at once (256 records of a .bib take about 50 ms to make).
CHUNK = 256
# The first chunks are smaller, doubling up to CHUNK (16, 32, ...): the importing process, idle until the first
# one comes, starts on 16 records instead of waiting for 256.
FIRST_CHUNK = 16
ENV = "PAPERSHELF_READ_AHEAD"
_HEADER = struct.Struct("<q")  # a chunk's length in bytes, before its pickle
_LONGEST = 1 << 30  # longer than any chunk (a few MB): a length beyond it was damaged
_END = pickle.dumps(None)  # the last chunk: every item was sent


def can_fork() -> bool:
    """True where a child may be forked: the system has fork, this process runs one thread, and the user has
    not turned reading ahead off."""
    return hasattr(os, "fork") and threading.active_count() == 1 and os.environ.get(ENV, "1") != "0"


@contextlib.contextmanager
def streamed(produce: Callable[[], Iterator[T]], *, chunk: int | None = None) -> Iterator[Iterator[T]]:
    """The items of `produce()`, in order, made by a forked child where possible (`chunk` at a time, CHUNK
    by default). Leaving the block ends the child, whether or not every item was taken."""
    if not can_fork():
        yield produce()
        return
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no memory or too many processes: made here
        os.close(read_end)
        os.close(write_end)
        yield produce()
        return
    if pid == 0:  # the child: never returns
        _child(read_end, write_end, produce, chunk or CHUNK)
    os.close(write_end)
    if fcntl is not None:
        with contextlib.suppress(OSError, AttributeError):  # room for a few chunks: the child need not wait
            fcntl.fcntl(read_end, fcntl.F_SETPIPE_SZ, 1 << 20)
    ahead = _Received(produce, read_end, pid)
    try:
        yield ahead.items()
    finally:
        ahead.end()


def _child(read_end: int, write_end: int, produce: Callable[[], Iterator[T]], chunk: int) -> None:
    status = 1
    try:
        os.close(read_end)
        # Ctrl-C reaches the whole process group: the parent handles it, and ends this child.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        items: list[T] = []
        size = min(FIRST_CHUNK, chunk)
        for item in produce():
            items.append(item)
            if len(items) >= size:
                _send(write_end, pickle.dumps(items, pickle.HIGHEST_PROTOCOL))
                items = []
                size = min(size * 2, chunk)
        if items:
            _send(write_end, pickle.dumps(items, pickle.HIGHEST_PROTOCOL))
        _send(write_end, _END)
        status = 0
    except BaseException:  # whatever went wrong, the parent makes the rest itself (and meets the same error)
        pass
    finally:
        os._exit(status)


def _send(fd: int, data: bytes) -> None:
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


class _Received(Generic[T]):
    """The importing process's side: the child's items, then, if it stopped short, the rest made here."""

    def __init__(self, produce: Callable[[], Iterator[T]], fd: int, pid: int) -> None:
        self.produce, self.fd, self.pid = produce, fd, pid
        self.pipe = io.FileIO(fd, "r", closefd=False)

    def items(self) -> Iterator[T]:
        received = 0
        while True:
            chunk = self._chunk()
            if chunk is None:  # the child stopped short: made here, from the first item not received
                self.end()
                for index, item in enumerate(self.produce()):
                    if index >= received:
                        yield item
                return
            if not chunk:  # the end
                return
            yield from chunk
            received += len(chunk)

    def _chunk(self) -> list[T] | None:
        """The next chunk: [] at the end, None if the child ended without sending it (or sent it damaged)."""
        header = self._exactly(_HEADER.size)
        if header is None:
            return None
        size = _HEADER.unpack(header)[0]
        if not 0 <= size <= _LONGEST:  # a damaged length
            return None
        data = self._exactly(size)
        if data is None:
            return None
        try:
            chunk = pickle.loads(data)
        except Exception:  # damaged: the child is not to be trusted
            return None
        return [] if chunk is None else chunk

    def _exactly(self, size: int) -> bytearray | None:
        """The next `size` bytes from the pipe, read straight into one buffer (reading into a growing buffer and
        copying each chunk out of it was a quarter of taking the chunks); None if the pipe ends first."""
        data = bytearray(size)
        view = memoryview(data)
        got = 0
        while got < size:
            try:
                count = self.pipe.readinto(view[got:])
            except OSError:
                count = 0
            if not count:
                return None
            got += count
        return data

    def end(self) -> None:
        if self.pid:
            with contextlib.suppress(OSError):  # gone already
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self.pid = 0
            os.close(self.fd)
