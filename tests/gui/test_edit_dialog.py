"""Editing a paper (F2): the user's values are marked, survive re-imports, can go back to the sources, undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from papershelf.gui.edit_dialog import EditPaperDialog
from papershelf.gui.hub import LibraryHub
from papershelf.gui.undo import undo_stack
from papershelf.pipeline import import_file

ENTRY = """@article{smith2020,
  title = {{TITLE}},
  author = {Smith, John and Doe, Jane},
  year = {{YEAR}},
  journal = {Journal of Stuff},
}
"""


def write_page(path: Path, title: str, year: int) -> Path:
    path.write_text(ENTRY.replace("{TITLE}", title).replace("{YEAR}", str(year)), encoding="utf-8")
    return path


@pytest.fixture
def hub(library):
    hub = LibraryHub(library, watch_interval_ms=0)
    yield hub
    hub.close()


@pytest.fixture
def imported(library, tmp_path):
    page = write_page(tmp_path / "refs.bib", "A Study of Thngs", 2020)
    report = import_file(library, page)
    assert report.ok and report.new == 1
    return page, report.paper_ids[0]


def open_dialog(qtbot, hub, paper_id) -> EditPaperDialog:
    dialog = EditPaperDialog(hub, paper_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def save(qtbot, dialog):
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)


def type_into(qtbot, dialog, field, text):
    editor = dialog.rows[field].editor
    editor.selectAll()
    qtbot.keyClicks(editor, text)


def test_an_edited_title_survives_a_reimport_of_a_newer_page(qtbot, hub, library, imported):
    page, paper_id = imported
    dialog = open_dialog(qtbot, hub, paper_id)
    assert not dialog.is_user_edit("title")
    type_into(qtbot, dialog, "title", "A Study of Things")
    assert dialog.is_user_edit("title")
    assert dialog.rows["title"].label.text().startswith("✎")
    assert "Sources say: A Study of Thngs" in dialog.rows["title"].hint.text()
    save(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert library.get_paper(paper_id).title == "A Study of Things"

    # The page is captured again with another year (and its typo still there): the year follows the page,
    # the title stays the user's.
    report = import_file(library, write_page(page, "A Study of Thngs", 2021))
    assert report.ok and report.updated == 1
    paper = library.get_paper(paper_id)
    assert paper.title == "A Study of Things" and paper.year == 2021

    reopened = open_dialog(qtbot, hub, paper_id)
    assert reopened.is_user_edit("title") and not reopened.is_user_edit("year")
    assert reopened.rows["title"].text() == "A Study of Things"
    assert reopened.rows["year"].text() == "2021"


def test_a_field_goes_back_to_the_sources_value(qtbot, hub, library, imported):
    _page, paper_id = imported
    library.edit_paper(paper_id, title="My own title", venue="NeurIPS")
    dialog = open_dialog(qtbot, hub, paper_id)
    assert dialog.is_user_edit("title") and dialog.is_user_edit("venue")
    assert dialog.rows["venue"].revert.isEnabled() and not dialog.rows["year"].revert.isEnabled()
    qtbot.mouseClick(dialog.rows["title"].revert, Qt.MouseButton.LeftButton)
    assert dialog.rows["title"].text() == "A Study of Thngs"
    assert not dialog.is_user_edit("title")
    assert dialog.changes() == {"title": None}
    save(qtbot, dialog)
    paper = library.get_paper(paper_id)
    assert paper.title == "A Study of Thngs" and "title" not in paper.edited_fields
    assert paper.venue == "NeurIPS" and "venue" in paper.edited_fields


def test_identifiers_are_tidied_and_bad_values_are_explained(qtbot, hub, library, imported):
    _page, paper_id = imported
    dialog = open_dialog(qtbot, hub, paper_id)
    type_into(qtbot, dialog, "year", "twenty")
    save(qtbot, dialog)
    assert dialog.isVisible() and "Year" in dialog.error_label.text()
    assert library.get_paper(paper_id).year == 2020
    type_into(qtbot, dialog, "year", "2019")
    type_into(qtbot, dialog, "doi", "https://doi.org/10.1145/ABC.123")
    type_into(qtbot, dialog, "arxiv_id", "arXiv:2112.07327v2")
    save(qtbot, dialog)
    assert not dialog.isVisible()
    paper = library.get_paper(paper_id)
    assert (paper.year, paper.doi, paper.arxiv_id) == (2019, "10.1145/abc.123", "2112.07327")


def test_an_edit_is_undone_with_the_undo_stack(qtbot, hub, library, imported):
    _page, paper_id = imported
    dialog = open_dialog(qtbot, hub, paper_id)
    type_into(qtbot, dialog, "title", "Fixed title")
    save(qtbot, dialog)
    assert library.get_paper(paper_id).title == "Fixed title"
    stack = undo_stack(hub)
    assert stack.canUndo()
    stack.undo()
    paper = library.get_paper(paper_id)
    assert paper.title == "A Study of Thngs" and paper.edited_fields == []
    stack.redo()
    assert library.get_paper(paper_id).title == "Fixed title"


def test_saving_without_changes_writes_nothing(qtbot, hub, library, imported):
    _page, paper_id = imported
    changes = []
    hub.changed.connect(changes.append)
    dialog = open_dialog(qtbot, hub, paper_id)
    save(qtbot, dialog)
    assert changes == [] and not undo_stack(hub).canUndo()


def type_authors(qtbot, dialog, lines):
    editor = dialog.authors_editor
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    for number, line in enumerate(lines):
        if number:
            qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.keyClicks(editor, line)


def test_the_author_list_is_edited_one_name_per_line_and_undone(qtbot, hub, library, imported):
    page, paper_id = imported
    dialog = open_dialog(qtbot, hub, paper_id)
    assert dialog.authors_editor.toPlainText() == "Smith, John\nDoe, Jane"
    assert dialog.complete_box.isChecked() and not dialog.authors_are_user_edit()

    type_authors(qtbot, dialog, ["Smith, John", "Doe, Jane", "Ada Lovelace and Alan Turing"])
    assert dialog.authors_label.text() == "✎ Authors"
    assert "Sources say: Smith, John; Doe, Jane" in dialog.authors_hint.text()
    save(qtbot, dialog)

    paper = library.get_paper(paper_id)
    assert paper.author_names() == ["John Smith", "Jane Doe", "Ada Lovelace", "Alan Turing"]
    assert paper.authors_complete and "authors" in paper.edited_fields
    # The user's list survives a re-import of the page, like any edit.
    assert import_file(library, write_page(page, "A Study of Thngs", 2021)).ok
    assert len(library.get_paper(paper_id).authors) == 4

    undo_stack(hub).undo()
    paper = library.get_paper(paper_id)
    assert paper.author_names() == ["John Smith", "Jane Doe"] and "authors" not in paper.edited_fields


def test_a_list_known_to_be_cut_short_is_saved_as_incomplete_and_can_go_back(qtbot, hub, library, imported):
    _page, paper_id = imported
    dialog = open_dialog(qtbot, hub, paper_id)
    type_authors(qtbot, dialog, ["Smith, John"])
    qtbot.mouseClick(dialog.complete_box, Qt.MouseButton.LeftButton)
    assert not dialog.complete_box.isChecked()
    save(qtbot, dialog)
    paper = library.get_paper(paper_id)
    assert paper.author_names() == ["John Smith"] and not paper.authors_complete

    reopened = open_dialog(qtbot, hub, paper_id)
    assert reopened.authors_are_user_edit() and reopened.authors_revert.isEnabled()
    qtbot.mouseClick(reopened.authors_revert, Qt.MouseButton.LeftButton)
    assert reopened.authors_editor.toPlainText() == "Smith, John\nDoe, Jane" and reopened.complete_box.isChecked()
    assert reopened.changes() == {"authors": None, "authors_complete": None}
    save(qtbot, reopened)
    paper = library.get_paper(paper_id)
    assert paper.author_names() == ["John Smith", "Jane Doe"] and paper.authors_complete
    assert paper.edited_fields == []


def test_a_paper_no_source_names_authors_for_gets_them_typed_in(qtbot, hub, library):
    from shell_support import store

    from papershelf.model.records import PaperRecord

    (paper_id,) = store(
        library,
        [PaperRecord(line=1, arxiv_id="2112.07327", authors=(), authors_complete=False, year=2021)],
        file="listing.txt",
        fmt="arxiv-listing",
    )
    dialog = open_dialog(qtbot, hub, paper_id)
    assert dialog.authors_editor.toPlainText() == "" and not dialog.complete_box.isChecked()
    type_authors(qtbot, dialog, ["Shi, Jiajun and Zheng, Wei"])
    qtbot.mouseClick(dialog.complete_box, Qt.MouseButton.LeftButton)
    save(qtbot, dialog)
    paper = library.get_paper(paper_id)
    assert paper.author_names() == ["Jiajun Shi", "Wei Zheng"] and paper.authors_complete


def test_a_refused_edit_keeps_the_dialog_open_with_the_values_and_says_so(qtbot, monkeypatch, hub, library, imported):
    from papershelf.gui.colours import error_colour
    from papershelf.model.library import LibraryError

    _page, paper_id = imported
    original = library.edit_paper

    def refuse(*args, **kwargs):
        raise LibraryError("the library is busy: another program is importing (waited 30 s)")

    monkeypatch.setattr(library, "edit_paper", refuse)
    dialog = open_dialog(qtbot, hub, paper_id)
    type_into(qtbot, dialog, "title", "A Study of Things")
    save(qtbot, dialog)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error_label.isVisible() and "Not saved" in dialog.error_label.text()
    assert error_colour(dialog.palette()) in dialog.error_label.styleSheet()
    assert dialog.rows["title"].text() == "A Study of Things"
    assert library.get_paper(paper_id).title == "A Study of Thngs"

    monkeypatch.setattr(library, "edit_paper", original)
    save(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    assert library.get_paper(paper_id).title == "A Study of Things"
