"""Edit a paper's fields (F2): the user's values are stored as edits that survive every re-import.

Each field shows whether it is the user's edit and what the sources say, and can go back to the sources'
value. The author list is edited as names, one per line (or joined with "and", as BibTeX writes them), with
"the list is complete" for lists a page cut short. The dialog writes only through `Library.edit_paper`; it
never touches claims or SQL.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from papershelf.gui.colours import error_colour
from papershelf.gui.hub import LibraryHub
from papershelf.gui.undo import EditPaperCommand, push_command
from papershelf.importers.normalize import arxiv_id as parse_arxiv_id
from papershelf.importers.normalize import doi as parse_doi
from papershelf.model.store import choose_fields
from papershelf.model.types import Paper

# (field, label) in the order a user reads a reference; every one is in model.types.EDITABLE_FIELDS.
FIELDS = (
    ("title", "Title"),
    ("year", "Year"),
    ("date", "Date"),
    ("venue", "Venue"),
    ("entry_type", "Type"),
    ("doi", "DOI"),
    ("arxiv_id", "arXiv id"),
    ("url", "URL"),
    ("volume", "Volume"),
    ("number", "Number"),
    ("pages", "Pages"),
    ("publisher", "Publisher"),
    ("journal_ref", "Journal ref."),
    ("category", "Category"),
    ("comments", "Comments"),
    ("abstract", "Abstract"),
)
_MULTILINE = frozenset({"abstract", "comments"})
ENTRY_TYPES = (
    "article",
    "inproceedings",
    "preprint",
    "book",
    "incollection",
    "phdthesis",
    "mastersthesis",
    "techreport",
    "misc",
)

Apply = Callable[[int, dict[str, Any]], object]


_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


def parse_author_names(text: str) -> list[str]:
    """Names as typed: one per line, or several joined by "and" ("Lin, Junyang and An Yang"). Commas stay
    inside a name ("Lin, Junyang" is one person, family name first)."""
    names: list[str] = []
    for line in text.splitlines():
        names.extend(" ".join(part.split()) for part in _AND.split(line.strip()) if part.strip())
    return names


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class FieldError(ValueError):
    """A value the user must correct before saving; the message says how."""


def clean_value(field: str, text: str) -> Any:
    """The value to store for what the user typed, or FieldError with a hint."""
    text = text.strip()
    if field == "year":
        if not text.isdigit() or not 1000 <= int(text) <= 2999:
            raise FieldError("Year must be a four-digit year such as 2021.")
        return int(text)
    if not text:
        return ""
    if field == "doi":
        value = parse_doi(text)
        if value is None:
            raise FieldError("A DOI starts with 10. (for example 10.1145/3292500.3330701).")
        return value
    if field == "arxiv_id":
        value, _version = parse_arxiv_id(text)
        if value is None:
            raise FieldError("An arXiv id looks like 2112.07327 or hep-th/9901001.")
        return value
    if field == "url" and not text.startswith(("http://", "https://")):
        raise FieldError("A URL starts with http:// or https://.")
    if field == "date":
        import datetime as dt

        try:
            dt.date.fromisoformat(text if len(text) == 10 else (text + "-01" if len(text) == 7 else text + "-01-01"))
        except ValueError:
            raise FieldError("Date must look like 2021-06-30, 2021-06 or 2021.") from None
    return text


class _FieldRow:
    """The widgets of one field: its label, editor, revert button and the sources' value."""

    def __init__(self, field: str, label: str, parent: QWidget) -> None:
        self.field = field
        self.title = label
        self.label = QLabel(label, parent)
        if field in _MULTILINE:
            self.editor: QWidget = QPlainTextEdit(parent)
            self.editor.setTabChangesFocus(True)
            self.editor.setFixedHeight(110 if field == "abstract" else 56)
        elif field == "entry_type":
            combo = QComboBox(parent)
            combo.setEditable(True)
            combo.addItems(ENTRY_TYPES)
            self.editor = combo
        else:
            self.editor = QLineEdit(parent)
        self.editor.setAccessibleName(label)
        self.revert = QToolButton(parent)
        self.revert.setText("↺")
        self.revert.setAutoRaise(True)
        self.hint = QLabel(parent)
        self.hint.setWordWrap(True)
        self.hint.setEnabled(False)
        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def text(self) -> str:
        if isinstance(self.editor, QPlainTextEdit):
            return self.editor.toPlainText()
        if isinstance(self.editor, QComboBox):
            return self.editor.currentText()
        return self.editor.text()

    def set_text(self, text: str) -> None:
        if isinstance(self.editor, QPlainTextEdit):
            self.editor.setPlainText(text)
        elif isinstance(self.editor, QComboBox):
            self.editor.setEditText(text)
        else:
            self.editor.setText(text)
            self.editor.setCursorPosition(0)

    def on_edit(self, callback: Callable[[], None]) -> None:
        if isinstance(self.editor, QPlainTextEdit):
            self.editor.textChanged.connect(callback)
        elif isinstance(self.editor, QComboBox):
            self.editor.editTextChanged.connect(callback)
        else:
            self.editor.textEdited.connect(callback)


