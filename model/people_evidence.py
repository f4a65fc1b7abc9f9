"""Co-author evidence for a name several people share ("Wei Wang"), kept per connection and brought up to
date from the rows added since it was last read.

`reconcile.pick_author` weighs namesakes by their co-authorships with the names on the incoming author list.
Counted afresh, that reads every paper of those namesakes or co-authors for every decision; an import whose
entries all name the same person makes those papers grow with the import, so it was quadratic. This module
keeps, for each name weighed more than once, what the count needs (per paper: its namesakes and the name keys
of everyone on it, summed per key) and adds only the papers and name variants written since the last
decision. Its answer is exactly `reconcile._coauthorship_counts`' answer; the tests compare the two.

It must never decide anything (that is pick_author's job) and never write the library: its only writes go to
this connection's TEMP schema (a counter that temp triggers bump whenever a row it reads is deleted or changed,
which throws the cache away). Rows another connection commits, a rolled-back transaction and a renumbering of
rowids are noticed too, and also throw it away; rebuilding is always correct, only slower.
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
import weakref
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence, Set
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from papershelf.model.library import Library

# Names kept per connection; an import weighs few again and again, and each costs its namesakes' papers in memory.
CACHED_NAMES = 8
# Names weighed once remembered, so the second time they are kept.
ASKED_NAMES = 1024
_CHUNK = 500  # SQLite's limit on bound parameters, with room to spare

_STATE = "people_evidence_state"
# Inserts are found by rowid; anything else that changes what is counted (a deleted or moved authorship, a
# removed variant, a merged or deleted person) bumps the generation, and the cache starts again.
_INSTALL = (
    # Made with its row by CREATE ... AS, which leaves the connection's total_changes alone: the cache may be
    # installed while an import is only being planned, and a plan is stale when total_changes moves.
    f"CREATE TEMP TABLE IF NOT EXISTS {_STATE} AS SELECT 0 AS generation",
    *(
        f"CREATE TEMP TRIGGER IF NOT EXISTS {_STATE}_{name} AFTER {event} ON main.{table} "
        f"BEGIN UPDATE {_STATE} SET generation = generation + 1; END"
        for name, event, table in (
            ("authorships_deleted", "DELETE", "authorships"),
            ("authorships_updated", "UPDATE", "authorships"),
            ("variants_deleted", "DELETE", "author_variants"),
            ("variants_updated", "UPDATE", "author_variants"),
            ("authors_deleted", "DELETE", "authors"),
            ("authors_merged", "UPDATE OF merged_into", "authors"),
        )
    ),
)


class _Name:
    """What the co-authorship count of one shared name needs, as of the connection's last sync."""

    def __init__(self, key: str) -> None:
        self.key = key
        self._clear()

    def _clear(self) -> None:
        self.members: set[int] = set()  # everyone with a variant of this name, merged or not
        self.merged: set[int] = set()
        # paper -> (its namesakes' places, the name keys of its places: one per place and variant)
        self.papers: dict[int, tuple[Counter[int], Counter[str]]] = {}
        # name key -> namesake -> places beside them held by someone with that key, over all their papers
        self.by_key: dict[str, dict[int, int]] = {}

    def build(self, conn: Any) -> None:
        self._clear()
        for author_id, merged_into in conn.execute(
            "SELECT DISTINCT v.author_id, a.merged_into FROM author_variants v "
            "LEFT JOIN authors a ON a.id = v.author_id WHERE v.name_key = ?",
            (self.key,),
        ):
            self.members.add(author_id)
            if merged_into is not None:
                self.merged.add(author_id)
        papers = {
            r[0]
            for r in conn.execute(
                "SELECT s.paper_id FROM author_variants v JOIN authorships s ON s.author_id = v.author_id "
                "WHERE v.name_key = ?",
                (self.key,),
            )
        }
        self.refresh(conn, papers)

    def needs_rebuild(self, new_variants: Sequence[tuple[int, str]]) -> bool:
        """A new namesake (someone newly written with this name): rare enough to start again."""
        return any(key == self.key and author_id not in self.members for author_id, key in new_variants)

    def refresh(self, conn: Any, paper_ids: Iterable[int]) -> None:
        """Recount these papers from the library."""
        ids = sorted(paper_ids)
        self.recount(_paper_rows(conn, ids), ids)

    def recount(self, rows: dict[int, tuple[dict[int, int], Counter[str]]], paper_ids: Iterable[int]) -> None:
        """Recount these papers from their rows as read (`_paper_rows`), each one's old share taken out first."""
        for paper_id in paper_ids:
            old = self.papers.pop(paper_id, None)
            if old is not None:
                self._add(*old, -1)
            places, keys = rows[paper_id]
            namesakes = Counter(a for a in places.values() if a in self.members)
            if namesakes:
                self.papers[paper_id] = (namesakes, keys)
                self._add(namesakes, keys, 1)

    def _add(self, namesakes: Counter[int], keys: Counter[str], sign: int) -> None:
        for key, weight in keys.items():
            totals = self.by_key.setdefault(key, {})
            for author_id, places in namesakes.items():
                total = totals.get(author_id, 0) + sign * places * weight
                if total:
                    totals[author_id] = total
                else:
                    totals.pop(author_id, None)
            if not totals:
                del self.by_key[key]

    def counts(self, keys: Iterable[str], exclude: Set[int]) -> dict[int, int]:
        totals: Counter[int] = Counter()
        for key in set(keys):
            totals.update(self.by_key.get(key, {}))
        return {
            author_id: total
            for author_id, total in totals.items()
            if total > 0 and author_id not in exclude and author_id not in self.merged
        }


