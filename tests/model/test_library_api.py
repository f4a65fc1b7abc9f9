"""The model API the CLI, exporters and GUI stand on: queries, tags, notes, edits, trash, keys, search."""

from __future__ import annotations

import pytest

from papershelf.model import Library, LibraryError
from papershelf.model.apply import import_records
from papershelf.model.records import OwnerProfile, PaperRecord
from papershelf.model.search import QueryError


def record(line: int, title: str | None, authors: tuple[str, ...], **fields) -> PaperRecord:
    return PaperRecord(line=line, title=title, authors=authors, **fields)


PAGE = [
    record(
        1,
        "Global Encoding for Abstractive Summarization",
        ("Junyang Lin", "Xu Sun", "Shuming Ma", "Qi Su"),
        year=2018,
        venue="ACL",
        entry_type="inproceedings",
        abstract="We propose a global encoding framework.",
    ),
    record(
        3,
        "Understanding and Improving Layer Normalization",
        ("Jingjing Xu", "Xu Sun", "Junyang Lin"),
        year=2019,
        venue="NeurIPS",
        entry_type="inproceedings",
    ),
    record(
        5,
        "InterBERT: Vision-and-Language Interaction",
        ("Junyang Lin", "An Yang"),
        year=2020,
        venue="arXiv",
        entry_type="preprint",
        arxiv_id="2003.13198",
    ),
    record(
        7,
        None,
        (),
        authors_complete=False,
        arxiv_id="2112.07327",
        year=2021,
        date="2021-12-14",
        abstract="Knowledge amalgamation for pre-trained language models.",
    ),
]


def load(library: Library, records=PAGE, *, file="page.txt", sha="a" * 64, fmt="homepage", owner="Junyang Lin"):
    return import_records(
        library,
        file=file,
        path=f"/tmp/{file}",
        sha256=sha,
        fmt=fmt,
        owner=OwnerProfile(name=owner) if owner else None,
        records=records,
    )


@pytest.fixture
def lib():
    library = Library.memory()
    load(library)
    return library


def test_papers_come_back_with_authors_in_order_and_a_title_fallback(lib):
    papers = lib.list_papers(order_by="year")
    assert [p.year for p in papers] == [2018, 2019, 2020, 2021]
    assert papers[1].author_names() == ["Jingjing Xu", "Xu Sun", "Junyang Lin"]
    untitled = papers[3]
    assert untitled.title is None
    assert untitled.display_title == "[untitled] arXiv:2112.07327"
    assert [ref.name for ref in untitled.extra_authors] == ["Junyang Lin"], "the owner is an author behind no list"


def test_owner_is_one_author_with_all_papers(lib):
    lin = lib.find_authors("Lin, Junyang")
    assert len(lin) == 1
    assert lin[0].paper_count == 4
    coauthors = dict((a.name, n) for a, n in lib.coauthors(lin[0].id))
    assert coauthors["Xu Sun"] == 2


def test_the_authors_list_counts_live_papers_with_and_without_a_search(lib):
    # Junyang Lin is on three author lists and implied (the page's owner) on the untitled fourth paper.
    everyone = {a.name: a.paper_count for a in lib.list_authors()}
    assert everyone["Junyang Lin"] == 4 and everyone["Xu Sun"] == 2 and everyone["An Yang"] == 1
    lib.delete_papers(lib.search("interbert"))
    everyone = {a.name: a.paper_count for a in lib.list_authors()}
    assert everyone["Junyang Lin"] == 3 and everyone["An Yang"] == 0, "papers in the trash are not counted"
    assert {a.name: a.paper_count for a in lib.list_authors("lin")} == {"Junyang Lin": 3}


def test_tags_add_remove_rename_merge_and_count(lib):
    ids = lib.paper_ids()
    lib.add_tag(ids[:2], "to-read")
    lib.add_tag(ids[1:3], "summarization")
    assert {t.name: t.paper_count for t in lib.list_tags()} == {"summarization": 2, "to-read": 2}
    lib.rename_tag("summarization", "nlg")
    lib.merge_tags(["nlg"], "to-read")
    assert {t.name: t.paper_count for t in lib.list_tags()} == {"to-read": 3}
    lib.remove_tag([ids[0]], "to-read")
    assert lib.paper_ids(tag="to-read") == ids[1:3]
    lib.delete_tag("to-read")
    assert lib.list_tags() == []


