"""Benchmark: a 10-clip, 100 s reel from 1080p footage exported to 720p.

Run: ``.venv/bin/python bench/bench_export.py``

Compares, in the same run and on the same cuts, VIG Studio's exporter
(:func:`vigstudio.media.export.export_reel`) with the ffmpeg command line doing the same
frame-exact cuts (``-ss``/``-t`` before each input, i.e. decode from the keyframe and drop
what precedes the cut, then ``concat``) with the same encoder settings (libx264
``veryfast`` CRF 23, yuv420p, AAC 128 kb/s 48 kHz stereo, +faststart).

The footage (2 minutes of 1920×1080 25 fps H.264 + AAC, a keyframe every 4 s) is generated
with ffmpeg once and cached in ``bench/.cache/``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

from vigstudio.domain.time import FrameRange
from vigstudio.media.export import ClipSegment, ReelPlan, export_reel
from vigstudio.media.export_render import AAC_BITRATE, X264_CRF, X264_PRESET
from vigstudio.media.probe import probe_in_process

CACHE = Path(__file__).resolve().parent / ".cache"
RATE = 25
SOURCE_SECONDS = 120
CLIPS = 10
CLIP_FRAMES = 250  # 10 s each: a 100 s reel
HEIGHT = 720


def footage() -> Path:
    CACHE.mkdir(exist_ok=True)
    (CACHE / ".gitignore").write_text("*\n")
    path = CACHE / f"footage-1080p{RATE}-{SOURCE_SECONDS}s.mp4"
    if path.exists():
        return path
    print(f"generating {path.name} (once) …", flush=True)
    tmp = path.with_suffix(".tmp.mp4")
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate={RATE}:duration={SOURCE_SECONDS}",
         "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={SOURCE_SECONDS}",
         "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", str(4 * RATE),
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k",
         "-movflags", "+faststart", str(tmp)], check=True)
    tmp.rename(path)
    return path


def cuts() -> list[FrameRange]:
    """Ten 10 s clips starting off the keyframes (keyframes every 100 frames)."""
    return [FrameRange(start, start + CLIP_FRAMES)
            for start in (37 + i * 290 for i in range(CLIPS))]


def run_ours(source: Path, out: Path) -> float:
    info = probe_in_process(source)
    plan = ReelPlan(tuple(ClipSegment(source, info, r) for r in cuts()))
    started = time.perf_counter()
    result = export_reel(plan, out, height=HEIGHT, overwrite=True)
    elapsed = time.perf_counter() - started
    assert result.frame_count == CLIPS * CLIP_FRAMES, result
    return elapsed


def run_ffmpeg(source: Path, out: Path) -> float:
    inputs: list[str] = []
    chains: list[str] = []
    pads = ""
    for i, r in enumerate(cuts()):
        start = Fraction(r.start, RATE)
        length = Fraction(r.duration, RATE)
        inputs += ["-ss", f"{float(start):.6f}", "-t", f"{float(length):.6f}", "-i", str(source)]
        chains.append(f"[{i}:v]scale=-2:{HEIGHT}[v{i}]")
        pads += f"[v{i}][{i}:a]"
    graph = ";".join([*chains, f"{pads}concat=n={CLIPS}:v=1:a=1[v][a]"])
    command = ["ffmpeg", "-v", "error", "-y", *inputs, "-filter_complex", graph,
               "-map", "[v]", "-map", "[a]",
               "-c:v", "libx264", "-preset", X264_PRESET, "-crf", str(X264_CRF),
               "-pix_fmt", "yuv420p", "-r", str(RATE),
               "-c:a", "aac", "-b:a", str(AAC_BITRATE), "-ar", "48000", "-ac", "2",
               "-movflags", "+faststart", str(out)]
    started = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - started


def frame_count(path: Path) -> int:
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_packets",
                          "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0",
                          str(path)], check=True, capture_output=True, text=True).stdout
    return int(out.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="repeat and keep the best time")
    args = parser.parse_args()
    if shutil.which("ffmpeg") is None:
        print("the ffmpeg command line is needed for the comparison", file=sys.stderr)
        return 2
    source = footage()
    reel_seconds = CLIPS * CLIP_FRAMES / RATE
    with tempfile.TemporaryDirectory() as tmp:
        ours_out, ffmpeg_out = Path(tmp) / "ours.mp4", Path(tmp) / "ffmpeg.mp4"
        ours = min(run_ours(source, ours_out) for _ in range(args.rounds))
        theirs = min(run_ffmpeg(source, ffmpeg_out) for _ in range(args.rounds))
        frames = (frame_count(ours_out), frame_count(ffmpeg_out))
    print(f"\n{CLIPS} clips, {reel_seconds:.0f} s reel, 1920×1080 {RATE} fps → {HEIGHT}p, "
          f"libx264 {X264_PRESET} crf {X264_CRF} + AAC; frames written: "
          f"ours {frames[0]}, ffmpeg {frames[1]}\n")
    print("| exporter | seconds | × real time | ratio to ffmpeg |")
    print("| --- | ---: | ---: | ---: |")
    for name, seconds in (("VIG Studio export_reel (PyAV, child process)", ours),
                          ("ffmpeg CLI (-ss/-t per clip + concat)", theirs)):
        print(f"| {name} | {seconds:.1f} | {reel_seconds / seconds:.1f}× | "
              f"{seconds / theirs:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
