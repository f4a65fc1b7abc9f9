"""Synthetic, reproducible benchmark inputs: aggregator profile pages and .bib files of any size.

Everything comes from one seeded random generator, drawn in the same order whatever the size, so the first
1,000 papers of the 100,000-paper page are exactly the 1,000-paper page: a duplicate taken from the small
library is also in the big one. Authors come from one shared pool with Zipf-like popularity, so names repeat
the way they do in real libraries (a few people on thousands of papers, most on one or two). The text follows
the formats the importers read (tests/fixtures/seeds/001_*.txt for aggregator pages); it must not depend on
Papershelf itself, so the same files can be fed to papis and pubs.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SEED = 20251120
POOL_SIZE = 40_000  # distinct people; with Zipf weights the head writes thousands of papers, the tail one


def _split(text: str, separator: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(separator))


_GIVEN = _split(
    "Maria Anna Sofia Elena Laura Julia Clara Sara Emma Lea Nina Alice Marta Ines Chiara Giulia Paula Irene "
    "Hannah Lena Mia Zoe Olivia Grace Chloe Amelia Isabel Lucia Eva Ada Rosa Vera Alina Daria Ksenia Olga "
    "Priya Ananya Kavya Meera Aisha Fatima Leila Yasmin Amira Noor Zainab Mei Yuki Hana Sakura Aiko Ji-woo "
    "Min-seo Seo-yeon Xin Yue Jing Li Na Wei Ying Hui Lan "
    "James John Robert Michael David Daniel Thomas Paul Mark Peter Lukas Jonas Felix Leon Noah Elias Max Jan "
    "Matteo Luca Marco Andrea Giovanni Pablo Diego Javier Carlos Miguel Jose Juan Pierre Louis Hugo Arthur "
    "Ivan Dmitri Sergei Alexei Mikhail Rahul Arjun Vikram Rohan Amit Omar Ali Hassan Yusuf Karim Kenji Hiroshi "
    "Takeshi Haruto Sota Min-jun Ji-hoon Hyun-woo Jian Hao Jun Lei Ming Tao Yang Zhi Bo Chen Kai Feng Yi-Fan "
    "Ahmed Tariq Samuel Benjamin Oliver Henry Oscar Adam Simon Tobias Nils Erik Lars Sven Pieter Joris Bram"
)
_FAMILY = _split(
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson White "
    "Harris Clark Lewis Walker Hall Allen Young King Wright Scott Green Baker Adams Nelson Hill Campbell "
    "Mitchell Roberts Carter Phillips Evans Turner Parker Collins Edwards Stewart Morris Murphy Cook Rogers "
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Richter Klein Wolf "
    "Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Werner Krause Lehmann Köhler "
    "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti Costa Giordano "
    "García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Díaz Moreno Álvarez Romero Ruiz "
    "Dubois Durand Lefebvre Leroy Moreau Laurent Simon Michel Lefèvre Mercier Dupont Lambert Fontaine Chevalier "
    "Ivanov Smirnov Kuznetsov Popov Volkov Sokolov Lebedev Kozlov Novikov Morozov Petrov Pavlov Orlov "
    "Kowalski Nowak Wiśniewski Wójcik Kamiński Lewandowski Zieliński Szymański Dąbrowski Kozłowski "
    "Sharma Verma Gupta Singh Kumar Patel Reddy Rao Iyer Nair Menon Das Bose Chatterjee Banerjee Mukherjee "
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo Zheng Liang Xie Song "
    "Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Yu Du Ye Cheng Wei Su Lu Ding Ren "
    "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida Yamada Sasaki "
    "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Shin Seo Kwon Hwang Ahn Song Ryu Hong "
    "Nguyen Tran Le Pham Hoang Vu Vo Dang Bui Do Ngo Duong Ly "
    "Hassan Ahmed Ali Mahmoud Ibrahim Khalil Haddad Nasser Saleh Mansour Yilmaz Kaya Demir Şahin Çelik "
    "Jansen Visser Smit Bakker Janssen Mulder Bos Vos Peters Hendriks Dijkstra Andersson Johansson Karlsson "
    "Nilsson Eriksson Larsson Olsen Hansen Nielsen Jensen Pedersen Korhonen Virtanen Mäkinen Nieminen "
    "Silva Santos Oliveira Souza Lima Pereira Ferreira Alves Ribeiro Carvalho Gomes Martins Rocha Barbosa"
)
_PARTICLE_FAMILIES = (
    "van der Berg",
    "van Dijk",
    "de Vries",
    "van den Bosch",
    "von Neumann",
    "de la Cruz",
    "di Stefano",
)
_CATEGORIES = ("LG", "CL", "CV", "AI", "IR", "RO", "NE", "CR", "DB", "DS", "HC", "MA", "SD", "SE", "SI")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ADJECTIVES = _split(
    "Adaptive Robust Efficient Scalable Sparse Dense Contrastive Generative Discriminative Hierarchical "
    "Recurrent Convolutional Causal Federated Distributed Probabilistic Bayesian Variational Stochastic "
    "Differentiable Interpretable Explainable Multilingual Multimodal Unsupervised Supervised Self-Supervised "
    "Semi-Supervised Weakly-Supervised Few-Shot Zero-Shot Continual Incremental Online Offline Lightweight "
    "Compact Fast Accurate Faithful Grounded Structured Latent Implicit Explicit Neural Symbolic Hybrid "
    "Equivariant Invariant Geometric Topological Spectral Temporal Spatial Spatio-Temporal Dynamic Static "
    "Conditional Masked Autoregressive Non-Autoregressive Diffusion-Based Graph-Based Memory-Efficient "
    "Parameter-Efficient Long-Context Retrieval-Augmented Instruction-Tuned Aligned Calibrated Certified"
)
_NOUNS = _split(
    "Transformers Attention Networks Embeddings Representations Models Agents Policies Planners Retrievers "
    "Encoders Decoders Autoencoders Classifiers Detectors Segmenters Parsers Translators Summarizers "
    "Optimizers Schedulers Regularizers Priors Posteriors Kernels Graphs Hypergraphs Manifolds Tensors "
    "Tokenizers Vocabularies Benchmarks Datasets Corpora Evaluations Metrics Losses Objectives Rewards "
    "Distillation Pruning Quantization Compression Alignment Reasoning Planning Inference Learning "
    "Pretraining Finetuning Adaptation Generalization Robustness Fairness Privacy Calibration Uncertainty "
    "Retrieval Ranking Recommendation Segmentation Detection Tracking Navigation Manipulation Grasping "
    "Captioning Translation Summarization Parsing Tagging Forecasting Imputation Clustering Hashing Search"
)
_DOMAINS = _split(
    "Language Understanding|Machine Translation|Image Classification|Object Detection|Speech Recognition|"
    "Time Series Forecasting|Question Answering|Code Generation|Protein Folding|Molecular Design|Autonomous "
    "Driving|Robotic Manipulation|Medical Imaging|Recommender Systems|Knowledge Graphs|Tabular Data|"
    "Reinforcement Learning|Video Understanding|Text-to-Image Synthesis|Dialogue Systems|Information "
    "Extraction|Anomaly Detection|Graph Classification|Point Clouds|3D Reconstruction|Weather Prediction|"
    "Low-Resource Languages|Legal Documents|Scientific Literature|Mathematical Reasoning|Program Synthesis|"
    "Edge Devices|Federated Clients|Sensor Networks|Financial Markets|Climate Models|Genomics|Chemistry",
    "|",
)
_PATTERNS = (
    "{A} {N} for {D}",
    "Towards {A} {N} in {D}",
    "{A} and {A2} {N} for {D}",
    "On the {N} of {A} {N2} for {D}",
    "{X}: {A} {N} with {A2} {N2}",
    "Learning {A} {N} from {A2} {N2} for {D}",
    "When Do {A} {N} Help {D}? A Study of {N2}",
    "{X}: Scaling {A} {N} to {D}",
    "Rethinking {N} in {A} {N2} for {D}",
    "A {A} Benchmark of {N} for {D}",
)
_WORDS = _split(
    "we propose a novel method that improves model performance across diverse benchmarks while reducing "
    "training cost our approach leverages large scale data and simple architectural changes to achieve "
    "state of the art results experiments show consistent gains over strong baselines in accuracy latency "
    "and memory we further analyze the failure modes of existing systems and release code and data to "
    "support future research the framework generalizes to unseen domains tasks and languages with little "
    "supervision theoretical analysis explains why the objective converges under mild assumptions ablation "
    "studies confirm that each component contributes to the final result human evaluation agrees with "
    "automatic metrics our results suggest a promising direction for efficient and reliable learning systems"
)
_JOURNALS = (
    "Journal of Machine Learning Research",
    "Transactions on Pattern Analysis and Machine Intelligence",
    "Transactions of the Association for Computational Linguistics",
    "Neural Computation",
    "Artificial Intelligence",
    "Machine Learning",
    "Pattern Recognition",
    "Information Retrieval Journal",
)
_CONFERENCES = (
    "Advances in Neural Information Processing Systems",
    "International Conference on Machine Learning",
    "International Conference on Learning Representations",
    "Annual Meeting of the Association for Computational Linguistics",
    "Conference on Empirical Methods in Natural Language Processing",
    "Conference on Computer Vision and Pattern Recognition",
    "International Conference on Computer Vision",
    "AAAI Conference on Artificial Intelligence",
    "International Joint Conference on Artificial Intelligence",
    "ACM SIGIR Conference on Research and Development in Information Retrieval",
    "International Conference on Robotics and Automation",
    "Conference on Robot Learning",
)


@dataclass(frozen=True)
class Person:
    given: str
    family: str

    @property
    def as_written(self) -> str:
        """Given name first, the way aggregator pages write names."""
        return f"{self.given} {self.family}"

    @property
    def bibtex(self) -> str:
        """Family name first, the way .bib files usually write names."""
        return f"{self.family}, {self.given}"


@dataclass(frozen=True)
class SyntheticPaper:
    index: int
    title: str
    authors: tuple[Person, ...]
    year: int
    month: int
    day: int
    year_shown: bool
    category: str
    code: bool
    abstract: str
    venue: str
    entry_type: str  # article | inproceedings
    doi: str | None
    arxiv_id: str | None


class AuthorPool:
    """A fixed set of people with Zipf-like popularity (weight 1/rank): a few names recur on many papers."""

    def __init__(self, seed: int = SEED, size: int = POOL_SIZE) -> None:
        rng = random.Random(seed)
        seen: set[tuple[str, str]] = set()
        bases: set[tuple[str, str]] = set()
        people: list[Person] = []
        while len(people) < size:
            given = rng.choice(_GIVEN)
            roll = rng.random()
            family = rng.choice(_PARTICLE_FAMILIES) if roll < 0.03 else rng.choice(_FAMILY)
            if roll > 0.85:  # a middle initial, as many people publish with one
                given = f"{given} {rng.choice('ABCDEFGHJKLMNPRSTW')}."
            # One name with and without a middle initial ("Ada Scott", "Ada L. Scott") is one person's two
            # spellings to the reconciler, proposed for review when they share co-authors; the pool's people are
            # distinct people, so it never holds both forms of one name.
            base = (given.split()[0], family)
            if (given, family) in seen or base in bases or given == family:
                continue
            seen.add((given, family))
            bases.add(base)
            people.append(Person(given, family))
        self.people = people
        self.cumulative = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(size)))

    def draw(self, rng: random.Random, count: int) -> list[Person]:
        """`count` different people, the popular ones more often."""
        total = self.cumulative[-1]
        chosen: list[Person] = []
        while len(chosen) < count:
            person = self.people[bisect.bisect(self.cumulative, rng.random() * total)]
            if person not in chosen:
                chosen.append(person)
        return chosen


def _title(rng: random.Random) -> str:
    pattern = rng.choice(_PATTERNS)
    acronym = "".join(rng.choice("ABCDEFGHIKLMNOPRSTVWXZ") for _ in range(rng.randint(3, 6)))
    return pattern.format(
        A=rng.choice(_ADJECTIVES),
        A2=rng.choice(_ADJECTIVES),
        N=rng.choice(_NOUNS),
        N2=rng.choice(_NOUNS),
        D=rng.choice(_DOMAINS),
        X=acronym[0] + acronym[1:].lower() if rng.random() < 0.5 else acronym,
    )


def _abstract(rng: random.Random, title: str) -> str:
    sentences = []
    for _ in range(rng.randint(2, 4)):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 16))]
        sentences.append(" ".join(words).capitalize() + ".")
    # Keep one word of the title in the abstract, as real abstracts restate their subject.
    sentences.insert(1, f"We study {title.split(':')[-1].strip().lower()}.")
    text = " ".join(sentences)
    if rng.random() < 0.3:
        text += f" Code is available at https://github.com/lab{rng.randint(1, 999)}/{rng.choice(_NOUNS).lower()}."
    return text


def papers(count: int, seed: int = SEED, pool: AuthorPool | None = None) -> Iterator[SyntheticPaper]:
    """The first `count` papers of the seeded sequence (any prefix of a longer run is identical)."""
    pool = pool or AuthorPool(seed)
    rng = random.Random(seed + 1)
    titles: set[str] = set()
    for index in range(count):
        title = _title(rng)
        while title.lower() in titles:  # each synthetic paper is a different work
            title = _title(rng)
        titles.add(title.lower())
        n_authors = min(1 + int(rng.expovariate(0.3)), 14)
        authors = tuple(pool.draw(rng, n_authors))
        year = rng.randint(2005, 2025)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        conference = rng.random() < 0.6
        yield SyntheticPaper(
            index=index,
            title=title,
            authors=authors,
            year=year,
            month=month,
            day=day,
            year_shown=rng.random() > 0.05,
            category=rng.choice(_CATEGORIES),
            code=rng.random() < 0.4,
            abstract=_abstract(rng, title),
            venue=rng.choice(_CONFERENCES if conference else _JOURNALS),
            entry_type="inproceedings" if conference else "article",
            doi=f"10.{rng.randint(1000, 9999)}/synth.{index}" if rng.random() < 0.5 else None,
            arxiv_id=f"{year % 100:02d}{month:02d}.{index % 100000:05d}" if rng.random() < 0.3 else None,
        )


# ---------------------------------------------------------------------------------------------- writers
def aggregator_card(paper: SyntheticPaper, owner: Person | None = None) -> str:
    """One card: "LGSep 5, 2023Code", title, "A, B, C et al.", abstract (the owner is among the authors)."""
    date = f"{_MONTHS[paper.month - 1]} {paper.day}" + (f", {paper.year}" if paper.year_shown else "")
    header = f"{paper.category}{date}{'Code' if paper.code else ''}"
    names = [person.as_written for person in paper.authors]
    if owner is not None and owner.as_written not in names:
        names.insert(paper.index % (len(names) + 1), owner.as_written)
    shown = ", ".join(names[:3]) + (" et al." if len(names) > 3 else "")
    return f"{header}\n{paper.title}\n\n{shown}\n\n{paper.abstract}\n"


def aggregator_page(count: int, seed: int = SEED, owner: Person = Person("Jinyang", "Gao")) -> str:
    """A whole aggregator profile page: the owner's head block, then `count` cards."""
    head = (
        f"{owner.as_written}\n\nLG\nh-index{30 + count % 50}\n{count:,}papers\n{count * 41:,}citations\n"
        f"Novelty55%\nAI Score55\n\n{count:,} Papers\n\n"
    )
    return head + "\n".join(aggregator_card(paper, owner) for paper in papers(count, seed))


