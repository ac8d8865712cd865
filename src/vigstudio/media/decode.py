"""Exact sequential decoding: the video frames of a frame range and the audio of a time range.

Frame numbers follow the probe's convention (:class:`vigstudio.domain.media.MediaInfo`):
frame 0 is the first frame in presentation order; a frame's time is its presentation
timestamp minus ``info.start_pts``, in ``info.time_base`` units. For constant-rate video the
index is ``round(seconds * rate)``; for variable-rate video it is looked up in
``info.frame_times``, so frames are picked by their own timestamps and never by counting.

Audio times are seconds from the first video frame (the same clock as the frames), so a clip
``[start, end)`` of frames and the audio ``[time_of(start), time_of(end))`` play in sync.

These functions decode in the calling process. FFmpeg may crash on hostile input: callers that
handle untrusted files run them in a child process (the reel export does).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from fractions import Fraction
from typing import Any

import av
import numpy as np
import numpy.typing as npt

from vigstudio.domain.media import MediaInfo
from vigstudio.domain.time import FrameRange
from vigstudio.errors import (
    DamagedMediaError,
    MediaError,
    MediaMissingError,
    NotMediaError,
    NoVideoError,
)
from vigstudio.media.seeking import FROM_START, Pictures, seek_points
from vigstudio.media.source import MediaLike, MediaSource, as_source
from vigstudio.media.timestamps import FrameTimestamps, decoder_thread_type

__all__ = [
    "frame_index_of",
    "iter_video_frames",
    "read_audio",
    "read_frame",
    "stretch_audio",
    "time_of_range_end",
]

AudioArray = npt.NDArray[np.float32]

def _open(path: MediaSource) -> Any:
    if not path.exists():
        raise MediaMissingError(f"The media file is missing: {path}")
    try:
        return path.open_av()
    except av.FFmpegError as exc:
        raise NotMediaError(f"Cannot read {path.name} as video: {exc}") from exc


def frame_index_of(info: MediaInfo, pts: int) -> int:
    """The frame index of a video presentation timestamp (``info.time_base`` units)."""
    return FrameTimestamps(info).index_of(pts)


def time_of_range_end(info: MediaInfo, frame_range: FrameRange) -> Fraction:
    """Seconds (from frame 0) at which ``frame_range``'s last frame stops being shown."""
    if frame_range.end >= info.frame_count:
        return info.duration
    return info.clock.time_of(frame_range.end)


def iter_video_frames(path: MediaLike, info: MediaInfo,
                      frame_range: FrameRange) -> Iterator[tuple[int, Any]]:
    """Yield ``(frame_index, av.VideoFrame)`` for exactly the frames in ``frame_range``, in order.

    Seeks to a keyframe before the start (backing off until the seek arrives, see
    :mod:`vigstudio.media.seeking`), decodes forward and names pictures by the probe's index.
    Frames are as stored: rotation is *not* applied (see ``info.rotation``). Raises
    :class:`MediaError` when the file ends before the range does.
    """
    path = as_source(path)
    if frame_range.end > info.frame_count:
        raise MediaError(f"frames {frame_range.start}–{frame_range.end - 1} lie beyond the end "
                         f"of {path.name} ({info.frame_count} frames)")
    if frame_range.duration == 0:
        return
    with _open(path) as container:
        if not container.streams.video:
            raise NoVideoError(f"{path.name} holds no video (the file has been replaced?)")
        stream = container.streams.video[0]
        stream.thread_type = decoder_thread_type(info)
        try:
            expected = yield from _decode_range(container, stream, info, frame_range)
        except av.FFmpegError as exc:
            raise DamagedMediaError(
                f"{path.name} is damaged near frame {frame_range.start}: the picture cannot "
                f"be decoded ({exc.strerror or exc}).") from exc
        if expected < frame_range.end:
            raise MediaError(f"{path.name} ended at frame {expected} before frame "
                             f"{frame_range.end - 1}; the file may be truncated")


def _decode_range(container: Any, stream: Any, info: MediaInfo, frame_range: FrameRange
                  ) -> Generator[tuple[int, Any], None, int]:
    """The decoding loop of :func:`iter_video_frames`; returns the first frame not yielded."""
    stamps = FrameTimestamps(info)
    pictures = Pictures(container, stream, info, stamps)
    expected = frame_range.start
    for point in seek_points(info, stamps, frame_range.start):
        pictures.seek(point)
        expected = frame_range.start
        overshot = False
        first = True
        for index, frame in pictures:
            if first and index > frame_range.start and point is not FROM_START:
                overshot = True  # the seek landed after the start: back off and retry
                break
            first = False
            if index < expected:
                continue
            if index >= frame_range.end:
                return index
            yield index, frame
            expected = index + 1
        if pictures.error is not None and expected < frame_range.end:
            raise pictures.error
        if first and point is not FROM_START:
            overshot = True  # nothing came out: the seek landed at (or past) the end
        if not overshot:
            break
    return expected


def read_frame(path: MediaLike, info: MediaInfo, frame: int) -> Any:
    """Decode exactly one frame (as stored, not rotated)."""
    for _index, decoded in iter_video_frames(path, info, FrameRange(frame, frame + 1)):
        return decoded
    raise MediaError(f"frame {frame} could not be decoded from {as_source(path).name}")


def _as_float32(arr: npt.NDArray[Any]) -> AudioArray:
    return np.asarray(arr, dtype=np.float32)


