"""The command line as scripts and users meet it: the import report, the JSON contracts, bad input."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import weakref
from pathlib import Path

import pytest
from cli_support import dump, run_cli
from seedfiles import ALL_SEEDS, SEED_AGGREGATOR, SEED_ARXIV, SEED_AS_OF, SEED_HOMEPAGE, SEED_SCHOLARLY

from papershelf import exiting
from papershelf.cli.main import COMMAND_MODULES, COMMANDS, build_parser, command_of, main

# Papers each seed lists, counted by hand from the pages.
SEED_COUNTS = {
    "000_f5f6b2d255113960.txt": 20,
    "001_b8138a3e09088a1a.txt": 33,
    "002_3e77bbf1de03bcad.txt": 9,
    "003_536a871b23289ef2.txt": 29,
    "004_d214b1876f62693a.txt": 10,
}


def test_import_report_counts_every_seed(capsys, library_path):
    code, out, _ = run_cli(
        capsys, "--library", str(library_path), "import", *map(str, ALL_SEEDS), "--as-of", SEED_AS_OF, "--json"
    )
    assert code == 0
    reports = {r["file"]: r for r in json.loads(out)}
    for name, count in SEED_COUNTS.items():
        assert reports[name]["found"] == count, name
        assert reports[name]["error"] is None
    assert reports["001_b8138a3e09088a1a.txt"]["claimed"] == 33
    assert reports["003_536a871b23289ef2.txt"]["claimed"] == 29
    assert reports["000_f5f6b2d255113960.txt"]["owner"] == "Junyang Lin"
    assert reports["001_b8138a3e09088a1a.txt"]["owner"] == "Jinyang Gao"
    assert reports["003_536a871b23289ef2.txt"]["owner"] == "Li Dong"
    assert reports["002_3e77bbf1de03bcad.txt"]["owner"] is None


def test_papers_json_has_the_documented_fields(capsys, library_path):
    run_cli(capsys, "--library", str(library_path), "import", str(SEED_HOMEPAGE))
    code, out, _ = run_cli(capsys, "--library", str(library_path), "papers", "--json")
    assert code == 0
    papers = json.loads(out)
    assert len(papers) == 20
    required = {
        "id",
        "title",
        "year",
        "venue",
        "arxiv_id",
        "doi",
        "authors",
        "authors_complete",
        "abstract",
        "tags",
        "note",
        "sources",
        "citekey",
    }
    for paper in papers:
        assert required <= paper.keys()
        assert paper["sources"] == [
            {
                "file": SEED_HOMEPAGE.name,
                "format": "homepage",
                "line": paper["sources"][0]["line"],
                "source_id": paper["sources"][0]["source_id"],
            }
        ]
    cogview = next(p for p in papers if p["title"].startswith("CogView"))
    assert cogview["venue"] == "NeurIPS" and cogview["year"] == 2021
    assert cogview["authors"][0] == "Ming Ding" and len(cogview["authors"]) == 11
    assert cogview["authors_complete"] is True
    m6 = next(p for p in papers if p["title"] == "M6: A Chinese Multimodal Pretrainer")
    # Issue 14: the page's remark is the page's, in `remarks`; the note is the user's alone.
    assert m6["remarks"].startswith("Note that this is an extension of my KDD paper") and m6["note"] == ""


def test_papers_json_also_gives_links_venue_names_and_flags(capsys, library_path):
    run_cli(capsys, "--library", str(library_path), "import", *map(str, ALL_SEEDS), "--as-of", SEED_AS_OF)
    _, out, _ = run_cli(capsys, "--library", str(library_path), "papers", "--json")
    papers = json.loads(out)
    added = {"url", "volume", "number", "pages", "publisher", "venue_full", "venue_kind", "also_by_ids"}
    added |= {"has_code", "has_note", "updated_at", "links", "tags", "doi", "arxiv_id", "authors_complete"}
    for paper in papers:
        assert added <= paper.keys()
        # Issue 14: a "Code" flag read from a page counts too, not only a code link.
        assert paper["has_code"] >= any(link["kind"] == "code" for link in paper["links"])
        assert paper["has_note"] == bool(paper["note"].strip())
        assert len(paper["also_by_ids"]) == len(paper["also_by"])
    # Issue 14: nobody typed a note yet (a page's remark is in `remarks`, not the user's note).
    assert any(p["has_code"] for p in papers) and not any(p["has_note"] for p in papers)
    assert any(p["remarks"] for p in papers)
    cogview = next(p for p in papers if (p["title"] or "").startswith("CogView"))
    assert cogview["venue"] == "NeurIPS"
    assert (cogview["venue_full"], cogview["venue_kind"]) == (
        "Advances in Neural Information Processing Systems",
        "conference",
    )
    assert all(p["venue_full"] is None for p in papers if not p["venue"])
    # `show --json` gives the same fields.
    _, out, _ = run_cli(capsys, "--library", str(library_path), "show", str(cogview["id"]), "--json")
    assert json.loads(out)["venue_full"] == cogview["venue_full"]


def test_authors_json_lists_people_with_variants_and_counts(capsys, library_path):
    run_cli(capsys, "--library", str(library_path), "import", str(SEED_HOMEPAGE))
    code, out, _ = run_cli(capsys, "--library", str(library_path), "authors", "--json")
    assert code == 0
    authors = json.loads(out)
    assert {"id", "name", "variants", "paper_count"} <= authors[0].keys()
    lin = [a for a in authors if a["name"] == "Junyang Lin"]
    assert len(lin) == 1, "the page owner is one person however the page writes the name"
    assert lin[0]["paper_count"] == 20
    assert "Junyang (Justin) Lin" in lin[0]["variants"]


def test_listing_without_owner_is_attributed_with_owner_option(capsys, library_path):
    code, out, _ = run_cli(
        capsys, "--library", str(library_path), "import", str(SEED_ARXIV), "--owner", "Junyang Lin", "--json"
    )
    assert code == 0 and json.loads(out)[0]["owner"] == "Junyang Lin"
    _, out, _ = run_cli(capsys, "--library", str(library_path), "papers", "--json")
    papers = json.loads(out)
    assert len(papers) == 9
    assert all(p["title"] is None for p in papers), "a listing has no titles and none may be invented"
    assert all(p["also_by"] == ["Junyang Lin"] for p in papers)
    _, out, _ = run_cli(capsys, "--library", str(library_path), "authors", "--json")
    assert json.loads(out)[0]["paper_count"] == 9


def test_reimporting_the_same_file_changes_nothing(capsys, library_path):
    run_cli(capsys, "--library", str(library_path), "import", str(SEED_AGGREGATOR), "--as-of", SEED_AS_OF)
    before = dump(library_path)
    code, out, _ = run_cli(
        capsys, "--library", str(library_path), "import", str(SEED_AGGREGATOR), "--as-of", SEED_AS_OF, "--json"
    )
    assert code == 0
    report = json.loads(out)[0]
    assert report["new"] == 0 and report["updated"] == 0 and report["same_file"]
    assert dump(library_path) == before


def test_newer_capture_updates_papers_and_keeps_user_work(capsys, library_path, tmp_path):
    page = tmp_path / "homepage.txt"
    shutil.copy(SEED_HOMEPAGE, page)
    run_cli(capsys, "--library", str(library_path), "import", str(page))
    _, out, _ = run_cli(capsys, "--library", str(library_path), "papers", "--json")
    papers = {p["title"]: p for p in json.loads(out)}
    knas = papers["KNAS: Green Neural Architecture Search"]
    layer = papers["Understanding and Improving Layer Normalization"]
    keys_before = {p["id"]: p["citekey"] for p in papers.values()}
    run_cli(capsys, "--library", str(library_path), "tag", "to-read", f"{knas['id']},{layer['id']}")
    run_cli(capsys, "--library", str(library_path), "note", str(knas["id"]), "Compare with DARTS.")
    run_cli(capsys, "--library", str(library_path), "edit", str(layer["id"]), "venue=NeurIPS (spotlight)")

    # The owner updates the page: a venue changes, the list gains a paper and loses none.
    text = page.read_text(encoding="utf-8")
    text = text.replace(
        "KNAS: Green Neural Architecture Search. ICML 2021.", "KNAS: Green Neural Architecture Search. ICML 2022."
    )
    text = text.replace(
        "Understanding and Improving Layer Normalization. NeurIPS 2019.",
        "Understanding and Improving Layer Normalization. ICLR 2020.",
    )
    text = text.replace(
        "Academic Activities:",
        "Ada Lovelace, Junyang Lin. A Brand New Paper. ACL 2023. [Paper]\n\nAcademic Activities:",
    )
    page.write_text(text, encoding="utf-8")
    code, out, _ = run_cli(capsys, "--library", str(library_path), "import", str(page), "--json")
    report = json.loads(out)[0]
    assert code == 0
    assert report["new"] == 1 and report["updated"] >= 1

    _, out, _ = run_cli(capsys, "--library", str(library_path), "papers", "--json")
    after = {p["title"]: p for p in json.loads(out)}
    assert len(after) == 21, "a newer capture updates its papers, never duplicates them"
    assert after["KNAS: Green Neural Architecture Search"]["year"] == 2022
    assert after["KNAS: Green Neural Architecture Search"]["tags"] == ["to-read"]
    assert after["KNAS: Green Neural Architecture Search"]["note"] == "Compare with DARTS."
    assert after["Understanding and Improving Layer Normalization"]["venue"] == "NeurIPS (spotlight)", "edits win"
    assert after["Understanding and Improving Layer Normalization"]["tags"] == ["to-read"]
    for paper in after.values():
        if paper["id"] in keys_before:
            assert paper["citekey"] == keys_before[paper["id"]], "keys never move on re-import"


# A page cut off in the middle of a two-byte character ("í").
TRUNCATED_UTF8 = "Publications:\n\nJ. García, A. B. Tester. A title. ACL 2020. José".encode()[:-1]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (bytes(range(256)) * 40, "binary"),
        (b"Some notes about my cat.\nShe likes boxes.\n", "no publication list was found"),
        (TRUNCATED_UTF8, "truncated"),
    ],
    ids=["empty", "blank", "binary", "unrecognised", "truncated-utf8"],
)
def test_bad_files_are_refused_naming_file_and_reason(capsys, library_path, tmp_path, content, reason):
    run_cli(capsys, "--library", str(library_path), "import", str(SEED_HOMEPAGE))
    before = dump(library_path)
    bad = tmp_path / "bad-input.txt"
    bad.write_bytes(content)
    code, _, err = run_cli(capsys, "--library", str(library_path), "import", str(bad))
    assert code != 0
    assert "bad-input.txt" in err and reason in err
    assert dump(library_path) == before


def test_one_bad_file_does_not_stop_the_others(capsys, library_path, tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    code, out, err = run_cli(capsys, "--library", str(library_path), "import", str(bad), str(SEED_SCHOLARLY))
    assert code == 1
    assert "empty.txt" in err
    assert "1 of 2 files imported" in out
    _, out, _ = run_cli(capsys, "--library", str(library_path), "papers", "--json")
    assert len(json.loads(out)) == 29


def test_unknown_format_and_missing_file_are_clear(capsys, library_path, tmp_path):
    code, _, err = run_cli(capsys, "--library", str(library_path), "import", str(tmp_path / "nope.txt"))
    assert code == 1 and "nope.txt" in err and "no such file" in err
    code, _, err = run_cli(capsys, "--library", str(library_path), "import", str(SEED_HOMEPAGE), "--format", "word")
    assert code == 1 and "unknown format 'word'" in err


def test_encodings_are_detected(capsys, library_path, tmp_path):
    text = SEED_HOMEPAGE.read_text(encoding="utf-8").replace("\n", "\r\n")
    for encoding, suffix in (("utf-8-sig", "bom"), ("utf-16", "utf16"), ("latin-1", "latin1")):
        page = tmp_path / f"homepage-{suffix}.txt"
        data = text.encode(encoding, errors="replace") if encoding == "latin-1" else text.encode(encoding)
        page.write_bytes(data)
        code, out, err = run_cli(capsys, "--library", str(tmp_path / f"{suffix}.sqlite"), "import", str(page), "--json")
        assert code == 0, err
        assert json.loads(out)[0]["found"] == 20, suffix


def test_library_location_from_environment(capsys, tmp_path, monkeypatch):
    target = tmp_path / "from-env.sqlite"
    monkeypatch.setenv("PAPERSHELF_LIBRARY", str(target))
    code, _, _ = run_cli(capsys, "import", str(SEED_SCHOLARLY))
    assert code == 0 and target.exists()


def test_default_library_lives_in_the_user_data_folder(capsys):
    import platformdirs

    code, _, _ = run_cli(capsys, "import", str(SEED_SCHOLARLY))
    assert code == 0
    assert (Path(platformdirs.user_data_dir("Papershelf", appauthor=False)) / "library.sqlite").exists()


def test_help_documents_every_command(capsys):
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # argparse keeps the sub-commands here
    with pytest.raises(SystemExit):
        main(["--help"])
    out, _ = capsys.readouterr()
    for name in commands:
        assert name in out
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    for name in commands:
        assert f"papershelf {name}" in readme or f"`{name}`" in readme, f"README does not mention {name}"


def test_the_command_table_names_what_each_module_registers():
    """main.py loads only the module of the command given, found in COMMANDS: it must match the modules."""
    import argparse
    import importlib

    assert sorted(COMMANDS) == sorted(COMMAND_MODULES)
    for name in COMMAND_MODULES:
        subparsers = argparse.ArgumentParser().add_subparsers(dest="command")
        importlib.import_module(name).register(subparsers)
        assert sorted(subparsers.choices) == sorted(COMMANDS[name]), name


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["--library", "x.sqlite", "import", "a.bib"], "import"),
        (["--library=x.sqlite", "export", "--format", "bibtex"], "export"),
        (["tags"], "tags"),
        (["--help", "import"], None),
        (["--version"], None),
        ([], None),
    ],
)
def test_the_command_word_is_found_after_the_global_options(argv, command):
    assert command_of(argv) == command


def test_import_loads_neither_qt_nor_the_other_commands(tmp_path):
    """`papershelf import` starts in a fraction of a second: it never loads Qt, the exporters' writers or the
    lookups, which only other commands use."""
    script = (
        "import sys\n"
        "from papershelf.cli.main import main\n"
        f"code = main(['--library', {str(tmp_path / 'lib.sqlite')!r}, 'import', {str(SEED_SCHOLARLY)!r}])\n"
        "heavy = ('PySide6', 'papershelf.gui', 'papershelf.lookup', 'papershelf.exporters.bibtex', "
        "'papershelf.cli.export_commands', 'papershelf.cli.lookup_commands')\n"
        "print(code, sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "0 []"


def test_cli_as_a_new_user_runs_it_prints_no_traceback(tmp_path):
    bad = tmp_path / "garbage.bin"
    bad.write_bytes(os.urandom(3000))
    env = {**os.environ, "PAPERSHELF_LIBRARY": str(tmp_path / "lib.sqlite")}
    result = subprocess.run(
        [sys.executable, "-m", "papershelf", "import", str(bad), str(SEED_HOMEPAGE)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "garbage.bin" in result.stderr
    assert "homepage" in result.stdout


def test_the_program_leaves_its_output_whole_and_its_library_closed(tmp_path):
    """The `papershelf` program ends without the interpreter's teardown (cli.main.run): whatever a command
    printed still reaches a pipe in full, its status is kept, and the library it opened is closed as the
    teardown would have closed it, with no write-ahead log left beside it; a reader that stops early (`| head`)
    is no error."""
    library = tmp_path / "lib.sqlite"
    program = [sys.executable, "-m", "papershelf", "--library", str(library)]
    # Output into a pipe as a user's shell gives it: buffered (some test machines set PYTHONUNBUFFERED).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    imported = subprocess.run(
        [*program, "import", "--json", "--as-of", SEED_AS_OF, str(SEED_HOMEPAGE), str(SEED_SCHOLARLY)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert imported.returncode == 0, imported.stderr
    reports = json.loads(imported.stdout)  # all of it: a cut-off JSON would not parse
    assert [r["error"] for r in reports] == [None, None] and all(r["new"] for r in reports)
    beside = lambda: sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("lib.sqlite"))  # noqa: E731
    assert beside() == ["lib.sqlite"]
    listed = subprocess.run([*program, "papers"], capture_output=True, text=True, timeout=120, env=env)
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) > 20
    assert beside() == ["lib.sqlite"]
    refused = subprocess.run([*program, "show", "999999"], capture_output=True, text=True, timeout=120, env=env)
    assert refused.returncode == 2 and "999999" in refused.stderr
    head = subprocess.run(
        f"{shlex.join([*program, 'papers'])} | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert head.returncode == 0 and len(head.stdout.splitlines()) == 1
    assert "Traceback" not in head.stderr and "Exception" not in head.stderr


def test_only_a_program_ending_without_teardown_leaves_memory_to_the_system(monkeypatch):
    """What an import is done with (its records and plan) is freed as usual in the window and in tests; the
    `papershelf` program, which ends with os._exit, leaves it for the system to take back at the end."""

    class Plan:
        pass

    monkeypatch.setattr(exiting, "_kept", None)
    plan = Plan()
    freed = weakref.ref(plan)
    exiting.keep(plan)
    del plan
    assert freed() is None
    exiting.ending_without_teardown()
    plan = Plan()
    kept = weakref.ref(plan)
    exiting.keep(plan)
    del plan
    assert kept() is not None
    # One import's at a time: a command importing many big files never holds them all.
    exiting.keep(Plan())
    assert kept() is None


def test_import_dry_run_prints_the_plan_and_writes_nothing(capsys, library_path):
    code, _, _ = run_cli(capsys, "--library", str(library_path), "import", str(SEED_HOMEPAGE), "--as-of", SEED_AS_OF)
    assert code == 0
    before = dump(library_path)
    code, out, _ = run_cli(
        capsys, "--library", str(library_path), "import", "--dry-run", str(SEED_ARXIV), "--as-of", SEED_AS_OF
    )
    assert code == 0
    assert "would import: 6 new, 3 join existing papers, 0 to review" in out
    assert out.count("joins paper") == 3 and "years agree" in out
    assert "dry run: nothing was written." in out
    assert dump(library_path) == before
    # The import proper does what the dry run said.
    code, out, _ = run_cli(capsys, "--library", str(library_path), "import", str(SEED_ARXIV), "--as-of", SEED_AS_OF)
    assert code == 0 and "new 6, merged with existing 3" in out


def test_import_dry_run_into_no_library_leaves_none(capsys, tmp_path):
    path = tmp_path / "fresh.sqlite"
    code, out, _ = run_cli(capsys, "--library", str(path), "import", "--dry-run", str(SEED_HOMEPAGE), "--json")
    assert code == 0 and not path.exists()
    (report,) = json.loads(out)
    assert report["written"] is False and report["plan"]["counts"]["new"] == 20
