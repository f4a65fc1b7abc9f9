"""Citation keys in the Better BibTeX style (`[auth:lower][year][shorttitle]`): made once, then never moved.

This module only computes keys; storing them, and keeping them stable, is the library's job.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

DEFAULT_PATTERN = "[auth:lower][year][shorttitle]"

# Letters that Unicode decomposition does not reduce to ASCII; kept explicit so a key never depends on locale.
_TRANSLITERATION = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
        "Ð": "D",
        "ı": "i",
        "ħ": "h",
        "Ħ": "H",
    }
)
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "on",
        "in",
        "for",
        "to",
        "and",
        "or",
        "with",
        "without",
        "via",
        "from",
        "by",
        "at",
        "as",
        "is",
        "are",
        "be",
        "towards",
        "toward",
        "into",
        "over",
        "under",
        "through",
        "using",
        "its",
        "their",
        "your",
        "our",
        "we",
        "do",
        "does",
        "what",
        "how",
        "why",
        "when",
    ]
)
_KEY_ILLEGAL = re.compile(r"[^A-Za-z0-9_:\-]")


def ascii_fold(text: str) -> str:
    """Transliterate to ASCII the same way every time ("Żółć" -> "Zolc"); unmappable characters vanish."""
    text = text.translate(_TRANSLITERATION)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ord(ch) < 128 and not unicodedata.combining(ch))


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9]+", ascii_fold(text))


def _auth(families: Sequence[str]) -> str:
    for family in families:
        words = _words(family)
        if words:
            return "".join(words)
    return ""


def _shorttitle(title: str | None, count: int = 1) -> str:
    if not title:
        return ""
    words = [w for w in _words(title.replace("-", "")) if w.lower() not in _FUNCTION_WORDS]
    return "".join(words[:count])


_TOKEN = re.compile(r"\[([a-z]+)(?::([a-z]+))?\]")


def base_key(
    families: Sequence[str],
    year: int | None,
    title: str | None,
    arxiv_id: str | None = None,
    pattern: str = DEFAULT_PATTERN,
) -> str:
    """The key a paper would get before disambiguation, e.g. `lin2021m6`."""

    def render(match: re.Match[str]) -> str:
        token, modifier = match.group(1), match.group(2)
        value = {
            "auth": _auth(families),
            "year": str(year) if year else "",
            "shorttitle": _shorttitle(title),
            "title": "".join(_words(title or "")),
            "veryshorttitle": _shorttitle(title),
        }.get(token, "")
        if modifier == "lower":
            value = value.lower()
        elif modifier == "upper":
            value = value.upper()
        return value

    key = _TOKEN.sub(render, pattern)
    key = _KEY_ILLEGAL.sub("", ascii_fold(key))
    if not _TOKEN.search(pattern) and not key:
        key = ""
    if not re.search(r"[A-Za-z]", key):
        # No author and no title (a bare arXiv listing entry): the identifier is the most stable key.
        ident = re.sub(r"[^0-9A-Za-z]", "", arxiv_id or "")
        key = f"arxiv{ident}" if ident else f"paper{key}"
    return key.lower() if pattern == DEFAULT_PATTERN else key


def disambiguate(base: str, is_taken: Callable[[str], bool]) -> str:
    """`base`, or `base` + a, b, ... z, aa, ab ... : the first one nobody holds yet."""
    if not is_taken(base):
        return base
    index = 0
    while True:
        suffix = ""
        n = index
        while True:
            suffix = chr(ord("a") + n % 26) + suffix
            n = n // 26 - 1
            if n < 0:
                break
        candidate = base + suffix
        if not is_taken(candidate):
            return candidate
        index += 1


def is_legal_key(key: str) -> bool:
    """BibTeX and biber accept the key: no spaces, commas, braces, quotes, `#`, `%`, `=` or backslash."""
    return bool(key) and not re.search(r"[\s,{}()\"#%='\\~]", key)
