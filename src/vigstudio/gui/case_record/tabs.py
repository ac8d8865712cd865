"""The tabs of the case record: case details, participants, helping questions, cycles and
shared reviews, consent, and the parent's decision about each clip.

Every button makes exactly one session edit (one undo step, saved at once). The tabs never
keep their own copy of the record: after each change they redraw from the session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app.session import CaseSession
from vigstudio.domain.annotations import Sharing
from vigstudio.domain.entities import EntityKind as K
from vigstudio.domain.privacy import (
    holds_on,
    missing_consent,
    needs_consent,
    scope_of_decision,
    standing,
)
from vigstudio.domain.time import format_seconds
from vigstudio.errors import VigError
from vigstudio.gui.case_record.forms import (
    ROLE_TEXT,
    SCOPE_TEXT,
    SCOPE_TIP,
    ConsentForm,
    CycleForm,
    ParticipantForm,
    QuestionForm,
    ReviewForm,
)
from vigstudio.gui.case_record.widgets import (
    NotesEdit,
    OptionalDateField,
    hint,
    show_date,
    show_error,
)
from vigstudio.gui.codebook.swatch import swatch

Today = Callable[[], dt.date]
F = TypeVar("F", bound=QDialog)
_ID = Qt.ItemDataRole.UserRole
_NOT_VALID = QColor("#f8e1dc")  # a pale, calm rose: a consent that does not hold today
_ATTENTION = "color: #a3402c;"


def _table(headers: Sequence[str], parent: QWidget) -> QTableWidget:
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


def _cell(text: str, item_id: int | None = None, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if item_id is not None:
        item.setData(_ID, item_id)
    item.setToolTip(tip or text)
    return item


def _selected_id(table: QTableWidget) -> int | None:
    row = table.currentRow()
    item = table.item(row, 0) if row >= 0 and table.selectionModel().hasSelection() else None
    value = item.data(_ID) if item is not None else None
    return value if isinstance(value, int) else None


def _select_id(table: QTableWidget, item_id: int | None) -> None:
    for row in range(table.rowCount()):
        item = table.item(row, 0)
        if item is not None and item_id is not None and item.data(_ID) == item_id:
            table.selectRow(row)
            return
    if table.rowCount():
        table.selectRow(0)


def _first_line(text: str, limit: int = 80) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[:limit - 1] + "…"


def _count(n: int, what: str) -> str:
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


# --- 1. the case ------------------------------------------------------------------------------

class CaseTab(RecordTab):
    """The family's pseudonym, notes and how long the recordings may be kept."""

    kinds = (K.CASE,)

    def __init__(self, session: CaseSession, today: Today, parent: QWidget | None = None):
        super().__init__(session, today, parent)
        self.name = QLineEdit(self)
        self.name.setToolTip("The name this case goes by in VIG Studio: a pseudonym")
        self.name.editingFinished.connect(self.save)
        self.created = QLabel(self)
        self.created.setToolTip("The day this case project was started (cannot be changed)")
        self.retention = OptionalDateField("Keep the recordings until", parent=self)
        self.retention.setToolTip("The end of the retention period your employer's policy sets "
                                  "for this family's recordings")
        self.retention.changed.connect(self.save)
        self.retention_note = QLabel(self)
        self.retention_note.setWordWrap(True)
        self.notes = NotesEdit(self, lines=8)
        self.notes.setPlaceholderText("Anything about the case you want to keep with it: the "
                                      "traject plan, practical arrangements…")
        self.notes.setToolTip("Case notes; saved when you leave the box")
        self.notes.editingFinished.connect(self.save)
        form = QFormLayout()
        form.addRow("Case (pseudonym)", self.name)
        form.addRow("", hint("Never use the family's real names. A pseudonym or a code is "
                             "enough to find the case again.", self))
        form.addRow("Started", self.created)
        form.addRow("Retention", self.retention)
        form.addRow("", self.retention_note)
        form.addRow("Notes", self.notes)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        self.refresh()
        if session.read_only:
            for w in (self.name, self.notes):
                w.setReadOnly(True)
            self.retention.setEnabled(False)

    def refresh(self) -> None:
        case = self.session.case()
        if self.name.text() != case.name:
            self.name.setText(case.name)
        self.created.setText(show_date(case.created_on))
        self.retention.set_value(case.retention_until)
        self.notes.set_text(case.notes)
        until = case.retention_until
        if until is None:
            self.retention_note.setText("No retention date set.")
            self.retention_note.setStyleSheet("")
        elif until < self.today():
            self.retention_note.setText(
                f"The retention period ended on {show_date(until)}: the recordings should be "
                "deleted or the period renewed.")
            self.retention_note.setStyleSheet(_ATTENTION)
        else:
            days = (until - self.today()).days
            self.retention_note.setText(f"{days} days left.")
            self.retention_note.setStyleSheet("")

    def save(self) -> None:
        if self.session.read_only:
            return
        case = self.session.case()
        new = replace(case, name=self.name.text().strip(), notes=self.notes.text(),
                      retention_until=self.retention.value())
        if new != case:
            self._try(lambda: self.session.update_case(new))

    def commit_pending(self) -> None:
        self.notes.finish()
        self.save()


