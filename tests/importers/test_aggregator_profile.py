"""Behaviour of the aggregator-profile importer: the seed profile, made-up variants, sniffing and robustness."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papershelf.importers.aggregator_profile import AggregatorProfileImporter
from papershelf.importers.base import detect
from papershelf.importers.encoding import decode
from papershelf.importers.errors import ImporterError
from papershelf.model.records import ImportBatch, Link, ParseContext

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
SEED = FIXTURES / "seeds" / "001_b8138a3e09088a1a.txt"
CONTEXT = ParseContext(source_name="profile.txt", as_of=dt.date(2025, 6, 1))
IMPORTER = AggregatorProfileImporter()


def parse(text: str, context: ParseContext = CONTEXT) -> ImportBatch:
    return IMPORTER.parse(text, context)


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------------------
# Seed 001: every card. (line, category, date, date_inferred, has_code, title, authors, authors_complete)

SEED_001 = [
    (12, "LG", "2023-09-05", False, True,
     "Data-Juicer: A One-Stop Data Processing System for Large Language Models",
     ("Daoyuan Chen", "Yilun Huang", "Zhijian Ma"), False),
    (19, "AI", "2024-07-11", False, True,
     "$β$-DPO: Direct Preference Optimization with Dynamic $β$",
     ("Junkang Wu", "Yuexiang Xie", "Zhengyi Yang"), False),
    (26, "LG", "2024-07-10", False, True,
     "Towards Robust Alignment of Language Models: Distributionally Robustifying Direct Preference Optimization",
     ("Junkang Wu", "Yuexiang Xie", "Zhengyi Yang"), False),
    (33, "CL", "2025-03-15", True, True,
     "Incentivizing Strong Reasoning from Weak Supervision",
     ("Yige Yuan", "Teng Xiao", "Shuchang Tao"), False),
    (40, "CV", "2024-08-23", False, False,
     "Semantic Alignment for Multimodal Large Language Models",
     ("Tao Wu", "Mengze Li", "Jingyuan Chen"), False),
    (47, "CL", "2024-10-31", False, True,
     "What is Wrong with Perplexity for Long-context Language Modeling?",
     ("Lizhe Fang", "Yifei Wang", "Zhaoyang Liu"), False),
    (54, "LG", "2024-10-14", False, True,
     "AlphaDPO: Adaptive Reward Margin for Direct Preference Optimization",
     ("Junkang Wu", "Xue Wang", "Zhengyi Yang"), False),
    (61, "LG", "2025-05-20", False, True,
     "Output Scaling: YingLong-Delayed Chain of Thought in a Large Pretrained Time Series Forecasting Model",
     ("Xue Wang", "Tian Zhou", "Jinyang Gao"), False),
    (68, "CL", "2024-10-24", False, True,
     "MoMQ: Mixture-of-Experts Enhances Multi-Dialect Query Generation across Relational and Non-Relational Databases",
     ("Zhisheng Lin", "Yifu Liu", "Zhiling Luo"), False),
    (75, "LG", "2023-05-20", False, True,
     "CARD: Channel Aligned Robust Blend Transformer for Time Series Forecasting",
     ("Wang Xue", "Tian Zhou", "Qingsong Wen"), False),
    (82, "LG", "2021-06-01", False, True,
     "OpenBox: A Generalized Black-box Optimization Service",
     ("Yang Li", "Yu Shen", "Wentao Zhang"), False),
    (89, "AI", "2024-11-13", False, False,
     "A Preview of XiYan-SQL: A Multi-Generator Ensemble Framework for Text-to-SQL",
     ("Yingqi Gao", "Yifu Liu", "Xiaoxia Li"), False),
    (96, "CL", "2024-04-26", False, False,
     "When to Trust LLMs: Aligning Confidence with Response Quality",
     ("Shuchang Tao", "Liuyi Yao", "Hanxing Ding"), False),
    (103, "CR", "2024-02-22", False, False,
     "Double-I Watermark: Protecting Model Copyright for LLM Fine-tuning",
     ("Shen Li", "Liuyi Yao", "Jinyang Gao"), False),
    (110, "ST", "2024-02-05", False, False,
     "DiffsFormer: A Diffusion Transformer on Stock Factor Augmentation",
     ("Yuan Gao", "Haokun Chen", "Xiang Wang"), False),
    (117, "CL", "2025-07-07", False, False,
     "XiYan-SQL: A Novel Multi-Generator Framework For Text-to-SQL",
     ("Yifu Liu", "Yin Zhu", "Yingqi Gao"), False),
    (124, "CL", "2025-02-17", False, False,
     "ToolCoder: A Systematic Code-Empowered Tool Learning Framework for Large Language Models",
     ("Hanxing Ding", "Shuchang Tao", "Liang Pang"), False),
    (131, "LG", "2025-03-10", False, False,
     "RePO: Understanding Preference Learning Through ReLU-Based Optimization",
     ("Junkang Wu", "Kexin Huang", "Xue Wang"), False),
    (138, "LG", "2025-02-25", False, False,
     "Larger or Smaller Reward Margins to Select Preferences for Alignment?",
     ("Kexin Huang", "Junkang Wu", "Ziqian Chen"), False),
    (145, "CV", "2025-06-11", False, False,
     "Provoking Multi-modal Few-Shot LVLM via Exploration-Exploitation In-Context Learning",
     ("Cheng Chen", "Yunpeng Zhai", "Yifan Zhao"), False),
    (152, "IR", "2021-05-28", False, False,
     "CausCF: Causal Collaborative Filtering for RecommendationEffect Estimation",
     ("Xu Xie", "Zhaoyang Liu", "Shiwen Wu"), False),
    (159, "IR", "2021-02-28", False, False,
     "Explore User Neighborhood for Real-time E-commerce Recommendation",
     ("Xu Xie", "Fei Sun", "Xiaoyong Yang"), False),
    (166, "LG", "2020-12-08", False, False,
     "Efficient Automatic CASH via Rising Bandits",
     ("Yang Li", "Jiawei Jiang", "Jinyang Gao"), False),
    (173, "LG", "2020-12-05", False, False,
     "MFES-HB: Efficient Hyperband with Multi-Fidelity Quality Measurements",
     ("Yang Li", "Yu Shen", "Jiawei Jiang"), False),
    (180, "IR", "2020-10-27", False, False,
     "Contrastive Learning for Sequential Recommendation",
     ("Xu Xie", "Fei Sun", "Zhaoyang Liu"), False),
    (187, "IR", "2020-05-31", False, False,
     "Modeling Personalized Item Frequency Information for Next-basket Recommendation",
     ("Haoji Hu", "Xiangnan He", "Jinyang Gao"), False),
    (194, "IR", "2019-07-11", False, False,
     "Privileged Features Distillation at Taobao Recommendations",
     ("Chen Xu", "Quan Li", "Junfeng Ge"), False),
    (201, "LG", "2019-04-03", False, False,
     "Model Slicing for Supporting Complex Analytics with Elastic Inference Cost and Resource Constraints",
     ("Shaofeng Cai", "Gang Chen", "Beng Chin Ooi"), False),
    (208, "CL", "2018-06-06", False, False,
     "Medical Concept Embedding with Time-Aware Attention",
     ("Xiangrui Cai", "Jinyang Gao", "Kee Yuan Ngiam"), False),
    (215, "AI", "2018-04-26", False, False,
     "PANDA: Facilitating Usable AI Development",
     ("Jinyang Gao", "Wei Wang", "Meihui Zhang"), False),
    (222, "DB", "2018-04-17", False, False,
     "Rafiki: Machine Learning as an Analytics Service System",
     ("Wei Wang", "Sheng Wang", "Jinyang Gao"), False),
    (229, "LG", "2016-03-25", False, False,
     "Deep Learning At Scale and At Ease",
     ("Wei Wang", "Gang Chen", "Haibo Chen"), False),
    (236, "DB", "2015-12-12", False, False,
     "Active Sampler: Light-weight Accelerator for Complex Data Analytics at Scale",
     ("Jinyang Gao", "H. V. Jagadish", "Beng Chin Ooi"), True),
]  # fmt: skip

# Links found in the seed's abstracts, by card line; every other card has none.
SEED_LINKS = {
    19: (Link("code", "https://github.com/junkangwu/beta-DPO"),),
    26: (Link("code", "https://github.com/junkangwu/Dr_DPO"),),
    33: (Link("code", "https://github.com/yuanyige/w2sr"),),
    40: (Link("project", "https://mccartney01.github.io/SAM"),),
    47: (Link("code", "https://github.com/PKU-ML/LongPPL"),),
    54: (Link("code", "https://github.com/junkangwu/alpha-DPO"),),
    61: (Link("model", "https://huggingface.co/qcw1314/YingLong_300m"),),
    75: (Link("code", "https://github.com/wxie9/CARD"),),
}

# A sample of abstracts: (line, start, end), kept verbatim with their LaTeX and math.
SEED_ABSTRACTS = [
    (12, "The immense evolution in Large Language Models (LLMs) has underscored",
     "calling for broader data-centric research on training and understanding LLMs."),
    (19, "Direct Preference Optimization (DPO) has emerged as a compelling approach",
     "The code is available at \\url{https://github.com/junkangwu/beta-DPO}."),
    (47, "Handling long-context inputs is crucial for large language models",
     "Code is available at https://github.com/PKU-ML/LongPPL."),
    (180, "Sequential recommendation methods play a crucial role",
     "achieves state-of-the-art performance over existing baselines by inferring better user representations."),
    (236, 'Recent years have witnessed amazing outcomes from "Big Models" trained by "Big Data".',
     "for comparable training quality by 1.6-2.2x."),
]  # fmt: skip


@pytest.fixture(scope="module")
def seed_batch() -> ImportBatch:
    return parse(read(SEED))


def test_seed_yields_all_33_cards_and_matches_the_claim(seed_batch: ImportBatch) -> None:
    assert seed_batch.format == "aggregator"
    assert len(seed_batch.papers) == 33
    assert [p.line for p in seed_batch.papers] == [row[0] for row in SEED_001]
    assert seed_batch.claimed_count == 33
    assert seed_batch.warnings == []


def test_seed_owner(seed_batch: ImportBatch) -> None:
    owner = seed_batch.owner
    assert owner is not None
    assert owner.name == "Jinyang Gao"
    assert owner.line == 1
    assert owner.h_index == 32
    assert owner.paper_count == 33
    assert owner.citation_count == 1391
    assert owner.extra == {"Novelty": "55%", "AI Score": "55", "category": "LG"}


@pytest.mark.parametrize("row", SEED_001, ids=[str(row[0]) for row in SEED_001])
def test_seed_card(seed_batch: ImportBatch, row: tuple) -> None:
    line, category, date, inferred, has_code, title, authors, complete = row
    paper = next(p for p in seed_batch.papers if p.line == line)
    assert paper.category == category
    assert paper.date == date
    assert paper.year == int(date[:4])
    assert paper.date_inferred is inferred
    assert paper.has_code is has_code
    assert paper.title == title
    assert paper.authors == authors
    assert paper.authors_complete is complete
    assert paper.venue is None
    assert paper.entry_type == "preprint"
    assert paper.links == SEED_LINKS.get(line, ())
    assert paper.affiliation_hint == ("pku" if line == 145 else None)
    assert paper.abstract is not None and "\n" not in paper.abstract
    assert paper.raw.split("\n")[0] == read(SEED).split("\n")[line - 1]


@pytest.mark.parametrize("row", SEED_ABSTRACTS, ids=[str(row[0]) for row in SEED_ABSTRACTS])
def test_seed_abstract_verbatim(seed_batch: ImportBatch, row: tuple) -> None:
    line, start, end = row
    abstract = next(p for p in seed_batch.papers if p.line == line).abstract
    assert abstract is not None
    assert abstract.startswith(start)
    assert abstract.endswith(end)


def test_seed_keeps_latex_and_math(seed_batch: ImportBatch) -> None:
    by_line = {p.line: p for p in seed_batch.papers}
    assert "$β$ playing a critical role" in (by_line[26].abstract or "")
    assert "\\textbf{LongPPL}" in (by_line[47].abstract or "")
    assert "\\textbf{C}ontrastive \\textbf{L}earning" in (by_line[180].abstract or "")
    assert "{\\em personalized item frequency}" in (by_line[187].abstract or "")


def test_yearless_date_before_the_reference_date_takes_the_previous_year() -> None:
    # "CLMar 15Code": captured on 1 March 2025, 15 March 2025 would be in the future.
    batch = parse(read(SEED), ParseContext(as_of=dt.date(2025, 3, 1)))
    card = next(p for p in batch.papers if p.line == 33)
    assert (card.date, card.year, card.date_inferred) == ("2024-03-15", 2024, True)
    same_day = parse(read(SEED), ParseContext(as_of=dt.date(2025, 3, 15)))
    assert next(p for p in same_day.papers if p.line == 33).date == "2025-03-15"


# --------------------------------------------------------------------------------------------------------
# Variants. (line, category, date, inferred, has_code, title, authors, complete, affiliation, links)

PRIYA = [
    (11, "ST", "2024-02-29", True, False, "Bayesian Calibration of Forecast Ensembles",
     ("Priya Natarajan",), True, None,
     (Link("code", "https://gitlab.com/pnat/bcal"), Link("data", "https://huggingface.co/datasets/pnat/ensembles"))),
    (18, "ML", "2024-12-01", False, True, "Sparse Gaussian Processes at Scale",
     (), False, None, (Link("project", "https://pnat.example.org/sgp"),)),
    (25, "stat.ML", "2023-10-03", False, False, "Conformal Prediction for Time Series: A Review",
     ("Priya Natarajan", "Olu Adeyemi", "Hana Kim"), True, None, ()),
    (30, "LG", "2024-12-20", True, True, "Learning Rates That Forecast Themselves",
     ("Hana Kim", "Priya Natarajan"), False, "iisc", (Link("code", "https://github.com/hkim/lrf"),)),
]  # fmt: skip

LUKAS = [
    (10, "CL", "2022-11-02", False, True, "Morphology Matters",
     ("Lukas Brenner", "J. R. Okonkwo", "Sofia Ferreira-Lima"), True, "eth",
     (Link("model", "https://huggingface.co/lbrenner/tiny-infl-base"), Link("project", "https://lbrenner.example.ch/infl"))),
    (17, "CL", "2021-06-30", False, False, "Unsupervised Segmentation of Swiss German Dialects",
     ("Lukas Brenner",), True, None, ()),
    (24, "AI", "2025-03-03", True, False, "What Counts as a Word?",
     ("Marta Nowak", "Lukas Brenner"), False, None, ()),
]  # fmt: skip

VARIANTS = {"aggregator_priya_natarajan.txt": PRIYA, "aggregator_lukas_brenner.txt": LUKAS}


@pytest.mark.parametrize(
    ("name", "row"),
    [
        pytest.param(name, row, id=f"{name.removesuffix('.txt')}:{row[0]}")
        for name, rows in VARIANTS.items()
        for row in rows
    ],
)
def test_variant_card(name: str, row: tuple) -> None:
    line, category, date, inferred, has_code, title, authors, complete, affiliation, links = row
    batch = parse(read(FIXTURES / "variants" / name))
    assert [p.line for p in batch.papers] == [r[0] for r in VARIANTS[name]]
    paper = next(p for p in batch.papers if p.line == line)
    assert paper.category == category
    assert paper.date == date
    assert paper.year == int(date[:4])
    assert paper.date_inferred is inferred
    assert paper.has_code is has_code
    assert paper.title == title
    assert paper.authors == authors
    assert paper.authors_complete is complete
    assert paper.affiliation_hint == affiliation
    assert paper.links == links


def test_priya_variant_missing_parts_and_claim_mismatch() -> None:
    batch = parse(read(FIXTURES / "variants" / "aggregator_priya_natarajan.txt"))
    by_line = {p.line: p for p in batch.papers}
    # No authors line: the abstract starts right after the title and keeps both paragraphs and its math.
    assert by_line[18].abstract == (
        "We scale sparse GPs to $10^9$ points with a stochastic variational bound $\\mathcal{L}(q) \\le \\log p(y)$ "
        "(see \\url{https://pnat.example.org/sgp}).\n\nA second paragraph of the abstract keeps its own line."
    )
    assert by_line[25].abstract is None  # no abstract at all
    owner = batch.owner
    assert owner is not None
    assert (owner.name, owner.h_index, owner.paper_count, owner.citation_count) == ("Priya Natarajan", 12, 41, 2310)
    assert owner.extra == {"Novelty": "61%", "category": "ST"}
    assert batch.claimed_count == 41
    assert [(w.line, w.message) for w in batch.warnings] == [(5, "the page claims 41 papers but 4 cards were read")]


def test_lukas_variant_owner_with_spaced_stats() -> None:
    batch = parse(read(FIXTURES / "variants" / "aggregator_lukas_brenner.txt"))
    owner = batch.owner
    assert owner is not None
    assert owner.name == "Lukas Brenner"
    assert (owner.h_index, owner.citation_count, owner.paper_count) == (7, 1024, 3)
    assert owner.extra == {"AI Score": "40"}
    assert owner.bio == "Computational linguist working on morphology and low-resource languages."
    assert batch.claimed_count == 3
    assert batch.warnings == []
    # A two-word title shaped like a name stays the title; the abstract keeps its math verbatim.
    assert batch.papers[0].title == "Morphology Matters"
    assert batch.papers[1].abstract == "Abstract with math: we minimise $\\sum_i \\ell(x_i)$ subject to $|V| \\le k$."


def test_card_missing_title_is_reported() -> None:
    text = "Ana Costa\n\n1papers\n\nLGJan 5, 2024\nAna Costa, Rui Lopes et al.\n\nAn abstract.\n"
    batch = parse(text)
    assert len(batch.papers) == 1
    paper = batch.papers[0]
    assert (paper.title, paper.authors, paper.abstract) == (None, ("Ana Costa", "Rui Lopes"), "An abstract.")
    assert [w.line for w in batch.warnings] == [5]


def test_owner_override_keeps_the_page_name_as_alias() -> None:
    batch = parse(read(SEED), ParseContext(as_of=dt.date(2025, 6, 1), owner="J. Gao"))
    assert batch.owner is not None
    assert (batch.owner.name, batch.owner.aliases) == ("J. Gao", ("Jinyang Gao",))


def test_windows_line_endings_are_normalised_by_the_caller() -> None:
    lf = read(SEED)
    decoded = decode(lf.replace("\n", "\r\n").encode("utf-8"))
    assert "\r" not in decoded
    assert parse(decoded).papers == parse(lf).papers


def test_empty_and_unrelated_text_raise_importer_error() -> None:
    with pytest.raises(ImporterError):
        parse("")
    with pytest.raises(ImporterError):
        parse("12 34\n56\n")


# --------------------------------------------------------------------------------------------------------
# Sniffing

BIB = "@article{gao2015, author = {Jinyang Gao and H. V. Jagadish}, title = {Active Sampler}, year = {2015}}\n"


@pytest.mark.parametrize("path", SEEDS, ids=[p.name for p in SEEDS])
def test_sniff_scores_only_its_own_seed_high(path: Path) -> None:
    score = IMPORTER.sniff(read(path))
    if path == SEED:
        assert score >= 0.9
    else:
        assert score < 0.3


def test_sniff_is_low_on_bibtex() -> None:
    assert IMPORTER.sniff(BIB) < 0.3


@pytest.mark.parametrize(
    "path", [SEED, *sorted((FIXTURES / "variants").glob("aggregator_*.txt"))], ids=lambda p: p.name
)
def test_detect_picks_aggregator(path: Path) -> None:
    detection = detect(read(path))
    assert detection.importer is not None
    assert detection.importer.name == "aggregator"


# --------------------------------------------------------------------------------------------------------
# Robustness: any text gives a batch or ImporterError, quickly.

SEED_LINES = read(SEED).split("\n")[:40]
NASTY = st.sampled_from(
    ["LGSep 5, 2023Code", "CLFeb 30", "XXFeb 29", "h-index", "h-index99999", "1,,,papers", " · ", " et al.",
     "\\url{", "https://", "(https://x.org/a)", "\n", "\n\n", "Novelty%"]
)  # fmt: skip


def _must_not_crash(text: str, context: ParseContext = CONTEXT) -> None:
    try:
        batch = parse(text, context)
    except ImporterError:
        return
    assert isinstance(batch, ImportBatch)
    IMPORTER.sniff(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_fuzz_arbitrary_text(text: str) -> None:
    _must_not_crash(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(st.sampled_from(SEED_LINES), NASTY, st.text(max_size=30)), max_size=40),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
)
def test_fuzz_profile_shaped_text(pieces: list[str], as_of: dt.date) -> None:
    _must_not_crash("\n".join(pieces), ParseContext(as_of=as_of))


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_fuzz_binary_looking_text(data: bytes) -> None:
    _must_not_crash(data.decode("latin-1"))


@pytest.mark.parametrize(
    "text",
    [
        "a" * 2_000_000,
        "https://" * 200_000,
        "\\url{" * 200_000,
        "LGSep 5, 2023Code\n" * 100_000,
        "LGSep 5, 2023Code\nT\n" + "Ana Costa, " * 200_000,
        "Novelty" + "5" * 1_000_000,
        read(SEED) * 50,
    ],
    ids=["letters", "urls", "url-macros", "headers", "long-authors", "long-stat", "seed-x50"],
)
def test_huge_inputs_finish_quickly(text: str) -> None:
    start = time.perf_counter()
    _must_not_crash(text)
    assert time.perf_counter() - start < 20
