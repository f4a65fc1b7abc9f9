"""A damaged library is found when opened, moved aside (never deleted) and the newest good backup offered; a
read-only library opens read-only and says so; a full disk during an import is a clear error with no partial
rows."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
import sys
from pathlib import Path

import pytest
from reliability_support import (
    ALL_SEEDS,
    SEED_AS_OF,
    SEED_HOMEPAGE,
    arxiv_listing,
    assert_no_traceback,
    digest,
    dump,
    papershelf,
)

from papershelf.model import Library, LibraryError, backup
from papershelf.model.integrity import DamagedLibraryError
from papershelf.pipeline import import_file


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A library with the seed pages and a tag, closed (no -wal beside it), and one good backup."""
    path = tmp_path / "library.sqlite"
    with Library.open(path) as opened:
        for seed in ALL_SEEDS:
            assert import_file(opened, seed, as_of=dt.date.fromisoformat(SEED_AS_OF)).ok
        opened.add_tag(opened.paper_ids()[:4], "precious")
        backup.backup(opened)
    return path


def _contents(path: Path) -> list[tuple]:
    with Library.open(path, read_only=True) as opened:
        return sorted((p.id, p.display_title, tuple(p.tags), p.note) for p in opened.list_papers())


def _truncate_half(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def _truncate_mid_page(path: Path) -> None:
    os.truncate(path, path.stat().st_size - 4096 - 1234)


def _scramble_table_root(path: Path) -> None:
    """Overwrite the first bytes of the papers table's root page, as a bad sector or a stray write would."""
    connection = sqlite3.connect(path)
    root, page_size = (
        connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 'papers'").fetchone()[0],
        connection.execute("PRAGMA page_size").fetchone()[0],
    )
    connection.close()
    with path.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        original = handle.read(64)
        handle.seek((root - 1) * page_size)
        handle.write(bytes(b ^ 0xFF for b in original))


def _scramble_index_page(path: Path) -> None:
    """Flip bytes inside an index page: the rows are fine, the index no longer matches them."""
    connection = sqlite3.connect(path)
    root = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 'papers_added'").fetchone()[0]
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    with path.open("r+b") as handle:
        handle.seek((root - 1) * page_size + 8)
        original = handle.read(200)
        handle.seek((root - 1) * page_size + 8)
        handle.write(bytes(b ^ 0x5A for b in original))


DAMAGE = {
    "truncated-half": _truncate_half,
    "truncated-mid-page": _truncate_mid_page,
    "table-page-overwritten": _scramble_table_root,
    "index-page-flipped": _scramble_index_page,
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_library_is_moved_aside_and_the_backup_offered(library: Path, damage: str) -> None:
    contents = _contents(library)
    [good] = backup.list_backups(library)
    DAMAGE[damage](library)
    damaged_bytes = digest(library)

    run = papershelf(library, "papers")
    assert_no_traceback(run)
    assert run.code == 2
    assert "damaged" in run.err and "moved aside" in run.err
    assert f"papershelf restore {good}" in run.err  # the way out, ready to paste
    [aside] = library.parent.glob("library.sqlite.damaged-*[0-9]")
    assert digest(aside) == damaged_bytes  # moved, not deleted, not "repaired"
    assert not library.exists()

    run = papershelf(library, "restore", str(good))
    assert_no_traceback(run)
    assert run.code == 0, run.err
    assert _contents(library) == contents


def test_after_the_move_no_empty_library_silently_takes_its_place(library: Path) -> None:
    [good] = backup.list_backups(library)
    _truncate_half(library)
    with pytest.raises(DamagedLibraryError):
        Library.open(library)
    run = papershelf(library, "import", str(SEED_HOMEPAGE))
    assert_no_traceback(run)
    assert run.code == 2 and "moved aside" in run.err and f"papershelf restore {good}" in run.err
    assert not library.exists()
    run = papershelf(library, "check")
    assert run.code == 2 and "moved aside" in run.err
    run = papershelf(library, "restore", good.name)  # a name from `papershelf backups` is enough
    assert run.code == 0, run.err
    assert papershelf(library, "check").code == 0


def test_the_newest_good_backup_is_offered_not_a_damaged_one(library: Path) -> None:
    [older] = backup.list_backups(library)
    with Library.open(library) as opened:
        newer = backup.backup(opened)
    _truncate_half(newer)  # the newest backup itself got damaged
    _truncate_half(library)
    with pytest.raises(DamagedLibraryError) as caught:
        Library.open(library)
    assert caught.value.backup == older
    assert caught.value.moved_to is not None and caught.value.moved_to.exists()
    assert str(older) in str(caught.value) and str(newer) not in str(caught.value)


def test_damaged_library_without_backups_says_so(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    with Library.open(path) as opened:
        assert import_file(opened, SEED_HOMEPAGE, as_of=dt.date.fromisoformat(SEED_AS_OF)).ok
    _truncate_half(path)
    run = papershelf(path, "check")
    assert_no_traceback(run)
    assert run.code == 2 and "damaged" in run.err and "no good backup" in run.err
    assert path.exists()  # check only looks


def test_check_names_the_damage_and_the_way_out_without_changing_anything(library: Path) -> None:
    [good] = backup.list_backups(library)
    _scramble_table_root(library)
    damaged = digest(library)
    run = papershelf(library, "check")
    assert_no_traceback(run)
    assert run.code == 2
    assert "damaged" in run.err and f"papershelf restore {good}" in run.err
    assert digest(library) == damaged


def test_a_file_that_is_not_a_library_is_left_alone(tmp_path: Path) -> None:
    """`--library refs.bib` by mistake: refused, not moved aside, not written."""
    refs = tmp_path / "refs.bib"
    refs.write_text("@article{a, title={A}}\n", encoding="utf-8")
    before = digest(refs)
    run = papershelf(refs, "papers")
    assert_no_traceback(run)
    assert run.code == 2 and "not a Papershelf library" in run.err
    assert digest(refs) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.bib"]


def test_another_programs_database_is_not_written(tmp_path: Path) -> None:
    other = tmp_path / "zotero.sqlite"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE items (itemID INTEGER PRIMARY KEY)")
    connection.commit()
    connection.close()
    before = digest(other)
    with pytest.raises(LibraryError, match="another program's SQLite database"):
        Library.open(other)
    assert digest(other) == before


@pytest.fixture
def read_only_library(library: Path):
    library.chmod(0o444)
    library.parent.chmod(0o555)
    yield library
    library.parent.chmod(0o755)
    library.chmod(0o644)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_read_only_library_opens_read_only_and_says_so(read_only_library: Path) -> None:
    before = digest(read_only_library)
    with Library.open(read_only_library) as opened:
        assert opened.read_only and "read-only" in (opened.read_only_reason or "")
        assert len(opened.paper_ids(tag="precious")) == 4
        with pytest.raises(LibraryError, match="read-only"):
            opened.add_tag(opened.paper_ids()[:1], "new")

    run = papershelf(read_only_library, "papers", "--tag", "precious")
    assert run.code == 0, run.err
    assert "read-only" in run.err  # said, not only done
    run = papershelf(read_only_library, "tag", "new", "1")
    assert_no_traceback(run)
    assert run.code == 2 and "read-only" in run.err and "nothing can be changed" in run.err
    assert digest(read_only_library) == before


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_read_only_folder_alone_makes_the_library_read_only(library: Path) -> None:
    library.parent.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with Library.open(library) as opened:
            assert opened.read_only and "folder" in (opened.read_only_reason or "")
    finally:
        library.parent.chmod(0o755)


def test_full_disk_during_an_import_is_a_clear_error_with_no_partial_rows(library: Path, tmp_path: Path) -> None:
    page = tmp_path / "listing.txt"
    page.write_text(arxiv_listing(3000), encoding="utf-8")
    before = dump(library)
    with Library.open(library) as opened:
        pages = opened.conn.execute("PRAGMA page_count").fetchone()[0]
        # SQLite's own ceiling on the file: writes past it fail with SQLITE_FULL, exactly as a full disk does.
        opened.conn.execute(f"PRAGMA max_page_count = {pages + 50}")
        report = import_file(opened, page)
        assert not report.ok
        assert "disk is full" in report.error and "not saved" in report.error and page.name in report.error
        assert dump(library) == before
        # The library stays usable once there is room again.
        opened.conn.execute("PRAGMA max_page_count = 1073741823")
        opened.set_note(opened.paper_ids()[0], "written after the disk was freed")
        assert opened.get_paper(opened.paper_ids()[0]).note == "written after the disk was freed"


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_full_disk_in_the_command_line_is_one_sentence(library: Path, tmp_path: Path) -> None:
    """The file-size limit of the child process stands in for a disk that fills up under SQLite's feet."""
    import subprocess

    page = tmp_path / "listing.txt"
    page.write_text(arxiv_listing(3000), encoding="utf-8")
    before = dump(library)
    limit = library.stat().st_size + 256 * 1024
    code = (
        f"import resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit})); "
        "from papershelf.cli.main import main; sys.exit(main(sys.argv[1:]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "--library", str(library), "import", str(page)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert_no_traceback(done.stderr + done.stdout)
    assert done.returncode == 1, done.stderr
    assert "listing.txt" in done.stderr and "could not be written" in done.stderr and "not saved" in done.stderr
    assert dump(library) == before
