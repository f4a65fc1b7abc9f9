"""The review queue: compare a pair side by side, merge it (and undo), or call it distinct for good."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from papershelf.gui.duplicates_view import DuplicatesView
from papershelf.gui.hub import LibraryHub
from papershelf.gui.undo import undo_stack
from papershelf.model.apply import import_records
from papershelf.model.merge import author_suggestions
from papershelf.model.records import PaperRecord

FIRST = [
    PaperRecord(
        line=1,
        title="Learning to Rank Things",
        authors=("Xue Wang", "Ann Lee"),
        year=2019,
        venue="ICML",
        doi="10.1000/ltr",
    ),
    PaperRecord(line=5, title="Graph Stuff", authors=("H. V. Jagadish",), year=2020),
]
SECOND = [
    PaperRecord(
        line=1,
        title="Learning to Rank Things",
        authors=("Wang Xue", "Ann Lee"),
        year=2021,
        venue="arXiv",
        arxiv_id="2101.00001",
    ),
    PaperRecord(line=3, title="Other Things", authors=("Hosagrahar V. Jagadish", "Ann Lee"), year=2020),
]


def store(library, name, records):
    return import_records(
        library, file=name, path=f"/pages/{name}", sha256=name, fmt="bibtex", owner=None, records=records
    )


@pytest.fixture
def hub(library):
    store(library, "mine.bib", FIRST)
    store(library, "theirs.bib", SECOND)
    hub = LibraryHub(library, watch_interval_ms=0)
    yield hub
    hub.close()


@pytest.fixture
def view(qtbot, hub):
    widget = DuplicatesView(hub)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    return widget


def pairs(view):
    return {(s.kind, s.a.id, s.b.id) for s in view.suggestions()}


def paper_suggestion(view):
    return next(s for s in view.suggestions() if s.kind == "paper")


def test_the_models_are_sound(qtmodeltester, view):
    qtmodeltester.check(view.model)
    view.select_row(view.model.row_of(paper_suggestion(view).id))
    qtmodeltester.check(view.comparison)


def test_the_queue_lists_paper_and_author_suggestions_with_their_scores(view):
    kinds = sorted(s.kind for s in view.suggestions())
    assert kinds == ["author", "author", "paper"]
    assert view.count() == 3 and "3 possible duplicates" in view.count_label.text()
    scores = [float(view.model.index(row, 2).data()) for row in range(view.model.rowCount())]
    assert scores == sorted(scores, reverse=True)


def test_a_pair_is_shown_side_by_side_with_its_evidence(view):
    suggestion = paper_suggestion(view)
    view.select_row(view.model.row_of(suggestion.id))
    assert "same title" in view.evidence_label.text()
    assert "years differ" in view.evidence_label.text()
    rows = {row.label: row for row in view.comparison.rows}
    assert rows["Title"].left == rows["Title"].right == "Learning to Rank Things"
    assert {rows["Year"].left, rows["Year"].right} == {"2019", "2021"}
    assert {rows["Sources"].left, rows["Sources"].right} == {"mine.bib (line 1)", "theirs.bib (line 1)"}
    differing = view.comparison.differing()
    assert "Year" in differing and "Venue" in differing and "Title" not in differing
    year_row = [row.label for row in view.comparison.rows].index("Year")
    title_row = [row.label for row in view.comparison.rows].index("Title")
    assert view.comparison.index(year_row, 1).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert view.comparison.index(title_row, 1).data(Qt.ItemDataRole.BackgroundRole) is None


def test_merging_from_the_review_view_shrinks_the_queue_and_undo_brings_it_back(qtbot, view, library):
    suggestion = paper_suggestion(view)
    view.select_row(view.model.row_of(suggestion.id))
    qtbot.mouseClick(view.keep_right, Qt.MouseButton.LeftButton)
    before = library.count_papers()
    qtbot.mouseClick(view.merge_button, Qt.MouseButton.LeftButton)
    assert view.count() == 2
    assert ("paper", suggestion.a.id, suggestion.b.id) not in pairs(view)
    assert library.count_papers() == before - 1
    kept = library.get_paper(suggestion.b.id)
    assert {claim.file for claim in kept.sources} == {"mine.bib", "theirs.bib"}
    assert kept.doi == "10.1000/ltr" and kept.arxiv_id == "2101.00001"

    undo_stack(view.hub).undo()
    qtbot.waitUntil(lambda: library.count_papers() == before)
    assert {claim.file for claim in library.get_paper(suggestion.a.id).sources} == {"mine.bib"}
    # Undo means "as before the merge": the pair waits in the queue again, not marked distinct.
    qtbot.waitUntil(lambda: ("paper", suggestion.a.id, suggestion.b.id) in pairs(view))
    assert view.count() == 3


def test_undoing_a_merge_of_people_puts_the_pair_back_in_the_queue(qtbot, view, library):
    view.kind_combo.setCurrentIndex(2)  # people only
    suggestion = next(s for s in view.suggestions() if "Jagadish" in s.a.name)
    view.select_row(view.model.row_of(suggestion.id))
    qtbot.mouseClick(view.merge_button, Qt.MouseButton.LeftButton)
    assert ("author", suggestion.a.id, suggestion.b.id) not in pairs(view)

    undo_stack(view.hub).undo()

    qtbot.waitUntil(lambda: ("author", suggestion.a.id, suggestion.b.id) in pairs(view))


def test_not_duplicates_can_be_undone_and_redone(qtbot, view, library):
    suggestion = paper_suggestion(view)
    view.select_row(view.model.row_of(suggestion.id))
    qtbot.mouseClick(view.distinct_button, Qt.MouseButton.LeftButton)
    assert ("paper", suggestion.a.id, suggestion.b.id) not in pairs(view)
    stack = undo_stack(view.hub)
    assert stack.undoText().startswith("Not duplicates: ")

    stack.undo()

    qtbot.waitUntil(lambda: ("paper", suggestion.a.id, suggestion.b.id) in pairs(view))
    assert view.count() == 3
    stack.redo()
    qtbot.waitUntil(lambda: ("paper", suggestion.a.id, suggestion.b.id) not in pairs(view))


def test_merging_people_joins_their_names(qtbot, view, library):
    view.kind_combo.setCurrentIndex(2)  # people only
    assert {s.kind for s in view.suggestions()} == {"author"}
    assert "(2 shown)" in view.count_label.text()
    suggestion = next(s for s in view.suggestions() if "Jagadish" in s.a.name)
    view.select_row(view.model.row_of(suggestion.id))
    # The full name is the better guess of which record to keep.
    assert view.keep_right.isChecked() == (suggestion.b.name == "Hosagrahar V. Jagadish")
    qtbot.mouseClick(view.merge_button, Qt.MouseButton.LeftButton)
    person = next(a for a in library.list_authors() if "Jagadish" in a.name)
    assert person.name == "Hosagrahar V. Jagadish"
    assert "H. V. Jagadish" in person.variants and person.paper_count == 2
    assert view.count() == 2


def test_not_duplicates_is_remembered_for_good(qtbot, view, library, hub):
    suggestion = paper_suggestion(view)
    view.select_row(view.model.row_of(suggestion.id))
    qtbot.mouseClick(view.distinct_button, Qt.MouseButton.LeftButton)
    assert ("paper", suggestion.a.id, suggestion.b.id) not in pairs(view)
    assert view.count() == 2
    people = next(s for s in view.suggestions() if s.kind == "author")
    view.select_row(view.model.row_of(people.id))
    qtbot.mouseClick(view.distinct_button, Qt.MouseButton.LeftButton)
    assert view.count() == 1

    # Later imports and a fresh look for duplicate people do not bring either pair back.
    papers_before = library.paper_ids()
    store(library, "theirs-again.bib", SECOND)
    author_suggestions(library)
    reopened = DuplicatesView(hub)
    qtbot.addWidget(reopened)
    assert ("paper", suggestion.a.id, suggestion.b.id) not in pairs(reopened)
    assert ("author", people.a.id, people.b.id) not in pairs(reopened)
    # The re-imported entries joined the papers they name exactly; the pair the user split stays two papers.
    assert library.paper_ids() == papers_before
    assert suggestion.a.id in papers_before and suggestion.b.id in papers_before


def test_an_empty_queue_says_so(qtbot, view):
    while view.count():
        view.mark_current_distinct()
    assert view.details.currentWidget() is view.empty_label
    assert "0 possible duplicates" in view.count_label.text()
