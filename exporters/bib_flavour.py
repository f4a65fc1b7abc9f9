"""What BibTeX and biblatex each call an entry type and a field, how one maps to the other, and which LaTeX
from a .bib may pass through to a document.

The mapping follows the biblatex manual (its "BibTeX compatibility" aliases): `@thesis` + `type` <->
`@phdthesis`/`@mastersthesis`, `@report` <-> `@techreport`, `@online` -> `@misc`, `date` <-> `year`/`month`,
`journaltitle` <-> `journal`, `location` <-> `address`, `institution` <-> `school` in theses. A declared type is
mapped between flavours, never "improved" from a venue; a field a type requires but the entry lacks is reported,
not filled in. Pure functions on names and strings: no Paper, no files, no library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def word_set(text: str) -> frozenset[str]:
    """The space-separated words of `text`: long name lists read best as one string."""
    return frozenset(text.split())


# ---------------------------------------------------------------------------------------------- entry types
# BibTeX's standard types (btxdoc) and what plain.bst warns about when they lack it; `a|b` means either.
BIBTEX_REQUIRED: dict[str, tuple[str, ...]] = {
    "article": ("author", "title", "journal", "year"),
    "book": ("author|editor", "title", "publisher", "year"),
    "booklet": ("title",),
    "conference": ("author", "title", "booktitle", "year"),
    "inbook": ("author|editor", "title", "chapter|pages", "publisher", "year"),
    "incollection": ("author", "title", "booktitle", "publisher", "year"),
    "inproceedings": ("author", "title", "booktitle", "year"),
    "manual": ("title",),
    "mastersthesis": ("author", "title", "school", "year"),
    "misc": (),
    "phdthesis": ("author", "title", "school", "year"),
    "proceedings": ("title", "year"),
    "techreport": ("author", "title", "institution", "year"),
    "unpublished": ("author", "title", "note"),
}

# biblatex's standard types and the fields its data model (blx-dm.def, which `biber --validate-datamodel` checks)
# makes mandatory; `year|date` is required of every type but the ones the model leaves without a date (and @set,
# whose date is its members').
_YEAR_OR_DATE = word_set(
    "article book inbook bookinbook suppbook booklet collection incollection suppcollection manual misc mvbook "
    "mvcollection online patent periodical suppperiodical proceedings inproceedings reference inreference "
    "report thesis unpublished"
)
_BIBLATEX_MANDATORY: dict[str, tuple[str, ...]] = {
    "article": ("author", "journaltitle", "title"),
    "book": ("author", "title"),
    "mvbook": ("author", "title"),
    "inbook": ("author", "title", "booktitle"),
    "bookinbook": ("author", "title", "booktitle"),
    "suppbook": ("author", "title", "booktitle"),
    "booklet": ("author|editor", "title"),
    "collection": ("editor", "title"),
    "reference": ("editor", "title"),
    "mvcollection": ("editor", "title"),
    "mvreference": ("editor", "title"),
    "incollection": ("author", "editor", "title", "booktitle"),
    "suppcollection": ("author", "editor", "title", "booktitle"),
    "inreference": ("author", "editor", "title", "booktitle"),
    "dataset": ("title",),
    "manual": ("title",),
    "misc": ("title",),
    "software": ("title",),
    "online": ("title", "url|doi|eprint"),
    "patent": ("author", "title", "number"),
    "periodical": ("editor", "title"),
    "suppperiodical": (),
    "proceedings": ("title",),
    "mvproceedings": ("title",),
    "inproceedings": ("author", "title", "booktitle"),
    "report": ("author", "title", "type", "institution"),
    "thesis": ("author", "title", "type", "institution"),
    "unpublished": ("author", "title"),
    "set": ("entryset",),
    "xdata": (),
}
BIBLATEX_REQUIRED: dict[str, tuple[str, ...]] = {
    name: fields + (("year|date",) if name in _YEAR_OR_DATE else ()) for name, fields in _BIBLATEX_MANDATORY.items()
}
# Types biblatex knows without a driver of their own in the standard styles (printed like @misc).
BIBLATEX_NONSTANDARD = word_set(
    "artwork audio bibnote commentary image jurisdiction legislation legal letter movie music performance "
    "review standard video"
)

# biblatex type -> the nearest BibTeX type, offered as a suggestion (theses, reports and @online are mapped).
_TO_BIBTEX = {
    "mvbook": "book",
    # Parts with a title of their own in a book: BibTeX's @incollection (its @inbook is a chapter or pages of a
    # book, whose title is the book's; biblatex's @inbook, also a titled part, stays @inbook: BibTeX's own type).
    "bookinbook": "incollection",
    "suppbook": "incollection",
    "collection": "book",
    "mvcollection": "book",
    "reference": "book",
    "mvreference": "book",
    "suppcollection": "incollection",
    "inreference": "incollection",
    "mvproceedings": "proceedings",
    "suppperiodical": "article",
    "report": "techreport",
}
# The biblatex manual maps these to @misc, their address in howpublished.
_ONLINE = frozenset(["online", "electronic", "www"])
# BibTeX type -> biblatex type and the `type` field that keeps what the BibTeX type said.
_TO_BIBLATEX = {
    "phdthesis": ("thesis", "phdthesis"),
    "mastersthesis": ("thesis", "mathesis"),
    "techreport": ("report", "techreport"),
    "conference": ("inproceedings", None),
    "electronic": ("online", None),
    "www": ("online", None),
}
_PHD_TYPES = frozenset(["phdthesis", "phd", "phd thesis", "doctoral thesis", "dissertation"])
_MASTERS_TYPES = frozenset(["mathesis", "mastersthesis", "masters", "master's thesis", "masters thesis"])

# biblatex field -> BibTeX field (and back): aliases the biblatex manual lists under BibTeX compatibility.
_FIELDS_TO_BIBTEX = {
    "journaltitle": "journal",
    "location": "address",
    "annotation": "annote",
    "eprinttype": "archiveprefix",
    "eprintclass": "primaryclass",
}
# archivePrefix and primaryClass stay: biber reads them as the aliases they are, and our own exports use them.
_FIELDS_TO_BIBLATEX = {"journal": "journaltitle", "address": "location", "annote": "annotation"}
_THESIS_TYPES = frozenset(["thesis", "phdthesis", "mastersthesis"])

# Fields biblatex defines that no BibTeX style prints: kept (bibtex ignores them), and said so once per entry.
BIBLATEX_ONLY_FIELDS = word_set(
    "subtitle titleaddon maintitle mainsubtitle maintitleaddon booksubtitle booktitleaddon journalsubtitle "
    "issuetitle issuesubtitle eventtitle eventdate venue origdate urldate origlocation origpublisher "
    "origtitle origlanguage bookauthor editora editorb editorc editoratype editorbtype editorctype "
    "translator annotator commentator introduction foreword afterword holder shorttitle shortauthor "
    "shorteditor shorthand sortkey sortname sorttitle sortyear indextitle indexsorttitle pubstate "
    "addendum part volumes pagetotal bookpagination pagination entrysubtype eid issue"
)

# Parents whose title biblatex hands to the children citing them as their booktitle: a booktitle of their own
# (a BibTeX habit for crossref) is not in biblatex's data model.
TITLE_IS_BOOKTITLE = word_set("book mvbook collection mvcollection proceedings mvproceedings reference mvreference")
# The types whose fields in biblatex's data model include `type` (a BibTeX @incollection may state one).
TYPE_FIELD_TYPES = word_set("booklet dataset manual misc software patent report thesis unpublished")
# Fields biblatex's data model types as integers (biber --validate-datamodel ignores other values).
INTEGER_FIELDS = frozenset(["volume", "volumes", "sortyear"])

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAMES = {
    **{name: i + 1 for i, name in enumerate(MONTHS)},
    **{
        name: i + 1
        for i, name in enumerate(
            [
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ]
        )
    },
    "sept": 9,
}


def month_number(text: str) -> int | None:
    """1-12 for `apr`, `April`, `April.`, `4` or `04`; None for anything else (`Spring`, `4--5`)."""
    value = text.strip().strip("{}").strip().rstrip(".").lower()
    if value.isdigit() and 1 <= int(value) <= 12:
        return int(value)
    return _MONTH_NAMES.get(value)


@dataclass(frozen=True)
class TypeMapping:
    entry_type: str  # the type to write
    type_field: str | None  # a `type` value to add when the entry has none (biblatex theses and reports)
    drop_type_field: bool  # the entry's `type` only restated the BibTeX type: leave it out
    note: str | None  # what the reader should know about the mapping


def map_type(declared: str, type_field: str | None, flavour: str, *, biblatex_names: bool = False) -> TypeMapping:
    """The entry type to write in `flavour` for a type as declared (lowercase), with its `type` field if any.

    BibTeX's types and fields are aliases biber resolves itself (the biblatex manual's "BibTeX compatibility"),
    so a biblatex export keeps them as declared, and a file used with biber comes back as it was; with
    `biblatex_names` they are written under biblatex's own names (`@thesis` + `type`, `journaltitle`)."""
    declared = declared.lower()
    kind = (type_field or "").strip().strip("{}").strip().lower()
    if flavour == "bibtex":
        if declared == "thesis":
            if kind in _PHD_TYPES:
                return TypeMapping("phdthesis", None, True, None)
            if kind in _MASTERS_TYPES:
                return TypeMapping("mastersthesis", None, True, None)
            if kind:
                # bibtex prints the `type` in place of "Master's thesis", so a bachelor's thesis reads right.
                return TypeMapping("mastersthesis", None, False, None)
            return TypeMapping("phdthesis", None, False, "@thesis without a type; written as @phdthesis")
        if declared == "report":
            return TypeMapping("techreport", None, kind == "techreport", None)
        if declared in _ONLINE:
            return TypeMapping("misc", None, False, f"@{declared} has no BibTeX type; written as @misc")
        if declared in BIBTEX_REQUIRED:
            return TypeMapping(declared, None, False, None)
        # Kept as declared (a BibTeX file may use it for a style that knows it): only the reader may change it.
        nearest = _TO_BIBTEX.get(declared, "misc")
        kind_of = (
            "a biblatex type" if declared in BIBLATEX_REQUIRED or declared in BIBLATEX_NONSTANDARD else "a custom type"
        )
        note = (
            f"@{declared} is {kind_of}, not a standard BibTeX one: kept as declared; plain and most BibTeX styles "
            f"print it as @misc (the nearest BibTeX type is @{nearest})"
        )
        return TypeMapping(declared, None, False, note)
    if declared in _TO_BIBLATEX and biblatex_names:
        target, implied = _TO_BIBLATEX[declared]
        return TypeMapping(target, implied if not kind else None, False, None)
    if declared in _TO_BIBLATEX:
        return TypeMapping(declared, None, False, None)  # biber reads it as the alias it is
    if declared == "suppperiodical":
        # The data model declares no fields for it: biber --validate-datamodel warns about every one.
        note = "@suppperiodical: biber's data model allows it no fields; biber warns about each one"
        return TypeMapping(declared, None, False, note)
    if declared in BIBLATEX_REQUIRED or declared in BIBLATEX_NONSTANDARD:
        return TypeMapping(declared, None, False, None)
    if declared in BIBTEX_REQUIRED:
        return TypeMapping(declared, None, False, None)
    return TypeMapping(declared, None, False, f"@{declared} is not a biblatex type; biber treats it as @misc")


