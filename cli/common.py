"""Helpers shared by the command modules: opening the library, printing JSON and errors."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from papershelf.model import integrity
from papershelf.model.library import Library, LibraryError
from papershelf.model.types import Author, Paper
from papershelf.model.venues import canonical_venue
from papershelf.paths import cloud_sync_folder, library_path


class CommandError(Exception):
    """A message for the user; the command exits with status 2 (1 is for per-file failures)."""


# The libraries commands opened, still in use: the program closes them before it leaves (`cli.main.run`), as the
# interpreter's teardown would, so that no write-ahead log is left beside them. Held weakly: a command run
# in-process (the tests) lets go of its library as before.
_opened: weakref.WeakSet[Library] = weakref.WeakSet()


def close_opened() -> None:
    """Close every library `open_library` opened (one a command closed already is closed again harmlessly)."""
    for library in list(_opened):
        library.close()
    _opened.clear()


def open_library(
    args: argparse.Namespace, *, read_only: bool = False, create: bool = False, announce: bool = True
) -> Library:
    """Open the command's library. Only a command that puts something into the library passes `create`: any
    other command on a path with no library (a mistyped --library) is refused, leaving no file or folder
    behind. A library that is created is announced on standard error (unless `announce` is False: the caller
    then says it)."""
    path = library_path(getattr(args, "library", None))
    if not create and not path.exists():
        raise CommandError(
            f"there is no library at {path}; check --library (or $PAPERSHELF_LIBRARY). "
            "`papershelf import FILE` creates a new library"
        )
    cloud = cloud_sync_folder(path)
    if cloud and not getattr(args, "json", False):
        print(
            f"warning: the library {path} is inside a cloud-sync folder ({cloud}); syncing can damage SQLite "
            "files. Consider moving it out and using --library or PAPERSHELF_LIBRARY.",
            file=sys.stderr,
        )
    try:
        library = Library.open(path, read_only=read_only)
    except LibraryError as error:
        raise CommandError(str(error)) from None
    _opened.add(library)
    if library.created and announce:
        announce_created(library)
    for notice in library.notices:  # read-only because the file cannot be written, a failed automatic backup
        print(f"note: {notice}", file=sys.stderr)
    if not library.read_only:
        # A command waits for another Papershelf writing the library (a window, an import in another terminal)
        # as long as it takes, and says once what it is waiting for.
        library.on_busy_wait = _tell_busy
        from papershelf.exporters.autoexport import install

        # Files the user asked to keep updated follow every change a command commits.
        install(library)
    return library


def announce_created(library: Library) -> None:
    print(f"Created a new library at {library.path}", file=sys.stderr)


def _tell_busy(path: Path) -> None:
    print(f"papershelf: the library is busy (another Papershelf is writing to {path}); waiting…", file=sys.stderr)
    sys.stderr.flush()


@dataclass(frozen=True)
class LibraryBefore:
    """Whether a command's library file was there before the command opened it, and which of its folders
    the opening will create: what `discard_if_new_and_empty` may take away again, and nothing more."""

    path: Path
    existed: bool
    missing_folders: tuple[Path, ...]  # deepest first


def library_before(args: argparse.Namespace) -> LibraryBefore:
    """Look at the library's place before `open_library` creates anything there."""
    path = library_path(getattr(args, "library", None))
    # A leftover -wal or -shm without its library counts as a library that was there: none of it is ours.
    existed = path.exists() or any(path.with_name(path.name + s).exists() for s in integrity.SIDE_FILES)
    missing: list[Path] = []
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return LibraryBefore(path, existed, tuple(missing))


