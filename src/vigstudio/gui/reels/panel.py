"""The reel editor: build the edit (feedback reel) from clips, stills and title cards.

Choose or create a reel, add items, reorder them by dragging or with Alt+↑/↓, set each item's
caption, slow motion, freeze and hold, preview the whole reel in the player, and export it.
Every change is one undoable session edit.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from functools import partial
from typing import TypeVar

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app.changes import Change
from vigstudio.app.clip_meaning import principles_at_still, principles_in_clip
from vigstudio.app.player import PlayerController
from vigstudio.app.reel_timing import item_seconds, reel_seconds
from vigstudio.app.session import CaseSession
from vigstudio.app.timeline_geometry import short_seconds
from vigstudio.domain.entities import EntityKind
from vigstudio.domain.privacy import PURPOSE_TEXT, Purpose
from vigstudio.domain.reels import ItemKind, Reel, ReelItem
from vigstudio.errors import VigError
from vigstudio.gui import actions
from vigstudio.gui.time_format import labels_for

T = TypeVar("T")
_ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
SPEEDS = (Fraction(1), Fraction(1, 2), Fraction(1, 4), Fraction(1, 8))


PURPOSE_TIP = {
    Purpose.FAMILY: "Shown back to the family: everyone in it needs consent to feedback",
    Purpose.SUPERVISION: "Watched with your supervisor: the parent's decision must allow "
                         "supervision, and everyone in it needs consent to supervision",
    Purpose.TRAINING: "Used in training: only clips the parent allows to be shared further, "
                      "and everyone in it needs consent to training",
}


def purpose_box(parent: QWidget, current: Purpose = Purpose.FAMILY) -> QComboBox:
    box = QComboBox(parent)
    for i, purpose in enumerate(Purpose):
        box.addItem(PURPOSE_TEXT[purpose], purpose.value)
        box.setItemData(i, PURPOSE_TIP[purpose], Qt.ItemDataRole.ToolTipRole)
    box.setCurrentIndex(box.findData(current.value))
    box.setToolTip("What the reel is for: its exports are checked against it")
    return box


class NewReelForm(QDialog):
    """The name of a new reel and what it is for."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New reel")
        self.name = QLineEdit(name, self)
        self.purpose = purpose_box(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("For", self.purpose)
        form.addRow(buttons)

    def values(self) -> tuple[str, Purpose]:
        return self.name.text().strip(), Purpose(self.purpose.currentData())


class ItemList(QListWidget):
    """The reel's items; a drag-and-drop reorder is reported as ``moved(old, new)``."""

    moved = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self._drag_row = -1

    def startDrag(self, actions: Qt.DropAction) -> None:
        self._drag_row = self.currentRow()
        super().startDrag(actions)

    def dropEvent(self, event: object) -> None:
        old = self._drag_row
        super().dropEvent(event)  # type: ignore[arg-type]
        new = self.currentRow()
        if old >= 0 and new >= 0 and old != new:
            self.moved.emit(old, new)


class ReelsPanel(QWidget):
    """Edits the case's reels.

    ``previewRequested(reel_id, first_item, only_one)`` asks the window to play the reel from
    an item; ``exportRequested(reel_id)`` asks it to export.
    """

    previewRequested = Signal(int, int, bool)
    exportRequested = Signal(int)

    def __init__(self, session: CaseSession, player: PlayerController,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.player = player
        self.reel_box = QComboBox(self)
        self.reel_box.currentIndexChanged.connect(lambda _i: self._fill_items())
        reel_menu = QToolButton(self)
        reel_menu.setText("Reel ▾")
        reel_menu.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(reel_menu)
        menu.addAction("New reel…", self.new_reel)
        menu.addAction("Rename reel…", self.rename_reel)
        menu.addAction("Delete reel", self.delete_reel)
        reel_menu.setMenu(menu)
        self.cycle_box = QComboBox(self)
        self.cycle_box.setToolTip("The feedback cycle this reel is for")
        self.cycle_box.activated.connect(lambda _i: self._cycle_chosen())
        self.purpose_box = purpose_box(self)
        self.purpose_box.activated.connect(lambda _i: self._purpose_chosen())
        top = QHBoxLayout()
        top.addWidget(self.reel_box, 1)
        top.addWidget(reel_menu)
        # purpose and cycle on a row of their own: the panel stays narrow on a laptop screen
        about = QHBoxLayout()
        about.addWidget(self.purpose_box, 1)
        about.addWidget(self.cycle_box, 1)
        self.items = ItemList(self)
        self.items.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.items.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(about)
        layout.addWidget(self.items, 1)
        self.total = QLabel(self)
        self.total.setWordWrap(True)  # never what decides the panel's width
        self.total.setToolTip("How long the exported reel plays")
        layout.addWidget(self.total)
        layout.addLayout(self._build_item_buttons())
        layout.addWidget(self._build_settings())
        layout.addLayout(self._build_bottom())
        self._unsubscribe = session.subscribe(self._on_change)
        self.destroyed.connect(lambda *_: self._unsubscribe())
        self._fill_reels()

    def _build_item_buttons(self) -> QHBoxLayout:
        self.items.currentRowChanged.connect(lambda _r: self._show_item())
        self.items.moved.connect(self._moved)
        self.items.itemDoubleClicked.connect(lambda _i: self.play_item())

        add = QToolButton(self)
        add.setText("Add ▾")
        add.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_menu = QMenu(add)
        self.add_menu.aboutToShow.connect(self._fill_add_menu)
        add.setMenu(self.add_menu)
        remove = QPushButton("Remove", self)
        remove.clicked.connect(self.remove_item)
        up = QToolButton(self)
        up.setText("↑")
        up.setToolTip("Move up (Alt+↑)")
        up.clicked.connect(lambda: self.move_current(-1))
        down = QToolButton(self)
        down.setText("↓")
        down.setToolTip("Move down (Alt+↓)")
        down.clicked.connect(lambda: self.move_current(1))
        buttons = QHBoxLayout()
        for w in (add, remove, up, down):
            buttons.addWidget(w)
        buttons.addStretch(1)
        # keys from the one table of actions; they act on the reel list only when it has
        # focus (a Delete pressed on the timeline or the clip list must not remove the
        # reel's current item)
        for row in actions.rows("reel list"):
            for key in row.keys:
                shortcut = QShortcut(QKeySequence(key), self.items, getattr(self, row.handler))
                shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.items.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.items.customContextMenuRequested.connect(self._context_menu)
        return buttons

    def _build_settings(self) -> QWidget:
        self.settings = QWidget(self)
        form = QFormLayout(self.settings)
        form.setContentsMargins(0, 0, 0, 0)
        self.title_text = QLineEdit(self.settings)
        self.title_text.editingFinished.connect(
            lambda: self._edit(title_text=self.title_text.text()))
        self.caption = QLineEdit(self.settings)
        self.caption.setPlaceholderText("A question for the parent, e.g. “What helped here?”")
        self.caption.editingFinished.connect(lambda: self._edit(caption=self.caption.text()))
        self.burn = QCheckBox("Show the caption in the picture", self.settings)
        self.burn.clicked.connect(lambda on: self._edit(burn_caption=bool(on)))
        self.speed = QComboBox(self.settings)
        for s in SPEEDS:  # Fractions do not survive QVariant comparison: index into SPEEDS
            self.speed.addItem("normal speed" if s == 1 else f"slow motion {s}×")
        self.speed.activated.connect(lambda i: self._edit(speed=SPEEDS[i]))
        self.freeze = _seconds_box(self.settings, 0, 30)
        self.freeze.editingFinished.connect(
            lambda: self._edit(freeze_last=_fraction(self.freeze.value())))
        self.hold = _seconds_box(self.settings, 0.5, 60)
        self.hold.editingFinished.connect(lambda: self._edit(hold=_fraction(self.hold.value())))
        form.addRow("Title", self.title_text)
        form.addRow("Caption", self.caption)
        form.addRow("", self.burn)
        form.addRow("Speed", self.speed)
        form.addRow("Freeze last frame", self.freeze)
        form.addRow("Show for", self.hold)
        self._form = form
        return self.settings

    def _build_bottom(self) -> QHBoxLayout:
        preview = QPushButton("▶ Preview reel", self)
        preview.setToolTip("Play the whole reel in the player, item by item")
        preview.clicked.connect(self._preview)
        export = QPushButton("Export…", self)
        export.setToolTip("Export the reel as MP4, its stills as PNG, or a feedback sheet (PDF)")
        export.clicked.connect(self._export)
        bottom = QHBoxLayout()
        bottom.addWidget(preview)
        bottom.addWidget(export)
        return bottom

    # --- reading ------------------------------------------------------------------------

    @property
    def reel(self) -> Reel | None:
        reel_id = self.reel_box.currentData()
        if not isinstance(reel_id, int):
            return None
        try:
            return self.session.reel(reel_id)
        except VigError:
            return None

    @property
    def current_item(self) -> ReelItem | None:
        reel, row = self.reel, self.items.currentRow()
        if reel is None or not 0 <= row < len(reel.items):
            return None
        return reel.items[row]

    def describe(self, item: ReelItem) -> str:
        """One line naming an item, as the list shows it: first how long it plays in the
        reel (slow motion and freeze included), then what it is."""
        s = self.session
        plays = short_seconds(item_seconds(s, item))
        if item.kind is ItemKind.TITLE:
            return f"{plays} · Title card: {item.title_text}"
        if item.kind is ItemKind.STILL and item.still_id is not None:
            still = s.still(item.still_id)
            labels = labels_for(s, still.recording_id)
            name = still.caption or "Still"
            return (f"{plays} · Still: {name}  ({labels.label(still.frame)})"
                    f"  — {self._who(s.appears_in_still(item.still_id))}")
        assert item.clip_id is not None
        clip = s.clip(item.clip_id)
        labels = labels_for(s, clip.recording_id)
        extras = []
        if item.speed != 1:
            extras.append(f"slow {item.speed}×")
        if item.freeze_last:
            extras.append(f"freeze {short_seconds(item.freeze_last)}")
        more = f"; {', '.join(extras)}" if extras else ""
        name = clip.title or "Clip"
        return (f"{plays} · Clip: {name}  ({labels.span(clip.range)}, "
                f"{clip.range.duration} frames{more})"
                f"  — {self._who(s.appears_in_clip(item.clip_id))}")

    def _who(self, ids: tuple[int, ...]) -> str:
        """Who appears in an item, as the list shows it."""
        known = {p.id: p.pseudonym for p in self.session.participants()}
        return ", ".join(known.get(i, "?") for i in ids) or "nobody recorded"

    def explain(self, item: ReelItem) -> str:
        """The tooltip: the whole line, and the principles the clip or still shows."""
        shows: list[str] = []
        if item.kind is ItemKind.CLIP and item.clip_id is not None:
            shows = principles_in_clip(self.session, item.clip_id)
        elif item.kind is ItemKind.STILL and item.still_id is not None:
            shows = principles_at_still(self.session, item.still_id)
        return self.describe(item) + (f"\nShows: {', '.join(shows)}" if shows else "")

    def total_text(self) -> str:
        reel = self.reel
        if reel is None:
            return ""
        total = reel_seconds(self.session, reel)
        count = len(reel.items)
        return (f"{count} item{'s' if count != 1 else ''} · reel length {short_seconds(total)}"
                " (slow motion, freezes and holds included)")

    # --- filling ------------------------------------------------------------------------

    def _on_change(self, change: Change) -> None:
        if change.touches(EntityKind.REEL, EntityKind.CYCLE):
            self._fill_reels()
        elif change.touches(EntityKind.CLIP, EntityKind.STILL, EntityKind.PARTICIPANT):
            # not on every tag: who is proposed to appear is shown as of the last reel or
            # clip change (the check at export always works it out afresh)
            self._fill_items()

    def refresh(self) -> None:
        """Re-describe the items (after the time format changed)."""
        self._fill_items()

    def _fill_reels(self) -> None:
        current = self.reel_box.currentData()
        self.reel_box.blockSignals(True)
        self.reel_box.clear()
        for reel in self.session.reels():
            self.reel_box.addItem(f"{reel.name}  ·  {PURPOSE_TEXT[reel.purpose]}", reel.id)
        index = self.reel_box.findData(current)
        self.reel_box.setCurrentIndex(index if index >= 0 else 0)
        self.reel_box.blockSignals(False)
        self._fill_items()

    def _fill_cycles(self) -> None:
        reel = self.reel
        self.cycle_box.clear()
        self.cycle_box.addItem("No cycle", None)
        for cycle in self.session.cycles():
            self.cycle_box.addItem(f"Cycle {cycle.number}", cycle.id)
        self.cycle_box.setCurrentIndex(max(0, self.cycle_box.findData(
            reel.cycle_id if reel else None)))
        self.cycle_box.setEnabled(reel is not None and not self.session.read_only)

    def _purpose_chosen(self) -> None:
        reel = self.reel
        purpose = Purpose(self.purpose_box.currentData())
        if reel is not None and reel.id is not None and reel.purpose is not purpose:
            rid = reel.id
            self._try(lambda: self.session.set_reel_purpose(rid, purpose))

    def _cycle_chosen(self) -> None:
        reel = self.reel
        cycle_id = self.cycle_box.currentData()
        if reel is not None and reel.id is not None and reel.cycle_id != cycle_id:
            rid = reel.id
            self._try(lambda: self.session.set_reel_cycle(rid, cycle_id))

    def _fill_items(self) -> None:
        self._fill_cycles()
        reel = self.reel
        self.purpose_box.setCurrentIndex(self.purpose_box.findData(
            (reel.purpose if reel else Purpose.FAMILY).value))
        self.purpose_box.setEnabled(reel is not None and not self.session.read_only)
        row = self.items.currentRow()
        self.items.blockSignals(True)
        self.items.clear()
        reel = self.reel
        for item in reel.items if reel else ():
            entry = QListWidgetItem(self.describe(item))
            entry.setToolTip(self.explain(item))
            entry.setData(_ITEM_ROLE, item.id)
            self.items.addItem(entry)
        if reel and reel.items:
            self.items.setCurrentRow(min(max(row, 0), len(reel.items) - 1))
        self.items.blockSignals(False)
        self.total.setText(self.total_text())
        self._show_item()

    def _show_item(self) -> None:
        item = self.current_item
        self.settings.setEnabled(item is not None and not self.session.read_only)
        if item is None:
            return
        is_clip, is_title = item.kind is ItemKind.CLIP, item.kind is ItemKind.TITLE
        self.title_text.setText(item.title_text)
        self.caption.setText(item.caption)
        self.burn.setChecked(item.burn_caption)
        self.speed.setCurrentIndex(SPEEDS.index(item.speed) if item.speed in SPEEDS else 0)
        self.freeze.setValue(float(item.freeze_last))
        self.hold.setValue(float(item.hold))
        for widget, visible in ((self.title_text, is_title), (self.speed, is_clip),
                                (self.freeze, is_clip), (self.hold, not is_clip)):
            self._form.setRowVisible(widget, visible)

    def _fill_add_menu(self) -> None:
        menu, s = self.add_menu, self.session
        menu.clear()
        if self.reel is None:
            menu.addAction("New reel first…", self.new_reel)
            return
        clips = menu.addMenu("Clip")
        for clip in s.clips():
            labels = labels_for(s, clip.recording_id)
            label = clip.title or "Clip"
            rec = s.recording(clip.recording_id).display_title
            assert clip.id is not None
            shows = ", ".join(principles_in_clip(s, clip.id))
            clips.addAction(f"{label}  ({rec}, {labels.span(clip.range)}, "
                            f"{labels.length(clip.range)})" + (f" — {shows}" if shows else ""),
                            partial(self._add, ItemKind.CLIP, clip.id))
        clips.setEnabled(bool(s.clips()))
        stills = menu.addMenu("Still")
        for still in s.stills():
            label = still.caption or f"frame {still.frame}"
            stills.addAction(label, partial(self._add, ItemKind.STILL, still.id))
        stills.setEnabled(bool(s.stills()))
        menu.addAction("Title card…", self._add_title)

    # --- edits --------------------------------------------------------------------------

    def _try(self, edit: Callable[[], T]) -> T | None:
        try:
            return edit()
        except VigError as exc:
            QMessageBox.warning(self, "Reel", str(exc))
            return None

    def new_reel(self) -> None:
        form = NewReelForm(f"Cycle {len(self.session.cycles()) or 1} feedback", self)
        try:
            if form.exec() != QDialog.DialogCode.Accepted:
                return
            name, purpose = form.values()
        finally:
            form.deleteLater()
        if name:
            reel = self._try(lambda: self.session.new_reel(name, purpose=purpose))
            if isinstance(reel, Reel):
                self.reel_box.setCurrentIndex(self.reel_box.findData(reel.id))

    def rename_reel(self) -> None:
        reel = self.reel
        if reel is None or reel.id is None:
            return
        rid = reel.id
        name, ok = QInputDialog.getText(self, "Rename reel", "New name:", text=reel.name)
        if ok and name.strip():
            self._try(lambda: self.session.rename_reel(rid, name))

    def delete_reel(self) -> None:
        reel = self.reel
        if reel is None or reel.id is None:
            return
        rid = reel.id
        self._try(lambda: self.session.delete_reel(rid))

    def _add(self, kind: ItemKind, entity_id: int | None) -> None:
        reel = self.reel
        if reel is None or reel.id is None or entity_id is None:
            return
        rid, row = reel.id, self.items.currentRow()
        index = row + 1 if row >= 0 else None
        def add() -> ReelItem:
            if kind is ItemKind.CLIP:
                return self.session.add_clip_to_reel(rid, entity_id, index=index)
            return self.session.add_still_to_reel(rid, entity_id, index=index)

        self._try(add)
        self.items.setCurrentRow(index if index is not None else self.items.count() - 1)

    def _add_title(self) -> None:
        reel = self.reel
        if reel is None or reel.id is None:
            return
        rid = reel.id
        questions = self.session.helping_questions()
        suggestion = questions[0].text if questions else ""
        text, ok = QInputDialog.getText(self, "Title card",
                                        "Text (e.g. the helping question in the parent's words):",
                                        text=suggestion)
        if ok and text.strip():
            row = self.items.currentRow()
            index = row + 1 if row >= 0 else None
            self._try(lambda: self.session.add_title_card(rid, text.strip(), index=index))

    def remove_item(self) -> None:
        reel, item = self.reel, self.current_item
        if reel is None or reel.id is None or item is None or item.id is None:
            return
        rid, iid = reel.id, item.id
        from vigstudio.gui.preferences import current

        if current().confirm_reel_remove and QMessageBox.question(
                self, "Remove from reel", f"Remove “{self.describe(item)}” from the reel "
                f"“{reel.name}”?") != QMessageBox.StandardButton.Yes:
            return
        self._try(lambda: self.session.remove_reel_item(rid, iid))

    def move_up(self) -> None:
        self.move_current(-1)

    def move_down(self) -> None:
        self.move_current(1)

    def item_menu(self) -> QMenu:
        """The right-click menu of the current item."""
        from vigstudio.gui.annotations.naming import edit_note, rename

        menu = QMenu(self)
        item = self.current_item
        if item is None:
            return menu
        writable = not self.session.read_only
        menu.addAction("Play this item", self.play_item)
        menu.addSeparator()
        up = menu.addAction("Move up\tAlt+Up", self.move_up)
        down = menu.addAction("Move down\tAlt+Down", self.move_down)
        row = self.items.currentRow()
        up.setEnabled(writable and row > 0)
        down.setEnabled(writable and row < self.items.count() - 1)
        if item.kind is ItemKind.CLIP and item.clip_id is not None:
            cid = item.clip_id
            menu.addAction("Rename the clip…", lambda: rename(self.session, self, "clip", cid)
                           ).setEnabled(writable)
            menu.addAction("Edit the clip's note…",
                           lambda: edit_note(self.session, self, cid)).setEnabled(writable)
        elif item.kind is ItemKind.STILL and item.still_id is not None:
            sid = item.still_id
            menu.addAction("Rename the still…",
                           lambda: rename(self.session, self, "still", sid)).setEnabled(writable)
            menu.addAction("Marks on the still (arrow, circle, text)…",
                           lambda: self._edit_marks(sid)).setEnabled(writable)
        menu.addSeparator()
        menu.addAction("Remove from the reel\tDelete", self.remove_item).setEnabled(writable)
        return menu

    def _edit_marks(self, still_id: int) -> None:
        from vigstudio.gui.annotations.marks_editor import edit_marks

        edit_marks(self.session, self, still_id)

    def _context_menu(self, pos: QPoint) -> None:
        entry = self.items.itemAt(pos)
        if entry is None:
            return
        from vigstudio.gui.annotations import item_menu as menus

        self.items.setCurrentItem(entry)
        menus.show_menu(self.item_menu(), self.items.viewport().mapToGlobal(pos))

    def move_current(self, delta: int) -> None:
        row = self.items.currentRow()
        reel = self.reel
        if reel is None or row < 0 or not 0 <= row + delta < len(reel.items):
            return
        self._moved(row, row + delta)

    def _moved(self, old: int, new: int) -> None:
        reel = self.reel
        if reel is None or reel.id is None:
            return
        rid = reel.id
        self._try(lambda: self.session.move_reel_item(rid, old, new))
        self.items.setCurrentRow(new)

    def _edit(self, **changes: object) -> None:
        reel, item = self.reel, self.current_item
        if reel is None or reel.id is None or item is None or item.id is None:
            return
        if all(getattr(item, k) == v for k, v in changes.items()):
            return
        rid, iid = reel.id, item.id
        self._try(lambda: self.session.update_reel_item(rid, iid, **changes))  # type: ignore[arg-type]

    # --- playing ------------------------------------------------------------------------

    def play_item(self) -> None:
        """Show the current item in the player (a clip plays from in to out)."""
        reel = self.reel
        if reel is not None and reel.id is not None and self.items.currentRow() >= 0:
            self.previewRequested.emit(reel.id, self.items.currentRow(), True)

    def _preview(self) -> None:
        reel = self.reel
        if reel is not None and reel.id is not None and reel.items:
            self.previewRequested.emit(reel.id, 0, False)

    def _export(self) -> None:
        reel = self.reel
        if reel is not None and reel.id is not None:
            self.exportRequested.emit(reel.id)


def _seconds_box(parent: QWidget, low: float, high: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox(parent)
    box.setRange(low, high)
    box.setDecimals(1)
    box.setSingleStep(0.5)
    box.setSuffix(" s")
    return box


def _fraction(value: float) -> Fraction:
    """A spin box's tenth-of-a-second value as an exact fraction."""
    return Fraction(round(value * 10), 10)
