"""Author browsing as a user does it: search the list, open a page, read it, follow a co-author and go back."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette

from papershelf.gui.authors_view import AuthorListModel, AuthorsView
from papershelf.gui.hub import LibraryHub
from papershelf.gui.undo import undo_stack
from papershelf.model import Library
from papershelf.model.apply import import_records
from papershelf.model.records import OwnerProfile, PaperRecord
from papershelf.pipeline import import_file

# The five seed pages and their capture date, as tests/conftest.py's `seed_library` imports them (imported from
# there, `conftest` can resolve to another folder's conftest.py when the whole suite runs).
ALL_SEEDS = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "seeds").glob("*.txt"))
SEED_AS_OF = "2025-11-20"


@pytest.fixture(scope="module")
def seed_file(tmp_path_factory):
    """The seed pages imported once for this module (as the `seed_library` fixture does); tests get copies."""
    path = tmp_path_factory.mktemp("seeds") / "seed.sqlite"
    library = Library.open(path)
    for seed in ALL_SEEDS:
        assert import_file(library, seed, as_of=dt.date.fromisoformat(SEED_AS_OF)).ok
    library.close()
    return path


@pytest.fixture
def seed_library(seed_file, tmp_path):
    copy = tmp_path / "library.sqlite"
    shutil.copy(seed_file, copy)
    library = Library.open(copy)
    yield library
    library.close()


@pytest.fixture
def hub(seed_library):
    hub = LibraryHub(seed_library, watch_interval_ms=0)
    yield hub
    hub.close()


@pytest.fixture
def view(qtbot, hub):
    widget = AuthorsView(hub)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    return widget


def author_named(library, name):
    matches = [a for a in library.list_authors() if a.name == name]
    assert matches, f"{name} is not in the library"
    return matches[0]


def test_the_item_models_are_sound(qtbot, qtmodeltester, view, seed_library):
    qtmodeltester.check(view.model)
    view.show_author(author_named(seed_library, "Junyang Lin").id)
    qtmodeltester.check(view.page.coauthor_model)


def test_the_list_shows_every_author_with_variants_and_paper_counts(view, seed_library):
    authors = seed_library.list_authors()
    assert view.model.total() == len(authors)
    lin = author_named(seed_library, "Junyang Lin")
    row = view.model.row_of(lin.id)
    assert view.model.index(row, 0).data() == "Junyang Lin"
    assert "Junyang (Justin) Lin" in view.model.index(row, 1).data()
    assert view.model.index(row, 2).data() == lin.paper_count
    assert f"{len(authors)} authors" in view.count_label.text()


def test_searching_as_you_type_narrows_the_list(qtbot, view, seed_library):
    qtbot.keyClicks(view.search, "justin")
    qtbot.waitUntil(lambda: view.model.total() == 1)
    assert view.model.index(0, 0).data() == "Junyang Lin"  # found by a variant, not the display name
    view.search.clear()
    qtbot.keyClicks(view.search, "gao")
    expected = {a.id for a in seed_library.list_authors("gao")}
    qtbot.waitUntil(lambda: view.model.total() == len(expected))
    shown = {view.model.index(row, 0).data(AuthorListModel.AUTHOR_ID_ROLE) for row in range(view.model.rowCount())}
    assert shown == expected and len(expected) > 1


def test_the_author_page_shows_what_the_pages_say(view, seed_library):
    lin = author_named(seed_library, "Junyang Lin")
    assert view.show_author(lin.id)
    page = view.page
    assert page.name_label.text() == "Junyang Lin"
    assert "Junyang (Justin) Lin" in page.variants_label.text()
    profile = page.profile_label.text()
    assert "DAMO Academy" in profile and "junyang.ljy@alibaba-inc.com" in profile
    assert seed_library.get_author(lin.id).profiles[0].file in profile  # which page said so
    assert page.papers.count() == lin.paper_count == len(seed_library.paper_ids(author_id=lin.id))
    assert f"{lin.paper_count} papers" in page.count_label.text()
    # The list follows the page.
    assert view.table.currentIndex().data() == "Junyang Lin"


def test_metrics_from_an_aggregator_profile(view, seed_library):
    gao = author_named(seed_library, "Jinyang Gao")
    view.show_author(gao.id)
    profile = view.page.profile_label.text()
    assert "h-index 32" in profile and "1,391 citations" in profile and "33 papers claimed" in profile


def test_year_chart_bars_match_the_counts(qtbot, view, seed_library):
    gao = author_named(seed_library, "Jinyang Gao")
    view.show_author(gao.id)
    chart = view.page.chart
    per_year = seed_library.papers_per_year(gao.id)
    bars = chart.bars()
    assert [(bar.year, bar.count) for bar in bars] == per_year
    tallest = max(count for _, count in per_year)
    for bar in bars:
        assert bar.rect.height() == pytest.approx(bars[0].rect.height() * bar.count / bars[0].count, rel=0.01)
    assert max(bar.rect.height() for bar in bars) == pytest.approx(chart._plot_rect().height())
    assert tallest == max(bar.count for bar in bars)
    # What is painted is what bars() says: each bar's centre has the bar colour, a missing year does not.
    image = chart.grab().toImage()
    colour = chart.palette().color(QPalette.ColorRole.Highlight).rgb()
    for bar in bars:
        centre = bar.rect.center()
        assert image.pixelColor(int(centre.x()), int(centre.y())).rgb() == colour
    years = {bar.year for bar in bars}
    gaps = [year for year in chart.years() if year not in years]
    assert gaps, "the seed author has a year without papers"
    slot = chart._plot_rect().width() / len(chart.years())
    gap_x = chart._plot_rect().left() + chart.years().index(gaps[0]) * slot + slot / 2
    assert image.pixelColor(int(gap_x), int(chart._plot_rect().bottom() - 3)).rgb() != colour


def test_following_a_coauthor_and_going_back(qtbot, view, seed_library):
    lin = author_named(seed_library, "Junyang Lin")
    view.show_author(lin.id)
    page = view.page
    assert not page.back_button.isEnabled()
    expected = seed_library.coauthors(lin.id)
    model = page.coauthor_model
    assert [(model.index(r, 0).data(), model.index(r, 1).data()) for r in range(model.rowCount())] == [
        (author.name, shared) for author, shared in expected
    ]
    first, _shared = expected[0]
    rect = page.coauthor_view.visualRect(model.index(0, 0))
    with qtbot.waitSignal(page.author_shown):
        qtbot.mouseClick(page.coauthor_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.name_label.text() == first.name
    assert view.table.currentIndex().data() == first.name
    assert lin.id in dict((a.id, n) for a, n in seed_library.coauthors(first.id))
    assert page.back_button.isEnabled()
    qtbot.mouseClick(page.back_button, Qt.MouseButton.LeftButton)
    assert page.name_label.text() == "Junyang Lin"
    assert view.table.currentIndex().data() == "Junyang Lin"
    assert not page.back_button.isEnabled()


def test_picking_an_author_in_the_list_opens_their_page(qtbot, view, seed_library):
    dong = author_named(seed_library, "Li Dong")
    row = view.model.row_of(dong.id)
    view.table.scrollTo(view.model.index(row, 0))
    rect = view.table.visualRect(view.model.index(row, 0))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.page.name_label.text() == "Li Dong"
    assert view.selected_author_id() == dong.id


def test_show_author_clears_a_search_that_hides_them(qtbot, view, seed_library):
    view.set_query("gao")
    dong = author_named(seed_library, "Li Dong")
    assert view.model.row_of(dong.id) is None
    assert view.show_author(dong.id)
    assert view.search.text() == ""
    assert view.table.currentIndex().data() == "Li Dong"


def test_the_author_note_is_saved_as_you_type(qtbot, view, seed_library):
    dong = author_named(seed_library, "Li Dong")
    view.show_author(dong.id)
    editor = view.page.note_editor
    editor.set_editing(True)
    qtbot.keyClicks(editor.editor, "Met at ACL; ask about *MiniLM*")
    qtbot.waitUntil(lambda: seed_library.get_author(dong.id).note == "Met at ACL; ask about *MiniLM*", timeout=3000)
    # Another author and back: the note is there, as it is after reopening the library.
    view.show_author(author_named(seed_library, "Junyang Lin").id)
    assert view.page.note_text() == ""
    view.show_author(dong.id)
    assert view.page.note_text() == "Met at ACL; ask about *MiniLM*"


def test_the_list_and_page_follow_library_changes(qtbot, view, seed_library):
    lin = author_named(seed_library, "Junyang Lin")
    view.show_author(lin.id)
    before = view.model.total()
    import_records(
        seed_library,
        file="extra.bib",
        path="/tmp/extra.bib",
        sha256="extra",
        fmt="bibtex",
        owner=None,
        records=[PaperRecord(line=1, title="A Brand New Paper", authors=("Junyang Lin", "Zed Newcomer"), year=2024)],
    )
    qtbot.waitUntil(lambda: view.model.total() == before + 1)
    qtbot.waitUntil(lambda: view.page.papers.count() == lin.paper_count + 1)
    assert "Zed Newcomer" in [
        view.page.coauthor_model.index(r, 0).data() for r in range(view.page.coauthor_model.rowCount())
    ]
    assert (2024, 1) in [(bar.year, bar.count) for bar in view.page.chart.bars()]


def test_a_long_list_reaches_the_view_in_batches(qtbot, hub, seed_library, monkeypatch):
    monkeypatch.setattr(AuthorListModel, "BATCH", 40)
    view = AuthorsView(hub)
    qtbot.addWidget(view)
    total = view.model.total()
    assert total > 80
    assert view.model.rowCount() == 40 and view.model.canFetchMore()
    last = view.model.author_at(total - 1)
    assert view.show_author(last.id)
    assert view.model.rowCount() == total
    assert view.table.currentIndex().row() == total - 1


def test_an_author_with_only_a_profile_page_still_has_a_page(qtbot, view, seed_library):
    import_records(
        seed_library,
        file="ada.txt",
        path="/tmp/ada.txt",
        sha256="ada",
        fmt="homepage",
        owner=OwnerProfile(name="Ada Example", affiliation="Nowhere Institute", bio="<b>Not markup</b>"),
        records=[],
    )
    ada = author_named(seed_library, "Ada Example")
    view.show_author(ada.id)
    page = view.page
    assert "Nowhere Institute" in page.profile_label.text()
    assert "&lt;b&gt;Not markup" in page.profile_label.text()  # page text is escaped, never rendered as HTML
    assert page.chart.bars() == []
    assert "None known" in page.coauthor_label.text()


def test_undo_takes_the_author_note_back(qtbot, view, seed_library, hub):
    dong = author_named(seed_library, "Li Dong")
    view.show_author(dong.id)
    editor = view.page.note_editor
    editor.set_editing(True)
    qtbot.keyClicks(editor.editor, "first thoughts")
    editor.flush()
    assert seed_library.get_author(dong.id).note == "first thoughts"
    undo_stack(hub).undo()
    assert seed_library.get_author(dong.id).note == ""
    qtbot.waitUntil(lambda: view.page.note_text() == "")


def test_a_refused_author_note_is_not_called_saved_and_is_saved_once_the_library_accepts(
    qtbot, monkeypatch, view, seed_library
):
    from papershelf.gui import note_editor
    from papershelf.model.library import LibraryError

    busy = "the library is busy: another program is importing (waited 30 s)"
    monkeypatch.setattr(note_editor, "RETRY_PAUSE_S", 0.0)
    original = seed_library.set_author_note

    def refuse(*args, **kwargs):
        raise LibraryError(busy)

    monkeypatch.setattr(seed_library, "set_author_note", refuse)
    dong = author_named(seed_library, "Li Dong")
    view.show_author(dong.id)
    editor = view.page.note_editor
    editor.set_editing(True)
    qtbot.keyClicks(editor.editor, "ask about MiniLM")
    qtbot.waitUntil(lambda: "not saved" in editor.status.text(), timeout=3000)
    assert editor.status.text() == f"not saved: {busy} — it will be retried"
    assert seed_library.get_author(dong.id).note == ""
    assert view.page.author.note == ""  # the page does not pretend the library holds it
    assert not view.page.flush_note() and view.page.unsaved_note() == "ask about MiniLM"
    view.page.reload()  # a library change re-reads the author: the refused text stays
    assert editor.text() == "ask about MiniLM" and "not saved" in editor.status.text()

    monkeypatch.setattr(seed_library, "set_author_note", original)
    assert view.page.flush_note()
    assert seed_library.get_author(dong.id).note == "ask about MiniLM"
    assert editor.status.text() == "saved" and view.page.unsaved_note() is None


def test_a_refused_author_note_keeps_its_author_on_screen_until_it_is_saved(qtbot, monkeypatch, view, seed_library):
    from papershelf.gui import note_editor
    from papershelf.model.library import LibraryError

    monkeypatch.setattr(note_editor, "RETRY_PAUSE_S", 0.0)
    original = seed_library.set_author_note

    def refuse(*args, **kwargs):
        raise LibraryError("the library is busy: another program is importing (waited 30 s)")

    monkeypatch.setattr(seed_library, "set_author_note", refuse)
    dong, gao = author_named(seed_library, "Li Dong"), author_named(seed_library, "Jinyang Gao")
    view.show_author(dong.id)
    editor = view.page.note_editor
    editor.set_editing(True)
    qtbot.keyClicks(editor.editor, "ask about MiniLM")
    qtbot.waitUntil(lambda: "not saved" in editor.status.text(), timeout=3000)

    view.show_author(gao.id)  # following a link while the note cannot be written
    assert view.page.author.id == dong.id and editor.text() == "ask about MiniLM"
    assert "not saved" in editor.status.text()
    view.table.selectRow(view.model.row_of(gao.id))  # a click on another author in the list
    qtbot.waitUntil(lambda: view.table.currentIndex().row() == view.model.row_of(dong.id), timeout=3000)
    assert view.page.author.id == dong.id and editor.text() == "ask about MiniLM"

    monkeypatch.setattr(seed_library, "set_author_note", original)
    view.show_author(gao.id)
    assert view.page.author.id == gao.id
    assert seed_library.get_author(dong.id).note == "ask about MiniLM"


def test_the_list_opens_with_the_people_who_have_most_papers(view, seed_library):
    counts = sorted((author.paper_count for author in seed_library.list_authors()), reverse=True)
    shown = [int(view.model.index(row, 2).data()) for row in range(3)]
    assert shown == counts[:3]  # the page owners (33, 29, 20 papers) on top, not buried in A to Z


def test_an_author_without_co_authors_gives_the_column_to_the_papers(qtbot, view, seed_library):
    from papershelf.model.apply import import_records
    from papershelf.model.records import PaperRecord

    record = PaperRecord(line=1, title="Working Alone", authors=("Solo Hermit",), year=2020)
    import_records(
        seed_library, file="solo.bib", path="/p/solo.bib", sha256="solo", fmt="bibtex", owner=None, records=[record]
    )
    view.show_author(author_named(seed_library, "Solo Hermit").id)
    assert not view.page.coauthor_box.isVisible()
    view.show_author(author_named(seed_library, "Junyang Lin").id)
    assert view.page.coauthor_box.isVisible()


def test_the_profile_names_its_page_as_the_sidebar_does(view, seed_library):
    view.show_author(author_named(seed_library, "Junyang Lin").id)
    text = view.page.profile_label.text()
    assert "According to Junyang Lin · homepage (" in text
