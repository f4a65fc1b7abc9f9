"""The labelled lines of literature databases' result lists, as a researcher copies them: INSPIRE-HEP
("Published in: Phys.Rev.Lett. 96 (2006) 181602", "e-Print: hep-th/0603001 [hep-th]"), NASA ADS (a bibcode
line, "Ryu, Shinsei ; Takayanagi, Tadashi", "Physical Review Letters, Volume 96, Issue 18, id. 181602",
"cited: 4012"), bioRxiv and medRxiv ("bioRxiv 2023.01.15.524123; doi: https://doi.org/10.1101/...", "Posted
January 17, 2023."), SSRN ("Number of pages: 52 Posted: 14 Mar 2019 Last Revised: 02 Apr 2021", "Downloads
1,234") and IEEE Xplore ("Year: 2021 | Volume: 40, Issue: 3 | Journal Article | Publisher: IEEE", "Cited by:
Papers (45)").

Each function reads one line and says what it holds as plain values, or None when the line is not one of
these; the page reader decides what the entry keeps. Nothing here knows about entries, pages or the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# INSPIRE's journal abbreviations are written without spaces ("Phys.Rev.Lett.", "Eur.Phys.J.C"); its own BibTeX
# export spaces them ("Phys. Rev. Lett."), as a bibliography prints them.
_PUBINFO = re.compile(
    r"(?P<journal>[A-Z][\w.&'\- ]*?)\s+(?P<volume>[A-Z]?\d+[A-Z]?)\s+\((?P<year>(?:19|20)\d\d)\)"
    r"(?:\s+(?P<issue>\d+),(?=\s+[A-Za-z]?\d))?(?:\s+(?P<pages>[A-Za-z]?\d+(?:\s*[-–]\s*[A-Za-z]?\d+)?))?"
)
_EPRINT = re.compile(
    r"e-Print:\s*(?:arXiv:)?(?P<id>\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?P<version>v\d+)?"
    r"(?:\s*\[(?P<cls>[\w.\-]+)\])?",
    re.I,
)
# ADS's bibcode: year, journal, volume, section, page and the first author's initial in 19 characters.
_BIBCODE = re.compile(r"(?:19|20)\d\d[A-Za-z&.]{5}[\w.]{4}[A-Za-z.][\d.]{4}[A-Z.]")
# ADS's venue line: "Physical Review Letters, Volume 96, Issue 18, id. 181602", "Physics Letters B, Volume 716,
# Issue 1, p. 1-29", "The Astrophysical Journal, Volume 875, Issue 1, article id. L1, 17 pp. (2019)."
_ADS_VENUE = re.compile(
    r"(?P<journal>[^,]+?)(?:, Volume (?P<volume>[\w-]+))?(?:, Issue (?P<issue>[\w-]+))?"
    r"(?:, (?:article )?id\.\s*(?P<id>[\w.-]+)|, pp?\.\s*(?P<pages>[\w-]+))?(?:, \d+ pp\.)?(?: \((?P<year>\d{4})\))?\.?"
)
_CHROME = re.compile(
    r"(?:View in|Reference search|Number of pages|Links?|Export):.*|cited:\s*[\d,]+|"
    r"(?:refereed|non-refereed)\s*(?:publications?)?",
    re.I,
)
# "Surname, Given" (ADS) and "Given Surname" (INSPIRE): capitalised words and initials, no digits.
_PARTICLE = r"(?:van|von|der|den|de|del|della|di|da|du|dos|le|la|ten|ter|bin|al|y)"
_NAME_WORDS = rf"[A-ZÀ-ÖØ-Þ][\w'’.\-]*(?:\s+(?:{_PARTICLE}\s+)*[A-ZÀ-ÖØ-Þ][\w'’.\-]*){{0,3}}"
_ADS_NAME = re.compile(rf"(?:{_PARTICLE}\s+)*{_NAME_WORDS},\s*{_NAME_WORDS}")
# INSPIRE: every name followed by its affiliation, "Shinsei Ryu (UC, Santa Barbara), Tadashi Takayanagi (...)"
_AFFILIATED_NAMES = re.compile(rf"(?:(?:{_PARTICLE}\s+)*{_NAME_WORDS}\s*\([^()]*\)(?:,\s*|\s*$))+")
_NOT_NAMES = re.compile(
    r"\b(?:Journal|Proceedings|Conference|Symposium|Workshop|Transactions|Letters|Review|University|Institute|"
    r"Society|Press|Volume|Issue)\b"
)
_AFFILIATED = re.compile(r"\s*\([^()]*\)")

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_DAY_MONTH_YEAR = rf"(?:\d{{1,2}}\s+)?(?P<m>{_MONTH})\s+(?:\d{{1,2}},?\s+)?(?P<y>(?:19|20)\d\d)"
# bioRxiv's and medRxiv's id line: the server, its dated id (posted on that day), and the DOI made of it.
_RXIV = re.compile(
    r"(?P<server>bioRxiv|medRxiv)\s+(?P<year>20\d\d)\.(?P<month>\d\d)\.\d\d\.\d+(?:v\d+)?;?"
    r"(?:\s*doi:\s*(?:https?://(?:dx\.)?doi\.org/)?(?P<doi>10\.1101/\S+?))?\.?"
)
# "Posted January 17, 2023." (bioRxiv) and SSRN's "Number of pages: 52 Posted: 14 Mar 2019 Last Revised: ...".
_POSTED = re.compile(r"Posted:?\s+" + _DAY_MONTH_YEAR + r"\.?")
_SSRN_FACTS = re.compile(
    r"(?:Number of pages:\s*(?P<pages>\d+)\s*)?Posted:\s*"
    + _DAY_MONTH_YEAR
    + r"(?:\s+Last Revised:\s*(?P<revised>\d{1,2}\s+\w+\s+\d{4}))?"
)
_SSRN_CHROME = re.compile(r"Downloads\s+[\d,]+(?:\s*\([\d,]+\))?|Citations?\s*\(?[\d,]+\)?|Abstract Views\s+[\d,]+")
# IEEE Xplore's facts line under the venue, "Year: 2021 | Volume: 40, Issue: 3 | Journal Article | Publisher: IEEE".
_XPLORE_FACTS = re.compile(r"Year:\s*(?P<year>(?:19|20)\d\d)\s*(?:\|.*)?")
# The kinds of work ORCID's and IEEE Xplore's lists name ("2021-03-15 | Journal article", "| Conference Paper |"),
# as BibTeX entry types.
KIND_WORDS = {
    "journal article": "article",
    "magazine article": "article",
    "early access article": "article",
    "conference paper": "inproceedings",
    "conference abstract": "inproceedings",
    "conference poster": "inproceedings",
    "book": "book",
    "book chapter": "incollection",
    "edited book": "book",
    "dissertation": "phdthesis",
    "dissertation thesis": "phdthesis",
    "preprint": "preprint",
    "report": "techreport",
    "working paper": "techreport",
    "standard": "misc",
}
_XPLORE_CHROME = re.compile(r"Cited by:.*|(?:Abstract|HTML|PDF|Show More|Show Less)(?:\s*\|.*)?", re.I)
# An SSRN author's affiliations under the names: organisations joined by commas and "and".
_ORGANISATION = re.compile(
    r"\b(?:University|Universit[äéà]t?|College|School|Institute|Institut|Center|Centre|Laboratory|Bank|Board|"
    r"Federal Reserve|National Bureau|NBER|CEPR|ECGI|Foundation|Department|Faculty|Academy|Hospital|Company|"
    r"Corporation|Inc\.|Ltd\.?|Government|Ministry|Agency|Fund|Council)\b"
)


@dataclass
class Labelled:
    """What one labelled line said. `venue` is a venue line for the page reader's own reading; `names` an
    author line written the usual way ("Given Surname, ..."); `fields` volume, number, pages and the like."""

    venue: str | None = None
    names: str | None = None
    year: int | None = None
    month: int | None = None
    doi: str | None = None
    arxiv: str | None = None
    arxiv_version: str | None = None
    link: str | None = None
    remark: str | None = None
    entry_type: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


def is_listing_line(line: str) -> bool:
    """Whether a line marks such a result list (sniffing: these lists have no publication heading)."""
    line = line.strip()
    return bool(
        _BIBCODE.fullmatch(line)
        or re.match(r"(?:e-Print|Published in):\s", line)
        or _RXIV.fullmatch(line)
        or _SSRN_FACTS.fullmatch(line)
        or (_XPLORE_FACTS.fullmatch(line) and "|" in line)
    )


def site_of(lines: list[str]) -> str | None:
    """ "ads" for an entry with a bibcode line, "inspire" for one with INSPIRE's labels, "ssrn" and "xplore" for
    SSRN's and IEEE Xplore's facts lines, else None: only there are lines of names, affiliations and the sites'
    counters read this way (a short title with a parenthesis is not a name)."""
    if any(_BIBCODE.fullmatch(line.strip()) for line in lines):
        return "ads"
    if any(re.match(r"\s*(?:e-Print|Published in|Contribution to|Report number):\s", line) for line in lines):
        return "inspire"
    if any(_SSRN_FACTS.fullmatch(line.strip()) for line in lines):
        return "ssrn"
    if any(_XPLORE_FACTS.fullmatch(line.strip()) and "|" in line for line in lines):
        return "xplore"
    return None


def read_line(text: str, *, site: str | None = None) -> Labelled | None:
    """The values of one labelled line; an empty Labelled for the sites' buttons and counts; None for any
    other line. `site` (from `site_of`) says whose entry it is."""
    text = text.strip()
    pages = re.fullmatch(r"(\d+)\s+pages?", text, re.I)
    if pages:
        return Labelled(fields={"pagetotal": pages.group(1)})
    if site == "ssrn":  # before the chrome: ADS's "Number of pages" is SSRN's facts line
        found = _ssrn_line(text)
        if found is not None:
            return found
    if site and _CHROME.fullmatch(text):
        return Labelled()
    if _BIBCODE.fullmatch(text):
        return Labelled(link=f"https://ui.adsabs.harvard.edu/abs/{text}/abstract")
    rxiv = _RXIV.fullmatch(text)
    if rxiv:
        return Labelled(
            venue=rxiv.group("server"),
            year=int(rxiv.group("year")),
            month=int(rxiv.group("month")),
            doi=(rxiv.group("doi") or "").rstrip(".") or None,
        )
    posted = _POSTED.fullmatch(text)
    if posted:
        return Labelled(year=int(posted.group("y")), month=month_of(posted.group("m")))
    if site == "xplore":
        found = _xplore_line(text)
        if found is not None:
            return found
    eprint = _EPRINT.fullmatch(text)
    if eprint:
        fields = {"primaryclass": eprint.group("cls")} if eprint.group("cls") else {}
        return Labelled(arxiv=eprint.group("id"), arxiv_version=eprint.group("version"), fields=fields)
    label = re.match(r"(Published in|Contribution to|Report number):\s*(.+)$", text, re.I)
    if label:
        what, rest = label.group(1).lower(), label.group(2).strip()
        if what == "report number":
            return Labelled(fields={"reportnumber": rest})
        if what == "contribution to":
            return Labelled(venue=rest, entry_type="inproceedings")
        return _published_in(rest)
    venue = _ADS_VENUE.fullmatch(text) if site == "ads" else None
    if venue and (venue.group("volume") or venue.group("issue")):
        # "Journal of High Energy Physics, Issue 08": an issue with no volume is the volume (the bibcode's
        # "2006JHEP...08..045R" says 08 is), as INSPIRE writes "JHEP 08 (2006) 045"; a number alone would not print
        if venue.group("volume"):
            fields = {"volume": venue.group("volume"), "number": venue.group("issue")}
        else:
            fields = {"volume": venue.group("issue")}
        fields["pages"] = venue.group("id") or venue.group("pages")
        year = int(venue.group("year")) if venue.group("year") else None
        fields = {k: v for k, v in fields.items() if v}
        return Labelled(venue=venue.group("journal"), year=year, fields=fields, entry_type="article")
    names = _names(text, site == "ads") if site else None
    if names:
        return Labelled(names=names[0], fields={"collaboration": names[1]} if names[1] else {})
    return None


def month_of(word: str) -> int | None:
    """1-12 for a month's name or its abbreviation ("Jan", "january", "Sept."), else None."""
    word = word[:3].lower()
    return _MONTHS.index(word) + 1 if word in _MONTHS else None


