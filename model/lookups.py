"""The library's side of online lookups: the response cache, what a paper offers to look up, a preview of what a
lookup would change field by field, and storing a lookup as one more source of a paper.

A lookup goes through `apply.import_records` like any imported page, so the same rules choose each field and a
user's edits still win. On top of that a lookup never replaces a value the paper already has unless the caller
says the user accepted it: such values are withheld from the stored record and reported instead.
No network and no importer modules here: records arrive as plain dataclasses.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from papershelf.model import reconcile
from papershelf.model.apply import import_records
from papershelf.model.library import Library, LibraryError, now
from papershelf.model.store import (
    _is_preprint_venue,
    _live_paper,
    choose_fields,
    entry_key,
    record_json,
)

# Each lookup service is one source of the library, like one page; its claims share one lineage.
SOURCE_FILES = {"lookup-arxiv": "arXiv API", "lookup-crossref": "Crossref API"}

# The fields a lookup may fill, in the order a summary lists them.
FIELDS = (
    "title",
    "authors",
    "year",
    "date",
    "venue",
    "entry_type",
    "doi",
    "arxiv_id",
    "journal_ref",
    "volume",
    "number",
    "pages",
    "publisher",
    "category",
    "comments",
    "abstract",
    "url",
)
_EXTRA_FIELDS = ("url", "volume", "number", "pages", "publisher")
_WEAK_TYPES = ("preprint", "misc")
_VALUE_COLUMNS = (
    "title, year, date, date_inferred, venue, entry_type, abstract, arxiv_id, doi, comments, journal_ref, "
    "category, url, volume, number, pages, publisher, authors_complete"
)


# ---------------------------------------------------------------------------------------------- cache
@dataclass(frozen=True)
class CachedResponse:
    status: int  # 200 for an answer, 404 for "this service does not know it"
    body: str
    fetched_at: str


def cache_get(
    library: Library, service: str, identifier: str, *, negative_max_age: dt.timedelta | None = None
) -> CachedResponse | None:
    """The stored answer of `service` about `identifier`; a "not known" answer older than `negative_max_age`
    counts as absent (a brand-new id may exist tomorrow)."""
    row = library.conn.execute(
        "SELECT status, body, fetched_at FROM lookup_cache WHERE service = ? AND identifier = ?",
        (service, identifier),
    ).fetchone()
    if row is None:
        return None
    cached = CachedResponse(row[0], row[1], row[2])
    if cached.status != 200 and negative_max_age is not None:
        try:
            fetched = dt.datetime.fromisoformat(cached.fetched_at)
        except ValueError:
            return None
        if dt.datetime.now(dt.UTC) - fetched > negative_max_age:
            return None
    return cached


def cache_put(library: Library, service: str, identifier: str, status: int, body: str) -> None:
    with library.transaction():
        library.db["lookup_cache"].upsert(
            {"service": service, "identifier": identifier, "fetched_at": now(), "status": status, "body": body},
            pk=("service", "identifier"),
        )


# ---------------------------------------------------------------------------------------------- targets
@dataclass(frozen=True)
class LookupTarget:
    """What a paper offers to look it up by."""

    paper_id: int
    title: str | None
    year: int | None
    arxiv_id: str | None
    doi: str | None
    authors: tuple[str, ...]
    authors_complete: bool
    label: str  # how a summary names the paper (its title, or its id when it has none)


def lookup_targets(library: Library, paper_ids: Sequence[int]) -> list[LookupTarget]:
    """The live papers among `paper_ids` (trash and merged papers are skipped), in the order given."""
    targets = []
    for paper in library.get_papers(list(paper_ids)):
        if paper.deleted_at is not None:
            continue
        targets.append(
            LookupTarget(
                paper_id=paper.id,
                title=paper.title,
                year=paper.year,
                arxiv_id=paper.arxiv_id,
                doi=paper.doi,
                authors=tuple(ref.as_written for ref in paper.authors),
                authors_complete=paper.authors_complete,
                label=paper.display_title,
            )
        )
    merged = {
        row[0]
        for row in library.conn.execute(
            f"SELECT id FROM papers WHERE merged_into IS NOT NULL AND id IN ({','.join('?' * len(targets))})",
            [t.paper_id for t in targets],
        )
    }
    return [t for t in targets if t.paper_id not in merged]


def incomplete_paper_ids(library: Library) -> list[int]:
    """Live papers that miss a title, a full author list, a year or a (published) venue: what "complete the
    whole library" asks about."""
    rows = library.conn.execute(
        "SELECT id, venue FROM papers WHERE deleted_at IS NULL AND merged_into IS NULL AND (title IS NULL OR "
        "authors_complete = 0 OR year IS NULL OR date_inferred = 1 OR venue IS NULL OR "
        "lower(trim(venue)) IN ('arxiv', 'corr', 'arxiv preprint', 'preprint') OR "
        "NOT EXISTS (SELECT 1 FROM authorships a WHERE a.paper_id = papers.id)) ORDER BY id"
    )
    return [row[0] for row in rows]


