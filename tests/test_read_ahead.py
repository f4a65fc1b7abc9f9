"""A big .bib's records are made on a second core while the first ones are written (papershelf.read_ahead).

Nothing about that may show in the library: every .bib of the suite, and generated ones, imported with the
records made ahead (by a forked child and by the importing process, in small chunks, with the writes of the
loop spread through it) give the same rows in every table and the same report as the plain import. A child
that dies, a library that cannot be written, and a caller that stops early leave nothing behind."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from papershelf import pipeline, read_ahead
from papershelf.model import Library, apply
from papershelf.pipeline import import_file

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import synthetic
from library_rows import rows

AS_OF = dt.date(2025, 11, 20)
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BIBS = sorted(FIXTURES.rglob("*.bib"))


def report_of(report: pipeline.FileReport) -> dict:
    return {k: v for k, v in report.as_dict().items() if k != "path"}


def imported(path: Path, files: list[Path]) -> tuple[dict, list[dict]]:
    library = Library.open(path)
    try:
        reports = [report_of(import_file(library, file, as_of=AS_OF)) for file in files]
    finally:
        library.close()
    return rows(path), reports


@pytest.fixture
def ahead(monkeypatch):
    """Every .bib made ahead, in chunks of 5, the loop's writes every 7 records; `ahead.forks` lists the
    children forked. Threads the Qt tests left behind would stop the fork: they never touch an import."""
    monkeypatch.setattr(pipeline, "_AHEAD_RECORDS", 1)
    monkeypatch.setattr(read_ahead, "CHUNK", 5)
    monkeypatch.setattr(apply, "_WRITTEN_AS_THEY_COME", 7)
    monkeypatch.setattr(read_ahead.threading, "active_count", lambda: 1)
    forks: list[int] = []
    fork = os.fork

    def counted() -> int:
        pid = fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(read_ahead.os, "fork", counted)
    monkeypatch.forks = forks
    return monkeypatch


def plain(monkeypatch, tmp_path: Path, name: str, files: list[Path]) -> tuple[dict, list[dict]]:
    with monkeypatch.context() as m:
        m.setattr(pipeline, "_AHEAD_RECORDS", 10**9)
        return imported(tmp_path / name, files)


@pytest.mark.parametrize("bib", BIBS, ids=lambda p: p.name)
def test_every_bib_of_the_suite_imports_the_same_when_read_ahead(tmp_path, ahead, bib):
    expected = plain(ahead, tmp_path, "plain.sqlite", [bib])
    got = imported(tmp_path / "ahead.sqlite", [bib])
    assert got == expected
    assert ahead.forks  # a child read the file


def test_a_big_generated_bib_imports_the_same_into_an_empty_and_a_full_library(tmp_path, ahead):
    first = tmp_path / "first.bib"
    first.write_text(synthetic.bibtex_file(400) + (FIXTURES / "variants" / "accents_crossref.bib").read_text())
    second = tmp_path / "second.bib"
    # Entries of the first file among new ones: the second import matches against a full library.
    second.write_text(synthetic.incoming_bibtex(300, duplicates_of=400))
    expected = plain(ahead, tmp_path, "plain.sqlite", [first, second])
    got = imported(tmp_path / "ahead.sqlite", [first, second])
    assert got == expected
    assert got[1][0]["new"] > 400 and got[1][1]["merged"]  # the second import did join papers
    assert len(ahead.forks) == 2


def test_the_same_bytes_again_found_by_the_store_are_the_same_report(tmp_path, ahead):
    """With the pipeline's own check of a known file off, the plan finds the file imported before."""
    bib = tmp_path / "again.bib"
    bib.write_text(synthetic.bibtex_file(60))
    ahead.setattr(pipeline, "_known_file", lambda *args: None)
    expected = plain(ahead, tmp_path, "plain.sqlite", [bib, bib])
    got = imported(tmp_path / "ahead.sqlite", [bib, bib])
    assert got == expected
    assert got[1][1]["same_file"] and got[1][1]["found"] == 60 and got[1][1]["unchanged"] == 60