def _ssrn_line(text: str) -> Labelled | None:
    """SSRN: the facts line (its pages, the date posted, a later revision kept as a remark), its counters, an
    affiliations line under the names (understood, and not the paper's: dropped), ", Forthcoming" after a
    journal (the venue, forthcoming)."""
    facts = _SSRN_FACTS.fullmatch(text)
    if facts:
        fields = {"pagetotal": facts.group("pages")} if facts.group("pages") else {}
        revised = facts.group("revised")
        return Labelled(
            year=int(facts.group("y")),
            month=month_of(facts.group("m")),
            fields=fields,
            remark=f"last revised {revised}" if revised else None,
        )
    if _SSRN_CHROME.fullmatch(text):
        return Labelled()
    forthcoming = re.fullmatch(r"(?P<journal>.+?),?\s+Forthcoming\.?", text, re.I)
    if forthcoming:
        return Labelled(venue=forthcoming.group("journal"), remark="forthcoming", entry_type="article")
    if is_organisation(text):
        return Labelled()
    return None


def ends_entry(line: str, following: str) -> bool:
    """Whether a results list's entry ends with `line`: bioRxiv's "Posted ..." line, or its id line when no
    "Posted ..." line follows."""
    line, following = line.strip(), following.strip()
    if _POSTED.fullmatch(line):
        return True
    return bool(_RXIV.fullmatch(line)) and not _POSTED.fullmatch(following)


