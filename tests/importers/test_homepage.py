"""Behaviour of the academic-homepage importer: the seed page, made-up variants, sniffing and robustness."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papershelf.importers.base import detect
from papershelf.importers.encoding import decode
from papershelf.importers.errors import ImporterError
from papershelf.importers.homepage import HomepageImporter, is_person_name
from papershelf.model.records import ImportBatch, Link, ParseContext

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
SEED = FIXTURES / "seeds" / "000_f5f6b2d255113960.txt"
CONTEXT = ParseContext(source_name="page.txt", as_of=dt.date(2025, 6, 1))
IMPORTER = HomepageImporter()


def parse(text: str, context: ParseContext = CONTEXT) -> ImportBatch:
    return IMPORTER.parse(text, context)


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------------------
# Seed 000: every entry. (line, title, authors, venue, year, entry_type, has_code)

SEED_000 = [
    (
        24,
        "M6: A Chinese Multimodal Pretrainer",
        (
            "Junyang Lin", "Rui Men", "An Yang", "Chang Zhou", "Ming Ding", "Yichang Zhang", "Peng Wang",
            "Ang Wang", "Le Jiang", "Xianyan Jia", "Jie Zhang", "Jianwei Zhang", "Xu Zou", "Zhikang Li",
            "Xiaodong Deng", "Jie Liu", "Jinbao Xue", "Huiling Zhou", "Jianxin Ma", "Jin Yu", "Yong Li", "Wei Lin",
            "Jingren Zhou", "Jie Tang", "Hongxia Yang",
        ),
        "arXiv", 2021, "preprint", False,
    ),
    (
        26,
        "Unifying Architectures, Tasks, and Modalities Through a Simple Sequence-to-Sequence Learning Framework",
        (
            "Peng Wang", "An Yang", "Rui Men", "Junyang Lin", "Shuai Bai", "Zhikang Li", "Jianxin Ma", "Chang Zhou",
            "Jingren Zhou", "Hongxia Yang",
        ),
        "arXiv", 2022, "preprint", True,
    ),
    (
        30,
        "BaGuaLu: targeting brain scale pretrained models with over 37 million cores",
        (
            "Zixuan Ma", "Jiaao He", "Jiezhong Qiu", "Huanqi Cao", "Yuanwei Wang", "Zhenbo Sun", "Liyan Zheng",
            "Haojie Wang", "Shizhi Tang", "Tianyu Zheng", "Junyang Lin", "Guanyu Feng", "Zeqiang Huang", "Jie Gao",
            "Aohan Zeng", "Jianwei Zhang", "Runxin Zhong", "Tianhui Shi", "Sha Liu", "Weimin Zheng", "Jie Tang",
            "Hongxia Yang", "Xin Liu", "Jidong Zhai", "Wenguang Chen",
        ),
        "PPoPP", 2022, "inproceedings", False,
    ),
    (
        32,
        "Modality Competition: What Makes Joint Training of Multi-modal Network Fail in Deep Learning? (Provably)",
        ("Yu Huang", "Junyang Lin", "Chang Zhou", "Hongxia Yang", "Longbo Huang"),
        "arXiv", 2022, "preprint", False,
    ),
    (
        34,
        "M6-10T: A Sharing-Delinking Paradigm for Efficient Multi-Trillion Parameter Pretraining",
        (
            "Junyang Lin", "An Yang", "Jinze Bai", "Chang Zhou", "Le Jiang", "Xianyan Jia", "Ang Wang", "Jie Zhang",
            "Yong Li", "Wei Lin", "Jingren Zhou", "Hongxia Yang",
        ),
        None, None, None, False,
    ),
    (
        36,
        "CogView: Mastering Text-to-Image Generation via Transformers",
        (
            "Ming Ding", "Zhuoyi Yang", "Wenyi Hong", "Wendi Zheng", "Chang Zhou", "Da Yin", "Junyang Lin", "Xu Zou",
            "Zhou Shao", "Hongxia Yang", "Jie Tang",
        ),
        "NeurIPS", 2021, "inproceedings", True,
    ),
    (
        38,
        "Learning Relation Alignment for Calibrated Cross-modal Retrieval",
        (
            "Shuhuai Ren", "Junyang Lin", "Guangxiang Zhao", "Rui Men", "An Yang", "Jingren Zhou", "Xu Sun",
            "Hongxia Yang",
        ),
        "ACL", 2021, "inproceedings", True,
    ),
    (
        40,
        "M6-T: Exploring Sparse Expert Models and Beyond",
        (
            "An Yang", "Junyang Lin", "Rui Men", "Chang Zhou", "Le Jiang", "Xianyan Jia", "Ang Wang", "Jie Zhang",
            "Jiamang Wang", "Yong Li", "Di Zhang", "Wei Lin", "Lin Qu", "Jingren Zhou", "Hongxia Yang",
        ),
        "arXiv", 2021, "preprint", False,
    ),
    (
        42,
        "Sketch and Refine: Towards Faithful and Informative Table-to-Text Generation",
        ("Peng Wang", "Junyang Lin", "An Yang", "Chang Zhou", "Yichang Zhang", "Jingren Zhou", "Hongxia Yang"),
        "ACL", 2021, "inproceedings", False,
    ),
    (
        44,
        "KNAS: Green Neural Architecture Search",
        ("Jingjing Xu", "Liang Zhao", "Junyang Lin", "Rundong Gao", "Xu Sun", "Hongxia Yang"),
        "ICML", 2021, "inproceedings", True,
    ),
    (
        46,
        "M6: Multi-Modality-to-Multi-Modality Multitask Mega-transformer for Unified Pretraining",
        (
            "Junyang Lin", "Rui Men", "An Yang", "Chang Zhou", "Yichang Zhang", "Peng Wang", "Jingren Zhou", "Jie Tang",
            "Hongxia Yang",
        ),
        "KDD", 2021, "inproceedings", False,
    ),
    (
        48,
        "InterBERT: Vision-and-Language Interaction for Multi-modal Pretraining",
        ("Junyang Lin", "An Yang", "Yichang Zhang", "Jie Liu", "Jingren Zhou", "Hongxia Yang"),
        "arXiv", 2020, "preprint", False,
    ),
    (
        50,
        "Towards Knowledge-Based Recommender Dialog System",
        ("Qibin Chen", "Junyang Lin", "Yichang Zhang", "Ming Ding", "Yukuo Cen", "Hongxia Yang", "Jie Tang"),
        "EMNLP", 2019, "inproceedings", True,
    ),
    (
        52,
        "Understanding and Improving Layer Normalization",
        ("Jingjing Xu", "Xu Sun", "Zhiyuan Zhang", "Guangxiang Zhao", "Junyang Lin"),
        "NeurIPS", 2019, "inproceedings", True,
    ),
    (
        54,
        "Towards Knowledge-Based Personalized Product Description Generation in E-commerce",
        ("Qibin Chen", "Junyang Lin", "Yichang Zhang", "Hongxia Yang", "Jingren Zhou", "Jie Tang"),
        "KDD", 2019, "inproceedings", True,
    ),
    (
        56,
        "Imitation Learning for Non-Autoregressive Neural Machine Translation",
        ("Bingzhen Wei", "Mingxuan Wang", "Hao Zhou", "Junyang Lin", "Xu Sun"),
        "ACL", 2019, "inproceedings", False,
    ),
    (
        58,
        "Explicit Sparse Transformer: Concentrated Attention Through Explicit Selection",
        ("Guangxiang Zhao", "Junyang Lin", "Zhiyuan Zhang", "Xuancheng Ren", "Qi Su", "Xu Sun"),
        "arXiv", 2019, "preprint", True,
    ),
    (
        60,
        "Global Encoding for Abstractive Summarization",
        ("Junyang Lin", "Xu Sun", "Shuming Ma", "Qi Su"),
        "ACL", 2018, "inproceedings", True,
    ),
    (
        62,
        "Semantic-Unit-Based Dilated Convolution for Multi-Label Text Classification",
        ("Junyang Lin", "Qi Su", "Pengcheng Yang", "Shuming Ma", "Xu Sun"),
        "EMNLP", 2018, "inproceedings", True,
    ),
    (
        64,
        "Diversity-Promoting GAN: A Cross-Entropy Based Generative Adversarial Network for Diversified Text Generation",
        ("Jingjing Xu", "Xuancheng Ren", "Junyang Lin", "Xu Sun"),
        "EMNLP", 2018, "inproceedings", True,
    ),
]  # fmt: skip


@pytest.fixture(scope="module")
def seed_batch() -> ImportBatch:
    return parse(read(SEED))


def test_seed_yields_exactly_the_twenty_selected_papers(seed_batch: ImportBatch) -> None:
    assert seed_batch.format == "homepage"
    assert len(seed_batch.papers) == 20
    assert [p.line for p in seed_batch.papers] == [row[0] for row in SEED_000]
    assert seed_batch.warnings == []


@pytest.mark.parametrize("row", SEED_000, ids=[str(row[0]) for row in SEED_000])
def test_seed_entry(seed_batch: ImportBatch, row: tuple) -> None:
    line, title, authors, venue, year, entry_type, has_code = row
    paper = next(p for p in seed_batch.papers if p.line == line)
    assert paper.title == title
    assert paper.authors == authors
    assert paper.authors_complete is True
    assert paper.venue == venue
    assert paper.year == year
    assert paper.entry_type == entry_type
    assert paper.has_code is has_code
    # The [Paper]/[Code] markers are not links: the page gives no URLs.
    assert paper.links == ()
    assert paper.extra["markers"] == ("Paper, Code" if has_code else "Paper")
    assert paper.raw == read(SEED).split("\n")[line - 1]


def test_seed_note_is_split_from_title_and_venue(seed_batch: ImportBatch) -> None:
    first = seed_batch.papers[0]
    assert first.note == (
        'Note that this is an extension of my KDD paper "M6: Multi-Modality-to-Multi-Modality Multitask '
        'Mega-transformer for Unified Pretraining"'
    )
    assert all(p.note is None for p in seed_batch.papers[1:])


def test_seed_owner(seed_batch: ImportBatch) -> None:
    owner = seed_batch.owner
    assert owner is not None
    assert owner.name == "Junyang Lin"
    assert owner.aliases == ("Junyang Lin (Justin)", "Junyang (Justin) Lin", "Justin")
    assert owner.position == "Researcher"
    assert owner.affiliation == "DAMO Academy, Alibaba Group"
    assert owner.line == 3
    assert owner.bio is not None
    assert owner.bio.startswith("I am Junyang (Justin) Lin, a researcher and engineer in the M6 team")
    assert owner.bio.endswith("title generation, description generation and knowledge graph.")
    assert "\nBefore graduation," in owner.bio  # both intro paragraphs, as written
    assert owner.interests == ("NLP", "Multi-modality", "CV")
    assert owner.extra["interests_note"] == "Notably I focus on large-scale pretraining."
    assert owner.email == "junyang.ljy@alibaba-inc.com"
    assert owner.address == "Jinhui Building, Chaoyang District, Beijing, China"


def test_seed_blog_activities_and_template_filler_produce_nothing(seed_batch: ImportBatch) -> None:
    # Everything after "Academic Activities:" (line 66) is blog posts, contact and web-template filler.
    assert max(p.line for p in seed_batch.papers) == 64
    titles = " ".join(p.title or "" for p in seed_batch.papers)
    for filler in ("SVM", "Dolor", "Heading Level", "Item One", "Reviewer", "Deep Learning (PPT)"):
        assert filler not in titles


# --------------------------------------------------------------------------------------------------------
# Variants: other made-up homepages. (line, title, authors, complete, venue, year, entry_type, has_code, note)

NUMBERED = [
    (19, "Measuring What Matters: Calibration Under Distribution Shift",
     ("Maria Elena Ruiz-Santos", "Tomás O'Neill", "Priya Raman"), True,
     "arXiv preprint arXiv:2403.01234", 2024, "preprint", False, None),
    (23, "Why Do Benchmarks Saturate? A Study of 40 Leaderboards",
     ("Tomás O'Neill", "H. V. Jagadish", "Maria Elena Ruiz-Santos"), True,
     "Proceedings of ACL", 2023, "inproceedings", False, "Oral"),
    (24, "Cross-lingual Transfer with Few Examples: Does Script Matter?",
     ("Li Wei", "Maria Elena Ruiz-Santos"), True,
     "Findings of EMNLP", 2022, "inproceedings", True, None),
    (26, "Robust Tokenisation for Code-Switched Text",
     ("Maria Elena Ruiz-Santos", "Jean-Pierre de la Fontaine", "Ana van der Berg"), False,
     "NeurIPS", 2021, "inproceedings", False, None),
    (30, "A Survey of Evaluation Practice in NLP",
     ("Maria Elena Ruiz-Santos", "Priya Raman"), True,
     "Transactions of the Association for Computational Linguistics", 2021, "article", False, None),
    (31, "Error Analysis at Scale",
     ("Maria Elena Ruiz-Santos",), True,
     "Journal of Artificial Intelligence Research", 2019, "article", False, None),
]  # fmt: skip

BULLETS = [
    (12, "Sparse Video Transformers for Long-Range Action Recognition",
     ("Tomasz Kowalczyk", "Ines Duarte"), True, "CVPR", 2024, "inproceedings", False, None),
    (13, "Depth-Aware Scene Graphs from a Single Image",
     ("T. Kowalczyk", "R. Osei", "I. Duarte"), True,
     "Proc. of the IEEE International Conference on Robotics and Automation (ICRA)", 2023, "inproceedings", False,
     None),
    (14, "Learning to Segment Point Clouds without Labels",
     ("Rahel Osei", "Tomasz Kowalczyk"), True,
     "IEEE Transactions on Pattern Analysis and Machine Intelligence", 2023, "article", True, None),
    (15, "Self-Supervised Depth: A Tutorial",
     ("Ines Duarte", "Tomasz Kowalczyk", "Rahel Osei"), True, "Under review", None, "preprint", False, None),
    (17, "Neural Radiance Fields in the Wild",
     ("Tomasz Kowalczyk", "Mei Lin Tan"), True,
     "ECCV Workshop on 3D Reconstruction", 2022, "inproceedings", False, None),
    (21, "Event Cameras for Fast Motion (Extended Abstract)",
     ("Tomasz Kowalczyk",), True, None, 2020, "mastersthesis", False, None),
]  # fmt: skip

PLAIN = [
    (11, "Learned Indexes for Streaming Data",
     ("Zhang, W.", "Okafor, C."), True, "Proceedings of the VLDB Endowment", 2023, "inproceedings", False, None),
    (12, "Cleaning Tables with Weak Supervision",
     ("Okafor, C.", "Zhang, W.", "Lindqvist, E."), True, "SIGMOD", 2021, "inproceedings", False, None),
    (13, "Query Optimisation by Example",
     ("Wei Zhang", "Chidi Okafor", "Emma Lindqvist"), True, None, 2020, None, False, None),
    (14, "On the Cost of Data Cleaning",
     ("Wei Zhang",), True, None, 2016, "phdthesis", False, None),
    (15, "A Note on Join Ordering",
     ("Emma Lindqvist", "Wei Zhang"), True, None, None, None, False, None),
]  # fmt: skip

VARIANTS = {
    "homepage_numbered_publications.txt": NUMBERED,
    "homepage_bullets_intro_only.txt": BULLETS,
    "homepage_papers_plain.txt": PLAIN,
}


def _variant_cases() -> list:
    return [
        pytest.param(name, row, id=f"{name.removesuffix('.txt')}:{row[0]}")
        for name, rows in VARIANTS.items()
        for row in rows
    ]


@pytest.mark.parametrize("name", VARIANTS)
def test_variant_counts(name: str) -> None:
    batch = parse(read(FIXTURES / "variants" / name))
    assert [p.line for p in batch.papers] == [row[0] for row in VARIANTS[name]]


@pytest.mark.parametrize(("name", "row"), _variant_cases())
def test_variant_entry(name: str, row: tuple) -> None:
    line, title, authors, complete, venue, year, entry_type, has_code, note = row
    batch = parse(read(FIXTURES / "variants" / name))
    paper = next(p for p in batch.papers if p.line == line)
    assert paper.title == title
    assert paper.authors == authors
    assert paper.authors_complete is complete
    assert paper.venue == venue
    assert paper.year == year
    assert paper.entry_type == entry_type
    assert paper.has_code is has_code
    assert paper.note == note


def test_a_thesis_keeps_its_school_apart_from_the_venue() -> None:
    papers = {p.line: p for p in parse(read(FIXTURES / "variants" / "homepage_papers_plain.txt")).papers}
    assert (papers[14].venue, papers[14].extra["school"]) == (None, "Eastfield University")
    papers = {p.line: p for p in parse(read(FIXTURES / "variants" / "homepage_bullets_intro_only.txt")).papers}
    assert papers[21].extra["school"] == "Lakeside Institute of Technology"


def test_numbered_variant_details_links_and_owner() -> None:
    batch = parse(read(FIXTURES / "variants" / "homepage_numbered_publications.txt"))
    by_line = {p.line: p for p in batch.papers}
    assert by_line[19].arxiv_id == "2403.01234"
    assert by_line[19].links == (Link("paper", "https://arxiv.org/abs/2403.01234"),)
    assert by_line[19].extra == {"markers": "PDF"}
    # The wrapped entry [3] keeps both source lines; its pages are split out of the venue.
    assert by_line[24].raw.split("\n")[1].strip().startswith("In Findings of EMNLP 2022")
    assert by_line[24].links == (Link("code", "https://github.com/rll-lab/script-transfer"),)
    assert by_line[24].extra == {"pages": "1201-1215", "markers": "Code"}
    assert by_line[30].extra == {"volume": "9", "pages": "1-24"}
    owner = batch.owner
    assert owner is not None
    assert owner.name == "Maria Elena Ruiz-Santos"
    assert owner.aliases == ()
    assert (owner.position, owner.affiliation) == ("Assistant Professor of Computer Science", "Northbridge University")
    assert owner.interests == ("robustness", "evaluation of language models", "multilingual NLP")
    assert owner.email == "m.ruiz-santos@northbridge.example.edu"
    assert owner.address == "Room 4.12, Halverson Hall, 200 College Road"
    assert owner.bio is not None and owner.bio.startswith("I am an assistant professor")
    assert owner.bio.endswith("Institute for Language Science.")
    assert batch.warnings == []  # "Teaching" ends the list; its lines are not papers


def test_bullets_variant_owner_comes_from_the_intro_sentence() -> None:
    batch = parse(read(FIXTURES / "variants" / "homepage_bullets_intro_only.txt"))
    owner = batch.owner
    assert owner is not None
    assert owner.name == "Tomasz Kowalczyk"
    assert owner.line == 3
    assert owner.position is None and owner.affiliation is None
    assert owner.bio is not None and owner.bio.startswith("Hi! I'm Tomasz Kowalczyk, a fourth-year PhD student")
    assert owner.email == "tomasz.kowalczyk@lakeside.example.org"
    by_line = {p.line: p for p in batch.papers}
    assert by_line[13].extra == {"pages": "1120-1127"}
    assert by_line[14].extra == {"volume": "45", "number": "3", "pages": "2201-2215", "markers": "Code"}
    # News bullets above the publications heading and the talk below it are not papers.
    assert all(12 <= p.line <= 21 for p in batch.papers)
    assert batch.warnings == []


def test_plain_variant_owner_alias_and_unreadable_entry_warning() -> None:
    batch = parse(read(FIXTURES / "variants" / "homepage_papers_plain.txt"))
    owner = batch.owner
    assert owner is not None
    assert owner.name == "Wei Zhang"
    assert owner.aliases == ("Wei Zhang (张伟)", "张伟")
    assert (owner.position, owner.affiliation) == ("Senior Research Scientist", "Harbour Data Lab")
    assert owner.bio is not None and owner.bio.startswith("Wei Zhang is a senior research scientist")
    assert owner.email == "wei.zhang@harbour.example.com"
    assert batch.papers[0].extra == {"volume": "16", "number": "8", "pages": "1980-1992"}
    # "Zhang W, Okafor C, 2019, Draft on sketches, [PDF]" looks like a paper but has no title to find.
    assert [(w.line, "could not be told apart" in w.message) for w in batch.warnings] == [(16, True)]


def test_page_without_owner_gives_owner_none() -> None:
    text = "Publications\n\nAlice Moreno, Bao Tran. Sorting in the Dark. ICALP 2019.\n"
    batch = parse(text)
    assert batch.owner is None
    assert [(p.title, p.authors, p.venue, p.year) for p in batch.papers] == [
        ("Sorting in the Dark", ("Alice Moreno", "Bao Tran"), "ICALP", 2019)
    ]


def test_owner_override_keeps_the_page_name_as_alias() -> None:
    batch = parse(read(SEED), ParseContext(as_of=dt.date(2025, 6, 1), owner="J. Lin"))
    assert batch.owner is not None
    assert batch.owner.name == "J. Lin"
    assert batch.owner.aliases[0] == "Junyang Lin"


def test_windows_line_endings_are_normalised_by_the_caller() -> None:
    # Importers receive text from encoding.decode, which turns CRLF into "\n"; the result must be identical.
    lf = read(SEED)
    decoded = decode(lf.replace("\n", "\r\n").encode("utf-8"))
    assert "\r" not in decoded
    assert parse(decoded).papers == parse(lf).papers


def test_author_names_with_initials_and_particles() -> None:
    for name in ("H. V. Jagadish", "Jean-Pierre de la Fontaine", "Le Jiang", "An Yang", "Tomás O'Neill", "李明 王"):
        assert is_person_name(name), name
    for not_name in ("About Me", "Google Scholar", "Heading Level 2", "Deep Learning", "Hongxia Yang. M6"):
        assert not is_person_name(not_name), not_name


def test_empty_and_unrelated_text_raise_importer_error() -> None:
    with pytest.raises(ImporterError):
        parse("")
    with pytest.raises(ImporterError):
        parse("   \n\n  ")
    with pytest.raises(ImporterError):
        parse("just some words\nwith no papers and no person\n")


# --------------------------------------------------------------------------------------------------------
# Sniffing

BIB = """@inproceedings{lin2021m6,
  author = {Junyang Lin and Rui Men and An Yang},
  title = {M6: Multi-Modality-to-Multi-Modality Multitask Mega-transformer for Unified Pretraining},
  booktitle = {KDD},
  year = {2021},
}
"""


@pytest.mark.parametrize("path", SEEDS, ids=[p.name for p in SEEDS])
def test_sniff_scores_only_its_own_seed_high(path: Path) -> None:
    score = IMPORTER.sniff(read(path))
    if path == SEED:
        assert score >= 0.9
    else:
        assert score < 0.3


def test_sniff_is_low_on_bibtex() -> None:
    assert IMPORTER.sniff(BIB) < 0.3


@pytest.mark.parametrize("path", [SEED, *sorted((FIXTURES / "variants").glob("homepage_*.txt"))], ids=lambda p: p.name)
def test_detect_picks_homepage(path: Path) -> None:
    detection = detect(read(path))
    assert detection.importer is not None
    assert detection.importer.name == "homepage"
    assert IMPORTER.sniff(read(path)) >= 0.5


# --------------------------------------------------------------------------------------------------------
# Robustness: any text gives a batch or ImporterError, quickly.

SEED_LINES = read(SEED).split("\n")
NASTY = st.sampled_from(
    [". ", ", ", " and ", "(", ")", '"', "“", "[1] ", "• ", "2021", "H. ", "et al.", ":", "\n", "\n\n", "Papers"]
)


def _must_not_crash(text: str) -> None:
    try:
        batch = parse(text)
    except ImporterError:
        return
    assert isinstance(batch, ImportBatch)
    IMPORTER.sniff(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_fuzz_arbitrary_text(text: str) -> None:
    _must_not_crash(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(SEED_LINES), NASTY, st.text(max_size=30)), max_size=40))
def test_fuzz_page_shaped_text(pieces: list[str]) -> None:
    _must_not_crash("\n".join(pieces))


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_fuzz_binary_looking_text(data: bytes) -> None:
    _must_not_crash(data.decode("latin-1"))


@pytest.mark.parametrize(
    "text",
    [
        "a" * 2_000_000,
        ". " * 300_000,
        "A. " * 200_000,
        "Alice Smith, " * 100_000,
        "(" * 200_000 + ")" * 200_000,
        '"' * 100_001,
        "Publications\n\n" + "Alice Smith, Bob Jones. Title. NeurIPS 2020.\n" * 20_000,
        "Selected Papers:\n" + ("x" * 10_000 + "\n") * 100,
        read(SEED) * 50,
    ],
    ids=["letters", "periods", "initials", "names", "parens", "quotes", "many-entries", "long-lines", "seed-x50"],
)
def test_huge_inputs_finish_quickly(text: str) -> None:
    start = time.perf_counter()
    _must_not_crash(text)
    assert time.perf_counter() - start < 20
