"""Exact frame decoding for the paused player: frame ``n`` of a recording, upright, as RGB.

``FrameReader(path, info).frame(n)`` returns exactly frame ``n`` as the probe numbered it:
frame ``n`` is the one whose presentation timestamp is ``info.start_pts`` plus frame ``n``'s
time (``info.clock``) in ``info.time_base`` units. Decoded pictures are matched to frame
numbers by their timestamps (nearest frame time), never by counting, so variable-frame-rate
and 29.97 fps video map exactly, and a seek that lands on the wrong keyframe is noticed and
repeated from further back.

Caching (why stepping is cheap):

* The reader keeps its decoder open after a request. A request for a frame a little after the
  last decoded one continues decoding from there (no seek): stepping forward costs one decode.
* Every frame decoded on the way from a keyframe to the target is kept (as a YUV picture,
  converted to RGB only when asked for), so stepping back inside the group of pictures costs
  only a colour conversion. Pictures beyond 1080p are kept scaled down to ``max_size`` (the
  picture area on screen) as they are decoded: a 4K picture is kept in the 1.4 MB of a
  1288×724 one instead of 12 MB, so the same memory holds a whole group of pictures. The
  number shown still names exactly the frame decoded; only its size differs.
* The cache is bounded by a byte budget (:func:`cache_budget`, from the machine's memory and
  the kept picture's size); when it is full the frames farthest from the latest request go
  first.
* :meth:`FrameReader.release` gives back everything (the cache and the decoder with its
  picture pools) while the recording plays through libVLC; the next request reopens the file.

One reader is safe to share between threads (a lock serialises decoding); a background
prefetch can pass ``cancel`` to :meth:`FrameReader.ensure_decoded` so it gives way to a
foreground request between two frames.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import numpy.typing as npt

from vigstudio.domain.media import MediaInfo
from vigstudio.errors import MediaError, MediaMissingError, NotMediaError, TruncatedMediaError
from vigstudio.media.seeking import FROM_START, Pictures, seek_points
from vigstudio.media.source import MediaLike, MediaSource, as_source
from vigstudio.media.timestamps import FrameTimestamps, decoder_thread_type

__all__ = ["DEFAULT_CACHE_BYTES", "MAX_CACHED_FRAMES", "FrameReader", "RGBFrame", "cache_budget",
           "fit_size", "machine_memory", "release_freed_memory", "tune_malloc"]

RGBFrame = npt.NDArray[np.uint8]

_MB = 1024 * 1024
CACHE_SETTING = "VIGSTUDIO_FRAME_CACHE_MB"  # environment setting: the budget in MB


def machine_memory() -> int | None:
    """The machine's physical memory in bytes (None where the system does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        pass
    if sys.platform == "win32":  # no sysconf: ask Windows
        import ctypes

        class _Status(ctypes.Structure):
            _fields_ = [("length", ctypes.c_ulong), ("load", ctypes.c_ulong),
                        ("total_phys", ctypes.c_ulonglong), ("avail_phys", ctypes.c_ulonglong),
                        ("total_page", ctypes.c_ulonglong), ("avail_page", ctypes.c_ulonglong),
                        ("total_virtual", ctypes.c_ulonglong),
                        ("avail_virtual", ctypes.c_ulonglong),
                        ("avail_extended", ctypes.c_ulonglong)]

        status = _Status()
        status.length = ctypes.sizeof(_Status)
        if ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):  # type: ignore[attr-defined]
            return int(status.total_phys)
    return None


