"""Importer for BibTeX files: bibtexparser 2.x's blocks (importers/bibtex_split.py) in, plain records out.

Each entry becomes one plain record with its citation key, LaTeX turned into Unicode in text fields and
identifiers (url, doi, eprint) kept verbatim. LaTeX is decoded by the exporters' own decoder
(exporters/latex_decode.py), so what Papershelf exports comes back exactly as it was: export -> import ->
export is a fixed point and the papers match the ones they came from. Authors stay exactly as the .bib
writes them, one string per person: name parsing and every other canonicalisation happen later in the
pipeline, never here. Nothing is dropped in silence: a broken entry becomes a warning with its line while the
rest of the file imports, and an entry whose key is repeated, illegal or missing is imported with another
key and a warning. It must raise nothing but ImporterError: bibtexparser's and pylatexenc's internal
exceptions become an ImporterError or a warning.
"""

from __future__ import annotations

import calendar
import functools
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from bibtexparser import model as bib

from papershelf.exporters.classify import UNTITLED_NOTE
from papershelf.exporters.latex_decode import LatexDecodeError, decode_report
from papershelf.exporters.verbatim import read_verbatim
from papershelf.importers.base import Importer, Streamed, batch_of_stream, register
from papershelf.importers.bibtex_split import iter_blocks
from papershelf.importers.errors import ImporterError
from papershelf.importers.links import classify_url
from papershelf.model.citekeys import ascii_key, disambiguate, is_legal_key
from papershelf.model.names import extended_name_parts
from papershelf.model.records import (
    EntryField,
    FileBlock,
    ImportBatch,
    Link,
    PaperRecord,
    ParseContext,
    ParseWarning,
)

# Every entry type BibTeX's standard styles and biblatex (its manual, section 2.1) define. Another type is kept as
# declared too, with a warning: a style of the user's may know it.
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
        "electronic",
        "www",
        "mvbook",
        "bookinbook",
        "suppbook",
        "collection",
        "mvcollection",
        "suppcollection",
        "dataset",
        "online",
        "patent",
        "periodical",
        "suppperiodical",
        "mvproceedings",
        "reference",
        "mvreference",
        "inreference",
        "report",
        "set",
        "software",
        "thesis",
        "xdata",
        "customa",
        "customb",
        "customc",
        "customd",
        "custome",
        "customf",
        "artwork",
        "audio",
        "bibnote",
        "commentary",
        "image",
        "jurisdiction",
        "legislation",
        "legal",
        "letter",
        "movie",
        "music",
        "performance",
        "review",
        "standard",
        "video",
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
        "annote",
        "annotation",
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
_BRACE = re.compile(r"[{}]")
# What a `\\` pair is while bibtexparser splits the file (private-use characters, two to keep the columns).
_HIDDEN_BACKSLASH = "\ue006"
_HIDDEN_BACKSLASHES = _HIDDEN_BACKSLASH * 2
# BibTeX files are read into memory whole by bibtexparser; values beyond this are not bibliographic data.
_MAX_VALUE = 100_000


@dataclass
class _Parsed:
    """One entry's evaluated fields (macros resolved, outer delimiters removed, LaTeX still in place)."""

    entry: bib.Entry
    fields: dict[str, str]
    line: int
    key: str | None = None  # the key it is imported with; None: the library makes one from its pattern
    # The entry's own fields in file order, before a crossref parent's are inherited: (name, LaTeX, macro).
    own: list[tuple[str, str, str | None]] = field(default_factory=list)


# Fields that make an entry a paper worth importing even when it has no key.
_IDENTIFYING = frozenset(["title", "author", "doi", "eprint", "url", "arxiv"])
# What the exporters write for a paper nobody gave a title (exporters/classify.fallback_title).
_FALLBACK_TITLE = re.compile(r"arXiv:\S+|doi:\S+|Untitled paper \d+")
_UNTITLED_STAND_IN = re.compile(r"Untitled paper \d+")