def test_tags_that_differ_after_a_pasted_nul_stay_two_tags(lib):
    # SQLite's NOCASE comparison stops at a NUL: "draft\0a" and "draft\0b" were one tag, and tagging with the
    # second silently gave the paper the first.
    ids = lib.paper_ids()
    lib.add_tag([ids[0]], "draft\x00a")
    lib.add_tag([ids[1]], "draft\x00b")
    assert lib.get_paper(ids[1]).tags == ["draftb"]
    assert {t.name: t.paper_count for t in lib.list_tags()} == {"drafta": 1, "draftb": 1}


def test_notes_and_edits_survive_reimport_of_a_changed_page(lib):
    paper_id = lib.search("title:layer normalization")[0]
    key = lib.get_paper(paper_id).citekey
    lib.set_note(paper_id, "Read section 3 *again*.")
    lib.edit_paper(paper_id, venue="NeurIPS (spotlight)")
    changed = list(PAGE)
    changed[1] = record(
        3,
        "Understanding and Improving Layer Normalization",
        ("Jingjing Xu", "Xu Sun", "Junyang Lin"),
        year=2019,
        venue="ICML",
        entry_type="inproceedings",
        abstract="New abstract.",
    )
    result = load(lib, changed, sha="b" * 64)
    assert paper_id in result.updated
    paper = lib.get_paper(paper_id)
    assert paper.note == "Read section 3 *again*."
    assert paper.venue == "NeurIPS (spotlight)", "the user's edit wins over the page"
    assert paper.abstract == "New abstract.", "fields the user did not touch follow the page"
    assert paper.citekey == key
    lib.edit_paper(paper_id, venue=None)
    assert lib.get_paper(paper_id).venue == "ICML", "clearing an edit gives the field back to the sources"


def test_an_edited_title_or_venue_is_found_by_search_and_the_old_one_is_not(lib):
    """A search looks at what the table shows: after the user edits a title or venue, the new words find the
    paper (and, with the edit cleared, the sources' words again)."""
    paper_id = lib.search("title:layer normalization")[0]
    lib.edit_paper(paper_id, title="Walrus studies", venue="Zebra Letters")
    assert lib.search("title:walrus") == [paper_id] and lib.search("venue:zebra") == [paper_id]
    assert lib.search("walrus zebra") == [paper_id]
    assert lib.search("title:layer normalization") == []
    lib.edit_paper(paper_id, title=None, venue=None)
    assert lib.search("title:walrus") == [] and lib.search("title:layer normalization") == [paper_id]


def test_identical_reimport_writes_nothing(lib):
    version = lib.conn.total_changes
    result = load(lib)
    assert result.same_file and not result.new and not result.updated
    assert lib.conn.total_changes == version


def test_trash_hides_and_restore_brings_back_everything(lib):
    paper_id = lib.paper_ids()[0]
    lib.add_tag([paper_id], "keep")
    lib.set_note(paper_id, "mine")
    lib.delete_papers([paper_id])
    assert paper_id not in lib.paper_ids()
    assert lib.paper_ids(view="trash") == [paper_id]
    assert lib.search("global encoding") == []
    lib.restore_papers([paper_id])
    paper = lib.get_paper(paper_id)
    assert paper.tags == ["keep"] and paper.note == "mine"
    assert lib.search("global encoding") == [paper_id]


def test_search_filters(lib):
    assert len(lib.search("author:sun")) == 2
    assert len(lib.search("year:2019..2020")) == 2
    assert len(lib.search("year:..2018")) == 1
    assert len(lib.search("venue:neurips")) == 1
    assert lib.search("amalgamation") == [lib.find_paper_by_identifier(arxiv_id="2112.07327")]
    lib.add_tag(lib.search("interbert"), "vision")
    assert len(lib.search("tag:vision")) == 1
    assert len(lib.search("tag:vision author:lin")) == 1
    assert len(lib.search("encod")) == 1, "the last word matches as a prefix while typing"


