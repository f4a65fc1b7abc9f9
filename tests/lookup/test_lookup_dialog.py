"""The "Add by identifier" and "Complete records" dialogs: the lookup runs off the interface thread, the
summary shows what each paper gained, a preview writes nothing, ticked values are taken on request, Cancel
stops a run without writing, and the window's own library sees the result."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from papershelf.gui.hub import LibraryHub
from papershelf.gui.lookup_dialog import AddByIdentifierDialog, CompleteRecordsDialog
from papershelf.importers.records import PaperRecord
from papershelf.lookup.service import LookupSettings
from papershelf.model.store import import_records
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


def test_a_preview_writes_nothing_and_store_then_completes(qtbot, hub, quick):
    assert import_file(hub.library, LISTING, as_of=dt.date(2025, 11, 20)).ok
    paper_id = hub.library.find_paper_by_identifier(arxiv_id="2105.13868")
    dialog = CompleteRecordsDialog(hub, None, paper_ids=[paper_id])
    qtbot.addWidget(dialog)
    dialog.settings = quick
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

    run(qtbot, dialog, lambda: dialog.start(dry_run=False))

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


def test_cancel_stops_a_slow_lookup_and_writes_nothing(qtbot, hub, fake_api, library):
    assert import_file(hub.library, LISTING, as_of=dt.date(2025, 11, 20)).ok
    fake_api.delay = 0.5
    ids = hub.library.paper_ids()
    dialog = CompleteRecordsDialog(hub)
    qtbot.addWidget(dialog)
    dialog.settings = LookupSettings.resolve(library, arxiv_interval=0.0, timeout=5.0)
    assert f"the <b>{len(ids)}</b> incomplete papers of the library" in dialog.intro.text()

    with qtbot.waitSignal(dialog.run_finished, timeout=20000):
        dialog.start()
        qtbot.waitUntil(lambda: len(fake_api.seen) == 1, timeout=5000)
        dialog.cancel()

    assert dialog.report.cancelled
    assert "Cancelled: nothing was written" in dialog.totals.text()
    assert all(paper.title is None for paper in hub.library.get_papers(ids))
    assert not dialog.running
