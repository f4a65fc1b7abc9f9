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

Nothing is lost in silence: a command the decoder does not know stays in the text as written (`\\foo{bar}`)
and is named in the report `decode_report` gives back, and so is a command that would make TeX read or write
files (`\\input`, `\\write18`, `\\immediate` ...): it is kept visible as text, never run or followed.
"""

from __future__ import annotations

import functools
import itertools
import re
import threading
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
_KEPT_SLOT = re.compile("\ue004(\\d+)\ue005")
_SLOT_MARKS = re.compile("[\ue000-\ue005]")
# Commands that read, write or redefine things when TeX runs: a title holding one is text someone typed (or an
# attack), so it is kept as written, with the argument that follows it, and reported.
_DANGEROUS = re.compile(
    r"(?:\\(?:input|include|includeonly|InputIfFileExists|write|immediate|openout|openin|closeout|closein|read"
    r"|newwrite|newread|def|edef|gdef|xdef|let|futurelet|catcode|newcommand|renewcommand|providecommand"
    r"|DeclareRobustCommand|special|usepackage|RequirePackage|documentclass|directlua|latelua|pdfprimitive"
    r"|shipout|expandafter|jobname|endinput|errmessage|typeout|message|lstinputlisting|verbatiminput"
    r"|includegraphics|scantokens|csname|endcsname)(?![A-Za-z])"
    r"[ \t\d=]*(?:\[[^\[\]{}]*\])?(?:\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\})?)+"
)
# Commands that only mark where a citation or cross-reference goes: what they point at is kept, visibly.
_REFERENCE = re.compile(
    r"\\(?:cite[a-zA-Z]*|nocite|ref|eqref|pageref|autoref|cref|Cref|label)\*?(?![A-Za-z])"
    r"(?:\s*\[[^\[\]{}]*\])*\s*\{[^{}]*\}"
)
_VERB = re.compile(r"\\verb\*?([^A-Za-z\s*])(.*?)\1")
# `\^{}` and `\~{}`: the accent on nothing, which LaTeX sets as the accent character itself.
_BARE_ACCENT = re.compile(r"\\([\^~])\{\}")
_BARE_ACCENT_CHAR = {"^": "\\textasciicircum{}", "~": "\\textasciitilde{}"}
# What pylatexenc would change in a value (macros, groups, math, ties, dash and quote ligatures): text
# without any of these, most titles and names, is given back as it is without the slow parse.
_LATEX_AT_WORK = re.compile("[\\\\{}$~`]|--|''")
# Text that every step below would give back as it is: words of no LaTeX character (nor a private-use slot mark)
# joined by single spaces. Most names, journals, titles and abstracts are such; `--` and `''` are checked apart.
_UNCHANGED = re.compile("(?:[^\\s\\\\{}$~`\ue000-\ue005]+(?: [^\\s\\\\{}$~`\ue000-\ue005]+)*)?")


# ---------------------------------------------------------------------------------------------- fast path
# Most LaTeX in real .bib files is a handful of constructs: braces that protect case, accent macros on one
# letter, escaped specials, dashes, ties and a few style macros. pylatexenc takes 0.1-5 ms per such value;
# this reads exactly those constructs in one pass and gives up (None) on anything else, which then goes to
# pylatexenc: a value it reads decodes to the same text pylatexenc gives (tests/export/test_latex_decode_cache).
_COMBINING = {
    '"': "\u0308",
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "c": "\u0327",
    "v": "\u030c",
    "k": "\u0328",
    "u": "\u0306",
    "H": "\u030b",
    "r": "\u030a",
}
_LETTER_MACROS = {"l": "ł", "L": "Ł", "o": "ø", "O": "Ø", "ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ"}
_AA = {"aa": "å", "AA": "Å"}
_STYLE_MACROS = frozenset({"emph", "textit", "textbf", "textsc"})
_SIMPLE = re.compile(
    r"(?P<text>[^\\{}$~`'\-]+)"
    r"|(?P<dash>-{1,3})(?!-)"
    r"|(?P<open>\{)|(?P<close>\})|(?P<tie>~)"
    r"|\\(?P<acc>[\"'`^~=.])(?:\{(?P<acc_braced>[A-Za-z])\}|(?P<acc_bare>[A-Za-z])"
    # the dotless i and j under an accent are the letters (na\\"{\\i}ve); a bare \\i eats the spaces after it
    r"|\{\\(?P<acc_dotless_braced>[ij])\}|\\(?P<acc_dotless>[ij])(?![A-Za-z])\s*)"
    r"|\\(?P<dotless>[ij])(?=\})"
    r"|\\(?P<switch>sc|bf|it|em|rm|tt|sl|sf)(?![A-Za-z])\s*"
    r"|\\(?P<wacc>[cvkuHr])\{(?P<wacc_letter>[A-Za-z])\}"
    r"|\\(?P<special>[&%$#_{}])"
    r"|\\(?P<symbol>ss|ae|AE|oe|OE|aa|AA|[lLoO])(?=\})"
    r"|\\(?P<style>[A-Za-z]+)\{"
)


def _simple_latex(latex: str) -> str | None:
    """The text of a value made only of the common constructs above; None for anything else."""
    out: list[str] = []
    depth = 0
    at = 0
    end = len(latex)
    while at < end:
        match = _SIMPLE.match(latex, at)
        if match is None:
            return None
        kind = match.lastgroup
        if kind == "text":
            out.append(match.group("text"))
        elif kind == "dash":
            out.append(("-", "\u2013", "\u2014")[len(match.group("dash")) - 1])
        elif kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
            if depth < 0:
                return None
        elif kind == "tie":
            out.append("\u00a0")
        elif kind in ("acc_braced", "acc_bare", "acc_dotless_braced", "acc_dotless"):
            out.append(match.group(kind) + _COMBINING[match.group("acc")])
        elif kind == "wacc_letter":
            out.append(match.group(kind) + _COMBINING[match.group("wacc")])
        elif kind == "dotless":
            out.append("ı" if match.group(kind) == "i" else "ȷ")
        elif kind == "switch":
            pass  # a font switch sets no text
        elif kind == "special":
            out.append(match.group(kind))
        elif kind == "symbol":
            name = match.group(kind)
            out.append(_LETTER_MACROS.get(name) or _AA[name])
        elif kind == "style":
            if match.group(kind) not in _STYLE_MACROS:
                return None
            depth += 1
        else:
            return None
        at = match.end()
    return "".join(out) if depth == 0 else None


class LatexDecodeError(ValueError):
    """pylatexenc could not read a value (it has its own bugs, e.g. on very deep nesting)."""


# Commands whose arguments are the text (type style, boxes) and commands that set nothing a reader would
# miss (font switches, spacing, \\relax): decoded without a report.
_ARGUMENT_IS_TEXT = (
    "texttt",
    "textsf",
    "textrm",
    "textup",
    "textmd",
    "textnormal",
    "textsl",
    "textsuperscript",
    "textsubscript",
    "underline",
    "uline",
    "hbox",
    "makebox",
    "fbox",
    "framebox",
    "text",
    "textbf",
    "textit",
    "emph",
    "textsc",
    "protect",
    "NoCaseChange",
    "nocase",
    "MakeUppercase",
    "MakeLowercase",
    "uppercase",
    "lowercase",
    "bibstring",
    "mkbibquote",
    "enquote",
    "mkbibemph",
    "mkbibbold",
    "ensuremath",
)
_SETS_NOTHING = (
    "relax",
    "sc",
    "bf",
    "it",
    "rm",
    "tt",
    "sf",
    "sl",
    "em",
    "up",
    "md",
    "normalfont",
    "scshape",
    "bfseries",
    "itshape",
    "upshape",
    "ttfamily",
    "sffamily",
    "rmfamily",
    "mdseries",
    "slshape",
    "noindent",
    "nobreak",
    "ignorespaces",
    "unskip",
    "xspace",
    "null",
    "allowbreak",
    "linebreak",
    "newline",
    "break",
    "hfill",
    "hfil",
    "vfill",
    "smallskip",
    "medskip",
    "bigskip",
    "par",
    "selectfont",
    "boldmath",
    "unboldmath",
    "looseness",
    "frenchspacing",
    "nonfrenchspacing",
    "strut",
    "mbox",
    "leavevmode",
    "penalty",
)


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
            MacroTextSpec("S", "§"),
            MacroTextSpec("P", "¶"),
            MacroTextSpec("copyright", "©"),
            MacroTextSpec("textsection", "§"),
            MacroTextSpec("textparagraph", "¶"),
            MacroTextSpec("texttrademark", "™"),
            MacroTextSpec("textdegree", "°"),
            MacroTextSpec("euro", "€"),
            MacroTextSpec("textellipsis", "…"),
            *(MacroTextSpec(name, discard=False) for name in _ARGUMENT_IS_TEXT if name != "mbox"),
            *(MacroTextSpec(name, "") for name in _SETS_NOTHING if name != "mbox"),
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
            *(macrospec.std_macro(name, False, 1) for name in _ARGUMENT_IS_TEXT if name != "protect"),
        ],
    )

    class ToText(LatexNodes2Text):
        """pylatexenc's converter, except that a command it has no meaning for stays in the text as written
        (`\\foo{bar}`, not "bar" or nothing) and is named in `unknown`."""

        unknown: list[str]

        def nodelist_to_text(self, nodelist):
            # A group right after an unknown command is (probably) its argument: it keeps its braces.
            for previous, node in itertools.pairwise(nodelist):
                if node is not None and node.isNodeType(latexwalker.LatexGroupNode) and _is_unknown(previous):
                    node.papershelf_argument = True
            return super().nodelist_to_text(nodelist)

        def group_node_to_text(self, node):
            if getattr(node, "papershelf_argument", False):
                return "{" + self._groupnodecontents_to_text(node) + "}"
            return super().group_node_to_text(node)

        def macro_node_to_text(self, node):
            if not _is_unknown(node):
                return super().macro_node_to_text(node)
            self.unknown.append("\\" + node.macroname)
            arguments = node.nodeargd.argnlist if node.nodeargd and node.nodeargd.argnlist else []
            written = "".join(
                "{" + self._groupnodecontents_to_text(a) + "}"
                if a.isNodeType(latexwalker.LatexGroupNode)
                else self.node_to_text(a)
                for a in arguments
                if a is not None
            )
            # A space that ended the command name is part of the text as written: "\\foo bar" stays so.
            return "\\" + node.macroname + written + (" " if node.macro_post_space and not written else "")

    def _is_unknown(node) -> bool:
        return (
            node is not None
            and node.isNodeType(latexwalker.LatexMacroNode)
            and text_db.get_macro_spec(node.macroname) is None
            # A one-character command (`\\,`, `\\&`, `\\ `) pylatexenc has no spec for is spacing.
            and node.macroname.isalpha()
        )

    return walker_db, ToText(latex_context=text_db, math_mode="verbatim", strict_latex_spaces=True)


_DECODER_LOCK = threading.Lock()


def _pylatexenc(latex: str, unknown: list[str] | None = None) -> str:
    from pylatexenc import latexwalker

    walker_db, to_text = _decoder()
    latex = _CSNAME.sub(r"\\\1 ", latex)  # the biblatex flavour's biber-proof spelling of \d, \v ...
    try:
        walker = latexwalker.LatexWalker(latex, latex_context=walker_db, tolerant_parsing=True)
        with _DECODER_LOCK:  # the converter collects the unknown commands of one call
            to_text.unknown = []
            text = to_text.nodelist_to_text(walker.get_latex_nodes()[0])
            if unknown is not None:
                unknown.extend(to_text.unknown)
        return text
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
    return decode_report(latex, paragraphs=paragraphs, lines=lines)[0]


def decode_report(latex: str, *, paragraphs: bool = False, lines: bool = False) -> tuple[str, list[str]]:
    """`decode`, and what it kept as written instead of decoding: one line per command, e.g.
    "\\foo (unknown command)" or "\\input (would make TeX read a file)", for the importer's report."""
    if not latex:
        return "", []
    if (
        _UNCHANGED.fullmatch(latex)
        and "--" not in latex
        and "''" not in latex
        and (latex.isascii() or unicodedata.is_normalized("NFC", latex))
    ):
        return latex, []
    if not _LATEX_AT_WORK.search(latex) and not _SLOT_MARKS.search(latex) and "{[U+" not in latex:
        return _tidy(unicodedata.normalize("NFC", latex.replace("\u00a0", " ")), paragraphs, lines), []
    text, problems = _decode_cached(latex, paragraphs, lines)
    return text, list(problems)


