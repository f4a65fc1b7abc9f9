"""Importer for personal academic homepages saved as text: who the page is about, and its list of papers.

A homepage is prose written for people: a name heading, a line with the position, an "Intro"/"About" block,
a heading such as "Selected Papers:" or "Publications", then citation-shaped entries
("Name, Name. Title. Venue Year. [Paper] [Code]"), and often blog posts, activities or web-template filler
after them. This module finds the owner and the entries under publication headings and splits each entry
into its fields exactly as the page writes them.

It must not normalise: names stay as written (no first/last parsing), venues keep the page's spelling (no
canonical names), identifiers are not canonicalised; the pipeline does that after import. It must not touch
the library, and it must raise nothing but ImporterError while staying linear on any input, however large
or strange (the fuzz tests hold it to both).

Choices worth knowing:
- `interests` are the comma-separated items of the first sentence under "Research Interests"; any further
  sentence there ("Notably I focus on ...") is kept in `owner.extra["interests_note"]`, not in the bio.
- "[Paper]"/"[Code]" style tags are markers, not links: they are listed in `extra["markers"]` and "[Code]"
  sets `has_code`. Real URLs in an entry become `links`.
- A trailing parenthesised remark after the venue ("(Note that ...)", "(Oral)") is the entry's `note`;
  volume, number and pages trailing a venue ("45(3):2201-2215", "pp. 1-9") go to `extra`, not the venue.
- Without any publications heading, only unmistakable citations (authors, title and a year) are taken.
- Entries spread over several lines must be separated by a blank line or start with a number or bullet;
  a title-first layout ("Title" / "Authors" / "Venue" on their own lines) is understood within one entry.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from papershelf.importers import unwrap
from papershelf.importers.base import Importer, register
from papershelf.importers.errors import ImporterError
from papershelf.importers.page_reader import read_venue, without_full_stop
from papershelf.importers.truncation import cut_entry, ends_mid_sentence, maybe_cut, usual
from papershelf.model.records import ImportBatch, Link, OwnerProfile, PaperRecord, ParseContext, ParseWarning

# A citation is never this long; longer blocks are prose, and skipping them bounds the work per block.
_MAX_ENTRY_CHARS = 6000
# No single author name (or "A and B" pair) is longer than this, so the search for the end of the author
# list never looks further into a piece; this keeps the parse linear on adversarial text.
_MAX_NAME_SPAN = 200
_MAX_AUTHORS = 5000
# A marker or remark ("[Code]", "(Oral)") is short; a longer open bracket at a cut is the entry's own text.
_MAX_OPEN_TAIL = 40
# Sniffing looks at the start of the text only: enough to recognise a page, cheap on huge inputs.
_SNIFF_CHARS = 200_000
_SNIFF_BLOCKS = 300
# The owner block sits at the top of the page; a name heading further down is something else.
_OWNER_SCAN_LINES = 40

_MARKS = "*†‡§¶#✉∗"  # equal-contribution and corresponding-author marks glued to names


def _words(text: str) -> frozenset[str]:
    """A vocabulary written as one whitespace-separated string (readable, and one line per many words)."""
    return frozenset(text.split())


_QUOTES_OPEN = "\"“'‘"
_PARTICLES = _words("van von der den de del della di da du dos das la le ten ter bin binti ibn al el y zu")
# Capitalised words that start titles, headings and template text but are never part of a person's name.
_NOT_NAME_WORDS = _words(
    """the this that these those we our it its in on for of and with using via is are to from by towards toward
    learning deep neural network networks model models paper papers selected publications publication
    research google scholar github email e-mail address contact about me home homepage intro introduction
    interests interest academic academics activities blog news reviewer heading level item elements text
    table lists default alternate buttons form actions icons preformatted blockquote unordered ordered
    welcome department university institute school lab laboratory group professor student researcher
    engineer scientist assistant associate lecturer postdoc code data abstract proceedings journal
    conference workshop arxiv preprint preprints note see also page profile contents teaching talks awards
    projects service cv resume office phone links misc miscellaneous curriculum vitae vita résumé biography
    bibliography personal statement updated"""
)
_CJK_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF))
_CJK_RE = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _CJK_RANGES) + "]+")
# Site chrome that can stand where an owner's name goes ("Sign in", "Trust snapshot", "Follow"); only the
# owner-name test uses it, so no author's name is refused for containing one of these words.
_CHROME_WORDS = _words(
    """sign log login logout follow following followers share menu search settings account dashboard explore
    trending overview snapshot feed notifications claim claimed"""
)

# Generational suffixes ("Hans van der Berg Jr."): part of the name, like an initial.
_NAME_SUFFIXES = _words("Jr. Jr Sr. Sr II III IV")
_INITIALS_RE = re.compile(r"(?:[A-Z]\.-?){1,4}|[A-Z]")
_ET_AL_TAIL_RE = re.compile(r"(?:^|\s)(?:et\.?\s*al\.?|and\s+others)$", re.IGNORECASE)
_AND_SPLIT_RE = re.compile(r"\s+(?:and|&)\s+")
_YEAR_RE = re.compile(r"(?<![\w.:/-])((?:19[5-9]|20\d)\d)[a-z]?(?!\w|\.\d)")
_LEAD_YEAR_RE = re.compile(r"\(?((?:19[5-9]|20\d)\d)[a-z]?\)?[.,:]?(?:\s+|$)")
_TRAILING_YEAR_RE = re.compile(r"[,(]\s*((?:19[5-9]|20\d)\d)[a-z]?\)?$")
# Volume, number and pages after a venue: "45(3):2201-2215", "16(8), 1980-1992", "pages 12-20", "vol. 9",
# IEEE's "vol. 44, no. 3, pp. 1-12" and IEICE's volumes "vol. J103-D".
_DETAILS_TAIL_RE = re.compile(
    r"[,\s]\s*(?:(?:vol\.?|volume)\s*(?P<volume>(?:[A-Z]{1,2}(?=\d))?\d{1,5}(?:-[A-Z]{1,2}\b)?)"
    r"(?:\s*\((?P<number>\d{1,5})\)|\s*,\s*(?:no\.?|issue)\s*(?P<num3>\d[\w\-–]{0,8}))?"
    r"(?:\s*[:,]\s*(?:pp?\.\s*)?(?P<pages>\d{1,6}(?:\s*[-–]{1,2}\s*\d{1,6})?))?"
    r"|(?!(?:19|20)\d\d\b)(?P<vol2>\d{1,5})\s*(?:\((?!(?:19|20)\d\d\))(?P<num2>\d{1,5})\))?\s*[:,]\s*(?P<pages2>\d{1,6}\s*[-–]{1,2}\s*\d{1,6})"
    r"|(?:pages|pp?\.)\s*(?P<pages3>\d{1,6}(?:\s*[-–]{1,2}\s*\d{1,6})?))$",
    re.IGNORECASE,
)
_PAGES_RE = re.compile(r"(?:pages|pp?\.)\s*\d{1,6}(?:\s*[-–]{1,2}\s*\d{1,6})?", re.IGNORECASE)
# DBLP puts the pages after the year: "AAAI 2023: 1123-1131".
_DBLP_PAGES_RE = re.compile(r"(?<=\d)\s*:\s*(\d{1,6}\s*[-–]{1,2}\s*\d{1,6})$")
_MONTH_TAIL_RE = re.compile(r"[\s,]+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?$", re.IGNORECASE)
# Entry-start markers: "[1]", "[C3]", "(2)", "3.", "4)", and bullets.
# A marker alone on a line (the page cut right after "[6]") still starts an entry.
_MARKER_RE = re.compile(r"^\s*(?:\[[A-Z]?\d{1,3}\]|\(\d{1,3}\)|\d{1,3}[.)]|[•·▪◦‣*–—-])(?:\s+|$)")
# "[Paper]", "[Code]", "[PDF]" ...: short bracketed tags; numbered markers are removed before this runs.
# A list's legend for its marks: "(* denotes equal contribution)", "† corresponding author".
_LEGEND_RE = re.compile(
    r"^\(?\s*(?:[*†‡§#✉∗]+\s*)?(?:denotes|indicates|=|:)?\s*(?:equal(?:ly)? contribut\w*|co-first|corresponding)"
    r"[^()]{0,60}\)?$|^\(\s*[*†‡§#✉∗]+[^()]{0,80}\)$",
    re.IGNORECASE,
)
_TAG_RE = re.compile(r"\[([A-Za-z][\w .&/+-]{0,30})\]")
# Braces are legal in a URL's path ("paper{1}.pdf"); a closing one nothing opened is trimmed by _clean_url.
_URL_RE = re.compile(r"https?://[^\s<>\"'\[\]]+")
_ARXIV_RE = re.compile(r"(?:arXiv:\s?|arxiv\.org/(?:abs|pdf)/)(\d{4}\.\d{4,5})(v\d+)?", re.IGNORECASE)
_DOI_RE = re.compile(r"\b(10\.\d{4,9}/[^\s,;\"'<>]+)")
_EMAIL_RE = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
_LABEL_RE = re.compile(r"^(e-?mail|mail|address|office)\s*:\s*(.+)$", re.IGNORECASE)
_INTRO_RE = re.compile(
    r"\b(?:I am|I'm|I’m|My name is)\s+((?:[^\W\d_][\w'’-]*\.?|\([^()\n]{1,40}\))"
    r"(?:\s+(?:[^\W\d_][\w'’-]*\.?|\([^()\n]{1,40}\))){0,6})"
)
_PAREN_RE = re.compile(r"\s*\(([^()\n]{1,60})\)")
_HONORIFIC_RE = re.compile(r"^(?:Dr|Prof|Professor)\.?\s+")

# Heading vocabulary: a publications heading uses only these words and at least one noun of the first set.
_PUB_NOUNS = _words("publication publications paper papers preprint preprints article articles manuscript manuscripts")
_PUB_MODIFIERS = _words(
    """selected recent refereed peer-reviewed peer reviewed journal journals conference conferences workshop
    workshops other working full complete my academic research list of and in the key representative major
    all latest new older earlier previous past current international domestic book books chapter chapters
    technical report reports thesis theses dissertation under review submission submitted preparation
    progress accepted published forthcoming first-author by year topic most cited highly notable some main
    more proceedings"""
)
_BIO_HEADINGS = frozenset({"intro", "introduction", "about", "about me", "bio", "biography", "short bio"})
_INTEREST_HEADING_RE = re.compile(r"^(?:my\s+)?(?:research\s+)?(?:interests?|topics|areas)\s*:\s*(.*)$", re.IGNORECASE)
_ROLE_WORDS = _words(
    """researcher research professor lecturer student candidate scientist engineer postdoc postdoctoral fellow
    director head lead member intern phd ph.d. assistant associate chair principal senior staff faculty
    reader instructor developer"""
)
_ORG_WORDS = _words(
    """university institute academy lab laboratory group college school department inc inc. ltd company center
    centre research labs corporation foundation"""
)

# Venue wording that tells the entry type; searched in the lowercased venue.
_PREPRINT_RE = re.compile(
    r"arxiv|corr\b|preprint|biorxiv|medrxiv|ssrn|under review|submitted|in submission|manuscript|"
    r"working paper|openreview"
)
_THESIS_RE = re.compile(r"thesis|dissertation")
_JOURNAL_RE = re.compile(
    r"journal|transactions|\btrans\.|letters|magazine|review|\bnature\b|\bscience\b|\bj\. |"
    r"\b(?:tpami|tacl|jmlr|tkde|tois|tnnls|ijcv|tip|pnas)\b"
)
_CONFERENCE_RE = re.compile(r"conference|proceedings|\bproc\.|workshop|symposium|\bconf\.|findings of")
# Well-known conference acronyms; a venue that is one of these (plus a year) is a conference paper.
_CONFERENCE_ACRONYMS = _words(
    """neurips nips icml iclr acl emnlp naacl coling eacl aacl kdd aaai ijcai cvpr iccv eccv sigir www wsdm
    cikm sigmod vldb icde ppopp sc osdi sosp nsdi mm acmmm icassp interspeech uai aistats colt chi uist
    recsys mlsys eurosys asplos isca micro hpca sigcomm conll icdm sdm ecir"""
)
_VENUE_LEAD_RE = re.compile(
    r"^(?:In\s|in\s|Proc\b|Proceedings\b|Journal\b|Transactions\b|Trans\.|IEEE\b|ACM\b|arXiv\b|CoRR\b|"
    r"Preprint\b|Technical [Rr]eport|Tech\. [Rr]ep|Ph\.?D\.? [Tt]hesis|PhD [Dd]issertation|Master|"
    r"Under [Rr]eview|Submitted\b|To [Aa]ppear|Accepted\b|Workshop\b|International\b|Annual\b|"
    r"Advances in\b|Findings of\b|Companion\b)"
)
_LINK_PATTERNS = (("github.com", "code"), ("gitlab.com", "code"), ("huggingface.co", "model"))


# ---------------------------------------------------------------------------------------------------------
# Names


def _is_cjk(text: str) -> bool:
    # One compiled character class: this runs for every token of every candidate name on the page.
    return _CJK_RE.fullmatch(text) is not None


# Names and title words repeat across a page's entries, so each token is judged once (pages of 30,000 cards).
@functools.lru_cache(maxsize=1 << 16)
def _token_kind(token: str) -> str | None:
    """'initial', 'particle' or 'word' when the token can be part of a person's name, else None."""
    # NFC first: a page saved with decomposed accents ("Jose" + U+0301) writes the same names.
    tok = unicodedata.normalize("NFC", token.strip(_MARKS))
    if not tok:
        return None
    if _INITIALS_RE.fullmatch(tok) or tok in _NAME_SUFFIXES:
        return "initial"
    if tok in _PARTICLES:
        return "particle"
    if tok.lower() in _NOT_NAME_WORDS:
        return None
    if _is_cjk(tok):
        return "word"
    # Scripts without capitals (Arabic, Hebrew, Devanagari ...): any word of letters and marks may be a name.
    caseless = tok[0].isalpha() and not tok[0].isupper() and not tok[0].islower()
    if not (tok[0].isupper() or caseless) or tok.endswith(("-", "'", "’")):
        return None
    body = "".join(ch for ch in tok[1:] if not unicodedata.category(ch).startswith("M"))
    body = body.replace("-", "").replace("'", "").replace("’", "")
    if body and not body.isalpha():
        return None
    return "word"


