"""Splits a .bib file into bibtexparser's blocks, reading plainly written entries without its splitter.

bibtexparser's splitter walks the text one mark (brace, quote, comma, equals sign, newline) at a time in Python,
which is about 50 µs per entry: on a 100,000-entry file that is more than any other single step of an import.
Most entries in real files are written one plain way (`@type{key,` then `name = {value},` or `"value"`, a
number or a macro name), and for those one regular expression per entry and per field finds the same blocks
in about 20 µs.

The contract is exact: `split_blocks(text)` returns the blocks `bibtexparser.parse_string(text, parse_stack=[])`
would, with the same keys, values, raw text and line numbers, or it leaves the file to that parser. Anything
outside the plain form (a `@string`, `@comment` or `@preamble`, an entry in parentheses, `#` concatenation,
an escaped brace, a broken entry, text between entries) is handed to bibtexparser's own splitter, one region at
a time, between line starts where a plain entry begins. tests/importers/test_bibtex_split.py compares the two
on every .bib in the tests and on hundreds of damaged variants of them.

This module reads no field's meaning: that is importers/bibtex_file.py's job.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bibtexparser import model as bib
from bibtexparser.exceptions import BlockAbortedException
from bibtexparser.library import Library
from bibtexparser.splitter import Splitter

_WS = r"[ \t\r\n]*+"


def _braced(depth: int) -> str:
    # Balanced braces up to `depth` levels, written with possessive quantifiers so a value that never closes
    # fails in linear time instead of backtracking.
    pattern = r"\{[^{}]*+\}"
    for _ in range(depth - 1):
        pattern = r"\{[^{}]*+(?:" + pattern + r"[^{}]*+)*+\}"
    return pattern


# A quoted value with no brace and no backslash before a quote or another backslash: bibtexparser ends it at
# the first quote mark, as this does.
_QUOTED = r'"(?:[^"{}\\]|\\[^"{}\\])*+"'
_NAME = r"[A-Za-z][\w\-:.+]*+"
_ENTRY_HEAD = re.compile(_WS + r"@(?P<type>[A-Za-z]\w*+)\{" + _WS + r"(?P<key>[^\s,{}()\"=@\\#%']++)" + _WS + ",")
_FIELD = re.compile(
    _WS
    + r"(?P<name>"
    + _NAME
    + r")"
    + _WS
    + r"(?P<equals>=)"
    + _WS
    + r"(?P<value>"
    + _braced(6)
    + "|"
    + _QUOTED
    + r"|\d++|"
    + _NAME
    + r")"
    + _WS
    + r"(?P<end>[,}])"
)
_ENTRY_END = re.compile(_WS + r"\}")
_SPACE = re.compile(_WS)
# bibtexparser reads `@string`, `@comment` and `@preamble` by the prefix of the type (`@commentary{` is a
# comment to it): such types are its to read.
_SPECIAL_TYPE = re.compile(r"(?i)comment|preamble|string")
# Inside an entry, `@word{` at the start of a line makes bibtexparser abandon the entry.
_LINE_START_AT = re.compile(r"\n\s*@")
_NEXT_LINE_AT = re.compile(r"\n@")


def split_blocks(text: str) -> list[bib.Block]:
    """The blocks of `text`, exactly as bibtexparser's splitter would give them (see the module docstring)."""
    return list(iter_blocks(text))


def iter_blocks(text: str) -> Iterator[bib.Block]:
    """`split_blocks` one block at a time, as they are read: a big file's first entries are imported while its
    later ones are still being split (a 100,000-entry file takes seconds to split).

    Where bibtexparser must read the rest (`_whole`), the blocks given so far are the first of its blocks:
    its splitter reads from left to right and ends each block where the quick reading did, so the blocks before
    the place that needs it are the same (checked, and an error if they ever are not)."""
    if "\\\n" in text:
        yield from _whole(text)  # bibtexparser does not count a newline after a backslash as a line
        return
    # Adding them in order marks repeated keys exactly as bibtexparser's own splitter does.
    library = Library()
    given: list[bib.Block] = []
    line = 0  # newlines before `counted`
    counted = 0
    pos = 0
    end = len(text)
    while True:
        pos = _SPACE.match(text, pos).end()
        if pos >= end:
            return
        entry = _plain_entry(text, pos)
        if entry is not None:
            start, stop, entry_type, key, fields = entry
            line += text.count("\n", counted, start)
            counted = start
            at = line
            made = []
            for name, value, equals in fields:
                line += text.count("\n", counted, equals)
                counted = equals
                made.append(bib.Field(name, value, line))
            found = [bib.Entry(entry_type, key, made, at, text[start:stop])]
            pos = stop
        else:
            region = _region(text, pos)
            read = None
            if region is not None:
                region_start, region_end = region
                line += text.count("\n", counted, region_start)
                counted = region_start
                read = _split_region(text[region_start:region_end], line, at_end=region_end >= end)
                pos = region_end
            if read is None:
                yield from _rest_of_whole(text, given)
                return
            found = read
        for block in found:
            library.add(block, fail_on_duplicate_key=False)
            block = library.blocks[-1]
            given.append(block)
            yield block


