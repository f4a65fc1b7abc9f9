"""Starting the desktop app: the QApplication, the system's light or dark palette, the window, the first-run offer.

`run_app(path)` is what `papershelf` with no command calls. It opens the library (a refused file is reported in
a dialog, not a traceback), restores the window as it was left, and on a first run with an empty library offers
to import the bundled sample pages.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from papershelf.gui.hub import LibraryHub
from papershelf.gui.main_thread_gc import collect_on_main_thread
from papershelf.gui.settings import APPLICATION, ORGANISATION
from papershelf.model.backup import restore
from papershelf.model.integrity import DamagedLibraryError
from papershelf.model.library import Library, LibraryError
from papershelf.paths import cloud_sync_folder

SAMPLES_OFFERED = "gui.samples_offered"  # library setting: the first-run question was asked for this library


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The one QApplication (reused when it exists), named so QSettings and the desktop know it."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    follow_system_palette(app)
    collect_on_main_thread()
    return app


def _is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


def dark_palette() -> QPalette:
    """A dark palette for platforms that report a dark scheme but hand Qt a light palette."""
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#202124",
        QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#17181a",
        QPalette.ColorRole.AlternateBase: "#232428",
        QPalette.ColorRole.ToolTipBase: "#2b2c30",
        QPalette.ColorRole.ToolTipText: "#e8eaed",
        QPalette.ColorRole.PlaceholderText: "#9aa0a6",
        QPalette.ColorRole.Text: "#e8eaed",
        QPalette.ColorRole.Button: "#2b2c30",
        QPalette.ColorRole.ButtonText: "#e8eaed",
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Highlight: "#3d6fb4",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#8ab4f8",
        QPalette.ColorRole.LinkVisited: "#c58af9",
        QPalette.ColorRole.Mid: "#3c4043",
        QPalette.ColorRole.Dark: "#121314",
        QPalette.ColorRole.Light: "#3c4043",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6f7378"))
    return palette


def wanted_scheme(app: QGuiApplication) -> Qt.ColorScheme:
    """The system's scheme; PAPERSHELF_THEME=dark|light overrides it (for screenshots and odd desktops)."""
    forced = os.environ.get("PAPERSHELF_THEME", "").strip().lower()
    if forced == "dark":
        return Qt.ColorScheme.Dark
    if forced == "light":
        return Qt.ColorScheme.Light
    return app.styleHints().colorScheme()


def follow_system_palette(app: QApplication) -> None:
    """Use the system's light or dark scheme now and whenever it changes while the app runs."""
    if app.property("papershelf-follows-scheme"):
        return
    app.setProperty("papershelf-follows-scheme", True)
    app.setStyle("Fusion")  # draws every palette well on every platform, unlike some native styles in dark mode

    def apply(*_args: object) -> None:
        scheme = wanted_scheme(app)
        palette = app.style().standardPalette()
        if scheme == Qt.ColorScheme.Dark and not _is_dark(palette):
            palette = dark_palette()
        elif scheme == Qt.ColorScheme.Light and _is_dark(palette):
            palette = QPalette(QColor("#efefef"))
        app.setPalette(palette)

    apply()
    app.styleHints().colorSchemeChanged.connect(apply)


def library_is_new(library: Library) -> bool:
    """Nothing imported and nothing in it, and the first-run question not yet asked for this library."""
    return (
        not library.get_setting(SAMPLES_OFFERED, False)
        and library.count_papers("all") == 0
        and library.count_papers("trash") == 0
        and not library.list_sources()
    )


def offer_samples(window) -> bool:
    """On a first run, ask whether to import the sample pages so the library is not empty; True if started."""
    library = window.library
    if not library_is_new(library):
        return False
    library.set_setting(SAMPLES_OFFERED, True)
    answer = QMessageBox.question(
        window,
        "Welcome to Papershelf",
        "Your library is empty. Import the bundled sample pages (a researcher's homepage, profiles and arXiv "
        "listings) to look around? You can delete them later, or import your own pages with File ▸ Import.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return False
    return bool(window.import_samples())


def open_window(library: Library, *, parent: QWidget | None = None):
    """A main window over an open library, restored as it was left."""
    from papershelf.gui.main_window import MainWindow

    hub = LibraryHub(library)
    window = MainWindow(hub, parent)
    window.restore_state()
    return window


def open_or_recover(path: Path) -> Library | None:
    """Open the library; when it is damaged (already moved aside by the model) offer its newest good backup."""
    try:
        # The daily backup waits until the window is on screen (`start_background_backup`): it held the first
        # window back for over a second.
        return Library.open(path, backup=False)
    except DamagedLibraryError as error:
        if error.backup is None:
            QMessageBox.critical(None, "The library is damaged", str(error))
            return None
        answer = QMessageBox.question(
            None,
            "The library is damaged",
            f"{error}\n\nRestore the newest good backup, {error.backup.name}, now?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        try:
            restore(error.backup, path)
            return Library.open(path, backup=False)
        except (LibraryError, ValueError, OSError) as failure:
            QMessageBox.critical(None, "The backup could not be restored", str(failure))
            return None
    except LibraryError as error:
        QMessageBox.critical(None, "Papershelf cannot open the library", str(error))
        return None


def start_background_backup(hub: LibraryHub) -> threading.Thread | None:
    """Make the daily automatic backup on a thread of its own, with its own connection; a failure is told in
    the status bar. None for a library that is never backed up (read-only, in memory)."""
    library = hub.library
    if library.read_only or library.path.name == ":memory:":
        return None
    path = library.path

    def run() -> None:
        from papershelf.model.backup import backup_if_due

        try:
            own = Library.open(path, backup=False)
        except LibraryError as error:
            hub.status_message.emit(f"Warning: the automatic backup of {path} failed: {error}")
            return
        try:
            backup_if_due(own)
        except (LibraryError, sqlite3.Error, OSError) as error:
            hub.status_message.emit(f"Warning: the automatic backup of {path} failed: {error}")
        finally:
            own.close()

    collect_on_main_thread()
    thread = threading.Thread(target=run, name="papershelf-backup", daemon=False)
    thread.start()
    return thread


def run_app(library_path: str | Path) -> int:
    """Open the app on this library file and run until the window closes; returns the exit status."""
    if QApplication.instance() is None:
        from papershelf.gui.platform_check import display_problem

        # Qt aborts the process when its platform plugin cannot load: say what is missing instead.
        problem = display_problem()
        if problem:
            print(problem, file=sys.stderr)
            return 3
    app = create_application()
    path = Path(library_path).expanduser()
    library = open_or_recover(path)
    if library is None:
        return 2
    window = open_window(library)
    window.show()
    notices = list(getattr(library, "notices", []))  # read-only opening, a failed backup …
    cloud = cloud_sync_folder(path)
    if cloud:
        notices.append(f"the library is inside a cloud-sync folder ({cloud}); syncing can damage it")
    if notices:
        window.statusBar().showMessage("Warning: " + "; ".join(notices), 30000)
    QTimer.singleShot(0, lambda: offer_samples(window))
    backups: list[threading.Thread | None] = []
    QTimer.singleShot(200, lambda: backups.append(start_background_backup(window.hub)))
    try:
        return int(app.exec())
    finally:
        for thread in backups:
            if thread is not None:
                thread.join()  # a backup half-written at exit would be a file that looks like a backup
        window.hub.close()
        library.close()
