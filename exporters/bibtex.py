"""BibTeX (ASCII, for pdflatex + bibtex) and biblatex (UTF-8, for biber) entries from library papers.

Every entry stands on its own: biber drops a whole bibliography for one bad entry, so each value is escaped
for its flavour (exporters/latex_escape.py), each entry type gets the fields its styles require (or becomes
@misc), and verbatim fields are checked rather than trusted. Reads Paper dataclasses; never SQL, never files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from papershelf.exporters import classify as kinds
from papershelf.exporters.latex_escape import FLAVOURS, Encoded, LatexEscaper
from papershelf.exporters.report import DROPPED, ENGINE_ONLY, REPLACED, ExportReport
from papershelf.exporters.verbatim import URL_FALLBACK_PREAMBLE, verbatim_doi, verbatim_identifier, verbatim_url
from papershelf.model.citekeys import ascii_key, is_legal_key
from papershelf.model.types import Paper

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


class _Entry:
    """Fields of one entry in the order they are written, with the report kept as values are escaped."""

    def __init__(self, key: str, escaper: LatexEscaper, report: ExportReport) -> None:
        self.key = key
        self.escaper = escaper
        self.report = report
        self.fields: list[tuple[str, str, bool]] = []  # (name, value, braced)

    def _record(self, name: str, encoded: Encoded) -> str:
        self.report.add_characters(self.key, name, encoded.replaced, REPLACED)
        self.report.add_characters(self.key, name, encoded.engine_only, ENGINE_ONLY)
        self.report.add_characters(self.key, name, encoded.dropped, DROPPED)
        return encoded.latex

    def text(
        self, name: str, value: str | None, *, protect: bool = False, lines: bool = False, paragraphs: bool = False
    ) -> None:
        if value and value.strip():
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
        for name, value, braced in self.fields:
            lines.append(f"  {name} = {{{value}}}," if braced else f"  {name} = {value},")
        lines.append("}")
        return "\n".join(lines)


def _authors(paper: Paper, entry: _Entry) -> str | None:
    """`Family, Given and ...`, ending in `and others` only for a list known to be cut short."""
    refs, complete = kinds.cited_authors(paper)
    if not refs:
        return None
    names = []
    for ref in refs:
        parts = kinds.name_parts(ref)
        family = entry._record("author", entry.escaper.name_part(parts.family))
        given = entry._record("author", entry.escaper.name_part(parts.given)) if parts.given else ""
        suffix = entry._record("author", entry.escaper.name_part(parts.suffix)) if parts.suffix else ""
        if "," in parts.family + parts.given + parts.suffix and entry.escaper.flavour == "biblatex":
            # biber counts every comma in a name, braced or not, and drops the entry past two ("Jr., Sr., Mr.,
            # Hans"); a name in one brace group it takes whole, as written.
            whole = entry._record("author", entry.escaper.name_part(ref.name))
            names.append("{" + whole + "}")
        elif entry.escaper.flavour == "biblatex" and any(_macro_first(w) for w in _words(family, given, suffix)):
            names.append(_extended_name(family, given, suffix, corporate=not given and " " in parts.family.strip()))
        elif suffix:
            names.append(f"{family}, {suffix}, {given}")
        elif given:
            names.append(f"{family}, {given}")
        elif " " in parts.family.strip() or parts.family.strip().lower() == "others":
            # One part with spaces is a corporate author ({IEEE Computer Society}), and a person named
            # "others" is not "et al.": braced, bibtex and biber keep either as one name.
            names.append("{" + family + "}")
        else:
            names.append(family)
    if not complete:
        names.append("others")
    return " and ".join(names)


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


def entry_for(paper: Paper, flavour: str, report: ExportReport, *, abstracts: bool = True) -> str:
    """One paper as a complete, self-contained entry of the given flavour."""
    if flavour not in FLAVOURS:
        raise ValueError(f"unknown flavour {flavour!r}")
    key = _key(paper, flavour, report)
    entry = _Entry(key, LatexEscaper(flavour), report)
    kind = kinds.classify(paper)
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
        entry.text("howpublished", kind.container, protect=True)
    elif container_field:
        entry.text(container_field, kind.container, protect=True)
    elif kind.kind == kinds.PREPRINT and flavour == "bibtex" and paper.arxiv_id:
        # plain and most BibTeX styles ignore eprint: this is how the preprint shows in the bibliography.
        entry.text("howpublished", f"arXiv preprint arXiv:{paper.arxiv_id}")
    elif kind.kind == kinds.PREPRINT and not paper.arxiv_id:
        # Known only as a preprint (an aggregator card, a profile's "arXiv" venue): the server is all there is.
        entry.text("howpublished", f"{kind.venue.short} preprint" if kind.venue else "Preprint")
    elif kind.kind == kinds.OTHER and kind.container:
        entry.text("howpublished", kind.container, protect=True)
    if year:
        if flavour == "biblatex" and month:
            date = f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")
            entry.raw("date", date)
        else:
            entry.raw("year", str(year))
            if month:
                entry.raw("month", _MONTHS[month - 1], braced=False)
    if entry_type == "article" or flavour == "biblatex":
        entry.text("volume", paper.volume)
        entry.text("number", paper.number)
    elif paper.volume:
        # plain warns on volume together with number (or number without series) in proceedings.
        entry.text("volume", paper.volume)
    pages = kinds.page_range(paper.pages)
    if pages:
        entry.raw("pages", f"{pages[0]}--{pages[1]}" if pages[1] else pages[0])
    else:
        entry.text("pages", paper.pages)
    entry.text("publisher", paper.publisher)
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


def _keywords(tags: list[str], entry: _Entry) -> str:
    """Tags, comma-separated as every reader splits `keywords`; a tag holding a comma or semicolon is braced,
    which the importer reads as one tag."""
    out = []
    for tag in tags:
        latex = entry._record("keywords", entry.escaper.text(tag))
        if latex:
            out.append("{" + latex + "}" if any(ch in tag for ch in ",;") else latex)
    return ", ".join(out)


def _order(papers: Iterable[Paper]) -> list[Paper]:
    """By citation key, so a rewritten file differs only where entries changed."""
    return sorted(papers, key=lambda p: (p.citekey.lower(), p.citekey, p.id))


def export_bib(
    papers: Iterable[Paper], flavour: str = "bibtex", *, abstracts: bool = True, preamble: bool = False
) -> tuple[str, ExportReport]:
    """The text of a .bib file for these papers, and what it could not carry.

    `preamble` (a whole file, not entries copied into another one) adds, in the bibtex flavour, the \\url
    fallback for documents without url.sty or hyperref (exporters/verbatim.py).
    """
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
    chunks = [header]
    for paper in _order(papers):
        chunks.append(entry_for(paper, flavour, report, abstracts=abstracts))
        report.entries += 1
    return "\n".join(chunks).rstrip("\n") + "\n", report
