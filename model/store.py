"""What storing records is made of: a paper's fields chosen from its claims (provenance), author lists resolved
to people, new papers' rows and keys, a page's owner. `model.plan` and `model.apply` build the import from these.

Runs inside the caller's transaction. Values a user set (edits, tags, notes, keys) are never written here.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from papershelf.model import reconcile
from papershelf.model.citekeys import KeyAllocator, base_key, disambiguate, is_legal_key, title_key
from papershelf.model.common import LibraryError, now
from papershelf.model.names import names_relation, parse_name

if TYPE_CHECKING:
    from papershelf.model.library import Library

__all__ = ["title_key"]  # kept here for the callers that read it from the store


class Record(Protocol):
    """What the store reads from an importer's record (the pipeline passes importers' dataclasses through)."""

    line: int
    title: str | None
    authors: tuple[str, ...]
    authors_complete: bool


# Which source to believe first for a field when sources disagree (lower wins).
FORMAT_PRIORITY = {
    "bibtex": 0,
    "lookup-crossref": 1,
    "homepage": 2,
    "lookup-arxiv": 3,
    "scholarly-profile": 4,
    "aggregator": 5,
    "arxiv-listing": 6,
}
_PRE_PRINT_VENUES = {"arxiv", "corr", "arxiv preprint", "biorxiv", "medrxiv", "ssrn", "preprint"}
PAPER_FIELDS = (
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
    "authors_complete",
    "remarks",
    "has_code",
    "bib_type",
    "bib_fields",
)
# Record keys only a .bib's records carry: left out of other records' JSON, so their claims (and hashes) stay as
# they were before .bib entries were kept whole.
_BIB_RECORD_KEYS = ("bib_type", "bib_fields")


@dataclass
class ImportResult:
    source_id: int | None
    new: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    merged: list[tuple[int, list[str]]] = field(default_factory=list)  # (paper id, why it matched)
    # Of `merged`, the papers whose fields the joining record left as they were (our own export read back):
    # the record is kept as provenance, but nothing the user sees changed.
    merged_unchanged: list[int] = field(default_factory=list)
    suggested: int = 0  # possible duplicates put in the review queue
    same_file: bool = False  # the identical file was imported before: nothing was written
    reowned: list[int] = field(default_factory=list)  # papers that gained or lost the page's owner (in updated)


def entry_key(record: Any) -> str:
    """What identifies an entry across captures of the same page."""
    if getattr(record, "arxiv_id", None):
        return "arxiv:" + record.arxiv_id
    if getattr(record, "doi", None):
        return "doi:" + record.doi.lower()
    if getattr(record, "citekey", None):
        return "key:" + record.citekey
    key = title_key(record.title)
    if key:
        return "title:" + key
    body = (getattr(record, "abstract", None) or "") + "|" + "|".join(record.authors)
    return "text:" + hashlib.sha1(body.encode()).hexdigest()


def record_json(record: Any) -> dict[str, Any]:
    """The record as plain data, as dataclasses.asdict gives it (claims store and hash this); the .bib entry's
    keys only when it has one."""
    if not dataclasses.is_dataclass(record):
        data = dict(vars(record))
    else:
        names = _field_names(type(record))
        held = getattr(record, "__dict__", None)
        # A dataclass's own __init__ fills __dict__ in field order: copied whole, and only the few values that
        # are not plain scalars (links, extra, the .bib fields) converted (an import converts every record).
        if held is not None and tuple(held) == names:
            data = dict(held)
        else:
            data = {name: getattr(record, name) for name in names}
        for name, value in data.items():
            if name == "bib_fields":
                data[name] = _bib_record_fields(value)
            elif type(value) not in _SCALARS and not (type(value) is tuple and all(type(i) is str for i in value)):
                data[name] = _plain(value)
    if not data.get("bib_type") and not data.get("bib_fields"):
        for name in _BIB_RECORD_KEYS:
            data.pop(name, None)
    return data


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _bib_record_fields(fields: Iterable[Any]) -> list[list[Any]]:
    """[name, LaTeX, text, macro] per field, the text only where it differs from the LaTeX (most values have
    none): a library holds every field of every .bib entry, and this keeps it near the size of the files."""
    return [[f.name, f.latex, None if f.text == f.latex else f.text, f.macro] for f in fields]


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _plain(value: Any) -> Any:
    # asdict's walk without its deep copies of strings and numbers: an import converts every record.
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: _plain(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, list | tuple) and not hasattr(value, "_fields"):
        if type(value) is tuple and all(type(item) is str for item in value):
            return value  # names, keywords: immutable, nothing inside to convert
        return type(value)(_plain(item) for item in value)
    if isinstance(value, dict):
        return type(value)((_plain(k), _plain(v)) for k, v in value.items())
    return copy.deepcopy(value)


# json.dumps builds an encoder per call when given options.
_SORTED_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False)
_RECORD_JSON = json.JSONEncoder(ensure_ascii=False)


def legacy_hash(data: dict[str, Any]) -> str:
    """The hash earlier versions stored claims with: the sha1 of the key-sorted JSON. A re-import still
    recognises an unchanged record by it (`plan`), so no library needs its claims rewritten."""
    return hashlib.sha1(_SORTED_JSON.encode(data).encode()).hexdigest()


def record_text(data: dict[str, Any]) -> str:
    """The record's JSON as claims store it (`json.dumps(data, ensure_ascii=False)`)."""
    return _RECORD_JSON.encode(data)


def encode_record(data: dict[str, Any]) -> tuple[str, str]:
    """The record's claim JSON (`record_text`, byte for byte as stored claims have it) and its hash, the sha1 of
    that JSON. The JSON is made from the record's fields in a fixed order, so it needs no sorted copy: that
    second encoding was 40% of converting a record (1.5-2 s of CPU for a 100,000-entry .bib)."""
    text = _RECORD_JSON.encode(data)
    return text, hashlib.sha1(text.encode()).hexdigest()


# ---------------------------------------------------------------------------------------------- authors
# The same spellings recur on every page of a library: each is parsed once (parse_name is a pure function).
_parse_name = parse_name  # cached in model.names


def _key_count(library: Library) -> int:
    row = library.conn.execute(
        "SELECT (SELECT count(*) FROM papers) + (SELECT count(*) FROM citekey_aliases)"
    ).fetchone()
    return int(row[0])


