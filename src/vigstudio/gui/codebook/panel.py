"""The codebook panel: principles with colour, name and key; the participant switch; and the
selected moment's note, strength/working point flag and helping question."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app.changes import Change
from vigstudio.app.session import CaseSession
from vigstudio.domain.annotations import Moment, Valence
from vigstudio.domain.entities import EntityKind
from vigstudio.errors import VigError
from vigstudio.gui.annotations.selection import AnnotationSelection
from vigstudio.gui.codebook.editor import CodebookEditor
from vigstudio.gui.codebook.tagging import TaggingController
from vigstudio.gui.listening import until_teardown
from vigstudio.gui.swatch import swatch

_PRINCIPLE_ROLE = Qt.ItemDataRole.UserRole
_BEHAVIOUR_ROLE = Qt.ItemDataRole.UserRole + 1


class CodebookPanel(QWidget):
    """Click (or press its key) to tag; needs the session, the tagging controller and the
    shared selection (for the moment editor)."""

    def __init__(self, session: CaseSession, tagging: TaggingController,
                 selection: AnnotationSelection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.tagging = tagging
        self.selection = selection

        self.participant = QComboBox(self)
        self.participant.currentIndexChanged.connect(self._participant_chosen)
        self.working_point = QCheckBox("Next tag is a working point (W)", self)
        self.working_point.toggled.connect(
            lambda on: tagging.set_valence(Valence.WORKING_POINT if on else Valence.STRENGTH))
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["Principle / behaviour", "Key"])
        self.tree.setRootIsDecorated(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, header.ResizeMode.Stretch)
        header.setSectionResizeMode(1, header.ResizeMode.ResizeToContents)
        self.tree.itemActivated.connect(self._item_activated)
        self.tree.itemDoubleClicked.connect(self._item_activated)
        self.edit_button = QPushButton("Edit codebook…", self)
        self.edit_button.clicked.connect(self.open_editor)

        self.moment_box = QGroupBox("Selected moment", self)
        self.moment_label = QLabel("", self.moment_box)
        self.note = QLineEdit(self.moment_box)
        self.note.setPlaceholderText("What happened here (for the shared review)")
        self.note.editingFinished.connect(self._note_edited)
        self.valence = QComboBox(self.moment_box)
        self.valence.addItem("Strength", Valence.STRENGTH.value)
        self.valence.addItem("Working point", Valence.WORKING_POINT.value)
        self.valence.activated.connect(lambda _i: self._edit_moment(
            valence=Valence(self.valence.currentData())))
        self.question = QComboBox(self.moment_box)
        self.question.activated.connect(lambda _i: self._edit_moment(
            helping_question_id=self.question.currentData()))
        form = QFormLayout(self.moment_box)
        form.addRow(self.moment_label)
        form.addRow("Note", self.note)
        form.addRow("Kind", self.valence)
        form.addRow("Helping question", self.question)

        top = QHBoxLayout()
        top.addWidget(QLabel("Tagging", self))
        top.addWidget(self.participant, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.working_point)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.edit_button)
        layout.addWidget(self.moment_box)

        tagging.participantChanged.connect(lambda _p: self._sync_participant())
        tagging.valenceChanged.connect(lambda v: self.working_point.setChecked(
            v == Valence.WORKING_POINT.value))
        selection.changed.connect(self._show_moment)
        unsubscribe = session.subscribe(self._on_change)
        until_teardown(self, unsubscribe)
        self.refresh()

    # --- filling ------------------------------------------------------------------------

    def refresh(self) -> None:
        self._fill_participants()
        self._fill_tree()
        self._fill_questions()
        self._show_moment()

    def _fill_participants(self) -> None:
        self.participant.blockSignals(True)
        self.participant.clear()
        self.participant.addItem("(nobody in particular)", None)
        for i, person in enumerate(self.session.participants()):
            key = f"  Ctrl+{i + 1}" if i < 9 else ""
            self.participant.addItem(swatch(person.colour),
                                     f"{person.pseudonym} ({person.role.value}){key}", person.id)
        self.participant.blockSignals(False)
        self._sync_participant()

    def _sync_participant(self) -> None:
        index = self.participant.findData(self.tagging.participant_id)
        self.participant.blockSignals(True)
        self.participant.setCurrentIndex(max(0, index))
        self.participant.blockSignals(False)

    def _fill_tree(self) -> None:
        self.tree.clear()
        for principle in self.session.principles():
            item = QTreeWidgetItem([principle.name, principle.shortcut])
            item.setIcon(0, swatch(principle.colour))
            item.setData(0, _PRINCIPLE_ROLE, principle.id)
            item.setToolTip(0, principle.description)
            for behaviour in principle.behaviours:
                child = QTreeWidgetItem([behaviour.name, ""])
                child.setData(0, _PRINCIPLE_ROLE, principle.id)
                child.setData(0, _BEHAVIOUR_ROLE, behaviour.id)
                item.addChild(child)
            self.tree.addTopLevelItem(item)
        self.tree.resizeColumnToContents(1)

    def _fill_questions(self) -> None:
        self.question.clear()
        self.question.addItem("(none)", None)
        for q in self.session.helping_questions():
            self.question.addItem(q.text, q.id)

    # --- actions ------------------------------------------------------------------------

    def _participant_chosen(self, _index: int) -> None:
        self.tagging.set_participant(self.participant.currentData())

    def _item_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        principle_id = item.data(0, _PRINCIPLE_ROLE)
        if principle_id is not None:
            self.tagging.tag(int(principle_id), item.data(0, _BEHAVIOUR_ROLE))

    def open_editor(self) -> None:
        CodebookEditor(self.session, self).exec()

    def selected_moment(self) -> Moment | None:
        if len(self.selection.moments) != 1:
            return None
        (moment_id,) = self.selection.moments
        try:
            return self.session.moment(moment_id)
        except VigError:
            return None

    def _show_moment(self) -> None:
        moment = self.selected_moment()
        self.moment_box.setEnabled(moment is not None)
        if moment is None:
            self.moment_label.setText("Select one moment to edit it.")
            self.note.setText("")
            return
        principle = self.session.principle(moment.principle_id)
        self.moment_label.setText(f"{principle.name} at frame {moment.frame}")
        if not self.note.hasFocus():
            self.note.setText(moment.note)
        self.valence.setCurrentIndex(self.valence.findData(moment.valence.value))
        self.question.setCurrentIndex(max(0, self.question.findData(moment.helping_question_id)))

    def _note_edited(self) -> None:
        moment = self.selected_moment()
        if moment is not None and moment.note != self.note.text():
            self._edit_moment(note=self.note.text())

    def _edit_moment(self, **fields: object) -> None:
        moment = self.selected_moment()
        if moment is None:
            return
        try:
            self.session.update_moment(replace(moment, **fields))  # type: ignore[arg-type]
        except VigError as exc:
            self.tagging.message.emit(str(exc))

    def _on_change(self, change: Change) -> None:
        if change.touches(EntityKind.PRINCIPLE, EntityKind.CODEBOOK):
            self._fill_tree()
        if change.touches(EntityKind.PARTICIPANT):
            self._fill_participants()
        if change.touches(EntityKind.HELPING_QUESTION):
            self._fill_questions()
        if change.touches(EntityKind.MOMENT):
            self._show_moment()
