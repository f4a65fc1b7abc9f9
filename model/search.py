"""Search strings to SQL: free words go to the FTS5 index, `author:` `title:` `tag:` `venue:` `year:` filter.

Any string a user types gives results or a QueryError with a hint; nothing reaches SQL unparameterised.
"""

from __future__ import annotations

import re
import shlex
from typing import Any


class QueryError(ValueError):
    """A search the user must rephrase; the message is a hint, not a stack trace."""


FIELDS = ("author", "title", "tag", "venue", "year", "abstract", "note", "key", "id")
_TOKEN = re.compile(r"[\w]+", re.UNICODE)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.replace("\x00", " "))


def _fts_phrase(text: str, prefix: bool = True) -> str | None:
    """Words as an FTS5 expression of quoted terms (so FTS syntax in user input is inert)."""
    words = _tokens(text)
    if not words:
        return None
    last = len(words) - 1
    return " AND ".join(_fts_word(word, prefix and number == last) for number, word in enumerate(words))


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


# Words split at a hyphen where others write them whole: the index holds "Multi-modal" as the two words "multi"
# and "modal", so "multimodal" also matches any two adjacent words that spell it. Only alphabetic words of a
# plausible length are split, each part at least three letters (short parts would match almost anything).
_SPLIT_MIN_PART = 3
_SPLIT_LENGTHS = range(2 * _SPLIT_MIN_PART, 25)


def _fts_word(word: str, prefix: bool) -> str:
    star = " *" if prefix else ""
    whole = _quoted(word) + star
    if not (word.isalpha() and len(word) in _SPLIT_LENGTHS):
        return whole
    splits = [
        f"{_quoted(word[:cut])} + {_quoted(word[cut:])}{star}"
        for cut in range(_SPLIT_MIN_PART, len(word) - _SPLIT_MIN_PART + 1)
    ]
    return "(" + " OR ".join([whole, *splits]) + ")"


def author_match_expression(text: str) -> str | None:
    return _fts_phrase(text)


def split_query(query: str) -> list[tuple[str | None, str]]:
    """Split into (field or None, value) pairs; quotes group words: title:"layer norm"."""
    query = query.replace("\x00", " ")
    try:
        parts = shlex.split(query, posix=True)
    except ValueError:
        opened = _OPEN_FIELD_QUOTE.search(query)
        if opened:
            # Without this the fallback below splits `title:"layer` into an empty `title:` and a word, and the
            # hint would say the filter needs a value, which it has.
            field = opened.group(1).lower()
            example = f'{field}:"{_PHRASES.get(field, "two words")}"'
            raise QueryError(
                f"the quote after {field}: is not closed; end the phrase with a quote, e.g. {example}"
            ) from None
        # An unbalanced quote: treat quotes as ordinary characters rather than refusing the search.
        parts = query.replace('"', " ").replace("'", " ").split()
    pairs: list[tuple[str | None, str]] = []
    for part in parts:
        field, sep, value = part.partition(":")
        if sep and field.lower() in FIELDS:
            if not value.strip():
                raise QueryError(f"'{field}:' needs a value, e.g. {field}:{_EXAMPLES[field.lower()]}")
            pairs.append((field.lower(), value))
        else:
            pairs.append((None, part))
    return pairs


_EXAMPLES = {
    "author": "lin",
    "title": "transformer",
    "tag": "to-read",
    "venue": "acl",
    "year": "2019..2021",
    "abstract": "pretraining",
    "note": "idea",
    "key": "lin2021m6",
    "id": "42",
}
_YEAR = re.compile(r"^(\d{4})?(\.\.|-)?(\d{4})?$")
_OPEN_FIELD_QUOTE = re.compile(r"(?:^|\s)(" + "|".join(FIELDS) + r"):[\"']", re.IGNORECASE)
_PHRASES = {"title": "layer norm", "author": "junyang lin", "venue": "neural information", "tag": "to read"}
# Words people type as search operators; the search matches them as words (every word must match).
_OPERATOR_WORDS = ("OR", "AND", "NOT", "NEAR")


def advice(query: str) -> str | None:
    """A hint for a query that runs but probably not as meant (it is not refused): "a OR b" finds papers
    with the word "or" too, not either word."""
    try:
        pairs = split_query(query)
    except QueryError:
        return None
    words = [value for field, value in pairs if field is None and value in _OPERATOR_WORDS]
    if words:
        return (
            f"“{words[0]}” is searched as a word here, not as an operator: every word you type must match. "
            "Search for one thing at a time, or narrow with filters such as author: or year:"
        )
    return None


