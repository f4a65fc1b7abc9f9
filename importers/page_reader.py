"""The general reader of publication pages: any researcher's homepage, profile or listing, as HTML or copied text.

Both inputs become the same blocks (page_blocks.py). This module then finds the publication sections (and stops
at Talks, Teaching, News ...), takes year headings as the year of the entries under them, harvests the exact
machine-readable data first (BibTeX shown or hidden, citation_* meta, COinS, JSON-LD, arXiv/DOI links), and labels
the parts of every other entry by scores rather than by a fixed order: title, authors (marks such as `*` and `†`
removed but remembered in `extra["author_marks"]`), venue and year, links. Every entry gets a confidence: one that
is not clearly a paper is skipped and reported with its line; a doubtful one is imported with
`extra["check_me"]` saying why, and listed in the report. A page with no publication list is refused.

The venue is the venue's name alone; what a citation writes around it is kept, never dropped: volume, number,
pages, publisher, address, series, editor and a thesis' school in `extra` (the keys the .bib importer fills),
the month in `date`, a thesis, book or chapter in `entry_type`, and what is none of these (an award, "to
appear", where a conference was held) in `note`, which the library keeps as the paper's remarks.

Big public listings write lines of their own (PubMed's "PMID: ...", ORCID's "2021-03-15 | Journal article", Pure's
"Research output: ... › ...", RePEc's citation tails): an entry holding one is read in that listing's layout.

It must not normalise names or venues (the pipeline does), must not touch the library, and raises nothing but
ImporterError. The five sample families keep their exact importers: this reader takes what they do not claim.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from papershelf.importers import listing_lines, unwrap
from papershelf.importers.base import Importer, register
from papershelf.importers.encoding import looks_like_html
from papershelf.importers.errors import ImporterError
from papershelf.importers.page_blocks import Block, Line, Page, looks_like_markdown, read_html, read_text
from papershelf.model.names import names_relation, parse_name
from papershelf.model.records import ImportBatch, Link, OwnerProfile, PaperRecord, ParseContext, ParseWarning

WHAT_IS_ACCEPTED = (
    "Papershelf imports a publication page (a homepage, a profile or listing, saved as .html or .mhtml, copied "
    "as text, or its http(s) address), a CV's LaTeX source (.tex) and .bib files"
)

# --- sections -------------------------------------------------------------------------------------------------
_PUB_WORDS = re.compile(
    r"\b(publications?|papers?|preprints?|conference|journals?|articles?|proceedings|workshops?|theses|thesis|"
    r"book chapters?|chapters|books|manuscripts?|bibliography|refereed|peer[- ]reviewed|under review|working papers|"
    r"selected works|works|research outputs?|informal publications|editorship|monographs?|"
    # The same headings on French, German, Spanish, Italian and Portuguese pages (HAL's CVs are French).
    r"communications dans (?:un|des) congrès|congrès|conférences|chapitres?(?: d'ouvrages?)?|ouvrages?|thèses?|"
    r"pré-?publications|documents de travail|rapports?(?: de recherche)?|revues|actes|"
    r"publikationen|veröffentlichungen|zeitschriftenartikel|(?:konferenz|tagungs)beiträge|aufsätze|bücher|"
    r"buchkapitel|monographien|sammelbände|dissertation|publicaciones|artículos|libros|capítulos|congresos|tesis|"
    r"pubblicazioni|articoli|libri|capitoli|tesi|publicações|artigos|livros|teses|dissertações)\b",
    re.I,
)
_OTHER_WORDS = re.compile(
    r"^\W*(talks?|invited talks|presentations?|teaching|courses?|students|advisees|mentoring|supervision|service|"
    r"professional service|news|updates|recent news|awards?|honou?rs|awards and honou?rs|blog|posts|contact|"
    r"about( me)?|bio(graphy)?|experience|education|employment|cv|misc(ellaneous)?|activities|media|press|"
    r"group|team|people|members|links|software|patents?|grants?|funding|reviewing|outreach|hobbies|"
    r"co-?authors?(?: index)?|follow|cited by|interests?|research interests|"
    r"enseignements?|encadrement|responsabilités|projets|prix|distinctions|exposés|séminaires|formation|"
    r"parcours|biographie|brevets|logiciels|lehre|vorträge|lebenslauf|kontakt|preise|auszeichnungen|projekte|"
    r"betreuung|docencia|enseñanza|charlas|premios|proyectos|contacto|didattica|premi|progetti|ensino|prêmios)\b",
    re.I,
)
_YEAR_HEADING = re.compile(
    r"^\W*(?:(19[5-9]\d|20\d\d)(?:\s*(?:and|&)\s*(?:earlier|before|older)|"
    r"\s*[-–—]\s*(?:today|present|now|(?:19|20)\d\d))?|"
    r"(?:before|earlier than|prior to)\s+(19[5-9]\d|20\d\d))\W*$",
    re.I,
)
_MAX_HEADING_WORDS = 6


def _heading_kind(text: str) -> str:
    """ "pub", "year", "other" or "" (a heading that says nothing about publications)."""
    if _YEAR_HEADING.match(text):
        return "year"
    if re.fullmatch(r"\W*title\W*cited\s*by\W*year\W*", text, re.I):
        return "pub"  # a scholarly profile's table header
    words = len(text.split())
    if _OTHER_WORDS.match(text) and not _PUB_WORDS.search(text.split(":")[0]):
        return "other"
    if words <= _MAX_HEADING_WORDS + 2 and _PUB_WORDS.search(text):
        return "pub"
    return ""


# A venue's name: "Journal of ...", "Conference on ...", "Proceedings of the ...".
_VENUE_NAME = re.compile(r"\b(?:of|on|for)\s+\w", re.I)


def _text_heading(line: str, continuing: bool = False) -> bool:
    """A line of copied text that is a section heading: a year alone, or a few words naming a section. Under an
    entry's line (`continuing`) a venue's name of several words is the entry's venue ("Journal of
    Cardiovascular Magnetic Resonance" under its title on ORCID) and a labelled line ("Source: ...") is the
    entry's, unless it ends with a colon."""
    if (
        continuing
        and not line.rstrip().endswith(":")
        # a labelled line ("Research output: Thesis › ...", "Source: conference website"), a venue's name, or
        # how the paper was received ("Best paper award")
        and (
            ":" in line
            or (len(line.split()) > 3 and _VENUE_NAME.search(line))
            or (_DISTINCTION.search(line) and not line.rstrip().endswith("s"))
        )
    ):
        return False
    stripped = line.strip().rstrip(":").strip()
    if not stripped or len(stripped) > 60 or len(stripped.split()) > _MAX_HEADING_WORDS:
        return False
    if stripped.startswith("[") and _LINK_ROW.match(stripped):
        return False  # "[paper] [code]" under an entry: its links, not a section of papers
    if _YEAR_HEADING.match(stripped) or (_heading_kind(stripped) == "pub" and "cited" in stripped.lower()):
        return True
    if re.search(r"[.,;]\s|\d{4}.*\d", stripped):
        # HAL's "Pré-publications, Documents de travail": a heading of headings
        parts = stripped.split(", ")
        return len(parts) > 1 and all(_heading_kind(part) in ("pub", "other") for part in parts)
    kind = _heading_kind(stripped)
    if kind == "pub" and len(stripped.split()) <= 3:
        return True  # "publications", as some themes write it
    return kind in ("pub", "other") and stripped[0].isupper()


# --- names ----------------------------------------------------------------------------------------------------
# The lower-case particles a family name may start with ("van der Berg, J.", "de la Fontaine J").
_PARTICLE = r"(?:van|von|der|den|de|del|della|di|da|du|dos|le|la|ten|ter)"
_MARKS = "*†‡§¶#✉∗^"
# Superscript affiliation numbers, "Priya Natarajan²,³": their comma does not part two names.
_SUPERSCRIPT = "[\u00b2\u00b3\u00b9\u2070\u2074-\u2079]+"
_AFFILIATION_MARKS = re.compile(rf"{_SUPERSCRIPT}(?:\s*[,，]\s*{_SUPERSCRIPT})*")
_MARK_RE = re.compile(r"[*†‡§¶#✉∗^]+|\(\s*(?:equal contribution|co-first|corresponding)\s*\)", re.I)
_NAME_TOKEN = re.compile(
    r"^(?:[A-ZÀ-ÖØ-ÞĀ-ſ][\w'’\-À-ÿĀ-ſ]*\.?|[A-Z]\.(?:-?[A-Z]\.)*|"
    r"(?:van|von|der|den|de|del|della|di|da|du|dos|la|le|ten|ter|bin|al|el|y|zu)|[一-鿿]+)$"
)
_NOT_NAME = re.compile(
    r"^(?:In|The|A|An|On|Of|For|And|With|Proceedings|Proc\.?|Conference|Journal|Transactions|Workshop|arXiv|"
    r"Learning|Towards?|Via|Using|Deep|Neural|Networks?|Models?|Preprint|Submitted|Accepted|University|Institute|"
    r"IEEE|ACM|International|Annual|Symposium|Advances|Vol\.?|Volume|Pages|Press|Oral|Spotlight|Best|Paper)$"
)
_ETAL = re.compile(r",?\s*(?:et\s+al\.?|(?:and\s+)?\d+\s+more\s+authors?|and others|\.\.\.|…)\s*$", re.I)


def _split_names(text: str) -> tuple[list[str], bool]:
    """The names of an author list and whether it is complete (no "et al."); marks stay on the names."""
    text = text.strip().rstrip(".;:").strip()
    complete = True
    if _ETAL.search(text):
        text = _ETAL.sub("", text)
        complete = False
    text = re.sub(r"\s*(?:,\s*and\s+|,\s*&\s*|\s+and\s+|\s+&\s+|;\s*)", ", ", text)
    pieces = [p.strip() for p in text.split(",") if p.strip()]
    merged: list[str] = []
    for piece in pieces:  # "Smith, J. A." (APA, surname first): the initials join the surname before them
        bare = _MARK_RE.sub("", piece).strip()
        if merged and re.fullmatch(r"(?:[A-Z]\.?\s?-?)+", bare) and " " not in _MARK_RE.sub("", merged[-1]).strip():
            # The list's own final period was stripped above; dotted initials get theirs back ("D.W" -> "D.W.").
            dotted = piece.endswith(".") or (len(bare) > 1 and "." not in bare)
            merged[-1] = f"{merged[-1]}, {piece if dotted else piece + '.'}"
        else:
            merged.append(piece)
    return merged, complete


def _is_name(piece: str) -> bool:
    bare = _MARK_RE.sub("", piece).strip().rstrip(".") if not piece.endswith(".") else _MARK_RE.sub("", piece).strip()
    if "," in bare:  # "Smith, J."
        surname, _, given = bare.partition(",")
        return _is_name(surname.strip() + " X") and bool(re.fullmatch(r"(?:[A-Z]\.?\s?-?)+", given.strip()))
    tokens = bare.split()
    if not 2 <= len(tokens) <= 5 or len(bare) > 60:
        return bool(re.fullmatch(r"[一-鿿]{2,4}", bare))
    if any(_NOT_NAME.match(t) for t in tokens):
        return False
    return all(_NAME_TOKEN.match(t) and len(t) <= 15 for t in tokens) and tokens[-1][0].isupper()


def _author_score(text: str) -> float:
    if not text or len(text) > 2000 or re.search(r"\b(19[5-9]\d|20\d\d)\b", text) or '"' in text or "“" in text:
        return 0.0
    names, complete = _split_names(text)
    if not names:
        return 0.0
    good = sum(1 for n in names if _is_name(n))
    score = good / len(names)
    if len(names) == 1 and complete:
        score *= 0.75  # one name alone is as often a title word pair
    return score


def _clean_name(piece: str) -> tuple[str, str]:
    """The name without marks, and the marks it carried."""
    marks = "".join(_MARK_RE.findall(piece))
    name = _MARK_RE.sub("", piece).strip().strip(",").strip()
    return re.sub(r"\s+", " ", name), marks


# --- venues and years -----------------------------------------------------------------------------------------
_YEAR = re.compile(r"(?<![\d:./-])(19[5-9]\d|20\d\d)(?![\d])")
_SHORT_YEAR = re.compile(r"\b([A-Z][A-Za-z]{1,12})\s*['’](\d{2})\b")
_VENUE_WORDS = re.compile(
    r"\b(In\b|Proc\.|Proceedings|Conference|Conf\.|Journal|Transactions|Trans\.|Workshop|Symposium|"
    r"arXiv|preprint|Letters|Review|Annals|Advances in|Press|Springer|Elsevier|IEEE|ACM|To appear|Published in|"
    r"Accepted|Under review|Submitted|Thesis|Ph\.?D\.?|Vol\.|Volume|pp\.|pages|Nature|Science|Findings|Oral|"
    r"Spotlight|Poster|CVPR|ICCV|ECCV|NeurIPS|NIPS|ICML|ICLR|AAAI|IJCAI|ACL|EMNLP|NAACL|COLING|SIGGRAPH|KDD|"
    r"WWW|SIGIR|CHI|UIST|TPAMI|JMLR|TMLR|TACL|PAMI|IJCV|TOG|ICRA|IROS|RSS|CoRL|AISTATS|UAI|COLT|STOC|FOCS|SODA|"
    r"OSDI|SOSP|NSDI|PLDI|POPL|ICSE|FSE|VLDB|SIGMOD|ICDE|MICCAI|Interspeech|ICASSP|WACV|BMVC|3DV|CoLM|COLM)\b"
)
_NOTE_RE = re.compile(
    r"\(\s*((?:oral|spotlight|poster|best paper[^)]*|highlight|award[^)]*|outstanding[^)]*|"
    r"long paper|short paper|full paper|demo|invited[^)]*)[^)]*)\)",
    re.I,
)
_VENUE_PREFIX = re.compile(r"^\s*(?:Published in|Appeared in|To appear in|Accepted (?:to|at|by|in)|In:?)\s+", re.I)


def _venue_score(text: str) -> float:
    score = 0.0
    if _YEAR.search(text) or _SHORT_YEAR.search(text):
        score += 0.5
    if _VENUE_WORDS.search(text):
        score += 0.5
    if len(text) > 300:
        score *= 0.3
    return min(score, 1.0)


