"""One entry point for every export format, and the atomic file write every export to a file goes through.

Selecting papers is the caller's job (it asks the Library); this module turns Papers into text and text into
a file. No SQL here.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from papershelf.exporters.report import ExportReport
from papershelf.model.types import BibBlock, Paper

if TYPE_CHECKING:
    from papershelf.model.library import Library

FORMATS = ("bibtex", "biblatex", "csl-json", "ris")
EXTENSIONS = {"bibtex": ".bib", "biblatex": ".bib", "csl-json": ".json", "ris": ".ris"}


@dataclass
class ExportResult:
    text: str
    report: ExportReport


@dataclass
class BibSources:
    """What the .bib files behind some papers add to their export: their @string/@preamble/@comment blocks and
    the crossref parents the papers cite but the selection left out."""

    blocks: list[BibBlock] = field(default_factory=list)
    parents: list[Paper] = field(default_factory=list)


def bib_sources(library: Library, papers: Sequence[Paper]) -> BibSources:
    """The blocks of the .bib sources that stated these papers, and their crossref parents (and theirs) that
    are not among them, read through the library's API."""
    have = {p.citekey.lower() for p in papers if p.citekey}
    parents: list[Paper] = []
    wanted = [p for p in papers if p.bib_fields]
    while wanted:
        found = []
        for paper in wanted:
            target = next((f.text.strip() for f in paper.bib_fields if f.name.lower() == "crossref"), "")
            if target and target.lower() not in have:
                have.add(target.lower())
                parent = library.paper_by_key(target)
                if parent is not None and parent.deleted_at is None:
                    found.append(parent)
        parents.extend(found)
        wanted = found
    ids = [p.id for p in [*papers, *parents]]
    sources = library.paper_source_ids(ids)
    blocks = library.bib_blocks(dict.fromkeys(s for paper_id in ids for s in sources.get(paper_id, ())))
    return BibSources(blocks, parents)


def export_papers(
    papers: Iterable[Paper],
    fmt: str = "bibtex",
    *,
    abstracts: bool = True,
    sources: BibSources | None = None,
    strings: bool = False,
    crossref: str = "keep",
    biblatex_names: bool = False,
) -> ExportResult:
    """The papers in `fmt`, ordered by citation key so the same library always gives the same text.

    For the .bib flavours, `sources` (see `bib_sources`) brings back the blocks and crossref parents of the
    files the papers came from; `strings` writes @string macros back, `crossref` is "keep" or "inherit", and
    `biblatex_names` writes BibTeX's types and fields under biblatex's names in the biblatex flavour."""
    papers = list(papers)
    if fmt in ("bibtex", "biblatex"):
        from papershelf.exporters.bibtex import export_bib

        sources = sources or BibSources()
        return ExportResult(
            *export_bib(
                papers,
                fmt,
                abstracts=abstracts,
                preamble=True,
                blocks=sources.blocks,
                strings=strings,
                crossref=crossref,
                parents=sources.parents,
                biblatex_names=biblatex_names,
            )
        )
    if fmt == "csl-json":
        from papershelf.exporters.csl_json import export_csl_json

        return ExportResult(*export_csl_json(papers, abstracts=abstracts))
    if fmt == "ris":
        from papershelf.exporters.ris import export_ris

        return ExportResult(*export_ris(papers, abstracts=abstracts))
    raise ValueError(f"unknown export format {fmt!r}; one of {', '.join(FORMATS)}")


def write_atomic(path: str | os.PathLike[str], text: str) -> bool:
    """Write `text` to `path` through a temporary file and a rename, so a reader (a LaTeX editor, git) never
    sees half a file; returns False without touching the file when it already holds exactly this text.

    The folder must exist: a folder that was removed (a project moved away) is an error the caller reports
    (auto-export records it), never silently made again. Raises FileNotFoundError then.
    """
    path = Path(path)
    data = text.encode("utf-8")
    with contextlib.suppress(OSError):
        if path.read_bytes() == data:
            return False
    if not path.parent.is_dir():
        raise FileNotFoundError(f"the folder {path.parent} does not exist")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        try:
            mode = path.stat().st_mode & 0o777
        except OSError:
            mode = 0o644 & ~_umask()
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return True


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
