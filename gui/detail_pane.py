"""The pane beside the table: everything about the selected paper, and tags for a multiple selection.

Title, authors as links to their author pages, venue and year, identifiers and links that open in the browser,
the abstract made readable, tags (add with completion, remove), the note, and provenance: which pages listed
the paper and what each said. Changes go through undo commands; reads through the model API; no SQL.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from papershelf.exporters import declared_entry
from papershelf.gui import display
from papershelf.gui.hub import LibraryHub
from papershelf.gui.note_editor import NoteEditor
from papershelf.gui.tag_editor import TagEditor
from papershelf.gui.tag_writer import tag_writer
from papershelf.gui.undo import NoteCommand, push_command, tag_selection_command
from papershelf.model.entry_types import type_label
from papershelf.model.library import LibraryError
from papershelf.model.linked_files import linked_files
from papershelf.model.types import Change, Paper, SelectionSummary, SourceClaim

_OPENABLE = {"http", "https"}
# Linked files the pane opens with their usual program: documents, never a program or a script a .bib names.
_DOCUMENTS = frozenset(
    [
        "pdf",
        "djvu",
        "djv",
        "ps",
        "eps",
        "epub",
        "html",
        "htm",
        "txt",
        "md",
        "tex",
        "bib",
        "doc",
        "docx",
        "odt",
        "rtf",
        "ppt",
        "pptx",
        "odp",
        "key",
        "xls",
        "xlsx",
        "ods",
        "csv",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
    ]
)


def is_document(path: Path) -> bool:
    return path.suffix.lower().lstrip(".") in _DOCUMENTS


# What a source said, in the order a reader checks it; the record's own keys (importers' PaperRecord fields).
_CLAIM_FIELDS = (
    ("title", "title"),
    ("authors", "authors"),
    ("year", "year"),
    ("date", "date"),
    ("venue", "venue"),
    ("journal_ref", "journal"),
    ("arxiv_id", "arXiv"),
    ("doi", "DOI"),
    ("comments", "comments"),
    ("note", "remark"),
)


def _link(url: str, text: str | None = None) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(text or url)}</a>'


def _section(title: str, parent: QWidget) -> QLabel:
    label = QLabel(title.upper(), parent)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.85)
    font.setBold(True)
    font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 108)
    label.setFont(font)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    label.setContentsMargins(0, 10, 0, 0)
    return label


def _text_label(parent: QWidget, *, rich: bool = False) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    flags = Qt.TextInteractionFlag.TextSelectableByMouse
    if rich:
        flags |= Qt.TextInteractionFlag.LinksAccessibleByMouse | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        label.setOpenExternalLinks(False)
    label.setTextInteractionFlags(flags)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return label


# .bib fields the pane shows elsewhere (title, authors, venue, year, identifiers, abstract) or that are the
# user's own (keywords are the tags, annote the note).
_SHOWN_ELSEWHERE = frozenset(
    {"title", "author", "year", "date", "journal", "journaltitle", "booktitle", "volume", "number", "pages"}
    | {"doi", "url", "eprint", "abstract", "keywords", "annote", "annotation", "file"}
)


def entry_fields_text(paper: Paper, limit: int = 8) -> str:
    """The entry's other fields in one line ("school: Caltech · address: Pasadena"), so a thesis's school or a
    book's edition is seen without opening the entry editor (Shift+F2)."""
    shown = [f for f in paper.bib_fields if f.name not in _SHOWN_ELSEWHERE and f.text.strip()]
    if not shown:
        return ""
    parts = [f"{f.name}: {' '.join(f.text.split())[:80]}" for f in shown[:limit]]
    more = f" · and {len(shown) - limit} more (Shift+F2)" if len(shown) > limit else ""
    return "Entry: " + " · ".join(parts) + more


