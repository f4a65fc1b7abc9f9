"""Acceptance on the five seed pages: each paper once, each person once where the pages show it, no wrong merge.

What should merge, and why:
- homepage "Learning Relation Alignment for Calibrated Cross-modal Retrieval" (ACL 2021) + arXiv 2105.13868: the
  abstract says "cross-modal retrieval", relation, alignment, calibrate; "Accepted by ACL-IJCNLP 2021" agrees.
- homepage "Explicit Sparse Transformer: ..." (arXiv 2019) + arXiv 1912.11637: the abstract names it.
- homepage "Understanding and Improving Layer Normalization" (NeurIPS 2019) + arXiv 1911.07013: "layer
  normalization" in the abstract, "Accepted by NeurIPS 2019" agrees.
- homepage "M6: A Chinese Multimodal Pretrainer" (arXiv 2021) + arXiv 2103.00823 (a "technical report"), and NOT
  the KDD paper "M6: Multi-Modality-to-Multi-Modality ..." although the abstract spells out that name too: the
  report joins the preprint, and the homepage itself calls the KDD paper another work.
- aggregator "Xue Wang" and "Wang Xue": one person (same page, shared co-author Tian Zhou).
"""

from __future__ import annotations

from papershelf.model.merge import merge_history, open_suggestions
from papershelf.model.names import parse_name

EXPECTED = {
    "2105.13868": "Learning Relation Alignment for Calibrated Cross-modal Retrieval",
    "1912.11637": "Explicit Sparse Transformer: Concentrated Attention Through Explicit Selection",
    "1911.07013": "Understanding and Improving Layer Normalization",
    "2103.00823": "M6: A Chinese Multimodal Pretrainer",
}


def test_each_seed_paper_once_with_the_right_arxiv_entries_joined(seed_library):
    papers = seed_library.list_papers()
    joined = {p.arxiv_id: p for p in papers if len({c.file for c in seed_library.get_paper(p.id).sources}) > 1}
    assert {arxiv: p.title for arxiv, p in joined.items()} == EXPECTED
    for paper in joined.values():
        formats = sorted(c.format for c in seed_library.get_paper(paper.id).sources)
        assert formats == ["arxiv-listing", "homepage"]
        assert paper.abstract and paper.authors_complete
    assert joined["1911.07013"].venue == "NeurIPS" and joined["2105.13868"].venue == "ACL"
    [kdd] = [p for p in papers if p.title and p.title.startswith("M6: Multi-Modality")]
    assert kdd.arxiv_id is None and kdd.venue == "KDD"
    titles = [p.title for p in papers if p.title]
    assert len(titles) == len(set(titles))
    # related but different works stay apart
    assert any(t.startswith("M6-T:") for t in titles) and any(t.startswith("M6-10T:") for t in titles)
    assert any(t.startswith("A Preview of XiYan-SQL") for t in titles) and any(
        t.startswith("XiYan-SQL:") for t in titles
    )
    untitled = [p for p in papers if not p.title]
    assert len(untitled) == 19 - len(EXPECTED)  # the listing entries no other page names


def test_every_automatic_merge_shows_its_evidence(seed_library):
    ids = [p.id for p in seed_library.list_papers() if p.arxiv_id in EXPECTED]
    for paper_id in ids:
        [record] = merge_history(seed_library, "paper", paper_id)
        assert record.automatic and record.evidence and record.sources
        assert any("abstract" in line for line in record.evidence)


def test_each_seed_person_once(seed_library):
    authors = seed_library.list_authors()
    keys = [parse_name(a.name).key for a in authors]
    assert len(keys) == len(set(keys))
    [xue] = seed_library.find_authors("Wang Xue")
    assert xue.name == "Xue Wang" and xue.variants == ["Wang Xue"]
    [owner] = seed_library.find_authors("Junyang (Justin) Lin")
    assert owner.name == "Junyang Lin"
    assert len(seed_library.find_authors("Junyang Lin")) == 1 and len(seed_library.find_authors("Jinyang Gao")) == 1
    # the aggregator's owner is behind every "et al." card of the page
    assert seed_library.get_author(seed_library.find_authors("Jinyang Gao")[0].id).paper_count == 33


def test_seed_library_has_no_pending_doubts(seed_library):
    assert not open_suggestions(seed_library)
