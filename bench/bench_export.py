"""Benchmark: reel export against the ffmpeg command line, at four sizes, and start-up time.

Run: ``.venv/bin/python bench/bench_export.py [--rounds N] [--only tiny,25s,100s,4k]``

Each row exports the same frame-exact cuts twice, in the same run and alternately (ours, then
ffmpeg, N rounds): VIG Studio's exporter (:func:`vigstudio.media.export.export_reel`, the
child process started early as the export dialog and the CLI do) and the ffmpeg command line
with the ``select``/``aselect`` filters picking the same frames, with the same encoder settings
(libx264 ``veryfast`` CRF 23, yuv420p, AAC 128 kb/s 48 kHz stereo, +faststart) and the same
scaling (bicubic, to 720 lines where the source is larger); and, since ``select`` decodes the
whole source, also the ffmpeg command line with an exact seek per clip and ``concat``. The
table gives the best wall-clock
time of the rounds, the CPU seconds (user + system, all processes) of that run, and the ratio
of wall-clock times; on a shared machine the CPU seconds are the steadier measure of work.

Rows:

* tiny: 3 clips of 1 s from a 720p H.264 film (2 minutes, x264's default 10 s GOP);
* 25 s: 10 clips of 2.5 s from the same film;
* 100 s: 10 clips of 10 s from 1080p 25 fps H.264 (4 s GOP), scaled to 720p;
* 4K HEVC: 4 clips of 2 s from 4K (3840×2160) 30 fps HEVC phone-style footage (1 s GOP),
  scaled to 720p.

Start-up is the time from asking for the export to the first frame handed to the encoder, for
a cold child (spawned when asked), a warm one with the plan (started with the reel's plan when
the export dialog opened, 1.5 s before Export is pressed) and a warm one without it (started
by ``vigstudio export-reel`` before it opens the case); and, for the command line as a whole,
from starting ``vigstudio export-reel`` on the demo case to its first progress report. The
export rows use the warm child, as the dialog does.

A second table runs whole command lines against each other for the tiny and 25 s reels:
``vigstudio export-reel`` as a new process (Python, imports, the case opened, the consent
check, the export, the log line) on a case made with the command line, against the faster
of the two ffmpeg commands. The last start-up row is the floor every ``vigstudio`` command
pays before it can open a case: a new Python importing the application (SQLAlchemy).

The footage is generated with ffmpeg once and cached in ``bench/.cache/``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from vigstudio.domain.time import FrameRange
from vigstudio.media import export
from vigstudio.media.export import ClipSegment, ReelPlan, export_reel
from vigstudio.media.export_render import AAC_BITRATE, X264_CRF, X264_PRESET
from vigstudio.media.probe import probe_in_process

CACHE = Path(__file__).resolve().parent / ".cache"
HEIGHT = 720


@dataclass(frozen=True)
class Source:
    name: str
    size: str
    rate: int
    seconds: int
    video: list[str]  # ffmpeg encoder arguments

    @property
    def path(self) -> Path:
        return CACHE / self.name


FILM = Source("film-720p25-120s.mp4", "1280x720", 25, 120,
              ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23"])
HD = Source("footage-1080p25-120s.mp4", "1920x1080", 25, 120,
            ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", "100"])
PHONE = Source("phone-4k-hevc-30-15s.mp4", "3840x2160", 30, 15,
               ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params",
                "keyint=30:log-level=error", "-tag:v", "hvc1", "-colorspace", "bt709",
                "-color_primaries", "bt709", "-color_trc", "bt709"])


@dataclass(frozen=True)
class Row:
    key: str
    title: str
    source: Source
    cuts: tuple[FrameRange, ...]


def _spread(count: int, frames: int, first: int, gap: int) -> tuple[FrameRange, ...]:
    return tuple(FrameRange(s, s + frames) for s in (first + i * gap for i in range(count)))


ROWS = (
    Row("tiny", "tiny: 3 × 1 s, 720p H.264", FILM, _spread(3, 25, 437, 1130)),
    Row("25s", "25 s: 10 × 2.5 s, 720p H.264", FILM, _spread(10, 62, 137, 290)),
    Row("100s", "100 s: 10 × 10 s, 1080p H.264 → 720p", HD, _spread(10, 250, 37, 290)),
    Row("4k", "4K HEVC phone: 4 × 2 s → 720p", PHONE, _spread(4, 60, 17, 105)),
)


def footage(source: Source) -> Path:
    CACHE.mkdir(exist_ok=True)
    (CACHE / ".gitignore").write_text("*\n")
    if source.path.exists():
        return source.path
    print(f"generating {source.name} (once) …", flush=True)
    tmp = source.path.with_suffix(".tmp.mp4")
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y",
         "-f", "lavfi", "-i",
         f"testsrc2=size={source.size}:rate={source.rate}:duration={source.seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={source.seconds}",
         *source.video, "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k",
         "-movflags", "+faststart", str(tmp)], check=True)
    tmp.rename(source.path)
    return source.path


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


@dataclass
class Timing:
    wall: float
    cpu: float
    first_frame: float | None = None


def run_ours(row: Row, out: Path, *, warm: bool, with_plan: bool = True) -> Timing:
    info = probe_in_process(row.source.path)
    plan = ReelPlan(tuple(ClipSegment(row.source.path, info, r) for r in row.cuts))
    height = HEIGHT if info.height > HEIGHT else None
    if warm and with_plan:
        export.start_worker(plan, height)  # what the export dialog does when it opens
        time.sleep(1.5)  # the person choosing a file name
    elif warm:
        export.start_worker()  # what the CLI does before it opens the case
        time.sleep(1.0)  # opening the case
    first: list[float] = []
    cpu0 = _cpu()
    started = time.perf_counter()

    def progress(fraction: float, _left: float | None) -> None:
        if not first:
            first.append(time.perf_counter() - started)

    result = export_reel(plan, out, height=height, overwrite=True, progress=progress)
    wall = time.perf_counter() - started
    assert result.frame_count == sum(r.duration for r in row.cuts), result
    return Timing(wall, _cpu() - cpu0, first[0] if first else None)


def ffmpeg_command(row: Row, out: Path) -> list[str]:
    rate = row.source.rate
    picks = "+".join(f"between(n\\,{r.start}\\,{r.end - 1})" for r in row.cuts)
    # audio: the same stretches of time (aselect keeps whole AAC frames that start in them)
    spans = "+".join(f"between(t\\,{float(Fraction(r.start, rate)):.6f}\\,"
                     f"{float(Fraction(r.end, rate)):.6f})" for r in row.cuts)
    scale = f",scale=-2:{HEIGHT}" if int(row.source.size.split("x")[1]) > HEIGHT else ""
    graph = (f"[0:v]select='{picks}',setpts=N/({rate}*TB){scale}[v];"
             f"[0:a]aselect='{spans}',asetpts=N/SR/TB[a]")
    return ["ffmpeg", "-v", "error", "-y", "-i", str(row.source.path),
            "-filter_complex", graph, "-map", "[v]", "-map", "[a]",
            "-c:v", "libx264", "-preset", X264_PRESET, "-crf", str(X264_CRF),
            "-pix_fmt", "yuv420p", "-r", str(rate),
            "-c:a", "aac", "-b:a", str(AAC_BITRATE), "-ar", "48000", "-ac", "2",
            "-movflags", "+faststart", str(out)]


def ffmpeg_seek_command(row: Row, out: Path) -> list[str]:
    """The other way to cut with the CLI: an input per clip, each opened with an exact seek
    (``-ss`` half a frame before the cut, ``-t`` the clip's length), joined by ``concat``; like
    ours it decodes only from the keyframe before each cut."""
    rate = row.source.rate
    inputs: list[str] = []
    chains: list[str] = []
    pads = ""
    scale = f"scale=-2:{HEIGHT}" if int(row.source.size.split("x")[1]) > HEIGHT else "null"
    for i, r in enumerate(row.cuts):
        start = Fraction(2 * r.start - 1, 2 * rate)
        inputs += ["-ss", f"{float(start):.6f}", "-t", f"{float(Fraction(r.duration, rate)):.6f}",
                   "-i", str(row.source.path)]
        chains.append(f"[{i}:v]{scale}[v{i}]")
        pads += f"[v{i}][{i}:a]"
    graph = ";".join([*chains, f"{pads}concat=n={len(row.cuts)}:v=1:a=1[v][a]"])
    return ["ffmpeg", "-v", "error", "-y", *inputs, "-filter_complex", graph,
            "-map", "[v]", "-map", "[a]",
            "-c:v", "libx264", "-preset", X264_PRESET, "-crf", str(X264_CRF),
            "-pix_fmt", "yuv420p", "-r", str(rate),
            "-c:a", "aac", "-b:a", str(AAC_BITRATE), "-ar", "48000", "-ac", "2",
            "-movflags", "+faststart", str(out)]


def run_ffmpeg(row: Row, out: Path, *, seek: bool = False) -> Timing:
    command = ffmpeg_seek_command(row, out) if seek else ffmpeg_command(row, out)
    cpu0 = _cpu()
    started = time.perf_counter()
    subprocess.run(command, check=True)
    return Timing(time.perf_counter() - started, _cpu() - cpu0)


def frame_count(path: Path) -> int:
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_packets",
                          "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0",
                          str(path)], check=True, capture_output=True, text=True).stdout
    return int(out.strip())


def best(timings: list[Timing]) -> Timing:
    return min(timings, key=lambda t: t.wall)


def demo_case() -> Path:
    """The demo case project (its film and a feedback reel), made once into the cache."""
    folder = CACHE / "demo-case"
    project = folder / "demo-family.vigproj"
    if not project.exists():
        from vigstudio.demo import create_demo

        print("generating the demo case (once) …", flush=True)
        create_demo(folder, barcode=True)
    return project


def cli_first_frame(project: Path, out: Path) -> float:
    """Seconds from starting ``vigstudio export-reel`` to its first progress report (the
    first frames encoded), a whole new process: Python, the case opened, the export."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "vigstudio", "export-reel", str(project), "--reel",
         "Cycle 1 feedback", "-o", str(out), "--overwrite"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    assert proc.stderr is not None
    first: float | None = None
    while chunk := proc.stderr.read1(4096):
        if first is None and b"%" in chunk:
            first = time.perf_counter() - started
    if proc.wait() != 0 or first is None:
        raise RuntimeError("the CLI export failed")
    return first


def _cli(*argv: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    return subprocess.run([sys.executable, "-m", "vigstudio", *argv], check=True, env=env,
                          capture_output=True, text=True).stdout.strip()


def cli_case(row: Row, folder: Path) -> Path:
    """A case holding the row's film (referenced, not copied) and a reel of the row's cuts,
    made with the command line; no participants, so the export passes with ``--override``."""
    project = folder / f"{row.key}.vigproj"
    _cli("new", str(project), "--case", f"Bench {row.key}")
    recording = _cli("import", str(project), str(row.source.path)).split()[0]
    _cli("new-reel", str(project), "--name", "bench")
    for cut in row.cuts:
        clip = _cli("add-clip", str(project), "--recording", recording, "--in", str(cut.start),
                    "--out", str(cut.end))
        _cli("reel-add", str(project), "--reel", "bench", "--clip", clip)
    return project


def run_cli(project: Path, out: Path, height: int | None) -> Timing:
    """``vigstudio export-reel`` as a person runs it: a new process, from its start to the
    file written."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    size = ["--height", str(height)] if height else []
    cpu0 = _cpu()
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "vigstudio", "export-reel", str(project), "--reel",
                    "bench", "-o", str(out), "--overwrite", "--quiet", "--override",
                    "benchmark", *size], check=True, env=env, stdout=subprocess.DEVNULL)
    return Timing(time.perf_counter() - started, _cpu() - cpu0)


def measure_cli(rows: list[Row], rounds: int, tmp: Path) -> list[str]:
    """Whole command lines against each other: ``vigstudio export-reel`` (Python, imports,
    the case opened, the consent check, the export, the log line) and ``ffmpeg``."""
    lines = []
    for row in rows:
        if row.key not in {"tiny", "25s"}:
            continue
        project = cli_case(row, tmp)
        height = HEIGHT if int(row.source.size.split("x")[1]) > HEIGHT else None
        ours: list[Timing] = []
        theirs: list[Timing] = []
        for _ in range(rounds):
            ours.append(run_cli(project, tmp / "cli.mp4", height))
            theirs.append(min(run_ffmpeg(row, tmp / "select.mp4"),
                              run_ffmpeg(row, tmp / "seek.mp4", seek=True),
                              key=lambda t: t.wall))
        o, t = best(ours), best(theirs)
        ratios = [a.wall / b.wall for a, b in zip(ours, theirs, strict=True)]
        lines.append(f"| {row.title} | {frame_count(tmp / 'cli.mp4')} | {o.wall:.2f} | "
                     f"{t.wall:.2f} | **{o.wall / t.wall:.2f}** | "
                     f"{statistics.median(ratios):.2f} |")
        print(lines[-1], flush=True)
    return lines


def measure_startup(rounds: int, tmp: Path) -> list[tuple[str, list[float]]]:
    row = ROWS[0]
    footage(row.source)
    results: list[tuple[str, list[float]]] = []
    for label, warm, with_plan in (
            ("cold child (spawned when asked)", False, False),
            ("warm child with the plan (the dialog: started when it opened)", True, True),
            ("warm child without the plan (the CLI: started before the case is opened)",
             True, False)):
        firsts: list[float] = []
        for _ in range(rounds):
            timing = run_ours(row, tmp / "startup.mp4", warm=warm, with_plan=with_plan)
            assert timing.first_frame is not None
            firsts.append(timing.first_frame)
        results.append((label, firsts))
    project = demo_case()
    results.append(("`vigstudio export-reel` from its start (Python, imports, case opened)",
                    [cli_first_frame(project, tmp / "cli.mp4") for _ in range(rounds)]))
    results.append(("… of which Python and importing the application (SQLAlchemy): "
                    "every command pays it", [import_floor() for _ in range(rounds)]))
    return results


def import_floor() -> float:
    """Seconds for a new Python process to import what ``vigstudio export-reel`` imports
    before it can open a case (the session, the storage layer and SQLAlchemy)."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import vigstudio.cli, vigstudio.app.reel_export"],
                   check=True, env=env)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternate ours/ffmpeg this many times; keep the best of each")
    parser.add_argument("--only", default="", help="comma-separated row keys (tiny,25s,100s,4k)")
    args = parser.parse_args()
    if shutil.which("ffmpeg") is None:
        print("the ffmpeg command line is needed for the comparison", file=sys.stderr)
        return 2
    wanted = [k for k in args.only.split(",") if k]
    rows = [r for r in ROWS if not wanted or r.key in wanted]
    for row in rows:
        footage(row.source)
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for row in rows:
            ours: list[Timing] = []
            select: list[Timing] = []
            seek: list[Timing] = []
            ratios: list[float] = []
            for _ in range(args.rounds):
                ours.append(run_ours(row, tmp / "ours.mp4", warm=True))
                select.append(run_ffmpeg(row, tmp / "select.mp4"))
                seek.append(run_ffmpeg(row, tmp / "seek.mp4", seek=True))
                ratios.append(ours[-1].wall / min(select[-1].wall, seek[-1].wall))
            frames = " / ".join(str(frame_count(tmp / f"{name}.mp4"))
                                for name in ("ours", "select", "seek"))
            o, t, k = best(ours), best(select), best(seek)
            lines.append(f"| {row.title} | {frames} | {o.wall:.2f} | {t.wall:.2f} | "
                         f"{k.wall:.2f} | **{o.wall / t.wall:.2f}** | "
                         f"{o.wall / min(t.wall, k.wall):.2f} | "
                         f"{statistics.median(ratios):.2f} | "
                         f"{o.cpu:.1f} / {t.cpu:.1f} / {k.cpu:.1f} |")
            print(lines[-1], flush=True)
        cli_lines = measure_cli(rows, args.rounds, tmp)
        startup = measure_startup(args.rounds, tmp)
    cores = os.cpu_count()
    load = os.getloadavg()[0]
    print(f"\nReel export, ours vs the ffmpeg CLI, libx264 {X264_PRESET} crf {X264_CRF} + AAC; "
          f"{cores} cores, load average {load:.1f} at the end; best wall-clock time of "
          f"{args.rounds} alternating rounds\n")
    print("| reel | frames ours / select / seek | ours s | ffmpeg select s | ffmpeg seek+concat s "
          "| ratio to select | ratio to the faster ffmpeg | same, median of rounds | "
          "CPU s ours / select / seek |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for line in lines:
        print(line)
    if cli_lines:
        print("\nWhole command lines, `vigstudio export-reel` (a new process: Python, imports, "
              "the case opened and checked, the export, the log line) against the faster of "
              "the two ffmpeg commands\n")
        print("| reel | frames | vigstudio s | ffmpeg s | ratio | median of rounds |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for line in cli_lines:
            print(line)
    print("\n| start-up: export asked → first frame encoded | median s | best s | n |")
    print("| --- | ---: | ---: | ---: |")
    for label, firsts in startup:
        print(f"| {label} | {statistics.median(firsts):.3f} | {min(firsts):.3f} | "
              f"{len(firsts)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
