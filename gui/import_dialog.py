"""Importing files and web addresses from the window: asks for a pasted address, takes files and browser links
dropped on the window, asks whose an ownerless listing is, runs the pipeline off the interface thread with a
progress dialog and Cancel, then shows what each file did. Files chosen in the Import dialog are previewed first:
the import's plan ("41 new, 3 join existing papers, 2 to review") is shown and nothing is written unless the user
confirms it.

The worker thread opens its own connection (sqlite connections belong to one thread); the interface thread
learns of the commits through the hub's data_version check. Cancelling rolls the current file's transaction
back, so nothing is half-written. No SQL here; the pipeline does the work.
"""

from __future__ import annotations

import datetime as dt
import html
import sys
import threading
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QThread,
    Signal,
)
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from papershelf.gui import display
from papershelf.gui.export_dialog import autoexport_runner
from papershelf.gui.hub import LibraryHub
from papershelf.gui.main_thread_gc import collect_on_main_thread
from papershelf.importers.base import detect
from papershelf.importers.encoding import MAX_BYTES, decode
from papershelf.importers.errors import ImporterError
from papershelf.model.library import Library, LibraryError
from papershelf.model.store import ImportCancelled
from papershelf.pipeline import FileReport, import_file, is_url

# Formats whose pages list one person's papers without naming the person: the user is asked whose it is.
OWNERLESS_FORMATS = frozenset({"arxiv-listing"})
# The bundled sample pages were captured on this day; dates without a year on them are read against it
# (a file's modification time would be the day the app was installed).
SAMPLE_CAPTURE_DATE = dt.date(2025, 11, 20)
CANCELLED_MESSAGE = "cancelled: nothing from this file was written"
NOT_STARTED_MESSAGE = "not imported: the import was cancelled before this file"
DECLINED_MESSAGE = "not imported: cancelled at the preview; nothing was written"
_INDEX = QModelIndex | QPersistentModelIndex


@dataclass
class ImportJob:
    """One file to import and what the user said about it."""

    path: str
    owner: str | None = None
    as_of: dt.date | None = None


