"""Merging and unmerging papers and authors, the review queue of possible duplicates, and "distinct" verdicts.

Every merge stores a snapshot in the `merges` table so it can be undone: unmerging gives both sides back their
own sources, tags, notes, edits and citation keys. Nothing a user made (tags, notes, edits, keys) is ever
dropped by a merge. Deciding what matches is model/reconcile.py's job, not this module's.
"""

from __future__ import annotations

import json
import types
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from papershelf.model import reconcile
from papershelf.model.common import LibraryError, now
from papershelf.model.library import Library
from papershelf.model.names import parse_name
from papershelf.model.store import _create_paper, _live_paper, recompute_paper
from papershelf.model.types import Author, Change, Paper


# ---------------------------------------------------------------------------------------------- review queue
@dataclass(frozen=True)
class Suggestion:
    """One open entry of the review queue: two papers (or two authors) that may be one."""

    id: int
    kind: str  # paper | author
    a: Paper | Author
    b: Paper | Author
    score: float
    evidence: tuple[str, ...]
    created_at: str


@dataclass(frozen=True)
class MergeRecord:
    """One merge, as `papershelf why` shows it: what was joined, automatically or by the user, and why."""

    id: int
    kind: str
    kept_id: int
    merged_id: int
    automatic: bool
    evidence: tuple[str, ...]
    created_at: str
    undone_at: str | None
    sources: tuple[str, ...]  # the files whose records were joined


def open_suggestions(library: Library, kind: str | None = None) -> list[Suggestion]:
    """Possible duplicates waiting for a verdict, best first; pairs whose side was merged away are left out."""
    conn = library.conn
    sql = "SELECT id, kind, a_id, b_id, score, evidence, created_at FROM duplicate_candidates WHERE status = 'open'"
    params: list[Any] = []
    if kind is not None:
        sql += " AND kind = ?"
        params.append(kind)
    suggestions = []
    for row_id, row_kind, a_id, b_id, score, evidence, created_at in conn.execute(
        sql + " ORDER BY score DESC, id", params
    ).fetchall():
        if row_kind == "paper":
            live = {
                r[0]
                for r in conn.execute(
                    "SELECT id FROM papers WHERE id IN (?, ?) AND merged_into IS NULL AND deleted_at IS NULL",
                    (a_id, b_id),
                )
            }
            if live != {a_id, b_id}:
                continue
            a, b = library.get_paper(a_id), library.get_paper(b_id)
        else:
            live = {
                r[0]
                for r in conn.execute("SELECT id FROM authors WHERE id IN (?, ?) AND merged_into IS NULL", (a_id, b_id))
            }
            if live != {a_id, b_id}:
                continue
            a, b = library.get_author(a_id), library.get_author(b_id)
        suggestions.append(Suggestion(row_id, row_kind, a, b, score, tuple(json.loads(evidence)), created_at))
    return suggestions


def mark_distinct(library: Library, kind: str, a: int, b: int) -> Change:
    """Record that two papers (or authors) are different; the pair is never proposed or joined again."""
    if kind not in ("paper", "author"):
        raise LibraryError(f"kind must be 'paper' or 'author', not {kind!r}")
    if a == b:
        raise LibraryError("a paper or author cannot be distinct from itself")
    with library.transaction():
        _require(library, kind, [a, b])
        _set_verdict(library, kind, a, b, "distinct")
        return library.record_change(
            Change(
                "duplicates",
                paper_ids=frozenset([a, b]) if kind == "paper" else frozenset(),
                author_ids=frozenset([a, b]) if kind == "author" else frozenset(),
                description=f"{kind}s {a} and {b} marked distinct",
            )
        )


def _set_verdict(library: Library, kind: str, a: int, b: int, status: str, evidence: Sequence[str] = ()) -> None:
    low, high = sorted((a, b))
    stamp = now()
    library.conn.execute(
        "INSERT INTO duplicate_candidates(kind, a_id, b_id, score, evidence, status, created_at, decided_at) "
        "VALUES (?, ?, ?, 0, ?, ?, ?, ?) ON CONFLICT(kind, a_id, b_id) DO UPDATE SET status = excluded.status, "
        "decided_at = excluded.decided_at",
        (kind, low, high, json.dumps(list(evidence), ensure_ascii=False), status, stamp, stamp),
    )


def _queue_state(library: Library, kind: str, a: int, b: int) -> dict[str, Any] | None:
    """The review queue's row for a pair before a decision, so undoing the decision can put it back."""
    low, high = sorted((a, b))
    row = library.conn.execute(
        "SELECT status, decided_at FROM duplicate_candidates WHERE kind = ? AND a_id = ? AND b_id = ?",
        (kind, low, high),
    ).fetchone()
    return {"status": row[0], "decided_at": row[1]} if row else None