def is_person_name(text: str, *, allow_single: bool = False) -> bool:
    """True when `text` is shaped like one person's name as pages write it ("H. V. Jagadish", "Le Jiang").

    Single words are refused unless `allow_single` (a bare surname) or written in CJK script, since a lone
    capitalised word is far more often a heading than an author.
    """
    text = text.strip()
    if not text or len(text) > 80:
        return False
    tokens = text.split()
    if len(tokens) > 6:
        return False
    kinds = []
    for token in tokens:
        kind = _token_kind(token)
        if kind is None:
            return False
        kinds.append(kind)
    if "word" not in kinds or kinds[-1] == "particle":
        return False
    if len(tokens) == 1:
        return allow_single or (_is_cjk(tokens[0].strip(_MARKS)) and len(tokens[0]) >= 2)
    return True


def looks_like_name_line(text: str) -> bool:
    """True when a line can be a page owner's name: shaped like a person's name, or 2-6 lowercase words
    ("danah boyd"), and free of heading and chrome words, so "Researcher profile" or "About Me" never is."""
    plain = " ".join(text.replace("(", " ").replace(")", " ").split())
    tokens = plain.split()
    if not tokens or len(plain) > 80 or plain.endswith((".", ":", "!", "?", ",")):
        return False
    if any(t.strip(_MARKS).lower() in _NOT_NAME_WORDS or t.lower() in _CHROME_WORDS for t in tokens):
        return False
    if is_person_name(plain):
        return True
    return 2 <= len(tokens) <= 6 and all(t.isalpha() and t.islower() for t in tokens)


