"""Importer for paper-aggregator profile pages: an owner with stats, then one card per paper.

The page family is a text capture of an aggregator profile: the owner's name, glued stat lines
("h-index32", "33papers", "1,391citations", "Novelty55%"), then cards. Each card starts with a header that
glues an arXiv-style category, a date and an optional "Code" flag ("LGSep 5, 2023Code", "CLMar 15Code"),
followed by the title, an authors line ("A, B, C et al." with an optional "· pku" affiliation) and the
abstract.

It keeps everything as written: titles and abstracts verbatim (LaTeX and math included), names as written,
the category as written. It must not normalise names, venues or identifiers (the pipeline does that), must
not touch the library, and must raise nothing but ImporterError on any input.

Choices worth knowing:
- A date without a year ("Mar 15") takes the year of a reference date, or the year before when that would put
  it after the reference: the capture date the user gave (`context.as_of`), else the page's latest full date,
  else none (the card stays undated). `date_inferred` is then True, and one warning says how many were guessed
  and from what. Never the file's time or today: the same page gives the same years everywhere.
- The page states no venue, so `venue` is None and `entry_type` is "preprint".
- `has_code` mirrors the card's own "Code" flag; code URLs in the abstract are `links` of kind "code".
- A card without an authors line has no authors and `authors_complete=False` (the list is unknown).
- The paper count the page claims becomes `claimed_count`; a mismatch with the cards found is a warning.
- A page cut off inside its last card (see `truncation`): a card left with only a title, or a title and the
  start of its authors line, is not a paper and is left out with a warning; a card that lost its abstract
  keeps its title but its authors list is marked incomplete. Short unpunctuated lines after the last
  abstract ("Load more", "© 2025 ...") are the site's footer, not abstract.
- The owner is the first line above the cards shaped like a name; site chrome ("Researcher profile",
  "About Me", "Sign in") never is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from papershelf.importers.base import Importer, register
from papershelf.importers.errors import ImporterError
from papershelf.importers.homepage import is_person_name, looks_like_name_line, position_line
from papershelf.importers.truncation import cut_entry, ends_mid_sentence, maybe_cut, usual, usually_whole
from papershelf.model.records import ImportBatch, Link, OwnerProfile, PaperRecord, ParseContext, ParseWarning

_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
# Card header: category glued to the date and the flags, as the page's text capture runs them together.
# The category is 2-4 capitals, optionally with an archive prefix ("cs.LG"); separators are optional.
_HEADER_RE = re.compile(
    r"^(?P<cat>(?:[a-z-]{2,12}\.)?[A-Z]{2,4})\s*[·•|]?\s*"
    r"(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6}\.?\s+(?P<day>\d{1,2})"
    r"(?:,?\s+(?P<year>\d{4}))?"
    r"(?P<flags>(?:\s*[·•|]?\s*(?:Code|Data|Demo|Video|Project|Model|Slides|PDF))*)\s*$"
)
_FLAG_RE = re.compile(r"Code|Data|Demo|Video|Project|Model|Slides|PDF")
_H_INDEX_RE = re.compile(r"^h[\s-]?index\s*:?\s*(\d{1,4})$", re.IGNORECASE)
_PAPERS_RE = re.compile(r"^(\d[\d,]{0,9})\s*(?:papers?|publications?)$", re.IGNORECASE)
_CITATIONS_RE = re.compile(r"^(\d[\d,]{0,12})\s*citations?$", re.IGNORECASE)
_STAT_RE = re.compile(r"^(?P<label>[A-Za-z][A-Za-z .-]{0,30}?)\s*:?\s*(?P<value>\d[\d,.]{0,12}%?)$")
_STAT_FIRST_RE = re.compile(r"^(?P<value>\d[\d,.]{0,12}%?)\s*(?P<label>[A-Za-z][A-Za-z -]{0,30})$")
_CATEGORY_RE = re.compile(r"^(?:[a-z-]{2,12}\.)?[A-Z]{2,4}$")
_ET_AL_RE = re.compile(r",?\s+(?:et\.?\s*al\.?|and\s+others)\s*$", re.IGNORECASE)
_NAME_SPLIT_RE = re.compile(r"\s*,\s*(?:and\s+|&\s+)?|\s+(?:and|&)\s+")
# `\url{...}` first (LaTeX abstracts), then bare URLs; both bounded so a long run cannot blow up.
_URL_RE = re.compile(r"\\url\{([^{}\s]{1,2000})\}|(https?://[^\s<>\"'{}\\]{1,2000})")
_MAX_HEADER_CHARS = 80
_DIGIT_RE = re.compile(r"\d")
# The start of a card header with its end missing ("DBDec 12, 20"): a page cut off right there.
# It is the page's last line, after a blank one: an abstract does not end in a paragraph like "CLJu" or "stat.".
_PARTIAL_HEADER_RE = re.compile(
    r"^(?:[a-z-]{2,12}\.|(?:[a-z-]{2,12}\.)?[A-Z]{1,4}\s*[·•|]?\s*(?:[A-Z][a-z]{0,8}\.?)?"
    r"(?:\s+\d{1,2}(?:,?\s*\d{0,4})?)?)\s*$"
)
# A line after the last abstract that is site chrome: short, no sentence in it, no URL.
_FOOTER_MAX_CHARS = 60
_SENTENCE_END_RE = re.compile(r"[.!?][\"')\]]?(?:\s|$)")


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def _header(line: str) -> re.Match[str] | None:
    text = line.strip()
    if len(text) > _MAX_HEADER_CHARS:
        return None
    return _HEADER_RE.match(text)


def _authors_line(line: str, *, strong: bool) -> tuple[tuple[str, ...], bool, str | None] | None:
    """ "A, B, C et al. · pku" -> (("A", "B", "C"), False, "pku"); None when the line is not a list of names.

    With `strong`, a single name is refused: a short title ("Deep Learning") looks just like one.
    """
    text = line.strip()
    if not text or len(text) > 3000:
        return None
    affiliation = None
    for separator in (" · ", " • "):
        if separator in text:
            text, affiliation = (part.strip() for part in text.rsplit(separator, 1))
            break
    complete = True
    et_al = _ET_AL_RE.search(text)
    if et_al:
        complete = False
        text = text[: et_al.start()].strip()
    names = tuple(name.strip() for name in _NAME_SPLIT_RE.split(text) if name.strip())
    if not names:
        return None
    # "et al." marks an authors line even when a name is unusual ("danah boyd"); keep those as written. The
    # odd-name scan runs only after the cheap test fails: on every card it was the 30,000-card page's hot spot.
    if not all(is_person_name(name) for name in names) and (
        complete or any(len(name) > 60 or _DIGIT_RE.search(name) for name in names)
    ):
        return None
    if strong and len(names) == 1 and complete and affiliation is None:
        return None
    return names, complete, affiliation


def _unreadable_authors_line(line: str) -> bool:
    """A line shaped like a list of names that `_authors_line` could not read ("Person00, Person01, x_y_z"): a
    short comma-separated list of a few words each, not a sentence."""
    text = line.strip()
    if len(text) > 1000 or (_SENTENCE_END_RE.search(text) and not _ET_AL_RE.search(text)):
        return False
    text = text.split(" · ")[0]
    pieces = [piece.strip() for piece in _NAME_SPLIT_RE.split(_ET_AL_RE.sub("", text))]
    return len(pieces) >= 2 and all(piece and len(piece.split()) <= 4 and len(piece) <= 60 for piece in pieces)


def _card_date(match: re.Match[str], reference: dt.date | None) -> tuple[str | None, int | None, bool, str | None]:
    """(iso date, year, inferred, problem) from a header's month/day/year."""
    month = _MONTHS[match.group("mon").lower()]
    day = int(match.group("day"))
    if match.group("year"):
        year = int(match.group("year"))
        try:
            return dt.date(year, month, day).isoformat(), year, False, None
        except ValueError:
            return None, year, False, f"{match.group('mon')} {day}, {year} is not a date"
    if reference is None:
        return None, None, False, None  # nothing to read the year against: undated, not guessed
    # No year: the reference's year, stepping back while that lands after it (or on a missing Feb 29).
    for year in range(reference.year, reference.year - 8, -1):
        try:
            date = dt.date(year, month, day)
        except ValueError:
            continue
        if date <= reference:
            return date.isoformat(), year, True, None
    return None, None, True, f"{match.group('mon')} {day} is not a date"


