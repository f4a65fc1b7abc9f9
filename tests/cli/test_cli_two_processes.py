"""Several `papershelf import` processes started at the same moment on a library that does not exist yet: every
one succeeds and the library they leave is whole (issue 14, "Two processes")."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from seedfiles import ALL_SEEDS, SEED_AS_OF

from papershelf.model import Library
from papershelf.model.schema import SCHEMA_VERSION
from papershelf.pipeline import import_file

# Each child loads Papershelf first and then waits for the start file, so all of them reach the library within
# milliseconds of each other instead of a Python start-up apart.
_CHILD = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from papershelf.cli.main import main
    if sys.argv[2] == "no-links":
        def no_links(*args, **kwargs):
            raise OSError(95, "Operation not supported")
        os.link = no_links
    go = Path(sys.argv[1])
    while not go.exists():
        time.sleep(0.001)
    sys.exit(main(sys.argv[3:]))
    """
)


def _reference_count(tmp_path: Path, seeds: list[Path]) -> int:
    import datetime as dt

    with Library.open(tmp_path / "reference.sqlite") as library:
        for seed in dict.fromkeys(seeds):
            assert import_file(library, seed, as_of=dt.date.fromisoformat(SEED_AS_OF)).ok
        return library.count_papers()


# "no-links": a file system without hard links (some network and FAT drives), where the library is made in
# place and the migration's re-check under the write lock is what keeps the processes apart.
@pytest.mark.parametrize("file_system", ["links", "no-links"])
@pytest.mark.parametrize("processes", [2, 8])
def test_imports_started_together_on_a_new_library_all_succeed(
    tmp_path: Path, processes: int, file_system: str
) -> None:
    library = tmp_path / "new" / "folder" / "library.sqlite"
    go = tmp_path / "go"
    seeds = [ALL_SEEDS[i % len(ALL_SEEDS)] for i in range(processes)]
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                _CHILD,
                str(go),
                file_system,
                "--library",
                str(library),
                "import",
                str(seed),
                "--as-of",
                SEED_AS_OF,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in seeds
    ]
    time.sleep(1.5)  # every child has loaded Papershelf and is waiting
    go.touch()
    results = [(child, *child.communicate(timeout=300)) for child in children]
    for child, _out, err in results:
        assert child.returncode == 0, err
        assert "Traceback" not in err and "failed" not in err, err
    created = [err for _, _, err in results if "Created a new library" in err]
    assert len(created) == 1, [err for _, _, err in results]

    connection = sqlite3.connect(library)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert connection.execute("SELECT count(*) FROM sources").fetchone()[0] == len(set(seeds))
    finally:
        connection.close()
    with Library.open(library, read_only=True) as opened:
        assert opened.count_papers() == _reference_count(tmp_path, seeds)
    # Nothing of the other processes' attempts is left beside the library.
    assert [name for name in os.listdir(library.parent) if name.startswith(".library.sqlite")] == []


def test_only_the_process_that_began_the_library_says_it_created_it(tmp_path: Path, capsys, monkeypatch) -> None:
    """On a file system without hard links the processes share the migration's steps: another one may run the
    first step after this one read version 0, and this one then runs a later step. Only the first step's runner
    made the library (CI saw two of eight processes say so)."""
    from papershelf.cli.main import main
    from papershelf.model import schema

    library = tmp_path / "library.sqlite"
    seed = ALL_SEEDS[0]
    expected = _reference_count(tmp_path, [seed])

    def no_links(*args, **kwargs):
        raise OSError(95, "Operation not supported")

    first_step = schema.MIGRATIONS[0]

    def other_process_goes_first(connection: sqlite3.Connection, target: int) -> bool:
        file = connection.execute("PRAGMA database_list").fetchone()[2]
        if Path(file) != library:  # the attempt to build it aside, which fails to link
            return first_step(connection, target)
        other = sqlite3.connect(library, isolation_level=None)
        try:
            assert first_step(other, target)  # the other process wins the write lock for step 1
        finally:
            other.close()
        return first_step(connection, target)

    monkeypatch.setattr(os, "link", no_links)
    monkeypatch.setattr(schema, "MIGRATIONS", [other_process_goes_first, *schema.MIGRATIONS[1:]])
    code = main(["--library", str(library), "import", str(seed), "--as-of", SEED_AS_OF])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "Created a new library" not in err
    with Library.open(library, read_only=True) as opened:
        assert opened.schema_version == SCHEMA_VERSION
        assert opened.count_papers() == expected
