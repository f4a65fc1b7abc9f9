"""Importer for arXiv-style listings: per entry an abstract, an optional comments line, `arXiv:ID` with an
optional ` - journal ref`, then `Created: YYYY-MM-DD`.

It reads what the listing states and nothing more. Such listings carry no titles and no authors, so it must
never invent either; it must not look anything up, and it must not canonicalise venues, ids or dates beyond
splitting what is written into the right fields (an id's version, a journal ref's year): later pipeline
stages do that.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from papershelf.importers.base import Importer, register
from papershelf.importers.errors import ImporterError
from papershelf.importers.homepage import is_person_name
from papershelf.importers.links import links_in_text
from papershelf.importers.truncation import cut_entry, ends_mid_sentence, maybe_cut
from papershelf.model.records import (
    ImportBatch,
    OwnerProfile,
    PaperRecord,
    ParseContext,
    ParseWarning,
)

# New-style ids (YYMM.NNNN[N]) and old-style archive ids ("hep-th/9901001", "math.GT/0309136").
_ID = r"(?P<id>\d{4}\.\d{4,5}|[A-Za-z][A-Za-z-]{0,20}(?:\.[A-Za-z]{2})?/\d{7})(?P<version>v\d{1,3})?"
# The entry anchor: a line that starts with `arXiv:ID`; whatever follows the id is parsed separately.
_ANCHOR = re.compile(r"^[ \t]*arXiv[ \t]*:[ \t]*" + _ID + r"(?![\w.])(?P<rest>.*)$", re.IGNORECASE)
_CATEGORY = re.compile(r"^[\[(](?P<cat>[A-Za-z-]{1,20}(?:\.[A-Za-z-]{1,10})?)[\])]")
_DASH = re.compile(r"^[-–—:]+")
# Labelled lines that some listings use instead of (or next to) the bare layout.
_LABEL = re.compile(
    r"^[ \t]*(?P<label>created|submitted|updated|published|comments?|journal[- ]ref|doi|categor(?:y|ies))"
    r"[ \t]*:[ \t]*(?P<value>.*)$",
    re.IGNORECASE,
)
# A listing's own title naming its owner: "Papers by Jane Doe on arXiv", "Preprints of Wei Zhang".
_OWNER_HEADING = re.compile(
    r"^(?:(?:recent|all|latest)\s+)?(?:arxiv\s+)?(?:papers|preprints|articles|publications|submissions)\s+"
    r"(?:by|of|from)\s+(?P<name>[^\W\d_][\w.'’ -]{1,60}?)(?:\s+(?:on|at|in)\s+arxiv)?\s*:?$",
    re.IGNORECASE,
)
_DATE_LABELS = frozenset({"created", "submitted", "updated", "published"})
_TRAILER_LABELS = _DATE_LABELS | {"doi", "category"}
_LEADING_LABELS = frozenset({"comments", "journal-ref"})  # before the id on arXiv; some listings put them after
_SEPARATOR = re.compile(r"^[ \t]*(?:[-=*_~#·•][ \t]*){3,}$")  # "-----", "* * *"

# Shape of a comments line. Strong markers (page and figure counts, publication status) are what authors
# put there and almost never what an abstract says; weak ones only count right under an abstract.
_STRONG_MARKERS = re.compile(
    r"\b\d+\s*(?:pages?|pp\.?|figures?|figs?\.?|tables?)\b"
    r"|\b(?:accepted|accept|to appear|appeared|camera[- ]ready|under review|in press|technical report"
    r"|tech\. report|extended version|submitted to|published (?:in|at|by))\b",
    re.IGNORECASE,
)
_WEAK_MARKERS = re.compile(
    r"\b(?:appears|published|submitted|presented|oral|poster|spotlight|workshop|revised|preprint|version"
    r"|proceedings|journal|conference|symposium)\b",
    re.IGNORECASE,
)
# "NeurIPS 2019", "ACL-IJCNLP 2021", "ICLR'21": an acronym-like word followed by a year.
_VENUE_YEAR = re.compile(r"(?<![\w-])(?P<venue>[A-Za-z][\w&+-]{1,30})[ \t]?(?P<year>(?:19|20)\d{2}|['’]\d{2})(?!\w)")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_SENTENCE_END = re.compile(r"[.!?][\"')\]]?(?:\s|$)")

# Comments lines are short; an abstract paragraph almost never is.
_MAX_COMMENTS_LEN = 300
_MAX_BARE_COMMENTS_LEN = 160


@dataclass
class _Line:
    index: int  # 0-based
    text: str
    kind: str  # "gap", "anchor", "label", "text"
    match: re.Match[str] | None = None


@dataclass
class _Body:
    """The lines of one entry other than its anchor, sorted into labels and paragraphs."""

    labels: list[_Line] = field(default_factory=list)
    paragraphs: list[list[_Line]] = field(default_factory=list)


class ArxivListingImporter(Importer):
    name = "arxiv-listing"
    label = "arXiv-style listing"
    extensions = (".txt",)

    def sniff(self, text: str) -> float:
        lines = text.split("\n")
        anchors = 0
        dated = 0
        paragraphs = 0
        previous_blank = True
        for i, line in enumerate(lines):
            blank = not line.strip()
            if not blank and previous_blank:
                paragraphs += 1
            previous_blank = blank
            if blank or "arxiv" not in line[:40].lower():
                continue
            if _ANCHOR.match(line):
                anchors += 1
                following = [ln for ln in lines[i + 1 : i + 4] if ln.strip()][:1]
                if following and _is_date_label(following[0]):
                    dated += 1
        if anchors == 0:
            return 0.0
        score = 0.35 + (0.2 if anchors >= 2 else 0.0) + 0.4 * dated / anchors
        # A listing is dense with anchors; a homepage that happens to start one line with "arXiv:" is not.
        if paragraphs / anchors > 8:
            score *= 0.5
        return min(score, 1.0)

    def parse(self, text: str, context: ParseContext) -> ImportBatch:
        # The pipeline hands over "\n" only; a caller with Windows text gets the same result.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = [_classify(i, line) for i, line in enumerate(text.split("\n"))]
        anchors = [ln.index for ln in lines if ln.kind == "anchor"]
        if not anchors:
            raise ImporterError(
                "no `arXiv:ID` line found; this is not an arXiv-style listing", source=context.source_name
            )

        trailers = [_trailer_end(lines, a) for a in anchors]
        if any(glued for _, glued in trailers[:-1]):
            trailers[-1] = _trailer_end(lines, anchors[-1], glued_at_end=True)
        trailer_ends = [end for end, _ in trailers]
        header_first = _is_header_first(lines, anchors[0], trailer_ends[-1])
        batch = ImportBatch(format=self.name)
        heading_owner = _owner_from_heading(lines, anchors[0])
        if context.owner:
            aliases = (heading_owner[0],) if heading_owner and heading_owner[0] != context.owner else ()
            batch.owner = OwnerProfile(name=context.owner, aliases=aliases)
        elif heading_owner:
            batch.owner = OwnerProfile(name=heading_owner[0], line=heading_owner[1])
        if not header_first and len(anchors) > 1 and all(ln.kind == "gap" for ln in lines[: anchors[0]]):
            # Read as abstract-above-id, the first entry has no abstract; read as id-above-abstract, the page
            # lost the last abstract. Both cannot be told apart, so the user hears of it.
            batch.warnings.append(
                ParseWarning(
                    anchors[0] + 1,
                    "the listing opens with an id and has no abstract above it: each abstract was taken as the "
                    "one above its id; if this listing puts ids above abstracts, it was cut off after its last id",
                )
            )

        for n, anchor in enumerate(anchors):
            if header_first:
                body_start = trailer_ends[n]
                body_end = anchors[n + 1] if n + 1 < len(anchors) else len(lines)
            else:
                body_start = trailer_ends[n - 1] if n else 0
                body_end = anchor
            body = _split_body(lines[body_start:body_end])
            if not header_first and n == 0:
                _drop_page_heading(body)
            record, warnings = _build_record(lines, anchor, trailer_ends[n], body, header_first)
            if _short_id(record.arxiv_id or ""):
                if n + 1 == len(anchors) and all(ln.kind == "gap" for ln in lines[anchor + 1 :]):
                    # The page stops inside the id: a wrong id would merge this entry with another paper.
                    batch.warnings.append(cut_entry(anchor + 1, f"its id arXiv:{record.arxiv_id} stops short"))
                    continue
                warnings.append(
                    ParseWarning(anchor + 1, f"arXiv:{record.arxiv_id} is too short: ids from 2015 on have five digits")
                )
            batch.warnings.extend(warnings)
            batch.papers.append(record)

        if not header_first:
            leftover = [ln for ln in lines[trailer_ends[-1] :] if ln.kind != "gap"]
            if leftover:
                batch.warnings.append(
                    ParseWarning(leftover[0].index + 1, "text after the last arXiv entry was ignored")
                )
        elif batch.papers and _stops_mid_sentence(lines, batch.papers[-1], open_end=bool(text.split("\n")[-1].strip())):
            batch.warnings.append(maybe_cut(batch.papers[-1].line, "the last entry's text stops mid-sentence"))
        if batch.owner is None and batch.papers:
            # A listing names nobody: its papers would belong to no one unless the user says whose list it is.
            batch.warnings.insert(
                0,
                ParseWarning(
                    1,
                    "the listing does not name its owner, so its papers are attributed to nobody; "
                    "import it again with --owner NAME to say whose papers they are",
                ),
            )
        return batch


def _owner_from_heading(lines: list[_Line], first_anchor: int) -> tuple[str, int] | None:
    """(name, line) from a page title that names whose listing it is: "Papers by Jane Doe on arXiv"."""
    first = next((ln for ln in lines[:first_anchor] if ln.kind != "gap"), None)
    if first is None or first.kind != "text":
        return None
    match = _OWNER_HEADING.match(first.text.strip())
    if match is None or not is_person_name(match.group("name")):
        return None
    return match.group("name"), first.index + 1


def _short_id(arxiv_id: str) -> bool:
    """A new-style id with four digits after the dot although its YYMM is 1501 or later (when five began)."""
    head, _, tail = arxiv_id.partition(".")
    return head.isdigit() and len(head) == 4 and int(head) >= 1501 and len(tail) == 4


def _stops_mid_sentence(lines: list[_Line], record: PaperRecord, *, open_end: bool) -> bool:
    """In the id-first layout, whether the page stops mid-sentence in the last entry's abstract or comments.

    A comments line often ends without a full stop ("Accepted by CVPR 2024"), so for it the page must also
    stop inside that line (`open_end`: no final line break).
    """
    last_text = next((ln for ln in reversed(lines) if ln.kind != "gap"), None)
    if last_text is None or last_text.kind != "text":
        return False
    line = last_text.text.strip()
    if record.comments == line:
        return open_end and ends_mid_sentence(line, prose=True)
    return bool(record.abstract) and record.abstract.endswith(line) and ends_mid_sentence(line, prose=True)


def _classify(index: int, text: str) -> _Line:
    if not text.strip() or _SEPARATOR.match(text):
        return _Line(index, text, "gap")
    if "arxiv" in text[:40].lower():
        match = _ANCHOR.match(text)
        if match:
            return _Line(index, text, "anchor", match)
    if ":" in text[:40]:
        match = _LABEL.match(text)
        if match:
            return _Line(index, text, "label", match)
    return _Line(index, text, "text")


def _label_name(line: _Line) -> str:
    assert line.match is not None
    name = line.match.group("label").lower().replace(" ", "-")
    if name.startswith("comment"):
        return "comments"
    if name.startswith("categor"):
        return "category"
    return name


def _is_date_label(text: str) -> bool:
    match = _LABEL.match(text)
    return bool(match) and match.group("label").lower() in _DATE_LABELS


def _trailer_end(lines: list[_Line], anchor: int, *, glued_at_end: bool = False) -> tuple[int, bool]:
    """Index just past the labelled lines that belong to the anchor (its `Created:` line and the like).

    On arXiv a comments line and a journal ref come before the id and the dates after it, so a `Comments:`
    or `Journal-ref:` line below an anchor opens the next entry. A date label may follow blank lines. Some
    listings put those labels right under the dates instead: labels glued to the dates (no blank line) that
    are followed by an abstract, or by nothing, are this entry's; read as the next entry's, every comment and
    journal ref on the page would land one paper too late. At the page's end nothing tells the two layouts
    apart, so there only `glued_at_end` (the page showed the habit above) takes them.

    Returns the end and whether labels glued under the dates were taken.
    """
    end = anchor + 1
    has_date = False
    while end < len(lines) and lines[end].kind == "label" and _label_name(lines[end]) in _TRAILER_LABELS:
        has_date = has_date or _label_name(lines[end]) in _DATE_LABELS
        end += 1
    if not has_date:
        probe = end
        while probe < len(lines) and lines[probe].kind == "gap":
            probe += 1
        if probe < len(lines) and lines[probe].kind == "label" and _label_name(lines[probe]) in _DATE_LABELS:
            end = probe + 1
    glued = end
    while glued < len(lines) and lines[glued].kind == "label" and _label_name(lines[glued]) in _LEADING_LABELS:
        glued += 1
    if glued > end:
        after = glued
        while after < len(lines) and lines[after].kind == "gap":
            after += 1
        if (after < len(lines) and lines[after].kind == "text") or (after == len(lines) and glued_at_end):
            return glued, True
    return end, False


def _is_header_first(lines: list[_Line], first_anchor: int, last_trailer_end: int) -> bool:
    """True for listings that put `arXiv:ID` above its abstract instead of below it.

    The text then opens with an anchor and has prose after the last anchor; the usual layout opens with
    prose and ends with an anchor block.
    """
    opens_with_anchor = all(ln.kind == "gap" for ln in lines[:first_anchor])
    prose_after = any(ln.kind == "text" for ln in lines[last_trailer_end:])
    return opens_with_anchor and prose_after


def _split_body(lines: list[_Line]) -> _Body:
    body = _Body()
    current: list[_Line] = []
    for line in lines:
        if line.kind == "text":
            current.append(line)
            continue
        if current:
            body.paragraphs.append(current)
            current = []
        if line.kind == "label":
            body.labels.append(line)
    if current:
        body.paragraphs.append(current)
    return body


def _drop_page_heading(body: _Body) -> None:
    """Drop a page title above the first entry ("Papers of X on arXiv"): short, unpunctuated, not an abstract.

    Only when more prose follows it, so a lone comments line of an entry without abstract is kept.
    """
    while len(body.paragraphs) >= 2:
        first = body.paragraphs[0]
        text = " ".join(ln.text.strip() for ln in first)
        if len(first) == 1 and len(text) <= 100 and not _SENTENCE_END.search(text) and not _is_comments(text):
            body.paragraphs.pop(0)
        else:
            break


def _is_comments(text: str, *, bare_ok: bool = False) -> bool:
    """Whether one line reads like an arXiv comments line rather than a piece of abstract.

    `bare_ok` says an abstract precedes the line, so weaker evidence will do: weak markers, or a short line
    of at most one sentence that does not end like prose. Alone, a line needs a strong marker or a
    "VENUE YEAR", since a short abstract is likelier than a missing one.
    """
    if len(text) > _MAX_COMMENTS_LEN:
        return False
    sentences = len(_SENTENCE_END.findall(text))
    if _STRONG_MARKERS.search(text) or _venue_year(text):
        return sentences <= 3
    if not bare_ok:
        return False
    if _WEAK_MARKERS.search(text):
        return sentences <= 2
    return len(text) <= _MAX_BARE_COMMENTS_LEN and sentences <= 1 and not text.endswith(".")


def _take_comments(body: _Body, header_first: bool) -> tuple[str | None, int | None]:
    """Remove the unlabelled comments line from the body's paragraphs; returns it and its 0-based index."""
    if not body.paragraphs:
        return None, None
    last = body.paragraphs[-1]
    several = len(body.paragraphs) > 1
    if len(last) == 1 and _is_comments(last[0].text.strip(), bare_ok=several):
        body.paragraphs.pop()
        return last[0].text.strip(), last[0].index
    # A comments line glued under a hard-wrapped abstract: the abstract's last sentence ends the line above.
    if len(last) > 1 and _STRONG_MARKERS.search(last[-1].text) and len(last[-1].text.strip()) <= 200:
        above = last[-2].text.rstrip()
        if above.endswith((".", "!", "?")):
            line = last.pop()
            return line.text.strip(), line.index
    if header_first and several:
        first = body.paragraphs[0]
        if len(first) == 1 and _is_comments(first[0].text.strip()):
            body.paragraphs.pop(0)
            return first[0].text.strip(), first[0].index
    return None, None


