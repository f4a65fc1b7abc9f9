"""What a paper's declared .bib entry means to CSL-JSON and RIS: the type Zotero, pandoc, citeproc and EndNote
expect (@book is a book, @phdthesis a thesis, @incollection a chapter) and the fields the library keeps only in
the entry (editors, school, edition, ISBN, series, place, thesis and report types).

Without it a book, a thesis or a chapter left as "document"/GEN with no editor, no university and no ISBN: the
information was in the library, and a Zotero user would find it gone. Reads Paper dataclasses only; the .bib
flavours have their own, fuller mapping (exporters/bib_flavour.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from papershelf.exporters.classify import PREPRINT, Kind, NameParts
from papershelf.exporters.latex_decode import LatexDecodeError, decode
from papershelf.model.names import extended_name_parts, parse_name
from papershelf.model.types import Paper

# BibTeX's and biblatex's types as CSL names them (CSL 1.0.2, as citeproc-js and pandoc read biblatex).
# @misc and unknown types are absent: what they are is read from the venue, as for pages.
CSL_TYPES = {
    "article": "article-journal",
    "suppperiodical": "article-journal",
    "periodical": "periodical",
    "book": "book",
    "mvbook": "book",
    "collection": "book",
    "mvcollection": "book",
    "proceedings": "book",
    "mvproceedings": "book",
    "reference": "book",
    "mvreference": "book",
    "manual": "book",
    "booklet": "pamphlet",
    "inbook": "chapter",
    "bookinbook": "chapter",
    "incollection": "chapter",
    "suppbook": "chapter",
    "suppcollection": "chapter",
    "inreference": "entry-encyclopedia",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "unpublished": "manuscript",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "patent": "patent",
    "dataset": "dataset",
    "software": "software",
    "standard": "standard",
    "review": "review",
}

# The same as RIS tags, as Zotero's RIS translator writes and reads them (EDBOOK: an edited book).
RIS_TYPES = {
    "article": "JOUR",
    "suppperiodical": "JOUR",
    "periodical": "JFULL",
    "book": "BOOK",
    "mvbook": "BOOK",
    "reference": "BOOK",
    "mvreference": "BOOK",
    "manual": "BOOK",
    "proceedings": "BOOK",
    "mvproceedings": "BOOK",
    "collection": "EDBOOK",
    "mvcollection": "EDBOOK",
    "booklet": "PAMP",
    "inbook": "CHAP",
    "bookinbook": "CHAP",
    "incollection": "CHAP",
    "suppbook": "CHAP",
    "suppcollection": "CHAP",
    "inreference": "ENCYC",
    "inproceedings": "CONF",
    "conference": "CONF",
    "phdthesis": "THES",
    "mastersthesis": "THES",
    "thesis": "THES",
    "techreport": "RPRT",
    "report": "RPRT",
    "unpublished": "UNPB",
    "online": "ELEC",
    "electronic": "ELEC",
    "www": "ELEC",
    "patent": "PAT",
    "dataset": "DATA",
    "software": "COMP",
    "standard": "STAND",
}

# Types that are a whole publication: the venue the library read from them (a book's own `booktitle`, say)
# is not a container they appeared in.
STANDALONE = frozenset(
    {"book", "periodical", "pamphlet", "thesis", "report", "manuscript", "patent", "dataset", "software", "standard"}
)

# What BibTeX's standard styles print for these types when the entry gives no `type` (btxdoc, plain.bst).
_DEFAULT_GENRE = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis", "techreport": "Technical report"}


@dataclass(frozen=True)
class Contributor:
    """One name of an editor, translator or book author list: parts, or one literal name ({Barnes and Noble})."""

    parts: NameParts | None = None
    literal: str = ""


def declared_type(paper: Paper) -> str:
    return (paper.bib_type or "").strip().lower()


def csl_type(paper: Paper) -> str | None:
    return CSL_TYPES.get(declared_type(paper))


def ris_type(paper: Paper) -> str | None:
    return RIS_TYPES.get(declared_type(paper))


def is_preprint(paper: Paper, kind: Kind) -> bool:
    """A preprint by its identifier or its venue (an arXiv id, a preprint server), not only by its @online or
    @unpublished type: a blog post is not one."""
    return kind.kind == PREPRINT and bool(paper.arxiv_id or kind.venue)


def field(paper: Paper, *names: str) -> str:
    """The text of the first of `names` the entry has (biblatex and BibTeX spellings given together)."""
    for name in names:
        for bib_field in paper.bib_fields:
            if bib_field.name == name and bib_field.text.strip():
                return " ".join(bib_field.text.split())
    return ""


def genre(paper: Paper) -> str:
    """The thesis's or report's kind: the entry's `type`, else what BibTeX's styles print for its type."""
    stated = field(paper, "type")
    if stated:
        return _DEFAULT_GENRE.get(stated.lower(), stated)  # biblatex's keys: type = {phdthesis}
    return _DEFAULT_GENRE.get(declared_type(paper), "")


def contributors(paper: Paper, name: str) -> list[Contributor]:
    """The people of a name-list field (`editor`, `translator`, `bookauthor`), split as BibTeX splits them.

    The field's LaTeX is split, not its text: "{Barnes and Noble, Inc.}" is one name there and three in the
    text. A field the user edited has no LaTeX; its text is split at " and "."""
    for bib_field in paper.bib_fields:
        if bib_field.name != name or not bib_field.text.strip():
            continue
        if bib_field.latex is not None and not bib_field.edited:
            return [c for c in (_latex_name(piece) for piece in _split_and(bib_field.latex)) if c]
        return [_text_name(piece) for piece in re.split(r"\s+and\s+", bib_field.text.strip()) if piece.strip()]
    return []


def display_name(contributor: Contributor) -> str:
    """The name as a reader writes it: "Ludwig van Beethoven", "Martin Luther King, Jr.", "Barnes and Noble"."""
    if contributor.parts is None:
        return contributor.literal
    parts = contributor.parts
    name = " ".join(p for p in (parts.given, parts.family) if p)
    return f"{name}, {parts.suffix}" if parts.suffix else name


def _split_and(latex: str) -> list[str]:
    """`latex` cut at the word "and" outside braces."""
    pieces, depth, start = [], 0, 0
    for match in re.finditer(r"\\[{}]|[{}]|\s+and\s+", latex, re.I):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif not token.startswith("\\") and depth == 0:
            pieces.append(latex[start : match.start()])
            start = match.end()
    pieces.append(latex[start:])
    return [" ".join(piece.split()) for piece in pieces if piece.strip()]


def _text(latex: str) -> str:
    try:
        return decode(latex)
    except LatexDecodeError:
        return " ".join(latex.replace("{", "").replace("}", "").split())


def _latex_name(piece: str) -> Contributor | None:
    if piece.lower() == "others":
        return None  # BibTeX's "et al."; CSL and RIS have no way to say it for editors
    extended = extended_name_parts(piece) if "=" in piece else None
    if extended is not None:
        family = " ".join(_text(extended[key]) for key in ("prefix", "family") if extended.get(key))
        return Contributor(NameParts(family, _text(extended.get("given", "")), _text(extended.get("suffix", ""))))
    if _one_group(piece):
        return Contributor(literal=_text(piece[1:-1]))  # BibTeX's "one name, do not split": {Barnes and Noble}
    return _text_name(_text(piece))


def _one_group(text: str) -> bool:
    """Whether `text` is one brace group, `{...}`, whose first brace closes at its end."""
    if not (text.startswith("{") and text.endswith("}")):
        return False
    depth = 0
    for match in re.finditer(r"\\[{}]|[{}]", text):
        if match.group(0) in "{}":
            depth += 1 if match.group(0) == "{" else -1
            if depth == 0:
                return match.end() == len(text)
    return False


def _text_name(text: str) -> Contributor:
    parsed = parse_name(text.strip())
    return Contributor(NameParts(parsed.family, parsed.given, parsed.suffix))
