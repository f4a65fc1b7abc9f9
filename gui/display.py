"""Turns library values into the short, readable strings the views show: author lists, titles, abstracts, years.

Qt-free so the rules are tested without a window. It formats; it must not query the library or change data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from papershelf.model.types import AuthorRef, Paper

# A value is run through the LaTeX converter only when it contains one of these: most titles have none,
# and the converter costs about a millisecond per string, which matters when a table page is filled.
_LATEX_HINT = re.compile(r"[\\$^_{}~%]")
# What an author cell says when no source names anybody (arXiv listings): readable, and shown muted like the
# untitled fallback, instead of a bare "et al." that reads like a glitch.
NO_AUTHORS = "authors not listed"
# A % not already escaped: LaTeX reads it as "comment to end of line" and would eat the rest of an
# abstract such as "improves accuracy by 5% on ...".
_BARE_PERCENT = re.compile(r"(?<!\\)%")


def short_authors(
    authors: Sequence[AuthorRef], *, complete: bool = True, limit: int = 3, also: Sequence[AuthorRef] = ()
) -> str:
    """ "Lin, Yang, Men et al." for a table cell: family names of the first `limit` people.

    "et al." also closes a list a page gave as partial (`complete` False), so the cell does not claim more
    than the sources know. `also` are people known to be authors without a place in the list (the owner of
    the page that listed the paper): with no list at all they are what the cell can honestly show.
    """
    names = [_short_name(ref) for ref in authors]
    if not names:
        if also:
            return "incl. " + ", ".join(_short_name(ref) for ref in also[:limit])
        return NO_AUTHORS
    if len(names) > limit:
        return ", ".join(names[:limit]) + " et al."
    if not complete:
        return ", ".join(names) + " et al."
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _short_name(ref: AuthorRef) -> str:
    return ref.family or ref.name or ref.as_written


def full_authors(authors: Sequence[AuthorRef], *, complete: bool = True, also: Sequence[AuthorRef] = ()) -> str:
    """Every name in order, for tooltips and the detail pane's plain-text fallbacks."""
    text = ", ".join(ref.name for ref in authors)
    if not text:
        text = NO_AUTHORS
    elif not complete:
        text = f"{text} et al."
    if also:
        text += ("; " if text else "") + "also by " + ", ".join(ref.name for ref in also)
    return text


@lru_cache(maxsize=4096)
def readable_latex(text: str | None) -> str:
    """LaTeX markup and math made readable: `$\\beta$-DPO` becomes "β-DPO", `\\textbf{X}` becomes "X".

    Text without LaTeX comes back unchanged; text the converter cannot read comes back as written rather than
    raising, since a page's abstract is never worth an error in the interface.
    """
    if not text:
        return ""
    if not _LATEX_HINT.search(text):
        return text
    converter = _converter()
    try:
        converted = converter.latex_to_text(_BARE_PERCENT.sub(r"\\%", text))
    except Exception:  # pylatexenc raises assorted errors on broken input; the raw text is still readable
        return text
    converted = converted.replace("\xa0", " ").replace("<cit.>", "[…]")
    return re.sub(r"[ \t]{2,}", " ", converted).strip() or text


@lru_cache(maxsize=1)
def _converter():
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text", strict_latex_spaces=False, keep_comments=False)


def display_title(paper: Paper) -> str:
    """The title as a reader wants it: LaTeX made readable, or a clear fallback for untitled records."""
    if paper.title:
        return readable_latex(paper.title)
    return paper.display_title


def readable_abstract(abstract: str | None) -> str:
    """The abstract with LaTeX made readable and the line breaks of the source page folded away."""
    if not abstract:
        return ""
    paragraphs = [" ".join(part.split()) for part in re.split(r"\n\s*\n", abstract)]
    return "\n\n".join(readable_latex(part) for part in paragraphs if part)


def year_range(years: Iterable[int | None]) -> str:
    """ "2019–2021" for a span, "2020" for one year, "" when no year is known."""
    known = sorted({year for year in years if year})
    if not known:
        return ""
    if known[0] == known[-1]:
        return str(known[0])
    return f"{known[0]}–{known[-1]}"


def venue_and_year(paper: Paper) -> str:
    """ "NeurIPS 2021", "arXiv", "2023", or ""; an inferred year is marked so nobody cites it blindly."""
    year = ""
    if paper.year:
        year = f"{paper.year}?" if paper.date_inferred else str(paper.year)
    parts = [readable_latex(paper.venue) if paper.venue else "", year]
    return " ".join(part for part in parts if part)


def short_date(timestamp: str | None) -> str:
    """The local calendar date of an ISO timestamp ("2025-11-20"), or the text as given if it is not one."""
    if not timestamp:
        return ""
    try:
        moment = dt.datetime.fromisoformat(timestamp)
    except ValueError:
        return timestamp[:10]
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.date().isoformat()


# Source formats as a reader names them (model/store.py FORMAT_PRIORITY lists the formats).
FORMAT_LABELS = {
    "homepage": "homepage",
    "aggregator": "aggregator profile",
    "arxiv-listing": "arXiv listing",
    "scholarly-profile": "scholarly profile",
    "bibtex": ".bib file",
    "lookup-arxiv": "looked up on arXiv",
    "lookup-crossref": "looked up on Crossref",
}
# The lookup services are one source each; their "file" is the service's name, so they read as this instead.
LOOKUP_SOURCE_LABELS = {"lookup-arxiv": "arXiv lookups", "lookup-crossref": "Crossref lookups"}


def format_label(fmt: str) -> str:
    """ "arXiv listing" for "arxiv-listing": the human name of a source's format (unknown ones as written)."""
    return FORMAT_LABELS.get(fmt, fmt)


def source_label(fmt: str, file: str, owner_name: str | None) -> str:
    """A source as the sidebar names it: "Junyang Lin · homepage", ".bib file · mine.bib", "arXiv lookups"."""
    if fmt in LOOKUP_SOURCE_LABELS:
        return LOOKUP_SOURCE_LABELS[fmt]
    kind = format_label(fmt)
    return f"{owner_name} · {kind}" if owner_name else f"{kind} · {file}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """ "1 paper", "3 papers"."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"
