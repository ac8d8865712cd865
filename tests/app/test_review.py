"""The shared review's data in the session: words per item, next goal, helping question,
the traject plan, progress across cycles; every change undoable and saved at once."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from vigstudio.app.review import case_progress, review_for_cycle, review_summary
from vigstudio.app.session import CaseSession
from vigstudio.cli import main
from vigstudio.domain.annotations import Valence
from vigstudio.domain.entities import EntityKind
from vigstudio.domain.media import Recording
from vigstudio.domain.project import Role
from vigstudio.domain.review import PlannedDate, TrajectPlan
from vigstudio.errors import InUseError, InvalidEditError, NotFoundError

DAY = dt.date(2026, 2, 9)


@pytest.fixture
def session(tmp_path: Path, fake_recording: Callable[..., Recording]
            ) -> Iterator[CaseSession]:
    s = CaseSession.create(tmp_path / "case.vigproj", "Family R")
    sam = s.add_participant("Sam", Role.PERSON)
    alex = s.add_participant("Alex", Role.PARTNER)
    s.add_helping_question("Fun together", said_by_id=alex.id)
    rec = s.add_recording(fake_recording(200))
    assert rec.id is not None
    s.add_moment(rec.id, 5, "receiving", participant_id=alex.id)
    s.add_moment(rec.id, 6, "receiving", participant_id=alex.id)
    s.add_moment(rec.id, 7, "attuned", participant_id=sam.id)
    s.add_moment(rec.id, 8, "receiving", participant_id=alex.id,
                 valence=Valence.WORKING_POINT)
    clip = s.add_clip(rec.id, 10, 40, title="Turn")
    still = s.add_still(rec.id, 50, caption="Smile")
    reel = s.new_reel("R")
    assert reel.id is not None
    s.add_clip_to_reel(reel.id, clip.id or 0)
    s.add_still_to_reel(reel.id, still.id or 0)
    yield s
    s.close()


def test_start_review_without_a_cycle_makes_cycle_one_in_one_step(
        session: CaseSession) -> None:
    reel = session.reel_by_name("R")
    review = session.start_review(reel.id or 0, DAY)
    assert [c.number for c in session.cycles()] == [1]
    assert review.cycle_id == session.cycles()[0].id and review.reel_id == reel.id
    assert review.helping_question_id == session.helping_questions()[0].id
    assert session.start_review(reel.id or 0, DAY) == review  # the same day: the same review
    session.undo()
    assert session.cycles() == [] and session.shared_reviews() == []


def test_words_per_item_are_undoable_and_on_disk(session: CaseSession) -> None:
    reel = session.reel_by_name("R")
    review = session.start_review(reel.id or 0, DAY)
    rid = review.id or 0
    first = session.add_item_reflection(rid, reel.items[0].id or 0, "  Hij wacht op mij ",
                                        noted_at=dt.datetime(2026, 2, 9, 10, 4, 5, 999))
    assert first.words == "  Hij wacht op mij "  # verbatim
    assert first.noted_at == dt.datetime(2026, 2, 9, 10, 4, 5)
    session.add_item_reflection(rid, reel.items[1].id or 0, "Trots")
    session.set_next_goal(rid, "Wachten aan tafel")
    with CaseSession.open(session.path, read_only=True) as disk:
        saved = disk.shared_review(rid)
        assert [r.words for r in saved.reflections] == ["  Hij wacht op mij ", "Trots"]
        assert saved.next_goal == "Wachten aan tafel"
    session.undo()
    session.undo()
    assert [r.words for r in session.shared_review(rid).reflections] == ["  Hij wacht op mij "]
    assert session.shared_review(rid).next_goal == ""
    session.redo()
    edited = session.update_item_reflection(rid, first.id or 0, "Hij wacht")
    assert edited.id == first.id
    session.remove_item_reflection(rid, first.id or 0)
    assert [r.words for r in session.shared_review(rid).reflections] == ["Trots"]
    with pytest.raises(InvalidEditError, match="parent's words"):
        session.add_item_reflection(rid, reel.items[0].id or 0, "   ")
    with pytest.raises(NotFoundError, match="no item"):
        session.add_item_reflection(rid, 9999, "words")


def test_a_reviewed_reel_and_question_are_protected(session: CaseSession) -> None:
    reel = session.reel_by_name("R")
    review = session.start_review(reel.id or 0, DAY)
    session.add_item_reflection(review.id or 0, reel.items[0].id or 0, "Words")
    with pytest.raises(InUseError, match="shared review"):
        session.delete_reel(reel.id or 0)
    assert session.reel(reel.id or 0) == reel
    question = session.helping_questions()[0]
    session.delete_helping_question(question.id or 0)
    assert session.shared_review(review.id or 0).helping_question_id is None
    session.undo()
    assert session.shared_review(review.id or 0).helping_question_id == question.id
    # a reel item removed after the review keeps the parent's words
    session.remove_reel_item(reel.id or 0, reel.items[0].id or 0)
    summary = review_summary(session, review.id or 0)
    assert [i.number for i in summary.items] == [1]
    assert [w for _, w in summary.unplaced_words] == ["Words"]


def test_traject_plan_and_progress(session: CaseSession) -> None:
    with pytest.raises(ValueError, match="negative"):
        TrajectPlan(films=-1)
    plan = session.set_traject_plan(TrajectPlan(
        (" Fun together ", ""), 3, 3, 3,
        (PlannedDate(dt.date(2026, 3, 1), "Film 2"), PlannedDate(dt.date(2026, 1, 1), "Film 1"))))
    assert plan.areas == ("Fun together",)
    assert [p.what for p in plan.planned] == ["Film 1", "Film 2"]
    assert session.undo_label == "Agree traject plan"
    session.set_traject_plan(TrajectPlan(("Fun together",), 4, 3, 3))
    assert session.undo_label == "Edit traject plan"
    session.undo()
    assert session.traject_plan() == plan
    reel = session.reel_by_name("R")
    review = session.start_review(reel.id or 0, DAY)
    session.set_next_goal(review.id or 0, "Wait at meals")
    cycle = session.cycles()[0]
    session.update_recording(replace(session.recordings()[0], cycle_id=cycle.id))
    session.set_reel_cycle(reel.id or 0, cycle.id)
    progress = case_progress(session, dt.date(2026, 2, 10))
    assert progress.plan.films == 1 and progress.plan.feedbacks == 1
    assert progress.plan.reviews == 1
    assert progress.plan.done_dates == (dt.date(2026, 1, 1),)
    assert progress.plan.next_date == dt.date(2026, 3, 1)
    [c] = progress.cycles
    assert c.next_goals == ("Wait at meals",) and c.helping_questions == ("Fun together",)
    assert [(p.recording_id, p.frame) for p in c.stills] == [(session.recordings()[0].id, 50)]
    assert review_for_cycle(session, 1).id == review.id
    with pytest.raises(NotFoundError, match="no cycle 2"):
        review_for_cycle(session, 2)
    assert session.get(EntityKind.TRAJECT_PLAN, 1) == plan


def test_info_json_carries_reflections_plan_and_summaries(
        session: CaseSession, capsys: pytest.CaptureFixture[str]) -> None:
    reel = session.reel_by_name("R")
    review = session.start_review(reel.id or 0, DAY)
    session.add_item_reflection(review.id or 0, reel.items[1].id or 0, "Trots",
                                noted_at=dt.datetime(2026, 2, 9, 10, 11))
    session.set_traject_plan(TrajectPlan(("Fun",), 3, 3, 3))
    assert main(["info", str(session.path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    [r] = data["shared_reviews"]
    assert r["reflections"] == [{"item_id": reel.items[1].id, "words": "Trots",
                                 "noted_at": "2026-02-09T10:11:00", "position": 0,
                                 "id": r["reflections"][0]["id"]}]
    assert data["traject_plan"]["areas"] == ["Fun"] and data["traject_plan"]["films"] == 3
    [summary] = data["review_summaries"]
    assert summary["helping_question"] == "Fun together"
    assert [i["kind"] for i in summary["items"]] == ["clip", "still"]
    assert summary["items"][1]["words"] == [{"noted_at": "2026-02-09T10:11:00",
                                             "words": "Trots"}]
    assert summary["items"][1]["picture"]["frame"] == 50
    assert data["progress"]["cycles"][0]["number"] == 1
