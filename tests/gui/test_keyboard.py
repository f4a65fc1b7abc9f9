"""Triage by keyboard: Delete moves on to the next paper, Undo brings back and selects what it undid, Home and
End go to the first and last paper, Tab leaves the table, Down leaves the search line, a half-typed search
neither warns nor greys the list, M and N decide a pair in the review queue."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from shell_support import dispose, focus_table, show_main_window

from papershelf.gui.hub import LibraryHub
from papershelf.gui.main_window import MainWindow
from papershelf.gui.search_bar import ERROR_DELAY_MS
from papershelf.gui.settings import use_settings_file
from papershelf.gui.sidebar import NavTarget
from papershelf.model.apply import import_records
from papershelf.model.records import PaperRecord


@pytest.fixture(autouse=True)
def _own_settings(tmp_path, monkeypatch):
    use_settings_file(tmp_path / "settings.ini")

    def refuse(*args, **kwargs):
        raise AssertionError(f"unexpected dialog: {args[1:3]}")

    for name in ("critical", "warning", "information", "question"):
        monkeypatch.setattr(QMessageBox, name, refuse)
    yield
    use_settings_file(None)


@pytest.fixture
def hub(seed_library):
    hub = LibraryHub(seed_library, watch_interval_ms=0)
    yield hub
    hub.close()


@pytest.fixture
def window(qtbot, hub):
    win = show_main_window(qtbot, hub, (1366, 768))
    yield win
    dispose(win)


def row_ids(window, rows):
    return [window.table.paper_model.paper_id(row) for row in rows]


def test_repeated_delete_walks_down_the_list_and_undo_selects_what_came_back(qtbot, window, seed_library):
    first, second, third = row_ids(window, range(3, 6))
    window.table.select_ids([first], first)
    focus_table(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert window.table.selected_ids() == [second]  # the next paper took its place
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert window.table.selected_ids() == [third]
    assert set(seed_library.paper_ids(view="trash")) == {first, second}

    window.undo_action.trigger()
    assert window.table.selected_ids() == [second]  # back, and selected
    assert window.statusBar().currentMessage() == "Undone: Move 1 paper to the trash"
    window.redo_action.trigger()
    assert window.statusBar().currentMessage() == "Redone: Move 1 paper to the trash"
    assert second in seed_library.paper_ids(view="trash")


def test_deleting_the_last_row_selects_the_one_above(qtbot, window):
    count = window.table.count()
    above, last = row_ids(window, (count - 2, count - 1))
    window.table.select_ids([last], last)
    focus_table(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert window.table.selected_ids() == [above]


def test_undoing_a_tag_selects_the_papers_it_untagged(qtbot, window, seed_library):
    ids = row_ids(window, (1, 2))
    window.table.select_ids(ids)
    window.add_tag(ids, "later")
    window.table.select_ids(row_ids(window, (7,)))
    window.undo_action.trigger()
    assert window.table.selected_ids() == ids
    assert window.statusBar().currentMessage() == "Undone: Tag 2 papers “later”"


def test_home_and_end_go_to_the_first_and_last_paper(qtbot, window):
    window.table.select_row(5)
    focus_table(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_End)
    assert window.table.selected_ids() == row_ids(window, (window.table.count() - 1,))
    qtbot.keyClick(window.table, Qt.Key.Key_Home)
    assert window.table.selected_ids() == row_ids(window, (0,))


def test_tab_leaves_the_table_for_the_detail_pane(qtbot, window):
    window.table.select_row(0)
    focus_table(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_Tab)
    focused = QApplication.focusWidget()
    assert focused is not window.table
    assert window.detail.isAncestorOf(focused)


def test_down_in_the_search_line_moves_into_the_results(qtbot, window, seed_library):
    window.search.focus()
    qtbot.keyClicks(window.search.line, "author:lin")
    qtbot.keyClick(window.search.line, Qt.Key.Key_Down)  # before the typing pause: the search runs now
    assert window.table.hasFocus()
    assert window.table.current_filter.query == "author:lin"
    assert window.table.selected_ids() == row_ids(window, (0,))


def test_a_half_typed_search_neither_warns_nor_greys_the_list_while_typing(qtbot, window):
    qtbot.keyClicks(window.search.line, 'title:"multi')
    # A phrase still missing its closing quote searches as far as it goes.
    qtbot.waitUntil(lambda: window.table.current_filter.query == 'title:"multi"')
    assert window.table.isEnabled() and window.search.hint_text() == ""
    window.search.line.clear()
    qtbot.keyClicks(window.search.line, "year:20")
    qtbot.wait(ERROR_DELAY_MS // 2)  # past the typing pause, before the error pause
    assert window.search.hint_text() == "" and window.table.isEnabled()
    # Left like that, it is a real mistake: now it says so.
    qtbot.waitUntil(lambda: "write years as year:2020" in window.search.hint_text(), timeout=ERROR_DELAY_MS * 3)
    assert not window.table.isEnabled()


def test_multimodal_finds_the_hyphenated_spellings(qtbot, window, seed_library):
    titles = [paper.title for paper in seed_library.get_papers(seed_library.search("multimodal"))]
    assert any("Multi-Modality" in title for title in titles)
    assert any("Multimodal" in title for title in titles)
    window.search.set_text("title:multimodal")
    shown = [window.table.paper_model.paper(row).title for row in range(window.table.count())]
    assert sorted(shown) == sorted(titles_with(seed_library, "multimodal"))


def titles_with(library, word):
    """Titles holding the word in any spelling: whole, or split by hyphens, in any case."""
    squeezed = word.lower()
    return [
        paper.title
        for paper in library.get_papers(library.paper_ids())
        if paper.title and squeezed in paper.title.lower().replace("-", "")
    ]


def _pair_library(library):
    for name, year, venue in (("mine.bib", 2019, "ICML"), ("theirs.bib", 2021, "arXiv")):
        record = PaperRecord(
            line=1, title="Learning to Rank Things", authors=("Xue Wang", "Ann Lee"), year=year, venue=venue
        )
        import_records(library, file=name, path=f"/p/{name}", sha256=name, fmt="bibtex", owner=None, records=[record])


def test_m_merges_and_n_dismisses_in_the_review_queue(qtbot, library):
    _pair_library(library)
    hub = LibraryHub(library, watch_interval_ms=0)
    win = MainWindow(hub)
    try:
        win.resize(1366, 768)
        win.show()
        qtbot.waitExposed(win)
        win.navigate(NavTarget("duplicates"))
        view = win._duplicates_view
        assert view.count() == 1
        view.queue.setFocus()
        win.activateWindow()
        qtbot.waitUntil(view.queue.hasFocus)
        qtbot.keyClick(view.queue, Qt.Key.Key_N)
        assert view.count() == 0
        win.undo_action.trigger()
        qtbot.waitUntil(lambda: view.count() == 1)
        view.queue.setFocus()
        qtbot.keyClick(view.queue, Qt.Key.Key_M)
        assert view.count() == 0
        assert len(library.paper_ids()) == 1
    finally:
        dispose(win)
        hub.close()
