"""Exporting a stored reel: the MP4 feedback reel, its stills as PNG, and what the sheet shows.

Turns the session's reel (clips, stills and title cards by id) into the media layer's
:class:`~vigstudio.media.export_plan.ReelPlan` and runs the export. Recordings that are
offline stop the export before anything is written, with a message naming them.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from vigstudio.app.export_target import check_export_target, check_stills_folder
from vigstudio.app.session import CaseSession, RecordingStatus
from vigstudio.domain.reels import ItemKind, Reel
from vigstudio.errors import ExportError, MediaMissingError
from vigstudio.media.export import ExportResult, ProgressCallback, export_reel
from vigstudio.media.export_plan import ClipSegment, ReelPlan, Segment, StillSegment, TitleCard
from vigstudio.media.stills import StillRequest, export_stills
from vigstudio.safe_write import sweep_leftovers

__all__ = ["SheetContent", "export_reel_stills", "export_reel_video", "plan_for_reel",
           "sheet_content", "still_requests"]


def _media(session: CaseSession, recording_id: int) -> Path:
    status = session.recording_status(recording_id)
    if status is not RecordingStatus.ONLINE:
        rec = session.recording(recording_id)
        why = "cannot be found" if status is RecordingStatus.OFFLINE else \
            "differs from the file that was imported"
        raise MediaMissingError(
            f"The recording {rec.display_title!r} ({rec.path}) {why}; relink it before "
            "exporting. Nothing was exported.")
    return session.media_path(recording_id)


def plan_for_reel(session: CaseSession, reel: Reel | int) -> ReelPlan:
    """The export plan of a stored reel, item by item."""
    if isinstance(reel, int):
        reel = session.reel(reel)
    segments: list[Segment] = []
    for item in reel.items:
        if item.kind is ItemKind.CLIP:
            assert item.clip_id is not None
            clip = session.clip(item.clip_id)
            rec = session.recording(clip.recording_id)
            segments.append(ClipSegment(_media(session, clip.recording_id), rec.info,
                                        clip.range, speed=item.speed,
                                        freeze_last=item.freeze_last,
                                        caption=item.caption or clip.caption,
                                        burn_caption=item.burn_caption))
        elif item.kind is ItemKind.STILL:
            assert item.still_id is not None
            still = session.still(item.still_id)
            rec = session.recording(still.recording_id)
            segments.append(StillSegment(_media(session, still.recording_id), rec.info,
                                         still.frame, hold=item.hold,
                                         caption=item.caption or still.caption,
                                         burn_caption=item.burn_caption))
        else:
            segments.append(TitleCard(item.title_text, hold=item.hold, caption=item.caption,
                                      burn_caption=item.burn_caption))
    if not segments:
        raise ExportError(f"The reel {reel.name!r} is empty: add clips, stills or a title card.")
    return ReelPlan(tuple(segments))


def export_reel_video(session: CaseSession, reel: Reel | int, out: Path, *,
                      height: int | None = None, overwrite: bool = False,
                      progress: ProgressCallback | None = None,
                      cancel: threading.Event | None = None) -> ExportResult:
    """Export the reel as an H.264/AAC MP4 (frame-exact; see docs/EXPORT.md)."""
    out = Path(out)
    check_export_target(session, out, extra=[out.with_suffix(".srt")])
    sweep_leftovers(out.parent)
    return export_reel(plan_for_reel(session, reel), out, height=height, overwrite=overwrite,
                       progress=progress, cancel=cancel)


def _slug(text: str) -> str:
    slug = re.sub(r"[^\w]+", "-", text.lower(), flags=re.UNICODE).strip("-")
    return slug[:40] or "still"


def still_requests(session: CaseSession, reel: Reel | int) -> list[StillRequest]:
    """One PNG per still of the reel, named in reel order (``01-eye-contact.png``)."""
    if isinstance(reel, int):
        reel = session.reel(reel)
    requests: list[StillRequest] = []
    for item in reel.items:
        if item.kind is not ItemKind.STILL or item.still_id is None:
            continue
        still = session.still(item.still_id)
        rec = session.recording(still.recording_id)
        label = item.caption or still.caption or f"frame-{still.frame}"
        name = f"{len(requests) + 1:02d}-{_slug(label)}.png"
        requests.append(StillRequest(_media(session, still.recording_id), rec.info, still.frame,
                                     name))
    return requests


def export_reel_stills(session: CaseSession, reel: Reel | int, folder: Path, *,
                       overwrite: bool = False) -> list[Path]:
    """Write the reel's stills as full-resolution, upright PNGs into ``folder``."""
    requests = still_requests(session, reel)
    if not requests:
        name = reel.name if isinstance(reel, Reel) else session.reel(reel).name
        raise ExportError(f"The reel {name!r} has no stills to export.")
    check_stills_folder(session, folder, [r.name for r in requests])
    sweep_leftovers(Path(folder))
    return export_stills(requests, folder, overwrite=overwrite)


@dataclass(frozen=True)
class SheetContent:
    """What the printable feedback sheet shows: pseudonym, question, date, stills."""

    case_name: str
    helping_question: str
    date: dt.date
    captions: tuple[str, ...]


def sheet_content(session: CaseSession, reel: Reel | int, *,
                  date: dt.date | None = None) -> SheetContent:
    """The sheet's text; the stills are those of :func:`still_requests`, in the same order."""
    if isinstance(reel, int):
        reel = session.reel(reel)
    questions = session.helping_questions()
    captions = []
    for item in reel.items:
        if item.kind is ItemKind.STILL and item.still_id is not None:
            captions.append(item.caption or session.still(item.still_id).caption)
    return SheetContent(session.case().name, questions[0].text if questions else "",
                        date or dt.date.today(), tuple(captions))
