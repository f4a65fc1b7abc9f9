"""The BibTeX and biblatex entry types: their names, labels, required and optional fields.

Plain data read from the two manuals (btxdoc §3.1 "Entry types" for BibTeX; the biblatex manual §2.1 "Entry
Types" and the `blx-dm.def` data model for biblatex), with a small lookup API for the editor, exporters and
the CLI. A required field may be an either-or group ("author/editor", "year/date"): any one member fills it.
This module only describes types; it never reads the library, never decides a paper's type (a declared type
is never "improved"), and holds no SQL and no Qt.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

BIBTEX = "bibtex"
BIBLATEX = "biblatex"
FLAVOURS = (BIBTEX, BIBLATEX)


@dataclass(frozen=True)
class EntryType:
    """One entry type of one flavour."""

    name: str  # lowercase, as written after @: "phdthesis"
    label: str  # what a user reads: "PhD thesis"
    flavour: str  # BIBTEX or BIBLATEX
    required: tuple[tuple[str, ...], ...]  # groups; a group of several names is filled by any one of them
    optional: tuple[str, ...]
    description: str = ""
    alias_of: str | None = None  # the type it stands for (biblatex aliases, BibTeX's @conference)
    standard: bool = True  # False for biblatex's non-standard types, which standard styles print as @misc

    @property
    def required_fields(self) -> tuple[str, ...]:
        """Every field named in a required group, in the manual's order."""
        return tuple(name for group in self.required for name in group)

    @property
    def fields(self) -> tuple[str, ...]:
        """Required fields, then optional ones."""
        return self.required_fields + self.optional

    def group_of(self, field: str) -> tuple[str, ...] | None:
        """The required group a field belongs to, or None when the field is not required."""
        for group in self.required:
            if field in group:
                return group
        return None

    def missing(self, present: Iterable[str]) -> list[tuple[str, ...]]:
        """Required groups none of whose fields is among `present` (for biblatex, read through its aliases:
        `journal` fills `journaltitle`)."""
        have = {name.lower() for name in present}
        if self.flavour == BIBLATEX:
            have |= {BIBLATEX_FIELD_ALIASES[name] for name in have if name in BIBLATEX_FIELD_ALIASES}
        return [group for group in self.required if not have & set(group)]


# biblatex's field aliases (manual §2.2.5): BibTeX's spelling, resolved to biblatex's field as the file is read.
# Only biblatex reads them so; BibTeX's styles know just the name written (a @techreport ignores `school`).
BIBLATEX_FIELD_ALIASES: dict[str, str] = {
    "address": "location",
    "annote": "annotation",
    "archiveprefix": "eprinttype",
    "journal": "journaltitle",
    "key": "sortkey",
    "pdf": "file",
    "primaryclass": "eprintclass",
    "school": "institution",
}


def _req(*specs: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(spec.split("/")) for spec in specs)


def _opt(text: str, required: tuple[tuple[str, ...], ...] = ()) -> tuple[str, ...]:
    # biblatex lists `editor` both as required and optional for @incollection: a field is in one list only.
    taken = {name for group in required for name in group}
    return tuple(name for name in text.split() if name not in taken)


