"""Page text to LaTeX field values, for one target flavour (the inverse is exporters/latex_decode.py).

Flavours:
- ``bibtex``: pure ASCII for pdflatex + bibtex. Every non-ASCII character becomes a LaTeX macro
  (exporters/latex_table.py), wrapped in braces as BibTeX wants special characters. A character with no safe
  macro (CJK, emoji) cannot be carried: it is written as ``{[U+4E2D]}`` and reported, never dropped.
- ``biblatex``: UTF-8 for biber. Characters pdflatex's UTF-8 input reads stay as they are; other letters
  become macros biber leaves alone, Greek and mathematical symbols become macros so pdflatex still compiles;
  anything else (CJK, emoji) stays UTF-8 and is reported as needing lualatex/xelatex with a font that has it.

Page text is untrusted: nothing in it reaches LaTeX as a command. ``\\ { } $ & % # _ ~ ^ < > |`` are escaped
(a brace with a partner as ``\\{``/``\\}``; a lone one as ``{\\textbraceleft}``, which bibtex and biber
accept where a lone ``\\{`` breaks them); only a ``$...$`` span that is well-formed mathematics built from an
allow-list of commands is kept as math, so ``$\\beta$`` stays math while ``$5`` and ``$\\input{x}$`` are
text. A Unicode symbol inside math is written ``\\ensuremath{\\beta}`` and a command the page typed as
itself, so the decoder gives back exactly what the page wrote. This module never touches files or the library.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from papershelf.exporters.latex_decode import BIBER_MATH, latex_to_text
from papershelf.exporters.latex_table import (
    COMBINING,
    SAFE_MATH_SYMBOLS,
    macro_for,
    placeholder,
    raw_in_utf8,
)
from papershelf.exporters.verbatim import verbatim_doi, verbatim_identifier, verbatim_url

# Kept importable from here: callers and tests have always found them in this module.
__all__ = [
    "FLAVOURS",
    "Encoded",
    "LatexEscaper",
    "latex_to_text",
    "macro_for",
    "raw_in_utf8",
    "verbatim_doi",
    "verbatim_identifier",
    "verbatim_url",
]

FLAVOURS = ("bibtex", "biblatex")


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Commands in a kept math span that take exactly one braced argument.
_MATH_ONE_ARG = _names(
    "mathcal mathbf mathrm mathit mathsf mathtt sqrt hat tilde bar vec dot ddot check breve acute grave "
    "overline underline widehat widetilde mbox"
)
_MATH_TWO_ARGS = frozenset(["frac", "binom"])
_MATH_ESCAPES = frozenset(["\\" + ch for ch in "%#&_{},;! |$"])

# ASCII characters with a meaning in TeX, BibTeX or OT1 fonts, each written so it prints as itself.
_ASCII_ESCAPES = {
    "\\": "{\\textbackslash}",
    "{": "{\\textbraceleft}",
    "}": "{\\textbraceright}",
    "$": "\\$",
    "&": "\\&",
    "%": "\\%",
    "#": "\\#",
    "_": "\\_",
    "~": "{\\textasciitilde}",
    "^": "{\\textasciicircum}",
    "<": "{\\textless}",
    ">": "{\\textgreater}",
    "|": "{\\textbar}",
}
# Pairs TeX fonts turn into other glyphs (-- is an en dash, `` a quote): a {} between keeps the page's text.
_LIGATURE_PAIRS = frozenset(["--", "``", "''", ",,", "!`", "?`"])
# A word or a single other character, each with the combining marks that follow it (X + U+0301 is one unit).
_TOKEN = re.compile(f"(?:[^\\W_][{COMBINING}]*)+|[\\W_][{COMBINING}]*")
_CLUSTER = re.compile(f".[{COMBINING}]*", re.S)


@dataclass
class Encoded:
    """A field value in LaTeX, with the characters its flavour could not fully carry."""

    latex: str
    replaced: list[str] = field(default_factory=list)  # written as {[U+XXXX]}: the flavour cannot carry them
    engine_only: list[str] = field(default_factory=list)  # kept as UTF-8; pdflatex cannot typeset them
    dropped: list[str] = field(default_factory=list)  # invisible format characters (U+200B) left out


# ---------------------------------------------------------------------------------------------- math spans
_MATH_CANDIDATE = re.compile(r"\$(?=\S)([^$\n]{1,300}?)(?<=\S)\$(?!\d)")


def _math_to_latex(content: str, flavour: str) -> str | None:
    """The span's LaTeX if it is safe, well-formed mathematics; None to treat the `$...$` as plain text.

    Commands the page typed stay as typed; a Unicode symbol becomes `\\ensuremath{\\beta}`, so the decoder
    can tell `$β$` from `$\\beta$` and give back each as the page wrote it.
    """
    out: list[str] = []
    depth = 0
    i = 0
    script_pending = False  # after ^ or _: the next item must be its argument
    # Which scripts the current atom already has: TeX refuses a double superscript or subscript.
    has_sup = has_sub = False
    while i < len(content):
        ch = content[i]
        if ch == "\\":
            match = re.match(r"\\([A-Za-z]+)", content[i:])
            if match:
                name = match.group(1)
                i += len(match.group(0))
                if name in _MATH_ONE_ARG or name in _MATH_TWO_ARGS:
                    for _ in range(2 if name in _MATH_TWO_ARGS else 1):
                        while i < len(content) and content[i] == " ":
                            i += 1
                        if i >= len(content) or content[i] != "{":
                            return None
                elif name not in SAFE_MATH_SYMBOLS:
                    return None
                out.append(_math_command(name, flavour))
            else:
                pair = content[i : i + 2]
                if pair not in _MATH_ESCAPES:
                    return None
                out.append(pair)
                i += 2
            if not script_pending:
                has_sup = has_sub = False
            script_pending = False
            continue
        if ch in "^_":
            if script_pending or content[i : i + 2] in ("^^", "__"):
                return None  # ^^5c is TeX's way of writing a backslash
            if (ch == "^" and has_sup) or (ch == "_" and has_sub):
                return None
            has_sup = has_sup or ch == "^"
            has_sub = has_sub or ch == "_"
            script_pending = True
            out.append(ch)
            i += 1
            continue
        if ch == "{":
            depth += 1
            out.append(ch)
            i += 1
            if script_pending:
                # The whole group is the script's argument; scan to its end as one item.
                script_pending = False
                continue
            has_sup = has_sub = False
            continue
        if ch == "}":
            depth -= 1
            if depth < 0 or script_pending:
                return None
            out.append(ch)
            i += 1
            continue
        if ch in "%#&~$" or (ord(ch) < 32 and ch != " "):
            return None
        if ch.isascii():
            if ch != " ":
                if not script_pending:
                    has_sup = has_sub = False
                script_pending = False
            out.append(ch)
            i += 1
            continue
        latex = macro_for(ch, flavour)
        if latex is None or not latex.startswith("\\ensuremath{\\"):
            return None  # text characters and CJK inside $...$ are not mathematics LaTeX can set
        name = latex[len("\\ensuremath{\\") : -1]
        out.append("\\ensuremath{" + _math_command(name, flavour) + "}")
        if not script_pending:
            has_sup = has_sub = False
        script_pending = False
        i += 1
    if depth != 0 or script_pending:
        return None
    return "".join(out).strip()


def _math_command(name: str, flavour: str) -> str:
    # biber rewrites \langle into the character ⟨, which pdflatex only knows as a text-mode command.
    if flavour == "biblatex" and name in BIBER_MATH:
        return "\\mbox{" + BIBER_MATH[name] + "}"
    return "\\" + name


# ---------------------------------------------------------------------------------------------- encoding
class LatexEscaper:
    """Writes text field values for one flavour; see the module docstring for what each flavour does."""

    def __init__(self, flavour: str) -> None:
        if flavour not in FLAVOURS:
            raise ValueError(f"unknown LaTeX flavour {flavour!r}; one of {', '.join(FLAVOURS)}")
        self.flavour = flavour

    def _unit(self, unit: str, result: Encoded) -> str:
        """One character, or a letter with the combining marks that did not compose with it."""
        if unit.isascii():
            if unit in _ASCII_ESCAPES:
                return _ASCII_ESCAPES[unit]
            if ord(unit) < 32 or ord(unit) == 127:
                return " "
            return unit
        if self.flavour == "biblatex" and raw_in_utf8(unit):
            return unit
        latex = macro_for(unit, self.flavour)
        if latex is not None:
            return "{" + latex + "}"
        if len(unit) > 1:  # marks on a letter LaTeX cannot accent: each code point on its own
            return "".join(self._unit(ch, result) for ch in unit)
        if unicodedata.category(unit) in ("Cc", "Cf") and unit not in "\u200d\ufe0f":
            result.dropped.append(unit)  # invisible: nothing a reader could see, but the user is told
            return ""
        if self.flavour == "biblatex":
            result.engine_only.append(unit)
            return unit
        result.replaced.append(unit)
        return placeholder(unit)

    def _run(self, text: str, result: Encoded, protect: bool) -> str:
        """Text outside math, word by word: protected words get braces, ligature pairs a {} between."""
        if _PLAIN_TEXT.fullmatch(text) and "--" not in text and "''" not in text and ",," not in text:
            # Only letters, digits, spaces and punctuation TeX prints as they are, with none of the ligature
            # pairs these do make (most of a library's text): the same result as `_walk`, which costs more than
            # everything else an export does (tests/export/test_golden_bytes.py compares the two).
            return _PROTECT_PLAIN.sub(_braced, text) if protect else text
        return self._walk(text, result, protect)

    def _walk(self, text: str, result: Encoded, protect: bool) -> str:
        out: list[str] = []
        previous = ""
        paired = _paired_braces(text)
        for match in _TOKEN.finditer(text):
            token = match.group(0)
            if previous + token[0] in _LIGATURE_PAIRS:
                out.append("{}")
            # A matched brace pair balances for bibtex and biber as \{ \}, which every BibTeX reader decodes.
            paired_brace = match.start() in paired
            if paired_brace:
                encoded = "\\" + token
            elif token.isascii() and token.isalnum():
                encoded = token  # ASCII letters and digits stand for themselves: most words of every entry
            else:
                encoded = "".join(self._unit(unit, result) for unit in _CLUSTER.findall(token))
            if protect and (_needs_protection(token) or (previous == "-" and _lone_capital(token))):
                encoded = "{" + encoded + "}"
            out.append(encoded)
            previous = token[-1]
        return "".join(out)

    def text(
        self, value: str | None, *, protect: bool = False, lines: bool = False, paragraphs: bool = False
    ) -> Encoded:
        """A text field (title, venue, abstract ...); `protect` braces acronyms and CamelCase words.

        Whitespace becomes single spaces, except with `lines` (a Markdown note), where every line keeps its
        place, its indentation and its spacing, and with `paragraphs` (an abstract), where blank-line
        paragraph breaks stay, as the .bib importer reads them back.
        """
        result = Encoded("")
        if not value:
            return result
        if paragraphs and not lines:
            text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
            kept = [" ".join(p.split()) for p in re.split(r"\n[ \t]*\n", text) if p.strip()]
            result.latex = "\n\n".join(self._encode(p, result, protect) for p in kept)
            return result
        if not lines:
            result.latex = self._encode(" ".join(unicodedata.normalize("NFC", value).split()), result, protect)
            return result
        out = []
        for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            line = unicodedata.normalize("NFC", line.rstrip())
            body = line.lstrip(" \t")
            out.append(line[: len(line) - len(body)] + self._encode(body, result, protect))
        result.latex = "\n".join(out).strip("\n")
        return result

    def _encode(self, value: str, result: Encoded, protect: bool) -> str:
        if "$" not in value:  # no math span can start: most values
            return self._run(value, result, protect)
        parts: list[str] = []
        position = 0
        for match in _MATH_CANDIDATE.finditer(value):
            math = _math_to_latex(match.group(1), self.flavour)
            if math is None:
                continue
            parts.append(self._run(value[position : match.start()], result, protect))
            # Braces keep bibtex's case changes out of the formula.
            parts.append("{$" + math + "$}")
            position = match.end()
        parts.append(self._run(value[position:], result, protect))
        return "".join(parts)

    def name_part(self, value: str) -> Encoded:
        """One part of a person's name: `and` and commas are braced so BibTeX does not split on them."""
        # The same few thousand names fill a whole library's export: each is encoded once per flavour.
        latex, replaced, engine_only, dropped = _name_part(self.flavour, value)
        return Encoded(latex, list(replaced), list(engine_only), list(dropped))

    def _name_part(self, value: str) -> Encoded:
        result = Encoded("")
        tokens = re.split(r"(\s+|,)", value.strip())
        out = []
        for token in tokens:
            if token == ",":
                out.append("{,}")
            elif token.lower() == "and":
                out.append("{" + token + "}")
            elif token.isspace():
                out.append(" ")
            elif token:
                out.append(self._run(token, result, False))
        result.latex = "".join(out)
        return result