_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_PAGE_RANGE = r"[A-Za-z]{0,4}\d+(?::\d+)?(?:\s*[-–—]+\s*[A-Za-z]{0,4}\d+(?::\d+)?)?"  # ACM's "45:1–45:14" too
# What a citation says about the paper besides where it appeared: kept as the record's remark, never the venue.
_STATUS = re.compile(r"\(\s*(to appear|in press|forthcoming|accepted|under review|submitted|in preparation)\s*\)", re.I)
_AWARD_TAIL = re.compile(
    r"(?<=[.,;)])\s+([^.;()]*\b(?:awards?|prize|honou?rable mention|nominee|finalist|nominated)\b[^.;()]*?)\.?\s*$",
    re.I,
)
# A line saying how the paper was received or presented ("Best paper award", "Oral presentation", "Spotlight (top
# 3%)"): a remark of the entry above it, never a row of links nor a section heading ("Awards" is one, plural).
_DISTINCTION = re.compile(
    r"\b(?:best\s+(?:[\w-]+\s+){0,2}paper|outstanding\s+(?:[\w-]+\s+)?paper|distinguished\s+paper|"
    r"honou?rable\s+mention|award(?:ed)?|prize|oral|spotlight|nominee|finalist|runner[- ]up|top\s+\d+(?:\.\d+)?\s*%)"
    r"(?!\w)",
    re.I,
)
_THESIS = re.compile(
    r"^\s*(?:(?P<kind>Ph\.?\s?D\.?|Doctoral|Master'?s?|M\.?\s?Sc\.?|M\.?\s?S\.?|M\.?\s?Phil\.?|Bachelor'?s?|"
    r"B\.?\s?Sc\.?|B\.?\s?S\.?|Diploma|Habilitation)\s+)?(?P<what>thesis|dissertation)\b\s*[,.:]?\s*(?P<rest>.*)$",
    re.I,
)
# A publisher named after a venue or alone ("Oxford: Oxford University Press", ", Springer, Cham", ". PMLR").
_PUBLISHER = (
    r"(?:(?:[A-Z][\w&'’.-]*\s+){0,4}(?:Press|Publishers?|Publishing|Verlag)|Springer(?:[- ]Verlag)?|Elsevier|"
    r"Brill|Routledge|Wiley(?:-Blackwell)?|Kluwer|Birkhäuser|De Gruyter|SIAM|PMLR|Morgan Kaufmann|"
    r"World Scientific|Taylor (?:&|and) Francis|(?:Palgrave )?Macmillan|SAGE|O'Reilly|Addison-Wesley|Pearson)"
)
_PUBLISHER_TAIL = re.compile(
    rf"(?:^|[.,]\s*)(?:(?P<place>[A-Z][\w'’ -]{{1,30}}):\s*(?P<pub>{_PUBLISHER}|ACM|IEEE)"
    rf"|(?P<pub2>{_PUBLISHER})(?:,\s*(?P<place2>[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?))?)\s*$"
)
_SERIES_TAIL = re.compile(
    r",\s*(Lecture Notes in [A-Z][\w ]+|Communications in Computer and Information Science|LNCS|LNAI|CCIS)\s*$"
)
# A chapter's book: "M. Keller (ed.) Economies of the North", "A. Weiss and P. Moreau (eds.), Money on the Move".
_EDITED = re.compile(r"^(?P<editors>[^()]{3,120}?)\s*\((?:eds?|Eds?|Hrsg)\.?\)\s*[,:]?\s*(?P<book>.+)$")
_REPORT = re.compile(
    r"^\s*(?:Technical|Tech\.?)\s+(?:Report\b|Rep\.)\s*(?:(?:No\.?|#)?\s*(?P<number>[\w./-]*\d[\w./-]*))?\s*[,.:]?\s*"
    r"(?P<rest>.*)$",
    re.I,
)
_PLACE_PART = re.compile(r"(?:[A-ZÀ-Þ][\w'’.-]*|[A-Z]{2,3})(?:\s+(?:[A-ZÀ-Þ][\w'’.-]*|de|del|am|upon|on))*")
_ORG_WORDS = re.compile(r"\b(?:University|Institute|College|School|Department|Press|Publishers?|Verlag)\b")


@dataclass
class _Venue:
    """What a venue line says: the venue's name, and everything that was written with it."""

    year: int | None = None
    month: int | None = None
    venue: str | None = None
    notes: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)  # volume, number, pages, publisher, address, school
    entry_type: str | None = None

    def take(self, name: str, value: str | None) -> None:
        value = re.sub(r"\s+", " ", value or "").strip(" ,.;:")
        if value and name not in self.fields:
            self.fields[name] = value

    def remark(self, text: str | None) -> None:
        text = re.sub(r"\s+", " ", text or "").strip(" ,.;:")
        if text and text not in self.notes:
            self.notes.append(text)


# PubMed's (the NLM's) journal citation: "N Engl J Med. 2016 Sep 29;375(13):1216-9. doi: 10.1056/NEJMp1606181.
# Epub 2016 Sep 1." The journal's abbreviation has no period; the date may be a season or a span of months; the
# volume (or an online article's number, after a colon) follows it.
_NLM_CITATION = re.compile(
    r"^(?P<journal>[A-Z][^.;:]{0,100}?)\.\s+(?P<year>(?:19|20)\d\d)(?:\s+(?P<month>[A-Z][a-z]{2})\b[^;:]{0,12})?"
    r"\s*(?P<end>[;:])"
)


def _nlm_citation(out: _Venue, nlm: re.Match[str]) -> _Venue:
    out.venue = nlm.group("journal").strip()
    out.year = int(nlm.group("year"))
    out.month = _month_of(nlm.group("month") or "")
    # The Vancouver style's "375(13):1216-9" (an online article: ":eadf1234", after the date's colon).
    details = _VANCOUVER_DETAILS.match(
        nlm.string[nlm.end() :] if nlm.group("end") == ";" else nlm.string[nlm.end() - 1 :]
    )
    for name in ("volume", "number", "pages"):
        out.take(name, details.group(name))
    rest = details.string[details.end() :]
    # What follows (the DOI, "Epub 2016 Sep 1", "Erratum in: ...") is kept as remarks; the DOI is read apart.
    for part in re.split(r"(?<=\.)\s+", rest.strip(" .")):
        if not re.fullmatch(r"(?:doi:\s*)?10\.\d{4,9}/\S+?\.?", part.strip(), re.I):
            out.remark(part)
    return out


_month_of = listing_lines.month_of


# A volume as journals number them: "14", "12A", IEICE's "J103-D" and "E104-A" (series letter, number, part).
_VOLUME = r"(?:[A-Z]{1,2}(?=\d))?\d\w*(?:-[A-Z]{1,2}\b)?"


def _details(out: _Venue, text: str) -> None:
    """Volume, number and pages written after a venue ("vol. 14, no. 1, pp. 22-37", "7(OOPSLA2):1-27",
    "(Autumn): 640-58"); what is none of them is kept as a remark, never dropped."""
    rest = text
    for pattern, names, flags in (
        (rf"\b(?:volume|vol\.?)\s*({_VOLUME})", ("volume",), re.I),
        (r"^\W*of\s+(?:the\s+)?([A-Z][^,.]+)", ("series",), 0),  # "volume 162 of Proceedings of Machine ..."
        (r"\b(?:no\.?|number|issue)\s*(\d[\w\-–]*)", ("number",), re.I),
        (rf"\b(?:pp?\.|pages)\s*({_PAGE_RANGE})", ("pages",), re.I),
        (
            rf"(\d+)\s*\(((?:\d+|[A-Z]+\d*)(?:\s*[-–]\s*\d+)?)\)\s*(?::\s*({_PAGE_RANGE}))?",
            ("volume", "number", "pages"),
            0,
        ),
        (rf":\s*({_PAGE_RANGE})", ("pages",), 0),
        (r"\b(\d+\s*[-–]+\s*\d+)\b", ("pages",), 0),
        (r"^\W*(\d{1,4})\b", ("volume",), 0),  # Chicago's "23, no. 5": the volume before the number
    ):
        match = re.search(pattern, rest, flags)
        if match:
            for name, value in zip(names, match.groups(), strict=False):
                out.take(name, value)
            rest = rest[: match.start()] + " " + rest[match.end() :]
    rest = re.sub(rf"\b{_MONTH}\s*$|\(\s*\)", " ", rest.strip(" ,.;:"), flags=re.I).strip(" ,.;:")
    if re.fullmatch(_PUBLISHER + r"|ACM|IEEE", rest):
        out.take("publisher", rest)
        return
    season = re.fullmatch(r"\W*\(?\s*(Spring|Summer|Autumn|Fall|Winter)\s*\)?\W*", rest, re.I)
    out.remark(season.group(1) if season else (rest if re.search(r"[A-Za-z]{2}", rest) else None))


def _year_and_venue(text: str) -> _Venue:
    """The year, the venue's name, and what the line wrote with it: month, volume, number and pages, a thesis'
    school, and remarks (an award, "to appear", where a conference was held). Nothing the line said is dropped
    without landing in one of them."""
    out = _Venue()
    nlm = _NLM_CITATION.match(text)
    if nlm:
        return _nlm_citation(out, nlm)
    # "NeurIPS 2023 Oral", "In EMNLP 2020. Oral presentation.", "ICML 2022 (Best Paper Award)": how the paper
    # was presented or received, after its venue's year.
    trailing = re.search(r"(?<=\d\d)\s*[.,;:]?\s+\(?([^.;()]+?)\)?\.?\s*$", text)
    if (
        trailing
        and len(trailing.group(1).split()) <= 8
        and _YEAR.search(text[: trailing.start()])
        and (_DISTINCTION.search(trailing[1]) or re.fullmatch(r"poster(?: presentation)?", trailing[1], re.I))
    ):
        out.remark(trailing.group(1))
        text = text[: trailing.start()]
    text = re.sub(r"^([A-Z][A-Za-z]{2,8}\s+(?:19|20)\d\d)\s+Conference\s*$", r"\1", text)
    match = _NOTE_RE.search(text)
    if match:
        out.remark(match.group(1))
        text = text[: match.start()] + text[match.end() :]
    for status in reversed(list(_STATUS.finditer(text))):
        out.remark(status.group(1))
        text = text[: status.start()] + text[status.end() :]
    award = _AWARD_TAIL.search(text.rstrip())
    if award:  # "..., July 2023. Outstanding Paper Award": a remark after the citation, not part of its venue
        out.remark(award.group(1))
        text = text[: award.start()]
    year = None
    years = _YEAR.findall(text)
    if years:
        year = int(years[-1])
    else:
        short = _SHORT_YEAR.search(text)
        if short:
            year = 2000 + int(short.group(2)) if int(short.group(2)) < 50 else 1900 + int(short.group(2))
            text = text[: short.start()] + short.group(1) + text[short.end() :]
    out.year = year
    if year:
        # "CHI '22: Proceedings of the 2022 CHI Conference": the acronym's short year is the year's, as
        # "KDD '21: ..." (no full year) loses it above.
        text = re.sub(rf"(?<=[A-Z])\s*['’]{year % 100:02d}(?=\s*:)", "", text)
    if re.match(r"\s*To appear in\b", text, re.I):
        out.remark("to appear")
    venue = _VENUE_PREFIX.sub("", text)
    thesis = _THESIS.match(venue)
    if thesis and (thesis.group("kind") or thesis.group("rest")):
        return _thesis(out, thesis)
    report = _REPORT.match(venue)
    if report and (report.group("number") or report.group("rest")):
        # "Technical Report CMU-CS-19-101, Carnegie Mellon University, 2019": the institution, not a venue.
        out.entry_type = "techreport"
        out.take("number", report.group("number"))
        out.take("institution", _YEAR.sub("", report.group("rest")).strip(" ,.;()"))
        return out
    edited = _EDITED.match(venue)
    if edited and _author_score(edited.group("editors")) >= 0.6:
        names, _ = _split_names(edited.group("editors"))
        out.take("editor", " and ".join(_clean_name(n)[0] for n in names))
        out.entry_type = "incollection"
        venue = edited.group("book")
    venue = re.sub(r"arXiv:\s*\d{4}\.\d{4,5}(v\d+)?|\babs/\S+|https?://\S+|\bdoi:\s*\S+", "", venue)
    # ACM style: "Proceedings of X (CHI '24). ACM, New York, NY, USA, 1-18": the publisher after the venue.
    acm = re.search(r"(\([^()]*\))\.\s+((?:ACM|IEEE|Springer|Elsevier|AAAI|PMLR|Association)\b[^,.]*)(.*)$", venue)
    if acm:
        out.take("publisher", acm.group(2))
        where = acm.group(3)
        pages = re.search(rf"(?:,\s*|\bpp?\.\s*)({_PAGE_RANGE})\W*$", where)
        if pages:
            out.take("pages", pages.group(1))
            where = where[: pages.start()]
        out.take("address", where)
        venue = venue[: acm.end(1)]
    venue = re.sub(r"\s*\([A-Za-z][\w\-]*\s*['’]\d{2}\)", "", venue)
    if year:
        # HAL's "NeurIPS 2020 - 34th Conference on ...": the full name, then the short one as the name's own;
        # IEEE Xplore's "ICC 2020 - 2020 IEEE International Conference on Communications (ICC)" names it already
        def full_name_first(found: re.Match[str]) -> str:
            name = found.group(3).rstrip()
            return name if name.endswith(f"({found.group(1)})") else f"{name} ({found.group(1)} {found.group(2)})"

        venue = re.sub(rf"^\s*([A-Z][\w'&-]*[A-Z][\w'&-]*)\s+({year})\s+[-–]\s+([^,]+)", full_name_first, venue)

        def drop_date(found: re.Match[str]) -> str:
            before = venue[: found.start()]
            if not found.group(0).startswith("(") and before.count("(") > before.count(")"):
                return found.group(0)  # "(ACL 2023)": a year inside the venue's own parenthesis is its name's
            if re.match(r"\s*:\s*[A-Z]", venue[found.end() :]) and not found.group("month"):
                return found.group(0)  # "Euro-Par 2020: Parallel Processing": a proceedings' title
            if found.group("month"):
                out.month = out.month or _month_of(found.group("month"))
            return ""

        venue = re.sub(rf"\(?\b(?:(?P<month>{_MONTH})\s+)?{year}\b\)?", drop_date, venue)
        # "Systems, Dec 2020, Vancouver, Canada": the date's commas do not stay behind it
        venue = re.sub(r"\s*,(?:\s*,)+", ",", venue)
    venue = venue.strip(" ,.;")

    def cut(pattern: str, read: Callable[[re.Match[str]], None], flags: int = 0) -> None:
        nonlocal venue
        found = re.search(pattern, venue, flags)
        if found:
            read(found)
            venue = venue[: found.start()] + venue[found.end() :]

    # Volume, pages and the like after the venue ("45(3):2201-2215", "pp. 1-9") are not the venue's name.
    cut(rf"[,.]?\s*(?:pp\.|pages)\s*({_PAGE_RANGE})", lambda m: out.take("pages", m.group(1)))
    # APA's "Proceedings of ... (Vol. 33, pp. 1000-1008)", the pages cut above
    cut(r"\s*\((?:vol\.|volume)\s*(\d+)\)", lambda m: out.take("volume", m.group(1)), re.I)
    # (not the ACL's "Proceedings of ... (Volume 1: Long Papers)", part of the proceedings' name)
    cut(rf",?\s*(?<!\()(?:vol\.|volume)\s*{_VOLUME}.*$", lambda m: _details(out, m.group(0)), re.I)
    # Chicago's volume and number: "Journal of Human Capital 5, no. 2 (Summer): 111-52", "Notes, No. 24-25".
    cut(r"(?:\s+\d+)?,?\s*\bno\.\s*\d[\d\-–]*.*$", lambda m: _details(out, m.group(0)), re.I)
    # The issue may be a name: PACMPL's "7(OOPSLA2):1-27".
    cut(r",?\s*\d+\s*\((?:\d+|[A-Z]+\d*)\)\s*(?::\s*[\w\-–]+)?", lambda m: _details(out, m.group(0)))
    cut(rf":\s*({_PAGE_RANGE})\s*$", lambda m: out.take("pages", m.group(1)))
    cut(r",\s*(\d+\s*[\-–]\s*\d+)\s*[.,]?\s*$", lambda m: out.take("pages", m.group(1)))
    # After a volume ("International Journal of Fatigue 180 (2024), 108090") the number is the article's.
    cut(
        r"(?:,\s*\d+)+\s*[.,]?\s*$",
        lambda m: _numbers(
            out, m.group(0), after_volume=bool(re.search(r"[A-Za-z).]\s+\d{1,4}\s*$", m.string[: m.start()]))
        ),
    )
    # A volume number after a journal's name ("Transactions of the ACL 8"), or MLA's volume.issue ("56.3").
    cut(r"(?<=[A-Za-z)])\s+(\d{1,4})\s*$", lambda m: out.take("volume", m.group(1)))
    cut(r"(?<=[a-z])\s+(\d{1,4})\.(\d{1,3})\s*$", lambda m: _numbers(out, f"{m.group(1)}, {m.group(2)}", issue=True))
    # "Nat. Biotechnol. 40": the abbreviation's period stays for the test below
    cut(r"(?<=[A-Za-z]\.)\s+(\d{1,4})\s*$", lambda m: out.take("volume", m.group(1)))
    cut(r"(?<=[A-Za-z)])[.,]\s*(\d{1,4})\s*$", lambda m: out.take("volume", m.group(1)))
    venue = re.sub(r"\(\s*\)", "", venue)
    venue = re.sub(r"\s+", " ", venue).strip(" ,;:-–")
    series = _SERIES_TAIL.search(venue)
    if series:
        out.take("series", series.group(1))
        venue = venue[: series.start()]
    publisher = _PUBLISHER_TAIL.search(venue)
    if publisher and (publisher.start() > 0 or publisher.group("place") or "Press" in venue or "Verlag" in venue):
        out.take("publisher", publisher.group("pub") or publisher.group("pub2"))
        out.take("address", publisher.group("place") or publisher.group("place2"))
        venue = venue[: publisher.start()].strip(" ,.;:")
        if not venue:
            out.entry_type = out.entry_type or "book"  # "Oxford: Oxford University Press" and nothing else
    out.venue = without_full_stop(_without_place(out, venue).strip()) or None
    return out


