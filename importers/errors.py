"""The one exception type importers may raise: a message for the user naming the file and line."""

from __future__ import annotations


class ImporterError(Exception):
    """A file that cannot be imported. `str()` is a complete sentence for the user."""

    def __init__(self, message: str, *, source: str = "<text>", line: int | None = None) -> None:
        self.message = message
        self.source = source
        self.line = line
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}: {message}")