def _restore_queue(library: Library, kind: str, a: int, b: int, state: dict[str, Any] | None) -> None:
    """Put a pair's queue row back as it was: proposed again (its score and evidence were kept), or no row."""
    low, high = sorted((a, b))
    if state is None:
        library.conn.execute(
            "DELETE FROM duplicate_candidates WHERE kind = ? AND a_id = ? AND b_id = ?", (kind, low, high)
        )
    else:
        library.conn.execute(
            "UPDATE duplicate_candidates SET status = ?, decided_at = ? WHERE kind = ? AND a_id = ? AND b_id = ?",
            (state["status"], state["decided_at"], kind, low, high),
        )


def undistinct(library: Library, kind: str, a: int, b: int) -> Change:
    """Take back a "distinct" verdict (the undo of `mark_distinct`): a pair the review queue had proposed is
    proposed again, with its score and evidence; a pair that was never proposed is simply undecided again."""
    if kind not in ("paper", "author"):
        raise LibraryError(f"kind must be 'paper' or 'author', not {kind!r}")
    low, high = sorted((a, b))
    with library.transaction() as conn:
        row = conn.execute(
            "SELECT status, score FROM duplicate_candidates WHERE kind = ? AND a_id = ? AND b_id = ?",
            (kind, low, high),
        ).fetchone()
        if row is None or row[0] != "distinct":
            raise LibraryError(f"{kind}s {a} and {b} are not marked distinct")
        # Only the queue scores a pair (0.5 and up); a verdict given to a pair never proposed is stored at 0.
        proposed = row[1] > 0
        _restore_queue(library, kind, a, b, {"status": "open", "decided_at": None} if proposed else None)
        return library.record_change(
            Change(
                "duplicates",
                paper_ids=frozenset([a, b]) if kind == "paper" else frozenset(),
                author_ids=frozenset([a, b]) if kind == "author" else frozenset(),
                description=f"{kind}s {a} and {b} no longer marked distinct",
            )
        )


def _require(library: Library, kind: str, ids: Iterable[int]) -> None:
    table = "papers" if kind == "paper" else "authors"
    for item in ids:
        row = library.conn.execute(f"SELECT merged_into FROM {table} WHERE id = ?", (item,)).fetchone()
        if row is None:
            raise LibraryError(f"there is no {kind} with id {item}")
        if row[0] is not None:
            raise LibraryError(f"{kind} {item} was merged into {row[0]}; use {row[0]}")


def merge_history(library: Library, kind: str, item_id: int) -> list[MergeRecord]:
    """Why a paper (or author) holds what it holds: every merge into it (and out of it), oldest first."""
    conn = library.conn
    rows = conn.execute(
        "SELECT id, kind, kept_id, merged_id, automatic, evidence, created_at, undone_at, snapshot FROM merges "
        "WHERE kind = ? AND (kept_id = ? OR merged_id = ?) ORDER BY id",
        (kind, item_id, item_id),
    ).fetchall()
    records = []
    for row_id, row_kind, kept, merged, automatic, evidence, created_at, undone_at, snapshot in rows:
        data = json.loads(snapshot or "{}")
        claim_ids = data.get("claim_ids") or (data.get("other") or {}).get("claim_ids") or []
        files: list[str] = []
        if claim_ids:
            marks = ",".join("?" * len(claim_ids))
            files = [
                r[0]
                for r in conn.execute(
                    "SELECT DISTINCT s.file FROM claims c JOIN sources s ON s.id = c.source_id "
                    f"WHERE c.id IN ({marks})",
                    claim_ids,
                )
            ]
        records.append(
            MergeRecord(
                row_id,
                row_kind,
                kept,
                merged,
                bool(automatic),
                tuple(json.loads(evidence or "[]")),
                created_at,
                undone_at,
                tuple(files),
            )
        )
    return records


# ---------------------------------------------------------------------------------------------- papers
def _paper_state(library: Library, paper_id: int) -> dict[str, Any]:
    conn = library.conn
    row = conn.execute("SELECT note, citekey FROM papers WHERE id = ?", (paper_id,)).fetchone()
    return {
        "id": paper_id,
        "note": row[0],
        "citekey": row[1],
        "aliases": [r[0] for r in conn.execute("SELECT key FROM citekey_aliases WHERE paper_id = ?", (paper_id,))],
        "tags": [r[0] for r in conn.execute("SELECT tag_id FROM paper_tags WHERE paper_id = ?", (paper_id,))],
        "edits": {
            f: [v, t]
            for f, v, t in conn.execute(
                "SELECT field, value, edited_at FROM paper_edits WHERE paper_id = ?", (paper_id,)
            )
        },
        "claim_ids": [r[0] for r in conn.execute("SELECT id FROM claims WHERE paper_id = ?", (paper_id,))],
        "implied": [
            list(r)
            for r in conn.execute("SELECT author_id, source_id FROM implied_authors WHERE paper_id = ?", (paper_id,))
        ],
    }


