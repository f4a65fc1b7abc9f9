"""Qt objects in garbage cycles die on the interface thread, never in a worker that happened to trigger Python's
collector (which crashed the window mid-import with a segmentation fault)."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject

from papershelf.gui.main_thread_gc import collect_on_main_thread


class _Cycle:
    """A window object in a reference cycle (a widget and its Python owner often are): only the cycle collector
    frees it, on whichever thread runs the collection."""

    def __init__(self, freed_on: list[int]) -> None:
        self.me = self
        self.qt = QObject()
        self.freed_on = freed_on

    def __del__(self) -> None:
        self.freed_on.append(threading.get_ident())


def test_a_worker_that_allocates_never_frees_the_windows_qt_objects(qtbot):
    collect_on_main_thread()
    freed_on: list[int] = []
    _Cycle(freed_on)  # garbage at once: only the cycle collector can free it

    kept: list[list[list[int]]] = []

    def allocate() -> None:
        # Far past the youngest generation's threshold, and kept (as a worker's results are): Python's own
        # collector would have run in this thread many times.
        for _ in range(20):
            kept.append([[] for _ in range(1_000)])

    worker = threading.Thread(target=allocate)
    worker.start()
    worker.join()
    assert freed_on == [], "a worker's allocations freed a Qt object off the interface thread"
    qtbot.waitUntil(lambda: bool(freed_on), timeout=5000)
    assert freed_on == [threading.get_ident()]
    assert not gc.isenabled()
