"""The main window driven as a user drives it: select, tag, copy, delete and restore, undo, search, take notes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QInputDialog, QMessageBox
from seedfiles import SEED_HOMEPAGE
from shell_support import dispose, drop_on, focus_table, make_records, show_main_window, store

from papershelf.gui.hub import LibraryHub
from papershelf.gui.main_window import MainWindow
from papershelf.gui.paper_table import encode_paper_ids
from papershelf.gui.settings import use_settings_file
from papershelf.gui.sidebar import NavTarget
from papershelf.model.library import Library


@pytest.fixture(autouse=True)
def _own_settings(tmp_path):
    use_settings_file(tmp_path / "settings.ini")
    yield
    use_settings_file(None)


@pytest.fixture(autouse=True)
def _no_blocking_dialogs(monkeypatch):
    """A message box in a test would wait forever; any that a test does not expect fails it."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"unexpected dialog: {args[1:3]}")

    for name in ("critical", "warning", "information", "question"):
        monkeypatch.setattr(QMessageBox, name, refuse)


@pytest.fixture
def hub(seed_library):
    hub = LibraryHub(seed_library, watch_interval_ms=0)
    yield hub
    hub.close()


@pytest.fixture
def window(qtbot, hub):
    win = show_main_window(qtbot, hub, (1400, 860))
    yield win
    dispose(win)


def first_rows(window, count):
    return [window.table.paper_model.paper_id(row) for row in range(count)]


def answer_tag(monkeypatch, tag):
    asked = []

    def get_item(parent, title, label, items, current=0, editable=True, *args, **kwargs):
        asked.append((title, list(items)))
        return tag, True

    monkeypatch.setattr(QInputDialog, "getItem", get_item)
    return asked


def test_selecting_a_paper_shows_its_details(window, seed_library):
    paper_id = window.table.paper_model.paper_id(3)
    window.table.select_ids([paper_id])
    paper = seed_library.get_paper(paper_id)
    assert window.detail.stack.currentWidget() is window.detail.single
    assert window.detail.paper.id == paper_id
    assert paper.citekey in window.detail.identifiers.text()
    assert "1 paper" not in window.count_label.text() or window.table.count() == 1


def test_tagging_several_papers_from_the_menu(qtbot, monkeypatch, window, seed_library):
    ids = first_rows(window, 3)
    window.table.select_ids(ids)
    asked = answer_tag(monkeypatch, "reading")
    paper_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Paper")
    action = next(a for a in paper_menu.actions() if a.text() == "&Add tag…")
    assert action.shortcut().toString() == "Ctrl+T"  # the menu shows the shortcut
    action.trigger()
    assert asked
    assert set(seed_library.paper_ids(tag="reading")) == set(ids)
    qtbot.waitUntil(lambda: window.sidebar.count_text(NavTarget("tag", "reading")) == "3")
    assert window.detail.stack.currentWidget() is window.detail.multiple
    assert window.detail.multi_tags.names() == ["reading"]


