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
