"""Conversion between the ORM rows of :mod:`vigstudio.storage.schema` and domain dataclasses.

Each kind of stored entity has an :class:`EntityKind`. ``load`` turns a row into the frozen
domain object (nested children included); ``store`` writes a domain object into the file with
the id it carries (or a new id), and returns it as stored, with all ids filled in.
``store_many`` and ``remove_many`` do the same for many entities in a few statements (an
import of thousands of tags, and its undo and redo).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
import zlib
from array import array
from collections.abc import Callable, Sequence
from fractions import Fraction
from itertools import pairwise
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Column, Integer, MetaData, Table, Text, delete, func, insert, select
from sqlalchemy.orm import Session

from vigstudio.domain.annotations import Clip, Mark, MarkKind, Moment, Sharing, Still, Valence
from vigstudio.domain.codebook import Behaviour, Principle
from vigstudio.domain.entities import CodebookName, Entity, EntityKind, kind_of
from vigstudio.domain.media import Fingerprint, MediaInfo, Recording, RecordingKind
from vigstudio.domain.privacy import ExportRecord, Purpose
from vigstudio.domain.project import (
    Case,
    Consent,
    ConsentScope,
    Cycle,
    HelpingQuestion,
    Participant,
    Role,
    SharedReview,
)
from vigstudio.domain.reels import ItemKind, Reel, ReelItem
from vigstudio.domain.review import ItemReflection, PlannedDate, TrajectPlan
from vigstudio.domain.time import FrameRange, FrameRate
from vigstudio.storage import schema as s

ROW_OF_KIND: dict[EntityKind, type[s.Base]] = {
    EntityKind.CASE: s.CaseRow, EntityKind.CODEBOOK: s.CodebookRow,
    EntityKind.PARTICIPANT: s.ParticipantRow, EntityKind.HELPING_QUESTION: s.HelpingQuestionRow,
    EntityKind.CYCLE: s.CycleRow, EntityKind.RECORDING: s.RecordingRow,
    EntityKind.PRINCIPLE: s.PrincipleRow, EntityKind.MOMENT: s.MomentRow,
    EntityKind.CLIP: s.ClipRow, EntityKind.STILL: s.StillRow, EntityKind.REEL: s.ReelRow,
    EntityKind.SHARED_REVIEW: s.SharedReviewRow, EntityKind.CONSENT: s.ConsentRow,
    EntityKind.TRAJECT_PLAN: s.TrajectPlanRow,
    EntityKind.EXPORT: s.ExportRecordRow,
}

# Order in which kinds are loaded (parents before children); also a sensible display order.
LOAD_ORDER: tuple[EntityKind, ...] = tuple(EntityKind)


# --- exact values as text / blobs --------------------------------------------------------

def frac_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def text_frac(text: str) -> Fraction:
    return Fraction(text)


def encode_frame_times(times: Sequence[Fraction], time_base: Fraction) -> tuple[str, bytes]:
    """Exact frame times as (unit, blob): integer multiples of ``unit`` seconds."""
    if all((t / time_base).denominator == 1 for t in times):
        unit = time_base
    else:
        unit = Fraction(1, math.lcm(*(t.denominator for t in times)))
    ints = [int(t / unit) for t in times]
    deltas = array("q", [ints[0], *(b - a for a, b in pairwise(ints))])
    if sys.byteorder == "big":
        deltas.byteswap()
    return frac_text(unit), zlib.compress(deltas.tobytes(), 6)


def encode_keys(keys: Sequence[int]) -> bytes:
    """Integer keys as a blob (delta-encoded int64, zlib-compressed)."""
    deltas = array("q", [keys[0], *(b - a for a, b in pairwise(keys))] if keys else [])
    if sys.byteorder == "big":
        deltas.byteswap()
    return zlib.compress(deltas.tobytes(), 6)


def decode_keys(blob: bytes) -> tuple[int, ...]:
    deltas = array("q")
    deltas.frombytes(zlib.decompress(blob))
    if sys.byteorder == "big":
        deltas.byteswap()
    out: list[int] = []
    total = 0
    for d in deltas:
        total += d
        out.append(total)
    return tuple(out)


def decode_frame_times(unit_text: str, blob: bytes) -> tuple[Fraction, ...]:
    unit = text_frac(unit_text)
    deltas = array("q")
    deltas.frombytes(zlib.decompress(blob))
    if sys.byteorder == "big":
        deltas.byteswap()
    out: list[Fraction] = []
    total = 0
    for d in deltas:
        total += d
        out.append(total * unit)
    return tuple(out)


# --- row -> domain -----------------------------------------------------------------------

def _load_case(_: Session, r: s.CaseRow) -> Case:
    return Case(r.name, r.created_on, r.notes, r.retention_until, id=r.id)


def _load_codebook(_: Session, r: s.CodebookRow) -> CodebookName:
    return CodebookName(r.name, id=r.id)


def _load_participant(_: Session, r: s.ParticipantRow) -> Participant:
    return Participant(r.pseudonym, Role(r.role), r.colour, id=r.id)


def _load_question(_: Session, r: s.HelpingQuestionRow) -> HelpingQuestion:
    return HelpingQuestion(r.text, r.agreed_on, r.said_by_id, r.position, id=r.id)


def _load_cycle(_: Session, r: s.CycleRow) -> Cycle:
    return Cycle(r.number, r.filmed_on, r.notes, id=r.id)


def _load_recording(_: Session, r: s.RecordingRow) -> Recording:
    times = None
    if r.frame_pts is not None and r.frame_unit is not None:
        times = decode_frame_times(r.frame_unit, r.frame_pts)
    info = MediaInfo(
        container=r.container, video_codec=r.video_codec, width=r.width, height=r.height,
        rotation=r.rotation, frame_rate=FrameRate(text_frac(r.frame_rate)),
        variable_frame_rate=r.variable_frame_rate, frame_count=r.frame_count,
        duration=text_frac(r.duration), time_base=text_frac(r.time_base),
        start_pts=r.start_pts, audio_codec=r.audio_codec,
        audio_sample_rate=r.audio_sample_rate, audio_channels=r.audio_channels,
        truncated=r.truncated, frame_times=times, warnings=tuple(json.loads(r.warnings)),
        frame_keys=None if r.frame_keys is None else decode_keys(r.frame_keys),
        color_primaries=r.color_primaries, color_transfer=r.color_transfer,
        color_space=r.color_space, color_range=r.color_range)
    return Recording(r.path, Fingerprint.from_text(r.fingerprint), info, RecordingKind(r.kind),
                     r.title, r.cycle_id, r.recorded_on, id=r.id)


def _load_principle(session: Session, r: s.PrincipleRow) -> Principle:
    rows = session.scalars(select(s.BehaviourRow).where(s.BehaviourRow.principle_id == r.id)
                           .order_by(s.BehaviourRow.position, s.BehaviourRow.id))
    return _principle_of(r, [Behaviour(b.name, b.position, id=b.id) for b in rows])


def _principle_of(r: Any, behaviours: Sequence[Behaviour]) -> Principle:
    """A principle row (or its values) with its behaviours, ordered as they are loaded."""
    ordered = sorted(behaviours, key=lambda b: (b.position, b.id or 0))
    return Principle(r.code, r.name, r.colour, r.shortcut, r.description, r.position,
                     tuple(ordered), id=r.id)


def _load_moment(_: Session, r: s.MomentRow) -> Moment:
    return Moment(r.recording_id, r.frame, r.principle_id, r.participant_id, r.behaviour_id,
                  r.note, Valence(r.valence), r.helping_question_id, id=r.id)


def _appearances(session: Session, column: str, parent: int | None = None
                 ) -> dict[int, tuple[int, ...]]:
    """Confirmed participants per clip (``column='clip_id'``) or still, in order."""
    col = getattr(s.AppearanceRow, column)
    query = select(s.AppearanceRow).where(col.is_not(None))
    if parent is not None:
        query = query.where(col == parent)
    found: dict[int, list[int]] = {}
    for a in session.scalars(query.order_by(s.AppearanceRow.position, s.AppearanceRow.id)):
        found.setdefault(getattr(a, column), []).append(a.participant_id)
    return {k: tuple(v) for k, v in found.items()}


def _confirmed(row: s.ClipRow | s.StillRow, found: dict[int, tuple[int, ...]]
               ) -> tuple[int, ...] | None:
    return found.get(row.id, ()) if row.appears_confirmed else None


def _load_clip(session: Session, r: s.ClipRow,
               found: dict[int, tuple[int, ...]] | None = None) -> Clip:
    if found is None:
        found = _appearances(session, "clip_id", r.id) if r.appears_confirmed else {}
    return Clip(r.recording_id, FrameRange(r.start, r.end), r.title, r.caption,
                Sharing(r.sharing), _confirmed(r, found), id=r.id)


def marks_text(marks: Sequence[Mark]) -> str:
    """A still's marks as JSON text ("" for none)."""
    if not marks:
        return ""
    return json.dumps([{"kind": m.kind.value, "x": m.x, "y": m.y, "x2": m.x2, "y2": m.y2,
                        "text": m.text} for m in marks], ensure_ascii=False)


