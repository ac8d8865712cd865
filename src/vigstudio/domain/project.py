"""The case project: one family, its participants, helping questions, cycles and consent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from vigstudio.domain.review import ItemReflection


class Role(StrEnum):
    """A participant's role in the filmed interaction (VIG_PRIMER: person, partner, guider)."""

    PERSON = "person"  # usually the child whose initiatives are received
    PARTNER = "partner"  # usually the parent whose attuned responses are analysed
    GUIDER = "guider"  # the practitioner
    OTHER = "other"  # sibling, visitor, supervisor


class ConsentScope(StrEnum):
    """What a participant agreed their recordings may be used for."""

    FEEDBACK = "feedback"  # shown back to the family only
    SUPERVISION = "supervision"  # may be watched by the practitioner's supervisor
    TRAINING = "training"  # may be used in training
    SHARING = "sharing"  # may be shared further


@dataclass(frozen=True, slots=True)
class Case:
    """One family's case project. ``name`` is a pseudonym, never a real name."""

    name: str
    created_on: dt.date
    notes: str = ""
    retention_until: dt.date | None = None
    id: int | None = field(default=None, kw_only=True)


@dataclass(frozen=True, slots=True)
class Participant:
    pseudonym: str
    role: Role
    colour: str = "#808080"
    id: int | None = field(default=None, kw_only=True)


@dataclass(frozen=True, slots=True)
class HelpingQuestion:
    """The parent's own goal, stored verbatim with the date it was agreed and who said it."""

    text: str
    agreed_on: dt.date
    said_by_id: int | None = None
    position: int = 0
    id: int | None = field(default=None, kw_only=True)


@dataclass(frozen=True, slots=True)
class Cycle:
    """One round of filming, micro-analysis and shared review."""

    number: int
    filmed_on: dt.date | None = None
    notes: str = ""
    id: int | None = field(default=None, kw_only=True)


@dataclass(frozen=True, slots=True)
class SharedReview:
    """The shared review of a cycle: the parent's own words and the next goal.

    ``reel_id`` is the reel watched together, ``helping_question_id`` the helping question the
    review addressed, ``reflections`` the parent's words typed against each reel item.
    """

    cycle_id: int
    held_on: dt.date
    parent_reflections: str = ""
    next_goal: str = ""
    recording_id: int | None = None  # the review itself may be filmed, for supervision
    reel_id: int | None = None
    helping_question_id: int | None = None
    reflections: tuple[ItemReflection, ...] = ()
    id: int | None = field(default=None, kw_only=True)


@dataclass(frozen=True, slots=True)
class Consent:
    """A participant's consent to one use, from ``given_on`` until withdrawn or expired."""

    participant_id: int
    scope: ConsentScope
    given_on: dt.date
    expires_on: dt.date | None = None
    withdrawn_on: dt.date | None = None
    note: str = ""
    id: int | None = field(default=None, kw_only=True)

    def is_valid_on(self, day: dt.date) -> bool:
        """Whether it holds on ``day`` (the rule is :func:`vigstudio.domain.privacy.standing`)."""
        from vigstudio.domain.privacy import holds_on

        return holds_on(self, day)
