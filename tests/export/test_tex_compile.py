"""Exports compiled with the real tools: pdflatex + bibtex (plain) and biblatex + biber, zero errors, zero
warnings, no missing characters; hostile page text typesets as text and never runs as a command."""

from __future__ import annotations

import unicodedata

import pytest

from papershelf.exporters.formats import export_papers
from papershelf.exporters.latex_escape import LatexEscaper, latex_to_text, macro_for, raw_in_utf8
from papershelf.exporters.latex_table import UTF8_KNOWN
from papershelf.exporters.report import ENGINE_ONLY, REPLACED

from .conftest import HOSTILE_TITLES, add_records, record
from .texrun import compile_biber, compile_bibtex, pdf_text, require, write_document

pytestmark = pytest.mark.tex


def _all_papers(library):
    return library.get_papers(library.paper_ids())


def test_seed_library_compiles_cleanly_with_bibtex_and_plain(seed_library, tmp_path):
    require("pdflatex", "bibtex")
    papers = _all_papers(seed_library)
    result = export_papers(papers, "bibtex")
    result.text.encode("ascii")  # the bibtex flavour is pure ASCII
    run = compile_bibtex(result.text, tmp_path / "plain")
    assert run.problems() == []
    assert run.bbl.count("\\bibitem") == len(papers)


def test_seed_library_compiles_cleanly_with_biblatex_and_biber(seed_library, tmp_path):
    require("pdflatex", "biber")
    papers = _all_papers(seed_library)
    result = export_papers(papers, "biblatex")
    run = compile_biber(result.text, tmp_path / "biber")
    assert run.problems() == []
    assert run.bbl.count("\\entry{") == len(papers)


@pytest.mark.parametrize("preamble", ["", "\\usepackage[T1]{fontenc}"], ids=["OT1", "T1"])
def test_hostile_page_text_compiles_with_bibtex_and_stays_text(hostile_library, tmp_path, preamble):
    require("pdflatex", "bibtex")
    result = export_papers(_all_papers(hostile_library), "bibtex")
    run = compile_bibtex(result.text, tmp_path / "hostile", preamble=preamble)
    assert run.problems() == []
    assert run.bbl.count("\\bibitem") == len(HOSTILE_TITLES) + 3
    # The commands arrive in the bibliography as visible text, and TeX never opened the file they name.
    assert "{\\textbackslash}input\\{/etc/passwd\\}" in run.bbl
    assert "{\\textbackslash}write18" in run.bbl
    assert "/etc/passwd" not in run.log
    assert "runsystem" not in run.log
    # Math stays math; "$5" is money.
    assert "{$\\ensuremath{\\beta}$}" in run.bbl
    assert "\\$5" in run.bbl
    # What plain + pdflatex cannot carry is reported, character by character.
    replaced = {(c.field, c.char) for c in result.report.characters if c.problem == REPLACED}
    assert {("title", "中"), ("title", "文"), ("title", "😀")} <= replaced


def test_hostile_page_text_compiles_with_biber(hostile_library, tmp_path):
    require("pdflatex", "biber")
    papers = _all_papers(hostile_library)
    result = export_papers(papers, "biblatex")
    engine_only = {c.char for c in result.report.characters if c.problem == ENGINE_ONLY}
    assert {"中", "文", "😀", "明", "李"} <= engine_only
    # pdflatex with biblatex: every entry whose characters pdflatex can print compiles without a complaint.
    printable = [p for p in papers if not any(ch in engine_only for ch in (p.title or "") + " ".join(p.author_names()))]
    assert len(printable) == len(papers) - 2
    run = compile_biber(export_papers(printable, "biblatex").text, tmp_path / "pdf")
    assert run.problems() == []
    assert "{\\textbackslash}input" in run.bbl


def test_biber_carries_the_characters_pdflatex_cannot_print(hostile_library, tmp_path):
    require("biber")
    result = export_papers(_all_papers(hostile_library), "biblatex")
    folder = tmp_path / "carry"
    run = compile_biber(result.text, folder)
    # biber itself reads every entry, CJK and emoji included, without a warning, and hands them on intact;
    # only pdflatex cannot print them, which is what the report says (lualatex or xelatex with a CJK font can).
    assert [p for p in run.problems() if p.startswith("blg:")] == []
    for ch in ("中", "文", "😀", "李", "明"):
        assert ch in run.bbl


