"""What every tab of the case record shares: :class:`RecordTab` (redraw from the session,
one session edit per button, a refused edit explained) and the small table helpers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from vigstudio.app.session import CaseSession
from vigstudio.domain.entities import EntityKind as K
from vigstudio.errors import VigError
from vigstudio.gui.case_record.widgets import show_error

__all__ = ["ATTENTION", "ITEM_ID", "NOT_VALID", "RecordTab", "Today", "first_line", "new_table",
           "plural", "select_id", "selected_id", "table_cell"]

Today = Callable[[], dt.date]
F = TypeVar("F", bound=QDialog)
ITEM_ID = Qt.ItemDataRole.UserRole
NOT_VALID = QColor("#f8e1dc")  # a pale, calm rose: a consent that does not hold today
ATTENTION = "color: #a3402c;"


def new_table(headers: Sequence[str], parent: QWidget) -> QTableWidget:
    """A read-only table of whole rows, one selectable at a time."""
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setAlternatingRowColors(True)
    table.setWordWrap(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def table_cell(text: str, item_id: int | None = None, tip: str = "") -> QTableWidgetItem:
    """A cell showing ``text``; the first cell of a row carries the row's ``item_id``."""
    item = QTableWidgetItem(text)
    if item_id is not None:
        item.setData(ITEM_ID, item_id)
    item.setToolTip(tip or text)
    return item


def selected_id(table: QTableWidget) -> int | None:
    """The id carried by the selected row, if a row is selected."""
    row = table.currentRow()
    item = table.item(row, 0) if row >= 0 and table.selectionModel().hasSelection() else None
    value = item.data(ITEM_ID) if item is not None else None
    return value if isinstance(value, int) else None


def select_id(table: QTableWidget, item_id: int | None) -> None:
    """Select the row of ``item_id`` again after a redraw (else the first row)."""
    for row in range(table.rowCount()):
        item = table.item(row, 0)
        if item is not None and item_id is not None and item.data(ITEM_ID) == item_id:
            table.selectRow(row)
            return
    if table.rowCount():
        table.selectRow(0)


def first_line(text: str, limit: int = 80) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[:limit - 1] + "…"


def plural(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")


class RecordTab(QWidget):
    """One tab: redraws from the session when a change touches ``kinds``."""

    kinds: tuple[K, ...] = ()

    def __init__(self, session: CaseSession, today: Today, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.today = today
        self.edit_buttons: list[QPushButton] = []

    def refresh(self) -> None:
        raise NotImplementedError

    def commit_pending(self) -> None:
        """Save text still being typed (the dialog is closing)."""

    def _try(self, edit: Callable[[], object]) -> bool:
        """Run one session edit; a refused edit is explained and changes nothing."""
        try:
            edit()
        except VigError as exc:
            show_error(self, exc)
            self.refresh()
            return False
        return True

    def _ask(self, form: F, edit: Callable[[F], object]) -> bool:
        """Run ``form``; on OK make the edit. A refused edit is explained and the form comes
        back with what was typed, until the edit is made or the form is cancelled."""
        try:
            while form.exec() == QDialog.DialogCode.Accepted:
                try:
                    edit(form)
                except VigError as exc:
                    show_error(self, exc)
                    continue
                return True
            return False
        finally:
            form.deleteLater()

    def _button(self, text: str, slot: Callable[[], None], tip: str,
                row: QHBoxLayout) -> QPushButton:
        button = QPushButton(text, self)
        button.setToolTip(tip)
        button.clicked.connect(lambda _checked=False: slot())
        row.addWidget(button)
        self.edit_buttons.append(button)
        return button

    def apply_read_only(self) -> None:
        if self.session.read_only:
            for button in self.edit_buttons:
                button.setEnabled(False)


