"""Exporting a stored reel: the MP4 feedback reel, its stills as PNG, and what the sheet shows.

Turns the session's reel (clips, stills and title cards by id) into the media layer's
:class:`~vigstudio.media.export_plan.ReelPlan` and runs the export. Recordings that are
offline stop the export before anything is written, with a message naming them.

Every export here passes the check at the exit first (:mod:`vigstudio.app.exits`): consent
for the reel's purpose from everyone who appears, and the parent's decision about each clip.
A failed check raises ConsentCheckError and writes nothing, unless ``override`` gives a
written reason; each export made is written in the case's export log.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vigstudio.app.exits import (
    Clearance,
    Exit,
    PreparedExport,
    clear_exit,
    finish_export,
    log_exit,
    reel_to_check,
)
from vigstudio.app.export_target import check_export_target, check_stills_folder
from vigstudio.app.session import CaseSession, RecordingStatus
from vigstudio.app.warmup import warm_export_worker
from vigstudio.domain.reels import ItemKind, Reel
from vigstudio.errors import ExportError, MediaMissingError, VigError
from vigstudio.interchange.atomic import write_atomically
from vigstudio.interchange.errors import InterchangeError
from vigstudio.interchange.vtt import srt_to_vtt
from vigstudio.media.export import (
    ExportResult,
    ProgressCallback,
    export_reel,
    start_worker,
    stop_worker,
)
from vigstudio.media.export_plan import (
    ClipSegment,
    ReelPlan,
    Segment,
    StillSegment,
    TitleCard,
    caption_subtitles,
    layout_reel,
)
from vigstudio.media.source import MediaSource
from vigstudio.safe_write import sweep_leftovers

if TYPE_CHECKING:
    # stills decode pictures (PyAV, numpy): imported when used, so that the command line's
    # reel export does not load them in the parent process (its child decodes)
    from vigstudio.media.stills import RGB, StillRequest

__all__ = [
    "FeedbackSheet",
    "PreparedExport",
    "ReelPlan",
    "SheetContent",
    "SheetRenderer",
    "clear_reel",
    "export_feedback_sheet",
    "export_plan_video",
    "export_reel_stills",
    "export_reel_video",
    "feedback_sheet",
    "finish_export",
    "plan_for_reel",
    "prepare_export",
    "prepare_feedback_sheet",
    "prepare_reel_stills",
    "sheet_content",
    "still_requests",
    "stop_prepared_export",
    "warm_export_worker",
]


def clear_reel(session: CaseSession, reel: Reel | int, what: Exit, *,
               override: str | None = None, day: dt.date | None = None) -> Clearance:
    """The check at the exit for a reel's video (all items) or its stills and sheet (only
    the stills), for the reel's purpose. Raises ConsentCheckError; writes nothing."""
    if isinstance(reel, int):
        reel = session.reel(reel)
    kinds = tuple(ItemKind) if what is Exit.REEL_VIDEO else (ItemKind.STILL,)
    return clear_exit(session, what, reel_to_check(session, reel, kinds=kinds), reel.purpose,
                      source=f"reel “{reel.name}”", override=override, day=day)


