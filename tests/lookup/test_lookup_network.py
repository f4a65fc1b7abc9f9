"""Network manners and failures: timeouts, HTTP errors, malformed answers, unknown ids and being offline each
give a clear message and leave the library exactly as it was; answers are cached; arXiv requests are spaced;
Crossref is told who asks; and nothing is fetched unless the user asks."""

from __future__ import annotations

import datetime as dt
import itertools
import socket
import sqlite3
import time
from pathlib import Path

import pytest

from papershelf.lookup.service import LookupSettings, add_identifiers, complete_records
from papershelf.model import Library
from papershelf.model.apply import import_records
from papershelf.model.records import PaperRecord
from papershelf.pipeline import import_file

FIXTURES = Path(__file__).parents[1] / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
LISTING = FIXTURES / "seeds" / "002_3e77bbf1de03bcad.txt"
AS_OF = dt.date(2025, 11, 20)


def dump(library, *, cache: bool = True) -> str:
    """Everything in the library file, as SQL text (optionally without the lookup cache)."""
    copy = sqlite3.connect(":memory:")
    library.conn.backup(copy)
    if not cache:
        copy.execute("DELETE FROM lookup_cache")
    try:
        return "\n".join(copy.iterdump())
    finally:
        copy.close()


@pytest.fixture
def listing_paper(library):
    report = import_file(library, LISTING, as_of=AS_OF)
    assert report.ok
    return library.find_paper_by_identifier(arxiv_id="1911.07013")


def titled_papers(library, titles):
    import_records(
        library,
        file="mine.bib",
        path="mine.bib",
        sha256="t",
        fmt="bibtex",
        owner=None,
        records=[PaperRecord(line=n, title=title, year=2020) for n, title in enumerate(titles, 1)],
    )
    return library.paper_ids()


def test_a_server_slower_than_the_timeout_gives_a_clear_message_and_no_change(library, listing_paper, fake_api):
    fake_api.delay = 1.0
    settings = LookupSettings.resolve(library, arxiv_interval=0.0, timeout=0.3)
    before = dump(library)

    started = time.monotonic()
    report = complete_records(library, [listing_paper], settings=settings)

    assert time.monotonic() - started < 1.0
    (outcome,) = report.papers
    assert outcome.status == "error"
    assert "did not answer within 0.3 s" in outcome.message and "nothing was changed" in outcome.message
    assert dump(library) == before


@pytest.mark.parametrize(
    ("status", "words"), [(500, "internal error (HTTP 500"), (503, "busy (HTTP 503"), (429, "busy (HTTP 429")]
)
def test_an_http_error_gives_a_clear_message_and_no_change(library, listing_paper, fake_api, quick, status, words):
    fake_api.override = (status, b"<html>down</html>", "text/html")
    before = dump(library)

    report = complete_records(library, [listing_paper], settings=quick)

    assert report.papers[0].status == "error"
    assert words in report.papers[0].message
    assert report.unreachable == {"arXiv": report.papers[0].message}
    assert dump(library) == before


def test_malformed_xml_from_arxiv_gives_a_clear_message_and_no_change(library, listing_paper, fake_api, quick):
    fake_api.override = (200, (FIXTURES / "lookup" / "arxiv_malformed.xml").read_bytes(), "application/atom+xml")
    before = dump(library)

    report = complete_records(library, [listing_paper], settings=quick)

    assert report.papers[0].status == "error"
    assert "arXiv sent an answer that is not valid XML" in report.papers[0].message
    assert dump(library) == before


def test_malformed_json_from_crossref_gives_a_clear_message_and_no_change(library, fake_api, quick):
    fake_api.override = (200, (FIXTURES / "lookup" / "crossref_malformed.json").read_bytes(), "application/json")
    before = dump(library)

    report = add_identifiers(library, ["10.5555/papershelf.jtrm.2020.012"], settings=quick)

    assert report.papers[0].status == "error"
    assert "Crossref sent an answer that is not valid JSON" in report.papers[0].message
    assert dump(library) == before


def test_an_unknown_arxiv_id_or_doi_gives_a_clear_message_and_no_paper(library, fake_api, quick):
    report = add_identifiers(library, ["2501.99999", "10.5555/no-such-work"], settings=quick)

    assert [(p.status, p.message) for p in report.papers] == [
        ("not-found", "arXiv does not know the id 2501.99999"),
        ("not-found", "Crossref does not know the DOI 10.5555/no-such-work"),
    ]
    assert library.count_papers() == 0


