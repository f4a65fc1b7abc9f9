"""What a researcher gets in the .bib: entry types, names, escaping, fallbacks, and a faithful round trip."""

from __future__ import annotations

import json

import bibtexparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from papershelf.exporters.formats import export_papers
from papershelf.exporters.latex_escape import LatexEscaper, latex_to_text
from papershelf.model.citekeys import is_legal_key
from papershelf.model.names import name_key, parse_name
from papershelf.pipeline import import_file

from .conftest import HOSTILE_TITLES, add_records, record


def _entries(text: str) -> dict[str, dict[str, str]]:
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return {e.key: {"ENTRYTYPE": e.entry_type, **{f.key: f.value for f in e.fields}} for e in library.entries}


def _one(library, flavour="bibtex"):
    papers = library.get_papers(library.paper_ids())
    return _entries(export_papers(papers, flavour).text), papers


def test_entry_types_follow_the_venue_table(library):
    add_records(
        library,
        [
            record(1, title="A conference paper", authors=("Jane Roe",), year=2021, venue="ACL-IJCNLP 2021"),
            record(2, title="A journal paper", authors=("Jane Roe",), year=2020, venue="TPAMI"),
            record(
                3,
                title="A preprint",
                authors=("Jane Roe",),
                year=2022,
                venue="arXiv",
                arxiv_id="2201.00001",
                category="cs.CL",
            ),
            record(4, title="Accepted at ACM MM", authors=("Jane Roe",), year=2020, venue="ACMMM 2020"),
        ],
    )
    entries, _ = _one(library)
    by_title = {e["title"]: e for e in entries.values()}
    acl = by_title["A conference paper"]
    assert acl["ENTRYTYPE"] == "inproceedings"
    assert acl["booktitle"] == "Proceedings of the Annual Meeting of the Association for Computational Linguistics"
    assert by_title["A journal paper"]["ENTRYTYPE"] == "article"
    journal = latex_to_text(by_title["A journal paper"]["journal"])
    assert journal == "IEEE Transactions on Pattern Analysis and Machine Intelligence"
    pre = by_title["A preprint"]
    assert pre["ENTRYTYPE"] == "misc"
    assert (pre["eprint"], pre["archivePrefix"], pre["primaryClass"]) == ("2201.00001", "arXiv", "cs.CL")
    acm = latex_to_text(by_title["Accepted at {ACM} {MM}"]["booktitle"])
    assert acm == "Proceedings of the ACM International Conference on Multimedia"
    biblatex, _ = _one(library, "biblatex")
    assert {e["ENTRYTYPE"] for e in biblatex.values() if e.get("eprint")} == {"online"}


def test_authors_end_in_and_others_only_when_the_list_is_known_truncated(library):
    add_records(
        library,
        [
            record(1, title="Complete", authors=("Ada Lovelace", "Alan Turing"), year=2020),
            record(2, title="Cut short", authors=("Ada Lovelace", "Alan Turing"), authors_complete=False, year=2020),
            record(3, arxiv_id="2101.00001", authors_complete=False),
        ],
    )
    entries, _ = _one(library)
    by_title = {e["title"]: e for e in entries.values()}
    assert by_title["Complete"]["author"] == "Lovelace, Ada and Turing, Alan"
    assert by_title["Cut short"]["author"] == "Lovelace, Ada and Turing, Alan and others"
    untitled = by_title["{arXiv}:2101.00001"]
    assert "author" not in untitled  # no authors at all: no "and others" either
    assert "note" not in untitled  # issue 14: nothing in the entry addresses the reader about the title


def test_untitled_papers_export_with_their_identifier_and_a_note(library):
    add_records(library, [record(1, arxiv_id="2112.07327", date="2021-12-14", entry_type="preprint")])
    text = export_papers(library.get_papers(library.paper_ids()), "bibtex")
    entry = next(iter(_entries(text.text).values()))
    assert entry["title"] == "{arXiv}:2112.07327"
    assert entry["key"]  # plain sorts entries without authors by `key`
    assert any("no title" in line for line in text.report.lines())


def test_special_characters_and_commands_are_escaped_as_visible_text():
    escaper = LatexEscaper("bibtex")
    latex = escaper.text(r"\input{/etc/passwd} \write18{rm} \def\x{} \csname x\endcsname $5 50% a_b #1 ~ ^ &").latex
    assert "\\input" not in latex and "\\write18" not in latex and "\\def" not in latex and "\\csname" not in latex
    assert latex.count("{\\textbackslash}") == 6
    for escaped in ("\\$5", "50\\%", "a\\_b", "\\#1", "{\\textasciitilde}", "{\\textasciicircum}", "\\&"):
        assert escaped in latex
    assert escaper.text("a lone { here").latex == "a lone {\\textbraceleft} here"
    assert escaper.text("and } there").latex == "and {\\textbraceright} there"


