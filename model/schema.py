"""The library's schema as numbered migrations; `PRAGMA user_version` records which ones a file has had.

Every released version's schema stays reachable: a migration is only ever appended, never edited.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

_V1 = """
CREATE TABLE papers (
    id INTEGER PRIMARY KEY,
    title TEXT,
    title_key TEXT,             -- normalised title for matching (lower-case ASCII words)
    year INTEGER,
    date TEXT,
    date_inferred INTEGER NOT NULL DEFAULT 0,
    venue TEXT,
    entry_type TEXT,
    abstract TEXT,
    arxiv_id TEXT,
    doi TEXT,
    comments TEXT,
    journal_ref TEXT,
    category TEXT,
    url TEXT,
    volume TEXT,
    number TEXT,
    pages TEXT,
    publisher TEXT,
    links TEXT NOT NULL DEFAULT '[]',
    authors_complete INTEGER NOT NULL DEFAULT 1,
    note TEXT NOT NULL DEFAULT '',
    citekey TEXT,
    added_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    merged_into INTEGER REFERENCES papers(id)
);
CREATE UNIQUE INDEX papers_citekey ON papers(citekey) WHERE citekey IS NOT NULL;
CREATE INDEX papers_arxiv ON papers(arxiv_id) WHERE arxiv_id IS NOT NULL;
CREATE INDEX papers_doi ON papers(doi) WHERE doi IS NOT NULL;
CREATE INDEX papers_title_key ON papers(title_key) WHERE title_key IS NOT NULL;
CREATE INDEX papers_year ON papers(year);
CREATE INDEX papers_added ON papers(added_at);

-- A user's own edits: kept apart from imported values so no re-import can overwrite them.
CREATE TABLE paper_edits (
    paper_id INTEGER NOT NULL REFERENCES papers(id),
    field TEXT NOT NULL,
    value TEXT,
    edited_at TEXT NOT NULL,
    PRIMARY KEY (paper_id, field)
);

CREATE TABLE citekey_aliases (
    key TEXT PRIMARY KEY,
    paper_id INTEGER NOT NULL REFERENCES papers(id)
);

CREATE TABLE authors (
    id INTEGER PRIMARY KEY,
    display_name TEXT NOT NULL,
    given TEXT NOT NULL DEFAULT '',
    family TEXT NOT NULL DEFAULT '',
    name_key TEXT NOT NULL,      -- "family|given" folded, for lookups
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    merged_into INTEGER REFERENCES authors(id)
);
CREATE INDEX authors_name_key ON authors(name_key);
CREATE INDEX authors_family ON authors(family COLLATE NOCASE);

-- Every way a source wrote a person's name; `name_key` is its folded form for lookups.
CREATE TABLE author_variants (
    author_id INTEGER NOT NULL REFERENCES authors(id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    PRIMARY KEY (author_id, name)
);
CREATE INDEX author_variants_key ON author_variants(name_key);

-- The ordered author list of a paper as the chosen source wrote it.
CREATE TABLE authorships (
    paper_id INTEGER NOT NULL REFERENCES papers(id),
    position INTEGER NOT NULL,
    author_id INTEGER NOT NULL REFERENCES authors(id),
    as_written TEXT NOT NULL,
    PRIMARY KEY (paper_id, position)
);
CREATE INDEX authorships_author ON authorships(author_id);

-- Authors known without a place in the list: the owner of a page whose card ends in "et al.".
CREATE TABLE implied_authors (
    paper_id INTEGER NOT NULL REFERENCES papers(id),
    author_id INTEGER NOT NULL REFERENCES authors(id),
    source_id INTEGER NOT NULL REFERENCES sources(id),
    PRIMARY KEY (paper_id, author_id, source_id)
);
CREATE INDEX implied_authors_author ON implied_authors(author_id);

CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    format TEXT NOT NULL,
    owner_id INTEGER REFERENCES authors(id),
    imported_at TEXT NOT NULL,
    claimed_count INTEGER,
    found_count INTEGER NOT NULL DEFAULT 0,
    as_of TEXT
);
CREATE INDEX sources_sha ON sources(sha256);
CREATE INDEX sources_file ON sources(file, format);

