"""Decoded pictures ↔ frame indices, in the probe's numbering (one place for all decoders).

Frame ``n`` is the ``n``-th picture FFmpeg's decoder gives (see :mod:`vigstudio.media.probe`).
A decoded picture is named by its *key*: its presentation timestamp, or its decode timestamp
where the container gives none (:func:`frame_key`).

* Where the keys rise with the frame number (nearly every file), a picture is the frame whose
  probed time is nearest its key: exact for every timestamp the probe saw and robust to rounding
  in containers that store times coarsely (e.g. Matroska's milliseconds).
* Where they do not (MPEG-4 Part 2 in AVI with B-frames gives 4, 5, 7, 6, 8, 10, 9, …), the
  probe keeps every frame's key (``MediaInfo.frame_keys``, built by decoding) and a picture is
  looked up by its key exactly.
"""

from __future__ import annotations

import bisect
from fractions import Fraction
from typing import Any

from vigstudio.domain.media import MediaInfo

UNKNOWN = -2  # a key the index does not hold (a picture the probe's decode never gave)


def frame_key(frame: Any) -> int | None:
    """The key of a decoded picture: its pts, else its dts; None when it has neither."""
    if frame.pts is not None:
        return int(frame.pts)
    if frame.dts is not None:
        return int(frame.dts)
    return None


class FrameTimestamps:
    """Maps a recording's frame indices to container timestamps and back."""

    def __init__(self, info: MediaInfo) -> None:
        self._info = info
        self._clock = info.clock
        self._times = info.frame_times if info.variable_frame_rate else None
        self._lookup = {t: i for i, t in enumerate(self._times)} if self._times else {}
        self._keys = info.frame_keys
        self._key_index = {k: i for i, k in enumerate(self._keys)} if self._keys else {}
        # the lowest key at or after each frame (for seeking where keys are out of order)
        self._suffix_min: list[int] = []
        if self._keys:
            low = self._keys[-1]
            suffix = [0] * len(self._keys)
            for i in range(len(self._keys) - 1, -1, -1):
                low = min(low, self._keys[i])
                suffix[i] = low
            self._suffix_min = suffix

    @property
    def keyed(self) -> bool:
        """True when pictures are told apart by their stored keys (not by time)."""
        return self._keys is not None

    def seconds(self, pts: int) -> Fraction:
        """Seconds from frame 0 of a timestamp in ``info.time_base`` units."""
        return (pts - self._info.start_pts) * self._info.time_base

    def pts_of(self, frame: int) -> int:
        """A container timestamp at or before every picture from ``frame`` on (for seeking)."""
        info = self._info
        if self._keys:
            return self._suffix_min[min(max(frame, 0), len(self._keys) - 1)]
        return info.start_pts + round(self._clock.time_of(frame) / info.time_base)

    def index_of(self, pts: int) -> int:
        """The frame a decoded picture with key ``pts`` is.

        Returns -1 for a picture before frame 0 (e.g. a pre-roll frame an edit list hides),
        ``frame_count`` for one at or after the recording's end, and :data:`UNKNOWN` for a key
        a keyed index does not hold.
        """
        if self._keys is not None:
            found = self._key_index.get(pts)
            if found is not None:
                return found
            if pts < self._suffix_min[0]:  # before the lowest key: a hidden pre-roll picture
                return -1
            return UNKNOWN
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

    def index_of_frame(self, frame: Any) -> int:
        """:meth:`index_of` for a decoded picture (UNKNOWN when it carries no timestamp)."""
        key = frame_key(frame)
        return UNKNOWN if key is None else self.index_of(key)


def decoder_thread_type(info: MediaInfo) -> str:
    """PyAV's ``thread_type`` for decoding this recording.

    Frame threading is fast, but where a file is cut short it reports the decode error up to
    one frame per thread early, and the pictures still in flight are lost: how many frames
    decode would then depend on timing. Files the probe found truncated are therefore
    decoded on one thread, exactly as the probe counted their usable frames.
    """
    return "NONE" if info.truncated else "AUTO"
