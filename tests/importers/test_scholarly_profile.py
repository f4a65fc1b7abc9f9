"""Behaviour of the scholarly-profile importer on the seed profile and on two made-up profiles."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papershelf.importers.errors import ImporterError
from papershelf.importers.scholarly_profile import ScholarlyProfileImporter
from papershelf.model.records import Link, ParseContext

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEEDS = {path.name[:3]: path for path in sorted((FIXTURES / "seeds").glob("*.txt"))}
SEED = SEEDS["003"]
IMPORTER = ScholarlyProfileImporter()
CHROME = (
    "Trust snapshot",
    "Quick read",
    "Follow researcher",
    "Log in to claim",
    "Open full explorer",
    "BZPEER",
    "contributes to research discovery",
    "Claiming links",
    "Load more",
    "View paper",
    "©",
    "Privacy · Terms",
)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _parse(path: Path, **context: str):
    return IMPORTER.parse(_read(path), ParseContext(source_name=path.name, **context))


# (line of the "preprint2026arXiv" label, year, title, abstract start, abstract end); every work is a preprint
# on arXiv in this seed.
SEED_WORKS = [
    (
        55,
        2026,
        "Black-Box On-Policy Distillation of Large Language Models",
        "Black-box distillation creates",
        "-box LLM distillation.",
    ),
    (
        61,
        2026,
        "Multiplex Thinking: Reasoning via Token-wise Branch-and-Merge",
        "Large language models often so",
        "nn/Multiplex-Thinking.",
    ),
    (
        67,
        2026,
        "Towards Stable and Effective Reinforcement Learning for Mixture-of-Experts",
        "Recent advances in reinforceme",
        "e-scale expert models.",
    ),
    (
        73,
        2024,
        "Cross-target Stance Detection by Exploiting Target Analytical Perspectives",
        "Cross-target stance detection ",
        "-art baseline methods.",
    ),
    (
        79,
        2023,
        "Optimizing Prompts for Text-to-Image Generation",
        "Well-designed prompts can guid",
        "aka.ms/promptist-demo.",
    ),
    (
        85,
        2023,
        "Semi-Supervised Learning with Pseudo-Negative Labels for Image Classification",
        "Semi-supervised learning frame",
        " in domain adaptation.",
    ),
    (
        91,
        2022,
        "A Survey of Knowledge-Intensive NLP with Pre-Trained Language Models",
        "With the increasing of model c",
        " for further research.",
    ),
    (
        97,
        2022,
        "BEiT: BERT Pre-Training of Image Transformers",
        "We introduce a self-supervised",
        "t https://aka.ms/beit.",
    ),
    (
        103,
        2022,
        "CLIP Models are Few-shot Learners: Empirical Studies on VQA and Visual Entailment",
        "CLIP has shown a remarkable ze",
        "re-training procedure.",
    ),
    (
        109,
        2022,
        "Controllable Natural Language Generation with Contrastive Prefixes",
        "To guide the generation of lar",
        "gh linguistic quality.",
    ),
    (
        115,
        2022,
        "DeepNet: Scaling Transformers to 1,000 Layers",
        "In this paper, we propose a si",
        "ing scaling direction.",
    ),
    (
        121,
        2022,
        "Detecting and Recovering Adversarial Examples from Extracting"
        " Non-robust and Highly Predictive Adversarial Perturbations",
        "Deep neural networks (DNNs) ha",
        "ecover the AEs to NEs.",
    ),
    (
        127,
        2022,
        "Image as a Foreign Language: BEiT Pretraining for All Vision and Vision-Language Tasks",
        "A big convergence of language,",
        "val (Flickr30K, COCO).",
    ),
    (
        133,
        2022,
        "Knowledge Neurons in Pretrained Transformers",
        "Large-scale pretrained languag",
        "DDM/knowledge-neurons.",
    ),
    (
        139,
        2022,
        "StableMoE: Stable Routing Strategy for Mixture of Experts",
        "The Mixture-of-Experts (MoE) t",
        "speed and performance.",
    ),
    (
        145,
        2022,
        "Swin Transformer V2: Scaling Up Capacity and Resolution",
        "Large-scale NLP models have be",
        "oft/Swin-Transformer}.",
    ),
    (
        151,
        2022,
        "THE-X: Privacy-Preserving Transformer Inference with Homomorphic Encryption",
        "As more and more pre-trained l",
        "-preserving advantage.",
    ),
    (
        157,
        2022,
        "Transferability of Adversarial Attacks on Synthetic Speech Detection",
        "Synthetic speech detection is ",
        "n-Synthetic-Detection.",
    ),
    (
        163,
        2022,
        "Transforming Wikipedia into Augmented Data for Query-Focused Summarization",
        "The limited size of existing q",
        "ttps://aka.ms/wikiref.",
    ),
    (
        169,
        2022,
        "VLMo: Unified Vision-Language Pre-Training with Mixture-of-Modality-Experts",
        "We present a unified Vision-La",
        "t https://aka.ms/vlmo.",
    ),
    (
        175,
        2022,
        "XLM-E: Cross-lingual Language Model Pre-training via ELECTRA",
        "In this paper, we introduce EL",
        "ngual transferability.",
    ),
    (
        181,
        2021,
        "Self-Attention Attribution: Interpreting Information Interactions Inside Transformer",
        "The great success of Transform",
        " attacks towards BERT.",
    ),
    (
        187,
        2020,
        "Distributed Resource Scheduling for Large-Scale MEC Systems: A Multi-Agent"
        " Ensemble Deep Reinforcement Learning with Imitation Acceleration",
        "We consider the optimization o",
        "ing benchmark schemes.",
    ),
    (
        193,
        2020,
        "Harvesting and Refining Question-Answer Pairs for Unsupervised QA",
        "Question Answering (QA) has sh",
        "shot learning setting.",
    ),
    (
        199,
        2020,
        "MiniLM: Deep Self-Attention Distillation for Task-Agnostic Compression of Pre-Trained Transformers",
        "Pre-trained language models (e",
        "al pre-trained models.",
    ),
    (
        205,
        2020,
        "Oscar: Object-Semantics Aligned Pre-training for Vision-Language Tasks",
        "Large-scale pre-training metho",
        " and generation tasks.",
    ),
    (
        211,
        2020,
        "Stacked Auto Encoder Based Deep Reinforcement Learning for"
        " Online Resource Scheduling in Large-Scale MEC Networks",
        "An online resource scheduling ",
        "h existing benchmarks.",
    ),
    (
        217,
        2020,
        "UniLMv2: Pseudo-Masked Language Models for Unified Language Model Pre-Training",
        "We propose to pre-train a unif",
        "idely used benchmarks.",
    ),
    (
        223,
        2020,
        "XLM-T: Scaling up Multilingual Machine Translation with Pretrained Cross-lingual Transformer Encoders",
        "Multilingual machine translati",
        " https://aka.ms/xlm-t.",
    ),
]


def test_seed_owner():
    batch = _parse(SEED)
    owner = batch.owner
    assert owner is not None
    assert owner.name == "Li Dong"
    assert owner.line == 3
    assert owner.paper_count == 29
    assert batch.claimed_count == 29
    assert owner.position == "Researcher"
    assert owner.affiliation is None  # "Affiliation not imported" is the site's placeholder
    assert owner.bio is None  # "Li Dong contributes to ..." is the site's filler line
    assert owner.extra["followers"] == "0"
    assert owner.extra["topics"] == "10"
    assert owner.extra["close collaborators"] == "4"
    assert owner.extra["collaboration"] == "Open to collaborate"
    assert owner.extra["trust"] == "21 - Emerging"
    assert owner.extra["verification"] == "L1"
    assert owner.extra["claim_status"] == "Unclaimed author"


def test_seed_works_match_the_table():
    text = _read(SEED)
    lines = text.split("\n")
    batch = _parse(SEED)
    assert batch.format == "scholarly-profile"
    assert len(batch.papers) == len(SEED_WORKS) == 29
    assert batch.warnings == []  # 29 claimed, 29 found
    for paper, (line, year, title, start, end) in zip(batch.papers, SEED_WORKS, strict=True):
        assert lines[line - 1] == f"preprint{year}arXiv"
        assert (paper.line, paper.year, paper.title) == (line, year, title)
        assert paper.entry_type == "preprint"
        assert paper.venue == "arXiv"
        assert paper.extra["work_type"] == "preprint"
        assert paper.abstract.startswith(start)
        assert paper.abstract.endswith(end)
        assert paper.abstract == lines[line + 3]  # verbatim: the card's one abstract line
        assert paper.authors == ()
        assert paper.authors_complete is False
        assert paper.raw.startswith(lines[line - 1]) and paper.raw.endswith(paper.abstract)
        assert not any(marker in paper.raw for marker in CHROME)


def test_the_last_work_ends_with_the_file():
    last = _parse(SEED).papers[-1]
    assert last.title.startswith("XLM-T:")
    assert last.abstract.endswith("The code will be at https://aka.ms/xlm-t.")
    assert last.links == (Link("project", "https://aka.ms/xlm-t"),)


@pytest.mark.parametrize(
    ("title_start", "links"),
    [
        ("Multiplex Thinking", (Link("code", "https://github.com/GMLR-Penn/Multiplex-Thinking"),)),
        (
            "Optimizing Prompts",
            (Link("project", "https://aka.ms/promptist"), Link("project", "https://aka.ms/promptist-demo")),
        ),
        ("Swin Transformer V2", (Link("code", "https://github.com/microsoft/Swin-Transformer"),)),
        (
            "Transferability of Adversarial",
            (Link("code", "https://gitee.com/djc_QRICK/Attack-Transferability-On-Synthetic-Detection"),),
        ),
    ],
)
def test_urls_in_abstracts_become_links(title_start, links):
    paper = next(p for p in _parse(SEED).papers if p.title.startswith(title_start))
    assert paper.links == links
    assert paper.has_code == any(link.kind == "code" for link in links)


def test_context_owner_overrides_and_keeps_the_page_name_as_alias():
    owner = _parse(SEED, owner="Dong Li").owner
    assert owner.name == "Dong Li"
    assert owner.aliases == ("Li Dong",)


# --- made-up profiles ---------------------------------------------------------------------------------------


def test_profile_with_varied_types_missing_abstracts_and_footer():
    batch = _parse(FIXTURES / "variants" / "scholarly_ada_moreau.txt")
    owner = batch.owner
    assert owner.name == "Ada Moreau"
    assert owner.position == "Associate Professor"
    assert owner.affiliation == "Université Claude Bernard Lyon 1"
    assert owner.bio is None
    assert owner.paper_count == 7
    assert owner.extra["followers"] == "12"
    assert owner.extra["claim_status"] == "Claimed author"
    got = [(p.line, p.entry_type, p.extra["work_type"], p.year, p.venue, p.title) for p in batch.papers]
    assert got == [
        (37, "article", "article", 2021, "Nature", "Coherent Control of Spin Qubits in Silicon Carbide"),
        (45, "inproceedings", "conference", 2020, "NeurIPS", "Learning Pulse Sequences with Reinforcement Learning"),
        (51, "book chapter", "book chapter", 2019, "Springer", "Defects in Wide-Bandgap Semiconductors"),
        (55, "preprint", "preprint", 2018, "arXiv", "Noise Spectroscopy Beyond the Gaussian Approximation"),
        (59, "article", "journal", 2017, "Physical Review Letters", "Single-Shot Readout of a Nuclear Spin Register"),
        (65, "dissertation", "dissertation", 2015, "Université de Lyon", "Spin Defects for Quantum Sensing"),
    ]
    abstracts = [p.abstract for p in batch.papers]
    assert abstracts[0].endswith("with dynamical decoupling.")  # "View paper" below it is chrome
    assert abstracts[2] is None and abstracts[3] is None
    assert abstracts[5] == "This thesis studies point defects as nanoscale sensors of magnetic fields."
    assert batch.papers[1].links == (Link("code", "https://github.com/amoreau/pulse-rl"),)
    for paper in batch.papers:
        assert not any(marker in paper.raw for marker in CHROME)
    # 7 works claimed, 6 listed (and "6 published item(s)"): both disagreements are reported with their line.
    assert batch.claimed_count == 7
    assert [w.line for w in batch.warnings] == [16, 35]
    assert "7" in batch.warnings[0].message and "6" in batch.warnings[0].message


def test_profile_with_bio_and_cards_without_blank_lines():
    batch = _parse(FIXTURES / "variants" / "scholarly_kenji_sato.txt")
    owner = batch.owner
    assert owner.name == "Kenji Sato"
    assert owner.bio.startswith("Kenji Sato builds open tools")
    assert owner.position == "Research Scientist"
    assert owner.affiliation is None
    assert owner.extra["collaboration"] == "Not open to collaborate"
    assert batch.claimed_count == 4
    got = [(p.line, p.entry_type, p.year, p.venue, p.title) for p in batch.papers]
    assert got == [
        (25, "inproceedings", 2023, "MLSys", "Energy Accounting for Distributed Training"),
        (28, "preprint", 2022, "arXiv", "CarbonBench: A Benchmark for Efficient Inference"),
        (32, "inproceedings", 2021, "EuroSys", "Compiling Sparse Kernels for Low Power"),
        (35, "technical report", 2020, "Kyoto University", "Measuring GPU Power with Software Counters"),
    ]
    carbon = batch.papers[1]
    assert carbon.abstract == (
        "A benchmark of 30 inference workloads with measured energy on five accelerators.\n"
        "Data at https://huggingface.co/datasets/ksato/carbonbench."
    )
    assert carbon.links == (Link("data", "https://huggingface.co/datasets/ksato/carbonbench"),)
    assert batch.papers[3].abstract is None
    assert batch.warnings == []


def test_profile_without_any_blank_lines():
    text = (
        "Researcher profile\nMira Chen\nMira Chen contributes to research discovery and scholarly infrastructure.\n"
        "PhD StudentETH ZürichOpen to collaborate\nTrust snapshot\n2works\n5followers\nPublished work\n"
        "article2024Science\nA Title\nAn abstract sentence.\nconference2023ICML\nAnother Title\n"
    )
    batch = IMPORTER.parse(text, ParseContext())
    owner = batch.owner
    assert (owner.name, owner.line, owner.position, owner.affiliation) == ("Mira Chen", 2, "PhD Student", "ETH Zürich")
    assert owner.bio is None
    assert owner.extra["followers"] == "5"
    got = [(p.line, p.entry_type, p.year, p.venue, p.title, p.abstract) for p in batch.papers]
    assert got == [
        (9, "article", 2024, "Science", "A Title", "An abstract sentence."),
        (12, "inproceedings", 2023, "ICML", "Another Title", None),
    ]
    assert batch.warnings == []


def test_a_page_without_profile_or_work_cards_is_refused():
    with pytest.raises(ImporterError):
        IMPORTER.parse("Some Person\n\nA homepage with prose only.\n", ParseContext())


# --- detection ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_sniff_scores_only_its_own_seed_high(seed):
    score = IMPORTER.sniff(_read(SEEDS[seed]))
    if seed == "003":
        assert score >= 0.8
    else:
        assert score < 0.3


@pytest.mark.parametrize("name", ["scholarly_ada_moreau.txt", "scholarly_kenji_sato.txt"])
def test_sniff_recognises_the_variants(name):
    assert IMPORTER.sniff(_read(FIXTURES / "variants" / name)) >= 0.8


_FRAGMENTS = st.sampled_from(
    ["Researcher profile", "Li Dong", "29works", "0followers", "4close collaborators", "preprint2026arXiv",
     "book chapter2019Springer", "Affiliation not imported", "Open to collaborate", "Trust 21 - Emerging",
     "Published work", "3 published item(s)", "© 2026", "https://github.com/x.", "\n", "\n\n", " "]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=400), st.lists(st.one_of(_FRAGMENTS, st.text(max_size=8)), max_size=40).map("".join)))
def test_any_text_gives_a_batch_or_an_importer_error(text):
    assert 0.0 <= IMPORTER.sniff(text) <= 1.0
    try:
        batch = IMPORTER.parse(text, ParseContext())
    except ImporterError:
        return
    for paper in batch.papers:
        assert paper.authors == () and paper.line >= 1
