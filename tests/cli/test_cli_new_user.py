"""What a new user meets at the command line (issue 14, "Command line"): unknown paper ids, a mistyped --library,
choices in any case, an author by name, ids as separate arguments, an export that matches nothing, plurals and
every command's --help. Each test runs the command as typed and checks what is printed, the exit status and
that nothing changed."""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from cli_support import dump, run_cli
from seedfiles import SEED_AS_OF, SEED_HOMEPAGE, SEED_SCHOLARLY

from papershelf.cli.main import build_parser, main


@pytest.fixture(scope="module")
def _seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seeded") / "library.sqlite"
    assert main(["--library", str(path), "import", str(SEED_HOMEPAGE), str(SEED_SCHOLARLY), "--as-of", SEED_AS_OF]) == 0
    connection = sqlite3.connect(path)  # everything into the one file the tests copy
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return path


@pytest.fixture
def lib(_seeded: Path, tmp_path: Path) -> str:
    """A fresh copy of the seeded library for each test."""
    path = tmp_path / "library.sqlite"
    shutil.copy(_seeded, path)
    return str(path)


# ----------------------------------------------------------------------------------------- unknown ids
@pytest.mark.parametrize(
    "command",
    [
        ["tag", "x", "999"],
        ["tag", "x", "1,999"],
        ["tag", "x", "1", "999", "--remove"],
        ["delete", "999"],
        ["delete", "1", "999"],
        ["restore-papers", "999"],
        ["note", "999", "text"],
        ["edit", "999", "title=x"],
        ["key", "999", "--set", "newkey"],
        ["merge", "1", "999"],
        ["distinct", "1", "999"],
        ["rekey", "--ids", "1,999"],
        ["complete", "--ids", "999"],
    ],
)
def test_an_unknown_paper_id_is_named_and_nothing_changes(capsys, lib, command):
    before = dump(Path(lib))
    code, out, err = run_cli(capsys, "--library", lib, *command)
    assert code == 2, (out, err)
    assert "there is no paper with id 999" in err and "nothing was changed" in err
    assert "Traceback" not in err
    assert dump(Path(lib)) == before


def test_several_unknown_ids_are_all_named(capsys, lib):
    code, _, err = run_cli(capsys, "--library", lib, "tag", "x", "1,998", "999")
    assert code == 2 and "there are no papers with ids 998, 999" in err


def test_listing_an_unknown_id_is_an_error_too(capsys, lib):
    code, _out, err = run_cli(capsys, "--library", lib, "papers", "--ids", "999")
    assert code == 2 and "there is no paper with id 999" in err
    assert "0 papers" not in err and "1 papers" not in err


def test_delete_and_restore_count_what_they_did(capsys, lib):
    code, out, _ = run_cli(capsys, "--library", lib, "delete", "1", "2")
    assert code == 0 and out.startswith("2 papers moved to the trash")
    code, out, _ = run_cli(capsys, "--library", lib, "delete", "2", "3")
    assert code == 0 and out.startswith("1 paper moved to the trash") and "paper 2 was already in the trash" in out
    code, out, _ = run_cli(capsys, "--library", lib, "restore-papers", "1", "4")
    assert code == 0 and out.startswith("1 paper restored") and "paper 4 was not in the trash" in out
    run_cli(capsys, "--library", lib, "papers", "--trash", "--json")
    code, out, _ = run_cli(capsys, "--library", lib, "papers", "--trash", "--json")
    assert sorted(p["id"] for p in json.loads(out)) == [2, 3]


def test_a_merged_away_paper_is_not_written_to(capsys, lib):
    assert run_cli(capsys, "--library", lib, "merge", "1", "2")[0] == 0
    code, _, err = run_cli(capsys, "--library", lib, "note", "2", "my note")
    assert code == 2 and "paper 2 was merged into paper 1: name 1 instead" in err
    code, out, err = run_cli(capsys, "--library", lib, "show", "2", "--json")
    assert code == 0 and json.loads(out)["id"] == 1 and "paper 2 was merged into paper 1" in err


