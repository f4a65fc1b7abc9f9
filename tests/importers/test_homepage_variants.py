"""The homepage importer on pages it was not written against: other headings ("Recent Papers", "Journal
Articles", year sub-headings), numbered and bulleted lists, title-first entries, APA/IEEE/DBLP citation styles,
titles that open with a quoted phrase, extra whitespace, missing venues and years, Windows line endings, and
talks, news, blog posts and template filler after the list that must not become papers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from papershelf.importers.homepage import HomepageImporter
from papershelf.model.records import ImportBatch, ParseContext
from papershelf.pipeline import parse_file

VARIANTS = Path(__file__).resolve().parent.parent / "fixtures" / "variants"
CONTEXT = ParseContext(source_name="page.txt", as_of=dt.date(2025, 6, 1))
IMPORTER = HomepageImporter()


def parse(text: str) -> ImportBatch:
    return IMPORTER.parse(text, CONTEXT)


def read(name: str) -> str:
    return (VARIANTS / name).read_text(encoding="utf-8")


# (line, title, authors, complete, venue, year, entry_type, has_code, note)
RECENT_PAPERS = [
    (13, '"Why Should I Trust You?": Explaining Robust Classifiers',
     ("Amara Okafor", "Wei Chen", "Tom Brown"), True, "Proceedings of ICML", 2023, "inproceedings", False, None),
    (15, "“Calibrated” Uncertainty Is Not Enough: A Case Study in Forecasting",
     ("Lena Fischer", "Amara Okafor"), True, "NeurIPS", 2022, "inproceedings", True, None),
    (17, "Sparse Additive Models for Survival Data",
     ("A. Okafor", "K. Mensah"), True, "Journal of Machine Learning Research", 2022, "article", False, None),
    (19, "Bayesian Nonparametrics for Clustered Data",
     ("Amara Okafor",), True, None, 2016, "phdthesis", False, None),
    (21, "Robust Regression with Heavy Tails",
     ("Kofi Mensah", "Amara Okafor"), True, "Manuscript", None, "preprint", False, None),
    (23, "Conformal Prediction Under Drift", ("Amara Okafor", "Lena Fischer"), True, None, None, None, False, None),
]  # fmt: skip

BY_YEAR = [
    (15, "Graph Neural Networks for Power Grids", ("Sofia Lindqvist*", "Omar Haddad*", "Jun Park"), True,
     "Proceedings of the AAAI Conference on Artificial Intelligence", 2024, "inproceedings", False, None),
    (19, "Learning to Schedule Batteries", ("Omar Haddad", "Sofia Lindqvist"), True,
     "arXiv preprint", 2024, "preprint", False, None),
    (25, "Physics-Informed Load Forecasting", ("Sofia Lindqvist",), True,
     "NeurIPS Workshop on Tackling Climate Change with Machine Learning", 2023, "inproceedings", False, None),
]  # fmt: skip

APA = [
    (11, "Demand response with deep reinforcement learning", ("Haddad, O.", "Lindqvist, S."), True,
     "Energy and AI", 2022, "article", False, None),
    (13, "Forecasting load with transformers", ("Haddad, O.",), True,
     "IEEE Transactions on Smart Grid", 2020, "article", False, None),
    (17, "Safe Exploration for Grid Control", ("Omar Haddad", "Jun Park"), True, "AAAI", 2023, "inproceedings",
     False, None),
    (19, "Physics-informed graph networks", ("Park, J.", "Haddad, O.", "Lindqvist, S.", "Chen, L."), True,
     "Proceedings of NeurIPS", 2021, "inproceedings", False, None),
    (23, "Carbon-aware scheduling for data centres", ("Haddad, O.", "Nowak, M."), True, "Working paper", None,
     "preprint", False, None),
]  # fmt: skip

BULLET_MARKS = [
    (8, "Masked Video Distillation for Efficient Action Recognition", ("Yuki Tanaka*", "Kenji Sato*", "Hana Mori†"),
     True, "CVPR", 2024, "inproceedings", False, "Highlight"),
    (9, "Self-Calibrating Stereo in the Wild", ("Hana Mori", "Yuki Tanaka"), True, "ICCV", 2023, "inproceedings",
     False, None),
    (10, "A Large-Scale Benchmark for Egocentric Video",
     ("Yuki Tanaka", "Hana Mori", "Kenji Sato", "Ryo Ito", "Mai Kobayashi"), False,
     "NeurIPS Datasets and Benchmarks Track", 2022, "inproceedings", True, None),
    (11, "Learning Depth from Motion Blur", ("Yuki Tanaka",), True, None, 2019, "mastersthesis", False,
     None),
]  # fmt: skip

TABLES = {
    "homepage_recent_papers_quotes.txt": RECENT_PAPERS,
    "homepage_publications_by_year.txt": BY_YEAR,
    "homepage_apa_reordered.txt": APA,
    "homepage_selected_bullets_marks.txt": BULLET_MARKS,
}


@pytest.mark.parametrize("name", TABLES)
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_every_entry_and_nothing_else(name: str, newline: str) -> None:
    batch = parse(read(name).replace("\n", newline))
    got = [
        (p.line, p.title, p.authors, p.authors_complete, p.venue, p.year, p.entry_type, p.has_code, p.note)
        for p in batch.papers
    ]
    assert got == TABLES[name]
    assert batch.warnings == []


@pytest.mark.parametrize("name", TABLES)
def test_windows_line_endings_through_the_pipeline_give_the_same_papers(name: str, tmp_path: Path) -> None:
    data = (VARIANTS / name).read_bytes()
    plain = parse_file(tmp_path / name, data=data, as_of=CONTEXT.as_of)
    crlf = parse_file(tmp_path / name, data=data.replace(b"\n", b"\r\n"), as_of=CONTEXT.as_of)
    assert plain[0] == crlf[0] == "homepage"
    assert plain[1].papers == crlf[1].papers
    assert plain[1].owner == crlf[1].owner


def test_recent_papers_owner_and_what_is_not_a_paper() -> None:
    text = read("homepage_recent_papers_quotes.txt")
    batch = parse(text)
    owner = batch.owner
    assert owner is not None
    assert (owner.name, owner.aliases) == ("Amara Okafor", ("Dr. Amara Okafor",))
    assert (owner.position, owner.affiliation) == (
        "Associate Professor",
        "Department of Statistics, Lakeshore University",
    )
    assert owner.email == "amara.okafor@lakeshore.example.edu"
    titles = " ".join(p.title or "" for p in batch.papers)
    for not_a_paper in ("Robust Uncertainty for Practitioners", "Why Calibration Matters", "accepted at ICML",
                        "Bayesian Workflow", "Conformal Prediction, Part 1", "Jekyll"):  # fmt: skip
        assert not_a_paper not in titles
    ieee = batch.papers[2]
    assert ieee.extra == {"volume": "23", "pages": "1-40"}


def test_year_subheadings_legend_and_title_first_entries() -> None:
    batch = parse(read("homepage_publications_by_year.txt"))
    owner = batch.owner
    assert owner is not None
    assert (owner.name, owner.position, owner.affiliation) == (
        "Sofia Lindqvist",
        "PhD Student",
        "Nordic Institute of Technology",
    )
    # The "(* denotes equal contribution)" legend, teaching, service and filler are not papers.
    assert len(batch.papers) == 3
    assert not any("Reviewer" in (p.venue or "") or "Lorem" in (p.title or "") for p in batch.papers)


def test_apa_dblp_details_and_doi() -> None:
    batch = parse(read("homepage_apa_reordered.txt"))
    by_line = {p.line: p for p in batch.papers}
    assert by_line[11].extra == {"volume": "7", "pages": "100-118"}
    assert by_line[13].extra == {"volume": "11", "number": "4", "pages": "3001-3012"}
    assert by_line[13].doi == "10.1109/TSG.2020.1234567"
    assert by_line[17].extra == {"pages": "1123-1131"}  # DBLP "AAAI 2023: 1123-1131"
    assert by_line[19].extra == {"pages": "455-467"}  # APA "(pp. 455-467)" is pages, not a note
    assert by_line[19].note is None
    assert batch.owner is not None and batch.owner.affiliation == "Energy Systems Lab, Nordic Institute of Technology"
    # Blog posts under "Recent Posts" are not papers even though they carry dates.
    assert not any("Julia" in (p.title or "") for p in batch.papers)


def test_bullets_with_contribution_marks_and_cjk_alias() -> None:
    batch = parse(read("homepage_selected_bullets_marks.txt"))
    owner = batch.owner
    assert owner is not None
    assert owner.name == "Yuki Tanaka"
    assert "田中 由紀" in owner.aliases
    assert [link.url for link in batch.papers[0].links] == ["https://ytanaka.example.org/mvd"]
    # Awards and students below the list are not papers.
    assert len(batch.papers) == 4


# --------------------------------------------------------------------------------------------------------
# Titles that open with a quoted phrase (the quote is part of the title, not the whole of it).

QUOTED = [
    ('Maria Garcia, Wei Chen, and Tom Brown. "Why Should I Trust You?": Explaining Robust Classifiers. '
     "In Proceedings of ICML 2023.",
     '"Why Should I Trust You?": Explaining Robust Classifiers', "Proceedings of ICML", 2023),
    ("Maria Garcia, Wei Chen, and Tom Brown. “Why Should I Trust You?”: Explaining Robust Classifiers. "
     "In Proceedings of ICML 2023.",
     "“Why Should I Trust You?”: Explaining Robust Classifiers", "Proceedings of ICML", 2023),
    ('Maria Garcia, Wei Chen. "Why Should I Trust You?" Explaining the Predictions of Any Classifier. KDD 2016.',
     '"Why Should I Trust You?" Explaining the Predictions of Any Classifier', "KDD", 2016),
    ("Maria Garcia, Wei Chen. “Attention” Is Not What You Need. NeurIPS 2020.",
     "“Attention” Is Not What You Need", "NeurIPS", 2020),
    # A title that is wholly quoted loses its quotes, in each style.
    ('Maria Garcia, Wei Chen, and Tom Brown. "Robust Classifiers for Everyone." In Proceedings of ICML 2023.',
     "Robust Classifiers for Everyone", "Proceedings of ICML", 2023),
    ('Maria Garcia, Wei Chen. "Robust Classifiers for Everyone". ICML 2023.',
     "Robust Classifiers for Everyone", "ICML", 2023),
    ("Maria Garcia, Wei Chen. “Robust Classifiers for Everyone.” ICML 2023.",
     "Robust Classifiers for Everyone", "ICML", 2023),
    ('Maria Garcia, Wei Chen. "Why Should I Trust You?" In Proceedings of KDD 2016.',
     "Why Should I Trust You?", "Proceedings of KDD", 2016),
    ('M. Garcia, W. Chen, and T. Brown, "Robust Classifiers for Everyone," in Proc. ICML, 2023, pp. 1-9.',
     "Robust Classifiers for Everyone", "Proc. ICML", 2023),
    # IEEE style whose title opens with a quoted phrase: the closing quote with the comma inside ends it.
    ('M. Garcia, W. Chen, and T. Brown, "Why Should I Trust You?": Explaining Robust Classifiers," in Proc. ICML, '
     "2023.",
     '"Why Should I Trust You?": Explaining Robust Classifiers', "Proc. ICML", 2023),
    ("M. Garcia, W. Chen, and T. Brown, “Why Should I Trust You?”: Explaining Robust Classifiers,” in Proc. ICML, "
     "2023.",
     "“Why Should I Trust You?”: Explaining Robust Classifiers", "Proc. ICML", 2023),
]  # fmt: skip


@pytest.mark.parametrize(("entry", "title", "venue", "year"), QUOTED, ids=range(len(QUOTED)))
def test_quoted_titles(entry: str, title: str, venue: str, year: int) -> None:
    batch = parse(f"Publications\n\n{entry}\n")
    [paper] = batch.papers
    assert (paper.title, paper.venue, paper.year) == (title, venue, year)
    assert paper.authors[0] in {"Maria Garcia", "M. Garcia"}
    assert batch.warnings == []
