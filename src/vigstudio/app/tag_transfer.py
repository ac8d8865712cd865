"""Tags and reels out of the case and back in: ELAN, BORIS, spreadsheets, OpenTimelineIO.

The formats live in :mod:`vigstudio.interchange` (no Qt, no session); this module builds
their input from the case, writes files atomically (never over an existing file unless
asked), and applies imports through the session as one undo step.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from vigstudio.app.edits_interchange import ImportReport
from vigstudio.app.session import CaseSession
from vigstudio.domain.annotations import Valence
from vigstudio.domain.reels import ItemKind, Reel
from vigstudio.domain.time import FrameRange
from vigstudio.errors import ExportError
from vigstudio.interchange import boris, eaf, table
from vigstudio.interchange import otio as otio_format
from vigstudio.interchange.atomic import write_atomically
from vigstudio.interchange.errors import InterchangeError, UnreadableTagsError
from vigstudio.interchange.model import CodeDef, ImportedTags, TagKind, TagRow, TagSheet

EXPORT_FORMATS = ("eaf", "csv", "tsv", "xlsx-csv", "boris")
IMPORT_FORMATS = ("eaf", "csv", "boris")
SUFFIXES = {"eaf": ".eaf", "csv": ".csv", "tsv": ".tsv", "xlsx-csv": ".csv", "boris": ".tsv"}

__all__ = ["EXPORT_FORMATS", "IMPORT_FORMATS", "ImportReport", "check_media_reference_export",
           "export_counts", "export_tags", "export_timeline", "guess_format", "import_tags",
           "read_tags", "tag_sheet"]


# --- the one place exports that carry media references are checked ----------------------

def check_media_reference_export(session: CaseSession, recording_ids: Iterable[int],
                                 purpose: str) -> None:
    """Called before any export that names the family's media files (ELAN's media link, an
    OTIO timeline's clips). The consent and sharing checks (issue 14) belong here: raise a
    :class:`~vigstudio.errors.VigError` to refuse. Today every recording must at least be
    part of this case."""
    for recording_id in recording_ids:
        session.recording(recording_id)
    del purpose


# --- export -------------------------------------------------------------------------------

def tag_sheet(session: CaseSession, recording_id: int) -> TagSheet:
    """One recording's moments, clips and stills, by name, ready for any format."""
    rec = session.recording(recording_id)
    people = {p.id: p.pseudonym for p in session.participants()}
    principles = {p.id: p for p in session.principles()}
    rows: list[TagRow] = []
    for m in session.moments(recording_id):
        p = principles[m.principle_id]
        behaviour = next((b.name for b in p.behaviours if b.id == m.behaviour_id), "")
        rows.append(TagRow(TagKind.MOMENT, m.frame, m.frame + 1,
                           participant=people.get(m.participant_id, ""), code=p.code,
                           principle=p.name, behaviour=behaviour,
                           working_point=m.valence is Valence.WORKING_POINT, note=m.note))
    rows += [TagRow(TagKind.CLIP, c.range.start, c.range.end, title=c.title, caption=c.caption)
             for c in session.clips(recording_id)]
    rows += [TagRow(TagKind.STILL, s.frame, s.frame + 1, caption=s.caption)
             for s in session.stills(recording_id)]
    codebook = session.codebook()
    return TagSheet(
        rec.display_title, str(session.media_path(recording_id)), rec.info, tuple(rows),
        codebook=tuple(CodeDef(p.code, p.name, p.description,
                               tuple(b.name for b in p.behaviours))
                       for p in codebook.principles),
        codebook_name=codebook.name, participants=tuple(people.values()))


def render_tags(session: CaseSession, recording_id: int, fmt: str, target: Path, *,
                tiers: str = eaf.TierMode.PARTICIPANT) -> bytes:
    """The bytes of a tags export (no file written)."""
    sheet = tag_sheet(session, recording_id)
    if fmt == "eaf":
        check_media_reference_export(session, [recording_id], "ELAN file")
        return eaf.write_eaf(sheet, target, tiers=tiers)
    if fmt == "boris":
        return boris.write_boris(sheet, observation_id=f"{session.case().name} – "
                                 f"{sheet.recording}", date=dt.date.today().isoformat())
    if fmt in table.FLAVOURS:
        return table.tag_table(sheet, fmt)
    raise InterchangeError(f"unknown export format {fmt!r}; choose one of "
                           f"{', '.join(EXPORT_FORMATS)}")


def export_tags(session: CaseSession, recording_id: int, target: Path, fmt: str, *,
                tiers: str = eaf.TierMode.PARTICIPANT, overwrite: bool = False) -> Path:
    """Write one recording's tags to ``target`` in ``fmt`` (see :data:`EXPORT_FORMATS`)."""
    target = Path(target)
    return write_atomically(target, render_tags(session, recording_id, fmt, target,
                                                tiers=tiers), overwrite=overwrite)