# --- 2. participants --------------------------------------------------------------------------

class ParticipantsTab(RecordTab):
    """Everyone who appears in the recordings (or guides), by pseudonym and role."""

    kinds = (K.PARTICIPANT, K.MOMENT, K.CONSENT, K.HELPING_QUESTION)

    def __init__(self, session: CaseSession, today: Today, parent: QWidget | None = None):
        super().__init__(session, today, parent)
        self.table = _table(("Pseudonym", "Role", "Colour", "In the record"), self)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        buttons = QHBoxLayout()
        self._button("Add…", self.add, "Add someone who appears in the recordings", buttons)
        self._button("Edit…", self.edit_selected, "Change the pseudonym, role or colour",
                     buttons)
        self._button("Remove", self.remove_selected,
                     "Remove a participant nothing refers to any more", buttons)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint("Participants are named by pseudonym. The person is usually the "
                              "child, the partner the parent, the guider you.", self))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.refresh()
        self.apply_read_only()

    def refresh(self) -> None:
        keep = _selected_id(self.table)
        s = self.session
        moments = s.moments()
        self.table.setRowCount(0)
        for p in s.participants():
            row = self.table.rowCount()
            self.table.insertRow(row)
            uses = [_count(n, what) for n, what in (
                (sum(1 for m in moments if m.participant_id == p.id), "moment"),
                (len(s.consents(p.id)), "consent record"),
                (sum(1 for q in s.helping_questions() if q.said_by_id == p.id),
                 "helping question")) if n]
            colour = _cell("", tip=f"{p.colour}: the colour of {p.pseudonym}'s moments")
            colour.setIcon(swatch(p.colour, 16))
            self.table.setItem(row, 0, _cell(p.pseudonym, p.id))
            self.table.setItem(row, 1, _cell(ROLE_TEXT[p.role]))
            self.table.setItem(row, 2, colour)
            self.table.setItem(row, 3, _cell(", ".join(uses) or "—"))
        _select_id(self.table, keep)

    def add(self) -> None:
        def edit(form: ParticipantForm) -> object:
            name, role, colour = form.values()
            return self.session.add_participant(name, role, colour)

        self._ask(ParticipantForm(parent=self, used_colours=[
            p.colour for p in self.session.participants()]), edit)

    def edit_selected(self) -> None:
        pid = _selected_id(self.table)
        if pid is None or self.session.read_only:
            return
        p = self.session.participant(pid)

        def edit(form: ParticipantForm) -> object:
            name, role, colour = form.values()
            return self.session.update_participant(
                replace(p, pseudonym=name, role=role, colour=colour))

        self._ask(ParticipantForm(p, self), edit)

    def remove_selected(self) -> None:
        pid = _selected_id(self.table)
        if pid is not None:
            self._try(lambda: self.session.delete_participant(pid))


# --- 3. helping questions ---------------------------------------------------------------------

