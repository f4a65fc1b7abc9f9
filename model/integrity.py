"""Checks a library file before anything uses it: is it a Papershelf library at all, is it whole, may it be written.

It opens files only read-only and never changes their content. The one thing it may do to a file is move a
damaged library aside (with its -wal and -shm) so that a backup can take its place; it never deletes a file, and
it never moves a file that is not an SQLite database (a .bib passed by mistake as --library stays where it is).
It also turns SQLite's storage errors (disk full, busy, read-only, I/O) into sentences for the user.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from papershelf.model.common import LibraryError

SQLITE_MAGIC = b"SQLite format 3\x00"
SIDE_FILES = ("-wal", "-shm", "-journal")
DAMAGED_MARK = ".damaged-"
_STAMP = "%Y%m%d-%H%M%S-%f"  # in backup file names


class DamagedLibraryError(LibraryError):
    """The library file is damaged. `moved_to` is where it now lies (None if it could not be moved) and
    `backup` the newest sound backup to offer (None if there is none)."""

    def __init__(self, message: str, *, path: Path, detail: str, moved_to: Path | None, backup: Path | None):
        super().__init__(message)
        self.path = path
        self.detail = detail
        self.moved_to = moved_to
        self.backup = backup


@dataclass(frozen=True)
class FileState:
    """What a look at a library file found.

    status: "missing", "empty" (0 bytes), "ok", "damaged" (SQLite file that fails its checks), "foreign" (not a
    Papershelf library: another format or another program's database) or "unreadable" (cannot be read now).
    """

    path: Path
    status: str
    version: int = 0
    detail: str = ""
    read_only_reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _may_write(path: Path) -> bool:
    # os.access answers True for root whatever the mode; a file with no write bit at all is read-only by intent.
    try:
        return os.access(path, os.W_OK) and bool(path.stat().st_mode & 0o222)
    except OSError:
        return False


def read_only_reason(path: Path) -> str | None:
    """Why the library at `path` cannot be written, or None when it can."""
    if path.exists() and not _may_write(path):
        return "the library file is read-only"
    if not _may_write(path.parent):
        return "the folder holding the library is read-only (SQLite must create files beside it)"
    return None


def connect_read_only(path: Path, *, timeout: float = 30) -> sqlite3.Connection:
    """A read-only connection that never writes the library.

    A WAL library in a folder we may not write cannot be opened with mode=ro (SQLite cannot create its -shm);
    then, and only when we cannot write the file either, it is opened as immutable: no other process can be
    changing a file nobody here may write.
    """
    uri = path.resolve().as_uri()
    try:
        connection = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=timeout, check_same_thread=False)
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return connection
    except sqlite3.OperationalError as error:
        if error.sqlite_errorname not in ("SQLITE_READONLY", "SQLITE_CANTOPEN") or read_only_reason(path) is None:
            raise
    return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, timeout=timeout, check_same_thread=False)


def inspect(path: str | Path, *, thorough: bool = False) -> FileState:
    """Look at a library file without changing it: `PRAGMA quick_check` (or `integrity_check` when thorough)."""
    path = Path(path)
    if not path.exists():
        return FileState(path, "missing")
    reason = read_only_reason(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as error:
        return FileState(path, "unreadable", detail=error.strerror or str(error), read_only_reason=reason)
    if size == 0:
        return FileState(path, "empty", read_only_reason=reason)
    if header[:16] != SQLITE_MAGIC:
        if len(header) < 16 and SQLITE_MAGIC.startswith(header):
            return FileState(path, "damaged", detail=f"the file is cut short ({size} bytes)", read_only_reason=reason)
        return FileState(path, "foreign", detail="it is not an SQLite database file", read_only_reason=reason)
    if len(header) < 100:
        return FileState(path, "damaged", detail=f"the file is cut short ({size} bytes)", read_only_reason=reason)
    from papershelf.model.schema import SCHEMA_VERSION

    header_version = int.from_bytes(header[60:64], "big")
    wal = path.with_name(path.name + "-wal")
    if header_version > SCHEMA_VERSION and not (wal.exists() and wal.stat().st_size):
        # From a newer Papershelf: refused unopened, so not even SQLite's -wal and -shm appear beside it.
        return FileState(path, "ok", header_version, read_only_reason=reason)
    try:
        connection = connect_read_only(path)
    except sqlite3.DatabaseError as error:
        return _from_error(path, error, reason)
    try:
        check = "integrity_check" if thorough else "quick_check"
        rows = [row[0] for row in connection.execute(f"PRAGMA {check}(20)")]
        if rows != ["ok"]:
            return FileState(path, "damaged", detail=_first_lines(rows), read_only_reason=reason)
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        return _from_error(path, error, reason)
    finally:
        connection.close()
    if (version == 0 and tables) or (version > 0 and "papers" not in tables):
        return FileState(
            path, "foreign", version, "it is another program's SQLite database, not a Papershelf library", reason
        )
    return FileState(path, "ok", version, read_only_reason=reason)


def paper_count(path: Path) -> int:
    """Papers in a sound library file (trash and merged-away papers not counted), read without writing."""
    connection = connect_read_only(Path(path))
    try:
        query = "SELECT count(*) FROM papers WHERE deleted_at IS NULL AND merged_into IS NULL"
        return connection.execute(query).fetchone()[0]
    finally:
        connection.close()


def _from_error(path: Path, error: sqlite3.DatabaseError, reason: str | None) -> FileState:
    if getattr(error, "sqlite_errorname", "") in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):
        return FileState(path, "damaged", detail=str(error), read_only_reason=reason)
    return FileState(path, "unreadable", detail=str(error), read_only_reason=reason)


def _first_lines(rows: list[str], limit: int = 3) -> str:
    lines = [line for row in rows for line in str(row).splitlines() if line.strip() and not line.startswith("***")]
    text = "; ".join(lines[:limit])
    return text + (f" (and {len(lines) - limit} more problems)" if len(lines) > limit else "")


def move_aside(path: Path, mark: str = DAMAGED_MARK) -> Path:
    """Rename the library and its side files to `<name><mark><time>`; returns the new library path."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}{mark}{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}{mark}{stamp}-{counter}")
    path.rename(target)
    for suffix in SIDE_FILES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    return target