def detected_format(path: str | Path) -> str | None:
    """The importer that would read this file, or None when it cannot be read or recognised (the import
    itself then reports why)."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        text = decode(path.read_bytes(), path.name)
    except (OSError, ImporterError):
        return None
    detection = detect(text, path.name)
    return detection.importer.name if detection.importer is not None else None


def source_name(source: str) -> str:
    """How the report names a source: a file by its name, a web address whole (its last part says little)."""
    return source if is_url(source) else Path(source).name


def web_address(text: str) -> str | None:
    """The http(s) address in `text` (pasted or dropped), or None when it is not one."""
    text = text.strip()
    if not is_url(text) or any(c.isspace() for c in text):
        return None
    host = text.split("://", 1)[1].split("/", 1)[0]
    return text if host else None


def dropped_sources(mime: QMimeData) -> list[str]:
    """The local files and web addresses a drop carries: files from a file manager, a link dragged from a
    browser (text/uri-list), or addresses dragged as plain text. Anything else is left alone."""
    sources: list[str] = []
    for url in mime.urls():
        if url.isLocalFile():
            sources.append(url.toLocalFile())
        elif url.scheme().lower() in ("http", "https"):
            sources.append(url.toString())
    if not sources and mime.hasText():
        sources = [address for line in mime.text().splitlines() if (address := web_address(line))]
    return list(dict.fromkeys(sources))


class AddressDialog(QDialog):
    """Asks for the web address of a publication page; OK only once the text is an http(s) address."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import from a web address")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        label = QLabel(
            "Address of a publication page (a homepage, a profile, an arXiv listing or a .bib file).\n"
            "The page is fetched now and kept as this source's capture."
        )
        label.setWordWrap(True)
        layout.addWidget(label)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("https://…")
        layout.addWidget(self.edit)
        self.hint = QLabel()
        layout.addWidget(self.hint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.edit.textChanged.connect(self._check)
        # A user who copied the address in the browser finds it already filled in.
        clipboard = QGuiApplication.clipboard().text() if QGuiApplication.clipboard() is not None else ""
        self.edit.setText(web_address(clipboard) or "")
        self._check()

    def address(self) -> str | None:
        return web_address(self.edit.text())

    def _check(self) -> None:
        text = self.edit.text().strip()
        ok = self.address() is not None
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        self.hint.setText("" if ok or not text else "Not a web address: it must start with http:// or https://")

    def accept(self) -> None:
        if self.address() is not None:
            super().accept()


def report_status(report: FileReport) -> str:
    """A word or two for what happened to a file: imported, unchanged, refused, cancelled, skipped or not imported
    (declined at the preview)."""
    if report.error == CANCELLED_MESSAGE:
        return "cancelled"
    if report.error == NOT_STARTED_MESSAGE:
        return "skipped"
    if report.error == DECLINED_MESSAGE:
        return "not imported"
    if report.error:
        return "refused"
    if report.same_file:
        return "unchanged"
    return "imported"


# ---------------------------------------------------------------------------------------------- worker
class ImportWorker(QObject):
    """Runs the pipeline for each job on its own thread with its own library connection."""

    # file index, file count, file name, entries done, entries in the file
    progress = Signal(int, int, str, int, int)
    phase = Signal(int, int, str, str, int)  # file index, file count, file name, step, entries (pipeline.import_file)
    file_finished = Signal(object)  # a FileReport
    finished = Signal(list, bool)  # every FileReport, and whether the user cancelled
    planned = Signal(int, object)  # file index, its FileReport with the plan: waiting for `answer`

    def __init__(self, library_path: Path, jobs: Sequence[ImportJob], *, preview: bool = False) -> None:
        super().__init__()
        self.library_path = Path(library_path)
        self.jobs = list(jobs)
        self.preview = preview
        self._cancel = threading.Event()
        self._answered = threading.Event()
        self._confirmed = False

    def cancel(self) -> None:
        """Ask the worker to stop; safe from any thread. The file being imported is rolled back."""
        self._cancel.set()
        self._answered.set()  # a preview waiting for an answer gets one: no

    def answer(self, confirmed: bool) -> None:
        """The user's answer to the preview of the file being imported; safe from any thread."""
        self._confirmed = confirmed
        self._answered.set()

    def _confirm(self, index: int, report: FileReport) -> bool:
        self._answered.clear()
        self._confirmed = False
        self.planned.emit(index, report)
        self._answered.wait()
        return self._confirmed and not self._cancel.is_set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        reports: list[FileReport] = []
        try:
            library = Library.open(self.library_path)
        except LibraryError as error:
            for job in self.jobs:
                reports.append(FileReport(file=source_name(job.path), path=job.path, error=str(error)))
            self.finished.emit(reports, False)
            return
        try:
            for index, job in enumerate(self.jobs):
                name = source_name(job.path)
                if self._cancel.is_set():
                    reports.append(FileReport(file=name, path=job.path, error=NOT_STARTED_MESSAGE))
                    continue
                self.progress.emit(index, len(self.jobs), name, 0, 0)
                report = self._import_one(library, index, job)
                reports.append(report)
                self.file_finished.emit(report)
        finally:
            library.close()
        self.finished.emit(reports, self._cancel.is_set())

    def _import_one(self, library: Library, index: int, job: ImportJob) -> FileReport:
        name = source_name(job.path)
        count = len(self.jobs)
        try:
            report = import_file(
                library,
                job.path,
                owner=job.owner,
                as_of=job.as_of,
                progress=lambda file, done, total: self.progress.emit(index, count, file, done, total),
                cancelled=self._cancel.is_set,
                phase=lambda file, step, entries: self.phase.emit(index, count, file, step, entries),
                confirm=(lambda report, _plan: self._confirm(index, report)) if self.preview else None,
            )
            if not report.written:
                report.error = CANCELLED_MESSAGE if self._cancel.is_set() else DECLINED_MESSAGE
            return report
        except ImportCancelled:
            return FileReport(file=name, path=job.path, error=CANCELLED_MESSAGE)
        except Exception as error:  # an importer bug must not leave the interface waiting forever
            traceback.print_exc(file=sys.stderr)
            return FileReport(
                file=name, path=job.path, error=f"could not be imported because of an internal error: {error!r}"
            )


# ---------------------------------------------------------------------------------------------- preview
def preview_html(report: FileReport) -> str:
    """What importing the file would do, from its plan: the counts, then each join and review with its reason."""
    plan = report.plan
    if plan is None:
        return ""
    escape = html.escape
    owner = f", the page of {escape(report.owner)}" if report.owner else ""
    if report.owner and plan.new_owner:
        owner += " (new to the library)"
    parts = [
        f"<p><b>{escape(report.file)}</b>: {escape(report.format or '')}{owner}; "
        f"{display.plural(report.found, 'paper')} found.</p>",
        f"<p><b>{escape(plan.summary())}</b></p>",
        f"<p>People on the new papers: {plan.existing_people} already in the library, {plan.new_people} new.</p>",
    ]
    items = []
    for step in plan.records_plan:
        if step.kind in ("join", "suggest") and step.match is not None:
            title = escape(getattr(plan.records[step.index], "title", None) or "(untitled)")
            verb = "joins paper" if step.kind == "join" else "to review against paper"
            items.append(f"<li>{title} {verb} {step.match.paper_id}: {escape('; '.join(step.evidence))}</li>")
    if items:
        parts.append("<ul>" + "".join(items) + "</ul>")
    return "".join(parts)


class ImportPreviewDialog(QDialog):
    """Shows a file's import plan before anything is written: Import writes it, Cancel writes nothing."""

    def __init__(self, report: FileReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import {report.file}?")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        plan = report.plan
        self.summary = QLabel(plan.summary() if plan is not None else "")
        self.summary.setObjectName("preview-summary")
        self.details = QTextBrowser()
        self.details.setHtml(preview_html(report))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.details)
        layout.addWidget(buttons)
        self.resize(620, 380)


# ---------------------------------------------------------------------------------------------- owner
class OwnerDialog(QDialog):
    """Asks whose list an ownerless listing is; the answer is optional (Skip imports it as nobody's)."""

    def __init__(self, file_name: str, author_names: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Whose list is this?")
        self.skipped = False
        layout = QVBoxLayout(self)
        text = QLabel(
            f"<b>{html.escape(file_name)}</b> is an arXiv-style listing that does not say whose papers these are."
            "<br>If it is one person's list, name them: the papers are then linked to that person, even where "
            "the listing gives no authors. Choose someone already in the library or type a new name.",
            self,
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        self.combo = QComboBox(self)
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.addItems(list(author_names))
        self.combo.setCurrentIndex(-1)
        self.combo.setEditText("")
        self.combo.lineEdit().setPlaceholderText("Owner's name (optional)")
        completer = QCompleter(self.combo.model(), self.combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.combo.setCompleter(completer)
        layout.addWidget(self.combo)
        self.buttons = QDialogButtonBox(self)
        self.ok_button = self.buttons.addButton("Import as theirs", QDialogButtonBox.ButtonRole.AcceptRole)
        self.skip_button = self.buttons.addButton("Skip: nobody's list", QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button.clicked.connect(self._ok)
        self.skip_button.clicked.connect(self.skip)
        self.cancel_button.clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        self.combo.editTextChanged.connect(lambda text: self.ok_button.setEnabled(bool(text.strip())))
        self.ok_button.setEnabled(False)
        self.resize(520, self.sizeHint().height())

    def set_owner(self, name: str) -> None:
        self.combo.setEditText(name)

    def owner(self) -> str | None:
        if self.skipped:
            return None
        return self.combo.currentText().strip() or None

    def _ok(self) -> None:
        if self.combo.currentText().strip():
            self.accept()

    def skip(self) -> None:
        self.skipped = True
        self.accept()


# ---------------------------------------------------------------------------------------------- report
class ImportReportModel(QAbstractTableModel):
    """One row per file: what was found, added, merged and warned."""

    HEADERS = ("File", "Status", "Format", "Owner", "Found", "New", "Merged", "Updated", "Unchanged", "Warnings")

    def __init__(self, reports: Sequence[FileReport], parent: Any = None) -> None:
        super().__init__(parent)
        self.reports = list(reports)

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.reports)

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.HEADERS)

    def cell(self, report: FileReport, column: int) -> str:
        status = report_status(report)
        if column == 0:
            return report.file
        if column == 1:
            return status
        if column == 2:
            return report.format or ""
        if column == 3:
            return report.owner or ""
        if status in ("refused", "cancelled", "skipped"):
            return ""
        if column == 4:
            if report.claimed is not None and report.claimed != report.found:
                return f"{report.found} of {report.claimed}"
            return str(report.found)
        values = {
            5: report.new,
            6: len(report.merged),
            7: report.updated,
            8: report.unchanged,
            9: len(report.warnings),
        }
        return str(values[column])

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.reports)):
            return None
        report = self.reports[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(report, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 4 and report.claimed is not None:
                return f"{report.found} papers found; the page claims {report.claimed}"
            return report.error or report.path
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            status = report_status(report)
            if status == "refused":
                return QColor("#c0392b")
            if status in ("cancelled", "skipped"):
                return QColor("#a0522d")
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None


def summary_text(reports: Sequence[FileReport], cancelled: bool) -> str:
    done = [r for r in reports if report_status(r) in ("imported", "unchanged")]
    refused = [r for r in reports if report_status(r) == "refused"]
    parts = [f"{len(done)} of {len(reports)} {'file' if len(reports) == 1 else 'files'} imported"]
    new = sum(r.new for r in done)
    merged = sum(len(r.merged) for r in done)
    parts.append(f"{new} new {'paper' if new == 1 else 'papers'}")
    if merged:
        parts.append(f"{merged} merged with papers already in the library")
    suggested = sum(r.suggested for r in done)
    if suggested:
        noun = "possible duplicate" if suggested == 1 else "possible duplicates"
        parts.append(f"{suggested} {noun} to review")
    if refused:
        parts.append(f"{len(refused)} refused")
    text = ", ".join(parts) + "."
    if cancelled:
        text += " The import was cancelled; the file being imported was rolled back."
    return text


class ImportReportDialog(QDialog):
    """What each file did; selecting a file shows its merges with their evidence and its warnings by line."""

    def __init__(
        self, hub: LibraryHub, reports: Sequence[FileReport], cancelled: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.hub = hub
        self.reports = list(reports)
        self.setWindowTitle("Import report")
        self.resize(900, 560)
        layout = QVBoxLayout(self)
        self.summary = QLabel(summary_text(self.reports, cancelled), self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.model = ImportReportModel(self.reports, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.details = QTextBrowser(self)
        self.details.setOpenLinks(False)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setSizes([200, 300])
        layout.addWidget(splitter, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.accept)
        self.review_button: QPushButton | None = None
        suggested = sum(report.suggested for report in self.reports if not report.error)
        if suggested:
            # The queued suggestions are the one thing left to do after an import: one click to them.
            noun = "possible duplicate" if suggested == 1 else "possible duplicates"
            self.review_button = buttons.addButton("Review now", QDialogButtonBox.ButtonRole.ActionRole)
            self.review_button.setToolTip(f"{suggested} {noun} wait in the review queue")
            self.review_button.clicked.connect(self.review)
            self.review_button.setDefault(True)
        layout.addWidget(buttons)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _: self.show_file(current.row()))
        if self.reports:
            self.table.selectRow(0)

    def review(self) -> None:
        """Close the report and open the review queue on the suggestions this import queued."""
        self.hub.review_requested.emit()
        self.accept()

    def show_file(self, row: int) -> None:
        if not 0 <= row < len(self.reports):
            self.details.clear()
            return
        self.details.setHtml(self.file_html(self.reports[row]))

    def file_html(self, report: FileReport) -> str:
        e = html.escape
        status = report_status(report)
        parts = [f"<h3>{e(report.file)}</h3><p style='color:gray'>{e(report.path)}</p>"]
        if report.error:
            parts.append(f"<p><b>{'Refused' if status == 'refused' else 'Not imported'}:</b> {e(report.error)}</p>")
            if status == "refused":
                parts.append("<p>Nothing from this file was written to the library.</p>")
            return "".join(parts)
        what = f"Read as <b>{e(report.format or '?')}</b>"
        if report.owner:
            what += f", the page of <b>{e(report.owner)}</b>"
        parts.append(f"<p>{what}.</p>")
        if report.same_file:
            parts.append("<p>This exact file was imported before; nothing changed.</p>")
        claimed = ""
        if report.claimed is not None:
            claimed = (
                f" (the page claims {report.claimed})" if report.claimed != report.found else " (as the page claims)"
            )
        parts.append(
            f"<p>{report.found} {'paper' if report.found == 1 else 'papers'} found{claimed}: "
            f"<b>{report.new}</b> new, <b>{len(report.merged)}</b> merged "
            f"with papers already in the library, <b>{report.updated}</b> updated, "
            f"<b>{report.unchanged}</b> unchanged.</p>"
        )
        if report.suggested:
            parts.append(
                f"<p>{report.suggested} possible duplicates were added to the review queue "
                "(Possible duplicates in the sidebar).</p>"
            )
        if report.merged:
            titles = self._titles([paper_id for paper_id, _ in report.merged])
            items = "".join(
                f"<li>{e(titles.get(paper_id, f'paper #{paper_id}'))} <i>— {e('; '.join(evidence))}</i></li>"
                for paper_id, evidence in report.merged
            )
            parts.append(
                f"<p><b>Merged</b> (why each entry was taken for a paper already present):</p><ul>{items}</ul>"
            )
        if report.warnings:
            items = "".join(f"<li>line {w.line}: {e(w.message)}</li>" for w in report.warnings)
            parts.append(f"<p><b>Warnings</b></p><ul>{items}</ul>")
        else:
            parts.append("<p>No warnings.</p>")
        return "".join(parts)

    def _titles(self, paper_ids: list[int]) -> dict[int, str]:
        return {paper.id: paper.display_title for paper in self.hub.library.get_papers(paper_ids)}

    def text(self) -> str:
        """Everything the dialog says, as plain text (the summary and every file's details)."""
        chunks = [self.summary.text()]
        browser = QTextBrowser()
        for report in self.reports:
            browser.setHtml(self.file_html(report))
            chunks.append(browser.toPlainText())
        return "\n".join(chunks)


# ---------------------------------------------------------------------------------------------- controller
class ImportController(QObject):
    """Starts imports from menus, shortcuts and dropped files; one import runs at a time."""

    started = Signal()
    finished = Signal(list, bool)  # every FileReport, and whether the user cancelled

    def __init__(self, hub: LibraryHub, parent_widget: QWidget | None = None, *, show_report: bool = True) -> None:
        super().__init__(parent_widget)
        self.hub = hub
        self.parent_widget = parent_widget
        self.show_report = show_report
        self.jobs: list[ImportJob] = []
        self.reports: list[FileReport] = []
        self.cancelled = False
        self.worker: ImportWorker | None = None
        self.thread: QThread | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.owner_dialog: OwnerDialog | None = None
        self.report_dialog: ImportReportDialog | None = None
        self.preview_dialog: ImportPreviewDialog | None = None
        self.preview = False
        self._questions: list[ImportJob] = []

    # ------------------------------------------------------------------ starting
    def is_running(self) -> bool:
        return self.worker is not None or self.owner_dialog is not None

    def start(
        self, paths: Sequence[str], *, as_of: dt.date | None = None, ask_owner: bool = True, preview: bool = False
    ) -> bool:
        """Import these files; returns False (and does nothing) while another import is under way. With
        `preview`, each file's plan is shown and written only once the user confirms it."""
        if self.is_running() or not paths:
            return False
        self.preview = preview
        self.jobs = [ImportJob(str(path), as_of=as_of) for path in paths]
        self.reports = []
        self.cancelled = False
        self._questions = (
            [job for job in self.jobs if detected_format(job.path) in OWNERLESS_FORMATS] if ask_owner else []
        )
        self._ask_next_owner()
        return True

    def import_samples(self) -> bool:
        """Import the bundled sample pages (the first-run offer); they need no questions."""
        from papershelf.paths import sample_pages

        return self.start([str(p) for p in sample_pages()], as_of=SAMPLE_CAPTURE_DATE, ask_owner=False)

    def _ask_next_owner(self) -> None:
        if not self._questions:
            self._launch()
            return
        job = self._questions[0]
        names = [author.name for author in self.hub.library.list_authors(order_by="papers")[:5000]]
        dialog = OwnerDialog(Path(job.path).name, names, self.parent_widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda result, d=dialog, j=job: self._owner_answered(d, j, result))
        self.owner_dialog = dialog
        dialog.open()

    def _owner_answered(self, dialog: OwnerDialog, job: ImportJob, result: int) -> None:
        self.owner_dialog = None
        if result != QDialog.DialogCode.Accepted:
            # Cancel on the question abandons the whole import before anything is written.
            self._questions = []
            self.jobs = []
            self.hub.status_message.emit("Import cancelled; nothing was imported.")
            self.finished.emit([], True)
            return
        job.owner = dialog.owner()
        self._questions.pop(0)
        self._ask_next_owner()

    def _launch(self) -> None:
        self.worker = ImportWorker(self.hub.library.path, self.jobs, preview=self.preview)
        collect_on_main_thread()
        self.thread = QThread(self)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.progress.connect(self._progress)
        self.worker.phase.connect(self._phase)
        self.worker.planned.connect(self._show_preview)
        self.worker.finished.connect(self._worker_finished)
        self.worker.finished.connect(self.thread.quit)
        dialog = QProgressDialog("Preparing the import…", "Cancel", 0, 1000 * len(self.jobs), self.parent_widget)
        dialog.setWindowTitle("Importing")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(300)
        dialog.setMinimumWidth(460)
        dialog.setValue(0)
        dialog.canceled.connect(self.cancel)
        self.progress_dialog = dialog
        self.started.emit()
        self.thread.start()

    # ------------------------------------------------------------------ running
    def cancel(self) -> None:
        """Stop the import: the file being imported is rolled back, later files are not started."""
        if self.worker is not None:
            self.worker.cancel()
            if self.preview_dialog is not None:
                self.preview_dialog.reject()
            if self.progress_dialog is not None:
                self.progress_dialog.setLabelText("Cancelling… the file being imported is rolled back.")

    def _phase(self, index: int, count: int, name: str, step: str, entries: int) -> None:
        dialog = self.progress_dialog
        if dialog is None or (self.worker is not None and self.worker.is_cancelled()):
            return
        if step == "matching":
            dialog.setRange(0, 1000 * count)
            dialog.setValue(1000 * index)
            what = f"matching {display.plural(entries, 'entry', 'entries')} with the library"
        else:
            # Reading and parsing have no count to show: a moving bar says the work goes on, where a bar
            # standing at 0% for twenty seconds on a large .bib looked stuck.
            dialog.setRange(0, 0)
            what = "reading the file" if step == "reading" else "parsing the entries"
        dialog.setLabelText(f"Importing file {index + 1} of {count}: {name}\n{what}…")

    def _progress(self, index: int, count: int, name: str, done: int, total: int) -> None:
        dialog = self.progress_dialog
        if dialog is None or (self.worker is not None and self.worker.is_cancelled()):
            return
        if dialog.maximum() == 0:
            dialog.setRange(0, 1000 * count)
        fraction = done / total if total else 0.0
        dialog.setValue(int(1000 * (index + fraction)))
        if total and done >= total:
            # The last entry is matched; the papers are now written in one transaction.
            dialog.setRange(0, 0)
            what = f"writing {display.plural(total, 'paper')} to the library"
        elif total:
            what = f"matching entries with the library: {done:,} of {total:,}"
        else:
            what = "starting"
        dialog.setLabelText(f"Importing file {index + 1} of {count}: {name}\n{what}…")

    def _show_preview(self, index: int, report: FileReport) -> None:
        worker = self.worker
        if worker is None:
            return
        if worker.is_cancelled():
            worker.answer(False)
            return
        if self.progress_dialog is not None:
            self.progress_dialog.setLabelText(
                f"Importing file {index + 1} of {len(self.jobs)}: {report.file}\nwaiting for you to confirm…"
            )
        dialog = ImportPreviewDialog(report, self.parent_widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda result, w=worker: self._preview_answered(w, result))
        self.preview_dialog = dialog
        dialog.open()

    def _preview_answered(self, worker: ImportWorker, result: int) -> None:
        self.preview_dialog = None
        worker.answer(result == QDialog.DialogCode.Accepted)

    def _worker_finished(self, reports: list[FileReport], cancelled: bool) -> None:
        if self.thread is not None:
            self.thread.quit()
            self.thread.wait()
            self.thread.deleteLater()
        if self.worker is not None:
            self.worker.deleteLater()
        self.thread = None
        self.worker = None
        if self.progress_dialog is not None:
            self.progress_dialog.canceled.disconnect(self.cancel)
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None
        self.reports = reports
        self.cancelled = cancelled
        # The worker's commits came through another connection: the hub sees them by data_version.
        self.hub.check_external_changes()
        runner = autoexport_runner(self.hub, create=False)
        if runner is not None and any(report.ok and not report.same_file for report in reports):
            runner.sync_soon()  # files kept updated for a tag may have gained papers
        self.hub.status_message.emit(summary_text(reports, cancelled))
        if self.show_report:
            self.report_dialog = ImportReportDialog(self.hub, reports, cancelled, self.parent_widget)
            self.report_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.report_dialog.destroyed.connect(self._report_closed)
            self.report_dialog.show()
        self.finished.emit(reports, cancelled)

    def _report_closed(self) -> None:
        self.report_dialog = None

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Block until the worker thread ends (closing the window mid-import cancels and waits)."""
        thread = self.thread
        return thread.wait(timeout_ms) if thread is not None else True
