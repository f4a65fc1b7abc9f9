"""BibTeX (ASCII, for pdflatex + bibtex) and biblatex (UTF-8, for biber) entries from library papers.

Every entry stands on its own: biber drops a whole bibliography for one bad entry, so each value is escaped
for its flavour (exporters/latex_escape.py), each entry type gets the fields its styles require (or becomes
@misc), and verbatim fields are checked rather than trusted. Reads Paper dataclasses; never SQL, never files.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from papershelf.exporters import bib_flavour as flavours
from papershelf.exporters import classify as kinds
from papershelf.exporters.latex_decode import decode_fragment
from papershelf.exporters.latex_escape import FLAVOURS, Encoded, LatexEscaper
from papershelf.exporters.latex_table import COMBINING, macro_for, raw_in_utf8
from papershelf.exporters.report import DROPPED, ENGINE_ONLY, REPLACED, ExportReport
from papershelf.exporters.verbatim import URL_FALLBACK_PREAMBLE, verbatim_doi, verbatim_identifier, verbatim_url
from papershelf.model.citekeys import ascii_key, is_legal_key
from papershelf.model.types import AuthorRef, BibBlock, BibField, Paper

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


# Field names read case-insensitively but spelled this way by arXiv and every tool since.
_SPELLED = {"archiveprefix": "archivePrefix", "primaryclass": "primaryClass"}


class _Entry:
    """Fields of one entry in the order they are written, with the report kept as values are escaped."""

    def __init__(self, key: str, escaper: LatexEscaper, report: ExportReport) -> None:
        self.key = key
        self.escaper = escaper
        self.report = report
        self.fields: list[tuple[str, str, bool]] = []  # (name, value, braced)

    def _record(self, name: str, encoded: Encoded) -> str:
        if encoded.replaced or encoded.engine_only or encoded.dropped:  # almost never: skip three calls
            self.report.add_characters(self.key, name, encoded.replaced, REPLACED)
            self.report.add_characters(self.key, name, encoded.engine_only, ENGINE_ONLY)
            self.report.add_characters(self.key, name, encoded.dropped, DROPPED)
        return encoded.latex

    def text(
        self,
        name: str,
        value: str | None,
        *,
        protect: bool = False,
        lines: bool = False,
        paragraphs: bool = False,
        shared: bool = False,
    ) -> None:
        """`shared` for values many entries repeat (a venue, a publisher, a volume): escaped once per export
        run and flavour instead of once per entry."""
        if value and value.strip():
            if shared:
                encoded = _shared_text(self.escaper.flavour, value, protect)
            else:
                encoded = self.escaper.text(value, protect=protect, lines=lines, paragraphs=paragraphs)
            latex = self._record(name, encoded)
            if latex.strip():
                self.fields.append((name, latex, True))

    def raw(self, name: str, value: str | None, *, braced: bool = True) -> None:
        if value:
            self.fields.append((name, value, braced))

    def names(self, name: str, latex: str) -> None:
        self.fields.append((name, latex, True))

    def render(self, entry_type: str) -> str:
        lines = [f"@{entry_type}{{{self.key},"]
        for field_name, value, braced in self.fields:
            name = _SPELLED.get(field_name, field_name)
            lines.append(f"  {name} = {{{value}}}," if braced else f"  {name} = {value},")
        lines.append("}")
        return "\n".join(lines)


def _authors(paper: Paper, entry: _Entry) -> str | None:
    """`Family, Given and ...`, ending in `and others` only for a list known to be cut short."""
    refs, complete = kinds.cited_authors(paper)
    if not refs:
        return None
    names = []
    flavour = entry.escaper.flavour
    for ref in refs:
        name, reported = _cited_name(ref, flavour)
        for encoded in reported:
            entry._record("author", encoded)
        names.append(name)
    if not complete:
        names.append("others")
    return " and ".join(names)


# A library's export names the same few thousand people on most of its entries, and the library hands each
# person and spelling over as one shared AuthorRef: each is split and escaped once per flavour (issue 16).
@functools.lru_cache(maxsize=1 << 16)
def _cited_name(ref: AuthorRef, flavour: str) -> tuple[str, tuple[Encoded, ...]]:
    """One author as the entry writes it, with the escaped parts that have characters to report, in the order
    they are reported (each part is reported apart, as its own field value)."""
    parts = kinds.name_parts(ref)
    escaper = LatexEscaper(flavour)
    encoded = [escaper.name_part(parts.family)]
    if parts.given:
        encoded.append(escaper.name_part(parts.given))
    if parts.suffix:
        encoded.append(escaper.name_part(parts.suffix))
    family = encoded[0].latex
    given = escaper.name_part(parts.given).latex if parts.given else ""
    suffix = escaper.name_part(parts.suffix).latex if parts.suffix else ""
    if "," in parts.family + parts.given + parts.suffix and flavour == "biblatex":
        # biber counts every comma in a name, braced or not, and drops the entry past two ("Jr., Sr., Mr.,
        # Hans"); a name in one brace group it takes whole, as written.
        whole = escaper.name_part(ref.name)
        encoded.append(whole)
        name = "{" + whole.latex + "}"
    elif flavour == "biblatex" and any(_macro_first(w) for w in _words(family, given, suffix)):
        name = _extended_name(family, given, suffix, corporate=not given and " " in parts.family.strip())
    elif suffix:
        name = f"{family}, {suffix}, {given}"
    elif given:
        name = f"{family}, {given}"
    elif " " in parts.family.strip() or parts.family.strip().lower() == "others":
        # One part with spaces is a corporate author ({IEEE Computer Society}), and a person named
        # "others" is not "et al.": braced, bibtex and biber keep either as one name.
        name = "{" + family + "}"
    else:
        name = family
    return name, tuple(e for e in encoded if e.replaced or e.engine_only or e.dropped)


@functools.lru_cache(maxsize=1 << 14)
def _shared_text(flavour: str, value: str, protect: bool) -> Encoded:
    # Callers only read the result (latex and the characters to report), so one object serves every entry.
    return LatexEscaper(flavour).text(value, protect=protect)


def _words(*parts: str) -> list[str]:
    """The words of LaTeX name parts, split at spaces outside braces."""
    words = []
    for part in parts:
        depth, word = 0, ""
        for i, ch in enumerate(part):
            escaped = i > 0 and part[i - 1] == "\\"
            if ch in "{}" and not escaped:
                depth += 1 if ch == "{" else -1
            if ch == " " and depth == 0 and not escaped:
                words.append(word)
                word = ""
            else:
                word += ch
        words.append(word)
    return [w for w in words if w]


def _macro_first(word: str) -> bool:
    """Whether a word of a name starts with a macro: biber takes the first character after any braces as its
    initial, so `{\\textasciicircum}Caret` gets `}` (the document stops: "Extra }") and `\\ensuremath` a lone
    backslash (the PDF prints "bibinitperiod")."""
    return word.lstrip("{").startswith("\\")


_FIRST_UNIT = re.compile(r"\\[A-Za-z]+(?:\{\})?|\\.|.[\u0300-\u036f]*", re.S)


def _initial(word: str) -> str:
    """The LaTeX of a word's first character, free of braces (biber reads a brace in `given-i` as the end of
    one initial) and of quote marks (`\\"` is written `\\^^22`, which TeX reads as the same command)."""
    if word.startswith("{"):
        depth = 0
        for i, ch in enumerate(word):
            if ch in "{}" and not (i and word[i - 1] == "\\"):
                depth += 1 if ch == "{" else -1
            if depth == 0:
                unit = word[1:i]
                break
        else:
            unit = word
    else:
        match = _FIRST_UNIT.match(word)
        unit = match.group(0) if match else word[:1]
    unit = unit.replace("\\{", "\\textbraceleft ").replace("\\}", "\\textbraceright ")
    unit = unit.replace("{", "").replace("}", "")
    return _xname_safe(unit).strip()


def _xname_safe(latex: str) -> str:
    """biber's extended name format splits at `"` and `=`: the accents `\\"` and `\\=` in TeX's `^^` code."""
    return latex.replace('\\"', "\\^^22").replace("\\=", "\\^^3d")


def _extended_name(family: str, given: str, suffix: str, *, corporate: bool) -> str:
    """A name in biblatex's extended format, with the initials given (`given-i`), for a name biber's own
    initials would break; the .bib importer reads the form back as the same person."""
    if corporate:
        return f"family={{{{{_xname_safe(family)}}}}}, family-i={{{_initial(family)}}}"
    words = _words(family)
    cut = 0
    while cut < len(words) - 1 and words[cut][:1].islower():
        cut += 1  # "van der Berg": biber reads the lower-case words before the family name as its prefix
    fields = []
    for name, part in (
        ("prefix", " ".join(words[:cut])),
        ("family", " ".join(words[cut:])),
        ("suffix", suffix),
        ("given", given),
    ):
        if part:
            initials = "".join("{" + _initial(word) + "}" for word in _words(part))
            # Each initial is a brace group of its own, the groups not wrapped: biber reads `{{A}}` as two.
            fields.append(f"{name}={{{_xname_safe(part)}}}, {name}-i={initials}")
    return ", ".join(fields)


def _missing(authors: str | None, year: int | None, paper: Paper) -> str:
    """What an @inproceedings or @article lacked, as it is: no authors, no year, or a year only guessed."""
    wanted = []
    if not authors:
        wanted.append("authors, which are not known")
    if not year:
        guessed = kinds.year_inferred(paper) and paper.year
        known = f"a year, and {paper.year} is only guessed from the capture date" if guessed else None
        wanted.append(known or "a year, which is not known")
    return " and ".join(wanted)


def _key(paper: Paper, flavour: str, report: ExportReport) -> str:
    """The paper's own key; a key bibtex cannot use (a non-ASCII one from before keys had to be ASCII) is
    transliterated for the bibtex flavour, and a paper without a usable key gets `paper<ID>`."""
    key = paper.citekey
    if key and is_legal_key(key, ascii_only=flavour == "bibtex"):
        return key
    folded = ascii_key(key) if key and flavour == "bibtex" and is_legal_key(key, ascii_only=False) else None
    if folded:
        report.note(
            folded,
            f"the key {key!r} is not ASCII, which bibtex cannot find; exported as {folded!r} "
            f"(`papershelf key {paper.id} --set {folded}` makes it the paper's key)",
        )
        return folded
    fallback = f"paper{paper.id}"
    report.note(fallback, f"paper {paper.id} has no usable citation key; exported as {fallback}")
    return fallback


def entry_for(
    paper: Paper, flavour: str, report: ExportReport, *, abstracts: bool = True, options: BibOptions | None = None
) -> str:
    """One paper as a complete, self-contained entry of the given flavour."""
    if flavour not in FLAVOURS:
        raise ValueError(f"unknown flavour {flavour!r}")
    key = _key(paper, flavour, report)
    if paper.bib_type:
        return declared_entry(paper, key, flavour, report, abstracts=abstracts, options=options)
    entry = _Entry(key, LatexEscaper(flavour), report)
    kind = _kind(paper, options)
    year, month, day = kinds.year_month_day(paper)
    authors = _authors(paper, entry)

    entry_type = "misc"
    container_field = None
    if kind.kind == kinds.CONFERENCE and kind.container:
        entry_type, container_field = "inproceedings", "booktitle"
    elif kind.kind == kinds.JOURNAL and kind.container:
        entry_type, container_field = "article", "journal"
    elif kind.kind == kinds.PREPRINT and flavour == "biblatex" and paper.arxiv_id:
        entry_type = "online"
    if entry_type in ("inproceedings", "article") and (not authors or not year):
        # Styles require author and year for these types (plain warns, biber's checks fail): @misc needs neither.
        report.note(key, f"exported as @misc: @{entry_type} needs {_missing(authors, year, paper)}")
        entry_type = "misc"  # howpublished shows the venue, the one field every style prints for @misc

    if paper.title:
        entry.text("title", paper.title, protect=True)
    else:
        # The identifier is the title the reader sees; the entry says nothing more about it (the report does).
        entry.text("title", kinds.fallback_title(paper), protect=True)
        report.note(key, f"no title; exported with {kinds.fallback_title(paper)!r} in its place")
    if authors:
        entry.names("author", authors)
    if container_field and entry_type == "misc":
        entry.text("howpublished", kind.container, protect=True, shared=True)
    elif container_field:
        entry.text(container_field, kind.container, protect=True, shared=True)
    elif kind.kind == kinds.PREPRINT and flavour == "bibtex" and paper.arxiv_id:
        # plain and most BibTeX styles ignore eprint: this is how the preprint shows in the bibliography.
        entry.text("howpublished", f"arXiv preprint arXiv:{paper.arxiv_id}")
    elif kind.kind == kinds.PREPRINT and not paper.arxiv_id:
        # Known only as a preprint (an aggregator card, a profile's "arXiv" venue): the server is all there is.
        entry.text("howpublished", f"{kind.venue.short} preprint" if kind.venue else "Preprint")
    elif kind.kind == kinds.OTHER and kind.container:
        entry.text("howpublished", kind.container, protect=True, shared=True)
    if year:
        if flavour == "biblatex" and month:
            date = f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")
            entry.raw("date", date)
        else:
            entry.raw("year", str(year))
            if month:
                entry.raw("month", _MONTHS[month - 1], braced=False)
    if entry_type == "article" or flavour == "biblatex":
        entry.text("volume", paper.volume, shared=True)
        entry.text("number", paper.number, shared=True)
    elif paper.volume:
        # plain warns on volume together with number (or number without series) in proceedings.
        entry.text("volume", paper.volume, shared=True)
    pages = kinds.page_range(paper.pages)
    if pages:
        entry.raw("pages", f"{pages[0]}--{pages[1]}" if pages[1] else pages[0])
    else:
        entry.text("pages", paper.pages)
    entry.text("publisher", paper.publisher, shared=True)
    if paper.doi:
        doi = verbatim_doi(paper.doi)
        if doi:
            entry.raw("doi", doi)
        else:
            report.note(key, f"the DOI {paper.doi!r} is not well-formed and was left out")
    if paper.url:
        url = verbatim_url(paper.url)
        if url:
            entry.raw("url", url)
        else:
            report.note(key, f"the URL {paper.url!r} is not a web address and was left out")
    arxiv = verbatim_identifier(paper.arxiv_id) if paper.arxiv_id else None
    if arxiv:
        entry.raw("eprint", arxiv)
        entry.raw("archivePrefix", "arXiv")
        primary = kinds.arxiv_class(paper)
        if primary:
            entry.raw("primaryClass", primary)
    if paper.tags:
        entry.raw("keywords", _keywords(paper.tags, entry))
    if abstracts:
        entry.text("abstract", paper.abstract, paragraphs=True)  # the importer reads the breaks back
    if paper.remarks and paper.remarks.strip():
        # What the pages said about the paper, for the reader ("an extension of my KDD paper"): printed after
        # the entry. Never the user's note, which stays in the field styles do not print.
        entry.text("addendum" if flavour == "biblatex" else "note", paper.remarks)
    if paper.note and paper.note.strip():
        # The user's private Markdown note: a field styles do not print, which JabRef and Zotero read as a note.
        entry.text("annotation" if flavour == "biblatex" else "annote", paper.note, lines=True)
    if flavour == "biblatex":
        aliases = [a for a in paper.key_aliases if is_legal_key(a, ascii_only=False) and a != key]
        if aliases:
            entry.raw("ids", ", ".join(aliases))
    if not authors and flavour == "bibtex":
        # plain sorts by author, else by `key`: without one it warns "to sort, need author or key".
        sort_key = paper.title or kinds.fallback_title(paper)
        entry.text("key", sort_key)
    return entry.render(entry_type)


def _kind(paper: Paper, options: BibOptions | None) -> kinds.Kind:
    if options is None:
        return kinds.classify(paper)
    asked = (paper.venue, paper.entry_type, bool(paper.arxiv_id))
    kind = options.classified.get(asked)
    if kind is None:
        kind = options.classified[asked] = kinds.classify(paper)
    return kind


@dataclass
class BibOptions:
    """How entries a .bib declared are written (see export_bib)."""

    strings: bool = False
    macros: frozenset[str] = frozenset(flavours.MONTHS)  # @string names the file defines (and the months)
    crossref: str = "keep"  # or "inherit"
    parents: dict[str, Paper] = field(default_factory=dict)  # crossref targets by lowercase key
    biblatex_names: bool = False  # biblatex: BibTeX's names written as biblatex's (see bib_flavour.map_type)
    # kinds.classify's answers during one export, by what they depend on: venues repeat across a library, and
    # each answer costs a look into the venue table (a file's date, a normalised key).
    classified: dict[tuple[str | None, str | None, bool], kinds.Kind] = field(default_factory=dict)


# Fields whose value is an address or identifier, written as is (never a letter turned into a macro).
_VERBATIM_FIELDS = frozenset(["url", "doi", "eprint", "file", "pdf", "urldate", "isbn", "issn", "crossref", "xref"])
_VERBATIM_CHECK = {"url": verbatim_url, "doi": verbatim_doi, "eprint": verbatim_identifier}
# Fields that are the user's in Papershelf (tags, the note, old keys): written from the library, never the .bib.
_OWN_FIELDS = frozenset(["keywords", "annote", "annotation", "ids"])
# What a child never takes from its crossref parent (biblatex's defaults; bibtex never copies these either).
_NOT_INHERITED = flavours.word_set(
    "crossref xref ids entryset label sortkey shorthand shorthandintro keywords annote annotation key title "
    "subtitle titleaddon shorttitle sorttitle indextitle indexsorttitle related relatedtype relatedstring "
    "relatedoptions entrysubtype execute options presort type"
)
_CLUSTER = re.compile(f".[{COMBINING}]*", re.S)


def declared_entry(
    paper: Paper,
    key: str,
    flavour: str,
    report: ExportReport,
    *,
    abstracts: bool = True,
    options: BibOptions | None = None,
) -> str:
    """A paper a .bib declared, written back whole: its type as declared (mapped to `flavour`), every field in
    its order, unedited ones as their LaTeX was written, with the user's tags, note and old keys."""
    options = options or BibOptions()
    entry = _Entry(key, LatexEscaper(flavour), report)
    fields = [f for f in paper.bib_fields if f.name.lower() not in _OWN_FIELDS]
    if not abstracts:
        fields = [f for f in fields if f.name.lower() != "abstract"]
    if options.crossref == "inherit":
        fields = _inherit(paper, fields, options, report, key)
    by_name = {f.name.lower(): f for f in fields}
    type_field = by_name.get("type")
    mapping = flavours.map_type(
        paper.bib_type or "misc",
        type_field.text if type_field else None,
        flavour,
        biblatex_names=options.biblatex_names,
    )
    if mapping.note:
        report.note(key, mapping.note)
    target = mapping.entry_type
    named = _mapped_fields(fields, by_name, target, flavour, mapping, report, key, options.biblatex_names)
    names = {name for name, _ in named}
    if paper.bib_type and paper.bib_type.lower() in ("online", "electronic", "www") and flavour == "bibtex":
        url = by_name.get("url")
        if url is not None and "howpublished" not in names and verbatim_url(url.text):
            # plain and its kin print no url for @misc: howpublished is where the address shows.
            named.append(("howpublished", BibField("howpublished", url.text, f"\\url{{{verbatim_url(url.text)}}}")))
    if paper.doi and "doi" not in names:
        named.append(("doi", BibField("doi", paper.doi)))  # found later (a lookup): the file gains it
    if paper.arxiv_id and "eprint" not in names:
        named.append(("eprint", BibField("eprint", paper.arxiv_id)))
        named.append(("archiveprefix", BibField("archiveprefix", "arXiv")))
    for name, bib in named:
        if name == "author" and flavour == "biblatex" and paper.authors and _breaks_biber(bib):
            # The same people in the form biber reads (issue 17): as written, biber would drop the entry or
            # print a brace or a backslash as an initial.
            entry.names("author", _authors(paper, entry) or "")
            continue
        parent = options.parents.get(bib.text.strip().lower()) if name in ("crossref", "xref") else None
        if parent is not None and parent.citekey:
            # The parent's key as this export writes it when the file's spelling would miss it: biber matches
            # keys case-sensitively ("WHOLE-JOURNAL" finds nothing), and a parent may have a new key since.
            written = _key(parent, flavour, ExportReport(flavour))
            if written != bib.text.strip() and (flavour == "biblatex" or written.lower() != bib.text.strip().lower()):
                entry.raw(name, written)
                continue
        _declared_value(entry, name, bib, options)
    _own_fields(paper, entry, flavour)
    if flavour == "biblatex":
        aliases = [a for a in paper.key_aliases if is_legal_key(a, ascii_only=False) and a != key]
        if aliases:
            entry.raw("ids", ", ".join(aliases))
    _check_required(paper, entry, target, flavour, options, report)
    return entry.render(target)


