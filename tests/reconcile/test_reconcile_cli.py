"""The review queue and merging from the command line: duplicates, merge, unmerge, distinct, why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from papershelf.cli.main import main

HOMEPAGE = """About Me

Xu Sun

Professor

Selected Papers:

Junyang Lin, Xu Sun, Shuming Ma, Qi Su. Global Encoding for Abstractive Summarization. ACL 2018. [Paper]

{layernorm}
""".format(
    layernorm="Jingjing Xu, Xu Sun, Zhiyuan Zhang, Guangxiang Zhao, Junyang Lin. "
    "Understanding and Improving Layer Normalization. NeurIPS 2019. [Paper]"
)

BIB = """@article{lin2023global,
  title = {Global Encoding for Abstractive Summarization},
  author = {Lin, Junyang and Sun, Xu and Ma, Shuming and Su, Qi},
  journal = {IEEE/ACM Transactions on Audio, Speech, and Language Processing},
  year = {2023}
}

@inproceedings{xu2019layernorm,
  title = {Understanding and Improving Layer Normalization},
  author = {Xu, Jingjing and Sun, Xu and Zhang, Zhiyuan and Zhao, Guangxiang and Lin, Junyang},
  booktitle = {NeurIPS},
  year = {2019}
}
"""


def cli(capsys, library: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--library", str(library), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def pages(tmp_path: Path) -> tuple[Path, Path]:
    home = tmp_path / "home.txt"
    home.write_text(HOMEPAGE, encoding="utf-8")
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    return home, bib


def papers(capsys, library: Path) -> list[dict]:
    return json.loads(cli(capsys, library, "papers", "--json")[1])


def test_duplicates_merge_why_unmerge_and_distinct(capsys, library_path, pages):
    home, bib = pages
    code, _, err = cli(capsys, library_path, "import", "--as-of", "2025-11-20", str(home), str(bib))
    assert code == 0, err
    listed = papers(capsys, library_path)
    # the NeurIPS paper is on both pages: merged at import; the 2023 journal version is only proposed
    assert len(listed) == 3
    layernorm = next(p for p in listed if p["title"].startswith("Understanding"))
    assert {s["file"] for s in layernorm["sources"]} == {"home.txt", "refs.bib"}

    code, out, _ = cli(capsys, library_path, "why", str(layernorm["id"]))
    assert code == 0 and "automatically at import" in out and "refs.bib" in out and "same title" in out

    code, out, _ = cli(capsys, library_path, "duplicates", "--json")
    [suggestion] = json.loads(out)
    assert suggestion["kind"] == "paper" and any("years differ" in e for e in suggestion["evidence"])
    pair = sorted([suggestion["a"]["id"], suggestion["b"]["id"]])
    assert {suggestion["a"]["year"], suggestion["b"]["year"]} == {2018, 2023}
    code, out, _ = cli(capsys, library_path, "duplicates")
    assert "score" in out and "papershelf merge" in out

    code, out, _ = cli(capsys, library_path, "merge", str(pair[0]), str(pair[1]))
    assert code == 0 and "Merged" in out
    assert len(papers(capsys, library_path)) == 2
    assert json.loads(cli(capsys, library_path, "duplicates", "--json")[1]) == []
    code, out, _ = cli(capsys, library_path, "why", str(pair[0]))
    assert f"paper {pair[1]} was merged into {pair[0]}, by you" in out

    code, out, _ = cli(capsys, library_path, "unmerge", str(pair[1]))
    assert code == 0 and "distinct" in out
    assert len(papers(capsys, library_path)) == 3
    assert json.loads(cli(capsys, library_path, "duplicates", "--json")[1]) == []

    code, out, _ = cli(capsys, library_path, "unmerge", str(layernorm["id"]))
    assert code == 0
    assert len(papers(capsys, library_path)) == 4


def test_distinct_and_author_merges(capsys, library_path, pages):
    home, bib = pages
    cli(capsys, library_path, "import", "--as-of", "2025-11-20", str(home), str(bib))
    [suggestion] = json.loads(cli(capsys, library_path, "duplicates", "--json")[1])
    code, out, _ = cli(capsys, library_path, "distinct", str(suggestion["a"]["id"]), str(suggestion["b"]["id"]))
    assert code == 0 and "will not be proposed again" in out
    assert json.loads(cli(capsys, library_path, "duplicates", "--json")[1]) == []

    authors = json.loads(cli(capsys, library_path, "authors", "--json")[1])
    by_name = {a["name"]: a["id"] for a in authors}
    code, out, _ = cli(capsys, library_path, "merge", "--authors", str(by_name["Qi Su"]), str(by_name["Shuming Ma"]))
    assert code == 0
    merged = {a["name"]: a for a in json.loads(cli(capsys, library_path, "authors", "--json")[1])}
    assert "Shuming Ma" not in merged and "Shuming Ma" in merged["Qi Su"]["variants"]
    code, out, _ = cli(capsys, library_path, "unmerge", "--authors", str(by_name["Shuming Ma"]))
    assert code == 0
    names = {a["name"] for a in json.loads(cli(capsys, library_path, "authors", "--json")[1])}
    assert {"Qi Su", "Shuming Ma"} <= names


def test_errors_are_one_line_with_exit_status_2(capsys, library_path, pages):
    home, _ = pages
    cli(capsys, library_path, "import", "--as-of", "2025-11-20", str(home))
    code, _, err = cli(capsys, library_path, "merge", "1", "999")
    assert code == 2 and "no paper with id 999" in err
    code, _, err = cli(capsys, library_path, "unmerge", "1")
    assert code == 2 and "no merge to undo" in err
