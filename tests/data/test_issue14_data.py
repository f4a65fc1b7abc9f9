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
    _, out, _ = cli(capsys, library_path, "papers", "--ids", str(beit["id"]))
    assert "Li Dong et al. (the page lists no authors)" in out
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


def test_page_remark_is_its_own_field_and_never_the_users_note(capsys, library_path, tmp_path):
    from seedfiles import SEED_HOMEPAGE

    cli(capsys, library_path, "import", str(SEED_HOMEPAGE))
    m6 = by_title(papers(capsys, library_path), "M6: A Chinese Multimodal Pretrainer")
    assert m6["note"] == "" and m6["remarks"].startswith("Note that this is an extension of my KDD paper")
    _, out, _ = cli(capsys, library_path, "show", str(m6["id"]))
    assert "the page says:\nNote that this is an extension" in out and "\nnote:" not in out
    cli(capsys, library_path, "note", str(m6["id"]), "my own reading notes")
    # A newer capture of the page with the remark reworded: the remark follows the page, the note stays.
    newer = tmp_path / SEED_HOMEPAGE.name
    newer.write_text(SEED_HOMEPAGE.read_text(encoding="utf-8").replace("Note that this is", "This is"), "utf-8")
    cli(capsys, library_path, "import", str(newer))
    m6 = by_title(papers(capsys, library_path), "M6: A Chinese Multimodal Pretrainer")
    assert m6["note"] == "my own reading notes"
    assert m6["remarks"].startswith("This is an extension of my KDD paper")
    _, out, _ = cli(capsys, library_path, "export", "--ids", str(m6["id"]))
    assert "note = {This is an extension of my {KDD} paper" in out or "note = {This is an extension" in out
    assert "annote = {my own reading notes}" in out
    _, out, _ = cli(capsys, library_path, "export", "--ids", str(m6["id"]), "--format", "biblatex")
    assert "addendum = {This is an extension" in out and "annotation = {my own reading notes}" in out
    # Exported and imported again into a fresh library: the remark stays a remark, the note the note.
    bib = tmp_path / "out.bib"
    bib.write_text(out, encoding="utf-8")
    fresh = tmp_path / "fresh.sqlite"
    cli(capsys, fresh, "import", str(bib))
    again = papers(capsys, fresh)[0]
    assert again["note"] == "my own reading notes" and again["remarks"].startswith("This is an extension")


def test_code_flags_read_from_pages_reach_the_paper(capsys, library_path):
    for seed in ALL_SEEDS:
        cli(capsys, library_path, "import", str(seed), "--as-of", SEED_AS_OF)
    flagged = 0
    for paper in papers(capsys, library_path):
        _, out, _ = cli(capsys, library_path, "show", str(paper["id"]), "--json")
        records = [source["record"] for source in json.loads(out)["sources"]]
        if any(record.get("has_code") for record in records):
            flagged += 1
            assert paper["has_code"], paper["title"]
    assert flagged


def test_upgrade_hands_a_page_remark_back_from_the_note(tmp_path):
    import sqlite3

    from papershelf.model import Library, schema

    path = tmp_path / "old.sqlite"
    connection = sqlite3.connect(path, isolation_level=None)
    for step in range(3):
        schema.MIGRATIONS[step](connection, step + 1)
    stamp = "2024-01-02T03:04:05+00:00"
    remark = "Note that this extends my KDD paper"
    record = json.dumps({"title": "Copied", "note": remark, "has_code": True})
    mine = json.dumps({"title": "Typed", "note": remark})
    connection.executescript(
        f"""
        INSERT INTO sources(id, file, path, sha256, format, imported_at) VALUES (1, 'h.txt', 'h.txt', 'x',
            'homepage', '{stamp}');
        INSERT INTO papers(id, title, note, citekey, added_at, updated_at)
            VALUES (1, 'Copied', '{remark}', 'a2020copied', '{stamp}', '{stamp}'),
                   (2, 'Typed', 'my own words', 'b2020typed', '{stamp}', '{stamp}');
        INSERT INTO claims(paper_id, source_id, entry_key, line, record, record_hash, lineage)
            VALUES (1, 1, 'title:copied', 1, '{record}', 'h1', 'homepage|h.txt|'),
                   (2, 1, 'title:typed', 2, '{mine}', 'h2', 'homepage|h.txt|');
        """
    )
    connection.close()
    with Library.open(path) as library:
        copied, typed = library.get_papers([1, 2])
    assert (copied.note, copied.remarks, copied.has_code) == ("", remark, True)
    assert (typed.note, typed.remarks, typed.has_code) == ("my own words", remark, False)


