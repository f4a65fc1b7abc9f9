"""Importer for BibTeX files: bibtexparser 2.x splits the file into blocks, this module reads the fields.

Each entry becomes one plain record with its citation key, LaTeX turned into Unicode in text fields and
identifiers (url, doi, eprint) kept verbatim. Authors stay exactly as the .bib writes them, one string per
person: name parsing and every other canonicalisation happen later in the pipeline, never here. A broken
entry becomes a warning with its line while the rest of the file imports. It must raise nothing but
ImporterError: bibtexparser's and pylatexenc's internal exceptions become an ImporterError or a warning.
"""

from __future__ import annotations

import calendar
import logging
import re
from dataclasses import dataclass

import bibtexparser
from bibtexparser import model as bib
from pylatexenc import latexwalker, macrospec
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from papershelf.importers.arxiv_listing import classify_url
from papershelf.importers.base import Importer, register
from papershelf.importers.errors import ImporterError
from papershelf.importers.records import ImportBatch, Link, PaperRecord, ParseContext, ParseWarning

_KNOWN_TYPES = frozenset(
    [
        "article",
        "book",
        "booklet",
        "inbook",
        "incollection",
        "inproceedings",
        "conference",
        "manual",
        "mastersthesis",
        "misc",
        "phdthesis",
        "proceedings",
        "techreport",
        "unpublished",
        "online",
        "report",
        "thesis",
        "software",
        "dataset",
        "patent",
        "collection",
        "mvbook",
        "mvproceedings",
        "periodical",
        "electronic",
        "www",
    ]
)
_ENTRY_START = re.compile(r"^[ \t]*@(?P<type>[A-Za-z]{2,20})[ \t]*[{(]", re.MULTILINE)
_FIELD_LINE = re.compile(r"^[ \t]*[A-Za-z][\w-]{0,30}[ \t]*=[ \t]*[{\"\d]", re.MULTILINE)

# Fields copied verbatim: identifiers and locators, where LaTeX decoding would damage them.
_VERBATIM = frozenset(
    {"url", "doi", "eprint", "arxiv", "arxivid", "file", "pdf", "isbn", "issn", "pages", "volume", "number"}
    | {"urldate", "eprintclass", "primaryclass", "archiveprefix", "eprinttype", "crossref", "date", "year"}
)
# Fields a crossref child inherits from its parent when it lacks them (the proceedings' data).
_INHERITED = (
    "booktitle",
    "year",
    "month",
    "editor",
    "publisher",
    "address",
    "location",
    "organization",
    "series",
    "volume",
    "isbn",
    "venue",
    "eventdate",
)
# Fields that land in dedicated record attributes; everything else goes to `extra`.
_MAPPED = frozenset(
    [
        "title",
        "author",
        "year",
        "month",
        "day",
        "date",
        "journal",
        "journaltitle",
        "booktitle",
        "doi",
        "eprint",
        "arxiv",
        "arxivid",
        "archiveprefix",
        "eprinttype",
        "primaryclass",
        "eprintclass",
        "url",
        "abstract",
        "keywords",
        "note",
    ]
)
# BibTeX's month macros are English whatever the user's locale, so `calendar`'s names are not used.
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_MACROS = {name[:3].lower(): name for name in _MONTH_NAMES}
_MONTHS = {name.lower(): i for i, name in enumerate(_MONTH_NAMES, 1)}
_MONTHS.update({name[:3].lower(): i for i, name in enumerate(_MONTH_NAMES, 1)})
_MONTHS["sept"] = 9
_ARXIV_ID = re.compile(
    r"(?:arxiv[:\s]*)?(?P<id>\d{4}\.\d{4,5}|[A-Za-z][A-Za-z-]{0,20}(?:\.[A-Za-z]{2})?/\d{7})(?P<version>v\d{1,3})?",
    re.IGNORECASE,
)
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
# BibTeX files are read into memory whole by bibtexparser; values beyond this are not bibliographic data.
_MAX_VALUE = 100_000


@dataclass
class _Parsed:
    """One entry's evaluated fields (macros resolved, outer delimiters removed, LaTeX still in place)."""

    entry: bib.Entry
    fields: dict[str, str]
    line: int


