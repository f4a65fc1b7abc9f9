"""The window at the sizes people use (800x600, 1024x700, 1440x900): the paper table's default columns fit where
there is room, selecting a paper never scrolls its title's first letters away, the author list keeps readable
columns, and an author's papers show their tags."""

from __future__ import annotations

import pytest
from shell_support import dispose

from papershelf.gui.hub import LibraryHub
from papershelf.gui.main_window import MainWindow
from papershelf.gui.paper_table import COLUMN_INDEX, COLUMNS, TITLE_MIN_WIDTH
from papershelf.gui.settings import use_settings_file
from papershelf.gui.sidebar import NavTarget


@pytest.fixture(autouse=True)
def _own_settings(tmp_path):
    use_settings_file(tmp_path / "settings.ini")
    yield
    use_settings_file(None)


@pytest.fixture
def hub(seed_library):
    hub = LibraryHub(seed_library, watch_interval_ms=0)
    yield hub
    hub.close()


def open_window(qtbot, hub, width: int, height: int) -> MainWindow:
    window = MainWindow(hub)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)  # the deferred sidebar fill and the layouts
    return window


def visible_columns(table) -> list[int]:
    header = table.horizontalHeader()
    return [n for n in range(len(COLUMNS)) if not header.isSectionHidden(n)]


def fits(table) -> bool:
    """Every visible column lies inside the table's viewport, with no sideways scrollbar."""
    header = table.horizontalHeader()
    right = max(header.sectionViewportPosition(n) + header.sectionSize(n) for n in visible_columns(table))
    return right <= table.viewport().width() and table.horizontalScrollBar().maximum() == 0


def test_at_1440x900_the_default_columns_fit_and_the_title_takes_the_spare_width(qtbot, hub):
    window = open_window(qtbot, hub, 1440, 900)
    try:
        table = window.table
        assert fits(table)
        assert table.horizontalHeader().sectionSize(COLUMN_INDEX["title"]) > TITLE_MIN_WIDTH
        # Widening another column takes the width from the title, not from the key at the far right.
        before = table.horizontalHeader().sectionSize(COLUMN_INDEX["title"])
        table.horizontalHeader().resizeSection(COLUMN_INDEX["venue"], 120)
        assert fits(table)
        assert table.horizontalHeader().sectionSize(COLUMN_INDEX["title"]) < before
        # Hiding a column gives its width back to the title.
        table.set_column_visible(COLUMN_INDEX["added"], False)
        assert fits(table)
    finally:
        dispose(window)


@pytest.mark.parametrize("size", [(800, 600), (1024, 700)])
def test_selecting_a_paper_in_a_narrow_window_keeps_the_titles_first_letters(qtbot, hub, seed_library, size):
    window = open_window(qtbot, hub, *size)
    try:
        table = window.table
        last = table.paper_model.paper_id(table.count() - 1)
        window.show_paper(last)  # far down the list: the table scrolls to it
        qtbot.wait(20)
        assert table.selected_ids() == [last]
        assert table.horizontalScrollBar().value() == 0
        assert table.horizontalHeader().sectionViewportPosition(COLUMN_INDEX["title"]) == 0
    finally:
        dispose(window)


@pytest.mark.parametrize("size", [(800, 600), (1024, 700), (1440, 900)])
def test_the_author_list_keeps_readable_columns(qtbot, hub, seed_library, size):
    window = open_window(qtbot, hub, *size)
    try:
        window.navigate(NavTarget("authors"))
        qtbot.wait(20)
        table = window._authors_view.table
        header = table.horizontalHeader()
        assert header.sectionSize(2) >= header.sectionSizeHint(2)  # "Papers" and its counts, whole
        assert header.sectionSize(0) >= 90  # a name, not a sliver
        assert table.isColumnHidden(1) or header.sectionSize(1) >= 90
        if size == (1440, 900):
            assert not table.isColumnHidden(1)
        assert window.width() == size[0]  # no minimum width pushed the window wider than the screen
    finally:
        dispose(window)


def test_an_authors_papers_show_their_tags_at_1440x900(qtbot, hub, seed_library):
    author = max(seed_library.list_authors(), key=lambda a: a.paper_count)
    seed_library.add_tag(seed_library.paper_ids(author_id=author.id)[:1], "mine")
    window = open_window(qtbot, hub, 1440, 900)
    try:
        window.show_author(author.id)
        qtbot.wait(20)
        papers = window._authors_view.page.papers
        assert COLUMN_INDEX["tags"] in visible_columns(papers)
        assert fits(papers)
    finally:
        dispose(window)