def _bib_escape(text: str) -> str:
    return text.replace("%", r"\%").replace("&", r"\&").replace("#", r"\#").replace("_", r"\_")


def bibtex_entry(paper: SyntheticPaper, key: str) -> str:
    fields = [
        ("author", " and ".join(person.bibtex for person in paper.authors)),
        ("title", paper.title),
        ("journal" if paper.entry_type == "article" else "booktitle", paper.venue),
        ("year", str(paper.year)),
        ("month", _MONTHS[paper.month - 1].lower()),
    ]
    if paper.index % 2 == 0:  # as in real files, half the entries carry an abstract (DBLP's and Scholar's do not)
        fields.append(("abstract", _bib_escape(paper.abstract)))
    if paper.entry_type == "article":
        fields += [("volume", str(1 + paper.year % 40)), ("pages", f"{paper.day * 10}--{paper.day * 10 + 12}")]
    if paper.doi:
        fields.append(("doi", paper.doi))
    if paper.arxiv_id:
        fields += [("eprint", paper.arxiv_id), ("archivePrefix", "arXiv")]
    body = ",\n".join(f"  {name} = {{{value}}}" if name != "month" else f"  {name} = {value}" for name, value in fields)
    return f"@{paper.entry_type}{{{key},\n{body}\n}}\n"