def test_a_year_shown_without_one_is_guessed_the_same_everywhere_and_marked(capsys, tmp_path):
    import datetime as dt
    import os

    years = []
    for mtime in ("2024-02-01", "2026-06-01"):  # two machines, two file times
        copy = tmp_path / mtime / SEED_AGGREGATOR.name
        copy.parent.mkdir()
        copy.write_bytes(SEED_AGGREGATOR.read_bytes())
        stamp = dt.datetime.fromisoformat(mtime).timestamp()
        os.utime(copy, (stamp, stamp))
        library = tmp_path / mtime / "library.sqlite"
        code, out, _ = cli(capsys, library, "import", str(copy))
        # No --as-of: the page's own latest full date (2025-07-07) is what "Mar 15" is read against.
        assert code == 0 and "1 date(s) shown without a year: the year is a guess from the page's latest" in out
        years.append(by_title(papers(capsys, library), "Incentivizing Strong Reasoning")["year"])
    assert years == [2025, 2025]

    library = tmp_path / "as-of.sqlite"
    _, out, _ = cli(capsys, library, "import", str(SEED_AGGREGATOR), "--as-of", "2026-01-10")
    assert "the year is a guess from the capture date 2026-01-10" in out
    paper = by_title(papers(capsys, library), "Incentivizing Strong Reasoning")
    assert (paper["year"], paper["year_guessed"]) == (2025, True)
    assert not by_title(papers(capsys, library), "What is Wrong with Perplexity")["year_guessed"]
    _, out, _ = cli(capsys, library, "papers")
    assert f"{paper['id']:>5}  2025? {paper['citekey']}" in out
    _, out, _ = cli(capsys, library, "show", str(paper["id"]))
    assert "year: 2025 (a guess: the page gave no year)" in out
    _, out, _ = cli(capsys, library, "import", str(SEED_AGGREGATOR), "--as-of", "2026-01-10", "--json")
    assert json.loads(out)[0]["as_of"] == "2026-01-10"


def test_import_report_counts_papers_whose_owner_changed(capsys, library_path):
    from seedfiles import SEED_ARXIV, SEED_HOMEPAGE

    cli(capsys, library_path, "import", str(SEED_HOMEPAGE), str(SEED_ARXIV))
    _, out, _ = cli(capsys, library_path, "authors", "Junyang Lin", "--json")
    assert json.loads(out)[0]["paper_count"] == 20
    code, out, _ = cli(capsys, library_path, "import", "--owner", "Junyang Lin", str(SEED_ARXIV), "--json")
    report = json.loads(out)[0]
    _, people, _ = cli(capsys, library_path, "authors", "Junyang Lin", "--json")
    assert json.loads(people)[0]["paper_count"] == 26
    assert (report["updated"], report["owner_changed"], report["unchanged"]) == (6, 6, 3)
    cli(capsys, library_path, "import", "--owner", "Someone Else", str(SEED_ARXIV))
    code, out, _ = cli(capsys, library_path, "import", "--owner", "Junyang Lin", str(SEED_ARXIV))
    # Back from someone else: every paper lost that person, and six gained Junyang Lin.
    assert code == 0 and "updated 9 (9 by the change of owner), unchanged 0" in out


@pytest.mark.parametrize(
    ("arxiv_id", "venue", "words"),
    [
        ("2110.04099", "NeurIPS", "comments: Accepted By NeurIPS 2021"),
        ("2102.10801", "ICLR", "comments: Accepted as a poster in ICLR 2021"),
        ("2008.08817", "IROS", "accepted in IROS 2020"),
    ],
)
def test_arxiv_comments_saying_where_a_preprint_was_published_give_its_venue(
    capsys, library_path, arxiv_id, venue, words
):
    from seedfiles import SEED_ARXIV, SEED_ARXIV_JOURNAL

    cli(capsys, library_path, "import", str(SEED_ARXIV), str(SEED_ARXIV_JOURNAL))
    paper = next(p for p in papers(capsys, library_path) if p["arxiv_id"] == arxiv_id)
    assert paper["venue"] == venue
    assert words in paper["venue_from"]
    _, out, _ = cli(capsys, library_path, "show", str(paper["id"]))
    assert f"venue: {venue}\n  venue from: " in out
    # A page's own venue for the paper outranks the comment, and needs no provenance line.
    _, out, _ = cli(capsys, library_path, "edit", str(paper["id"]), "venue=Somewhere Else")
    paper = next(p for p in papers(capsys, library_path) if p["arxiv_id"] == arxiv_id)
    assert (paper["venue"], paper["venue_from"]) == ("Somewhere Else", None)


def test_without_a_capture_date_or_a_full_date_on_the_page_no_year_is_invented(capsys, library_path, tmp_path):
    import re

    text = SEED_AGGREGATOR.read_text(encoding="utf-8")
    # Every card header loses its year ("LGSep 5, 2023" -> "LGSep 5"): the page then dates nothing fully.
    header = r"(?m)^((?:[a-z-]{2,12}\.)?[A-Z]{2,4}(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}), \d{4}"
    page = tmp_path / "yearless.txt"
    page.write_text(re.sub(header, r"\1", text), encoding="utf-8")
    code, out, _ = cli(capsys, library_path, "import", str(page))
    assert code == 0
    assert "33 cards show a date without a year and the page has no full date to read it against" in out
    assert "import with --as-of DATE" in out
    assert all(p["year"] is None and p["date"] is None for p in papers(capsys, library_path))