def _own_fields(paper: Paper, entry: _Entry, flavour: str) -> None:
    """The tags as `keywords` and the note as `annote`: the user's, so the library's win over the file's. An
    import makes tags of a .bib's keywords, so while the tags are still the words the file listed, the file's
    LaTeX is written as it was; once the user tagged or untagged the paper, the tags are written."""
    written = {f.name.lower(): f for f in paper.bib_fields if f.name.lower() in _OWN_FIELDS}
    keywords = written.get("keywords")
    file_words = _split_keywords(keywords.text) if keywords is not None else []
    same = {w.casefold() for w in file_words} == {t.casefold() for t in paper.tags}
    if keywords is not None and keywords.edited and keywords.text.strip():
        # Typed into the entry's own keywords field (the entry editor): the user's words, escaped, with any tag
        # they do not list after them.
        value = entry._record("keywords", entry.escaper.text(keywords.text))
        extra = [tag for tag in paper.tags if tag.casefold() not in {w.casefold() for w in file_words}]
        if extra:
            value = value.rstrip().rstrip(",;") + ", " + _keywords(extra, entry)
        entry.fields.append(("keywords", _carry(entry, "keywords", value), True))
    elif keywords is not None and keywords.latex is not None and not keywords.edited and file_words and same:
        value, found = flavours.neutralise(keywords.latex)
        _report_neutralised(entry.report, entry.key, "keywords", found)
        entry.fields.append(("keywords", _carry(entry, "keywords", value), True))
    elif paper.tags:
        entry.raw("keywords", _keywords(paper.tags, entry))
    annote = written.get("annote") or written.get("annotation")
    name = "annotation" if flavour == "biblatex" else "annote"
    if annote is not None and annote.latex is not None and not annote.edited and paper.note == annote.text:
        value, found = flavours.neutralise(annote.latex)
        _report_neutralised(entry.report, entry.key, name, found)
        entry.fields.append((name, _carry(entry, name, value), True))
    elif paper.note and paper.note.strip():
        entry.text(name, paper.note, lines=True)


