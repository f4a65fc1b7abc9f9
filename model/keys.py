"""Citation keys regenerated on request (preview, then apply; old keys stay as aliases) and the rows that
remember which files are kept in sync with the library (auto-exports). SQL for both lives here.

Keys never change on their own: nothing in this module runs unless a user asks for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from papershelf.model.citekeys import DEFAULT_PATTERN, base_key, check_pattern, key_suffix
from papershelf.model.library import Library, LibraryError


@dataclass(frozen=True)
class KeyChange:
    paper_id: int
    old: str
    new: str


def key_pattern(library: Library) -> str:
    return library.get_setting("citekey_pattern", None) or DEFAULT_PATTERN


def set_key_pattern(library: Library, pattern: str) -> None:
    """The pattern new papers' keys are made with; existing keys keep theirs until a rekey."""
    check_pattern(pattern)
    library.set_setting("citekey_pattern", pattern)


def _holder(library: Library, key: str) -> int | None:
    row = library.conn.execute(
        "SELECT id FROM papers WHERE citekey = ? UNION ALL SELECT paper_id FROM citekey_aliases WHERE key = ?",
        (key, key),
    ).fetchone()
    return row[0] if row else None


def preview_rekey(
    library: Library, paper_ids: Sequence[int] | None = None, pattern: str | None = None
) -> list[KeyChange]:
    """The keys these papers (default: all) would get from `pattern`, in the order they were added.

    Every key in use stays reserved for its holder (a paper's current key becomes its alias when it moves),
    so suffixes never take a key a document already cites; a paper whose key would not change is left out.
    """
    pattern = pattern or key_pattern(library)
    check_pattern(pattern)
    if paper_ids is None:
        paper_ids = library.paper_ids()
    order = {
        pid: (added, pid)
        for pid, added in library.conn.execute(
            f"SELECT id, added_at FROM papers WHERE id IN ({','.join(str(int(i)) for i in paper_ids) or 'NULL'})"
        )
    }
    papers = sorted(library.get_papers(list(order)), key=lambda p: order[p.id])
    given: set[str] = set()
    changes = []
    for paper in papers:
        # The rule new papers' keys follow (model/store.py): the owner behind an empty list, no guessed year.
        base = base_key(paper.key_families(), paper.key_year, paper.title, paper.arxiv_id, pattern)

        def taken(key: str, paper_id: int = paper.id) -> bool:
            if key in given:
                return True
            holder = _holder(library, key)
            return holder is not None and holder != paper_id

        new = base
        index = 0
        while taken(new):
            new = base + key_suffix(index)
            index += 1
        given.add(new)
        if new != paper.citekey:
            changes.append(KeyChange(paper.id, paper.citekey, new))
    return changes


def apply_rekey(library: Library, changes: Sequence[KeyChange]) -> int:
    """Give each paper its new key in one transaction; old keys become aliases (biblatex `ids`)."""
    with library.transaction():
        for change in changes:
            current = library.conn.execute("SELECT citekey FROM papers WHERE id = ?", (change.paper_id,)).fetchone()
            if current is None or (current[0] or "") != change.old:
                raise LibraryError(f"paper {change.paper_id}'s key changed since the preview; preview again")
            library.set_citekey(change.paper_id, change.new)
    return len(changes)


# ---------------------------------------------------------------------------------------------- auto-exports
@dataclass(frozen=True)
class AutoExportRow:
    id: int
    path: str
    format: str
    tag: str | None
    query: str | None
    created_at: str
    last_written_at: str | None
    last_error: str | None


_ROW = "id, path, format, tag, query, created_at, last_written_at, last_error"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def add_autoexport(library: Library, path: str, fmt: str, tag: str | None = None, query: str | None = None) -> int:
    """Remember a file to keep in sync; adding the same path again replaces its selection and format."""
    with library.transaction() as conn:
        table = library.db["autoexports"]
        row = conn.execute("SELECT id FROM autoexports WHERE path = ?", (path,)).fetchone()
        if row:
            table.update(row[0], {"format": fmt, "tag": tag, "query": query, "last_error": None})
            return row[0]
        table.insert({"path": path, "format": fmt, "tag": tag, "query": query, "created_at": _now()})
        return table.last_rowid


def list_autoexports(library: Library) -> list[AutoExportRow]:
    return [AutoExportRow(*row) for row in library.conn.execute(f"SELECT {_ROW} FROM autoexports ORDER BY path")]


def remove_autoexport(library: Library, path: str) -> bool:
    with library.transaction() as conn:
        return bool(conn.execute("DELETE FROM autoexports WHERE path = ?", (path,)).rowcount)


def record_autoexport(library: Library, export_id: int, *, written: bool, error: str | None) -> None:
    """Note the outcome of one sync (skipped on a read-only library: the file was still written)."""
    if library.read_only:
        return
    with library.transaction() as conn:
        if written:
            conn.execute(
                "UPDATE autoexports SET last_written_at = ?, last_error = NULL WHERE id = ?", (_now(), export_id)
            )
        else:
            conn.execute("UPDATE autoexports SET last_error = ? WHERE id = ?", (error, export_id))