def _build_record(
    lines: list[_Line], anchor: int, trailer_end: int, body: _Body, header_first: bool
) -> tuple[PaperRecord, list[ParseWarning]]:
    warnings: list[ParseWarning] = []
    match = lines[anchor].match
    assert match is not None
    arxiv_id = match.group("id")
    version = match.group("version")
    category, journal_ref = _split_anchor_rest(match.group("rest"))

    labels = {}
    for line in [*lines[anchor + 1 : trailer_end], *body.labels]:
        if line.kind != "label":
            continue
        assert line.match is not None
        name = _label_name(line)
        key = "date" if name in _DATE_LABELS else name
        # The first statement wins; `Created` is listed before `Updated` on arXiv itself.
        labels.setdefault(key, (line.match.group("value").strip(), line.index, name))

    comments: str | None = None
    comments_index: int | None = None
    if "comments" in labels:
        comments = labels["comments"][0] or None
    else:
        comments, comments_index = _take_comments(body, header_first)
    if journal_ref is None and "journal-ref" in labels:
        journal_ref = labels["journal-ref"][0] or None
    if category is None and "category" in labels:
        category = labels["category"][0] or None

    abstract = "\n\n".join("\n".join(ln.text.strip() for ln in para) for para in body.paragraphs) or None

    date = year = None
    if "date" in labels:
        value, index, _name = labels["date"]
        date = _parse_date(value)
        if date is None:
            warnings.append(ParseWarning(index + 1, f"arXiv:{arxiv_id}: cannot read the date {value[:40]!r}"))
    else:
        warnings.append(ParseWarning(anchor + 1, f"arXiv:{arxiv_id} has no Created line; its date is unknown"))
    # Without a date the id itself says when the first version was submitted (YYMM): a safe year.
    year = int(date[:4]) if date else _year_from_id(arxiv_id)

    extra: dict[str, str] = {}
    hint = _venue_hint(journal_ref, comments)
    if hint:
        extra["venue_hint"] = hint
    claim = _published_in(journal_ref, comments)
    if claim:
        # Where the entry says the paper was published: a venue claim of lower priority than a page's own venue,
        # with the words it was read from (model/store.py chooses it; `show` gives its provenance).
        extra["venue_claim"], extra["venue_claim_from"] = claim
    if "date" in labels and labels["date"][2] != "created":
        extra["date_label"] = labels["date"][2]

    links = links_in_text(" ".join(part for part in (abstract, comments) if part), default_kind="project")
    # The entry's text runs from its first kept line to its last; a dropped page heading is not part of it.
    content = [ln.index for ln in lines[anchor:trailer_end] if ln.kind != "gap"]
    content += [ln.index for para in body.paragraphs for ln in para]
    content += [ln.index for ln in body.labels]
    if comments_index is not None:
        content.append(comments_index)
    start, end = min(content), max(content)
    raw = "\n".join(ln.text for ln in lines[start : end + 1])

    record = PaperRecord(
        line=start + 1,
        title=None,
        authors=(),
        authors_complete=False,
        year=year,
        date=date,
        venue=_venue_from_journal_ref(journal_ref) if journal_ref else None,
        entry_type="preprint",
        abstract=abstract,
        arxiv_id=arxiv_id,
        arxiv_version=version,
        doi=labels["doi"][0] if "doi" in labels and labels["doi"][0] else None,
        comments=comments,
        journal_ref=journal_ref,
        category=category,
        links=links,
        has_code=any(link.kind == "code" for link in links),
        extra=extra,
        raw=raw,
    )
    return record, warnings