class QuestionsTab(RecordTab):
    """The parent's own goals, verbatim, in the order agreed."""

    kinds = (K.HELPING_QUESTION, K.PARTICIPANT)

    def __init__(self, session: CaseSession, today: Today, parent: QWidget | None = None):
        super().__init__(session, today, parent)
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSpacing(2)
        self.list.itemDoubleClicked.connect(lambda _i: self.edit_selected())
        buttons = QHBoxLayout()
        self._button("Add…", self.add, "Write down a helping question in the parent's words",
                     buttons)
        self._button("Edit…", self.edit_selected, "Change the words, date or who said it",
                     buttons)
        self._button("Remove", self.remove_selected,
                     "Remove the question (moments linked to it keep their tags)", buttons)
        self._button("Move up", lambda: self.move_selected(-1), "Show this question earlier",
                     buttons)
        self._button("Move down", lambda: self.move_selected(1), "Show this question later",
                     buttons)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint("A helping question is the parent's own goal, in their own "
                              "words. Most cases have one to three.", self))
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.refresh()
        self.apply_read_only()

    def selected_id(self) -> int | None:
        item = self.list.currentItem()
        value = item.data(_ID) if item is not None else None
        return value if isinstance(value, int) else None

    def refresh(self) -> None:
        keep = self.selected_id()
        self.list.clear()
        for q in self.session.helping_questions():
            said = ""
            if q.said_by_id is not None:
                said = f" · said by {self.session.participant(q.said_by_id).pseudonym}"
            item = QListWidgetItem(f"“{q.text.strip()}”\nagreed {show_date(q.agreed_on)}{said}")
            item.setData(_ID, q.id)
            item.setToolTip(q.text)
            self.list.addItem(item)
            if q.id == keep:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)

    def add(self) -> None:
        def edit(form: QuestionForm) -> object:
            text, agreed, said = form.values()
            return self.session.add_helping_question(
                text, agreed_on=agreed, said_by_id=said)

        self._ask(QuestionForm(self.session, parent=self), edit)

    def edit_selected(self) -> None:
        qid = self.selected_id()
        if qid is None or self.session.read_only:
            return
        q = self.session.helping_question(qid)

        def edit(form: QuestionForm) -> object:
            text, agreed, said = form.values()
            return self.session.update_helping_question(
                replace(q, text=text, agreed_on=agreed, said_by_id=said))

        self._ask(QuestionForm(self.session, q, self), edit)

    def remove_selected(self) -> None:
        qid = self.selected_id()
        if qid is not None:
            self._try(lambda: self.session.delete_helping_question(qid))

    def move_selected(self, delta: int) -> None:
        """Move the selected question up or down: one undo step."""
        qid = self.selected_id()
        order = self.session.helping_questions()
        index = next((i for i, q in enumerate(order) if q.id == qid), None)
        if index is None or not 0 <= index + delta < len(order):
            return
        order[index], order[index + delta] = order[index + delta], order[index]

        def renumber() -> None:
            with self.session.merged("Move helping question"):
                for position, q in enumerate(order):
                    if q.position != position:
                        self.session.update_helping_question(replace(q, position=position))

        self._try(renumber)


# --- 4. cycles and shared reviews -------------------------------------------------------------

