"""Merging and unmerging papers: nothing the user made is dropped, and an unmerge gives both papers back."""

from __future__ import annotations

import pytest

from papershelf.model.library import LibraryError
from papershelf.model.merge import (
    mark_distinct,
    merge_history,
    merge_papers,
    open_suggestions,
    unmerge_paper,
)
from papershelf.model.records import PaperRecord

AUTHORS = ("Junyang Lin", "Xu Sun", "Shuming Ma", "Qi Su")


def rec(line: int = 1, **fields) -> PaperRecord:
    if "authors" in fields:
        fields["authors"] = tuple(fields["authors"])
    return PaperRecord(line=line, **fields)


@pytest.fixture
def two_papers(memory_library, add_page):
    """A conference paper and its journal version, not merged at import (years apart), each with user data."""
    lib = memory_library
    [first] = add_page(
        lib,
        "homepage",
        [rec(title="Global Encoding for Summarization", year=2018, venue="ACL", authors=AUTHORS)],
        file="home.txt",
        owner="Junyang Lin",
    ).new
    [second] = add_page(
        lib,
        "bibtex",
        [rec(title="Global Encoding for Summarization", year=2021, venue="TASLP", authors=AUTHORS, doi="10.1/j")],
        file="refs.bib",
    ).new
    lib.add_tag([first], "summarization")
    lib.add_tag([second], "journal")
    lib.add_tag([first, second], "shared")
    lib.set_note(first, "Read for the thesis.")
    lib.set_note(second, "Extended experiments in section 5.")
    lib.edit_paper(second, pages="12--30")
    lib.set_citekey(second, "lin2021journal")
    return lib, first, second


def test_merge_combines_tags_notes_and_edits_and_keeps_every_key(two_papers):
    lib, first, second = two_papers
    first_key = lib.get_paper(first).citekey
    change = merge_papers(lib, first, [second], evidence=["the journal version of the ACL paper"])
    assert change.paper_ids == {first, second}
    paper = lib.get_paper(first)
    assert sorted(paper.tags) == ["journal", "shared", "summarization"]
    assert "Read for the thesis." in paper.note and "Extended experiments in section 5." in paper.note
    assert paper.pages == "12--30" and "pages" in paper.edited_fields
    assert paper.doi == "10.1/j"  # the merged paper's source is now provenance of the kept one
    assert {claim.file for claim in paper.sources} == {"home.txt", "refs.bib"}
    # the key the user kept stays; the other keys still resolve, to the kept paper
    assert paper.citekey == first_key
    assert lib.paper_by_key("lin2021journal").id == first
    assert [p.id for p in lib.list_papers()] == [first]
    assert lib.list_tags()[0].paper_count == 1


def test_unmerge_gives_both_papers_back_their_own_data(two_papers):
    lib, first, second = two_papers
    first_key = lib.get_paper(first).citekey
    merge_papers(lib, first, [second])
    unmerge_paper(lib, second)
    kept, restored = lib.get_paper(first), lib.get_paper(second)
    assert sorted(kept.tags) == ["shared", "summarization"] and sorted(restored.tags) == ["journal", "shared"]
    assert kept.note == "Read for the thesis." and restored.note == "Extended experiments in section 5."
    assert kept.pages is None and restored.pages == "12--30" and restored.edited_fields == ["pages"]
    assert [c.file for c in kept.sources] == ["home.txt"] and [c.file for c in restored.sources] == ["refs.bib"]
    assert (kept.citekey, restored.citekey) == (first_key, "lin2021journal")
    assert lib.paper_by_key("lin2021journal").id == second
    assert kept.doi is None and restored.doi == "10.1/j"
    assert sorted(p.id for p in lib.list_papers()) == [first, second]
    # unmerging is a verdict: the pair is not proposed again
    assert not open_suggestions(lib)


def test_unmerge_from_the_kept_side_undoes_the_latest_merge(two_papers):
    lib, first, second = two_papers
    merge_papers(lib, first, [second])
    unmerge_paper(lib, first)
    assert sorted(p.id for p in lib.list_papers()) == [first, second]


