"""A local stand-in for the arXiv API and Crossref: http.server on 127.0.0.1 (port 0) serving the fixture
responses in tests/fixtures/lookup, written from the services' documented formats. It records every request
(path, query, arrival time, headers) so tests can count them and measure their spacing."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

FIXTURES = Path(__file__).parents[1] / "fixtures" / "lookup"
ATOM = "application/atom+xml; charset=utf-8"
JSON = "application/json; charset=utf-8"
_ENTRY = re.compile(r"[ \t]*<entry>.*?</entry>\n", re.DOTALL)


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    at: float
    headers: dict[str, str]


@dataclass
class FakeApis:
    """What the server answers. `override` answers every request the same way (status, body, content type);
    `delay` makes it sleep before answering (longer than a client's timeout, for the timeout tests)."""

    base: str = ""
    seen: list[Seen] = field(default_factory=list)
    override: tuple[int, bytes, str] | None = None
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def arxiv_requests(self) -> list[Seen]:
        return [s for s in self.seen if s.path == "/api/query"]

    @property
    def crossref_requests(self) -> list[Seen]:
        return [s for s in self.seen if s.path.startswith("/works")]

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, bytes, str]:
        if self.override is not None:
            return self.override
        if path == "/api/query" and "id_list" in query:
            return 200, self._feed(query["id_list"].split(",")).encode(), ATOM
        if path == "/api/query" and "search_query" in query:
            name = "arxiv_search_data_juicer.xml" if "juicer" in query["search_query"].lower() else "arxiv_empty.xml"
            return 200, (FIXTURES / name).read_bytes(), ATOM
        if path.startswith("/works/"):
            doi = unquote(path[len("/works/") :]).lower()
            found = FIXTURES / f"crossref_{doi.replace('/', '_')}.json"
            if found.exists():
                return 200, found.read_bytes(), JSON
            return 404, (FIXTURES / "crossref_404.txt").read_bytes(), "text/plain"
        if path == "/works":
            wanted = query.get("query.bibliographic", "").lower()
            name = (
                "crossref_search_recommender.json" if "recommender dialog" in wanted else "crossref_search_empty.json"
            )
            return 200, (FIXTURES / name).read_bytes(), JSON
        return 404, b"no such endpoint", "text/plain"

    def _feed(self, ids: list[str]) -> str:
        """One Atom feed with an entry per id: the fixture's entry, or arXiv's empty entry for an unknown id."""
        head = (FIXTURES / "arxiv_empty.xml").read_text().replace("</feed>\n", "")
        entries = []
        for arxiv_id in ids:
            known = FIXTURES / f"arxiv_{arxiv_id.replace('/', '_')}.xml"
            if known.exists():
                entries.extend(_ENTRY.findall(known.read_text()))
            else:
                template = _ENTRY.findall((FIXTURES / "arxiv_unknown.xml").read_text())[0]
                entries.append(template.replace("2501.99999", arxiv_id))
        return head + "".join(entries) + "</feed>\n"


def _handler(apis: FakeApis) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            with apis.lock:
                apis.seen.append(Seen(parts.path, query, time.monotonic(), dict(self.headers.items())))
            if apis.delay:
                time.sleep(apis.delay)
            status, body, ctype = apis.answer(parts.path, query)
            try:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test): nothing to answer

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def fake_api(monkeypatch: pytest.MonkeyPatch):
    """The fake services, with PAPERSHELF_ARXIV_API / PAPERSHELF_CROSSREF_API pointing at them."""
    apis = FakeApis()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(apis))
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    apis.base = f"http://{host}:{port}"
    monkeypatch.setenv("PAPERSHELF_ARXIV_API", f"{apis.base}/api/query")
    monkeypatch.setenv("PAPERSHELF_CROSSREF_API", apis.base)
    monkeypatch.setenv("PAPERSHELF_CONTACT_EMAIL", "tests@papershelf.invalid")
    yield apis
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def quick(library, fake_api):
    """Settings for the fake services without arXiv's 3-second spacing (the rate-limit test sets its own)."""
    from papershelf.lookup.service import LookupSettings

    return LookupSettings.resolve(library, arxiv_interval=0.0, crossref_interval=0.0, timeout=2.0)