@dataclass
class _Batch:
    """What one import remembers from record to record, so that no name is looked up or written twice.

    `created` maps a name key to the person this import created for it: no one else had that key then, so a
    later lookup could only find that person. People whose names changed are refreshed in the author search
    once, at the end of the import.
    """

    created: dict[str, int] = field(default_factory=dict)
    variants: set[tuple[int, str]] = field(default_factory=set)
    touched_authors: set[int] = field(default_factory=set)
    resolvers: dict[int | None, AuthorResolver] = field(default_factory=dict)
    # Papers created by this import, indexed for matching at its end: matching never proposes them within it.
    unindexed: list[tuple[int, str | None, str | None]] = field(default_factory=list)
    citekey_pattern: Any = None
    pattern_read: bool = False
    # The keys taken, read once per key base for the whole import instead of once per candidate key.
    allocator: KeyAllocator | None = None
    # How many records the import holds: with many beside the library, every key is read at once.
    size: int = 0
    # Writes the rows an import holds back to write together; called before anything reads them.
    flush: Callable[[], None] | None = None

    def keys(self, library: Library) -> KeyAllocator:
        if self.allocator is None:
            self.allocator = KeyAllocator(library, read_all=self.size >= 64 and self.size * 4 >= _key_count(library))
        return self.allocator

    def resolver(self, library: Library, owner_id: int | None) -> AuthorResolver:
        found = self.resolvers.get(owner_id)
        if found is None:
            found = AuthorResolver(library, owner_id, _owner_names(library, owner_id), batch=self)
            self.resolvers[owner_id] = found
        return found


class AuthorResolver:
    """Turns names as written into author ids, binding the page owner's variants to the owner."""

    def __init__(
        self,
        library: Library,
        owner_id: int | None = None,
        owner_names: Iterable[str] = (),
        *,
        batch: _Batch | None = None,
    ) -> None:
        self.library = library
        self.conn = library.conn
        self.owner_id = owner_id
        self.owner_keys: set[str] = set()
        for name in owner_names:
            parsed = _parse_name(name)
            self.owner_keys.add(parsed.key)
        self.batch = batch
        self.touched: set[int] = batch.touched_authors if batch is not None else set()

    def is_owner(self, name: str) -> bool:
        if self.owner_id is None:
            return False
        parsed = _parse_name(name)
        return parsed.key in self.owner_keys or parsed.swapped_key in self.owner_keys

    def resolve(self, name: str, coauthor_names: Sequence[str] = (), exclude: Set[int] = frozenset()) -> int:
        """The person this name means; never one in `exclude` (the people already placed on the same list:
        two places of one author list are two people, whatever their names)."""
        parsed = _parse_name(name)
        if self.owner_id is not None and self.owner_id not in exclude and self.is_owner(name):
            author_id = self.owner_id
        else:
            author_id = self.batch.created.get(parsed.key) if self.batch is not None else None
            if author_id in exclude:
                author_id = None
            if author_id is None:
                flush = self.batch.flush if self.batch is not None else None
                author_id = reconcile.pick_author(
                    self.library, parsed, coauthor_names, exclude=exclude, before_tiebreak=flush
                )
            if author_id is None:
                author_id = self.create(parsed.display or name.strip(), parsed.given, parsed.family)
                if self.batch is not None:
                    self.batch.created.setdefault(parsed.key, author_id)
        self.add_variant(author_id, name)
        return author_id

    def create(self, display: str, given: str, family: str) -> int:
        parsed_key = _parse_name(f"{family}, {given}" if given else family).key
        cursor = self.conn.execute(
            "INSERT INTO authors(display_name, given, family, name_key, created_at) VALUES (?, ?, ?, ?, ?)",
            (display, given, family, parsed_key, now()),
        )
        self.touched.add(cursor.lastrowid)
        return cursor.lastrowid

    def add_variant(self, author_id: int, name: str) -> None:
        name = " ".join(name.split())
        if not name:
            return
        if self.batch is not None:
            if (author_id, name) in self.batch.variants:
                return  # written (or found present) earlier in this import
            self.batch.variants.add((author_id, name))
        cursor = self.conn.execute(
            "INSERT OR IGNORE INTO author_variants(author_id, name, name_key) VALUES (?, ?, ?)",
            (author_id, name, _parse_name(name).key),
        )
        if cursor.rowcount:
            self.touched.add(author_id)


def resolve_owner(
    library: Library, owner: Any, records: Sequence[Any] = (), *, previous: int | None = None
) -> tuple[int, list[int]]:
    """The author a page is about, and the namesakes it was not bound to (to be checked again after the import).

    `previous` is the person an earlier import of this page was attributed to: a page keeps its owner while the
    owner's name stays the same. Otherwise an existing person with the same name is the owner only on evidence
    (the page lists their papers or their co-authors, see `reconcile.owner_evidence`); a name alone proves
    nothing ("Wei Lin" is many people), so without evidence the page gets a new person and the namesakes are
    returned, to be joined or proposed once the page's papers are in the library.
    """
    author_id, namesakes = decide_owner(library, owner, records, previous=previous)
    return place_owner(library, owner, author_id), namesakes


def place_owner(library: Library, owner: Any, author_id: int | None) -> int:
    """The page's owner as `decide_owner` chose them (None: a new person), with the names the page uses."""
    names = [owner.name, *getattr(owner, "aliases", ())]
    parsed = _parse_name(owner.name)
    resolver = AuthorResolver(library)
    if author_id is None:
        author_id = resolver.create(parsed.display or owner.name, parsed.given, parsed.family)
    for name in names:
        # A bare nickname ("Justin") alone is not a name of the person for matching purposes elsewhere.
        if len(name.split()) >= 2 or name == owner.name:
            resolver.add_variant(author_id, name)
    # Only a new person or a new name changes the author search: a re-import writes nothing there.
    library.refresh_author_search(resolver.touched)
    return author_id


def decide_owner(
    library: Library, owner: Any, records: Sequence[Any] = (), *, previous: int | None = None
) -> tuple[int | None, list[int]]:
    """`resolve_owner`'s choice without writing: the existing person the page is about (None: a new person is
    needed), and the namesakes it was not bound to."""
    parsed = _parse_name(owner.name)
    author_id: int | None = None
    namesakes: list[int] = []
    if previous is not None:
        previous = library.resolve_author(previous)
        if parsed.key in {_parse_name(n).key for n in _owner_names(library, previous)}:
            author_id = previous
    if author_id is None:
        best: tuple[int, int] | None = None
        for candidate in reconcile.namesakes(library, parsed):
            weight = len(reconcile.owner_evidence(library, candidate, parsed, records))
            if weight >= reconcile.OWNER_EVIDENCE_NEEDED and (best is None or weight > best[0]):
                best = (weight, candidate)
            namesakes.append(candidate)
        if best is not None:
            author_id, namesakes = best[1], []
    return author_id, namesakes


def _owner_place(written: Sequence[str], owner_names: Sequence[str], taken: Set[int]) -> int | None:
    """The one position (not in `taken`) written with a form of the owner's names: the same name, the other
    order, initials. None when no place or several places fit: a guess would give one person two places."""
    forms = [_parse_name(n) for n in owner_names]
    fits = [
        position
        for position, name in enumerate(written)
        if position not in taken and any(names_relation(_parse_name(name), form) for form in forms)
    ]
    return fits[0] if len(fits) == 1 else None