class BibtexImporter(Importer):
    name = "bibtex"
    label = "BibTeX file"
    extensions = (".bib", ".bibtex")

    def sniff(self, text: str) -> float:
        # The entry starts are read until one of a known type: every one of them was read before, each
        # character of the first megabyte tried as a line's start (6 ms before a big .bib was split).
        starts = entries = known = False
        for match in _ENTRY_START.finditer(text):
            starts = True
            entry_type = match.group("type").lower()
            if entry_type not in {"string", "comment", "preamble"}:
                entries = True
                if entry_type in _KNOWN_TYPES:
                    known = True
                    break
        if not entries:
            return 0.4 if starts else 0.0
        score = 0.5
        if known:
            score += 0.3
        if _FIELD_LINE.search(text):
            score += 0.15
        return score

    def parse(self, text: str, context: ParseContext) -> ImportBatch:
        return batch_of_stream(self.parse_stream(text, context))

    def parse_stream(self, text: str, context: ParseContext) -> Iterator[Streamed]:
        return self._stream(text, context)

    def _stream(self, text: str, context: ParseContext) -> Iterator[Streamed]:
        # bibtexparser reads `\\}` as an escaped brace, so a value ending in a LaTeX line break (`{A \\}`)
        # would swallow the rest of the entry: a `\\` pair is hidden from it and given back in every value.
        if _HIDDEN_BACKSLASH in text:
            text = text.replace(_HIDDEN_BACKSLASH, "")
        text = text.replace("\\\\", _HIDDEN_BACKSLASHES)
        blocks = _blocks(text, context.source_name)

        batch = ImportBatch(format=self.name)
        macros = dict(_MONTH_MACROS)
        parsed: list[_Parsed] = []
        # Each entry becomes its record as soon as it is read, unless an entry of the file may take fields from
        # a later one (a crossref's parent often comes last): then all are read first.
        # Field names are read in lower case; lowering the text and searching it is twice as fast as a
        # case-blind regex (which read a 5 MB file for 40 ms before the first entry was split).
        crossrefs = "crossref" in text.lower()
        used_keys: set[str] = set()
        key_warnings: list[ParseWarning] = []  # said after the entries' own, as when keys were given at the end
        memo = _Memo()
        count = 0
        entry_end = -1  # the line the last entry ended on (0-based, as bibtexparser counts)
        for position, block in enumerate(blocks):
            line = (block.start_line or 0) + 1
            if not isinstance(block, bib.ImplicitComment):
                entry_end = (block.start_line or 0) + (block.raw or "").count("\n")
            if type(block) is bib.Entry:  # nearly every block: tested first
                _collect(block, macros, batch.warnings, parsed, line)
            elif isinstance(block, bib.String):
                try:
                    macros[block.key.strip().lower()] = _evaluate(block.value, macros, batch.warnings, line)
                    batch.blocks.append(
                        FileBlock("string", macros[block.key.strip().lower()], block.key.strip(), position, line)
                    )
                except _ValueError as error:
                    batch.warnings.append(ParseWarning(line, f"@string {block.key!r}: {error}"))
            elif isinstance(block, bib.Preamble):
                try:
                    batch.blocks.append(
                        FileBlock(
                            "preamble", _evaluate(block.value, macros, batch.warnings, line), None, position, line
                        )
                    )
                except _ValueError as error:
                    batch.warnings.append(ParseWarning(line, f"@preamble: {error}"))
            elif isinstance(block, bib.ExplicitComment):
                # @comment blocks (JabRef keeps its groups and settings in them) go back into an export as written.
                batch.blocks.append(FileBlock("comment", _unhide(block.comment), None, position, line))
            elif (
                isinstance(block, bib.ImplicitComment)
                and block.start_line == entry_end
                and _FIELD_LINE.search(_unhide(block.comment))
            ):
                # Fields after an entry's end: an extra `}` closed it early (`title = {A }} b}`).
                head = " ".join(_unhide(block.comment).split())[:60]
                batch.warnings.append(
                    ParseWarning(
                        line,
                        f"text that looks like fields is outside any entry (an extra '}}' before it?), "
                        f"not imported: {head!r}",
                    )
                )
            elif isinstance(block, bib.DuplicateBlockKeyBlock):
                duplicate = block.ignore_error_block
                if isinstance(duplicate, bib.String):
                    # BibTeX itself lets a later @string replace an earlier one, with a warning.
                    batch.warnings.append(ParseWarning(line, f"@string {block.key!r} redefined"))
                    try:
                        macros[block.key.strip().lower()] = _evaluate(duplicate.value, macros, batch.warnings, line)
                        batch.blocks.append(
                            FileBlock("string", macros[block.key.strip().lower()], block.key.strip(), position, line)
                        )
                    except _ValueError as error:
                        batch.warnings.append(ParseWarning(line, f"@string {block.key!r}: {error}"))
                elif isinstance(duplicate, bib.Entry):
                    # Another paper under the same key: imported under a key of its own (see _assign_keys).
                    _collect(duplicate, macros, batch.warnings, parsed, line)
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
            # Text between entries is not BibTeX's (bibtex itself ignores it): not kept.
            if parsed and not crossrefs:
                item = parsed.pop()
                if _assign_key(item, used_keys, key_warnings):
                    count += 1
                    warnings: list[ParseWarning] = []
                    yield _to_record(item, warnings, memo), warnings

        if crossrefs:
            parsed[:] = [item for item in parsed if _assign_key(item, used_keys, key_warnings)]
            # A crossref names the key as the file wrote it; the first entry with that key is the one meant.
            by_key: dict[str, _Parsed] = {}
            for item in parsed:
                by_key.setdefault(item.entry.key.strip().lower(), item)
            for item in parsed:
                warnings = []
                _inherit(item, by_key, warnings)
                count += 1
                yield _to_record(item, warnings, memo), warnings
        batch.warnings.extend(key_warnings)
        if not count:
            if batch.warnings:
                first = min(batch.warnings, key=lambda w: w.line)
                raise ImporterError(
                    f"no valid BibTeX entry; first problem: {first.message}",
                    source=context.source_name,
                    line=first.line,
                )
            raise ImporterError("no BibTeX entry (@article{...} and the like) found", source=context.source_name)
        yield batch


