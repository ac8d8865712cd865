"""Recordings made elsewhere: exactness and the paused player's step and seek on every kind.

Run: ``.venv/bin/python bench/bench_corpus.py [--seconds 20]``

Each kind of the conformance corpus (:mod:`vigstudio.testing.corpus`, written by the ffmpeg
command line) is made ``--seconds`` long (cached in ``bench/.cache/corpus``) and then:

* probed in the child process as an import does (time, and frame count against the number of
  pictures FFmpeg's own decode gives);
* 12 random stills compared with FFmpeg's frame N (barcode and nearest picture);
* the paused player's frame source (:class:`vigstudio.media.frames.FrameReader`, what the
  player shows when paused) timed for 30 steps forward, 30 steps back across a keyframe and
  20 random seeks, every picture checked against FFmpeg's frame;
* as the reference, the ffmpeg command line's exact seek to the same random frames
  (``-ss`` before ``-i``, one frame out).

Prints one table row per kind (median / p95 milliseconds).
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from vigstudio.media import stills
from vigstudio.media.frames import FrameReader
from vigstudio.media.probe import probe
from vigstudio.testing import corpus

CACHE = Path(__file__).resolve().parent / ".cache" / "corpus"


def luma(rgb: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
    return np.clip(rgb.astype(np.float64) @ np.array([0.299, 0.587, 0.114]), 0, 255
                   ).astype(np.uint8)


def is_frame(ref: np.ndarray, n: int, grey: np.ndarray) -> bool:  # type: ignore[type-arg]
    if grey.shape != ref[n].shape or corpus.barcode_of(grey) != corpus.barcode_of(ref[n]):
        return False
    near = [m for m in range(n - 2, n + 3) if 0 <= m < len(ref)]
    return min(near, key=lambda m: corpus.picture_distance(ref[m], grey)) == n


def ms(values: list[float]) -> str:
    if not values:
        return "–"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered) * 1000:6.1f} / {p95 * 1000:6.1f}"


def ffmpeg_seek(path: Path, seconds: float) -> float:
    started = time.perf_counter()
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-ss", f"{seconds:.4f}", "-i",
                    str(path), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                   check=True, capture_output=True)
    return time.perf_counter() - started


def measure(kind: corpus.CorpusKind, seconds: float) -> list[str]:
    made = dataclasses.replace(kind, seconds=seconds)
    folder = CACHE / f"{seconds:g}s"
    path = folder / kind.name
    if not path.exists():
        corpus.make(made, folder)
    ref = corpus.reference_frames(path)
    started = time.perf_counter()
    info = probe(path)
    probe_s = time.perf_counter() - started
    rnd = random.Random(kind.name)
    turn = info.rotation // 90
    still_ok = 0
    for n in rnd.sample(range(info.frame_count), 12):
        still_ok += is_frame(ref, n, luma(np.rot90(stills.still_rgb(path, info, n), k=turn)))
    forward: list[float] = []
    backward: list[float] = []
    seeks: list[float] = []
    wrong = 0
    with FrameReader(path, info) as reader:
        def show(n: int, into: list[float]) -> None:
            nonlocal wrong
            t0 = time.perf_counter()
            picture = reader.frame(n)
            into.append(time.perf_counter() - t0)
            wrong += not is_frame(ref, n, luma(np.rot90(picture, k=turn)))

        start = rnd.randrange(info.frame_count // 2)
        show(start, [])
        for n in range(start + 1, min(info.frame_count, start + 31)):
            show(n, forward)
        back_from = min(info.frame_count - 1, info.frame_count // 2 + 5)
        show(back_from, [])
        for n in range(back_from - 1, max(-1, back_from - 31), -1):
            show(n, backward)
        targets = [rnd.randrange(info.frame_count) for _ in range(20)]
        for n in targets:
            show(n, seeks)
    ref_seeks = [ffmpeg_seek(path, float(info.clock.time_of(n))) for n in targets[:10]]
    counted = "=" if info.frame_count == len(ref) else f"≠ {len(ref)}"
    return [kind.name, f"{probe_s:5.2f}", f"{info.frame_count} {counted}",
            f"{still_ok}/12", str(wrong), ms(forward), ms(backward), ms(seeks), ms(ref_seeks)]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("kinds", nargs="*", help="only these corpus kinds (file names)")
    args = parser.parse_args(argv)
    header = ["kind", "probe s", "frames (vs ffmpeg)", "stills exact", "wrong shown",
              "step → ms", "step ← ms", "seek ms", "ffmpeg CLI seek ms"]
    rows = [header]
    for kind in corpus.KINDS:
        if args.kinds and kind.name not in args.kinds:
            continue
        rows.append(measure(kind, args.seconds))
        print("  ".join(rows[-1]), flush=True)
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    print()
    print(f"Corpus files {args.seconds:g} s long (ffmpeg CLI); times median / p95.")
    for row in rows:
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
    bad = [r[0] for r in rows[1:] if "≠" in r[2] or r[3] != "12/12" or r[4] != "0"]
    if bad:
        print(f"NOT EXACT: {', '.join(bad)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
