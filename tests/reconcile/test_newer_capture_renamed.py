"""A newer capture of a page saved under another name ("homepage (1).txt") is still that page: it updates it.

Browsers name a second download of the same page differently; the user should not get the page twice, with the
old capture's values still competing with the new ones.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from seedfiles import SEED_ARXIV, SEED_HOMEPAGE

from papershelf.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, _ = capsys.readouterr()
    return code, out


def papers(capsys: pytest.CaptureFixture[str], library: Path) -> dict[str, dict]:
    _, out = run(capsys, "--library", str(library), "papers", "--json")
    return {p["title"]: p for p in json.loads(out)}


def test_a_renamed_newer_capture_updates_the_page_it_replaces(capsys, library_path, tmp_path):
    first = tmp_path / "homepage.txt"
    shutil.copy(SEED_HOMEPAGE, first)
    run(capsys, "--library", str(library_path), "import", str(first))
    knas_id = papers(capsys, library_path)["KNAS: Green Neural Architecture Search"]["id"]
    run(capsys, "--library", str(library_path), "note", str(knas_id), "Compare with DARTS.")

    text = first.read_text(encoding="utf-8").replace(
        "KNAS: Green Neural Architecture Search. ICML 2021.", "KNAS: Green Neural Architecture Search. ICML 2022."
    )
    second = tmp_path / "homepage (1).txt"
    second.write_text(text, encoding="utf-8")
    code, out = run(capsys, "--library", str(library_path), "import", str(second), "--json")
    assert code == 0
    report = json.loads(out)[0]
    assert report["new"] == 0 and report["updated"] >= 1

    after = papers(capsys, library_path)
    knas = after["KNAS: Green Neural Architecture Search"]
    assert len(after) == 20
    assert knas["year"] == 2022, "the newer capture's value is the page's value now"
    assert knas["note"] == "Compare with DARTS."
    assert [s["file"] for s in knas["sources"]] == ["homepage (1).txt"], "one page, in its latest capture"

    _, out = run(capsys, "--library", str(library_path), "sources", "--json")
    assert [s["file"] for s in json.loads(out)] == ["homepage (1).txt"]


def test_another_page_of_the_same_format_stays_its_own_source(capsys, library_path, tmp_path):
    """Two different listings share a format and maybe an owner, but not their entries: both stay."""
    run(capsys, "--library", str(library_path), "import", str(SEED_HOMEPAGE))
    other = tmp_path / "other-homepage.txt"
    other.write_text(
        "Ada Lovelace\nProfessor, Analytical Engines Lab\n\nPublications:\n\n"
        "Ada Lovelace, Charles Babbage. Notes on the Analytical Engine. ACL 2021. [Paper]\n\n"
        "Ada Lovelace. Sketch of the Engine. EMNLP 2022. [Paper]\n",
        encoding="utf-8",
    )
    run(capsys, "--library", str(library_path), "import", str(other))
    run(capsys, "--library", str(library_path), "import", str(SEED_ARXIV))
    _, out = run(capsys, "--library", str(library_path), "sources", "--json")
    files = sorted(s["file"] for s in json.loads(out))
    assert files == sorted([SEED_HOMEPAGE.name, "other-homepage.txt", SEED_ARXIV.name])
