"""Same paper? Same person? Matching an incoming record against the library through indexed keys.

Never compares all pairs: every lookup goes through an index (arXiv id, DOI, title key, the `match_keys` table
of distinctive words, name keys). Every match carries its evidence in words a user can check. This module only
decides; moving claims and authorships is model/merge.py's job, and storing records is model/store.py's.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from papershelf.model import people_evidence
from papershelf.model.citekeys import title_key
from papershelf.model.common import computed_once, now
from papershelf.model.names import ParsedName, fold, initials_compatible, is_initial, names_relation, parse_name

if TYPE_CHECKING:
    from papershelf.model.library import Library


@dataclass
class Match:
    paper_id: int
    score: float
    evidence: list[str] = field(default_factory=list)
    rule: str = ""  # identifier | title | similar-title | content | abstract

    @property
    def confident(self) -> bool:
        return self.score >= AUTO_MERGE_SCORE


AUTO_MERGE_SCORE = 0.9
SUGGEST_SCORE = 0.5
# Two candidates closer than this are a choice for the user, not for the importer.
AMBIGUITY_MARGIN = 0.1
# A word in more titles than this is too common to find candidates with (it still counts when scoring).
COMMON_WORD_POSTINGS = 200
# At most this many postings are read to find the candidates of one record.
CANDIDATE_BUDGET = 4000
CANDIDATES_SCORED = 30
VENUE_CONFLICT = -0.4


# ---------------------------------------------------------------------------------------------- words
def _word_list(text: str) -> list[str]:
    return text.split()


_STOP = frozenset(
    _word_list(
        """a an the of on in for to and or with via from by at as is are be been its it their our we us do does what
    how why when where which while who this that these those can could than then more most less all any each both
    between beyond about also into onto over under through using use used based towards toward upon within across
    among after before during such only very just s t e g et al new novel"""
    )
)
_WORD = re.compile(r"[^\W_]+(?:[-‐‑'’/][^\W_]+)*")
_PARTS = re.compile(r"[-‐‑'’/]")
_SUFFIXES = (
    ("izations", "iz"),
    ("ization", "iz"),
    ("isations", "is"),
    ("isation", "is"),
    ("ations", "at"),
    ("ation", "at"),
    ("ities", ""),
    ("ity", ""),
    ("ments", ""),
    ("ment", ""),
    ("ness", ""),
    ("ings", ""),
    ("ing", ""),
    ("ers", ""),
    ("er", ""),
    ("ies", "i"),
    ("ied", "i"),
    ("ed", ""),
    ("es", ""),
    ("s", ""),
    ("ly", ""),
    ("y", "i"),
)


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light English stemmer: 'pretrainer', 'pretraining' and 'pretrained' all become 'pretrain'."""
    if len(word) <= 4 or not word.isalpha() or not word.isascii():
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                continue
            word = word[: len(word) - len(suffix)] + replacement
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "sl" and word[-1].isalpha():
        word = word[:-1]  # "modell" -> "model", "runn" -> "run"
    elif len(word) > 5 and word.endswith("ll"):
        word = word[:-1]
    return word


# Words that say little about which paper a title names: they still count, with a quarter of the weight.
_GENERIC = frozenset(
    stem(word)
    for word in _word_list(
        """learning model network neural deep method approach framework system data task large scale
    efficient improving understanding study analysis paper problem performance result multi exploring proposed
    effective simple general application algorithm training representation better fast rethinking revisiting
    case evaluation benchmark language generation towards"""
    )
)


@dataclass(frozen=True)
class Unit:
    """One written word of a title: its stemmed parts, and the joined form for hyphenated words."""

    parts: tuple[str, ...]
    joined: str

    @computed_once
    def generic(self) -> bool:
        return all(p in _GENERIC for p in self.parts)

    @computed_once
    def weight(self) -> float:
        return 0.25 if self.generic else 1.0


@dataclass(frozen=True)
class _Text:
    """A text analysed once: its words in order, as a set, and folded whole (for names spelled in URLs)."""

    units: tuple[Unit, ...]
    words: frozenset[str]
    joined: str  # " w1 w2 ... ": a run of words is found by one substring search
    folded: str


@functools.lru_cache(maxsize=256)
def _analyse(text: str) -> _Text:
    units = tuple(_units(text))
    return _Text(units, frozenset(_word_set(units)), _joined(_sequence(units)), fold(text))


def _joined(sequence: Iterable[str]) -> str:
    return " " + " ".join(sequence) + " "


def _units(text: str | None) -> list[Unit]:
    """The words of a text, folded and stemmed, function words left out, in order."""
    if not text:
        return []
    return list(_cached_units(text))


@functools.lru_cache(maxsize=4096)
def _cached_units(text: str) -> tuple[Unit, ...]:
    text = re.sub(r"\$[^$]*\$|\\[a-zA-Z]+|https?://\S+", " ", text)
    return tuple(unit for unit in map(_word_unit, _WORD.findall(text)) if unit is not None)


@functools.lru_cache(maxsize=65536)
def _word_unit(word: str) -> Unit | None:
    # Titles are all different but their words recur: each word is folded and stemmed once.
    raw_parts = [fold(p) for p in _PARTS.split(word)]
    raw_parts = [p for p in raw_parts if p]
    if not raw_parts:
        return None
    parts = tuple(stem(p) for p in raw_parts if p not in _STOP and (len(p) > 1 or p.isdigit()))
    if not parts:
        return None
    joined = stem("".join(raw_parts)) if len(raw_parts) > 1 else parts[0]
    return Unit(parts, joined)


def _word_set(units: Iterable[Unit]) -> set[str]:
    words: set[str] = set()
    for unit in units:
        words.update(unit.parts)
        words.add(unit.joined)
    return words


def _sequence(units: Iterable[Unit]) -> list[str]:
    return [part for unit in units for part in unit.parts]


def _has_unit(unit: Unit, words: Set[str], joined: str | None = None) -> bool:
    """Is this word in the text: as written, or (for "multi-modal") as its parts side by side."""
    if unit.joined in words:
        return True
    if len(unit.parts) == 1:
        return False
    if joined is None:
        return all(p in words for p in unit.parts)
    return _run_found(unit.parts, joined)


def _index_words(units: Iterable[Unit]) -> set[str]:
    """What a text is found by: its non-generic words (generic ones would give too many candidates)."""
    words: set[str] = set()
    for unit in units:
        for part in unit.parts:
            if part not in _GENERIC and (len(part) > 2 or any(ch.isdigit() for ch in part)):
                words.add(part)
        if len(unit.parts) > 1:
            words.add(unit.joined)
    return words


_ANY_WORD = re.compile(r"[^\W_]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")  # the words _ANY_WORD finds in lower-case ASCII text


def _fingerprint(abstract: str | None) -> str | None:
    text = (abstract or "").lower()
    if text.isascii():  # most abstracts: no word needs folding (a third of the time of fingerprinting them)
        words = _ASCII_WORD.findall(text)
    else:
        words = [w if w.isascii() else fold(w) for w in _ANY_WORD.findall(text)]
        words = [w for w in words if w]
    if len(words) < 25:
        return None  # a short blurb is not distinctive enough to call two records one paper
    return hashlib.sha1(" ".join(words).encode()).hexdigest()[:20]


def _title_key(title: str | None) -> str | None:
    return title_key(title)


# ---------------------------------------------------------------------------------------------- the index
def index_paper(library: Library, paper_id: int) -> None:
    """Rewrite one paper's lookup keys from its current row; a merged or purged paper leaves the index."""
    conn = library.conn
    conn.execute("DELETE FROM match_keys WHERE paper_id = ?", (paper_id,))
    row = conn.execute("SELECT title, abstract, merged_into FROM papers WHERE id = ?", (paper_id,)).fetchone()
    if row is None or row[2] is not None:
        return
    conn.executemany(
        "INSERT OR IGNORE INTO match_keys(kind, key, paper_id) VALUES (?, ?, ?)",
        [(kind, key, paper_id) for kind, key in _keys_of(row[0], row[1])],
    )


def index_papers(library: Library, paper_ids: Iterable[int]) -> None:
    for paper_id in paper_ids:
        index_paper(library, paper_id)


