"""The demo case project: a generated family film, tagged, with clips, stills and a reel.

Everything is pseudonymous and synthetic. The recording is generated with PyAV at first use
(never committed as a binary). :func:`create_demo` is idempotent: a finished demo in the
folder is reused; a demo is only ever published complete (built under a temporary name).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

from vigstudio.app import CaseSession
from vigstudio.domain.annotations import Sharing, Valence
from vigstudio.domain.project import ConsentScope, Role, SharedReview
from vigstudio.domain.review import PlannedDate, TrajectPlan
from vigstudio.errors import ProjectError

PROJECT_NAME = "demo-family.vigproj"
MEDIA_NAME = "demo-family-film.mp4"
SECONDS = 20
HELPING_QUESTION = "I want us to have fun together without it ending in a row."

# (reel item index, minute past ten, the parent's words) at the demo's shared review
_WORDS: list[tuple[int, int, str]] = [
    (1, 4, "He waited for me there. And I waited for him."),
    (1, 6, "I didn't know I smile at him that much."),
    (2, 9, "He looks so proud."),
    (3, 13, "When I slow down he keeps playing."),
]

# (frame, code, who, behaviour index or None, note, valence)
_MOMENTS: list[tuple[int, str, str, int | None, str, Valence]] = [
    (12, "attentive", "Alex", 2, "Alex turns towards Sam before the game starts.",
     Valence.STRENGTH),
    (48, "encouraging", "Alex", 0, "Alex waits: Sam gets to start.", Valence.STRENGTH),
    (55, "receiving", "Alex", 3, "A smile and a nod when Sam passes the ball.",
     Valence.STRENGTH),
    (102, "attuned", "Sam", 5, "Sam takes his turn and looks back at Alex.", Valence.STRENGTH),
    (150, "receiving", "Sam", 3, "Sam returns Alex's smile.", Valence.STRENGTH),
    (205, "guiding", "Alex", 5, "Alex suggests rolling the ball gently; Sam follows.",
     Valence.STRENGTH),
    (260, "attuned", "Alex", 4, "Third turn on the same game.", Valence.STRENGTH),
    (340, "encouraging", "Alex", None, "Alex speaks during Sam's turn: room to wait longer?",
     Valence.WORKING_POINT),
    (420, "attuned", "Sam", 3, "Both laughing: having fun together.", Valence.STRENGTH),
]
_CLIPS = [
    (40, 110, "Waiting for Sam's turn", "You waited, and Sam started the game.",
     Sharing.SUPERVISION),
    (190, 270, "Turn after turn", "One turn, then another, on the same game.", Sharing.PRIVATE),
    (400, 470, "Having fun together", "Fun together, no row.", Sharing.UNDECIDED),
]
_STILLS = [(55, "The smile"), (150, "Eye contact")]


def create_demo(folder: Path, *, barcode: bool = False) -> Path:
    """Write the demo case project into ``folder`` (or reuse it) and return its path.

    ``barcode=True`` (tests only) puts a frame barcode along the film's bottom edge so tests
    can read which frame a picture shows; the demo a practitioner sees has none."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    project = folder / PROJECT_NAME
    media = folder / MEDIA_NAME
    if not media.exists():
        _make_media(media, barcode=barcode)
    if project.exists():
        return project
    building = folder / f".building-{os.getpid()}-{PROJECT_NAME}"
    _remove(building)
    try:
        with CaseSession.create(building, "Demo family (Rivers)",
                                created_on=dt.date(2026, 1, 12)) as session:
            _fill(session, media)
        if project.exists():
            raise ProjectError(f"{project} appeared while the demo was being written")
        os.replace(building, project)
    finally:
        _remove(building)
    return project


def _make_media(media: Path, *, barcode: bool) -> None:
    from vigstudio.app.demo_film import make_demo_film

    part = media.with_name(f".part-{os.getpid()}-{media.name}")
    try:
        make_demo_film(part, seconds=SECONDS, barcode=barcode)
        os.replace(part, media)
    finally:
        part.unlink(missing_ok=True)


def _remove(project: Path) -> None:
    from vigstudio.app.demo_film import remove_project_file

    remove_project_file(project)


