"""A .bib's books, theses, chapters and reports exported as CSL-JSON and RIS, the way Zotero, pandoc and
EndNote read them: the declared type, the editors (a braced corporate editor is one name), the university,
the institution and the report's number, edition, ISBN, series and place. A CSL processor (citeproc-py)
renders the export, so a reader sees the book's edition and the thesis's university in the bibliography."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from papershelf.cli.main import main

FIXTURE = Path(__file__).parents[1] / "fixtures" / "bib" / "declared_types.bib"


@pytest.fixture
def exported(tmp_path, capsys):
    library = tmp_path / "library.sqlite"
    assert main(["--library", str(library), "import", str(FIXTURE)]) == 0
    capsys.readouterr()
    outputs = {}
    for fmt in ("csl-json", "ris"):
        target = tmp_path / f"out.{fmt}"
        assert main(["--library", str(library), "export", "--format", fmt, "--output", str(target)]) == 0
        outputs[fmt] = target.read_text(encoding="utf-8")
    return outputs


def csl(exported) -> dict[str, dict]:
    return {item["id"]: item for item in json.loads(exported["csl-json"])}


def ris(exported) -> dict[str, list[tuple[str, str]]]:
    records = {}
    for block in exported["ris"].strip().split("\n\n"):
        lines = re.findall(r"^([A-Z][A-Z0-9])  - (.*)$", block, re.M)
        records[dict(lines)["ID"]] = lines
    return records


def test_csl_types_follow_the_declared_entry(exported):
    items = csl(exported)
    assert {key: item["type"] for key, item in items.items()} == {
        "knuth1984": "book",
        "nash1950": "thesis",
        "shannon1940": "thesis",
        "poussin1896": "chapter",
        "lamport1978": "report",
        "dijkstra1968": "paper-conference",
        "shor1997": "article-journal",
        "lecun2015": "article",  # an arXiv preprint, as Zotero exports preprints
        "openai2021": "webpage",
    }


def test_csl_keeps_what_only_the_entry_holds(exported):
    items = csl(exported)
    book = items["knuth1984"]
    assert book["edition"] == "2"
    assert book["ISBN"] == "0-201-13447-0"
    assert book["publisher-place"] == "Reading, MA"
    assert book["collection-title"] == "Computers and Typesetting"
    assert "container-title" not in book  # a book is not inside anything
    assert items["nash1950"]["publisher"] == "Princeton University"
    assert items["nash1950"]["genre"] == "PhD thesis"
    assert items["shannon1940"]["genre"] == "M.S. thesis"
    report = items["lamport1978"]
    assert report["publisher"] == "Massachusetts Computer Associates"
    assert report["number"] == "CA-7603-2911" and "issue" not in report
    chapter = items["poussin1896"]
    assert chapter["container-title"] == "Annales de la Société scientifique de Bruxelles"
    assert chapter["editor"] == [
        {"family": "van Beethoven", "given": "Ludwig"},
        {"literal": "Barnes and Noble, Inc."},
        {"family": "Müller", "given": "Jörg"},
    ]
    assert chapter["page"] == "183-256"  # one hyphen: CSL processors print "--" as two characters
    assert items["shor1997"]["ISSN"] == "0097-5397"
    assert items["shor1997"]["issue"] == "5"
    blog = items["openai2021"]
    assert blog["author"] == [{"literal": "OpenAI"}]
    assert blog["publisher"] == "OpenAI Blog"  # a blog post is no arXiv preprint, whatever @online says
    assert blog["accessed"] == {"date-parts": [[2021, 2, 1]]}
    assert items["lecun2015"]["publisher"] == "arXiv"


def test_ris_types_and_fields_as_zotero_reads_them(exported):
    records = ris(exported)
    assert {key: dict(lines)["TY"] for key, lines in records.items()} == {
        "knuth1984": "BOOK",
        "nash1950": "THES",
        "shannon1940": "THES",
        "poussin1896": "CHAP",
        "lamport1978": "RPRT",
        "dijkstra1968": "CONF",
        "shor1997": "JOUR",
        "lecun2015": "UNPB",
        "openai2021": "ELEC",
    }
    assert dict(records["openai2021"])["PB"] == "OpenAI Blog"
    assert "PB" not in dict(records["lecun2015"]) or dict(records["lecun2015"])["PB"] == "arXiv"
    chapter = records["poussin1896"]
    assert [value for tag, value in chapter if tag == "ED"] == [
        "van Beethoven, Ludwig",
        "Barnes and Noble, Inc.",
        "Müller, Jörg",
    ]
    assert ("T2", "Annales de la Société scientifique de Bruxelles") in chapter
    assert ("CY", "Bruxelles") in chapter
    book = dict(records["knuth1984"])
    assert (book["ET"], book["SN"], book["CY"], book["T2"]) == (
        "2",
        "0-201-13447-0",
        "Reading, MA",
        "Computers and Typesetting",
    )
    thesis = dict(records["nash1950"])
    assert (thesis["PB"], thesis["M3"]) == ("Princeton University", "PhD thesis")
    report = dict(records["lamport1978"])
    assert (report["PB"], report["SN"]) == ("Massachusetts Computer Associates", "CA-7603-2911")
    assert "IS" not in report
    assert dict(records["dijkstra1968"])["T3"] == "SOSP '67"


def test_a_csl_processor_prints_them_as_a_reader_expects(exported):
    import citeproc
    from citeproc.source.json import CiteProcJSON

    items = json.loads(exported["csl-json"])
    style = citeproc.CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = citeproc.CitationStylesBibliography(style, CiteProcJSON(items), citeproc.formatter.plain)
    for item in items:
        bibliography.register(citeproc.Citation([citeproc.CitationItem(item["id"])]))
    printed = {str(entry).split(" (")[0]: str(entry) for entry in bibliography.bibliography()}
    assert "PhD thesis. Princeton University" in printed["Nash, J.F., Jr."]
    assert "Technical report CA-7603-2911. Massachusetts Computer Associates" in printed["Lamport, L."]
    assert "2nd ed." in printed["Knuth, D.E."] and "Reading, MA: Addison-Wesley" in printed["Knuth, D.E."]
    chapter = printed["de la Vallée Poussin, C.L.X.J."]
    assert "in L. van Beethoven, Barnes and Noble, Inc., and J. Müller (eds.) Annales de la Société" in chapter
    assert "Bruxelles: Hayez" in chapter
    assert "pp. 183–256" in chapter
