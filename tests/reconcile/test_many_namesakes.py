"""A name many people share ("Wei Wang" on a crowded author list): a new paper still goes to the namesake who
wrote with its co-authors, and to the oldest one when none did, however many namesakes the library holds (past
a few, the choice is counted from the co-authors' side: the same answer, without a query per namesake)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from papershelf import pipeline
from papershelf.model.library import Library

AS_OF = dt.date(2025, 11, 20)


def _import(library: Library, path: Path, text: str, owner: str | None = None) -> None:
    path.write_text(text, encoding="utf-8")
    report = pipeline.import_file(library, path, as_of=AS_OF, owner=owner)
    assert report.error is None, report.error


def _entry(key: str, title: str, authors: list[str]) -> str:
    return f"@article{{{key},\n  author = {{{' and '.join(authors)}}},\n  title = {{{title}}},\n  year = {{2021}}\n}}\n"


def _first_author(library: Library, title: str) -> int:
    [paper] = [p for p in library.list_papers() if p.title == title]
    return paper.authors[0].author_id


@pytest.mark.parametrize("crowd", [3, 40])
def test_a_shared_name_goes_to_the_namesake_who_wrote_with_the_co_authors(tmp_path: Path, crowd: int) -> None:
    with Library.open(tmp_path / "library.sqlite") as library:
        _import(library, tmp_path / "crowd.bib", _entry("crowd", "A Crowded Paper", ["Wang, Wei"] * crowd))
        oldest = _first_author(library, "A Crowded Paper")
        # A page said to be by Wei Wang, with no evidence tying it to any of the crowd: a person of its own,
        # newer than all of them, who writes with Maria Smith.
        _import(
            library,
            tmp_path / "own.bib",
            _entry("own", "Sparse Kernels for Tiny Devices", ["Wang, Wei", "Smith, Maria"]),
            owner="Wei Wang",
        )
        newest = _first_author(library, "Sparse Kernels for Tiny Devices")
        assert newest not in {a.author_id for a in library.get_paper(1).authors}
        assert len(library.find_authors("Wei Wang")) == crowd + 1

        _import(
            library,
            tmp_path / "later.bib",
            _entry("later1", "Dense Kernels for Big Devices", ["Wang, Wei", "Smith, Maria"])
            + _entry("later2", "Unrelated Work on Proteins", ["Wang, Wei", "Okafor, Chidi"]),
        )
        assert _first_author(library, "Dense Kernels for Big Devices") == newest
        assert _first_author(library, "Unrelated Work on Proteins") == oldest
        assert len(library.find_authors("Wei Wang")) == crowd + 1  # nobody new: each went to a namesake
