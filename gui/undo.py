"""Undo and redo for what a user does in the app: tags, notes, edits, deletes, merges and "not duplicates".

Every command does its work through the model API (never SQL) and keeps just enough of the state before it to
put things back. All windows of one library share one QUndoStack, reached with `undo_stack(hub)`.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack

from papershelf.gui.hub import LibraryHub
from papershelf.gui.tag_writer import PendingTag, TagJob, TagWriter, tag_writer, wait_for_tag_writes
from papershelf.model.library import Library, LibraryError
from papershelf.model.types import EDITABLE_FIELDS, Change

# Keystrokes saved within this many seconds of each other undo as one step, not one per debounce.
NOTE_MERGE_SECONDS = 5.0
_NOTE_ID = 1001
_AUTHOR_NOTE_ID = 1002


def undo_stack(hub: LibraryHub) -> QUndoStack:
    """The undo stack of this library's window: created on first use, owned by the hub."""
    stack = hub.findChild(QUndoStack, "papershelf-undo")
    if stack is None:
        stack = QUndoStack(hub)
        stack.setObjectName("papershelf-undo")
        stack.setUndoLimit(200)
    return stack


class LibraryCommand(QUndoCommand):
    """A change to the library that can be undone; a refusal (read-only file, locked database, a paper gone
    meanwhile) becomes a status message instead of an exception inside Qt."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        # A list shared with push_command, which reads it even after Qt has deleted a command that failed.
        self.failure: list[str] = []
        self.report: Callable[[str], object] | None = None
        # Set by push_command: waits for the background tag writes queued before this command (see tag_writer).
        self.wait_for_writes: Callable[[], object] | None = None

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        try:
            if self.wait_for_writes is not None:
                self.wait_for_writes()
            self.apply()
        except (LibraryError, sqlite3.Error) as error:
            self.failure.append(str(error))
            self.setObsolete(True)  # pushed but failed: Qt drops it instead of keeping a step that did nothing

    def undo(self) -> None:
        try:
            if self.wait_for_writes is not None:
                self.wait_for_writes()
            self.revert()
        except (LibraryError, sqlite3.Error) as error:
            self.failure.append(str(error))
            if self.report is not None:
                self.report(f"Could not undo “{self.text()}”: {error}")


def push_command(hub: LibraryHub, command: LibraryCommand) -> bool:
    """Do a command and put it on the undo stack; False (with a status message) when the library refused it."""
    library = hub.library
    if library.read_only:
        reason = getattr(library, "read_only_reason", None) or "the library is open read-only"
        command.failure.append(reason)  # the caller may say why, as for any other refusal
        hub.status_message.emit(f"Nothing was changed: {reason}")
        return False
    failure = command.failure
    command.report = hub.status_message.emit
    if not isinstance(command, BulkTagCommand):  # those queue behind the earlier writes themselves
        command.wait_for_writes = lambda: wait_for_tag_writes(hub)
    undo_stack(hub).push(command)
    if failure:
        hub.status_message.emit(f"Nothing was changed: {failure[0]}")
        return False
    return True


def command_paper_ids(command: QUndoCommand | None) -> list[int]:
    """The papers a command changed, so a window can select them again after undoing or redoing it (what came
    back from the trash, what was edited or tagged); [] for commands about tags, people or notes of authors."""
    if command is None:
        return []
    ids = getattr(command, "ids", None)
    if ids is not None:
        return list(ids)
    if isinstance(command, MergePapersCommand):
        return [command.keep_id, *command.other_ids]
    if isinstance(command, EditPaperCommand | NoteCommand):
        return [command.paper_id]
    return []


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# ---------------------------------------------------------------------------------------------- tags
TagState = tuple[str, frozenset[int]] | None  # (colour, tagged paper ids) or None when the tag did not exist


def _tag_state(library: Library, name: str) -> TagState:
    # Trashed papers keep their tags, so the snapshot holds them too. One index read: a tag on 20,000 papers
    # is snapshot when the command is made and again when it is undone, on the interface thread.
    return library.tag_members(name)


def _current_name(library: Library, name: str) -> str | None:
    tag = library.find_tag(name)
    return tag.name if tag else None


def _restore_tag(library: Library, name: str, state: TagState) -> None:
    existing = library.find_tag(name)
    if state is None:
        if existing is not None:
            library.delete_tag(existing.name)
        return
    colour, ids = state
    current = _tag_state(library, name)
    tagged = current[1] if current else frozenset()
    spelling = existing.name if existing else name
    if existing is None or ids - tagged:
        # add_tag with no papers still creates the tag, so a deleted empty tag comes back too.
        library.add_tag(sorted(ids - tagged), spelling)
    if tagged - ids:
        library.remove_tag(sorted(tagged - ids), spelling)
    if existing is None or existing.colour != colour:
        # Only when it differs: a recolour is a change to every row's tag chips, and the table repaints all
        # of them (after undoing a tag on 20,000 papers that was a second reload for nothing).
        library.recolour_tag(_current_name(library, name) or name, colour)


class TagCommand(LibraryCommand):
    """Any change to tags (add, remove, rename, recolour, merge, delete); undo restores the tags it touched."""

    def __init__(
        self,
        library: Library,
        text: str,
        action: Callable[[], Change],
        involved: Iterable[str],
        *,
        obsolete_if_unchanged: bool = False,
        undo_action: Callable[[], object] | None = None,
    ) -> None:
        super().__init__(text)
        self.library = library
        self.action = action
        self.before = {name: _tag_state(library, name) for name in dict.fromkeys(involved)}
        self.obsolete_if_unchanged = obsolete_if_unchanged
        self.undo_action = undo_action
        self.change: Change | None = None

    def apply(self) -> None:
        self.change = self.action()
        if self.obsolete_if_unchanged and not self.change.paper_ids:
            # Adding a tag papers already have changes nothing; there is nothing to undo.
            self.setObsolete(True)

    def revert(self) -> None:
        with self.library.transaction():
            if self.undo_action is not None:
                self.undo_action()
                return
            # Tags that did not exist before go first, so a rename's new name is free again.
            for name, state in sorted(self.before.items(), key=lambda item: item[1] is not None):
                _restore_tag(self.library, name, state)


def add_tag_command(library: Library, paper_ids: Sequence[int], tag: str) -> TagCommand:
    ids = list(paper_ids)
    command = TagCommand(
        library,
        f"Tag {_plural(len(ids), 'paper')} “{tag}”",
        lambda: library.add_tag(ids, tag),
        [tag],
        obsolete_if_unchanged=True,
    )
    command.ids = ids  # type: ignore[attr-defined]  # for `command_paper_ids`
    return command


def remove_tag_command(library: Library, paper_ids: Sequence[int], tag: str) -> TagCommand:
    ids = list(paper_ids)
    command = TagCommand(
        library,
        f"Remove “{tag}” from {_plural(len(ids), 'paper')}",
        lambda: library.remove_tag(ids, tag),
        [tag],
        obsolete_if_unchanged=True,
    )
    command.ids = ids  # type: ignore[attr-defined]  # for `command_paper_ids`
    return command


# Selections at least this large are tagged in the background (gui/tag_writer.py); smaller ones are written at
# once, in well under the 100 ms a user notices (a 20,000-paper tag is about 0.2 s, so 1,000 papers is ~10 ms).
BACKGROUND_FROM = 1000


class _BulkTag:
    """What a BulkTagCommand writes and remembers, in plain Python: the writer's thread holds this, never the
    command, so no Qt object is ever released on that thread."""

    def __init__(self, ids: list[int], tag: str, adding: bool) -> None:
        self.ids, self.tag, self.adding = ids, tag, adding
        # Set by the first write on the writer's thread and read there by the undo's write, which the queue runs
        # after it; the interface thread reads `changed` only once that write was delivered.
        self.before: TagState = None
        self.snapshot_taken = False
        self.changed: frozenset[int] | None = None  # the papers the first write changed, once it is written

    def write(self, library: Library) -> None:
        with library.transaction():
            if not self.snapshot_taken:
                self.before = _tag_state(library, self.tag)
                self.snapshot_taken = True
            if self.adding:
                library.add_tag(self.ids, self.tag)
            else:
                library.remove_tag(self.ids, self.tag)

    def written(self, changes: list[Change], error: str | None) -> None:
        if self.changed is None and error is None:
            self.changed = frozenset().union(*(change.paper_ids for change in changes if change.kind == "tags"))

    def restore(self, library: Library) -> None:
        with library.transaction():
            _restore_tag(library, self.tag, self.before)


class BulkTagCommand(LibraryCommand):
    """Tag or untag a large selection: the table shows it at once and the hub's TagWriter writes it off the
    interface thread. Undo restores the tag as it was just before the first write, queued after it."""

    def __init__(self, hub: LibraryHub, paper_ids: Sequence[int], tag: str, *, adding: bool) -> None:
        ids = list(paper_ids)
        text = (
            f"Tag {_plural(len(ids), 'paper')} “{tag}”"
            if adding
            else f"Remove “{tag}” from {_plural(len(ids), 'paper')}"
        )
        super().__init__(text)
        self.hub, self.library = hub, hub.library
        self.ids = ids  # for `command_paper_ids`
        self.state = _BulkTag(ids, tag, adding)

    def apply(self) -> None:
        writer = tag_writer(self.hub)
        if not writer.busy() and self._changes_nothing():
            self.setObsolete(True)  # every paper already had (or lacked) the tag: nothing to undo
            return
        state = self.state
        writer.submit(
            TagJob(self.text(), state.write, PendingTag(state.tag, frozenset(state.ids), state.adding), state.written)
        )

    def _changes_nothing(self) -> bool:
        current = _tag_state(self.library, self.state.tag)
        tagged = current[1] if current else frozenset()
        if self.state.adding:
            return current is not None and tagged.issuperset(self.ids)
        return tagged.isdisjoint(self.ids)

    def revert(self) -> None:
        writer = tag_writer(self.hub)
        state = self.state
        if state.changed is None:
            writer.wait_idle()  # the first write is still going: what it changes decides what the undo shows
        if not state.snapshot_taken:
            return  # the write failed, so the library is as it was
        changed = state.changed or frozenset()
        pending = PendingTag(state.tag, changed, not state.adding) if changed else None
        writer.submit(TagJob(f"Undo {self.text()}", state.restore, pending))


def tag_selection_command(
    hub: LibraryHub, paper_ids: Sequence[int], tag: str, *, adding: bool = True
) -> LibraryCommand:
    """The command that tags (or untags) these papers from the window: in the background for a large selection
    of a library on disk, at once otherwise."""
    ids = list(paper_ids)
    if len(ids) >= BACKGROUND_FROM and TagWriter.can_write_behind(hub.library):
        return BulkTagCommand(hub, ids, tag, adding=adding)
    return add_tag_command(hub.library, ids, tag) if adding else remove_tag_command(hub.library, ids, tag)


def rename_tag_command(library: Library, old: str, new: str) -> TagCommand:
    new = new.strip()
    if old.lower() == new.lower():
        # Only the spelling changes: the same tag, so undo is the reverse rename.
        return TagCommand(
            library,
            f"Rename tag “{old}” to “{new}”",
            lambda: library.rename_tag(old, new),
            [],
            undo_action=lambda: library.rename_tag(new, old),
        )
    return TagCommand(library, f"Rename tag “{old}” to “{new}”", lambda: library.rename_tag(old, new), [old, new])


def recolour_tag_command(library: Library, tag: str, colour: str) -> TagCommand:
    return TagCommand(library, f"Recolour tag “{tag}”", lambda: library.recolour_tag(tag, colour), [tag])


def merge_tags_command(library: Library, sources: Sequence[str], target: str) -> TagCommand:
    names = list(sources)
    return TagCommand(
        library,
        f"Merge {', '.join(f'“{n}”' for n in names)} into “{target}”",
        lambda: library.merge_tags(names, target),
        [*names, target],
    )


def delete_tag_command(library: Library, tag: str) -> TagCommand:
    return TagCommand(library, f"Delete tag “{tag}”", lambda: library.delete_tag(tag), [tag])


# ---------------------------------------------------------------------------------------------- notes
class NoteCommand(LibraryCommand):
    """A paper's note changed; a burst of typing merges into one step."""

    def __init__(self, library: Library, paper_id: int, old: str, new: str) -> None:
        super().__init__("Edit note")
        self.library = library
        self.paper_id = paper_id
        self.old = old
        self.new = new
        self.stamp = time.monotonic()

    def id(self) -> int:
        return _NOTE_ID

    def apply(self) -> None:
        self.library.set_note(self.paper_id, self.new)

    def revert(self) -> None:
        self.library.set_note(self.paper_id, self.old)

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, NoteCommand) or other.paper_id != self.paper_id:
            return False
        if other.stamp - self.stamp > NOTE_MERGE_SECONDS:
            return False
        self.new, self.stamp = other.new, other.stamp
        return True


