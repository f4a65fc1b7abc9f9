"""The importer contract and the registry that scores every importer against a text."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from papershelf.importers.errors import ImporterError
from papershelf.model.records import ImportBatch, PaperRecord, ParseContext, ParseWarning


class Importer(ABC):
    """One page family. Subclasses are pure: text in, an ImportBatch out; they never touch the library.

    `parse` may raise only ImporterError; anything else is a bug in the importer.
    """

    name: str = ""  # stable identifier used by --format and stored with each source
    label: str = ""  # what the user reads
    extensions: tuple[str, ...] = (".txt",)

    @abstractmethod
    def sniff(self, text: str) -> float:
        """How confident this importer is that `text` is its kind of page, from 0 to 1."""

    @abstractmethod
    def parse(self, text: str, context: ParseContext) -> ImportBatch:
        """Turn the text into plain records; entries that cannot be read become warnings with a line."""

    def parse_stream(self, text: str, context: ParseContext) -> Iterator[Streamed] | None:
        """The records one by one as the text is read, so that a big file's first records can be stored while
        the later ones are made (`papershelf.read_ahead`): each record with its warnings, in order, then the
        batch without its papers (its other warnings, blocks and owner). `batch_of_stream` of it is exactly
        what `parse` returns; errors are raised as `parse` raises them, when they are met. None: this importer
        makes its records only all at once."""
        return None


# What a stream gives: a record with the warnings about it, or, last, the file's batch without its papers.
Streamed = tuple[PaperRecord, list[ParseWarning]] | ImportBatch


def batch_of_stream(stream: Iterable[Streamed]) -> ImportBatch:
    """The batch `parse` gives, from a `parse_stream`: its papers in order, every warning sorted by line."""
    papers: list[PaperRecord] = []
    warnings: list[ParseWarning] = []
    batch: ImportBatch | None = None
    for item in stream:
        if isinstance(item, ImportBatch):
            batch = item
        else:
            papers.append(item[0])
            warnings.extend(item[1])
    assert batch is not None, "a stream ends with its batch"
    return finish_stream(batch, papers, warnings)


def finish_stream(batch: ImportBatch, papers: list[PaperRecord], warnings: list[ParseWarning]) -> ImportBatch:
    """A stream's batch with its papers and their warnings (after the file's own), sorted by line."""
    batch.papers = papers
    batch.warnings.extend(warnings)
    batch.warnings.sort(key=lambda w: w.line)
    return batch


_REGISTRY: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    """Add an importer; a later registration under the same name replaces the earlier one."""
    if not importer.name:
        raise ValueError("an importer needs a name")
    _REGISTRY[importer.name] = importer
    return importer


def importers() -> list[Importer]:
    """Every importer: the built-in ones in `_BUILTINS`' order (detection's ties go to the earlier), then any
    registered from elsewhere, in their order."""
    _load_builtin()
    order = {builtin.name: position for position, builtin in enumerate(_BUILTINS)}
    return sorted(_REGISTRY.values(), key=lambda importer: order.get(importer.name, len(order)))


def importer_names() -> list[str]:
    """The formats `--format` takes, without loading any importer (the command line's help lists them)."""
    return sorted({builtin.name for builtin in _BUILTINS} | set(_REGISTRY))


def get_importer(name: str) -> Importer:
    found = _REGISTRY.get(name)
    if found is not None:
        return found
    builtin = next((b for b in _BUILTINS if b.name == name), None)
    if builtin is not None:
        _load(builtin.module)  # that importer alone: a .bib import needs none of the page readers
    else:
        _load_builtin()
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise ImporterError(f"unknown format {name!r}; known formats: {known}") from None


@dataclass(frozen=True)
class Detection:
    importer: Importer | None
    score: float
    # Every importer's score, best first; only the importer's own when the file is named for it alone and it is
    # sure of the text (the others are not asked: `detect`).
    ranking: tuple[tuple[str, float], ...]

    @property
    def closest(self) -> str:
        return self.ranking[0][0] if self.ranking else "none"


# Below this no importer is trusted: the user is told which came closest instead of getting a guess.
CONFIDENCE_THRESHOLD = 0.3
SNIFF_CHARS = 1 << 20


def detect(text: str, filename: str = "") -> Detection:
    """Score every importer on the text; the best score at or above the threshold wins.

    Sniffers read at most the first SNIFF_CHARS (cut at a line end): a page shows what it is from its start, and
    a 100,000-entry file must not be scanned by every importer before one parses it.
    """
    if len(text) > SNIFF_CHARS:
        cut = text.rfind("\n", 0, SNIFF_CHARS)
        text = text[: cut if cut > 0 else SNIFF_CHARS]
    sole = _sole_claimant(filename)
    if sole is not None:
        # A file named for one importer alone (`.bib`) that this importer is sure of is its own: the other
        # sniffers would read the first megabyte of it for nothing (a third of a second before a big .bib).
        try:
            score = float(sole.sniff(text))
        except Exception:
            score = 0.0
        if score >= SURE:
            score = min(1.0, score + 0.05)
            return Detection(sole, score, ((sole.name, round(score, 3)),))
    scores = []
    for importer in importers():
        try:
            score = float(importer.sniff(text))
        except Exception:  # a sniffer bug must not hide the other importers
            score = 0.0
        if filename and filename.lower().endswith(importer.extensions) and score > 0:
            score = min(1.0, score + 0.05)
        scores.append((importer, max(0.0, min(1.0, score))))
    scores.sort(key=lambda pair: pair[1], reverse=True)
    ranking = tuple((imp.name, round(score, 3)) for imp, score in scores)
    if scores and scores[0][1] >= CONFIDENCE_THRESHOLD:
        return Detection(scores[0][0], scores[0][1], ranking)
    return Detection(None, scores[0][1] if scores else 0.0, ranking)


# A sniff score that leaves no doubt (a .bib's: entries of known types with field lines).
SURE = 0.95


def _sole_claimant(filename: str) -> Importer | None:
    """The one importer whose extensions the file name has, if no other importer claims it too; only that
    importer is loaded when it is a built-in one."""
    name = filename.lower()
    if not name:
        return None
    claimants = {builtin.name for builtin in _BUILTINS if name.endswith(builtin.extensions)}
    claimants |= {importer.name for importer in _REGISTRY.values() if name.endswith(importer.extensions)}
    return get_importer(claimants.pop()) if len(claimants) == 1 else None


def second_opinion(detection: Detection, text: str, filename: str = "") -> Importer | None:
    """The homepage and arXiv-listing importers read their own layouts exactly but miss entries (or titles) of
    others, or take in what a citation puts around its venue (pages, volume, year), and a page's text with a
    BibTeX entry pasted into it is not a .bib file: when the general page reader also recognises the text and
    reads more papers from it (each with a title, none in doubt), or as many better formed as the user would see
    them (importers/well_formed.py: clean venues, names that are names, years), the general reader wins; a full
    tie keeps the exact importer. It parses the text twice, so it is asked once per import
    (pipeline.read_file), not by every sniff: the window's file list shows the quick detection."""
    best = detection.importer
    if best is None or best.name not in ("homepage", "arxiv-listing", "bibtex"):
        return best
    if filename.lower().endswith((".bib", ".bibtex")) or len(text) > SNIFF_CHARS:
        return best  # a page this big is a listing made by a machine, read by its exact importer
    if dict(detection.ranking).get("page", 0.0) < CONFIDENCE_THRESHOLD:
        return best
    general = get_importer("page")
    from papershelf.model.records import ParseContext

    try:
        read = general.parse(text, ParseContext()).papers
    except ImporterError:
        return best
    try:
        fitted = best.parse(text, ParseContext()).papers
    except ImporterError:
        fitted = []
    from papershelf.importers.well_formed import papers_found, reading_form

    sure = [paper for paper in read if "check_me" not in paper.extra]
    # A paper whose title took in the names or the year ("& Kingi, T. (2014). Development of ...") is not a
    # paper found: it is counted by neither reading.
    return general if (papers_found(sure), reading_form(sure)) > (papers_found(fitted), reading_form(fitted)) else best


@dataclass(frozen=True)
class _Builtin:
    """A built-in importer as the registry knows it before its module is loaded: its module, its format name
    and the file extensions it claims, as the importer itself declares them (tests/importers/test_registry.py
    checks that they agree)."""

    module: str
    name: str
    extensions: tuple[str, ...]


# Loading an importer's module registers it. They are loaded only when needed: the general page reader's
# patterns alone take a tenth of a second to compile, which a .bib import from the command line never needs.
_BUILTINS = (
    _Builtin(
        "papershelf.importers.page_reader", "page", (".html", ".htm", ".mhtml", ".mht", ".txt", ".md", ".markdown")
    ),
    _Builtin("papershelf.importers.homepage", "homepage", (".txt",)),
    _Builtin("papershelf.importers.aggregator_profile", "aggregator", (".txt",)),
    _Builtin("papershelf.importers.arxiv_listing", "arxiv-listing", (".txt",)),
    _Builtin("papershelf.importers.scholarly_profile", "scholarly-profile", (".txt",)),
    _Builtin("papershelf.importers.bibtex_file", "bibtex", (".bib", ".bibtex")),
)
_loaded = False
_loading = threading.RLock()  # the window's worker thread and its interface thread may both ask first


def _load_builtin() -> None:
    global _loaded
    if _loaded:
        return
    with _loading:
        if not _loaded:
            for builtin in _BUILTINS:
                _load(builtin.module)
            _loaded = True  # only now: another thread never sees half the importers


def _load(module: str) -> None:
    import importlib

    try:
        importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name != module:  # a missing dependency inside an importer is a real bug
            raise
