"""Importing from the window: the worker thread, the report, the owner question, Cancel and the samples."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QDialogButtonBox, QPushButton, QWidget

from papershelf.gui.hub import LibraryHub
from papershelf.gui.import_dialog import (
    ImportController,
    ImportReportModel,
    detected_format,
    report_status,
)
from papershelf.paths import sample_pages

# The seed pages (as tests/conftest.py names them; imported from there, `conftest` can resolve to another
# folder's conftest.py when the whole suite runs).
SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
SEED_HOMEPAGE = SEEDS / "000_f5f6b2d255113960.txt"
SEED_AGGREGATOR = SEEDS / "001_b8138a3e09088a1a.txt"
SEED_ARXIV = SEEDS / "002_3e77bbf1de03bcad.txt"

BIB_WITH_BROKEN_ENTRY = """@article{smith2020,
  title = {A Study of Things},
  author = {Smith, John and Doe, Jane},
  year = {2020},
  journal = {Journal of Stuff},
}

@article{broken,
  title = {Broken entry
  author = {Nobody},

@inproceedings{lee2021,
  title = {Another Paper},
  author = {Lee, Kim and Smith, John},
  booktitle = {Proc. of Things},
  year = {2021},
}
"""


@pytest.fixture
def window(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def hub(library, qtbot):
    hub = LibraryHub(library, watch_interval_ms=0)
    yield hub
    hub.close()


def run_import(qtbot, controller: ImportController, paths, **options):
    with qtbot.waitSignal(controller.finished, timeout=60000) as blocker:
        assert controller.start([str(p) for p in paths], **options)
    return blocker.args


def test_import_runs_off_the_interface_thread_and_reports_each_file(qtbot, hub, window, library):
    changes = []
    hub.changed.connect(changes.append)
    controller = ImportController(hub, window)
    worker_threads = []
    controller.started.connect(lambda: worker_threads.append(controller.thread))
    reports, cancelled = run_import(qtbot, controller, [SEED_HOMEPAGE, SEED_AGGREGATOR])

    assert not cancelled
    assert worker_threads and worker_threads[0] is not None
    assert [report_status(r) for r in reports] == ["imported", "imported"]
    # The interface thread's connection sees the worker's commits, and the views were told.
    assert library.count_papers() == sum(r.new for r in reports) > 0
    assert any(change.kind == "library" for change in changes)

    dialog = controller.report_dialog
    assert dialog is not None and dialog.isVisible()
    homepage = reports[0]
    model = dialog.model
    assert model.rowCount() == 2
    row = [model.index(0, column).data() for column in range(model.columnCount())]
    assert row[0] == SEED_HOMEPAGE.name
    assert row[2] == "homepage"
    assert row[3] == homepage.owner == "Junyang Lin"
    assert row[5] == str(homepage.new)
    text = dialog.text()
    assert f"{homepage.found} papers found" in text
    assert "2 of 2 files imported" in dialog.summary.text()


def test_report_model_is_a_sound_item_model(qtbot, qtmodeltester, hub, window, tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB_WITH_BROKEN_ENTRY, encoding="utf-8")
    garbage = tmp_path / "photo.txt"
    garbage.write_bytes(bytes(range(256)) * 40)
    controller = ImportController(hub, window)
    reports, _ = run_import(qtbot, controller, [bib, garbage])
    qtmodeltester.check(ImportReportModel(reports))


def test_warnings_keep_their_line_numbers_and_refused_files_their_reason(qtbot, hub, window, tmp_path, library):
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB_WITH_BROKEN_ENTRY, encoding="utf-8")
    garbage = tmp_path / "photo.txt"
    garbage.write_bytes(bytes(range(256)) * 40)
    controller = ImportController(hub, window)
    reports, _ = run_import(qtbot, controller, [garbage, bib])

    assert [report_status(r) for r in reports] == ["refused", "imported"]
    dialog = controller.report_dialog
    dialog.table.selectRow(1)
    details = dialog.details.toPlainText()
    assert "line 8:" in details and "broken" in details
    dialog.table.selectRow(0)
    details = dialog.details.toPlainText()
    assert "Refused" in details and "binary" in details
    assert dialog.model.index(0, 1).data() == "refused"
    # The refused file did not stop the good one.
    assert library.count_papers() == 2


def test_merged_entries_are_reported_with_their_evidence(qtbot, hub, window, tmp_path):
    first = tmp_path / "mine.bib"
    first.write_text(BIB_WITH_BROKEN_ENTRY, encoding="utf-8")
    second = tmp_path / "coauthor.bib"
    second.write_text(
        "@article{other, title={A Study of Things}, author={Smith, John}, year={2020}, journal={J. Stuff}}\n",
        encoding="utf-8",
    )
    controller = ImportController(hub, window)
    reports, _ = run_import(qtbot, controller, [first, second])
    assert len(reports[1].merged) == 1
    assert controller.report_dialog.model.index(1, 6).data() == "1"
    controller.report_dialog.table.selectRow(1)
    details = controller.report_dialog.details.toPlainText()
    assert "A Study of Things" in details and "same title" in details


def test_an_ownerless_listing_asks_whose_list_it_is(qtbot, hub, window, library):
    assert detected_format(SEED_ARXIV) == "arxiv-listing"
    controller = ImportController(hub, window)
    with qtbot.waitSignal(controller.finished, timeout=60000) as blocker:
        controller.start([str(SEED_ARXIV)])
        dialog = controller.owner_dialog
        assert dialog is not None and dialog.isVisible()
        assert not dialog.ok_button.isEnabled()  # the name is optional, but "Import as theirs" needs one
        qtbot.keyClicks(dialog.combo.lineEdit(), "Jane Q. Researcher")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    reports, _ = blocker.args
    assert reports[0].owner == "Jane Q. Researcher"
    owner = [a for a in library.list_authors() if a.name == "Jane Q. Researcher"]
    assert owner and owner[0].paper_count == reports[0].found


def test_skipping_the_owner_question_imports_the_listing_as_nobodys(qtbot, hub, window, library):
    controller = ImportController(hub, window)
    with qtbot.waitSignal(controller.finished, timeout=60000) as blocker:
        controller.start([str(SEED_ARXIV)])
        qtbot.mouseClick(controller.owner_dialog.skip_button, Qt.MouseButton.LeftButton)
    reports, _ = blocker.args
    assert reports[0].owner is None and reports[0].new > 0
    assert all(source.owner_id is None for source in library.list_sources())


def test_cancelling_the_owner_question_imports_nothing(qtbot, hub, window, library):
    controller = ImportController(hub, window)
    with qtbot.waitSignal(controller.finished, timeout=10000) as blocker:
        controller.start([str(SEED_HOMEPAGE), str(SEED_ARXIV)])
        controller.owner_dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert blocker.args == [[], True]
    assert library.count_papers() == 0 and library.list_sources() == []


def _big_bib(path: Path, entries: int) -> Path:
    path.write_text(
        "\n".join(
            f"@article{{paper{n}, title={{Generated paper number {n}}}, author={{Author{n}, A. and Shared, B.}},"
            f" year={{{2000 + n % 20}}}, journal={{Journal {n % 7}}}}}"
            for n in range(entries)
        ),
        encoding="utf-8",
    )
    return path


def test_cancel_rolls_the_file_back_and_leaves_the_library_unchanged(qtbot, hub, window, tmp_path, library):
    run_import(qtbot, ImportController(hub, window, show_report=False), [SEED_HOMEPAGE])
    papers_before = library.paper_ids()
    sources_before = library.list_sources()
    big = _big_bib(tmp_path / "big.bib", 400)
    controller = ImportController(hub, window)
    reached_first_entry = threading.Event()
    user_cancelled = threading.Event()

    def hold_worker(_index, _count, _name, done, _total):
        # Runs on the worker thread, inside the file's transaction: the first entry is already written.
        if done and not reached_first_entry.is_set():
            reached_first_entry.set()
            user_cancelled.wait(20)

    controller.started.connect(
        lambda: controller.worker.progress.connect(hold_worker, Qt.ConnectionType.DirectConnection)
    )
    with qtbot.waitSignal(controller.finished, timeout=60000) as blocker:
        controller.start([str(big), str(SEED_AGGREGATOR)])
        qtbot.waitUntil(reached_first_entry.is_set, timeout=20000)
        progress = controller.progress_dialog
        progress.show()
        qtbot.mouseClick(progress.findChild(QPushButton), Qt.MouseButton.LeftButton)
        user_cancelled.set()
    reports, cancelled = blocker.args
    assert cancelled
    assert [report_status(r) for r in reports] == ["cancelled", "skipped"]
    assert library.paper_ids() == papers_before
    assert library.list_sources() == sources_before
    assert "cancelled" in controller.report_dialog.summary.text()


def test_a_second_import_waits_for_the_first(qtbot, hub, window):
    controller = ImportController(hub, window, show_report=False)
    with qtbot.waitSignal(controller.finished, timeout=60000):
        assert controller.start([str(SEED_HOMEPAGE)])
        assert not controller.start([str(SEED_AGGREGATOR)])


def test_the_sample_library_imports_every_bundled_page_without_questions(qtbot, hub, window, library):
    controller = ImportController(hub, window, show_report=False)
    with qtbot.waitSignal(controller.finished, timeout=60000) as blocker:
        assert controller.import_samples()
        assert controller.owner_dialog is None
    reports, _ = blocker.args
    assert len(reports) == len(sample_pages()) > 0
    assert all(report.ok for report in reports), [r.error for r in reports]
    assert len(library.list_sources()) == len(reports)


def test_the_progress_names_each_phase_with_its_counts(qtbot, hub, window, tmp_path):
    big = _big_bib(tmp_path / "phases.bib", 250)
    controller = ImportController(hub, window, show_report=False)
    labels: list[str] = []
    threads: set[threading.Thread] = set()

    class Recorder(QObject):
        """Receives the worker's signals on the interface thread, as the controller's own slots do: a plain
        function connected instead would run in the worker's thread and touch the dialog from there."""

        def __init__(self, slot) -> None:
            super().__init__(controller)
            self.slot = slot

        @Slot(int, int, str, str, int)
        def phase(self, *args) -> None:
            threads.add(threading.current_thread())
            self.slot(*args)
            labels.append(controller.progress_dialog.labelText())  # what the user reads at this step

        @Slot(int, int, str, int, int)
        def progress(self, *args) -> None:
            threads.add(threading.current_thread())
            self.slot(*args)
            labels.append(controller.progress_dialog.labelText())

    phases, progress = Recorder(controller._phase), Recorder(controller._progress)
    controller._phase = phases.phase
    controller._progress = progress.progress
    with qtbot.waitSignal(controller.finished, timeout=60000):
        controller.start([str(big)])
    assert threads == {threading.main_thread()}
    text = "\n".join(labels)
    assert "phases.bib\nreading the file…" in text
    assert "parsing the entries…" in text
    assert "matching 250 entries with the library…" in text
    assert "matching entries with the library: 101 of 250…" in text
    assert "writing 250 papers to the library…" in text


def test_the_report_of_an_import_that_queued_duplicates_opens_the_review_queue(qtbot, hub, window, tmp_path):
    near = tmp_path / "near.bib"
    near.write_text(
        "@article{a, title={Learning to Rank Things Quickly}, author={Wang, Xue and Lee, Ann}, year={2019}}\n"
        "@article{b, title={Learning to Rank Things Quick}, author={Wang, X. and Lee, A.}, year={2020}}\n",
        encoding="utf-8",
    )
    controller = ImportController(hub, window)
    with qtbot.waitSignal(controller.finished, timeout=60000) as blocker:
        controller.start([str(near)])
    reports, _ = blocker.args
    dialog = controller.report_dialog
    if not reports[0].suggested:
        assert dialog.review_button is None
        pytest.skip("these two entries were merged or kept apart without a suggestion")
    assert dialog.review_button is not None and dialog.review_button.text() == "Review now"
    with qtbot.waitSignal(hub.review_requested, timeout=1000):
        dialog.review_button.click()


def test_a_previewed_import_shows_its_plan_and_writes_only_when_confirmed(qtbot, hub, window, library):
    run_import(qtbot, ImportController(hub, window, show_report=False), [SEED_HOMEPAGE])
    assert library.count_papers() == 20
    controller = ImportController(hub, window, show_report=False)

    with qtbot.waitSignal(controller.finished, timeout=60000) as blocker:
        assert controller.start([str(SEED_ARXIV)], ask_owner=False, preview=True)
        qtbot.waitUntil(lambda: controller.preview_dialog is not None, timeout=30000)
        dialog = controller.preview_dialog
        assert dialog.summary.text() == "6 new, 3 join existing papers, 0 to review"
        assert "joins paper" in dialog.details.toPlainText()
        assert library.count_papers() == 20  # shown, not written
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    (report,), cancelled = blocker.args
    assert report_status(report) == "not imported" and "nothing was written" in report.error
    assert library.count_papers() == 20 and len(library.list_sources()) == 1

    with qtbot.waitSignal(controller.finished, timeout=60000) as blocker:
        assert controller.start([str(SEED_ARXIV)], ask_owner=False, preview=True)
        qtbot.waitUntil(lambda: controller.preview_dialog is not None, timeout=30000)
        qtbot.mouseClick(controller.preview_dialog.import_button, Qt.MouseButton.LeftButton)
    (report,), cancelled = blocker.args
    assert not cancelled and report.ok
    assert (report.new, len(report.merged)) == (6, 3)
    assert library.count_papers() == 26
