"""A page saved as one file by a browser ("Webpage, Single File": Chrome's and Edge's .mhtml, Opera's and old
Internet Explorer's .mht): a MIME message whose first text/html part is the page, in quoted-printable or base64.

Only finds that part, says its charset, and where each of its lines stands in the archive (`page_lines`: the
page reader numbers the lines of the HTML, a user looks in the .mhtml); the page reader reads it like any
saved HTML. Uses the standard library's email parser; nothing here knows about papers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# A saved page starts with the message's headers: "From: <Saved by Blink>", "MIME-Version: 1.0", then a
# multipart/related Content-Type (its boundary may be on a continuation line).
_HEADERS_END = re.compile(rb"\r?\n\r?\n")


@dataclass(frozen=True)
class SavedPage:
    html: bytes
    charset: str | None  # as the part's Content-Type says, if it does
    address: str | None  # where the page was saved from (Snapshot-Content-Location or the part's location)


def looks_like_mhtml(data: bytes) -> bool:
    end = _HEADERS_END.search(data, 0, 16384)
    head = data[: end.start() if end else 16384]
    return bool(re.search(rb"(?im)^MIME-Version\s*:", head) and re.search(rb"(?i)multipart/related", head))


def saved_page(data: bytes) -> SavedPage | None:
    """The page inside a saved .mhtml, or None when `data` is not one or holds no HTML part."""
    if not looks_like_mhtml(data):
        return None
    import email  # here, not at the top: every import asks looks_like_mhtml, few need the parser (20 ms)
    import email.policy

    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() != "text/html" or part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        address = message.get("Snapshot-Content-Location") or part.get("Content-Location")
        return SavedPage(payload, part.get_content_charset(), str(address) if address else None)
    return None


_BOUNDARY = re.compile(rb'(?i)boundary\s*=\s*"?([^";\r\n]+)"?')
_PART_TYPE = re.compile(rb"(?im)^content-type\s*:\s*([\w.+-]+/[\w.+-]+)")
_PART_ENCODING = re.compile(rb"(?im)^content-transfer-encoding\s*:\s*([\w-]+)")
_ENCODED_NEWLINE = re.compile(rb"(?i)=0A")


def page_lines(data: bytes) -> Callable[[int], int] | None:
    """Line n (1-based) of the HTML `saved_page` reads -> the archive's line where it starts. In
    quoted-printable (what Chrome writes) a line may run over several of the archive's lines, joined by soft
    breaks; in base64 every line of the page is somewhere in the part's encoded text, so its first line is
    given. None where the part cannot be found in the bytes (an archive nested deeper than browsers write)."""
    head_end = _HEADERS_END.search(data, 0, 16384)
    if head_end is None:
        return None
    boundary = _BOUNDARY.search(data[: head_end.start()])
    if boundary is None:
        return None
    delimiter = b"\n--" + boundary.group(1).strip()
    at = data.find(delimiter[1:], head_end.end())
    while at >= 0:
        part_start = data.find(b"\n", at) + 1
        part_end = data.find(delimiter, part_start)
        part_end = len(data) if part_end < 0 else part_end
        headers_end = _HEADERS_END.search(data, part_start, part_end)
        if not part_start or headers_end is None:
            return None
        headers = data[part_start : headers_end.start()]
        kind = _PART_TYPE.search(headers)
        if kind is not None and kind.group(1).lower() == b"text/html":
            body = headers_end.end()
            first = data.count(b"\n", 0, body) + 1
            encoding = _PART_ENCODING.search(headers)
            encoding = encoding.group(1).lower() if encoding else b"7bit"
            if encoding == b"base64":
                return lambda line: first
            if encoding != b"quoted-printable":
                return lambda line: first + line - 1
            return _quoted_printable_lines(data[body:part_end], first)
        if kind is not None and kind.group(1).lower().startswith(b"multipart/"):
            return None  # a nested archive: the page part is not where the flat reading looks
        at = part_end + 1 if part_end < len(data) else -1
    return None


def _quoted_printable_lines(body: bytes, first: int) -> Callable[[int], int]:
    starts: list[int] = []  # the archive's line where each decoded line starts
    open_line = False
    for number, raw in enumerate(body.split(b"\n"), start=first):
        if not open_line:
            starts.append(number)
        # "=0A" is a line break written out: a decoded line starting inside this archive line.
        starts.extend([number] * len(_ENCODED_NEWLINE.findall(raw)))
        open_line = raw.rstrip(b"\r").endswith(b"=")  # a soft break: the decoded line goes on
    return lambda line: starts[min(max(line, 1), len(starts)) - 1]