def test_a_merge_made_at_import_can_be_undone(memory_library, add_page):
    lib = memory_library
    title = "Understanding and Improving Layer Normalization"
    authors = ("Jingjing Xu", "Xu Sun", "Junyang Lin")
    [paper_id] = add_page(
        lib, "homepage", [rec(title=title, year=2019, venue="NeurIPS", authors=authors)], file="h.txt"
    ).new
    result = add_page(
        lib, "aggregator", [rec(title=title, year=2019, authors=authors[:2], abstract="About LayerNorm.")], file="a.txt"
    )
    assert [p for p, _ in result.merged] == [paper_id]
    lib.add_tag([paper_id], "norm")
    [record] = merge_history(lib, "paper", paper_id)
    assert record.automatic and "same title" in record.evidence and record.sources == ("a.txt",)

    change = unmerge_paper(lib, paper_id)
    [new_id] = sorted(change.paper_ids - {paper_id})
    kept, split = lib.get_paper(paper_id), lib.get_paper(new_id)
    assert [c.file for c in kept.sources] == ["h.txt"] and kept.abstract is None and kept.tags == ["norm"]
    assert [c.file for c in split.sources] == ["a.txt"] and split.abstract == "About LayerNorm."
    assert split.title == title and split.citekey and split.citekey != kept.citekey
    assert merge_history(lib, "paper", paper_id)[0].undone_at is not None
    # a new capture of the same page keeps the record on its own paper
    again = add_page(
        lib, "aggregator", [rec(title=title, year=2019, authors=authors[:2], abstract="About LayerNorm!")], file="a.txt"
    )
    assert again.updated == [new_id] and not again.merged
    assert len(lib.list_papers()) == 2


def test_review_queue_shows_both_sides_and_empties_on_a_verdict(memory_library, add_page):
    lib = memory_library
    add_page(lib, "homepage", [rec(title="Global Encoding for Summarization", year=2018, authors=AUTHORS)])
    add_page(lib, "bibtex", [rec(title="Global Encoding for Summarization", year=2022, authors=AUTHORS)])
    [suggestion] = open_suggestions(lib)
    assert suggestion.kind == "paper" and 0.5 <= suggestion.score < 0.9
    assert {suggestion.a.year, suggestion.b.year} == {2018, 2022}
    assert suggestion.evidence[0] == "same title"
    merge_papers(lib, suggestion.a.id, [suggestion.b.id])
    assert not open_suggestions(lib)
    row = lib.conn.execute("SELECT status FROM duplicate_candidates WHERE id = ?", (suggestion.id,)).fetchone()
    assert row[0] == "merged"


def test_marking_distinct_removes_the_pair_for_good(memory_library, add_page):
    lib = memory_library
    add_page(lib, "homepage", [rec(title="Global Encoding for Summarization", year=2018, authors=AUTHORS)])
    add_page(lib, "bibtex", [rec(title="Global Encoding for Summarization", year=2022, authors=AUTHORS)])
    [suggestion] = open_suggestions(lib)
    mark_distinct(lib, "paper", suggestion.b.id, suggestion.a.id)
    assert not open_suggestions(lib)
    add_page(lib, "scholarly-profile", [rec(title="Global Encoding for Summarization", year=2022)], owner="Xu Sun")
    assert all({s.a.id, s.b.id} != {suggestion.a.id, suggestion.b.id} for s in open_suggestions(lib))


def test_merging_refuses_what_cannot_be_merged(two_papers):
    lib, first, second = two_papers
    with pytest.raises(LibraryError):
        merge_papers(lib, first, [first])
    with pytest.raises(LibraryError):
        merge_papers(lib, first, [9999])
    merge_papers(lib, first, [second])
    with pytest.raises(LibraryError, match="merged into"):
        merge_papers(lib, second, [first])
    with pytest.raises(LibraryError):
        mark_distinct(lib, "paper", first, first)


def test_merged_paper_leaves_search_and_the_match_index(two_papers):
    lib, first, second = two_papers
    merge_papers(lib, first, [second])
    assert lib.search("summarization") == [first]
    keys = lib.conn.execute("SELECT count(*) FROM match_keys WHERE paper_id = ?", (second,)).fetchone()[0]
    assert keys == 0
