"""The player panel with real libVLC (video callbacks) and barcode video, Qt offscreen.

After any sequence of play, pause, seek and steps, the picture the widget shows (read from
``grab()``) carries the frame number the readout names, and that is the controller's position.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from vigstudio.app.player import PlayerController, PlayerState
from vigstudio.gui.player.widget import PlayerWidget
from vigstudio.media.playback import VlcBackend
from vigstudio.media.probe import probe_in_process
from vigstudio.testing.synth import make_barcode_video, read_barcode


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("player_gui")
    return {
        "cfr": make_barcode_video(folder / "cfr.mp4", width=320, height=180, frames=90, gop=25),
        "vfr": make_barcode_video(folder / "vfr.mp4", width=320, height=180, gop=12,
                                  frame_durations=[3000, 3000, 6000, 1500] * 15),
        "rot": make_barcode_video(folder / "rot.mp4", width=320, height=180, frames=50,
                                  gop=20, rotation=90, audio=False),
    }


@pytest.fixture
def player(qtbot: QtBot) -> Iterator[PlayerWidget]:
    controller = PlayerController(backend_factory=lambda: VlcBackend(audio=False),
                                  probe=probe_in_process)
    widget = PlayerWidget(controller)
    qtbot.addWidget(widget)
    widget.resize(520, 380)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.shutdown()
    controller.close()


def shown_barcode(widget: PlayerWidget) -> int:
    image = widget.picture.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    w, h = image.width(), image.height()
    data = np.frombuffer(image.constBits(), np.uint8, count=image.bytesPerLine() * h)
    rgb = data.reshape(h, image.bytesPerLine())[:, : w * 3].reshape(h, w, 3)
    return read_barcode(rgb)


def check_consistent(widget: PlayerWidget) -> None:
    """Whenever an exact frame is shown, picture, readout (and when settled, position) agree."""
    if widget.shown_frame is not None:
        assert shown_barcode(widget) == widget.shown_frame == widget.readout_frame


def settle(qtbot: QtBot, widget: PlayerWidget) -> int:
    qtbot.waitUntil(widget.is_settled, timeout=5000)
    frame = widget.controller.position
    assert shown_barcode(widget) == frame
    assert widget.readout_frame == frame
    assert widget.readout.text().startswith(f"{frame} ")
    return frame


def press(widget: PlayerWidget, key: Qt.Key,
          mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(widget, key, mods)


@pytest.mark.parametrize("kind", ["cfr", "vfr", "rot"])
def test_random_sequences_show_the_named_frame(kind: str, media: dict[str, Path],
                                               player: PlayerWidget, qtbot: QtBot) -> None:
    c = player.controller
    c.load(media[kind])
    assert settle(qtbot, player) == 0
    rnd = random.Random(hash(kind) & 0xFFFF)
    count = c.frame_count
    for _ in range(24):
        action = rnd.choice(["play", "seek", "right", "left", "shift_right", "shift_left",
                             "ctrl_right", "home", "end", "hold"])
        if action == "play":
            press(player, Qt.Key.Key_Space)
            assert c.state is PlayerState.PLAYING or c.position >= count - 1
            qtbot.wait(rnd.randrange(80, 400))
            check_consistent(player)
            if c.is_playing:
                press(player, Qt.Key.Key_Space)
        elif action == "seek":
            c.seek(rnd.randrange(count))
        elif action == "right":
            press(player, Qt.Key.Key_Right)
        elif action == "left":
            press(player, Qt.Key.Key_Left)
        elif action == "shift_right":
            press(player, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
        elif action == "shift_left":
            press(player, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
        elif action == "ctrl_right":
            press(player, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
        elif action == "home":
            press(player, Qt.Key.Key_Home)
        elif action == "end":
            press(player, Qt.Key.Key_End)
        elif action == "hold":  # auto-repeat: many presses without waiting
            for _ in range(6):
                QTest.keyPress(player, Qt.Key.Key_Left)
                check_consistent(player)
        check_consistent(player)
        settle(qtbot, player)


def test_step_keys_move_exactly(media: dict[str, Path], player: PlayerWidget,
                                qtbot: QtBot) -> None:
    c = player.controller
    c.load(media["cfr"])
    settle(qtbot, player)
    press(player, Qt.Key.Key_Right)
    assert settle(qtbot, player) == 1
    press(player, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert settle(qtbot, player) == 11
    press(player, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert settle(qtbot, player) == 36
    press(player, Qt.Key.Key_Left)
    assert settle(qtbot, player) == 35
    press(player, Qt.Key.Key_End)
    assert settle(qtbot, player) == 89
    press(player, Qt.Key.Key_Home)
    assert settle(qtbot, player) == 0
    player.goto_edit.setText("00:00:02:05")
    QTest.keyClick(player.goto_edit, Qt.Key.Key_Return)
    assert settle(qtbot, player) == 55
    player.goto_edit.setText("nonsense")
    QTest.keyClick(player.goto_edit, Qt.Key.Key_Return)
    assert c.position == 55
    assert "background" in player.goto_edit.styleSheet()


def test_vfr_readout_shows_clock_time(media: dict[str, Path], player: PlayerWidget,
                                      qtbot: QtBot) -> None:
    c = player.controller
    c.load(media["vfr"])
    c.seek(3)
    settle(qtbot, player)
    # frames 0..3 last 3000, 3000, 6000 ticks of 1/90000 s: frame 3 starts at 0.133 s
    assert player.readout.text() == "3  00:00:00.133"


def test_rotated_picture_is_upright_while_playing(media: dict[str, Path], player: PlayerWidget,
                                                  qtbot: QtBot) -> None:
    c = player.controller
    c.load(media["rot"])
    settle(qtbot, player)
    press(player, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: player.shown_frame is None and player.picture.painted_at > 0,
                    timeout=3000)
    qtbot.wait(100)
    live = shown_barcode(player)  # VLC's picture: upright too, else no barcode would read
    assert 0 <= live < c.frame_count
    press(player, Qt.Key.Key_Space)
    settle(qtbot, player)


def test_jkl_shuttle(media: dict[str, Path], player: PlayerWidget, qtbot: QtBot) -> None:
    c = player.controller
    c.load(media["cfr"])
    c.seek(60)
    settle(qtbot, player)
    press(player, Qt.Key.Key_J)
    assert c.state is PlayerState.REVERSE
    qtbot.wait(300)
    press(player, Qt.Key.Key_K)
    back = settle(qtbot, player)
    assert back < 60
    press(player, Qt.Key.Key_L)
    assert c.state is PlayerState.PLAYING and c.rate == 1
    press(player, Qt.Key.Key_L)
    assert c.rate == 2
    press(player, Qt.Key.Key_K)
    settle(qtbot, player)
    player.speed_box.setCurrentIndex(0)
    player.speed_box.activated.emit(0)
    assert c.rate == Fraction(1, 8)


def test_offline_then_relink(media: dict[str, Path], player: PlayerWidget, qtbot: QtBot,
                             tmp_path: Path) -> None:
    c = player.controller
    missing = tmp_path / "moved_away.mp4"
    info = probe_in_process(media["cfr"])
    c.load(missing, info)
    assert c.state is PlayerState.OFFLINE
    assert player.relink_button.isVisibleTo(player)
    assert "missing" in player.offline_label.text()
    press(player, Qt.Key.Key_Right)  # the position still works for the timeline
    assert c.position == 1
    assert player.readout_frame == 1
    seen: list[tuple[Path | None, Path]] = []
    c.set_relink_handler(lambda old, new: seen.append((old, new)))
    player.relink_to(media["cfr"])
    assert seen == [(missing, media["cfr"])]
    assert c.state is PlayerState.PAUSED
    settle(qtbot, player)
    assert not player.relink_button.isVisibleTo(player)


def test_not_playable_file_gives_clear_message(player: PlayerWidget, tmp_path: Path) -> None:
    junk = tmp_path / "holiday.mp4"
    junk.write_text("this is a text file with a video name\n" * 40)
    from vigstudio.errors import NotMediaError
    with pytest.raises(NotMediaError, match=r"holiday\.mp4"):
        player.controller.load(junk)


def test_file_vlc_cannot_play_shows_the_message(media: dict[str, Path], player: PlayerWidget,
                                                qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "swapped.mp4"
    path.write_bytes(media["cfr"].read_bytes())
    c = player.controller
    c.load(path)  # PyAV keeps the real file open; VLC will open the junk put in its place
    settle(qtbot, player)
    junk = tmp_path / "junk.tmp"
    junk.write_text("not a video any more\n" * 300)
    junk.replace(path)
    press(player, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: c.state is PlayerState.PAUSED, timeout=5000)
    assert player.error_label.isVisibleTo(player)
    assert "VLC cannot play swapped.mp4" in player.error_label.text()
    assert settle(qtbot, player) == 0
