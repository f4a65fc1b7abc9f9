"""A search in the order papers were added (the window's default, and its first page of newest hits) gives
exactly the papers and the order of the plain query: every full-text hit that is live, sorted by when it was
added, whatever is in the trash and even when a paper's stamp is out of id order (a clock set back)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from papershelf import pipeline
from papershelf.model.library import Library
from papershelf.model.search import compile_query

WORDS = ("benchmark", "graph", "robust", "attention", "kernels", "segmentation")
QUERIES = (
    "benchmark",
    "bench",
    "graph kernels",
    "author:smith",
    "title:robust attention",
    "author:lee benchmark",
    "segment",
    "abstract:multimodal",
    "nothingmatchesthis",
    "year:2005",
    "year:2010.. graph",
    "year:..2008 author:smith",
    "tag:to-read",
    "tag:to-read benchmark",
    "key:k1*",
    "id:7",
)


def _bib(count: int) -> str:
    entries = []
    for n in range(count):
        title = f"{WORDS[n % 6].capitalize()} {WORDS[(n * 5) % 6]} study number {n}"
        author = ("Smith, Ann", "Lee, Bo", "Garcia, Eva")[n % 3]
        abstract = "A multi-modal benchmark." if n % 4 == 0 else "Plain text."
        entries.append(
            f"@article{{k{n},\n  author = {{{author}}},\n  title = {{{title}}},\n  abstract = {{{abstract}}},\n"
            f"  year = {{{2000 + n % 20}}}\n}}\n"
        )
    return "\n".join(entries)


def _plain(library: Library, query: str, descending: bool, limit: int | None) -> list[int]:
    """The definition: the plain query, every hit's row read and sorted."""
    clause, params = compile_query(query)
    direction = "DESC" if descending else "ASC"
    sql = (
        f"SELECT p.id FROM papers p WHERE p.deleted_at IS NULL AND p.merged_into IS NULL AND {clause} "
        f"ORDER BY p.added_at {direction}, p.id {direction}"
    )
    if limit is not None:
        sql += f" LIMIT {limit}"
    return [r[0] for r in library.conn.execute(sql, params)]


@pytest.fixture
def library(tmp_path: Path) -> Library:
    path = tmp_path / "papers.bib"
    path.write_text(_bib(60), encoding="utf-8")
    with Library.open(tmp_path / "library.sqlite") as library:
        report = pipeline.import_file(library, path, as_of=dt.date(2025, 11, 20))
        assert report.error is None and report.new == 60
        library.add_tag(library.paper_ids(order_by="id")[::3], "to-read")
        yield library


def _check(library: Library) -> None:
    for query in QUERIES:
        for descending in (False, True):
            for limit in (None, 1, 7, 200):
                got = library.paper_ids(query=query, order_by="added", descending=descending, limit=limit)
                assert got == _plain(library, query, descending, limit), (query, descending, limit)
        assert library.search(query) == _plain(library, query, False, None)


def test_a_search_by_added_order_gives_the_plain_querys_answer(library: Library) -> None:
    assert library.search("benchmark")  # the check below compares something
    _check(library)


def test_trashed_papers_stay_out_and_out_of_order_stamps_keep_their_place(library: Library) -> None:
    library.delete_papers(library.search("graph")[::2])
    _check(library)
    # Papers 5 and 17 are stamped as if added last and first: a clock that was set back, a restored copy.
    stamps = [r[0] for r in library.conn.execute("SELECT added_at FROM papers ORDER BY added_at")]
    with library.conn:
        library.conn.execute("UPDATE papers SET added_at = ? WHERE id = 5", ("9" + stamps[-1][1:],))
        library.conn.execute("UPDATE papers SET added_at = ? WHERE id = 17", ("0" + stamps[0][1:],))
    assert library.paper_ids(query="graph", order_by="added", descending=True, limit=3)[:1] != [17]
    _check(library)
    library.restore_papers(library.paper_ids(view="trash"))
    _check(library)
