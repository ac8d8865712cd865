"""BORIS (Behavioral Observation Research Interactive Software) tabular events.

Written in the layout of BORIS's own *Export events → tabular* (TSV): one row per event with
``Subject``, ``Behavior``, ``Behavioral category``, ``Modifier #n``, ``Behavior type``
(``POINT``, or ``START``/``STOP`` for a state) and ``Time`` in seconds. A moment is a POINT
event (behaviour = principle code, category = principle name, modifiers = behaviour and
"working point", comment = note); a clip is a START/STOP pair of the behaviour ``vig-clip``
(comment = title, modifier = caption); a still is a POINT event ``vig-still``.

Reading takes BORIS's tabular export (current and older column layouts, TSV or CSV): our own
events come back as they went; other POINT events become moments; other START/STOP states
become a moment at the start with the span in the note. Times go through :mod:`.timing`.
"""

from __future__ import annotations

from vigstudio.domain.media import MediaInfo
from vigstudio.interchange.codes import code_for_label
from vigstudio.interchange.errors import UnreadableTagsError
from vigstudio.interchange.model import ImportedTag, ImportedTags, TagKind, TagSheet
from vigstudio.interchange.table import read_table_rows, write_rows
from vigstudio.interchange.timing import frame_of_seconds_text, ms_of_frame, seconds_text

CLIP_BEHAVIOUR, STILL_BEHAVIOUR = "vig-clip", "vig-still"
WORKING_POINT = "working point"
OUR_MARK = "VIG Studio:"  # starts the Description of events this module wrote
HEADER = ("Observation id", "Observation date", "Description", "Observation type", "Source",
          "Media duration (s)", "FPS", "Subject", "Behavior", "Behavioral category",
          "Modifier #1", "Modifier #2", "Behavior type", "Time", "Media file name",
          "Image index", "Comment")


def write_boris(sheet: TagSheet, *, observation_id: str, date: str) -> bytes:
    info = sheet.info
    fps = f"{float(info.frame_rate.value):.3f}"
    duration = seconds_text(ms_of_frame(info, info.frame_count))
    media = sheet.media_path.replace("\\", "/").rsplit("/", 1)[-1]
    common = [observation_id, date, f"{OUR_MARK} {sheet.recording}", "Media file(s)",
              f"player #1:{media}", duration, fps]
    events: list[tuple[int, int, list[str]]] = []

    def add(frame: int, order: int, *, subject: str, behaviour: str, category: str,
            modifiers: tuple[str, str], kind: str, comment: str) -> None:
        ms = ms_of_frame(info, frame)
        events.append((ms, order, [*common, subject, behaviour, category, *modifiers, kind,
                                   seconds_text(ms), media, str(frame), comment]))

    clip_number = 0
    for r in sheet.rows:
        if r.kind is TagKind.MOMENT:
            add(r.start, 1, subject=r.participant, behaviour=r.code, category=r.principle,
                modifiers=(r.behaviour, WORKING_POINT if r.working_point else ""),
                kind="POINT", comment=r.note)
        elif r.kind is TagKind.STILL:
            add(r.start, 1, subject="", behaviour=STILL_BEHAVIOUR, category="VIG still",
                modifiers=("", ""), kind="POINT", comment=r.caption)
        else:  # the clip's number keeps overlapping clips apart (BORIS pairs by modifiers)
            clip_number += 1
            for frame, order, kind in ((r.start, 2, "START"), (r.end, 0, "STOP")):
                add(frame, order, subject="", behaviour=CLIP_BEHAVIOUR, category="VIG clip",
                    modifiers=(r.caption, f"clip {clip_number}"), kind=kind, comment=r.title)
    events.sort(key=lambda e: (e[0], e[1]))
    return write_rows(HEADER, (e[2] for e in events), "tsv")


def _table_start(data: bytes) -> bytes:
    """Older BORIS exports put observation details above the table: skip to the header."""
    lines = data.split(b"\n")
    for i, line in enumerate(lines):
        cells = {c.strip().strip('"').lower() for c in line.replace(b",", b"\t").decode(
            "utf-8-sig", errors="replace").split("\t")}
        if "time" in cells and "behavior" in cells:
            return b"\n".join(lines[i:])
    return data