class AuthorNoteCommand(LibraryCommand):
    """An author's note changed; a burst of typing merges into one step."""

    def __init__(self, library: Library, author_id: int, old: str, new: str) -> None:
        super().__init__("Edit author note")
        self.library = library
        self.author_id = author_id
        self.old = old
        self.new = new
        self.stamp = time.monotonic()

    def id(self) -> int:
        return _AUTHOR_NOTE_ID

    def apply(self) -> None:
        self.library.set_author_note(self.author_id, self.new)

    def revert(self) -> None:
        self.library.set_author_note(self.author_id, self.old)

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, AuthorNoteCommand) or other.author_id != self.author_id:
            return False
        if other.stamp - self.stamp > NOTE_MERGE_SECONDS:
            return False
        self.new, self.stamp = other.new, other.stamp
        return True


# ---------------------------------------------------------------------------------------------- edits
class EditPaperCommand(LibraryCommand):
    """The user's own field values; undo puts back their earlier edits or gives fields back to the sources."""

    def __init__(self, library: Library, paper_id: int, changes: dict[str, Any]) -> None:
        super().__init__(f"Edit {', '.join(sorted(changes))}")
        self.library = library
        self.paper_id = paper_id
        self.changes = dict(changes)
        paper = library.get_papers([paper_id])[0]
        edited = set(paper.edited_fields)
        # A field without an edit before goes back to None: "no edit, the sources decide".
        self.before = {
            field: (_edited_value(paper, field) if field in edited else None)
            for field in self.changes
            if field in EDITABLE_FIELDS or field in ("authors", "authors_complete")
        }

    def apply(self) -> None:
        self.library.edit_paper(self.paper_id, **self.changes)

    def revert(self) -> None:
        self.library.edit_paper(self.paper_id, **self.before)


