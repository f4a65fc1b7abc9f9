"""Pages cut off in their last entry: a half record is reported with its line and never made into a paper;
a paper whose last part may be short is kept and reported; intact pages get no such warning."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from papershelf.importers.aggregator_profile import AggregatorProfileImporter
from papershelf.importers.arxiv_listing import ArxivListingImporter
from papershelf.importers.base import Importer
from papershelf.importers.homepage import HomepageImporter
from papershelf.importers.scholarly_profile import ScholarlyProfileImporter
from papershelf.importers.truncation import ends_mid_sentence
from papershelf.model.records import ImportBatch, ParseContext

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEEDS = {path.name[:3]: path for path in sorted((FIXTURES / "seeds").glob("*.txt"))}
CONTEXT = ParseContext(source_name="cut.txt", as_of=dt.date(2025, 11, 20))
FAMILY: dict[str, Importer] = {
    "000": HomepageImporter(),
    "001": AggregatorProfileImporter(),
    "002": ArxivListingImporter(),
    "003": ScholarlyProfileImporter(),
    "004": ArxivListingImporter(),
}
CUT = "the page ends in the middle of this entry"
MAYBE = "the page may be cut off here"


def cut_after(seed: str, marker: str) -> str:
    text = SEEDS[seed].read_text(encoding="utf-8")
    return text[: text.index(marker) + len(marker)]


def parse(seed: str, text: str) -> ImportBatch:
    return FAMILY[seed].parse(text, CONTEXT)


def cut_warnings(batch: ImportBatch) -> list[tuple[int, str]]:
    return [(w.line, w.message) for w in batch.warnings if w.message.startswith((CUT, MAYBE))]


# --------------------------------------------------------------------------------------------------------
# Aggregator (seed 001: 33 cards, the last at line 236)


def test_aggregator_cut_mid_title_leaves_the_card_out_and_says_where() -> None:
    batch = parse("001", cut_after("001", "Active Sampler: Ligh"))
    assert len(batch.papers) == 32
    assert not any((p.title or "").startswith("Active Sampler") for p in batch.papers)
    assert cut_warnings(batch) == [
        (236, f"{CUT} (the card has a title but no authors line or abstract); it was not imported")
    ]
    assert any("claims 33 papers but 32" in w.message for w in batch.warnings)


@pytest.mark.parametrize(
    ("marker", "why"),
    [("DBDec 12, 2015", "the card stops after its header"), ("DBDec 12, 20", "a card header stops short")],
)
def test_aggregator_cut_in_or_after_a_header(marker: str, why: str) -> None:
    batch = parse("001", cut_after("001", marker))
    assert len(batch.papers) == 32
    assert cut_warnings(batch) == [(236, f"{CUT} ({why}); it was not imported")]
    # The card above keeps its abstract whole: the stub of a header is not part of it.
    assert batch.papers[-1].abstract.endswith("both usable and scalable.")


def test_aggregator_cut_in_the_authors_line_keeps_the_paper_marked_incomplete() -> None:
    batch = parse("001", cut_after("001", "Jinyang Gao, H. V. Jag"))
    last = batch.papers[-1]
    assert last.title == "Active Sampler: Light-weight Accelerator for Complex Data Analytics at Scale"
    assert last.authors_complete is False
    assert [line for line, _ in cut_warnings(batch)] == [236]


def test_aggregator_cut_after_a_single_letter_of_the_authors_line() -> None:
    batch = parse("001", cut_after("001", "Analytics at Scale\n\nJ"))
    assert len(batch.papers) == 32
    assert cut_warnings(batch) == [(236, f"{CUT} (its authors line stops short); it was not imported")]


def test_aggregator_cut_mid_abstract_keeps_the_paper_and_warns() -> None:
    batch = parse("001", cut_after("001", "Most popular algorithms for model tra"))
    assert len(batch.papers) == 33
    assert batch.papers[-1].authors == ("Jinyang Gao", "H. V. Jagadish", "Beng Chin Ooi")
    assert cut_warnings(batch) == [
        (236, f"{MAYBE} (the last abstract stops mid-sentence); the entry was imported as far as it goes")
    ]


# --------------------------------------------------------------------------------------------------------
# Homepage (seed 000: 20 entries, the last at line 64)


@pytest.mark.parametrize(
    ("marker", "line"),
    [
        ("Junyang Lin, Xu Sun, Shuming", 60),  # inside the author list
        ("Global Encoding for Abstr", 60),  # inside the title
        ("Global Encoding for Abstractive Summarization. ACL 20", 60),  # inside the year
        ("Diversity-Promoting GAN: A Cross-Entropy Based", 64),
    ],
)
def test_homepage_cut_entry_is_left_out_with_its_line(marker: str, line: int) -> None:
    batch = parse("000", cut_after("000", marker))
    whole = parse("000", SEEDS["000"].read_text(encoding="utf-8"))
    assert [p.line for p in batch.papers] == [p.line for p in whole.papers if p.line < line]
    [(warned, message)] = cut_warnings(batch)
    assert warned == line and message.startswith(CUT)


def test_homepage_cut_inside_a_trailing_marker_keeps_the_whole_citation() -> None:
    batch = parse("000", cut_after("000", "for Diversified Text Generation. EMNLP 2018. [Paper] [Co"))
    last = batch.papers[-1]
    assert (last.title, last.venue, last.year) == (
        "Diversity-Promoting GAN: A Cross-Entropy Based Generative Adversarial Network for Diversified Text Generation",
        "EMNLP",
        2018,
    )
    assert cut_warnings(batch) == [
        (64, f"{MAYBE} (its last marker or remark is cut short); the entry was imported as far as it goes")
    ]


def test_homepage_cut_right_after_an_entry_number() -> None:
    text = (FIXTURES / "variants" / "homepage_numbered_publications.txt").read_text(encoding="utf-8")
    text = text[: text.index("[6]") + 3]
    batch = parse("000", text)
    assert len(batch.papers) == 5
    assert batch.papers[-1].venue == "Transactions of the Association for Computational Linguistics"
    assert cut_warnings(batch) == [(31, f"{CUT} (only its number or bullet is there); it was not imported")]


# --------------------------------------------------------------------------------------------------------
# Scholarly profile (seed 003: 29 works, the last at line 223)


def test_scholarly_cut_mid_title_leaves_the_work_out() -> None:
    batch = parse("003", cut_after("003", "XLM-T: Sca"))
    assert len(batch.papers) == 28
    assert cut_warnings(batch) == [
        (223, f"{CUT} (the page stops in its title; the other works all have abstracts); it was not imported")
    ]
    assert any("claims 29 works but 28" in w.message for w in batch.warnings)


def test_scholarly_cut_after_a_work_header() -> None:
    batch = parse("003", SEEDS["003"].read_text(encoding="utf-8").rsplit("\n\n", 2)[0])
    assert len(batch.papers) == 28
    assert cut_warnings(batch) == [(223, f"{CUT} (the card stops after its header); it was not imported")]


def test_scholarly_title_line_that_ends_is_a_whole_work() -> None:
    marker = "XLM-T: Scaling up Multilingual Machine Translation with Pretrained Cross-lingual Transformer Encoders\n"
    batch = parse("003", cut_after("003", marker))
    assert len(batch.papers) == 29
    assert batch.papers[-1].abstract is None
    assert cut_warnings(batch) == []


@pytest.mark.parametrize(
    "marker", ["Multilingual machine translation enables a single model to tr", "Multilingual machine transl"]
)
def test_scholarly_cut_in_the_abstract_keeps_the_work_and_warns(marker: str) -> None:
    batch = parse("003", cut_after("003", marker))
    assert len(batch.papers) == 29
    assert batch.papers[-1].title.startswith("XLM-T: Scaling up")
    assert [line for line, message in cut_warnings(batch) if message.startswith(MAYBE)] == [223]


# --------------------------------------------------------------------------------------------------------
# arXiv listing (seed 004: the last entry's id at line 60)


def test_arxiv_cut_inside_the_id_leaves_the_entry_out() -> None:
    batch = parse("004", cut_after("004", "arXiv:2008.0881"))
    assert "2008.0881" not in [p.arxiv_id for p in batch.papers]
    assert len(batch.papers) == 9
    assert cut_warnings(batch) == [(60, f"{CUT} (its id arXiv:2008.0881 stops short); it was not imported")]
    assert not any("Created line" in w.message for w in batch.warnings)


def test_arxiv_cut_before_the_date_or_inside_it_is_reported() -> None:
    no_date = parse("004", cut_after("004", "arXiv:2008.08817"))
    assert [(w.line, "no Created line" in w.message) for w in no_date.warnings if "2008.08817" in w.message] == [
        (60, True)
    ]
    half_date = parse("004", cut_after("004", "arXiv:2008.08817\nCreated: 2020-0"))
    assert any(w.line == 61 and "cannot read the date" in w.message for w in half_date.warnings)


def test_arxiv_short_id_in_the_middle_of_a_listing_is_reported_but_kept() -> None:
    text = SEEDS["004"].read_text(encoding="utf-8").replace("arXiv:2009.04153", "arXiv:2009.0415")
    batch = parse("004", text)
    assert "2009.0415" in [p.arxiv_id for p in batch.papers]
    assert any("arXiv:2009.0415 is too short" in w.message for w in batch.warnings)


def test_arxiv_id_first_listing_cut_mid_abstract() -> None:
    text = (FIXTURES / "variants" / "arxiv_header_first.txt").read_text(encoding="utf-8")
    batch = parse("002", text[: text.index("we measure the eff")])
    assert [line for line, _ in cut_warnings(batch)] == [8]


# --------------------------------------------------------------------------------------------------------
# Every cut of every seed: no stored paper differs from the intact page's without a warning on its line.

_KEYS = {
    "000": lambda p: (p.title, p.authors),
    "001": lambda p: (p.title, p.authors[:-1]),  # the cut may shorten the last visible name, flagged
    "002": lambda p: (p.arxiv_id,),
    "003": lambda p: (p.title,),
    "004": lambda p: (p.arxiv_id,),
}


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_no_cut_makes_a_wrong_paper_silently(seed: str) -> None:
    text = SEEDS[seed].read_text(encoding="utf-8")
    whole = {p.line: _KEYS[seed](p) for p in parse(seed, text).papers}
    start = text.index(text.splitlines()[max(whole) - 1])  # the last entry's first line
    step = max(1, (len(text) - start) // 150)
    for end in range(start, len(text), step):
        batch = parse(seed, text[:end])
        warned = {w.line for w in batch.warnings}
        for paper in batch.papers:
            assert whole.get(paper.line) == _KEYS[seed](paper) or paper.line in warned, (end, paper.title)


@pytest.mark.parametrize(
    "path",
    [*sorted((FIXTURES / "seeds").glob("*.txt")), *sorted((FIXTURES / "variants").glob("*.txt"))],
    ids=lambda p: p.name,
)
def test_intact_pages_are_never_called_cut(path: Path) -> None:
    from papershelf.importers.base import detect

    text = path.read_text(encoding="utf-8")
    importer = detect(text, path.name).importer
    assert importer is not None
    assert cut_warnings(importer.parse(text, CONTEXT)) == []


@pytest.mark.parametrize(
    ("text", "prose", "cut"),
    [
        ("the end.", True, False),
        ("Code: https://github.com/junkangwu/alpha-DPO", True, False),
        ("at https://hugg", True, True),
        ("link (https://github.com/hk", True, True),
        ("model (PMLM)", True, True),
        ("a model (PMLM).", True, False),
        ("NeurIPS 2021", True, True),
        ("NeurIPS 2021", False, False),
        ("AAAI 2023: 1123-1131", False, False),
        ("ACL 20", False, True),
        ("In Proceedings (pp. 455", False, True),
        ("[Paper] [Code]", False, False),
        ("Master'", False, True),
    ],
)
def test_ends_mid_sentence(text: str, prose: bool, cut: bool) -> None:
    assert ends_mid_sentence(text, prose=prose) is cut
