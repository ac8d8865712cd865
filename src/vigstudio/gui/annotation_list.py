"""The list of a recording's moments, clips and stills, with filter, search and summary counts.

Clicking an entry seeks the player to it and selects it (the timeline shows the same
selection); selecting on the timeline highlights the entry here.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
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

_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True, slots=True)
class Entry:
    kind: str  # "moment", "clip" or "still"
    id: int
    frame: int
    principle_id: int | None
    participant_id: int | None
    text: str  # note, title or caption: what search looks in


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
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["", "Frame", "Timecode", "What", "Who", "Note"])
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.ExtendedSelection)
        self.tree.itemClicked.connect(self._clicked)
        self.tree.itemSelectionChanged.connect(self._list_selection)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        filters = QHBoxLayout()
        for w in (self.kind, self.principle, self.participant):
            filters.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
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
        self.tree.clear()
        for e in self.visible_entries():
            what, note, icon = "", e.text, None
            frame_text = str(e.frame)
            if e.kind == "moment":
                principle = principles.get(e.principle_id)
                what = principle.name if principle else "?"
                icon = swatch(principle.colour) if principle else None
                if moments[e.id].valence is Valence.WORKING_POINT:
                    what += " (working point)"
            elif e.kind == "clip":
                clip = clips[e.id]
                what = clip.title or f"Clip, {clip.range.duration} frames"
                frame_text = f"{clip.range.start}–{clip.range.last}"
                note = clip.caption
            else:
                what = "Still"
            item = QTreeWidgetItem([e.kind, frame_text, frames_to_timecode(e.frame, self.rate),
                                    what, people.get(e.participant_id, ""), note])
            if icon is not None:
                item.setIcon(3, icon)
            item.setData(0, _ROLE, (e.kind, e.id, e.frame))
            self.tree.addTopLevelItem(item)
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

    def _clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        _kind, _id, frame = item.data(0, _ROLE)
        self.player.seek(frame)

    def _list_selection(self) -> None:
        if self._syncing:
            return
        chosen = [item.data(0, _ROLE) for item in self.tree.selectedItems()]
        self.selection.set(moments=[i for k, i, _f in chosen if k == "moment"],
                           clips=[i for k, i, _f in chosen if k == "clip"],
                           stills=[i for k, i, _f in chosen if k == "still"])

    def _show_selection(self) -> None:
        wanted = ({("moment", i) for i in self.selection.moments}
                  | {("clip", i) for i in self.selection.clips}
                  | {("still", i) for i in self.selection.stills})
        self._syncing = True
        try:
            for row in range(self.tree.topLevelItemCount()):
                item = self.tree.topLevelItem(row)
                if item is None:
                    continue
                kind, entity_id, _frame = item.data(0, _ROLE)
                item.setSelected((kind, entity_id) in wanted)
        finally:
            self._syncing = False

    def _on_change(self, change: Change) -> None:
        if change.touches(EntityKind.PRINCIPLE, EntityKind.PARTICIPANT):
            self._fill_filters()
        if change.touches(EntityKind.MOMENT, EntityKind.CLIP, EntityKind.STILL,
                          EntityKind.PRINCIPLE, EntityKind.PARTICIPANT):
            self.refill()
