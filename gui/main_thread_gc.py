"""Python's cycle collector moved onto the interface thread, because Qt objects must die on the thread they live on.

Python runs an automatic collection in whichever thread happens to allocate when a threshold is crossed. In a
window with worker threads (imports, lookups, exports, the background backup) that is sometimes a worker, and a
cycle holding a QWidget that the worker's collection frees crashes the whole process ("Fatal Python error:
Segmentation fault ... Garbage-collecting" in import_records). Calibre and Anki solve it the same way: switch the
automatic collector off and collect from a timer on the interface thread, generation by generation, as often as
Python itself would. Reference counting still frees everything that is not in a cycle at once.

This module must not be used outside the window: the command line keeps Python's own collector.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

# Often enough that a busy window never holds much garbage, rarely enough to cost nothing measurable.
INTERVAL_MS = 500


def collect_if_due() -> int:
    """Run the collection Python would have run by now (the oldest generation whose threshold is passed);
    answers the number of objects freed. Call it on the interface thread only."""
    counts = gc.get_count()
    thresholds = gc.get_threshold()
    generation = -1
    for level in range(3):
        if thresholds[level] and counts[level] > thresholds[level]:
            generation = level
    return gc.collect(generation) if generation >= 0 else 0


class _MainThreadCollector(QObject):
    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName("papershelf-main-thread-gc")
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(collect_if_due)
        self.timer.start()


def collect_on_main_thread() -> None:
    """Switch Python's automatic collection to the interface thread (idempotent). Call it before any worker
    thread starts: once called, no worker ever frees a Qt object by collecting a cycle."""
    app = QApplication.instance()
    if app is None:
        return
    if app.findChild(_MainThreadCollector, "papershelf-main-thread-gc") is None:
        _MainThreadCollector(app)  # type: ignore[arg-type]
    gc.disable()
