"""Completing records and adding papers by id against the local stand-in for arXiv and Crossref: what each
paper gains, that it is stored as one more source merged by the usual rules, and that nothing a user or a page
already gave is replaced without asking."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from papershelf.lookup.service import add_identifiers, complete_records
from papershelf.model.apply import import_records
from papershelf.model.records import OwnerProfile, PaperRecord
from papershelf.pipeline import import_file

SEEDS = Path(__file__).parents[1] / "fixtures" / "seeds"
LISTING = SEEDS / "002_3e77bbf1de03bcad.txt"
AGGREGATOR = SEEDS / "001_b8138a3e09088a1a.txt"
HOMEPAGE = Path(__file__).parents[1] / "fixtures" / "lookup" / "homepage_small.txt"
AS_OF = dt.date(2025, 11, 20)
LAYER_NORM = "Understanding and Improving Layer Normalization"
LAYER_NORM_AUTHORS = ["Jingjing Xu", "Xu Sun", "Zhiyuan Zhang", "Guangxiang Zhao", "Junyang Lin"]


def imported(library, path):
    report = import_file(library, path, as_of=AS_OF)
    assert report.ok, report.error
    return report


def paper_with_arxiv_id(library, arxiv_id):
    paper_id = library.find_paper_by_identifier(arxiv_id=arxiv_id)
    assert paper_id is not None
    return library.get_paper(paper_id)


def test_a_titleless_arxiv_entry_gains_title_and_authors_then_merges_with_the_homepage(library, quick):
    imported(library, LISTING)
    untitled = paper_with_arxiv_id(library, "1911.07013")
    assert untitled.title is None and untitled.authors == []

    report = complete_records(library, [untitled.id], settings=quick)

    (outcome,) = report.papers
    assert outcome.status == "completed"
    gained = {change.field: change.new for change in outcome.gained}
    assert gained["title"] == LAYER_NORM
    assert gained["authors"] == LAYER_NORM_AUTHORS
    paper = library.get_paper(untitled.id)
    assert paper.title == LAYER_NORM
    assert [ref.name for ref in paper.authors] == LAYER_NORM_AUTHORS
    assert paper.authors_complete
    assert {claim.format for claim in paper.sources} == {"arxiv-listing", "lookup-arxiv"}
    assert paper.comments == "Accepted by NeurIPS 2019"  # the listing's own values stay

    homepage = imported(library, HOMEPAGE)
    assert untitled.id in [paper_id for paper_id, _ in homepage.merged]
    one = library.get_paper(untitled.id)
    assert {claim.format for claim in one.sources} == {"arxiv-listing", "lookup-arxiv", "homepage"}
    assert one.venue == "NeurIPS"  # the homepage's published venue, by the usual rules
    assert library.search(f'title:"{LAYER_NORM}"') == [untitled.id]


def test_a_completion_that_reveals_a_paper_entered_twice_makes_them_one(library, quick):
    # A .bib entry without ids, and a listing entry whose abstract says nothing of the title: two papers.
    import_records(
        library,
        file="mine.bib",
        path="mine.bib",
        sha256="bib",
        fmt="bibtex",
        owner=None,
        records=[PaperRecord(line=1, title=LAYER_NORM, authors=("Xu, Jingjing", "Sun, Xu"), year=2019)],
    )
    import_records(
        library,
        file="listing.txt",
        path="listing.txt",
        sha256="listing",
        fmt="arxiv-listing",
        owner=None,
        records=[PaperRecord(line=1, arxiv_id="1911.07013", year=2019, authors_complete=False, abstract="Tables.")],
    )
    bib_id = library.paper_ids(query="Layer")[0]
    listing_id = library.find_paper_by_identifier(arxiv_id="1911.07013")
    assert bib_id != listing_id

    report = complete_records(library, [listing_id], settings=quick)

    (outcome,) = report.papers
    assert outcome.duplicates == [bib_id]
    assert outcome.merged_into == bib_id
    assert library.paper_ids() == [bib_id]
    paper = library.get_paper(bib_id)
    assert paper.arxiv_id == "1911.07013"
    assert paper.title == LAYER_NORM
    assert {claim.format for claim in paper.sources} == {"bibtex", "arxiv-listing", "lookup-arxiv"}


def test_a_cut_author_list_is_completed_and_the_page_owner_stays_an_author(library, quick):
    imported(library, AGGREGATOR)
    (owner,) = library.find_authors("Jinyang Gao")
    paper_id = library.paper_ids(query='title:"Data-Juicer: A One-Stop"')[0]
    before = library.get_paper(paper_id)
    assert not before.authors_complete and len(before.authors) == 3
    assert [ref.author_id for ref in before.extra_authors] == [owner.id]

    report = complete_records(library, [paper_id], settings=quick)

    assert report.papers[0].status == "completed"
    paper = library.get_paper(paper_id)
    assert paper.authors_complete
    assert len(paper.authors) == 13
    assert owner.id in [ref.author_id for ref in paper.authors]  # the owner, not a new namesake
    assert paper.extra_authors == []
    assert paper_id in library.paper_ids(author_id=owner.id)
    assert len(library.find_authors("Jinyang Gao")) == 1
    assert paper.arxiv_id == "2309.02033"  # found by its exact title
    assert paper.venue is None or "arxiv" not in paper.venue.lower()


def test_values_a_page_gave_are_kept_and_reported_unless_accepted(library, quick):
    import_records(
        library,
        file="page.txt",
        path="page.txt",
        sha256="page",
        fmt="homepage",
        owner=OwnerProfile("Shuhuai Ren"),
        records=[
            PaperRecord(
                line=1,
                title="Relation Alignment for Cross-modal Retrieval",  # as the owner's page words it
                authors=("Shuhuai Ren", "Junyang Lin"),
                authors_complete=False,
                year=2021,
                venue="ACL",
                arxiv_id="2105.13868",
            )
        ],
    )
    paper_id = library.find_paper_by_identifier(arxiv_id="2105.13868")

    report = complete_records(library, [paper_id], settings=quick)

    (outcome,) = report.papers
    withheld = {change.field: change for change in outcome.withheld}
    assert withheld["title"].old == "Relation Alignment for Cross-modal Retrieval"
    assert withheld["title"].new == "Learning Relation Alignment for Calibrated Cross-modal Retrieval"
    assert "venue" in withheld
    gained = {change.field for change in outcome.gained}
    assert {"authors", "doi", "pages", "publisher"} <= gained
    paper = library.get_paper(paper_id)
    assert paper.title == "Relation Alignment for Cross-modal Retrieval"
    assert paper.venue == "ACL"
    assert len(paper.authors) == 8 and paper.doi == "10.5555/papershelf.acl-long.2021.0042"

    accepted = complete_records(library, [paper_id], settings=quick, accept={paper_id: {"title"}})

    assert [change.field for change in accepted.papers[0].replaced] == ["title"]
    assert library.get_paper(paper_id).title == "Learning Relation Alignment for Calibrated Cross-modal Retrieval"
    assert library.get_paper(paper_id).venue == "ACL"  # not accepted: still the page's


def test_a_users_own_edit_is_never_replaced_by_a_lookup(library, quick):
    imported(library, LISTING)
    paper_id = library.find_paper_by_identifier(arxiv_id="2105.13868")
    library.edit_paper(paper_id, title="My Own Title", venue="ACL 2021")

    report = complete_records(library, [paper_id], settings=quick, accept=True)

    paper = library.get_paper(paper_id)
    assert (paper.title, paper.venue) == ("My Own Title", "ACL 2021")
    assert "title" not in {change.field for change in report.papers[0].gained + report.papers[0].replaced}
    assert len(paper.authors) == 8  # what the user did not set is still filled


def without_cache(library) -> str:
    return "\n".join(line for line in library.conn.iterdump() if "lookup_cache" not in line)


def test_a_dry_run_reports_the_same_gains_and_writes_nothing_but_the_cache(library, quick, fake_api):
    imported(library, LISTING)
    paper_id = library.find_paper_by_identifier(arxiv_id="2105.13868")
    before = without_cache(library)

    preview = complete_records(library, [paper_id], dry_run=True, settings=quick)

    assert without_cache(library) == before
    assert preview.dry_run and preview.papers[0].status == "completed"
    asked = len(fake_api.seen)
    done = complete_records(library, [paper_id], settings=quick)
    assert [c.field for c in preview.papers[0].gained] == [c.field for c in done.papers[0].gained]
    # Storing what the preview showed asks nothing again: the preview's answers were cached.
    assert (len(fake_api.seen), done.requests, done.cached) == (asked, 0, 2)
    assert library.get_paper(paper_id).title == "Learning Relation Alignment for Calibrated Cross-modal Retrieval"


def test_the_whole_library_means_its_incomplete_papers(library, quick, fake_api):
    imported(library, HOMEPAGE)  # complete records with venues: not asked about
    imported(library, LISTING)

    report = complete_records(library, settings=quick)

    asked_ids = {p.paper_id for p in report.papers}
    listing_only = {library.find_paper_by_identifier(arxiv_id=a) for a in ("2112.07327", "1808.07604")}
    assert listing_only <= asked_ids
    knas = library.paper_ids(query="KNAS")[0]
    assert knas not in asked_ids
    assert len(fake_api.arxiv_requests) == 1  # every arXiv id in one request


def test_adding_an_arxiv_id_creates_the_paper_and_follows_its_doi_to_crossref(library, quick, fake_api):
    report = add_identifiers(library, ["https://arxiv.org/abs/2105.13868v2"], settings=quick)

    (outcome,) = report.papers
    assert outcome.status == "added"
    paper = library.get_paper(outcome.paper_id)
    assert paper.title == "Learning Relation Alignment for Calibrated Cross-modal Retrieval"
    assert paper.arxiv_id == "2105.13868" and paper.doi == "10.5555/papershelf.acl-long.2021.0042"
    assert paper.entry_type == "inproceedings" and paper.pages == "514-524"
    assert {claim.format for claim in paper.sources} == {"lookup-arxiv", "lookup-crossref"}
    assert [s.file for s in library.list_sources()] == ["arXiv API", "Crossref API"]


def test_adding_a_doi_creates_a_journal_article(library, quick):
    report = add_identifiers(library, ["https://doi.org/10.5555/PAPERSHELF.JTRM.2020.012"], settings=quick)

    paper = library.get_paper(report.papers[0].paper_id)
    assert paper.title == "Reading Crossref Records: A Test Article"
    assert (paper.venue, paper.volume, paper.number, paper.pages) == (
        "Journal of Test Reference Management",
        "12",
        "3",
        "101-120",
    )
    assert [ref.name for ref in paper.authors][:2] == ["María José García-López", "Jan van der Berg"]


def test_an_id_already_in_the_library_gives_that_paper_without_asking(library, quick, fake_api):
    imported(library, LISTING)
    existing = library.find_paper_by_identifier(arxiv_id="1911.07013")
    count = library.count_papers()

    report = add_identifiers(library, ["arXiv:1911.07013v2", "1911.07013"], settings=quick)

    assert [(p.status, p.paper_id) for p in report.papers] == [("existing", existing)]
    assert library.count_papers() == count
    assert fake_api.seen == []


def test_a_looked_up_paper_the_library_holds_without_its_id_becomes_one_more_source(library, quick):
    imported(library, HOMEPAGE)
    homepage_paper = library.paper_ids(query="Layer Normalization")[0]

    report = add_identifiers(library, ["1911.07013"], settings=quick)

    (outcome,) = report.papers
    assert (outcome.status, outcome.paper_id) == ("matched", homepage_paper)
    paper = library.get_paper(homepage_paper)
    assert paper.arxiv_id == "1911.07013"
    assert paper.venue == "NeurIPS"
    assert library.count_papers() == 3
