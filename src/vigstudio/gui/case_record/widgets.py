"""Small widgets shared by the case record editors: dates, optional dates, notes, messages."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

from vigstudio.errors import VigError

DATE_FORMAT = "d MMM yyyy"


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def to_date(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


def show_date(day: dt.date | None, empty: str = "") -> str:
    """A date as practitioners read it: ``3 Mar 2025``."""
    return empty if day is None else f"{day.day} {day:%b %Y}"


def show_error(parent: QWidget | None, exc: VigError, title: str = "Not changed") -> None:
    """Tell the practitioner why an edit was refused (nothing was changed)."""
    QMessageBox.warning(parent, title, str(exc))


def hint(text: str, parent: QWidget | None = None) -> QLabel:
    """A quiet, wrapped explanation under a field or at the top of a tab."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet("color: palette(placeholder-text);")
    return label


class DateField(QDateEdit):
    """A date with a calendar pop-up, shown as ``3 Mar 2025``."""

    def __init__(self, day: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat(DATE_FORMAT)
        self.setMinimumDate(QDate(1990, 1, 1))
        self.setMaximumDate(QDate(2200, 12, 31))
        self.set_value(day or dt.date.today())

    def value(self) -> dt.date:
        return to_date(self.date())

    def set_value(self, day: dt.date) -> None:
        self.setDate(to_qdate(day))


class OptionalDateField(QWidget):
    """A date that may be left out: a check box turns the date on or off.

    ``changed`` is emitted when the user ticks the box or picks a date (not by
    :meth:`set_value`).
    """

    changed = Signal()

    def __init__(self, label: str, day: dt.date | None = None, *,
                 default: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = QCheckBox(label, self)
        self.date = DateField(day or default, self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.date, 1)
        self.set_value(day)
        self.check.toggled.connect(self._toggled)
        self.date.editingFinished.connect(self._date_done)
        self.date.dateChanged.connect(self._date_changed)
        self._last = self.value()

    def value(self) -> dt.date | None:
        return self.date.value() if self.check.isChecked() else None

    def set_value(self, day: dt.date | None) -> None:
        blocked = self.blockSignals(True)
        self.check.setChecked(day is not None)
        if day is not None:
            self.date.set_value(day)
        self.date.setEnabled(day is not None)
        self._last = day
        self.blockSignals(blocked)

    def _toggled(self, on: bool) -> None:
        self.date.setEnabled(on)
        self._maybe_changed()

    def _date_changed(self, _day: QDate) -> None:
        # a pick in the calendar pop-up is final; typing is final on editingFinished
        if self.date.calendarWidget().isVisible():
            self._maybe_changed()

    def _date_done(self) -> None:
        self._maybe_changed()

    def _maybe_changed(self) -> None:
        now = self.value()
        if now != self._last:
            self._last = now
            self.changed.emit()


class NotesEdit(QPlainTextEdit):
    """Multi-line text that announces ``editingFinished`` when it loses focus after a change."""

    editingFinished = Signal()

    def __init__(self, parent: QWidget | None = None, *, lines: int = 4) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        height = self.fontMetrics().lineSpacing() * lines + 12
        self.setMinimumHeight(height)
        self._baseline = ""

    def text(self) -> str:
        return self.toPlainText()

    def set_text(self, text: str) -> None:
        """Show ``text`` as the saved value (no ``editingFinished``)."""
        if text != self.toPlainText():
            self.setPlainText(text)
        self._baseline = text

    @property
    def is_modified(self) -> bool:
        return self.toPlainText() != self._baseline

    def finish(self) -> None:
        """Announce a pending change now (e.g. when the dialog closes)."""
        if self.is_modified:
            self._baseline = self.toPlainText()
            self.editingFinished.emit()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.finish()
