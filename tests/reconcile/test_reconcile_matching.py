"""One paper once: each matching rule, each veto, and the review queue they feed."""

from __future__ import annotations

from papershelf.model import reconcile
from papershelf.model.merge import mark_distinct, open_suggestions
from papershelf.model.records import PaperRecord

M6_AUTHORS = ("Junyang Lin", "Rui Men", "An Yang", "Chang Zhou", "Hongxia Yang")
LN_AUTHORS = ("Jingjing Xu", "Xu Sun", "Zhiyuan Zhang", "Guangxiang Zhao", "Junyang Lin")


def rec(line: int = 1, **fields) -> PaperRecord:
    if "authors" in fields:
        fields["authors"] = tuple(fields["authors"])
    return PaperRecord(line=line, **fields)


def live_papers(library):
    return library.list_papers()


def paper_suggestions(library):
    return [s for s in open_suggestions(library) if s.kind == "paper"]


# ---------------------------------------------------------------------------------------------- identifiers
def test_same_arxiv_id_joins_a_titled_entry_and_an_untitled_listing_entry(memory_library, add_page):
    add_page(memory_library, "homepage", [rec(title="Some Title Here", arxiv_id="2103.00823", year=2021)])
    result = add_page(memory_library, "arxiv-listing", [rec(arxiv_id="2103.00823", abstract="An abstract.")])
    assert result.merged and "same arXiv id 2103.00823" in result.merged[0][1]
    [paper] = live_papers(memory_library)
    assert paper.title == "Some Title Here" and paper.abstract == "An abstract."


def test_same_doi_joins_whatever_the_case(memory_library, add_page):
    add_page(memory_library, "bibtex", [rec(title="Paper A", doi="10.1145/ABC.1")])
    result = add_page(memory_library, "homepage", [rec(title="A rather different title", doi="10.1145/abc.1")])
    assert result.merged and result.merged[0][1] == ["same DOI 10.1145/abc.1"]
    assert len(live_papers(memory_library)) == 1


def test_conflicting_arxiv_ids_veto_an_identical_title(memory_library, add_page):
    title = "Knowledge Amalgamation for Pretrained Language Models"
    add_page(memory_library, "homepage", [rec(title=title, year=2021, authors=M6_AUTHORS, arxiv_id="2112.07327")])
    result = add_page(
        memory_library, "bibtex", [rec(title=title, year=2021, authors=M6_AUTHORS, arxiv_id="2201.00001")]
    )
    assert result.new and not result.merged and not result.suggested
    assert len(live_papers(memory_library)) == 2


def test_conflicting_dois_veto_an_identical_title(memory_library, add_page):
    title = "Knowledge Amalgamation for Pretrained Language Models"
    add_page(memory_library, "bibtex", [rec(title=title, year=2021, authors=M6_AUTHORS, doi="10.1/a")])
    result = add_page(memory_library, "homepage", [rec(title=title, year=2021, authors=M6_AUTHORS, doi="10.1/b")])
    assert not result.merged and not result.suggested


# ---------------------------------------------------------------------------------------------- titles
def test_same_title_year_and_authors_merge_keeping_the_full_author_list(memory_library, add_page):
    title = "Understanding and Improving Layer Normalization"
    add_page(
        memory_library, "aggregator", [rec(title=title, year=2019, authors=LN_AUTHORS[:3], authors_complete=False)]
    )
    result = add_page(memory_library, "homepage", [rec(title=title, year=2019, venue="NeurIPS", authors=LN_AUTHORS)])
    assert len(result.merged) == 1
    evidence = result.merged[0][1]
    assert "same title" in evidence and any(e.startswith("shared authors") for e in evidence)
    [paper] = live_papers(memory_library)
    assert [a.as_written for a in paper.authors] == list(LN_AUTHORS) and paper.authors_complete
    assert paper.venue == "NeurIPS"