def read_boris(data: bytes, info: MediaInfo, *, source: str = "the file") -> ImportedTags:
    rows = read_table_rows(_table_start(data), source=source)
    if not rows or "behavior" not in rows[0] or "time" not in rows[0]:
        raise UnreadableTagsError(f"{source} is not a BORIS events table (it needs the "
                                  "columns 'Behavior' and 'Time')")
    result = ImportedTags()
    open_states: dict[tuple[str, ...], tuple[int, dict[str, str], str]] = {}
    for number, row in enumerate(rows, start=2):
        kind = (row.get("behavior type") or row.get("status") or "POINT").strip().upper()
        if kind not in ("POINT", "START", "STOP"):
            kind = (row.get("status") or "POINT").strip().upper()
        try:
            frame = frame_of_seconds_text(info, row.get("time", ""))
        except ValueError as exc:
            result.skipped.append(f"line {number}: {exc}")
            continue
        key = (row.get("subject", "").strip(), row.get("behavior", "").strip())
        state = (*key, *_modifiers(row))  # BORIS pairs START and STOP by all three
        if kind == "START":
            open_states[state] = (frame, row, row.get("time", "").strip())
        elif kind == "STOP":
            started = open_states.pop(state, None)
            if started is None:
                result.skipped.append(f"line {number}: STOP of {key[1]!r} without a START")
                continue
            _state(result, started, frame, end_text=row.get("time", "").strip(), key=key,
                   info=info)
        else:
            _point(result, frame, row, key, info=info, number=number)
    for state, (_, _, time_text) in open_states.items():
        result.skipped.append(f"{state[1]!r} started at {time_text} s and never stopped")
    return result


def _modifiers(row: dict[str, str]) -> list[str]:
    if "modifiers" in row:
        return [m.strip() for m in row["modifiers"].split("|")]
    return [row[k].strip() for k in sorted(row) if k.startswith("modifier #")]


def _point(result: ImportedTags, frame: int, row: dict[str, str], key: tuple[str, str], *,
           info: MediaInfo, number: int) -> None:
    if frame >= info.frame_count:
        result.skipped.append(f"line {number}: {row.get('time')} s is after the end of the "
                              "recording")
        return
    subject, behaviour = key
    comment = row.get("comment", "").strip()
    if behaviour == STILL_BEHAVIOUR:
        result.tags.append(ImportedTag(TagKind.STILL, frame, frame + 1, caption=comment))
        return
    if not behaviour:
        result.skipped.append(f"line {number}: no behaviour")
        return
    modifiers = [*_modifiers(row), "", ""]
    ours = row.get("description", "").startswith(OUR_MARK)
    label = (row.get("behavioral category", "").strip() if ours else "") or behaviour
    result.tags.append(ImportedTag(
        TagKind.MOMENT, frame, frame + 1, participant=subject, code=code_for_label(behaviour),
        code_label=label, behaviour=modifiers[0],
        working_point=WORKING_POINT in modifiers[1:], note=comment))


def _state(result: ImportedTags, started: tuple[int, dict[str, str], str], end: int, *,
           end_text: str, key: tuple[str, str], info: MediaInfo) -> None:
    start, row, start_text = started
    if start >= info.frame_count:
        result.skipped.append(f"{key[1]!r} at {start_text} s is after the end of the "
                              "recording")
        return
    end = min(max(end, start + 1), info.frame_count)
    subject, behaviour = key
    comment = row.get("comment", "").strip()
    if behaviour == CLIP_BEHAVIOUR:
        caption = ([*_modifiers(row), ""])[0]
        result.tags.append(ImportedTag(TagKind.CLIP, start, end, title=comment, caption=caption))
        return
    note = f"BORIS state {behaviour}, {start_text}–{end_text} s" + (
        f": {comment}" if comment else "")
    result.tags.append(ImportedTag(TagKind.MOMENT, start, start + 1, participant=subject,
                                   code=code_for_label(behaviour), code_label=behaviour,
                                   note=note))