def _is_initials_only(text: str) -> bool:
    tokens = text.split()
    return bool(tokens) and len(tokens) <= 4 and all(_INITIALS_RE.fullmatch(t.strip(_MARKS)) for t in tokens)


@dataclass(frozen=True)
class _Authors:
    names: tuple[str, ...]
    complete: bool
    end: int  # where the text after the list starts
    terminated: bool  # a terminator (". ", ": ", " (2020)", a quoted title) closed the list


def _piece_names(text: str, start: int, stop: int, pending: int | None) -> tuple[list[str], bool] | None:
    """The names in text[start:stop], one comma-separated piece; (names, et_al) or None when not names.

    `pending` is where a bare surname started ("Smith, J." style): the piece must then begin with initials,
    and the name is the source slice from the surname through them.
    """
    piece = text[start:stop]
    lead = len(piece) - len(piece.lstrip())
    body = piece.strip()
    lowered = body.lower()
    if lowered.startswith("and "):
        lead += len(body) - len(body[4:].lstrip())
        body = body[4:].lstrip()
    elif body.startswith("& "):
        lead += len(body) - len(body[2:].lstrip())
        body = body[2:].lstrip()
    et_al = False
    tail = _ET_AL_TAIL_RE.search(body)
    if tail:
        et_al = True
        body = body[: tail.start()].rstrip()
    if not body:
        return ([], True) if et_al and pending is None else None
    parts = _AND_SPLIT_RE.split(body)
    names: list[str] = []
    for index, part in enumerate(parts):
        part = part.strip()
        if index == 0 and pending is not None:
            if not _is_initials_only(part):
                return None
            names.append(text[pending : start + lead + len(part)].strip())
            continue
        if not is_person_name(part):
            return None
        names.append(part)
    return names, et_al


def _terminators(text: str, start: int, stop: int) -> list[tuple[int, int]]:
    """Candidate ends of an author list inside text[start:stop], in order: (cut, resume) pairs.

    A period before whitespace or the end yields two cuts, with and without the period, so that a list ending
    in an initial keeps it ("Doe, A.") while "Hongxia Yang." loses its full stop.
    """
    found: list[tuple[int, int]] = []
    n = len(text)
    for i in range(start, stop):
        ch = text[i]
        if ch == "." and (i + 1 == n or text[i + 1].isspace()):
            found.append((i + 1, i + 1))
            found.append((i, i + 1))
        elif ch == ":" and i + 1 < n and text[i + 1].isspace():
            found.append((i, i + 1))
        elif ch == "(" and _LEAD_YEAR_RE.match(text, i) and i > start:
            found.append((i, i))
    return found


def _leading_authors(text: str) -> _Authors | None:
    """The author list a citation starts with: comma-separated names up to the ". " that closes the list."""
    names: list[str] = []
    complete = True
    pending: int | None = None
    pos = 0
    n = len(text)
    while pos < n and len(names) < _MAX_AUTHORS:
        comma = text.find(",", pos)
        stop = n if comma == -1 else comma
        for cut, resume in _terminators(text, pos, min(stop, pos + _MAX_NAME_SPAN)):
            got = _piece_names(text, pos, cut, pending)
            if got is not None and (got[0] or names):
                names.extend(got[0])
                return _Authors(tuple(names), complete and not got[1], resume, True)
        got = _piece_names(text, pos, stop, pending) if stop - pos <= _MAX_NAME_SPAN else None
        if got is not None:
            names.extend(got[0])
            complete = complete and not got[1]
            pending = None
        else:
            bare = text[pos:stop].strip()
            bare = bare[4:].lstrip() if bare.lower().startswith("and ") else bare.removeprefix("& ").lstrip()
            if pending is not None or comma == -1 or _token_kind(bare) != "word" or " " in bare:
                return None
            pending = text.index(bare, pos)
        if comma == -1:
            pos = n
            break
        pos = comma + 1
        after = text[pos:].lstrip()
        if after[:1] in _QUOTES_OPEN and names and pending is None:
            # IEEE style: `A. Smith and B. Jones, "Title," in ...` - the list ends at the comma before a quote.
            return _Authors(tuple(names), complete, n - len(after), True)
    if pending is not None or not names:
        return None
    return _Authors(tuple(names), complete, pos, False)


def _whole_author_list(line: str) -> _Authors | None:
    """The author list when `line` is nothing but one (a line of its own in a title-first entry)."""
    got = _leading_authors(line)
    if got is None or line[got.end :].strip(" .;"):
        return None
    return got


# ---------------------------------------------------------------------------------------------------------
# Entries


def _hint_for(heading: str) -> str | None:
    """The entry type a sub-heading announces ("Journal Papers" -> article), used when the venue is silent."""
    low = heading.lower()
    if any(w in low for w in ("preprint", "under review", "submission", "submitted", "manuscript", "working")):
        return "preprint"
    if "journal" in low:
        return "article"
    if any(w in low for w in ("conference", "workshop", "proceedings")):
        return "inproceedings"
    if "thesis" in low or "theses" in low or "dissertation" in low:
        return "thesis"
    if "chapter" in low:
        return "incollection"
    if "book" in low:
        return "book"
    return None


def _heading_words(line: str) -> list[str] | None:
    text = line.strip().lstrip("#").strip().rstrip(":").strip()
    if not text or len(text) > 60:
        return None
    text = re.sub(r"\([^()]{0,40}\)", " ", text)
    if any(ch.isdigit() for ch in text):  # "33 Papers" is a count on a profile, not a section heading
        return None
    words = re.findall(r"[A-Za-z][A-Za-z'-]*|&", text)
    if not words or len(words) > 6 or len(" ".join(words)) < len(text.replace(" ", "")) * 0.6:
        return None
    return [w.lower() for w in words]


def _is_pub_heading(line: str) -> bool:
    words = _heading_words(line)
    if not words:
        return False
    return any(w in _PUB_NOUNS for w in words) and all(w in _PUB_NOUNS or w in _PUB_MODIFIERS for w in words)


def _is_pub_subheading(line: str) -> bool:
    """A year ("2021") or a type ("Journal Papers", "Under Review") splitting a publication list."""
    text = line.strip().rstrip(":").strip()
    if re.fullmatch(r"\(?(?:19|20)\d\d\)?(?:\s*[-–]\s*(?:(?:19|20)\d\d|present|now))?", text, re.IGNORECASE):
        return True
    words = _heading_words(text)
    return bool(words) and all(w in _PUB_NOUNS or w in _PUB_MODIFIERS for w in words)


def _heading_like(line: str) -> bool:
    """A short line that names a section rather than saying something."""
    text = line.strip()
    return 0 < len(text) <= 80 and len(text.split()) <= 8 and not text.endswith((".", ",", ";"))