def test_same_title_in_years_far_apart_is_only_proposed(memory_library, add_page):
    title = "Global Encoding for Abstractive Summarization"
    authors = ("Junyang Lin", "Xu Sun", "Shuming Ma", "Qi Su")
    add_page(memory_library, "homepage", [rec(title=title, year=2018, venue="ACL", authors=authors)])
    result = add_page(memory_library, "bibtex", [rec(title=title, year=2023, venue="TASLP", authors=authors)])
    assert not result.merged and result.suggested == 1
    [suggestion] = paper_suggestions(memory_library)
    assert any("years differ" in e for e in suggestion.evidence)
    assert {suggestion.a.year, suggestion.b.year} == {2018, 2023}


def test_same_short_title_without_shared_authors_is_not_merged(memory_library, add_page):
    add_page(
        memory_library, "homepage", [rec(title="Deep Learning", year=2015, authors=("Yann LeCun", "Yoshua Bengio"))]
    )
    result = add_page(memory_library, "bibtex", [rec(title="Deep Learning", year=2016, authors=("Ian Goodfellow",))])
    assert not result.merged
    assert len(live_papers(memory_library)) == 2


def test_titles_differing_in_word_forms_are_one_paper(memory_library, add_page):
    authors = ("Qibin Chen", "Junyang Lin", "Yichang Zhang")
    add_page(
        memory_library,
        "homepage",
        [rec(title="Towards Knowledge-Based Recommender Dialog System", year=2019, authors=authors)],
    )
    result = add_page(
        memory_library,
        "bibtex",
        [rec(title="Toward Knowledge Based Recommender Dialog Systems", year=2019, authors=authors)],
    )
    assert len(result.merged) == 1 and "same title up to word forms" in result.merged[0][1]


def test_similar_titles_are_proposed_never_merged(memory_library, add_page):
    authors = ("Junyang Lin", "Xu Sun", "Shuming Ma", "Qi Su")
    add_page(
        memory_library,
        "homepage",
        [rec(title="Global Encoding for Abstractive Summarization", year=2018, authors=authors)],
    )
    result = add_page(
        memory_library,
        "bibtex",
        [rec(title="Global Encoding for Abstractive Text Summarization", year=2018, authors=authors)],
    )
    assert not result.merged and result.suggested == 1
    [suggestion] = paper_suggestions(memory_library)
    assert suggestion.evidence[0].startswith("similar titles")
    assert suggestion.score < reconcile.AUTO_MERGE_SCORE


def test_a_preview_and_the_work_stay_apart_and_unproposed(memory_library, add_page):
    authors = ("Yifu Liu", "Yin Zhu", "Yingqi Gao")
    add_page(
        memory_library,
        "aggregator",
        [rec(title="A Preview of XiYan-SQL: A Multi-Generator Framework for Text-to-SQL", year=2024, authors=authors)],
    )
    result = add_page(
        memory_library,
        "bibtex",
        [rec(title="XiYan-SQL: A Multi-Generator Framework for Text-to-SQL", year=2024, authors=authors)],
    )
    assert not result.merged and not result.suggested
    assert reconcile.related_works("A Preview of X: Y Z", "X: Y Z")


def test_sibling_titles_sharing_a_prefix_stay_apart(memory_library, add_page):
    authors = ("An Yang", "Junyang Lin", "Rui Men")
    add_page(
        memory_library,
        "homepage",
        [rec(title="M6-T: Exploring Sparse Expert Models at Scale", year=2021, authors=authors)],
    )
    result = add_page(
        memory_library,
        "bibtex",
        [rec(title="M6-10T: Exploring Sparse Expert Models at Scale", year=2021, authors=authors)],
    )
    assert not result.merged and not result.suggested
    assert "M6-T vs M6-10T" in reconcile.related_works("M6-T: A B C", "M6-10T: A B C")
    assert "version mark" in reconcile.related_works("Swin Transformer V2 Scaling Up", "Swin Transformer Scaling Up")


