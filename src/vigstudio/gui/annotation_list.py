"""The list of a recording's moments, clips and stills, with filter, search and summary counts.

Clicking an entry seeks the player to it and selects it (the timeline shows the same
selection); selecting on the timeline highlights the entry here.
"""

from __future__ import annotations

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
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app.changes import Change
from vigstudio.app.session import CaseSession
from vigstudio.domain.annotations import Valence
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


_COLUMNS = ("", "Frame", "Timecode", "What", "Who", "Note")


@dataclass(frozen=True, slots=True)
class ListRow:
    """One shown line: what the columns say, plus the entry it stands for."""

    entry: Entry
    texts: tuple[str, str, str, str, str, str]
    colour: str | None  # the principle's swatch for moments


class AnnotationTableModel(QAbstractTableModel):
    """The filtered entries as a table (Qt asks only for the rows on screen)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ListRow] = []
        self._icons: dict[str, QIcon] = {}
        self.row_of: dict[tuple[str, int], int] = {}

    def set_rows(self, rows: list[ListRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.row_of = {(r.entry.kind, r.entry.id): i for i, r in enumerate(rows)}
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(_COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.texts[index.column()]
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 3 and row.colour:
            icon = self._icons.get(row.colour)
            if icon is None:
                icon = self._icons[row.colour] = swatch(row.colour)
            return icon
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 5:
            return row.texts[5]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _COLUMNS[section]
        return None

    def text(self, row: int, column: int) -> str:
        return self.rows[row].texts[column]


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
        self.model = AnnotationTableModel(self)
        self.view = QTreeView(self)
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QTreeView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTreeView.SelectionMode.ExtendedSelection)
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
        out = [Entry("moment", m.id or 0, m.frame, m.principle_id, m.participant_id, m.note)
               for m in s.moments(rid)]
        out += [Entry("clip", c.id or 0, c.range.start, None, None, f"{c.title} {c.caption}")
                for c in s.clips(rid)]
        out += [Entry("still", t.id or 0, t.frame, None, None, t.caption) for t in s.stills(rid)]
        return sorted(out, key=lambda e: (e.frame, e.kind, e.id))

    def visible_entries(self) -> list[Entry]:
        kind = self.kind.currentData()
        principle = self.principle.currentData()
        participant = self.participant.currentData()
        text = self.search.text().strip().lower()
        result = []
        for e in self.entries():
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
        principles = {p.id: p for p in self.session.principles()}
        people = {p.id: p.pseudonym for p in self.session.participants()}
        moments = {m.id: m for m in self.session.moments(self.recording_id)}
        clips = {c.id: c for c in self.session.clips(self.recording_id)}
        rows: list[ListRow] = []
        for e in self.visible_entries():
            what, note, colour = "", e.text, None
            frame_text = str(e.frame)
            if e.kind == "moment":
                principle = principles.get(e.principle_id)
                what = principle.name if principle else "?"
                colour = principle.colour if principle else None
                if moments[e.id].valence is Valence.WORKING_POINT:
                    what += " (working point)"
            elif e.kind == "clip":
                clip = clips[e.id]
                what = clip.title or f"Clip, {clip.range.duration} frames"
                frame_text = f"{clip.range.start}–{clip.range.last}"
                note = clip.caption
            else:
                what = "Still"
            rows.append(ListRow(e, (e.kind, frame_text, frames_to_timecode(e.frame, self.rate),
                                    what, people.get(e.participant_id, ""), note), colour))
        self.model.set_rows(rows)
        self._show_selection()
        self._fill_summary(people)

    def _fill_summary(self, people: dict[int | None, str]) -> None:
        counts = self.session.moment_counts(self.recording_id)
        by_principle: dict[int, int] = {}
        by_person: dict[int | None, int] = {}
        for (pid, person), n in counts.items():
            by_principle[pid] = by_principle.get(pid, 0) + n
            by_person[person] = by_person.get(person, 0) + n
        names = {p.id: p.name for p in self.session.principles()}
        parts = [f"{names.get(pid, '?')}: {n}" for pid, n in sorted(by_principle.items())]
        who = [f"{people.get(k, 'nobody')}: {n}" for k, n in by_person.items()]
        total = sum(counts.values())
        self.summary.setText(f"{total} moments — " + "; ".join(parts) +
                             ("\nBy participant — " + "; ".join(who) if who else ""))

    # --- selection in step --------------------------------------------------------------

    def _clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.player.seek(self.model.rows[index.row()].entry.frame)

    def selected_rows(self) -> list[int]:
        return sorted(i.row() for i in self.view.selectionModel().selectedRows())

    def _list_selection(self) -> None:
        if self._syncing:
            return
        chosen = [self.model.rows[r].entry for r in self.selected_rows()]
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
                self.view.scrollTo(self.model.index(rows[0], 0))
        finally:
            self._syncing = False

    def _on_change(self, change: Change) -> None:
        if change.touches(EntityKind.PRINCIPLE, EntityKind.PARTICIPANT):
            self._fill_filters()
        if change.touches(EntityKind.MOMENT, EntityKind.CLIP, EntityKind.STILL,
                          EntityKind.PRINCIPLE, EntityKind.PARTICIPANT):
            self.refill()