def _split_anchor_rest(rest: str) -> tuple[str | None, str | None]:
    """Split what follows `arXiv:ID` into an optional `[cs.CL]` category and a ` - journal ref`."""
    rest = rest.strip()
    category = None
    match = _CATEGORY.match(rest)
    if match:
        category = match.group("cat")
        rest = rest[match.end() :].strip()
    rest = _DASH.sub("", rest, count=1).strip()
    return category, (rest or None)


def _parse_date(value: str) -> str | None:
    value = value.strip()
    iso = re.match(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?!\d)", value)
    if iso:
        try:
            return dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3))).isoformat()
        except ValueError:
            return None
    cleaned = re.sub(r"^[A-Za-z]{3},\s*", "", value)[:40]  # "Tue, 14 Dec 2021" as in arXiv mail
    for pattern in ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y"):
        try:
            return dt.datetime.strptime(cleaned, pattern).date().isoformat()
        except ValueError:
            continue
    head = " ".join(cleaned.split()[:3])  # a trailing time ("... 2021 18:00:00 GMT") is not needed
    for pattern in ("%d %b %Y", "%d %B %Y"):
        try:
            return dt.datetime.strptime(head, pattern).date().isoformat()
        except ValueError:
            continue
    return None


def _year_from_id(arxiv_id: str) -> int | None:
    digits = arxiv_id.rsplit("/", 1)[-1]
    if not digits[:2].isdigit():
        return None
    yy = int(digits[:2])
    if "/" in arxiv_id:
        return 1900 + yy if yy >= 91 else 2000 + yy  # old-style ids began in 1991
    return 2000 + yy


