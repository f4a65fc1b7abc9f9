"""Upgrades: a library made by every earlier version opens at the current one with the user's rows intact; it
is backed up first; a failed step leaves the old version readable; a newer library is refused, byte for byte
unchanged.

Two kinds of old library are tested. Libraries made by this test from the migrations themselves
(MIGRATIONS[:v] on an empty file), so a new migration is tested the day it is added; and libraries that earlier
builds of Papershelf really wrote (tests/fixtures/libraries/, see its README), which is what catches a schema
edited in place instead of migrated.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from reliability_support import SEED_ARXIV, SEED_AS_OF, assert_no_traceback, digest, integrity, papershelf
from seedfiles import FIXTURES, SEED_AGGREGATOR

from papershelf.model import Library, LibraryError, schema
from papershelf.pipeline import import_file


def _v1_sample(connection: sqlite3.Connection) -> None:
    """User data as a version-1 library holds it, written with version-1 SQL."""
    stamp = "2024-01-02T03:04:05+00:00"
    connection.executescript(
        f"""
        INSERT INTO papers(id, title, year, venue, note, citekey, added_at, updated_at)
            VALUES (1, 'Attention Is Old News', 2017, 'NeurIPS', 'my note', 'vaswani2017attention', '{stamp}',
                    '{stamp}');
        INSERT INTO papers(id, title, year, note, added_at, updated_at, deleted_at)
            VALUES (2, 'In The Trash', 2019, '', '{stamp}', '{stamp}', '{stamp}');
        INSERT INTO paper_edits(paper_id, field, value, edited_at) VALUES (1, 'title', '"Attention Is Old News"',
            '{stamp}');
        INSERT INTO citekey_aliases(key, paper_id) VALUES ('old-key', 1);
        INSERT INTO authors(id, display_name, given, family, name_key, note, created_at)
            VALUES (1, 'Ashish Vaswani', 'Ashish', 'Vaswani', 'vaswani|ashish', 'author note', '{stamp}');
        INSERT INTO authorships(paper_id, position, author_id, as_written) VALUES (1, 0, 1, 'A. Vaswani');
        INSERT INTO tags(id, name, colour, created_at) VALUES (1, 'to-read', '#4e79a7', '{stamp}');
        INSERT INTO paper_tags VALUES (1, 1), (2, 1);
        INSERT INTO settings(key, value) VALUES ('sort', '"year"');
        INSERT INTO papers_fts(rowid, title, abstract, authors, tags, note, venue)
            VALUES (1, 'Attention Is Old News', '', 'Ashish Vaswani', 'to-read', 'my note', 'NeurIPS');
        """
    )


def _v4_sample(connection: sqlite3.Connection) -> None:
    """Version 1's user data plus what version 4 added: a page's remark and a code flag on a paper."""
    _v1_sample(connection)
    connection.execute("UPDATE papers SET remarks = 'an extended version', has_code = 1 WHERE id = 1")


def _v5_sample(connection: sqlite3.Connection) -> None:
    """Version 4's user data plus what version 5 added: a paper the user marked as checked."""
    _v4_sample(connection)
    connection.execute("INSERT INTO checked_papers(paper_id, checked_at) VALUES (1, '2024-01-02T03:04:05+00:00')")


def _v6_sample(connection: sqlite3.Connection) -> None:
    """Version 5's user data plus what version 6 added: a paper's declared .bib type and a file's @string."""
    _v5_sample(connection)
    connection.executescript(
        """
        UPDATE papers SET bib_type = 'article' WHERE id = 1;
        INSERT INTO sources(id, file, path, sha256, format, imported_at)
            VALUES (1, 'refs.bib', '/tmp/refs.bib', 'x', 'bibtex', '2024-01-02T03:04:05+00:00');
        INSERT INTO bib_blocks(source_id, position, kind, name, value) VALUES (1, 0, 'string', 'nips', 'NeurIPS');
        """
    )


def _v7_sample(connection: sqlite3.Connection) -> None:
    """Version 6's user data as version 7 indexes it: tags searched in tags_fts, none left in papers_fts."""
    _v6_sample(connection)
    connection.executescript(
        "UPDATE papers_fts SET tags = '' WHERE rowid = 1; INSERT INTO tags_fts(rowid, name) VALUES (1, 'to-read');"
    )


def _v10_sample(connection: sqlite3.Connection) -> None:
    """Version 7's user data on a paper whose .bib entry names an editor, indexed without them (before v11)."""
    _v7_sample(connection)
    connection.execute(
        "UPDATE papers SET bib_fields = ? WHERE id = 1",
        ('[["editor", null, "van Beethoven, Ludwig", null, 0], ["title", null, "Attention Is Old News", null, 0]]',),
    )


