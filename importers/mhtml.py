"""A page saved as one file by a browser ("Webpage, Single File": Chrome's and Edge's .mhtml, Opera's and old
Internet Explorer's .mht): a MIME message whose first text/html part is the page, in quoted-printable or base64.

Only finds that part and says its charset; the page reader reads it like any saved HTML. Uses the standard
library's email parser; nothing here knows about papers.
"""

from __future__ import annotations

import re
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
