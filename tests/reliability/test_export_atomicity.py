"""An export or auto-export killed in the middle of writing leaves the old file or the new one, never a
truncated one: every export to a file goes through `exporters.formats.write_atomic`, tested here under SIGKILL
both directly and through the real auto-export hook."""

from __future__ import annotations

import datetime as dt
import random
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from reliability_support import ALL_SEEDS, SEED_AS_OF, kill

from papershelf.model import Library
from papershelf.pipeline import import_file

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

_WRITER = textwrap.dedent(
    """
    import sys
    from papershelf.exporters.formats import write_atomic

    def text(tag, n):
        entry = "@article{{{tag}{i},\\n  title = {{Entry {i} of {tag}}},\\n  year = {{2020}}\\n}}\\n"
        return "".join(entry.format(tag=tag, i=i) for i in range(n))

    versions = [text("old", 60000), text("new", 90000)]
    target = sys.argv[1]
    write_atomic(target, versions[0])
    print("ready", flush=True)
    turn = 1
    while True:  # rewrite for ever, alternating: every moment is some moment of some write
        write_atomic(target, versions[turn % 2])
        turn += 1
    """
)


def _entries(text: str) -> int:
    return len(re.findall(r"^@(?!preamble)\w+\{", text, flags=re.M))  # entries, not the url preamble


def test_killed_while_writing_leaves_a_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "refs.bib"
    rng = random.Random(11)
    for _ in range(6):
        process = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(target)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.6))
        kill(process)
        text = target.read_text(encoding="utf-8")
        entries = _entries(text)
        assert entries in (60000, 90000), f"a torn file with {entries} entries"
        assert text.endswith("}\n")


def test_auto_export_killed_mid_sync_leaves_a_whole_file(tmp_path: Path) -> None:
    library_path = tmp_path / "library.sqlite"
    target = tmp_path / "paper" / "refs.bib"
    target.parent.mkdir()
    with Library.open(library_path) as library:
        for seed in ALL_SEEDS:
            assert import_file(library, seed, as_of=dt.date.fromisoformat(SEED_AS_OF)).ok
        total = library.count_papers()
        from papershelf.exporters import autoexport

        first = autoexport.add(library, target)
        assert first.error is None and first.entries == total

    script = textwrap.dedent(
        """
        import sys
        from papershelf.exporters import autoexport
        from papershelf.model import Library
        library = Library.open(sys.argv[1])
        autoexport.install(library)
        ids = library.paper_ids()
        print("ready", flush=True)
        turn = 0
        while True:  # each committed change rewrites the .bib through the real hook
            paper = ids[turn % len(ids)]
            library.set_note(paper, f"note {turn}")
            library.edit_paper(paper, venue=f"Venue {turn}")
            turn += 1
        """
    )
    rng = random.Random(5)
    for _ in range(4):
        process = subprocess.Popen(
            [sys.executable, "-c", script, str(library_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert process.stdout is not None and process.stdout.readline().strip() == "ready", process.stderr
        time.sleep(rng.uniform(0.2, 0.8))
        kill(process)
        text = target.read_text(encoding="utf-8")
        assert _entries(text) == total, "a torn auto-export"
        assert text.rstrip().endswith("}")
