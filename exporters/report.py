"""What an export could not carry faithfully, entry by entry, so nothing is dropped or changed in silence.

Pure data: exporters fill it, the CLI and GUI show it. Never writes files.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

# What happened to a character the flavour has no room for.
REPLACED = "replaced"  # bibtex: written as [U+XXXX]; pdflatex + bibtex cannot carry it
ENGINE_ONLY = "needs-unicode-engine"  # biblatex: kept as UTF-8; pdflatex cannot print it, lualatex/xelatex can
DROPPED = "dropped"  # an invisible format character (zero-width space ...) left out of the LaTeX


@dataclass(frozen=True)
class CharacterProblem:
    key: str  # the entry's citation key
    field: str  # title, author, abstract ...
    char: str
    problem: str  # REPLACED or ENGINE_ONLY

    @property
    def codepoint(self) -> str:
        return f"U+{ord(self.char):04X}"

    @property
    def char_name(self) -> str:
        return unicodedata.name(self.char, "unnamed character")


@dataclass(frozen=True)
class EntryNote:
    """Something the user should know about one entry (a title fallback, a type that lacked fields)."""

    key: str
    message: str


@dataclass
class ExportReport:
    format: str
    entries: int = 0
    characters: list[CharacterProblem] = field(default_factory=list)
    notes: list[EntryNote] = field(default_factory=list)

    def add_characters(self, key: str, field_name: str, chars: list[str], problem: str) -> None:
        seen: set[str] = set()
        for ch in chars:
            if ch not in seen:
                seen.add(ch)
                self.characters.append(CharacterProblem(key, field_name, ch, problem))

    def note(self, key: str, message: str) -> None:
        self.notes.append(EntryNote(key, message))

    @property
    def clean(self) -> bool:
        return not self.characters

    def lines(self) -> list[str]:
        """The report as a person reads it: one line per entry, field and problem, never one per character
        ("title: 12 CJK characters kept as UTF-8; ..."), then the entries' own notes."""
        groups: dict[tuple[str, str, str], list[CharacterProblem]] = {}
        for item in self.characters:
            groups.setdefault((item.key, item.field, item.problem), []).append(item)
        out = []
        for (key, field_name, problem), items in groups.items():
            if problem == REPLACED:
                what = f"cannot be carried by {self.format}; written as [U+XXXX]"
            elif problem == DROPPED:
                what = "invisible; left out"
            elif self.format == "bibtex":
                what = "kept as UTF-8; use xelatex or lualatex (pdflatex cannot print them)"
            else:
                what = "kept as UTF-8; use lualatex or xelatex with a font that has them (pdflatex cannot print them)"
            out.append(f"{key}: {field_name}: {_count(items)} {what}: {_examples(items)}")
        out.extend(f"{note.key}: {note.message}" for note in self.notes)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "entries": self.entries,
            "characters": [
                {
                    "key": c.key,
                    "field": c.field,
                    "char": c.char,
                    "codepoint": c.codepoint,
                    "name": c.char_name,
                    "problem": c.problem,
                }
                for c in self.characters
            ],
            "notes": [{"key": n.key, "message": n.message} for n in self.notes],
        }


_SCRIPTS = {
    "CJK": "CJK",
    "HIRAGANA": "Japanese",
    "KATAKANA": "Japanese",
    "HANGUL": "Korean",
    "GREEK": "Greek",
    "CYRILLIC": "Cyrillic",
    "ARABIC": "Arabic",
    "HEBREW": "Hebrew",
    "DEVANAGARI": "Devanagari",
    "THAI": "Thai",
}


def _count(items: list[CharacterProblem]) -> str:
    """ "12 CJK characters", "1 character": the script named when all of them share one."""
    scripts = {item.char_name.split(" ")[0] for item in items}
    script = next(iter(scripts)) if len(scripts) == 1 and items[0].char_name != "unnamed character" else ""
    script = _SCRIPTS.get(script, "")
    noun = "character" if len(items) == 1 else "characters"
    return f"{len(items)} {script + ' ' if script else ''}{noun}"


def _examples(items: list[CharacterProblem], shown: int = 4) -> str:
    """The first few characters with their code points, so one line still names what to look for."""
    listed = ", ".join(f"{item.char!r} {item.codepoint}" for item in items[:shown])
    return listed + (f" and {len(items) - shown} more" if len(items) > shown else "")