def _blocks(text: str, source: str) -> Iterator[bib.Block]:
    """The file's blocks as they are split, the first entries' records made before the last are read."""
    try:
        yield from iter_blocks(text)
    except Exception as error:  # bibtexparser reports its own bugs as arbitrary exceptions
        raise ImporterError(f"the BibTeX parser failed: {error}", source=source) from None


class _ValueError(Exception):
    """A field value that cannot be evaluated (unbalanced braces or quotes)."""


def _failure_message(block: bib.ParsingFailedBlock) -> str:
    reason = getattr(block.error, "abort_reason", "") or str(block.error) or "syntax error"
    head = _unhide(block.raw or "").split("\n", 1)[0].strip()[:60]
    return f"broken entry {head!r} skipped: {' '.join(reason.split())}"


def _collect(
    entry: bib.Entry, macros: dict[str, str], warnings: list[ParseWarning], parsed: list[_Parsed], line: int
) -> None:
    key = entry.key.strip()
    fields: dict[str, str] = {}
    own: list[tuple[str, str, str | None]] = []
    # In an entry delimited by braces, bibtexparser ends a value only at brace depth 0 and never lets the depth
    # fall below 0 (a `}` there would close the entry): with no quote mark in a value, whose quoting would
    # change how it counts, its braces are balanced exactly as `_split_concatenation` counts them.
    raw_entry = entry.raw or ""
    brace_entry = raw_entry[: raw_entry.find("{") + 1].count("(") == 0 and "{" in raw_entry
    for field_name, raw, field_line in _fields_of(entry, key, warnings):
        name = field_name.strip().lower()
        if not name or name in fields:
            continue
        # `{text}` with no brace inside (most values: names, journals, years, pages) is its text, unless a
        # backslash escapes the closing brace; anything else is evaluated in full.
        inner = raw[1:-1]
        jabref = _JABREF_MONTH.fullmatch(raw) if name == "month" else None
        if jabref and jabref[1].lower() in macros:
            # JabRef 2 to 4 saved a month macro as `{\#dec\#}` (its own `#dec#` escaped): the macro `dec`, as
            # JabRef reads it back. Kept as written it would print "#dec#" in the bibliography.
            value = macros[jabref[1].lower()]
            own.append((name, value, jabref[1].lower()))
        elif (
            raw[:1] == "{"
            and raw[-1:] == "}"
            and "{" not in inner
            and "}" not in inner
            and inner[-1:] != "\\"
            and len(raw) <= _MAX_VALUE
        ):
            value = _unhide(inner) if _HIDDEN_BACKSLASH in inner else inner
            own.append((name, value, None))
        elif (
            brace_entry
            and raw[:1] == "{"
            and raw[-1:] == "}"
            and '"' not in raw
            and "#" not in raw
            and inner[-1:] != "\\"
            and len(raw) <= _MAX_VALUE
        ):  # `{Zo{\\"e} and {\\noopsort{a}}Zed}`: groups inside, balanced
            value = _unhide(inner) if _HIDDEN_BACKSLASH in inner else inner
            own.append((name, value, None))
        elif raw.isdigit() and len(raw) <= _MAX_VALUE:  # `year = 2020`
            value = raw
            own.append((name, value, None))
        elif raw.isascii() and raw.isalnum() and raw.lower() in macros:  # `month = jan`, `journal = jcp`
            value = macros[raw.lower()]
            own.append((name, value, raw))
        else:
            try:
                value = _evaluate(raw, macros, warnings, field_line)
            except _ValueError as error:
                warnings.append(ParseWarning(field_line, f"entry {key!r}, field {name!r}: {error}"))
                continue
            own.append((name, value, _macro_spelling(raw)))
        fields[name] = value
    entry_type = entry.entry_type.strip().lower()
    if entry_type not in _KNOWN_TYPES:
        warnings.append(
            ParseWarning(line, f"entry {key!r}: @{entry_type} is not a BibTeX or biblatex entry type; kept as declared")
        )
    parsed.append(_Parsed(entry, fields, line, own=own))


