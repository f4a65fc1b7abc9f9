"""A first import that is refused leaves nothing behind: no empty library, no -wal or -shm, no folders made
for it. A library that was there before is never removed, however empty it is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reliability_support import SEED_HOMEPAGE, SEED_SCHOLARLY, dump

from papershelf.cli.main import main
from papershelf.model import Library

# A detected aggregator profile whose only card is cut off: the pipeline refuses a page with no papers.
NO_PAPERS = "Jinyang Gao\n\nh-index32\n33papers\n1,391citations\n\nLGSep 5, 2023Code\n"


def _import(capsys: pytest.CaptureFixture[str], library: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--library", str(library), "import", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*")) if folder.exists() else []


@pytest.mark.parametrize(
    ("content", "args", "reason"),
    [
        (b"", (), "empty"),
        (bytes(range(256)) * 40, (), "binary"),
        (NO_PAPERS.encode(), (), "no papers found"),
        (b"Some notes about my cat.\n", ("--format", "homepage"), "no publications heading"),
    ],
    ids=["empty", "binary", "no-papers", "forced-format"],
)
def test_a_refused_first_import_leaves_no_library_and_no_folders(capsys, tmp_path, content, args, reason):
    page = tmp_path / "page.txt"
    page.write_bytes(content)
    library = tmp_path / "new" / "dir" / "lib.sqlite"
    code, _, err = _import(capsys, library, str(page), *args)
    assert code == 1
    assert "page.txt" in err and reason in err
    assert "was not kept" in err
    assert not (tmp_path / "new").exists(), _leftovers(tmp_path / "new")


def test_the_folder_that_was_there_stays_and_json_output_is_unchanged(capsys, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    folder = tmp_path / "kept"
    folder.mkdir()
    code, out, _ = _import(capsys, folder / "lib.sqlite", str(empty), str(empty), "--json")
    assert code == 1
    assert [r["error"] is not None for r in json.loads(out)] == [True, True]
    assert folder.is_dir() and _leftovers(folder) == []


def test_an_existing_library_is_never_removed_even_when_empty(capsys, tmp_path):
    library = tmp_path / "lib.sqlite"
    Library.open(library).close()  # made by an earlier command: empty, but the user's
    before = dump(library)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, _, err = _import(capsys, library, str(empty))
    assert code == 1 and "was not kept" not in err
    assert library.exists() and dump(library) == before


def test_an_existing_library_with_papers_is_kept_and_unchanged(capsys, tmp_path):
    library = tmp_path / "lib.sqlite"
    assert _import(capsys, library, str(SEED_SCHOLARLY))[0] == 0
    before = dump(library)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert _import(capsys, library, str(empty))[0] == 1
    assert dump(library) == before


def test_a_new_library_is_kept_when_any_file_was_imported(capsys, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    library = tmp_path / "new" / "lib.sqlite"
    code, out, err = _import(capsys, library, str(empty), str(SEED_HOMEPAGE))
    assert code == 1 and "was not kept" not in err
    assert "1 of 2 files imported; the library has 20 papers." in out
    assert library.exists()


def test_leftover_side_files_without_their_library_are_not_ours_to_remove(capsys, tmp_path):
    library = tmp_path / "lib.sqlite"
    stray = tmp_path / "lib.sqlite-wal"
    stray.write_bytes(b"not ours")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    _import(capsys, library, str(empty))
    assert library.exists() and stray.exists()
