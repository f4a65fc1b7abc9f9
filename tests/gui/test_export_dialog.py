"""Exporting from the window: the preview shows the selection, files are written whole, a tag's file is kept
updated, and the clipboard gets the same text."""

from __future__ import annotations

import json

import pytest
from PySide6.QtGui import QGuiApplication

from papershelf.gui.export_dialog import ExportDialog, autoexport_runner
from papershelf.gui.hub import LibraryHub
from papershelf.gui.settings import use_settings_file
from papershelf.importers.records import PaperRecord
from papershelf.model.keys import list_autoexports
from papershelf.model.store import import_records

RECORDS = [
    PaperRecord(line=1, title="Attention Everywhere", authors=("Ada Lovelace", "Alan Turing"), year=2019, venue="ICML"),
    PaperRecord(line=2, title="Graphs of Things", authors=("Alan Turing",), year=2020, venue="NeurIPS"),
    PaperRecord(line=3, title="Ranking Stuff", authors=("Grace Hopper",), year=2021, venue="ACL"),
    PaperRecord(line=4, title="Sorting Out Sorts", authors=("Grace Hopper", "Ada Lovelace"), year=2022),
]


@pytest.fixture(autouse=True)
def _own_settings(tmp_path):
    use_settings_file(tmp_path / "settings.ini")
    yield
    use_settings_file(None)


@pytest.fixture
def hub(library):
    import_records(library, file="refs.bib", path="/refs.bib", sha256="r", fmt="bibtex", owner=None, records=RECORDS)
    hub = LibraryHub(library, watch_interval_ms=0)
    yield hub
    runner = autoexport_runner(hub, create=False)
    if runner is not None:
        runner.stop()
    hub.close()


def entries(bib: str) -> int:
    """How many entries a .bib text holds (@preamble and @string are not entries)."""
    return sum(
        1 for line in bib.splitlines() if line.startswith("@") and not line.lower().startswith(("@preamble", "@string"))
    )


def keys(library, ids):
    return [paper.citekey for paper in library.get_papers(ids)]


def open_dialog(qtbot, hub, **what) -> ExportDialog:
    dialog = ExportDialog(hub, None, **what)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_preview_shows_the_selected_papers_in_each_flavour(qtbot, hub, library):
    ids = library.paper_ids()
    chosen, left_out = ids[:2], ids[2:]
    dialog = open_dialog(qtbot, hub, paper_ids=chosen)
    assert dialog.what_label.text() == "Export 2 selected papers."
    text = dialog.preview.toPlainText()
    assert all(f"{{{key}," in text for key in keys(library, chosen))
    assert not any(key in text for key in keys(library, left_out))
    assert entries(text) == 2 and "Attention Everywhere" in text

    dialog.set_flavour("csl-json")
    items = json.loads(dialog.preview.toPlainText())
    assert sorted(item["id"] for item in items) == sorted(keys(library, chosen))
    dialog.set_flavour("ris")
    assert dialog.preview.toPlainText().count("TY  - ") == 2
    dialog.abstracts_box.setChecked(False)
    assert "2 entries" in dialog.preview_label.text()


def test_saving_writes_the_whole_export_atomically(qtbot, hub, library, tmp_path):
    dialog = open_dialog(qtbot, hub, paper_ids=library.paper_ids())
    dialog.set_flavour("biblatex")
    target = tmp_path / "out" / "refs"
    target.parent.mkdir()
    assert dialog.save_to(target)
    written = target.with_suffix(".bib")
    assert written.read_text(encoding="utf-8") == dialog.preview.toPlainText()
    assert "4 entries written" in dialog.status_label.text()
    assert [p.name for p in written.parent.iterdir()] == ["refs.bib"]  # no temporary file left behind
    # The next export starts from the flavour used last.
    assert open_dialog(qtbot, hub, paper_ids=[]).flavour == "biblatex"


def test_an_authors_papers_are_exported_under_their_name(qtbot, hub, library):
    hopper = next(a for a in library.list_authors() if a.name == "Grace Hopper")
    dialog = open_dialog(qtbot, hub, author_id=hopper.id)
    assert "2 papers by Grace Hopper" in dialog.what_label.text()
    assert dialog.suggested_file_name() == "Grace-Hopper.bib"
    text = dialog.preview.toPlainText()
    assert "Ranking Stuff" in text and "Sorting Out Sorts" in text and "Graphs of Things" not in text
    assert not dialog.keep_updated.isEnabled()


def test_copy_puts_the_export_on_the_clipboard(qtbot, hub, library):
    dialog = open_dialog(qtbot, hub, paper_ids=library.paper_ids()[:1])
    dialog.copy_to_clipboard()
    assert QGuiApplication.clipboard().text() == dialog.export().text
    assert "Attention Everywhere" in QGuiApplication.clipboard().text()


def test_a_tag_file_is_kept_updated(qtbot, hub, library, tmp_path):
    ids = library.paper_ids()
    library.add_tag(ids[:2], "thesis")
    dialog = open_dialog(qtbot, hub, tag="thesis")
    assert "2 papers tagged “thesis”" in dialog.what_label.text()
    dialog.keep_updated.setChecked(True)
    target = tmp_path / "thesis.bib"
    assert dialog.save_to(target)
    assert [row.tag for row in list_autoexports(library)] == ["thesis"]
    # The first write runs on the auto-export thread, not the interface's; the status line says when it is done.
    assert dialog.is_writing() and dialog.status_label.text().startswith("Writing ")
    qtbot.waitUntil(lambda: not dialog.is_writing(), timeout=10000)
    assert "2 entries written" in dialog.status_label.text()
    first = target.read_text(encoding="utf-8")
    new_key = keys(library, [ids[3]])[0]
    assert new_key not in first and all(key in first for key in keys(library, ids[:2]))

    library.add_tag([ids[3]], "thesis")  # tagging later, anywhere in the app
    qtbot.waitUntil(lambda: new_key in target.read_text(encoding="utf-8"), timeout=10000)


