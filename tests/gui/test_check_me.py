"""The review's "Check me" list: papers a page reader doubted are listed there with their count, a paper the
user marks as checked leaves it (undoably), and a re-import of the page does not bring it back."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from shell_support import dispose

from papershelf.gui.hub import LibraryHub
from papershelf.gui.main_window import MainWindow
from papershelf.gui.settings import use_settings_file
from papershelf.gui.sidebar import CHECK_ME
from papershelf.pipeline import import_file

PAGE = """Publications

Streaming Graph Partitioning at Scale
Ana Ruiz, Ben Cole
In VLDB, 2023.

A Note on Sparse Cuts Without a Venue
Ana Ruiz

Sketching Joins Under Updates
Ana Ruiz, Dan Ford

@inproceedings{ruiz2021flat, title = {Flattened Entries Survive Copying}, author = {Ruiz, Ana and Cole, Ben}, \
booktitle = {SIGMOD}, year = {2021}}
"""
DOUBTED = ["A Note on Sparse Cuts Without a Venue", "Sketching Joins Under Updates"]


@pytest.fixture(autouse=True)
def _own_settings(tmp_path):
    use_settings_file(tmp_path / "settings.ini")
    yield
    use_settings_file(None)


@pytest.fixture
def page(tmp_path) -> Path:
    path = tmp_path / "ruiz.txt"
    path.write_text(PAGE, encoding="utf-8")
    return path


@pytest.fixture
def window(qtbot, library, page):
    report = import_file(library, page)
    assert report.error is None and report.new == 4
    hub = LibraryHub(library, watch_interval_ms=0)
    win = MainWindow(hub)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.sidebar.counted)
    yield win
    dispose(win)
    hub.close()


def _shown_titles(window) -> list[str]:
    model = window.table.paper_model
    return sorted(window.library.get_paper(pid).title for pid in model.ids())


def _open_check_me(qtbot, window) -> None:
    rect = window.sidebar.item_rect(CHECK_ME)
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.target == CHECK_ME
    qtbot.waitUntil(lambda: window.table.complete)


def test_doubted_papers_are_listed_under_check_me_in_the_review(qtbot, window, tmp_path):
    review = window.sidebar.item_for(CHECK_ME).parent()
    assert review.text() == "REVIEW"
    assert window.sidebar.label_for(CHECK_ME) == "Check me"
    assert window.sidebar.count_text(CHECK_ME) == "2"
    _open_check_me(qtbot, window)
    assert _shown_titles(window) == DOUBTED
    # Nothing selected: nothing to mark.
    window.table.clearSelection()
    assert not window.mark_checked_action.isEnabled()
    window.grab().save(str(tmp_path / "check_me.png"))


def test_a_paper_marked_checked_leaves_the_list_and_a_reimport_does_not_bring_it_back(qtbot, window, library, page):
    _open_check_me(qtbot, window)
    first = library.paper_ids(view="check")[0]
    title = library.get_paper(first).title
    window.table.select_ids([first], current=first)
    assert window.mark_checked_action.isEnabled()
    assert window.statusBar().currentMessage() == "Check: no year found"
    window.mark_checked_action.trigger()
    qtbot.waitUntil(lambda: window.sidebar.count_text(CHECK_ME) == "1")
    assert title not in _shown_titles(window) and len(_shown_titles(window)) == 1

    # Undo puts it back on the list; redo takes it off again.
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: window.sidebar.count_text(CHECK_ME) == "2")
    window.undo_stack.redo()
    qtbot.waitUntil(lambda: window.sidebar.count_text(CHECK_ME) == "1")

    # A newer capture of the page, still unclear about both papers: the checked one stays checked.
    page.write_text(PAGE.replace("In VLDB, 2023.", "In VLDB, 2023 (best paper)."), encoding="utf-8")
    with qtbot.waitSignal(window.import_controller().finished, timeout=60000) as blocker:
        assert window.import_files([str(page)])
    (report,) = blocker.args[0]
    assert report.error is None and report.new == 0
    qtbot.waitUntil(lambda: window.table.complete)
    assert window.sidebar.count_text(CHECK_ME) == "1"
    assert _shown_titles(window) == [t for t in DOUBTED if t != title]


def test_a_paper_the_page_no_longer_doubts_leaves_the_list(library, page):
    import_file(library, page)
    assert library.count_papers("check") == 2
    page.write_text(PAGE.replace("Ana Ruiz, Dan Ford\n", "Ana Ruiz, Dan Ford\nIn PODS, 2022.\n"), encoding="utf-8")
    assert import_file(library, page).error is None
    assert [library.get_paper(pid).title for pid in library.paper_ids(view="check")] == [DOUBTED[0]]


def test_a_checked_paper_merged_into_another_stays_checked_and_unmerge_gives_the_mark_back(library, page):
    from papershelf.model.merge import merge_papers, unmerge_paper

    import_file(library, page)
    doubted = library.paper_ids(view="check")
    checked, other_doubted = doubted
    undoubted = next(pid for pid in library.paper_ids() if pid not in doubted)
    library.mark_checked([checked])
    merge_papers(library, undoubted, [checked])
    assert library.paper_ids(view="check") == [other_doubted]  # the kept paper carries the user's mark
    unmerge_paper(library, checked)
    assert library.paper_ids(view="check") == [other_doubted]
    assert undoubted not in library.paper_ids(view="check")
    # A kept paper with doubts of its own the user has not looked at stays on the list.
    merge_papers(library, other_doubted, [checked])
    assert library.paper_ids(view="check") == [other_doubted]