def test_tagging_by_shortcut_then_undo_and_redo_by_keys(qtbot, monkeypatch, window, seed_library):
    ids = first_rows(window, 4)
    window.table.select_ids(ids)
    answer_tag(monkeypatch, "to-read")
    focus_table(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert set(seed_library.paper_ids(tag="to-read")) == set(ids)
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert seed_library.paper_ids(tag="to-read") == []
    assert "to-read" not in [t.name for t in seed_library.list_tags()]  # the tag the command made is gone too
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert set(seed_library.paper_ids(tag="to-read")) == set(ids)


def test_dropping_papers_on_a_tag_in_the_sidebar_tags_them(qtbot, window, seed_library):
    existing = first_rows(window, 1)
    seed_library.add_tag(existing, "favourites")
    window.sidebar.rebuild()
    dragged = [window.table.paper_model.paper_id(row) for row in (5, 6)]
    centre = window.sidebar.item_rect(NavTarget("tag", "favourites")).center()
    drop = drop_on(window.sidebar.viewport(), centre, encode_paper_ids(dragged))
    assert drop.isAccepted()
    assert set(seed_library.paper_ids(tag="favourites")) == set(existing + dragged)


def test_ctrl_c_copies_the_citation_keys_of_the_selection(qtbot, window, seed_library):
    ids = first_rows(window, 2)
    window.table.select_ids(ids)
    focus_table(qtbot, window)
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(window.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    keys = [p.citekey for p in seed_library.get_papers(ids)]
    assert QGuiApplication.clipboard().text() == ",".join(keys)
    window.copy_cite_action.trigger()
    assert QGuiApplication.clipboard().text() == "\\cite{" + ",".join(keys) + "}"


def test_ctrl_c_in_the_search_line_copies_its_text_not_keys(qtbot, window):
    window.table.select_ids(first_rows(window, 1))
    window.search.line.setText("layer norm")
    window.search.line.selectAll()
    window.search.line.setFocus()
    qtbot.waitUntil(lambda: window.search.line.hasFocus())
    qtbot.keyClick(window.search.line, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "layer norm"


def test_the_bibtex_entry_of_the_selection_can_be_copied(window, seed_library):
    paper_id = first_rows(window, 1)[0]
    window.table.select_ids([paper_id])
    text = window.copy_bibtex()
    key = seed_library.get_paper(paper_id).citekey
    assert text.startswith("@") and f"{{{key}," in text
    assert QGuiApplication.clipboard().text() == text


def test_delete_moves_to_the_trash_and_restore_brings_back(qtbot, window, seed_library):
    ids = first_rows(window, 2)
    total = window.table.count()
    window.table.select_ids(ids)
    focus_table(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert window.table.count() == total - 2
    assert set(seed_library.paper_ids(view="trash")) == set(ids)
    window.navigate(NavTarget("view", "trash"))
    assert set(window.table.paper_model.ids()) == set(ids)
    assert window.sidebar.current_target() == NavTarget("view", "trash")
    window.table.select_ids(ids[:1])
    assert "In the trash since" in window.detail.title_hint.text()
    window.table.select_ids(ids)
    assert window.restore_action.isEnabled() and not window.delete_action.isEnabled()
    window.restore_action.trigger()
    assert seed_library.paper_ids(view="trash") == []
    assert window.table.count() == 0
    window.undo_action.trigger()  # the restore is undone: back in the trash
    assert set(seed_library.paper_ids(view="trash")) == set(ids)


def test_searching_with_field_filters_as_you_type(qtbot, window, seed_library):
    query = "author:lin year:2019..2021"
    qtbot.keyClicks(window.search.line, query)
    expected = set(seed_library.paper_ids(query=query))
    assert expected
    qtbot.waitUntil(lambda: set(window.table.paper_model.ids()) == expected)
    assert all(2019 <= p.year <= 2021 for p in seed_library.get_papers(list(expected)))
    assert window.search.hint_text() == ""


def test_a_malformed_search_shows_a_hint_and_keeps_the_results(qtbot, window):
    qtbot.keyClicks(window.search.line, "transformer")
    qtbot.waitUntil(lambda: window.table.paper_model.filter.query == "transformer")
    before = window.table.paper_model.ids()
    window.search.line.setText("transformer year:soon")
    qtbot.waitUntil(lambda: window.search.hint_text() != "")
    assert "year:2019..2021" in window.search.hint_text()
    assert window.table.paper_model.ids() == before  # no dialog (the fixture would fail), no crash
    window.search.line.setText("transformer year:2019..2021")
    qtbot.waitUntil(lambda: window.search.hint_text() == "")


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("year:20", "write years as year:2020"),
        ("year:2021..2019", "the years are the wrong way round: year:2019..2021"),
    ],
)
def test_a_search_that_cannot_run_says_why_and_marks_the_list_as_the_previous_searchs(qtbot, window, typed, hint):
    qtbot.keyClicks(window.search.line, "venue:ACL")
    qtbot.waitUntil(lambda: window.table.paper_model.filter.query == "venue:ACL")
    shown = window.table.count()
    assert window.table.isEnabled()

    window.search.line.clear()
    qtbot.keyClicks(window.search.line, typed)

    qtbot.waitUntil(lambda: hint in window.search.hint_text())
    assert not window.table.isEnabled()  # greyed: these are not the answer to what is typed
    assert window.count_label.text() == f"{shown} papers for the previous search “venue:ACL”"
    window.search.line.clear()
    qtbot.keyClicks(window.search.line, "venue:ACL")  # the same search as before runs again: the list is current
    qtbot.waitUntil(lambda: window.table.isEnabled())
    assert window.search.hint_text() == ""
    assert window.count_label.text() == f"{shown} papers"


def test_operator_words_run_but_say_they_are_words(qtbot, window):
    qtbot.keyClicks(window.search.line, "transformer OR attention")
    qtbot.waitUntil(lambda: window.table.paper_model.filter.query == "transformer OR attention")
    assert "“OR” is searched as a word here" in window.search.hint_text()
    assert window.table.isEnabled()


def test_quit_and_preferences_show_their_shortcuts_in_the_menus(window):
    file_menu = {a.text(): a.shortcut().toString() for a in window.menuBar().actions()[0].menu().actions()}
    edit_menu = {a.text(): a.shortcut().toString() for a in window.menuBar().actions()[1].menu().actions()}
    assert file_menu["&Quit"] == "Ctrl+Q"
    assert edit_menu["&Preferences…"] == "Ctrl+,"


def test_preferences_store_the_users_email_for_crossref(qtbot, window, seed_library, monkeypatch):
    from papershelf.gui.preferences_dialog import PreferencesDialog
    from papershelf.lookup.service import LookupSettings

    monkeypatch.delenv("PAPERSHELF_CONTACT_EMAIL", raising=False)
    monkeypatch.setenv("PAPERSHELF_ARXIV_API", "http://127.0.0.1:9/api/query")
    window.preferences_action.trigger()
    dialog = next(d for d in window._dialogs if isinstance(d, PreferencesDialog))
    assert not dialog.fields["lookup.arxiv_api"].isEnabled()  # the environment wins: shown, not editable
    qtbot.keyClicks(dialog.fields["lookup.contact_email"], "nobody")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert "needs an e-mail address" in dialog.error_label.text() and dialog.isVisible()

    dialog.fields["lookup.contact_email"].clear()
    qtbot.keyClicks(dialog.fields["lookup.contact_email"], "me@uni.example")
    qtbot.keyClicks(dialog.fields["lookup.timeout"], "7")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

    assert not dialog.isVisible()
    settings = LookupSettings.resolve(seed_library)
    assert (settings.contact, settings.timeout) == ("me@uni.example", 7.0)


def test_ctrl_f_puts_the_cursor_in_the_search_line(qtbot, window):
    focus_table(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.search.line.hasFocus())


def test_a_note_written_in_the_detail_pane_survives_reopening_the_library(qtbot, library_path):
    library = Library.open(library_path)
    ids = store(library, make_records(5))
    hub = LibraryHub(library, watch_interval_ms=0)
    window = MainWindow(hub)
    window.show()
    window.table.select_ids([ids[2]])
    note = window.detail.note
    note.set_editing(True)
    qtbot.keyClicks(note.editor, "Read **section 3** again")
    qtbot.waitUntil(lambda: library.get_paper(ids[2]).note == "Read **section 3** again", timeout=3000)
    dispose(window)
    hub.close()
    library.close()

    reopened = Library.open(library_path)
    hub = LibraryHub(reopened, watch_interval_ms=0)
    window = MainWindow(hub)
    window.table.select_ids([ids[2]])
    assert window.detail.note.text() == "Read **section 3** again"
    assert "<b>section 3</b>" in window.detail.note.preview.toHtml() or "section 3" in (
        window.detail.note.preview.toPlainText()
    )
    dispose(window)
    hub.close()
    reopened.close()


def test_following_an_author_link_opens_the_author_page(qtbot, window, seed_library):
    paper = next(p for p in seed_library.get_papers(seed_library.paper_ids()) if p.authors)
    window.hub.paper_requested.emit(paper.id)
    assert window.table.current_id() == paper.id
    author = paper.authors[0]
    window.detail.authors.linkActivated.emit(f"author:{author.author_id}")
    view = window._authors_view
    assert view is not None and window.stack.currentWidget() is view
    assert view.page.author.id == seed_library.resolve_author(author.author_id)
    assert window.sidebar.current_target() == NavTarget("authors")


def test_a_requested_paper_is_shown_even_outside_the_current_filter(qtbot, window, seed_library):
    seed_library.add_tag(first_rows(window, 1), "narrow")
    window.navigate(NavTarget("tag", "narrow"))
    other = window.table.paper_model.ids()[0]
    target = next(pid for pid in seed_library.paper_ids() if pid != other)
    window.hub.paper_requested.emit(target)
    assert window.target == NavTarget("view", "all")
    assert window.table.selected_ids() == [target]


def test_clicking_a_source_shows_the_papers_it_listed(qtbot, window, seed_library):
    source = max(seed_library.list_sources(), key=lambda s: s.paper_count)
    rect = window.sidebar.item_rect(NavTarget("source", source.id))
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.target == NavTarget("source", source.id)
    assert set(window.table.paper_model.ids()) == set(seed_library.paper_ids(source_id=source.id))
    assert window.sidebar.count_text(NavTarget("source", source.id)) == str(source.paper_count)


def test_dropping_files_on_the_window_imports_them(qtbot, library, tmp_path):
    hub = LibraryHub(library, watch_interval_ms=0)
    window = MainWindow(hub)
    window.show()
    assert window.table_stack.currentWidget() is window.empty_hint
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(SEED_HOMEPAGE))])
    drop = drop_on(window.table.viewport(), QPoint(300, 300), mime)
    assert drop.isAccepted()
    qtbot.waitUntil(lambda: library.count_papers("all") > 0, timeout=15000)
    qtbot.waitUntil(lambda: window.table.count() == library.count_papers("all"), timeout=5000)
    assert window.table_stack.currentWidget() is window.table
    controller = window.import_controller()
    controller.wait()
    if controller.report_dialog is not None:
        controller.report_dialog.close()
    dispose(window)
    hub.close()


