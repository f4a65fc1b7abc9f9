"""Add papers by arXiv id or DOI, and complete incomplete records, from the arXiv API and Crossref.

This is where the network meets the library: endpoints and manners come from settings and the environment,
answers are cached in the library (model/lookups.py) so an id is asked once, and what comes back becomes
importer-style records stored by the same rules as any page. Nothing here runs unless a user asks; no SQL here.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from papershelf.importers.normalize import normalize_record
from papershelf.lookup import arxiv_api, crossref
from papershelf.lookup.http import (
    DEFAULT_TIMEOUT,
    HttpClient,
    LookupFailure,
    limiter_for,
)
from papershelf.lookup.identifiers import Identifier, IdentifierError, is_arxiv_doi, parse_identifier
from papershelf.model import lookups
from papershelf.model.library import Library, LibraryError
from papershelf.model.names import parse_name
from papershelf.model.records import PaperRecord
from papershelf.model.store import title_key

ENV_ARXIV_API = "PAPERSHELF_ARXIV_API"
ENV_CROSSREF_API = "PAPERSHELF_CROSSREF_API"
ENV_CONTACT = "PAPERSHELF_CONTACT_EMAIL"
ENV_TIMEOUT = "PAPERSHELF_LOOKUP_TIMEOUT"
SETTING_ARXIV_API = "lookup.arxiv_api"
SETTING_CROSSREF_API = "lookup.crossref_api"
SETTING_CONTACT = "lookup.contact_email"
SETTING_TIMEOUT = "lookup.timeout"
DEFAULT_ARXIV_API = "https://export.arxiv.org/api/query"
DEFAULT_CROSSREF_API = "https://api.crossref.org"
# arXiv's terms of use: no more than one request every three seconds, one connection at a time.
ARXIV_INTERVAL = 3.0
# Crossref asks for no more than a few dozen requests a second; one at a time, five a second at most, is polite.
CROSSREF_INTERVAL = 0.2
# "Not known" answers are asked again after a day: a new arXiv id or DOI may exist tomorrow.
NEGATIVE_CACHE_AGE = dt.timedelta(days=1)


@dataclass(frozen=True)
class SettingInfo:
    """One user-settable lookup setting: its library key, the environment variable that overrides it, its
    default (None: unset) and a sentence for `papershelf config` and the Preferences dialog."""

    key: str
    env: str
    default: str | None
    help: str


SETTINGS = (
    SettingInfo(SETTING_ARXIV_API, ENV_ARXIV_API, DEFAULT_ARXIV_API, "arXiv API query URL (a bare host: /api/query)"),
    SettingInfo(SETTING_CROSSREF_API, ENV_CROSSREF_API, DEFAULT_CROSSREF_API, "Crossref REST base URL"),
    SettingInfo(
        SETTING_CONTACT,
        ENV_CONTACT,
        None,
        "your e-mail, sent to Crossref as the contact in the User-Agent (its polite pool); unset: none is sent",
    ),
    SettingInfo(SETTING_TIMEOUT, ENV_TIMEOUT, str(int(DEFAULT_TIMEOUT)), "seconds before a server is given up on"),
)


class SettingError(ValueError):
    """A setting value that cannot be used; the message says what would work."""


def clean_setting(key: str, value: str) -> str | float:
    """The value to store for a lookup setting, or SettingError with a hint."""
    value = value.strip()
    if key in (SETTING_ARXIV_API, SETTING_CROSSREF_API):
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SettingError(f"{key} needs a web address such as https://export.arxiv.org/api/query")
        return value
    if key == SETTING_CONTACT:
        if not is_email(value):
            raise SettingError(f"{key} needs an e-mail address such as you@university.edu")
        return value
    if key == SETTING_TIMEOUT:
        number = _positive(value, 0.0)
        if number <= 0:
            raise SettingError(f"{key} needs a number of seconds above 0, such as 20")
        return number
    raise SettingError(f"unknown setting {key!r}")


def setting_value(library: Library | None, info: SettingInfo) -> tuple[str | None, str]:
    """A setting's value in effect and where it comes from: "environment", "library", "default" or "unset"
    (the order `LookupSettings.resolve` reads them in)."""
    from_env = os.environ.get(info.env)
    if from_env:
        return from_env, "environment"
    stored = library.get_setting(info.key, None) if library is not None else None
    if stored not in (None, ""):
        return (f"{stored:g}" if isinstance(stored, float) else str(stored)), "library"
    return (info.default, "default") if info.default is not None else (None, "unset")


def is_email(text: str | None) -> bool:
    """A plausible address (one @, a dot in the domain, no spaces): enough to catch a typo, not to verify."""
    if not text:
        return False
    local, at, domain = text.strip().rpartition("@")
    return bool(at and local and "." in domain.strip(".") and not any(c.isspace() for c in text.strip()))


Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]


# ---------------------------------------------------------------------------------------------- settings
@dataclass
class LookupSettings:
    """Where to ask and how. `arxiv_interval` can only be lowered in code (tests), never by a setting."""

    arxiv_api: str = DEFAULT_ARXIV_API
    crossref_api: str = DEFAULT_CROSSREF_API
    contact: str | None = None  # the user's own e-mail; without one Crossref is told the project URL only
    timeout: float = DEFAULT_TIMEOUT
    arxiv_interval: float = ARXIV_INTERVAL
    crossref_interval: float = CROSSREF_INTERVAL
    refresh: bool = False  # ask again even when the cache holds an answer

    @classmethod
    def resolve(cls, library: Library | None = None, **overrides: Any) -> LookupSettings:
        """Explicit overrides, then the environment, then the library's settings, then the defaults."""

        def pick(env: str, setting: str, default: Any) -> Any:
            value = os.environ.get(env)
            if value:
                return value
            if library is not None:
                stored = library.get_setting(setting, None)
                if stored:
                    return stored
            return default

        settings = cls(
            arxiv_api=_arxiv_endpoint(pick(ENV_ARXIV_API, SETTING_ARXIV_API, DEFAULT_ARXIV_API)),
            crossref_api=_crossref_base(pick(ENV_CROSSREF_API, SETTING_CROSSREF_API, DEFAULT_CROSSREF_API)),
            contact=str(pick(ENV_CONTACT, SETTING_CONTACT, "")).strip() or None,
            timeout=_positive(pick(ENV_TIMEOUT, SETTING_TIMEOUT, DEFAULT_TIMEOUT), DEFAULT_TIMEOUT),
        )
        for name, value in overrides.items():
            if value is not None:
                setattr(settings, name, value)
        return settings

    def endpoints(self) -> dict[str, str]:
        return {"lookup-arxiv": self.arxiv_api, "lookup-crossref": self.crossref_api}


