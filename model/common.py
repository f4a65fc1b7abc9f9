"""What every model module may import without importing the library: its error type, the write timestamp and
the cached attribute of its immutable values.

Imports nothing from the model, so the model's modules form no import cycle through it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

_T = TypeVar("_T")


class LibraryError(Exception):
    """Something the user must be told about the library file itself (newer version, damaged, locked)."""


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


class computed_once(Generic[_T]):
    """`functools.cached_property` without its lock, for attributes of immutable values (a parsed name's key):
    Python 3.11's takes a lock on every first read, as long again as computing a name key, and an import reads
    tens of thousands of them. A value computed twice by two threads at once is the same value."""

    def __init__(self, function: Callable[[Any], _T]) -> None:
        self.function = function
        self.name = function.__name__
        self.__doc__ = function.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> computed_once[_T]: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> _T: ...
    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        # Stored in the instance's __dict__ (a frozen dataclass's too): later reads never reach this method.
        value = instance.__dict__[self.name] = self.function(instance)
        return value