def map_field(name: str, target_type: str, flavour: str, *, biblatex_names: bool = False) -> str:
    """The name a field is written under in `flavour` (lowercase in, lowercase out); see `map_type`."""
    if flavour == "bibtex":
        if name == "institution" and target_type in _THESIS_TYPES:
            return "school"
        return _FIELDS_TO_BIBTEX.get(name, name)
    if not biblatex_names:
        return name
    if name == "school":
        return "institution"
    return _FIELDS_TO_BIBLATEX.get(name, name)


_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\s*(.*?)\s*$")


def split_date(date: str) -> tuple[str | None, int | None, str]:
    """A biblatex date as (year, month, what BibTeX cannot carry): "2020-04-15" -> ("2020", 4, "the day 15")."""
    match = _DATE.match(date)
    if not match:
        return None, None, f"the date {date!r}"
    year, month, day, rest = match.groups()
    lost = []
    if day:
        lost.append(f"the day {int(day)}")
    if rest:
        lost.append(f"{rest!r} after the date")
    return year, int(month) if month else None, " and ".join(lost)


def missing_required(flavour: str, entry_type: str, present: set[str]) -> list[str]:
    """The required fields of `entry_type` the entry does not have, as `author` or `author or editor`.

    In biblatex, BibTeX's names count as the biblatex fields biber reads them as (a @phdthesis's `school` is
    its `institution`, its type implied), and a missing field is named both ways."""
    table = BIBTEX_REQUIRED if flavour == "bibtex" else BIBLATEX_REQUIRED
    if flavour == "biblatex":
        entry_type, implied = _TO_BIBLATEX.get(entry_type, (entry_type, None))
        present = {map_field(name, entry_type, flavour, biblatex_names=True) for name in present}
        if implied:
            present.add("type")
    missing = []
    for need in table.get(entry_type, ()):
        options = need.split("|")
        if not any(option in present for option in options):
            if flavour == "biblatex":
                options = [f"{o} (or {_BIBTEX_SPELLING[o]})" if o in _BIBTEX_SPELLING else o for o in options]
            missing.append(" or ".join(options))
    return missing


