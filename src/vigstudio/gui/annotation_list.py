"""The list of a recording's moments, clips and stills, with filter, search and summary counts.

Clicking an entry seeks the player to it and selects it (the timeline shows the same
selection); selecting on the timeline highlights the entry here.
"""

from __future__ import annotations

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
    Qt,
)
from PySide6.QtGui import QIcon
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
from vigstudio.domain.annotations import Valence
from vigstudio.domain.codebook import Principle
from vigstudio.domain.time import frames_to_timecode
from vigstudio.gui.codebook_panel import swatch
from vigstudio.gui.timeline.ports import PlayerPort
from vigstudio.gui.timeline.selection import AnnotationSelection
from vigstudio.storage.records import EntityKind

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


_COLUMNS = ("", "Frame", "Timecode", "What", "Who", "Note")


class AnnotationTableModel(QAbstractTableModel):
    """The filtered entries as a table. Texts are made only for the rows Qt shows."""

    def __init__(self, describe: Callable[[Entry], tuple[tuple[str, ...], str | None]],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Entry] = []
        self.row_of: dict[tuple[str, int], int] = {}
        self._describe = describe
        self._texts: dict[int, tuple[tuple[str, ...], str | None]] = {}
        self._icons: dict[str, QIcon] = {}

    def set_rows(self, rows: list[Entry]) -> None:
        self.beginResetModel()
        self.rows = rows
        self._texts = {}
        self.row_of = {(e.kind, e.id): i for i, e in enumerate(rows)}
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(_COLUMNS)

    def described(self, row: int) -> tuple[tuple[str, ...], str | None]:
        found = self._texts.get(row)
        if found is None:
            found = self._texts[row] = self._describe(self.rows[row])
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
        self.rate = session.recording(recording_id).info.frame_rate
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
        self._people: dict[int | None, str] = {}
        self.model = AnnotationTableModel(self._describe, self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 4)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
        self.view.clicked.connect(self._clicked)
        self.view.selectionModel().selectionChanged.connect(self._list_selection)
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
        self.destroyed.connect(lambda *_: unsubscribe())
        self._fill_filters()
        self.refill()

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

    def visible_entries(self, entries: list[Entry] | None = None) -> list[Entry]:
        kind = self.kind.currentData()
        principle = self.principle.currentData()
        participant = self.participant.currentData()
        text = self.search.text().strip().lower()
        if kind is None and principle is None and participant is None and not text:
            return self.entries() if entries is None else entries
        result = []
        for e in self.entries() if entries is None else entries:
            if kind is not None and e.kind != kind:
                continue
            if principle is not None and e.principle_id != principle:
                continue
            if participant is not None and e.participant_id != participant:
                continue
            if text and text not in e.text.lower():
                continue
            result.append(e)
        return result

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
            what = e.title or f"Clip, {end - e.frame} frames"
            frame_text = f"{e.frame}–{end - 1}"
            note = e.text[len(e.title) + 1:]
        else:
            what = "Still"
        return ((e.kind, frame_text, frames_to_timecode(e.frame, self.rate), what,
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
        self.model.set_rows(self.visible_entries(entries))
        self._show_selection()
        self._fill_summary(entries)

    def _fill_summary(self, entries: list[Entry]) -> None:
        by_principle: Counter[int | None] = Counter()
        by_person: Counter[int | None] = Counter()
        for e in entries:
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
        rows = sorted(self.model.row_of[w] for w in wanted if w in self.model.row_of)
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

    def _on_change(self, change: Change) -> None:
        if change.touches(EntityKind.PRINCIPLE, EntityKind.PARTICIPANT):
            self._fill_filters()
        if change.touches(EntityKind.MOMENT, EntityKind.CLIP, EntityKind.STILL,
                          EntityKind.PRINCIPLE, EntityKind.PARTICIPANT):
            self.refill()
