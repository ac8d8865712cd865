"""What a reel export is made of (the plan) and how its output is laid out in time and space.

Pure data and arithmetic, no decoding: the app layer builds a :class:`ReelPlan` from a stored
reel, and the GUI can use :func:`layout_reel` to know where each item starts in the exported
file without exporting.

Output frame rate: ``ReelPlan.frame_rate`` if set; otherwise the first clip's (or still's) rate
when that source has a constant rate of at most 60 fps; otherwise 30 fps (variable-rate phone
video, high-speed video); 25 fps for a reel of title cards only. Sources at another rate, and
variable-rate sources, are resampled by showing at each output time the source frame that is
on screen at that moment: every output frame is one of the selected source frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from vigstudio.domain.annotations import Mark
from vigstudio.domain.media import MediaInfo
from vigstudio.domain.time import FrameRange
from vigstudio.media.source import MediaLike

__all__ = [
    "AUDIO_LAYOUT",
    "AUDIO_SAMPLE_RATE",
    "HEIGHT_PRESETS",
    "ClipSegment",
    "ReelLayout",
    "ReelPlan",
    "Segment",
    "StillSegment",
    "TitleCard",
    "caption_subtitles",
    "clip_source_frames",
    "freeze_frames",
    "layout_reel",
    "output_rate",
    "output_size",
    "samples_before",
]

AUDIO_SAMPLE_RATE = 48000
AUDIO_LAYOUT = "stereo"
HEIGHT_PRESETS = (720, 480)
MAX_AUTO_RATE = Fraction(60)
FALLBACK_RATE = Fraction(30)
TITLE_ONLY_RATE = Fraction(25)
TITLE_ONLY_SIZE = (1280, 720)


@dataclass(frozen=True)
class ClipSegment:
    """Frames ``frames`` of a recording, played at ``speed`` (1/2 = slow motion), then its last
    frame held for ``freeze_last`` seconds (with silence)."""

    path: MediaLike  # a MediaSource carries an encrypted case's key
    info: MediaInfo
    frames: FrameRange
    speed: Fraction = Fraction(1)
    freeze_last: Fraction = Fraction(0)
    caption: str = ""
    burn_caption: bool = False

    def __post_init__(self) -> None:
        if self.frames.duration == 0:
            raise ValueError("a clip needs at least one frame")
        if self.frames.end > self.info.frame_count:
            raise ValueError(f"clip frames {self.frames.start}–{self.frames.end - 1} lie beyond "
                             f"the recording's {self.info.frame_count} frames")
        if not Fraction(1, 8) <= self.speed <= 4:
            raise ValueError(f"speed {self.speed} is outside 1/8–4")
        if self.freeze_last < 0:
            raise ValueError("freeze time must not be negative")


@dataclass(frozen=True)
class StillSegment:
    """One frame of a recording shown for ``hold`` seconds, with silence."""

    path: MediaLike  # a MediaSource carries an encrypted case's key
    info: MediaInfo
    frame: int
    hold: Fraction = Fraction(4)
    caption: str = ""
    burn_caption: bool = False
    marks: tuple[Mark, ...] = ()  # drawn over the picture (arrows, circles, short texts)

    def __post_init__(self) -> None:
        if not 0 <= self.frame < self.info.frame_count:
            raise ValueError(f"frame {self.frame} is outside the recording "
                             f"(0–{self.info.frame_count - 1})")
        if self.hold <= 0:
            raise ValueError("a still must be shown for some time")


@dataclass(frozen=True)
class TitleCard:
    """``text`` on a calm background for ``hold`` seconds, with silence. When ``burn_caption``
    is set, ``caption`` is written smaller beneath the text."""

    text: str
    hold: Fraction = Fraction(4)
    caption: str = ""
    burn_caption: bool = False

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise ValueError("a title card needs text")
        if self.hold <= 0:
            raise ValueError("a title card must be shown for some time")


Segment = ClipSegment | StillSegment | TitleCard


@dataclass(frozen=True)
class ReelPlan:
    """The items of a reel in order, plus optional output overrides.

    ``frame_rate`` fixes the output rate (see the module notes for the default);
    ``size`` fixes the full output size (width, height) before any ``height`` preset.
    """

    items: tuple[Segment, ...]
    frame_rate: Fraction | None = None
    size: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if not self.items:
            raise ValueError("a reel needs at least one item")


@dataclass(frozen=True)
class ReelLayout:
    """Where everything lands in the exported file."""

    width: int
    height: int
    frame_rate: Fraction
    item_frames: tuple[int, ...]  # output frames per item (a clip's freeze included)
    item_starts: tuple[int, ...] = field(default=())

    @property
    def frame_count(self) -> int:
        return sum(self.item_frames)

    @property
    def duration(self) -> Fraction:
        return self.frame_count / self.frame_rate


def output_rate(plan: ReelPlan) -> Fraction:
    """The constant frame rate of the exported file."""
    if plan.frame_rate is not None:
        return Fraction(plan.frame_rate)
    for item in plan.items:
        if isinstance(item, ClipSegment | StillSegment):
            info = item.info
            if not info.variable_frame_rate and info.frame_rate.value <= MAX_AUTO_RATE:
                return info.frame_rate.value
            return FALLBACK_RATE
    return TITLE_ONLY_RATE


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def output_size(plan: ReelPlan, height: int | None = None) -> tuple[int, int]:
    """(width, height) of the exported picture, both even.

    The full size is ``plan.size`` or the upright size of the first clip or still; a smaller
    ``height`` (e.g. 720 or 480) scales it down keeping the aspect. Never scales up.
    """
    if plan.size is not None:
        full_w, full_h = plan.size
    else:
        for item in plan.items:
            if isinstance(item, ClipSegment | StillSegment):
                full_w, full_h = item.info.display_size
                break
        else:
            full_w, full_h = TITLE_ONLY_SIZE
    if height is not None and height < full_h:
        if height <= 0:
            raise ValueError(f"height must be positive, got {height}")
        return _even(full_w * height / full_h), _even(height)
    return full_w - full_w % 2, full_h - full_h % 2


def _frames_for(seconds: Fraction, rate: Fraction) -> int:
    return max(1, round(seconds * rate))


def clip_source_frames(clip: ClipSegment, rate: Fraction) -> list[int]:
    """The source frame shown at each output frame of ``clip``'s moving part (no freeze).

    Output frame ``k`` shows the source frame on screen at source time
    ``time_of(start) + k * speed / rate``, so at the source's own rate and speed 1 this is
    exactly ``start, start + 1, …, end - 1``; at speed 1/2 each of those appears twice.
    """
    clock = clip.info.clock
    first = clip.frames.start
    last = clip.frames.end - 1
    t0 = clock.time_of(first)
    end_time = (clip.info.duration if clip.frames.end >= clip.info.frame_count
                else clock.time_of(clip.frames.end))
    count = _frames_for((end_time - t0) / clip.speed, rate)
    step = clip.speed / rate
    return [min(last, max(first, clock.frame_at(t0 + k * step))) for k in range(count)]


def freeze_frames(clip: ClipSegment, rate: Fraction) -> int:
    """Output frames holding the clip's last frame after it plays."""
    return round(clip.freeze_last * rate) if clip.freeze_last > 0 else 0


