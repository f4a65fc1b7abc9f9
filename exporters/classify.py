"""What kind of publication a paper is and the facts every export format shares (names, dates, fallbacks).

Reads Paper dataclasses and the venue table only; knows nothing of any output syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from papershelf.model.names import name_key, parse_name
from papershelf.model.types import AuthorRef, Paper
from papershelf.model.venues import Venue, canonical_venue

CONFERENCE = "conference"
JOURNAL = "journal"
PREPRINT = "preprint"
OTHER = "other"

_CONFERENCE_TYPES = {"inproceedings", "conference", "paper-conference", "proceedings-article", "conference paper"}
_JOURNAL_TYPES = {"article", "journal-article", "journal", "journal article"}
_CONFERENCE_WORDS = re.compile(r"\b(proceedings|conference|workshop|symposium|congress|meeting)\b", re.I)
_JOURNAL_WORDS = re.compile(r"\b(journal|transactions|letters|review|magazine|bulletin)\b", re.I)
# Compiled once: every entry of an export asks each of these (re's own cache lookup cost more than the match).
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_RANGE = re.compile(r"\s*([A-Za-z]?\d+)\s*(?:-+|–|—)\s*([A-Za-z]?\d+)\s*")
_SINGLE_PAGE = re.compile(r"\s*([A-Za-z]?\d+)\s*")
_ARXIV_CLASS = re.compile(r"[a-z\-]+(?:\.[A-Za-z\-]{2,})?")


@dataclass(frozen=True)
class Kind:
    kind: str  # conference | journal | preprint | other
    container: str | None  # the proceedings or journal name to print
    venue: Venue | None  # the table's entry, when the venue is known


def classify(paper: Paper) -> Kind:
    """Conference, journal or preprint from the venue table first, then the stated type, then the venue's words."""
    venue = canonical_venue(paper.venue) if paper.venue else None
    stated = (paper.entry_type or "").strip().lower()
    if venue is not None:
        if venue.kind == PREPRINT:
            return Kind(PREPRINT, None, venue)
        return Kind(venue.kind, venue.full, venue)
    if paper.venue:
        if stated in _CONFERENCE_TYPES:
            return Kind(CONFERENCE, paper.venue, None)
        if stated in _JOURNAL_TYPES:
            return Kind(JOURNAL, paper.venue, None)
        if _CONFERENCE_WORDS.search(paper.venue):
            return Kind(CONFERENCE, paper.venue, None)
        if _JOURNAL_WORDS.search(paper.venue):
            return Kind(JOURNAL, paper.venue, None)
        return Kind(OTHER, paper.venue, None)
    if paper.arxiv_id or stated in ("preprint", "online", "unpublished"):
        return Kind(PREPRINT, None, None)
    return Kind(OTHER, None, None)


def fallback_title(paper: Paper) -> str:
    """What stands in the title field of a paper whose title nobody has stated."""
    if paper.arxiv_id:
        return f"arXiv:{paper.arxiv_id}"
    if paper.doi:
        return f"doi:{paper.doi}"
    return f"Untitled paper {paper.id}"


# What exports before 0.9 printed in `note` for a title-less paper; the .bib importer still recognises it.
UNTITLED_NOTE = "Title not known; the identifier stands in for it"


def cited_authors(paper: Paper) -> tuple[list[AuthorRef], bool]:
    """The people an export names, and whether that list is whole.

    The visible list when there is one; else the people known to be authors without a place in it (the owner
    of a profile that lists no authors): "Dong, Li and others", never an entry with no author at all.
    """
    if paper.authors:
        return list(paper.authors), paper.authors_complete
    return list(paper.extra_authors), not paper.extra_authors


@dataclass(frozen=True)
class NameParts:
    family: str
    given: str
    suffix: str


def name_parts(ref: AuthorRef) -> NameParts:
    """The name as this paper wrote it, split; falls back to the person's stored parts.

    A page that wrote the family name first without a comma ("Wang Xue" for Xue Wang) parses the wrong way
    round; when the person's stored parts are that name swapped, they say which order is right.
    """
    parsed = parse_name(ref.as_written or ref.name)
    if (
        parsed.family
        and parsed.given
        and ref.given
        and ref.family
        and parsed.key != name_key(ref.given, ref.family)
        and parsed.swapped_key == name_key(ref.given, ref.family)
    ):
        return NameParts(ref.family, ref.given, parsed.suffix)
    if parsed.family:
        return NameParts(parsed.family, parsed.given, parsed.suffix)
    return NameParts(ref.family or ref.name, ref.given, "")


def year_inferred(paper: Paper) -> bool:
    """Whether the paper's year is only a guess: a page gave "Mar 15" and the capture date supplied the year.

    Such a year is not exported as fact (a citation would print the capture year); see Paper.year_inferred.
    """
    return paper.year_inferred


def year_month_day(paper: Paper) -> tuple[int | None, int | None, int | None]:
    """The year, and month and day, only as far as a source stated them (never a year guessed from a capture
    date, nor a month and day whose year is not known)."""
    if year_inferred(paper):
        return None, None, None
    year = paper.year
    if not paper.date or paper.date_inferred:
        return year, None, None
    match = _DATE.match(paper.date)
    if not match or (year is not None and int(match.group(1)) != year):
        return year, None, None
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) and month else None
    if month is not None and not 1 <= month <= 12:
        return year or int(match.group(1)), None, None
    return year or int(match.group(1)), month, day


def page_range(pages: str | None) -> tuple[str, str] | None:
    """("12", "20") from "12-20", "12–20" or "12--20"; None when the pages are not a plain range."""
    if not pages:
        return None
    match = _RANGE.fullmatch(pages)
    if match:
        return match.group(1), match.group(2)
    match = _SINGLE_PAGE.fullmatch(pages)
    return (match.group(1), "") if match else None


def arxiv_class(paper: Paper) -> str | None:
    """A full arXiv class ("cs.LG", "hep-th"); an aggregator's bare "LG" is ambiguous and left out."""
    category = (paper.category or "").strip()
    if _ARXIV_CLASS.fullmatch(category) and ("." in category or category in _ARCHIVES_WITHOUT_SUBJECTS):
        return category
    return None


_ARCHIVES_WITHOUT_SUBJECTS = {
    "hep-th",
    "hep-ph",
    "hep-ex",
    "hep-lat",
    "gr-qc",
    "quant-ph",
    "nucl-th",
    "nucl-ex",
    "math-ph",
}