def _combined_note(kept: str, other: str) -> str:
    kept, other = kept or "", other or ""
    if not other.strip() or other.strip() in kept:
        return kept
    if not kept.strip():
        return other
    return f"{kept.rstrip()}\n\n{other.strip()}"


def merge_papers(
    library: Library,
    keep_id: int,
    other_ids: Iterable[int],
    evidence: Sequence[str] | None = None,
) -> Change:
    """Join papers into `keep_id`: their sources become its provenance, fields are chosen again across all of
    them, tags and notes are combined, their citation keys become aliases of its key (the key the user kept)."""
    others = [o for o in dict.fromkeys(other_ids) if o != keep_id]
    if not others:
        raise LibraryError("name at least one other paper to merge into the kept one")
    with library.transaction() as conn:
        _require(library, "paper", [keep_id, *others])
        for other in others:
            kept_state = _paper_state(library, keep_id)
            other_state = _paper_state(library, other)
            stamp = now()
            # The user's "checked" on a doubted paper holds for the doubts it brings along: the kept paper is
            # checked too unless it has doubts of its own the user has not looked at.
            carried_check = bool(
                conn.execute("SELECT 1 FROM checked_papers WHERE paper_id = ?", (other,)).fetchone()
                and not conn.execute("SELECT 1 FROM checked_papers WHERE paper_id = ?", (keep_id,)).fetchone()
                and not library.check_me_reasons(keep_id)
            )
            # Claims (provenance) move; everything the user made is copied, so the merged paper's own rows stay
            # intact for an unmerge.
            conn.execute("UPDATE claims SET paper_id = ? WHERE paper_id = ?", (keep_id, other))
            if carried_check:
                conn.execute("INSERT INTO checked_papers(paper_id, checked_at) VALUES (?, ?)", (keep_id, stamp))
            added_tags = [t for t in other_state["tags"] if t not in kept_state["tags"]]
            conn.executemany("INSERT OR IGNORE INTO paper_tags VALUES (?, ?)", [(keep_id, t) for t in added_tags])
            copied_edits = {f: v for f, v in other_state["edits"].items() if f not in kept_state["edits"]}
            conn.executemany(
                "INSERT INTO paper_edits(paper_id, field, value, edited_at) VALUES (?, ?, ?, ?)",
                [(keep_id, f, v[0], v[1]) for f, v in copied_edits.items()],
            )
            added_implied = [i for i in other_state["implied"] if i not in kept_state["implied"]]
            conn.executemany(
                "INSERT OR IGNORE INTO implied_authors(paper_id, author_id, source_id) VALUES (?, ?, ?)",
                [(keep_id, a, s) for a, s in added_implied],
            )
            note = _combined_note(kept_state["note"], other_state["note"])
            conn.execute("UPDATE papers SET note = ? WHERE id = ?", (note, keep_id))
            # A document that cites the merged paper's key still resolves: the key now names the kept paper.
            moved_keys = [k for k in [other_state["citekey"], *other_state["aliases"]] if k]
            conn.execute("UPDATE papers SET citekey = NULL, merged_into = ? WHERE id = ?", (keep_id, other))
            conn.executemany(
                "INSERT OR REPLACE INTO citekey_aliases(key, paper_id) VALUES (?, ?)",
                [(k, keep_id) for k in moved_keys],
            )
            snapshot = {
                "queue": _queue_state(library, "paper", keep_id, other),
                "kept": kept_state,
                "other": other_state,
                "added_tags": added_tags,
                "copied_edits": copied_edits,
                "added_implied": added_implied,
                "combined_note": note,
                "moved_keys": moved_keys,
                "carried_check": carried_check,
            }
            why = list(evidence) if evidence else ["merged by the user"]
            conn.execute(
                "INSERT INTO merges(kind, kept_id, merged_id, automatic, evidence, snapshot, created_at) "
                "VALUES ('paper', ?, ?, 0, ?, ?, ?)",
                (keep_id, other, json.dumps(why, ensure_ascii=False), json.dumps(snapshot), stamp),
            )
            _set_verdict(library, "paper", keep_id, other, "merged", why)
            reconcile.index_paper(library, other)
        recompute_paper(library, keep_id, force=True)
        reconcile.index_paper(library, keep_id)
        library.refresh_search([keep_id, *others])
        return library.record_change(
            Change(
                "papers",
                frozenset([keep_id, *others]),
                description=f"merged {', '.join(map(str, others))} into {keep_id}",
            )
        )