def _arxiv_endpoint(url: str) -> str:
    """The query URL; a bare host ("http://127.0.0.1:8000") gets arXiv's own path."""
    url = str(url).strip().rstrip("/")
    return url + "/api/query" if urlsplit(url).path in ("", "/") else url


def _crossref_base(url: str) -> str:
    """The API's base; "/works" is added per request, so a URL ending in it is cut back."""
    url = str(url).strip().rstrip("/")
    return url[: -len("/works")] if url.endswith("/works") else url


def _positive(value: Any, default: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if number > 0 else default


# ---------------------------------------------------------------------------------------------- answers
@dataclass
class Answer:
    """What one service said about one paper: a record, "not known", or a failure to answer."""

    service: str  # "arXiv" or "Crossref"
    asked: str  # the id, DOI or title asked about
    record: PaperRecord | None = None
    unknown: str | None = None
    error: str | None = None
    cached: bool = False

    @property
    def fmt(self) -> str:
        return "lookup-arxiv" if self.service == arxiv_api.SERVICE else "lookup-crossref"

    def describe(self) -> str:
        return f"{self.service} {self.asked}" + (" (cached)" if self.cached else "")


class LookupService:
    """Asks arXiv and Crossref with the library's cache in front. A service that failed to answer (offline,
    timeout, HTTP error) is not asked again in the same run: every later question gets the same message."""

    def __init__(
        self,
        library: Library,
        settings: LookupSettings | None = None,
        *,
        dry_run: bool = False,
        cancelled: Cancelled | None = None,
    ) -> None:
        self.library = library
        self.settings = settings or LookupSettings.resolve(library)
        self.client = HttpClient(contact=self.settings.contact, timeout=self.settings.timeout)
        self.dry_run = dry_run
        self.cancelled = cancelled
        self._memory: dict[tuple[str, str], tuple[int, str]] = {}
        self._down: dict[str, str] = {}
        self.cache_hits = 0

    @property
    def requests(self) -> int:
        return self.client.requests

    @property
    def unreachable(self) -> dict[str, str]:
        """The services that failed to answer in this run, with why."""
        return dict(self._down)

    # ------------------------------------------------------------------ cache
    def _cached(self, service: str, key: str) -> tuple[int, str] | None:
        if (service, key) in self._memory:
            return self._memory[(service, key)]
        if self.settings.refresh:
            return None
        found = lookups.cache_get(self.library, service, key, negative_max_age=NEGATIVE_CACHE_AGE)
        return (found.status, found.body) if found is not None else None

    def _remember(self, service: str, key: str, status: int, body: str) -> None:
        self._memory[(service, key)] = (status, body)
        # A dry run caches too: the cache is not the user's data, and "Store these changes" after a preview
        # must not ask the same ids again (arXiv's 3 seconds each).
        try:
            lookups.cache_put(self.library, service, key, status, body)
        except (LibraryError, sqlite3.Error):
            if not self.dry_run:
                raise
            # A preview of a read-only library still works; it only cannot remember the answers.

    def _get(self, service: str, url: str, accept: str, interval: float):
        if service in self._down:
            raise LookupFailure("skipped", self._down[service])
        try:
            return self.client.get(
                url,
                service=service,
                accept=accept,
                limiter=limiter_for(service, url, interval),
                cancelled=self.cancelled,
            )
        except LookupFailure as failure:
            if failure.kind != "cancelled":
                self._down[service] = failure.message
            raise

    def _search(
        self, cache_key: str, key: str, service: str, url: str, accept: str, interval: float, parse: Callable
    ) -> tuple[Any, bool]:
        """A title search's parsed answer and whether the cache gave it; a failure raises LookupFailure. An
        answer is parsed before it is cached, so a malformed one is never kept."""
        cached = self._cached(cache_key, key)
        if cached is not None:
            try:
                parsed = parse(cached[1].encode())
            except LookupFailure:
                pass  # a damaged cache row: ask again
            else:
                self.cache_hits += 1
                return parsed, True
        response = self._get(service, url, accept, interval)
        if response.status != 200:
            raise LookupFailure("http", f"{service} answered HTTP {response.status} to a title search")
        parsed = parse(response.body)
        self._remember(cache_key, key, 200, response.text())
        return parsed, False

    # ------------------------------------------------------------------ arXiv
    def arxiv(self, arxiv_ids: Sequence[str], progress: Callable[[str], None] | None = None) -> dict[str, Answer]:
        """Answers for these ids, asking arXiv for many ids per request (the cache answers the rest)."""
        answers: dict[str, Answer] = {}
        todo: list[str] = []
        for arxiv_id in dict.fromkeys(arxiv_ids):
            cached = self._cached("arxiv", arxiv_id)
            answer = self._arxiv_from_cache(arxiv_id, cached) if cached is not None else None
            if answer is None:
                todo.append(arxiv_id)
            else:
                answers[arxiv_id] = answer
        size = arxiv_api.MAX_IDS_PER_REQUEST
        for start in range(0, len(todo), size):
            batch = todo[start : start + size]
            if progress is not None:
                progress(f"asking arXiv about {len(batch)} id{'s' if len(batch) > 1 else ''}")
            answers.update(self._arxiv_batch(batch))
        return answers

    def _arxiv_from_cache(self, arxiv_id: str, cached: tuple[int, str]) -> Answer | None:
        status, body = cached
        self.cache_hits += 1
        if status != 200:
            return Answer(arxiv_api.SERVICE, arxiv_id, unknown=_arxiv_unknown(arxiv_id), cached=True)
        try:
            entry = arxiv_api.parse_feed(body.encode()).entry_for(arxiv_id)
        except LookupFailure:
            entry = None
        if entry is None:  # a damaged cache row: ask again
            self.cache_hits -= 1
            return None
        return Answer(arxiv_api.SERVICE, arxiv_id, record=_normal(arxiv_api.entry_to_record(entry)), cached=True)

    def _arxiv_batch(self, batch: list[str]) -> dict[str, Answer]:
        url = arxiv_api.query_url(self.settings.arxiv_api, batch)
        try:
            response = self._get(arxiv_api.SERVICE, url, "application/atom+xml", self.settings.arxiv_interval)
            if response.status != 200:
                raise LookupFailure(
                    "http", f"arXiv answered HTTP {response.status} at {url}; is {ENV_ARXIV_API} right?"
                )
            feed = arxiv_api.parse_feed(response.body)
        except LookupFailure as failure:
            if failure.kind == "cancelled":
                raise
            return {i: Answer(arxiv_api.SERVICE, i, error=failure.message) for i in batch}
        answers = {}
        for arxiv_id in batch:
            entry = feed.entry_for(arxiv_id)
            if entry is not None:
                self._remember("arxiv", arxiv_id, 200, entry.xml)
                record = _normal(arxiv_api.entry_to_record(entry))
                answers[arxiv_id] = Answer(arxiv_api.SERVICE, arxiv_id, record=record)
            elif feed.errors:  # arXiv refused the query; its own words say why
                answers[arxiv_id] = Answer(
                    arxiv_api.SERVICE, arxiv_id, unknown=f"arXiv refused the id {arxiv_id}: {feed.errors[0]}"
                )
            else:
                self._remember("arxiv", arxiv_id, 404, "")
                answers[arxiv_id] = Answer(arxiv_api.SERVICE, arxiv_id, unknown=_arxiv_unknown(arxiv_id))
        return answers

    def arxiv_title(self, title: str, authors: Sequence[str] = ()) -> Answer:
        """The arXiv paper with exactly this title (and, when authors are known, one of them)."""
        key = title_key(title) or title
        url = arxiv_api.search_url(self.settings.arxiv_api, title)
        try:
            feed, cached = self._search(
                "arxiv-search",
                key,
                arxiv_api.SERVICE,
                url,
                "application/atom+xml",
                self.settings.arxiv_interval,
                arxiv_api.parse_feed,
            )
        except LookupFailure as failure:
            if failure.kind == "cancelled":
                raise
            return Answer(arxiv_api.SERVICE, _quoted(title), error=failure.message)
        for entry in feed.entries:
            if title_key(entry.title) == key and _authors_agree(authors, entry.authors):
                record = _normal(arxiv_api.entry_to_record(entry))
                return Answer(arxiv_api.SERVICE, entry.arxiv_id, record=record, cached=cached)
        return Answer(arxiv_api.SERVICE, _quoted(title), unknown="arXiv has no paper with this title", cached=cached)

    # ------------------------------------------------------------------ Crossref
    def crossref(self, doi: str) -> Answer:
        """Crossref's work for a DOI."""
        doi = doi.strip().lower()
        if is_arxiv_doi(doi):
            return Answer(crossref.SERVICE, doi, unknown="an arXiv DOI: Crossref does not register these")
        cached = self._cached("crossref", doi)
        if cached is not None:
            answer = self._crossref_answer(doi, *cached, cached=True)
            if answer is not None:
                self.cache_hits += 1
                return answer
        url = crossref.work_url(self.settings.crossref_api, doi)
        try:
            response = self._get(crossref.SERVICE, url, "application/json", self.settings.crossref_interval)
            answer = self._crossref_answer(doi, response.status, response.text(), cached=False, strict=True)
        except LookupFailure as failure:
            if failure.kind == "cancelled":
                raise
            return Answer(crossref.SERVICE, doi, error=failure.message)
        assert answer is not None  # strict parsing raises instead of returning None
        self._remember("crossref", doi, 200 if answer.record else 404, response.text() if answer.record else "")
        return answer

    def _crossref_answer(self, doi: str, status: int, body: str, *, cached: bool, strict: bool = False):
        if status == 404:
            return Answer(crossref.SERVICE, doi, unknown=f"Crossref does not know the DOI {doi}", cached=cached)
        if status != 200:
            raise LookupFailure("http", f"Crossref answered HTTP {status} for {doi}")
        try:
            message = crossref.parse_work(body.encode())
        except LookupFailure:
            if strict:
                raise
            return None  # a damaged cache row: ask again
        return Answer(crossref.SERVICE, doi, record=_normal(crossref.work_to_record(message)), cached=cached)

    def crossref_title(self, title: str, authors: Sequence[str] = (), year: int | None = None) -> Answer:
        """The Crossref work with exactly this title (with or without its subtitle), agreeing on authors and,
        within a year, on the year."""
        key = title_key(title) or title
        url = crossref.search_url(self.settings.crossref_api, title)
        try:
            works, cached = self._search(
                "crossref-search",
                key,
                crossref.SERVICE,
                url,
                "application/json",
                self.settings.crossref_interval,
                crossref.parse_work_list,
            )
        except LookupFailure as failure:
            if failure.kind == "cancelled":
                raise
            return Answer(crossref.SERVICE, _quoted(title), error=failure.message)
        for message in works:
            record = crossref.work_to_record(message)
            titles = {title_key(record.title), title_key(_first_text(message.get("title")))}
            year_ok = not (year and record.year) or abs(year - record.year) <= 1
            if key in titles and year_ok and _authors_agree(authors, record.authors):
                return Answer(crossref.SERVICE, record.doi or "", record=_normal(record), cached=cached)
        return Answer(crossref.SERVICE, _quoted(title), unknown="Crossref has no work with this title", cached=cached)


def _normal(record: PaperRecord) -> PaperRecord:
    return normalize_record(record)


def _arxiv_unknown(arxiv_id: str) -> str:
    return f"arXiv does not know the id {arxiv_id}"


def _quoted(title: str) -> str:
    return f"“{title[:60]}{'…' if len(title) > 60 else ''}”"


def _first_text(value: Any) -> str | None:
    if isinstance(value, list):
        return next((v for v in value if isinstance(v, str)), None)
    return value if isinstance(value, str) else None


def _authors_agree(known: Sequence[str], found: Sequence[str]) -> bool:
    """A title match counts only if the names we have (possibly a cut list) share someone with the answer."""
    if not known:
        return True
    keys = set()
    for name in found:
        parsed = parse_name(name)
        keys.update((parsed.key, parsed.swapped_key))
    return any(parse_name(name).key in keys for name in known)


# ---------------------------------------------------------------------------------------------- reports
def _value_json(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


@dataclass
class PaperLookup:
    """What a lookup did (or, in a dry run, would do) to one paper."""

    paper_id: int | None
    label: str
    status: str  # completed, unchanged, not-found, error, skipped, added, existing, matched, invalid
    message: str = ""
    asked: list[str] = field(default_factory=list)  # "arXiv 1911.07013", "Crossref 10.1145/… (cached)"
    gained: list[lookups.FieldChange] = field(default_factory=list)
    replaced: list[lookups.FieldChange] = field(default_factory=list)
    withheld: list[lookups.FieldChange] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)  # papers that turned out to be this one
    merged_into: int | None = None  # the paper that now holds this one, when a duplicate was merged
    identifier: str = ""  # for add: the id as typed

    def as_dict(self) -> dict[str, Any]:
        def changes(items: list[lookups.FieldChange]) -> list[dict[str, Any]]:
            return [{"field": c.field, "old": _value_json(c.old), "new": _value_json(c.new)} for c in items]

        return {
            "paper_id": self.paper_id,
            "label": self.label,
            "identifier": self.identifier or None,
            "status": self.status,
            "message": self.message or None,
            "asked": self.asked,
            "gained": changes(self.gained),
            "replaced": changes(self.replaced),
            "withheld": changes(self.withheld),
            "same_paper_as": self.duplicates,
            "merged_into": self.merged_into,
        }


@dataclass
class LookupReport:
    """What one `add` or `complete` run did; `error` is set when the run as a whole could not be stored."""

    papers: list[PaperLookup] = field(default_factory=list)
    dry_run: bool = False
    cancelled: bool = False
    error: str | None = None
    requests: int = 0  # network requests made
    cached: int = 0  # answers the library's cache gave instead
    unreachable: dict[str, str] = field(default_factory=dict)  # service -> why it was not asked again

    @property
    def failures(self) -> list[PaperLookup]:
        return [p for p in self.papers if p.status in ("error", "invalid")]

    @property
    def ok(self) -> bool:
        return self.error is None and not self.cancelled and not self.failures

    def count(self, status: str) -> int:
        return sum(1 for p in self.papers if p.status == status)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "cancelled": self.cancelled,
            "error": self.error,
            "requests": self.requests,
            "cached_answers": self.cached,
            "unreachable": self.unreachable,
            "papers": [p.as_dict() for p in self.papers],
        }


