"""Timeline thumbnails: small upright RGB pictures of chosen frames, cached on disk.

Made in two passes, both designed to run in a background job (``cancel`` is polled between
pictures, ``progress(done, total)`` is called after each):

1. **Keyframes** — the decoder skips every non-key frame (``skip_frame="NONKEY"``), so a
   whole recording yields one picture per keyframe quickly (MEDIA_FACTS: keyframe-only
   strips were 12× faster than a full decode).
2. **Even frames** — ``count`` exactly chosen, evenly spaced frames: the reader seeks to the
   keyframe before each target only when that is nearer than decoding on, and names every
   picture by its own presentation timestamp, so the frame index is exact.

The cache is one ``.npz`` per recording and height in a folder the caller chooses (the
case's cache folder beside the project file), keyed by the recording's fingerprint. A
cancelled run saves what it made; the next run starts from there.
"""

from __future__ import annotations

import bisect
import hashlib
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import av
import numpy as np
import numpy.typing as npt

from vigstudio import errors
from vigstudio.domain.media import Fingerprint, MediaInfo
from vigstudio.media.frames import machine_memory
from vigstudio.media.seeking import Pictures, seek_points
from vigstudio.media.source import (
    MediaLike,
    MediaSource,
    as_source,
    load_cache_file,
    save_cache_file,
)
from vigstudio.media.timestamps import FrameTimestamps, decoder_thread_type

__all__ = [
    "RGB",
    "Cancel",
    "Progress",
    "ThumbnailSet",
    "ThumbnailStore",
    "default_count",
    "even_targets",
    "generate_thumbnails",
    "iter_even_thumbnails",
    "iter_keyframe_thumbnails",
    "memory_budget",
    "thumbnail_size",
]

RGB = npt.NDArray[np.uint8]
Cancel = Callable[[], bool]
Progress = Callable[[int, int], None]


def thumbnail_size(info: MediaInfo, height: int) -> tuple[int, int]:
    """(width, height) of an upright thumbnail ``height`` pixels tall (width even, ≥ 2)."""
    if height < 2:
        raise ValueError(f"thumbnail height must be at least 2, not {height}")
    disp_w, disp_h = info.display_size
    width = max(2, round(disp_w * height / disp_h / 2) * 2)
    return width, height


MAX_EVEN_THUMBNAILS = 2000


