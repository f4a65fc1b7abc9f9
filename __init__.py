"""Papershelf: turn researchers' publication pages into one clean local reference library."""

__version__ = "0.1.0"
