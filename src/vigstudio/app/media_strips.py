"""The timeline's thumbnail strip and waveform of one recording, built as a job.

Thumbnails come from :func:`vigstudio.media.thumbnails.generate_thumbnails` (cached pictures
first, then keyframes, then evenly spaced exact frames) and the waveform from
:class:`vigstudio.media.waveform.WaveformStore`; both are cached in the case's cache folder
beside the project file (``NAME.vigproj.cache/``, see docs/PRIVACY.md), never in a global
temp folder. Qt-free: the GUI runs :func:`build_media_strip` through its job runner and
receives each piece as it is made (``ctx.partial``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from vigstudio.app.jobs import JobContext
from vigstudio.domain.media import Fingerprint, MediaInfo
from vigstudio.media.source import MediaLike, MediaSource
from vigstudio.media.thumbnails import RGB, ThumbnailStore, generate_thumbnails
from vigstudio.media.waveform import WaveformStore

__all__ = ["THUMB_HEIGHT", "MediaLike", "Peaks", "Thumbnail", "build_media_strip",
           "case_cache_folder"]

THUMB_HEIGHT = 40


def case_cache_folder(project_path: Path) -> Path:
    """``NAME.vigproj.cache/`` beside the project file (docs/PRIVACY.md)."""
    return project_path.with_name(project_path.name + ".cache")


@dataclass(frozen=True)
class Thumbnail:
    frame: int
    rgb: RGB


@dataclass(frozen=True)
class Peaks:
    """Per-frame loudness, 0–1."""

    values: npt.NDArray[np.float32]


def build_media_strip(ctx: JobContext, media: MediaLike, info: MediaInfo,
                      fingerprint: Fingerprint, cache: Path, *,
                      thumb_count: int | None = None) -> None:
    """Hand over each :class:`Thumbnail`, then the :class:`Peaks` (when the recording has
    sound), through ``ctx.partial``; progress is ``(fraction, "pictures" | "sound")``.

    ``media`` from :meth:`SessionCore.media_source` carries an encrypted case's key: the
    recording is then read decrypting, and the cached thumbnails and waveform are written
    encrypted with that key (docs/ENCRYPTION_MEDIA.md)."""
    key = media.key if isinstance(media, MediaSource) else None
    store = ThumbnailStore(cache, fingerprint, THUMB_HEIGHT, key=key)
    for frame, rgb in generate_thumbnails(
            media, info, height=THUMB_HEIGHT, count=thumb_count, store=store,
            cancel=ctx.cancelled,
            progress=lambda done, total: ctx.progress(done / max(1, total), "pictures")):
        ctx.partial(Thumbnail(frame, rgb))
    if not info.has_audio or ctx.cancelled():
        return
    waveform = WaveformStore(cache, fingerprint, key=key).get_or_compute(
        media, info, cancel=ctx.cancelled,
        progress=lambda done, total: ctx.progress(done / total if total else 1.0, "sound"))
    if waveform is not None:
        ctx.partial(Peaks(waveform.peaks))