def _media(session: CaseSession, recording_id: int) -> MediaSource:
    status = session.recording_status(recording_id)
    if status is not RecordingStatus.ONLINE:
        rec = session.recording(recording_id)
        why = "cannot be found" if status is RecordingStatus.OFFLINE else \
            "differs from the file that was imported"
        raise MediaMissingError(
            f"The recording {rec.display_title!r} ({rec.path}) {why}; relink it before "
            "exporting. Nothing was exported.")
    return session.media_source(recording_id)


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
                                         burn_caption=item.burn_caption, marks=still.marks))
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
    size changes; :func:`stop_prepared_export` ends the worker when the dialog
    closes without exporting. A reel that cannot be planned yet (an offline recording) gets
    a plain waiting worker; the export will report the problem."""
    try:
        plan: ReelPlan | None = plan_for_reel(session, reel)
    except VigError:
        plan = None
    start_worker(plan, height)


def stop_prepared_export() -> None:
    """End a worker :func:`prepare_export` started for an export that was not made."""
    stop_worker()


def export_reel_video(session: CaseSession, reel: Reel | int, out: Path, *,
                      height: int | None = None, overwrite: bool = False,
                      progress: ProgressCallback | None = None,
                      cancel: threading.Event | None = None, override: str | None = None,
                      day: dt.date | None = None) -> ExportResult:
    """Export the reel as an H.264/AAC MP4 (frame-exact; see docs/EXPORT.md), after the check
    at the exit; the export is written in the case's export log. Never over anything the case
    owns (the project file, its journal, a recording; see docs/THREAT_MODEL.md)."""
    out = Path(out)
    check_export_target(session, out, extra=[out.with_suffix(".srt"), out.with_suffix(".vtt")])
    clearance = clear_reel(session, reel, Exit.REEL_VIDEO, override=override, day=day)
    sweep_leftovers(out.parent)
    result = export_plan_video(plan_for_reel(session, reel), out, height=height,
                               overwrite=overwrite, progress=progress, cancel=cancel)
    beside = [result.path.with_suffix(s) for s in (".srt", ".vtt")]  # captions not burned in
    log_exit(session, clearance, [result.path, *(p for p in beside if p.exists())])
    return result


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
    from vigstudio.media.stills import StillRequest

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
                                     name, still.marks))
    return requests


def prepare_reel_stills(session: CaseSession, reel: Reel | int, folder: Path, *,
                        overwrite: bool = False, override: str | None = None,
                        day: dt.date | None = None) -> PreparedExport[list[Path]]:
    """Check and clear the stills export; ``work()`` writes the PNGs (see
    :func:`export_reel_stills`)."""
    requests = still_requests(session, reel)
    if not requests:
        name = reel.name if isinstance(reel, Reel) else session.reel(reel).name
        raise ExportError(f"The reel {name!r} has no stills to export.")
    check_stills_folder(session, folder, [r.name for r in requests])
    from vigstudio.media.stills import export_stills

    clearance = clear_reel(session, reel, Exit.STILLS, override=override, day=day)
    sweep_leftovers(Path(folder))
    return PreparedExport(clearance,
                          lambda: export_stills(requests, folder, overwrite=overwrite))


def export_reel_stills(session: CaseSession, reel: Reel | int, folder: Path, *,
                       overwrite: bool = False, override: str | None = None,
                       day: dt.date | None = None) -> list[Path]:
    """Write the reel's stills as full-resolution, upright PNGs into ``folder``, after the
    check at the exit; the export is written in the case's export log."""
    prepared = prepare_reel_stills(session, reel, folder, overwrite=overwrite,
                                   override=override, day=day)
    paths = prepared.work()
    finish_export(session, prepared, paths)
    return paths


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
    # the question as written on the reel's first title card (the parent's own words for
    # this reel), else the case's first helping question
    cards = [i.title_text.strip().strip("“”\"'‘’ ") for i in reel.items
             if i.kind is ItemKind.TITLE and i.title_text.strip()]
    question = cards[0] if cards else (questions[0].text if questions else "")
    return SheetContent(session.case().name, question, date or dt.date.today(),
                        tuple(captions))


@dataclass(frozen=True)
class FeedbackSheet:
    """The printable feedback sheet, assembled: its text and each still's picture (upright
    RGB, full resolution, with the still's marks drawn on it) with its caption. Drawn by
    ``vigstudio.render.sheet_pdf``."""

    case_name: str
    helping_question: str
    date: dt.date
    stills: tuple[tuple[RGB, str], ...]


def feedback_sheet(session: CaseSession, reel: Reel | int, *,
                   date: dt.date | None = None) -> FeedbackSheet:
    """Assemble a reel's feedback sheet (the stills decoded exactly, in reel order)."""
    return _assemble(sheet_content(session, reel, date=date), still_requests(session, reel))


def _assemble(content: SheetContent, requests: Sequence[StillRequest]) -> FeedbackSheet:
    """The sheet from its text and its stills' requests (decodes; touches no session)."""
    from vigstudio.media.marks import draw_marks
    from vigstudio.media.stills import still_rgb

    stills = tuple((draw_marks(still_rgb(request.path, request.info, request.frame),
                               request.marks), caption)
                   for request, caption in zip(requests, content.captions, strict=True))
    if not stills:
        raise ExportError("This reel has no stills to put on a feedback sheet.")
    return FeedbackSheet(content.case_name, content.helping_question, content.date, stills)


#: Draws a feedback sheet: (the PDF to write, the sheet, replace an existing file?) → path.
SheetRenderer = Callable[[Path, FeedbackSheet, bool], Path]


def export_feedback_sheet(session: CaseSession, reel: Reel | int, out: Path, *,
                          render: SheetRenderer, overwrite: bool = False,
                          date: dt.date | None = None, override: str | None = None) -> Path:
    """The printable feedback sheet of a reel's stills, after the check at the exit (for the
    reel's purpose); drawn by ``render`` (the GUI and the CLI pass
    ``vigstudio.render.sheet_pdf.write_sheet``) and written in the case's export log."""
    prepared = prepare_feedback_sheet(session, reel, out, date=date, override=override)
    written = render(Path(out), prepared.work(), overwrite)
    finish_export(session, prepared, [written])
    return written


def prepare_feedback_sheet(session: CaseSession, reel: Reel | int, out: Path, *,
                           date: dt.date | None = None,
                           override: str | None = None) -> PreparedExport[FeedbackSheet]:
    """Check and clear the sheet's export; ``work()`` decodes the stills and assembles the
    sheet, which the caller then draws (``render``, on the thread that may draw) and logs
    (see :func:`export_feedback_sheet`)."""
    if isinstance(reel, int):
        reel = session.reel(reel)
    check_export_target(session, Path(out))
    content = sheet_content(session, reel, date=date)
    if not content.captions:
        raise ExportError("This reel has no stills to put on a feedback sheet.")
    clearance = clear_reel(session, reel, Exit.SHEET, override=override)
    requests = still_requests(session, reel)
    return PreparedExport(clearance, lambda: _assemble(content, requests))