def _split_keywords(text: str) -> list[str]:
    return [word.strip() for word in re.split(r"[,;]", text) if word.strip()]


def _mapped_fields(
    fields: list[BibField],
    by_name: dict[str, BibField],
    target: str,
    flavour: str,
    mapping: flavours.TypeMapping,
    report: ExportReport,
    key: str,
    biblatex_names: bool = False,
) -> list[tuple[str, BibField]]:
    """Each field under its name in `flavour`, `date` split into `year`/`month` for BibTeX (and, with
    `biblatex_names`, `year`/`month` joined into `date` for biblatex); what cannot be carried is reported."""
    out: list[tuple[str, BibField]] = []
    unprinted: list[str] = []
    month = by_name.get("month")
    month_no = flavours.month_number(month.macro or month.text) if month else None
    for bib in fields:
        name = bib.name.lower()
        if name == "type" and mapping.drop_type_field:
            continue
        if flavour == "bibtex" and name == "date" and "year" not in by_name:
            year, month_of, lost = flavours.split_date(bib.text)
            if year is None:
                report.note(key, f"date: {bib.text!r} is not a date BibTeX can carry; kept as `date`")
                out.append((name, bib))
                continue
            out.append(("year", BibField("year", year, year)))
            if month_of and "month" not in by_name:
                abbr = flavours.MONTHS[month_of - 1]
                out.append(("month", BibField("month", abbr, abbr, macro=abbr)))
            if lost:
                report.note(key, f"date: BibTeX has only a year and a month; {lost} left out")
            continue
        if flavour == "biblatex" and biblatex_names and "date" not in by_name and name in ("year", "month"):
            year = by_name.get("year")
            if year and month and month_no and re.fullmatch(r"\d{4}", year.text.strip()):
                if name == "year":
                    date = f"{year.text.strip()}-{month_no:02d}"
                    edited = year.edited or month.edited
                    out.append(("date", BibField("date", date, None if edited else date, edited=edited)))
                continue
        if flavour == "biblatex" and name == "month" and not month_no:
            report.note(key, f"month: {bib.text!r} is not a month biber reads (it wants 1 to 12)")
        new = flavours.map_field(name, target, flavour, biblatex_names=biblatex_names)
        if new != name and new in by_name:
            new = name  # the entry has both spellings: each stays as written
        if flavour == "bibtex" and new in flavours.BIBLATEX_ONLY_FIELDS:
            unprinted.append(new)
        out.append((new, bib))
    if mapping.type_field and "type" not in by_name:
        out.append(("type", BibField("type", mapping.type_field, mapping.type_field)))
    if unprinted:
        report.note(key, f"{', '.join(unprinted)}: no BibTeX field; kept, but BibTeX styles do not print them")
    return out