def _segment_starts(text: str) -> list[int]:
    """Where each sentence of `text` starts, splitting only at top-level ". ", "? ", "! ".

    Parentheses, brackets and quotes are not split ("(Note that ... "M6: ...")"), an initial does not end a
    sentence, and neither does a period followed by a lowercase word ("Proc. of").
    """
    starts = [0]
    depth = 0
    in_quote = False
    count_quotes = text.count('"') % 2 == 0
    n = len(text)
    # Only a bracket that is closed later holds a sentence together: a lone "{" in a title must not swallow
    # the venue and year after it.
    closed: set[int] = set()
    opened: list[int] = []
    for i, ch in enumerate(text):
        if ch in "([{“":
            opened.append(i)
        elif ch in ")]}”" and opened:
            closed.add(opened.pop())
    for i, ch in enumerate(text):
        if ch in "([{“":
            depth += i in closed
        elif ch in ")]}”":
            depth = max(0, depth - 1)
        elif ch == '"' and count_quotes:
            in_quote = not in_quote
        elif ch in ".?!" and depth == 0 and not in_quote and i + 1 < n and text[i + 1].isspace():
            k = i + 1
            while k < n and text[k].isspace():
                k += 1
            if k >= n:
                continue
            word_end = k
            while word_end < n and not text[word_end].isspace() and word_end - k < 40:
                word_end += 1
            if text[k:word_end].islower():  # "Proc. of", "e.g. the"; but "arXiv" does start a sentence
                continue
            if ch == "." and i >= 1 and text[i - 1].isupper() and (i < 2 or not text[i - 2].isalpha()):
                continue
            starts.append(k)
    return starts


def _is_acronym(word: str) -> bool:
    word = word.strip(",.:;")
    return 2 <= len(word) <= 12 and sum(c.isupper() for c in word) >= 2 and all(c.isalnum() or c in "-'" for c in word)


def _starts_venue(segment: str) -> bool:
    text = segment.strip()
    if not text or text[0] in '([{"“':
        return False
    if _VENUE_LEAD_RE.match(text):
        return True
    words = text.split()
    if _YEAR_RE.search(re.sub(r"\([^()]*\)", " ", text)) and len(words) <= 15:
        return True
    return _is_acronym(words[0]) and len(words) <= 4


def _pop_trailing_paren(text: str) -> tuple[str, str] | None:
    """Split "Venue 2021 (Note ...)" into ("Venue 2021", "Note ..."); None when it does not end in one."""
    body = text.rstrip(" .,;")
    if not body.endswith(")"):
        return None
    depth = 0
    for i in range(len(body) - 1, -1, -1):
        if body[i] == ")":
            depth += 1
        elif body[i] == "(":
            depth -= 1
            if depth == 0:
                if i == 0 or not body[i - 1].isspace():
                    return None
                return body[:i].rstrip(" ,;"), body[i + 1 : -1].strip()
    return None


# Words that open a remark rather than a piece of title: "(Oral)", "(Note that ...)", "(Best Paper Award)".
_NOTE_LEAD_RE = re.compile(
    r"(?:note|oral|spotlight|best|award|accepted|to appear|invited|extended|equal|long|short|poster|highlight|"
    r"featured|selected|nominee|finalist|see |also |extension|journal version|conference version|previously)",
    re.IGNORECASE,
)


def _pop_notes(text: str, *, any_remark: bool) -> tuple[str, list[str], int | None]:
    """Strip trailing parenthesised remarks; a bare "(2020)" is a year, other remarks are notes.

    Without `any_remark` only clear remarks go (a sentence, or one starting like "Oral"/"Note"), since a
    trailing parenthesis may belong to a title ("... Deep Learning? (Provably)").
    """
    notes: list[str] = []
    year = None
    for _ in range(4):
        popped = _pop_trailing_paren(text)
        if popped is None:
            break
        rest, inner = popped
        if not rest:
            break
        if re.fullmatch(r"(?:19|20)\d\d[a-z]?", inner):
            year = year or int(inner[:4])
        elif _PAGES_RE.fullmatch(inner):
            text = f"{rest}, {inner}"  # APA "(pp. 455-467)": pages, read with the venue's other details
            break
        elif not inner or inner.isdigit():
            break
        elif any_remark or len(inner.split()) >= 4 or _NOTE_LEAD_RE.match(inner) is not None:
            notes.insert(0, inner)
        else:
            break
        text = rest
    return text, notes, year


def _venue_and_year(venue: str) -> tuple[str | None, int | None, dict[str, str]]:
    """Venue, year and volume/number/pages: "NeurIPS 2021" -> ("NeurIPS", 2021, {}).

    "In Proceedings of ACL 2020" gives "Proceedings of ACL": the "In" joins the citation, it is not the venue's.
    Volume and pages trailing the venue ("45(3):2201-2215", "pages 12-20") go to the details.
    """
    text = without_full_stop(venue.strip().rstrip(" ,;"))
    year = None
    details: dict[str, str] = {}
    dblp = _DBLP_PAGES_RE.search(text)
    if dblp and _YEAR_RE.search(text[: dblp.start()]):
        details["pages"] = dblp.group(1)
        text = text[: dblp.start()]
    for _ in range(3):  # the year and the details may come in either order: "X, 9:1-24, 2021", "X 2022, pp. 1-9"
        changed = False
        matches = list(_YEAR_RE.finditer(text))
        if matches and year is None:
            last = matches[-1]
            before, after = text[: last.start()], text[last.end() :]
            if not after.strip(" .,;)]"):
                year = int(last.group(1))
                text = _MONTH_TAIL_RE.sub("", before.rstrip(" ,(;[")).rstrip(" ,;")
                changed = True
        detail = _DETAILS_TAIL_RE.search(text)
        if detail and detail.start() > 0:
            for key, groups in (("volume", ("volume", "vol2")), ("number", ("number", "num2", "num3"))):
                found = next((detail.group(g) for g in groups if detail.group(g)), None)
                if found:
                    details[key] = found
            pages = detail.group("pages") or detail.group("pages2") or detail.group("pages3")
            if pages:
                details["pages"] = pages
            # The venue's own abbreviation keeps its period ("IEEE Trans. Biomed. Circuits Syst., vol. 12").
            text = without_full_stop(text[: detail.start()].rstrip(" ,;"))
            changed = True
        if not changed:
            break
    if year is None:
        matches = list(_YEAR_RE.finditer(text))
        if matches:
            year = int(matches[-1].group(1))  # inside the venue ("ACL 2020 Workshop on X"): keep it there too
            before = text[: matches[0].start()]
            if len(matches) == 1 and not before.strip(" (["):  # "2020. NeurIPS"
                text = text[matches[0].end() :].lstrip(" .,;):]")
    text = without_full_stop(re.sub(r"^[Ii]n\s*:?\s+", "", text).strip(" ,;:"))
    return (text or None), year, details


def _entry_type(venue: str | None, hint: str | None) -> str | None:
    if venue:
        low = venue.lower()
        if _PREPRINT_RE.search(low):
            return "preprint"
        if _THESIS_RE.search(low):
            return "thesis"
        words = {w.strip(".,:;()'’") for w in re.split(r"[\s/-]+", low)}
        if _CONFERENCE_RE.search(low) or words & _CONFERENCE_ACRONYMS:
            return "inproceedings"
        if _JOURNAL_RE.search(low):
            return "article"
    return hint


def _link_kind(url: str) -> str:
    low = url.lower()
    if "arxiv.org" in low or low.endswith(".pdf") or "doi.org" in low:
        return "paper"
    for needle, kind in _LINK_PATTERNS:
        if f"//{needle}" in low or f".{needle}" in low:
            return kind
    return "other"


def _clean_url(url: str) -> str:
    url = url.rstrip(".,;:!?'\"")
    while (url.endswith(")") and url.count(")") > url.count("(")) or (
        url.endswith("}") and url.count("}") > url.count("{")
    ):
        url = url[:-1].rstrip(".,;:")
    return url


