"""The plain records every importer produces, owned by the model: importers build them, the pipeline carries them and
the import plan reads them. Plain dataclasses only: this module must not import the library or anything that does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, TypeVar

_T = TypeVar("_T")


class _Factory:
    """A default_factory field's default in `fills_dict`'s __init__ (shown as dataclasses show it)."""

    def __repr__(self) -> str:
        return "<factory>"


_NOT_GIVEN: Any = _Factory()


def fills_dict(cls: type[_T]) -> type[_T]:
    """A frozen dataclass with a quicker __init__: the same parameters and defaults, the fields stored straight
    into the instance's __dict__ in field order. The generated one sets each through object.__setattr__, 1 us
    for a four-field EntryField, 3.4 us for a PaperRecord; a .bib entry makes about fifteen of the one and one
    of the other (a twentieth of reading a big file), and its plan a few more (model.plan's AuthorChoice for
    every name). Only for classes without __post_init__ or init-only fields."""
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has __post_init__, which this __init__ would not call")
    namespace: dict[str, Any] = {"_NOT_GIVEN": _NOT_GIVEN}
    params: list[str] = []
    lines: list[str] = []
    for f in fields(cls):
        if not f.init or f.kw_only:
            raise TypeError(f"{cls.__name__}.{f.name} is not a plain positional field")
        if f.default is not MISSING:
            namespace[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        elif f.default_factory is not MISSING:
            namespace[f"_factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_NOT_GIVEN")
            lines.append(f"    if {f.name} is _NOT_GIVEN:\n        {f.name} = _factory_{f.name}()")
        else:
            params.append(f.name)
    lines.append("    d = self.__dict__")
    lines.extend(f"    d[{f.name!r}] = {f.name}" for f in fields(cls))
    exec(f"def __init__(self, {', '.join(params)}):\n" + "\n".join(lines), namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    cls.__init__ = init  # type: ignore[misc]
    return cls


@fills_dict
@dataclass(frozen=True)
class Link:
    """A link found in a page: `kind` is one of paper, code, model, project, data, other."""

    kind: str
    url: str


@fills_dict
@dataclass(frozen=True)
class EntryField:
    """One field of a .bib entry as the file wrote it: `latex` is the value inside its delimiters (@string
    macros expanded), `text` its Unicode reading, `macro` the value's own spelling when it used a macro or `#`
    (`apr`, `j-TUGboat`, `dec # {~15}`)."""

    name: str  # lowercase
    text: str
    latex: str
    macro: str | None = None


@dataclass(frozen=True)
class FileBlock:
    """A block of a .bib file that is not an entry: kind "string" (name = the macro, value = its LaTeX),
    "preamble" (value = its LaTeX) or "comment" (value = its text); `position` is its place among the file's
    blocks."""

    kind: str
    value: str
    name: str | None = None
    position: int = 0
    line: int = 0


@fills_dict
@dataclass(frozen=True)
class PaperRecord:
    """One paper as a page states it, nothing normalised away.

    `authors` holds each name exactly as written. `authors_complete` is False when the list ends in "et al."
    or when the page gives no authors at all (an arXiv listing): the list is then known to be partial.
    """

    line: int
    title: str | None = None
    authors: tuple[str, ...] = ()
    authors_complete: bool = True
    year: int | None = None
    date: str | None = None  # ISO date, e.g. "2024-03-15"
    date_inferred: bool = False  # True when the page gave no year and it was taken from the capture date
    venue: str | None = None
    entry_type: str | None = None  # article, inproceedings, preprint, book, thesis, misc, ...
    abstract: str | None = None
    arxiv_id: str | None = None  # without version, e.g. "2112.07327" or "hep-th/9901001"
    arxiv_version: str | None = None  # "v2" when the page gave one
    doi: str | None = None
    comments: str | None = None  # arXiv comments line ("12 pages, accepted by NeurIPS 2019")
    journal_ref: str | None = None
    category: str | None = None  # arXiv/aggregator category such as "cs.LG" or "LG"
    links: tuple[Link, ...] = ()
    note: str | None = None  # a remark the page attached to this entry
    has_code: bool = False
    citekey: str | None = None  # only when the source carries one (.bib)
    keywords: tuple[str, ...] = ()
    affiliation_hint: str | None = None  # "· pku" suffix on aggregator cards
    extra: dict[str, str] = field(default_factory=dict)  # any other field the source states (volume, pages ...)
    raw: str = ""  # the entry's text as it appears in the source
    # The .bib entry exactly as declared (lowercase type, every field in order, parents' fields not inherited);
    # None and () for sources that are not .bib files.
    bib_type: str | None = None
    bib_fields: tuple[EntryField, ...] = ()


class RecordView:
    """A PaperRecord read back from its plain data (`model.store.record_json` of it), where only that data
    came: a big .bib's records are made in another process (papershelf.read_ahead), and unpickling each record
    beside its data cost as much again (0.3 s of CPU per 10,000 entries). Reads like the record it was made
    from, field for field; it is not one (nothing may change it, `dataclasses` functions do not take it)."""

    __slots__ = ("data",)

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def __getattr__(self, name: str) -> Any:
        if name == "data":  # not set yet (a copy being made): never looked up in itself
            raise AttributeError(name)
        try:
            value = self.data[name]
        except KeyError:
            if name not in _RECORD_DEFAULTS:
                raise AttributeError(name) from None
            return _RECORD_DEFAULTS[name]()
        if name == "links":
            return tuple(Link(**link) for link in value)
        if name == "bib_fields":  # [name, LaTeX, text (None where it is the LaTeX), macro]
            return tuple(EntryField(n, x if t is None else t, x, m) for n, x, t, m in value)
        return value

    def __repr__(self) -> str:
        return f"RecordView(line={self.data.get('line')}, title={self.data.get('title')!r})"


def _defaults(cls: type) -> dict[str, Callable[[], Any]]:
    found: dict[str, Callable[[], Any]] = {}
    for f in fields(cls):
        if f.default is not MISSING:
            found[f.name] = lambda value=f.default: value
        elif f.default_factory is not MISSING:
            found[f.name] = f.default_factory
    return found


_RECORD_DEFAULTS = _defaults(PaperRecord)


@dataclass(frozen=True)
class OwnerProfile:
    """What a page says about the person whose page it is."""

    name: str
    aliases: tuple[str, ...] = ()  # other names the page uses for its owner ("Justin", "Junyang (Justin) Lin")
    position: str | None = None
    affiliation: str | None = None
    bio: str | None = None
    interests: tuple[str, ...] = ()
    email: str | None = None
    address: str | None = None
    h_index: int | None = None
    citation_count: int | None = None
    paper_count: int | None = None  # the count the page claims
    links: tuple[Link, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True)
class ParseWarning:
    line: int
    message: str


@dataclass
class ImportBatch:
    """Everything one file yielded: who the page is about, its papers, and what looked wrong."""

    format: str
    owner: OwnerProfile | None = None
    papers: list[PaperRecord] = field(default_factory=list)
    claimed_count: int | None = None
    warnings: list[ParseWarning] = field(default_factory=list)
    blocks: list[FileBlock] = field(default_factory=list)  # a .bib's @string, @preamble and @comment blocks


@dataclass(frozen=True)
class ParseContext:
    """What the caller knows that the text does not: its file name, capture date and an owner override."""

    source_name: str = "<text>"
    as_of: dt.date | None = None
    owner: str | None = None

    @property
    def reference_date(self) -> dt.date | None:
        """The capture date the user gave; None when not given (never today: a guess must not depend on it)."""
        return self.as_of