def _declared_value(entry: _Entry, name: str, bib: BibField, options: BibOptions) -> None:
    """One field: with its @string macro when asked and defined, as its LaTeX while unedited, else escaped."""
    key, report = entry.key, entry.report
    if bib.macro and not bib.edited:
        used = flavours.macro_names(bib.macro)
        # The months are every style's and biber's own macros: `month = jun # "-" # aug` needs no @string, and
        # biber reads it as the source file gave it, with or without the option.
        if used and all(m in options.macros for m in used) and (options.strings or _month_macros(bib)):
            spelling, found = flavours.neutralise(bib.macro)
            _report_neutralised(report, key, name, found)
            entry.raw(name, spelling, braced=False)
            return
    if bib.edited or bib.latex is None:
        if not bib.text.strip():
            return  # the user removed the field
        check = _VERBATIM_CHECK.get(name)
        if check is not None:
            value = check(bib.text)
            if value:
                entry.raw(name, value)
            else:
                report.note(key, f"{name}: {bib.text!r} is not well-formed and was left out")
            return
        entry.text(name, bib.text, protect=name == "title", paragraphs=name == "abstract")
        return
    latex, found = flavours.neutralise(bib.latex)
    _report_neutralised(report, key, name, found)
    if name not in _VERBATIM_FIELDS:
        latex = _carry(entry, name, latex)
    # An empty field is written too (`LCCN = ""`): it was in the file, and is a placeholder to its author.
    entry.fields.append((name, latex, True))