class CyclesTab(RecordTab):
    """The cycles of filming, analysis and shared review, with each cycle's reviews."""

    kinds = (K.CYCLE, K.SHARED_REVIEW, K.RECORDING)

    def __init__(self, session: CaseSession, today: Today, parent: QWidget | None = None):
        super().__init__(session, today, parent)
        self.cycles = _table(("Cycle", "Filmed", "Notes"), self)
        self.cycles.doubleClicked.connect(lambda _i: self.edit_cycle())
        self.cycles.itemSelectionChanged.connect(self._show_reviews)
        self.reviews = _table(("Held on", "Parent's reflections", "Next goal", "Review filmed"),
                              self)
        self.reviews.doubleClicked.connect(lambda _i: self.edit_review())
        header = self.reviews.horizontalHeader()  # the parent's words are shown in full
        header.setStretchLastSection(False)
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        self.reviews.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.reviews.setStyleSheet("QTableView::item { padding: 4px 2px; }")
        self.reviews_box = QGroupBox("Shared reviews", self)

        cycle_buttons = QHBoxLayout()
        self._button("Add cycle…", self.add_cycle, "Start the next cycle", cycle_buttons)
        self._button("Edit…", self.edit_cycle, "Change the cycle's number, date or notes",
                     cycle_buttons)
        self._button("Remove", self.remove_cycle, "Remove a cycle nothing belongs to",
                     cycle_buttons)
        cycle_buttons.addStretch(1)
        review_buttons = QHBoxLayout()
        self.add_review_button = self._button(
            "Add shared review…", self.add_review,
            "Write down the shared review of this cycle: the parent's words and the next goal",
            review_buttons)
        self._button("Edit…", self.edit_review, "Change this shared review", review_buttons)
        self._button("Remove", self.remove_review, "Remove this shared review", review_buttons)
        self._button("Supervision package…", self.supervision_package,
                     "Export the filmed review's clips, working points and your reflection "
                     "for supervision", review_buttons)
        review_buttons.addStretch(1)

        cycles_box = QGroupBox("Cycles", self)
        box = QVBoxLayout(cycles_box)
        box.addWidget(self.cycles, 1)
        box.addLayout(cycle_buttons)
        box = QVBoxLayout(self.reviews_box)
        box.addWidget(self.reviews, 1)
        box.addLayout(review_buttons)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(cycles_box)
        split.addWidget(self.reviews_box)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(hint("Each cycle is one filming, its micro-analysis and the shared "
                              "review where the edit is watched with the parent.", self))
        layout.addWidget(split, 1)
        self.refresh()
        self.apply_read_only()

    def selected_cycle_id(self) -> int | None:
        return _selected_id(self.cycles)

    def selected_review_id(self) -> int | None:
        return _selected_id(self.reviews)

    def refresh(self) -> None:
        keep = self.selected_cycle_id()
        self.cycles.blockSignals(True)
        self.cycles.setRowCount(0)
        for c in self.session.cycles():
            row = self.cycles.rowCount()
            self.cycles.insertRow(row)
            self.cycles.setItem(row, 0, _cell(f"Cycle {c.number}", c.id))
            self.cycles.setItem(row, 1, _cell(show_date(c.filmed_on, "—")))
            self.cycles.setItem(row, 2, _cell(_first_line(c.notes), tip=c.notes))
        _select_id(self.cycles, keep)
        self.cycles.blockSignals(False)
        self._show_reviews()

    def _show_reviews(self) -> None:
        keep = self.selected_review_id()
        cid = self.selected_cycle_id()
        self.reviews.setRowCount(0)
        if cid is None:
            self.reviews_box.setTitle("Shared reviews (add a cycle first)")
        else:
            self.reviews_box.setTitle(f"Shared reviews of cycle {self.session.cycle(cid).number}")
        for r in self.session.shared_reviews():
            if r.cycle_id != cid:
                continue
            row = self.reviews.rowCount()
            self.reviews.insertRow(row)
            filmed = "—"
            if r.recording_id is not None:
                filmed = self.session.recording(r.recording_id).display_title
            self.reviews.setItem(row, 0, _cell(show_date(r.held_on), r.id))
            self.reviews.setItem(row, 1, _cell(r.parent_reflections.strip()))
            self.reviews.setItem(row, 2, _cell(r.next_goal.strip()))
            self.reviews.setItem(row, 3, _cell(filmed))
        _select_id(self.reviews, keep)
        self.add_review_button.setEnabled(cid is not None and not self.session.read_only)

    def add_cycle(self) -> None:
        number = max((c.number for c in self.session.cycles()), default=0) + 1

        def edit(form: CycleForm) -> object:
            number, filmed, notes = form.values()
            return self.session.add_cycle(number, filmed_on=filmed, notes=notes)

        self._ask(CycleForm(number, parent=self), edit)

    def edit_cycle(self) -> None:
        cid = self.selected_cycle_id()
        if cid is None or self.session.read_only:
            return
        c = self.session.cycle(cid)

        def edit(form: CycleForm) -> object:
            number, filmed, notes = form.values()
            return self.session.update_cycle(
                replace(c, number=number, filmed_on=filmed, notes=notes))

        self._ask(CycleForm(c.number, c, self), edit)

    def remove_cycle(self) -> None:
        cid = self.selected_cycle_id()
        if cid is not None:
            self._try(lambda: self.session.delete_cycle(cid))

    def add_review(self) -> None:
        cid = self.selected_cycle_id()
        if cid is None:
            return

        def edit(form: ReviewForm) -> object:
            held, words, goal, rec = form.values()
            return self.session.add_shared_review(
                cid, held, parent_reflections=words, next_goal=goal, recording_id=rec)

        self._ask(ReviewForm(self.session, self.session.cycle(cid), parent=self), edit)

    def edit_review(self) -> None:
        rid = self.selected_review_id()
        if rid is None or self.session.read_only:
            return
        r = self.session.shared_review(rid)

        def edit(form: ReviewForm) -> object:
            held, words, goal, rec = form.values()
            return self.session.update_shared_review(replace(
                r, held_on=held, parent_reflections=words, next_goal=goal, recording_id=rec))

        self._ask(ReviewForm(self.session, self.session.cycle(r.cycle_id), r, self), edit)

    def remove_review(self) -> None:
        rid = self.selected_review_id()
        if rid is not None:
            self._try(lambda: self.session.delete_shared_review(rid))

    def supervision_package(self) -> None:
        from vigstudio.gui.case_record.supervision import SupervisionDialog

        rid = self.selected_review_id()
        if rid is None:
            return
        if self.session.shared_review(rid).recording_id is None:
            QMessageBox.information(self, "Review not filmed",
                                    "Choose the film of this shared review first (Edit…, "
                                    "Review filmed): the package is made from it.")
            return
        dialog = SupervisionDialog(self.session, rid, self)
        dialog.exec()
        dialog.deleteLater()


