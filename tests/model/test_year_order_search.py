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