-- What a page says about its owner, one row per page.
CREATE TABLE profiles (
    author_id INTEGER NOT NULL REFERENCES authors(id),
    source_id INTEGER NOT NULL REFERENCES sources(id),
    position TEXT, affiliation TEXT, bio TEXT, interests TEXT NOT NULL DEFAULT '[]',
    email TEXT, address TEXT, h_index INTEGER, citation_count INTEGER, paper_count INTEGER,
    links TEXT NOT NULL DEFAULT '[]', extra TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (author_id, source_id)
);

-- Provenance: each source's own record of each paper, raw, so values can be re-chosen and merges undone.
CREATE TABLE claims (
    id INTEGER PRIMARY KEY,
    paper_id INTEGER NOT NULL REFERENCES papers(id),
    source_id INTEGER NOT NULL REFERENCES sources(id),
    entry_key TEXT NOT NULL,    -- identifies the entry within its page lineage (id, citekey or title key)
    line INTEGER,
    record TEXT NOT NULL,       -- JSON of the importer's record
    record_hash TEXT NOT NULL,
    lineage TEXT NOT NULL       -- "format|file|owner": a newer capture of the same page shares it
);
CREATE INDEX claims_paper ON claims(paper_id);
CREATE INDEX claims_source ON claims(source_id);
CREATE INDEX claims_lineage ON claims(lineage, entry_key);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    colour TEXT NOT NULL DEFAULT '#808080',
    created_at TEXT NOT NULL
);
CREATE TABLE paper_tags (
    paper_id INTEGER NOT NULL REFERENCES papers(id),
    tag_id INTEGER NOT NULL REFERENCES tags(id),
    PRIMARY KEY (paper_id, tag_id)
);
CREATE INDEX paper_tags_tag ON paper_tags(tag_id);

-- The review queue of possible duplicates, and the verdicts users gave ("distinct" is never proposed again).
CREATE TABLE duplicate_candidates (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('paper', 'author')),
    a_id INTEGER NOT NULL,
    b_id INTEGER NOT NULL,
    score REAL NOT NULL,
    evidence TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'distinct', 'merged')),
    created_at TEXT NOT NULL,
    decided_at TEXT,
    UNIQUE (kind, a_id, b_id)
);

-- Merges, with what is needed to undo them.
CREATE TABLE merges (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('paper', 'author')),
    kept_id INTEGER NOT NULL,
    merged_id INTEGER NOT NULL,
    automatic INTEGER NOT NULL DEFAULT 0,
    evidence TEXT NOT NULL DEFAULT '[]',
    snapshot TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    undone_at TEXT
);
CREATE INDEX merges_kept ON merges(kind, kept_id);
CREATE INDEX merges_merged ON merges(kind, merged_id);

CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE autoexports (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    format TEXT NOT NULL,
    tag TEXT,
    query TEXT,
    created_at TEXT NOT NULL,
    last_written_at TEXT,
    last_error TEXT
);

CREATE TABLE lookup_cache (
    service TEXT NOT NULL,
    identifier TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (service, identifier)
);

