"""Page text to LaTeX field values, for one target flavour; and the exact inverse, LaTeX back to text.

Flavours:
- ``bibtex``: pure ASCII for pdflatex + bibtex. Every non-ASCII character becomes a LaTeX macro taken from
  pylatexenc's maintained Unicode-to-LaTeX table (or built from its Unicode decomposition), wrapped in braces
  as BibTeX wants special characters. A character with no safe macro (CJK, emoji) cannot be carried: it is
  written as ``[U+4E2D]`` and reported, never dropped.
- ``biblatex``: UTF-8 for biber. Characters pdflatex's UTF-8 input reads directly (Latin letters, dashes,
  quotes) stay as they are; Greek and mathematical symbols become macros so pdflatex still compiles; anything
  else (CJK, emoji) stays UTF-8 and is reported as needing lualatex/xelatex with a font that has it.

Page text is untrusted: nothing in it reaches LaTeX as a command. ``\\ { } $ & % # _ ~ ^ < > |`` are escaped
(a brace with a partner as ``\\{``/``\\}``; a lone one as ``{\\textbraceleft}``, which bibtex and biber
accept where a lone ``\\{`` breaks them); only a
``$...$`` span that is well-formed mathematics built from an allow-list of commands is kept as math, so
``$\\beta$`` stays math while ``$5`` and ``$\\input{x}$`` are text. This module never touches files or the
library.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

FLAVOURS = ("bibtex", "biblatex")


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Commands proven to compile under pdflatex with the LaTeX kernel and \usepackage[T1]{fontenc}; a replacement
# from pylatexenc's table is used only if every command in it is here (tests compile every such character).
_SAFE_TEXT_COMMANDS = _names(
    """
    " ' . = ^ ` ~ H c k r u v d b AE ae OE oe O o L l ss i j DH dh DJ dj NG ng TH th IJ ij
    guillemotleft guillemotright guilsinglleft guilsinglright quotedblbase quotesinglbase
    textacutedbl textasciiacute textasciibreve textasciicaron textasciicircum textasciidieresis textasciimacron
    textasteriskcentered textbaht textbigcircle textbrokenbar textbullet textcelsius textcent textcircledP
    textcolonmonetary textcopyright textcurrency textdagger textdaggerdbl textdegree textdiscount textdiv
    textdong textdownarrow textellipsis textemdash textendash textestimated texteuro textexclamdown textflorin
    textfractionsolidus textinterrobang textlangle textleftarrow textlira textlnot textmho textmu
    textmusicalnote textnaira textnumero textohm textonehalf textonequarter textonesuperior textopenbullet
    textordfeminine textordmasculine textparagraph textperiodcentered textpertenthousand textperthousand
    textpeso textquestiondown textquotedblleft textquotedblright textquoteleft textquoteright textrangle
    textrecipe textreferencemark textregistered textrightarrow textsection textservicemark textsterling
    textthreequarters textthreesuperior texttimes texttrademark texttwosuperior textuparrow textvisiblespace
    textwon textyen ensuremath
    """
)
# Mathematics from LaTeX's own fonts (no amssymb): the commands a kept `$...$` span and `\ensuremath` may use.
_SAFE_MATH_SYMBOLS = _names(
    """
    alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi varpi rho
    varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi
    Psi Omega aleph hbar ell wp Re Im partial infty nabla forall exists neg emptyset top bot angle prime
    pm mp times div cdot ast star circ bullet cap cup uplus sqcap sqcup vee wedge setminus wr diamond oplus
    ominus otimes oslash odot bigcirc dagger ddagger amalg leq le geq ge neq ne equiv sim simeq asymp approx
    cong subset supset subseteq supseteq sqsubseteq sqsupseteq in ni notin vdash dashv models perp mid parallel
    propto prec succ preceq succeq ll gg bowtie smile frown doteq leftarrow rightarrow to gets leftrightarrow
    Leftarrow Rightarrow Leftrightarrow longleftarrow longrightarrow longleftrightarrow Longleftarrow
    Longrightarrow Longleftrightarrow mapsto longmapsto hookleftarrow hookrightarrow uparrow downarrow
    updownarrow Uparrow Downarrow Updownarrow nearrow searrow swarrow nwarrow leftharpoonup leftharpoondown
    rightharpoonup rightharpoondown rightleftharpoons sum prod coprod int oint bigcap bigcup bigvee bigwedge
    bigoplus bigotimes bigodot biguplus log ln exp sin cos tan lim sup inf max min arg det dim ker Pr
    ldots cdots vdots ddots langle rangle lceil rceil lfloor rfloor vert Vert backslash lmoustache rmoustache
    triangleleft triangleright bigtriangleup bigtriangledown not
    """
)
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
_COMBINING_ACCENTS = {
    "\u0300": "`",
    "\u0301": "'",
    "\u0302": "^",
    "\u0303": "~",
    "\u0304": "=",
    "\u0306": "u",
    "\u0307": ".",
    "\u0308": '"',
    "\u030a": "r",
    "\u030b": "H",
    "\u030c": "v",
    "\u0323": "d",
    "\u0327": "c",
    "\u0328": "k",
    "\u0331": "b",
}
# Non-ASCII characters pdflatex's UTF-8 input reads as they are (Latin-1, Latin Extended-A, punctuation,
# currency and letterlike symbols); in the biblatex flavour they stay UTF-8 when a text macro exists for them.
_RAW_RANGES = ((0x00A0, 0x017F), (0x2010, 0x2027), (0x2030, 0x205E), (0x20A0, 0x20CF), (0x2100, 0x214F))
_COMMAND = re.compile(r"\\(?:[A-Za-z]+|.)")


@dataclass
class Encoded:
    """A field value in LaTeX, with the characters its flavour could not fully carry."""

    latex: str
    replaced: list[str] = field(default_factory=list)  # written as [U+XXXX]: the flavour cannot carry them
    engine_only: list[str] = field(default_factory=list)  # kept as UTF-8; pdflatex cannot typeset them


# ---------------------------------------------------------------------------------------------- the table
def _commands_in(latex: str) -> list[str]:
    return [c[1:] for c in _COMMAND.findall(latex)]


def _macro_safe(latex: str) -> bool:
    names = _commands_in(latex)
    if not names:
        return False  # a bare-letter "replacement" (Greek Alpha -> A) loses the character
    if latex.startswith("\\ensuremath{"):
        return all(n == "ensuremath" or n in _SAFE_MATH_SYMBOLS for n in names)
    return all(n in _SAFE_TEXT_COMMANDS for n in names)


def _from_decomposition(ch: str) -> str | None:
    """`\\H{u}` for ű, `\\~{\\^{e}}` for ễ: an ASCII letter under accents LaTeX's kernel knows."""
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    if not (base.isascii() and base.isalpha()) or not marks:
        return None
    latex = base
    for mark in marks:
        accent = _COMBINING_ACCENTS.get(mark)
        if accent is None:
            return None
        if base in "ij" and latex == base and accent in "`'^~=u.\"rHv":
            latex = "\\" + base  # a dotless i or j under an accent above
        latex = f"\\{accent}{{{latex}}}"
    return latex


