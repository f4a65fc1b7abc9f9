"""The Authors screen of a large library (58,000 people): it reads them in the background and still behaves as the
small one does, the list complete, the filter finding one person, the counts following changes (issue 15)."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QPoint, Qt

from papershelf.gui.authors_view import AuthorsView
from papershelf.gui.hub import LibraryHub
from papershelf.model import Library
from papershelf.model.apply import import_records
from papershelf.model.merge import merge_authors
from papershelf.model.records import PaperRecord

PAPERS = 19_400  # three people of their own each: 58,200 people, as many as the benchmark's 20,000 papers have
OWNER = "Ada Quillfeather"  # on the first thirty papers, as a page's owner is
OWNER_PAPERS = 30
LONE = "Zebulon Quaintrell"  # one paper, one person among 58,000 to find
READ_TIMEOUT_MS = 30_000  # the machine is shared: reading 58,000 people can take a few seconds under load

SYLLABLES = ("ka", "lo", "mi", "nu", "re", "sa", "ti", "vo", "wen", "xi", "yu", "zo", "bar", "dun", "fel", "gor")


def _word(number: int) -> str:
    letters = ""
    for _ in range(4):
        letters += SYLLABLES[number % 16]
        number //= 16
    return letters.capitalize()


def _person(number: int) -> str:
    return f"{_word(number)} {_word(number + 7919)}"


@pytest.fixture(scope="module")
def large_file(tmp_path_factory):
    """A library of 58,000 people imported once for this module (through the model, as an import would)."""
    path = tmp_path_factory.mktemp("large") / "large.sqlite"
    library = Library.open(path, backup=False)
    records = [
        PaperRecord(
            line=index + 1,
            title=f"Study {index} of {_word(index)} systems",
            authors=((OWNER,) if index < OWNER_PAPERS else ())
            + tuple(_person(3 * index + k) for k in range(3))
            + ((LONE,) if index == PAPERS - 1 else ()),
            year=2000 + index % 25,
        )
        for index in range(PAPERS)
    ]
    result = import_records(
        library, file="large.bib", path="/tmp/large.bib", sha256="large", fmt="bibtex", owner=None, records=records
    )
    assert result is not None
    assert library.count_authors() == 3 * PAPERS + 2
    library.close()
    return path


@pytest.fixture
def library(large_file, tmp_path):
    copy = tmp_path / "library.sqlite"
    shutil.copy(large_file, copy)
    library = Library.open(copy, backup=False)
    yield library
    library.close()


@pytest.fixture
def hub(library):
    hub = LibraryHub(library, watch_interval_ms=0)
    yield hub
    hub.close()


@pytest.fixture
def view(qtbot, hub):
    widget = AuthorsView(hub)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    return widget


def wait_read(qtbot, view: AuthorsView) -> None:
    qtbot.waitUntil(lambda: not view.loading(), timeout=READ_TIMEOUT_MS)


def the_one_named(library: Library, name: str):
    matches = [author for author in library.find_authors(name) if author.name == name]
    assert len(matches) == 1, matches
    return library.get_author(matches[0].id)


def test_the_list_says_it_is_loading_then_shows_every_person(qtbot, view, library):
    assert view.loading()
    assert view.count_label.text() == "Loading people…"
    wait_read(qtbot, view)
    people = library.count_authors()
    assert people > 58_000
    assert view.model.total() == people
    assert view.count_label.text() == f"{people:,} authors"
    # Most papers first, so the page's owner is the first row among 58,000 people of one paper each.
    assert view.model.index(0, 0).data() == OWNER
    assert view.model.index(0, 2).data() == OWNER_PAPERS
    # The rest arrive in batches as the user scrolls, down to the last person.
    view.table.scrollToBottom()
    while view.model.canFetchMore():
        view.model.fetchMore()
    assert view.model.rowCount() == people
    assert view.model.index(people - 1, 2).data() == 1


def test_the_filter_finds_one_person_among_58000_and_the_keyboard_opens_their_page(qtbot, view, library):
    wait_read(qtbot, view)
    qtbot.keyClicks(view.search, "quaintrell")
    qtbot.waitUntil(lambda: view.model.total() == 1, timeout=READ_TIMEOUT_MS)
    assert view.model.index(0, 0).data() == LONE
    qtbot.waitUntil(lambda: not view.loading(), timeout=READ_TIMEOUT_MS)
    assert view.count_label.text() == "1 author matching “quaintrell”"
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    assert view.page.name_label.text() == LONE
    # Clearing the search brings everyone back, the person still selected.
    view.search.clear()
    qtbot.waitUntil(lambda: view.model.total() == library.count_authors(), timeout=READ_TIMEOUT_MS)
    wait_read(qtbot, view)
    assert view.table.currentIndex().data() == LONE


def test_a_search_typed_while_everyone_is_read_shows_the_search(qtbot, view):
    assert view.loading()
    view.set_query("quaintrell")
    wait_read(qtbot, view)
    assert view.model.total() == 1
    assert view.model.index(0, 0).data() == LONE
    qtbot.wait(50)  # the answer to the first request, everyone, must not land afterwards
    assert view.model.total() == 1


def test_a_person_opened_before_the_list_arrives_is_selected_when_it_does(qtbot, view, library):
    lone = the_one_named(library, LONE)
    assert view.loading()
    assert view.show_author(lone.id)
    assert view.page.name_label.text() == LONE  # the page does not wait for the list
    wait_read(qtbot, view)
    assert view.table.currentIndex().data() == LONE


def test_an_import_updates_the_counts(qtbot, view, library):
    wait_read(qtbot, view)
    before = view.model.total()
    import_records(
        library,
        file="extra.bib",
        path="/tmp/extra.bib",
        sha256="extra",
        fmt="bibtex",
        owner=None,
        records=[PaperRecord(line=1, title="A Brand New Paper", authors=(OWNER, "Zed Newcomer"), year=2024)],
    )
    qtbot.waitUntil(lambda: view.model.total() == before + 1, timeout=READ_TIMEOUT_MS)
    assert view.model.index(0, 0).data() == OWNER
    assert view.model.index(0, 2).data() == OWNER_PAPERS + 1
    assert view.count_label.text() == f"{before + 1:,} authors"


def test_a_merge_of_two_people_updates_the_list(qtbot, view, library):
    wait_read(qtbot, view)
    before = view.model.total()
    lone = the_one_named(library, LONE)
    owner = the_one_named(library, OWNER)
    view.show_author(owner.id)
    merge_authors(library, owner.id, [lone.id])
    qtbot.waitUntil(lambda: view.model.total() == before - 1, timeout=READ_TIMEOUT_MS)
    # His paper is not one of the owner's: the owner now counts one more.
    assert view.model.index(0, 0).data() == OWNER
    assert view.model.index(0, 2).data() == OWNER_PAPERS + 1
    assert view.table.currentIndex().data() == OWNER
    view.set_query("quaintrell")  # found by the spelling the merge kept
    qtbot.waitUntil(lambda: view.model.total() == 1 and not view.loading(), timeout=READ_TIMEOUT_MS)
    assert view.model.index(0, 0).data() == OWNER


def test_a_click_on_a_column_header_sorts_everyone_and_keeps_the_selection(qtbot, view, library):
    wait_read(qtbot, view)
    lone = the_one_named(library, LONE)
    view.show_author(lone.id)
    header = view.table.horizontalHeader()
    name_header = QPoint(header.sectionViewportPosition(0) + 5, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=name_header)
    assert view.loading() and view.count_label.text().endswith("sorting…")  # on the reader's thread
    everyone = sorted(library.list_authors(), key=lambda a: ((a.family or a.name).casefold(), a.given.casefold()))
    first = everyone[0].name
    qtbot.waitUntil(lambda: view.model.index(0, 0).data() == first, timeout=READ_TIMEOUT_MS)
    wait_read(qtbot, view)
    assert view.model.total() == len(everyone)
    assert view.model.author_at(len(everyone) - 1).id == everyone[-1].id
    assert view.table.currentIndex().data() == LONE
    assert view.count_label.text() == f"{len(everyone):,} authors"


def test_a_read_only_library_lists_its_people_too(qtbot, large_file, tmp_path):
    copy = tmp_path / "read-only.sqlite"
    shutil.copy(large_file, copy)
    library = Library.open(copy, read_only=True, backup=False)
    hub = LibraryHub(library, watch_interval_ms=0)
    try:
        view = AuthorsView(hub)
        qtbot.addWidget(view)
        assert view.loading()
        wait_read(qtbot, view)
        assert view.model.total() == library.count_authors()
        assert view.model.index(0, 0).data() == OWNER
    finally:
        hub.close()
        library.close()
