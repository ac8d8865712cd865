"""Benchmark: export and import a busy recording's tags in every interchange format.

Run: ``.venv/bin/python bench/bench_interchange.py [--moments N]``

A 10-minute 29.97 fps recording (no media file needed: tags only) gets N moments (default
5,000) for three participants and the six VIG principles, 200 clips and 100 stills, through
a CSV import. Then each format is exported and imported into a fresh case, and the time of
each step is printed: reading the file, applying the tags to the case (one undo step), and
undoing and redoing that step. Then ELAN's published ``sample_3.0.eaf`` (4,788 annotations,
806 values that become new codes) is applied to a 20-minute recording, when ``run.py
testdata`` has fetched it. Targets: an export under 1 s; an import (read and apply) under
10 s.
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
from vigstudio.app.tag_transfer import export_tags, import_tags, read_tags
from vigstudio.domain.media import Fingerprint, MediaInfo, Recording
from vigstudio.domain.time import FrameRate

RATE = Fraction(30000, 1001)
FRAMES = 17982  # 10 minutes at 29.97 fps
CODES = ("attentive", "encouraging", "receiving", "attuned", "guiding", "deepening")
PEOPLE = ("Sam", "Zoë", "Alex")


def recording(frames: int = FRAMES, rate: Fraction = RATE) -> Recording:
    info = MediaInfo(container="mp4", video_codec="h264", width=1280, height=720, rotation=0,
                     frame_rate=FrameRate(rate), variable_frame_rate=False,
                     frame_count=frames, duration=frames / rate, time_base=Fraction(1, 30000),
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


def import_rows(session: CaseSession, recording_id: int, path: Path,
                fmt: str | None, what: str) -> float:
    """Read and apply a tags file (timed apart), then undo and redo the import; returns the
    seconds of reading plus applying."""
    found = []
    read = timed(f"read {what}", lambda: found.append(
        read_tags(session, recording_id, path, fmt)))
    apply = timed(f"apply {what}", lambda: session.apply_import(
        recording_id, found[0], source=path.name))
    timed(f"undo {what}", session.undo)
    timed(f"redo {what}", session.redo)
    return read + apply


def elan_sample() -> Path | None:
    path = Path(sys.prefix) / "testdata" / "elan" / "sample_3.0.eaf"
    return path if path.is_file() else None


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
            worst_import = max(worst_import, import_rows(
                target, rec2, out, "csv" if fmt == "xlsx-csv" else None, fmt))
            assert len(target.moments(rec2)) == len(source.moments(rec))
            target.close()
        source.close()
        sample = elan_sample()
        if sample is None:
            print("  (ELAN's sample_3.0.eaf is not here: `run.py testdata` fetches it)")
        else:
            target = CaseSession.create(folder / "target-elan.vigproj", "Bench")
            rec3 = target.add_recording(recording(frames=25 * 1205, rate=Fraction(25))).id or 0
            worst_import = max(worst_import, import_rows(
                target, rec3, sample, None, "ELAN sample_3.0"))
            target.close()
    ok = worst_export < 1.0 and worst_import < 10.0
    print(f"worst export {worst_export:.3f} s (target < 1 s), worst import "
          f"{worst_import:.3f} s (target < 10 s): {'OK' if ok else 'TOO SLOW'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
