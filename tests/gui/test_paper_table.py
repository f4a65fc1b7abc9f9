"""The paper table: a sound item model over sorted ids, rows fetched lazily, columns remembered."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from shell_support import make_records, store

from papershelf.gui.hub import LibraryHub
from papershelf.gui.paper_table import (
    COLUMN_INDEX,
    PaperFilter,
    PaperTable,
    PaperTableModel,
    decode_paper_ids,
)
from papershelf.gui.settings import use_settings_file
from papershelf.model.search import QueryError


@pytest.fixture(autouse=True)
def _own_settings(tmp_path):
    use_settings_file(tmp_path / "settings.ini")
    yield
    use_settings_file(None)


@pytest.fixture
def hub(library):
    hub = LibraryHub(library, watch_interval_ms=0)
    yield hub
    hub.close()


@pytest.fixture
def ids(library):
    return store(library, make_records(60))


@pytest.fixture
def table(qtbot, hub, ids):
    widget = PaperTable(hub)
    qtbot.addWidget(widget)
    widget.resize(1100, 600)
    widget.show()
    return widget


def column_texts(model, column):
    return [model.index(row, COLUMN_INDEX[column]).data() for row in range(model.rowCount())]


def test_the_model_is_a_sound_item_model(qtmodeltester, seed_library):
    model = PaperTableModel(seed_library)
    qtmodeltester.check(model)
    model.sort(COLUMN_INDEX["title"], Qt.SortOrder.AscendingOrder)
    model.set_filter(PaperFilter(query="transformer"))
    qtmodeltester.check(model)


def test_rows_are_fetched_lazily_a_page_at_a_time(library):
    store(library, make_records(2000))
    model = PaperTableModel(library, page_size=100, cache_size=300)
    assert model.rowCount() == 2000
    assert model.fetches == 0  # opening reads only the ids
    assert model.index(1500, 0).data().startswith("Paper ")
    assert model.fetches == 1
    assert model.index(1599, 0).data()  # same page: no new read
    assert model.fetches == 1
    for row in range(0, 2000, 100):
        model.index(row, 0).data()
    assert len(model._rows) <= 300  # the cache stays small however far one scrolls


def test_the_model_stays_sound_reading_its_first_rows_then_the_rest(qtmodeltester, library, ids):
    model = PaperTableModel(library, load=False)
    model.reload(limit=25)
    assert model.rowCount() == 25 and not model.complete
    qtmodeltester.check(model)
    assert model.load_rest() is False  # appended, not replaced
    assert model.complete and model.ids() == library.paper_ids(order_by="year", descending=True)
    qtmodeltester.check(model)


def test_the_first_rows_then_the_rest_keep_the_order_and_the_selection(qtbot, hub, ids):
    widget = PaperTable(hub, first_rows=25)
    qtbot.addWidget(widget)
    model = widget.paper_model
    assert model.rowCount() == 25 and not widget.complete
    widget.selectRow(3)
    chosen = widget.selected_ids()
    assert chosen == [model.paper_id(3)] and not widget.complete
    counts = []
    widget.count_changed.connect(counts.append)
    widget.resize(1100, 600)
    widget.show()
    qtbot.waitUntil(lambda: counts == [60])  # read just after the first paint
    assert widget.complete and model.rowCount() == 60
    assert model.ids() == widget.hub.library.paper_ids(order_by="year", descending=True)
    assert widget.selected_ids() == chosen


def test_a_table_not_yet_painted_reads_the_rest_when_asked(qtbot, hub, ids):
    widget = PaperTable(hub, first_rows=25)
    qtbot.addWidget(widget)
    assert widget.count() == 60 and widget.complete
    assert widget.select_ids([ids[0]]) and widget.selected_ids() == [ids[0]]


def test_columns_show_readable_values(table, library, ids):
    model = table.paper_model
    paper = library.get_papers([ids[0]])[0]
    row = model.row_of(ids[0])
    assert model.index(row, COLUMN_INDEX["title"]).data() == paper.title
    assert model.index(row, COLUMN_INDEX["authors"]).data() == "Lovelace and Turing"
    assert model.index(row, COLUMN_INDEX["year"]).data() == "2000"
    assert model.index(row, COLUMN_INDEX["venue"]).data() == "NeurIPS"
    assert model.index(row, COLUMN_INDEX["key"]).data() == paper.citekey


def test_clicking_a_header_sorts_with_a_new_query(qtbot, table, library):
    model = table.paper_model
    header = table.horizontalHeader()
    x = header.sectionViewportPosition(COLUMN_INDEX["year"]) + 10
    from PySide6.QtCore import QPoint

    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    expected = library.paper_ids(order_by="year", descending=model.sort_order == Qt.SortOrder.DescendingOrder)
    assert model.ids() == expected
    years = [int(y) for y in column_texts(model, "year")]
    assert years == sorted(years) or years == sorted(years, reverse=True)
    table.sortByColumn(COLUMN_INDEX["title"], Qt.SortOrder.AscendingOrder)
    titles = column_texts(model, "title")
    assert titles == sorted(titles, key=str.lower)


def test_sorting_by_tags_puts_untagged_papers_last(table, library, ids):
    library.add_tag(ids[10:12], "b-tag")
    library.add_tag(ids[20:21], "a-tag")
    table.sortByColumn(COLUMN_INDEX["tags"], Qt.SortOrder.AscendingOrder)
    tags = column_texts(table.paper_model, "tags")
    assert tags[:3] == ["a-tag", "b-tag", "b-tag"]
    assert set(tags[3:]) == {""}


def test_filters_narrow_the_rows_and_a_bad_query_keeps_them(table, library, ids):
    library.add_tag(ids[:5], "to-read")
    table.set_filter(tag="to-read")
    assert sorted(table.paper_model.ids()) == sorted(ids[:5])
    table.set_filter(query="year:2003")
    assert {library.get_paper(pid).year for pid in table.paper_model.ids()} == {2003}
    before = table.paper_model.ids()
    with pytest.raises(QueryError):
        table.set_filter(query="year:soon")
    assert table.paper_model.ids() == before


def test_selection_survives_a_library_change(table, library, ids):
    chosen = [table.paper_model.paper_id(row) for row in (2, 3, 7)]
    table.select_ids(chosen)
    library.add_tag(chosen, "keep")  # the rows re-read, and a tag filter would even reorder them
    assert sorted(table.selected_ids()) == sorted(chosen)
    table.set_filter(tag="keep")
    assert sorted(table.selected_ids()) == sorted(chosen)


def test_deleted_papers_leave_the_table_and_its_count(qtbot, table, library, ids):
    counts = []
    table.count_changed.connect(counts.append)
    library.delete_papers(ids[:3])
    assert table.count() == 57
    assert counts[-1] == 57
    assert not set(ids[:3]) & set(table.paper_model.ids())


def test_column_widths_hidden_columns_and_sort_are_remembered(qtbot, hub, ids):
    first = PaperTable(hub)
    qtbot.addWidget(first)
    first.horizontalHeader().resizeSection(COLUMN_INDEX["authors"], 321)
    first.set_column_visible(COLUMN_INDEX["key"], False)
    first.sortByColumn(COLUMN_INDEX["year"], Qt.SortOrder.AscendingOrder)
    first.save_state()
    second = PaperTable(hub)
    qtbot.addWidget(second)
    assert second.horizontalHeader().sectionSize(COLUMN_INDEX["authors"]) == 321
    assert second.horizontalHeader().isSectionHidden(COLUMN_INDEX["key"])
    assert second.paper_model.sort_column == COLUMN_INDEX["year"]
    assert second.paper_model.ids() == hub.library.paper_ids(order_by="year")


def test_the_title_column_cannot_be_hidden(table):
    table.set_column_visible(COLUMN_INDEX["title"], False)
    assert not table.horizontalHeader().isSectionHidden(COLUMN_INDEX["title"])
    menu = table.column_menu()
    assert [a.text() for a in menu.actions() if not a.isEnabled()] == ["Title"]


def test_dragging_rows_carries_their_ids_and_keys(table, library):
    model = table.paper_model
    indexes = [model.index(0, 0), model.index(0, 2), model.index(4, 0)]
    mime = model.mimeData(indexes)
    assert decode_paper_ids(mime) == [model.paper_id(0), model.paper_id(4)]
    keys = [p.citekey for p in library.get_papers([model.paper_id(0), model.paper_id(4)])]
    assert mime.text() == ",".join(keys)


def test_recently_added_keeps_the_newest_papers_whatever_the_sort(table, library, ids):
    newer = store(library, make_records(190, start=1000, title="Newer"), file="newer.bib")
    table.set_filter(view="recent")
    shown = set(table.paper_model.ids())
    assert len(shown) == 200 and set(newer) <= shown
    table.sortByColumn(COLUMN_INDEX["title"], Qt.SortOrder.AscendingOrder)
    assert set(table.paper_model.ids()) == shown  # not the first 200 titles of the whole library


def test_a_paper_no_source_names_authors_for_reads_authors_not_listed_in_muted_italics(qtbot, hub, library):
    from PySide6.QtGui import QGuiApplication, QPalette

    from papershelf.model.records import PaperRecord

    (paper_id,) = store(
        library,
        [PaperRecord(line=1, arxiv_id="2112.07327", authors=(), authors_complete=False, year=2021)],
        file="listing.txt",
        fmt="arxiv-listing",
    )
    table = PaperTable(hub)
    qtbot.addWidget(table)
    model = table.paper_model
    row = model.row_of(paper_id)
    cell = model.index(row, COLUMN_INDEX["authors"])

    assert cell.data() == "authors not listed"  # not a bare "et al."
    assert cell.data(Qt.ItemDataRole.FontRole).italic()
    muted = QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
    assert cell.data(Qt.ItemDataRole.ForegroundRole) == muted
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == "authors not listed"
