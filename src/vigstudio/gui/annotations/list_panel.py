"""The list of a recording's moments, clips and stills, with filter, search and summary counts.

Clicking an entry seeks the player to it and selects it (the timeline shows the same
selection); selecting on the timeline highlights the entry here.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    Qt,
)
from PySide6.QtGui import QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app.changes import Change
from vigstudio.app.session import CaseSession
from vigstudio.domain.annotations import Clip, Moment, Still, Valence
from vigstudio.domain.codebook import Principle
from vigstudio.domain.entities import EntityKind
from vigstudio.domain.time import FrameRange
from vigstudio.gui import actions
from vigstudio.gui.annotations.ports import PlayerPort
from vigstudio.gui.annotations.selection import AnnotationSelection
from vigstudio.gui.listening import until_teardown
from vigstudio.gui.swatch import swatch
from vigstudio.gui.time_format import labels_for

_NO_INDEX = QModelIndex()


@dataclass(frozen=True, slots=True)
class Entry:
    kind: str  # "moment", "clip" or "still"
    id: int
    frame: int
    principle_id: int | None
    participant_id: int | None
    text: str  # note, title or caption: what search looks in
    working: bool = False  # a working point (moments)
    end: int | None = None  # first frame after a clip
    title: str = ""  # a clip's title


_COLUMNS = ("", "Frame", "Time", "What", "Who", "Note")


def sort_key(e: Entry) -> tuple[int, str, int]:
    return (e.frame, e.kind, e.id)


class AnnotationTableModel(QAbstractTableModel):
    """The filtered entries as a table, sorted by frame. Texts are made only for the rows Qt
    shows; single edits insert or remove one row (no reset), so a tag costs O(log n)."""

    def __init__(self, describe: Callable[[Entry], tuple[tuple[str, ...], str | None]],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Entry] = []
        self._describe = describe
        self._texts: dict[tuple[str, int], tuple[tuple[str, ...], str | None]] = {}
        self._icons: dict[str, QIcon] = {}

    def set_rows(self, rows: list[Entry]) -> None:
        self.beginResetModel()
        self.rows = rows
        self._texts = {}
        self.endResetModel()

    def row_of(self, e: Entry) -> int | None:
        i = bisect.bisect_left(self.rows, sort_key(e), key=sort_key)
        return i if i < len(self.rows) and self.rows[i] == e else None

    def insert(self, e: Entry) -> None:
        i = bisect.bisect_left(self.rows, sort_key(e), key=sort_key)
        self.beginInsertRows(QModelIndex(), i, i)
        self.rows.insert(i, e)
        self.endInsertRows()

    def remove(self, e: Entry) -> None:
        i = self.row_of(e)
        self._texts.pop((e.kind, e.id), None)
        if i is not None:
            self.beginRemoveRows(QModelIndex(), i, i)
            del self.rows[i]
            self.endRemoveRows()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(_COLUMNS)

    def described(self, row: int) -> tuple[tuple[str, ...], str | None]:
        e = self.rows[row]
        found = self._texts.get((e.kind, e.id))
        if found is None:
            found = self._texts[(e.kind, e.id)] = self._describe(e)
        return found

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.described(index.row())[0][index.column()]
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 3:
            colour = self.described(index.row())[1]
            if colour is None:
                return None
            icon = self._icons.get(colour)
            if icon is None:
                icon = self._icons[colour] = swatch(colour)
            return icon
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _COLUMNS[section]
        return None

    def text(self, row: int, column: int) -> str:
        return self.described(row)[0][column]


class AnnotationList(QWidget):
    """Filterable list of one recording's tags with per-principle/participant counts."""

    def __init__(self, session: CaseSession, player: PlayerPort, recording_id: int,
                 selection: AnnotationSelection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.player = player
        self.recording_id = recording_id
        self.selection = selection
        self.labels = labels_for(session, recording_id)
        self.kind = QComboBox(self)
        for label, data in (("Everything", None), ("Moments", "moment"), ("Clips", "clip"),
                            ("Stills", "still")):
            self.kind.addItem(label, data)
        self.principle = QComboBox(self)
        self.participant = QComboBox(self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search notes and titles")
        self.search.setClearButtonEnabled(True)
        for combo in (self.kind, self.principle, self.participant):
            combo.currentIndexChanged.connect(lambda _i: self.refill())
        self.search.textChanged.connect(lambda _t: self.refill())
        self._principles: dict[int | None, Principle] = {}
        self._all: dict[tuple[str, int], Entry] = {}
        self._people: dict[int | None, str] = {}
        self.model = AnnotationTableModel(self._describe, self)
        self.view = self._build_view()
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        filters = QHBoxLayout()
        for w in (self.kind, self.principle, self.participant):
            filters.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.summary)
        self._syncing = False
        selection.changed.connect(self._show_selection)
        unsubscribe = session.subscribe(self._on_change)
        until_teardown(self, unsubscribe)
        self._fill_filters()
        self.refill()

    def _build_view(self) -> QTableView:
        view = self.view = QTableView(self)
        view.setModel(self.model)
        view.verticalHeader().hide()
        view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 4)
        view.horizontalHeader().setStretchLastSection(True)
        view.setShowGrid(False)
        view.setWordWrap(False)
        view.setAlternatingRowColors(True)
        view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
        view.clicked.connect(self._clicked)
        for row in actions.rows("list"):  # keys from the one table of actions
            for key in row.keys:
                shortcut = QShortcut(QKeySequence(key), view, getattr(self, row.handler))
                shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        view.doubleClicked.connect(self._double_clicked)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._context_menu)
        view.selectionModel().selectionChanged.connect(self._list_selection)
        return view

    # --- data ---------------------------------------------------------------------------

    def entries(self) -> list[Entry]:
        s, rid = self.session, self.recording_id
        out = [Entry("moment", m.id or 0, m.frame, m.principle_id, m.participant_id, m.note,
                     m.valence is Valence.WORKING_POINT) for m in s.moments(rid)]
        out += [Entry("clip", c.id or 0, c.range.start, None, None, f"{c.title} {c.caption}",
                      end=c.range.end, title=c.title) for c in s.clips(rid)]
        out += [Entry("still", t.id or 0, t.frame, None, None, t.caption) for t in s.stills(rid)]
        out.sort(key=lambda e: (e.frame, e.kind, e.id))
        return out

    def _filters(self) -> tuple[object, object, object, str]:
        return (self.kind.currentData(), self.principle.currentData(),
                self.participant.currentData(), self.search.text().strip().lower())

    def _passes(self, e: Entry) -> bool:
        kind, principle, participant, text = self._filters()
        return ((kind is None or e.kind == kind)
                and (principle is None or e.principle_id == principle)
                and (participant is None or e.participant_id == participant)
                and (not text or text in e.text.lower()))

    def visible_entries(self, entries: list[Entry] | None = None) -> list[Entry]:
        entries = self.entries() if entries is None else entries
        kind, principle, participant, text = self._filters()
        if kind is None and principle is None and participant is None and not text:
            return list(entries)
        return [e for e in entries if self._passes(e)]

    def _describe(self, e: Entry) -> tuple[tuple[str, ...], str | None]:
        """The columns' texts and the swatch colour of one entry."""
        note, colour, frame_text = e.text, None, str(e.frame)
        if e.kind == "moment":
            principle = self._principles.get(e.principle_id)
            what = principle.name if principle else "?"
            colour = principle.colour if principle else None
            if e.working:
                what += " (working point)"
        elif e.kind == "clip":
            end = e.end if e.end is not None else e.frame + 1
            frames = FrameRange(e.frame, end)
            what = e.title or "Clip"
            frame_text = f"{e.frame}–{end - 1}"
            note = e.text[len(e.title) + 1:]
            return ((e.kind, frame_text,
                     f"{self.labels.span(frames)} ({self.labels.length(frames)})", what, "",
                     note), colour)
        else:
            what = "Still"
        return ((e.kind, frame_text, self.labels.label(e.frame), what,
                 self._people.get(e.participant_id, ""), note), colour)

    # --- filling ------------------------------------------------------------------------

    def _fill_filters(self) -> None:
        for combo, everyone, items in (
                (self.principle, "All principles",
                 [(p.name, p.id) for p in self.session.principles()]),
                (self.participant, "All participants",
                 [(p.pseudonym, p.id) for p in self.session.participants()])):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everyone, None)
            for label, data in items:
                combo.addItem(label, data)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

    def refill(self) -> None:
        self._principles = {p.id: p for p in self.session.principles()}
        self._people = {p.id: p.pseudonym for p in self.session.participants()}
        entries = self.entries()
        self._all = {(e.kind, e.id): e for e in entries}
        self._syncing = True
        try:
            self.model.set_rows(self.visible_entries(entries))
        finally:
            self._syncing = False
        self._show_selection()
        self._fill_summary()

    def _entry(self, kind: str, entity_id: int) -> Entry | None:
        """The current entry for one moment, clip or still of this recording (None if gone)."""
        s = self.session
        if kind == "moment":
            m = s.get(EntityKind.MOMENT, entity_id)
            if isinstance(m, Moment) and m.recording_id == self.recording_id:
                return Entry("moment", entity_id, m.frame, m.principle_id, m.participant_id,
                             m.note, m.valence is Valence.WORKING_POINT)
        elif kind == "clip":
            c = s.get(EntityKind.CLIP, entity_id)
            if isinstance(c, Clip) and c.recording_id == self.recording_id:
                return Entry("clip", entity_id, c.range.start, None, None,
                             f"{c.title} {c.caption}", end=c.range.end, title=c.title)
        else:
            t = s.get(EntityKind.STILL, entity_id)
            if isinstance(t, Still) and t.recording_id == self.recording_id:
                return Entry("still", entity_id, t.frame, None, None, t.caption)
        return None

    def _apply(self, change: Change) -> None:
        """Update only the rows a change touched.

        Rows are removed and re-inserted; the view's selection must not be read back as the
        practitioner's choice meanwhile (that dropped the selected moment after each edit).
        """
        self._syncing = True
        try:
            self._apply_rows(change)
        finally:
            self._syncing = False
        self._show_selection()
        self._fill_summary()

    def _apply_rows(self, change: Change) -> None:
        for kind, ek in (("moment", EntityKind.MOMENT), ("clip", EntityKind.CLIP),
                         ("still", EntityKind.STILL)):
            for entity_id in change.ids(ek):
                old = self._all.pop((kind, entity_id), None)
                if old is not None:
                    self.model.remove(old)
                new = self._entry(kind, entity_id)
                if new is not None:
                    self._all[(kind, entity_id)] = new
                    if self._passes(new):
                        self.model.insert(new)

    def _fill_summary(self) -> None:
        by_principle: Counter[int | None] = Counter()
        by_person: Counter[int | None] = Counter()
        for e in self._all.values():
            if e.kind == "moment":
                by_principle[e.principle_id] += 1
                by_person[e.participant_id] += 1
        names = {pid: p.name for pid, p in self._principles.items()}
        order = {pid: i for i, pid in enumerate(names)}
        parts = [f"{names.get(pid, '?')}: {n}"
                 for pid, n in sorted(by_principle.items(), key=lambda kv: order.get(kv[0], 99))]
        who = [f"{self._people.get(k, 'nobody')}: {n}" for k, n in by_person.most_common()]
        total = sum(by_principle.values())
        self.summary.setText(f"{total} moments — " + "; ".join(parts) +
                             ("\nBy participant — " + "; ".join(who) if who else ""))

    # --- selection in step --------------------------------------------------------------

    def _clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.player.seek(self.model.rows[index.row()].frame)

    def selected_rows(self) -> list[int]:
        return sorted(i.row() for i in self.view.selectionModel().selectedRows())

    def _list_selection(self) -> None:
        if self._syncing:
            return
        chosen = [self.model.rows[r] for r in self.selected_rows()]
        self.selection.set(moments=[e.id for e in chosen if e.kind == "moment"],
                           clips=[e.id for e in chosen if e.kind == "clip"],
                           stills=[e.id for e in chosen if e.kind == "still"])

    def _show_selection(self) -> None:
        wanted = ([("moment", i) for i in self.selection.moments]
                  + [("clip", i) for i in self.selection.clips]
                  + [("still", i) for i in self.selection.stills])
        found = (self.model.row_of(self._all[w]) for w in wanted if w in self._all)
        rows = sorted(r for r in found if r is not None)
        chosen = QItemSelection()
        last = self.model.columnCount() - 1
        for r in rows:
            chosen.select(self.model.index(r, 0), self.model.index(r, last))
        self._syncing = True
        try:
            self.view.selectionModel().select(
                chosen, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            if rows:
                self.view.scrollTo(self.model.index(rows[0], 0),
                                   QTableView.ScrollHint.EnsureVisible)
        finally:
            self._syncing = False

    def _double_clicked(self, index: QModelIndex) -> None:
        """Double-click a clip or still to rename it."""
        from vigstudio.gui.annotations.naming import rename

        if index.isValid() and not self.session.read_only:
            e = self.model.rows[index.row()]
            if e.kind in ("clip", "still"):
                rename(self.session, self, e.kind, e.id)

    def _context_menu(self, pos: QPoint) -> None:
        from vigstudio.gui.annotations import item_menu as menus

        index = self.view.indexAt(pos)
        if not index.isValid():
            return
        e = self.model.rows[index.row()]
        if not self.selection.contains(e.kind, e.id):
            self.selection.set(**{e.kind + "s": [e.id]})
        menus.show_menu(menus.item_menu(self.session, self, self.selection, self.player),
                        self.view.viewport().mapToGlobal(pos))

    def delete_selected(self) -> None:
        """Delete what is selected (asking first when a reel shows it)."""
        from vigstudio.gui.annotations.deleting import delete_annotations

        sel = self.selection
        delete_annotations(self.session, self, moments=sel.moments, clips=sel.clips,
                           stills=sel.stills)

    def _on_change(self, change: Change) -> None:
        if change.touches(EntityKind.PRINCIPLE, EntityKind.PARTICIPANT,
                           EntityKind.RECORDING):
            self._fill_filters()
            self.refill()
        elif change.touches(EntityKind.MOMENT, EntityKind.CLIP, EntityKind.STILL):
            if len(change.refs) > 200:
                self.refill()
            else:
                self._apply(change)
