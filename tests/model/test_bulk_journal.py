"""A big import writes through SQLite's rollback journal only when nobody else has the library open, never
waits to find that out, and always leaves the library in WAL mode, readable and writable by others.
(The crash side, a kill in either mode, is tests/reliability/test_crash_safety.py.)"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
import time
from pathlib import Path

from seedfiles import SEED_AS_OF, SEED_HOMEPAGE

from papershelf.model import Library
from papershelf.pipeline import import_file

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))


def _mode(path: Path) -> str:
    with sqlite3.connect(path) as probe:
        return probe.execute("PRAGMA journal_mode").fetchone()[0]


def test_alone_the_write_goes_through_the_rollback_journal_and_back_to_wal(library: Library):
    synchronous = library.conn.execute("PRAGMA synchronous").fetchone()[0]
    with library.bulk_journal() as bulk:
        assert bulk
        assert library.conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert library.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL while it lasts
        assert import_file(library, SEED_HOMEPAGE, as_of=dt.date.fromisoformat(SEED_AS_OF)).new > 0
        assert library.path.with_name(library.path.name + "-journal").exists() is False  # committed
    assert library.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert library.count_papers() > 0
    assert library.conn.execute("PRAGMA synchronous").fetchone()[0] == synchronous


def test_with_another_connection_open_it_keeps_wal_without_waiting(library: Library):
    other = sqlite3.connect(library.path)
    try:
        other.execute("SELECT count(*) FROM papers").fetchone()
        started = time.monotonic()
        with library.bulk_journal() as bulk:
            assert not bulk
        assert time.monotonic() - started < 1  # the 30 s busy timeout is not waited out
        assert library.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        other.close()


def test_inside_a_transaction_nothing_changes(library: Library):
    with library.transaction(), library.bulk_journal() as bulk:
        assert not bulk
        assert library.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_big_import_alone_and_one_beside_a_reader_both_leave_a_wal_library(tmp_path: Path):
    import synthetic

    big = tmp_path / "big.bib"
    big.write_text(synthetic.bibtex_file(1200), encoding="utf-8")
    more = tmp_path / "more.bib"
    more.write_text(synthetic.bibtex_file(1200, seed=7), encoding="utf-8")
    path = tmp_path / "library.sqlite"
    with Library.open(path) as library:
        report = import_file(library, big)
        assert report.ok and report.new == 1200
        assert _mode(path) == "wal"
        # A reader (as an open window is) keeps the next import in WAL mode, and it reads all along.
        reader = sqlite3.connect(path)
        try:
            assert reader.execute("SELECT count(*) FROM papers").fetchone()[0] == 1200
            report = import_file(library, more)
            assert report.ok and report.new > 0
            assert reader.execute("SELECT count(*) FROM papers").fetchone()[0] == library.count_papers()
        finally:
            reader.close()
    assert _mode(path) == "wal"