def moved_aside(path: Path) -> list[Path]:
    """Damaged copies of this library that were moved aside, newest first."""
    if not path.parent.is_dir():
        return []
    prefix = path.name + DAMAGED_MARK
    found = [p for p in path.parent.iterdir() if p.name.startswith(prefix) and not p.name.endswith(SIDE_FILES)]
    return sorted(found, key=lambda p: p.name, reverse=True)


def _way_out(path: Path) -> tuple[Path | None, str]:
    backup = newest_sound_backup(path)
    if backup is None:
        return None, "There is no sound backup of it to restore."
    return backup, (
        f"The newest good backup is {backup} ({describe(backup)}); bring it back with: papershelf restore {backup}"
    )


def check_on_open(path: Path, *, move_damaged: bool = True) -> FileState:
    """What `Library.open` asks before it connects: raises LibraryError for a file it must not open.

    A damaged file is moved aside (never deleted, and not when the caller asked for read-only) and the newest
    sound backup is named in the error.
    """
    state = inspect(path)
    if state.status == "empty":
        if not list_backups(path):
            return state  # a new, empty file: the library is created in it
        state = FileState(path, "damaged", detail="the file is empty (0 bytes) although it had been backed up")
    if state.status == "ok":
        return state
    if state.status == "unreadable":
        raise LibraryError(f"{path} cannot be read ({state.detail}); nothing was changed")
    if state.status == "foreign":
        backup, hint = _way_out(path)
        extra = f" If it was your library, it is damaged beyond recognition. {hint}" if backup else ""
        raise LibraryError(f"{path} is not a Papershelf library ({state.detail}); nothing was changed.{extra}")
    backup, hint = _way_out(path)
    moved: Path | None = None
    if move_damaged and state.read_only_reason is None:
        try:
            moved = move_aside(path)
        except OSError:
            moved = None
    where = f"It was moved aside to {moved} (nothing was deleted)." if moved else "It was left where it is."
    raise DamagedLibraryError(
        f"the library {path} is damaged ({state.detail}). {where} {hint}",
        path=path,
        detail=state.detail,
        moved_to=moved,
        backup=backup,
    )


