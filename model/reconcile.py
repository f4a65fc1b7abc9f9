"""Same paper? Same person? Matching an incoming record against the library through indexed keys.

Never compares all pairs: every lookup goes through an index (arXiv id, DOI, title key, name keys).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from papershelf.model.names import ParsedName, parse_name

if TYPE_CHECKING:
    from papershelf.model.library import Library


@dataclass
class Match:
    paper_id: int
    score: float
    evidence: list[str] = field(default_factory=list)

    @property
    def confident(self) -> bool:
        return self.score >= AUTO_MERGE_SCORE


AUTO_MERGE_SCORE = 0.9
SUGGEST_SCORE = 0.5


def _title_key(title: str | None) -> str | None:
    from papershelf.model.store import title_key

    return title_key(title)


def _ids_conflict(row: Sequence[Any], record: Any) -> str | None:
    arxiv_id, doi = row
    if arxiv_id and getattr(record, "arxiv_id", None) and arxiv_id != record.arxiv_id:
        return f"arXiv ids differ ({arxiv_id} vs {record.arxiv_id})"
    if doi and getattr(record, "doi", None) and doi.lower() != record.doi.lower():
        return f"DOIs differ ({doi} vs {record.doi})"
    return None


def find_match(library: Library, record: Any, *, exclude: Iterable[int] = ()) -> Match | None:
    """The best library paper this record describes, with the evidence; None when nothing is close."""
    conn = library.conn
    excluded = set(exclude)
    live = "merged_into IS NULL"
    arxiv_id = getattr(record, "arxiv_id", None)
    if arxiv_id:
        row = conn.execute(f"SELECT id FROM papers WHERE arxiv_id = ? AND {live}", (arxiv_id,)).fetchone()
        if row and row[0] not in excluded:
            return Match(row[0], 1.0, [f"same arXiv id {arxiv_id}"])
    doi = getattr(record, "doi", None)
    if doi:
        row = conn.execute(f"SELECT id FROM papers WHERE doi = ? COLLATE NOCASE AND {live}", (doi,)).fetchone()
        if row and row[0] not in excluded:
            return Match(row[0], 1.0, [f"same DOI {doi}"])
    key = _title_key(record.title)
    if not key:
        return None
    best: Match | None = None
    for paper_id, year, p_arxiv, p_doi in conn.execute(
        f"SELECT id, year, arxiv_id, doi FROM papers WHERE title_key = ? AND {live}", (key,)
    ):
        if paper_id in excluded:
            continue
        if _ids_conflict((p_arxiv, p_doi), record):
            continue  # conflicting identifiers veto a match
        evidence = ["same title"]
        score = 0.8
        rec_year = getattr(record, "year", None)
        if year and rec_year:
            if abs(year - rec_year) <= 1:
                score += 0.1
                evidence.append(f"years agree ({year}, {rec_year})")
            else:
                score -= 0.3
                evidence.append(f"years differ ({year}, {rec_year})")
        shared = _shared_authors(library, paper_id, record.authors)
        if shared:
            score += 0.1
            evidence.append("shared authors: " + ", ".join(shared[:3]))
        elif record.authors and _has_authors(library, paper_id):
            score -= 0.2
            evidence.append("no author in common")
        if best is None or score > best.score:
            best = Match(paper_id, min(score, 1.0), evidence)
    if best is not None and best.score < SUGGEST_SCORE:
        return None
    return best


def _has_authors(library: Library, paper_id: int) -> bool:
    return bool(library.conn.execute("SELECT 1 FROM authorships WHERE paper_id = ?", (paper_id,)).fetchone())


def _shared_authors(library: Library, paper_id: int, names: Sequence[str]) -> list[str]:
    if not names:
        return []
    keys = {parse_name(n).key for n in names} | {parse_name(n).swapped_key for n in names}
    shared = []
    for (written,) in library.conn.execute("SELECT as_written FROM authorships WHERE paper_id = ?", (paper_id,)):
        if parse_name(written).key in keys:
            shared.append(written)
    return shared


def pick_author(library: Library, parsed: ParsedName, coauthor_names: Sequence[str]) -> int | None:
    """The existing person a name most likely means, or None to create a new one."""
    rows = library.conn.execute(
        "SELECT DISTINCT v.author_id FROM author_variants v JOIN authors a ON a.id = v.author_id "
        "WHERE v.name_key = ? AND a.merged_into IS NULL",
        (parsed.key,),
    ).fetchall()
    if not rows:
        return None
    if len(rows) == 1 or not coauthor_names:
        return rows[0][0]
    # Two people share this name: the one who already wrote with these co-authors is the better guess.
    keys = [parse_name(n).key for n in coauthor_names]
    marks = ",".join("?" * len(keys))
    best = max(
        (r[0] for r in rows),
        key=lambda author_id: library.conn.execute(
            f"""SELECT count(*) FROM authorships s JOIN authorships o ON o.paper_id = s.paper_id
                JOIN author_variants v ON v.author_id = o.author_id
                WHERE s.author_id = ? AND v.name_key IN ({marks})""",
            [author_id, *keys],
        ).fetchone()[0],
    )
    return best


def suggest(library: Library, paper_id: int, match: Match) -> int:
    """Queue a possible duplicate for review unless the user already called the pair distinct."""
    from papershelf.model.library import now

    a, b = sorted((paper_id, match.paper_id))
    cursor = library.conn.execute(
        "INSERT OR IGNORE INTO duplicate_candidates(kind, a_id, b_id, score, evidence, created_at) "
        "VALUES ('paper', ?, ?, ?, ?, ?)",
        (a, b, match.score, json.dumps(match.evidence), now()),
    )
    return cursor.rowcount