# ---------------------------------------------------------------------------------------------- BibTeX (btxdoc)
_BIBTEX: list[tuple[str, str, tuple[str, ...], str, str]] = [
    # (name, label, required, optional, description); "a/b" is an either-or group, "chapter/pages" btxdoc's
    # "chapter and/or pages", and "volume or number" among the optional fields is simply both.
    (
        "article",
        "Journal article",
        ("author", "title", "journal", "year"),
        "volume number pages month note",
        "An article from a journal or magazine.",
    ),
    (
        "book",
        "Book",
        ("author/editor", "title", "publisher", "year"),
        "volume number series address edition month note",
        "A book with an explicit publisher.",
    ),
    (
        "booklet",
        "Booklet",
        ("title",),
        "author howpublished address month year note",
        "A work that is printed and bound, but without a named publisher or sponsoring institution.",
    ),
    (
        "inbook",
        "Part of a book",
        ("author/editor", "title", "chapter/pages", "publisher", "year"),
        "volume number series type address edition month note",
        "A part of a book, which may be a chapter (or section or whatever) and/or a range of pages.",
    ),
    (
        "incollection",
        "Part of a book with its own title",
        ("author", "title", "booktitle", "publisher", "year"),
        "editor volume number series type chapter pages address edition month note",
        "A part of a book having its own title.",
    ),
    (
        "inproceedings",
        "Conference paper",
        ("author", "title", "booktitle", "year"),
        "editor volume number series pages address month organization publisher note",
        "An article in a conference proceedings.",
    ),
    (
        "manual",
        "Manual",
        ("title",),
        "author organization address edition month year note",
        "Technical documentation.",
    ),
    (
        "mastersthesis",
        "Master's thesis",
        ("author", "title", "school", "year"),
        "type address month note",
        "A Master's thesis.",
    ),
    (
        "misc",
        "Miscellaneous",
        (),
        "author title howpublished month year note",
        "Use this type when nothing else fits.",
    ),
    (
        "phdthesis",
        "PhD thesis",
        ("author", "title", "school", "year"),
        "type address month note",
        "A PhD thesis.",
    ),
    (
        "proceedings",
        "Proceedings",
        ("title", "year"),
        "editor volume number series address month organization publisher note",
        "The proceedings of a conference.",
    ),
    (
        "techreport",
        "Technical report",
        ("author", "title", "institution", "year"),
        "type number address month note",
        "A report published by a school or other institution, usually numbered within a series.",
    ),
    (
        "unpublished",
        "Unpublished",
        ("author", "title", "note"),
        "month year",
        "A document having an author and title, but not formally published.",
    ),
]

# ---------------------------------------------------------------------------------------------- biblatex (§2.1.1)
_E = "addendum pubstate doi eprint eprintclass eprinttype url urldate"  # the tail every list ends with
_BOOKISH = "editor editora editorb editorc translator annotator commentator introduction foreword afterword"
_BIBLATEX_FIELDS: dict[str, tuple[tuple[str, ...], str]] = {
    "article": (
        ("author", "title", "journaltitle", "year/date"),
        "translator annotator commentator subtitle titleaddon editor editora editorb editorc journalsubtitle "
        "journaltitleaddon issuetitle issuesubtitle issuetitleaddon language origlanguage series volume number "
        f"eid issue month pages version note issn {_E}",
    ),
    "book": (
        ("author", "title", "year/date"),
        f"{_BOOKISH} subtitle titleaddon maintitle mainsubtitle maintitleaddon language origlanguage volume part "
        f"edition volumes series number note publisher location isbn eid chapter pages pagetotal {_E}",
    ),
    "mvbook": (
        ("author", "title", "year/date"),
        f"{_BOOKISH} subtitle titleaddon language origlanguage edition volumes series number note publisher "
        f"location isbn pagetotal {_E}",
    ),
    "inbook": (
        ("author", "title", "booktitle", "year/date"),
        f"bookauthor {_BOOKISH} subtitle titleaddon maintitle mainsubtitle maintitleaddon booksubtitle "
        "booktitleaddon language origlanguage volume part edition volumes series number note publisher location "
        f"isbn eid chapter pages {_E}",
    ),
    "booklet": (
        ("author/editor", "title", "year/date"),
        f"subtitle titleaddon language howpublished type note location eid chapter pages pagetotal {_E}",
    ),
    "collection": (
        ("editor", "title", "year/date"),
        "editora editorb editorc translator annotator commentator introduction foreword afterword subtitle "
        "titleaddon maintitle mainsubtitle maintitleaddon language origlanguage volume part edition volumes "
        f"series number note publisher location isbn eid chapter pages pagetotal {_E}",
    ),
    "mvcollection": (
        ("editor", "title", "year/date"),
        "editora editorb editorc translator annotator commentator introduction foreword afterword subtitle "
        f"titleaddon language origlanguage edition volumes series number note publisher location isbn pagetotal {_E}",
    ),
    "incollection": (
        ("author", "title", "editor", "booktitle", "year/date"),
        f"{_BOOKISH} subtitle titleaddon maintitle mainsubtitle maintitleaddon booksubtitle booktitleaddon "
        "language origlanguage volume part edition volumes series number note publisher location isbn eid "
        f"chapter pages {_E}",
    ),
    "dataset": (
        ("author/editor", "title", "year/date"),
        f"subtitle titleaddon language edition type series number version note organization publisher location {_E}",
    ),
    "manual": (
        ("author/editor", "title", "year/date"),
        "subtitle titleaddon language edition type series number version note organization publisher location "
        f"isbn eid chapter pages pagetotal {_E}",
    ),
    "misc": (
        ("author/editor", "title", "year/date"),
        f"subtitle titleaddon language howpublished type version note organization location month {_E}",
    ),
    "online": (
        ("author/editor", "title", "year/date", "doi/eprint/url"),
        "subtitle titleaddon language version note organization month addendum pubstate eprintclass eprinttype urldate",
    ),
    "patent": (
        ("author", "title", "number", "year/date"),
        f"holder subtitle titleaddon type version location note month {_E}",
    ),
    "periodical": (
        ("editor", "title", "year/date"),
        "editora editorb editorc subtitle titleaddon issuetitle issuesubtitle issuetitleaddon language series "
        f"volume number issue month note issn {_E}",
    ),
    "proceedings": (
        ("title", "year/date"),
        "editor subtitle titleaddon maintitle mainsubtitle maintitleaddon eventtitle eventtitleaddon eventdate "
        "venue language volume part volumes series number note organization publisher location month isbn eid "
        f"chapter pages pagetotal {_E}",
    ),
    "mvproceedings": (
        ("title", "year/date"),
        "editor subtitle titleaddon eventtitle eventtitleaddon eventdate venue language volumes series number "
        f"note organization publisher location month isbn pagetotal {_E}",
    ),
    "inproceedings": (
        ("author", "title", "booktitle", "year/date"),
        "editor subtitle titleaddon maintitle mainsubtitle maintitleaddon booksubtitle booktitleaddon eventtitle "
        "eventtitleaddon eventdate venue language volume part volumes series number note organization publisher "
        f"location month isbn eid chapter pages {_E}",
    ),
    "report": (
        ("author", "title", "type", "institution", "year/date"),
        f"subtitle titleaddon language number version note location month isrn eid chapter pages pagetotal {_E}",
    ),
    "thesis": (
        ("author", "title", "type", "institution", "year/date"),
        f"subtitle titleaddon language note location month isbn eid chapter pages pagetotal {_E}",
    ),
    "unpublished": (
        ("author", "title", "year/date"),
        "subtitle titleaddon type eventtitle eventtitleaddon eventdate venue language howpublished note "
        f"location isbn month {_E}",
    ),
    # Special types: the manual lists no fields; blx-dm.def makes `entryset` and year/date mandatory for @set.
    "set": (("entryset", "year/date"), ""),
    "xdata": ((), ""),
    "bibnote": ((), "note"),  # blx-dm.def gives @bibnote the one field `note`
}