def _claimed_characters() -> list[str]:
    """Every non-ASCII character the escaper claims to encode: pylatexenc's table plus decomposed letters."""
    from pylatexenc.latexencode import get_builtin_uni2latex_dict

    candidates = {chr(c) for c in get_builtin_uni2latex_dict() if c >= 128}
    candidates |= {chr(c) for c in range(0xC0, 0x250)} | {chr(c) for c in range(0x1E00, 0x1F00)}
    return sorted(ch for ch in candidates if unicodedata.category(ch)[0] != "C" and macro_for(ch) is not None)


def test_every_character_the_bibtex_flavour_encodes_compiles(tmp_path):
    require("pdflatex")
    chars = _claimed_characters()
    assert len(chars) > 500
    escaper = LatexEscaper("bibtex")
    lines = []
    for ch in chars:
        encoded = escaper.text(f"x{ch}y")
        assert not encoded.replaced, ch
        lines.append(encoded.latex + "\\par")
    log = write_document(lines, tmp_path / "table", preamble="\\usepackage[T1]{fontenc}")
    assert [line for line in log.splitlines() if line.startswith("!") or "Warning" in line] == []


def test_every_character_the_biblatex_flavour_keeps_as_utf8_compiles_under_pdflatex(tmp_path):
    require("pdflatex")
    raw = [ch for ch in _claimed_characters() if raw_in_utf8(ch)]
    assert "ü" in raw and "ł" in raw and "—" in raw and "β" not in raw
    escaper = LatexEscaper("biblatex")
    lines = [escaper.text(f"x{ch}y").latex + "\\par" for ch in raw]
    assert all(ch in line for ch, line in zip(raw, lines, strict=True))
    log = write_document(lines, tmp_path / "utf8", preamble="\\usepackage[T1]{fontenc}")
    assert [line for line in log.splitlines() if line.startswith("!") or "Warning" in line] == []


# Characters that broke biblatex + biber + pdflatex: letters under two accents (biber rewrote `\~{\^{e}}` into
# an invalid `\~ê`), a combining mark after an ASCII letter (biber composed `\"{X}` into Ẍ, which pdflatex does
# not know), angle brackets (biber made `\langle` a ⟨ that pdflatex only sets in text mode).
HARD_TITLES = (
    "Nguyễn and Trần on ǘ, ǚ and ṩ",
    "X\u0308 and X\u0301 and q\u0323: marks after ASCII letters",
    "Brackets ⟨x⟩ in text and $\\langle a, b \\rangle$ and $⟨ψ|φ⟩$ in math",
    "Ω ohm, ℃, ǅ, Ș and ț, ẞ, ﬁ and ‽",
    "Dotless ı, ḯ and Ạ; scripts $x^β_α$ and $β^2$",
)


@pytest.fixture
def hard_library(library):
    add_records(
        library,
        [
            record(i + 1, title=title, authors=("Nguyễn Thị Ánh", "Ẍavier Ṩmith"), year=2021, venue="NeurIPS")
            for i, title in enumerate(HARD_TITLES)
        ],
    )
    return library


@pytest.mark.parametrize("preamble", ["", "\\usepackage[T1]{fontenc}"], ids=["OT1", "T1"])
def test_hard_characters_compile_with_biblatex_biber_and_pdflatex(hard_library, tmp_path, preamble):
    require("pdflatex", "biber")
    papers = _all_papers(hard_library)
    result = export_papers(papers, "biblatex")
    assert result.report.characters == []  # every one of them is carried, none left to the engine
    run = compile_biber(result.text, tmp_path / "hard", preamble=preamble)
    assert run.problems() == []
    assert run.bbl.count("\\entry{") == len(papers)


@pytest.mark.parametrize("flavour", ["bibtex", "biblatex"])
def test_hard_characters_decode_back_exactly(hard_library, flavour):
    import bibtexparser

    text = export_papers(_all_papers(hard_library), flavour).text
    titles = {latex_to_text(e.fields_dict["title"].value) for e in bibtexparser.parse_string(text).entries}
    assert titles == {unicodedata.normalize("NFC", t) for t in HARD_TITLES}


def test_every_character_the_biblatex_flavour_encodes_compiles_through_biber(tmp_path):
    require("pdflatex", "biber")
    chars = [ch for ch in _claimed_characters() if unicodedata.normalize("NFC", ch) == ch]
    escaper = LatexEscaper("biblatex")
    entries = []
    for index, ch in enumerate(chars):
        encoded = escaper.text(f"x{ch}y")
        assert not encoded.engine_only, ch
        entries.append(f"@misc{{k{index:04d}, title = {{{encoded.latex}}}, author = {{Roe, Jane}}, year = {{2020}}}}")
    run = compile_biber("\n".join(entries) + "\n", tmp_path / "all", preamble="\\usepackage[T1]{fontenc}")
    assert run.problems() == []
    assert run.bbl.count("\\entry{") == len(chars)


