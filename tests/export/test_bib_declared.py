"""An entry a .bib declared, as the export writes it: the type as declared, the author's LaTeX as written, the
user's edits escaped, LaTeX that could act at compile time neutralised, the user's own fields, @string macros,
crossref parents and the blocks of the file, and a report that groups what it says per entry and field."""

from __future__ import annotations

import re

from papershelf.exporters.bibtex import export_bib
from papershelf.exporters.latex_escape import latex_to_text
from papershelf.model.types import BibBlock, BibField, Paper


def paper(key: str, bib_type: str, *fields: BibField, paper_id: int = 1, **extra) -> Paper:
    return Paper(id=paper_id, title=None, citekey=key, bib_type=bib_type, bib_fields=list(fields), **extra)


def f(name: str, latex: str, *, text: str | None = None, macro: str | None = None, edited: bool = False) -> BibField:
    """A field as the .bib wrote it (text: its Unicode reading)."""
    return BibField(name, text if text is not None else latex_to_text(latex), latex, macro, edited)


def edited(name: str, text: str) -> BibField:
    return BibField(name, text, None, None, True)


def entry(bib: str, key: str) -> str:
    match = re.search(r"^@\w+\{" + re.escape(key) + r",\n(?:  .*\n)*\}", bib, re.M)
    assert match, bib
    return match.group(0)


def fields(bib: str, key: str) -> dict[str, str]:
    return dict(re.findall(r"^  (\w+) = (.*),$", entry(bib, key), re.M))


TECHREPORT = paper(
    "lamport1978",
    "techreport",
    f("author", "Leslie Lamport"),
    f("title", "Time, Clocks and the Ordering of Events"),
    f("year", "1978"),
)


def test_a_declared_type_is_written_as_declared_and_what_it_lacks_is_reported():
    chapter = paper(
        "chapter2005",
        "incollection",
        f("author", "Alan Author"),
        f("title", "A Chapter"),
        f("booktitle", "Proceedings of the Handbook Conference"),  # a venue that reads like a conference
        f("publisher", "Springer"),
        f("year", "2005"),
        paper_id=2,
        venue="Proceedings of the Handbook Conference",
        entry_type="inproceedings",
    )
    article = paper("noj", "article", f("author", "A. Writer"), f("title", "No Journal"), f("year", "2001"), paper_id=3)
    for flavour in ("bibtex", "biblatex"):
        text, report = export_bib([TECHREPORT, chapter, article], flavour)
        assert entry(text, "chapter2005").startswith("@incollection{")
        assert entry(text, "noj").startswith("@article{")
        assert entry(text, "lamport1978").startswith("@techreport{")  # biber reads it as @report
        lines = report.lines()
        if flavour == "bibtex":
            assert "lamport1978: @techreport: no institution" in lines
            assert "noj: @article: no journal" in lines
        else:
            assert "lamport1978: @techreport: no institution (or school)" in lines
            assert "noj: @article: no journaltitle (or journal)" in lines
    text, report = export_bib([TECHREPORT], "biblatex", biblatex_names=True)
    assert entry(text, "lamport1978").startswith("@report{") and fields(text, "lamport1978")["type"] == "{techreport}"
    assert "lamport1978: @report: no institution (or school)" in report.lines()


def test_unedited_fields_come_back_as_written_and_edits_are_escaped():
    knuth = paper(
        "knuth1984",
        "book",
        f("author", 'Donald E. Knuth and J{\\"o}rg M{\\"u}ller'),
        f("title", "The {\\TeX}book on $\\alpha$ at {NASA}"),
        f("publisher", "Addison-Wesley"),
        f("year", "1984"),
        edited("note", "Costs 50% & more_than $5"),
        f("basefilename", "knuth-texbook"),
        f("summary", "The manual of {\\TeX}."),
    )
    text, report = export_bib([knuth], "bibtex")
    got = fields(text, "knuth1984")
    assert got["author"] == '{Donald E. Knuth and J{\\"o}rg M{\\"u}ller}'
    assert got["title"] == "{The {\\TeX}book on $\\alpha$ at {NASA}}"
    assert got["note"] == "{Costs 50\\% \\& more\\_than \\$5}"
    assert got["basefilename"] == "{knuth-texbook}" and got["summary"] == "{The manual of {\\TeX}.}"
    assert list(got) == ["author", "title", "publisher", "year", "note", "basefilename", "summary"]
    assert report.notes == []


