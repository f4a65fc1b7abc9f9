"""A process killed with SIGKILL (no clean-up of any kind) never damages the library nor leaves half an import;
a note is on disk as soon as `set_note` returns."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from reliability_support import (
    SEED_ARXIV,
    SEED_AS_OF,
    SEED_HOMEPAGE,
    arxiv_id,
    arxiv_listing,
    count,
    integrity,
    kill,
    papershelf,
    spawn_papershelf,
    wait_inside_transaction,
)

from papershelf.model import Library, schema
from papershelf.pipeline import import_file

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

BIG = 20000  # entries: the import runs for seconds, long enough to be killed inside its transaction


def _library_with_seed(path: Path) -> int:
    with Library.open(path) as library:
        assert import_file(library, SEED_HOMEPAGE, as_of=dt.date.fromisoformat(SEED_AS_OF)).ok
        library.add_tag(library.paper_ids()[:3], "to-read")
        return library.count_papers()


@pytest.mark.parametrize("window_open", [False, True], ids=["alone", "window-open"])
def test_sigkill_inside_an_import_leaves_all_or_nothing_and_a_sound_library(tmp_path: Path, window_open: bool) -> None:
    library = tmp_path / "library.sqlite"
    before = _library_with_seed(library)
    page = tmp_path / "big-listing.txt"
    page.write_text(arxiv_listing(BIG), encoding="utf-8")

    # Alone, a big import writes through the rollback journal; with another program's connection open (as the
    # window's), through the write-ahead log. Both must survive the kill.
    reader = sqlite3.connect(library) if window_open else None
    try:
        if reader is not None:
            reader.execute("SELECT count(*) FROM papers").fetchone()
        process = spawn_papershelf(library, "import", str(page))
        # Killed only once the import holds the write lock and has spilled uncommitted pages to disk: the moment
        # a torn write would show.
        inside = wait_inside_transaction(process, library, wal_bytes=1 << 20, limit=120)
        kill(process)
    finally:
        if reader is not None:
            reader.close()
    assert inside, f"the import ended before it could be killed: {process.stderr.read() if process.stderr else ''}"
    assert inside == ("wal" if window_open else "journal")
    assert process.returncode == -9

    assert integrity(library) == ["ok"]
    listed = count(library, "SELECT count(*) FROM papers WHERE abstract LIKE 'We study % in setting %'")
    assert listed in (0, BIG), f"{listed} of the page's {BIG} papers survived: a half import"
    assert count(library, "SELECT count(*) FROM papers") == before + listed
    if listed == 0:
        assert count(library, "SELECT count(*) FROM sources WHERE file = ?", (page.name,)) == 0

    # It opens normally: tags kept, searchable, and it takes the next import.
    with Library.open(library) as reopened:
        assert len(reopened.paper_ids(tag="to-read")) == 3
        assert reopened.search("pretraining")
        assert import_file(reopened, SEED_ARXIV, as_of=dt.date.fromisoformat(SEED_AS_OF)).ok
    run = papershelf(library, "check")
    assert run.code == 0, run.err


def _children(pid: int) -> set[int]:
    try:
        return {int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        return set()


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the child processes from /proc")
def test_sigkill_inside_a_big_bib_import_read_ahead_leaves_nothing_running(tmp_path: Path) -> None:
    """A big .bib is read by a second process (papershelf.read_ahead): killed with its import, that process
    ends too, and the library holds all or nothing, as for any import."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    import synthetic

    library = tmp_path / "library.sqlite"
    before = _library_with_seed(library)
    bib = tmp_path / "big.bib"
    bib.write_text(synthetic.bibtex_file(BIG), encoding="utf-8")
    process = spawn_papershelf(library, "import", str(bib))
    inside = wait_inside_transaction(process, library, wal_bytes=1 << 20, limit=120)
    children = _children(process.pid)
    kill(process)
    assert inside, f"the import ended before it could be killed: {process.stderr.read() if process.stderr else ''}"
    assert children, "the import read no records ahead"
    deadline = time.monotonic() + 30
    while any(map(_running, children)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(_running, children)), "the process reading ahead outlived the import"
    assert integrity(library) == ["ok"]
    papers = count(library, "SELECT count(*) FROM papers")
    assert papers in (before, before + BIG), f"{papers - before} of {BIG} papers survived: a half import"
    run = papershelf(library, "check")
    assert run.code == 0, run.err


def test_a_note_is_on_disk_as_soon_as_it_is_saved(tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    _library_with_seed(library)
    script = textwrap.dedent(
        """
        import os, sys
        from papershelf.model import Library, schema
        library = Library.open(sys.argv[1])
        library.set_note(1, "typed just before the crash")
        library.edit_paper(2, title="A title the user fixed")
        os.kill(os.getpid(), 9)
        """
    )
    done = subprocess.run([sys.executable, "-c", script, str(library)], capture_output=True, text=True, timeout=60)
    assert done.returncode == -9, done.stderr
    assert integrity(library) == ["ok"]
    with Library.open(library) as reopened:
        assert reopened.get_paper(1).note == "typed just before the crash"
        assert reopened.get_paper(2).title == "A title the user fixed"


def test_sigkill_of_a_migration_leaves_the_old_version_readable(tmp_path: Path) -> None:
    """A real kill in the middle of a slow upgrade step (added for the test through the migration machinery)."""
    library = tmp_path / "library.sqlite"
    before = _library_with_seed(library)
    script = textwrap.dedent(
        """
        import sys
        from papershelf.model import Library, schema
        # A step that rewrites user data and then works for a long time, as a real data migration might.
        slow = schema._script(
            "UPDATE papers SET note = 'half-migrated';"
            "CREATE TABLE upgrade_probe(x);"
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000) "
            "INSERT INTO upgrade_probe SELECT x FROM c;"
        )
        schema.MIGRATIONS.append(slow)
        schema.SCHEMA_VERSION = len(schema.MIGRATIONS)
        Library.open(sys.argv[1])
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(library)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    inside = wait_inside_transaction(process, library, wal_bytes=1 << 20, limit=60)
    kill(process)
    assert inside, process.stderr.read() if process.stderr else ""

    assert integrity(library) == ["ok"]
    with Library.open(library) as reopened:  # the version this Papershelf knows
        assert reopened.schema_version == schema.SCHEMA_VERSION
        assert reopened.count_papers() == before
        assert not [p for p in reopened.list_papers() if p.note == "half-migrated"]
        assert not reopened.conn.execute("SELECT name FROM sqlite_master WHERE name = 'upgrade_probe'").fetchall()
    # The upgrade was backed up before it started, from the version it had.
    current = schema.SCHEMA_VERSION
    backups = list((tmp_path / "backups").glob(f"library-*-before-upgrade-from-v{current}.sqlite"))
    assert len(backups) == 1
    assert count(backups[0], "SELECT count(*) FROM papers") == before


def test_the_generated_listing_is_what_the_crash_test_assumes(tmp_path: Path) -> None:
    """Guards the crash test's count: the generated page imports as BIG distinct papers with these ids."""
    page = tmp_path / "listing.txt"
    page.write_text(arxiv_listing(300), encoding="utf-8")
    with Library.open(tmp_path / "library.sqlite") as library:
        report = import_file(library, page)
        assert report.ok, report.error
        assert report.new == 300
        ids = {p.arxiv_id for p in library.list_papers()}
        assert ids == {arxiv_id(i) for i in range(300)}
