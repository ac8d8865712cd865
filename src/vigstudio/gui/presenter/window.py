"""Presenter mode: the reel full screen for the parent, nothing else of the case.

The window shows one picture (the app's player widget with its transport, readout, go-to box
and relink button hidden), a caption in large type, and a bar of large, calm buttons. Keys:
Space play/pause, ←/→ one frame, R replay, S slow motion, Page Up/Down previous/next item,
N the notes pane, Escape leaves (back to the editor). There are no menus, no file dialogs,
no tags and no file names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QImage,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app.pictures import render_caption, render_title_card
from vigstudio.app.player import PlayerController
from vigstudio.app.presenter import Presentation
from vigstudio.app.session import CaseSession
from vigstudio.domain.reels import ItemKind
from vigstudio.gui.player.widget import PlayerWidget
from vigstudio.gui.presenter.notes import NotesPane

__all__ = ["PresenterWindow"]

_BACKGROUND = "#14181d"


def _bar_style(font_px: int) -> str:
    """Large, calm controls; the type grows with the screen (``font_px``)."""
    return f"""
QWidget#controls {{ background: #1d232b; }}
QPushButton {{ color: #e8e4dc; background: #2a323c; border: none;
               border-radius: {font_px // 2}px; padding: {font_px // 2}px {font_px}px;
               font-size: {font_px}px; min-height: {font_px * 2}px; }}
QPushButton:hover {{ background: #36404c; }}
QPushButton:checked {{ background: #4d5f52; }}
QPushButton:disabled {{ color: #6b717a; }}
QLabel#counter {{ color: #b9b4aa; font-size: {font_px}px; padding: 0 {font_px // 2}px; }}
"""


UNAVAILABLE = "This part of the film is not on this computer."


class _PresenterPicture(PlayerWidget):
    """The player widget showing only its picture (no transport, readout or file names)."""

    def __init__(self, controller: PlayerController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = self.layout()
        if layout is not None:
            layout.setContentsMargins(0, 0, 0, 0)
        self._hide_chrome()

    def _hide_chrome(self) -> None:
        for child in self.findChildren(QWidget):
            if child is not self.picture and not self.picture.isAncestorOf(child):
                child.hide()

    def _on_state(self) -> None:
        super()._on_state()
        self._hide_chrome()  # the offline label, relink button and errors stay hidden
        if self.controller.offline:  # never the file's path on the parent's screen
            self.picture.show_message(UNAVAILABLE)

    def _on_frame_failed(self, frame: int, message: str) -> None:
        if frame == self.controller.position:  # the decoder's message may name the file
            self.picture.show_message(UNAVAILABLE)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        event.ignore()  # every key goes to the presenter window


class CardView(QWidget):
    """A title card as exported (the same drawing), or a calm message, filling the widget."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.text = ""
        self.caption = ""
        self.message = ""
        self._image: QImage | None = None
        self._keep: np.ndarray | None = None

    def show_card(self, text: str, caption: str) -> None:
        self.text, self.caption, self.message = text, caption, ""
        self._render()

    def show_message(self, message: str) -> None:
        self.text, self.caption, self.message = "", "", message
        self._image = None
        self.update()

    def _render(self) -> None:
        if not self.text:
            return
        w, h = max(16, self.width()), max(16, self.height())
        rgb = np.ascontiguousarray(render_title_card(self.text, w, h, self.caption))
        self._keep = rgb
        self._image = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888)
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._render()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(_BACKGROUND))
        if self._image is not None:
            painter.drawImage(self.rect(), self._image)
        elif self.message:
            font = painter.font()
            font.setPixelSize(max(18, self.height() // 18))
            painter.setFont(font)
            painter.setPen(QColor(220, 216, 208))
            painter.drawText(self.rect().adjusted(40, 40, -40, -40),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.message)
        painter.end()


class CaptionBand(QWidget):
    """The caption or question over the bottom of the picture, drawn exactly as the export
    burns it in (:func:`vigstudio.media.captions.render_caption`: the same font, size and
    band, relative to the picture's height), so the parent sees what the exported reel
    shows. ``aspect()`` gives the picture's width/height (None: the whole stage)."""

    def __init__(self, parent: QWidget, aspect: Callable[[], float | None]) -> None:
        super().__init__(parent)
        self.aspect = aspect
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._text = ""
        self._image: QImage | None = None
        self._keep: np.ndarray | None = None
        self._top = 0
        self.hide()

    def text(self) -> str:
        return self._text

    def show_text(self, text: str) -> None:
        self._text = text.strip()
        self.setVisible(bool(self._text))
        self.place()

    def picture_rect(self) -> QRect:
        host = self.parentWidget()
        assert host is not None
        ratio = self.aspect()
        if not ratio:
            return host.rect()
        size = QSize(round(1000 * ratio), 1000)
        size.scale(host.size(), Qt.AspectRatioMode.KeepAspectRatio)
        return QRect((host.width() - size.width()) // 2, (host.height() - size.height()) // 2,
                     size.width(), size.height())

    def place(self) -> None:
        if not self._text:
            self._image = None
            return
        rect = self.picture_rect()
        overlay = render_caption(self._text, max(16, rect.width()), max(16, rect.height()))
        if overlay is None:
            return
        alpha = 1.0 - overlay.keep
        rgba = np.concatenate([overlay.color, alpha * 255.0], axis=2)
        self._keep = np.ascontiguousarray(np.clip(rgba + 0.5, 0, 255).astype(np.uint8))
        h, w = self._keep.shape[:2]
        self._image = QImage(self._keep.data, w, h, 4 * w,
                             QImage.Format.Format_RGBA8888_Premultiplied)
        self.setGeometry(QRect(rect.x(), rect.y() + overlay.top, w, h))
        self.raise_()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._image is not None:
            painter = QPainter(self)
            painter.drawImage(0, 0, self._image)
            painter.end()


class PresenterWindow(QWidget):
    """One reel, full screen, for the parent. Emits ``left`` when it closes (Escape)."""

    left = Signal()

    def __init__(self, session: CaseSession, presentation: Presentation, *,
                 notes_apart: bool = False, today: Callable[[], dt.date] = dt.date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.session = session
        self.presentation = presentation
        self.player = presentation.player
        self.setWindowTitle("Shared review")
        self.setObjectName("presenter")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.set_type_size(22)
        self.setCursor(Qt.CursorShape.ArrowCursor)

        self.picture = _PresenterPicture(self.player, self)
        self.card = CardView(self)
        self.stage = QStackedWidget(self)
        self.stage.addWidget(self.picture)
        self.stage.addWidget(self.card)
        self.caption = CaptionBand(self.stage, self._picture_aspect)
        self.notes = NotesPane(session, presentation, today=today)
        self.notes_window: QWidget | None = None
        self._build(notes_apart)
        self._unsubscribe = [presentation.subscribe(self._show_slide),
                             self.player.subscribe_state(self._on_player_state)]
        self._closed = False

    # --- layout -------------------------------------------------------------------------

    def set_type_size(self, font_px: int) -> None:
        self.setStyleSheet(f"QWidget#presenter {{ background: {_BACKGROUND}; }}"
                           + _bar_style(font_px))

    def _button(self, text: str, tip: str, slot: Callable[[], object], *,
                refocus: bool = True) -> QPushButton:
        b = QPushButton(text, self.controls)
        b.setToolTip(tip)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        def clicked(_checked: bool = False) -> None:
            slot()
            if refocus:  # keys keep working on the presentation after a click
                self.setFocus()

        b.clicked.connect(clicked)
        return b

    def _build(self, notes_apart: bool) -> None:
        p = self.presentation
        self.controls = QWidget(self)
        self.controls.setObjectName("controls")
        self.controls.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.previous_button = self._button("◀  Previous", "Previous item (Page Up)",
                                            p.previous)
        self.replay_button = self._button("↺  Again", "Replay this clip (R)", p.replay)
        self.play_button = self._button("▶  Play", "Play / pause (Space)", p.toggle_play)
        self.slow_button = self._button("Slow", "Slow motion (S)", p.toggle_slow)
        self.slow_button.setCheckable(True)
        self.next_button = self._button("Next  ▶", "Next item (Page Down)", p.next)
        self.counter = QLabel("", self.controls)
        self.counter.setObjectName("counter")
        self.notes_button = self._button("Notes", "The practitioner's notes (N)",
                                         self.toggle_notes, refocus=False)
        self.leave_button = self._button("Leave", "Back to the editor (Escape)", self.close,
                                         refocus=False)
        bar = QHBoxLayout(self.controls)
        bar.setContentsMargins(16, 10, 16, 10)
        bar.setSpacing(10)
        bar.addWidget(self.previous_button)
        bar.addWidget(self.replay_button)
        bar.addWidget(self.play_button)
        bar.addWidget(self.slow_button)
        bar.addWidget(self.next_button)
        bar.addWidget(self.counter)
        bar.addStretch(1)
        bar.addWidget(self.notes_button)
        bar.addWidget(self.leave_button)

        top = QHBoxLayout()  # the picture, and the notes pane beside it when shown
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(0)
        top.addWidget(self.stage, 1)
        outer = QVBoxLayout(self)
        outer.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)  # never wider than
        outer.setContentsMargins(0, 0, 0, 0)  # the screen, however small
        outer.setSpacing(0)
        outer.addLayout(top, 1)
        outer.addWidget(self.controls)
        if notes_apart:  # the practitioner's own screen
            window = QWidget(None, Qt.WindowType.Window)
            window.setWindowTitle("Shared review — notes")
            layout = QVBoxLayout(window)
            layout.addWidget(self.notes)
            self.notes_window = window
            self.notes_button.hide()
        else:
            self.notes.setParent(self)
            self.notes.setFixedWidth(420)
            top.addWidget(self.notes)
            self.notes.hide()
        self.notes.escaped.connect(self.setFocus)

    # --- showing ------------------------------------------------------------------------

    def start(self, index: int = 0) -> None:
        self.presentation.show(index)
        if self.notes_window is not None:
            self.notes_window.show()
        self.setFocus()

    def _show_slide(self) -> None:
        p = self.presentation
        slide = p.slide
        self.counter.setText(f"{p.index + 1} / {p.count}")
        self.previous_button.setEnabled(p.index > 0)
        self.next_button.setEnabled(p.index < p.count - 1)
        moving = slide.kind is ItemKind.CLIP and slide.available
        self.replay_button.setEnabled(moving)
        self.play_button.setEnabled(moving)
        self.slow_button.setEnabled(moving)
        self.slow_button.setChecked(p.slow)
        if not slide.available or p.error:
            self.card.show_message(UNAVAILABLE)
            self.stage.setCurrentWidget(self.card)
            self.caption.show_text(slide.caption if slide.kind is ItemKind.STILL else "")
        elif slide.kind is ItemKind.TITLE:
            self.card.show_card(slide.text, slide.caption)
            self.stage.setCurrentWidget(self.card)
            self.caption.show_text("")
        else:
            self.stage.setCurrentWidget(self.picture)
            self.caption.show_text(slide.caption)
        self.notes.show_item()
        self._on_player_state()

    def _picture_aspect(self) -> float | None:
        """Width/height of the picture on the stage (None: a card fills the stage)."""
        info = self.player.info
        if self.stage.currentWidget() is not self.picture or info is None:
            return None
        w, h = info.display_size
        return w / h if h else None

    def _on_player_state(self) -> None:
        playing = self.player.is_playing
        self.play_button.setText("❚❚  Pause" if playing else "▶  Play")

    def toggle_notes(self) -> None:
        """N: the notes pane in or out of view (on one screen); focus goes to the words."""
        if self.notes_window is not None:
            self.notes_window.raise_()
            self.notes_window.activateWindow()
            self.notes.words.setFocus()
            return
        visible = not self.notes.isVisible()
        self.notes.setVisible(visible)
        if visible:
            self.notes.words.setFocus()
        else:
            self.setFocus()
        self.caption.place()

    # --- keys and leaving ---------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        p = self.presentation
        key = event.key()
        actions: dict[int, Callable[[], object]] = {
            Qt.Key.Key_Space: p.toggle_play,
            Qt.Key.Key_Left: lambda: p.step(-1),
            Qt.Key.Key_Right: lambda: p.step(1),
            Qt.Key.Key_R: p.replay,
            Qt.Key.Key_S: p.toggle_slow,
            Qt.Key.Key_PageUp: p.previous,
            Qt.Key.Key_PageDown: p.next,
            Qt.Key.Key_N: self.toggle_notes,
            Qt.Key.Key_Escape: self.close,
        }
        action = actions.get(key)
        if action is None or (key == Qt.Key.Key_Space and event.isAutoRepeat()):
            super().keyPressEvent(event)
            return
        action()
        event.accept()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.caption.place()

    def sizeHint(self) -> QSize:
        return QSize(1280, 720)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed:
            self._closed = True
            self.notes.commit_pending()
            for unsubscribe in self._unsubscribe:
                unsubscribe()
            self._unsubscribe = []
            self.presentation.close()
            self.notes.shutdown()
            self.picture.shutdown()
            if self.notes_window is not None:
                self.notes_window.close()
                self.notes_window.deleteLater()
            self.left.emit()
        super().closeEvent(event)