def test_math_stays_math_but_money_does_not():
    escaper = LatexEscaper("bibtex")
    # A Unicode symbol is written \\ensuremath{...}, what the page typed as a command stays as typed.
    assert escaper.text("$β$-DPO", protect=True).latex == "{$\\ensuremath{\\beta}$}-{DPO}"
    assert escaper.text("$\\beta$-DPO", protect=True).latex == "{$\\beta$}-{DPO}"
    assert escaper.text("costs $5 and $10").latex == "costs \\$5 and \\$10"
    assert escaper.text("$O(n^2)$ time").latex == "{$O(n^2)$} time"
    # A formula that would run a command, or TeX's ^^5c (a backslash), is text.
    assert "\\input" not in escaper.text("$\\input{x}$").latex
    assert escaper.text("$x^^5cinput$").latex.startswith("\\$x")


def test_titles_keep_their_case_through_brace_protection():
    escaper = LatexEscaper("bibtex")
    latex = escaper.text("BERT and LayerNorm in M6: a Study of iPhone GPT3 Data", protect=True).latex
    assert latex == "{BERT} and {LayerNorm} in {M6}: a Study of {iPhone} {GPT3} Data"


def test_unicode_is_encoded_per_flavour_and_uncarried_characters_are_reported():
    text = "Żółć ü ł ø — αβ 中 😀"
    bib = LatexEscaper("bibtex").text(text)
    assert bib.latex.isascii()
    assert "{\\.Z}{\\'o}{\\l}{\\'c}" in bib.latex and "{\\textemdash}" in bib.latex
    assert "{\\ensuremath{\\alpha}}" in bib.latex
    assert bib.replaced == ["中", "😀"] and "[U+4E2D]" in bib.latex
    utf8 = LatexEscaper("biblatex").text(text)
    assert utf8.latex.startswith("Żółć ü ł ø —")
    assert "中" in utf8.latex and utf8.engine_only == ["中", "😀"]


def test_the_report_names_entry_field_and_character(hostile_library):
    result = export_papers(hostile_library.get_papers(hostile_library.paper_ids()), "bibtex")
    items = {(c.field, c.char) for c in result.report.characters}
    assert ("title", "中") in items and ("title", "😀") in items and ("author", "李") in items
    keys = {c.key for c in result.report.characters}
    assert keys <= set(_entries(result.text))


def test_url_and_doi_are_verbatim_per_flavour(hostile_library):
    papers = hostile_library.get_papers(hostile_library.paper_ids())
    bib = _entries(export_papers(papers, "bibtex").text)
    biblatex = _entries(export_papers(papers, "biblatex").text)
    journal = next(e for e in bib.values() if e.get("doi"))
    assert journal["doi"] == "10.1109/TKDE.2019.1234"
    # \\url reads its argument verbatim: both flavours write the address as it is (a \\% would print).
    assert journal["url"] == "https://example.org/a_b%20c#frag"
    assert journal["pages"] == "12--20"
    raw = next(e for e in biblatex.values() if e.get("doi"))
    assert raw["url"] == "https://example.org/a_b%20c#frag"


def test_keys_are_legal_and_biblatex_lists_old_keys_as_ids(seed_library):
    papers = seed_library.get_papers(seed_library.paper_ids())
    first = papers[0]
    old = first.citekey
    seed_library.set_citekey(first.id, "renamed2021key")
    entries = _entries(export_papers(seed_library.get_papers(seed_library.paper_ids()), "biblatex").text)
    assert all(is_legal_key(key) for key in entries)
    assert entries["renamed2021key"]["ids"] == old


def test_seed_export_parses_back_with_every_title_and_author(seed_library):
    papers = seed_library.get_papers(seed_library.paper_ids())
    for flavour in ("bibtex", "biblatex"):
        entries = _entries(export_papers(papers, flavour).text)
        assert len(entries) == len(papers)
        for paper in papers:
            entry = entries[paper.citekey]
            if paper.title:
                assert latex_to_text(entry["title"]) == paper.title
            names = [n.strip() for n in entry.get("author", "").split(" and ") if n.strip()]
            if not paper.authors_complete and (paper.authors or paper.extra_authors):
                assert names.pop() == "others"
            expected = []
            # Issue 14: a list nobody gave names the page's owner known to be an author ("Dong, Li and others").
            for ref in paper.authors or paper.extra_authors:
                parsed = parse_name(ref.as_written)
                if ref.given and parsed.key != name_key(ref.given, ref.family) == parsed.swapped_key:
                    expected.append((ref.family, ref.given))  # "Wang Xue" written for Xue Wang
                else:
                    expected.append((parsed.family, parsed.given))
            got = []
            for name in names:
                family, _, given = name.partition(", ")
                got.append((latex_to_text(family), latex_to_text(given)))
            assert got == expected, paper.citekey


