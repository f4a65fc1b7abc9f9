"""The detail pane: everything about the selected paper, links that go where they say, tags and provenance."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from shell_support import dispose, make_records, store

from papershelf.gui.detail_pane import DetailPane
from papershelf.gui.hub import LibraryHub
from papershelf.gui.undo import undo_stack
from papershelf.model.records import Link, PaperRecord

ABSTRACT = "We tune $\\beta$ and gain 5% over \\textbf{DPO}."


@pytest.fixture
def paper_id(library):
    record = PaperRecord(
        line=3,
        title="$\\beta$-DPO: Direct Preference Optimization",
        authors=("Junkang Wu", "Yuexiang Xie", "Zhengyi Yang"),
        year=2024,
        venue="NeurIPS",
        arxiv_id="2407.08639",
        doi="10.5555/beta.dpo",
        abstract=ABSTRACT,
        links=(Link("code", "https://github.com/junkangwu/beta-DPO"),),
    )
    first = store(library, [record], file="wu.bib")
    listing = PaperRecord(line=40, arxiv_id="2407.08639", abstract=ABSTRACT, authors_complete=False)
    store(library, [listing], file="listing.txt", fmt="arxiv-listing")
    store(library, make_records(3))
    return first[0]


@pytest.fixture
def hub(library, paper_id):
    hub = LibraryHub(library, watch_interval_ms=0)
    yield hub
    hub.close()


@pytest.fixture
def pane(qtbot, hub):
    widget = DetailPane(hub)
    widget.resize(420, 900)
    widget.show()
    yield widget
    dispose(widget)


def test_the_paper_is_shown_readably(pane, paper_id):
    pane.show_papers([paper_id])
    assert pane.title.text() == "β-DPO: Direct Preference Optimization"
    assert pane.venue.text().startswith("NeurIPS 2024")
    assert pane.abstract.text() == "We tune β and gain 5% over DPO."
    identifiers = pane.identifiers.text()
    assert 'href="https://arxiv.org/abs/2407.08639"' in identifiers
    assert 'href="https://doi.org/10.5555/beta.dpo"' in identifiers
    assert 'href="https://github.com/junkangwu/beta-DPO"' in identifiers


def test_authors_are_links_to_their_pages(qtbot, pane, hub, library, paper_id):
    pane.show_papers([paper_id])
    paper = library.get_paper(paper_id)
    text = pane.authors.text()
    for ref in paper.authors:
        assert f'href="author:{ref.author_id}"' in text and ref.name in text
    with qtbot.waitSignal(hub.author_requested) as signal:
        pane.authors.linkActivated.emit(f"author:{paper.authors[1].author_id}")
    assert signal.args == [paper.authors[1].author_id]


def test_links_open_in_the_browser_and_nothing_else_does(monkeypatch, pane, paper_id):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    pane.show_papers([paper_id])
    pane.identifiers.linkActivated.emit("https://arxiv.org/abs/2407.08639")
    pane.identifiers.linkActivated.emit("file:///etc/passwd")
    assert opened == ["https://arxiv.org/abs/2407.08639"]


def test_provenance_says_which_pages_listed_the_paper_and_what_each_said(pane, paper_id):
    pane.show_papers([paper_id])
    text = pane.provenance.text()
    assert "wu.bib" in text and "listing.txt" in text
    assert "line 3" in text and "line 40" in text
    assert "Junkang Wu, Yuexiang Xie, Zhengyi Yang" in text  # as the .bib wrote it
    # Issue 15: each page named as the sidebar names it (format as a reader says it), its file beside.
    assert "arXiv listing · listing.txt</b>" in text and "(listing.txt, line 40" in text


def test_provenance_names_a_page_by_its_owner_as_the_sidebar_does(library, hub, pane):
    record = PaperRecord(line=36, title="CogView: Mastering Text-to-Image Generation", authors=("Ming Ding",))
    [paper] = store(library, [record], file="000_f5f6b2d255113960.txt", fmt="homepage", owner="Junyang Lin")
    pane.show_papers([paper])
    text = pane.provenance.text()
    assert "<b>Junyang Lin · homepage</b>" in text
    assert "(000_f5f6b2d255113960.txt, line 36" in text


def test_tags_are_added_with_completion_and_removed_with_their_chip(qtbot, qtmodeltester, pane, library, paper_id):
    other = library.paper_ids()[-1]
    library.add_tag([other], "preference-learning")
    pane.show_papers([paper_id])
    assert "preference-learning" in pane.tags.completer.model().stringList()
    qtmodeltester.check(pane.tags.completer.model())
    qtbot.keyClicks(pane.tags.line, "preference-learning")
    qtbot.keyClick(pane.tags.line, Qt.Key.Key_Return)
    assert "preference-learning" in library.get_paper(paper_id).tags
    assert pane.tags.names() == ["preference-learning"]
    qtbot.mouseClick(pane.tags.chips[0].remove_button, Qt.MouseButton.LeftButton)
    assert library.get_paper(paper_id).tags == []
    undo_stack(pane.hub).undo()
    assert library.get_paper(paper_id).tags == ["preference-learning"]


def test_a_multiple_selection_shows_shared_tags_and_tags_them_all(qtbot, pane, library):
    ids = library.paper_ids()[:3]
    library.add_tag(ids[:1], "partial")
    pane.show_papers(ids)
    assert pane.stack.currentWidget() is pane.multiple
    assert pane.summary.text() == "3 papers selected"
    assert [chip.label.text() for chip in pane.multi_tags.chips] == ["partial (1/3)"]
    qtbot.keyClicks(pane.multi_tags.line, "batch")
    qtbot.keyClick(pane.multi_tags.line, Qt.Key.Key_Return)
    assert set(library.paper_ids(tag="batch")) == set(ids)


def test_the_note_is_saved_for_the_paper_it_was_typed_for(qtbot, pane, library, paper_id):
    other = library.paper_ids()[-1]
    pane.show_papers([paper_id])
    pane.note.set_editing(True)
    qtbot.keyClicks(pane.note.editor, "check eq. 7")
    pane.show_papers([other])  # switching before the debounce fires must not lose or misplace it
    assert library.get_paper(paper_id).note == "check eq. 7"
    assert library.get_paper(other).note == ""
    assert pane.note.text() == ""


def test_an_untitled_paper_explains_itself(pane, library):
    untitled = store(library, [PaperRecord(line=1, arxiv_id="2101.00001", authors_complete=False)], file="l2.txt")
    pane.show_papers(untitled)
    assert pane.title.text() == "[untitled] arXiv:2101.00001"
    assert not pane.title_hint.isHidden()
    assert "authors not listed" in pane.authors.text()


BUSY = "the library is busy: another program is importing (waited 30 s)"


@pytest.fixture
def refusing(monkeypatch, library):
    """Make the library refuse note and tag writes as a busy, read-only or full library does; `accept()` ends it."""
    from papershelf.gui import note_editor
    from papershelf.model.library import LibraryError

    monkeypatch.setattr(note_editor, "RETRY_PAUSE_S", 0.0, raising=False)
    originals = {name: getattr(library, name) for name in ("set_note", "add_tag")}

    def refuse(*args, **kwargs):
        raise LibraryError(BUSY)

    for name in originals:
        monkeypatch.setattr(library, name, refuse)

    class Switch:
        def accept(self):
            for name, original in originals.items():
                monkeypatch.setattr(library, name, original)

    return Switch()


def test_a_refused_note_is_not_called_saved_and_is_saved_once_the_library_accepts(
    qtbot, pane, library, paper_id, refusing
):
    from papershelf.gui.colours import error_colour

    messages = []
    pane.hub.status_message.connect(messages.append)
    pane.show_papers([paper_id])
    pane.note.set_editing(True)
    qtbot.keyClicks(pane.note.editor, "check eq. 7")
    qtbot.waitUntil(lambda: "not saved" in pane.note.status.text(), timeout=3000)
    status = pane.note.status.text()
    assert status == f"not saved: {BUSY} — it will be retried"
    assert error_colour(pane.note.palette()) in pane.note.status.styleSheet()
    assert any(message.startswith("Nothing was changed") for message in messages)
    assert library.get_paper(paper_id).note == ""
    assert pane.note.text() == "check eq. 7" and pane.note.unsaved()
    pane.note.flush()  # still refused: still said so, text kept
    assert "not saved" in pane.note.status.text() and pane.note.text() == "check eq. 7"

    refusing.accept()
    pane.note.flush()  # as when the editor loses focus or the user switches papers
    assert library.get_paper(paper_id).note == "check eq. 7"
    assert pane.note.status.text() == "saved" and pane.note.status.styleSheet() == ""
    assert not pane.note.unsaved()


def test_a_refused_note_retries_when_typing_goes_on(qtbot, pane, library, paper_id, refusing):
    pane.show_papers([paper_id])
    pane.note.set_editing(True)
    qtbot.keyClicks(pane.note.editor, "draft")
    qtbot.waitUntil(lambda: "not saved" in pane.note.status.text(), timeout=3000)
    refusing.accept()
    qtbot.keyClicks(pane.note.editor, " two")
    qtbot.waitUntil(lambda: pane.note.status.text() == "saved", timeout=3000)
    assert library.get_paper(paper_id).note == "draft two"


def test_a_refused_note_survives_switching_papers_and_is_saved_later(qtbot, pane, library, paper_id, refusing):
    other = library.paper_ids()[-1]
    pane.show_papers([paper_id])
    pane.note.set_editing(True)
    qtbot.keyClicks(pane.note.editor, "check eq. 7")
    pane.show_papers([other])  # refused while switching: kept for its paper, not written into the other one
    assert library.get_paper(paper_id).note == "" and library.get_paper(other).note == ""
    assert pane.note.text() == "" and not pane.note.unsaved()
    assert pane.unsaved_notes() == {paper_id: "check eq. 7"}
    pane.show_papers([paper_id])  # back: the text is there, marked not saved
    assert pane.note.text() == "check eq. 7"
    assert "not saved" in pane.note.status.text()
    pane.show_papers([other])

    refusing.accept()
    assert pane.flush()  # closing the window (or any later note save) saves what was refused
    assert library.get_paper(paper_id).note == "check eq. 7"
    assert library.get_paper(other).note == ""
    assert pane.unsaved_notes() == {}


def test_a_refused_tag_is_not_announced_and_stays_typed(qtbot, pane, library, paper_id, refusing):
    messages = []
    pane.hub.status_message.connect(messages.append)
    pane.show_papers([paper_id])
    qtbot.keyClicks(pane.tags.line, "to-read")
    qtbot.keyClick(pane.tags.line, Qt.Key.Key_Return)
    assert library.get_paper(paper_id).tags == []
    assert not any(message.startswith("Tagged") for message in messages)
    assert pane.tags.line.text() == "to-read"
    refusing.accept()
    qtbot.keyClick(pane.tags.line, Qt.Key.Key_Return)
    assert library.get_paper(paper_id).tags == ["to-read"]


def test_each_field_says_which_page_gave_it_beside_the_fields(library, hub, pane):
    homepage = PaperRecord(line=36, title="CogView: Mastering Text-to-Image Generation", authors=("Ming Ding",))
    [paper] = store(library, [homepage], file="000_f5f6b2d255113960.txt", fmt="homepage", owner="Junyang Lin")
    profile = PaperRecord(
        line=7, title="CogView: Mastering Text-to-Image Generation", authors=("Ming Ding",), year=2021, venue="NeurIPS"
    )
    store(library, [profile], file="scholar.txt", fmt="scholarly-profile", owner="Li Dong")
    pane.show_papers([paper])
    text = pane.field_sources.text()
    assert "title, authors from Junyang Lin · homepage" in text
    assert "year, venue from Li Dong · scholarly profile" in text
    assert pane.field_sources.isVisible()


def test_an_edited_volume_shows_its_editors_where_authors_stand(pane, library, tmp_path):
    from papershelf.pipeline import import_file

    bib = tmp_path / "volume.bib"
    bib.write_text(
        "@book{works, editor = {van Beethoven, Ludwig and {Barnes and Noble, Inc.}}, title = {Collected Works},"
        " publisher = {Springer}, year = 1896}\n"
        "@incollection{chapter, author = {Clara Schumann}, editor = {Johannes Brahms}, title = {A Chapter of Note},"
        " booktitle = {Collected Works}, year = 1896}\n",
        encoding="utf-8",
    )
    import_file(library, bib)
    ids = {library.get_paper(i).citekey: i for i in library.paper_ids()}
    pane.show_papers([ids["works"]])
    assert "Edited by Ludwig van Beethoven, Barnes and Noble, Inc." in pane.authors.text()
    assert "no authors" not in pane.authors.text() and "not listed" not in pane.authors.text()
    pane.show_papers([ids["chapter"]])
    assert "Clara Schumann" in pane.authors.text() and "edited by Johannes Brahms" in pane.authors.text()


def test_a_bib_entrys_linked_pdf_opens_from_the_pane(pane, library, tmp_path, monkeypatch):
    """JabRef's and Better BibTeX's `file` field: the PDF beside the .bib opens; a missing one says so."""
    from PySide6.QtGui import QDesktopServices

    from papershelf.gui import detail_pane
    from papershelf.pipeline import import_file

    (tmp_path / "papers").mkdir()
    pdf = tmp_path / "papers" / "turing1936.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    (tmp_path / "papers" / "run.sh").write_text("echo no\n")
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{turing1936, author = {Alan Turing}, title = {On Computable Numbers}, year = 1936,"
        " file = {Full text:papers/turing1936.pdf:PDF;Script:papers/run.sh:sh;:/elsewhere/gone.pdf:PDF}}\n",
        encoding="utf-8",
    )
    import_file(library, bib)
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    [paper_id] = [i for i in library.paper_ids() if library.get_paper(i).citekey == "turing1936"]
    pane.show_papers([paper_id])
    text = pane.identifiers.text()
    assert "Full text" in text and "gone.pdf" in text and "not found on this computer" in text
    assert "not a document" in text  # run.sh is shown, never opened from here
    [href] = [h for h in re.findall(r'href="([^"]+)"', text) if h.startswith("file:")]
    pane._link(href)
    assert opened == [str(pdf)]
    pane._link("file://" + str(tmp_path / "papers" / "run.sh"))
    assert opened == [str(pdf)]
    assert detail_pane.is_document(pdf)
