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


# ---------------------------------------------------------------------------------------------- screen sizes
SCREENS = [(1024, 640), (1366, 768), (1920, 1080)]


def outside(window) -> list[str]:
    """Visible widgets reaching past the window's edges (content scrolled inside a scroll area excepted)."""
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QAbstractScrollArea, QWidget

    bounds = window.rect()
    found = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.isWindow() or widget.width() <= 0:
            continue
        parent, scrolled = widget.parentWidget(), False
        while parent is not None and parent is not window:
            area = parent.parentWidget()
            if isinstance(area, QAbstractScrollArea) and parent is area.viewport():
                scrolled = True
                break
            parent = parent.parentWidget()
        if scrolled:
            continue
        rect = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
        if not bounds.contains(rect):
            found.append(f"{type(widget).__name__} {widget.objectName()} at {rect.getRect()}")
    return found


def duplicate_pair(library) -> None:
    from papershelf.model.apply import import_records
    from papershelf.model.records import PaperRecord

    title = "Paper Globally Aligned Representations for Very Long Titled Multi-Modal Retrieval Benchmarks Revisited"
    for name, year, venue in (("mine.bib", 2019, "ICML"), ("theirs.bib", 2021, "arXiv")):
        record = PaperRecord(line=1, title=title, authors=("Xue Wang", "Ann Lee"), year=year, venue=venue)
        import_records(library, file=name, path=f"/p/{name}", sha256=name, fmt="bibtex", owner=None, records=[record])


@pytest.mark.parametrize("size", SCREENS)
def test_every_view_fits_the_screen_and_the_title_keeps_its_share(qtbot, hub, seed_library, size):
    duplicate_pair(seed_library)
    window = open_window(qtbot, hub, *size)
    try:
        assert window.minimumSizeHint().width() <= SCREENS[0][0]
        assert window.minimumSizeHint().height() <= SCREENS[0][1]
        table = window.table
        window.table.select_row(0)
        qtbot.wait(20)
        assert table.horizontalHeader().sectionSize(COLUMN_INDEX["title"]) >= 0.4 * table.viewport().width()
        assert fits(table)
        assert outside(window) == []
        author = max(seed_library.list_authors(), key=lambda a: a.paper_count)
        window.show_author(author.id)
        qtbot.wait(30)
        assert window.width() == size[0] and outside(window) == []
        page = window._authors_view.page
        names = page.coauthor_view
        widest = max(
            names.fontMetrics().horizontalAdvance(page.coauthor_model.index(row, 0).data())
            for row in range(min(12, page.coauthor_model.rowCount()))
        )
        assert names.columnWidth(0) >= widest + 8, "co-author names are cut"
        papers = page.papers
        shown = visible_columns(papers)
        assert COLUMN_INDEX["title"] in shown and COLUMN_INDEX["year"] in shown
        assert fits(papers)
        window.navigate(NavTarget("duplicates"))
        qtbot.wait(30)
        view = window._duplicates_view
        assert view.count() == 1
        assert window.width() == size[0], "a page raised the window's minimum width"
        assert outside(window) == []
        assert view.queue.width() >= 280
    finally:
        dispose(window)


@pytest.mark.parametrize("size", SCREENS)
def test_every_dialog_fits_the_screen_with_its_buttons_on_it(qtbot, hub, seed_library, size, monkeypatch):
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QDialogButtonBox

    from papershelf.gui import screen_fit
    from papershelf.gui.edit_dialog import EditPaperDialog
    from papershelf.gui.export_dialog import ExportDialog
    from papershelf.gui.lookup_dialog import AddByIdentifierDialog, CompleteRecordsDialog
    from papershelf.gui.preferences_dialog import PreferencesDialog

    screen = QRect(0, 0, *size)
    monkeypatch.setattr(screen_fit, "available_area", lambda _widget: screen)
    window = open_window(qtbot, hub, *size)
    try:
        paper = window.table.paper_model.paper_id(0)
        dialogs = [
            EditPaperDialog(hub, paper, window),
            ExportDialog(hub, window),
            AddByIdentifierDialog(hub, window),
            CompleteRecordsDialog(hub, window),
            PreferencesDialog(hub, window),
        ]
        for dialog in dialogs:
            window._keep(dialog)
            dialog.show()
            qtbot.waitExposed(dialog)
            name = type(dialog).__name__
            room = screen.size() - screen_fit.FRAME_MARGIN
            assert dialog.width() <= room.width() and dialog.height() <= room.height(), name
            for box in dialog.findChildren(QDialogButtonBox):
                if box.isVisible():
                    corner = box.mapTo(dialog, box.rect().bottomRight())
                    assert dialog.rect().contains(corner), name
            assert outside(dialog) == [], name
            dialog.close()
    finally:
        dispose(window)


