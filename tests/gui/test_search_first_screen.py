"""A search with more hits than the window's first screen shows that screen at once and the rest once a thread has
read them (gui/id_reader.py). The user must end up with every hit in the right order, the count, and the papers
they had selected, and never with the answer to a search they have since replaced."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from shell_support import dispose, make_records, show_main_window, store

from papershelf.gui.hub import LibraryHub
from papershelf.gui.paper_table import COLUMN_INDEX, FIRST_SCREEN_ROWS
from papershelf.gui.settings import use_settings_file

PAPERS = FIRST_SCREEN_ROWS * 3  # every abstract says "We study topic N with method M"


@pytest.fixture(autouse=True)
def _own_settings(tmp_path):
    use_settings_file(tmp_path / "settings.ini")
    yield
    use_settings_file(None)


@pytest.fixture(autouse=True)
def _no_blocking_dialogs(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"unexpected dialog: {args[1:3]}")

    for name in ("critical", "warning", "information", "question"):
        monkeypatch.setattr(QMessageBox, name, refuse)


@pytest.fixture
def ids(library):
    return store(library, make_records(PAPERS))


@pytest.fixture
def hub(library, ids):
    hub = LibraryHub(library, watch_interval_ms=0)
    yield hub
    hub.close()


@pytest.fixture
def window(qtbot, hub):
    win = show_main_window(qtbot, hub, (1366, 768))
    yield win
    dispose(win)


def shown(window) -> list[int]:
    return list(window.table.paper_model.ids_held())


def expected(library, query: str | None, order_by: str = "year", descending: bool = True) -> list[int]:
    return library.paper_ids(query=query, order_by=order_by, descending=descending)


def settled(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.table.complete, timeout=10000)
    qtbot.wait(50)  # an outdated answer still on its way would arrive now


def test_a_long_search_shows_its_first_screen_then_every_hit_and_the_count(qtbot, window, library):
    window.search.set_text("method")
    # The first screen is there before any event ran, the rest not yet: its row count is not the count.
    assert shown(window) == expected(library, "method")[:FIRST_SCREEN_ROWS]
    assert not window.table.complete and window.count_label.text() == ""
    settled(qtbot, window)
    assert shown(window) == expected(library, "method") and len(shown(window)) == PAPERS
    assert window.count_label.text() == f"{PAPERS:,} papers"


def test_a_short_search_is_whole_at_once(qtbot, window, library):
    window.search.set_text("topic 3")
    assert window.table.complete and shown(window) == expected(library, "topic 3")
    assert window.count_label.text() == f"{len(shown(window))} papers"


def test_a_paper_selected_past_the_first_screen_stays_selected(qtbot, window, library):
    target = shown(window)[-1]  # the last row of the whole library
    window.table.select_ids([target], target)
    window.search.set_text("method")
    settled(qtbot, window)
    assert window.selected_ids() == [target] and window.table.current_id() == target
    assert window.detail.ids == [target]


def test_the_users_own_choice_wins_over_the_restored_selection(qtbot, window, library):
    target = shown(window)[-1]
    window.table.select_ids([target], target)
    window.search.set_text("method")
    window.table.select_row(0)  # chosen before the rest arrived
    chosen = shown(window)[0]
    settled(qtbot, window)
    assert window.selected_ids() == [chosen]


def test_only_the_newest_search_is_shown(qtbot, window, library):
    window.search.set_text("method")
    window.search.set_text("method 1")
    window.search.set_text("topic")
    settled(qtbot, window)
    assert shown(window) == expected(library, "topic")
    window.search.set_text("method")
    window.search.set_text("topic 3")  # whole at once: the long search's rest must not replace it
    settled(qtbot, window)
    assert shown(window) == expected(library, "topic 3")
    assert window.count_label.text() == f"{len(shown(window))} papers"


def test_sorting_or_a_change_before_the_rest_arrives(qtbot, window, library):
    window.search.set_text("method")
    window.table.sortByColumn(COLUMN_INDEX["title"], Qt.SortOrder.AscendingOrder)
    settled(qtbot, window)
    assert shown(window) == expected(library, "method", "title", descending=False)
    assert window.count_label.text() == f"{PAPERS:,} papers"
    window.search.set_text("topic")
    library.delete_papers(shown(window)[:5])  # through the model API, as another part of the window would
    settled(qtbot, window)
    assert shown(window) == expected(library, "topic", "title", descending=False)
    assert window.count_label.text() == f"{PAPERS - 5:,} papers"


def test_a_library_in_memory_reads_the_whole_list_at_once(qtbot):
    from papershelf.model.library import Library

    library = Library.memory()
    store(library, make_records(PAPERS))
    hub = LibraryHub(library, watch_interval_ms=0)
    win = show_main_window(qtbot, hub, (1366, 768))
    try:
        win.search.set_text("method")
        assert win.table.complete and shown(win) == expected(library, "method")
    finally:
        dispose(win)
        hub.close()
        library.close()
