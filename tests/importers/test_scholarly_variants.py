"""The scholarly-profile importer on profiles it was not written against: a "Publications" heading, chrome
between the cards ("View paper", "Cite"), a footer, cards without a venue or an abstract, multi-word work types,
label-first stats, a role line with its collaboration status, a page without its name line, and Windows line
endings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from papershelf.importers.scholarly_profile import ScholarlyProfileImporter
from papershelf.model.records import ImportBatch, ParseContext
from papershelf.pipeline import parse_file

VARIANTS = Path(__file__).resolve().parent.parent / "fixtures" / "variants"
IMPORTER = ScholarlyProfileImporter()


def parse(name: str, newline: str = "\n", **context: str) -> ImportBatch:
    text = (VARIANTS / name).read_text(encoding="utf-8").replace("\n", newline)
    return IMPORTER.parse(text, ParseContext(source_name=name, **context))


# (line, entry type, year, venue, title, abstract start or None)
MARTA = [
    (22, "article", 2022, "Nature Communications", "Morphological Segmentation Across 40 Languages",
     "We segment words into morphemes"),
    (32, "inproceedings", 2021, "ACL", "Tokenization Matters for Morphologically Rich Languages", None),
    (38, "book chapter", 2019, "Springer", "Computational Approaches to Slavic Morphology", "A survey chapter"),
    (46, "preprint", 2023, None, "Byte-Level Models Do Not Need Morphology", "Byte-level language models"),
    (52, "dissertation", 2015, "University of Warsaw", "Unsupervised Learning of Polish Inflection",
     "This thesis studies"),
]  # fmt: skip
MISSING_NAME = [
    (17, "article", 2020, "Physical Review B", "Spin Relaxation in Graphene Nanoribbons", "We compute spin"),
    (23, "preprint", 2019, "arXiv", "Edge Magnetism Without Interactions", "Edge states in zigzag"),
]
INES = [
    (17, "inproceedings", 2022, "CVPR 2022 Workshops", "Depth Estimation in Fog with Event Cameras", "Fog scatters"),
    (25, "article", 2021, "IEEE Robotics and Automation Letters", "Few-Shot Terrain Classification for Legged Robots",
     "Legged robots must"),
    (31, "preprint", 2020, "arXiv", "Self-Supervised Depth: A Tutorial", "A tutorial on self-supervised"),
]  # fmt: skip
TABLES = {
    "scholarly_marta_nowak.txt": MARTA,
    "scholarly_missing_name.txt": MISSING_NAME,
    "scholarly_ines_duarte_stats.txt": INES,
}


@pytest.mark.parametrize("name", TABLES)
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_every_work_and_nothing_else(name: str, newline: str) -> None:
    batch = parse(name, newline)
    got = [(p.line, p.entry_type, p.year, p.venue, p.title) for p in batch.papers]
    assert got == [row[:5] for row in TABLES[name]]
    for paper, row in zip(batch.papers, TABLES[name], strict=True):
        assert (paper.abstract or "").startswith(row[5] or "") and (paper.abstract is None) == (row[5] is None)
        assert "\r" not in (paper.abstract or "") + (paper.venue or "") + (paper.title or "")
        assert paper.authors == () and paper.authors_complete is False
    assert batch.warnings == []


def test_chrome_between_cards_and_footer_are_not_abstracts() -> None:
    batch = parse("scholarly_marta_nowak.txt")
    owner = batch.owner
    assert owner is not None
    assert (owner.name, owner.position, owner.affiliation) == (
        "Marta Nowak",
        "Associate Professor",
        "University of Warsaw",
    )
    assert batch.claimed_count == 5
    text = " ".join(p.abstract or "" for p in batch.papers)
    for chrome in ("View paper", "Cite", "Load more", "BZPEER", "Privacy"):
        assert chrome not in text
    chapter = batch.papers[2]
    assert chapter.abstract.endswith("open problems for low-resource Slavic languages.")
    assert "\n\n" in chapter.abstract


def test_a_page_without_its_name_line_has_no_owner_but_keeps_its_count() -> None:
    batch = parse("scholarly_missing_name.txt")
    # Neither the role line nor "Trust snapshot" is taken for a name.
    assert batch.owner is None
    assert batch.claimed_count == 2
    named = parse("scholarly_missing_name.txt", owner="Rita Alves")
    owner = named.owner
    assert owner is not None
    assert (owner.name, owner.aliases, owner.position, owner.affiliation) == (
        "Rita Alves",
        (),
        "Professor",
        "University of Lisbon",
    )


def test_label_first_stats_bio_and_role_with_status() -> None:
    owner = parse("scholarly_ines_duarte_stats.txt").owner
    assert owner is not None
    assert (owner.h_index, owner.citation_count, owner.paper_count) == (11, 1234, 3)
    assert owner.bio.startswith("Ines Duarte builds perception systems")
    assert (owner.position, owner.affiliation) == ("Research Scientist", "Lisbon Robotics Institute")
    assert owner.extra["collaboration"] == "Open to collaborate"


@pytest.mark.parametrize("name", TABLES)
def test_windows_line_endings_through_the_pipeline(name: str, tmp_path: Path) -> None:
    data = (VARIANTS / name).read_bytes()
    plain = parse_file(tmp_path / name, data=data, as_of=dt.date(2025, 6, 1))
    crlf = parse_file(tmp_path / name, data=data.replace(b"\n", b"\r\n"), as_of=dt.date(2025, 6, 1))
    assert plain[0] == crlf[0] == "scholarly-profile"
    assert plain[1].papers == crlf[1].papers
