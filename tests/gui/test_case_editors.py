"""The case record dialog, driven through its widgets on a real project file.

Modal forms are filled by replacing their ``exec`` with a function that sets the fields and
clicks OK (the real accept path), so each test runs without a human and without waiting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QDialog, QDialogButtonBox, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from vigstudio.app.session import CaseSession
from vigstudio.domain.annotations import Sharing
from vigstudio.domain.media import RecordingKind
from vigstudio.domain.privacy import standing
from vigstudio.domain.project import ConsentScope, Role
from vigstudio.gui.case_record.editors import TABS, CaseRecordDialog, open_case_record
from vigstudio.gui.case_record.forms import (
    ConsentForm,
    CycleForm,
    ParticipantForm,
    QuestionForm,
    ReviewForm,
)
from vigstudio.testing.synth import make_barcode_video

TODAY = dt.date(2025, 3, 1)


@pytest.fixture(scope="module")
def film(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_barcode_video(tmp_path_factory.mktemp("film") / "film.mp4", width=160,
                              height=90, frames=50, gop=25)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[CaseSession]:
    s = CaseSession.create(tmp_path / "case.vigproj", "Family R", created_on=dt.date(2025, 1, 14))
    s.add_participant("Mum", Role.PARTNER)
    s.add_participant("Child", Role.PERSON)
    yield s
    s.close()


@pytest.fixture
def dialog(qtbot: QtBot, session: CaseSession) -> CaseRecordDialog:
    d = CaseRecordDialog(session)
    d.today = lambda: TODAY
    qtbot.addWidget(d)
    d.show()
    return d


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Messages the dialog showed with QMessageBox.warning."""
    shown: list[str] = []

    def warning(_parent: QWidget | None, _title: str, text: str, *a: Any) -> Any:
        shown.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", warning)
    return shown


