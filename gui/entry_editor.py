"""Edit a paper as a BibTeX/biblatex entry (Shift+F2): its entry type, then that type's required and optional
fields, then the paper's other fields under "Custom fields", every one editable.

The fields of each type come from `model.entry_types`. Changing the type only rearranges the rows: every value
stays, and a field the new type does not list moves to "Custom fields". A paper whose type no .bib declared
shows the type its kind implies as a suggestion, saved only when the user picks a type. Saving is one undoable
step (`EditEntryCommand`): the type and the author list through `Library.edit_paper`, every field through
`Library.edit_bib_fields` (which makes title, journal, year … the paper's own edits). The dialog never
touches claims or SQL.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from papershelf.exporters import classify
from papershelf.gui.colours import error_colour
from papershelf.gui.edit_dialog import FieldError, clean_value, parse_author_names
from papershelf.gui.hub import LibraryHub
from papershelf.gui.undo import EditEntryCommand, push_command
from papershelf.model import entry_types as et
from papershelf.model.store import BIB_CORE_FIELDS
from papershelf.model.types import Paper

_MULTILINE = frozenset({"abstract", "annote", "annotation", "note", "addendum"})
# Where a paper's venue goes in an entry that does not write it yet, by type (the rest: howpublished).
_VENUE_FIELD = {"article": "journal", "periodical": "title", "inproceedings": "booktitle", "incollection": "booktitle"}
_VENUE_FIELD |= {"conference": "booktitle", "inbook": "booktitle", "inreference": "booktitle"}
# Core paper attributes written as .bib fields when no .bib entry states them (a paper from a web page).
_CORE_AS_BIB = (
    ("title", "title"),
    ("year", "year"),
    ("volume", "volume"),
    ("number", "number"),
    ("pages", "pages"),
    ("publisher", "publisher"),
    ("doi", "doi"),
    ("url", "url"),
    ("arxiv_id", "eprint"),
    ("abstract", "abstract"),
)
_FIELD = "papershelf_field"  # the Qt property naming the field a row's editor or button belongs to
_FIELD_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-:.+")

Apply = Callable[[int, dict[str, object], dict[str, str | None]], object]


def entry_values(paper: Paper, type_name: str) -> dict[str, str]:
    """The paper as .bib fields, name -> text: its entry's fields as the library chose them (with the user's
    edits), the author list as written, and core values that no field of the entry states yet."""
    values = {field.name: field.text for field in paper.bib_fields}
    if paper.authors:
        values["author"] = " and ".join(ref.as_written or ref.name for ref in paper.authors)
    for attribute, name in _CORE_AS_BIB:
        value = getattr(paper, attribute)
        # A biblatex `date` states the year too: no separate year field beside it.
        names = ("year", "date") if attribute == "year" else [n for n, c in BIB_CORE_FIELDS.items() if c == attribute]
        written = [n for n in names if values.get(n)]
        if value not in (None, "") and not written:
            values[name] = str(value)
    if paper.venue and not any(values.get(n) for n, core in BIB_CORE_FIELDS.items() if core == "venue"):
        target = _VENUE_FIELD.get(type_name, "howpublished")
        values.setdefault(target, paper.venue)
    return values


class _Row:
    """One field's label, editor and (for custom fields) remove button."""

    def __init__(self, name: str, text: str, parent: QWidget) -> None:
        self.name = name
        self.label = QLabel(parent)
        if name in _MULTILINE:
            editor = QPlainTextEdit(parent)
            editor.setTabChangesFocus(True)
            editor.setFixedHeight(90 if name in ("abstract", "annotation", "annote") else 52)
            editor.setPlainText(text)
            self.editor: QWidget = editor
        else:
            line = QLineEdit(parent)
            line.setText(text)
            line.setCursorPosition(0)
            self.editor = line
        self.editor.setAccessibleName(name)
        self.editor.setProperty(_FIELD, name)
        self.label.setBuddy(self.editor)
        self.remove: QToolButton | None = None

    def text(self) -> str:
        if isinstance(self.editor, QPlainTextEdit):
            return self.editor.toPlainText()
        assert isinstance(self.editor, QLineEdit)
        return self.editor.text()

    def set_text(self, text: str) -> None:
        if isinstance(self.editor, QPlainTextEdit):
            self.editor.setPlainText(text)
        else:
            assert isinstance(self.editor, QLineEdit)
            self.editor.setText(text)


