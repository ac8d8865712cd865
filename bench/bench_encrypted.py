"""Encrypted case vs plain case, side by side in one run: player step and seek, thumbnails,
export (target: encrypted within 1.2× of plain).

Run: ``python3 run.py bench encrypted`` (or ``.venv/bin/python bench/bench_encrypted.py``).

Generates (once, into ``bench/.cache/``) a 60 s 720p barcode video (25 fps, keyframe every
2 s, H.264 + AAC) and its encrypted copy (:mod:`vigstudio.crypto.chunked`, 64 KiB chunks,
AES-256-GCM). Each measurement runs on the plain file and on the encrypted one alternately
(plain, encrypted, plain, encrypted…) so both see the same machine load:

* step: two real player controllers (libVLC backend with ``--vout=dummy``, exact frames
  from PyAV), one on each file, paused at the same random place and → stepped 30 times, the
  two taking turns on every press; the time from ``step(1)`` to the exact frame delivered
  (its barcode checked);
* seek: ``seek(n)`` to 20 random frames, the same frames for both, taking turns;
* thumbnails: the timeline's strip (keyframes, then 60 even frames) into a fresh cache
  (encrypted for the encrypted case);
* export: a 3-clip reel (12 s) to MP4 through the export worker;
* VLC play: libVLC playing 3 s from 20 s in, pictures delivered (reading through its media
  callbacks for the encrypted file).
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from vigstudio.app.player import PlayerController
from vigstudio.crypto import chunked
from vigstudio.domain.media import MediaInfo
from vigstudio.domain.time import FrameRange
from vigstudio.media.export import ClipSegment, ReelPlan, export_reel
from vigstudio.media.fingerprint import fingerprint
from vigstudio.media.playback import VlcBackend
from vigstudio.media.probe import probe_in_process
from vigstudio.media.source import MediaLike, MediaSource
from vigstudio.media.thumbnails import ThumbnailStore, generate_thumbnails
from vigstudio.testing.synth import make_barcode_video, read_barcode

CACHE = Path(__file__).resolve().parent / ".cache"
KEY = bytes(range(7, 39))
ROUNDS = 4
STEPS = 30
SEEKS = 20


def media() -> tuple[Path, MediaSource, MediaInfo]:
    CACHE.mkdir(exist_ok=True)
    plain = CACHE / "enc_bench_720p.mp4"
    if not plain.exists():
        print("making the 60 s 720p test video (once)…", flush=True)
        make_barcode_video(plain, width=1280, height=720, frames=60 * 25, gop=50, audio=True)
    enc = CACHE / "enc_bench_720p.mp4.vigenc"
    if not enc.exists() or enc.stat().st_mtime < plain.stat().st_mtime:
        chunked.encrypt_file(plain, enc, KEY)
    return plain, MediaSource(enc, KEY), probe_in_process(plain)


class Frames:
    def __init__(self, controller: PlayerController) -> None:
        self.got: dict[int, int] = {}
        self.event = threading.Event()
        controller.subscribe_frames(self._frame)

    def _frame(self, n: int, rgb: np.ndarray) -> None:
        self.got[n] = read_barcode(rgb)
        self.event.set()

    def wait(self, n: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while n not in self.got:
            if time.monotonic() > deadline:
                raise RuntimeError(f"frame {n} never came")
            time.sleep(0.0005)
        if self.got[n] != n:
            raise RuntimeError(f"frame {n} showed barcode {self.got[n]}")


def player_times(sources: dict[str, MediaLike], info: MediaInfo, seed: int
                 ) -> dict[str, tuple[list[float], list[float]]]:
    """Step and seek times of one player per source, the sources taking turns on every
    key press (so a burst of load on the shared machine hits both alike)."""
    rng = random.Random(seed)
    players = {}
    for name, source in sources.items():
        controller = PlayerController(
            backend_factory=lambda: VlcBackend(audio=False, extra_args=["--vout=dummy"]),
            probe=probe_in_process, display_size=(960, 540))
        players[name] = (controller, Frames(controller))
        controller.load(source, info)
        players[name][1].wait(0)
    out: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in sources}
    names = list(sources)

    def timed(name: str, action: Callable[[PlayerController], None], frame: int) -> float:
        controller, frames = players[name]
        frames.got.pop(frame, None)
        t0 = time.perf_counter()
        action(controller)
        frames.wait(frame)
        return time.perf_counter() - t0

    try:
        start = rng.randrange(100, info.frame_count - STEPS - 10)
        for name in names:
            timed(name, lambda c: c.seek(start), start)
        for i in range(1, STEPS + 1):
            for name in (names if i % 2 else names[::-1]):
                out[name][0].append(timed(name, lambda c: c.step(1), start + i))
                time.sleep(0.02)
        for i in range(SEEKS):
            n = rng.randrange(0, info.frame_count)
            for name in (names if i % 2 else names[::-1]):
                out[name][1].append(timed(name, lambda c, n=n: c.seek(n), n))
                time.sleep(0.02)
        return out
    finally:
        for controller, _frames in players.values():
            controller.close()


def thumbnails_time(source: MediaLike, info: MediaInfo, key: bytes | None) -> float:
    with tempfile.TemporaryDirectory(dir=CACHE) as folder:
        store = ThumbnailStore(folder, "bench", 40, key=key)
        t0 = time.perf_counter()
        made = sum(1 for _ in generate_thumbnails(source, info, height=40, count=60,
                                                  store=store))
        elapsed = time.perf_counter() - t0
    assert made >= 60
    return elapsed


def export_time(source: MediaLike, info: MediaInfo) -> float:
    plan = ReelPlan((ClipSegment(source, info, FrameRange(100, 200)),
                     ClipSegment(source, info, FrameRange(700, 800)),
                     ClipSegment(source, info, FrameRange(1300, 1400))))
    with tempfile.TemporaryDirectory(dir=CACHE) as folder:
        t0 = time.perf_counter()
        export_reel(plan, Path(folder) / "reel.mp4", height=720)
        return time.perf_counter() - t0


def vlc_play(source: MediaLike) -> float:
    """Pictures per second libVLC delivers playing 3 s (1280×720 callbacks)."""
    backend = VlcBackend(audio=False, extra_args=["--vout=dummy"])
    try:
        backend.load(source, video_size=(1280, 720))
        backend.play_from(20_000)
        deadline = time.monotonic() + 10
        while backend.sink.serial == 0 and time.monotonic() < deadline:
            time.sleep(0.005)
        first = backend.sink.serial
        t0 = time.perf_counter()
        time.sleep(3.0)
        return (backend.sink.serial - first) / (time.perf_counter() - t0)
    finally:
        backend.close()


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def p90_ms(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.9)] * 1000


def main() -> int:
    if not shutil.which("ffmpeg"):
        print("(ffmpeg not needed here; continuing)")
    plain, enc, info = media()
    assert fingerprint(enc) == fingerprint(plain)
    results: dict[str, dict[str, list[float]]] = {"plain": {}, "encrypted": {}}

    def add(which: str, name: str, values: list[float]) -> None:
        results[which].setdefault(name, []).extend(values)

    runs: list[tuple[str, MediaLike, bytes | None]] = [("plain", plain, None),
                                                        ("encrypted", enc, KEY)]
    for round_ in range(ROUNDS):
        order = runs if round_ % 2 == 0 else runs[::-1]
        timings = player_times({which: source for which, source, _key in order}, info,
                               seed=round_)
        for which, (steps, seeks) in timings.items():
            add(which, "step", steps)
            add(which, "seek", seeks)
        for which, source, key in order:
            add(which, "thumbnails", [thumbnails_time(source, info, key)])
            add(which, "export", [export_time(source, info)])
            add(which, "vlc", [vlc_play(source)])
            print(f"round {round_ + 1}/{ROUNDS} {which} done", flush=True)

    rows: list[tuple[str, Callable[[list[float]], float], str, bool]] = [
        ("player step, median", median_ms, "ms", True),
        ("player step, 90th percentile", p90_ms, "ms", True),
        ("player seek, median", median_ms, "ms", True),
        ("player seek, 90th percentile", p90_ms, "ms", True),
        ("thumbnails (keyframes + 60), median", median_ms, "ms", True),
        ("export 12 s reel 720p, median", median_ms, "ms", True),
        ("libVLC playing, pictures/s", statistics.median, "fps", False),
    ]
    keys = ["step", "step", "seek", "seek", "thumbnails", "export", "vlc"]
    print(f"\n60 s 720p H.264 + AAC, 2 s GOP; {ROUNDS} alternating rounds; "
          f"{os.cpu_count()} cores\n")
    print(f"| {'measure':38} | {'plain':>9} | {'encrypted':>9} | ratio |")
    print(f"|{'-' * 40}|{'-' * 11}|{'-' * 11}|-------|")
    worst = 0.0
    for (label, stat, unit, lower_better), key in zip(rows, keys, strict=True):
        a, b = stat(results["plain"][key]), stat(results["encrypted"][key])
        ratio = b / a if lower_better else a / b
        worst = max(worst, ratio)
        print(f"| {label:38} | {a:7.1f}{unit[:2]:>2} | {b:7.1f}{unit[:2]:>2} | {ratio:5.2f} |")
    print(f"\nworst ratio (encrypted cost relative to plain): {worst:.2f} (target ≤ 1.20)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