class BibtexImporter(Importer):
    name = "bibtex"
    label = "BibTeX file"
    extensions = (".bib", ".bibtex")

    def sniff(self, text: str) -> float:
        starts = [m.group("type").lower() for m in _ENTRY_START.finditer(text)]
        entries = [t for t in starts if t not in {"string", "comment", "preamble"}]
        if not entries:
            return 0.4 if starts else 0.0
        score = 0.5
        if any(t in _KNOWN_TYPES for t in entries):
            score += 0.3
        if _FIELD_LINE.search(text):
            score += 0.15
        return score

    def parse(self, text: str, context: ParseContext) -> ImportBatch:
        try:
            library = bibtexparser.parse_string(text, parse_stack=[])
        except Exception as error:  # bibtexparser reports its own bugs as arbitrary exceptions
            raise ImporterError(f"the BibTeX parser failed: {error}", source=context.source_name) from None

        batch = ImportBatch(format=self.name)
        macros = dict(_MONTH_MACROS)
        parsed: list[_Parsed] = []
        for block in library.blocks:
            line = (block.start_line or 0) + 1
            if isinstance(block, bib.String):
                try:
                    macros[block.key.strip().lower()] = _evaluate(block.value, macros, batch.warnings, line)
                except _ValueError as error:
                    batch.warnings.append(ParseWarning(line, f"@string {block.key!r}: {error}"))
            elif isinstance(block, bib.DuplicateBlockKeyBlock):
                duplicate = block.ignore_error_block
                if isinstance(duplicate, bib.String):
                    # BibTeX itself lets a later @string replace an earlier one, with a warning.
                    batch.warnings.append(ParseWarning(line, f"@string {block.key!r} redefined"))
                    try:
                        macros[block.key.strip().lower()] = _evaluate(duplicate.value, macros, batch.warnings, line)
                    except _ValueError as error:
                        batch.warnings.append(ParseWarning(line, f"@string {block.key!r}: {error}"))
                else:
                    batch.warnings.append(
                        ParseWarning(line, f"duplicate citation key {block.key!r}; the later entry was skipped")
                    )
            elif isinstance(block, bib.DuplicateFieldKeyBlock):
                entry = block.ignore_error_block
                keys = ", ".join(sorted(block.duplicate_keys))
                batch.warnings.append(
                    ParseWarning(line, f"entry {entry.key!r} repeats the field(s) {keys}; the first value is kept")
                )
                _collect(entry, macros, batch.warnings, parsed, line)
            elif isinstance(block, bib.ParsingFailedBlock):
                batch.warnings.append(ParseWarning(line, _failure_message(block)))
            elif isinstance(block, bib.Entry):
                _collect(block, macros, batch.warnings, parsed, line)
            # Comments, preambles and text between entries carry no bibliographic data.

        # BibTeX compares keys case-insensitively ("Smith2020" repeats "smith2020"); bibtexparser does not.
        by_key: dict[str, _Parsed] = {}
        for item in parsed:
            folded = item.entry.key.strip().lower()
            if folded in by_key:
                batch.warnings.append(
                    ParseWarning(item.line, f"duplicate citation key {item.entry.key!r}; the later entry was skipped")
                )
            else:
                by_key[folded] = item
        for item in by_key.values():
            _inherit(item, by_key, batch.warnings)
            batch.papers.append(_to_record(item, batch.warnings))

        if not batch.papers:
            if batch.warnings:
                first = min(batch.warnings, key=lambda w: w.line)
                raise ImporterError(
                    f"no valid BibTeX entry; first problem: {first.message}",
                    source=context.source_name,
                    line=first.line,
                )
            raise ImporterError("no BibTeX entry (@article{...} and the like) found", source=context.source_name)
        batch.warnings.sort(key=lambda w: w.line)
        return batch


class _ValueError(Exception):
    """A field value that cannot be evaluated (unbalanced braces or quotes)."""


def _failure_message(block: bib.ParsingFailedBlock) -> str:
    reason = getattr(block.error, "abort_reason", "") or str(block.error) or "syntax error"
    head = (block.raw or "").split("\n", 1)[0].strip()[:60]
    return f"broken entry {head!r} skipped: {' '.join(reason.split())}"


def _collect(
    entry: bib.Entry, macros: dict[str, str], warnings: list[ParseWarning], parsed: list[_Parsed], line: int
) -> None:
    key = entry.key.strip()
    if not key or any(ch in key for ch in ' \t\n{}"=,'):
        warnings.append(ParseWarning(line, f"@{entry.entry_type} entry without a usable citation key skipped"))
        return
    fields: dict[str, str] = {}
    for fld in entry.fields:
        name = fld.key.strip().lower()
        if not name or name in fields:
            continue
        try:
            fields[name] = _evaluate(str(fld.value), macros, warnings, (fld.start_line or 0) + 1)
        except _ValueError as error:
            warnings.append(ParseWarning((fld.start_line or 0) + 1, f"entry {key!r}, field {name!r}: {error}"))
    parsed.append(_Parsed(entry, fields, line))


