"""Person names: split into given and family parts, fold into lookup keys. Pure functions, no SQL.

The name as written is never replaced by what this module computes; callers keep both. Where the order of a
name is ambiguous (East Asian names are often written family-first without a comma), both orders' keys are
offered and the caller decides from evidence, never from the name alone.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from papershelf.model.citekeys import ascii_fold
from papershelf.model.common import computed_once

# Lower-case words that begin a family name ("van", "de", "al"): not given names, and kept with the family.
PARTICLES = frozenset(
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
        "st",
        "st.",
    ]
)
_SUFFIXES = frozenset(["jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "phd", "ph.d.", "ph.d"])
_ALIAS = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]\s*")
_QUOTED_ALIAS = re.compile(r"\s*[\"“]([^\"“”]+)[\"”]\s*")
_SPACES = re.compile(r"\s+")
# Footnote marks pages put after names: equal contribution, corresponding author, affiliation numbers. An
# affiliation number never starts with 0, so "Person00" and "Person01" keep their digits (and stay two people).
# Superscript numbers ("Jane Doe¹", "Wei Zhang²,³") are affiliation marks wherever they stand.
_SUPERSCRIPT = "[\u00b2\u00b3\u00b9\u2070\u2074-\u2079]+"
_MARKS = re.compile(
    rf"[*†‡§¶#✉]+|{_SUPERSCRIPT}(?:[,，]{_SUPERSCRIPT})*|(?<=[^\W\d])(?!0)\d{{1,2}}(?:,\d{{1,2}})*(?=\s|,|$)"
)
_INITIAL = re.compile(r"^[^\W\d_]\.?$|^(?:[^\W\d_]\.){2,}$|^[^\W\d_]\.-[^\W\d_]\.?$")


def _is_cjk(text: str) -> bool:
    if text.isascii():  # most names: no character to look up (two name look-ups per letter otherwise)
        return False
    return any("CJK" in unicodedata.name(ch, "") or "HANGUL" in unicodedata.name(ch, "") for ch in text if ch.isalpha())


_DOTTED = re.compile(r"[^\W\d_]\.")  # one letter and its dot: "H.V." -> "H.", "V."


@dataclass(frozen=True)
class ParsedName:
    as_written: str
    given: str
    family: str
    aliases: tuple[str, ...] = ()  # parenthesised nicknames: "Junyang (Justin) Lin" -> ("Justin",)
    suffix: str = ""

    @property
    def display(self) -> str:
        """Given then family, the way most pages write names (family first for names in CJK script)."""
        if _is_cjk(self.family + self.given):
            return f"{self.family}{self.given}"
        name = f"{self.given} {self.family}".strip()
        return f"{name}, {self.suffix}" if self.suffix else name

    # Cached on the (immutable, itself cached) parsed name: an import asks each name's key several times.
    @computed_once
    def key(self) -> str:
        return name_key(self.given, self.family)

    @property
    def initial_key(self) -> str:
        return initial_key(self.given, self.family)

    @computed_once
    def swapped_key(self) -> str:
        """The key if the page wrote the family name first without a comma ("Wang Xue" for Xue Wang):
        name_key(family, given), made from the key's two halves (folding never leaves a "|")."""
        family, given = self.key.split("|", 1)
        return f"{given}|{family}"

    @computed_once
    def folded_family(self) -> str:
        """fold(family), the key's first half."""
        return self.key.split("|", 1)[0]

    @property
    def keys(self) -> tuple[str, ...]:
        """Both orders' keys: which one is right is for the evidence to say."""
        return (self.key, self.swapped_key) if self.given else (self.key,)

    @computed_once
    def given_parts(self) -> tuple[str, ...]:
        """Given names one by one, initials split ("H.V." -> ("H.", "V."))."""
        parts: list[str] = []
        for word in self.given.replace("-", " - ").split():
            if word == "-":
                continue
            dotted = _DOTTED.findall(word) if "." in word else ()  # most given names have no dot to split at
            if len(dotted) >= 2 and "".join(dotted) == word:
                parts.extend(dotted)
            else:
                parts.append(word)
        return tuple(parts)

    @computed_once
    def is_initials(self) -> bool:
        """True when every given name is an initial ("H. V. Jagadish", "J Lin")."""
        parts = self.given_parts
        return bool(parts) and all(is_initial(p) for p in parts)


def is_initial(word: str) -> bool:
    return bool(_INITIAL.match(word)) and not _is_cjk(word)


_NOT_ASCII_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(part: str) -> str:
    """Lower-case letters and digits only, accents removed; scripts without an ASCII form are kept as they are."""
    if part.isascii():
        lowered = part.lower()
        # Most name parts are plain words ("Smith"): nothing to take out, no regex run.
        return lowered if lowered.isalnum() else _NOT_ASCII_ALNUM.sub("", lowered)
    return _fold_unicode(part)


