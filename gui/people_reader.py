"""Reading the Authors screen's people off the interface thread, so a large library's list never freezes the window.

With 20,000 papers and 58,000 people, reading everyone with their paper counts and sorting them takes about half
a second: far too long for the interface thread (issue 15 asks for blocks under 100 ms). A thread reads them
through a connection of its own and hands the sorted list back; only the newest request's answer is delivered,
so a search typed while an earlier one is still being read never shows the older result.

Nothing here knows SQL or Qt widgets: the thread calls the model API and sorts plain `AuthorRow` tuples (the
thread itself is gui/newest_reader.py's).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from papershelf.gui.newest_reader import NewestReader
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


class PeopleReader(NewestReader):
    """The Authors screen's background reader; one per screen, closed with the library."""

    thread_name = "papershelf people reader"

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
        job = PeopleRead(0, query, sort, sorter)
        if authors is not None:
            job.authors, job.sort_only = list(authors), True
        return self.submit(job)

    # ------------------------------------------------------------------ the reading thread
    def _work(self, job: PeopleRead) -> None:
        if not job.sort_only:
            read = self.connection().list_authors(job.query or None, order_by=None)
            job.authors = [AuthorRow.of(author) for author in read]
            del read  # the Authors are freed here, not on the interface thread
        job.sorter(job.authors, job.sort)

    def _failed(self, error: Exception) -> str:
        if isinstance(error, QueryError):
            return f"Cannot search for that: {error}"
        traceback.print_exc()
        return f"Could not read the people: {error}"
