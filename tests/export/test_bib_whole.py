"""A .bib goes in and comes out whole: every entry type as declared, every field as its author wrote it, the
blocks of the file, crossrefs in the order bibtex needs, and the flavour mapped the way the biblatex manual
documents. The real bibtex and biber judge the results; the report names everything they warn about."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from papershelf.exporters.formats import bib_sources, export_papers
from papershelf.model import Library
from papershelf.pipeline import import_file

from .texrun import compile_biber, compile_bibtex, require

# Every standard BibTeX type, complete as plain.bst wants it, with @string, @preamble, a crossref and JabRef's
# metadata: what a LaTeX user's master file holds.
BIBTEX_ALL = r"""@string{j-TUGboat = "TUGboat"}
@string{acm = "ACM Press"}
@preamble{ "\newcommand{\noopsort}[1]{} " }

@article{beeton2020,
  author  = {Barbara Beeton},
  title   = {News from the {\TeX} Users Group},
  journal = j-TUGboat,
  volume  = {41},
  number  = {2},
  pages   = {123--125},
  year    = {2020},
  month   = apr,
}
@book{knuth1984,
  author    = {Donald E. Knuth},
  title     = {The {\TeX}book},
  publisher = {Addison-Wesley},
  address   = {Reading, Massachusetts},
  edition   = {Second},
  series    = {Computers and Typesetting},
  volume    = {A},
  year      = 1984,
}
@booklet{howto2001,
  author       = {Hugo Howard},
  title        = {How to Write a Booklet},
  howpublished = {Handed out at the door},
  year         = {2001},
}
@conference{conf1999,
  author    = {Clara Conference},
  title     = {An Old-Style Conference Paper},
  booktitle = {Proceedings of the Old Conference},
  year      = {1999},
}
@inbook{chapter1990,
  author    = {Ingrid Inbook},
  title     = {A Book with a Chapter},
  chapter   = {3},
  publisher = {Springer},
  year      = {1990},
}
@incollection{author2005,
  author    = {Alan Author},
  title     = {A Chapter of Its Own},
  booktitle = {Handbook of Everything},
  editor    = {Eve Editor and Ed Itor},
  publisher = {Springer},
  pages     = {1--20},
  year      = {2005},
}
@inproceedings{child2010,
  author   = {Chris Child},
  title    = {A Paper in the Proceedings},
  crossref = {procs2010},
  pages    = {10--19},
}
@inproceedings{sibling2010,
  author   = {Sam Sibling},
  title    = {Another Paper in the Proceedings},
  crossref = {procs2010},
  pages    = {20--29},
}
@manual{manual2018,
  author       = {Mary Manual},
  title        = {The Manual of {NASA} Things},
  organization = {{NASA}},
  year         = {2018},
}
@mastersthesis{smith1999,
  author = {Jane Smith},
  title  = {A Study of Things},
  school = {MIT},
  year   = {1999},
}
@misc{misc2015,
  author       = {Miss Ellaneous},
  title        = {Something Else},
  howpublished = {Online},
  year         = {2015},
}
@phdthesis{mueller2001,
  author = {J{\"o}rg M{\"u}ller},
  title  = {On $\alpha$-Stable Processes at {NASA}},
  school = {Universit{\"a}t Heidelberg},
  year   = {2001},
}
@proceedings{procs2010,
  editor    = {Paula Chair},
  title     = {Proceedings of the Tenth Workshop on Examples},
  booktitle = {Proceedings of the Tenth Workshop on Examples},
  publisher = acm,
  year      = {2010},
}
@techreport{lamport1978,
  author      = {Leslie Lamport},
  title       = {Time, Clocks and the Ordering of Events},
  institution = {{SRI} International},
  number      = {CSL-62},
  year        = {1978},
}
@unpublished{draft2020,
  author = {Ursula Underwood},
  title  = {Wishful Results \noopsort{a}},
  note   = {Talk at the Workshop},
  year   = {2020},
}
@comment{jabref-meta: databaseType:bibtex;}
"""

# Every standard biblatex type, a few short of what biber's data model requires (an @inreference without an
# editor, an @online with a urldate), as real biblatex files are.
BIBLATEX_ALL = r"""@string{j-TUGboat = "TUGboat"}
@article{beeton2020,
  author       = {Barbara Beeton},
  title        = {News from the {\TeX} Users Group},
  journaltitle = j-TUGboat,
  volume       = {41},
  number       = {2},
  pages        = {123--125},
  date         = {2020-04},
}
@book{knuth1984,
  author    = {Donald E. Knuth},
  title     = {The {\TeX}book},
  publisher = {Addison-Wesley},
  location  = {Reading, Massachusetts},
  edition   = {2},
  date      = {1984},
}
@mvbook{taocp,
  author    = {Donald E. Knuth},
  title     = {The Art of Computer Programming},
  volumes   = {4},
  publisher = {Addison-Wesley},
  date      = {1968/2011},
}
@inbook{inbook1990,
  author    = {Ingrid Inbook},
  title     = {A Chapter},
  booktitle = {A Book},
  publisher = {Springer},
  date      = {1990},
}
@bookinbook{bib1991,
  author    = {Bea Bookinbook},
  title     = {A Book in a Book},
  booktitle = {The Collected Books},
  date      = {1991},
}
@suppbook{supp1992,
  author    = {Sue Supp},
  title     = {An Afterword},
  booktitle = {A Book},
  date      = {1992},
}
@booklet{howto2001,
  author = {Hugo Howard},
  title  = {How to Write a Booklet},
  date   = {2001},
}
@collection{coll2003,
  editor    = {Eve Editor},
  title     = {Essays on Everything},
  publisher = {Springer},
  date      = {2003},
}
@mvcollection{mvcoll2004,
  editor = {Eve Editor},
  title  = {Essays, Complete},
  date   = {2004},
}
@incollection{author2005,
  author    = {Alan Author},
  title     = {A Chapter of Its Own},
  booktitle = {Handbook of Everything},
  editor    = {Eve Editor and Ed Itor},
  date      = {2005},
}
@suppcollection{suppcoll2005,
  author    = {Ian Intro},
  title     = {Introduction},
  booktitle = {Essays on Everything},
  date      = {2005},
}
@dataset{data2019,
  author = {Dana Set},
  title  = {Measurements of Things},
  date   = {2019},
  doi    = {10.5281/zenodo.1234},
}
@manual{manual2018,
  author = {Mary Manual},
  title  = {The Manual of {NASA} Things},
  date   = {2018},
}
@misc{misc2015,
  author = {Miss Ellaneous},
  title  = {Something Else},
  date   = {2015},
}
@online{website2022,
  author  = {Web Master},
  title   = {A Page on the Web},
  url     = {https://example.org/page_1},
  urldate = {2022-05-01},
  date    = {2022},
}
@patent{patent2000,
  author = {Pat Entee},
  title  = {A Better Mousetrap},
  number = {US 1234567},
  holder = {Mousetrap Inc.},
  date   = {2000-01-15},
}
@periodical{period2012,
  editor = {Percy Odical},
  title  = {The Journal of Examples},
  issuetitle = {Special Issue on Examples},
  date   = {2012},
}
@suppperiodical{supper2013,
  author       = {Sally Supp},
  title        = {Letter to the Editor},
  journaltitle = {The Journal of Examples},
  date         = {2013},
}
@proceedings{procs2010,
  editor    = {Paula Chair},
  title     = {Proceedings of the Tenth Workshop on Examples},
  publisher = {ACM},
  date      = {2010},
}
@mvproceedings{mvprocs2011,
  editor = {Paula Chair},
  title  = {Proceedings of All Workshops},
  date   = {2011},
}
@inproceedings{child2010,
  author   = {Chris Child},
  title    = {A Paper in the Proceedings},
  crossref = {procs2010},
  pages    = {10--19},
}
@reference{ref2014,
  editor = {Rita Reference},
  title  = {The Encyclopedia of Examples},
  date   = {2014},
}
@mvreference{mvref2015,
  editor = {Rita Reference},
  title  = {The Encyclopedia, All Volumes},
  date   = {2015},
}
@inreference{inref2014,
  author    = {Ivan Inref},
  title     = {Example (entry)},
  booktitle = {The Encyclopedia of Examples},
  date      = {2014},
}
@report{lamport1978,
  author      = {Leslie Lamport},
  title       = {Time, Clocks and the Ordering of Events},
  type        = {techreport},
  institution = {{SRI} International},
  number      = {CSL-62},
  date        = {1978},
}
@software{soft2021,
  author  = {Sofia Ware},
  title   = {Papershelf},
  version = {1.0},
  date    = {2021},
}
@thesis{thesis2015,
  author      = {Theo Sis},
  title       = {A Thesis with a Type},
  type        = {phdthesis},
  institution = {ETH Z{\"u}rich},
  date        = {2015-06},
}
@thesis{thesis2016,
  author      = {Mia Master},
  title       = {A Master's Thesis},
  type        = {mathesis},
  institution = {MIT},
  date        = {2016},
}
@unpublished{draft2020,
  author = {Ursula Underwood},
  title  = {Wishful Results},
  date   = {2020},
}
@set{set2020,
  entryset = {draft2020,misc2015},
}
"""

_ENTRY = re.compile(r"^@(\w+)\{([^,\s]+),", re.M)


def entries(bib: str) -> dict[str, str]:
    """key -> entry type of every entry in a .bib text (blocks left out)."""
    return {
        key: kind.lower() for kind, key in _ENTRY.findall(bib) if kind.lower() not in ("string", "preamble", "comment")
    }


def imported(tmp_path: Path, text: str, name: str = "mine.bib") -> Library:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    library = Library.open(tmp_path / f"{name}.sqlite")
    report = import_file(library, path)
    assert report.ok, report.error
    return library


def export(library: Library, flavour: str, **options):
    papers = library.get_papers(library.paper_ids())
    return export_papers(papers, flavour, sources=bib_sources(library, papers), **options)


def noted_keys(report) -> set[str]:
    return {note.key for note in report.notes}


def bibtex_warnings(blg: str) -> dict[str, list[str]]:
    """key -> bibtex's warnings about that entry."""
    found: dict[str, list[str]] = {}
    for line in blg.splitlines():
        match = re.match(r"Warning--(.*) in (\S+)$", line)
        if match:
            found.setdefault(match.group(2), []).append(match.group(1))
        match = re.match(r'Warning--entry type for "([^"]+)" isn\'t style-file defined', line)
        if match:
            found.setdefault(match.group(1), []).append("entry type not defined by the style")
    return found


def biber_warnings(blg: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in blg.splitlines():
        match = re.search(r"WARN - Datamodel: Entry '([^']+)' \([^)]*\): (.*)", line)
        if match:
            found.setdefault(match.group(1), []).append(match.group(2))
    return found


def errors(run) -> list[str]:
    return [line for line in run.log.splitlines() if line.startswith("!")] + [
        line for line in run.blg.splitlines() if "ERROR" in line or "error message" in line
    ]


def test_every_bibtex_type_comes_back_as_declared_and_compiles_clean(tmp_path):
    require("pdflatex", "bibtex")
    library = imported(tmp_path, BIBTEX_ALL)
    result = export(library, "bibtex")
    assert entries(result.text) == entries(BIBTEX_ALL)  # 15 keys, each with its own type
    assert result.report.notes == []
    run = compile_bibtex(result.text, tmp_path / "tex")
    assert errors(run) == [] and bibtex_warnings(run.blg) == {}
    assert "\\noopsort" in result.text and "jabref-meta: databaseType:bibtex;" in result.text
    # A crossref parent stands after every entry citing it, or bibtex cannot inherit from it.
    order = list(entries(result.text))
    assert order.index("procs2010") > max(order.index("child2010"), order.index("sibling2010"))
    library.close()


def test_a_bibtex_file_exported_for_biber_validates(tmp_path):
    require("pdflatex", "biber")
    library = imported(tmp_path, BIBTEX_ALL)
    for biblatex_names in (False, True):
        result = export(library, "biblatex", biblatex_names=biblatex_names)
        types = entries(result.text)
        if biblatex_names:
            assert (types["mueller2001"], types["lamport1978"], types["conf1999"]) == (
                "thesis",
                "report",
                "inproceedings",
            )
            assert "  journaltitle = {TUGboat}," in result.text and "  date = {2020-04}," in result.text
        else:
            assert types == entries(BIBTEX_ALL)  # as declared: biber reads BibTeX's types as aliases
        run = compile_biber(result.text, tmp_path / f"tex-{biblatex_names}", biber_args=("--validate-datamodel",))
        assert errors(run) == []
        warned = biber_warnings(run.blg)
        assert set(warned) <= noted_keys(result.report), (warned, result.report.lines())
    library.close()


def test_every_biblatex_type_validates_with_biber(tmp_path):
    require("pdflatex", "biber")
    library = imported(tmp_path, BIBLATEX_ALL)
    result = export(library, "biblatex")
    assert entries(result.text) == entries(BIBLATEX_ALL)
    run = compile_biber(result.text, tmp_path / "tex", biber_args=("--validate-datamodel",))
    assert errors(run) == []
    warned = biber_warnings(run.blg)
    # What biber's data model misses is what the source entries lack, and the report said so first.
    assert set(warned) == {"inref2014", "suppcoll2005", "supper2013"}
    assert set(warned) <= noted_keys(result.report)
    lines = result.report.lines()
    assert "inref2014: @inreference: no editor" in lines
    library.close()


def test_a_biblatex_file_exported_for_bibtex_warns_only_where_reported(tmp_path):
    require("pdflatex", "bibtex")
    library = imported(tmp_path, BIBLATEX_ALL)
    result = export(library, "bibtex")
    types = entries(result.text)
    assert (types["thesis2015"], types["thesis2016"], types["lamport1978"]) == (
        "phdthesis",
        "mastersthesis",
        "techreport",
    )
    # @online is @misc in BibTeX, as the biblatex manual has it; a biblatex type BibTeX lacks stays as declared.
    assert (types["website2022"], types["patent2000"], types["coll2003"]) == ("misc", "patent", "collection")
    run = compile_bibtex(result.text, tmp_path / "tex")
    assert errors(run) == []
    warned = bibtex_warnings(run.blg)
    assert warned  # the biblatex entries lack what BibTeX types want (a publisher, a note) ...
    assert set(warned) <= noted_keys(result.report), (warned, result.report.lines())  # ... and the report says so
    lines = result.report.lines()
    assert "draft2020: @unpublished: no note" in lines
    assert (
        "coll2003: @collection is a biblatex type, not a standard BibTeX one: kept as declared; plain and most "
        "BibTeX styles print it as @misc (the nearest BibTeX type is @book)"
    ) in lines
    assert "taocp: date: BibTeX has only a year and a month; '/2011' after the date left out" in lines
    library.close()


def test_the_export_command_writes_strings_blocks_and_crossrefs(tmp_path, capsys):
    from papershelf.cli.main import main

    source = tmp_path / "master.bib"
    source.write_text(BIBTEX_ALL, encoding="utf-8")
    lib = str(tmp_path / "cli.sqlite")
    assert main(["--library", lib, "import", str(source)]) == 0
    capsys.readouterr()
    out = tmp_path / "out.bib"
    assert main(["--library", lib, "export", "--strings", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "@string{j-TUGboat = {TUGboat}}" in text and "  journal = j-TUGboat," in text
    assert "  publisher = acm," in text and "  month = apr," in text
    assert "@preamble{{\\newcommand{\\noopsort}[1]{} }}" in text
    assert text.rstrip().endswith("@comment{jabref-meta: databaseType:bibtex;}")
    assert entries(text) == entries(BIBTEX_ALL)

    # Only the children, parents inherited: the crossref is gone and its fields are in each child.
    assert main(["--library", lib, "export", "--query", "Proceedings", "--crossref", "inherit"]) == 0
    inherited = capsys.readouterr().out
    child = re.search(r"@inproceedings\{child2010,\n(?:  .*\n)*\}", inherited).group(0)
    assert "crossref" not in child and "  year = {2010}," in child and "  publisher = {ACM Press}," in child
    assert "  booktitle = {Proceedings of the Tenth Workshop on Examples}," in child

    # Kept crossrefs bring their parent along when the selection leaves it out, and put it last.
    assert main(["--library", lib, "export", "--query", "Another Paper in the Proceedings"]) == 0
    run = capsys.readouterr()
    assert list(entries(run.out)) == ["sibling2010", "procs2010"]
    assert "procs2010: added: a crossref parent of the exported entries" in run.err


def test_our_own_export_reimported_changes_nothing(tmp_path):
    library = imported(tmp_path, BIBTEX_ALL)
    for flavour, strings in (("bibtex", True), ("bibtex", False)):
        text = export(library, flavour, strings=strings).text
        again = tmp_path / f"again-{flavour}-{strings}.bib"
        again.write_text(text, encoding="utf-8")
        report = import_file(library, again)
        assert report.ok and (report.new, report.updated) == (0, 0), (report.new, report.updated, report.warnings)
        assert export(library, flavour, strings=strings).text == text
    library.close()


@pytest.mark.parametrize("flavour", ["bibtex", "biblatex"])
def test_xampl_from_the_tex_installation_compiles_and_every_warning_is_reported(tmp_path, flavour):
    """BibTeX's own example file: odd on purpose (`{\\noopsort{1973a}}` years, `WHOLE-JOURNAL` crossrefs in
    capitals, entries missing what their type requires), so each warning must be in the report first."""
    require("pdflatex", "bibtex" if flavour == "bibtex" else "biber")
    xampl = subprocess.run(["kpsewhich", "xampl.bib"], capture_output=True, text=True).stdout.strip()
    if not xampl:
        pytest.skip("xampl.bib is not installed (Debian: texlive-bibtex-extra)")
    library = imported(tmp_path, Path(xampl).read_text(encoding="utf-8"), "xampl.bib")
    result = export(library, flavour)
    assert len(entries(result.text)) == len(entries(Path(xampl).read_text(encoding="utf-8")))
    if flavour == "bibtex":
        run = compile_bibtex(result.text, tmp_path / "tex")
        warned = bibtex_warnings(run.blg)
    else:
        run = compile_biber(result.text, tmp_path / "tex", biber_args=("--validate-datamodel",))
        warned = biber_warnings(run.blg)
        # biber matches keys case-sensitively: the crossref is written with the parent's key as exported.
        assert "crossref = {whole-journal}" in result.text
    assert errors(run) == []
    assert warned and set(warned) <= noted_keys(result.report), (warned, result.report.lines())
    library.close()