def _assign_key(item: _Parsed, used: set[str], warnings: list[ParseWarning]) -> bool:
    """The key an entry is imported with (`item.key`): its own when bibtex can use it, else another, with a
    warning; False for an entry with neither key nor data, skipped. `used` holds the keys given before.

    A non-ASCII key (bibtex cannot find `Müller2020`) is transliterated; an illegal or missing one is left for
    the library to make from its key pattern; a repeated one (BibTeX compares keys ignoring case) gets the
    next free suffix, so a second paper under the same key is not lost.
    """
    written = item.entry.key.strip()
    key: str | None = written
    if not written and not _IDENTIFYING.intersection(item.fields):
        warnings.append(ParseWarning(item.line, f"@{item.entry.entry_type} entry with neither a key nor data skipped"))
        return False
    if not written:
        warnings.append(
            ParseWarning(
                item.line,
                f"@{item.entry.entry_type} entry without a citation key: "
                "imported with a key made from its authors, year and title",
            )
        )
        key = None
    elif not is_legal_key(written):
        folded = ascii_key(written) if is_legal_key(written, ascii_only=False) else None
        if folded:
            message = f"citation key {written!r} is not ASCII, which bibtex cannot find; imported as {folded!r}"
        else:
            message = (
                f"{written!r} is not a legal citation key (spaces, commas, braces, quotes, % or # are "
                "not allowed): imported with a key made from its authors, year and title"
            )
        warnings.append(ParseWarning(item.line, message))
        key = folded
    if key is not None and key.lower() in used:
        unique = disambiguate(key, lambda k: k.lower() in used)
        warnings.append(
            ParseWarning(item.line, f"duplicate citation key {written!r}: this entry imported as {unique!r}")
        )
        key = unique
    if key is not None:
        used.add(key.lower())
    item.key = key
    return True


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
    return _unhide("".join(out))


_JABREF_MONTH = re.compile(r"\{\s*\\#\s*([a-zA-Z]{3})\s*\\#\s*\}")


def _fields_of(entry: bib.Entry, key: str, warnings: list[ParseWarning]) -> list[tuple[str, str, int]]:
    """The entry's fields as (name, raw value, line). A field whose value runs on into `name = value` lost the
    comma before that field (`title = {A}` then `author = {B}` on the next line): bibtexparser reads the two as
    one value, BibTeX stops with an error; here they are the two fields they were meant to be, and said so."""
    out = []
    for fld in entry.fields:
        raw, line = str(fld.value), (fld.start_line or 0) + 1
        name = fld.key
        while "=" in raw and _MAY_RUN_ON.search(raw) and (run_on := _run_on(raw)) is not None:
            value, next_name, rest, lines_before = run_on
            out.append((name, value, line))
            line += lines_before
            warnings.append(
                ParseWarning(line, f"entry {key!r}: a comma is missing before field {next_name!r}; read as two fields")
            )
            name, raw = next_name, rest
        out.append((name, raw, line))
    return out


# A closing delimiter, then a field's `name =`: the cheap look before a value is read for a missing comma.
_MAY_RUN_ON = re.compile(r"[}\"\w]\s+[A-Za-z][\w\-:.]*\s*=")
_DELIMITER_MARKS = re.compile(r'\\.|[{}"]', re.S)  # an escaped character is one mark, never a delimiter
_NEXT_FIELD = re.compile(r"\s*([A-Za-z][\w\-:.]*)\s*=\s*(\S.*?)\s*", re.S)