def _edited_value(paper: Any, field: str) -> Any:
    """A field's current value in the form `Library.edit_paper` takes it (the author list as names written)."""
    if field == "authors":
        return [ref.as_written for ref in paper.authors]
    return getattr(paper, field)


# ---------------------------------------------------------------------------------------------- trash
class DeleteCommand(LibraryCommand):
    """Move papers to the trash; undo restores the ones this command moved."""

    def __init__(self, library: Library, paper_ids: Sequence[int]) -> None:
        super().__init__(f"Move {_plural(len(paper_ids), 'paper')} to the trash")
        self.library = library
        live = {paper.id for paper in library.get_papers(list(paper_ids)) if paper.deleted_at is None}
        self.ids = [pid for pid in paper_ids if pid in live]

    def apply(self) -> None:
        self.library.delete_papers(self.ids)

    def revert(self) -> None:
        self.library.restore_papers(self.ids)


class RestoreCommand(LibraryCommand):
    """Bring papers back from the trash; undo puts them back in it."""

    def __init__(self, library: Library, paper_ids: Sequence[int]) -> None:
        super().__init__(f"Restore {_plural(len(paper_ids), 'paper')}")
        self.library = library
        trashed = {paper.id for paper in library.get_papers(list(paper_ids)) if paper.deleted_at is not None}
        self.ids = [pid for pid in paper_ids if pid in trashed]

    def apply(self) -> None:
        self.library.restore_papers(self.ids)

    def revert(self) -> None:
        self.library.delete_papers(self.ids)


