"""The case at a glance: the family's pseudonym, participants, helping questions, recordings."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app.changes import Change
from vigstudio.app.session import CaseSession, RecordingStatus
from vigstudio.domain.entities import EntityKind
from vigstudio.domain.time import format_seconds

_RECORDING_ROLE = Qt.ItemDataRole.UserRole + 1
_TAB_ROLE = Qt.ItemDataRole.UserRole + 2

_CASE_KINDS = (EntityKind.CASE, EntityKind.PARTICIPANT, EntityKind.HELPING_QUESTION,
               EntityKind.RECORDING, EntityKind.CYCLE, EntityKind.SHARED_REVIEW)


def _swatch(colour: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class CasePanel(QWidget):
    """Lists the case's contents; activating a recording emits ``recordingChosen(id)``,
    double-clicking any other entry ``recordRequested(tab)`` (a case record tab name)."""

    recordingChosen = Signal(int)
    recordRequested = Signal(str)

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderHidden(True)
        self.tree.setWordWrap(True)
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemClicked.connect(self._activated)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.tree.setToolTip("Double-click participants, helping questions or cycles to edit "
                             "the case record")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.tree, 1)
        self._current: int | None = None
        self.refresh()

    def on_change(self, change: Change) -> None:
        if change.touches(*_CASE_KINDS):
            self.refresh()

    def set_current(self, recording_id: int | None) -> None:
        self._current = recording_id
        self.refresh()

    def refresh(self) -> None:
        s = self.session
        case = s.case()
        self.title.setText(case.name + ("  (read-only)" if s.read_only else ""))
        self.tree.clear()

        recordings = QTreeWidgetItem(self.tree, ["Recordings"])
        for rec in s.recordings():
            assert rec.id is not None
            info = rec.info
            length = format_seconds(info.duration)
            text = f"{rec.display_title}  —  {length}, {info.display_size[0]}×" \
                   f"{info.display_size[1]}"
            item = QTreeWidgetItem(recordings, [text])
            item.setData(0, _RECORDING_ROLE, rec.id)
            status = s.recording_status(rec.id)
            if status is RecordingStatus.OFFLINE:
                item.setText(0, f"{text}  [offline: file not found]")
                item.setForeground(0, QColor("#b00020"))
            elif status is RecordingStatus.CHANGED:
                item.setText(0, f"{text}  [the file differs from the one imported]")
                item.setForeground(0, QColor("#b00020"))
            if rec.id == self._current:
                font = item.font(0)
                font.setBold(True)
                item.setFont(0, font)
            item.setToolTip(0, f"{rec.path}\n{info.video_codec}, {info.frame_count} frames, "
                               f"{info.frame_rate}" + (" (variable)" if
                                                       info.variable_frame_rate else ""))
        if not s.recordings():
            QTreeWidgetItem(recordings, ["No recordings yet: File ▸ Add recordings…"])

        people = QTreeWidgetItem(self.tree, ["Participants"])
        for p in s.participants():
            item = QTreeWidgetItem(people, [f"{p.pseudonym}  ({p.role.value})"])
            item.setIcon(0, _swatch(p.colour))

        questions = QTreeWidgetItem(self.tree, ["Helping questions"])
        for q in s.helping_questions():
            item = QTreeWidgetItem(questions, [f"“{q.text}”  ({q.agreed_on.isoformat()})"])
            item.setToolTip(0, q.text)

        cycles = QTreeWidgetItem(self.tree, ["Cycles"])
        reviews = s.shared_reviews()
        for c in s.cycles():
            when = f", filmed {c.filmed_on.isoformat()}" if c.filmed_on else ""
            item = QTreeWidgetItem(cycles, [f"Cycle {c.number}{when}"])
            for r in reviews:
                if r.cycle_id == c.id:
                    QTreeWidgetItem(item, [f"Shared review {r.held_on.isoformat()}"])
                    if r.parent_reflections:
                        QTreeWidgetItem(item, [f"Parent: “{r.parent_reflections}”"])
                    if r.next_goal:
                        QTreeWidgetItem(item, [f"Next goal: {r.next_goal}"])
        for item, tab in ((people, "participants"), (questions, "questions"),
                          (cycles, "cycles")):
            _mark(item, tab)
        self.tree.expandAll()

    def _double_clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        tab = item.data(0, _TAB_ROLE)
        if isinstance(tab, str):
            self.recordRequested.emit(tab)

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        rid = item.data(0, _RECORDING_ROLE)
        if isinstance(rid, int):
            self.recordingChosen.emit(rid)


def _mark(item: QTreeWidgetItem, tab: str) -> None:
    """Tag a section and everything under it with the case record tab that edits it."""
    item.setData(0, _TAB_ROLE, tab)
    for i in range(item.childCount()):
        child = item.child(i)
        if child is not None:
            _mark(child, tab)
