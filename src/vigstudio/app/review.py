"""The shared review's record, Qt-free: the review summary and progress across cycles.

* :func:`review_summary` — what the printable review summary shows: the date, the helping
  question, each item shown (with the frame to picture it), the parent's words against it,
  the next goal. Nothing else (no tags, no working points, no file names).
* :func:`case_progress` — the case overview: the traject plan against what was done, and the
  cycles side by side (their stills, strengths per principle and participant, the helping
  questions addressed and the next goals, in order).
* :func:`review_json` — the same data for ``vigstudio info --json``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vigstudio.app.exits import Clearance, PreparedExport, finish_export
from vigstudio.app.session import CaseSession, RecordingStatus
from vigstudio.domain.annotations import Valence
from vigstudio.domain.media import MediaInfo, RecordingKind
from vigstudio.domain.project import SharedReview
from vigstudio.domain.reels import ItemKind, ReelItem
from vigstudio.domain.review import TrajectPlan
from vigstudio.errors import NotFoundError, VigError
from vigstudio.media.captions import render_title_card
from vigstudio.media.source import MediaSource
from vigstudio.media.stills import RGB, still_rgb

__all__ = [
    "CycleProgress",
    "Picture",
    "PlanProgress",
    "Progress",
    "ReviewSheet",
    "ReviewSummary",
    "SummaryItem",
    "case_progress",
    "prepare_review_summary",
    "progress_json",
    "review_for_cycle",
    "review_json",
    "review_sheet",
    "review_summary",
]


@dataclass(frozen=True, slots=True)
class Picture:
    """A frame to show for an item: where the film is and which frame (None: offline)."""

    recording_id: int
    frame: int
    path: MediaSource | None  # with an encrypted case's key
    info: MediaInfo


@dataclass(frozen=True, slots=True)
class SummaryItem:
    number: int  # 1 = the first item of the reel
    kind: ItemKind
    picture: Picture | None  # clips (their middle frame) and stills
    text: str  # a title card's text, or the item's caption
    words: tuple[tuple[dt.datetime, str], ...]  # the parent's words, verbatim, with the time


@dataclass(frozen=True, slots=True)
class ReviewSummary:
    held_on: dt.date
    helping_question: str
    items: tuple[SummaryItem, ...]
    next_goal: str
    unplaced_words: tuple[tuple[dt.datetime, str], ...] = ()  # said against removed items


def _picture(session: CaseSession, recording_id: int, frame: int) -> Picture:
    rec = session.recording(recording_id)
    online = session.recording_status(recording_id) is RecordingStatus.ONLINE
    return Picture(recording_id, frame, session.media_source(recording_id) if online else None,
                   rec.info)


def item_picture(session: CaseSession, item: ReelItem) -> Picture | None:
    """The frame that stands for an item: a still's frame, a clip's middle frame."""
    if item.kind is ItemKind.STILL and item.still_id is not None:
        still = session.still(item.still_id)
        return _picture(session, still.recording_id, still.frame)
    if item.kind is ItemKind.CLIP and item.clip_id is not None:
        clip = session.clip(item.clip_id)
        return _picture(session, clip.recording_id,
                        clip.range.start + (clip.range.duration - 1) // 2)
    return None


def item_text(session: CaseSession, item: ReelItem) -> str:
    if item.kind is ItemKind.TITLE:
        return item.title_text
    if item.kind is ItemKind.STILL and item.still_id is not None:
        return item.caption or session.still(item.still_id).caption
    if item.clip_id is not None:
        clip = session.clip(item.clip_id)
        return item.caption or clip.caption or clip.title
    return item.caption


def review_question(session: CaseSession, review: SharedReview) -> str:
    if review.helping_question_id is not None:
        return session.helping_question(review.helping_question_id).text
    return ""


def review_summary(session: CaseSession, review_id: int) -> ReviewSummary:
    """What the review summary shows, for the shared review ``review_id``."""
    review = session.shared_review(review_id)
    by_item: dict[int, list[tuple[dt.datetime, str]]] = {}
    for r in review.reflections:
        by_item.setdefault(r.item_id, []).append((r.noted_at, r.words))
    items: list[SummaryItem] = []
    placed: set[int] = set()
    if review.reel_id is not None:
        for number, item in enumerate(session.reel(review.reel_id).items, start=1):
            assert item.id is not None
            placed.add(item.id)
            items.append(SummaryItem(number, item.kind, item_picture(session, item),
                                     item_text(session, item),
                                     tuple(by_item.get(item.id, ()))))
    unplaced = tuple(w for item_id, words in by_item.items() if item_id not in placed
                     for w in words)
    return ReviewSummary(review.held_on, review_question(session, review), tuple(items),
                         review.next_goal, unplaced)


def clear_review_summary(session: CaseSession, review_id: int, *,
                         override: str | None = None) -> Clearance:
    """The check before a review summary leaves the case: its pictures are the reviewed
    reel's clips and stills, shown to the family (purpose: family feedback)."""
    from vigstudio.app.exits import Exit, clear_exit, reel_to_check
    from vigstudio.domain.privacy import Purpose

    review = session.shared_review(review_id)
    items = reel_to_check(session, review.reel_id) if review.reel_id is not None else []
    return clear_exit(session, Exit.REVIEW_SUMMARY, items, Purpose.FAMILY,
                      source=f"shared review of {review.held_on:%d %b %Y}", override=override)