def unmerge_paper(
    library: Library, paper_id: int, merge_id: int | None = None, *, restore_queue: bool = False
) -> Change:
    """Undo a merge: the paper that was merged away (or, for a merge made at import, the record that joined)
    becomes its own paper again with its own sources, tags, notes, edits and key. `paper_id` may name either
    side; without `merge_id` the latest merge involving it is undone.

    The pair is then remembered as distinct (the user said the merge was wrong), unless `restore_queue`: an undo
    (Ctrl+Z) puts the pair back as it was before the merge, in the review queue if it came from there."""
    conn = library.conn
    with library.transaction():
        row = _merge_row(library, "paper", paper_id, merge_id)
        row_id, kept, merged, automatic, snapshot_text = row
        snapshot = json.loads(snapshot_text or "{}")
        if automatic and kept == merged:
            restored = _split_claims(
                library, kept, snapshot.get("claim_ids") or [], aliases=snapshot.get("aliases") or []
            )
            live_kept = kept
        else:
            restored = merged
            live_kept = _restore_paper(library, kept, merged, snapshot)
        conn.execute("UPDATE merges SET undone_at = ? WHERE id = ?", (now(), row_id))
        if restore_queue and kept != merged:
            _restore_queue(library, "paper", live_kept, restored, snapshot.get("queue"))
        elif restore_queue:
            _restore_queue(library, "paper", live_kept, restored, None)
        else:
            _set_verdict(library, "paper", live_kept, restored, "distinct", ["unmerged by the user"])
        return library.record_change(
            Change("papers", frozenset([live_kept, restored]), description=f"paper {restored} split from {live_kept}")
        )


def _merge_row(library: Library, kind: str, item_id: int, merge_id: int | None) -> tuple[Any, ...]:
    conn = library.conn
    if merge_id is not None:
        row = conn.execute(
            "SELECT id, kept_id, merged_id, automatic, snapshot FROM merges WHERE id = ? AND kind = ? "
            "AND undone_at IS NULL AND (kept_id = ? OR merged_id = ?)",
            (merge_id, kind, item_id, item_id),
        ).fetchone()
        if row is None:
            raise LibraryError(f"merge {merge_id} is not an active merge of {kind} {item_id}")
        return row
    # A paper merged away names its own merge; a live paper undoes the latest merge into it.
    row = conn.execute(
        "SELECT id, kept_id, merged_id, automatic, snapshot FROM merges WHERE kind = ? AND merged_id = ? "
        "AND kept_id != merged_id AND undone_at IS NULL ORDER BY id DESC LIMIT 1",
        (kind, item_id),
    ).fetchone()
    if row is None:
        row = conn.execute(
            "SELECT id, kept_id, merged_id, automatic, snapshot FROM merges WHERE kind = ? AND kept_id = ? "
            "AND undone_at IS NULL ORDER BY id DESC LIMIT 1",
            (kind, item_id),
        ).fetchone()
    if row is None:
        raise LibraryError(f"{kind} {item_id} has no merge to undo")
    return row


def _restore_paper(library: Library, kept: int, merged: int, snapshot: dict[str, Any]) -> int:
    """Give a manually merged paper back everything it had; returns the (live) paper it was merged into."""
    conn = library.conn
    other = snapshot["other"]
    live_kept = _live_paper(library, kept)
    claim_ids = other["claim_ids"]
    if claim_ids:
        marks = ",".join("?" * len(claim_ids))
        conn.execute(f"UPDATE claims SET paper_id = ? WHERE id IN ({marks})", [merged, *claim_ids])
    for tag_id in snapshot["added_tags"]:
        conn.execute("DELETE FROM paper_tags WHERE paper_id = ? AND tag_id = ?", (live_kept, tag_id))
    if snapshot.get("carried_check"):  # merges made before the check list have no such key
        conn.execute("DELETE FROM checked_papers WHERE paper_id = ?", (live_kept,))
    for field_name, (value, _edited_at) in snapshot["copied_edits"].items():
        conn.execute(
            "DELETE FROM paper_edits WHERE paper_id = ? AND field = ? AND value = ?", (live_kept, field_name, value)
        )
    for author_id, source_id in snapshot["added_implied"]:
        still_claimed = conn.execute(
            "SELECT 1 FROM claims WHERE paper_id = ? AND source_id = ?", (live_kept, source_id)
        ).fetchone()
        if not still_claimed:
            conn.execute(
                "DELETE FROM implied_authors WHERE paper_id = ? AND author_id = ? AND source_id = ?",
                (live_kept, author_id, source_id),
            )
    current_note = conn.execute("SELECT note FROM papers WHERE id = ?", (live_kept,)).fetchone()[0]
    if current_note == snapshot["combined_note"]:
        conn.execute("UPDATE papers SET note = ? WHERE id = ?", (snapshot["kept"]["note"], live_kept))
    for key in snapshot["moved_keys"]:
        conn.execute("DELETE FROM citekey_aliases WHERE key = ?", (key,))
    conn.executemany(
        "INSERT OR REPLACE INTO citekey_aliases(key, paper_id) VALUES (?, ?)", [(k, merged) for k in other["aliases"]]
    )
    conn.execute(
        "UPDATE papers SET merged_into = NULL, citekey = ? WHERE id = ?",
        (other["citekey"], merged),
    )
    for paper_id in (merged, live_kept):
        recompute_paper(library, paper_id, force=True)
        reconcile.index_paper(library, paper_id)
    library.refresh_search([merged, live_kept])
    return live_kept