-- Full-text index kept by the model (not by triggers), so bulk imports and re-imports stay fast and a
-- re-import that changes nothing writes nothing here.
CREATE VIRTUAL TABLE papers_fts USING fts5(
    title, abstract, authors, tags, note, venue,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE authors_fts USING fts5(names, tokenize = 'unicode61 remove_diacritics 2');
"""


def _statements(sql: str) -> list[str]:
    """The statements of a script, split where SQLite itself sees one end (not at a `;` inside a string, a
    comment or a trigger body)."""
    statements: list[str] = []
    pending = ""
    for piece in sql.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \t\r\n;"):
                statements.append(pending)
            pending = ""
    if pending.strip(" \t\r\n;"):
        statements.append(pending)
    return statements


def _step(body: Callable[[sqlite3.Connection], None]) -> Migration:
    """A migration step that runs `body` and its version bump in one BEGIN IMMEDIATE transaction, and only if
    the file is still at the version before it. Another process opening the same library may have run the step
    since this one read the version: the write lock makes the re-check and the step one act, so the second
    process finds the work done instead of failing on "table papers already exists"."""

    def run(connection: sqlite3.Connection, target: int) -> bool:
        connection.execute("BEGIN IMMEDIATE")
        try:
            ran = connection.execute("PRAGMA user_version").fetchone()[0] < target
            if ran:
                body(connection)
                connection.execute(f"PRAGMA user_version = {target}")
            connection.execute("COMMIT")
            return ran
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise

    return run


def _script(sql: str) -> Migration:
    statements = _statements(sql)

    def body(connection: sqlite3.Connection) -> None:
        # Statement by statement inside the step's transaction (executescript would commit it first): a kill
        # midway leaves the previous version intact.
        for statement in statements:
            connection.execute(statement)

    return _step(body)


# A step takes the connection and the version it brings the file to; it answers whether it did the work (False:
# another process had done it).
Migration = Callable[[sqlite3.Connection, int], bool | None]

# Reconciliation's lookup keys, kept by model/reconcile.py: a paper's distinctive title words (kind 't'), the
# abstract words of papers without a title ('a') and an abstract fingerprint ('h'). Matching looks candidates up
# here instead of comparing every pair of papers. Builds between the first release and this step already made
# the table while calling themselves version 1, so every statement here may find its object present.
_V2_MATCH_KEYS = """
CREATE TABLE IF NOT EXISTS match_keys (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    paper_id INTEGER NOT NULL,
    PRIMARY KEY (kind, key, paper_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS match_keys_paper ON match_keys(paper_id);
"""


def _v2_match_keys(connection: sqlite3.Connection) -> None:
    """The match index, filled from the papers a library already holds so they can be matched at once."""
    # The current matcher's keys: the index must agree with the code that reads it.
    from papershelf.model.reconcile import _keys_of as keys_of

    had_table = connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'match_keys'").fetchone()
    for statement in _statements(_V2_MATCH_KEYS):
        connection.execute(statement)
    if not had_table:
        rows = connection.execute("SELECT id, title, abstract FROM papers WHERE merged_into IS NULL").fetchall()
        connection.executemany(
            "INSERT OR IGNORE INTO match_keys(kind, key, paper_id) VALUES (?, ?, ?)",
            ((kind, key, paper_id) for paper_id, title, abstract in rows for kind, key in keys_of(title, abstract)),
        )


# A view's whole list (the live papers in a sort order) and its count read only these narrow indexes, never the
# wide rows: at 100,000 papers that is the difference between a window that opens at once and one that does not.
# The expressions are model.library.SORT_COLUMNS'. claims_source becomes covering: a source's papers are counted
# without reading its records.
_V3_NARROW_INDEXES = """
CREATE INDEX IF NOT EXISTS papers_live_added ON papers(deleted_at, merged_into, added_at);
CREATE INDEX IF NOT EXISTS papers_live_title ON papers(deleted_at, merged_into, COALESCE(title, '~') COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS papers_live_year ON papers(deleted_at, merged_into, year);
CREATE INDEX IF NOT EXISTS papers_live_venue ON papers(deleted_at, merged_into, venue COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS papers_live_citekey ON papers(deleted_at, merged_into, citekey);
CREATE INDEX IF NOT EXISTS papers_incomplete ON papers(deleted_at, merged_into, added_at)
    WHERE deleted_at IS NULL AND merged_into IS NULL AND (title IS NULL OR authors_complete = 0 OR year IS NULL);
DROP INDEX IF EXISTS claims_source;
CREATE INDEX claims_source ON claims(source_id, paper_id);
"""

# A page's own remark about a paper ("Note that this is an extension of ...") is a field of its own, never the
# user's note; a "Code" flag a page showed reaches the paper; a source remembers its earlier file names.
# Earlier versions copied a new paper's remark into its note: a note still equal to what a page said is handed
# back to the page's field.
_V4_REMARKS_AND_CODE = """
ALTER TABLE papers ADD COLUMN remarks TEXT;
ALTER TABLE papers ADD COLUMN has_code INTEGER NOT NULL DEFAULT 0;
UPDATE papers SET has_code = 1
    WHERE id IN (SELECT paper_id FROM claims WHERE json_extract(record, '$.has_code') = 1)
    OR links LIKE '%"kind": "code"%';
UPDATE papers SET remarks = (
    SELECT group_concat(remark, '; ') FROM (
        SELECT DISTINCT json_extract(c.record, '$.note') AS remark FROM claims c JOIN sources s ON s.id = c.source_id
        WHERE c.paper_id = papers.id AND s.format != 'bibtex' AND json_extract(c.record, '$.note') != ''
        ORDER BY c.id));
-- A source's earlier captures: a newer capture of a page (saved under another name too) updates the source
-- row in place, and the file names it had before stay here.
CREATE TABLE source_history (
    source_id INTEGER NOT NULL REFERENCES sources(id),
    file TEXT NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE INDEX source_history_source ON source_history(source_id);
UPDATE papers SET note = '' WHERE note != '' AND note IN (
    SELECT json_extract(c.record, '$.note') FROM claims c JOIN sources s ON s.id = c.source_id
    WHERE c.paper_id = papers.id AND s.format != 'bibtex');
"""

# A paper a page reader doubted ("check me" in its claim's extra) that the user has looked at and found right:
# kept apart from the claims, which every re-import rewrites, so the mark outlives them. Purging the paper
# takes the mark with it.
_V5_CHECKED_PAPERS = """
CREATE TABLE checked_papers (
    paper_id INTEGER PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
    checked_at TEXT NOT NULL
);
"""

# A paper's .bib entry as declared: its type and every field in order, each as Unicode text and as the LaTeX the
# file wrote (model/store.py chooses them from the .bib claims, user edits applied). A .bib file's @string,
# @preamble and @comment blocks belong to its source, so an export can write back those of the files its papers
# came from. Papers imported before keep their declared type (the .bib claims always stored it as entry_type);
# their fields fill in when the file is imported again.
_V6_BIB_ENTRIES = """
ALTER TABLE papers ADD COLUMN bib_type TEXT;
ALTER TABLE papers ADD COLUMN bib_fields TEXT NOT NULL DEFAULT '[]';
UPDATE papers SET bib_type = (
    SELECT lower(json_extract(c.record, '$.entry_type')) FROM claims c JOIN sources s ON s.id = c.source_id
    WHERE c.paper_id = papers.id AND s.format = 'bibtex' ORDER BY c.id LIMIT 1);
CREATE TABLE bib_blocks (
    source_id INTEGER NOT NULL REFERENCES sources(id),
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('string', 'preamble', 'comment')),
    name TEXT,
    value TEXT NOT NULL,
    PRIMARY KEY (source_id, position)
);
"""

# A tag's words are searched in an index of their own, one row per tag (rowid = tags.id), not as a column of
# papers_fts: FTS5 rewrites a whole row to change one column, so tagging 20,000 papers re-tokenised 20,000 titles
# and abstracts (about 80% of the time, benchmarks/bulk_tags.py). Now tagging writes only paper_tags, and the
# search joins tags_fts -> paper_tags. papers_fts keeps its tags column (FTS5 cannot drop one) but it is left
# empty from here on: the rows that still hold tag words are blanked so a removed tag stops finding its papers.
_V7_TAGS_FTS = """
CREATE VIRTUAL TABLE tags_fts USING fts5(name, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO tags_fts(rowid, name) SELECT id, name FROM tags;
UPDATE papers_fts SET tags = '' WHERE tags != '';
"""


def _v8_title_keys(connection: sqlite3.Connection) -> None:
    """Titles in scripts with no transliteration (Chinese, Arabic, Hebrew ...) get the matching key they lacked:
    model.citekeys.title_key used to drop their letters, so such a paper had no key, or only its Latin words,
    and every re-import of it made a new paper. Other titles' keys come out the same and are left alone."""
    from papershelf.model.citekeys import title_key

    rows = connection.execute("SELECT id, title, title_key FROM papers WHERE title IS NOT NULL").fetchall()
    connection.executemany(
        "UPDATE papers SET title_key = ? WHERE id = ?",
        [(key, paper_id) for paper_id, title, old in rows if not title.isascii() and (key := title_key(title)) != old],
    )


# People sharing a name are read in id order and only as many as needed: with "Wei Wang" written by thousands
# of people, reading every one for each such name an import meets made the import quadratic. The key-only index
# is a prefix of the new one.
_V9_NAMESAKE_INDEX = """
CREATE INDEX IF NOT EXISTS author_variants_key_author ON author_variants(name_key, author_id);
DROP INDEX IF EXISTS author_variants_key;
"""

# A search that combines words with a year reads each full-text hit's year, newest hit first, until a page is
# full. From the papers rows that is one wide row, one page read, per hit (1.9 ms for "year:..2010 retrieval" at
# 100,000 papers); this index holds only (id, year), so a page of it holds hundreds of papers (0.5 ms).
_V10_ID_YEAR_INDEX = """
CREATE INDEX IF NOT EXISTS papers_id_year ON papers(id, year);
"""


# A search for one tag walks that tag's papers newest first and stops at a page: (tag_id, paper_id) holds them
# in id order, where the tag-only index led to each tagging's row to learn its paper, and every one of a tag's
# 2,000 papers was read and sorted before the first 200 were shown. The tag-only index is a prefix of it.
_V12_TAG_PAPERS_INDEX = """
CREATE INDEX IF NOT EXISTS paper_tags_tag_paper ON paper_tags(tag_id, paper_id);
DROP INDEX IF EXISTS paper_tags_tag;
"""


def _v11_contributors_searchable(connection: sqlite3.Connection) -> None:
    """Editors, translators and book authors become searchable, as every creator is in Zotero: a search for
    "Beethoven" finds the volume he edited. Only papers whose .bib entry names some get a new row."""
    from papershelf.model.search_rows import refresh_contributor_rows

    refresh_contributor_rows(connection)


# MIGRATIONS[n] takes a library from user_version n to n + 1. Version 1 is the first release's schema exactly;
# everything added since is a step of its own.
MIGRATIONS: list[Migration] = [
    _script(_V1),
    _step(_v2_match_keys),
    _script(_V3_NARROW_INDEXES),
    _script(_V4_REMARKS_AND_CODE),
    _script(_V5_CHECKED_PAPERS),
    _script(_V6_BIB_ENTRIES),
    _script(_V7_TAGS_FTS),
    _step(_v8_title_keys),
    _script(_V9_NAMESAKE_INDEX),
    _script(_V10_ID_YEAR_INDEX),
    _step(_v11_contributors_searchable),
    _script(_V12_TAG_PAPERS_INDEX),
]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(connection: sqlite3.Connection, version: int) -> list[int]:
    """Run every step from `version` to SCHEMA_VERSION, each in its own transaction; a step another process
    has already run meanwhile is skipped (see `_step`). Returns the versions this call's steps brought the file
    to: with several processes creating one library, steps may be shared among them, and only the one that ran
    step 1 made the library."""
    ran: list[int] = []
    for target in range(version, SCHEMA_VERSION):
        try:
            if MIGRATIONS[target](connection, target + 1) is not False:
                ran.append(target + 1)
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
    return ran