@dataclass
class _Fields:
    title: str
    authors: _Authors
    venue: str | None = None
    year: int | None = None
    notes: list[str] = field(default_factory=list)
    details: dict[str, str] = field(default_factory=dict)  # volume, number, pages
    month: int | None = None
    entry_type: str | None = None  # when the venue text states it (a thesis, a chapter with editors)


# Types the venue text states (a thesis, a book, a chapter with editors): the general reader's reading holds them.
_STATED_TYPES = frozenset({"phdthesis", "mastersthesis", "thesis", "book", "incollection", "techreport"})


# What the general reader's reading could add to this module's; most venues ("NeurIPS 2020") hold none of it,
# and reading each twice doubled the time a 20,000-entry page takes.
_MORE_TO_READ = re.compile(
    r"thesis|dissertation|report|\((?:eds?|Hrsg)\.?\)|\d\s*[-–:(]|\d\.\d|\b(?:vol|no|pp|pages|volume)\b|"
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(?:19|20)\d\d",
    re.IGNORECASE,
)


def _read_venue(fields: _Fields, venue_text: str) -> int | None:
    """Sets the venue and its details from the venue text and returns the year it states.

    The general reader's reading of the same text adds what this module's leaves out: a thesis' type and school
    (then no venue), a chapter's editors, the month, the volume or pages of a form this module does not know.
    The venue stays as this module reads it otherwise: importers/base.py `second_opinion` compares the two
    readings by how clean their venues are, and a venue this module reads with debris in it is the sign that the
    general reader reads the whole page better."""
    venue, year, details = _venue_and_year(venue_text) if venue_text.strip(" .,;") else (None, None, {})
    reading = read_venue(venue_text) if venue and _MORE_TO_READ.search(venue_text) else None
    if reading is not None and reading.entry_type in _STATED_TYPES:
        venue, year = reading.venue, reading.year or year
        details = {**details, **reading.fields}
        fields.notes = fields.notes + [n for n in reading.notes if n not in fields.notes]
        fields.month, fields.entry_type = reading.month, reading.entry_type
    elif reading is not None and reading.year in (None, year):
        details = {**reading.fields, **details}
        fields.month = reading.month
    fields.venue, fields.details = venue, details
    return year


def _title_venue(authors: _Authors, rest: str) -> _Fields | None:
    """Split what follows the author list into title, venue, year and notes."""
    year = None
    rest = rest.lstrip()
    lead = _LEAD_YEAR_RE.match(rest)
    if lead:  # APA: "Smith, J. (2020). Title. Venue."
        year = int(lead.group(1))
        rest = rest[lead.end() :]
    quoted = _quoted_title(rest)
    if quoted is not None:  # IEEE: `"Title," in Proc. of X, 2020, pp. 1-9.`
        title, after = quoted
        venue_text, notes, paren_year = _pop_notes(after, any_remark=True)
        fields = _Fields(title, authors, notes=notes)
        fields.year = _read_venue(fields, venue_text) or paren_year or year
        return fields
    rest, notes, paren_year = _pop_notes(rest.strip(), any_remark=False)
    year = year or paren_year
    if not rest.strip(" .,;:"):
        return None
    starts = _segment_starts(rest)
    venue_at = next((s for s in starts[1:] if _starts_venue(rest[s:].split(". ")[0])), None)
    if venue_at is None and len(starts) > 1:
        last = rest[starts[-1] :].strip()
        if last and last[0] not in '(["“' and len(last.split()) <= 10:
            venue_at = starts[-1]
    title = rest if venue_at is None else rest[:venue_at]
    title = title.strip().rstrip(" .,;").strip()
    fields = _Fields(title, authors, notes=notes)
    if venue_at is not None:
        venue_text, more_notes, paren_year = _pop_notes(rest[venue_at:].strip(), any_remark=True)
        fields.notes = more_notes + notes
        year = _read_venue(fields, venue_text) or paren_year or year
    elif year is None:
        trailing = _TRAILING_YEAR_RE.search(title)
        if trailing:
            year = int(trailing.group(1))
            title = title[: trailing.start()].rstrip(" ,(")
    if len(title) >= 2 and title[0] in '"“' and title[-1] in '"”':
        title = title[1:-1].strip().rstrip(",")
    if not title:
        return None
    fields.title, fields.year = title, year
    return fields


def _quoted_title(rest: str) -> tuple[str, str] | None:
    """("Title", "in Proc. ...") when `rest` opens with a quoted title; None otherwise.

    A quote can also open only the first phrase of a title (`"Why Should I Trust You?": Explaining ...`): a
    closing quote ends the title only when the citation's punctuation or its venue follows it, or when the
    punctuation sits inside it (IEEE `"Title," in ...`). A title that merely starts with a quoted phrase is
    left to the sentence parser, quotes and all.
    """
    if not rest or rest[0] not in '"“':
        return None
    closer = "”" if rest[0] == "“" else '"'
    close = rest.find(closer, 1)
    while close > 1:
        inner = rest[1:close]
        after = rest[close + 1 :]
        if inner.rstrip().endswith((",", ".")) or _ends_quoted_title(after):
            # An earlier closing quote inside means the opening quote was the title's own phrase's.
            title = (rest[:close] if closer in inner else inner).strip().rstrip(",.").strip()
            return (title, after.lstrip(" ,.")) if title.strip('"“”') else None
        close = rest.find(closer, close + 1)
    return None


def _ends_quoted_title(after: str) -> bool:
    """Whether what follows a closing quote shows the title ended there: the end, punctuation, or a venue."""
    text = after.lstrip()
    if not text or text[0] in ",.;":
        return True
    if text[0] in ":–—-" or after[:1] not in " \t":
        return False  # `"Phrase": rest of the title`, or a quote glued to more title
    return text[:3].lower() == "in " or _starts_venue(text.split(". ")[0])


def _parse_sentences(text: str) -> _Fields | None:
    """Parse "Name, Name. Title. Venue Year" (also DBLP "Name: Title.", APA and IEEE quoted-title forms)."""
    authors = _leading_authors(text)
    if authors is None or not authors.terminated:
        return None
    return _title_venue(authors, text[authors.end :])


def _parse_lines(lines: list[str]) -> _Fields | None:
    """Title-first or authors-first entries laid out one field per line."""
    if len(lines) < 2:
        return None
    first, second = _whole_author_list(lines[0]), _whole_author_list(lines[1])
    if second is not None and (first is None or len(second.names) > len(first.names)):
        title, authors = lines[0], second
    elif first is not None and second is not None and len(lines[0].split()) > len(lines[1].split()):
        # Both read as one name ("Physics-Informed Load Forecasting" / "Sofia Lindqvist"): titles are longer.
        title, authors = lines[0], second
    elif first is not None:
        title, authors = lines[1], first
    else:
        return None
    # The title line is the title as written, parentheses and all ("... (Extended Abstract)").
    title = title.strip().rstrip(" .,;").strip()
    if len(title) >= 2 and title[0] in '"“' and title[-1] in '"”':
        title = title[1:-1].strip().rstrip(",")
    if not title:
        return None
    fields = _Fields(title, authors)
    if len(lines) > 2:
        venue_text, fields.notes, paren_year = _pop_notes(" ".join(lines[2:]).strip(), any_remark=True)
        fields.year = _read_venue(fields, venue_text) or paren_year
    return fields


@dataclass
class _Block:
    line: int  # 1-based line of the entry's first line
    lines: list[str]
    hint: str | None = None


@dataclass
class _Entry:
    """An entry's text with markers, tags and URLs taken out, and what was taken."""

    lines: list[str]
    tags: list[str]
    urls: list[str]