def test_the_window_remembers_its_layout_and_last_view(qtbot, hub, seed_library):
    seed_library.add_tag(seed_library.paper_ids()[:2], "kept")
    first = MainWindow(hub)
    first.show()
    first.resize(701, 503)  # within the offscreen screen (800x600), where restoreGeometry clamps
    first.navigate(NavTarget("tag", "kept"))
    first.main_splitter.setSizes([300, 900])
    first.table.horizontalHeader().resizeSection(1, 222)  # the authors column
    first.table.set_column_visible(6, False)  # no key column
    first.toggle_detail()
    sizes = first.main_splitter.sizes()
    dispose(first)
    second = MainWindow(hub)
    second.restore_state()
    second.show()
    assert second.target == NavTarget("tag", "kept")
    assert set(second.table.paper_model.ids()) == set(seed_library.paper_ids(tag="kept"))
    assert (second.size().width(), second.size().height()) == (701, 503)
    assert second.main_splitter.sizes() == sizes
    assert not second.detail.isVisible()
    assert second.table.horizontalHeader().sectionSize(1) == 222
    assert second.table.horizontalHeader().isSectionHidden(6)
    dispose(second)


def test_f2_edits_the_current_paper_and_ctrl_z_undoes_the_edit(qtbot, window, seed_library):
    paper_id = first_rows(window, 1)[0]
    original = seed_library.get_paper(paper_id).title
    window.table.select_ids([paper_id])
    focus_table(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_F2)
    dialog = next(d for d in window._dialogs if d.isVisible())
    dialog.set_field("title", "A title I fixed")
    dialog.accept()
    assert seed_library.get_paper(paper_id).title == "A title I fixed"
    assert window.detail.title.text() == "A title I fixed"
    focus_table(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert seed_library.get_paper(paper_id).title == original


def test_ctrl_e_exports_the_selection_and_a_tag_view_exports_the_tag(qtbot, window, seed_library):
    ids = first_rows(window, 2)
    window.table.select_ids(ids)
    focus_table(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = window._dialogs[-1]
    assert sorted(dialog.paper_ids) == sorted(ids)
    dialog.close()
    seed_library.add_tag(ids[:1], "cite-me")
    window.navigate(NavTarget("tag", "cite-me"))
    window.table.select_ids([])
    window.export_action.trigger()
    assert window._dialogs[-1].tag == "cite-me"
    assert window._dialogs[-1].what_label.text() == "Export 1 paper tagged “cite-me”."
    window._dialogs[-1].close()


def test_ctrl_e_with_a_search_and_no_selection_exports_what_the_search_shows(qtbot, window, seed_library):
    window.search.set_text("venue:ACL")
    shown = window.table.count()
    assert 0 < shown < seed_library.count_papers()
    window.table.select_ids([])
    focus_table(qtbot, window)

    qtbot.keyClick(window.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)

    dialog = window._dialogs[-1]
    assert sorted(dialog.paper_ids) == sorted(window.table.paper_model.ids())
    assert dialog.what_label.text() == f"Export {shown} papers matching “venue:ACL”."
    assert dialog.keep_updated.isEnabled()
    dialog.close()


def test_ctrl_e_on_an_author_page_exports_that_authors_papers(qtbot, window, seed_library):
    author = max(seed_library.list_authors(), key=lambda a: a.paper_count)
    window.show_author(author.id)
    page = window._authors_view.page
    qtbot.waitUntil(lambda: page.author is not None and page.papers.count() == author.paper_count)

    qtbot.keyClick(page.papers, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)

    dialog = window._dialogs[-1]
    assert sorted(dialog.paper_ids) == sorted(page.papers.paper_model.ids())
    assert dialog.what_label.text() == f"Export {author.paper_count} papers by {author.name}."
    dialog.close()
    page.papers.select_ids(page.papers.paper_model.ids()[:2])
    window.export_action.trigger()
    assert window._dialogs[-1].what_label.text() == "Export 2 selected papers."
    window._dialogs[-1].close()


def test_ctrl_i_asks_for_files_and_imports_them(qtbot, monkeypatch, window, seed_library):
    from PySide6.QtWidgets import QFileDialog

    started = []
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(SEED_HOMEPAGE)], ""))
    controller = window.import_controller()
    monkeypatch.setattr(controller, "start", lambda paths, **kw: started.append(paths) or True)
    focus_table(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert started == [[str(SEED_HOMEPAGE)]]


def test_files_chosen_with_ctrl_i_are_previewed_and_cancel_writes_nothing(qtbot, monkeypatch, window, seed_library):
    from PySide6.QtWidgets import QFileDialog

    bib = seed_library.path.parent / "two.bib"
    bib.write_text(
        "@article{a1, title = {Sparse Fields for Robots}, author = {Ada Okafor}, year = {2021}}\n"
        "@article{a2, title = {Dense Fields for Robots}, author = {Ada Okafor and Ben Sato}, year = {2022}}\n",
        encoding="utf-8",
    )
    papers, sources = seed_library.count_papers("all"), len(seed_library.list_sources())
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(bib)], ""))
    controller = window.import_controller()
    focus_table(qtbot, window)
    with qtbot.waitSignal(controller.finished, timeout=60000) as blocker:
        qtbot.keyClick(window.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: controller.preview_dialog is not None, timeout=30000)
        assert controller.preview_dialog.summary.text() == "2 new, 0 join existing papers, 0 to review"
        assert "2 new" in controller.preview_dialog.details.toPlainText()
        qtbot.mouseClick(controller.preview_dialog.cancel_button, Qt.MouseButton.LeftButton)
    (report,), _ = blocker.args
    assert not report.ok and "nothing was written" in report.error
    assert seed_library.count_papers("all") == papers and len(seed_library.list_sources()) == sources
    if controller.report_dialog is not None:
        controller.report_dialog.close()


