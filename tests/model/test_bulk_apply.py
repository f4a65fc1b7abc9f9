"""An import writes the plan's choice of person for every name, in bulk, and takes short cuts into an empty
library. Neither may change the library it makes: the same files imported without the short cuts, or with
every name resolved one by one by the author resolver (the rules the plan copies), give the same rows in every
table (timestamps aside)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
import sys
from pathlib import Path

import pytest

from papershelf.model import Library, merge, plan
from papershelf.pipeline import import_file

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import library_rows
import synthetic

AS_OF = dt.date(2025, 11, 20)

# Names that exercise every rule: one name twice on a list (two people), a name written family-first and
# given-first, an order swap, initials, a name only a later entry repeats, accents and a particle.
HAND_BIB = r"""
@article{twice, author = {Wang, Wei and Wang, Wei and Li, Na}, title = {Two people of one name}, year = {2020},
  journal = {J. Tests}}
@article{again, author = {Wei Wang and Li, Na and Xue Wang}, title = {The first of them again}, year = {2021},
  journal = {J. Tests}}
@article{swap, author = {Wang Xue and Zhang, San}, title = {A name the other way round}, year = {2021},
  journal = {J. Tests}}
@inproceedings{initials, author = {H. V. Jagadish and M{\"u}ller, J{\"o}rg and van der Berg, Anna},
  title = {Initials and accents}, year = {2019}, booktitle = {Proc. Tests}}
@inproceedings{full, author = {Jagadish, Hosagrahar V. and Müller, Jörg and Wang, Wei and Wang, Wei},
  title = {The full name}, year = {2022}, booktitle = {Proc. Tests}}
@misc{nobody, title = {An entry with no authors}, year = {2018}}
"""

MORE_BIB = r"""
@article{later1, author = {Wang, Wei and Li, Na and Zhang, San}, title = {Namesakes told apart by co-authors},
  year = {2023}, journal = {J. Tests}}
@article{later2, author = {Wang, Wei and Wang, Wei and Berg, Anna van der and Nobody, New}, title = {Both again},
  year = {2023}, journal = {J. Tests}}
@article{pair, author = {Li, Na and Li, Na}, title = {One name known, written twice}, year = {2024}}
@article{later3, author = {New Nobody and Xue Wang}, title = {A new person named twice in one import},
  year = {2024}, journal = {J. Tests}}
"""

# Namesakes told apart by co-authors, and a person found under two keys ("Wei Wang" joined with "W. Wang" on
# shared co-authors): a later list naming both must leave the second to the writing, and co-authors who
# share no one with the namesakes may keep the plan's choice.
CROWD_BIB = r"""
@article{crowd, author = {Wang, Wei and Wang, Wei and Wang, Wei and Li, Na and Zhang, San},
  title = {Three namesakes on one paper}, year = {2019}, journal = {J. Tests}}
@article{full1, author = {Wang, Wei and Chen, Bo and Liu, Yang}, title = {Written in full}, year = {2020},
  journal = {J. Tests}}
@article{short1, author = {Wang, W. and Chen, Bo and Liu, Yang}, title = {Written with an initial},
  year = {2020}, journal = {J. Tests}}
"""

LATER_CROWD_BIB = r"""
@article{l1, author = {Wang, Wei and Li, Na and Chen, Bo and Wang, W.}, title = {Both forms on one list},
  year = {2022}, journal = {J. Tests}}
@article{l2, author = {Wang, Wei and Zhang, San and Liu, Yang and Kim, Min}, title = {Co-authors of one of them},
  year = {2022}, journal = {J. Tests}}
@article{l3, author = {Li, Na and Wang, Wei and Wang, Wei and Kim, Min and Wang, W.},
  title = {Two of them and a new co-author}, year = {2023}, journal = {J. Tests}}
"""


def rows(path: Path) -> dict[str, list[tuple]]:
    return library_rows.rows(path, internals=False)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def import_all(path: Path, files: list[Path]) -> dict[str, list[tuple]]:
    library = Library.open(path)
    try:
        for file in files:
            report = import_file(library, file, as_of=AS_OF)
            assert report.ok, report.error
    finally:
        library.close()
    return rows(path)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, list[Path]]:
    return {
        "bib": [write(tmp_path, "mixed.bib", HAND_BIB + synthetic.bibtex_file(150))],
        "page": [write(tmp_path, "page.txt", synthetic.aggregator_page(120))],
        "two bibs": [write(tmp_path, "hand.bib", HAND_BIB), write(tmp_path, "more.bib", MORE_BIB)],
        "namesakes": [
            write(tmp_path, "crowd.bib", CROWD_BIB),
            write(tmp_path, "later.bib", LATER_CROWD_BIB + synthetic.bibtex_file(60)),
        ],
        "many people": [
            write(tmp_path, "many.bib", synthetic.bibtex_file(120) + HAND_BIB),
            write(tmp_path, "more.bib", MORE_BIB),
        ],
    }


@pytest.mark.parametrize("kind", ["bib", "page"])
def test_a_first_import_takes_short_cuts_that_change_nothing(tmp_path, files, monkeypatch, kind):
    quick = import_all(tmp_path / "quick.sqlite", files[kind])
    monkeypatch.setattr(plan, "_SHORTCUTS", False)
    assert import_all(tmp_path / "general.sqlite", files[kind]) == quick
    assert len(quick["authors"]) > 10 and len(quick["authorships"]) > len(quick["papers"])


@pytest.mark.parametrize("kind", ["bib", "page", "two bibs", "namesakes"])
def test_the_plans_people_are_those_the_author_resolver_finds(tmp_path, files, monkeypatch, kind):
    planned = import_all(tmp_path / "planned.sqlite", files[kind])
    choose = plan._PeoplePlanner.choose

    def left_to_the_writing(self, authors):  # every name resolved one by one while the import writes
        return tuple(c if c.kind == "owner" else dataclasses.replace(c, settled=False) for c in choose(self, authors))

    monkeypatch.setattr(plan._PeoplePlanner, "choose", left_to_the_writing)
    assert import_all(tmp_path / "resolved.sqlite", files[kind]) == planned
    people = {r[1] for r in planned["authors"]}
    if kind == "namesakes":
        assert sum(r[1] == "Wei Wang" for r in planned["authors"]) == 3
    elif kind != "page":
        assert {"Wei Wang", "Na Li", "Jörg Müller"} <= people
        weis = [r for r in planned["authors"] if r[1] == "Wei Wang"]
        assert len(weis) == 2  # one list names two people called Wei Wang


def test_people_set_aside_in_bulk_are_those_no_one_could_pair_with(tmp_path, files, monkeypatch):
    bulk = import_all(tmp_path / "bulk.sqlite", files["many people"])
    monkeypatch.setattr(merge, "_BULK_PEOPLE", 10**9)
    assert import_all(tmp_path / "one by one.sqlite", files["many people"]) == bulk
    # The pass still finds what it is for: "Wang Xue" and "Xue Wang", "H. V. Jagadish" and his full name.
    assert [r for r in bulk["merges"] if r[1] == "author"] or bulk["duplicate_candidates"]


MERGED_BIB = r"""
@article{crowd2, author = {Wang, Wei and Wang, Wei and Li, Na}, title = {Two namesakes on one paper},
  year = {2019}, journal = {J. Tests}}
@article{initial, author = {Wang, W. and Ode, Al}, title = {A name with an initial}, year = {2019},
  journal = {J. Tests}}
"""

# The second Wei Wang writes with Kim Min first, so by the second entry's writing the co-authors point to them,
# while the plan (made before anything is written) guessed the oldest Wei Wang.
AFTER_MERGE_BIB = r"""
@article{e0, author = {Wang, W. and Kim, Min}, title = {The initial form with a new co-author}, year = {2021},
  journal = {J. Tests}}
@article{e0b, author = {Wang, W. and Kim, Min}, title = {The initial form with that co-author again},
  year = {2021}, journal = {J. Tests}}
@article{e1, author = {Wang, Wei and Kim, Min and Wang, W.}, title = {Both forms of one person on a list},
  year = {2022}, journal = {J. Tests}}
"""


def _merged_then_imported(path: Path, tmp_path: Path) -> dict[str, list[tuple]]:
    library = Library.open(path)
    try:
        assert import_file(library, write(tmp_path, "crowd2.bib", MERGED_BIB), as_of=AS_OF).ok
        ids = dict(library.conn.execute("SELECT display_name, max(id) FROM authors GROUP BY display_name"))
        # The user joins "W. Wang" to the second Wei Wang: one person found under two name keys.
        merge.merge_authors(library, ids["Wei Wang"], [ids["W. Wang"]])
        assert import_file(library, write(tmp_path, "after.bib", AFTER_MERGE_BIB), as_of=AS_OF).ok
    finally:
        library.close()
    return rows(path)


def test_a_name_that_may_find_a_namesakes_person_is_left_to_the_writing(tmp_path, monkeypatch):
    planned = _merged_then_imported(tmp_path / "planned.sqlite", tmp_path)
    choose = plan._PeoplePlanner.choose

    def left_to_the_writing(self, authors):
        return tuple(c if c.kind == "owner" else dataclasses.replace(c, settled=False) for c in choose(self, authors))

    monkeypatch.setattr(plan._PeoplePlanner, "choose", left_to_the_writing)
    assert _merged_then_imported(tmp_path / "resolved.sqlite", tmp_path) == planned
    conn = sqlite3.connect(tmp_path / "planned.sqlite")
    try:
        listed = conn.execute(
            "SELECT s.author_id FROM authorships s JOIN claims c ON c.paper_id = s.paper_id "
            "WHERE c.entry_key = 'key:e1' ORDER BY s.position"
        ).fetchall()
    finally:
        conn.close()
    assert len(listed) == 3 and len(set(listed)) == 3  # nobody twice on one list