def test_latex_that_could_act_at_compile_time_is_neutralised_and_reported():
    hostile = paper(
        "evil",
        "misc",
        f("author", "Eve"),
        f("title", "\\input{/etc/passwd} and \\write18{rm -rf /} \\def\\x{} \\csname relax\\endcsname"),
        f("note", "^^5cinput{x} and \\@@input y \\catcode`\\@=11 \\immediate\\openout1=x"),
        f("year", "2020"),
    )
    preamble = BibBlock("preamble", "\\newcommand{\\noopsort}[1]{} \\input{secrets}", None, 1, 0)
    for flavour in ("bibtex", "biblatex"):
        text, report = export_bib([hostile], flavour, blocks=[preamble])
        body = entry(text, "evil")
        for command in ("input", "write", "def", "csname", "endcsname", "catcode", "immediate", "openout"):
            assert not re.search(r"(?<!textbackslash\})\\@*" + command + r"(?![A-Za-z])", body), command
        assert "^^" not in body
        assert (
            "{\\textbackslash}input\\{/etc/passwd\\}" in body
            and "{\\textbackslash}def {\\textbackslash}x\\{\\}" in body
        )
        lines = report.lines()
        assert any(line.startswith("evil: title: \\input, \\write, \\def, \\csname, \\endcsname") for line in lines)
        assert (
            "evil: note: \\@@input, \\catcode, \\immediate, \\openout, ^^ written as text: it could act when the "
            "document compiles"
        ) in lines
        # A preamble TeX would run is kept for the reader as a comment, never where TeX reads it.
        assert (
            "@preamble" not in text
            and "@comment{\\newcommand{\\noopsort}[1]{} {\\textbackslash}input\\{secrets\\}}" in text
        )
        assert any(line.startswith("@preamble: it holds \\input") for line in lines)


def test_the_users_tags_note_and_key_win_over_the_file():
    mine = paper(
        "mykey2020",
        "article",
        f("author", "A. Writer"),
        f("title", "Tagged"),
        f("journal", "Journal of Tags"),
        f("keywords", "{Old}; stale", text="Old; stale"),
        f("annote", "what the {file} said"),
        f("year", "2020"),
        tags=["graphs", "to read", "stale"],
        note="My own note",
        key_aliases=["writer2020"],
    )
    text, _ = export_bib([mine], "bibtex")
    got = fields(text, "mykey2020")
    # An import makes tags of the file's keywords; once the tags differ from them, the tags are the keywords.
    assert got["keywords"] == "{graphs, to read, stale}"
    assert got["annote"] == "{My own note}" and "what the" not in text
    text, _ = export_bib([mine], "biblatex")
    got = fields(text, "mykey2020")
    assert (got["annotation"], got["ids"], got["journal"]) == (
        "{My own note}",
        "{writer2020}",
        "{Journal of Tags}",
    )
    # While the note is still the file's annote, the annote is written as the file wrote it.
    unchanged = paper("k", "misc", f("title", "T"), f("annote", "See {\\em this}"), note="See this")
    assert fields(export_bib([unchanged], "bibtex")[0], "k")["annote"] == "{See {\\em this}}"
    # A user's edit of the keywords field is the truth, escaped.
    edited_words = paper("e", "misc", f("title", "T"), edited("keywords", "a_b, c"))
    assert fields(export_bib([edited_words], "bibtex")[0], "e")["keywords"] == "{a\\_b, c}"


def test_biblatex_entries_map_to_bibtex_as_the_biblatex_manual_documents():
    thesis = paper(
        "sis2015",
        "thesis",
        f("author", "Theo Sis"),
        f("title", "A Thesis"),
        f("type", "phdthesis"),
        f("institution", 'ETH Z{\\"u}rich'),
        f("location", 'Z{\\"u}rich'),
        f("date", "2015-06-30"),
    )
    ma = paper("ma2016", "thesis", f("author", "M"), f("title", "T"), f("type", "mathesis"), paper_id=2)
    online = paper(
        "web2022",
        "online",
        f("author", "Web Master"),
        f("title", "A Page"),
        f("url", "https://example.org/a_b"),
        f("date", "2022"),
        paper_id=3,
    )
    report_ = paper(
        "rep", "report", f("author", "R"), f("title", "T"), f("type", "techreport"), f("institution", "I"), paper_id=4
    )
    article = paper("art", "article", f("author", "A"), f("title", "T"), f("journaltitle", "J"), paper_id=5)
    text, report = export_bib([thesis, ma, online, report_, article], "bibtex")
    assert entry(text, "sis2015").startswith("@phdthesis{") and entry(text, "ma2016").startswith("@mastersthesis{")
    got = fields(text, "sis2015")
    assert "type" not in got and got["school"] == '{ETH Z{\\"u}rich}' and got["address"] == '{Z{\\"u}rich}'
    assert (got["year"], got["month"]) == ("{2015}", "jun")
    assert "sis2015: date: BibTeX has only a year and a month; the day 30 left out" in report.lines()
    assert entry(text, "web2022").startswith("@misc{")
    web = fields(text, "web2022")
    assert web["howpublished"] == "{\\url{https://example.org/a_b}}" and web["url"] == "{https://example.org/a_b}"
    assert "web2022: @online has no BibTeX type; written as @misc" in report.lines()
    assert entry(text, "rep").startswith("@techreport{") and "type" not in fields(text, "rep")
    assert fields(text, "art")["journal"] == "{J}"


