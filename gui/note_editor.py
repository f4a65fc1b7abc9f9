"""A Markdown note edited in place, shown rendered; saved as you type, so a crash loses at most a keystroke or two.

Used for papers (detail pane) and authors (author page): the owner passes `save_callback(text)` and decides
where the text goes. Rendering loads nothing: markdown-it-py runs with raw HTML disabled, images become plain
links, and the preview's document refuses every resource (http, https, file, qrc alike). Nothing runs scripts.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from functools import lru_cache

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QPalette, QShortcut, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QStackedWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from papershelf.gui.colours import error_colour

SAVE_DELAY_MS = 400
# A refused text is not tried again sooner than this (unless it changed): focus-out and the switch to another
# paper come together, and each try may wait out the library's busy timeout.
RETRY_PAUSE_S = 2.0
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_OPENABLE_SCHEMES = {"http", "https", "mailto"}


def _math_inline(state, silent: bool) -> bool:
    """`$\\alpha$` and `$$x^2$$` as one token, so LaTeX math is shown readable (as abstracts are) instead of
    raw, and its `_` and `*` are not taken for emphasis. "$5 and $6" stays text: a single `$` must hug its
    content and not be followed by a digit, as in Pandoc."""
    src, start, limit = state.src, state.pos, state.posMax
    if src[start] != "$":
        return False
    delimiter = "$$" if src.startswith("$$", start) else "$"
    begin = start + len(delimiter)
    end = src.find(delimiter, begin, limit)
    while end != -1 and src[end - 1] == "\\":
        end = src.find(delimiter, end + 1, limit)
    if end == -1 or end == begin:
        return False
    content = src[begin:end]
    after = end + len(delimiter)
    if "`" in content:
        return False  # a code span starts inside: "$6. Code: `$x$`" is money, then code
    if delimiter == "$" and (
        content[0].isspace()
        or content[-1].isspace()
        or src[after : after + 1].isdigit()
        or (content[0].isdigit() and any(c.isspace() for c in content))  # "$5 and 6$ more": prices
    ):
        return False
    if not silent:
        token = state.push("math_inline", "", 0)
        token.content = content
        token.markup = delimiter
    state.pos = after
    return True


def _render_math(renderer, tokens, index, options, env) -> str:
    from papershelf.gui.display import readable_latex

    token = tokens[index]
    return f'<span class="math">{html.escape(readable_latex(f"${token.content}$"))}</span>'


@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.inline.ruler.before("escape", "math_inline", _math_inline)
    md.add_render_rule("math_inline", _render_math)

    def image(renderer, tokens, index, options, env):
        # An image would be a request to somebody's server: show it as a link the user may choose to open.
        token = tokens[index]
        source = html.escape(token.attrGet("src") or "", quote=True)
        alt = html.escape(token.content or "image")
        return f'<a href="{source}">[image: {alt}]</a>'

    md.add_render_rule("image", image)
    return md


_TABLE = re.compile(r"<table>")


def render_markdown(text: str) -> str:
    """The note as HTML for the preview: raw HTML in the note is shown as text, images become links, math is
    made readable, and tables get cell borders (Qt's rich text draws none by default)."""
    rendered = _markdown().render(text or "")
    return _TABLE.sub('<table border="1" cellspacing="0" cellpadding="4">', rendered)


class SafeDocument(QTextDocument):
    """A document that never fetches anything a note refers to; `refused` lists what it was asked for."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.refused: list[str] = []

    def loadResource(self, kind: int, url: QUrl | str) -> None:
        self.refused.append(url.toString() if isinstance(url, QUrl) else str(url))
        return None


class NotePreview(QTextBrowser):
    """The rendered note. Links open in the system browser (web and mail only), nothing loads by itself."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocument(SafeDocument(self))
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._open)

    def setHtml(self, text: str) -> None:
        # Qt's image handler reads local image files itself when loadResource gives nothing, so no <img> may
        # reach the document at all (the Markdown renderer makes none; this guards any other caller).
        super().setHtml(_IMG_TAG.sub("", text))

    def loadResource(self, kind: int, url: QUrl) -> None:
        document = self.document()
        if isinstance(document, SafeDocument):
            document.refused.append(url.toString())
        return None

    def _open(self, url: QUrl) -> None:
        if url.scheme().lower() in _OPENABLE_SCHEMES:
            QDesktopServices.openUrl(url)