# ASCII that needs no escape and makes no ligature except these pairs (the others need a backtick).
_PLAIN_TEXT = re.compile(r"[A-Za-z0-9 .,;:!?()\[\]'\"/+=*@-]*")
# In text _PLAIN_TEXT matches, the words `_walk` braces (see _needs_protection and _lone_capital), found in one
# pass with no Python call per word (a call per word was a third of a 100,000-paper export's formatting): a
# capital after the first letter (BERT, LayerNorm), a capital first with a digit after it (M6, GPT3), or a lone
# capital after a hyphen (M6-T).
_PROTECT_PLAIN = re.compile(
    r"(?<![A-Za-z0-9])(?:[A-Za-z0-9]+?[A-Z]|[A-Z][A-Za-z0-9]*?[0-9]|(?<=-)[A-Z](?![A-Za-z0-9]))[A-Za-z0-9]*"
)


def _braced(match: re.Match[str]) -> str:
    # A function, not the template "{\\g<0>}": re parses a template again on every call of sub, and most titles
    # have no word to protect.
    return "{" + match.group(0) + "}"


def _lone_capital(word: str) -> bool:
    """A single capital letter (`M6-T`, `Double-I`): after a hyphen bibtex's title case would lower it."""
    return word[:1].isupper() and len(_CLUSTER.findall(word)) == 1