def identifiers_html(paper: Paper) -> str:
    """Key, arXiv, DOI, URL and the page's links (code, project …), each a link where it has one."""
    rows = []
    key = f"<code>{html.escape(paper.citekey)}</code>" if paper.citekey else "—"
    if paper.key_aliases:
        key += " (also " + ", ".join(f"<code>{html.escape(k)}</code>" for k in paper.key_aliases) + ")"
    rows.append(("Key", key))
    if paper.arxiv_id:
        rows.append(("arXiv", _link(f"https://arxiv.org/abs/{paper.arxiv_id}", paper.arxiv_id)))
    if paper.doi:
        rows.append(("DOI", _link(f"https://doi.org/{paper.doi}", paper.doi)))
    if paper.url and QUrl(paper.url).scheme() in _OPENABLE:
        rows.append(("URL", _link(paper.url)))
    for link in paper.links:
        url = link.get("url", "")
        if QUrl(url).scheme() in _OPENABLE:
            rows.append((link.get("kind", "link").capitalize(), _link(url)))
    for linked in linked_files(paper):
        label = linked.kind if linked.kind and len(linked.kind) <= 6 else "File"
        if linked.path is not None and is_document(linked.path):
            rows.append((label, _link(QUrl.fromLocalFile(str(linked.path)).toString(), linked.description)))
        elif linked.path is not None:
            rows.append((label, f"{html.escape(str(linked.path))} <i>(not a document: open it yourself)</i>"))
        else:
            rows.append((label, f"{html.escape(linked.written)} <i>(not found on this computer)</i>"))
    body = "".join(
        f'<tr><td style="padding-right:10px"><b>{label}</b></td><td>{value}</td></tr>' for label, value in rows
    )
    return f"<table cellspacing='0' cellpadding='1'>{body}</table>"


def authors_html(paper: Paper) -> str:
    """Each author a link `author:ID`; a partial list says so, and people known behind "et al." are named."""
    parts = [_link(f"author:{ref.author_id}", ref.name) for ref in paper.authors]
    text = ", ".join(parts)
    if not paper.authors_complete:
        text = f"{text}, et al." if text else "<i>authors not listed by the sources</i>"
    if paper.extra_authors:
        known = ", ".join(_link(f"author:{ref.author_id}", ref.name) for ref in paper.extra_authors)
        text += f"<br><span>also by {known} (whose page lists it)</span>"
    # An edited volume names its editors, not authors (and a chapter may name both), as Zotero shows them.
    roles = []
    for field, role in (("editor", "edited by"), ("translator", "translated by"), ("bookauthor", "in a book by")):
        people = [html.escape(declared_entry.display_name(c)) for c in declared_entry.contributors(paper, field)]
        if people:
            roles.append(f"{role} {', '.join(people)}")
    if roles:
        shown = "<br>".join(roles)
        if not paper.authors and not paper.extra_authors:
            return shown[0].upper() + shown[1:]  # "Edited by …" stands in for the author list
        text += "<br>" + shown
    return text or "<i>no authors listed</i>"


