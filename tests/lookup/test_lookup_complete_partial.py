"""`papershelf complete` when arXiv answers and Crossref cannot be reached: the arXiv answers are stored, and the
end of the output says so, naming what was stored and what was not (issue 14), instead of "Nothing was changed"."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from papershelf.cli.main import main

LISTING = Path(__file__).parents[1] / "fixtures" / "seeds" / "002_3e77bbf1de03bcad.txt"


def test_complete_with_crossref_unreachable_says_what_was_stored(library_path, fake_api, monkeypatch, capsys):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("PAPERSHELF_CROSSREF_API", f"http://127.0.0.1:{port}")
    assert main(["--library", str(library_path), "import", str(LISTING), "--as-of", "2025-11-20"]) == 0
    capsys.readouterr()

    status = main(["--library", str(library_path), "complete"])

    captured = capsys.readouterr()
    assert status == 1
    assert "Nothing was changed" not in captured.out + captured.err
    assert "nothing was changed" not in captured.out + captured.err
    assert main(["--library", str(library_path), "show", "8", "--json"]) == 0
    paper = json.loads(capsys.readouterr().out)
    assert paper["title"] == "Understanding and Improving Layer Normalization"  # arXiv's answer was stored
    assert "stored: the values gained above, for papers 4, 8" in captured.out
    assert "not stored: anything from Crossref for paper 4, as it did not answer" in captured.out
    assert "are you offline?" in captured.err