def test_a_read_only_library_refuses_changes_with_a_message_not_an_error(qtbot, monkeypatch, library_path):
    writable = Library.open(library_path)
    store(writable, make_records(3))
    writable.close()
    library = Library.open(library_path, read_only=True)
    hub = LibraryHub(library, watch_interval_ms=0)
    window = MainWindow(hub)
    window.show()
    messages = []
    hub.status_message.connect(messages.append)
    window.table.select_row(0)
    # Issue 15: a read-only library says so in a banner for as long as it is open, and offers no edits.
    assert window.read_only_banner.isVisible() and "Read-only" in window.read_only_banner.text()
    assert not window.add_tag_action.isEnabled() and not window.delete_action.isEnabled()
    assert not window.edit_action.isEnabled() and not window.import_action.isEnabled()
    assert window.copy_keys_action.isEnabled() and window.export_action.isEnabled()
    window.add_tag(window.table.selected_ids(), "x")  # a change reaching the library anyway is refused
    assert any("read-only" in m for m in messages)
    assert library.list_tags() == [] and library.count_papers("trash") == 0
    assert window.undo_stack.count() == 0
    dispose(window)
    hub.close()
    library.close()


def test_ctrl_f_from_the_author_view_comes_back_to_the_paper_search(qtbot, window):
    window.navigate(NavTarget("authors"))
    window.find_action.trigger()
    assert window.stack.currentWidget() is window.papers_page
    qtbot.waitUntil(lambda: window.search.line.hasFocus())


