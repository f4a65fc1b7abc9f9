"""The "Add by identifier" and "Complete records" dialogs: the lookups run on a worker thread with its own
library connection, with progress and Cancel, and a summary of what each paper gained.

Cancel and closing never wait on the interface thread: the run is told to stop and let go of, and a keeper
holds its thread until it ends (a request the server never answers is abandoned within a tenth of a second, see
lookup/http.py); what it returns then is dropped. No SQL and no network code here: lookup/service.py does the
work; the interface thread hears of the commits through the hub. Nothing is fetched until the user asks.
"""

from __future__ import annotations

import contextlib
import html
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from papershelf.gui.colours import error_colour
from papershelf.gui.hub import LibraryHub
from papershelf.gui.main_thread_gc import collect_on_main_thread
from papershelf.lookup.identifiers import split_identifiers
from papershelf.lookup.service import (
    SETTING_CONTACT,
    SETTINGS,
    LookupReport,
    LookupSettings,
    PaperLookup,
    add_identifiers,
    complete_records,
    is_email,
    setting_value,
)
from papershelf.model.library import Library, LibraryError
from papershelf.model.lookups import FieldChange, incomplete_paper_ids

_STATUS_WORDS = {
    "added": "Added",
    "existing": "Already in library",
    "matched": "Already in library",
    "completed": "Completed",
    "unchanged": "Nothing new",
    "not-found": "Not found",
    "error": "Failed",
    "invalid": "Not an identifier",
    "skipped": "Skipped",
}
_PAPER_ROLE = Qt.ItemDataRole.UserRole
_FIELD_ROLE = Qt.ItemDataRole.UserRole + 1


# ---------------------------------------------------------------------------------------------- worker
class LookupWorker(QObject):
    """Runs one lookup job on its own thread with its own library connection (sqlite connections belong to
    one thread). `job` is called with (library, progress, cancelled) and returns a LookupReport."""

    progress = Signal(int, int, str)
    finished = Signal(object)  # a LookupReport
    failed = Signal(str)

    def __init__(self, library_path: Path, job: Callable[..., LookupReport]) -> None:
        super().__init__()
        self.library_path = Path(library_path)
        self.job = job
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the worker to stop; safe from any thread. Nothing from the run is then stored."""
        self._cancel.set()

    def run(self) -> None:
        try:
            library = Library.open(self.library_path)
        except LibraryError as error:
            self.failed.emit(str(error))
            return
        try:
            report = self.job(
                library, lambda done, total, text: self.progress.emit(done, total, text), self._cancel.is_set
            )
        except LibraryError as error:
            self.failed.emit(str(error))
            return
        except Exception as error:  # a bug must not leave the dialog waiting forever
            traceback.print_exc(file=sys.stderr)
            self.failed.emit(f"the lookup stopped because of an internal error: {error!r}")
            return
        finally:
            library.close()
        self.finished.emit(report)


class _Background(QObject):
    """Keeps the threads of runs that were let go of (cancelled, or their dialog closed) until they end, so
    neither Python nor Qt deletes a running thread; a run that was storing when its dialog closed still tells
    the window what it stored. Lives on the interface thread, one per application."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runs: dict[int, tuple[QThread, LookupWorker, LibraryHub | None]] = {}

    def keep(self, thread: QThread, worker: LookupWorker, hub: LibraryHub | None) -> None:
        self.runs[id(thread)] = (thread, worker, hub)
        thread.finished.connect(self._ended)
        worker.finished.connect(self._reported)

    @Slot()
    def _ended(self) -> None:
        entry = self.runs.pop(id(self.sender()), None)
        if entry is not None:
            entry[1].deleteLater()
            entry[0].deleteLater()

    @Slot(object)
    def _reported(self, report: LookupReport) -> None:
        hub = next((h for _t, w, h in self.runs.values() if w is self.sender()), None)
        if hub is None or not shiboken6.isValid(hub) or hub.library.closed:
            return
        if report.cancelled or report.dry_run or report.error:
            return
        hub.check_external_changes()  # it stored on its own connection after its dialog closed
        stored = sum(1 for p in report.papers if p.status in ("added", "completed", "matched"))
        if stored:
            hub.status_message.emit(f"The lookup finished in the background: {stored} papers stored")

    def wait(self, timeout_ms: int) -> bool:
        """Block until every kept run ended (the app is quitting); False if one is still running."""
        return all(thread.wait(timeout_ms) for thread, _w, _h in list(self.runs.values()))


