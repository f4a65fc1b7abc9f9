"""The arXiv-listing importer on listings it was not written against: a page title naming the owner,
old-style ids with categories and journal refs, comments and journal refs under the dates instead of above
the id, pagination chrome after the last entry, multi-paragraph
abstracts with stray whitespace, `Submitted:`/`Updated:` dates, DOI labels, "* * *" separators, Windows line
endings, and a long generated listing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from papershelf.importers.arxiv_listing import ArxivListingImporter
from papershelf.model.records import ImportBatch, ParseContext
from papershelf.pipeline import parse_file

VARIANTS = Path(__file__).resolve().parent.parent / "fixtures" / "variants"
IMPORTER = ArxivListingImporter()
OWNER_HINT = "--owner NAME"


def parse(name: str, newline: str = "\n", **context: str) -> ImportBatch:
    text = (VARIANTS / name).read_text(encoding="utf-8").replace("\n", newline)
    return IMPORTER.parse(text, ParseContext(source_name=name, **context))


# (line, id, version, category, date, comments, journal ref, venue, venue hint, abstract paragraphs)
JANE = [
    (3, "math/0309136", None, "math.GT", "2003-09-08", None, "Geom. Topol. 8 (2004) 1-35", "Geom. Topol.",
     "Geom. Topol. 2004", 1),
    (8, "2310.01405", "v2", "cs.CL", "2023-10-02", "Accepted to ICLR 2024", None, None, "ICLR 2024", 1),
    (15, "2208.11111", None, "cs.SE", "2022-08-22", "12 pages, 4 figures, 3 tables", None, None, None, 1),
]  # fmt: skip
PARAGRAPHS = [
    (1, "2311.02002", "v1", None, "2023-11-06", "Workshop on Memory in Neural Networks, NeurIPS 2023", None, None,
     "NeurIPS 2023", 2),
    (13, "2001.00999", None, None, "2020-01-14", None, None, None, None, 1),
    (20, "2402.12345", "v3", None, "2024-02-19", "to appear in Bioinformatics", None, None, None, 2),
]  # fmt: skip
# Comments and journal refs right under the dates belong to the entry above, not the next one.
COMMENTS_AFTER = [
    (3, "2401.00001", "v2", "cs.DB", "2024-01-01", "10 pages, 7 figures", None, None, None, 1),
    (9, "2402.00002", None, "cs.DB", "2024-02-02", "Accepted at VLDB 2024",
     "Proceedings of the VLDB Endowment 17(5), 2024", "Proceedings of the VLDB Endowment",
     "Proceedings of the VLDB Endowment 2024", 1),
    (16, "2403.00003", None, "cs.LG", "2024-03-03", None, None, None, None, 1),
]  # fmt: skip
TABLES = {
    "arxiv_jane_doe_heading.txt": JANE,
    "arxiv_paragraphs_updated.txt": PARAGRAPHS,
    "arxiv_comments_after_id.txt": COMMENTS_AFTER,
}


@pytest.mark.parametrize("name", TABLES)
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_every_entry(name: str, newline: str) -> None:
    batch = parse(name, newline)
    got = [
        (p.line, p.arxiv_id, p.arxiv_version, p.category, p.date, p.comments, p.journal_ref, p.venue,
         p.extra.get("venue_hint"), p.abstract.count("\n\n") + 1)
        for p in batch.papers
    ]  # fmt: skip
    assert got == TABLES[name]
    for paper in batch.papers:
        assert paper.title is None and paper.authors == ()
        assert "\r" not in paper.abstract and paper.abstract == paper.abstract.strip()
    assert [w for w in batch.warnings if "ignored" not in w.message and "--owner" not in w.message] == []


def test_a_page_title_naming_the_owner_gives_the_owner() -> None:
    batch = parse("arxiv_jane_doe_heading.txt")
    assert batch.owner is not None and (batch.owner.name, batch.owner.line) == ("Jane Doe", 1)
    # The heading is not part of the first abstract, the pagination line is reported, and no --owner hint is needed.
    assert not batch.papers[0].abstract.startswith("Papers by")
    assert [(w.line, w.message) for w in batch.warnings] == [(22, "text after the last arXiv entry was ignored")]
    overridden = parse("arxiv_jane_doe_heading.txt", owner="J. Doe")
    assert overridden.owner is not None and (overridden.owner.name, overridden.owner.aliases) == (
        "J. Doe",
        ("Jane Doe",),
    )


def test_labels_dates_and_doi() -> None:
    batch = parse("arxiv_paragraphs_updated.txt")
    memory, parity, protein = batch.papers
    assert memory.doi == "10.5555/memory.2023.17"
    assert (memory.extra["date_label"], parity.extra["date_label"]) == ("submitted", "updated")
    assert "date_label" not in protein.extra
    assert protein.abstract == (
        "Protein structure predictors are miscalibrated on designed proteins. We recalibrate them with a conformal "
        "layer.\n\nThe layer needs 200 labelled structures."
    )


def test_a_listing_without_owner_says_how_to_attribute_it() -> None:
    batch = parse("arxiv_paragraphs_updated.txt")
    [hint] = [w for w in batch.warnings if OWNER_HINT in w.message]
    assert hint.line == 1 and "names no owner" not in hint.message and "does not name its owner" in hint.message
    assert not [
        w for w in parse("arxiv_paragraphs_updated.txt", owner="Ada Lovelace").warnings if OWNER_HINT in w.message
    ]


@pytest.mark.parametrize("name", TABLES)
def test_windows_line_endings_through_the_pipeline(name: str, tmp_path: Path) -> None:
    data = (VARIANTS / name).read_bytes()
    plain = parse_file(tmp_path / name, data=data, as_of=dt.date(2025, 6, 1))
    crlf = parse_file(tmp_path / name, data=data.replace(b"\n", b"\r\n"), as_of=dt.date(2025, 6, 1))
    assert plain[0] == crlf[0] == "arxiv-listing"
    assert plain[1].papers == crlf[1].papers


def test_a_long_listing_keeps_every_entry_in_order() -> None:
    entries = [
        f"Abstract number {i}: we study case {i} and report what we found.\n\n"
        + (f"Accepted at ICML {2000 + i % 25}\n\n" if i % 3 == 0 else "")
        + f"arXiv:2101.{10000 + i:05d}\nCreated: 2021-01-{1 + i % 28:02d}\n"
        for i in range(3000)
    ]
    batch = IMPORTER.parse("\n".join(entries), ParseContext(owner="Ada Lovelace"))
    assert [p.arxiv_id for p in batch.papers] == [f"2101.{10000 + i:05d}" for i in range(3000)]
    assert all(p.abstract.startswith(f"Abstract number {i}:") for i, p in enumerate(batch.papers))
    assert sum(p.comments is not None for p in batch.papers) == 1000
    assert batch.warnings == []
