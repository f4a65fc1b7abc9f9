"""The Qt-free display rules: what a table cell or the detail pane shows for a paper's values."""

from __future__ import annotations

from papershelf.gui import display
from papershelf.model.types import AuthorRef, Paper


def refs(*names: str) -> list[AuthorRef]:
    result = []
    for number, name in enumerate(names):
        given, _, family = name.rpartition(" ")
        result.append(AuthorRef(number + 1, name, name, given, family))
    return result


def test_author_lists_are_shortened_to_family_names_with_et_al():
    assert display.short_authors(refs("Junyang Lin")) == "Lin"
    assert display.short_authors(refs("Junyang Lin", "An Yang")) == "Lin and Yang"
    assert display.short_authors(refs("Junyang Lin", "An Yang", "Rui Men")) == "Lin, Yang and Men"
    assert display.short_authors(refs("Junyang Lin", "An Yang", "Rui Men", "Chang Zhou")) == "Lin, Yang, Men et al."


def test_a_partial_author_list_says_so():
    # Aggregator cards stop at three names: the cell must not pretend the list is complete.
    assert display.short_authors(refs("Junyang Lin", "An Yang"), complete=False) == "Lin, Yang et al."
    assert display.short_authors([], complete=False) == "authors not listed"
    assert display.short_authors([]) == "authors not listed"
    assert display.full_authors([], complete=False) == "authors not listed"


def test_a_paper_known_only_through_its_page_owner_names_the_owner():
    # arXiv listings and scholarly profiles give no author list; the page's owner is still known to be one.
    assert display.short_authors([], complete=False, also=refs("Li Dong")) == "incl. Dong"
    assert display.full_authors([], complete=False, also=refs("Li Dong")) == "authors not listed; also by Li Dong"


def test_latex_in_titles_and_abstracts_is_made_readable():
    assert (
        display.readable_latex("$\\beta$-DPO: Direct Preference Optimization")
        == "β-DPO: Direct Preference Optimization"
    )
    assert display.readable_latex("a model called \\textbf{Explicit Sparse Transformer}") == (
        "a model called Explicit Sparse Transformer"
    )
    assert display.readable_latex("$\\mathcal{O}(n)$ time") == "𝒪(n) time"


def test_a_percent_sign_does_not_swallow_the_rest_of_an_abstract():
    text = "improves accuracy by 5% on GLUE and 3\\% on SQuAD"
    assert display.readable_latex(text) == "improves accuracy by 5% on GLUE and 3% on SQuAD"


def test_plain_text_and_broken_latex_come_back_readable():
    assert display.readable_latex("Plain title") == "Plain title"
    assert display.readable_latex("unbalanced $x and \\foo{") != ""
    assert display.readable_latex(None) == ""


def test_untitled_papers_get_a_readable_fallback():
    assert display.display_title(Paper(id=7, title=None, arxiv_id="2101.00001")) == "[untitled] arXiv:2101.00001"
    assert display.display_title(Paper(id=7, title="$\\alpha$-Net")) == "α-Net"


def test_abstract_line_breaks_are_folded_but_paragraphs_kept():
    abstract = "First line\nof the abstract.\n\nSecond   paragraph with $x^2$."
    assert display.readable_abstract(abstract) == "First line of the abstract.\n\nSecond paragraph with x^2."


def test_year_ranges_and_venue_lines():
    assert display.year_range([2021, None, 2019, 2020]) == "2019–2021"
    assert display.year_range([2020, 2020]) == "2020"
    assert display.year_range([None]) == ""
    assert display.venue_and_year(Paper(id=1, title="t", venue="NeurIPS", year=2021)) == "NeurIPS 2021"
    # A year taken from the capture date is flagged so nobody cites it blindly.
    assert display.venue_and_year(Paper(id=1, title="t", year=2025, date_inferred=True)) == "2025?"


def test_dates_and_plurals():
    assert display.short_date("2025-11-20T10:00:00") == "2025-11-20"
    assert display.short_date("") == ""
    assert display.plural(1, "paper") == "1 paper"
    assert display.plural(1200, "paper") == "1,200 papers"
    assert display.plural(2, "BibTeX entry", "BibTeX entries") == "2 BibTeX entries"