def without_full_stop(venue: str) -> str:
    """A venue without the period ending its sentence: an abbreviation keeps its own ("IEEE Trans. Knowl. Data
    Eng."), a word does not ("Nature.")."""
    last = re.search(r"(\w+)\.$", venue)
    abbreviated = len(last.group(1)) <= 5 or _ABBREV.search(venue) if last else False
    if last and not (abbreviated and last.group(1)[:1].isupper() and not last.group(1).isupper()):
        return venue[:-1].rstrip()
    return venue


def read_venue(text: str) -> _Venue:
    """A venue line as the general reader reads it (the fitted homepage importer asks it for the lines its own
    reading leaves citation debris in)."""
    return _year_and_venue(text)


def _numbers(out: _Venue, text: str, *, issue: bool = False, after_volume: bool = False) -> None:
    """Bare numbers after a journal: APA's ", 180, 104433" (volume, then pages or article number), MLA's
    "56.3" (volume and issue)."""
    numbers = re.findall(r"\d+", text)
    if not numbers:
        return
    if "volume" not in out.fields and not after_volume:
        out.take("volume", numbers.pop(0))
    for number in numbers:
        out.take("number" if issue else "pages", number)


def _thesis(out: _Venue, thesis: re.Match[str]) -> _Venue:
    """ "PhD thesis, University of Edinburgh, 2018": the school, not a venue; the kind of thesis is the type."""
    kind = re.sub(r"[\s.']", "", thesis.group("kind") or "").lower()
    if kind.startswith(("m",)):
        out.entry_type = "mastersthesis"
    elif kind.startswith(("ph", "doc", "hab")) or (not kind and thesis.group("what").lower() == "dissertation"):
        out.entry_type = "phdthesis"
    else:
        out.entry_type = "thesis"
    rest = thesis.group("rest")
    dated = re.search(rf"(?:(?P<month>{_MONTH})\s+)?(?:19[5-9]\d|20\d\d)\b", rest)
    if dated and dated.group("month"):
        out.month = _month_of(dated.group("month"))
    out.take("school", _YEAR.sub("", re.sub(rf"\b{_MONTH}\s+(?=(?:19|20)\d\d)", "", rest)).strip(" ,.;()"))
    return out


def _without_place(out: _Venue, venue: str) -> str:
    """The venue without where the conference was held ("(ACL 2023), Toronto, Canada", "(ISSCC), San Francisco,
    CA, USA"), which goes to the remarks: two or more short capitalised parts after the venue's name."""
    parts = venue.split(", ")
    keep = len(parts)
    while keep > 1:
        part = parts[keep - 1].strip()
        if len(part.split()) > 3 or not _PLACE_PART.fullmatch(part) or _VENUE_WORDS.search(part):
            break
        if _ORG_WORDS.search(part):
            break
        keep -= 1
    name = ", ".join(parts[:keep])
    if len(parts) - keep >= 2 and (name.endswith(")") or _VENUE_WORDS.search(name)):
        out.remark(", ".join(parts[keep:]))
        return name
    return venue


# --- links ----------------------------------------------------------------------------------------------------
_LINK_WORDS = (
    r"pdf|paper|arxiv|abs|code|github|project(?: page)?|website|webpage|video|youtube|slides|poster|bibtex|bib|"
    r"abstract|doi|data(?:set)?|demo|blog|talk|supplementary|supp|html|publisher|cite|citation|model|"
    r"openreview|page|proceedings|preprint|huggingface|colab|press|media|presentation|review|reviews|springer|"
    r"acm dl|ieee xplore|semantic scholar|google scholar|pubmed|link|url|award|best paper|"
    # the buttons of scholarly sites' cards (Semantic Scholar, INSPIRE), copied with the text
    r"expand|collapse|show (?:more|less)|read more|save(?: to library)?|create alert|share|export(?: citation)?|"
    r"download|request full-text|semantic reader|add to (?:library|mendeley|zotero)|reference search|claim|datasets"
)
_LINK_ROW = re.compile(rf"^(?:[\s|/·•,;]*\[?\s*(?:{_LINK_WORDS})\s*\]?)+[\s|/·•,;]*$", re.I)
_LEADING_BUTTONS = re.compile(rf"^(?:(?:{_LINK_WORDS})(?:\s+|(?=[A-Z])))+(?=[A-Z])")  # lower-case words only
_BRACKET_TAGS = re.compile(rf"\s*\[\s*(?:{_LINK_WORDS})\s*\]", re.I)
_ARXIV_ID = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf)/|arXiv:\s*)(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?", re.I
)
_DOI_RE = re.compile(r"(?:doi\.org/|doi:\s*)(10\.\d{4,9}/[^\s\"'<>]+)", re.I)


def _link_kind(anchor: str, url: str) -> str:
    text = f"{anchor} {url}".lower()
    if "github.com" in text or "gitlab" in text or re.search(r"\bcode\b", text):
        return "code"
    if re.search(r"\bproject|website|webpage", text):
        return "project"
    if re.search(r"\bdata(set)?\b", text):
        return "data"
    if re.search(r"arxiv|pdf|paper|doi|openreview|proceedings|publisher", text):
        return "paper"
    return "other"


# --- news and non-papers --------------------------------------------------------------------------------------
_NEWS = re.compile(
    r"^\W*(?:\[?\s*(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s*\d{0,2},?\s*)?"
    r"(?:19|20)\d\d(?:[./-]\d{1,2})?\s*\]|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+"
    r"(?:19|20)\d\d\s*[:\-–])",
    re.I,
)
_NEWSY = re.compile(
    r"\b(?:accepted (?:to|at|by)|is accepted|got accepted|will (?:give|present|join)|gave a talk|"
    r"joined|we are hiring|excited to|happy to|I am|I'm|will be|serving as|received the)\b",
    re.I,
)


# --- one entry ------------------------------------------------------------------------------------------------
@dataclass
class _Entry:
    line: int
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    complete: bool = True
    marks: list[str] = field(default_factory=list)
    year: int | None = None
    venue: str | None = None
    note: str | None = None
    month: int | None = None
    fields: dict[str, str] = field(default_factory=dict)  # volume, number, pages ... as PaperRecord.extra holds them
    entry_type: str | None = None
    links: list[Link] = field(default_factory=list)
    arxiv: str | None = None
    arxiv_version: str | None = None
    doi: str | None = None
    raw: str = ""
    doubts: list[str] = field(default_factory=list)
    bib: list[PaperRecord] = field(default_factory=list)
    emphasised: list[str] = field(default_factory=list)  # names shown bold/underlined (the owner, usually)
    abstract: str | None = None  # a page's sentences about the paper (a theme's excerpt, PubMed's snippet)
    untitled: bool = False  # a citation with no title by its style's rule (physics' "Phys. Rev. Lett. 96, 1 (2006)")


_SENTENCE = re.compile(r"(?<=[^\s.A-Z][.?!])\s+(?=[\"“A-Z0-9(\[]|arXiv)|(?<=[a-z]{2}\.)\s+(?=In\s)")
_ABBREV = re.compile(
    r"\b(?:Proc|Conf|Int|Intl|Vol|vol|al|vs|eds?|pp|no|Trans|Adv|J|Jr|Sr|St|Dr|Univ|Inc|Ltd|Symp|"
    # Words of journal abbreviations (ISO 4): "J. Mach. Learn. Res.", "Ann. Statist.", "Phys. Rev. Lett."
    r"Mach|Learn|Res|Ann|Stat|Statist|Math|Phys|Comput|Sci|Eng|Appl|Rev|Lett|Theor|Anal|Syst|Inf|Knowl|Biol|"
    r"Chem|Med|Soc|Assoc|Amer|Am|Natl|Acad|Nat|Neurosci|Psychol|Econ|Optim|Numer|Mol|Oper|Artif|Intell|Robot|"
    r"Commun|Netw|Softw|Program|Lang|Graph|Recognit|Probab|Stoch|Mech|Mater|Environ|Ecol|Evol|Genet|Clin|Geophys|"
    r"Astron|Astrophys|Electron|Autom|Theory|Philos|Hist|Ling|Comp|Biotechnol|Biochem|Biophys|Immunol|Microbiol|"
    r"Neurol|Oncol|Cardiol|Pharmacol|Physiol|Endocrinol|Nanotechnol|Catal|Geosci|Struct|Rep|Mod|Opt|Quant|Nucl|"
    r"Part|Fluid|Solid|Cond|Matter|Lond|Sect|Ser|Bull|Cogn|Behav|Dev|Educ|Manag|Manage|Mark|Financ|Account)\.$"
)


def _sentences(text: str) -> list[str]:
    """Split a one-line citation at sentence ends, but never after an initial ("J. Smith") or "Proc."."""
    out: list[str] = []
    start = 0
    for match in _SENTENCE.finditer(text):
        piece = text[start : match.start()]
        if _ABBREV.search(piece) or re.search(r"(?:^|\s)[A-Z]\.$", piece):
            continue
        out.append(piece.strip())
        start = match.end()
    out.append(text[start:].strip())
    return [p for p in out if p]


def _strip_row(text: str) -> str:
    text = _BRACKET_TAGS.sub("", text)
    # The ACL Anthology's buttons before the title, glued to it when copied ("pdf bib absDialogue Systems ...").
    text = _LEADING_BUTTONS.sub("", text)
    text = re.sub(r"\s*(?:Cited by|Citations?:?)\s*\d+\s*$|^\s*[\d,]+\s+Citations?\s*$", "", text, flags=re.I)
    # A link glued to the end of a title line ("Title PDF" on profile pages).
    text = re.sub(r"(?<=\w)\s+(?:PDF|Code|BibTeX|Slides|Video|Project)\s*$", "", text)
    # Link words left after the citation's last period when the links were copied as text ("... Journal. doi").
    text = re.sub(
        r"(?<=\.)(?:\s+(?:doi|pdf|code|bibtex|bib|slides|video|project page|website|html|supp|github|url))+\s*$",
        "",
        text,
        flags=re.I,
    )
    # A site's field labels ("Authors: ...", "Published: 16 Jan 2025, Last Modified: ...", "Readers: Everyone").
    text = re.sub(r"^\s*(?:Authors?|Venue|Published in)\s*:\s*", "", text)
    text = re.sub(r"(?:Published|Last Modified):\s*\d{1,2}\s+\w+\.?\s+\d{4},?\s*|\s*Readers:.*$", "", text)
    return text.strip()


def _unwrapped(lines: list[Line]) -> list[Line]:
    """A citation a PDF or a narrow page wrapped over lines, rejoined (unwrap.py says when and how)."""
    out: list[Line] = []
    context = " ".join(line.text for line in lines)
    for line in lines:
        previous = out[-1] if out else None
        if previous is not None and unwrap.continues(previous.text, line.text):
            out[-1] = _joined(previous, line, unwrap.join(previous.text, line.text, context))
        else:
            out.append(line)
    return out


def _joined(first: Line, second: Line, text: str) -> Line:
    """Two lines read as one, `text`, with the emphasis and links of both."""
    return Line(
        text,
        first.strong + second.strong,
        first.emph + second.emph,
        first.under + second.under,
        first.links + second.links,
        first.quoted_title or second.quoted_title,
    )


