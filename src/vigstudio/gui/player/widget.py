"""The player panel: picture, transport, readout, go-to box, speed, volume, keyboard.

A thin layer over :class:`vigstudio.app.player.PlayerController`:

* While playing forward the picture area paints VLC's latest picture (polled from the
  backend's video sink on the widget's timer).
* Otherwise it paints the exact frame the controller's fetcher decoded, and the readout
  names the frame that is painted, so picture and readout always agree. The position the
  rest of the app uses (``controller.position``) is set at once on a key press; the picture
  follows within milliseconds.

Keys (when the panel has focus): Space play/pause; ←/→ one frame (auto-repeat works);
Shift+←/→ ten frames; Ctrl+←/→ one second; Home/End; J/K/L shuttle; M mute.
"""

from __future__ import annotations

import contextlib
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QPointF, QRect, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app.pictures import CaptionOverlay, RGBFrame, draw_marks, render_caption
from vigstudio.app.player import RATES, PlayerController, PlayerState
from vigstudio.app.timeline_geometry import TimeStyle
from vigstudio.domain.annotations import Mark
from vigstudio.domain.time import TimecodeError
from vigstudio.errors import VigError

__all__ = ["PictureView", "PlayerWidget"]

TICK_MS = 15


def _rate_text(rate: Fraction) -> str:
    return f"{rate.numerator}/{rate.denominator}×" if rate.denominator != 1 else f"{rate}×"


class _FrameBridge(QObject):
    """Carries exact frames from the fetcher thread into the GUI thread."""

    frame_ready = Signal(int, object, int)  # frame, RGB array, controller generation
    frame_failed = Signal(int, str)