# ---------------------------------------------------------------------------------------------- content
def test_untitled_arxiv_entry_joins_the_paper_its_abstract_describes(memory_library, add_page, seed_abstract):
    add_page(
        memory_library,
        "homepage",
        [rec(title="Understanding and Improving Layer Normalization", year=2019, venue="NeurIPS", authors=LN_AUTHORS)],
    )
    listing = rec(
        arxiv_id="1911.07013",
        year=2019,
        date="2019-11-16",
        abstract=seed_abstract("1911.07013"),
        comments="Accepted by NeurIPS 2019",
        extra={"venue_hint": "NeurIPS 2019"},
    )
    result = add_page(memory_library, "arxiv-listing", [listing])
    assert len(result.merged) == 1
    evidence = result.merged[0][1]
    assert any("venues agree" in e for e in evidence) and any("years agree" in e for e in evidence)
    [paper] = live_papers(memory_library)
    assert (paper.title, paper.venue, paper.arxiv_id) == (
        "Understanding and Improving Layer Normalization",
        "NeurIPS",
        "1911.07013",
    )
    assert paper.abstract.startswith("Layer normalization (LayerNorm)")


def test_a_venue_hint_naming_another_venue_vetoes_the_content_match(memory_library, add_page, seed_abstract):
    add_page(
        memory_library,
        "homepage",
        [rec(title="Understanding and Improving Layer Normalization", year=2019, venue="NeurIPS", authors=LN_AUTHORS)],
    )
    listing = rec(
        arxiv_id="1911.07013", year=2019, abstract=seed_abstract("1911.07013"), extra={"venue_hint": "ICLR 2020"}
    )
    result = add_page(memory_library, "arxiv-listing", [listing])
    assert not result.merged and not result.suggested


def test_years_far_apart_veto_the_content_match(memory_library, add_page, seed_abstract):
    add_page(
        memory_library,
        "homepage",
        [rec(title="Understanding and Improving Layer Normalization", year=2019, venue="NeurIPS", authors=LN_AUTHORS)],
    )
    result = add_page(
        memory_library, "arxiv-listing", [rec(arxiv_id="2311.00001", year=2023, abstract=seed_abstract("1911.07013"))]
    )
    assert not result.merged and not result.suggested


def m6_homepage() -> list[PaperRecord]:
    return [
        rec(
            1,
            title="M6: A Chinese Multimodal Pretrainer",
            year=2021,
            venue="arXiv",
            authors=M6_AUTHORS,
            note='Note that this is an extension of my KDD paper "M6: Multi-Modality-to-Multi-Modality Multitask '
            'Mega-transformer for Unified Pretraining"',
        ),
        rec(
            2,
            title="M6: Multi-Modality-to-Multi-Modality Multitask Mega-transformer for Unified Pretraining",
            year=2021,
            venue="KDD",
            authors=M6_AUTHORS,
        ),
        rec(3, title="M6-T: Exploring Sparse Expert Models and Beyond", year=2021, venue="arXiv", authors=M6_AUTHORS),
    ]


def m6_listing(seed_abstract) -> PaperRecord:
    return rec(
        arxiv_id="2103.00823",
        year=2021,
        date="2021-03-01",
        abstract=seed_abstract("2103.00823"),
        comments="12 pages, technical report",
    )


def test_a_report_joins_the_preprint_not_the_conference_paper_it_extends(memory_library, add_page, seed_abstract):
    add_page(memory_library, "homepage", m6_homepage(), owner="Junyang Lin")
    result = add_page(memory_library, "arxiv-listing", [m6_listing(seed_abstract)])
    assert len(result.merged) == 1
    joined = memory_library.get_paper(result.merged[0][0])
    assert joined.title == "M6: A Chinese Multimodal Pretrainer" and joined.arxiv_id == "2103.00823"
    others = [p for p in live_papers(memory_library) if p.id != joined.id]
    assert len(others) == 2 and all(p.arxiv_id is None for p in others)
    assert not paper_suggestions(memory_library)


