"""Issue 13, "Round trip, measured": real bibliographies (tests/fixtures/bib/real/) go through `papershelf import`
and `papershelf export` in their own flavour and come back with every key, every entry type and >= 99.5% of
field values; the export read back into the same library changes nothing, and through an empty library it comes
out again whole; the bibtex export passes the real bibtex and the biblatex export biber's data-model check with no
problem the source file does not have itself.

The comparison is benchmarks/bib_roundtrip.py's (bibtexparser + pylatexenc, independent of Papershelf's reader);
a failure names the lost and changed fields with their first examples.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
_spec = importlib.util.spec_from_file_location(
    "papershelf_bench_bib_roundtrip", ROOT / "benchmarks" / "bib_roundtrip.py"
)
roundtrip = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = roundtrip  # dataclasses look their module up by name
_spec.loader.exec_module(roundtrip)

CORPUS = roundtrip.corpus()


def _params(items: list[dict[str, str]]) -> list[object]:
    """One case per file; the two files of about a thousand entries are also marked slow (a minute each)."""
    return [
        pytest.param(
            item,
            id=item["file"],
            marks=[pytest.mark.slow] if (roundtrip.CORPUS / item["file"]).stat().st_size > 500_000 else [],
        )
        for item in items
    ]


def _with(pattern: str) -> list[dict[str, str]]:
    """The corpus files whose text matches `pattern` (multi-line, case-insensitive)."""
    found = re.compile(pattern, re.IGNORECASE | re.MULTILINE)
    return [item for item in CORPUS if found.search(roundtrip.read_text(roundtrip.CORPUS / item["file"]))]


OWNING = _with(r"^\s*(keywords|annote)\s*=")
WITH_BLOCKS = _with(r"^\s*@(preamble|comment)\s*\{")


@pytest.fixture(scope="module")
def trip(tmp_path_factory: pytest.TempPathFactory):
    """Round-trip a corpus file once per module; the library and exports stay in one folder for the TeX tests."""
    workdir = tmp_path_factory.mktemp("bib-roundtrip")
    done: dict[str, object] = {}

    def run(item: dict[str, str]):
        if item["file"] not in done:
            done[item["file"]] = roundtrip.round_trip(roundtrip.CORPUS / item["file"], item["flavour"], workdir)
        return done[item["file"]]

    own: dict[str, dict[str, object]] = {}

    def own_export(item: dict[str, str]) -> dict[str, object]:
        """The export read back into the same library and into an empty one (once per file)."""
        if item["file"] not in own:
            run(item)
            own[item["file"]] = roundtrip.own_export_checks(roundtrip.CORPUS / item["file"], item["flavour"], workdir)
        return own[item["file"]]

    run.workdir = workdir
    run.own_export = own_export
    return run


def test_the_corpus_is_real_varied_and_documented() -> None:
    readme = (roundtrip.CORPUS / "README.md").read_text(encoding="utf-8")
    assert 6 <= len(CORPUS) <= 10
    assert {item["flavour"] for item in CORPUS} == {"bibtex", "biblatex"}
    for item in CORPUS:
        path = roundtrip.CORPUS / item["file"]
        assert path.exists(), item["file"]
        assert f"`{item['file']}`" in readme, f"{item['file']} has no origin and license in README.md"
        assert len(roundtrip.read_bib(roundtrip.read_text(path)).entries) <= 1500, item["file"]


@pytest.mark.parametrize("item", _params(CORPUS))
def test_every_key_comes_back(trip, item: dict[str, str]) -> None:
    result = trip(item)
    assert not result.error, result.explain()
    assert result.entries_in > 0
    assert result.keys_lost == [], result.explain()


@pytest.mark.parametrize("item", _params(CORPUS))
def test_every_entry_type_comes_back_as_declared(trip, item: dict[str, str]) -> None:
    result = trip(item)
    assert not result.error, result.explain()
    assert result.types_changed == [], result.explain()


@pytest.mark.parametrize("item", _params(CORPUS))
def test_field_values_come_back(trip, item: dict[str, str]) -> None:
    result = trip(item)
    assert not result.error, result.explain()
    assert result.fields_total > 0
    assert result.field_share >= roundtrip.FIELD_GOAL, result.explain()


@pytest.mark.parametrize("item", _params(OWNING))
def test_keywords_and_annote_survive_whole(trip, item: dict[str, str]) -> None:
    """Tags become `keywords` and notes `annote` on export: what the file had there must all come back."""
    result = trip(item)
    assert not result.error, result.explain()
    assert result.owned, "the file has keywords or annote, yet none were compared"
    for name, counts in result.owned.items():
        assert counts.get("kept", 0) == counts["total"], f"{name}: {counts}\n{result.explain()}"


@pytest.mark.parametrize("item", _params(WITH_BLOCKS))
def test_preambles_and_comments_survive(trip, item: dict[str, str]) -> None:
    """@preamble and @comment blocks (JabRef's metadata among them) are part of the file the user gave."""
    result = trip(item)
    assert not result.error, result.explain()
    preambles, comments = result.blocks["preambles"], result.blocks["comments"]
    # A preamble holding \input or \def is neutralised on purpose (issue 13): that is not a loss.
    assert preambles["kept"] + preambles["neutralised"] == preambles["in"], f"{item['file']}: preambles {preambles}"
    assert comments["kept"] == comments["in"], f"{item['file']}: comments kept {comments['kept']} of {comments['in']}"


@pytest.mark.parametrize("item", _params(CORPUS))
def test_importing_the_export_into_the_same_library_changes_nothing(trip, item: dict[str, str]) -> None:
    """The report of the second import must say so: no new paper, no updated one."""
    result = trip(item)
    assert not result.error, result.explain()
    same = trip.own_export(item)["same_library"]
    assert "error" not in same, same
    assert same["found"] == result.entries_out
    assert (same["new"], same["updated"]) == (0, 0), f"{item['file']}: re-importing its export gave {same}"


@pytest.mark.parametrize("item", _params(CORPUS))
def test_the_export_recreates_itself_in_an_empty_library(trip, item: dict[str, str]) -> None:
    """Imported into an empty library and exported again, the export gives back every entry, type and value."""
    result = trip(item)
    assert not result.error, result.explain()
    empty = trip.own_export(item)["empty_library"]
    assert not empty["error"], empty["error"]
    shares = (empty["key_share"], empty["type_share"], empty["field_share"])
    assert shares == (1.0, 1.0, 1.0), empty["explain"]


@pytest.mark.tex
@pytest.mark.parametrize("item", _params(CORPUS))
def test_bibtex_export_runs_through_bibtex_without_new_problems(trip, item: dict[str, str]) -> None:
    """Zero errors, and every warning is one bibtex also gives for the source entry itself."""
    result = trip(item)
    assert not result.error, result.explain()
    check = roundtrip.tool_checks(roundtrip.CORPUS / item["file"], trip.workdir, ("bibtex",))["bibtex"]
    if check.get("missing"):
        pytest.skip(f"{check['missing']} not installed (Debian: texlive-binaries)")
    assert "error" not in check, check
    assert check["error_count"] == 0, check["errors"]
    assert check["new_count"] == 0, "warnings the source does not cause:\n" + "\n".join(check["new"])


@pytest.mark.tex
@pytest.mark.parametrize("item", _params(CORPUS))
def test_biblatex_export_passes_biber_validate_datamodel(trip, item: dict[str, str]) -> None:
    """No ERROR, and every data-model warning is one biber also gives for the source entry itself."""
    result = trip(item)
    assert not result.error, result.explain()
    check = roundtrip.tool_checks(roundtrip.CORPUS / item["file"], trip.workdir, ("biblatex",))["biblatex"]
    if check.get("missing"):
        pytest.skip(f"{check['missing']} not installed (Debian: biber)")
    assert "error" not in check, check
    assert check["error_count"] == 0, check["errors"]
    assert check["new_count"] == 0, "warnings the source does not cause:\n" + "\n".join(check["new"])
