"""Audio waveform for the timeline: the lowest and highest sample under each video frame.

Bucket ``i`` holds the audio from video frame ``i``'s time up to frame ``i + 1``'s (the last
up to the end of the video), measured on the probe's clock (seconds from frame 0), so the
waveform lines up with the frames exactly for constant and variable frame rates. Samples are
mixed across channels by taking the per-sample min and max over the channels. Buckets with
no audio hold 0.

The audio is decoded in one streaming pass (memory stays small for long recordings);
``cancel`` is polled per decoded audio frame and ``progress(done_seconds, total_seconds)``
is called about every second of audio. A cache (one ``.npz`` per recording, keyed by its
fingerprint) lives in a folder the caller chooses (the case's cache folder).
"""

from __future__ import annotations

import hashlib
import math
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

from vigstudio import errors
from vigstudio.domain.media import Fingerprint, MediaInfo
from vigstudio.media.source import MediaLike, as_source, load_cache_file, save_cache_file

__all__ = ["Waveform", "WaveformStore", "compute_waveform", "frame_edges_in_samples"]

Floats = npt.NDArray[np.float32]
Cancel = Callable[[], bool]
Progress = Callable[[float, float], None]


@dataclass(frozen=True, eq=False)
class Waveform:
    """Per-video-frame sample extremes, in [-1, 1]: ``mins[i] <= 0 <= maxs[i]`` typically."""

    mins: Floats
    maxs: Floats
    sample_rate: int

    @property
    def frame_count(self) -> int:
        return len(self.mins)

    @property
    def peaks(self) -> Floats:
        """The loudest absolute sample under each frame."""
        return np.maximum(np.abs(self.mins), np.abs(self.maxs))

    def downsample(self, buckets: int) -> tuple[Floats, Floats]:
        """(mins, maxs) over ``buckets`` equal groups of frames, for a zoomed-out timeline."""
        n = self.frame_count
        if buckets <= 0 or n == 0:
            return np.zeros(0, np.float32), np.zeros(0, np.float32)
        edges = np.linspace(0, n, min(buckets, n) + 1).astype(np.int64)
        starts = edges[:-1]
        return (np.minimum.reduceat(self.mins, starts).astype(np.float32),
                np.maximum.reduceat(self.maxs, starts).astype(np.float32))