def _read_entry(block: Block) -> _Entry:
    entry = _Entry(line=block.line, raw="\n".join(line.text for line in block.lines))
    block = replace(block, lines=_unwrapped(block.lines))
    lines: list[Line] = []
    orcid = False  # a work of an ORCID record: its title, then its journal, then its date and type
    tldr = False  # the line after "TLDR" is Semantic Scholar's machine summary
    site = listing_lines.site_of([line.text for line in block.lines])  # an INSPIRE or ADS record
    venue_next = False  # the line after Semantic Scholar's fields of study is the venue
    pure: str | None = None  # a Pure portal's "Research output: Contribution to journal › Article › ..."
    anchors: dict[str, str] = {}
    for line in block.lines:
        for anchor, url in line.links:
            _take_link(entry, anchor, url)
            anchors.setdefault(url, anchor)
        for emphasised in (*line.strong, *line.under):
            entry.emphasised.append(emphasised)
        text = line.text
        for match in _ARXIV_ID.finditer(text):
            entry.arxiv = entry.arxiv or match.group(1)
            entry.arxiv_version = entry.arxiv_version or match.group(2)
        doi = _DOI_RE.search(text)
        if doi and not entry.doi:
            entry.doi = doi.group(1).rstrip(".,;)")
        if _LINK_ROW.match(text):
            # "[PDF] [Code] [Best Paper Award]": the award is the paper's, the rest are its links' names.
            for piece in re.split(r"[\[\]|/·•,;]", text):
                if _DISTINCTION.search(piece):
                    _remark(entry, piece)
            continue
        kind = _PURE_KIND.match(text)
        if kind:
            pure = kind.group(1)
            continue
        taken = _orcid_line(entry, text, orcid)
        if taken:
            orcid = orcid or taken == "dated"
            continue
        pmid = _PMID_LINE.match(text)
        if pmid:
            # PubMed's "PMID: 27682033 Free PMC article. Review.": the record's link, and remarks.
            record = f"https://pubmed.ncbi.nlm.nih.gov/{pmid.group(1)}/"
            if all(link.url != record for link in entry.links):
                entry.links.append(Link("paper", record))
            remarks = [r for r in (part.strip(" .") for part in pmid.group(2).split(". ")) if r]
            entry.note = "; ".join(dict.fromkeys([*([entry.note] if entry.note else []), *remarks])) or None
            continue
        labelled = listing_lines.read_line(text, site=site)
        if labelled is not None:  # the labelled lines of INSPIRE, ADS, bioRxiv, SSRN and IEEE Xplore
            if labelled.names:
                lines.append(Line(labelled.names))
            _take_labelled(entry, labelled)
            continue
        text = _strip_row(text)
        if not text or re.fullmatch(r"[\d,\s]+|\*", text):  # a citation count column
            continue
        if not _ARXIV_ID.sub("", _DOI_RE.sub("", text)).strip(" .,;"):
            continue  # an identifier line ("arXiv:2408.01234"), already taken
        if re.match(r"Abstract\b", text, re.I):
            continue
        submitted = re.match(r"Submitted\b.*?\b(19[5-9]\d|20\d\d)\b", text)
        if submitted:  # arXiv's "Submitted 2 August, 2024; originally announced ..."
            entry.year = entry.year or int(submitted.group(1))
            continue
        if "⟨" in text:
            text = _hal_marks(entry, text)
        if text == "TLDR" or tldr:  # Semantic Scholar's machine summary, the site's words and not the authors'
            tldr = text == "TLDR"
            continue
        if _S2_FIELDS.fullmatch(text) and lines and _author_score(lines[-1].text) >= 0.6:
            # Semantic Scholar's fields of study, a line of chips under the names; its venue comes next
            venue_next = True
            continue
        date = _DATE_LINE.fullmatch(text.strip())
        if date:  # "12 June 2017", "Jul 31, 2012", "Mar, 2006": the paper's date, on a line of its own
            entry.year = entry.year or int(date.group("year"))
            entry.month = entry.month or _month_of(date.group("month"))
            continue
        more = _MORE_AUTHORS.search(text)
        if more and _author_score(_MORE_AUTHORS.sub(", ", text)) >= 0.6:
            # Semantic Scholar's "A, B, +10 authors C": the first and last names, some left out between them
            text = _MORE_AUTHORS.sub(", ", text).strip(" ,") + " et al."
        if text.endswith("…") and len(lines) >= 1:
            entry.doubts.append(f"the page cut a line short: {text}")
        if " • " in text:
            text = _bulleted(entry, text)
            if not text:
                continue
        dotted = _DOTTED_DATE.match(text)
        if dotted:  # ResearchGate's "March 2022 · Nature Medicine 28(3):450-460"
            entry.year = entry.year or int(dotted.group(2))
            entry.month = entry.month or _month_of(dotted.group(1) or "")
            text = (dotted.group(3) or "").strip()
            if not text:
                continue
        separator = " · " if " · " in text else " | " if " | " in text else None
        if separator:
            # ResearchGate parts names with middle dots, "[...]" standing for the names it leaves out; the ACL
            # Anthology with bars.
            parts = [part.strip() for part in text.split(separator)]
            if len(parts) >= 2 and all(part == "[...]" or _is_name(part) for part in parts):
                names = [part for part in parts if part != "[...]"]
                text = ", ".join(names) + (" et al." if len(names) < len(parts) else "")
        column = re.match(r"(19[5-9]\d|20\d\d)\s+(?=[A-Z])", text)
        if column and len(text) > 40:  # a year column before the citation (a CMS table copied as text)
            entry.year = entry.year or int(column.group(1))
            text = text[column.end() :]
        if venue_next:
            venue_next = False
            _set_venue(entry, text)
            continue
        lines.append(Line(text, line.strong, line.emph, line.under, line.links, line.quoted_title))
    if pure and lines:
        entry.title = _title_text(lines[0].text)
        rest = [line.text for line in lines[1:]]
        if rest and _pure_citation(entry, rest[0], pure):
            rest = rest[1:]
        elif rest:
            _label_lines(entry, lines)  # not Pure's citation after all: read as any entry
            rest = []
        if rest:  # "Open Access" and the like
            _add_details(entry, {}, None, rest)
        # Pure links every name of its own people and the journal to their portal pages: not the paper's links.
        # The title's link is the paper's record.
        title = _key(entry.title)
        entry.links = [
            Link("paper", link.url) if _key(anchors.get(link.url, "")) == title else link
            for link in entry.links
            if _key(anchors.get(link.url, "")) == title or not _pure_aside(anchors.get(link.url, ""), lines[1:2])
        ]
    elif orcid and lines:
        entry.title = _title_text(lines[0].text)
        # The journal is the block's second line, whatever it says ("arXiv" alone reads as a row of links).
        second = block.lines[1].text.strip() if len(block.lines) > 1 else ""
        if second and not _orcid_line(_Entry(line=0), second, True):
            _set_venue(entry, second)
        rest = [line.text for line in lines[1:] if line.text.strip() != second]
        if rest:
            _add_details(entry, {}, None, rest)
    elif site == "ssrn" and len(lines) == 2 and _author_score(lines[1].text) >= 0.6:
        # SSRN: the title, then (after the facts line) the names; "Venture Debt and Startup Survival" reads
        # as two names, so the order decides.
        entry.title = _title_text(lines[0].text)
        _set_authors(entry, lines[1].text)
    elif len(lines) == 1:
        _label_citation(entry, lines[0])
    elif len(lines) == 2 and _citation_broken_after_title(lines):
        # "J. Doe and A. Ruiz. Title." then "Journal, 21(3):1-30, 2021.": one citation broken after its title
        _label_citation(entry, _joined(lines[0], lines[1], f"{lines[0].text} {lines[1].text}"))
    elif lines and _whole_citation_first(lines):
        # A whole citation, then short lines about it ("Source: conference website", "Best paper award").
        _label_citation(entry, lines[0])
        _add_details(entry, {}, None, [line.text for line in lines[1:]])
    elif lines:
        _label_lines(entry, lines)
    if site == "ssrn" and entry.venue is None:
        entry.venue = "SSRN"  # a working paper posted there, where a reader of the citation finds it
    return entry


def _citation_broken_after_title(lines: list[Line]) -> bool:
    """The first line reads as names and a title with no year, the second as a venue with a year, and the two
    as one citation."""
    head = _Entry(line=0)
    _label_citation(head, lines[0])
    if not (head.authors and head.title) or head.year or _YEAR.search(lines[0].text):
        return False
    if not _YEAR.search(lines[1].text) or _author_score(lines[1].text) >= 0.6:
        return False
    return _whole_citation(Line(f"{lines[0].text} {lines[1].text}"))


def _whole_citation_first(lines: list[Line]) -> bool:
    """The first line is a citation with title, names and year, and every other line is a short remark that
    names nobody (not the parts of one entry spread over lines)."""
    if any(len(line.text) > 60 or _author_score(line.text) >= 0.6 or _YEAR.search(line.text) for line in lines[1:]):
        return False
    return _whole_citation(lines[0])


def _whole_citation(line: Line) -> bool:
    """The line alone reads as a citation with a title, names and a year."""
    probe = _Entry(line=0)
    _label_citation(probe, line)
    return bool(probe.title and probe.authors and probe.year)


# Elsevier's Pure research portals (many universities' profile pages): the title, then the citation
# "Doe, J., Smith, A. & García, A., 1 Mar 2022, In: Nature Medicine. 28, 3, p. 450-460 11 p.", then the kind of
# output ("Research output: Contribution to journal › Article › peer-review").
_PURE_KIND = re.compile(r"^Research output:\s*(.+›.+)$")
# (A name's parts are parted by a space or a hyphen, never both within a part: "[\w-]+(?:-\w+)*" would try every
# split of "Smith-Jones-..." before failing.)
_PURE_NAME = rf"(?:{_PARTICLE}\s+)*[A-ZÀ-ÖØ-Þ][\w'’]+(?:[ -][A-ZÀ-ÖØ-Þ][\w'’]+)*,(?:\s?[A-ZÀ-ÖØ-Þ][a-z]?\.-?)+"
_PURE_CITATION = re.compile(
    rf"^(?P<names>{_PURE_NAME}(?:,? (?:&|and) \d+ others|(?:, {_PURE_NAME})*(?: & {_PURE_NAME})?)),\s+"
    rf"(?:(?:Accepted/In press|E-pub ahead of print|Published|Submitted)\s*-\s*)?"
    rf"(?:\d{{1,2}}\s+)?(?:(?P<month>{_MONTH})\s+)?(?P<year>(?:19|20)\d\d),\s+(?P<rest>.+)$"
)
_PURE_JOURNAL = re.compile(
    r"^In: (?P<journal>.+?)\.(?:\s+(?P<volume>[\w-]+)(?:,\s+(?P<number>[\w/-]+))?"
    rf"(?:,\s+(?:p\.\s*(?P<pages>{_PAGE_RANGE})|(?P<article>[\w-]+)))?)?(?:\s+\d+\s+p\.)?\.?$"
)
_PURE_BOOK = re.compile(
    r"^(?:(?P<book>.+?)\.\s+)?(?:(?P<editors>[^()]+?)\s+\(eds?\.\)\.\s+)?(?!\d+\s+p\.)(?P<publisher>[^.()]+?)"
    rf"(?:,\s+p\.\s*(?P<pages>{_PAGE_RANGE}))?(?:\.?\s+\d+\s+p\.)?"
    r"(?:\s+\((?P<series>[^;()]+?)(?:;\s+vol\.\s+(?P<volume>\w+))?\))?\.?$"
)
_PURE_TYPES = (
    ("doctoral thesis", "phdthesis"),
    ("master's thesis", "mastersthesis"),
    ("thesis", "thesis"),
    ("contribution to journal", "article"),
    ("conference contribution", "inproceedings"),
    ("chapter", "incollection"),
    ("book/report › book", "book"),
    ("book/report › report", "techreport"),
    ("working paper", "techreport"),
    ("preprint", "preprint"),
)


def _pure_aside(anchor: str, citation: list[Line]) -> bool:
    """A link of a Pure citation to a person's or a journal's portal page: its anchor is a name or a part of the
    citation line."""
    anchor = anchor.strip()
    return bool(anchor) and (bool(re.fullmatch(_PURE_NAME, anchor)) or any(anchor in line.text for line in citation))


def _pure_citation(entry: _Entry, text: str, kind: str) -> bool:
    """The names, date, venue and details of a Pure citation; False when `text` is not one."""
    cited = _PURE_CITATION.match(text)
    if not cited:
        return False
    names = cited.group("names")
    others = re.search(r",? (?:&|and) \d+ others$", names)
    if others:
        names = names[: others.start()]
    entry.authors = [found.group(0).strip() for found in re.finditer(_PURE_NAME, names)]
    entry.complete = others is None
    entry.year = int(cited.group("year"))
    month = _month_of(cited.group("month") or "")
    lowered = kind.lower()
    entry.entry_type = next((t for words, t in _PURE_TYPES if words in lowered), None)
    rest = cited.group("rest")
    journal = _PURE_JOURNAL.match(rest)
    book = None if journal else _PURE_BOOK.match(rest)
    if journal:
        entry.venue = journal.group("journal").strip()
        fields = {name: journal.group(name) for name in ("volume", "number", "pages")}
        if journal.group("article") and not fields["pages"]:
            fields["pages"] = journal.group("article")
        _add_details(entry, {k: v for k, v in fields.items() if v}, month, [])
    elif book:
        where = "school" if entry.entry_type in ("phdthesis", "mastersthesis", "thesis") else "publisher"
        fields = {where: book.group("publisher").strip()}
        for name in ("pages", "series", "volume"):
            if book.group(name):
                fields[name] = book.group(name).strip()
        if book.group("editors"):
            editors = [found.group(0).strip() for found in re.finditer(_PURE_NAME, book.group("editors"))]
            fields["editor"] = " and ".join(editors) if editors else book.group("editors").strip()
        entry.venue = book.group("book").strip() if book.group("book") else None
        _add_details(entry, fields, month, [])
    else:
        _set_venue(entry, rest)
        entry.month = entry.month or month
    return True


# ORCID's works list: "2021-03-15 | Journal article" under the title and journal, "Contributors: A; B", and
# the record's identifiers and origin ("Part of ISSN: 1532-429X", "Source: Crossref") on lines of their own.
_ORCID_DATE_TYPE = re.compile(r"^((?:19|20)\d\d)(?:-(\d\d))?(?:-\d\d)?\s*\|\s*([A-Za-z][A-Za-z -]{2,40})$")
_ORCID_FIELD = re.compile(
    r"^(?:Part of )?(ISSN|ISBN|EID|URI|URL|WOSUID|Other identifier type|Source|Contributors)\s*:\s*(.+)$"
)


def _orcid_line(entry: _Entry, text: str, orcid: bool) -> str | None:
    """Takes one of ORCID's lines about a work: "dated" for its date and type, "field" for another; None for
    any other line. "Source: ..." is ORCID's only under a work's date line (`orcid`): elsewhere it is the
    page's own words."""
    dated = _ORCID_DATE_TYPE.match(text)
    if dated:
        entry.year = entry.year or int(dated.group(1))
        if dated.group(2) and 1 <= int(dated.group(2)) <= 12:
            entry.month = entry.month or int(dated.group(2))
        entry.entry_type = entry.entry_type or listing_lines.KIND_WORDS.get(dated.group(3).strip().lower())
        return "dated"
    labelled = _ORCID_FIELD.match(text)
    if not labelled:
        return "field" if text == "Show more detail" else None
    label, value = labelled.group(1), labelled.group(2).strip()
    if label == "Source" and not orcid:
        return None
    if label == "Contributors":
        if not entry.authors:
            for name in value.split(";"):
                name, marks = _clean_name(name)
                if name:
                    entry.authors.append(name)
                    if marks:
                        entry.marks.append(f"{name}{marks}")
        return "field"
    if label in ("ISSN", "ISBN"):
        entry.fields.setdefault(label.lower(), value)
    elif label in ("URI", "URL") and value.startswith(("http://", "https://")):
        _take_link(entry, "paper", value)
    # Which service sent ORCID the record ("Source: Crossref") says nothing about the paper; the entry's raw
    # text keeps it with the other identifiers.
    return "field"


