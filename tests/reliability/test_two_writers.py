"""Two writers at once: the app (an in-process Library, as the GUI holds it) and `papershelf import` from a
terminal, or two terminals. Both succeed, nobody is told "database is locked", the window sees the other's work."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from pathlib import Path

import pytest
from reliability_support import (
    SEED_ARXIV,
    SEED_AS_OF,
    SEED_HOMEPAGE,
    arxiv_listing,
    assert_no_traceback,
    count,
    integrity,
    kill,
    papershelf,
    spawn_papershelf,
    write_lock_held,
)

from papershelf.model import Library, LibraryError
from papershelf.pipeline import import_file

ENTRIES = 2500


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    path = tmp_path / "library.sqlite"
    with Library.open(path) as library:
        assert import_file(library, SEED_HOMEPAGE, as_of=dt.date.fromisoformat(SEED_AS_OF)).ok
    return path


def test_app_and_terminal_import_write_at_once(shared: Path, tmp_path: Path) -> None:
    page = tmp_path / "listing.txt"
    page.write_text(arxiv_listing(ENTRIES), encoding="utf-8")
    app = Library.open(shared)
    ids = app.paper_ids()
    process = spawn_papershelf(shared, "import", str(page))

    # The app keeps saving while the terminal import runs; each save may wait for the import's transaction.
    saves, overlapped = 0, False
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        overlapped = overlapped or write_lock_held(shared)
        paper = ids[saves % len(ids)]
        app.set_note(paper, f"note {saves}")
        app.add_tag([paper], "seen")
        saves += 1
        time.sleep(0.02)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert_no_traceback(out + err)
    assert overlapped, "the app never wrote while the import held the library: the test proved nothing"

    assert saves > 5
    assert app.get_paper(ids[(saves - 1) % len(ids)]).note == f"note {saves - 1}"
    assert len(app.paper_ids(tag="seen")) == min(saves, len(ids))
    assert app.count_papers() == len(ids) + ENTRIES  # the app's connection reads the terminal's papers
    app.close()
    assert integrity(shared) == ["ok"]


def _hub(library: Library):
    from papershelf.gui.hub import LibraryHub

    hub = LibraryHub(library, watch_interval_ms=0)
    heard: list = []
    hub.changed.connect(heard.append)
    return hub, heard


def test_open_window_sees_a_terminal_import(shared: Path, qapp) -> None:
    app = Library.open(shared)
    hub, heard = _hub(app)
    assert not hub.check_external_changes()
    run = papershelf(shared, "import", str(SEED_ARXIV), "--as-of", SEED_AS_OF)
    assert run.code == 0, run.err
    assert hub.check_external_changes()
    assert [c.kind for c in heard] == ["library"]
    hub.close()
    app.close()


def test_open_window_sees_a_terminal_import_even_when_it_saved_right_after(shared: Path, qapp) -> None:
    app = Library.open(shared)
    hub, heard = _hub(app)
    run = papershelf(shared, "import", str(SEED_ARXIV), "--as-of", SEED_AS_OF)
    assert run.code == 0, run.err
    # The user saves a note before the hub's next timer tick: the usual case while an import runs.
    app.set_note(app.paper_ids()[0], "typed while the terminal imported")
    assert hub.check_external_changes()
    assert any(c.kind == "library" for c in heard)
    hub.close()
    app.close()


def test_terminal_waits_for_a_long_app_transaction_instead_of_failing(shared: Path) -> None:
    app = Library.open(shared)
    first = app.paper_ids()[0]
    with app.transaction():
        app.add_tag([first], "held-by-the-app")
        process = spawn_papershelf(shared, "tag", "from-terminal", str(first))
        time.sleep(2.0)  # the app holds the write lock all this time
        assert process.poll() is None, "the terminal command did not wait for the app's transaction"
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert_no_traceback(out + err)
    assert set(app.get_paper(first).tags) == {"held-by-the-app", "from-terminal"}
    app.close()


def test_two_terminals_import_at_once(shared: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text(arxiv_listing(700, start=0), encoding="utf-8")
    second.write_text(arxiv_listing(700, start=50000), encoding="utf-8")
    before = count(shared, "SELECT count(*) FROM papers")
    processes = [spawn_papershelf(shared, "import", str(page)) for page in (first, second)]
    for process in processes:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err
        assert_no_traceback(out + err)
    assert count(shared, "SELECT count(*) FROM papers") == before + 1400
    run = papershelf(shared, "check")
    assert run.code == 0, run.err


def test_a_lock_held_too_long_is_a_sentence_not_an_sqlite_error(shared: Path) -> None:
    """Past the busy timeout the user reads what happened and that nothing was saved."""
    holder = sqlite3.connect(shared, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    app = Library.open(shared)
    app.conn.execute("PRAGMA busy_timeout = 200")  # the real one is 30 s; the message is the same
    try:
        with pytest.raises(LibraryError, match="busy") as caught:
            app.set_note(app.paper_ids()[0], "lost?")
        assert "not saved" in str(caught.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    app.set_note(app.paper_ids()[0], "saved once the lock is free")
    assert app.get_paper(app.paper_ids()[0]).note == "saved once the lock is free"
    app.close()


_HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT OR REPLACE INTO settings(key, value) VALUES ('held-by-another-process', '1')")
print("holding", flush=True)
sys.stdin.readline()  # the test says when this writer is done
conn.execute("COMMIT")
print("committed", flush=True)
"""