def citation_key(paper: SyntheticPaper, taken: set[str]) -> str:
    family = "".join(ch for ch in paper.authors[0].family if ch.isascii() and ch.isalpha()).lower() or "anon"
    word = next((w for w in paper.title.split() if len(w) > 3 and w.isalpha()), "paper").lower()
    key = f"{family}{paper.year}{word}"
    for suffix in itertools.chain([""], (chr(c) for c in range(ord("a"), ord("z") + 1)), map(str, itertools.count())):
        if key + suffix not in taken:
            taken.add(key + suffix)
            return key + suffix
    raise AssertionError("unreachable")


def bibtex_file(count: int, seed: int = SEED, *, start: int = 0, papers_in: list[SyntheticPaper] | None = None) -> str:
    """A .bib of papers `start`..`start + count` of the seeded sequence (or of `papers_in`)."""
    chosen = papers_in if papers_in is not None else list(papers(start + count, seed))[start:]
    taken: set[str] = set()
    return "\n".join(bibtex_entry(paper, citation_key(paper, taken)) for paper in chosen)


def incoming_bibtex(count: int, duplicates_of: int, seed: int = SEED, duplicate_share: float = 0.2) -> str:
    """A .bib of `count` papers for a reconciling import: `duplicate_share` of them restate papers among the
    first `duplicates_of` of the sequence (same title, year and authors, written family-first and with a
    venue), the rest are new works by the same pool of people."""
    pool = AuthorPool(seed)
    existing = list(papers(duplicates_of, seed, pool))
    rng = random.Random(seed + 2)
    n_dup = int(count * duplicate_share)
    chosen = rng.sample(existing, n_dup)
    fresh = list(papers(count - n_dup, seed + 7, pool))
    # Fresh works get indexes past the library's, so their identifiers cannot collide with its papers'.
    fresh = [
        SyntheticPaper(**{**paper.__dict__, "index": 10_000_000 + paper.index, "doi": None, "arxiv_id": None})
        for paper in fresh
    ]
    mixed = chosen + fresh
    rng.shuffle(mixed)
    return bibtex_file(len(mixed), seed, papers_in=mixed)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------- LaTeX-heavy .bib