def test_notes_and_tags_do_not_rerun_the_query_when_they_cannot_move_rows(qtbot, monkeypatch, window, seed_library):
    calls = []
    original = seed_library.paper_ids
    monkeypatch.setattr(seed_library, "paper_ids", lambda **kw: calls.append(kw) or original(**kw))
    paper_id = first_rows(window, 1)[0]
    window.table.select_ids([paper_id])
    window.detail.note.set_editing(True)
    qtbot.keyClicks(window.detail.note.editor, "typed")
    window.detail.note.flush()
    window.add_tag([paper_id], "quick")
    assert calls == []  # the rows only changed their text
    assert "quick" in window.table.paper_model.index(0, 4).data()
    window.navigate(NavTarget("tag", "quick"))
    calls.clear()
    window.add_tag([first_rows(window, 1)[0]], "quick-2")
    window.undo_stack.undo()
    seed_library.remove_tag([paper_id], "quick")  # leaves this tag's list: the query must run
    assert calls and window.table.count() == 0


def test_lookup_dialogs_open_from_the_menus(window, qtbot):
    from papershelf.gui.lookup_dialog import AddByIdentifierDialog, CompleteRecordsDialog

    file_menu = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    paper_menu = [a.text() for a in window.menuBar().actions()[2].menu().actions()]
    assert "Add by &identifier…" in file_menu
    assert "&Complete records…" in paper_menu

    window.add_by_id_action.trigger()
    qtbot.waitUntil(lambda: any(isinstance(d, AddByIdentifierDialog) and d.isVisible() for d in window._dialogs))
    paper_id = window.table.paper_model.paper_id(0)
    window.table.select_ids([paper_id])
    window.complete_action.trigger()
    dialogs = [d for d in window._dialogs if isinstance(d, CompleteRecordsDialog)]
    assert dialogs and dialogs[0].isVisible()
    for dialog in list(window._dialogs):
        dialog.close()