# How BibTeX spells a field biblatex requires, for a report about an entry that may use either.
_BIBTEX_SPELLING = {"journaltitle": "journal", "institution": "school", "location": "address"}


def bibtex_style_warnings(entry_type: str, present: set[str]) -> list[str]:
    """What plain.bst (and the styles built on it) warns about beyond a missing required field, so the report
    names each warning bibtex will print for an entry as its source wrote it."""
    warnings = []
    if entry_type in ("book", "inbook") and {"author", "editor"} <= present:
        warnings.append("has both author and editor; bibtex warns and prints the author")
    if entry_type in ("book", "inbook", "incollection", "inproceedings", "conference", "proceedings"):
        if {"volume", "number"} <= present:
            warnings.append("has both volume and number; bibtex warns and prints the volume")
        elif "number" in present and "series" not in present:
            warnings.append("has a number but no series; bibtex warns")
    # plain sorts by a name: books by author or editor, proceedings by editor or organization, manuals by author
    # or organization, the rest by author; `key` stands in for any. An entry already missing its author is
    # reported for that.
    sort_by = {
        "book": ("author", "editor"),
        "inbook": ("author", "editor"),
        "proceedings": ("editor", "organization"),
        "manual": ("author", "organization"),
    }.get(entry_type, ("author",))
    required = {need for need in BIBTEX_REQUIRED.get(entry_type, ()) if "author" in need}
    if not present & {*sort_by, "key"} and not required:
        warnings.append(f"has no {' or '.join(sort_by)} and no key; bibtex warns that it cannot sort it")
    return warnings