def _split_claims(library: Library, kept: int, claim_ids: Sequence[int], aliases: Sequence[str] = ()) -> int:
    """Undo a merge made at import: the claims that joined become a paper of their own; returns its id. The
    .bib key the record brought (an alias of the paper since) goes with it and is its key again."""
    conn = library.conn
    if not claim_ids:
        raise LibraryError(f"the merge into paper {kept} does not say which record joined it; it cannot be undone")
    live_kept = _live_paper(library, kept)
    for key in aliases:
        conn.execute("DELETE FROM citekey_aliases WHERE key = ? AND paper_id = ?", (key, live_kept))
    marks = ",".join("?" * len(claim_ids))
    claims = conn.execute(
        f"SELECT c.id, c.record, c.source_id, s.format, s.owner_id FROM claims c JOIN sources s ON s.id = c.source_id "
        f"WHERE c.id IN ({marks}) ORDER BY c.id",
        list(claim_ids),
    ).fetchall()
    if not claims:
        raise LibraryError(f"the record that joined paper {kept} is no longer in the library")
    _claim_id, record_text, _source_id, fmt, owner_id = claims[0]
    record = types.SimpleNamespace(**json.loads(record_text))
    new_id = _create_paper(library, record, fmt, owner_id)
    conn.execute(f"UPDATE claims SET paper_id = ? WHERE id IN ({marks})", [new_id, *claim_ids])
    for _, _, source_id, _, owner in claims:
        if owner is None:
            continue
        conn.execute(
            "INSERT OR IGNORE INTO implied_authors(paper_id, author_id, source_id) VALUES (?, ?, ?)",
            (new_id, owner, source_id),
        )
        still_claimed = conn.execute(
            "SELECT 1 FROM claims WHERE paper_id = ? AND source_id = ?", (live_kept, source_id)
        ).fetchone()
        if not still_claimed:
            conn.execute("DELETE FROM implied_authors WHERE paper_id = ? AND source_id = ?", (live_kept, source_id))
    for paper_id in (new_id, live_kept):
        recompute_paper(library, paper_id, force=True)
        reconcile.index_paper(library, paper_id)
    library.refresh_search([new_id, live_kept])
    return new_id


# ---------------------------------------------------------------------------------------------- authors
def _author_state(library: Library, author_id: int) -> dict[str, Any]:
    conn = library.conn
    return {
        "note": conn.execute("SELECT note FROM authors WHERE id = ?", (author_id,)).fetchone()[0],
        "variants": [r[0] for r in conn.execute("SELECT name FROM author_variants WHERE author_id = ?", (author_id,))],
        "authorships": [
            list(r)
            for r in conn.execute(
                "SELECT paper_id, position, as_written FROM authorships WHERE author_id = ?", (author_id,)
            )
        ],
        "implied": [
            list(r)
            for r in conn.execute("SELECT paper_id, source_id FROM implied_authors WHERE author_id = ?", (author_id,))
        ],
        "profiles": [r[0] for r in conn.execute("SELECT source_id FROM profiles WHERE author_id = ?", (author_id,))],
        "owned_sources": [r[0] for r in conn.execute("SELECT id FROM sources WHERE owner_id = ?", (author_id,))],
    }


def _author_papers(library: Library, author_ids: Iterable[int]) -> list[int]:
    ids = list(author_ids)
    marks = ",".join("?" * len(ids))
    return [
        r[0]
        for r in library.conn.execute(
            f"SELECT paper_id FROM authorships WHERE author_id IN ({marks}) "
            f"UNION SELECT paper_id FROM implied_authors WHERE author_id IN ({marks})",
            ids + ids,
        )
    ]