def text_marks(text: str | None) -> tuple[Mark, ...]:
    if not text:
        return ()
    return tuple(Mark(MarkKind(d["kind"]), int(d["x"]), int(d["y"]), int(d.get("x2", 0)),
                      int(d.get("y2", 0)), str(d.get("text", ""))) for d in json.loads(text))


def _load_still(session: Session, r: s.StillRow,
                found: dict[int, tuple[int, ...]] | None = None) -> Still:
    if found is None:
        found = _appearances(session, "still_id", r.id) if r.appears_confirmed else {}
    return Still(r.recording_id, r.frame, r.caption, appears=_confirmed(r, found),
                 marks=text_marks(r.marks), id=r.id)


def _load_item(r: s.ReelItemRow) -> ReelItem:
    return ReelItem(ItemKind(r.kind), r.position, r.clip_id, r.still_id, r.title_text,
                    r.caption, r.burn_caption, text_frac(r.speed), text_frac(r.freeze_last),
                    text_frac(r.hold), id=r.id)


def _load_reel(session: Session, r: s.ReelRow) -> Reel:
    rows = session.scalars(select(s.ReelItemRow).where(s.ReelItemRow.reel_id == r.id)
                           .order_by(s.ReelItemRow.position, s.ReelItemRow.id))
    return Reel(r.name, r.cycle_id, tuple(_load_item(i) for i in rows), Purpose(r.purpose),
                id=r.id)


