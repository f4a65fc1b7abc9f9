"""Issue 17: odd input that used to lose text in silence, as the user meets it on the command line.

Each test imports a small hand-made file with `papershelf import`, then reads what `papers --json` and the
import report say: text is kept (visibly, when it could not be decoded) and every such case is reported.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from papershelf.cli.main import main


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def import_text(capsys, tmp_path: Path, name: str, text: str) -> tuple[int, str, list[dict]]:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    library = str(tmp_path / "library.sqlite")
    code, out, err = run_cli(capsys, "--library", library, "import", str(source))
    _, papers, _ = run_cli(capsys, "--library", library, "papers", "--json")
    return code, out + err, json.loads(papers)


def bib_entry(title: str, extra: str = "") -> str:
    return f"@article{{k,\n  title = {{{title}}},\n  author = {{Smith, John}},\n  year = 2020,{extra}\n}}\n"


@pytest.mark.parametrize(
    ("latex", "title"),
    [
        (r"\texttt{code} paper", "code paper"),
        (r"\S 3 of the law", "§3 of the law"),
        (r"\^{} and \~{}", "^ and ~"),
        (r"\copyright{} 2020", "© 2020"),
        (r"\verb|x| marks", "x marks"),
    ],
)
def test_known_latex_in_a_bib_title_keeps_its_text(capsys, tmp_path, latex, title):
    code, report, papers = import_text(capsys, tmp_path, "a.bib", bib_entry(latex))
    assert code == 0
    assert [p["title"] for p in papers] == [title]
    assert "warning" not in report


@pytest.mark.parametrize(
    ("latex", "title", "named"),
    [
        (r"\foo{bar} baz", r"\foo{bar} baz", r"\foo"),
        (r"As in \cite{x}", r"As in \cite{x}", r"\cite{x}"),
        (r"\input{secret} Title", r"\input{secret} Title", r"\input"),
        (r"\immediate\write18{touch f} T", r"\immediate\write18{touch f} T", r"\write"),
    ],
)
def test_latex_not_decoded_is_kept_visibly_and_reported_with_its_line(capsys, tmp_path, latex, title, named):
    code, report, papers = import_text(capsys, tmp_path, "a.bib", "\n" + bib_entry(latex))
    assert code == 0
    assert [p["title"] for p in papers] == [title]
    warnings = [line for line in report.splitlines() if "warning" in line]
    assert any("a.bib, line 2" in w and named in w for w in warnings), report


def test_a_dangerous_command_is_exported_as_text_and_never_run(capsys, tmp_path):
    import_text(capsys, tmp_path, "a.bib", bib_entry(r"\input{secret} Title"))
    code, out, _ = run_cli(capsys, "--library", str(tmp_path / "library.sqlite"), "export", "-f", "bibtex")
    assert code == 0
    assert r"\input" not in out.replace(r"{\textbackslash}input", "")
    assert r"{\textbackslash}input\{secret\} Title" in out


def test_a_title_ending_in_a_latex_line_break_is_imported_not_skipped(capsys, tmp_path):
    text = bib_entry(r"Line break at the end \\") + bib_entry("Next paper").replace("{k,", "{k2,")
    code, report, papers = import_text(capsys, tmp_path, "a.bib", text)
    assert code == 0
    assert sorted((p["title"], p["authors"]) for p in papers) == [
        ("Line break at the end", ["John Smith"]),
        ("Next paper", ["John Smith"]),
    ]
    assert "warning" not in report


def test_an_extra_closing_brace_in_a_title_is_reported_with_its_line(capsys, tmp_path):
    text = "@article{extra,\n  title = {A }} b},\n  author = {Doe, Jane},\n  year = 2021,\n}\n"
    code, report, papers = import_text(capsys, tmp_path, "a.bib", text)
    assert code == 0
    assert [p["title"] for p in papers] == ["A"]
    warnings = [line for line in report.splitlines() if "warning" in line]
    assert len(warnings) == 1
    assert "a.bib, line 2" in warnings[0] and "author = {Doe, Jane}" in warnings[0]


def test_a_month_with_its_day_gives_the_date(capsys, tmp_path):
    code, _, papers = import_text(capsys, tmp_path, "a.bib", bib_entry("Dated", "\n  month = dec # {~15},"))
    assert code == 0
    assert [p["date"] for p in papers] == ["2020-12-15"]


def test_jabrefs_escaped_month_macro_is_the_month(capsys, tmp_path):
    """JabRef 2-4 saved `month = dec` as `month = {\\#dec\\#}`: it is December, and an export writes the macro
    (kept as written, every BibTeX style would print "#dec#")."""
    code, _, papers = import_text(capsys, tmp_path, "a.bib", bib_entry("Hashed", "\n  month = {\\#dec\\#},"))
    assert code == 0
    assert [p["date"] for p in papers] == ["2020-12"]
    library = str(tmp_path / "library.sqlite")
    _, out, _ = run_cli(capsys, "--library", library, "export", "-f", "bibtex")
    assert "month = dec," in out and "#dec" not in out
    _, out, err = run_cli(capsys, "--library", library, "export", "-f", "biblatex")
    assert "month" not in err and "#dec" not in out


CORPORATE = (
    "@article{c1,\n  title = {Corporate authors},\n"
    "  author = {{IEEE Computer Society} and {Barnes and Noble} and {World Wide Web Consortium (W3C)}"
    " and {others} and Smith, John},\n  year = 2020,\n}\n"
)


@pytest.mark.parametrize("flavour", ["bibtex", "biblatex"])
def test_corporate_authors_keep_their_braces_on_export_and_come_back_the_same(capsys, tmp_path, flavour):
    code, _, papers = import_text(capsys, tmp_path, "a.bib", CORPORATE)
    assert code == 0
    expected = ["IEEE Computer Society", "Barnes and Noble", "World Wide Web Consortium (W3C)", "others", "John Smith"]
    assert papers[0]["authors"] == expected
    assert papers[0]["authors_complete"] is True  # a braced {others} is a name, not "et al."
    code, out, _ = run_cli(capsys, "--library", str(tmp_path / "library.sqlite"), "export", "-f", flavour)
    assert code == 0
    # As the .bib wrote it: inside its braces "and" already parts no names (issue 13: the entry comes back whole).
    assert (
        "author = {{IEEE Computer Society} and {Barnes and Noble} and {World Wide Web Consortium (W3C)}"
        " and {others} and Smith, John}"
    ) in out
    again = tmp_path / "again"
    again.mkdir()
    code, _, papers = import_text(capsys, again, "export.bib", out)
    assert code == 0
    assert papers[0]["authors"] == expected
    assert papers[0]["authors_complete"] is True


def homepage(*entries: str) -> str:
    return "Jane Doe\n\nPublications:\n\n" + "\n\n".join(entries) + "\n"


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            "Jane Doe, John Roe. A study of {braces in titles. ICML 2019. [Paper]",
            ("A study of {braces in titles", "ICML", 2019, ["Jane Doe", "John Roe"]),
        ),
        (
            "Jane Doe, Hans van der Berg Jr. A paper with a suffixed co-author. NeurIPS 2020.",
            ("A paper with a suffixed co-author", "NeurIPS", 2020, ["Jane Doe", "Hans van der Berg, Jr."]),
        ),
        (
            "Jane Doe, Jose\u0301 Garci\u0301a. Decomposed accents in names. ACL 2021.",
            ("Decomposed accents in names", "ACL", 2021, ["Jane Doe", "José García"]),
        ),
        (
            "Jane Doe, محمد علي, דוד כהן. Names in Arabic and Hebrew script. EMNLP 2022.",
            ("Names in Arabic and Hebrew script", "EMNLP", 2022, ["Jane Doe", "محمد علي", "דוד כהן"]),
        ),
    ],
)
def test_homepage_entries_with_odd_text_are_read_whole(capsys, tmp_path, entry, expected):
    code, report, papers = import_text(capsys, tmp_path, "page.txt", homepage(entry))
    assert code == 0
    assert [(p["title"], p["venue"], p["year"], p["authors"]) for p in papers] == [expected]
    assert "warning" not in report


_SEED_HOMEPAGE = Path(__file__).parent.parent / "fixtures" / "seeds"


@pytest.mark.parametrize("trailing", ["", " "])
@pytest.mark.parametrize(
    ("title", "cut_after"),
    [
        ("KNAS: Green Neural Architecture Search", "KNAS: Green Neural"),  # the rest reads as "authors" + "ICML 2021"
        ("Towards Knowledge-Based Recommender Dialog System", "Towards"),
        ("Explicit Sparse Transformer: Concentrated Attention Through Explicit Selection", "Explicit"),
        # No venue and no year: the wrapped rest read as one name under a title-first layout.
        ("M6-10T: A Sharing-Delinking Paradigm for Efficient Multi-Trillion Parameter Pretraining", "Efficient"),
    ],
)
def test_a_title_wrapped_over_two_lines_on_the_seed_homepage_stays_one_paper(
    capsys, tmp_path, title, cut_after, trailing
):
    seed = next(_SEED_HOMEPAGE.glob("000_*.txt")).read_text(encoding="utf-8")
    (tmp_path / "whole").mkdir()
    (tmp_path / "wrapped").mkdir()
    _, _, whole = import_text(capsys, tmp_path / "whole", "page.txt", seed)
    cut = seed.index(title) + title.index(cut_after) + len(cut_after)
    assert seed[cut] == " "
    wrapped = seed[:cut] + trailing + "\n" + seed[cut + 1 :]
    code, _, papers = import_text(capsys, tmp_path / "wrapped", "page.txt", wrapped)
    assert code == 0
    assert sorted(p["title"] for p in papers) == sorted(p["title"] for p in whole)
    assert title in [p["title"] for p in papers]


@pytest.mark.parametrize("trailing", ["", " "])
@pytest.mark.parametrize(
    ("variant", "title", "cut_after"),
    [
        # APA: the year stands before the title, so the block above already had one.
        ("homepage_papers_plain.txt", "Cleaning Tables with Weak Supervision", "Cleaning Tables with"),
        ("homepage_recent_papers_quotes.txt", "Robust Regression with Heavy Tails", "Robust Regression with"),
    ],
)
def test_a_title_wrapped_over_two_lines_on_other_homepage_layouts_stays_one_paper(
    capsys, tmp_path, variant, title, cut_after, trailing
):
    page = (_SEED_HOMEPAGE.parent / "variants" / variant).read_text(encoding="utf-8")
    (tmp_path / "whole").mkdir()
    (tmp_path / "wrapped").mkdir()
    _, _, whole = import_text(capsys, tmp_path / "whole", "page.txt", page)
    cut = page.index(title) + len(cut_after)
    assert page[cut] == " "
    wrapped = page[:cut] + trailing + "\n" + page[cut + 1 :]
    code, _, papers = import_text(capsys, tmp_path / "wrapped", "page.txt", wrapped)
    assert code == 0
    assert sorted(p["title"] for p in papers) == sorted(p["title"] for p in whole)
    assert title in [p["title"] for p in papers]


def test_a_homepage_url_is_not_cut_at_a_brace(capsys, tmp_path):
    entry = "Jane Doe, John Roe. A paper with a link. NeurIPS 2020. https://example.org/paper{1}.pdf"
    code, _, papers = import_text(capsys, tmp_path, "page.txt", homepage(entry))
    assert code == 0
    assert [link["url"] for p in papers for link in p["links"]] == ["https://example.org/paper{1}.pdf"]
    assert [p["venue"] for p in papers] == ["NeurIPS"]


AGGREGATOR = """Jinyang Gao

