"""The libVLC backend: real libVLC, pictures through video callbacks, no sound device."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path

import pytest

from vigstudio.errors import MediaMissingError, PlaybackError
from vigstudio.media.playback import VLC_ARGS, PlaybackState, VlcBackend
from vigstudio.testing.synth import read_barcode


@pytest.fixture
def backend() -> Iterator[VlcBackend]:
    b = VlcBackend(audio=False)
    yield b
    b.close()


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.005)


def latest_index(b: VlcBackend) -> int:
    _, picture = b.sink.latest()
    assert picture is not None
    return read_barcode(picture[..., 2::-1])  # BGRX -> RGB


def test_no_network_options() -> None:
    assert "--no-metadata-network-access" in VLC_ARGS
    assert "--ignore-config" in VLC_ARGS
    assert "--no-lua" in VLC_ARGS


def test_plays_pictures_into_the_sink_at_the_asked_size(backend: VlcBackend,
                                                        video_25: Path) -> None:
    backend.load(video_25, video_size=(320, 180))
    backend.play_from(2000)
    wait_for(lambda: backend.sink.serial > 3)
    assert backend.state() is PlaybackState.PLAYING
    _serial, picture = backend.sink.latest()
    assert picture is not None and picture.shape == (180, 320, 4)
    assert 40 <= latest_index(backend) < 100  # it started near 2 s, not at 0
    backend.pause()
    wait_for(lambda: backend.state() is PlaybackState.PAUSED)
    backend.set_rate(Fraction(1, 2))
    backend.play_from(400)  # warm: a seek then resume
    wait_for(lambda: latest_index(backend) < 30)
    assert backend.rate == Fraction(1, 2)
    backend.set_volume(150)
    backend.set_muted(True)
    wait_for(lambda: backend.state() is PlaybackState.PLAYING)


def test_rotated_video_arrives_upright(backend: VlcBackend, video_rot90: Path) -> None:
    backend.load(video_rot90, video_size=(180, 320))  # upright size
    backend.play_from(0)
    wait_for(lambda: backend.sink.serial > 2)
    assert 0 <= latest_index(backend) < 20


def test_plays_to_the_end(backend: VlcBackend, video_rot90: Path) -> None:
    backend.load(video_rot90, video_size=(90, 160))
    backend.set_rate(Fraction(4))
    backend.play_from(0)
    wait_for(lambda: backend.state() is PlaybackState.ENDED)
    backend.check()  # ended normally: no error
    backend.play_from(0)  # ended: starts again
    wait_for(lambda: backend.state() is PlaybackState.PLAYING)


def test_junk_file_never_shows_a_picture(backend: VlcBackend, tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_text("not video\n" * 500)
    backend.load(junk, video_size=(64, 64))
    backend.play_from(0)
    wait_for(lambda: backend.state() in (PlaybackState.ENDED, PlaybackState.ERROR))
    assert backend.sink.serial == 0


def test_missing_file_and_bad_rate(backend: VlcBackend, tmp_path: Path) -> None:
    with pytest.raises(MediaMissingError):
        backend.load(tmp_path / "gone.mp4", video_size=(64, 64))
    with pytest.raises(ValueError, match="outside"):
        backend.set_rate(Fraction(8))
    with pytest.raises(PlaybackError):
        backend.play_from(0)  # nothing loaded