def review_for_cycle(session: CaseSession, cycle_number: int) -> SharedReview:
    """The latest shared review of cycle ``cycle_number``."""
    for cycle in session.cycles():
        if cycle.number == cycle_number:
            assert cycle.id is not None
            reviews = session.reviews_of_cycle(cycle.id)
            if not reviews:
                raise NotFoundError(f"cycle {cycle_number} has no shared review yet")
            return reviews[-1]
    known = ", ".join(str(c.number) for c in session.cycles()) or "none yet"
    raise NotFoundError(f"there is no cycle {cycle_number} (cycles: {known})")


# --- progress across cycles ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CycleProgress:
    cycle_id: int
    number: int
    filmed_on: dt.date | None
    stills: tuple[Picture, ...]  # the stills of the cycle's reels, in reel order
    strengths: dict[tuple[int, int | None], int]  # (principle id, participant id) -> count
    helping_questions: tuple[str, ...]  # addressed by the cycle's reviews, in order
    next_goals: tuple[str, ...]  # agreed at the cycle's reviews, in order
    reviews_held: tuple[dt.date, ...]


@dataclass(frozen=True, slots=True)
class PlanProgress:
    plan: TrajectPlan | None
    films: int  # family films recorded
    feedbacks: int  # feedback reels with at least one item
    reviews: int  # shared reviews held (up to today)
    done_dates: tuple[dt.date, ...]  # planned dates that have passed
    next_date: dt.date | None  # the next planned date from today


@dataclass(frozen=True, slots=True)
class Progress:
    plan: PlanProgress
    cycles: tuple[CycleProgress, ...]


def case_progress(session: CaseSession, today: dt.date | None = None) -> Progress:
    """The traject plan against what was done, and each cycle's record side by side."""
    today = today or dt.date.today()
    cycles: list[CycleProgress] = []
    for cycle in session.cycles():
        assert cycle.id is not None
        recordings = {r.id for r in session.recordings() if r.cycle_id == cycle.id}
        strengths: dict[tuple[int, int | None], int] = {}
        for m in session.moments():
            if m.recording_id in recordings and m.valence is Valence.STRENGTH:
                key = (m.principle_id, m.participant_id)
                strengths[key] = strengths.get(key, 0) + 1
        stills: list[Picture] = []
        for reel in session.reels():
            if reel.cycle_id != cycle.id:
                continue
            for item in reel.items:
                if item.kind is ItemKind.STILL:
                    picture = item_picture(session, item)
                    if picture is not None:
                        stills.append(picture)
        reviews = session.reviews_of_cycle(cycle.id)
        questions = tuple(dict.fromkeys(q for r in reviews if (q := review_question(session, r))))
        cycles.append(CycleProgress(
            cycle.id, cycle.number, cycle.filmed_on, tuple(stills), strengths, questions,
            tuple(r.next_goal for r in reviews if r.next_goal.strip()),
            tuple(r.held_on for r in reviews)))
    plan = session.traject_plan()
    planned = plan.planned if plan is not None else ()
    films = sum(1 for r in session.recordings() if r.kind is RecordingKind.FAMILY_FILM)
    feedbacks = sum(1 for r in session.reels() if r.items)
    reviews_held = sum(1 for r in session.shared_reviews() if r.held_on <= today)
    upcoming = [p.on for p in planned if p.on >= today]
    return Progress(
        PlanProgress(plan, films, feedbacks, reviews_held,
                     tuple(p.on for p in planned if p.on < today),
                     min(upcoming) if upcoming else None),
        tuple(cycles))


