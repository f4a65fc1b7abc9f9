"""Memory a command need not free: the command line's program ends with os._exit (`cli.main.run`), and the
system takes the process's memory back whole, where freeing a big import's records and plan object by object
took 0.06 s after a 10,000-entry .bib.

`keep` holds what it is given only once `ending_without_teardown` was called; in the window, in tests and in
any other use of the package it does nothing, and the objects are freed as usual. Imports nothing of Papershelf.
"""

from __future__ import annotations

# What the last `keep` was given: one import's records at a time, so that a command importing many files
# never holds more than the biggest of them did while it was imported.
_kept: list[tuple[object, ...]] | None = None


def ending_without_teardown() -> None:
    """Say this process ends with os._exit once its command is done: `keep` holds what it is given from now on."""
    global _kept
    if _kept is None:
        _kept = []


def keep(*objects: object) -> None:
    """Objects the caller is done with: left for the process's end when it ends without teardown (what an
    earlier call kept is freed now), else freed as soon as the caller drops them."""
    if _kept is not None:
        _kept[:] = [objects]
