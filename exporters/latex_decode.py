"""LaTeX field values back to text: the exact inverse of `LatexEscaper`, and the reader of any .bib's LaTeX.

One decoder serves both directions so that export -> import -> export is a fixed point: the .bib importer
decodes with it, and the escaper checks every macro it may write against it. pylatexenc does the work; this
module only teaches it the commands the escaper writes (`{\\textbraceleft}`, `{\\textasciicircum}` ...) and
keeps what must not be decoded out of its way:

- `$...$` spans stay mathematics, verbatim, except the escaper's own encodings of Unicode characters
  (`\\ensuremath{\\beta}` -> `β`; the biblatex flavour's `\\mbox{⟨}` -> `\\langle`), so `$β$` and `$\\beta$`
  on a page both come back as they were written;
- `{[U+4E2D]}`, the bibtex flavour's placeholder for a character it cannot carry, is that character again;
- in text from other tools, a bare `%` or `&` is a character (not a comment or an alignment tab) and
  `\\url{...}` keeps its contents as they are.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# The placeholder the bibtex flavour writes for a character it cannot carry, braces included: a literal
# "[U+4E2D]" in page text is never written with those braces around it, so it cannot be mistaken for one.
PLACEHOLDER = re.compile(r"\{\[U\+([0-9A-F]{4,6})\]\}")
# Math commands biber would turn into characters pdflatex cannot set in math mode: the biblatex flavour writes
# them as the text character in an \mbox.
BIBER_MATH = {"langle": "⟨", "rangle": "⟩"}
_BIBER_MATH_BACK = {char: name for name, char in BIBER_MATH.items()}

_CSNAME = re.compile(r"\\csname\\romannumeral0([A-Za-z]+)\\endcsname")
_URL_MACRO = re.compile(r"\\url\s*\{([^{}]*)\}")
_MATH = re.compile(r"(?<!\\)\$([^$]*)(?<!\\)\$")
_BARE_SPECIAL = re.compile(r"(?<!\\)([%&])")
# Private-use marks for what is set aside while pylatexenc decodes the rest; never part of real text.
_URL_SLOT = re.compile("\ue000(\\d+)\ue001")
_MATH_SLOT = re.compile("\ue002(\\d+)\ue003")
_SLOT_MARKS = re.compile("[\ue000-\ue003]")
# What pylatexenc would change in a value (macros, groups, math, ties, dash and quote ligatures): text
# without any of these, most titles and names, is given back as it is without the slow parse.
_LATEX_AT_WORK = re.compile("[\\\\{}$~`]|--|''")


class LatexDecodeError(ValueError):
    """pylatexenc could not read a value (it has its own bugs, e.g. on very deep nesting)."""


@functools.cache
def _decoder():
    from pylatexenc import latexwalker, macrospec
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    text_db = get_default_latex_context_db()
    text_db.add_context_category(
        "papershelf",
        prepend=True,
        macros=[
            # What the escaper writes for characters BibTeX cannot take literally.
            MacroTextSpec("textbraceleft", "{"),
            MacroTextSpec("textbraceright", "}"),
            MacroTextSpec("textless", "<"),
            MacroTextSpec("textgreater", ">"),
            MacroTextSpec("textbar", "|"),
            MacroTextSpec("textbackslash", "\\"),
            MacroTextSpec("textasciitilde", "~"),
            MacroTextSpec("textasciicircum", "^"),  # pylatexenc's default is U+02C6, a modifier letter
            # The defaults render \url as "<...>", \href as "text <url>" and drop \mbox: keep the plain text.
            MacroTextSpec("url", "%(1)s"),
            MacroTextSpec("href", "%(2)s"),
            MacroTextSpec("mbox", "%(1)s"),
            MacroTextSpec("TeX", "TeX"),
            MacroTextSpec("LaTeX", "LaTeX"),
            MacroTextSpec("BibTeX", "BibTeX"),
            MacroTextSpec("textcommabelow", "%(1)s\u0326"),  # Romanian Ș ț, which LaTeX writes this way
        ],
    )
    walker_db = latexwalker.get_default_latex_context_db()
    walker_db.add_context_category(
        "papershelf",
        prepend=True,
        macros=[
            macrospec.std_macro("href", False, 2),
            macrospec.std_macro("url", False, 1),
            macrospec.std_macro("textcommabelow", False, 1),
        ],
    )
    return walker_db, LatexNodes2Text(latex_context=text_db, math_mode="verbatim", strict_latex_spaces=True)


def _pylatexenc(latex: str) -> str:
    from pylatexenc import latexwalker

    walker_db, to_text = _decoder()
    latex = _CSNAME.sub(r"\\\1 ", latex)  # the biblatex flavour's biber-proof spelling of \d, \v ...
    try:
        walker = latexwalker.LatexWalker(latex, latex_context=walker_db, tolerant_parsing=True)
        return to_text.nodelist_to_text(walker.get_latex_nodes()[0])
    except Exception as error:  # pylatexenc raises its own parse errors, and RecursionError on deep nesting
        raise LatexDecodeError(str(error)) from None


@functools.cache
def decode_fragment(latex: str) -> str:
    """Plain LaTeX (no math spans) to text, NFC; "" when pylatexenc cannot read it. The escaper uses this to
    check that every macro it may write decodes back to its character."""
    try:
        return unicodedata.normalize("NFC", _pylatexenc(latex))
    except LatexDecodeError:
        return ""


def _formula(body: str) -> str:
    """A math span's body as the page wrote it: the escaper's encodings of Unicode characters undone."""
    body = re.sub(r"\\mbox\{([⟨⟩])\}", lambda m: "\\" + _BIBER_MATH_BACK[m.group(1)], body)

    def unicode_symbol(match: re.Match[str]) -> str:
        decoded = decode_fragment(match.group(0))
        return decoded if len(decoded) == 1 else match.group(0)

    return re.sub(r"\\ensuremath\{(?:\\[A-Za-z]+|\\mbox\{[^{}]\})\}", unicode_symbol, body)


def decode(latex: str, *, paragraphs: bool = False, lines: bool = False) -> str:
    """A field's LaTeX to its text; raises LatexDecodeError when pylatexenc cannot read it.

    Whitespace is tidied to single spaces; `paragraphs` keeps blank-line paragraph breaks (abstracts),
    `lines` keeps every line with its indentation (Markdown notes).
    """
    if not latex:
        return ""
    latex = _SLOT_MARKS.sub("", latex)
    latex = PLACEHOLDER.sub(_placeholder_char, latex)
    if _LATEX_AT_WORK.search(latex):
        urls: list[str] = []
        formulas: list[str] = []

        def keep_url(match: re.Match[str]) -> str:
            urls.append(match.group(1).strip())
            return f"\ue000{len(urls) - 1}\ue001"

        def keep_formula(match: re.Match[str]) -> str:
            formulas.append("$" + _formula(match.group(1)) + "$")
            return f"\ue002{len(formulas) - 1}\ue003"

        # \url contents and formulas are set aside while pylatexenc decodes the text around them, so it never
        # rewrites one; a bare % or & (other tools write them) is a character, not LaTeX syntax.
        masked = _MATH.sub(keep_formula, _URL_MACRO.sub(keep_url, latex))
        text = _pylatexenc(_BARE_SPECIAL.sub(r"\\\1", masked))
        text = _MATH_SLOT.sub(lambda m: formulas[int(m.group(1))], text)
        text = _URL_SLOT.sub(lambda m: urls[int(m.group(1))], text)
    else:
        text = latex
    text = unicodedata.normalize("NFC", text.replace("\u00a0", " "))  # `~` is a typesetting tie, not text
    if lines:
        return "\n".join(line.rstrip() for line in text.strip("\n").split("\n")).strip("\n")
    if paragraphs:
        return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n[ \t]*\n", text) if p.strip())
    return " ".join(text.split())


def _placeholder_char(match: re.Match[str]) -> str:
    code = int(match.group(1), 16)
    if code < 0x80 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return match.group(0)  # never written for these: keep what the file says
    return chr(code)


def latex_to_text(latex: str, *, paragraphs: bool = False, lines: bool = False) -> str:
    """The inverse of `LatexEscaper.text`: field LaTeX back to the page's text (`{$\\ensuremath{\\beta}$}` ->
    `$β$`); a value pylatexenc cannot read is given back with its whitespace tidied."""
    try:
        return decode(latex, paragraphs=paragraphs, lines=lines)
    except LatexDecodeError:
        return " ".join(latex.split())
