"""Recognise what a user typed or pasted as an arXiv id or a DOI, and put it in the library's canonical form.

Pure functions: no network, no library. Canonical forms are the importers' own (normalize.arxiv_id / doi), so an
id typed here finds the paper an imported page stored. It must not guess: text that is neither is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from papershelf.importers.normalize import arxiv_id as normalize_arxiv_id
from papershelf.importers.normalize import doi as normalize_doi

# New style since April 2007: YYMM.NNNN, five digits since 2015; an optional version.
_NEW_STYLE = re.compile(r"(\d{2})(\d{2})\.(\d{4,5})(v\d+)?", re.IGNORECASE)
# Old style: archive[.SUBJECT-CLASS]/YYMMNNN, e.g. hep-th/9901001 or math.GT/0309136.
_OLD_STYLE = re.compile(r"([a-z][a-z-]*)(\.[a-z]{2})?/(\d{2})(\d{2})(\d{3})(v\d+)?", re.IGNORECASE)
_ARXIV_URL = re.compile(
    r"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html|format)/(?P<id>.+?)(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)
_ARXIV_PREFIX = re.compile(r"^arxiv\s*:\s*", re.IGNORECASE)
_DOI_URL = re.compile(r"^(?:https?://)?(?:dx\.)?doi\.org/", re.IGNORECASE)
_DOI_PREFIX = re.compile(r"^doi\s*:\s*", re.IGNORECASE)
_DOI_SHAPE = re.compile(r"^10\.\d{4,9}/\S+$")
# arXiv registers its own DOIs with DataCite: 10.48550/arXiv.2112.07327 is the preprint, not a published version.
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(?P<id>.+)$", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s,;]+")


class IdentifierError(ValueError):
    """Text that is not an arXiv id or a DOI; `str()` says what was typed and what is accepted."""


@dataclass(frozen=True)
class Identifier:
    """An arXiv id ("2112.07327", "hep-th/9901001") or a DOI ("10.1145/3292500.3330701"), canonical."""

    kind: str  # "arxiv" or "doi"
    value: str
    version: str | None = None  # "v2" when an arXiv id was given with one
    text: str = ""  # as the user typed it

    def __str__(self) -> str:
        return f"arXiv:{self.value}" if self.kind == "arxiv" else f"doi:{self.value}"


def split_identifiers(text: str) -> list[str]:
    """The separate ids in pasted text: one per line, or separated by spaces, commas or semicolons."""
    return [part for part in _SEPARATORS.split(text.strip()) if part]


def is_arxiv_doi(doi: str | None) -> bool:
    """True for arXiv's own DataCite DOIs, which Crossref does not know."""
    return bool(doi and _ARXIV_DOI.match(doi.strip()))


def parse_identifier(text: str) -> Identifier:
    """An Identifier from an arXiv id (old or new style, with or without version, `arXiv:` prefix or abs/pdf
    URL) or a DOI (bare, `doi:` prefix or doi.org URL); raises IdentifierError for anything else."""
    raw = text.strip()
    if not raw:
        raise IdentifierError("an empty identifier: give an arXiv id such as 2112.07327 or a DOI such as 10.1145/…")
    candidate = raw.rstrip(".,;")
    if _DOI_URL.match(candidate) or _DOI_PREFIX.match(candidate) or candidate.startswith("10."):
        if _DOI_URL.match(candidate):
            # A link: the DOI is its path, percent-decoded; "?utm=…" or "#section" belong to the link.
            link = urlsplit(candidate if "://" in candidate else "https://" + candidate)
            bare = unquote(link.path).lstrip("/").strip()
        else:
            bare = _DOI_PREFIX.sub("", candidate).strip()
        value = _balanced(bare, normalize_doi(bare))
        if value is None or not _DOI_SHAPE.match(value):
            raise IdentifierError(f"{raw!r} looks like a DOI but is not one (a DOI reads 10.NNNN/suffix)")
        arxiv = _ARXIV_DOI.match(value)
        if arxiv:  # the preprint's own DOI: look it up as the arXiv id it names
            return _arxiv_identifier(arxiv.group("id"), raw)
        return Identifier("doi", value, None, raw)
    url = _ARXIV_URL.match(candidate)
    if url:
        return _arxiv_identifier(url.group("id"), raw)
    return _arxiv_identifier(_ARXIV_PREFIX.sub("", candidate), raw)


def _balanced(typed: str, value: str | None) -> str | None:
    """Give back closing parentheses the normaliser took for prose punctuation ("(see 10.1/x)") when they
    close one the DOI itself opened: 10.1000/xyz(1) keeps its ")"."""
    if value is None:
        return None
    text = typed.strip().lower()
    if not text.startswith(value):
        return value
    tail = text[len(value) :]
    while tail.startswith(")") and value.count("(") > value.count(")"):
        value += ")"
        tail = tail[1:]
    return value


def _arxiv_identifier(body: str, raw: str) -> Identifier:
    body = body.strip()
    new = _NEW_STYLE.fullmatch(body)
    old = _OLD_STYLE.fullmatch(body) if new is None else None
    if new is not None:
        month = int(new.group(2))
        # Five-digit numbers began in January 2015; before that every number had four digits.
        five_digits_too_early = len(new.group(3)) == 5 and int(new.group(1) + new.group(2)) < 1501
        if not 1 <= month <= 12 or five_digits_too_early:
            raise IdentifierError(f"{raw!r} is not a valid arXiv id (YYMM.NNNNN with a real month)")
    elif old is not None:
        if not 1 <= int(old.group(4)) <= 12:
            raise IdentifierError(f"{raw!r} is not a valid arXiv id (archive/YYMMNNN with a real month)")
    else:
        raise IdentifierError(
            f"{raw!r} is neither an arXiv id (2112.07327, hep-th/9901001, an arxiv.org link) "
            "nor a DOI (10.1145/…, a doi.org link)"
        )
    value, version = normalize_arxiv_id(body)
    if value is None:  # the patterns above are stricter than normalize's, so this means a bug there
        raise IdentifierError(f"{raw!r} is not a valid arXiv id")
    return Identifier("arxiv", value, version.lower() if version else None, raw)


def arxiv_query_form(arxiv_id: str) -> str:
    """The form the arXiv API knows an id by: an old-style id without its subject class ("math/0309136")."""
    match = _OLD_STYLE.fullmatch(arxiv_id)
    if match:
        return f"{match.group(1).lower()}/{match.group(3)}{match.group(4)}{match.group(5)}"
    return arxiv_id


def arxiv_id_from_url(url: str) -> tuple[str | None, str | None]:
    """(id, version) from an entry id such as http://arxiv.org/abs/1911.07013v1; (None, None) otherwise."""
    match = _ARXIV_URL.match(url.strip())
    if not match:
        return None, None
    try:
        found = _arxiv_identifier(match.group("id"), url)
    except IdentifierError:
        return None, None
    return found.value, found.version