def test_bibtex_entries_map_to_biblatex_and_back():
    phd = paper(
        "mueller2001",
        "phdthesis",
        f("author", 'J{\\"o}rg M{\\"u}ller'),
        f("title", "On Processes"),
        f("school", 'Universit{\\"a}t Heidelberg'),
        f("address", "Heidelberg"),
        f("year", "2001"),
        f("month", "April", macro="apr"),
    )
    text, report = export_bib([phd], "biblatex")
    # As the file wrote it, which biber reads as @thesis with type phdthesis: a file used with biber comes back whole.
    assert entry(text, "mueller2001").startswith("@phdthesis{") and report.notes == []
    assert fields(text, "mueller2001")["school"] == '{Universit{\\"a}t Heidelberg}'
    text, _ = export_bib([phd], "biblatex", biblatex_names=True)
    assert entry(text, "mueller2001").startswith("@thesis{")
    got = fields(text, "mueller2001")
    assert got["institution"] == '{Universit{\\"a}t Heidelberg}' and got["location"] == "{Heidelberg}"
    assert got["date"] == "{2001-04}" and "year" not in got and "month" not in got
    assert got["type"] == "{phdthesis}"


def test_string_macros_are_written_back_only_when_asked():
    blocks = [
        BibBlock("string", "TUGboat", "j-TUGboat", 1, 0),
        BibBlock("preamble", "\\newcommand{\\noopsort}[1]{}", None, 1, 1),
        BibBlock("comment", "jabref-meta: databaseType:bibtex;", None, 1, 2),
    ]
    tug = paper(
        "tug2020",
        "article",
        f("author", "Barbara Beeton"),
        f("title", "News"),
        f("journal", "TUGboat", macro="j-TUGboat"),
        f("publisher", "Somewhere", macro="undefined-macro"),
        f("year", "2020"),
        f("month", "April", macro="apr"),
    )
    text, _ = export_bib([tug], "bibtex", blocks=blocks, strings=True)
    got = fields(text, "tug2020")
    assert (got["journal"], got["month"]) == ("j-TUGboat", "apr")
    assert got["publisher"] == "{Somewhere}"  # no @string defines it: written expanded
    assert text.index("@string{j-TUGboat = {TUGboat}}") < text.index("@article{tug2020")
    assert text.index("@preamble{{\\newcommand{\\noopsort}[1]{}}}") < text.index("@string{")
    assert text.rstrip().endswith("@comment{jabref-meta: databaseType:bibtex;}")
    text, _ = export_bib([tug], "bibtex", blocks=blocks)
    got = fields(text, "tug2020")
    assert (got["journal"], got["month"]) == ("{TUGboat}", "apr")  # the months need no @string
    assert "@string" not in text and "@preamble" in text and "jabref-meta" in text


def test_crossref_parents_follow_their_children_or_are_inherited():
    procs = paper(
        "a-procs",
        "proceedings",
        f("editor", "Paula Chair"),
        f("title", "Proceedings of Examples"),
        f("publisher", "ACM"),
        f("year", "2010"),
        paper_id=1,
    )
    child = paper(
        "b-child", "inproceedings", f("author", "Chris"), f("title", "A Paper"), f("crossref", "a-procs"), paper_id=2
    )
    text, report = export_bib([procs, child], "bibtex")
    assert text.index("@inproceedings{b-child") < text.index("@proceedings{a-procs")
    assert report.notes == []  # the parent gives the child its booktitle and year
    text, report = export_bib([child], "bibtex", crossref="inherit", parents=[procs])
    got = fields(text, "b-child")
    assert "crossref" not in got and "a-procs" not in text
    assert (got["booktitle"], got["editor"], got["year"]) == ("{Proceedings of Examples}", "{Paula Chair}", "{2010}")
    text, report = export_bib([child], "bibtex", parents=[procs])
    assert "@proceedings{a-procs" in text and "a-procs: added: a crossref parent of the exported entries" in (
        report.lines()
    )


def test_the_report_says_one_line_per_entry_and_field():
    cjk = paper(
        "zh2020",
        "phdthesis",
        f("author", "王小明"),
        f("title", "基于深度学习的图像识别方法研究"),
        f("school", "清华大学"),
        f("year", "2020"),
    )
    text, report = export_bib([cjk], "bibtex")
    assert "基于深度学习的图像识别方法研究" in text  # kept as written, for xelatex or lualatex
    lines = [line for line in report.lines() if line.startswith("zh2020: title:")]
    assert len(lines) == 1
    assert lines[0].startswith("zh2020: title: 15 CJK characters kept as UTF-8; use xelatex or lualatex")
    assert len(report.lines()) == 3  # author, title, school: one line each
