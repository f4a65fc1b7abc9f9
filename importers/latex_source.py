"""A publication list written in LaTeX (a CV's .tex source, or its list pasted) as the plain text the page
reader reads: `\\section{Publications}` becomes a heading line, `\\item` an entry marker, and the rest of each
line is LaTeX decoded to text by pylatexenc (`J.~Doe`, `Sch{\\"o}lkopf`, `\\textit{Title}`, `--`).

The text keeps the source's lines one for one, so a warning's line number is the .tex file's. A citation
whose braces open on one line and close on the next is decoded line by line all the same (pylatexenc
tolerates the open brace). Knows nothing about papers, and never runs TeX.
"""

from __future__ import annotations

import contextlib
import re

_SECTION = re.compile(
    r"\\(?:part|chapter|section|subsection|subsubsection|paragraph|cvsection|cvsubsection)\*?\s*"
    r"(?:\[[^\]]*\])?\s*\{([^{}]*)\}"
)
_ITEM = re.compile(r"\\(?:item|bibitem)\b\s*(?:\[[^\]]*\])?(?:\{[^{}]*\})?\s*")
_ENVIRONMENT = re.compile(r"\\(?:begin|end)\s*\{[^{}]*\}(?:\s*\[[^\]]*\])?(?:\s*\{[^{}]*\})*")
_COMMENT = re.compile(r"(?<!\\)%.*$")
# Lines of the document's set-up, not its text: left empty. (Layout commands such as \noindent or \small may
# start a line of text: pylatexenc drops those, not the line.)
_SETUP = re.compile(
    r"^\s*\\(?:documentclass|usepackage|RequirePackage|newcommand|renewcommand|providecommand|def|let|setlength|"
    r"addtolength|pagestyle|thispagestyle|maketitle|geometry|hypersetup|input|include|bibliography"
    r"|bibliographystyle|nocite)\b"
)
_LIST = re.compile(r"\\begin\s*\{(?:enumerate|itemize|description|thebibliography|etaremune|publist)\}")


def looks_like_latex(text: str) -> bool:
    """LaTeX source holding a list: a sectioning command or a list environment, and two items or more."""
    sample = text[:200_000]
    if re.search(r"(?m)^\s*@[A-Za-z]+\s*[{(]", sample):
        return False  # BibTeX, whose abstracts may hold a list
    return bool(_LIST.search(sample) or _SECTION.search(sample)) and len(_ITEM.findall(sample)) >= 2


def to_text(text: str) -> str:
    """The source as plain text, line for line."""
    from pylatexenc.latex2text import LatexNodes2Text
    from pylatexenc.latexwalker import LatexWalkerError

    converter = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=False)
    lines = []
    for line in text.split("\n"):
        line = _COMMENT.sub("", line)
        if _SETUP.match(line):
            lines.append("")
            continue
        line = _SECTION.sub(lambda found: found.group(1), line)
        line = _ITEM.sub("• ", line)
        line = _ENVIRONMENT.sub("", line)
        line = re.sub(r"\\\\\s*(?:\[[^\]]*\])?\s*$", "", line)  # a forced line break at the end
        if "\\" in line or "{" in line or "~" in line or "--" in line:
            # nested past reading (thousands of braces): kept as written, for the reader to report
            with contextlib.suppress(RecursionError, LatexWalkerError, ValueError, IndexError):
                line = converter.latex_to_text(line)
        lines.append(re.sub(r"[ \t\u00a0]+", " ", line).strip())  # a tie (~) is a space here
    return "\n".join(lines)