def _fill(s: CaseSession, media: Path) -> None:
    sam = s.add_participant("Sam", Role.PERSON)
    alex = s.add_participant("Alex", Role.PARTNER)
    jo = s.add_participant("Jo", Role.GUIDER)
    people = {"Sam": sam.id, "Alex": alex.id, "Jo": jo.id}
    question = s.add_helping_question(HELPING_QUESTION, agreed_on=dt.date(2026, 1, 12),
                                      said_by_id=alex.id)
    cycle = s.add_cycle(1, filmed_on=dt.date(2026, 1, 19), notes="Playing ball in the garden")
    assert cycle.id is not None and alex.id is not None and sam.id is not None
    for person, scope in ((alex.id, ConsentScope.FEEDBACK),
                          (alex.id, ConsentScope.SUPERVISION), (sam.id, ConsentScope.FEEDBACK)):
        s.add_consent(person, scope, dt.date(2026, 1, 12), expires_on=dt.date(2031, 1, 12),
                      note="Signed by Alex on the consent form")
    rec = s.import_recording(media, title="Playing ball", cycle_id=cycle.id,
                             recorded_on=dt.date(2026, 1, 19))
    assert rec.id is not None
    for frame, code, who, behaviour, note, valence in _MOMENTS:
        principle = s.principle_by_code(code)
        s.add_moment(rec.id, frame, code, participant_id=people[who],
                     behaviour_id=(None if behaviour is None
                                   else principle.behaviours[behaviour].id),
                     note=note, valence=valence, helping_question_id=question.id)
    clips = []
    for start, end, title, caption, sharing in _CLIPS:
        clip = s.add_clip(rec.id, start, end, title=title, caption=caption)
        s.set_clip_sharing(clip.id or 0, sharing)
        clips.append(s.set_clip_appears(clip.id or 0, (sam.id, alex.id)))  # both are in view
    stills = [s.set_still_appears(s.add_still(rec.id, frame, caption=caption).id or 0,
                                  (sam.id, alex.id)) for frame, caption in _STILLS]
    reel = s.new_reel("Cycle 1 feedback", cycle_id=cycle.id)
    assert reel.id is not None
    s.add_title_card(reel.id, f"“{HELPING_QUESTION}”", hold=Fraction(5))
    s.add_clip_to_reel(reel.id, clips[0].id or 0, caption=clips[0].caption)
    s.add_still_to_reel(reel.id, stills[0].id or 0, caption=stills[0].caption)
    item = s.add_clip_to_reel(reel.id, clips[1].id or 0, caption=clips[1].caption)
    s.update_reel_item(reel.id, item.id or 0, speed=Fraction(1, 2), freeze_last=Fraction(2),
                       burn_caption=True)
    s.add_still_to_reel(reel.id, stills[1].id or 0, caption=stills[1].caption)
    s.add_clip_to_reel(reel.id, clips[2].id or 0, caption=clips[2].caption)
    review = s.add_shared_review(cycle.id, dt.date(2026, 1, 26),
                                 parent_reflections="When I wait, Sam keeps playing. I didn't "
                                                    "know I smile at him that much.",
                                 next_goal="Wait for Sam's turn at mealtimes too.")
    _fill_review(s, review, reel.id, question.id)


def _fill_review(s: CaseSession, review: SharedReview, reel_id: int,
                 question_id: int | None) -> None:
    """The parent's words against the reel's items, and the traject plan."""
    assert review.id is not None
    s.update_shared_review(replace(review, reel_id=reel_id, helping_question_id=question_id))
    items = s.reel(reel_id).items
    for index, minute, words in _WORDS:
        s.add_item_reflection(review.id, items[index].id or 0, words,
                              noted_at=dt.datetime(2026, 1, 26, 10, minute))
    s.set_traject_plan(TrajectPlan(
        ("Having fun together without it ending in a row", "Waiting for Sam's turn"),
        films=3, feedbacks=3, reviews=3, agreed_on=dt.date(2026, 1, 12),
        planned=(PlannedDate(dt.date(2026, 1, 19), "Film 1"),
                 PlannedDate(dt.date(2026, 1, 26), "Shared review 1"),
                 PlannedDate(dt.date(2026, 2, 16), "Film 2"),
                 PlannedDate(dt.date(2026, 3, 16), "Film 3"),
                 PlannedDate(dt.date(2026, 4, 20), "Evaluation together"))))