def _prepare(block_lines: list[str]) -> _Entry:
    lines = [line.strip() for line in block_lines if line.strip()]
    if lines:
        lines[0] = _MARKER_RE.sub("", lines[0], count=1)
    tags: list[str] = []
    urls: list[str] = []
    cleaned = []
    for line in lines:
        for url in _URL_RE.findall(line):
            urls.append(_clean_url(url))
        line = _URL_RE.sub(" ", line)
        tags.extend(tag.strip() for tag in _TAG_RE.findall(line))
        line = _TAG_RE.sub(" ", line)
        line = re.sub(r"\s+", " ", line).strip()
        if line and cleaned and unwrap.continues(cleaned[-1], line):
            # a citation a PDF wrapped, perhaps inside a word ("speech recog-" / "nition")
            cleaned[-1] = unwrap.join(cleaned[-1], line, " ".join(lines))
        elif line:
            cleaned.append(line)
    return _Entry(cleaned, tags, urls)


def _parse_fields(entry: _Entry) -> _Fields | None:
    if not entry.lines or sum(len(line) for line in entry.lines) > _MAX_ENTRY_CHARS:
        return None
    by_lines = None
    if len(entry.lines) >= 2 and (
        _whole_author_list(entry.lines[0]) is not None or _whole_author_list(entry.lines[1]) is not None
    ):
        by_lines = _parse_lines(entry.lines)
    sentences = _parse_sentences(" ".join(entry.lines))
    if by_lines is not None and sentences is not None and len(sentences.authors.names) > len(by_lines.authors.names):
        # The first line read as a title and the second as one name ("Multi-Trillion Parameter Pretraining."),
        # but the first holds more authors: a title wrapped after its names, not a title-first layout.
        return sentences
    return by_lines or sentences


def _is_citation(fields: _Fields | None) -> bool:
    return fields is not None and (fields.year is not None or fields.venue is not None)


def _record(block: _Block, fields: _Fields, entry: _Entry, raw: str) -> PaperRecord:
    joined = " ".join(block.lines)
    arxiv = _ARXIV_RE.search(joined)
    doi = _DOI_RE.search(joined)
    links = []
    for url in entry.urls:
        if url and all(link.url != url for link in links):
            links.append(Link(_link_kind(url), url))
    extra = dict(fields.details)
    if entry.tags:
        extra["markers"] = ", ".join(entry.tags)
    has_code = any(t.lower() in {"code", "github", "software", "implementation"} for t in entry.tags) or any(
        link.kind == "code" for link in links
    )
    return PaperRecord(
        line=block.line,
        title=fields.title,
        authors=fields.authors.names,
        authors_complete=fields.authors.complete,
        year=fields.year,
        date=f"{fields.year:04d}-{fields.month:02d}" if fields.year and fields.month else None,
        venue=fields.venue,
        entry_type=fields.entry_type or _entry_type(fields.venue, block.hint),
        arxiv_id=arxiv.group(1) if arxiv else None,
        arxiv_version=arxiv.group(2) if arxiv and arxiv.group(2) else None,
        doi=doi.group(1).rstrip(".") if doi else None,
        links=tuple(links),
        note="; ".join(fields.notes) or None,
        has_code=has_code,
        extra=extra,
        raw=raw,
    )


def _looks_paper_like(entry: _Entry) -> bool:
    """Worth a warning when unreadable: a marker or year, and a comma-separated list near the start."""
    text = " ".join(entry.lines)
    head = text[:120]
    first = head.split(",")[0]
    return (bool(entry.tags) or _YEAR_RE.search(text[:_MAX_ENTRY_CHARS]) is not None) and (
        head.count(",") >= 1 and is_person_name(first)
    )


# ---------------------------------------------------------------------------------------------------------
# Sections


def _scan(lines: list[str], start: int, *, in_section: bool, hint: str | None = None) -> tuple[list[_Block], int]:
    """Group lines into entry blocks from `start`; in a section, stop at the next unrelated heading.

    Returns the blocks and the index where scanning stopped.
    """
    blocks: list[_Block] = []
    current: _Block | None = None
    prev_blank = True
    i = start
    n = len(lines)
    while i < n:
        text = lines[i].strip()
        if not text:
            prev_blank = True
            current = None
            i += 1
            continue
        marker = _MARKER_RE.match(text) is not None
        if not marker and (_is_pub_heading(text) or _is_pub_subheading(text)):
            hint = _hint_for(text) or (hint if _is_pub_subheading(text) else None)
            current = None
            prev_blank = True
            i += 1
            continue
        if in_section and prev_blank and _LEGEND_RE.match(text):
            # "(* denotes equal contribution)" explains the list's marks; it neither ends the list nor is a paper.
            current = None
            i += 1
            continue
        new_entry = marker or prev_blank or current is None
        if in_section and not marker and _heading_like(text):
            ends_section = new_entry or text.endswith(":")
            # A short names-first line that ends the page is an entry cut off, not the next section's heading.
            cut_off = ends_section and _starts_with_names(text) and _nothing_after(lines, i)
            if ends_section and not cut_off and not _is_citation(_parse_fields(_prepare(_paragraph(lines, i)))):
                break  # a heading, unless its paragraph is a citation (a title-first entry opens like one)
        if not new_entry and len(text) <= _MAX_ENTRY_CHARS and current is not None:
            # A line right under another: a wrapped line, or the next entry of a list without blank lines. It
            # is the next entry when it opens with its own author list (or looks like a citation), unless the
            # line above clearly runs on ("Alice Smith, Bob Jones," / "... and").
            above = current.lines[-1].rstrip()
            runs_on = above.endswith((",", "&", "-", "–")) or above.lower().endswith(" and")
            if not runs_on:
                alone = _prepare([text])
                new_entry = _parse_fields(alone) is not None or _looks_paper_like(alone)
                # The page's last line, opening with names under a finished entry: the next entry, cut off.
                if not new_entry and not ends_mid_sentence(above) and _starts_with_names(text):
                    new_entry = _nothing_after(lines, i)
                if new_entry and not marker and ends_mid_sentence(above) and _wraps_onto(current.lines, text):
                    new_entry = False
        if new_entry or current is None:
            current = _Block(i + 1, [lines[i]], hint)
            blocks.append(current)
        else:
            current.lines.append(lines[i])
        prev_blank = False
        i += 1
    return blocks, i


def _wraps_onto(block: list[str], text: str) -> bool:
    """Whether `text` finishes the entry above, cut mid-sentence: a title wrapped over two lines.

    The rest of a wrapped title reads like an entry of its own ("Architecture Search. ICML 2021." as the
    authors "Architecture Search" of a paper "ICML 2021"); it is the same entry when the block above has
    no year yet and, joined with the line, becomes a citation with one.
    """
    so_far = _parse_fields(_prepare(block))
    joined = _parse_fields(_prepare([*block, text]))
    if joined is None:
        return False
    if joined.year is not None and (so_far is None or so_far.year is None):
        return True
    # The year came before the title (APA) or there is none: the line goes on the title of the same authors,
    # unless it has an author list of its own (the next entry of a list without blank lines).
    alone = _parse_fields(_prepare([text]))
    return (
        so_far is not None
        and joined.authors.names == so_far.authors.names
        and joined.title.startswith(so_far.title)
        and len(joined.title) > len(so_far.title)
        and joined.year == so_far.year
        and (alone is None or len(alone.authors.names) == 1)
    )


