"""The .bib export's exact bytes, pinned: a library built from the fixture pages and .bib files (with the user's
tags, notes, edits and new keys on some papers) exported in every flavour and option must give back the files in
tests/fixtures/export/ byte for byte.

The other export tests check what an entry means; this one catches any change in what is written, so work on the
export's speed (issue 16) cannot change its output unseen. When an output change is meant, regenerate the files
with `PAPERSHELF_REGEN_GOLDEN=1 python -m pytest tests/export/test_golden_bytes.py` and review their diff.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random

import pytest
from seedfiles import ALL_SEEDS, FIXTURES, SEED_AS_OF

from papershelf.exporters.bibtex import export_bib
from papershelf.exporters.formats import bib_sources, export_papers
from papershelf.exporters.latex_escape import _PLAIN_TEXT, Encoded, LatexEscaper
from papershelf.model import Library
from papershelf.pipeline import import_file

from .conftest import HOSTILE_TITLES, add_records, record

GOLDEN = FIXTURES / "export"
WHOLE = ("bibtex", "biblatex")
REGENERATE = os.environ.get("PAPERSHELF_REGEN_GOLDEN") == "1"
# The small real .bib files (texbook3 and tugboat take a minute each to import; the round-trip tests have them).
REAL_BIBS = ("xampl.bib", "biblatex-examples.bib", "jabref-complex.bib", "thuthesis-refs.bib", "aer-cje-ex.bib")
CASES = {
    "bibtex": ("bibtex", {}),
    "bibtex-strings": ("bibtex", {"strings": True}),
    "bibtex-inherit": ("bibtex", {"crossref": "inherit", "abstracts": False}),
    "biblatex": ("biblatex", {}),
    "biblatex-names": ("biblatex", {"biblatex_names": True, "strings": True}),
}


@pytest.fixture(scope="module")
def golden_library(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("golden")
    library = Library.open(folder / "library.sqlite", backup=False)
    as_of = dt.date.fromisoformat(SEED_AS_OF)
    paths = [
        *ALL_SEEDS,
        *sorted((FIXTURES / "variants").glob("*.txt")),
        *sorted((FIXTURES / "variants").glob("*.bib")),
        FIXTURES / "bib" / "entry_types.bib",
        *(FIXTURES / "bib" / "real" / name for name in REAL_BIBS),
    ]
    for path in paths:
        report = import_file(library, path, as_of=as_of)
        assert report.ok, (path.name, report.error)
    add_records(
        library,
        [
            record(
                i + 1,
                title=title,
                authors=("Zoë Müller-Łukasiewicz", "Søren Ødegård", "Jan van der Berg", "Ng, Andrew Y., Jr."),
                year=2021,
                venue="NeurIPS 2021",
                entry_type="inproceedings",
                abstract=f"First paragraph of {title}.\n\nSecond -- with 50% and $x^2$.",
            )
            for i, title in enumerate(HOSTILE_TITLES)
        ],
    )
    # What the user typed, which the export writes from the library rather than from the sources.
    ids = library.paper_ids()
    library.add_tag(ids[::3], "to-read")
    library.add_tag(ids[::7], "a, b; c")
    library.add_tag(ids[::5], "Ünïcode tag")
    for n, paper_id in enumerate(ids[::11]):
        library.set_note(paper_id, f"My note {n}:\n  - indented line with $ and {{braces}}\n\nlast line")
    for paper_id in ids[2::13]:
        library.edit_paper(paper_id, title="An Edited Title With BERT and Ünïcode", year=2019)
    # Entries of .bib files (a page's thesis has a declared type too; it is left out so the choice stays put).
    declared = [
        p
        for p in library.get_papers(ids)
        if p.bib_type and any(s.format == "bibtex" for s in library.get_paper(p.id).sources)
    ]
    for paper in declared[::9]:
        library.edit_bib_fields(paper.id, {"note": "Edited note -- {ok}", "keywords": "alpha, beta"})
    for n, paper in enumerate(library.get_papers(ids[4::17])):
        library.set_citekey(paper.id, f"renamed{n}:{paper.citekey[:8] or 'x'}")
    yield library
    library.close()


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_export_writes_the_pinned_bytes(golden_library: Library, case: str) -> None:
    flavour, options = CASES[case]
    papers = golden_library.list_papers()
    text = export_papers(papers, flavour, sources=bib_sources(golden_library, papers), **options).text
    _compare(case, text)


@pytest.mark.parametrize("flavour", ["bibtex", "biblatex"])
def test_the_benchmarked_export_writes_the_pinned_bytes(golden_library: Library, flavour: str) -> None:
    """The whole library through `export_bib` alone, as benchmarks/run.py measures it (no sources, no preamble)."""
    text, _report = export_bib(golden_library.list_papers(), flavour)
    _compare(f"plain-{flavour}", text)


def _compare(case: str, text: str) -> None:
    """Against the whole file for the two main cases (a failure shows the first line that differs), against
    its SHA-256 for the others, which differ from those in a few places and would add a megabyte of fixtures."""
    assert text.count("\n@") > 300  # the library really was built: hundreds of entries
    data = text.encode("utf-8")
    digests_path = GOLDEN / "digests.json"
    digests = json.loads(digests_path.read_text(encoding="utf-8")) if digests_path.exists() else {}
    path = GOLDEN / f"{case}.bib"
    if REGENERATE:
        GOLDEN.mkdir(exist_ok=True)
        if case in WHOLE:
            path.write_bytes(data)
        digests[case] = hashlib.sha256(data).hexdigest()
        digests_path.write_text(json.dumps(dict(sorted(digests.items())), indent=2) + "\n", encoding="utf-8")
    if case not in WHOLE:
        assert hashlib.sha256(data).hexdigest() == digests[case], f"{case}: the export's bytes changed"
        return
    expected = path.read_bytes().decode("utf-8")
    if text != expected:
        lines, wanted = text.splitlines(), expected.splitlines()
        first = next(
            (i for i, (a, b) in enumerate(zip(lines, wanted, strict=False)) if a != b), min(len(lines), len(wanted))
        )
        pytest.fail(
            f"{case}: the export differs from {path.name} first at line {first + 1}: "
            f"{lines[first] if first < len(lines) else '<end>'!r} instead of "
            f"{wanted[first] if first < len(wanted) else '<end>'!r}"
        )


def test_plain_text_takes_the_fast_way_to_the_same_latex() -> None:
    """Plain ASCII titles skip the character-by-character walk (exporters/latex_escape.py): for any such text,
    protected or not, the fast way must write exactly what the walk writes."""
    rng = random.Random(16)
    alphabet = "aAbZz09 .,;:!?()[]'\"/+=*@-" + "eEmM6T"
    escaper = LatexEscaper("bibtex")
    samples = ["M6-T and Double-I", "BERT, LayerNorm and M6 keep GPT3 iPhone", "x-Y -Z A-", "a1 A1 1A aB Ab"]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(5000)]
    checked = 0
    for text in samples:
        if not _PLAIN_TEXT.fullmatch(text) or any(pair in text for pair in ("--", "''", ",,")):
            continue
        checked += 1
        for protect in (False, True):
            fast = escaper._run(text, Encoded(""), protect)
            assert fast == escaper._walk(text, Encoded(""), protect), (text, protect)
    assert checked > 1000
