"""The sidebar: where in the library the user is. Library views, Authors, Tags, Sources, and the Review queue
(Possible duplicates, and the papers a page reader marked "check me").

Tags show their colour and count; their context menu renames, recolours, merges and deletes them (each undoable),
and papers dropped on a tag get it. Sources are the imported pages with owner and paper count. The sidebar
reads counts through the model API and reports the chosen place as a `NavTarget`; it does not filter anything.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QFont,
    QIcon,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QHeaderView,
    QInputDialog,
    QMenu,
    QMessageBox,
    QTreeView,
    QWidget,
)

from papershelf.gui import display
from papershelf.gui.hub import LibraryHub
from papershelf.gui.paper_table import PAPER_IDS_MIME, after_first_paint, decode_paper_ids
from papershelf.gui.undo import (
    delete_tag_command,
    merge_tags_command,
    push_command,
    recolour_tag_command,
    rename_tag_command,
    tag_selection_command,
    undo_stack,
)
from papershelf.model.library import LibraryError
from papershelf.model.types import Change

TargetRole = Qt.ItemDataRole.UserRole + 10
REBUILD_DELAY_MS = 120

FORMAT_LABELS = display.FORMAT_LABELS
VIEW_TIPS = {
    "all": "Every paper of the library, outside the trash",
    "recent": "The 200 papers added last",
    "incomplete": "Papers without a title, without a full author list, or without a year",
    "trash": "Papers moved to the trash: restore them, or empty the trash",
}
AUTHORS_TIP = "Everybody in the library, searchable"
DUPLICATES_TIP = "Papers and people that may be the same: review them side by side"
CHECK_LABEL = "Check me"
CHECK_TIP = (
    "Papers a page was not clear about (no year, an odd author list…): compare each with its page, "
    "then mark it as checked"
)


@dataclass(frozen=True)
class NavTarget:
    """A place in the library: kind is view | authors | tag | source | duplicates."""

    kind: str
    value: Any = None

    def key(self) -> str:
        return f"{self.kind}:{self.value}"

    @classmethod
    def from_key(cls, key: str) -> NavTarget | None:
        kind, _, value = key.partition(":")
        if kind == "view" and value in ("all", "recent", "incomplete", "trash", "check"):
            return cls("view", value)
        if kind in ("authors", "duplicates"):
            return cls(kind)
        if kind == "tag" and value:
            return cls("tag", value)
        if kind == "source" and value.isdigit():
            return cls("source", int(value))
        return None


ALL_PAPERS = NavTarget("view", "all")
CHECK_ME = NavTarget("view", "check")
VIEW_LABELS = (
    ("all", "All papers"),
    ("recent", "Recently added"),
    ("incomplete", "Incomplete records"),
    ("trash", "Trash"),
)


def colour_icon(colour: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    # A light ring keeps the dot visible on the selection highlight, whatever the tag's colour.
    painter.setPen(QPen(QColor(255, 255, 255, 190), 1))
    painter.setBrush(QColor(colour))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


class Sidebar(QTreeView):
    """Library, Authors, Tags, Sources and Possible duplicates, each with its count."""

    target_selected = Signal(object)  # a NavTarget

    def __init__(self, hub: LibraryHub, parent: QWidget | None = None, *, deferred: bool = False) -> None:
        """`deferred` shows the places without counts, tags or sources at first and fills them in just after the
        sidebar first painted, so a window on a large library paints at once."""
        super().__init__(parent)
        self.hub = hub
        self.library = hub.library
        self.places = QStandardItemModel(0, 2, self)
        self.setModel(self.places)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(10)
        self.setUniformRowHeights(True)
        self.setIconSize(QSize(12, 12))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDropIndicatorShown(True)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.selectionModel().currentChanged.connect(self._current_changed)
        self._items: dict[str, QStandardItem] = {}
        self._sections: dict[str, QStandardItem] = {}
        self._collapsed: set[str] = set()
        self._rebuilding = False
        self._rebuild_timer = QTimer(self)
        self._rebuild_timer.setSingleShot(True)
        self._rebuild_timer.setInterval(REBUILD_DELAY_MS)
        self._rebuild_timer.timeout.connect(self.rebuild)
        self._wanted: NavTarget | None = ALL_PAPERS  # a place chosen before the items exist
        self._counted = False  # False until the first rebuild read the counts, tags and sources
        if deferred:
            self._show_uncounted()
            after_first_paint(self.viewport(), self._first_rebuild)
        else:
            self.rebuild()
        hub.changed.connect(self._library_changed)

    # ------------------------------------------------------------------ building
    def _muted(self) -> QBrush:
        return QBrush(self.palette().color(QPalette.ColorRole.PlaceholderText))

    def _section(self, key: str, title: str) -> QStandardItem:
        item = QStandardItem(title.upper())
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 0.85)
        item.setFont(font)
        item.setForeground(self._muted())
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        filler = QStandardItem("")
        filler.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.places.appendRow([item, filler])
        self._sections[key] = item
        return item

    def _hint(self, section: QStandardItem, text: str) -> None:
        hint = QStandardItem(text)
        hint.setFlags(Qt.ItemFlag.NoItemFlags)
        filler = QStandardItem("")
        filler.setFlags(Qt.ItemFlag.NoItemFlags)
        section.appendRow([hint, filler])

    def _entry(
        self, section: QStandardItem, target: NavTarget, text: str, count: int | None, tooltip: str = ""
    ) -> QStandardItem:
        item = QStandardItem(text)
        item.setData(target, TargetRole)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        if tooltip:
            item.setToolTip(tooltip)
        number = QStandardItem("" if count is None else f"{count:,}")
        number.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        number.setForeground(self._muted())
        number.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        section.appendRow([item, number])
        self._items[target.key()] = item
        return item

    def _show_uncounted(self) -> None:
        """The places that are always there, without their counts, until the first rebuild (no query)."""
        self._rebuilding = True
        try:
            section = self._section("library", "Library")
            for view, label in VIEW_LABELS:
                self._entry(section, NavTarget("view", view), label, None, VIEW_TIPS[view])
            self._entry(self._section("people", "People"), NavTarget("authors"), "Authors", None, AUTHORS_TIP)
            section = self._section("review", "Review")
            self._entry(section, NavTarget("duplicates"), "Possible duplicates", None, DUPLICATES_TIP)
            self._entry(section, CHECK_ME, CHECK_LABEL, None, CHECK_TIP)
            self._section("tags", "Tags")
            self._section("sources", "Sources")
            self.expandAll()
        finally:
            self._rebuilding = False
        if self._wanted is not None:
            self.select(self._wanted, emit=False)

    @property
    def counted(self) -> bool:
        """Whether the counts, tags and sources are in (a deferred sidebar fills them after its first paint)."""
        return self._counted

    def _first_rebuild(self) -> None:
        if not self._counted:
            self.rebuild()

    def rebuild(self) -> None:
        """Re-read every count and list, keeping the current place and which sections are folded."""
        self._rebuild_timer.setInterval(REBUILD_DELAY_MS)
        self._rebuild_timer.stop()
        self._counted = True
        current = self._wanted or self.current_target()
        self._wanted = None
        for key, section in self._sections.items():
            if section.rowCount():
                if self.isExpanded(section.index()):
                    self._collapsed.discard(key)
                else:
                    self._collapsed.add(key)
        self._rebuilding = True
        try:
            self.places.removeRows(0, self.places.rowCount())
            self._items.clear()
            self._sections.clear()
            library = self.library
            section = self._section("library", "Library")
            for view, label in VIEW_LABELS:
                self._entry(section, NavTarget("view", view), label, library.count_papers(view), VIEW_TIPS[view])
            section = self._section("people", "People")
            # One index read (Library.count_authors), not the authors view's list with every person's papers.
            self._entry(
                section,
                NavTarget("authors"),
                "Authors",
                library.count_authors(),
                AUTHORS_TIP,
            )
            # Its own heading: the queue holds papers as well as people, and it is work to do, not a place.
            section = self._section("review", "Review")
            duplicates = library.count_duplicate_candidates()
            item = self._entry(
                section,
                NavTarget("duplicates"),
                "Possible duplicates",
                duplicates,
                DUPLICATES_TIP,
            )
            if duplicates:
                font = QFont(self.font())
                font.setBold(True)
                section.child(item.row(), 1).setFont(font)
            doubted = library.count_papers("check")
            item = self._entry(section, CHECK_ME, CHECK_LABEL, doubted, CHECK_TIP)
            if doubted:
                font = QFont(self.font())
                font.setBold(True)
                section.child(item.row(), 1).setFont(font)
            tags = library.list_tags()
            section = self._section("tags", f"Tags ({len(tags)})" if tags else "Tags")
            for tag in tags:
                item = self._entry(
                    section,
                    NavTarget("tag", tag.name),
                    tag.name,
                    tag.paper_count,
                    "Right-click to rename, recolour, merge or delete; drop papers here to tag them",
                )
                item.setIcon(colour_icon(tag.colour))
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsDropEnabled)
            if not tags:
                self._hint(section, "Select papers and press Ctrl+T")
            sources = library.list_sources()
            section = self._section("sources", "Sources")
            for source in sources:
                kind = display.format_label(source.format)
                lookup = display.LOOKUP_SOURCE_LABELS.get(source.format)
                if lookup is not None:
                    label = lookup
                    tooltip = (
                        f"Records {kind} (Add by identifier, Complete records)\n"
                        f"first asked {display.short_date(source.imported_at)}\n{source.path}"
                    )
                else:
                    label = display.source_label(source.format, source.file, source.owner_name)
                    tooltip = (
                        f"{source.file}\n{kind}"
                        + (f", the page of {source.owner_name}" if source.owner_name else "")
                        + f"\nimported {display.short_date(source.imported_at)}\n{source.path}"
                    )
                self._entry(section, NavTarget("source", source.id), label, source.paper_count, tooltip)
            if not sources:
                self._hint(section, "Import a page with Ctrl+I")
            for key, section in self._sections.items():
                self.setExpanded(section.index(), key not in self._collapsed)
        finally:
            self._rebuilding = False
        if current is not None and not self.select(current, emit=False):
            # The tag or source shown was removed (renamed, merged, deleted): fall back to all papers.
            self.select(ALL_PAPERS)

    def _library_changed(self, change: Change) -> None:
        if change.kind == "papers" and change.description == "note changed":
            return  # no count depends on notes, and notes are saved while the user types
        # Several changes arrive together (an undo, an import): count once they have all landed.
        self._rebuild_timer.start()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._rebuild_timer.start()  # muted colours follow a light/dark switch

    # ------------------------------------------------------------------ navigation
    def _target_at(self, index: QModelIndex) -> NavTarget | None:
        if not index.isValid():
            return None
        return index.siblingAtColumn(0).data(TargetRole)

    def current_target(self) -> NavTarget | None:
        return self._target_at(self.currentIndex())

    def item_for(self, target: NavTarget) -> QStandardItem | None:
        return self._items.get(target.key())

    def label_for(self, target: NavTarget) -> str:
        """The place's name as the sidebar shows it ("Trash", "Junyang Lin · homepage"), or "" if not listed."""
        item = self.item_for(target)
        return item.text() if item is not None else ""

    def item_rect(self, target: NavTarget):
        """Where a place is drawn, in viewport coordinates (for clicks and drops)."""
        item = self.item_for(target)
        return self.visualRect(item.index()) if item is not None else None

    def select(self, target: NavTarget, *, emit: bool = True) -> bool:
        if not self._counted:
            self._wanted = target  # the counts, tags and sources are still to come; select it when they are in
            if self.item_for(target) is None:
                return True
        item = self.item_for(target)
        if item is None:
            return False
        selection = self.selectionModel()
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        if emit:
            selection.setCurrentIndex(item.index(), flags)
        else:
            blocked = selection.blockSignals(True)
            try:
                selection.setCurrentIndex(item.index(), flags)
            finally:
                selection.blockSignals(blocked)
            self.viewport().update()
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._rebuilding:
            return
        target = self._target_at(current)
        if target is not None:
            if not self._counted:
                self._wanted = target  # chosen before the counts came in: still the place once they have
            self.target_selected.emit(target)

    def count_text(self, target: NavTarget) -> str:
        item = self.item_for(target)
        if item is None:
            return ""
        return item.index().siblingAtColumn(1).data() or ""

    # ------------------------------------------------------------------ tags: actions
    def tag_papers(self, paper_ids: list[int], tag: str) -> None:
        if paper_ids and push_command(self.hub, tag_selection_command(self.hub, paper_ids, tag)):
            self.hub.status_message.emit(f"Tagged {display.plural(len(paper_ids), 'paper')} “{tag}”")

    def rename_tag(self, old: str, new: str) -> bool:
        new = new.strip()
        if not new or new == old:
            return False
        if not push_command(self.hub, rename_tag_command(self.library, old, new)):
            return False
        self.rebuild()  # now, so the renamed tag can stay selected
        self.select(NavTarget("tag", new))
        return True

    def recolour_tag(self, name: str, colour: str) -> None:
        push_command(self.hub, recolour_tag_command(self.library, name, colour))

    def merge_tags(self, sources: list[str], target: str) -> None:
        push_command(self.hub, merge_tags_command(self.library, sources, target))
        self.rebuild()
        self.select(NavTarget("tag", target))

    def delete_tag(self, name: str) -> None:
        if push_command(self.hub, delete_tag_command(self.library, name)):
            self.hub.status_message.emit(f"Deleted the tag “{name}” (Ctrl+Z brings it back)")

    def tag_menu(self, name: str) -> QMenu:
        """The context menu of one tag; each entry asks what it needs and then acts (undoable)."""
        menu = QMenu(self)
        rename = QAction("Rename…", menu)
        rename.triggered.connect(lambda: self._ask_rename(name))
        recolour = QAction("Change colour…", menu)
        recolour.triggered.connect(lambda: self._ask_colour(name))
        merge = QAction("Merge into…", menu)
        merge.triggered.connect(lambda: self._ask_merge(name))
        merge.setEnabled(len(self.library.list_tags()) > 1)
        delete = QAction("Delete tag", menu)
        delete.triggered.connect(lambda: self.delete_tag(name))
        for action in (rename, recolour, merge):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(delete)
        return menu

    def _ask_rename(self, name: str) -> None:
        new, ok = QInputDialog.getText(self, "Rename tag", f"New name for “{name}”:", text=name)
        if not ok:
            return
        new = new.strip()
        existing = next(
            (tag for tag in self.library.list_tags() if tag.name.lower() == new.lower() and tag.name != name), None
        )
        if existing is not None and existing.name.lower() != name.lower():
            # The model merges a rename onto a taken name; that is a different act, so the user says so first.
            answer = QMessageBox.question(
                self,
                "Merge tags",
                f"There is already a tag “{existing.name}” ({display.plural(existing.paper_count, 'paper')}). "
                f"Merge “{name}” into it? Its papers get “{existing.name}” and “{name}” goes away "
                "(Ctrl+Z separates them again).",
            )
            if answer == QMessageBox.StandardButton.Yes:
                self.merge_tags([name], existing.name)
            return
        self.rename_tag(name, new)

    def _ask_colour(self, name: str) -> None:
        current = next((tag.colour for tag in self.library.list_tags() if tag.name == name), "#808080")
        colour = QColorDialog.getColor(QColor(current), self, f"Colour of “{name}”")
        if colour.isValid():
            self.recolour_tag(name, colour.name())

    def _ask_merge(self, name: str) -> None:
        others = [tag.name for tag in self.library.list_tags() if tag.name != name]
        target, ok = QInputDialog.getItem(self, "Merge tag", f"Merge “{name}” into:", others, 0, False)
        if ok and target:
            self.merge_tags([name], target)

    def _context_menu(self, position) -> None:
        target = self._target_at(self.indexAt(position))
        if target is None:
            return
        menu = None
        if target.kind == "tag":
            menu = self.tag_menu(target.value)
        elif target == NavTarget("view", "trash"):
            menu = QMenu(self)
            action = menu.addAction("Empty trash…")
            action.triggered.connect(self.empty_trash)
            action.setEnabled(self.library.count_papers("trash") > 0)
        if menu is not None:
            menu.exec(self.viewport().mapToGlobal(position))

    def empty_trash(self) -> None:
        count = self.library.count_papers("trash")
        if not count:
            return
        answer = QMessageBox.question(
            self,
            "Empty trash",
            f"Delete the {display.plural(count, 'paper')} in the trash for good? This cannot be undone.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            try:
                self.library.empty_trash()
            except (LibraryError, sqlite3.Error) as error:
                self.hub.status_message.emit(f"The trash was not emptied: {error}")
                return
            undo_stack(self.hub).clear()  # commands about purged papers cannot be replayed
            self.hub.status_message.emit("Trash emptied")

    # ------------------------------------------------------------------ dropping papers on tags
    def _tag_at(self, position) -> str | None:
        target = self._target_at(self.indexAt(position))
        return target.value if target is not None and target.kind == "tag" else None

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasFormat(PAPER_IDS_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasFormat(PAPER_IDS_MIME) and self._tag_at(event.position().toPoint()):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:
        tag = self._tag_at(event.position().toPoint())
        ids = decode_paper_ids(event.mimeData())
        if tag and ids:
            self.tag_papers(ids, tag)
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()
