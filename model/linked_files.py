"""The files a .bib entry links to (its `file` field, as JabRef, Zotero's Better BibTeX and Mendeley write it),
found on disk: the PDF a user opens from the detail pane, as they did in the manager the .bib came from.

Only reads the paper's fields and checks paths; opens nothing (the window does, for documents only) and
never touches the library.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from papershelf.model.types import Paper

# Fields that name files: JabRef and Better BibTeX write `file`, some tools `pdf`, biblatex-style `files`.
_FIELDS = ("file", "files", "pdf")


@dataclass(frozen=True)
class LinkedFile:
    description: str  # JabRef's description, else the file's name
    kind: str  # "PDF", "DjVu" …: what the field says, else the file's extension
    written: str  # the path as the .bib wrote it
    path: Path | None  # where it is on this machine, when found
    candidates: tuple[Path, ...] = ()  # where it was looked for, when not found


def split_file_field(value: str) -> list[tuple[str, str, str]]:
    """(description, path, type) of each file in a field's value.

    JabRef: `Description:path:Type;…` with `\\:` and `\\;` for colons and semicolons in names (Windows paths
    `C\\:\\\\Users\\\\…`); Mendeley the same with an empty description; Better BibTeX plain paths separated by
    `;`. A Windows drive letter (`C:\\…`) is a path, not a description."""
    files = []
    for item in _split_unescaped(value, ";"):
        item = item.strip()
        if not item:
            continue
        parts = _split_unescaped(item, ":")
        if len(parts) >= 3 and not _drive_split(parts):
            description, path, kind = parts[0], ":".join(parts[1:-1]), parts[-1]
        elif len(parts) == 2 and not _drive_split(parts) and parts[0] == "":
            description, path, kind = "", parts[1], ""
        elif len(parts) == 2 and re.fullmatch(r"[A-Za-z][\w ]{0,15}", parts[1]) and "." in parts[0]:
            description, path, kind = "", parts[0], parts[1]  # "path:PDF" without JabRef's leading colon
        else:
            description, path, kind = "", item.replace("\\:", ":").replace("\\;", ";"), ""
        path = _unescape(path)
        if path:
            files.append((_unescape(description), path, _unescape(kind)))
    return files


def _split_unescaped(text: str, separator: str) -> list[str]:
    return [piece for piece in re.split(rf"(?<!\\){re.escape(separator)}", text)]


def _drive_split(parts: list[str]) -> bool:
    """`C:\\Users\\x.pdf` split at its drive colon (one letter before, a backslash or slash after)."""
    return len(parts) == 2 and len(parts[0]) == 1 and parts[0].isalpha() and parts[1][:1] in ("\\", "/")


# Mendeley braces what it escapes for TeX: `Dinh-Xu2008{\_}Chapter.pdf`.
_BRACED_ESCAPE = re.compile(r"\{\\([_&%#$])\}")


def _unescape(text: str) -> str:
    text = _BRACED_ESCAPE.sub(r"\1", text)
    # Mendeley escapes the drive's colon as `$\backslash$:`.
    text = text.replace("$\\backslash$:", ":").replace("\\:", ":").replace("\\;", ";")
    # JabRef doubles the backslashes of Windows paths; Mendeley writes them as $\backslash$.
    return text.replace("$\\backslash$", "\\").replace("\\\\", "\\").strip()


def linked_files(paper: Paper) -> list[LinkedFile]:
    """The paper's linked files, each looked for as written, then beside each .bib that stated the paper."""
    folders = [Path(claim.path).parent for claim in paper.sources if claim.format == "bibtex" and claim.path]
    found = []
    for bib_field in paper.bib_fields:
        if bib_field.name not in _FIELDS:
            continue
        value = bib_field.text if bib_field.edited or bib_field.latex is None else bib_field.latex
        for description, written, kind in split_file_field(value):
            tried = _candidates(written, folders)
            path = next((p for p in tried if p.is_file()), None)
            name = Path(written.replace("\\", "/")).name
            found.append(
                LinkedFile(
                    description or name,
                    kind or Path(name).suffix.lstrip(".").upper(),
                    written,
                    path,
                    () if path else tuple(tried),
                )
            )
    return found


def _candidates(written: str, folders: list[Path]) -> list[Path]:
    path = Path(os.path.expanduser(written))
    if path.is_absolute():
        # A path from another machine still finds the file when it sits beside the .bib (a shared folder).
        return [path, *(folder / path.name for folder in folders)]
    # Mendeley writes absolute paths on Linux and macOS without their leading slash (`:home/me/x.pdf:pdf`).
    rooted = [Path("/") / path] if os.sep == "/" else []
    return [*(folder / path for folder in folders), *(folder / path.name for folder in folders), *rooted]