def _claim_value(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


_ATTRIBUTED = ("title", "authors", "year", "venue", "abstract")


def _same(field: str, value: Any, stated: Any) -> bool:
    if stated in (None, "", [], ()):
        return False
    if field == "authors":
        return [str(name).strip().lower() for name in stated] == [str(name).strip().lower() for name in value]
    return " ".join(str(stated).split()).lower() == " ".join(str(value).split()).lower()


def field_sources(paper: Paper, names: Mapping[int, str]) -> list[tuple[str, list[str]]]:
    """Which source gave each shown field: [(source name, fields)], in the order the sources come, and
    ("you", fields) for the user's edits. A field no source states as shown (combined from several) is left out."""
    values = {
        "title": paper.title,
        "authors": [ref.as_written for ref in paper.authors],
        "year": paper.year,
        "venue": paper.venue,
        "abstract": paper.abstract,
    }
    given: dict[str, list[str]] = {}
    edited = set(paper.edited_fields)
    for field in _ATTRIBUTED:
        value = values[field]
        if value in (None, "", []):
            continue
        if field in edited:
            given.setdefault("you", []).append(field)
            continue
        for claim in paper.sources:
            if _same(field, value, claim.record.get(field)):
                given.setdefault(names.get(claim.source_id) or claim.file, []).append(field)
                break
    return list(given.items())


def field_sources_html(paper: Paper, names: Mapping[int, str]) -> str:
    """ "title, authors from Junyang Lin · homepage; venue from Li Dong · scholarly profile", for under the fields."""
    parts = [
        f"{', '.join(fields)} {'edited by you' if name == 'you' else 'from ' + html.escape(name)}"
        for name, fields in field_sources(paper, names)
    ]
    return "; ".join(parts)  # not "·", which the source names use


def provenance_html(sources: Sequence[SourceClaim], owners: Mapping[int, str | None] | None = None) -> str:
    """Which pages listed the paper and what each of them said about it, as written. Each page is named as the
    sidebar names it ("Junyang Lin · homepage", from `owners`: source id to page owner), its file in small."""
    if not sources:
        return "<i>Entered by hand: no imported page lists this paper.</i>"
    blocks = []
    for claim in sources:
        where = f"line {claim.line}, " if claim.line else ""
        verb = "on" if claim.format.startswith("lookup-") else "imported"
        owner = (owners or {}).get(claim.source_id)
        name = display.source_label(claim.format, claim.file, owner)
        heading = (
            f"<b>{html.escape(name)}</b> <span>({html.escape(claim.file)}, {where}"
            f"{verb} {html.escape(display.short_date(claim.imported_at))})</span>"
        )
        rows = []
        for key, label in _CLAIM_FIELDS:
            value = claim.record.get(key)
            if value in (None, "", [], ()):
                continue
            text = _claim_value(value)
            if key == "authors" and claim.record.get("authors_complete") is False:
                text += " et al."
            if len(text) > 300:
                text = text[:300] + "…"
            rows.append(f"<tr><td style='padding-right:8px'><i>{label}</i></td><td>{html.escape(text)}</td></tr>")
        blocks.append(heading + "<table cellspacing='0' cellpadding='1'>" + "".join(rows) + "</table>")
    return "<br>".join(blocks)


class DetailPane(QWidget):
    """Shows one paper in full, a summary with shared tags for several, or a hint for none."""

    edit_requested = Signal(int)

    def __init__(self, hub: LibraryHub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.library = hub.library
        self.paper: Paper | None = None
        self.ids: list[int] = []
        self._shown_during: Change | None = None  # the hub's change being delivered when ids were last shown
        self._note_base = ""
        self._note_paper: int | None = None
        # Notes the library refused (busy, read-only, disk full) for papers no longer shown: paper id -> (text,
        # reason). Shown again as not saved when their paper is, and retried whenever a note is saved.
        self._pending_notes: dict[int, tuple[str, str]] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget(self)
        layout.addWidget(self.stack)
        self.empty = QLabel("Select a paper to see its details.", self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.empty.setWordWrap(True)
        self.stack.addWidget(self.empty)
        self._build_single()
        self._build_multiple()
        self.stack.setCurrentWidget(self.empty)
        hub.changed.connect(self._library_changed)
        self._summary: tuple[list[int], SelectionSummary] | None = None  # the selection's summary last read
        self._writer = tag_writer(hub)
        self._writer.pending_changed.connect(self._pending_tags_changed)

    # ------------------------------------------------------------------ building
    def _scroll_page(self) -> tuple[QScrollArea, QVBoxLayout, QWidget]:
        scroll = QScrollArea(self.stack)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget(scroll)
        column = QVBoxLayout(body)
        column.setContentsMargins(12, 10, 12, 12)
        column.setSpacing(4)
        scroll.setWidget(body)
        self.stack.addWidget(scroll)
        return scroll, column, body

    def _build_single(self) -> None:
        self.single, column, body = self._scroll_page()
        self.title = _text_label(body)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        column.addWidget(self.title)
        self.title_hint = _text_label(body)
        self.title_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        column.addWidget(self.title_hint)
        self.authors = _text_label(body, rich=True)
        self.authors.linkActivated.connect(self._link)
        column.addWidget(self.authors)
        self.venue = _text_label(body)
        column.addWidget(self.venue)
        self.identifiers = _text_label(body, rich=True)
        self.identifiers.linkActivated.connect(self._link)
        column.addWidget(self.identifiers)
        # Where the fields above come from, beside them (the full record of every source is under "Listed by").
        self.field_sources = _text_label(body, rich=True)
        self.field_sources.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        column.addWidget(self.field_sources)
        column.addWidget(_section("Tags", body))
        self.tags = TagEditor(body)
        self.tags.tag_added.connect(self.add_tag)
        self.tags.tag_removed.connect(self.remove_tag)
        column.addWidget(self.tags)
        column.addWidget(_section("Note", body))
        self.note = NoteEditor(self._save_note, body)
        self.note.set_auto_height(True)
        column.addWidget(self.note)
        self.abstract_heading = _section("Abstract", body)
        column.addWidget(self.abstract_heading)
        self.abstract = _text_label(body)
        column.addWidget(self.abstract)
        self.extra = _text_label(body)
        self.extra.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        column.addWidget(self.extra)
        column.addWidget(_section("Listed by", body))
        self.provenance = _text_label(body, rich=True)
        column.addWidget(self.provenance)
        column.addStretch(1)

    def _build_multiple(self) -> None:
        self.multiple, column, body = self._scroll_page()
        self.summary = _text_label(body)
        font = self.summary.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.summary.setFont(font)
        column.addWidget(self.summary)
        self.summary_detail = _text_label(body)
        self.summary_detail.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        column.addWidget(self.summary_detail)
        column.addWidget(_section("Tags of the selection", body))
        self.multi_tags = TagEditor(body)
        self.multi_tags.line.setPlaceholderText("Add a tag to every selected paper…")
        self.multi_tags.tag_added.connect(self.add_tag)
        self.multi_tags.tag_removed.connect(self.remove_tag)
        column.addWidget(self.multi_tags)
        column.addStretch(1)

    # ------------------------------------------------------------------ showing
    def show_papers(self, ids: Sequence[int]) -> None:
        """Show the selection: one paper in full, several as a summary, none as a hint."""
        ids = list(ids)
        delivering = self.hub.delivering
        if delivering is not None and ids == self.ids and self._shown_during is delivering:
            return  # already shown as this change left it (a large selection's summary is a noticeable read)
        if ids != self.ids:
            self.note.flush()
        self.ids = ids
        self._shown_during = delivering
        if len(ids) == 1:
            self._show_one(ids[0])
        elif ids:
            self._show_many(ids)
        else:
            self.paper = None
            self._release_note()
            self.stack.setCurrentWidget(self.empty)

    def _show_one(self, paper_id: int) -> None:
        try:
            paper = self.library.get_paper(paper_id)
        except LibraryError:
            self.show_papers([])
            return
        self.paper = paper
        self.title.setText(display.display_title(paper))
        hints = []
        if paper.deleted_at:
            hints.append(
                f"In the trash since {display.short_date(paper.deleted_at)}: Paper ▸ Restore from trash brings it back."
            )
        if not paper.title:
            hints.append("No source gives a title; press F2 to add one.")
        self.title_hint.setVisible(bool(hints))
        self.title_hint.setText("\n".join(hints))
        self.authors.setText(authors_html(paper))
        venue = display.venue_and_year(paper)
        # The type a .bib declared, in words ("PhD thesis"); else the library's own coarse kind.
        kind = type_label(paper.bib_type) if paper.bib_type else paper.entry_type or ""
        self.venue.setText(" · ".join(part for part in (venue, kind) if part) or "No venue or year known")
        self.identifiers.setText(identifiers_html(paper))
        colours, known = self._tag_info()
        self.tags.set_tags(self._with_pending(paper.id, paper.tags), colours, known)
        same = self._note_paper == paper.id
        if not same:
            self._release_note()
            self._note_paper = paper.id
            self.note.set_editing(False)
        self._note_base = paper.note
        pending = self._pending_notes.pop(paper.id, None)
        if pending is not None and pending[0] != paper.note:
            self.note.set_text(pending[0], saved=paper.note, refusal=pending[1])
        elif not (same and self.note.unsaved()):  # a refused text still in the editor stays there, unsaved
            self.note.set_text(paper.note)
        abstract = display.readable_abstract(paper.abstract)
        self.abstract_heading.setVisible(bool(abstract))
        self.abstract.setVisible(bool(abstract))
        self.abstract.setText(abstract)
        extra = []
        if paper.journal_ref:
            extra.append(f"Journal reference: {paper.journal_ref}")
        if paper.comments:
            extra.append(f"Comments: {display.readable_latex(paper.comments)}")
        if paper.remarks:  # the pages' own remark: shown apart from the note, which is the user's alone
            extra.append(f"The page says: {display.readable_latex(paper.remarks)}")
        entry = entry_fields_text(paper)
        if entry:
            extra.append(entry)
        if paper.edited_fields:
            extra.append("Your edits: " + ", ".join(sorted(paper.edited_fields)))
        self.extra.setText("\n".join(extra))
        self.extra.setVisible(bool(extra))
        sources = self.library.list_sources()
        owners = {source.id: source.owner_name for source in sources}
        names = {source.id: display.source_label(source.format, source.file, source.owner_name) for source in sources}
        attribution = field_sources_html(paper, names)
        self.field_sources.setText(f"<small>{attribution}</small>" if attribution else "")
        self.field_sources.setVisible(bool(attribution))
        self.provenance.setText(provenance_html(paper.sources, owners))
        self.stack.setCurrentWidget(self.single)

    def _show_many(self, ids: list[int]) -> None:
        self.paper = None
        self._release_note()
        # Counted by the model, not by loading every selected paper: Ctrl+A on 20,000 papers stays quick.
        summary = self.library.selection_summary(ids)
        self._summary = (ids, summary)
        self._show_summary(ids, summary)

    def _show_summary(self, ids: list[int], summary: SelectionSummary) -> None:
        self.summary.setText(display.plural(len(ids), "paper") + " selected")
        years = display.year_range((summary.first_year, summary.last_year))
        self.summary_detail.setText(
            (f"Published {years}. " if years else "")
            + "Tags added here go on every selected paper; ✕ removes a tag from all of them."
        )
        counts, total = dict(summary.tag_counts), summary.count
        selected = frozenset(ids)
        for pending in self._writer.pending():
            # A tag being written on the whole selection (the usual bulk tag): its count is known already.
            if selected <= pending.paper_ids:
                name = pending.tag.strip()
                same = [tag for tag in counts if tag.lower() == name.lower()]
                for tag in same:
                    del counts[tag]
                if pending.adding:
                    counts[same[0] if same else name] = total
        colours, known = self._tag_info()
        labels = {tag: (tag if n == total else f"{tag} ({n}/{total})") for tag, n in counts.items()}
        self.multi_tags.set_tags(sorted(counts, key=str.lower), colours, known, labels)
        self.stack.setCurrentWidget(self.multiple)

    def _with_pending(self, paper_id: int, tags: list[str]) -> list[str]:
        """A paper's tags with the background writer's unwritten changes applied, as the table shows them."""
        for pending in self._writer.pending():
            if paper_id in pending.paper_ids:
                name = pending.tag.strip()
                tags = [tag for tag in tags if tag.lower() != name.lower()] + ([name] if pending.adding else [])
        return sorted(tags, key=str.lower)

    def _pending_tags_changed(self) -> None:
        # Drawn again from what was read: a queued tag must show at once, without reading the selection again.
        if len(self.ids) > 1 and self._summary is not None and self._summary[0] == self.ids:
            self._show_summary(*self._summary)
        elif len(self.ids) == 1 and self.paper is not None:
            colours, known = self._tag_info()
            self.tags.set_tags(self._with_pending(self.paper.id, self.paper.tags), colours, known)

    def _tag_info(self) -> tuple[dict[str, str], list[str]]:
        colours = self.library.tag_colours()
        return colours, list(colours)

    def refresh(self) -> None:
        self.show_papers(self.ids)

    def _library_changed(self, change: Change) -> None:
        if not self.ids:
            return
        if change.paper_ids and not (change.paper_ids & set(self.ids)) and change.kind != "tags":
            return
        self.refresh()

    # ------------------------------------------------------------------ acting
    def add_tag(self, name: str) -> None:
        if not self.ids:
            return
        if push_command(self.hub, tag_selection_command(self.hub, self.ids, name)):
            self.hub.status_message.emit(f"Tagged {display.plural(len(self.ids), 'paper')} “{name}”")
        else:
            # Refused (push_command said why in the status bar): the typed tag stays, to press Return again.
            editor = self.tags if len(self.ids) == 1 else self.multi_tags
            editor.line.setText(name)

    def remove_tag(self, name: str) -> None:
        if self.ids:
            push_command(self.hub, tag_selection_command(self.hub, self.ids, name, adding=False))

    def _write_note(self, paper_id: int, old: str, text: str) -> str | None:
        """Save a paper's note through the undo stack; None when saved, else why the library refused it."""
        command = NoteCommand(self.library, paper_id, old, text)
        failure = command.failure  # kept: Qt deletes a refused command
        if push_command(self.hub, command):
            return None
        return failure[0] if failure else "the library refused the change"

    def _save_note(self, text: str) -> bool | str:
        paper_id = self._note_paper
        if paper_id is None or text == self._note_base:
            return True
        refusal = self._write_note(paper_id, self._note_base, text)
        if refusal is not None:
            return refusal  # the editor keeps the text as not saved and tries again
        self._note_base = text
        self._retry_pending()  # the library takes writes again: save the notes it refused for other papers
        return True

    def _release_note(self) -> None:
        """The note stops showing `_note_paper`: a text the library refused is kept to be saved later."""
        if self._note_paper is not None and self.note.unsaved():
            self._pending_notes[self._note_paper] = (self.note.text(), self.note.refusal or "not saved yet")
        self.note.discard()
        self._note_paper = None

    def _retry_pending(self) -> bool:
        """Try again to save the notes refused for papers not shown; False when some are still not saved."""
        for paper_id, (text, _reason) in list(self._pending_notes.items()):
            try:
                old = self.library.get_paper(paper_id).note
            except LibraryError as error:
                self._pending_notes[paper_id] = (text, str(error))
                return False
            refusal = None if old == text else self._write_note(paper_id, old, text)
            if refusal is not None:
                self._pending_notes[paper_id] = (text, refusal)
                return False  # still refused: the others would be too
            self._pending_notes.pop(paper_id, None)
        return True

    def unsaved_notes(self) -> dict[int, str]:
        """Notes typed but not yet in the library (it refused them): paper id -> text, the one shown included."""
        notes = {paper_id: text for paper_id, (text, _reason) in self._pending_notes.items()}
        if self._note_paper is not None and self.note.unsaved():
            notes[self._note_paper] = self.note.text()
        return notes

    def _link(self, target: str) -> None:
        if target.startswith("author:"):
            self.hub.author_requested.emit(int(target.split(":", 1)[1]))
            return
        url = QUrl(target)
        if url.scheme() in _OPENABLE or (url.isLocalFile() and is_document(Path(url.toLocalFile()))):
            QDesktopServices.openUrl(url)

    def flush(self) -> bool:
        """Save a note still being typed, and notes the library refused before (before closing or switching
        libraries); False when some note is still not saved (see `unsaved_notes`)."""
        saved = self.note.flush()
        return self._retry_pending() and saved