LG
h-index32
2papers

2 Papers

LGSep 5, 2023Code
A paper with odd authors

Person00, Person01, x_y_z

An abstract sentence that explains the paper. It has two sentences.

LGSep 6, 2023Code
A second paper

Daoyuan Chen, Yilun Huang

Another abstract that is fine.
"""


def test_an_unreadable_aggregator_authors_line_is_reported_not_put_into_the_abstract(capsys, tmp_path):
    code, report, papers = import_text(capsys, tmp_path, "profile.txt", AGGREGATOR)
    assert code == 0
    odd = next(p for p in papers if p["title"] == "A paper with odd authors")
    assert odd["abstract"] == "An abstract sentence that explains the paper. It has two sentences."
    assert odd["authors"] == [] and odd["authors_complete"] is False
    warnings = [line for line in report.splitlines() if "warning" in line]
    assert len(warnings) == 1
    assert "profile.txt, line 12" in warnings[0] and "Person00, Person01, x_y_z" in warnings[0]


ROUND_TRIP = (
    "@article{r1,\n  title = {Zero\u200bwidth},\n  author = {Person00, Ann and Person01, Ann},\n  year = 2020,\n"
    "  abstract = {First paragraph, line one.\n\nSecond paragraph.},\n}\n"
)
NOTE = "# Heading\n\n- item one\n- item two\n\nPara  with  spaces"


@pytest.mark.parametrize("flavour", ["bibtex", "biblatex"])
def test_notes_abstracts_and_numbered_names_survive_our_own_export(capsys, tmp_path, flavour):
    library = str(tmp_path / "library.sqlite")
    import_text(capsys, tmp_path, "a.bib", ROUND_TRIP)
    assert run_cli(capsys, "--library", library, "note", "1", NOTE)[0] == 0
    code, out, err = run_cli(capsys, "--library", library, "export", "-f", flavour)
    assert code == 0
    # The invisible character is left out of the LaTeX, and the export report says so.
    assert "U+200B" in err and "left out" in err
    again = tmp_path / "again"
    again.mkdir()
    code, _, papers = import_text(capsys, again, "export.bib", out)
    assert code == 0
    assert [p["authors"] for p in papers] == [["Ann Person00", "Ann Person01"]]
    assert len(set(papers[0]["author_ids"])) == 2
    assert papers[0]["abstract"] == "First paragraph, line one.\n\nSecond paragraph."
    assert papers[0]["note"] == NOTE


UNTITLED = """@misc{u2,
  author = {Roe, John and others},
  year = 2021,
}
@misc{u4,
  author = {Loe, Bob},
}
@article{u3,
  title = {Truncated authors},
  author = {Poe, Ann and others},
  year = 2020,
}
"""


@pytest.mark.parametrize("flavour", ["bibtex", "biblatex"])
def test_importing_our_own_export_of_untitled_and_truncated_papers_adds_none(capsys, tmp_path, flavour):
    library = str(tmp_path / "library.sqlite")
    import_text(capsys, tmp_path, "a.bib", UNTITLED)
    code, out, _ = run_cli(capsys, "--library", library, "export", "-f", flavour, "--report", "none")
    assert code == 0
    exported = tmp_path / "export.bib"
    exported.write_text(out, encoding="utf-8")
    code, report, _ = run_cli(capsys, "--library", library, "import", str(exported))
    assert code == 0
    assert "new 0, merged with existing 3" in report
    _, papers, _ = run_cli(capsys, "--library", library, "papers", "--json")
    assert len(json.loads(papers)) == 3


# Hypothesis: titles and names drawn from issue 17's classes lose nothing in silence on the way in, and come
# back the same through both of our .bib flavours.
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from papershelf.importers.bibtex_file import BibtexImporter  # noqa: E402
from papershelf.model.records import ParseContext  # noqa: E402

_TITLE_PIECES = [
    ("Plain words", "Plain words"),
    (r"\texttt{code}", "code"),
    (r"\S 3", "§3"),
    (r"\^{}", "^"),
    (r"\copyright{}", "©"),
    (r"\verb|x|", "x"),
    (r"\foo{bar}", r"\foo{bar}"),
    (r"\cite{key}", r"\cite{key}"),
    (r"\input{secret}", r"\input{secret}"),
    (r"\immediate\write18{touch f}", r"\immediate\write18{touch f}"),
    ("Jos\\'e", "José"),
    ("محمد", "محمد"),
]
_NAMES = [
    "{IEEE Computer Society}",
    "{Barnes and Noble}",
    "{World Wide Web Consortium (W3C)}",
    "{others}",
    "Person00, Ann",
    "Person01, Ann",
    "van der Berg, Jr., Hans",
    "García, José",
    "علي, محمد",
    "כהן, דוד",
    "Smith, John",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pieces=st.lists(st.sampled_from(_TITLE_PIECES), min_size=1, max_size=5),
)
def test_odd_titles_keep_their_text_and_what_stays_as_written_is_reported(pieces):
    latex = " ".join(piece for piece, _ in pieces)
    title = " ".join(text for _, text in pieces)
    bib = f"@article{{k,\n  title = {{{latex}}},\n  author = {{Smith, John}},\n  year = 2020,\n}}\n"
    batch = BibtexImporter().parse(bib, ParseContext(source_name="fuzz.bib"))
    [paper] = batch.papers
    assert paper.title == title
    # Whatever stays in the title as written (an unknown or dangerous command) is in the report.
    for piece, text in pieces:
        if text == piece and piece.startswith("\\"):
            command = re.match(r"\\[A-Za-z]+", piece).group(0)
            assert any(command in w.message for w in batch.warnings)


def _people_after_import(bib: str) -> tuple[list[str], int, bool]:
    import tempfile

    from papershelf.model import Library
    from papershelf.pipeline import import_file

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "refs.bib"
        source.write_text(bib, encoding="utf-8")
        library = Library.open(Path(folder) / "library.sqlite")
        try:
            report = import_file(library, source)
            assert report.ok, report.error
            [paper] = library.get_papers(library.paper_ids())
            people = {ref.author_id for ref in paper.authors}
            return paper.author_names(), len(people), paper.authors_complete
        finally:
            library.close()


@settings(max_examples=25, deadline=None)
@given(names=st.lists(st.sampled_from(_NAMES), min_size=1, max_size=4, unique=True))
def test_odd_names_come_back_the_same_people_through_both_flavours(names):
    from papershelf.exporters.formats import export_papers
    from papershelf.model import Library
    from papershelf.pipeline import import_file

    bib = f"@article{{k,\n  title = {{Names}},\n  author = {{{' and '.join(names)}}},\n  year = 2020,\n}}\n"
    first = _people_after_import(bib)
    assert first[1] == len(names)  # no two of them merged into one person
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "refs.bib"
        source.write_text(bib, encoding="utf-8")
        library = Library.open(Path(folder) / "library.sqlite")
        try:
            import_file(library, source)
            papers = library.get_papers(library.paper_ids())
            exports = [export_papers(papers, flavour).text for flavour in ("bibtex", "biblatex")]
        finally:
            library.close()
    for text in exports:
        assert _people_after_import(text) == first


def test_a_mendeley_export_gives_working_links_and_finds_its_pdf(capsys, tmp_path):
    """Mendeley braces what it escapes (`{\\_}`), puts every address of a paper into one url field and writes
    Linux and macOS paths without their leading slash."""
    pdf = tmp_path / "Mendeley Desktop" / "Dinh-Xu2008_Chapter.pdf"
    pdf.parent.mkdir()
    pdf.write_bytes(b"%PDF-1.4\n")
    written = str(pdf).lstrip("/").replace("_", "{\\_}")
    text = (
        "@incollection{Dinh2008,\nauthor = {Dinh, H. Quynh and Xu, Liefei},\n"
        f"file = {{:{written}:pdf}},\n"
        "title = {{Measuring the Similarity of Vector Fields Using Global Distributions}},\n"
        "url = {http://link.springer.com/10.1007/978-3-540-89689-0{\\_}23},\nyear = {2008}\n}\n"
        "@article{Wang2020,\nauthor = {Wang, Wujie},\n"
        "title = {{Active learning and neural network potentials}},\n"
        "url = {https://pubs.rsc.org/en/content/articlehtml/2020/cc/d0cc03512b "
        "http://pubs.rsc.org/en/Content/ArticleLanding/2020/CC/D0CC03512B},\nyear = {2020}\n}\n"
    )
    code, _, papers = import_text(capsys, tmp_path, "mendeley.bib", text)
    assert code == 0
    links = {paper["citekey"]: [link["url"] for link in paper["links"]] for paper in papers}
    assert links == {
        "Dinh2008": ["http://link.springer.com/10.1007/978-3-540-89689-0_23"],
        "Wang2020": [
            "https://pubs.rsc.org/en/content/articlehtml/2020/cc/d0cc03512b",
            "http://pubs.rsc.org/en/Content/ArticleLanding/2020/CC/D0CC03512B",
        ],
    }
    library = str(tmp_path / "library.sqlite")
    _, out, _ = run_cli(capsys, "--library", library, "show", "1")
    assert f"pdf: {pdf}\n" in out
    # The .bib entry comes back as Mendeley wrote it.
    _, out, _ = run_cli(capsys, "--library", library, "export", "-f", "bibtex")
    assert "url = {http://link.springer.com/10.1007/978-3-540-89689-0{\\_}23}" in out


def test_a_reader_bug_is_told_plainly_and_nothing_is_written(capsys, tmp_path, monkeypatch):
    """A reader that fails on a file by a bug of ours names the file and the reader, asks for a report and leaves
    no library behind; the user never sees a stack trace."""
    from papershelf.importers.page_reader import PageImporter

    def broken(self, text, context):
        raise AttributeError("'NoneType' object has no attribute 'strip'")

    monkeypatch.setattr(PageImporter, "parse", broken)
    page = tmp_path / "page.html"
    page.write_text("<html><body><h2>Publications</h2><ul><li>A. Author. A title. In CVPR 2020.</li></ul></body>")
    library = tmp_path / "library.sqlite"
    code, _, err = run_cli(capsys, "--library", str(library), "import", str(page))
    assert code != 0
    assert "Traceback" not in err
    assert f"{page}: Papershelf's publication page reader failed on this file (AttributeError:" in err
    assert "this is a bug in Papershelf, please report it with the file. Nothing was imported" in err
    assert not library.exists()


def test_a_homepage_says_which_lines_under_its_publications_were_no_papers(capsys, tmp_path):
    text = (
        "Jane Doe\n\nPublications:\n\n"
        "Jane Doe, Ana García, John Smith. Deep learning for cardiac imaging: a survey. Nature Medicine 2022.\n\n"
        "This line is some remark that is not a citation at all but sits in the list.\n\n"
        "Jane Doe, Wei Zhang. Calibrated risk prediction with gradient boosting. ICML 2021.\n\n"
        "Invited talk at the Workshop on Things, 2020.\n"
    )
    code, report, papers = import_text(capsys, tmp_path, "home.txt", text)
    assert code == 0 and "homepage" in report and len(papers) == 2
    assert "home.txt, line 7: skipped, not a paper: This line is some remark" in report
    assert "home.txt, line 11: skipped, not a paper: Invited talk at the Workshop on Things, 2020." in report


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("  title = {Missing comma}\n  author = {Doe, Jane},\n", ("Missing comma", ["Jane Doe"], 2021)),
        ('  title = "Missing comma"\n  author = "Doe, Jane",\n', ("Missing comma", ["Jane Doe"], 2021)),
        (
            "  title = {Missing comma},\n  author = {Doe, Jane}\n  journal = {J},\n",
            ("Missing comma", ["Jane Doe"], 2021),
        ),
    ],
)
def test_a_missing_comma_between_fields_is_said_and_both_fields_kept(capsys, tmp_path, written, expected):
    text = f"@article{{b,\n{written}  year = 2021\n}}\n"
    code, report, papers = import_text(capsys, tmp_path, "a.bib", text)
    assert code == 0
    assert [(p["title"], p["authors"], p["year"]) for p in papers] == [expected]
    warnings = [line for line in report.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "a comma is missing before field" in warnings[0]


def test_values_holding_an_equals_sign_are_not_cut(capsys, tmp_path):
    text = (
        "@article{e,\n  title = {When {$x$} = 1 holds},\n  author = {Doe, Jane},\n"
        "  url = {https://example.org/?a=1&b=2},\n  note = {see x = y},\n  year = 2021\n}\n"
    )
    code, report, papers = import_text(capsys, tmp_path, "a.bib", text)
    assert code == 0 and "warning" not in report
    assert papers[0]["title"] == "When $x$ = 1 holds"


def test_a_heading_or_a_remark_right_under_an_entry_line_is_read_as_such(capsys, tmp_path):
    """Copied text with no blank line between an entry and the next heading, or a labelled remark under it."""
    text = (
        "Jane Doe\n\nPublications\n\n"
        "Jane Doe, John Smith. Learning to rank with sparse attention. In CVPR 2023.\n"
        "Papers in refereed workshop proceedings\n"
        "Jane Doe. A small workshop paper on ranking. In ICML Workshop 2022.\n\n"
        "Jane Doe, Ana Garcia. Calibrated forecasts for clinical risk. In ICML 2022.\n"
        "Source: conference website\n"
    )
    page = tmp_path / "page.txt"
    page.write_text(text, encoding="utf-8")
    library = str(tmp_path / "library.sqlite")
    code, out, err = run_cli(capsys, "--library", library, "import", "--format", "page", str(page))
    assert code == 0, err
    assert "Papers in refereed workshop proceedings section (line 6): 2 entries" in out + err
    _, papers, _ = run_cli(capsys, "--library", library, "papers", "--json")
    read = [(p["title"], p["authors"], p["venue"], p["remarks"]) for p in json.loads(papers)]
    assert read == [
        ("Learning to rank with sparse attention", ["Jane Doe", "John Smith"], "CVPR", None),
        ("A small workshop paper on ranking", ["Jane Doe"], "ICML Workshop", None),
        ("Calibrated forecasts for clinical risk", ["Jane Doe", "Ana Garcia"], "ICML", "Source: conference website"),
    ]


def _page_papers(capsys, tmp_path: Path, name: str, text: str) -> tuple[str, list[tuple]]:
    page = tmp_path / name
    page.write_text(text, encoding="utf-8")
    library = str(tmp_path / "library.sqlite")
    code, out, err = run_cli(capsys, "--library", library, "import", "--format", "page", str(page))
    assert code == 0, err
    _, papers, _ = run_cli(capsys, "--library", library, "papers", "--json")
    return out + err, [(p["title"], p["venue"], p["remarks"], p["abstract"]) for p in json.loads(papers)]


def test_how_a_paper_was_received_under_its_entry_is_its_remark_not_a_heading_or_lost(capsys, tmp_path):
    """Lines under an entry spread over lines: an award, an oral, a spotlight, an invitation are remarks; a line
    saying the venue again adds nothing; a sentence about the paper is its abstract."""
    text = (
        "Publications\n\n"
        "Learning Sparse Codes for Speech\nJane Doe, Rob Roe\nNeurIPS 2023\nOral presentation\n\n"
        "Fast Graph Kernels at Scale\nJane Doe, Ann Lee\nICML 2022\nBest paper award\n\n"
        "Robust Parsing of Messy Pages\nJane Doe\nProceedings of ACL, 2021\nPublished in Proceedings of ACL, 2021\n"
        "Spotlight (top 3%)\n\n"
        "Deep Models of Tables\nJane Doe, Kim Park\nEMNLP 2020\nSelected for oral presentation\n"
        "Invited to the journal track of TACL\nWe read tables with a deep model of their layout.\n"
    )
    report, papers = _page_papers(capsys, tmp_path, "page.txt", text)
    assert "Publications section (line 1): 4 entries" in report
    assert papers == [
        ("Learning Sparse Codes for Speech", "NeurIPS", "Oral presentation", None),
        ("Fast Graph Kernels at Scale", "ICML", "Best paper award", None),
        ("Robust Parsing of Messy Pages", "ACL", "Spotlight (top 3%)", None),
        (
            "Deep Models of Tables",
            "EMNLP",
            "Selected for oral presentation; Invited to the journal track of TACL",
            "We read tables with a deep model of their layout.",
        ),
    ]


def test_how_a_paper_was_received_after_its_venue_is_a_remark_not_part_of_the_venue(capsys, tmp_path):
    page = (
        "<html><body><h2>Publications</h2><ul>"
        "<li><b>Learning Sparse Codes for Speech</b><br>Jane Doe, Rob Roe<br><i>NeurIPS 2023</i> "
        '<span class="badge">Oral</span></li>'
        "<li><b>Fast Graph Kernels at Scale</b><br>Jane Doe, Ann Lee<br><i>ICML 2022</i> "
        '<strong>(Best Paper Award)</strong> <a href="k.pdf">[PDF]</a></li>'
        "<li>Jane Doe and Kim Park. Deep Models of Tables. In EMNLP 2020. Oral presentation.</li>"
        "<li>Jane Doe. Posters of Parsing. In ACL 2021. Poster.</li>"
        "</ul></body></html>"
    )
    _, papers = _page_papers(capsys, tmp_path, "page.html", page)
    assert papers == [
        ("Learning Sparse Codes for Speech", "NeurIPS", "Oral", None),
        ("Fast Graph Kernels at Scale", "ICML", "Best Paper Award", None),
        ("Deep Models of Tables", "EMNLP", "Oral presentation", None),
        ("Posters of Parsing", "ACL", "Poster", None),
    ]