def fill(monkeypatch: pytest.MonkeyPatch, form: type[QDialog],
         filler: Callable[[Any], None]) -> None:
    """The next time ``form`` runs, fill it with ``filler`` and click OK."""

    def fake_exec(self: Any) -> int:
        if getattr(self, "_filled", False):  # shown again after a refused edit: cancel
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
            return self.result()
        self._filled = True
        filler(self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        return self.result()

    monkeypatch.setattr(form, "exec", fake_exec)


def reopen(session: CaseSession) -> CaseSession:
    """The project as saved on disk (read-only, beside the open session)."""
    return CaseSession.open(session.path, read_only=True)


def ids(session: CaseSession) -> dict[str, int]:
    return {p.pseudonym: p.id for p in session.participants() if p.id is not None}


# --- the case ---------------------------------------------------------------------------------

def test_case_details_are_saved_and_follow_undo(dialog: CaseRecordDialog, session: CaseSession,
                                                errors: list[str]) -> None:
    tab = dialog.case_tab
    assert tab.created.text() == "14 Jan 2025"
    tab.name.setText("Family Rivers")
    tab.name.editingFinished.emit()
    tab.notes.setPlainText("Traject plan: play after school.\n  Bedtime.  ")
    tab.notes.finish()  # what leaving the box does
    tab.retention.check.setChecked(True)
    tab.retention.date.set_value(dt.date(2027, 1, 31))
    tab.retention.date.editingFinished.emit()
    with reopen(session) as disk:
        case = disk.case()
    assert case.name == "Family Rivers"
    assert case.notes == "Traject plan: play after school.\n  Bedtime.  "  # verbatim
    assert case.retention_until == dt.date(2027, 1, 31)
    assert "days left" in tab.retention_note.text()
    assert dialog.windowTitle() == "Case record — Family Rivers"
    # ticking the box saved at once (with the date shown), then the date picked: four edits,
    # four undo steps; undo from outside the dialog shows in it
    session.undo()
    assert tab.retention.check.isChecked() and tab.retention.value() != dt.date(2027, 1, 31)
    session.undo()
    assert not tab.retention.check.isChecked()
    session.undo()
    assert tab.notes.text() == ""
    session.undo()
    assert tab.name.text() == "Family R"
    # an empty name is refused with a message and the field shows the saved name again
    tab.name.setText("  ")
    tab.name.editingFinished.emit()
    assert errors and "pseudonym" in errors[0]
    assert tab.name.text() == "Family R" and session.case().name == "Family R"


def test_retention_date_passed_is_pointed_out(dialog: CaseRecordDialog,
                                              session: CaseSession) -> None:
    from dataclasses import replace
    session.update_case(replace(session.case(), retention_until=dt.date(2025, 2, 1)))
    assert "ended on 1 Feb 2025" in dialog.case_tab.retention_note.text()


def test_notes_still_being_typed_are_saved_on_close(dialog: CaseRecordDialog,
                                                    session: CaseSession) -> None:
    dialog.case_tab.notes.setPlainText("typed, never left the box")
    dialog.close()
    assert session.case().notes == "typed, never left the box"


# --- participants -----------------------------------------------------------------------------

def test_participants_add_edit_remove(dialog: CaseRecordDialog, session: CaseSession,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    tab = dialog.participants_tab
    assert tab.table.rowCount() == 2
    monkeypatch.setattr(QColorDialog, "getColor", lambda *a, **k: QColor("#123456"))

    def new_sibling(form: ParticipantForm) -> None:
        assert not form.ok_enabled()  # a pseudonym is needed first
        form.pseudonym.setText("  Sibling ")
        form.role.setCurrentIndex(form.role.findData(Role.OTHER.value))
        form.colour_button.click()  # the patched colour dialog answers #123456

    fill(monkeypatch, ParticipantForm, new_sibling)
    tab.add()
    assert tab.table.rowCount() == 3
    with reopen(session) as disk:
        sib = disk.participant_by_name("Sibling")
    assert (sib.role, sib.colour) == (Role.OTHER, "#123456")

    tab.table.selectRow(2)
    fill(monkeypatch, ParticipantForm, lambda f: f.pseudonym.setText("Big sister"))
    tab.edit_selected()
    assert session.participant(sib.id or 0).pseudonym == "Big sister"
    assert tab.table.item(2, 0).text() == "Big sister"  # type: ignore[union-attr]

    tab.table.selectRow(2)
    tab.remove_selected()
    assert [p.pseudonym for p in session.participants()] == ["Mum", "Child"]
    assert tab.table.rowCount() == 2
    session.undo()  # the removal comes back, and the table shows it
    assert tab.table.rowCount() == 3
    with reopen(session) as disk:
        assert [p.pseudonym for p in disk.participants()] == ["Mum", "Child", "Big sister"]


def test_new_participant_takes_the_role_colour(qtbot: QtBot) -> None:
    form = ParticipantForm()
    qtbot.addWidget(form)
    form.role.setCurrentIndex(form.role.findData(Role.PERSON.value))
    from vigstudio.app.defaults import ROLE_COLOURS
    assert form.values()[2] == ROLE_COLOURS[Role.PERSON]


def test_removing_a_participant_in_use_is_refused(dialog: CaseRecordDialog, session: CaseSession,
                                                  errors: list[str]) -> None:
    mum = ids(session)["Mum"]
    session.add_consent(mum, ConsentScope.FEEDBACK, dt.date(2025, 1, 14))
    tab = dialog.participants_tab
    assert "1 consent record" in tab.table.item(0, 3).text()  # type: ignore[union-attr]
    tab.table.selectRow(0)
    undo_before = session.undo_label
    tab.remove_selected()
    assert len(errors) == 1 and "Mum cannot be removed" in errors[0]
    assert [p.pseudonym for p in session.participants()] == ["Mum", "Child"]
    assert session.undo_label == undo_before
    assert tab.table.rowCount() == 2


def test_duplicate_pseudonym_is_refused(dialog: CaseRecordDialog, session: CaseSession,
                                        monkeypatch: pytest.MonkeyPatch,
                                        errors: list[str]) -> None:
    shown_again: list[str] = []

    def duplicate(form: ParticipantForm) -> None:
        form.pseudonym.setText("mum")
        original = form.exec

        def again() -> int:  # after the refusal the same form comes back, as typed
            shown_again.append(form.pseudonym.text())
            return original()

        form.exec = again  # type: ignore[method-assign]

    fill(monkeypatch, ParticipantForm, duplicate)
    dialog.participants_tab.add()
    assert errors and "already a participant" in errors[0]
    assert shown_again == ["mum"]
    assert len(session.participants()) == 2


# --- helping questions ------------------------------------------------------------------------

def test_helping_questions_verbatim_edit_reorder_remove(dialog: CaseRecordDialog,
                                                        session: CaseSession,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    tab = dialog.questions_tab
    words = "I want us to have fun together\nwithout it ending in a row.  "

    def first(form: QuestionForm) -> None:
        assert form.said_by.currentText().startswith("Mum")  # the parent, by default
        form.text.setPlainText(words)
        form.agreed.set_value(dt.date(2025, 1, 14))

    fill(monkeypatch, QuestionForm, first)
    tab.add()
    fill(monkeypatch, QuestionForm, lambda f: (
        f.text.setPlainText("Tell me about his day"),
        f.said_by.setCurrentIndex(f.said_by.findData(None))))
    tab.add()
    with reopen(session) as disk:
        q1, q2 = disk.helping_questions()
    assert (q1.text, q1.agreed_on, q1.said_by_id) == (words, dt.date(2025, 1, 14),
                                                       ids(session)["Mum"])
    assert q2.said_by_id is None
    assert tab.list.count() == 2 and "said by Mum" in tab.list.item(0).text()

    tab.list.setCurrentRow(1)
    tab.move_selected(-1)  # one undo step however many positions change
    assert [q.id for q in session.helping_questions()] == [q2.id, q1.id]
    assert tab.selected_id() == q2.id
    assert session.undo_label == "Move helping question"
    session.undo()
    assert [q.id for q in session.helping_questions()] == [q1.id, q2.id]
    assert tab.list.item(0).data(256) == q1.id

    tab.list.setCurrentRow(0)
    fill(monkeypatch, QuestionForm, lambda f: f.text.setPlainText("We have fun together."))
    tab.edit_selected()
    assert session.helping_question(q1.id or 0).text == "We have fun together."

    tab.list.setCurrentRow(1)
    tab.remove_selected()
    with reopen(session) as disk:
        assert [q.text for q in disk.helping_questions()] == ["We have fun together."]
    assert tab.list.count() == 1


def test_an_empty_question_cannot_be_accepted(qtbot: QtBot, session: CaseSession) -> None:
    form = QuestionForm(session)
    qtbot.addWidget(form)
    assert not form.ok_enabled()
    form.text.setPlainText("   \n")
    assert not form.ok_enabled()
    form.text.setPlainText("Fun")
    assert form.ok_enabled()


# --- cycles and shared reviews ----------------------------------------------------------------

def test_cycles_and_shared_reviews(dialog: CaseRecordDialog, session: CaseSession, film: Path,
                                   monkeypatch: pytest.MonkeyPatch, errors: list[str]) -> None:
    tab = dialog.cycles_tab
    assert not tab.add_review_button.isEnabled()  # no cycle yet

    def cycle_one(form: CycleForm) -> None:
        assert form.number.value() == 1
        form.filmed.check.setChecked(True)
        form.filmed.date.set_value(dt.date(2025, 1, 21))
        form.notes.setPlainText("Train set after school")

    fill(monkeypatch, CycleForm, cycle_one)
    tab.add_cycle()
    fill(monkeypatch, CycleForm, lambda f: None)  # cycle 2, no date
    tab.add_cycle()
    c1, c2 = session.cycles()
    assert (c1.number, c1.filmed_on, c1.notes) == (1, dt.date(2025, 1, 21),
                                                    "Train set after school")
    assert (c2.number, c2.filmed_on) == (2, None)
    assert tab.cycles.rowCount() == 2

    review_film = session.import_recording(film, kind=RecordingKind.SHARED_REVIEW,
                                           title="Review, 28 Jan")
    tab.cycles.selectRow(0)
    assert tab.reviews_box.title() == "Shared reviews of cycle 1"

    def review(form: ReviewForm) -> None:
        form.held.set_value(dt.date(2025, 1, 28))
        form.reflections.setPlainText("I saw that she looked at me when I waited.")
        form.next_goal.setPlainText("Wait a little longer.")
        form.recording.setCurrentIndex(form.recording.findData(review_film.id))

    fill(monkeypatch, ReviewForm, review)
    tab.add_review()
    with reopen(session) as disk:
        (r,) = disk.shared_reviews()
    assert (r.cycle_id, r.held_on, r.parent_reflections, r.next_goal, r.recording_id) == (
        c1.id, dt.date(2025, 1, 28), "I saw that she looked at me when I waited.",
        "Wait a little longer.", review_film.id)
    assert tab.reviews.rowCount() == 1
    assert tab.reviews.item(0, 3).text() == "Review, 28 Jan"  # type: ignore[union-attr]

    tab.reviews.selectRow(0)
    fill(monkeypatch, ReviewForm, lambda f: f.recording.setCurrentIndex(0))
    tab.edit_review()
    assert session.shared_review(r.id or 0).recording_id is None

    tab.reviews.selectRow(0)
    tab.remove_review()
    assert session.shared_reviews() == [] and tab.reviews.rowCount() == 0
    session.undo()
    assert tab.reviews.rowCount() == 1


def test_cycles_renumber_and_remove(dialog: CaseRecordDialog, session: CaseSession,
                                    monkeypatch: pytest.MonkeyPatch, errors: list[str]) -> None:
    tab = dialog.cycles_tab
    c1 = session.add_cycle(filmed_on=dt.date(2025, 1, 21))
    session.add_cycle()
    session.add_shared_review(c1.id or 0, dt.date(2025, 1, 28))
    assert tab.cycles.item(0, 1).text() == "21 Jan 2025"  # type: ignore[union-attr]
    # cycle 1 has a review: it cannot go
    tab.cycles.selectRow(0)
    tab.remove_cycle()
    assert errors and "cycle 1 cannot be removed" in errors[0]
    assert len(session.cycles()) == 2

    # the second cycle shows no reviews; renumber it, then remove it
    tab.cycles.selectRow(1)
    assert tab.reviews.rowCount() == 0
    fill(monkeypatch, CycleForm, lambda f: f.number.setValue(3))
    tab.edit_cycle()
    assert [c.number for c in session.cycles()] == [1, 3]
    tab.cycles.selectRow(1)
    tab.remove_cycle()
    assert [c.number for c in session.cycles()] == [1]


# --- consent ----------------------------------------------------------------------------------

def test_consent_record_withdraw_remove(dialog: CaseRecordDialog, session: CaseSession,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    tab = dialog.consent_tab
    people = ids(session)

    def mum_supervision(form: ConsentForm) -> None:
        assert form.withdrawn is None  # only when correcting a record
        form.participant.setCurrentIndex(form.participant.findData(people["Mum"]))
        form.scope.setCurrentIndex(form.scope.findData(ConsentScope.SUPERVISION.value))
        form.given.set_value(dt.date(2025, 1, 14))
        form.note.setText("signed form in the case file")

    fill(monkeypatch, ConsentForm, mum_supervision)
    tab.add()

    def child_feedback_expired(form: ConsentForm) -> None:
        form.participant.setCurrentIndex(form.participant.findData(people["Child"]))
        form.given.set_value(dt.date(2024, 1, 1))
        form.expires.check.setChecked(True)
        form.expires.date.set_value(dt.date(2024, 12, 31))

    fill(monkeypatch, ConsentForm, child_feedback_expired)
    tab.add()
    with reopen(session) as disk:
        sup, fb = sorted(disk.consents(), key=lambda c: c.participant_id)
    assert (sup.scope, sup.given_on, sup.note) == (ConsentScope.SUPERVISION,
                                                    dt.date(2025, 1, 14),
                                                    "signed form in the case file")
    assert (fb.scope, fb.expires_on) == (ConsentScope.FEEDBACK, dt.date(2024, 12, 31))

    # rows: Mum first (participant order); the expired one is shaded and says so
    assert tab.table.item(0, 0).text() == "Mum"  # type: ignore[union-attr]
    assert tab.table.item(1, 5).text() == "expired"  # type: ignore[union-attr]
    assert tab.table.item(1, 0).background().color() != tab.table.item(  # type: ignore[union-attr]
        0, 0).background().color()
    assert "Mum: supervision" in tab.summary.text() and "Child: none" in tab.summary.text()

    # withdraw: the record stays, with today's date
    tab.table.selectRow(0)
    tab.withdraw_selected()
    with reopen(session) as disk:
        (kept,) = [c for c in disk.consents() if c.id == sup.id]
    assert kept.withdrawn_on == TODAY and kept.scope is ConsentScope.SUPERVISION
    assert len(session.consents()) == 2
    assert tab.table.item(0, 4).text() == "1 Mar 2025"  # type: ignore[union-attr]
    assert tab.table.item(0, 5).text() == "withdrawn"  # type: ignore[union-attr]
    session.undo()
    assert tab.table.item(0, 5).text() == "valid"  # type: ignore[union-attr]

    # correcting a record: the form offers the withdrawn date too
    tab.table.selectRow(1)
    fill(monkeypatch, ConsentForm, lambda f: f.note.setText("Mum for Child"))
    tab.edit_selected()
    assert session.consent(fb.id or 0).note == "Mum for Child"

    # show one participant only
    tab.show_for.setCurrentIndex(tab.show_for.findData(people["Child"]))
    tab.refresh()
    assert tab.table.rowCount() == 1

    # removing asks first; "No" keeps it, "Yes" removes it
    tab.table.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.No)
    tab.remove_selected()
    assert len(session.consents()) == 2
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    tab.remove_selected()
    assert [c.id for c in session.consents()] == [sup.id]


def test_consent_status_words() -> None:
    from vigstudio.domain.project import Consent
    c = Consent(1, ConsentScope.FEEDBACK, dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    assert standing(c, dt.date(2024, 12, 31)) == "not yet given"
    assert standing(c, dt.date(2025, 3, 1)) == "valid"
    assert standing(c, dt.date(2025, 7, 1)) == "expired"


# --- clip sharing -----------------------------------------------------------------------------

def test_clip_sharing_decisions(dialog: CaseRecordDialog, session: CaseSession,
                                film: Path) -> None:
    rec = session.import_recording(film, title="Train set")
    assert rec.id is not None
    a = session.add_clip(rec.id, 10, 20, title="She waits")
    b = session.add_clip(rec.id, 30, 45, title="Laughing")
    tab = dialog.sharing_tab
    assert tab.table.rowCount() == 2
    assert tab.table.item(0, 2).text() == "10–19  (10 frames)"  # type: ignore[union-attr]
    assert "2 clips: 2 not decided yet" in tab.summary.text()

    combo = tab.combos[a.id or 0]
    combo.setCurrentIndex(combo.findData(Sharing.SUPERVISION.value))
    combo.activated.emit(combo.currentIndex())
    assert session.clip(a.id or 0).sharing is Sharing.SUPERVISION
    assert tab.combos[a.id or 0] is combo  # updated in place, not rebuilt under the signal
    # nobody is tagged in the clip: the consent check cannot know whom to ask
    assert tab.table.item(0, 5).text() == "nobody recorded as appearing"  # type: ignore[union-attr]
    people = ids(session)
    # the consent check counts who is in the clip, not everyone in the case
    session.set_clip_appears(a.id or 0, [people["Mum"]])
    assert tab.table.item(0, 5).text() == "missing: Mum"  # type: ignore[union-attr]
    assert tab.table.item(0, 6).text() == "Mum"  # type: ignore[union-attr]
    session.set_clip_appears(a.id or 0, [people["Mum"], people["Child"]])
    assert tab.table.item(0, 5).text() == "missing: Mum, Child"  # type: ignore[union-attr]
    for who in ("Mum", "Child"):
        session.add_consent(people[who], ConsentScope.SUPERVISION, dt.date(2025, 1, 14))
    assert tab.table.item(0, 5).text() == "in place"  # type: ignore[union-attr]

    combo_b = tab.combos[b.id or 0]
    combo_b.setCurrentIndex(combo_b.findData(Sharing.PRIVATE.value))
    combo_b.activated.emit(combo_b.currentIndex())
    with reopen(session) as disk:
        assert [c.sharing for c in disk.clips()] == [Sharing.SUPERVISION, Sharing.PRIVATE]
    assert "1 private, 1 supervision" in tab.summary.text()

    session.undo()
    assert combo_b.currentData() == Sharing.UNDECIDED.value
    session.delete_clip(a.id or 0)  # from elsewhere: the table follows
    assert tab.table.rowCount() == 1 and list(tab.combos) == [b.id]


# --- the dialog as a whole --------------------------------------------------------------------

def test_open_case_record_reuses_the_window_and_picks_the_tab(qtbot: QtBot,
                                                               session: CaseSession) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    first = open_case_record(session, parent, "consent")
    assert first.current_tab() == "consent" and first.isVisible()
    again = open_case_record(session, parent, "helping questions")
    assert again is first and first.current_tab() == "questions"
    for name in TABS:
        first.show_tab(name)
        assert first.current_tab() == name
    with pytest.raises(ValueError, match="no case record tab"):
        first.show_tab("finances")
    first.close()


def test_undo_button_and_status(dialog: CaseRecordDialog, session: CaseSession) -> None:
    assert dialog.undo_button.text() == "Undo add participant"  # from the fixture
    session.add_cycle()
    assert dialog.undo_button.isEnabled()
    assert dialog.undo_button.text() == "Undo add cycle 1"
    assert dialog.status.text() == "Saved: Add cycle 1"
    dialog.undo_button.click()
    assert session.cycles() == [] and dialog.cycles_tab.cycles.rowCount() == 0
    assert dialog.status.text() == "Undone: Add cycle 1"
    dialog.redo()
    assert dialog.cycles_tab.cycles.rowCount() == 1


def test_read_only_case_can_be_looked_at_not_changed(qtbot: QtBot, session: CaseSession) -> None:
    session.add_helping_question("Fun together")
    with reopen(session) as disk:
        d = CaseRecordDialog(disk)
        qtbot.addWidget(d)
        tabs = [d.participants_tab, d.questions_tab, d.cycles_tab, d.consent_tab]
        assert all(not b.isEnabled() for t in tabs for b in t.edit_buttons)
        assert d.case_tab.name.isReadOnly() and not d.undo_button.isEnabled()
        assert d.questions_tab.list.count() == 1
        d.close()  # closing saves nothing and raises nothing
