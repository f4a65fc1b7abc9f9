"""Behaviour of the arXiv-listing importer on the two seeds and on hand-written listings of other shapes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papershelf.importers.arxiv_listing import ArxivListingImporter
from papershelf.importers.bibtex_file import BibtexImporter
from papershelf.importers.errors import ImporterError
from papershelf.importers.scholarly_profile import ScholarlyProfileImporter
from papershelf.model.records import Link, ParseContext

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEEDS = {path.name[:3]: path for path in sorted((FIXTURES / "seeds").glob("*.txt"))}
IMPORTER = ArxivListingImporter()


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _parse(path: Path, **context: str):
    return IMPORTER.parse(_read(path), ParseContext(source_name=path.name, **context))


def _page_warnings(batch) -> list:
    """The warnings about the page's text, without the one every listing imported without --owner gets."""
    return [w for w in batch.warnings if "--owner" not in w.message]


# (line, arxiv id, date, comments, journal ref, venue hint, abstract start, abstract end)
SEED_002 = [
    (
        1,
        "2112.07327",
        "2021-12-14",
        None,
        None,
        None,
        "As many fine-tuned pre-trained language ",
        "n cross-dataset teachers.",
    ),
    (
        6,
        "2110.06537",
        "2021-10-13",
        None,
        None,
        None,
        "The conventional wisdom behind learning ",
        "nder adversarial attacks.",
    ),
    (
        11,
        "2110.04099",
        "2021-10-08",
        "Accepted By NeurIPS 2021",
        None,
        "NeurIPS 2021",
        "The class imbalance problem, as an impor",
        "uating GNN architectures.",
    ),
    (
        18,
        "2105.13868",
        "2021-05-28",
        "Accepted by ACL-IJCNLP 2021 main conference (Long Paper)",
        None,
        "ACL-IJCNLP 2021",
        "Despite the achievements of large-scale ",
        "eriority of our approach.",
    ),
    (
        25,
        "2005.08081",
        "2020-05-16",
        "Achieve state-of-the-art BLEU scores on WMT14 EN-DE, EN-FR, and IWSLT DE-EN datasets",
        None,
        None,
        "In sequence-to-sequence learning, the at",
        "ine translation datasets.",
    ),
    (
        32,
        "1912.11637",
        "2019-12-25",
        None,
        None,
        None,
        "Self-attention based Transformer has dem",
        "licit-Sparse-Transformer}",
    ),
    (
        37,
        "1911.09483",
        "2019-11-17",
        "Achieve state-of-the-art BLEU scores on WMT14 En-De, En-Fr, and IWSLT De-En",
        None,
        None,
        "In sequence to sequence learning, the se",
        "/github.com/lancopku/MUSE",
    ),
    (
        44,
        "1911.07013",
        "2019-11-16",
        "Accepted by NeurIPS 2019",
        None,
        "NeurIPS 2019",
        "Layer normalization (LayerNorm) is a tec",
        "en out of eight datasets.",
    ),
    (
        51,
        "1808.07604",
        "2018-08-22",
        None,
        None,
        None,
        "This paper explores a new natural langua",
        "uring style correlations.",
    ),
]

