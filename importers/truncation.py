"""Telling a page that was cut off from one that simply ends; shared by the page importers.

A saved page can stop anywhere: an interrupted download, a copy that missed the last screen. Its last entry
is then a half record (a title cut mid-word, no authors), and storing that as a paper puts a wrong paper in
the library with nobody told. Each importer knows what a whole entry of its family looks like and asks these
helpers for the shared tests and wording, so the report reads the same whatever the page.

Two outcomes: an entry missing the parts that make it a paper is left out with a warning (`cut_entry`); an
entry whose paper is whole but whose last part may be short (an abstract stopping mid-sentence) is kept with
a warning (`maybe_cut`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from papershelf.model.records import ParseWarning

# What a finished sentence ends with, and the brackets and quotes that may close one ("[Code]", "(Oral)").
_STOPS = ".!?…"
_BRACKETS = ')]}"”»'  # not the apostrophe: "Master'" is a word cut short, not a closing quote
# A number that ends a citation: a year or a page range ("... 2021", "AAAI 2023: 1123-1131").
_CITATION_NUMBER_END = re.compile(r"(?<!\d)(?:(?:19|20)\d\d|\d{1,6}\s*[-–]{1,2}\s*\d{1,6})$")


def cut_entry(line: int, why: str) -> ParseWarning:
    """The warning for a last entry that was left out because the page stops inside it."""
    return ParseWarning(line, f"the page ends in the middle of this entry ({why}); it was not imported")


def maybe_cut(line: int, why: str) -> ParseWarning:
    """The warning for a last entry kept as far as it goes: the page may stop inside it."""
    return ParseWarning(line, f"the page may be cut off here ({why}); the entry was imported as far as it goes")


def ends_mid_sentence(text: str, *, prose: bool = False) -> bool:
    """True when `text` stops where no sentence or citation ends: on a letter, a comma, half a URL.

    A citation may end on a year or page number ("AAAI 2023: 1123-1131"), "(Oral)" or "[Code]". For `prose`
    (an abstract) a number ends nothing and a bracket or quote ends it only after a full stop: "... model
    (PMLM)" is cut. A whole URL counts as an ending either way ("Code: https://github.com/x/y"), but not one
    stopping after a slash, a dash or its host ("https://github.com/x-", "https://hugg").
    """
    text = text.rstrip()
    if not text:
        return False
    last_word = text.rsplit(None, 1)[-1]
    if "://" in last_word or last_word.lower().startswith("www."):
        return _url_cut(last_word)
    if prose:
        text = text.rstrip(_BRACKETS)
        return not text or text[-1] not in _STOPS
    if text[-1].isdigit():
        # A year or a page range ends a citation; "20", "(2" or "pp. 455" is one cut short.
        return not _CITATION_NUMBER_END.search(text) or _unclosed(text[-40:])
    return text[-1] not in _STOPS and text[-1] not in _BRACKETS


def _unclosed(tail: str) -> bool:
    return tail.count("(") > tail.count(")") or tail.count("[") > tail.count("]")


def _url_cut(word: str) -> bool:
    """Whether a URL at the very end of a text looks cut short: "https://hugg", "https://github.com/x-"."""
    if word.count("(") > word.count(")"):
        return True  # "(https://github.com/hk": the bracket around it never closed
    url = word.rstrip(".,;!?)]}\"'”’")
    host = url.split("://", 1)[-1].split("/", 1)[0]
    return "." not in host.strip(".") or url.endswith(("-", "_", ":", "=", "&", "#", "%"))


def usual(flags: Iterable[bool], *, share: float = 1.0, at_least: int = 2) -> bool:
    """Whether the other entries of the page show a habit: `at_least` of them, `share` of them with it.

    A page's own habits are the best evidence of what its last entry should look like; with too few other
    entries there is no habit to go by and nothing is called cut. Leaving an entry out takes two others;
    a warning alone may go by one.
    """
    values = list(flags)
    return len(values) >= max(1, at_least) and sum(values) >= share * len(values)


def usually_whole(abstracts: Iterable[str]) -> bool:
    """Whether a page's other abstracts end their sentences (or there are none), so that a last one stopping
    mid-sentence stands out; one other abstract is habit enough for a warning."""
    values = [not ends_mid_sentence(text, prose=True) for text in abstracts]
    return not values or usual(values, share=0.8, at_least=1)
