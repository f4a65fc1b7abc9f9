"""The first half of an import: what storing one file's records would do, decided without writing anything.

`plan_import` reads the library and decides per record (unchanged, update, join an existing paper with the
evidence, new, new but suggested for review) and per author name on the new papers (the page's owner, an
existing person, a new person). `model.apply.apply_plan` writes a plan. A plan remembers the library's state:
applied after another writer (or this connection) changed the library it is refused or made again, never
applied half. This module must never write: the import preview and `import --dry-run` stand on that.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from papershelf.model import reconcile
from papershelf.model.import_coauthors import ImportCoauthors, person_of
from papershelf.model.library import Library
from papershelf.model.names import parse_name
from papershelf.model.records import fills_dict
from papershelf.model.store import (
    _SAME_FILE_SQL,
    ImportCancelled,
    ImportResult,
    _follow,
    _identical_import,
    _owner_names,
    _renamed_capture,
    choose_fields,
    decide_owner,
    encode_record,
    entry_key,
    legacy_hash,
    record_json,
)

# A first import's short cuts (no matching, no people to look up in an empty library); tests turn them off to
# show that they change nothing but the time taken.
_SHORTCUTS = True
# Ties among namesakes settled by the plan (model.import_coauthors); tests turn it off to compare with the
# writing's choices.
_SETTLE_TIES = True

# What a record does to the library, in the words the preview uses.
UNCHANGED, UPDATE, JOIN, NEW, SUGGEST = "unchanged", "update", "join", "new", "suggest"


@fills_dict
@dataclass(frozen=True)
class Prepared:
    """A record converted once: its plain data, that data's JSON (as claims store it), its hash and entry key."""

    data: dict[str, Any]
    text: str
    digest: str
    key: str


@fills_dict
@dataclass(frozen=True)
class AuthorChoice:
    """Who a name on a new paper will be: `kind` is owner, existing (with `author_id`) or new (`person` numbers
    the new people of one import: places naming one new person share it). `settled` False: namesakes whom the
    co-authorships written by this import tell apart, chosen when it is written (an existing person named
    then is the oldest of the namesakes, standing in)."""

    name: str
    kind: str
    author_id: int | None = None
    person: int | None = None
    settled: bool = True


@fills_dict
@dataclass(frozen=True)
class RecordPlan:
    """What one record does. `paper_id` is the paper it updates or joins (None for a new paper); `claim_id` the
    earlier claim it replaces; `match` the paper it joins or is suggested as a duplicate of, with the evidence."""

    index: int
    line: int
    kind: str
    paper_id: int | None = None
    claim_id: int | None = None
    claim_source: int | None = None  # the earlier claim's source and line, to tell whether it moved
    claim_line: int | None = None
    match: reconcile.Match | None = None
    authors: tuple[AuthorChoice, ...] = ()
    chosen: dict[str, Any] | None = field(default=None, repr=False)  # a new paper's fields, chosen once

    @property
    def evidence(self) -> list[str]:
        return list(self.match.evidence) if self.match is not None else []


