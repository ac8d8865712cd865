"""Presentation timestamps ↔ frame indices, in the probe's numbering (one place for all decoders).

Frame ``n`` is the ``n``-th picture in presentation order (see :mod:`vigstudio.media.probe`).
A decoded picture is named by the frame whose probed time is nearest its timestamp; that is
exact for every timestamp the probe saw and robust to rounding in containers that store
times coarsely (e.g. Matroska's milliseconds).
"""

from __future__ import annotations

import bisect
from fractions import Fraction

from vigstudio.domain.media import MediaInfo


class FrameTimestamps:
    """Maps a recording's frame indices to container timestamps and back."""

    def __init__(self, info: MediaInfo) -> None:
        self._info = info
        self._clock = info.clock
        self._times = info.frame_times if info.variable_frame_rate else None
        self._lookup = {t: i for i, t in enumerate(self._times)} if self._times else {}

    def seconds(self, pts: int) -> Fraction:
        """Seconds from frame 0 of a timestamp in ``info.time_base`` units."""
        return (pts - self._info.start_pts) * self._info.time_base

    def pts_of(self, frame: int) -> int:
        """The container timestamp of ``frame`` (nearest ``time_base`` tick)."""
        info = self._info
        return info.start_pts + round(self._clock.time_of(frame) / info.time_base)

    def index_of(self, pts: int) -> int:
        """The frame a decoded picture with timestamp ``pts`` is.

        Returns -1 for a picture before frame 0 (e.g. a pre-roll frame an edit list hides)
        and ``frame_count`` for one at or after the recording's end.
        """
        info = self._info
        seconds = self.seconds(pts)
        count = info.frame_count
        if seconds < 0:
            first_gap = self._clock.time_of(1) if count > 1 else Fraction(1, 1000)
            return 0 if -seconds * 2 < first_gap else -1
        if seconds >= info.duration:
            return count
        if self._times is None:
            return min(round(seconds * info.frame_rate.value), count - 1)
        found = self._lookup.get(seconds)
        if found is not None:
            return found
        pos = bisect.bisect_left(self._times, seconds)
        if pos >= len(self._times):
            return len(self._times) - 1
        before, after = self._times[pos - 1], self._times[pos]
        return pos if after - seconds < seconds - before else pos - 1


def decoder_thread_type(info: MediaInfo) -> str:
    """PyAV's ``thread_type`` for decoding this recording.

    Frame threading is fast, but where a file is cut short it reports the decode error up to
    one frame per thread early, and the pictures still in flight are lost: how many frames
    decode would then depend on timing. Files the probe found truncated are therefore
    decoded on one thread, exactly as the probe counted their usable frames.
    """
    return "NONE" if info.truncated else "AUTO"
