"""What LaTeX can do with one character: the macro that writes it, and whether pdflatex reads it as UTF-8.

Macros come from pylatexenc's maintained Unicode-to-LaTeX table, used only where every command compiles
with the LaTeX kernel and `\\usepackage[T1]{fontenc}` and decodes back to the same character, or are built
from the character's Unicode decomposition (`ǘ` -> `\\'{\\"{u}}`). The biblatex flavour writes decomposed
letters so that biber leaves them alone: biber turns `\\"{X}` into `Ẍ` and `\\~{\\^{e}}` into a broken
`\\~ê`, and pdflatex knows neither, so an accent whose result pdflatex cannot read as UTF-8 gets a `\\relax`
inside its argument (`\\"{X\\relax}`), which biber does not decode and LaTeX typesets the same.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from papershelf.exporters.latex_decode import decode_fragment


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Commands proven to compile under pdflatex with the LaTeX kernel and \usepackage[T1]{fontenc}; a replacement
# from pylatexenc's table is used only if every command in it is here (tests compile every such character).
SAFE_TEXT_COMMANDS = _names(
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
    textwon textyen textcommabelow ensuremath
    """
)
# Mathematics from LaTeX's own fonts (no amssymb): the commands a kept `$...$` span and `\ensuremath` may use.
SAFE_MATH_SYMBOLS = _names(
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
    "\u0326": "textcommabelow",  # Romanian Ș ț (LaTeX's T1 command)
}
# Accents LaTeX builds under the letter with a box or an alignment: they go outside those above it, since TeX
# can put an accent above a character but not above a box (`\d{\.{s}}` sets ṩ, `\.{\d{s}}` does not).
_BELOW = frozenset(["d", "c", "b", "k", "textcommabelow"])
# Combining marks, so a letter and the marks after it are encoded as one character (X + U+0301 -> \'{X}).
COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"

# Characters pdflatex's UTF-8 input reads as they are under \usepackage[T1]{fontenc}: those LaTeX's own
# utf8enc, ot1enc, t1enc, ts1enc and omsenc .dfu files declare (TeX Live 2022), less the ones whose command
# needs a font encoding a document does not load (Cyrillic, Greek). The biblatex flavour writes these as UTF-8;
# tests typeset each one with pdflatex.
_UTF8_RANGES = """
00A1-00AC 00AE-0125 0128-0137 0139-013E 0141-0148 014A-0165 0168-017E 0192 01C4-01D4 01E2-01E3 01E6-01EB 01F0
01F4-01F5 0218-021B 0232-0233 0237 02C6-02C7 02D8-02D9 02DB-02DD 0E3F 1E02-1E03 1E0D 1E1E-1E21 1E25 1E30-1E31
1E37 1E43 1E45 1E47 1E5B 1E63 1E6D 1E8E-1E91 1E9E 1EF2-1EF3 2010-2016 2018-201A 201C-201E 2020-2022 2026
2030-2031 2039-203B 203D 2044 204E 2052 20A1 20A4 20A6 20A9 20AB-20AC 20B1 2103 2116-2117 211E 2120 2122
2126-2127 212E 2190-2193 2329-232A 2422-2423 25E6 25EF 266A 27E8-27E9 3008-3009 FB00-FB06
"""
_COMMAND = re.compile(r"\\(?:[A-Za-z]+|.)")


def _ranges(text: str) -> frozenset[str]:
    chars: set[str] = set()
    for item in text.split():
        low, _, high = item.partition("-")
        chars.update(chr(code) for code in range(int(low, 16), int(high or low, 16) + 1))
    return frozenset(chars)


# Only characters text keeps after NFC: the ohm sign Ω is the Greek Ω by then, which pdflatex does not read.
UTF8_KNOWN = frozenset(ch for ch in _ranges(_UTF8_RANGES) if unicodedata.normalize("NFC", ch) == ch)


def raw_in_utf8(ch: str) -> bool:
    """Whether the biblatex flavour writes this character as UTF-8 (pdflatex reads it directly)."""
    return ch in UTF8_KNOWN


def placeholder(ch: str) -> str:
    """What the bibtex flavour writes for a character it cannot carry; braced, so no style changes its case
    and the importer knows it for the character (a literal "[U+4E2D]" in page text is never braced)."""
    return f"{{[U+{ord(ch):04X}]}}"


def _commands_in(latex: str) -> list[str]:
    return [c[1:] for c in _COMMAND.findall(latex)]


def _macro_safe(latex: str) -> bool:
    names = _commands_in(latex)
    if not names:
        return False  # a bare-letter "replacement" (Greek Alpha -> A) loses the character
    if latex.startswith("\\ensuremath{"):
        return all(n == "ensuremath" or n in SAFE_MATH_SYMBOLS for n in names)
    return all(n in SAFE_TEXT_COMMANDS for n in names)


def _from_decomposition(cluster: str, opaque_to_biber: bool) -> str | None:
    """`\\H{u}` for ű, `\\~{\\^{e}}` for ễ: an ASCII letter under accents LaTeX's kernel knows.

    With `opaque_to_biber`, each accent whose result pdflatex cannot read as UTF-8 gets a `\\relax` in its
    argument, so biber leaves it for LaTeX to set (`\\~{\\^{e}\\relax}`: biber makes the inner one `ê`).
    """
    decomposed = unicodedata.normalize("NFD", cluster)
    base, marks = decomposed[0], decomposed[1:]
    if not (base.isascii() and base.isalpha()) or not marks:
        return None
    accents = [_COMBINING_ACCENTS.get(mark) for mark in marks]
    if None in accents:
        return None
    # Marks above and below a letter are independent (Unicode orders them canonically); below goes outside.
    order = sorted(range(len(marks)), key=lambda i: accents[i] in _BELOW)
    latex = base
    composed = base
    for i in order:
        accent = accents[i]
        composed = unicodedata.normalize("NFC", composed + marks[i])
        opaque = opaque_to_biber and not (len(composed) == 1 and composed in UTF8_KNOWN)
        # A dotless i or j under an accent above; not where biber decodes the accent, which it would then
        # apply to ı (giving ı̈, not ï).
        if base in "ij" and latex == base and accent in "`'^~=u.\"rHv" and (opaque or not opaque_to_biber):
            latex = "\\" + base
        if opaque:
            # biber rewrites a letter-named accent before anything but a letter it can compose (`\d{A\relax}`
            # becomes a lone combining mark): `\csname\romannumeral0d\endcsname` is `\d` to TeX and no accent
            # to biber. (`\romannumeral0` expands to nothing; a space instead would split a name in biber.)
            command = f"\\csname\\romannumeral0{accent}\\endcsname" if accent.isalpha() else "\\" + accent
            latex = f"{command}{{{latex}\\relax}}"
        else:
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
        if decode_fragment("{" + latex + "}") == ch:
            table[ch] = latex
    return table


@functools.cache
def macro_for(cluster: str, flavour: str = "bibtex") -> str | None:
    """The LaTeX for one non-ASCII character (or a letter with combining marks), or None when no safe macro
    exists (CJK, emoji)."""
    cluster = unicodedata.normalize("NFC", cluster)
    if flavour == "biblatex":
        # Decomposed letters first: their biber-proof form; the table's accent macros biber would rewrite.
        latex = _from_decomposition(cluster, opaque_to_biber=True) or _macro_table().get(cluster)
    else:
        latex = _macro_table().get(cluster) or _from_decomposition(cluster, opaque_to_biber=False)
    if latex is not None and decode_fragment("{" + latex + "}") != cluster:
        return None
    return latex
