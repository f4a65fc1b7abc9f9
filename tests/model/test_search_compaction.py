"""A big import merges the full-text indexes it wrote in many statements (`Library.compact_search`), so each
search term is looked up in one b-tree instead of one per segment; small imports leave that to FTS5's own
merging. Searches find the same papers either way."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from papershelf import pipeline
from papershelf.model import Library, apply

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import synthetic

QUERIES = ["learning", "transformers", "author:wang", "venue:neurips", "year:2019..2021 graph", "robust* detection"]


def _segments(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {
            table: conn.execute(f"SELECT count(DISTINCT segid) FROM {table}_idx").fetchone()[0]
            for table in ("papers_fts", "authors_fts")
        }


def _imported(path: Path, *bibs: Path) -> dict[str, list[int]]:
    library = Library.open(path)
    try:
        for bib in bibs:
            assert pipeline.import_file(library, bib).ok
        return {query: library.search(query) for query in QUERIES}
    finally:
        library.close()


@pytest.fixture(scope="module")
def bibs(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("bibs")
    big = synthetic.write(folder / "big.bib", synthetic.bibtex_file(2500))
    small = synthetic.write(folder / "small.bib", synthetic.bibtex_file(100, seed=99))
    return big, small


def test_a_big_import_leaves_each_search_index_in_one_piece(tmp_path, monkeypatch, bibs):
    big, _ = bibs
    found = _imported(tmp_path / "compacted.sqlite", big)
    assert _segments(tmp_path / "compacted.sqlite") == {"papers_fts": 1, "authors_fts": 1}
    monkeypatch.setattr(apply, "_COMPACT_AFTER", 10**9)
    assert _imported(tmp_path / "as_written.sqlite", big) == found
    # Written as they come, the people's index is in pieces (the papers' may be in one or two: an import
    # writes its new papers' rows in one go).
    assert _segments(tmp_path / "as_written.sqlite")["authors_fts"] > 1
    assert any(found.values())


def test_a_small_import_into_a_big_library_does_not_rewrite_its_index(tmp_path, bibs):
    big, small = bibs
    _imported(tmp_path / "library.sqlite", big)
    _imported(tmp_path / "library.sqlite", small)
    assert _segments(tmp_path / "library.sqlite")["papers_fts"] > 1
