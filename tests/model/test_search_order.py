"""A search in the order papers were added (the window's default, and its first page of newest hits) gives
exactly the papers and the order of the plain query: every full-text hit that is live, sorted by when it was
added, whatever is in the trash and even when a paper's stamp is out of id order (a clock set back)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from papershelf import pipeline
from papershelf.model import merge
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
    "tag:TO-READ",
    "tag:to*",
    "tag:to-read tag:to-do",
    "tag:to-do year:2005..",
    "tag:nosuchtag",
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
        library.add_tag(library.paper_ids(order_by="id")[::4], "to-do")  # "tag:to*" names two tags
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
    library.delete_papers(library.search("tag:to-read")[::4])  # a paper in the trash keeps its tags
    _check(library)
    ids = library.paper_ids(order_by="id")
    merge.merge_papers(library, ids[1], [ids[3], ids[4]])  # tagged papers merged away: their tags move
    assert ids[3] not in library.paper_ids(query="tag:to-read", order_by="added", descending=True, limit=200)
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


# Word families for prefixes: "bench" spans four terms (spelled out as them), "gra" more than the search spells
# out (left to the index's own prefix), "mül" is not plain ASCII; later a tag's name holds "benchwork" too.
FAMILIES = [
    "benchmark",
    "benchmarks",
    "benchmarking",
    "benches",
    "graph",
    "graphs",
    "grammar",
    "gradient",
    "gradients",
    "granular",
    "grasp",
    "gravity",
    "grain",
    "grade",
    "attention",
    "robust",
    "resnet50",
    "resnet101",
]
AUTHORS = ("Müller, Anna", "Muller, Bo", "Smith, Ann", "Lee, Bo", "Multon, Eva")
PAGE_QUERIES = (
    "bench",
    "BENCH",
    "benchm",
    "benchmarks",
    "gra",
    "gr",
    "graph",
    "zzq",
    "mül",
    "mul",
    "resnet",
    "resnet1",
    "author:mul",
    "title:gra",
    "multimodal",
    "year:2005 bench",
    "year:2003..2009 graph",
    "year:..2004 gra",
    "year:2015.. benchmarking",
    "tag:to-read bench",
    "tag:to-read year:2010.. gra",
    "tag:to-read author:smith",
    "tag:to-read year:2012",
    "key:k1* bench",
    "author:smith benchmarks",
    "year:2011 title:attention robust",
    "id:301 bench",
    "id:302 year:..2010 bench",
)


def _family_bib(count: int) -> str:
    entries = []
    for n in range(count):
        words = [FAMILIES[(n * step) % len(FAMILIES)] for step in (1, 7, 11)]
        abstract = "A multi-modal benchmark." if n % 4 == 0 else "Plain text."
        entries.append(
            f"@article{{k{n},\n  author = {{{AUTHORS[n % 5]} and {AUTHORS[(n * 3 + 1) % 5]}}},\n"
            f"  title = {{{' '.join(words).capitalize()} study {n}}},\n  abstract = {{{abstract}}},\n"
            f"  year = {{{2000 + n % 20}}}\n}}\n"
        )
    return "\n".join(entries)


def _check_pages(library: Library) -> None:
    for query in PAGE_QUERIES:
        for descending in (False, True):
            for limit in (None, 1, 7, 200):
                got = library.paper_ids(query=query, order_by="added", descending=descending, limit=limit)
                assert got == _plain(library, query, descending, limit), (query, descending, limit)


def test_first_pages_of_prefixes_and_filtered_words_are_the_full_sorted_search(tmp_path: Path) -> None:
    """The window's first page (newest 200) of a prefix or of a filter with words is the head of the whole
    search sorted by when papers were added: in id order, with papers in the trash, and with stamps out of
    id order."""
    path = tmp_path / "papers.bib"
    path.write_text(_family_bib(450), encoding="utf-8")
    with Library.open(tmp_path / "library.sqlite") as library:
        report = pipeline.import_file(library, path, as_of=dt.date(2025, 11, 20))
        assert report.error is None and report.new == 450
        ids = library.paper_ids(order_by="id")
        library.add_tag(ids[::3], "to-read")
        # Pages are cut: more than 200 papers hold some "bench" word, and the filters leave fewer than that.
        assert len(library.search("bench")) > 200 and 0 < len(library.search("tag:to-read bench")) < 200
        _check_pages(library)

        library.delete_papers(library.search("gravity")[::2])
        by_text = set(library.search("bench"))
        library.add_tag(sorted(set(ids) - by_text)[::2], "benchwork")  # a tag's words are searched too
        assert set(library.search("bench")) > by_text
        _check_pages(library)

        stamps = [r[0] for r in library.conn.execute("SELECT added_at FROM papers ORDER BY added_at")]
        with library.conn:
            for paper_id in ids[5:400:40]:  # stamped as if added last, or first: a clock set back
                stamp = ("9" if paper_id % 2 else "0") + stamps[-1][1:]
                library.conn.execute("UPDATE papers SET added_at = ? WHERE id = ?", (stamp, paper_id))
        _check_pages(library)


def test_a_library_without_the_id_year_index_answers_years_with_words_the_same(library: Library) -> None:
    """Year-with-words pages read the (id, year) index of schema v10; a file that lost it (an index dropped by
    hand, a repair tool) answers the same from the papers' rows."""
    expected = {query: library.search(query) for query in QUERIES if "year:" in query}
    assert any(expected.values())
    library.conn.execute("DROP INDEX papers_id_year")
    for query, ids in expected.items():
        assert library.search(query) == ids
    _check(library)


def test_an_index_row_left_from_a_paper_that_no_longer_exists_is_never_a_hit(library: Library) -> None:
    """A full-text row whose paper is gone from the library (a file an older build or a repair tool left so):
    the index no longer holds exactly the live papers, and the pages are answered from the papers instead."""
    expected = library.paper_ids(query="benchmark", order_by="added", descending=True, limit=7)
    with library.conn:
        library.conn.execute(
            "INSERT INTO papers_fts(rowid, title, abstract, authors, tags, note, venue) "
            "VALUES (999999, 'Benchmark of nothing', '', '', '', '', '')"
        )
    assert library.paper_ids(query="benchmark", order_by="added", descending=True, limit=7) == expected
    assert 999999 not in library.search("benchmark")
    _check(library)
