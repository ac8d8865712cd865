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

from fractions import Fraction

from vigstudio.domain.media import MediaInfo


def ms_of_frame(info: MediaInfo, frame: int) -> int:
    """The first whole millisecond inside frame ``frame``'s interval (``frame_count`` gives
    the end of the recording, rounded up to a millisecond)."""
    seconds = info.duration if frame == info.frame_count else info.clock.time_of(frame)
    return -((-seconds * 1000).__floor__())


def frame_of_ms(info: MediaInfo, ms: int | Fraction) -> int:
    """The frame whose interval contains ``ms``; ``frame_count`` at or after the end."""
    seconds = Fraction(ms) / 1000
    if seconds < 0:
        raise ValueError(f"negative time {float(seconds):.3f} s")
    if seconds >= info.duration:
        return info.frame_count
    return info.clock.frame_at(seconds)


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