def background() -> _Background:
    """The application's keeper of let-go lookup runs."""
    app = QCoreApplication.instance()
    keeper = app.findChild(_Background, "papershelf-lookup-background") if app is not None else None
    if keeper is None:
        keeper = _Background(app)
        keeper.setObjectName("papershelf-lookup-background")
    return keeper


def contact_configured(library: Library) -> bool:
    """Whether Crossref will be told a real address (the user's, from the environment or the library)."""
    info = next(s for s in SETTINGS if s.key == SETTING_CONTACT)
    return setting_value(library, info)[0] is not None


# ---------------------------------------------------------------------------------------------- base
class _LookupDialog(QDialog):
    """Progress, Cancel, the worker thread and the summary tree shared by both dialogs."""

    run_finished = Signal(object)  # the LookupReport, once the interface has shown it

    def __init__(self, hub: LibraryHub, parent: QWidget | None, title: str) -> None:
        super().__init__(parent)
        self.hub = hub
        self.report: LookupReport | None = None
        # None: endpoints and manners from the environment and the library's settings (tests give their own).
        self.settings: LookupSettings | None = None
        self._thread: QThread | None = None
        self._worker: LookupWorker | None = None
        self.setWindowTitle(title)
        self.resize(720, 520)
        self.layout_ = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.RichText)
        self.layout_.addWidget(self.intro)
        self.body = QVBoxLayout()
        self.layout_.addLayout(self.body)
        # Crossref's polite pool wants a real address; none is made up, so ask for the user's own (once).
        self.contact_row = QWidget(self)
        contact_layout = QHBoxLayout(self.contact_row)
        contact_layout.setContentsMargins(0, 0, 0, 0)
        contact_label = QLabel("Your e-mail for Crossref (optional):", self.contact_row)
        self.contact_edit = QLineEdit(self.contact_row)
        self.contact_edit.setPlaceholderText("you@university.edu")
        self.contact_edit.setAccessibleName("Your e-mail for Crossref")
        tip = (
            "Crossref asks programs for a contact address so it can write before blocking a misbehaving one. "
            "It is saved in the library's settings (Edit ▸ Preferences changes it) and sent only to Crossref "
            "and arXiv, in the User-Agent. Without one, only Papershelf's web address is sent."
        )
        contact_label.setToolTip(tip)
        self.contact_edit.setToolTip(tip)
        contact_label.setBuddy(self.contact_edit)
        contact_layout.addWidget(contact_label)
        contact_layout.addWidget(self.contact_edit, 1)
        self.layout_.addWidget(self.contact_row)
        self.contact_row.setVisible(not contact_configured(hub.library))
        self.summary = QTreeWidget(self)
        self.summary.setColumnCount(2)
        self.summary.setHeaderLabels(["Paper", "Result"])
        self.summary.header().setStretchLastSection(False)
        self.summary.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.summary.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.summary.setAlternatingRowColors(True)
        self.summary.itemDoubleClicked.connect(self._open_paper)
        self.layout_.addWidget(self.summary, 1)
        self.totals = QLabel(self)
        self.totals.setWordWrap(True)
        self.totals.hide()
        self.layout_.addWidget(self.totals)
        progress_row = QHBoxLayout()
        self.progress = QProgressBar(self)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        progress_row.addWidget(self.progress, 1)
        self.layout_.addLayout(progress_row)
        self.layout_.addWidget(self.status)
        self.buttons = QDialogButtonBox(self)
        self.cancel_button = self.buttons.addButton("Cancel lookup", QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.clicked.connect(self.reject)
        self.layout_.addWidget(self.buttons)

    # ------------------------------------------------------------------ running
    @property
    def running(self) -> bool:
        return self._thread is not None

    def _start(self, job: Callable[..., LookupReport], what: str) -> bool:
        if self.running:
            return False
        path = self.hub.library.path
        if str(path) == ":memory:":
            self._show_error("this library lives only in memory; lookups need a library file")
            return False
        if not self._save_contact():
            return False
        self.status.setText(what)
        self.totals.hide()
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self._set_busy(True)
        # No parent: a cancelled run's thread may outlive this dialog; the keeper deletes it once it ends.
        collect_on_main_thread()
        thread = QThread()
        worker = LookupWorker(path, job)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progress.connect(self._on_progress)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        # Direct: QThread.quit is safe from any thread, and must not queue behind a busy interface thread.
        worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        worker.failed.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        background().keep(thread, worker, None)
        self._thread, self._worker = thread, worker
        thread.start()
        return True

    def _save_contact(self) -> bool:
        """Store the e-mail typed into the contact row (if any); False when it is not an address."""
        if self.contact_row.isHidden():
            return True
        text = self.contact_edit.text().strip()
        if not text:
            return True  # the user may go without: Crossref is then told the project's address only
        if not is_email(text):
            self._show_error(f"“{text}” is not an e-mail address; correct it or leave the field empty")
            self.contact_edit.setFocus()
            return False
        try:
            self.hub.library.set_setting(SETTING_CONTACT, text)
        except LibraryError as error:
            self._show_error(f"the e-mail could not be saved: {error}")
            return False
        self.contact_row.hide()
        return True

    def cancel(self) -> None:
        """Stop the run now: its thread is let go of (it ends by itself within moments) and whatever it would
        still return is dropped, so nothing from it is stored. Never waits on the interface thread."""
        worker = self._worker
        if worker is None:
            return
        worker.cancel()
        self._let_go(in_background=True)
        report = LookupReport(dry_run=self._dry_run(), cancelled=True)
        self.report = report
        self.summary.clear()
        self.totals.setText(
            "Cancelled: nothing from this run was stored. Answers that had already arrived are kept in the "
            "library's cache, so looking up again does not ask for them twice."
        )
        self.totals.show()
        self.status.setText("")
        self.run_finished.emit(report)

    def _dry_run(self) -> bool:
        return False

    def _let_go(self, *, in_background: bool = False) -> None:
        """Disconnect the running worker from this dialog and reset the controls; its thread is kept alive by
        `background()` until it ends. `in_background`: the run may still be storing (the dialog closed while it
        stored), so the keeper tells the window what it stored."""
        worker, thread = self._worker, self._thread
        self._thread, self._worker = None, None
        if worker is not None and shiboken6.isValid(worker):
            for signal, slot in (
                (worker.progress, self._on_progress),
                (worker.finished, self._on_finished),
                (worker.failed, self._on_failed),
            ):
                with contextlib.suppress(RuntimeError, TypeError):  # already disconnected
                    signal.disconnect(slot)
            keeper = background()
            if in_background and thread is not None and id(thread) in keeper.runs:
                keeper.runs[id(thread)] = (thread, worker, self.hub)
        self.progress.hide()
        self.cancel_button.hide()
        self._set_busy(False)

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Block until the worker is done (tests only: the interface itself never waits on a run)."""
        thread = self._thread
        return thread.wait(timeout_ms) if thread is not None else True

    def _on_progress(self, done: int, total: int, text: str) -> None:
        if self.sender() is not self._worker:
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        self.progress.setFormat(f"{done}/{total}")
        self.status.setText(text)
        if total and done >= total:
            # Storing is one local transaction of a moment; stopping it halfway is what Cancel must never do.
            self.cancel_button.setEnabled(False)

    def _on_failed(self, message: str) -> None:
        if self.sender() is not self._worker:
            return  # a run that was let go of
        self._let_go()
        self._show_error(message)

    def _on_finished(self, report: LookupReport) -> None:
        if self.sender() is not self._worker:
            return
        self._let_go()
        self.report = report
        self.hub.check_external_changes()  # the worker committed on its own connection
        self._show_report(report)
        self.run_finished.emit(report)

    def _show_error(self, message: str) -> None:
        colour = error_colour(self.palette())
        self.status.setText(f"<span style='color:{colour}'>{html.escape(message)}</span>")

    def reject(self) -> None:
        if self.running:
            self.cancel()  # immediate: the run ends in the background and its result is dropped
        super().reject()

    def closeEvent(self, event: Any) -> None:
        if self.running:
            self.cancel()
        super().closeEvent(event)

    # ------------------------------------------------------------------ summary
    def _set_busy(self, busy: bool) -> None:
        """Subclasses disable their inputs while a lookup runs."""

    def _show_report(self, report: LookupReport) -> None:
        self.summary.clear()
        for outcome in report.papers:
            item = self._paper_item(outcome, report)
            self.summary.addTopLevelItem(item)
            # What changed (or failed) is shown open; "not found" and "skipped" stay folded, one line each.
            item.setExpanded(outcome.status not in ("not-found", "skipped", "existing", "unchanged"))
        parts = []
        for status in ("added", "completed", "matched", "existing", "unchanged", "not-found", "error", "invalid"):
            count = report.count(status)
            if count:
                parts.append(f"{count} {_STATUS_WORDS[status].lower()}")
        colour = error_colour(self.palette())
        if report.cancelled:
            text = "Cancelled: nothing from this run was stored"
        else:
            text = ", ".join(parts) or "Nothing to look up"
        text += f". {report.requests} network request{'s' if report.requests != 1 else ''}"
        text += f", {report.cached} answer{'s' if report.cached != 1 else ''} from the library's cache."
        if report.dry_run and not report.cancelled:
            text += " This was a preview: nothing was stored (the answers are cached, so storing asks nothing again)."
        if report.error:
            text += f"<br><span style='color:{colour}'>{html.escape(report.error)}</span>"
        for reason in report.unreachable.values():
            text += f"<br><span style='color:{colour}'>{html.escape(reason)}</span>"
        self.totals.setText(text)
        self.totals.show()
        self.status.setText("")

    def _paper_item(self, outcome: PaperLookup, report: LookupReport) -> QTreeWidgetItem:
        label = outcome.label if outcome.paper_id is not None else (outcome.identifier or outcome.label)
        if outcome.paper_id is not None:
            label = f"#{outcome.paper_id}  {label}"
        item = QTreeWidgetItem([label, _STATUS_WORDS.get(outcome.status, outcome.status)])
        # Double-click opens the paper that holds the result now (a merged duplicate lives on in another).
        item.setData(0, _PAPER_ROLE, outcome.merged_into or outcome.paper_id)
        item.setToolTip(0, "\n".join(outcome.asked) or label)
        verb = "would gain" if report.dry_run else "gained"
        for change in outcome.gained:
            item.addChild(_change_item(f"+ {change.field}", change, verb))
        for change in outcome.replaced:
            item.addChild(_change_item(f"~ {change.field}", change, "replaced"))
        for change in outcome.withheld:
            child = _change_item(f"= {change.field}", change, "kept")
            if self._withheld_checkable(change):
                child.setFlags(child.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                child.setCheckState(0, Qt.CheckState.Unchecked)
                child.setData(0, _PAPER_ROLE, outcome.paper_id)
                child.setData(0, _FIELD_ROLE, change.field)
            item.addChild(child)
        message = outcome.message
        for service, reason in report.unreachable.items():
            if message == reason:
                message = f"not looked up: {service} did not answer"
        if message:
            note = QTreeWidgetItem([message, ""])
            note.setToolTip(0, message)
            item.addChild(note)
        return item

    def _withheld_checkable(self, change: FieldChange) -> bool:
        return False

    def _open_paper(self, item: QTreeWidgetItem, column: int) -> None:
        paper_id = item.data(0, _PAPER_ROLE)
        if paper_id is not None and item.data(0, _FIELD_ROLE) is None:
            self.hub.paper_requested.emit(int(paper_id))


def _short(value: Any, limit: int = 80) -> str:
    text = "; ".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value or "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _change_item(head: str, change: FieldChange, verb: str) -> QTreeWidgetItem:
    if verb == "kept":
        text = f"{head}: kept “{_short(change.old, 40)}”; the lookup says “{_short(change.new, 60)}”"
    elif change.old in (None, "", [], ()):
        text = f"{head}: {_short(change.new)}"
    else:
        text = f"{head}: {_short(change.old, 40)} → {_short(change.new, 60)}"
    item = QTreeWidgetItem([text, verb])
    item.setToolTip(0, f"{change.field}\nbefore: {_short(change.old, 2000)}\nlookup: {_short(change.new, 2000)}")
    return item


# ---------------------------------------------------------------------------------------------- add
class AddByIdentifierDialog(_LookupDialog):
    """Paste arXiv ids or DOIs; each becomes a paper, or opens the paper the library already has."""

    def __init__(self, hub: LibraryHub, parent: QWidget | None = None) -> None:
        super().__init__(hub, parent, "Add by identifier")
        self.intro.setText(
            "Type or paste arXiv ids or DOIs, one per line (links to arxiv.org or doi.org work too). "
            "Papershelf asks arXiv and Crossref for each and adds the paper; an id already in your library "
            "opens that paper instead of adding it twice."
        )
        self.editor = QPlainTextEdit(self)
        self.editor.setPlaceholderText("2112.07327\nhttps://arxiv.org/abs/1911.07013v1\n10.1145/3292500.3330701")
        self.editor.setTabChangesFocus(True)
        self.editor.setMaximumHeight(120)
        self.editor.textChanged.connect(self._update_button)
        self.body.addWidget(self.editor)
        self.add_button = self.buttons.addButton("Add", QDialogButtonBox.ButtonRole.ActionRole)
        self.add_button.setDefault(True)
        self.add_button.clicked.connect(self.start)
        self._update_button()

    def identifiers(self) -> list[str]:
        return split_identifiers(self.editor.toPlainText())

    def _update_button(self) -> None:
        self.add_button.setEnabled(bool(self.identifiers()) and not self.running)

    def _set_busy(self, busy: bool) -> None:
        self.editor.setReadOnly(busy)
        self.add_button.setEnabled(not busy and bool(self.identifiers()))

    def start(self) -> bool:
        """Look the typed ids up on the worker thread; False when there is nothing to do or a run is going."""
        ids = self.identifiers()
        if not ids:
            return False

        settings = self.settings  # read now: the worker must not touch this dialog, which may close meanwhile

        def job(library: Library, progress: Callable, cancelled: Callable) -> LookupReport:
            return add_identifiers(library, ids, progress=progress, cancelled=cancelled, settings=settings)

        return self._start(job, f"Looking up {len(ids)} identifier{'s' if len(ids) != 1 else ''}…")

    def _show_report(self, report: LookupReport) -> None:
        super()._show_report(report)
        papers = [p.paper_id for p in report.papers if p.paper_id is not None]
        if len(report.papers) == 1 and len(papers) == 1:
            self.hub.paper_requested.emit(papers[0])  # one id, one paper: show it, new or already there
        if report.ok:
            self.editor.clear()


# ---------------------------------------------------------------------------------------------- complete
class CompleteRecordsDialog(_LookupDialog):
    """Complete the selected papers (or every incomplete one) from arXiv and Crossref, then show what each
    gained. Values that differ from the library's are kept as they were; ticking them takes the looked-up one."""

    def __init__(self, hub: LibraryHub, parent: QWidget | None = None, paper_ids: Sequence[int] | None = None) -> None:
        super().__init__(hub, parent, "Complete records")
        self.paper_ids = list(paper_ids) if paper_ids else None
        self._running_dry = False
        count = len(self.paper_ids) if self.paper_ids is not None else len(incomplete_paper_ids(hub.library))
        if self.paper_ids is not None:
            what = f"the <b>{count}</b> selected paper{'s' if count != 1 else ''}"
        else:
            what = f"the <b>{count}</b> {'paper' if count == 1 else 'papers'} of the library a lookup can complete"
            # Wider than the sidebar's "Incomplete records" (no title, a cut author list or no year): a lookup
            # also finds the published venue of a preprint and the real year of a guessed one. Say so, so the
            # two numbers do not look like a contradiction.
            shown = hub.library.count_papers("incomplete")
            if count > shown:
                what += (
                    f" (the {shown:,} <i>Incomplete records</i> of the sidebar, and {count - shown:,} more whose "
                    "venue is only “arXiv” or whose year was guessed from the capture date)"
                )
        self.count = count
        self.intro.setText(
            f"Look up {what} on arXiv and Crossref and fill in what is missing: titles, full author lists, "
            "years, venues and the DOI of the published version. Each lookup is kept as one more source of the "
            "paper; values you or your pages already gave are never replaced without asking. arXiv is asked at "
            "most once every 3 seconds, so a large library takes a while."
        )
        self.preview = QCheckBox("Preview only: show what would change, store nothing", self)
        self.body.addWidget(self.preview)
        self.start_button = self.buttons.addButton("Look up", QDialogButtonBox.ButtonRole.ActionRole)
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(lambda: self.start())
        self.start_button.setEnabled(count > 0)
        self.store_button = QPushButton("Store these changes", self)
        self.store_button.clicked.connect(lambda: self.start(dry_run=False))
        self.buttons.addButton(self.store_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.store_button.hide()
        self.accept_button = QPushButton("Use the ticked looked-up values", self)
        self.accept_button.clicked.connect(self.apply_ticked)
        self.buttons.addButton(self.accept_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.accept_button.hide()
        self.summary.itemChanged.connect(self._update_accept)
        if count == 0:
            self.status.setText(
                "Nothing to look up: every paper has a title, full authors, a sure year and a published venue."
            )

    def _set_busy(self, busy: bool) -> None:
        self.start_button.setEnabled(not busy and self.count > 0)
        self.preview.setEnabled(not busy)
        self.store_button.setEnabled(not busy)
        self.accept_button.setEnabled(not busy and bool(self.ticked()))

    def start(self, dry_run: bool | None = None, accept: dict[int, set[str]] | None = None) -> bool:
        """Run the lookup on the worker thread (a preview if the box is ticked); False if one is running."""
        dry = self.preview.isChecked() if dry_run is None else dry_run
        ids = self.paper_ids if accept is None else sorted(accept)
        settings = self.settings  # read now: the worker must not touch this dialog, which may close meanwhile

        def job(library: Library, progress: Callable, cancelled: Callable) -> LookupReport:
            return complete_records(
                library,
                ids,
                dry_run=dry,
                progress=progress,
                cancelled=cancelled,
                accept=accept or False,
                settings=settings,
            )

        what = "Previewing" if dry else "Completing"
        started = self._start(job, f"{what}… (arXiv is asked at most once every 3 seconds)")
        if started:
            self._running_dry = dry
        return started

    def _dry_run(self) -> bool:
        return self._running_dry

    def _withheld_checkable(self, change: FieldChange) -> bool:
        return True

    def ticked(self) -> dict[int, set[str]]:
        """The withheld values the user ticked, as {paper id: fields}."""
        chosen: dict[int, set[str]] = {}
        for index in range(self.summary.topLevelItemCount()):
            top = self.summary.topLevelItem(index)
            for child_index in range(top.childCount()):
                child = top.child(child_index)
                field_name = child.data(0, _FIELD_ROLE)
                if field_name and child.checkState(0) == Qt.CheckState.Checked:
                    chosen.setdefault(int(child.data(0, _PAPER_ROLE)), set()).add(str(field_name))
        return chosen

    def _update_accept(self, *_: object) -> None:
        self.accept_button.setEnabled(not self.running and bool(self.ticked()))

    def apply_ticked(self) -> bool:
        """Store the looked-up values the user ticked (from the cache: no new requests for a stored run)."""
        chosen = self.ticked()
        if not chosen:
            return False
        return self.start(dry_run=False, accept=chosen)

    def _show_report(self, report: LookupReport) -> None:
        self.summary.blockSignals(True)
        super()._show_report(report)
        self.summary.blockSignals(False)
        self.store_button.setVisible(report.dry_run and any(p.gained or p.replaced for p in report.papers))
        has_withheld = any(p.withheld for p in report.papers)
        self.accept_button.setVisible(has_withheld)
        self._update_accept()
