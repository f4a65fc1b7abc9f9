"""Every row of a library file, for tests that compare two libraries ("the same import, two ways")."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def rows(path: Path, *, internals: bool = True) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, timestamp columns left out (an import stamps them with its own time).
    `internals` False leaves out SQLite's own tables and the full-text indexes' shadow tables (their rows
    depend on the order the index was written in; the indexes' contents are still compared, each row with the
    rowid that ties it to its paper or person)."""
    conn = sqlite3.connect(path)
    try:
        virtual = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND sql LIKE 'CREATE VIRTUAL%'")
        ]
        shadow = {v + s for v in virtual for s in ("_data", "_idx", "_content", "_docsize", "_config")}
        out = {}
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
            if not internals and (table in shadow or table.startswith("sqlite_")):
                continue
            cursor = conn.execute(f"SELECT {'rowid AS row_id, ' if table in virtual else ''}* FROM {table}")
            keep = [i for i, d in enumerate(cursor.description) if not d[0].endswith("_at")]
            out[table] = sorted((tuple(row[i] for i in keep) for row in cursor), key=repr)
        return out
    finally:
        conn.close()