@functools.cache
def _macro_table() -> dict[str, str]:
    """Non-ASCII character -> LaTeX macro, only where the macro compiles and decodes back to the character."""
    from pylatexenc.latexencode import get_builtin_uni2latex_dict

    table: dict[str, str] = {}
    for code, latex in get_builtin_uni2latex_dict().items():
        ch = chr(code)
        if code < 128 or not _macro_safe(latex):
            continue
        if _decode_nonmath("{" + latex + "}") == ch:
            table[ch] = latex
    return table


@functools.cache
def macro_for(ch: str) -> str | None:
    """The LaTeX for one non-ASCII character, or None when no safe macro exists (CJK, emoji)."""
    latex = _macro_table().get(ch)
    if latex is None:
        latex = _from_decomposition(ch)
        if latex is not None and _decode_nonmath("{" + latex + "}") != ch:
            latex = None
    return latex


def raw_in_utf8(ch: str) -> bool:
    """Whether the biblatex flavour writes this character as UTF-8 (pdflatex reads it directly)."""
    code = ord(ch)
    if not any(low <= code <= high for low, high in _RAW_RANGES):
        return False
    latex = macro_for(ch)
    return latex is not None and not latex.startswith("\\ensuremath")


def placeholder(ch: str) -> str:
    return f"[U+{ord(ch):04X}]"


