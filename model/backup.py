"""Copies of the library file made with `VACUUM INTO`: rolling automatic backups (at most one a day, the last
KEEP kept), manual backups, before-migration backups, and restore.

A backup is checked before it is kept, so a damaged library never pushes good backups out of the rotation.
Nothing here deletes anything but its own older rolling backups; restore moves the current file aside.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from papershelf.model import integrity
from papershelf.model.common import LibraryError
from papershelf.model.integrity import (  # the backups' names and dates, read by integrity when a file is damaged
    _STAMP,
    _pattern,
    backup_dir,
    describe,
    label_of,
    list_backups,
    made_at,
    newest_sound_backup,
)

if TYPE_CHECKING:
    from papershelf.model.library import Library

# Read from here by the CLI and the window, though integrity holds them (it needs them and must not import this).
__all__ = ["_pattern", "backup_dir", "describe", "label_of", "list_backups", "made_at", "newest_sound_backup"]

KEEP = 5  # like Zotero's default number of automatic backups
EVERY = dt.timedelta(days=1)  # automatic backups on open, at most this often
REPLACED_MARK = ".replaced-"


class BackupError(LibraryError):
    """A backup could not be made or restored; the library is unchanged."""


def backup(library: Library, destination: str | Path | None = None, *, keep: int = KEEP, label: str = "") -> Path:
    """Write a checked, consistent copy of the open library (safe while others write) and return its path.

    Without a destination it goes to the backups folder; unlabelled copies are the rolling ones, of which the
    newest `keep` are kept. An existing destination is never overwritten.
    """
    if library.path.name == ":memory:":
        raise BackupError("a library in memory has no file to back up")
    if destination is None:
        folder = backup_dir(library.path)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime(_STAMP)
        destination = folder / f"{library.path.stem}-{stamp}{'-' + label if label else ''}.sqlite"
    destination = Path(destination).expanduser()
    if destination.exists():
        raise BackupError(f"{destination} already exists; choose another file name")
    if destination.resolve() == library.path.resolve():
        raise BackupError("a backup cannot replace the library itself")
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        library.conn.execute("VACUUM INTO ?", (str(partial),))
        state = integrity.inspect(partial)
        if not state.ok:
            raise BackupError(f"the copy failed its check ({state.detail}); the library may be damaged")
        os.replace(partial, destination)
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"the backup {destination} could not be written ({error})") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if not label:
        prune(library.path, keep)
    return destination


def backup_if_due(library: Library, *, every: dt.timedelta = EVERY, keep: int = KEEP) -> Path | None:
    """The automatic backup on open: made when the newest backup is older than `every` and there is data."""
    if library.read_only or library.path.name == ":memory:":
        return None
    newest = made_at(next(iter(list_backups(library.path)), None))
    if newest is not None and dt.datetime.now() - newest < every:
        return None
    if library.conn.execute("SELECT EXISTS (SELECT 1 FROM papers)").fetchone()[0] == 0:
        return None  # nothing yet worth keeping
    return backup(library, keep=keep)


def prune(library_path: Path, keep: int) -> list[Path]:
    """Delete rolling backups beyond the newest `keep`; labelled ones (manual, before-upgrade) stay."""
    rolling = [p for p in list_backups(library_path) if label_of(p) == "automatic"]
    for old in rolling[keep:]:
        old.unlink(missing_ok=True)
    return rolling[keep:]


def backup_before_migration(library: Library, version: int) -> Path:
    return backup(library, label=f"before-upgrade-from-v{version}")


def is_sound(path: Path) -> bool:
    """True when the file is a Papershelf library that passes `PRAGMA integrity_check`."""
    return integrity.inspect(path, thorough=True).ok


@dataclass(frozen=True)
class Restored:
    library: Path
    backup: Path
    moved_to: Path | None  # where the replaced library now lies, None if there was none
    version: int


def restore(backup_file: str | Path, library_path: str | Path) -> Restored:
    """Replace the library with a checked backup; the current file (with -wal/-shm) is moved aside, not deleted.

    Close every window and command using the library first: a program holding the old file keeps writing there.
    """
    from papershelf.model.schema import SCHEMA_VERSION

    backup_file, library_path = Path(backup_file).expanduser(), Path(library_path).expanduser()
    if not backup_file.is_file():
        raise BackupError(f"there is no backup file {backup_file}")
    if library_path.exists() and backup_file.resolve() == library_path.resolve():
        raise BackupError(f"{backup_file} is the library itself")
    state = integrity.inspect(backup_file, thorough=True)
    if not state.ok:
        raise BackupError(f"{backup_file} is not a sound Papershelf library ({state.detail or state.status})")
    if state.version > SCHEMA_VERSION:
        raise BackupError(f"{backup_file} was written by a newer Papershelf (version {state.version})")
    library_path.parent.mkdir(parents=True, exist_ok=True)
    incoming = library_path.with_name(library_path.name + ".restoring")
    incoming.unlink(missing_ok=True)
    try:
        # Through SQLite rather than a byte copy: the backup's own -wal, if any, is folded in.
        source = integrity.connect_read_only(backup_file)
        try:
            source.execute("VACUUM INTO ?", (str(incoming),))
        finally:
            source.close()
        with incoming.open("rb+") as handle:
            os.fsync(handle.fileno())
        moved = integrity.move_aside(library_path, REPLACED_MARK) if library_path.exists() else None
        os.replace(incoming, library_path)
    except (OSError, sqlite3.Error) as error:
        incoming.unlink(missing_ok=True)
        raise BackupError(f"the backup could not be restored ({error}); the library is unchanged") from None
    return Restored(library_path, backup_file, moved, state.version)