class EntryEditorDialog(QDialog):
    """A paper's .bib entry: type chooser, required, optional and custom fields."""

    def __init__(
        self, hub: LibraryHub, paper_id: int, parent: QWidget | None = None, *, apply: Apply | None = None
    ) -> None:
        super().__init__(parent)
        self.hub = hub
        self.library = hub.library
        self.paper_id = paper_id
        # Kept apart from the dialog's own method: a bound method stored on the dialog would make a reference
        # cycle, leaving the dialog to Python's collector, which may free it in the middle of another window.
        self._apply = apply
        self.paper: Paper = self.library.get_paper(paper_id)
        self.declared = self.paper.bib_type
        kind = classify.classify(self.paper)
        coarse = self.paper.entry_type if self.paper.entry_type not in (None, "", "preprint") else kind.kind
        self.suggestion = et.suggested_type(coarse, online=bool(self.paper.arxiv_id and not self.paper.venue))
        self.type_name = self.declared or self.suggestion
        self.initial = entry_values(self.paper, self.type_name)
        self.values = dict(self.initial)
        self._type_chosen = False
        self._added: list[str] = []  # custom fields the user added, shown even while still empty
        self.edited = {f.name for f in self.paper.bib_fields if f.edited}
        self.edited |= {f[4:] for f in self.paper.edited_fields if f.startswith("bib:")}
        self.flavour = et.guess_flavour(self.type_name, self.values)
        self.rows: dict[str, _Row] = {}
        self.setWindowTitle(f"Entry of “{self.paper.display_title[:60]}”")
        self.resize(720, 760)
        self._build()
        self._lay_out()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        key = QLabel(f"<b>Key:</b> {html.escape(self.paper.citekey)}", self)
        key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(key)

        chooser = QHBoxLayout()
        type_label = QLabel("Entry &type:", self)
        self.type_box = QComboBox(self)
        self.type_box.setAccessibleName("Entry type")
        self.type_box.setMaxVisibleItems(24)
        type_label.setBuddy(self.type_box)
        self._fill_types()
        self.type_box.activated.connect(self._type_activated)
        flavour_label = QLabel("&Fields of:", self)
        self.flavour_box = QComboBox(self)
        self.flavour_box.setAccessibleName("Fields of")
        self.flavour_box.addItem("BibTeX", et.BIBTEX)
        self.flavour_box.addItem("biblatex", et.BIBLATEX)
        self.flavour_box.setToolTip("Which manual's list of required and optional fields to show")
        flavour_label.setBuddy(self.flavour_box)
        self.flavour_box.setCurrentIndex(et.FLAVOURS.index(self.flavour))
        self.flavour_box.activated.connect(self._flavour_activated)
        chooser.addWidget(type_label)
        chooser.addWidget(self.type_box, 1)
        chooser.addSpacing(12)
        chooser.addWidget(flavour_label)
        chooser.addWidget(self.flavour_box)
        layout.addLayout(chooser)

        self.type_note = QLabel(self)
        self.type_note.setWordWrap(True)
        layout.addWidget(self.type_note)
        self.missing_label = QLabel(self)
        self.missing_label.setWordWrap(True)
        layout.addWidget(self.missing_label)

        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        # One lasting widget in the scroll area; the rows live in a page inside it, replaced on each layout.
        self.body = QWidget(self.scroll)
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 0, 0)
        self.scroll.setWidget(self.body)
        self.page: QWidget | None = None
        layout.addWidget(self.scroll, 1)
        add_line = QHBoxLayout()
        self.new_field = QLineEdit(self)
        self.new_field.setPlaceholderText("New field name, e.g. isbn or basefilename")
        self.new_field.setAccessibleName("New field name")
        self.add_button = QPushButton("&Add field", self)
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._add_typed_field)
        add_line.addWidget(self.new_field, 1)
        add_line.addWidget(self.add_button)
        layout.addLayout(add_line)

        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _fill_types(self) -> None:
        """All types, grouped: those both flavours know, biblatex's own, biblatex's non-standard ones; a type
        of the paper's that neither manual knows comes first, as written."""
        model = QStandardItemModel(self.type_box)
        groups: dict[str, list[str]] = {"BibTeX and biblatex": [], "biblatex": [], "biblatex, non-standard": []}
        for name in et.type_names():
            flavours = et.flavours_of(name)
            if len(flavours) == 2:
                groups["BibTeX and biblatex"].append(name)
            elif et.entry_type(name, et.BIBLATEX).standard:
                groups["biblatex"].append(name)
            else:
                groups["biblatex, non-standard"].append(name)
        if not et.flavours_of(self.type_name):
            groups = {"This entry's own type": [self.type_name], **groups}
        for title, names in groups.items():
            header = QStandardItem(title)
            header.setFlags(Qt.ItemFlag.NoItemFlags)
            font = QFont(self.type_box.font())
            font.setBold(True)
            header.setFont(font)
            model.appendRow(header)
            for name in names:
                # The label first: typing "PhD" on the closed chooser goes to it, as in any list.
                item = QStandardItem(f"{et.type_label(name)}  (@{name})")
                item.setData(name, Qt.ItemDataRole.UserRole)
                model.appendRow(item)
        self.type_box.setModel(model)
        self._select_type(self.type_name)

    def _select_type(self, name: str) -> None:
        index = self.type_box.findData(name, Qt.ItemDataRole.UserRole)
        self.type_box.setCurrentIndex(index)

    # ------------------------------------------------------------------ layout of the rows
    def current_type(self) -> et.EntryType | None:
        return et.entry_type(self.type_name, self.flavour) or et.entry_type(self.type_name)

    def sections(self) -> tuple[list[str], list[str], list[str]]:
        """The field names shown as required, optional and custom for the chosen type and flavour. A field
        written in BibTeX's spelling that biblatex reads as one it lists (journal for journaltitle, school for
        institution) takes that field's place for biblatex, so it is not shown twice."""
        kind = self.current_type()
        present = [name for name, text in self.values.items() if text.strip()] + self._added
        aliases = {new: old for old, new in et.BIBLATEX_FIELD_ALIASES.items()} if self.flavour == et.BIBLATEX else {}

        def placed(name: str) -> str:
            alias = aliases.get(name)
            if name not in present and alias in present:
                return alias
            return name

        required = [placed(n) for n in kind.required_fields] if kind else []
        optional = [placed(n) for n in kind.optional if placed(n) not in required] if kind else []
        listed = set(required) | set(optional)
        custom = [name for name in dict.fromkeys(present) if name not in listed]
        return required, optional, custom

    def _lay_out(self) -> None:
        """Build the rows afresh for the chosen type and flavour from the values typed so far."""
        focused = next((name for name, row in self.rows.items() if row.editor.hasFocus()), None)
        position = self.scroll.verticalScrollBar().value()
        body = QWidget(self.body)
        column = QVBoxLayout(body)
        self.required_box = QGroupBox("Required fields", body)
        self.optional_box = QGroupBox("Optional fields", body)
        self.custom_box = QGroupBox("Custom fields", body)
        self.custom_box.setToolTip("Fields the entry has that its type does not list, and fields you add")
        for box in (self.required_box, self.optional_box, self.custom_box):
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            column.addWidget(box)
        column.addStretch(1)
        self.rows = {}
        required, optional, custom = self.sections()
        kind = self.current_type()
        for box, names in ((self.required_box, required), (self.optional_box, optional)):
            for name in names:
                self._add_row(box, name, kind)
        for name in custom:
            self._add_row(self.custom_box, name, kind, removable=True)
        self.required_box.setVisible(bool(required))
        self.optional_box.setVisible(bool(optional))
        self.custom_box.setTitle(f"Custom fields ({len(custom)})" if custom else "Custom fields (none)")
        # The old rows may be running the signal that got here (a remove button): they are deleted afterwards,
        # and stay children of the dialog until then, so Qt, never Python's collector, frees them.
        old, self.page = self.page, body
        if old is not None:
            self.body_layout.removeWidget(old)
            old.hide()
            old.deleteLater()
        self.body_layout.addWidget(body)
        self.scroll.verticalScrollBar().setValue(position)
        self._align_labels()
        self._chain_focus()
        self._update_notes()
        if focused in self.rows:
            self.rows[focused].editor.setFocus()

    def _align_labels(self) -> None:
        # One label column across the three groups, so the fields line up as in one form.
        width = max((row.label.sizeHint().width() for row in self.rows.values()), default=0)
        for row in self.rows.values():
            row.label.setMinimumWidth(width)

    def _chain_focus(self) -> None:
        # Rows are built after the buttons: without this, Tab would jump from the type to Save.
        chain: list[QWidget] = [self.type_box, self.flavour_box]
        for row in self.rows.values():
            chain.append(row.editor)
            if row.remove is not None:
                chain.append(row.remove)
        chain += [self.new_field, self.add_button, *self.buttons.buttons()]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _add_row(self, box: QGroupBox, name: str, kind: et.EntryType | None, *, removable: bool = False) -> None:
        form = box.layout()
        assert isinstance(form, QFormLayout)
        row = _Row(name, self.values.get(name, ""), box)
        # Bound methods and the sender's field property, never lambdas holding the dialog: see `_apply`.
        if isinstance(row.editor, QPlainTextEdit):
            row.editor.textChanged.connect(self._editor_changed)
        else:
            assert isinstance(row.editor, QLineEdit)
            row.editor.textEdited.connect(self._editor_changed)
        group = None
        stands_for = et.BIBLATEX_FIELD_ALIASES.get(name) if self.flavour == et.BIBLATEX else None
        if kind is not None:
            group = kind.group_of(name) or kind.group_of(stands_for or "")
        label = name
        if group is not None and name not in group:
            # The other flavour's spelling standing in for the listed field (school for institution).
            label = f"{name} * (for {' or '.join(group)})"
            row.label.setToolTip(f"Required: {' or '.join(group)}, which {name} stands for")
        elif group is not None:
            others = [other for other in group if other != name]
            label = f"{name} *" + (f" (or {', '.join(others)})" if others else "")
            row.label.setToolTip("Required" + (f": {' or '.join(group)}" if len(group) > 1 else ""))
        elif stands_for and box is not self.custom_box:
            row.label.setToolTip(f"biblatex reads {name} as {stands_for}")
        if self.is_user_edit(name):
            label = f"✎ {label}"
        row.label.setText(label)
        font = QFont(row.label.font())
        font.setBold(group is not None)
        row.label.setFont(font)
        if removable:
            line = QHBoxLayout()
            line.setSpacing(2)
            line.addWidget(row.editor, 1)
            remove = QToolButton(box)
            remove.setText("✕")
            remove.setAutoRaise(True)
            remove.setToolTip(f"Remove the field {name} from the entry")
            remove.setAccessibleName(f"Remove {name}")
            remove.setProperty(_FIELD, name)
            remove.clicked.connect(self._remove_clicked)
            line.addWidget(remove, 0, Qt.AlignmentFlag.AlignTop)
            row.remove = remove
            form.addRow(row.label, line)
        else:
            form.addRow(row.label, row.editor)
        self.rows[name] = row

    def _update_notes(self) -> None:
        kind = self.current_type()
        if self.declared is None and not self._type_chosen:
            self.type_note.setText(
                f"No .bib declared this paper's type: <b>{html.escape(et.type_label(self.type_name))}</b> is "
                "suggested from what the paper is. It is saved only if you choose a type."
            )
        elif kind is None:
            self.type_note.setText(f"@{html.escape(self.type_name)} is a custom type: every field is custom.")
        else:
            alias = f" Read as @{kind.alias_of}." if kind.alias_of else ""
            self.type_note.setText(html.escape(kind.description + alias))
        missing = kind.missing(n for n, t in self.values.items() if t.strip()) if kind else []
        if missing:
            names = ", ".join(" or ".join(group) for group in missing)
            self.missing_label.setText(f"Required but empty: {html.escape(names)}")
            self.missing_label.setStyleSheet(f"color: {error_colour(self.palette())}")
            self.missing_label.show()
        else:
            self.missing_label.hide()

    # ------------------------------------------------------------------ what the user does
    def _typed(self, name: str, text: str) -> None:
        self.values[name] = text
        self.error_label.hide()
        row = self.rows.get(name)
        if row is not None:
            edited = self.is_user_edit(name)
            label = row.label.text()
            if edited and not label.startswith("✎"):
                row.label.setText(f"✎ {label}")
            elif not edited and label.startswith("✎ "):
                row.label.setText(label[2:])
        self._update_notes()

    def _editor_changed(self, *_args: object) -> None:
        editor = self.sender()
        name = editor.property(_FIELD) if editor is not None else None
        if name in self.rows and self.rows[name].editor is editor:
            self._typed(name, self.rows[name].text())

    def _remove_clicked(self) -> None:
        button = self.sender()
        name = button.property(_FIELD) if button is not None else None
        if name in self.rows:
            self.remove_field(name)

    def _type_activated(self, index: int) -> None:
        name = self.type_box.itemData(index, Qt.ItemDataRole.UserRole)
        if name:
            self.choose_type(name)

    def _flavour_activated(self, index: int) -> None:
        self.flavour = self.flavour_box.itemData(index)
        self._lay_out()

    def choose_type(self, name: str) -> None:
        """Pick an entry type: the rows are laid out again, every value kept."""
        self._type_chosen = True
        self.type_name = name.strip().lower()
        if self.type_box.currentData(Qt.ItemDataRole.UserRole) != self.type_name:
            self._select_type(self.type_name)
        if et.flavours_of(self.type_name) == (et.BIBLATEX,):
            self.flavour = et.BIBLATEX
            self.flavour_box.setCurrentIndex(et.FLAVOURS.index(self.flavour))
        self._lay_out()

    def set_field(self, name: str, text: str) -> None:
        """Type a value into a field (a new one becomes a custom field)."""
        if name not in self.rows:
            self.add_field(name)
        self.rows[name].set_text(text)
        self._typed(name, text)

    def add_field(self, name: str) -> bool:
        """Add an empty custom field (or go to the field if the entry shows it already)."""
        name = name.strip().lower()
        if not name or not set(name) <= _FIELD_NAME_CHARS or not name[0].isalpha():
            self._show_error(f"“{name}” is not a field name: use letters, digits, - or _, starting with a letter.")
            return False
        if name not in self.rows:
            self._added.append(name)
            self.values.setdefault(name, "")
            self._lay_out()
        self.rows[name].editor.setFocus()
        self.scroll.ensureWidgetVisible(self.rows[name].editor)
        return True

    def _add_typed_field(self) -> None:
        if self.add_field(self.new_field.text()):
            self.new_field.clear()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter in the new-field line adds the field; it must not reach the dialog, where it would press Save.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.focusWidget() is self.new_field:
            self._add_typed_field()
            return
        super().keyPressEvent(event)

    def remove_field(self, name: str) -> None:
        """Take a custom field out of the entry (saved as removed; undo brings it back)."""
        self.values[name] = ""
        if name in self._added:
            self._added.remove(name)
        self._lay_out()

    # ------------------------------------------------------------------ saving
    def is_user_edit(self, name: str) -> bool:
        return name in self.edited or self.values.get(name, "") != self.initial.get(name, "")

    def changes(self) -> tuple[dict[str, object], dict[str, str | None]]:
        """What saving passes on: (the type and author list for `edit_paper`, fields for `edit_bib_fields`)."""
        core: dict[str, object] = {}
        bib: dict[str, str | None] = {}
        if self.type_name != (self.declared or self.suggestion) or (self._type_chosen and self.declared is None):
            core["bib_type"] = self.type_name
        for name in dict.fromkeys([*self.initial, *self.values]):
            old, new = self.initial.get(name, ""), self.values.get(name, "").strip()
            if new == old.strip():
                continue
            if name == "author":
                names = parse_author_names(new)
                if names:
                    core["authors"] = names
                elif "authors" in self.paper.edited_fields:
                    core["authors"] = None  # an emptied list gives the authors back to the sources
                continue
            field = BIB_CORE_FIELDS.get(name)
            if field is None:
                bib[name] = new  # "" takes the field out of the entry
                continue
            if field == "year" and not new:
                bib[name] = None  # an emptied year goes back to the sources: a paper never has "no year"
                continue
            # A core field (journal is the venue, eprint the arXiv id) is checked and tidied as F2 does; it is
            # still saved under its .bib name, so a journal added to a report stays a journal.
            try:
                bib[name] = str(clean_value(field, new))
            except FieldError as error:
                raise FieldError(f"{name}: {error}") from None
        return core, bib

    def _apply_with_undo(self, paper_id: int, core: dict[str, object], bib: dict[str, str | None]) -> bool:
        return push_command(self.hub, EditEntryCommand(self.library, paper_id, core, bib))

    def accept(self) -> None:
        try:
            core, bib = self.changes()
        except FieldError as error:
            self._show_error(str(error))
            return
        apply = self._apply or self._apply_with_undo
        if (core or bib) and apply(self.paper_id, core, bib) is False:
            self._show_error("Not saved: the library refused the change (see the status bar). Try Save again.")
            return
        super().accept()

    def _show_error(self, text: str) -> None:
        self.error_label.setStyleSheet(f"color: {error_colour(self.palette())}")
        self.error_label.setText(text)
        self.error_label.show()
