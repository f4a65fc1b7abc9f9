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
    if text.isascii():
        return text  # nothing to transliterate (most titles and names): skip the per-character walk
    text = text.translate(_TRANSLITERATION)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ord(ch) < 128 and not unicodedata.combining(ch))


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9]+", ascii_fold(text))


def _shorttitle(title: str | None, count: int = 1) -> str:
    if not title:
        return ""
    words = [w for w in _words(title.replace("-", "")) if w.lower() not in _FUNCTION_WORDS]
    return "".join(words[:count])


# `[name]`, `[nameN]` (a count: `[authors2]`, `[shorttitle3]`) and modifiers `:lower` / `:upper`.
_TOKEN = re.compile(r"\[([a-z]+)(\d*)((?::[a-z]+)*)\]")
TOKENS = ("auth", "authors", "authorsalpha", "year", "shortyear", "shorttitle", "veryshorttitle", "title", "firstpage")
MODIFIERS = ("lower", "upper", "capitalize")


class PatternError(ValueError):
    """A key pattern names a token or modifier that does not exist."""


def check_pattern(pattern: str) -> None:
    """Raise PatternError unless every `[...]` in `pattern` is a known token with known modifiers."""
    if not pattern or not pattern.strip():
        raise PatternError("a key pattern cannot be empty")
    for match in re.finditer(r"\[[^\]]*\]", pattern):
        token = _TOKEN.fullmatch(match.group(0))
        if token is None or token.group(1) not in TOKENS:
            raise PatternError(f"unknown token {match.group(0)} in {pattern!r}; known: {', '.join(TOKENS)}")
        for modifier in filter(None, token.group(3).split(":")):
            if modifier not in MODIFIERS:
                raise PatternError(f"unknown modifier :{modifier} in {pattern!r}; known: {', '.join(MODIFIERS)}")
    if _TOKEN.sub("", pattern) and _KEY_ILLEGAL.search(_TOKEN.sub("", pattern)):
        raise PatternError(f"the literal text of {pattern!r} has characters a BibTeX key cannot hold")


def _families(families: Sequence[str]) -> list[str]:
    return [word for word in ("".join(_words(f)) for f in families) if word]


def _token_value(token: str, count: str, families: Sequence[str], year: int | None, title: str | None) -> str:
    number = int(count) if count else None
    if token == "auth":  # the first usable family name, without folding the others
        return next((word for word in ("".join(_words(f)) for f in families) if word), "")
    if token in ("authors", "authorsalpha"):
        names = _families(families)  # only the name tokens need them (a key is made for every imported paper)
    if token == "authors":
        # Better BibTeX: the first N family names, "EtAl" when there are more.
        limit = number or len(names)
        return "".join(names[:limit]) + ("EtAl" if len(names) > limit else "")
    if token == "authorsalpha":
        if len(names) == 1:
            return names[0][:3]
        return "".join(n[0] for n in names[:4]) + ("+" if len(names) > 4 else "")
    if token == "year":
        return str(year) if year else ""
    if token == "shortyear":
        return f"{year % 100:02d}" if year else ""
    if token == "shorttitle":
        return _shorttitle(title, number or 1)
    if token == "veryshorttitle":
        return _shorttitle(title, 1)
    if token == "title":
        return "".join(w[:1].upper() + w[1:] for w in _words(title or ""))
    return ""


def base_key(
    families: Sequence[str],
    year: int | None,
    title: str | None,
    arxiv_id: str | None = None,
    pattern: str = DEFAULT_PATTERN,
) -> str:
    """The key a paper would get before disambiguation, e.g. `lin2021m6`.

    Tokens: [auth] first author's family name, [authorsN] the first N family names (+ "EtAl"),
    [authorsalpha] initials in the alpha style, [year], [shortyear], [shorttitleN] the first N words of the title
    that are not function words (one by default), [veryshorttitle], [title]; modifiers :lower, :upper,
    :capitalize. Every name is transliterated to ASCII the same way every time ("Żółć" -> "Zolc").
    """

    def render(match: re.Match[str]) -> str:
        token, count, modifiers = match.group(1), match.group(2), match.group(3)
        value = _token_value(token, count, families, year, title)
        for modifier in filter(None, modifiers.split(":")):
            if modifier == "lower":
                value = value.lower()
            elif modifier == "upper":
                value = value.upper()
            elif modifier == "capitalize":
                value = value[:1].upper() + value[1:]
        return value

    key = _TOKEN.sub(render, pattern)
    key = _KEY_ILLEGAL.sub("", ascii_fold(key))
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