# How .bib files from real bibliographies write accents: braced accent macros, all forms biber and bibtex read.
_LATEX_LETTERS = {
    "ä": '{\\"a}',
    "ö": '{\\"o}',
    "ü": '{\\"u}',
    "é": "{\\'e}",
    "á": "{\\'a}",
    "í": "{\\'i}",
    "ó": "{\\'o}",
    "ś": "{\\'s}",
    "ń": "{\\'n}",
    "è": "{\\`e}",
    "ç": "{\\c{c}}",
    "Ç": "{\\c{C}}",
    "ş": "{\\c{s}}",
    "Ş": "{\\c{S}}",
    "ñ": "{\\~n}",
    "ą": "{\\k{a}}",
    "ę": "{\\k{e}}",
    "ł": "{\\l}",
    "Á": "{\\'A}",
    "ž": "{\\v{z}}",
}
_ACCENTED_GIVEN = ("José", "Renée", "Björn", "Zoë", "François", "Jürgen", "Łukasz", "Dvořák", "Iñaki", "Søren")
_ACCENTED_LATEX = {"ë": '{\\"e}', "ř": "{\\v{r}}", "ø": "{\\o}", "Ł": "{\\L}"}
_TITLE_MACROS = (
    "\\emph{{{w}}}",
    "{{{w}}}",
    "\\textit{{{w}}}",
    "{{\\sc {w}}}",
    "\\textbf{{{w}}}",
)