# ---------------------------------------------------------------------------------------------- math spans
_MATH_CANDIDATE = re.compile(r"\$(?=\S)([^$\n]{1,300}?)(?<=\S)\$(?!\d)")


def _math_to_latex(content: str) -> str | None:
    """The span's LaTeX if it is safe, well-formed mathematics; None to treat the `$...$` as plain text."""
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
                elif name not in _SAFE_MATH_SYMBOLS:
                    return None
                out.append("\\" + name)
                if i < len(content) and content[i].isalpha():
                    out.append(" ")
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
        latex = macro_for(ch)
        if latex is None or not latex.startswith("\\ensuremath{"):
            return None  # text characters and CJK inside $...$ are not mathematics LaTeX can set
        inner = latex[len("\\ensuremath{") : -1]
        out.append(inner)
        if i + 1 < len(content) and content[i + 1].isalpha() and inner[-1].isalpha():
            out.append(" ")
        if not script_pending:
            has_sup = has_sub = False
        script_pending = False
        i += 1
    if depth != 0 or script_pending:
        return None
    return "".join(out).strip()


# ---------------------------------------------------------------------------------------------- encoding
class LatexEscaper:
    """Writes text field values for one flavour; see the module docstring for what each flavour does."""

    def __init__(self, flavour: str) -> None:
        if flavour not in FLAVOURS:
            raise ValueError(f"unknown LaTeX flavour {flavour!r}; one of {', '.join(FLAVOURS)}")
        self.flavour = flavour

    def _char(self, ch: str, result: Encoded) -> str:
        if ch.isascii():
            if ch in _ASCII_ESCAPES:
                return _ASCII_ESCAPES[ch]
            if ord(ch) < 32 or ord(ch) == 127:
                return " "
            return ch
        if self.flavour == "biblatex" and raw_in_utf8(ch):
            return ch
        latex = macro_for(ch)
        if latex is not None:
            return "{" + latex + "}"
        if unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\u200d\ufe0f":
            return ""  # invisible format/control characters carry nothing a reader could see
        if self.flavour == "biblatex":
            result.engine_only.append(ch)
            return ch
        result.replaced.append(ch)
        return placeholder(ch)

    def _run(self, text: str, result: Encoded, protect: bool) -> str:
        """Text outside math, word by word: protected words get braces, ligature pairs a {} between."""
        if _PLAIN_TEXT.fullmatch(text) and not any(pair in text for pair in _PLAIN_LIGATURES):
            # Only letters, digits, spaces and punctuation TeX prints as they are (most of a library's text):
            # the same result as the walk below, which costs more than everything else an export does.
            return _PROTECTABLE.sub(_protected, text) if protect else text
        out: list[str] = []
        previous = ""
        paired = _paired_braces(text)
        for match in re.finditer(r"[^\W_]+|[\W_]", text):
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
                encoded = "".join(self._char(ch, result) for ch in token)
            if protect and _needs_protection(token):
                encoded = "{" + encoded + "}"
            out.append(encoded)
            previous = token[-1]
        return "".join(out)

    def text(self, value: str | None, *, protect: bool = False) -> Encoded:
        """A text field (title, venue, note, abstract ...); `protect` braces acronyms and CamelCase words."""
        result = Encoded("")
        if not value:
            return result
        value = " ".join(unicodedata.normalize("NFC", value).split())
        parts: list[str] = []
        position = 0
        for match in _MATH_CANDIDATE.finditer(value):
            math = _math_to_latex(match.group(1))
            if math is None:
                continue
            parts.append(self._run(value[position : match.start()], result, protect))
            # Braces keep bibtex's case changes out of the formula.
            parts.append("{$" + math + "$}")
            position = match.end()
        parts.append(self._run(value[position:], result, protect))
        result.latex = "".join(parts)
        return result

    def name_part(self, value: str) -> Encoded:
        """One part of a person's name: `and` and commas are braced so BibTeX does not split on them."""
        # The same few thousand names fill a whole library's export: each is encoded once per flavour.
        latex, replaced, engine_only = _name_part(self.flavour, value)
        return Encoded(latex, list(replaced), list(engine_only))

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
_PLAIN_LIGATURES = ("--", "''", ",,")
_PROTECTABLE = re.compile(r"[^\W_]+")


