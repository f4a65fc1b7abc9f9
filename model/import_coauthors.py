"""The co-authorships an import is about to write, counted as the library will count them once written, so that
its plan can settle a choice among namesakes itself instead of leaving it to the writing.

Among namesakes (several people called Wei Wang), a name goes to whoever already wrote with the paper's other
names (`reconcile.pick_author`). The papers an import planned earlier count too, but while the plan is made
they are not written: the plan used to leave every such choice to the writing, which had to write the papers
before and count them back from the library, entry by entry (the namesake benchmark's slow side).

`ImportCoauthors` knows the rows the writing will have made when it reaches a place: the papers planned
before, who sits where on them and every name each person is written with (`author_variants`: the counts are
of those rows). It answers a tie exactly as `pick_author` will answer it after those writes, from the
library's counts as they are before the import plus this import's own. It must never write, and it counts
only while it knows every row the writing makes before a place: an import that joins or updates papers (their
lists are written again) or names a page's owner stops it for the rest of the import (`stop`), and the plan
leaves ties to the writing as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence, Set
from typing import Any

from papershelf.model import reconcile
from papershelf.model.library import Library
from papershelf.model.names import parse_name

# A person is a library id (> 0), or -(n + 1) for the import's new person n (plan.AuthorChoice.person): the
# people this import makes get ids after everyone in the library, in the order they are made.
Person = int


def _age(person: Person) -> tuple[bool, int]:
    """Oldest first, as ids sort once written."""
    return (person < 0, person if person > 0 else -person)


def person_of(choice: Any) -> Person:
    """The `Person` an `AuthorChoice` of kind existing or new places."""
    return choice.author_id if choice.kind == "existing" else -(choice.person or 0) - 1


class ImportCoauthors:
    """This import's planned places, to break ties among namesakes as the writing would (see the module)."""

    def __init__(self, library: Library, *, library_people: bool) -> None:
        self.library = library
        # False in a first import: the library has nobody, and whoever the namesake query finds while steps are
        # written as they are decided was made by this import.
        self.library_people = library_people
        self.on = True
        self.started = False
        self.names: dict[Person, dict[str, set[str]]] = {}  # person -> name key -> their names with it
        self.papers: list[list[Person]] = []  # each planned new paper's people, in list order
        self.papers_of: dict[Person, list[int]] = {}
        self.holders: dict[str, set[Person]] = {}  # name key -> people on this import's papers holding it
        # Library people this import gives new names, per key: those rows count on their earlier papers too.
        self.grown: dict[Person, dict[str, int]] = {}
        # For people weighed in a tie (kept up to date from then on): places beside them on this import's
        # papers, per name key of the rows held by whoever sits there, as reconcile._coauthorship_count counts.
        self.beside: dict[Person, dict[str, int]] = {}
        self.current: list[Person] = []

    def stop(self) -> None:
        """Something the plan cannot foresee will be written (a joined paper's list, a page's owner): every tie
        from now on is left to the writing."""
        self.on = False
        self.names, self.papers, self.papers_of, self.holders, self.grown, self.beside = {}, [], {}, {}, {}, {}
        self.current = []

    def start(self, steps: Iterable[Any], current: Sequence[Any]) -> None:
        """Counting begins at the first tie: the papers planned before it (`steps`, the plan's record steps) and
        the places of the current list decided so far, replayed."""
        self.started = True
        for step in steps:
            if step.authors is None or step.kind not in ("new", "suggest"):
                continue
            for choice in step.authors:
                self.place(person_of(choice), choice.name)
            self.end_paper()
        for choice in current:
            self.place(person_of(choice), choice.name)

    def place(self, person: Person, name: str) -> None:
        """A place of the paper being planned is decided: `person`, written as `name`."""
        if not self.on or not self.started:
            return
        held = self._names(person)
        name = " ".join(name.split())
        if name:  # as the writing adds the name (model.apply._NewPapers._variant)
            key = parse_name(name).key
            names = held.setdefault(key, set())
            if name not in names:
                names.add(name)
                self.holders.setdefault(key, set()).add(person)
                if person > 0:
                    grown = self.grown.setdefault(person, {})
                    grown[key] = grown.get(key, 0) + 1
                # A new row of theirs is one more place beside everyone on their papers written before.
                for paper in self.papers_of.get(person, ()):
                    for other in self.papers[paper]:
                        beside = self.beside.get(other)
                        if beside is not None:
                            beside[key] = beside.get(key, 0) + 1
        self.current.append(person)

    def end_paper(self) -> None:
        """The paper being planned has all its places."""
        if not self.on or not self.started:
            return
        people, self.current = self.current, []
        index = len(self.papers)
        self.papers.append(people)
        for person in people:
            self.papers_of.setdefault(person, []).append(index)
            beside = self.beside.get(person)
            if beside is not None:
                self._count_paper(beside, people)

    def pick(self, key: str, coauthors: Sequence[str], used: Set[Person], ours: Sequence[int]) -> Person | None:
        """The person `reconcile.pick_author` will find for a name with `key` once the papers planned before are
        written: among the library's namesakes and `ours` (new people of this import with the key), never one in
        `used`, the one with most co-authorships with `coauthors`' names; the oldest on a tie or when none has any.
        None: nobody has the name (a new person)."""
        rows: list[Person] = []
        if self.library_people:
            for (author_id,) in self.library.conn.execute(reconcile._NAMESAKES_SQL, (key,)):
                if author_id not in used:
                    rows.append(author_id)
                    if len(rows) > reconcile._FEW_NAMESAKES:
                        break
        rows += [-person - 1 for person in ours]
        if len(rows) <= 1 or not coauthors:
            return rows[0] if rows else None
        keys = [parse_name(n).key for n in coauthors]
        wanted = set(keys)
        exclude = {i for i in used if i > 0}
        library_rows = [r for r in rows if r > 0]
        scores: dict[Person, int] = {}
        if library_rows:
            scores.update(reconcile._namesake_scores(self.library, key, library_rows, keys, exclude))
            for grown, keyed in self.grown.items():
                extra = sum(n for k, n in keyed.items() if k in wanted)
                if extra:
                    for author_id, shared in self._shared_before(grown, key):
                        if author_id not in exclude:
                            scores[author_id] = scores.get(author_id, 0) + extra * shared
        if len(rows) > reconcile._FEW_NAMESAKES:  # everyone with the name is weighed
            candidates = set(scores) | (self.holders.get(key, set()) - used) | set(rows)
        else:
            candidates = set(rows)
        for person in candidates:
            beside = self._beside(person)
            if beside:
                scores[person] = scores.get(person, 0) + sum(beside.get(k, 0) for k in wanted)
        best = max((scores.get(p, 0) for p in candidates), default=0)
        if best <= 0:
            return rows[0]
        return min((p for p in candidates if scores.get(p, 0) == best), key=_age)

    def _names(self, person: Person) -> dict[str, set[str]]:
        held = self.names.get(person)
        if held is None:
            held = self.names[person] = {}
            if person > 0:
                for name, key in self.library.conn.execute(
                    "SELECT name, name_key FROM author_variants WHERE author_id = ?", (person,)
                ):
                    held.setdefault(key, set()).add(name)
                    self.holders.setdefault(key, set()).add(person)
        return held

    def _beside(self, person: Person) -> dict[str, int]:
        beside = self.beside.get(person)
        if beside is None:
            beside = self.beside[person] = {}
            for paper in self.papers_of.get(person, ()):
                self._count_paper(beside, self.papers[paper])
        return beside

    def _count_paper(self, beside: dict[str, int], people: Sequence[Person]) -> None:
        for other in people:  # themselves included, as the library's count joins every place of the paper
            for key, names in self._names(other).items():
                beside[key] = beside.get(key, 0) + len(names)

    def _shared_before(self, person: Person, key: str) -> list[tuple[int, int]]:
        """Live people with a name of `key` and the papers they share with `person` in the library as it was
        before the import (the plan writes nothing, so as it is)."""
        return self.library.conn.execute(
            "SELECT s.author_id, count(*) FROM authorships o JOIN authorships s ON s.paper_id = o.paper_id "
            "WHERE o.author_id = ? AND s.author_id IN (SELECT v.author_id FROM author_variants v "
            "JOIN authors a ON a.id = v.author_id WHERE v.name_key = ? AND a.merged_into IS NULL) "
            "GROUP BY s.author_id",
            (person, key),
        ).fetchall()
