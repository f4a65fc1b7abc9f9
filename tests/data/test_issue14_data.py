"""Issue 14, "Data": what a new user saw wrong in the library's data, checked through the command line and
the exported text (each test failed before its fix)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from seedfiles import ALL_SEEDS, SEED_AGGREGATOR, SEED_AS_OF, SEED_SCHOLARLY

from papershelf.cli.main import main


def cli(capsys: pytest.CaptureFixture[str], library: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--library", str(library), *args])
    out, err = capsys.readouterr()
    return code, out, err


def papers(capsys: pytest.CaptureFixture[str], library: Path) -> list[dict]:
    code, out, _ = cli(capsys, library, "papers", "--json")
    assert code == 0
    return json.loads(out)


def by_title(items: list[dict], start: str) -> dict:
    return next(p for p in items if (p["title"] or "").startswith(start))


def test_profile_owner_is_exported_as_author_and_names_new_keys(capsys, library_path):
    cli(capsys, library_path, "import", str(SEED_SCHOLARLY))
    beit = by_title(papers(capsys, library_path), "BEiT: BERT Pre-Training")
    assert beit["authors"] == [] and beit["also_by"] == ["Li Dong"]
    assert beit["citekey"] == "dong2022beit"
    _, out, _ = cli(capsys, library_path, "export", "--ids", str(beit["id"]))
    assert "author = {Dong, Li and others}," in out
    _, out, _ = cli(capsys, library_path, "export", "--ids", str(beit["id"]), "--format", "biblatex")
    assert "author = {Dong, Li and others}," in out
    _, out, _ = cli(capsys, library_path, "export", "--ids", str(beit["id"]), "--format", "csl-json")
    assert json.loads(out)[0]["author"] == [{"family": "Dong", "given": "Li"}]
    _, out, _ = cli(capsys, library_path, "export", "--ids", str(beit["id"]), "--format", "ris")
    assert "AU  - Dong, Li" in out


def test_a_key_made_before_stays_and_rekey_preview_offers_the_owners_key(capsys, library_path):
    cli(capsys, library_path, "import", str(SEED_SCHOLARLY))
    beit = by_title(papers(capsys, library_path), "BEiT: BERT Pre-Training")
    cli(capsys, library_path, "key", str(beit["id"]), "--set", "2022beit")  # the key an older version made
    cli(capsys, library_path, "import", str(SEED_SCHOLARLY))
    assert by_title(papers(capsys, library_path), "BEiT: BERT Pre-Training")["citekey"] == "2022beit"
    code, out, _ = cli(capsys, library_path, "rekey", "--preview", "--ids", str(beit["id"]))
    assert code == 0 and "2022beit  ->  dong2022beit" in out


def test_rekey_preview_leaves_a_guessed_year_out_of_keys_as_new_keys_do(capsys, library_path):
    cli(capsys, library_path, "import", str(SEED_AGGREGATOR), "--as-of", SEED_AS_OF)
    guessed = [p for p in papers(capsys, library_path) if p["date_inferred"]]
    assert guessed
    for paper in guessed:
        assert str(paper["year"]) not in paper["citekey"]
    _, out, _ = cli(capsys, library_path, "rekey", "--preview", "--ids", ",".join(str(p["id"]) for p in guessed))
    proposed = [line.split("->")[1].strip() for line in out.splitlines() if "->" in line]
    assert not [key for key in proposed if any(str(p["year"]) in key for p in guessed)]
    assert by_title(guessed, "Incentivizing")["citekey"] == "yuanincentivizing"


def test_key_title_word_comes_from_the_decoded_latex(capsys, library_path):
    cli(capsys, library_path, "import", str(SEED_AGGREGATOR), "--as-of", SEED_AS_OF)
    dpo = by_title(papers(capsys, library_path), "$β$-DPO")
    assert dpo["citekey"] == "wu2024beta"


def test_untitled_record_exports_as_a_clean_misc(capsys, library_path):
    for seed in ALL_SEEDS:
        cli(capsys, library_path, "import", str(seed), "--as-of", SEED_AS_OF)
    items = papers(capsys, library_path)
    untitled = [p for p in items if not p["title"] and p["arxiv_id"]]
    assert untitled
    ids = ",".join(str(p["id"]) for p in untitled)
    for fmt in ("bibtex", "biblatex", "csl-json", "ris"):
        code, out, err = cli(capsys, library_path, "export", "--ids", ids, "--format", fmt)
        assert code == 0
        assert "Title not known" not in out and "stands in" not in out
        assert "no title" in err  # the user hears it, the reader does not
    _, out, _ = cli(capsys, library_path, "export", "--ids", ids)
    for entry in [e for e in out.split("\n@")[1:] if not e.startswith("preamble")]:
        assert entry.startswith("misc{")
        assert "booktitle" not in entry and "note =" not in entry
        assert entry.count("howpublished") == 1
    mm = next(p for p in untitled if p["venue"])
    _, out, _ = cli(capsys, library_path, "export", "--ids", str(mm["id"]))
    assert f"title = {{{{arXiv}}:{mm['arxiv_id']}}}" in out


def test_export_note_says_what_is_missing(capsys, library_path):
    for seed in ALL_SEEDS:
        cli(capsys, library_path, "import", str(seed), "--as-of", SEED_AS_OF)
    mm = next(p for p in papers(capsys, library_path) if not p["title"] and p["venue"])
    assert mm["year"]
    _, _, err = cli(capsys, library_path, "export", "--ids", str(mm["id"]))
    assert "@inproceedings needs authors, which are not known" in err
    assert "a year" not in err