# ------------------------------------------------------------------------------------ ids as arguments
def test_tag_takes_ids_as_separate_arguments(capsys, lib):
    code, out, err = run_cli(capsys, "--library", lib, "tag", "to read", "7", "14", "17")
    assert code == 0, err
    assert out.strip() == "tag 'to read' added to 3 papers"
    code, out, _ = run_cli(capsys, "--library", lib, "papers", "--tag", "to read", "--json")
    assert sorted(p["id"] for p in json.loads(out)) == [7, 14, 17]
    code, out, _ = run_cli(capsys, "--library", lib, "tag", "to read", "7,14", "3")
    assert out.strip() == "tag 'to read' added to 1 paper; 2 already had it"
    code, out, _ = run_cli(capsys, "--library", lib, "export", "--ids", "7", "14", "--format", "csl-json")
    assert code == 0 and len(json.loads(out)) == 2


def test_removing_a_tag_nobody_has_names_it(capsys, lib):
    code, out, err = run_cli(capsys, "--library", lib, "tag", "no such tag", "7", "--remove")
    assert code == 2 and out == "" and "there is no tag 'no such tag'" in err


def test_a_word_among_the_ids_is_refused(capsys, lib):
    code, _, err = run_cli(capsys, "--library", lib, "tag", "x", "7", "seven")
    assert code == 2 and "'seven'" in err


# ---------------------------------------------------------------------------------- mistyped --library
@pytest.mark.parametrize(
    "command",
    [
        ["papers"],
        ["search", "attention"],
        ["authors"],
        ["show", "1"],
        ["author", "1"],
        ["sources"],
        ["tags"],
        ["tag", "x", "1"],
        ["note", "1", "hello"],
        ["delete", "1"],
        ["export", "-o", "out.bib"],
        ["config", "--unset", "lookup.contact_email"],
    ],
)
def test_a_mistyped_library_path_creates_nothing(capsys, tmp_path, monkeypatch, command):
    # (export to standard output, duplicates, rekey --preview, key ID and autoexport list already refused.)
    monkeypatch.chdir(tmp_path)
    typo = tmp_path / "typo" / "folder" / "libary.sqlite"
    code, out, err = run_cli(capsys, "--library", str(typo), *command)
    assert code == 2, (out, err)
    assert f"there is no library at {typo}" in err and "Traceback" not in err
    assert not (tmp_path / "typo").exists()


def test_a_command_that_writes_says_it_created_the_library(capsys, tmp_path):
    new = tmp_path / "new" / "library.sqlite"
    code, _, err = run_cli(capsys, "--library", str(new), "import", str(SEED_HOMEPAGE))
    assert code == 0 and f"Created a new library at {new}" in err
    code, _, err = run_cli(capsys, "--library", str(new), "import", str(SEED_SCHOLARLY))
    assert code == 0 and "Created" not in err
    other = tmp_path / "other.sqlite"
    code, _out, err = run_cli(capsys, "--library", str(other), "config", "lookup.contact_email", "me@example.org")
    assert code == 0 and f"Created a new library at {other}" in err


# ------------------------------------------------------------------------------------ choices and names
def test_choices_are_case_insensitive(capsys, lib):
    code, out, err = run_cli(capsys, "--library", lib, "export", "--format", "BibTeX", "--ids", "1")
    assert code == 0, err
    assert out.lstrip().startswith(("@", "%"))
    code, out, _ = run_cli(capsys, "--library", lib, "papers", "--sort", "Year")
    assert code == 0
    with pytest.raises(SystemExit) as refused:
        main(["--library", lib, "export", "--format", "word"])
    err = capsys.readouterr().err
    assert refused.value.code == 2 and "'word' is not one of: bibtex, biblatex, csl-json, ris" in err