def discard_if_new_and_empty(library: Library, before: LibraryBefore) -> bool:
    """Close and remove a library this command created and left empty (every file it imported was refused),
    with its -wal and -shm and the folders made for it; a library that existed before is never touched."""
    if before.existed or library.read_only or library.path != before.path:
        return False
    holds_something = (
        library.count_papers("all")
        or library.count_papers("trash")
        or library.count_authors()
        or library.list_sources()
        or library.list_tags()
    )
    if holds_something:
        return False
    library.close()
    for suffix in ("", *integrity.SIDE_FILES):
        with contextlib.suppress(FileNotFoundError):
            before.path.with_name(before.path.name + suffix).unlink()
    for folder in before.missing_folders:
        try:
            folder.rmdir()  # only while empty: anything else put there meanwhile stays
        except OSError:
            break
    return True


def run(func):
    """Wrap a command: CommandError and LibraryError become one line on stderr and exit status 2."""

    def wrapper(args: argparse.Namespace) -> int:
        try:
            return func(args) or 0
        except (CommandError, LibraryError) as error:
            print(f"papershelf: {error}", file=sys.stderr)
            return 2

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def venue_provenance(paper: Paper) -> str | None:
    """Where the paper's venue came from when no page gave it as a venue: the arXiv comment or journal ref that
    says where it was published ("file, line N: comments: Accepted by NeurIPS 2021"). Needs the provenance
    (Library.get_paper)."""
    if not paper.venue or "venue" in paper.edited_fields:
        return None
    if any(claim.record.get("venue") == paper.venue for claim in paper.sources):
        return None
    for claim in paper.sources:
        extra = claim.record.get("extra") or {}
        if isinstance(extra, dict) and extra.get("venue_claim") == paper.venue:
            return f"{claim.file}, line {claim.line}: {extra.get('venue_claim_from', '')}".rstrip(": ")
    return None


def paper_json(paper: Paper, *, records: bool = False) -> dict[str, Any]:
    """A paper as the stable JSON scripts read (fields are only ever added). `records` adds to each source the
    values it stated (`record`, the importer's record as stored) and when it was imported: `show --json` gives
    them; lists leave them out, as every record would double their size."""
    venue = canonical_venue(paper.venue) if paper.venue else None
    data = {
        "id": paper.id,
        "title": paper.title,
        "display_title": paper.display_title,
        "year": paper.year,
        "date": paper.date,
        "date_inferred": paper.date_inferred,
        "venue": paper.venue,
        "type": paper.entry_type,
        "arxiv_id": paper.arxiv_id,
        "doi": paper.doi,
        "authors": paper.author_names(),
        "authors_as_written": [ref.as_written for ref in paper.authors],
        "author_ids": [ref.author_id for ref in paper.authors],
        "authors_complete": paper.authors_complete,
        "also_by": [ref.name for ref in paper.extra_authors],
        "abstract": paper.abstract,
        "comments": paper.comments,
        "journal_ref": paper.journal_ref,
        "category": paper.category,
        "links": paper.links,
        "tags": paper.tags,
        "note": paper.note,
        "citekey": paper.citekey,
        "key_aliases": paper.key_aliases,
        "edited_fields": sorted(paper.edited_fields),
        "added_at": paper.added_at,
        # Added later (keys above are unchanged): the remaining bibliographic fields, and flags a table shows.
        "url": paper.url,
        "volume": paper.volume,
        "number": paper.number,
        "pages": paper.pages,
        "publisher": paper.publisher,
        "venue_full": venue.full if venue else None,
        "venue_kind": venue.kind if venue else None,
        "also_by_ids": [ref.author_id for ref in paper.extra_authors],
        "has_code": paper.has_code or any(link.get("kind") == "code" for link in paper.links),
        "has_note": bool(paper.note.strip()),
        "updated_at": paper.updated_at,
        "remarks": paper.remarks,
        "year_guessed": paper.year_inferred,
        "venue_from": venue_provenance(paper),
        "sources": [
            {"file": claim.file, "format": claim.format, "line": claim.line, "source_id": claim.source_id}
            for claim in paper.sources
        ],
    }
    if records:
        for entry, claim in zip(data["sources"], paper.sources, strict=True):
            entry["record"] = claim.record
            entry["imported_at"] = claim.imported_at
    return data


