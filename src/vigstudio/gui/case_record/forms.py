"""Small forms (modal dialogs) for one entry of the case record: a participant, a helping
question, a cycle, a shared review, a consent record.

A form only collects values; the case record dialog turns them into one session edit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app.defaults import participant_colour
from vigstudio.app.session import CaseSession
from vigstudio.domain.media import RecordingKind
from vigstudio.domain.privacy import SCOPE_WORDS
from vigstudio.domain.project import (
    Consent,
    ConsentScope,
    Cycle,
    HelpingQuestion,
    Participant,
    Role,
    SharedReview,
)
from vigstudio.gui.case_record.widgets import DateField, NotesEdit, OptionalDateField, hint
from vigstudio.gui.swatch import swatch

ROLE_TEXT: dict[Role, str] = {
    Role.PERSON: "person (usually the child)",
    Role.PARTNER: "partner (usually the parent)",
    Role.GUIDER: "guider (the practitioner)",
    Role.OTHER: "other (sibling, visitor, supervisor)",
}

SCOPE_TEXT: dict[ConsentScope, str] = SCOPE_WORDS  # the domain's words, one place

SCOPE_TIP: dict[ConsentScope, str] = {
    ConsentScope.FEEDBACK: "The recordings may be shown back to the family in a shared review.",
    ConsentScope.SUPERVISION: "The practitioner's supervisor may watch the recordings.",
    ConsentScope.TRAINING: "The recordings may be used to train other practitioners.",
    ConsentScope.SHARING: "The recordings may be shared beyond the family and supervision.",
}


class _Form(QDialog):
    """A titled form with OK and Cancel; OK is enabled only while the form is complete."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)

    def _set_complete(self, complete: bool) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(complete)

    def ok_enabled(self) -> bool:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()


class ParticipantForm(_Form):
    """Pseudonym, role and colour of one participant."""

    def __init__(self, participant: Participant | None = None,
                 parent: QWidget | None = None, *, used_colours: Iterable[str] = ()) -> None:
        super().__init__("Edit participant" if participant else "Add participant", parent)
        self._used = list(used_colours)
        self.pseudonym = QLineEdit(participant.pseudonym if participant else "", self)
        self.pseudonym.setPlaceholderText("e.g. Mum, Child A, Sibling")
        self.pseudonym.setToolTip("A pseudonym or a role word. Never a real name.")
        self.role = QComboBox(self)
        for role, text in ROLE_TEXT.items():
            self.role.addItem(text, role.value)
        self.role.setToolTip(
            "Person: the one whose initiatives are received (usually the child).\n"
            "Partner: the one whose attuned responses are looked at (usually the parent).\n"
            "Guider: the practitioner.")
        self.colour_button = QPushButton(self)
        self.colour_button.setToolTip("The colour of this participant's moments on the timeline")
        self.colour_button.clicked.connect(self.pick_colour)
        self._colour_chosen = participant is not None
        role = participant.role if participant else Role.PARTNER
        self.role.setCurrentIndex(list(ROLE_TEXT).index(role))
        self._colour = (participant.colour if participant
                        else participant_colour(role, self._used))
        self._show_colour()
        self.role.currentIndexChanged.connect(self._role_changed)
        self.pseudonym.textChanged.connect(lambda _t: self._check())
        self.form.addRow("Pseudonym", self.pseudonym)
        self.form.addRow("", hint("Use a pseudonym or a role word (“Mum”, “Child”), never a "
                                  "real name: laptops get lost.", self))
        self.form.addRow("Role", self.role)
        self.form.addRow("Colour", self.colour_button)
        self._check()

    def values(self) -> tuple[str, Role, str]:
        return self.pseudonym.text().strip(), Role(self.role.currentData()), self._colour

    def set_colour(self, colour: str) -> None:
        self._colour = colour
        self._colour_chosen = True
        self._show_colour()

    def pick_colour(self) -> None:
        chosen = QColorDialog.getColor(QColor(self._colour), self, "Participant colour")
        if chosen.isValid():
            self.set_colour(chosen.name())

    def _role_changed(self, _index: int) -> None:
        if not self._colour_chosen:  # a new participant follows the role's usual colour
            self._colour = participant_colour(Role(self.role.currentData()), self._used)
            self._show_colour()

    def _show_colour(self) -> None:
        self.colour_button.setIcon(swatch(self._colour))
        self.colour_button.setText(f"  {self._colour}  Choose…")

    def _check(self) -> None:
        self._set_complete(bool(self.pseudonym.text().strip()))