def index_new_papers(library: Library, papers: Iterable[tuple[int, str | None, str | None]]) -> None:
    """Write the lookup keys of papers just created (so without any yet) in one statement: (id, title, abstract)
    as stored. An import calls this once at its end."""
    library.conn.executemany(
        "INSERT OR IGNORE INTO match_keys(kind, key, paper_id) VALUES (?, ?, ?)",
        ((kind, key, paper_id) for paper_id, title, abstract in papers for kind, key in _keys_of(title, abstract)),
    )


def rebuild_index(library: Library) -> int:
    """Recompute every live paper's lookup keys (after a bulk load); returns how many papers were indexed."""
    conn = library.conn
    with library.transaction():
        conn.execute("DELETE FROM match_keys")
        count = 0
        batch: list[tuple[str, str, int]] = []
        for paper_id, title, abstract in conn.execute(
            "SELECT id, title, abstract FROM papers WHERE merged_into IS NULL"
        ).fetchall():
            batch.extend((kind, key, paper_id) for kind, key in _keys_of(title, abstract))
            count += 1
            if len(batch) > 50000:
                conn.executemany("INSERT OR IGNORE INTO match_keys(kind, key, paper_id) VALUES (?, ?, ?)", batch)
                batch = []
        conn.executemany("INSERT OR IGNORE INTO match_keys(kind, key, paper_id) VALUES (?, ?, ?)", batch)
    return count


def _keys_of(title: str | None, abstract: str | None) -> list[tuple[str, str]]:
    keys = [("t", word) for word in _index_words(_units(title))]
    if not title and abstract:
        keys += [("a", word) for word in _index_words(_units(abstract))]
    fingerprint = _fingerprint(abstract)
    if fingerprint:
        keys.append(("h", fingerprint))
    return keys


def _postings(conn: Any, kind: str, words: Iterable[str], excluded: set[int], min_hits: int = 2) -> list[int]:
    """The papers holding at least `min_hits` of `words`, most first, reading only the rarer words' postings
    (never a whole table); at most CANDIDATES_SCORED of them."""
    frequencies = []
    for word in words:
        count = conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM match_keys WHERE kind = ? AND key = ? LIMIT ?)",
            (kind, word, COMMON_WORD_POSTINGS),
        ).fetchone()[0]
        if 0 < count < COMMON_WORD_POSTINGS:
            frequencies.append((count, word))
    frequencies.sort()
    chosen: list[str] = []
    budget = CANDIDATE_BUDGET
    for count, word in frequencies:
        if budget - count < 0:
            break
        budget -= count
        chosen.append(word)
    if len(chosen) < min_hits:
        return []
    marks = ",".join("?" * len(chosen))
    rows = conn.execute(
        f"SELECT paper_id, count(*) AS hits FROM match_keys WHERE kind = ? AND key IN ({marks}) "
        "GROUP BY paper_id HAVING hits >= ? ORDER BY hits DESC, paper_id LIMIT ?",
        [kind, *chosen, min_hits, CANDIDATES_SCORED + len(excluded)],
    ).fetchall()
    return [paper_id for paper_id, _ in rows if paper_id not in excluded][:CANDIDATES_SCORED]


# ---------------------------------------------------------------------------------------------- venues
_PREPRINT_WORDS = ("arxiv", "corr", "preprint", "biorxiv", "medrxiv", "ssrn", "technical report", "tech report")
_HINT = re.compile(
    r"(?:accepted|appear(?:s|ing)?|published|presented|to appear)\b[^.;]{0,40}?\b(?:by|at|in|to|for)\s+"
    r"(?:the\s+)?([A-Z][\w&\-/]*(?:\s+[A-Z][\w&\-/]*){0,3}(?:\s*['’]?\d{2,4})?)",
    re.IGNORECASE,
)
_EXTENDED = re.compile(r"technical report|tech(?:nical)?\.? rep|extended version|extension of|full version", re.I)


def _is_preprint(venue: str | None) -> bool:
    if not venue or not venue.strip():
        return True
    text = venue.strip().lower()
    return any(text.startswith(word) or text == word for word in _PREPRINT_WORDS)


def _venue_name(text: str) -> str:
    try:
        from papershelf.model.venues import canonical_venue
    except ImportError:  # the venue table is optional here: without it venues compare by their words
        canonical_venue = None
    if canonical_venue is not None:
        found = canonical_venue(text)
        if found is not None:
            return found.short.lower()
        # "ACL-IJCNLP 2021 main conference (Long Paper)": try the leading words alone
        head = re.split(r"\s+(?:main|long|short|findings|workshop|poster|oral|\()", text, maxsplit=1)[0]
        found = canonical_venue(head)
        if found is not None:
            return found.short.lower()
    return ""


_VENUE_NOISE = frozenset(
    _word_list("proceedings of the conference international annual meeting on in main long short paper papers track")
    + _word_list("poster oral acm ieee and for")
)


def venues_agree(a: str, b: str) -> bool:
    """Do two spellings name one venue ("ACL-IJCNLP 2021" and "ACL", "ACM MM" and "ACMMM")?"""
    name_a, name_b = _venue_name(a), _venue_name(b)
    if name_a and name_b:
        return name_a == name_b
    words_a = [fold(w) for w in re.split(r"[\s\-/,()]+", a) if w and not re.fullmatch(r"['’]?\d{2,4}", w)]
    words_b = [fold(w) for w in re.split(r"[\s\-/,()]+", b) if w and not re.fullmatch(r"['’]?\d{2,4}", w)]
    aliases = {"nips": "neurips"}
    set_a = {aliases.get(w, w) for w in words_a if w and w not in _VENUE_NOISE}
    set_b = {aliases.get(w, w) for w in words_b if w and w not in _VENUE_NOISE}
    if set_a & set_b:
        return True
    return bool(words_a) and "".join(words_a) == "".join(words_b)


def venue_hint(record_or_claim: Any) -> str | None:
    """Where an arXiv record says the work appeared: the importer's hint, the journal ref, or the comments."""
    extra = _get(record_or_claim, "extra") or {}
    hint = extra.get("venue_hint") if isinstance(extra, dict) else None
    if hint:
        return str(hint)
    journal_ref = _get(record_or_claim, "journal_ref")
    if journal_ref:
        return str(journal_ref)
    comments = _get(record_or_claim, "comments")
    if comments:
        match = _HINT.search(str(comments))
        if match:
            return match.group(1).strip()
    return None


def _get(obj: Any, name: str) -> Any:
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


# ---------------------------------------------------------------------------------------------- related works
_RELATION_PREFIX = re.compile(
    r"^(?:a\s+)?(?:preview|sneak peek|extended abstract|supplementary material|supplement|appendix|erratum|"
    r"corrigendum|correction|comment|comments|reply|response|rejoinder|discussion|a note|poster|demo|"
    r"demonstration|tutorial)\b[^:]*?\b(?:of|on|to|for)\b\s*",
    re.IGNORECASE,
)
_RELATION_MARK = re.compile(r"\((?:extended|journal|full|long|short|conference) version\)|\bextended version\b", re.I)
_VERSION = re.compile(r"^(?:v\d+|\d+|ii|iii|iv|plus|pp|\+\+|2|3|4|5)$")


def _head(title: str) -> str | None:
    """The coined name before a colon ("M6-T" in "M6-T: Exploring ..."), if it is short."""
    if ":" not in title:
        return None
    head = title.split(":", 1)[0].strip()
    return head if 0 < len(head.split()) <= 4 else None


def related_works(title_a: str | None, title_b: str | None) -> str | None:
    """Why two different titles name related but different works ("A Preview of X" and "X", "M6-T: ..." and
    "M6-10T: ..."), or None when nothing says so."""
    if not title_a or not title_b:
        return None
    for first, second in ((title_a, title_b), (title_b, title_a)):
        if _RELATION_PREFIX.match(first) and not _RELATION_PREFIX.match(second):
            return f"“{first}” is a companion work of “{second}”, not the same paper"
        if _RELATION_MARK.search(first) and not _RELATION_MARK.search(second):
            return f"“{first}” is another version of “{second}”"
    head_a, head_b = _head(title_a), _head(title_b)
    if head_a and head_b and _title_key(head_a) != _title_key(head_b):
        return f"different names before the colon ({head_a} vs {head_b})"
    words_a, words_b = set(_sequence(_units(title_a))), set(_sequence(_units(title_b)))
    differing = words_a ^ words_b
    if differing and all(_VERSION.match(w) for w in differing):
        return f"titles differ only in a version mark ({', '.join(sorted(differing))})"
    return None