def _evaluate(value: str, macros: dict[str, str], warnings: list[ParseWarning], line: int) -> str:
    """A raw field value to its string: `{...}` and `"..."` parts and @string macros, joined by `#`."""
    if len(value) > _MAX_VALUE:
        raise _ValueError(f"value longer than {_MAX_VALUE} characters")
    out = []
    for part in _split_concatenation(value):
        part = part.strip()
        if not part:
            continue
        if (part[0] == "{" and part[-1] == "}") or (part[0] == '"' and part[-1] == '"' and len(part) > 1):
            out.append(part[1:-1])
        elif part.isdigit():
            out.append(part)
        elif part.lower() in macros:
            out.append(macros[part.lower()])
        elif part[0] in '{"':
            raise _ValueError("unbalanced braces or quotes")
        else:
            warnings.append(ParseWarning(line, f"undefined @string macro {part!r} kept as written"))
            out.append(part)
    return "".join(out)


_CONCATENATION_MARKS = re.compile(r'[{}"#]')


def _split_concatenation(value: str) -> list[str]:
    """Split `a # "b" # {c}` at the `#` outside braces and quotes."""
    parts = []
    depth = 0
    quoted = False
    start = 0
    # Only these four characters matter: visiting just them keeps long abstracts cheap.
    for match in _CONCATENATION_MARKS.finditer(value):
        i = match.start()
        ch = value[i]
        previous = value[i - 1] if i else ""
        if ch == "{" and previous != "\\":
            depth += 1
        elif ch == "}" and previous != "\\":
            depth -= 1
            if depth < 0:
                raise _ValueError("unbalanced braces")
        elif ch == '"' and depth == 0:
            quoted = not quoted
        elif ch == "#" and depth == 0 and not quoted:
            parts.append(value[start:i])
            start = i + 1
    if depth != 0 or quoted:
        raise _ValueError("unbalanced braces or quotes")
    parts.append(value[start:])
    return parts


def _inherit(item: _Parsed, by_key: dict[str, _Parsed], warnings: list[ParseWarning]) -> None:
    """`crossref`: the child takes its parent's proceedings data (booktitle, year, editor ...) it lacks."""
    ref = item.fields.get("crossref", "").strip()
    if not ref:
        return
    parent = by_key.get(ref.lower())
    if parent is None:
        warnings.append(ParseWarning(item.line, f"entry {item.entry.key!r} cross-references unknown {ref!r}"))
        return
    if parent is item:
        return
    for name in _INHERITED:
        if name not in item.fields and name in parent.fields:
            item.fields[name] = parent.fields[name]
    # A proceedings' own title is its children's booktitle.
    if "booktitle" not in item.fields and "title" in parent.fields:
        item.fields["booktitle"] = parent.fields["title"]


def _to_record(item: _Parsed, warnings: list[ParseWarning]) -> PaperRecord:
    fields = item.fields
    entry = item.entry
    text = _Latex(warnings, item.line)

    title = text(fields["title"]) if "title" in fields else None
    authors, complete = _authors(fields.get("author", ""), text)
    year = _year(fields.get("year", "")) or _year(fields.get("date", ""))
    date = _date(fields, year)
    venue_raw = fields.get("journal") or fields.get("journaltitle") or fields.get("booktitle")
    venue = text(venue_raw) if venue_raw else None

    arxiv_id, arxiv_version = _arxiv(fields)
    links: list[Link] = []
    for name in ("url", "pdf"):
        url = fields.get(name, "").strip()
        if url:
            links.append(Link(classify_url(url, default_kind="paper"), url))

    keywords = tuple(
        k for k in (" ".join(part.split()) for part in re.split(r"[,;]", text(fields.get("keywords", "")))) if k
    )
    extra: dict[str, str] = {}
    for name, value in fields.items():
        if name in _MAPPED:
            continue
        if name in ("editor", "bookauthor", "translator"):
            people, _ = _authors(value, text)
            extra[name] = " and ".join(people)
        else:
            extra[name] = " ".join(value.split()) if name in _VERBATIM else text(value)
    if "month" in fields and date is None:
        extra["month"] = text(fields["month"])
    if fields.get("url", "").strip():
        # Also a link; as a field it is what an export writes back as `url`, so export -> import round-trips.
        extra["url"] = fields["url"].strip()

    return PaperRecord(
        line=item.line,
        title=title or None,
        authors=authors,
        authors_complete=complete,
        year=year,
        date=date,
        venue=venue or None,
        entry_type=entry.entry_type.lower(),
        abstract=text(fields.get("abstract", ""), keep_paragraphs=True) or None,
        arxiv_id=arxiv_id,
        arxiv_version=arxiv_version,
        doi=" ".join(fields.get("doi", "").split()) or None,
        category=(fields.get("primaryclass") or fields.get("eprintclass") or "").strip() or None,
        links=tuple(links),
        note=text(fields.get("note", "")) or None,
        has_code=any(link.kind == "code" for link in links),
        citekey=entry.key.strip(),
        keywords=keywords,
        extra=extra,
        raw=entry.raw or "",
    )


