"""The main window: sidebar, search and paper table, detail pane, menus with shortcuts, and file drops.

It wires widgets together and turns menu actions into undo commands or dialogs. The author browser, the
duplicates review, and the import, export and edit dialogs live in their own modules and are loaded on first
use, so a missing one only disables its feature with a clear status message. No SQL here.
"""

from __future__ import annotations

import html
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from papershelf.gui import display
from papershelf.gui.detail_pane import DetailPane
from papershelf.gui.hub import LibraryHub
from papershelf.gui.paper_table import FIRST_SCREEN_ROWS, PaperTable
from papershelf.gui.screen_fit import fit_to_screen
from papershelf.gui.search_bar import SEARCH_HELP, SearchBar
from papershelf.gui.settings import app_settings
from papershelf.gui.sidebar import ALL_PAPERS, CHECK_ME, NavTarget, Sidebar
from papershelf.gui.undo import (
    DeleteCommand,
    EditPaperCommand,
    LibraryCommand,
    RestoreCommand,
    command_paper_ids,
    push_command,
    tag_selection_command,
    undo_stack,
)
from papershelf.model.search import QueryError
from papershelf.model.types import Change

# Files a user may drop or pick to import; anything else dropped is still tried (detection decides).
IMPORT_FILTER = "Publication pages and BibTeX (*.txt *.html *.htm *.mhtml *.mht *.bib *.md *.tex);;All files (*)"


class MarkCheckedCommand(LibraryCommand):
    """The user found doubted papers right: they leave "Check me"; undo puts them back on it."""

    def __init__(self, library: Any, paper_ids: list[int]) -> None:
        super().__init__(f"Mark {display.plural(len(paper_ids), 'paper')} as checked")
        self.library = library
        self.ids = list(paper_ids)

    def apply(self) -> None:
        self.library.mark_checked(self.ids)

    def revert(self) -> None:
        self.library.mark_checked(self.ids, checked=False)


