"""Measures the desktop window on one library, in a process of its own: first paint, memory, filter and sort.

benchmarks/run.py starts one probe per library size, so each resident-memory figure belongs to one library
alone. The probe opens the library, builds the main window the way the app does (`gui.app.open_window`), and
times, offscreen:
- first paint: from starting to build the window to the table's viewport having painted rows;
- filter: from a search being applied (typing finished) to the table having repainted with its result;
- sort: from a header click on a column to the table having repainted in the new order.
It prints one JSON object on standard output. It changes nothing in the library but the window's own settings,
which the caller points at a scratch folder (XDG_CONFIG_HOME).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt
from PySide6.QtWidgets import QApplication

from papershelf.gui.app import create_application, open_window
from papershelf.model.library import Library

TIMEOUT_S = 60.0


def rss_mb() -> float:
    """Resident memory of this process now (Linux /proc; 0.0 where that does not exist)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class PaintCounter(QObject):
    """Counts the paint events a widget receives."""

    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            # Counted as it arrives; callers look only after processEvents returns, when the paint is done.
            self.paints += 1
        return False


def wait_for_paint(app: QApplication, counter: PaintCounter, after: int, *, rows_needed=None) -> float:
    """Process events until the viewport has painted more than `after` times (and rows_needed() holds)."""
    deadline = time.perf_counter() + TIMEOUT_S
    while True:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        if counter.paints > after and (rows_needed is None or rows_needed()):
            return time.perf_counter()
        if time.perf_counter() > deadline:
            raise TimeoutError("the table did not paint within a minute")


def settle(app: QApplication, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", type=Path)
    parser.add_argument("--queries", type=Path, required=True, help="a JSON list of search strings to apply")
    parser.add_argument("--sort-columns", default="title,year,authors,venue")
    args = parser.parse_args(argv)
    queries = json.loads(args.queries.read_text(encoding="utf-8"))

    app = create_application(["papershelf-benchmark"])
    rss_before_open = rss_mb()
    library = Library.open(args.library)
    rss_library = rss_mb()

    start = time.perf_counter()
    window = open_window(library)
    table = window.table
    counter = PaintCounter()
    table.viewport().installEventFilter(counter)
    # A search without results shows the window's empty-state message in the table's place: that paint is the
    # answer on screen then.
    window.empty_hint.installEventFilter(counter)
    window.show()
    painted = wait_for_paint(app, counter, 0, rows_needed=lambda: table.paper_model.fetches > 0)
    first_paint = painted - start
    pages_at_paint = table.paper_model.fetches
    settle(app, 0.3)
    rss_open = rss_mb()

    filter_times = []
    for query in queries:
        before = counter.paints
        started = time.perf_counter()
        window.search.set_text(query)
        filter_times.append(wait_for_paint(app, counter, before) - started)
    window.search.set_text("")
    settle(app, 0.1)

    from papershelf.gui.paper_table import COLUMN_INDEX

    sort_times: dict[str, list[float]] = {}
    for name in args.sort_columns.split(","):
        column = COLUMN_INDEX[name]
        times = []
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            before = counter.paints
            started = time.perf_counter()
            table.sortByColumn(column, order)
            times.append(wait_for_paint(app, counter, before) - started)
        sort_times[name] = times

    result = {
        "papers": table.count(),
        "first_paint_s": first_paint,
        "rss_before_open_mb": rss_before_open,
        "rss_library_open_mb": rss_library,
        "rss_window_mb": rss_open,
        "rss_end_mb": rss_mb(),
        "row_pages_fetched_at_first_paint": pages_at_paint,
        "filter_s": filter_times,
        "sort_s": sort_times,
    }
    window.hub.close()
    window.close()
    library.close()
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
