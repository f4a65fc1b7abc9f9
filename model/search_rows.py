"""What the full-text index holds for a paper: one papers_fts row of its title, abstract, people, note and venue.

One statement shared by the library (after every change) and the schema's migrations (when what a row holds
changes), so an upgraded library indexes exactly what a new one does; and the same row made from values an
import holds (`paper_row`). Writes papers_fts only.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# The people an entry names besides its authors, found by a search as Zotero finds every creator: editors,
# translators and book authors, read from the .bib entry (a JSON list of [name, text or null, latex, ...]).
# `instr` spares the JSON walk on the many papers that have none.
CONTRIBUTOR_FIELDS = ("editor", "translator", "bookauthor")
_CONTRIBUTORS = """CASE WHEN instr(p.bib_fields, '["editor"') OR instr(p.bib_fields, '["translator"')
      OR instr(p.bib_fields, '["bookauthor"') THEN COALESCE((SELECT group_concat(
        COALESCE(json_extract(f.value, '$[1]'), json_extract(f.value, '$[2]')), ' ; ') FROM json_each(p.bib_fields) f
        WHERE json_extract(f.value, '$[0]') IN ('editor', 'translator', 'bookauthor')), '') ELSE '' END"""


def refresh_paper_rows(conn: sqlite3.Connection, paper_ids: Sequence[int]) -> None:
    """Rewrite the full-text rows of these papers (deleted or merged papers leave the index). Tags are not in
    it: tags_fts indexes each tag's name once (schema v7), so the tags column stays empty."""
    # The unary `+` keeps the live-paper indexes out of the plan: on (deleted_at, merged_into, ...) SQLite
    # would walk every live paper per chunk, and the rows would reach the index in citekey order.
    for start in range(0, len(paper_ids), 500):
        chunk = list(paper_ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        conn.execute(f"DELETE FROM papers_fts WHERE rowid IN ({marks})", chunk)
        conn.execute(
            f"""INSERT INTO papers_fts(rowid, title, abstract, authors, tags, note, venue)
            SELECT p.id, COALESCE(p.title, ''), COALESCE(p.abstract, ''),
              COALESCE((SELECT group_concat(a.display_name || ' ' || s.as_written, ' ; ') FROM authorships s
                        JOIN authors a ON a.id = s.author_id WHERE s.paper_id = p.id), '') || ' ' ||
              COALESCE((SELECT group_concat(a.display_name, ' ; ') FROM implied_authors i
                        JOIN authors a ON a.id = i.author_id WHERE i.paper_id = p.id), '') || ' ' ||
              {_CONTRIBUTORS},
              '', p.note, COALESCE(p.venue, '') || ' ' || COALESCE(p.journal_ref, '')
            FROM papers p WHERE p.id IN ({marks}) AND +p.deleted_at IS NULL AND +p.merged_into IS NULL""",
            chunk,
        )


def paper_row(
    paper_id: int,
    values: Mapping[str, Any],
    people: Iterable[tuple[str, str]],
    bib_fields: Iterable[Sequence[Any]],
) -> tuple[Any, ...]:
    """The row `refresh_paper_rows` writes for a new paper with no implied authors, made from what its writer
    holds: `values` its papers row, `people` (display name, as written) in list order, `bib_fields` its chosen
    (name, text, LaTeX, ...) fields. It spares reading back what was just written (an import's 10,000 new
    papers: 0.08 s); tests/model/test_search_rows.py holds it to the statement's rows."""
    named = " ; ".join(f"{display} {written}" for display, written in people)
    # As the statement reads them from the stored JSON: the text where it differs from the LaTeX, else the LaTeX.
    contributors = " ; ".join(
        latex if text is None or text == latex else text
        for name, text, latex, *_ in bib_fields
        if name in CONTRIBUTOR_FIELDS and (text is not None or latex is not None)
    )
    return (
        paper_id,
        values["title"] or "",
        values["abstract"] or "",
        f"{named}  {contributors}",
        "",
        values["note"],
        f"{values['venue'] or ''} {values['journal_ref'] or ''}",
    )


def write_paper_rows(conn: sqlite3.Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Write rows `paper_row` made, in place of any the index held for those papers."""
    for start in range(0, len(rows), 500):
        chunk = [row[0] for row in rows[start : start + 500]]
        conn.execute(f"DELETE FROM papers_fts WHERE rowid IN ({','.join('?' * len(chunk))})", chunk)
    conn.executemany(
        "INSERT INTO papers_fts(rowid, title, abstract, authors, tags, note, venue) VALUES (?, ?, ?, ?, ?, ?, ?)", rows
    )


def refresh_contributor_rows(conn: sqlite3.Connection) -> None:
    """Index the editors, translators and book authors of every paper that names some (schema v11: they were
    not searchable before)."""
    marks = [f'["{name}"' for name in CONTRIBUTOR_FIELDS]
    ids = [
        row[0]
        for row in conn.execute(
            "SELECT id FROM papers WHERE (instr(bib_fields, ?) OR instr(bib_fields, ?) OR instr(bib_fields, ?)) "
            "AND deleted_at IS NULL AND merged_into IS NULL",
            marks,
        )
    ]
    refresh_paper_rows(conn, ids)
