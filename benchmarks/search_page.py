"""Benchmark: the window's first page of a search (the newest 200 hits) per kind of query, at one library size.

The 50 searches of benchmarks/run.py (QUERIES) are grouped into classes (plain words, several words, prefixes,
full-text field filters, tag/year/key filters alone, a filter with words) and each one's first page,
`Library.paper_ids(query=..., order_by="added", descending=True, limit=200)`, is timed as run.py times it
(`search_first_page_p95_ms`, goal <= 2 ms at 100,000, issue 16). The full search (`Library.search`, every hit)
is timed too, since `search_p95_vs_like_p50` must stay met. Wall-clock figures are noisy on a shared machine:
each query is repeated and the CPU time of the whole pass (time.process_time) is reported beside them.

The library is built once from the seeded aggregator page (benchmarks/synthetic.py), tagged as run.py tags it,
and kept in --workdir, so later runs measure the same file. Numbers go to benchmarks/search_page.json.

Run: python benchmarks/search_page.py [--size 100000] [--workdir /tmp/sp] [--repeats 5] [--out FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402
from run import FIRST_PAGE, QUERIES, percentile, tag_some  # noqa: E402

from papershelf import pipeline  # noqa: E402
from papershelf.model.library import Library  # noqa: E402

AS_OF = dt.date(2025, 11, 20)
GOAL_MS = 2.0


def query_class(query: str) -> str:
    """The kind of work a search asks of the index: what run.py's p95 is made of."""
    words = query.split()
    filters = [w.split(":", 1)[0] for w in words if ":" in w and not w.startswith('"')]
    free = [w for w in words if ":" not in w and not w.endswith('"')]
    if any(f in ("tag", "year", "key", "id") for f in filters):
        return "filter+word" if free or len(filters) > 1 else "filter alone"
    if filters:
        return "field filter"
    if len(words) > 1:
        return "several words"
    if query in PREFIXES:
        return "prefix word"
    return "word"


# Words of QUERIES that are not whole words of the synthetic vocabulary: the search matches them as prefixes
# (the last word of every search is a prefix, but these are the ones whose prefix spans many terms).
PREFIXES = ("transf", "segment", "distil", "multiling")


def build(size: int, workdir: Path) -> Path:
    """The library of `size` papers from the seeded page, tagged as run.py tags it; reused when present."""
    path = workdir / f"library-{size}.sqlite"
    if path.exists():
        return path
    workdir.mkdir(parents=True, exist_ok=True)
    page = synthetic.write(workdir / f"aggregator-{size}.txt", synthetic.aggregator_page(size))
    building = workdir / f"building-{size}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    library = Library.open(building)
    report = pipeline.import_file(library, page, as_of=AS_OF)
    if report.error:
        raise RuntimeError(report.error)
    tag_some(library)
    library.close()
    building.rename(path)
    return path


def measure(library: Library, queries: Sequence[str], repeats: int) -> dict[str, Any]:
    """Per query: the first page's and the full search's wall-clock and CPU-time samples (CPU time is what
    other processes on a shared machine do not inflate; wall clock is what run.py reports)."""

    def first_page(query: str) -> list[int]:
        return library.paper_ids(query=query, order_by="added", descending=True, limit=FIRST_PAGE)

    for query in queries:  # warm, as run.py does
        first_page(query)
        library.search(query)
    found: dict[str, dict[str, list[float]]] = {
        name: {q: [] for q in queries} for name in ("pages", "pages_cpu", "full", "full_cpu")
    }
    for _ in range(repeats):
        for query in queries:
            cpu, started = time.process_time(), time.perf_counter()
            first_page(query)
            found["pages"][query].append(time.perf_counter() - started)
            found["pages_cpu"][query].append(time.process_time() - cpu)
        for query in queries:
            cpu, started = time.process_time(), time.perf_counter()
            library.search(query)
            found["full"][query].append(time.perf_counter() - started)
            found["full_cpu"][query].append(time.process_time() - cpu)
    return found


def summary(samples: dict[str, list[float]]) -> dict[str, Any]:
    classes: dict[str, list[float]] = {}
    for query, times in samples.items():
        classes.setdefault(query_class(query), []).extend(times)
    every = [t for times in samples.values() for t in times]
    return {
        "all": {"p50_ms": percentile(every, 0.5) * 1000, "p95_ms": percentile(every, 0.95) * 1000},
        "classes": {
            name: {
                "queries": sum(1 for q in samples if query_class(q) == name),
                "p50_ms": percentile(times, 0.5) * 1000,
                "p95_ms": percentile(times, 0.95) * 1000,
            }
            for name, times in sorted(classes.items())
        },
        "slowest": [
            {"query": q, "median_ms": statistics.median(t) * 1000}
            for q, t in sorted(samples.items(), key=lambda item: -statistics.median(item[1]))[:8]
        ],
        "median_ms": {q: round(statistics.median(t) * 1000, 3) for q, t in samples.items()},
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/sp"))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "search_page.json")
    args = parser.parse_args(argv)

    path = build(args.size, args.workdir)
    library = Library.open(path)
    try:
        found = measure(library, QUERIES, args.repeats)
    finally:
        library.close()
    result = {
        "measured": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "papers": args.size,
        "repeats": args.repeats,
        "first_page": {**summary(found["pages"]), "cpu": summary(found["pages_cpu"]), "goal_p95_ms": GOAL_MS},
        "search": {**summary(found["full"]), "cpu": summary(found["full_cpu"])},
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{args.size:,} papers, {args.repeats} passes over {len(QUERIES)} searches")
    for title, key in (("first page", "first_page"), ("full search", "search")):
        wall, cpu = result[key], result[key]["cpu"]
        print(
            f"{title}: wall p50 {wall['all']['p50_ms']:.2f} p95 {wall['all']['p95_ms']:.2f} ms; "
            f"CPU p50 {cpu['all']['p50_ms']:.2f} p95 {cpu['all']['p95_ms']:.2f} ms"
        )
        for name, figures in wall["classes"].items():
            mine = cpu["classes"][name]
            print(
                f"  {name:14} {figures['queries']:2} queries  wall p50 {figures['p50_ms']:6.2f} p95 "
                f"{figures['p95_ms']:6.2f}   CPU p50 {mine['p50_ms']:6.2f} p95 {mine['p95_ms']:6.2f}"
            )
        print("  slowest (CPU):", ", ".join(f"{s['query']!r} {s['median_ms']:.2f}" for s in cpu["slowest"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