def test_every_character_kept_as_utf8_is_one_pdflatex_reads(tmp_path):
    require("pdflatex")
    chars = sorted(UTF8_KNOWN)
    log = write_document([f"x{ch}y\\par" for ch in chars], tmp_path / "known", preamble="\\usepackage[T1]{fontenc}")
    assert [line for line in log.splitlines() if line.startswith("!") or "Warning" in line] == []


_URL = "https://example.org/a_b%20c~d&e#frag"


@pytest.mark.parametrize("style", ["plain", "plainnat"])
@pytest.mark.parametrize(
    "packages", ["", "\\usepackage{url}", "\\usepackage{hyperref}", "\\usepackage{url}\\usepackage{hyperref}"]
)
def test_urls_and_dois_print_as_written_with_and_without_url_packages(library, tmp_path, style, packages):
    require("pdflatex", "bibtex")
    add_records(
        library,
        [
            record(
                1,
                title="Addresses",
                authors=("Jane Roe",),
                year=2020,
                venue="Nature",
                doi="10.1000/a_b%25c",
                extra={"url": _URL},
            )
        ],
    )
    text = export_papers(_all_papers(library), "bibtex").text
    natbib = "\\usepackage{natbib}" if style == "plainnat" else ""
    folder = tmp_path / "urls"
    # T1, as the docs ask: OT1 roman type has no underscore (natbib sets DOIs in roman with url.sty).
    preamble = "\\pdfcompresslevel=0 \\usepackage[T1]{fontenc}" + natbib + packages
    run = compile_bibtex(text, folder, style=style, preamble=preamble)
    assert run.problems() == []
    if style == "plainnat":  # plain prints neither field
        printed = pdf_text(folder).replace(" ", "")
        assert _URL in printed and "10.1000/a_b%25c" in printed


def test_titles_keep_a_capital_after_a_hyphen_and_placeholders_their_case(library, tmp_path):
    require("pdflatex", "bibtex")
    titles = ["M6-T and XLM-T Models", "THE-X and Double-I Effects", "A title in 中文"]
    add_records(library, [record(i + 1, title=t, authors=("Jane Roe",), year=2020) for i, t in enumerate(titles)])
    run = compile_bibtex(export_papers(_all_papers(library), "bibtex").text, tmp_path / "case")
    assert run.problems() == []
    # plain lower-cases titles; what is braced keeps its case, and the placeholder is one braced unit.
    for kept in ("{M6}-{T}", "{XLM}-{T}", "{THE}-{X}", "double-{I}", "{[U+4E2D]}{[U+6587]}"):
        assert kept in run.bbl


@pytest.mark.parametrize("flavour", ["bibtex", "biblatex"])
def test_a_markdown_note_is_exported_as_an_annotation_no_style_prints(library, tmp_path, flavour):
    require("pdflatex", "bibtex", "biber")
    add_records(library, [record(1, title="Noted", authors=("Jane Roe",), year=2020)])
    (paper_id,) = library.paper_ids()
    library.set_note(paper_id, "# Private\n\n- read *twice*, 50% of it\n  - a_b & {c}\n")
    text = export_papers(_all_papers(library), flavour).text
    field = "annotation" if flavour == "biblatex" else "annote"
    assert f"  {field} = {{" in text and "  note = " not in text
    run = compile_biber(text, tmp_path / "b") if flavour == "biblatex" else compile_bibtex(text, tmp_path / "p")
    assert run.problems() == []
    assert "Private" not in run.log and "twice" not in (run.bbl if flavour == "bibtex" else "")


def test_hard_characters_compile_with_bibtex_and_plain(hard_library, tmp_path):
    require("pdflatex", "bibtex")
    result = export_papers(_all_papers(hard_library), "bibtex")
    # ASCII has no room for a few of them (ǅ, ‽ ...): written as placeholders and reported, the rest as macros.
    assert {c.char for c in result.report.characters} <= {"ǅ", "ẞ", "ﬁ"}
    run = compile_bibtex(result.text, tmp_path / "hard", preamble="\\usepackage[T1]{fontenc}")
    assert run.problems() == []