# A .bib names the same people, journals and publishers again and again, and pylatexenc takes 0.1-1 ms per
# value: each distinct value is decoded once per process. Values are strings, so the cache holds no state.
@functools.lru_cache(maxsize=1 << 16)
def _decode_cached(latex: str, paragraphs: bool, lines: bool) -> tuple[str, tuple[str, ...]]:
    text, problems = _decode_report(latex, paragraphs=paragraphs, lines=lines)
    return text, tuple(problems)


def _tidy(text: str, paragraphs: bool, lines: bool) -> str:
    if lines:
        return "\n".join(line.rstrip() for line in text.strip("\n").split("\n")).strip("\n")
    if paragraphs:
        return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n[ \t]*\n", text) if p.strip())
    return " ".join(text.split())


def _decode_report(latex: str, *, paragraphs: bool, lines: bool) -> tuple[str, list[str]]:
    problems: list[str] = []
    latex = _SLOT_MARKS.sub("", latex)
    latex = PLACEHOLDER.sub(_placeholder_char, latex)
    simple = _simple_latex(latex) if _LATEX_AT_WORK.search(latex) and not lines else None
    if simple is not None:
        text = simple
    elif _LATEX_AT_WORK.search(latex):
        urls: list[str] = []
        formulas: list[str] = []
        kept: list[str] = []

        def keep_url(match: re.Match[str]) -> str:
            urls.append(match.group(1).strip())
            return f"\ue000{len(urls) - 1}\ue001"

        def keep_formula(match: re.Match[str]) -> str:
            formulas.append("$" + _formula(match.group(1)) + "$")
            return f"\ue002{len(formulas) - 1}\ue003"

        def keep_as_written(text: str) -> str:
            kept.append(text)
            return f"\ue004{len(kept) - 1}\ue005"

        def keep_dangerous(match: re.Match[str]) -> str:
            for name in re.findall(r"\\[A-Za-z]+", match.group(0)):
                problems.append(f"{name} kept as text, not run (TeX would read, write or redefine with it)")
            return keep_as_written(match.group(0).strip()) + (" " if match.group(0)[-1:].isspace() else "")

        def keep_reference(match: re.Match[str]) -> str:
            problems.append(f"{' '.join(match.group(0).split())} kept as written (a citation or reference)")
            return keep_as_written(" ".join(match.group(0).split()))

        latex = _CSNAME.sub(r"\\\1 ", latex)
        latex = _BARE_ACCENT.sub(lambda m: _BARE_ACCENT_CHAR[m.group(1)], latex)
        # \verb's text is what it shows; a command meant to run or to point elsewhere stays visible as written.
        latex = _VERB.sub(lambda m: keep_as_written(m.group(2)), latex)
        latex = _DANGEROUS.sub(keep_dangerous, latex)
        latex = _REFERENCE.sub(keep_reference, latex)
        # \url contents and formulas are set aside while pylatexenc decodes the text around them, so it never
        # rewrites one; a bare % or & (other tools write them) is a character, not LaTeX syntax.
        masked = _MATH.sub(keep_formula, _URL_MACRO.sub(keep_url, latex))
        unknown: list[str] = []
        text = _pylatexenc(_BARE_SPECIAL.sub(r"\\\1", masked), unknown)
        problems.extend(f"{name} kept as written (a LaTeX command Papershelf does not know)" for name in unknown)
        text = _MATH_SLOT.sub(lambda m: formulas[int(m.group(1))], text)
        text = _URL_SLOT.sub(lambda m: urls[int(m.group(1))], text)
        text = _KEPT_SLOT.sub(lambda m: kept[int(m.group(1))], text)
    else:
        text = latex
    text = unicodedata.normalize("NFC", text.replace("\u00a0", " "))  # `~` is a typesetting tie, not text
    return _tidy(text, paragraphs, lines), list(dict.fromkeys(problems))


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
