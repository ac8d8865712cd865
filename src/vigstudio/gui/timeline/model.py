"""What the timeline draws, prepared once per change: lanes of sorted moments, clips, stills.

Plain Python and numpy (no Qt): building it from the session's entities is separate from
painting, so a redraw never walks every tag and the benchmark can build it without a session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from vigstudio.app import timeline_geometry as tg
from vigstudio.domain.annotations import Clip, Moment, Still, Valence
from vigstudio.domain.codebook import Codebook
from vigstudio.domain.project import Participant
from vigstudio.domain.time import FrameRange

NO_PARTICIPANT = "(nobody)"


class LaneMode(StrEnum):
    """How moments are split into lanes: one lane per participant or per principle."""

    BY_PARTICIPANT = "participant"
    BY_PRINCIPLE = "principle"


@dataclass(frozen=True, slots=True)
class TimelineData:
    """A drawable snapshot of one recording's tags."""

    frame_count: int
    lane_mode: LaneMode
    lanes: tuple[tg.MomentLane, ...]
    colours: dict[int, str]  # principle id → #rrggbb
    principle_names: dict[int, str]
    clips: tuple[Clip, ...]  # sorted by start
    clip_starts: tg.IntArray
    stills: tuple[Still, ...]  # sorted by frame
    still_frames: tg.IntArray
    moment_frames: tg.IntArray  # every moment, sorted (navigation, snapping)
    moments_by_id: dict[int, Moment] = field(default_factory=dict)

    @classmethod
    def empty(cls, frame_count: int) -> TimelineData:
        return cls.build(frame_count, Codebook("", ()), (), moments=(), clips=(), stills=())

    @classmethod
    def build(cls, frame_count: int, codebook: Codebook, participants: Sequence[Participant],
              *, moments: Sequence[Moment], clips: Sequence[Clip], stills: Sequence[Still],
              lane_mode: LaneMode = LaneMode.BY_PARTICIPANT) -> TimelineData:
        colours = {p.id: p.colour for p in codebook.principles if p.id is not None}
        names = {p.id: p.name for p in codebook.principles if p.id is not None}
        lanes = _lanes(codebook, participants, moments, lane_mode)
        clips_sorted = tuple(sorted(clips, key=lambda c: (c.range.start, c.range.end)))
        stills_sorted = tuple(sorted(stills, key=lambda s: s.frame))
        return cls(
            frame_count=max(1, frame_count),
            lane_mode=lane_mode,
            lanes=lanes,
            colours=colours,
            principle_names=names,
            clips=clips_sorted,
            clip_starts=np.array([c.range.start for c in clips_sorted], dtype=np.int64),
            stills=stills_sorted,
            still_frames=np.array([s.frame for s in stills_sorted], dtype=np.int64),
            moment_frames=tg.sorted_frames(m.frame for m in moments),
            moments_by_id={m.id: m for m in moments if m.id is not None},
        )

    # --- queries --------------------------------------------------------------------------

    def clip_by_id(self, clip_id: int) -> Clip | None:
        return next((c for c in self.clips if c.id == clip_id), None)

    def clips_in(self, visible: FrameRange) -> Sequence[Clip]:
        """Clips overlapping ``visible`` (clips are few: a linear filter after a bisect)."""
        hi = int(np.searchsorted(self.clip_starts, visible.end, side="left"))
        return [c for c in self.clips[:hi] if c.range.end > visible.start]

    def clip_edges(self) -> list[int]:
        return tg.clip_edge_frames(c.range for c in self.clips)


def _lanes(codebook: Codebook, participants: Sequence[Participant], moments: Sequence[Moment],
           mode: LaneMode) -> tuple[tg.MomentLane, ...]:
    keyed: dict[int | None, list[tuple[int, int, int, bool]]] = {}
    labels: dict[int | None, str] = {}
    if mode is LaneMode.BY_PARTICIPANT:
        for person in participants:
            keyed[person.id] = []
            labels[person.id] = person.pseudonym
        for m in moments:
            keyed.setdefault(m.participant_id, []).append(_item(m))
        if None in keyed:
            labels[None] = NO_PARTICIPANT
    else:
        for principle in codebook.principles:
            keyed[principle.id] = []
            labels[principle.id] = principle.name
        for m in moments:
            keyed.setdefault(m.principle_id, []).append(_item(m))
    return tuple(tg.MomentLane.build(key, labels.get(key, f"#{key}"), items)
                 for key, items in keyed.items())


def _item(m: Moment) -> tuple[int, int, int, bool]:
    return (m.frame, m.id if m.id is not None else -1, m.principle_id,
            m.valence is Valence.WORKING_POINT)
