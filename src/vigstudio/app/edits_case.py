"""Edits of the case details, participants, helping questions, cycles, reviews, consent."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from vigstudio.app.defaults import participant_colour
from vigstudio.app.session_core import (
    K,
    SessionCore,
    check_colour,
    entity_id,
)
from vigstudio.domain.annotations import Clip, Moment, Still
from vigstudio.domain.project import (
    Case,
    Consent,
    ConsentScope,
    Cycle,
    HelpingQuestion,
    Participant,
    Role,
    SharedReview,
)
from vigstudio.errors import (
    InUseError,
    InvalidEditError,
)


class CaseEdits(SessionCore):
    """Edits of the case details, participants, helping questions, cycles, reviews, consent."""

    def update_case(self, case: Case) -> Case:
        """Change the case's name (pseudonym), notes or retention date."""
        if not case.name.strip():
            raise InvalidEditError("a case needs a name (a pseudonym for the family)")
        return self._update("Edit case details", self.case(), replace(case, id=1))

    def add_participant(self, pseudonym: str, role: Role, colour: str | None = None) -> Participant:
        p = Participant(pseudonym.strip(), Role(role), colour or participant_colour(
            Role(role), (q.colour for q in self.participants())))
        self._check_participant(p)
        return self._add("Add participant", p)

    def update_participant(self, participant: Participant) -> Participant:
        before = self.participant(entity_id(participant))
        self._check_participant(participant)
        return self._update("Edit participant", before, participant)

    def delete_participant(self, participant_id: int) -> None:
        p = self.participant(participant_id)
        users = [m for m in self._all(K.MOMENT, Moment) if m.participant_id == participant_id]
        consents = [c for c in self.consents() if c.participant_id == participant_id]
        said = [q for q in self.helping_questions() if q.said_by_id == participant_id]
        shown: list[Clip | Still] = [c for c in self.clips() if participant_id in (c.appears or ())]
        shown += [s for s in self.stills() if participant_id in (s.appears or ())]
        if users or consents or said or shown:
            raise InUseError(
                f"{p.pseudonym} cannot be removed: {len(users)} moments, {len(consents)} "
                f"consent records, {len(said)} helping questions and {len(shown)} clips or "
                "stills they appear in refer to them")
        self._run_one("Remove participant", p, None)

    def _check_participant(self, p: Participant) -> None:
        if not p.pseudonym:
            raise InvalidEditError("a participant needs a pseudonym")
        check_colour(p.colour)
        for other in self.participants():
            if other.id != p.id and other.pseudonym.casefold() == p.pseudonym.casefold():
                raise InvalidEditError(f"there is already a participant called {p.pseudonym!r}")

    def add_helping_question(self, text: str, *, agreed_on: dt.date | None = None,
                             said_by_id: int | None = None) -> HelpingQuestion:
        """Store the parent's goal verbatim (the text is kept exactly as given)."""
        position = max((q.position for q in self.helping_questions()), default=-1) + 1
        q = HelpingQuestion(text, agreed_on or dt.date.today(), said_by_id, position)
        self._check_question(q)
        return self._add("Add helping question", q)

    def update_helping_question(self, question: HelpingQuestion) -> HelpingQuestion:
        before = self.helping_question(entity_id(question))
        self._check_question(question)
        return self._update("Edit helping question", before, question)

    def delete_helping_question(self, question_id: int) -> None:
        """Remove it; moments linked to it lose the link (undo restores both)."""
        q = self.helping_question(question_id)
        steps = [self._upd(m, replace(m, helping_question_id=None))
                 for m in self._all(K.MOMENT, Moment) if m.helping_question_id == question_id]
        steps += [self._upd(r, replace(r, helping_question_id=None))
                  for r in self.shared_reviews() if r.helping_question_id == question_id]
        self._run("Remove helping question", [*steps, self._del(q)])

    def _check_question(self, q: HelpingQuestion) -> None:
        if not q.text.strip():
            raise InvalidEditError("a helping question needs the parent's words")
        if q.said_by_id is not None:
            self.participant(q.said_by_id)

    def add_cycle(self, number: int | None = None, *, filmed_on: dt.date | None = None,
                  notes: str = "") -> Cycle:
        if number is None:
            number = max((c.number for c in self.cycles()), default=0) + 1
        c = Cycle(number, filmed_on, notes)
        self._check_cycle(c)
        return self._add(f"Add cycle {number}", c)

    def update_cycle(self, cycle: Cycle) -> Cycle:
        before = self.cycle(entity_id(cycle))
        self._check_cycle(cycle)
        return self._update("Edit cycle", before, cycle)

    def delete_cycle(self, cycle_id: int) -> None:
        c = self.cycle(cycle_id)
        used = ([r for r in self.recordings() if r.cycle_id == cycle_id]
                + [r for r in self.reels() if r.cycle_id == cycle_id]
                + [r for r in self.shared_reviews() if r.cycle_id == cycle_id])
        if used:
            raise InUseError(f"cycle {c.number} cannot be removed: {len(used)} recordings, "
                             "reels or shared reviews belong to it")
        self._run_one(f"Remove cycle {c.number}", c, None)

    def _check_cycle(self, c: Cycle) -> None:
        if c.number < 1:
            raise InvalidEditError("cycles are numbered from 1")
        for other in self.cycles():
            if other.id != c.id and other.number == c.number:
                raise InvalidEditError(f"there is already a cycle {c.number}")

    def add_shared_review(self, cycle_id: int, held_on: dt.date, *, parent_reflections: str = "",
                          next_goal: str = "", recording_id: int | None = None) -> SharedReview:
        r = SharedReview(cycle_id, held_on, parent_reflections, next_goal, recording_id)
        self._check_review(r)
        return self._add("Add shared review", r)

    def update_shared_review(self, review: SharedReview) -> SharedReview:
        before = self.shared_review(entity_id(review))
        self._check_review(review)
        return self._update("Edit shared review", before, review)

    def delete_shared_review(self, review_id: int) -> None:
        self._run_one("Remove shared review", self.shared_review(review_id), None)

    def _check_review(self, r: SharedReview) -> None:
        self.cycle(r.cycle_id)
        if r.recording_id is not None:
            self.recording(r.recording_id)
        if r.reel_id is not None:
            self.reel(r.reel_id)
        if r.helping_question_id is not None:
            self.helping_question(r.helping_question_id)

    def add_consent(self, participant_id: int, scope: ConsentScope, given_on: dt.date, *,
                    expires_on: dt.date | None = None, note: str = "") -> Consent:
        c = Consent(participant_id, ConsentScope(scope), given_on, expires_on, None, note)
        self._check_consent(c)
        return self._add("Record consent", c)

    def update_consent(self, consent: Consent) -> Consent:
        before = self.consent(entity_id(consent))
        self._check_consent(consent)
        return self._update("Edit consent", before, consent)

    def withdraw_consent(self, consent_id: int, on: dt.date) -> Consent:
        c = self.consent(consent_id)
        return self.update_consent(replace(c, withdrawn_on=on))

    def delete_consent(self, consent_id: int) -> None:
        self._run_one("Remove consent record", self.consent(consent_id), None)

    def _check_consent(self, c: Consent) -> None:
        self.participant(c.participant_id)
        if c.expires_on is not None and c.expires_on < c.given_on:
            raise InvalidEditError("consent cannot expire before it was given")
        if c.withdrawn_on is not None and c.withdrawn_on < c.given_on:
            raise InvalidEditError("consent cannot be withdrawn before it was given")