# SAMPLES[v] fills a library at version v with user data. A version that is no longer the newest needs one, so
# that its upgrade is tested on real rows: the test below fails for an earlier version without a sample.
# Version 2 added only the match index, which the upgrade fills itself: its user data is version 1's.
# Version 3 added only indexes: its user data is version 1's too. Version 5's sample adds a checked paper,
# version 6's a declared type and a file's @string. Version 7 moved tags to an index of their own. Versions 8, 9
# and 10 changed only keys and indexes: their user data is version 7's; version 10's also names an editor, whom
# version 11 indexes for search; version 11 stored no new kind of user data, so its sample is version 10's.
SAMPLES: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _v1_sample,
    2: _v1_sample,
    3: _v1_sample,
    4: _v4_sample,
    5: _v5_sample,
    6: _v6_sample,
    7: _v7_sample,
    8: _v7_sample,
    9: _v7_sample,
    10: _v10_sample,
    11: _v10_sample,
}
USER_TABLES = (
    "papers",
    "paper_edits",
    "citekey_aliases",
    "authors",
    "authorships",
    "tags",
    "paper_tags",
    "settings",
    "checked_papers",
    "bib_blocks",
)


def make_library_at(path: Path, version: int) -> None:
    """A library file exactly as the Papershelf that knew `version` migrations left it."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    for step in range(version):
        schema.MIGRATIONS[step](connection, step + 1)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == version
    if version in SAMPLES:
        SAMPLES[version](connection)
    connection.close()


def _rows(path: Path, tables: tuple[str, ...]) -> dict[str, int]:
    connection = sqlite3.connect(path)
    try:
        present = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return {t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables if t in present}
    finally:
        connection.close()


@pytest.mark.parametrize("version", range(schema.SCHEMA_VERSION + 1))
def test_library_made_at_each_version_opens_at_the_current_one(tmp_path: Path, version: int) -> None:
    if 0 < version < schema.SCHEMA_VERSION:
        assert version in SAMPLES, f"add SAMPLES[{version}]: user data as version {version} stored it"
    path = tmp_path / "library.sqlite"
    make_library_at(path, version)
    before = _rows(path, USER_TABLES)

    with Library.open(path) as library:
        assert library.schema_version == schema.SCHEMA_VERSION
        assert library.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        if version in SAMPLES:
            paper = library.get_paper(1)
            assert (paper.title, paper.note, paper.tags, paper.citekey) == (
                "Attention Is Old News",
                "my note",
                ["to-read"],
                "vaswani2017attention",
            )
            assert paper.key_aliases == ["old-key"] and paper.edited_fields == ["title"]
            assert library.paper_ids(view="trash") == [2]
            assert library.search("old news") == [1]
            # Tags moved from papers_fts to tags_fts (v7): still found by their words, and no stale copy is left
            # in papers_fts to find a paper after its tag is removed.
            assert library.search("read") == [1]
            assert library.conn.execute("SELECT count(*) FROM papers_fts WHERE tags != ''").fetchone()[0] == 0
    assert integrity(path) == ["ok"]
    after = _rows(path, USER_TABLES)
    assert {t: after[t] for t in before} == before  # no user row lost on the way up

    upgraded = sorted((tmp_path / "backups").glob("library-*-before-upgrade-from-v*.sqlite"))
    if 0 < version < schema.SCHEMA_VERSION:
        assert len(upgraded) == 1 and _rows(upgraded[0], USER_TABLES) == before
    else:
        assert upgraded == []  # nothing to keep from an empty file, nothing to do at the current version


RELEASED = sorted((FIXTURES / "libraries").glob("made-by-*.sqlite"))


@pytest.mark.parametrize("made_by", RELEASED, ids=[p.stem for p in RELEASED])
def test_a_library_written_by_an_earlier_build_upgrades_and_takes_imports(tmp_path: Path, made_by: Path) -> None:
    """Each fixture holds seeds 000 and 002 imported by that build, papers 1-3 tagged to-read, a note on paper 2,
    a DOI edit on paper 3 and the key mykey2020 set on paper 4 (tests/fixtures/libraries/README.md)."""
    path = tmp_path / "library.sqlite"
    path.write_bytes(made_by.read_bytes())
    before = _rows(path, USER_TABLES)
    with Library.open(path) as library:
        assert library.schema_version == schema.SCHEMA_VERSION
        assert library.paper_ids(tag="to-read") == library.paper_ids(query="tag:to-read") != []
        assert sorted(library.paper_ids(tag="to-read")) == [1, 2, 3]
        assert library.get_paper(2).note == "my note on two"
        assert library.get_paper(3).doi == "10.1000/old-edit" and "doi" in library.get_paper(3).edited_fields
        assert library.get_paper(4).citekey == "mykey2020"
        report = import_file(library, SEED_AGGREGATOR, as_of=dt.date.fromisoformat(SEED_AS_OF))
        assert report.ok, report.error
        assert report.new + len(report.merged) == report.found
        # The upgraded match index finds what the old library already held: re-reading a page it holds
        # under another name merges every entry instead of duplicating it.
        copy = tmp_path / SEED_ARXIV.name.replace(".txt", "-again.txt")
        copy.write_bytes(SEED_ARXIV.read_bytes())
        again = import_file(library, copy, as_of=dt.date.fromisoformat(SEED_AS_OF))
        assert again.ok and again.new == 0, again.as_dict()
        assert library.get_paper(2).note == "my note on two"
    after = _rows(path, USER_TABLES)
    assert all(after[t] >= before[t] for t in before)  # the import only added
    assert integrity(path) == ["ok"]
    run = papershelf(path, "check")
    assert run.code == 0, run.err


def test_papers_a_bib_stated_before_the_upgrade_keep_their_declared_type(tmp_path: Path) -> None:
    """Libraries before version 6 kept a .bib entry's type only in its claim: the upgrade gives it to the
    paper, and importing the file again fills the entry's fields in."""
    path = tmp_path / "library.sqlite"
    make_library_at(path, 5)
    bib = tmp_path / "mine.bib"
    bib.write_text("@phdthesis{thesis1999, author = {Ann Author}, title = {A Thesis}, school = {MIT}, year = 1999}\n")
    connection = sqlite3.connect(path, isolation_level=None)
    connection.executescript(
        """
        INSERT INTO sources(id, file, path, sha256, format, imported_at) VALUES (1, 'mine.bib', '/x/mine.bib',
            'old', 'bibtex', '2024-01-02T03:04:05+00:00');
        INSERT INTO claims(paper_id, source_id, entry_key, line, record, record_hash, lineage) VALUES (1, 1,
            'key:thesis1999', 1, '{"line": 1, "title": "A Thesis", "entry_type": "PhDThesis"}', 'old',
            'bibtex|mine.bib|');
        """
    )
    connection.close()
    with Library.open(path) as library:
        paper = library.get_paper(1)
        assert (paper.bib_type, paper.bib_fields) == ("phdthesis", [])
        assert paper.title == "Attention Is Old News"  # the user's edit of the title stays
        report = import_file(library, bib)
        assert report.ok and report.new == 0
        paper = library.get_paper(1)
        assert paper.bib_type == "phdthesis"
        assert [f.name for f in paper.bib_fields] == ["author", "title", "school", "year"]
        assert {f.name: f.edited for f in paper.bib_fields}["title"] is True