def _load_reflection(r: s.ReviewReflectionRow) -> ItemReflection:
    return ItemReflection(r.item_id, r.words, r.noted_at, r.position, id=r.id)


def _load_review(session: Session, r: s.SharedReviewRow) -> SharedReview:
    rows = session.scalars(select(s.ReviewReflectionRow)
                           .where(s.ReviewReflectionRow.review_id == r.id)
                           .order_by(s.ReviewReflectionRow.position, s.ReviewReflectionRow.id))
    return SharedReview(r.cycle_id, r.held_on, r.parent_reflections, r.next_goal,
                        r.recording_id, r.reel_id, r.helping_question_id,
                        tuple(_load_reflection(x) for x in rows), id=r.id)


def _load_plan(_: Session, r: s.TrajectPlanRow) -> TrajectPlan:
    planned = tuple(PlannedDate(dt.date.fromisoformat(p["on"]), str(p["what"]))
                    for p in json.loads(r.planned))
    return TrajectPlan(tuple(str(a) for a in json.loads(r.areas)), r.films, r.feedbacks,
                       r.reviews, planned, r.agreed_on, id=r.id)


def _load_consent(_: Session, r: s.ConsentRow) -> Consent:
    return Consent(r.participant_id, ConsentScope(r.scope), r.given_on, r.expires_on,
                   r.withdrawn_on, r.note, id=r.id)


def _texts(text: str) -> tuple[str, ...]:
    return tuple(str(v) for v in json.loads(text))


