"""Backups: automatic ones on open (at most daily, the last KEEP kept), `papershelf backup` / `restore` / `backups`
/ `check`, and the warning for a library inside a cloud-sync folder."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from reliability_support import SEED_ARXIV, SEED_AS_OF, SEED_HOMEPAGE, assert_no_traceback, digest, dump, papershelf

from papershelf.model import Library, backup
from papershelf.model.backup import BackupError
from papershelf.model.integrity import DamagedLibraryError
from papershelf.pipeline import import_file


def _library(path: Path) -> Path:
    with Library.open(path) as opened:
        assert import_file(opened, SEED_HOMEPAGE, as_of=dt.date.fromisoformat(SEED_AS_OF)).ok
    return path


def _age(backup_file: Path, days: float) -> Path:
    """Rename a backup as if it had been made `days` ago (its name carries the time it was made)."""
    made = backup.made_at(backup_file)
    stamp = "%Y%m%d-%H%M%S-%f"
    then = (made - dt.timedelta(days=days)).strftime(stamp)
    older = backup_file.with_name(backup_file.name.replace(made.strftime(stamp), then))
    return backup_file.rename(older)


def test_opening_makes_at_most_one_automatic_backup_a_day(tmp_path: Path) -> None:
    path = _library(tmp_path / "library.sqlite")  # created empty: nothing worth a backup at that open
    assert backup.list_backups(path) == []
    Library.open(path).close()
    [first] = backup.list_backups(path)
    assert backup.is_sound(first) and dump(first) == dump(path)
    Library.open(path).close()
    assert backup.list_backups(path) == [first]  # the same day: no second copy

    _age(first, 1.5)
    Library.open(path).close()
    assert len(backup.list_backups(path)) == 2


def test_rolling_backups_keep_the_last_ones_and_never_the_labelled(tmp_path: Path) -> None:
    path = _library(tmp_path / "library.sqlite")
    with Library.open(path) as opened:
        manual = backup.backup(opened, label="manual")
        made = [backup.backup(opened, keep=3) for _ in range(5)]
    kept = backup.list_backups(path)
    assert [p for p in kept if backup.label_of(p) == "automatic"] == list(reversed(made[-3:]))
    assert manual in kept
    assert all(not p.exists() for p in made[:2])


def test_a_damaged_library_is_never_rotated_into_the_backups(tmp_path: Path) -> None:
    path = _library(tmp_path / "library.sqlite")
    Library.open(path).close()
    [good] = backup.list_backups(path)
    good = _age(good, 3)  # the daily backup is due at the next open
    with path.open("r+b") as handle:  # overwrite the pages after the schema
        handle.seek(4096)
        handle.write(b"\xff" * 8192)
    with pytest.raises(DamagedLibraryError) as caught:
        Library.open(path)
    assert backup.list_backups(path) == [good]
    assert caught.value.backup == good


def test_backup_restore_round_trip_on_the_command_line(tmp_path: Path) -> None:
    path = _library(tmp_path / "library.sqlite")
    copy = tmp_path / "elsewhere" / "before-tagging.sqlite"
    copy.parent.mkdir()
    run = papershelf(path, "backup", str(copy))
    assert_no_traceback(run)
    assert run.code == 0 and "checked: ok" in run.out, run.err
    assert backup.is_sound(copy)
    saved = dump(path)

    assert papershelf(path, "tag", "later-change", "1").code == 0
    assert papershelf(path, "backup", str(copy)).code == 2  # never overwrites a file

    run = papershelf(path, "restore", str(copy))
    assert_no_traceback(run)
    assert run.code == 0, run.err
    assert dump(path) == saved
    [replaced] = tmp_path.glob("library.sqlite.replaced-*[0-9]")
    with Library.open(replaced, read_only=True) as old:  # what restore replaced is kept, with the later tag
        assert old.paper_ids(tag="later-change") == [1]
    assert papershelf(path, "check").code == 0


def test_backup_without_a_name_goes_to_the_backups_folder_and_is_listed(tmp_path: Path) -> None:
    path = _library(tmp_path / "library.sqlite")
    run = papershelf(path, "backup")
    assert run.code == 0, run.err
    [made] = backup.list_backups(path)
    assert backup.label_of(made) == "manual" and str(made) in run.out
    run = papershelf(path, "backups")
    assert run.code == 0 and made.name in run.out and "manual" in run.out


def test_restore_refuses_a_damaged_or_foreign_backup_and_changes_nothing(tmp_path: Path) -> None:
    path = _library(tmp_path / "library.sqlite")
    with Library.open(path) as opened:
        bad = backup.backup(opened)
    with bad.open("r+b") as handle:
        handle.truncate(bad.stat().st_size // 2)
    not_a_library = tmp_path / "notes.txt"
    not_a_library.write_text("hello", encoding="utf-8")
    before = digest(path)
    for candidate in (bad, not_a_library, tmp_path / "missing.sqlite"):
        run = papershelf(path, "restore", str(candidate))
        assert_no_traceback(run)
        assert run.code == 2, run.out
        assert digest(path) == before
    with pytest.raises(BackupError):
        backup.restore(bad, path)
    assert list(tmp_path.glob("library.sqlite.replaced-*")) == []


def test_backup_of_a_library_that_another_process_is_writing(tmp_path: Path) -> None:
    """VACUUM INTO copies one consistent snapshot even while the app writes."""
    path = _library(tmp_path / "library.sqlite")
    writer = Library.open(path)
    writer.conn.execute("BEGIN IMMEDIATE")
    writer.conn.execute("UPDATE papers SET note = 'uncommitted'")
    run = papershelf(path, "backup", str(tmp_path / "snapshot.sqlite"))
    writer.conn.execute("ROLLBACK")
    writer.close()
    assert run.code == 0, run.err
    connection = sqlite3.connect(tmp_path / "snapshot.sqlite")
    assert connection.execute("SELECT count(*) FROM papers WHERE note = 'uncommitted'").fetchone()[0] == 0
    connection.close()


def test_cloud_sync_folder_is_warned_about(tmp_path: Path) -> None:
    path = tmp_path / "Dropbox" / "papers" / "library.sqlite"
    run = papershelf(path, "import", str(SEED_ARXIV), "--as-of", SEED_AS_OF)
    assert run.code == 0, run.err
    assert "cloud-sync folder (Dropbox)" in run.err
    run = papershelf(path, "check")
    assert run.code == 0 and "cloud-sync" in run.err
    plain = tmp_path / "Documents" / "library.sqlite"
    run = papershelf(plain, "import", str(SEED_ARXIV), "--as-of", SEED_AS_OF)
    assert run.code == 0 and "cloud-sync" not in run.err