def layout_reel(plan: ReelPlan, height: int | None = None) -> ReelLayout:
    """Output size, rate and the number of output frames of every item."""
    rate = output_rate(plan)
    width, out_h = output_size(plan, height)
    counts: list[int] = []
    for item in plan.items:
        if isinstance(item, ClipSegment):
            counts.append(len(clip_source_frames(item, rate)) + freeze_frames(item, rate))
        else:
            counts.append(_frames_for(item.hold, rate))
    starts: list[int] = []
    total = 0
    for count in counts:
        starts.append(total)
        total += count
    return ReelLayout(width, out_h, rate, tuple(counts), tuple(starts))


def _srt_time(frame: int, rate: Fraction) -> str:
    millis = int(Fraction(frame) / rate * 1000 // 1)
    seconds, ms = divmod(millis, 1000)
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d},{ms:03d}"


def caption_subtitles(plan: ReelPlan, layout: ReelLayout) -> str:
    """SubRip (.srt) cues for the captions that are not burned into the picture, each shown
    for its whole item; empty when there are none. Players show them on request, so a
    question for the parent can stay off the picture yet travel with the reel."""
    cues: list[str] = []
    for item, start, count in zip(plan.items, layout.item_starts, layout.item_frames,
                                  strict=True):
        if item.caption.strip() and not item.burn_caption and count > 0:
            cues.append(f"{len(cues) + 1}\n{_srt_time(start, layout.frame_rate)} --> "
                        f"{_srt_time(start + count, layout.frame_rate)}\n"
                        f"{item.caption.strip()}\n")
    return "\n".join(cues)


def samples_before(frame: int, rate: Fraction, sample_rate: int = AUDIO_SAMPLE_RATE) -> int:
    """Audio samples that play before output frame ``frame`` starts (keeps A/V in step)."""
    return int(Fraction(frame) / rate * sample_rate // 1)
