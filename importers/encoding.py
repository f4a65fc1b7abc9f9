"""Turns a file's bytes into text: UTF-8 (with or without BOM), UTF-16 (with or without BOM), else Windows-1252 /
Latin-1; refuses binary data and HTML source (the page importers read the text a browser shows, not its markup).

Every refusal is an ImporterError naming the file and the reason; nothing here raises anything else.
"""

from __future__ import annotations

import codecs
import re

from papershelf.importers.errors import ImporterError

MAX_BYTES = 64 * 1024 * 1024  # larger files are refused before decoding: no page of papers is this big


def decode(data: bytes, source: str = "<bytes>") -> str:
    """Decode page bytes to text with normalised line endings, or raise ImporterError saying why not."""
    if not data.strip():
        raise ImporterError("the file is empty", source=source)
    if len(data) > MAX_BYTES:
        raise ImporterError(
            f"the file is {len(data) / 2**20:.0f} MB, over the {MAX_BYTES // 2**20} MB limit for one page",
            source=source,
        )
    text = _decode(data, source)
    # The NUL and carriage-return scans read the bytes first (memchr): a text with one letter beyond Latin-1
    # is stored at two or four bytes a character, where each scan of the text took 5 ms of a 5 MB .bib. No
    # byte 0 (or 13) in the file means no U+0000 (or carriage return) in any decoding above of it.
    if (b"\x00" in data and "\x00" in text) or _control_ratio(text) > 0.02:
        raise ImporterError("the file is binary, not text", source=source)
    if looks_like_html(text):
        raise ImporterError(
            "this is a web page's HTML source, not its text; open the page in a browser, select all, copy, and "
            "save the text as a .txt file to import",
            source=source,
        )
    if b"\r" not in data:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes, source: str) -> str:
    if data.startswith(codecs.BOM_UTF8):
        # Stray bytes after a BOM are read as they are without one: a .bib pasted together from several sources.
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors=_MIXED)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", source)
    if _looks_utf16(data):
        return _strict(data, "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be", source)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if b"\x00" in data:
            raise ImporterError("the file is binary, not text", source=source) from None
        cut_short = error.start >= len(data) - 3 and error.reason == "unexpected end of data"
        # A lone lead byte at the very end of an otherwise ASCII file is as likely a Latin-1 letter ("café").
        if cut_short and (len(data) - error.start > 1 or _UTF8_MULTIBYTE.search(data)):
            line = data[: error.start].count(b"\n") + 1
            raise ImporterError(
                f"the file is truncated in the middle of a UTF-8 character (line {line})", source=source
            ) from None
        if _UTF8_MULTIBYTE.search(data):
            # Mostly UTF-8 with some stray bytes: .bib files pasted together from several sources mix encodings.
            return data.decode("utf-8", errors=_MIXED)
        # Not UTF-8: Windows-1252 (what browsers read "Latin-1" as) with Latin-1 for its five undefined bytes.
        return data.decode("cp1252", errors=_MIXED)


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_MIXED = "papershelf-cp1252-fallback"


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Decode the bytes a codec rejected one by one as Windows-1252, else Latin-1 (which decodes any byte)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    chunk = error.object[error.start : error.end]
    text = "".join(_one_byte(bytes([b])) for b in chunk)
    return text, error.end


def _one_byte(byte: bytes) -> str:
    try:
        return byte.decode("cp1252")
    except UnicodeDecodeError:
        return byte.decode("latin-1")


codecs.register_error(_MIXED, _cp1252_fallback)


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].decode(encoding, errors="replace").count("\n") + 1
        raise ImporterError(
            f"the file is not valid {encoding.upper()} (line {line}): {error.reason}", source=source
        ) from None


def _looks_utf16(data: bytes) -> bool:
    sample = data[:400]
    if len(sample) < 4:
        return False
    even_zero = sample[0::2].count(0) / len(sample[0::2])
    odd_zero = sample[1::2].count(0) / len(sample[1::2])
    return max(even_zero, odd_zero) > 0.4 and min(even_zero, odd_zero) < 0.05


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return bad / len(sample)


_HTML_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>]|<head[\s>])", re.I | re.S
)
_HTML_TAG = re.compile(
    r"</?(?:html|head|body|div|span|p|a|li|ul|ol|td|tr|th|table|br|script|style|meta|link|img|h[1-6])\b[^>]{0,500}>",
    re.I,
)


def looks_like_html(text: str) -> bool:
    """True for an HTML document or a dump of markup; a page's text with a stray tag in an abstract is not."""
    sample = text[:50000]
    if _HTML_START.match(sample):
        return True
    tags = _HTML_TAG.findall(sample)
    return len(tags) >= 30 and sum(map(len, tags)) >= 0.05 * len(sample)
