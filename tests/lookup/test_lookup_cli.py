"""`papershelf add` and `papershelf complete` end to end against the local stand-in services: what is printed,
the exit status, that a dry run leaves the library as it was (only its answers are cached), and `papershelf
config`."""

from __future__ import annotations

import json
import socket
import sqlite3
from pathlib import Path

from papershelf.cli.main import main

LISTING = Path(__file__).parents[1] / "fixtures" / "seeds" / "002_3e77bbf1de03bcad.txt"


def papershelf(library_path, *args) -> int:
    return main(["--library", str(library_path), *args])


def dump(path: Path) -> str:
    """The library file as SQL text, without the lookup cache (which a dry run fills: it is not user data)."""
    connection = sqlite3.connect(path)
    try:
        return "\n".join(line for line in connection.iterdump() if "lookup_cache" not in line)
    finally:
        connection.close()


def test_add_creates_papers_and_a_second_add_finds_them(library_path, fake_api, capsys):
    status = papershelf(library_path, "add", "arXiv:2105.13868v2", "https://doi.org/10.5555/papershelf.jtrm.2020.012")

    out = capsys.readouterr().out
    assert status == 0
    assert "added" in out and "Learning Relation Alignment for Calibrated Cross-modal Retrieval" in out
    assert "Reading Crossref Records: A Test Article" in out
    assert papershelf(library_path, "papers", "--json") == 0
    papers = json.loads(capsys.readouterr().out)
    assert sorted(p["doi"] for p in papers) == [
        "10.5555/papershelf.acl-long.2021.0042",
        "10.5555/papershelf.jtrm.2020.012",
    ]
    asked = len(fake_api.seen)

    assert papershelf(library_path, "add", "2105.13868", "--json") == 0

    report = json.loads(capsys.readouterr().out)
    assert [(p["status"], p["label"]) for p in report["papers"]] == [
        ("existing", "Learning Relation Alignment for Calibrated Cross-modal Retrieval")
    ]
    assert len(fake_api.seen) == asked


def test_add_says_what_is_wrong_with_each_id_and_exits_1(library_path, fake_api, capsys):
    status = papershelf(library_path, "add", "not-an-id", "2501.99999")

    captured = capsys.readouterr()
    assert status == 1
    assert "'not-an-id' is neither an arXiv id" in captured.err
    assert "arXiv does not know the id 2501.99999" in captured.err
    assert "0 added" not in captured.out and "not found" in captured.out


def test_complete_dry_run_shows_the_gains_and_leaves_the_file_alone(library_path, fake_api, capsys):
    assert papershelf(library_path, "import", str(LISTING), "--as-of", "2025-11-20") == 0
    capsys.readouterr()
    before = dump(library_path)

    status = papershelf(library_path, "complete", "--dry-run")

    out = capsys.readouterr().out
    assert status == 0
    assert "would gain:" in out
    assert "+ title: Understanding and Improving Layer Normalization" in out
    assert "+ doi: 10.5555/papershelf.acl-long.2021.0042" in out
    assert "dry run: nothing was stored" in out
    assert dump(library_path) == before
    assert len(fake_api.arxiv_requests) == 1 and len(fake_api.crossref_requests) == 1

    assert papershelf(library_path, "complete") == 0  # storing it now: the answers come from the cache

    assert "Understanding and Improving Layer Normalization" in capsys.readouterr().out
    assert len(fake_api.arxiv_requests) == 1 and len(fake_api.crossref_requests) == 1


def test_complete_dry_run_as_json_lists_each_field_gained(library_path, fake_api, capsys):
    assert papershelf(library_path, "import", str(LISTING), "--as-of", "2025-11-20", "--json") == 0
    paper_ids = json.loads(capsys.readouterr().out)[0]["paper_ids"]

    assert papershelf(library_path, "complete", "--ids", ",".join(map(str, paper_ids[:3])), "--dry-run", "--json") == 0

    report = json.loads(capsys.readouterr().out)
    assert report["dry_run"] is True
    assert len(report["papers"]) == 3
    assert all(p["status"] == "not-found" for p in report["papers"])  # the stand-in knows none of these three
    assert all(p["message"].startswith("arXiv does not know the id") for p in report["papers"])


