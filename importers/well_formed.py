"""How well formed a reading of a page is, judged by what the user would see in the library: a venue without
page numbers, volumes, years or a pasted note, authors that are people's names, a plausible year.

Used to choose between two importers that both read a page (importers/base.py `second_opinion`). It scores
records only, after the same normalisation the pipeline applies; it never reads the page and knows no layout
or file name. It must not parse, store or change records.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from papershelf.importers.normalize import normalize_record
from papershelf.model.names import PARTICLES
from papershelf.model.records import PaperRecord

# What a citation puts around a venue and a user does not want in it: a year ("2024", "CHI '24"), pages
# ("1–18", "pp. 3"), volume and issue ("vol. 18, no. 2", "111(2)", "180, 104433"), an arXiv or CoRR number,
# where the conference was held ("(ISSCC), San Francisco, CA, USA": two parts after the venue's acronym).
_VENUE_DEBRIS = re.compile(
    r"\b(?:19|20)\d{2}\b"
    r"|\)\s*,\s*\w[\w.'’ -]*,\s*\w"
    r"|['’]\d{2}\b"
    r"|\d+\s*[-–—]\s*\d+"
    r"|\b(?:pp?|vol|no|nr|pages|volume|issue|art)\b\.?\s*[A-Z]{0,2}\d"  # IEICE's "vol. J103-D" too
    r"|\d+\s*\((?:\d+|[A-Z]+\d*)\)"
    r"|\b\d+(?!\w)"
    r"|\babs/\S"
    r"|arxiv\s*:\s*\d"
    r"|[\"“”]",
    re.IGNORECASE,
)
# A parenthesis is an acronym or a place ("(UIST)", "(ISSCC)"); a longer one is a remark the page attached.
_LONG_PARENTHESIS = re.compile(r"\(\s*[^()\s]+(?:\s+[^()\s]+){3,}")
_VENUE_EDGE = ".·,;:-–—|/("
MAX_VENUE_WORDS = 20

# What a title takes in when a reader cut the citation in the wrong place: a year in parentheses, the venue
# ("... In CVPR", "In Proceedings of"), pages, the tail of a name list ("and Roe, R. (2024) 'Title', ..."), the
# kind of a thesis.
_TITLE_DEBRIS = re.compile(
    r"\((?:19|20)\d{2}[a-z]?\)"
    r"|\bIn\s+(?:Proc(?:eedings|\.)|[A-Z]{3,}\b|[Aa]r[Xx]iv)"
    r"|\bpp\.?\s*$|\bpp\.\s*\d"
    r"|^(?:and|&)\s"
    r"|\bet al\b"
    r"|(?:^|\s)[‘'\"“][^‘'\"“”’]{8,}[’'\"”],\s"
    r"|(?i:[(\[][^()\[\]]*\b(?:thesis|dissertation)\b[^()\[\]]*[)\]]\W*$)"  # APA's "(Doctoral dissertation)"
)
MAX_TITLE_WORDS = 40

# Words that belong to a venue or a sentence, never to a person's name: a name holding one is author debris
# ("Efros, Richard Zhang In ArXiv").
_NOT_NAME_WORDS = frozenset(
    [
        "in",
        "and",
        "proceedings",
        "proc",
        "conference",
        "conf",
        "journal",
        "workshop",
        "symposium",
        "transactions",
        "trans",
        "arxiv",
        "preprint",
        "university",
        "press",
        "accepted",
        "appear",
        "submitted",
        "under",
        "review",
        "oral",
        "poster",
        "spotlight",
        "with",
        "the",
        "of",
        "for",
        "on",
    ]
)
MAX_NAME_WORDS = 6
_NAME_MARKS = re.compile(r"[*†‡§¶#✉]+")

# A field that is there but malformed is still worth something to the user (it can be edited), less than a
# clean one; a missing field is worth nothing.
CLEAN = 1.0
MALFORMED = 0.5


def venue_is_clean(venue: str) -> bool:
    """True when the venue reads as a venue name alone, with nothing of the citation around it."""
    venue = venue.strip()
    if not venue or venue[0] in _VENUE_EDGE or venue[-1] in _VENUE_EDGE.replace(".", ""):
        return False
    if len(venue.split()) > MAX_VENUE_WORDS:
        return False
    return not (_VENUE_DEBRIS.search(venue) or _LONG_PARENTHESIS.search(venue))


def title_is_clean(title: str) -> bool:
    """True when the title holds nothing of the citation around it (names, year, venue, pages)."""
    return len(title.split()) <= MAX_TITLE_WORDS and not _TITLE_DEBRIS.search(title)


def name_is_clean(name: str) -> bool:
    """True when the text is a person's name as a user would type it: no digits, no sentence or venue words,
    every word capitalised apart from particles ("van", "de")."""
    name = _NAME_MARKS.sub("", name).strip()
    words = [w for w in re.split(r"[\s,]+", name) if w]
    if not words or len(words) > MAX_NAME_WORDS or any(ch.isdigit() for ch in name):
        return False
    for word in words:
        bare = word.strip(".'’-")
        if not bare:
            return False
        if bare.lower() in _NOT_NAME_WORDS and bare.lower() not in PARTICLES:
            return False
        if bare[0].islower() and bare.lower() not in PARTICLES:
            return False
    return True


def record_form(record: PaperRecord) -> float:
    """One record's score: title, authors, year, venue (a thesis' school) and an identifier, each clean (1),
    malformed (0.5) or missing (0)."""
    score = 0.0
    if record.title:
        score += CLEAN if title_is_clean(record.title) else MALFORMED
    if record.authors:
        score += CLEAN if all(name_is_clean(a) for a in record.authors) else MALFORMED
    if record.year is not None:
        score += CLEAN if 1800 <= record.year <= 2100 else MALFORMED
    if record.venue:
        score += CLEAN if venue_is_clean(record.venue) else MALFORMED
    elif (
        record.extra.get("school")
        or record.extra.get("institution")
        or (record.entry_type == "book" and record.extra.get("publisher"))
    ):
        score += CLEAN  # a thesis appeared at its school, a report at its institution, a book at its publisher
    if record.arxiv_id or record.doi:
        score += CLEAN
    return score


def reading_form(records: Iterable[PaperRecord]) -> float:
    """The sum of the records' scores, each taken as the library would store it."""
    return sum(record_form(normalize_record(record)) for record in records)


def papers_found(records: Iterable[PaperRecord]) -> int:
    """How many of the records are papers found: all but those whose title took in the citation around it. A
    record without a title (an arXiv listing that shows only identifiers) still counts: nothing was misread."""
    return sum(1 for record in records if not (title := normalize_record(record).title) or title_is_clean(title))
