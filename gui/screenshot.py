"""Renders the main window for one view into a PNG without showing anything on screen.

Used by `papershelf screenshot` and the README's screenshot script. It opens no dialog but the entry editor of
an `entry:ID` view (pictured on its own, closed unsaved), writes nothing to the library, and keeps window state
in a throwaway settings file so the user's own layout is neither used nor changed.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

VIEWS = ("papers", "authors", "tags", "duplicates", "author:ID", "paper:ID", "entry:ID", "import:FILE")
DEFAULT_SIZE = (1440, 900)


class ScreenshotError(ValueError):
    """A view or size the command cannot render; the message says what would work."""


@dataclass(frozen=True)
class ViewSpec:
    kind: str  # papers | authors | tags | duplicates | author | paper | entry | import
    ident: int | None = None
    path: str | None = None  # the file an `import:FILE` view imports


def parse_view(text: str) -> ViewSpec:
    kind, _, ident = text.partition(":")
    kind = kind.strip().lower()
    if kind in ("papers", "authors", "tags", "duplicates") and not ident:
        return ViewSpec(kind)
    if kind in ("author", "paper", "entry") and ident.strip().isdigit():
        return ViewSpec(kind, int(ident))
    if kind == "import" and ident.strip():
        if not Path(ident.strip()).is_file():
            raise ScreenshotError(f"import:{ident.strip()}: there is no such file to import")
        return ViewSpec(kind, path=ident.strip())
    raise ScreenshotError(f"unknown view {text!r}; use one of: {', '.join(VIEWS)}")


def parse_size(text: str) -> tuple[int, int]:
    width, sep, height = text.lower().partition("x")
    if not sep or not width.strip().isdigit() or not height.strip().isdigit():
        raise ScreenshotError(f"write sizes as WIDTHxHEIGHT, e.g. 1440x900, not {text!r}")
    size = int(width), int(height)
    if not (400 <= size[0] <= 8000 and 300 <= size[1] <= 8000):
        raise ScreenshotError("sizes go from 400x300 to 8000x8000")
    return size


def _settle(app, rounds: int = 6) -> None:
    """Let queued work (debounced refreshes, layouts, lazy row fetches) finish before grabbing."""
    from PySide6.QtCore import QEventLoop, QThread

    for _ in range(rounds):
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        QThread.msleep(30)
    app.processEvents()


def _import_in_progress(app, window, path: str):
    """The window with its import progress dialog, part-way through importing `path`; the import is then
    cancelled, so its transaction is rolled back and the library is left as it was."""
    import threading

    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QPainter

    controller = window.import_controller()
    halfway, grabbed = threading.Event(), threading.Event()

    def hold(_index: int, _count: int, _name: str, done: int, total: int) -> None:
        # On the worker thread, inside the file's transaction: wait there while the picture is taken.
        if total and done * 3 >= total and not halfway.is_set():
            halfway.set()
            grabbed.wait(30)

    controller.started.connect(lambda: controller.worker.progress.connect(hold, Qt.ConnectionType.DirectConnection))
    if not controller.start([path], ask_owner=False):
        raise ScreenshotError("an import is already running")
    try:
        while not halfway.wait(0.05):
            app.processEvents()
            if controller.worker is None:
                raise ScreenshotError(f"{path} was imported before a picture could be taken; use a larger file")
        _settle(app)
        dialog = controller.progress_dialog
        dialog.show()
        _settle(app, rounds=3)
        picture = window.grab()
        painter = QPainter(picture)
        inside = (window.size() - dialog.size()) / 2
        painter.drawPixmap(QPoint(inside.width(), inside.height()), dialog.grab())
        painter.end()
    finally:
        controller.cancel()
        grabbed.set()
        controller.wait()
        _settle(app, rounds=2)
    return picture


def _entry_editor(app, hub, window, paper_id: int, size: tuple[int, int]):
    """The entry editor (Shift+F2) of one paper, at the size it opens with on a screen of `size`."""
    from PySide6.QtCore import QRect

    from papershelf.gui.entry_editor import EntryEditorDialog
    from papershelf.gui.screen_fit import fit_to_screen

    dialog = EntryEditorDialog(hub, paper_id, window)
    try:
        fit_to_screen(dialog, dialog.width(), dialog.height(), QRect(0, 0, *size))
        dialog.show()
        _settle(app)
        return dialog.grab()
    finally:
        dialog.reject()
        dialog.deleteLater()


def render_screenshot(library, out: str | Path, *, view: str = "papers", size: tuple[int, int] = DEFAULT_SIZE) -> Path:
    """Render the window over `library` showing `view` into the PNG `out`; returns its path."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    spec = parse_view(view)
    if QApplication.instance() is None:
        # Nothing may appear on the user's screen: render on Qt's offscreen platform.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from papershelf.gui.app import create_application
    from papershelf.gui.hub import LibraryHub
    from papershelf.gui.main_window import MainWindow
    from papershelf.gui.paper_table import COLUMN_INDEX
    from papershelf.gui.settings import use_settings_file
    from papershelf.gui.sidebar import NavTarget

    # A running app (the test suite's) keeps its own style; the command line makes a fresh one.
    app = QApplication.instance() or create_application()
    with tempfile.TemporaryDirectory(prefix="papershelf-shot-") as scratch:
        use_settings_file(Path(scratch) / "settings.ini")
        hub = LibraryHub(library, watch_interval_ms=0)
        window = MainWindow(hub)
        try:
            window.resize(*size)
            # The command opens the library read-only so that rendering cannot change it; the banner saying so
            # would be in every picture, though the user's window shows none.
            window.read_only_banner.hide()
            window.show()
            _settle(app)
            if spec.kind == "papers":
                window.navigate(NavTarget("view", "all"))
                # Newest first: the picture shows what a reader looks for, not the order of import.
                window.table.sortByColumn(COLUMN_INDEX["year"], Qt.SortOrder.DescendingOrder)
                window.table.select_row(0)
            elif spec.kind in ("paper", "entry"):
                if not library.get_papers([spec.ident]):
                    raise ScreenshotError(f"there is no paper with id {spec.ident}")
                window.show_paper(spec.ident)
            elif spec.kind == "tags":
                tags = sorted(library.list_tags(), key=lambda tag: -tag.paper_count)
                if not tags:
                    raise ScreenshotError("the library has no tags to show; tag some papers first")
                window.navigate(NavTarget("tag", tags[0].name))
                window.table.select_row(0)
            elif spec.kind == "authors":
                window.navigate(NavTarget("authors"))
            elif spec.kind == "author":
                window.show_author(spec.ident)
            elif spec.kind == "duplicates":
                window.navigate(NavTarget("duplicates"))
            out = Path(out)
            out.parent.mkdir(parents=True, exist_ok=True)
            if spec.kind == "import":
                picture = _import_in_progress(app, window, spec.path or "")
            elif spec.kind == "entry":
                picture = _entry_editor(app, hub, window, spec.ident or 0, size)
            else:
                _settle(app)
                picture = window.grab()
            if not picture.save(str(out), "PNG"):
                raise ScreenshotError(f"could not write {out}")
        finally:
            window.close()
            window.deleteLater()
            hub.close()
            _settle(app, rounds=1)
            use_settings_file(None)
    return out
