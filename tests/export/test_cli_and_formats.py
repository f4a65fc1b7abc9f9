"""The export commands as a user runs them, CSL-JSON and RIS, and the venue table."""

from __future__ import annotations

import json
import re

import pytest

from papershelf.cli.main import main
from papershelf.exporters.formats import export_papers
from papershelf.model.venues import canonical_venue, load_table

from .conftest import add_records, record


def _entry_count(bib: str) -> int:
    """Entries in a .bib, not counting the bibtex flavour's @preamble."""
    return len(re.findall(r"^@(?!preamble\b)\w+\{", bib, flags=re.M | re.I))


@pytest.fixture
def cli_library(library, library_path):
    add_records(
        library,
        [
            record(1, title="Layer Norm for BERT", authors=("Jingjing Xu", "Xu Sun"), year=2019, venue="NeurIPS 2019"),
            record(2, title="Żółć Studies", authors=("Zoë Müller",), year=2020, venue="TKDE", abstract="中文 text"),
        ],
    )
    return library_path


def test_export_to_stdout_and_to_a_file(cli_library, capsys, tmp_path):
    assert main(["--library", str(cli_library), "export"]) == 0
    out = capsys.readouterr()
    assert _entry_count(out.out) == 2 and "booktitle = {Advances in Neural Information Processing Systems}" in out.out
    assert "U+4E2D" in out.err  # the report names what bibtex cannot carry
    target = tmp_path / "out.bib"
    assert main(["--library", str(cli_library), "export", "--format", "biblatex", "--output", str(target)]) == 0
    assert "中文" in target.read_text(encoding="utf-8")
    assert main(["--library", str(cli_library), "export", "-f", "csl-json", "--author", "Müller"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert [i["title"] for i in items] == ["Żółć Studies"]
    assert main(["--library", str(cli_library), "export", "--ids", "999"]) == 2


def test_key_and_rekey_commands(cli_library, capsys):
    assert main(["--library", str(cli_library), "key", "1"]) == 0
    assert capsys.readouterr().out.strip() == "xu2019layer"
    assert main(["--library", str(cli_library), "rekey", "--preview", "--pattern", "[authors2][year]"]) == 0
    assert "xu2019layer  ->  XuSun2019" in capsys.readouterr().out
    assert main(["--library", str(cli_library), "key", "1"]) == 0
    assert capsys.readouterr().out.strip() == "xu2019layer"
    assert main(["--library", str(cli_library), "rekey", "--ids", "1", "--pattern", "[authors2][year]"]) == 0
    capsys.readouterr()
    assert main(["--library", str(cli_library), "key", "1"]) == 0
    assert capsys.readouterr().out.strip() == "XuSun2019"
    assert main(["--library", str(cli_library), "rekey", "--preview", "--pattern", "[bogus]"]) == 2


def test_autoexport_commands(cli_library, capsys, tmp_path):
    target = tmp_path / "synced.bib"
    assert main(["--library", str(cli_library), "autoexport", "add", str(target), "--tag", "thesis"]) == 0
    assert _entry_count(target.read_text()) == 0
    assert main(["--library", str(cli_library), "key", "1", "--set", "mykey2019"]) == 0
    assert main(["--library", str(cli_library), "tag", "thesis", "1"]) == 0
    # The tag command itself brought the file up to date: every command that changes the library does.
    assert "@inproceedings{mykey2019," in target.read_text()
    capsys.readouterr()
    assert main(["--library", str(cli_library), "autoexport", "sync"]) == 0
    assert "unchanged (1 entry)" in capsys.readouterr().out
    assert main(["--library", str(cli_library), "autoexport", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["path"], r["format"], r["tag"]) for r in rows] == [(str(target.resolve()), "bibtex", "thesis")]
    assert main(["--library", str(cli_library), "autoexport", "remove", str(target)]) == 0
    assert main(["--library", str(cli_library), "autoexport", "remove", str(target)]) == 2


def test_csl_json_and_ris(cli_library):
    from papershelf.model import Library

    library = Library.open(cli_library)
    papers = library.get_papers(library.paper_ids())
    items = json.loads(export_papers(papers, "csl-json").text)
    neurips = next(i for i in items if i["id"] == "xu2019layer")
    assert neurips["type"] == "paper-conference"
    assert neurips["container-title"] == "Advances in Neural Information Processing Systems"
    assert neurips["author"][0] == {"family": "Xu", "given": "Jingjing"}
    assert neurips["issued"] == {"date-parts": [[2019]]}
    ris = export_papers(papers, "ris").text
    assert "TY  - CONF" in ris and "TY  - JOUR" in ris and "AU  - Müller, Zoë" in ris and ris.count("ER  - ") == 2
    library.close()


def test_venue_table_aliases_years_and_user_extension(tmp_path):
    assert canonical_venue("NeurIPS 2019").short == "NeurIPS"
    assert canonical_venue("nips").short == "NeurIPS"
    assert canonical_venue("ACL-IJCNLP 2021").short == "ACL"
    assert canonical_venue("ACMMM 2020").short == "ACM MM"
    assert canonical_venue("SIGKDD").short == "KDD"
    arxiv = canonical_venue("arXiv")
    assert (arxiv.short, arxiv.kind) == ("arXiv", "preprint")
    assert canonical_venue("Advances in Neural Information Processing Systems").short == "NeurIPS"
    assert canonical_venue("Some Workshop Nobody Knows") is None
    user = tmp_path / "venues.json"
    user.write_text(
        json.dumps(
            {
                "venues": [
                    {"short": "MyConf", "full": "Proceedings of My Conference", "kind": "conference", "aliases": ["MC"]}
                ]
            }
        ),
        encoding="utf-8",
    )
    table = load_table(user)
    assert table.lookup("MC 2024").full == "Proceedings of My Conference"
    assert table.lookup("ICLR").short == "ICLR"


def test_export_ids_are_taken_once_and_a_merged_paper_exports_as_the_paper_it_joined(cli_library, capsys):
    from papershelf.model import Library
    from papershelf.model.merge import merge_papers

    assert main(["--library", str(cli_library), "export", "--ids", "1,1,2"]) == 0
    assert _entry_count(capsys.readouterr().out) == 2
    library = Library.open(cli_library)
    merge_papers(library, 1, [2])
    library.close()
    assert main(["--library", str(cli_library), "export", "--ids", "2"]) == 0
    out = capsys.readouterr()
    assert "@inproceedings{xu2019layer," in out.out and "paper2" not in out.out
    assert "paper 2 was merged into paper 1" in out.err
    assert main(["--library", str(cli_library), "export", "--ids", "1,2"]) == 0
    assert _entry_count(capsys.readouterr().out) == 1


def test_export_of_an_unknown_tag_is_refused(cli_library, capsys):
    assert main(["--library", str(cli_library), "export", "--tag", "nosuchtag"]) == 2
    out = capsys.readouterr()
    assert out.out == "" and "nosuchtag" in out.err
    assert main(["--library", str(cli_library), "tag", "thesis", "1"]) == 0
    assert main(["--library", str(cli_library), "export", "--tag", "thesis"]) == 0
    assert _entry_count(capsys.readouterr().out) == 1


def test_export_into_a_missing_folder_fails_and_makes_no_folder(cli_library, capsys, tmp_path):
    target = tmp_path / "gone" / "refs.bib"
    assert main(["--library", str(cli_library), "export", "--output", str(target)]) == 2
    assert "cannot write" in capsys.readouterr().err
    assert not target.parent.exists()


def test_key_set_refuses_a_key_bibtex_cannot_find(cli_library, capsys):
    assert main(["--library", str(cli_library), "key", "1", "--set", "Ünïcode2"]) == 2
    assert main(["--library", str(cli_library), "key", "1"]) == 0
    assert capsys.readouterr().out.strip() == "xu2019layer"
