"""`papershelf import URL`: a page fetched from a local HTTP server (never the network) is read like saved HTML,
kept as the source's capture, and a second fetch is a newer capture of the same source; every bad answer (404,
a login wall, not HTML, over the size limit, never finishing, a wrong charset header) gets a clear message and
leaves the library unchanged."""

from __future__ import annotations

import contextlib
import http.server
import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import ClassVar

import pytest

from papershelf.cli.main import main
from papershelf.lookup import http as http_module

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, str, bytes]]] = {}

    def do_GET(self) -> None:
        if self.path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(200):
                    self.wfile.write(b"<p>still sending</p>\n")
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                pass
            return
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/page")
            self.end_headers()
            return
        status, kind, body = self.routes.get(self.path, (404, "text/html", b"<h1>Not Found</h1>"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client gave up reading (a page over the size limit)
            self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Handler.routes = {}
    yield f"http://127.0.0.1:{httpd.server_address[1]}", _Handler.routes
    httpd.shutdown()
    httpd.server_close()


def _limit(monkeypatch, **limits: float) -> None:
    """Smaller limits than a user's, so the tests stay small and quick."""
    monkeypatch.setattr(http_module.fetch_page, "__kwdefaults__", {**http_module.fetch_page.__kwdefaults__, **limits})


def _run(capsys, library: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--library", str(library), *args])
    out, err = capsys.readouterr()
    return code, out, err


def _rows(library: Path) -> list[tuple]:
    if not library.exists():
        return []
    with sqlite3.connect(library) as conn:
        return (
            conn.execute("SELECT file, format, sha256 FROM sources ORDER BY id").fetchall()
            + conn.execute("SELECT id, title FROM papers ORDER BY id").fetchall()
        )


def test_a_url_is_fetched_read_and_kept_as_the_sources_capture(capsys, tmp_path: Path, server) -> None:
    base, routes = server
    page = (PAGES / "title_first.html").read_bytes()
    routes["/page"] = (200, "text/html; charset=utf-8", page)
    library = tmp_path / "lib.sqlite"
    code, out, err = _run(capsys, library, "import", f"{base}/moved")
    assert code == 0, err
    assert "4 papers found" in out
    code, out, _ = _run(capsys, library, "papers", "--json")
    titles = sorted(p["title"] for p in json.loads(out))
    assert "Sparse Voxel Fields for Real-Time Novel View Synthesis" in titles and len(titles) == 4
    with sqlite3.connect(library) as conn:
        ((file, path),) = conn.execute("SELECT file, path FROM sources").fetchall()
    assert file == f"{base}/moved"
    assert Path(path).read_bytes() == page  # the capture

    # The page changes: a newer capture of the same source, not a second source.
    routes["/page"] = (
        200,
        "text/html",
        page.replace(b"Photometric Bundle Adjustment Revisited", b"Photometric Bundle Adjustment, Revisited"),
    )
    code, out, err = _run(capsys, library, "import", f"{base}/moved")
    assert code == 0, err
    with sqlite3.connect(library) as conn:
        assert conn.execute("SELECT count(*) FROM sources").fetchone()[0] == 1
    code, out, _ = _run(capsys, library, "papers", "--json")
    titles = sorted(p["title"] for p in json.loads(out))
    assert "Photometric Bundle Adjustment, Revisited" in titles and len(titles) == 4


@pytest.mark.parametrize(
    ("route", "answer", "reason"),
    [
        ("/missing", None, "not found (HTTP 404)"),
        ("/login", (403, "text/html", b"<form>login</form>"), "refused to show the page (HTTP 403)"),
        ("/file.pdf", (200, "application/pdf", b"%PDF-1.4"), "not a web page (the server sent application/pdf)"),
        ("/empty", (200, "text/html", b"   "), "empty"),
        (
            "/nav",
            (200, "text/html", b"<html><body><nav><a href='/'>Home</a></nav><p>Welcome!</p></body></html>"),
            "no publication list was found",
        ),
        ("/huge", (200, "text/html", b"<p>x</p>" * 400_000), "over 1 MB"),
    ],
    ids=["404", "login-wall", "not-html", "empty", "navigation-only", "too-big"],
)
def test_a_bad_answer_is_refused_with_its_reason_and_nothing_written(
    capsys, tmp_path: Path, server, monkeypatch, route, answer, reason
) -> None:
    base, routes = server
    if answer is not None:
        routes[route] = answer
    monkeypatch.setattr(http_module, "PAGE_MAX_BYTES", 2**20)
    monkeypatch.setattr(
        http_module.fetch_page, "__kwdefaults__", {**http_module.fetch_page.__kwdefaults__, "max_bytes": 2**20}
    )
    library = tmp_path / "lib.sqlite"
    before = _rows(library)
    code, _, err = _run(capsys, library, "import", f"{base}{route}")
    assert code == 1
    assert f"{base}{route}" in err and reason in err, err
    assert "Traceback" not in err
    assert _rows(library) == before


def test_a_page_that_never_finishes_is_given_up(capsys, tmp_path: Path, server, monkeypatch) -> None:
    base, _ = server
    monkeypatch.setattr(
        http_module.fetch_page, "__kwdefaults__", {**http_module.fetch_page.__kwdefaults__, "deadline": 1.0}
    )
    library = tmp_path / "lib.sqlite"
    started = time.monotonic()
    code, _, err = _run(capsys, library, "import", f"{base}/slow")
    assert code == 1 and "still sending after 1 s" in err, err
    assert time.monotonic() - started < 8
    assert _rows(library) == []


def test_a_wrong_charset_header_does_not_garble_a_utf8_page(capsys, tmp_path: Path, server) -> None:
    base, routes = server
    page = (PAGES / "title_first.html").read_text(encoding="utf-8").replace("Hana Sato", "Hana Satō")
    routes["/page"] = (200, "text/html; charset=iso-8859-1", page.encode("utf-8"))
    library = tmp_path / "lib.sqlite"
    code, _, err = _run(capsys, library, "import", f"{base}/page")
    assert code == 0, err
    code, out, _ = _run(capsys, library, "authors", "--json")
    names = [a["name"] for a in json.loads(out)]
    assert "Hana Satō" in names


def test_a_latin1_page_declared_in_its_meta_is_read(capsys, tmp_path: Path, server) -> None:
    base, routes = server
    page = (PAGES / "title_first.html").read_text(encoding="utf-8").replace("Hana Sato", "Hana Saté")
    page = page.replace('<meta charset="utf-8">', '<meta charset="iso-8859-1">').replace("†", "+")
    routes["/page"] = (200, "text/html", page.encode("latin-1"))
    library = tmp_path / "lib.sqlite"
    code, _, err = _run(capsys, library, "import", f"{base}/page")
    assert code == 0, err
    code, out, _ = _run(capsys, library, "authors", "--json")
    assert "Hana Saté" in [a["name"] for a in json.loads(out)]