def test_people_joined_at_the_end_import_the_same(tmp_path, ahead):
    """A person joined with an order swap after the loop and then turned round by the comma forms ("Wang Xue"
    on most papers, "Xue Wang" and "Wang, Xue" on the rest): the same people, papers and search rows."""
    written = [("Wang Xue", "Ada Lovelace")] * 24 + [("Xue Wang", "Ada Lovelace")] * 8
    written += [("Wang, Xue", "Lovelace, Ada")] * 8
    bib = tmp_path / "swapped.bib"
    bib.write_text(
        "".join(
            f"@article{{k{n},\n  author = {{{' and '.join(names)}}},\n  title = {{Graph study {n} of networks}},\n"
            f"  journal = {{J}},\n  year = {{{2000 + n}}},\n}}\n"
            for n, names in enumerate(written)
        )
    )
    expected = plain(ahead, tmp_path, "plain.sqlite", [bib])
    got = imported(tmp_path / "ahead.sqlite", [bib])
    assert got == expected
    people = {row[1]: row for row in got[0]["authors"]}
    assert "Xue Wang" in people and "Wang Xue" not in people  # joined, then turned round
    library = Library.open(tmp_path / "ahead.sqlite")
    try:
        assert len(library.search('"Xue Wang"')) == 40
    finally:
        library.close()


def test_the_report_keeps_every_warning_in_line_order(tmp_path, ahead):
    bib = tmp_path / "warned.bib"
    bib.write_text(
        synthetic.bibtex_file(30)
        + "@article{dup, title = {One}, author = {A, B}, year = 2020}\n"
        + "@article{dup, title = {Two}, author = {C, D}, year = 2021, crossref = {nowhere}}\n"
        + "@article{bad, title = {\\unknownmacro{x}}, year = 2022}\n"
        + synthetic.bibtex_file(30, start=30)
    )
    expected = plain(ahead, tmp_path, "plain.sqlite", [bib])
    got = imported(tmp_path / "ahead.sqlite", [bib])
    assert got == expected
    lines = [w["line"] for w in got[1][0]["warnings"]]
    assert len(lines) >= 3 and lines == sorted(lines)


def test_a_child_that_dies_changes_nothing(tmp_path, ahead):
    bib = tmp_path / "big.bib"
    bib.write_text(synthetic.bibtex_file(200))
    expected = plain(ahead, tmp_path, "plain.sqlite", [bib])
    parent = os.getpid()
    normalize = pipeline.normalize_record
    made = []

    def dying(record, *args):
        made.append(record.line)
        if os.getpid() != parent and len(made) > 40:
            os._exit(3)  # the child, killed in the middle of a chunk
        return normalize(record, *args)

    ahead.setattr(pipeline, "normalize_record", dying)
    assert imported(tmp_path / "ahead.sqlite", [bib]) == expected
    assert len(made) > 100  # the importing process made the records the child never sent


@pytest.fixture
def alone(monkeypatch):
    """Threads the Qt tests left behind would stop the fork: they never touch what the child makes."""
    monkeypatch.setattr(read_ahead.threading, "active_count", lambda: 1)


def test_items_come_in_order_from_the_child(alone):
    with read_ahead.streamed(lambda: ((i, os.getpid()) for i in range(1000)), chunk=8) as items:
        got = list(items)
    assert [i for i, _ in got] == list(range(1000))
    assert {pid for _, pid in got} != {os.getpid()}  # made by the child


def test_what_a_dying_child_did_not_send_is_made_here(alone):
    parent = os.getpid()

    def produce():
        for index in range(500):
            if os.getpid() != parent and index == 123:
                os._exit(3)
            yield index, os.getpid()

    with read_ahead.streamed(produce, chunk=10) as items:
        got = list(items)
    assert [i for i, _ in got] == list(range(500))
    assert got[119][1] != parent and got[120][1] == parent  # the child's last whole chunk, then ours


