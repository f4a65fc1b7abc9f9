"""Verbatim fields (`url`, `doi`, `eprint`): written so every style reads them back unchanged, in both flavours.

Styles print these with `\\url` (url.sty or hyperref), which reads its argument verbatim: a `\\%` there prints
as a backslash and a percent sign. So both flavours write the address raw, percent-encoding only what RFC 3986
does not allow (spaces, braces, backslashes, a `%` that starts no escape). For documents that load neither
url.sty nor hyperref (natbib then falls back to `\\texttt`, where a raw `%` or `_` breaks), the bibtex flavour's
file carries `URL_FALLBACK_PREAMBLE`. The importer undoes the `\\%` and `\\#` that other tools (and older
Papershelf exports) write.
"""

from __future__ import annotations

import re

# RFC 3986's characters; anything else is percent-encoded as UTF-8.
_URL_UNSAFE = re.compile(r"[^A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# Escapes other tools put into verbatim fields for TeX's sake; in a URL or DOI they are the bare character.
# Mendeley braces them too (`0{\_}23`, `{~}user`): no address holds a brace.
_TEX_ESCAPE = re.compile(r"\{\\?([%#_&~$])\}|\\([%#_&~$])")

# Defines \url (and natbib's \doi) only when the document has none, as a \texttt that reads % # _ ~ & ^ $ as
# characters. bibtex writes @preamble at the top of the .bbl, before a style's own \providecommand{\url}.
URL_FALLBACK_PREAMBLE = (
    '@preamble{ "\\providecommand{\\PapershelfVerbatim}{\\begingroup \\catcode`\\%=12 \\catcode`\\#=12 '
    "\\catcode`\\_=12 \\catcode`\\~=12 \\catcode`\\&=12 \\catcode`\\^=12 \\catcode`\\$=12 "
    "\\PapershelfVerbatimArgument} \\providecommand{\\PapershelfVerbatimArgument}[1]{\\texttt{#1}\\endgroup} "
    "\\providecommand{\\url}{\\PapershelfVerbatim} "
    '\\ifx\\urlstyle\\undefined \\providecommand{\\doi}{doi: \\PapershelfVerbatim}\\fi" }'
)


def _percent_encode(match: re.Match[str]) -> str:
    return "".join(f"%{b:02X}" for b in match.group(0).encode("utf-8"))


def verbatim_url(url: str) -> str | None:
    """A URL as a field value, the same in both flavours; None if it is no web address."""
    url = url.strip()
    if not re.match(r"^(?:https?|ftp)://[^\s/]", url, re.I):
        return None
    return _STRAY_PERCENT.sub("%25", _URL_UNSAFE.sub(_percent_encode, url))


def verbatim_doi(doi: str) -> str | None:
    """A DOI as a field value, exactly as stored (`a_b%25c` stays `a_b%25c`, so it matches on re-import);
    only braces and backslashes, which no real DOI holds and which would break the .bib, and non-ASCII
    characters (the bibtex flavour is ASCII) are percent-encoded."""
    doi = doi.strip()
    if not re.match(r"^10\.\d{4,9}/\S+$", doi):
        return None
    return re.sub(r"[{}\\]|[^\x00-\x7f]", _percent_encode, doi)


def verbatim_identifier(value: str) -> str | None:
    """arXiv identifiers and classes: letters, digits and . / - only, else not written."""
    value = value.strip()
    return value if re.fullmatch(r"[A-Za-z0-9./\-]+", value) else None


def read_verbatim(value: str) -> str:
    """A url or doi field as a .bib file holds it, back to the address: `\\%` -> `%`, `\\#` -> `#`, `\\_` and
    `{\\_}` -> `_`, `{~}` -> `~`."""
    value = " ".join(value.split())
    # Nearly every address has no escape at all; the substitution would copy it for nothing.
    if "\\" not in value and "{" not in value:
        return value
    return _TEX_ESCAPE.sub(lambda match: match[1] or match[2], value)
