"""The tabs of the case record: case details, participants, helping questions, cycles and
shared reviews (consent and the parent's decisions are in :mod:`.consent`; who appears and
the export log in :mod:`.privacy`).

Every button makes exactly one session edit (one undo step, saved at once). The tabs never
keep their own copy of the record: after each change they redraw from the session.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app.session import CaseSession
from vigstudio.domain.entities import EntityKind as K
from vigstudio.gui.case_record.forms import (
    ROLE_TEXT,
    CycleForm,
    ParticipantForm,
    QuestionForm,
    ReviewForm,
)
from vigstudio.gui.case_record.record_tab import (
    ATTENTION,
    ITEM_ID,
    RecordTab,
    Today,
    first_line,
    new_table,
    plural,
    select_id,
    selected_id,
    table_cell,
)
from vigstudio.gui.case_record.widgets import NotesEdit, OptionalDateField, hint, show_date
from vigstudio.gui.swatch import swatch

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
            self.retention_note.setStyleSheet(ATTENTION)
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
        self.table = new_table(("Pseudonym", "Role", "Colour", "In the record"), self)
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
        keep = selected_id(self.table)
        s = self.session
        moments = s.moments()
        self.table.setRowCount(0)
        for p in s.participants():
            row = self.table.rowCount()
            self.table.insertRow(row)
            uses = [plural(n, what) for n, what in (
                (sum(1 for m in moments if m.participant_id == p.id), "moment"),
                (len(s.consents(p.id)), "consent record"),
                (sum(1 for q in s.helping_questions() if q.said_by_id == p.id),
                 "helping question")) if n]
            colour = table_cell("", tip=f"{p.colour}: the colour of {p.pseudonym}'s moments")
            colour.setIcon(swatch(p.colour, 16))
            self.table.setItem(row, 0, table_cell(p.pseudonym, p.id))
            self.table.setItem(row, 1, table_cell(ROLE_TEXT[p.role]))
            self.table.setItem(row, 2, colour)
            self.table.setItem(row, 3, table_cell(", ".join(uses) or "—"))
        select_id(self.table, keep)

    def add(self) -> None:
        def edit(form: ParticipantForm) -> object:
            name, role, colour = form.values()
            return self.session.add_participant(name, role, colour)

        self._ask(ParticipantForm(parent=self, used_colours=[
            p.colour for p in self.session.participants()]), edit)

    def edit_selected(self) -> None:
        pid = selected_id(self.table)
        if pid is None or self.session.read_only:
            return
        p = self.session.participant(pid)

        def edit(form: ParticipantForm) -> object:
            name, role, colour = form.values()
            return self.session.update_participant(
                replace(p, pseudonym=name, role=role, colour=colour))

        self._ask(ParticipantForm(p, self), edit)

    def remove_selected(self) -> None:
        pid = selected_id(self.table)
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
        value = item.data(ITEM_ID) if item is not None else None
        return value if isinstance(value, int) else None

    def refresh(self) -> None:
        keep = self.selected_id()
        self.list.clear()
        for q in self.session.helping_questions():
            said = ""
            if q.said_by_id is not None:
                said = f" · said by {self.session.participant(q.said_by_id).pseudonym}"
            item = QListWidgetItem(f"“{q.text.strip()}”\nagreed {show_date(q.agreed_on)}{said}")
            item.setData(ITEM_ID, q.id)
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
        self.cycles = new_table(("Cycle", "Filmed", "Notes"), self)
        self.cycles.doubleClicked.connect(lambda _i: self.edit_cycle())
        self.cycles.itemSelectionChanged.connect(self._show_reviews)
        self.reviews = new_table(("Held on", "Parent's reflections", "Next goal", "Review filmed"),
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
        return selected_id(self.cycles)

    def selected_review_id(self) -> int | None:
        return selected_id(self.reviews)

    def refresh(self) -> None:
        keep = self.selected_cycle_id()
        self.cycles.blockSignals(True)
        self.cycles.setRowCount(0)
        for c in self.session.cycles():
            row = self.cycles.rowCount()
            self.cycles.insertRow(row)
            self.cycles.setItem(row, 0, table_cell(f"Cycle {c.number}", c.id))
            self.cycles.setItem(row, 1, table_cell(show_date(c.filmed_on, "—")))
            self.cycles.setItem(row, 2, table_cell(first_line(c.notes), tip=c.notes))
        select_id(self.cycles, keep)
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
            self.reviews.setItem(row, 0, table_cell(show_date(r.held_on), r.id))
            self.reviews.setItem(row, 1, table_cell(r.parent_reflections.strip()))
            self.reviews.setItem(row, 2, table_cell(r.next_goal.strip()))
            self.reviews.setItem(row, 3, table_cell(filmed))
        select_id(self.reviews, keep)
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