def _venue_year(text: str) -> str | None:
    """The first "VENUE YEAR" in a text, where VENUE looks like an acronym (two capitals at least).

    "Sep 2020" in "(submitted 28 Sep 2020 ...)" has one capital and is not taken for a venue.
    """
    for match in _VENUE_YEAR.finditer(text):
        venue = match.group("venue")
        if sum(ch.isupper() for ch in venue) >= 2 and not venue.isdigit():
            return match.group(0).strip()
    return None


def _venue_hint(journal_ref: str | None, comments: str | None) -> str | None:
    """A venue hint for the pipeline: the journal ref's venue and year, else a "VENUE YEAR" in comments."""
    if journal_ref:
        venue = _venue_from_journal_ref(journal_ref)
        year = _YEAR.search(journal_ref)
        if venue:
            return f"{venue} {year.group(0)}" if year else venue
    if comments:
        return _venue_year(comments)
    return None


_PUBLISHED = re.compile(
    r"\b(?:accepted|to appear|appear(?:s|ed)?|published|presented|camera[- ]ready)\b"
    r"(?:\s+(?:as\s+an?\s+[\w -]{1,30}?|for\s+publication|for\s+presentation))?"
    r"\s+(?:by|in|at|to|for)\s+(?:the\s+)?",
    re.IGNORECASE,
)