def compile_query(query: str) -> tuple[str, list[Any]]:
    """A WHERE clause (over `papers p`) and its parameters for a search string."""
    clauses: list[str] = []
    params: list[Any] = []
    free: list[str] = []
    for field, value in split_query(query):
        if field is None:
            free.append(value)
        elif field == "year":
            match = _YEAR.match(value.strip())
            if not match or not (match.group(1) or match.group(3)):
                raise QueryError("write years as year:2020, year:2019..2021, year:..2018 or year:2020..")
            low, dots, high = match.groups()
            if not dots:
                high = low
            if low and high and int(low) > int(high):
                raise QueryError(f"the years are the wrong way round: year:{high}..{low}")
            if low:
                clauses.append("p.year >= ?")
                params.append(int(low))
            if high:
                clauses.append("p.year <= ?")
                params.append(int(high))
        elif field == "tag":
            clauses.append(
                "p.id IN (SELECT pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id "
                "WHERE t.name LIKE ? ESCAPE '\\')"
            )
            params.append(_like(value, anchored=True))
        elif field == "key":
            clauses.append(
                "(p.citekey LIKE ? ESCAPE '\\' OR p.id IN (SELECT paper_id FROM citekey_aliases "
                "WHERE key LIKE ? ESCAPE '\\'))"
            )
            params.extend([_like(value, anchored=True)] * 2)
        elif field == "id":
            if not value.isdigit():
                raise QueryError("write ids as id:42")
            clauses.append("p.id = ?")
            params.append(int(value))
        else:
            column = {"author": "authors", "title": "title", "venue": "venue", "abstract": "abstract", "note": "note"}[
                field
            ]
            expression = _fts_phrase(value)
            if expression is None:
                raise QueryError(f"'{field}:' needs words to look for, e.g. {field}:{_EXAMPLES[field]}")
            clauses.append("p.id IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?)")
            params.append(f"{column} : ({expression})")
    if free:
        expression = _fts_phrase(" ".join(free))
        if expression is not None:
            clause, more = _free_words_clause(_tokens(" ".join(free)), expression)
            clauses.append(clause)
            params.extend(more)
        elif not clauses:
            raise QueryError("type words to search for, or a filter such as author:lin or year:2019..2021")
    return (" AND ".join(clauses) or "1"), params


# A paper's tags are indexed once per tag in tags_fts (schema v7), not in its papers_fts row. Each free word must
# match the paper's text or one of its tags, as when tags were a column of papers_fts. The first branch is the one
# FTS5 query a search always was; the second starts from the papers whose tags match some word (usually none) and
# checks every word for each of them. Each word's papers are a MATERIALIZED table read through a correlated EXISTS,
# so SQLite reads them only when the second branch has a paper to check: as plain IN lists it read every word's
# papers up front, a common word's thousands, even when no tag matched. UNION ALL: an IN list needs no duplicates
# removed, and removing them cost as much as the search.
_TAGGED_WITH = (
    "SELECT pt.paper_id FROM paper_tags pt WHERE pt.tag_id IN (SELECT rowid FROM tags_fts WHERE tags_fts MATCH ?)"
)


def _free_words_clause(words: list[str], expression: str) -> tuple[str, list[Any]]:
    """The clause (over `papers p`) for free words whose papers_fts expression is `expression`."""
    last = len(words) - 1
    each = [_fts_word(word, number == last) for number, word in enumerate(words)]
    texts = ", ".join(
        f"w{number} AS MATERIALIZED (SELECT rowid AS id FROM papers_fts WHERE papers_fts MATCH ?)"
        for number in range(len(each))
    )
    per_word = " AND ".join(
        f"(EXISTS (SELECT 1 FROM w{number} WHERE w{number}.id = q.id) OR EXISTS (SELECT 1 FROM paper_tags t "
        "WHERE t.paper_id = q.id AND t.tag_id IN (SELECT rowid FROM tags_fts WHERE tags_fts MATCH ?)))"
        for number in range(len(each))
    )
    # The trash and merged papers have no papers_fts row; the tag branch leaves them out the same way.
    clause = (
        f"p.id IN (WITH {texts} SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? UNION ALL "
        f"SELECT q.id FROM papers q WHERE q.id IN ({_TAGGED_WITH}) AND +q.deleted_at IS NULL "
        f"AND +q.merged_into IS NULL AND {per_word})"
    )
    return clause, [*each, expression, " OR ".join(each), *each]


def _like(value: str, *, anchored: bool) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace("*", "%")
    return escaped if anchored else f"%{escaped}%"
