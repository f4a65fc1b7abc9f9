"""A paper titled in a script with no transliteration (Chinese, Arabic, Hebrew, Greek, Cyrillic) is the same paper
when it comes back: its title has a matching key of its own, where it used to have none and every re-import of
it made a new paper."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from papershelf.cli.main import main

# The schema version whose step gave non-Latin titles their keys.
TITLE_KEYS_VERSION = 8

BIB = """\
@book{zhukezhen1973,
  author = {竺可桢},
  title = {物理学论},
  publisher = {科学出版社},
  year = {1973},
}

@article{haddad2019,
  author = {Haddad, Leila},
  title = {مقدمة في تعلم الآلة},
  journal = {مجلة العلوم},
  year = {2019},
}

@article{ivanov2020,
  author = {Иванов, Пётр},
  title = {Глубокое обучение для всех},
  journal = {Вестник},
  year = {2020},
}
"""

# The same three papers as another manager writes them: other keys, other spacing, no braces.
BIB_AGAIN = """\
@book{zhu1973,
  author = {竺可桢},
  title = {物理学论},
  year = {1973},
}

@article{haddad2019ml,
  author = {Leila Haddad},
  title = {مقدمة  في تعلم الآلة},
  year = {2019},
}

@article{ivanov2020deep,
  author = {Пётр Иванов},
  title = {ГЛУБОКОЕ обучение для всех},
  year = {2020},
}
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out + err


def papers(capsys: pytest.CaptureFixture[str], library: Path) -> list[dict]:
    _, out = run(capsys, "--library", str(library), "papers", "--json")
    return json.loads(out[: out.rindex("]") + 1])


def test_our_own_export_of_non_latin_titles_comes_back_as_the_same_papers(capsys, tmp_path):
    library = tmp_path / "library.sqlite"
    source = tmp_path / "refs.bib"
    source.write_text(BIB, encoding="utf-8")
    run(capsys, "--library", str(library), "import", str(source))
    assert len(papers(capsys, library)) == 3
    for flavour in ("biblatex", "bibtex"):
        exported = tmp_path / f"out-{flavour}.bib"
        code, _ = run(capsys, "--library", str(library), "export", "-f", flavour, "-o", str(exported))
        assert code == 0
        code, out = run(capsys, "--library", str(library), "import", str(exported))
        # Read back, every entry joins its paper and changes nothing, and the report says so.
        assert code == 0 and "new 0, merged with existing 3 (none of them changed), updated 0" in out, out
    assert len(papers(capsys, library)) == 3


def test_another_managers_copy_of_non_latin_titles_joins_the_papers(capsys, tmp_path):
    library = tmp_path / "library.sqlite"
    (tmp_path / "a.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "b.bib").write_text(BIB_AGAIN, encoding="utf-8")
    run(capsys, "--library", str(library), "import", str(tmp_path / "a.bib"))
    code, out = run(capsys, "--library", str(library), "import", str(tmp_path / "b.bib"))
    assert code == 0 and "new 0" in out, out
    assert sorted(p["title"] for p in papers(capsys, library)) == sorted(
        ["物理学论", "مقدمة في تعلم الآلة", "Глубокое обучение для всех"]
    )


def test_a_library_from_before_gets_the_keys_and_then_matches(capsys, tmp_path):
    library = tmp_path / "library.sqlite"
    (tmp_path / "a.bib").write_text(BIB, encoding="utf-8")
    run(capsys, "--library", str(library), "import", str(tmp_path / "a.bib"))
    # As the build before this one left it: no key for these titles, and the schema one step back.
    connection = sqlite3.connect(library)
    connection.execute("UPDATE papers SET title_key = NULL")
    connection.execute(f"PRAGMA user_version = {TITLE_KEYS_VERSION - 1}")
    connection.commit()
    connection.close()
    (tmp_path / "b.bib").write_text(BIB_AGAIN, encoding="utf-8")
    code, out = run(capsys, "--library", str(library), "import", str(tmp_path / "b.bib"))
    assert code == 0 and "new 0" in out, out
    assert len(papers(capsys, library)) == 3


def _key_as_first_made(title: str) -> str | None:
    """title_key as the libraries in use made their stored keys: a walk over every character."""
    import unicodedata

    from papershelf.model.citekeys import ascii_fold

    out = []
    for ch in unicodedata.normalize("NFC", title):
        if ch.isascii():
            out.append(ch)
        elif folded := ascii_fold(ch):
            out.append(folded)
        elif ch.isalnum() and not unicodedata.combining(ch):
            out.append(ch.lower())
    return " ".join(re.sub(r"[^0-9a-z\u0080-\U0010ffff]+", " ", "".join(out).lower()).split()) or None


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_title_keys_stay_what_stored_libraries_hold(title: str) -> None:
    """Matching compares a new title's key with the keys stored by earlier versions: they must never change."""
    from papershelf.model.citekeys import title_key

    assert title_key(title) == (_key_as_first_made(title) if title else None)