def _load_export(_: Session, r: s.ExportRecordRow) -> ExportRecord:
    return ExportRecord(r.what, r.at, Purpose(r.purpose), r.source, _texts(r.items),
                        _texts(r.files), _texts(r.consents), r.override, _texts(r.problems),
                        id=r.id)


_LOADERS: dict[EntityKind, Callable[[Session, Any], Entity]] = {
    EntityKind.CASE: _load_case, EntityKind.CODEBOOK: _load_codebook,
    EntityKind.PARTICIPANT: _load_participant, EntityKind.HELPING_QUESTION: _load_question,
    EntityKind.CYCLE: _load_cycle, EntityKind.RECORDING: _load_recording,
    EntityKind.PRINCIPLE: _load_principle, EntityKind.MOMENT: _load_moment,
    EntityKind.CLIP: _load_clip, EntityKind.STILL: _load_still, EntityKind.REEL: _load_reel,
    EntityKind.SHARED_REVIEW: _load_review, EntityKind.CONSENT: _load_consent,
    EntityKind.TRAJECT_PLAN: _load_plan,
    EntityKind.EXPORT: _load_export,
}


def load(session: Session, kind: EntityKind, row: Any) -> Entity:
    return _LOADERS[kind](session, row)


def load_one(session: Session, kind: EntityKind, entity_id: int) -> Entity | None:
    row = session.get(ROW_OF_KIND[kind], entity_id)
    return None if row is None else load(session, kind, row)


def load_all(session: Session, kind: EntityKind) -> list[Entity]:
    if kind is EntityKind.PRINCIPLE:
        return _load_all_principles(
            session, list(session.scalars(select(s.PrincipleRow).order_by(s.PrincipleRow.id))))
    if kind is EntityKind.REEL:
        return _load_all_reels(
            session, list(session.scalars(select(s.ReelRow).order_by(s.ReelRow.id))))
    if kind is EntityKind.CLIP:
        clips = _appearances(session, "clip_id")
        return [_load_clip(session, r, clips)
                for r in session.scalars(select(s.ClipRow).order_by(s.ClipRow.id))]
    if kind is EntityKind.STILL:
        stills = _appearances(session, "still_id")
        return [_load_still(session, r, stills)
                for r in session.scalars(select(s.StillRow).order_by(s.StillRow.id))]
    row_type: Any = ROW_OF_KIND[kind]
    return [load(session, kind, r) for r in session.scalars(select(row_type).order_by(row_type.id))]


def _load_all_principles(session: Session, rows: list[s.PrincipleRow]) -> list[Entity]:
    by_parent: dict[int, list[Behaviour]] = {}
    for b in session.scalars(select(s.BehaviourRow).order_by(s.BehaviourRow.position,
                                                             s.BehaviourRow.id)):
        by_parent.setdefault(b.principle_id, []).append(Behaviour(b.name, b.position, id=b.id))
    return [_principle_of(r, by_parent.get(r.id, ())) for r in rows]


def _load_all_reels(session: Session, rows: list[s.ReelRow]) -> list[Entity]:
    by_parent: dict[int, list[ReelItem]] = {}
    for i in session.scalars(select(s.ReelItemRow).order_by(s.ReelItemRow.position,
                                                            s.ReelItemRow.id)):
        by_parent.setdefault(i.reel_id, []).append(_load_item(i))
    return [Reel(r.name, r.cycle_id, tuple(by_parent.get(r.id, ())), Purpose(r.purpose),
                 id=r.id) for r in rows]


# --- domain -> row -----------------------------------------------------------------------

def _fill(row: Any, values: dict[str, Any]) -> None:
    for key, value in values.items():
        setattr(row, key, value)