def test_a_library_longer_than_the_first_screen_opens_at_once_and_then_shows_every_paper(qtbot, library):
    from papershelf.gui.paper_table import COLUMN_INDEX, FIRST_SCREEN_ROWS

    total = 2 * FIRST_SCREEN_ROWS + 7
    store(library, make_records(total))
    newest_first = library.paper_ids(order_by="year", descending=True)
    hub = LibraryHub(library, watch_interval_ms=0)
    window = MainWindow(hub)
    try:
        # Before the first paint: the first screen of rows, and no count that would read as the whole library.
        assert window.table.paper_model.rowCount() == FIRST_SCREEN_ROWS
        assert window.count_label.text() == ""
        window.resize(1100, 700)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.table.paper_model.rowCount() == total)
        qtbot.waitUntil(lambda: window.sidebar.count_text(NavTarget("view", "all")) == f"{total:,}")
        assert window.count_label.text() == f"{total} papers"
        assert window.sidebar.count_text(NavTarget("view", "trash")) == "0"
        assert window.table.paper_model.ids() == newest_first

        # The last paper is reachable: the scrollbar goes all the way and Ctrl+End selects it.
        table = window.table
        table.setFocus()
        qtbot.waitUntil(table.hasFocus)
        bar = table.verticalScrollBar()
        bar.setValue(bar.maximum())
        last = table.paper_model.index(total - 1, COLUMN_INDEX["title"])
        qtbot.waitUntil(lambda: table.viewport().rect().intersects(table.visualRect(last)))
        assert last.data() == library.get_paper(newest_first[-1]).title
        table.select_row(0)
        qtbot.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        assert table.current_id() == newest_first[-1]
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(last).center())
        assert table.selected_ids() == [newest_first[-1]]
        assert window.detail.title.text() == last.data()

        # Sorting still orders every paper, not the first screen's.
        table.sortByColumn(COLUMN_INDEX["title"], Qt.SortOrder.DescendingOrder)
        assert table.paper_model.ids() == library.paper_ids(order_by="title", descending=True)
        assert window.count_label.text().startswith(f"{total} papers")
    finally:
        dispose(window)
        hub.close()