class MainWindow(QMainWindow):
    """One window over one library: everything a user lives in every day."""

    def __init__(self, hub: LibraryHub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.library = hub.library
        self.undo_stack = undo_stack(hub)
        self.target: NavTarget = ALL_PAPERS
        self._dialogs: list[QWidget] = []
        self._import_controller = None
        self.address_dialog: QDialog | None = None
        self._authors_view: QWidget | None = None
        self._duplicates_view: QWidget | None = None
        self.table_stale = False  # the typed search cannot run: the list holds the previous one's results
        self.setWindowTitle(f"Papershelf — {self.library.path.name}")
        self.setAcceptDrops(True)
        fit_to_screen(self, 1400, 860)
        self._build()
        self._build_actions()
        self._build_menus()
        self._connect()
        self.navigate(ALL_PAPERS)

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.sidebar = Sidebar(self.hub, self, deferred=True)
        self.sidebar.setMinimumWidth(180)
        self.stack = QStackedWidget(self)

        self.papers_page = QWidget(self.stack)
        self.search = SearchBar(self.papers_page)
        # The first screen of rows now, the rest (and the sidebar's counts) just after the window first painted.
        self.table = PaperTable(
            self.hub, self.papers_page, settings_key="main/paper_table", first_rows=FIRST_SCREEN_ROWS
        )
        # What an empty list says, with the one button that helps: Import or the samples for an empty library,
        # Clear search for a search without results; an empty trash or tag just says so.
        self.empty_hint = QWidget(self.papers_page)
        hint_layout = QVBoxLayout(self.empty_hint)
        hint_layout.addStretch(1)
        self.empty_text = QLabel(self.empty_hint)
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text.setWordWrap(True)
        hint_layout.addWidget(self.empty_text)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.empty_import_button = QPushButton("Import…", self.empty_hint)
        self.empty_import_button.clicked.connect(lambda: self.import_files())
        self.empty_samples_button = QPushButton("Open the samples", self.empty_hint)
        self.empty_samples_button.clicked.connect(lambda: self.import_samples())
        self.empty_clear_button = QPushButton("Clear search", self.empty_hint)
        self.empty_clear_button.clicked.connect(self._clear_search)
        for button in (self.empty_import_button, self.empty_samples_button, self.empty_clear_button):
            buttons.addWidget(button)
            button.hide()  # shown by `_update_empty_hint` as the case needs (hidden, they widen nothing)
        buttons.addStretch(1)
        hint_layout.addLayout(buttons)
        hint_layout.addStretch(2)
        self.table_stack = QStackedWidget(self.papers_page)
        self.table_stack.addWidget(self.table)
        self.table_stack.addWidget(self.empty_hint)
        left = QWidget(self.papers_page)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 6, 0, 0)
        left_layout.setSpacing(4)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.table_stack, 1)
        self.detail = DetailPane(self.hub, self.papers_page)
        self.detail.setMinimumWidth(260)
        self.papers_splitter = QSplitter(Qt.Orientation.Horizontal, self.papers_page)
        self.papers_splitter.addWidget(left)
        self.papers_splitter.addWidget(self.detail)
        self.papers_splitter.setStretchFactor(0, 3)
        self.papers_splitter.setStretchFactor(1, 2)
        self.papers_splitter.setSizes([860, 340])
        self.papers_splitter.setChildrenCollapsible(False)
        # The detail pane folds away when dragged past its minimum (or with Ctrl+D): in a narrow window the
        # titles need its width more than it does.
        self.papers_splitter.setCollapsible(1, True)
        self.papers_splitter.splitterMoved.connect(lambda *_: self._detail_shown_changed())
        page_layout = QVBoxLayout(self.papers_page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(self.papers_splitter)
        self.stack.addWidget(self.papers_page)

        self.main_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.main_splitter.addWidget(self.sidebar)
        self.main_splitter.addWidget(self.stack)
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setSizes([250, 1150])
        self.main_splitter.setChildrenCollapsible(False)
        central = QWidget(self)
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        # A library open read-only says so for as long as it is open, not in a status message that fades.
        self.read_only_banner = QLabel(central)
        self.read_only_banner.setObjectName("read-only-banner")
        self.read_only_banner.setWordWrap(True)
        self.read_only_banner.setStyleSheet("background: #fff3cd; color: #664d03; padding: 6px 10px;")
        if self.library.read_only:
            reason = getattr(self.library, "read_only_reason", None) or "it was opened read-only"
            self.read_only_banner.setText(
                f"<b>Read-only:</b> {reason}. You can search, read and export; nothing can be changed."
            )
        else:
            self.read_only_banner.hide()
        central_layout.addWidget(self.read_only_banner)
        central_layout.addWidget(self.main_splitter, 1)
        self.setCentralWidget(central)
        self.count_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.count_label)

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: str | QKeySequence | list | None = None,
        tip: str = "",
        *,
        on_table: bool = False,
    ) -> QAction:
        action = QAction(text, self)
        if isinstance(shortcut, list):
            action.setShortcuts(shortcut)
        elif shortcut is not None:
            action.setShortcut(shortcut)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        if on_table:
            # Keys such as Delete and Ctrl+C mean "these papers" only while the table has the focus; in the
            # search line or a note they keep their usual meaning.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.table.addAction(action)
        else:
            self.addAction(action)
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.import_action = a("&Import…", self.import_files, "Ctrl+I", "Import publication pages or .bib files")
        self.import_url_action = a(
            "Import from a &web address…", self.import_url, "Ctrl+Shift+L", "Fetch a publication page and import it"
        )
        self.samples_action = a("Import the &sample pages", self.import_samples, None, "The bundled example pages")
        self.export_action = a(
            "&Export…", self.export, "Ctrl+E", "Export the selection, else the papers shown, to .bib"
        )
        # Spelled out: some platforms (and the offscreen one) give StandardKey.Quit no keys, so menus showed none.
        self.quit_action = a("&Quit", self.close, "Ctrl+Q")
        self.preferences_action = a(
            "&Preferences…", self.show_preferences, "Ctrl+,", "Your e-mail for Crossref, lookup endpoints"
        )
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        # Through the window rather than straight to the stack: it selects what came back and says what it undid.
        self.undo_action.triggered.disconnect()
        self.undo_action.triggered.connect(lambda _checked=False: self.undo())
        self.redo_action.triggered.disconnect()
        self.redo_action.triggered.connect(lambda _checked=False: self.redo())
        self.addAction(self.undo_action)
        self.addAction(self.redo_action)
        self.copy_keys_action = a(
            "&Copy citation key", self.copy_keys, "Ctrl+C", "Copy the keys of the selected papers", on_table=True
        )
        self.copy_cite_action = a("Copy \\&cite{key}", self.copy_cite, "Ctrl+Shift+C", "Copy \\cite{…} for LaTeX")
        self.copy_bibtex_action = a("Copy &BibTeX entry", self.copy_bibtex, "Ctrl+Shift+B", "Copy the BibTeX entries")
        self.edit_action = a("&Edit paper…", self.edit_current, "F2", "Fix a title, add a DOI …")
        self.edit_entry_action = a(
            "Edit BibTeX e&ntry…",
            self.edit_entry_current,
            "Shift+F2",
            "The entry type and all its fields: required, optional and your own",
        )
        self.add_by_id_action = a(
            "Add by &identifier…",
            self.add_by_identifier,
            "Ctrl+Shift+I",
            "Add papers by arXiv id or DOI (asks arXiv / Crossref)",
        )
        self.complete_action = a(
            "&Complete records…",
            self.complete_records,
            None,
            "Fill missing titles, authors and venues of the selection (or the whole library) from arXiv and Crossref",
        )
        self.delete_action = a(
            "Move to &trash",
            self.delete_selected,
            QKeySequence.StandardKey.Delete,
            "Restorable from Trash",
            on_table=True,
        )
        self.restore_action = a("&Restore from trash", self.restore_selected, "Ctrl+Shift+R", "Bring papers back")
        self.mark_checked_action = a(
            "Mark as &checked",
            self.mark_checked,
            "Ctrl+Shift+K",
            "These papers read right: take them off the Check me list (a re-import does not put them back)",
        )
        self.empty_trash_action = a("Empty trash…", self.sidebar.empty_trash)
        self.add_tag_action = a("&Add tag…", self.ask_add_tag, "Ctrl+T", "Tag every selected paper")
        self.remove_tag_action = a("Re&move tag…", self.ask_remove_tag, "Ctrl+Shift+T", "Untag the selection")
        self.find_action = a("&Find", self.focus_search, QKeySequence("Ctrl+F"), "Search as you type")
        self.view_actions = {}
        for number, (key, label) in enumerate(
            [
                ("view:all", "All papers"),
                ("view:recent", "Recently added"),
                ("view:incomplete", "Incomplete records"),
                ("view:trash", "Trash"),
                ("authors:None", "Authors"),
                ("duplicates:None", "Possible duplicates"),
            ],
            start=1,
        ):
            target = NavTarget.from_key(key)
            self.view_actions[key] = a(label, lambda t=target: self.navigate(t), f"Ctrl+{number}")
        self.toggle_detail_action = a("Show &details pane", self.toggle_detail, "Ctrl+D")
        self.toggle_detail_action.setCheckable(True)
        self.toggle_detail_action.setChecked(True)
        self.search_help_action = a("Search syntax", self.show_search_help)
        self.shortcuts_action = a("Keyboard shortcuts", self.show_shortcuts, QKeySequence.StandardKey.HelpContents)
        self.about_action = a("About Papershelf", self.show_about)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        menu = bar.addMenu("&File")
        for action in (
            self.import_action,
            self.import_url_action,
            self.add_by_id_action,
            self.samples_action,
            self.export_action,
        ):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.empty_trash_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        menu = bar.addMenu("&Edit")
        menu.addAction(self.undo_action)
        menu.addAction(self.redo_action)
        menu.addSeparator()
        for action in (self.copy_keys_action, self.copy_cite_action, self.copy_bibtex_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.find_action)
        menu.addSeparator()
        menu.addAction(self.preferences_action)
        menu = bar.addMenu("&Paper")
        for action in (
            self.edit_action,
            self.edit_entry_action,
            self.complete_action,
            self.add_tag_action,
            self.remove_tag_action,
        ):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        menu.addAction(self.restore_action)
        menu.addAction(self.mark_checked_action)
        menu = bar.addMenu("&View")
        for action in self.view_actions.values():
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.toggle_detail_action)
        columns = menu.addMenu("Table columns")
        columns.aboutToShow.connect(lambda: self._fill_columns_menu(columns))
        menu = bar.addMenu("&Help")
        for action in (self.search_help_action, self.shortcuts_action, self.about_action):
            menu.addAction(action)
        # The table's right-click menu: the same actions as the menus, shortcuts included.
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        context = [
            self.copy_keys_action,
            self.copy_cite_action,
            self.copy_bibtex_action,
            None,
            self.add_tag_action,
            self.remove_tag_action,
            None,
            self.edit_action,
            self.edit_entry_action,
            self.export_action,
            None,
            self.delete_action,
            self.restore_action,
        ]
        for action in self.table.actions():
            self.table.removeAction(action)  # re-added below in menu order (the shortcuts stay bound)
        for action in context:
            if action is None:
                separator = QAction(self.table)
                separator.setSeparator(True)
                self.table.addAction(separator)
            else:
                self.table.addAction(action)

    def _fill_columns_menu(self, menu) -> None:
        menu.clear()
        for action in self.table.column_menu().actions():
            action.setParent(menu)
            menu.addAction(action)

    def _connect(self) -> None:
        self.sidebar.target_selected.connect(self.navigate)
        self.search.search_changed.connect(self._search)
        self.search.refused.connect(self._search_refused)
        self.search.leave_down.connect(self._into_results)
        self.table.selection_changed.connect(self._selection_changed)
        self.table.count_changed.connect(lambda _n: self._update_counts())
        self.table.paper_activated.connect(lambda _pid: self.edit_current())
        self.hub.author_requested.connect(self.show_author)
        self.hub.paper_requested.connect(self.show_paper)
        self.hub.review_requested.connect(lambda: self.navigate(NavTarget("duplicates")))
        self.hub.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.hub.changed.connect(self._library_changed)

    # ------------------------------------------------------------------ navigation
    def navigate(self, target: NavTarget) -> None:
        """Show a place in the library: a view, a tag or a source in the table; authors; duplicates."""
        self.target = target
        if target.kind == "authors":
            self.stack.setCurrentWidget(self._authors())
        elif target.kind == "duplicates":
            self.stack.setCurrentWidget(self._duplicates())
        else:
            self.stack.setCurrentWidget(self.papers_page)
            self._apply_filter()
        if self.sidebar.current_target() != target:
            self.sidebar.select(target, emit=False)
        self._update_actions()
        self._update_counts()

    def _apply_filter(self) -> None:
        target = self.target
        query = self.search.text().strip() or None
        kwargs: dict[str, Any] = {"query": query, "view": "all"}
        if target.kind == "view":
            kwargs["view"] = target.value
        elif target.kind == "tag":
            kwargs["tag"] = target.value
        elif target.kind == "source":
            kwargs["source_id"] = target.value
        try:
            self.table.set_filter(**kwargs)
            self._set_stale(False)
        except QueryError as error:
            self.search.show_hint(f"{error} (the list shows this place without the search)")
            kwargs["query"] = None
            self.table.set_filter(**kwargs)
            self._set_stale(False)
        self._update_empty_hint()

    def _search(self, text: str) -> None:
        if self.stack.currentWidget() is not self.papers_page:
            self.navigate(ALL_PAPERS if self.target.kind in ("authors", "duplicates") else self.target)
            return
        try:
            self.table.set_query(text or None)
        except QueryError as error:
            self.search.refuse(str(error))
            return
        self._set_stale(False)
        self._update_empty_hint()
        self._update_counts()

    def _search_refused(self, _hint: str) -> None:
        self._set_stale(True)

    def _set_stale(self, stale: bool) -> None:
        """While the typed search cannot run, the list still holds the last one's results: grey it out and say
        so in the count, so nobody reads them as the answer to what is typed now."""
        self.table_stale = stale
        self.table.setEnabled(not stale)
        self.table.setToolTip(
            "These are the results of the previous search: finish or fix the one typed" if stale else ""
        )
        self._update_counts()

    def _authors(self) -> QWidget:
        if self._authors_view is None:
            from papershelf.gui.authors_view import AuthorsView

            self._authors_view = AuthorsView(self.hub, self.stack)
            self.stack.addWidget(self._authors_view)
        return self._authors_view

    def _duplicates(self) -> QWidget:
        if self._duplicates_view is None:
            from papershelf.gui.duplicates_view import DuplicatesView

            self._duplicates_view = DuplicatesView(self.hub, self.stack)
            self.stack.addWidget(self._duplicates_view)
        return self._duplicates_view

    def show_author(self, author_id: int) -> None:
        self.navigate(NavTarget("authors"))
        view = self._authors_view
        if view is not None and self.stack.currentWidget() is view:
            view.show_author(author_id)

    def show_paper(self, paper_id: int) -> None:
        """Bring a paper into view: in the current list if it is there, else in All papers (or the Trash)."""
        if self.stack.currentWidget() is self.papers_page and self.table.select_ids([paper_id], paper_id):
            self.table.setFocus()
            return
        papers = self.library.get_papers([paper_id])
        if not papers:
            self.hub.status_message.emit(f"There is no paper #{paper_id}")
            return
        self.search.set_text("", apply=False)
        self.search.show_hint(None)
        self.navigate(NavTarget("view", "trash" if papers[0].deleted_at else "all"))
        self.table.select_ids([paper_id], paper_id)
        self.table.setFocus()

    def focus_search(self) -> None:
        """Ctrl+F: the search line of the paper list, coming back to it from the author or duplicates view."""
        if self.stack.currentWidget() is not self.papers_page:
            self.navigate(ALL_PAPERS)
        self.search.focus()

    def _into_results(self) -> None:
        """Down in the search line: into the list, on the first result unless a shown paper is selected."""
        if self.stack.currentWidget() is not self.papers_page or not self.table.paper_model.rowCount():
            return
        if not self.table.selected_ids():
            self.table.select_row(0)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def toggle_detail(self) -> None:
        shown = self.detail_shown()
        self.detail.setVisible(not shown)
        if not shown and self.papers_splitter.sizes()[1] == 0:
            # Collapsed by dragging: give it back its share rather than a zero-width pane.
            total = sum(self.papers_splitter.sizes())
            self.papers_splitter.setSizes([total - max(self.detail.minimumWidth(), total * 2 // 5), total * 2 // 5])
        self._detail_shown_changed()

    def detail_shown(self) -> bool:
        """Whether the detail pane is on screen: neither hidden (Ctrl+D) nor collapsed by dragging."""
        return self.detail.isVisible() and self.papers_splitter.sizes()[1] > 0

    def _detail_shown_changed(self) -> None:
        self.toggle_detail_action.setChecked(self.detail_shown())

    # ------------------------------------------------------------------ state shown
    def _selection_changed(self, ids: list[int]) -> None:
        self.detail.show_papers(ids)
        self._update_actions()
        self._update_counts()
        if self.target == CHECK_ME and len(ids) == 1:
            # What the page left unclear is what to compare with it.
            reasons = self.library.check_me_reasons(ids[0])
            if reasons:
                self.statusBar().showMessage("Check: " + "; ".join(reasons), 30000)

    def _library_changed(self, change: Change) -> None:
        self._update_empty_hint()
        self._update_actions()
        self._update_counts()

    def _update_empty_hint(self) -> None:
        if self.table.paper_model.rowCount():  # the first rows are there: nothing to explain
            self.table_stack.setCurrentWidget(self.table)
            return
        query = self.search.text().strip()
        target = self.target
        buttons: tuple[QPushButton, ...] = ()
        if query and not self.table_stale:
            where = "" if target == ALL_PAPERS else f" in {self.sidebar.label_for(target) or 'this list'}"
            text = f"<h3>No papers match “{html.escape(query)}”{html.escape(where)}</h3>"
            buttons = (self.empty_clear_button,)
        elif target == ALL_PAPERS and self.library.count_papers("all") == 0:
            text = (
                "<h3>Your library is empty</h3><p>Import a researcher's publication page or a .bib file "
                "(Ctrl+I), drop files on this window, or look around in the bundled sample pages.</p>"
            )
            buttons = (self.empty_import_button, self.empty_samples_button)
        elif target == CHECK_ME:
            text = "<h3>Nothing to check</h3><p>Every paper a page was unclear about has been checked.</p>"
        elif target == NavTarget("view", "trash"):
            text = "<h3>The trash is empty</h3><p>Papers you delete wait here until you empty it.</p>"
        elif target.kind == "tag":
            text = (
                f"<h3>No papers are tagged “{html.escape(str(target.value))}”</h3>"
                "<p>Tag papers with Ctrl+T or by dropping them on the tag in the sidebar.</p>"
            )
        else:
            text = "<h3>No papers here</h3>"
        self.empty_text.setText(text)
        for button in (self.empty_import_button, self.empty_samples_button, self.empty_clear_button):
            button.setVisible(button in buttons)
        self.table_stack.setCurrentWidget(self.empty_hint)

    def _clear_search(self) -> None:
        self.search.clear()
        self.table.setFocus()

    def _update_counts(self) -> None:
        if self.stack.currentWidget() is not self.papers_page:
            self.count_label.setText("")
            return
        if not self.table.complete:
            self.count_label.setText("")  # only the first screen is read: its row count is not the count
            return
        text = display.plural(self.table.count(), "paper")
        selected = len(self.table.selected_ids())
        if selected > 1:
            text += f" · {selected:,} selected"
        if self.table_stale:
            previous = self.table.current_filter.query
            text += f" for the previous search “{previous}”" if previous else " before this search"
        self.count_label.setText(text)

    def _update_actions(self) -> None:
        in_table = self.stack.currentWidget() is self.papers_page
        has_selection = in_table and bool(self.table.selected_ids())
        in_trash = self.target == NavTarget("view", "trash")
        for action in (
            self.copy_keys_action,
            self.copy_cite_action,
            self.copy_bibtex_action,
            self.add_tag_action,
            self.remove_tag_action,
        ):
            action.setEnabled(has_selection)
        self.edit_action.setEnabled(has_selection)
        self.edit_entry_action.setEnabled(has_selection)
        self.delete_action.setEnabled(has_selection and not in_trash)
        self.restore_action.setEnabled(has_selection and in_trash)
        self.mark_checked_action.setEnabled(has_selection and self.target == CHECK_ME)
        if self.library.read_only:
            # Nothing that would change the library is offered (the banner says why); reading and export stay.
            for action in (
                self.add_tag_action,
                self.remove_tag_action,
                self.edit_action,
                self.edit_entry_action,
                self.delete_action,
                self.restore_action,
                self.mark_checked_action,
                self.import_action,
                self.samples_action,
                self.add_by_id_action,
                self.complete_action,
                self.empty_trash_action,
            ):
                action.setEnabled(False)

    # ------------------------------------------------------------------ acting on the selection
    def selected_ids(self) -> list[int]:
        return self.table.selected_ids() if self.stack.currentWidget() is self.papers_page else []

    def _selected_papers(self):
        ids = self.selected_ids()
        return self.library.get_papers(ids)

    def copy_keys(self) -> str:
        keys = [paper.citekey for paper in self._selected_papers() if paper.citekey]
        return self._copy(",".join(keys), f"Copied {display.plural(len(keys), 'key')}")

    def copy_cite(self) -> str:
        keys = [paper.citekey for paper in self._selected_papers() if paper.citekey]
        return self._copy(f"\\cite{{{','.join(keys)}}}" if keys else "", "Copied \\cite{…}")

    def copy_bibtex(self) -> str:
        from papershelf.exporters.bibtex import export_bib

        papers = self._selected_papers()
        if not papers:
            return ""
        text, _report = export_bib(papers, "bibtex")
        # Only the entries: the file header comment is noise in a clipboard.
        body = "\n".join(line for line in text.splitlines() if not line.startswith("%")).strip() + "\n"
        return self._copy(body, f"Copied {display.plural(len(papers), 'BibTeX entry', 'BibTeX entries')}")

    def _copy(self, text: str, message: str) -> str:
        if not text:
            return ""
        QGuiApplication.clipboard().setText(text)
        self.hub.status_message.emit(message)
        return text

    def ask_add_tag(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        names = list(self.library.tag_colours())
        tag, ok = QInputDialog.getItem(
            self, "Add tag", f"Tag for {display.plural(len(ids), 'selected paper')}:", names, 0, True
        )
        if ok and tag.strip():
            self.add_tag(ids, tag.strip())

    def add_tag(self, ids: list[int], tag: str) -> None:
        if push_command(self.hub, tag_selection_command(self.hub, ids, tag)):
            self.hub.status_message.emit(f"Tagged {display.plural(len(ids), 'paper')} “{tag}”")

    def ask_remove_tag(self) -> None:
        ids = self.selected_ids()
        tags = sorted(self.library.selection_summary(ids).tag_counts, key=str.lower)
        if not tags:
            self.hub.status_message.emit("The selected papers have no tags")
            return
        tag, ok = QInputDialog.getItem(self, "Remove tag", "Tag to remove from the selection:", tags, 0, False)
        if ok and tag:
            push_command(self.hub, tag_selection_command(self.hub, ids, tag, adding=False))

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        if self.target == NavTarget("view", "trash"):
            self.hub.status_message.emit("These papers are in the trash already: Restore brings them back")
            return
        following = self._row_after(ids)
        if push_command(self.hub, DeleteCommand(self.library, ids)):
            if following is not None:
                # Triage by pressing Delete again and again: the next paper takes the deleted one's place.
                self.table.select_ids([following], following)
            self.hub.status_message.emit(
                f"Moved {display.plural(len(ids), 'paper')} to the trash (Ctrl+Z undoes; Trash restores)"
            )

    def _row_after(self, ids: list[int]) -> int | None:
        """The paper below the last of these in the table (above the first when they end the list)."""
        model = self.table.paper_model
        rows = sorted(row for row in (model.row_of(pid) for pid in ids) if row is not None)
        if not rows:
            return None
        chosen = set(rows)
        below = next((row for row in range(rows[-1] + 1, model.rowCount()) if row not in chosen), None)
        above = next((row for row in range(rows[0] - 1, -1, -1) if row not in chosen), None)
        row = below if below is not None else above
        return model.paper_id(row) if row is not None else None

    def undo(self) -> None:
        """Ctrl+Z: undo the last change, select the papers it gave back and say what was undone."""
        self._step(self.undo_stack.index() - 1, self.undo_stack.undo, "Undone")

    def redo(self) -> None:
        self._step(self.undo_stack.index(), self.undo_stack.redo, "Redone")

    def _step(self, index: int, action: Callable[[], None], verb: str) -> None:
        if not 0 <= index < self.undo_stack.count():
            return
        command = self.undo_stack.command(index)
        text, ids = command.text(), command_paper_ids(command)
        failures = list(getattr(command, "failure", []))
        action()
        if len(getattr(command, "failure", [])) > len(failures):
            return  # the command reported its refusal itself
        if ids and self.stack.currentWidget() is self.papers_page and self.table.select_ids(ids, ids[0]):
            self.table.setFocus()
        self.hub.status_message.emit(f"{verb}: {text}")

    def restore_selected(self) -> None:
        ids = self.selected_ids()
        if ids and push_command(self.hub, RestoreCommand(self.library, ids)):
            self.hub.status_message.emit(f"Restored {display.plural(len(ids), 'paper')}")

    def mark_checked(self) -> None:
        ids = self.selected_ids()
        if ids and self.target == CHECK_ME and push_command(self.hub, MarkCheckedCommand(self.library, ids)):
            self.hub.status_message.emit(f"Marked {display.plural(len(ids), 'paper')} as checked")

    def edit_current(self) -> None:
        paper_id = self.table.current_id() if self.stack.currentWidget() is self.papers_page else None
        if paper_id is None:
            return
        from papershelf.gui.edit_dialog import EditPaperDialog

        self.detail.flush()
        dialog = EditPaperDialog(
            self.hub,
            paper_id,
            self,
            apply=lambda pid, changes: push_command(self.hub, EditPaperCommand(self.library, pid, changes)),
        )
        self._keep(dialog)
        dialog.open()

    def edit_entry_current(self) -> None:
        """Shift+F2: the current paper as a BibTeX/biblatex entry (type, required, optional, custom fields)."""
        paper_id = self.table.current_id() if self.stack.currentWidget() is self.papers_page else None
        if paper_id is None:
            return
        from papershelf.gui.entry_editor import EntryEditorDialog

        self.detail.flush()
        dialog = EntryEditorDialog(self.hub, paper_id, self)
        self._keep(dialog)
        dialog.open()

    def export(self) -> None:
        """Ctrl+E: export what the user is looking at: the selected papers, else every paper of the list on
        screen (a tag, a search, a source or a view in the table; an author's page; the whole library)."""
        from papershelf.gui.export_dialog import ExportDialog

        what: dict[str, Any] = {}
        current = self.stack.currentWidget()
        if current is self.papers_page:
            ids = self.table.selected_ids()
            if ids:
                what = {"paper_ids": ids}
            else:
                # The filter the list was last filled with: while a hint refuses a half-typed search, that is
                # still what the table shows.
                shown = self.table.current_filter
                what = {"tag": shown.tag, "query": shown.query, "source_id": shown.source_id, "view": shown.view}
        elif current is self._authors_view and self._authors_view is not None:
            page = self._authors_view.page
            if page.author is not None:
                ids = page.papers.selected_ids()
                what = {"paper_ids": ids} if ids else {"author_id": page.author.id}
        dialog = ExportDialog(self.hub, self, **what)
        self._keep(dialog)
        dialog.open()

    def add_by_identifier(self) -> None:
        from papershelf.gui.lookup_dialog import AddByIdentifierDialog

        dialog = AddByIdentifierDialog(self.hub, self)
        self._keep(dialog)
        dialog.open()

    def complete_records(self) -> None:
        """Complete the selected papers, or every incomplete record when nothing is selected."""
        from papershelf.gui.lookup_dialog import CompleteRecordsDialog

        dialog = CompleteRecordsDialog(self.hub, self, paper_ids=self.selected_ids() or None)
        self._keep(dialog)
        dialog.open()

    def show_preferences(self) -> None:
        from papershelf.gui.preferences_dialog import PreferencesDialog

        dialog = PreferencesDialog(self.hub, self)
        self._keep(dialog)
        dialog.open()

    def _keep(self, dialog: QWidget) -> None:
        # Each dialog asks for a comfortable size; on a small screen it gets what the screen has (its content
        # scrolls), so Save and Cancel stay on screen.
        fit_to_screen(dialog, dialog.width(), dialog.height())
        # Dialogs are opened without blocking; keep a reference until they close.
        self._dialogs.append(dialog)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: self._dialogs.remove(dialog) if dialog in self._dialogs else None)

    # ------------------------------------------------------------------ importing
    def import_controller(self):
        if self._import_controller is None:
            from papershelf.gui.import_dialog import ImportController

            self._import_controller = ImportController(self.hub, self)
        return self._import_controller

    def import_files(self, paths: list[str] | None = None) -> bool:
        """Import these files, or ask for them; the import dialog runs it off the interface thread."""
        chosen = paths is None  # files the user picked in the Import dialog are previewed before they are written
        if paths is None:
            from PySide6.QtWidgets import QFileDialog

            paths, _ = QFileDialog.getOpenFileNames(self, "Import publication pages", str(Path.home()), IMPORT_FILTER)
        if not paths:
            return False
        controller = self.import_controller()
        if controller is None:
            return False
        if not (controller.start(list(paths), preview=True) if chosen else controller.start(list(paths))):
            self.hub.status_message.emit("An import is still running; wait for it or cancel it first")
            return False
        return True

    def import_url(self, address: str | None = None) -> bool:
        """Import the page at this web address, or ask for one; fetched and read off the interface thread."""
        if address is None:
            from papershelf.gui.import_dialog import AddressDialog

            dialog = AddressDialog(self)
            self.address_dialog = dialog  # reachable while open, for tests and the screenshot
            accepted = dialog.exec() == AddressDialog.DialogCode.Accepted
            self.address_dialog = None
            address = dialog.address() if accepted else None
        return self.import_files([address]) if address else False

    def import_samples(self) -> bool:
        controller = self.import_controller()
        return bool(controller is not None and controller.import_samples())

    def dragEnterEvent(self, event) -> None:
        from papershelf.gui.import_dialog import dropped_sources

        if dropped_sources(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        from papershelf.gui.import_dialog import dropped_sources

        if dropped_sources(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:
        from papershelf.gui.import_dialog import dropped_sources

        # Files, and links dragged from a browser: a link is fetched like a pasted address.
        paths = dropped_sources(event.mimeData())
        if paths:
            event.acceptProposedAction()
            # Let the drop finish before a dialog may open (the owner question, the progress dialog).
            QTimer.singleShot(0, lambda: self.import_files(paths))

    # ------------------------------------------------------------------ help
    def show_search_help(self) -> None:
        QMessageBox.information(self, "Search syntax", SEARCH_HELP)

    def show_shortcuts(self) -> None:
        rows = []
        for action in self.findChildren(QAction):
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            if keys and action.text():
                rows.append(f"<tr><td><b>{keys}</b></td><td>{action.text().replace('&', '')}</td></tr>")
        QMessageBox.information(self, "Keyboard shortcuts", "<table>" + "".join(sorted(set(rows))) + "</table>")

    def show_about(self) -> None:
        from papershelf import __version__

        QMessageBox.about(
            self,
            "About Papershelf",
            f"<b>Papershelf {__version__}</b><p>A local reference manager built from researchers' publication "
            f"pages.</p><p>Library: {self.library.path}</p>",
        )

    # ------------------------------------------------------------------ window state
    def save_state(self) -> None:
        """Remember geometry, splitters, the last view and the table's columns for the next start."""
        settings = app_settings()
        settings.setValue("main/geometry", self.saveGeometry())
        settings.setValue("main/window_state", self.saveState())
        settings.setValue("main/splitter", self.main_splitter.saveState())
        settings.setValue("main/papers_splitter", self.papers_splitter.saveState())
        settings.setValue("main/detail_visible", self.detail.isVisible())
        settings.setValue("main/last_view", self.target.key())
        settings.sync()
        self.table.save_state()

    def restore_state(self) -> None:
        settings = app_settings()
        for key, apply in (
            ("main/geometry", self.restoreGeometry),
            ("main/window_state", self.restoreState),
            ("main/splitter", self.main_splitter.restoreState),
            ("main/papers_splitter", self.papers_splitter.restoreState),
        ):
            value = settings.value(key)
            if isinstance(value, QByteArray | bytes):
                apply(value)
        visible = settings.value("main/detail_visible")
        if visible is not None and str(visible).lower() == "false":
            self.detail.hide()
            self.toggle_detail_action.setChecked(False)
        target = NavTarget.from_key(str(settings.value("main/last_view", ALL_PAPERS.key())))
        if target is not None and target.kind in ("tag", "source"):
            # Only the sidebar knows whether that tag or source still exists: count now rather than later.
            self.sidebar.rebuild()
            if self.sidebar.item_for(target) is None:
                target = None
        self.navigate(target or ALL_PAPERS)

    def _unsaved_notes(self) -> tuple[int, str | None]:
        """Save the notes still being typed or refused before; how many the library still refuses, and why."""
        editors = [self.detail.note]
        page = getattr(self._authors_view, "page", None)
        if page is not None:
            editors.append(page.note_editor)
        for editor in editors:
            editor._refused = None  # closing (or Retry) tries again now, without the pause after a refusal
        self.detail.flush()
        count = len(self.detail.unsaved_notes())
        if page is not None:
            page.flush_note()
            count += page.unsaved_note() is not None
        reason = next((editor.refusal for editor in editors if editor.refusal), None)
        return count, reason

    def _confirm_close(self) -> bool:
        """Nothing typed is lost silently: while the library refuses notes, ask to retry, discard or stay."""
        count, reason = self._unsaved_notes()
        buttons = QMessageBox.StandardButton
        while count:
            noun = "note was" if count == 1 else "notes were"
            answer = QMessageBox.warning(
                self,
                "Notes not saved",
                f"{count} {noun} not saved: {reason or 'the library refused the change'}.\n\n"
                "Retry saving, discard the unsaved text and close, or cancel to keep the window open.",
                buttons.Retry | buttons.Discard | buttons.Cancel,
                buttons.Retry,
            )
            if answer == buttons.Discard:
                return True
            if answer != buttons.Retry:
                return False  # Cancel, or the box closed with Escape
            count, reason = self._unsaved_notes()
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._confirm_close():
            event.ignore()
            return
        controller = self._import_controller
        if controller is not None and controller.is_running():
            controller.cancel()
            controller.wait()
        for dialog in list(self._dialogs):
            if getattr(dialog, "running", False):
                dialog.cancel()  # type: ignore[attr-defined]
        lookups = sys.modules.get("papershelf.gui.lookup_dialog")
        if lookups is not None:
            # The app is quitting: give cancelled lookups their moment to end (they stop within a tenth of a
            # second, as a hanging request is abandoned), so no running thread is destroyed on exit.
            lookups.background().wait(3000)
        self.save_state()
        super().closeEvent(event)
