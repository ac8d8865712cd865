"""Mutation fuzzing of media files and project files (THREAT_MODEL.md T9, T10).

Seeds are made at run time: films with the ffmpeg command line in four containers (MP4/H.264
+ AAC, AVI/MPEG-4 + PCM, Matroska/H.264 + AAC, MPEG-PS/MPEG-2 + MP2) and a real case project
made through the app. Mutations flip bytes, overwrite or zero a block, cut the file, duplicate
a block, and splice two seeds together (all seeded, so a run can be repeated).

* Media: each mutated file goes through the probe (helper process, time limit), thumbnails,
  a still grab (in a worker process, so a decoder crash is seen, not suffered) and a short
  reel export (helper process). Outcomes: ``ok``, ``error`` (a readable ``VigError``),
  ``bug`` (any other exception), ``crash`` (the worker died), ``hang`` (an operation over
  10 s).
* Project files: each mutated file is opened in the app and, if that works, edited. A file is
  *damaged* when SQLite's integrity check of it fails (or its header is not a project's); a
  *write into a damaged file* is any change of its bytes by that attempt.

``test_fuzz.py`` runs a sample; ``bench/bench_fuzz.py`` runs all and prints the table.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HANG_SECONDS = 10.0
WORKER = Path(__file__).with_name("fuzz_worker.py")

SEED_COMMANDS = {
    "mp4": ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "6", "-c:a", "aac"],
    "avi": ["-c:v", "mpeg4", "-g", "6", "-c:a", "pcm_s16le"],
    "mkv": ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "6", "-c:a", "aac"],
    "mpg": ["-c:v", "mpeg2video", "-g", "6", "-c:a", "mp2", "-f", "mpeg"],
}


def make_media_seeds(folder: Path) -> list[Path]:
    """One second of test pattern and tone per container, with the ffmpeg command line."""
    folder.mkdir(parents=True, exist_ok=True)
    seeds = []
    for ext, codec in SEED_COMMANDS.items():
        out = folder / f"seed.{ext}"
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                        "testsrc=size=176x144:rate=25", "-f", "lavfi", "-i",
                        "sine=frequency=440:sample_rate=48000", "-t", "1.2", *codec,
                        "-shortest", str(out)], check=True, timeout=120)
        seeds.append(out)
    return seeds


def mutate(data: bytes, other: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One random mutation of ``data`` (``other`` is a second seed, for splicing)."""
    buf = bytearray(data)
    n = len(buf)
    kind = rng.choice(["flip", "flip", "block", "zero", "cut", "dup", "splice", "header"])
    if kind == "flip":
        for _ in range(rng.randint(1, 32)):
            buf[rng.randrange(n)] ^= 1 << rng.randrange(8)
    elif kind == "block":
        at, size = rng.randrange(n), rng.randint(16, 4096)
        buf[at:at + size] = rng.randbytes(min(size, n - at))
    elif kind == "zero":
        at, size = rng.randrange(n), rng.randint(16, 8192)
        buf[at:at + size] = bytes(min(size, n - at))
    elif kind == "cut":
        buf = buf[:rng.randrange(1, n)]
    elif kind == "dup":
        at, size = rng.randrange(n), rng.randint(64, 8192)
        buf[at:at] = buf[at:at + size]
    elif kind == "splice":
        cut = rng.randrange(n)
        buf = buf[:cut] + bytearray(other[rng.randrange(len(other)):])
    else:  # the first bytes: headers, box sizes, magic numbers
        for _ in range(rng.randint(1, 8)):
            buf[rng.randrange(min(n, 512))] = rng.randrange(256)
    return kind, bytes(buf)


@dataclass
class FuzzTable:
    files: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)  # "op outcome" -> count
    crashes: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    slow_once: list[str] = field(default_factory=list)  # over 10 s once, not on a re-run
    bugs: list[str] = field(default_factory=list)
    damaged: int = 0
    writes_into_damaged: list[str] = field(default_factory=list)
    seconds: float = 0.0