def test_closing_with_a_refused_note_asks_and_cancel_keeps_the_window_and_retry_saves(
    qtbot, monkeypatch, window, seed_library
):
    from papershelf.model.library import LibraryError

    paper_id = window.table.paper_model.ids()[0]
    original = seed_library.set_note

    def refuse(*args, **kwargs):
        raise LibraryError("the library is busy: another program is importing (waited 30 s)")

    monkeypatch.setattr(seed_library, "set_note", refuse)
    window.table.select_ids([paper_id])
    note = window.detail.note
    note.set_editing(True)
    qtbot.keyClicks(note.editor, "keep this")
    qtbot.waitUntil(lambda: "not saved" in note.status.text(), timeout=3000)

    asked = []
    answers = []

    def answer(parent, title, text, *args, **kwargs):
        asked.append(text)
        return answers.pop(0)()

    monkeypatch.setattr(QMessageBox, "warning", answer)
    answers.append(lambda: QMessageBox.StandardButton.Cancel)
    window.close()
    assert window.isVisible() and len(asked) == 1
    assert "1 note was not saved: the library is busy" in asked[0]
    assert note.text() == "keep this"

    def accept_then_retry():
        monkeypatch.setattr(seed_library, "set_note", original)
        return QMessageBox.StandardButton.Retry

    answers.extend([lambda: QMessageBox.StandardButton.Retry, accept_then_retry])  # refused again, then taken
    window.close()
    assert len(asked) == 3 and not answers
    assert not window.isVisible()
    assert seed_library.get_paper(paper_id).note == "keep this"


def test_discard_closes_the_window_without_the_refused_note(qtbot, monkeypatch, window, seed_library):
    from papershelf.model.library import LibraryError

    paper_id = window.table.paper_model.ids()[0]

    def refuse(*args, **kwargs):
        raise LibraryError("the library is open read-only")

    monkeypatch.setattr(seed_library, "set_note", refuse)
    window.table.select_ids([paper_id])
    window.detail.note.set_editing(True)
    qtbot.keyClicks(window.detail.note.editor, "scratch")
    monkeypatch.setattr(QMessageBox, "warning", lambda *args, **kwargs: QMessageBox.StandardButton.Discard)
    window.close()
    assert not window.isVisible()
    assert seed_library.get_paper(paper_id).note == ""


def test_closing_with_a_refused_author_note_asks_too(qtbot, monkeypatch, window, seed_library):
    from papershelf.model.library import LibraryError

    author = seed_library.list_authors()[0]
    original = seed_library.set_author_note

    def refuse(*args, **kwargs):
        raise LibraryError("the library is busy: another program is importing (waited 30 s)")

    monkeypatch.setattr(seed_library, "set_author_note", refuse)
    window.show_author(author.id)
    editor = window._authors_view.page.note_editor
    editor.set_editing(True)
    qtbot.keyClicks(editor.editor, "about them")
    asked = []

    def cancel(parent, title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "warning", cancel)
    window.close()
    assert window.isVisible() and len(asked) == 1 and "1 note was not saved" in asked[0]
    monkeypatch.setattr(seed_library, "set_author_note", original)
    window.close()  # saved now: no question
    assert len(asked) == 1 and not window.isVisible()
    assert seed_library.get_author(author.id).note == "about them"


def test_empty_lists_say_why_and_offer_the_button_that_helps(qtbot, window, seed_library):
    window.search.set_text("zzzqqqnothing")
    assert window.table_stack.currentWidget() is window.empty_hint
    assert "No papers match “zzzqqqnothing”" in window.empty_text.text()
    assert window.empty_clear_button.isVisible() and not window.empty_import_button.isVisible()
    window.empty_clear_button.click()
    assert window.search.text() == ""
    assert window.table_stack.currentWidget() is window.table
    window.navigate(NavTarget("view", "trash"))
    assert "The trash is empty" in window.empty_text.text()
    assert window.table_stack.currentWidget() is window.empty_hint
    assert not window.empty_clear_button.isVisible()


def test_an_empty_library_offers_import_and_the_samples(qtbot, library):
    hub = LibraryHub(library, watch_interval_ms=0)
    window = MainWindow(hub)
    try:
        window.show()
        qtbot.waitExposed(window)
        assert window.table_stack.currentWidget() is window.empty_hint
        assert "Your library is empty" in window.empty_text.text()
        assert window.empty_import_button.isVisible() and window.empty_samples_button.isVisible()
        with qtbot.waitSignal(window.import_controller().finished, timeout=60000):
            window.empty_samples_button.click()
        qtbot.waitUntil(lambda: window.table_stack.currentWidget() is window.table)
    finally:
        dispose(window)
        hub.close()