def is_organisation(text: str) -> bool:
    """A line of affiliations: organisations' names, no sentence and no numbers."""
    return bool(_ORGANISATION.search(text)) and not re.search(r"[.:?!]$|\d", text)


def _xplore_line(text: str) -> Labelled | None:
    """IEEE Xplore: "Year: 2021 | Volume: 40, Issue: 3 | Journal Article | Publisher: IEEE" and "Cited by: Papers
    (45) | Patents (1)"."""
    if _XPLORE_CHROME.fullmatch(text):
        return Labelled()
    facts = _XPLORE_FACTS.fullmatch(text)
    if not facts:
        return None
    found = Labelled(year=int(facts.group("year")))
    for part in (p.strip() for p in text.split("|")[1:]):
        label, _, value = part.partition(":")
        label, value = label.strip().lower(), value.strip()
        if value and label == "volume":
            volume, _, issue = value.partition(",")
            found.fields["volume"] = volume.strip()
            issue = re.sub(r"(?i)^\s*issue:\s*", "", issue).strip()
            if issue:
                found.fields["number"] = issue
        elif value and label == "issue":
            found.fields["number"] = value
        elif value and label == "publisher":
            found.fields["publisher"] = value
        elif not value and label in KIND_WORDS:
            found.entry_type = KIND_WORDS[label]
    return found