# HAL (the French open archive, and the publication lists institutions build from it) closes each citation with
# identifiers in angle brackets: "... pp.45-78. ⟨10.20382/jocg.v12i2a3⟩. ⟨hal-02912345⟩", a thesis with its
# national number "⟨NNT : 2019SACLS123⟩" and an id from HAL's thesis portal ("tel-").
_HAL_MARK = re.compile(r"[.,]?\s*⟨\s*([^⟩]+?)\s*⟩")
_HAL_ID = re.compile(
    r"(?:hal|tel|inria|halshs|hal[a-z]*|cea|in2p3|insu|ineris|pasteur|ird|emse|ujm|lirmm|irsn|"
    r"cel|medihal|sic|edutice|dumas|mem|ijn|jpa|lpnhe|pastel|ensl|ensta|obspm|)-\d{6,8}(?:v\d+)?"
)
# The language HAL names after a thesis or a paper in the language's own words.
_HAL_LANGUAGES = {
    "français": "french",
    "english": "english",
    "anglais": "english",
    "deutsch": "german",
    "español": "spanish",
    "italiano": "italian",
    "português": "portuguese",
}
# A thesis: "Title. Mathématiques [math]. Université Paris-Saclay, 2019" (the discipline and its HAL domain).
_HAL_THESIS = re.compile(r"\.\s+([^.\[\]]+?)\s+\[([a-z][\w.-]*)\]\.\s+([^.]+?),\s+((?:19|20)\d\d)\.?$")


def _hal_marks(entry: _Entry, text: str) -> str:
    """Takes HAL's bracketed identifiers off a citation line (the DOI, the HAL record as the paper's link, a
    thesis' national number as its link on theses.fr) and its language after them; returns the rest."""
    thesis = False
    for mark in _HAL_MARK.findall(text):
        nnt = re.fullmatch(r"NNT\s*:\s*(\w+)", mark)
        if mark.startswith("10."):
            entry.doi = entry.doi or mark
        elif _HAL_ID.fullmatch(mark):
            thesis = thesis or mark.startswith("tel-")
            _paper_link(entry, f"https://hal.science/{mark}", mark)
        elif nnt:
            thesis = True
            _paper_link(entry, f"https://theses.fr/{nnt.group(1)}", nnt.group(1))
        elif re.fullmatch(r"arXiv\s*:\s*\S+", mark, re.I):
            arxiv = _ARXIV_ID.search(mark)
            entry.arxiv = entry.arxiv or (arxiv.group(1) if arxiv else None)
        else:
            _remark(entry, mark)
    text = _HAL_MARK.sub("", text).rstrip(" .,")
    language = re.search(r"\.\s+(\w+)$", text)
    if language and language.group(1).lower() in _HAL_LANGUAGES:
        entry.fields.setdefault("language", _HAL_LANGUAGES[language.group(1).lower()])
        text = text[: language.start()]
    hal_thesis = _HAL_THESIS.search(text)
    if hal_thesis and thesis:
        entry.fields.setdefault("discipline", hal_thesis.group(1))
        text = f"{text[: hal_thesis.start()]}. PhD thesis, {hal_thesis.group(3)}, {hal_thesis.group(4)}."
    return text


# A date on a line of its own: "12 June 2017" (Semantic Scholar), "Jul 31, 2012" and "Mar, 2006" (INSPIRE).
_DATE_LINE = re.compile(
    rf"(?:\d{{1,2}}\s+)?(?P<month>{_MONTH})(?:\s+\d{{1,2}})?,?\s+(?P<year>(?:19[5-9]|20\d)\d)", re.I
)
_MORE_AUTHORS = re.compile(r",?\s*\+\s*\d+\s+(?:more\s+)?authors?\b,?", re.I)
# Semantic Scholar's fields of study ("Computer Science, Mathematics").
_S2_FIELD = (
    r"(?:Computer Science|Medicine|Chemistry|Biology|Materials Science|Physics|Geology|Psychology|Art|History|"
    r"Geography|Sociology|Business|Political Science|Economics|Philosophy|Mathematics|Engineering|"
    r"Environmental Science|Agricultural and Food Sciences|Education|Law|Linguistics)"
)
_S2_FIELDS = re.compile(rf"{_S2_FIELD}(?:,\s*{_S2_FIELD})*")


def _took_facts(entry: _Entry, block: Block) -> bool:
    """Whether every line of `block` is a results list's date, facts or counter line (no title, names or
    venue), taken into the entry above it."""
    site = listing_lines.site_of(entry.raw.split("\n"))
    read = [listing_lines.read_line(line.text, site=site) for line in block.lines]
    if not all(labelled is not None and not labelled.venue and not labelled.names for labelled in read):
        return False
    for labelled in read:
        _take_labelled(entry, labelled)
    return True


def _take_labelled(entry: _Entry, labelled: listing_lines.Labelled) -> None:
    if labelled.link:
        _paper_link(entry, labelled.link, labelled.link)
    if labelled.arxiv and not entry.arxiv:
        entry.arxiv, entry.arxiv_version = labelled.arxiv, labelled.arxiv_version
    if labelled.venue and entry.venue is None:
        if labelled.year is None:
            _set_venue(entry, labelled.venue)  # "Contribution to: ICHEP 2012"
        else:
            entry.venue = labelled.venue
    entry.year = entry.year or labelled.year
    entry.month = entry.month or labelled.month
    entry.doi = entry.doi or labelled.doi
    entry.entry_type = entry.entry_type or labelled.entry_type
    _add_details(entry, labelled.fields, None, [labelled.remark] if labelled.remark else [])


def _paper_link(entry: _Entry, url: str, key: str) -> None:
    """The record's page of the paper, unless the page already links it (a saved page links the id itself)."""
    for i, link in enumerate(entry.links):
        if link.url.rstrip("/").endswith(key):
            entry.links[i] = Link("paper", link.url)
            return
    entry.links.append(Link("paper", url))


def _bulleted(entry: _Entry, text: str) -> str:
    """The ACM Digital Library's venue line, its parts between bullets: "CHI '22: Proceedings of ... • April 2022
    • Article No.: 123, pp 1–15 • https://doi.org/...". The date, pages and article number are taken; the
    venue's parts come back joined by commas."""
    kept = []
    for part in (p.strip() for p in text.split(" • ")):
        dated = re.fullmatch(rf"(?:({_MONTH})\s+)?(19[5-9]\d|20\d\d)", part)
        numbered = re.fullmatch(rf"(?:Article No\.?:?\s*(\w+))?,?\s*(?:pp\.?\s*({_PAGE_RANGE}))?", part)
        if not part:
            continue
        if dated:
            entry.year = entry.year or int(dated.group(2))
            entry.month = entry.month or _month_of(dated.group(1) or "")
        elif _DOI_RE.search(part) or re.fullmatch(r"https?://\S+", part):
            continue  # the DOI is read from the whole line; a link is the entry's link
        elif numbered and (numbered.group(1) or numbered.group(2)):
            if numbered.group(2):
                entry.fields.setdefault("pages", numbered.group(2))
            if numbered.group(1):
                _add_details(entry, {}, None, [f"Article No. {numbered.group(1)}"])
        else:
            kept.append(part)
    return ", ".join(kept)


# A date before a middle dot: ResearchGate's "March 2022 · Nature Medicine 28(3):450-460", or the date alone.
_DOTTED_DATE = re.compile(rf"^(?:({_MONTH})\s+)?(19[5-9]\d|20\d\d)(?:\s+·\s+(.+)|\s*$)")

# PubMed lists a record's identifier on a line of its own, with what it says of the record after it.
_PMID_LINE = re.compile(r"^[ \t]*PMID:\s*(\d{1,9})\b\.?[ \t]*(.*?)[ \t]*$", re.M)


def _take_link(entry: _Entry, anchor: str, url: str) -> None:
    if not url or url.startswith(("#", "javascript:", "mailto:")):
        return
    match = _ARXIV_ID.search(url)
    if match and not entry.arxiv:
        entry.arxiv, entry.arxiv_version = match.group(1), match.group(2)
    doi = _DOI_RE.search(url)
    if doi and not entry.doi:
        entry.doi = doi.group(1).rstrip(".,;)")
    if url.startswith(("http://", "https://")) and all(link.url != url for link in entry.links):
        entry.links.append(Link(_link_kind(anchor, url), url))


_GIVEN_TOKEN = re.compile(r"[A-ZÀ-ÖØ-Þ](?:[a-zß-öø-ÿ'’-]+|\.)(?:-[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+)?$")


def _surname_first(names: list[str]) -> list[str]:
    """MLA and Chicago start the list with its first author turned round ("Ke, Guolin, Qi Meng, and Taifeng
    Wang"; "Ke, Guolin, et al."), which splits into a surname and a given name: they are one person, written
    in the order the other names have. Any other list comes back as it was."""
    if len(names) < 2:
        return names
    surname, given = (_MARK_RE.sub("", n).strip() for n in names[:2])
    if not re.fullmatch(r"[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'’-]+", surname) or surname.isupper():
        return names
    tokens = given.split()
    # "Booker, M. Keith" is one person; "Smith, J." alone is a surname and initials, read elsewhere.
    initial_only = tokens[0].endswith(".") and (len(tokens) == 1 or tokens[-1].endswith("."))
    if not 1 <= len(tokens) <= 3 or not all(_GIVEN_TOKEN.match(t) for t in tokens) or initial_only:
        return names
    if not all(_is_name(n) for n in names[2:]):
        return names
    return [f"{names[1].strip()} {names[0].strip()}", *names[2:]]


def _set_authors(entry: _Entry, text: str, *, surname_first: bool = False) -> None:
    names, complete = _split_names(_AFFILIATION_MARKS.sub("", text))
    if surname_first:
        names = _surname_first(names)
    entry.complete = complete
    for piece in names:
        name, marks = _clean_name(piece)
        if name:
            entry.authors.append(name)
            if marks:
                entry.marks.append(f"{name}{marks}")


def _set_venue(entry: _Entry, text: str) -> None:
    found = _year_and_venue(text)
    entry.year = entry.year or found.year
    if found.venue and found.venue.lower() not in ("in", "published in"):
        entry.venue = found.venue
    _add_details(entry, found.fields, found.month if found.year in (None, entry.year) else None, found.notes)
    entry.entry_type = entry.entry_type or found.entry_type


def _remark(entry: _Entry, text: str) -> None:
    text = re.sub(r"\s+", " ", text).strip(" ,.;:")
    if text:
        entry.note = "; ".join(dict.fromkeys([*([entry.note] if entry.note else []), text]))


def _add_details(entry: _Entry, fields: dict[str, str], month: int | None, notes: list[str]) -> None:
    """Adds what a venue line said besides the venue; what the entry already holds is kept."""
    for name, value in fields.items():
        entry.fields.setdefault(name, value)
    entry.month = entry.month or month
    remarks = [entry.note] if entry.note else []
    entry.note = "; ".join(dict.fromkeys([*remarks, *notes])) or None


def _label_lines(entry: _Entry, lines: list[Line]) -> None:
    """An entry spread over lines (title / authors / venue, in any order): each line is scored for each part."""
    scored = [(_author_score(line.text), _venue_score(line.text), line) for line in lines]
    # Authors: the best name-list line; the venue: the best venue line that is not it.
    author_line = max(scored, key=lambda s: s[0])
    if author_line[0] < 0.6:
        author_line = None
    rest = [s for s in scored if s is not author_line]
    title_candidates = [
        s
        for s in rest
        if not (s[1] >= 0.5 and not s[2].quoted_title and s is not rest[0])
        and (len(s[2].text.split()) >= 3 or s[2].quoted_title)  # a badge ("ICML") is not a title
    ]
    title = None
    for s in title_candidates:
        line = s[2]
        if (
            line.quoted_title
            or (line.strong and line.strong[0] == line.text)
            or (line.links and line.links[0][0] == line.text)
        ):
            title = s
            break
    if title is None and title_candidates:
        # The first line that does not read as a venue is the title; a year-only line never is.
        for s in title_candidates:
            if not _YEAR_HEADING.match(s[2].text) and _venue_score(_sentences(s[2].text)[0]) < 1.0:
                title = s
                break
    venue_lines = [s for s in rest if s is not title]
    if title is not None:
        text = title[2].text
        # "Title. Venue 2023" on one line under a separate authors line.
        if author_line is not None and (not venue_lines or title[1] >= 0.5):
            parts = _sentences(text)
            if len(parts) >= 2 and _venue_score(" ".join(parts[1:])) >= 0.5:
                text = parts[0]
                _set_venue(entry, " ".join(parts[1:]))
        entry.title = _title_text(text)
    if author_line is not None:
        vancouver = _VANCOUVER_LIST.fullmatch(author_line[2].text.strip())
        if vancouver:  # PubMed's name line: "Obermeyer Z, Powers B, Mullainathan S."
            _set_vancouver_names(entry, vancouver.group(1))
        else:
            _set_authors(entry, author_line[2].text)
    elif title is not None and len(lines) >= 2:
        # No clean name line: a whole citation of the same paper ("Recommended citation: A, B (2024). Title.")
        # gives the names; else the names may share a line with the venue ("A, B. In CVPR 2023").
        for s in venue_lines:
            citation = _Entry(line=0)
            _label_citation(citation, Line(re.sub(r"^\s*[\w ]{0,30}citation:\s*", "", s[2].text, flags=re.I)))
            if citation.authors and _key(citation.title) == _key(entry.title):
                entry.authors, entry.complete, entry.marks = citation.authors, citation.complete, citation.marks
                entry.year = entry.year or citation.year
                venue_lines = [v for v in venue_lines if v is not s]
                # The page's own venue line ("Published in Transactions of the ACL, 2023") names it in full.
                if entry.venue is None and citation.venue and not any(v[1] >= 0.5 for v in venue_lines):
                    entry.venue = citation.venue
                _add_details(entry, citation.fields, citation.month, [])
                break
        for s in venue_lines if not entry.authors else ():
            parts = _sentences(s[2].text)
            if len(parts) >= 2 and _author_score(parts[0]) >= 0.6:
                _set_authors(entry, parts[0])
                venue_lines = [(0.0, 1.0, Line(" ".join(parts[1:])))] + [v for v in venue_lines if v is not s]
                break
    used: list[tuple[float, float, Line]] = []
    for s in sorted(venue_lines, key=lambda s: -s[1]):
        if _YEAR_HEADING.match(s[2].text):
            entry.year = entry.year or int(_YEAR.search(s[2].text).group(1))
        elif entry.venue is None and s[1] >= 0.5:
            _set_venue(entry, s[2].text)
        else:
            continue
        used.append(s)
    for s in venue_lines:  # in the page's order
        text = s[2].text
        if any(s is u for u in used) or _restates(entry, text):
            continue
        if _prose(text):  # a sentence about the paper: its abstract, never a note of the bibliography
            entry.abstract = f"{entry.abstract} {text}" if entry.abstract else text
            continue
        # Whatever else the entry says is kept as its remark ("Oral presentation", "Invited to TACL").
        if entry.year is None and _YEAR.search(text):
            entry.year = int(_YEAR.findall(text)[-1])
        _remark(entry, text)


