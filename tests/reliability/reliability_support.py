"""Helpers for the reliability suite: run the real command line as a child process, dump a library, make big
pages on the fly, find out when another process is inside a write transaction. Test code only."""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from seedfiles import (  # noqa: F401  (re-exported for the suite's modules)
    ALL_SEEDS,
    FIXTURES,
    SEED_ARXIV,
    SEED_AS_OF,
    SEED_HOMEPAGE,
    SEED_SCHOLARLY,
    SEEDS,
)

# Words for generated abstracts: every entry draws its own, so no two generated papers look alike.
_VOCABULARY = (
    "graph attention sparse kernel bayesian retrieval protein lattice spectral causal reward sampler token "
    "adversarial manifold quantum federated molecular symbolic contrastive diffusion recurrent ontology tensor "
    "stochastic variational boosting pruning latent semantic hashing topology robust streaming convex entropy"
)
_WORDS = tuple(_VOCABULARY.split())


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float


def papershelf(library: Path, *args: str, timeout: float = 120, env: dict[str, str] | None = None) -> Run:
    """Run `python -m papershelf --library LIBRARY ARGS...` as the user would, in a child process."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "papershelf", "--library", str(library), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    return Run(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


def spawn_papershelf(
    library: Path, *args: str, env: dict[str, str] | None = None, stderr=None
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "papershelf", "--library", str(library), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE if stderr is None else stderr,
        text=True,
        env=env,
    )


def assert_no_traceback(run: Run | str) -> None:
    text = run if isinstance(run, str) else run.err + run.out
    assert "Traceback" not in text, text
    assert "database is locked" not in text, text


def dump(path: Path) -> list[tuple]:
    """Every row of every table (full-text shadow tables included): what 'the library is unchanged' means."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def integrity(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]
    finally:
        connection.close()


def count(path: Path, sql: str, params: tuple = ()) -> int:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return connection.execute(sql, params).fetchone()[0]
    finally:
        connection.close()


def arxiv_listing(n: int, *, start: int = 0, seed: int = 7) -> str:
    """A listing page of `n` entries in the arXiv-listing layout, each with its own abstract and id."""
    rng = random.Random(seed + start)
    entries = []
    for i in range(start, start + n):
        words = " ".join(rng.choice(_WORDS) for _ in range(18))
        entries.append(
            f"We study {words} in setting {i} and report results for case w{i}x.\n\n"
            f"arXiv:{arxiv_id(i)}\nCreated: 2021-03-01\n"
        )
    return "\n".join(entries)


def arxiv_id(i: int) -> str:
    return f"{2101 + i // 90000:04d}.{10000 + i % 90000:05d}"


def bib_file(n: int) -> str:
    entries = []
    for i in range(n):
        entries.append(
            f"@article{{gen{i},\n  title = {{Generated Study Number {i} of Sparse Kernels}},\n"
            f"  author = {{Smith, Jane and Doe, John{i % 40}}},\n  year = {{{2000 + i % 25}}},\n"
            f"  journal = {{Journal of Generated Results {i % 50}}}\n}}\n"
        )
    return "\n".join(entries)


def write_lock_held(path: Path) -> bool:
    """True while another connection holds the library's write lock (is inside a write transaction)."""
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            return True
        raise
    else:
        probe.execute("ROLLBACK")
        return False
    finally:
        probe.close()


def wait_inside_transaction(process: subprocess.Popen[str], library: Path, *, wal_bytes: int, limit: float) -> str:
    """Wait until `process` is inside its write transaction and has written `wal_bytes` of it to disk: to the
    -wal file, or, for a big import written through the rollback journal (Library.bulk_journal), into the
    library file itself while its -journal holds the pages it replaced.

    Returns where the writes were seen, "wal" or "journal"; "" when the process ended (or `limit` seconds
    passed) first. A -journal file exists only inside a write transaction, so that case needs no probe (whose
    connection would keep the import from leaving the write-ahead log).
    """
    wal = library.with_name(library.name + "-wal")
    journal = library.with_name(library.name + "-journal")
    size_before = library.stat().st_size if library.exists() else 0
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(FileNotFoundError):  # a journal is deleted at its commit
            # The journal still there after the size was read: the writes seen belong to an open transaction.
            if journal.exists() and library.stat().st_size >= size_before + wal_bytes and journal.exists():
                return "journal"
        if wal.exists() and wal.stat().st_size >= wal_bytes and write_lock_held(library):
            return "wal"
        time.sleep(0.01)
    return ""


def kill(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        os.kill(process.pid, 9)
    process.wait(timeout=30)