# One statement per decision says whether the cache still holds: the temp counter, other connections'
# commits, the largest rowids (and what the remembered ones hold) and the newest person.
_SNAPSHOT = f"""SELECT s.generation, (SELECT data_version FROM pragma_data_version()),
    (SELECT coalesce(max(rowid), 0) FROM authorships), (SELECT coalesce(max(rowid), 0) FROM author_variants),
    (SELECT coalesce(max(id), 0) FROM authors),
    (SELECT paper_id || ' ' || author_id FROM authorships WHERE rowid = ?),
    (SELECT author_id || ' ' || name FROM author_variants WHERE rowid = ?)
    FROM temp.{_STATE} s"""

_tokens = itertools.count(1)


class _Evidence:
    """One connection's cache: the crowded names, and what says it is still the library's state."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.lock = threading.Lock()
        self.names: OrderedDict[str, _Name] = OrderedDict()
        self.asked: OrderedDict[str, None] = OrderedDict()  # names weighed once, not (yet) kept
        self.seen: tuple[int, int] | None = None  # (generation, data_version) at the last sync
        self.token = 0  # written to the temp schema's user_version at the last sync
        # The largest rowids read and what they held (a rollback or a VACUUM changes that), the newest person.
        self.marks: tuple[int, int] = (0, 0)
        self.held: tuple[str | None, str | None] = (None, None)
        self.newest_author = 0

    def counts(self, conn: Any, name_key: str, keys: Sequence[str], exclude: Set[int]) -> dict[int, int] | None:
        with self.lock:
            if name_key not in self.names and name_key not in self.asked:
                # Most names are weighed once per import: keeping one costs more than counting it once.
                self.asked[name_key] = None
                while len(self.asked) > ASKED_NAMES:
                    self.asked.popitem(last=False)
                return None
            absorbed = self._sync(conn)
            name = self.names.get(name_key)
            if name is None:
                name = _Name(name_key)
                name.build(conn)
                self.names[name_key] = name
                while len(self.names) > CACHED_NAMES:
                    self.names.popitem(last=False)
                absorbed = True
            self.names.move_to_end(name_key)
            if absorbed:
                # Written inside the caller's transaction: if it is rolled back, so is the token, and the next
                # sync sees that rows read into the cache may be gone. A pragma, unlike a row, leaves the
                # connection's total_changes alone (a plan is stale when that moves).
                self.token = next(_tokens)
                conn.execute(f"PRAGMA temp.user_version = {self.token}")
            return name.counts(keys, exclude)

    def _absorb(self, conn: Any, new_papers: set[int], new_variants: Sequence[tuple[int, str]]) -> None:
        """Bring every name up to date with authorships and variants written since the last sync. People newer
        than the last sync are only on new rows (already among `new_papers`); an older person's new variant
        changes the name keys of every paper they are on."""
        changed = sorted({author_id for author_id, _ in new_variants if author_id <= self.newest_author})
        their_papers: set[int] = set()
        for chunk in _chunks(changed):
            marks = ",".join("?" * len(chunk))
            their_papers.update(
                r[0] for r in conn.execute(f"SELECT paper_id FROM authorships WHERE author_id IN ({marks})", chunk)
            )
        kept = []
        for name in self.names.values():
            if name.needs_rebuild(new_variants):
                name.build(conn)
            else:
                kept.append((name, new_papers | {p for p in their_papers if p in name.papers}))
        # One read of the papers' rows for every name.
        rows = _paper_rows(conn, sorted(set().union(*(dirty for _, dirty in kept)))) if kept else {}
        for name, dirty in kept:
            name.recount(rows, dirty)

    def _snapshot(self, conn: Any) -> tuple[Any, ...] | None:
        try:
            found = tuple(conn.execute(_SNAPSHOT, self.marks).fetchone() or ())
        except sqlite3.OperationalError:
            return None  # no temp objects yet, or they went with a rolled-back transaction
        if not found or conn.execute("PRAGMA temp.user_version").fetchone()[0] != self.token:
            return None
        return found

    def _sync(self, conn: Any) -> bool:
        """Catch up with the rows written since the last sync; True if anything was read into the cache."""
        snapshot = self._snapshot(conn)
        if snapshot is None or snapshot[:2] != self.seen or snapshot[5:7] != self.held:
            for statement in _INSTALL:
                conn.execute(statement)
            self.names.clear()
            self.marks = (0, 0)
            self.token = conn.execute("PRAGMA temp.user_version").fetchone()[0]
            snapshot = self._snapshot(conn)
            assert snapshot is not None
            self.seen = snapshot[:2]
            self.marks = snapshot[2:4]
            self.newest_author = snapshot[4]
            self.held = self._snapshot(conn)[5:7]  # type: ignore[index]
            return True
        if snapshot[2:4] == self.marks:
            return False
        new_papers: set[int] = set()
        held_authorship, held_variant = self.held
        for rowid, paper_id, author_id in conn.execute(
            "SELECT rowid, paper_id, author_id FROM authorships WHERE rowid > ?", (self.marks[0],)
        ):
            new_papers.add(paper_id)
            if rowid == snapshot[2]:
                held_authorship = f"{paper_id} {author_id}"
        new_variants: list[tuple[int, str]] = []
        for rowid, author_id, name, name_key in conn.execute(
            "SELECT rowid, author_id, name, name_key FROM author_variants WHERE rowid > ?", (self.marks[1],)
        ):
            new_variants.append((author_id, name_key))
            if rowid == snapshot[3]:
                held_variant = f"{author_id} {name}"
        self._absorb(conn, new_papers, new_variants)
        self.marks = snapshot[2:4]
        self.held = (held_authorship, held_variant)
        self.newest_author = snapshot[4]
        return True


def _paper_rows(conn: Any, paper_ids: Sequence[int]) -> dict[int, tuple[dict[int, int], Counter[str]]]:
    """Per paper: its places (rowid -> person) and the name keys on it (one per place and variant)."""
    rows: dict[int, tuple[dict[int, int], Counter[str]]] = {p: ({}, Counter()) for p in paper_ids}
    for chunk in _chunks(paper_ids):
        marks = ",".join("?" * len(chunk))
        for rowid, paper_id, author_id, name_key in conn.execute(
            f"SELECT s.rowid, s.paper_id, s.author_id, v.name_key FROM authorships s "
            f"LEFT JOIN author_variants v ON v.author_id = s.author_id WHERE s.paper_id IN ({marks})",
            chunk,
        ):
            places, keys = rows[paper_id]
            places[rowid] = author_id
            if name_key is not None:
                keys[name_key] += 1
    return rows


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    return (ids[start : start + _CHUNK] for start in range(0, len(ids), _CHUNK))


_CACHES: weakref.WeakKeyDictionary[Library, _Evidence] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def coauthorship_counts(
    library: Library, name_key: str, keys: Sequence[str], exclude: Set[int]
) -> dict[int, int] | None:
    """Places beside each live person called `name_key` (but `exclude`) held by someone with a name among
    `keys`, over all their papers; only people with any. The same figures as `reconcile._coauthorship_counts`.
    None the first time a name is asked about: the caller counts it directly, and the name is kept from the
    second time on."""
    with _CACHES_LOCK:
        cache = _CACHES.get(library)
        if cache is None or cache.conn is not library.conn:
            cache = _CACHES[library] = _Evidence(library.conn)
    return cache.counts(library.conn, name_key, keys, exclude)


def forget(library: Library) -> None:
    """Drop this library's cache (tests, and callers that know the connection changed under it)."""
    with _CACHES_LOCK:
        _CACHES.pop(library, None)