def _prose(text: str) -> bool:
    """A sentence (or several) of running text: it ends like one and most of its words are lower-case."""
    words = text.split()
    if len(words) < 4 or not re.fullmatch(r"[A-Z\"“].{15,}[.!?…]", text) or _DISTINCTION.search(text):
        return False
    return sum(word[0].islower() for word in words[1:]) * 2 >= len(words) - 1


# Words a line uses to say again where and when the paper appeared ("Published in Proceedings of ACL, 2024").
_RESTATING = re.compile(
    r"\b(?:published|appeared|appears|to appear|accepted|presented|in|at|on|of|the|and|proc|proceedings|"
    r"conference|journal|venue|year|vol|volume|(?:19|20)\d\d)\b",
    re.I,
)


def _restates(entry: _Entry, text: str) -> bool:
    """Whether a line says nothing the entry does not hold: its venue and year again, a badge naming the venue
    ("ICML", "NeurIPS 2023"), or DBLP's number of the entry ("[j4]")."""
    if re.fullmatch(r"\[\w{1,4}\]", text):
        return True
    words = set(re.findall(r"\w+", _RESTATING.sub(" ", text).lower()))
    if not words:
        return True
    known = set(re.findall(r"\w+", f"{entry.venue or ''} {entry.raw}".lower().replace(text.lower(), " ")))
    if words <= known:
        return True
    # A venue's short name beside its long one: "NeurIPS" under "Advances in Neural Information Processing Systems".
    badge = re.fullmatch(r"\s*\(?([A-Z][A-Za-z]*[A-Z][A-Za-z]*)\)?(?:[\s'’]*(?:19|20)?\d\d)?\s*", text)
    return bool(badge) and entry.venue is not None and len(badge.group(1)) <= 10


def _title_text(text: str) -> str:
    text = text.strip()
    quoted = re.fullmatch(r"[\"“](.+?)[,.]?[\"”][,.]?", text)
    if quoted:
        text = quoted.group(1)
    return text.strip().rstrip(",")


# "Doe, J., & Roe, R. (2021). Title. Venue." and ACM's "Jane Doe and Rob Roe. 2021. Title. In Venue."
_APA = re.compile(r"^(.+?)\s*\((19[5-9]\d|20\d\d)[a-z]?(?:,[^)]*)?\)\.?\s*(.+)$")  # Harvard: no period
_ACM = re.compile(r"^(.+?)\.\s+(19[5-9]\d|20\d\d)[a-z]?\.\s+(.+)$")
_APA_THESIS = re.compile(
    r"\s*[(\[](?P<kind>(?:Doctoral|Master'?s|Ph\.?\s?D\.?|Bachelor'?s|Diploma)\s+(?:dissertation|thesis))"
    r"(?:,\s*(?P<school>[^)\]]+))?[)\]]\.?$",
    re.I,
)


_SURNAME_INITIALS = r"[A-ZÀ-ÖØ-Þ][\w'’-]+,\s*(?:[A-Z]\.\s?-?)+"
_SURNAME_FIRST_LIST = re.compile(
    rf"^({_SURNAME_INITIALS}(?:,?\s*(?:and\s+|&\s*)?{_SURNAME_INITIALS})*(?:,?\s*et al\.)?)\s+(?=[A-Z0-9\"“‘'])"
)
# Harvard: "Keane, S. and Adeyemi, T. (2024) 'Title', Journal, 49(3), pp. 301-315." (a single-quoted title)
# or, in the Australian form, "Gray, L 2018, 'Title', Journal, vol. 34, no. 2, pp. 175-194."
_HARVARD = re.compile(
    r"^(.+?)\s*(?:\((19[5-9]\d|20\d\d)[a-z]?\)\.?|,?\s+(19[5-9]\d|20\d\d)[a-z]?,)\s*[‘'](.{8,}?)[’'],\s+(.+)$"
)
# Vancouver (medicine): "Okafor C, Lindahl M. Title. Eur Heart J. 2024;45(12):1021-30." The names are surnames
# followed by their initials without periods; the journal's abbreviation has none either.
_VANCOUVER_NAME = re.compile(
    rf"((?:{_PARTICLE}\s+)*"
    r"[A-ZÀ-ÖØ-Þ][\w'’]+(?:[ -][A-ZÀ-ÖØ-Þa-z][\w'’]+)*)\s+([A-Z]{1,3})"  # no "-" in a part: see _PURE_NAME
)
_VANCOUVER_NAMES = re.compile(rf"^((?:{_VANCOUVER_NAME.pattern}, )*{_VANCOUVER_NAME.pattern}(?:,? et al)?)\.\s+(.+)$")
_VANCOUVER_REST = re.compile(
    r"^(.+?[.?!])\s+([A-Z][^.;:]{0,80}?)(?:\.\s+(19[5-9]\d|20\d\d)(?:\s+([A-Z][a-z]{2})(?:\s+\d{1,2})?)?\s*(?:[;:.]|$)"
    r"|\s+(19[5-9]\d|20\d\d)\s*;)"  # older NLM style: "Br J Cancer 1996;73:1006-12."
)
# What follows the year: "46(3):501-530", "107:1554-5", "53(1):e12-e19".
_VANCOUVER_DETAILS = re.compile(
    rf"\s*(?P<volume>\d+[A-Za-z]?)?\s*(?:\((?P<number>[^()]+)\))?\s*(?::\s*(?P<pages>{_PAGE_RANGE}))?"
)


# A line of Vancouver names alone (PubMed writes the title above it and the journal below).
_VANCOUVER_LIST = re.compile(
    rf"((?:{_VANCOUVER_NAME.pattern}(?:\s+(?:Jr|Sr|2nd|3rd|II|III|IV))?, )*{_VANCOUVER_NAME.pattern}"
    r"(?:\s+(?:Jr|Sr|2nd|3rd|II|III|IV))?(?:,? et al)?)\.?"
)


def _set_vancouver_names(entry: _Entry, names: str) -> None:
    entry.complete = not names.endswith("et al")
    for name in re.sub(r",? et al$", "", names).split(", "):
        suffix = re.search(r"\s+(Jr|Sr|2nd|3rd|II|III|IV)$", name)
        parts = _VANCOUVER_NAME.fullmatch(name[: suffix.start()] if suffix else name)
        if parts is None:  # not expected of a list the pattern matched; the name then stays as written
            entry.authors.append(name)
            continue
        family, initials = parts.groups()
        # Written out the way the other styles give initials, so the names are read the same way.
        written = " ".join(f"{i}." for i in initials) + f" {family}"
        entry.authors.append(f"{written}, {suffix.group(1)}" if suffix else written)


def _vancouver(entry: _Entry, text: str) -> bool:
    cited = _VANCOUVER_NAMES.match(text)
    rest = _VANCOUVER_REST.match(cited.group(cited.lastindex)) if cited else None
    if not cited or not rest:
        return False
    _set_vancouver_names(entry, cited.group(1))
    entry.title = rest.group(1).rstrip(".")
    entry.venue = rest.group(2).strip()
    entry.year = int(rest.group(3) or rest.group(5))
    details = _VANCOUVER_DETAILS.match(rest.string, rest.end())
    fields = {k: re.sub(r"\s+", " ", v.strip()) for k, v in details.groupdict().items() if v} if details else {}
    _add_details(entry, fields, _month_of(rest.group(4) or ""), [])
    return True


# Mathematics (AMS) and physics (APS, AIP) write initials first and part everything with commas: "A. Borel and
# J. Tits, Groupes réductifs, Publ. Math. IHÉS 27 (1965), 55–150." and, with no title at all, "S. Ryu and
# T. Takayanagi, Phys. Rev. Lett. 96, 181602 (2006)."
_INITIALS_NAME = (
    rf"(?:[A-Z][a-z]?\.[\s-]?)+(?:{_PARTICLE}\s+)*[A-ZÀ-ÖØ-Þ][\w'’]+(?:[ -][A-ZÀ-ÖØ-Þ][\w'’]+)?"
    r"(?:,? Jr\.)?"
)
_INITIALS_NAMES = rf"{_INITIALS_NAME}(?:,\s+{_INITIALS_NAME})*(?:,?\s+(?:and|&)\s+{_INITIALS_NAME})?(?:,?\s+et al\.)?"
_AMS_ARTICLE = re.compile(
    rf"^(?P<names>{_INITIALS_NAMES}),\s+(?P<title>[^,].*?),\s+(?P<journal>[A-Z][^,]*?)\s+(?P<volume>\d+)\s+"
    rf"\((?P<year>(?:19|20)\d\d)\)(?:,\s+no\.\s+(?P<number>[\w-]+))?,\s+(?:pp\.\s+)?(?P<pages>{_PAGE_RANGE})"
    r"\.?(?P<rest>.*)$"
)
_APS = re.compile(
    rf"^(?P<names>{_INITIALS_NAMES}),\s+(?P<journal>[A-Z][\w.&\s]*?[\w.])\s+(?P<volume>\d+),\s+"
    rf"(?P<pages>{_PAGE_RANGE})\s+\((?P<year>(?:19|20)\d\d)\)\.?(?P<rest>.*)$"
)
# "J. Doe, Lectures on automorphic forms, Graduate Texts in Mathematics, vol. 250, Springer, New York, 2019."
_AMS_BOOK = re.compile(
    rf"^(?P<names>{_INITIALS_NAMES}),\s+(?P<title>[^,]+),\s+(?P<rest>.*?\b(?:19|20)\d\d)\.?(?P<after>.*)$"
)
_AMS_BOOK_TAIL = re.compile(
    r"(?:(?P<series>[^,]+),\s+vol\.\s+(?P<volume>\w+),\s+)?(?P<publisher>[^,]+)(?:,\s+(?P<address>[^,]+))?,\s+"
    r"(?P<year>(?:19|20)\d\d)"
)


def _comma_citation(entry: _Entry, text: str) -> bool:
    """AMS's and APS's citations (above); the rest after them ("MR4045678") is a remark."""
    article = _AMS_ARTICLE.match(text)
    aps = None if article else _APS.match(text)
    found = article or aps
    if found:
        _set_authors(entry, found.group("names"))
        if article:
            entry.title = article.group("title").strip()
        else:
            entry.untitled = True  # physics cites a journal article by where it is, with no title
        entry.venue = found.group("journal").strip()
        entry.year = int(found.group("year"))
        fields = {"volume": found.group("volume"), "pages": found.group("pages")}
        if article and article.group("number"):
            fields["number"] = article.group("number")
        entry.entry_type = entry.entry_type or "article"
        _add_details(entry, fields, None, [])
        _comma_rest(entry, found.group("rest"))
        return True
    book = _AMS_BOOK.match(text)
    tail = _AMS_BOOK_TAIL.fullmatch(book.group("rest")) if book else None
    if not book or not tail or not _PUBLISHER_TAIL.search(tail.group("publisher")):
        return False
    _set_authors(entry, book.group("names"))
    entry.title = book.group("title").strip()
    entry.year = int(tail.group("year"))
    entry.entry_type = "book"
    fields = {k: v.strip() for k, v in tail.groupdict().items() if v and k != "year"}
    _add_details(entry, fields, None, [])
    _comma_rest(entry, book.group("after"))
    return True


def _comma_rest(entry: _Entry, rest: str) -> None:
    """After an AMS citation: MathSciNet's review number ("MR4045678") links its review; anything else is a
    remark."""
    rest = rest.strip(" .")
    review = re.fullmatch(r"MR\s?(\d{5,8})", rest)
    if review:
        entry.links.append(Link("other", f"https://mathscinet.ams.org/mathscinet-getitem?mr={review.group(1)}"))
    elif rest:
        _remark(entry, rest)


# What RePEc (IDEAS, EconPapers) writes after a title: an article's "Journal, Publisher, vol. 112(3), pages
# 1013-1050, March", a working paper's "Series 31234, Institution" and a chapter's "Series, in: Book, volume 35,
# pages 101-150, Publisher".
_REPEC_ARTICLE = re.compile(
    r"^(?P<journal>[^,]+), (?P<publisher>.+?), vol\. (?P<volume>\w+)(?:\((?P<number>[^()]*)\))?"
    rf"(?:, pages (?P<pages>{_PAGE_RANGE}))?(?:, (?P<month>{_MONTH}))?\.?$"
)
_REPEC_SERIES = re.compile(
    r"^(?P<series>[^,]*?\b(?:Papers?|Series|Reports?|Notes)) (?P<number>[\w./-]*\d[\w./-]*), (?P<institution>.+?)\.?$"
)
_REPEC_CHAPTER = re.compile(
    r"^(?P<series>[^,]+), in: (?P<book>.+?)(?:, volume (?P<volume>\w+))?"
    rf"(?:, pages (?P<pages>{_PAGE_RANGE}))?(?:, (?P<publisher>[^,]+(?:, Inc)?))?\.?$"
)


def _repec_venue(entry: _Entry, text: str) -> bool:
    """The venue and details of a RePEc citation; False when `text` is not in one of its forms."""
    article = _REPEC_ARTICLE.match(text)
    if article:
        entry.venue = article.group("journal").strip()
        fields = {name: article.group(name) for name in ("publisher", "volume", "number", "pages")}
        _add_details(entry, {k: v.strip() for k, v in fields.items() if v}, _month_of(article.group("month") or ""), [])
        entry.entry_type = entry.entry_type or "article"
        return True
    series = _REPEC_SERIES.match(text)
    if series:
        entry.venue = series.group("series").strip()
        _add_details(entry, {"number": series.group("number"), "institution": series.group("institution")}, None, [])
        entry.entry_type = entry.entry_type or "techreport"
        return True
    chapter = _REPEC_CHAPTER.match(text)
    if chapter:
        entry.venue = chapter.group("book").strip()
        fields = {name: chapter.group(name) for name in ("volume", "pages", "publisher")}
        _add_details(
            entry, {"series": chapter.group("series").strip(), **{k: v for k, v in fields.items() if v}}, None, []
        )
        entry.entry_type = entry.entry_type or "incollection"
        return True
    return False