# (name, label, description, fields taken from, kind): kind "regular" has its own list above, "soft" is the
# manual's soft alias (own type, the target's driver and fields), "hard" is a §2.1.2 alias resolved on reading,
# "nonstandard" a §2.1.3 type the standard styles print with the @misc driver.
_BIBLATEX: list[tuple[str, str, str, str, str]] = [
    ("article", "Journal article", "An article in a journal, magazine, newspaper, or other periodical.", "", ""),
    ("book", "Book", "A single-volume book with one or more authors.", "", ""),
    ("mvbook", "Multi-volume book", "A multi-volume @book.", "", ""),
    ("inbook", "Part of a book", "A part of a book which forms a self-contained unit with its own title.", "", ""),
    ("bookinbook", "Book in a book", "Like @inbook, for works originally published as a book.", "inbook", "soft"),
    ("suppbook", "Supplement to a book", "Prefaces, introductions, afterwords… of a @book.", "inbook", "soft"),
    ("booklet", "Booklet", "A book-like work without a formal publisher or sponsoring institution.", "", ""),
    ("collection", "Collection", "A single-volume collection of contributions by distinct authors.", "", ""),
    ("mvcollection", "Multi-volume collection", "A multi-volume @collection.", "", ""),
    ("incollection", "Part of a collection", "A contribution to a collection, with its own author and title.", "", ""),
    ("suppcollection", "Supplement to a collection", "Supplemental material in a @collection.", "incollection", "soft"),
    ("dataset", "Data set", "A data set or a similar collection of (mostly) raw data.", "", ""),
    ("manual", "Manual", "Technical or other documentation, not necessarily in printed form.", "", ""),
    ("misc", "Miscellaneous", "A fallback type for entries which do not fit into any other category.", "", ""),
    ("online", "Online resource", "An online resource such as a web site.", "", ""),
    ("patent", "Patent", "A patent or patent request.", "", ""),
    ("periodical", "Periodical issue", "A complete issue of a periodical, such as a special issue.", "", ""),
    (
        "suppperiodical",
        "Supplement to a periodical",
        "Columns, obituaries, letters… in a periodical.",
        "article",
        "soft",
    ),
    ("proceedings", "Proceedings", "A single-volume conference proceedings.", "", ""),
    ("mvproceedings", "Multi-volume proceedings", "A multi-volume @proceedings entry.", "", ""),
    ("inproceedings", "Conference paper", "An article in a conference proceedings.", "", ""),
    (
        "reference",
        "Reference work",
        "A single-volume work of reference (encyclopedia, dictionary).",
        "collection",
        "soft",
    ),
    ("mvreference", "Multi-volume reference work", "A multi-volume @reference entry.", "mvcollection", "soft"),
    ("inreference", "Article in a reference work", "An article in a work of reference.", "incollection", "soft"),
    ("report", "Report", "A technical report, research report, or white paper.", "", ""),
    ("set", "Entry set", "An entry set: entries cited together (field entryset).", "", ""),
    ("software", "Software", "Computer software.", "misc", "soft"),
    ("thesis", "Thesis", "A thesis written for an educational institution to satisfy a degree.", "", ""),
    ("unpublished", "Unpublished", "A work which has not been formally published (manuscript, talk).", "", ""),
    ("xdata", "Data container (xdata)", "Holds data other entries inherit with the xdata field.", "", ""),
    ("conference", "Conference paper", "A legacy alias for @inproceedings.", "inproceedings", "hard"),
    ("electronic", "Online resource", "An alias for @online.", "online", "hard"),
    ("mastersthesis", "Master's thesis", "@thesis with type optional (default: Master's thesis).", "thesis", "hard"),
    ("phdthesis", "PhD thesis", "@thesis with type optional (default: PhD thesis).", "thesis", "hard"),
    ("techreport", "Technical report", "@report with type optional (default: technical report).", "report", "hard"),
    ("www", "Online resource", "An alias for @online, for jurabib compatibility.", "online", "hard"),
    ("artwork", "Artwork", "Works of the visual arts such as paintings, sculpture, and installations.", "", "ns"),
    ("audio", "Audio recording", "Audio recordings, typically on CD, DVD, cassette, or similar media.", "", "ns"),
    ("bibnote", "Bibliography note", "Notes merged into the bibliography by packages such as notes2bib.", "", "ns"),
    ("commentary", "Commentary", "Commentaries with a status different from regular books (legal).", "", "ns"),
    ("image", "Image", "Images, pictures, photographs, and similar media.", "", "ns"),
    ("jurisdiction", "Court decision", "Court decisions, court recordings, and similar things.", "", "ns"),
    ("legislation", "Legislation", "Laws, bills, legislative proposals, and similar things.", "", "ns"),
    ("legal", "Legal document", "Legal documents such as treaties.", "", "ns"),
    ("letter", "Letter", "Personal correspondence such as letters, emails, memoranda.", "", "ns"),
    ("movie", "Film", "Motion pictures.", "", "ns"),
    ("music", "Music recording", "Musical recordings.", "", "ns"),
    ("performance", "Performance", "Musical and theatrical performances and other performing arts.", "", "ns"),
    ("review", "Review", "Reviews of some other work (printed as an @article).", "article", "ns"),
    ("standard", "Standard", "National and international standards issued by a standards body.", "", "ns"),
    ("video", "Video", "Audiovisual recordings, typically on DVD, VHS cassette, or similar media.", "", "ns"),
]


