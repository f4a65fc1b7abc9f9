"""Issue 17: names that broke bibtex or biber, imported from a .bib and compiled with the real tools."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from papershelf.cli.main import main

from .texrun import compile_biber, require

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
