"""Edits of the shared review in the room and the traject plan.

The parent's words typed against a reel item, the helping question the review addressed and
the next goal are all stored in the cycle's :class:`~vigstudio.domain.project.SharedReview`
(the words as its nested ``reflections``); the traject plan is one row per case. Every call
is one undoable command, on disk when it returns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from vigstudio.app.session_core import K, SessionCore, domain_edit
from vigstudio.domain.project import Cycle, SharedReview
from vigstudio.domain.reels import Reel
from vigstudio.domain.review import ItemReflection, PlannedDate, TrajectPlan
from vigstudio.errors import InvalidEditError, NotFoundError


class ReviewEdits(SessionCore):
    """The shared review in the room (per-item words, next goal) and the traject plan."""

    # --- queries ------------------------------------------------------------------------

    def traject_plan(self) -> TrajectPlan | None:
        """The case's traject plan, or None when none was agreed yet."""
        plan = self._cache[K.TRAJECT_PLAN].get(1)
        return plan if isinstance(plan, TrajectPlan) else None

    def reviews_of_reel(self, reel_id: int) -> list[SharedReview]:
        return [r for r in self.shared_reviews() if r.reel_id == reel_id]

    def reviews_of_cycle(self, cycle_id: int) -> list[SharedReview]:
        return [r for r in self.shared_reviews() if r.cycle_id == cycle_id]

    # --- the traject plan ---------------------------------------------------------------

    def set_traject_plan(self, plan: TrajectPlan) -> TrajectPlan:
        """Agree (or change) the traject plan: areas for change, numbers, planned dates."""
        areas = tuple(a.strip() for a in plan.areas if a.strip())
        planned = tuple(sorted((PlannedDate(p.on, p.what.strip()) for p in plan.planned),
                               key=lambda p: p.on))
        after: TrajectPlan = domain_edit(replace, plan, areas=areas, planned=planned, id=1)
        before = self.traject_plan()
        if before is None:
            return self._add("Agree traject plan", after)
        return self._update("Edit traject plan", before, after)

    # --- the review in the room ---------------------------------------------------------

    def start_review(self, reel_id: int, held_on: dt.date | None = None) -> SharedReview:
        """The shared review of ``reel_id`` held on ``held_on`` (today): the existing one, or
        a new one in the reel's cycle (a reel without a cycle goes to the latest cycle, or to
        a new cycle 1 when the case has none; one undo step)."""
        reel: Reel = self.reel(reel_id)
        day = held_on or dt.date.today()
        for review in self.reviews_of_reel(reel_id):
            if review.held_on == day:
                return review
        with self.merged("Start shared review"):
            cycle_id = reel.cycle_id
            if cycle_id is None:
                cycles = self.cycles()
                cycle_id = cycles[-1].id if cycles else self._add("Add cycle 1", Cycle(1)).id
            assert cycle_id is not None
            questions = self.helping_questions()
            review = SharedReview(cycle_id, day, reel_id=reel_id,
                                  helping_question_id=questions[0].id if questions else None)
            stored = self._add("Start shared review", review)
        return stored

    def add_item_reflection(self, review_id: int, item_id: int, words: str, *,
                            noted_at: dt.datetime | None = None) -> ItemReflection:
        """Keep what the parent said, verbatim, against reel item ``item_id``."""
        review = self.shared_review(review_id)
        if not words.strip():
            raise InvalidEditError("write down the parent's words first")
        self._check_item_of_review(review, item_id)
        when = (noted_at or dt.datetime.now()).replace(microsecond=0)
        position = max((r.position for r in review.reflections), default=-1) + 1
        reflection = ItemReflection(item_id, words, when, position)
        after = self._update("Note the parent's words", review,
                             replace(review, reflections=(*review.reflections, reflection)))
        return after.reflections[-1]

    def update_item_reflection(self, review_id: int, reflection_id: int,
                               words: str) -> ItemReflection:
        review = self.shared_review(review_id)
        if not words.strip():
            raise InvalidEditError("the parent's words cannot be empty (remove them instead)")
        index = _reflection_index(review, reflection_id)
        items = list(review.reflections)
        items[index] = replace(items[index], words=words)
        after = self._update("Edit the parent's words", review,
                             replace(review, reflections=tuple(items)))
        return after.reflections[index]

    def remove_item_reflection(self, review_id: int, reflection_id: int) -> None:
        review = self.shared_review(review_id)
        _reflection_index(review, reflection_id)
        kept = tuple(r for r in review.reflections if r.id != reflection_id)
        self._update("Remove the parent's words", review, replace(review, reflections=kept))

    def set_review_question(self, review_id: int, question_id: int | None) -> SharedReview:
        """Mark which helping question the review addressed (None: not said)."""
        review = self.shared_review(review_id)
        if question_id is not None:
            self.helping_question(question_id)
        return self._update("Mark the helping question", review,
                            replace(review, helping_question_id=question_id))

    def set_next_goal(self, review_id: int, text: str) -> SharedReview:
        """The next goal agreed at the end of the review (kept as typed)."""
        review = self.shared_review(review_id)
        return self._update("Set the next goal", review, replace(review, next_goal=text))

    def _check_item_of_review(self, review: SharedReview, item_id: int) -> None:
        if review.reel_id is None:
            raise InvalidEditError("this shared review has no reel; choose the reel watched")
        reel = self.reel(review.reel_id)
        if all(item.id != item_id for item in reel.items):
            raise NotFoundError(f"reel {reel.name!r} has no item with id {item_id}")


def _reflection_index(review: SharedReview, reflection_id: int) -> int:
    for i, r in enumerate(review.reflections):
        if r.id == reflection_id:
            return i
    raise NotFoundError(f"this shared review has no parent's words with id {reflection_id}")