def merge_authors(
    library: Library,
    keep_id: int,
    other_ids: Iterable[int],
    *,
    evidence: Sequence[str] | None = None,
    automatic: bool = False,
) -> Change:
    """Join people into `keep_id`: every name variant is kept, authorships and "et al." owner links move, and
    page profiles move with them. The merged records stay (marked `merged_into`) so the merge can be undone."""
    keep_id = library.resolve_author(keep_id)
    others = [library.resolve_author(o) for o in dict.fromkeys(other_ids)]
    others = [o for o in dict.fromkeys(others) if o != keep_id]
    if not others:
        raise LibraryError("name at least one other author to merge into the kept one")
    with library.transaction() as conn:
        _require(library, "author", [keep_id, *others])
        papers = set(_author_papers(library, [keep_id, *others]))
        for other in others:
            kept_state = _author_state(library, keep_id)
            state = _author_state(library, other)
            added_variants = [v for v in state["variants"] if v not in kept_state["variants"]]
            conn.executemany(
                "INSERT OR IGNORE INTO author_variants(author_id, name, name_key) VALUES (?, ?, ?)",
                [(keep_id, v, parse_name(v).key) for v in added_variants],
            )
            conn.execute("UPDATE authorships SET author_id = ? WHERE author_id = ?", (keep_id, other))
            added_implied = [i for i in state["implied"] if i not in kept_state["implied"]]
            conn.executemany(
                "INSERT OR IGNORE INTO implied_authors(paper_id, author_id, source_id) VALUES (?, ?, ?)",
                [(p, keep_id, s) for p, s in added_implied],
            )
            conn.execute("DELETE FROM implied_authors WHERE author_id = ?", (other,))
            moved_profiles = [s for s in state["profiles"] if s not in kept_state["profiles"]]
            conn.executemany(
                "UPDATE profiles SET author_id = ? WHERE author_id = ? AND source_id = ?",
                [(keep_id, other, s) for s in moved_profiles],
            )
            conn.execute("UPDATE sources SET owner_id = ? WHERE owner_id = ?", (keep_id, other))
            note = _combined_note(kept_state["note"], state["note"])
            conn.execute("UPDATE authors SET note = ? WHERE id = ?", (note, keep_id))
            conn.execute("UPDATE authors SET merged_into = ? WHERE id = ?", (keep_id, other))
            snapshot = {
                "queue": _queue_state(library, "author", keep_id, other),
                "kept_note": kept_state["note"],
                "combined_note": note,
                "other": state,
                "added_variants": added_variants,
                "added_implied": added_implied,
                "moved_profiles": moved_profiles,
            }
            why = list(evidence) if evidence else ["merged by the user"]
            conn.execute(
                "INSERT INTO merges(kind, kept_id, merged_id, automatic, evidence, snapshot, created_at) "
                "VALUES ('author', ?, ?, ?, ?, ?, ?)",
                (keep_id, other, int(automatic), json.dumps(why, ensure_ascii=False), json.dumps(snapshot), now()),
            )
            _set_verdict(library, "author", keep_id, other, "merged", why)
        library.refresh_author_search([keep_id, *others])
        library.refresh_search(sorted(papers))
        return library.record_change(
            Change(
                "authors",
                frozenset(papers),
                frozenset([keep_id, *others]),
                description=f"merged author {', '.join(map(str, others))} into {keep_id}",
            )
        )


