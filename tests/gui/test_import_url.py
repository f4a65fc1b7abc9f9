"""Importing a web page from the window: a pasted address, a link dropped from a browser, and a page that is
refused. A local http.server stands in for the web; never the network."""

from __future__ import annotations

import contextlib
import http.server
import threading
from pathlib import Path
from typing import ClassVar

import pytest
from PySide6.QtCore import QMimeData, QPoint, QTimer, QUrl
from PySide6.QtGui import QGuiApplication
from shell_support import dispose, drop_on

from papershelf.gui.hub import LibraryHub
from papershelf.gui.import_dialog import AddressDialog, report_status
from papershelf.gui.main_window import MainWindow
from papershelf.gui.settings import use_settings_file

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
TITLE = "Sparse Voxel Fields for Real-Time Novel View Synthesis"


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, str, bytes]]] = {}

    def do_GET(self) -> None:
        status, kind, body = self.routes.get(self.path, (404, "text/html", b"<h1>Not Found</h1>"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(autouse=True)
def _own_settings(tmp_path):
    use_settings_file(tmp_path / "settings.ini")
    yield
    use_settings_file(None)


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Handler.routes = {"/pubs": (200, "text/html; charset=utf-8", (PAGES / "title_first.html").read_bytes())}
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def window(qtbot, library):
    hub = LibraryHub(library, watch_interval_ms=0)
    win = MainWindow(hub)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    controller = win._import_controller
    if controller is not None:
        controller.wait()
    dispose(win)
    hub.close()


def _titles(library) -> list[str]:
    return sorted(library.get_paper(pid).title for pid in library.paper_ids())


def _finished(qtbot, window, start) -> tuple[list, bool]:
    controller = window.import_controller()
    with qtbot.waitSignal(controller.finished, timeout=60000) as blocker:
        start()
    return blocker.args


def test_a_pasted_address_is_fetched_off_the_interface_thread_and_reported(qtbot, window, library, server, tmp_path):
    address = f"{server}/pubs"
    QGuiApplication.clipboard().setText(f"  {address}\n")
    shown = {}

    def answer() -> None:
        dialog = window.address_dialog
        assert dialog is not None
        # Copied in the browser, the address is already filled in.
        shown["prefilled"] = dialog.edit.text()
        dialog.grab().save(str(tmp_path / "address_dialog.png"))
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()

    QTimer.singleShot(0, answer)
    reports, cancelled = _finished(qtbot, window, lambda: window.import_url_action.trigger())

    assert shown["prefilled"] == address
    assert not cancelled and [report_status(r) for r in reports] == ["imported"]
    report_dialog = window.import_controller().report_dialog
    assert report_dialog.model.index(0, 0).data() == address
    assert "4 papers found" in report_dialog.text()
    assert len(_titles(library)) == 4 and TITLE in _titles(library)


def test_the_address_dialog_takes_only_a_web_address(qtbot, tmp_path):
    QGuiApplication.clipboard().setText("not an address")
    dialog = AddressDialog()
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert dialog.edit.text() == "" and not ok.isEnabled() and dialog.hint.text() == ""
    dialog.edit.setText("www.example.org/pubs")
    assert not ok.isEnabled() and "http://" in dialog.hint.text()
    dialog.edit.setText("https://example.org/~me/pubs.html")
    assert ok.isEnabled() and dialog.address() == "https://example.org/~me/pubs.html"
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.grab().save(str(tmp_path / "address_ok.png"))


@pytest.mark.parametrize("how", ["uri-list", "plain text"])
def test_a_link_dropped_from_a_browser_is_imported(qtbot, window, library, server, how):
    address = f"{server}/pubs"
    mime = QMimeData()
    if how == "uri-list":
        mime.setUrls([QUrl(address)])
    else:
        mime.setText(address)

    def drop() -> None:
        assert drop_on(window.table.viewport(), QPoint(300, 300), mime).isAccepted()

    reports, _ = _finished(qtbot, window, drop)
    assert [(r.file, report_status(r)) for r in reports] == [(address, "imported")]
    assert len(_titles(library)) == 4


def test_dropped_text_that_is_no_address_is_not_taken(qtbot, window, library):
    mime = QMimeData()
    mime.setText("Ke, Guolin, et al. LightGBM")
    assert not drop_on(window.table.viewport(), QPoint(300, 300), mime).isAccepted()
    assert library.count_papers("all") == 0


def test_a_missing_page_is_refused_with_its_reason_and_nothing_written(qtbot, window, library, server):
    reports, _ = _finished(qtbot, window, lambda: window.import_url(f"{server}/gone"))
    assert [report_status(r) for r in reports] == ["refused"]
    assert "404" in reports[0].error
    report_dialog = window.import_controller().report_dialog
    report_dialog.table.selectRow(0)
    assert "404" in report_dialog.details.toPlainText()
    assert library.count_papers("all") == 0