def _authors(value: str, text: _Latex) -> tuple[tuple[str, ...], bool]:
    """Split at " and " outside braces; each name stays as written (LaTeX decoded, whitespace tidied)."""
    names: list[str] = []
    complete = True
    for part in _split_and(value):
        name = " ".join(part.split())
        if not name:
            continue
        if name.lower() == "others":
            complete = False
            continue
        names.append(text(name))
    return tuple(n for n in names if n), complete


def _split_and(value: str) -> list[str]:
    """The " and " separators at brace depth 0: "{Barnes and Noble} and Smith" is two names."""
    parts = []
    depth = 0
    start = 0
    protected: list[tuple[int, int]] = []
    for i, ch in enumerate(value):
        if ch == "{":
            if depth == 0:
                open_at = i
            depth += 1
        elif ch == "}" and depth > 0:
            depth -= 1
            if depth == 0:
                protected.append((open_at, i))
    spans = iter(protected)
    span = next(spans, None)
    for match in _AND.finditer(value):
        while span is not None and span[1] < match.start():
            span = next(spans, None)
        if span is not None and span[0] < match.start() <= span[1]:
            continue
        parts.append(value[start : match.start()])
        start = match.end()
    parts.append(value[start:])
    return parts


class _Latex:
    """LaTeX to Unicode for text fields: accents and escapes decoded, math kept verbatim, braces dropped."""

    def __init__(self, warnings: list[ParseWarning], line: int) -> None:
        self.warnings = warnings
        self.line = line

    def __call__(self, value: str, keep_paragraphs: bool = False) -> str:
        if not value:
            return ""
        if not _LATEX_AT_WORK.search(value):
            # Nothing LaTeX would change (most titles, names and abstracts): pylatexenc, the slowest step of a
            # large import, would give the text back as it is, so only its spaces are tidied the same way.
            return _tidy(value.replace("\u00a0", " "), keep_paragraphs)
        urls: list[str] = []
        prepared = _prepare_latex(value, urls)
        try:
            walker = latexwalker.LatexWalker(prepared, latex_context=_WALKER_CONTEXT, tolerant_parsing=True)
            nodes = walker.get_latex_nodes()[0]
            out = _TO_TEXT.nodelist_to_text(nodes)
        except Exception:  # pylatexenc has its own bugs (e.g. deep nesting); keep the text as written instead
            self.warnings.append(ParseWarning(self.line, "LaTeX in a field could not be decoded; kept as written"))
            return " ".join(value.split()) if not keep_paragraphs else value.strip()
        out = out.replace("\u00a0", " ")  # `~` is a typesetting tie, not part of the text
        out = _URL_SLOT.sub(lambda m: urls[int(m.group(1))] if int(m.group(1)) < len(urls) else "", out)
        return _tidy(out, keep_paragraphs)


def _tidy(out: str, keep_paragraphs: bool) -> str:
    if keep_paragraphs:
        paragraphs = re.split(r"\n[ \t]*\n", out)
        return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())
    return " ".join(out.split())


# What pylatexenc would change in a value: macros, groups, math, ties, dash and quote ligatures (and the
# private-use marks _prepare_latex uses). `%` and `&` are escaped before pylatexenc and come back unchanged.
_LATEX_AT_WORK = re.compile("[\\\\{}$~`\ue000\ue001]|--|''")


_URL_MACRO = re.compile(r"\\url\s*\{([^{}]*)\}")
_URL_SLOT = re.compile("\ue000(\\d+)\ue001")
_MATH = re.compile(r"(?<!\\)\$[^$]*(?<!\\)\$")
_BARE_SPECIAL = re.compile(r"(?<!\\)([%&])")