def _values(entity: Entity) -> dict[str, Any]:
    match entity:
        case Case():
            return {"name": entity.name, "created_on": entity.created_on,
                    "notes": entity.notes, "retention_until": entity.retention_until}
        case CodebookName():
            return {"name": entity.name}
        case Participant():
            return {"pseudonym": entity.pseudonym, "role": entity.role.value,
                    "colour": entity.colour}
        case HelpingQuestion():
            return {"text": entity.text, "agreed_on": entity.agreed_on,
                    "said_by_id": entity.said_by_id, "position": entity.position}
        case Cycle():
            return {"number": entity.number, "filmed_on": entity.filmed_on,
                    "notes": entity.notes}
        case Recording():
            return _recording_values(entity)
        case Principle():
            return {"code": entity.code, "name": entity.name, "colour": entity.colour,
                    "shortcut": entity.shortcut, "description": entity.description,
                    "position": entity.position}
        case Moment():
            return {"recording_id": entity.recording_id, "frame": entity.frame,
                    "principle_id": entity.principle_id,
                    "participant_id": entity.participant_id,
                    "behaviour_id": entity.behaviour_id, "note": entity.note,
                    "valence": entity.valence.value,
                    "helping_question_id": entity.helping_question_id}
        case Clip():
            return {"recording_id": entity.recording_id, "start": entity.range.start,
                    "end": entity.range.end, "title": entity.title,
                    "caption": entity.caption, "sharing": entity.sharing.value,
                    "appears_confirmed": entity.appears is not None}
        case Still():
            return {"recording_id": entity.recording_id, "frame": entity.frame,
                    "caption": entity.caption, "appears_confirmed": entity.appears is not None,
                    "marks": marks_text(entity.marks)}
        case Reel():
            return {"name": entity.name, "cycle_id": entity.cycle_id,
                    "purpose": entity.purpose.value}
        case SharedReview():
            return {"cycle_id": entity.cycle_id, "held_on": entity.held_on,
                    "parent_reflections": entity.parent_reflections,
                    "next_goal": entity.next_goal, "recording_id": entity.recording_id,
                    "reel_id": entity.reel_id,
                    "helping_question_id": entity.helping_question_id}
        case Consent():
            return {"participant_id": entity.participant_id, "scope": entity.scope.value,
                    "given_on": entity.given_on, "expires_on": entity.expires_on,
                    "withdrawn_on": entity.withdrawn_on, "note": entity.note}
        case TrajectPlan():
            return {"areas": json.dumps(list(entity.areas), ensure_ascii=False),
                    "films": entity.films, "feedbacks": entity.feedbacks,
                    "reviews": entity.reviews, "agreed_on": entity.agreed_on,
                    "planned": json.dumps([{"on": p.on.isoformat(), "what": p.what}
                                           for p in entity.planned], ensure_ascii=False)}
        case ExportRecord():
            return {"what": entity.what, "at": entity.at, "purpose": entity.purpose.value,
                    "source": entity.source, "override": entity.override,
                    **{k: json.dumps(list(getattr(entity, k)), ensure_ascii=False)
                       for k in ("items", "files", "consents", "problems")}}
    raise TypeError(f"not a stored entity: {entity!r}")


def _recording_values(rec: Recording) -> dict[str, Any]:
    info = rec.info
    unit: str | None = None
    blob: bytes | None = None
    if info.frame_times is not None:
        unit, blob = encode_frame_times(info.frame_times, info.time_base)
    return {
        "path": rec.path, "fingerprint": rec.fingerprint.as_text(), "kind": rec.kind.value,
        "title": rec.title, "cycle_id": rec.cycle_id, "recorded_on": rec.recorded_on,
        "container": info.container, "video_codec": info.video_codec, "width": info.width,
        "height": info.height, "rotation": info.rotation,
        "frame_rate": frac_text(info.frame_rate.value),
        "variable_frame_rate": info.variable_frame_rate, "frame_count": info.frame_count,
        "duration": frac_text(info.duration), "time_base": frac_text(info.time_base),
        "start_pts": info.start_pts, "audio_codec": info.audio_codec,
        "audio_sample_rate": info.audio_sample_rate, "audio_channels": info.audio_channels,
        "truncated": info.truncated, "frame_unit": unit, "frame_pts": blob,
        "warnings": json.dumps(list(info.warnings), ensure_ascii=False),
        "frame_keys": None if info.frame_keys is None else encode_keys(info.frame_keys),
        "color_primaries": info.color_primaries, "color_transfer": info.color_transfer,
        "color_space": info.color_space, "color_range": info.color_range,
    }


