"""Decoding a .bib value gives the same text and the same report whether it is decoded for the first time, met
again (each distinct value is decoded once per process), or has nothing for LaTeX to do (given back as is)."""

from __future__ import annotations

import pytest

from papershelf.exporters import latex_decode
from papershelf.exporters.latex_decode import decode_report

VALUES = [
    "Attention Is All You Need",
    "  Plain   text\twith  spaces ",
    "Para one.\n\nPara two,  spaced.",
    "M{\\\"u}ller, J{\\'e}r{\\^o}me",
    "{BERT}: Pre-training of Deep {Bidirectional} Transformers",
    "Caf\\'{e} \\& Cr\\`eme --- a 10--20\\% gain",
    "{\\v{S}}koda and {\\c{C}}elik~Yilmaz",
    "``Quoted'' title with $\\alpha$-nets and \\textit{style}",
    "An \\unknownmacro{arg} stays",
    "Reads \\input{/etc/passwd} never",
    "Cites \\cite{key} visibly",
    "{[U+4E2D]}文 title",
    "Tilde~tie and non\u00a0breaking",
]


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("how", [{}, {"paragraphs": True}, {"lines": True}])
def test_a_value_decodes_the_same_the_first_time_and_every_time_after(value: str, how: dict) -> None:
    fresh = latex_decode._decode_report(value, paragraphs=how.get("paragraphs", False), lines=how.get("lines", False))
    first = decode_report(value, **how)
    first[1].append("the caller's own list: changing it changes nothing kept")
    again = decode_report(value, **how)
    assert again == fresh
    assert first[0] == fresh[0]


def test_the_report_names_what_was_kept_each_time_it_is_met() -> None:
    for _ in range(2):
        text, kept = decode_report("An \\unknownmacro{arg} stays")
        assert "\\unknownmacro" in text and any("\\unknownmacro" in line for line in kept)


# Values the fast path reads (and some it must leave to pylatexenc): both ways must give the same text.
LATEX_VALUES = [
    "{BERT}: Pre-training of Deep {Bidirectional} Transformers",
    "M{\\\"u}ller, J{\\'e}r{\\^o}me and Wi{\\'s}niewski, {\\L}ukasz",
    'M\\"uller and Sch\\"{o}n and G\\`{e}ne and Fran\\c{c}ois',
    "{\\k{a}}{\\v{z}}{\\u{a}}{\\H{o}}{\\r{a}}{\\={a}}{\\.{z}}{\\^{o}}{\\~{n}}{\\`{e}}",
    "Caf\\'{e} \\& Cr\\`eme --- a 10--20\\% gain - maybe",
    '{\\o}ystein and {\\O}rsted and {\\ss}ler and {\\ae}on and {\\AA}ngstr{\\"o}m and {\\aa}',
    "\\emph{Emphasis} and \\textit{{Nested {Groups}}} and \\textbf{Bold} and \\textsc{Caps}",
    "Tilde~tie, \\$5 and \\#1 and \\_x and \\{braces\\}",
    "Para {one}.\n\nPara {two},  spaced.",
    "Line {one}\n  line two",
    "Four ---- dashes {x}",
    'na{\\"\\i}ve and {\\"i}',
    "Don't {X} ``quoted''",
    "{\\sc Small Caps} and \\texttt{code}",
    "\\unknown{x} {y}",
    "Unbalanced {brace",
    "Unbalanced} brace {x}",
    "Math $x^2$ {y}",
    '\\" {u} spaced accent',
    "100% & more {X}",
    'na\\"{\\i}ve and x\\\'\\i y and {\\i} and {\\j} and na{\\"\\i}ve',
    "x{\\sc y} and {\\bf B}c and {\\em e}m and {\\it I} {\\rm R} {\\tt T} {\\sl S} {\\sf F}",
    "{\\scshape Not a switch} and \\itshape{x}",
]


def _synthetic_latex_values() -> list[str]:
    import sys
    from pathlib import Path

    import bibtexparser

    sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))
    import synthetic

    entries = bibtexparser.parse_string(synthetic.latex_bibtex_file(90)).entries
    return [entry[field] for entry in entries for field in ("title", "author") if field in entry.fields_dict]


def test_the_fast_path_decodes_as_pylatexenc_does(monkeypatch) -> None:
    values = LATEX_VALUES + _synthetic_latex_values()
    fast = {}
    for value in values:
        for how in ({}, {"paragraphs": True}):
            fast[value, tuple(how)] = latex_decode._decode_report(value, paragraphs=bool(how), lines=False)
    read_fast = sum(latex_decode._simple_latex(value) is not None for value in values)
    assert read_fast > len(values) // 2  # most of these take the fast path: the comparison below means something
    monkeypatch.setattr(latex_decode, "_simple_latex", lambda _latex: None)
    for value in values:
        for how in ({}, {"paragraphs": True}):
            slow = latex_decode._decode_report(value, paragraphs=bool(how), lines=False)
            assert fast[value, tuple(how)] == slow, value
