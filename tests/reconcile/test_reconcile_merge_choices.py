"""What a merge keeps and how it is undone, driven as a user would: the kept paper's values and key, splitting a
person (also where they are known only as a page's owner), undo back into the review queue, what each source
said in `show --json`, and matching that never reads the user's note."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from seedfiles import ALL_SEEDS, SEED_AS_OF, SEED_SCHOLARLY

from papershelf.cli.main import main
from papershelf.model import Library
from papershelf.model.apply import import_records
from papershelf.model.merge import (
    mark_distinct,
    merge_authors,
    merge_papers,
    open_suggestions,
    split_author,
    undistinct,
    unmerge_author,
    unmerge_paper,
)
from papershelf.model.records import PaperRecord

KNAS_BIB = """@article{xu2022knas,
  title = {KNAS: Green Neural Architecture Search},
  author = {Xu, Jingjing and Zhao, Liang and Lin, Junyang and Gao, Rundong and Sun, Xu and Yang, Hongxia},
  journal = {arXiv preprint arXiv:2111.13293},
  year = {2022}
}
"""


def cli(capsys, library: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--library", str(library), *args])
    out, err = capsys.readouterr()
    return code, out, err


def json_of(capsys, library: Path, *args: str):
    code, out, err = cli(capsys, library, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def titled(capsys, library: Path, start: str) -> dict:
    [paper] = [p for p in json_of(capsys, library, "papers") if (p["title"] or "").startswith(start)]
    return paper


@pytest.fixture
def seeded(capsys, library_path) -> Path:
    code, _, err = cli(capsys, library_path, "import", "--as-of", SEED_AS_OF, *map(str, ALL_SEEDS))
    assert code == 0, err
    return library_path


# ---------------------------------------------------------------------------------------------- kept values
def test_a_manual_merge_keeps_the_kept_papers_values(capsys, seeded):
    kept = titled(capsys, seeded, "XiYan-SQL:")
    preview = titled(capsys, seeded, "A Preview of XiYan-SQL")
    code, _, err = cli(capsys, seeded, "merge", str(kept["id"]), str(preview["id"]))
    assert code == 0, err
    merged = json_of(capsys, seeded, "show", str(kept["id"]))
    assert (merged["title"], merged["year"], merged["authors"]) == (kept["title"], kept["year"], kept["authors"])
    assert merged["citekey"] == kept["citekey"] and preview["citekey"] in merged["key_aliases"]
    assert {s["file"] for s in merged["sources"]} == {s["file"] for s in kept["sources"] + preview["sources"]}
    # and they stay through a later re-choice (an edit elsewhere re-chooses every field)
    cli(capsys, seeded, "edit", str(kept["id"]), "pages=1--12")
    again = json_of(capsys, seeded, "show", str(kept["id"]))
    assert (again["title"], again["year"], again["authors"]) == (kept["title"], kept["year"], kept["authors"])
    # the other way round keeps the preview's
    cli(capsys, seeded, "unmerge", str(preview["id"]))
    cli(capsys, seeded, "merge", str(preview["id"]), str(kept["id"]))
    assert json_of(capsys, seeded, "show", str(preview["id"]))["title"] == preview["title"]


def test_the_first_named_papers_key_stays_and_the_other_is_an_alias(capsys, seeded, tmp_path):
    knas = titled(capsys, seeded, "KNAS")
    assert knas["citekey"] == "xu2021knas"
    bib = tmp_path / "knas.bib"
    bib.write_text(KNAS_BIB, encoding="utf-8")
    # imported, the .bib's record joins the paper: the key its documents cite is not lost
    code, out, _ = cli(capsys, seeded, "import", str(bib))
    assert code == 0 and "merged with existing 1" in out
    joined = json_of(capsys, seeded, "show", str(knas["id"]))
    assert joined["citekey"] == "xu2021knas" and joined["key_aliases"] == ["xu2022knas"]
    _, out, _ = cli(capsys, seeded, "export", "--format", "biblatex", "--ids", str(knas["id"]))
    # The entry the .bib declared (issue 13: its type is never "improved" from the venue), under the paper's key.
    assert "@article{xu2021knas," in out and "ids = {xu2022knas}" in out
    # undone, the record takes its key back; merged by the user, the first-named paper's key is kept
    cli(capsys, seeded, "unmerge", str(knas["id"]))
    other = next(p for p in json_of(capsys, seeded, "papers") if p["citekey"] == "xu2022knas")
    code, out, _ = cli(capsys, seeded, "merge", str(knas["id"]), str(other["id"]))
    assert code == 0 and "plain BibTeX cite xu2021knas" in out
    merged = json_of(capsys, seeded, "show", str(knas["id"]))
    assert merged["citekey"] == "xu2021knas" and merged["key_aliases"] == ["xu2022knas"]
    _, out, _ = cli(capsys, seeded, "export", "--ids", str(knas["id"]))
    assert "@article{xu2021knas," in out


# ---------------------------------------------------------------------------------------------- split
def test_split_moves_papers_known_only_through_the_page_owner(seed_library):
    [li_dong] = seed_library.find_authors("Li Dong")
    papers = seed_library.paper_ids(author_id=li_dong.id)
    moved = papers[:2]
    assert all(not seed_library.get_paper(p).authors for p in moved), "known only as the page's owner"
    new_id = split_author(seed_library, li_dong.id, ["Li Dong"], moved)
    assert sorted(seed_library.paper_ids(author_id=new_id)) == sorted(moved)
    assert len(seed_library.paper_ids(author_id=li_dong.id)) == len(papers) - 2
    assert seed_library.get_author(li_dong.id).name == "Li Dong" == seed_library.get_author(new_id).name
    for paper_id in moved:
        assert [r.author_id for r in seed_library.get_paper(paper_id).extra_authors] == [new_id]


def test_split_from_the_command_line_holds_through_a_new_capture(capsys, library_path, tmp_path):
    page = tmp_path / SEED_SCHOLARLY.name
    page.write_text(SEED_SCHOLARLY.read_text(encoding="utf-8"), encoding="utf-8")
    cli(capsys, library_path, "import", "--as-of", SEED_AS_OF, str(page))
    [owner] = json_of(capsys, library_path, "authors", "Li Dong")
    ids = [p["id"] for p in json_of(capsys, library_path, "papers")][:2]
    code, out, err = cli(capsys, library_path, "split", str(owner["id"]), "--papers", ",".join(map(str, ids)))
    assert code == 0, err
    assert "papershelf merge --authors" in out
    counts = sorted(a["paper_count"] for a in json_of(capsys, library_path, "authors", "Li Dong"))
    assert counts == [2, owner["paper_count"] - 2]
    page.write_text(page.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a newer capture
    code, _, _ = cli(capsys, library_path, "import", "--as-of", SEED_AS_OF, str(page))
    assert code == 0
    assert sorted(a["paper_count"] for a in json_of(capsys, library_path, "authors", "Li Dong")) == counts
    code, _, err = cli(capsys, library_path, "split", str(owner["id"]))
    assert code == 2 and "--names" in err


def test_split_by_name_from_the_command_line(capsys, seeded):
    [xue] = json_of(capsys, seeded, "authors", "Xue Wang")
    code, _, err = cli(capsys, seeded, "split", str(xue["id"]), "--names", "Wang Xue")
    assert code == 0, err
    found = {a["name"]: a for a in json_of(capsys, seeded, "authors", "Xue")}
    assert found["Wang Xue"]["paper_count"] == 1 and found["Xue Wang"]["paper_count"] == 3


# ---------------------------------------------------------------------------------------------- undo
def _proposed_pair(library: Library) -> tuple[int, int]:
    def page(name: str, record: PaperRecord) -> None:
        import_records(library, file=name, path=name, sha256=name * 10, fmt="homepage", owner=None, records=[record])

    page("a.txt", PaperRecord(1, "Global Encoding for Abstractive Summarization", ("Junyang Lin", "Xu Sun"), year=2018))
    page("b.txt", PaperRecord(1, "Global Encoding for Abstractive Summarization", ("Junyang Lin", "Xu Sun"), year=2023))
    [suggestion] = open_suggestions(library)
    return suggestion.a.id, suggestion.b.id


def test_undoing_a_merge_from_the_queue_puts_the_pair_back(memory_library):
    a, b = _proposed_pair(memory_library)
    merge_papers(memory_library, a, [b])
    assert open_suggestions(memory_library) == []
    unmerge_paper(memory_library, b, restore_queue=True)
    [back] = open_suggestions(memory_library)
    assert {back.a.id, back.b.id} == {a, b} and back.score > 0 and back.evidence
    # an unmerge (not an undo) says the merge was wrong: the pair is distinct
    merge_papers(memory_library, a, [b])
    unmerge_paper(memory_library, b)
    assert open_suggestions(memory_library) == []


def test_undoing_a_merge_not_from_the_queue_leaves_no_verdict(memory_library):
    a, b = _proposed_pair(memory_library)
    mark_distinct(memory_library, "paper", a, b)
    undistinct(memory_library, "paper", a, b)
    assert len(open_suggestions(memory_library)) == 1, "the undone verdict puts the proposal back"
    memory_library.conn.execute("DELETE FROM duplicate_candidates")
    merge_papers(memory_library, a, [b])
    unmerge_paper(memory_library, b, restore_queue=True)
    assert open_suggestions(memory_library) == []
    # never proposed and never called distinct: merging them again is allowed and nothing is queued
    merge_papers(memory_library, a, [b])


def test_undistinct_of_a_pair_never_proposed_and_of_authors(memory_library):
    a, _ = _proposed_pair(memory_library)
    [lin] = memory_library.find_authors("Junyang Lin")
    [sun] = memory_library.find_authors("Xu Sun")
    mark_distinct(memory_library, "author", lin.id, sun.id)
    undistinct(memory_library, "author", lin.id, sun.id)
    assert not memory_library.conn.execute("SELECT 1 FROM duplicate_candidates WHERE kind = 'author'").fetchone()
    with pytest.raises(Exception, match="not marked distinct"):
        undistinct(memory_library, "paper", a, 999)
    merge_authors(memory_library, lin.id, [sun.id])
    unmerge_author(memory_library, sun.id, restore_queue=True)
    assert not memory_library.conn.execute("SELECT 1 FROM duplicate_candidates WHERE kind = 'author'").fetchone()
    # a pair merged and unmerged by the user, never proposed, is not proposed by taking the verdict back either
    merge_authors(memory_library, lin.id, [sun.id])
    unmerge_author(memory_library, sun.id)
    undistinct(memory_library, "author", lin.id, sun.id)
    assert not [s for s in open_suggestions(memory_library) if s.kind == "author"]


# ---------------------------------------------------------------------------------------------- provenance
def test_show_json_gives_what_each_source_said(capsys, seeded):
    layernorm = titled(capsys, seeded, "Understanding and Improving Layer Normalization")
    shown = json_of(capsys, seeded, "show", str(layernorm["id"]))
    by_format = {s["format"]: s for s in shown["sources"]}
    assert set(by_format) == {"homepage", "arxiv-listing"}
    assert by_format["homepage"]["record"]["venue"] == "NeurIPS"
    assert by_format["arxiv-listing"]["record"]["arxiv_id"] == "1911.07013"
    assert by_format["arxiv-listing"]["record"]["title"] is None
    # fields are only added: every earlier field is still there
    assert {"file", "format", "line", "source_id"} <= set(by_format["homepage"])
    # lists stay as they were (a record per source would double them)
    listed = titled(capsys, seeded, "Understanding and Improving Layer Normalization")
    assert all(set(s) == {"file", "format", "line", "source_id"} for s in listed["sources"])


def _page(library: Library, name: str, fmt: str, record: PaperRecord) -> None:
    import_records(library, file=name, path=name, sha256=name * 10, fmt=fmt, owner=None, records=[record])


@pytest.mark.parametrize("remark", [True, False])
def test_erasing_the_note_does_not_change_matching(memory_library, remark):
    lib = memory_library
    note = 'an extension of my paper "Deep Graph Matching Networks for Retrieval"' if remark else None
    _page(
        lib, "home.txt", "homepage", PaperRecord(1, "Deep Graph Matching Networks", ("Xu Sun",), year=2020, note=note)
    )
    [paper] = lib.list_papers()
    # Issue 14: the page's remark is its own field; the user's note starts empty and is the user's alone.
    assert (paper.note, paper.remarks) == ("", note)
    lib.set_note(paper.id, "")  # the user's note is theirs to erase; the page's remark is kept with its record
    _page(
        lib, "refs.bib", "bibtex", PaperRecord(1, "Deep Graph Matching Networks for Retrieval", ("Xu Sun",), year=2021)
    )
    # the page's own remark calls them two works, whatever the note says now; without it they are proposed
    assert bool(open_suggestions(lib)) is not remark
