"""A .bib's `keywords` are the paper's tags, as Zotero and JabRef read them: imported as tags, written back from
the tags, and a tag the user took off stays off through re-imports and exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from papershelf.cli.main import main

BIB = r"""@article{smith2020,
  author = {Smith, John},
  title = {A Study of \TeX},
  journal = {J. Test},
  year = {2020},
  keywords = {deep learning, to-read; M{\"u}ller's method},
  annote = {my own note},
}
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out + err


def only_paper(capsys: pytest.CaptureFixture[str], library: Path) -> dict:
    (paper,) = json.loads(run(capsys, "--library", str(library), "papers", "--json").split("\nCreated")[0])
    return paper


def test_keywords_become_tags_and_come_back_as_written(capsys, tmp_path):
    library, source, out = tmp_path / "l.sqlite", tmp_path / "refs.bib", tmp_path / "out.bib"
    source.write_text(BIB, encoding="utf-8")
    run(capsys, "--library", str(library), "import", str(source))
    assert sorted(only_paper(capsys, library)["tags"]) == ["Müller's method", "deep learning", "to-read"]
    run(capsys, "--library", str(library), "export", "-o", str(out))
    # Untouched tags: the file's own spelling, LaTeX and separators included.
    assert r"keywords = {deep learning, to-read; M{\"u}ller's method}," in out.read_text(encoding="utf-8")


def test_a_tag_the_user_took_off_stays_off_and_their_tags_are_the_keywords(capsys, tmp_path):
    library, source, out = tmp_path / "l.sqlite", tmp_path / "refs.bib", tmp_path / "out.bib"
    source.write_text(BIB, encoding="utf-8")
    run(capsys, "--library", str(library), "import", str(source))
    run(capsys, "--library", str(library), "tag", "--remove", "to-read", "1")
    run(capsys, "--library", str(library), "tag", "survey, 2020", "1")
    run(capsys, "--library", str(library), "note", "1", "typed later")
    # The same file again (a newer capture of it): the user's removal holds.
    source.write_text(BIB.replace("A Study", "A study"), encoding="utf-8")
    run(capsys, "--library", str(library), "import", str(source))
    paper = only_paper(capsys, library)
    assert sorted(paper["tags"]) == ["Müller's method", "deep learning", "survey, 2020"]
    run(capsys, "--library", str(library), "export", "-o", str(out))
    text = out.read_text(encoding="utf-8")
    assert "to-read" not in text
    assert "{survey, 2020}" in text and "annote = {typed later}" in text

    # Read back into the same library: nothing changes, and the report says so.
    report = run(capsys, "--library", str(library), "import", str(out))
    assert "new 0, merged with existing 1 (not changed), updated 0" in report
    # Into an empty library: every tag and the note are recreated.
    fresh = tmp_path / "fresh.sqlite"
    run(capsys, "--library", str(fresh), "import", str(out))
    again = only_paper(capsys, fresh)
    assert sorted(again["tags"]) == sorted(paper["tags"]) and again["note"] == "typed later"
