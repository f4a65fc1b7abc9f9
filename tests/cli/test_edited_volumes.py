"""An edited volume in the paper list: its editors stand where a paper's authors stand, marked "(eds.)"."""

from __future__ import annotations

from papershelf.cli.main import main


def test_papers_lists_an_edited_volume_by_its_editors(tmp_path, capsys):
    bib = tmp_path / "volume.bib"
    bib.write_text(
        "@book{works, editor = {van Beethoven, Ludwig and {Barnes and Noble, Inc.}}, title = {Collected Works},"
        " publisher = {Springer}, year = 1896}\n"
        "@misc{nobody, title = {A Paper Nobody Signed}, year = 2001}\n",
        encoding="utf-8",
    )
    library = str(tmp_path / "library.sqlite")
    assert main(["--library", library, "import", str(bib)]) == 0
    capsys.readouterr()
    assert main(["--library", library, "papers"]) == 0
    out = capsys.readouterr().out
    assert "Ludwig van Beethoven, Barnes and Noble, Inc. (eds.)" in out
    assert "(authors not listed)" in out  # the paper with neither authors nor editors says so