def _run_on(raw: str) -> tuple[str, str, str, int] | None:
    """(first value, next field's name, its raw value, lines between) when `raw` is a whole value followed by
    another field's `name = value`; None for any other value."""
    text = raw.lstrip()
    start = len(raw) - len(text)
    end = None
    if text[:1] in ("{", '"'):
        depth = 0
        # Only the delimiters and escapes matter: visiting just them keeps a long abstract cheap.
        for mark in _DELIMITER_MARKS.finditer(text):
            ch, i = mark.group(0), mark.start()
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0 and text[0] == "{":
                    end = i + 1
                    break
            elif ch == '"' and depth == 0 and i:
                end = i + 1
                break
    else:
        bare = re.match(r"[^\s{}\"#,=]+", text)
        end = bare.end() if bare else None
    if not end:
        return None
    following = _NEXT_FIELD.fullmatch(text[end:])
    if following is None or not text[end : end + 1].isspace():
        return None
    return text[:end], following.group(1), following.group(2), raw[: start + end + following.start(1)].count("\n")


def _macro_spelling(raw: str) -> str | None:
    """A value's own spelling when it uses @string macros or `#` (`apr`, `j-TUGboat`, `dec # {~15}`), else
    None: a plain `{...}`, `"..."` or number needs nothing but its LaTeX."""
    head = raw.lstrip()[:1]
    if "#" not in raw and (head in ("{", '"') or raw.strip().isdigit()):
        return None  # nearly every value: one delimited part
    parts = [part.strip() for part in _split_concatenation(raw)]
    parts = [part for part in parts if part]
    if len(parts) == 1 and (parts[0][0] in '{"' or parts[0].isdigit()):
        return None
    return _unhide(" # ".join(parts)) or None


def _unhide(value: str) -> str:
    return value.replace(_HIDDEN_BACKSLASHES, "\\\\")


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


