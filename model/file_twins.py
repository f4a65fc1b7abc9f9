"""Two entries of one imported file that describe one paper: a .bib citing a paper under two keys, a page listing
a paper in two sections. Both are kept, as the file has them, and the pair is put in the review queue.

An import never joins two records of one file (each would take the other's paper, and a .bib needs both keys),
so without this such twins were never shown to anyone. This module only reads papers and adds review-queue rows;
it merges nothing and never proposes a pair the user has already decided.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from papershelf.model.names import fold
from papershelf.model.reconcile import is_decided, queue_candidate

if TYPE_CHECKING:
    from papershelf.model.library import Library

# A title this short ("Introduction", "Preface") is shared by different works of one book or proceedings.
_MIN_TITLE_WORDS = 4
# Past this many papers of one title in one file, they are a pattern of the file (chapters named alike), not twins.
_MAX_GROUP = 6
_SCORE = 0.8

_CHUNK = 500  # bound parameters per query, well under SQLite's limit


def queue_file_twins(library: Library, paper_ids: Iterable[int]) -> int:
    """Queue every pair of these papers (the ones one import wrote) that share a distinctive title, agree on the
    year and the first author's family name and have no conflicting identifier. Returns the number queued."""
    ids = sorted(set(paper_ids))
    if len(ids) < 2:
        return 0
    conn = library.conn
    # Only papers whose title key some other paper shares can have a twin. Those keys come from the title-key
    # index alone (a covering scan, about 40 ms at 100,000 papers); reading every imported paper's row to learn
    # its key took 3 s for a 100,000-entry .bib (long rows: the key sits behind the abstract).
    wanted = set(ids)
    shared = sorted(
        paper_id
        for (paper_id,) in conn.execute(
            "SELECT id FROM papers WHERE title_key IN "
            "(SELECT title_key FROM papers WHERE title_key IS NOT NULL GROUP BY title_key HAVING count(*) > 1)"
        )
        if paper_id in wanted
    )
    if len(shared) < 2:
        return 0
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(shared), _CHUNK):
        chunk = shared[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows += conn.execute(
            f"SELECT id, title, title_key, year, doi, arxiv_id FROM papers WHERE id IN ({marks}) "
            "AND merged_into IS NULL AND deleted_at IS NULL AND title_key IS NOT NULL",
            chunk,
        ).fetchall()
    groups: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        if len((row[1] or "").split()) >= _MIN_TITLE_WORDS:
            groups[row[2]].append(row)
    queued = 0
    for group in groups.values():
        if not 2 <= len(group) <= _MAX_GROUP:
            continue
        families = _first_families(conn, [row[0] for row in group])
        for i, first in enumerate(group):
            for second in group[i + 1 :]:
                evidence = _evidence(first, second, families)
                if evidence is not None and not is_decided(library, "paper", first[0], second[0]):
                    queued += queue_candidate(library, "paper", first[0], second[0], _SCORE, evidence)
    return queued


def _first_families(conn: Any, paper_ids: list[int]) -> dict[int, str]:
    marks = ",".join("?" * len(paper_ids))
    return {
        paper_id: fold(family)
        for paper_id, family in conn.execute(
            f"SELECT s.paper_id, a.family FROM authorships s JOIN authors a ON a.id = s.author_id "
            f"WHERE s.position = 0 AND s.paper_id IN ({marks})",
            paper_ids,
        )
    }


def _evidence(a: tuple[Any, ...], b: tuple[Any, ...], families: dict[int, str]) -> list[str] | None:
    """Why the two may be one paper, or None when something says they are two."""
    _, title, _, year_a, doi_a, arxiv_a = a
    _, _, _, year_b, doi_b, arxiv_b = b
    if doi_a and doi_b and doi_a.lower() != doi_b.lower():
        return None
    if arxiv_a and arxiv_b and arxiv_a != arxiv_b:
        return None
    if year_a and year_b and abs(year_a - year_b) > 1:
        return None  # a paper and its journal version years later are both worth keeping apart
    family_a, family_b = families.get(a[0]), families.get(b[0])
    if family_a and family_b and family_a != family_b:
        return None
    evidence = [f"the same title twice in one file: “{title}”"]
    if year_a and year_a == year_b:
        evidence.append(f"same year {year_a}")
    if family_a and family_a == family_b:
        evidence.append("same first author")
    if doi_a and doi_b:
        evidence.append(f"same DOI {doi_a}")
    return evidence
