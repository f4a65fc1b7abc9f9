"""Export -> import gives back the same papers: titles (math, accents, placeholders), untitled papers, notes,
tags, URLs and DOIs, keys; and re-importing an export into the library it came from adds no paper."""

from __future__ import annotations

import pytest

from papershelf.exporters.formats import export_papers
from papershelf.importers.bibtex_file import BibtexImporter
from papershelf.model.records import ParseContext
from papershelf.pipeline import import_file

from .conftest import HOSTILE_TITLES, add_records, record

IMPORTER = BibtexImporter()


def _records(text: str):
    return IMPORTER.parse(text, ParseContext(source_name="export.bib"))


def _papers(library):
    return library.get_papers(library.paper_ids())


@pytest.fixture
def mixed_library(library):
    add_records(
        library,
        [
            record(1, title="$β$-DPO: Direct Preference Optimization", authors=("Ann Lee",), year=2024, venue="ICML"),
            record(2, title="A $\\beta$-VAE and $β\\to \\infty$", authors=("Ann Lee",), year=2017, venue="ICLR"),
            record(3, title="Raise x {\\textasciicircum} 2 ^ 3 in 中文", authors=("李 明",), year=2020, venue="KDD"),
            record(4, arxiv_id="2112.07327", date="2021-12-14", entry_type="preprint", authors_complete=False),
            record(
                5,
                title="Addresses",
                authors=("Bo Chen",),
                year=2019,
                venue="Nature",
                doi="10.1000/a_b%25c",
                extra={"url": "https://example.org/a_b%20c#frag"},
            ),
            *[record(10 + i, title=t, authors=("Zoë Müller",), year=2021) for i, t in enumerate(HOSTILE_TITLES)],
        ],
    )
    return library


@pytest.mark.parametrize("flavour", ["bibtex", "biblatex"])
def test_reimporting_an_export_into_its_library_adds_no_paper(mixed_library, tmp_path, flavour):
    before = len(mixed_library.paper_ids())
    target = tmp_path / "export.bib"
    target.write_text(export_papers(_papers(mixed_library), flavour).text, encoding="utf-8")
    report = import_file(mixed_library, target)
    assert report.ok and report.new == 0, report.warnings
    assert len(mixed_library.paper_ids()) == before


@pytest.mark.parametrize("flavour", ["bibtex", "biblatex"])
def test_titles_come_back_as_the_page_wrote_them(mixed_library, flavour):
    papers = _papers(mixed_library)
    records = {r.citekey: r for r in _records(export_papers(papers, flavour).text).papers}
    for paper in papers:
        # `$β$` stays Unicode, `$\beta$` stays a command, `^` is not U+02C6, 中 survives bibtex's ASCII.
        assert records[paper.citekey].title == paper.title, paper.citekey


@pytest.mark.parametrize("flavour", ["bibtex", "biblatex"])
def test_an_untitled_paper_comes_back_untitled(mixed_library, flavour):
    text = export_papers(_papers(mixed_library), flavour).text
    untitled = next(r for r in _records(text).papers if r.arxiv_id == "2112.07327")
    assert untitled.title is None and untitled.note is None


def test_placeholders_are_one_braced_unit_and_read_back_as_the_character():
    from papershelf.exporters.latex_escape import LatexEscaper, latex_to_text

    latex = LatexEscaper("bibtex").text("Model 中文 v2", protect=True).latex
    assert latex == "Model {[U+4E2D]}{[U+6587]} v2"
    assert latex_to_text(latex) == "Model 中文 v2"
    # Page text that merely looks like a placeholder stays text.
    literal = LatexEscaper("bibtex").text("The [U+4E2D] notation", protect=True).latex
    assert latex_to_text(literal) == "The [U+4E2D] notation"
    assert _records("@misc{k, title = {X [U+{4E2D}] {[U+4E2D]}}}").papers[0].title == "X [U+4E2D] 中"


@pytest.mark.parametrize("flavour", ["bibtex", "biblatex"])
def test_urls_and_dois_come_back_unchanged(mixed_library, flavour):
    text = export_papers(_papers(mixed_library), flavour).text
    paper = next(r for r in _records(text).papers if r.title == "Addresses")
    assert paper.doi == "10.1000/a_b%25c"  # a valid %XX is left as it is
    assert paper.extra["url"] == "https://example.org/a_b%20c#frag"


