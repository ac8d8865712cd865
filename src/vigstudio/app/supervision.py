"""The supervision package: for supervision, the practitioner analyses the filmed shared review
(the guider as partner) and exports only that: its clips, the guider's own reflection and the
working points chosen, with "For supervision only" burned into every picture.

A clip of the family's own film may go in only when the parent's decision and everyone's
consent allow supervision: for those, no override is possible. The clips of the review film
itself pass the same check, and there the practitioner may override with a written reason.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from vigstudio.app.exits import Clearance, Exit, clear_exit, clip_to_check, log_exit
from vigstudio.app.session import CaseSession, RecordingStatus
from vigstudio.domain.annotations import Clip, Moment, Valence
from vigstudio.domain.privacy import (
    ExportRecord,
    ItemToCheck,
    Purpose,
    proposed_participants,
    still_window,
)
from vigstudio.domain.time import format_seconds
from vigstudio.errors import ExportError, InvalidEditError, MediaMissingError
from vigstudio.media.export import ProgressCallback, export_reel
from vigstudio.media.export_plan import ClipSegment, ReelPlan, Segment, StillSegment, TitleCard
from vigstudio.media.source import MediaSource

__all__ = ["LABEL", "PreparedPackage", "SupervisionContents", "SupervisionPackage",
           "export_supervision_package", "log_supervision_package",
           "prepare_supervision_package", "supervision_contents", "supervision_plan",
           "working_points", "write_supervision_package"]

LABEL = "For supervision only"
VIDEO_NAME = "supervision.mp4"
TEXT_NAME = "reflection.txt"


@dataclass(frozen=True)
class SupervisionPackage:
    folder: Path
    files: tuple[Path, ...]
    record: ExportRecord


def working_points(session: CaseSession, recording_id: int) -> list[Moment]:
    """The moments marked as working points on a recording, in time order."""
    return [m for m in session.moments(recording_id) if m.valence is Valence.WORKING_POINT]


def _online(session: CaseSession, recording_id: int) -> MediaSource:
    if session.recording_status(recording_id) is not RecordingStatus.ONLINE:
        rec = session.recording(recording_id)
        raise MediaMissingError(f"The recording {rec.display_title!r} ({rec.path}) cannot be "
                                "found; relink it before exporting. Nothing was exported.")
    return session.media_source(recording_id)


def _point_to_check(session: CaseSession, m: Moment, *, family: bool) -> ItemToCheck:
    info = session.recording(m.recording_id).info
    window = still_window(m.frame, max(1, round(info.frame_rate.value)), info.frame_count)
    appears = proposed_participants(session.moments(m.recording_id), m.recording_id, window)
    note = f" “{m.note.strip()}”" if m.note.strip() else ""
    return ItemToCheck(f"working point{note} (frame {m.frame})", appears, False,
                       overridable=not family)


@dataclass(frozen=True)
class SupervisionContents:
    """What a supervision package would carry, before the check and before any writing."""

    review_id: int
    source: str
    clips: tuple[Clip, ...]
    points: tuple[Moment, ...]
    items: tuple[ItemToCheck, ...]


def supervision_contents(session: CaseSession, review_id: int, *,
                         clip_ids: Sequence[int] | None = None,
                         working_point_ids: Sequence[int] = ()) -> SupervisionContents:
    """The clips (default: every clip of the review film) and chosen working points of a
    filmed shared review, and the items the check looks at. Clips and working points of other
    recordings (the family's own film) are checked without any override."""
    review = session.shared_review(review_id)
    cycle = session.cycle(review.cycle_id)
    if review.recording_id is None:
        raise ExportError(f"The shared review of cycle {cycle.number} ({review.held_on}) was not "
                          "filmed: link the review film to it in the case record first.")
    film = review.recording_id
    clips = [session.clip(c) for c in clip_ids] if clip_ids is not None else session.clips(film)
    points = [session.moment(m) for m in working_point_ids]
    for m in points:
        if m.valence is not Valence.WORKING_POINT:
            raise InvalidEditError(f"moment {m.id} at frame {m.frame} is not a working point")
    if not clips and not points:
        raise ExportError("There is nothing to put in the supervision package: select clips "
                          "on the review film, or choose working points.")
    items = [clip_to_check(session, c.id or 0, overridable=c.recording_id == film)
             for c in clips]
    items += [_point_to_check(session, m, family=m.recording_id != film) for m in points]
    return SupervisionContents(review_id, f"shared review of cycle {cycle.number} "
                                          f"({review.held_on})",
                               tuple(clips), tuple(points), tuple(items))


def supervision_plan(session: CaseSession, contents: SupervisionContents) -> ReelPlan:
    """The package's video: a title card, then the clips and working points, each with
    "For supervision only" burned into the picture."""
    review = session.shared_review(contents.review_id)
    cycle = session.cycle(review.cycle_id)
    segments: list[Segment] = [TitleCard(
        f"{LABEL}\n{session.case().name} · cycle {cycle.number}, review {review.held_on}",
        caption=LABEL, burn_caption=True)]
    for clip in contents.clips:
        rec = session.recording(clip.recording_id)
        title = f" · {clip.title}" if clip.title else ""
        segments.append(ClipSegment(_online(session, clip.recording_id), rec.info, clip.range,
                                    caption=f"{LABEL}{title}", burn_caption=True))
    for m in contents.points:
        rec = session.recording(m.recording_id)
        note = f": {m.note.strip()}" if m.note.strip() else ""
        segments.append(StillSegment(_online(session, m.recording_id), rec.info, m.frame,
                                     caption=f"{LABEL} · working point{note}",
                                     burn_caption=True))
    return ReelPlan(tuple(segments))


@dataclass(frozen=True)
class PreparedPackage:
    """A supervision package checked and planned, ready to be written: everything the
    writing job needs, read from the session first (on the session's thread)."""

    folder: Path
    plan: ReelPlan
    reflection: str  # the text of reflection.txt
    clearance: Clearance
    overwrite: bool = False
    height: int | None = None


def prepare_supervision_package(
        session: CaseSession, review_id: int, folder: Path, *,
        clip_ids: Sequence[int] | None = None, working_point_ids: Sequence[int] = (),
        reflection: str = "", overwrite: bool = False, override: str | None = None,
        day: dt.date | None = None, height: int | None = None) -> PreparedPackage:
    """The check at the exit (purpose: supervision), the target, the video's plan and the
    reflection's text; raises before anything is written."""
    contents = supervision_contents(session, review_id, clip_ids=clip_ids,
                                    working_point_ids=working_point_ids)
    clearance = clear_exit(session, Exit.SUPERVISION, contents.items, Purpose.SUPERVISION,
                           source=contents.source, override=override, day=day)
    folder = Path(folder)
    text = folder / TEXT_NAME
    if text.exists() and not overwrite:
        raise ExportError(f"{text} already exists; choose another folder or allow replacing.")
    plan = supervision_plan(session, contents)
    body = _reflection_text(session, review_id, contents.clips, contents.points, reflection)
    return PreparedPackage(folder, plan, body, clearance, overwrite, height)


def write_supervision_package(prepared: PreparedPackage, *,
                              progress: ProgressCallback | None = None,
                              cancel: threading.Event | None = None) -> tuple[Path, ...]:
    """Write ``supervision.mp4`` and ``reflection.txt``; touches no session, so it runs as
    a job. A cancelled or failed export leaves no reflection behind."""
    folder = prepared.folder
    video, text = folder / VIDEO_NAME, folder / TEXT_NAME
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / f".{TEXT_NAME}.{os.getpid()}.part"
    part.write_text(prepared.reflection, encoding="utf-8")
    try:
        result = export_reel(prepared.plan, video, height=prepared.height,
                             overwrite=prepared.overwrite, progress=progress, cancel=cancel)
        os.replace(part, text)
    finally:
        part.unlink(missing_ok=True)
    return (result.path, text)


def log_supervision_package(session: CaseSession, prepared: PreparedPackage,
                            files: Sequence[Path]) -> SupervisionPackage:
    """Write the package in the case's export log (on the session's thread)."""
    record = log_exit(session, prepared.clearance, files)
    return SupervisionPackage(prepared.folder, tuple(files), record)


def export_supervision_package(
        session: CaseSession, review_id: int, folder: Path, *,
        clip_ids: Sequence[int] | None = None, working_point_ids: Sequence[int] = (),
        reflection: str = "", overwrite: bool = False, override: str | None = None,
        day: dt.date | None = None, height: int | None = None,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None) -> SupervisionPackage:
    """Write ``supervision.mp4`` and ``reflection.txt`` into ``folder`` for the shared review
    ``review_id``, after the check at the exit (purpose: supervision); log the export. The
    three steps in a row (the GUI runs the middle one as a job)."""
    prepared = prepare_supervision_package(
        session, review_id, folder, clip_ids=clip_ids, working_point_ids=working_point_ids,
        reflection=reflection, overwrite=overwrite, override=override, day=day, height=height)
    files = write_supervision_package(prepared, progress=progress, cancel=cancel)
    return log_supervision_package(session, prepared, files)


def _reflection_text(session: CaseSession, review_id: int, clips: Sequence[object],
                     points: Sequence[Moment], reflection: str) -> str:
    review = session.shared_review(review_id)
    cycle = session.cycle(review.cycle_id)
    lines = [LABEL.upper(), "",
             f"Case: {session.case().name}",
             f"Cycle {cycle.number}, shared review held on {review.held_on}", "",
             "The guider's reflection:", reflection.strip() or "(none written)", ""]
    if points:
        lines.append("Working points:")
        for m in points:
            rec = session.recording(m.recording_id)
            when = format_seconds(rec.info.clock.time_of(m.frame))
            lines.append(f"- {when} (frame {m.frame}): {m.note.strip() or '(no note)'}")
        lines.append("")
    lines.append(f"Clips in {VIDEO_NAME}: {len(clips)}")
    return "\n".join(lines) + "\n"
