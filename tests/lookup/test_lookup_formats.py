"""What a user types is recognised as an arXiv id or DOI; the arXiv Atom feed and Crossref's work message are
read into records, and anything else is refused with a sentence that says what went wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from papershelf.lookup import arxiv_api, crossref
from papershelf.lookup.http import LookupFailure
from papershelf.lookup.identifiers import IdentifierError, parse_identifier, split_identifiers

FIXTURES = Path(__file__).parents[1] / "fixtures" / "lookup"


@pytest.mark.parametrize(
    ("typed", "kind", "value", "version"),
    [
        ("2112.07327", "arxiv", "2112.07327", None),
        ("arXiv:2112.07327v2", "arxiv", "2112.07327", "v2"),
        ("https://arxiv.org/abs/2112.07327v3", "arxiv", "2112.07327", "v3"),
        ("arxiv.org/pdf/1911.07013v1.pdf", "arxiv", "1911.07013", "v1"),
        ("0704.0001", "arxiv", "0704.0001", None),
        ("hep-th/9901001", "arxiv", "hep-th/9901001", None),
        ("math.GT/0309136v1", "arxiv", "math.gt/0309136", "v1"),
        ("https://arxiv.org/abs/hep-th/9901001v2", "arxiv", "hep-th/9901001", "v2"),
        ("10.1145/3292500.3330701", "doi", "10.1145/3292500.3330701", None),
        ("doi:10.1000/XYZ.Abc", "doi", "10.1000/xyz.abc", None),
        ("https://doi.org/10.18653/v1/2021.acl-long.42", "doi", "10.18653/v1/2021.acl-long.42", None),
        ("http://dx.doi.org/10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0", "doi", None, None),
        # A closing parenthesis the DOI opened is part of it; a link's query and fragment are not.
        ("https://dx.doi.org/10.1000/xyz(1)", "doi", "10.1000/xyz(1)", None),
        ("10.1000/xyz(1)", "doi", "10.1000/xyz(1)", None),
        ("https://doi.org/10.1000/xyz?foo=bar", "doi", "10.1000/xyz", None),
        ("https://doi.org/10.1000/xyz#section-2", "doi", "10.1000/xyz", None),
        ("https://doi.org/10.1000/a%2Fb", "doi", "10.1000/a/b", None),
        # arXiv's own DataCite DOI names the preprint: it is looked up as the arXiv id.
        ("10.48550/arXiv.2112.07327", "arxiv", "2112.07327", None),
    ],
)
def test_identifiers_in_every_usual_spelling_are_recognised(typed, kind, value, version):
    found = parse_identifier(typed)
    assert found.kind == kind
    if value is not None:
        assert found.value == value
    assert found.version == version


@pytest.mark.parametrize("typed", ["", "hello", "2113.07327", "1401.12345", "10.12/x", "see 2112.07327", "12345"])
def test_text_that_is_no_identifier_is_refused_with_a_reason(typed):
    with pytest.raises(IdentifierError) as error:
        parse_identifier(typed)
    assert "arXiv id" in str(error.value) or "DOI" in str(error.value)


def test_pasted_lists_split_on_lines_commas_and_spaces():
    assert split_identifiers("2112.07327, 10.1145/1\n\nhep-th/9901001;1911.07013  ") == [
        "2112.07327",
        "10.1145/1",
        "hep-th/9901001",
        "1911.07013",
    ]


def test_an_arxiv_entry_gives_title_authors_dates_category_and_comments():
    feed = arxiv_api.parse_feed((FIXTURES / "arxiv_1911.07013.xml").read_bytes())
    (entry,) = feed.entries
    record = arxiv_api.entry_to_record(entry)
    assert record.title == "Understanding and Improving Layer Normalization"
    assert record.authors == ("Jingjing Xu", "Xu Sun", "Zhiyuan Zhang", "Guangxiang Zhao", "Junyang Lin")
    assert record.authors_complete
    assert (record.arxiv_id, record.arxiv_version) == ("1911.07013", "v1")
    assert (record.year, record.date) == (2019, "2019-11-16")
    assert record.category == "cs.LG"
    assert record.comments == "Accepted by NeurIPS 2019"
    assert record.abstract.startswith("Layer normalization (LayerNorm) is a technique")


def test_an_arxiv_entry_gives_the_published_versions_doi_and_journal_ref():
    (entry,) = arxiv_api.parse_feed((FIXTURES / "arxiv_2105.13868.xml").read_bytes()).entries
    record = arxiv_api.entry_to_record(entry)
    assert record.doi == "10.5555/papershelf.acl-long.2021.0042"
    assert record.journal_ref == "ACL-IJCNLP 2021, pages 514-524"
    assert record.venue == "ACL-IJCNLP"
    assert record.arxiv_version == "v2"


def test_an_unknown_arxiv_id_is_an_entry_without_title_not_a_paper():
    feed = arxiv_api.parse_feed((FIXTURES / "arxiv_unknown.xml").read_bytes())
    assert feed.entries == []
    assert feed.unknown == ["2501.99999"]
    assert feed.entry_for("2501.99999") is None


def test_an_arxiv_error_entry_is_reported_in_arxivs_words():
    feed = arxiv_api.parse_feed((FIXTURES / "arxiv_error.xml").read_bytes())
    assert feed.entries == []
    assert feed.errors == ["incorrect id format for 2501.0001"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ((FIXTURES / "arxiv_malformed.xml").read_bytes(), "not valid XML"),
        (b'{"status": "ok"}', "not valid XML"),
        (b"<html><body>Service down</body></html>", "not an Atom feed"),
        (b"Rate exceeded.", "Rate exceeded"),
    ],
)
def test_an_answer_that_is_not_an_arxiv_feed_is_refused_clearly(body, words):
    with pytest.raises(LookupFailure) as failure:
        arxiv_api.parse_feed(body)
    assert words in str(failure.value)


def test_a_crossref_work_gives_a_citable_record():
    message = crossref.parse_work((FIXTURES / "crossref_10.5555_papershelf.jtrm.2020.012.json").read_bytes())
    record = crossref.work_to_record(message)
    assert record.title == "Reading Crossref Records: A Test Article"  # markup gone, subtitle joined
    assert record.authors == ("García-López, María José", "van der Berg, Jan", "Papershelf Test Consortium")
    assert record.entry_type == "article"
    assert (record.year, record.date) == (2020, "2020-03-15")
    assert record.venue == "Journal of Test Reference Management"
    assert record.extra == {"volume": "12", "number": "3", "pages": "101-120", "publisher": "Papershelf Test Press"}
    assert record.doi == "10.5555/papershelf.jtrm.2020.012"
    assert record.abstract == "We test how a reference manager reads Crossref records & their markup."


def test_a_crossref_proceedings_paper_is_inproceedings_with_a_year_only_date():
    message = crossref.parse_work((FIXTURES / "crossref_10.5555_papershelf.acl-long.2021.0042.json").read_bytes())
    record = crossref.work_to_record(message)
    assert record.entry_type == "inproceedings"
    assert (record.year, record.date) == (2021, None)
    assert record.venue.startswith("Proceedings of the 59th Annual Meeting")


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ((FIXTURES / "crossref_malformed.json").read_bytes(), "not valid JSON"),
        (b"<html>maintenance</html>", "not valid JSON"),
        (b'{"status": "ok", "message-type": "work-list", "message": {"items": []}}', "work-list"),
        (b'{"status": "ok", "message-type": "work", "message": {"title": ["no DOI"]}}', "without a DOI"),
    ],
)
def test_an_answer_that_is_not_a_crossref_work_is_refused_clearly(body, words):
    with pytest.raises(LookupFailure) as failure:
        crossref.parse_work(body)
    assert words in str(failure.value)
