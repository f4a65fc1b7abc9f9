"""Citation keys in the Better BibTeX style (`[auth:lower][year][shorttitle]`): made once, then never moved.

This module computes keys and finds the free ones (`KeyAllocator`, one query per key base); storing them,
and keeping them stable, is the library's job.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Container, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from papershelf.model.library import Library

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
    """Transliterate Latin letters to ASCII the same way every time ("Żółć" -> "Zolc"); other scripts vanish.

    Author and title matching keys are stored folded this way, so it must not change: keys use `key_fold`.
    """
    if text.isascii():
        return text  # nothing to transliterate (most titles and names): skip the per-character walk
    text = text.translate(_TRANSLITERATION)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ord(ch) < 128 and not unicodedata.combining(ch))


# Greek (ELOT 743, as Greek passports write names) and Cyrillic (the BGN/PCGN romanisation of Russian, with
# the other Cyrillic letters a key meets); applied after accents are gone, so ά is α.
def _table(letters: str, latin: str) -> dict[str, str]:
    return dict(zip(letters, latin.split(), strict=True))


_GREEK = _table("αβγδεζηθικλμνξοπρσςτυφχψω", "a v g d e z i th i k l m n x o p r s s t y f ch ps o")
_CYRILLIC = _table(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґўђјљњћџѓќѕ",
    "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya i yi ye g u dj j lj nj c dz g k dz",
)
_SCRIPTS = {**_GREEK, **_CYRILLIC}
_GREEK_BASE = {
    ch: unicodedata.normalize("NFD", ch)[0]
    for ch in map(chr, [*range(0x0386, 0x03D0), *range(0x1F00, 0x2000)])
    if unicodedata.normalize("NFD", ch)[0] != ch and unicodedata.normalize("NFD", ch)[0].isalpha()
}
# Greek "ου" is one sound, written "ou" (Παπαδόπουλος -> Papadopoulos).
_GREEK_DIGRAPHS = (("ου", "ou"), ("Ου", "Ou"), ("ΟΥ", "OU"))


def key_fold(text: str) -> str:
    """Text for a citation key, in ASCII: Latin letters as `ascii_fold` gives them, Greek and Cyrillic
    transliterated (Παπαδόπουλος -> Papadopoulos, Иванов -> Ivanov). Scripts without a fixed romanisation
    here (CJK) vanish, so a key pattern's token falls back as for an empty value (see base_key)."""
    if text.isascii():
        return text
    # Greek accents carry no letter (ό is ο); Cyrillic й, ё, ї ... are letters of their own, kept whole.
    text = "".join(_GREEK_BASE.get(ch, ch) for ch in unicodedata.normalize("NFC", text))
    for digraph, latin in _GREEK_DIGRAPHS:
        text = text.replace(digraph, latin)
    out = []
    for ch in text:
        latin = _SCRIPTS.get(ch.lower())
        if latin is None:
            out.append(ch)
        elif latin != "-":  # hard and soft signs have no letter of their own
            out.append(latin.capitalize() if ch.isupper() else latin)
    return ascii_fold("".join(out))


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9]+", key_fold(text))


_GREEK_NAMES = _table(
    "αβγδεζηθικλμνξοπρστυφχψω",
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau "
    "upsilon phi chi psi omega",
)
_GREEK_NAMES |= {"ς": "sigma", "ϵ": "epsilon", "ϑ": "theta", "ϕ": "phi", "ϱ": "rho", "ϖ": "pi"}
_LONE_GREEK = re.compile(r"(?<![^\W\d_])([^\W\d_])(?![^\W\d_])|(?<![^\W\d_])([^\W\d_])(?=[A-Za-z])")


def _title_words_text(title: str) -> str:
    """A title as a reader says it: a Greek letter used as a symbol (`$\\beta$-DPO`, decoded to `$β$-DPO`) is
    its name, "beta", as the LaTeX source wrote it; a Greek word (a name) stays for `key_fold` to transliterate.
    """
    if title.isascii():
        return title

    def named(match: re.Match[str]) -> str:
        letter = match.group(1) or match.group(2)
        name = _GREEK_NAMES.get(letter.lower())
        return f" {name} " if name else letter

    return _LONE_GREEK.sub(named, title)