def _papers(lines: list[str]) -> tuple[list[PaperRecord], list[ParseWarning], int | None]:
    """Every entry under publication headings; with no such heading, strict citations anywhere.

    Also returns the index of the first publication heading, which bounds the owner block.
    """
    papers: list[PaperRecord] = []
    warnings: list[ParseWarning] = []
    first_heading = None
    last_text = next((k for k in range(len(lines) - 1, -1, -1) if lines[k].strip()), -1)
    final: tuple[_Block, _Entry, PaperRecord | None] | None = None  # a section entry the page ends in
    i = 0
    n = len(lines)
    while i < n:
        if _is_pub_heading(lines[i]):
            if first_heading is None:
                first_heading = i
            blocks, i = _scan(lines, i + 1, in_section=True, hint=_hint_for(lines[i]))
            for block in blocks:
                entry = _prepare(block.lines)
                fields = _parse_fields(entry)
                record = _record(block, fields, entry, "\n".join(block.lines).strip()) if fields else None
                if block.line + len(block.lines) - 2 == last_text:
                    final = (block, entry, record)  # judged below, against the other entries
                elif record is not None:
                    papers.append(record)
                elif _looks_paper_like(entry):
                    warnings.append(
                        ParseWarning(block.line, "looks like a paper but its authors and title could not be told apart")
                    )
                elif any(line.strip() for line in block.lines):
                    warnings.append(_skipped(block))
        else:
            i += 1
    if final is not None:
        block, entry, record = final
        trimmed = _without_open_tail(block)
        if trimmed is not None and (fields := _parse_fields(_prepare(trimmed.lines))) is not None:
            # Cut inside a trailing "[Code]" or "(Note ...)": the citation before it is whole.
            warnings.append(maybe_cut(block.line, "its last marker or remark is cut short"))
            papers.append(_record(trimmed, fields, _prepare(trimmed.lines), "\n".join(trimmed.lines).strip()))
        else:
            papers.extend(_unless_cut(block, entry, record, papers, warnings))
    if first_heading is None:
        # No publications heading: only entries that are unmistakably citations (authors, title and a year).
        blocks, _ = _scan(lines, 0, in_section=False)
        for block in blocks:
            entry = _prepare(block.lines)
            fields = _parse_fields(entry)
            if fields is not None and fields.year is not None and (fields.venue or len(fields.authors.names) > 1):
                papers.append(_record(block, fields, entry, "\n".join(block.lines).strip()))
    return papers, warnings, first_heading


def _paragraph(lines: list[str], index: int, limit: int = 8) -> list[str]:
    """The line at `index` and the non-blank lines right under it (a few at most: an entry is short)."""
    out = []
    for k in range(index, min(len(lines), index + limit)):
        if not lines[k].strip():
            break
        out.append(lines[k])
    return out


def _nothing_after(lines: list[str], index: int) -> bool:
    """True when no line after `index` has text; stops at the first that has (callers go on from there)."""
    return not any(lines[k].strip() for k in range(index + 1, len(lines)))


def _starts_with_names(text: str) -> bool:
    """ "Junyang Lin, Xu Sun, ...", "[3] Smith, J., ...", "Wei Zhang. On": text that opens with an author list."""
    body = _MARKER_RE.sub("", text, count=1)
    first = body.split(",")[0]
    if "," in body and is_person_name(first, allow_single=True):
        return True
    name, stop, _ = body.partition(". ")
    return bool(stop or body.endswith(".")) and is_person_name(name.rstrip("."))


def _without_open_tail(block: _Block) -> _Block | None:
    """The block without a short bracket group left open at its very end ("... 2018. [Paper] [Co"), if any."""
    last = block.lines[-1].rstrip()
    opening = max(last.rfind("["), last.rfind("("))
    if opening <= 0 or any(ch in last[opening:] for ch in ")]") or len(last) - opening > _MAX_OPEN_TAIL:
        return None
    head = last[:opening].rstrip()
    return _Block(block.line, [*block.lines[:-1], head] if head else block.lines[:-1], block.hint)


def _skipped(block: _Block) -> ParseWarning:
    """Text under a publications heading that is no paper ("Invited talk at ..."), said to be left out as the
    general reader says it: nothing a page lists is dropped unseen."""
    text = " ".join(" ".join(block.lines).split())
    return ParseWarning(block.line, f"skipped, not a paper: {text if len(text) <= 70 else text[:67] + '...'}")


def _unless_cut(
    block: _Block, entry: _Entry, record: PaperRecord | None, others: list[PaperRecord], warnings: list[ParseWarning]
) -> list[PaperRecord]:
    """The page's last entry as a paper, unless the page stops inside it (see `truncation`).

    An entry that opens with an author list but cannot be read, or that stops mid-sentence where the page's
    other entries all end on punctuation or a marker ("... 2021. [Paper]"), is a half record.
    """
    text = " ".join(block.lines).strip()
    if record is None:
        if not entry.lines:
            warnings.append(cut_entry(block.line, "only its number or bullet is there"))
        elif _starts_with_names(text):
            warnings.append(cut_entry(block.line, "it stops before its title and venue are complete"))
        elif _looks_paper_like(entry):
            warnings.append(
                ParseWarning(block.line, "looks like a paper but its authors and title could not be told apart")
            )
        else:
            warnings.append(_skipped(block))
        return []
    if ends_mid_sentence(text):
        closed = [not ends_mid_sentence(p.raw) for p in others]
        if usual(closed, share=0.8, at_least=2):
            warnings.append(cut_entry(block.line, "it stops mid-sentence, unlike the entries above it"))
            return []
        if usual(closed, share=0.8, at_least=1):  # too little to leave it out on, enough to say so
            warnings.append(maybe_cut(block.line, "the last entry stops mid-sentence"))
    return [record]


# ---------------------------------------------------------------------------------------------------------
# Owner


def _plain_name(text: str) -> tuple[str, list[str]]:
    """Plain name: "Junyang (Justin) Lin" -> ("Junyang Lin", ["Justin"]): the name without its parenthesised forms."""
    nicknames = [m.group(1).strip() for m in _PAREN_RE.finditer(text)]
    plain = _PAREN_RE.sub("", text)
    plain = _HONORIFIC_RE.sub("", plain.strip())
    plain = re.sub(r",?\s+(?:Ph\.?D\.?|M\.?D\.?)$", "", plain)
    return " ".join(plain.split()), [n for n in nicknames if n]


def _heading_name(lines: list[str], limit: int) -> tuple[int, str] | None:
    """The first line near the top that is just a person's name (maybe with a nickname in parentheses)."""
    seen = 0
    for i in range(min(limit, len(lines))):
        text = lines[i].strip()
        if not text:
            continue
        seen += 1
        if seen > _OWNER_SCAN_LINES:
            break
        if len(text) > 70 or not _heading_like(text) or _is_pub_heading(text):
            continue
        plain, _ = _plain_name(text)
        # looks_like_name_line also refuses site chrome shaped like a name ("Sign In", "Trust Snapshot").
        named = is_person_name(plain) and looks_like_name_line(plain)
        if (2 <= len(plain.split()) <= 5 and named) or _is_cjk(plain.replace(" ", "")):
            return i, text
    return None


def _intro_name(text: str) -> tuple[int, str] | None:
    """Owner from the intro: "I am Junyang (Justin) Lin, ..." -> (offset, "Junyang (Justin) Lin")."""
    for match in _INTRO_RE.finditer(text[:_SNIFF_CHARS]):
        tokens = match.group(1).split()
        kept: list[str] = []
        for token in tokens:
            if token.startswith("(") or (token[:1].isupper() and token.rstrip(".").lower() not in _ROLE_WORDS):
                kept.append(token)
            else:
                break
        if kept and not kept[-1].startswith("(") and kept[-1].endswith(".") and len(kept[-1]) > 2:
            kept[-1] = kept[-1][:-1]  # the sentence's full stop, not an initial
        form = " ".join(kept).strip()
        plain, _ = _plain_name(form)
        if plain and is_person_name(plain):
            return match.start(1), form
    return None


