"""Importer for scholarly profile pages ("Researcher profile", "29works", then "preprint2026arXiv" work cards).

It turns the page's owner block and its list of works into plain records. It must not treat the site's
chrome (trust panels, follow/claim buttons, graph teasers, footers) as data, must not invent authors (the
cards list none; the owner is implied later), and must not canonicalise names, venues or types beyond
splitting the glued "type + year + venue" label into its fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from papershelf.importers.base import Importer, register
from papershelf.importers.errors import ImporterError
from papershelf.importers.homepage import looks_like_name_line
from papershelf.importers.links import links_in_text
from papershelf.importers.truncation import cut_entry, ends_mid_sentence, maybe_cut, usual, usually_whole
from papershelf.model.records import ImportBatch, OwnerProfile, PaperRecord, ParseContext, ParseWarning

_PROFILE_MARKER = re.compile(r"^\s*researcher profile\s*$", re.IGNORECASE)
# "preprint2026arXiv", "book chapter2019Springer", "conference2020NeurIPS": lowercase type, year, venue.
_WORK_HEADER = re.compile(
    r"^\s*(?P<type>[a-z]{2,30}(?: [a-z]{2,30}){0,3})(?P<year>(?:1[89]|20)\d{2})(?P<venue>\S.{0,300})?$"
)
# "29works", "0followers", "4close collaborators", "1,234 citations", "h-index 12"
_STAT = re.compile(r"^\s*(?P<n>\d[\d,]{0,12})\s*(?P<label>[A-Za-z][A-Za-z() -]{0,40}?)\s*$")
_STAT_LABEL_FIRST = re.compile(r"^\s*(?P<label>h-index|i10-index)\s*(?P<n>\d[\d,]{0,12})\s*$", re.IGNORECASE)
_ITEMS = re.compile(r"^\s*(?P<n>\d[\d,]{0,12})\s+published item(?:\(s\)|s)?\s*$", re.IGNORECASE)
_WORKS_HEADING = re.compile(r"^\s*(?:published work|works|publications)\s*$", re.IGNORECASE)
_STATUS = re.compile(r"(?P<status>(?:open|not open|closed) to collaborat\w*)\s*$", re.IGNORECASE)
_NO_AFFILIATION = re.compile(r"affiliation not imported", re.IGNORECASE)
_TRUST = re.compile(r"^\s*trust\s+\d", re.IGNORECASE)
# A glued word boundary: "EmergingVerification", "L1Unclaimed", "ResearcherAffiliation".
# A lowercase run of three letters keeps "PhD" whole but splits "StudentETH Zürich".
_GLUE = re.compile(r"(?<=[a-z]{3})(?=[A-Z])|(?<=[0-9)])(?=[A-Z][a-z])")
# Site footers: copyright notices and legal links end the list of works.
_FOOTER = re.compile(r"^\s*(?:©|\(c\)|copyright\b|all rights reserved|privacy|terms\b|cookie)", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?][\"')\]]?(?:\s|$)")

# Footers are a few words ("Load more works"); a longer unpunctuated last line is an abstract cut short.
_MIN_CUT_ABSTRACT_WORDS = 4

_PAPER_LABELS = frozenset({"works", "work", "papers", "paper", "publications", "publication"})
_TYPE_MAP = {
    "preprint": "preprint",
    "article": "article",
    "journal": "article",
    "journal article": "article",
    "conference": "inproceedings",
    "conference paper": "inproceedings",
    "proceedings": "inproceedings",
    "proceedings article": "inproceedings",
}


class ScholarlyProfileImporter(Importer):
    name = "scholarly-profile"
    label = "Scholarly profile page"
    extensions = (".txt",)

    def sniff(self, text: str) -> float:
        score = 0.0
        headers = stats = 0
        lines = text.split("\n")
        for line in lines:
            if len(line) > 400:
                continue
            if _PROFILE_MARKER.match(line):
                score += 0.3
            elif _WORK_HEADER.match(line):
                headers += 1
            elif _ITEMS.match(line) or line.strip().lower() == "published work":
                score += 0.1
            else:
                stat = _STAT.match(line)
                if stat and stat.group("label").strip().lower() in {"works", "followers", "topics"}:
                    stats += 1
        score += min(stats, 3) * 0.1
        if headers:
            score += 0.2 + min(headers, 5) * 0.04
        return min(score, 1.0)

    def parse(self, text: str, context: ParseContext) -> ImportBatch:
        # The pipeline hands over "\n" only; a caller with Windows text gets the same result.
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if not text.strip():
            raise ImporterError("the page is empty", source=context.source_name)
        first_work = next((i for i, line in enumerate(lines) if _WORK_HEADER.match(line)), None)
        marker = next((i for i, line in enumerate(lines) if _PROFILE_MARKER.match(line)), None)
        if first_work is None and marker is None:
            raise ImporterError(
                "neither a 'Researcher profile' heading nor a work card such as 'article2021Nature' was found",
                source=context.source_name,
            )
        works_heading = next((i for i, line in enumerate(lines) if _WORKS_HEADING.match(line)), None)
        head_end = min(i for i in (first_work, works_heading, len(lines)) if i is not None)

        batch = ImportBatch(format=self.name)
        owner, claimed, items = _read_owner(lines, marker, head_end, context)
        batch.owner = owner
        works_start = first_work if first_work is not None else len(lines)
        if items is None:
            between = lines[head_end:works_start]
            items = next((_count(m.group("n")) for line in between if (m := _ITEMS.match(line))), None)
        batch.claimed_count = claimed if claimed is not None else items

        batch.papers, batch.warnings = _read_works(lines, works_start)
        if batch.claimed_count is not None and batch.claimed_count != len(batch.papers):
            claim_line = _first_line(lines, lambda ln: _is_paper_stat(ln) or bool(_ITEMS.match(ln)))
            batch.warnings.append(
                ParseWarning(
                    claim_line, f"the page claims {batch.claimed_count} works but {len(batch.papers)} were found"
                )
            )
        if items is not None and claimed is not None and items != claimed:
            batch.warnings.append(
                ParseWarning(
                    _first_line(lines, lambda ln: bool(_ITEMS.match(ln))),
                    f"the page counts {claimed} works in its summary but {items} published items",
                )
            )
        return batch


def _first_line(lines: list[str], predicate: Callable[[str], bool]) -> int:
    """1-based number of the first line satisfying `predicate`, else 1 (the page as a whole)."""
    return next((i + 1 for i, line in enumerate(lines) if predicate(line)), 1)


def _is_paper_stat(line: str) -> bool:
    stat = _STAT.match(line)
    return bool(stat) and " ".join(stat.group("label").split()).lower() in _PAPER_LABELS


def _count(text: str) -> int:
    return int(text.replace(",", ""))


def _read_owner(
    lines: list[str], marker: int | None, head_end: int, context: ParseContext
) -> tuple[OwnerProfile | None, int | None, int | None]:
    """The owner block: name, role line, bio, stats. Returns the owner, the claimed works and "published items".

    The name is the first line under "Researcher profile". Only the lines right under it can be a bio or the
    role line; from the first heading-like line on ("Trust snapshot", "Actions", ...) the head is chrome,
    apart from the stats lines, which are read wherever they stand.
    """
    start = marker + 1 if marker is not None else 0
    name_index = next((i for i in range(start, head_end) if lines[i].strip()), None)
    page_name = None
    # A page without its name line must not make the role line or the chrome under it ("Trust snapshot") the owner.
    if name_index is not None and looks_like_name_line(lines[name_index]):
        page_name = " ".join(lines[name_index].split())
    name = context.owner or page_name

    position = affiliation = None
    bio_lines: list[int] = []
    extra: dict[str, str] = {}
    claimed = items = h_index = citations = None
    role_seen = False
    profile_block = True  # still in the lines that describe the person
    first = name_index + 1 if page_name and name_index is not None else start
    for i in range(first, head_end):
        line = " ".join(lines[i].split())
        if not line:
            continue
        stat = _STAT_LABEL_FIRST.match(line) or _STAT.match(line)
        if stat:
            profile_block = False
            label = " ".join(stat.group("label").split()).lower()
            value = _count(stat.group("n"))
            if label in _PAPER_LABELS:
                claimed = value
            elif label.startswith("citation"):
                citations = value
            elif label == "h-index":
                h_index = value
            elif re.fullmatch(r"published item(?:\(s\)|s)?", label):
                items = value
            else:
                extra[label] = str(value)
        elif _TRUST.match(line):
            profile_block = False
            extra.update(_trust_fields(line))
        elif not profile_block:
            continue
        elif page_name and _is_tagline(line, page_name):
            continue  # "<Name> contributes to research discovery ...": the site's filler, not a bio
        elif not role_seen and _looks_like_role(line):
            position, affiliation, status = _split_role(line)
            if status:
                extra["collaboration"] = status
            role_seen = True
        elif len(line) > 60 and _SENTENCE_END.search(line):
            bio_lines.append(i)
        else:
            profile_block = False

    if not name:
        return None, claimed, items  # the stats still say how many works the page claims
    aliases = (page_name,) if page_name and context.owner and page_name != context.owner else ()
    owner = OwnerProfile(
        name=name,
        aliases=aliases,
        position=position,
        affiliation=affiliation,
        bio=_join_lines(lines, bio_lines) or None,
        h_index=h_index,
        citation_count=citations,
        paper_count=claimed,
        extra=extra,
        line=name_index + 1 if page_name and name_index is not None else 0,
    )
    return owner, claimed, items


def _looks_like_role(text: str) -> bool:
    """The role line: "ResearcherAffiliation not importedOpen to collaborate", "Professor · University X"."""
    if len(text) > 200:
        return False
    if _STATUS.search(text) or _NO_AFFILIATION.search(text):
        return True
    return not _SENTENCE_END.search(text) and bool(re.search(r"\s[·|•]\s", text))


def _is_tagline(text: str, name: str) -> bool:
    return text.startswith(name + " contributes to ") and len(text) <= 200


def _split_role(text: str) -> tuple[str | None, str | None, str | None]:
    """Split "ResearcherAffiliation not importedOpen to collaborate" into position, affiliation, status.

    The site glues the three together; the status is a known phrase at the end, the position is the first
    glued piece, and the rest is kept whole as the affiliation ("Google DeepMind" must not be split).
    """
    text = " ".join(text.split())
    status = None
    match = _STATUS.search(text)
    if match:
        status = match.group("status")
        text = text[: match.start()].strip().rstrip("·|•-– ").strip()  # "... Institute · Open to collaborate"
    parts = [p.strip() for p in re.split(r"\s+[·|•]\s+|\s+-\s+", text) if p.strip()]
    if len(parts) == 1:
        glued = _GLUE.split(text, maxsplit=1)
        parts = [p.strip() for p in glued if p.strip()]
    position = parts[0] if parts else None
    affiliation = " ".join(parts[1:]) or None
    if position and _NO_AFFILIATION.fullmatch(position):
        position = None
    if affiliation and _NO_AFFILIATION.fullmatch(affiliation):
        affiliation = None  # the site's placeholder, not an affiliation
    return position, affiliation, status


def _trust_fields(line: str) -> dict[str, str]:
    """ "Trust 21 - EmergingVerification L1Unclaimed author" -> trust, verification, claim status."""
    fields: dict[str, str] = {}
    for piece in _GLUE.split(line.strip()):
        piece = piece.strip()
        lower = piece.lower()
        if lower.startswith("trust "):
            fields["trust"] = piece[6:].strip()
        elif lower.startswith("verification "):
            fields["verification"] = piece[13:].strip()
        elif "claimed" in lower:
            fields["claim_status"] = piece
    return fields


def _read_works(lines: list[str], start: int) -> tuple[list[PaperRecord], list[ParseWarning]]:
    """Work cards: a "type+year+venue" line, the title line, then abstract lines up to the next card.

    Lines are the unit here, not paragraphs, so cards still split when the page drops its blank lines.
    """
    papers: list[PaperRecord] = []
    warnings: list[ParseWarning] = []
    headers = [i for i in range(start, len(lines)) if _WORK_HEADER.match(lines[i])]
    ends_in_card = False  # the page's last text belongs to the last card: no footer or chrome after it
    for n, h in enumerate(headers):
        stop = headers[n + 1] if n + 1 < len(headers) else len(lines)
        body = [i for i in range(h + 1, stop) if lines[i].strip()]
        footer = next((k for k, i in enumerate(body) if _FOOTER.match(lines[i])), None)
        if footer is not None:
            body = body[:footer]
        match = _WORK_HEADER.match(lines[h])
        assert match is not None
        last_card = n + 1 == len(headers)
        if last_card:
            ends_in_card = footer is None
        title = None
        if body:
            title = " ".join(lines[body[0]].split())
            body = body[1:]
        elif last_card and ends_in_card:
            warnings.append(cut_entry(h + 1, "the card stops after its header"))
            break
        else:
            warnings.append(ParseWarning(h + 1, "work card without a title"))
        if last_card:
            # After the last card only prose continues the abstract; the first short unpunctuated line
            # ("Load more works", a site name) starts the footer.
            cut = next((k for k, i in enumerate(body) if _is_chrome(lines[i])), len(body))
            open_end = bool(lines[-1].strip())  # the text stops inside its last line, with no line break
            if (
                cut == 0
                and len(body) == 1
                and ends_in_card
                and (open_end or usual(p.abstract is not None for p in papers))
            ):
                # One short line under the last title ends the page, which stops there or whose works all have
                # abstracts: an abstract cut short (kept when it has some words to it), or a footer.
                if len(lines[body[0]].split()) >= _MIN_CUT_ABSTRACT_WORDS:
                    cut = 1
                else:
                    warnings.append(maybe_cut(h + 1, "the last work's abstract is missing or cut short"))
            ends_in_card = ends_in_card and cut == len(body)
            body = body[:cut]
        else:
            body = [i for i in body if not _is_chrome(lines[i])]
        abstract = _join_lines(lines, body) or None
        last = max([h, *body]) if title is None else max([h + 1, *body, _next_text(lines, h)])
        raw_type = match.group("type")
        links = links_in_text(abstract or "", default_kind="project")
        papers.append(
            PaperRecord(
                line=h + 1,
                title=title,
                authors=(),
                authors_complete=False,
                year=int(match.group("year")),
                venue=(match.group("venue") or "").strip() or None,
                entry_type=_TYPE_MAP.get(raw_type, raw_type),
                abstract=abstract,
                links=links,
                has_code=any(link.kind == "code" for link in links),
                extra={"work_type": raw_type},
                raw="\n".join(lines[h : last + 1]),
            )
        )
    if ends_in_card and papers and papers[-1].line == headers[-1] + 1:
        # A page whose text stops without a final line break stops inside its last line.
        papers = _unless_cut(papers, warnings, open_end=bool(lines[-1].strip()))
    return papers, warnings


def _unless_cut(papers: list[PaperRecord], warnings: list[ParseWarning], *, open_end: bool) -> list[PaperRecord]:
    """The works, without a last card the page cut off before it became a paper (see `truncation`).

    A work without an abstract is common, so a last card with only a title is a paper when its line ends
    (a line break follows it). When the page stops on the title itself (`open_end`), the title may be cut
    mid-word: where every other work has an abstract that card is left out, else kept with a warning.
    """
    *others, last = papers
    if last.title and last.abstract is None and open_end:
        if usual(p.abstract is not None for p in others):
            warnings.append(cut_entry(last.line, "the page stops in its title; the other works all have abstracts"))
            return others
        warnings.append(maybe_cut(last.line, "the page stops right after this title, which may be cut short"))
        return papers
    if (
        last.abstract
        and ends_mid_sentence(last.abstract, prose=True)
        and usually_whole(p.abstract for p in others if p.abstract)
    ):
        warnings.append(maybe_cut(last.line, "the last abstract stops mid-sentence"))
    return papers


def _next_text(lines: list[str], index: int) -> int:
    return next((i for i in range(index + 1, len(lines)) if lines[i].strip()), index)


def _join_lines(lines: list[str], indices: list[int]) -> str:
    """Abstract lines as written: adjacent lines joined by a newline, a blank line between paragraphs."""
    out: list[str] = []
    previous = None
    for i in indices:
        if previous is not None:
            out.append("\n" if i == previous + 1 else "\n\n")
        out.append(lines[i].strip())
        previous = i
    return "".join(out)


def _is_chrome(text: str) -> bool:
    """A short, unpunctuated one-liner inside the works list ("View paper", "Load more") is page chrome.

    Titles are taken by position before this test, so it only decides what can be an abstract.
    """
    if _FOOTER.match(text):
        return True
    return "\n" not in text and len(text) <= 60 and not _SENTENCE_END.search(text)


register(ScholarlyProfileImporter())
