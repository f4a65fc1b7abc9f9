"""Run the real pdflatex + bibtex and pdflatex + biber on an exported .bib and collect what they complained of.

Test helper only. Fonts TeX generates on first use are cached in one folder under the system temp dir, so the
isolated HOME of each test does not make every run regenerate them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

TOOLS = ("pdflatex", "bibtex", "biber", "lualatex")


def missing_tools(*names: str) -> list[str]:
    return [name for name in names if shutil.which(name) is None]


def require(*names: str) -> None:
    missing = missing_tools(*names)
    if missing:
        pytest.skip(
            f"{', '.join(missing)} not installed (Debian: texlive-binaries texlive-latex-base "
            "texlive-latex-recommended texlive-bibtex-extra biber; .ci/run installs them)"
        )


@dataclass
class Run:
    log: str  # the final LaTeX .log
    blg: str  # bibtex's or biber's .blg
    bbl: str

    def problems(self) -> list[str]:
        """Every error, warning and missing character the tools reported."""
        found = []
        for line in self.log.splitlines():
            if line.startswith("!") or "Warning" in line or "Missing character" in line or "Undefined" in line:
                found.append("log: " + line)
        for line in self.blg.splitlines():
            if re.search(r"Warning--|error message|WARN|ERROR|I was expecting|I'm skipping", line):
                found.append("blg: " + line)
        return found


def _env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["TEXMFVAR"] = str(Path(tempfile.gettempdir()) / "papershelf-texmfvar")
    env["max_print_line"] = "10000"  # whole lines in the log, so a problem is never split over two
    env["HOME"] = str(folder)
    return env


def _run(command: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=folder, env=_env(folder), capture_output=True, text=True, errors="replace", timeout=300
    )


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def compile_bibtex(bib: str, folder: Path, *, style: str = "plain", preamble: str = "") -> Run:
    """`\\nocite{*}` every entry of `bib` with `style` through pdflatex, bibtex, pdflatex, pdflatex."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "refs.bib").write_text(bib, encoding="utf-8")
    (folder / "doc.tex").write_text(
        "\\documentclass{article}\n" + preamble + "\n\\begin{document}\nText.\\nocite{*}\n"
        f"\\bibliographystyle{{{style}}}\n\\bibliography{{refs}}\n\\end{{document}}\n",
        encoding="utf-8",
    )
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    _run(latex, folder)
    _run(["bibtex", "doc"], folder)
    _run(latex, folder)
    _run(latex, folder)
    return Run(_read(folder / "doc.log"), _read(folder / "doc.blg"), _read(folder / "doc.bbl"))


def compile_biber(
    bib: str, folder: Path, *, engine: str = "pdflatex", preamble: str = "", biber_args: tuple[str, ...] = ()
) -> Run:
    """`\\nocite{*}` every entry of `bib` with biblatex through ENGINE, biber (with `biber_args`), ENGINE."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "refs.bib").write_text(bib, encoding="utf-8")
    (folder / "doc.tex").write_text(
        "\\documentclass{article}\n" + preamble + "\n\\usepackage[backend=biber]{biblatex}\n"
        "\\addbibresource{refs.bib}\n\\begin{document}\nText.\\nocite{*}\n\\printbibliography\n\\end{document}\n",
        encoding="utf-8",
    )
    latex = [engine, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    _run(latex, folder)
    _run(["biber", *biber_args, "doc"], folder)
    _run(latex, folder)
    _run(latex, folder)
    return Run(_read(folder / "doc.log"), _read(folder / "doc.blg"), _read(folder / "doc.bbl"))


def pdf_text(folder: Path) -> str:
    """The strings typeset in folder/doc.pdf, joined; the document must set `\\pdfcompresslevel=0`.

    Enough to see what a bibliography printed where pdftotext (poppler-utils) is missing: runs of characters in one
    font come out whole, so a URL set in typewriter type reads as it was printed.
    """
    path = folder / "doc.pdf"
    if not path.exists():
        return ""
    pdf = path.read_bytes().decode("latin-1")
    out = []
    for array in re.findall(r"\[((?:[^\]\\]|\\.)*)\]\s*TJ|\(((?:[^()\\]|\\.)*)\)\s*Tj", pdf):
        text = array[0] or f"({array[1]})"
        out.append("".join(re.findall(r"\(((?:[^()\\]|\\.)*)\)", text)))

    def unescape(match: re.Match[str]) -> str:
        code = match.group(1)
        return chr(int(code, 8)) if code[0] in "01234567" else code

    return re.sub(r"\\([0-7]{1,3}|.)", unescape, " ".join(out))


def write_document(lines: list[str], folder: Path, *, preamble: str = "") -> str:
    """Typeset `lines` (LaTeX) in one pdflatex run; returns the log."""
    folder.mkdir(parents=True, exist_ok=True)
    body = "\n".join(lines)
    (folder / "doc.tex").write_text(
        f"\\documentclass{{article}}\n{preamble}\n\\begin{{document}}\n{body}\n\\end{{document}}\n", encoding="utf-8"
    )
    _run(["pdflatex", "-interaction=nonstopmode", "doc.tex"], folder)
    return _read(folder / "doc.log")
