"""Exact time: integer frame indices, ``Fraction`` rates, half-open frame ranges, timecodes.

Positions are always integer frame indices (0 = first frame of the recording). Seconds are
``Fraction`` values measured from the first frame's presentation time. Floats never hold a
position; they appear only at the edges (a UI slider, a libVLC call) and are converted at once.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol


class TimecodeError(ValueError):
    """A timecode or frame text that cannot be parsed or lies outside the recording."""


@dataclass(frozen=True, slots=True)
class FrameRate:
    """A frame rate as an exact fraction of frames per second (e.g. 30000/1001)."""

    value: Fraction

    def __post_init__(self) -> None:
        if self.value <= 0:
            raise ValueError(f"frame rate must be positive, got {self.value}")

    @classmethod
    def of(cls, rate: FrameRate | Fraction | int | str) -> FrameRate:
        """Build from an int (25), a Fraction, or text such as '30000/1001' or '23.976'."""
        if isinstance(rate, FrameRate):
            return rate
        if isinstance(rate, str):
            return cls(_parse_rate_text(rate))
        return cls(Fraction(rate))

    @property
    def numerator(self) -> int:
        return self.value.numerator

    @property
    def denominator(self) -> int:
        return self.value.denominator

    @property
    def nominal(self) -> int:
        """The whole number of frames counted per timecode second (30 for 29.97)."""
        return -(-self.value.numerator // self.value.denominator)  # ceiling

    @property
    def is_drop_frame(self) -> bool:
        """True for the NTSC rates (29.97, 59.94) that use drop-frame timecode."""
        return self.value.denominator == 1001 and self.nominal in (30, 60)

    def __str__(self) -> str:
        if self.value.denominator == 1:
            return f"{self.value.numerator} fps"
        return f"{float(self.value):.3f} fps ({self.value.numerator}/{self.value.denominator})"


_NTSC_TEXT = {"23.976": Fraction(24000, 1001), "29.97": Fraction(30000, 1001),
              "59.94": Fraction(60000, 1001), "47.952": Fraction(48000, 1001)}


def _parse_rate_text(text: str) -> Fraction:
    text = text.strip()
    if text in _NTSC_TEXT:
        return _NTSC_TEXT[text]
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError) as exc:
        raise ValueError(f"not a frame rate: {text!r}") from exc


@dataclass(frozen=True, slots=True, order=True)
class FrameRange:
    """Frames ``start`` (inclusive) to ``end`` (exclusive): ``[start, end)``.

    A clip from frame 100 up to but not including frame 150 is ``FrameRange(100, 150)``
    and holds 50 frames. An empty range (start == end) is allowed only as a value, never
    as a clip.
    """

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0:
            raise ValueError(f"range starts before frame 0: {self.start}")
        if self.end < self.start:
            raise ValueError(f"range ends ({self.end}) before it starts ({self.start})")

    @property
    def duration(self) -> int:
        return self.end - self.start

    @property
    def last(self) -> int:
        """The last frame inside the range (inclusive end)."""
        if self.end == self.start:
            raise ValueError("an empty range has no last frame")
        return self.end - 1

    def __len__(self) -> int:
        return self.duration

    def __contains__(self, frame: object) -> bool:
        return isinstance(frame, int) and self.start <= frame < self.end

    def overlaps(self, other: FrameRange) -> bool:
        return self.start < other.end and other.start < self.end

    def contains_range(self, other: FrameRange) -> bool:
        return self.start <= other.start and other.end <= self.end

    def intersection(self, other: FrameRange) -> FrameRange | None:
        start, end = max(self.start, other.start), min(self.end, other.end)
        return FrameRange(start, end) if start < end else None

    def shifted(self, delta: int) -> FrameRange:
        return FrameRange(self.start + delta, self.end + delta)

    def clamped_to(self, frame_count: int) -> FrameRange:
        return FrameRange(min(self.start, frame_count), min(self.end, frame_count))


class FrameClock(Protocol):
    """Maps frame indices to presentation times (seconds from the first frame) and back."""

    @property
    def frame_count(self) -> int: ...

    def time_of(self, frame: int) -> Fraction: ...

    def frame_at(self, seconds: Fraction) -> int: ...


def _check_frame(frame: int, frame_count: int) -> None:
    if not 0 <= frame < frame_count:
        raise IndexError(f"frame {frame} is outside the recording (0–{frame_count - 1})")


@dataclass(frozen=True, slots=True)
class ConstantClock:
    """A constant-frame-rate recording: frame n is shown at n / rate seconds."""

    rate: FrameRate
    frame_count: int

    def time_of(self, frame: int) -> Fraction:
        _check_frame(frame, self.frame_count)
        return frame / self.rate.value

    def frame_at(self, seconds: Fraction) -> int:
        """The frame on screen at ``seconds``: the last frame whose time is <= seconds."""
        frame = int(Fraction(seconds) * self.rate.value // 1)
        return max(0, min(frame, self.frame_count - 1))

    @property
    def duration(self) -> Fraction:
        return self.frame_count / self.rate.value


@dataclass(frozen=True, slots=True)
class VariableClock:
    """A variable-frame-rate recording: every frame keeps its own presentation time.

    ``times`` are exact seconds from the first frame, strictly increasing, ``times[0] == 0``;
    ``end_time`` is when the last frame stops being shown.
    """

    times: tuple[Fraction, ...]
    end_time: Fraction

    def __post_init__(self) -> None:
        if not self.times or self.times[0] != 0:
            raise ValueError("frame times must start at 0")
        if any(b <= a for a, b in zip(self.times, self.times[1:], strict=False)):
            raise ValueError("frame times must strictly increase")
        if self.end_time <= self.times[-1]:
            raise ValueError("end time must lie after the last frame's time")

    @classmethod
    def from_pts(cls, pts: Sequence[int], time_base: Fraction, end_pts: int) -> VariableClock:
        """Build from sorted presentation timestamps in ``time_base`` units."""
        first = pts[0]
        return cls(tuple((p - first) * time_base for p in pts), (end_pts - first) * time_base)

    @property
    def frame_count(self) -> int:
        return len(self.times)

    def time_of(self, frame: int) -> Fraction:
        _check_frame(frame, self.frame_count)
        return self.times[frame]

    def frame_at(self, seconds: Fraction) -> int:
        index = bisect.bisect_right(self.times, Fraction(seconds)) - 1
        return max(0, min(index, self.frame_count - 1))

    @property
    def duration(self) -> Fraction:
        return self.end_time

    @property
    def mean_rate(self) -> FrameRate:
        return FrameRate(Fraction(self.frame_count) / self.end_time)


# --- timecode -------------------------------------------------------------------------

_TC_RE = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})([:;.])(\d+)$")


def frames_to_timecode(frame: int, rate: FrameRate) -> str:
    """SMPTE timecode ``HH:MM:SS:FF`` (``HH:MM:SS;FF`` drop-frame at 29.97/59.94)."""
    if frame < 0:
        raise ValueError(f"negative frame {frame}")
    nominal = rate.nominal
    if rate.is_drop_frame:
        drop = 2 * (nominal // 30)
        per_min = nominal * 60 - drop
        per_10min = per_min * 10 + drop
        tens, rem = divmod(frame, per_10min)
        extra = 0 if rem < drop else drop * ((rem - drop) // per_min)
        frame = frame + drop * 9 * tens + extra
        sep = ";"
    else:
        sep = ":"
    ff = frame % nominal
    total_s = frame // nominal
    return f"{total_s // 3600:02d}:{total_s // 60 % 60:02d}:{total_s % 60:02d}{sep}{ff:02d}"


def timecode_to_frames(text: str, rate: FrameRate) -> int:
    """Parse ``HH:MM:SS:FF`` / ``HH:MM:SS;FF`` / ``MM:SS:FF`` into a frame index."""
    match = _TC_RE.match(text.strip())
    if not match or match.group(4) == ".":
        raise TimecodeError(f"not a timecode: {text!r} (expected HH:MM:SS:FF)")
    hours = int(match.group(1) or 0)
    minutes, secs, ff = int(match.group(2)), int(match.group(3)), int(match.group(5))
    nominal = rate.nominal
    if minutes > 59 or secs > 59 or ff >= nominal:
        raise TimecodeError(f"timecode field out of range: {text!r}")
    total_minutes = hours * 60 + minutes
    frames = (total_minutes * 60 + secs) * nominal + ff
    if rate.is_drop_frame:
        drop = 2 * (nominal // 30)
        if secs == 0 and ff < drop and minutes % 10 != 0:
            raise TimecodeError(f"{text!r} names a dropped timecode label")
        frames -= drop * (total_minutes - total_minutes // 10)
    return frames


def format_seconds(seconds: Fraction) -> str:
    """Clock time ``HH:MM:SS.mmm`` (milliseconds rounded down), for variable-rate media."""
    millis = int(Fraction(seconds) * 1000 // 1)
    if millis < 0:
        raise ValueError(f"negative time {seconds}")
    s, ms = divmod(millis, 1000)
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.{ms:03d}"


def parse_seconds(text: str) -> Fraction:
    """Parse ``HH:MM:SS.mmm``, ``MM:SS.mmm`` or plain seconds (``12.5``) exactly."""
    parts = text.strip().split(":")
    if not 1 <= len(parts) <= 3 or not all(parts):
        raise TimecodeError(f"not a time: {text!r}")
    try:
        values = [Fraction(p) for p in parts]
    except ValueError as exc:
        raise TimecodeError(f"not a time: {text!r}") from exc
    total = Fraction(0)
    for value in values:
        if value < 0:
            raise TimecodeError(f"negative time: {text!r}")
        total = total * 60 + value
    return total


def parse_position(text: str, clock: FrameClock, rate: FrameRate | None) -> int:
    """Parse what a user typed into a go-to box: a frame number, a timecode or a clock time.

    ``1234`` is a frame; ``00:01:02:03`` is a timecode (needs a constant ``rate``);
    ``1:02.5`` or ``62.5s`` is a time. The result must lie inside the recording.
    """
    text = text.strip()
    timecode = _TC_RE.match(text)
    if re.fullmatch(r"\d+", text):
        frame = int(text)
    elif text.endswith("s") and re.fullmatch(r"[\d.]+s", text):
        frame = clock.frame_at(parse_seconds(text[:-1]))
    elif timecode and timecode.group(4) != "." and rate is not None:
        frame = timecode_to_frames(text, rate)
    else:
        frame = clock.frame_at(parse_seconds(text))
    if not 0 <= frame < clock.frame_count:
        raise TimecodeError(f"{text!r} is outside the recording (frames 0–{clock.frame_count - 1})")
    return frame
