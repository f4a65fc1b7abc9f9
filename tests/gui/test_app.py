"""Starting the app: the first-run sample offer, a refused library, the palette, `papershelf` with no command."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QMessageBox
from shell_support import dispose, make_records, store

from papershelf.cli.main import main as cli_main
from papershelf.gui import app as gui_app
from papershelf.gui.hub import LibraryHub
from papershelf.gui.main_window import MainWindow
from papershelf.gui.settings import use_settings_file
from papershelf.model.library import Library


@pytest.fixture(autouse=True)
def _own_settings(tmp_path):
    use_settings_file(tmp_path / "settings.ini")
    yield
    use_settings_file(None)


@pytest.fixture
def make_window(qtbot):
    made = []

    def make(library):
        hub = LibraryHub(library, watch_interval_ms=0)
        window = MainWindow(hub)
        window.show()
        made.append((window, hub))
        return window

    yield make
    for window, hub in made:
        controller = window._import_controller
        if controller is not None:
            controller.wait()
            if controller.report_dialog is not None:
                controller.report_dialog.close()
        dispose(window)
        hub.close()


def answer(monkeypatch, button):
    asked = []

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return button

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def test_a_first_run_offers_the_sample_pages_and_imports_them(qtbot, monkeypatch, library, make_window):
    asked = answer(monkeypatch, QMessageBox.StandardButton.Yes)
    window = make_window(library)
    assert gui_app.offer_samples(window)
    assert len(asked) == 1 and "sample" in asked[0]
    qtbot.waitUntil(lambda: len(library.list_sources()) == 5, timeout=20000)
    qtbot.waitUntil(lambda: window.table.count() == library.count_papers("all"), timeout=5000)
    assert window.table.count() > 50
    assert window.table_stack.currentWidget() is window.table


def test_the_offer_is_made_once_and_declining_imports_nothing(monkeypatch, library, make_window):
    asked = answer(monkeypatch, QMessageBox.StandardButton.No)
    window = make_window(library)
    assert not gui_app.offer_samples(window)
    assert not gui_app.offer_samples(window)
    assert len(asked) == 1
    assert library.count_papers("all") == 0
    assert window.table_stack.currentWidget() is window.empty_hint  # still tells how to import


def test_a_library_with_papers_is_not_offered_samples(monkeypatch, library, make_window):
    store(library, make_records(2))
    asked = answer(monkeypatch, QMessageBox.StandardButton.Yes)
    assert not gui_app.offer_samples(make_window(library))
    assert asked == []


def test_a_library_that_cannot_be_opened_is_reported_in_a_dialog(monkeypatch, tmp_path, qapp):
    shown = []
    monkeypatch.setattr(gui_app, "create_application", lambda: qapp)  # keep the test app's style as it is
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: shown.append(text))
    folder = tmp_path / "not-a-file"
    folder.mkdir()
    assert gui_app.run_app(folder) == 2
    assert "folder" in shown[0]


def test_the_dark_palette_is_dark_and_readable():
    palette = gui_app.dark_palette()
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    assert window.lightnessF() < 0.2 and text.lightnessF() > 0.8
    link = palette.color(QPalette.ColorRole.Link)
    assert link.lightnessF() > 0.6  # links stay visible on the dark base


def test_the_theme_can_be_forced(monkeypatch, qapp):
    monkeypatch.setenv("PAPERSHELF_THEME", "dark")
    assert gui_app.wanted_scheme(qapp) == Qt.ColorScheme.Dark
    monkeypatch.setenv("PAPERSHELF_THEME", "light")
    assert gui_app.wanted_scheme(qapp) == Qt.ColorScheme.Light
    monkeypatch.delenv("PAPERSHELF_THEME")
    assert gui_app.wanted_scheme(qapp) == qapp.styleHints().colorScheme()


def test_papershelf_without_a_command_opens_the_app_on_the_chosen_library(monkeypatch, tmp_path):
    opened = []
    monkeypatch.setattr(gui_app, "run_app", lambda path: opened.append(path) or 0)
    monkeypatch.setenv("PAPERSHELF_LIBRARY", str(tmp_path / "env.sqlite"))
    assert cli_main([]) == 0
    assert cli_main(["--library", str(tmp_path / "flag.sqlite")]) == 0
    assert [p.name for p in opened] == ["env.sqlite", "flag.sqlite"]


def test_a_damaged_library_is_recovered_from_its_newest_backup(monkeypatch, tmp_path, qapp):
    import os

    from papershelf.model import backup

    path = tmp_path / "library.sqlite"
    with Library.open(path) as opened:
        store(opened, make_records(3))
        opened.add_tag(opened.paper_ids(), "precious")
        backup.backup(opened)
    os.truncate(path, path.stat().st_size // 2)
    asked = []

    def answer_yes(parent, title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer_yes)
    library = gui_app.open_or_recover(path)
    assert library is not None
    try:
        assert "Restore the newest good backup" in asked[0]
        assert {t.name: t.paper_count for t in library.list_tags()} == {"precious": 3}
    finally:
        library.close()
    assert any(p.name.startswith("library.sqlite.damaged") for p in tmp_path.iterdir()), "moved aside, not deleted"


def test_the_hub_stops_watching_a_library_that_was_closed(qapp, tmp_path):
    library = Library.open(tmp_path / "library.sqlite")
    hub = LibraryHub(library, watch_interval_ms=10)
    library.close()
    assert hub.check_external_changes() is False  # no "closed database" error from a late timer tick
    hub.close()


def test_the_daily_backup_waits_for_the_window_and_runs_beside_it(qapp, tmp_path):
    from papershelf.model import backup

    path = tmp_path / "library.sqlite"
    with Library.open(path) as first:
        store(first, make_records(3))
    for made in backup.list_backups(path):
        made.unlink()  # as on the first start of a new day: a backup is due
    library = gui_app.open_or_recover(path)
    assert library is not None
    hub = LibraryHub(library, watch_interval_ms=0)
    try:
        assert backup.list_backups(path) == []  # opening for the window did not wait for it
        messages = []
        hub.status_message.connect(messages.append)
        thread = gui_app.start_background_backup(hub)
        assert thread is not None
        thread.join(30)
        assert len(backup.list_backups(path)) == 1
        assert messages == []
    finally:
        hub.close()
        library.close()
