"""Spreadsheet tables: one row per moment, clip or still, and a counts table for reports.

Three flavours of the same table: ``csv`` (RFC 4180, UTF-8), ``tsv`` (tab-separated) and
``xlsx-csv``, a CSV that Excel opens correctly by double-click: a UTF-8 byte-order mark so
accented pseudonyms survive, CRLF line ends, and any cell that starts like a formula
(``= + - @``) prefixed with an apostrophe so it is never run (CSV injection). Reading accepts
all three; the apostrophe is taken off again.

Reading prefers the ``frame`` column (exact); without it the ``seconds`` column is used with
the rule of :mod:`.timing`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from vigstudio.domain.media import MediaInfo
from vigstudio.domain.time import format_seconds, frames_to_timecode
from vigstudio.interchange.codes import code_for_label
from vigstudio.interchange.errors import UnreadableTagsError
from vigstudio.interchange.model import ImportedTag, ImportedTags, TagKind, TagRow, TagSheet
from vigstudio.interchange.timing import (
    frame_of_seconds_text,
    ms_of_frame,
    seconds_text,
    start_time,
)

COLUMNS = ("recording", "kind", "frame", "end_frame", "timecode", "seconds", "end_seconds",
           "participant", "code", "principle", "behaviour", "strength_or_working_point",
           "note", "title", "caption")
FLAVOURS = ("csv", "tsv", "xlsx-csv")
STRENGTH, WORKING_POINT = "strength", "working point"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def timecode_of(info: MediaInfo, frame: int) -> str:
    """SMPTE timecode for constant-rate video; clock time (HH:MM:SS.mmm) for variable."""
    if info.variable_frame_rate:
        return format_seconds(start_time(info, frame))
    return frames_to_timecode(frame, info.frame_rate)


def tag_table(sheet: TagSheet, flavour: str = "csv") -> bytes:
    """The tags of one recording as a table in ``flavour`` (csv, tsv or xlsx-csv)."""
    rows = []
    for r in sorted(sheet.rows, key=lambda r: (r.start, r.kind.value, r.end)):
        rows.append(_row(sheet, r))
    return write_rows(COLUMNS, rows, flavour)


def _row(sheet: TagSheet, r: TagRow) -> list[str]:
    info = sheet.info
    is_clip = r.kind is TagKind.CLIP
    valence = "" if r.kind is not TagKind.MOMENT else (
        WORKING_POINT if r.working_point else STRENGTH)
    return [sheet.recording, r.kind.value, str(r.start), str(r.end) if is_clip else "",
            timecode_of(info, r.start), seconds_text(ms_of_frame(info, r.start)),
            seconds_text(ms_of_frame(info, r.end)) if is_clip else "",
            r.participant, r.code, r.principle, r.behaviour, valence, r.note, r.title, r.caption]


def write_rows(header: Sequence[str], rows: Iterable[Sequence[str]], flavour: str) -> bytes:
    if flavour not in FLAVOURS:
        raise ValueError(f"unknown table flavour {flavour!r} (choose {', '.join(FLAVOURS)})")
    out = io.StringIO(newline="")
    excel = flavour == "xlsx-csv"
    writer = csv.writer(out, delimiter="\t" if flavour == "tsv" else ",",
                        lineterminator="\r\n" if excel else "\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_defuse(cell) if excel else cell for cell in row])
    text = out.getvalue()
    return ("\ufeff" + text).encode("utf-8") if excel else text.encode("utf-8")


def _defuse(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _undefuse(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(_FORMULA_START) else cell


def read_table_rows(data: bytes, *, source: str) -> list[dict[str, str]]:
    """Rows of a CSV/TSV file (delimiter found from the header line) as dicts."""
    excel = data.startswith(b"\xef\xbb\xbf")  # our xlsx-csv (or Excel's "CSV UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # an old Excel save
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else (
        ";" if first.count(";") > first.count(",") else ",")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [{(k or "").strip().lower(): _undefuse(v or "") if excel else (v or "")
                 for k, v in row.items() if k is not None} for row in reader]
    except csv.Error as exc:
        raise UnreadableTagsError(f"{source} is not a readable table: {exc}") from None


def read_tag_table(data: bytes, info: MediaInfo, *, source: str = "the file") -> ImportedTags:
    """Read a table written by :func:`tag_table` (or by hand with the same column names)."""
    rows = read_table_rows(data, source=source)
    result = ImportedTags()
    if rows and not ({"frame", "seconds"} & rows[0].keys()):
        raise UnreadableTagsError(f"{source} has neither a 'frame' nor a 'seconds' column; "
                                  f"expected the columns {', '.join(COLUMNS)}")
    for number, row in enumerate(rows, start=2):
        try:
            tag = _tag_of(row, info)
        except ValueError as exc:
            result.skipped.append(f"line {number}: {exc}")
            continue
        if tag is not None:
            result.tags.append(tag)
        else:
            result.skipped.append(f"line {number}: no code")
    return result


def _frame(row: dict[str, str], frame_key: str, seconds_key: str, info: MediaInfo) -> int:
    text = row.get(frame_key, "").strip()
    if text:
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"{frame_key} {text!r} is not a whole number") from None
    seconds = row.get(seconds_key, "").strip()
    if not seconds:
        raise ValueError(f"no {frame_key} and no {seconds_key}")
    return frame_of_seconds_text(info, seconds)


def _tag_of(row: dict[str, str], info: MediaInfo) -> ImportedTag | None:
    kind_text = (row.get("kind") or "moment").strip().lower()
    try:
        kind = TagKind(kind_text)
    except ValueError:
        raise ValueError(f"kind {kind_text!r} is not moment, clip or still") from None
    start = _frame(row, "frame", "seconds", info)
    if kind is TagKind.CLIP:
        end = _frame(row, "end_frame", "end_seconds", info)
        return ImportedTag(kind, start, end, title=row.get("title", ""),
                           caption=row.get("caption", ""))
    if kind is TagKind.STILL:
        return ImportedTag(kind, start, start + 1, caption=row.get("caption", ""))
    label = row.get("principle", "").strip()
    code = row.get("code", "").strip() or (code_for_label(label) if label else "")
    if not code:
        return None
    valence = row.get("strength_or_working_point", "").strip().lower()
    return ImportedTag(kind, start, start + 1, participant=row.get("participant", "").strip(),
                       code=code, code_label=label or code,
                       behaviour=row.get("behaviour", "").strip(),
                       working_point=valence.replace("_", " ") == WORKING_POINT,
                       note=row.get("note", ""))


# --- counts -----------------------------------------------------------------------------

COUNT_COLUMNS = ("cycle", "principle_code", "principle", "participant", "strengths",
                 "working_points", "moments")


@dataclass(frozen=True, slots=True)
class CountRow:
    cycle: str  # "1", "2", … or "" for recordings not in a cycle
    code: str
    principle: str
    participant: str
    strengths: int
    working_points: int

    def cells(self) -> list[str]:
        return [self.cycle, self.code, self.principle, self.participant,
                str(self.strengths), str(self.working_points),
                str(self.strengths + self.working_points)]


def counts_table(rows: Iterable[CountRow], flavour: str = "xlsx-csv") -> bytes:
    return write_rows(COUNT_COLUMNS, (r.cells() for r in rows), flavour)
