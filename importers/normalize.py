"""Pure normalisation of importer records: canonical identifiers, tidy titles and venues, ISO dates.

Runs between parse and store. Names are left exactly as written (the model parses them and keeps both).
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Callable

from papershelf.model.records import ImportBatch, PaperRecord

_ARXIV_NEW = re.compile(r"(?:arxiv:)?\s*(\d{4}\.\d{4,5})(v\d+)?", re.IGNORECASE)
_ARXIV_OLD = re.compile(r"(?:arxiv:)?\s*([a-z\-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?", re.IGNORECASE)
_DOI = re.compile(r"(10\.\d{4,9}/\S+)", re.IGNORECASE)


def arxiv_id(text: str | None) -> tuple[str | None, str | None]:
    """("2112.07327", "v2") from "arXiv:2112.07327v2", an abs/pdf URL, or an old-style "hep-th/9901001"."""
    if not text:
        return None, None
    text = text.strip()
    for pattern in (_ARXIV_NEW, _ARXIV_OLD):
        match = pattern.search(text)
        if match:
            return match.group(1).lower() if "/" in match.group(1) else match.group(1), match.group(2)
    return None, None


def doi(text: str | None) -> str | None:
    """A bare lower-case DOI from "doi:10.1145/..." or "https://doi.org/10.1145/..."."""
    if not text:
        return None
    match = _DOI.search(text.strip())
    return match.group(1).rstrip(".,;)").lower() if match else None


def clean_text(text: str | None) -> str | None:
    if text is None:
        return None
    if not unicodedata.is_normalized("NFC", text):  # the check is far cheaper than normalising every abstract
        text = unicodedata.normalize("NFC", text)
    # str.split() splits on exactly the whitespace `\s` matches; it is many times faster than a regex
    # substitution, which was the slowest step of importing a large listing.
    text = " ".join(text.split())
    return text or None


def _clean_lines(text: str | None) -> str | None:
    """A Markdown note: NFC, trailing spaces and outer blank lines gone, every line break kept."""
    if not text or not text.strip():
        return None
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def clean_title(title: str | None) -> str | None:
    title = clean_text(title)
    if not title:
        return None
    # A trailing period belongs to the citation's punctuation, not to the title (a "?" or "!" does belong).
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1].rstrip()
    return title or None


def clean_venue(venue: str | None) -> str | None:
    venue = clean_text(venue)
    if not venue:
        return None
    try:
        from papershelf.model.venues import canonical_venue
    except ImportError:  # the venue table arrives with the exporters; until then keep the venue as written
        return venue
    found = canonical_venue(venue)
    return found.short if found else venue


def normalize_record(record: PaperRecord, venue_of: Callable[[str | None], str | None] = clean_venue) -> PaperRecord:
    """The record tidied; `venue_of` is `clean_venue`, or a batch's memo of it."""
    ident, version = arxiv_id(record.arxiv_id)
    if ident is None and record.arxiv_id:
        ident = record.arxiv_id.strip()
    changes = dict(
        title=clean_title(record.title),
        authors=tuple(a for a in (clean_text(a) for a in record.authors) if a),
        venue=venue_of(record.venue),
        abstract=clean_text(record.abstract)
        if record.abstract and "\n\n" not in record.abstract
        else (record.abstract.strip() or None)
        if record.abstract
        else None,
        arxiv_id=ident,
        arxiv_version=record.arxiv_version or version,
        doi=doi(record.doi) or (record.doi.strip().lower() if record.doi else None),
        comments=clean_text(record.comments),
        journal_ref=clean_text(record.journal_ref),
        note=_clean_lines(record.note),
    )
    if record.extra.get("venue_claim"):  # a venue read from an arXiv comment is tidied like any venue
        changes["extra"] = {**record.extra, "venue_claim": venue_of(record.extra["venue_claim"])}
    if record.year is None and record.date and re.match(r"\d{4}", record.date):
        changes["year"] = int(record.date[:4])
    # dataclasses.replace, without its walk over the field definitions (half of this function's time): every
    # field of a record is an init field, so its __dict__ is exactly the arguments that rebuild it.
    return type(record)(**{**record.__dict__, **changes})


def normalize_batch(batch: ImportBatch) -> ImportBatch:
    # A file names a few venues many times; each lookup checks the user's venue file on disk.
    venue_of = functools.lru_cache(maxsize=4096)(clean_venue)
    return dataclasses.replace(batch, papers=[normalize_record(p, venue_of) for p in batch.papers])
