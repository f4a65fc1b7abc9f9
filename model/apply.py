"""The second half of an import: writes an `ImportPlan` in one transaction and reports what changed.

`apply_plan` never decides what a record is or who a new paper's names are (that is `model.plan`): it
writes the plan's decisions, new papers and people with one statement per table. A plan made
against a library that has changed since (another writer, or this connection) is refused, or made again inside
the write transaction when the caller allows it, so a plan is applied whole or not at all. `import_records` is
the two halves in a row, `import_arriving` the same for records still being read. Values a user set (edits,
tags, notes, keys) are never written here.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence, Set
from typing import Any

from papershelf.model import reconcile
from papershelf.model.common import LibraryError, now
from papershelf.model.file_twins import queue_file_twins
from papershelf.model.library import Library, tag_name
from papershelf.model.merge import merge_authors, reconcile_authors
from papershelf.model.names import parse_name
from papershelf.model.plan import (
    JOIN,
    NEW,
    SUGGEST,
    UNCHANGED,
    ImportPlan,
    Prepared,
    RecordPlan,
    _collector_paused,
    begin_plan,
    plan_import,
    prepare,
)
from papershelf.model.search_rows import paper_row, write_paper_rows
from papershelf.model.store import (
    AuthorResolver,
    ImportCancelled,
    ImportResult,
    _Batch,
    _keep_cited_key,
    _owned,
    _owner_names,
    _owner_place,
    _people,
    _rekey_new_papers,
    _store_profile,
    new_paper_row,
    place_owner,
    recompute_paper,
)
from papershelf.model.types import Change

_IMPORT_CACHE_KIB = 64 * 1024
# New papers from which an import that brings at least half of the library merges its search index.
_COMPACT_AFTER = 2000
# From this many records an import is written through the rollback journal when it can (Library.bulk_journal):
# below it, the pages written twice cost less than the two journal-mode switches.
_BULK_RECORDS = 1000
# Records between two writes of new papers, claims and lookup keys, when steps are written as they are decided.
# What is left unwritten when the reading process sends its last records is written after it, alone: 250
# keeps that short (0.1 ms a record) at no measurable cost in statements.
_WRITTEN_AS_THEY_COME = 250


def journal_for(library: Library, count: int) -> contextlib.AbstractContextManager[bool]:
    """Library.bulk_journal for a write of `count` records that is big enough to gain from it."""
    return library.bulk_journal() if count >= _BULK_RECORDS else contextlib.nullcontext(False)


class StalePlan(LibraryError):
    """The library changed after the plan was made: applying it could write decisions that no longer hold."""


def is_current(library: Library, plan: ImportPlan) -> bool:
    """True while nothing has been written to the library since the plan was made."""
    return library.data_version() == plan.data_version and library.conn.total_changes == plan.total_changes


def apply_plan(
    library: Library,
    plan: ImportPlan,
    *,
    replan: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportResult:
    """Write the plan in one transaction. A stale plan raises StalePlan (nothing written), or with `replan` is
    made again inside the transaction (the write lock held, so nothing can change between plan and write)."""
    with _collector_paused(), journal_for(library, len(plan.records)), library.transaction():
        if not is_current(library, plan):
            if not replan:
                raise StalePlan(
                    f"the library changed after the import of {plan.file} was previewed; nothing was written, "
                    "preview it again"
                )
            plan = plan_import(
                library,
                file=plan.file,
                path=plan.path,
                sha256=plan.sha256,
                fmt=plan.fmt,
                owner=plan.owner,
                records=plan.records,
                claimed_count=plan.claimed_count,
                as_of=plan.as_of,
                targets=plan.targets,
                cancelled=cancelled,
                prepared=plan.prepared,
            )
        with _import_cache(library):
            return _write(library, plan, progress, cancelled)


@contextlib.contextmanager
def _import_cache(library: Library) -> Iterator[None]:
    """A big import touches more pages than SQLite's default 2 MB cache holds (the full-text index above all)."""
    cache = library.conn.execute("PRAGMA cache_size").fetchone()[0]
    library.conn.execute(f"PRAGMA cache_size = {min(cache, -_IMPORT_CACHE_KIB)}")
    try:
        yield
    finally:
        library.conn.execute(f"PRAGMA cache_size = {int(cache)}")


