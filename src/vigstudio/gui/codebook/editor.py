"""The codebook editor: add, rename, recolour, reorder, set keys, import and export.

Each change goes straight to the session as one undoable edit, so the editor needs no
"apply" step and the timeline and panel redraw as you edit. Other codebooks (Marte Meo, a
school's own list) come in as JSON files: no code is needed.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app.changes import Change
from vigstudio.app.session import CaseSession
from vigstudio.domain.codebook import Principle
from vigstudio.domain.entities import EntityKind
from vigstudio.errors import VigError
from vigstudio.gui.swatch import swatch

_PALETTE = ("#4E9A8C", "#E0A43A", "#D9705A", "#6C8FD6", "#9B72C4", "#C4668E", "#7FA650",
            "#B0884F")


class CodebookEditor(QDialog):
    """Edit the project's codebook. ``error`` shows the last refused edit."""

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Codebook")
        self.session = session
        self.list = QListWidget(self)
        self.list.currentRowChanged.connect(self._show_current)
        self.codebook_name = QLineEdit(self)
        self.codebook_name.editingFinished.connect(self._rename_codebook)
        self.name = QLineEdit(self)
        self.name.editingFinished.connect(self._rename)
        self.shortcut = QLineEdit(self)
        self.shortcut.setMaxLength(1)
        self.shortcut.setPlaceholderText("one key")
        self.shortcut.editingFinished.connect(self._set_shortcut)
        self.colour = QPushButton("Colour…", self)
        self.colour.clicked.connect(self._pick_colour)
        self.behaviours = QLineEdit(self)
        self.behaviours.setPlaceholderText("behaviours, separated by ;")
        self.behaviours.editingFinished.connect(self._set_behaviours)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #c0392b")
        self.error.setWordWrap(True)

        buttons = QHBoxLayout()
        for text, slot in (("Add", self.add_principle), ("Remove", self.remove_current),
                           ("Up", lambda: self.move_current(-1)),
                           ("Down", lambda: self.move_current(1)),
                           ("Import…", self._import_dialog), ("Export…", self._export_dialog)):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        form = QFormLayout()
        form.addRow("Codebook", self.codebook_name)
        form.addRow("Name", self.name)
        form.addRow("Key", self.shortcut)
        form.addRow("Colour", self.colour)
        form.addRow("Behaviours", self.behaviours)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(close)
        unsubscribe = session.subscribe(self._on_change)
        self.destroyed.connect(lambda *_: unsubscribe())
        self.refresh()

    # --- showing ------------------------------------------------------------------------

    def refresh(self, keep_id: int | None = None) -> None:
        current = keep_id if keep_id is not None else self.current_id()
        self.list.blockSignals(True)
        self.list.clear()
        for p in self.session.principles():
            label = f"{p.name}   [{p.shortcut}]" if p.shortcut else p.name
            item = QListWidgetItem(swatch(p.colour), label)
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        ids = [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]
        self.list.setCurrentRow(ids.index(current) if current in ids else 0)
        self.codebook_name.setText(self.session.codebook().name)
        self._show_current()

    def current_id(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def current(self) -> Principle | None:
        pid = self.current_id()
        return None if pid is None else self.session.principle(pid)

    def _show_current(self, *_: object) -> None:
        p = self.current()
        for w in (self.name, self.shortcut, self.colour, self.behaviours):
            w.setEnabled(p is not None)
        if p is None:
            return
        self.name.setText(p.name)
        self.shortcut.setText(p.shortcut)
        self.colour.setIcon(swatch(p.colour))
        self.colour.setText(p.colour)
        self.behaviours.setText("; ".join(b.name for b in p.behaviours))

    # --- edits (each one undo step) -----------------------------------------------------

    def _try(self, action: object, *args: object) -> bool:
        try:
            action(*args)  # type: ignore[operator]
        except VigError as exc:
            self.error.setText(str(exc))
            self._show_current()
            return False
        self.error.setText("")
        return True

    def add_principle(self, name: str = "New principle") -> Principle | None:
        codes = {p.code for p in self.session.principles()}
        base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "code"
        code, n = base, 2
        while code in codes:
            code, n = f"{base}-{n}", n + 1
        colour = _PALETTE[len(codes) % len(_PALETTE)]
        added: list[Principle] = []
        if self._try(lambda: added.append(self.session.add_principle(code, name, colour))):
            self.refresh(added[0].id)
            self.name.setFocus()
            self.name.selectAll()
            return added[0]
        return None

    def remove_current(self) -> None:
        pid = self.current_id()
        if pid is not None:
            self._try(self.session.delete_principle, pid)

    def move_current(self, delta: int) -> None:
        pid = self.current_id()
        if pid is None:
            return
        row = self.list.currentRow() + delta
        if 0 <= row < self.list.count():
            self._try(self.session.reorder_principle, pid, row)
            self.refresh(pid)

    def rename_current(self, name: str) -> None:
        self.name.setText(name)
        self._rename()

    def _rename(self) -> None:
        p = self.current()
        if p is not None and self.name.text().strip() != p.name:
            self._try(self.session.rename_principle, p.id, self.name.text())

    def set_current_shortcut(self, key: str) -> None:
        self.shortcut.setText(key)
        self._set_shortcut()

    def _set_shortcut(self) -> None:
        p = self.current()
        if p is not None and self.shortcut.text() != p.shortcut:
            self._try(self.session.set_principle_shortcut, p.id, self.shortcut.text())

    def set_current_colour(self, colour: str) -> None:
        p = self.current()
        if p is not None and colour.lower() != p.colour.lower():
            self._try(self.session.recolour_principle, p.id, colour)

    def _pick_colour(self) -> None:
        p = self.current()
        if p is None:
            return
        chosen = QColorDialog.getColor(QColor(p.colour), self, f"Colour of {p.name}")
        if chosen.isValid():
            self.set_current_colour(chosen.name())

    def _set_behaviours(self) -> None:
        from dataclasses import replace

        from vigstudio.domain.codebook import Behaviour

        p = self.current()
        if p is None:
            return
        names = [n.strip() for n in self.behaviours.text().split(";") if n.strip()]
        if names == [b.name for b in p.behaviours]:
            return
        old = {b.name: b.id for b in p.behaviours}
        new = tuple(Behaviour(n, i, id=old.get(n)) for i, n in enumerate(names))
        self._try(self.session.update_principle, replace(p, behaviours=new))

    def _rename_codebook(self) -> None:
        name = self.codebook_name.text().strip()
        if name and name != self.session.codebook().name:
            self._try(self.session.rename_codebook, name)

    # --- files --------------------------------------------------------------------------

    def import_file(self, path: Path) -> bool:
        return self._try(self.session.import_codebook, Path(path))

    def export_file(self, path: Path) -> bool:
        try:
            self.session.export_codebook(Path(path))
        except OSError as exc:
            self.error.setText(f"Could not write {path}: {exc}")
            return False
        return True

    def _import_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Use a codebook", "",
                                              "Codebooks (*.json)")
        if path:
            self.import_file(Path(path))

    def _export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the codebook",
                                              "codebook.json", "Codebooks (*.json)")
        if path:
            self.export_file(Path(path))

    def _on_change(self, change: Change) -> None:
        if change.touches(EntityKind.PRINCIPLE, EntityKind.CODEBOOK):
            self.refresh()