@functools.lru_cache(maxsize=1 << 15)
def _name_part(flavour: str, value: str) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    encoded = LatexEscaper(flavour)._name_part(value)
    return encoded.latex, tuple(encoded.replaced), tuple(encoded.engine_only), tuple(encoded.dropped)


def _paired_braces(text: str) -> set[int]:
    """Positions of the braces in `text` that have a partner; a lone one is written {\\textbraceleft}."""
    stack: list[int] = []
    paired: set[int] = set()
    for index, ch in enumerate(text):
        if ch == "{":
            stack.append(index)
        elif ch == "}" and stack:
            paired.update((stack.pop(), index))
    return paired


def _needs_protection(word: str) -> bool:
    """Acronyms and names a style must not lower-case: BERT, LayerNorm, M6, iPhone, GPT3."""
    if word.isascii():  # the same answer, cheaper: asked for every word of every title
        rest = word[1:]
        if rest != rest.lower():
            return True
        return word[:1].isupper() and not rest.isalpha() and any(ch.isdigit() for ch in rest)
    letters = [ch for ch in word if ch.isalpha()]
    if not letters:
        return False
    if any(ch.isupper() for ch in word[1:]):
        return True
    return any(ch.isdigit() for ch in word) and any(ch.isupper() for ch in word)