# Commands biber reads as a letter: accents on one and the letters LaTeX spells with a macro.
_BIBER_LETTERS = frozenset("'\"^`~=.uvHcdbkr") | flavours.word_set("o O l L ss ae AE oe OE aa AA i j")
_LEADING_COMMAND = re.compile(r"\\([A-Za-z]+|.)")


def _breaks_biber(bib: BibField) -> bool:
    """Whether names as the .bib wrote them would go wrong in biber: three commas in one name (biber counts
    braced ones too, and drops the entry), or a word starting with a command biber does not read as a letter
    (`{\\textasciicircum}Caret`, `{\\ensuremath{\\Omega}}mega`: it takes a brace or a backslash as the initial)."""
    if bib.edited or bib.latex is None:
        return False
    for person in re.split(r"\s+and\s+", bib.latex):
        if person.count(",") > 2:
            return True
        for word in _words(person.replace(",", " ")):
            bare = word.lstrip("{")
            match = _LEADING_COMMAND.match(bare)
            if match is None:
                continue
            first = unicodedata.normalize("NFC", decode_fragment("{" + word + "}"))[:2]
            if match.group(1) not in _BIBER_LETTERS or not first[:1].isalpha() or not raw_in_utf8(first[:1]):
                return True  # biber writes the letter as UTF-8 pdflatex cannot read (Ẍ), or a brace
            if len(first) > 1 and unicodedata.combining(first[1]):
                return True  # a letter with no precomposed form: biber's initial would be a lone mark
    return False