def memory_budget(memory: int | None = None) -> int:
    """Bytes the evenly spaced thumbnails of one recording may take in memory: 1/128 of the
    machine's memory, between 16 MB and 128 MB (64 MB on an 8 GB laptop)."""
    if memory is None:
        memory = machine_memory()
    if memory is None:
        return 64 * 1024 * 1024
    return max(16 * 1024 * 1024, min(128 * 1024 * 1024, memory // 128))


def default_count(info: MediaInfo, height: int, memory: int | None = None) -> int:
    """Evenly spaced thumbnails to make by default: one per second of video, at most
    2000, and no more than fit in :func:`memory_budget`."""
    width, _ = thumbnail_size(info, height)
    fit = memory_budget(memory) // (width * height * 3)
    return max(1, min(MAX_EVEN_THUMBNAILS, round(info.duration), fit))


def even_targets(frame_count: int, count: int) -> list[int]:
    """``count`` frame indices spread evenly over ``[0, frame_count)``, first and last included."""
    if frame_count <= 0 or count <= 0:
        return []
    if count == 1 or frame_count == 1:
        return [0]
    count = min(count, frame_count)
    return sorted({round(i * (frame_count - 1) / (count - 1)) for i in range(count)})


def _open(path: MediaSource) -> av.container.InputContainer:
    if not path.exists():
        raise errors.MediaMissingError(f"The recording “{path.name}” is missing.")
    try:
        return cast("av.container.InputContainer", path.open_av())
    except av.FFmpegError as exc:
        raise errors.NotMediaError(f"“{path.name}” cannot be read as video.") from exc


def _video_stream(container: av.container.InputContainer,
                  path: MediaSource) -> av.video.stream.VideoStream:
    if not container.streams.video:
        raise errors.NoVideoError(f"“{path.name}” holds no video (has the file been replaced?)")
    return container.streams.video[0]


def _to_thumb(frame: av.VideoFrame, info: MediaInfo, size: tuple[int, int]) -> RGB:
    width, height = size
    rotation = info.rotation % 360
    stored_w, stored_h = (height, width) if rotation in (90, 270) else (width, height)
    rgb = frame.to_ndarray(format="rgb24", width=stored_w, height=stored_h,
                           interpolation="AREA")
    if rotation:
        rgb = np.rot90(rgb, k=-(rotation // 90))  # rotation is the clockwise turn to upright
    return np.ascontiguousarray(rgb, dtype=np.uint8)


def iter_keyframe_thumbnails(
    path: MediaLike, info: MediaInfo, *, height: int = 64,
    cancel: Cancel | None = None, keyframes_out: list[int] | None = None,
) -> Iterator[tuple[int, RGB]]:
    """Yield ``(frame_index, thumbnail)`` for every keyframe, in order.

    The frame indices of the keyframes are appended to ``keyframes_out`` if given.
    Stops early (without error) when ``cancel()`` turns true.
    """
    path = as_source(path)
    size = thumbnail_size(info, height)
    index_of_frame = FrameTimestamps(info).index_of_frame
    with _open(path) as container:
        stream = _video_stream(container, path)
        stream.codec_context.skip_frame = "NONKEY"
        stream.codec_context.thread_type = decoder_thread_type(info)
        try:
            for frame in container.decode(stream):
                if cancel is not None and cancel():
                    return
                index = index_of_frame(frame)
                if not 0 <= index < info.frame_count:
                    continue
                if keyframes_out is not None:
                    keyframes_out.append(index)
                yield index, _to_thumb(frame, info, size)
        except av.FFmpegError:
            return  # a damaged tail: keep what was decoded (the probe reports truncation)


def iter_even_thumbnails(
    path: MediaLike, info: MediaInfo, targets: list[int], *, height: int = 64,
    keyframes: list[int] | None = None, cancel: Cancel | None = None,
) -> Iterator[tuple[int, RGB]]:
    """Yield ``(frame_index, thumbnail)`` for exactly the frames in ``targets`` (sorted).

    ``keyframes`` (frame indices, e.g. from :func:`iter_keyframe_thumbnails`) lets the reader
    decode on instead of seeking when the next target lies in the same GOP.
    """
    path = as_source(path)
    size = thumbnail_size(info, height)
    wanted = sorted({t for t in targets if 0 <= t < info.frame_count})
    if not wanted:
        return
    keys = sorted(keyframes) if keyframes else []
    with _open(path) as container:
        stream = _video_stream(container, path)
        stream.codec_context.thread_type = decoder_thread_type(info)
        reader = _ForwardReader(container, stream, info)
        for target in wanted:
            if cancel is not None and cancel():
                return
            if keys:
                key_before = keys[max(0, bisect.bisect_right(keys, target) - 1)]
                must_seek = key_before > reader.position
            else:
                must_seek = target - reader.position > _DECODE_ON_LIMIT
            try:  # a damaged file can fail in the seek too (found by fuzzing: EPERM)
                if target <= reader.position or must_seek:
                    reader.seek(target)
                frame = reader.decode_to(target)
            except av.FFmpegError:
                return
            if frame is None:
                if reader.ended:
                    return  # the file ends early (the probe reports truncation)
                continue
            yield target, _to_thumb(frame, info, size)


# Without a keyframe list, decode on (instead of seeking) for at most this many frames.
_DECODE_ON_LIMIT = 50


class _ForwardReader:
    """Decodes forward from a seek point, naming frames by the probe's index; a seek that lands
    after its target backs off and tries again (see :mod:`vigstudio.media.seeking`)."""

    def __init__(self, container: av.container.InputContainer,
                 stream: av.video.stream.VideoStream, info: MediaInfo) -> None:
        self._info = info
        self._stamps = FrameTimestamps(info)
        self._pictures = Pictures(container, stream, info, self._stamps)
        self._frames: Iterator[tuple[int, av.VideoFrame]] | None = None
        self._points: Iterator[int | None] = iter(())
        self._fresh = False
        self.position = -1  # index of the last frame decoded; -1 before any
        self.overshot = False
        self.ended = False

    def seek(self, target: int) -> None:
        self._points = seek_points(self._info, self._stamps, target)
        self._seek_next()

    def _seek_next(self) -> bool:
        point = next(self._points, _NO_POINT)
        if point is _NO_POINT:
            return False
        assert not isinstance(point, _NoPoint)
        self._pictures.seek(point)
        self._frames = iter(self._pictures)
        self._fresh = True
        self.position = -1
        return True

    def decode_to(self, target: int) -> av.VideoFrame | None:
        """Decode on to frame ``target``; None if a later frame (or the end) came first."""
        if self._frames is None:
            self.seek(target)
        while True:
            frame = self._scan(target)
            if frame is not None or not self.overshot or not self._seek_next():
                return frame

    def _scan(self, target: int) -> av.VideoFrame | None:
        assert self._frames is not None
        self.overshot = self.ended = False
        for index, frame in self._frames:
            first, self._fresh = self._fresh, False
            self.position = index
            if index < target:
                continue
            if index == target:
                return frame
            self.overshot = first and not self._pictures.from_start
            return None
        if self._pictures.error is not None:
            raise self._pictures.error
        # nothing came out after a seek: it landed at (or past) the end; back off
        self.overshot = self._fresh and not self._pictures.from_start
        self.ended = not self.overshot
        return None


class _NoPoint:
    pass


_NO_POINT = _NoPoint()


# --- cache -----------------------------------------------------------------------------


def _key_name(fingerprint: Fingerprint | str) -> str:
    text = fingerprint.as_text() if isinstance(fingerprint, Fingerprint) else fingerprint
    return hashlib.sha256(text.encode()).hexdigest()[:24]


@dataclass
class ThumbnailSet:
    """Thumbnails of one recording at one height."""

    height: int
    thumbs: dict[int, RGB] = field(default_factory=dict)
    keyframes: list[int] | None = None  # None until the keyframe pass finished
    complete: bool = False  # the even pass finished too


class ThumbnailStore:
    """On-disk cache: ``<folder>/thumbs-<key>-h<height>.npz`` for one recording.

    With ``key`` (an encrypted case's media key) the file is ``….npz.vigenc`` in the chunked
    encrypted format, bound to its name (it cannot stand in for another recording's), and
    is written and read through memory only.
    """

    def __init__(self, folder: Path | str, fingerprint: Fingerprint | str, height: int, *,
                 key: bytes | None = None) -> None:
        self.folder = Path(folder)
        self.height = height
        self.key = key
        stem = f"thumbs-{_key_name(fingerprint)}-h{height}"
        self._context = stem.encode()
        self.path = self.folder / (f"{stem}.npz" + (".vigenc" if key is not None else ""))

    def load(self) -> ThumbnailSet:
        """What the cache holds (an empty set if nothing, or if the file is damaged)."""
        empty = ThumbnailSet(self.height)
        if not self.path.exists():
            return empty
        try:
            with np.load(load_cache_file(self.path, self.key, self._context),
                         allow_pickle=False) as data:
                frames = data["frames"].astype(int).tolist()
                images = data["images"]
                keyframes = data["keyframes"].astype(int).tolist()
                flags = data["flags"].tolist()
        except (OSError, KeyError, ValueError, zipfile.BadZipFile, errors.MediaError):
            return empty
        if images.ndim != 4 or images.shape[0] != len(frames) or images.shape[1] != self.height:
            return empty
        thumbs = {f: np.ascontiguousarray(images[i]) for i, f in enumerate(frames)}
        return ThumbnailSet(self.height, thumbs, keyframes if flags[0] else None,
                            bool(flags[1]))

    def save(self, thumbs: ThumbnailSet) -> None:
        """Write atomically (a temporary file renamed over the old one)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        frames = sorted(thumbs.thumbs)
        if frames:
            images = np.stack([thumbs.thumbs[f] for f in frames])
        else:
            images = np.zeros((0, self.height, 2, 3), np.uint8)
        with save_cache_file(self.path, self.key, self._context) as fh:
            np.savez(fh, frames=np.array(frames, np.int64), images=images,
                     keyframes=np.array(thumbs.keyframes or [], np.int64),
                     flags=np.array([thumbs.keyframes is not None, thumbs.complete]))


def generate_thumbnails(
    path: MediaLike, info: MediaInfo, *, height: int = 64, count: int | None = None,
    store: ThumbnailStore | None = None, cancel: Cancel | None = None,
    progress: Progress | None = None,
) -> Iterator[tuple[int, RGB]]:
    """Yield ``(frame_index, thumbnail)``: cached ones, then keyframes, then even frames.

    ``count`` even frames (default: one per second of video, at most 2000) follow the
    keyframes; frames already yielded are not repeated. With a ``store`` the result is
    loaded from and saved to the cache (also when cancelled, so a later run resumes).
    ``progress(done, total)`` counts pictures; ``total`` may grow once keyframes are known.
    """
    if store is not None and store.height != height:
        raise ValueError("the store's height differs from the requested height")
    state = store.load() if store is not None else ThumbnailSet(height)
    if count is None:
        count = default_count(info, height)
    targets = even_targets(info.frame_count, count)
    yield from sorted(state.thumbs.items())
    if state.complete:
        if progress is not None:
            progress(len(state.thumbs), len(state.thumbs))
        return

    def cancelled() -> bool:
        return cancel is not None and cancel()

    def total() -> int:
        return len(set(targets) | set(state.thumbs) | set(state.keyframes or ()))

    done = len(state.thumbs)
    try:
        if state.keyframes is None:
            found: list[int] = []
            for index, thumb in iter_keyframe_thumbnails(path, info, height=height,
                                                         cancel=cancel, keyframes_out=found):
                if index not in state.thumbs:
                    state.thumbs[index] = thumb
                    done += 1
                    yield index, thumb
                if progress is not None:
                    progress(done, max(done, total()))
            if cancelled():
                return
            state.keyframes = found
            if store is not None:
                store.save(state)
        missing = [t for t in targets if t not in state.thumbs]
        for index, thumb in iter_even_thumbnails(path, info, missing, height=height,
                                                 keyframes=state.keyframes, cancel=cancel):
            state.thumbs[index] = thumb
            done += 1
            yield index, thumb
            if progress is not None:
                progress(done, max(done, total()))
        if cancelled():
            return
        state.complete = True
        if progress is not None:
            progress(done, done)
    finally:
        if store is not None:
            store.save(state)