def count_rows(session: CaseSession) -> list[table.CountRow]:
    """Moments per cycle, principle and participant (strengths and working points)."""
    cycles = {c.id: c.number for c in session.cycles()}
    cycle_of = {r.id: cycles.get(r.cycle_id) for r in session.recordings()}
    people = {p.id: p.pseudonym for p in session.participants()}
    order = {p.id: (p.position, p.id) for p in session.principles()}
    counts: dict[tuple[int | None, int, int | None], list[int]] = defaultdict(lambda: [0, 0])
    for m in session.moments():
        key = (cycle_of.get(m.recording_id), m.principle_id, m.participant_id)
        counts[key][1 if m.valence is Valence.WORKING_POINT else 0] += 1
    rows = []
    for (cycle, pid, person), (strengths, working) in sorted(
            counts.items(), key=lambda kv: (kv[0][0] is None, kv[0][0] or 0, order[kv[0][1]],
                                            people.get(kv[0][2], ""))):
        p = session.principle(pid)
        rows.append(table.CountRow("" if cycle is None else str(cycle), p.code, p.name,
                                   people.get(person, ""), strengths, working))
    return rows


def export_counts(session: CaseSession, target: Path, *, flavour: str = "xlsx-csv",
                  overwrite: bool = False) -> Path:
    return write_atomically(Path(target), table.counts_table(count_rows(session), flavour),
                            overwrite=overwrite)


def timeline_entries(session: CaseSession, reel: Reel) -> list[otio_format.ReelEntry]:
    entries: list[otio_format.ReelEntry] = []
    for n, item in enumerate(reel.items, start=1):
        if item.kind is ItemKind.CLIP and item.clip_id is not None:
            clip = session.clip(item.clip_id)
            rec = session.recording(clip.recording_id)
            entries.append(otio_format.ReelEntry(
                ItemKind.CLIP, clip.title or f"Clip {n}", item.caption or clip.caption,
                str(session.media_path(clip.recording_id)), rec.info, clip.range,
                speed=item.speed, freeze=item.freeze_last,
                metadata={"clip_id": clip.id, "recording": rec.display_title}))
        elif item.kind is ItemKind.STILL and item.still_id is not None:
            still = session.still(item.still_id)
            rec = session.recording(still.recording_id)
            entries.append(otio_format.ReelEntry(
                ItemKind.STILL, still.caption or f"Still at frame {still.frame}",
                item.caption or still.caption, str(session.media_path(still.recording_id)),
                rec.info, FrameRange(still.frame, still.frame + 1), hold=item.hold,
                metadata={"still_id": still.id, "recording": rec.display_title}))
        else:
            entries.append(otio_format.ReelEntry(ItemKind.TITLE, item.title_text,
                                                 item.caption, hold=item.hold))
    return entries


def reel_recordings(session: CaseSession, reel: Reel) -> list[int]:
    ids = [session.clip(i.clip_id).recording_id for i in reel.items if i.clip_id is not None]
    ids += [session.still(i.still_id).recording_id for i in reel.items
            if i.still_id is not None]
    return list(dict.fromkeys(ids))


def export_timeline(session: CaseSession, reel: Reel | int | str, target: Path, *,
                    overwrite: bool = False, override: str | None = None) -> Path:
    """Write a reel as an OpenTimelineIO ``.otio`` timeline.

    The timeline names the family's films, so it is an exit like the reel's video: the check
    of consent and the parent's decisions runs first for the reel's purpose (an override
    needs a written reason) and the export is written in the case's export log."""
    from vigstudio.app.exits import Exit, clear_exit, log_exit, reel_to_check

    if isinstance(reel, int):
        reel = session.reel(reel)
    elif isinstance(reel, str):
        reel = session.reel_by_name(reel)
    if not reel.items:
        raise ExportError(f"The reel {reel.name!r} is empty: add clips, stills or a title card.")
    check_media_reference_export(session, reel_recordings(session, reel), "OTIO timeline")
    clearance = clear_exit(session, Exit.INTERCHANGE, reel_to_check(session, reel),
                           reel.purpose, source=f"reel “{reel.name}” (OTIO timeline)",
                           override=override)
    data = otio_format.write_otio(reel.name, timeline_entries(session, reel))
    written = write_atomically(Path(target), data, overwrite=overwrite)
    log_exit(session, clearance, [written])
    return written


# --- import -------------------------------------------------------------------------------

def guess_format(path: Path, data: bytes) -> str:
    """eaf, boris or csv, from the name and the first line."""
    if path.suffix.lower() == ".eaf" or data.lstrip()[:200].find(b"ANNOTATION_DOCUMENT") >= 0:
        return "eaf"
    head = data[:4000].decode("utf-8-sig", errors="replace").lower()
    first = head.split("\n", 1)[0]
    if ("behavior" in head and "time" in head and "kind" not in first) or \
            "observation id" in head:
        return "boris"
    return "csv"


def read_tags(session: CaseSession, recording_id: int, path: Path,
              fmt: str | None = None) -> ImportedTags:
    """What a file holds, in frames of the recording; nothing is changed."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableTagsError(f"cannot read {path}: {exc.strerror or exc}") from exc
    fmt = fmt or guess_format(path, data)
    info = session.recording(recording_id).info
    if fmt == "eaf":
        return eaf.read_eaf(data, info, source=path.name)
    if fmt == "boris":
        return boris.read_boris(data, info, source=path.name)
    if fmt in ("csv", "tsv", "xlsx-csv"):
        return table.read_tag_table(data, info, source=path.name)
    raise InterchangeError(f"unknown import format {fmt!r}; choose one of "
                           f"{', '.join(IMPORT_FORMATS)}")


def import_tags(session: CaseSession, recording_id: int, path: Path,
                fmt: str | None = None) -> ImportReport:
    """Import a tags file into a recording as one undo step; the report says what happened."""
    found = read_tags(session, recording_id, path, fmt)
    return session.apply_import(recording_id, found, source=Path(path).name)