def _month_macros(bib: BibField) -> bool:
    """A month field spelt with the month macros only (`apr`, `jun # "-" # aug`)."""
    used = flavours.macro_names(bib.macro) if bib.macro and not bib.edited else []
    return bib.name.lower() == "month" and bool(used) and all(m in flavours.MONTHS for m in used)


def _report_neutralised(report: ExportReport, key: str, name: str, found: list[str]) -> None:
    if found:
        report.note(key, f"{name}: {', '.join(found)} written as text: it could act when the document compiles")


# An accent command on one letter: `\\'e`, `\\"{o}`, `\\v c`, `\\={P}`.
_ACCENTED = re.compile(
    r"(?<!\\)\\(?:[`'^\"~=.]\s*|[uvHcdbkrt](?:\s+|(?=\{)))(?:\{\\?[A-Za-z]\}|\\?[A-Za-z](?![A-Za-z]))"
)


def _biber_accent(match: re.Match[str]) -> str:
    """biber reads accent commands into Unicode: a letter with no precomposed form (P with a macron) becomes a
    combining mark, and one pdflatex's UTF-8 input lacks (Ẍ) a character, that pdflatex stops at. Those get the
    form biber leaves alone; the rest stay as written."""
    cluster = unicodedata.normalize("NFC", decode_fragment("{" + match.group(0) + "}"))
    if not cluster[:1].isalpha() or (len(cluster) == 1 and raw_in_utf8(cluster)):
        return match.group(0)
    macro = macro_for(cluster, "biblatex")
    return "{" + macro + "}" if macro else match.group(0)


def _carry(entry: _Entry, name: str, latex: str) -> str:
    """The .bib's own LaTeX for this flavour: in BibTeX a letter with a macro becomes the macro (the file stays
    ASCII for pdflatex); what has none (CJK) stays UTF-8 and is reported, grouped per field. For biber, an
    accent it would turn into a lone combining mark is written so it does not."""
    flavour = entry.escaper.flavour
    if flavour == "biblatex" and "\\" in latex:
        latex = _ACCENTED.sub(_biber_accent, latex)
    if latex.isascii():
        return latex
    out: list[str] = []
    engine: list[str] = []
    invisible: list[str] = []
    for match in _CLUSTER.finditer(unicodedata.normalize("NFC", latex)):
        cluster = match.group(0)
        if cluster.isascii():
            out.append(cluster)
            continue
        if unicodedata.category(cluster[0]) == "Cf":
            invisible.append(cluster[0])  # a zero-width space prints nothing, and pdflatex stops at it
            continue
        if flavour == "bibtex":
            macro = macro_for(cluster, "bibtex")
            if macro:
                out.append("{" + macro + "}")
                continue
        elif all(raw_in_utf8(ch) for ch in cluster):
            out.append(cluster)
            continue
        engine.append(cluster)
        out.append(cluster)
    entry.report.add_characters(entry.key, name, engine, ENGINE_ONLY)
    entry.report.add_characters(entry.key, name, invisible, DROPPED)
    return "".join(out)


def _inherit(
    paper: Paper, fields: list[BibField], options: BibOptions, report: ExportReport, key: str
) -> list[BibField]:
    """The child's fields with its crossref parent's it lacks (the parent's title as its booktitle), and no
    crossref: for tools that do not resolve crossrefs."""
    target = _crossref(paper)
    if not target:
        return fields
    parent = options.parents.get(target.lower())
    if parent is None:
        report.note(key, f"crossref {target!r}: no paper has that key; nothing inherited, the crossref kept")
        return fields
    names = {f.name.lower() for f in fields}
    inherited: list[BibField] = []
    for bib in parent.bib_fields:
        name = bib.name.lower()
        if name == "title" and "booktitle" not in names:
            inherited.append(BibField("booktitle", bib.text, bib.latex, bib.macro, bib.edited))
            names.add("booktitle")
        elif name not in _NOT_INHERITED and name not in names:
            inherited.append(bib)
            names.add(name)
    return [f for f in fields if f.name.lower() != "crossref"] + inherited