def test_the_words_of_a_tag_find_its_papers_until_it_is_removed(lib):
    interbert, layer_norm = lib.search("interbert") + lib.search("title:layer normalization")
    lib.add_tag([interbert, layer_norm], "Vision reading-list")
    assert sorted(lib.search("vision")) == sorted([interbert, layer_norm])
    assert lib.search("readi") == sorted([interbert, layer_norm]), "the last word is a prefix, as for text"
    # Each word may match the paper's text or its tags: "lin" is an author, "vision" a tag and a title word.
    assert sorted(lib.search("lin reading")) == sorted([interbert, layer_norm])
    assert lib.search("normalization reading") == [layer_norm]
    assert lib.search("normalization nowhere") == []
    lib.remove_tag([layer_norm], "Vision reading-list")
    assert lib.search("reading") == [interbert]
    assert lib.search("normalization reading") == []
    lib.rename_tag("Vision reading-list", "skimmed")
    assert lib.search("reading") == [] and lib.search("skimmed") == [interbert]
    lib.merge_tags(["skimmed"], "archive")
    assert lib.search("skimmed") == [] and lib.search("archive") == [interbert]
    lib.delete_papers([interbert])
    assert lib.search("archive") == [], "papers in the trash are not found by their tags either"
    lib.restore_papers([interbert])
    lib.delete_tag("archive")
    assert lib.search("archive") == []


@pytest.mark.parametrize("query", ['"unbalanced', "NEAR(", "*", "a AND OR b", "\x00", "title:(", "-", ":", "'); DROP"])
def test_hostile_search_strings_give_results_or_a_hint(lib, query):
    try:
        lib.search(query)
    except QueryError as error:
        assert str(error)


@pytest.mark.parametrize("query", ["year:20x", "author:", "year:"])
def test_malformed_filters_give_a_hint(lib, query):
    with pytest.raises(QueryError):
        lib.search(query)


def test_citekeys_are_made_once_and_kept_as_aliases(lib):
    paper_id = lib.search("title:global encoding")[0]
    paper = lib.get_paper(paper_id)
    assert paper.citekey == "lin2018global"
    lib.edit_paper(paper_id, title="A Completely Different Title", year=2030)
    assert lib.get_paper(paper_id).citekey == "lin2018global", "an edit never moves a key"
    lib.set_citekey(paper_id, "lin2018encoding")
    paper = lib.get_paper(paper_id)
    assert paper.citekey == "lin2018encoding" and paper.key_aliases == ["lin2018global"]
    assert lib.paper_by_key("lin2018global").id == paper_id
    with pytest.raises(LibraryError):
        lib.set_citekey(paper_id, "has space")


def test_keys_are_unique_with_suffixes_in_order_added():
    library = Library.memory()
    records = [record(i, f"Global Encoding Part {i}", ("Junyang Lin",), year=2018) for i in range(1, 4)]
    load(library, records)
    keys = [p.citekey for p in library.list_papers(order_by="added")]
    assert keys == ["lin2018global", "lin2018globala", "lin2018globalb"]


def test_changes_are_announced_after_commit(lib):
    heard = []
    lib.subscribe(heard.append)
    paper_id = lib.paper_ids()[0]
    lib.add_tag([paper_id], "x")
    assert heard[-1].kind == "tags" and heard[-1].paper_ids == frozenset([paper_id])
    with pytest.raises(RuntimeError), lib.transaction():
        lib.set_note(paper_id, "lost")
        raise RuntimeError("boom")
    assert lib.get_paper(paper_id).note == ""
    assert heard[-1].kind == "tags", "a rolled-back change is never announced"


def test_newer_library_is_refused_unchanged(tmp_path):
    import sqlite3

    path = tmp_path / "future.sqlite"
    Library.open(path).close()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 99")
    connection.close()
    data = path.read_bytes()
    with pytest.raises(LibraryError, match="newer Papershelf"):
        Library.open(path)
    assert path.read_bytes() == data