def _shorttitle(title: str | None, count: int = 1) -> str:
    if not title:
        return ""
    words = [w for w in _words(_title_words_text(title).replace("-", "")) if w.lower() not in _FUNCTION_WORDS]
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
        return "".join(w[:1].upper() + w[1:] for w in _words(_title_words_text(title or "")))
    return ""


@functools.lru_cache(maxsize=64)
def _compiled(pattern: str) -> tuple[str | tuple[str, str, tuple[str, ...]], ...]:
    """A key pattern as its literal texts and its tokens (name, count, modifiers), in order: read once, not
    once per paper (an import makes a key for each)."""
    parts: list[str | tuple[str, str, tuple[str, ...]]] = []
    position = 0
    for match in _TOKEN.finditer(pattern):
        if match.start() > position:
            parts.append(pattern[position : match.start()])
        parts.append((match.group(1), match.group(2), tuple(filter(None, match.group(3).split(":")))))
        position = match.end()
    if position < len(pattern):
        parts.append(pattern[position:])
    return tuple(parts)


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
    :capitalize. Every name is transliterated to ASCII the same way every time ("Żółć" -> "Zolc", "Иванов" ->
    "Ivanov"). A name or word with no ASCII form (王) gives nothing: [auth] takes the next author whose name
    has one, and a token left empty adds nothing, so the key starts with the next token's value.
    Pass year=None for a year that was only guessed (a capture date): the key then holds no year.
    """

    pieces = []
    for part in _compiled(pattern):
        if type(part) is str:  # literal text of the pattern
            pieces.append(part)
            continue
        token, count, modifiers = part
        value = _token_value(token, count, families, year, title)
        for modifier in modifiers:
            if modifier == "lower":
                value = value.lower()
            elif modifier == "upper":
                value = value.upper()
            elif modifier == "capitalize":
                value = value[:1].upper() + value[1:]
        pieces.append(value)
    key = "".join(pieces)
    key = _KEY_ILLEGAL.sub("", key_fold(key))
    if not re.search(r"[A-Za-z]", key):
        # No author and no title (a bare arXiv listing entry): the identifier is the most stable key.
        ident = re.sub(r"[^0-9A-Za-z]", "", arxiv_id or "")
        key = f"arxiv{ident}" if ident else f"paper{key}"
    return key.lower() if pattern == DEFAULT_PATTERN else key


def key_suffix(index: int) -> str:
    """a, b, ... z, aa, ab ...: the suffixes clashing keys get, in this order."""
    suffix = ""
    n = index
    while True:
        suffix = chr(ord("a") + n % 26) + suffix
        n = n // 26 - 1
        if n < 0:
            return suffix


def disambiguate(base: str, is_taken: Callable[[str], bool] | Container[str]) -> str:
    """`base`, or `base` + a, b, ... z, aa, ab ... : the first one nobody holds yet.

    `is_taken` is a predicate or, much faster for a library, the set of keys taken (`keys_with_base`).
    """
    taken = is_taken if callable(is_taken) else is_taken.__contains__
    if not taken(base):
        return base
    index = 0
    while taken(base + key_suffix(index)):
        index += 1
    return base + key_suffix(index)


def keys_with_base(library: Library, base: str) -> set[str]:
    """Every key (current or alias) that starts with `base`: all `disambiguate` can ask about, in one query."""
    # Suffixes are lower-case letters, all before "{" in code-point order: one range scan on each index.
    bounds = (base, base + "{")
    return {
        row[0]
        for row in library.conn.execute(
            "SELECT citekey FROM papers WHERE citekey >= ? AND citekey < ? "
            "UNION SELECT key FROM citekey_aliases WHERE key >= ? AND key < ?",
            bounds + bounds,
        )
    }


def all_keys(library: Library) -> set[str]:
    """Every key (current or alias) in the library."""
    return {row[0] for row in library.conn.execute("SELECT citekey FROM papers UNION SELECT key FROM citekey_aliases")}


class KeyAllocator:
    """Free keys for one import (or rekey): one query per key base, then memory.

    The suffix order stays the order papers are given keys in (a, b, ... by when they were added). Keys handed
    out, and those `claim`ed (a .bib's own key kept as it is), count as taken from then on.
    """

    def __init__(self, library: Library, *, read_all: bool = False) -> None:
        self.library = library
        self._taken: set[str] = set()
        self._bases: set[str] = set()
        self._next: dict[str, int] = {}  # the first suffix index not known to be taken, per base
        # An import of thousands of .bib entries asks about as many bases: one read of every key is cheaper.
        self._all_read = read_all
        if read_all:
            self._taken = all_keys(library)

    def _load(self, base: str) -> None:
        if not self._all_read and base not in self._bases:
            self._bases.add(base)
            self._taken |= keys_with_base(self.library, base)

    def is_taken(self, key: str) -> bool:
        self._load(key)
        return key in self._taken

    def claim(self, key: str) -> None:
        self._taken.add(key)

    def allocate(self, base: str) -> str:
        """The key `disambiguate` would give `base` now, marked as taken."""
        self._load(base)
        if base in self._taken:
            index = self._next.get(base, 0)
            while base + key_suffix(index) in self._taken:
                index += 1
            self._next[base] = index + 1
            base = base + key_suffix(index)
        self._taken.add(base)
        return base


# Compiled once: an export asks it of every entry's key.
_ILLEGAL_IN_KEY = re.compile(r"[\s,{}()\"#%='\\~]")


def is_legal_key(key: str, *, ascii_only: bool = True) -> bool:
    """bibtex finds the key: printable ASCII without spaces, commas, braces, quotes, `#`, `%`, `=`, `~` or
    backslash. biber also reads UTF-8 keys: `ascii_only=False` allows them (for keys made before this rule)."""
    if not key or _ILLEGAL_IN_KEY.search(key):
        return False
    return (key.isascii() and key.isprintable()) or (not ascii_only and key.isprintable())


def ascii_key(key: str) -> str | None:
    """A key as bibtex can use it: transliterated (`Müller2020` -> `Muller2020`), illegal characters dropped;
    None when nothing usable is left."""
    folded = _KEY_ILLEGAL.sub("", key_fold(key.strip()))
    return folded if folded and re.search(r"[A-Za-z0-9]", folded) and is_legal_key(folded) else None


# After _match_fold only ASCII letters and digits and the letters of scripts with no transliteration are left
# as word characters: one regex pass, not a walk per character.
_NOT_ALNUM = re.compile(r"[^0-9a-z\u0080-\U0010ffff]+")


def _match_fold(text: str) -> str:
    """ascii_fold, except that a letter or digit it cannot transliterate (Chinese, Japanese, Korean, Arabic,
    Hebrew, Devanagari, Thai ...) is kept as itself, lower-cased, instead of vanishing: a title written wholly
    in such a script had no key at all, so it never matched its own re-import. Everything ascii_fold keeps or
    drops is kept or dropped the same way, so keys of titles in other scripts are unchanged."""
    # Character by character, as ever; only the non-ASCII ones are visited (a walk over every character was 17
    # µs of an accented title's key, 2 s of importing a 100,000-entry .bib with accents in a third of them).
    return _NON_ASCII.sub(_fold_match, text)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@functools.lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    folded = ascii_fold(ch)
    if folded:
        return folded
    return ch.lower() if ch.isalnum() and not unicodedata.combining(ch) else ""


def _fold_match(match: re.Match[str]) -> str:
    return _fold_char(match.group())


@functools.lru_cache(maxsize=4096)  # one record asks for its title's key several times
def title_key(title: str | None) -> str | None:
    """A title as matching compares it: folded to ASCII where a transliteration exists, lower case, words only."""
    if not title:
        return None
    folded = title if title.isascii() else _match_fold(unicodedata.normalize("NFC", title))
    words = _NOT_ALNUM.sub(" ", folded.lower()).split()
    return " ".join(words) or None
