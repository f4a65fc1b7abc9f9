"""The quick .bib splitter gives exactly bibtexparser's blocks: on every .bib in the tests, on damaged variants of
them, and on the forms it hands back to bibtexparser. What a user sees depends on it: which entries are read,
with which fields, and the line each warning names."""

from __future__ import annotations

import logging
import random
import sys
from pathlib import Path

import pytest
from bibtexparser import model as bib
from bibtexparser.splitter import Splitter

from papershelf.importers import bibtex_split
from papershelf.importers.bibtex_split import split_blocks

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BIB_FILES = sorted(FIXTURES.rglob("*.bib"))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))


def _describe(block: bib.Block) -> list:
    described: list = [type(block).__name__, block.start_line, block.raw]
    if isinstance(block, bib.Entry):
        described += [block.entry_type, block.key, [(f.key, f.value, f.start_line) for f in block.fields]]
    elif isinstance(block, bib.DuplicateBlockKeyBlock):
        described += [block.key, _describe(block.ignore_error_block), _describe(block.previous_block)]
    elif isinstance(block, bib.DuplicateFieldKeyBlock):
        described += [sorted(block.duplicate_keys), _describe(block.ignore_error_block)]
    elif isinstance(block, bib.ParsingFailedBlock):
        described += [getattr(block.error, "abort_reason", str(block.error))]
    elif isinstance(block, bib.String):
        described += [block.key, block.value]
    elif isinstance(block, bib.Preamble):
        described += [block.value]
    elif isinstance(block, (bib.ExplicitComment, bib.ImplicitComment)):
        described += [block.comment]
    return described


def _same_as_bibtexparser(text: str) -> None:
    expected = [_describe(b) for b in Splitter(text).split().blocks]
    assert [_describe(b) for b in split_blocks(text)] == expected


@pytest.fixture(autouse=True)
def _quiet_bibtexparser():
    # bibtexparser logs every broken block it meets; the damaged variants have thousands.
    logging.disable(logging.CRITICAL)
    yield
    logging.disable(logging.NOTSET)


def test_the_tests_have_bib_files_to_compare():
    assert len(BIB_FILES) >= 10


@pytest.mark.parametrize("path", BIB_FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_bib_file_of_the_tests_splits_as_bibtexparser_splits_it(path: Path):
    _same_as_bibtexparser(path.read_text(encoding="utf-8", errors="replace"))


_DAMAGE = [
    "{", "}", '"', ",", "=", "\n", "@", "@misc{", "\n@article{x,", "#", "\\", "\\{", " ", "(", ")", "%", "\n@",
    "\n@string{a = {b}}\n", "@comment{", "\r\n", "\\\n", "{\"}", "\n  @book{", "\u00a0",
]  # fmt: skip


@pytest.mark.parametrize("path", BIB_FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_damaged_files_split_as_bibtexparser_splits_them(path: Path):
    text = path.read_text(encoding="utf-8", errors="replace")
    rng = random.Random(path.name)
    for _ in range(40):
        damaged = text
        if len(damaged) > 20_000:
            start = rng.randrange(len(damaged) - 20_000)
            damaged = damaged[start : start + 20_000]
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(damaged) + 1)
            choice = rng.random()
            if choice < 0.4:
                damaged = damaged[:at] + rng.choice(_DAMAGE) + damaged[at:]
            elif choice < 0.8:
                damaged = damaged[:at] + damaged[at + rng.randint(1, 3) :]
            else:
                source = rng.randrange(len(damaged) + 1)
                damaged = damaged[:at] + damaged[source : source + rng.randint(1, 40)] + damaged[at:]
        _same_as_bibtexparser(damaged)


@pytest.mark.parametrize(
    "text",
    [
        '@string{jcp = "J. Chem. Phys."}\n@article{a,\n  journal = jcp,\n  year = 2020\n}\n',
        "@article{a,\n  title = {One}\n}\n@comment{jabref-meta: x;}\n@book{b,\n  title = {Two},\n}\n",
        "@article(a,\n  title = {Paren})\n@article{b, title = {Brace}}\n",
        "@article{a, title = {One}}\n@article{a, title = {Same key}}\n@article{A, title = {Other case}}\n",
        "@article{a, title = {One}, title = {Twice}}\n@misc{b, note = {x}}\n",
        "@article{a, title = {Unclosed\n@article{b, title = {Next}}\n@article{c, title = {Last}}\n",
        "@article{a, title = {Line\\\nbreak}}\n@article{b, title = {x}}\n",
        '@article{a, title = "Quoted, with comma", note = "Schr\\"odinger"}\n@article{b, title = {x}}\n',
        "Text before.\n@article{a, title = {x}} trailing\n@article{b,\n  author = {A and B},\n}\n",
        "@article{a, title = {x}} @article{b, title = {same line}}\n@comment{c}\n@article{d, title = {y}}\n",
        "@article{a,\n  title = {Deep {{{{{{{{nesting}}}}}}}}},\n}\n@article{b, title = {x}}\n",
        '@article{a, title = {A {\\"o} \\{brace}}\n@commentary{b, title = {x}}\n@stringent{c, title = {y}}\n',
        '@preamble{"\\newcommand{\\x}{y}"}\n@article{a, title = {x} # {y}}\n@article{b, title = {z}}\n',
        "@misc{nokey}\n@misc{, title = {no key}}\n@article{c,\n  title = {x},\n  junk\n}\n",
        "\ufeff@article{a, title = {bom}}\n",
    ],
)
def test_forms_left_to_bibtexparser_split_as_it_splits_them(text: str):
    _same_as_bibtexparser(text)


def test_a_plainly_written_file_is_split_without_bibtexparsers_splitter(monkeypatch: pytest.MonkeyPatch):
    # Otherwise every comparison above could pass by handing everything to bibtexparser.
    import synthetic

    def refuse(*args, **kwargs):
        raise AssertionError("bibtexparser's splitter was used")

    text = synthetic.latex_bibtex_file(300)
    expected = [_describe(b) for b in Splitter(text).split().blocks]
    monkeypatch.setattr(bibtex_split, "Splitter", refuse)
    assert [_describe(b) for b in split_blocks(text)] == expected
