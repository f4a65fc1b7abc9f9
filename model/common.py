"""What every model module may import without importing the library: its error type and the write timestamp.

Imports nothing from the model, so the model's modules form no import cycle through it.
"""

from __future__ import annotations

import datetime as dt


class LibraryError(Exception):
    """Something the user must be told about the library file itself (newer version, damaged, locked)."""


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
