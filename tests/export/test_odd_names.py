"""Issue 17: names that broke bibtex or biber, imported from a .bib and compiled with the real tools."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from papershelf.cli.main import main

from .texrun import compile_biber, compile_bibtex, pdf_text, require

pytestmark = pytest.mark.tex


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def import_bib(capsys, tmp_path: Path, text: str) -> list[dict]:
    source = tmp_path / "a.bib"
    source.write_text(text, encoding="utf-8")
    library = str(tmp_path / "library.sqlite")
    code, _, _ = run_cli(capsys, "--library", library, "import", str(source))
    assert code == 0
    return json.loads(run_cli(capsys, "--library", library, "papers", "--json")[1])


def test_a_name_with_many_commas_is_not_dropped_by_biber(capsys, tmp_path):
    require("pdflatex", "biber")
    text = "@article{k,\n  title = {Commas},\n  author = {Jr., Sr.{,} Mr.{,} Hans and Doe, Jane},\n  year = 2020,\n}\n"
    import_bib(capsys, tmp_path, text)
    code, out, _ = run_cli(capsys, "--library", str(tmp_path / "library.sqlite"), "export", "-f", "biblatex")
    assert code == 0
    run = compile_biber(out, tmp_path / "tex")
    assert run.problems() == []
    assert run.bbl.count("\\entry{") == 1
    assert "Hans" in run.bbl and "Doe" in run.bbl


# Given names starting with a character LaTeX writes as a macro or an escape, and the initial each must print.
_MACRO_FIRST = [
    ("^Caret", "^."),
    ("\\Backslash", "\\."),
    ("Ẍavier", "\x04 X."),  # the T1 font's diaeresis (slot 4) has no Unicode name: the PDF text holds \x04
    ("Ωmega", "Ω."),
]


def _macro_first_bib() -> str:
    from papershelf.exporters.latex_escape import LatexEscaper

    escape = LatexEscaper("bibtex").name_part
    entries = []
    for i, (given, _) in enumerate(_MACRO_FIRST):
        family = "Fam" + "ABCDEFGHIJ"[i]
        entries.append(
            f"@misc{{k{i},\n  title = {{Title {i}}},\n  author = {{{family}, {escape(given).latex} Bob and "
            f"{escape(given).latex}{family}, Ann}},\n  year = 2020,\n}}\n"
        )
    return "\n".join(entries)


def _printed(folder: Path) -> str:
    import shutil
    import subprocess

    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-raw", str(folder / "doc.pdf"), "-"], capture_output=True, text=True, check=True
        ).stdout
        return unicodedata.normalize("NFC", text)  # the font's Ω reads as the ohm sign, U+2126
    return pdf_text(folder)


@pytest.mark.parametrize("option", ["giveninits=true", "firstinits=true", "giveninits=false"])
def test_names_starting_with_a_macro_compile_and_print_their_initials(capsys, tmp_path, option):
    require("pdflatex", "biber")
    before = import_bib(capsys, tmp_path, _macro_first_bib())
    library = str(tmp_path / "library.sqlite")
    code, out, _ = run_cli(capsys, "--library", library, "export", "-f", "biblatex")
    assert code == 0
    folder = tmp_path / "tex"
    preamble = f"\\pdfcompresslevel=0\\usepackage[T1]{{fontenc}}\\PassOptionsToPackage{{{option}}}{{biblatex}}"
    run = compile_biber(out, folder, preamble=preamble)
    # biblatex still honours the old name of giveninits, and says it is deprecated: that warning is the option's.
    assert [p for p in run.problems() if "'firstinits' option is deprecated" not in p] == []
    assert run.bbl.count("\\entry{") == len(_MACRO_FIRST)
    printed = " ".join(_printed(folder).split())
    for given, initial in _MACRO_FIRST:
        if option == "giveninits=false":
            assert f"{given.replace('Ẍ', chr(4) + ' X')} Bob" in printed
        else:
            assert f"{initial} B. Fam" in printed
    assert "bibinitperiod" not in printed
    # The export reads back as the same people.
    again = tmp_path / "again.bib"
    again.write_text(out, encoding="utf-8")
    library2 = str(tmp_path / "again.sqlite")
    assert run_cli(capsys, "--library", library2, "import", str(again))[0] == 0
    after = json.loads(run_cli(capsys, "--library", library2, "papers", "--json")[1])
    assert sorted(p["authors"] for p in after) == sorted(p["authors"] for p in before)

    # bibtex, which always compiled them, still does, with the same initials.
    require("bibtex")
    code, out, _ = run_cli(capsys, "--library", library, "export", "-f", "bibtex")
    assert code == 0
    run = compile_bibtex(out, tmp_path / "bibtex", style="abbrv", preamble=preamble.split("\\PassOptions")[0])
    assert run.problems() == []
    printed = " ".join(_printed(tmp_path / "bibtex").split())
    for _, initial in _MACRO_FIRST:
        assert f"{initial} B. Fam" in printed


def test_a_corporate_name_and_a_family_prefix_starting_with_a_macro_compile_with_biber(capsys, tmp_path):
    require("pdflatex", "biber")
    text = (
        "@misc{k,\n  title = {Corp},\n  author = {{{\\textasciicircum}Caret Corp} and "
        "van der {\\textbackslash}Berg, Ann},\n  year = 2020,\n}\n"
    )
    before = import_bib(capsys, tmp_path, text)
    code, out, _ = run_cli(capsys, "--library", str(tmp_path / "library.sqlite"), "export", "-f", "biblatex")
    assert code == 0
    folder = tmp_path / "tex"
    preamble = "\\pdfcompresslevel=0\\usepackage[T1]{fontenc}\\PassOptionsToPackage{giveninits=true}{biblatex}"
    run = compile_biber(out, folder, preamble=preamble)
    assert run.problems() == []
    assert "^Caret Corp and A. van der \\Berg." in " ".join(_printed(folder).split())
    again = tmp_path / "again.bib"
    again.write_text(out, encoding="utf-8")
    library2 = str(tmp_path / "again.sqlite")
    assert run_cli(capsys, "--library", library2, "import", str(again))[0] == 0
    after = json.loads(run_cli(capsys, "--library", library2, "papers", "--json")[1])
    assert [p["authors"] for p in after] == [p["authors"] for p in before] == [["^Caret Corp", "Ann van der \\Berg"]]
