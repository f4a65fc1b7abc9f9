"""Helpers for the reconciliation tests: store hand-made page records the way the pipeline would."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from papershelf.model.apply import import_records
from papershelf.model.library import Library
from papershelf.model.records import OwnerProfile, PaperRecord
from papershelf.model.store import ImportResult

_counter = itertools.count()


SEEDS = Path(__file__).parent.parent / "fixtures" / "seeds"


def _seed_abstracts() -> dict[str, str]:
    """arXiv id -> abstract, read from the two arXiv-listing seeds (entry: abstract, [comments], id, date)."""
    found = {}
    for seed in ("002_3e77bbf1de03bcad.txt", "004_d214b1876f62693a.txt"):
        entries = (SEEDS / seed).read_text(encoding="utf-8").split("Created:")
        for entry in entries:
            # each piece starts with the previous entry's date line, then this entry's abstract
            blocks = [b.strip() for b in entry.split("\n\n") if b.strip() and not b.strip()[:4].isdigit()]
            ids = [b for b in blocks if b.startswith("arXiv:")]
            if ids:
                found[ids[0].split()[0].removeprefix("arXiv:")] = blocks[0]
    return found


@pytest.fixture(scope="session")
def seed_abstract() -> Callable[[str], str]:
    """The abstract of an arXiv entry of the seed listings, by id."""
    abstracts = _seed_abstracts()
    return abstracts.__getitem__


AddPage = Callable[..., ImportResult]


@pytest.fixture
def add_page() -> AddPage:
    """Import records as one page: add_page(library, "homepage", [records], owner="Name", file="x.txt")."""

    def add(
        library: Library,
        fmt: str,
        records: Sequence[PaperRecord],
        *,
        owner: str | None = None,
        file: str | None = None,
    ) -> ImportResult:
        name = file or f"page{next(_counter)}.txt"
        digest = hashlib.sha256(repr((name, fmt, owner, records)).encode()).hexdigest()
        return import_records(
            library,
            file=name,
            path=f"/pages/{name}",
            sha256=digest,
            fmt=fmt,
            owner=OwnerProfile(name=owner) if owner else None,
            records=list(records),
        )

    return add


@pytest.fixture
def memory_library():
    library = Library.memory()
    yield library
    library.close()