def test_the_same_holds_when_the_listing_comes_first(memory_library, add_page, seed_abstract):
    add_page(memory_library, "arxiv-listing", [m6_listing(seed_abstract)])
    result = add_page(memory_library, "homepage", m6_homepage(), owner="Junyang Lin")
    assert len(result.merged) == 1
    joined = memory_library.get_paper(result.merged[0][0])
    assert joined.title == "M6: A Chinese Multimodal Pretrainer" and joined.arxiv_id == "2103.00823"
    kdd = [p for p in live_papers(memory_library) if p.venue == "KDD"]
    assert len(kdd) == 1 and kdd[0].arxiv_id is None
    assert len(live_papers(memory_library)) == 3


def test_an_abstract_naming_only_the_family_does_not_join_a_sibling(memory_library, add_page, seed_abstract):
    add_page(memory_library, "homepage", [m6_homepage()[2]])  # only M6-T is in the library
    result = add_page(memory_library, "arxiv-listing", [m6_listing(seed_abstract)])
    assert not result.merged and not result.suggested


def test_two_papers_fitting_one_abstract_are_left_to_the_user(memory_library, add_page, seed_abstract):
    authors = ("Guangxiang Zhao", "Junyang Lin")
    add_page(memory_library, "homepage", [rec(title="Explicit Sparse Transformer", year=2019, authors=authors)])
    add_page(
        memory_library,
        "bibtex",
        [rec(title="Explicit Sparse Transformer: Concentrated Attention Through Explicit Selection", year=2019)],
    )
    assert len(live_papers(memory_library)) == 2
    result = add_page(
        memory_library, "arxiv-listing", [rec(arxiv_id="1912.11637", year=2019, abstract=seed_abstract("1912.11637"))]
    )
    assert not result.merged and result.suggested == 1
    [suggestion] = paper_suggestions(memory_library)
    assert any("fits almost as well" in e for e in suggestion.evidence)


def test_identical_abstracts_join_an_untitled_entry(memory_library, add_page, seed_abstract):
    abstract = seed_abstract("2011.09208")
    add_page(
        memory_library,
        "aggregator",
        [rec(title="Whale: A Unified Distributed Training Framework", year=2020, abstract=abstract)],
    )
    result = add_page(memory_library, "arxiv-listing", [rec(arxiv_id="2011.09208", year=2020, abstract=abstract)])
    assert len(result.merged) == 1 and "identical abstracts" in result.merged[0][1]


def test_unrelated_listing_entries_create_their_own_papers(memory_library, add_page, seed_abstract):
    add_page(memory_library, "homepage", m6_homepage(), owner="Junyang Lin")
    entries = [
        rec(i, arxiv_id=a, year=2020, abstract=seed_abstract(a))
        for i, a in enumerate(("2011.09208", "1808.07604", "2005.08081"))
    ]
    result = add_page(memory_library, "arxiv-listing", entries)
    assert len(result.new) == 3 and not result.merged and not result.suggested


# ---------------------------------------------------------------------------------------------- review queue
def test_a_distinct_verdict_is_never_proposed_again(memory_library, add_page):
    title = "Global Encoding for Abstractive Summarization"
    authors = ("Junyang Lin", "Xu Sun")
    add_page(memory_library, "homepage", [rec(title=title, year=2018, authors=authors)], file="home.txt")
    add_page(memory_library, "bibtex", [rec(title=title, year=2023, authors=authors)], file="refs.bib")
    [suggestion] = paper_suggestions(memory_library)
    mark_distinct(memory_library, "paper", suggestion.a.id, suggestion.b.id)
    assert not paper_suggestions(memory_library)
    match = reconcile.find_match(
        memory_library, rec(title=title, year=2023, authors=authors), exclude=[suggestion.b.id]
    )
    assert match is not None and match.paper_id == suggestion.a.id
    assert reconcile.suggest(memory_library, suggestion.b.id, match) == 0
    # a new capture of the page (changed record, same entry) keeps its paper and raises nothing new
    add_page(memory_library, "bibtex", [rec(title=title, year=2023, authors=authors, venue="TASLP")], file="refs.bib")
    assert not paper_suggestions(memory_library)
    assert len(live_papers(memory_library)) == 2