def test_hostile_export_parses_back_to_the_page_text(hostile_library):
    papers = hostile_library.get_papers(hostile_library.paper_ids())
    entries = _entries(export_papers(papers, "biblatex").text)
    titles = {latex_to_text(e["title"]) for e in entries.values()}
    assert set(HOSTILE_TITLES) <= titles


@pytest.mark.parametrize("flavour", ["bibtex", "biblatex"])
def test_export_import_export_is_a_fixed_point(seed_library, library_path, tmp_path, flavour):
    from papershelf.model import Library

    first = export_papers(seed_library.get_papers(seed_library.paper_ids()), flavour).text
    bib = tmp_path / "export.bib"
    bib.write_text(first, encoding="utf-8")
    fresh = Library.open(tmp_path / "fresh.sqlite")
    report = import_file(fresh, bib)
    assert report.ok and not report.warnings, report.error or report.warnings
    second = export_papers(fresh.get_papers(fresh.paper_ids()), flavour).text
    fresh.close()
    assert second == first


_PAGE_TEXT = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=("Cs", "Cc", "Cf", "Co", "Cn", "Zl", "Zp", "Mn", "Mc", "Me")
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(_PAGE_TEXT)
def test_any_page_text_decodes_back_exactly_and_braces_stay_balanced(text):
    import unicodedata

    expected = " ".join(unicodedata.normalize("NFC", text).split())
    for flavour in ("bibtex", "biblatex"):
        encoded = LatexEscaper(flavour).text(text, protect=True)
        depth = 0
        for index, ch in enumerate(encoded.latex):
            if ch in "{}" and index and encoded.latex[index - 1] == "\\":
                continue
            depth += {"{": 1, "}": -1}.get(ch, 0)
            assert depth >= 0
        assert depth == 0
        if not encoded.replaced:
            assert latex_to_text(encoded.latex) == expected


def test_a_year_guessed_from_the_capture_date_is_not_exported(library):
    # An aggregator card said "Mar 15": the year is the capture year, not a fact about the paper.
    add_records(
        library,
        [
            record(1, title="Guessed", authors=("Ann Lee",), year=2026, date="2026-03-15", date_inferred=True),
            record(2, title="Stated", authors=("Ann Lee",), year=2021, date="2021-03-15", venue="ICML"),
        ],
    )
    papers = {p.title: p for p in library.get_papers(library.paper_ids())}
    for flavour in ("bibtex", "biblatex"):
        entries = {e["title"]: e for e in _entries(export_papers(list(papers.values()), flavour).text).values()}
        assert not {"year", "date", "month"} & set(entries["Guessed"])
        assert "2021" in (entries["Stated"].get("year") or entries["Stated"].get("date"))
    items = json.loads(export_papers([papers["Guessed"]], "csl-json").text)
    assert "issued" not in items[0]
    assert "PY  -" not in export_papers([papers["Guessed"]], "ris").text
    # Nor does its citation key claim the guessed year.
    assert (papers["Guessed"].citekey, papers["Stated"].citekey) == ("leeguessed", "lee2021stated")
    # The user stating the year makes it a fact again.
    library.edit_paper(papers["Guessed"].id, year=2019)
    (edited,) = library.get_papers([papers["Guessed"].id])
    assert "year = {2019}" in export_papers([edited], "bibtex").text


def test_a_preprint_without_an_arxiv_id_still_says_it_is_a_preprint(library):
    add_records(library, [record(1, title="Card", authors=("Ann Lee",), year=2020, venue="arXiv")])
    for flavour in ("bibtex", "biblatex"):
        (entry,) = _entries(export_papers(library.get_papers(library.paper_ids()), flavour).text).values()
        assert (entry["ENTRYTYPE"], entry["howpublished"]) == ("misc", "arXiv preprint")


def test_a_single_capital_after_a_hyphen_is_protected():
    escaper = LatexEscaper("bibtex")
    assert escaper.text("M6-T, XLM-T, THE-X and Double-I vs Self-Attention", protect=True).latex == (
        "{M6}-{T}, {XLM}-{T}, {THE}-{X} and Double-{I} vs Self-Attention"
    )
    assert escaper.text("Ünï-Ö and ünï-ö", protect=True).latex == '{\\"U}n{\\"\\i}-{{\\"O}} and {\\"u}n{\\"\\i}-{\\"o}'


def test_combining_marks_are_encoded_with_their_letter():
    bib = LatexEscaper("bibtex").text("X\u0301 and q\u0323")
    assert bib.latex == "{\\'{X}} and {\\d{q}}" and not bib.replaced
    assert latex_to_text(bib.latex) == "X\u0301 and q\u0323"