def refuse_silent_restart(path: Path) -> None:
    """Called before a new library is created at `path`: if the old one was moved aside as damaged, say so
    instead of quietly starting an empty library the user would take for theirs."""
    damaged = moved_aside(path)
    if not damaged:
        return
    _, hint = _way_out(path)
    raise LibraryError(
        f"the library {path} was found damaged and moved aside to {damaged[0]}; to start a new, empty library "
        f"instead, move that file out of {path.parent.resolve()}. {hint}"
    )


def explain_storage_error(error: sqlite3.Error) -> str | None:
    """A sentence for SQLite errors that come from the disk or other programs, None for anything else (bugs)."""
    name = getattr(error, "sqlite_errorname", "") or ""
    if name.startswith("SQLITE_FULL"):
        return "the disk is full (or the library reached its size limit)"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return "another Papershelf window or command kept the library busy for too long; try again"
    if name.startswith("SQLITE_READONLY"):
        return "the library file, its folder or its disk is read-only"
    if name.startswith("SQLITE_IOERR") or name.startswith("SQLITE_CANTOPEN"):
        return f"the disk refused the write ({error}); it may be full, unplugged or failing"
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return "the library file is damaged; run `papershelf check` for the way out"
    return None


# ---------------------------------------------------------------------------------------------- backups
# Where backups lie and what they are, from their names: what a damaged library is offered (see model.backup).
def backup_dir(library_path: Path) -> Path:
    return library_path.parent / "backups"


def _pattern(library_path: Path) -> re.Pattern[str]:
    return re.compile(re.escape(library_path.stem) + r"-(\d{8}-\d{6}-\d{6})(-[\w.-]+)?\.sqlite$")


def list_backups(library_path: Path) -> list[Path]:
    """Backups of this library (rolling, manual and before-upgrade), newest first."""
    folder = backup_dir(Path(library_path))
    if not folder.is_dir():
        return []
    pattern = _pattern(Path(library_path))
    found = [p for p in folder.iterdir() if pattern.match(p.name)]
    return sorted(found, key=lambda p: pattern.match(p.name).group(1), reverse=True)


def made_at(backup_file: Path | None) -> dt.datetime | None:
    """When a backup was made, from its name (file times change when files are copied)."""
    if backup_file is None:
        return None
    match = re.search(r"-(\d{8}-\d{6}-\d{6})(?:-[\w.-]+)?\.sqlite$", backup_file.name)
    return dt.datetime.strptime(match.group(1), _STAMP) if match else None


def label_of(backup_file: Path) -> str:
    match = re.search(r"-\d{8}-\d{6}-\d{6}-([\w.-]+)\.sqlite$", backup_file.name)
    return match.group(1) if match else "automatic"


def describe(backup_file: Path) -> str:
    made = made_at(backup_file)
    when = f"made {made:%Y-%m-%d %H:%M}" if made else "made at an unknown time"
    return f"{when}, {label_of(backup_file)}, {backup_file.stat().st_size / 2**20:.1f} MB"


def newest_sound_backup(library_path: Path) -> Path | None:
    """The newest backup that passes `integrity_check` and that this Papershelf can open."""
    from papershelf.model.schema import SCHEMA_VERSION

    for candidate in list_backups(library_path):
        state = inspect(candidate, thorough=True)
        if state.ok and state.version <= SCHEMA_VERSION:
            return candidate
    return None
