"""Preferences (Edit ▸ Preferences…): the lookup settings a user may want to change, kept in the library.

The same keys as `papershelf config` (lookup/service.py `SETTINGS`): arXiv and Crossref endpoints, the e-mail
Crossref is told, the timeout. A value set by an environment variable wins over the library, so its field is
shown read-only with the variable's name. The dialog writes through `Library.set_setting`; no SQL here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from papershelf.gui.colours import error_colour
from papershelf.gui.hub import LibraryHub
from papershelf.lookup.service import (
    SETTING_ARXIV_API,
    SETTING_CONTACT,
    SETTING_CROSSREF_API,
    SETTING_TIMEOUT,
    SETTINGS,
    SettingError,
    clean_setting,
    setting_value,
)
from papershelf.model.library import LibraryError

_LABELS = {
    SETTING_CONTACT: "Your e-mail",
    SETTING_ARXIV_API: "arXiv API",
    SETTING_CROSSREF_API: "Crossref API",
    SETTING_TIMEOUT: "Timeout (seconds)",
}
_ORDER = (SETTING_CONTACT, SETTING_ARXIV_API, SETTING_CROSSREF_API, SETTING_TIMEOUT)


class PreferencesDialog(QDialog):
    """Edit the library's lookup settings; an empty field means the default (or, for the e-mail, none)."""

    def __init__(self, hub: LibraryHub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.library = hub.library
        self.setWindowTitle("Preferences")
        self.resize(560, 300)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "<b>Online lookups</b> (Add by identifier, Complete records). Nothing is fetched unless you ask. "
            "Crossref asks programs for a contact address (its “polite pool”); yours is sent only to arXiv and "
            "Crossref, in the User-Agent. Without one, only Papershelf's web address is sent. These settings "
            "are kept in the library file; <code>papershelf config</code> changes them too.",
            self,
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(intro)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        infos = {info.key: info for info in SETTINGS}
        for key in _ORDER:
            info = infos[key]
            value, origin = setting_value(self.library, info)
            edit = QLineEdit(self)
            edit.setAccessibleName(_LABELS[key])
            edit.setToolTip(f"{info.help}. Setting: {key}; environment variable: ${info.env}.")
            edit.setPlaceholderText(info.default or "you@university.edu")
            if origin == "environment":
                # The environment wins over the library: editing here would change nothing the user sees.
                edit.setText(value or "")
                edit.setReadOnly(True)
                edit.setEnabled(False)
                edit.setToolTip(f"Set by the environment variable ${info.env}, which wins over this setting.")
            elif origin == "library":
                edit.setText(value or "")
            label = QLabel(_LABELS[key] + ":", self)
            label.setBuddy(edit)
            form.addRow(label, edit)
            if origin == "environment":
                note = QLabel(f"set by ${info.env}", self)
                note.setEnabled(False)
                form.addRow("", note)
            self.fields[key] = edit
        layout.addLayout(form)
        layout.addStretch(1)
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

    def set_field(self, key: str, text: str) -> None:
        """Type into a field as a user would."""
        self.fields[key].setText(text)

    def changes(self) -> dict[str, object]:
        """What saving stores: cleaned values, and None for fields emptied (back to the default)."""
        result: dict[str, object] = {}
        for key, edit in self.fields.items():
            if not edit.isEnabled():
                continue
            text = edit.text().strip()
            stored = self.library.get_setting(key, None)
            if not text:
                if stored not in (None, ""):
                    result[key] = None
                continue
            value = clean_setting(key, text)
            if value != stored:
                result[key] = value
        return result

    def accept(self) -> None:
        try:
            changes = self.changes()
            for key, value in changes.items():
                self.library.set_setting(key, value)
        except (SettingError, LibraryError) as error:
            self.error_label.setStyleSheet(f"color: {error_colour(self.palette())}")
            self.error_label.setText(str(error))
            self.error_label.show()
            return
        if changes:
            self.hub.status_message.emit("Preferences saved")
        super().accept()
