"""Behaviour of the BibTeX importer on hand-written .bib files: accents, math, macros, crossref, broken entries."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papershelf.importers.bibtex_file import BibtexImporter
from papershelf.importers.errors import ImporterError
from papershelf.model.citekeys import is_legal_key
from papershelf.model.records import Link, ParseContext

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
LIBRARY = FIXTURES / "variants" / "accents_crossref.bib"
PARENS = FIXTURES / "variants" / "parens_quotes.bib"
IMPORTER = BibtexImporter()


def _parse_text(text: str):
    return IMPORTER.parse(text, ParseContext(source_name="test.bib"))


def _parse(path: Path):
    return IMPORTER.parse(path.read_text(encoding="utf-8"), ParseContext(source_name=path.name))


def _by_key(path: Path):
    return {paper.citekey: paper for paper in _parse(path).papers}


def test_every_valid_entry_imports_in_file_order_with_its_line():
    batch = _parse(LIBRARY)
    assert batch.format == "bibtex"
    got = [(p.citekey, p.line, p.entry_type) for p in batch.papers]
    assert got == [
        ("mueller2020logic", 9, "article"),
        ("garcia2019deep", 23, "inproceedings"),
        ("acl2021", 38, "proceedings"),
        ("zhou2021child", 47, "inproceedings"),
        ("mueller2020logica", 60, "misc"),  # a second paper under a taken key is not lost
        (None, 65, "misc"),  # no key: the library makes one from its pattern
        ("wang2022arxiv", 69, "misc"),
    ]
    lines = LIBRARY.read_text(encoding="utf-8").split("\n")
    for paper in batch.papers:
        if paper.citekey != _parse_key(paper.raw):
            continue
        assert lines[paper.line - 1].startswith(f"@{paper.entry_type}{{{paper.citekey},")
        assert paper.raw.startswith(f"@{paper.entry_type}{{{paper.citekey},")
        assert paper.raw.rstrip().endswith("}")


def _parse_key(raw: str) -> str:
    return raw.split("{", 1)[1].split(",", 1)[0].strip()


def test_broken_entries_become_warnings_with_their_lines():
    warnings = _parse(LIBRARY).warnings
    assert [w.line for w in warnings] == [33, 60, 65]
    broken, duplicate, keyless = (w.message for w in warnings)
    assert "broken2021" in broken
    assert "'mueller2020logic'" in duplicate and "duplicate" in duplicate and "'mueller2020logica'" in duplicate
    assert "without a citation key" in keyless


def test_accents_math_and_protective_braces():
    paper = _by_key(LIBRARY)["mueller2020logic"]
    assert paper.title == r"Łukasiewicz Logic and BERT: Notes on $\mathcal{O}(n^2)$ Attention"
    assert paper.authors == ("Müller, Hans", "Łukasiewicz, Jan", "Sørensen, Øystein")
    assert paper.authors_complete is False  # "and others"
    assert paper.year == 2020
    assert paper.date == "2020-03"  # month = mar
    assert paper.venue == "Journal of Many-Valued Logic"
    assert paper.doi == "10.1234/jmvl.2020.012"
    assert paper.keywords == ("logic", "attention", "transformers")
    assert paper.extra == {"volume": "12", "number": "3", "pages": "101--120", "publisher": "Springer"}
    assert paper.arxiv_id is None


def test_string_macros_concatenation_dashes_and_braced_names():
    paper = _by_key(LIBRARY)["garcia2019deep"]
    assert paper.title == "Deep Learning – A Survey of CNNs, RNNs & More"
    # A braced "and" is part of one name; each name is kept as written, only LaTeX decoded.
    # A name in one brace group keeps its braces: it is one corporate name, not "Group, Barnes and ...".
    assert paper.authors == ("García, José", "Nguyễn, Thị", "{Barnes and Noble Research Group}")
    assert paper.authors_complete is True
    assert paper.venue == "Advances in Neural Information Processing Systems 32"
    assert paper.date == "2019-12"
    assert paper.note == "Oral presentation"
    assert paper.links == (Link("code", "https://github.com/example/deep_survey"),)
    assert paper.has_code


def test_crossref_child_inherits_the_parents_proceedings_data():
    papers = _by_key(LIBRARY)
    child = papers["zhou2021child"]
    assert child.title == "Cross-Lingual Transfer with Øresund Data"
    assert child.year == 2021
    assert child.venue == "Proceedings of the Annual Meeting of the ACL"
    assert child.extra["editor"] == "Zong, Chengqing and Xia, Fei"
    assert child.extra["publisher"] == "Association for Computational Linguistics"
    assert child.extra["pages"] == "1--10"  # pages stay as written
    assert child.extra["crossref"] == "acl2021"
    assert child.arxiv_id == "2105.13868"
    assert child.arxiv_version == "v2"
    assert child.category == "cs.CL"
    assert child.abstract == "We study transfer.\n\nA second paragraph with $\\alpha$ math and 50% more data."
    parent = papers["acl2021"]
    assert parent.title == "Proceedings of the 59th Annual Meeting of the ACL"


def test_a_crossref_field_in_capitals_still_waits_for_its_parent():
    # Field names are case-blind: a child named before its parent inherits from it whatever the case.
    text = (
        "@InProceedings{child, Author = {Doe, Jane}, Title = {A Child}, CrossRef = {procs}}\n"
        "@Proceedings{procs, Title = {The Proceedings}, BookTitle = {Proc. of Things}, Year = {2019},\n"
        "  Publisher = {ACM}}\n"
    )
    papers = {paper.citekey: paper for paper in _parse_text(text).papers}
    assert papers["child"].year == 2019
    assert papers["child"].venue == "Proc. of Things"
    assert papers["child"].extra["publisher"] == "ACM"


def test_arxiv_id_from_the_journal_field_and_slash_l():
    paper = _by_key(LIBRARY)["wang2022arxiv"]
    assert paper.authors == ("Wang, Li", "Kołodziej, Anna")
    assert paper.title == "Only an arXiv Preprint"
    assert paper.arxiv_id == "2201.00001"
    assert paper.venue == "arXiv preprint arXiv:2201.00001"  # kept: canonical venues come later


def test_parenthesised_entries_upper_case_fields_and_biblatex_dates():
    batch = _parse(PARENS)
    lee, kim = batch.papers
    assert (lee.citekey, lee.line, lee.entry_type) == ("lee2018paren", 3, "article")
    assert lee.authors == ("Lee, Min-jun", "Öztürk, Ayşe")
    assert lee.date == "2018-06-30" and lee.year == 2018
    assert lee.venue == "Transactions on Testing"
    assert lee.links == (Link("paper", "https://example.org/paper_v1.pdf"),)
    # Bare % and & are text, not a LaTeX comment or tab; a \url keeps its ~ and %20.
    assert lee.abstract == "Parsing improves by 5% on A & B; see https://example.org/~lee/a%20b."
    assert (kim.citekey, kim.line, kim.entry_type) == ("kim2017upper", 12, "inproceedings")
    assert kim.title == "Upper-Case Field Names and a $\\beta$-VAE"
    assert kim.authors == ("Kim, Soo",) and kim.authors_complete is False
    assert kim.date == "2017-07-04"
    assert kim.arxiv_id == "1707.01234" and kim.arxiv_version is None
    assert kim.keywords == ("generative models", "VAE")
    assert kim.venue == "Proc. undefinedvenue"
    assert [(w.line, "undefinedvenue" in w.message) for w in batch.warnings] == [(15, True)]


def test_a_file_without_any_valid_entry_names_the_first_problem():
    text = "% nothing good here\n\n@article{only,\n  title = {never closed,\n  year = 2020\n\n@misc{}\n"
    with pytest.raises(ImporterError) as caught:
        _parse_text(text)
    assert caught.value.line == 3
    assert "only" in caught.value.message


@pytest.mark.parametrize("text", ["", "Just prose, no entries.", "@string{a = {b}}\n@comment{c}\n"])
def test_a_file_without_entries_is_refused(text):
    with pytest.raises(ImporterError):
        _parse_text(text)


def test_duplicate_fields_keep_the_first_value_and_warn():
    batch = _parse_text("@article{k,\n  title = {First},\n  title = {Second},\n  year = 2001,\n}\n")
    assert batch.papers[0].title == "First"
    assert [w.line for w in batch.warnings] == [1]


def test_keys_differing_only_in_case_are_duplicates_and_both_papers_are_kept():
    batch = _parse_text("@misc{Smith2020,\n title = {A}}\n\n@misc{smith2020,\n title = {B}}\n")
    assert [(p.title, p.citekey) for p in batch.papers] == [("A", "Smith2020"), ("B", "smith2020a")]
    assert [w.line for w in batch.warnings] == [4]


# --- detection ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_sniff_is_low_on_every_seed_page(seed):
    assert IMPORTER.sniff(seed.read_text(encoding="utf-8")) < 0.3


@pytest.mark.parametrize("path", [LIBRARY, PARENS], ids=lambda p: p.name)
def test_sniff_recognises_bib_files(path):
    assert IMPORTER.sniff(path.read_text(encoding="utf-8")) >= 0.8


_FRAGMENTS = st.sampled_from(
    ["@article{", "@string{", "@comment{", "@preamble{", "k1,", "title", "author", " = ", "{", "}", '"', "#",
     ",", " and ", "others", "crossref", "k1", "month", "jan", "\\\"u", "\\l{}", "$x^2$", "\\href{", "\n", " "]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=400), st.lists(st.one_of(_FRAGMENTS, st.text(max_size=8)), max_size=50).map("".join)))
def test_any_text_gives_a_batch_or_an_importer_error(text):
    assert 0.0 <= IMPORTER.sniff(text) <= 1.0
    try:
        batch = IMPORTER.parse(text, ParseContext())
    except ImporterError:
        return
    assert batch.papers
    for paper in batch.papers:
        # No key (or an illegal one): the library makes one. A key that is kept is one bibtex can use.
        assert paper.citekey is None or is_legal_key(paper.citekey)
        assert paper.line >= 1


def test_names_split_at_and_in_any_case_and_spacing_with_and_without_braces():
    (paper,) = _parse_text(
        "@book{k,\n  author = {Smith, John AND Doe,\tJane and\n  Roe, Rick},\n"
        "  editor = {Band, Anders and {Marks and Spencer} aNd Lee, Ann},\n  title = {T},\n  year = {2020}\n}\n"
    ).papers
    # "Anders" and "Band" hold "and" without being the separator.
    assert paper.authors == ("Smith, John", "Doe, Jane", "Roe, Rick")
    assert paper.extra["editor"] == "Band, Anders and {Marks and Spencer} and Lee, Ann"
    fields = {f.name: f.text for f in paper.bib_fields}
    assert fields["author"] == "Smith, John and Doe, Jane and Roe, Rick"
    assert fields["editor"] == "Band, Anders and Marks and Spencer and Lee, Ann"  # the text; the LaTeX keeps braces