# ---------------------------------------------------------------------------------------------- choosing
def _is_preprint_venue(venue: str | None) -> bool:
    return not venue or venue.strip().lower() in _PRE_PRINT_VENUES


def choose_fields(
    claims: Sequence[tuple[str, dict[str, Any]]], precedence: Sequence[int] | None = None
) -> dict[str, Any]:
    """Pick each field from the sources that state it: a title over none, a full author list over a truncated
    one, a conference or journal over "arXiv", the arXiv listing's id, date and abstract.

    `precedence`, parallel to `claims`, ranks them before the sources' formats do (lower first): a paper the
    user kept in a merge keeps its own values (rank 0) over those merged into it.
    """
    if len(claims) == 1:
        return _choose_one(*claims[0])
    return _choose_many(claims, precedence)


_EMPTY = (None, "", [], ())


def _first(value: Any) -> Any:
    return None if value in _EMPTY else value


def _choose_one(fmt: str, record: dict[str, Any]) -> dict[str, Any]:
    """`choose_fields` of one claim (every new paper of an import): the same choices with nothing to rank,
    without the ranking's sorts and lists (tests compare it with `_choose_many` of the one claim)."""
    get = record.get
    extra = get("extra")
    extra_fields = extra or {}
    chosen: dict[str, Any] = {"title": _first(get("title"))}
    published = not _is_preprint_venue(get("venue"))
    chosen["venue"] = record["venue"] if published else _first(get("venue"))
    if not published and isinstance(extra, dict) and extra.get("venue_claim"):
        chosen["venue"] = extra["venue_claim"]
    year = get("year")
    chosen["year"] = year if year else None
    date = get("date")
    dated = bool(date) and (year == chosen["year"] or not chosen["year"])
    chosen["date"] = date if dated else None
    chosen["date_inferred"] = bool(get("date_inferred")) if dated else False
    arxiv_id = _first(get("arxiv_id"))
    if published and get("entry_type"):
        chosen["entry_type"] = record["entry_type"]
    else:
        chosen["entry_type"] = _first(get("entry_type")) or ("preprint" if arxiv_id else None)
    abstract = get("abstract")
    chosen["abstract"] = (_first(abstract) if fmt in ("arxiv-listing", "lookup-arxiv") else None) or (
        abstract if abstract else None
    )
    chosen["arxiv_id"] = arxiv_id
    chosen["doi"] = _first(get("doi"))
    chosen["category"] = _first(get("category"))
    chosen["comments"] = _first(get("comments"))
    chosen["journal_ref"] = _first(get("journal_ref"))
    for name in ("url", "volume", "number", "pages", "publisher"):
        value = extra_fields.get(name)
        chosen[name] = value if value else None
    links: list[dict[str, str]] = []
    for link in get("links") or []:
        if link not in links:
            links.append(link)
    chosen["links"] = links
    remark = extra_fields.get("note") or extra_fields.get("addendum") if fmt == "bibtex" else get("note")
    chosen["remarks"] = remark.strip() if isinstance(remark, str) and remark.strip() else None
    chosen["has_code"] = bool(get("has_code")) or any(link.get("kind") == "code" for link in links)
    if get("authors"):
        chosen["authors"] = list(record["authors"])
        chosen["authors_complete"] = bool(get("authors_complete", True))
    else:
        chosen["authors"] = []
        chosen["authors_complete"] = False
    chosen["bib_type"], chosen["bib_fields"] = _bib_entry(((fmt, record),))
    return chosen


