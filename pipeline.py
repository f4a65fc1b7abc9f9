"""The one place that joins importers to the library: read -> decode -> detect -> parse -> normalize -> store.

Each file is its own transaction, so one bad file never stops the others and never half-writes the library.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import gc
import hashlib
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ParamSpec

from papershelf import exiting, read_ahead
from papershelf.importers.base import Importer, detect, finish_stream, get_importer, second_opinion
from papershelf.importers.encoding import MAX_BYTES, decode
from papershelf.importers.errors import ImporterError
from papershelf.importers.mhtml import looks_like_mhtml, page_lines
from papershelf.importers.normalize import clean_venue, normalize_batch, normalize_record
from papershelf.model.apply import apply_plan, import_arriving, import_records, journal_for
from papershelf.model.library import Library, LibraryError
from papershelf.model.plan import ImportPlan, Prepared, plan_import, prepare_one
from papershelf.model.records import (
    ImportBatch,
    OwnerProfile,
    PaperRecord,
    ParseContext,
    ParseWarning,
    RecordView,
)
from papershelf.model.store import (
    ImportCancelled,
    ImportResult,
    KnownFile,
    find_identical_import,
    store_bib_blocks,
)


@dataclass
class FileReport:
    """What one file did to the library; `error` set means it was refused and nothing was written."""

    file: str
    path: str
    format: str | None = None
    owner: str | None = None
    found: int = 0
    claimed: int | None = None
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: list[tuple[int, list[str]]] = field(default_factory=list)
    merged_unchanged: int = 0  # of `merged`, the papers the file left exactly as they were
    suggested: int = 0
    same_file: bool = False
    warnings: list[ParseWarning] = field(default_factory=list)
    error: str | None = None
    paper_ids: list[int] = field(default_factory=list)
    # Dates the page showed without a year, whose year is a guess: from the capture date given (`as_of`), else
    # from the page's own latest date.
    years_guessed: int = 0
    reowned: int = 0  # of `updated`, the papers whose people changed with the page's owner
    as_of: str | None = None
    # The import's plan, when the caller asked to see it first (`confirm`); `written` False: it was not applied.
    plan: ImportPlan | None = None
    written: bool = True

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "path": self.path,
            "format": self.format,
            "owner": self.owner,
            "found": self.found,
            "claimed": self.claimed,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "merged": [{"paper_id": p, "evidence": e} for p, e in self.merged],
            "merged_unchanged": self.merged_unchanged,
            "suggested_duplicates": self.suggested,
            "same_file": self.same_file,
            "warnings": [{"line": w.line, "message": w.message} for w in self.warnings],
            "error": self.error,
            "paper_ids": self.paper_ids,
            "years_guessed": self.years_guessed,
            "owner_changed": self.reowned,
            "as_of": self.as_of,
            **({"plan": self.plan.as_json(), "written": self.written} if self.plan is not None else {}),
        }


Progress = Callable[[str, int, int], None]
# Shown a file's report so far and its import plan before anything is written; True writes it.
Confirm = Callable[[FileReport, ImportPlan], bool]


def parse_file(
    path: Path,
    *,
    format_name: str | None = None,
    as_of: dt.date | None = None,
    owner: str | None = None,
    data: bytes | None = None,
):
    """Read and parse one file into (format, normalized batch, sha256); raises ImporterError."""
    data, text, importer = read_file(path, format_name=format_name, data=data)
    as_of = capture_date(path, as_of)
    return parse_text(path, importer, text, data, as_of=as_of, owner=owner, forced=bool(format_name))


def capture_date(path: Path, as_of: dt.date | None) -> dt.date | None:
    """The day the page was captured, as the user gave it (`--as-of`); None when not given.

    Never the file's modification time nor today: a date shown without a year would then get a different
    year on another machine or another day. The importers fall back on the page's own dates.
    """
    return as_of


def read_file(
    path: Path,
    *,
    format_name: str | None = None,
    data: bytes | None = None,
    charset: str | None = None,
    source: str | None = None,
) -> tuple[bytes, str, Importer]:
    """Read, decode and detect one file (the steps before parsing): its bytes, its text and its importer.
    `charset` is what a web server said the bytes are (a fetched page), `source` its address."""
    name = source or str(path)
    if data is None:
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise ImporterError(
                    f"the file is {size / 2**20:.0f} MB, over the {MAX_BYTES // 2**20} MB limit", source=name
                )
            # Never more than the limit is read: a pipe or device has no size to check beforehand.
            with path.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except FileNotFoundError:
            raise ImporterError("no such file", source=name) from None
        except IsADirectoryError:
            raise ImporterError("this is a folder, not a file", source=name) from None
        except PermissionError:
            raise ImporterError("permission denied", source=name) from None
        except OSError as error:
            raise ImporterError(f"cannot be read ({error.strerror})", source=name) from None
    from papershelf.importers.mhtml import saved_page

    if looks_like_mhtml(data):
        # A browser's "Webpage, Single File" (.mhtml): the page is its first HTML part.
        page = saved_page(data)
        if page is None:
            raise ImporterError("a saved web archive (MHTML) with no HTML page in it", source=name)
        from papershelf.importers.page_blocks import decode_html

        text = decode_html(page.html, name, page.charset or charset)
        return data, text, get_importer(format_name or "page")
    if _is_html(path, data):
        # Saved HTML (or a fetched page) is read by the general page reader from its markup.
        from papershelf.importers.page_blocks import decode_html

        text = decode_html(data, name, charset)
        importer = get_importer(format_name or "page")
        return data, text, importer
    text = decode(data, name)
    from papershelf.importers import latex_source

    if (not format_name or format_name == "page") and (
        path.suffix.lower() in (".tex", ".ltx")
        or (path.suffix.lower() not in (".bib", ".bibtex") and latex_source.looks_like_latex(text))
    ):
        # A CV's LaTeX source: read as the text it typesets, line for line.
        text = latex_source.to_text(text)
    if format_name:
        try:
            importer = get_importer(format_name)
        except ImporterError as error:  # the registry knows no file; the user needs to see which one
            raise ImporterError(error.message, source=name) from None
    else:
        detection = detect(text, path.name)
        if detection.importer is None:
            from papershelf.importers.page_reader import WHAT_IS_ACCEPTED

            raise ImporterError(
                f"no publication list was found in it (no publications heading with papers under it, no "
                f"citation-shaped entries). {WHAT_IS_ACCEPTED}; --format names a format to force",
                source=name,
            )
        importer = second_opinion(detection, text, path.name) or detection.importer
    return data, text, importer


def _lines_in_archive(batch: ImportBatch, data: bytes) -> None:
    """A saved .mhtml's records and warnings name the archive's lines, not those of the page inside it (the
    reader numbers the page's); a line not known (0) stays so."""
    line_of = page_lines(data)
    if line_of is None:
        return
    at = lambda line: line_of(line) if line else 0  # noqa: E731
    batch.papers = [dataclasses.replace(paper, line=at(paper.line)) for paper in batch.papers]
    batch.warnings = [dataclasses.replace(warning, line=at(warning.line)) for warning in batch.warnings]
    if batch.owner is not None and batch.owner.line:
        batch.owner = dataclasses.replace(batch.owner, line=at(batch.owner.line))


def _is_html(path: Path, data: bytes) -> bool:
    if path.suffix.lower() in (".html", ".htm", ".xhtml"):
        return True
    from papershelf.importers.encoding import looks_like_html

    # The first bytes decide: HTML source looks like HTML in any ASCII-compatible encoding.
    return looks_like_html(data[:50000].decode("latin-1"))


def is_url(text: str | Path) -> bool:
    return isinstance(text, str) and text.lower().startswith(("http://", "https://"))


def fetch_url(library: Library, url: str) -> tuple[Path, bytes, str | None]:
    """Fetch a page and keep it as a capture file beside the library: (capture path, bytes, charset)."""
    from papershelf.lookup.http import LookupFailure, fetch_page

    try:
        page = fetch_page(url)
    except LookupFailure as error:
        raise ImporterError(error.message, source=url) from None
    sha = hashlib.sha256(page.body).hexdigest()
    return _capture_path(library, sha), page.body, page.charset


def _capture_path(library: Library, sha: str) -> Path:
    return Path(library.path).resolve().parent / "captures" / f"{sha[:20]}.html"


def _keep_capture(path: Path, data: bytes) -> None:
    """The fetched page, kept so a later import can show what changed; a folder that cannot be written only
    loses the copy, never the import."""
    import contextlib

    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_bytes(data)


def parse_text(
    path: Path,
    importer: Importer,
    text: str,
    data: bytes,
    *,
    as_of: dt.date | None,
    owner: str | None = None,
    forced: bool = False,
    source: str | None = None,
    sha256: str | None = None,
):
    """Parse and normalize a read file: (format, normalized batch, sha256, as_of); raises ImporterError.
    `sha256` is the data's hash when the caller has it already: hashed once (50 MB, a 100,000-entry .bib: 30 ms)."""
    name = source or str(path)
    context = ParseContext(source_name=name, as_of=as_of, owner=owner)
    try:
        batch = importer.parse(text, context)
    except ImporterError:
        raise
    except RecursionError:
        raise ImporterError("the file is nested too deeply to read", source=name) from None
    except Exception as error:
        # A bug of ours, not a fault of the file: the user is told which reader failed and that nothing was
        # written, instead of a stack trace (the tests call the importers directly and still see it).
        raise ImporterError(
            f"Papershelf's {importer.label} reader failed on this file ({type(error).__name__}: {error}); this is "
            "a bug in Papershelf, please report it with the file. Nothing was imported",
            source=name,
        ) from error
    if looks_like_mhtml(data):
        _lines_in_archive(batch, data)
    if owner and (batch.owner is None or not batch.owner.name):
        batch.owner = OwnerProfile(name=owner)
    elif owner and batch.owner is not None and batch.owner.name != owner:
        # --owner names whose list it is; the page's own name for them stays as a variant.
        from dataclasses import replace

        batch.owner = replace(batch.owner, name=owner, aliases=(*batch.owner.aliases, batch.owner.name))
    if not batch.papers:
        # An owner and a source with no papers is junk in the library: most often the wrong --format.
        raise ImporterError(_no_papers(importer, text, path, batch, forced=forced), source=name)
    return importer.name, normalize_batch(batch), sha256 or hashlib.sha256(data).hexdigest(), as_of


def _no_papers(importer: Importer, text: str, path: Path, batch: ImportBatch, *, forced: bool) -> str:
    """Why a page gave no papers, with the way out: the format that fits, or the importer's first warning."""
    label = importer.label or importer.name
    message = f"no papers found reading it as {_article(label)} {label} (format {importer.name})"
    if forced:
        detection = detect(text, path.name)
        if detection.importer is not None and detection.importer.name != importer.name:
            better = detection.importer.label or detection.importer.name
            return f"{message}; it looks like {_article(better)} {better}: import it without --format"
    if batch.warnings:
        first = batch.warnings[0]
        return f"{message}; line {first.line}: {first.message}" if first.line else f"{message}; {first.message}"
    return message


def _article(label: str) -> str:
    return "an" if label[:1].lower() in "aeiou" else "a"


_P = ParamSpec("_P")
_collector_lock = threading.Lock()
_collector_users = 0
_collector_saved: tuple[int, int, int] = gc.get_threshold()
_collector_was_on = True


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Python's automatic cycle collector off while a file is imported, and as before afterwards.

    An import makes millions of short-lived objects and keeps every record alive until it is written: with the
    default thresholds the collector walked that growing heap again and again (a quarter of a 10,000-entry
    .bib's import), and with raised ones its full collections still cost 3.6 of 46.7 s of CPU for a 100,000-entry
    .bib. An import makes few cycles (about 500 objects for that file), collected once it is over. The setting
    is the process's, so the first import to start saves it and the last to end puts it back (the window
    imports in a worker thread; its interface thread collects on a timer by the thresholds, raised meanwhile)."""
    global _collector_users, _collector_saved, _collector_was_on
    with _collector_lock:
        if _collector_users == 0:
            _collector_saved = gc.get_threshold()
            _collector_was_on = gc.isenabled()
            first, second, third = _collector_saved
            gc.set_threshold(max(first, 10_000), max(second, 100), max(third, 100))
            gc.disable()
        _collector_users += 1
    try:
        yield
    finally:
        with _collector_lock:
            _collector_users -= 1
            if _collector_users == 0:
                gc.set_threshold(*_collector_saved)
                # What the import made and keeps (the caches of parsed names, title words, venues) would all be
                # young, walked by the collection the next allocation starts: 20 ms after a 10,000-entry .bib,
                # in whichever thread allocates next. Moved to the oldest generation instead (freezing, then
                # unfreezing, moves every tracked object there without walking one); the import's few cycles
                # go with the next full collection. (Papershelf freezes nothing else that this would thaw.)
                gc.freeze()
                gc.unfreeze()
                if _collector_was_on:
                    gc.enable()


def _with_fewer_collections(function: Callable[_P, FileReport]) -> Callable[_P, FileReport]:
    @functools.wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> FileReport:
        with _fewer_collections():
            return function(*args, **kwargs)

    return wrapper


@_with_fewer_collections
def import_file(
    library: Library,
    path: str | Path,
    *,
    format_name: str | None = None,
    as_of: dt.date | None = None,
    owner: str | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    phase: Callable[[str, str, int], object] | None = None,
    confirm: Confirm | None = None,
) -> FileReport:
    """Import one file in one transaction; errors are reported, never raised (except cancellation).

    `phase(file name, step, entries)` hears of the steps `progress` does not count: "reading" and "parsing"
    (a large .bib takes seconds), then "matching" with the number of entries found. With `confirm`, the import
    is planned first without writing, and written only if `confirm(report, plan)` says so (the import preview,
    `import --dry-run`); a library changed by anyone in between refuses the plan, writing nothing."""
    url = str(path) if is_url(path) else None
    path = Path(path)
    report = FileReport(file=url or path.name, path=url or str(path))
    capture: bytes | None = None
    try:
        if phase is not None:
            phase(report.file, "reading", 0)
        if url is not None:
            path, capture, charset = fetch_url(library, url)
            data, text, importer = read_file(path, format_name=format_name, data=capture, charset=charset, source=url)
            as_of = as_of or dt.date.today()  # a page fetched now is captured today
        else:
            data, text, importer = read_file(path, format_name=format_name)
            as_of = capture_date(path, as_of)
        report.as_of = as_of.isoformat() if as_of else None
        # A file imported before, byte for byte, changes nothing: known by its hash before it is parsed (a big
        # page takes seconds to parse).
        sha = hashlib.sha256(data).hexdigest()
        known = _known_file(library, url or path.name, importer.name, sha, as_of, owner)
        if known is not None:
            report.format = importer.name
            report.owner = known.owner
            report.found = known.found
            report.claimed = known.claimed
            report.unchanged = len(known.result.unchanged)
            report.same_file = True
            report.paper_ids = list(known.result.unchanged)
            return report
        if phase is not None:
            phase(report.file, "parsing", 0)
        entries = _entries(text)
        if confirm is None and not owner and _read_ahead(importer, entries):
            context = ParseContext(source_name=url or str(path), as_of=as_of)
            if phase is not None:  # the records are matched as they are read: counted roughly beforehand
                phase(report.file, "matching", entries)
            report = _import_streamed(
                library, report, importer, text, entries, context, url, path, sha, as_of, progress, cancelled
            )
            if report.ok and url is not None and capture is not None and not library.read_only:
                _keep_capture(path, capture)
            return report
        fmt, batch, sha, as_of = parse_text(
            path, importer, text, data, as_of=as_of, owner=owner, forced=bool(format_name), source=url, sha256=sha
        )
    except ImporterError as error:
        report.error = str(error)
        return report
    report.format = fmt
    report.owner = batch.owner.name if batch.owner else None
    report.found = len(batch.papers)
    report.claimed = batch.claimed_count
    report.warnings = list(batch.warnings)
    if phase is not None:
        phase(report.file, "matching", len(batch.papers))
    if url is not None and capture is not None and not library.read_only:
        _keep_capture(path, capture)
    options = dict(
        # A page's address is its name: a later import of it is a newer capture of the same source.
        file=url or path.name,
        path=str(path.resolve()),
        sha256=sha,
        fmt=fmt,
        owner=batch.owner,
        records=batch.papers,
        claimed_count=batch.claimed_count,
        as_of=as_of.isoformat() if as_of else None,
    )
    progressed = (lambda done, total: progress(report.file, done, total)) if progress else None
    try:
        if confirm is not None:
            # Planned outside any write transaction: the user may look at the preview for as long as they like.
            report.plan = plan_import(library, **options, cancelled=cancelled)
            if not confirm(report, report.plan):
                report.written = False
                return report
        # The papers and the file's @string/@preamble/@comment blocks, together.
        with journal_for(library, len(batch.papers)), library.transaction():
            if report.plan is None:
                result = import_records(library, **options, progress=progressed, cancelled=cancelled)
            else:
                result = apply_plan(library, report.plan, progress=progressed, cancelled=cancelled)
            if fmt == "bibtex" and not result.same_file and result.source_id is not None:
                store_bib_blocks(library, result.source_id, batch.blocks)
    except ImportCancelled:
        raise
    except (LibraryError, sqlite3.Error) as error:
        report.error = _unwritten(path, error)
        return report
    return _written(report, result, batch)


def _unwritten(path: Path, error: Exception) -> str:
    """Why a file's import wrote nothing: the library's own reason, or SQLite's (full disk, locked, read-only)."""
    if isinstance(error, LibraryError):
        return f"{path}: {error}"
    return f"{path}: the library could not be written ({error}); nothing was imported"


def _written(report: FileReport, result: ImportResult, batch: ImportBatch) -> FileReport:
    """The report of a written import."""
    report.new = len(result.new)
    report.updated = len(result.updated)
    report.unchanged = len(result.unchanged)
    report.merged = result.merged
    report.merged_unchanged = len(result.merged_unchanged)
    report.suggested = result.suggested
    report.same_file = result.same_file
    report.reowned = len(result.reowned)
    if not result.same_file:  # like the parse warnings, said when the page is read, not for a known file
        report.years_guessed = sum(1 for r in batch.papers if getattr(r, "date_inferred", False) and r.year)
    report.paper_ids = sorted(set(result.new + result.updated + result.unchanged + [p for p, _ in result.merged]))
    return report


# From this many entries, a file is read by a second process while its first records are written
# (papershelf.read_ahead): below it, forking costs more than it saves.
_AHEAD_RECORDS = 2000


def _entries(text: str) -> int:
    """The entries of a .bib counted roughly (an @string counts too), in milliseconds."""
    return text.count("\n@") + text.startswith("@")


def _read_ahead(importer: Importer, entries: int) -> bool:
    """Is this a big file (`entries`, counted roughly) the importer can stream, where a second process can
    read it?"""
    if entries < _AHEAD_RECORDS or not read_ahead.can_fork():
        return False
    return importer.parse_stream("", ParseContext()) is not None  # a generator not yet started: no work


def _import_streamed(
    library: Library,
    report: FileReport,
    importer: Importer,
    text: str,
    expected: int,
    context: ParseContext,
    url: str | None,
    path: Path,
    sha: str,
    as_of: dt.date | None,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
) -> FileReport:
    """`import_file` for a big file without a named owner, read by a second process while its first records
    are written (`model.apply.import_arriving`): the same library and the same report as the plain import.
    `expected` is its entries counted roughly, for the progress and how to write (never the report)."""
    fmt = importer.name

    def produce() -> Iterator[tuple[Prepared, list[ParseWarning]] | ImportBatch]:
        venue_of = functools.lru_cache(maxsize=4096)(clean_venue)  # as normalize_batch does
        for item in importer.parse_stream(text, context) or ():
            if isinstance(item, ImportBatch):
                yield item
            else:
                # The record's plain data only: the record is read back from it (RecordView), not sent too.
                yield prepare_one(normalize_record(item[0], venue_of)), item[1]

    records: list[PaperRecord | RecordView] = []
    warnings: list[ParseWarning] = []
    read: list[ImportBatch] = []

    def arriving(items: Iterator[Any]) -> Iterator[tuple[RecordView, Prepared]]:
        for item in items:
            if isinstance(item, ImportBatch):  # the last: the file's own warnings and blocks
                read.append(item)
            else:
                warnings.extend(item[1])
                yield RecordView(item[0].data), item[0]

    progressed = (lambda done, total: progress(report.file, done, total)) if progress else None
    try:
        with read_ahead.streamed(produce) as items, journal_for(library, expected), library.transaction():
            result, plan = import_arriving(
                library,
                file=url or path.name,
                path=str(path.resolve()),
                sha256=sha,
                fmt=fmt,
                count=expected,
                arriving=arriving(items),
                records=records,
                as_of=as_of.isoformat() if as_of else None,
                progress=progressed,
                cancelled=cancelled,
            )
            if result.same_file:  # these bytes were imported before: nothing planned, the records read for the report
                records.extend(record for record, _ in arriving(items))
            if not read:
                raise ImporterError("the file's reading ended early", source=context.source_name)
            if fmt == "bibtex" and not result.same_file and result.source_id is not None:
                store_bib_blocks(library, result.source_id, read[0].blocks)
    except ImportCancelled:
        raise
    except ImporterError as error:  # met while reading, after the first records were written: none are kept
        report.error = str(error)
        return report
    except RecursionError:
        report.error = str(ImporterError("the file is nested too deeply to read", source=context.source_name))
        return report
    except (LibraryError, sqlite3.Error) as error:
        report.error = _unwritten(path, error)
        return report
    if progress is not None:
        progress(report.file, len(records), len(records))
    batch = finish_stream(read[0], records, warnings)
    report.format = fmt
    report.found = len(records)
    report.claimed = batch.claimed_count
    report.warnings = list(batch.warnings)
    # Every record and its plan, done with: given back with the process's memory when it is about to end.
    exiting.keep(records, plan)
    return _written(report, result, batch)


def _known_file(
    library: Library, file: str, fmt: str, sha: str, as_of: dt.date | None, owner: str | None
) -> KnownFile | None:
    import sqlite3

    if library.read_only:
        return None  # refused by the import proper, with its reason
    try:
        return find_identical_import(
            library, file=file, sha256=sha, fmt=fmt, as_of=as_of.isoformat() if as_of else None, owner=owner
        )
    except sqlite3.Error:
        return None  # the import proper meets the same trouble and reports it


def import_files(library: Library, paths: Sequence[str | Path], **options) -> list[FileReport]:
    """Each file stands alone: one refused file does not stop the others."""
    return [import_file(library, path, **options) for path in paths]