SEED_004 = [
    (
        1,
        "2103.00823",
        "2021-03-01",
        "12 pages, technical report",
        None,
        None,
        "In this work, we construct the largest d",
        "ion and abundant details.",
    ),
    (
        8,
        "2102.10801",
        "2021-02-22",
        "Accepted as a poster in ICLR 2021 (submitted 28 Sep 2020, revised 22 Nov 2020, accepted 08 Jan 2021)",
        None,
        "ICLR 2021",
        "Neural Ordinary Differential Equations (",
        " the network performance.",
    ),
    (
        15,
        "2101.02945",
        "2021-01-08",
        "23 pages, 15 figures",
        None,
        None,
        "We develop a word mechanism applied in k",
        "ization of such surfaces.",
    ),
    (
        22,
        "2012.08789",
        "2020-12-16",
        None,
        None,
        None,
        "In this work, we propose to improve the ",
        "nces on downstream tasks.",
    ),
    (
        27,
        "2011.09208",
        "2020-11-18",
        None,
        None,
        None,
        "Data parallelism (DP) has been a common ",
        "ster than HDP on 64 GPUs.",
    ),
    (
        32,
        "2011.09463",
        "2020-11-18",
        "4 pages",
        None,
        None,
        "The literature has witnessed the success",
        "om/alibaba/EasyTransfer).",
    ),
    (
        39,
        "2010.14841",
        "2020-10-28",
        None,
        None,
        None,
        "The intensive computation of Automatic S",
        "Mv7-based mobile devices.",
    ),
    (
        44,
        "2009.10924",
        "2020-09-23",
        None,
        None,
        None,
        "We show in this work that memory intensi",
        "y 30,000 tasks per month.",
    ),
    (
        49,
        "2009.04153",
        "2020-09-09",
        "9 pages",
        "ACMMM 2020",
        "ACMMM 2020",
        "Structured information extraction from d",
        " model will be released1.",
    ),
    (
        56,
        "2008.08817",
        "2020-08-20",
        "6 pages, 7 figures, accepted in IROS 2020",
        None,
        "IROS 2020",
        "Data-efficient domain adaptation with on",
        "ting and model diverging.",
    ),
]


@pytest.mark.parametrize(("seed", "table"), [("002", SEED_002), ("004", SEED_004)])
def test_seed_entries_match_the_table(seed, table):
    text = _read(SEEDS[seed])
    batch = _parse(SEEDS[seed])
    # Every "arXiv:" line in the file is one entry, none more and none fewer.
    assert text.count("\narXiv:") + text.startswith("arXiv:") == len(table)
    assert len(batch.papers) == len(table)
    assert _page_warnings(batch) == []
    assert batch.format == "arxiv-listing"
    assert batch.owner is None
    assert batch.claimed_count is None
    for paper, (line, arxiv_id, date, comments, journal_ref, hint, start, end) in zip(batch.papers, table, strict=True):
        assert (paper.line, paper.arxiv_id, paper.date) == (line, arxiv_id, date)
        assert paper.comments == comments
        assert paper.journal_ref == journal_ref
        assert paper.extra.get("venue_hint") == hint
        assert paper.abstract.startswith(start)
        assert paper.abstract.endswith(end)
        assert "\n" not in paper.abstract  # one paragraph each in these seeds
        assert paper.year == int(date[:4])
        assert paper.arxiv_version is None
        assert paper.title is None
        assert paper.authors == ()
        assert paper.authors_complete is False
        assert paper.entry_type == "preprint"
        # The comments line is never part of the abstract.
        assert comments is None or comments not in paper.abstract
        # raw is the entry's own text: abstract first, arXiv and Created lines last.
        assert paper.raw.startswith(start)
        assert paper.raw.endswith(f"Created: {date}")
        assert f"arXiv:{arxiv_id}" in paper.raw
        assert text.splitlines()[line - 1].startswith(start)


def test_journal_ref_gives_the_venue_without_its_year():
    paper = _parse(SEEDS["004"]).papers[8]
    assert paper.journal_ref == "ACMMM 2020"
    assert paper.venue == "ACMMM"


def test_comment_hints_never_become_the_venue():
    for paper in _parse(SEEDS["002"]).papers + _parse(SEEDS["004"]).papers:
        if paper.journal_ref is None:
            assert paper.venue is None


@pytest.mark.parametrize(
    ("seed", "arxiv_id", "links"),
    [
        ("002", "1912.11637", (Link("code", "https://github.com/lancopku/Explicit-Sparse-Transformer"),)),
        ("002", "1911.09483", (Link("code", "https://github.com/lancopku/MUSE"),)),
        ("004", "2011.09463", (Link("code", "https://github.com/alibaba/EasyTransfer"),)),
    ],
)
def test_urls_in_abstracts_become_links(seed, arxiv_id, links):
    papers = {p.arxiv_id: p for p in _parse(SEEDS[seed]).papers}
    assert papers[arxiv_id].links == links
    assert papers[arxiv_id].has_code
    others = [p for p in papers.values() if p.arxiv_id != arxiv_id and p.links]
    assert all(p.arxiv_id in {"1912.11637", "1911.09483", "2011.09463"} for p in others)