def make_media_corpus(folder: Path, count: int, seed: int = 1) -> list[Path]:
    seeds = make_media_seeds(folder / "seeds")
    datas = [p.read_bytes() for p in seeds]
    rng = random.Random(seed)
    files = []
    for i in range(count):
        k = i % len(seeds)
        kind, data = mutate(datas[k], datas[rng.randrange(len(datas))], rng)
        path = folder / f"{i:04d}-{kind}{seeds[k].suffix}"
        path.write_bytes(data)
        files.append(path)
    return files


def fuzz_media(files: list[Path], workdir: Path, *, export: bool = True,
               recheck: bool = True) -> FuzzTable:
    """Run every media path on every file in worker processes; restart after a crash.

    An operation over 10 s is run once more on its own: on a shared, loaded machine a slow
    moment is not a hang. Only one that is over 10 s again counts as a hang."""
    table = _fuzz_media(files, workdir, export=export)
    if recheck and table.hangs:
        again = [Path(h.split(" ")[0]) for h in table.hangs]
        second = _fuzz_media(again, workdir, export=export)
        confirmed = {h.split(" ")[0] for h in second.hangs + second.crashes}
        table.slow_once = [h for h in table.hangs if h.split(" ")[0] not in confirmed]
        table.hangs = [h for h in table.hangs if h.split(" ")[0] in confirmed]
    return table


