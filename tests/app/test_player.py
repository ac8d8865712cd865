"""PlayerController with real libVLC (callbacks, no sound) and a hand-driven clock."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from vigstudio.app.player import ExactFrameFetcher, PlayerController, PlayerState
from vigstudio.domain.time import FrameRange, TimecodeError
from vigstudio.errors import MediaMissingError, PlayerUnavailableError
from vigstudio.media.frames import FrameReader
from vigstudio.media.playback import VlcBackend, load_vlc
from vigstudio.media.probe import probe_in_process
from vigstudio.testing.synth import make_barcode_video, read_barcode


class FakeClock:
    def __init__(self) -> None:
        self.t = 1024.0  # and steps that are binary fractions: exact floats

    def __call__(self) -> float:
        return self.t


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("player_app")
    return {
        "cfr": make_barcode_video(folder / "cfr.mp4", width=320, height=180, frames=100,
                                  gop=25, audio=True),
        "vfr": make_barcode_video(folder / "vfr.mp4", width=320, height=180, gop=12,
                                  frame_durations=[3000, 3000, 6000, 1500] * 15, audio=False),
    }


class Harness:
    def __init__(self, controller: PlayerController, clock: FakeClock) -> None:
        self.c = controller
        self.clock = clock
        self.frames: dict[int, int] = {}
        self.positions: list[int] = []
        self.states = 0
        self.event = threading.Event()
        controller.subscribe(self.positions.append)
        controller.subscribe_state(self._state)
        controller.subscribe_frames(self._frame)

    def _state(self) -> None:
        self.states += 1

    def _frame(self, n: int, rgb: np.ndarray) -> None:
        self.frames[n] = read_barcode(rgb)
        self.event.set()

    def exact(self, n: int) -> int:
        deadline = time.monotonic() + 5
        while n not in self.frames and time.monotonic() < deadline:
            time.sleep(0.002)
        return self.frames[n]

    def wait_first_picture(self) -> None:
        """Tick (real time) until VLC delivered a picture and the estimate clock started."""
        deadline = time.monotonic() + 5
        while self.c._anchor_time is None and time.monotonic() < deadline:
            self.c.tick()
            time.sleep(0.005)
        assert self.c._anchor_time is not None, "VLC showed no picture"

    def advance(self, seconds: float) -> None:
        self.clock.t += seconds
        self.c.tick()


@pytest.fixture
def h() -> Iterator[Harness]:
    clock = FakeClock()
    controller = PlayerController(backend_factory=lambda: VlcBackend(audio=False),
                                  probe=probe_in_process, now=clock, display_size=(160, 160))
    yield Harness(controller, clock)
    controller.close()


def test_load_steps_and_go_to(h: Harness, media: dict[str, Path]) -> None:
    c = h.c
    c.load(media["cfr"])
    assert c.state is PlayerState.PAUSED and c.position == 0 and c.frame_count == 100
    assert h.exact(0) == 0
    c.step(1)
    c.step(10)
    c.step(-3)
    assert c.position == 8 and h.exact(8) == 8
    c.step(-100)
    assert c.position == 0
    c.step_seconds(1)
    assert c.position == 25
    c.go_to_end()
    assert c.position == 99 and h.exact(99) == 99
    c.go_to_start()
    assert c.position == 0
    assert c.go_to("00:00:01:10") == 35
    assert c.go_to("2.0s") == 50
    assert c.go_to("77") == 77 and h.exact(77) == 77
    with pytest.raises(TimecodeError):
        c.go_to("00:10:00:00")
    assert c.label() == "77  00:00:03:02"
    assert h.positions[-1] == 77


def test_vfr_seconds_follow_the_probe(h: Harness, media: dict[str, Path]) -> None:
    c = h.c
    c.load(media["vfr"])
    assert c.info is not None and c.info.variable_frame_rate
    c.step_seconds(1)  # the frame on screen 1 s in, by the probed frame times
    clock = c.info.clock
    assert clock.time_of(c.position) <= 1 < clock.time_of(c.position + 1)
    assert h.exact(c.position) == c.position
    assert c.label(3) == "3  00:00:00.133"


def test_play_estimates_from_its_own_clock_and_pauses_on_an_exact_frame(
        h: Harness, media: dict[str, Path]) -> None:
    c = h.c
    c.load(media["cfr"])
    c.seek(10)
    c.play()
    assert c.state is PlayerState.PLAYING
    h.wait_first_picture()
    h.advance(1.0)  # 25 frames at 25 fps
    assert c.position == 35
    c.set_rate(Fraction(1, 2))
    h.advance(1.0)  # 12.5 frames at half speed
    assert c.position == 47
    c.pause()
    assert c.state is PlayerState.PAUSED and c.position == 47
    assert h.exact(47) == 47


def test_reverse_steps_back_on_the_clock_and_stops_at_zero(h: Harness,
                                                           media: dict[str, Path]) -> None:
    c = h.c
    c.load(media["cfr"])
    c.seek(30)
    c.shuttle_reverse()
    assert c.state is PlayerState.REVERSE
    h.advance(0.375)  # 9.375 frames back
    assert c.position == 20 and h.exact(20) == 20
    c.shuttle_reverse()  # faster: 2x (from frame 20's start)
    assert c.rate == 2
    h.advance(0.25)  # 12.5 frames back: 0.3 s
    assert c.position == 7
    h.advance(5)
    assert c.state is PlayerState.PAUSED and c.position == 0


def test_play_range_stops_on_its_last_frame(h: Harness, media: dict[str, Path]) -> None:
    c = h.c
    c.load(media["cfr"])
    c.play_range(FrameRange(40, 50))
    h.wait_first_picture()
    assert 40 <= c.position < 50
    h.advance(0.25)
    assert c.state is PlayerState.PLAYING
    h.advance(1.0)
    assert c.state is PlayerState.PAUSED and c.position == 49
    assert h.exact(49) == 49


def test_loop_wraps_inside_the_range(h: Harness, media: dict[str, Path]) -> None:
    c = h.c
    c.load(media["cfr"])
    c.play_range(FrameRange(60, 70), loop=True)
    h.wait_first_picture()
    h.advance(0.375)
    assert c.position == 69
    h.advance(0.125)  # 72 would be past the end: back to the start
    assert c.position == 60 and c.state is PlayerState.PLAYING
    h.advance(0.25)
    assert c.position == 66
    c.pause()
    assert h.exact(66) == 66
    with pytest.raises(ValueError, match="cannot loop"):
        c.set_loop(FrameRange(90, 120))


def test_playing_to_the_end_stops_on_the_last_frame(h: Harness, media: dict[str, Path]) -> None:
    c = h.c
    c.load(media["cfr"])
    c.seek(95)
    c.play()
    h.wait_first_picture()
    h.advance(2)
    assert c.state is PlayerState.PAUSED and c.position == 99
    c.play()  # from the end: starts again at 0
    assert c.position == 0 and c.state is PlayerState.PLAYING


def test_shuttle_rates_and_sound_settings(h: Harness, media: dict[str, Path]) -> None:
    c = h.c
    c.load(media["cfr"])
    c.set_rate(Fraction(1, 16))
    assert c.rate == Fraction(1, 8)
    c.shuttle_forward()
    assert c.state is PlayerState.PLAYING and c.rate == Fraction(1, 8)
    for expected in (Fraction(1, 4), Fraction(1, 2), 1, 2, 4, 4):
        c.shuttle_forward()
        assert c.rate == expected
    c.shuttle_stop()
    assert c.state is PlayerState.PAUSED
    before = h.states
    c.set_volume(140)
    assert c.volume == 100
    c.set_volume(35)
    c.toggle_mute()
    assert c.volume == 35 and c.muted and h.states >= before + 3


def test_offline_recording_keeps_the_position_and_relinks(h: Harness, media: dict[str, Path],
                                                          tmp_path: Path) -> None:
    c = h.c
    info = probe_in_process(media["cfr"])
    gone = tmp_path / "family.mp4"
    c.load(gone, info)
    assert c.state is PlayerState.OFFLINE and c.offline and c.frame_count == 100
    c.play()
    assert c.state is PlayerState.OFFLINE
    c.step(5)
    assert c.position == 5
    with pytest.raises(MediaMissingError):
        c.relink(tmp_path / "still_gone.mp4")
    calls: list[tuple[Path | None, Path]] = []
    c.set_relink_handler(lambda old, new: calls.append((old, new)))
    c.relink(media["cfr"])
    assert calls == [(gone, media["cfr"])]
    assert c.state is PlayerState.PAUSED and c.path == media["cfr"]
    assert h.exact(0) == 0


def test_missing_file_without_info_is_offline(h: Harness, tmp_path: Path) -> None:
    h.c.load(tmp_path / "nowhere.mov")
    assert h.c.state is PlayerState.OFFLINE and h.c.frame_count == 0
    h.c.step(1)
    assert h.c.position == 0


def test_file_vlc_cannot_play_gives_a_clear_error(h: Harness, media: dict[str, Path],
                                                  tmp_path: Path) -> None:
    # PyAV opened the real file; then the path is replaced by junk, which VLC then opens.
    path = tmp_path / "swap.mp4"
    path.write_bytes(media["cfr"].read_bytes())
    c = h.c
    c.load(path)
    junk = tmp_path / "junk.tmp"
    junk.write_text("not a video any more\n" * 300)
    os.replace(junk, path)
    c.seek(12)
    c.play()
    deadline = time.monotonic() + 5
    while c.state is PlayerState.PLAYING and time.monotonic() < deadline:
        c.tick()
        time.sleep(0.01)
    assert c.state is PlayerState.PAUSED
    assert c.error is not None and "VLC cannot play swap.mp4" in c.error
    assert c.position == 12 and h.exact(12) == 12  # exact frames still work


def test_missing_libvlc_gives_install_hint(monkeypatch: pytest.MonkeyPatch,
                                           media: dict[str, Path]) -> None:
    monkeypatch.setitem(sys.modules, "vlc", None)  # "import vlc" fails as if not installed
    with pytest.raises(PlayerUnavailableError, match="Install VLC"):
        load_vlc()

    def no_vlc() -> VlcBackend:
        return VlcBackend()

    c = PlayerController(backend_factory=no_vlc, probe=probe_in_process)
    try:
        c.load(media["cfr"])
        assert c.error is not None and "Install VLC" in c.error
        c.step(3)
        assert c.reader is not None and read_barcode(c.reader.frame(3)) == 3
        with pytest.raises(PlayerUnavailableError):
            c.play()
    finally:
        c.close()


def test_fetcher_serves_only_the_latest_request(media: dict[str, Path]) -> None:
    info = probe_in_process(media["cfr"])
    served: list[int] = []
    done = threading.Event()

    def on_frame(n: int, rgb: np.ndarray) -> None:
        assert read_barcode(rgb) == n
        served.append(n)
        if n == 99:
            done.set()

    reader = FrameReader(media["cfr"], info, max_size=(160, 160))
    fetcher = ExactFrameFetcher(reader, on_frame)
    try:
        for n in range(50, 100):
            fetcher.request(n)
        assert done.wait(5)
        assert served[-1] == 99 and len(served) < 50
        time.sleep(0.3)  # idle: prefetch the next and previous frames
        assert reader.is_cached(98) and reader.is_cached(90)
    finally:
        fetcher.close()
        reader.close()