def _published_in(text: str) -> Labelled:
    """INSPIRE's "Phys.Rev.D 104 (2021) 2, 026001": journal, volume, year, issue and pages (or article number)."""
    found = _PUBINFO.match(text)
    if not found:
        return Labelled(venue=text)
    journal = re.sub(r"\.(?=[A-Z])", ". ", found.group("journal").strip())
    # "Eur.Phys.J.C 72 (2012) 2205, Eur.Phys.J.C 73 (2013) 2501 (erratum)": the first is the paper's
    remark = text[found.end() :].strip(" ,;") or None
    fields = {"volume": found.group("volume")}
    if found.group("issue"):
        fields["number"] = found.group("issue")
    if found.group("pages"):
        fields["pages"] = re.sub(r"\s*[-–]\s*", "-", found.group("pages"))
    return Labelled(venue=journal, year=int(found.group("year")), fields=fields, remark=remark, entry_type="article")


def _names(text: str, ads: bool) -> tuple[str, str | None] | None:
    """ADS's "Ryu, Shinsei ; Takayanagi, Tadashi" (a lone "Ryu, Shinsei" only under a bibcode) and INSPIRE's
    "Shinsei Ryu (UC, Santa Barbara), Tadashi Takayanagi (UC, Santa Barbara)" or "ATLAS Collaboration • Georges
    Aad (Freiburg U.) et al.", as plain "Given Surname" lists (and the collaboration); None for any other line."""
    more = re.search(r"\s*(?:;\s*)?(?:et al\.?|and \d+ more)\s*$", text)
    body = text[: more.start()] if more else text
    tail = " et al." if more else ""
    if ";" in body or ads:
        parts = [p.strip() for p in body.split(";")]
        if all(_ADS_NAME.fullmatch(p) and not _NOT_NAMES.search(p) for p in parts) and (len(parts) > 1 or ads):
            return ", ".join(" ".join(reversed([s.strip() for s in p.split(",", 1)])) for p in parts) + tail, None
        return None
    collaboration = re.match(r"([\w\-]+(?: [\w\-]+)?) Collaboration\s*•\s*", body)
    if collaboration:
        body = body[collaboration.end() :]
    if not _AFFILIATED_NAMES.fullmatch(body) or _NOT_NAMES.search(_AFFILIATED.sub("", body)):
        return None
    parts = [p.strip() for p in _AFFILIATED.sub("", body).split(",")]
    return ", ".join(parts) + tail, collaboration.group(1) if collaboration else None
