"""`papershelf screenshot`: the window rendered offscreen for one view, written as a PNG of the asked size."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtGui import QImage
from seedfiles import ALL_SEEDS, SEED_AS_OF

from papershelf.cli.main import main as cli_main
from papershelf.gui.screenshot import ScreenshotError, parse_size, parse_view
from papershelf.model.library import Library
from papershelf.pipeline import import_file


@pytest.fixture
def library_file(tmp_path):
    path = tmp_path / "shots.sqlite"
    library = Library.open(path)
    for seed in ALL_SEEDS:
        import_file(library, seed, as_of=dt.date.fromisoformat(SEED_AS_OF))
    library.add_tag(library.paper_ids()[:4], "to-read")
    library.close()
    return path


def shoot(capsys, library_file, out, *options):
    status = cli_main(["--library", str(library_file), "screenshot", str(out), *options])
    return status, capsys.readouterr()


@pytest.mark.parametrize("view", ["papers", "tags", "authors", "paper:3"])
def test_each_view_renders_to_a_png_of_the_asked_size(qapp, capsys, tmp_path, library_file, view):
    out = tmp_path / f"{view.replace(':', '-')}.png"
    status, _ = shoot(capsys, library_file, out, "--view", view, "--size", "1000x640")
    assert status == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1000, 640)
    # Not a blank canvas: a rendered window has many distinct colours (text, selection, chips).
    colours = {image.pixel(x, y) for x in range(0, 1000, 7) for y in range(0, 640, 7)}
    assert len(colours) > 20


def test_a_paper_view_shows_that_paper_selected(qapp, capsys, tmp_path, library_file, monkeypatch):
    from papershelf.gui import main_window

    shown = []
    original = main_window.MainWindow.show_paper

    def spy(self, paper_id):
        original(self, paper_id)
        shown.append(self.table.selected_ids())

    monkeypatch.setattr(main_window.MainWindow, "show_paper", spy)
    status, _ = shoot(capsys, library_file, tmp_path / "p.png", "--view", "paper:5")
    assert status == 0 and shown == [[5]]


def test_bad_views_sizes_and_ids_are_refused_with_a_message(qapp, capsys, tmp_path, library_file):
    status, captured = shoot(capsys, library_file, tmp_path / "x.png", "--view", "sideways")
    assert status == 2 and "papers, authors, tags" in captured.err
    status, captured = shoot(capsys, library_file, tmp_path / "x.png", "--size", "big")
    assert status == 2 and "WIDTHxHEIGHT" in captured.err
    status, captured = shoot(capsys, library_file, tmp_path / "x.png", "--view", "paper:99999")
    assert status == 2 and "no paper with id 99999" in captured.err
    assert not (tmp_path / "x.png").exists()


def test_view_and_size_parsing():
    assert parse_view("author:12").ident == 12
    assert parse_view("TAGS").kind == "tags"
    assert parse_size("1440x900") == (1440, 900)
    with pytest.raises(ScreenshotError):
        parse_view("author:")
    with pytest.raises(ScreenshotError):
        parse_size("10x10")


def test_a_missing_library_is_not_created(capsys, tmp_path):
    status = cli_main(["--library", str(tmp_path / "none.sqlite"), "screenshot", str(tmp_path / "o.png")])
    assert status == 2
    assert not (tmp_path / "none.sqlite").exists()
