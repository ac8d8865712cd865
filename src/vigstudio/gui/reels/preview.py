"""Preview a reel in the player from the project, without exporting it first.

Items play one after another: a clip from its in to its out point at its speed, then its
freeze; a still is held for its time; a title card's text is shown for its time.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from PySide6.QtCore import QObject, QTimer, Signal

from vigstudio.app.pictures import render_title_card
from vigstudio.app.player import PlayerController
from vigstudio.app.session import CaseSession
from vigstudio.domain.reels import ItemKind, ReelItem
from vigstudio.errors import VigError
from vigstudio.gui.player.widget import PlayerWidget

TITLE_SIZE = (960, 540)  # a title card as previewed (the export draws it at the reel's size)


class ReelPreview(QObject):
    """Plays a reel's items in order. ``show_recording(id)`` puts a recording in the player.

    Signals: ``itemStarted(index)``, ``finished()``, ``message(str)``.
    """

    itemStarted = Signal(int)
    finished = Signal()
    message = Signal(str)

    def __init__(self, session: CaseSession, player: PlayerController, widget: PlayerWidget,
                 show_recording: Callable[[int], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.player = player
        self.widget = widget
        self.show_recording = show_recording
        self.items: tuple[ReelItem, ...] = ()
        self.index = -1
        self.only_one = False
        self._first = 0
        self._waiting_for_end = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._next)
        self._unsubscribe = player.subscribe_state(self._on_player_state)

    @property
    def active(self) -> bool:
        return self.index >= 0

    def start(self, reel_id: int, first: int = 0, *, only_one: bool = False) -> None:
        self.stop()
        self.items = self.session.reel(reel_id).items
        self.only_one = only_one
        self.index = first - 1
        self._first = first
        self._next()

    def stop(self) -> None:
        was_active = self.active
        self.widget.picture.set_caption("")
        self.widget.picture.set_marks(())
        self._timer.stop()
        self._waiting_for_end = False
        self.index = -1
        if self.player.is_playing:
            self.player.pause()
        if was_active:
            self.finished.emit()

    def close(self) -> None:
        self.stop()
        self._unsubscribe()

    def _next(self) -> None:
        if self.only_one and self.index >= self._first:  # that one item has played
            self.stop()
            return
        self.index += 1
        if not 0 <= self.index < len(self.items):
            self.stop()
            return
        item = self.items[self.index]
        self.itemStarted.emit(self.index)
        if item.caption:
            self.message.emit(f"Item {self.index + 1}: {item.caption}")
        try:
            self._play(item)
        except (VigError, ValueError) as exc:
            self.message.emit(f"Cannot preview item {self.index + 1}: {exc}")
            self._timer.start(1500)

    def burned_caption(self, item: ReelItem) -> str:
        """The caption the export burns into this item's pictures ("" for none)."""
        if not item.burn_caption:
            return ""
        if item.kind is ItemKind.CLIP and item.clip_id is not None:
            return item.caption or self.session.clip(item.clip_id).caption
        if item.kind is ItemKind.STILL and item.still_id is not None:
            return item.caption or self.session.still(item.still_id).caption
        return item.caption

    def _play(self, item: ReelItem) -> None:
        """Show the item as the export will: a burned caption is drawn into the picture, a
        title card is the export's own card."""
        hold_ms = int(item.hold * 1000)
        picture = self.widget.picture
        picture.set_marks(())
        if item.kind is ItemKind.TITLE:
            picture.set_caption("")
            width, height = TITLE_SIZE
            picture.show_rgb(None, render_title_card(item.title_text, width, height,
                                                     self.burned_caption(item)))
            self._timer.start(hold_ms)
        elif item.kind is ItemKind.STILL:
            assert item.still_id is not None
            still = self.session.still(item.still_id)
            self.show_recording(still.recording_id)
            picture.set_caption(self.burned_caption(item))
            picture.set_marks(still.marks)
            self.player.seek(still.frame)
            self.player.refresh_frame()
            self._timer.start(hold_ms)
        else:
            assert item.clip_id is not None
            clip = self.session.clip(item.clip_id)
            self.show_recording(clip.recording_id)
            picture.set_caption(self.burned_caption(item))
            self.player.set_rate(item.speed)
            self.player.play_range(clip.range)
            self._waiting_for_end = True

    def _on_player_state(self) -> None:
        if not self._waiting_for_end or self.player.is_playing:
            return
        self._waiting_for_end = False
        item = self.items[self.index]
        if item.speed != 1:
            self.player.set_rate(Fraction(1))
        self._timer.start(int(item.freeze_last * 1000))
