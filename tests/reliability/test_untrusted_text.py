"""Text from pages and from the search box is data, never code: any search string gives results or a hint
(QueryError), never an SQLite error; strings that look like SQL are stored and found verbatim."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_support import ALL_SEEDS, SEED_AS_OF, papershelf

from papershelf.model import Library
from papershelf.model.library import LibraryError, tag_name
from papershelf.model.search import QueryError
from papershelf.pipeline import import_file

INJECTION = "'); DROP TABLE papers;--"
_NASTY = [
    '"',
    "'",
    "*",
    "\x00",
    "NEAR(",
    "NEAR(a b",
    "-",
    "--",
    ":",
    "::",
    "^",
    "(",
    ")",
    "{",
    "}",
    "[",
    "AND",
    "OR",
    "NOT",
    "author:",
    "title:",
    "tag:",
    "year:",
    "year:abc",
    "year:2019..",
    "key:%",
    "id:x",
    "venue:*",
    'title:"unclosed',
    "'unclosed",
    "\\",
    "%",
    "_",
    "+",
    "papers_fts",
    "rowid",
    INJECTION,
    "' OR 1=1 --",
    "\u200b",
    "ß",
    "İ",
    "😀",
    "\ufffd",
]
# Issue 17's classes of odd input: LaTeX, corporate names, names starting with a macro or an escaped character,
# NFD accents, right-to-left names, U+200B, and names differing only by digits.
_ISSUE_17 = [
    "\\texttt{code}",
    "\\emph{x}",
    "\\S 3",
    "\\cite{x}",
    "\\^{}",
    "\\~{}",
    "\\copyright",
    "\\verb|x|",
    "\\input{/etc/passwd}",
    "\\immediate\\write18{touch f}",
    "A }} b",
    "dec # {~15}",
    "{IEEE Computer Society}",
    "{Barnes and Noble}",
    "World Wide Web Consortium (W3C)",
    "{others}",
    "^Caret",
    "\\Backslash",
    "{\\textasciicircum}Caret",
    "\u1e8cavier",
    "\u03a9mega",
    "#Hash",
    "Jr., Sr., Mr., Hans",
    "Hans van der Berg Jr.",
    "Jose\u0301 Garci\u0301a",
    "\u0645\u062d\u0645\u062f \u0639\u0644\u064a",
    "\u05d3\u05d5\u05d3 \u05db\u05d4\u05df",
    "Zero\u200bWidth",
    "Person00",
    "Person01",
]
_PIECE = st.one_of(st.sampled_from(_NASTY), st.sampled_from(_ISSUE_17), st.text(max_size=6))
QUERY = st.one_of(
    st.text(max_size=40),
    st.lists(_PIECE, max_size=8).map(" ".join),
    st.lists(_PIECE, max_size=8).map("".join),
)
ODD_TEXT = st.lists(st.one_of(st.sampled_from(_ISSUE_17), st.sampled_from(_NASTY)), min_size=1, max_size=5).map(
    " ".join
)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory):
    library = Library.open(tmp_path_factory.mktemp("search") / "library.sqlite")
    for seed in ALL_SEEDS:
        assert import_file(library, seed, as_of=dt.date.fromisoformat(SEED_AS_OF)).ok
    library.add_tag(library.paper_ids()[:3], "to-read")
    yield library
    library.close()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=QUERY)
def test_any_search_string_gives_results_or_a_hint(seeded: Library, query: str) -> None:
    try:
        ids = seeded.search(query)
    except QueryError as hint:
        assert str(hint).strip()
        return
    assert isinstance(ids, list) and all(isinstance(i, int) for i in ids)
    # The other places a typed string reaches SQL.
    seeded.paper_ids(query=query, tag=query, view="trash")
    seeded.list_authors(query)
    seeded.find_authors(query)
    seeded.paper_by_key(query)
    seeded.key_taken(query)


@pytest.fixture(scope="module")
def typed_into(tmp_path_factory: pytest.TempPathFactory):
    """A library of its own for the test that edits: the shared `seeded` one must keep its tags as they are."""
    library = Library.open(tmp_path_factory.mktemp("typed") / "library.sqlite")
    assert import_file(library, ALL_SEEDS[0], as_of=dt.date.fromisoformat(SEED_AS_OF)).ok
    yield library
    library.close()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=ODD_TEXT)
def test_odd_text_typed_by_the_user_is_stored_verbatim_and_searchable(typed_into: Library, text: str) -> None:
    seeded = typed_into
    paper_id = seeded.paper_ids()[7]
    seeded.edit_paper(paper_id, title=text, venue=text)
    seeded.set_note(paper_id, text)
    # A tag keeps the text but NUL characters, which would make tags differing after one the same tag.
    if tag_name(text):
        seeded.add_tag([paper_id], text)
    else:
        with pytest.raises(LibraryError):
            seeded.add_tag([paper_id], text)
    paper = seeded.get_paper(paper_id)
    assert (paper.title, paper.venue, paper.note) == (text, text, text)
    assert tag_name(text) in paper.tags or not tag_name(text)
    for query in (text, f'title:"{text}"', f"author:{text}", f"tag:{text}"):
        try:
            assert isinstance(seeded.search(query), list)
        except QueryError as hint:
            assert str(hint).strip()


@pytest.mark.parametrize("query", [*_NASTY, *_ISSUE_17])
def test_each_listed_string_searches_or_hints(seeded: Library, query: str) -> None:
    try:
        seeded.search(query)
    except QueryError as hint:
        assert str(hint).strip()


def test_search_command_turns_a_bad_query_into_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    Library.open(path).close()  # search no longer creates a library (issue 14): the second search needs one
    run = papershelf(path, "search", "year:abc")
    assert run.code == 2 and "year:2020" in run.err and "Traceback" not in run.err
    run = papershelf(path, "search", 'NEAR("', "*", "'", "\\")
    assert run.code in (0, 2) and "Traceback" not in run.err and "sqlite" not in run.err.lower()


def test_sql_looking_text_round_trips_verbatim(seeded: Library) -> None:
    paper_id = seeded.paper_ids()[5]
    tables = seeded.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    seeded.edit_paper(paper_id, title=f"Robust {INJECTION} Parsing", venue=INJECTION)
    seeded.set_note(paper_id, f"note {INJECTION} \"double\" 'single' \\ %_")
    seeded.add_tag([paper_id], INJECTION)
    author = seeded.get_paper(paper_id).authors[0].author_id if seeded.get_paper(paper_id).authors else None
    if author is not None:
        seeded.set_author_note(author, INJECTION)

    paper = seeded.get_paper(paper_id)
    assert paper.title == f"Robust {INJECTION} Parsing"
    assert paper.venue == INJECTION
    assert paper.note == f"note {INJECTION} \"double\" 'single' \\ %_"
    assert INJECTION in paper.tags
    assert seeded.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == tables
    assert paper_id in seeded.search("Robust Parsing")
    assert seeded.paper_ids(tag=INJECTION) == [paper_id]
    assert seeded.search(f'tag:"{INJECTION}"') == [paper_id]


def test_page_text_that_looks_like_sql_is_imported_as_text(tmp_path: Path) -> None:
    page = tmp_path / "listing.txt"
    page.write_text(
        f"We show that {INJECTION} is just a string in an abstract.\n\n{INJECTION}\n\narXiv:2401.00001\n"
        "Created: 2024-01-01\n",
        encoding="utf-8",
    )
    path = tmp_path / "library.sqlite"
    run = papershelf(path, "import", str(page))
    assert run.code == 0, run.err
    connection = sqlite3.connect(path)
    assert connection.execute("SELECT count(*) FROM papers").fetchone()[0] == 1
    [abstract] = connection.execute("SELECT abstract FROM papers").fetchone()
    connection.close()
    assert INJECTION in abstract