def _to_record(item: _Parsed, warnings: list[ParseWarning], memo: _Memo) -> PaperRecord:
    fields = item.fields
    entry = item.entry
    text = _Latex(warnings, item.line, memo)
    # Each field's reading for the entry's field list (what _read_field gives), where the record reads it anyway.
    read: dict[str, str] = {}

    title = None
    if "title" in fields:
        title = read["title"] = text(fields["title"])
    authors, complete, author_field = _authors(fields.get("author", ""), text)
    if author_field is not None:
        read["author"] = author_field
    year = _year(fields.get("year", "")) or _year(fields.get("date", ""))
    date = _date(fields, year)
    venue_field = next((name for name in ("journal", "journaltitle", "booktitle") if fields.get(name)), None)
    if (
        venue_field is None
        and "booktitle" not in fields  # an empty booktitle is the venue, stated empty
        and entry.entry_type.lower() in ("misc", "online", "unpublished")
        and fields.get("howpublished")
    ):
        venue_field = "howpublished"  # where a @misc says it appeared (what the exporters write)
    venue = None
    if venue_field:
        venue = read[venue_field] = text(fields[venue_field])

    arxiv_id, arxiv_version = _arxiv(fields)
    links: list[Link] = []
    for name in ("url", "pdf"):
        for url in _addresses(read_verbatim(fields[name]) if name in fields else ""):
            links.append(Link(classify_url(url, default_kind="paper"), url))
    if "url" in fields:
        read["url"] = read_verbatim(fields["url"])

    # Remarks about the reference (`note`) and the reader's own note (`annote`, biblatex's `annotation`).
    remark = read["note"] = text(fields["note"]) if "note" in fields else ""
    untitled = UNTITLED_NOTE in remark
    remarks = [r for r in (part.strip() for part in remark.replace(UNTITLED_NOTE, "").split("; ")) if r]
    # Exports name a title-less paper by its own identifier (older ones also said so in `note`).
    doi = read["doi"] = read_verbatim(fields["doi"]) if "doi" in fields else ""
    stand_ins = {f"arXiv:{arxiv_id}".lower() if arxiv_id else "", f"doi:{doi}".lower() if doi else ""}
    # A paper with no identifier at all is exported as "Untitled paper N": nothing else could be its title.
    untitled = untitled or bool(title and (title.lower() in stand_ins - {""} or _UNTITLED_STAND_IN.fullmatch(title)))
    if untitled and title and _FALLBACK_TITLE.fullmatch(title):
        title = None  # the exporters' stand-in for a title nobody stated, not a title
    annotation_field = "annote" if fields.get("annote") else "annotation" if fields.get("annotation") else None
    if annotation_field:
        note = read[annotation_field] = text(fields[annotation_field], keep_lines=True)
    else:
        note = "; ".join(remarks)

    extra: dict[str, str] = {}
    for name, value in fields.items():
        if name in _MAPPED:
            continue
        if name in ("editor", "bookauthor", "translator"):
            people, _, people_field = _authors(value, text)
            extra[name] = " and ".join(people)
            if people_field is not None:
                read[name] = people_field
        elif name in _VERBATIM:
            extra[name] = read[name] = " ".join(value.split())
        elif name in _NAME_FIELDS:
            extra[name] = text(value)  # its field reading is name by name
        else:
            extra[name] = read[name] = text(value)
    if "month" in fields and date is None:
        extra["month"] = text(fields["month"])
    if remarks:
        # The entry's remark about the paper, kept apart: the library stores it as the paper's remarks, and
        # the reader's own note (`annote`) as the user's note (model/store.py).
        extra["note"] = "; ".join(remarks)
    if fields.get("url", "").strip():
        # Also a link; as a field it is what an export writes back as `url`, so export -> import round-trips.
        extra["url"] = read_verbatim(fields["url"])

    return PaperRecord(
        line=item.line,
        title=title or None,
        authors=authors,
        authors_complete=complete,
        year=year,
        date=date,
        venue=venue or None,
        entry_type=entry.entry_type.lower(),
        abstract=(read.setdefault("abstract", text(fields["abstract"], keep_paragraphs=True)) or None)
        if "abstract" in fields
        else None,
        arxiv_id=arxiv_id,
        arxiv_version=arxiv_version,
        doi=doi or None,
        category=(fields.get("primaryclass") or fields.get("eprintclass") or "").strip() or None,
        links=tuple(links),
        note=note or None,
        has_code=any(link.kind == "code" for link in links),
        citekey=item.key,
        keywords=_keywords(fields["keywords"], text) if "keywords" in fields else (),
        extra=extra,
        raw=_unhide(entry.raw or ""),
        bib_type=entry.entry_type.strip().lower(),
        bib_fields=tuple(
            EntryField(
                name,
                _nfc(read[name]) if name in read and fields.get(name) is latex else _field_text(name, latex, text),
                latex,
                macro,
            )
            for name, latex, macro in item.own
        ),
    )


# Fields holding lists of people, split at " and " like `author`.
_NAME_FIELDS = frozenset(
    [
        "author",
        "editor",
        "bookauthor",
        "translator",
        "editora",
        "editorb",
        "editorc",
        "annotator",
        "commentator",
        "introduction",
        "foreword",
        "afterword",
        "holder",
    ]
)


def _field_text(name: str, latex: str, text: _Latex) -> str:
    """A field's Unicode reading (NFC, like every text the library compares): identifiers as written, names
    one by one (`others` kept), prose decoded."""
    return _nfc(_read_field(name, latex, text))


def _nfc(text: str) -> str:
    return text if text.isascii() or unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _read_field(name: str, latex: str, text: _Latex) -> str:
    if name in ("url", "doi"):
        return read_verbatim(latex)
    if name in _VERBATIM:
        return " ".join(latex.split())
    if name in _NAME_FIELDS:
        return " and ".join(text(n) if n.lower() != "others" else n for n in _name_parts(latex))
    if name == "abstract":
        return text(latex, keep_paragraphs=True)
    if name in ("annote", "annotation"):
        return text(latex, keep_lines=True)
    return text(latex)


_KEYWORD_SEPARATOR = re.compile("[,;]")


def _keywords(value: str, text: _Latex) -> tuple[str, ...]:
    """`keywords = {alpha, beta; {a, b}}`: split at commas and semicolons outside braces (a braced part is one
    keyword, as the exporters write a tag holding a comma), each decoded and tidied."""
    parts: list[str] = []
    if "{" not in value and "}" not in value:
        parts = _KEYWORD_SEPARATOR.split(value)  # no group to keep together (most lists of keywords)
    else:
        depth = 0
        start = 0
        for i, ch in enumerate(value):
            if ch == "{" and (i == 0 or value[i - 1] != "\\"):
                depth += 1
            elif ch == "}" and (i == 0 or value[i - 1] != "\\"):
                depth -= 1
            elif ch in ",;" and depth == 0:
                parts.append(value[start:i])
                start = i + 1
        parts.append(value[start:])
    keywords = []
    for part in parts:
        part = part.strip()
        if part.startswith("{") and part.endswith("}") and _balanced(part[1:-1]):
            part = part[1:-1]
        keyword = text(part)
        if keyword and keyword not in keywords:
            keywords.append(keyword)
    return tuple(keywords)


