"""Pure edit functions on frames and ranges: move, trim, snap. No I/O, exact integers.

Ranges are half-open ``[start, end)``. Trimming the in-point sets ``start``; trimming the
out-point sets ``end`` (the first frame *not* in the clip)::

    frames     0 1 2 3 4 5 6 7 8 9
    clip           [3 . . 6)            FrameRange(3, 6): frames 3, 4, 5
    trim_start(4)    [4 . 6)            FrameRange(4, 6)
    trim_end(8)    [3 . . . . 8)        FrameRange(3, 8)
    move +2            [5 . . 8)        FrameRange(5, 8)

Every function refuses a result outside the recording (``IndexError``) or an empty clip
(``ValueError``) instead of clamping silently; the caller decides what to tell the user.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

from vigstudio.domain.annotations import Clip, Moment, Still
from vigstudio.domain.time import FrameRange


def check_frame(frame: int, frame_count: int) -> None:
    if not 0 <= frame < frame_count:
        raise IndexError(f"frame {frame} is outside the recording (frames 0–{frame_count - 1})")


def check_range(rng: FrameRange, frame_count: int) -> None:
    if rng.duration == 0:
        raise ValueError("a clip must hold at least one frame")
    if rng.end > frame_count:
        raise IndexError(f"frames {rng.start}–{rng.end - 1} reach past the end of the "
                         f"recording (frames 0–{frame_count - 1})")


def make_range(start: int, end: int, frame_count: int) -> FrameRange:
    """``[start, end)`` checked against the recording."""
    if start < 0:
        raise IndexError(f"frame {start} is before the start of the recording")
    if end <= start:
        raise ValueError(f"the out-point ({end}) must come after the in-point ({start}); "
                         "the out-point is the first frame not in the clip")
    rng = FrameRange(start, end)
    check_range(rng, frame_count)
    return rng


def move_range(rng: FrameRange, delta: int, frame_count: int) -> FrameRange:
    return make_range(rng.start + delta, rng.end + delta, frame_count)


def move_range_to(rng: FrameRange, start: int, frame_count: int) -> FrameRange:
    return make_range(start, start + rng.duration, frame_count)


def trim_start(rng: FrameRange, start: int, frame_count: int) -> FrameRange:
    return make_range(start, rng.end, frame_count)


def trim_end(rng: FrameRange, end: int, frame_count: int) -> FrameRange:
    return make_range(rng.start, end, frame_count)


def snap(frame: int, targets: Iterable[int], tolerance: int) -> int:
    """The target nearest to ``frame`` if it lies within ``tolerance`` frames, else ``frame``.

    On a tie the earlier target wins, so snapping is deterministic. This is the one snapping
    rule: the timeline's drags (``app.timeline_geometry.snap``) use it too.
    """
    return snap_sorted(frame, sorted(set(targets)), tolerance)


def snap_sorted(frame: int, ordered: Sequence[int], tolerance: int) -> int:
    """:func:`snap` for targets already sorted ascending (a binary search: fast enough for
    every mouse move over tens of thousands of targets)."""
    if not ordered or tolerance < 0:
        return frame
    i = bisect.bisect_left(ordered, frame)
    candidates = ordered[max(0, i - 1):i + 1]
    best = min(candidates, key=lambda t: (abs(t - frame), t))
    return int(best) if abs(best - frame) <= tolerance else frame


def snap_points(*, playhead: int | None = None, moment_frames: Iterable[int] = (),
                clip_ranges: Iterable[FrameRange] = (), frame_count: int | None = None,
                ) -> list[int]:
    """Sorted frame boundaries an edge may snap to.

    A moment or still at frame ``m`` offers both of its boundaries (``m`` and ``m + 1``) so a
    clip can start on it or end just after it; a clip offers ``start`` and ``end`` (its
    out-point, so trimming one clip's out-point to another's in-point makes them abut without
    overlapping); the playhead offers its frame; the recording (when ``frame_count`` is
    given) offers 0 and ``frame_count``, and nothing outside it.
    """
    points: set[int] = set()
    if playhead is not None:
        points.add(playhead)
    for m in moment_frames:
        points.update((m, m + 1))
    for r in clip_ranges:
        points.update((r.start, r.end))
    if frame_count is None:
        return sorted(points)
    points.update((0, frame_count))
    return sorted(p for p in points if 0 <= p <= frame_count)


def snap_targets(*, playhead: int | None = None, moments: Iterable[Moment] = (),
                 clips: Iterable[Clip] = (), stills: Iterable[Still] = (),
                 exclude_clip_id: int | None = None, frame_count: int | None = None,
                 ) -> list[int]:
    """:func:`snap_points` of stored annotations (one clip, being dragged, left out)."""
    return snap_points(
        playhead=playhead,
        moment_frames=[*(m.frame for m in moments), *(s.frame for s in stills)],
        clip_ranges=[c.range for c in clips
                     if exclude_clip_id is None or c.id != exclude_clip_id],
        frame_count=frame_count)
