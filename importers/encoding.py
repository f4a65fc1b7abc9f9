"""Turns a file's bytes into text: UTF-8 (with or without BOM), UTF-16, else Latin-1; refuses binary data."""

from __future__ import annotations

import codecs

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
    if "\x00" in text or _control_ratio(text) > 0.02:
        raise ImporterError("the file is binary, not text", source=source)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes, source: str) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8) :], "utf-8", source)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", source)
    if _looks_utf16(data):
        return _strict(data, "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be", source)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if b"\x00" in data:
            raise ImporterError("the file is binary, not text", source=source) from None
        if error.start >= len(data) - 3 and error.reason == "unexpected end of data":
            line = data[: error.start].count(b"\n") + 1
            raise ImporterError(
                f"the file is truncated in the middle of a UTF-8 character (line {line})", source=source
            ) from None
        # Not UTF-8: Latin-1 decodes any byte, so it is the honest last resort for old Western pages.
        return data.decode("latin-1")


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise ImporterError(f"the file is not valid {encoding.upper()}: {error.reason}", source=source) from None


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
