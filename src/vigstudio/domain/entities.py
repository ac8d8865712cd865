"""The vocabulary of changes: what kind of thing an id refers to, and the stored entities.

Edits, undo steps and change notices (``app.changes.Change``) name entities by kind and id;
the GUI and the command line use these names without knowing how the project file stores
them (``storage.records`` maps each kind to its table).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeAlias

from vigstudio.domain.annotations import Clip, Moment, Still
from vigstudio.domain.codebook import Principle
from vigstudio.domain.media import Recording
from vigstudio.domain.privacy import ExportRecord
from vigstudio.domain.project import (
    Case,
    Consent,
    Cycle,
    HelpingQuestion,
    Participant,
    SharedReview,
)
from vigstudio.domain.reels import Reel
from vigstudio.domain.review import TrajectPlan

__all__ = ["KIND_OF_TYPE", "CodebookName", "Entity", "EntityKind", "kind_of"]


class EntityKind(StrEnum):
    """What kind of thing an id refers to (used in change summaries and undo steps)."""

    CASE = "case"
    CODEBOOK = "codebook"  # the codebook's name (one row, id 1); principles are separate
    PARTICIPANT = "participant"
    HELPING_QUESTION = "helping_question"
    CYCLE = "cycle"
    RECORDING = "recording"
    PRINCIPLE = "principle"  # with its behaviours
    MOMENT = "moment"
    CLIP = "clip"
    STILL = "still"
    REEL = "reel"  # with its items
    SHARED_REVIEW = "shared_review"
    CONSENT = "consent"
    TRAJECT_PLAN = "traject_plan"  # one row, id 1
    EXPORT = "export"  # a line of the export log (written by exports, never undone)


@dataclass(frozen=True, slots=True)
class CodebookName:
    """The project's codebook name (the principles are stored one by one)."""

    name: str
    id: int | None = field(default=1, kw_only=True)


Entity: TypeAlias = (Case | CodebookName | Participant | HelpingQuestion | Cycle | Recording
                     | Principle | Moment | Clip | Still | Reel | SharedReview | Consent
                     | TrajectPlan | ExportRecord)

KIND_OF_TYPE: dict[type[Any], EntityKind] = {
    Case: EntityKind.CASE, CodebookName: EntityKind.CODEBOOK,
    Participant: EntityKind.PARTICIPANT, HelpingQuestion: EntityKind.HELPING_QUESTION,
    Cycle: EntityKind.CYCLE, Recording: EntityKind.RECORDING, Principle: EntityKind.PRINCIPLE,
    Moment: EntityKind.MOMENT, Clip: EntityKind.CLIP, Still: EntityKind.STILL,
    Reel: EntityKind.REEL, SharedReview: EntityKind.SHARED_REVIEW, Consent: EntityKind.CONSENT,
    TrajectPlan: EntityKind.TRAJECT_PLAN,
    ExportRecord: EntityKind.EXPORT,
}


def kind_of(entity: Entity) -> EntityKind:
    return KIND_OF_TYPE[type(entity)]
