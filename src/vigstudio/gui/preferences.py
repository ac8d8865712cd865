"""The practitioner's preferences, kept in the per-user Qt settings (like the recent list).

What is kept (docs/PRIVACY.md): the time format, the default export picture size, the role
of the default participant for tagging, whether to confirm before removing an item from a
reel, and whether to keep a recent-projects list at all. No case content is kept here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app.timeline_geometry import TimeStyle
from vigstudio.domain.project import Role

__all__ = ["Preferences", "PreferencesDialog", "current", "notifier", "save", "settings"]

_PREFIX = "preferences/"
EXPORT_HEIGHTS: tuple[int | None, ...] = (None, 720, 480)
_STYLE_NAMES = {TimeStyle.TIMECODE: "Timecode (hours:minutes:seconds:frames)",
                TimeStyle.FRAMES: "Frame numbers",
                TimeStyle.CLOCK: "Clock time (hours:minutes:seconds.milliseconds)"}


def settings() -> QSettings:
    """The per-user settings store of VIG Studio (shared with the recent list)."""
    return QSettings("VIG Studio", "VIG Studio")


@dataclass(frozen=True, slots=True)
class Preferences:
    time_style: TimeStyle = TimeStyle.TIMECODE
    export_height: int | None = None  # None: the recordings' own size
    default_role: Role | None = None  # the first participant with this role tags by default
    confirm_reel_remove: bool = False
    keep_recent: bool = True


def _text(value: object, default: str) -> str:
    return value if isinstance(value, str) and value else default


def current() -> Preferences:
    """The stored preferences (defaults for anything missing or unreadable)."""
    s = settings()
    base = Preferences()
    style = _text(s.value(_PREFIX + "time_style"), base.time_style.value)
    height = _text(s.value(_PREFIX + "export_height"), "")
    role = _text(s.value(_PREFIX + "default_role"), "")
    return Preferences(
        time_style=TimeStyle(style) if style in TimeStyle._value2member_map_ else base.time_style,
        export_height=int(height) if height.isdigit() else None,
        default_role=Role(role) if role in Role._value2member_map_ else None,
        confirm_reel_remove=_text(s.value(_PREFIX + "confirm_reel_remove"), "0") == "1",
        keep_recent=_text(s.value(_PREFIX + "keep_recent"), "1") == "1")


class _Notifier(QObject):
    changed = Signal(object)  # the new Preferences


_notifier: _Notifier | None = None


def notifier() -> _Notifier:
    """Emits ``changed(Preferences)`` after :func:`save`."""
    global _notifier  # noqa: PLW0603 - one per process
    if _notifier is None:
        _notifier = _Notifier()
    return _notifier


def save(prefs: Preferences) -> None:
    s = settings()
    s.setValue(_PREFIX + "time_style", prefs.time_style.value)
    s.setValue(_PREFIX + "export_height", "" if prefs.export_height is None
               else str(prefs.export_height))
    s.setValue(_PREFIX + "default_role", prefs.default_role.value if prefs.default_role else "")
    s.setValue(_PREFIX + "confirm_reel_remove", "1" if prefs.confirm_reel_remove else "0")
    s.setValue(_PREFIX + "keep_recent", "1" if prefs.keep_recent else "0")
    s.sync()
    if not prefs.keep_recent:
        from vigstudio.gui.files import recent

        recent.clear()
    notifier().changed.emit(prefs)


def height_text(height: int | None) -> str:
    return "Original size" if height is None else f"{height}p"


class PreferencesDialog(QDialog):
    """Edit the preferences; OK saves them (panels follow at once)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        prefs = current()
        self.time_style = QComboBox(self)
        for style, name in _STYLE_NAMES.items():
            self.time_style.addItem(name, style.value)
        self.time_style.setCurrentIndex(self.time_style.findData(prefs.time_style.value))
        self.export_height = QComboBox(self)
        for i, height in enumerate(EXPORT_HEIGHTS):
            self.export_height.addItem(height_text(height), i)
        self.export_height.setCurrentIndex(EXPORT_HEIGHTS.index(prefs.export_height)
                                           if prefs.export_height in EXPORT_HEIGHTS else 0)
        self.default_role = QComboBox(self)
        self.default_role.addItem("The first participant", "")
        for role in Role:
            self.default_role.addItem(f"The first {role.value}", role.value)
        self.default_role.setCurrentIndex(max(0, self.default_role.findData(
            prefs.default_role.value if prefs.default_role else "")))
        self.confirm_reel_remove = QCheckBox("Ask before removing an item from a reel", self)
        self.confirm_reel_remove.setChecked(prefs.confirm_reel_remove)
        self.keep_recent = QCheckBox("Keep a list of recent case projects", self)
        self.keep_recent.setChecked(prefs.keep_recent)
        form = QFormLayout()
        form.addRow("Show times as", self.time_style)
        form.addRow("Export picture size", self.export_height)
        form.addRow("Tag for", self.default_role)
        form.addRow("", self.confirm_reel_remove)
        form.addRow("", self.keep_recent)
        note = QLabel("Kept for your user account on this computer (no case content). "
                      "Turning the recent list off also clears it.", self)
        note.setWordWrap(True)
        note.setStyleSheet("color: #666;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def chosen(self) -> Preferences:
        role = self.default_role.currentData()
        return replace(
            current(), time_style=TimeStyle(self.time_style.currentData()),
            export_height=EXPORT_HEIGHTS[self.export_height.currentIndex()],
            default_role=Role(role) if role else None,
            confirm_reel_remove=self.confirm_reel_remove.isChecked(),
            keep_recent=self.keep_recent.isChecked())

    def accept(self) -> None:
        save(self.chosen())
        super().accept()