def _choose_many(
    claims: Sequence[tuple[str, dict[str, Any]]], precedence: Sequence[int] | None = None
) -> dict[str, Any]:
    ranks = list(precedence) if precedence is not None else [0] * len(claims)
    order = sorted(range(len(claims)), key=lambda i: (ranks[i], FORMAT_PRIORITY.get(claims[i][0], 9)))
    ordered = [claims[i] for i in order]
    rank_of = [ranks[i] for i in order]
    records = [r for _, r in ordered]

    def first(name: str, records: Sequence[dict[str, Any]] = records) -> Any:
        for record in records:
            value = record.get(name)
            if value not in (None, "", [], ()):
                return value
        return None

    def extra_of(record: dict[str, Any]) -> dict[str, Any]:
        found = record.get("extra")
        return found if isinstance(found, dict) else {}

    def extra(name: str) -> Any:
        for record in records:
            value = (record.get("extra") or {}).get(name)
            if value:
                return value
        return None

    def best_ranked(keep: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
        """The records that pass `keep`, only those of the best rank among them."""
        kept = [(rank, r) for rank, r in zip(rank_of, records, strict=True) if keep(r)]
        top = min((rank for rank, _ in kept), default=0)
        return [r for rank, r in kept if rank == top]

    chosen: dict[str, Any] = {}
    chosen["title"] = first("title")
    published = [r for r in records if not _is_preprint_venue(r.get("venue"))]
    venue_record = published[0] if published else None
    chosen["venue"] = venue_record["venue"] if venue_record else first("venue")
    if venue_record is None:
        # Lowest priority: where an arXiv entry's comments say it was published ("Accepted by NeurIPS 2021").
        claimed = next((extra_of(r)["venue_claim"] for r in records if extra_of(r).get("venue_claim")), None)
        if claimed:
            chosen["venue"] = claimed
    if venue_record and venue_record.get("year"):
        chosen["year"] = venue_record["year"]
    else:
        years = [r["year"] for r in best_ranked(lambda r: bool(r.get("year")))]
        exact = [r["year"] for r in best_ranked(lambda r: bool(r.get("year")) and not r.get("date_inferred"))]
        chosen["year"] = min(exact) if exact else (min(years) if years else None)
    dated = [
        (rank, r)
        for rank, r in zip(rank_of, records, strict=True)
        if r.get("date") and (r.get("year") == chosen["year"] or not chosen["year"])
    ]
    dated.sort(key=lambda c: (bool(c[1].get("date_inferred")), c[0], -len(c[1]["date"])))
    chosen["date"] = dated[0][1]["date"] if dated else None
    chosen["date_inferred"] = bool(dated[0][1].get("date_inferred")) if dated else False
    if venue_record and venue_record.get("entry_type"):
        chosen["entry_type"] = venue_record["entry_type"]
    else:
        chosen["entry_type"] = first("entry_type") or ("preprint" if first("arxiv_id") else None)
    arxiv_records = [r for f, r in ordered if f in ("arxiv-listing", "lookup-arxiv")]
    abstracts = best_ranked(lambda r: bool(r.get("abstract")))
    chosen["abstract"] = first("abstract", arxiv_records) or max(
        (r["abstract"] for r in abstracts), key=len, default=None
    )
    for name in ("arxiv_id", "doi", "category"):
        chosen[name] = first(name)
    chosen["comments"] = first("comments", arxiv_records) or first("comments")
    chosen["journal_ref"] = first("journal_ref")
    chosen["url"] = extra("url")
    for name in ("volume", "number", "pages", "publisher"):
        chosen[name] = extra(name)
    links: list[dict[str, str]] = []
    for record in records:
        for link in record.get("links") or []:
            if link not in links:
                links.append(link)
    chosen["links"] = links
    # What pages said about the paper besides its data (a .bib's `note`; its `annote` is the reader's own note).
    remarks: list[str] = []
    for fmt, record in ordered:
        extra_fields = record.get("extra") or {}
        remark = extra_fields.get("note") or extra_fields.get("addendum") if fmt == "bibtex" else record.get("note")
        if isinstance(remark, str) and remark.strip() and remark.strip() not in remarks:
            remarks.append(remark.strip())
    chosen["remarks"] = "; ".join(remarks) or None
    chosen["has_code"] = any(r.get("has_code") for r in records) or any(link.get("kind") == "code" for link in links)
    lists = [(rank, f, r) for rank, (f, r) in zip(rank_of, ordered, strict=True) if r.get("authors")]
    if lists:
        complete = [c for c in lists if c[2].get("authors_complete", True)]
        pool = complete or lists
        best = max(pool, key=lambda c: (-c[0], len(c[2]["authors"]), -FORMAT_PRIORITY.get(c[1], 9)))
        chosen["authors"] = list(best[2]["authors"])
        chosen["authors_complete"] = bool(best[2].get("authors_complete", True))
    else:
        chosen["authors"] = []
        chosen["authors_complete"] = False
    chosen["bib_type"], chosen["bib_fields"] = _bib_entry(ordered)
    return chosen


def _bib_entry(ordered: Sequence[tuple[str, dict[str, Any]]]) -> tuple[str | None, list[list[Any]]]:
    """The type and fields of the best .bib claim (the paper's own before merged ones, then the oldest): one
    entry whole, never fields mixed from several, so it exports as its author wrote it. Claims stored before
    fields were kept give their declared type alone."""
    for fmt, record in ordered:
        if fmt != "bibtex":
            continue
        declared = record.get("bib_type") or record.get("entry_type")
        fields = [
            [f[0], f[1] if f[2] is None else f[2], f[1], f[3], False]
            for f in record.get("bib_fields") or ()
            if isinstance(f, list) and len(f) == 4
        ]
        return (declared.lower() if isinstance(declared, str) and declared else None), fields
    for _fmt, record in ordered:
        entry = _stated_entry(record)
        if entry is not None:
            return entry
    return None, []


# Types a page's citation states in words ("PhD thesis, University of Edinburgh", "In: A. Editor (ed.) Book,
# Springer"), and the fields it names besides the paper's own: kept as an entry so an export writes @phdthesis
# with its school, not a @misc that has nowhere to put it.
_STATED_TYPES = frozenset({"phdthesis", "mastersthesis", "techreport", "book", "incollection"})
_STATED_FIELDS = (
    "editor",
    "booktitle",
    "school",
    "institution",
    "type",
    "series",
    "edition",
    "publisher",
    "address",
    "language",
)


def _stated_entry(record: dict[str, Any]) -> tuple[str, list[list[Any]]] | None:
    """The entry a page record's own words make, for the types above; None for anything else. Its fields are
    Unicode text with no LaTeX, escaped by the exporter like any typed value."""
    entry_type = record.get("entry_type")
    extra = record.get("extra") or {}
    if entry_type not in _STATED_TYPES or not isinstance(extra, dict):
        return None
    fields: list[list[Any]] = []

    def put(name: str, value: Any) -> None:
        if value not in (None, "", [], ()):
            fields.append([name, str(value), None, None, False])

    put("title", record.get("title"))
    authors = record.get("authors") or []
    put(
        "author",
        " and ".join(str(a) for a in authors) + (" and others" if not record.get("authors_complete", True) else ""),
    )
    if entry_type == "incollection" and not extra.get("booktitle"):
        put("booktitle", record.get("venue"))
    for name in _STATED_FIELDS:
        put(name, extra.get(name))
    for name in ("volume", "number", "pages"):
        put(name, record.get(name) or extra.get(name))
    put("year", record.get("year"))
    put("doi", record.get("doi"))
    return entry_type, fields


# Core paper fields and the .bib fields they are written in: an edit of the core field is the truth for these.
_CORE_BIB_NAMES = {
    "title": ("title",),
    "year": ("year", "date"),
    "date": ("date",),
    "venue": ("journaltitle", "journal", "booktitle"),
    "volume": ("volume",),
    "number": ("number",),
    "pages": ("pages",),
    "publisher": ("publisher",),
    "doi": ("doi",),
    "url": ("url",),
    "abstract": ("abstract",),
    "arxiv_id": ("eprint",),
}
# A .bib field the user edits through the paper's own field (edit_paper), and that field.
BIB_CORE_FIELDS = {name: core for core, names in _CORE_BIB_NAMES.items() for name in names}
_VENUE_FIELD_OF_TYPE = {
    "article": "journal",
    "periodical": "journal",
    "inproceedings": "booktitle",
    "conference": "booktitle",
    "incollection": "booktitle",
    "inbook": "booktitle",
    "bookinbook": "booktitle",
    "inreference": "booktitle",
    "misc": "howpublished",
    "online": "howpublished",
    "unpublished": "howpublished",
}


def apply_bib_edits(chosen: dict[str, Any], edits: dict[str, Any]) -> None:
    """The user's edits in the chosen .bib view: a `bib:NAME` edit sets that field ("" removes it); an edit of
    a core field (title, venue, year ...) becomes the text of the .bib field that states it, or of the field the
    user named for it when the entry had none (a `bib:NAME` edit of the same value). Either is marked
    edited with no LaTeX, so an export escapes the user's text instead of writing the source's LaTeX. Papers no
    .bib stated get only the fields the user added."""
    fields: list[list[Any]] = [list(f) for f in chosen.get("bib_fields") or []]
    from_bib = bool(fields)

    def place(name: str) -> int | None:
        return next((i for i, f in enumerate(fields) if f[0] == name), None)

    def put(name: str, text: str | None) -> None:
        at = place(name)
        if not text:
            if at is not None:
                del fields[at]
        elif at is None:
            fields.append([name, text, None, None, True])
        else:
            fields[at] = [name, text, None, None, True]

    if from_bib:
        for core, names in _CORE_BIB_NAMES.items():
            if core not in edits:
                continue
            value = edits[core]
            text = "" if value is None else str(value)
            present = [name for name in names if place(name) is not None]
            if not present and any(f"bib:{name}" in edits for name in names):
                continue  # the user said which field states it (edit_bib_fields): that edit places it
            if core == "year" and not present:
                put("year", text)
            elif core == "year" and present[0] == "date":
                date = fields[place("date")][1]
                put("date", text + date[4:] if text and len(date) >= 4 and date[:4].isdigit() else text)
            elif present:
                put(present[0], text)
            elif core == "venue":
                wanted = _VENUE_FIELD_OF_TYPE.get(chosen.get("bib_type") or "")
                if wanted:
                    put(wanted, text)
            elif core != "date":
                put(names[0], text)
        if isinstance(edits.get("authors"), list):
            put("author", " and ".join(str(n) for n in edits["authors"]))
    for key, value in edits.items():
        if key.startswith("bib:") and isinstance(value, str):
            put(key[4:], value)
    chosen["bib_fields"] = fields


def _edits(library: Library, paper_id: int) -> dict[str, Any]:
    return {
        f: json.loads(v)
        for f, v in library.conn.execute("SELECT field, value FROM paper_edits WHERE paper_id = ?", (paper_id,))
    }


def _claims_of(library: Library, paper_id: int) -> list[tuple[str, dict[str, Any], int | None, int]]:
    """(format, record, page owner, claim id) of each claim on the paper, oldest first."""
    return [
        (fmt, json.loads(record), owner_id, claim_id)
        for fmt, record, owner_id, claim_id in library.conn.execute(
            "SELECT s.format, c.record, s.owner_id, c.id FROM claims c JOIN sources s ON s.id = c.source_id "
            "WHERE c.paper_id = ? ORDER BY c.id",
            (paper_id,),
        )
    ]


def _merged_in(library: Library, paper_id: int) -> dict[int, int]:
    """Claim id -> how many merges by the user it came through into this paper (absent: the paper's own).

    The merges table remembers which claims each merged paper brought, so the kept paper's own values keep
    winning on every later re-choice (a re-import, an edit), not just right after the merge.
    """
    conn = library.conn
    active = "m.kind = 'paper' AND m.automatic = 0 AND m.undone_at IS NULL AND m.kept_id != m.merged_id"
    if not conn.execute(
        "SELECT 1 FROM merges m WHERE m.kept_id = ? AND " + active + " LIMIT 1", (paper_id,)
    ).fetchone():
        return {}  # nearly every paper: one indexed look-up
    depth: dict[int, int] = {}
    for (snapshot,) in conn.execute(
        f"""WITH RECURSIVE tree(id) AS (SELECT ? UNION SELECT m.merged_id FROM merges m JOIN tree t
            ON m.kept_id = t.id WHERE {active})
            SELECT m.snapshot FROM merges m JOIN tree t ON m.kept_id = t.id WHERE {active}""",
        (paper_id,),
    ):
        for claim_id in (json.loads(snapshot or "{}").get("other") or {}).get("claim_ids") or []:
            depth[claim_id] = depth.get(claim_id, 0) + 1
    return depth


def _row_values(chosen: dict[str, Any]) -> dict[str, Any]:
    values = {name: chosen.get(name) for name in PAPER_FIELDS}
    # The shared encoder: json.dumps makes one per call when given options, and this runs per new paper.
    values["links"] = _RECORD_JSON.encode(values["links"] or [])
    values["date_inferred"] = int(bool(values["date_inferred"]))
    values["authors_complete"] = int(bool(values["authors_complete"]))
    values["has_code"] = int(bool(values["has_code"]))
    # [name, text, LaTeX, macro, edited], the text null where it is the LaTeX as written (see record_json).
    values["bib_fields"] = _RECORD_JSON.encode(
        [[n, None if t == x else t, x, m, int(e)] for n, t, x, m, e in values["bib_fields"] or ()]
    )
    values["title_key"] = title_key(values["title"])
    return values


def recompute_paper(library: Library, paper_id: int, *, force: bool = False, batch: _Batch | None = None) -> bool:
    """Re-choose a paper's fields and author list from its claims and the user's edits; True if it changed."""
    conn = library.conn
    claims = _claims_of(library, paper_id)
    merged_in = _merged_in(library, paper_id)
    chosen = choose_fields(
        [(fmt, record) for fmt, record, _, _ in claims],
        [merged_in.get(claim_id, 0) for *_, claim_id in claims] if merged_in else None,
    )
    edits = _edits(library, paper_id)
    chosen.update({k: v for k, v in edits.items() if k in PAPER_FIELDS})
    if isinstance(edits.get("authors"), list):
        # The user's own list, like any other edit, wins over every source; typed out, it is whole unless the
        # user says it is not.
        chosen["authors"] = [" ".join(str(n).split()) for n in edits["authors"] if str(n).strip()]
        chosen["authors_complete"] = bool(edits.get("authors_complete", True))
    apply_bib_edits(chosen, edits)
    values = _row_values(chosen)
    columns = list(values)
    current = conn.execute(f"SELECT {', '.join(columns)} FROM papers WHERE id = ?", (paper_id,)).fetchone()
    if current is None:
        raise LibraryError(f"there is no paper with id {paper_id}")
    changed = any(current[i] != values[c] for i, c in enumerate(columns))
    if changed or force:
        assignments = ", ".join(f"{c} = ?" for c in columns)
        conn.execute(
            f"UPDATE papers SET {assignments}, updated_at = ? WHERE id = ?",
            [values[c] for c in columns] + [now(), paper_id],
        )
        reconcile.index_paper(library, paper_id)
    written = [
        r[0]
        for r in conn.execute("SELECT as_written FROM authorships WHERE paper_id = ? ORDER BY position", (paper_id,))
    ]
    if written != chosen["authors"]:
        owner_for_list = _owner_of_list(claims, chosen["authors"])
        implied = [
            r[0]
            for r in conn.execute(
                "SELECT DISTINCT author_id FROM implied_authors WHERE paper_id = ? ORDER BY author_id", (paper_id,)
            )
        ]
        _write_authorships(library, paper_id, chosen["authors"], owner_for_list, batch=batch, implied=implied)
        changed = True
    return changed


def _owner_of_list(claims: Sequence[tuple[str, dict[str, Any], int | None, int]], authors: list[str]) -> int | None:
    for _, record, owner_id, _ in claims:
        if list(record.get("authors") or []) == authors and owner_id is not None:
            return owner_id
    return None


def _owner_names(library: Library, owner_id: int | None) -> list[str]:
    if owner_id is None:
        return []
    return [r[0] for r in library.conn.execute("SELECT name FROM author_variants WHERE author_id = ?", (owner_id,))]


def _write_authorships(
    library: Library,
    paper_id: int,
    authors: Sequence[str],
    owner_id: int | None,
    *,
    batch: _Batch | None = None,
    new: bool = False,
    implied: Sequence[int] = (),
    rows_out: list[tuple[int, int, int, str]] | None = None,
) -> None:
    """The paper's author list, each name resolved to a person; `new` papers have no list to replace. With
    `rows_out` the authorship rows are added to it, to be written with others, instead of written here.

    A list that replaces another keeps its people: each place is first lined up with the old list (the same
    name, or the same place written in a compatible form: "Jagadish, Hosagrahar V." where "H. V. Jagadish"
    stood), so a person keeps their papers and gains the new way of writing them. `implied` people (a page's
    owner behind "et al.") take the one place written with a form of their name. No person gets two places.
    """
    conn = library.conn
    old: list[tuple[int, str]] = []
    if not new:
        old = [
            (r[0], " ".join(r[1].split()))
            for r in conn.execute(
                "SELECT author_id, as_written FROM authorships WHERE paper_id = ? ORDER BY position", (paper_id,)
            )
        ]
        conn.execute("DELETE FROM authorships WHERE paper_id = ?", (paper_id,))
    if batch is not None:
        resolver = batch.resolver(library, owner_id)
    else:
        resolver = AuthorResolver(library, owner_id, _owner_names(library, owner_id))
    names = [" ".join(n.split()) for n in authors]
    bound = _line_up(library, names, old, resolver, implied)
    used = set(bound.values())
    rows = []
    for position, name in enumerate(authors):
        author_id = bound.get(position)
        if author_id is None:
            author_id = resolver.resolve(name, [n for n in authors if n != name], exclude=used)
            used.add(author_id)
        else:
            resolver.add_variant(author_id, name)
        rows.append((paper_id, position, author_id, name))
    if rows_out is not None:
        rows_out.extend(rows)
        return
    conn.executemany("INSERT INTO authorships(paper_id, position, author_id, as_written) VALUES (?,?,?,?)", rows)
    if batch is None:  # an import refreshes the author search once, at its end
        library.refresh_author_search(resolver.touched)


def _line_up(
    library: Library,
    names: Sequence[str],
    old: Sequence[tuple[int, str]],
    resolver: AuthorResolver,
    implied: Sequence[int],
) -> dict[int, int]:
    """Position -> person for the places of a new list that an old list or an implied owner already settles."""
    bound: dict[int, int] = {}
    used: set[int] = set()
    free_old = set(range(len(old)))

    def bind(position: int, author_id: int, old_index: int | None = None) -> None:
        bound[position] = author_id
        used.add(author_id)
        if old_index is not None:
            free_old.discard(old_index)

    # 1. The same name as before keeps its person: a user's author merge or split must hold. Its own place first.
    for position, name in enumerate(names):
        candidates = ([position] if position < len(old) else []) + sorted(free_old)
        for index in candidates:
            if index in free_old and old[index][1] == name and old[index][0] not in used:
                bind(position, old[index][0], index)
                break
    # 2. The page owner's own names on the owner's list.
    if resolver.owner_id is not None and resolver.owner_id not in used:
        for position, name in enumerate(names):
            if position not in bound and resolver.is_owner(name):
                bind(position, resolver.owner_id)
                break
    # 3. The same place written in a compatible form ("Gao, Jinyang" / "Jinyang Gao", initials, order swaps).
    for position, name in enumerate(names):
        if position in bound or position not in free_old or old[position][0] in used:
            continue
        kind = names_relation(_parse_name(name), _parse_name(old[position][1]))
        if kind:
            bind(position, old[position][0], position)
            _prefer_full_name(library, old[position][0], name, kind, resolver)
    # ... or in another place, when exactly one old name and one new place fit each other.
    for index in sorted(free_old):
        author_id, written = old[index]
        if author_id in used:
            continue
        fits = [
            p
            for p, name in enumerate(names)
            if p not in bound and names_relation(_parse_name(name), _parse_name(written))
        ]
        if len(fits) == 1:
            rivals = [
                i
                for i in free_old
                if i != index and names_relation(_parse_name(names[fits[0]]), _parse_name(old[i][1]))
            ]
            if not rivals:
                bind(fits[0], author_id, index)
                kind = names_relation(_parse_name(names[fits[0]]), _parse_name(written)) or ""
                _prefer_full_name(library, author_id, names[fits[0]], kind, resolver)
    # 4. A page owner known to be behind "et al." takes the one place written with a form of their name.
    for owner in implied:
        owner = library.resolve_author(owner)
        if owner in used:
            continue
        place = _owner_place(names, _owner_names(library, owner), set(bound))
        if place is not None:
            bind(place, owner)
    return bound


def _prefer_full_name(library: Library, author_id: int, name: str, kind: str, resolver: AuthorResolver) -> None:
    """A person known only by initials ("H. V. Jagadish") takes the full form a source gives for the same place."""
    if kind != "initials":
        return
    parsed = _parse_name(name)
    row = library.conn.execute("SELECT display_name FROM authors WHERE id = ?", (author_id,)).fetchone()
    if row is None or parsed.is_initials or not _parse_name(row[0]).is_initials:
        return
    library.conn.execute(
        "UPDATE authors SET display_name = ?, given = ?, family = ?, name_key = ? WHERE id = ?",
        (parsed.display or name, parsed.given, parsed.family, parsed.key, author_id),
    )
    resolver.touched.add(author_id)


# ---------------------------------------------------------------------------------------------- importing
def _new_citekey(
    library: Library, record: Any, chosen: dict[str, Any], batch: _Batch | None = None, owner_id: int | None = None
) -> str:
    wanted = getattr(record, "citekey", None)
    keys = batch.keys(library) if batch is not None else None
    if wanted and is_legal_key(wanted) and not (keys.is_taken(wanted) if keys else library.key_taken(wanted)):
        if keys is not None:
            keys.claim(wanted)
        return wanted
    families = [_parse_name(n).family for n in chosen["authors"]]
    if not families and owner_id is not None:
        # No list, but the page's owner is an author (exported as "Owner and others"): the key names them.
        families = [r[0] for r in library.conn.execute("SELECT family FROM authors WHERE id = ?", (owner_id,))]
    if batch is None or not batch.pattern_read:
        pattern = library.get_setting("citekey_pattern", None)
        if batch is not None:
            batch.citekey_pattern, batch.pattern_read = pattern, True
    else:
        pattern = batch.citekey_pattern
    # A year taken from the page's capture date is a guess the export leaves out; the key must not state it.
    year = None if chosen.get("date_inferred") else chosen["year"]
    key = base_key(families, year, chosen["title"], chosen["arxiv_id"], **({"pattern": pattern} if pattern else {}))
    return keys.allocate(key) if keys is not None else disambiguate(key, library.key_taken)


def _create_paper(
    library: Library,
    record: Any,
    fmt: str,
    owner_id: int | None,
    *,
    data: dict[str, Any] | None = None,
    batch: _Batch | None = None,
    chosen: dict[str, Any] | None = None,
) -> int:
    """A new paper from one record; `chosen` is `choose_fields` of that record alone when the caller has it."""
    values, chosen = new_paper_row(library, record, fmt, owner_id, data=data, batch=batch, chosen=chosen)
    columns = list(values)
    cursor = library.conn.execute(
        f"INSERT INTO papers({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [values[c] for c in columns],
    )
    paper_id = cursor.lastrowid
    _write_authorships(library, paper_id, chosen["authors"], owner_id, batch=batch, new=True)
    if batch is not None:
        batch.unindexed.append((paper_id, values["title"], values["abstract"]))
    else:
        reconcile.index_paper(library, paper_id)
    return paper_id


def new_paper_row(
    library: Library,
    record: Any,
    fmt: str,
    owner_id: int | None,
    *,
    data: dict[str, Any] | None = None,
    batch: _Batch | None = None,
    chosen: dict[str, Any] | None = None,
    stamp: str | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The papers row a record makes (column -> value, its key allocated) and the fields chosen for it; `stamp`
    is when it is added (now, unless the caller adds many papers at one time)."""
    data = data if data is not None else record_json(record)
    chosen = chosen if chosen is not None else choose_fields([(fmt, data)])
    values = _row_values(chosen)
    stamp = stamp or now()
    # The note is the user's alone: a page's remark goes to `remarks`. A .bib's `annote` is the reader's own
    # (a note another manager kept), so it starts the paper's note.
    note = ""
    if fmt == "bibtex" and data.get("note") and data["note"] != (data.get("extra") or {}).get("note"):
        note = data["note"]  # the entry's annote, not its remark
    values.update(added_at=stamp, updated_at=stamp, note=note)
    values["citekey"] = _new_citekey(library, record, chosen, batch, owner_id)
    return values, chosen


def _renamed_capture(conn: Any, fmt: str, owner_name: str, keys: Set[str]) -> str | None:
    """The lineage of a page this one is a newer capture of, saved under another name ("page (1).txt").

    Same format, same owner, and most entries shared: browsers rename a second download of one page, while two
    different pages of one owner (a homepage and an aggregator profile) differ in format, and two listings of
    different people share few entries. Without an owner nothing says two files are one page, so .bib files and
    unattributed listings never qualify.
    """
    if not keys:
        return None

    def literal(text: str) -> str:  # LIKE's wildcards, taken as themselves
        return "".join("\\" + c if c in "%_\\" else c for c in text)

    pattern = f"{literal(fmt)}|%|{literal(owner_name)}"
    held: dict[str, set[str]] = {}
    for lineage, key in conn.execute(
        "SELECT lineage, entry_key FROM claims WHERE lineage LIKE ? ESCAPE '\\'", (pattern,)
    ):
        if lineage.startswith(f"{fmt}|") and lineage.endswith(f"|{owner_name}"):
            held.setdefault(lineage, set()).add(key)
    best, best_shared = None, 0
    for lineage, earlier in held.items():
        shared = len(keys & earlier)
        if shared * 2 >= min(len(keys), len(earlier)) and shared > best_shared:
            best, best_shared = lineage, shared
    return best


_SAME_FILE_SQL = "SELECT id, owner_id, as_of FROM sources WHERE sha256 = ? AND format = ? AND file = ?"


def _identical_import(
    library: Library, same: Sequence[Any], owner_name: str | None, as_of: str | None
) -> ImportResult | None:
    """The result of importing again a file imported before (`same`: its source's id, owner and as-of), or
    None when the import would change something after all."""
    earlier_owner = library.resolve_author(same[1]) if same[1] is not None else None
    # A file that names no owner keeps the one it was attributed to; naming one that differs (or an
    # other capture date) is a change to apply, not the identical import it looks like.
    owner_kept = not owner_name or (
        earlier_owner is not None
        and _parse_name(owner_name).key in {_parse_name(n).key for n in _owner_names(library, earlier_owner)}
    )
    if not owner_kept or (as_of is not None and as_of != same[2]):
        return None
    result = ImportResult(source_id=same[0], same_file=True)
    result.unchanged = sorted(
        {r[0] for r in library.conn.execute("SELECT DISTINCT paper_id FROM claims WHERE source_id = ?", (same[0],))}
    )
    return result


@dataclass
class KnownFile:
    """A file found imported before, byte for byte: what importing it again gives, without reading it."""

    result: ImportResult
    owner: str | None  # the owner name it was imported with
    found: int  # papers it gave
    claimed: int | None


def find_identical_import(
    library: Library, *, file: str, sha256: str, fmt: str, as_of: str | None, owner: str | None = None
) -> KnownFile | None:
    """Before a file is parsed: the import of these exact bytes (read as `fmt`, named `file`) was made before and
    would change nothing, so it needs no parsing. None when it must be imported (parsed and stored) as usual.

    Decides as `import_records` does for an identical file. The owner it compares is `owner` (the user naming
    whose page it is) or else the one these bytes were imported with last time (identical bytes name the same
    owner); a source whose claims are all gone (its papers purged) is imported again.
    """
    conn = library.conn
    same = conn.execute(_SAME_FILE_SQL, (sha256, fmt, file)).fetchone()
    if same is None:
        return None
    lineage = conn.execute("SELECT lineage FROM claims WHERE source_id = ? LIMIT 1", (same[0],)).fetchone()
    prefix = f"{fmt}|{file}|"
    if lineage is None or not lineage[0].startswith(prefix):
        return None
    owner_name = owner or lineage[0][len(prefix) :] or None
    result = _identical_import(library, same, owner_name, as_of)
    if result is None:
        return None
    claimed, found = conn.execute("SELECT claimed_count, found_count FROM sources WHERE id = ?", (same[0],)).fetchone()
    return KnownFile(result=result, owner=owner_name, found=found, claimed=claimed)


def _people(conn: Any, paper_ids: Set[int]) -> dict[int, set[int]]:
    """Paper -> everyone on it: its list and the people known to be behind "et al."."""
    people: dict[int, set[int]] = {}
    ids = sorted(paper_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for paper_id, author_id in conn.execute(
            f"SELECT paper_id, author_id FROM authorships WHERE paper_id IN ({marks}) "
            f"UNION SELECT paper_id, author_id FROM implied_authors WHERE paper_id IN ({marks})",
            chunk + chunk,
        ):
            people.setdefault(paper_id, set()).add(author_id)
    return people


def _owned(conn: Any, source_id: int) -> set[tuple[int, int]]:
    """(paper, person) pairs a page makes its owner an author of."""
    return set(conn.execute("SELECT paper_id, author_id FROM implied_authors WHERE source_id = ?", (source_id,)))


def _keep_cited_key(library: Library, paper_id: int, record: Any) -> list[str]:
    """A .bib record joining a paper brings the key the user's documents cite: it becomes one of the paper's
    keys (an alias; the key the paper already had stays, see docs/bibtex.md). Returns the aliases added."""
    wanted = getattr(record, "citekey", None)
    if not wanted or not is_legal_key(wanted) or library.key_taken(wanted):
        return []
    library.conn.execute("INSERT INTO citekey_aliases(key, paper_id) VALUES (?, ?)", (wanted, paper_id))
    return [wanted]


def _rekey_new_papers(library: Library, paper_ids: Sequence[int], joined: Set[int], batch: _Batch) -> None:
    """Keys made during this import from a name its end proved to be written the other way round ("Wang Xue"
    for Xue Wang gave `xue2023card`): made again from the people's proven names. Nobody has seen these keys
    yet (the import is one transaction), so no alias is kept; older keys never change on their own."""
    conn = library.conn
    # Only the papers the joined people are on (one index read) are looked at: a 100,000-entry import whose end
    # joined one person read every new paper's list.
    people, theirs = sorted(joined), set()
    for start in range(0, len(people), 500):
        chunk = people[start : start + 500]
        marks = ",".join("?" * len(chunk))
        query = f"SELECT paper_id FROM authorships WHERE author_id IN ({marks})"
        theirs.update(r[0] for r in conn.execute(query, chunk))
    for paper_id in paper_ids:
        if paper_id not in theirs:
            continue
        rows = conn.execute(
            "SELECT s.as_written, s.author_id, a.family FROM authorships s JOIN authors a ON a.id = s.author_id "
            "WHERE s.paper_id = ? ORDER BY s.position",
            (paper_id,),
        ).fetchall()
        if not any(author_id in joined for _, author_id, _ in rows):
            continue
        written = [_parse_name(w).family for w, _, _ in rows]
        proven = [family or _parse_name(w).family for w, _, family in rows]
        if written == proven:
            continue
        key, title, year, arxiv_id, guessed = conn.execute(
            "SELECT citekey, title, year, arxiv_id, date_inferred FROM papers WHERE id = ?", (paper_id,)
        ).fetchone()
        year = None if guessed else year  # the key was made without a guessed year (_new_citekey)
        pattern = batch.citekey_pattern if batch.pattern_read else library.get_setting("citekey_pattern", None)
        options = {"pattern": pattern} if pattern else {}
        if key != base_key(written, year, title, arxiv_id, **options) and not key.startswith(
            base_key(written, year, title, arxiv_id, **options)
        ):
            continue  # a key the source gave (a .bib's own), not one made from the names
        wanted = base_key(proven, year, title, arxiv_id, **options)
        new_key = disambiguate(wanted, functools.partial(_taken_by_other, library, key))
        if new_key != key:
            conn.execute("UPDATE papers SET citekey = ? WHERE id = ?", (new_key, paper_id))


def _taken_by_other(library: Library, own: str, key: str) -> bool:
    return key != own and library.key_taken(key)


class ImportCancelled(Exception):
    def __init__(self, file: str) -> None:
        super().__init__(f"the import of {file} was cancelled; nothing was written")


def _follow(merged_into: dict[int, int], paper_id: int) -> int:
    """`_live_paper` over a preloaded map of merged papers."""
    seen = set()
    while paper_id in merged_into and paper_id not in seen:
        seen.add(paper_id)
        paper_id = merged_into[paper_id]
    return paper_id


def _live_paper(library: Library, paper_id: int) -> int:
    """Follow a merge chain to the paper that now holds a claim."""
    seen = set()
    while paper_id not in seen:
        seen.add(paper_id)
        row = library.conn.execute("SELECT merged_into FROM papers WHERE id = ?", (paper_id,)).fetchone()
        if not row or row[0] is None:
            return paper_id
        paper_id = row[0]
    return paper_id


def _store_profile(library: Library, author_id: int, source_id: int, owner: Any) -> None:
    links = [dataclasses.asdict(link) if dataclasses.is_dataclass(link) else link for link in owner.links]
    library.conn.execute(
        """INSERT INTO profiles(author_id, source_id, position, affiliation, bio, interests, email, address,
           h_index, citation_count, paper_count, links, extra) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
           ON CONFLICT(author_id, source_id) DO UPDATE SET position=excluded.position,
           affiliation=excluded.affiliation, bio=excluded.bio, interests=excluded.interests, email=excluded.email,
           address=excluded.address, h_index=excluded.h_index, citation_count=excluded.citation_count,
           paper_count=excluded.paper_count, links=excluded.links, extra=excluded.extra""",
        (
            author_id,
            source_id,
            owner.position,
            owner.affiliation,
            owner.bio,
            json.dumps(list(owner.interests), ensure_ascii=False),
            owner.email,
            owner.address,
            owner.h_index,
            owner.citation_count,
            owner.paper_count,
            json.dumps(links),
            json.dumps(owner.extra, ensure_ascii=False),
        ),
    )


def store_bib_blocks(library: Library, source_id: int, blocks: Sequence[Any]) -> None:
    """A .bib source's @string, @preamble and @comment blocks, replacing those of its earlier capture. Called
    inside the import's own transaction."""
    rows = [(source_id, b.position, b.kind, b.name, b.value) for b in blocks]
    with library.transaction() as conn:
        old = conn.execute(
            "SELECT position, kind, name, value FROM bib_blocks WHERE source_id = ? ORDER BY position", (source_id,)
        ).fetchall()
        if [tuple(r) for r in old] == [r[1:] for r in rows]:
            return  # the same file again writes nothing
        conn.execute("DELETE FROM bib_blocks WHERE source_id = ?", (source_id,))
        conn.executemany("INSERT INTO bib_blocks(source_id, position, kind, name, value) VALUES (?,?,?,?,?)", rows)


def purge_papers(library: Library, paper_ids: Sequence[int]) -> None:
    """Remove papers for good (emptying the trash); their claims go with them."""
    conn = library.conn
    for paper_id in paper_ids:
        for table in (
            "paper_tags",
            "paper_edits",
            "citekey_aliases",
            "authorships",
            "implied_authors",
            "claims",
            "match_keys",
        ):
            conn.execute(f"DELETE FROM {table} WHERE paper_id = ?", (paper_id,))
        conn.execute("DELETE FROM papers_fts WHERE rowid = ?", (paper_id,))
        conn.execute("UPDATE papers SET merged_into = NULL WHERE merged_into = ?", (paper_id,))
        conn.execute("DELETE FROM papers WHERE id = ?", (paper_id,))