class EditPaperDialog(QDialog):
    """Edit one paper; fields the user has set are marked and can be given back to the sources."""

    def __init__(
        self, hub: LibraryHub, paper_id: int, parent: QWidget | None = None, *, apply: Apply | None = None
    ) -> None:
        super().__init__(parent)
        self.hub = hub
        self.library = hub.library
        self.paper_id = paper_id
        # Saving goes on the shared undo stack, so Ctrl+Z takes the edit back; tests may pass their own `apply`.
        self._apply = apply or self._apply_with_undo
        self.paper: Paper = self.library.get_paper(paper_id)
        self.source_values = choose_fields([(claim.format, claim.record) for claim in self.paper.sources])
        self.initial = {field: _text(getattr(self.paper, field)) for field, _ in FIELDS}
        self.edited = set(self.paper.edited_fields)
        self._reverted: set[str] = set()
        # The list as written, so a name typed "Lin, Junyang" comes back as typed.
        self.initial_authors = [ref.as_written for ref in self.paper.authors]
        self.initial_complete = self.paper.authors_complete
        self.setWindowTitle(f"Edit “{self.paper.display_title[:60]}”")
        self.resize(680, 720)
        self._build()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Your changes are kept apart from what the imported pages say and win over them on every "
            "re-import. Fields marked <b>✎</b> are your edits; <b>↺</b> gives a field back to the sources. "
            "The BibTeX entry type and its other fields (school, edition …): Paper ▸ Edit BibTeX entry (Shift+F2).",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        who = QLabel(
            f"<b>Key:</b> {html.escape(self.paper.citekey)}"
            f" &nbsp; <b>Listed by:</b> {html.escape(', '.join(sorted({c.file for c in self.paper.sources})) or '—')}",
            self,
        )
        who.setWordWrap(True)
        who.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(who)

        body = QWidget(self)
        form = QFormLayout(body)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rows: dict[str, _FieldRow] = {}
        self._build_authors(body, form)
        for field, label in FIELDS:
            row = _FieldRow(field, label, body)
            row.set_text(self.initial[field])
            row.revert.clicked.connect(lambda _=False, f=field: self.revert_field(f))
            row.on_edit(lambda *_args, f=field: self._edited(f))
            line = QHBoxLayout()
            line.setSpacing(2)
            line.addWidget(row.editor, 1)
            line.addWidget(row.revert, 0, Qt.AlignmentFlag.AlignTop)
            column = QVBoxLayout()
            column.setSpacing(0)
            column.addLayout(line)
            column.addWidget(row.hint)
            form.addRow(row.label, column)
            self.rows[field] = row
            self._update_row(field)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)

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

    def _build_authors(self, body: QWidget, form: QFormLayout) -> None:
        self.authors_label = QLabel("Authors", body)
        self.authors_editor = QPlainTextEdit(body)
        self.authors_editor.setAccessibleName("Authors")
        self.authors_editor.setTabChangesFocus(True)
        self.authors_editor.setFixedHeight(92)
        self.authors_editor.setPlaceholderText("One name per line, or joined with “and”:\nLin, Junyang\nAn Yang")
        self.authors_editor.setPlainText("\n".join(self.initial_authors))
        self.authors_label.setBuddy(self.authors_editor)
        self.complete_box = QCheckBox("The list is complete (the paper has no other authors)", body)
        self.complete_box.setChecked(self.initial_complete)
        self.complete_box.setToolTip(
            "Untick it for a list you know is cut short: exports then end it with “and others”"
        )
        self.authors_revert = QToolButton(body)
        self.authors_revert.setText("↺")
        self.authors_revert.setAutoRaise(True)
        self.authors_revert.clicked.connect(self.revert_authors)
        self.authors_hint = QLabel(body)
        self.authors_hint.setWordWrap(True)
        self.authors_hint.setEnabled(False)
        self.authors_editor.textChanged.connect(self._authors_edited)
        self.complete_box.toggled.connect(self._authors_edited)
        line = QHBoxLayout()
        line.setSpacing(2)
        line.addWidget(self.authors_editor, 1)
        line.addWidget(self.authors_revert, 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout()
        column.setSpacing(0)
        column.addLayout(line)
        column.addWidget(self.complete_box)
        column.addWidget(self.authors_hint)
        form.addRow(self.authors_label, column)
        self._authors_reverted = False
        self._update_authors()

    # ------------------------------------------------------------------ authors
    def _source_authors(self) -> tuple[list[str], bool]:
        names = [str(name) for name in self.source_values.get("authors") or []]
        return names, bool(self.source_values.get("authors_complete", True))

    def authors_are_user_edit(self) -> bool:
        """Whether the author list will be the user's own once saved."""
        names, complete = parse_author_names(self.authors_editor.toPlainText()), self.complete_box.isChecked()
        if self._authors_reverted:
            return (names, complete) != self._source_authors()
        edited = bool({"authors", "authors_complete"} & self.edited)
        return edited or names != self.initial_authors or complete != self.initial_complete

    def _update_authors(self) -> None:
        edited = self.authors_are_user_edit()
        font = QFont(self.authors_label.font())
        font.setBold(edited)
        self.authors_label.setFont(font)
        self.authors_label.setText("✎ Authors" if edited else "Authors")
        self.authors_revert.setEnabled(edited)
        names, complete = self._source_authors()
        source = "; ".join(names) + ("" if complete or not names else " et al.")
        self.authors_revert.setToolTip(f"Go back to the sources' list: {source or 'none'}")
        if edited:
            shown = source if len(source) <= 160 else source[:160] + "…"
            self.authors_hint.setText(f"Sources say: {shown}" if source else "The sources name no authors.")
            self.authors_hint.show()
        else:
            self.authors_hint.hide()

    def _authors_edited(self, *_args: object) -> None:
        self._update_authors()
        self.error_label.hide()

    def set_authors(self, text: str, *, complete: bool | None = None) -> None:
        """Type an author list (and tick or untick "complete") as a user would."""
        self.authors_editor.setPlainText(text)
        if complete is not None:
            self.complete_box.setChecked(complete)

    def revert_authors(self) -> None:
        """Put the sources' list back; saving then drops the user's author edit."""
        names, complete = self._source_authors()
        self._authors_reverted = True
        self.authors_editor.setPlainText("\n".join(names))
        self.complete_box.setChecked(complete)
        self._update_authors()

    def _author_changes(self) -> dict[str, Any]:
        """What saving passes to `edit_paper` for the author list (None gives a field back to the sources)."""
        names, complete = parse_author_names(self.authors_editor.toPlainText()), self.complete_box.isChecked()
        edited = sorted({"authors", "authors_complete"} & self.edited)
        if not names or (self._authors_reverted and (names, complete) == self._source_authors()):
            # Emptied, or put back as the sources have it: the sources decide again. An empty box never
            # claims the paper has no authors.
            return dict.fromkeys(edited)
        result: dict[str, Any] = {}
        if names != self.initial_authors:
            result["authors"] = names
        if complete != self.initial_complete or (not complete and "authors" in result):
            # A typed list counts as complete unless said otherwise (Library.edit_paper).
            result["authors_complete"] = complete
        return result

    # ------------------------------------------------------------------ state
    def is_user_edit(self, field: str) -> bool:
        """Whether the field will hold the user's own value once saved."""
        row = self.rows[field]
        if field in self._reverted:
            return row.text().strip() != self._source_text(field).strip()
        return field in self.edited or row.text() != self.initial[field]

    def _source_text(self, field: str) -> str:
        return _text(self.source_values.get(field))

    def _update_row(self, field: str) -> None:
        row = self.rows[field]
        edited = self.is_user_edit(field)
        font = QFont(row.label.font())
        font.setBold(edited)
        row.label.setFont(font)
        row.label.setText(f"✎ {row.title}" if edited else row.title)
        row.label.setToolTip("Your edit: kept on every re-import" if edited else "As the imported pages say")
        source = self._source_text(field)
        row.revert.setEnabled(edited)
        row.revert.setToolTip(
            f"Go back to the sources' value: {source[:200]}" if source else "Go back to the sources' value (none)"
        )
        if edited:
            shown = source if len(source) <= 160 else source[:160] + "…"
            row.hint.setText(f"Sources say: {shown}" if source else "The sources give no value.")
            row.hint.show()
        else:
            row.hint.hide()

    def _edited(self, field: str) -> None:
        self._update_row(field)
        self.error_label.hide()

    def revert_field(self, field: str) -> None:
        """Put the sources' value back into the field; saving then drops the user's edit."""
        self._reverted.add(field)
        self.rows[field].set_text(self._source_text(field))
        self._update_row(field)

    def set_field(self, field: str, text: str) -> None:
        """Type a value into a field as a user would."""
        self.rows[field].set_text(text)
        self._update_row(field)

    def changes(self) -> dict[str, Any]:
        """What saving would pass to `edit_paper`: new values, and None for fields given back to the sources."""
        result: dict[str, Any] = self._author_changes()
        for field, _ in FIELDS:
            text = self.rows[field].text()
            if field in self._reverted and text.strip() == self._source_text(field).strip():
                if field in self.edited:
                    result[field] = None
                continue
            if text == self.initial[field]:
                continue
            if field == "year" and not text.strip() and not self._source_text(field):
                if field in self.edited:
                    result[field] = None
                continue
            try:
                result[field] = clean_value(field, text)
            except FieldError as error:
                raise FieldError(f"{self.rows[field].title}: {error}") from None
        return result

    def _apply_with_undo(self, paper_id: int, changes: dict[str, Any]) -> bool:
        return push_command(self.hub, EditPaperCommand(self.library, paper_id, changes))

    def accept(self) -> None:
        try:
            changes = self.changes()
        except FieldError as error:
            self._show_error(str(error))
            return
        if changes and self._apply(self.paper_id, changes) is False:
            # Refused (busy, read-only): the dialog stays open with the user's values, to save again or cancel.
            self._show_error("Not saved: the library refused the change (see the status bar). Try Save again.")
            return
        super().accept()

    def _show_error(self, text: str) -> None:
        self.error_label.setStyleSheet(f"color: {error_colour(self.palette())}")
        self.error_label.setText(text)
        self.error_label.show()
