"""Export what the user is looking at (Ctrl+E): the selection, else the list on screen (a tag, a search, an
author's papers, a source, a view). Choose the flavour, see the text, copy it or save it atomically, and for a
tag, a search or the whole library keep the file updated from then on.

The text comes from `exporters.formats.export_papers`, files are written by `write_atomic` or, when kept
updated, by `exporters.autoexport` on a pool thread (its first write too: a large library must not freeze the
window); this module only gathers the user's choices. No SQL here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from papershelf.exporters import autoexport
from papershelf.exporters.formats import (
    EXTENSIONS,
    ExportResult,
    bib_sources,
    export_papers,
    write_atomic,
)
from papershelf.gui.hub import LibraryHub
from papershelf.gui.main_thread_gc import collect_on_main_thread
from papershelf.gui.settings import app_settings
from papershelf.model.keys import add_autoexport
from papershelf.model.library import LibraryError
from papershelf.model.types import Change, Paper

FLAVOURS = (("bibtex", "BibTeX"), ("biblatex", "biblatex"), ("csl-json", "CSL-JSON"), ("ris", "RIS"))
FILE_FILTERS = {
    "bibtex": "BibTeX files (*.bib)",
    "biblatex": "BibTeX files (*.bib)",
    "csl-json": "CSL-JSON files (*.json)",
    "ris": "RIS files (*.ris)",
}
# The preview renders at most this many entries so a whole-library export opens at once; saving writes all.
PREVIEW_LIMIT = 200
_LAST_FORMAT = "export/last_format"
_LAST_FOLDER = "export/last_folder"


_VIEW_WORDS = {
    "recent": ("recently added paper", "recently added papers"),
    "incomplete": ("incomplete record", "incomplete records"),
    "trash": ("paper in the trash", "papers in the trash"),
}


class ExportDialog(QDialog):
    """What to export is fixed by how the dialog was opened: chosen papers (`paper_ids`), or every paper of a
    list as the table shows it: a tag, a search (`query`), an author, a source or a view, alone or together."""

    def __init__(
        self,
        hub: LibraryHub,
        parent: QWidget | None = None,
        paper_ids: Sequence[int] | None = None,
        tag: str | None = None,
        author_id: int | None = None,
        *,
        query: str | None = None,
        source_id: int | None = None,
        view: str = "all",
    ) -> None:
        super().__init__(parent)
        self.hub = hub
        self.library = hub.library
        self.selected = paper_ids is not None
        self.tag = tag
        self.author_id = author_id
        self.query = (query or "").strip() or None
        self.source_id = source_id
        self.view = view
        self.paper_ids = self._selection(paper_ids)
        self.saved_path: Path | None = None
        self._full: dict[tuple[str, bool, bool, bool, bool], ExportResult] = {}
        self._waiting: Path | None = None  # a kept-updated file whose first write runs on the pool thread
        self.setWindowTitle("Export")
        self.resize(820, 640)
        self._build()
        self._update_preview()

    def _selection(self, paper_ids: Sequence[int] | None) -> list[int]:
        if paper_ids is not None:
            return list(dict.fromkeys(paper_ids))
        return self.library.paper_ids(
            query=self.query,
            tag=self.tag,
            author_id=self.author_id,
            source_id=self.source_id,
            view=self.view,
            order_by="citekey",
        )

    def _what(self) -> str:
        """What is exported, in the words the user sees it under: "4 papers matching “venue:ACL”"."""
        count = len(self.paper_ids)
        if self.selected:
            return f"{count:,} selected {'paper' if count == 1 else 'papers'}"
        singular, plural = _VIEW_WORDS.get(self.view, ("paper", "papers"))
        papers = f"{count:,} {singular if count == 1 else plural}"
        parts = []
        if self.tag is not None:
            parts.append(f"tagged “{self.tag}”")
        if self.author_id is not None:
            parts.append(f"by {self.library.get_author(self.author_id).name}")
        if self.source_id is not None:
            source = next((s for s in self.library.list_sources() if s.id == self.source_id), None)
            if source is not None:
                parts.append(f"listed by {source.owner_name or source.file}")
        if self.query:
            parts.append(f"matching “{self.query}”")
        if not parts and self.view == "all":
            return f"all {papers} of the library"
        return " ".join([papers, *parts])

    def can_keep_updated(self) -> str | None:
        """None when the file can be kept updated, else why not. The auto-export rows (exporters.autoexport)
        hold a tag and a search, so an author's or a source's list, a view or a hand-picked selection cannot
        be re-run later."""
        if self.selected:
            return "A selection is fixed: tag these papers and export the tag to keep a file updated."
        if self.author_id is not None:
            return "An author's papers cannot be kept updated yet: tag them and export the tag."
        if self.source_id is not None:
            return "A source's papers cannot be kept updated: tag them and export the tag."
        if self.view != "all":
            return "This view cannot be kept updated: export a tag, a search or the whole library."
        return None

    def _keep_updated_text(self) -> str:
        if self.tag is not None and self.query:
            return f"the papers tagged “{self.tag}” matching “{self.query}”"
        if self.tag is not None:
            return f"the papers tagged “{self.tag}”"
        if self.query:
            return f"the papers matching “{self.query}”"
        return "the library"

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.what_label = QLabel(f"Export {self._what()}.", self)
        layout.addWidget(self.what_label)
        options = QHBoxLayout()
        options.addWidget(QLabel("Format:", self))
        self.format_combo = QComboBox(self)
        for name, label in FLAVOURS:
            self.format_combo.addItem(label, name)
        names = [name for name, _ in FLAVOURS]
        last = str(app_settings().value(_LAST_FORMAT, "bibtex"))
        self.format_combo.setCurrentIndex(names.index(last) if last in names else 0)
        self.format_combo.setToolTip(
            "BibTeX: ASCII with LaTeX escapes, for bibtex and natbib. biblatex: UTF-8, for biber. "
            "CSL-JSON: for Pandoc, Zotero and citeproc. RIS: for EndNote and most reference managers."
        )
        self.format_combo.currentIndexChanged.connect(self._update_preview)
        options.addWidget(self.format_combo)
        self.abstracts_box = QCheckBox("Include abstracts", self)
        self.abstracts_box.setChecked(True)
        self.abstracts_box.toggled.connect(self._update_preview)
        options.addWidget(self.abstracts_box)
        self.strings_box = QCheckBox("Keep @string macros", self)
        self.strings_box.setToolTip(
            "Write fields that used an @string macro with it (journal = j-TUGboat), after the @string blocks of "
            "the .bib files the papers came from. Off: every value is written out in full."
        )
        self.strings_box.toggled.connect(self._update_preview)
        options.addWidget(self.strings_box)
        self.inherit_box = QCheckBox("Inherit crossref fields", self)
        self.inherit_box.setToolTip(
            "Copy each crossref parent's fields (a proceedings' title, publisher, year) into the entries citing "
            "it and leave the crossref out, for tools that do not resolve it. Off: parents are written after the "
            "entries citing them, as bibtex needs."
        )
        self.inherit_box.toggled.connect(self._update_preview)
        options.addWidget(self.inherit_box)
        self.names_box = QCheckBox("biblatex names", self)
        self.names_box.setToolTip(
            "Write BibTeX's types and fields under biblatex's own names (@phdthesis as @thesis, journal as "
            "journaltitle, address as location, year and month as date). Off: as the .bib wrote them, which biber "
            "reads as aliases."
        )
        self.names_box.toggled.connect(self._update_preview)
        options.addWidget(self.names_box)
        options.addStretch(1)
        layout.addLayout(options)

        self.preview = QPlainTextEdit(self)
        self.preview.setReadOnly(True)
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview.setAccessibleName("Export preview")
        layout.addWidget(self.preview, 1)
        self.preview_label = QLabel(self)
        self.preview_label.setEnabled(False)
        layout.addWidget(self.preview_label)
        self.report_label = QLabel(self)
        self.report_label.setWordWrap(True)
        self.report_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.report_label)

        why_not = self.can_keep_updated()
        self.keep_updated = QCheckBox(
            f"Keep this file updated: rewrite it whenever {self._keep_updated_text()} change", self
        )
        if why_not is not None:
            self.keep_updated.setText("Keep this file updated")
            self.keep_updated.setEnabled(False)
            self.keep_updated.setToolTip(why_not)
        else:
            self.keep_updated.setToolTip("papershelf autoexport list shows the files kept updated")
        layout.addWidget(self.keep_updated)

        self.buttons = QDialogButtonBox(self)
        self.copy_button = QPushButton("Copy", self)
        self.copy_button.setToolTip("Copy the whole export to the clipboard")
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        self.save_button = QPushButton("Save…", self)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.choose_file_and_save)
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close).clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        has_papers = bool(self.paper_ids)
        # An empty tag or search can still be kept updated: its file fills as papers join it.
        self.save_button.setEnabled(has_papers or why_not is None)
        self.copy_button.setEnabled(has_papers)

    # ------------------------------------------------------------------ text
    @property
    def flavour(self) -> str:
        return self.format_combo.currentData()

    def set_flavour(self, name: str) -> None:
        self.format_combo.setCurrentIndex([n for n, _ in FLAVOURS].index(name))

    def _bib(self) -> bool:
        return self.flavour in ("bibtex", "biblatex")

    def _export(self, papers: Sequence[Paper]) -> ExportResult:
        if not self._bib():
            return export_papers(papers, self.flavour, abstracts=self.abstracts_box.isChecked())
        return export_papers(
            papers,
            self.flavour,
            abstracts=self.abstracts_box.isChecked(),
            sources=bib_sources(self.library, papers),
            strings=self.strings_box.isChecked(),
            crossref="inherit" if self.inherit_box.isChecked() else "keep",
            biblatex_names=self.names_box.isChecked(),
        )

    def export(self) -> ExportResult:
        """Every selected paper in the chosen flavour (computed once per flavour and set of options)."""
        key = (
            self.flavour,
            self.abstracts_box.isChecked(),
            self.strings_box.isChecked(),
            self.inherit_box.isChecked(),
            self.names_box.isChecked(),
        )
        if key not in self._full:
            self._full[key] = self._export(list(self.library.iter_papers(self.paper_ids)))
        return self._full[key]

    def _update_preview(self) -> None:
        # The .bib options mean nothing to CSL-JSON or RIS.
        self.strings_box.setEnabled(self._bib())
        self.inherit_box.setEnabled(self._bib())
        self.names_box.setEnabled(self.flavour == "biblatex")
        shown = self.paper_ids[:PREVIEW_LIMIT]
        if len(shown) == len(self.paper_ids):
            result = self.export()
            self.preview_label.setText(f"{result.report.entries} entries")
        else:
            result = self._export(self.library.get_papers(shown))
            self.preview_label.setText(
                f"Preview of the first {len(shown):,} of {len(self.paper_ids):,} entries; saving writes them all."
            )
        self.preview.setPlainText(result.text if self.paper_ids else "")
        if not self.paper_ids:
            self.preview_label.setText("The tag has no papers yet." if self.tag is not None else "Nothing to export.")
        lines = result.report.lines()
        if lines:
            shown_lines = "\n".join(lines[:4]) + (f"\n… and {len(lines) - 4} more" if len(lines) > 4 else "")
            self.report_label.setText(f"Worth knowing about this {self.format_combo.currentText()}:\n{shown_lines}")
        else:
            self.report_label.setText("")
        self.report_label.setVisible(bool(lines))

    # ------------------------------------------------------------------ actions
    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(self.export().text)
        self.status_label.setText(f"{self.export().report.entries} entries copied to the clipboard.")

    def suggested_file_name(self) -> str:
        stem = self.tag or (self.library.get_author(self.author_id).name if self.author_id else "references")
        if self.query and not self.tag and not self.author_id:
            stem = self.query
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in stem).strip("-") or "references"
        return safe + EXTENSIONS[self.flavour]

    def choose_file_and_save(self) -> None:
        folder = Path(str(app_settings().value(_LAST_FOLDER, str(Path.home()))))
        start = str(folder / self.suggested_file_name())
        path, _filter = QFileDialog.getSaveFileName(self, "Export to", start, FILE_FILTERS[self.flavour])
        if path:
            self.save_to(path)

    def save_to(self, path: str | Path) -> bool:
        """Write the export to `path` atomically. Kept updated, the file is registered at once and written by
        the auto-export pool thread (the status line says when); False when it could not be done."""
        path = Path(path).expanduser()
        if not path.suffix:
            path = path.with_suffix(EXTENSIONS[self.flavour])
        keep = self.keep_updated.isChecked() and self.can_keep_updated() is None
        try:
            if keep:
                path = path.resolve()
                if not path.parent.is_dir():  # fail here, with the reason, not later on the pool thread
                    raise OSError(f"the folder {path.parent} does not exist")
                add_autoexport(self.library, str(path), self.flavour, self.tag, self.query)
            else:
                write_atomic(path, self.export().text)
        except (OSError, LibraryError) as error:
            self.status_label.setText(f"Could not write {path}: {error}")
            return False
        settings = app_settings()
        settings.setValue(_LAST_FORMAT, self.flavour)
        settings.setValue(_LAST_FOLDER, str(path.parent))
        self.saved_path = path
        if keep:
            self._waiting = path
            runner = autoexport_runner(self.hub)
            assert runner is not None
            runner.synced.connect(self._first_write_done)
            runner.sync_soon(immediately=True)
            self.status_label.setText(f"Writing {path}…")
            return True
        message = f"{self.export().report.entries} entries written to {path}."
        self.status_label.setText(message)
        self.hub.status_message.emit(message)
        return True

    def _first_write_done(self, results: list[autoexport.SyncResult]) -> None:
        waiting = self._waiting
        result = next((r for r in results if waiting is not None and Path(r.path) == waiting), None)
        if result is None:
            return
        self._waiting = None
        if result.error:
            self.status_label.setText(f"Could not write {result.path}: {result.error}")
            return
        message = (
            f"{result.entries} entries written to {result.path}. It is rewritten whenever "
            f"{self._keep_updated_text()} change."
        )
        self.status_label.setText(message)
        self.hub.status_message.emit(message)

    def is_writing(self) -> bool:
        """True while a kept-updated file's first write is still on the pool thread."""
        return self._waiting is not None