def test_tags_that_do_not_fit_are_counted_as_plus_n(qapp):
    from PySide6.QtGui import QFont, QFontMetrics

    from papershelf.gui.paper_table import fit_chips

    metrics = QFontMetrics(QFont())
    widths = [60, 60, 60, 60]
    assert fit_chips(widths, 400, metrics) == (4, 0)
    shown, hidden = fit_chips(widths, 130, metrics)
    assert (shown, hidden) == (1, 3)  # "+3" needs room beside the second chip, so one chip and "+3"
    assert fit_chips(widths, 10, metrics) == (1, 3)  # the first tag is always shown, shortened


def test_the_detail_pane_collapses_and_ctrl_d_brings_it_back(qtbot, hub):
    window = open_window(qtbot, hub, 1024, 640)
    try:
        splitter = window.papers_splitter
        total = sum(splitter.sizes())
        splitter.setSizes([total, 0])  # dragged past its minimum: folded away
        splitter.splitterMoved.emit(total, 1)
        assert splitter.sizes()[1] == 0 and not window.toggle_detail_action.isChecked()
        title_before = window.table.horizontalHeader().sectionSize(COLUMN_INDEX["title"])
        window.toggle_detail_action.trigger()
        assert splitter.sizes()[1] >= window.detail.minimumWidth()
        assert window.toggle_detail_action.isChecked()
        qtbot.wait(20)
        assert window.table.horizontalHeader().sectionSize(COLUMN_INDEX["title"]) < title_before
    finally:
        dispose(window)


@pytest.mark.parametrize("size", SCREENS[:2])
def test_an_authors_bio_is_read_whole_where_the_screen_allows_and_scrolls_to_its_end_where_not(
    qtbot, hub, seed_library, size
):
    lin = next(a for a in seed_library.list_authors() if a.name == "Junyang Lin")
    bio = seed_library.get_author(lin.id).profiles[0].bio
    assert bio and len(bio) > 1000  # the seed homepage's long bio, the one seen cut mid-line
    window = open_window(qtbot, hub, *size)
    try:
        window.show_author(lin.id)
        qtbot.wait(50)
        page = window._authors_view.page
        label, scroll = page.profile_label, page.profile_scroll
        # The label itself is as tall as its wrapped text: no line is cut off below what scrolling can reach.
        assert label.height() >= label.heightForWidth(label.width()), "the bio's text is clipped"
        bar = scroll.verticalScrollBar()
        assert bar.maximum() + scroll.viewport().height() >= label.height()
        assert bar.singleStep() == label.fontMetrics().lineSpacing()
        top, bottom = page._splitter.sizes()
        if size == (1366, 768):
            # The whole bio on screen, no scrollbar (it sat in a 200-pixel box cut after 13 lines).
            qtbot.waitUntil(lambda: not bar.isVisible(), timeout=2000)
            assert bar.maximum() == 0
            assert scroll.viewport().height() >= label.heightForWidth(scroll.viewport().width())
        else:
            # Too long for 640 pixels: the profile takes most of the page and scrolls.
            assert top >= 0.55 * (top + bottom) and bar.isVisible()
        assert outside(window) == []
    finally:
        dispose(window)