# --- 5. consent -------------------------------------------------------------------------------

class ConsentTab(RecordTab):
    """Who consented to which use, from when and until when; withdrawal keeps the record."""

    kinds = (K.CONSENT, K.PARTICIPANT)

    def __init__(self, session: CaseSession, today: Today, parent: QWidget | None = None):
        super().__init__(session, today, parent)
        self.show_for = QComboBox(self)
        self.show_for.setToolTip("Show the consent records of one participant, or of everyone")
        self.show_for.activated.connect(lambda _i: self.refresh())
        self.table = _table(("Participant", "Use", "Given", "Expires", "Withdrawn", "Today",
                             "Note"), self)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QHBoxLayout()
        self._button("Record consent…", self.add, "Write down a consent given", buttons)
        self._button("Edit…", self.edit_selected, "Correct this consent record", buttons)
        self._button("Withdraw", self.withdraw_selected,
                     "The consent was withdrawn today: the record is kept with today's date",
                     buttons)
        self._button("Remove", self.remove_selected,
                     "Remove a record made by mistake (to end a consent, use Withdraw)",
                     buttons)
        buttons.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(QLabel("Show", self))
        top.addWidget(self.show_for)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint("Record each participant's consent per use. Rows shaded pink do "
                              "not hold today (withdrawn, expired or not yet given).", self))
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        self.refresh()
        self.apply_read_only()

    def refresh(self) -> None:
        keep = _selected_id(self.table)
        s, today = self.session, self.today()
        shown = self.show_for.currentData()
        self.show_for.clear()
        self.show_for.addItem("Everyone", None)
        for p in s.participants():
            self.show_for.addItem(swatch(p.colour), p.pseudonym, p.id)
        self.show_for.setCurrentIndex(max(self.show_for.findData(shown), 0))
        shown = self.show_for.currentData()
        order = {p.id: i for i, p in enumerate(s.participants())}
        consents = sorted(s.consents(), key=lambda c: (order.get(c.participant_id, 0),
                                                       c.given_on, c.id or 0))
        self.table.setRowCount(0)
        for c in consents:
            if shown is not None and c.participant_id != shown:
                continue
            row = self.table.rowCount()
            self.table.insertRow(row)
            status = standing(c, today).value
            cells = [_cell(s.participant(c.participant_id).pseudonym, c.id),
                     _cell(SCOPE_TEXT[c.scope], tip=SCOPE_TIP[c.scope]),
                     _cell(show_date(c.given_on)), _cell(show_date(c.expires_on, "—")),
                     _cell(show_date(c.withdrawn_on, "—")), _cell(status), _cell(c.note)]
            for col, cell in enumerate(cells):
                if status != "valid":
                    cell.setBackground(_NOT_VALID)
                    cell.setToolTip(f"Does not hold today: {status}")
                self.table.setItem(row, col, cell)
        _select_id(self.table, keep)
        lines = []
        for p in s.participants():
            if not needs_consent(p):
                continue
            valid = [SCOPE_TEXT[c.scope] for c in s.consents(p.id) if holds_on(c, today)]
            lines.append(f"{p.pseudonym}: {', '.join(dict.fromkeys(valid)) or 'none'}")
        self.summary.setText(("Valid today — " + " · ".join(lines)) if lines else "")

    def add(self) -> None:
        shown = self.show_for.currentData()
        who = shown if isinstance(shown, int) else None

        def edit(form: ConsentForm) -> object:
            pid, scope, given, expires, _withdrawn, note = form.values()
            return self.session.add_consent(pid, scope, given, expires_on=expires, note=note)

        self._ask(ConsentForm(self.session, participant_id=who, parent=self), edit)

    def edit_selected(self) -> None:
        cid = _selected_id(self.table)
        if cid is None or self.session.read_only:
            return
        c = self.session.consent(cid)

        def edit(form: ConsentForm) -> object:
            pid, scope, given, expires, withdrawn, note = form.values()
            return self.session.update_consent(replace(
                c, participant_id=pid, scope=scope, given_on=given, expires_on=expires,
                withdrawn_on=withdrawn, note=note))

        self._ask(ConsentForm(self.session, c, parent=self), edit)

    def withdraw_selected(self) -> None:
        cid = _selected_id(self.table)
        if cid is None:
            return
        c = self.session.consent(cid)
        if c.withdrawn_on is not None:
            QMessageBox.information(self, "Already withdrawn",
                                    f"This consent was withdrawn on {show_date(c.withdrawn_on)}.")
            return
        self._try(lambda: self.session.withdraw_consent(cid, self.today()))

    def remove_selected(self) -> None:
        cid = _selected_id(self.table)
        if cid is None:
            return
        answer = QMessageBox.question(
            self, "Remove consent record",
            "Remove this consent record completely?\n\nIf the consent was withdrawn, use "
            "Withdraw instead: it keeps the record, with the date.")
        if answer == QMessageBox.StandardButton.Yes:
            self._try(lambda: self.session.delete_consent(cid))