# --- JSON for ``vigstudio info --json`` ----------------------------------------------------

def _words_json(words: tuple[tuple[dt.datetime, str], ...]) -> list[dict[str, str]]:
    return [{"noted_at": when.isoformat(), "words": text} for when, text in words]


def review_json(session: CaseSession, review_id: int) -> dict[str, Any]:
    summary = review_summary(session, review_id)
    return {
        "review_id": review_id,
        "held_on": summary.held_on.isoformat(),
        "helping_question": summary.helping_question,
        "items": [{"number": i.number, "kind": i.kind.value, "text": i.text,
                   "picture": None if i.picture is None else
                   {"recording_id": i.picture.recording_id, "frame": i.picture.frame},
                   "words": _words_json(i.words)} for i in summary.items],
        "next_goal": summary.next_goal,
        "unplaced_words": _words_json(summary.unplaced_words),
    }


def progress_json(session: CaseSession, today: dt.date | None = None) -> dict[str, Any]:
    progress = case_progress(session, today)
    plan = progress.plan
    return {
        "films": plan.films, "feedbacks": plan.feedbacks, "reviews": plan.reviews,
        "planned_dates_passed": [d.isoformat() for d in plan.done_dates],
        "next_planned_date": plan.next_date.isoformat() if plan.next_date else None,
        "cycles": [{
            "number": c.number,
            "filmed_on": c.filmed_on.isoformat() if c.filmed_on else None,
            "stills": [{"recording_id": p.recording_id, "frame": p.frame} for p in c.stills],
            "strengths": [{"principle_id": k[0], "participant_id": k[1], "count": n}
                          for k, n in sorted(c.strengths.items(),
                                             key=lambda kv: (kv[0][0], kv[0][1] or 0))],
            "helping_questions": list(c.helping_questions),
            "next_goals": list(c.next_goals),
            "reviews_held": [d.isoformat() for d in c.reviews_held],
        } for c in progress.cycles],
    }


@dataclass(frozen=True)
class ReviewSheet:
    """The printable review summary, assembled: the summary and one picture per item (its
    still or a clip's middle frame, exact; a title card as exported; ``None`` when the film
    is not on this computer). Drawn by ``vigstudio.render.review_pdf``."""

    summary: ReviewSummary
    pictures: tuple[RGB | None, ...]


def _item_picture(item: SummaryItem) -> RGB | None:
    if item.picture is None:
        return render_title_card(item.text, 640, 360)
    picture = item.picture
    if picture.path is None:
        return None
    try:
        return still_rgb(picture.path, picture.info, picture.frame)
    except VigError:
        return None  # unreadable now: drawn as "not on this computer", like offline


def review_sheet(session: CaseSession, review_id: int) -> ReviewSheet:
    """Assemble the review summary of shared review ``review_id`` for printing."""
    summary = review_summary(session, review_id)
    return ReviewSheet(summary, tuple(_item_picture(item) for item in summary.items))


#: Draws a review summary: (the PDF to write, the sheet, replace an existing file?) → path.
ReviewRenderer = Callable[[Path, ReviewSheet, bool], Path]


def export_review_summary(session: CaseSession, review_id: int, out: Path, *,
                          render: ReviewRenderer, overwrite: bool = False,
                          override: str | None = None) -> Path:
    """The review summary of shared review ``review_id`` as a PDF at ``out``, after the check
    at the exit (:func:`clear_review_summary`); drawn by ``render`` (the GUI and the CLI pass
    ``vigstudio.render.review_pdf.write_review_pdf``) and written in the export log."""
    prepared = prepare_review_summary(session, review_id, override=override)
    written = render(Path(out), prepared.work(), overwrite)
    finish_export(session, prepared, [written])
    return written


def prepare_review_summary(session: CaseSession, review_id: int, *,
                           override: str | None = None) -> PreparedExport[ReviewSheet]:
    """Check and clear the review summary's export, and read what it shows; ``work()``
    decodes the items' pictures (touching no session, so a job may run it); the caller draws
    the sheet and logs it with :func:`vigstudio.app.exits.finish_export`."""
    clearance = clear_review_summary(session, review_id, override=override)
    summary = review_summary(session, review_id)
    return PreparedExport(clearance, lambda: ReviewSheet(
        summary, tuple(_item_picture(item) for item in summary.items)))