def store(session: Session, entity: Entity) -> Entity:
    """Insert or update ``entity`` (by its id) with its nested children; return it as stored."""
    kind = kind_of(entity)
    row_type = ROW_OF_KIND[kind]
    row = session.get(row_type, entity.id) if entity.id is not None else None
    if row is None:
        row = row_type()
        if entity.id is not None:
            row.id = entity.id  # type: ignore[attr-defined]  # redo recreates the same id
        session.add(row)
    _fill(row, _values(entity))
    session.flush()
    row_id: int = row.id  # type: ignore[attr-defined]
    if isinstance(entity, Principle):
        _sync_children(session, s.BehaviourRow, "principle_id", row_id,
                       entity.behaviours, values=_behaviour_values)
    elif isinstance(entity, Reel):
        _sync_children(session, s.ReelItemRow, "reel_id", row_id, entity.items,
                       values=_item_values)
    elif isinstance(entity, SharedReview):
        _sync_children(session, s.ReviewReflectionRow, "review_id", row_id,
                       entity.reflections, values=_reflection_values)
    elif isinstance(entity, Clip | Still):
        _sync_appearances(session, "clip_id" if isinstance(entity, Clip) else "still_id",
                          row_id, entity.appears or ())
    session.flush()
    return load(session, kind, row)


def _sync_children(session: Session, row_type: Any, parent_column: str, parent: int,
                   items: Sequence[Behaviour] | Sequence[ReelItem] | Sequence[ItemReflection], *,
                   values: Callable[[Any], dict[str, Any]]) -> None:
    """Make the child rows of ``parent`` match ``items``: drop those no longer listed, keep
    ids (so undo and redo restore the same rows), add new ones."""
    column = getattr(row_type, parent_column)
    existing = {r.id: r for r in session.scalars(select(row_type).where(column == parent))}
    keep = {i.id for i in items if i.id is not None}
    for old_id, old in existing.items():
        if old_id not in keep:
            session.delete(old)
    session.flush()
    for item in items:
        row = existing.get(item.id) if item.id is not None else None
        if row is None:
            row = row_type(**{parent_column: parent})
            if item.id is not None:
                row.id = item.id
            session.add(row)
        _fill(row, values(item))
    session.flush()


def _sync_appearances(session: Session, column: str, parent: int,
                      participants: Sequence[int]) -> None:
    """Make the appearance rows of a clip or still list ``participants``, in order."""
    col = getattr(s.AppearanceRow, column)
    rows = list(session.scalars(select(s.AppearanceRow).where(col == parent)
                                .order_by(s.AppearanceRow.position, s.AppearanceRow.id)))
    if [r.participant_id for r in rows] == list(participants):
        return
    for r in rows:
        session.delete(r)
    session.flush()
    for position, pid in enumerate(participants):
        session.add(s.AppearanceRow(**{column: parent}, participant_id=pid, position=position))
    session.flush()


def _behaviour_values(b: Behaviour) -> dict[str, Any]:
    return {"name": b.name, "position": b.position}


def _reflection_values(r: ItemReflection) -> dict[str, Any]:
    return {"item_id": r.item_id, "words": r.words, "noted_at": r.noted_at,
            "position": r.position}


def _item_values(item: ReelItem) -> dict[str, Any]:
    return {"position": item.position, "kind": item.kind.value, "clip_id": item.clip_id,
            "still_id": item.still_id, "title_text": item.title_text, "caption": item.caption,
            "burn_caption": item.burn_caption, "speed": frac_text(item.speed),
            "freeze_last": frac_text(item.freeze_last), "hold": frac_text(item.hold)}


def remove(session: Session, kind: EntityKind, entity_id: int) -> bool:
    """Delete one entity (and its nested children). False if it did not exist."""
    row = session.get(ROW_OF_KIND[kind], entity_id)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


