"""Benchmark: export and import a busy recording's tags in every interchange format.

Run: ``.venv/bin/python bench/bench_interchange.py [--moments N]``

A 10-minute 29.97 fps recording (no media file needed: tags only) gets N moments (default
5,000) for three participants and the six VIG principles, 200 clips and 100 stills, through
a CSV import. Then each format is exported and imported into a fresh case, and the time of
each step is printed. Targets: an export under 1 s; an import (one undo step, two
transactions) under 10 s. An import's time is almost all the project file writing one row
at a time (about 1–1.5 ms a row on a 2-core machine; reading and matching take ~0.4 s).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

from vigstudio.app import CaseSession
from vigstudio.app.tag_transfer import export_tags, import_tags
from vigstudio.domain.media import Fingerprint, MediaInfo, Recording
from vigstudio.domain.time import FrameRate

RATE = Fraction(30000, 1001)
FRAMES = 17982  # 10 minutes at 29.97 fps
CODES = ("attentive", "encouraging", "receiving", "attuned", "guiding", "deepening")
PEOPLE = ("Sam", "Zoë", "Alex")


def recording() -> Recording:
    info = MediaInfo(container="mp4", video_codec="h264", width=1280, height=720, rotation=0,
                     frame_rate=FrameRate(RATE), variable_frame_rate=False,
                     frame_count=FRAMES, duration=FRAMES / RATE, time_base=Fraction(1, 30000),
                     start_pts=0)
    return Recording("family.mp4", Fingerprint(1, "a" * 64, "b" * 64), info)


def seed_table(moments: int, path: Path) -> Path:
    rng = random.Random(1)
    lines = ["kind,frame,end_frame,participant,code,strength_or_working_point,note,title"]
    for i in range(moments):
        valence = "working point" if rng.random() < 0.1 else "strength"
        lines.append(f"moment,{rng.randrange(FRAMES)},,{rng.choice(PEOPLE)},"
                     f"{rng.choice(CODES)},{valence},note {i},")
    for i in range(200):
        start = rng.randrange(FRAMES - 900)
        lines.append(f"clip,{start},{start + rng.randrange(30, 900)},,,,,clip {i}")
    lines += [f"still,{rng.randrange(FRAMES)},,,,,," for _ in range(100)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def timed(what: str, fn: object) -> float:
    started = time.perf_counter()
    fn()  # type: ignore[operator]
    seconds = time.perf_counter() - started
    print(f"  {what:<28} {seconds:7.3f} s", flush=True)
    return seconds


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moments", type=int, default=5000)
    args = parser.parse_args(argv)
    worst_export = worst_import = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = CaseSession.create(folder / "source.vigproj", "Bench")
        rec = source.add_recording(recording()).id or 0
        table = seed_table(args.moments, folder / "seed.csv")
        total = args.moments + 300
        print(f"{total} tags on a 10-minute 29.97 fps recording")
        worst_import = timed("import seed CSV", lambda: import_tags(source, rec, table))
        for fmt in ("eaf", "csv", "xlsx-csv", "boris"):
            out = folder / f"tags-{fmt}"
            worst_export = max(worst_export, timed(
                f"export {fmt}", lambda fmt=fmt, out=out: export_tags(source, rec, out, fmt)))
            target = CaseSession.create(folder / f"target-{fmt}.vigproj", "Bench")
            rec2 = target.add_recording(recording()).id or 0
            worst_import = max(worst_import, timed(
                f"import {fmt}", lambda target=target, rec2=rec2, out=out, fmt=fmt:
                import_tags(target, rec2, out, "csv" if fmt == "xlsx-csv" else None)))
            assert len(target.moments(rec2)) == len(source.moments(rec))
            target.close()
        source.close()
    ok = worst_export < 1.0 and worst_import < 10.0
    print(f"worst export {worst_export:.3f} s (target < 1 s), worst import "
          f"{worst_import:.3f} s (target < 10 s): {'OK' if ok else 'TOO SLOW'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