def _label_citation(entry: _Entry, line: Line) -> None:
    """A whole citation on one line, in one of the citation styles or a homepage's own order."""
    text = line.text
    if _vancouver(entry, text) or _comma_citation(entry, text):
        return
    harvard = _HARVARD.match(text)
    if harvard and _author_score(harvard.group(1)) >= 0.6:
        _set_authors(entry, harvard.group(1))
        entry.title = harvard.group(4).strip()
        _set_venue(entry, harvard.group(5))
        entry.year = int(harvard.group(2) or harvard.group(3))
        return
    quoted = re.search(r"[\"“](.{8,}?)[,.]?[\"”]", text)
    if quoted and text.count("(", 0, quoted.start()) > text.count(")", 0, quoted.start()):
        quoted = None  # a title quoted inside a remark ("(an extension of our paper "...")") is not this one's
    if quoted:  # IEEE and friends: Authors, "Title," in Venue, 2023.
        before, after = text[: quoted.start()].strip(" ,.:"), text[quoted.end() :].strip(" ,.")
        year_first = re.search(r"\s*\((19[5-9]\d|20\d\d)[a-z]?\)\.?$", before)
        # Chicago author-date: Surname, Given, and Given Surname. 2023. "Title." Journal 18 (4): 12-20.
        chicago = None if year_first else re.search(r"(?<=[\w.])\.\s+(19[5-9]\d|20\d\d)[a-z]?$", before)
        # RePEc (IDEAS, EconPapers): Jane Doe & John Smith, 2022. "Title," Journal, Publisher, vol. 112(3), ...
        repec = None if year_first or chicago else re.search(r"(?<=\w),\s+(19[5-9]\d|20\d\d)[a-z]?$", before)
        dated = year_first or chicago or repec
        if dated:  # APA with a quoted title: Name, A., & Name, B. (2024). "Title."
            entry.year = int(dated.group(1))
            before = before[: dated.start()].strip(" ,.")
        entry.title = quoted.group(1).strip()
        if before:
            # Only before a quoted title: there "Ke, Guolin" is MLA's (or Chicago's) first author, where
            # elsewhere a comma between two words may part two people.
            _set_authors(entry, before, surname_first=not (year_first or repec))
        if after and not (repec and _repec_venue(entry, after)):
            _set_venue(entry, after)
        return
    for style in (_APA, _ACM):  # authors, the year, then title and venue as sentences
        cited = style.match(text)
        if cited and _author_score(cited.group(1)) >= 0.6:
            # The period before the year may end the last initial ("Galeson, D.W. 1998."): it stays with it.
            names = cited.group(1) + ("." if re.search(r"(?:^|[\s.])[A-Z]$", cited.group(1)) else "")
            _set_authors(entry, names)
            parts = _sentences(cited.group(3))
            entry.title = parts[0].rstrip(".")
            thesis = _APA_THESIS.search(entry.title)
            if thesis:
                # APA's "Title (Doctoral dissertation). School." and "Title [Doctoral dissertation, School].
                # Repository.": the kind and school are the thesis's, the title is what stands before them.
                entry.title = entry.title[: thesis.start()].rstrip(" .")
                school = thesis.group("school") or (parts.pop(1).rstrip(".") if len(parts) > 1 else "")
                _set_venue(entry, f"{thesis.group('kind')}, {school}".strip(" ,"))
                _add_details(entry, {}, None, [p.rstrip(".") for p in parts[1:]])
            elif len(parts) > 1:
                _set_venue(entry, " ".join(parts[1:]))
            entry.year = int(cited.group(2))
            return
    dblp = re.match(r"^(.+?):\s+(.+)$", text)
    springer = dblp and re.fullmatch(
        rf"{_SURNAME_INITIALS}(?:,?\s*(?:and\s+|&\s*)?{_SURNAME_INITIALS})*", dblp.group(1)
    )
    if dblp and ". " not in dblp.group(1) and (_author_score(dblp.group(1)) >= 0.8 or springer):
        _set_authors(entry, dblp.group(1))
        parts = _sentences(dblp.group(2))
        # Springer's "Brandt, H.: Title. In: ..." ends its title with the sentence's period, as APA does.
        entry.title = parts[0].rstrip(".") if springer and len(parts) > 1 else parts[0]
        if len(parts) > 1:
            _set_venue(entry, " ".join(parts[1:]))
        return
    parts = _sentences(text)
    # A sentence never ends after an initial, so names written surname first ("Haddad, R. Title ...") open the
    # first sentence: they are cut off it here.
    lead = _SURNAME_FIRST_LIST.match(parts[0]) if parts else None
    if lead and _author_score(lead.group(1)) >= 0.6:
        parts[:1] = [lead.group(1), parts[0][lead.end() :]]
    # Numbers alone ("40, 55–63 (2022).") go on the sentence before them: a journal's volume, pages and year.
    for i in range(len(parts) - 1, 0, -1):
        if re.match(r"\d", parts[i]) and not re.search(r"[A-Za-z]{2,}", parts[i]) and not _YEAR_HEADING.match(parts[i]):
            parts[i - 1 : i + 1] = [f"{parts[i - 1]} {parts[i]}"]
    # Label each sentence: the name list, the venue (the last venue-like part), the title (the rest).
    author_index = next((i for i, p in enumerate(parts[:3]) if _author_score(p) >= 0.6), None)
    if author_index is not None:
        _set_authors(entry, parts[author_index])
    remaining = [p for i, p in enumerate(parts) if i != author_index]
    venue_index = None
    for i in range(len(remaining) - 1, 0, -1):
        if _venue_score(remaining[i]) >= 0.5:
            venue_index = i
    if venue_index is None and len(remaining) > 1 and _venue_score(remaining[-1]) >= 0.5:
        venue_index = len(remaining) - 1
    if venue_index is None and author_index is not None and len(remaining) == 2 and _venue_shape(remaining[1], line):
        venue_index = 1  # "Title. Authors. Journal Name, 54(2):411-430." with no year or venue word in it
    if remaining:
        title_parts = remaining[: venue_index if venue_index else 1] if venue_index != 0 else remaining[:1]
        entry.title = " ".join(title_parts).rstrip(".") if title_parts else None
        if venue_index is not None:
            _set_venue(entry, " ".join(remaining[venue_index:]))
        elif len(remaining) == 1 and _venue_score(remaining[0]) >= 0.5 and entry.authors:
            entry.doubts.append("the title may include the venue")


_VOLUME_PAGES = re.compile(r"\b\d+\s*\((?:\d+|[A-Z]+\d*)\)|:\s*\d+\s*[-–]\s*\d+|,\s*\d{1,4}\s*[,:]\s*[A-Za-z]?\d+")
_REMARK_WORDS = re.compile(
    r"\b(?:awards?|prize|oral|spotlight|poster|talk|keynote|invited|highlight|honou?rable|nominee|finalist)\b", re.I
)
_SMALL_WORDS = frozenset(["and", "of", "on", "in", "for", "the", "a", "an", "to", "with", "&"])


def _venue_shape(text: str, line: Line) -> bool:
    """A journal's name with no year or venue word in it, after the title and the names: the page shows it in
    italics, or it carries a volume and pages, or it is a short run of capitalised words."""
    text = text.strip().rstrip(".")
    if _REMARK_WORDS.search(text):
        return False  # "Best Paper Award", "Invited talk": a remark on the paper, not where it appeared
    if any(e.strip(" .,") and e.strip(" .,") in text for e in line.emph):
        return True
    if _VOLUME_PAGES.search(text):
        return True
    words = re.findall(r"[^\W\d_][\w'’-]*", text.split(",")[0])
    content = [w for w in words if w.lower() not in _SMALL_WORDS]
    return 1 <= len(content) <= 12 and all(w[0].isupper() for w in content)


# --- the whole page -------------------------------------------------------------------------------------------
@dataclass
class Reading:
    papers: list[PaperRecord]
    warnings: list[ParseWarning]
    sections: list[str]
    owner: OwnerProfile | None


def _bib_records(texts: list[str], context: ParseContext) -> list[PaperRecord]:
    from papershelf.importers.base import get_importer

    records: list[PaperRecord] = []
    for text in texts:
        text = text.strip()
        if not text.startswith("@"):
            continue
        try:
            batch = get_importer("bibtex").parse(text, context)
        except ImporterError:
            continue
        records.extend(batch.papers)
    return records


def _key(title: str | None) -> str:
    return re.sub(r"[^a-z0-9]+", "", (title or "").lower())[:80]


def _shape(text: str) -> str:
    if _LINK_ROW.match(text):
        return "link"
    first = re.match(r"(Published|Recommended|Appeared|Accepted|In|Cited|Citation|Authors?|Venue|Abstract)\b", text)
    if _author_score(text) >= 0.6:
        return "authors"
    kind = "venue" if _venue_score(text) >= 0.5 else "text"
    return f"{kind}:{first.group(1)}" if first else kind


_ID_LINE = re.compile(r"^\s*arXiv:\s*\d{4}\.\d{4,5}(?:v\d+)?\b")


def _regroup(blocks: list[Block]) -> list[Block]:
    """Copied text where every line of an entry stands apart (a blank line after each): runs of one-line
    blocks are cut into entries by the period their line shapes repeat with (title, "Published in ...", ...)."""
    out: list[Block] = []
    run: list[Block] = []

    def flush() -> None:
        starts = [i for i, b in enumerate(run) if _ID_LINE.match(b.lines[0].text)]
        if len(starts) >= 2:
            # Each entry opens with its identifier line (an arXiv search result): cut there.
            out.extend(run[: starts[0]])
            for begin, end in zip(starts, [*starts[1:], len(run)], strict=True):
                chunk = run[begin:end]
                out.append(Block("entry", chunk[0].line, [b.lines[0] for b in chunk], hidden=[]))
            run.clear()
            return
        if len(run) >= 4:
            shapes = [_shape(b.lines[0].text) for b in run]
            for period in range(2, 7):
                pairs = len(shapes) - period
                if len(shapes) < 2 * period or pairs <= 0:
                    break
                same = sum(1 for i in range(pairs) if shapes[i] == shapes[i + period])
                if same >= 0.8 * pairs and len(set(shapes[:period])) > 1:
                    for start in range(0, len(run), period):
                        chunk = run[start : start + period]
                        out.append(
                            Block(
                                "entry",
                                chunk[0].line,
                                [b.lines[0] for b in chunk],
                                hidden=[h for b in chunk for h in b.hidden],
                            )
                        )
                    run.clear()
                    return
        out.extend(run)
        run.clear()

    for block in blocks:
        if block.kind == "entry" and len(block.lines) == 1 and not block.marker:
            run.append(block)
            continue
        flush()
        out.append(block)
    flush()
    # A block that starts with the venue line continues the entry before it when that one has none yet
    # (a profile's title and authors, a blank line, then venue and year).
    merged: list[Block] = []
    for block in out:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and block.kind == "entry"
            and previous.kind == "entry"
            and len(previous.lines) == 1
            and len(block.lines) >= 2
            and _shape(block.lines[0].text) == "authors"
            and _shape(previous.lines[0].text) in ("text", "venue")
            and not any(_shape(line.text) == "authors" for line in previous.lines)
        ):
            previous.lines.extend(block.lines)  # a title, a blank line, then authors and venue (profile pages)
            previous.hidden.extend(block.hidden)
            continue
        if (
            previous is not None
            and block.kind == "entry"
            and previous.kind == "entry"
            and block.lines
            and len(previous.lines) in (2, 3)
            and _shape(block.lines[0].text).startswith("venue")
            and _YEAR.search(block.lines[0].text)
            and not any(_shape(line.text).startswith("venue") for line in previous.lines)
            and _author_score(previous.lines[-1].text) >= 0.6
        ):
            previous.lines.extend(block.lines)
            previous.hidden.extend(block.hidden)
            continue
        merged.append(block)
    return merged


def _one_per_line(block: Block) -> list[Block] | None:
    """A block whose every line is a whole citation (a list copied without blank lines between its items, or
    items parted by <br>): one block per line. None for an entry spread over lines (a title line alone names
    nobody)."""
    if len(block.lines) < 2 or block.hidden:
        return None
    for line in block.lines:
        if len(line.text) < 40 or _LINK_ROW.match(line.text) or not _whole_citation(line):
            return None
    return [Block("entry", block.line + number, [line]) for number, line in enumerate(block.lines)]


def _split_listing(block: Block) -> list[Block] | None:
    """bioRxiv's and medRxiv's results copied with no blank line between them: each one ends with its id line
    (and the "Posted ..." line under it). None when no entry ends inside the block."""
    if block.hidden:
        return None
    texts = [line.text for line in block.lines]
    cuts = [i + 1 for i in range(len(texts) - 1) if listing_lines.ends_entry(texts[i], texts[i + 1])]
    if not cuts:
        return None
    parts, start = [], 0
    for cut in [*cuts, len(texts)]:
        parts.append(Block("entry", block.line + start, block.lines[start:cut]))
        start = cut
    return parts