def test_terminal_import_waits_out_a_writer_longer_than_the_busy_timeout(shared: Path, tmp_path: Path) -> None:
    """Another process keeps the write lock past the busy timeout (1 s here, 30 s for real): the import says once
    that it waits, waits on, and succeeds when the other writer is done."""
    import os
    import subprocess
    import sys

    page = tmp_path / "listing.txt"
    page.write_text(arxiv_listing(300), encoding="utf-8")
    before = count(shared, "SELECT count(*) FROM papers")
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(shared)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    errors = tmp_path / "import.err"
    try:
        assert holder.stdout.readline().strip() == "holding"
        env = {**os.environ, "PAPERSHELF_BUSY_TIMEOUT": "1"}
        with errors.open("w", encoding="utf-8") as err_file:
            process = spawn_papershelf(shared, "import", str(page), env=env, stderr=err_file)
            deadline = time.monotonic() + 60
            while "busy" not in errors.read_text(encoding="utf-8") and time.monotonic() < deadline:
                assert process.poll() is None, errors.read_text(encoding="utf-8")
                time.sleep(0.05)
            time.sleep(3.0)  # three busy timeouts more: the import must still be waiting, not refused
            assert process.poll() is None, errors.read_text(encoding="utf-8")
            assert write_lock_held(shared)
            assert count(shared, "SELECT count(*) FROM papers") == before
            holder.stdin.write("done\n")
            holder.stdin.flush()
            assert holder.stdout.readline().strip() == "committed"
            out, _ = process.communicate(timeout=120)
    finally:
        kill(holder)
        holder.wait(timeout=10)
    err = errors.read_text(encoding="utf-8")
    assert process.returncode == 0, err
    assert_no_traceback(out + err)
    assert err.count("the library is busy (another Papershelf is writing to") == 1, err
    assert str(shared) in err
    assert count(shared, "SELECT count(*) FROM papers") == before + 300
    assert count(shared, "SELECT count(*) FROM settings WHERE key = 'held-by-another-process'") == 1
    assert integrity(shared) == ["ok"]


def test_the_window_keeps_a_bounded_wait_and_says_nothing_was_saved(shared: Path, monkeypatch) -> None:
    """The window writes on its interface thread: it is refused after the busy timeout, told so in words."""
    monkeypatch.setenv("PAPERSHELF_BUSY_TIMEOUT", "0.3")
    holder = sqlite3.connect(shared, isolation_level=None)
    app = Library.open(shared)
    paper = app.paper_ids()[0]
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        with pytest.raises(LibraryError, match="busy") as caught:
            app.set_note(paper, "typed while another writer held the library")
        assert time.monotonic() - started < 10
        assert "not saved" in str(caught.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    app.set_note(paper, "saved once the lock is free")
    assert app.get_paper(paper).note == "saved once the lock is free"
    app.close()
