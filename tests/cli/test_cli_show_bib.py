"""`papershelf show ID` lists a paper's .bib entry: its declared type and every field, decoded, edits marked;
`papershelf edit ID bib_type=... bib.NAME=...` edits it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import run_cli

from papershelf.model import Library

BIB = """@string{j-TUGboat = "TUGboat"}
@phdthesis{mueller2001,
  author = {J{\\"o}rg M{\\"u}ller},
  title  = {On $\\alpha$-Stable Processes at {NASA} with \\TeX},
  school = {Universit{\\"a}t Heidelberg},
  year   = {2001},
  month  = apr,
  basefilename = {mueller-thesis},
}
"""


@pytest.fixture
def imported(tmp_path: Path, library_path: Path, capsys: pytest.CaptureFixture[str]) -> int:
    bib = tmp_path / "theses.bib"
    bib.write_text(BIB, encoding="utf-8")
    code, _, err = run_cli(capsys, "--library", str(library_path), "import", str(bib))
    assert code == 0, err
    with Library.open(library_path) as library:
        return library.paper_by_key("mueller2001").id


def test_show_lists_the_entry_type_and_its_fields_decoded(
    library_path: Path, imported: int, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(capsys, "--library", str(library_path), "show", str(imported))
    assert code == 0
    entry = out.split(".bib entry: ", 1)[1].splitlines()
    assert entry[0] == "@phdthesis"
    assert [line.split(" = ")[0].strip() for line in entry[1:7]] == [
        "author",
        "title",
        "school",
        "year",
        "month",
        "basefilename",
    ]
    assert "school = Universität Heidelberg" in out and "month = April" in out
    assert "author = Jörg Müller" in out and "basefilename = mueller-thesis" in out


def test_show_marks_what_the_user_edited_and_json_gives_both_forms(
    library_path: Path, imported: int, capsys: pytest.CaptureFixture[str]
) -> None:
    with Library.open(library_path) as library:
        library.edit_bib_fields(imported, {"school": "ETH Zürich"})
        library.edit_paper(imported, bib_type="thesis")
    code, out, _ = run_cli(capsys, "--library", str(library_path), "show", str(imported))
    assert code == 0
    assert ".bib entry: @thesis (edited)" in out
    assert "school = ETH Zürich  (edited)" in out and "year = 2001\n" in out
    code, out, _ = run_cli(capsys, "--library", str(library_path), "show", str(imported), "--json")
    data = json.loads(out)
    assert data["bib_type"] == "thesis"
    fields = {f["name"]: f for f in data["bib_fields"]}
    assert fields["title"]["latex"] == "On $\\alpha$-Stable Processes at {NASA} with \\TeX"
    assert fields["month"] == {"name": "month", "text": "April", "latex": "April", "macro": "apr", "edited": False}
    assert fields["school"]["edited"] is True and fields["school"]["latex"] is None


def test_edit_sets_the_entry_type_and_bib_fields_all_or_nothing(
    library_path: Path, imported: int, capsys: pytest.CaptureFixture[str]
) -> None:
    library = ["--library", str(library_path)]
    code, _, err = run_cli(capsys, *library, "edit", str(imported), "bib_type=thesis", "bib.type=phdthesis")
    assert code == 0, err
    code, out, _ = run_cli(capsys, *library, "show", str(imported))
    assert ".bib entry: @thesis (edited)" in out and "type = phdthesis  (edited)" in out
    # One bad name refuses the whole command: the title is not changed either.
    code, _, err = run_cli(capsys, *library, "edit", str(imported), "title=Other", "bib.bad name=x")
    assert code == 2 and "'bad name' is not a BibTeX field name" in err
    code, out, _ = run_cli(capsys, *library, "show", str(imported))
    assert out.splitlines()[0].startswith("On ") and "@thesis" in out
    # FIELD= gives it back to the sources.
    code, _, err = run_cli(capsys, *library, "edit", str(imported), "bib_type=", "bib.type=")
    assert code == 0, err
    code, out, _ = run_cli(capsys, *library, "show", str(imported))
    assert ".bib entry: @phdthesis\n" in out and " type = " not in out.split(".bib entry")[1]