# ---------------------------------------------------------------------------------------------- planning
@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass
class LookupPlan:
    """What storing some lookup records on one paper would do. `items` are the records as they will be stored,
    with the values in `withheld` taken out; `paper_id` None means a new paper."""

    paper_id: int | None
    items: list[tuple[str, Any]]
    gained: list[FieldChange] = field(default_factory=list)  # the paper had nothing (or only a preprint's value)
    replaced: list[FieldChange] = field(default_factory=list)  # an existing value the user accepted replacing
    withheld: list[FieldChange] = field(default_factory=list)  # differs from the paper's value: not taken
    duplicates: list[int] = field(default_factory=list)  # other papers that then are clearly the same paper
    evidence: list[str] = field(default_factory=list)  # why they are the same

    @property
    def changes(self) -> bool:
        return bool(self.gained or self.replaced)


def paper_values(library: Library, paper_id: int) -> dict[str, Any]:
    row = library.conn.execute(f"SELECT {_VALUE_COLUMNS} FROM papers WHERE id = ?", (paper_id,)).fetchone()
    if row is None:
        raise LibraryError(f"there is no paper with id {paper_id}")
    values = dict(zip([c.strip() for c in _VALUE_COLUMNS.split(",")], row, strict=True))
    values["authors"] = [
        r[0]
        for r in library.conn.execute(
            "SELECT as_written FROM authorships WHERE paper_id = ? ORDER BY position", (paper_id,)
        )
    ]
    values["date_inferred"] = bool(values["date_inferred"])
    values["authors_complete"] = bool(values["authors_complete"])
    return values


def _lineage(fmt: str) -> str:
    return f"{fmt}|{SOURCE_FILES[fmt]}|"


