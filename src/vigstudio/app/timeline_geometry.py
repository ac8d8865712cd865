"""Qt-free maths of the timeline: frame ↔ x at a zoom, ticks, aggregation, hit tests, snapping.

Positions are integer frames. Pixels are floats only at the drawing edge: ``x_of`` returns a
float for painting, ``frame_at`` always returns an ``int``. A scale keeps its left edge on a
whole frame, so every column of the view maps to exact frames.

Frames of items are kept in sorted numpy arrays so that culling, counting per pixel column
(aggregation) and hit tests are ``searchsorted``/``bisect`` calls, never a walk over every tag.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from vigstudio.domain import edits
from vigstudio.domain.media import MediaInfo
from vigstudio.domain.time import (
    FrameClock,
    FrameRange,
    FrameRate,
    format_seconds,
    frames_to_timecode,
)

IntArray = npt.NDArray[np.int64]

#: the closest zoom: one frame is this many pixels wide
MAX_PX_PER_FRAME = 48.0


@dataclass(frozen=True, slots=True)
class TimelineScale:
    """Which frames a view of ``width`` pixels shows: ``first`` at x = 0, ``px_per_frame`` wide.

    Frame ``f`` occupies the pixels ``[x_of(f), x_of(f + 1))``.
    """

    frame_count: int
    width: int
    px_per_frame: float
    first: int = 0

    def __post_init__(self) -> None:
        if self.frame_count < 1:
            raise ValueError("a timeline needs at least one frame")
        if self.width < 1:
            raise ValueError("a timeline needs at least one pixel")
        if not self.px_per_frame > 0:
            raise ValueError(f"px_per_frame must be positive, got {self.px_per_frame}")

    # --- construction ---------------------------------------------------------------------

    @classmethod
    def fit(cls, frame_count: int, width: int) -> TimelineScale:
        """The whole recording in ``width`` pixels."""
        return cls(frame_count, max(1, width), max(1, width) / frame_count, 0)

    @property
    def fit_px_per_frame(self) -> float:
        return self.width / self.frame_count

    @property
    def min_px_per_frame(self) -> float:
        return min(self.fit_px_per_frame, MAX_PX_PER_FRAME)

    def with_width(self, width: int) -> TimelineScale:
        """Same zoom on a resized view (a fitted view stays fitted)."""
        width = max(1, width)
        if self.is_fit:
            return TimelineScale.fit(self.frame_count, width)
        return TimelineScale(self.frame_count, width, max(self.px_per_frame,
                                                          width / self.frame_count),
                             self.first).clamped()

    @property
    def is_fit(self) -> bool:
        return self.first == 0 and math.isclose(self.px_per_frame, self.fit_px_per_frame)

    def zoomed(self, factor: float, anchor_x: float | None = None) -> TimelineScale:
        """Zoom by ``factor`` (> 1 zooms in) keeping the frame under ``anchor_x`` in place."""
        ppf = min(MAX_PX_PER_FRAME, max(self.fit_px_per_frame, self.px_per_frame * factor))
        return self.with_px_per_frame(ppf, anchor_x)

    def with_px_per_frame(self, ppf: float, anchor_x: float | None = None) -> TimelineScale:
        ppf = min(MAX_PX_PER_FRAME, max(self.fit_px_per_frame, ppf))
        anchor = self.width / 2 if anchor_x is None else anchor_x
        anchor_frame = self.first + anchor / self.px_per_frame
        first = math.floor(anchor_frame - anchor / ppf + 0.5)
        return TimelineScale(self.frame_count, self.width, ppf, first).clamped()

    def panned_to(self, first: int) -> TimelineScale:
        return TimelineScale(self.frame_count, self.width, self.px_per_frame, first).clamped()

    def panned_by(self, frames: int) -> TimelineScale:
        return self.panned_to(self.first + frames)

    def centred_on(self, frame: int) -> TimelineScale:
        return self.panned_to(frame - int(self.visible_frames // 2))

    def showing(self, frame: int, margin_px: float = 40.0) -> TimelineScale:
        """Pan the least needed for ``frame`` to lie inside the view (with a margin)."""
        margin = min(margin_px, self.width / 4)
        x = self.x_of(frame)
        if x < margin:
            return self.panned_to(frame - int(margin / self.px_per_frame))
        if x + self.px_per_frame > self.width - margin:
            return self.panned_to(frame + 1 - int((self.width - margin) / self.px_per_frame))
        return self

    def clamped(self) -> TimelineScale:
        last_first = max(0, self.frame_count - int(self.visible_frames))
        first = min(max(0, self.first), last_first)
        if first == self.first:
            return self
        return TimelineScale(self.frame_count, self.width, self.px_per_frame, first)

    # --- mapping --------------------------------------------------------------------------

    @property
    def visible_frames(self) -> float:
        return self.width / self.px_per_frame

    def x_of(self, frame: int) -> float:
        """Left pixel edge of ``frame`` (frame boundaries: the left edge of the next frame)."""
        return (frame - self.first) * self.px_per_frame

    def frame_at(self, x: float) -> int:
        """The frame whose pixels hold ``x``, clamped to the recording."""
        frame = self.first + math.floor(x / self.px_per_frame)
        return max(0, min(frame, self.frame_count - 1))

    def boundary_at(self, x: float) -> int:
        """The frame boundary nearest ``x`` (0 … frame_count): where a clip edge would go."""
        boundary = self.first + math.floor(x / self.px_per_frame + 0.5)
        return max(0, min(boundary, self.frame_count))

    def visible_range(self) -> FrameRange:
        """Frames with at least one pixel in the view."""
        end = self.first + math.ceil(self.visible_frames)
        return FrameRange(self.first, min(self.frame_count, max(self.first, end)))

    def frames_per_px(self) -> float:
        return 1.0 / self.px_per_frame

    def column_edges(self, bucket_px: int) -> IntArray:
        """Frame boundaries of each bucket of ``bucket_px`` columns across the view.

        Bucket ``i`` holds frames ``[edges[i], edges[i+1])``; neighbouring buckets share an
        edge, so every frame falls in exactly one bucket.
        """
        columns = np.arange(0, self.width + bucket_px, bucket_px, dtype=np.float64)
        edges = self.first + np.ceil(columns / self.px_per_frame).astype(np.int64)
        return np.asarray(np.clip(edges, 0, self.frame_count), dtype=np.int64)


# --- labels -------------------------------------------------------------------------------


class TimeStyle(StrEnum):
    """How positions are written across the panels (chosen in Preferences)."""

    TIMECODE = "timecode"  # SMPTE timecode (clock time for variable-rate video)
    FRAMES = "frames"  # the frame number
    CLOCK = "clock"  # clock time HH:MM:SS.mmm


def short_seconds(seconds: Fraction) -> str:
    """A length as people say it: ``2.8 s``, ``1 min 05.0 s`` (tenths, rounded)."""
    tenths = round(Fraction(seconds) * 10)
    minutes, rest = divmod(tenths, 600)
    text = f"{rest // 10}.{rest % 10} s"
    return f"{minutes} min {rest // 10:02d}.{rest % 10} s" if minutes else text


@dataclass(frozen=True, slots=True)
class TimeLabels:
    """How a frame is named on screen: SMPTE timecode for constant-rate video, clock time
    (``HH:MM:SS.mmm`` from the frame's own timestamp) for variable-rate video; or, by the
    practitioner's choice (``style``), the frame number or clock time everywhere.

    One way to write a range and a length everywhere: :meth:`span` names the first and the
    last frame *inside* the range (a clip 20–70 holds 51 frames), :meth:`length` its real
    duration (from the frames' own times)."""

    rate: FrameRate
    clock: FrameClock | None = None  # only for variable-rate recordings
    style: TimeStyle = TimeStyle.TIMECODE
    duration: Fraction | None = None  # the recording's length (the last frame's end)

    @classmethod
    def of(cls, info: MediaInfo, style: TimeStyle | str = TimeStyle.TIMECODE) -> TimeLabels:
        vfr = info.variable_frame_rate and info.frame_times is not None
        return cls(info.frame_rate, info.clock if vfr else None, TimeStyle(style),
                   info.duration)

    def seconds_at(self, frame: int) -> Fraction:
        """When ``frame`` starts (``frame`` may be one past the last: the end)."""
        if self.clock is None:
            return Fraction(max(0, frame)) / self.rate.value
        count = self.clock.frame_count
        if frame >= count and self.duration is not None:
            return self.duration
        return self.clock.time_of(max(0, min(frame, count - 1)))

    def label(self, frame: int) -> str:
        if self.style is TimeStyle.FRAMES:
            return str(max(0, frame))
        if self.style is TimeStyle.CLOCK or self.clock is not None:
            last = frame if self.clock is None else min(frame, self.clock.frame_count - 1)
            return format_seconds(self.seconds_at(last))
        return frames_to_timecode(max(0, frame), self.rate)

    def span(self, frames: FrameRange) -> str:
        """First and last frame inside the range, as labels: ``20–70``."""
        return f"{self.label(frames.start)}–{self.label(frames.last)}"

    def length(self, frames: FrameRange) -> str:
        """The range's real duration: ``51 frames, 2.0 s``."""
        seconds = self.seconds_at(frames.end) - self.seconds_at(frames.start)
        return f"{frames.duration} frames, {short_seconds(seconds)}"

    def range_text(self, frames: FrameRange) -> str:
        """In and out as shown (both frames inside the clip), frames and length."""
        return (f"{self.label(frames.start)} – {self.label(frames.last)}"
                f" (frames {frames.start}–{frames.last}, {frames.duration} frames)")


# --- ruler ticks --------------------------------------------------------------------------

_FRAME_STEPS = (1, 2, 5, 10)
_SECOND_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200)


@dataclass(frozen=True, slots=True)
class TickSpacing:
    """Ruler steps in frames: a labelled tick every ``major``, a small one every ``minor``."""

    major: int
    minor: int


def tick_spacing(rate: FrameRate, px_per_frame: float, min_label_px: float = 90.0) -> TickSpacing:
    """The finest readable steps: labels at least ``min_label_px`` apart.

    Steps below one second are whole frames; above, whole (nominal) timecode seconds, so the
    labels read ``00:01:30:00`` rather than odd frame counts.
    """
    nominal = rate.nominal
    candidates = [s for s in _FRAME_STEPS if s < nominal] + [s * nominal for s in _SECOND_STEPS]
    major = candidates[-1]
    for step in candidates:
        if step * px_per_frame >= min_label_px:
            major = step
            break
    minor = major
    for step in reversed(candidates):
        if step < major and major % step == 0 and step * px_per_frame >= 8:
            minor = step
            break
    return TickSpacing(major, minor)


def ticks(scale: TimelineScale, step: int) -> range:
    """Frames that are multiples of ``step`` inside the visible range."""
    visible = scale.visible_range()
    start = -(-visible.start // step) * step
    return range(start, visible.end + 1, step)


# --- sorted frame indexes -----------------------------------------------------------------


def sorted_frames(frames: Iterable[int]) -> IntArray:
    return np.sort(np.fromiter(frames, dtype=np.int64))


def visible_slice(frames: IntArray, visible: FrameRange) -> tuple[int, int]:
    """Index range ``[lo, hi)`` of the sorted ``frames`` that fall inside ``visible``."""
    lo = int(np.searchsorted(frames, visible.start, side="left"))
    hi = int(np.searchsorted(frames, visible.end, side="left"))
    return lo, hi


def column_counts(frames: IntArray, scale: TimelineScale, bucket_px: int = 2) -> IntArray:
    """How many of the sorted ``frames`` fall in each bucket of ``bucket_px`` view columns."""
    edges = scale.column_edges(bucket_px)
    positions = np.searchsorted(frames, edges, side="left")
    return np.asarray(np.diff(positions), dtype=np.int64)


def should_aggregate(visible_count: int, scale: TimelineScale, min_px_per_item: float = 8.0
                     ) -> bool:
    """Draw counts per column instead of single items when they would crowd the view."""
    return visible_count > scale.width / min_px_per_item or scale.px_per_frame < 1 / 4


def nearest_index(frames: Sequence[int] | IntArray, frame: int, tolerance: int) -> int | None:
    """Index of the sorted frame closest to ``frame`` within ``tolerance`` frames, if any."""
    n = len(frames)
    if n == 0:
        return None
    i = int(np.searchsorted(frames, frame)) if isinstance(frames, np.ndarray) else (
        bisect.bisect_left(frames, frame))
    best: int | None = None
    best_distance = tolerance + 1
    for j in (i - 1, i):
        if 0 <= j < n:
            distance = abs(int(frames[j]) - frame)
            if distance < best_distance:
                best, best_distance = j, distance
    return best


def tolerance_frames(scale: TimelineScale, px: float) -> int:
    """How many frames ``px`` pixels span at this zoom (at least 0)."""
    return max(0, math.floor(px / scale.px_per_frame))


# --- navigation ---------------------------------------------------------------------------


def next_after(frames: Sequence[int] | IntArray, frame: int) -> int | None:
    """The first sorted frame strictly after ``frame``."""
    i = int(np.searchsorted(frames, frame, side="right")) if isinstance(frames, np.ndarray) else (
        bisect.bisect_right(frames, frame))
    return int(frames[i]) if i < len(frames) else None


def previous_before(frames: Sequence[int] | IntArray, frame: int) -> int | None:
    """The last sorted frame strictly before ``frame``."""
    i = int(np.searchsorted(frames, frame, side="left")) if isinstance(frames, np.ndarray) else (
        bisect.bisect_left(frames, frame))
    return int(frames[i - 1]) if i > 0 else None


def clip_edge_frames(ranges: Iterable[FrameRange]) -> list[int]:
    """Frames a playhead stops at for 'next/previous clip edge': each clip's first and last frame.

    The last frame (``end - 1``) is what the practitioner sees as the clip's out point.
    """
    edges: set[int] = set()
    for r in ranges:
        edges.add(r.start)
        edges.add(r.end - 1)
    return sorted(edges)


# --- snapping -----------------------------------------------------------------------------


def snap(boundary: int, candidates: Sequence[int], tolerance: int) -> int:
    """``boundary`` moved to the nearest sorted candidate within ``tolerance`` frames, if any
    (the domain's one snapping rule, :func:`vigstudio.domain.edits.snap`)."""
    return edits.snap_sorted(boundary, candidates, tolerance)


def snap_candidates(*, playhead: int | None, moments: Iterable[int],
                    clip_ranges: Iterable[FrameRange], frame_count: int,
                    stills: Iterable[int] = ()) -> list[int]:
    """Sorted frame boundaries an edge may snap to (:func:`vigstudio.domain.edits.snap_points`:
    moments and stills offer ``m`` and ``m + 1``, clips their edges, the playhead its frame,
    the recording 0 and ``frame_count``)."""
    return edits.snap_points(playhead=playhead, moment_frames=[*moments, *stills],
                             clip_ranges=clip_ranges, frame_count=frame_count)


# --- clip edits from a drag ---------------------------------------------------------------


def moved_range(original: FrameRange, delta: int, frame_count: int) -> FrameRange:
    """``original`` shifted by ``delta`` frames, kept inside the recording."""
    delta = max(-original.start, min(delta, frame_count - original.end))
    return original.shifted(delta)


def trimmed_range(original: FrameRange, edge: str, boundary: int, frame_count: int
                  ) -> FrameRange:
    """``original`` with its ``'start'`` or ``'end'`` edge at ``boundary``; at least one frame."""
    if edge == "start":
        return FrameRange(max(0, min(boundary, original.end - 1)), original.end)
    if edge == "end":
        return FrameRange(original.start, min(frame_count, max(boundary, original.start + 1)))
    raise ValueError(f"edge must be 'start' or 'end', got {edge!r}")


def range_between(a: int, b: int, frame_count: int) -> FrameRange:
    """The clip a drag from boundary ``a`` to boundary ``b`` describes (either direction)."""
    lo, hi = sorted((max(0, min(a, frame_count)), max(0, min(b, frame_count))))
    if hi == lo:
        hi = min(frame_count, lo + 1)
        lo = hi - 1
    return FrameRange(lo, hi)


def range_from_marks(mark_in: int, mark_out: int) -> FrameRange:
    """The clip for in/out marks: both frames are inside it (``out`` is the last frame shown)."""
    lo, hi = sorted((mark_in, mark_out))
    return FrameRange(lo, hi + 1)


# --- moment lanes -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MomentLane:
    """The moments of one lane, sorted by frame, ready for culling and aggregation.

    ``frames``/``ids``/``principles``/``working`` are parallel arrays sorted by frame;
    ``by_principle`` holds the sorted frames of each principle's strengths and
    ``working_frames`` those of working points, for per-column counts when zoomed out.
    """

    key: int | None
    label: str
    frames: IntArray
    ids: IntArray
    principles: IntArray
    working: npt.NDArray[np.bool_]
    by_principle: dict[int, IntArray]
    working_frames: IntArray

    @classmethod
    def build(cls, key: int | None, label: str,
              items: Sequence[tuple[int, int, int, bool]]) -> MomentLane:
        """``items``: ``(frame, moment id, principle id, is working point)``."""
        if items:
            arr = np.array(items, dtype=np.int64).reshape(-1, 4)
            order = np.argsort(arr[:, 0], kind="stable")
            arr = arr[order]
        else:
            arr = np.zeros((0, 4), dtype=np.int64)
        frames = np.ascontiguousarray(arr[:, 0])
        principles = np.ascontiguousarray(arr[:, 2])
        working = arr[:, 3].astype(bool)
        by_principle = {int(p): np.ascontiguousarray(frames[(principles == p) & ~working])
                        for p in np.unique(principles)}
        return cls(key, label, frames, np.ascontiguousarray(arr[:, 1]), principles, working,
                   by_principle, np.ascontiguousarray(frames[working]))

    def __len__(self) -> int:
        return len(self.frames)

    def hit(self, frame: int, tolerance: int) -> int | None:
        """Id of the moment nearest ``frame`` within ``tolerance`` frames."""
        i = nearest_index(self.frames, frame, tolerance)
        return None if i is None else int(self.ids[i])
