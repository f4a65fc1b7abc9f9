""".bib (or CSL-JSON, RIS) files kept in sync with the library, a tag or a search ("keep updated").

Each sync exports the selection in its deterministic order and rewrites the file atomically only when its text
changed, so LaTeX editors and git see exactly what changed and never half a file. `install(library)` hooks a
library's change signal: the command line syncs right after each committed change; the GUI installs with
`immediate=False` and calls `run_pending(path)` from a worker thread, which opens its own connection (a
Library is thread-affine), so a large export never blocks the interface. Selection rows live in model/keys.py.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from papershelf.exporters.formats import EXTENSIONS, FORMATS, bib_sources, export_papers, write_atomic
from papershelf.exporters.report import ExportReport
from papershelf.model.keys import (
    AutoExportRow,
    add_autoexport,
    list_autoexports,
    record_autoexport,
    remove_autoexport,
)
from papershelf.model.library import Library, LibraryError
from papershelf.model.types import Change


@dataclass
class SyncResult:
    path: str
    written: bool  # False when the file already held exactly this text
    entries: int = 0
    error: str | None = None
    report: ExportReport | None = None


def add(
    library: Library, path: str | Path, *, fmt: str | None = None, tag: str | None = None, query: str | None = None
) -> SyncResult:
    """Keep `path` in sync from now on, and write it once right away."""
    target = Path(path).expanduser().resolve()
    if fmt is None:
        fmt = "csl-json" if target.suffix == ".json" else "ris" if target.suffix == ".ris" else "bibtex"
    if fmt not in FORMATS:
        raise LibraryError(f"unknown export format {fmt!r}; one of {', '.join(FORMATS)}")
    if query:
        from papershelf.model.search import QueryError

        try:
            library.paper_ids(query=query, limit=1)
        except QueryError as error:
            raise LibraryError(f"the search {query!r} is not valid: {error}") from None
    export_id = add_autoexport(library, str(target), fmt, tag, query)
    row = next(r for r in list_autoexports(library) if r.id == export_id)
    return sync_one(library, row)


def remove(library: Library, path: str | Path) -> bool:
    """Stop keeping `path` in sync (the file itself stays)."""
    target = str(Path(path).expanduser().resolve())
    return remove_autoexport(library, target) or remove_autoexport(library, str(path))


def selection(library: Library, row: AutoExportRow) -> list[int]:
    return library.paper_ids(tag=row.tag, query=row.query, order_by="citekey")


def render(library: Library, row: AutoExportRow):
    """The text the file should hold now: for a .bib, with the blocks and crossref parents of the files its
    papers came from, as the export command writes it by default."""
    papers = list(library.iter_papers(selection(library, row)))
    sources = bib_sources(library, papers) if row.format in ("bibtex", "biblatex") else None
    return export_papers(papers, row.format, sources=sources)


def sync_one(library: Library, row: AutoExportRow) -> SyncResult:
    try:
        result = render(library, row)
        written = write_atomic(row.path, result.text)
    except Exception as error:  # a full disk or a removed folder must not stop the other files or the app
        message = f"{type(error).__name__}: {error}"
        record_autoexport(library, row.id, written=False, error=message)
        return SyncResult(row.path, False, error=message)
    if written:
        record_autoexport(library, row.id, written=True, error=None)
    return SyncResult(row.path, written, result.report.entries, None, result.report)


def sync_all(library: Library) -> list[SyncResult]:
    """Bring every auto-exported file up to date; files whose text did not change are left untouched."""
    return [sync_one(library, row) for row in list_autoexports(library)]


# ---------------------------------------------------------------------------------------------- change hook
_pending_lock = threading.Lock()
_pending: set[str] = set()


def _library_key(library: Library) -> str:
    return str(Path(library.path).resolve()) if str(library.path) != ":memory:" else f":memory:{id(library)}"


def install(library: Library, *, immediate: bool = True) -> Callable[[], None]:
    """Keep this library's auto-exports in sync with its changes; returns a function that uninstalls.

    immediate=True (the command line): sync in the listener, right after the change committed.
    immediate=False (the GUI): only mark the library as pending; call `run_pending` off the interface thread.
    """
    key = _library_key(library)
    busy = threading.Lock()

    def listener(change: Change) -> None:
        if immediate:
            if not busy.acquire(blocking=False):
                return  # a sync's own bookkeeping commit does not start another sync
            try:
                if list_autoexports(library):
                    sync_all(library)
            finally:
                busy.release()
        else:
            with _pending_lock:
                _pending.add(key)

    return library.subscribe(listener)


def is_pending(path: str | Path) -> bool:
    with _pending_lock:
        return str(Path(path).resolve()) in _pending


def run_pending(path: str | Path) -> list[SyncResult]:
    """For a worker thread: if the library at `path` changed since the last run, sync its auto-exports
    through a connection of this thread's own. Returns what was synced (nothing if nothing was pending)."""
    key = str(Path(path).resolve())
    with _pending_lock:
        if key not in _pending:
            return []
        _pending.discard(key)
    library = Library.open(key)
    try:
        return sync_all(library)
    finally:
        library.close()


def default_extension(fmt: str) -> str:
    return EXTENSIONS.get(fmt, ".bib")