def test_owner_comes_from_the_context_only():
    batch = _parse(SEEDS["002"], owner="Jingjing Xu")
    assert batch.owner is not None
    assert batch.owner.name == "Jingjing Xu"


# --- made-up listings of other shapes ----------------------------------------------------------------------


def test_labelled_listing_with_versions_old_ids_and_separators():
    batch = _parse(FIXTURES / "variants" / "arxiv_labelled.txt")
    got = [
        (p.line, p.arxiv_id, p.arxiv_version, p.date, p.year, p.comments, p.journal_ref, p.venue, p.category)
        for p in batch.papers
    ]
    assert got == [
        (
            3,
            "2210.01234",
            "v3",
            "2022-10-03",
            2022,
            "14 pages, 6 figures; camera-ready for EMNLP 2022",
            None,
            None,
            "cs.IR",
        ),
        (14, "2205.04321", None, "2022-05-09", 2022, "Extended abstract, 2 pages", None, None, None),
        (
            21,
            "hep-th/9901001",
            "v2",
            "1999-01-04",
            1999,
            None,
            "Nucl. Phys. B 550 (1999) 213-240",
            "Nucl. Phys. B",
            None,
        ),
        (28, "2302.09999", None, None, 2023, "To appear at ICML'23 (oral)", None, None, None),
        (36, "1711.00042", "v1", "2017-11-01", 2017, None, None, None, None),
    ]
    first, no_abstract, old, undated, _last = batch.papers
    # The page heading above the first entry is not part of its abstract.
    assert first.abstract.startswith("We introduce Glimmer")
    assert first.abstract.endswith("https://github.com/example/glimmer.")
    assert "\n\n" in first.abstract  # two paragraphs, kept as written
    assert first.links == (
        Link("model", "https://huggingface.co/example/glimmer-base"),
        Link("code", "https://github.com/example/glimmer"),
    )
    assert first.extra["venue_hint"] == "EMNLP 2022"
    assert no_abstract.abstract is None
    assert old.extra["venue_hint"] == "Nucl. Phys. B 1999"
    assert undated.extra["venue_hint"] == "ICML'23"
    assert undated.date is None
    # A missing Created line is a warning on the entry's arXiv line; the year still comes from the id.
    assert [(w.line, "Created" in w.message) for w in _page_warnings(batch)] == [(32, True)]


def test_compact_listing_without_blank_lines():
    batch = _parse(FIXTURES / "variants" / "arxiv_compact.txt")
    got = [(p.line, p.arxiv_id, p.arxiv_version, p.date, p.comments, p.journal_ref) for p in batch.papers]
    assert got == [
        (1, "2401.05555", "v2", "2024-01-11", "Accepted at ICLR 2024 as a spotlight", None),
        (8, "2402.00077", None, "2024-02-01", None, "IEEE Robotics and Automation Letters 9(3), 2024"),
        (13, "2403.01010", None, "2024-03-02", "8 pages, 5 figures, submitted to IROS 2024", None),
    ]
    relay, robotics, only_comments = batch.papers
    assert relay.abstract.startswith("Graph transformers struggle")
    assert relay.abstract.endswith("long-range benchmarks.")
    assert relay.abstract.count("\n") == 3  # hard-wrapped lines are kept as written
    assert relay.extra["venue_hint"] == "ICLR 2024"
    assert robotics.venue == "IEEE Robotics and Automation Letters"
    assert robotics.abstract.endswith("twelve grasping tasks.")
    assert only_comments.abstract is None
    assert only_comments.extra["venue_hint"] == "IROS 2024"
    assert _page_warnings(batch) == []


