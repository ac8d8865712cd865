"""Recordings and what probing a media file tells about them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from vigstudio.domain.time import ConstantClock, FrameClock, FrameRate, VariableClock


class RecordingKind(StrEnum):
    FAMILY_FILM = "family_film"  # the parent (partner) with the child (person)
    SHARED_REVIEW = "shared_review"  # the guider with the parent, for supervision


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """Identifies a media file's content without reading all of it (for relinking)."""

    size: int
    head_sha256: str  # of the first MiB
    tail_sha256: str  # of the last MiB

    def as_text(self) -> str:
        return f"{self.size}:{self.head_sha256}:{self.tail_sha256}"

    @classmethod
    def from_text(cls, text: str) -> Fingerprint:
        size, head, tail = text.split(":")
        return cls(int(size), head, tail)


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """Exact facts about a media file, as found by the probe.

    Frame ``n`` is the ``n``-th picture FFmpeg's decoder gives (``ffmpeg -i FILE -vf
    select=eq(n\\,N)``). ``frame_rate`` is exact for constant-rate video and the mean rate for
    variable-rate video; ``frame_times`` (seconds from the first frame, rising) is kept for
    variable-rate video so frame numbers and times map exactly both ways.
    """

    container: str
    video_codec: str
    width: int  # as stored (before rotation)
    height: int
    rotation: int  # clockwise degrees to turn the picture upright: 0, 90, 180 or 270
    frame_rate: FrameRate
    variable_frame_rate: bool
    frame_count: int
    duration: Fraction  # seconds, first frame shown to end of last frame
    time_base: Fraction
    start_pts: int  # presentation timestamp of frame 0, in time_base units
    audio_codec: str | None = None
    audio_sample_rate: int | None = None
    audio_channels: int | None = None
    truncated: bool = False
    frame_times: tuple[Fraction, ...] | None = None
    warnings: tuple[str, ...] = ()
    # The timestamp (``time_base`` units) the decoder gives each frame, in display order, kept
    # only where those timestamps do not rise with the frame number (e.g. MPEG-4 Part 2 in AVI
    # with B-frames): frames are then told apart by these keys, not by their times.
    frame_keys: tuple[int, ...] | None = None
    # Colour as the source declares it (FFmpeg's names), carried into exports.
    color_primaries: str | None = None
    color_transfer: str | None = None
    color_space: str | None = None
    color_range: str | None = None

    @property
    def has_audio(self) -> bool:
        return self.audio_codec is not None

    @property
    def display_size(self) -> tuple[int, int]:
        """Width and height once the picture is turned upright."""
        if self.rotation in (90, 270):
            return self.height, self.width
        return self.width, self.height

    @property
    def is_hdr(self) -> bool:
        """HLG or PQ (SMPTE 2084) transfer: needs tone mapping for an ordinary screen."""
        return self.color_transfer in ("arib-std-b67", "smpte2084")

    @property
    def clock(self) -> FrameClock:
        if self.variable_frame_rate and self.frame_times is not None:
            return VariableClock(self.frame_times, self.duration)
        return ConstantClock(self.frame_rate, self.frame_count)


@dataclass(frozen=True, slots=True)
class Recording:
    """A recording in a case. ``path`` is relative to the project file's folder when possible."""

    path: str
    fingerprint: Fingerprint
    info: MediaInfo
    kind: RecordingKind = RecordingKind.FAMILY_FILM
    title: str = ""
    cycle_id: int | None = None
    recorded_on: dt.date | None = None
    id: int | None = field(default=None, kw_only=True)

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        return self.path.replace("\\", "/").rsplit("/", 1)[-1]

    def check_frame(self, frame: int) -> None:
        """Raise ``IndexError`` with a readable message if ``frame`` is not in the recording."""
        if not 0 <= frame < self.info.frame_count:
            raise IndexError(
                f"frame {frame} is outside recording {self.display_title!r} "
                f"(frames 0–{self.info.frame_count - 1})")