def _check(cancelled: Cancelled | None) -> None:
    """Stop between two papers when the user cancelled, even if the cache answers without a request."""
    if cancelled is not None and cancelled():
        raise LookupFailure("cancelled", "cancelled")


def _notify(progress: Progress | None, done: int, total: int, message: str) -> None:
    if progress is not None:
        progress(done, total, message)


# ---------------------------------------------------------------------------------------------- complete
def complete_records(
    library: Library,
    paper_ids: Sequence[int] | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    *,
    accept: Mapping[int, Collection[str]] | bool = False,
    settings: LookupSettings | None = None,
) -> LookupReport:
    """Look up `paper_ids` (default: every incomplete paper) and store what they gain as a new source of each.

    Values that differ from ones a paper already has are withheld and reported, unless `accept` names their
    field for that paper (True: every field of every paper). A dry run reports the same and writes nothing but
    the lookup cache. Cancelling, or a failure while storing, writes nothing; answers already received stay
    cached.
    """
    settings = settings or LookupSettings.resolve(library)
    report = LookupReport(dry_run=dry_run)
    wanted = list(dict.fromkeys(paper_ids)) if paper_ids is not None else lookups.incomplete_paper_ids(library)
    targets = lookups.lookup_targets(library, wanted)
    found = {t.paper_id for t in targets}
    for paper_id in wanted:
        if paper_id not in found:
            report.papers.append(
                PaperLookup(paper_id, f"paper #{paper_id}", "skipped", "not in the library (or in the trash)")
            )
    service = LookupService(library, settings, dry_run=dry_run, cancelled=cancelled)
    total = len(targets)
    gathered: list[tuple[lookups.LookupTarget, list[Answer]]] = []
    try:
        _notify(progress, 0, total, "asking arXiv")
        by_id = service.arxiv(
            [t.arxiv_id for t in targets if t.arxiv_id], progress=lambda text: _notify(progress, 0, total, text)
        )
        for index, target in enumerate(targets):
            _check(cancelled)
            _notify(progress, index, total, f"looking up {target.label}")
            gathered.append((target, _answers_for(service, target, by_id)))
        _check(cancelled)
        _notify(progress, total, total, "storing what was found" if not dry_run else "preparing the preview")
    except LookupFailure as failure:
        if failure.kind != "cancelled":
            raise
        report.cancelled = True
        report.papers.extend(PaperLookup(t.paper_id, t.label, "skipped", "cancelled") for t in targets)
        _finish(report, service)
        return report
    try:
        if dry_run:
            report.papers.extend(_complete_one(library, t, answers, accept, None) for t, answers in gathered)
        else:
            with library.transaction():
                report.papers.extend(
                    _complete_one(library, t, answers, accept, settings.endpoints()) for t, answers in gathered
                )
    except LibraryError as error:
        report.error = f"nothing was stored: {error}"
    _finish(report, service)
    return report


