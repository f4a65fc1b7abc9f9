"""What counts as a well-formed reading when two importers both read a page (importers/well_formed.py): the
venue, names and title as the user would see them in the library, with nothing of the citation around them."""

from __future__ import annotations

import pytest

from papershelf.importers.well_formed import name_is_clean, reading_form, title_is_clean, venue_is_clean
from papershelf.model.records import PaperRecord


@pytest.mark.parametrize(
    "venue",
    [
        "Proceedings of the 36th Annual ACM Symposium on User Interface Software and Technology (UIST)",
        "Proc. IEEE Int. Solid-State Circuits Conf. (ISSCC)",
        "IEEE Trans. Knowl. Data Eng.",
        "IEICE Trans. Inf. & Syst.",
        "Computers & Education",
        "3DV",
        "PhD thesis, Nordvik University",
    ],
)
def test_a_venue_name_alone_is_clean(venue: str) -> None:
    assert venue_is_clean(venue)


@pytest.mark.parametrize(
    "venue",
    [
        "Proceedings of the 2024 CHI Conference on Human Factors in Computing Systems (CHI '24). ACM, 1–18",
        "Computers & Education, 180, 104433",
        "IEEE J. Solid-State Circuits, vol. 58, no. 7",
        "Biometrika, 111(2)",
        "Proceedings of the ACM on Programming Languages, 7(OOPSLA2)",
        "CoRR abs/2403.07777",
        'arXiv (Note that this is an extension of my KDD paper "M6")',
        "International Conference on Machine Learning ·",
        # where it was held: the general reader keeps that apart, as a remark
        "Proc. IEEE Int. Solid-State Circuits Conf. (ISSCC), San Francisco, CA, USA",
        "IEICE Trans. Inf. & Syst., vol. J103-D",
    ],
)
def test_a_venue_with_pages_volume_year_or_a_remark_is_not(venue: str) -> None:
    assert not venue_is_clean(venue)


@pytest.mark.parametrize("name", ["Ludwig van Beethoven", "MacLeod, F.", "Junyang (Justin) Lin", "王雪", "S Haddad"])
def test_names_are_clean(name: str) -> None:
    assert name_is_clean(name)


@pytest.mark.parametrize("name", ["Efros, Richard Zhang In ArXiv", "and Bob Roe", "J. Smith 2023"])
def test_author_debris_is_not_a_name(name: str) -> None:
    assert not name_is_clean(name)


def test_a_title_that_took_in_the_citation_is_not_clean() -> None:
    assert title_is_clean("Remote Monitoring in Heart Failure: Where Do We Stand?")
    assert not title_is_clean("and Adeyemi, T. (2024) 'Peer assessment at scale', Studies in Higher Education, pp")
    assert not title_is_clean("Image Inpainting. Efros, Richard Zhang In ArXiv")


def test_the_reading_with_clean_venues_scores_higher() -> None:
    clean = PaperRecord(
        line=1, title="A Title Here", authors=("R. Gupta",), year=2023, venue="IEEE J. Solid-State Circuits"
    )
    messy = PaperRecord(
        line=1, title="A Title Here", authors=("R. Gupta",), year=2023, venue="IEEE J. Solid-State Circuits, vol. 58"
    )
    bare = PaperRecord(line=1, title="A Title Here", authors=("R. Gupta",), year=2023)
    assert reading_form([clean]) > reading_form([messy]) > reading_form([bare])


def test_papers_with_a_title_that_took_in_the_names_are_not_counted_as_found() -> None:
    from papershelf.importers.well_formed import papers_found

    good = PaperRecord(line=1, title="Nativity and Wealth in Mid-Nineteenth Century Cities", authors=("Conley, T.G.",))
    junk = PaperRecord(line=2, title="& Galeson, D.W. (1998). Nativity and wealth", authors=("Conley, T.G.",))
    listed = PaperRecord(line=3, arxiv_id="2401.01234")  # an arXiv listing showing only the identifier
    assert papers_found([good, junk, listed]) == 2