def _check_required(
    paper: Paper, entry: _Entry, target: str, flavour: str, options: BibOptions, report: ExportReport
) -> None:
    """Report per entry what its type requires and it lacks ("@techreport: no institution"), and what else
    bibtex's styles warn about; the type is never changed to hide it."""
    present = {name for name, _value, _braced in entry.fields}
    parent = options.parents.get(_crossref(paper).lower()) if options.crossref == "keep" else None
    if parent is not None:
        # bibtex copies the fields the child lacks; biber also takes the parent's title as the booktitle.
        inherited = {
            flavours.map_field(f.name.lower(), target, flavour, biblatex_names=options.biblatex_names)
            for f in parent.bib_fields
        }
        if flavour == "bibtex" and "date" in inherited:
            inherited.add("year")  # the parent is written with its date split into year and month
        present |= inherited | ({"booktitle"} if "title" in inherited else set())
    missing = flavours.missing_required(flavour, target, present)
    if missing:
        hint = ""
        if flavour == "biblatex" and target == "inbook" and "booktitle" in missing:
            # The type is the user's; the two meanings of @inbook are worth a word.
            hint = " (BibTeX's @inbook, a chapter of a book, is biblatex's @book with chapter and pages)"
        report.note(entry.key, f"@{target}: no {', no '.join(missing)}{hint}")
    if flavour == "bibtex":
        for warning in flavours.bibtex_style_warnings(target, present):
            report.note(entry.key, f"@{target}: {warning}")
        return
    if "booktitle" in present and target in flavours.TITLE_IS_BOOKTITLE:
        report.note(
            entry.key,
            f"booktitle: biblatex gives the entries citing a @{target} its title as their booktitle; "
            "biber ignores this field",
        )
    own = {name for name, _value, _braced in entry.fields}
    if "type" in own and target in flavours.BIBLATEX_REQUIRED and target not in flavours.TYPE_FIELD_TYPES:
        report.note(entry.key, f"type: biblatex's @{target} has no type field; biber ignores it")
    for name, value, braced in entry.fields:
        bare = value.strip().strip("{}").strip() if braced else value
        if name in flavours.INTEGER_FIELDS and not bare.isdigit():
            report.note(entry.key, f"{name}: {value!r} is not a number, which biber wants; it may ignore the field")
        elif name == "year" and not re.fullmatch(r"-?\d+", bare):
            report.note(entry.key, f"year: {value!r} is not a year biber reads (it wants a number); it ignores it")


def _keywords(tags: list[str], entry: _Entry) -> str:
    """Tags, comma-separated as every reader splits `keywords`; a tag holding a comma or semicolon is braced,
    which the importer reads as one tag."""
    out = []
    for tag in tags:
        latex = entry._record("keywords", _shared_text(entry.escaper.flavour, tag, False))
        if latex:
            out.append("{" + latex + "}" if any(ch in tag for ch in ",;") else latex)
    return ", ".join(out)


def _order(papers: Iterable[Paper]) -> list[Paper]:
    """By citation key, so a rewritten file differs only where entries changed; a crossref parent after every
    entry that cites it (bibtex inherits only from an entry it has not read yet)."""
    ordered = sorted(papers, key=lambda p: (p.citekey.lower(), p.citekey, p.id))
    by_key = {p.citekey.lower(): p for p in ordered if p.citekey}
    # How far up a chain of crossrefs each parent stands: an @mvbook cited by a @book cited by an @inbook goes
    # after both.
    parents_level: dict[int, int] = {}
    for paper in ordered:
        chain, seen = paper, {paper.id}
        step = 0
        while True:
            parent = by_key.get(_crossref(chain).lower())
            if parent is None or parent.id in seen:
                break
            step += 1
            parents_level[parent.id] = max(parents_level.get(parent.id, 0), step)
            seen.add(parent.id)
            chain = parent
    return sorted(ordered, key=lambda p: parents_level.get(p.id, 0))


def _crossref(paper: Paper) -> str:
    if not paper.bib_fields:
        return ""  # not from a .bib: asked twice per entry of an export
    return next((f.text.strip() for f in paper.bib_fields if f.name.lower() == "crossref" and f.text.strip()), "")


