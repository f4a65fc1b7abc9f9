"""Where the app keeps its window state (geometry, splitters, last view, table columns): one QSettings store.

Tests and the screenshot command point it at a file of their own, so neither ever reads or writes the user's
real settings. Library data never goes here; it belongs in the library file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

ORGANISATION = "Papershelf"
APPLICATION = "Papershelf"

_override: Path | None = None


def use_settings_file(path: str | Path | None) -> None:
    """Keep all window state in this INI file from now on (None goes back to the user's settings)."""
    global _override
    _override = Path(path) if path is not None else None


def app_settings() -> QSettings:
    """The settings store every widget reads and writes its own keys in."""
    if _override is not None:
        return QSettings(str(_override), QSettings.Format.IniFormat)
    return QSettings(ORGANISATION, APPLICATION)
