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
from PySide6.QtCore import QObject, QRect, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QImage, QKeyEvent, QPainter, QPaintEvent, QResizeEvent
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

from vigstudio.app.pictures import RGBFrame
from vigstudio.app.player import RATES, PlayerController, PlayerState
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
    """Paints one picture, fitted with black bars; remembers what it painted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 90)
        self._image: QImage | None = None
        self._keep: object = None  # the array the QImage points into
        self._frame: int | None = None
        self._message = ""
        self.painted_frame: int | None = None  # exact frame in the last paint (None: live)
        self.painted_at = 0.0  # time.perf_counter() of the last paint

    @property
    def frame(self) -> int | None:
        """The exact frame being shown, or None (live VLC picture, message, nothing)."""
        return self._frame

    def show_rgb(self, frame: int | None, rgb: RGBFrame) -> None:
        h, w = rgb.shape[:2]
        self._keep = rgb
        self._image = QImage(rgb.data, w, h, rgb.strides[0], QImage.Format.Format_RGB888)
        self._frame = frame
        self._message = ""
        self.update()

    def show_bgrx(self, bgrx: np.ndarray) -> None:
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

    def target_rect(self) -> QRect:
        if self._image is None:
            return self.rect()
        size = QSize(self._image.width(), self._image.height())
        size.scale(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        x = (self.width() - size.width()) // 2
        y = (self.height() - size.height()) // 2
        return QRect(x, y, size.width(), size.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0))
        if self._image is not None:
            target = self.target_rect()
            if target.size() != self._image.size():
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(target, self._image)
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
        self.goto_edit.setPlaceholderText("Go to frame / timecode")
        self.goto_edit.setMaximumWidth(170)
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
        self.volume_slider.setMaximumWidth(110)
        self.volume_slider.setToolTip("Volume")
        self.volume_slider.valueChanged.connect(controller.set_volume)

    def _build_layout(self) -> None:
        transport = QHBoxLayout()
        for w in (self.start_button, self.back10_button, self.back_button, self.play_button,
                  self.forward_button, self.forward10_button, self.end_button):
            transport.addWidget(w)
        transport.addSpacing(8)
        transport.addWidget(self.readout, 1)
        transport.addWidget(self.goto_edit)
        transport.addWidget(self.speed_box)
        transport.addWidget(self.mute_button)
        transport.addWidget(self.volume_slider)
        offline_row = QHBoxLayout()
        offline_row.addWidget(self.offline_label, 1)
        offline_row.addWidget(self.relink_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.picture, 1)
        layout.addLayout(offline_row)
        layout.addWidget(self.error_label)
        layout.addLayout(transport)

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
        self.readout.setText(self.controller.label(frame) if frame is not None else "–")

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

    def keyPressEvent(self, event: QKeyEvent) -> None:
        c = self.controller
        key = event.key()
        mods = event.modifiers()
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            sign = 1 if key == Qt.Key.Key_Right else -1
            if ctrl:
                c.step_seconds(sign)
            else:
                c.step(sign * (10 if shift else 1))
        elif key == Qt.Key.Key_Space:
            if not event.isAutoRepeat():
                c.toggle_play()
        elif key == Qt.Key.Key_Home:
            c.go_to_start()
        elif key == Qt.Key.Key_End:
            c.go_to_end()
        elif key == Qt.Key.Key_J:
            c.shuttle_reverse()
        elif key == Qt.Key.Key_K:
            c.shuttle_stop()
        elif key == Qt.Key.Key_L:
            c.shuttle_forward()
        elif key == Qt.Key.Key_M:
            c.toggle_mute()
        else:
            super().keyPressEvent(event)
            return
        event.accept()
