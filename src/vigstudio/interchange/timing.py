"""Milliseconds and seconds ↔ frames, the one rule every format uses.

Frame ``n`` is shown from its presentation time ``t(n)`` until ``t(n + 1)`` (the end of the
recording for the last frame): its *interval*. ELAN, BORIS and the spreadsheets keep times
in milliseconds, so:

* **import**: a time names the frame whose interval contains it
  (``clock.frame_at``); a time at or after the recording's end names ``frame_count`` (the
  exclusive end of a range that reaches the last frame);
* **export**: a frame is written as the first whole millisecond inside its interval,
  ``ceil(t(n) × 1000)``, so reading it back gives the same frame.

A range ``[start, end)`` is written as the times of ``start`` and ``end``: its end time is
where frame ``end`` begins. Both rules hold for constant and variable frame rates alike, as
long as every frame lasts at least a millisecond (any video up to 1000 fps).
"""

from __future__ import annotations

import bisect
from fractions import Fraction

from vigstudio.domain.media import MediaInfo


def start_time(info: MediaInfo, frame: int) -> Fraction:
    """When frame ``frame`` starts, in seconds from the first frame (``frame_count``: the end
    of the recording). Reads the probe's frame times directly: building ``info.clock`` checks
    every frame time, which is too slow to do once per tag."""
    if not 0 <= frame <= info.frame_count:
        raise IndexError(f"frame {frame} is outside the recording (0–{info.frame_count - 1})")
    if frame == info.frame_count:
        return info.duration
    if info.variable_frame_rate and info.frame_times is not None:
        return info.frame_times[frame]
    return frame / info.frame_rate.value


def ms_of_frame(info: MediaInfo, frame: int) -> int:
    """The first whole millisecond inside frame ``frame``'s interval (``frame_count`` gives
    the end of the recording, rounded up to a millisecond)."""
    if frame < info.frame_count and not (info.variable_frame_rate and info.frame_times):
        rate = info.frame_rate.value
        if frame < 0:
            raise IndexError(f"frame {frame} is outside the recording")
        return -(-(frame * 1000 * rate.denominator) // rate.numerator)  # exact ceiling
    return -((-start_time(info, frame) * 1000).__floor__())


def frame_of_ms(info: MediaInfo, ms: int | Fraction) -> int:
    """The frame whose interval contains ``ms``; ``frame_count`` at or after the end."""
    seconds = Fraction(ms) / 1000
    if seconds < 0:
        raise ValueError(f"negative time {float(seconds):.3f} s")
    if seconds >= info.duration:
        return info.frame_count
    if info.variable_frame_rate and info.frame_times is not None:
        frame = bisect.bisect_right(info.frame_times, seconds) - 1
    else:
        frame = (seconds * info.frame_rate.value).__floor__()
    return max(0, min(frame, info.frame_count - 1))


def frame_of_seconds_text(info: MediaInfo, text: str) -> int:
    """Parse decimal seconds ('12.345') exactly and find the frame they name."""
    try:
        seconds = Fraction(text.strip())
    except (ValueError, ZeroDivisionError) as exc:
        raise ValueError(f"not a time in seconds: {text!r}") from exc
    return frame_of_ms(info, seconds * 1000)


def seconds_text(ms: int) -> str:
    """Milliseconds as decimal seconds with three places ('12.345')."""
    return f"{ms // 1000}.{ms % 1000:03d}"