def _participant_combo(session: CaseSession, parent: QWidget, empty: str | None,
                       current: int | None) -> QComboBox:
    combo = QComboBox(parent)
    if empty is not None:
        combo.addItem(empty, None)
    for p in session.participants():
        combo.addItem(swatch(p.colour), f"{p.pseudonym} ({p.role.value})", p.id)
    index = combo.findData(current) if current is not None else 0
    combo.setCurrentIndex(max(index, 0))
    return combo


class QuestionForm(_Form):
    """A helping question in the parent's own words, when it was agreed and who said it."""

    def __init__(self, session: CaseSession, question: HelpingQuestion | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Edit helping question" if question else "Add helping question",
                         parent)
        self.text = NotesEdit(self, lines=4)
        self.text.set_text(question.text if question else "")
        self.text.setPlaceholderText("“I want us to have fun together without it ending in a "
                                     "row.”")
        self.text.setToolTip("Write the parent's own words, exactly as they said them.")
        self.agreed = DateField(question.agreed_on if question else None, self)
        self.agreed.setToolTip("The day the question was agreed with the parent")
        said = question.said_by_id if question else next(
            (p.id for p in session.participants() if p.role is Role.PARTNER), None)
        self.said_by = _participant_combo(session, self, "— not recorded —", said)
        self.said_by.setToolTip("Who said it (usually the parent)")
        self.text.textChanged.connect(self._check)
        self.form.addRow("In their own words", self.text)
        self.form.addRow("", hint("The words are kept exactly as you type them.", self))
        self.form.addRow("Agreed on", self.agreed)
        self.form.addRow("Said by", self.said_by)
        self._check()

    def values(self) -> tuple[str, dt.date, int | None]:
        said = self.said_by.currentData()
        return self.text.text(), self.agreed.value(), said if isinstance(said, int) else None

    def _check(self) -> None:
        self._set_complete(bool(self.text.text().strip()))