_QUOTED = re.compile(r"[\"“”«]([^\"“”«»]{8,})[\"“”»]")


def _named_relatives(note: str | None) -> set[str]:
    """Title keys a page's remark names as another work ('an extension of my KDD paper "M6: ..."')."""
    if not note:
        return set()
    return {key for key in (_title_key(q) for q in _QUOTED.findall(note)) if key}


# ---------------------------------------------------------------------------------------------- papers
@dataclass
class _Candidate:
    id: int
    title: str | None
    year: int | None
    venue: str | None
    abstract: str | None
    arxiv_id: str | None
    doi: str | None
    comments: str | None
    journal_ref: str | None
    note: str
    title_key: str | None


_CANDIDATE_COLUMNS = "id, title, year, venue, abstract, arxiv_id, doi, comments, journal_ref, note, title_key"


def _load(conn: Any, ids: Iterable[int]) -> list[_Candidate]:
    ids = list(ids)
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT {_CANDIDATE_COLUMNS} FROM papers WHERE id IN ({marks}) AND merged_into IS NULL", ids
    ).fetchall()
    return [_Candidate(*row) for row in rows]


def _ids_conflict(candidate: _Candidate, record: Any) -> str | None:
    arxiv_id = getattr(record, "arxiv_id", None)
    doi = getattr(record, "doi", None)
    if candidate.arxiv_id and arxiv_id and candidate.arxiv_id != arxiv_id:
        return f"arXiv ids differ ({candidate.arxiv_id} vs {arxiv_id})"
    if candidate.doi and doi and candidate.doi.lower() != doi.lower():
        return f"DOIs differ ({candidate.doi} vs {doi})"
    return None


def _page_remarks(conn: Any, paper_id: int) -> str:
    """What the pages themselves remarked on a paper ("(Note that this is an extension of ...)"), read from the
    stored records: the paper's `note` is the user's to edit, and erasing it must not change what matches."""
    remarks = []
    for (record,) in conn.execute("SELECT record FROM claims WHERE paper_id = ?", (paper_id,)):
        remark = json.loads(record).get("note")
        if remark:
            remarks.append(str(remark))
    return "\n".join(remarks)


def _relatives_veto(conn: Any, candidate: _Candidate, record: Any) -> str | None:
    title = getattr(record, "title", None)
    if candidate.title_key and candidate.title_key in _named_relatives(getattr(record, "note", None)):
        return f"the page calls “{candidate.title}” another work of this one"
    if title and _title_key(title) in _named_relatives(_page_remarks(conn, candidate.id)):
        return f"the page calls “{title}” another work of paper {candidate.id}"
    return None


def find_match(library: Library, record: Any, *, exclude: Iterable[int] = ()) -> Match | None:
    """The best library paper this record describes, with the evidence; None when nothing is close.

    A .bib record's own citation key with its title and year first; identifiers next (arXiv id without
    version, DOI); then the title with year, author and venue agreement;
    then, for records without a title (arXiv listings), their abstract against the library's titles. Conflicting
    identifiers veto a match, and so do signs of a related but different work.
    """
    conn = library.conn
    excluded = set(exclude)
    # A .bib entry under a paper's own key with its title and year is that paper, before any identifier: files
    # exist where two entries share a DOI (a copy-paste in JabRef's own test file), and the DOI alone would give
    # the first of them both records.
    cited = _cited_key_match(library, record, excluded)
    if cited is not None:
        return cited
    arxiv_id = getattr(record, "arxiv_id", None)
    if arxiv_id:
        row = conn.execute("SELECT id FROM papers WHERE arxiv_id = ? AND merged_into IS NULL", (arxiv_id,)).fetchone()
        if row and row[0] not in excluded:
            return Match(row[0], 1.0, [f"same arXiv id {arxiv_id}"], "identifier")
    doi = getattr(record, "doi", None)
    if doi:
        row = conn.execute(
            "SELECT id FROM papers WHERE doi = ? COLLATE NOCASE AND merged_into IS NULL", (doi,)
        ).fetchone()
        if row and row[0] not in excluded:
            return Match(row[0], 1.0, [f"same DOI {doi}"], "identifier")
    title = getattr(record, "title", None)
    matches: list[Match] = []
    if title:
        matches += _title_matches(library, record, excluded)
        if not any(m.confident for m in matches):
            matches += _reverse_content_matches(library, record, excluded)
    else:
        matches += _abstract_matches(library, record, excluded)
        matches += _content_matches(library, record, excluded)
        matches += _untitled_key_matches(library, record, excluded)
    return _best(matches)


def _cited_key_match(library: Library, record: Any, excluded: set[int]) -> Match | None:
    """A .bib record under the citation key of a paper with the same title and year: the paper coming back
    from an export (ours or another manager's), even when the library holds others of the same title (a
    parent @book and its chapters, xampl.bib's minimal and full entries) or it has editors, not authors."""
    key = getattr(record, "citekey", None)
    wanted = _title_key(getattr(record, "title", None))
    if not key or not wanted:
        return None
    rows = library.conn.execute(
        "SELECT id FROM papers WHERE merged_into IS NULL AND title_key = ? AND id IN "
        "(SELECT id FROM papers WHERE citekey = ? UNION SELECT paper_id FROM citekey_aliases WHERE key = ?)",
        (wanted, key, key),
    ).fetchall()
    year = getattr(record, "year", None)
    families = {parse_name(name).family.lower() for name in getattr(record, "authors", ())}
    for candidate in _load(library.conn, [r[0] for r in rows if r[0] not in excluded]):
        if candidate.year is not None and year is not None and candidate.year != year:
            continue
        if _ids_conflict(candidate, record):
            continue
        written = {
            parse_name(r[0]).family.lower()
            for r in library.conn.execute("SELECT as_written FROM authorships WHERE paper_id = ?", (candidate.id,))
        }
        if families and written and not families & written:
            continue  # the same key and title for other people's work: left to the title rules
        return Match(candidate.id, 1.0, [f"same citation key {key}, title and year"], "identifier")
    return None


def _untitled_key_matches(library: Library, record: Any, excluded: set[int]) -> list[Match]:
    """An untitled record under the citation key of an untitled library paper with the same authors and year:
    the paper coming back from our own export, which has nothing else to be known by."""
    key = getattr(record, "citekey", None)
    if not key:
        return []
    rows = library.conn.execute(
        "SELECT id, year FROM papers WHERE title IS NULL AND merged_into IS NULL AND id IN "
        "(SELECT id FROM papers WHERE citekey = ? UNION SELECT paper_id FROM citekey_aliases WHERE key = ?)",
        (key, key),
    ).fetchall()
    wanted = [parse_name(name).key for name in getattr(record, "authors", ())]
    matches = []
    for paper_id, year in rows:
        if paper_id in excluded or year != getattr(record, "year", None):
            continue
        written = library.conn.execute(
            "SELECT as_written FROM authorships WHERE paper_id = ? ORDER BY position", (paper_id,)
        ).fetchall()
        if [parse_name(row[0]).key for row in written] == wanted:
            matches.append(Match(paper_id, 1.0, [f"untitled, same citation key {key}, authors and year"], "identifier"))
    return matches


def _best(matches: list[Match]) -> Match | None:
    by_paper: dict[int, Match] = {}
    for match in sorted(matches, key=lambda m: -m.score):
        kept = by_paper.setdefault(match.paper_id, match)
        if kept is not match:  # several rules found the same paper: show every reason
            kept.evidence += [e for e in match.evidence if e not in kept.evidence]
    ranked = sorted(by_paper.values(), key=lambda m: (-m.score, m.paper_id))
    ranked = [m for m in ranked if m.score >= SUGGEST_SCORE]
    if not ranked:
        return None
    best = ranked[0]
    best.score = round(min(best.score, 1.0), 3)
    if best.confident and len(ranked) > 1 and ranked[1].score >= best.score - AMBIGUITY_MARGIN:
        best.score = AUTO_MERGE_SCORE - 0.05
        best.evidence.append(f"paper {ranked[1].paper_id} fits almost as well, so this is left to you")
    return best