def test_tex_escapes_in_url_and_doi_fields_are_undone_on_import():
    text = "@misc{k,\n  url = {https://example.org/a\\_b\\%20c\\#frag},\n  doi = {10.1000/x\\%25y},\n}\n"
    (paper,) = _records(text).papers
    assert paper.extra["url"] == "https://example.org/a_b%20c#frag"
    assert paper.links[0].url == "https://example.org/a_b%20c#frag"
    assert paper.doi == "10.1000/x%25y"


@pytest.mark.parametrize("flavour", ["bibtex", "biblatex"])
def test_tags_are_keywords_and_keywords_come_back_as_tags(library, flavour):
    add_records(library, [record(1, title="Tagged", authors=("Ann Lee",), year=2020)])
    (paper_id,) = library.paper_ids()
    for tag in ("alpha", "beta, gamma", "C++ & co"):
        library.add_tag([paper_id], tag)
    (paper,) = _papers(library)
    (back,) = _records(export_papers([paper], flavour).text).papers
    assert sorted(back.keywords) == sorted(paper.tags)
    assert _records("@misc{k, keywords = {alpha, beta; {x, y}}}").papers[0].keywords == ("alpha", "beta", "x, y")


@pytest.mark.parametrize(("flavour", "field"), [("bibtex", "annote"), ("biblatex", "annotation")])
def test_the_users_note_is_an_annotation_and_comes_back_as_the_note(library, flavour, field):
    add_records(library, [record(1, title="Noted", authors=("Ann Lee",), year=2020)])
    (paper_id,) = library.paper_ids()
    note = "# Read\n\n- *twice*, 50% of it\n  - a_b & {c} $x$ \\cite"
    library.set_note(paper_id, note)
    text = export_papers(_papers(library), flavour).text
    assert f"  {field} = {{" in text and "  note = " not in text  # `note` is printed by every style
    (back,) = _records(text).papers
    assert back.note == note  # every line, with its indentation
    # A .bib's own `note` is still read as the paper's note when it has no annotation.
    assert _records("@misc{k, note = {Oral presentation}}").papers[0].note == "Oral presentation"


def test_the_users_note_is_not_in_csl_json(library):
    import json

    add_records(library, [record(1, title="Noted", authors=("Ann Lee",), year=2020)])
    library.set_note(library.paper_ids()[0], "private thoughts")
    (item,) = json.loads(export_papers(_papers(library), "csl-json").text)
    assert "private" not in json.dumps(item)


def test_keys_bibtex_cannot_use_are_replaced_with_a_warning_naming_the_line():
    text = (
        "@misc{Müller2020,\n title = {A}}\n\n"
        "@article{Key With Space,\n title = {B}}\n\n"
        "@misc{dup,\n title = {C}}\n\n"
        "@misc{dup,\n title = {D}}\n"
    )
    batch = _records(text)
    assert [(p.title, p.citekey) for p in batch.papers] == [
        ("A", "Muller2020"),
        ("B", None),
        ("C", "dup"),
        ("D", "dupa"),
    ]
    warnings = {w.line: w.message for w in batch.warnings}
    assert set(warnings) == {1, 4, 10}
    assert "'Muller2020'" in warnings[1] and "not ASCII" in warnings[1]
    assert "Key With Space" in warnings[4] and "not a legal citation key" in warnings[4]
    assert "'dupa'" in warnings[10]


def test_a_legacy_non_ascii_key_is_transliterated_for_bibtex_only(library):
    add_records(library, [record(1, title="Legacy", authors=("Ann Lee",), year=2020)])
    (paper,) = _papers(library)
    paper.citekey = "Müller2020"  # made before keys had to be ASCII
    bib = export_papers([paper], "bibtex")
    assert "@misc{Muller2020," in bib.text and any("Müller2020" in line for line in bib.report.lines())
    assert "@misc{Müller2020," in export_papers([paper], "biblatex").text  # biber reads UTF-8 keys