def import_records(
    library: Library,
    *,
    file: str,
    path: str,
    sha256: str,
    fmt: str,
    owner: Any | None,
    records: Sequence[Any],
    claimed_count: int | None = None,
    as_of: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    targets: Sequence[int | None] | None = None,
) -> ImportResult:
    """Store one file's records in one transaction: plan, then apply; raises ImportCancelled (rolling back) when
    cancelled.

    `targets`, parallel to `records`, names the paper a record is known to describe (a lookup made for that
    paper); None there, or no `targets`, lets matching find it.
    """
    # The records are converted before the write lock is taken, and planned inside it: another writer cannot
    # slip in between, so the plan is never made twice.
    with _collector_paused():
        prepared = prepare(records, cancelled, file)
        with journal_for(library, len(records)), library.transaction():
            plan = plan_import(
                library,
                file=file,
                path=path,
                sha256=sha256,
                fmt=fmt,
                owner=owner,
                records=records,
                claimed_count=claimed_count,
                as_of=as_of,
                targets=targets,
                cancelled=cancelled,
                prepared=prepared,
            )
            return apply_plan(library, plan, progress=progress, cancelled=cancelled)


def import_arriving(
    library: Library,
    *,
    file: str,
    path: str,
    sha256: str,
    fmt: str,
    count: int,
    arriving: Iterable[tuple[Any, Prepared]],
    records: list[Any],
    claimed_count: int | None = None,
    as_of: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> tuple[ImportResult, ImportPlan]:
    """`import_records` for the `count` records of a file with no named owner that are still being read:
    each (record, prepared) pair of `arriving` joins `records` as it comes, in the file's order.

    The plan is the one `import_records` makes, decided against the library as it was before the import. In a
    first import its steps read nothing from the library (`ImportPlan.reads_nothing`), so each is written as
    soon as it is decided, while the records after it are still being made; otherwise every step is decided
    first, then written. Either way, one transaction."""
    prepared: list[Prepared] = []
    with _collector_paused(), journal_for(library, count), library.transaction():
        plan, steps = begin_plan(
            library,
            file=file,
            path=path,
            sha256=sha256,
            fmt=fmt,
            owner=None,
            records=records,
            claimed_count=claimed_count,
            as_of=as_of,
            cancelled=cancelled,
            prepared=prepared,
            arriving=arriving,
        )
        with _import_cache(library):
            if not plan.reads_nothing:  # every step decided against the library as it was, then written
                for _ in steps:
                    pass
                return _write(library, plan, progress, cancelled), plan
            return _write(library, plan, progress, cancelled, steps=steps, total=count), plan


def _write(
    library: Library,
    plan: ImportPlan,
    progress: Callable[[int, int], None] | None,
    cancelled: Callable[[], bool] | None,
    *,
    steps: Iterable[RecordPlan] | None = None,
    total: int | None = None,
) -> ImportResult:
    """The plan's writes, inside the caller's transaction: `plan.records_plan`, or `steps` as they are
    decided (with `total`, how many there will be)."""
    conn = library.conn
    if plan.same_file is not None:
        return plan.same_file
    file, fmt, owner, records, lineage = plan.file, plan.fmt, plan.owner, plan.records, plan.lineage
    named = owner is not None and bool(owner.name)
    if plan.relabel is not None:  # the page's earlier claims follow it to its new name or owner
        conn.execute("UPDATE claims SET lineage = ? WHERE lineage = ?", (lineage, plan.relabel))
    row = plan.source
    previous_owner = plan.previous_owner
    namesakes = plan.namesakes
    owner_id = place_owner(library, owner, plan.owner_id) if named else previous_owner
    # Who the page says its papers are by, before: a change of owner changes those papers (import report).
    owned_before = _owned(conn, row[0]) if row else set()
    people_before: dict[int, set[int]] = {}
    if row and (row[1] is None or library.resolve_author(row[1]) != owner_id):
        page_papers = {r[0] for r in conn.execute("SELECT paper_id FROM claims WHERE source_id = ?", (row[0],))}
        people_before = _people(conn, page_papers | {p for p, _ in owned_before})
    stamp = now()
    reattributed = False
    if row:  # a newer capture of a page imported before: it becomes that source's current version
        source_id = row[0]
        # The capture it replaces stays in the source's history (with its file name, when renamed).
        conn.execute(
            "INSERT INTO source_history(source_id, file, path, sha256, imported_at) "
            "SELECT id, file, path, sha256, imported_at FROM sources WHERE id = ?",
            (source_id,),
        )
        conn.execute(
            "UPDATE sources SET file=?, path=?, sha256=?, imported_at=?, claimed_count=?, owner_id=?, as_of=? "
            "WHERE id=?",
            (file, plan.path, plan.sha256, stamp, plan.claimed_count, owner_id, plan.as_of, source_id),
        )
        if owner_id != previous_owner:
            reattributed = owner_id is not None
            if previous_owner is not None:  # the page is no longer theirs
                conn.execute(
                    "DELETE FROM implied_authors WHERE source_id = ? AND author_id = ?", (source_id, previous_owner)
                )
                conn.execute("DELETE FROM profiles WHERE source_id = ? AND author_id = ?", (source_id, previous_owner))
    else:
        source_id = conn.execute(
            "INSERT INTO sources(file, path, sha256, format, owner_id, imported_at, claimed_count, as_of) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (file, plan.path, plan.sha256, fmt, owner_id, stamp, plan.claimed_count, plan.as_of),
        ).lastrowid
    if named and owner_id is not None:
        _store_profile(library, owner_id, source_id, owner)
    result = ImportResult(source_id=source_id)
    touched: set[int] = set()
    total = len(records) if total is None else total
    batch = _Batch(size=total)
    # An unchanged claim keeps its row; one whose place in the file moved gets its new line, all at the end.
    moved: list[tuple[int, int, int]] = []
    implied: list[tuple[int, int, int]] = []
    new_claims: list[tuple[Any, ...]] = []
    # A .bib's keywords on the papers it creates or joins: its tags, as Zotero and JabRef read them.
    keyworded: list[tuple[int, tuple[str, ...]]] = []
    papers = _NewPapers(library, batch, owner_id)
    for step in plan.records_plan if steps is None else steps:
        index = step.index
        if cancelled is not None and index % 50 == 0 and cancelled():
            raise ImportCancelled(file)
        record = records[index]
        item = plan.prepared[index]
        if step.kind == UNCHANGED:
            paper_id = step.paper_id
            if step.claim_source != source_id:  # read back by recompute_paper (through its source): now
                conn.execute(
                    "UPDATE claims SET source_id = ?, line = ? WHERE id = ?", (source_id, record.line, step.claim_id)
                )
            elif step.claim_line != record.line:
                moved.append((source_id, record.line, step.claim_id))
            result.unchanged.append(paper_id)
        elif step.kind not in (JOIN, NEW, SUGGEST):  # an update: the page says something new about the paper
            paper_id = step.paper_id
            papers.flush()
            conn.execute(
                "UPDATE claims SET source_id=?, line=?, record=?, record_hash=? WHERE id=?",
                (source_id, record.line, item.text, item.digest, step.claim_id),
            )
            if recompute_paper(library, paper_id, batch=batch):
                result.updated.append(paper_id)
                touched.add(paper_id)
            else:
                result.unchanged.append(paper_id)
        elif step.kind == JOIN:
            paper_id = step.paper_id
            papers.flush()  # a new paper's key is taken before this paper may get the same one as an alias
            _flush_claims(conn, new_claims)  # claim ids keep the file's order (a re-import pairs keys by it)
            claim_id = conn.execute(
                "INSERT INTO claims(paper_id, source_id, entry_key, line, record, record_hash, lineage) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (paper_id, source_id, item.key, record.line, item.text, item.digest, lineage),
            ).lastrowid
            if not recompute_paper(library, paper_id, batch=batch):
                result.merged_unchanged.append(paper_id)
            # The snapshot names the claim that joined, so merge.unmerge_paper can make it a paper again, and the
            # .bib key it brought, which now names this paper too.
            snapshot = {"claim_ids": [claim_id], "aliases": _keep_cited_key(library, paper_id, record)}
            for alias in snapshot["aliases"]:
                batch.keys(library).claim(alias)  # taken from now on, for the keys of new papers
            conn.execute(
                "INSERT INTO merges(kind, kept_id, merged_id, automatic, evidence, snapshot, created_at) "
                "VALUES ('paper', ?, ?, 1, ?, ?, ?)",
                (paper_id, paper_id, json.dumps(step.evidence), json.dumps(snapshot), stamp),
            )
            result.merged.append((paper_id, step.evidence))
            touched.add(paper_id)
            keyworded.append((paper_id, getattr(record, "keywords", ())))
        else:
            paper_id = papers.add(record, fmt, owner_id, item.data, step)
            keyworded.append((paper_id, getattr(record, "keywords", ())))
            new_claims.append((paper_id, source_id, item.key, record.line, item.text, item.digest, lineage))
            result.new.append(paper_id)
            touched.add(paper_id)
            if step.match is not None:
                papers.flush()
                result.suggested += reconcile.suggest(library, paper_id, step.match)
        if owner_id is not None:
            implied.append((paper_id, owner_id, source_id))
        if progress is not None and (index % 100 == 0 or index == total - 1):
            progress(index + 1, total)
        if steps is not None and index % _WRITTEN_AS_THEY_COME == _WRITTEN_AS_THEY_COME - 1:
            # Steps that read nothing, their records made by another process: what waits for the loop's end is
            # written now, while that process makes the next records (else this one waits for them now and
            # writes everything alone at the end). Nothing of this import reads these rows back.
            papers.flush()
            _flush_claims(conn, new_claims)
            reconcile.index_new_papers(library, batch.unindexed)
            batch.unindexed.clear()
    # Written together after the loop, which never reads them back.
    papers.flush()
    _flush_claims(conn, new_claims)
    if fmt == "bibtex":
        _tag_keywords(library, keyworded)
    batch.flush = None
    conn.executemany("UPDATE claims SET source_id = ?, line = ? WHERE id = ?", moved)
    if owner_id is not None:
        # A paper of this page whose owner link the user split off to another person stays theirs.
        split_off = {
            r[0]
            for r in conn.execute(
                "SELECT paper_id FROM implied_authors WHERE source_id = ? AND author_id != ?", (source_id, owner_id)
            )
        }
        implied = [i for i in implied if i[0] not in split_off]
    conn.executemany("INSERT OR IGNORE INTO implied_authors(paper_id, author_id, source_id) VALUES (?,?,?)", implied)
    bound: set[int] = set()
    if reattributed and owner_id is not None:
        # As if the page had come with this owner: they take the places written with their names.
        resolver = AuthorResolver(library, batch=batch)
        for paper_id in sorted({p for p, _, _ in implied}):
            if bind_owner(library, paper_id, owner_id, resolver):
                touched.add(paper_id)
                bound.add(paper_id)
    owned_after = _owned(conn, source_id)
    people_after = _people(conn, {p for p, _ in owned_before - owned_after})
    reowned = {p for p, a in owned_after - owned_before if a not in people_before.get(p, set())}
    reowned |= {p for p, a in owned_before - owned_after if a not in people_after.get(p, set())}
    reowned |= bound
    reowned -= set(result.new)
    if reowned:
        # Same records, another owner: the paper changed (its people did), so it is counted as updated.
        result.updated.extend(p for p in dict.fromkeys(result.unchanged) if p in reowned)
        result.unchanged = [p for p in result.unchanged if p not in reowned]
        touched.update(reowned)
        result.reowned = sorted(reowned)
    library.refresh_author_search(sorted(batch.touched_authors))
    reconcile.index_new_papers(library, batch.unindexed)
    # Two records of this file that describe one paper are both kept (matching never joins them): proposed.
    of_this_file = [*result.new, *(p for p, _ in result.merged), *result.updated, *result.unchanged]
    result.suggested += queue_file_twins(library, of_this_file)
    conn.execute(
        "UPDATE sources SET found_count = (SELECT count(*) FROM claims WHERE source_id = ?) WHERE id = ?",
        (source_id, source_id),
    )
    if owner_id is not None and namesakes:
        result.suggested += settle_namesakes(library, owner_id, namesakes, source_id)
    # Order swaps and initial forms among this page's people: joined on strong evidence, else proposed.
    people = reconcile.papers_authors(library, touched) | ({owner_id} if owner_id is not None else set())
    joined = reconcile_authors(library, people)
    result.suggested += joined.suggested
    if joined.merged and result.new:
        _rekey_new_papers(library, result.new, {kept for kept, _, _ in joined.merged}, batch)
    # New papers' rows as they were written, unless a join above changed their people; the rest read back.
    made = papers.search_rows({person for kept, other, _ in joined.merged for person in (kept, other)})
    write_paper_rows(conn, made)
    library.refresh_search(sorted(touched - {row[0] for row in made}))
    if len(result.new) >= _COMPACT_AFTER and len(result.new) * 2 >= papers.next_id:
        # Most of the library came with this import: its search index, written in many pieces, is merged.
        library.compact_search()
    if touched or result.new:
        library.record_change(Change("papers", frozenset(touched), description=f"imported {file}"))
    library.record_change(Change("sources", description=f"imported {file}"))
    return result


class _NewPapers:
    """The import's new papers, their author lists and the people they bring, written together: a paper's or a
    new person's id is the one SQLite would give it (one more than the largest), so rows can wait for one
    `executemany` per table until something reads them (`flush`: before a join, an update, a review
    suggestion, a co-author count, and at the end).

    Who each name is comes from the plan (`plan.AuthorChoice`); only the name's person made earlier in this
    import by something the plan could not foresee (a joined paper's list written again) is looked up first, as
    the author resolver would."""

    def __init__(self, library: Library, batch: _Batch, owner_id: int | None) -> None:
        self.library = library
        self.batch = batch
        self.owner_id = owner_id
        self.next_id = (library.conn.execute("SELECT max(id) FROM papers").fetchone()[0] or 0) + 1
        self.next_author: int | None = None  # read again after each flush: others may have added people
        # Each new paper's values in the order of `columns` (every row names the same ones, in the same order):
        # kept as lists, not copied into one more dict per paper.
        self.columns: tuple[str, ...] | None = None
        self.rows: list[list[Any]] = []
        self.authorships: list[tuple[int, int, int, str]] = []
        self.people: list[tuple[int, str, str, str, str, str]] = []
        self.variants: list[tuple[int, str, str]] = []
        self.persons: dict[int, int] = {}  # the plan's new person -> their id
        # The people made here, with their display names: their names need no look-up.
        self.display: dict[int, str] = {}
        # Each new paper's full-text row, made from what is written (search_rows.paper_row), with its people:
        # only for a page without an owner (no implied authors), and where every person is one made here.
        self.search: list[tuple[tuple[Any, ...], tuple[int, ...]]] | None = [] if owner_id is None else None
        self.stamp = now()
        batch.flush = self.flush

    def add(self, record: Any, fmt: str, owner_id: int | None, data: dict[str, Any], step: RecordPlan) -> int:
        values, chosen = new_paper_row(
            self.library, record, fmt, owner_id, data=data, batch=self.batch, chosen=step.chosen, stamp=self.stamp
        )
        paper_id = self.next_id
        self.next_id += 1
        if self.columns is None:
            self.columns = tuple(values)
        elif tuple(values) != self.columns:
            raise LibraryError(f"the new paper of {record.line} names other columns than the papers before it")
        self.rows.append([paper_id, *values.values()])
        authors = chosen["authors"]
        if len(step.authors) != len(authors):
            raise LibraryError(f"the import plan of {record.line} names {len(step.authors)} of {len(authors)} authors")
        used: set[int] = set()
        placed: list[tuple[int, str]] = []
        created = self.batch.created
        for position, (name, choice) in enumerate(zip(authors, step.authors, strict=True)):
            if choice.kind == "owner":
                author_id = owner_id
            elif not choice.settled:
                self.flush()  # the co-authorships that decide are counted from the rows written
                author_id = self.batch.resolver(self.library, owner_id).resolve(
                    name, [n for n in authors if n != name], exclude=used
                )
                if choice.person is not None:
                    self.persons.setdefault(choice.person, author_id)
            else:
                key = parse_name(name).key
                author_id = created.get(key)
                if author_id is None or author_id in used:
                    author_id = choice.author_id if choice.kind == "existing" else self._person(choice.person, name)
            if author_id is None:
                raise LibraryError(f"the import plan of {record.line} names no person for {name}")
            used.add(author_id)
            self._variant(author_id, name)
            self.authorships.append((paper_id, position, author_id, name))
            placed.append((author_id, name))
        if self.search is not None and all(author_id in self.display for author_id in used):
            people = [(self.display[author_id], name) for author_id, name in placed]
            row = paper_row(paper_id, values, people, chosen["bib_fields"] or ())
            self.search.append((row, tuple(used)))
        self.batch.unindexed.append((paper_id, values["title"], values["abstract"]))
        return paper_id

    def search_rows(self, changed: Set[int]) -> list[tuple[Any, ...]]:
        """The full-text rows made for new papers none of whose people are in `changed` (joined to someone
        after they were written, their names may have changed)."""
        return [row for row, people in self.search or () if changed.isdisjoint(people)]

    def _person(self, person: int | None, name: str) -> int:
        """The plan's new person `person`, made the first time a name chooses them."""
        found = self.persons.get(person) if person is not None else None
        if found is not None:
            return found
        if self.next_author is None:
            self.next_author = (self.library.conn.execute("SELECT max(id) FROM authors").fetchone()[0] or 0) + 1
        author_id = self.next_author
        self.next_author += 1
        parsed = parse_name(name)
        # As `AuthorResolver.create` makes a person: the key of the family and given names as parsed.
        key = parse_name(f"{parsed.family}, {parsed.given}" if parsed.given else parsed.family).key
        display = parsed.display or name.strip()
        self.people.append((author_id, display, parsed.given, parsed.family, key, self.stamp))
        self.display[author_id] = display
        self.batch.created.setdefault(parsed.key, author_id)
        self.batch.touched_authors.add(author_id)
        if person is not None:
            self.persons[person] = author_id
        return author_id

    def _variant(self, author_id: int, name: str) -> None:
        name = " ".join(name.split())
        if not name or (author_id, name) in self.batch.variants:
            return
        if author_id not in self.display:  # someone already in the library: a name they had changes nothing
            self.batch.resolver(self.library, self.owner_id).add_variant(author_id, name)
            return
        self.batch.variants.add((author_id, name))
        self.variants.append((author_id, name, parse_name(name).key))

    def flush(self) -> None:
        conn = self.library.conn
        if self.people:
            conn.executemany(
                "INSERT INTO authors(id, display_name, given, family, name_key, created_at) VALUES (?,?,?,?,?,?)",
                self.people,
            )
            self.people.clear()
        self.next_author = None
        if self.variants:
            conn.executemany(
                "INSERT OR IGNORE INTO author_variants(author_id, name, name_key) VALUES (?, ?, ?)", self.variants
            )
            self.variants.clear()
        if self.rows and self.columns is not None:
            columns = ("id", *self.columns)
            conn.executemany(
                f"INSERT INTO papers({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", self.rows
            )
            self.rows.clear()
        if self.authorships:
            conn.executemany(
                "INSERT INTO authorships(paper_id, position, author_id, as_written) VALUES (?,?,?,?)", self.authorships
            )
            self.authorships.clear()


def _tag_keywords(library: Library, keyworded: Sequence[tuple[int, Sequence[str]]]) -> None:
    """Tag each paper with the keywords its .bib entry lists (a tag already there stays as it is). Only papers
    this file creates or joins: a newer capture of the same file (an update) never puts back a tag the user
    removed, and the user's tags are the entry's keywords from then on (the exporter writes them)."""
    pairs = [(paper_id, word) for paper_id, words in keyworded for word in words if tag_name(word)]
    if not pairs:
        return
    ids = {word: library._tag_id(word) for word in dict.fromkeys(word for _, word in pairs)}
    library.conn.executemany(
        "INSERT OR IGNORE INTO paper_tags(paper_id, tag_id) VALUES (?, ?)",
        [(paper_id, ids[word]) for paper_id, word in pairs],
    )


def _flush_claims(conn: Any, rows: list[tuple[Any, ...]]) -> None:
    """The new papers' claims waiting to be written, in one statement."""
    if rows:
        conn.executemany(
            "INSERT INTO claims(paper_id, source_id, entry_key, line, record, record_hash, lineage) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        rows.clear()


def settle_namesakes(library: Library, owner_id: int, namesakes: Sequence[int], source_id: int) -> int:
    """After a page is stored: join its new owner to a same-named person the page now proves them to be (the
    page's papers are theirs), else propose the pair for review. Returns how many pairs were proposed."""
    proposed = 0
    for namesake in namesakes:
        namesake = library.resolve_author(namesake)
        owner_id = library.resolve_author(owner_id)
        if namesake == owner_id or reconcile.is_decided(library, "author", owner_id, namesake):
            continue
        if reconcile.share_a_list(library.conn, owner_id, namesake):
            continue  # the page lists them side by side ("Na Li, Na Li"): two people
        evidence = reconcile.page_owner_evidence(library, owner_id, namesake, source_id)
        name = library.conn.execute("SELECT display_name FROM authors WHERE id = ?", (owner_id,)).fetchone()[0]
        said = [f"the page's owner and author {namesake} are both called {name}", *evidence]
        if len(evidence) >= reconcile.OWNER_EVIDENCE_NEEDED:
            keep, other = reconcile.keep_first(library, namesake, owner_id)
            merge_authors(library, keep, [other], evidence=said, automatic=True)
        else:
            score = 0.5 + 0.1 * len(evidence)
            proposed += reconcile.queue_candidate(library, "author", owner_id, namesake, score, said)
    return proposed


def bind_owner(library: Library, paper_id: int, owner_id: int, resolver: AuthorResolver) -> bool:
    """Put a page's owner in the one place of a paper's list written with one of their names ("Gao Jinyang" for
    Jinyang Gao), when they are not on it yet; the person who held the place, left with nothing, joins them."""
    conn = library.conn
    rows = conn.execute(
        "SELECT position, author_id, as_written FROM authorships WHERE paper_id = ? ORDER BY position", (paper_id,)
    ).fetchall()
    if any(author_id == owner_id for _, author_id, _ in rows):
        return False
    place = _owner_place([written for _, _, written in rows], _owner_names(library, owner_id), set())
    if place is None:
        return False
    position, held_by, written = rows[place]
    conn.execute(
        "UPDATE authorships SET author_id = ? WHERE paper_id = ? AND position = ?", (owner_id, paper_id, position)
    )
    resolver.add_variant(owner_id, written)
    resolver.touched.update([owner_id, held_by])
    if not reconcile.has_places(library, held_by):
        evidence = [f"“{written}” on paper {paper_id} is the page's owner"]
        merge_authors(library, owner_id, [held_by], evidence=evidence, automatic=True)
    return True
