"""The arXiv API (export.arxiv.org/api/query): building its query URLs and reading its Atom feed into records.

Parsing is xml.etree on bytes the caller fetched; nothing here opens a connection or the library. The feed's
traps are handled here: errors come back as an HTTP 200 feed with one entry titled "Error"; an unknown but
well-formed id comes back as an entry without a title or authors, or as no entry at all; a throttled client
gets the plain text "Rate exceeded." instead of a feed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from papershelf.lookup.http import LookupFailure
from papershelf.lookup.identifiers import arxiv_id_from_url, arxiv_query_form
from papershelf.model.records import Link, PaperRecord

SERVICE = "arXiv"
ATOM_NS = "http://www.w3.org/2005/Atom"
ARXIV_NS = "http://arxiv.org/schemas/atom"
_A = "{" + ATOM_NS + "}"
_X = "{" + ARXIV_NS + "}"
MAX_IDS_PER_REQUEST = 20  # arXiv answers many ids in one request: fewer, larger requests are the polite way
_JOURNAL_VENUE = re.compile(r"^(?P<venue>.*?)[\s,.;:]*(?:\(?(?:19|20)\d{2}\)?|\bvol\b|\bvolume\b|\d).*$", re.I)


@dataclass(frozen=True)
class ArxivEntry:
    """One paper as the arXiv API states it."""

    arxiv_id: str
    version: str | None
    title: str
    authors: tuple[str, ...]
    abstract: str | None = None
    published: str | None = None  # ISO date of version 1, e.g. "2019-11-16"
    updated: str | None = None
    primary_category: str | None = None
    categories: tuple[str, ...] = ()
    journal_ref: str | None = None
    doi: str | None = None
    comments: str | None = None
    xml: str = ""  # the entry as a one-entry feed, for the response cache


@dataclass
class Feed:
    """A parsed feed: its paper entries, the ids it says it does not know, and its error entries."""

    entries: list[ArxivEntry] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # ids of entries without a title and authors
    errors: list[str] = field(default_factory=list)  # the text of "Error" entries

    def entry_for(self, arxiv_id: str) -> ArxivEntry | None:
        wanted = arxiv_query_form(arxiv_id)
        for entry in self.entries:
            if arxiv_query_form(entry.arxiv_id) == wanted:
                return entry
        return None


def query_url(base: str, arxiv_ids: Sequence[str]) -> str:
    """The API URL asking for these ids (without versions: the answer is then the latest version)."""
    ids = ",".join(arxiv_query_form(i) for i in arxiv_ids)
    return f"{base}?{urlencode({'id_list': ids, 'max_results': len(arxiv_ids)})}"


def search_url(base: str, title: str, max_results: int = 5) -> str:
    """The API URL searching titles for this phrase; punctuation is dropped because the query syntax uses it."""
    words = re.findall(r"\w+", title)
    query = 'ti:"' + " ".join(words) + '"'
    return f"{base}?{urlencode({'search_query': query, 'max_results': max_results})}"


def parse_feed(body: bytes) -> Feed:
    """The entries of an API answer; raises LookupFailure("malformed") for anything that is not its feed."""
    text = body.lstrip()
    if text.lower().startswith(b"rate exceeded"):
        raise LookupFailure(
            "http", "arXiv says too many requests were made (Rate exceeded); wait a minute and try again"
        )
    try:
        root = ET.fromstring(body)
    except ET.ParseError as error:
        snippet = body[:60].decode("utf-8", errors="replace").strip()
        raise LookupFailure(
            "malformed", f"arXiv sent an answer that is not valid XML ({error}; it begins {snippet!r})"
        ) from None
    if root.tag != _A + "feed":
        raise LookupFailure("malformed", f"arXiv sent XML that is not an Atom feed (root element {root.tag!r})")
    feed = Feed()
    for element in root.findall(_A + "entry"):
        entry_id = _text(element, _A + "id") or ""
        title = _text(element, _A + "title")
        if "/api/errors" in entry_id or (title or "").strip().lower() == "error":
            feed.errors.append(_text(element, _A + "summary") or title or "an unspecified error")
            continue
        arxiv_id, version = arxiv_id_from_url(entry_id)
        authors = tuple(name for name in (_text(a, _A + "name") for a in element.findall(_A + "author")) if name)
        if arxiv_id is None:
            raise LookupFailure("malformed", f"arXiv sent an entry whose id is not an arXiv id ({entry_id!r})")
        if not title or not title.strip():
            feed.unknown.append(arxiv_id)
            continue
        feed.entries.append(_entry(element, arxiv_id, version, title, authors))
    return feed


def _entry(element: ET.Element, arxiv_id: str, version: str | None, title: str, authors: tuple[str, ...]) -> ArxivEntry:
    primary = element.find(_X + "primary_category")
    doi = _text(element, _X + "doi")
    if doi is None:  # older feeds give the DOI only as a related link
        for link in element.findall(_A + "link"):
            if link.get("title") == "doi" and link.get("href"):
                doi = link.get("href")
    return ArxivEntry(
        arxiv_id=arxiv_id,
        version=version,
        title=title,
        authors=authors,
        abstract=_text(element, _A + "summary"),
        published=_date(_text(element, _A + "published")),
        updated=_date(_text(element, _A + "updated")),
        primary_category=primary.get("term") if primary is not None else None,
        categories=tuple(c.get("term") for c in element.findall(_A + "category") if c.get("term")),
        journal_ref=_text(element, _X + "journal_ref"),
        doi=doi.split()[0] if doi else None,  # several DOIs come space-separated; the first is the paper's
        comments=_text(element, _X + "comment"),
        xml=_single_entry_feed(element),
    )


def _text(element: ET.Element, tag: str) -> str | None:
    found = element.find(tag)
    if found is None or found.text is None:
        return None
    text = found.text.strip()
    return text or None


def _date(value: str | None) -> str | None:
    if value and re.match(r"\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    return None


def _single_entry_feed(element: ET.Element) -> str:
    feed = ET.Element(_A + "feed")
    feed.append(element)
    text = ET.tostring(feed, encoding="unicode")
    feed.remove(element)
    return text


def venue_from_journal_ref(journal_ref: str | None) -> str | None:
    """The venue part of a journal ref ("Phys. Rev. D 12, 345 (2019)" -> "Phys. Rev. D")."""
    if not journal_ref:
        return None
    match = _JOURNAL_VENUE.match(journal_ref.strip())
    venue = (match.group("venue") if match else journal_ref).strip(" ,.;:(")
    return venue or None


def entry_to_record(entry: ArxivEntry) -> PaperRecord:
    """An importer-style record, so a lookup is stored and merged by the same rules as an imported page."""
    year = int(entry.published[:4]) if entry.published else None
    return PaperRecord(
        line=0,
        title=entry.title,
        authors=entry.authors,
        authors_complete=bool(entry.authors),
        year=year,
        date=entry.published,
        venue=venue_from_journal_ref(entry.journal_ref),
        entry_type="preprint",
        abstract=entry.abstract,
        arxiv_id=entry.arxiv_id,
        arxiv_version=entry.version,
        doi=entry.doi,
        comments=entry.comments,
        journal_ref=entry.journal_ref,
        category=entry.primary_category,
        links=(Link("paper", f"https://arxiv.org/abs/{entry.arxiv_id}"),),
        raw=entry.xml,
    )