def _link_kind(url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").lower()
        path = urlsplit(url).path.lower()
    except ValueError:
        return "project"
    host = host.removeprefix("www.")
    if host in {"github.com", "gitlab.com", "bitbucket.org"}:
        return "code"
    if host == "huggingface.co" or host.endswith(".huggingface.co"):
        return "data" if path.startswith("/datasets/") else "model"
    return "project"


def _links(abstract: str) -> tuple[Link, ...]:
    links: list[Link] = []
    if "://" not in abstract:  # no URL at all, the common case: skip the regex scan
        return ()
    for match in _URL_RE.finditer(abstract):
        url = match.group(1) or match.group(2)
        url = url.rstrip(".,;:!?'\"")
        # A closing parenthesis is the sentence's ("(https://...)."), unless the URL opened one itself.
        while url.endswith((")", "]")) and url.count(")") + url.count("]") > url.count("(") + url.count("["):
            url = url[:-1].rstrip(".,;:!?")
        if url.startswith(("http://", "https://")) and len(url) > 10 and all(link.url != url for link in links):
            links.append(Link(_link_kind(url), url))
    return tuple(links)


@dataclass(frozen=True)
class _Card:
    """A card's record, with what the record alone cannot say: whether the card had an authors line."""

    record: PaperRecord
    authors_line: bool


def _last_text_line(lines: list[str]) -> int:
    """Index of the last line with text on it (-1 for a blank page)."""
    return next((i for i in range(len(lines) - 1, -1, -1) if lines[i].strip()), -1)


def _paragraph_starts(lines: list[str], start: int, stop: int) -> list[int]:
    """Indices in lines[start:stop] where a paragraph (text after a blank line or the start) begins."""
    starts = []
    previous_blank = True
    for i in range(start, stop):
        blank = not lines[i].strip()
        if not blank and previous_blank:
            starts.append(i)
        previous_blank = blank
    return starts


def _is_footer_line(line: str) -> bool:
    text = line.strip()
    return len(text) <= _FOOTER_MAX_CHARS and not _SENTENCE_END_RE.search(text) and "://" not in text


def _cut_names(text: str, *, open_end: bool) -> bool:
    """True for an "abstract" that is really an authors line cut short: "Jinyang Gao, H. V. Jag", "Wei Wang, S".

    Without a comma, only when the page stops inside this very line (`open_end`): "L", "Lukas Bre".
    """
    if "\n" in text or len(text) > 300:
        return False
    if "," not in text:
        words = text.split()
        return open_end and len(words) <= 3 and all(word[:1].isupper() for word in words)
    *whole, rest = (part.strip() for part in text.split(","))
    return bool(whole) and all(is_person_name(name) for name in whole) and (not rest or rest[:1].isupper())


class AggregatorProfileImporter(Importer):
    """Aggregator profile pages: stat block plus cards headed "LGSep 5, 2023Code"."""

    name = "aggregator"
    label = "Paper-aggregator profile"

    def sniff(self, text: str) -> float:
        """High when the text has card headers; stat lines ("h-index32", "33papers") add to it."""
        lines = text[:400_000].split("\n")
        headers = sum(1 for line in lines[:20_000] if _header(line))
        stats = 0
        for line in lines[:60]:
            stripped = line.strip()
            if _H_INDEX_RE.match(stripped) or _PAPERS_RE.match(stripped) or _CITATIONS_RE.match(stripped):
                stats += 1
        if headers == 0:
            return min(0.2, 0.07 * stats)
        return min(1.0, 0.35 + min(0.45, 0.09 * headers) + 0.1 * min(stats, 2))

    def parse(self, text: str, context: ParseContext) -> ImportBatch:
        """The owner's stats and one PaperRecord per card."""
        if not text.strip():
            raise ImporterError("the page is empty", source=context.source_name)
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        headers = [i for i, line in enumerate(lines) if _header(line)]
        warnings: list[ParseWarning] = []
        end_of_profile = headers[0] if headers else len(lines)
        owner, claimed, claim_line = self._owner(lines[:end_of_profile], context, warnings)
        end_of_cards, footer = len(lines), False
        if headers:
            end_of_cards, footer = self._end_of_cards(lines, headers[-1], warnings)
        reference = self._reference(lines, headers, context)
        cards = []
        for index, start in enumerate(headers):
            stop = headers[index + 1] if index + 1 < len(headers) else end_of_cards
            card = self._card(lines, start, stop, reference, warnings)
            if card is not None:
                cards.append(card)
        papers = [card.record for card in cards]
        self._yearless(headers, lines, reference, warnings)
        if cards and not footer:
            # The page stops inside its last card (or in the header after it): judge it by the others' habits.
            open_end = end_of_cards > _last_text_line(lines) and bool(lines[-1].strip())
            papers = self._unless_cut(cards, warnings, open_end=open_end)
        if not headers:
            if owner is None:
                raise ImporterError(
                    'no paper cards (a header like "LGSep 5, 2023") found; is this an aggregator profile?',
                    source=context.source_name,
                )
            warnings.append(ParseWarning(owner.line, "the profile has no paper cards"))
        if claimed is not None and claimed != len(papers):
            warnings.append(
                ParseWarning(claim_line, f"the page claims {claimed} papers but {len(papers)} cards were read")
            )
        return ImportBatch(format=self.name, owner=owner, papers=papers, claimed_count=claimed, warnings=warnings)

    @staticmethod
    def _reference(lines: list[str], headers: list[int], context: ParseContext) -> dt.date | None:
        """The date a card's "Mar 15" is read against: the capture date given, else the page's latest one."""
        if context.as_of is not None:
            return context.as_of
        dated = []
        for start in headers:
            header = _header(lines[start])
            if header is not None and header.group("year"):
                try:
                    month = _MONTHS[header.group("mon").lower()]
                    dated.append(dt.date(int(header.group("year")), month, int(header.group("day"))))
                except ValueError:
                    continue
        return max(dated) if dated else None

    @staticmethod
    def _yearless(
        headers: list[int], lines: list[str], reference: dt.date | None, warnings: list[ParseWarning]
    ) -> None:
        """A warning for cards dated without a year when nothing gives their year: they are left undated."""
        yearless = [start for start in headers if (h := _header(lines[start])) is not None and not h.group("year")]
        if not yearless:
            return
        if reference is not None:
            return  # each guessed year is marked on its record (date_inferred); the import report counts them
        count = "1 card shows" if len(yearless) == 1 else f"{len(yearless)} cards show"
        message = f"{count} a date without a year and the page has no full date to read it against: left "
        message += "undated; import with --as-of DATE (the day the page was saved) to date it"
        warnings.append(ParseWarning(yearless[0] + 1, message))

    def _end_of_cards(self, lines: list[str], last_header: int, warnings: list[ParseWarning]) -> tuple[int, bool]:
        """Where the last card's text ends, and whether the site's footer follows it.

        The text ends before a card header the page cut off ("DBDec 12, 20"), before the footer, or at the
        page's end. A footer is the short, unpunctuated lines after the last abstract's first paragraph
        ("Load more", "© 2025 Site · Privacy"); the abstract's own first paragraph is never taken for one.
        """
        last = _last_text_line(lines)
        paragraphs = _paragraph_starts(lines, last_header + 1, last + 1)
        # Right under a title the next line is the authors line ("J", "Wei W"): only after more is it a header.
        if len(paragraphs) >= 3 and paragraphs[-1] == last and _PARTIAL_HEADER_RE.match(lines[last].strip()):
            warnings.append(cut_entry(last + 1, "a card header stops short"))
            return last, False
        # The footer is the run of chrome lines ending the page, from a paragraph's start on; title, authors
        # line and the abstract's first paragraph come first, so only what follows them can be chrome.
        below = last
        while below > last_header and (not lines[below].strip() or _is_footer_line(lines[below])):
            below -= 1
        start = next((p for p in paragraphs[3:] if p > below), None)
        if start is not None:
            return start, True
        return last + 1, False

    def _unless_cut(self, cards: list[_Card], warnings: list[ParseWarning], *, open_end: bool) -> list[PaperRecord]:
        """The records, without a last card the page cut off before it became a paper (see `truncation`).

        Every card of this family has an authors line or an abstract under its title, so a last card with
        neither, unlike all the others, is a title the page stopped in. `open_end` says the text stops without
        a final line break, inside its last line: an authors line ending the page may then be cut short.
        """
        *others, last = cards
        record = last.record
        papers = [card.record for card in others]
        if record.title is None:
            return [*papers, record]  # already reported as a card with no title
        title_only = [not card.authors_line and card.record.abstract is None for card in others]
        if not last.authors_line and record.abstract is None and not any(title_only):
            warnings.append(cut_entry(record.line, "the card has a title but no authors line or abstract"))
            return papers
        if not last.authors_line and record.abstract and _cut_names(record.abstract, open_end=open_end):
            warnings.append(cut_entry(record.line, "its authors line stops short"))
            return papers
        if record.abstract is None and open_end:
            # Title and authors are there, so it is a paper, but its last author may be cut short.
            warnings.append(maybe_cut(record.line, "the page stops in the authors line, which may be incomplete"))
            return [*papers, replace(record, authors_complete=False)]
        if record.abstract is None and usual((card.record.abstract is not None for card in others), at_least=1):
            warnings.append(maybe_cut(record.line, "the last card has no abstract, unlike all the others"))
            return [*papers, record]
        abstracts = [card.record.abstract for card in others if card.record.abstract]
        if record.abstract and ends_mid_sentence(record.abstract, prose=True) and usually_whole(abstracts):
            warnings.append(maybe_cut(record.line, "the last abstract stops mid-sentence"))
        return [*papers, record]

    def _owner(
        self, lines: list[str], context: ParseContext, warnings: list[ParseWarning]
    ) -> tuple[OwnerProfile | None, int | None, int]:
        """Name, stats and anything else above the first card; also the claimed paper count and its line."""
        name = None
        line_no = 0
        h_index = citations = claimed = None
        claim_line = 0
        extra: dict[str, str] = {}
        categories: list[str] = []
        other: list[str] = []
        position = affiliation = None
        for i, raw in enumerate(lines):
            text = raw.strip()
            if not text:
                continue
            if m := _H_INDEX_RE.match(text):
                h_index = int(m.group(1))
            elif m := _PAPERS_RE.match(text):
                count = _number(m.group(1))
                if claimed is None:
                    claimed, claim_line = count, i + 1
                elif count != claimed:
                    warnings.append(ParseWarning(i + 1, f"the page states {count} papers here, {claimed} above"))
            elif m := _CITATIONS_RE.match(text):
                citations = _number(m.group(1))
            elif _CATEGORY_RE.match(text):
                categories.append(text)
            elif m := _STAT_RE.match(text) or _STAT_FIRST_RE.match(text):
                extra[m.group("label").strip()] = m.group("value")
            elif name is None and len(text) <= 80 and not any(ch.isdigit() for ch in text):
                # Chrome above the name ("Researcher profile", "Sign in") is neither the name nor a bio.
                if looks_like_name_line(text):
                    name, line_no = text, i + 1
            elif (
                name is not None and not other and position is None and affiliation is None and any(position_line(text))
            ):
                position, affiliation = position_line(text)  # the line under the name: "Kyoto University"
            else:
                other.append(text)
        if categories:
            extra["category"] = ", ".join(categories)
        aliases: tuple[str, ...] = ()
        if context.owner:
            aliases = (name,) if name and name != context.owner else ()
            name = context.owner
        if name is None:
            if h_index is None and citations is None and claimed is None and not extra:
                return None, claimed, claim_line
            name = ""  # stats without a name: the caller's --owner or the pipeline must supply one
        return (
            OwnerProfile(
                name=name,
                aliases=aliases,
                position=position,
                affiliation=affiliation,
                bio="\n".join(other) or None,
                h_index=h_index,
                citation_count=citations,
                paper_count=claimed,
                extra=extra,
                line=line_no,
            ),
            claimed,
            claim_line,
        )

    def _card(
        self, lines: list[str], start: int, stop: int, reference: dt.date | None, warnings: list[ParseWarning]
    ) -> _Card | None:
        """One card: header at `start`, then title, authors line and abstract up to `stop`."""
        header = _header(lines[start])
        assert header is not None  # headers were found with the same function
        body = [i for i in range(start + 1, stop) if lines[i].strip()]
        raw = "\n".join(lines[start : (body[-1] + 1) if body else start + 1])
        if not body:
            if not any(lines[k].strip() for k in range(stop, len(lines))):  # stops at the next card's header
                warnings.append(cut_entry(start + 1, "the card stops after its header"))
            else:
                warnings.append(ParseWarning(start + 1, "a paper card with no title"))
            return None
        title: str | None = lines[body[0]].strip()
        cursor = 1
        authors: tuple[str, ...] = ()
        complete = False  # no authors line: the list is known to be partial (empty)
        affiliation = None
        if _authors_line(lines[body[0]], strong=True) is not None:
            # The first line is the authors line: this card has no title.
            title = None
            cursor = 0
            warnings.append(ParseWarning(start + 1, "a paper card with no title"))
        authors_line = False
        if cursor < len(body):
            got = _authors_line(lines[body[cursor]], strong=False)
            if got is not None:
                authors, complete, affiliation = got
                authors_line = True
                cursor += 1
            elif cursor + 1 < len(body) and _unreadable_authors_line(lines[body[cursor]]):
                # Where the authors line goes, shaped like one, but not names this reader knows: it is not the
                # abstract's first paragraph. The authors stay unknown and the user is told what the line said.
                text = " ".join(lines[body[cursor]].split())
                warnings.append(
                    ParseWarning(body[cursor] + 1, f"authors line not readable as names, left out: {text[:120]!r}")
                )
                authors_line = True
                cursor += 1
        abstract = None
        if cursor < len(body):
            abstract = "\n".join(lines[body[cursor] : body[-1] + 1]).strip()
        date, year, inferred, problem = _card_date(header, reference)
        if problem:
            warnings.append(ParseWarning(start + 1, problem))
        flags = _FLAG_RE.findall(header.group("flags"))
        record = PaperRecord(
            line=start + 1,
            title=title,
            authors=authors,
            authors_complete=complete,
            year=year,
            date=date,
            date_inferred=inferred,
            venue=None,
            entry_type="preprint",
            abstract=abstract,
            category=header.group("cat"),
            links=_links(abstract) if abstract else (),
            has_code="Code" in flags,
            affiliation_hint=affiliation,
            extra={"flags": ", ".join(flags)} if any(flag != "Code" for flag in flags) else {},
            raw=raw,
        )
        return _Card(record, authors_line)


register(AggregatorProfileImporter())
