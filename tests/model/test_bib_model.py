"""The chosen .bib view of a paper: its declared type and fields from the best .bib source, the user's edits of
them (kept through re-imports and merges), and re-importing Papershelf's own export changing nothing."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from papershelf.exporters.formats import export_papers
from papershelf.model import Library, LibraryError, merge
from papershelf.pipeline import import_file

ENTRIES = """@string{j-TUGboat = "TUGboat"}
@phdthesis{knuth1990,
  author = {Donald E. Knuth},
  title = {The {\\TeX}book and {NASA} with {\\"o} and $\\alpha$},
  school = {Stanford University},
  year = 1990,
  month = apr,
  basefilename = {knuth90},
}
@article{beeton2020,
  author = {Barbara Beeton},
  title = {News from the Editor},
  journal = j-TUGboat,
  volume = {41},
  year = {2020},
}
@incollection{author2005,
  author = {Alan Author},
  title = {A Chapter of Its Own},
  booktitle = {Handbook of Everything},
  editor = {Eve Editor},
  publisher = {Springer},
  year = {2005},
}
@techreport{lamport1978,
  author = {Leslie Lamport},
  title = {Time, Clocks and the Ordering of Events},
  institution = {{SRI} International},
  year = {1978},
}
"""


@pytest.fixture
def bib_path(tmp_path: Path) -> Path:
    path = tmp_path / "mine.bib"
    path.write_text(ENTRIES, encoding="utf-8")
    return path


@pytest.fixture
def imported(library: Library, bib_path: Path) -> Library:
    report = import_file(library, bib_path)
    assert report.ok and report.new == 4
    return library


def _fields(library: Library, key: str) -> dict[str, tuple[str, str | None, bool]]:
    paper = library.paper_by_key(key)
    return {f.name: (f.text, f.latex, f.edited) for f in paper.bib_fields}


def _view(library: Library) -> dict[int, dict]:
    """Every paper as a user sees it (what a re-import must not change)."""
    return {p.id: {k: v for k, v in dataclasses.asdict(p).items() if k != "updated_at"} for p in library.list_papers()}


def test_a_user_sets_the_entry_type_and_can_give_it_back(imported: Library) -> None:
    paper = imported.paper_by_key("lamport1978")
    imported.edit_paper(paper.id, bib_type="Report")
    edited = imported.get_paper(paper.id)
    assert edited.bib_type == "report" and "bib_type" in edited.edited_fields
    imported.edit_paper(paper.id, bib_type=None)
    assert imported.get_paper(paper.id).bib_type == "techreport"
    with pytest.raises(LibraryError, match="not a BibTeX entry type"):
        imported.edit_paper(paper.id, bib_type="tech report")


def test_edited_fields_lose_their_latex_removed_ones_go_and_none_gives_them_back(imported: Library) -> None:
    paper = imported.paper_by_key("knuth1990")
    change = imported.edit_bib_fields(paper.id, {"school": "MIT", "basefilename": "", "keywords_extra": "new one"})
    assert change.paper_ids == frozenset([paper.id])
    fields = _fields(imported, "knuth1990")
    assert fields["school"] == ("MIT", None, True)
    assert "basefilename" not in fields
    assert fields["keywords_extra"] == ("new one", None, True)
    assert fields["title"][1] == 'The {\\TeX}book and {NASA} with {\\"o} and $\\alpha$'  # untouched: as written
    assert list(fields)[:3] == ["author", "title", "school"]  # an edit keeps the field's place

    imported.edit_bib_fields(paper.id, {"school": None, "basefilename": None, "keywords_extra": None})
    fields = _fields(imported, "knuth1990")
    assert fields["school"] == ("Stanford University", "Stanford University", False)
    assert fields["basefilename"] == ("knuth90", "knuth90", False)
    assert "keywords_extra" not in fields
    assert imported.get_paper(paper.id).edited_fields == []


def test_editing_a_core_field_marks_its_bib_field_edited(imported: Library) -> None:
    paper = imported.paper_by_key("knuth1990")
    imported.edit_paper(paper.id, title="The TeXbook, Revised", year=1991)
    fields = _fields(imported, "knuth1990")
    assert fields["title"] == ("The TeXbook, Revised", None, True)
    assert fields["year"] == ("1991", None, True)
    assert fields["month"][2] is False

    chapter = imported.paper_by_key("author2005")
    # Through the .bib field's own name too: booktitle states the paper's venue, one truth for both.
    imported.edit_bib_fields(chapter.id, {"booktitle": "Handbook of Most Things", "pages": "3--9"})
    edited = imported.get_paper(chapter.id)
    assert edited.venue == "Handbook of Most Things" and edited.pages == "3--9"
    assert {"venue", "pages"} <= set(edited.edited_fields)
    fields = _fields(imported, "author2005")
    assert fields["booktitle"] == ("Handbook of Most Things", None, True)
    assert fields["pages"] == ("3--9", None, True)
    assert list(fields)[-1] == "pages"  # a field the entry lacked is added at its end

    imported.edit_paper(chapter.id, authors=["Alan Author", "Bea Second"])
    assert _fields(imported, "author2005")["author"] == ("Alan Author and Bea Second", None, True)
    with pytest.raises(LibraryError, match="not a year"):
        imported.edit_bib_fields(chapter.id, {"year": "next spring"})


def test_edits_survive_a_changed_file_being_imported_again(imported: Library, bib_path: Path) -> None:
    paper = imported.paper_by_key("knuth1990")
    imported.edit_bib_fields(paper.id, {"school": "MIT", "note": "my remark"})
    imported.edit_paper(paper.id, bib_type="book")
    bib_path.write_text(ENTRIES.replace("Stanford University", "Stanford").replace("knuth90", "dek90"), "utf-8")
    report = import_file(imported, bib_path)
    assert report.ok and report.new == 0 and report.updated == 1
    fields = _fields(imported, "knuth1990")
    assert fields["school"] == ("MIT", None, True) and fields["note"] == ("my remark", None, True)
    assert fields["basefilename"] == ("dek90", "dek90", False)  # what the user did not touch follows the file
    assert imported.get_paper(paper.id).bib_type == "book"


def test_edits_follow_a_merge_like_other_edits(imported: Library) -> None:
    kept = imported.paper_by_key("lamport1978")
    other = imported.paper_by_key("beeton2020")
    imported.edit_bib_fields(other.id, {"howpublished": "by hand"})
    merge.merge_papers(imported, kept.id, [other.id])
    fields = _fields(imported, "lamport1978")
    assert fields["howpublished"] == ("by hand", None, True)
    assert imported.get_paper(kept.id).bib_type == "techreport"  # the kept paper's own entry


@pytest.mark.parametrize("flavour", ["bibtex", "biblatex"])
def test_reimporting_our_own_export_changes_nothing(imported: Library, tmp_path: Path, flavour: str) -> None:
    paper = imported.paper_by_key("knuth1990")
    imported.edit_bib_fields(paper.id, {"school": "MIT"})
    before = _view(imported)
    export = tmp_path / f"export-{flavour}.bib"
    export.write_text(export_papers(imported.list_papers(), flavour).text, encoding="utf-8")
    report = import_file(imported, export)
    assert report.ok and (report.new, report.updated) == (0, 0), report.warnings
    after = _view(imported)
    assert after == before
    assert {p.bib_type for p in imported.list_papers()} == {"phdthesis", "article", "incollection", "techreport"}


def test_the_best_bib_source_gives_the_whole_entry(library: Library, tmp_path: Path) -> None:
    """A paper two .bib files state takes its entry from the first one, whole: fields are never mixed."""
    first = tmp_path / "first.bib"
    first.write_text("@book{k1, author={A. Writer}, title={One Book}, year=2001, edition={2nd}}\n", "utf-8")
    second = tmp_path / "second.bib"
    second.write_text(
        "@misc{k1, author={A. Writer}, title={One Book}, year=2001, howpublished={Online}, note={n}}\n", "utf-8"
    )
    assert import_file(library, first).ok and import_file(library, second).ok
    papers = library.list_papers()
    assert len(papers) == 1
    assert papers[0].bib_type == "book"
    assert [f.name for f in papers[0].bib_fields] == ["author", "title", "year", "edition"]
    assert len(library.paper_source_ids([papers[0].id])[papers[0].id]) == 2


def test_an_export_comes_back_to_its_papers_by_key_even_where_titles_repeat(library: Library, tmp_path: Path) -> None:
    """A parent @book with editors and no authors, and two entries of one title (a minimal and a full one, as in
    xampl.bib), each find their own paper again by citation key, title and year."""
    path = tmp_path / "mine.bib"
    path.write_text(
        "@book{whole, editor = {Eve Editor}, title = {Examples}, publisher = {P}, year = 1999}\n"
        "@article{short-one, author = {Ann Writer}, title = {Same Title Here}, journal = {J}, year = 2001}\n"
        "@article{full-one, author = {Ann Writer}, title = {Same Title Here}, journal = {J}, year = 2001,"
        " volume = {3}, pages = {1--2}}\n",
        encoding="utf-8",
    )
    assert import_file(library, path).new == 3
    export = tmp_path / "export.bib"
    export.write_text(export_papers(library.list_papers(), "bibtex").text, encoding="utf-8")
    report = import_file(library, export)
    assert (report.new, report.updated, len(report.merged)) == (0, 0, 3)
    assert all("same citation key" in " ".join(why) for _, why in report.merged)

    # The same key and title by other people is not taken for the paper on the key alone.
    other = tmp_path / "colleague.bib"
    other.write_text(
        "@article{short-one, author = {Zed Stranger}, title = {Same Title Here}, journal = {K}, year = 2001}\n",
        encoding="utf-8",
    )
    report = import_file(library, other)
    assert not any("same citation key" in " ".join(why) for _, why in report.merged)


def test_a_core_field_the_entry_lacked_goes_where_the_user_put_it(imported: Library) -> None:
    """A @techreport states no venue: the user adds `journal` and `date`, the paper's venue and date follow,
    and the fields keep the names the user chose when the venue is edited as the paper's own field later."""
    paper = imported.paper_by_key("lamport1978")
    imported.edit_bib_fields(paper.id, {"journal": "Communications of the ACM", "date": "1978-07"})
    edited = imported.get_paper(paper.id)
    assert (edited.venue, edited.date) == ("Communications of the ACM", "1978-07")
    fields = _fields(imported, "lamport1978")
    assert fields["journal"] == ("Communications of the ACM", None, True)
    assert fields["date"] == ("1978-07", None, True)
    imported.edit_paper(paper.id, venue="CACM")
    assert imported.get_paper(paper.id).venue == "CACM"
    assert _fields(imported, "lamport1978")["journal"] == ("CACM", None, True)
    imported.edit_bib_fields(paper.id, {"date": None, "journal": None})
    back = imported.get_paper(paper.id)
    assert (back.venue, back.date) == (None, None) and "date" not in _fields(imported, "lamport1978")
    assert sorted(back.edited_fields) == []


def test_the_author_field_is_the_papers_author_list(imported: Library) -> None:
    paper = imported.paper_by_key("author2005")
    imported.edit_bib_fields(paper.id, {"author": "Author, Alan and {Barnes and Noble} and Bea Second"})
    edited = imported.get_paper(paper.id)
    assert [ref.as_written for ref in edited.authors] == ["Author, Alan", "{Barnes and Noble}", "Bea Second"]
    assert imported.search("Bea Second") == [paper.id]
    assert _fields(imported, "author2005")["author"] == (
        "Author, Alan and {Barnes and Noble} and Bea Second",
        None,
        True,
    )
    imported.edit_bib_fields(paper.id, {"author": None})
    back = imported.get_paper(paper.id)
    assert [ref.as_written for ref in back.authors] == ["Alan Author"]
    assert _fields(imported, "author2005")["author"] == ("Alan Author", "Alan Author", False)