def _balanced(value: str) -> bool:
    depth = 0
    for i, ch in enumerate(value):
        if ch in "{}" and i and value[i - 1] == "\\":
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def _authors(value: str, text: _Latex) -> tuple[tuple[str, ...], bool, str | None]:
    """Split at " and " outside braces; each name stays as written (LaTeX decoded, whitespace tidied). Also the
    field's reading for the entry's field list (`_read_field`'s: every name decoded as it is, `others` kept),
    or None when a name is braced or in the extended format: that reading is not the record's, and is left to
    the field list so that what it warns about comes in the same order as ever."""
    names: list[str] = []
    complete = True
    as_field: list[str] | None = []
    for name in _name_parts(value):
        if name.lower() == "others":  # `{others}`, braced, is a name that happens to be "others"
            complete = False
            as_field.append(name)
            continue
        # Every part of the extended format is `key=value`: a name without "=" is in the ordinary form.
        extended = extended_name_parts(name) if "=" in name else None
        if extended is not None:
            names.append(_extended_name(extended, text))
            as_field = None
            continue
        if name.startswith("{") and name.endswith("}") and _balanced(name[1:-1]):
            # One brace group is BibTeX's "do not split this name" (corporate authors): the braces stay, so
            # the name is parsed and exported as one part.
            inner = text(name[1:-1])
            names.append("{" + inner + "}" if inner else "")
            as_field = None
            continue
        decoded = text(name)
        names.append(decoded)
        if as_field is not None:
            as_field.append(decoded)
    return tuple(n for n in names if n), complete, None if as_field is None else " and ".join(as_field)


def _extended_name(parts: dict[str, str], text: _Latex) -> str:
    """A name in biblatex's extended format as the ordinary "Family, Suffix, Given" the other names become.

    Papershelf's biblatex export writes `\\^^22` (TeX's code for `\\"`) there, as a quote mark breaks biber's
    reading of this format."""

    def decode(value: str) -> str:
        return text(value.replace("\\^^22", '\\"').replace("\\^^3d", "\\="))

    family = parts.get("family", "")
    if family.startswith("{") and family.endswith("}") and _balanced(family[1:-1]) and "given" not in parts:
        return "{" + decode(family[1:-1]) + "}"  # a corporate name, kept in one part as in the brace form
    family = " ".join(p for p in (decode(parts.get("prefix", "")), decode(family)) if p)
    rest = [decode(parts[key]) for key in ("suffix", "given") if parts.get(key)]
    return ", ".join([family, *rest]) if family else ", ".join(rest)


# An entry's list of names is read for its record and again for its field list: remembered for a while.
@functools.lru_cache(maxsize=256)
def _name_parts(value: str) -> tuple[str, ...]:
    """The names of a list of people, whitespace tidied, empty ones left out."""
    parts = _split_and(value)
    if value.isprintable() and "  " not in value and value.strip() == value:
        # Single spaces only (isprintable is False for every other whitespace): the separators took the spaces
        # around them, so each name is already tidy.
        return tuple(part for part in parts if part)
    return tuple(name for name in (" ".join(part.split()) for part in parts) if name)


def _split_and(value: str) -> tuple[str, ...]:
    """The " and " separators at brace depth 0: "{Barnes and Noble} and Smith" is two names."""
    if "{" not in value:
        return tuple(_AND.split(value))  # no group protects any separator (most lists of names)
    parts = []
    depth = 0
    start = 0
    protected: list[tuple[int, int]] = []
    for brace in _BRACE.finditer(value):
        i = brace.start()
        if brace.group() == "{":
            if depth == 0:
                open_at = i
            depth += 1
        elif depth > 0:
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
    return tuple(parts)


