"""Every registered importer, the detector and the whole parse step against arbitrary input: the only exception
allowed out is ImporterError with a message. The importers' authors fuzz their own formats; this one is the
cross-cutting net: each importer is also fed the other formats' pages, pieces of them, and noise."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_support import FIXTURES, SEEDS

from papershelf.importers.base import Detection, detect, importers
from papershelf.importers.errors import ImporterError
from papershelf.model.records import ImportBatch, ParseContext
from papershelf.pipeline import parse_file

_PAGES = [p.read_text(encoding="utf-8") for p in sorted([*SEEDS.glob("*"), *(FIXTURES / "variants").glob("*")])]
_LINES = sorted({line for page in _PAGES for line in page.splitlines() if len(line) < 400})
# Structure every format keys on, and the characters that break naive parsers.
_TOKENS = [
    "@article{",
    "@inproceedings{key,",
    "@string{x = ",
    "@comment{",
    "}",
    "{",
    "{{",
    '"',
    "\\",
    "\\'",
    "$",
    "%",
    "#",
    "=",
    ",",
    "title = {",
    "author = {",
    " and others",
    "crossref = {key}",
    "arXiv:2101.00001v3",
    "arXiv:hep-th/9901001",
    "arXiv:",
    "Created: 2021-02-30",
    "Created: 9999-99-99",
    "Comments: 12 pages",
    "et al.",
    "h-index",
    "99999999999999999999 citations",
    "papers",
    "Publications",
    "Selected Papers:",
    "[Paper] [Code]",
    "NeurIPS 2021",
    "Jan 32, 2024",
    "Feb 29",
    "preprint2026arXiv",
    "•",
    "·",
    "—",
    "\u200b",
    "\ufeff",
    "\x00",
    "\r",
    "\t",
    "\n\n",
    "Ä\u0308",
    "😀",
    "\U0010ffff",
    # Issue 17's odd input: LaTeX that used to vanish, .bib edge cases, names and titles that broke readers.
    "\\input{/etc/passwd} ",
    "\\immediate\\write18{touch f}",
    "\\foo{bar}",
    "\\cite{x}",
    "\\verb|x|",
    "\\^{}",
    "A \\\\}",
    "{A }} b}",
    "month = dec # {~15},",
    "{IEEE Computer Society}",
    "{Barnes and Noble}",
    "{others}",
    "Jr., Sr., Mr., Hans",
    "Hans van der Berg Jr.",
    "Jose\u0301 Garci\u0301a",
    "محمد علي",
    "דוד כהן",
    "Person00, Person01",
    "A study of {braces",
    "https://example.org/paper{1}.pdf",
    # The listings the page reader knows by their own lines (PubMed, ORCID, Pure, RePEc, ResearchGate, ACM DL,
    # Markdown) and the .bib repairs (JabRef's month, Mendeley's escapes, a missing comma).
    "PMID: 31649194 Free PMC article.",
    "Science. 2019 Oct 25;366(6464):447-453. doi: 10.1126/science.aax2342. Epub 2019 Oct 1.",
    "Obermeyer Z, Powers B, van der Berg J, O'Neil D Jr.",
    "2021-03-15 | Journal article",
    "Contributors: Jane Q. Doe; ",
    "Part of ISSN: 1532-429X",
    "Research output: Contribution to journal › Article › peer-review",
    "Doe, J., Smith, A. & 12 others, 1 Mar 2022, In: Nature Medicine. 28, 3, p. 450-460 11 p.",
    "Springer. 240 p. (Series; vol. 3).",
    'Jane Doe & John Smith, 2022. "Inflation," J, P, vol. 112(3), pages 1013-1050, March.',
    "NBER Working Papers 31234, National Bureau of Economic Research, Inc.",
    "March 2022 · Nature Medicine 28(3):450-460",
    "Jane Doe · [...] · John Smith",
    "CHI '22: Proceedings • April 2022 • Article No.: 123, pp 1–15 • https://doi.org/10.1145/1.2",
    " • ",
    "# Publications",
    "- **A Title**. *Venue*, 2021. [[pdf]](https://example.org/a.pdf)",
    "[x](",
    "month = {\\#dec\\#},",
    "url = {http://a.org/1{\\_}2 https://b.org/}",
    "file = {:home/me/a{\\_}b.pdf:pdf}",
    "title = {A}\n  author = {B},",
    # This stop's: distinctions, HAL, Semantic Scholar, INSPIRE, ADS.
    "Best paper award",
    "NeurIPS 2023 Oral",
    "Journal, 2021, 12 (2), pp.45-78. ⟨10.1/x⟩. ⟨hal-02912345⟩",
    "Mathématiques [math]. Université Paris-Saclay, 2019. Français. ⟨NNT : 2019SACLS123⟩. ⟨tel-02345678⟩",
    "⟨",
    "Pré-publications, Documents de travail",
    "Ashish Vaswani, Noam M. Shazeer, +5 authors Illia Polosukhin",
    "TLDR",
    "Computer Science, Mathematics",
    "Conference of the Association for Machine…",
    "12 June 2017",
    "Shinsei Ryu (UC, Santa Barbara), Tadashi Takayanagi (UC, Santa Barbara)",
    "ATLAS Collaboration • Georges Aad (Freiburg U.) et al.",
    "Published in: Phys.Rev.D 104 (2021) 2, 026001",
    "e-Print: hep-th/0603001 [hep-th]",
    "2006PhRvL..96r1602R",
    "Ryu, Shinsei ; Takayanagi, Tadashi",
    "Physical Review Letters, Volume 96, Issue 18, id. 181602",
    "A. Borel and J. Tits, Groupes réductifs, Publ. Math. IHÉS 27 (1965), no. 2, 55–150. MR4045678",
    "S. Ryu and T. Takayanagi, Phys. Rev. Lett. 96, 181602 (2006).",
    "J. Doe, Lectures, Graduate Texts in Mathematics, vol. 250, Springer, New York, 2019.",
    "Lee, A. B., Doe, J. et al. Spatial transcriptomics. Nat. Biotechnol. 40, 55–63 (2022).",
    "Jane Doe | Emily M. Bender | Rob Roe",
    "pdf bib absDialogue Systems Should Be Honest",
    "(Volume 1: Long Papers)",
]
_PIECE = st.one_of(st.sampled_from(_LINES), st.sampled_from(_TOKENS), st.text(max_size=30))
PAGE_TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(_PIECE, max_size=60).map("\n".join),
    st.lists(_PIECE, max_size=60).map("".join),
    # A real page with a slice cut out or repeated: the shape is right, the content breaks off.
    st.tuples(
        st.sampled_from(_PAGES), st.integers(0, 60000), st.integers(0, 4000), st.sampled_from(["", "}", "\n"])
    ).map(lambda t: t[0][: t[1]] + t[3] + t[0][t[1] + t[2] :]),
)
# PAPERSHELF_FUZZ_EXAMPLES=5000 for a deeper hunt than CI's.
FUZZ = settings(
    max_examples=int(os.environ.get("PAPERSHELF_FUZZ_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
CONTEXT = ParseContext(source_name="fuzz.txt", as_of=dt.date(2025, 11, 20))

NAMES = sorted(importer.name for importer in importers())


def test_every_expected_importer_is_registered() -> None:
    """The fuzz below runs over the registry: an importer missing from it would escape unnoticed."""
    assert {"homepage", "aggregator", "arxiv-listing", "scholarly-profile", "bibtex"} <= set(NAMES)


def _check_error(error: ImporterError) -> None:
    assert str(error).strip() and error.message.strip()


@pytest.mark.parametrize("name", NAMES)
@FUZZ
@given(text=PAGE_TEXT)
def test_importer_returns_a_batch_or_an_importer_error(name: str, text: str) -> None:
    [importer] = [i for i in importers() if i.name == name]
    score = importer.sniff(text)
    assert 0.0 <= float(score) <= 1.0
    try:
        batch = importer.parse(text, CONTEXT)
    except ImporterError as error:
        _check_error(error)
        return
    assert isinstance(batch, ImportBatch)
    for record in batch.papers:
        assert isinstance(record.line, int)
        assert all(isinstance(author, str) for author in record.authors)


@FUZZ
@given(text=PAGE_TEXT, filename=st.sampled_from(["", "page.txt", "refs.bib", "x.BIB", "noext"]))
def test_detect_always_answers(text: str, filename: str) -> None:
    detection = detect(text, filename)
    assert isinstance(detection, Detection)
    names = {name for name, _ in detection.ranking}
    # Every importer is scored, unless the file is named for one importer alone that is sure of it (a .bib):
    # then the others are not asked.
    sole = detection.importer is not None and filename.lower().endswith(detection.importer.extensions)
    assert names == set(NAMES) or (sole and names == {detection.importer.name})


_BYTES = st.one_of(
    st.binary(max_size=3000),
    PAGE_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
    PAGE_TEXT.map(lambda t: t.encode("utf-16", "surrogatepass")),
    PAGE_TEXT.map(lambda t: t.encode("utf-16-be", "surrogatepass")),
    PAGE_TEXT.map(lambda t: t.encode("latin-1", "replace")),
    st.tuples(PAGE_TEXT, st.binary(max_size=20)).map(lambda t: t[0].encode("utf-8", "surrogatepass") + t[1]),
)


@FUZZ
@given(data=_BYTES, name=st.sampled_from(["page.txt", "refs.bib", "page.html"]))
def test_parse_file_on_any_bytes(data: bytes, name: str) -> None:
    try:
        fmt, batch, sha, _ = parse_file(Path(name), data=data, as_of=dt.date(2025, 11, 20))
    except ImporterError as error:
        _check_error(error)
        return
    assert fmt in NAMES
    assert len(sha) == 64
    assert batch.papers  # a page with no papers is refused, never stored as an owner alone