def _title_matches(library: Library, record: Any, excluded: set[int]) -> list[Match]:
    conn = library.conn
    title = record.title
    key = _title_key(title)
    units = _units(title)
    same_key = {r[0] for r in conn.execute("SELECT id FROM papers WHERE title_key = ? AND merged_into IS NULL", (key,))}
    needed = max(2, len(_index_words(units)) // 2)
    similar = _postings(conn, "t", _index_words(units), excluded | same_key, needed)
    matches = []
    record_words = _sequence(units)
    for candidate in _load(conn, [*(same_key - excluded), *similar]):
        veto = _ids_conflict(candidate, record) or _relatives_veto(conn, candidate, record)
        if veto:
            continue  # conflicting identifiers, or the page itself says they are two works
        if candidate.title_key == key:
            matches.append(_score_same_title(library, candidate, record, "same title"))
        elif (
            len(record_words) >= 3
            and _sequence(_units(candidate.title)) == record_words
            and not related_works(candidate.title, title)
        ):
            matches.append(_score_same_title(library, candidate, record, "same title up to word forms"))
        elif candidate.title:
            match = _score_similar_title(library, candidate, record)
            if match is not None:
                matches.append(match)
    return matches


def _year_evidence(year_a: int | None, year_b: int | None) -> tuple[float, str | None]:
    if not year_a or not year_b:
        return 0.0, None
    if abs(year_a - year_b) <= 1:
        return 0.1, f"years agree ({year_a}, {year_b})"
    return -0.3, f"years differ ({year_a}, {year_b})"


def _score_same_title(library: Library, candidate: _Candidate, record: Any, why: str) -> Match:
    evidence = [why]
    score = 0.8
    delta, said = _year_evidence(candidate.year, getattr(record, "year", None))
    score += delta
    evidence += [said] if said else []
    shared = _shared_authors(library, candidate.id, getattr(record, "authors", ()))
    if shared:
        score += 0.1
        evidence.append("shared authors: " + ", ".join(shared[:3]))
    elif getattr(record, "authors", ()) and _has_authors(library, candidate.id):
        score -= 0.2
        evidence.append("no author in common")
    venue = getattr(record, "venue", None)
    if not _is_preprint(venue) and not _is_preprint(candidate.venue) and not venues_agree(venue, candidate.venue):
        # two versions of one work (a conference paper and its journal extension): years already said so
        score -= 0.2 if delta >= 0 else 0.0
        evidence.append(f"published at different venues ({candidate.venue}, {venue})")
    if len(_index_words(_units(record.title))) < 3 and not shared:
        # "Introduction", "Deep Learning": a short title alone is no proof of one paper
        score = min(score, AUTO_MERGE_SCORE - 0.05)
        evidence.append("the title is too short to decide without shared authors")
    return Match(candidate.id, score, evidence, "title")


def _weighted_overlap(units_a: list[Unit], units_b: list[Unit]) -> float:
    words_a, words_b = _word_set(units_a), _word_set(units_b)
    total = sum(u.weight for u in units_a) + sum(u.weight for u in units_b)
    if not total:
        return 0.0
    common = sum(u.weight for u in units_a if _has_unit(u, words_b)) + sum(
        u.weight for u in units_b if _has_unit(u, words_a)
    )
    return common / total


def _score_similar_title(library: Library, candidate: _Candidate, record: Any) -> Match | None:
    """Titles that differ by a few words: at most a suggestion, never merged without the user."""
    if related_works(candidate.title, record.title):
        return None
    overlap = _weighted_overlap(_units(record.title), _units(candidate.title))
    if overlap < 0.8:
        return None
    evidence = [f"similar titles ({overlap:.0%} of their words shared)"]
    score = 0.55 + (overlap - 0.8)
    delta, said = _year_evidence(candidate.year, getattr(record, "year", None))
    score += delta / 2
    evidence += [said] if said else []
    shared = _shared_authors(library, candidate.id, getattr(record, "authors", ()))
    if shared:
        score += 0.1
        evidence.append("shared authors: " + ", ".join(shared[:3]))
    elif getattr(record, "authors", ()) and _has_authors(library, candidate.id):
        score -= 0.2
        evidence.append("no author in common")
    return Match(candidate.id, min(score, AUTO_MERGE_SCORE - 0.05), evidence, "similar-title")


def _abstract_matches(library: Library, record: Any, excluded: set[int]) -> list[Match]:
    """An untitled record whose abstract is word for word a library paper's abstract."""
    fingerprint = _fingerprint(getattr(record, "abstract", None))
    if not fingerprint:
        return []
    ids = [
        r[0]
        for r in library.conn.execute("SELECT paper_id FROM match_keys WHERE kind = 'h' AND key = ?", (fingerprint,))
        if r[0] not in excluded
    ]
    matches = []
    for candidate in _load(library.conn, ids):
        if _ids_conflict(candidate, record):
            continue
        score, evidence = 0.95, ["identical abstracts"]
        delta, said = _year_evidence(candidate.year, getattr(record, "year", None))
        if delta < 0:
            score += delta
        evidence += [said] if said else []
        matches.append(Match(candidate.id, score, evidence, "abstract"))
    return matches


@dataclass(frozen=True)
class _Sides:
    """A titled description and an abstract-only one of possibly the same paper."""

    title: str
    titled_venue: str | None
    titled_year: int | None
    arxiv_year: int | None
    hint: str | None
    comments: str | None


def _content_matches(library: Library, record: Any, excluded: set[int]) -> list[Match]:
    """An untitled record (an arXiv listing entry) against the library's titles, by its abstract."""
    abstract = getattr(record, "abstract", None)
    if not abstract:
        return []
    text = _analyse(abstract)
    ids = _postings(library.conn, "t", _index_words(text.units), excluded)
    matches = []
    for candidate in _load(library.conn, ids):
        if not candidate.title or _ids_conflict(candidate, record):
            continue
        sides = _Sides(
            candidate.title,
            candidate.venue,
            candidate.year,
            getattr(record, "year", None),
            venue_hint(record) or _published_venue(record),
            getattr(record, "comments", None),
        )
        match = _score_content(candidate.id, sides, text)
        if match is not None:
            authors = [
                r[0]
                for r in library.conn.execute("SELECT as_written FROM authorships WHERE paper_id = ?", (candidate.id,))
            ]
            matches.append(_with_named_authors(match, authors, text))
    return matches


def _published_venue(record: Any) -> str | None:
    venue = getattr(record, "venue", None)
    return None if _is_preprint(venue) else venue


def _reverse_content_matches(library: Library, record: Any, excluded: set[int]) -> list[Match]:
    """A titled record against library papers that have only an abstract (imported from arXiv listings)."""
    units = _units(record.title)
    ids = _postings(library.conn, "a", _index_words(units), excluded)
    matches = []
    for candidate in _load(library.conn, ids):
        if candidate.title or not candidate.abstract or _ids_conflict(candidate, record):
            continue
        if _relatives_veto(library.conn, candidate, record):
            continue
        hint = None
        for (claim,) in library.conn.execute("SELECT record FROM claims WHERE paper_id = ?", (candidate.id,)):
            hint = hint or venue_hint(json.loads(claim))
        if not hint and candidate.venue and not _is_preprint(candidate.venue):
            hint = candidate.venue
        sides = _Sides(
            record.title,
            getattr(record, "venue", None),
            getattr(record, "year", None),
            candidate.year,
            hint,
            candidate.comments,
        )
        text = _analyse(candidate.abstract)
        match = _score_content(candidate.id, sides, text)
        if match is not None:
            matches.append(_with_named_authors(match, getattr(record, "authors", ()), text))
    return matches


def _run_found(run: Sequence[str], joined: str) -> bool:
    """Does the text (as `_joined` words) say these words side by side, in this order?"""
    return bool(run) and _joined(run) in joined


def _longest_run(title_sequence: list[str], joined: str) -> list[str]:
    """The longest stretch of the title's words that the abstract says in the same order."""
    best: list[str] = []
    for start in range(len(title_sequence)):
        for end in range(len(title_sequence), start + len(best), -1):
            if _run_found(title_sequence[start:end], joined):
                best = title_sequence[start:end]
                break
    return best


def _score_content(paper_id: int, sides: _Sides, abstract: _Text) -> Match | None:
    title_units = _units(sides.title)
    if not title_units:
        return None
    abstract_words = abstract.words
    found = [u for u in title_units if _has_unit(u, abstract_words, abstract.joined)]
    distinctive_found = [u for u in found if not u.generic]
    head = _head(sides.title)
    head_units = _units(head) if head else []
    head_sequence = _sequence(head_units)
    head_found = bool(head_units) and (
        _run_found(head_sequence, abstract.joined) or "".join(head_sequence) in abstract_words
    )
    if len(distinctive_found) < 2 and not (distinctive_found and head_found):
        return None
    coverage = sum(u.weight for u in found) / sum(u.weight for u in title_units)
    if coverage < 0.7:
        return None
    shown = ", ".join(dict.fromkeys(u.joined for u in distinctive_found))
    evidence = [f"the abstract uses {coverage:.0%} of the title's words ({shown})"]
    score = 0.45 + 0.4 * coverage
    run = _longest_run(_sequence(title_units), abstract.joined)
    distinctive_total = sum(1 for u in title_units if not u.generic)
    if len(run) >= 3 or (len(run) >= 2 and len(run) >= distinctive_total):
        score += 0.05
        evidence.append(f"the abstract repeats the title's phrase “{' '.join(run)}”")
    if head_units:
        if head_found:
            score += 0.05
            evidence.append(f"the abstract names {head}")
        else:
            # A paper's abstract nearly always names its system: silence about it speaks against the match.
            score -= 0.25
            evidence.append(f"the abstract never names {head}")
    if sides.titled_year and sides.arxiv_year:
        gap = sides.titled_year - sides.arxiv_year
        if gap in (0, 1):
            score += 0.05
            evidence.append(f"years agree ({sides.titled_year}, arXiv {sides.arxiv_year})")
        elif gap == -1:
            evidence.append(f"years close ({sides.titled_year}, arXiv {sides.arxiv_year})")
        else:
            score -= 0.4
            evidence.append(f"years differ ({sides.titled_year}, arXiv {sides.arxiv_year})")
    delta, said = _venue_evidence(sides)
    if delta <= VENUE_CONFLICT:
        return None  # the arXiv record says it appeared elsewhere: another version, another work
    score += delta
    evidence += [said] if said else []
    return Match(paper_id, score, evidence, "content")


def _with_named_authors(match: Match, authors: Sequence[str], abstract: _Text) -> Match:
    named = _authors_named(authors, abstract.folded)
    if named:
        match.score += 0.05
        match.evidence.append("the abstract names " + ", ".join(named))
    return match


def _venue_evidence(sides: _Sides) -> tuple[float, str | None]:
    published = not _is_preprint(sides.titled_venue)
    extended = bool(sides.comments and _EXTENDED.search(sides.comments))
    if sides.hint:
        if not published:
            return 0.0, f"arXiv says {sides.hint}; the other names no venue"
        if venues_agree(sides.hint, sides.titled_venue):
            return 0.1, f"venues agree ({sides.hint}, {sides.titled_venue})"
        return VENUE_CONFLICT, f"venues differ ({sides.hint}, {sides.titled_venue})"
    if published:
        if extended:
            return (
                -0.15,
                f"the arXiv record is a report or extended version, the other appeared at {sides.titled_venue}",
            )
        return -0.05, f"arXiv names no venue, the other appeared at {sides.titled_venue}"
    if extended:
        return 0.1, "both are preprints (the arXiv record is a report)"
    return 0.05, "both are preprints"


def _authors_named(authors: Sequence[str], folded: str) -> list[str]:
    """Authors whose names the (folded) abstract spells out, often in a code URL: github.com/junkangwu."""
    named = []
    for name in authors:
        parsed = parse_name(name)
        for form in (fold(parsed.given) + fold(parsed.family), fold(parsed.family) + fold(parsed.given)):
            if len(form) >= 8 and fold(parsed.given) and form in folded:
                named.append(name)
                break
    return named


def _has_authors(library: Library, paper_id: int) -> bool:
    return bool(library.conn.execute("SELECT 1 FROM authorships WHERE paper_id = ?", (paper_id,)).fetchone())


def _shared_authors(library: Library, paper_id: int, names: Sequence[str]) -> list[str]:
    """Names on both lists: the same folded name in either order, or an initial form ("H. V. Jagadish")."""
    if not names:
        return []
    parsed = [parse_name(n) for n in names]
    keys = {k for p in parsed for k in p.keys}
    shared = []
    for (written,) in library.conn.execute("SELECT as_written FROM authorships WHERE paper_id = ?", (paper_id,)):
        other = parse_name(written)
        if other.key in keys or any(initials_compatible(other, p) for p in parsed):
            shared.append(written)
    return shared


def suggest(library: Library, paper_id: int, match: Match) -> int:
    """Queue a possible duplicate for review unless the user already called the pair distinct."""
    return queue_candidate(library, "paper", paper_id, match.paper_id, match.score, match.evidence)


def queue_candidate(library: Library, kind: str, first: int, second: int, score: float, evidence: list[str]) -> int:
    """Put a pair in the review queue; a pair already decided (distinct or merged) is never proposed again."""
    if first == second:
        return 0
    a, b = sorted((first, second))
    cursor = library.conn.execute(
        "INSERT INTO duplicate_candidates(kind, a_id, b_id, score, evidence, created_at) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(kind, a_id, b_id) DO UPDATE SET score = excluded.score, evidence = excluded.evidence "
        "WHERE status = 'open'",
        (kind, a, b, round(score, 3), json.dumps(evidence, ensure_ascii=False), now()),
    )
    return cursor.rowcount


def is_decided(library: Library, kind: str, first: int, second: int) -> bool:
    a, b = sorted((first, second))
    row = library.conn.execute(
        "SELECT status FROM duplicate_candidates WHERE kind = ? AND a_id = ? AND b_id = ?", (kind, a, b)
    ).fetchone()
    return bool(row) and row[0] != "open"


# ---------------------------------------------------------------------------------------------- authors
# The first time a name is weighed: up to this many people sharing it, each is scored by its own co-authorship
# count (a few index reads each); past it the count starts from the co-authors instead, so a name shared by
# thousands of people ("Wei Wang") costs what the co-authors' papers cost, not a query per namesake. From the
# second time on, the connection's kept evidence answers (model/people_evidence.py).
_FEW_NAMESAKES = 16

# Walks the (name_key, author_id) index in order, so reading stops as soon as enough namesakes are known.
_NAMESAKES_SQL = (
    "SELECT DISTINCT v.author_id FROM author_variants v JOIN authors a ON a.id = v.author_id "
    "WHERE v.name_key = ? AND a.merged_into IS NULL ORDER BY v.author_id"
)


def pick_author(
    library: Library,
    parsed: ParsedName,
    coauthor_names: Sequence[str],
    *,
    exclude: Set[int] = frozenset(),
    before_tiebreak: Callable[[], object] | None = None,
    weigh: bool = True,
) -> int | None:
    """The existing person a name most likely means, or None to create a new one; never one in `exclude`
    (people already placed on the same author list).

    Only the name as parsed is looked up here; order swaps and initial forms are joined later, from evidence
    (see `reconcile_authors`). Among namesakes, the one who already wrote with these co-authors wins (the most
    co-authorships with their names; the oldest person on a tie or when none has any). With `weigh` False the
    co-authorships are not counted: the oldest namesake stands in, for a caller that `before_tiebreak` tells
    the choice is left to later (an import's plan, whose own papers are not written yet).
    """
    conn = library.conn
    rows: list[int] = []
    for (author_id,) in conn.execute(_NAMESAKES_SQL, (parsed.key,)):
        if not coauthor_names and author_id not in exclude:
            return author_id  # nothing to weigh namesakes by: the oldest, without reading the others
        if author_id not in exclude:
            rows.append(author_id)
            if len(rows) > _FEW_NAMESAKES:
                break
    if not rows:
        return None
    if len(rows) == 1 or not coauthor_names:
        return rows[0]
    if before_tiebreak is not None:  # the co-authorships counted below must all be written (an import batches them)
        before_tiebreak()
    if not weigh:
        return rows[0]
    keys = [parse_name(n).key for n in coauthor_names]
    scores = _namesake_scores(library, parsed.key, rows, keys, exclude)
    best = max(scores.values(), default=0)
    if best <= 0:
        return rows[0]
    return min(author_id for author_id, score in scores.items() if score == best)


def _coauthorship_count(conn: Any, author_id: int, keys: Sequence[str]) -> int:
    """Places beside this person on a shared paper held by someone with a name among `keys` (one per variant)."""
    marks = ",".join("?" * len(keys))
    return conn.execute(
        f"""SELECT count(*) FROM authorships s JOIN authorships o ON o.paper_id = s.paper_id
            JOIN author_variants v ON v.author_id = o.author_id
            WHERE s.author_id = ? AND v.name_key IN ({marks})""",
        [author_id, *keys],
    ).fetchone()[0]


def _namesake_scores(
    library: Library, name_key: str, rows: Sequence[int], keys: Sequence[str], exclude: Set[int]
) -> dict[int, int]:
    """Co-authorship counts of the namesakes: of each of `rows` when they are all of them, else of everyone
    with any. A name weighed again (an import naming the same person on every entry) is counted from the
    connection's kept evidence (model/people_evidence.py), which adds only the papers written since."""
    crowded = len(rows) > _FEW_NAMESAKES
    try:
        kept = people_evidence.coauthorship_counts(library, name_key, keys, exclude)
    except sqlite3.Error:
        # The kept evidence needs a temp table and triggers; a connection that cannot make them counts directly.
        people_evidence.forget(library)
        kept = None
    if kept is not None:
        return kept if crowded else {author_id: kept.get(author_id, 0) for author_id in rows}
    if crowded:
        return _coauthorship_counts(library.conn, name_key, keys, exclude)
    return {author_id: _coauthorship_count(library.conn, author_id, keys) for author_id in rows}


def _coauthorship_counts(conn: Any, name_key: str, keys: Sequence[str], exclude: Set[int]) -> dict[int, int]:
    """`_coauthorship_count` of every live person called `name_key` who has any (but `exclude`), counted from
    the co-authors' side: their papers, weighted by how many of their names each holds, then the namesakes
    on those papers."""
    marks = ",".join("?" * len(keys))
    counted = conn.execute(
        f"""WITH co(author_id, n) AS (
                SELECT author_id, count(*) FROM author_variants WHERE name_key IN ({marks}) GROUP BY author_id),
            weight(paper_id, w) AS (
                SELECT o.paper_id, sum(co.n) FROM co JOIN authorships o ON o.author_id = co.author_id
                GROUP BY o.paper_id),
            scored(author_id, total) AS (
                SELECT s.author_id, sum(weight.w) FROM weight JOIN authorships s ON s.paper_id = weight.paper_id
                GROUP BY s.author_id)
            -- Who is a namesake is asked once per person, not once per shared paper.
            SELECT author_id, total FROM scored
            WHERE EXISTS (SELECT 1 FROM author_variants v WHERE v.name_key = ? AND v.author_id = scored.author_id)
            AND (SELECT merged_into FROM authors WHERE id = scored.author_id) IS NULL""",
        [*keys, name_key],
    ).fetchall()
    return {author_id: total for author_id, total in counted if author_id not in exclude and total > 0}


@dataclass
class AuthorMatch:
    """Two author records that may be one person, with what speaks for and against it."""

    a_id: int
    b_id: int
    kind: str  # "order swap" | "initials"
    score: float
    evidence: list[str]
    strong: bool  # enough to join without asking


@dataclass
class AuthorPass:
    merged: list[tuple[int, int, list[str]]] = field(default_factory=list)  # (kept, merged, evidence)
    suggested: int = 0


def _variants(conn: Any, author_id: int) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM author_variants WHERE author_id = ?", (author_id,))]


def _name_forms(parsed: ParsedName) -> list[str]:
    """Keys an initial form of this name would have: "Hosagrahar V. Jagadish" -> jagadish|hv, jagadish|h ..."""
    return _forms(parsed.folded_family, [fold(p) for p in parsed.given_parts])


def _forms(family: str, given_parts: list[str]) -> list[str]:
    """`_name_forms` from the folded family name and given names."""
    parts = [p for p in given_parts if p]
    if not parts:
        return []
    initials = "".join(p[0] for p in parts)
    return [f"{family}|{form}" for form in {initials, parts[0][0], parts[0] + initials[1:], "".join(parts)}]


def _middle_initial_forms(conn: Any, parsed: ParsedName) -> list[tuple[int, str]]:
    """People written as this name with middle initials added or dropped: "Geoffrey Hinton" and "Geoffrey E.
    Hinton", the commonest variation of a name between a page and a .bib. The first given name is written out
    in both; every other given name is an initial in one of them."""
    parts = parsed.given_parts
    first = fold(parts[0]) if parts else ""
    if not first or is_initial(parts[0]) or not parsed.family:
        return []
    family = parsed.folded_family
    if len(parts) > 1 and all(is_initial(p) for p in parts[1:]):
        rows = conn.execute(
            "SELECT DISTINCT author_id, name FROM author_variants WHERE name_key = ?", (f"{family}|{first}",)
        ).fetchall()
    elif len(parts) == 1:
        prefix = f"{family}|{first}"
        rows = conn.execute(
            "SELECT DISTINCT author_id, name FROM author_variants WHERE name_key > ? AND name_key < ? LIMIT 100",
            (prefix, prefix + "\uffff"),
        ).fetchall()
    else:
        return []
    found = []
    for other_id, other_name in rows:
        other = parse_name(other_name)
        other_parts = other.given_parts
        if (
            other_parts
            and fold(other_parts[0]) == first
            and len(other_parts) != len(parts)
            and all(is_initial(p) for p in (other_parts if len(other_parts) > len(parts) else parts)[1:])
            and initials_compatible(other, parsed)
        ):
            found.append((other_id, other_name))
    return found


def _live(conn: Any, author_id: int) -> bool:
    row = conn.execute("SELECT merged_into FROM authors WHERE id = ?", (author_id,)).fetchone()
    return bool(row) and row[0] is None


def author_candidates(library: Library, author_id: int) -> list[AuthorMatch]:
    """Other people this author may be: the same name in the other order, or with initials; each judged."""
    conn = library.conn
    found: dict[int, str] = {}
    for name in _variants(conn, author_id):
        parsed = parse_name(name)
        if not parsed.given or not parsed.family:
            continue
        lookups: list[tuple[str, str]] = [("order swap", parsed.swapped_key)]
        if parsed.is_initials:
            prefix = f"{parsed.folded_family}|{fold(parsed.given)[:1]}"
            rows = conn.execute(
                "SELECT DISTINCT author_id, name FROM author_variants WHERE name_key >= ? AND name_key < ? LIMIT 100",
                (prefix, prefix + "\uffff"),
            ).fetchall()
            for other_id, other_name in rows:
                if other_id != author_id and initials_compatible(parse_name(other_name), parsed):
                    found.setdefault(other_id, "initials")
        else:
            lookups += [("initials", key) for key in _name_forms(parsed) if key != parsed.key]
            for other_id, _other_name in _middle_initial_forms(conn, parsed):
                if other_id != author_id:
                    found.setdefault(other_id, "middle initial")
        for kind, key in lookups:
            for other_id, other_name in conn.execute(
                "SELECT author_id, name FROM author_variants WHERE name_key = ?", (key,)
            ):
                if other_id == author_id:
                    continue
                other = parse_name(other_name)
                if kind == "initials" and not (other.is_initials and initials_compatible(other, parsed)):
                    continue
                found.setdefault(other_id, kind)
    matches = []
    for other_id, kind in found.items():
        if not _live(conn, other_id) or is_decided(library, "author", author_id, other_id):
            continue
        match = judge_authors(library, author_id, other_id, kind)
        if match is not None:
            matches.append(match)
    return matches


def without_candidates(library: Library, author_ids: Iterable[int]) -> set[int]:
    """Of these people, those `author_candidates` would find no one for, read in a few statements: none of their
    names has an initial-only form (looked up by prefix), and no one else holds a name their other order or
    initial forms would look up. An import's order-swap pass skips them (most of a first import's people)."""
    conn = library.conn
    ids = sorted(set(author_ids))
    wanted: dict[int, set[str]] = {}
    prefixes: dict[int, set[str]] = {}
    keep: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for author_id, name in conn.execute(
            f"SELECT author_id, name FROM author_variants WHERE author_id IN ({marks})", chunk
        ):
            parsed = parse_name(name)
            if not parsed.given or not parsed.family:
                continue
            if parsed.is_initials:
                keep.add(author_id)
                continue
            keys = wanted.setdefault(author_id, set())
            keys.add(parsed.swapped_key)
            # Each part folded once (an import's thousands of new people pass here): `_name_forms` of them.
            parts = parsed.given_parts
            family = parsed.folded_family
            folded = [fold(p) for p in parts]
            own = parsed.key
            keys.update(key for key in _forms(family, folded) if key != own)
            # A middle initial dropped ("Geoffrey E. Hinton" looks up "Geoffrey Hinton") or added (a prefix).
            if parts and not is_initial(parts[0]):
                base = f"{family}|{folded[0]}"
                if len(parts) > 1 and all(is_initial(p) for p in parts[1:]):
                    keys.add(base)
                elif len(parts) == 1:
                    prefixes.setdefault(author_id, set()).add(base)
    extended = _extended_keys(conn, {key for keys in prefixes.values() for key in keys})
    for author_id, keys in prefixes.items():
        if keys & extended:
            keep.add(author_id)
    holders: dict[str, set[int]] = {}
    every = sorted({key for keys in wanted.values() for key in keys})
    for start in range(0, len(every), 500):
        chunk = every[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for key, author_id in conn.execute(
            f"SELECT name_key, author_id FROM author_variants WHERE name_key IN ({marks})", chunk
        ):
            holders.setdefault(key, set()).add(author_id)
    for author_id, keys in wanted.items():
        for key in keys:
            held = holders.get(key)
            if held and (len(held) > 1 or author_id not in held):  # someone else holds it
                keep.add(author_id)
                break
    return set(ids) - keep


def _extended_keys(conn: Any, bases: set[str]) -> set[str]:
    """Of these name keys ("hinton|geoffrey"), those some stored name extends ("hinton|geoffreye"): one range
    read of the name-key index per key, all in one statement per chunk."""
    found: set[str] = set()
    ordered = sorted(bases)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        values = ",".join(["(?)"] * len(chunk))
        found.update(
            row[0]
            for row in conn.execute(
                f"WITH b(k) AS (VALUES {values}) SELECT DISTINCT b.k FROM b "
                "WHERE EXISTS (SELECT 1 FROM author_variants v WHERE v.name_key > b.k AND v.name_key < b.k || ?)",
                [*chunk, "\uffff"],
            )
        )
    return found


def _places(conn: Any, author_id: int) -> set[int]:
    """The live papers a person is on: a place in the list, or as a page's owner behind "et al."."""
    return {
        r[0]
        for r in conn.execute(
            """SELECT s.paper_id FROM authorships s JOIN papers p ON p.id = s.paper_id
               WHERE s.author_id = ? AND p.merged_into IS NULL
               UNION SELECT i.paper_id FROM implied_authors i JOIN papers p ON p.id = i.paper_id
               WHERE i.author_id = ? AND p.merged_into IS NULL""",
            (author_id, author_id),
        )
    }


def _people_on(conn: Any, paper_ids: Iterable[int], *, implied: bool = True) -> set[int]:
    """Everyone on these papers' author lists, and (with `implied`) everyone linked to them behind "et al."."""
    ids = list(paper_ids)
    found: set[int] = set()
    for start in range(0, len(ids), 500):  # SQLite's limit on bound parameters, with room to spare
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT author_id FROM authorships WHERE paper_id IN ({marks})"
        if implied:
            sql += f" UNION SELECT author_id FROM implied_authors WHERE paper_id IN ({marks})"
        found.update(r[0] for r in conn.execute(sql, chunk + chunk if implied else chunk))
    return found


def has_places(library: Library, author_id: int) -> bool:
    """Does anything still name this person: a place on a list, an "et al." link, a page they own?"""
    return bool(
        library.conn.execute(
            "SELECT 1 FROM authorships WHERE author_id = :a "
            "UNION ALL SELECT 1 FROM implied_authors WHERE author_id = :a "
            "UNION ALL SELECT 1 FROM profiles WHERE author_id = :a "
            "UNION ALL SELECT 1 FROM sources WHERE owner_id = :a LIMIT 1",
            {"a": author_id},
        ).fetchone()
    )


# The papers read for same-place evidence, at most: a prolific author's whole record is not needed to decide.
SAME_PLACE_PAPERS = 200


def _same_place(conn: Any, a_id: int, b_id: int) -> str | None:
    """Evidence that two name forms are one person from one paper's records: two sources writing them in the
    same place of the list ("H. V. Jagadish" / "Jagadish, Hosagrahar V."), or one of them the page owner behind
    "et al." and the other the one form of the owner's name in another source's full list."""
    names = {a_id: _variants(conn, a_id), b_id: _variants(conn, b_id)}
    keys = {author: {parse_name(n).key for n in found} for author, found in names.items()}
    papers = sorted(_places(conn, a_id) | _places(conn, b_id))[:SAME_PLACE_PAPERS]
    for paper_id in papers:
        claims = [
            (source_id, file, json.loads(record).get("authors") or [])
            for source_id, file, record in conn.execute(
                "SELECT c.source_id, s.file, c.record FROM claims c JOIN sources s ON s.id = c.source_id "
                "WHERE c.paper_id = ? ORDER BY c.id",
                (paper_id,),
            )
        ]
        for source_x, file_x, list_x in claims:
            for source_y, file_y, list_y in claims:
                if source_x == source_y:
                    continue
                for name_x, name_y in zip(list_x, list_y, strict=False):
                    parsed_x, parsed_y = parse_name(name_x), parse_name(name_y)
                    if (
                        parsed_x.key in keys[a_id]
                        and parsed_y.key in keys[b_id]
                        and parsed_x.key != parsed_y.key
                        and names_relation(parsed_x, parsed_y)
                    ):
                        return f"one paper, one place: {file_x} writes {name_x}, {file_y} writes {name_y}"
        for owner, source_id in conn.execute(
            "SELECT author_id, source_id FROM implied_authors WHERE paper_id = ? AND author_id IN (?, ?)",
            (paper_id, a_id, b_id),
        ).fetchall():
            other = b_id if owner == a_id else a_id
            forms = [parse_name(n) for n in names[owner]]
            for source_x, file_x, list_x in claims:
                if source_x == source_id:
                    continue
                fits = [n for n in list_x if any(names_relation(parse_name(n), f) for f in forms)]
                if len(fits) == 1 and parse_name(fits[0]).key in keys[other]:
                    return f"the page owner behind “et al.” on a paper is written {fits[0]} in {file_x}'s full list"
    return None


_RELATION_WORDS = {
    "order swap": "the same name in the other order",
    "middle initial": "the same name with a middle initial",
}


def share_a_list(conn: Any, a_id: int, b_id: int) -> bool:
    """Whether two people sit on one author list (of a paper not merged away): then they are two people."""
    return (
        conn.execute(
            """SELECT 1 FROM authorships s JOIN authorships o ON o.paper_id = s.paper_id
               JOIN papers p ON p.id = s.paper_id
               WHERE s.author_id = ? AND o.author_id = ? AND p.merged_into IS NULL LIMIT 1""",
            (a_id, b_id),
        ).fetchone()
        is not None
    )


def judge_authors(library: Library, a_id: int, b_id: int, kind: str) -> AuthorMatch | None:
    """Weigh the evidence that two name forms are one person; None when it says they are two.

    Both names on one author list: two people. For one person: shared co-authors, the same pages, and the
    strongest, one paper whose sources write the two forms in the same place. A page owner known only behind
    "et al." counts as on that paper.
    """
    conn = library.conn
    if share_a_list(conn, a_id, b_id):
        return None  # both names on one author list: two people, whatever the names say
    papers_a, papers_b = _places(conn, a_id), _places(conn, b_id)
    shared_ids = sorted((_people_on(conn, papers_a) & _people_on(conn, papers_b)) - {a_id, b_id})
    pages = sorted(_sources_of(conn, papers_a) & _sources_of(conn, papers_b))
    same_place = _same_place(conn, a_id, b_id)
    names_a, names_b = _variants(conn, a_id), _variants(conn, b_id)
    evidence = [
        f"{names_a[0] if names_a else a_id} and {names_b[0] if names_b else b_id}: "
        + _RELATION_WORDS.get(kind, "the same name with initials")
    ]
    if same_place:
        evidence.append(same_place)
    if shared_ids:
        shown = [
            r[0]
            for r in conn.execute(
                f"SELECT display_name FROM authors WHERE id IN ({','.join('?' * len(shared_ids))}) ORDER BY id",
                shared_ids,
            )
        ]
        evidence.append(
            f"{len(shared_ids)} shared co-author{'s' if len(shared_ids) > 1 else ''}: " + ", ".join(shown[:4])
        )
    if pages:
        files = [
            r[0] for r in conn.execute(f"SELECT file FROM sources WHERE id IN ({','.join('?' * len(pages))})", pages)
        ]
        evidence.append("listed on the same page: " + ", ".join(files[:3]))
    strong = bool(same_place) or len(shared_ids) >= 2 or (len(shared_ids) >= 1 and bool(pages))
    if kind == "middle initial":
        # People add a middle initial precisely to tell themselves from a namesake ("Wei J. Wang"): shared
        # co-authors only propose the pair; one paper written both ways in the same place joins it.
        strong = bool(same_place)
    if not strong:
        single_initial = (
            kind == "initials"
            and min((len(parse_name(n).given_parts) for n in names_a + names_b if parse_name(n).is_initials), default=0)
            <= 1
        )
        if not shared_ids and not pages and (single_initial or kind == "middle initial"):
            # "J. Lin" and "Junyang Lin", "Wei Wang" and "Wei J. Wang", with nothing else in common: too weak
            # even to ask (a common name has many holders).
            return None
    score = 0.5 + 0.1 * min(len(shared_ids), 3) + (0.1 if pages else 0.0)
    if strong:
        score = max(score, AUTO_MERGE_SCORE)
    return AuthorMatch(a_id, b_id, kind, round(min(score, 1.0), 3), evidence, strong)


def _sources_of(conn: Any, paper_ids: Iterable[int]) -> set[int]:
    ids = list(paper_ids)
    found: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(
            r[0] for r in conn.execute(f"SELECT DISTINCT source_id FROM claims WHERE paper_id IN ({marks})", chunk)
        )
    return found


def keep_first(library: Library, a_id: int, b_id: int) -> tuple[int, int]:
    """Which of two records of one person to keep: a page's owner, a full name over initials, more papers."""
    return _keep_first(library, a_id, b_id)


def _keep_first(library: Library, a_id: int, b_id: int) -> tuple[int, int]:
    conn = library.conn

    def rank(author_id: int) -> tuple[int, int, int, int]:
        owner = conn.execute("SELECT 1 FROM profiles WHERE author_id = ? LIMIT 1", (author_id,)).fetchone()
        display = conn.execute("SELECT display_name FROM authors WHERE id = ?", (author_id,)).fetchone()[0]
        full = not parse_name(display).is_initials
        papers = conn.execute("SELECT count(*) FROM authorships WHERE author_id = ?", (author_id,)).fetchone()[0]
        return (1 if owner else 0, 1 if full else 0, papers, -author_id)

    return (a_id, b_id) if rank(a_id) >= rank(b_id) else (b_id, a_id)


def settle_name_order(library: Library, author_id: int) -> bool:
    """After "Wang Xue" and "Xue Wang" are joined, make the person's given and family names the order the pages
    prove: a comma form ("Wang, Xue") decides, else most places as written. True if the record was turned round.
    Exports and keys read the person's record, never a re-parse of a page's swapped form."""
    conn = library.conn
    row = conn.execute("SELECT given, family FROM authors WHERE id = ?", (author_id,)).fetchone()
    if row is None or not row[0] or not row[1]:
        return False
    record_key, swapped_key = parse_name(f"{row[1]}, {row[0]}").key, parse_name(f"{row[0]}, {row[1]}").key
    votes = {"kept": 0, "turned": 0}
    for (written,) in conn.execute("SELECT as_written FROM authorships WHERE author_id = ?", (author_id,)):
        parsed = parse_name(written)
        weight = 5 if "," in written else 1  # a comma says which part is the family name
        if parsed.key == record_key:
            votes["kept"] += weight
        elif parsed.key == swapped_key:
            votes["turned"] += weight
    if votes["turned"] <= votes["kept"]:
        return False
    turned = parse_name(f"{row[0]}, {row[1]}")
    conn.execute(
        "UPDATE authors SET display_name = ?, given = ?, family = ?, name_key = ? WHERE id = ?",
        (turned.display, turned.given, turned.family, turned.key, author_id),
    )
    return True


# ---------------------------------------------------------------------------------------------- page owners
# Things a page and a same-named person must share before the page is taken to be theirs: papers it lists that
# are theirs, or their co-authors on it.
OWNER_EVIDENCE_NEEDED = 2


def namesakes(library: Library, parsed: ParsedName) -> list[int]:
    """Live people with a name that folds to this one."""
    return [
        r[0]
        for r in library.conn.execute(
            "SELECT DISTINCT v.author_id FROM author_variants v JOIN authors a ON a.id = v.author_id "
            "WHERE v.name_key = ? AND a.merged_into IS NULL ORDER BY v.author_id",
            (parsed.key,),
        )
    ]


def _identified_papers(conn: Any, record: Any) -> set[int]:
    """Library papers a record names by arXiv id, DOI or exact title (index look-ups only)."""
    found: set[int] = set()
    arxiv_id, doi, key = getattr(record, "arxiv_id", None), getattr(record, "doi", None), None
    if arxiv_id:
        found.update(r[0] for r in conn.execute("SELECT id FROM papers WHERE arxiv_id = ?", (arxiv_id,)))
    if doi:
        found.update(r[0] for r in conn.execute("SELECT id FROM papers WHERE doi = ? COLLATE NOCASE", (doi,)))
    key = _title_key(getattr(record, "title", None))
    if key:
        found.update(r[0] for r in conn.execute("SELECT id FROM papers WHERE title_key = ?", (key,)))
    return found


def _coauthor_keys(conn: Any, papers: Iterable[int], exclude: Set[int]) -> dict[str, int]:
    """Name key -> person for everyone on these papers but `exclude`."""
    keys: dict[str, int] = {}
    for person in _people_on(conn, papers) - set(exclude):
        for (key,) in conn.execute("SELECT name_key FROM author_variants WHERE author_id = ?", (person,)):
            keys.setdefault(key, person)
    return keys


def owner_evidence(library: Library, candidate: int, owner_name: ParsedName, records: Sequence[Any]) -> list[str]:
    """What a page about to be imported shares with a same-named person: papers of theirs it lists, and their
    co-authors named on its other papers. One line per thing shared."""
    conn = library.conn
    theirs = _places(conn, candidate)
    if not theirs:
        return []
    evidence: list[str] = []
    listed: set[str] = set()
    for record in records:
        shared = _identified_papers(conn, record) & theirs
        if shared:
            title = getattr(record, "title", None) or getattr(record, "arxiv_id", None) or "a paper"
            evidence.append(f"the page lists {title}, one of their papers")
            continue
        for name in getattr(record, "authors", ()) or ():
            parsed = parse_name(name)
            if parsed.key != owner_name.key:
                listed.add(parsed.key)
    coauthors = _coauthor_keys(conn, theirs, {candidate})
    people = {coauthors[key] for key in listed if key in coauthors}
    evidence += [f"co-author {_display(conn, person)} is on the page" for person in sorted(people)]
    return evidence


def page_owner_evidence(library: Library, owner_id: int, namesake: int, source_id: int) -> list[str]:
    """After a page is stored: which of its papers are the namesake's, and which of the namesake's co-authors
    are on its other papers. One line per thing shared."""
    conn = library.conn
    page = {r[0] for r in conn.execute("SELECT DISTINCT paper_id FROM claims WHERE source_id = ?", (source_id,))}
    theirs = _places(conn, namesake)
    shared = sorted(page & theirs)
    evidence = [f"the page lists “{_title(conn, paper_id)}”, one of their papers" for paper_id in shared]
    # Co-authors count only on papers not already counted: a shared paper's authors would count it again.
    on_page = _people_on(conn, page - theirs) - {owner_id, namesake}
    theirs_people = _people_on(conn, theirs) - {owner_id, namesake}
    evidence += [f"co-author {_display(conn, person)} is on the page" for person in sorted(on_page & theirs_people)]
    return evidence


def _display(conn: Any, author_id: int) -> str:
    row = conn.execute("SELECT display_name FROM authors WHERE id = ?", (author_id,)).fetchone()
    return row[0] if row else str(author_id)


def _title(conn: Any, paper_id: int) -> str:
    row = conn.execute("SELECT title, arxiv_id FROM papers WHERE id = ?", (paper_id,)).fetchone()
    if not row:
        return f"paper {paper_id}"
    return row[0] or (f"arXiv:{row[1]}" if row[1] else f"paper {paper_id}")


def papers_authors(library: Library, paper_ids: Iterable[int]) -> set[int]:
    """Everyone on these papers' author lists (the people an import may have introduced)."""
    return _people_on(library.conn, paper_ids, implied=False)