def _latex(text: str) -> str:
    table = {**_LATEX_LETTERS, **_ACCENTED_LATEX}
    return "".join(table.get(ch, ch) for ch in text)


def latex_heavy(paper: SyntheticPaper, rng: random.Random) -> SyntheticPaper:
    """The paper as a LaTeX-writing tool would give it: the title with braces, a macro, a dash or an `\\&`
    and an accent; every author's accents as macros, and the first author's given name accented."""
    words = paper.title.split()
    at = rng.randrange(len(words))
    words[at] = rng.choice(_TITLE_MACROS).format(w=words[at])
    title = " ".join(words)
    title = title.replace(" and ", " \\& ", 1) if " and " in title else f"{title} --- na{{\\\"\\i}}ve {{\\'e}}tude"
    first, *rest = paper.authors
    accented = Person(rng.choice(_ACCENTED_GIVEN), first.family)
    authors = tuple(Person(_latex(p.given), _latex(p.family)) for p in (accented, *rest))
    return SyntheticPaper(**{**paper.__dict__, "title": title, "authors": authors})


def latex_bibtex_file(count: int, seed: int = SEED, share: int = 3) -> str:
    """A .bib of the first `count` papers where every `share`-th entry's title and names carry LaTeX."""
    rng = random.Random(seed + 3)
    chosen = [latex_heavy(p, rng) if p.index % share == 0 else p for p in papers(count, seed)]
    return bibtex_file(len(chosen), seed, papers_in=chosen)
