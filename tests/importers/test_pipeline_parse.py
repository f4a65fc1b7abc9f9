"""`pipeline.parse_file`, the read -> decode -> detect -> parse -> normalize step: a page read as the wrong
format is refused rather than stored as an owner without papers, errors name the file, listings without an
owner say how to name one, and big pages parse in seconds."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
import time
from pathlib import Path

import pytest

from papershelf.importers.errors import ImporterError
from papershelf.pipeline import parse_file

ROOT = Path(__file__).resolve().parents[2]
SEEDS = {path.name[:3]: path for path in sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt"))}
FAMILY = {"000": "homepage", "001": "aggregator", "002": "arxiv-listing", "003": "scholarly-profile"}
FAMILY["004"] = "arxiv-listing"
PAGE_FORMATS = ["homepage", "aggregator", "arxiv-listing", "scholarly-profile", "bibtex"]
AS_OF = dt.date(2025, 11, 20)
# Generous for a loaded shared machine; on an idle one both take a few seconds.
BIG_PAGE_SECONDS = 30


def _wrong_pairs() -> list:
    return [
        pytest.param(seed, fmt, id=f"{seed}-as-{fmt}")
        for seed in sorted(SEEDS)
        for fmt in PAGE_FORMATS
        if fmt != FAMILY[seed]
    ]


@pytest.mark.parametrize(("seed", "fmt"), _wrong_pairs())
def test_a_page_read_as_the_wrong_format_is_refused(seed: str, fmt: str) -> None:
    path = SEEDS[seed]
    with pytest.raises(ImporterError) as caught:
        parse_file(path, format_name=fmt, as_of=AS_OF)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert "Traceback" not in message


def test_wrong_format_names_the_format_the_file_and_the_one_that_fits() -> None:
    path = SEEDS["003"]
    with pytest.raises(ImporterError) as caught:
        parse_file(path, format_name="aggregator", as_of=AS_OF)
    assert str(caught.value) == (
        f"{path}: no papers found reading it as a Paper-aggregator profile (format aggregator); "
        "it looks like a Scholarly profile page: import it without --format"
    )


def test_a_detected_page_without_papers_is_refused_with_the_importers_reason(tmp_path: Path) -> None:
    page = tmp_path / "profile.txt"
    page.write_text("Jinyang Gao\n\nh-index32\n33papers\n1,391citations\n\nLGSep 5, 2023Code\n", encoding="utf-8")
    with pytest.raises(ImporterError) as caught:
        parse_file(page, as_of=AS_OF)
    message = str(caught.value)
    assert message.startswith(f"{page}: no papers found reading it as a Paper-aggregator profile")
    assert "line 7: the page ends in the middle of this entry" in message


def test_an_unknown_format_names_the_file() -> None:
    with pytest.raises(ImporterError) as caught:
        parse_file(SEEDS["003"], format_name="nope", as_of=AS_OF)
    assert str(caught.value).startswith(f"{SEEDS['003']}: unknown format 'nope'; known formats: aggregator, ")
    assert "<text>" not in str(caught.value)


@pytest.mark.parametrize("seed", ["002", "004"])
def test_a_listing_without_owner_says_how_to_name_one(seed: str) -> None:
    _, batch, _, _ = parse_file(SEEDS[seed], as_of=AS_OF)
    assert batch.owner is None
    [hint] = batch.warnings
    assert hint.line == 1 and "--owner NAME" in hint.message
    _, named, _, _ = parse_file(SEEDS[seed], as_of=AS_OF, owner="Jingjing Xu")
    assert named.owner is not None and named.owner.name == "Jingjing Xu"
    assert named.warnings == []


VARIANT_FAMILY = {"homepage": "homepage", "aggregator": "aggregator", "arxiv": "arxiv-listing"}
VARIANT_FAMILY["scholarly"] = "scholarly-profile"


@pytest.mark.parametrize(
    "path", sorted((ROOT / "tests" / "fixtures" / "variants").glob("*.txt")), ids=lambda path: path.name
)
def test_every_variant_page_is_detected_as_its_family(path: Path) -> None:
    fmt, batch, _, _ = parse_file(path, as_of=AS_OF)
    assert fmt == VARIANT_FAMILY[path.name.split("_")[0]]
    assert batch.papers


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seeds_parse_with_no_warning_but_the_owner_hint(seed: str) -> None:
    fmt, batch, _, _ = parse_file(SEEDS[seed], as_of=AS_OF)
    assert fmt == FAMILY[seed]
    assert [w for w in batch.warnings if "--owner" not in w.message] == []


# --------------------------------------------------------------------------------------------------------
# Size and time: the importers themselves on big generated pages (the store is measured elsewhere).


def _synthetic():
    spec = importlib.util.spec_from_file_location("papershelf_bench_synthetic", ROOT / "benchmarks" / "synthetic.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_a_30000_card_aggregator_page_parses_in_seconds(tmp_path: Path) -> None:
    page = tmp_path / "big-profile.txt"
    page.write_text(_synthetic().aggregator_page(30_000), encoding="utf-8")
    started = time.perf_counter()
    fmt, batch, _, _ = parse_file(page, as_of=AS_OF)
    seconds = time.perf_counter() - started
    assert fmt == "aggregator"
    assert len(batch.papers) == 30_000
    assert batch.warnings == []
    assert seconds < BIG_PAGE_SECONDS, seconds


@pytest.mark.slow
def test_a_55_mb_arxiv_listing_parses_in_seconds(tmp_path: Path) -> None:
    seed = SEEDS["004"].read_text(encoding="utf-8")
    entries = seed.split("\n\n")
    blocks: list[str] = []
    size = count = 0
    while size < 55 * 2**20:
        block = "\n\n".join(entries)
        # Ten entries per copy of the seed, each with its own id.
        for old in [line for line in block.splitlines() if line.startswith("arXiv:")]:
            ident = old.split()[0]
            block = block.replace(ident, f"arXiv:{2101 + count // 90000:04d}.{10000 + count % 90000:05d}", 1)
            count += 1
        blocks.append(block)
        size += len(block) + 2
    page = tmp_path / "big-listing.txt"
    page.write_text("\n\n".join(blocks), encoding="utf-8")
    assert page.stat().st_size > 55 * 10**6
    started = time.perf_counter()
    fmt, batch, _, _ = parse_file(page, as_of=AS_OF, owner="Ada Lovelace")
    seconds = time.perf_counter() - started
    assert fmt == "arxiv-listing"
    assert len(batch.papers) == count
    assert len({p.arxiv_id for p in batch.papers}) == count
    assert batch.warnings == []
    assert seconds < BIG_PAGE_SECONDS, seconds


# The people the seeds are about, as their pages write them; anything else an importer calls an owner is chrome.
SEED_OWNERS = {"000": {"Junyang Lin", "Junyang Lin (Justin)"}, "001": {"Jinyang Gao"}, "003": {"Li Dong"}}


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_no_importer_reads_page_chrome_as_an_owner(seed: str) -> None:
    from papershelf.importers.base import importers
    from papershelf.model.records import ParseContext

    text = SEEDS[seed].read_text(encoding="utf-8")
    for importer in importers():
        try:
            batch = importer.parse(text, ParseContext(source_name=SEEDS[seed].name, as_of=AS_OF))
        except ImporterError:
            continue
        name = batch.owner.name if batch.owner else ""
        assert name == "" or name in SEED_OWNERS.get(seed, set()), (importer.name, name)


def test_imports_leave_the_processs_cycle_collector_as_they_found_it(library, tmp_path: Path) -> None:
    import gc

    was_on = gc.isenabled()  # off when a window test ran before this one (gui/main_thread_gc.py)
    try:
        gc.enable()  # the command line's setting: Python's own collector
        _imports_restore_the_collector(library, tmp_path)
        # The window's setting (its interface thread collects on a timer) stays off after an import.
        gc.disable()
        before = gc.get_threshold()
        from papershelf.pipeline import import_file

        assert import_file(library, tmp_path / "good.bib").ok
        assert not gc.isenabled() and gc.get_threshold() == before
        # What the import made and keeps is not left young, for the window's timer to walk on the interface
        # thread as soon as it fires (60 ms after a 10,000-entry .bib).
        gc.collect()
        many = tmp_path / "many.bib"
        many.write_text(
            "".join(
                f"@article{{m{n},\n  author = {{Person{n}, Given{n} and Other{n}, Name}},\n"
                f"  title = {{Distinct title number {n} about topic{n}}},\n  year = {{2020}}\n}}\n"
                for n in range(300)
            )
        )
        assert import_file(library, many).ok
        assert gc.get_count()[0] < gc.get_threshold()[0]
    finally:
        if was_on:
            gc.enable()
        else:
            gc.disable()


def _imports_restore_the_collector(library, tmp_path: Path) -> None:
    import gc
    import threading

    from papershelf.model.library import Library
    from papershelf.pipeline import import_file

    before = gc.get_threshold()
    good = tmp_path / "good.bib"
    good.write_text("@article{a,\n  author = {Doe, Jane},\n  title = {A Title},\n  year = {2020}\n}\n")
    bad = tmp_path / "bad.bib"
    bad.write_bytes(b"\x00\x01 not a bibliography")
    assert import_file(library, good).ok
    assert import_file(library, bad).error  # refused: the setting still comes back
    assert gc.get_threshold() == before and gc.isenabled()
    # Imports overlapping in threads (the window imports in a worker): the last to end restores it.
    others = [tmp_path / f"other{n}.bib" for n in range(3)]
    for n, path in enumerate(others):
        path.write_text(
            f"@article{{o{n},\n  author = {{Roe, Rick}},\n  title = {{Other {n}}},\n  year = {{2021}}\n}}\n"
        )
    reports: list = []

    def run(path: Path) -> None:
        own = Library.open(library.path)  # one connection per thread, as the window's worker has
        try:
            reports.append(import_file(own, path))
        finally:
            own.close()

    threads = [threading.Thread(target=run, args=(path,)) for path in others]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(reports) == 3 and all(r.ok for r in reports) and gc.get_threshold() == before
    assert gc.isenabled()


BIBS = sorted((ROOT / "tests" / "fixtures").rglob("*.bib"))


@pytest.mark.parametrize("bib", BIBS, ids=lambda p: p.name)
def test_a_bib_is_detected_alike_with_or_without_the_other_sniffers(bib: Path, monkeypatch) -> None:
    """A file named .bib that the BibTeX importer is sure of is read as BibTeX without the other sniffers
    reading its first megabyte; every .bib of the suite is detected as it was with all of them asked."""
    from papershelf.importers import base

    text = bib.read_text(encoding="utf-8", errors="replace")
    quick = base.detect(text, bib.name)
    monkeypatch.setattr(base, "_sole_claimant", lambda filename: None)
    full = base.detect(text, bib.name)
    assert quick.importer is full.importer
    assert quick.score == full.score


def test_a_file_named_bib_that_is_not_bibtex_is_still_read_for_what_it_is(tmp_path: Path, monkeypatch) -> None:
    from papershelf.importers import base

    asked: list[str] = []
    for importer in base.importers():
        sniff = importer.sniff
        monkeypatch.setattr(importer, "sniff", lambda text, _s=sniff, _n=importer.name: asked.append(_n) or _s(text))
    page = tmp_path / "homepage.bib"
    page.write_text(SEEDS["000"].read_text(encoding="utf-8"), encoding="utf-8")
    fmt, batch, _sha, _as_of = parse_file(page, as_of=AS_OF)
    assert fmt == "homepage" and batch.papers
    assert set(asked) >= {"homepage", "aggregator", "bibtex"}  # every sniffer was asked

    asked.clear()
    bib = tmp_path / "real.bib"
    bib.write_text("@article{a,\n  title = {A title},\n  author = {Doe, Jane},\n  year = 2020\n}\n", encoding="utf-8")
    fmt, batch, _sha, _as_of = parse_file(bib, as_of=AS_OF)
    assert fmt == "bibtex" and len(batch.papers) == 1
    assert asked == ["bibtex"]  # sure of it: nobody else read it