# --- many at once --------------------------------------------------------------------------

# Kinds whose new rows go in by bulk INSERT: what an import brings. Their stored values read
# back exactly as written (text, integers, booleans), so the entity as stored is made from
# the values, by the loaders, without reading the rows back.
_BULK_KINDS = frozenset({EntityKind.PARTICIPANT, EntityKind.PRINCIPLE, EntityKind.MOMENT,
                         EntityKind.CLIP, EntityKind.STILL})
_CHUNK = 500  # ids per ``IN (...)``: well under SQLite's limit on bound values
# SQLite's own table of the last id given in each AUTOINCREMENT table
_SEQUENCE = Table("sqlite_sequence", MetaData(), Column("name", Text), Column("seq", Integer))


def store_many(session: Session, entities: Sequence[Entity]) -> list[Entity]:
    """:func:`store` for each entity in turn, with the same result and the same ids, in a few
    statements instead of a few per entity: new entities of the kinds an import brings go in
    by one bulk INSERT per kind (SQLAlchemy's executemany), their nested children by another.
    An entity whose id is already stored (an update), or of another kind, goes through
    :func:`store` in its place; the new entities before it are written first."""
    if len(entities) == 1:  # most edits: one thing, written as ever
        return [store(session, entities[0])]
    out: list[Entity | None] = [None] * len(entities)
    stored = _stored_ids(session, entities)
    new: list[int] = []  # positions of new entities not yet written
    for position, entity in enumerate(entities):
        kind = kind_of(entity)
        if kind in _BULK_KINDS and (kind, entity.id) not in stored:
            if entity.id is not None:
                stored.add((kind, entity.id))  # a later entity with this id is an update
            new.append(position)
            continue
        _insert_all(session, entities, new, out)
        new = []
        out[position] = store(session, entity)
    _insert_all(session, entities, new, out)
    return [entity for entity in out if entity is not None]


def _insert_all(session: Session, entities: Sequence[Entity], positions: Sequence[int],
                out: list[Entity | None]) -> None:
    """Insert the new entities at ``positions``, kind by kind, parents before children (a
    moment's participant and code before it; each kind's own order kept, so its ids are
    those one-by-one writing gives); put them as stored in ``out``."""
    by_kind: dict[EntityKind, list[int]] = {}
    for position in positions:
        by_kind.setdefault(kind_of(entities[position]), []).append(position)
    for kind in LOAD_ORDER:
        if kind in by_kind:
            chosen = by_kind[kind]
            stored = _insert_new(session, [entities[p] for p in chosen])
            for position, entity in zip(chosen, stored, strict=True):
                out[position] = entity


def remove_many(session: Session, targets: Sequence[tuple[EntityKind, int]]) -> int:
    """:func:`remove` for each (kind, id) in turn (nested children go with them, by the file's
    ON DELETE CASCADE as for one), in one DELETE per kind for the kinds an import brings
    (children before parents: a moment before its code); returns how many existed."""
    if len(targets) == 1:  # most edits: one thing, removed as ever
        return int(remove(session, *targets[0]))
    removed = 0
    batch: dict[EntityKind, list[int]] = {}
    for kind, entity_id in targets:
        if kind in _BULK_KINDS:
            batch.setdefault(kind, []).append(entity_id)
            continue
        removed += _remove_all(session, batch)
        batch = {}
        removed += remove(session, kind, entity_id)
    return removed + _remove_all(session, batch)


def _remove_all(session: Session, batch: dict[EntityKind, list[int]]) -> int:
    removed = 0
    for kind in reversed(LOAD_ORDER):
        row_type: Any = ROW_OF_KIND[kind]
        for chunk in _chunks(batch.get(kind, [])):
            result: Any = session.execute(delete(row_type).where(row_type.id.in_(chunk)))
            removed += int(result.rowcount)
    return removed


def _chunks(values: Sequence[int]) -> list[Sequence[int]]:
    return [values[i:i + _CHUNK] for i in range(0, len(values), _CHUNK)]


