"""CSL-JSON (what Zotero, pandoc and citeproc read) from library papers: Unicode text, no LaTeX.

`note` holds only remarks about the reference (a cut-short author list); the user's own
note is not exported here (RIS and the .bib flavours carry it, in fields no style prints).

Reads Paper dataclasses; never SQL, never files.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from papershelf.exporters import classify as kinds
from papershelf.exporters.report import ExportReport
from papershelf.model.types import Paper

_TYPES = {kinds.CONFERENCE: "paper-conference", kinds.JOURNAL: "article-journal", kinds.PREPRINT: "article"}


def item_for(paper: Paper, report: ExportReport, *, abstracts: bool = True) -> dict[str, Any]:
    kind = kinds.classify(paper)
    item: dict[str, Any] = {"id": paper.citekey or f"paper{paper.id}", "type": _TYPES.get(kind.kind, "document")}
    notes = []
    if paper.title:
        item["title"] = paper.title
    else:
        item["title"] = kinds.fallback_title(paper)
        report.note(item["id"], f"no title; exported with {item['title']!r} in its place")
    authors = []
    refs, complete = kinds.cited_authors(paper)
    for ref in refs:
        parts = kinds.name_parts(ref)
        name: dict[str, str] = {"family": parts.family}
        if parts.given:
            name["given"] = parts.given
        if parts.suffix:
            name["suffix"] = parts.suffix
        authors.append(name)
    if authors:
        item["author"] = authors
    if refs and not complete:
        notes.append("Author list incomplete (et al.)")
    if paper.remarks and paper.remarks.strip():
        notes.append(paper.remarks.strip())  # the pages' remark about the paper, never the user's note
    year, month, day = kinds.year_month_day(paper)
    if year:
        item["issued"] = {"date-parts": [[p for p in (year, month, day) if p]]}
    if kind.container:
        item["container-title"] = kind.container
    if kind.kind == kinds.PREPRINT:
        item["publisher"] = "arXiv" if paper.arxiv_id or not kind.venue else kind.venue.full
        if paper.arxiv_id:
            item["number"] = f"arXiv:{paper.arxiv_id}"
    elif paper.publisher:
        item["publisher"] = paper.publisher
    for source, target in (("volume", "volume"), ("number", "issue"), ("pages", "page"), ("doi", "DOI")):
        value = getattr(paper, source)
        if value:
            item[target] = value
    if paper.url:
        item["URL"] = paper.url
    elif paper.arxiv_id:
        item["URL"] = f"https://arxiv.org/abs/{paper.arxiv_id}"
    if paper.tags:
        item["keyword"] = ", ".join(paper.tags)
    if abstracts and paper.abstract:
        item["abstract"] = paper.abstract
    # The paper's own Markdown note stays out: citeproc styles print `note`, and CSL-JSON is what a document's
    # bibliography is made from (pandoc, Zotero's citations), so a private note would reach the reader.
    if notes:
        item["note"] = "; ".join(notes)
    return item


def export_csl_json(papers: Iterable[Paper], *, abstracts: bool = True) -> tuple[str, ExportReport]:
    report = ExportReport(format="csl-json")
    items = []
    for paper in sorted(papers, key=lambda p: (p.citekey.lower(), p.citekey, p.id)):
        items.append(item_for(paper, report, abstracts=abstracts))
        report.entries += 1
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n", report