def unmerge_author(
    library: Library, author_id: int, merge_id: int | None = None, *, restore_queue: bool = False
) -> Change:
    """Undo an author merge: the merged person gets back their names, papers, "et al." links and profiles,
    and the pair is remembered as two people; with `restore_queue` (an undo) the pair is put back as it was
    before the merge instead, in the review queue if it came from there."""
    conn = library.conn
    with library.transaction():
        row_id, kept, merged, _automatic, snapshot_text = _merge_row(library, "author", author_id, merge_id)
        snapshot = json.loads(snapshot_text)
        live_kept = library.resolve_author(kept)
        state = snapshot["other"]
        papers: set[int] = set()
        for paper_id, position, as_written in state["authorships"]:
            cursor = conn.execute(
                "UPDATE authorships SET author_id = ? WHERE paper_id = ? AND position = ? AND as_written = ? "
                "AND author_id = ?",
                (merged, paper_id, position, as_written, live_kept),
            )
            if not cursor.rowcount:
                # the paper's list was re-chosen since: give back the places written with this person's names
                conn.execute(
                    "UPDATE authorships SET author_id = ? WHERE paper_id = ? AND as_written = ? AND author_id = ?",
                    (merged, paper_id, as_written, live_kept),
                )
            papers.add(paper_id)
        for paper_id, source_id in state["implied"]:
            conn.execute(
                "INSERT OR IGNORE INTO implied_authors(paper_id, author_id, source_id) VALUES (?, ?, ?)",
                (paper_id, merged, source_id),
            )
            papers.add(paper_id)
        for paper_id, source_id in snapshot["added_implied"]:
            conn.execute(
                "DELETE FROM implied_authors WHERE paper_id = ? AND author_id = ? AND source_id = ?",
                (paper_id, live_kept, source_id),
            )
        for source_id in snapshot["moved_profiles"]:
            conn.execute(
                "UPDATE profiles SET author_id = ? WHERE author_id = ? AND source_id = ?",
                (merged, live_kept, source_id),
            )
        for source_id in state["owned_sources"]:
            conn.execute(
                "UPDATE sources SET owner_id = ? WHERE id = ? AND owner_id = ?", (merged, source_id, live_kept)
            )
        for name in snapshot["added_variants"]:
            conn.execute("DELETE FROM author_variants WHERE author_id = ? AND name = ?", (live_kept, name))
        current_note = conn.execute("SELECT note FROM authors WHERE id = ?", (live_kept,)).fetchone()[0]
        if current_note == snapshot["combined_note"]:
            conn.execute("UPDATE authors SET note = ? WHERE id = ?", (snapshot["kept_note"], live_kept))
        conn.execute("UPDATE authors SET merged_into = NULL WHERE id = ?", (merged,))
        conn.execute("UPDATE merges SET undone_at = ? WHERE id = ?", (now(), row_id))
        if restore_queue:
            _restore_queue(library, "author", live_kept, merged, snapshot.get("queue"))
        else:
            _set_verdict(library, "author", live_kept, merged, "distinct", ["unmerged by the user"])
        library.refresh_author_search([live_kept, merged])
        library.refresh_search(sorted(papers))
        return library.record_change(
            Change("authors", frozenset(papers), frozenset([live_kept, merged]), description=f"author {merged} split")
        )


def split_author(
    library: Library, author_id: int, variant_names: Sequence[str], paper_ids: Iterable[int] | None = None
) -> int:
    """Move some of a person's places to a new person, who is then remembered as distinct from this one;
    returns the new author's id.

    With names, the places written with them move (only on `paper_ids` when given); with `paper_ids`, every
    place on those papers moves, including the "et al." links of a page owner known only through the page
    (those have no written name). A page's later re-import leaves a moved link with the new person.
    """
    conn = library.conn
    author_id = library.resolve_author(author_id)
    wanted = {" ".join(n.split()) for n in variant_names if n.strip()}
    only = set(paper_ids) if paper_ids is not None else None
    if not wanted and not only:
        raise LibraryError("name the variants or the papers that belong to another person")
    keys = {parse_name(n).key for n in wanted}
    with library.transaction():
        _require(library, "author", [author_id])
        rows = conn.execute(
            "SELECT paper_id, position, as_written FROM authorships WHERE author_id = ?", (author_id,)
        ).fetchall()
        moving = [
            (paper_id, position, as_written)
            for paper_id, position, as_written in rows
            if (not wanted or " ".join(as_written.split()) in wanted or parse_name(as_written).key in keys)
            and (only is None or paper_id in only)
        ]
        links = (
            conn.execute(
                f"SELECT paper_id, source_id FROM implied_authors WHERE author_id = ? "
                f"AND paper_id IN ({','.join('?' * len(only))})",
                [author_id, *sorted(only)],
            ).fetchall()
            if only
            else []
        )
        if not moving and not links:
            what = ", ".join(sorted(wanted)) if wanted else "paper " + ", ".join(map(str, sorted(only or ())))
            raise LibraryError(f"author {author_id} has no place to move ({what})")
        names = sorted(wanted) or sorted({" ".join(w.split()) for _, _, w in moving})
        if not names:
            names = [conn.execute("SELECT display_name FROM authors WHERE id = ?", (author_id,)).fetchone()[0]]
        first = parse_name(names[0])
        new_id = conn.execute(
            "INSERT INTO authors(display_name, given, family, name_key, created_at) VALUES (?, ?, ?, ?, ?)",
            (first.display or names[0], first.given, first.family, first.key, now()),
        ).lastrowid
        conn.executemany(
            "UPDATE authorships SET author_id = ? WHERE paper_id = ? AND position = ?",
            [(new_id, p, pos) for p, pos, _ in moving],
        )
        conn.executemany(
            "UPDATE implied_authors SET author_id = ? WHERE paper_id = ? AND source_id = ? AND author_id = ?",
            [(new_id, p, source, author_id) for p, source in links],
        )
        moved_names = set(names) | {" ".join(w.split()) for _, _, w in moving}
        still_used = {
            " ".join(r[0].split())
            for r in conn.execute("SELECT as_written FROM authorships WHERE author_id = ?", (author_id,))
        }
        display = conn.execute("SELECT display_name FROM authors WHERE id = ?", (author_id,)).fetchone()[0]
        # A name stays with the person while a place is still written with it, or while it is their own name
        # (a page owner split in two keeps "Li Dong" on both sides).
        for name, key in conn.execute(
            "SELECT name, name_key FROM author_variants WHERE author_id = ?", (author_id,)
        ).fetchall():
            if (name in moved_names or key in keys) and name not in still_used and name != display:
                conn.execute("DELETE FROM author_variants WHERE author_id = ? AND name = ?", (author_id, name))
        conn.executemany(
            "INSERT OR IGNORE INTO author_variants(author_id, name, name_key) VALUES (?, ?, ?)",
            [(new_id, n, parse_name(n).key) for n in sorted(moved_names)],
        )
        # A page all of whose owner links moved is the new person's page now.
        for source_id in sorted({source for _, source in links}):
            left = conn.execute(
                "SELECT 1 FROM implied_authors WHERE source_id = ? AND author_id = ? LIMIT 1", (source_id, author_id)
            ).fetchone()
            if not left:
                conn.execute(
                    "UPDATE sources SET owner_id = ? WHERE id = ? AND owner_id = ?", (new_id, source_id, author_id)
                )
                conn.execute(
                    "UPDATE profiles SET author_id = ? WHERE source_id = ? AND author_id = ?",
                    (new_id, source_id, author_id),
                )
        _set_verdict(library, "author", author_id, new_id, "distinct", ["split by the user"])
        papers = sorted({p for p, _, _ in moving} | {p for p, _ in links})
        library.refresh_author_search([author_id, new_id])
        library.refresh_search(papers)
        library.record_change(
            Change("authors", frozenset(papers), frozenset([author_id, new_id]), description="author split")
        )
        return new_id


