"""One entry point for every export format, and the atomic file write every export to a file goes through.

Selecting papers is the caller's job (it asks the Library); this module turns Papers into text and text into
a file. No SQL here.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from papershelf.exporters.report import ExportReport
from papershelf.model.types import Paper

FORMATS = ("bibtex", "biblatex", "csl-json", "ris")
EXTENSIONS = {"bibtex": ".bib", "biblatex": ".bib", "csl-json": ".json", "ris": ".ris"}


@dataclass
class ExportResult:
    text: str
    report: ExportReport


def export_papers(papers: Iterable[Paper], fmt: str = "bibtex", *, abstracts: bool = True) -> ExportResult:
    """The papers in `fmt`, ordered by citation key so the same library always gives the same text."""
    papers = list(papers)
    if fmt in ("bibtex", "biblatex"):
        from papershelf.exporters.bibtex import export_bib

        return ExportResult(*export_bib(papers, fmt, abstracts=abstracts, preamble=True))
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