# ---------------------------------------------------------------------------------------------- merges
class MergePapersCommand(LibraryCommand):
    """Join papers into one (`model.merge.merge_papers`); undo splits each back out with `unmerge_paper`."""

    def __init__(
        self, library: Library, keep_id: int, other_ids: Sequence[int], evidence: Sequence[str] | None = None
    ) -> None:
        super().__init__(f"Merge {_plural(len(other_ids) + 1, 'paper')}")
        self.library = library
        self.keep_id = keep_id
        self.other_ids = [pid for pid in dict.fromkeys(other_ids) if pid != keep_id]
        self.evidence = list(evidence) if evidence else None

    def apply(self) -> None:
        from papershelf.model.merge import merge_papers

        merge_papers(self.library, self.keep_id, self.other_ids, self.evidence)

    def revert(self) -> None:
        from papershelf.model.merge import unmerge_paper

        with self.library.transaction():
            # Newest merge first: each unmerge reverses the latest merge that involved that paper. An undo puts
            # the pair back as it was (in the review queue if it came from there); only a deliberate unmerge
            # (`papershelf unmerge`) records them as distinct.
            for paper_id in reversed(self.other_ids):
                unmerge_paper(self.library, paper_id, restore_queue=True)


class MergeAuthorsCommand(LibraryCommand):
    """Join people into one (`model.merge.merge_authors`); undo gives each back their names and papers."""

    def __init__(
        self, library: Library, keep_id: int, other_ids: Sequence[int], evidence: Sequence[str] | None = None
    ) -> None:
        super().__init__(f"Merge {_plural(len(other_ids) + 1, 'author')}")
        self.library = library
        self.keep_id = keep_id
        self.other_ids = [aid for aid in dict.fromkeys(other_ids) if aid != keep_id]
        self.evidence = list(evidence) if evidence else None

    def apply(self) -> None:
        from papershelf.model.merge import merge_authors

        merge_authors(self.library, self.keep_id, self.other_ids, evidence=self.evidence)

    def revert(self) -> None:
        from papershelf.model.merge import unmerge_author

        with self.library.transaction():
            for author_id in reversed(self.other_ids):
                unmerge_author(self.library, author_id, restore_queue=True)


