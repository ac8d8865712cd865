"""Player latency benchmark: key press to the right frame painted, while paused.

Run: ``.venv/bin/python bench/bench_player.py`` (offscreen Qt unless a display is set).

Generates (once, into ``bench/.cache/``) 60 s barcode videos: 720p with a keyframe every 2 s
and 1080p with a keyframe every 8 s (25 fps, H.264 + AAC). For each, a real ``PlayerWidget``
over a real ``PlayerController`` (libVLC backend, exact frames from PyAV) gets QTest key
events, and the time from the key event to the paint of the expected frame is measured:

* step forward: → pressed 30 times from a random place, ~100 ms apart (a person stepping);
* step back: ← pressed 30 times, ~100 ms apart, from a place just after a keyframe, so the
  steps cross into the previous group of pictures;
* random seek: a frame number typed in the go-to box, Return pressed (20 random frames).

Then, for 4K HEVC phone footage and 1080p60, each in its own process: peak resident memory
after playing 15 s and after stepping and seeking, with the frame cache an 8 GB machine gets
(``cache_budget`` for 8 GB and the picture area's size), and the step/seek latency
(``--no-memory`` leaves this out).

Every painted frame is checked: the barcode read from ``grab()`` of the picture must name the
expected frame. The same random frames are then fetched with two references: the ffmpeg CLI
(``-ss`` before ``-i``: exact seek, one frame to raw RGB) and OpenCV (``CAP_PROP_POS_FRAMES``).
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import cv2
import numpy as np
from PySide6.QtCore import QMessageLogContext, Qt, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from vigstudio.app.player import PlayerController
from vigstudio.gui.player.widget import PlayerWidget
from vigstudio.media.playback import VlcBackend
from vigstudio.media.probe import probe_in_process
from vigstudio.testing.synth import make_barcode_video, read_barcode

CACHE = Path(__file__).resolve().parent / ".cache"
SECONDS = 60
RATE = 25
CASES = (("720p, 2 s GOP", 1280, 720, 2 * RATE), ("1080p, 8 s GOP", 1920, 1080, 8 * RATE))
STEP_SAMPLES = 30
SEEK_SAMPLES = 20
REF_SAMPLES = 10
PAUSE_BETWEEN = 0.1  # seconds between key presses, as a person stepping


def ensure_video(width: int, height: int, gop: int) -> Path:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"bench_{height}p_gop{gop}_{SECONDS}s.mp4"
    if not path.exists():
        print(f"generating {path.name} (once) ...", flush=True)
        started = time.perf_counter()
        tmp = path.with_suffix(".part.mp4")
        make_barcode_video(tmp, width=width, height=height, rate=Fraction(RATE),
                           frames=SECONDS * RATE, gop=gop, audio=True)
        tmp.rename(path)
        print(f"  {time.perf_counter() - started:.1f} s", flush=True)
    return path


def grab_barcode(widget: PlayerWidget) -> int:
    image = widget.picture.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    w, h = image.width(), image.height()
    data = np.frombuffer(image.constBits(), np.uint8, count=image.bytesPerLine() * h)
    return read_barcode(data.reshape(h, image.bytesPerLine())[:, : w * 3].reshape(h, w, 3))


def idle(app: QApplication, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)


def until_painted(app: QApplication, widget: PlayerWidget, expected: int,
                  press: Callable[[], None], *, limit: float = 10) -> float:
    """Seconds from ``press()`` to the paint of frame ``expected`` (at most ``limit``)."""
    picture = widget.picture
    started = time.perf_counter()
    press()
    deadline = started + limit
    while not (picture.painted_frame == expected and picture.painted_at >= started):
        app.processEvents()
        if time.perf_counter() > deadline:
            raise RuntimeError(f"frame {expected} was not shown within {limit:g} s")
    return picture.painted_at - started


def measure(app: QApplication, widget: PlayerWidget, expected: int,
            press: Callable[[], None]) -> float:
    """Seconds from the key event to the paint of ``expected``; checks the painted picture."""
    latency = until_painted(app, widget, expected, press)
    shown = grab_barcode(widget)
    if shown != expected or widget.readout_frame != expected:
        raise RuntimeError(f"expected frame {expected}, picture shows {shown}, "
                           f"readout says {widget.readout_frame}")
    return latency


def settle(app: QApplication, widget: PlayerWidget) -> None:
    deadline = time.perf_counter() + 10
    while not widget.is_settled():
        app.processEvents()
        if time.perf_counter() > deadline:
            raise RuntimeError("player did not settle")
    idle(app, 0.3)  # let the prefetcher do what it does when a person pauses


def bench_player(app: QApplication, path: Path, gop: int, rnd: random.Random,
                 seeks: list[int]) -> dict[str, list[float]]:
    controller = PlayerController(backend_factory=lambda: VlcBackend(audio=False),
                                  probe=probe_in_process)
    widget = PlayerWidget(controller)
    widget.resize(1296, 820)
    widget.show()
    app.processEvents()
    controller.load(path)
    count = controller.frame_count
    results: dict[str, list[float]] = {"step forward": [], "step back": [], "random seek": []}

    def key(k: Qt.Key) -> Callable[[], None]:
        return lambda: QTest.keyClick(widget, k)

    # step forward from a random place
    controller.seek(rnd.randrange(gop, count - STEP_SAMPLES - 1))
    settle(app, widget)
    for _ in range(STEP_SAMPLES):
        target = controller.position + 1
        results["step forward"].append(measure(app, widget, target, key(Qt.Key.Key_Right)))
        idle(app, PAUSE_BETWEEN)

    # step back across a keyframe: start a few frames after one, arriving fresh (by seek)
    keyframe = rnd.randrange(2, count // gop) * gop
    controller.seek(keyframe + 5)
    settle(app, widget)
    for _ in range(STEP_SAMPLES):
        target = controller.position - 1
        results["step back"].append(measure(app, widget, target, key(Qt.Key.Key_Left)))
        idle(app, PAUSE_BETWEEN)

    # random seek by typing a frame number
    for frame in seeks:
        widget.goto_edit.setText(str(frame))
        results["random seek"].append(measure(
            app, widget, frame, lambda: QTest.keyClick(widget.goto_edit, Qt.Key.Key_Return)))
        idle(app, PAUSE_BETWEEN)

    widget.shutdown()
    widget.close()
    controller.close()
    app.processEvents()
    return results


def bench_ffmpeg(path: Path, frames: list[int], width: int, height: int) -> list[float]:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        return []
    times = []
    for frame in frames:
        started = time.perf_counter()
        # -ss before -i is exact: the first frame output is the first at or after the time
        seconds = frame / RATE
        out = subprocess.run(
            [ffmpeg, "-v", "error", "-nostdin", "-ss", f"{seconds:.6f}", "-i", str(path),
             "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
            check=True, capture_output=True).stdout
        times.append(time.perf_counter() - started)
        rgb = np.frombuffer(out, np.uint8)[: width * height * 3].reshape(height, width, 3)
        if read_barcode(rgb) != frame:
            raise RuntimeError(f"ffmpeg gave frame {read_barcode(rgb)} for {frame}")
    return times


def bench_opencv(path: Path, frames: list[int]) -> list[float]:
    cap = cv2.VideoCapture(str(path))
    times = []
    wrong = 0
    for frame in frames:
        started = time.perf_counter()
        cap.set(cv2.CAP_PROP_POS_FRAMES, frame)
        ok, bgr = cap.read()
        times.append(time.perf_counter() - started)
        if not ok or read_barcode(bgr[..., ::-1]) != frame:
            wrong += 1
    cap.release()
    if wrong:
        print(f"  note: OpenCV returned the wrong frame {wrong}/{len(frames)} times")
    return times


def summary(values: list[float]) -> tuple[str, str]:
    if not values:
        return "–", "–"
    ms = sorted(v * 1000 for v in values)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"{statistics.median(ms):.1f}", f"{p95:.1f}"


def _quiet_qt(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


# --- memory: peak resident memory while playing and stepping big video ------------------

# (key, label, file in bench/.cache, made by bench_export (4K) or here (1080p60), barcodes?)
MEMORY_CASES = (
    ("4k", "4K HEVC 30 fps, 1 s GOP (phone)", "phone-4k-hevc-30-15s.mp4", False),
    ("1080p60", "1080p60 H.264, 1 s GOP", "bench_1080p60_h264_gop60_20s.mp4", True),
)
PLAY_SECONDS = 15


def ensure_memory_video(key: str, name: str) -> Path:
    path = CACHE / name
    if path.exists():
        return path
    CACHE.mkdir(exist_ok=True)
    tmp = path.with_suffix(".part.mp4")
    print(f"generating {name} (once) ...", flush=True)
    if key == "1080p60":
        make_barcode_video(tmp, width=1920, height=1080, rate=Fraction(60), frames=20 * 60,
                           gop=60, audio=True)
    else:  # as bench_export makes it: ffmpeg's test picture, x265, a keyframe a second
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
             "testsrc2=size=3840x2160:rate=30:duration=15", "-f", "lavfi", "-i",
             "sine=frequency=440:sample_rate=48000:duration=15", "-c:v", "libx265",
             "-preset", "ultrafast", "-x265-params", "keyint=30:log-level=error",
             "-tag:v", "hvc1", "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart",
             str(tmp)], check=True)
    tmp.rename(path)
    return path


def _rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def _step_and_seek(app: QApplication, widget: PlayerWidget, controller: PlayerController, *,
                   gop: int, barcodes: bool, rnd: random.Random) -> dict[str, list[float]]:
    count = controller.frame_count

    def timed(expected: int, press: Callable[[], None]) -> float:
        latency = until_painted(app, widget, expected, press, limit=20)
        if barcodes and grab_barcode(widget) != expected:
            raise RuntimeError(f"expected frame {expected}")
        return latency

    results: dict[str, list[float]] = {"step forward": [], "step back": [], "random seek": []}
    controller.seek(rnd.randrange(gop, count - 31))
    settle(app, widget)
    for _ in range(20):
        target = controller.position + 1
        results["step forward"].append(
            timed(target, lambda: QTest.keyClick(widget, Qt.Key.Key_Right)))
        idle(app, PAUSE_BETWEEN)
    controller.seek(rnd.randrange(2, count // gop - 1) * gop + 5)
    settle(app, widget)
    for _ in range(20):
        target = controller.position - 1
        results["step back"].append(
            timed(target, lambda: QTest.keyClick(widget, Qt.Key.Key_Left)))
        idle(app, PAUSE_BETWEEN)
    for frame in (rnd.randrange(count) for _ in range(10)):
        widget.goto_edit.setText(str(frame))
        results["random seek"].append(timed(
            frame, lambda: QTest.keyClick(widget.goto_edit, Qt.Key.Key_Return)))
        idle(app, PAUSE_BETWEEN)
    return results


def memory_case(key: str, machine_gb: int) -> int:
    """Play a file with the real player for PLAY_SECONDS, then step and seek; print JSON."""
    import json

    qInstallMessageHandler(_quiet_qt)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    _, _label, name, barcodes = next(c for c in MEMORY_CASES if c[0] == key)
    path = CACHE / name
    rnd = random.Random(18)
    controller = PlayerController(backend_factory=lambda: VlcBackend(audio=False),
                                  probe=probe_in_process, memory=machine_gb * 1024 ** 3)
    widget = PlayerWidget(controller)
    widget.resize(1296, 820)
    widget.show()
    app.processEvents()
    controller.load(path)
    assert controller.reader is not None
    cache_mb = controller.reader.cache_bytes / (1024 * 1024)
    gop = 30 if key == "4k" else 60
    settle(app, widget)
    controller.play()
    idle(app, PLAY_SECONDS)
    controller.pause()
    settle(app, widget)
    after_play = _rss_mb()[1]

    results = _step_and_seek(app, widget, controller, gop=gop, barcodes=barcodes, rnd=rnd)
    peak = _rss_mb()[1]
    controller.unload()
    idle(app, 0.5)
    after_close = _rss_mb()[0]
    widget.shutdown()
    widget.close()
    controller.close()
    print(json.dumps({"peak_play": after_play, "peak": peak, "after_close": after_close,
                      "cache_mb": cache_mb,
                      **{name: summary(values) for name, values in results.items()}}))
    return 0


def memory_rows(machine_gb: int = 8) -> list[str]:
    import json

    rows = []
    for key, label, name, _barcodes in MEMORY_CASES:
        ensure_memory_video(key, name)
        out = subprocess.run([sys.executable, __file__, "--memory-case", key, str(machine_gb)],
                             check=True, capture_output=True, text=True).stdout
        data = json.loads(out.strip().splitlines()[-1])
        rows.append(f"| {label} | {data['cache_mb']:.0f} MB (sized for {machine_gb} GB) | "
                    f"{data['peak_play']:.0f} | {data['peak']:.0f} | "
                    f"{data['after_close']:.0f} | {data['step forward'][0]} | "
                    f"{data['step back'][0]} | {data['random seek'][0]} |")
        print(rows[-1], flush=True)
    return rows


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--memory-case":
        return memory_case(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 8)
    qInstallMessageHandler(_quiet_qt)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    rnd = random.Random(2026)
    rows: list[tuple[str, str, str, str, int]] = []
    for label, width, height, gop in CASES:
        path = ensure_video(width, height, gop)
        count = SECONDS * RATE
        seeks = [rnd.randrange(count) for _ in range(SEEK_SAMPLES)]
        print(f"measuring {label} ...", flush=True)
        results = bench_player(app, path, gop, rnd, seeks)
        for name, values in results.items():
            rows.append((label, f"player: {name}", *summary(values), len(values)))
            print(f"  {name}: median {rows[-1][2]} ms, p95 {rows[-1][3]} ms", flush=True)
        ref = seeks[:REF_SAMPLES]
        rows.append((label, "ffmpeg CLI -ss exact, 1 frame", *summary(
            bench_ffmpeg(path, ref, width, height)), len(ref)))
        rows.append((label, "OpenCV POS_FRAMES seek + read", *summary(
            bench_opencv(path, ref)), len(ref)))
    platform = os.environ.get("QT_QPA_PLATFORM") or "xcb"
    print()
    print(f"Key press to the right frame painted, while paused ({os.cpu_count()} cores, "
          f"Qt {platform}; 25 fps, 60 s files)")
    print()
    print("| video | operation | median ms | p95 ms | n |")
    print("| --- | --- | ---: | ---: | ---: |")
    for row in rows:
        print(f"| {row[0]} | {row[1]} | {row[2]} | {row[3]} | {row[4]} |")
    if "--no-memory" not in sys.argv:
        print(f"\nPeak resident memory (MB) of the whole app process (Qt, libVLC playing, "
              f"PyAV exact frames): {PLAY_SECONDS} s played, then 20 steps forward, 20 back "
              "across a keyframe, 10 typed seeks; median latency in ms\n")
        lines = memory_rows()
        print("\n| video | frame cache | peak RSS after playing | peak RSS | RSS after closing "
              "| step forward ms | step back ms | seek ms |")
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for line in lines:
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
