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

from vigstudio.app.session import CaseSession, RecordingStatus
from vigstudio.domain.reels import ItemKind, Reel
from vigstudio.errors import ExportError, MediaMissingError, VigError
from vigstudio.interchange.atomic import write_atomically
from vigstudio.interchange.errors import InterchangeError
from vigstudio.interchange.vtt import srt_to_vtt
from vigstudio.media.export import ExportResult, ProgressCallback, export_reel, start_worker
from vigstudio.media.export_plan import (
    ClipSegment,
    ReelPlan,
    Segment,
    StillSegment,
    TitleCard,
    caption_subtitles,
    layout_reel,
)
from vigstudio.media.stills import StillRequest, export_stills

__all__ = ["SheetContent", "export_plan_video", "export_reel_stills", "export_reel_video",
           "plan_for_reel", "prepare_export",
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


def prepare_export(session: CaseSession, reel: Reel | int, height: int | None = None) -> None:
    """Start the export's worker now, while the person is still choosing where to save: it
    imports its libraries and decodes the reel's first frames (in memory only), so the export
    itself starts at once. The export dialog calls this when it opens and when the picture
    size changes; :func:`vigstudio.media.export.stop_worker` ends the worker when the dialog
    closes without exporting. A reel that cannot be planned yet (an offline recording) gets
    a plain waiting worker; the export will report the problem."""
    try:
        plan: ReelPlan | None = plan_for_reel(session, reel)
    except VigError:
        plan = None
    start_worker(plan, height)


def export_reel_video(session: CaseSession, reel: Reel | int, out: Path, *,
                      height: int | None = None, overwrite: bool = False,
                      progress: ProgressCallback | None = None,
                      cancel: threading.Event | None = None) -> ExportResult:
    """Export the reel as an H.264/AAC MP4 (frame-exact; see docs/EXPORT.md)."""
    return export_plan_video(plan_for_reel(session, reel), out, height=height,
                             overwrite=overwrite, progress=progress, cancel=cancel)


def export_plan_video(plan: ReelPlan, out: Path, *, height: int | None = None,
                      overwrite: bool = False, progress: ProgressCallback | None = None,
                      cancel: threading.Event | None = None) -> ExportResult:
    """Export a reel plan as MP4. Captions not burned into the picture go beside it as
    SubRip (``.srt``, written by the media layer) and WebVTT (``.vtt``, the same cues)."""
    out = Path(out)
    vtt = out.with_suffix(".vtt")
    subtitles = caption_subtitles(plan, layout_reel(plan, height))
    if subtitles and vtt.exists() and not overwrite:
        raise ExportError(f"{vtt} (the captions beside the reel) already exists; choose "
                          "another name or allow replacing it.")
    result = export_reel(plan, out, height=height, overwrite=overwrite, progress=progress,
                         cancel=cancel)
    if subtitles:
        try:
            write_atomically(vtt, srt_to_vtt(subtitles).encode("utf-8"), overwrite=True)
        except InterchangeError as exc:
            out.unlink(missing_ok=True)  # a reel without its captions is not finished
            out.with_suffix(".srt").unlink(missing_ok=True)
            raise ExportError(str(exc)) from exc
    return result


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