@functools.lru_cache(maxsize=65536)
def _fold_unicode(part: str) -> str:
    text = part.translate(str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss"}))
    decomposed = unicodedata.normalize("NFKD", text)
    kept = []
    for ch in decomposed:
        if unicodedata.combining(ch):
            continue
        if ord(ch) < 128:
            if ch.isalnum():
                kept.append(ch.lower())
        elif ch.isalpha():
            folded = ascii_fold(ch)
            kept.append(folded.lower() if folded else ch)
    return "".join(kept)


def name_key(given: str, family: str) -> str:
    """A folded key that ignores case, accents, hyphens, dots and spacing: 'Yi-Fan Li' == 'Yifan Li'."""
    return f"{fold(family)}|{fold(given)}"


def initial_key(given: str, family: str) -> str:
    """Family name plus the first initial: 'H. V. Jagadish' and 'Hosagrahar V. Jagadish' share it."""
    folded = fold(given)
    return f"{fold(family)}|{folded[:1]}"


def initials_compatible(a: ParsedName, b: ParsedName) -> bool:
    """Could these be one person written with and without initials? Same family, and each given name of the
    shorter form is the longer form's name or its initial, in order ("H. V." ~ "Hosagrahar V.")."""
    if a.folded_family != b.folded_family or not a.given or not b.given:
        return False
    left, right = a.given_parts, b.given_parts
    if len(left) > len(right):
        left, right = right, left
    if not left:
        return False
    for short, long in zip(left, right, strict=False):
        short_folded, long_folded = fold(short), fold(long)
        if not short_folded or not long_folded:
            return False
        if is_initial(short) or is_initial(long):
            if short_folded[0] != long_folded[0]:
                return False
        elif short_folded != long_folded:
            return False
    return True


def names_relation(a: ParsedName, b: ParsedName) -> str | None:
    """How two written names can be one person's: "same" (one folded name), "order swap" ("Wang Xue" and
    "Xue Wang"), "initials" ("H. V. Jagadish" and "Hosagrahar V. Jagadish"), or None. A possibility, not a
    proof: callers weigh it with where the names were written."""
    if not a.family or not b.family:
        return None
    if a.key == b.key:
        return "same"
    if a.given and b.given and a.key == b.swapped_key:
        return "order swap"
    if initials_compatible(a, b):
        return "initials"
    return None


def clean_name(text: str) -> str:
    """The name without BibTeX braces, footnote marks and doubled spaces; what a person would type."""
    text = text.replace("{", "").replace("}", "").replace("~", " ")
    text = _MARKS.sub("", text)
    return _SPACES.sub(" ", text).strip().strip(",;")


@functools.lru_cache(maxsize=1 << 16)  # pure, and asked for the same spellings by every import and export
def parse_name(text: str) -> ParsedName:
    """Split a name into given and family parts, keeping aliases and suffixes apart.

    Handles "Family, Given", "Given Family", initials ("H. V. Jagadish"), particles ("Ludwig van
    Beethoven", "van Beethoven, Ludwig"), suffixes ("Martin Luther King, Jr."), parenthesised or quoted
    aliases ("Junyang (Justin) Lin"), family names in capitals written first ("LIN Junyang"), names in CJK
    script ("王雪": family first), footnote marks and braces from BibTeX.
    """
    as_written = text
    corporate = _braced_whole(text.strip())
    if corporate is not None:
        # BibTeX's way to say "one name, do not split it": a corporate author such as {Barnes and Noble}.
        return ParsedName(as_written, "", _SPACES.sub(" ", corporate.replace("{", "").replace("}", "")).strip())
    text = clean_name(text)
    aliases = tuple(a.strip() for a in _ALIAS.findall(text) + _QUOTED_ALIAS.findall(text) if a.strip())
    text = _SPACES.sub(" ", _QUOTED_ALIAS.sub(" ", _ALIAS.sub(" ", text))).strip().strip(",;")
    suffix = ""
    if "," in text:
        parts = [p.strip() for p in text.split(",") if p.strip()]
        if len(parts) >= 2 and parts[-1].lower() in _SUFFIXES:
            suffix = parts.pop()
        if len(parts) >= 2:
            if len(parts) == 3:  # "von Last, Jr, First" (BibTeX's third form)
                family, suffix, given = parts
            else:
                family, given = parts[0], ", ".join(parts[1:])
            given, family = _trailing_particles(given.strip(), family.strip())
            return ParsedName(as_written, given, family, aliases, suffix)
        text = parts[0] if parts else ""
    words = text.split(" ") if text else []
    if words and words[-1].lower() in _SUFFIXES and len(words) > 2:
        suffix = words.pop()
    if not words:
        return ParsedName(as_written, "", "", aliases, suffix)
    if len(words) == 1:
        word = words[0]
        if _is_cjk(word) and len(word) >= 2:
            # Chinese, Japanese and Korean names in their own script run family name first, without spaces.
            return ParsedName(as_written, word[1:], word[:1], aliases, suffix)
        return ParsedName(as_written, "", word, aliases, suffix)
    if _is_cjk(text):
        return ParsedName(as_written, " ".join(words[1:]), words[0], aliases, suffix)
    # "LIN Junyang": a family name in capitals written first is a common convention on Asian and French pages.
    if len(words) >= 2 and _shouting(words[0]) and not any(_shouting(w) for w in words[1:]):
        return ParsedName(as_written, " ".join(words[1:]), words[0], aliases, suffix)
    if len(words) >= 2 and _shouting(words[-1]) and not any(_shouting(w) for w in words[:-1]):
        return ParsedName(as_written, " ".join(words[:-1]), words[-1], aliases, suffix)
    # The family name starts at the first lower-case particle after the given names, else it is the last word.
    start = len(words) - 1
    for index in range(1, len(words) - 1):
        if words[index].lower() in PARTICLES and words[index][:1].islower():
            start = index
            break
    else:
        start = _capitalised_particles(words, start)
    given = " ".join(words[:start])
    family = " ".join(words[start:])
    return ParsedName(as_written, given, family, aliases, suffix)


def _braced_whole(text: str) -> str | None:
    """What is inside `{...}` when one brace group spans the whole text, else None."""
    if not (text.startswith("{") and text.endswith("}")):
        return None
    depth = 0
    for index, ch in enumerate(text):
        if ch == "{" and (index == 0 or text[index - 1] != "\\"):
            depth += 1
        elif ch == "}" and text[index - 1] != "\\":
            depth -= 1
            if depth == 0 and index != len(text) - 1:
                return None
    inner = text[1:-1].strip()
    return inner if depth == 0 and inner else None


# Particles that also start family names when capitalised ("Yann Le Cun", "Juan De La Cruz"). Left out because
# they are common given names too: "Van" alone (Vietnamese: "Anh Van Nguyen"; "Van Der ..." still counts), "Di"
# and "Da" (Chinese: "Yu Di Wang").
_CAPITAL_PARTICLES = frozenset(["le", "la", "de", "del", "della", "du", "des", "von", "der", "den"])


def _capitalised_particles(words: list[str], start: int) -> int:
    """Where the family name starts when capitalised particles lead into the last word, else `start`.

    Only a run right before the last word counts, after at least one given name: "Yann Le Cun" -> "Le Cun";
    a particle-like given name elsewhere ("Di He", "Le Van Thanh Nguyen") is left alone.
    """
    index = len(words) - 1
    while index - 1 >= 1:
        word = words[index - 1]
        lower = word.lower()
        following = words[index].lower()
        if lower in _CAPITAL_PARTICLES or (lower == "van" and following in ("der", "den", "de")):
            index -= 1
        else:
            break
    if index == len(words) - 1 or not words[index][:1].isupper():
        return start
    return index


def _trailing_particles(given: str, family: str) -> tuple[str, str]:
    """Lower-case particles after the given names belong to the family name: "Maaten, Laurens van der"."""
    words = given.split()
    moved = 0
    while moved < len(words) - 1 and words[len(words) - 1 - moved] in PARTICLES:
        moved += 1
    if not moved:
        return given, family
    return " ".join(words[: len(words) - moved]), " ".join([*words[len(words) - moved :], family])


def _shouting(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters) and "." not in word


def split_author_list(text: str) -> list[str]:
    """Split "A, B, C and D" / "A, B, and C" / "A; B; C" into names; initials with dots stay attached."""
    text = text.strip().rstrip(".")
    text = re.sub(r"\s*,?\s+(?:and|&)\s+", ", ", text)
    separator = ";" if ";" in text else ","
    return [part.strip() for part in text.split(separator) if part.strip()]


_EXTENDED_KEY = re.compile(r"\s*(family|given|prefix|suffix)(-i)?\s*=\s*(.*)\Z", re.S)


def _top_level_split(text: str, separator: str) -> list[str]:
    """`text` cut at `separator` where it stands outside braces (an escaped brace `\\{` does not count)."""
    pieces, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "{}" and i and text[i - 1] == "\\":
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == separator and depth == 0:
            pieces.append(text[start:i])
            start = i + 1
    pieces.append(text[start:])
    return pieces


def _one_group(text: str) -> bool:
    """Whether `text` is one brace group, `{...}`, whose first brace closes at its end."""
    if not (text.startswith("{") and text.endswith("}")):
        return False
    depth = 0
    for i, ch in enumerate(text):
        if ch in "{}" and i and text[i - 1] == "\\":
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth == 0:
            return i == len(text) - 1
    return False


def extended_name_parts(latex: str) -> dict[str, str] | None:
    """The parts of a name in biblatex's extended name format (`family=Doe, given=Jane, given-i=J`), still
    LaTeX, without the `-i` initials (derived data); None for a name in the ordinary BibTeX form.

    The exporter writes this form where biber's own initials would break the document (a name starting with
    a macro), so a re-import must read it back as the same person."""
    parts: dict[str, str] = {}
    for piece in _top_level_split(latex, ","):
        match = _EXTENDED_KEY.match(piece)
        if not match:
            return None
        value = match.group(3).strip()
        if _one_group(value):
            value = value[1:-1]
        if not match.group(2):
            parts[match.group(1)] = value
    return parts if "family" in parts or "given" in parts else None
