"""The entry editor (Shift+F2) as a user meets it: a paper's entry type, the type's required and optional fields,
its other fields under "Custom fields", every one editable; a type change keeps every value; saving is one step
that undo takes back."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget
from shell_support import dispose, store

from papershelf.gui.entry_editor import EntryEditorDialog
from papershelf.gui.hub import LibraryHub
from papershelf.gui.undo import undo_stack
from papershelf.model.records import PaperRecord
from papershelf.pipeline import import_file

THESIS = """@phdthesis{knuth1963,
  author = {Donald E. Knuth},
  title = {Finite Semifields and Projective Planes},
  school = {California Institute of Technology},
  year = {1963},
  address = {Pasadena},
  month = jun,
  basefilename = {knuth-thesis},
}
"""


@pytest.fixture
def hub(library):
    hub = LibraryHub(library, watch_interval_ms=0)
    yield hub
    # The steps are deleted now, while their Python objects live: were the hub left to Python's collector with
    # its stack of Python-made commands, the collector could free a command before the stack deletes it again.
    undo_stack(hub).clear()
    hub.close()


@pytest.fixture
def thesis_id(library, tmp_path: Path) -> int:
    path = tmp_path / "theses.bib"
    path.write_text(THESIS, encoding="utf-8")
    report = import_file(library, path)
    assert report.ok and report.new == 1
    return report.paper_ids[0]


def open_editor(qtbot, hub, paper_id) -> EntryEditorDialog:
    dialog = EntryEditorDialog(hub, paper_id)
    # As the window opens it (MainWindow._keep): Qt deletes it once closed, not Python's collector later on.
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    return dialog


def type_into(qtbot, dialog, name, text):
    editor = dialog.rows[name].editor
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, text)


def pick_type(qtbot, dialog, name):
    """Choose a type in the chooser with the keyboard: open it, walk to the type, press Enter."""
    box = dialog.type_box
    box.setFocus()
    target = box.findData(name, Qt.ItemDataRole.UserRole)
    assert target >= 0, name
    step = Qt.Key.Key_Down if target > box.currentIndex() else Qt.Key.Key_Up
    while box.currentIndex() != target:
        before = box.currentIndex()
        qtbot.keyClick(box, step)
        assert box.currentIndex() != before, "the chooser stopped short of the type"
    # Walking with the arrows on a closed combo box activates each item it passes, as Qt does for a user.


def save(qtbot, dialog):
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)


def bib(paper):
    return {field.name: field for field in paper.bib_fields}


def section_of(dialog, name):
    required, optional, custom = dialog.sections()
    return "required" if name in required else "optional" if name in optional else "custom" if name in custom else None


def test_a_phdthesis_shows_school_required_and_a_type_change_keeps_every_value(qtbot, hub, library, thesis_id):
    dialog = open_editor(qtbot, hub, thesis_id)
    assert dialog.type_box.currentData(Qt.ItemDataRole.UserRole) == "phdthesis"
    assert "PhD thesis" in dialog.type_box.currentText()
    assert section_of(dialog, "school") == "required"
    assert dialog.rows["school"].label.text().startswith("school *") and dialog.rows["school"].label.font().bold()
    assert section_of(dialog, "address") == "optional" and section_of(dialog, "basefilename") == "custom"
    assert dialog.rows["month"].text() == "June"

    type_into(qtbot, dialog, "school", "Caltech")
    assert dialog.rows["school"].label.text().startswith("✎")
    pick_type(qtbot, dialog, "book")
    # @book has no school: the value moves to Custom fields, as typed; publisher is now required and empty.
    assert section_of(dialog, "school") == "custom" and dialog.rows["school"].text() == "Caltech"
    assert section_of(dialog, "publisher") == "required"
    assert "publisher" in dialog.missing_label.text() and dialog.missing_label.isVisible()
    assert dialog.rows["title"].text() == "Finite Semifields and Projective Planes"
    assert dialog.rows["author"].text() == "Donald E. Knuth"

    save(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    paper = library.get_paper(thesis_id)
    assert paper.bib_type == "book"
    fields = bib(paper)
    assert fields["school"].text == "Caltech" and fields["school"].edited
    assert fields["address"].text == "Pasadena" and not fields["address"].edited
    assert fields["basefilename"].text == "knuth-thesis"

    stack = undo_stack(hub)
    assert stack.count() == 1 and stack.undoText() == "Edit entry: school, type"  # the type and the field: one step
    stack.undo()
    paper = library.get_paper(thesis_id)
    assert paper.bib_type == "phdthesis" and bib(paper)["school"].text == "California Institute of Technology"
    assert not bib(paper)["school"].edited and "bib_type" not in paper.edited_fields
    stack.redo()
    assert library.get_paper(thesis_id).bib_type == "book"


def test_custom_fields_are_added_and_removed_and_undo_brings_them_back(qtbot, hub, library, thesis_id):
    dialog = open_editor(qtbot, hub, thesis_id)
    dialog.new_field.setFocus()
    qtbot.keyClicks(dialog.new_field, "ISBN")
    qtbot.keyClick(dialog.new_field, Qt.Key.Key_Return)
    assert dialog.isVisible()  # Enter added the field; it did not press Save
    assert section_of(dialog, "isbn") == "custom" and dialog.focusWidget() is dialog.rows["isbn"].editor
    qtbot.keyClicks(dialog.rows["isbn"].editor, "978-0-201-03801-5")
    qtbot.mouseClick(dialog.rows["basefilename"].remove, Qt.MouseButton.LeftButton)
    qtbot.wait(1)  # the removed row is deleted once the click is over
    assert "basefilename" not in dialog.rows
    save(qtbot, dialog)
    fields = bib(library.get_paper(thesis_id))
    assert fields["isbn"].text == "978-0-201-03801-5" and "basefilename" not in fields

    undo_stack(hub).undo()
    fields = bib(library.get_paper(thesis_id))
    assert "isbn" not in fields and fields["basefilename"].text == "knuth-thesis"


def test_a_bad_field_name_or_value_is_explained_and_nothing_is_saved(qtbot, hub, library, thesis_id):
    dialog = open_editor(qtbot, hub, thesis_id)
    assert not dialog.add_field("two words")
    assert dialog.error_label.isVisible() and "not a field name" in dialog.error_label.text()
    type_into(qtbot, dialog, "year", "sixties")
    save(qtbot, dialog)
    assert dialog.isVisible() and "year" in dialog.error_label.text()
    assert library.get_paper(thesis_id).year == 1963 and not undo_stack(hub).canUndo()


def test_biblatex_fields_show_school_in_the_place_of_institution(qtbot, hub, thesis_id):
    dialog = open_editor(qtbot, hub, thesis_id)
    assert dialog.flavour_box.currentText() == "BibTeX"  # journal-era spelling: school, address, year
    dialog.flavour_box.setFocus()
    qtbot.keyClick(dialog.flavour_box, Qt.Key.Key_Down)
    required, optional, _custom = dialog.sections()
    # biblatex reads `school` as `institution` and `address` as `location`: shown once, in their places.
    assert "school" in required and "institution" not in required
    assert "address" in optional and "location" not in optional
    assert "type" in optional  # @phdthesis supplies the thesis type itself
    pick_type(qtbot, dialog, "online")
    assert dialog.flavour_box.currentText() == "biblatex"  # a type only biblatex has


def test_a_paper_no_bib_declared_shows_a_suggested_type_that_is_saved_only_when_chosen(qtbot, hub, library):
    record = PaperRecord(line=1, title="Scaling Things", authors=("Ada Lovelace",), year=2021, venue="NeurIPS")
    (paper_id,) = store(library, [record], file="home.html", fmt="homepage")
    assert library.get_paper(paper_id).bib_type is None
    dialog = open_editor(qtbot, hub, paper_id)
    assert dialog.type_box.currentData(Qt.ItemDataRole.UserRole) == "inproceedings"
    assert "suggested" in dialog.type_note.text()
    assert dialog.rows["booktitle"].text() == "NeurIPS" and section_of(dialog, "booktitle") == "required"
    save(qtbot, dialog)
    assert not undo_stack(hub).canUndo() and library.get_paper(paper_id).bib_type is None

    dialog = open_editor(qtbot, hub, paper_id)
    pick_type(qtbot, dialog, "misc")
    pick_type(qtbot, dialog, "inproceedings")
    type_into(qtbot, dialog, "organization", "NeurIPS Foundation")
    save(qtbot, dialog)
    paper = library.get_paper(paper_id)
    assert paper.bib_type == "inproceedings" and bib(paper)["organization"].text == "NeurIPS Foundation"
    undo_stack(hub).undo()
    paper = library.get_paper(paper_id)
    assert paper.bib_type is None and "organization" not in bib(paper)


def test_a_core_field_edit_goes_to_the_paper_and_an_authors_edit_to_its_list(qtbot, hub, library, thesis_id):
    dialog = open_editor(qtbot, hub, thesis_id)
    type_into(qtbot, dialog, "title", "Finite Semifields")
    type_into(qtbot, dialog, "author", "Knuth, Donald E. and Hall, Marshall")
    save(qtbot, dialog)
    paper = library.get_paper(thesis_id)
    assert paper.title == "Finite Semifields" and "title" in paper.edited_fields
    assert [ref.as_written for ref in paper.authors] == ["Knuth, Donald E.", "Hall, Marshall"]
    undo_stack(hub).undo()
    paper = library.get_paper(thesis_id)
    assert paper.title == "Finite Semifields and Projective Planes" and len(paper.authors) == 1


def _focus_chain(dialog) -> list[QWidget]:
    chain, widget = [], dialog.type_box
    while widget not in chain:
        chain.append(widget)
        widget = widget.nextInFocusChain()
    return chain


def test_tab_walks_from_the_type_through_every_field_in_order_to_save(qtbot, hub, thesis_id):
    dialog = open_editor(qtbot, hub, thesis_id)
    pick_type(qtbot, dialog, "book")
    chain = _focus_chain(dialog)
    editors = [row.editor for row in dialog.rows.values()]
    places = [chain.index(editor) for editor in editors]
    assert places == sorted(places) and chain.index(dialog.flavour_box) < places[0]
    assert (
        places[-1]
        < chain.index(dialog.new_field)
        < chain.index(dialog.buttons.button(QDialogButtonBox.StandardButton.Save))
    )
    required, _optional, _custom = dialog.sections()
    assert list(dialog.rows)[: len(required)] == required


@pytest.mark.parametrize("size", [(800, 600), (1024, 700), (1440, 900)])
def test_the_editor_fits_the_window_sizes_people_use(qtbot, hub, thesis_id, size, tmp_path):
    from PySide6.QtCore import QRect

    from papershelf.gui.screen_fit import fit_to_screen

    dialog = EntryEditorDialog(hub, thesis_id)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    qtbot.addWidget(dialog)
    fit_to_screen(dialog, dialog.width(), dialog.height(), QRect(0, 0, *size))
    dialog.show()
    qtbot.waitExposed(dialog)
    pick_type(qtbot, dialog, "thesis")  # biblatex: the longest lists
    qtbot.wait(10)
    assert dialog.height() <= size[1] and dialog.width() <= size[0]
    # Fields scroll up and down, never sideways, and each is wide enough to read a title in.
    assert dialog.scroll.horizontalScrollBar().maximum() == 0
    assert min(row.editor.width() for row in dialog.rows.values()) >= 250
    assert dialog.buttons.isVisible() and dialog.buttons.geometry().bottom() <= dialog.height()
    image = tmp_path / f"entry-editor-{size[0]}x{size[1]}.png"
    assert dialog.grab().save(str(image)) and image.stat().st_size > 0


def test_shift_f2_opens_the_entry_editor_on_the_current_paper(qtbot, library, thesis_id):
    from shell_support import focus_table

    from papershelf.gui.main_window import MainWindow

    hub = LibraryHub(library, watch_interval_ms=0)
    window = MainWindow(hub)
    try:
        window.show()
        qtbot.waitExposed(window)
        focus_table(qtbot, window)
        window.table.select_ids([thesis_id])
        qtbot.keyClick(window.table, Qt.Key.Key_F2, Qt.KeyboardModifier.ShiftModifier)
        qtbot.waitUntil(lambda: any(isinstance(d, EntryEditorDialog) for d in window._dialogs))
        dialog = next(d for d in window._dialogs if isinstance(d, EntryEditorDialog))
        assert dialog.paper_id == thesis_id and dialog.isVisible()
        dialog.reject()
    finally:
        dispose(window)
        undo_stack(hub).clear()
        hub.close()


def test_the_detail_pane_names_the_declared_type_and_shows_the_entrys_other_fields(qtbot, hub, library, thesis_id):
    from papershelf.gui.detail_pane import DetailPane

    pane = DetailPane(hub)
    qtbot.addWidget(pane)
    pane.show_papers([thesis_id])
    assert "PhD thesis" in pane.venue.text()
    assert "school: California Institute of Technology" in pane.extra.text()
    assert "basefilename: knuth-thesis" in pane.extra.text() and "title:" not in pane.extra.text()
    library.edit_paper(thesis_id, bib_type="book")
    pane.show_papers([thesis_id])
    assert "Book" in pane.venue.text() and "PhD thesis" not in pane.venue.text()


def test_typing_a_types_name_on_the_chooser_goes_to_it(qtbot, hub, thesis_id):
    dialog = open_editor(qtbot, hub, thesis_id)
    dialog.type_box.setFocus()
    qtbot.keyClicks(dialog.type_box, "Tech")
    assert dialog.type_box.currentData(Qt.ItemDataRole.UserRole) == "techreport"
    assert dialog.sections()[0] == ["author", "title", "institution", "year"]
    assert "school" in dialog.sections()[2]  # kept, as a custom field of the report


def test_a_biblatex_entry_with_a_date_shows_no_year_field_beside_it(qtbot, hub, library, tmp_path):
    path = tmp_path / "modern.bib"
    path.write_text(
        "@online{site2021, author = {Ada Lovelace}, title = {Notes}, date = {2021-03-04}, url = {https://e.org}}\n",
        encoding="utf-8",
    )
    (paper_id,) = import_file(library, path).paper_ids
    dialog = open_editor(qtbot, hub, paper_id)
    assert dialog.flavour_box.currentText() == "biblatex"
    assert dialog.rows["date"].text() == "2021-03-04" and dialog.rows["year"].text() == ""
    assert dialog.rows["url"].text() == "https://e.org" and not dialog.missing_label.isVisible()
    save(qtbot, dialog)
    assert not undo_stack(hub).canUndo()


def test_the_screenshot_command_pictures_the_entry_editor(qapp, capsys, tmp_path, library, thesis_id):
    from PySide6.QtGui import QImage

    from papershelf.cli.main import main as cli_main

    out = tmp_path / "entry.png"
    status = cli_main(["--library", str(library.path), "screenshot", str(out), "--view", f"entry:{thesis_id}"])
    assert status == 0, capsys.readouterr().err
    image = QImage(str(out))
    assert 600 <= image.width() <= 1440 and 400 <= image.height() <= 900
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 10


def test_a_type_neither_manual_knows_is_kept_and_its_fields_are_all_custom(qtbot, hub, library, tmp_path):
    path = tmp_path / "own.bib"
    path.write_text("@lecturenotes{ln1, author = {Ada Lovelace}, title = {Engines}, year = {1843}}\n", encoding="utf-8")
    report = import_file(library, path)
    assert report.ok
    (paper_id,) = report.paper_ids
    assert library.get_paper(paper_id).bib_type == "lecturenotes"
    dialog = open_editor(qtbot, hub, paper_id)
    assert dialog.type_box.currentText().startswith("@lecturenotes")
    required, optional, custom = dialog.sections()
    assert required == [] and optional == [] and set(custom) == {"author", "title", "year"}
    assert "custom type" in dialog.type_note.text()
    save(qtbot, dialog)
    assert not undo_stack(hub).canUndo()  # opening and saving never "improves" the declared type
    dialog = open_editor(qtbot, hub, paper_id)
    pick_type(qtbot, dialog, "misc")
    # BibTeX's @misc requires nothing and lists author, title and year among its optional fields.
    assert dialog.sections()[0] == [] and dialog.sections()[2] == []
    assert {"author", "title", "year"} <= set(dialog.sections()[1])
    save(qtbot, dialog)
    paper = library.get_paper(paper_id)
    assert paper.bib_type == "misc" and [f.name for f in paper.bib_fields] == ["author", "title", "year"]


def test_a_journal_added_to_a_thesis_turned_article_is_its_venue_and_stays_a_journal(qtbot, hub, library, thesis_id):
    dialog = open_editor(qtbot, hub, thesis_id)
    pick_type(qtbot, dialog, "article")
    assert section_of(dialog, "journal") == "required" and dialog.rows["journal"].text() == ""
    type_into(qtbot, dialog, "journal", "Annals of Mathematics")
    type_into(qtbot, dialog, "year", "1964")
    save(qtbot, dialog)
    paper = library.get_paper(thesis_id)
    assert paper.venue == "Annals of Mathematics" and paper.year == 1964
    assert bib(paper)["journal"].text == "Annals of Mathematics" and bib(paper)["journal"].edited

    reopened = open_editor(qtbot, hub, thesis_id)
    assert reopened.rows["journal"].text() == "Annals of Mathematics" and section_of(reopened, "journal") == "required"
    assert "howpublished" not in reopened.rows
    undo_stack(hub).undo()
    paper = library.get_paper(thesis_id)
    assert paper.venue is None and paper.year == 1963 and "journal" not in bib(paper)
    assert paper.bib_type == "phdthesis" and paper.edited_fields == []