def test_author_takes_a_name(capsys, lib):
    code, out, err = run_cli(capsys, "--library", lib, "author", "Junyang Lin")
    assert code == 0, err
    assert out.startswith("Junyang Lin  (")
    code, out, err = run_cli(capsys, "--library", lib, "author", "Junyang")
    assert code == 0 and out.startswith("Junyang Lin  (")  # one person matches
    code, out, err = run_cli(capsys, "--library", lib, "author", "Zzyzx Nobody")
    assert code == 2 and "no author called 'Zzyzx Nobody'" in err
    code, out, err = run_cli(capsys, "--library", lib, "author", " ")
    assert code == 2 and out == "" and "name an author by id or by name" in err


def test_author_lists_the_people_a_name_matches(capsys, lib):
    code, out, _ = run_cli(capsys, "--library", lib, "authors", "Li", "--json")
    matches = json.loads(out)
    assert len(matches) > 1
    code, out, err = run_cli(capsys, "--library", lib, "author", "Li")
    assert code == 2 and "people match 'Li'; name one by its id" in err
    for person in matches[:20]:
        assert f"{person['id']:>7}  {person['name']}" in err


# -------------------------------------------------------------------------------------- empty exports
def test_an_export_that_matches_nothing_writes_nothing(capsys, lib, tmp_path):
    target = tmp_path / "out.bib"
    code, out, err = run_cli(capsys, "--library", lib, "export", "--query", "zzzqqq", "-o", str(target))
    assert code == 2 and "no papers matched; nothing was written" in err
    assert not target.exists()
    code, out, err = run_cli(capsys, "--library", lib, "export", "--query", "zzzqqq")
    assert code == 2 and out == "" and "no papers matched" in err


# -------------------------------------------------------------------------------------------- plurals
def test_one_paper_is_one_paper(capsys, lib):
    code, _, err = run_cli(capsys, "--library", lib, "papers", "--ids", "1")
    assert code == 0 and err.strip() == "1 paper"
    code, _, err = run_cli(capsys, "--library", lib, "search", "zzzqqq")
    assert err.strip() == "0 papers"
    code, _out, err = run_cli(
        capsys, "--library", lib, "export", "--ids", "1", "-o", str(Path(lib).with_name("one.bib"))
    )
    assert "1 entry written" in err


# ----------------------------------------------------------------------------------------------- help
def _all_parsers(parser: argparse.ArgumentParser, prefix: str = ""):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield f"{prefix}{name}", sub
                yield from _all_parsers(sub, f"{prefix}{name} ")


def test_every_command_has_a_description():
    missing = [name for name, sub in _all_parsers(build_parser()) if not (sub.description or "").strip()]
    assert missing == []


def test_note_help_mentions_standard_input(capsys):
    with pytest.raises(SystemExit):
        main(["note", "--help"])
    out = capsys.readouterr().out
    assert "- reads it from standard input" in out


def test_import_format_in_any_case(capsys, tmp_path):
    library = str(tmp_path / "library.sqlite")
    code, out, err = run_cli(
        capsys, "--library", library, "import", str(SEED_SCHOLARLY), "--format", "Scholarly-Profile"
    )
    assert code == 0, err
    assert "scholarly-profile" in out


def test_backup_and_check_count_one_paper_as_one(capsys, tmp_path):
    bib = tmp_path / "one.bib"
    bib.write_text("@article{a, title={One Paper}, author={Doe, Jane}, year={2020}, journal={J}}\n", encoding="utf-8")
    library = str(tmp_path / "library.sqlite")
    assert run_cli(capsys, "--library", library, "import", str(bib))[0] == 0
    code, out, _ = run_cli(capsys, "--library", library, "check")
    assert code == 0 and ", 1 paper)" in out
    code, out, _ = run_cli(capsys, "--library", library, "backup")
    assert code == 0 and "(1 paper, checked: ok)" in out
