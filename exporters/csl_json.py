"""CSL-JSON (what Zotero, pandoc and citeproc read) from library papers: Unicode text, no LaTeX.

`note` holds only remarks about the reference (a cut-short author list); the user's own
note is not exported here (RIS and the .bib flavours carry it, in fields no style prints).

Reads Paper dataclasses; never SQL, never files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from papershelf.exporters import classify as kinds
from papershelf.exporters import declared_entry as declared
from papershelf.exporters.report import ExportReport
from papershelf.model.types import Paper

_TYPES = {kinds.CONFERENCE: "paper-conference", kinds.JOURNAL: "article-journal", kinds.PREPRINT: "article"}


def item_for(paper: Paper, report: ExportReport, *, abstracts: bool = True) -> dict[str, Any]:
    kind = kinds.classify(paper)
    csl_type = _TYPES.get(kind.kind, "document")
    stated = declared.csl_type(paper)
    if stated and not (declared.is_preprint(paper, kind) and stated in ("article-journal", "manuscript", "webpage")):
        csl_type = stated  # the entry's own type; an arXiv preprint stays one whatever @type it was given
    item: dict[str, Any] = {"id": paper.citekey or f"paper{paper.id}", "type": csl_type}
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
        written = ref.as_written.strip()
        if not parts.given and written.startswith("{") and written.endswith("}"):
            # BibTeX's braces say "one name, never split" ({World Health Organization}): CSL's literal name,
            # which no style abbreviates to initials or inverts.
            authors.append({"literal": parts.family})
            continue
        authors.append(_name(declared.Contributor(parts)))
    if authors:
        item["author"] = authors
    for field, role in (("editor", "editor"), ("translator", "translator"), ("bookauthor", "container-author")):
        people = [_name(c) for c in declared.contributors(paper, field)]
        if people:
            item[role] = people
    if refs and not complete:
        notes.append("Author list incomplete (et al.)")
    if paper.remarks and paper.remarks.strip():
        notes.append(paper.remarks.strip())  # the pages' remark about the paper, never the user's note
    year, month, day = kinds.year_month_day(paper)
    if year:
        item["issued"] = {"date-parts": [[p for p in (year, month, day) if p]]}
    if kind.container and csl_type not in declared.STANDALONE:
        item["container-title"] = kind.container
    if kind.kind == kinds.PREPRINT and (paper.arxiv_id or kind.venue):
        item["publisher"] = "arXiv" if paper.arxiv_id or not kind.venue else kind.venue.full
        if paper.arxiv_id:
            item["number"] = f"arXiv:{paper.arxiv_id}"
    elif paper.publisher:
        item["publisher"] = paper.publisher
    elif csl_type in ("thesis", "report", "book", "pamphlet", "webpage"):
        publisher = declared.field(paper, "school", "institution", "organization")
        if publisher:
            item["publisher"] = publisher  # a thesis's university, a report's institution
    series = declared.field(paper, "series")
    number_as = "issue"
    if csl_type == "report":
        number_as = "number"  # the report's own number (TR-2020-07), not an issue
    elif series and csl_type in ("book", "chapter", "paper-conference"):
        number_as = "collection-number"  # the volume's number in its series (LNCS 1234)
    for source, target in (("volume", "volume"), ("number", number_as), ("pages", "page"), ("doi", "DOI")):
        value = getattr(paper, source)
        if value and target not in item:
            item[target] = value
    if paper.pages:
        # CSL ranges use one hyphen (processors print it as an en dash); BibTeX's "--" was printed as written.
        item["page"] = re.sub(r"\s*-{2,3}\s*", "-", paper.pages)
    for target, names in _FIELDS:
        value = declared.field(paper, *names)
        if value:
            item[target] = value
    if series:
        item["collection-title"] = series
    kind_of_work = declared.genre(paper)
    if kind_of_work and csl_type in ("thesis", "report", "manuscript", "webpage", "dataset", "software", "pamphlet"):
        item["genre"] = kind_of_work
    accessed = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", declared.field(paper, "urldate"))
    if accessed:
        item["accessed"] = {"date-parts": [[int(p) for p in accessed.groups() if p]]}
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


def _name(contributor: declared.Contributor) -> dict[str, str]:
    if contributor.parts is None:
        return {"literal": contributor.literal}
    name = {"family": contributor.parts.family}
    if contributor.parts.given:
        name["given"] = contributor.parts.given
    if contributor.parts.suffix:
        name["suffix"] = contributor.parts.suffix
    return name


# CSL variables read from the entry's fields (biblatex's name first, then BibTeX's).
_FIELDS = (
    ("publisher-place", ("location", "address")),
    ("edition", ("edition",)),
    ("ISBN", ("isbn",)),
    ("ISSN", ("issn",)),
    ("chapter-number", ("chapter",)),
    ("number-of-pages", ("pagetotal",)),
    ("version", ("version",)),
    ("event-title", ("eventtitle",)),
    ("event-place", ("venue",)),
    ("language", ("langid", "language")),
)


def export_csl_json(papers: Iterable[Paper], *, abstracts: bool = True) -> tuple[str, ExportReport]:
    report = ExportReport(format="csl-json")
    items = []
    for paper in sorted(papers, key=lambda p: (p.citekey.lower(), p.citekey, p.id)):
        items.append(item_for(paper, report, abstracts=abstracts))
        report.entries += 1
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n", report