@dataclass
class ImportPlan:
    """Everything `apply_plan` needs to store a file, and what it will do, decided against one library state."""

    file: str
    path: str
    sha256: str
    fmt: str
    owner: Any | None
    records: Sequence[Any]
    claimed_count: int | None
    as_of: str | None
    targets: Sequence[int | None] | None
    prepared: list[Prepared]
    # The library as the plan saw it: another connection's commits move data_version, this one's total_changes.
    data_version: int
    total_changes: int
    same_file: ImportResult | None = None  # these bytes were imported before and nothing would change
    lineage: str = ""
    relabel: str | None = None  # the lineage whose claims now follow this page (a renamed or re-owned capture)
    source: tuple[int, int | None] | None = None  # the source this file is a newer capture of, and its owner
    previous_owner: int | None = None
    owner_id: int | None = None  # the page's owner; None with `new_owner` means a new person
    new_owner: bool = False
    namesakes: list[int] = field(default_factory=list)
    records_plan: list[RecordPlan] = field(default_factory=list)
    # The record steps read nothing from the library (a first import: nothing to match, nobody to find), so
    # each may be written before the next is decided (model.apply.import_arriving).
    reads_nothing: bool = False

    def count(self, kind: str) -> int:
        return sum(1 for r in self.records_plan if r.kind == kind)

    @property
    def new_people(self) -> int:
        """People the new papers bring that no one in the library is (the page's owner aside)."""
        return len({a.person for r in self.records_plan for a in r.authors if a.kind == "new"})

    @property
    def existing_people(self) -> int:
        return len({a.author_id for r in self.records_plan for a in r.authors if a.kind == "existing"})

    def summary(self) -> str:
        """One line a user reads before confirming: "41 new, 3 join existing papers, 2 to review"."""
        if self.same_file is not None:
            return f"imported before, byte for byte: nothing changes ({len(self.same_file.unchanged)} papers)"
        new = self.count(NEW) + self.count(SUGGEST)
        parts = [f"{new} new"]
        joins = self.count(JOIN)
        parts.append(f"{joins} join{'s' if joins == 1 else ''} existing paper{'' if joins == 1 else 's'}")
        parts.append(f"{self.count(SUGGEST)} to review")
        if self.count(UPDATE):
            parts.append(f"{self.count(UPDATE)} updated")
        if self.count(UNCHANGED):
            parts.append(f"{self.count(UNCHANGED)} unchanged")
        return ", ".join(parts)

    def as_json(self) -> dict[str, Any]:
        """The plan as plain data (for `import --dry-run --json`)."""
        return {
            "file": self.file,
            "format": self.fmt,
            "same_file": self.same_file is not None,
            "owner": (
                None
                if self.owner is None or not getattr(self.owner, "name", None)
                else {"name": self.owner.name, "author_id": self.owner_id, "new": self.new_owner}
            ),
            "counts": {kind: self.count(kind) for kind in (NEW, JOIN, SUGGEST, UPDATE, UNCHANGED)},
            "people": {"existing": self.existing_people, "new": self.new_people},
            "records": [
                {
                    "line": r.line,
                    "title": getattr(self.records[r.index], "title", None),
                    "action": r.kind,
                    "paper_id": r.paper_id if r.kind != SUGGEST else None,
                    "match": r.match.paper_id if r.match is not None else None,
                    "evidence": r.evidence,
                }
                for r in self.records_plan
            ],
        }


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while an import runs: the import makes no cycles, but hundreds of thousands
    of young objects (records' data, rows) set off collections that walk every record held, measured 0.6-0.9 s
    of 3.7 s CPU for a 10,000-entry .bib (time.process_time, best of 2). Process-wide: another thread's
    collections wait for the import, which is all they lose."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def prepare(records: Sequence[Any], cancelled: Callable[[], bool] | None = None, file: str = "") -> list[Prepared]:
    """Each record converted once (the pure work, done before any lock is taken)."""
    prepared: list[Prepared] = []
    for index, record in enumerate(records):
        if cancelled is not None and index % 200 == 0 and cancelled():
            raise ImportCancelled(file)
        prepared.append(prepare_one(record))
    return prepared


def prepare_one(record: Any) -> Prepared:
    """One record converted: pure, it may run in another process (papershelf.read_ahead)."""
    data = record_json(record)
    return Prepared(data, *encode_record(data), entry_key(record))


def plan_import(
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
    targets: Sequence[int | None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    prepared: list[Prepared] | None = None,
) -> ImportPlan:
    """What importing these records would do, read from the library without writing to it, down to who each
    name on a new paper is (`apply_plan` writes those choices)."""
    with _collector_paused():
        if prepared is None:
            prepared = prepare(records, cancelled, file)
        plan, steps = begin_plan(
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
        for _ in steps:  # each step is added to plan.records_plan
            pass
        return plan


def begin_plan(
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
    targets: Sequence[int | None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    prepared: list[Prepared],
    arriving: Iterable[tuple[Any, Prepared]] | None = None,
) -> tuple[ImportPlan, Iterator[RecordPlan]]:
    """The plan's decisions about the file as a whole (its source, owner and earlier claims), and its record
    steps as they are decided: each is added to `plan.records_plan` as it is yielded.

    With `arriving`, the records are still being read: each (record, prepared) pair is added to `records` and
    `prepared` (then empty lists) just before its step is decided. A plan whose `reads_nothing` is True decides
    its steps without reading the library, so they may be written as they come; otherwise every step must be
    decided before the first is written. A page with a named owner needs all its records first (the owner is
    found among them): not with `arriving`."""
    conn = library.conn
    if arriving is not None and owner is not None and owner.name:
        raise ValueError("a page with a named owner is planned from all its records")
    plan = ImportPlan(
        file=file,
        path=path,
        sha256=sha256,
        fmt=fmt,
        owner=owner,
        records=records,
        claimed_count=claimed_count,
        as_of=as_of,
        targets=targets,
        prepared=prepared,
        data_version=library.data_version(),
        total_changes=conn.total_changes,
    )
    named = owner is not None and bool(owner.name)
    same = conn.execute(_SAME_FILE_SQL, (sha256, fmt, file)).fetchone()
    lineage = f"{fmt}|{file}|{owner.name if named else ''}"
    previous_owner: int | None = None
    relabel: str | None = None
    if same:
        earlier_owner = library.resolve_author(same[1]) if same[1] is not None else None
        identical = _identical_import(library, same, owner.name if named else None, as_of)
        if identical is not None:
            plan.same_file = identical
            return plan, iter(())
        earlier_claim = conn.execute("SELECT lineage FROM claims WHERE source_id = ? LIMIT 1", (same[0],)).fetchone()
        if earlier_claim and not named:
            lineage = earlier_claim[0]
        elif (
            earlier_claim
            and earlier_claim[0] != lineage
            and not conn.execute("SELECT 1 FROM claims WHERE lineage = ? LIMIT 1", (lineage,)).fetchone()
        ):
            # The same page, now said to be someone else's: its claims follow it (updated in place, not imported
            # again as another page whose records would all "merge" with themselves).
            relabel = earlier_claim[0]
        if not named:
            previous_owner = earlier_owner
    if named and not same and not conn.execute("SELECT 1 FROM claims WHERE lineage = ? LIMIT 1", (lineage,)).fetchone():
        relabel = _renamed_capture(conn, fmt, owner.name, {p.key for p in prepared})
    plan.lineage, plan.relabel = lineage, relabel
    lineages = (lineage,) if relabel is None else (lineage, relabel)
    marks = ",".join("?" * len(lineages))
    row = conn.execute(
        f"SELECT s.id, s.owner_id FROM sources s JOIN claims c ON c.source_id = s.id WHERE c.lineage IN ({marks}) "
        "LIMIT 1",
        lineages,
    ).fetchone()
    if row and row[1] is not None:
        previous_owner = library.resolve_author(row[1])
    plan.source = (row[0], row[1]) if row else None
    plan.previous_owner = previous_owner
    if named:
        plan.owner_id, plan.namesakes = decide_owner(library, owner, records, previous=previous_owner)
        plan.new_owner = plan.owner_id is None
    else:
        plan.owner_id = previous_owner
    earlier: dict[str, tuple[int, int, str, int, int | None]] = {}
    for claim_id, claim_key, claim_paper, claim_hash, claim_source, claim_line in conn.execute(
        "SELECT id, entry_key, paper_id, record_hash, source_id, line FROM claims "
        f"WHERE lineage IN ({marks}) ORDER BY id",
        lineages,
    ):
        earlier.setdefault(claim_key, (claim_id, claim_paper, claim_hash, claim_source, claim_line))
    merged_into = dict(conn.execute("SELECT id, merged_into FROM papers WHERE merged_into IS NOT NULL"))
    # A first import has nothing to match against (trashed papers count: they can be matched).
    nothing_to_match = (
        _SHORTCUTS and conn.execute("SELECT 1 FROM papers WHERE merged_into IS NULL LIMIT 1").fetchone() is None
    )
    planner = _PeoplePlanner(library, plan.owner_id, owner if named else None)
    planner.steps = plan.records_plan
    plan.reads_nothing = bool(nothing_to_match and planner.nobody and targets is None)
    growing = None if arriving is None else (records, prepared)
    if arriving is None:
        arriving = zip(records, prepared, strict=True)
    steps = _record_steps(
        library, plan, arriving, growing, earlier, merged_into, nothing_to_match, planner, targets, cancelled
    )
    return plan, steps


def _record_steps(
    library: Library,
    plan: ImportPlan,
    arriving: Iterable[tuple[Any, Prepared]],
    growing: tuple[Any, list[Prepared]] | None,
    earlier: dict[str, tuple[int, int, str, int, int | None]],
    merged_into: dict[int, int],
    nothing_to_match: bool,
    planner: _PeoplePlanner,
    targets: Sequence[int | None] | None,
    cancelled: Callable[[], bool] | None,
) -> Iterator[RecordPlan]:
    file, fmt = plan.file, plan.fmt
    seen: set[int] = set()  # papers an earlier record of this file took: matching never proposes them again
    for index, (record, item) in enumerate(arriving):
        if growing is not None:
            growing[0].append(record)
            growing[1].append(item)
        if cancelled is not None and index % 50 == 0 and cancelled():
            raise ImportCancelled(file)
        existing = earlier.get(item.key)
        if existing and existing[1] in seen:
            existing = None  # two entries of one page with one key: keep both as claims
        target = targets[index] if targets is not None else None
        if existing and target is not None and _follow(merged_into, existing[1]) != target:
            existing = None  # the caller knows which paper this record describes
        if existing:
            claim_id, paper_id, old_hash, old_source, old_line = existing
            paper_id = _follow(merged_into, paper_id)
            # A claim stored by an earlier version holds the older hash of the same record (read only then).
            unchanged = old_hash == item.digest or old_hash == legacy_hash(item.data)
            kind = UNCHANGED if unchanged else UPDATE
            if kind == UPDATE:  # its paper's list may be written again, by the author resolver
                planner.coauthors.stop()
                planner.leave_unwritten(paper_id, item.data.get("authors") or ())
            step = RecordPlan(index, record.line, kind, paper_id, claim_id, old_source, old_line)
            plan.records_plan.append(step)
            seen.add(paper_id)
            yield step
            continue
        match = (
            reconcile.Match(target, 1.0, ["looked up for this paper"])
            if target is not None
            else None
            if nothing_to_match
            else reconcile.find_match(library, record, exclude=seen)
        )
        if match is not None and match.confident:
            step = RecordPlan(index, record.line, JOIN, match.paper_id, match=match)
            planner.coauthors.stop()  # the joined paper's list may be written again, by the author resolver
            planner.leave_unwritten(match.paper_id, item.data.get("authors") or ())
            plan.records_plan.append(step)
            seen.add(match.paper_id)
            yield step
        else:
            chosen = choose_fields([(fmt, item.data)])
            authors = planner.choose(chosen["authors"])
            kind = NEW if match is None else SUGGEST
            step = RecordPlan(index, record.line, kind, None, match=match, authors=authors, chosen=chosen)
            plan.records_plan.append(step)
            yield step


class _PeoplePlanner:
    """Who each name on a new paper will be, by the rules the store's author resolver follows
    (`store.AuthorResolver.resolve`), so that `apply` writes these choices instead of deciding them again: the
    page's owner by their names, else the person created earlier in this import for the same name, else an
    existing person (`reconcile.pick_author`), else a new person.

    People this import creates have no id yet: a new person is numbered (`AuthorChoice.person`), and later names
    may choose them as the resolver would once they exist. Where co-authorships would decide between namesakes,
    counted over papers this import is writing, the choice is left to the writing (`settled` False)."""

    def __init__(self, library: Library, owner_id: int | None, owner: Any | None) -> None:
        self.library = library
        self.owner_id = owner_id
        names = list(_owner_names(library, owner_id)) if owner_id is not None else []
        if owner is not None:
            # The names `store.place_owner` records for the owner (a bare nickname is not one).
            names += [n for n in (owner.name, *getattr(owner, "aliases", ())) if len(n.split()) >= 2 or n == owner.name]
        self.owner_keys = {parse_name(n).key for n in names}
        self.has_owner = owner is not None or owner_id is not None
        # Nobody in the library yet (a first import): no name can find anyone but the people this import makes.
        self.nobody = (
            _SHORTCUTS
            and library.conn.execute("SELECT 1 FROM authors WHERE merged_into IS NULL LIMIT 1").fetchone() is None
        )
        self.created: dict[str, int] = {}  # name key -> the first new person made for it (as the resolver keeps)
        self.made: dict[str, list[int]] = {}  # name key -> every new person with it, oldest first
        self.count = 0
        # A tie among namesakes is settled here, counting this import's own co-authorships, until something the
        # plan cannot foresee is written (`import_coauthors`); then it is left to the writing.
        self.coauthors = ImportCoauthors(library, library_people=not self.nobody)
        self.steps: list[RecordPlan] = []  # the plan's record steps so far, replayed when counting begins
        # Name keys whose people the writing may decide otherwise than this plan would (`_leave`).
        self.left: set[str] = set()
        if not _SETTLE_TIES or self.has_owner:
            self.coauthors.stop()

    def is_owner(self, name: str) -> bool:
        parsed = parse_name(name)
        return self.has_owner and (parsed.key in self.owner_keys or parsed.swapped_key in self.owner_keys)

    def choose(self, authors: Sequence[str]) -> tuple[AuthorChoice, ...]:
        choices: list[AuthorChoice | None] = [None] * len(authors)
        used: set[int] = set()  # library ids, and new people as -(number + 1)
        if self.has_owner:  # the owner's first place is bound before any name is looked up
            for position, name in enumerate(authors):
                if self.is_owner(" ".join(name.split())):
                    choices[position] = AuthorChoice(name, "owner", self.owner_id)
                    if self.owner_id is not None:
                        used.add(self.owner_id)
                    break
        decided: list[AuthorChoice] = []  # in list order, for the co-authorship counts
        for position, name in enumerate(authors):
            if choices[position] is not None:
                continue
            choice = self._resolve(name, authors, used, decided)
            key = parse_name(name).key
            # A choice left to the writing may take someone a later place would have taken, on this list or a
            # later one, or make a person the plan does not know of: every later place whose name may mean such
            # a someone is left to the writing too.
            if choice.settled and key in self.left:
                choice = dataclasses.replace(choice, settled=False)
            if not choice.settled:
                self._leave(key)
                self.coauthors.stop()  # the writing may choose someone else: nothing after it can be counted
            person = person_of(choice)
            used.add(person)
            self.coauthors.place(person, name)
            decided.append(choice)
            choices[position] = choice
        self.coauthors.end_paper()
        return tuple(c for c in choices if c is not None)

    def leave_unwritten(self, paper_id: int, names: Iterable[str]) -> None:
        """A joined or updated paper's list may be written again by the author resolver, which finds (or makes)
        a person for each name the paper does not hold yet: such names are left to the writing from now on, as
        many times as the new list names them beyond the paper's list."""
        held = Counter(
            " ".join(r[0].split())
            for r in self.library.conn.execute("SELECT as_written FROM authorships WHERE paper_id = ?", (paper_id,))
        )
        for name in names:
            name = " ".join(str(name).split())
            if held[name] > 0:
                held[name] -= 1
            elif name:
                self._leave(parse_name(name).key)

    def _leave(self, key: str) -> None:
        """Names with `key` are left to the writing from now on, and so are the names a person holding `key`
        may be found by: the other keys of such a person in the library (people this import makes hold one key
        each, as pick_author looks a name up by its key alone)."""
        if key in self.left:
            return
        self.left.add(key)
        if not self.nobody:
            self.left.update(
                k
                for (k,) in self.library.conn.execute(
                    "SELECT DISTINCT b.name_key FROM author_variants a "
                    "JOIN author_variants b ON b.author_id = a.author_id WHERE a.name_key = ?",
                    (key,),
                )
            )

    def _resolve(
        self, name: str, authors: Sequence[str], used: set[int], decided: Sequence[AuthorChoice]
    ) -> AuthorChoice:
        parsed = parse_name(name)
        made = self.created.get(parsed.key)
        if made is not None and -made - 1 not in used:
            return AuthorChoice(name, "new", person=made)
        ours = [p for p in self.made.get(parsed.key, ()) if -p - 1 not in used]
        found: int | None = None
        tied: list[bool] = []
        coauthors: list[str] = []
        if not self.nobody or ours:  # the co-authors only count where someone may be found
            coauthors = [n for n in authors if n != name]
        if not self.nobody:
            found = reconcile.pick_author(
                self.library,
                parsed,
                coauthors,
                exclude={i for i in used if i > 0},
                before_tiebreak=lambda: tied.append(True),
                # A tie is left to the writing, which counts this import's co-authorships too: weighing the
                # namesakes here as well cost a third of an import naming one of 60 namesakes on every entry.
                weigh=False,
            )
        # People made by this import are the newest: the resolver's namesake list ends with them.
        several = bool(tied) or (bool(coauthors) and len(ours) + (found is not None) > 1)
        if several and self.coauthors.on:
            if not self.coauthors.started:
                self.coauthors.start(self.steps, decided)
            chosen = self.coauthors.pick(parsed.key, coauthors, used, ours)
            if chosen is not None:
                if chosen > 0:
                    return AuthorChoice(name, "existing", chosen)
                return AuthorChoice(name, "new", person=-chosen - 1)
        if found is not None:
            return AuthorChoice(name, "existing", found, settled=not several)
        if ours:
            return AuthorChoice(name, "new", person=ours[0], settled=not several)
        person = self.count
        self.count += 1
        self.created.setdefault(parsed.key, person)
        self.made.setdefault(parsed.key, []).append(person)
        return AuthorChoice(name, "new", person=person)
