"""Scale check for reconciliation: import 1,000 papers into a small and a large synthetic library.

Matching must go through indexes, so the import should take about as long against 100,000 papers as against
1,000. Run: `python benchmarks/reconcile_scale.py [--small 1000] [--large 100000] [--batch 1000]`; it prints the
time of each import and their ratio. The synthetic libraries are bulk-loaded (not timed) and then indexed with
`reconcile.rebuild_index`, as a migration would.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from papershelf.model import reconcile
from papershelf.model.apply import import_records
from papershelf.model.library import Library, now
from papershelf.model.names import parse_name
from papershelf.model.records import PaperRecord
from papershelf.model.store import title_key

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ra",
    "so",
    "tu",
    "vi",
    "be",
    "da",
    "fe",
    "gu",
    "ho",
    "ji",
    "ku",
    "la",
    "mo",
    "nu",
    "pa",
    "qi",
    "re",
    "si",
    "ta",
    "vo",
    "wu",
    "xe",
    "yo",
    "zu",
]
GIVEN = [a.capitalize() + b for a in SYLLABLES for b in SYLLABLES][:400]
FAMILY = [a.capitalize() + b + "n" for a in SYLLABLES for b in SYLLABLES[:12]][:300]


@dataclass
class World:
    """A deterministic vocabulary with Zipf-like word use, so some title words are common and most are rare."""

    rng: random.Random
    words: list[str]
    cumulative: list[float]  # cumulative weights, computed once: random.choices is slow without them

    @classmethod
    def make(cls, seed: int = 7, size: int = 20000) -> World:
        rng = random.Random(seed)
        words = sorted({"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size * 2)})
        rng.shuffle(words)
        words = words[:size]
        return cls(rng, words, list(itertools.accumulate(1.0 / (rank + 1) ** 0.9 for rank in range(len(words)))))

    def title(self) -> str:
        chosen = self.rng.choices(self.words, cum_weights=self.cumulative, k=self.rng.randint(5, 9))
        return " ".join(w.capitalize() for w in chosen)

    def abstract(self, containing: str | None = None) -> str:
        words = self.rng.choices(self.words, cum_weights=self.cumulative, k=120)
        if containing:
            at = self.rng.randint(0, len(words))
            words[at:at] = containing.lower().split()
        return " ".join(words) + "."

    def authors(self) -> tuple[str, ...]:
        return tuple(f"{self.rng.choice(GIVEN)} {self.rng.choice(FAMILY)}" for _ in range(self.rng.randint(2, 6)))


def bulk_library(path: Path, size: int, world: World) -> tuple[Library, list[tuple[int, str, int, tuple[str, ...]]]]:
    """A library of `size` papers written straight into the tables (not timed), then indexed."""
    library = Library.open(path)
    conn = library.conn
    stamp = now()
    papers = []
    author_ids: dict[str, int] = {}
    paper_rows, authorship_rows = [], []
    with library.transaction():
        for index in range(size):
            title = world.title()
            year = world.rng.randint(1995, 2025)
            authors = world.authors()
            paper_id = index + 1
            paper_rows.append(
                (paper_id, title, title_key(title), year, "J. Synth. Res.", world.abstract(), f"k{index}", stamp, stamp)
            )
            for position, name in enumerate(authors):
                author_id = author_ids.get(name)
                if author_id is None:
                    parsed = parse_name(name)
                    author_id = conn.execute(
                        "INSERT INTO authors(display_name, given, family, name_key, created_at) VALUES (?,?,?,?,?)",
                        (name, parsed.given, parsed.family, parsed.key, stamp),
                    ).lastrowid
                    conn.execute(
                        "INSERT INTO author_variants(author_id, name, name_key) VALUES (?,?,?)",
                        (author_id, name, parsed.key),
                    )
                    author_ids[name] = author_id
                authorship_rows.append((paper_id, position, author_id, name))
            papers.append((paper_id, title, year, authors))
        conn.executemany(
            "INSERT INTO papers(id, title, title_key, year, venue, abstract, citekey, added_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            paper_rows,
        )
        conn.executemany(
            "INSERT OR IGNORE INTO authorships(paper_id, position, author_id, as_written) VALUES (?,?,?,?)",
            authorship_rows,
        )
    reconcile.rebuild_index(library)
    return library, papers


def incoming(world: World, existing: list[tuple[int, str, int, tuple[str, ...]]], count: int) -> list[PaperRecord]:
    """A page of `count` records: new papers, papers the library holds under the same title, and untitled
    arXiv-style entries whose abstracts name a library paper's title (content matching)."""
    records = []
    for line in range(count):
        kind = line % 10
        if kind < 4:
            records.append(PaperRecord(line=line, title=world.title(), year=2024, authors=world.authors()))
        elif kind < 7:
            _, title, year, authors = world.rng.choice(existing)
            records.append(PaperRecord(line=line, title=title, year=year, authors=authors[:3], authors_complete=False))
        elif kind < 9:
            _, title, year, _ = world.rng.choice(existing)
            records.append(
                PaperRecord(line=line, arxiv_id=f"2401.{line:05d}", year=year, abstract=world.abstract(title))
            )
        else:
            records.append(PaperRecord(line=line, arxiv_id=f"2402.{line:05d}", year=2024, abstract=world.abstract()))
    return records


def time_import(library: Library, records: list[PaperRecord]) -> tuple[float, int, int]:
    start = time.perf_counter()
    result = import_records(
        library,
        file="incoming.txt",
        path="/bench/incoming.txt",
        sha256=f"bench{time.time_ns()}",
        fmt="aggregator",
        owner=None,
        records=records,
    )
    return time.perf_counter() - start, len(result.merged), len(result.new)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1000, help="papers in the small library")
    parser.add_argument("--large", type=int, default=100_000, help="papers in the large library")
    parser.add_argument("--batch", type=int, default=1000, help="papers imported into each")
    args = parser.parse_args(argv)
    timings = {}
    with tempfile.TemporaryDirectory() as folder:
        for label, size in (("small", args.small), ("large", args.large)):
            world = World.make()
            start = time.perf_counter()
            library, existing = bulk_library(Path(folder) / f"{label}.sqlite", size, world)
            built = time.perf_counter() - start
            seconds, merged, new = time_import(library, incoming(world, existing, args.batch))
            timings[label] = seconds
            print(
                f"{label:5} library {size:>7} papers (built in {built:5.1f}s): importing {args.batch} papers took "
                f"{seconds:6.2f}s ({merged} merged, {new} new)"
            )
            library.close()
    ratio = timings["large"] / timings["small"]
    print(f"ratio large/small: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
