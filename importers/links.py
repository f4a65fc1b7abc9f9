"""The links a page or a .bib entry gives, classified by host: code, model, data, or what the caller says.

Shared by the arXiv-listing, scholarly-profile and BibTeX importers. It must stay small and import no other
importer: a .bib import loads it, and nothing of the page readers (whose patterns take a tenth of a second to
compile) should come with it.
"""

from __future__ import annotations

import re

from papershelf.model.records import Link

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'{}\\]+", re.IGNORECASE)
_CODE_HOSTS = ("github.com", "gitlab.com", "gitee.com", "bitbucket.org", "codeberg.org", "sourceforge.net")
_MODEL_HOSTS = ("huggingface.co", "hf.co")


def links_in_text(text: str, default_kind: str = "project") -> tuple[Link, ...]:
    """Every URL in a text, in order and once each, classified by host (code, model, data, `default_kind`)."""
    found: list[Link] = []
    # Most abstracts have no URL; a plain substring test skips the case-insensitive regex scan over them.
    lowered = text.lower()
    if "://" not in text and "www." not in lowered:
        return ()
    seen: set[str] = set()
    for match in _URL.finditer(text):
        url = _trim_url(match.group(0))
        if len(url) < 12 or url in seen:
            continue
        seen.add(url)
        found.append(Link(classify_url(url, default_kind), url))
    return tuple(found)


def classify_url(url: str, default_kind: str = "project") -> str:
    host = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.lower()).split("/", 1)[0]
    if host.endswith(_CODE_HOSTS):
        return "code"
    if host.endswith(_MODEL_HOSTS):
        return "data" if "/datasets/" in url.lower() else "model"
    return default_kind


def _trim_url(url: str) -> str:
    """Drop sentence punctuation and unbalanced closing brackets that follow a URL in prose."""
    opened = {")": url.count("("), "]": url.count("[")}
    closed = {")": url.count(")"), "]": url.count("]")}
    end = len(url)
    while end:
        last = url[end - 1]
        if last in closed and closed[last] > opened[last]:
            closed[last] -= 1
        elif last not in ".,;:!?*":
            break
        end -= 1
    return url[:end]