def _simulate(library: Library, paper_id: int | None, items: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    """The paper's fields as `store.recompute_paper` would choose them with these records added."""
    replaced = {(_lineage(fmt), entry_key(record)) for fmt, record in items}
    claims: list[tuple[str, dict[str, Any]]] = []
    edits: dict[str, Any] = {}
    if paper_id is not None:
        for fmt, record, lineage, key in library.conn.execute(
            "SELECT s.format, c.record, c.lineage, c.entry_key FROM claims c JOIN sources s ON s.id = c.source_id "
            "WHERE c.paper_id = ? ORDER BY c.id",
            (paper_id,),
        ):
            if (lineage, key) not in replaced:
                claims.append((fmt, json.loads(record)))
        edits = {
            name: json.loads(value)
            for name, value in library.conn.execute(
                "SELECT field, value FROM paper_edits WHERE paper_id = ?", (paper_id,)
            )
        }
    claims.extend((fmt, record_json(record)) for fmt, record in items)
    chosen = choose_fields(claims)
    chosen.update(edits)
    return chosen


def _empty(name: str, value: Any, values: Mapping[str, Any]) -> bool:
    """Whether the paper lacks this field: nothing, a preprint venue or type, an inferred year, a cut list."""
    if value in (None, "", [], ()):
        return True
    if name == "venue":
        return _is_preprint_venue(value)
    if name == "entry_type":
        return value in _WEAK_TYPES
    if name in ("year", "date"):
        return bool(values.get("date_inferred"))
    if name == "authors":
        return not values.get("authors_complete")
    return False


def _same_text(a: Any, b: Any) -> bool:
    def folded(value: Any) -> Any:
        if isinstance(value, str):
            return " ".join(value.split()).casefold()
        if isinstance(value, list | tuple):
            return [folded(v) for v in value]
        return value

    return folded(a) == folded(b)


def _strip(record: Any, name: str) -> Any:
    """The record without its value for `name`, so the store cannot choose it."""
    if name in _EXTRA_FIELDS:
        extra = {k: v for k, v in (record.extra or {}).items() if k != name}
        return dataclasses.replace(record, extra=extra)
    if name == "authors":
        return dataclasses.replace(record, authors=())
    if name == "year":
        return dataclasses.replace(record, year=None, date=None)
    if name == "arxiv_id":
        return dataclasses.replace(record, arxiv_id=None, arxiv_version=None)
    return dataclasses.replace(record, **{name: None})


def plan_lookup(
    library: Library,
    paper_id: int | None,
    items: Sequence[tuple[str, Any]],
    *,
    accept: Collection[str] | bool = False,
) -> LookupPlan:
    """What storing these (format, record) pairs on `paper_id` would change. Values that would replace one the
    paper has are withheld unless their field is in `accept` (True accepts every field); the user's own
    edits always stay, as on any import."""
    items = list(items)
    if paper_id is None:
        after = _simulate(library, None, items)
        plan = LookupPlan(None, items)
        plan.gained = [FieldChange(n, None, after.get(n)) for n in FIELDS if after.get(n) not in (None, "", [])]
        return plan
    before = paper_values(library, paper_id)
    withheld: dict[str, FieldChange] = {}
    for _ in range(len(FIELDS)):
        after = _simulate(library, paper_id, items)
        conflicts = [
            name
            for name in FIELDS
            if name not in withheld
            and (accept is not True and name not in (accept or ()))
            and not _empty(name, before.get(name), before)
            and after.get(name) not in (None, "", [])
            and after.get(name) != before.get(name)
        ]
        if not conflicts:
            break
        for name in conflicts:
            withheld[name] = FieldChange(name, before.get(name), after.get(name))
            items = [(fmt, _strip(record, name)) for fmt, record in items]
    after = _simulate(library, paper_id, items)
    # Values that differ only in spacing or capitals are kept as they are, but not worth telling about.
    plan = LookupPlan(paper_id, items, withheld=[c for c in withheld.values() if not _same_text(c.old, c.new)])
    for name in FIELDS:
        old, new = before.get(name), after.get(name)
        if new in (None, "", []) or new == old:
            continue
        change = FieldChange(name, old, new)
        (plan.gained if _empty(name, old, before) else plan.replaced).append(change)
    # A completed list that is as long as the cut one it replaces still completes it.
    if not before["authors_complete"] and after.get("authors_complete") and after.get("authors") == before["authors"]:
        plan.gained.append(FieldChange("authors_complete", False, True))
    plan.duplicates, plan.evidence = _duplicates(library, paper_id, after)
    return plan


def _duplicates(library: Library, paper_id: int, values: Mapping[str, Any]) -> tuple[list[int], list[str]]:
    """Another live paper the completed paper would be merged with had it come with these values: the same
    paper entered twice (a page without the id, a listing without the title). A pair the user called distinct
    is left alone."""
    probe = SimpleNamespace(
        title=values.get("title"),
        year=values.get("year"),
        authors=tuple(values.get("authors") or ()),
        arxiv_id=values.get("arxiv_id"),
        doi=values.get("doi"),
        abstract=values.get("abstract"),
        venue=values.get("venue"),
        line=0,
        authors_complete=True,
    )
    match = reconcile.find_match(library, probe, exclude={paper_id})
    if match is None or not match.confident:
        return [], []
    deleted = library.conn.execute("SELECT deleted_at FROM papers WHERE id = ?", (match.paper_id,)).fetchone()
    a, b = sorted((paper_id, match.paper_id))
    distinct = library.conn.execute(
        "SELECT 1 FROM duplicate_candidates WHERE kind = 'paper' AND a_id = ? AND b_id = ? AND status = 'distinct'",
        (a, b),
    ).fetchone()
    if deleted is None or deleted[0] is not None or distinct:
        return [], []
    return [match.paper_id], list(match.evidence)


def live_paper_id(library: Library, paper_id: int) -> int:
    """The paper that now stands for `paper_id` (itself, or the paper it was merged into)."""
    return _live_paper(library, paper_id)


def find_confident_match(library: Library, record: Any) -> int | None:
    """The paper an incoming record would be merged into by the store's matching, or None for a new paper."""
    match = reconcile.find_match(library, record)
    return match.paper_id if match is not None and match.confident else None


# ---------------------------------------------------------------------------------------------- storing
def store_plan(library: Library, plan: LookupPlan, *, endpoints: Mapping[str, str]) -> int:
    """Store a plan's records as sources of its paper (creating the paper when it has none), then merge the
    paper it turned out to duplicate, as an import merges a record that clearly matches (undoable like any
    merge). Returns the id of the paper that now holds the lookup. Joins the caller's transaction if any."""
    paper_id = plan.paper_id
    with library.transaction():
        for fmt, record in plan.items:
            data = json.dumps(record_json(record), sort_keys=True, ensure_ascii=False)
            # Unique per call: the store's "same file imported again" shortcut is for files, not for lookups.
            digest = hashlib.sha256(f"{data}|{paper_id}|{now()}".encode()).hexdigest()
            result = import_records(
                library,
                file=SOURCE_FILES[fmt],
                path=endpoints.get(fmt, SOURCE_FILES[fmt]),
                sha256=digest,
                fmt=fmt,
                owner=None,
                records=[record],
                as_of=dt.date.today().isoformat(),
                targets=[paper_id],
            )
            touched = result.new + [p for p, _ in result.merged] + result.updated + result.unchanged
            if paper_id is None and touched:
                paper_id = touched[0]
        if paper_id is None:
            raise LibraryError("a lookup could not be stored: it named no paper and created none")
        if plan.duplicates:
            from papershelf.model.merge import merge_papers

            # The older paper is kept: its citation key may already be cited; the other's becomes an alias.
            kept = min(paper_id, *plan.duplicates)
            others = [p for p in (paper_id, *plan.duplicates) if p != kept]
            why = ["the same paper once looked up", *plan.evidence]
            merge_papers(library, kept, others, evidence=why)
            paper_id = kept
    return paper_id