class _Latex:
    """LaTeX to Unicode for text fields, with the exporters' decoder; a value it cannot read is kept as written
    with a warning.

    One per entry, sharing `memo` with the file's other entries: a .bib repeats its people, journals and
    publishers thousands of times, and each distinct value is decoded once per file. What the decoder kept as
    written is still told once for every entry holding it, with that entry's line."""

    __slots__ = ("clean", "line", "memo", "told", "warnings")

    def __init__(self, warnings: list[ParseWarning], line: int, memo: _Memo) -> None:
        self.warnings = warnings
        self.line = line
        self.memo = memo
        self.clean = memo.clean
        self.told: set[tuple[str, bool, bool]] | None = None  # the values of this entry already warned about

    def __call__(self, value: str, keep_paragraphs: bool = False, keep_lines: bool = False) -> str:
        # Called some fifteen times per entry: the common case (a value seen before, nothing to tell) is one lookup.
        if not keep_paragraphs and not keep_lines:
            text = self.clean.get(value)
            if text is not None:
                return text
        key = (value, keep_paragraphs, keep_lines)
        found = self.memo.told.get(key)
        if found is None:
            found = _decode(value, keep_paragraphs, keep_lines)
            if not found[1] and not keep_paragraphs and not keep_lines:
                self.clean[value] = found[0]
                return found[0]
            self.memo.told[key] = found
        text, problems = found
        if problems:
            if self.told is None:
                self.told = set()
            if key not in self.told:
                self.told.add(key)
                self.warnings.extend(ParseWarning(self.line, problem) for problem in problems)
        return text


class _Memo:
    """A file's decoded values: `clean` those read with the default options and nothing to tell, `told` the
    others, with what to warn about each."""

    __slots__ = ("clean", "told")

    def __init__(self) -> None:
        self.clean: dict[str, str] = {}
        self.told: dict[tuple[str, bool, bool], tuple[str, tuple[str, ...]]] = {}


def _decode(value: str, keep_paragraphs: bool, keep_lines: bool) -> tuple[str, tuple[str, ...]]:
    try:
        text, kept = decode_report(value, paragraphs=keep_paragraphs, lines=keep_lines)
    except LatexDecodeError:
        kept_text = value.strip() if keep_paragraphs or keep_lines else " ".join(value.split())
        return kept_text, ("LaTeX in a field could not be decoded; kept as written",)
    # What the decoder could not (or must not) turn into text stays in it as written: the user is told.
    return text, tuple(f"LaTeX {problem}" for problem in kept)


_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_ISO_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_MONTH_WITH_DAY = re.compile(r"([a-z]+)\.?(?:~|\s|\\ )+(\d{1,2})(?:st|nd|rd|th)?")


def _year(value: str) -> int | None:
    match = _YEAR.search(value)
    return int(match.group(1)) if match else None


def _date(fields: dict[str, str], year: int | None) -> str | None:
    """An ISO date from `date`, else year + month (+ day): "2020-03" or "2020-03-15"."""
    stated = fields.get("date", "").strip()
    if _ISO_DATE.fullmatch(stated):
        return stated
    if year is None or "month" not in fields:
        return None
    month_text = fields["month"].strip().strip("{}").strip().lower().rstrip(".")
    day_text = fields.get("day", "").strip()
    # `month = dec # {~15}`, a month with its day, as many .bib files write a date without a `day` field.
    with_day = _MONTH_WITH_DAY.fullmatch(month_text)
    if with_day and not day_text:
        month_text, day_text = with_day.groups()
    month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text)
    if month is None or not 1 <= month <= 12:
        return None
    if day_text.isdigit() and 1 <= int(day_text) <= calendar.monthrange(year, month)[1]:
        return f"{year:04d}-{month:02d}-{int(day_text):02d}"
    return f"{year:04d}-{month:02d}"


def _addresses(value: str) -> list[str]:
    """The links a url field gives: Mendeley puts every address it has into one field with spaces between them,
    others with "; " (Beebe's bibliographies)."""
    parts = _BETWEEN_ADDRESSES.split(value.strip().rstrip(";"))
    if len(parts) > 1 and all(_ADDRESS.match(part) for part in parts):
        return list(dict.fromkeys(parts))
    return [value] if value else []


_ADDRESS = re.compile(r"(?:https?|ftp)://\S", re.IGNORECASE)
_BETWEEN_ADDRESSES = re.compile(r"[;,]?\s+")  # a `;` inside an address (`?a=1;b=2`) has no space after it


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


# bibtexparser logs every broken block; each one already becomes a ParseWarning with its line, so the log
# lines would only repeat them on stderr when the application has no logging set up.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

register(BibtexImporter())