def test_a_file_that_cannot_be_written_is_explained(qtbot, hub, library, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    dialog = open_dialog(qtbot, hub, paper_ids=library.paper_ids())
    assert not dialog.save_to(blocker / "refs.bib")
    assert "Could not write" in dialog.status_label.text()


def test_a_search_is_exported_as_a_search_and_can_be_kept_updated(qtbot, hub, library, tmp_path):
    dialog = open_dialog(qtbot, hub, query="author:hopper")
    assert dialog.what_label.text() == "Export 2 papers matching “author:hopper”."
    assert dialog.suggested_file_name() == "author-hopper.bib"
    assert dialog.keep_updated.isEnabled()
    assert "whenever the papers matching “author:hopper” change" in dialog.keep_updated.text()
    dialog.keep_updated.setChecked(True)
    target = tmp_path / "hopper.bib"
    assert dialog.save_to(target)
    qtbot.waitUntil(lambda: not dialog.is_writing(), timeout=10000)
    assert [(row.tag, row.query) for row in list_autoexports(library)] == [(None, "author:hopper")]
    assert entries(target.read_text(encoding="utf-8")) == 2

    import_records(
        library,
        file="more.bib",
        path="/more.bib",
        sha256="m",
        fmt="bibtex",
        owner=None,
        records=[PaperRecord(line=1, title="Compilers Later", authors=("Grace Hopper",), year=2023)],
    )
    qtbot.waitUntil(lambda: "Compilers Later" in target.read_text(encoding="utf-8"), timeout=10000)


def test_lists_that_cannot_be_re_run_say_why_they_are_not_kept_updated(qtbot, hub, library):
    hopper = next(a for a in library.list_authors() if a.name == "Grace Hopper")
    for what in ({"paper_ids": library.paper_ids()[:1]}, {"author_id": hopper.id}, {"view": "recent"}):
        dialog = open_dialog(qtbot, hub, **what)
        assert not dialog.keep_updated.isEnabled()
        assert "tag" in dialog.keep_updated.toolTip() or "search" in dialog.keep_updated.toolTip()
    whole = open_dialog(qtbot, hub)
    assert whole.what_label.text() == "Export all 4 papers of the library."
    assert whole.keep_updated.isEnabled()


MASTER_BIB = r"""@string{j-TUGboat = "TUGboat"}
@comment{jabref-meta: databaseType:bibtex;}
@article{beeton2020,
  author  = {Barbara Beeton},
  title   = {News from the {\TeX} Users Group},
  journal = j-TUGboat,
  year    = {2020},
}
@inproceedings{child2010,
  author   = {Chris Child},
  title    = {A Paper in the Proceedings},
  crossref = {procs2010},
}
@proceedings{procs2010,
  editor    = {Paula Chair},
  title     = {Proceedings of the Tenth Workshop},
  publisher = {ACM},
  year      = {2010},
}
"""


def test_a_bib_comes_back_with_its_macros_and_crossrefs_as_the_user_chooses(qtbot, library, tmp_path):
    from papershelf.pipeline import import_file

    source = tmp_path / "master.bib"
    source.write_text(MASTER_BIB, encoding="utf-8")
    assert import_file(library, source).ok
    hub = LibraryHub(library, watch_interval_ms=0)
    try:
        child = library.paper_by_key("child2010")
        beeton = library.paper_by_key("beeton2020")
        dialog = open_dialog(qtbot, hub, paper_ids=[beeton.id, child.id])
        text = dialog.preview.toPlainText()
        # The parent comes along and stands last; values are written out; the file's JabRef metadata is kept.
        assert text.index("@inproceedings{child2010") < text.index("@proceedings{procs2010")
        assert "journal = {TUGboat}" in text and "@string" not in text and "jabref-meta" in text
        assert "{\\TeX} Users Group" in text

        dialog.strings_box.setChecked(True)
        text = dialog.preview.toPlainText()
        assert "@string{j-TUGboat = {TUGboat}}" in text and "journal = j-TUGboat," in text

        dialog.inherit_box.setChecked(True)
        text = dialog.preview.toPlainText()
        assert "crossref" not in text and "@proceedings" not in text
        assert "booktitle = {Proceedings of the Tenth Workshop}" in text and "publisher = {ACM}" in text

        assert not dialog.names_box.isEnabled()  # a biblatex option
        dialog.set_flavour("biblatex")
        dialog.strings_box.setChecked(False)
        assert "journal = {TUGboat}" in dialog.preview.toPlainText()
        dialog.names_box.setChecked(True)
        assert "journaltitle = {TUGboat}" in dialog.preview.toPlainText()

        dialog.set_flavour("ris")  # the .bib options mean nothing there
        assert not dialog.strings_box.isEnabled() and not dialog.inherit_box.isEnabled()
        assert not dialog.names_box.isEnabled()
    finally:
        hub.close()