def _stored_ids(session: Session, entities: Sequence[Entity]) -> set[tuple[EntityKind, int]]:
    """(kind, id) of those entities whose id is already in the file."""
    wanted: dict[EntityKind, list[int]] = {}
    for entity in entities:
        if entity.id is not None:
            wanted.setdefault(kind_of(entity), []).append(entity.id)
    found: set[tuple[EntityKind, int]] = set()
    for kind, ids in wanted.items():
        row_type: Any = ROW_OF_KIND[kind]
        for chunk in _chunks(ids):
            found.update((kind, i) for i in
                         session.scalars(select(row_type.id).where(row_type.id.in_(chunk))))
    return found


def _table(row_type: Any) -> Table:
    """The row type's table: its bulk INSERT is one executemany of the values as given (the
    ORM's bulk INSERT would first walk each row through the mapper)."""
    table: Table = row_type.__table__
    return table


def _new_ids(session: Session, row_type: Any, given: Sequence[int | None]) -> list[int]:
    """The ids rows inserted one by one in this order would get: a given id is kept, a
    missing one is what SQLite's AUTOINCREMENT picks (one more than the largest id the
    table has ever had). Only inside the write transaction, which holds the file's lock."""
    table = _table(row_type)
    last = session.scalar(select(_SEQUENCE.c.seq).where(_SEQUENCE.c.name == table.name)) or 0
    last = max(int(last), int(session.scalar(select(func.max(table.c.id))) or 0))
    ids: list[int] = []
    for entity_id in given:
        if entity_id is None:
            last += 1
            ids.append(last)
        else:
            last = max(last, entity_id)
            ids.append(entity_id)
    return ids


def _insert_new(session: Session, entities: Sequence[Entity]) -> list[Entity]:
    """Insert new entities of one kind (and their nested children) in one statement each;
    return them as stored."""
    if not entities:
        return []
    kind = kind_of(entities[0])
    row_type = ROW_OF_KIND[kind]
    ids = _new_ids(session, row_type, [e.id for e in entities])
    rows = [SimpleNamespace(**_values(e), id=i) for e, i in zip(entities, ids, strict=True)]
    session.execute(insert(_table(row_type)), [vars(r) for r in rows])
    if kind is EntityKind.PRINCIPLE:
        return _insert_behaviours(session, entities, rows)
    if kind in (EntityKind.CLIP, EntityKind.STILL):
        column = "clip_id" if kind is EntityKind.CLIP else "still_id"
        found: dict[int, tuple[int, ...]] = {}
        appearances: list[dict[str, Any]] = []
        for entity, row in zip(entities, rows, strict=True):
            appears: tuple[int, ...] | None = getattr(entity, "appears", None)
            if appears is not None:
                found[row.id] = tuple(appears)
            appearances += [{column: row.id, "participant_id": pid, "position": position}
                            for position, pid in enumerate(appears or ())]
        if appearances:
            session.execute(insert(_table(s.AppearanceRow)), appearances)
        if kind is EntityKind.CLIP:
            return [_load_clip(session, r, found) for r in rows]  # type: ignore[arg-type]
        return [_load_still(session, r, found) for r in rows]  # type: ignore[arg-type]
    return [load(session, kind, r) for r in rows]


def _insert_behaviours(session: Session, principles: Sequence[Entity],
                       rows: Sequence[SimpleNamespace]) -> list[Entity]:
    children = [(row.id, b) for p, row in zip(principles, rows, strict=True)
                if isinstance(p, Principle) for b in p.behaviours]
    ids = _new_ids(session, s.BehaviourRow, [b.id for _, b in children])
    if children:
        session.execute(insert(_table(s.BehaviourRow)), [
            {"id": i, "principle_id": parent, **_behaviour_values(b)}
            for (parent, b), i in zip(children, ids, strict=True)])
    by_parent: dict[int, list[Behaviour]] = {}
    for (parent, b), i in zip(children, ids, strict=True):
        by_parent.setdefault(parent, []).append(Behaviour(b.name, b.position, id=i))
    return [_principle_of(row, by_parent.get(row.id, ())) for row in rows]