class PictureView(QWidget):
    """Paints one picture, fitted with black bars; remembers what it painted.

    The picture can be zoomed (Ctrl+wheel, Ctrl+= / Ctrl+-, up to 8×) and panned (drag) to
    look at faces and eye contact in a wide shot; double-click or Ctrl+0 fits it again. A
    burned-in caption (:meth:`set_caption`) is drawn onto the picture exactly as the export
    draws it (:func:`vigstudio.media.captions.render_caption`).
    """

    zoomChanged = Signal(float)
    MAX_ZOOM = 8.0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 90)
        self._image: QImage | None = None
        self._keep: object = None  # the array the QImage points into
        self._frame: int | None = None
        self._message = ""
        self.caption = ""  # burned into the picture (reel preview of a captioned item)
        self.marks: tuple[Mark, ...] = ()  # a still's marks (reel preview of a still)
        self._overlay: tuple[tuple[int, int, str], CaptionOverlay | None] | None = None
        self.zoom = 1.0
        self.centre = (0.5, 0.5)  # the picture point (fractions) at the middle of the view
        self._pan_from: tuple[QPointF, tuple[float, float]] | None = None
        self.painted_frame: int | None = None  # exact frame in the last paint (None: live)
        self.painted_at = 0.0  # time.perf_counter() of the last paint

    @property
    def frame(self) -> int | None:
        """The exact frame being shown, or None (live VLC picture, message, nothing)."""
        return self._frame

    def set_caption(self, text: str) -> None:
        """Burn ``text`` into the following pictures ("" for none), as the export does."""
        self.caption = text.strip()

    def set_marks(self, marks: tuple[Mark, ...]) -> None:
        """Draw a still's marks on the following pictures (() for none), as the export does."""
        self.marks = tuple(marks)

    def _with_caption(self, pixels: np.ndarray) -> np.ndarray:
        if self.marks and pixels.shape[2] == 3:
            pixels = draw_marks(pixels, self.marks)
        if not self.caption:
            return pixels
        h, w = pixels.shape[:2]
        key = (w, h, self.caption)
        if self._overlay is None or self._overlay[0] != key:
            self._overlay = (key, render_caption(self.caption, w, h))
        overlay = self._overlay[1]
        if overlay is None:
            return pixels
        out = np.array(pixels, copy=True)
        out[..., :3] = overlay.apply(np.ascontiguousarray(out[..., :3]))
        return out

    def show_rgb(self, frame: int | None, rgb: RGBFrame) -> None:
        rgb = self._with_caption(rgb)
        h, w = rgb.shape[:2]
        self._keep = rgb
        self._image = QImage(rgb.data, w, h, rgb.strides[0], QImage.Format.Format_RGB888)
        self._frame = frame
        self._message = ""
        self.update()

    def show_bgrx(self, bgrx: np.ndarray) -> None:
        bgrx = self._with_caption(bgrx)
        h, w = bgrx.shape[:2]
        self._keep = bgrx
        self._image = QImage(bgrx.data, w, h, bgrx.strides[0], QImage.Format.Format_RGB32)
        self._frame = None
        self._message = ""
        self.update()

    def show_message(self, text: str) -> None:
        self._image = None
        self._keep = None
        self._frame = None
        self._message = text
        self.update()

    # --- zoom and pan -------------------------------------------------------------------

    def set_zoom(self, zoom: float, centre: tuple[float, float] | None = None) -> None:
        self.zoom = max(1.0, min(self.MAX_ZOOM, zoom))
        if centre is not None:
            self.centre = centre
        if self.zoom == 1.0:
            self.centre = (0.5, 0.5)
        self._clamp_centre()
        self.zoomChanged.emit(self.zoom)
        self.update()

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom * 1.5)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom / 1.5)

    def reset_zoom(self) -> None:
        self.set_zoom(1.0)

    def _clamp_centre(self) -> None:
        half = 0.5 / self.zoom
        x, y = self.centre
        self.centre = (min(max(x, half), 1 - half), min(max(y, half), 1 - half))

    def _fit_rect(self) -> QRect:
        if self._image is None:
            return self.rect()
        size = QSize(self._image.width(), self._image.height())
        size.scale(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        x = (self.width() - size.width()) // 2
        y = (self.height() - size.height()) // 2
        return QRect(x, y, size.width(), size.height())

    def target_rect(self) -> QRect:
        """Where the whole picture is painted (larger than the view when zoomed)."""
        fit = self._fit_rect()
        if self.zoom == 1.0 or self._image is None:
            return fit
        w, h = round(fit.width() * self.zoom), round(fit.height() * self.zoom)
        cx, cy = self.centre
        x = round(self.width() / 2 - cx * w)
        y = round(self.height() / 2 - cy * h)
        return QRect(x, y, w, h)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if not event.modifiers() & Qt.KeyboardModifier.ControlModifier or self._image is None:
            super().wheelEvent(event)
            return
        steps = event.angleDelta().y() / 120
        target = self.target_rect()
        pos = event.position()
        under = ((pos.x() - target.x()) / max(1, target.width()),
                 (pos.y() - target.y()) / max(1, target.height()))
        self.set_zoom(self.zoom * (1.25 ** steps))
        if self.zoom > 1.0:  # keep the picture point under the pointer where it is
            fit = self._fit_rect()
            zw, zh = fit.width() * self.zoom, fit.height() * self.zoom
            self.centre = (under[0] - (pos.x() - self.width() / 2) / zw,
                           under[1] - (pos.y() - self.height() / 2) / zh)
            self._clamp_centre()
            self.update()
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.zoom > 1.0 and event.button() == Qt.MouseButton.LeftButton:
            self._pan_from = (event.position(), self.centre)
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            start, centre = self._pan_from
            fit = self._fit_rect()
            dx = (event.position().x() - start.x()) / max(1.0, fit.width() * self.zoom)
            dy = (event.position().y() - start.y()) / max(1.0, fit.height() * self.zoom)
            self.centre = (centre[0] - dx, centre[1] - dy)
            self._clamp_centre()
            self.update()
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self.unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self.zoom > 1.0:
            self.reset_zoom()
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0))
        if self._image is not None:
            target = self.target_rect()
            if target.size() != self._image.size():
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(target, self._image)
            if self.zoom > 1.0:
                painter.setPen(QColor(255, 255, 255))
                painter.drawText(self.rect().adjusted(8, 6, -8, -6),
                                 Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight,
                                 f"zoom {self.zoom:.1f}× (double-click: fit)")
        elif self._message:
            painter.setPen(QColor(230, 230, 230))
            painter.drawText(self.rect().adjusted(12, 12, -12, -12),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self._message)
        painter.end()
        self.painted_frame = self._frame
        self.painted_at = time.perf_counter()


