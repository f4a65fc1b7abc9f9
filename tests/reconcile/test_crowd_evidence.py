"""A name many people share ("Wei Wang" x 5, and x 20: more than are read one by one): its co-author
evidence is kept per connection and updated as an import adds papers. The namesake each entry goes to must be
the one a fresh count gives, including when the evidence comes from earlier entries of the same import, and
the kept figures must follow merges, undos, rolled-back writes and other connections' writes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from papershelf import pipeline
from papershelf.model import people_evidence, reconcile
from papershelf.model.library import Library
from papershelf.model.merge import merge_authors, unmerge_author
from papershelf.model.names import parse_name

AS_OF = dt.date(2025, 11, 20)
# A few namesakes, each counted on their own the first time; more than reconcile._FEW_NAMESAKES + 1, counted
# from the co-authors' side the first time.
CROWDS = [5, 20]
WANG = parse_name("Wang, Wei").key


def _import(library: Library, path: Path, text: str, owner: str | None = None) -> None:
    path.write_text(text, encoding="utf-8")
    report = pipeline.import_file(library, path, as_of=AS_OF, owner=owner)
    assert report.error is None, report.error


def _entry(key: str, title: str, authors: list[str]) -> str:
    return f"@article{{{key},\n  author = {{{' and '.join(authors)}}},\n  title = {{{title}}},\n  year = {{2021}}\n}}\n"


def _first_author(library: Library, title: str) -> int:
    [paper] = [p for p in library.list_papers() if p.title == title]
    return paper.authors[0].author_id


def _crowded_library(library: Library, folder: Path, crowd: int) -> tuple[int, int, int]:
    """`crowd` Wei Wangs on one paper, then two more (newer than the cap reads), each a page's owner with one paper:
    one writes with Maria Smith, the other with Chidi Okafor. Returns (oldest, Smith's Wang, Okafor's Wang)."""
    _import(library, folder / "crowd.bib", _entry("crowd", "A Crowded Paper", ["Wang, Wei"] * crowd))
    oldest = _first_author(library, "A Crowded Paper")
    _import(
        library,
        folder / "smith.bib",
        _entry("smith", "Sparse Kernels for Tiny Devices", ["Wang, Wei", "Smith, Maria"]),
        owner="Wei Wang",
    )
    _import(
        library,
        folder / "okafor.bib",
        _entry("okafor", "Protein Folding at Home", ["Wang, Wei", "Okafor, Chidi"]),
        owner="Wei Wang",
    )
    with_smith = _first_author(library, "Sparse Kernels for Tiny Devices")
    with_okafor = _first_author(library, "Protein Folding at Home")
    assert len({oldest, with_smith, with_okafor}) == 3
    return oldest, with_smith, with_okafor


# Entries of one import whose choices depend on the entries before them in the same file.
_LATER = [
    ("later1", "Kernels and Proteins Together", ["Wang, Wei", "Okafor, Chidi", "Smith, Maria"]),
    ("later2", "More Proteins", ["Wang, Wei", "Okafor, Chidi"]),
    ("later3", "Glaciers of Patagonia", ["Wang, Wei", "Lee, Ann"]),
    ("later4", "Glaciers and Proteins", ["Wang, Wei", "Lee, Ann", "Okafor, Chidi"]),
    ("later5", "Only Glaciers Again", ["Wang, Wei", "Lee, Ann"]),
]


def _choices(library: Library, folder: Path) -> list[int]:
    _import(library, folder / "later.bib", "".join(_entry(*entry) for entry in _LATER))
    return [_first_author(library, title) for _, title, _ in _LATER]


@pytest.mark.parametrize("crowd", CROWDS)
def test_each_entry_goes_to_the_namesake_its_co_authors_point_to_counting_earlier_entries(
    tmp_path: Path, crowd: int
) -> None:
    with Library.open(tmp_path / "library.sqlite") as library:
        oldest, with_smith, with_okafor = _crowded_library(library, tmp_path, crowd)
        chosen = _choices(library, tmp_path)
    # later1: one co-authorship each (Smith, Okafor): the older of the two. later2: Okafor now wrote with
    # both, one each: the older again, thanks to later1. later3: nobody wrote with Ann Lee: the oldest.
    # later4: Smith's Wang has two with Okafor, the oldest one with Lee. later5: each of those two wrote with
    # Lee once: the oldest.
    assert chosen == [with_smith, with_smith, oldest, with_smith, oldest]
    assert with_okafor not in chosen


@pytest.mark.parametrize("crowd", CROWDS)
def test_the_kept_evidence_chooses_as_a_fresh_count_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crowd: int
) -> None:
    with Library.open(tmp_path / "kept.sqlite") as library:
        _crowded_library(library, tmp_path, crowd)
        kept = _choices(library, tmp_path)
    monkeypatch.setattr(people_evidence, "coauthorship_counts", lambda *args: None)  # every name counted afresh
    with Library.open(tmp_path / "fresh.sqlite") as library:
        _crowded_library(library, tmp_path, crowd)
        assert _choices(library, tmp_path) == kept


def _assert_same_counts(library: Library) -> None:
    """The kept figures equal a fresh count for every name in the library as a co-author, alone and together,
    and with people excluded."""
    keys = sorted({parse_name(a.name).key for a in library.list_authors()})
    assert len(keys) > 1
    everyone = set(reconcile.namesakes(library, parse_name("Wang, Wei")))
    for wanted, exclude in [*(([key], set()) for key in keys), (keys, set()), (keys, set(sorted(everyone)[:3]))]:
        expected = reconcile._coauthorship_counts(library.conn, WANG, wanted, exclude)
        assert _kept(library, wanted, exclude) == expected, wanted


def _kept(library: Library, keys: list[str], exclude: set[int]) -> dict[int, int]:
    found = people_evidence.coauthorship_counts(library, WANG, keys, exclude)
    if found is None:  # the first time a name is asked about it is not kept yet
        found = people_evidence.coauthorship_counts(library, WANG, keys, exclude)
    assert found is not None
    return found


@pytest.mark.parametrize("crowd", CROWDS)
def test_the_kept_figures_follow_merges_undos_rollbacks_and_other_connections(tmp_path: Path, crowd: int) -> None:
    path = tmp_path / "library.sqlite"
    with Library.open(path) as library:
        oldest, with_smith, with_okafor = _crowded_library(library, tmp_path, crowd)
        _assert_same_counts(library)
        _choices(library, tmp_path)
        _assert_same_counts(library)
        assert _kept(library, [parse_name("Okafor, Chidi").key], set())

        # A merge moves authorships (a change no new row shows), and its undo moves them back.
        merge_authors(library, with_smith, [with_okafor])
        _assert_same_counts(library)
        unmerge_author(library, with_okafor)
        _assert_same_counts(library)

        # Rows read into the kept figures inside a transaction that is then rolled back are gone again.
        with pytest.raises(RuntimeError), library.transaction():
            _import(library, tmp_path / "undone.bib", _entry("undone", "Never Kept", ["Wang, Wei", "Lee, Ann"]))
            _assert_same_counts(library)
            raise RuntimeError("roll back")
        _assert_same_counts(library)
        # Rolled back once more, then a paper written in the same rows, the last of them alike: only the
        # rolled-back mark says the rows read are gone.
        with pytest.raises(RuntimeError), library.transaction():
            _import(library, tmp_path / "undone.bib", _entry("undone", "Never Kept", ["Wang, Wei", "Lee, Ann"]))
            _assert_same_counts(library)
            raise RuntimeError("roll back")
        _import(library, tmp_path / "redone.bib", _entry("redone", "Kept Instead", ["Okafor, Chidi", "Lee, Ann"]))
        _assert_same_counts(library)

        # Another connection adds a paper, and merges two people (which this connection's triggers never see).
        with Library.open(path) as other:
            _import(other, tmp_path / "other.bib", _entry("other", "Lee Again", ["Wang, Wei", "Lee, Ann"]))
        _assert_same_counts(library)
        with Library.open(path) as other:
            merge_authors(other, with_smith, [with_okafor])  # both already written both ways: no new name
        _assert_same_counts(library)
        with Library.open(path) as other:
            unmerge_author(other, with_okafor)
        _assert_same_counts(library)
        # A paper moved to the trash still counts (a fresh count reads every authorship too).
        library.delete_papers([library.paper_by_key("other").id])
        _assert_same_counts(library)
        # A new spelling of a co-author's name on this connection is a new variant row of an old person.
        _import(library, tmp_path / "spelt.bib", _entry("spelt", "Lee Spelt Out", ["Wang, Wei", "Ann Lee"]))
        _assert_same_counts(library)
        assert oldest in _kept(library, [parse_name("Lee, Ann").key], set())
