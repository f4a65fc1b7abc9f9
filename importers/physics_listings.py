"""The labelled lines of physics' and astronomy's literature databases, as a researcher copies their result
lists: INSPIRE-HEP ("Published in: Phys.Rev.Lett. 96 (2006) 181602", "e-Print: hep-th/0603001 [hep-th]") and
NASA ADS (a bibcode line, "Ryu, Shinsei ; Takayanagi, Tadashi", "Physical Review Letters, Volume 96, Issue 18,
id. 181602", "cited: 4012").

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


@dataclass
class Labelled:
    """What one labelled line said. `venue` is a venue line for the page reader's own reading; `names` an
    author line written the usual way ("Given Surname, ..."); `fields` volume, number, pages and the like."""

    venue: str | None = None
    names: str | None = None
    year: int | None = None
    arxiv: str | None = None
    arxiv_version: str | None = None
    link: str | None = None
    remark: str | None = None
    entry_type: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


def is_listing_line(line: str) -> bool:
    """Whether a line marks such a result list (sniffing: these lists have no publication heading)."""
    line = line.strip()
    return bool(_BIBCODE.fullmatch(line) or re.match(r"(?:e-Print|Published in):\s", line))


def site_of(lines: list[str]) -> str | None:
    """ "ads" for an entry with a bibcode line, "inspire" for one with INSPIRE's labels, else None: only
    there are lines of names read this way (a short title with a parenthesis is not a name)."""
    if any(_BIBCODE.fullmatch(line.strip()) for line in lines):
        return "ads"
    if any(re.match(r"\s*(?:e-Print|Published in|Contribution to|Report number):\s", line) for line in lines):
        return "inspire"
    return None


def read_line(text: str, *, site: str | None = None) -> Labelled | None:
    """The values of one labelled line; an empty Labelled for the sites' buttons and counts; None for any
    other line. `site` (from `site_of`) says whose entry it is."""
    text = text.strip()
    pages = re.fullmatch(r"(\d+)\s+pages?", text, re.I)
    if pages:
        return Labelled(fields={"pagetotal": pages.group(1)})
    if site and _CHROME.fullmatch(text):
        return Labelled()
    if _BIBCODE.fullmatch(text):
        return Labelled(link=f"https://ui.adsabs.harvard.edu/abs/{text}/abstract")
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
