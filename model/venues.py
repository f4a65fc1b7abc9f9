"""The venue table: which conference or journal a page means ("NeurIPS 2019", "NIPS", "Advances in Neural ...").

Reads the bundled resources/venues.json, merged under a user's own venues.json from Papershelf's config folder.
Pure lookups: no SQL, no network; an unknown venue is simply not found (callers keep it as written).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import platformdirs

KINDS = ("conference", "journal", "preprint")


@dataclass(frozen=True)
class Venue:
    short: str  # the canonical name the library stores ("NeurIPS")
    full: str  # the proceedings or journal name a bibliography prints
    kind: str  # conference | journal | preprint


_ARXIV_ID = re.compile(r"arxiv\s*:\s*\S+|\b\d{4}\.\d{4,5}(?:v\d+)?\b|\b[a-z-]+(?:\.[a-z]{2})?/\d{7}\b", re.I)
_YEAR = re.compile(r"(?:\b(?:19|20)\d{2}\b|['’]\d{2}\b)")
_ORDINAL = re.compile(r"\b\d+(?:st|nd|rd|th)\b", re.I)
_LEADING = re.compile(r"^(?:in\s+)?(?:proceedings\s+of\s+(?:the\s+)?|proc\.\s+(?:of\s+)?(?:the\s+)?)?(?:the\s+)?", re.I)
_SHORT_NAME = re.compile(r"\s*\(([A-Z][\w\-]*(?:\s*['’]?\d{2,4})?)\)\s*$")
# Which volume of the proceedings: "... Computational Linguistics (Volume 1: Long Papers)" is still ACL's.
_PART = re.compile(
    r"\s*\((?:Volume\s+\d+)?(?:\s*:\s*)?(?:(?:Long|Short|Demo(?:nstration)?s?|Industry(?: Track)?|Student Research "
    r"Workshop|Tutorial(?: Abstract)?s?)(?:\s+Papers)?)?\)\s*$",
    re.I,
)


@functools.lru_cache(maxsize=8192)  # an import or export asks for the same few venues again and again
def venue_key(text: str) -> str:
    """What two spellings of one venue share: lower-case letters and digits, without year, ordinal or
    "Proceedings of the" ("ACL-IJCNLP 2021" -> "aclijcnlp", "ACM MM" and "ACMMM" -> "acmmm")."""
    text = unicodedata.normalize("NFKC", text).strip()
    text = _ARXIV_ID.sub(" ", text)
    text = _YEAR.sub(" ", text)
    text = _ORDINAL.sub(" ", text)
    text = " ".join(text.split())
    text = _LEADING.sub("", text)
    text = _PART.sub("", text)
    return "".join(ch for ch in text.lower() if ch.isalnum())


def user_venues_path() -> Path:
    """Where a user's own venue table lives (same shape as the bundled one)."""
    from papershelf.paths import APP_NAME

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "venues.json"


def _entries(data: Any, origin: str) -> list[dict[str, Any]]:
    items = data.get("venues") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ValueError(f"{origin}: expected a list of venues")
    entries = []
    for item in items:
        if not isinstance(item, dict) or not item.get("short") or not item.get("full"):
            continue  # a half-written user entry must not break every export
        kind = item.get("kind", "conference")
        if kind not in KINDS:
            continue
        aliases = [a for a in item.get("aliases", []) if isinstance(a, str)]
        entries.append({"short": str(item["short"]), "full": str(item["full"]), "kind": kind, "aliases": aliases})
    return entries


class VenueTable:
    """Venues by every key they are known under; later entries (the user's) win over earlier ones."""

    def __init__(self, entries: list[dict[str, Any]]) -> None:
        self._by_key: dict[str, Venue] = {}
        self._by_short: dict[str, Venue] = {}
        for entry in entries:
            venue = Venue(entry["short"], entry["full"], entry["kind"])
            old = self._by_short.get(entry["short"].lower())
            if old is not None:  # a user's entry replaces the bundled one of the same short name
                self._by_key = {k: v for k, v in self._by_key.items() if v != old}
            self._by_short[entry["short"].lower()] = venue
            for name in (entry["short"], entry["full"], *entry["aliases"]):
                key = venue_key(name)
                if key:
                    self._by_key[key] = venue

    def lookup(self, text: str | None) -> Venue | None:
        if not text or not text.strip():
            return None
        found = self._by_key.get(venue_key(text))
        named = _SHORT_NAME.search(text) if found is None else None
        if named:
            # "Proceedings of the 37th International Conference on Machine Learning (ICML)": the full name, with
            # the short one it goes by (which must be that venue's, so a wrong one finds nothing)
            found = self._by_key.get(venue_key(text[: named.start()]))
            if found is not None and venue_key(named.group(1)) != venue_key(found.short):
                found = None
        return found

    def __len__(self) -> int:
        return len(self._by_short)


_cache: tuple[float | None, VenueTable] | None = None


def load_table(user_file: Path | None = None) -> VenueTable:
    """The bundled table with the user's file (if any) merged over it; a broken user file is ignored."""
    bundled = json.loads((resources.files("papershelf.resources") / "venues.json").read_text(encoding="utf-8"))
    entries = _entries(bundled, "venues.json")
    path = user_file if user_file is not None else user_venues_path()
    if path.is_file():
        # A broken user file leaves the bundled table working.
        with contextlib.suppress(OSError, ValueError):
            entries += _entries(json.loads(path.read_text(encoding="utf-8")), str(path))
    return VenueTable(entries)


# The environment variables platformdirs reads to place the user's config folder.
_PATH_ENVIRONMENT = ("XDG_CONFIG_HOME", "HOME", "APPDATA", "LOCALAPPDATA", "USERPROFILE")


@functools.lru_cache(maxsize=8)
def _user_path(environment: tuple[str | None, ...]) -> Path:
    return user_venues_path()


def _table() -> VenueTable:
    global _cache
    # Asked once per record of an import and per entry of an export: platformdirs is asked once per environment.
    path = _user_path(tuple(os.environ.get(name) for name in _PATH_ENVIRONMENT))
    try:
        stamp: float | None = path.stat().st_mtime
    except OSError:
        stamp = None
    if _cache is None or _cache[0] != stamp:
        _cache = (stamp, load_table(path))
    return _cache[1]


def canonical_venue(text: str) -> Venue | None:
    """The venue `text` names ("NeurIPS 2019", "nips", "ACL-IJCNLP 2021", "arXiv"), or None if unknown."""
    return _table().lookup(text)
