"""Copies of the library file made with `VACUUM INTO`: rolling automatic backups, before-migration backups
and restore. Never deletes anything but its own older rolling backups.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from papershelf.model.library import Library

KEEP = 5  # like Zotero's default number of automatic backups


def backup_dir(library_path: Path) -> Path:
    return library_path.parent / "backups"


def backup(library: Library, destination: str | Path | None = None, *, keep: int = KEEP, label: str = "") -> Path:
    """Write a consistent copy of the open library (safe while others write) and prune old rolling copies."""
    folder = backup_dir(library.path)
    if destination is None:
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        destination = folder / f"{library.path.stem}-{stamp}{'-' + label if label else ''}.sqlite"
    destination = Path(destination)
    if destination.exists():
        destination.unlink()
    library.conn.execute("VACUUM INTO ?", (str(destination),))
    if not label:
        prune(library.path, keep)
    return destination


def list_backups(library_path: Path) -> list[Path]:
    """Backups of this library, newest first."""
    folder = backup_dir(library_path)
    if not folder.is_dir():
        return []
    pattern = re.compile(re.escape(library_path.stem) + r"-\d{8}-\d{6}-\d+.*\.sqlite$")
    return sorted((p for p in folder.iterdir() if pattern.match(p.name)), key=lambda p: p.name, reverse=True)


def prune(library_path: Path, keep: int) -> None:
    rolling = [p for p in list_backups(library_path) if re.search(r"-\d{8}-\d{6}-\d+\.sqlite$", p.name)]
    for old in rolling[keep:]:
        old.unlink(missing_ok=True)


def backup_before_migration(library: Library, version: int) -> Path:
    return backup(library, label=f"before-upgrade-from-v{version}")


def is_sound(path: Path) -> bool:
    """True when the file opens as SQLite and passes `PRAGMA integrity_check`."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return False


def restore(backup_file: str | Path, library_path: str | Path) -> Path | None:
    """Replace the library with a backup after checking it; the current file is moved aside, not deleted."""
    backup_file, library_path = Path(backup_file), Path(library_path)
    if not is_sound(backup_file):
        raise ValueError(f"{backup_file} is not a sound library backup")
    moved = None
    if library_path.exists():
        moved = library_path.with_name(library_path.name + f".replaced-{dt.datetime.now():%Y%m%d-%H%M%S}")
        library_path.rename(moved)
        for suffix in ("-wal", "-shm"):
            side = library_path.with_name(library_path.name + suffix)
            if side.exists():
                side.rename(moved.with_name(moved.name + suffix))
    tmp = library_path.with_name(library_path.name + ".restoring")
    shutil.copyfile(backup_file, tmp)
    tmp.replace(library_path)
    return moved