def _fuzz_media(files: list[Path], workdir: Path, *, export: bool) -> FuzzTable:
    table = FuzzTable(files=len(files))
    started = time.monotonic()
    todo = list(files)
    while todo:
        job = workdir / "job.json"
        job.write_text(json.dumps({"files": [str(p) for p in todo], "export": export,
                                   "out": str(workdir / "out")}))
        proc = subprocess.Popen([sys.executable, str(WORKER), str(job)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        current: str | None = None
        done: set[str] = set()
        hung = False
        for line in _lines_with_timeout(proc, HANG_SECONDS + 20):
            if line is None:  # nothing for far too long: a hang the worker could not end
                hung = True
                break
            msg = json.loads(line)
            if "start" in msg:
                current = f"{msg['file']} {msg['start']}"
                continue
            if "finished" in msg:
                done.add(msg["finished"])
                continue
            table.outcomes[f"{msg['op']} {msg['outcome']}"] += 1
            if msg["seconds"] > HANG_SECONDS:
                table.hangs.append(f"{msg['file']} {msg['op']} {msg['seconds']:.1f} s")
            if msg["outcome"] == "bug":
                table.bugs.append(f"{msg['file']} {msg['op']}: {msg['message']}")
            current = None
        proc.kill()
        proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
        if current is not None:
            (table.hangs if hung else table.crashes).append(current)
            done.add(current.split(" ")[0])
        todo = [p for p in todo if str(p) not in done]
        if current is None and todo and not hung:  # ended without finishing: also a crash
            table.crashes.append(f"{todo[0]} (worker ended)")
            todo = todo[1:]
    table.seconds = time.monotonic() - started
    return table


def _lines_with_timeout(proc: subprocess.Popen[str], timeout: float):  # type: ignore[no-untyped-def]
    import queue
    import threading

    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            lines.put(raw)
        lines.put("")

    threading.Thread(target=pump, daemon=True).start()
    while True:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            yield None
            return
        if line == "":
            return
        yield line


# --- project files ----------------------------------------------------------------------

def make_project_seed(folder: Path) -> Path:
    """A real case (participants, a recording, moments, clips, a reel) made through the app."""
    from fractions import Fraction

    from vigstudio.app import CaseSession
    from vigstudio.domain.media import Fingerprint, MediaInfo, Recording
    from vigstudio.domain.project import Role
    from vigstudio.domain.time import FrameRate

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "seed.vigproj"
    info = MediaInfo(container="mp4", video_codec="h264", width=640, height=360, rotation=0,
                     frame_rate=FrameRate(Fraction(25)), variable_frame_rate=False,
                     frame_count=500, duration=Fraction(20), time_base=Fraction(1, 12800),
                     start_pts=0, audio_codec="aac", audio_sample_rate=48000,
                     audio_channels=1)
    with CaseSession.create(path, "Family F") as s:
        s.add_participant("Sam", Role.PERSON)
        s.add_participant("Alex", Role.PARTNER)
        s.add_recording(Recording("media/film.mp4", Fingerprint(1, "a" * 64, "b" * 64), info))
        code = s.principles()[0].code
        for frame in range(0, 500, 7):
            s.add_moment(1, frame, code, note=f"moment at {frame} " + "n" * 40)
        for start in range(0, 400, 40):
            s.add_clip(1, start, start + 30, title=f"clip {start}")
        reel = s.new_reel("Visit")
        for clip in s.clips()[:5]:
            s.add_clip_to_reel(reel.id or 0, clip.id or 0)
    return path


def _damaged(path: Path) -> bool:
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
        conn.text_factory = bytes
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        finally:
            conn.close()
    except (sqlite3.DatabaseError, ValueError):
        return True
    return [r[0] for r in rows] != [b"ok"] or app_id != 0x56494753


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fuzz_projects(workdir: Path, count: int, seed: int = 1) -> FuzzTable:
    """Open (and if that works, edit) ``count`` mutated project files, in this process."""
    from vigstudio.app import CaseSession
    from vigstudio.domain.project import Role
    from vigstudio.errors import VigError

    source = make_project_seed(workdir / "seed")
    other = make_project_seed(workdir / "seed2")
    data, other_data = source.read_bytes(), other.read_bytes()
    rng = random.Random(seed)
    table = FuzzTable(files=count)
    started = time.monotonic()
    for i in range(count):
        kind, mutated = mutate(data, other_data, rng)
        if kind in ("flip", "block", "zero") and rng.random() < 0.5:
            # aim at a page SQLite must read: somewhere in the b-trees
            page = rng.randrange(1, max(2, len(data) // 4096))
            buf = bytearray(data)
            at = page * 4096 + rng.randrange(4096)
            buf[at:at + 64] = rng.randbytes(64)
            mutated = bytes(buf[:len(data)])
        folder = workdir / f"p{i:04d}"
        folder.mkdir()
        path = folder / "case.vigproj"
        path.write_bytes(mutated)
        damaged = _damaged(path)
        table.damaged += damaged
        before = _digest(path)
        t0 = time.monotonic()
        label = f"{path.name}#{i} ({kind})"
        outcome = "ok"
        try:
            with CaseSession.open(path) as session:
                session.add_participant(f"fuzz {i}", Role.OTHER)
        except VigError:
            outcome = "error"
        except Exception as exc:  # noqa: BLE001 - a traceback the user would see
            outcome = "bug"
            table.bugs.append(f"{label}: {type(exc).__name__}: {exc}")
        seconds = time.monotonic() - t0
        table.outcomes[f"open+edit {outcome}"] += 1
        if seconds > HANG_SECONDS:
            table.hangs.append(f"{label} {seconds:.1f} s")
        if damaged and _digest(path) != before:
            table.writes_into_damaged.append(label)
        shutil.rmtree(folder, ignore_errors=True)
    table.seconds = time.monotonic() - started
    return table


def print_table(title: str, table: FuzzTable) -> None:
    print(f"\n{title}: {table.files} files in {table.seconds:.0f} s")
    for key in sorted(table.outcomes):
        print(f"  {key:<24} {table.outcomes[key]:>5}")
    if table.damaged:
        print(f"  {'damaged (integrity)':<24} {table.damaged:>5}")
    print(f"  {'crashes':<24} {len(table.crashes):>5}")
    print(f"  {'hangs (> 10 s)':<24} {len(table.hangs):>5}")
    if table.slow_once:
        print(f"  {'slow once, not again':<24} {len(table.slow_once):>5}")
    print(f"  {'bugs (tracebacks)':<24} {len(table.bugs):>5}")
    print(f"  {'writes into damaged':<24} {len(table.writes_into_damaged):>5}")
    for problem in (table.crashes + table.hangs + table.bugs + table.writes_into_damaged
                    + [f"{s} (re-run: under 10 s)" for s in table.slow_once])[:20]:
        print(f"    {problem}")