def test_an_id_arxiv_refuses_gives_arxivs_reason(library, fake_api, quick):
    fake_api.override = (200, (FIXTURES / "lookup" / "arxiv_error.xml").read_bytes(), "application/atom+xml")

    report = add_identifiers(library, ["2501.00001"], settings=quick)

    assert report.papers[0].status == "not-found"
    assert "incorrect id format for 2501.0001" in report.papers[0].message
    assert library.count_papers() == 0


def test_offline_gives_a_clear_message_asks_once_and_changes_nothing(library, listing_paper, monkeypatch):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("PAPERSHELF_ARXIV_API", f"http://127.0.0.1:{port}/api/query")
    monkeypatch.setenv("PAPERSHELF_CROSSREF_API", f"http://127.0.0.1:{port}")
    settings = LookupSettings.resolve(library, arxiv_interval=0.0, crossref_interval=0.0, timeout=2.0)
    ids = library.paper_ids()
    before = dump(library)

    report = complete_records(library, ids, settings=settings)

    assert report.requests == 1  # the first refusal stops the run from asking again
    assert all(p.status == "error" for p in report.papers)
    assert "are you offline?" in report.unreachable["arXiv"]
    assert dump(library) == before


def test_the_cache_answers_the_same_id_a_second_time(library, listing_paper, fake_api, quick):
    first = complete_records(library, [listing_paper], settings=quick)
    again = complete_records(library, [listing_paper], settings=quick)

    assert (first.requests, again.requests, again.cached) == (1, 0, 1)
    assert len(fake_api.seen) == 1
    reopened = Library.open(library.path)  # the cache lives in the library file, not in the process
    try:
        other = reopened.find_paper_by_identifier(arxiv_id="2105.13868")
        asked = complete_records(reopened, [other, listing_paper], settings=quick)
        assert (asked.requests, asked.cached) == (2, 1)  # arXiv and Crossref for the new one; the old one cached
        completed = complete_records(reopened, [other], settings=quick)
        assert (completed.requests, completed.cached) == (0, 2)
    finally:
        reopened.close()
    refreshed = complete_records(
        library, [listing_paper], settings=LookupSettings.resolve(library, arxiv_interval=0.0, refresh=True)
    )
    assert refreshed.requests == 1
    assert len(fake_api.seen) == 4


def test_the_cache_remembers_that_an_id_is_unknown(library, fake_api, quick):
    add_identifiers(library, ["2501.99999"], settings=quick)
    add_identifiers(library, ["2501.99999"], settings=quick)

    assert len(fake_api.arxiv_requests) == 1


def test_arxiv_requests_are_spaced_by_the_configured_interval(library, fake_api):
    ids = titled_papers(library, ["First Unknown Title", "Second Unknown Title", "Third Unknown Title"])
    settings = LookupSettings.resolve(library, arxiv_interval=0.3, crossref_interval=0.0)

    complete_records(library, ids, settings=settings)

    arrivals = [seen.at for seen in fake_api.arxiv_requests]
    assert len(arrivals) == 3
    assert all(later - earlier >= 0.29 for earlier, later in itertools.pairwise(arrivals))
    assert len(fake_api.crossref_requests) == 3  # Crossref has its own (here: no) spacing


