"""Builds the timeline's thumbnail strip and waveform in a background thread.

Thumbnails come from :func:`vigstudio.media.thumbnails.generate_thumbnails` (cached pictures
first, then keyframes, then evenly spaced exact frames) and the waveform from
:class:`vigstudio.media.waveform.WaveformStore`; both are cached in the case's cache folder
beside the project file (``NAME.vigproj.cache/``, see docs/PRIVACY.md), never in a global
temp folder. Results reach the GUI thread through queued signals, so the timeline stays
usable while they build; ``stop()`` cancels and waits.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import shiboken6
from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtGui import QImage

from vigstudio.domain.media import Fingerprint, MediaInfo
from vigstudio.errors import VigError
from vigstudio.media.thumbnails import RGB, ThumbnailStore, generate_thumbnails
from vigstudio.media.waveform import WaveformStore

THUMB_HEIGHT = 40


def case_cache_folder(project_path: Path) -> Path:
    """``NAME.vigproj.cache/`` beside the project file (docs/PRIVACY.md)."""
    return project_path.with_name(project_path.name + ".cache")


def rgb_to_image(rgb: RGB) -> QImage:
    height, width, _ = rgb.shape
    data = np.ascontiguousarray(rgb)
    return QImage(data.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


class _Worker(QThread):
    thumbnail = Signal(int, QImage)
    peaks = Signal(object)
    progress = Signal(float, str)
    failed = Signal(str)

    def __init__(self, media: Path, info: MediaInfo, fingerprint: Fingerprint, cache: Path,
                 thumb_count: int | None) -> None:
        super().__init__()
        self.media = media
        self.info = info
        self.fingerprint = fingerprint
        self.cache = cache
        self.thumb_count = thumb_count
        self.cancelled = threading.Event()

    def run(self) -> None:
        try:
            self._thumbnails()
            if self.info.has_audio and not self.cancelled.is_set():
                self._waveform()
        except VigError as exc:
            self.failed.emit(str(exc))
        finally:
            self.progress.emit(-1.0, "")

    def _thumbnails(self) -> None:
        store = ThumbnailStore(self.cache, self.fingerprint, THUMB_HEIGHT)

        def progress(done: int, total: int) -> None:
            self.progress.emit(done / max(1, total), "pictures")

        for frame, rgb in generate_thumbnails(self.media, self.info, height=THUMB_HEIGHT,
                                              count=self.thumb_count, store=store,
                                              cancel=self.cancelled.is_set,
                                              progress=progress):
            self.thumbnail.emit(frame, rgb_to_image(rgb))

    def _waveform(self) -> None:
        def progress(done: float, total: float) -> None:
            self.progress.emit(done / total if total else 1.0, "sound")

        waveform = WaveformStore(self.cache, self.fingerprint).get_or_compute(
            self.media, self.info, cancel=self.cancelled.is_set, progress=progress)
        if waveform is not None:
            self.peaks.emit(waveform.peaks)


class MediaStripLoader(QObject):
    """Runs one background build for a recording; connect its signals, then :meth:`start`.

    Signals: ``thumbnail(frame, QImage)``, ``peaks(ndarray)`` (per-frame loudness 0–1),
    ``progress(fraction, what)`` (fraction −1 when finished), ``failed(message)``.
    """

    thumbnail = Signal(int, QImage)
    peaks = Signal(object)
    progress = Signal(float, str)
    failed = Signal(str)

    def __init__(self, media: Path, info: MediaInfo, fingerprint: Fingerprint, cache: Path, *,
                 thumb_count: int | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = _Worker(media, info, fingerprint, cache, thumb_count)
        self._worker.thumbnail.connect(self.thumbnail)
        self._worker.peaks.connect(self.peaks)
        self._worker.progress.connect(self.progress)
        self._worker.failed.connect(self.failed)

    def start(self) -> None:
        self._worker.start(QThread.Priority.LowPriority)

    def stop(self) -> None:
        """Cancel and wait for the thread (what was made so far stays cached)."""
        self._worker.cancelled.set()
        if shiboken6.isValid(self._worker):  # at interpreter exit Qt may have gone first
            self._worker.wait()

    def is_running(self) -> bool:
        return shiboken6.isValid(self._worker) and self._worker.isRunning()

    def wait(self, ms: int = 60_000) -> bool:
        return self._worker.wait(ms)
