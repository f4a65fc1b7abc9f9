"""Editors, translators and book authors are found by a search, as Zotero finds every creator of an item; an
edit of the editor field is found at once, and the old name no longer finds the paper."""

from __future__ import annotations

from papershelf.pipeline import import_file

BIB = r"""
@book{works, editor = {van Beethoven, Ludwig and {Barnes and Noble, Inc.}}, title = {Collected Works},
  publisher = {Springer}, year = 1896}
@incollection{chapter, author = {Clara Schumann}, editor = {Johannes Brahms}, translator = {Franz Liszt},
  title = {A Chapter of Note}, booktitle = {Collected Works}, year = 1896}
@article{plain, author = {Robert Schumann}, title = {Nothing Edited Here}, journal = {J}, year = 1850}
"""


def keys(library, query: str) -> set[str]:
    return {library.get_paper(i).citekey for i in library.search(query)}


def test_a_search_finds_editors_and_translators(library, tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    import_file(library, path)
    assert keys(library, "Beethoven") == {"works"}
    assert keys(library, "Noble") == {"works"}
    assert keys(library, "Brahms") == {"chapter"}
    assert keys(library, "Liszt") == {"chapter"}
    assert keys(library, "Schumann") == {"chapter", "plain"}


def test_an_edited_editor_is_searched_by_the_new_name(library, tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    import_file(library, path)
    [works] = library.search("Beethoven")
    library.edit_bib_fields(works, {"editor": "Mozart, Wolfgang Amadeus"})
    assert keys(library, "Mozart") == {"works"}
    assert keys(library, "Beethoven") == set()