def _protected(match: re.Match[str]) -> str:
    word = match.group(0)
    return "{" + word + "}" if _needs_protection(word) else word


@functools.lru_cache(maxsize=1 << 15)
def _name_part(flavour: str, value: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    encoded = LatexEscaper(flavour)._name_part(value)
    return encoded.latex, tuple(encoded.replaced), tuple(encoded.engine_only)


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


# ---------------------------------------------------------------------------------------------- verbatim
_URL_UNSAFE = re.compile(r"[^A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]")


def verbatim_url(url: str, flavour: str) -> str | None:
    """A URL as a field value: characters outside RFC 3986 percent-encoded (no backslash or brace survives);
    for bibtex also `%` and `#` escaped, which hyperref's \\url reads back. None if it is no web address."""
    url = url.strip()
    if not re.match(r"^(?:https?|ftp)://[^\s/]", url, re.I):
        return None
    url = _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode("utf-8")), url)
    if flavour == "bibtex":
        url = url.replace("%", "\\%").replace("#", "\\#")
    return url


def verbatim_doi(doi: str, flavour: str) -> str | None:
    doi = doi.strip()
    if not re.match(r"^10\.\d{4,9}/\S+$", doi):
        return None
    doi = re.sub(r"[{}\\\s%#]", lambda m: f"%{ord(m.group(0)):02X}", doi)
    if flavour == "bibtex":
        doi = doi.replace("%", "\\%")
    return doi


def verbatim_identifier(value: str) -> str | None:
    """arXiv identifiers and classes: letters, digits and . / - only, else not written."""
    value = value.strip()
    return value if re.fullmatch(r"[A-Za-z0-9./\-]+", value) else None


# ---------------------------------------------------------------------------------------------- decoding
@functools.cache
def _latex2text():
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    db = get_default_latex_context_db()
    db.add_context_category(
        "papershelf",
        prepend=True,
        macros=[
            MacroTextSpec("textbraceleft", "{"),
            MacroTextSpec("textbraceright", "}"),
            MacroTextSpec("textless", "<"),
            MacroTextSpec("textgreater", ">"),
            MacroTextSpec("textbar", "|"),
            MacroTextSpec("textbackslash", "\\"),
            MacroTextSpec("textasciitilde", "~"),
            MacroTextSpec("textasciicircum", "^"),
        ],
    )
    return LatexNodes2Text(latex_context=db, math_mode="verbatim", strict_latex_spaces=True)


@functools.cache
def _decode_nonmath(latex: str) -> str:
    try:
        text = _latex2text().latex_to_text(latex)
    except Exception:  # pylatexenc raises its own parse errors on malformed input
        return ""
    return unicodedata.normalize("NFC", text)


@functools.cache
def _math_symbols_back() -> dict[str, str]:
    back: dict[str, str] = {}
    for ch, latex in sorted(_macro_table().items(), key=lambda item: item[0]):
        if latex.startswith("\\ensuremath{\\") and re.fullmatch(r"\\ensuremath\{\\[A-Za-z]+\}", latex):
            back.setdefault(latex[len("\\ensuremath{\\") : -1], ch)
    return back


def latex_to_text(latex: str) -> str:
    """The inverse of `LatexEscaper.text`: field LaTeX back to the page's text (`{$\\beta$}` -> `$β$`)."""
    back = _math_symbols_back()
    formulas: list[str] = []

    def keep_formula(match: re.Match[str]) -> str:
        # Symbols the escaper made from Unicode go back to Unicode; the space it put after a command goes too.
        body = re.sub(r"\\([A-Za-z]+)(?: (?=[A-Za-z]))?", lambda m: back.get(m.group(1), m.group(0)), match.group(1))
        formulas.append("$" + body + "$")
        return f"\ue000{len(formulas) - 1}\ue001"

    # Formulas are masked while pylatexenc decodes the text around them, so it never rewrites one.
    masked = re.sub(r"(?<!\\)\$(.*?)(?<!\\)\$", keep_formula, latex)
    text = _decode_nonmath(masked)
    text = re.sub("\ue000(\\d+)\ue001", lambda m: formulas[int(m.group(1))], text)
    return " ".join(text.split())
