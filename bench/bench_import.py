"""Import to ready: how long the probe takes on an hour of footage, in each container kind.

Run: ``.venv/bin/python bench/bench_import.py [--minutes 60]``

For each kind a one-minute barcode film is made with the ffmpeg command line and joined to
itself with stream copy (the concat demuxer) into ``--minutes`` of footage, cached in
``bench/.cache/import``. The time measured is the app's probe in its child process — what an
import waits for before the recording can be stepped: demuxing every packet for the frame
index (and, where the container's timestamps cannot give display order, decoding every
picture), plus the test decodes of the head and the tail. The reference is the ffmpeg command
line counting the frames by decoding them (``ffmpeg -i FILE -map 0:v:0 -f null -``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from vigstudio.media.probe import probe

CACHE = Path(__file__).resolve().parent / ".cache" / "import"
_X264 = ["-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-bf", "2", "-b:v", "8M"]
KINDS = {  # name: (size, ffmpeg output options)
    "h264_1080p.mp4": ("1920x1080", [*_X264, "-c:a", "aac"]),
    "h264_1080p.mkv": ("1920x1080", [*_X264, "-c:a", "aac"]),
    "h264_1080p.mts": ("1920x1080", [*_X264, "-c:a", "ac3", "-f", "mpegts"]),
    "mpeg2_sd.mpg": ("720x576", ["-c:v", "mpeg2video", "-g", "12", "-bf", "2", "-q:v", "4",
                                 "-c:a", "mp2", "-f", "vob"]),
    "xvid_sd.avi": ("720x576", ["-c:v", "libxvid", "-bf", "2", "-g", "50", "-q:v", "4",
                                "-c:a", "libmp3lame"]),
    "mjpeg_720p.avi": ("1280x720", ["-c:v", "mjpeg", "-q:v", "8", "-c:a", "pcm_s16le"]),
    "wmv2_sd.wmv": ("720x576", ["-c:v", "wmv2", "-q:v", "4", "-g", "50", "-c:a", "wmav2"]),
    "vp9_720p.webm": ("1280x720", ["-c:v", "libvpx-vp9", "-deadline", "realtime",
                                   "-cpu-used", "8", "-b:v", "1M", "-g", "60",
                                   "-c:a", "libopus"]),
    "dv_pal.dv": ("720x576", ["-c:v", "dvvideo", "-pix_fmt", "yuv420p", "-c:a", "pcm_s16le",
                              "-ac", "2", "-f", "dv"]),
}


def _ffmpeg(args: list[str]) -> None:
    # (the MPEG muxer reports every buffer underflow at error level: kept out of the table)
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", *args], check=True,
                   capture_output=True)


def make(name: str, minutes: int) -> Path:
    folder = CACHE / f"{minutes}min"
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / name
    if out.exists():
        return out
    size, options = KINDS[name]
    minute = folder / f"minute-{name}"
    _ffmpeg(["-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25:duration=60",
             "-f", "lavfi", "-i", "sine=frequency=440:duration=60:sample_rate=48000",
             *options, str(minute)])
    listing = folder / f"list-{name}.txt"
    listing.write_text("".join(f"file '{minute.name}'\n" for _ in range(minutes)))
    fmt = ["-f", "dv"] if name.endswith(".dv") else []
    _ffmpeg(["-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", *fmt,
             str(out)])
    minute.unlink()
    listing.unlink()
    return out


def ffmpeg_count(path: Path) -> tuple[float, int]:
    started = time.perf_counter()
    result = subprocess.run(["ffmpeg", "-nostdin", "-i", str(path), "-map", "0:v:0",
                             "-fps_mode", "passthrough", "-f", "null", "-"],
                            check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    frames = 0
    for line in result.stderr.replace("\r", "\n").splitlines():
        if line.startswith("frame="):
            frames = int(line.split("=")[1].split()[0])
    return seconds, frames


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=60)
    parser.add_argument("--no-reference", action="store_true",
                        help="skip the ffmpeg decode count (slow on an hour of 1080p)")
    parser.add_argument("kinds", nargs="*")
    args = parser.parse_args(argv)
    rows = [["kind", "size", "app: import to ready", "how", "frames", "ffmpeg decode-count"]]
    for name in KINDS:
        if args.kinds and name not in args.kinds:
            continue
        path = make(name, args.minutes)
        started = time.perf_counter()
        info = probe(path, timeout=120)
        ready = time.perf_counter() - started
        how = "decode (keys)" if info.frame_keys is not None or (name.endswith(".avi") \
            and info.video_codec != "mjpeg") else "packets"
        print(f"  {name}: ready in {ready:.1f} s ({info.frame_count} frames)", flush=True)
        if args.no_reference:
            ref_s, same = float("nan"), "(not counted)"
        else:
            ref_s, ref_frames = ffmpeg_count(path)
            same = "=" if ref_frames == info.frame_count else f"≠ {ref_frames}"
        rows.append([name, f"{path.stat().st_size / 1e6:.0f} MB", f"{ready:6.1f} s", how,
                     f"{info.frame_count} {same}", f"{ref_s:6.1f} s"])
        print("  ".join(rows[-1]), flush=True)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    print(f"\n{args.minutes} minutes of footage per kind (25 fps)")
    for row in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
