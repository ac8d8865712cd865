"""The timeline panel: a small toolbar, the canvas and a horizontal scrollbar."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QScrollBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app.session import CaseSession, RecordingStatus
from vigstudio.gui.annotations.ports import PlayerPort
from vigstudio.gui.annotations.selection import AnnotationSelection
from vigstudio.gui.timeline.canvas import TimelineCanvas
from vigstudio.gui.timeline.media_loader import MediaStripLoader, case_cache_folder
from vigstudio.gui.timeline.model import LaneMode

_SCROLL_UNITS = 10_000
MAX_EXACT_THUMBNAILS = 900  # the scrollbar works in frames, capped so huge recordings still fit


class TimelineView(QWidget):
    """One recording's timeline. ``message`` carries refused edits for the status bar.

    Keys (when the timeline has focus): + / − zoom, 0 fit, ← → one frame, Ctrl+← → previous /
    next moment, Alt+← → previous / next clip edge, Delete removes the selection, Ctrl+C copies
    the selected clips' ranges. Ctrl+wheel zooms at the pointer, the wheel pans.
    """

    message = Signal(str)

    def __init__(self, session: CaseSession, player: PlayerPort, recording_id: int,
                 selection: AnnotationSelection | None = None,
                 parent: QWidget | None = None, *, build_media: bool = True) -> None:
        super().__init__(parent)
        self.session = session
        self.recording_id = recording_id
        self.loader: MediaStripLoader | None = None
        self.selection = selection or AnnotationSelection(self)
        self.canvas = TimelineCanvas(session, player, recording_id, self.selection, self)
        self.canvas.message.connect(self.message)

        self.lane_mode = QComboBox(self)
        self.lane_mode.addItem("Lanes by participant", LaneMode.BY_PARTICIPANT.value)
        self.lane_mode.addItem("Lanes by principle", LaneMode.BY_PRINCIPLE.value)
        self.lane_mode.currentIndexChanged.connect(
            lambda _i: self.canvas.set_lane_mode(LaneMode(self.lane_mode.currentData())))
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        bar.addWidget(self.lane_mode)
        for text, tip, slot in (("−", "Zoom out (−)", lambda: self.canvas.zoom(1 / 1.5)),
                                ("+", "Zoom in (+)", lambda: self.canvas.zoom(1.5)),
                                ("Fit", "Whole recording (0)", self.canvas.fit),
                                ("Frames", "Zoom to single frames", self.canvas.zoom_to_frames)):
            button = QToolButton(self)
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            bar.addWidget(button)
        self.zoom_label = QLabel(self)
        bar.addWidget(self.zoom_label)
        bar.addStretch(1)

        self.scrollbar = QScrollBar(self)
        self.scrollbar.setOrientation(Qt.Orientation.Horizontal)
        self.scrollbar.valueChanged.connect(self._on_scrollbar)
        self.canvas.scaleChanged.connect(self._sync_scrollbar)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.scrollbar)
        self._sync_scrollbar()
        if build_media:
            self.start_media_strip()

    def start_media_strip(self, thumb_count: int | None = None) -> MediaStripLoader | None:
        """Build thumbnails and waveform in the background (cached beside the project).

        Does nothing for an offline recording. ``thumb_count``: exact evenly spaced pictures
        after the keyframes (default: one per second of video, at most 900 — an hour then
        refines in ~10 s after its keyframe strip; see docs/TIMELINE.md).
        """
        if self.loader is not None:
            self.loader.stop()
            self.loader = None
        if self.session.recording_status(self.recording_id) is not RecordingStatus.ONLINE:
            return None
        rec = self.session.recording(self.recording_id)
        if thumb_count is None:
            thumb_count = min(MAX_EXACT_THUMBNAILS, max(1, round(rec.info.duration)))
        loader = MediaStripLoader(self.session.media_source(self.recording_id), rec.info,
                                  rec.fingerprint, case_cache_folder(self.session.path),
                                  thumb_count=thumb_count, parent=self)
        canvas = self.canvas
        loader.thumbnail.connect(canvas.set_thumbnail)
        loader.peaks.connect(canvas.set_peaks)
        loader.progress.connect(
            lambda fraction, what: canvas.set_media_progress(
                None if fraction < 0 else fraction, what))
        loader.failed.connect(self.message)
        self.destroyed.connect(lambda *_: loader.stop())
        self.loader = loader
        loader.start()
        return loader

    def stop_media_strip(self) -> None:
        if self.loader is not None:
            self.loader.stop()

    def set_lane_mode(self, mode: LaneMode) -> None:
        self.lane_mode.setCurrentIndex(self.lane_mode.findData(LaneMode(mode).value))

    def _ratio(self) -> float:
        return max(1.0, self.canvas.frame_count / _SCROLL_UNITS)

    def _sync_scrollbar(self) -> None:
        scale = self.canvas.scale
        ratio = self._ratio()
        hidden = max(0, self.canvas.frame_count - int(scale.visible_frames))
        self.scrollbar.blockSignals(True)
        self.scrollbar.setRange(0, int(hidden / ratio))
        self.scrollbar.setPageStep(max(1, int(scale.visible_frames / ratio)))
        self.scrollbar.setValue(int(scale.first / ratio))
        self.scrollbar.blockSignals(False)
        self.scrollbar.setVisible(hidden > 0)
        ppf = scale.px_per_frame
        self.zoom_label.setText(f"{ppf:.0f} px per frame" if ppf >= 1.5
                                else f"{1 / ppf:.1f} frames per px")

    def _on_scrollbar(self, value: int) -> None:
        self.canvas.follow_playhead = False
        self.canvas.set_scale(self.canvas.scale.panned_to(int(value * self._ratio())))
        self.canvas.follow_playhead = True