# ---------------------------------------------------------------------------------------------- scale
def test_candidate_lookups_go_through_indexes(memory_library, add_page, seed_abstract):
    """No statement reconciliation runs may scan a whole table: candidates come from indexes only."""
    add_page(memory_library, "homepage", m6_homepage(), owner="Junyang Lin")
    add_page(
        memory_library,
        "aggregator",
        [rec(title="CARD: Channel Aligned Robust Blend Transformer", year=2023, authors=("Wang Xue", "Tian Zhou"))],
    )
    statements: list[str] = []
    memory_library.conn.set_trace_callback(statements.append)
    try:
        reconcile.find_match(memory_library, m6_listing(seed_abstract))
        reconcile.find_match(
            memory_library, rec(title="M6: A Chinese Multimodal Pretrainer", year=2021, authors=M6_AUTHORS)
        )
        reconcile.find_match(memory_library, rec(title="Something Else Entirely Different", year=2021))
        reconcile.author_candidates(memory_library, 1)
    finally:
        memory_library.conn.set_trace_callback(None)
    assert len(statements) > 5
    scans = []
    for sql in statements:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        for row in memory_library.conn.execute("EXPLAIN QUERY PLAN " + sql):
            detail = row[-1]
            if detail.startswith("SCAN ") and detail.split()[1] in {
                "papers",
                "match_keys",
                "author_variants",
                "authorships",
                "claims",
            }:
                scans.append((detail, sql))
    assert not scans


def test_author_names_spelled_in_the_abstract_count_as_evidence(memory_library, add_page):
    add_page(
        memory_library,
        "homepage",
        [
            rec(
                title="AlphaDPO: Adaptive Reward Margin for Direct Preference Optimization",
                year=2024,
                authors=("Junkang Wu", "Xue Wang", "Zhengyi Yang"),
            )
        ],
    )
    abstract = (
        "Aligning large language models with human values is crucial. We propose AlphaDPO, an adaptive preference "
        "optimization algorithm with a dynamic reward margin for direct preference optimization, and show it "
        "outperforms DPO and SimPO. The code is available at https://github.com/junkangwu/alpha-DPO"
    )
    result = add_page(memory_library, "arxiv-listing", [rec(arxiv_id="2410.10148", year=2024, abstract=abstract)])
    assert len(result.merged) == 1
    assert "the abstract names Junkang Wu" in result.merged[0][1]


def test_venue_hints_are_read_from_comments_and_journal_refs():
    assert (
        reconcile.venue_hint(rec(comments="Accepted as a poster in ICLR 2021 (submitted 28 Sep 2020)")) == "ICLR 2021"
    )
    assert reconcile.venue_hint(rec(journal_ref="ACMMM 2020")) == "ACMMM 2020"
    assert reconcile.venue_hint(rec(comments="12 pages, technical report")) is None
    assert reconcile.venues_agree("ACL-IJCNLP 2021", "ACL")
    assert reconcile.venues_agree("NIPS 2019", "NeurIPS")
    assert not reconcile.venues_agree("ICLR 2020", "NeurIPS")


def test_any_object_with_some_record_fields_can_be_matched(memory_library, add_page, seed_abstract):
    """Callers outside the importers (lookups) match plain objects that carry only some of a record's fields."""
    from types import SimpleNamespace

    add_page(memory_library, "homepage", m6_homepage(), owner="Junyang Lin")
    probe = SimpleNamespace(title=None, abstract=seed_abstract("2103.00823"), arxiv_id=None, line=0)
    match = reconcile.find_match(memory_library, probe)
    assert match is not None and memory_library.get_paper(match.paper_id).title.startswith("M6: A Chinese")
