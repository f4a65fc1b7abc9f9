"""The aggregator importer on profiles it was not written against: chrome above the name ("Sign in",
"Researcher profile"), reordered and spaced stats, separated headers ("cs.CL · Jan 9, 2024 · Code"), cards
without blank lines or without an abstract, a footer after the last card, titles that look like names, dates
without a year across New Year, and Windows line endings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from papershelf.importers.aggregator_profile import AggregatorProfileImporter
from papershelf.model.records import ImportBatch, Link, ParseContext
from papershelf.pipeline import parse_file

VARIANTS = Path(__file__).resolve().parent.parent / "fixtures" / "variants"
CONTEXT = ParseContext(source_name="profile.txt", as_of=dt.date(2025, 6, 1))
IMPORTER = AggregatorProfileImporter()


def parse(name: str, newline: str = "\n") -> ImportBatch:
    return IMPORTER.parse((VARIANTS / name).read_text(encoding="utf-8").replace("\n", newline), CONTEXT)


# (line, category, date, date_inferred, has_code, title, authors, authors_complete, affiliation hint)
MEI = [
    (12, "cs.CL", "2024-01-09", False, True, "Tokenizer-Free Translation for Low-Resource Languages",
     ("Mei Tanaka", "Kenji Sato"), True, "kyoto"),
    (21, "cs.LG", "2023-11-30", False, False, "Scaling Laws for Byte-Level Models",
     ("Kenji Sato", "Mei Tanaka", "Ryo Ito"), False, None),
    (26, "cs.CL", "2022-03-02", False, True, "Evaluating Machine Translation with Human Post-Edits",
     ("Mei Tanaka", "Aiko Yamada"), True, None),
]  # fmt: skip
HANA = [
    (8, "CV", "2024-12-31", True, True, "Sparse, Fast, and Accurate Attention for Video",
     ("Hana Kim", "Priya Natarajan"), False, "kaist"),
    (12, "CV", "2025-01-03", True, True, "Deep Learning", ("Hana Kim",), True, None),
    (17, "RO", "2021-02-14", False, False, "Grasping Transparent Objects from Depth Alone",
     ("Jun Park", "Hana Kim", "Ines Duarte", "Tomasz Kowalczyk"), True, None),
]  # fmt: skip
NO_NAME = [
    (12, "LG", "2024-04-02", False, False, "Gradient Noise Is Not Gaussian in Transformers",
     ("Olu Adeyemi", "Priya Natarajan"), False, None),
    (19, "ST", "2023-06-18", False, True, "A Simple Test for Calibration Drift", ("Olu Adeyemi",), True, None),
    (26, "LG", "2022-10-05", False, False, "Why Warmup Works", ("Olu Adeyemi", "Hana Kim"), True, None),
]  # fmt: skip
TABLES = {
    "aggregator_mei_tanaka_footer.txt": MEI,
    "aggregator_hana_kim_dense.txt": HANA,
    "aggregator_no_name_chrome.txt": NO_NAME,
}


@pytest.mark.parametrize("name", TABLES)
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_every_card_and_nothing_else(name: str, newline: str) -> None:
    batch = parse(name, newline)
    got = [
        (p.line, p.category, p.date, p.date_inferred, p.has_code, p.title, p.authors, p.authors_complete,
         p.affiliation_hint)
        for p in batch.papers
    ]  # fmt: skip
    assert got == TABLES[name]
    # Only the claim check may speak: these pages show fewer cards than they count.
    assert all("claims" in w.message for w in batch.warnings)


def test_chrome_above_the_name_reordered_stats_and_footer() -> None:
    batch = parse("aggregator_mei_tanaka_footer.txt")
    owner = batch.owner
    assert owner is not None
    assert (owner.name, owner.affiliation, owner.bio) == ("Mei Tanaka", "Kyoto University", None)
    assert (owner.h_index, owner.citation_count, owner.paper_count) == (18, 2045, 27)
    first, no_abstract, last = batch.papers
    assert first.abstract == (
        "We translate between 30 low-resource languages without a tokenizer, working on raw bytes.\n\n"
        "Byte-level models close 80% of the gap to subword models at a third of the vocabulary cost. "
        "Code: https://github.com/mtanaka/bytemt"
    )
    assert no_abstract.abstract is None
    # "Load more" and the copyright line are the site's footer, not the last abstract.
    assert last.abstract.endswith("https://huggingface.co/datasets/mtanaka/postedits.")
    assert "Load more" not in last.raw and "©" not in last.raw
    assert last.links == (Link("data", "https://huggingface.co/datasets/mtanaka/postedits"),)
    assert last.extra == {"flags": "Code, Data"}


def test_dense_cards_and_names_inside_abstracts() -> None:
    batch = parse("aggregator_hana_kim_dense.txt")
    assert batch.owner is not None and batch.owner.name == "Hana Kim"
    deep = batch.papers[1]
    # "Deep Learning" is a title and "Hana Kim" the authors line, though each alone looks like the other.
    assert (deep.title, deep.authors) == ("Deep Learning", ("Hana Kim",))
    assert deep.abstract.startswith("A one-word title")


def test_page_chrome_is_never_the_owner() -> None:
    batch = parse("aggregator_no_name_chrome.txt")
    owner = batch.owner
    assert owner is not None
    assert owner.name == ""  # the stats have no name on this page: --owner or nobody
    assert (owner.h_index, owner.citation_count, owner.paper_count) == (4, 57, 3)
    assert owner.bio is None
    named = IMPORTER.parse((VARIANTS / "aggregator_no_name_chrome.txt").read_text(), ParseContext(owner="Olu Adeyemi"))
    assert named.owner is not None and (named.owner.name, named.owner.aliases) == ("Olu Adeyemi", ())


@pytest.mark.parametrize("name", TABLES)
def test_windows_line_endings_through_the_pipeline(name: str, tmp_path: Path) -> None:
    data = (VARIANTS / name).read_bytes()
    plain = parse_file(tmp_path / name, data=data, as_of=CONTEXT.as_of)
    crlf = parse_file(tmp_path / name, data=data.replace(b"\n", b"\r\n"), as_of=CONTEXT.as_of)
    assert plain[0] == crlf[0] == "aggregator"
    assert plain[1].papers == crlf[1].papers
