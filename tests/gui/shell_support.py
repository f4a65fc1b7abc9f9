"""Helpers for the main-window tests: small libraries built straight through the store, and window set-up.

Plain functions, not fixtures, so each test module states its own fixtures and nothing leaks between files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from papershelf.model.apply import import_records
from papershelf.model.records import OwnerProfile, PaperRecord

VENUES = ("NeurIPS", "ACL", "ICML", "EMNLP", "KDD")
GIVEN = ("Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "John")
FAMILY = ("Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "McCarthy")


def make_records(count: int, *, start: int = 0, title: str = "Paper") -> list[PaperRecord]:
    """Distinct, complete records: a title, two or three authors, a year and a venue each."""
    records = []
    for number in range(start, start + count):
        authors = tuple(
            f"{GIVEN[(number + k) % len(GIVEN)]} {FAMILY[(number * 3 + k) % len(FAMILY)]}"
            for k in range(2 + number % 2)
        )
        records.append(
            PaperRecord(
                line=number + 1,
                title=f"{title} {number:05d} on topic {number % 17}",
                authors=authors,
                year=2000 + number % 25,
                venue=VENUES[number % len(VENUES)],
                abstract=f"We study topic {number % 17} with method {number % 5}.",
            )
        )
    return records


def store(
    library,
    records: Sequence[PaperRecord],
    *,
    file: str = "papers.bib",
    fmt: str = "bibtex",
    owner: str | None = None,
) -> list[int]:
    """Import records as one source file; returns the ids of the papers it made."""
    digest = hashlib.sha256(f"{file}{len(records)}{records[0].title if records else ''}".encode()).hexdigest()
    result = import_records(
        library,
        file=file,
        path=f"/tmp/{file}",
        sha256=digest,
        fmt=fmt,
        owner=OwnerProfile(name=owner) if owner else None,
        records=list(records),
    )
    return result.new + result.updated + result.unchanged


def dispose(widget) -> None:
    """Close and delete a window now, before its library closes: no timer of it may fire afterwards."""
    import shiboken6
    from PySide6.QtCore import QCoreApplication, QEvent

    if shiboken6.isValid(widget):
        widget.close()
        widget.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def drop_on(widget, position, mime):
    """Drag `mime` over `widget` and drop it at `position`, as a mouse drag does: enter, move, drop."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QGuiApplication

    args = (position, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    for event_type in (QDragEnterEvent, QDragMoveEvent):
        QGuiApplication.sendEvent(widget, event_type(*args))
    drop = QDropEvent(*args)
    QGuiApplication.sendEvent(widget, drop)
    return drop


def show_main_window(qtbot, hub, size: tuple[int, int]):
    """The main window on `hub` at `size`, on screen, with the sidebar counted and every row read."""
    from papershelf.gui.main_window import MainWindow

    win = MainWindow(hub)
    win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    # The sidebar's counts and the rows past the first screen come just after the first paint.
    qtbot.waitUntil(lambda: win.sidebar.counted and win.table.complete)
    win.activateWindow()
    return win


def focus_table(qtbot, window) -> None:
    window.activateWindow()
    window.table.setFocus()
    qtbot.waitUntil(lambda: window.table.hasFocus())