def _sample_index(seconds: Fraction, sample_rate: int) -> int:
    return int(seconds * sample_rate // 1)


def read_audio(path: MediaLike, info: MediaInfo, start: Fraction, end: Fraction, *,
               sample_rate: int = 48000, layout: str = "stereo") -> AudioArray:
    """The audio of ``[start, end)`` (seconds from frame 0), resampled, as float32 planar.

    Returns an array of shape ``(channels, n)`` with exactly
    ``n = floor(end * rate) - floor(start * rate)`` samples. Where the source has no audio
    (no audio stream, or the range lies outside it) the samples are silence.
    """
    path = as_source(path)
    channels = av.AudioLayout(layout).nb_channels
    first = _sample_index(Fraction(start), sample_rate)
    count = max(0, _sample_index(Fraction(end), sample_rate) - first)
    out = np.zeros((channels, count), np.float32)
    if count == 0 or not info.has_audio:
        return out
    origin = info.start_pts * info.time_base  # container time of frame 0
    with _open(path) as container:
        if not container.streams.audio:
            return out
        stream = container.streams.audio[0]
        # A mono source is copied to every output channel at full level (FFmpeg's upmix would
        # lower it by 3 dB); other layouts are mixed by the resampler.
        mono = stream.codec_context.channels == 1
        res_channels = 1 if mono else channels
        resampler = av.AudioResampler(format="fltp", layout="mono" if mono else layout,
                                      rate=sample_rate)
        seek_seconds = origin + Fraction(start) - Fraction(1, 2)
        if seek_seconds > 0 and stream.time_base:
            # The first AAC frame after a seek decodes as silence: seeking half a second
            # early keeps it outside the range. From the start of the file: no seek at all.
            container.seek(int(seek_seconds / stream.time_base), backward=True, stream=stream)
        placer = _AudioPlacer(out, first)
        try:
            for packet in container.demux(stream):
                try:
                    decoded = packet.decode()
                except av.FFmpegError:
                    continue  # a damaged packet: skipped (its time stays silent), as ffmpeg does
                for frame in decoded:
                    if frame.pts is not None and frame.time_base is not None:
                        placer.at(_sample_index(frame.pts * frame.time_base - origin,
                                                sample_rate))
                    for res in resampler.resample(frame):
                        placer.put(_as_float32(res.to_ndarray()).reshape(res_channels, -1))
                if placer.done:
                    break
            else:
                for res in resampler.resample(None):
                    placer.put(_as_float32(res.to_ndarray()).reshape(res_channels, -1))
        except av.FFmpegError:
            pass  # cut audio: what was decoded is used, the rest is silence
    return out


class _AudioPlacer:
    """Writes decoded audio into ``out`` (which starts at absolute sample ``first``) at the
    time each frame says, so a skipped damaged packet leaves silence and keeps sync."""

    # A jump in the timestamps larger than this (samples) is a gap to leave silent.
    _GAP = 480

    def __init__(self, out: AudioArray, first: int) -> None:
        self.out, self.first = out, first
        self.pos: int | None = None  # absolute sample index of the next sample
        self.done = False

    def at(self, position: int) -> None:
        if self.pos is None or position - self.pos > self._GAP:
            self.pos = position

    def put(self, data: AudioArray) -> None:
        if self.pos is None:
            return
        count = self.out.shape[1]
        n = data.shape[1]
        lo = max(self.first, self.pos)
        hi = min(self.first + count, self.pos + n)
        if hi > lo:
            block = data[:, lo - self.pos:hi - self.pos]
            if block.shape[0] != self.out.shape[0]:
                block = np.repeat(block[:1], self.out.shape[0], axis=0)
            self.out[:, lo - self.first:hi - self.first] = block
        self.pos += n
        self.done = self.pos >= self.first + count


def _atempo_chain(speed: Fraction) -> list[str]:
    """atempo factors (each within 0.5–2) whose product is ``speed``."""
    factors: list[str] = []
    remaining = Fraction(speed)
    while remaining < Fraction(1, 2):
        factors.append("0.5")
        remaining *= 2
    while remaining > 2:
        factors.append("2.0")
        remaining /= 2
    if remaining != 1:
        factors.append(f"{float(remaining):.6f}")
    return factors


def stretch_audio(samples: AudioArray, sample_rate: int, layout: str,
                  speed: Fraction) -> AudioArray:
    """Play ``samples`` at ``speed`` (1/2 = half speed, twice as long) keeping the pitch.

    Uses FFmpeg's ``atempo`` filter. The result has
    ``round(n / speed)`` samples (trimmed or padded with silence at the end).
    """
    channels, n = samples.shape
    target = round(Fraction(n) / Fraction(speed))
    if speed == 1 or n == 0:
        return samples.copy()
    graph = av.filter.Graph()
    src = graph.add_abuffer(format="fltp", sample_rate=sample_rate, layout=layout,
                            time_base=Fraction(1, sample_rate))
    node = src
    for factor in _atempo_chain(Fraction(speed)):
        nxt = graph.add("atempo", factor)
        node.link_to(nxt)
        node = nxt
    sink = graph.add("abuffersink")
    node.link_to(sink)
    graph.configure()
    chunks: list[AudioArray] = []

    def drain() -> None:
        while True:
            try:
                out = sink.pull()
            except (av.BlockingIOError, av.EOFError):
                return
            assert isinstance(out, av.AudioFrame)
            chunks.append(_as_float32(out.to_ndarray()).reshape(channels, -1))

    step = 4096
    for pos in range(0, n, step):
        block = np.ascontiguousarray(samples[:, pos:pos + step])
        frame = av.AudioFrame.from_ndarray(block, format="fltp", layout=layout)
        frame.sample_rate = sample_rate
        frame.pts = pos
        frame.time_base = Fraction(1, sample_rate)
        src.push(frame)
        drain()
    src.push(None)
    drain()
    data = (np.concatenate(chunks, axis=1) if chunks
            else np.zeros((channels, 0), np.float32))
    result = np.zeros((channels, target), np.float32)
    keep = min(target, data.shape[1])
    result[:, :keep] = data[:, :keep]
    return result
