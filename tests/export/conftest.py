"""Fixtures for the export tests: libraries built from hand-made records, as a page importer would give them."""

from __future__ import annotations

import hashlib
import itertools

import pytest

from papershelf.model.apply import import_records
from papershelf.model.records import PaperRecord

_counter = itertools.count()

HOSTILE_TITLES = (
    "Żółć ü ł ø — an em dash, Greek αβγ Ω, CJK 中文 and emoji 😀",
    r"\input{/etc/passwd} and \write18{rm -rf /} with \def\x{} and \csname relax\endcsname \include{x}",
    "A lone { opening brace",
    "A lone } closing brace",
    "It costs $5 and saves 50% of a_b #1 ~ ^ & <tag> | pipes",
    "$β$-DPO: Direct Preference Optimization with Dynamic $β$",
    "Math $\\mathcal{O}(n^2)$ stays; $^^5cinput$ and $\\input{x}$ do not",
    "BERT, LayerNorm and M6 keep their case -- and `quotes''",
)


def add_records(library, records, *, fmt: str = "homepage", file: str | None = None):
    """Import plain records as one page would; returns the import result."""
    file = file or f"page{next(_counter)}.txt"
    digest = hashlib.sha256(repr(records).encode()).hexdigest()
    return import_records(
        library, file=file, path=f"/pages/{file}", sha256=digest, fmt=fmt, owner=None, records=records
    )


def record(line: int = 1, **fields) -> PaperRecord:
    return PaperRecord(line=line, **fields)


@pytest.fixture
def hostile_library(library):
    """Papers whose page text tries every escaping trap and every kind of character."""
    records = [
        record(
            i + 1,
            title=title,
            authors=("Zoë Müller-Łukasiewicz", "Søren Ødegård", "Jan van der Berg"),
            year=2021,
            venue="NeurIPS 2021",
            entry_type="inproceedings",
        )
        for i, title in enumerate(HOSTILE_TITLES)
    ]
    records.append(
        record(
            50,
            title="Truncated list",
            authors=("Ada Lovelace", "Alan Turing"),
            authors_complete=False,
            year=2020,
            venue="Nature",
            abstract="An abstract with 100% of {braces} and \\commands.",
        )
    )
    records.append(record(51, arxiv_id="2112.07327", date="2021-12-14", entry_type="preprint", authors_complete=False))
    records.append(
        record(
            52,
            title="Journal paper on TKDE",
            authors=("李 明", "José Nuñez"),
            year=2019,
            venue="TKDE",
            doi="10.1109/TKDE.2019.1234",
            extra={"url": "https://example.org/a_b%20c#frag", "pages": "12-20", "volume": "31"},
        )
    )
    add_records(library, records)
    return library