def author_suggestions(library: Library, author_ids: Iterable[int] | None = None) -> reconcile.AuthorPass:
    """Look for order swaps ("Wang Xue" / "Xue Wang") and initial forms ("H. V. Jagadish") among these authors
    (all when None): joined when the evidence is strong, put in the review queue otherwise."""
    with library.transaction() as conn:
        if author_ids is None:
            author_ids = [r[0] for r in conn.execute("SELECT id FROM authors WHERE merged_into IS NULL")]
        result = reconcile_authors(library, author_ids)
        if result.merged or result.suggested:
            library.record_change(Change("duplicates", description="author suggestions refreshed"))
        return result


# From how many people the order-swap pass first sets aside, in bulk, those no one could pair with.
_BULK_PEOPLE = 50


def reconcile_authors(library: Library, author_ids: Iterable[int]) -> reconcile.AuthorPass:
    """Join order swaps and initial forms of these authors when the evidence is strong; propose the rest."""
    result = reconcile.AuthorPass()
    seen: set[tuple[int, int]] = set()
    ids = set(author_ids)
    # People no one else's names could pair with, found in bulk (an import's thousands of new people); a person
    # a merge below touches is looked at again, their names having changed.
    alone = reconcile.without_candidates(library, ids) if len(ids) > _BULK_PEOPLE else set()
    involved: set[int] = set()
    for author_id in sorted(ids):
        if author_id in alone and author_id not in involved:
            continue
        author_id = library.resolve_author(author_id)
        if not reconcile._live(library.conn, author_id):
            continue
        for match in reconcile.author_candidates(library, author_id):
            pair = tuple(sorted((match.a_id, match.b_id)))
            if pair in seen or not (
                reconcile._live(library.conn, match.a_id) and reconcile._live(library.conn, match.b_id)
            ):
                continue
            seen.add(pair)
            if involved & {match.a_id, match.b_id}:
                # A join earlier in this pass gave one of them more papers and names: weighed again, so that
                # two people who now share a list are never joined (one list naming "W. Wang" twice, both
                # joined to Wei Wang one after the other, put him twice on it).
                match = reconcile.judge_authors(library, match.a_id, match.b_id, match.kind)
                if match is None:
                    continue
            if match.strong:
                keep, other = reconcile._keep_first(library, match.a_id, match.b_id)
                merge_authors(library, keep, [other], evidence=match.evidence, automatic=True)
                if match.kind == "order swap":
                    reconcile.settle_name_order(library, keep)
                result.merged.append((keep, other, match.evidence))
                involved.update((keep, other))
            else:
                result.suggested += reconcile.queue_candidate(
                    library, "author", match.a_id, match.b_id, match.score, match.evidence
                )
    return result