def _prepare_latex(value: str, urls: list[str]) -> str:
    """Make a .bib value safe for pylatexenc without changing what it says.

    A bare `%` would start a LaTeX comment and swallow the rest of the line ("5% better"), and a bare `&`
    would vanish as an alignment tab: both are escaped outside math. `\\url{...}` contents are set aside and
    put back verbatim, since `~` and `%` inside a URL are characters, not LaTeX.
    """
    value = _URL_SLOT.sub("", value)  # the private-use slot markers must not occur in the input itself

    def keep_url(match: re.Match[str]) -> str:
        urls.append(match.group(1).strip())
        return f"\ue000{len(urls) - 1}\ue001"

    value = _URL_MACRO.sub(keep_url, value)
    out = []
    last = 0
    for math in _MATH.finditer(value):
        out.append(_BARE_SPECIAL.sub(r"\\\1", value[last : math.start()]))
        out.append(math.group(0))
        last = math.end()
    out.append(_BARE_SPECIAL.sub(r"\\\1", value[last:]))
    return "".join(out)


def _year(value: str) -> int | None:
    match = re.search(r"(?<!\d)(\d{4})(?!\d)", value)
    return int(match.group(1)) if match else None


def _date(fields: dict[str, str], year: int | None) -> str | None:
    """An ISO date from `date`, else year + month (+ day): "2020-03" or "2020-03-15"."""
    stated = fields.get("date", "").strip()
    if re.fullmatch(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", stated):
        return stated
    if year is None or "month" not in fields:
        return None
    month_text = fields["month"].strip().strip("{}").strip().lower().rstrip(".")
    month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text)
    if month is None or not 1 <= month <= 12:
        return None
    day_text = fields.get("day", "").strip()
    if day_text.isdigit() and 1 <= int(day_text) <= calendar.monthrange(year, month)[1]:
        return f"{year:04d}-{month:02d}-{int(day_text):02d}"
    return f"{year:04d}-{month:02d}"


def _arxiv(fields: dict[str, str]) -> tuple[str | None, str | None]:
    """The arXiv id from eprint (with archivePrefix/eprinttype arXiv), an `arxiv` field, or the journal."""
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().lower()
    candidates = []
    if "eprint" in fields and (prefix == "arxiv" or not prefix):
        candidates.append(fields["eprint"])
    candidates += [fields[k] for k in ("arxiv", "arxivid") if k in fields]
    journal = fields.get("journal", "")
    if "arxiv" in journal.lower():
        candidates.append(journal)
    for candidate in candidates:
        match = _ARXIV_ID.search(candidate.strip())
        if match:
            return match.group("id"), match.group("version")
    return None, None


def _walker_context() -> macrospec.LatexContextDb:
    db = latexwalker.get_default_latex_context_db()
    db.add_context_category(
        "papershelf-bibtex",
        prepend=True,
        macros=[macrospec.std_macro("href", False, 2), macrospec.std_macro("url", False, 1)],
    )
    return db


def _text_context() -> macrospec.LatexContextDb:
    db = get_default_latex_context_db()
    db.add_context_category(
        "papershelf-bibtex",
        prepend=True,
        macros=[
            # The defaults render \url as "<...>", \href as "text <url>" and drop \mbox: keep the plain text.
            MacroTextSpec("url", "%(1)s"),
            MacroTextSpec("href", "%(2)s"),
            MacroTextSpec("mbox", "%(1)s"),
            MacroTextSpec("TeX", "TeX"),
            MacroTextSpec("LaTeX", "LaTeX"),
            MacroTextSpec("BibTeX", "BibTeX"),
            # What exporters write for characters BibTeX cannot take literally; a round trip must restore them.
            MacroTextSpec("textbraceleft", "{"),
            MacroTextSpec("textbraceright", "}"),
            MacroTextSpec("textless", "<"),
            MacroTextSpec("textgreater", ">"),
            MacroTextSpec("textbar", "|"),
            MacroTextSpec("textbackslash", "\\"),
        ],
    )
    return db


# bibtexparser logs every broken block; each one already becomes a ParseWarning with its line, so the log
# lines would only repeat them on stderr when the application has no logging set up.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

_WALKER_CONTEXT = _walker_context()
_TO_TEXT = LatexNodes2Text(math_mode="verbatim", latex_context=_text_context())

register(BibtexImporter())