def _build() -> dict[tuple[str, str], EntryType]:
    table: dict[tuple[str, str], EntryType] = {}
    for name, label, required, optional, description in _BIBTEX:
        groups = _req(*required)
        table[BIBTEX, name] = EntryType(name, label, BIBTEX, groups, _opt(optional, groups), description)
    table[BIBTEX, "conference"] = EntryType(
        "conference",
        "Conference paper",
        BIBTEX,
        table[BIBTEX, "inproceedings"].required,
        table[BIBTEX, "inproceedings"].optional,
        "The same as @inproceedings, included for Scribe compatibility.",
        alias_of="inproceedings",
    )
    for name, label, description, source, kind in _BIBLATEX:
        if kind == "ns" and name not in _BIBLATEX_FIELDS:
            source = source or "misc"
        specs, optional = _BIBLATEX_FIELDS[source or name]
        groups = _req(*specs)
        optional_fields = _opt(optional, groups)
        if kind == "hard" and name in ("mastersthesis", "phdthesis", "techreport"):
            # The alias supplies the `type` the target requires, so `type` becomes optional.
            groups = tuple(group for group in groups if group != ("type",))
            optional_fields = ("type", *optional_fields)
        table[BIBLATEX, name] = EntryType(
            name,
            label,
            BIBLATEX,
            groups,
            optional_fields,
            description,
            alias_of=source if kind in ("soft", "hard") else None,
            standard=kind != "ns",
        )
    return table


