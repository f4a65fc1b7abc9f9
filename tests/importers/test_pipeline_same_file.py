"""Importing a file again, byte for byte: known by its hash before it is parsed, and reported exactly as the
store's own same-file path reports it. Anything that would change the import (another capture date, another
owner, another name, other bytes) still parses and stores the file."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from seedfiles import ALL_SEEDS, SEED_ARXIV, SEED_AS_OF, SEED_HOMEPAGE

from papershelf import pipeline
from papershelf.model import Library
from papershelf.pipeline import import_file

AS_OF = dt.date.fromisoformat(SEED_AS_OF)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the pipeline parses from now on."""
    calls: list[str] = []
    real = pipeline.parse_text

    def counting(path, *args, **kwargs):
        calls.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pipeline, "parse_text", counting)
    return calls


def _through_the_store(monkeypatch: pytest.MonkeyPatch, library: Library, path: Path, **options):
    """The same import with the shortcut switched off: parsed, and found identical by the store."""
    with monkeypatch.context() as patch:
        patch.setattr(pipeline, "find_identical_import", lambda *a, **k: None)
        return import_file(library, path, **options)


@pytest.mark.parametrize("seed", ALL_SEEDS, ids=lambda p: p.name)
def test_an_identical_file_is_not_parsed_and_reports_what_the_store_would(
    library: Library, seed: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = import_file(library, seed, as_of=AS_OF)
    assert first.ok and first.new, first.error
    slow = _through_the_store(monkeypatch, library, seed, as_of=AS_OF)
    assert slow.same_file
    parses.clear()
    papers, changes = library.count_papers(), library.conn.total_changes

    again = import_file(library, seed, as_of=AS_OF)

    assert parses == [], "an identical file was parsed again"
    assert again.ok and again.same_file
    assert again.new == again.updated == 0 and not again.merged
    assert again.unchanged == len(first.paper_ids)
    assert again.paper_ids == first.paper_ids
    expected = slow.as_dict() | {"warnings": []}  # not parsed: it has no parse warnings to repeat
    assert again.as_dict() == expected
    assert library.conn.total_changes == changes and library.count_papers() == papers


def test_an_identical_file_with_the_owner_named_is_not_parsed(
    library: Library, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = import_file(library, SEED_ARXIV, as_of=AS_OF, owner="Junyang Lin")
    assert first.ok and first.owner == "Junyang Lin"
    slow = _through_the_store(monkeypatch, library, SEED_ARXIV, as_of=AS_OF, owner="Junyang Lin")
    parses.clear()
    again = import_file(library, SEED_ARXIV, as_of=AS_OF, owner="Junyang Lin")
    assert parses == [] and again.same_file
    assert again.as_dict() == slow.as_dict() | {"warnings": []}


def test_another_owner_for_the_same_bytes_is_imported(library: Library, parses: list[str]) -> None:
    assert import_file(library, SEED_ARXIV, as_of=AS_OF, owner="Junyang Lin").ok
    parses.clear()
    again = import_file(library, SEED_ARXIV, as_of=AS_OF, owner="Someone Else Entirely")
    assert parses == [SEED_ARXIV.name]
    assert again.ok and not again.same_file


def test_another_capture_date_for_the_same_bytes_is_imported(library: Library, parses: list[str]) -> None:
    assert import_file(library, SEED_HOMEPAGE, as_of=AS_OF).ok
    parses.clear()
    again = import_file(library, SEED_HOMEPAGE, as_of=AS_OF + dt.timedelta(days=30))
    assert parses == [SEED_HOMEPAGE.name]
    assert again.ok and not again.same_file


def test_the_same_bytes_under_another_name_or_changed_bytes_are_imported(
    library: Library, parses: list[str], tmp_path: Path
) -> None:
    assert import_file(library, SEED_HOMEPAGE, as_of=AS_OF).ok
    renamed = tmp_path / "renamed.txt"
    shutil.copyfile(SEED_HOMEPAGE, renamed)
    changed = tmp_path / SEED_HOMEPAGE.name
    changed.write_bytes(SEED_HOMEPAGE.read_bytes() + b"\n")
    parses.clear()
    assert not import_file(library, renamed, as_of=AS_OF).same_file
    assert not import_file(library, changed, as_of=AS_OF).same_file
    assert parses == ["renamed.txt", SEED_HOMEPAGE.name]


def test_a_file_whose_papers_were_purged_is_imported_again(library: Library, parses: list[str]) -> None:
    first = import_file(library, SEED_HOMEPAGE, as_of=AS_OF)
    library.delete_papers(first.paper_ids)
    library.empty_trash()
    parses.clear()
    again = import_file(library, SEED_HOMEPAGE, as_of=AS_OF)
    assert parses == [SEED_HOMEPAGE.name]
    assert again.ok