def cache_budget(memory: int | None = None, setting: str | None = None,
                 frame_bytes: int | None = None) -> int:
    """The frame cache's byte budget on a machine with ``memory`` bytes, for pictures of
    ``frame_bytes`` each (as the cache holds them).

    ``setting`` (default: the ``VIGSTUDIO_FRAME_CACHE_MB`` environment setting) is a budget
    in MB that wins when it is a positive number. Otherwise 1/64 of the machine's memory,
    between 48 MB and 384 MB (128 MB on an 8 GB laptop, 64 MB on 4 GB), and never more than
    :data:`MAX_CACHED_FRAMES` pictures of ``frame_bytes``. The player keeps pictures at the
    size they are shown (:class:`FrameReader` ``max_size``), so 128 MB holds 95
    pictures of a 1288×724 picture area whatever the recording's size; a reader of full-size
    4K pictures (12 MB each) holds 10.
    """
    if setting is None:
        setting = os.environ.get(CACHE_SETTING)
    if setting:
        try:
            chosen = float(setting)
        except ValueError:
            chosen = 0.0
        if chosen > 0:
            return max(8 * _MB, int(chosen * _MB))
    if memory is None:
        memory = machine_memory()
    share = 128 * _MB if memory is None else max(48 * _MB, min(384 * _MB, memory // 64))
    if frame_bytes is not None and frame_bytes > 0:
        share = min(share, MAX_CACHED_FRAMES * frame_bytes)
    return share


#: Pictures larger than this (beyond 1080p) are decoded on at most two threads.
BIG_PICTURE = 1920 * 1088

#: Most pictures a frame cache holds: a long (8 s) group of pictures and the prefetch
#: window around the playhead; more would only cost memory.
MAX_CACHED_FRAMES = 240

DEFAULT_CACHE_BYTES = cache_budget()
_CONVERTED_KEEP = 6  # RGB pictures kept (the last few shown)


def fit_size(size: tuple[int, int], box: tuple[int, int] | None) -> tuple[int, int]:
    """``size`` scaled down (never up) to fit inside ``box``, keeping the aspect; even sizes."""
    width, height = size
    if box is None:
        return width, height
    box_w, box_h = max(2, box[0]), max(2, box[1])
    if width <= box_w and height <= box_h:
        return width, height
    scale = min(Fraction(box_w, width), Fraction(box_h, height))
    new_w = max(2, int(width * scale) // 2 * 2)
    new_h = max(2, int(height * scale) // 2 * 2)
    return new_w, new_h


class FrameReader:
    """Decodes exact frames of one recording with a cache around the playhead.

    ``max_size`` bounds the size of the returned (upright) pictures, e.g. the size of the
    picture area on screen; ``None`` returns full size. ``cache_bytes`` bounds the memory held
    by decoded pictures.
    """

    def __init__(self, path: MediaLike, info: MediaInfo, *,
                 max_size: tuple[int, int] | None = None,
                 cache_bytes: int | None = None,
                 memory: int | None = None,
                 threads: bool = True) -> None:
        self._source = as_source(path)
        self._path = self._source.path
        self._info = info
        self._stamps = FrameTimestamps(info)
        self._fixed_budget = cache_bytes
        self._memory = memory  # the machine's memory for the budget (None: ask the system)
        self._cache_bytes = 0
        self._threads = threads
        self._scaler: Any = None  # one VideoReformatter: its scaler is reused picture to picture
        self._lock = threading.RLock()
        self._decoded: dict[int, Any] = {}  # frame index -> av.VideoFrame (YUV as decoded)
        self._sizes: dict[int, int] = {}
        self._held = 0
        self._converted: OrderedDict[int, RGBFrame] = OrderedDict()
        self._focus = 0
        self._frames_iter: Iterator[tuple[int, Any]] | None = None
        self._last_index = -1  # index of the last frame the live decoder produced
        self._run_limit = -1  # the frame the live decoder's last seek was made for
        self._seek_count = 0
        self._decode_count = 0
        if not self._path.exists():
            raise MediaMissingError(f"The video file is missing: {self._path}")
        self._container: Any = None
        self._stream: Any = None
        self._pictures: Any = None
        self._open()
        self._out_size = fit_size(info.display_size, max_size)
        self._update_budget()
        self._time_base = Fraction(info.time_base)

    def _open(self) -> None:
        try:
            self._container = self._source.open_av()
        except (av.error.FFmpegError, OSError) as exc:
            raise NotMediaError(f"{self._path.name} cannot be read as video: {exc}") from exc
        if not self._container.streams.video:
            self._container.close()
            raise NotMediaError(f"{self._path.name} holds no video stream")
        self._stream = self._container.streams.video[0]
        self._pictures = Pictures(self._container, self._stream, self._info, self._stamps)
        if self._threads:
            self._stream.codec_context.thread_type = decoder_thread_type(self._info)
            if self._info.width * self._info.height > BIG_PICTURE:
                # each frame thread holds pictures in flight: two, not one more than the
                # cores, for pictures beyond 1080p (about 30 MB less for 4K HEVC)
                self._stream.codec_context.thread_count = 2

    # --- properties ---------------------------------------------------------------------

    @property
    def path(self) -> Path:
        return self._path

    @property
    def source(self) -> MediaSource:
        return self._source

    @property
    def info(self) -> MediaInfo:
        return self._info

    @property
    def output_size(self) -> tuple[int, int]:
        """Width and height of the pictures :meth:`frame` returns (upright)."""
        return self._out_size

    @property
    def stats(self) -> dict[str, int]:
        """Counters for tests and benchmarks: seeks, decoded frames, cached frames, bytes."""
        with self._lock:
            return {"seeks": self._seek_count, "decoded": self._decode_count,
                    "cached": len(self._decoded), "bytes": self._held}

    @property
    def cache_capacity(self) -> int:
        """About how many decoded pictures the cache holds (at least 2)."""
        with self._lock:
            if self._sizes:
                picture = max(self._sizes.values())
            else:
                info = self._info
                depth = 2 if info.is_hdr else 1  # HDR is 10-bit: two bytes a sample
                picture = info.width * info.height * 3 // 2 * depth
            return max(2, self._cache_bytes // max(1, picture))

    @property
    def cache_bytes(self) -> int:
        """The byte budget of the cache (see :func:`cache_budget`)."""
        return self._cache_bytes

    def set_max_size(self, max_size: tuple[int, int] | None) -> None:
        """Change the bound on the returned picture size (drops converted pictures, and kept
        pictures smaller than the new size)."""
        with self._lock:
            size = fit_size(self._info.display_size, max_size)
            if size != self._out_size:
                self._out_size = size
                self._converted.clear()
                need_w, need_h = self._kept_size()
                for index in [i for i, frame in self._decoded.items()
                              if frame.width < need_w or frame.height < need_h]:
                    del self._decoded[index]
                    self._held -= self._sizes.pop(index)
                self._update_budget()

    def release(self) -> None:
        """Give back the cache and the decoder (its picture pools): while libVLC plays, the
        exact frames are not needed. The next request reopens the file (a few ms)."""
        with self._lock:
            self._drop_all()
            if self._container is not None:
                self._container.close()
                self._container = self._stream = self._pictures = None
        release_freed_memory()

    def is_cached(self, n: int) -> bool:
        with self._lock:
            return n in self._decoded or n in self._converted

    def cached_frames(self) -> list[int]:
        with self._lock:
            return sorted(set(self._decoded) | set(self._converted))

    # --- the work -----------------------------------------------------------------------

    def frame(self, n: int) -> RGBFrame:
        """Exactly frame ``n``, upright, as an H×W×3 ``uint8`` RGB array (do not modify it)."""
        self._check(n)
        with self._lock:
            self._focus = n
            picture = self._converted.get(n)
            if picture is not None:
                self._converted.move_to_end(n)
                return picture
            self._decode_to(n, None)
            picture = self._convert(self._decoded[n])
            self._converted[n] = picture
            while len(self._converted) > _CONVERTED_KEEP:
                self._converted.popitem(last=False)
            return picture

    def ensure_decoded(self, n: int, cancel: Callable[[], bool] | None = None) -> bool:
        """Decode frame ``n`` into the cache without converting it (for prefetching).

        Returns False when ``cancel()`` became true before frame ``n`` was reached.
        """
        self._check(n)
        with self._lock:
            if n in self._decoded:
                return True
            return self._decode_to(n, cancel)

    def close(self) -> None:
        """Close the file and drop every cached picture; the memory goes back to the system."""
        self.release()

    def _drop_all(self) -> None:
        self._decoded.clear()
        self._sizes.clear()
        self._converted.clear()
        self._held = 0
        self._frames_iter = None
        self._last_index = -1

    def __enter__(self) -> FrameReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- internals ----------------------------------------------------------------------

    def _check(self, n: int) -> None:
        if not 0 <= n < self._info.frame_count:
            raise IndexError(f"frame {n} is outside the recording (0–{self._info.frame_count - 1})")

    def _stored_size(self) -> tuple[int, int]:
        """Width and height of kept pictures as decoded (before turning them upright)."""
        out_w, out_h = self._out_size
        return (out_h, out_w) if self._info.rotation % 360 in (90, 270) else (out_w, out_h)

    def _kept_size(self) -> tuple[int, int]:
        """Width and height at which decoded pictures are kept: the size shown for pictures
        beyond 1080p (4K: a ninth of the memory); smaller ones as decoded, since scaling every
        picture passed on the way from a keyframe (up to 200 at 1080p) would slow a seek more
        than the memory saved is worth."""
        if self._info.width * self._info.height > BIG_PICTURE:
            return self._stored_size()
        return self._info.width, self._info.height

    def _update_budget(self) -> None:
        if self._fixed_budget is not None:
            self._cache_bytes = self._fixed_budget
            return
        width, height = self._kept_size()
        depth = 2 if self._info.is_hdr else 1  # HDR is 10-bit: two bytes a sample
        self._cache_bytes = cache_budget(self._memory,
                                         frame_bytes=width * height * 3 // 2 * depth)

    def _decode_to(self, n: int, cancel: Callable[[], bool] | None) -> bool:
        if n in self._decoded:
            return True
        if self._container is None:
            self._open()
        forward_window = max(8, int(self._info.frame_rate.value * 3))
        # Continue the live decoder when frame n lies ahead of it and either close, or no
        # farther than the frame its run was started for (the seek for that frame landed on
        # the keyframe this run began at, so no later keyframe lies before it). An
        # interrupted prefetch thus resumes where it stopped.
        live = (self._frames_iter is not None and self._last_index < n
                and (n <= self._run_limit or n <= self._last_index + forward_window))
        points: list[int | str | None] = ["live"] if live else []
        points += list(seek_points(self._info, self._stamps, n))
        for point in points:
            if point != "live":
                assert not isinstance(point, str)
                self._seek_to(point)
                self._run_limit = n
            result = self._run_decoder(n, cancel, fresh=point != "live")
            if result == "done":
                return True
            if result == "cancelled":
                return False
            if result == "eof" and point is FROM_START:
                break
            # "overshot": the seek landed after frame n (demuxers seek by decode time, and
            # program streams have no index): seek again from further back. "eof" after a
            # seek: decode from further back too, at last from the start of the file.
        raise TruncatedMediaError(
            f"Frame {n} of {self._path.name} could not be decoded (the file may be damaged "
            f"or end early).")

    def _seek_to(self, pts: int | None) -> None:
        self._seek_count += 1
        try:
            self._pictures.seek(pts)
        except av.error.FFmpegError as exc:
            raise MediaError(f"Cannot seek in {self._path.name}: {exc}") from exc
        self._frames_iter = iter(self._pictures)
        self._last_index = -1

    def _run_decoder(self, n: int, cancel: Callable[[], bool] | None, *, fresh: bool) -> str:
        """Decode until frame ``n`` is cached: 'done', 'cancelled', 'overshot' or 'eof'."""
        assert self._frames_iter is not None
        first = fresh
        while True:
            if cancel is not None and cancel():
                return "cancelled"
            try:
                index, frame = next(self._frames_iter)
            except StopIteration:
                self._frames_iter = None
                error = self._pictures.error
                if error is not None and n not in self._decoded:
                    raise TruncatedMediaError(
                        f"{self._path.name} could not be decoded near frame {n}: "
                        f"{error}") from error
                return "eof"
            self._decode_count += 1
            if first:
                first = False
                if index > n and not self._pictures.from_start:
                    return "overshot"
            self._last_index = max(self._last_index, index)
            self._store(index, frame)
            if index >= n:
                return "done" if n in self._decoded else "overshot"

    def _store(self, index: int, frame: Any) -> None:
        if index in self._decoded:
            return
        width, height = self._kept_size()
        if frame.width > width or frame.height > height:
            # keep it at the size it is shown (a copy: the decoder's picture goes back to
            # its pool at once)
            if self._scaler is None:
                from av.video.reformatter import VideoReformatter

                self._scaler = VideoReformatter()
            frame = self._scaler.reformat(frame, width, height, frame.format.name,
                                          interpolation="BILINEAR")
        size = sum(int(plane.buffer_size) for plane in frame.planes)
        self._decoded[index] = frame
        self._sizes[index] = size
        self._held += size
        if self._held > self._cache_bytes:
            self._evict(keep=index)

    def _evict(self, keep: int) -> None:
        """Drop pictures until the budget holds, never the playhead's nor ``keep`` (the one
        just decoded: dropping it would make the request it was decoded for fail)."""
        focus = self._focus
        # Farthest from the playhead first; frames behind it count a little nearer than
        # frames ahead (stepping back is the expensive direction).
        order = sorted(self._decoded, key=lambda i: (i - focus) if i >= focus
                       else (focus - i) // 2, reverse=True)
        for index in order:
            if self._held <= self._cache_bytes:
                break
            if index in (focus, keep):
                continue
            del self._decoded[index]
            self._held -= self._sizes.pop(index)

    def _convert(self, frame: Any) -> RGBFrame:
        rotation = self._info.rotation % 360
        stored_w, stored_h = self._stored_size()
        rgb = frame.to_ndarray(format="rgb24", width=stored_w, height=stored_h,
                               interpolation="BILINEAR")
        if rotation:
            # rotation is the clockwise turn that makes the picture upright
            rgb = np.rot90(rgb, k=-(rotation // 90))
        return np.ascontiguousarray(rgb, dtype=np.uint8)


_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter numbers (malloc.h)
_M_ARENA_MAX = -8


def tune_malloc(arenas: int = 2, mmap_threshold: int = 4 * _MB) -> bool:
    """Make glibc's malloc give big pictures' memory back (Linux; like the
    ``MALLOC_ARENA_MAX`` and ``MALLOC_MMAP_THRESHOLD_`` environment settings, but set from
    inside the process):

    * at most ``arenas`` memory pools for all threads: by default glibc makes up to eight a
      core, and libVLC's and FFmpeg's decoder threads each keep freed pictures in their own;
    * blocks of ``mmap_threshold`` bytes or more (8 MB a 4K luma plane, 12 MB a picture in
      libVLC) are mapped on their own and unmapped when freed. By default glibc raises this
      threshold to 32 MB after the first big block is freed, and from then on freed pictures
      stay in the heap, fragmented. 4 MB, not less: a mapping is page-faulted afresh each
      time, which a 2.8 MB 720p RGB picture made for every step would pay (2 MB cost 720p
      steps a few ms).

    Measured on 4K HEVC, libVLC playing: 60–100 MB less resident memory. Call it before the
    decoding threads start (pools made earlier stay); ``mallopt`` takes malloc's own lock, so
    it is safe at any time. Returns False where it does not apply (not Linux, not glibc)."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):  # musl has no mallopt
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    ok = mallopt(_M_ARENA_MAX, max(1, int(arenas)))
    return bool(ok and mallopt(_M_MMAP_THRESHOLD, int(mmap_threshold)))


def release_freed_memory() -> None:
    """Hand memory freed inside the process back to the system (glibc keeps freed blocks
    for reuse; after closing a 4K recording that can be hundreds of MB). A no-op elsewhere."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import ctypes.util
    import gc

    gc.collect()  # decoded pictures held in reference cycles are freed first
    name = ctypes.util.find_library("c")
    if name is None:
        return
    with contextlib.suppress(OSError, AttributeError):  # not glibc: musl has no malloc_trim
        ctypes.CDLL(name).malloc_trim(0)
