"""Seeking that always arrives: decoded pictures from a seek point, named by frame number.

Every exact decoder (stills, the paused player, export, exact thumbnails) reaches frame ``n``
the same way: seek to a keyframe before it, decode forward, and name each picture with
:class:`~vigstudio.media.timestamps.FrameTimestamps`. Demuxers do not always land where asked:
MPEG program and transport streams (which have no index) and B-frame files often land on the
keyframe *after* the target. :func:`seek_points` therefore backs off further each time the
first trustworthy picture lies after the target, and the last resort decodes from the start of
the file, as ``ffmpeg -i FILE`` does, so a frame that a linear decode yields is never reported
as undecodable.

Pictures right after a seek are trusted only once the decoder has started from a keyframe: a
keyframe picture came out, or a keyframe packet that an MP4 edit list discards (its picture
is hidden, but the pictures after it decode correctly). Leading pictures of an open GOP before
that are skipped: their references lie before the seek point.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import av

from vigstudio.domain.media import MediaInfo
from vigstudio.media.timestamps import UNKNOWN, FrameTimestamps

__all__ = ["FROM_START", "Pictures", "seek_points"]

FROM_START = None
# How far before the target each successive seek is aimed (seconds); then the file's start.
_BACKOFF = (Fraction(0), Fraction(1), Fraction(4), Fraction(16), Fraction(64))


def seek_points(info: MediaInfo, stamps: FrameTimestamps, frame: int) -> Iterator[int | None]:
    """Container timestamps to seek to for ``frame``, nearest first; ``None`` = the start."""
    target = stamps.pts_of(frame)
    for back in _BACKOFF:
        pts = target - int(back / info.time_base)
        if pts <= info.start_pts:
            break
        yield pts
    yield FROM_START


class Pictures:
    """The decoded pictures of one video stream from the last :meth:`seek`, as
    ``(frame index, av.VideoFrame)`` in decoder order; untrusted leading pictures, pictures
    before frame 0 and pictures the index does not know are left out.

    At damaged or missing data the decoder is drained before the stream ends, so pictures it
    had already decoded (held back for reordering) still come out, as the probe counts them;
    ``error`` is the FFmpeg error that ended the stream early, if any.
    """

    def __init__(self, container: Any, stream: Any, info: MediaInfo,
                 stamps: FrameTimestamps | None = None) -> None:
        self.container, self.stream, self.info = container, stream, info
        self.stamps = stamps if stamps is not None else FrameTimestamps(info)
        self.error: av.FFmpegError | None = None
        self.from_start = True
        self.decoded = 0  # pictures the decoder gave since the last seek (trusted or not)

    def seek(self, pts: int | None) -> None:
        """Position before ``pts`` (a keyframe at or before it), or at the start for None."""
        self.error = None
        self.decoded = 0
        if pts is None or pts <= self.info.start_pts:
            self.from_start = True
            self._seek_start()
        else:
            self.from_start = False
            self.container.seek(pts, backward=True, any_frame=False, stream=self.stream)
        with contextlib.suppress(av.FFmpegError, AttributeError):
            self.stream.codec_context.flush_buffers()

    def _seek_start(self) -> None:
        try:
            self.container.seek(0, backward=True, any_frame=False)
        except av.FFmpegError:
            # e.g. FLV, whose first timestamp is after 0: seek to the stream's own start
            start = self.stream.start_time
            self.container.seek(int(start or 0), backward=True, any_frame=False,
                                stream=self.stream)

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        trusted = self.from_start
        for frame, after_discarded_key in self._decoded():
            self.decoded += 1
            if not trusted:
                if not (frame.key_frame or after_discarded_key):
                    continue
                trusted = True
            index = self.stamps.index_of_frame(frame)
            if index < 0 or index == UNKNOWN or index >= self.info.frame_count:
                continue
            yield index, frame

    def _decoded(self) -> Iterator[tuple[Any, bool]]:
        ctx = self.stream.codec_context
        discarded_key = False
        try:
            for packet in self.container.demux(self.stream):
                if packet.is_keyframe and packet.is_discard:
                    discarded_key = True
                for frame in ctx.decode(packet):
                    yield frame, discarded_key
        except av.FFmpegError as exc:
            self.error = exc
            with contextlib.suppress(av.FFmpegError):
                for frame in ctx.decode(None):
                    yield frame, discarded_key
