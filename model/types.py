"""Plain dataclasses that cross the model's boundary to the CLI, exporters and GUI; no SQL or Qt here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Fields of a paper that a user may edit and that importers fill; edits are kept apart and always win.
EDITABLE_FIELDS = (
    "title",
    "year",
    "date",
    "venue",
    "entry_type",
    "abstract",
    "arxiv_id",
    "doi",
    "comments",
    "journal_ref",
    "category",
    "url",
    "volume",
    "number",
    "pages",
    "publisher",
)


@dataclass(frozen=True)
class AuthorRef:
    """One place in a paper's ordered author list."""

    author_id: int
    name: str  # the person's display name in the library
    as_written: str  # the name exactly as the chosen source wrote it
    given: str = ""
    family: str = ""


@dataclass(frozen=True)
class SourceClaim:
    """What one imported file said about a paper (provenance)."""

    source_id: int
    file: str
    format: str
    line: int | None
    record: dict[str, Any]  # the importer's raw record, as JSON-ready values
    imported_at: str
    path: str = ""  # where the file was read from (a .bib's linked files are relative to its folder)


@dataclass(frozen=True)
class BibField:
    """One field of a paper's BibTeX/biblatex entry, in the order the entry wrote it.

    `text` is the Unicode reading (display, search, matching, CSL/RIS). `latex` is the value exactly as the
    .bib wrote it (inside its braces or quotes, @string macros expanded), exported as written while the
    field is unedited; None when the value did not come from a .bib. `macro` keeps the value's own spelling
    when it used @string macros or `#` concatenation (`apr`, `j-TUGboat`, `dec # {~15}`), so an export can
    write it back. `edited` is True once the user changed the field: the edit is then the truth, and is
    escaped like any other Unicode text.
    """

    name: str  # lowercase, as written: "journaltitle", "school", "basefilename"
    text: str
    latex: str | None = None
    macro: str | None = None
    edited: bool = False


@dataclass(frozen=True)
class BibBlock:
    """A block of a .bib file that is not an entry, kept so the file survives a round trip.

    kind is "string" (name = the macro, value = its LaTeX), "preamble" (value = its LaTeX) or "comment"
    (value = the text, JabRef's metadata included)."""

    kind: str
    value: str
    name: str | None = None
    source_id: int | None = None
    position: int = 0  # order within its source file


@dataclass
class Paper:
    id: int
    title: str | None
    year: int | None = None
    date: str | None = None
    date_inferred: bool = False
    venue: str | None = None
    entry_type: str | None = None
    abstract: str | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    comments: str | None = None
    journal_ref: str | None = None
    category: str | None = None
    url: str | None = None
    volume: str | None = None
    number: str | None = None
    pages: str | None = None
    publisher: str | None = None
    links: list[dict[str, str]] = field(default_factory=list)  # {"kind": "code", "url": ...}
    remarks: str | None = None  # what pages said about the paper ("an extension of my KDD paper"); not the note
    has_code: bool = False  # a page flagged code ("Code" badge, "[Code]") or linked to it
    authors: list[AuthorRef] = field(default_factory=list)
    authors_complete: bool = True
    # People known to be authors without a place in the visible list (a page owner behind "et al.").
    extra_authors: list[AuthorRef] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    note: str = ""
    citekey: str = ""
    key_aliases: list[str] = field(default_factory=list)
    edited_fields: list[str] = field(default_factory=list)
    added_at: str = ""
    updated_at: str = ""
    deleted_at: str | None = None
    sources: list[SourceClaim] = field(default_factory=list)  # filled only by Library.get_paper
    # The entry as a .bib declared it (lowercase, "phdthesis", "online"); None when no .bib stated the paper.
    # Never "improved" from the venue: exporters write it as declared (mapped between flavours).
    bib_type: str | None = None
    bib_fields: list[BibField] = field(default_factory=list)  # every field of the chosen .bib entry, in order

    @property
    def display_title(self) -> str:
        """A readable title even for records without one (arXiv listings give none)."""
        if self.title:
            return self.title
        if self.arxiv_id:
            return f"[untitled] arXiv:{self.arxiv_id}"
        if self.doi:
            return f"[untitled] doi:{self.doi}"
        if self.abstract:
            words = self.abstract.split()
            return "[untitled] " + " ".join(words[:10]) + ("…" if len(words) > 10 else "")
        return f"[untitled paper #{self.id}]"

    def author_names(self) -> list[str]:
        return [ref.name for ref in self.authors]

    @property
    def year_inferred(self) -> bool:
        """The year is only a guess (a page gave "Mar 15"; the capture date supplied the year) that the user
        did not confirm by editing it: shown marked as a guess, never exported nor put in a key."""
        return bool(self.year is not None and self.date_inferred and not {"year", "date"} & set(self.edited_fields))

    @property
    def key_year(self) -> int | None:
        """The year a citation key states: none for a guessed one."""
        return None if self.year_inferred else self.year

    def key_families(self) -> list[str]:
        """Family names a key is made from: the author list, else the people known to be authors without a
        place in it (the owner of a profile page that lists no authors)."""
        from papershelf.model.names import parse_name

        refs = self.authors or self.extra_authors
        return [parse_name(ref.as_written or ref.name).family or ref.family for ref in refs]


@dataclass(frozen=True)
class ProfileInfo:
    """What one page says about its owner."""

    source_id: int
    file: str
    position: str | None = None
    affiliation: str | None = None
    bio: str | None = None
    interests: tuple[str, ...] = ()
    email: str | None = None
    address: str | None = None
    h_index: int | None = None
    citation_count: int | None = None
    paper_count: int | None = None
    links: tuple[dict[str, str], ...] = ()


@dataclass
class Author:
    id: int
    name: str
    given: str = ""
    family: str = ""
    variants: list[str] = field(default_factory=list)  # every other way sources wrote this person's name
    paper_count: int = 0
    note: str = ""
    profiles: list[ProfileInfo] = field(default_factory=list)  # filled only by Library.get_author


@dataclass(frozen=True)
class Source:
    id: int
    file: str
    path: str
    sha256: str
    format: str
    owner_id: int | None
    owner_name: str | None
    imported_at: str
    paper_count: int
    claimed_count: int | None
    earlier_files: tuple[str, ...] = ()  # other names earlier captures of this page were imported under


@dataclass(frozen=True)
class Tag:
    id: int
    name: str
    colour: str
    paper_count: int


@dataclass(frozen=True)
class Change:
    """What a mutation changed, so views refresh only what it names and undo can reverse it."""

    kind: str  # papers, authors, tags, sources, duplicates, library
    paper_ids: frozenset[int] = frozenset()
    author_ids: frozenset[int] = frozenset()
    description: str = ""


@dataclass(frozen=True)
class SelectionSummary:
    """What a window says about many selected papers at once, without reading each paper."""

    count: int  # how many of the ids are papers
    first_year: int | None
    last_year: int | None
    tag_counts: dict[str, int]  # tag name -> how many of the papers carry it