# ---------------------------------------------------------------------------------------------- auto-export
class _Done(QObject):
    finished = Signal(list)


class AutoExportRunner(QObject):
    """Keeps auto-exported files in step while the app runs: after a change settles, a pool thread syncs them
    through a connection of its own, so a large export never blocks the interface."""

    DELAY_MS = 600
    synced = Signal(list)  # the SyncResults of one run, on the interface thread

    def __init__(self, hub: LibraryHub) -> None:
        super().__init__(hub)
        self.setObjectName("papershelf-autoexport")
        self.hub = hub
        self.path = Path(hub.library.path)
        collect_on_main_thread()
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._done = _Done(self)
        self._done.finished.connect(self._report)
        self._force = False
        self.last_results: list[autoexport.SyncResult] = []
        # Commits through the interface's connection mark the library as pending (see exporters.autoexport).
        self._uninstall = autoexport.install(hub.library, immediate=False)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DELAY_MS)
        self._timer.timeout.connect(self._run)
        hub.changed.connect(self._changed)

    def _changed(self, change: Change) -> None:
        # "library" changes come from other connections (the import worker, a terminal); the command line syncs
        # its own commits, and ImportController asks for a sync after an import through `sync_soon`.
        if change.kind != "library":
            self._timer.start()

    def sync_soon(self, *, immediately: bool = False) -> None:
        """Sync every auto-exported file shortly (or, `immediately`, now), whether or not this connection saw a
        change. Either way the work runs on the pool thread."""
        self._force = True
        if immediately:
            self._timer.stop()
            self._run()
        else:
            self._timer.start()

    def _run(self) -> None:
        if str(self.path) == ":memory:":
            return
        force, self._force = self._force, False
        path, done = self.path, self._done

        def work() -> None:
            try:
                if force:
                    from papershelf.model.library import Library

                    library = Library.open(path)
                    try:
                        results = autoexport.sync_all(library)
                    finally:
                        library.close()
                else:
                    results = autoexport.run_pending(path)
            except Exception as error:  # the interface must hear of it, not a dead thread
                results = [autoexport.SyncResult(str(path), False, error=f"{type(error).__name__}: {error}")]
            done.finished.emit(results)

        self.pool.start(work)

    def _report(self, results: list[autoexport.SyncResult]) -> None:
        self.last_results = results
        self.synced.emit(results)
        failed = [r for r in results if r.error]
        if failed:
            self.hub.status_message.emit(f"Auto-export of {failed[0].path} failed: {failed[0].error}")
        elif any(r.written for r in results):
            written = [r for r in results if r.written]
            self.hub.status_message.emit(f"Updated {', '.join(Path(r.path).name for r in written)}")

    def stop(self) -> None:
        """Finish a running sync and stop listening (the window is closing)."""
        self._timer.stop()
        self.pool.waitForDone(10000)
        self._uninstall()


def autoexport_runner(hub: LibraryHub, *, create: bool = True) -> AutoExportRunner | None:
    """The hub's auto-export runner: created on first use (the app creates it at start when files are kept)."""
    runner = hub.findChild(AutoExportRunner, "papershelf-autoexport")
    if runner is None and create:
        runner = AutoExportRunner(hub)
    return runner
