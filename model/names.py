"""Person names: split into given and family parts, fold into lookup keys. Pure functions, no SQL.

The name as written is never replaced by what this module computes; callers keep both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from papershelf.model.citekeys import ascii_fold

_PARTICLES = frozenset(
    [
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "du",
        "des",
        "la",
        "le",
        "ter",
        "ten",
        "dos",
        "das",
        "do",
        "bin",
        "ibn",
        "al",
        "el",
        "y",
        "zu",
    ]
)
_SUFFIXES = frozenset(["jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "phd", "ph.d."])
_ALIAS = re.compile(r"\s*\(([^()]*)\)\s*")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class ParsedName:
    as_written: str
    given: str
    family: str
    aliases: tuple[str, ...] = ()  # parenthesised nicknames: "Junyang (Justin) Lin" -> ("Justin",)
    suffix: str = ""

    @property
    def display(self) -> str:
        """Given then family, the way most pages write names."""
        name = f"{self.given} {self.family}".strip()
        return f"{name}, {self.suffix}" if self.suffix else name

    @property
    def key(self) -> str:
        return name_key(self.given, self.family)

    @property
    def initial_key(self) -> str:
        return initial_key(self.given, self.family)

    @property
    def swapped_key(self) -> str:
        """The key if the page wrote the family name first without a comma ("Wang Xue" for Xue Wang)."""
        return name_key(self.family, self.given)


def _fold(part: str) -> str:
    return re.sub(r"[^a-z]", "", ascii_fold(part).lower())


def name_key(given: str, family: str) -> str:
    """A folded key that ignores case, accents, hyphens, dots and spacing: 'Yi-Fan Li' == 'Yifan Li'."""
    return f"{_fold(family)}|{_fold(given)}"


def initial_key(given: str, family: str) -> str:
    """Family name plus the first initial: 'H. V. Jagadish' and 'Hosagrahar V. Jagadish' share it."""
    folded = _fold(given)
    return f"{_fold(family)}|{folded[:1]}"


def parse_name(text: str) -> ParsedName:
    """Split a name into given and family parts, keeping aliases and suffixes apart.

    Handles "Family, Given", "Given Family", initials ("H. V. Jagadish"), particles ("Ludwig van
    Beethoven", "van Beethoven, Ludwig"), suffixes ("Martin Luther King, Jr.") and braces from BibTeX.
    """
    as_written = text
    text = _SPACES.sub(" ", text.replace("{", "").replace("}", "")).strip().strip(",;")
    aliases = tuple(a.strip() for a in _ALIAS.findall(text) if a.strip())
    text = _SPACES.sub(" ", _ALIAS.sub(" ", text)).strip()
    suffix = ""
    if "," in text:
        parts = [p.strip() for p in text.split(",")]
        if len(parts) >= 2 and parts[-1].lower() in _SUFFIXES:
            suffix = parts.pop()
        if len(parts) >= 2:
            if len(parts) == 3:  # "von Last, Jr, First" (BibTeX's third form)
                family, suffix, given = parts
            else:
                family, given = parts[0], ", ".join(parts[1:])
            return ParsedName(as_written, given.strip(), family.strip(), aliases, suffix)
        text = parts[0]
    words = text.split(" ")
    if words and words[-1].lower() in _SUFFIXES and len(words) > 2:
        suffix = words.pop()
    if len(words) == 1:
        return ParsedName(as_written, "", words[0], aliases, suffix)
    # The family name starts at the first lower-case particle after the given names, else it is the last word.
    start = len(words) - 1
    for index in range(1, len(words) - 1):
        if words[index].lower() in _PARTICLES and words[index][:1].islower():
            start = index
            break
    given = " ".join(words[:start])
    family = " ".join(words[start:])
    return ParsedName(as_written, given, family, aliases, suffix)


def split_author_list(text: str) -> list[str]:
    """Split "A, B, C and D" / "A, B, and C" into names; initials with dots stay attached."""
    text = text.strip().rstrip(".")
    text = re.sub(r"\s*,?\s+and\s+", ", ", text)
    return [part.strip() for part in text.split(",") if part.strip()]