def _published_in(journal_ref: str | None, comments: str | None) -> tuple[str, str] | None:
    """(venue, the words it was read from) when the entry says where it was published: its journal ref, or a
    comment such as "Accepted by NeurIPS 2021" or "accepted in IROS 2020". "Submitted to ..." says nothing."""
    if journal_ref:
        venue = _venue_from_journal_ref(journal_ref)
        if venue:
            return venue, f"journal ref: {journal_ref}"
    if comments:
        for match in _PUBLISHED.finditer(comments):
            found = _VENUE_YEAR.match(comments, match.end())
            venue = found.group("venue") if found else None
            if venue and sum(ch.isupper() for ch in venue) >= 2:
                return venue, f"comments: {comments}"
    return None


def _venue_from_journal_ref(journal_ref: str) -> str | None:
    """The venue part of a journal ref: the text before its year, volume or page numbers.

    "ACMMM 2020" -> "ACMMM"; "Phys. Rev. D 63, 044005 (2001)" -> "Phys. Rev. D".
    """
    text = re.sub(r"\(\s*(?:19|20)\d{2}\s*\)", " ", journal_ref)
    text = re.sub(r"['’](?:\d{2})(?!\d)", " ", text)
    text = _YEAR.sub(" ", text)
    text = re.split(r",\s*(?:pp?\.|pages?|vol\.?|volume|no\.|issue)|\s\d|,\s*\d", text, maxsplit=1)[0]
    text = re.sub(r"\s+", " ", text).strip(" ,;:-–—()")
    return text or None


register(ArxivListingImporter())
