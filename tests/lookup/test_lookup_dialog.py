"""The "Add by identifier" and "Complete records" dialogs: the lookup runs off the interface thread, the
summary shows what each paper gained, a preview writes nothing, ticked values are taken on request, Cancel
stops a run without writing, and the window's own library sees the result."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from papershelf.gui.hub import LibraryHub
from papershelf.gui.lookup_dialog import AddByIdentifierDialog, CompleteRecordsDialog, background
from papershelf.lookup.service import LookupSettings
from papershelf.model.apply import import_records
from papershelf.model.records import PaperRecord
from papershelf.pipeline import import_file

LISTING = Path(__file__).parents[1] / "fixtures" / "seeds" / "002_3e77bbf1de03bcad.txt"


@pytest.fixture
def hub(library):
    hub = LibraryHub(library, watch_interval_ms=0)
    yield hub
    hub.close()


def run(qtbot, dialog, start) -> None:
    with qtbot.waitSignal(dialog.run_finished, timeout=20000):
        assert start()


def texts(dialog) -> list[str]:
    found = []
    for index in range(dialog.summary.topLevelItemCount()):
        top = dialog.summary.topLevelItem(index)
        found.append(f"{top.text(0)} | {top.text(1)}")
        found += [f"  {top.child(i).text(0)} | {top.child(i).text(1)}" for i in range(top.childCount())]
    return found


def test_adding_one_id_creates_the_paper_off_the_interface_thread_and_opens_it(qtbot, hub, quick):
    dialog = AddByIdentifierDialog(hub)
    qtbot.addWidget(dialog)
    dialog.settings = quick
    dialog.editor.setPlainText("https://arxiv.org/abs/1911.07013v1\n")
    opened, changes = [], []
    hub.paper_requested.connect(opened.append)
    hub.changed.connect(changes.append)

    run(qtbot, dialog, dialog.start)

    paper_id = hub.library.find_paper_by_identifier(arxiv_id="1911.07013")
    assert hub.library.get_paper(paper_id).title == "Understanding and Improving Layer Normalization"
    assert opened == [paper_id]
    assert changes  # the views hear of the worker's commit at once
    lines = texts(dialog)
    assert lines[0] == f"#{paper_id}  Understanding and Improving Layer Normalization | Added"
    assert "  + title: Understanding and Improving Layer Normalization | gained" in lines
    assert dialog.editor.toPlainText() == ""


def test_an_id_already_in_the_library_opens_that_paper(qtbot, hub, quick, fake_api):
    assert import_file(hub.library, LISTING, as_of=dt.date(2025, 11, 20)).ok
    existing = hub.library.find_paper_by_identifier(arxiv_id="2105.13868")
    count = hub.library.count_papers()
    dialog = AddByIdentifierDialog(hub)
    qtbot.addWidget(dialog)
    dialog.settings = quick
    dialog.editor.setPlainText("arXiv:2105.13868")
    opened = []
    hub.paper_requested.connect(opened.append)

    run(qtbot, dialog, dialog.start)

    assert opened == [existing]
    assert hub.library.count_papers() == count
    assert fake_api.seen == []
    assert texts(dialog)[0].endswith("| Already in library")


def test_add_is_not_offered_until_something_is_typed(qtbot, hub):
    dialog = AddByIdentifierDialog(hub)
    qtbot.addWidget(dialog)
    assert not dialog.add_button.isEnabled()
    dialog.editor.setPlainText("10.1145/3292500.3330701")
    assert dialog.add_button.isEnabled()


def test_a_preview_writes_nothing_and_store_then_completes_without_asking_again(qtbot, hub, quick, fake_api):
    assert import_file(hub.library, LISTING, as_of=dt.date(2025, 11, 20)).ok
    paper_id = hub.library.find_paper_by_identifier(arxiv_id="2105.13868")
    dialog = CompleteRecordsDialog(hub, None, paper_ids=[paper_id])
    qtbot.addWidget(dialog)
    dialog.settings = quick
    dialog.show()
    assert "the <b>1</b> selected paper" in dialog.intro.text()
    dialog.preview.setChecked(True)
    before = hub.library.get_paper(paper_id)

    run(qtbot, dialog, dialog.start)

    assert hub.library.get_paper(paper_id).title is None
    assert hub.library.get_paper(paper_id).updated_at == before.updated_at
    lines = texts(dialog)
    assert "  + title: Learning Relation Alignment for Calibrated Cross-modal Retrieval | would gain" in lines
    assert "preview" in dialog.totals.text()
    assert not dialog.store_button.isHidden()
    asked = len(fake_api.seen)

    with qtbot.waitSignal(dialog.run_finished, timeout=20000):
        qtbot.mouseClick(dialog.store_button, Qt.MouseButton.LeftButton)

    assert len(fake_api.seen) == asked  # the preview's answers were cached: nothing is asked twice

    paper = hub.library.get_paper(paper_id)
    assert paper.title == "Learning Relation Alignment for Calibrated Cross-modal Retrieval"
    assert paper.doi == "10.5555/papershelf.acl-long.2021.0042"
    assert "  + doi: 10.5555/papershelf.acl-long.2021.0042 | gained" in texts(dialog)


def test_a_ticked_looked_up_value_replaces_the_pages_value(qtbot, hub, quick):
    import_records(
        hub.library,
        file="cards.txt",
        path="cards.txt",
        sha256="cards",
        fmt="aggregator",  # ranked below arXiv, so the looked-up title would win if not withheld
        owner=None,
        records=[PaperRecord(line=1, title="Layer Norm, Understood", arxiv_id="1911.07013", year=2019)],
    )
    paper_id = hub.library.find_paper_by_identifier(arxiv_id="1911.07013")
    dialog = CompleteRecordsDialog(hub, None, paper_ids=[paper_id])
    qtbot.addWidget(dialog)
    dialog.settings = quick
    run(qtbot, dialog, dialog.start)
    assert hub.library.get_paper(paper_id).title == "Layer Norm, Understood"
    kept = [
        dialog.summary.topLevelItem(0).child(i)
        for i in range(dialog.summary.topLevelItem(0).childCount())
        if dialog.summary.topLevelItem(0).child(i).text(0).startswith("= title")
    ]
    assert len(kept) == 1 and not dialog.accept_button.isEnabled()

    kept[0].setCheckState(0, Qt.CheckState.Checked)
    assert dialog.ticked() == {paper_id: {"title"}}
    assert dialog.accept_button.isEnabled()
    run(qtbot, dialog, dialog.apply_ticked)

    assert hub.library.get_paper(paper_id).title == "Understanding and Improving Layer Normalization"


def test_cancel_stops_a_hanging_request_at_once_and_writes_nothing(qtbot, hub, fake_api, library):
    assert import_file(hub.library, LISTING, as_of=dt.date(2025, 11, 20)).ok
    fake_api.delay = 30.0  # a server that never answers in time
    ids = hub.library.paper_ids()
    dialog = CompleteRecordsDialog(hub)
    qtbot.addWidget(dialog)
    dialog.settings = LookupSettings.resolve(library, arxiv_interval=0.0, timeout=20.0)
    assert f"the <b>{len(ids)}</b> papers of the library a lookup can complete" in dialog.intro.text()
    dialog.show()
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(fake_api.seen) == 1, timeout=5000)

    started = time.monotonic()
    with qtbot.waitSignal(dialog.run_finished, timeout=1000):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)

    assert time.monotonic() - started < 0.5  # not the 20 s timeout
    assert dialog.report.cancelled and not dialog.running
    assert dialog.totals.text().startswith("Cancelled: nothing from this run was stored.")
    assert "nothing to do" not in dialog.totals.text().lower() and "did not answer" not in dialog.totals.text()
    assert dialog.start_button.isEnabled() and dialog.cancel_button.isHidden()
    # The abandoned run ends by itself shortly after (its helper request is left to time out); nothing is stored.
    qtbot.waitUntil(lambda: not background().runs, timeout=3000)
    assert all(paper.title is None for paper in hub.library.get_papers(ids))


def test_closing_the_dialog_during_a_hanging_request_does_not_block(qtbot, hub, fake_api, library):
    assert import_file(hub.library, LISTING, as_of=dt.date(2025, 11, 20)).ok
    fake_api.delay = 30.0
    dialog = CompleteRecordsDialog(hub)
    qtbot.addWidget(dialog)
    dialog.settings = LookupSettings.resolve(library, arxiv_interval=0.0, timeout=20.0)
    dialog.show()
    assert dialog.start()
    qtbot.waitUntil(lambda: len(fake_api.seen) == 1, timeout=5000)

    started = time.monotonic()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    assert time.monotonic() - started < 0.5
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: not background().runs, timeout=3000)
    assert all(paper.title is None for paper in hub.library.get_papers(hub.library.paper_ids()))


def test_the_dialog_asks_for_the_users_email_and_crossref_is_then_told(qtbot, hub, fake_api, monkeypatch):
    monkeypatch.delenv("PAPERSHELF_CONTACT_EMAIL")
    dialog = AddByIdentifierDialog(hub)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.contact_edit.isVisible()
    dialog.editor.setPlainText("10.5555/papershelf.jtrm.2020.012")
    qtbot.keyClicks(dialog.contact_edit, "not an address")
    assert not dialog.start()
    assert "is not an e-mail address" in dialog.status.text()

    dialog.contact_edit.clear()
    qtbot.keyClicks(dialog.contact_edit, "me@uni.example")
    with qtbot.waitSignal(dialog.run_finished, timeout=20000):
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)

    assert hub.library.get_setting("lookup.contact_email") == "me@uni.example"
    assert not dialog.contact_edit.isVisible()
    assert {seen.headers["User-Agent"] for seen in fake_api.seen} == {
        "Papershelf/0.1.0 (desktop reference manager; mailto:me@uni.example)"
    }
    again = AddByIdentifierDialog(hub)
    qtbot.addWidget(again)
    assert again.contact_row.isHidden()  # asked once per library


def test_the_complete_dialog_says_how_its_count_relates_to_the_sidebars(qtbot, hub, seed_library):
    dialog = CompleteRecordsDialog(hub)
    qtbot.addWidget(dialog)
    incomplete = hub.library.count_papers("incomplete")

    assert dialog.count > incomplete
    assert f"(the {incomplete} <i>Incomplete records</i> of the sidebar, and {dialog.count - incomplete} more" in (
        dialog.intro.text()
    )


def test_error_text_takes_its_colour_from_the_palette(qtbot, hub, monkeypatch):
    from papershelf.gui.app import dark_palette

    monkeypatch.delenv("PAPERSHELF_CONTACT_EMAIL", raising=False)
    dialog = AddByIdentifierDialog(hub)
    qtbot.addWidget(dialog)
    dialog.setPalette(dark_palette())
    dialog.show()
    dialog.editor.setPlainText("2112.07327")
    qtbot.keyClicks(dialog.contact_edit, "oops")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)

    assert "#b00020" not in dialog.status.text()  # the light-window red is unreadable on a dark window
    assert "#f28b82" in dialog.status.text()