def _answers_for(service: LookupService, target: lookups.LookupTarget, by_id: Mapping[str, Answer]) -> list[Answer]:
    answers: list[Answer] = []
    arxiv_answer = None
    if target.arxiv_id:
        arxiv_answer = by_id[target.arxiv_id]
    elif not target.doi and target.title:
        arxiv_answer = service.arxiv_title(target.title, target.authors)
    if arxiv_answer is not None:
        answers.append(arxiv_answer)
    found_doi = arxiv_answer.record.doi if arxiv_answer is not None and arxiv_answer.record else None
    doi = target.doi or found_doi
    if doi and not is_arxiv_doi(doi):
        answers.append(service.crossref(doi))
    elif not target.arxiv_id and not found_doi and target.title and not (arxiv_answer and arxiv_answer.record):
        answers.append(service.crossref_title(target.title, target.authors, target.year))
    return answers


def _complete_one(
    library: Library,
    target: lookups.LookupTarget,
    answers: list[Answer],
    accept: Mapping[int, Collection[str]] | bool,
    endpoints: Mapping[str, str] | None,
) -> PaperLookup:
    outcome = PaperLookup(target.paper_id, target.label, "unchanged", asked=[a.describe() for a in answers])
    items = [(a.fmt, a.record) for a in answers if a.record is not None]
    errors = [a.error for a in answers if a.error]
    unknown = [a.unknown for a in answers if a.unknown]
    if not answers:
        outcome.status = "skipped"
        outcome.message = "nothing to look it up by: no arXiv id, DOI or title"
        return outcome
    if not items:
        outcome.status = "error" if errors else "not-found"
        outcome.message = "; ".join(errors or unknown)
        return outcome
    fields = accept if isinstance(accept, bool) else accept.get(target.paper_id, ())
    # An earlier paper of this run may have been merged with this one: complete the paper that holds it now.
    paper_id = lookups.live_paper_id(library, target.paper_id)
    plan = lookups.plan_lookup(library, paper_id, items, accept=fields)
    outcome.gained, outcome.replaced, outcome.withheld = plan.gained, plan.replaced, plan.withheld
    outcome.duplicates = plan.duplicates
    outcome.status = "completed" if plan.changes else "unchanged"
    title = next((c.new for c in plan.gained if c.field == "title"), None)
    if title:
        outcome.label = title
    if endpoints is not None:
        kept = lookups.store_plan(library, plan, endpoints=endpoints)
        outcome.merged_into = kept if kept != target.paper_id else None
    notes = errors + unknown
    if plan.duplicates:
        others = ", ".join(f"#{d}" for d in plan.duplicates)
        if endpoints is None:
            notes.append(f"the same paper as {others}: they would be merged into one")
        else:
            notes.append(f"the same paper as {others}: merged into #{min(target.paper_id, *plan.duplicates)}")
    outcome.message = "; ".join(notes)
    return outcome


