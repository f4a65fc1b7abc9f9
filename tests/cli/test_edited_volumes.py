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


def test_show_names_the_linked_files_and_whether_they_are_here(tmp_path, capsys):
    (tmp_path / "pdfs").mkdir()
    (tmp_path / "pdfs" / "a.pdf").write_bytes(b"%PDF-1.4\n")
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{a, author = {Ann Author}, title = {A Paper With Files}, year = 2020,"
        " file = {:pdfs/a.pdf:PDF;:/nowhere/b.pdf:PDF}}\n",
        encoding="utf-8",
    )
    library = str(tmp_path / "library.sqlite")
    assert main(["--library", library, "import", str(bib)]) == 0
    capsys.readouterr()
    assert main(["--library", library, "show", "1"]) == 0
    out = capsys.readouterr().out
    assert f"PDF: {tmp_path / 'pdfs' / 'a.pdf'}" in out
    assert "PDF: /nowhere/b.pdf (not found on this computer)" in out
