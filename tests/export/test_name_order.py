"""Names a page wrote family-first without a comma ("Wang Xue") export in the person's known order."""

from __future__ import annotations

import json

import bibtexparser

from papershelf.exporters.classify import NameParts, name_parts
from papershelf.exporters.formats import export_papers
from papershelf.model.types import AuthorRef

from .conftest import add_records, record


def _authors(text: str) -> dict[str, str]:
    parsed = bibtexparser.parse_string(text)
    assert not parsed.failed_blocks
    return {e.fields_dict["title"].value: e.fields_dict["author"].value for e in parsed.entries}


def test_a_name_written_family_first_exports_as_the_person_the_library_knows(library):
    add_records(library, [record(1, title="Graph networks", authors=("Xue Wang", "Ada Lovelace"), year=2021)])
    add_records(library, [record(1, title="Graph networks", authors=("Wang Xue", "Ada Lovelace"), year=2021)])
    add_records(library, [record(2, title="Another paper", authors=("Wang Xue",), year=2022)])
    papers = library.get_papers(library.paper_ids())
    assert {ref.as_written for p in papers for ref in p.authors if ref.family == "Wang"} >= {"Wang Xue"}
    for flavour in ("bibtex", "biblatex"):
        authors = _authors(export_papers(papers, flavour).text)
        assert authors["Another paper"] == "Wang, Xue"
        assert authors["Graph networks"] == "Wang, Xue and Lovelace, Ada"
    csl = json.loads(export_papers(papers, "csl-json").text)
    assert {(a["family"], a["given"]) for item in csl for a in item["author"]} == {("Wang", "Xue"), ("Lovelace", "Ada")}


def test_the_written_form_still_wins_when_it_is_not_the_stored_name_swapped():
    # A written form that is the stored name (or another spelling) keeps its own split and suffix.
    same = AuthorRef(1, "Xue Wang", "Xue Wang", given="Xue", family="Wang")
    assert (name_parts(same).family, name_parts(same).given) == ("Wang", "Xue")
    suffixed = AuthorRef(2, "Martin King", "Martin Luther King, Jr.", given="Martin", family="King")
    assert name_parts(suffixed) == NameParts("King", "Martin Luther", "Jr.")
    unknown = AuthorRef(3, "Wang Xue", "Wang Xue")  # no stored parts: nothing to say the order is wrong
    assert (name_parts(unknown).family, name_parts(unknown).given) == ("Xue", "Wang")
