"""One paper written twice in one file (a .bib citing it under two keys, a page listing it in two sections): the
file's entries are both kept, and the pair waits in the review queue, as JabRef and Zotero flag such twins."""

from __future__ import annotations

from pathlib import Path

from papershelf.model.merge import mark_distinct, open_suggestions
from papershelf.pipeline import import_file

TWINS = r"""
@article{maaten2008,
  author = {Maaten, Laurens van der and Hinton, Geoffrey},
  title = {Visualizing Data using t-{SNE}},
  journal = {JMLR}, year = 2008
}
@article{vandermaaten2008visualizing,
  author = {Laurens van der Maaten and Geoffrey E. Hinton},
  title = {Visualizing Data using {t-SNE}},
  journal = {Journal of Machine Learning Research}, year = 2008, volume = 9
}
@incollection{intro1, author = {Ann Editor}, title = {Introduction}, booktitle = {Volume One}, year = 2001}
@incollection{intro2, author = {Ann Editor}, title = {Introduction}, booktitle = {Volume Two}, year = 2002}
@inproceedings{conf, author = {Ada Lovelace}, title = {Notes on the Analytical Engine and Its Uses},
  booktitle = {Proc. of Engines}, year = 1843}
@article{journal, author = {Ada Lovelace}, title = {Notes on the Analytical Engine and Its Uses},
  journal = {Annals of Engines}, year = 1850}
@article{other, author = {Charles Babbage}, title = {Notes on the Analytical Engine and Its Uses},
  journal = {Annals of Engines}, year = 1843}
"""


def write(tmp_path: Path, text: str, name: str = "refs.bib") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def pairs(library) -> list[set[str]]:
    return [{s.a.citekey, s.b.citekey} for s in open_suggestions(library, "paper")]


def test_one_paper_under_two_keys_is_kept_twice_and_proposed_once(library, tmp_path):
    import_file(library, write(tmp_path, TWINS))
    keys = {key for (key,) in library.conn.execute("SELECT citekey FROM papers")}
    assert {"maaten2008", "vandermaaten2008visualizing"} <= keys  # the file cites both: both stay
    found = pairs(library)
    assert {"maaten2008", "vandermaaten2008visualizing"} in found
    # Chapters named alike, a paper and its journal version years later, another author's work: not twins.
    assert all(pair & {"intro1", "intro2", "journal", "other"} == set() for pair in found)
    assert len(found) == 1


def test_a_pair_called_distinct_is_not_proposed_again_by_a_reimport(library, tmp_path):
    path = write(tmp_path, TWINS)
    import_file(library, path)
    [suggestion] = open_suggestions(library, "paper")
    mark_distinct(library, "paper", suggestion.a.id, suggestion.b.id)
    path.write_text(TWINS + "\n% edited\n", encoding="utf-8")
    import_file(library, path)
    assert pairs(library) == []


def test_twins_in_a_library_that_already_has_papers(library, tmp_path):
    import_file(
        library, write(tmp_path, "@article{x, author={Someone Else}, title={Unrelated Work}, year=2000}", "a.bib")
    )
    import_file(library, write(tmp_path, TWINS))
    assert pairs(library) == [{"maaten2008", "vandermaaten2008visualizing"}]