def _block_after(lines: list[str], start: int) -> tuple[int, int] | None:
    """The paragraphs from `start` up to the next heading-like line or publications heading: (begin, end)."""
    i = start
    n = len(lines)
    while i < n and not lines[i].strip():
        i += 1
    begin = i
    end = i
    while i < n:
        text = lines[i].strip()
        if text:
            if _is_pub_heading(text) or _INTEREST_HEADING_RE.match(text) or _LABEL_RE.match(text):
                break
            if _heading_like(text) and (i == begin or not lines[i - 1].strip()):
                break
            end = i + 1
        i += 1
    return (begin, end) if end > begin else None


def position_line(text: str) -> tuple[str | None, str | None]:
    """(position, affiliation) of a line under a name, "Researcher in X" or "Kyoto University"; else Nones."""
    return _position_line(text)


def _position_line(text: str) -> tuple[str | None, str | None]:
    """Split "Researcher in DAMO Academy, Alibaba Group" -> ("Researcher", "DAMO Academy, Alibaba Group")."""
    words = {w.strip(",.;:()").lower() for w in text.split()}
    has_role = bool(words & _ROLE_WORDS)
    match = re.match(r"^(.+?)\s+(?:at|in|@)\s+(.+)$", text) or re.match(r"^([^,]+),\s*(.+)$", text)
    if has_role and match:
        role_words = {w.strip(",.;:()").lower() for w in match.group(1).split()}
        if role_words & _ROLE_WORDS:
            # "at the Energy Systems Lab": the article belongs to the sentence, not to the lab's name.
            return match.group(1).strip(), re.sub(r"^the\s+", "", match.group(2).strip().rstrip("."))
    if has_role:
        return text.rstrip("."), None
    if words & _ORG_WORDS:
        return None, text.rstrip(".")
    return None, None


def _owner(lines: list[str], limit: int, context: ParseContext) -> OwnerProfile | None:
    heading = _heading_name(lines, limit)
    intro = _intro_name("\n".join(lines[:limit]))
    forms: list[str] = []
    nicknames: list[str] = []
    name = None
    line = 0
    if heading is not None:
        line = heading[0] + 1
        name, nick = _plain_name(heading[1])
        forms.append(heading[1])
        nicknames.extend(nick)
    if intro is not None:
        plain, nick = _plain_name(intro[1])
        # An "I am ..." naming someone else entirely (no shared word) is not the owner's alias.
        if name is None or set(plain.split()) & set(name.split()):
            forms.append(intro[1])
            nicknames.extend(nick)
            if name is None:
                name = plain
                line = "\n".join(lines[:limit])[: intro[0]].count("\n") + 1
            elif plain != name:
                forms.append(plain)
    if context.owner:
        if name and name != context.owner:
            forms.insert(0, name)
        name = context.owner
    if not name:
        return None
    aliases: list[str] = []
    for form in forms + nicknames:
        if form and form != name and form not in aliases:
            aliases.append(form)

    position = affiliation = None
    if heading is not None:
        nxt = heading[0] + 1
        seen = 0
        while nxt < limit and seen < 3:
            candidate = lines[nxt].strip()
            nxt += 1
            if not candidate:
                continue
            seen += 1
            position, affiliation = _position_line(candidate)
            if position or affiliation:
                break

    bio = None
    extra: dict[str, str] = {}
    interests: tuple[str, ...] = ()
    email = address = None
    owner_links: list[Link] = []
    # Contact and interest blocks may follow the paper list, so these look at the whole page.
    for i in range(len(lines)):
        stripped = lines[i].strip()
        head = stripped.rstrip(":").strip().lower()
        if bio is None and head in _BIO_HEADINGS:
            span = _block_after(lines, i + 1)
            if span and len(" ".join(lines[span[0] : span[1]]).split()) >= 12:
                bio = "\n".join(lines[span[0] : span[1]]).strip()
        interest = _INTEREST_HEADING_RE.match(stripped)
        if interest and not interests:
            body = interest.group(1).strip()
            if not body:
                span = _block_after(lines, i + 1)
                body = " ".join(lines[span[0] : span[1]]).strip() if span else ""
            interests, note = _split_interests(body)
            if note:
                extra["interests_note"] = note
        label = _LABEL_RE.match(stripped)
        if label:
            key, value = label.group(1).lower(), label.group(2).strip()
            if key in {"email", "e-mail", "mail"} and email is None:
                found = _EMAIL_RE.search(value)
                email = found.group(0) if found else value
            elif key in {"address", "office"} and address is None:
                address = value
        if email is None and "@" in stripped and len(stripped) < 300 and not _MARKER_RE.match(stripped):
            found = _EMAIL_RE.search(stripped)
            if found:
                email = found.group(0)
        if i < (heading[0] + 12 if heading else 12) and len(stripped) < 500:
            for url in _URL_RE.findall(stripped):
                url = _clean_url(url)
                kind = "code" if _link_kind(url) == "code" else "other"
                if all(link.url != url for link in owner_links):
                    owner_links.append(Link(kind, url))
    if bio is None and intro is not None:
        joined = "\n".join(lines[:limit])
        start = joined.rfind("\n\n", 0, intro[0])
        end = joined.find("\n\n", intro[0])
        bio = joined[start + 1 if start >= 0 else 0 : end if end >= 0 else len(joined)].strip() or None
    return OwnerProfile(
        name=name,
        aliases=tuple(aliases),
        position=position,
        affiliation=affiliation,
        bio=bio,
        interests=interests,
        email=email,
        address=address,
        links=tuple(owner_links),
        extra=extra,
        line=line,
    )


def _split_interests(body: str) -> tuple[tuple[str, ...], str | None]:
    """Split "NLP, Multi-modality, CV. Notably ..." -> (("NLP", "Multi-modality", "CV"), "Notably ...")."""
    if not body:
        return (), None
    starts = _segment_starts(body)
    first = body[: starts[1]] if len(starts) > 1 else body
    note = body[starts[1] :].strip() if len(starts) > 1 else None
    items = []
    for part in re.split(r"[,;]|\s+and\s+|\s+&\s+", first.strip().rstrip(".")):
        part = part.strip()
        part = part[4:].strip() if part.lower().startswith("and ") else part
        if part:
            items.append(part)
    if not items or any(len(item.split()) > 8 for item in items):
        return (), body
    return tuple(items), note or None


# ---------------------------------------------------------------------------------------------------------
# Importer


class HomepageImporter(Importer):
    """Personal academic homepages: owner block plus "Selected Papers"/"Publications" citation lists."""

    name = "homepage"
    label = "Academic homepage"

    def sniff(self, text: str) -> float:
        """High when a publications heading is followed by citation-shaped entries."""
        sample = text[:_SNIFF_CHARS]
        lines = sample.split("\n")
        heading = any(_is_pub_heading(line) for line in lines)
        blocks, _ = _scan(lines, 0, in_section=False)
        count = 0
        for block in blocks[:_SNIFF_BLOCKS]:
            fields = _parse_fields(_prepare(block.lines))
            if _is_citation(fields) and fields is not None and (fields.year or len(fields.authors.names) > 1):
                count += 1
        if count == 0:
            return 0.1 if heading else 0.0
        return min(1.0, 0.2 + 0.11 * min(count, 5) + (0.25 if heading else 0.0))

    def parse(self, text: str, context: ParseContext) -> ImportBatch:
        """The owner and every entry under the page's publication headings."""
        if not text.strip():
            raise ImporterError("the page is empty", source=context.source_name)
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        papers, warnings, first_heading = _papers(lines)
        limit = first_heading if first_heading is not None else len(lines)
        owner = _owner(lines, limit, context)
        if owner is None and not papers:
            raise ImporterError(
                "no publications heading or citation-shaped entries found; is this an academic homepage?",
                source=context.source_name,
            )
        if not papers:
            warnings.append(ParseWarning(owner.line if owner else 1, "the page lists no papers that could be read"))
        return ImportBatch(format=self.name, owner=owner, papers=papers, warnings=warnings)


register(HomepageImporter())