def test_complete_stores_and_then_asks_nothing_twice(library_path, fake_api, capsys):
    assert papershelf(library_path, "import", str(LISTING), "--as-of", "2025-11-20") == 0
    assert papershelf(library_path, "complete", "--ids", "8") == 0
    assert "gained:" in capsys.readouterr().out
    asked = len(fake_api.seen)

    assert papershelf(library_path, "complete", "--ids", "8") == 0

    out = capsys.readouterr().out
    assert "nothing new" in out and "0 network requests, 1 answer from the cache" in out
    assert len(fake_api.seen) == asked


def test_complete_offline_says_so_once_and_exits_1(library_path, monkeypatch, capsys):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("PAPERSHELF_ARXIV_API", f"http://127.0.0.1:{port}")
    assert papershelf(library_path, "import", str(LISTING), "--as-of", "2025-11-20") == 0
    capsys.readouterr()
    before = dump(library_path)

    status = papershelf(library_path, "complete")

    captured = capsys.readouterr()
    assert status == 1
    assert captured.err.count("are you offline?") == 1
    assert "not looked up: arXiv did not answer" in captured.err
    assert dump(library_path) == before


def test_config_lists_sets_reads_and_unsets_the_documented_settings(library_path, capsys, monkeypatch):
    for name in ("PAPERSHELF_ARXIV_API", "PAPERSHELF_CROSSREF_API", "PAPERSHELF_CONTACT_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    assert papershelf(library_path, "config") == 0
    listing = capsys.readouterr().out
    assert "lookup.contact_email   (not set)" in listing
    assert "lookup.arxiv_api       https://export.arxiv.org/api/query  [default]" in listing
    assert "citekey.pattern" in listing and "$PAPERSHELF_CONTACT_EMAIL overrides it" in listing
    assert papershelf(library_path, "config", "lookup.contact_email") == 1  # not set: nothing to print

    assert papershelf(library_path, "config", "lookup.contact_email", "me@uni.example") == 0
    assert papershelf(library_path, "config", "lookup.arxiv_api", "http://127.0.0.1:9") == 0
    assert papershelf(library_path, "config", "citekey.pattern", "[auth][year]") == 0
    capsys.readouterr()
    assert papershelf(library_path, "config", "lookup.contact_email") == 0
    assert capsys.readouterr().out == "me@uni.example\n"
    from papershelf.lookup.service import LookupSettings
    from papershelf.model import Library

    with Library.open(library_path) as library:
        settings = LookupSettings.resolve(library)
        assert (settings.contact, settings.arxiv_api) == ("me@uni.example", "http://127.0.0.1:9/api/query")
        assert library.get_setting("citekey_pattern") == "[auth][year]"

    assert papershelf(library_path, "config", "--unset", "lookup.arxiv_api") == 0
    assert papershelf(library_path, "config", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["lookup.arxiv_api"] == {
        "value": "https://export.arxiv.org/api/query",
        "from": "default",
        "env": "PAPERSHELF_ARXIV_API",
    }
    monkeypatch.setenv("PAPERSHELF_CONTACT_EMAIL", "env@uni.example")
    assert papershelf(library_path, "config", "lookup.contact_email", "--json") == 0
    assert json.loads(capsys.readouterr().out)["from"] == "environment"


def test_config_refuses_unknown_keys_and_bad_values(library_path, capsys):
    assert papershelf(library_path, "config", "lookup.arxiv_url", "http://x") == 2
    assert "unknown setting 'lookup.arxiv_url'" in capsys.readouterr().err
    assert papershelf(library_path, "config", "lookup.contact_email", "not an address") == 2
    assert "needs an e-mail address" in capsys.readouterr().err
    assert papershelf(library_path, "config", "lookup.timeout", "-3") == 2
    assert papershelf(library_path, "config", "citekey.pattern", "[nonsense]") == 2
    assert "unknown token [nonsense]" in capsys.readouterr().err