def make_current_library(path: Path) -> int:
    """A library at the current version with a paper carrying a note; returns that paper's id."""
    with Library.open(path) as library:
        assert import_file(library, SEED_ARXIV, as_of=dt.date.fromisoformat(SEED_AS_OF)).ok
        paper_id = library.paper_ids()[0]
        library.set_note(paper_id, "my note")
        return paper_id


def _with_extra_step(monkeypatch: pytest.MonkeyPatch, step) -> int:
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, step])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(schema.MIGRATIONS))
    return schema.SCHEMA_VERSION


def test_an_upgrade_is_backed_up_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "library.sqlite"
    old = schema.SCHEMA_VERSION
    paper_id = make_current_library(path)
    new = _with_extra_step(monkeypatch, schema._script("ALTER TABLE papers ADD COLUMN reading_status TEXT;"))
    with Library.open(path) as library:
        assert library.schema_version == new
    [saved] = (tmp_path / "backups").glob(f"library-*-before-upgrade-from-v{old}.sqlite")
    connection = sqlite3.connect(saved)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == old
    assert connection.execute("SELECT note FROM papers WHERE id = ?", (paper_id,)).fetchone()[0] == "my note"
    connection.close()


def test_a_failing_step_leaves_the_old_version_readable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "library.sqlite"
    old = schema.SCHEMA_VERSION
    paper_id = make_current_library(path)
    broken = schema._script(
        "UPDATE papers SET note = 'half-migrated';"
        "CREATE TABLE reading_list(paper_id INTEGER);"
        "INSERT INTO no_such_table VALUES (1);"  # the step fails after it already changed user data
    )
    _with_extra_step(monkeypatch, broken)
    with pytest.raises(LibraryError, match=f"left at version {old}") as caught:
        Library.open(path)
    assert "before-upgrade" in str(caught.value)
    monkeypatch.undo()  # the Papershelf that knows only `old` versions

    with Library.open(path) as library:
        assert library.schema_version == old
        assert library.get_paper(paper_id).note == "my note"
        assert not library.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'reading_list'").fetchall()
    assert integrity(path) == ["ok"]


def test_a_library_from_a_newer_papershelf_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    make_current_library(path)
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    connection.close()
    fingerprint, listing = digest(path), sorted(p.name for p in tmp_path.iterdir())

    for read_only in (False, True):
        with pytest.raises(LibraryError, match="newer Papershelf") as caught:
            Library.open(path, read_only=read_only)
        assert "update Papershelf" in str(caught.value) and "not changed" in str(caught.value)
    run = papershelf(path, "import", "--samples")
    assert_no_traceback(run)
    assert run.code == 2 and "newer Papershelf" in run.err
    run = papershelf(path, "papers")
    assert run.code == 2 and "newer Papershelf" in run.err

    assert digest(path) == fingerprint
    assert sorted(p.name for p in tmp_path.iterdir()) == listing  # not even a -wal or a backup beside it


def test_an_upgrade_makes_the_editors_an_older_version_stored_searchable(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    make_library_at(path, 10)
    with Library.open(path) as library:
        assert library.search("Beethoven") == [1]