# --- 6. clip sharing --------------------------------------------------------------------------

SHARING_TEXT: dict[Sharing, str] = {
    Sharing.UNDECIDED: "not decided yet",
    Sharing.PRIVATE: "private",
    Sharing.SUPERVISION: "supervision",
    Sharing.SHARED: "shared further",
}  # short words for the combo box; the rules are in vigstudio.domain.privacy

SHARING_TIP: dict[Sharing, str] = {
    Sharing.UNDECIDED: "The parent has not decided about this clip yet",
    Sharing.PRIVATE: "Kept private: the family only",
    Sharing.SUPERVISION: "May be watched by the practitioner's supervisor",
    Sharing.SHARED: "May be shared further (e.g. training), beyond supervision",
}

class SharingTab(RecordTab):
    """The parent's decision, clip by clip, about who may see it."""

    kinds = (K.CLIP, K.RECORDING, K.CONSENT, K.PARTICIPANT, K.MOMENT)

    def __init__(self, session: CaseSession, today: Today, parent: QWidget | None = None):
        super().__init__(session, today, parent)
        self.table = _table(("Recording", "Clip", "Frames", "Starts at", "Parent's decision",
                             "Consent today", "Who appears"), self)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.summary = QLabel(self)
        self.combos: dict[int, QComboBox] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(hint("The parent has control of the clips: for each one they decide "
                              "whether it stays private (the family only), may be watched by "
                              "your supervisor, or may be shared further. Their decision is "
                              "part of the record.", self))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        self.refresh()

    def refresh(self) -> None:
        clips = self.session.clips()
        if [c.id for c in clips] == list(self.combos):
            self._update_rows()  # in place: a combo may be in the middle of its own signal
        else:
            self._rebuild()

    def _update_rows(self) -> None:
        s, today = self.session, self.today()
        for row, (clip_id, combo) in enumerate(self.combos.items()):
            clip = s.clip(clip_id)
            blocked = combo.blockSignals(True)
            combo.setCurrentIndex(list(SHARING_TEXT).index(clip.sharing))
            combo.blockSignals(blocked)
            self.table.setItem(row, 1, _cell(clip.title or "(untitled clip)", tip=clip.caption))
            self.table.setItem(row, 5, self._consent_cell(clip_id, today))
            self.table.setItem(row, 6, self._appears_cell(clip_id))
        self._summarise()

    def _summarise(self) -> None:
        counts: dict[Sharing, int] = dict.fromkeys(Sharing, 0)
        for clip in self.session.clips():
            counts[clip.sharing] += 1
        total = sum(counts.values())
        if total:
            parts = [f"{n} {SHARING_TEXT[k]}" for k, n in counts.items() if n]
            self.summary.setText(f"{total} clips: " + ", ".join(parts))
        else:
            self.summary.setText("No clips yet: select clips on a recording's timeline first.")

    def _rebuild(self) -> None:
        s, today = self.session, self.today()
        self.table.setRowCount(0)
        self.combos = {}
        for clip in s.clips():
            assert clip.id is not None
            rec = s.recording(clip.recording_id)
            row = self.table.rowCount()
            self.table.insertRow(row)
            rng = clip.range
            self.table.setItem(row, 0, _cell(rec.display_title, clip.id))
            self.table.setItem(row, 1, _cell(clip.title or "(untitled clip)", tip=clip.caption))
            self.table.setItem(row, 2, _cell(f"{rng.start}–{rng.last}  ({rng.duration} frames)",
                                             tip=f"first frame {rng.start}, last frame "
                                                 f"{rng.last}"))
            self.table.setItem(row, 3, _cell(format_seconds(rec.info.clock.time_of(rng.start))))
            combo = QComboBox(self.table)
            for i, (sharing, text) in enumerate(SHARING_TEXT.items()):
                combo.addItem(text, sharing.value)
                combo.setItemData(i, SHARING_TIP[sharing], Qt.ItemDataRole.ToolTipRole)
            combo.setCurrentIndex(list(SHARING_TEXT).index(clip.sharing))
            combo.setToolTip("What the parent decided about who may see this clip")
            combo.setEnabled(not s.read_only)
            clip_id = clip.id
            combo.activated.connect(lambda _i, cid=clip_id, box=combo: self._decide(cid, box))
            self.table.setCellWidget(row, 4, combo)
            self.combos[clip.id] = combo
            self.table.setItem(row, 5, self._consent_cell(clip.id, today))
            self.table.setItem(row, 6, self._appears_cell(clip.id))
        self._summarise()

    def _appears_cell(self, clip_id: int) -> QTableWidgetItem:
        s = self.session
        known = {p.id: p.pseudonym for p in s.participants()}
        who = ", ".join(known.get(i, "?") for i in s.appears_in_clip(clip_id)) or "nobody"
        if s.clip(clip_id).appears is None:
            return _cell(f"{who} (proposed)", tip="Proposed from the moments tagged in the "
                                                  "clip; confirm it in the Who appears tab")
        return _cell(who, tip="Confirmed by you")

    def _consent_cell(self, clip_id: int, today: dt.date) -> QTableWidgetItem:
        s = self.session
        scope = scope_of_decision(s.clip(clip_id).sharing)
        if scope is None:
            return _cell("")
        appears = set(s.appears_in_clip(clip_id))
        if not appears:
            cell = _cell("nobody recorded as appearing",
                         tip="Confirm who appears in the Who appears tab")
            cell.setBackground(_NOT_VALID)
            return cell
        people = [p for p in s.participants() if p.id in appears]
        missing = [p.pseudonym for p in missing_consent(people, scope, s.consents(), today)]
        if not missing:
            return _cell("in place", tip=f"Everyone in the clip has valid {SCOPE_TEXT[scope]} "
                                         "consent today")
        cell = _cell(f"missing: {', '.join(missing)}",
                     tip=f"No valid consent to {SCOPE_TEXT[scope]} today from "
                         f"{', '.join(missing)}")
        cell.setBackground(_NOT_VALID)
        return cell

    def _decide(self, clip_id: int, combo: QComboBox) -> None:
        sharing = Sharing(combo.currentData())
        if sharing is not self.session.clip(clip_id).sharing:
            self._try(lambda: self.session.set_clip_sharing(clip_id, sharing))
