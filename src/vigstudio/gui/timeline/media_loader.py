"""Builds the timeline's thumbnail strip and waveform in the background.

The work is :func:`vigstudio.app.media_strips.build_media_strip`, run as a job through
:class:`vigstudio.gui.jobs.JobRunner`: each thumbnail and the waveform reach the GUI thread
as they are made, so the timeline stays usable while they build; ``stop()`` cancels and
waits (what was made so far stays cached in the case's cache folder).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from vigstudio.app.jobs import Job
from vigstudio.app.media_strips import (
    THUMB_HEIGHT,
    MediaLike,
    Peaks,
    Thumbnail,
    build_media_strip,
    case_cache_folder,
)
from vigstudio.app.pictures import RGBFrame
from vigstudio.domain.media import Fingerprint, MediaInfo
from vigstudio.errors import VigError
from vigstudio.gui.jobs import JobRunner

__all__ = ["THUMB_HEIGHT", "MediaStripLoader", "case_cache_folder", "rgb_to_image"]


def rgb_to_image(rgb: RGBFrame) -> QImage:
    height, width, _ = rgb.shape
    data = np.ascontiguousarray(rgb)
    return QImage(data.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


class MediaStripLoader(QObject):
    """Runs one background build for a recording; connect its signals, then :meth:`start`.

    Signals: ``thumbnail(frame, QImage)``, ``peaks(ndarray)`` (per-frame loudness 0–1),
    ``progress(fraction, what)`` (fraction −1 when finished), ``failed(message)``.
    """

    thumbnail = Signal(int, QImage)
    peaks = Signal(object)
    progress = Signal(float, str)
    failed = Signal(str)

    def __init__(self, media: MediaLike, info: MediaInfo, fingerprint: Fingerprint, cache: Path, *,
                 thumb_count: int | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._args = (media, info, fingerprint, cache, thumb_count)
        self._runner = JobRunner(self)
        self._job: Job[None] | None = None

    def start(self) -> None:
        media, info, fingerprint, cache, count = self._args
        self._job = self._runner.run(
            lambda ctx: build_media_strip(ctx, media, info, fingerprint, cache,
                                          thumb_count=count),
            name="Timeline pictures and sound", on_partial=self._piece,
            on_progress=lambda fraction, what, _left: self.progress.emit(fraction, what),
            on_success=self._finished,
            on_cancelled=self._finished, on_failure=self._failed)

    def _piece(self, piece: object) -> None:
        if isinstance(piece, Thumbnail):
            self.thumbnail.emit(piece.frame, rgb_to_image(piece.rgb))
        elif isinstance(piece, Peaks):
            self.peaks.emit(piece.values)

    def _finished(self, _result: None = None) -> None:
        self.progress.emit(-1.0, "")

    def _failed(self, error: VigError) -> None:
        self.failed.emit(str(error))
        self._finished()

    def stop(self) -> None:
        """Cancel and wait for the build (what was made so far stays cached)."""
        self._runner.stop(self._job)

    def is_running(self) -> bool:
        return self._job is not None and not self._job.finished

    def wait(self, ms: int = 60_000) -> bool:
        return self._job is None or self._job.wait(ms / 1000)
