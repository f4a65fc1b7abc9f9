"""The window's default order (newest year first) reads a filter's hits through the narrow (id, year) index and
leaves out trashed and merged papers by their own index (model/library.py, `paper_ids`). The papers shown, and
their order, must be exactly those of the plain query: same years, no years, the trash, merged papers, tags,
people and sources, searches with filters."""

from __future__ import annotations

import random

import pytest

from papershelf.model import Library, merge
from papershelf.model.library import SORT_COLUMNS

WORDS = ["graph", "kernel", "attention", "robust", "learning", "privacy"]


def plain_ids(library: Library, where: str, params: list, descending: bool) -> list[int]:
    direction = "DESC" if descending else "ASC"
    sql = (
        "SELECT p.id FROM papers p WHERE p.deleted_at IS NULL AND p.merged_into IS NULL AND "
        f"{where} ORDER BY {SORT_COLUMNS['year']} {direction}, p.id {direction}"
    )
    return [r[0] for r in library.conn.execute(sql, params)]


@pytest.fixture
def library(tmp_path) -> Library:
    from papershelf.pipeline import import_file

    rng = random.Random(7)
    entries = []
    for n in range(120):
        title = " ".join(rng.sample(WORDS, 3)) + f" study {n}"
        year = "" if n % 9 == 0 else f"  year = {{{rng.choice([2018, 2019, 2020, 2021])}}},\n"
        entries.append(
            f"@article{{k{n},\n  author = {{Doe, Jane and Roe, Rick{n % 4}}},\n  title = {{{title}}},\n{year}}}\n"
        )
    path = tmp_path / "many.bib"
    path.write_text("".join(entries), encoding="utf-8")
    lib = Library.open(tmp_path / "lib.sqlite")
    assert import_file(lib, path).new == 120
    ids = lib.paper_ids()
    lib.delete_papers(ids[:10])  # to the trash
    merge.merge_papers(lib, ids[10], [ids[11], ids[12]])
    lib.add_tag(ids[13:60], "to-read")
    yield lib
    lib.close()


@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("query", ["graph", "attention kernel", "year:2019..2020 robust", "title:privacy", "id:20"])
def test_a_year_ordered_search_shows_the_papers_and_order_of_the_plain_query(library, query, descending):
    from papershelf.model.search import compile_query

    clause, params = compile_query(query, library.conn)
    shown = library.paper_ids(query=query, order_by="year", descending=descending)
    assert shown == plain_ids(library, clause, params, descending)
    assert shown and not set(shown) & set(library.paper_ids(view="trash"))
    assert len(library.paper_ids(query=query, order_by="year", descending=descending, limit=5)) == min(5, len(shown))


def test_tags_people_and_sources_in_year_order(library):
    tagged = library.paper_ids(tag="to-read", order_by="year", descending=True)
    where = "p.id IN (SELECT pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id WHERE t.name = ?)"
    assert tagged == plain_ids(library, where, ["to-read"], True) and len(tagged) >= 40
    (author_id,) = library.conn.execute("SELECT id FROM authors WHERE display_name = 'Jane Doe'").fetchone()
    by_her = library.paper_ids(author_id=author_id, order_by="year", descending=True)
    assert len(by_her) == 120 - 10 - 2  # every live paper: trashed and merged ones left out
    assert [library.get_papers([i])[0].year or 0 for i in by_her] == sorted(
        (library.get_papers([i])[0].year or 0 for i in by_her), reverse=True
    )
    with_word = library.paper_ids(query="graph", tag="to-read", order_by="year")
    assert set(with_word) <= set(tagged) and with_word


@pytest.mark.parametrize("order_by", ["year", "title", "venue", "added", "citekey"])
@pytest.mark.parametrize("descending", [True, False])
def test_a_first_screen_is_the_start_of_the_whole_list_in_every_order(library, order_by, descending):
    """The window reads a filter's first screen alone (model/library.py walks the order's index while enough
    papers pass); it must be exactly the start of the whole list, with the trash and merged papers left out
    and ties broken by id, whether many papers pass the filter or too few for a screen."""
    (author_id,) = library.conn.execute("SELECT id FROM authors WHERE display_name = 'Jane Doe'").fetchone()
    filters = [
        {"query": "graph"},
        {"query": "attention kernel"},
        {"query": "privacy study"},
        {"tag": "to-read"},
        {"author_id": author_id},
        {"query": "robust", "tag": "to-read"},
        {"query": "year:2019 graph"},
        {"query": "nothing-matches-this"},
    ]
    trash = set(library.paper_ids(view="trash"))
    for chosen in filters:
        whole = library.paper_ids(**chosen, order_by=order_by, descending=descending)
        assert not set(whole) & trash
        for limit in (1, 7, 40, 500):
            first = library.paper_ids(**chosen, order_by=order_by, descending=descending, limit=limit)
            assert first == whole[:limit], (chosen, limit)