def test_the_first_items_come_in_small_chunks(alone):
    """The importing process waits for nothing but the first FIRST_CHUNK items: chunks double from there."""
    parent = os.getpid()

    def produce():
        for index in range(1000):
            if os.getpid() != parent and index == 40:
                os._exit(3)  # the chunk of 16 sent, the next (32 items, to 47) not yet whole
            yield index, os.getpid()

    with read_ahead.streamed(produce, chunk=256) as items:
        got = list(items)
    assert [i for i, _ in got] == list(range(1000))
    first = read_ahead.FIRST_CHUNK
    assert all(pid != parent for _, pid in got[:first]) and got[first][1] == parent


def test_a_damaged_chunk_length_is_not_believed(alone, monkeypatch):
    """A length no chunk could have (the pipe's bytes damaged) ends the child: every item is made here."""

    def damaged(fd: int, data: bytes) -> None:
        os.write(fd, read_ahead._HEADER.pack(1 << 62) + data)

    monkeypatch.setattr(read_ahead, "_send", damaged)  # the child, forked after this, sends so
    with read_ahead.streamed(lambda: ((i, os.getpid()) for i in range(100)), chunk=8) as items:
        got = list(items)
    assert got == [(i, os.getpid()) for i in range(100)]


def test_an_error_the_child_meets_is_raised_here_at_the_same_item(alone):
    def produce():
        for index in range(300):
            if index == 77:
                raise ValueError("entry 77 is broken")
            yield index

    got = []
    with pytest.raises(ValueError, match="entry 77"), read_ahead.streamed(produce, chunk=16) as items:
        for item in items:
            got.append(item)
    assert got == list(range(77))


def test_leaving_early_ends_the_child(alone):
    with read_ahead.streamed(lambda: iter(range(10**6)), chunk=16) as items:
        assert next(items) == 0
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child left, running or unreaped


def test_no_fork_while_another_thread_runs():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not read_ahead.can_fork()
        with read_ahead.streamed(lambda: ((i, os.getpid()) for i in range(100)), chunk=8) as items:
            assert list(items) == [(i, os.getpid()) for i in range(100)]  # made here
    finally:
        stop.set()
        thread.join()


def test_a_library_that_cannot_be_written_gets_nothing(tmp_path, ahead):
    bib = tmp_path / "big.bib"
    bib.write_text(synthetic.bibtex_file(120))
    path = tmp_path / "lib.sqlite"
    library = Library.open(path)
    try:
        before = rows(path)
        add = apply._NewPapers.add
        calls = []

        def failing(self, *args, **kwargs):
            calls.append(1)
            if len(calls) == 60:
                raise sqlite3.OperationalError("database or disk is full")
            return add(self, *args, **kwargs)

        ahead.setattr(apply._NewPapers, "add", failing)
        report = import_file(library, bib, as_of=AS_OF)
    finally:
        library.close()
    assert report.error and "could not be written" in report.error and "nothing was imported" in report.error
    assert rows(path) == before
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_the_command_line_reads_a_big_bib_ahead(tmp_path):
    """The real thing, as a user runs it: 2,500 entries, with and without reading ahead."""
    bib = tmp_path / "big.bib"
    bib.write_text(synthetic.bibtex_file(2500))
    results = {}
    for mode in ("1", "0"):
        library = tmp_path / f"lib{mode}.sqlite"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "papershelf",
                "--library",
                library,
                "import",
                "--json",
                "--as-of",
                "2025-11-20",
                bib,
            ],
            env={**os.environ, read_ahead.ENV: mode},
            capture_output=True,
            text=True,
            check=True,
        )
        report = json.loads(done.stdout)
        results[mode] = (rows(library), report)
    assert results["1"] == results["0"]
    assert len(results["1"][0]["papers"]) == 2500