def _rest_of_whole(text: str, given: list[bib.Block]) -> list[bib.Block]:
    """bibtexparser's blocks of the whole text after the `given` ones, which must be its first."""
    blocks = _whole(text)
    for mine, its in zip(given, blocks, strict=False):
        if type(mine) is not type(its) or mine.raw != its.raw or mine.start_line != its.start_line:
            raise ValueError(f"the quick reading and bibtexparser's part at line {(its.start_line or 0) + 1}")
    if len(blocks) < len(given):
        raise ValueError("the quick reading found blocks bibtexparser does not")
    return blocks[len(given) :]


def _whole(text: str) -> list[bib.Block]:
    return Splitter(text).split().blocks


def _plain_entry(text: str, pos: int) -> tuple[int, int, str, str, list[tuple[str, str, int]]] | None:
    head = _ENTRY_HEAD.match(text, pos)
    if head is None or _SPECIAL_TYPE.match(head["type"]):
        return None
    fields: list[tuple[str, str, int]] = []
    names: set[str] = set()
    at = head.end()
    while True:
        field = _FIELD.match(text, at)
        if field is None:
            closing = _ENTRY_END.match(text, at)
            if closing is None:
                return None
            stop = closing.end()
            break
        name = field["name"]
        if name in names:  # bibtexparser marks the entry as repeating a field: its reading, not ours
            return None
        names.add(name)
        fields.append((name, field["value"], field.start("equals")))
        if field["end"] == "}":
            stop = field.end()
            break
        at = field.end()
    start = head.start("type") - 1
    raw = text[start:stop]
    # An escaped brace is not a brace to bibtexparser, and `@` opening a line would end the entry early.
    if "\\{" in raw or "\\}" in raw or ("@" in raw[1:] and _LINE_START_AT.search(raw)):
        return None
    return start, stop, head["type"].lower(), head["key"], fields


def _region(text: str, pos: int) -> tuple[int, int] | None:
    """Where bibtexparser must read: from the start of `pos`'s line to the next line opening a plain entry."""
    region_start = text.rfind("\n", 0, pos) + 1
    if text[region_start:pos].strip(" \t\r"):
        return None  # the block shares its line with the end of the one before: rare, left to bibtexparser
    region_end = pos
    while True:
        found = _NEXT_LINE_AT.search(text, region_end)
        if found is None:
            return region_start, len(text)
        region_end = found.start() + 1
        if _plain_entry(text, region_end) is not None:
            return region_start, region_end


def _split_region(region: str, line: int, *, at_end: bool) -> list[bib.Block] | None:
    splitter = Splitter(region)
    if not (hasattr(splitter, "_current_line") and hasattr(splitter, "_reset_block_status")):
        return None  # a bibtexparser this module was not written against: it reads the whole file
    # The splitter counts lines from its own first character; the region starts `line` lines into the file.
    splitter._current_line = line - 1
    splitter._reset_block_status(current_char_index=0)
    found = []
    for block in splitter.split().blocks:
        if isinstance(block, bib.DuplicateBlockKeyBlock):
            block = block.ignore_error_block  # marked again over the whole file in split_blocks
        if (
            not at_end
            and isinstance(block, bib.ParsingFailedBlock)
            and isinstance(block.error, BlockAbortedException)
            and block.error.end_index == len(region) + 1
        ):
            return None  # a block still open where the region ends: in the whole file it may run on
        found.append(block)
    return found
