"""The tables of a ``.vigproj`` project file (schema version 1), as SQLAlchemy 2.x typed ORM.

Every foreign key is ``RESTRICT`` except the nested children (behaviours of a principle,
items of a reel), which go with their parent. Deleting something that is still referenced is
therefore refused by the file itself; the application layer deletes the dependants first, as
explicit steps of the same undoable command, so that undo restores all of them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

AUTOINC = {"sqlite_autoincrement": True}  # ids are never reused, even after undo of an add


class Base(DeclarativeBase):
    pass


def _fk(target: str, *, cascade: bool = False) -> ForeignKey:
    return ForeignKey(target, ondelete="CASCADE" if cascade else "RESTRICT")


class CaseRow(Base):
    __tablename__ = "case_info"
    __table_args__ = (CheckConstraint("id = 1", name="one_case"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    created_on: Mapped[dt.date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    retention_until: Mapped[dt.date | None] = mapped_column(Date)


class CodebookRow(Base):
    __tablename__ = "codebook"
    __table_args__ = (CheckConstraint("id = 1", name="one_codebook"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)


class ParticipantRow(Base):
    __tablename__ = "participant"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pseudonym: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    colour: Mapped[str] = mapped_column(String(7))


class HelpingQuestionRow(Base):
    __tablename__ = "helping_question"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    agreed_on: Mapped[dt.date] = mapped_column(Date)
    said_by_id: Mapped[int | None] = mapped_column(_fk("participant.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)


class CycleRow(Base):
    __tablename__ = "cycle"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    filmed_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")


class RecordingRow(Base):
    """A recording and everything the probe found. Fractions are stored as exact 'n/d' text.

    For variable-frame-rate video ``frame_pts`` holds every frame's time as an integer count
    of ``frame_unit`` seconds (delta-encoded int64, zlib-compressed), so times are exact.
    """

    __tablename__ = "recording"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text, default="")
    cycle_id: Mapped[int | None] = mapped_column(_fk("cycle.id"))
    recorded_on: Mapped[dt.date | None] = mapped_column(Date)
    container: Mapped[str] = mapped_column(Text)
    video_codec: Mapped[str] = mapped_column(Text)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    rotation: Mapped[int] = mapped_column(Integer)
    frame_rate: Mapped[str] = mapped_column(String(64))
    variable_frame_rate: Mapped[bool] = mapped_column(Boolean)
    frame_count: Mapped[int] = mapped_column(Integer)
    duration: Mapped[str] = mapped_column(String(64))
    time_base: Mapped[str] = mapped_column(String(64))
    start_pts: Mapped[int] = mapped_column(Integer)
    audio_codec: Mapped[str | None] = mapped_column(Text)
    audio_sample_rate: Mapped[int | None] = mapped_column(Integer)
    audio_channels: Mapped[int | None] = mapped_column(Integer)
    truncated: Mapped[bool] = mapped_column(Boolean)
    frame_unit: Mapped[str | None] = mapped_column(String(64))
    frame_pts: Mapped[bytes | None] = mapped_column(LargeBinary)
    warnings: Mapped[str] = mapped_column(Text, default="[]")
    # schema 2 (migration_frame_index): decoder-order keys where they are out of order, and
    # the source's colour tags
    frame_keys: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    color_primaries: Mapped[str | None] = mapped_column(String(32), default=None)
    color_transfer: Mapped[str | None] = mapped_column(String(32), default=None)
    color_space: Mapped[str | None] = mapped_column(String(32), default=None)
    color_range: Mapped[str | None] = mapped_column(String(8), default=None)


class PrincipleRow(Base):
    __tablename__ = "principle"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)
    colour: Mapped[str] = mapped_column(String(7))
    shortcut: Mapped[str] = mapped_column(String(1), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class BehaviourRow(Base):
    __tablename__ = "behaviour"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    principle_id: Mapped[int] = mapped_column(_fk("principle.id", cascade=True), index=True)
    name: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)


class MomentRow(Base):
    __tablename__ = "moment"
    __table_args__ = (CheckConstraint("frame >= 0", name="frame_not_negative"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recording_id: Mapped[int] = mapped_column(_fk("recording.id"), index=True)
    frame: Mapped[int] = mapped_column(Integer)
    principle_id: Mapped[int] = mapped_column(_fk("principle.id"), index=True)
    participant_id: Mapped[int | None] = mapped_column(_fk("participant.id"))
    behaviour_id: Mapped[int | None] = mapped_column(_fk("behaviour.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    valence: Mapped[str] = mapped_column(String(16))
    helping_question_id: Mapped[int | None] = mapped_column(_fk("helping_question.id"))


class ClipRow(Base):
    __tablename__ = "clip"
    __table_args__ = (
        CheckConstraint('start >= 0 AND "end" > start', name="range_not_empty"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recording_id: Mapped[int] = mapped_column(_fk("recording.id"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text, default="")
    caption: Mapped[str] = mapped_column(Text, default="")
    sharing: Mapped[str] = mapped_column(String(16))
    # who appears was confirmed by the practitioner (rows in ``appearance``); else proposed
    appears_confirmed: Mapped[bool] = mapped_column(Boolean, default=False,
                                                    server_default="0")


class StillRow(Base):
    __tablename__ = "still"
    __table_args__ = (CheckConstraint("frame >= 0", name="frame_not_negative"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recording_id: Mapped[int] = mapped_column(_fk("recording.id"), index=True)
    frame: Mapped[int] = mapped_column(Integer)
    caption: Mapped[str] = mapped_column(Text, default="")
    # marks drawn over the still, as JSON (migration_still_marks.py); "" for none
    marks: Mapped[str] = mapped_column(Text, default="", server_default="")
    appears_confirmed: Mapped[bool] = mapped_column(Boolean, default=False,
                                                    server_default="0")


class AppearanceRow(Base):
    """A participant who appears in a clip or a still (confirmed by the practitioner)."""

    __tablename__ = "appearance"
    __table_args__ = (
        CheckConstraint("(clip_id IS NULL) <> (still_id IS NULL)", name="clip_or_still"),
        AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clip_id: Mapped[int | None] = mapped_column(_fk("clip.id", cascade=True), index=True)
    still_id: Mapped[int | None] = mapped_column(_fk("still.id", cascade=True), index=True)
    participant_id: Mapped[int] = mapped_column(_fk("participant.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ReelRow(Base):
    __tablename__ = "reel"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    cycle_id: Mapped[int | None] = mapped_column(_fk("cycle.id"))
    purpose: Mapped[str] = mapped_column(String(16), default="family",
                                         server_default="family")


class ReelItemRow(Base):
    __tablename__ = "reel_item"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reel_id: Mapped[int] = mapped_column(_fk("reel.id", cascade=True), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8))
    clip_id: Mapped[int | None] = mapped_column(_fk("clip.id"), index=True)
    still_id: Mapped[int | None] = mapped_column(_fk("still.id"), index=True)
    title_text: Mapped[str] = mapped_column(Text, default="")
    caption: Mapped[str] = mapped_column(Text, default="")
    burn_caption: Mapped[bool] = mapped_column(Boolean, default=False)
    speed: Mapped[str] = mapped_column(String(64))
    freeze_last: Mapped[str] = mapped_column(String(64))
    hold: Mapped[str] = mapped_column(String(64))


class SharedReviewRow(Base):
    __tablename__ = "shared_review"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(_fk("cycle.id"))
    held_on: Mapped[dt.date] = mapped_column(Date)
    parent_reflections: Mapped[str] = mapped_column(Text, default="")
    next_goal: Mapped[str] = mapped_column(Text, default="")
    recording_id: Mapped[int | None] = mapped_column(_fk("recording.id"))
    # added by the shared-review migration (storage/migration_review.py)
    reel_id: Mapped[int | None] = mapped_column(_fk("reel.id"))
    helping_question_id: Mapped[int | None] = mapped_column(_fk("helping_question.id"))


class ReviewReflectionRow(Base):
    """The parent's words against one reel item, a nested child of its shared review.
    ``item_id`` is a plain id (no reference): the words outlive edits of the reel."""

    __tablename__ = "review_reflection"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(_fk("shared_review.id", cascade=True), index=True)
    item_id: Mapped[int] = mapped_column(Integer)
    words: Mapped[str] = mapped_column(Text)
    noted_at: Mapped[dt.datetime] = mapped_column(DateTime)
    position: Mapped[int] = mapped_column(Integer, default=0)


class TrajectPlanRow(Base):
    """The case's traject plan (one row). ``areas`` and ``planned`` are JSON lists."""

    __tablename__ = "traject_plan"
    __table_args__ = (CheckConstraint("id = 1", name="one_plan"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    areas: Mapped[str] = mapped_column(Text, default="[]")
    films: Mapped[int] = mapped_column(Integer, default=0)
    feedbacks: Mapped[int] = mapped_column(Integer, default=0)
    reviews: Mapped[int] = mapped_column(Integer, default=0)
    planned: Mapped[str] = mapped_column(Text, default="[]")
    agreed_on: Mapped[dt.date | None] = mapped_column(Date)


class ConsentRow(Base):
    __tablename__ = "consent"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(_fk("participant.id"))
    scope: Mapped[str] = mapped_column(String(16))
    given_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class ExportRecordRow(Base):
    """One line of the export log: what left the case, when, where, for what, on whose
    consent, and any override with its reason. Lists are JSON arrays of text; no pictures."""

    __tablename__ = "export_record"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    what: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    purpose: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(Text, default="")
    items: Mapped[str] = mapped_column(Text, default="[]")
    files: Mapped[str] = mapped_column(Text, default="[]")
    consents: Mapped[str] = mapped_column(Text, default="[]")
    override: Mapped[str] = mapped_column(Text, default="")
    problems: Mapped[str] = mapped_column(Text, default="[]")


__all__ = [
    "AppearanceRow", "Base", "BehaviourRow", "CaseRow", "ClipRow", "CodebookRow", "ConsentRow",
    "CycleRow", "ExportRecordRow", "HelpingQuestionRow", "MomentRow", "ParticipantRow",
    "PrincipleRow", "RecordingRow", "ReelItemRow", "ReelRow", "ReviewReflectionRow",
    "SharedReviewRow", "StillRow", "TrajectPlanRow",
]
