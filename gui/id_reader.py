"""The rest of a long paper list, read off the interface thread, so a search shows its first screen at once.

A search of a 100,000-paper library can match tens of thousands of papers. Sorting all of them by year and
reading their ids was most of the wait between the typing and the table showing the answer ("benchmark",
35,377 hits: 73 ms for all of them, 40 ms for the first screen). The paper table therefore reads its first
screen itself and asks this reader for the whole list, which a thread reads through a connection of its own;
the table appends the rows past the first screen when they arrive. Only the newest request's answer is
delivered, and a new request interrupts an older one still being read: nobody waits for a list no longer shown.

Nothing here knows SQL or Qt widgets: the thread (gui/newest_reader.py's) calls `Library.paper_ids` with plain
keyword arguments.
"""

from __future__ import annotations

import sqlite3
import traceback
from dataclasses import dataclass
from typing import Any

from papershelf.gui.newest_reader import NewestReader
from papershelf.model.search import QueryError


@dataclass(eq=False)
class IdRead:
    """One request: `Library.paper_ids(**arguments)`, answered in `ids` (or `error`) by the reading thread.
    Holds no Qt object: the reading thread may drop the last reference to it."""

    generation: int
    arguments: dict[str, Any]
    ids: list[int] | None = None
    error: str | None = None


class IdReader(NewestReader):
    """A paper table's background reader of whole id lists; closed with the library."""

    thread_name = "papershelf id reader"
    interrupts = True

    def request(self, arguments: dict[str, Any]) -> int:
        """Read `Library.paper_ids(**arguments)` in the background; answers the request's generation. An
        earlier request is dropped, and interrupted if it is being read."""
        return self.submit(IdRead(0, dict(arguments)))

    def _work(self, job: IdRead) -> None:
        job.ids = self.connection().paper_ids(**job.arguments)

    def _failed(self, error: Exception) -> str:
        if not isinstance(error, (QueryError, sqlite3.Error)):
            traceback.print_exc()  # a bug: the table reads the list itself instead, and the log says why
        return f"{type(error).__name__}: {error}"