class DistinctCommand(LibraryCommand):
    """ "Not duplicates" (`model.merge.mark_distinct`); undo takes the verdict back (`undistinct`), so the pair
    is proposed in the review queue again."""

    def __init__(self, library: Library, kind: str, a: int, b: int) -> None:
        super().__init__("Mark as not duplicates")
        self.library = library
        self.kind, self.a, self.b = kind, a, b

    def apply(self) -> None:
        from papershelf.model.merge import mark_distinct

        mark_distinct(self.library, self.kind, self.a, self.b)

    def revert(self) -> None:
        from papershelf.model.merge import undistinct

        undistinct(self.library, self.kind, self.a, self.b)


class EditEntryCommand(EditPaperCommand):
    """An edit of a paper's .bib entry (the entry editor): the author list and the declared type through
    `edit_paper`, fields through `edit_bib_fields`, done and undone as one step."""

    def __init__(
        self, library: Library, paper_id: int, changes: dict[str, Any], bib_changes: dict[str, str | None]
    ) -> None:
        super().__init__(library, paper_id, changes)
        # Named as the entry editor names them: "type", "author", "journal" rather than the library's fields.
        shown = {"bib_type": "type", "authors": "author", "authors_complete": "author"}
        self.setText(f"Edit entry: {', '.join(sorted({shown.get(f, f) for f in changes} | set(bib_changes)))}")
        self.bib_changes = dict(bib_changes)
        paper = library.get_papers([paper_id])[0]
        edited = set(paper.edited_fields)
        if "bib_type" in self.changes:
            self.before["bib_type"] = paper.bib_type if "bib_type" in edited else None
        texts = {field.name: field.text for field in paper.bib_fields}
        # An earlier edit comes back as it was ("" for a field the user had removed); no edit gives the field
        # back to the sources. A core field's (journal: venue) earlier edit is the paper's own value.
        from papershelf.model.store import BIB_CORE_FIELDS

        self.bib_before: dict[str, str | None] = {}
        for name in self.bib_changes:
            core = BIB_CORE_FIELDS.get(name)
            if core is not None:
                value = _edited_value(paper, core) if core in edited else None
                self.bib_before[name] = None if value is None else str(value)
            else:
                self.bib_before[name] = texts.get(name, "") if "bib:" + name in edited else None

    def apply(self) -> None:
        with self.library.transaction():
            if self.changes:
                self.library.edit_paper(self.paper_id, **self.changes)
            if self.bib_changes:
                self.library.edit_bib_fields(self.paper_id, self.bib_changes)

    def revert(self) -> None:
        with self.library.transaction():
            if self.bib_changes:
                self.library.edit_bib_fields(self.paper_id, self.bib_before)
            if self.before:
                self.library.edit_paper(self.paper_id, **self.before)
