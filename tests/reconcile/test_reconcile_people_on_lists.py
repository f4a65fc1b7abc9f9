"""One person once across pages, driven from the command line: a page's owner named on re-import, names written
differently by another source, the owner behind "et al." in a full list, namesakes, and the user's own list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from seedfiles import SEED_AGGREGATOR, SEED_ARXIV, SEED_ARXIV_JOURNAL, SEED_AS_OF, SEED_HOMEPAGE

from papershelf.cli.main import main
from papershelf.model import Library

ACTIVE_SAMPLER = """@inproceedings{gao2015active,
  title = {Active Sampler: Light-weight Accelerator for Complex Data Analytics at Scale},
  author = {Gao, Jinyang and Jagadish, Hosagrahar V. and Ooi, Beng Chin},
  booktitle = {arXiv},
  year = {2015}
}
"""

DATA_JUICER = """@article{chen2023datajuicer,
  title = {Data-Juicer: A One-Stop Data Processing System for Large Language Models},
  author = {Chen, Daoyuan and Huang, Yilun and Ma, Zhijian and Chen, Hesen and Pan, Xuchen and Ge, Ce and
            Gao, Dawei and Xie, Yuexiang and Liu, Zhaoyang and Gao Jinyang and Li, Yaliang and Ding, Bolin and
            Zhou, Jingren},
  journal = {SIGMOD},
  year = {2024}
}
"""

NAMESAKES = """@article{wang2020two,
  title = {Two Researchers Called Wei Wang Write Together},
  author = {Wang, Wei and Wang, Wei and Zhou, Tian},
  journal = {Journal of Namesakes},
  year = {2020}
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


def import_ok(capsys, library: Path, *args: str) -> str:
    code, out, err = cli(capsys, library, "import", "--as-of", SEED_AS_OF, *args)
    assert code == 0, err
    return out


def bib(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def paper_titled(capsys, library: Path, start: str) -> dict:
    [paper] = [p for p in json_of(capsys, library, "papers") if (p["title"] or "").startswith(start)]
    return json_of(capsys, library, "show", str(paper["id"]))


def authors_named(capsys, library: Path, name: str) -> list[dict]:
    return json_of(capsys, library, "authors", name)


# ---------------------------------------------------------------------------------------------- re-import
def test_reimport_naming_an_owner_attributes_the_page_to_them(capsys, library_path):
    import_ok(capsys, library_path, str(SEED_ARXIV))
    assert authors_named(capsys, library_path, "Guangxiang Zhao") == []
    out = import_ok(capsys, library_path, "--owner", "Guangxiang Zhao", str(SEED_ARXIV))
    assert "already imported" not in out and "owner Guangxiang Zhao" in out
    [owner] = authors_named(capsys, library_path, "Guangxiang Zhao")
    assert owner["paper_count"] == 9
    [source] = json_of(capsys, library_path, "sources")
    assert source["owner_name"] == "Guangxiang Zhao"
    # as if the page had been imported with the owner: nothing was imported twice, nothing merged with itself
    assert len(json_of(capsys, library_path, "papers")) == 9
    out = import_ok(capsys, library_path, "--owner", "Guangxiang Zhao", str(SEED_ARXIV))
    assert "already imported, nothing changed" in out
    # not naming the owner again keeps the attribution
    out = import_ok(capsys, library_path, str(SEED_ARXIV))
    assert "already imported" in out and authors_named(capsys, library_path, "Guangxiang Zhao")[0]["paper_count"] == 9


def test_reimport_with_another_owner_moves_the_page(capsys, library_path):
    import_ok(capsys, library_path, "--owner", "Guangxiang Zhao", str(SEED_ARXIV))
    import_ok(capsys, library_path, "--owner", "Jingjing Xu", str(SEED_ARXIV))
    assert authors_named(capsys, library_path, "Jingjing Xu")[0]["paper_count"] == 9
    assert [a["paper_count"] for a in authors_named(capsys, library_path, "Guangxiang Zhao")] in ([], [0])
    [source] = json_of(capsys, library_path, "sources")
    assert source["owner_name"] == "Jingjing Xu"


def test_reimport_with_another_capture_date_is_applied(capsys, library_path):
    import_ok(capsys, library_path, str(SEED_AGGREGATOR))
    code, out, _ = cli(capsys, library_path, "import", "--as-of", "2026-03-01", str(SEED_AGGREGATOR))
    assert code == 0 and "already imported" not in out
    [source] = json_of(capsys, library_path, "sources")
    assert len(json_of(capsys, library_path, "papers")) == 33
    with Library.open(library_path) as library:
        assert library.conn.execute("SELECT as_of FROM sources WHERE id = ?", (source["id"],)).fetchone()[0] == (
            "2026-03-01"
        )


def test_a_reimport_naming_the_owner_binds_their_name_on_the_page(capsys, library_path, tmp_path):
    # a .bib imported without an owner, then again as Jinyang Gao's list: "Gao Jinyang" is the owner
    path = bib(tmp_path, "dj.bib", DATA_JUICER)
    import_ok(capsys, library_path, path)
    [before] = authors_named(capsys, library_path, "Gao Jinyang")
    import_ok(capsys, library_path, "--owner", "Jinyang Gao", path)
    paper = paper_titled(capsys, library_path, "Data-Juicer")
    [owner] = authors_named(capsys, library_path, "Jinyang Gao")
    assert paper["author_ids"][9] == owner["id"] and paper["also_by"] == []
    assert "Gao Jinyang" in owner["variants"] and before["id"] not in {
        a["id"] for a in json_of(capsys, library_path, "authors")
    }


# ---------------------------------------------------------------------------------------------- another source
def test_a_name_written_differently_by_another_source_keeps_its_person(capsys, library_path, tmp_path):
    import_ok(capsys, library_path, str(SEED_AGGREGATOR))
    [jagadish] = authors_named(capsys, library_path, "H. V. Jagadish")
    import_ok(capsys, library_path, bib(tmp_path, "as.bib", ACTIVE_SAMPLER))
    paper = paper_titled(capsys, library_path, "Active Sampler")
    assert paper["authors_as_written"][1] == "Jagadish, Hosagrahar V."
    assert paper["author_ids"][1] == jagadish["id"]
    [person] = authors_named(capsys, library_path, "Jagadish")
    assert person["id"] == jagadish["id"] and person["paper_count"] == 1
    # the full form a source gave becomes the person's name; the initials stay a variant
    assert person["name"] == "Hosagrahar V. Jagadish" and "H. V. Jagadish" in person["variants"]


def test_same_place_on_one_paper_from_two_sources_is_strong_evidence(memory_library):
    from papershelf.model.apply import import_records
    from papershelf.model.merge import merge_history
    from papershelf.model.records import PaperRecord

    lib = memory_library

    def page(fmt: str, name: str, records: list[PaperRecord]) -> None:
        import_records(lib, file=name, path=name, sha256=name * 8, fmt=fmt, owner=None, records=records)

    title = "Active Sampler: Light-weight Accelerator for Complex Data Analytics at Scale"
    page("aggregator", "a.txt", [PaperRecord(1, title, ("Jinyang Gao", "H. V. Jagadish", "Beng Chin Ooi"), year=2015)])
    page("homepage", "b.txt", [PaperRecord(1, "Unrelated Database Work", ("Hosagrahar V. Jagadish", "Z. Smith"))])
    # a second source writes the full name in the same place on the Active Sampler paper
    page("bibtex", "c.bib", [PaperRecord(1, title, ("Jinyang Gao", "Hosagrahar V. Jagadish", "Beng Chin Ooi"))])
    people = lib.find_authors("Hosagrahar V. Jagadish")
    assert len(people) == 1, "joined: one paper, one place, two sources"
    assert lib.get_author(people[0].id).paper_count == 2
    assert not [a for a in lib.list_authors() if a.name == "H. V. Jagadish"]
    [joined] = merge_history(lib, "author", people[0].id)
    assert joined.automatic and any("one paper, one place" in line for line in joined.evidence)


def test_the_owner_behind_et_al_is_found_in_a_full_list(capsys, library_path, tmp_path):
    import_ok(capsys, library_path, str(SEED_AGGREGATOR))
    import_ok(capsys, library_path, bib(tmp_path, "dj.bib", DATA_JUICER))
    paper = paper_titled(capsys, library_path, "Data-Juicer")
    [owner] = authors_named(capsys, library_path, "Jinyang Gao")
    assert paper["authors_as_written"][9] == "Gao Jinyang" and paper["author_ids"][9] == owner["id"]
    assert paper["also_by"] == [] and len(paper["authors"]) == 13
    assert authors_named(capsys, library_path, "Gao Jinyang") == [owner]
    assert owner["paper_count"] == 33


# ---------------------------------------------------------------------------------------------- namesakes
def test_two_places_of_one_list_are_two_people(capsys, library_path, tmp_path):
    import_ok(capsys, library_path, str(SEED_AGGREGATOR), bib(tmp_path, "ww.bib", NAMESAKES))
    paper = paper_titled(capsys, library_path, "Two Researchers")
    first, second, third = paper["author_ids"]
    assert first != second and len({first, second, third}) == 3
    [zhou] = authors_named(capsys, library_path, "Tian Zhou")
    assert third == zhou["id"]


def test_a_page_owner_is_not_bound_to_a_namesake_without_evidence(capsys, library_path):
    import_ok(capsys, library_path, str(SEED_HOMEPAGE))
    [alibaba] = authors_named(capsys, library_path, "Wei Lin")
    out = import_ok(capsys, library_path, "--owner", "Wei Lin", str(SEED_ARXIV_JOURNAL))
    assert "possible duplicates to review" in out
    found = authors_named(capsys, library_path, "Wei Lin")
    assert len(found) == 2
    owner = next(a for a in found if a["id"] != alibaba["id"])
    assert owner["paper_count"] == 10
    assert next(a for a in found if a["id"] == alibaba["id"])["paper_count"] == alibaba["paper_count"]
    [suggestion] = json_of(capsys, library_path, "duplicates", "--authors")
    assert {suggestion["a"]["id"], suggestion["b"]["id"]} == {alibaba["id"], owner["id"]}
    assert any("M6: A Chinese Multimodal Pretrainer" in line for line in suggestion["evidence"])


def test_a_page_owner_is_bound_to_a_namesake_the_page_proves(capsys, library_path, tmp_path):
    # the homepage's owner, then a .bib said to be theirs listing two of their papers: one person
    import_ok(capsys, library_path, str(SEED_HOMEPAGE))
    refs = """@inproceedings{x1, title = {KNAS: Green Neural Architecture Search},
  author = {Xu, Jingjing and Lin, Junyang}, booktitle = {ICML}, year = {2021}}
@inproceedings{x2, title = {M6: A Chinese Multimodal Pretrainer}, author = {Lin, Junyang and Men, Rui},
  journal = {arXiv}, year = {2021}}
"""
    import_ok(capsys, library_path, "--owner", "Junyang Lin", bib(tmp_path, "mine.bib", refs))
    assert len(authors_named(capsys, library_path, "Junyang Lin")) == 1
    assert json_of(capsys, library_path, "duplicates", "--authors") == []


# ---------------------------------------------------------------------------------------------- joined names
def test_a_key_made_from_a_swapped_name_follows_the_proven_name(capsys, library_path):
    import_ok(capsys, library_path, str(SEED_AGGREGATOR))
    paper = paper_titled(capsys, library_path, "CARD:")
    assert paper["authors_as_written"][0] == "Wang Xue" and paper["authors"][0] == "Xue Wang"
    assert paper["citekey"] == "wang2023card"
    with Library.open(library_path) as library:
        [ref, *_] = library.get_paper(paper["id"]).authors
        assert (ref.given, ref.family, ref.as_written) == ("Xue", "Wang", "Wang Xue")


# ---------------------------------------------------------------------------------------------- the user's list
def test_the_users_author_list_wins_and_keeps_its_people(capsys, library_path):
    import_ok(capsys, library_path, str(SEED_HOMEPAGE))
    paper = paper_titled(capsys, library_path, "M6: A Chinese")
    pid = str(paper["id"])
    code, _, err = cli(capsys, library_path, "edit", pid, "authors=Lin, Junyang and Men, Rui and Yang, An")
    assert code == 0, err
    edited = json_of(capsys, library_path, "show", pid)
    assert edited["authors_as_written"] == ["Lin, Junyang", "Men, Rui", "Yang, An"]
    assert edited["author_ids"] == paper["author_ids"][:3], "each place keeps its person"
    assert edited["authors_complete"] and "authors" in edited["edited_fields"]
    # the user's list survives a re-import of a changed page
    changed = Path(library_path).parent / SEED_HOMEPAGE.name
    changed.write_text(SEED_HOMEPAGE.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    import_ok(capsys, library_path, str(changed))
    assert json_of(capsys, library_path, "show", pid)["authors_as_written"] == ["Lin, Junyang", "Men, Rui", "Yang, An"]
    code, _, _ = cli(capsys, library_path, "edit", pid, "authors_complete=no")
    assert code == 0 and not json_of(capsys, library_path, "show", pid)["authors_complete"]
    code, _, _ = cli(capsys, library_path, "edit", pid, "authors=", "authors_complete=")
    assert code == 0
    back = json_of(capsys, library_path, "show", pid)
    assert back["authors"] == paper["authors"] and back["author_ids"] == paper["author_ids"]
    assert back["edited_fields"] == []


def test_edit_paper_authors_through_the_model_api(library):
    from papershelf.model.apply import import_records
    from papershelf.model.records import PaperRecord

    import_records(
        library,
        file="p.txt",
        path="p.txt",
        sha256="p" * 64,
        fmt="aggregator",
        owner=None,
        records=[PaperRecord(1, "A Paper About Graphs", ("Junyang Lin", "An Yang"), authors_complete=False)],
    )
    [paper] = library.list_papers()
    library.edit_paper(paper.id, authors=["Lin, Junyang", "Yang, An", "Zhou, Jingren"], authors_complete=True)
    edited = library.get_paper(paper.id)
    assert [r.author_id for r in edited.authors][:2] == [r.author_id for r in paper.authors]
    assert edited.authors[2].name == "Jingren Zhou" and edited.authors_complete
    assert library.paper_ids(query="author:Zhou") == [paper.id]
    with pytest.raises(Exception, match="list of names"):
        library.edit_paper(paper.id, authors="Lin, Junyang")
    library.edit_paper(paper.id, authors=None, authors_complete=None)
    assert [r.as_written for r in library.get_paper(paper.id).authors] == ["Junyang Lin", "An Yang"]


def test_a_joined_order_swap_takes_the_order_a_comma_form_proves(memory_library):
    from papershelf.model.apply import import_records
    from papershelf.model.records import PaperRecord

    records = [
        PaperRecord(1, "Graph Forecasting One", ("Wang Xue", "Tian Zhou"), year=2020),
        PaperRecord(2, "Graph Forecasting Two", ("Wang Xue", "Tian Zhou", "Qi Su"), year=2021),
        PaperRecord(3, "Graph Forecasting Three", ("Wang, Xue", "Tian Zhou", "Qi Su"), year=2022),
    ]
    import_records(
        memory_library, file="p.bib", path="p.bib", sha256="b" * 64, fmt="bibtex", owner=None, records=records
    )
    [person] = memory_library.find_authors("Wang Xue")
    assert (person.name, person.given, person.family) == ("Xue Wang", "Xue", "Wang")
    assert person.paper_count == 3
    first = next(p for p in memory_library.list_papers() if p.title == "Graph Forecasting One")
    assert first.citekey == "wang2020graph" and first.authors[0].family == "Wang"


def test_the_owner_behind_et_al_joins_the_full_lists_form_imported_before(capsys, library_path, tmp_path):
    # the other order: the full list first ("Gao Jinyang" becomes a person), then the owner's page
    import_ok(capsys, library_path, bib(tmp_path, "dj.bib", DATA_JUICER))
    [written] = authors_named(capsys, library_path, "Gao Jinyang")
    import_ok(capsys, library_path, str(SEED_AGGREGATOR))
    [owner] = authors_named(capsys, library_path, "Jinyang Gao")
    paper = paper_titled(capsys, library_path, "Data-Juicer")
    assert paper["author_ids"][9] == owner["id"] and paper["also_by"] == []
    assert written["id"] not in {a["id"] for a in json_of(capsys, library_path, "authors")}
    [why] = json_of(capsys, library_path, "why", "--authors", str(owner["id"]))
    assert why["automatic"] and any("et al." in line for line in why["evidence"])


def test_edit_refuses_what_it_cannot_read(capsys, library_path):
    import_ok(capsys, library_path, str(SEED_HOMEPAGE))
    code, _, err = cli(capsys, library_path, "edit", "1", "authors_complete=maybe")
    assert code == 2 and "yes or no" in err
    code, _, err = cli(capsys, library_path, "edit", "999", "authors=Lin, Junyang")
    assert code == 2 and "no paper with id 999" in err
