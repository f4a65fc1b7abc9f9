"""Notes: Markdown rendered without loading anything or running anything, and saved as you type."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QImage, QTextDocument
from shell_support import dispose

from papershelf.gui import note_editor
from papershelf.gui.note_editor import NoteEditor, NotePreview, render_markdown


@pytest.fixture
def saved():
    return []


@pytest.fixture
def editor(qtbot, saved):
    widget = NoteEditor(saved.append, delay_ms=80)
    widget.resize(500, 400)
    widget.show()
    yield widget
    dispose(widget)


def test_markdown_renders_but_raw_html_and_scripts_stay_text():
    html = render_markdown("**bold** <script>alert(1)</script> <b>raw</b>\n\n- item")
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>raw</b>" not in html
    assert "<li>item</li>" in html


def test_javascript_links_are_not_links():
    html = render_markdown("[click](javascript:alert(1)) and [site](https://example.org)")
    assert 'href="javascript' not in html
    assert 'href="https://example.org"' in html


def test_images_become_links_instead_of_requests():
    html = render_markdown("![diagram](https://example.org/tracker.png)")
    assert "<img" not in html
    assert 'href="https://example.org/tracker.png"' in html and "[image: diagram]" in html


def test_the_preview_loads_no_image_even_from_a_local_file(qtbot, tmp_path, editor):
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    path = tmp_path / "secret.png"
    image.save(str(path))
    url = QUrl.fromLocalFile(str(path))
    editor.set_text(f'![a]({url.toString()})\n\n<img src="{url.toString()}">')
    editor.preview.grab()  # painting is when a browser would fetch images
    document = editor.preview.document()
    assert document.resource(QTextDocument.ResourceType.ImageResource, url) is None
    # Even HTML handed to the preview directly cannot make it read the file.
    editor.preview.setHtml(f'<p>x</p><img src="{url.toString()}"><img src="https://example.org/t.png">')
    editor.preview.grab()
    assert document.resource(QTextDocument.ResourceType.ImageResource, url) is None
    assert "<img" not in document.toHtml()


def test_only_web_and_mail_links_open(qtbot, monkeypatch):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    preview = NotePreview()
    qtbot.addWidget(preview)
    for target in ("https://example.org", "file:///etc/passwd", "javascript:alert(1)", "mailto:a@b.c"):
        preview.anchorClicked.emit(QUrl(target))
    assert opened == ["https://example.org", "mailto:a@b.c"]


def test_typing_is_saved_after_a_short_pause_not_per_keystroke(qtbot, editor, saved):
    editor.set_editing(True)
    qtbot.keyClicks(editor.editor, "hello")
    assert saved == []  # still typing
    assert editor.pending()
    qtbot.waitUntil(lambda: saved == ["hello"], timeout=2000)
    qtbot.keyClicks(editor.editor, " world")
    editor.flush()  # closing or switching papers saves at once
    assert saved == ["hello", "hello world"]


def test_showing_another_note_saves_the_pending_one_first_and_never_saves_the_new_one(qtbot, editor, saved):
    editor.set_editing(True)
    qtbot.keyClicks(editor.editor, "draft")
    editor.set_text("another paper's note")
    assert saved == ["draft"]
    assert editor.text() == "another paper's note"
    qtbot.wait(150)
    assert saved == ["draft"]


def test_leaving_edit_mode_shows_the_rendered_note(qtbot, editor):
    editor.set_editing(True)
    qtbot.keyClicks(editor.editor, "# Heading")
    qtbot.keyClick(editor.editor, Qt.Key.Key_Return)
    qtbot.keyClick(editor.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor.editor, "some *emphasis*")
    editor.set_editing(False)
    assert editor.stack.currentWidget() is editor.preview
    assert "Heading" in editor.preview.toPlainText()
    assert "#" not in editor.preview.toPlainText()


def test_the_save_delay_is_short(monkeypatch):
    # "A crash loses at most the last keystrokes": the default debounce must stay well under a second.
    assert note_editor.SAVE_DELAY_MS <= 500


def test_math_in_a_note_reads_as_the_abstract_does_and_prices_stay_prices(qtbot, editor):
    editor.set_editing(True)
    qtbot.keyClicks(editor.editor, r"Tune $\alpha$ and $\beta$ per batch; it cost $5 and $6. Code: `$x$`")
    editor.set_editing(False)

    shown = editor.preview.toPlainText()
    assert "Tune α and β per batch" in shown
    assert "$5 and $6" in shown and "$x$" in shown  # not math: money, and code
    assert "\\alpha" not in shown


def test_a_markdown_table_is_drawn_with_cell_borders(qtbot, editor):
    editor.set_editing(True)
    for line in ("| method | score |", "|---|---|", "| DPO | 1 |"):
        qtbot.keyClicks(editor.editor, line)
        qtbot.keyClick(editor.editor, Qt.Key.Key_Return)
    editor.set_editing(False)

    html = editor.preview.toHtml()
    assert "border" in render_markdown("| a |\n|---|\n| 1 |")
    document = editor.preview.document()
    tables = [frame for frame in document.rootFrame().childFrames() if frame.frameFormat().isTableFormat()]
    assert tables and tables[0].frameFormat().toTableFormat().border() >= 1
    assert "DPO" in html


def test_a_refused_save_is_shown_and_retried_when_the_editor_loses_focus(qtbot, monkeypatch):
    from PySide6.QtWidgets import QLineEdit

    monkeypatch.setattr(note_editor, "RETRY_PAUSE_S", 0.0, raising=False)
    attempts, accept = [], [False]

    def save(text):
        attempts.append(text)
        return True if accept[0] else "the library is read-only"

    widget = NoteEditor(save, delay_ms=50)
    other = QLineEdit(widget)
    widget.resize(500, 400)
    widget.show()
    try:
        widget.set_editing(True)
        widget.editor.setFocus()
        qtbot.keyClicks(widget.editor, "idea")
        qtbot.waitUntil(lambda: attempts == ["idea"], timeout=2000)
        assert widget.status.text() == "not saved: the library is read-only — it will be retried"
        assert widget.unsaved()
        accept[0] = True
        other.setFocus()  # leaving the note retries it
        qtbot.waitUntil(lambda: widget.status.text() == "saved", timeout=2000)
        assert attempts == ["idea", "idea"] and not widget.unsaved()
    finally:
        dispose(widget)
