"""Crossref's REST API (api.crossref.org): building its URLs and reading a work message into a record.

Parsing only: the caller fetched the bytes; nothing here opens a connection or the library. A 404 means Crossref
does not know the DOI (the caller decides); any answer that is not a work message is refused with a clear error.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode

from papershelf.lookup.http import LookupFailure
from papershelf.model.records import Link, PaperRecord

SERVICE = "Crossref"
_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")

# Crossref's work types mapped to BibTeX-style entry types; anything else is "misc".
ENTRY_TYPES = {
    "journal-article": "article",
    "proceedings-article": "inproceedings",
    "book-chapter": "incollection",
    "book-section": "incollection",
    "book-part": "incollection",
    "reference-entry": "incollection",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "book-set": "book",
    "proceedings": "proceedings",
    "posted-content": "preprint",
    "dissertation": "phdthesis",
    "report": "techreport",
    "report-series": "techreport",
    "standard": "misc",
    "dataset": "misc",
    "component": "misc",
    "other": "misc",
}


def work_url(base: str, doi: str) -> str:
    """/works/{doi}, the DOI escaped for a path (slashes stay: Crossref expects them)."""
    return f"{base}/works/{quote(doi, safe='/')}"


def search_url(base: str, title: str, rows: int = 5) -> str:
    return f"{base}/works?{urlencode({'query.bibliographic': title, 'rows': rows})}"


def _load(body: bytes, expected: str) -> Mapping[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        snippet = body[:60].decode("utf-8", errors="replace").strip()
        raise LookupFailure(
            "malformed", f"Crossref sent an answer that is not valid JSON ({error}; it begins {snippet!r})"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("message"), dict):
        raise LookupFailure("malformed", "Crossref sent JSON without a work message")
    if data.get("status") not in (None, "ok") or data.get("message-type") not in (None, expected):
        raise LookupFailure(
            "malformed", f"Crossref sent a {data.get('message-type')!r} message with status {data.get('status')!r}"
        )
    return data["message"]


def parse_work(body: bytes) -> Mapping[str, Any]:
    """The `message` of a /works/{doi} answer; raises LookupFailure("malformed") for anything else."""
    message = _load(body, "work")
    if not message.get("DOI"):
        raise LookupFailure("malformed", "Crossref sent a work message without a DOI")
    return message


def parse_work_list(body: bytes) -> list[Mapping[str, Any]]:
    """The works of a /works?query answer."""
    items = _load(body, "work-list").get("items")
    if not isinstance(items, list):
        raise LookupFailure("malformed", "Crossref sent a work list without items")
    return [item for item in items if isinstance(item, dict) and item.get("DOI")]


def _plain(value: Any) -> str | None:
    """Text without the JATS/HTML markup Crossref keeps in titles and abstracts."""
    if not isinstance(value, str):
        return None
    text = _SPACES.sub(" ", html.unescape(_TAGS.sub(" ", value))).strip()
    text = re.sub(r"\s+([,.;:!?)])", r"\1", text)
    return text or None


def _first(message: Mapping[str, Any], key: str) -> str | None:
    value = message.get(key)
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    return _plain(value)


def _title(message: Mapping[str, Any]) -> str | None:
    title = _first(message, "title")
    subtitle = _first(message, "subtitle")
    if title and subtitle and subtitle.lower() not in title.lower():
        return f"{title}: {subtitle}"
    return title


def _authors(message: Mapping[str, Any]) -> tuple[str, ...]:
    names = []
    for person in message.get("author") or []:
        if not isinstance(person, dict):
            continue
        family = _plain(person.get("family"))
        given = _plain(person.get("given"))
        if family and given:
            names.append(f"{family}, {given}")  # "Family, Given" splits particles ("van der") without guessing
        elif family or given:
            names.append(family or given)
        elif _plain(person.get("name")):
            names.append(_plain(person.get("name")))
    return tuple(names)


def _date_parts(message: Mapping[str, Any]) -> list[int]:
    for key in ("issued", "published", "published-print", "published-online", "created"):
        parts = (message.get(key) or {}).get("date-parts") or []
        if parts and isinstance(parts[0], list) and parts[0] and isinstance(parts[0][0], int):
            return [p for p in parts[0] if isinstance(p, int)]
    return []


def _abstract(message: Mapping[str, Any]) -> str | None:
    text = _plain(message.get("abstract"))
    if text and text.lower().startswith("abstract "):
        text = text[len("abstract ") :].strip()
    return text or None


def work_to_record(message: Mapping[str, Any]) -> PaperRecord:
    """An importer-style record, so a lookup is stored and merged by the same rules as an imported page."""
    parts = _date_parts(message)
    year = parts[0] if parts else None
    date = f"{parts[0]:04d}-{parts[1]:02d}-{parts[2]:02d}" if len(parts) >= 3 else None
    extra: dict[str, str] = {}
    for source, target in (("volume", "volume"), ("issue", "number"), ("page", "pages"), ("publisher", "publisher")):
        value = _plain(message.get(source))
        if value:
            extra[target] = value
    work_type = str(message.get("type") or "")
    authors = _authors(message)
    doi = str(message["DOI"]).strip().lower()
    return PaperRecord(
        line=0,
        title=_title(message),
        authors=authors,
        authors_complete=True,
        year=year,
        date=date,
        venue=_first(message, "container-title"),
        entry_type=ENTRY_TYPES.get(work_type, "misc" if work_type else None),
        abstract=_abstract(message),
        doi=doi,
        links=(Link("paper", f"https://doi.org/{doi}"),),
        extra=extra,
        raw=json.dumps(message, ensure_ascii=False, sort_keys=True)[:20000],
    )
