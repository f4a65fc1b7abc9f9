"""What a citation on a publication page writes around its venue (volume, number, pages, month, a thesis' school,
an award or "to appear") reaches the library and the exported .bib, and the venue is the venue's name alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import bibtexparser
import pytest

from papershelf.exporters.formats import export_papers
from papershelf.importers.base import get_importer
from papershelf.model import Library
from papershelf.model.records import ParseContext
from papershelf.pipeline import import_file

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"


def _records(name: str) -> dict[str, object]:
    text = (PAGES / name).read_text(encoding="utf-8")
    return {r.title: r for r in get_importer("page").parse(text, ParseContext(source_name=name)).papers}


@pytest.mark.parametrize("name", ["wp_example.html", "wp_example.txt"])
def test_a_thesis_is_a_thesis_at_its_school(name: str) -> None:
    thesis = _records(name)["Subword Models for Morphologically Rich Languages"]
    assert (thesis.entry_type, thesis.venue, thesis.year) == ("phdthesis", None, 2018)
    assert thesis.extra["school"] == "University of Edinburgh"


def test_the_remarks_after_a_citation_are_kept_apart_from_the_venue() -> None:
    records = _records("wp_example.html")
    acl = records["Cross-lingual Transfer with Adapters: A Reality Check"]
    assert acl.venue == (
        "Proceedings of the 61st Annual Meeting of the Association for Computational Linguistics (ACL 2023)"
    )
    assert (acl.extra["pages"], acl.date, acl.note) == (
        "145–160",
        "2023-07",
        "Outstanding Paper Award; Toronto, Canada",
    )
    tacl = records["A survey of subword segmentation"]
    assert (tacl.venue, tacl.extra["volume"], tacl.extra["pages"], tacl.note) == (
        "Transactions of the ACL",
        "8",
        "1–25",
        "to appear",
    )


def test_volume_issue_and_pages_reach_the_exported_bib(tmp_path: Path) -> None:
    with Library.open(tmp_path / "library.sqlite") as library:
        assert import_file(library, PAGES / "wp_example.html", as_of=dt.date(2026, 3, 1)).ok
        text = export_papers(library.get_papers(library.paper_ids()), "bibtex").text
    entries = {e.key: e for e in bibtexparser.parse_string(text).entries}
    fields = {key: {f.key: f.value for f in e.fields} for key, e in entries.items()}
    assert entries["rossi2020neural"].entry_type == "article"
    assert fields["rossi2020neural"]["journal"] == "Computational Linguistics"
    assert (fields["rossi2020neural"]["volume"], fields["rossi2020neural"]["number"]) == ("46", "3")
    assert fields["rossi2020neural"]["pages"] == "501--530"
    acl = fields["bianchi2023crosslingual"]
    assert (acl["pages"], acl["month"], acl["note"]) == ("145--160", "jul", "Outstanding Paper Award; Toronto, Canada")
    assert fields["rossi2022learning"]["pages"] == "12--20"
    assert fields["zhang2021tokenization"]["pages"] == "33--41"
    assert fields["rossi2019survey"]["note"] == "to appear"


@pytest.mark.parametrize("name", ["books_chapters.html", "books_chapters.txt"])
def test_books_and_chapters_keep_publisher_place_and_editors(name: str) -> None:
    records = _records(name)
    book = records["Merchants and Monasteries: Trade Networks in the Hanseatic World"]
    assert (book.entry_type, book.venue) == ("book", None)
    assert (book.extra["publisher"], book.extra["address"]) == ("Oxford University Press", "Oxford")
    springer = records["Salt, silver and the sea"]
    assert (springer.authors, springer.entry_type, springer.venue) == (
        ("Brandt, H.",),
        "incollection",
        "Economies of the Medieval North",
    )
    assert {k: springer.extra[k] for k in ("editor", "publisher", "address", "pages")} == {
        "editor": "M. Keller",
        "publisher": "Springer",
        "address": "Cham",
        "pages": "1–20",
    }
    apa = records["Pilgrims' purses: coin finds along the Via Francigena"]
    assert (apa.venue, apa.extra["editor"], apa.extra["publisher"], apa.extra["address"]) == (
        "Money on the Move",
        "A. Weiss and P. Moreau",
        "Brill",
        "Leiden",
    )


def test_a_series_and_its_publisher_are_not_remarks() -> None:
    records = _records("cv_jmlr.html")
    icml = records["Conformal bandits"]
    assert icml.extra["series"] == "Proceedings of Machine Learning Research"
    assert (icml.extra["volume"], icml.extra["publisher"], icml.note) == ("162", "PMLR", None)
    europar = _records("jekyll_volumes.html")["Mixed-Precision Multigrid on Tensor Cores"]
    assert europar.venue == "Euro-Par 2020: Parallel Processing"
    assert (europar.extra["series"], europar.extra["publisher"]) == ("Lecture Notes in Computer Science", "Springer")


@pytest.mark.parametrize("name", ["cv_jmlr.html", "cv_jmlr.txt"])
def test_a_report_and_a_dissertation_keep_their_institution(name: str) -> None:
    records = _records(name)
    report = records["Permutation tests for network data"]
    assert (report.entry_type, report.venue) == ("techreport", None)
    assert (report.extra["number"], report.extra["institution"]) == (
        "2019-07",
        "Department of Statistics, Hollis University",
    )
    thesis = records["Nonparametric inference for dependent data"]
    assert (thesis.entry_type, thesis.date) == ("phdthesis", "2014-05")
    assert thesis.extra["school"] == "Department of Statistics, Carnegie Mellon University"


_IEEE_STYLE = """Taro Tanaka
Associate Professor, Kyoto University

Publications

Journal Papers
1. T. Tanaka, S. Sato, and K. Suzuki, "Fast approximate search over compressed indexes," IEICE Trans. Inf. & Syst., vol. J103-D, no. 5, pp. 123-130, May 2020.
2. T. Tanaka and H. Ito, "Robust speech enhancement with masked transformers," IEICE Trans. Fundamentals, vol. E104-A, no. 2, pp. 45-52, Feb. 2021.
3. T. Tanaka, "Learning sparse codes for retrieval," IEEE Trans. Pattern Anal. Mach. Intell., vol. 44, no. 3, pp. 1-12, 2022.
"""  # noqa: E501


@pytest.mark.parametrize("reader", ["page", "homepage"])
def test_ieee_and_ieice_volumes_are_not_left_in_the_venue(reader: str) -> None:
    """IEICE numbers its volumes with the series' letter ("vol. J103-D", "vol. E104-A"), and IEEE writes "vol. 44,
    no. 3, pp. 1-12": the venue is the journal's abbreviation (its own period kept), the rest its fields."""
    records = get_importer(reader).parse(_IEEE_STYLE, ParseContext(source_name="tanaka.txt")).papers
    read = [(r.venue, r.extra.get("volume"), r.extra.get("number"), r.extra.get("pages")) for r in records]
    assert read == [
        ("IEICE Trans. Inf. & Syst.", "J103-D", "5", "123-130"),
        ("IEICE Trans. Fundamentals", "E104-A", "2", "45-52"),
        ("IEEE Trans. Pattern Anal. Mach. Intell.", "44", "3", "1-12"),
    ]
    assert [r.entry_type for r in records] == ["article"] * 3