def frame_edges_in_samples(info: MediaInfo, sample_rate: int) -> npt.NDArray[np.int64]:
    """Sample index (from frame 0's time) where each frame's bucket starts, plus the end."""
    rate = Fraction(sample_rate)
    if info.variable_frame_rate and info.frame_times is not None:
        times = [*info.frame_times, info.duration]
    else:
        # frame i starts at sample ceil(i · sample_rate · q / p) for a rate of p/q fps
        p, q = info.frame_rate.numerator, info.frame_rate.denominator
        i = np.arange(info.frame_count, dtype=np.int64)
        starts = -((-i * sample_rate * q) // p)
        return np.append(starts, math.ceil(info.duration * rate)).astype(np.int64)
    return np.array([math.ceil(t * rate) for t in times], np.int64)


def compute_waveform(path: MediaLike, info: MediaInfo, *, cancel: Cancel | None = None,
                     progress: Progress | None = None) -> Waveform | None:
    """The waveform of ``path``'s first audio stream; None if cancelled.

    A recording without audio gives an all-zero waveform (``sample_rate`` 0).
    """
    path = as_source(path)
    count = info.frame_count
    mins = np.zeros(count, np.float32)
    maxs = np.zeros(count, np.float32)
    if not path.exists():
        raise errors.MediaMissingError(f"The recording “{path.name}” is missing.")
    try:
        container = path.open_av()
    except av.FFmpegError as exc:
        raise errors.NotMediaError(f"“{path.name}” cannot be read.") from exc
    with container:
        if not container.streams.audio or count == 0:
            return Waveform(mins, maxs, 0)
        stream = container.streams.audio[0]
        sample_rate = int(stream.codec_context.sample_rate)
        edges = frame_edges_in_samples(info, sample_rate)
        video_start = info.start_pts * info.time_base
        total_seconds = float(info.duration)
        acc = _Accumulator(mins, maxs, edges)
        next_report = 0.0
        try:
            for frame in container.decode(stream):
                if cancel is not None and cancel():
                    return None
                if frame.pts is None or frame.time_base is None:
                    continue
                first = round((frame.pts * frame.time_base - video_start) * sample_rate)
                data = frame.to_ndarray()
                if data.ndim == 1:
                    data = data[None, :]
                if not frame.format.is_planar:
                    data = data.reshape(-1, len(frame.layout.channels)).T
                last = acc.add(first, _to_float(data))
                done = last / sample_rate
                if progress is not None and done >= next_report:
                    progress(min(done, total_seconds), total_seconds)
                    next_report = done + 1.0
        except av.FFmpegError:
            pass  # a damaged tail: keep what was decoded
    if progress is not None:
        progress(total_seconds, total_seconds)
    return Waveform(mins, maxs, sample_rate)


class _Accumulator:
    """Folds blocks of samples into the per-frame min/max arrays."""

    def __init__(self, mins: Floats, maxs: Floats, edges: npt.NDArray[np.int64]) -> None:
        self.mins, self.maxs, self.edges = mins, maxs, edges
        self.touched = np.zeros(len(mins), bool)
        self.total = int(edges[-1])

    def add(self, first: int, samples: Floats) -> int:
        """Add ``samples`` (channels × n) starting at sample ``first``; return the last index."""
        low, high = samples.min(axis=0), samples.max(axis=0)
        positions = first + np.arange(low.shape[0], dtype=np.int64)
        keep = (positions >= 0) & (positions < self.total)
        if not keep.any():
            return first + int(low.shape[0]) - 1
        positions, low, high = positions[keep], low[keep], high[keep]
        buckets = np.searchsorted(self.edges, positions, side="right") - 1
        starts = np.flatnonzero(np.r_[True, buckets[1:] != buckets[:-1]])
        ids = buckets[starts]
        chunk_min = np.minimum.reduceat(low, starts)
        chunk_max = np.maximum.reduceat(high, starts)
        fresh = ~self.touched[ids]
        self.mins[ids] = np.where(fresh, chunk_min, np.minimum(self.mins[ids], chunk_min))
        self.maxs[ids] = np.where(fresh, chunk_max, np.maximum(self.maxs[ids], chunk_max))
        self.touched[ids] = True
        return int(positions[-1])


def _to_float(data: npt.NDArray[np.generic]) -> Floats:
    """Samples (channels × n) as float32 in [-1, 1]."""
    if np.issubdtype(data.dtype, np.floating):
        return data.astype(np.float32, copy=False)
    if data.dtype == np.uint8:
        return (data.astype(np.float32) - 128.0) / 128.0
    scale = float(2 ** (8 * data.dtype.itemsize - 1))
    return (data.astype(np.float32) / scale).astype(np.float32)


# --- cache -----------------------------------------------------------------------------


class WaveformStore:
    """On-disk cache: ``<folder>/waveform-<key>.npz`` for one recording (``….npz.vigenc``,
    encrypted with ``key`` and bound to its name, in an encrypted case)."""

    def __init__(self, folder: Path | str, fingerprint: Fingerprint | str, *,
                 key: bytes | None = None) -> None:
        text = fingerprint.as_text() if isinstance(fingerprint, Fingerprint) else fingerprint
        self.folder = Path(folder)
        self.key = key
        stem = f"waveform-{hashlib.sha256(text.encode()).hexdigest()[:24]}"
        self._context = stem.encode()
        self.path = self.folder / (f"{stem}.npz" + (".vigenc" if key is not None else ""))

    def load(self, frame_count: int) -> Waveform | None:
        """The cached waveform, or None (nothing cached, damaged, or a different length)."""
        if not self.path.exists():
            return None
        try:
            with np.load(load_cache_file(self.path, self.key, self._context),
                         allow_pickle=False) as data:
                mins = data["mins"].astype(np.float32)
                maxs = data["maxs"].astype(np.float32)
                sample_rate = int(data["sample_rate"])
        except (OSError, KeyError, ValueError, zipfile.BadZipFile, errors.MediaError):
            return None
        if len(mins) != frame_count or len(maxs) != frame_count:
            return None
        return Waveform(mins, maxs, sample_rate)

    def save(self, waveform: Waveform) -> None:
        with save_cache_file(self.path, self.key, self._context) as fh:
            np.savez(fh, mins=waveform.mins, maxs=waveform.maxs,
                     sample_rate=np.array(waveform.sample_rate))

    def get_or_compute(self, path: MediaLike, info: MediaInfo, *, cancel: Cancel | None = None,
                       progress: Progress | None = None) -> Waveform | None:
        """The cached waveform, else compute and cache it (None if cancelled)."""
        cached = self.load(info.frame_count)
        if cached is not None:
            return cached
        waveform = compute_waveform(path, info, cancel=cancel, progress=progress)
        if waveform is not None:
            self.save(waveform)
        return waveform
