"""Undo and redo put the library back exactly: edits, notes, deletes, tags and merges."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack
from shell_support import make_records, store

from papershelf.gui.hub import LibraryHub
from papershelf.gui.undo import (
    AuthorNoteCommand,
    DeleteCommand,
    EditPaperCommand,
    MergePapersCommand,
    NoteCommand,
    add_tag_command,
    remove_tag_command,
    undo_stack,
)


@pytest.fixture
def ids(library):
    return store(library, make_records(6))


@pytest.fixture
def stack(qtbot):
    return QUndoStack()


def test_an_edit_undoes_to_the_sources_value(stack, library, ids):
    original = library.get_paper(ids[0]).title
    stack.push(EditPaperCommand(library, ids[0], {"title": "Fixed title", "doi": "10.1000/xyz"}))
    assert library.get_paper(ids[0]).title == "Fixed title"
    stack.undo()
    paper = library.get_paper(ids[0])
    assert paper.title == original and paper.doi is None
    assert paper.edited_fields == []  # the field belongs to the sources again
    stack.redo()
    assert library.get_paper(ids[0]).doi == "10.1000/xyz"


def test_undoing_a_second_edit_restores_the_first_edit(stack, library, ids):
    stack.push(EditPaperCommand(library, ids[1], {"title": "First fix"}))
    stack.push(EditPaperCommand(library, ids[1], {"title": "Second fix"}))
    stack.undo()
    paper = library.get_paper(ids[1])
    assert paper.title == "First fix" and paper.edited_fields == ["title"]


def test_a_burst_of_note_typing_is_one_undo_step(stack, library, ids):
    stack.push(NoteCommand(library, ids[2], "", "h"))
    stack.push(NoteCommand(library, ids[2], "h", "he"))
    stack.push(NoteCommand(library, ids[2], "he", "hello"))
    assert stack.count() == 1
    stack.undo()
    assert library.get_paper(ids[2]).note == ""
    stack.redo()
    assert library.get_paper(ids[2]).note == "hello"


def test_notes_of_different_papers_are_separate_steps(stack, library, ids):
    stack.push(NoteCommand(library, ids[2], "", "a"))
    stack.push(NoteCommand(library, ids[3], "", "b"))
    assert stack.count() == 2


def test_author_notes_undo(stack, library, ids):
    author_id = library.get_paper(ids[0]).authors[0].author_id
    stack.push(AuthorNoteCommand(library, author_id, "", "met at ACL"))
    assert library.get_author(author_id).note == "met at ACL"
    stack.undo()
    assert library.get_author(author_id).note == ""


def test_undoing_a_delete_restores_only_what_it_trashed(stack, library, ids):
    library.delete_papers([ids[0]])
    stack.push(DeleteCommand(library, ids[:3]))
    assert set(library.paper_ids(view="trash")) == set(ids[:3])
    stack.undo()
    assert library.paper_ids(view="trash") == [ids[0]]  # trashed before: stays there


def test_adding_a_tag_papers_already_have_leaves_no_undo_step(stack, library, ids):
    library.add_tag(ids[:2], "x")
    stack.push(add_tag_command(library, ids[:2], "x"))
    assert stack.count() == 0


def test_undoing_a_tag_keeps_tags_that_were_there_before(stack, library, ids):
    library.add_tag(ids[:2], "x")
    stack.push(add_tag_command(library, ids[:4], "x"))
    stack.undo()
    assert set(library.paper_ids(tag="x")) == set(ids[:2])


def test_a_merge_is_undone_with_unmerge(stack, library, ids):
    library.add_tag([ids[5]], "mine")
    stack.push(MergePapersCommand(library, ids[4], [ids[5]], ["same paper"]))
    assert ids[5] not in library.paper_ids()
    assert "mine" in library.get_paper(ids[4]).tags  # tags of merged papers are combined
    stack.undo()
    assert {ids[4], ids[5]} <= set(library.paper_ids())
    assert library.get_paper(ids[5]).tags == ["mine"]
    stack.redo()
    assert ids[5] not in library.paper_ids()


def test_one_stack_per_library_window(library):
    hub = LibraryHub(library, watch_interval_ms=0)
    try:
        assert undo_stack(hub) is undo_stack(hub)
    finally:
        hub.close()


def test_tagging_a_large_selection_and_undoing_it_puts_tags_and_search_back(stack, library):
    ids = store(library, make_records(2500, title="Bulk"))
    reading_before = ids[::10]
    library.add_tag(reading_before, "reading")
    library.add_tag(ids[:5], "other")
    statements: list[str] = []

    def ours(sql: str) -> None:
        if not sql.startswith("--"):  # the search index's own statements on its tables come as "-- ..."
            statements.append(sql)

    library.conn.set_trace_callback(ours)
    try:
        stack.push(add_tag_command(library, ids, "reading"))
    finally:
        library.conn.set_trace_callback(None)
    # A set-based change, not a statement per paper (it was 2,250 inserts and as many updates here).
    assert len(statements) < 60
    assert library.paper_ids(tag="reading") == library.paper_ids()
    assert len(library.search("reading")) == 2500  # the search index knows the new tag
    assert all(library.get_paper(pid).tags == ["other", "reading"] for pid in ids[:5])
    statements.clear()
    library.conn.set_trace_callback(ours)
    try:
        stack.undo()
    finally:
        library.conn.set_trace_callback(None)
    assert len(statements) < 80
    assert set(library.paper_ids(tag="reading")) == set(reading_before)
    assert set(library.search("reading")) == set(reading_before)
    assert set(library.paper_ids(tag="other")) == set(ids[:5])
    stack.redo()
    assert len(library.paper_ids(tag="reading")) == 2500
    stack.push(remove_tag_command(library, ids[: len(ids) // 2], "reading"))
    assert set(library.paper_ids(tag="reading")) == set(ids[len(ids) // 2 :])
    assert set(library.search("reading")) == set(ids[len(ids) // 2 :])
    stack.undo()
    assert len(library.search("reading")) == 2500