def test_two_processes_back_to_back_keep_arxivs_three_seconds(tmp_path, fake_api):
    """Two `papershelf add` runs started together: one waits for the other's request to end, then 3 s more
    (the shared lock and timestamp file in the user's cache folder; HOME is the test's own)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "papershelf", "--library", str(tmp_path / f"{n}.sqlite"), "add", arxiv_id],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for n, arxiv_id in enumerate(["2105.13868", "1911.07013"])
    ]
    for run in runs:
        _out, err = run.communicate(timeout=60)
        assert run.returncode == 0, err.decode()

    arrivals = sorted(seen.at for seen in fake_api.arxiv_requests)
    assert len(arrivals) == 2
    assert arrivals[1] - arrivals[0] >= 2.95


def test_cancel_interrupts_a_request_the_server_never_answers(library, listing_paper, fake_api):
    fake_api.delay = 10.0
    settings = LookupSettings.resolve(library, arxiv_interval=0.0, timeout=20.0)
    before = dump(library)
    started = time.monotonic()

    report = complete_records(
        library, [listing_paper], settings=settings, cancelled=lambda: time.monotonic() - started > 0.5
    )

    assert time.monotonic() - started < 1.5  # not the 10 s of the server nor the 20 s timeout
    assert report.cancelled and report.papers[0].status == "skipped"
    assert report.unreachable == {}  # cancelling is not the service failing
    assert dump(library) == before


def test_the_default_spacing_for_arxiv_is_three_seconds(library, fake_api):
    assert LookupSettings.resolve(library).arxiv_interval == 3.0


def test_cancelling_while_waiting_for_arxiv_stops_at_once_and_writes_nothing(library, fake_api):
    ids = titled_papers(library, ["First Unknown Title", "Second Unknown Title"])
    settings = LookupSettings.resolve(library, arxiv_interval=30.0, crossref_interval=0.0)
    dump_before_without_cache = dump(library, cache=False)

    started = time.monotonic()
    report = complete_records(library, ids, settings=settings, cancelled=lambda: len(fake_api.seen) >= 2)

    assert time.monotonic() - started < 5
    assert report.cancelled
    assert all(p.status == "skipped" for p in report.papers)
    # Answers received before cancelling stay cached (so they are not asked again); nothing else is written.
    assert dump(library, cache=False) == dump_before_without_cache


def test_crossref_and_arxiv_are_told_who_asks(library, fake_api, quick):
    add_identifiers(library, ["2105.13868"], settings=quick)

    agents = {seen.headers["User-Agent"] for seen in fake_api.seen}
    assert agents == {"Papershelf/0.1.0 (desktop reference manager; mailto:tests@papershelf.invalid)"}
    assert {seen.path for seen in fake_api.seen} == {"/api/query", "/works/10.5555/papershelf.acl-long.2021.0042"}


def test_without_the_users_email_no_address_is_made_up(library, fake_api, monkeypatch):
    monkeypatch.delenv("PAPERSHELF_CONTACT_EMAIL")
    settings = LookupSettings.resolve(library, arxiv_interval=0.0, crossref_interval=0.0)

    add_identifiers(library, ["2105.13868"], settings=settings)

    assert settings.contact is None
    agents = {seen.headers["User-Agent"] for seen in fake_api.seen}
    assert agents == {"Papershelf/0.1.0 (desktop reference manager)"}


def test_the_endpoints_and_contact_come_from_settings_when_the_environment_says_nothing(library, monkeypatch):
    for name in ("PAPERSHELF_ARXIV_API", "PAPERSHELF_CROSSREF_API", "PAPERSHELF_CONTACT_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    assert LookupSettings.resolve(library).arxiv_api == "https://export.arxiv.org/api/query"
    library.set_setting("lookup.arxiv_api", "http://mirror.example:8080")
    library.set_setting("lookup.crossref_api", "http://crossref.example/works/")
    library.set_setting("lookup.contact_email", "me@example.org")

    settings = LookupSettings.resolve(library)

    assert settings.arxiv_api == "http://mirror.example:8080/api/query"
    assert settings.crossref_api == "http://crossref.example"
    assert settings.contact == "me@example.org"
    monkeypatch.setenv("PAPERSHELF_CONTACT_EMAIL", "env@example.org")
    assert LookupSettings.resolve(library).contact == "env@example.org"


def test_importing_and_opening_the_app_fetch_nothing(library, fake_api, qtbot):
    from PySide6.QtCore import QCoreApplication, QEvent

    from papershelf.cli.main import main
    from papershelf.gui.app import open_window
    from papershelf.gui.hub import LibraryHub
    from papershelf.gui.lookup_dialog import AddByIdentifierDialog, CompleteRecordsDialog

    for seed in SEEDS:
        assert import_file(library, seed, as_of=AS_OF).ok
    assert main(["--library", str(library.path), "papers", "--json"]) == 0
    window = open_window(library)
    hub = LibraryHub(library, watch_interval_ms=0)
    dialogs = [AddByIdentifierDialog(hub), CompleteRecordsDialog(hub), CompleteRecordsDialog(hub, paper_ids=[1, 2])]
    try:
        window.show()
        qtbot.waitExposed(window)
        for dialog in dialogs:
            dialog.show()
        qtbot.wait(200)
    finally:
        # Closed before the library is: no timer of the window may fire on a closed connection later.
        for widget in [*dialogs, window]:
            widget.close()
            widget.deleteLater()
        window.hub.close()
        hub.close()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    assert fake_api.seen == []


def test_cancelling_after_the_answers_came_stores_nothing(library, listing_paper, fake_api, quick):

    def cancel_once_answered() -> bool:
        return len(fake_api.seen) >= 1  # the single arXiv request is done: only storing is left

    report = complete_records(library, [listing_paper], settings=quick, cancelled=cancel_once_answered)

    assert report.cancelled and len(fake_api.seen) == 1
    assert library.get_paper(listing_paper).title is None
