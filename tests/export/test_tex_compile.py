"""Exports compiled with the real tools: pdflatex + bibtex (plain) and biblatex + biber, zero errors, zero
warnings, no missing characters; hostile page text typesets as text and never runs as a command."""

from __future__ import annotations

import unicodedata

import pytest

from papershelf.exporters.formats import export_papers
from papershelf.exporters.latex_escape import LatexEscaper, macro_for, raw_in_utf8
from papershelf.exporters.report import ENGINE_ONLY, REPLACED

from .conftest import HOSTILE_TITLES
from .texrun import compile_biber, compile_bibtex, require, write_document

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
    assert "{$\\beta$}" in run.bbl
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
