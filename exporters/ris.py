"""RIS (EndNote, Mendeley, Zotero and most reference managers read it) from library papers, UTF-8.

Reads Paper dataclasses; never SQL, never files.
"""

from __future__ import annotations

from collections.abc import Iterable

from papershelf.exporters import classify as kinds
from papershelf.exporters.report import ExportReport
from papershelf.model.types import Paper

_TYPES = {kinds.CONFERENCE: "CONF", kinds.JOURNAL: "JOUR", kinds.PREPRINT: "UNPB"}


def _line(tag: str, value: object) -> str:
    # One tag per line: a value's own line breaks would start a bogus tag.
    return f"{tag}  - {' '.join(str(value).split())}"


def record_for(paper: Paper, report: ExportReport, *, abstracts: bool = True) -> str:
    kind = kinds.classify(paper)
    key = paper.citekey or f"paper{paper.id}"
    lines = [_line("TY", _TYPES.get(kind.kind, "GEN")), _line("ID", key)]
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
    if refs and not complete:
        notes.append("Author list incomplete (et al.)")
    if paper.remarks and paper.remarks.strip():
        notes.append(paper.remarks.strip())  # the pages' remark about the paper, never the user's note
    year, month, day = kinds.year_month_day(paper)
    if year:
        lines.append(_line("PY", year))
        if month:
            lines.append(_line("DA", f"{year:04d}/{month:02d}/" + (f"{day:02d}" if day else "")))
    if kind.container:
        lines.append(_line("T2", kind.container))
    if kind.kind == kinds.PREPRINT and paper.arxiv_id:
        lines.append(_line("PB", "arXiv"))
        lines.append(_line("M1", f"arXiv:{paper.arxiv_id}"))
    elif paper.publisher:
        lines.append(_line("PB", paper.publisher))
    if paper.volume:
        lines.append(_line("VL", paper.volume))
    if paper.number:
        lines.append(_line("IS", paper.number))
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


def export_ris(papers: Iterable[Paper], *, abstracts: bool = True) -> tuple[str, ExportReport]:
    report = ExportReport(format="ris")
    records = []
    for paper in sorted(papers, key=lambda p: (p.citekey.lower(), p.citekey, p.id)):
        records.append(record_for(paper, report, abstracts=abstracts))
        report.entries += 1
    return "\n\n".join(records) + "\n" if records else "", report