def read_page(page: Page, context: ParseContext) -> Reading:
    if not page.is_html:
        page = Page(_regroup(page.blocks), page.harvest, False)
    else:
        # A heading written as a paragraph (<p><b>Publications</b></p>) is a heading all the same.
        page = Page(
            [
                Block("heading", b.line, [Line(b.lines[0].text.rstrip(":").strip())], level=3)
                if b.kind == "entry"
                and len(b.lines) == 1
                and not b.hidden
                and not _YEAR_HEADING.match(b.lines[0].text)
                and _text_heading(b.lines[0].text)
                else b
                for b in page.blocks
            ],
            page.harvest,
            True,
        )
    warnings: list[ParseWarning] = []
    sections: list[str] = []
    has_pub_heading = any(b.kind == "heading" and _heading_kind(b.text) == "pub" for b in page.blocks)
    in_pub = not has_pub_heading
    pub_level = 0
    year: int | None = None
    section_name = "the page" if not has_pub_heading else ""
    section_line = 0
    counts: dict[tuple[str, int], int] = {}
    entries: list[tuple[_Entry, int | None, tuple[str, int]]] = []
    loose_bib: list[PaperRecord] = []
    for block in page.blocks:
        if block.kind == "heading":
            kind = _heading_kind(block.text)
            if kind == "pub":
                in_pub, pub_level, year = True, block.level, None
                section_name, section_line = block.text, block.line
            elif kind == "year":
                year = int(_YEAR.search(block.text).group(1))
                if not in_pub and not has_pub_heading:
                    in_pub = True
            elif kind == "other":
                if in_pub or not sections or sections[-1] != f"{block.text} section ignored":
                    sections.append(
                        f"{block.text} section ignored (line {block.line})"
                        if block.line
                        else f"{block.text} section ignored"
                    )
                in_pub = False
            elif in_pub and has_pub_heading and pub_level and block.level < pub_level:
                in_pub = False  # a bigger heading than the publication section's: a new part of the page
            continue
        if not in_pub:
            continue
        if len(block.lines) == 1 and not block.hidden and _YEAR_HEADING.match(block.lines[0].text):
            year = int(_YEAR.search(block.lines[0].text).group(1))  # a year standing alone (DBLP's year rows)
            continue
        where = (section_name, section_line)
        if block.lines and all(_LINK_ROW.match(line.text) for line in block.lines) and entries:
            for line in block.lines:  # a link row set apart from its entry ("PDF Cite Code")
                for anchor, url in line.links:
                    _take_link(entries[-1][0], anchor, url)
            continue
        if entries and block.lines and _took_facts(entries[-1][0], block):
            continue  # bioRxiv's "Posted January 17, 2023." set apart from its entry
        bibs = _bib_records(block.hidden, context)
        if not block.lines:
            loose_bib.extend(bibs)
            continue
        for part in _one_per_line(block) or _split_listing(block) or [block]:
            entry = _read_entry(part)
            entry.bib = bibs if part is block else []
            entries.append((entry, year, where))
    papers: list[PaperRecord] = []
    by_title: dict[str, int] = {}
    for entry, heading_year, where in entries:
        record, problem = _record(entry, heading_year)
        if record is None:
            line = f"line {entry.line}" if entry.line else "position unknown"
            warnings.append(ParseWarning(entry.line, f"skipped, not a paper ({problem}): {_short(entry.raw)}"))
            del line
            continue
        counts[where] = counts.get(where, 0) + 1
        by_title.setdefault(_key(record.title), len(papers))
        papers.append(record)
    # BibTeX shown apart from the entries (a <pre> after the list, a bib dump in text): it completes the visible
    # entry of the same title, or stands as its own record.
    for bib in loose_bib:
        index = by_title.get(_key(bib.title))
        if index is not None:
            papers[index] = _merge_bib(papers[index], bib)
        elif bib.title:
            by_title[_key(bib.title)] = len(papers)
            papers.append(bib)
            counts[("BibTeX blocks", 0)] = counts.get(("BibTeX blocks", 0), 0) + 1
    for harvested in page.harvest.records:
        index = by_title.get(_key(str(harvested.get("title") or "")))
        record = _harvested_record(harvested)
        if record is None:
            continue
        if index is not None:
            papers[index] = _fill(papers[index], record)
        elif not papers or harvested.get("via") != "citation_* meta tags":
            by_title[_key(record.title)] = len(papers)
            papers.append(record)
            counts[(str(harvested.get("via")), 0)] = counts.get((str(harvested.get("via")), 0), 0) + 1
    found = []
    for (name, line), count in counts.items():
        label = (
            name
            if name in ("the page", "BibTeX blocks") or "meta" in name or "COinS" in name or "JSON" in name
            else f"{name} section"
        )
        found.append(f"{label}{f' (line {line})' if line else ''}: {count} {'entry' if count == 1 else 'entries'}")
    sections[:0] = found  # in the page's order, before the sections ignored
    for record in papers:
        if record.extra.get("check_me"):
            warnings.append(ParseWarning(record.line, f"check me: {record.title!r}: {record.extra['check_me']}"))
    emphasised = [_clean_name(text)[0] for entry, _, _ in entries for text in entry.emphasised]
    owner = _owner(page, papers, context, emphasised)
    return Reading(papers, warnings, sections, owner)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 70 else text[:67] + "..."


def _record(entry: _Entry, heading_year: int | None) -> tuple[PaperRecord | None, str]:
    """The entry as a record, or None and why it is not a paper."""
    if entry.bib:
        bib = entry.bib[0]
        visible = _visible_record(entry, heading_year)
        return _merge_bib(visible, bib) if visible else bib, ""
    if _NEWS.match(entry.raw) or (_NEWSY.search(entry.raw) and not entry.authors):
        return None, "a news line"
    if entry.untitled and entry.authors and entry.venue and entry.year:
        return _visible_record(entry, heading_year), ""
    if not entry.title or len(entry.title) < 8 or len(entry.title.split()) < 2:
        return None, "no title"
    if not entry.authors and not entry.year and not heading_year and not entry.arxiv and not entry.doi:
        return None, "no authors and no year"
    if len(entry.title) > 300:
        return None, "a title this long is prose"
    if entry.title and _author_score(entry.title) >= 0.9 and not entry.authors:
        return None, "only names"
    if entry.authors and sum(1 for name in entry.authors if _is_name(name)) * 2 < len(entry.authors):
        return None, "prose, not a list of authors"
    if len(entry.raw) > 1500 and not entry.venue:
        return None, "a long text without a venue"
    if not (entry.year or entry.venue or entry.arxiv or entry.doi) and listing_lines.is_organisation(entry.title):
        return None, "a person and their affiliation"  # a profile's head: "Jane Doe / University of Chicago"
    record = _visible_record(entry, heading_year)
    return record, ""


def _visible_record(entry: _Entry, heading_year: int | None) -> PaperRecord | None:
    if not entry.title and not entry.untitled:
        return None
    doubts = list(entry.doubts)
    if not entry.authors:
        doubts.append("no authors found")
    year = entry.year or heading_year
    if year is None:
        doubts.append("no year found")
    if entry.title and (_YEAR.search(entry.title) and _VENUE_WORDS.search(entry.title)):
        doubts.append("the title looks like it holds a venue")
    extra: dict[str, str] = {}
    if entry.marks:
        extra["author_marks"] = "; ".join(entry.marks)
    if doubts:
        extra["check_me"] = "; ".join(doubts)
    extra.update(entry.fields)
    entry_type = entry.entry_type
    if entry_type is None and entry.venue and re.search(r"arxiv|preprint", entry.venue, re.I):
        entry_type = "preprint"
    elif entry_type is None and entry.venue and "volume" in entry.fields and "number" in entry.fields:
        # A volume with an issue is a journal's ("Computational Linguistics. 2020;46(3):501-530"), whose name alone
        # may not say so: without the type it would be exported as @misc, where the issue has no place.
        entry_type = "article"
    elif (
        entry_type is None
        and entry.venue
        and {"volume", "pages"} <= entry.fields.keys()
        and not re.search(r"proc|conf|workshop|sympos|meeting|congress|lecture notes|lncs|book", entry.venue, re.I)
    ):
        entry_type = "article"  # "Nature Phys. 17, 1234 (2021)": a journal's volume and pages
    return PaperRecord(
        line=entry.line,
        title=entry.title,
        authors=tuple(entry.authors),
        authors_complete=entry.complete and bool(entry.authors),
        year=year,
        date=f"{year:04d}-{entry.month:02d}" if year and entry.month else None,
        venue=entry.venue,
        entry_type=entry_type,
        arxiv_id=entry.arxiv,
        arxiv_version=entry.arxiv_version,
        doi=entry.doi,
        links=tuple(entry.links),
        note=entry.note,
        abstract=entry.abstract,
        has_code=any(link.kind == "code" for link in entry.links),
        extra=extra,
        raw=entry.raw,
    )


def _merge_bib(visible: PaperRecord, bib: PaperRecord) -> PaperRecord:
    """The BibTeX record is exact; the visible entry adds its links, identifiers and position."""
    extra = dict(bib.extra)
    extra.pop("check_me", None)
    if "author_marks" in visible.extra:
        extra["author_marks"] = visible.extra["author_marks"]
    return replace(
        bib,
        line=visible.line,
        title=bib.title or visible.title,
        authors=bib.authors or visible.authors,
        authors_complete=bib.authors_complete if bib.authors else visible.authors_complete,
        year=bib.year or visible.year,
        venue=bib.venue or visible.venue,
        arxiv_id=bib.arxiv_id or visible.arxiv_id,
        doi=bib.doi or visible.doi,
        links=tuple(dict.fromkeys((*bib.links, *visible.links))),
        has_code=bib.has_code or visible.has_code,
        note=bib.note or visible.note,
        abstract=bib.abstract or visible.abstract,
        extra=extra,
        raw=visible.raw or bib.raw,
    )


def _harvested_record(data: dict[str, object]) -> PaperRecord | None:
    title = str(data.get("title") or "").strip()
    if not title:
        return None
    authors = tuple(str(a) for a in data.get("authors") or () if str(a).strip())  # type: ignore[union-attr]
    year = data.get("year")
    return PaperRecord(
        line=0,
        title=title,
        authors=authors,
        authors_complete=bool(authors),
        year=year if isinstance(year, int) else None,
        venue=str(data.get("venue") or "") or None,
        doi=str(data.get("doi") or "") or None,
        arxiv_id=str(data.get("arxiv") or "") or None,
        extra={"harvested_from": str(data.get("via"))},
    )


def _fill(visible: PaperRecord, harvested: PaperRecord) -> PaperRecord:
    return replace(
        visible,
        authors=visible.authors or harvested.authors,
        authors_complete=visible.authors_complete if visible.authors else harvested.authors_complete,
        year=visible.year or harvested.year,
        venue=visible.venue or harvested.venue,
        doi=visible.doi or harvested.doi,
        arxiv_id=visible.arxiv_id or harvested.arxiv_id,
    )


def _owner(
    page: Page, papers: list[PaperRecord], context: ParseContext, emphasised: Sequence[str] = ()
) -> OwnerProfile | None:
    """Whose page it is: --owner; else a name in the page's title ("Publications – Maria Rossi"), first heading
    or first line that is an author of most entries, in any of its spellings ("M. Rossi", "Rossi, M."); else
    the name shown bold or underlined in most author lists; else the one name on every entry of a long list."""
    if context.owner:
        return OwnerProfile(name=context.owner)
    if not papers:
        return None
    half = max(2, (len(papers) + 1) // 2)
    lists = [[parse_name(name) for name in record.authors] for record in papers]

    def support(name: str) -> int:
        wanted = parse_name(name)
        return sum(1 for people in lists if any(names_relation(wanted, person) for person in people))

    candidates = [page.harvest.h1, *re.split(r"\s[|·•:–—-]\s|\s*[|·•]\s*", page.harvest.title)]
    # A copied page keeps no <title>: its name stands on one of its first lines ("Curriculum Vitae" / "Kwame Asante").
    candidates += [b.lines[0].text for b in [b for b in page.blocks if b.lines][:3]]
    for candidate in candidates:
        candidate = re.sub(
            r"^(?:publications?|papers)\s+(?:of|by)\s+|'s\s+(?:publications?|papers|homepage)$",
            "",
            (candidate or "").strip(),
            flags=re.I,
        ).strip()
        if candidate and _is_name(candidate) and support(candidate) >= half:
            return OwnerProfile(name=candidate, line=0)
    written = list(dict.fromkeys(name for record in papers for name in record.authors))

    def fullest(name: str) -> str:
        """The owner named as the lists write them (never a bold "Okafor C"), initials last."""
        wanted = parse_name(name)
        spellings = [n for n in written if names_relation(parse_name(n), wanted)] or [name]
        return max(spellings, key=lambda n: (not parse_name(n).is_initials, len(parse_name(n).given), "," not in n, n))

    # Bold or underlined in the author lists: the usual mark of the page's owner.
    shown = [name for name in dict.fromkeys(emphasised) if _is_name(name)]
    if shown:
        best = max(shown, key=lambda name: (support(name), len(parse_name(name).given)))
        if support(best) >= half:
            return OwnerProfile(name=fullest(best))
    # One person, in some spelling, on every entry of a list of three or more.
    if len(papers) >= 3 and written:
        best = max(written, key=support)
        if support(best) == len(papers):
            return OwnerProfile(name=fullest(best))
    return None


_SNIFF_FIRST = 8_000  # characters of a long text judged first
_SNIFF_ENOUGH = 5  # papers read well at which the sniff score stops growing


def _papers_read_well(text: str, listed: bool) -> int | None:
    """How many papers the text gives that are not in doubt; None when it has no publication heading."""
    page = read_text(text, _text_heading)
    if not listed and not any(b.kind == "heading" and _heading_kind(b.text) in ("pub", "year") for b in page.blocks):
        return None
    reading = read_page(page, ParseContext())
    return sum(1 for p in reading.papers if not p.extra.get("check_me"))


class PageImporter(Importer):
    """Any publication page, HTML or copied text, read in general (not fitted to one site)."""

    name = "page"
    label = "publication page"
    extensions = (".html", ".htm", ".mhtml", ".mht", ".txt", ".md", ".markdown")

    def sniff(self, text: str) -> float:
        """HTML is always this reader's; text is, when it finds entries under publication headings. It stays
        under the exact importers' scores on their own families (they see their layouts in full)."""
        sample = text[:200_000]
        if looks_like_html(sample) or looks_like_markdown(sample):
            return 0.95  # markup: the general reader sees its bold, italics and links
        # arXiv's, PubMed's, INSPIRE's, ADS's, bioRxiv's, SSRN's and IEEE Xplore's result lists may have no
        # heading: their identifier and facts lines show the list ("arXiv:", "PMID:", "e-Print:", a bibcode ...).
        listed = (
            len(re.findall(r"(?m)^arXiv:\d", sample)) >= 2
            or len(_PMID_LINE.findall(sample)) >= 2
            or sum(1 for line in sample.split("\n") if listing_lines.is_listing_line(line)) >= 2
        )
        # A cheap look first: most texts that are not publication pages have no such heading at all.
        if not listed and not any(
            _text_heading(line) and _heading_kind(line.strip().rstrip(":").strip()) in ("pub", "year")
            for line in sample.split("\n")
            if len(line) <= 60
        ):
            return 0.0
        # The score stops growing at five papers read well: a long list is judged from its start first, and
        # read whole (up to the sample) only when its start does not show five.
        cut = sample.find("\n\n", _SNIFF_FIRST)
        good = None
        for part in (sample[:cut], sample) if cut > 0 else (sample,):
            good = _papers_read_well(part, listed)
            if good is not None and good >= _SNIFF_ENOUGH:
                break
        if good is None:
            return 0.0
        if good == 0:
            return 0.1
        return min(0.55, 0.3 + 0.05 * good)

    def parse(self, text: str, context: ParseContext) -> ImportBatch:
        if not text.strip():
            raise ImporterError("the page is empty", source=context.source_name)
        if looks_like_html(text):
            page = read_html(text, context.source_name)
        else:
            page = read_text(text, _text_heading, markdown=looks_like_markdown(text[:200_000]))
        reading = read_page(page, context)
        if not reading.papers:
            skipped = [w for w in reading.warnings if w.message.startswith("skipped")]
            why = f"; {len(skipped)} entries read were not papers" if skipped else ""
            raise ImporterError(
                f"no publication list was found on this page{why}. {WHAT_IS_ACCEPTED}", source=context.source_name
            )
        warnings = [ParseWarning(0, "; ".join(reading.sections))] if reading.sections else []
        warnings.extend(reading.warnings)
        return ImportBatch(format=self.name, owner=reading.owner, papers=reading.papers, warnings=warnings)


register(PageImporter())