class CycleForm(_Form):
    """A cycle's number, the day it was filmed and notes."""

    def __init__(self, number: int, cycle: Cycle | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Edit cycle {cycle.number}" if cycle else "Add cycle", parent)
        self.number = QSpinBox(self)
        self.number.setRange(1, 999)
        self.number.setValue(cycle.number if cycle else number)
        self.number.setToolTip("Cycles are numbered 1, 2, 3… in the order they happen")
        self.filmed = OptionalDateField("Filmed on", cycle.filmed_on if cycle else None,
                                        parent=self)
        self.filmed.setToolTip("The day of the filming that starts this cycle")
        self.notes = NotesEdit(self, lines=4)
        self.notes.set_text(cycle.notes if cycle else "")
        self.notes.setPlaceholderText("What was filmed (a meal, play, homework)…")
        self.form.addRow("Cycle", self.number)
        self.form.addRow("Filming", self.filmed)
        self.form.addRow("Notes", self.notes)

    def values(self) -> tuple[int, dt.date | None, str]:
        return self.number.value(), self.filmed.value(), self.notes.text()


class ReviewForm(_Form):
    """A shared review: when it was held, the parent's reflections, the next goal, and the
    recording of the review itself if it was filmed."""

    def __init__(self, session: CaseSession, cycle: Cycle, review: SharedReview | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Shared review of cycle {cycle.number}", parent)
        self.held = DateField(review.held_on if review else None, self)
        self.held.setToolTip("The day of the home visit where the edit was watched together")
        self.reflections = NotesEdit(self, lines=6)
        self.reflections.set_text(review.parent_reflections if review else "")
        self.reflections.setPlaceholderText("“I saw that she looked at me when I waited.”")
        self.reflections.setToolTip("What the parent said while watching, in their own words")
        self.next_goal = NotesEdit(self, lines=2)
        self.next_goal.set_text(review.next_goal if review else "")
        self.next_goal.setPlaceholderText("The goal agreed at the end of the review")
        self.next_goal.setMaximumHeight(self.next_goal.minimumHeight())
        self.recording = QComboBox(self)
        self.recording.addItem("— not filmed —", None)
        recordings = sorted(session.recordings(),
                            key=lambda r: (r.kind is not RecordingKind.SHARED_REVIEW, r.id or 0))
        for rec in recordings:
            kind = " (review film)" if rec.kind is RecordingKind.SHARED_REVIEW else ""
            self.recording.addItem(f"{rec.display_title}{kind}", rec.id)
        if review is not None and review.recording_id is not None:
            self.recording.setCurrentIndex(max(self.recording.findData(review.recording_id), 0))
        self.recording.setToolTip("If the review itself was filmed (for supervision), the "
                                  "recording of it")
        self.form.addRow("Held on", self.held)
        self.form.addRow("Parent's reflections", self.reflections)
        self.form.addRow("", hint("Write down the parent's own words.", self))
        self.form.addRow("Next goal", self.next_goal)
        self.form.addRow("Review filmed", self.recording)
        self.setMinimumWidth(520)

    def values(self) -> tuple[dt.date, str, str, int | None]:
        rec = self.recording.currentData()
        return (self.held.value(), self.reflections.text(), self.next_goal.text(),
                rec if isinstance(rec, int) else None)


class ConsentForm(_Form):
    """Who consented, to which use, from when, until when, with a note."""

    def __init__(self, session: CaseSession, consent: Consent | None = None,
                 participant_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Edit consent" if consent else "Record consent", parent)
        who = consent.participant_id if consent else participant_id
        self.participant = _participant_combo(session, self, None, who)
        self.participant.setToolTip("The participant who gave (or whose carer gave) consent")
        self.scope = QComboBox(self)
        for i, (scope, text) in enumerate(SCOPE_TEXT.items()):
            self.scope.addItem(text, scope.value)
            self.scope.setItemData(i, SCOPE_TIP[scope], Qt.ItemDataRole.ToolTipRole)
        if consent is not None:
            self.scope.setCurrentIndex(list(SCOPE_TEXT).index(consent.scope))
        self.scope.setToolTip("What the recordings may be used for")
        self.given = DateField(consent.given_on if consent else None, self)
        self.expires = OptionalDateField("Expires on", consent.expires_on if consent else None,
                                         parent=self)
        self.expires.setToolTip("Leave unticked if the consent has no end date")
        self.withdrawn: OptionalDateField | None = None
        if consent is not None:
            self.withdrawn = OptionalDateField("Withdrawn on", consent.withdrawn_on, parent=self)
        self.note = QLineEdit(consent.note if consent else "", self)
        self.note.setPlaceholderText("e.g. signed form in the case file")
        self.form.addRow("Participant", self.participant)
        self.form.addRow("Use", self.scope)
        self.form.addRow("Given on", self.given)
        self.form.addRow("End", self.expires)
        if self.withdrawn is not None:
            self.form.addRow("Withdrawal", self.withdrawn)
            width = max(self.expires.check.sizeHint().width(),
                        self.withdrawn.check.sizeHint().width())
            for field in (self.expires, self.withdrawn):
                field.check.setMinimumWidth(width)
        self.form.addRow("Note", self.note)
        self._set_complete(self.participant.count() > 0)

    def values(self) -> tuple[int, ConsentScope, dt.date, dt.date | None, dt.date | None, str]:
        return (int(self.participant.currentData()), ConsentScope(self.scope.currentData()),
                self.given.value(), self.expires.value(),
                self.withdrawn.value() if self.withdrawn else None, self.note.text())

