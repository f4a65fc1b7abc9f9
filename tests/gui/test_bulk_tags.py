"""Select all, then tag, untag, undo and redo a whole large selection, as a user does in the window.

A selection of `BACKGROUND_FROM` papers or more is written by the background tag writer: the table shows the
change at once, the file has it once the writer is done, undo and redo keep their order, and a write that fails
midway leaves the library exactly as it was and says so.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from shell_support import dispose, focus_table, make_records, show_main_window, store

from papershelf.gui.hub import LibraryHub
from papershelf.gui.paper_table import COLUMN_INDEX, PaperTable
from papershelf.gui.settings import use_settings_file
from papershelf.gui.sidebar import NavTarget
from papershelf.gui.tag_writer import tag_writer
from papershelf.gui.undo import BACKGROUND_FROM, NoteCommand, push_command, tag_selection_command, undo_stack
from papershelf.model.library import Library

PAPERS = BACKGROUND_FROM + 200


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
    made = store(library, make_records(PAPERS, title="Bulk"))
    library.add_tag(made[::10], "reading")  # some papers have the tag already: undo must keep theirs
    return made


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


def tags_shown(window, row: int) -> str:
    model = window.table.paper_model
    return model.data(model.index(row, COLUMN_INDEX["tags"])) or ""


def every_row_shows(window, tag: str) -> bool:
    rows = window.table.paper_model.rowCount()
    return all(tag in tags_shown(window, row).split(", ") for row in (0, rows // 2, rows - 1))


def written(qtbot, hub) -> None:
    writer = tag_writer(hub)
    qtbot.waitUntil(lambda: not writer.busy(), timeout=20000)


def select_all(qtbot, window) -> list[int]:
    focus_table(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    return window.selected_ids()


def test_ctrl_a_selects_every_row_as_one_range(qtbot, window, library, ids):
    selected = select_all(qtbot, window)
    assert selected == window.table.paper_model.ids() and sorted(selected) == sorted(ids)
    assert len(window.table.selectionModel().selection()) == 1  # one range, not a range per row
    assert f"{PAPERS:,} selected" in window.count_label.text()
    assert window.detail.summary.text() == f"{PAPERS:,} papers selected"
    assert [chip.label.text() for chip in window.detail.multi_tags.chips] == [f"reading ({PAPERS // 10}/{PAPERS})"]


def test_select_all_takes_the_rows_past_the_first_screen_too(qtbot, hub, ids):
    table = PaperTable(hub, first_rows=50)
    qtbot.addWidget(table)
    assert not table.complete
    table.selectAll()
    assert sorted(table.selected_ids()) == sorted(ids)


def test_tagging_everything_shows_at_once_and_reaches_the_file_search_and_sidebar(qtbot, window, hub, library, ids):
    selected = select_all(qtbot, window)
    window.add_tag(selected, "to skim")
    # Before the writer is done: the table already shows the tag on every row, the detail pane on all of them.
    assert every_row_shows(window, "to skim")
    assert tag_writer(hub).busy()
    assert "to skim" in [chip.label.text() for chip in window.detail.multi_tags.chips]
    written(qtbot, hub)
    assert every_row_shows(window, "to skim")
    assert sorted(library.paper_ids(tag="to skim")) == sorted(ids)
    assert sorted(library.search("skim")) == sorted(ids)
    qtbot.waitUntil(lambda: window.sidebar.count_text(NavTarget("tag", "to skim")) == f"{PAPERS:,}")
    assert "to skim" in [chip.label.text() for chip in window.detail.multi_tags.chips]
    with sqlite3.connect(library.path) as other:  # in the file, for any other program
        assert other.execute("SELECT count(*) FROM paper_tags").fetchone()[0] == PAPERS + PAPERS // 10


def test_undo_and_redo_of_a_bulk_tag_keep_their_order_and_restore_exactly(qtbot, window, hub, library, ids):
    before = set(library.paper_ids(tag="reading"))
    stack = undo_stack(hub)
    selected = select_all(qtbot, window)
    # Pressed faster than the writer writes: each step queues behind the one before it.
    window.add_tag(selected, "reading")
    assert [chip.label.text() for chip in window.detail.multi_tags.chips] == ["reading"]
    stack.undo()
    assert not any(tags_shown(window, row) == "reading" for row in (1, 2, 3))  # untagged again at once
    stack.redo()
    stack.undo()
    written(qtbot, hub)
    assert set(library.paper_ids(tag="reading")) == before
    assert tags_shown(window, 0) == ("reading" if window.table.paper_model.paper_id(0) in before else "")
    stack.redo()
    written(qtbot, hub)
    assert sorted(library.paper_ids(tag="reading")) == sorted(ids)
    assert push_command(hub, tag_selection_command(hub, window.selected_ids(), "reading", adding=False))
    written(qtbot, hub)
    assert library.paper_ids(tag="reading") == []
    stack.undo()
    written(qtbot, hub)
    assert sorted(library.paper_ids(tag="reading")) == sorted(ids)


def test_a_change_made_after_a_bulk_tag_waits_for_it(qtbot, window, hub, library, ids):
    selected = select_all(qtbot, window)
    window.add_tag(selected, "queued")
    # A note saved through the undo stack while the tag is being written: written after it, both kept.
    assert push_command(hub, NoteCommand(library, ids[0], "", "my note"))
    assert not tag_writer(hub).busy()
    assert library.get_paper(ids[0]).note == "my note"
    assert len(library.paper_ids(tag="queued")) == PAPERS


def test_a_failed_background_write_changes_nothing_and_says_so(qtbot, window, hub, library, ids, monkeypatch):
    before = set(library.paper_ids(tag="reading"))
    library.set_note(ids[3], "typed before")

    def disk_fails(self, ids_json):  # midway: the tags are inserted, then the write fails
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Library, "_touch", disk_fails)
    selected = select_all(qtbot, window)
    window.add_tag(selected, "reading")
    assert every_row_shows(window, "reading")
    written(qtbot, hub)
    assert set(library.paper_ids(tag="reading")) == before
    assert library.get_paper(ids[3]).note == "typed before"
    assert "Could not save" in window.statusBar().currentMessage()
    rows = window.table.paper_model.rowCount()
    shown = {window.table.paper_model.paper_id(row) for row in range(rows) if "reading" in tags_shown(window, row)}
    assert shown == before  # the table no longer shows what was not written
    monkeypatch.undo()
    undo_stack(hub).undo()  # undoing the failed step changes nothing either
    written(qtbot, hub)
    assert set(library.paper_ids(tag="reading")) == before


def test_closing_the_library_finishes_the_write_first(qtbot, window, hub, library, ids):
    selected = select_all(qtbot, window)
    window.add_tag(selected, "kept")
    hub.close()
    with sqlite3.connect(library.path) as other:
        tagged = other.execute(
            "SELECT count(*) FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id WHERE t.name = 'kept'"
        ).fetchone()[0]
    assert tagged == PAPERS


def test_a_process_killed_mid_write_loses_nothing(tmp_path: Path, library, ids):
    """The writer's transaction is all or nothing: killed between its statements, the file keeps every tag
    and note it had, and opens clean."""
    library.set_note(ids[0], "my note")
    library.close()
    script = textwrap.dedent(
        f"""
        import os, sys, time
        from papershelf.model.library import Library

        def touch_then_die(self, ids_json):
            self.conn.execute("UPDATE papers SET updated_at = 'x' WHERE id IN (SELECT value FROM json_each(?))",
                              (ids_json,))
            print("mid-write", flush=True)
            time.sleep(60)

        Library._touch = touch_then_die
        library = Library.open({str(library.path)!r}, backup=False)
        library.add_tag(library.paper_ids(), "half")
        """
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "mid-write"
    finally:
        process.kill()
        process.wait()
    with Library.open(library.path, backup=False) as reopened:
        assert reopened.paper_ids(tag="half") == []
        assert sorted(reopened.paper_ids(tag="reading")) == sorted(ids[::10])
        assert reopened.get_paper(ids[0]).note == "my note"
        assert reopened.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