# ---------------------------------------------------------------------------------------------- safe LaTeX
# Commands that read, write or (re)define things when TeX runs, or run code (Lua, shell). Anything else a .bib
# wrote passes through: it is the author's own LaTeX.
_COMPILE_TIME = word_set(
    "input include includeonly write immediate openout openin read def edef gdef xdef let futurelet csname "
    "endcsname catcode directlua latelua luaexec luadirect scantokens special"
)
# A control word, or any other control symbol (`\\` is one: the `input` after it is text), read left to right.
_COMMAND = re.compile(r"\\(?:([A-Za-z@]+)|.)", re.S)
# The name a neutralised \def or \let would have defined: left a command, it is undefined and stops the document.
_DEFINED = re.compile(r"(\{\\textbackslash\}@*(?:e|g|x)?(?:def|let|futurelet))\s*\\([A-Za-z@]+)")
_CARETS = re.compile(r"(\\\\)|(\\?)\^\^")


def neutralise(latex: str) -> tuple[str, list[str]]:
    """The LaTeX with every compile-time command written as text (`{\\textbackslash}input`) and `^^` notation
    written as two carets, and the commands found (`\\input`, `^^`), in order, each once."""
    found: list[str] = []

    def command(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None or name.replace("@", "") not in _COMPILE_TIME:
            return match.group(0)
        if "\\" + name not in found:
            found.append("\\" + name)
        return "{\\textbackslash}" + name

    out = _COMMAND.sub(command, latex)
    out = _DEFINED.sub(lambda m: m.group(1) + " {\\textbackslash}" + m.group(2), out)

    def carets(match: re.Match[str]) -> str:
        if match.group(1):
            return match.group(1)  # a line break, `\\\\`, before the carets
        if "^^" not in found:
            found.append("^^")
        # After a backslash the first caret is the circumflex accent's own; only the second one is text.
        return "\\^{}{\\textasciicircum}" if match.group(2) else "{\\textasciicircum}{\\textasciicircum}"

    while "^^" in out:
        out = _CARETS.sub(carets, out)
    return out, found


_MACRO_WORD = re.compile(r"[^\s\"#%'(),={}0-9][^\s\"#%'(),={}]*")


def macro_names(spelling: str) -> list[str]:
    """The @string names a value's spelling uses (`dec # {~15}` -> ["dec"]); literals are skipped."""
    names = []
    depth = 0
    quoted = False
    i = 0
    while i < len(spelling):
        ch = spelling[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0:
            quoted = not quoted
        elif depth == 0 and not quoted:
            match = _MACRO_WORD.match(spelling, i)
            if match:
                names.append(match.group(0).lower())
                i = match.end()
                continue
        i += 1
    return names
