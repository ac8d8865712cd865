"""What a practitioner tags on a recording: moments (one frame), clips (a range), stills."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from vigstudio.domain.time import FrameRange


class Valence(StrEnum):
    """Strength-based practice: most moments are strengths; some are working points."""

    STRENGTH = "strength"
    WORKING_POINT = "working_point"


class Sharing(StrEnum):
    """The parent's decision about who may see a clip (part of the record)."""

    UNDECIDED = "undecided"
    PRIVATE = "private"  # the family only
    SUPERVISION = "supervision"  # may be watched by the practitioner's supervisor
    SHARED = "shared"  # may be shared further


@dataclass(frozen=True, slots=True)
class Moment:
    """A tag at one frame: who, what (principle, optional behaviour), and a note."""

    recording_id: int
    frame: int
    principle_id: int
    participant_id: int | None = None
    behaviour_id: int | None = None
    note: str = ""
    valence: Valence = Valence.STRENGTH
    helping_question_id: int | None = None
    id: int | None = field(default=None, kw_only=True)


@dataclass(frozen=True, slots=True)
class Clip:
    """A selected range of a recording, half-open: ``range.end`` is the first frame not in it."""

    recording_id: int
    range: FrameRange
    title: str = ""
    caption: str = ""
    sharing: Sharing = Sharing.UNDECIDED
    # who appears in it, as confirmed by the practitioner; None = not confirmed yet (then the
    # participants tagged inside the range are proposed, see domain.privacy)
    appears: tuple[int, ...] | None = None
    id: int | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        if self.range.duration == 0:
            raise ValueError("a clip must hold at least one frame")


@dataclass(frozen=True, slots=True)
class Still:
    """A single selected frame, e.g. the instant of eye contact."""

    recording_id: int
    frame: int
    caption: str = ""
    appears: tuple[int, ...] | None = None  # confirmed participants; None = not confirmed yet
    id: int | None = field(default=None, kw_only=True)