def test_listing_with_the_id_above_the_abstract():
    batch = _parse(FIXTURES / "variants" / "arxiv_header_first.txt")
    got = [(p.line, p.arxiv_id, p.arxiv_version, p.date, p.comments) for p in batch.papers]
    assert got == [
        (1, "2305.11111", None, "2023-05-18", "Accepted by CVPR 2024"),
        (8, "2304.22222", "v4", "2023-04-20", None),
    ]
    assert batch.papers[0].abstract.startswith("Diffusion models can be distilled")
    assert batch.papers[0].abstract.endswith("at 512 pixels.")
    assert batch.papers[1].abstract.startswith("Tokenizers split rare words")


def test_a_short_lone_paragraph_is_an_abstract_unless_it_reads_like_comments():
    text = (
        "A new version of our solver for sparse systems.\n\narXiv:2101.00001\nCreated: 2021-01-02\n\n"
        "* * *\n\n"
        "15 pages, 4 figures\n\narXiv:2101.00002\nCreated: 2021-01-03\n"
    )
    short, comments_only = IMPORTER.parse(text, ParseContext()).papers
    assert (short.abstract, short.comments) == ("A new version of our solver for sparse systems.", None)
    assert (comments_only.abstract, comments_only.comments) == (None, "15 pages, 4 figures")
    assert comments_only.line == 8  # the "* * *" separator belongs to no entry


def test_an_unreadable_date_is_a_warning_with_its_line():
    text = "An abstract sentence that is long enough to be prose.\n\narXiv:2101.00001\nCreated: someday\n"
    batch = IMPORTER.parse(text, ParseContext())
    assert batch.papers[0].date is None
    assert batch.papers[0].year == 2021
    assert [w.line for w in _page_warnings(batch)] == [4]


def test_text_without_any_arxiv_line_is_refused():
    with pytest.raises(ImporterError):
        IMPORTER.parse("Just some prose.\n\nNothing else.\n", ParseContext())


# --- detection ---------------------------------------------------------------------------------------------

EXPECTED_FAMILY = {"000": None, "001": None, "002": "arxiv-listing", "003": "scholarly-profile", "004": "arxiv-listing"}


@pytest.mark.parametrize("seed", sorted(EXPECTED_FAMILY))
def test_sniff_scores_only_its_own_seeds_high(seed):
    score = IMPORTER.sniff(_read(SEEDS[seed]))
    if EXPECTED_FAMILY[seed] == "arxiv-listing":
        assert score >= 0.8
    else:
        assert score < 0.3


@pytest.mark.parametrize("seed", sorted(EXPECTED_FAMILY))
def test_the_right_importer_wins_on_every_seed(seed):
    text = _read(SEEDS[seed])
    scores = {imp.name: imp.sniff(text) for imp in (IMPORTER, ScholarlyProfileImporter(), BibtexImporter())}
    expected = EXPECTED_FAMILY[seed]
    for name, score in scores.items():
        if name == expected:
            assert score == max(scores.values()) and score >= 0.3
        else:
            assert score < 0.3, (name, score)


@pytest.mark.parametrize("name", ["arxiv_labelled.txt", "arxiv_compact.txt", "arxiv_header_first.txt"])
def test_sniff_recognises_the_variants(name):
    assert IMPORTER.sniff(_read(FIXTURES / "variants" / name)) >= 0.5


_FRAGMENTS = st.sampled_from(
    ["arXiv:", "2101.00001", "v2", "hep-th/9901001", " - ", "[cs.CL]", "Created: ", "2020-13-45", "Comments:",
     "Journal-ref:", "Accepted by NeurIPS 2019", "12 pages", "https://github.com/x)", "\n", "\n\n", "----", " "]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=400), st.lists(st.one_of(_FRAGMENTS, st.text(max_size=8)), max_size=40).map("".join)))
def test_any_text_gives_a_batch_or_an_importer_error(text):
    assert 0.0 <= IMPORTER.sniff(text) <= 1.0
    try:
        batch = IMPORTER.parse(text, ParseContext())
    except ImporterError:
        return
    assert batch.papers
    for paper in batch.papers:
        assert paper.title is None and paper.authors == ()
