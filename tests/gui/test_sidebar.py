"""The sidebar: counts a user can trust, and tags managed from their context menu (all undoable)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QInputDialog
from shell_support import dispose, make_records, store

from papershelf.gui.hub import LibraryHub
from papershelf.gui.settings import use_settings_file
from papershelf.gui.sidebar import NavTarget, Sidebar
from papershelf.gui.undo import undo_stack


@pytest.fixture(autouse=True)
def _own_settings(tmp_path):
    use_settings_file(tmp_path / "settings.ini")
    yield
    use_settings_file(None)


@pytest.fixture
def ids(library):
    first = store(library, make_records(12), file="lovelace.html", fmt="homepage", owner="Ada Lovelace")
    second = store(library, make_records(5, start=100), file="refs.bib")
    return first + second


@pytest.fixture
def hub(library, ids):
    hub = LibraryHub(library, watch_interval_ms=0)
    yield hub
    hub.close()


@pytest.fixture
def sidebar(qtbot, hub):
    widget = Sidebar(hub)
    widget.resize(280, 700)
    widget.show()
    yield widget
    dispose(widget)


def tag_names(library):
    return {tag.name: tag.paper_count for tag in library.list_tags()}


def test_the_item_model_is_sound(qtmodeltester, sidebar, library, ids):
    library.add_tag(ids[:3], "to-read")
    sidebar.rebuild()
    qtmodeltester.check(sidebar.model())


def test_library_views_sources_and_tags_show_their_counts(qtbot, sidebar, library, ids):
    assert sidebar.count_text(NavTarget("view", "all")) == "17"
    assert sidebar.count_text(NavTarget("view", "trash")) == "0"
    sources = {source.file: source for source in library.list_sources()}
    homepage = NavTarget("source", sources["lovelace.html"].id)
    assert sidebar.item_for(homepage).text() == "Ada Lovelace · homepage"
    assert sidebar.count_text(homepage) == "12"
    library.add_tag(ids[:4], "to-read")
    library.delete_papers(ids[:1])
    qtbot.waitUntil(lambda: sidebar.count_text(NavTarget("tag", "to-read")) == "3")
    assert sidebar.count_text(NavTarget("view", "trash")) == "1"
    assert sidebar.count_text(NavTarget("view", "all")) == "16"
    assert not sidebar.item_for(NavTarget("tag", "to-read")).icon().isNull()  # its colour


def test_choosing_a_place_reports_it(qtbot, sidebar, library):
    chosen = []
    sidebar.target_selected.connect(chosen.append)
    source = library.list_sources()[0]
    rect = sidebar.item_rect(NavTarget("source", source.id))
    qtbot.mouseClick(sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    sidebar.select(NavTarget("view", "trash"))
    assert chosen == [NavTarget("source", source.id), NavTarget("view", "trash")]


def test_renaming_a_tag_from_its_menu_and_undoing_it(qtbot, monkeypatch, sidebar, library, ids):
    library.add_tag(ids[:3], "ml")
    sidebar.rebuild()
    sidebar.select(NavTarget("tag", "ml"))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("machine learning", True))
    menu = sidebar.tag_menu("ml")
    next(a for a in menu.actions() if a.text() == "Rename…").trigger()
    assert tag_names(library) == {"machine learning": 3}
    assert sidebar.current_target() == NavTarget("tag", "machine learning")
    undo_stack(sidebar.hub).undo()
    assert tag_names(library) == {"ml": 3}
    assert set(library.paper_ids(tag="ml")) == set(ids[:3])


def test_renaming_onto_an_existing_tag_merges_and_undo_separates_them(sidebar, library, ids):
    library.add_tag(ids[:3], "nlp")
    library.add_tag(ids[2:6], "NLP-papers")
    colour = {t.name: t.colour for t in library.list_tags()}["nlp"]
    sidebar.rename_tag("nlp", "NLP-papers")
    assert tag_names(library) == {"NLP-papers": 6}
    undo_stack(sidebar.hub).undo()
    assert set(library.paper_ids(tag="nlp")) == set(ids[:3])
    assert set(library.paper_ids(tag="NLP-papers")) == set(ids[2:6])
    assert {t.name: t.colour for t in library.list_tags()}["nlp"] == colour


def test_renaming_onto_an_existing_name_from_the_menu_asks_before_merging(monkeypatch, sidebar, library, ids):
    from PySide6.QtWidgets import QMessageBox

    library.add_tag(ids[:3], "nlp")
    library.add_tag(ids[2:6], "NLP-papers")
    sidebar.rebuild()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("nlp-papers", True))
    asked = []
    answer = QMessageBox.StandardButton.No
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *a: asked.append(text) or answer)
    rename = next(a for a in sidebar.tag_menu("nlp").actions() if a.text() == "Rename…")

    rename.trigger()

    assert "There is already a tag “NLP-papers” (4 papers). Merge “nlp” into it?" in asked[0]
    assert tag_names(library) == {"nlp": 3, "NLP-papers": 4}  # No: nothing changed
    answer = QMessageBox.StandardButton.Yes
    rename.trigger()
    assert tag_names(library) == {"NLP-papers": 6}
    assert sidebar.current_target() == NavTarget("tag", "NLP-papers")


def test_every_place_has_its_count_and_duplicates_have_their_own_heading(sidebar, library, ids):
    assert sidebar.count_text(NavTarget("view", "recent")) == "17"
    assert sidebar.count_text(NavTarget("authors")) == str(len(library.list_authors()))
    review = sidebar.item_for(NavTarget("duplicates")).parent()
    assert review.text() == "REVIEW"
    assert sidebar.item_for(NavTarget("authors")).parent().text() == "PEOPLE"


def test_lookup_sources_read_as_lookups(sidebar, library, ids):
    from papershelf.model.apply import import_records
    from papershelf.model.records import PaperRecord

    import_records(
        library,
        file="arXiv API",
        path="https://export.arxiv.org/api/query",
        sha256="lookup",
        fmt="lookup-arxiv",
        owner=None,
        records=[PaperRecord(line=0, title="Looked Up", arxiv_id="2101.00001", year=2021)],
    )
    sidebar.rebuild()
    source = next(s for s in library.list_sources() if s.format == "lookup-arxiv")
    item = sidebar.item_for(NavTarget("source", source.id))
    assert item.text() == "arXiv lookups"
    assert "looked up on arXiv" in item.toolTip()


def test_recolouring_merging_and_deleting_tags(monkeypatch, sidebar, library, ids):
    library.add_tag(ids[:2], "a")
    library.add_tag(ids[5:7], "b")
    sidebar.rebuild()
    monkeypatch.setattr(QColorDialog, "getColor", lambda *a, **k: QColor("#123456"))
    next(x for x in sidebar.tag_menu("a").actions() if x.text() == "Change colour…").trigger()
    assert {t.name: t.colour for t in library.list_tags()}["a"] == "#123456"
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("b", True))
    next(x for x in sidebar.tag_menu("a").actions() if x.text() == "Merge into…").trigger()
    assert tag_names(library) == {"b": 4}
    next(x for x in sidebar.tag_menu("b").actions() if x.text() == "Delete tag").trigger()
    assert tag_names(library) == {}
    stack = undo_stack(sidebar.hub)
    stack.undo()  # delete
    assert tag_names(library) == {"b": 4}
    stack.undo()  # merge
    assert tag_names(library) == {"a": 2, "b": 2}
    assert {t.name: t.colour for t in library.list_tags()}["a"] == "#123456"
    stack.undo()  # recolour
    assert {t.name: t.colour for t in library.list_tags()}["a"] != "#123456"


def test_a_removed_tag_falls_back_to_all_papers(qtbot, sidebar, library, ids):
    library.add_tag(ids[:1], "gone")
    sidebar.rebuild()
    chosen = []
    sidebar.target_selected.connect(chosen.append)
    sidebar.select(NavTarget("tag", "gone"))
    library.delete_tag("gone")
    sidebar.rebuild()
    assert sidebar.current_target() == NavTarget("view", "all")
    assert chosen[-1] == NavTarget("view", "all")


def test_saving_a_note_does_not_recount_the_library(qtbot, monkeypatch, sidebar, library, ids):
    recounts = []
    original = library.list_sources
    monkeypatch.setattr(library, "list_sources", lambda: recounts.append(1) or original())
    library.set_note(ids[0], "typed while reading")
    qtbot.wait(300)
    assert recounts == []
    library.add_tag(ids[:1], "counted")
    qtbot.waitUntil(lambda: sidebar.count_text(NavTarget("tag", "counted")) == "1")
    assert recounts
