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
        """The report as a person reads it, one line per problem."""
        out = []
        for item in self.characters:
            if item.problem == REPLACED:
                what = f"cannot be carried by {self.format}; written as [{item.codepoint}]"
            elif item.problem == DROPPED:
                what = "invisible; left out"
            else:
                what = "kept as UTF-8; needs lualatex or xelatex with a font that has it (pdflatex cannot print it)"
            out.append(f"{item.key}: {item.field}: {item.char!r} ({item.codepoint} {item.char_name}) {what}")
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
