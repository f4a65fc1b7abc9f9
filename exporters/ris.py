"""RIS (EndNote, Mendeley, Zotero and most reference managers read it) from library papers, UTF-8.

Reads Paper dataclasses; never SQL, never files.
"""

from __future__ import annotations

from collections.abc import Iterable

from papershelf.exporters import classify as kinds
from papershelf.exporters import declared_entry as declared
from papershelf.exporters.report import ExportReport
from papershelf.model.types import Paper

_TYPES = {kinds.CONFERENCE: "CONF", kinds.JOURNAL: "JOUR", kinds.PREPRINT: "UNPB"}


def _line(tag: str, value: object) -> str:
    # One tag per line: a value's own line breaks would start a bogus tag.
    return f"{tag}  - {' '.join(str(value).split())}"


def record_for(paper: Paper, report: ExportReport, *, abstracts: bool = True) -> str:
    kind = kinds.classify(paper)
    key = paper.citekey or f"paper{paper.id}"
    ris_type = _TYPES.get(kind.kind, "GEN")
    stated = declared.ris_type(paper)
    if stated and not (declared.is_preprint(paper, kind) and stated in ("JOUR", "UNPB", "ELEC")):
        ris_type = stated  # the entry's own type; an arXiv preprint stays one whatever @type it was given
    lines = [_line("TY", ris_type), _line("ID", key)]
    notes = []
    if paper.title:
        lines.append(_line("TI", paper.title))
    else:
        lines.append(_line("TI", kinds.fallback_title(paper)))
        report.note(key, f"no title; exported with {kinds.fallback_title(paper)!r} in its place")
    refs, complete = kinds.cited_authors(paper)
    for ref in refs:
        parts = kinds.name_parts(ref)
        # RIS writes "Family, Given, Suffix".
        name = ", ".join(part for part in (parts.family, parts.given, parts.suffix) if part)
        lines.append(_line("AU", name))
    for field, tag in (("editor", "ED"), ("translator", "A4")):
        lines.extend(_line(tag, _name(c)) for c in declared.contributors(paper, field))
    if refs and not complete:
        notes.append("Author list incomplete (et al.)")
    if paper.remarks and paper.remarks.strip():
        notes.append(paper.remarks.strip())  # the pages' remark about the paper, never the user's note
    year, month, day = kinds.year_month_day(paper)
    if year:
        lines.append(_line("PY", year))
        if month:
            lines.append(_line("DA", f"{year:04d}/{month:02d}/" + (f"{day:02d}" if day else "")))
    whole = ris_type in _WHOLE
    series = declared.field(paper, "series")
    if kind.container and not whole:
        lines.append(_line("T2", kind.container))
    if series:
        # Zotero's reading: a book's series is T2, a chapter's or a paper's T3.
        lines.append(_line("T2" if ris_type in ("BOOK", "EDBOOK") else "T3", series))
    if kind.kind == kinds.PREPRINT and paper.arxiv_id:
        lines.append(_line("PB", "arXiv"))
        lines.append(_line("M1", f"arXiv:{paper.arxiv_id}"))
    elif paper.publisher:
        lines.append(_line("PB", paper.publisher))
    elif whole or ris_type == "ELEC":
        publisher = declared.field(paper, "school", "institution", "organization")
        if publisher:
            lines.append(_line("PB", publisher))  # a thesis's university, a report's institution
    place = declared.field(paper, "location", "address")
    if place:
        lines.append(_line("CY", place))
    edition = declared.field(paper, "edition")
    if edition:
        lines.append(_line("ET", edition))
    kind_of_work = declared.genre(paper)
    if kind_of_work and ris_type in ("THES", "RPRT"):
        lines.append(_line("M3", kind_of_work))
    if paper.volume:
        lines.append(_line("VL", paper.volume))
    if paper.number:
        # A report's number is its SN in Zotero's reading (reportNumber); elsewhere the issue.
        lines.append(_line("SN" if ris_type == "RPRT" else "IS", paper.number))
    standard_number = declared.field(paper, "isbn", "issn")
    if standard_number and not (ris_type == "RPRT" and paper.number):
        lines.append(_line("SN", standard_number))
    pages = kinds.page_range(paper.pages)
    if pages:
        lines.append(_line("SP", pages[0]))
        if pages[1]:
            lines.append(_line("EP", pages[1]))
    elif paper.pages:
        lines.append(_line("SP", paper.pages))
    if paper.doi:
        lines.append(_line("DO", paper.doi))
    if paper.url:
        lines.append(_line("UR", paper.url))
    elif paper.arxiv_id:
        lines.append(_line("UR", f"https://arxiv.org/abs/{paper.arxiv_id}"))
    lines.extend(_line("KW", tag) for tag in paper.tags)
    if abstracts and paper.abstract:
        lines.append(_line("AB", paper.abstract))
    if paper.note and paper.note.strip():
        # N1 is "notes": readers (Zotero, EndNote, Mendeley) keep it as the record's note, styles do not print it.
        notes.append(paper.note.strip())
    if notes:
        lines.append(_line("N1", "; ".join(notes)))
    lines.append("ER  - ")
    return "\n".join(lines)


# Types that are a whole publication: the venue read from them is not a container they appeared in.
_WHOLE = frozenset({"BOOK", "EDBOOK", "JFULL", "PAMP", "THES", "RPRT", "UNPB", "PAT", "DATA", "COMP", "STAND"})


def _name(contributor: declared.Contributor) -> str:
    if contributor.parts is None:
        return contributor.literal
    # RIS writes "Family, Given, Suffix".
    parts = contributor.parts
    return ", ".join(part for part in (parts.family, parts.given, parts.suffix) if part)


def export_ris(papers: Iterable[Paper], *, abstracts: bool = True) -> tuple[str, ExportReport]:
    report = ExportReport(format="ris")
    records = []
    for paper in sorted(papers, key=lambda p: (p.citekey.lower(), p.citekey, p.id)):
        records.append(record_for(paper, report, abstracts=abstracts))
        report.entries += 1
    return "\n\n".join(records) + "\n" if records else "", report