def author_json(author: Author) -> dict[str, Any]:
    return {
        "id": author.id,
        "name": author.name,
        "given": author.given,
        "family": author.family,
        "variants": author.variants,
        "paper_count": author.paper_count,
    }


def plural(count: int, noun: str, many: str | None = None) -> str:
    """ "1 paper", "2 papers", "0 papers"."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"


def parse_ids(text: str | Sequence[str]) -> list[int]:
    """Paper ids as typed: "7,14,17", "7 14 17" (one argument or several) or any mix, each id once."""
    parts = [text] if isinstance(text, str) else list(text)
    ids: list[int] = []
    for part in parts:
        for item in part.replace(",", " ").split():
            if not item.isdigit():
                raise CommandError(f"ids are numbers separated by commas or spaces, not {item!r}")
            if int(item) not in ids:
                ids.append(int(item))
    if not ids:
        raise CommandError("name at least one id")
    return ids


def ids_text(ids: Iterable[int]) -> str:
    return ", ".join(map(str, ids))


def check_paper_ids(library: Library, wanted: Sequence[int], *, writing: bool) -> list[int]:
    """The papers these ids name, in the order given, each once; every id is checked before anything is done.

    An id that names no paper is an error naming it (and nothing was changed). A paper merged into another
    stands, for a command that only reads, for the paper that holds it now (with a note on standard error);
    a command that writes is refused instead, as a tag or note put on a merged-away paper would be invisible.
    Papers in the trash count as papers: `restore-papers` and `delete` say what they found there.
    """
    shown = set(library.paper_ids()) | set(library.paper_ids(view="trash"))
    ids: list[int] = []
    missing: list[int] = []
    merged: list[tuple[int, int]] = []
    for paper_id in dict.fromkeys(wanted):
        target = paper_id if paper_id in shown else merged_into(library, paper_id, shown)
        if target is None:
            missing.append(paper_id)
            continue
        if target != paper_id:
            if writing:
                merged.append((paper_id, target))
                continue
            print(f"note: paper {paper_id} was merged into paper {target}; using {target}", file=sys.stderr)
        if target not in ids:
            ids.append(target)
    problems = []
    if missing:
        problems.append(
            f"there is no paper with id {missing[0]}"
            if len(missing) == 1
            else f"there are no papers with ids {ids_text(missing)}"
        )
    for old, new in merged:
        problems.append(
            f"paper {old} was merged into paper {new}: name {new} instead (`papershelf unmerge {old}` takes them "
            "apart again)"
        )
    if problems:
        raise CommandError("; ".join(problems) + ("; nothing was changed" if writing else ""))
    return ids


def merged_into(library: Library, paper_id: int, shown: set[int]) -> int | None:
    """The live paper a merged-away paper went into, following merges of merges; None if there is none."""
    from papershelf.model.merge import merge_history

    seen = {paper_id}
    current = paper_id
    while True:
        merges = [m for m in merge_history(library, "paper", current) if m.merged_id == current and not m.undone_at]
        if not merges:
            return current if current in shown else None
        current = merges[-1].kept_id
        if current in seen:
            return None
        seen.add(current)


def check_query(query: str | None, prefix: str = "") -> None:
    """A search string's mistakes are the user's typing, not the library's: told before the library is opened,
    so they are told even where there is no library yet."""
    if query and query.strip():
        from papershelf.model.search import QueryError, compile_query

        try:
            compile_query(query)
        except QueryError as error:
            raise CommandError(f"{prefix}{error}") from None


def choice(*values: str):
    """An argparse `type` for a choice typed in any case (`--format BibTeX`); use with `metavar`, not `choices`."""

    def convert(text: str) -> str:
        for value in values:
            if text.lower() == value.lower():
                return value
        raise argparse.ArgumentTypeError(f"{text!r} is not one of: {', '.join(values)}")

    convert.__name__ = "choice"
    return convert