def export_bib(
    papers: Iterable[Paper],
    flavour: str = "bibtex",
    *,
    abstracts: bool = True,
    preamble: bool = False,
    blocks: Sequence[BibBlock] = (),
    strings: bool = False,
    crossref: str = "keep",
    parents: Iterable[Paper] = (),
    biblatex_names: bool = False,
) -> tuple[str, ExportReport]:
    """The text of a .bib file for these papers, and what it could not carry.

    `preamble` (a whole file, not entries copied into another one) adds, in the bibtex flavour, the \\url
    fallback for documents without url.sty or hyperref (exporters/verbatim.py). `blocks` are the @string,
    @preamble and @comment blocks of the .bib files the papers came from: the preambles are written first and
    the comments (JabRef's metadata) last; with `strings`, the @string blocks too, and fields that used a macro
    are written with it. `crossref` is "keep" (parents written after their children, as bibtex needs) or
    "inherit" (each child gets its parent's fields and no crossref). `parents` are crossref parents outside
    the selection: written too when kept, only read when inherited. `biblatex_names` writes, in biblatex,
    BibTeX's types and fields under biblatex's names (`@thesis`, `journaltitle`, `location`, `date`); without
    it they stay as declared, which biber reads as aliases.
    """
    if crossref not in CROSSREF_MODES:
        raise ValueError(f"unknown crossref mode {crossref!r}; one of {', '.join(CROSSREF_MODES)}")
    report = ExportReport(format=flavour)
    if flavour == "biblatex":
        header = "% Encoding: UTF-8\n% biblatex entries for biber, written by Papershelf\n"
    else:
        header = "% BibTeX entries (ASCII) for pdflatex and bibtex, written by Papershelf\n"
        if preamble:
            header += (
                # No at-sign in the comment: bibtex reads one anywhere outside an entry as an entry's start.
                "% The preamble gives documents without url.sty or hyperref a \\url that prints addresses as "
                "written.\n" + URL_FALLBACK_PREAMBLE + "\n"
            )
    papers = list(papers)
    chosen = {p.id for p in papers}
    extra = [p for p in parents if p.id not in chosen]
    known = {p.citekey.lower(): p for p in [*papers, *extra] if p.citekey}
    written = papers + (extra if crossref == "keep" else [])
    for paper in extra:
        if crossref == "keep":
            report.note(paper.citekey, "added: a crossref parent of the exported entries")
    kept_blocks = _unique_blocks(blocks, report)
    macros = frozenset(b.name.lower() for b in kept_blocks if b.kind == "string" and b.name) | set(flavours.MONTHS)
    options = BibOptions(
        strings=strings,
        macros=macros if strings else frozenset(flavours.MONTHS),
        crossref=crossref,
        biblatex_names=biblatex_names,
    )
    options.parents.update(known)
    chunks = [header]
    chunks.extend(_block(b, flavour, report) for b in kept_blocks if b.kind == "preamble")
    if strings:
        chunks.extend(_block(b, flavour, report) for b in kept_blocks if b.kind == "string")
    written_keys = {p.citekey.lower() for p in written}
    for paper in _order(written):
        parent = _crossref(paper)
        if parent and crossref == "keep" and parent.lower() not in written_keys:
            report.note(paper.citekey, f"crossref {parent!r}: no paper has that key; bibtex will warn")
        chunks.append(entry_for(paper, flavour, report, abstracts=abstracts, options=options))
        report.entries += 1
    chunks.extend(_block(b, flavour, report) for b in kept_blocks if b.kind == "comment")
    return "\n".join(c for c in chunks if c).rstrip("\n") + "\n", report


CROSSREF_MODES = ("keep", "inherit")


def _unique_blocks(blocks: Sequence[BibBlock], report: ExportReport) -> list[BibBlock]:
    """The sources' blocks in file order, each once; of two @string blocks defining one name differently,
    the first is kept and the other reported."""
    out: list[BibBlock] = []
    seen: set[tuple[str, str | None, str]] = set()
    strings: dict[str, str] = {}
    ours = URL_FALLBACK_PREAMBLE[URL_FALLBACK_PREAMBLE.index('"') + 1 : URL_FALLBACK_PREAMBLE.rindex('"')]
    for block in sorted(blocks, key=lambda b: (b.source_id or 0, b.position)):
        if block.kind == "preamble" and block.value.strip() == ours.strip():
            continue  # the \\url fallback of one of our own exports: the header writes it when it is wanted
        ident = (block.kind, (block.name or "").lower() or None, block.value)
        if ident in seen:
            continue
        seen.add(ident)
        if block.kind == "string" and block.name:
            name = block.name.lower()
            if name in strings:
                report.note(
                    f"@string {block.name}",
                    f"defined twice ({strings[name]!r} and {block.value!r}); the first is written",
                )
                continue
            strings[name] = block.value
        out.append(block)
    return out


def _balanced(text: str) -> bool:
    depth = 0
    for i, ch in enumerate(text):
        if ch in "{}" and not (i and text[i - 1] == "\\"):
            depth += 1 if ch == "{" else -1
            if depth < 0:
                return False
    return depth == 0


def _block(block: BibBlock, flavour: str, report: ExportReport) -> str:
    """One @preamble, @string or @comment block as the source wrote it; LaTeX that could act at compile time
    is never written where TeX reads it."""
    if block.kind == "comment":
        if not _balanced(block.value):
            report.note("@comment", f"unbalanced braces; left out: {block.value[:60]!r}")
            return ""
        return f"@comment{{{block.value}}}\n"
    latex, found = flavours.neutralise(block.value)
    if block.kind == "preamble":
        if found or not _balanced(block.value):
            why = f"it holds {', '.join(found)}, which could act" if found else "its braces do not pair"
            report.note("@preamble", f"{why} when the document compiles; written as a @comment instead")
            return f"@comment{{{latex if _balanced(latex) else latex.replace('{', '(').replace('}', ')')}}}\n"
        return f"@preamble{{{{{_ascii(latex, flavour)}}}}}\n"
    if found:
        report.note(f"@string {block.name}", f"{', '.join(found)} neutralised: it could act at compile time")
    return f"@string{{{block.name} = {{{_ascii(latex, flavour)}}}}}\n"


def _ascii(latex: str, flavour: str) -> str:
    """Block LaTeX for the bibtex flavour: a letter with a macro written as the macro, the rest as written."""
    if flavour != "bibtex" or latex.isascii():
        return latex
    out = []
    for match in _CLUSTER.finditer(unicodedata.normalize("NFC", latex)):
        cluster = match.group(0)
        macro = None if cluster.isascii() else macro_for(cluster, "bibtex")
        out.append("{" + macro + "}" if macro else cluster)
    return "".join(out)
