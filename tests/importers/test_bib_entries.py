"""A .bib entry is read whole: its declared type, every field in order with its LaTeX and its Unicode text, the
macros it used, the file's @string/@preamble/@comment blocks, and crossref parents as papers of their own."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import bibtexparser
import pytest

from papershelf.importers.bibtex_file import BibtexImporter
from papershelf.importers.records import ParseContext
from papershelf.model import Library
from papershelf.pipeline import import_file

TYPES = Path(__file__).resolve().parent.parent / "fixtures" / "bib" / "entry_types.bib"
IMPORTER = BibtexImporter()


def _parse(text: str):
    return IMPORTER.parse(text, ParseContext(source_name="mine.bib"))


def _fields(record) -> dict[str, tuple[str, str, str | None]]:
    return {f.name: (f.text, f.latex, f.macro) for f in record.bib_fields}


@pytest.fixture
def types_library(library: Library) -> Library:
    report = import_file(library, TYPES)
    assert report.ok and report.new == 10, report.error
    return library


def test_every_entry_type_is_kept_as_declared(types_library: Library) -> None:
    declared = {p.citekey: p.bib_type for p in types_library.list_papers()}
    assert declared == {
        "knuth1984texbook": "book",
        "lamport1978clocks": "techreport",
        "mueller2001": "phdthesis",
        "smith1999": "mastersthesis",
        "chapter2005": "incollection",
        "draft2020": "unpublished",
        "procs2010": "proceedings",
        "website2022": "online",
        "thesis2015": "thesis",
        "tug2020": "article",
    }
    # The coarse kind the views sort by is what it was: the declared type, never one guessed from the venue.
    assert {p.citekey: p.entry_type for p in types_library.list_papers()}["chapter2005"] == "incollection"


def test_every_field_is_kept_in_order_with_custom_fields(types_library: Library) -> None:
    book = types_library.paper_by_key("knuth1984texbook")
    assert [f.name for f in book.bib_fields] == [
        "author",
        "title",
        "publisher",
        "address",
        "edition",
        "series",
        "volume",
        "year",
        "month",
        "basefilename",
        "summary",
        "category",
    ]
    values = {f.name: f.text for f in book.bib_fields}
    assert values["edition"] == "Second" and values["series"] == "Computers and Typesetting"
    assert values["basefilename"] == "knuth-texbook" and values["summary"] == "The manual of TeX."
    assert not any(f.edited for f in book.bib_fields)
    report = types_library.paper_by_key("lamport1978clocks")
    assert {f.name: f.latex for f in report.bib_fields}["institution"] == "{SRI} International"
    chapter = {f.name: f.text for f in types_library.paper_by_key("chapter2005").bib_fields}
    assert chapter["editor"] == "Eve Editor and Ed Itor" and chapter["booktitle"] == "Handbook of Everything"
    assert {f.name: f.text for f in types_library.paper_by_key("mueller2001").bib_fields}["school"] == (
        "Universität Heidelberg"
    )


def test_latex_is_kept_as_written_and_read_as_unicode(types_library: Library) -> None:
    book = {f.name: f for f in types_library.paper_by_key("knuth1984texbook").bib_fields}
    assert (book["title"].latex, book["title"].text) == ("The {\\TeX}book", "The TeXbook")
    thesis = {f.name: f for f in types_library.paper_by_key("mueller2001").bib_fields}
    assert thesis["author"].latex == 'J{\\"o}rg M{\\"u}ller' and thesis["author"].text == "Jörg Müller"
    assert thesis["title"].latex == "On $\\alpha$-Stable Processes at {NASA}"
    assert "NASA" in thesis["title"].text and "{" not in thesis["title"].text
    # Identifiers are not LaTeX: an address keeps its underscore.
    online = {f.name: f for f in types_library.paper_by_key("website2022").bib_fields}
    assert online["url"].text == "https://example.org/page_1" and online["urldate"].text == "2022-05-01"


def test_string_macros_are_expanded_and_their_spelling_remembered(types_library: Library) -> None:
    tug = {f.name: (f.text, f.latex, f.macro) for f in types_library.paper_by_key("tug2020").bib_fields}
    assert tug["journal"] == ("TUGboat", "TUGboat", "j-TUGboat")
    assert tug["month"] == ("December 15", "December~15", "dec # {~15}")
    assert tug["issn"] == ("0896-3207", "0896-3207", None)
    book = {f.name: (f.text, f.macro) for f in types_library.paper_by_key("knuth1984texbook").bib_fields}
    assert book["month"] == ("April", "apr") and book["year"] == ("1984", None)


def test_string_preamble_and_comment_blocks_belong_to_their_source(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "group.bib"
    path.write_text(
        '@string{jacm = "Journal of the {ACM}"}\n'
        '@preamble{ "\\newcommand{\\noopsort}[1]{}" }\n'
        "@article{a1, author = {A. One}, title = {First}, journal = jacm, year = 2001}\n"
        "@comment{jabref-meta: databaseType:bibtex;}\n",
        encoding="utf-8",
    )
    report = import_file(library, path)
    assert report.ok
    paper = library.paper_by_key("a1")
    sources = library.paper_source_ids([paper.id])
    assert list(sources) == [paper.id] and len(sources[paper.id]) == 1
    blocks = library.bib_blocks(sources[paper.id])
    assert [(b.kind, b.name, b.value) for b in blocks] == [
        ("string", "jacm", "Journal of the {ACM}"),
        ("preamble", None, "\\newcommand{\\noopsort}[1]{}"),
        ("comment", None, "jabref-meta: databaseType:bibtex;"),
    ]
    assert [b.position for b in blocks] == sorted(b.position for b in blocks)
    assert {b.source_id for b in blocks} == set(sources[paper.id])

    # A newer version of the file replaces its blocks, in the same transaction as its papers.
    path.write_text(
        "@article{a1, author = {A. One}, title = {First}, journal = {J}, year = 2001}\n"
        "@comment{jabref-meta: grouping:\n0 AllEntriesGroup:;}\n",
        encoding="utf-8",
    )
    assert import_file(library, path).ok
    assert [(b.kind, b.value) for b in library.bib_blocks(sources[paper.id])] == [
        ("comment", "jabref-meta: grouping:\n0 AllEntriesGroup:;")
    ]


def test_a_paper_no_bib_stated_has_no_bib_sources_or_entry(library: Library, tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(
        "Jane Doe\nPublications\n\nJane Doe, John Roe. Learning Things Quickly. NeurIPS 2020.\n", encoding="utf-8"
    )
    report = import_file(library, page, format_name="page")
    assert report.ok and report.paper_ids
    paper = library.get_paper(report.paper_ids[0])
    assert (paper.bib_type, paper.bib_fields) == (None, [])
    assert library.paper_source_ids([paper.id]) == {}


def test_an_unknown_entry_type_is_kept_with_a_warning_naming_its_line() -> None:
    batch = _parse(
        "@article{a, title={A}, author={B. C}, year=2000}\n\n@dataset{d, title={D}}\n@myowntype{x,\n title={X}}\n"
    )
    assert [r.bib_type for r in batch.papers] == ["article", "dataset", "myowntype"]
    messages = [(w.line, w.message) for w in batch.warnings]
    assert messages == [(4, "entry 'x': @myowntype is not a BibTeX or biblatex entry type; kept as declared")]


def test_crossref_parents_are_papers_and_children_keep_their_own_fields(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "group.bib"
    path.write_text(
        "@inproceedings{child2010,\n  author = {Carl Child},\n  title = {A Paper in the Workshop},\n"
        "  pages = {5--9},\n  crossref = {procs2010},\n}\n"
        "@proceedings{procs2010,\n  editor = {Paula Chair},\n"
        "  title = {Proceedings of the Tenth Workshop on Examples},\n  booktitle = {Tenth Workshop on Examples},\n"
        "  publisher = {ACM},\n  address = {New York},\n  year = {2010},\n}\n"
        "@mvbook{set1990,\n  editor = {Max Volumes},\n  title = {Collected Works},\n  year = {1990},\n}\n"
        "@book{vol1990,\n  author = {Ann Writer},\n  title = {Collected Works, Volume One},\n"
        "  crossref = {set1990},\n}\n",
        encoding="utf-8",
    )
    report = import_file(library, path)
    assert report.ok and report.new == 4
    child = library.paper_by_key("child2010")
    parent = library.paper_by_key("procs2010")
    assert parent is not None and parent.bib_type == "proceedings"
    assert [f.name for f in child.bib_fields] == ["author", "title", "pages", "crossref"]
    assert {f.name: f.text for f in child.bib_fields}["crossref"] == "procs2010"
    # What the child shows may come from its parent: where and when it appeared.
    assert (child.venue, child.year) == ("Tenth Workshop on Examples", 2010)
    assert [f.name for f in parent.bib_fields] == ["editor", "title", "booktitle", "publisher", "address", "year"]
    assert library.paper_by_key("set1990").bib_type == "mvbook"
    assert [f.name for f in library.paper_by_key("vol1990").bib_fields] == ["author", "title", "crossref"]


def _xampl() -> Path | None:
    found = (
        shutil.which("kpsewhich")
        and subprocess.run(["kpsewhich", "xampl.bib"], capture_output=True, text=True, check=False).stdout.strip()
    )
    return Path(found) if found else None


def test_xampl_keeps_every_key_type_and_field(library: Library, tmp_path: Path) -> None:
    """TeX's own sample bibliography: each entry comes back with its key, its type and every field it wrote,
    each value the same LaTeX as bibtexparser reads it with the file's @string macros expanded."""
    path = _xampl()
    if path is None:
        pytest.skip("kpsewhich cannot find xampl.bib (no TeX installation)")
    copy = tmp_path / "xampl.bib"
    copy.write_text(path.read_text(encoding="latin-1"), encoding="utf-8")
    reference = bibtexparser.parse_string(copy.read_text(encoding="utf-8"))
    report = import_file(library, copy)
    assert report.ok and report.new == len(reference.entries) == 36
    papers = {p.citekey: p for p in library.list_papers()}
    assert set(papers) == {e.key for e in reference.entries}
    compared = 0
    for entry in reference.entries:
        paper = papers[entry.key]
        assert paper.bib_type == entry.entry_type.lower()
        assert [f.name for f in paper.bib_fields] == [f.key.lower() for f in entry.fields]
        for ours, theirs in zip(paper.bib_fields, entry.fields, strict=True):
            # bibtexparser leaves the month macros (`jul`) as written: our spelling of those is `macro`.
            assert _squash(str(theirs.value)) in {_squash(ours.latex), ours.macro}, (entry.key, ours.name)
            compared += 1
    assert compared == 233  # every `name = value` line of xampl.bib


def _squash(value: str) -> str:
    """Whitespace aside (bibtexparser keeps line breaks inside values; so do we)."""
    return re.sub(r"\s+", " ", value).strip()
