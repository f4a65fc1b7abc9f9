"""The Library: one SQLite file opened through sqlite-utils, and the model API every other layer uses.

All SQL lives in model/. Callers get dataclasses (model/types.py) and `Change` descriptions, never rows.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import json
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papershelf.model import schema
from papershelf.model.common import LibraryError, now
from papershelf.model.search_rows import CONTRIBUTOR_FIELDS, refresh_paper_rows
from papershelf.model.types import (
    EDITABLE_FIELDS,
    Author,
    AuthorRef,
    BibBlock,
    BibField,
    Change,
    Paper,
    ProfileInfo,
    SelectionSummary,
    Source,
    SourceClaim,
    Tag,
)

if TYPE_CHECKING:
    import sqlite_utils

# How long a write waits for another connection's write transaction before it is refused (seconds). The
# environment variable is a hook for tests, which cannot wait 30 s to see a lock outlast it.
BUSY_TIMEOUT_ENV = "PAPERSHELF_BUSY_TIMEOUT"
DEFAULT_BUSY_TIMEOUT = 30.0


def busy_timeout() -> float:
    try:
        seconds = float(os.environ.get(BUSY_TIMEOUT_ENV, DEFAULT_BUSY_TIMEOUT))
    except ValueError:
        return DEFAULT_BUSY_TIMEOUT
    return seconds if seconds >= 0 else DEFAULT_BUSY_TIMEOUT


def _is_busy(error: sqlite3.Error) -> bool:
    name = getattr(error, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


_PAPER_COLUMNS = (
    "id, title, year, date, date_inferred, venue, entry_type, abstract, arxiv_id, doi, comments, journal_ref,"
    " category, url, volume, number, pages, publisher, links, authors_complete, note, citekey, added_at,"
    " updated_at, deleted_at, remarks, has_code, bib_type, bib_fields"
)
# A .bib entry type or field name as BibTeX and biber accept it (letters first; digits, `-`, `_`, `:` after).
_BIB_NAME = re.compile(r"[a-z][a-z0-9_:.+-]{0,63}")
_TAG_COLOURS = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7")

# Orders a paper list may be sorted by, mapped to SQL; the table view uses these for a sorted query.
# Not in the trash and not merged into another paper, read from the indexes that lead with those columns (few
# papers are either): the same papers as the "all" view's clause, without reading any paper's row.
_NOT_DEAD = (
    "p.id NOT IN (SELECT id FROM papers WHERE deleted_at IS NOT NULL UNION ALL "
    "SELECT id FROM papers WHERE deleted_at IS NULL AND merged_into IS NOT NULL)"
)

SORT_COLUMNS = {
    "title": "COALESCE(p.title, '~') COLLATE NOCASE",
    "year": "p.year",
    "venue": "p.venue COLLATE NOCASE",
    "added": "p.added_at",
    "updated": "p.updated_at",
    "authors": "(SELECT as_written FROM authorships a WHERE a.paper_id = p.id AND a.position = 0) COLLATE NOCASE",
    "citekey": "p.citekey",
    # Untagged papers last: the first tag name, '~' for none (sorts after letters and digits).
    "tags": "COALESCE((SELECT min(t.name) FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id"
    " WHERE pt.paper_id = p.id), '~') COLLATE NOCASE",
    "id": "p.id",
}


# The index of each sort order over the live papers (schema: papers_live_*), for `_walk_sort_index`: ordered
# as SORT_COLUMNS orders, then by id (an index's rows of one value are in rowid order).
_SORT_INDEXES = {
    "title": "papers_live_title",
    "year": "papers_live_year",
    "venue": "papers_live_venue",
    "added": "papers_live_added",
    "citekey": "papers_live_citekey",
}
# A walk reads at most this many papers per row wanted (and at least _WALK_LEAST): a filter kept by fewer than
# one paper in 15 has few enough hits to sort them all (a walk that fails costs a second reading of them).
_WALK_PER_ROW = 15
_WALK_LEAST = 1000
# A condition on the paper's row other than its id (`p.year >= ?`): the walk reads ids only.
_OTHER_COLUMN = re.compile(r"\bp\.(?!id\b)\w+")


def _create_whole(path: Path) -> bool:
    """Make a new library at `path` as a whole: built and migrated under a name of its own beside it, then
    linked into place, which never replaces a file. Another process creating the same library at the same time
    (two imports started together) thus never sees a half-made file, and whichever links first wins; the other
    opens the winner's library. True if this call made the library at `path`.

    Where the file system has no hard links nothing is left at `path`: the caller then creates the library in
    place, where the migration steps' own re-check under the write lock keeps two processes apart."""
    staging = path.with_name(f".{path.name}.new-{os.getpid()}-{threading.get_ident()}")
    try:
        connection = sqlite3.connect(staging, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            schema.migrate(connection, 0)
        finally:
            connection.close()  # the last connection folds its -wal into the file and removes it
        try:
            os.link(staging, path)
        except OSError:  # FileExistsError: another process was first; others: no hard links here
            return False
        return True
    except sqlite3.Error as error:
        raise LibraryError(f"a new library could not be created at {path} ({error})") from None
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                staging.with_name(staging.name + suffix).unlink()


def tag_name(typed: str) -> str:
    """The tag a user's text names. NUL characters are left out: the tags' case-insensitive comparison (NOCASE)
    stops at the first NUL, so "a\0x" and "a\0y" would be one tag and the second would silently get the
    first's name."""
    return typed.replace("\x00", "").strip()


class Library:
    """An open library file. Thread-affine like sqlite3: open one per thread that needs it."""

    def __init__(self, connection: sqlite3.Connection, path: Path, *, read_only: bool = False) -> None:
        self.conn = connection
        self.path = path
        self.read_only = read_only
        self.closed = False
        self.read_only_reason: str | None = None  # set when the file or folder is not writable
        self.created = False  # this opening made the library (a new file, or an empty one filled with the schema)
        self.notices: list[str] = []  # what the user should be told about this opening (read-only, backup failed)
        self._listeners: list[Callable[[Change], None]] = []
        self._pending: list[Change] = []
        self._depth = 0
        self._lock = threading.RLock()
        # Set by a caller that may wait for another writer as long as it takes (the command line): called once,
        # with the library's path, when a write has waited `busy_notice_after` seconds for another Papershelf;
        # the write then waits on, without bound, instead of being refused after the busy timeout. None (the
        # window, which writes on its interface thread) keeps the bounded wait and its clear refusal.
        self.on_busy_wait: Callable[[Path], None] | None = None
        self.busy_notice_after = 2.0

    @functools.cached_property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils over our connection, for the one-row changes (settings, tags, the lookup cache,
        auto-exports): inside our BEGIN IMMEDIATE it nests with SAVEPOINTs, so it never commits half an operation.
        The bulk paths of an import stay plain executemany: insert_all measured 2.5x slower there, on the hottest
        loop we have. Made on first use: importing sqlite-utils (and dateutil, click and pluggy with it) takes
        90 ms, a fifth of a command line's start, and most commands never write a setting or a tag."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False, create: bool = True, backup: bool = True) -> Library:
        """Open (and if needed create and migrate) the library at `path`. With `backup` False the daily automatic
        backup is left to the caller (the window makes it in the background once it is on screen)."""
        path = Path(path).expanduser()
        if path.exists() and path.is_dir():
            raise LibraryError(f"{path} is a folder, not a library file")
        from papershelf.model import integrity

        reason = None
        created = False
        if not path.exists():
            if read_only or not create:
                raise LibraryError(f"there is no library at {path}")
            integrity.refuse_silent_restart(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            created = _create_whole(path)
        # (Still missing after _create_whole only on a file system without hard links: made in place below.)
        if path.exists():
            # Checked read-only before any writing connection exists: a damaged file is moved aside, a file of
            # another program or of a newer Papershelf is refused with its bytes untouched.
            state = integrity.check_on_open(path, move_damaged=not read_only)
            if state.version > schema.SCHEMA_VERSION:
                raise LibraryError(
                    f"{path} was written by a newer Papershelf (library version {state.version}, this one knows up "
                    f"to {schema.SCHEMA_VERSION}); it was not changed. Please update Papershelf to open it."
                )
            reason = state.read_only_reason
            read_only = read_only or reason is not None
        try:
            if read_only:
                connection = integrity.connect_read_only(path)
                connection.isolation_level = None
            else:
                connection = sqlite3.connect(
                    path, timeout=busy_timeout(), isolation_level=None, check_same_thread=False
                )
            connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout() * 1000)}")
            version = connection.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as error:
            raise LibraryError(f"{path} is not a Papershelf library or is damaged ({error})") from None
        if version > schema.SCHEMA_VERSION:
            connection.close()
            raise LibraryError(
                f"{path} was written by a newer Papershelf (library version {version}, this one knows up to "
                f"{schema.SCHEMA_VERSION}); it was not changed. Please update Papershelf to open it."
            )
        library = cls(connection, path, read_only=read_only)
        if reason:
            library.read_only_reason = reason
            library.notices.append(f"the library {path} is open read-only: {reason}; nothing can be changed")
        if not read_only:
            with contextlib.suppress(sqlite3.OperationalError):
                connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("PRAGMA foreign_keys = ON")
            ran = library._migrate(version)
            # A file other processes are creating at the same moment is made by whichever runs the first step;
            # the later steps may fall to any of them (each takes the write lock on its own).
            library.created = created or 1 in ran
            if backup:
                library._backup_if_due()
        elif version < schema.SCHEMA_VERSION:
            connection.close()
            raise LibraryError(f"{path} needs an upgrade, which a read-only library cannot have")
        return library

    def another_connection(self) -> Library:
        """The same library through a connection of its own, for a worker thread of the process that has it
        open (the window's background tag writer). The file was checked and migrated when it was opened, so
        none of that runs again: `open`'s check could even take a file in use for a damaged one."""
        if self.read_only or str(self.path) == ":memory:":
            raise LibraryError(f"{self.path} cannot be written through a second connection")
        connection = sqlite3.connect(self.path, timeout=busy_timeout(), isolation_level=None, check_same_thread=False)
        connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout() * 1000)}")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("PRAGMA foreign_keys = ON")
        return type(self)(connection, self.path)

    def reading_connection(self) -> Library:
        """The same library through a connection of its own that only reads, for a worker thread of the
        window (the Authors screen reads its people there). Unlike `another_connection` a read-only library
        can have one too: it is opened read-only, as the file itself was."""
        if str(self.path) == ":memory:":
            raise LibraryError("a library in memory cannot be read through a second connection")
        if not self.read_only:
            return self.another_connection()
        from papershelf.model import integrity

        return type(self)(integrity.connect_read_only(self.path), self.path, read_only=True)

    @classmethod
    def memory(cls) -> Library:
        """A library in memory, for tests and previews."""
        connection = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        library = cls(connection, Path(":memory:"))
        connection.execute("PRAGMA foreign_keys = ON")
        library._migrate(0)
        return library

    def _migrate(self, version: int) -> list[int]:
        """Bring the file to SCHEMA_VERSION; returns the versions of the steps this call ran (another process
        may have run some)."""
        if version == schema.SCHEMA_VERSION:
            return []
        saved = None
        if version > 0 and self.path.name != ":memory:":
            from papershelf.model.backup import backup_before_migration

            try:
                saved = backup_before_migration(self, version)
            except (LibraryError, sqlite3.Error, OSError) as error:
                self.close()
                raise LibraryError(
                    f"{self.path} needs an upgrade but could not be backed up first ({error}); it was not changed"
                ) from None
            from papershelf.model.integrity import inspect

            if inspect(saved).version != version:
                # Another Papershelf upgraded the file between our reading its version and our copy: the copy
                # is of the upgraded library, not from before the upgrade (that process kept its own), and
                # the steps below find their work done.
                saved.unlink(missing_ok=True)
                saved = None
        try:
            return schema.migrate(self.conn, version)
        except sqlite3.Error as error:
            self.close()
            kept = f"; a copy from before the upgrade is at {saved}" if saved else ""
            raise LibraryError(
                f"upgrading {self.path} from library version {version} failed ({error}); it was left at version "
                f"{version}{kept}"
            ) from None

    def _backup_if_due(self) -> None:
        """The rolling automatic backup (at most once a day); a failure is told, never fatal to opening."""
        from papershelf.model.backup import backup_if_due

        try:
            backup_if_due(self)
        except (LibraryError, sqlite3.Error, OSError) as error:
            self.notices.append(f"the automatic backup of {self.path} failed: {error}")

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        self.closed = True
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ transactions and change signals
    @contextlib.contextmanager
    def bulk_journal(self) -> Iterator[bool]:
        """Around one big write transaction: SQLite's rollback journal instead of the write-ahead log, when no
        other connection has the library open (yields whether it did).

        In WAL mode every page of a big import is written twice, to the -wal file and again when it is folded
        into the library at the commit; a rollback journal keeps only the pages the import changes in place, so
        the new pages of an import are written once (100,000 .bib entries: about 5 s of 38). Crash safety is
        the same (a killed import is rolled back from its journal on the next open), with synchronous = FULL
        while it lasts. The cost: a program that opens the library during such an import waits for it, as a
        second writer always does, instead of reading the library as it was. So it is only tried with nobody
        else connected, without waiting: otherwise the import keeps the write-ahead log.
        """
        conn = self.conn
        with self._lock:
            if self.read_only or self._depth or str(self.path) == ":memory:":
                yield False
                return
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                yield False
                return
            wait = conn.execute("PRAGMA busy_timeout").fetchone()[0]
            conn.execute("PRAGMA busy_timeout = 0")
            try:
                mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
            except sqlite3.OperationalError:  # another connection has the library open
                mode = "wal"
            finally:
                conn.execute(f"PRAGMA busy_timeout = {int(wait)}")
            if mode != "delete":
                yield False
                return
            synchronous = conn.execute("PRAGMA synchronous").fetchone()[0]
            conn.execute("PRAGMA synchronous = FULL")
            try:
                yield True
            finally:
                conn.execute(f"PRAGMA synchronous = {int(synchronous)}")
                # Back to the write-ahead log; should another program have opened the library meanwhile and hold
                # it, the library stays in rollback mode, equally safe, until it is next opened.
                with contextlib.suppress(sqlite3.OperationalError):
                    conn.execute("PRAGMA journal_mode = WAL")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (nested calls join the outer one); listeners hear of changes after commit."""
        if self.read_only:
            why = f" ({self.read_only_reason})" if self.read_only_reason else ""
            raise LibraryError(f"{self.path} is open read-only{why}; nothing can be changed")
        with self._lock:
            outer = self._depth == 0
            if outer:
                self._begin()
            self._depth += 1
            try:
                yield self.conn
            except BaseException as error:
                self._depth -= 1
                if outer:
                    self._abandon()
                    if isinstance(error, sqlite3.Error):
                        self._raise_storage_error(error)
                raise
            self._depth -= 1
            if outer:
                try:
                    self.conn.execute("COMMIT")
                except sqlite3.Error as error:
                    self._abandon()
                    self._raise_storage_error(error)
                pending, self._pending = self._pending, []
        if outer:
            for change in pending:
                self._notify(change)

    def _begin(self) -> None:
        """BEGIN IMMEDIATE: take the write lock, waiting for another writer (see `on_busy_wait`)."""
        waiting = self.on_busy_wait
        if waiting is None:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as error:
                self._raise_storage_error(error)
            return
        normal = int(busy_timeout() * 1000)
        # A short first wait: most locks are a window saving a note. Then the user is told, once, and the
        # write keeps waiting for the other writer (an import of a big page holds the lock for a minute).
        self.conn.execute(f"PRAGMA busy_timeout = {int(min(self.busy_notice_after * 1000, normal))}")
        told = False
        try:
            while True:
                try:
                    self.conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.Error as error:
                    if not _is_busy(error):
                        self._raise_storage_error(error)
                if not told:
                    told = True
                    waiting(self.path)
                    # Each later try waits at least a second inside SQLite: the loop never spins.
                    self.conn.execute(f"PRAGMA busy_timeout = {max(normal, 1000)}")
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {normal}")

    def _abandon(self) -> None:
        # SQLite already rolls back by itself after some errors (disk full, I/O): a second ROLLBACK would fail
        # and hide the real error, so roll back only what is still open.
        self._pending.clear()
        if self.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    def _raise_storage_error(self, error: sqlite3.Error) -> None:
        """Disk full, busy, read-only, I/O: a LibraryError the user can act on. Other errors are bugs: re-raised."""
        from papershelf.model.integrity import explain_storage_error

        message = explain_storage_error(error)
        if message is None:
            raise error
        raise LibraryError(f"the library {self.path} could not be written: {message}; the change was not saved")

    def subscribe(self, listener: Callable[[Change], None]) -> Callable[[], None]:
        """Call `listener` with every committed Change; returns a function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _notify(self, change: Change) -> None:
        for listener in list(self._listeners):
            listener(change)

    def record_change(self, change: Change) -> Change:
        """Queue a change for the listeners; it is delivered when the transaction commits."""
        if self._depth:
            self._pending.append(change)
        else:
            self._notify(change)
        return change

    def data_version(self) -> int:
        """Changes when another connection (another window, a terminal import) commits."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    # ------------------------------------------------------------------ settings
    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction():
            self.db["settings"].upsert({"key": key, "value": json.dumps(value)}, pk="key")

    # ------------------------------------------------------------------ papers: reading
    def _view_clause(self, view: str) -> str:
        return {
            "all": "p.deleted_at IS NULL AND p.merged_into IS NULL",
            # The 200 newest, whichever order they are then shown in (a LIMIT after ORDER BY title would give
            # the first 200 titles instead).
            "recent": "p.deleted_at IS NULL AND p.merged_into IS NULL AND p.id IN (SELECT id FROM papers WHERE"
            " deleted_at IS NULL AND merged_into IS NULL ORDER BY added_at DESC, id DESC LIMIT 200)",
            "incomplete": "p.deleted_at IS NULL AND p.merged_into IS NULL AND (p.title IS NULL OR"
            " p.authors_complete = 0 OR p.year IS NULL)",
            "trash": "p.deleted_at IS NOT NULL AND p.merged_into IS NULL",
            # A page reader doubted it (pipeline: extra["check_me"] in a claim) and the user has not yet said
            # it is right. A newer capture rewrites the claim, so a doubt the page no longer raises goes away.
            "check": "p.deleted_at IS NULL AND p.merged_into IS NULL AND p.id IN (SELECT paper_id FROM claims"
            " WHERE json_extract(record, '$.extra.check_me') IS NOT NULL) AND p.id NOT IN"
            " (SELECT paper_id FROM checked_papers)",
        }[view]

    def paper_ids(
        self,
        *,
        query: str | None = None,
        tag: str | None = None,
        author_id: int | None = None,
        source_id: int | None = None,
        view: str = "all",
        order_by: str = "added",
        descending: bool = False,
        limit: int | None = None,
    ) -> list[int]:
        """Ids of the papers a view shows, sorted in SQL: the table model fetches rows for these lazily."""
        from papershelf.model.search import compile_query, full_text_ids

        only_a_search = tag is None and author_id is None and source_id is None
        if query and query.strip() and view == "all" and order_by == "added" and only_a_search:
            # A search in the order papers were added: straight from the full-text index (model/search.py).
            found = full_text_ids(self, self.conn, query, descending=descending, limit=limit)
            if found is not None:
                return found
        where = [self._view_clause(view)]
        params: list[Any] = []
        if query and query.strip():
            clause, query_params = compile_query(query, self.conn)
            where.append(clause)
            params.extend(query_params)
        if tag is not None:
            where.append(
                "p.id IN (SELECT pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id WHERE t.name = ?)"
            )
            params.append(tag)
        if author_id is not None:
            where.append(
                "p.id IN (SELECT paper_id FROM authorships WHERE author_id = ? "
                "UNION SELECT paper_id FROM implied_authors WHERE author_id = ?)"
            )
            params.extend([author_id, author_id])
        if source_id is not None:
            where.append("p.id IN (SELECT paper_id FROM claims WHERE source_id = ?)")
            params.append(source_id)
        if limit is not None and view == "all" and len(where) > 1:
            walked = self._walk_sort_index(where[1:], params, order_by, descending, int(limit))
            if walked is not None:
                return walked
        table = "papers p"
        by_id = any("p.id" in clause for clause in where[1:])  # a search, tag, person or source: hits by id
        if by_id and view == "all" and order_by == "year":
            # The window's default order. A filter's hits (often tens of thousands for a common word) are sorted
            # by the years of the narrow (id, year) index instead of each hit's long row, and the few papers in
            # the trash or merged away are left out by their own index: "benchmark" at 100,000 papers, 35,377
            # hits, 47 -> 29 ms.
            where[0] = _NOT_DEAD
            table = "papers p INDEXED BY papers_id_year"
        elif len(where) > 1:
            # A filtered list starts from its filter (the search index, a tag, a person) and sorts what it finds;
            # only a whole view walks a sort index (schema: papers_live_*). The unary + keeps SQLite from taking
            # the second way for the first, where it would test every paper of the library against the filter.
            where[0] = where[0].replace("p.deleted_at", "+p.deleted_at").replace("p.merged_into", "+p.merged_into")
        if view == "recent" and order_by == "added":
            descending = True
        order = SORT_COLUMNS.get(order_by, SORT_COLUMNS["added"])
        direction = "DESC" if descending else "ASC"
        tail = f" ORDER BY {order} {direction}, p.id {direction}" + (
            f" LIMIT {int(limit)}" if limit is not None else ""
        )
        sql = f"SELECT p.id FROM {table} WHERE {' AND '.join(where)}{tail}"
        # One string of ids instead of a row object per paper: a quarter less time for 100,000 ids. The rows
        # reach group_concat in the subquery's order (an aggregate over an ordered subquery is not flattened).
        try:
            text = self.conn.execute(f"SELECT group_concat(id) FROM ({sql})", params).fetchone()[0]
        except sqlite3.OperationalError:
            if table == "papers p":
                raise
            # A filter SQLite cannot answer through the (id, year) index ("no query solution"), or a library
            # opened read-only before its upgrade added it: the plain form.
            where[0] = self._view_clause(view).replace("p.deleted_at", "+p.deleted_at")
            where[0] = where[0].replace("p.merged_into", "+p.merged_into")
            sql = f"SELECT p.id FROM papers p WHERE {' AND '.join(where)}{tail}"
            text = self.conn.execute(f"SELECT group_concat(id) FROM ({sql})", params).fetchone()[0]
        return list(map(int, text.split(","))) if text else []

    def _walk_sort_index(
        self, filters: list[str], params: list[Any], order_by: str, descending: bool, limit: int
    ) -> list[int] | None:
        """The first `limit` live papers passing `filters` in `order_by` order, found by walking the first
        papers of that order's index and keeping those that pass; None when too few of them pass (a rare filter:
        sorting its hits is then cheap) or a filter needs more of the row than its id.

        Sorting every hit to show the first screen cost most of a common word's search in a large library
        ("ablation" at 100,000 papers, 26,909 hits, by year: 19 ms), while a walk stops as soon as the screen
        is full (5.7 ms, most of it reading the word's hits once)."""
        index = _SORT_INDEXES.get(order_by)
        if index is None or any(_OTHER_COLUMN.search(clause) for clause in filters):
            return None
        order = SORT_COLUMNS[order_by]
        direction = "DESC" if descending else "ASC"
        walk = max(limit * _WALK_PER_ROW, _WALK_LEAST)
        sql = (
            f"SELECT p.id FROM (SELECT p.id AS id FROM papers p INDEXED BY {index} WHERE p.deleted_at IS NULL "
            f"AND p.merged_into IS NULL ORDER BY {order} {direction}, p.id {direction} LIMIT {walk}) AS p "
            f"WHERE {' AND '.join(filters)} LIMIT {limit}"
        )
        try:
            # The walked rows reach group_concat in the index's order, as in `paper_ids`.
            text = self.conn.execute(f"SELECT group_concat(id) FROM ({sql})", params).fetchone()[0]
        except sqlite3.OperationalError:
            return None  # a file without the index (opened read-only before an upgrade): sort the hits instead
        ids = list(map(int, text.split(","))) if text else []
        return ids if len(ids) == limit else None

    def count_papers(self, view: str = "all") -> int:
        return self.conn.execute(f"SELECT count(*) FROM papers p WHERE {self._view_clause(view)}").fetchone()[0]

    def get_papers(self, ids: Sequence[int]) -> list[Paper]:
        """The papers with these ids, in the order given (missing ids are skipped); no provenance."""
        if not ids:
            return []
        if len(ids) < _MANY_PAPERS:
            return self._read_papers(ids)
        with _no_cycle_collection():
            return self._read_papers(ids)

    def _read_papers(self, ids: Sequence[int]) -> list[Paper]:
        found: dict[int, Paper] = {}
        refs: dict[tuple[int, str], AuthorRef] = {}  # frozen, so one per person and spelling is shared
        people: dict[int, tuple[str, str, str]] = {}
        for chunk_start in range(0, len(ids), 500):
            chunk = list(ids[chunk_start : chunk_start + 500])
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(f"SELECT {_PAPER_COLUMNS} FROM papers WHERE id IN ({marks})", chunk):
                found[row[0]] = _paper_from_row(row)
            self._fill_authors(found, chunk, marks, refs, people)
            for paper_id, name in self.conn.execute(
                f"SELECT pt.paper_id, t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id "
                f"WHERE pt.paper_id IN ({marks}) ORDER BY t.name COLLATE NOCASE",
                chunk,
            ):
                found[paper_id].tags.append(name)
            for paper_id, field in self.conn.execute(
                f"SELECT paper_id, field FROM paper_edits WHERE paper_id IN ({marks})", chunk
            ):
                found[paper_id].edited_fields.append(field)
            for key, paper_id in self.conn.execute(
                f"SELECT key, paper_id FROM citekey_aliases WHERE paper_id IN ({marks}) ORDER BY rowid", chunk
            ):
                found[paper_id].key_aliases.append(key)
        return [found[i] for i in ids if i in found]

    def _fill_authors(
        self,
        found: dict[int, Paper],
        chunk: list[int],
        marks: str,
        refs: dict[tuple[int, str], AuthorRef],
        people: dict[int, tuple[str, str, str]],
    ) -> None:
        # The people are read once each (`people`, shared by the chunks), not joined to every authorship: a
        # whole-library read meets the same few thousand people on 270,000 authorships, and each join row made
        # three new strings.
        rows = self.conn.execute(
            f"SELECT paper_id, author_id, as_written FROM authorships WHERE paper_id IN ({marks}) "
            f"ORDER BY paper_id, position",
            chunk,
        ).fetchall()
        self._read_people({author_id for _paper_id, author_id, _as_written in rows}, people)
        for paper_id, author_id, as_written in rows:
            ref = refs.get((author_id, as_written))
            if ref is None:
                ref = refs[(author_id, as_written)] = AuthorRef(
                    author_id, people[author_id][0], as_written, people[author_id][1], people[author_id][2]
                )
            found[paper_id].authors.append(ref)
        for paper_id, author_id, name, given, family in self.conn.execute(
            f"SELECT DISTINCT i.paper_id, i.author_id, a.display_name, a.given, a.family "
            f"FROM implied_authors i JOIN authors a ON a.id = i.author_id WHERE i.paper_id IN ({marks}) "
            f"AND i.author_id NOT IN (SELECT author_id FROM authorships WHERE paper_id = i.paper_id)",
            chunk,
        ):
            found[paper_id].extra_authors.append(AuthorRef(author_id, name, name, given, family))

    def _read_people(self, author_ids: set[int], people: dict[int, tuple[str, str, str]]) -> None:
        """Display name, given and family of the people not yet in `people`."""
        missing = [author_id for author_id in author_ids if author_id not in people]
        for start in range(0, len(missing), 500):
            part = missing[start : start + 500]
            for author_id, name, given, family in self.conn.execute(
                f"SELECT id, display_name, given, family FROM authors WHERE id IN ({','.join('?' * len(part))})",
                part,
            ):
                people[author_id] = (name, given, family)

    def get_paper(self, paper_id: int) -> Paper:
        """One paper with its provenance: which sources listed it and what each said."""
        papers = self.get_papers([paper_id])
        if not papers:
            raise LibraryError(f"there is no paper with id {paper_id}")
        paper = papers[0]
        paper.sources = [
            SourceClaim(source_id, file, fmt, line, json.loads(record), imported_at, path or "")
            for source_id, file, fmt, line, record, imported_at, path in self.conn.execute(
                "SELECT s.id, s.file, s.format, c.line, c.record, s.imported_at, s.path FROM claims c "
                "JOIN sources s ON s.id = c.source_id WHERE c.paper_id = ? ORDER BY c.id",
                (paper_id,),
            )
        ]
        return paper

    def list_papers(self, **filters: Any) -> list[Paper]:
        """Papers matching the same filters as `paper_ids`, with authors and tags (no provenance)."""
        ids = filters.pop("ids", None)
        if ids is not None:
            return self.get_papers(list(ids))
        return self.get_papers(self.paper_ids(**filters))

    def iter_papers(self, ids: Sequence[int], batch: int = 2000) -> Iterator[Paper]:
        for start in range(0, len(ids), batch):
            yield from self.get_papers(ids[start : start + batch])

    def paper_by_key(self, key: str) -> Paper | None:
        row = self.conn.execute(
            "SELECT id FROM papers WHERE citekey = ? UNION SELECT paper_id FROM citekey_aliases WHERE key = ?",
            (key, key),
        ).fetchone()
        return self.get_paper(row[0]) if row else None

    def find_paper_by_identifier(self, *, arxiv_id: str | None = None, doi: str | None = None) -> int | None:
        if arxiv_id:
            row = self.conn.execute(
                "SELECT id FROM papers WHERE arxiv_id = ? AND merged_into IS NULL ORDER BY deleted_at IS NOT NULL",
                (arxiv_id,),
            ).fetchone()
            if row:
                return row[0]
        if doi:
            row = self.conn.execute(
                "SELECT id FROM papers WHERE doi = ? COLLATE NOCASE AND merged_into IS NULL", (doi,)
            ).fetchone()
            if row:
                return row[0]
        return None

    # ------------------------------------------------------------------ authors: reading
    def list_authors(self, query: str | None = None, *, order_by: str | None = "name") -> list[Author]:
        """Authors with their paper counts; `query` matches any of their names (prefix, accent-blind).
        `order_by` None leaves them in no particular order, for a caller that sorts them itself (the Authors
        screen): walking the name index to read 58,000 people in order took longer than Python's sort."""
        params: list[Any] = []
        where = "a.merged_into IS NULL"
        if query and query.strip():
            from papershelf.model.search import author_match_expression

            expression = author_match_expression(query)
            if expression:
                where += " AND a.id IN (SELECT rowid FROM authors_fts WHERE authors_fts MATCH ?)"
                params.append(expression)
        order = (
            "paper_count DESC, a.family COLLATE NOCASE"
            if order_by == "papers"
            else ("a.family COLLATE NOCASE, a.given COLLATE NOCASE" if order_by is not None else "")
        )
        if params:
            # A search matches a few people: their counts one by one.
            count = """(SELECT count(*) FROM (SELECT s.paper_id FROM authorships s JOIN papers p ON p.id = s.paper_id
                   WHERE s.author_id = a.id AND p.deleted_at IS NULL AND p.merged_into IS NULL
                 UNION SELECT i.paper_id FROM implied_authors i JOIN papers p ON p.id = i.paper_id
                   WHERE i.author_id = a.id AND p.deleted_at IS NULL AND p.merged_into IS NULL))"""
            source = "authors a"
        else:
            # Everyone: all counts in one pass over the authorships. Per person (a temporary set each) the first
            # Authors screen of a 20,000-paper library with 58,000 people waited about a second.
            count = "COALESCE(c.n, 0)"
            source = """authors a LEFT JOIN (SELECT x.author_id, count(DISTINCT x.paper_id) AS n FROM (
                    SELECT s.author_id, s.paper_id FROM authorships s JOIN papers p ON p.id = s.paper_id
                      WHERE p.deleted_at IS NULL AND p.merged_into IS NULL
                    UNION ALL SELECT i.author_id, i.paper_id FROM implied_authors i JOIN papers p ON p.id = i.paper_id
                      WHERE p.deleted_at IS NULL AND p.merged_into IS NULL) x GROUP BY x.author_id) c
                ON c.author_id = a.id"""
        rows = self.conn.execute(
            f"""SELECT a.id, a.display_name, a.given, a.family, a.note, {count} AS paper_count
                FROM {source} WHERE {where} {"ORDER BY " + order if order else ""}""",
            params,
        ).fetchall()
        authors = {row[0]: Author(row[0], row[1], row[2], row[3], [], row[5], row[4]) for row in rows}
        if authors:
            for author_id, name in self.conn.execute(
                "SELECT author_id, name FROM author_variants ORDER BY author_id, rowid"
            ):
                author = authors.get(author_id)
                if author and name != author.name and name not in author.variants:
                    author.variants.append(name)
        return [authors[row[0]] for row in rows]

    def get_author(self, author_id: int) -> Author:
        author_id = self.resolve_author(author_id)
        row = self.conn.execute(
            "SELECT id, display_name, given, family, note FROM authors WHERE id = ?", (author_id,)
        ).fetchone()
        if not row:
            raise LibraryError(f"there is no author with id {author_id}")
        author = Author(row[0], row[1], row[2], row[3], note=row[4])
        author.variants = [
            name
            for (name,) in self.conn.execute(
                "SELECT name FROM author_variants WHERE author_id = ? ORDER BY rowid", (author_id,)
            )
            if name != author.name
        ]
        author.paper_count = len(self.paper_ids(author_id=author_id))
        author.profiles = [
            ProfileInfo(
                source_id=r[0],
                file=r[1],
                position=r[2],
                affiliation=r[3],
                bio=r[4],
                interests=tuple(json.loads(r[5])),
                email=r[6],
                address=r[7],
                h_index=r[8],
                citation_count=r[9],
                paper_count=r[10],
                links=tuple(json.loads(r[11])),
            )
            for r in self.conn.execute(
                "SELECT s.id, s.file, p.position, p.affiliation, p.bio, p.interests, p.email, p.address, "
                "p.h_index, p.citation_count, p.paper_count, p.links FROM profiles p "
                "JOIN sources s ON s.id = p.source_id WHERE p.author_id = ? ORDER BY s.imported_at",
                (author_id,),
            )
        ]
        return author

    def resolve_author(self, author_id: int) -> int:
        """Follow merges: the id that now stands for a possibly merged author."""
        seen = set()
        while author_id not in seen:
            seen.add(author_id)
            row = self.conn.execute("SELECT merged_into FROM authors WHERE id = ?", (author_id,)).fetchone()
            if not row or row[0] is None:
                return author_id
            author_id = row[0]
        return author_id

    def find_authors(self, name: str) -> list[Author]:
        """Authors any of whose names folds to the same key as `name`, or whose names contain it."""
        from papershelf.model.names import parse_name

        key = parse_name(name).key
        ids = [
            row[0]
            for row in self.conn.execute(
                "SELECT DISTINCT v.author_id FROM author_variants v JOIN authors a ON a.id = v.author_id "
                "WHERE (v.name_key = ? OR v.name = ? COLLATE NOCASE) AND a.merged_into IS NULL",
                (key, name),
            )
        ]
        if not ids:
            return self.list_authors(name)
        return [self.get_author(i) for i in ids]

    def coauthors(self, author_id: int) -> list[tuple[Author, int]]:
        """People who share papers with this author, most shared first."""
        rows = self.conn.execute(
            """WITH mine AS (SELECT paper_id FROM authorships WHERE author_id = :a
                             UNION SELECT paper_id FROM implied_authors WHERE author_id = :a),
               live AS (SELECT m.paper_id FROM mine m JOIN papers p ON p.id = m.paper_id
                        WHERE p.deleted_at IS NULL AND p.merged_into IS NULL),
               theirs AS (SELECT s.author_id, s.paper_id FROM authorships s JOIN live USING (paper_id)
                          UNION SELECT i.author_id, i.paper_id FROM implied_authors i JOIN live USING (paper_id))
               SELECT author_id, count(*) AS shared FROM theirs WHERE author_id != :a
               GROUP BY author_id ORDER BY shared DESC, author_id""",
            {"a": author_id},
        ).fetchall()
        names = (
            {
                r[0]: r
                for r in self.conn.execute(
                    "SELECT id, display_name, given, family FROM authors WHERE id IN "
                    f"({','.join(str(int(r[0])) for r in rows)})"
                )
            }
            if rows
            else {}
        )
        return [(Author(a, names[a][1], names[a][2], names[a][3], paper_count=n), n) for a, n in rows if a in names]

    def papers_per_year(self, author_id: int) -> list[tuple[int, int]]:
        ids = self.paper_ids(author_id=author_id)
        if not ids:
            return []
        marks = ",".join(str(int(i)) for i in ids)
        return [
            (year, count)
            for year, count in self.conn.execute(
                f"SELECT year, count(*) FROM papers WHERE id IN ({marks}) AND year IS NOT NULL "
                "GROUP BY year ORDER BY year"
            )
        ]

    # ------------------------------------------------------------------ sources and tags: reading
    def list_sources(self) -> list[Source]:
        # Live papers counted as "not trashed or merged" from narrow indexes: the sidebar asks this on opening.
        earlier: dict[int, list[str]] = {}
        for source_id, file in self.conn.execute(
            "SELECT h.source_id, h.file FROM source_history h JOIN sources s ON s.id = h.source_id "
            "WHERE h.file != s.file ORDER BY h.rowid"
        ):
            if file not in earlier.setdefault(source_id, []):
                earlier[source_id].append(file)
        return [
            Source(*row, earlier_files=tuple(earlier.get(row[0], ())))
            for row in self.conn.execute(
                """SELECT s.id, s.file, s.path, s.sha256, s.format, s.owner_id, a.display_name, s.imported_at,
                   (SELECT count(DISTINCT c.paper_id) FROM claims c WHERE c.source_id = s.id AND c.paper_id NOT IN
                    (SELECT id FROM papers WHERE deleted_at IS NOT NULL OR merged_into IS NOT NULL)), s.claimed_count
                   FROM sources s LEFT JOIN authors a ON a.id = s.owner_id ORDER BY s.imported_at, s.id"""
            )
        ]

    def list_tags(self) -> list[Tag]:
        return [
            Tag(*row)
            for row in self.conn.execute(
                """SELECT t.id, t.name, t.colour, (SELECT count(*) FROM paper_tags pt JOIN papers p
                   ON p.id = pt.paper_id WHERE pt.tag_id = t.id AND p.deleted_at IS NULL
                   AND p.merged_into IS NULL) FROM tags t ORDER BY t.name COLLATE NOCASE"""
            )
        ]

    def count_duplicate_candidates(self) -> int:
        """Open entries of the duplicates review queue whose two sides still exist (the sidebar's count)."""
        return self.conn.execute(
            """SELECT count(*) FROM duplicate_candidates d WHERE d.status = 'open' AND CASE d.kind
               WHEN 'paper' THEN (SELECT count(*) FROM papers p WHERE p.id IN (d.a_id, d.b_id)
                                  AND p.merged_into IS NULL AND p.deleted_at IS NULL) = 2
               ELSE (SELECT count(*) FROM authors a WHERE a.id IN (d.a_id, d.b_id) AND a.merged_into IS NULL) = 2
               END"""
        ).fetchone()[0]

    # ------------------------------------------------------------------ tags: writing
    def _tag_id(self, name: str, create: bool = True) -> int | None:
        name = tag_name(name)
        if not name:
            raise LibraryError("a tag needs a name")
        row = self.conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()
        if row:
            return row[0]
        if not create:
            return None
        count = self.conn.execute("SELECT count(*) FROM tags").fetchone()[0]
        table = self.db["tags"]
        table.insert({"name": name, "colour": _TAG_COLOURS[count % len(_TAG_COLOURS)], "created_at": now()})
        tag_id = table.last_rowid
        self.conn.execute("INSERT INTO tags_fts(rowid, name) VALUES (?, ?)", (tag_id, name))
        return tag_id

    def add_tag(self, paper_ids: Iterable[int], tag: str) -> Change:
        """Tag papers; the Change names only those that did not have the tag yet."""
        ids = sorted(set(paper_ids))
        with self.transaction() as conn:
            tag_id = self._tag_id(tag)
            # Set-based over a JSON array of the ids, not one statement per paper: tagging a 20,000-paper
            # selection is a handful of statements (benchmarks/bulk_tags.py).
            # The ids come back as one string, not a row each: the background tag writer's thread then holds
            # Python's lock for a moment instead of once per paper while the window paints.
            text = conn.execute(
                """SELECT group_concat(value) FROM (SELECT j.value FROM json_each(?) j WHERE NOT EXISTS
                   (SELECT 1 FROM paper_tags pt WHERE pt.paper_id = j.value AND pt.tag_id = ?) ORDER BY j.value)""",
                (json.dumps(ids), tag_id),
            ).fetchone()[0]
            changed = frozenset(map(int, text.split(","))) if text else frozenset()
            if changed:
                marked = f"[{text}]"
                conn.execute(
                    "INSERT INTO paper_tags(paper_id, tag_id) SELECT value, ? FROM json_each(?)", (tag_id, marked)
                )
                # No search index row changes: a tag's words are indexed once per tag (tags_fts), not per paper.
                self._touch(marked)
            return self.record_change(Change("tags", changed, description=f"tag {tag!r} added"))

    def remove_tag(self, paper_ids: Iterable[int], tag: str) -> Change:
        """Untag papers; the Change names only those that had the tag."""
        ids = sorted(set(paper_ids))
        with self.transaction() as conn:
            tag_id = self._tag_id(tag, create=False)
            text = None
            if tag_id is not None:
                text = conn.execute(
                    """SELECT group_concat(paper_id) FROM (SELECT paper_id FROM paper_tags WHERE tag_id = ?
                       AND paper_id IN (SELECT value FROM json_each(?)) ORDER BY paper_id)""",
                    (tag_id, json.dumps(ids)),
                ).fetchone()[0]
            changed = frozenset(map(int, text.split(","))) if text else frozenset()
            if changed:
                marked = f"[{text}]"
                conn.execute(
                    "DELETE FROM paper_tags WHERE tag_id = ? AND paper_id IN (SELECT value FROM json_each(?))",
                    (tag_id, marked),
                )
                self._touch(marked)
            return self.record_change(Change("tags", changed, description=f"tag {tag!r} removed"))

    def _touch(self, ids_json: str) -> None:
        """Stamp updated_at on the papers of a JSON array of ids, in one statement."""
        self.conn.execute(
            "UPDATE papers SET updated_at = ? WHERE id IN (SELECT value FROM json_each(?))", (now(), ids_json)
        )

    def tag_members(self, name: str) -> tuple[str, frozenset[int]] | None:
        """A tag's colour and the papers carrying it, those in the trash too (what an undo needs to put the tag
        back as it was); None when there is no such tag. One index read, however many papers it has."""
        row = self.conn.execute("SELECT id, colour FROM tags WHERE name = ?", (name.strip(),)).fetchone()
        if row is None:
            return None
        text = self.conn.execute(
            """SELECT group_concat(pt.paper_id) FROM paper_tags pt JOIN papers p ON p.id = pt.paper_id
               WHERE pt.tag_id = ? AND p.merged_into IS NULL""",
            (row[0],),
        ).fetchone()[0]
        return row[1], frozenset(map(int, text.split(","))) if text else frozenset()

    def tag_colours(self) -> dict[str, str]:
        """Every tag's colour by name, in name order: what a view needs to draw tags, without list_tags' counts
        (those join every tagged paper, a noticeable moment when a tag is on 20,000 papers)."""
        return dict(self.conn.execute("SELECT name, colour FROM tags ORDER BY name COLLATE NOCASE").fetchall())

    def find_tag(self, name: str) -> Tag | None:
        """The tag this name means (tag names ignore case), as stored, with its paper count; None if none."""
        row = self.conn.execute(
            """SELECT t.id, t.name, t.colour, (SELECT count(*) FROM paper_tags pt JOIN papers p
               ON p.id = pt.paper_id WHERE pt.tag_id = t.id AND p.deleted_at IS NULL
               AND p.merged_into IS NULL) FROM tags t WHERE t.name = ?""",
            (tag_name(name),),
        ).fetchone()
        return Tag(*row) if row else None

    def selection_summary(self, paper_ids: Iterable[int]) -> SelectionSummary:
        """How many of these papers there are, their years' span and how many carry each tag: three aggregate
        reads, where loading the papers themselves took a third of a second for a 20,000-paper selection."""
        ids = json.dumps(sorted(set(paper_ids)))
        count, first, last = self.conn.execute(
            "SELECT count(*), min(NULLIF(year, 0)), max(NULLIF(year, 0)) FROM papers "
            "WHERE id IN (SELECT value FROM json_each(?))",
            (ids,),
        ).fetchone()
        counts = dict(
            self.conn.execute(
                "SELECT t.name, count(*) FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id "
                "WHERE pt.paper_id IN (SELECT value FROM json_each(?)) GROUP BY t.id",
                (ids,),
            ).fetchall()
        )
        return SelectionSummary(count, first, last, counts)

    def _tagged(self, tag_id: int) -> list[int]:
        return [r[0] for r in self.conn.execute("SELECT paper_id FROM paper_tags WHERE tag_id = ?", (tag_id,))]

    def rename_tag(self, old: str, new: str) -> Change:
        new = tag_name(new)
        with self.transaction() as conn:
            tag_id = self._tag_id(old, create=False)
            if tag_id is None:
                raise LibraryError(f"there is no tag {old!r}")
            existing = self._tag_id(new, create=False) if new.lower() != old.lower() else None
            if existing is not None:
                return self.merge_tags([old], new)
            conn.execute("UPDATE tags SET name = ? WHERE id = ?", (new, tag_id))
            conn.execute("UPDATE tags_fts SET name = ? WHERE rowid = ?", (new, tag_id))
            ids = self._tagged(tag_id)
            return self.record_change(Change("tags", frozenset(ids), description=f"tag {old!r} renamed {new!r}"))

    def recolour_tag(self, name: str, colour: str) -> Change:
        with self.transaction() as conn:
            if not conn.execute("UPDATE tags SET colour = ? WHERE name = ?", (colour, name)).rowcount:
                raise LibraryError(f"there is no tag {name!r}")
            return self.record_change(Change("tags", description=f"tag {name!r} recoloured"))

    def merge_tags(self, sources: Sequence[str], target: str) -> Change:
        with self.transaction() as conn:
            target_id = self._tag_id(target)
            changed: set[int] = set()
            for name in sources:
                tag_id = self._tag_id(name, create=False)
                if tag_id is None or tag_id == target_id:
                    continue
                ids = self._tagged(tag_id)
                changed.update(ids)
                conn.executemany("INSERT OR IGNORE INTO paper_tags VALUES (?, ?)", [(i, target_id) for i in ids])
                conn.execute("DELETE FROM paper_tags WHERE tag_id = ?", (tag_id,))
                conn.execute("DELETE FROM tags WHERE id = ?", (tag_id,))
                conn.execute("DELETE FROM tags_fts WHERE rowid = ?", (tag_id,))
            return self.record_change(Change("tags", frozenset(changed), description=f"tags merged into {target!r}"))

    def delete_tag(self, name: str) -> Change:
        with self.transaction() as conn:
            tag_id = self._tag_id(name, create=False)
            if tag_id is None:
                raise LibraryError(f"there is no tag {name!r}")
            ids = self._tagged(tag_id)
            conn.execute("DELETE FROM paper_tags WHERE tag_id = ?", (tag_id,))
            conn.execute("DELETE FROM tags WHERE id = ?", (tag_id,))
            conn.execute("DELETE FROM tags_fts WHERE rowid = ?", (tag_id,))
            return self.record_change(Change("tags", frozenset(ids), description=f"tag {name!r} deleted"))

    # ------------------------------------------------------------------ notes, edits, trash
    def set_note(self, paper_id: int, text: str) -> Change:
        with self.transaction() as conn:
            conn.execute("UPDATE papers SET note = ?, updated_at = ? WHERE id = ?", (text, now(), paper_id))
            self.refresh_search([paper_id])
            return self.record_change(Change("papers", frozenset([paper_id]), description="note changed"))

    def set_author_note(self, author_id: int, text: str) -> Change:
        with self.transaction() as conn:
            conn.execute("UPDATE authors SET note = ? WHERE id = ?", (text, author_id))
            return self.record_change(Change("authors", author_ids=frozenset([author_id]), description="note"))

    def edit_paper(self, paper_id: int, **fields: Any) -> Change:
        """Set fields as the user's own edits: they win over every source, now and on every re-import.

        A value of None clears the user's edit, giving the field back to the sources. `authors` is the whole
        author list as names (["Lin, Junyang", "An Yang"]), resolved to people like any list: a person in the
        same place keeps it, so their papers stay theirs. A list typed out is taken as complete unless
        `authors_complete=False` says it is cut short. `bib_type` is the .bib entry type ("phdthesis"), set
        as declared; the .bib field that states an edited field (`journal` for the venue ...) is marked edited.
        """
        unknown = set(fields) - set(EDITABLE_FIELDS) - {"authors", "authors_complete", "bib_type"}
        if unknown:
            raise LibraryError(f"these fields cannot be edited: {', '.join(sorted(unknown))}")
        from papershelf.model.store import BIB_CORE_FIELDS, recompute_paper

        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM papers WHERE id = ?", (paper_id,)).fetchone() is None:
                raise LibraryError(f"there is no paper with id {paper_id}")
            for field, value in fields.items():
                # A .bib field the entry lacked that edit_bib_fields put this value in keeps stating it.
                hints = [(paper_id, "bib:" + name) for name, core in BIB_CORE_FIELDS.items() if core == field]
                if value is None:
                    conn.executemany("DELETE FROM paper_edits WHERE paper_id = ? AND field = ?", hints)
                else:
                    text = json.dumps(str(value), ensure_ascii=False)
                    conn.executemany(
                        "UPDATE paper_edits SET value = ? WHERE paper_id = ? AND field = ?", [(text, *h) for h in hints]
                    )
                if value is None:
                    conn.execute("DELETE FROM paper_edits WHERE paper_id = ? AND field = ?", (paper_id, field))
                    continue
                if field == "year":
                    value = int(value)
                elif field == "authors":
                    if isinstance(value, str) or not all(isinstance(n, str) for n in value):
                        raise LibraryError("authors must be a list of names")
                    value = [" ".join(n.split()) for n in value if n.strip()]
                elif field == "authors_complete":
                    value = bool(value)
                elif field == "bib_type":
                    value = _bib_name(value, "entry type")
                conn.execute(
                    "INSERT INTO paper_edits(paper_id, field, value, edited_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(paper_id, field) DO UPDATE SET value = excluded.value, edited_at = excluded.edited_at",
                    (paper_id, field, json.dumps(value, ensure_ascii=False), now()),
                )
            recompute_paper(self, paper_id, force=True)
            self.refresh_search([paper_id])  # the title, venue, abstract and authors are searchable
            return self.record_change(
                Change("papers", frozenset([paper_id]), description="edited " + ", ".join(sorted(fields)))
            )

    def edit_bib_fields(self, paper_id: int, changes: Mapping[str, str | None]) -> Change:
        """Set fields of a paper's .bib entry as the user's own edits, which win now and on every re-import.

        "" removes the field, None gives it back to the sources. A field that states a core paper field
        (title, year, date, journal/journaltitle/booktitle, volume, number, pages, publisher, doi, url,
        abstract, eprint) is that field's edit, exactly as `edit_paper` makes it: one truth per value; so is
        `author`, the paper's author list ("Lin, Junyang and Yang, An").
        """
        from papershelf.model.store import BIB_CORE_FIELDS, recompute_paper

        names = {_bib_name(name, "field name"): value for name, value in changes.items()}
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM papers WHERE id = ?", (paper_id,)).fetchone() is None:
                raise LibraryError(f"there is no paper with id {paper_id}")
            current = {f.name for f in self.get_papers([paper_id])[0].bib_fields}
            for name, value in names.items():
                if name == "author":
                    # The paper's author list itself, as edit_paper(authors=...) sets it.
                    if value is None:
                        conn.execute(
                            "DELETE FROM paper_edits WHERE paper_id = ? AND field IN ('authors', 'authors_complete')",
                            (paper_id,),
                        )
                    else:
                        self._put_edit(paper_id, "authors", _bib_names(str(value)))
                    continue
                field = BIB_CORE_FIELDS.get(name)
                if field is None:
                    field = "bib:" + name
                elif value is None or name in current:
                    conn.execute("DELETE FROM paper_edits WHERE paper_id = ? AND field = ?", (paper_id, "bib:" + name))
                else:
                    # The entry has no such field yet: the core edit is the value, this one says where it goes.
                    self._put_edit(paper_id, "bib:" + name, value)
                if value is None:
                    conn.execute("DELETE FROM paper_edits WHERE paper_id = ? AND field = ?", (paper_id, field))
                    continue
                if not isinstance(value, str):
                    raise LibraryError(f"the value of {name} must be text")
                stored: Any = value
                if field == "year":
                    digits = re.search(r"\d{4}", value)
                    if value.strip() and digits is None:
                        raise LibraryError(f"{value!r} is not a year")
                    stored = int(digits.group(0)) if digits else None
                self._put_edit(paper_id, field, stored)
            recompute_paper(self, paper_id, force=True)
            if {*BIB_CORE_FIELDS, "author", *CONTRIBUTOR_FIELDS} & set(names):
                self.refresh_search([paper_id])  # title, abstract, venue, authors and editors are searchable
            return self.record_change(
                Change("papers", frozenset([paper_id]), description="edited " + ", ".join(sorted(names)))
            )

    def _put_edit(self, paper_id: int, field: str, value: Any) -> None:
        self.conn.execute(
            "INSERT INTO paper_edits(paper_id, field, value, edited_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(paper_id, field) DO UPDATE SET value = excluded.value, edited_at = excluded.edited_at",
            (paper_id, field, json.dumps(value, ensure_ascii=False), now()),
        )

    def bib_blocks(self, source_ids: Iterable[int]) -> list[BibBlock]:
        """The @string, @preamble and @comment blocks of these .bib sources, each source's in file order."""
        ids = list(dict.fromkeys(source_ids))
        blocks: list[BibBlock] = []
        for source_id in ids:
            blocks.extend(
                BibBlock(kind, value, name, source_id, position)
                for position, kind, name, value in self.conn.execute(
                    "SELECT position, kind, name, value FROM bib_blocks WHERE source_id = ? ORDER BY position",
                    (source_id,),
                )
            )
        return blocks

    def paper_source_ids(self, paper_ids: Iterable[int]) -> dict[int, list[int]]:
        """Paper -> the .bib sources that stated it, oldest claim first (papers no .bib stated are left out)."""
        ids = list(dict.fromkeys(paper_ids))
        found: dict[int, list[int]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for paper_id, source_id in self.conn.execute(
                f"SELECT c.paper_id, c.source_id FROM claims c JOIN sources s ON s.id = c.source_id "
                f"WHERE s.format = 'bibtex' AND c.paper_id IN ({marks}) ORDER BY c.id",
                chunk,
            ):
                sources = found.setdefault(paper_id, [])
                if source_id not in sources:
                    sources.append(source_id)
        return found

    def delete_papers(self, paper_ids: Iterable[int]) -> Change:
        """Move papers to the trash; tags, notes and provenance stay so `restore_papers` brings all back."""
        ids = sorted(set(paper_ids))
        with self.transaction() as conn:
            stamp = now()
            conn.executemany(
                "UPDATE papers SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL", [(stamp, i) for i in ids]
            )
            self.refresh_search(ids)
            return self.record_change(Change("papers", frozenset(ids), description=f"{len(ids)} moved to trash"))

    def restore_papers(self, paper_ids: Iterable[int]) -> Change:
        ids = sorted(set(paper_ids))
        with self.transaction() as conn:
            conn.executemany("UPDATE papers SET deleted_at = NULL WHERE id = ?", [(i,) for i in ids])
            self.refresh_search(ids)
            return self.record_change(Change("papers", frozenset(ids), description=f"{len(ids)} restored"))

    def check_me_reasons(self, paper_id: int) -> list[str]:
        """Why the page readers doubted this paper, one reason per doubting source (empty when none did)."""
        rows = self.conn.execute(
            "SELECT DISTINCT json_extract(record, '$.extra.check_me') FROM claims WHERE paper_id = ? "
            "AND json_extract(record, '$.extra.check_me') IS NOT NULL ORDER BY id",
            (paper_id,),
        )
        return [reason for (reason,) in rows]

    def mark_checked(self, paper_ids: Iterable[int], checked: bool = True) -> Change:
        """The user has looked at these doubted papers and found them right (or takes that back): they leave
        the "check me" list, and no re-import brings them back."""
        ids = sorted(set(paper_ids))
        with self.transaction() as conn:
            if checked:
                stamp = now()
                conn.executemany(
                    "INSERT OR IGNORE INTO checked_papers(paper_id, checked_at) VALUES (?, ?)",
                    [(i, stamp) for i in ids],
                )
            else:
                conn.executemany("DELETE FROM checked_papers WHERE paper_id = ?", [(i,) for i in ids])
            word = "checked" if checked else "to check again"
            return self.record_change(Change("papers", frozenset(ids), description=f"{len(ids)} {word}"))

    def empty_trash(self) -> Change:
        from papershelf.model.store import purge_papers

        with self.transaction() as conn:
            ids = [r[0] for r in conn.execute("SELECT id FROM papers WHERE deleted_at IS NOT NULL")]
            purge_papers(self, ids)
            return self.record_change(Change("papers", frozenset(ids), description="trash emptied"))

    # ------------------------------------------------------------------ citation keys
    def set_citekey(self, paper_id: int, key: str) -> Change:
        """Give a paper a new key; the old one stays as an alias so documents citing it still resolve."""
        from papershelf.model.citekeys import is_legal_key

        if not is_legal_key(key):
            raise LibraryError(f"{key!r} is not a legal BibTeX key (no spaces, commas, braces, quotes or %)")
        with self.transaction() as conn:
            owner = self.paper_by_key(key)
            if owner is not None and owner.id != paper_id:
                raise LibraryError(f"the key {key!r} is already used by paper {owner.id}")
            old = conn.execute("SELECT citekey FROM papers WHERE id = ?", (paper_id,)).fetchone()
            if old is None:
                raise LibraryError(f"there is no paper with id {paper_id}")
            if old[0] and old[0] != key:
                conn.execute("INSERT OR REPLACE INTO citekey_aliases(key, paper_id) VALUES (?, ?)", (old[0], paper_id))
            conn.execute("DELETE FROM citekey_aliases WHERE key = ?", (key,))
            conn.execute("UPDATE papers SET citekey = ?, updated_at = ? WHERE id = ?", (key, now(), paper_id))
            return self.record_change(Change("papers", frozenset([paper_id]), description=f"key {key}"))

    def key_taken(self, key: str) -> bool:
        return bool(
            self.conn.execute(
                "SELECT 1 FROM papers WHERE citekey = ? UNION ALL SELECT 1 FROM citekey_aliases WHERE key = ?",
                (key, key),
            ).fetchone()
        )

    # ------------------------------------------------------------------ search index
    def refresh_search(self, paper_ids: Iterable[int]) -> None:
        """Rewrite the full-text rows of these papers (deleted or merged papers leave the index). Their tags are
        not part of it: tags_fts indexes each tag's name once (schema v7), so the tags column stays empty."""
        ids = list(paper_ids)
        if not ids:
            return
        refresh_paper_rows(self.conn, ids)

    def compact_search(self) -> None:
        """Merge each full-text index into one b-tree (FTS5's `optimize`). Rows written in many statements leave
        an index in segments that every search term probes one by one; merged, a search of a 100,000-paper
        library takes 0.5-0.7 ms at the median instead of 1.0 ms (p95 15% lower). It rewrites the index: worth
        it after a big import, not after each edit (1.7 s at 100,000 papers, 0.08 s at 10,000)."""
        for table in ("papers_fts", "authors_fts"):
            self.conn.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")

    def refresh_author_search(self, author_ids: Iterable[int]) -> None:
        ids = list(author_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            self.conn.execute(f"DELETE FROM authors_fts WHERE rowid IN ({marks})", chunk)
            self.conn.execute(
                f"""INSERT INTO authors_fts(rowid, names) SELECT a.id, a.display_name || ' ' ||
                COALESCE((SELECT group_concat(v.name, ' ; ') FROM author_variants v WHERE v.author_id = a.id), '')
                FROM authors a WHERE a.id IN ({marks}) AND a.merged_into IS NULL""",
                chunk,
            )

    def search(self, query: str, *, limit: int | None = None) -> list[int]:
        """Paper ids matching a search string (full text plus author:, title:, tag:, venue:, year: filters)."""
        return self.paper_ids(query=query, limit=limit, order_by="added")

    def count_authors(self) -> int:
        """People in the library, each once however many spellings were merged into them (the sidebar's count;
        one index read, unlike `list_authors`, which counts every person's papers)."""
        return self.conn.execute("SELECT count(*) FROM authors WHERE merged_into IS NULL").fetchone()[0]


# From this many papers a read pauses Python's cycle collector: each paper is eight new containers (its dict
# and lists), and the collections they set off re-walk every paper read so far, 14% of reading 10,000 papers
# (callgrind). Nothing a read makes is a cycle, so nothing is left uncollected.
_MANY_PAPERS = 2000


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    # Restores only what it switched off: the window runs with the automatic collector off
    # (gui/main_thread_gc.py), and a read in a worker thread must not switch it back on.
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _paper_from_row(row: Sequence[Any]) -> Paper:
    # Positional, in Paper's field order (checked below): keywords cost 40% more, and a whole-library export
    # builds 100,000 of these (issue 16).
    return Paper(
        row[0],  # id
        row[1],  # title
        row[2],  # year
        row[3],  # date
        bool(row[4]),  # date_inferred
        row[5],  # venue
        row[6],  # entry_type
        row[7],  # abstract
        row[8],  # arxiv_id
        row[9],  # doi
        row[10],  # comments
        row[11],  # journal_ref
        row[12],  # category
        row[13],  # url
        row[14],  # volume
        row[15],  # number
        row[16],  # pages
        row[17],  # publisher
        json.loads(row[18]) if row[18] != "[]" else [],  # links: most papers have none, skip the decoder
        row[25],  # remarks
        bool(row[26]),  # has_code
        [],  # authors
        bool(row[19]),  # authors_complete
        [],  # extra_authors
        [],  # tags
        row[20],  # note
        row[21] or "",  # citekey
        [],  # key_aliases
        [],  # edited_fields
        row[22],  # added_at
        row[23],  # updated_at
        row[24],  # deleted_at
        [],  # sources
        row[27],  # bib_type
        _bib_fields(row[28]) if row[28] != "[]" else [],  # bib_fields
    )


# The order _paper_from_row passes Paper's fields in: a field added or moved in Paper must be added here too.
_PAPER_FIELD_ORDER = [
    "id",
    "title",
    "year",
    "date",
    "date_inferred",
    "venue",
    "entry_type",
    "abstract",
    "arxiv_id",
    "doi",
    "comments",
    "journal_ref",
    "category",
    "url",
    "volume",
    "number",
    "pages",
    "publisher",
    "links",
    "remarks",
    "has_code",
    "authors",
    "authors_complete",
    "extra_authors",
    "tags",
    "note",
    "citekey",
    "key_aliases",
    "edited_fields",
    "added_at",
    "updated_at",
    "deleted_at",
    "sources",
    "bib_type",
    "bib_fields",
]
if [f.name for f in dataclasses.fields(Paper)] != _PAPER_FIELD_ORDER:
    raise ImportError("model.types.Paper's fields changed: update _paper_from_row and _PAPER_FIELD_ORDER")


def _bib_fields(stored: str) -> list[BibField]:
    """The papers.bib_fields column: [name, text, LaTeX, macro, edited], a null text being the LaTeX itself."""
    return [
        BibField(name, latex if text is None else text, latex, macro, bool(edited))
        for name, text, latex, macro, edited in json.loads(stored)
    ]


def _bib_names(value: str) -> list[str]:
    """`author = {Lin, Junyang and {Barnes and Noble}}`: the names, split at " and " outside braces."""
    names: list[str] = []
    depth = start = 0
    lowered = value.lower()
    i = 0
    while i < len(value):
        ch = value[i]
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth == 0 and lowered.startswith(" and ", i):
            names.append(value[start:i])
            start = i = i + 5
            continue
        i += 1
    names.append(value[start:])
    return [" ".join(name.split()) for name in names if name.strip()]


def _bib_name(value: Any, what: str) -> str:
    name = str(value).strip().lower()
    if not _BIB_NAME.fullmatch(name):
        raise LibraryError(f"{value!r} is not a BibTeX {what} (a letter, then letters, digits, '-', '_' or ':')")
    return name