def _finish(report: LookupReport, service: LookupService) -> None:
    report.requests = service.requests
    report.cached = service.cache_hits
    report.unreachable = dict(service.unreachable)


# ---------------------------------------------------------------------------------------------- add
def add_identifiers(
    library: Library,
    identifiers: Sequence[str],
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    settings: LookupSettings | None = None,
) -> LookupReport:
    """Create papers from arXiv ids and DOIs. An id already in the library gives that paper, unfetched; a
    looked-up paper that the library already holds under another form (a page without the id) becomes one more
    source of it instead of a duplicate. Cancelling, or a failure while storing, writes nothing."""
    settings = settings or LookupSettings.resolve(library)
    report = LookupReport()
    wanted: list[tuple[str, Identifier]] = []
    seen: set[tuple[str, str]] = set()
    for text in identifiers:
        try:
            ident = parse_identifier(text)
        except IdentifierError as error:
            report.papers.append(PaperLookup(None, text, "invalid", str(error), identifier=text))
            continue
        if (ident.kind, ident.value) in seen:
            continue
        seen.add((ident.kind, ident.value))
        existing = library.find_paper_by_identifier(
            arxiv_id=ident.value if ident.kind == "arxiv" else None, doi=ident.value if ident.kind == "doi" else None
        )
        if existing is not None:
            paper = library.get_paper(existing)
            where = " (in the trash)" if paper.deleted_at else ""
            report.papers.append(
                PaperLookup(
                    existing, paper.display_title, "existing", f"already in the library{where}", identifier=text
                )
            )
            continue
        wanted.append((text, ident))
    service = LookupService(library, settings, cancelled=cancelled)
    total = len(wanted)
    gathered: list[tuple[str, Identifier, list[Answer]]] = []
    try:
        _notify(progress, 0, total, "asking arXiv")
        by_id = service.arxiv([i.value for _, i in wanted if i.kind == "arxiv"])
        for index, (text, ident) in enumerate(wanted):
            _check(cancelled)
            _notify(progress, index, total, f"looking up {ident}")
            first = by_id[ident.value] if ident.kind == "arxiv" else service.crossref(ident.value)
            answers = [first]
            doi = first.record.doi if ident.kind == "arxiv" and first.record is not None else None
            if doi and not is_arxiv_doi(doi):
                answers.append(service.crossref(doi))
            gathered.append((text, ident, answers))
        _check(cancelled)
        _notify(progress, total, total, "storing what was found")
    except LookupFailure as failure:
        if failure.kind != "cancelled":
            raise
        report.cancelled = True
        report.papers.extend(PaperLookup(None, str(i), "skipped", "cancelled", identifier=t) for t, i in wanted)
        _finish(report, service)
        return report
    try:
        with library.transaction():
            report.papers.extend(_add_one(library, t, i, answers, settings.endpoints()) for t, i, answers in gathered)
    except LibraryError as error:
        report.error = f"nothing was stored: {error}"
    _finish(report, service)
    return report


def _add_one(library: Library, text: str, ident: Identifier, answers: list[Answer], endpoints) -> PaperLookup:
    outcome = PaperLookup(None, str(ident), "added", identifier=text, asked=[a.describe() for a in answers])
    items = [(a.fmt, a.record) for a in answers if a.record is not None]
    if not items or answers[0].record is None:
        first = answers[0]
        outcome.status = "error" if first.error else "not-found"
        outcome.message = first.error or first.unknown or "no answer"
        return outcome
    notes = [a.error or a.unknown for a in answers[1:] if a.error or a.unknown]
    match = lookups.find_confident_match(library, items[0][1])
    plan = lookups.plan_lookup(library, match, items)
    paper_id = lookups.store_plan(library, plan, endpoints=endpoints)
    paper = library.get_paper(paper_id)
    outcome.paper_id = paper_id
    outcome.label = paper.display_title
    outcome.gained, outcome.replaced, outcome.withheld = plan.gained, plan.replaced, plan.withheld
    outcome.duplicates = plan.duplicates
    if match is not None:
        outcome.status = "matched"
        notes.insert(0, "the library already had this paper without the id; the lookup became one more source of it")
    outcome.message = "; ".join(notes)
    return outcome
