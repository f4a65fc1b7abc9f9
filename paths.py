"""Where the library lives: --library, then PAPERSHELF_LIBRARY, then platformdirs' user data folder."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "Papershelf"
LIBRARY_FILE = "library.sqlite"


def default_library_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / LIBRARY_FILE


def library_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get("PAPERSHELF_LIBRARY")
    if from_env:
        return Path(from_env).expanduser()
    return default_library_path()


def sample_pages() -> list[Path]:
    """The bundled seed pages a first run offers as a sample library."""
    from importlib import resources

    folder = resources.files("papershelf.resources") / "samples"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".txt"))


_CLOUD_MARKERS = (
    "dropbox",
    "onedrive",
    "icloud",
    "mobile documents",
    "google drive",
    "googledrive",
    "box sync",
    "pcloud",
    "nextcloud",
    "owncloud",
    "mega",
)


def cloud_sync_folder(path: Path) -> str | None:
    """The name of a cloud-sync service whose folder holds `path` (SQLite files get damaged there), or None."""
    for part in path.expanduser().resolve().parts:
        lowered = part.lower()
        for marker in _CLOUD_MARKERS:
            if marker in lowered:
                return part
    return None