class NoteEditor(QWidget):
    """Shows a note rendered; Edit (or a double click) turns it into a text editor in the same place.

    Typing is saved `SAVE_DELAY_MS` after the last keystroke through `save_callback`; `flush()` saves at once
    (before the owner shows another paper or closes). `set_text` shows another note without saving it.

    `save_callback(text)` returns None or True when the text was saved, False (or the reason, a str) when the
    library refused it: the text then stays in the editor as not saved, the status says so in the error colour,
    and it is tried again on the next typing pause, when the editor loses focus, and on `flush()`.
    """

    saved = Signal(str)
    editing_changed = Signal(bool)

    def __init__(
        self,
        save_callback: Callable[[str], object],
        parent: QWidget | None = None,
        *,
        placeholder: str = "No note yet. Double-click or press Edit to write one (Markdown).",
        delay_ms: int = SAVE_DELAY_MS,
    ) -> None:
        super().__init__(parent)
        self._save_callback = save_callback
        self._placeholder = placeholder
        self._saved_text = ""
        self._saving = False
        self._refused: tuple[str, float] | None = None  # the text last refused, and when
        self.refusal: str | None = None  # why the library refused the text shown, while it is not saved
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        bar = QHBoxLayout()
        self.status = QLabel("", self)
        self.status.setObjectName("note-status")
        self.status.setWordWrap(True)
        bar.addWidget(self.status, 1)
        self.edit_button = QToolButton(self)
        self.edit_button.setText("Edit")
        self.edit_button.setToolTip("Edit the note (Markdown); Esc or Ctrl+Return to finish")
        self.edit_button.clicked.connect(lambda: self.set_editing(not self.is_editing()))
        bar.addWidget(self.edit_button)
        layout.addLayout(bar)
        self.stack = QStackedWidget(self)
        self.preview = NotePreview(self.stack)
        self.preview.viewport().installEventFilter(self)
        self.editor = QPlainTextEdit(self.stack)
        self.editor.setPlaceholderText("Write in Markdown: **bold**, *italic*, - lists, [links](https://…)")
        self.editor.setTabChangesFocus(True)
        self.editor.installEventFilter(self)
        self.stack.addWidget(self.preview)
        self.stack.addWidget(self.editor)
        layout.addWidget(self.stack, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._save)
        self.editor.textChanged.connect(self._typed)
        for keys in ("Esc", "Ctrl+Return"):
            shortcut = QShortcut(QKeySequence(keys), self.editor)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda: self.set_editing(False))
        self._auto_height = False
        self._render()

    def set_auto_height(self, enabled: bool) -> None:
        """Size to the rendered note (in a scrolling pane) instead of filling the space given (in a tab)."""
        self._auto_height = enabled
        self._fit()

    def _fit(self) -> None:
        if not self._auto_height:
            self.stack.setMinimumHeight(0)
            self.stack.setMaximumHeight(16777215)
            return
        if self.is_editing():
            height = 200
        else:
            document = self.preview.document()
            document.setTextWidth(max(self.preview.viewport().width(), 200))
            height = int(document.size().height()) + 2 * self.preview.frameWidth() + 4
            height = max(44, min(height, 360))
        self.stack.setFixedHeight(height)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    # ------------------------------------------------------------------ content
    def text(self) -> str:
        return self.editor.toPlainText()

    def set_text(self, text: str, *, saved: str | None = None, refusal: str | None = None) -> None:
        """Show another note (saving any pending typing of the current one first).

        `saved` is what the library holds when `text` is not saved there yet (the library refused it earlier,
        for `refusal`): the note is then shown as not saved and saved on the next try."""
        self.flush()
        text = text or ""
        saved_text = text if saved is None else (saved or "")
        changed = text != self.editor.toPlainText()
        if changed:
            blocked = self.editor.blockSignals(True)
            try:
                self.editor.setPlainText(text)
            finally:
                self.editor.blockSignals(blocked)
        self._saved_text = saved_text
        if text != saved_text:
            self._show_refusal(refusal or self.refusal or "the library refused the change")
        elif changed or self.refusal is not None:
            self.refusal = None
            self._set_status("")
        if changed:
            self._render()

    def flush(self) -> bool:
        """Save typing that is still waiting for its debounce, or a text the library refused before; False
        when the text is still not saved."""
        if self._timer.isActive():
            self._timer.stop()
        return self._save()

    def pending(self) -> bool:
        return self._timer.isActive()

    def unsaved(self) -> bool:
        """Whether the text shown is not (yet) in the library: typing in its pause, or refused."""
        return self.editor.toPlainText() != self._saved_text

    def discard(self) -> None:
        """Forget that the text shown is not saved (its owner has kept it to save it elsewhere or later)."""
        self._timer.stop()
        self._saved_text = self.editor.toPlainText()
        self.refusal = None
        self._set_status("")

    def _typed(self) -> None:
        if self.refusal is None:
            self._set_status("editing…")
        self._timer.start()

    def _set_status(self, text: str, colour: str | None = None) -> None:
        self.status.setText(text)
        self.status.setToolTip(text if colour else "")
        self.status.setStyleSheet(f"color: {colour};" if colour else "")

    def _show_refusal(self, reason: str) -> None:
        self.refusal = reason
        self._set_status(f"not saved: {reason} — it will be retried", error_colour(self.palette()))

    def _save(self) -> bool:
        text = self.editor.toPlainText()
        if text == self._saved_text:
            return True
        if self._saving:
            return False  # a save is under way (its change notice reached the owner): it reports for itself
        refused = self._refused
        if refused is not None and refused[0] == text and time.monotonic() - refused[1] < RETRY_PAUSE_S:
            return False
        self._saving = True
        try:
            result = self._save_callback(text)
        finally:
            self._saving = False
        if result is False or isinstance(result, str):
            self._refused = (text, time.monotonic())
            self._show_refusal(result or "the library refused the change")
            return False
        self._refused = None
        self._saved_text = text
        self.refusal = None
        self._set_status("saved")
        self.saved.emit(text)
        return True

    # ------------------------------------------------------------------ modes
    def is_editing(self) -> bool:
        return self.stack.currentWidget() is self.editor

    def set_editing(self, editing: bool) -> None:
        if editing == self.is_editing():
            return
        if editing:
            self.stack.setCurrentWidget(self.editor)
            self.edit_button.setText("Done")
            self._fit()
            self.editor.setFocus()
        else:
            self.flush()
            self._render()
            self.stack.setCurrentWidget(self.preview)
            self.edit_button.setText("Edit")
            self._fit()
        self.editing_changed.emit(editing)

    def _render(self) -> None:
        text = self.editor.toPlainText()
        palette = self.palette()
        muted = palette.color(QPalette.ColorRole.PlaceholderText).name()
        link = palette.color(QPalette.ColorRole.Link).name()
        code = palette.color(QPalette.ColorRole.AlternateBase).name()
        rule = palette.color(QPalette.ColorRole.Mid).name()
        document = self.preview.document()
        document.setDefaultStyleSheet(
            f"a {{ color: {link}; }} code, pre {{ background-color: {code}; }} p.empty {{ color: {muted}; }}"
            " h1 { font-size: x-large; } h2 { font-size: large; } h3, h4 { font-size: medium; }"
            f" table {{ border-collapse: collapse; border-color: {rule}; }}"
            f" th, td {{ border: 1px solid {rule}; padding: 3px 6px; }} th {{ background-color: {code}; }}"
        )
        if text.strip():
            self.preview.setHtml(render_markdown(text))
        else:
            self.preview.setHtml(f'<p class="empty"><i>{html.escape(self._placeholder)}</i></p>')
        if getattr(self, "_auto_height", False):
            self._fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.editor and event.type() == QEvent.Type.FocusOut:
            self.flush()  # leaving the note saves it now (and retries a text the library refused)
            return False
        if watched is self.preview.viewport() and event.type() == QEvent.Type.MouseButtonDblClick:
            self.set_editing(True)
            return True
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._render()  # light/dark switch: the preview's colours come from the palette
        super().changeEvent(event)

    def hideEvent(self, event) -> None:
        self.flush()
        super().hideEvent(event)