class PlayerWidget(QWidget):
    """The player panel over a :class:`PlayerController` (which it does not own)."""

    def __init__(self, controller: PlayerController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._bridge = _FrameBridge(self)
        self._bridge.frame_ready.connect(self._on_frame_ready)
        self._bridge.frame_failed.connect(self._on_frame_failed)
        self._live_serial = -1
        self._readout_frame: int | None = None
        self._trim_note = ""  # names the edge frame while a clip edge is dragged

        self.picture = PictureView(self)
        self.picture.setFocusProxy(self)
        self._build_controls()
        self._build_layout()

        self._unsubscribe = [
            controller.subscribe(self._on_position),
            controller.subscribe_state(self._on_state),
            controller.subscribe_frames(
                lambda n, rgb: self._bridge.frame_ready.emit(n, rgb, controller.generation)),
            controller.subscribe_frame_errors(
                lambda n, exc: self._bridge.frame_failed.emit(n, str(exc))),
        ]
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        self._on_state()
        self._on_position(controller.position)

    def _build_controls(self) -> None:
        controller = self.controller

        self.offline_label = QLabel(self)
        self.offline_label.setWordWrap(True)
        self.relink_button = QPushButton("Locate file…", self)
        self.relink_button.clicked.connect(self._choose_relink)
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")

        def button(text: str, tip: str) -> QToolButton:
            b = QToolButton(self)
            b.setText(text)
            b.setToolTip(tip)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            return b

        icons = self.style()
        pixmaps = QStyle.StandardPixmap
        self._play_icon = icons.standardIcon(pixmaps.SP_MediaPlay)
        self._pause_icon = icons.standardIcon(pixmaps.SP_MediaPause)
        self._sound_icon = icons.standardIcon(pixmaps.SP_MediaVolume)
        self._muted_icon = icons.standardIcon(pixmaps.SP_MediaVolumeMuted)
        self.start_button = button("|◀◀", "Jump to start (Home)")
        self.start_button.setIcon(icons.standardIcon(pixmaps.SP_MediaSkipBackward))
        self.back10_button = button("−10", "Back 10 frames (Shift+←)")
        self.back_button = button("◀|", "Back one frame (←)")
        self.play_button = button("Play", "Play / pause (Space)")
        self.play_button.setIcon(self._play_icon)
        self.forward_button = button("|▶", "Forward one frame (→)")
        self.forward10_button = button("+10", "Forward 10 frames (Shift+→)")
        self.end_button = button("▶▶|", "Jump to end (End)")
        self.end_button.setIcon(icons.standardIcon(pixmaps.SP_MediaSkipForward))
        self.start_button.clicked.connect(controller.go_to_start)
        self.back10_button.clicked.connect(lambda: controller.step(-10))
        self.back_button.clicked.connect(lambda: controller.step(-1))
        self.play_button.clicked.connect(controller.toggle_play)
        self.forward_button.clicked.connect(lambda: controller.step(1))
        self.forward10_button.clicked.connect(lambda: controller.step(10))
        self.end_button.clicked.connect(controller.go_to_end)

        self._build_readout_and_sound()

    def _build_readout_and_sound(self) -> None:
        controller = self.controller
        self.readout = QLabel("–", self)
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.readout.font()
        font.setFamily("monospace")
        self.readout.setFont(font)
        self.goto_edit = QLineEdit(self)
        self.goto_edit.setPlaceholderText("Go to frame or time")
        self.goto_edit.setToolTip("Type a frame number (e.g. 120) or a time (00:00:04:20, "
                                  "4.8) and press Enter")
        self.goto_edit.setMinimumWidth(
            self.goto_edit.fontMetrics().horizontalAdvance("Go to frame or time") + 24)
        self.goto_edit.returnPressed.connect(self._go_to_typed)

        self.speed_box = QComboBox(self)
        self.speed_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.speed_box.setToolTip("Playback speed (J/K/L shuttle)")
        for rate in RATES:
            self.speed_box.addItem(_rate_text(rate), rate)
        self.speed_box.activated.connect(
            lambda index: controller.set_rate(self.speed_box.itemData(index)))
        self.mute_button = QToolButton(self)
        self.mute_button.setText("Mute")
        self.mute_button.setToolTip("Mute (M)")
        self.mute_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.mute_button.setIcon(self._sound_icon)
        self.mute_button.setCheckable(True)
        self.mute_button.toggled.connect(controller.set_muted)
        self.volume_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.volume_slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.volume_slider.setRange(0, 100)
        self.volume_slider.setMinimumWidth(80)
        self.volume_slider.setMaximumWidth(140)
        self.volume_slider.setToolTip("Volume")
        self.volume_slider.valueChanged.connect(controller.set_volume)

    def _build_layout(self) -> None:
        # Two rows, so that at 1366×768 and 1280×720 (docks open) nothing is squeezed: the
        # transport and the readout, then the go-to box, speed and sound.
        transport = QHBoxLayout()
        for w in (self.start_button, self.back10_button, self.back_button, self.play_button,
                  self.forward_button, self.forward10_button, self.end_button):
            transport.addWidget(w)
        transport.addSpacing(8)
        transport.addWidget(self.readout, 1)
        extras = QHBoxLayout()
        extras.addWidget(self.goto_edit, 1)
        extras.addWidget(self.speed_box)
        extras.addWidget(self.mute_button)
        extras.addWidget(self.volume_slider)
        offline_row = QHBoxLayout()
        offline_row.addWidget(self.offline_label, 1)
        offline_row.addWidget(self.relink_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)
        layout.addWidget(self.picture, 1)
        layout.addLayout(offline_row)
        layout.addWidget(self.error_label)
        layout.addLayout(transport)
        layout.addLayout(extras)
        self._size_readout()

    def _size_readout(self) -> None:
        """The readout is never cut: room for the longest text it can show."""
        info = self.controller.info
        last = max(0, (info.frame_count - 1) if info is not None else 99999)
        longest = self._readout_text(last) if info is not None else "99999  00:00:00:00"
        metrics = self.readout.fontMetrics()
        self.readout.setMinimumWidth(metrics.horizontalAdvance(longest + "  ") + 8)

    def _readout_text(self, frame: int) -> str:
        """Frame number and the time in the chosen format (Preferences)."""
        from vigstudio.gui.time_format import labels_of, style

        info = self.controller.info
        if info is None:
            return "–"
        if style() is TimeStyle.FRAMES:
            return f"frame {frame}"
        return f"{frame}  {labels_of(info).label(frame)}"

    def set_trim_edge(self, edge: object) -> None:
        """While a clip edge is dragged on the timeline: ``(frame, "first" | "last")`` names
        the edge frame in the readout; None ends it."""
        if isinstance(edge, tuple):
            _frame, which = edge
            self._trim_note = f"  ◆ {which} frame of the clip"
        else:
            self._trim_note = ""
        self._set_readout(self._readout_frame)

    def refresh_readout(self) -> None:
        """After the time format changed."""
        self._size_readout()
        self._set_readout(self._readout_frame)

    # --- what tests and the main window read --------------------------------------------

    @property
    def shown_frame(self) -> int | None:
        """The exact frame in the picture area (None while VLC's live picture is shown)."""
        return self.picture.frame

    @property
    def readout_frame(self) -> int | None:
        """The frame number the readout names."""
        return self._readout_frame

    def is_settled(self) -> bool:
        """Paused and the picture shows exactly the controller's position."""
        c = self.controller
        return c.state is PlayerState.PAUSED and self.picture.frame == c.position

    def closeEvent(self, event: object) -> None:
        self.shutdown()

    def shutdown(self) -> None:
        """Stop the timer and unsubscribe from the controller."""
        self._timer.stop()
        for unsubscribe in self._unsubscribe:
            with contextlib.suppress(ValueError):
                unsubscribe()
        self._unsubscribe = []

    # --- controller events --------------------------------------------------------------

    def _on_position(self, frame: int) -> None:
        c = self.controller
        if c.state is PlayerState.PLAYING or (c.state is PlayerState.OFFLINE and c.info):
            self._set_readout(frame)

    def _on_state(self) -> None:
        c = self.controller
        state = c.state
        if c.info is not getattr(self, "_sized_for", None):
            self._sized_for = c.info
            self._size_readout()
        self.play_button.setIcon(self._pause_icon if c.is_playing else self._play_icon)
        self.play_button.setText("Pause" if c.is_playing else "Play")
        offline = state is PlayerState.OFFLINE
        self.offline_label.setVisible(offline)
        self.relink_button.setVisible(offline)
        if offline:
            text = f"Offline: the video file is missing ({c.path})."
            self.offline_label.setText(text + " Use “Locate file…” to point to it.")
            self.picture.show_message(f"Offline\n{c.path}")
            self._set_readout(c.position if c.info else None)
        elif state is PlayerState.EMPTY:
            self.picture.show_message("No recording open")
            self._set_readout(None)
        self.error_label.setVisible(bool(c.error))
        self.error_label.setText(c.error or "")
        index = RATES.index(c.rate) if c.rate in RATES else -1
        if index >= 0 and index != self.speed_box.currentIndex():
            self.speed_box.setCurrentIndex(index)
        if self.volume_slider.value() != c.volume:
            self.volume_slider.blockSignals(True)
            self.volume_slider.setValue(c.volume)
            self.volume_slider.blockSignals(False)
        if self.mute_button.isChecked() != c.muted:
            self.mute_button.blockSignals(True)
            self.mute_button.setChecked(c.muted)
            self.mute_button.blockSignals(False)
        self.mute_button.setIcon(self._muted_icon if c.muted else self._sound_icon)

    @Slot(int, object, int)
    def _on_frame_ready(self, frame: int, rgb: object, generation: int) -> None:
        c = self.controller
        if c.state is PlayerState.PLAYING or generation != c.generation:
            return  # VLC paints now, or a frame of the previously loaded recording
        # Frames arrive in the order they were asked for, the last one being the position:
        # showing each (with its own readout) keeps a held arrow key or reverse play moving.
        assert isinstance(rgb, np.ndarray)
        self.picture.show_rgb(frame, rgb)
        self._set_readout(frame)

    @Slot(int, str)
    def _on_frame_failed(self, frame: int, message: str) -> None:
        if frame == self.controller.position:
            self.picture.show_message(message)
            self._set_readout(frame)

    def _tick(self) -> None:
        c = self.controller
        c.tick()
        if c.state is PlayerState.PLAYING and c.backend is not None:
            serial, picture = c.backend.sink.latest()
            if picture is not None and serial != self._live_serial:
                self._live_serial = serial
                self.picture.show_bgrx(picture)

    def _set_readout(self, frame: int | None) -> None:
        self._readout_frame = frame
        text = self._readout_text(frame) if frame is not None else "–"
        self.readout.setText(text + self._trim_note)

    # --- user actions -------------------------------------------------------------------

    def _go_to_typed(self) -> None:
        text = self.goto_edit.text()
        try:
            self.controller.go_to(text)
        except (TimecodeError, ValueError) as exc:
            self.goto_edit.setToolTip(str(exc))
            self.goto_edit.setStyleSheet("background: #ffe0e0;")
            return
        self.goto_edit.setStyleSheet("")
        self.goto_edit.setToolTip("")
        self.setFocus()

    def _choose_relink(self) -> None:
        old = self.controller.path
        start = str(old.parent) if old is not None and old.parent.exists() else ""
        chosen, _ = QFileDialog.getOpenFileName(self, "Locate the video file", start)
        if chosen:
            self.relink_to(Path(chosen))

    def relink_to(self, path: Path) -> None:
        """Relink the offline recording to ``path``; shows the error if that fails."""
        try:
            self.controller.relink(path)
        except VigError as exc:
            self.error_label.setText(str(exc))
            self.error_label.setVisible(True)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        ratio = self.devicePixelRatioF()
        size = self.picture.size()
        self.controller.set_display_size(
            (max(16, int(size.width() * ratio)), max(16, int(size.height() * ratio))))

    # the player's keys come from the one table of actions (gui/actions.py)
    def play_pause(self) -> None:
        """Space: play at the chosen speed (a J/L shuttle speed does not stick), or pause."""
        self.controller.toggle_play()

    def back(self) -> None:
        self.controller.step(-1)

    def forward(self) -> None:
        self.controller.step(1)

    def back10(self) -> None:
        self.controller.step(-10)

    def forward10(self) -> None:
        self.controller.step(10)

    def back_second(self) -> None:
        self.controller.step_seconds(-1)

    def forward_second(self) -> None:
        self.controller.step_seconds(1)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        from vigstudio.gui import actions

        name = actions.shortcut_map("player").get(actions.key_of_event(event))
        if name is None:
            super().keyPressEvent(event)
            return
        if not (name == "play_pause" and event.isAutoRepeat()):
            target = getattr(self, name, None) or getattr(self.controller, name)
            target()
        event.accept()
