"""How a paper's fields are chosen across its sources (`store.choose_fields`) when the user kept one of them."""

from __future__ import annotations

from papershelf.model.names import names_relation, parse_name
from papershelf.model.store import choose_fields

PREVIEW = {"title": "A Preview of X", "year": 2024, "authors": ["A", "B", "C", "D"], "abstract": "Short."}
FULL = {"title": "X: The Full Paper", "year": 2025, "authors": ["B", "A", "C"], "abstract": "A longer abstract."}


def test_without_precedence_the_sources_decide():
    chosen = choose_fields([("homepage", PREVIEW), ("homepage", FULL)])
    assert chosen["title"] == PREVIEW["title"] and chosen["authors"] == PREVIEW["authors"]
    assert chosen["year"] == 2024 and chosen["abstract"] == FULL["abstract"]


def test_the_kept_papers_claims_come_first():
    chosen = choose_fields([("homepage", PREVIEW), ("homepage", FULL)], [1, 0])
    assert (chosen["title"], chosen["year"], chosen["authors"]) == (FULL["title"], 2025, FULL["authors"])
    assert chosen["abstract"] == FULL["abstract"]
    # a complete list still beats a cut one, whoever brought it
    cut = dict(FULL, authors=["B"], authors_complete=False)
    assert choose_fields([("homepage", PREVIEW), ("aggregator", cut)], [1, 0])["authors"] == PREVIEW["authors"]


def test_name_relations():
    assert names_relation(parse_name("Gao Jinyang"), parse_name("Jinyang Gao")) == "order swap"
    assert names_relation(parse_name("Jagadish, Hosagrahar V."), parse_name("H. V. Jagadish")) == "initials"
    assert names_relation(parse_name("Lin, Junyang"), parse_name("Junyang (Justin) Lin")) == "same"
    assert names_relation(parse_name("Dawei Gao"), parse_name("Jinyang Gao")) is None
