"""Benchmark: the import's store step (plan, then apply) against bare executemany of exactly the rows it writes.

A synthetic aggregator page (benchmarks/synthetic.py) is read once; its records are stored into a fresh library
with `model.apply.import_records`, timed alone. Then every row that import wrote, in every table (the full-text
tables too), is written again into another fresh library with Papershelf's schema, as plain
`sqlite3.executemany` in one transaction: what the store step costs beyond writing its own rows.
`store_vs_bare_sql` is the ratio (goal <= 2.5, issue 16). Numbers go to benchmarks/store_step.json;
benchmarks/run.py may call `measure`.

Run: python benchmarks/store_step.py [--sizes 10000 100000] [--out benchmarks/store_step.json]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402

from papershelf.model.apply import import_records  # noqa: E402
from papershelf.model.library import Library  # noqa: E402
from papershelf.pipeline import parse_file  # noqa: E402

GOAL = 2.5
AS_OF = dt.date(2025, 11, 20)
# FTS5 keeps its index in shadow tables; the bare writer fills the virtual tables themselves, as we do.
_SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config")


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _tables(conn: sqlite3.Connection) -> list[str]:
    virtual = [
        r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND sql LIKE 'CREATE VIRTUAL%'")
    ]
    names = []
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
        if name.startswith("sqlite_") or any(name == v + s for v in virtual for s in _SHADOW_SUFFIXES):
            continue
        names.append(name)
    return names


def _rows_written(path: Path, baseline: dict[str, int]) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every row the import added, table by table (a fresh library holds a few rows of its own: skipped)."""
    conn = sqlite3.connect(path)
    try:
        out: dict[str, tuple[list[str], list[tuple]]] = {}
        for table in _tables(conn):
            try:
                cursor = conn.execute(f"SELECT rowid, * FROM {table}")
                columns = ["rowid", *[d[0] for d in cursor.description[1:]]]
            except sqlite3.OperationalError:  # a WITHOUT ROWID table: its key is among its columns
                cursor = conn.execute(f"SELECT * FROM {table}")
                columns = [d[0] for d in cursor.description]
            rows = cursor.fetchall()[baseline.get(table, 0) :]
            if rows:
                out[table] = (columns, rows)
        return out
    finally:
        conn.close()


def _bare_write(rows: dict[str, tuple[list[str], list[tuple]]], path: Path) -> tuple[float, float]:
    """The same rows, executemany per table in one transaction, into a fresh library file: (wall, CPU) seconds
    of the inserts."""
    _remove(path)
    Library.open(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        # The journal a big import is written through (Library.bulk_journal): one write per new page.
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = OFF")  # parents go in first anyway; the check is ours, not SQL's
        order = ["authors", "papers", "sources"]
        tables = sorted(rows, key=lambda t: (order.index(t) if t in order else len(order), t))
        started, cpu = time.perf_counter(), time.process_time()
        conn.execute("BEGIN")
        for table in tables:
            columns, values = rows[table]
            names = ", ".join(columns)
            marks = ", ".join("?" * len(columns))
            conn.executemany(f"INSERT OR REPLACE INTO {table}({names}) VALUES ({marks})", values)
        conn.execute("COMMIT")
        return time.perf_counter() - started, time.process_time() - cpu
    finally:
        conn.close()


def _baseline(path: Path) -> dict[str, int]:
    _remove(path)
    Library.open(path).close()
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in _tables(conn)}
    finally:
        conn.close()


def _store(page: Path, path: Path) -> tuple[float, float, int]:
    """Our store step on a fresh library: (wall, CPU) seconds and how many papers it made."""
    fmt, batch, sha, as_of = parse_file(page, as_of=AS_OF)
    library = Library.open(path)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        result = import_records(
            library,
            file=page.name,
            path=str(page),
            sha256=sha,
            fmt=fmt,
            owner=batch.owner,
            records=batch.papers,
            claimed_count=batch.claimed_count,
            as_of=as_of.isoformat() if as_of else None,
        )
        return time.perf_counter() - started, time.process_time() - cpu, len(result.new)
    finally:
        library.close()


def measure(size: int, workdir: Path, repeats: int = 2) -> dict[str, Any]:
    """The store step and the bare writes of its rows, for a synthetic page of `size` papers. Each is run
    `repeats` times and its fastest run kept: other work on the machine only ever adds time. CPU seconds are
    given too, less disturbed by other processes than wall-clock ones."""
    page = synthetic.write(workdir / f"store-step-{size}.txt", synthetic.aggregator_page(size))
    path = workdir / f"store-step-{size}.sqlite"
    stores, bares = [], []
    rows: dict[str, tuple[list[str], list[tuple]]] = {}
    new = 0
    for _ in range(repeats):
        baseline = _baseline(path)
        wall, cpu, new = _store(page, path)
        stores.append((wall, cpu))
        rows = _rows_written(path, baseline)
        bares.append(_bare_write(rows, workdir / f"store-step-{size}-bare.sqlite"))
    store_s, store_cpu = min(w for w, _ in stores), min(c for _, c in stores)
    bare_s, bare_cpu = min(w for w, _ in bares), min(c for _, c in bares)
    return {
        "papers": size,
        "new": new,
        "repeats": repeats,
        "store_s": round(store_s, 3),
        "bare_sql_s": round(bare_s, 3),
        "store_vs_bare_sql": round(store_s / bare_s, 2) if bare_s else None,
        "store_cpu_s": round(store_cpu, 3),
        "bare_sql_cpu_s": round(bare_cpu, 3),
        "store_vs_bare_sql_cpu": round(store_cpu / bare_cpu, 2) if bare_cpu else None,
        "rows": {table: len(values) for table, (_, values) in sorted(rows.items())},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--out", type=Path, default=HERE / "store_step.json")
    parser.add_argument("--repeats", type=int, default=2, help="runs per size; the fastest is kept")
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            results[str(size)] = figures = measure(size, Path(folder), args.repeats)
            print(
                f"{size:>7} papers: store {figures['store_s']:.2f} s, bare executemany {figures['bare_sql_s']:.2f} s,"
                f" store_vs_bare_sql {figures['store_vs_bare_sql']} (goal <= {GOAL});"
                f" CPU {figures['store_cpu_s']:.2f} s / {figures['bare_sql_cpu_s']:.2f} s ="
                f" {figures['store_vs_bare_sql_cpu']}"
            )
    previous: dict[str, Any] = {}
    with contextlib.suppress(FileNotFoundError, json.JSONDecodeError):
        previous = json.loads(args.out.read_text(encoding="utf-8"))
    previous.setdefault("sizes", {}).update(results)
    previous["goal"] = {"store_vs_bare_sql": f"<= {GOAL}"}
    previous["measured_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    args.out.write_text(json.dumps(previous, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
