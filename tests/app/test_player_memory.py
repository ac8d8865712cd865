"""What the player gives back while it plays or pauses (real libVLC, callbacks, no sound)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from vigstudio.app.player import (
    BIG_VIDEO_DECODER_THREADS,
    STOP_VLC_WHEN_PAUSED_ABOVE,
    PlayerController,
    PlayerState,
)
from vigstudio.media.playback import PlaybackState, VlcBackend, media_options
from vigstudio.media.probe import probe_in_process
from vigstudio.testing.synth import make_barcode_video, read_barcode


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("player_memory")
    return {
        "small": make_barcode_video(folder / "small.mp4", width=320, height=180, frames=75,
                                    gop=25),
        # beyond 1080p (2048×1152), as 4K phone video is, but cheap to make
        "big": make_barcode_video(folder / "big.mp4", width=2048, height=1152, frames=50,
                                  gop=25),
    }


@pytest.fixture
def player() -> Iterator[tuple[PlayerController, dict[int, int]]]:
    controller = PlayerController(backend_factory=lambda: VlcBackend(audio=False),
                                  probe=probe_in_process, display_size=(320, 320))
    shown: dict[int, int] = {}

    def seen(n: int, rgb: np.ndarray) -> None:
        shown[n] = read_barcode(rgb)

    controller.subscribe_frames(seen)
    yield controller, shown
    controller.close()


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)


def test_vlc_options_name_the_start_and_the_decoder_threads() -> None:
    assert media_options(0) == ()
    assert media_options(1500) == (":start-time=1.500",)
    assert media_options(0, decoder_threads=2) == (":avcodec-threads=2",)
    assert media_options(40, decoder_threads=0) == (":start-time=0.040", ":avcodec-threads=1")


def test_small_recordings_keep_their_frames_and_vlc_while_playing(
        player: tuple[PlayerController, dict[int, int]], media: dict[str, Path]) -> None:
    c, shown = player
    c.load(media["small"])
    c.seek(30)
    wait_for(lambda: shown.get(30) == 30, "frame 30")
    reader = c.reader
    assert reader is not None
    wait_for(lambda: reader.stats["cached"] > 5, "frames kept around the playhead")
    c.play()
    assert c.state is PlayerState.PLAYING
    backend = c.backend
    assert backend is not None
    wait_for(lambda: (c.tick(), backend.sink.serial > 0)[1], "VLC's first picture")
    assert backend._options == ()  # a small recording: VLC decodes as it likes
    assert reader.stats["cached"] > 5  # and the frames near the playhead stay
    c.pause()
    wait_for(lambda: backend.state() is PlaybackState.PAUSED, "VLC paused (not stopped)")
    frame = c.position
    wait_for(lambda: shown.get(frame) == frame, f"exact frame {frame} after pausing")


def test_big_recordings_stop_vlc_when_paused_and_play_on_from_there(
        player: tuple[PlayerController, dict[int, int]], media: dict[str, Path]) -> None:
    c, shown = player
    c.load(media["big"])
    info = c.info
    assert info is not None and info.width * info.height > STOP_VLC_WHEN_PAUSED_ABOVE
    backend = c.backend
    assert backend is not None
    assert backend._options == (f":avcodec-threads={BIG_VIDEO_DECODER_THREADS}",)
    c.seek(10)
    wait_for(lambda: shown.get(10) == 10, "frame 10")
    reader = c.reader
    assert reader is not None and reader.stats["cached"] > 0
    c.play()
    wait_for(lambda: reader.stats["cached"] == 0 and reader.stats["bytes"] == 0,
             "the exact frames' cache given back while playing")
    wait_for(lambda: (c.tick(), backend.sink.serial > 0)[1], "VLC's first picture")
    c.pause()
    assert c.state is PlayerState.PAUSED
    wait_for(lambda: backend.state() is PlaybackState.IDLE, "VLC stopped (memory free)")
    frame = c.position
    wait_for(lambda: shown.get(frame) == frame, f"exact frame {frame} after pausing")
    c.step(1)
    wait_for(lambda: shown.get(frame + 1) == frame + 1, "a step")
    serial = backend.sink.serial
    c.play()  # from the paused position: VLC opens the file again there
    wait_for(lambda: (c.tick(), backend.sink.serial > serial)[1], "VLC playing again")
    assert c.state is PlayerState.PLAYING
    c.pause()
