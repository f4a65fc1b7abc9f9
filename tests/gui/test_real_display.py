"""The app on a real X server (Xvfb, Qt's xcb platform, not offscreen), and the message when it cannot start.

The smoke test runs in a child process: the test session's own QApplication is on the offscreen platform.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from papershelf.gui.platform_check import display_problem, install_advice, missing_from_ldd

LDD_WITHOUT_CURSOR = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f)
\tlibxcb-cursor.so.0 => not found
"""

SMOKE = textwrap.dedent(
    """
    import datetime as dt, sys
    from PySide6.QtWidgets import QApplication
    from papershelf.gui.app import create_application
    from papershelf.gui.hub import LibraryHub
    from papershelf.gui.main_window import MainWindow
    from papershelf.gui.settings import use_settings_file
    from papershelf.model.library import Library
    from papershelf.paths import sample_pages
    from papershelf.pipeline import import_file

    library_path, settings = sys.argv[1], sys.argv[2]
    use_settings_file(settings)
    app = create_application()
    assert app.platformName() == "xcb", app.platformName()
    library = Library.open(library_path)
    for page in sample_pages():
        assert import_file(library, page, as_of=dt.date(2025, 11, 20)).ok
    hub = LibraryHub(library, watch_interval_ms=0)
    window = MainWindow(hub)
    window.resize(1366, 768)
    window.show()
    for _ in range(20):
        app.processEvents()
    assert window.table.count() > 0
    author = max(library.list_authors(), key=lambda a: a.paper_count)
    window.show_author(author.id)
    for _ in range(20):
        app.processEvents()
    assert window._authors_view.page.author.id == author.id
    image = window.grab().toImage()
    assert image.width() == 1366 and len({image.pixel(x, 300) for x in range(0, 1366, 7)}) > 3, "a blank window"
    window.close()
    hub.close()
    library.close()
    print("painted", window.table.count(), "papers and the page of", author.name)
    """
)


def test_missing_xcb_libraries_are_named_with_the_packages_that_hold_them():
    missing = missing_from_ldd(LDD_WITHOUT_CURSOR)
    assert missing == ["libxcb-cursor.so.0", "libxcb-icccm.so.4"]
    advice = install_advice(missing)
    assert "sudo apt install libxcb-cursor0 libxcb-icccm4" in advice
    assert "sudo dnf install xcb-util-cursor xcb-util-wm" in advice


def test_without_a_display_the_app_says_so_instead_of_aborting(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    assert "there is no display" in (display_problem(env) or "")
    result = subprocess.run(
        [sys.executable, "-m", "papershelf", "--library", str(tmp_path / "l.sqlite")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 3
    assert "Papershelf cannot open its window: there is no display" in result.stderr
    assert "Traceback" not in result.stderr and "Aborted" not in result.stderr


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run is not installed (apt install xvfb)")
def test_the_app_starts_paints_and_opens_an_author_page_on_a_real_x_server(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "xcb"
    problem = display_problem({**env, "DISPLAY": ":0"})
    if problem:
        pytest.fail(problem)  # the libraries are missing: .ci/run installs them
    result = subprocess.run(
        [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1366x768x24",
            sys.executable,
            "-c",
            SMOKE,
            str(tmp_path / "library.sqlite"),
            str(tmp_path / "settings.ini"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "painted" in result.stdout