_TYPES = _build()


def entry_type(name: str, flavour: str | None = None) -> EntryType | None:
    """The type called `name` (any case) in `flavour`, or None for a type the flavour does not have.

    Without a flavour, BibTeX's definition where it has one, else biblatex's."""
    name = name.strip().lower()
    if flavour is not None:
        if flavour not in FLAVOURS:
            raise ValueError(f"unknown flavour {flavour!r}; expected one of {', '.join(FLAVOURS)}")
        return _TYPES.get((flavour, name))
    return _TYPES.get((BIBTEX, name)) or _TYPES.get((BIBLATEX, name))


def entry_types(flavour: str | None = None) -> list[EntryType]:
    """Every type of a flavour in the manual's order (both flavours, BibTeX first, without a flavour)."""
    return [t for (f, _), t in _TYPES.items() if flavour is None or f == flavour]


def type_names() -> list[str]:
    """Every type name either flavour knows, each once, sorted by label (what a type chooser lists)."""
    names: dict[str, EntryType] = {}
    for (_f, name), kind in _TYPES.items():
        names.setdefault(name, kind)
    return sorted(names, key=lambda name: (names[name].label.lower(), name))


def flavours_of(name: str) -> tuple[str, ...]:
    """The flavours that know a type name: ("bibtex", "biblatex"), one of them, or () for a custom type."""
    return tuple(f for f in FLAVOURS if (f, name.strip().lower()) in _TYPES)


def type_label(name: str) -> str:
    """A readable name for any type, custom ones included ("PhD thesis"; "@customtype" for unknown)."""
    known = entry_type(name)
    return known.label if known else f"@{name.strip().lower()}"


# Fields biblatex knows and BibTeX's standard styles do not: a paper that writes them was written for biblatex.
_BIBLATEX_ONLY_FIELDS = frozenset(
    {"journaltitle", "date", "location", "eventtitle", "eventdate", "urldate", "subtitle", "titleaddon"}
    | {"maintitle", "origlanguage", "langid", "pagetotal", "eprinttype", "eprintclass"}
    | {"entryset", "xdata", "xref", "pubstate", "bookauthor", "editora", "editorb", "editortype", "issue"}
)
_BIBTEX_ONLY_FIELDS = frozenset({"journal", "address", "school"})


def guess_flavour(type_name: str | None, field_names: Iterable[str]) -> str:
    """The flavour an entry was written for: biblatex for its own types or when fields only biblatex knows
    (journaltitle, date, location…) outnumber BibTeX's own spellings (journal, address, school); else BibTeX."""
    if type_name and flavours_of(type_name) == (BIBLATEX,):
        return BIBLATEX
    names = {name.lower() for name in field_names}
    return BIBLATEX if len(names & _BIBLATEX_ONLY_FIELDS) > len(names & _BIBTEX_ONLY_FIELDS) else BIBTEX


# The coarse kind the library gives every paper (Paper.entry_type, exporters' classification) as an entry type.
_SUGGESTIONS = {
    "journal": "article",
    "conference": "inproceedings",
    "paper-conference": "inproceedings",
    "journal-article": "article",
    "proceedings-article": "inproceedings",
    "report": "techreport",
    "thesis": "phdthesis",
    "dissertation": "phdthesis",
    "chapter": "incollection",
    "book-chapter": "incollection",
    "dataset": "misc",
    "software": "misc",
    "webpage": "misc",
    "preprint": "misc",
    "other": "misc",
}


def suggested_type(kind: str | None, flavour: str = BIBTEX, *, online: bool = False) -> str:
    """The entry type a paper with no declared type would take from its coarse kind ("preprint", "journal",
    "phdthesis"…). Only a suggestion, shown as such: a declared type always wins. `online` says the paper
    is known by an identifier alone (an arXiv preprint), which biblatex writes as @online."""
    name = (kind or "").strip().lower()
    if flavour == BIBLATEX and (name in ("dataset", "software") or (name == "preprint" and online)):
        return "online" if name == "preprint" else name
    name = _SUGGESTIONS.get(name, name)
    return name if entry_type(name, flavour) else "misc"
