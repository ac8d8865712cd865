"""Timeline benchmark: drawing and hit-testing with many tags; thumbnail strip for an hour.

Run: ``.venv/bin/python bench/bench_timeline.py`` (offscreen Qt). ``--skip-media`` leaves out
the thumbnail part (which generates, once, an hour of 720p H.264 + AAC into
``bench/.cache/``: simple test-pattern content, libx264 ultrafast, ~400 kbit/s).

1. **Drawing**: 10,000 and 50,000 moments (two participants, six principles, 10 % working
   points) plus 60 clips and 30 stills on an hour at 25 fps (90,000 frames). One frame of the
   timeline (1,600 × 300 px) is painted into a QImage with the same code the widget uses, at
   whole-recording zoom, at 1 px/frame and at frame-level zoom (48 px/frame). Median and
   worst of 30 draws, and the time to rebuild the drawable index after an edit.
2. **Hit test**: a click at a random place of a moment lane (nearest moment within 6 px)
   and of the clip lane (edge or body), 2,000 random clicks.
3. **Thumbnails**: the real background loader (``MediaStripLoader``: keyframes first, then
   exact frames) over the hour of 720p: time to the first thumbnail, to a full strip at
   keyframe spacing (one picture every 2 s), and to the refined strip (exact frames).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication

from vigstudio.app import timeline_geometry as tg
from vigstudio.app.defaults import default_codebook
from vigstudio.domain.annotations import Clip, Moment, Still, Valence
from vigstudio.domain.codebook import Codebook
from vigstudio.domain.project import Participant, Role
from vigstudio.domain.time import FrameRange, FrameRate
from vigstudio.gui.timeline import painting as pt
from vigstudio.gui.timeline.model import TimelineData

CACHE = Path(__file__).resolve().parent / ".cache"
HOUR_VIDEO = CACHE / "hour_720p.mp4"
FRAMES = 90_000  # one hour at 25 fps
WIDTH, HEIGHT = 1600, 300
DRAWS = 30


def codebook_with_ids() -> Codebook:
    book = default_codebook()
    from dataclasses import replace

    return replace(book, principles=tuple(replace(p, id=i + 1)
                                          for i, p in enumerate(book.principles)))


def make_data(n: int, rng: random.Random) -> tuple[TimelineData, float]:
    """The drawable index of ``n`` random moments, and the ms it took to build it."""
    codebook = codebook_with_ids()
    people = (Participant("Sam", Role.PERSON, id=1), Participant("Alex", Role.PARTNER, id=2))
    moments = [Moment(1, rng.randrange(FRAMES), rng.randrange(1, 7), rng.choice((1, 2)),
                      valence=Valence.WORKING_POINT if rng.random() < 0.1 else Valence.STRENGTH,
                      id=i + 1) for i in range(n)]
    clips = []
    for i in range(60):
        start = i * 1500 + rng.randrange(500)
        clips.append(Clip(1, FrameRange(start, start + rng.randrange(50, 750)), f"clip {i}",
                          id=i + 1))
    stills = [Still(1, rng.randrange(FRAMES), id=i + 1) for i in range(30)]
    started = time.perf_counter()
    data = TimelineData.build(FRAMES, codebook, people, moments=moments, clips=clips,
                              stills=stills)
    return data, (time.perf_counter() - started) * 1000


def time_draws(data: TimelineData, scale: tg.TimelineScale) -> tuple[float, float]:
    rows = pt.layout_rows(data, thumbnails=True, waveform=True)
    media = pt.MediaStrip()
    state = pt.PaintState(playhead=scale.first + 10, labels=tg.TimeLabels(FrameRate.of(25)),
                          selected_moments=frozenset({1, 2, 3}))
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_ARGB32_Premultiplied)
    times = []
    for _ in range(DRAWS):
        started = time.perf_counter()
        p = QPainter(image)
        pt.paint_timeline(p, (WIDTH, HEIGHT), data, scale=scale, rows=rows, media=media,
                          state=state)
        p.end()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def time_hits(data: TimelineData, scale: tg.TimelineScale, rng: random.Random
              ) -> tuple[float, float]:
    """Median µs of a moment-lane click and of a clip-lane click (as the canvas does it)."""
    lane = data.lanes[0]
    moment_times, clip_times = [], []
    tolerance = tg.tolerance_frames(scale, 6)
    for _ in range(2000):
        x = rng.uniform(0, scale.width)
        started = time.perf_counter()
        lane.hit(scale.frame_at(x), tolerance)
        moment_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        frame = scale.frame_at(x)
        for clip in data.clips_in(scale.visible_range()):
            if (abs(scale.x_of(clip.range.start) - x) <= pt.EDGE_GRAB_PX
                    or abs(scale.x_of(clip.range.end) - x) <= pt.EDGE_GRAB_PX):
                break
        else:
            data.clips_in(FrameRange(frame, frame + 1))
        clip_times.append(time.perf_counter() - started)
    return statistics.median(moment_times) * 1e6, statistics.median(clip_times) * 1e6


def bench_drawing(rows: list[list[str]]) -> None:
    rng = random.Random(4)
    track = WIDTH - pt.GUTTER
    for n in (10_000, 50_000):
        data, build_ms = make_data(n, rng)
        scales = {
            "whole recording": tg.TimelineScale.fit(FRAMES, track),
            "1 px/frame": tg.TimelineScale(FRAMES, track, 1.0, first=40_000),
            "frame level (48 px/frame)": tg.TimelineScale(FRAMES, track, 48.0, first=45_000),
        }
        for label, scale in scales.items():
            median, worst = time_draws(data, scale)
            print(f"  {n} moments, {label}: {median:.2f} ms (worst {worst:.2f})", flush=True)
            rows.append([f"{n:,}", f"draw, {label}", f"{median:.2f}", f"{worst:.2f}",
                         "≤ 16" if n == 10_000 else "-"])
        for label, scale in (("whole recording", scales["whole recording"]),
                             ("frame level", scales["frame level (48 px/frame)"])):
            moment_us, clip_us = time_hits(data, scale, rng)
            rows.append([f"{n:,}", f"hit test, {label} (moment / clip lane)",
                         f"{moment_us / 1000:.4f} / {clip_us / 1000:.4f}", "", "≤ 1"])
        rows.append([f"{n:,}", "rebuild index after an edit (whole recording)",
                     f"{build_ms:.1f}", "", "-"])


def bench_tagging(app: QApplication, rows: list[list[str]]) -> None:
    """One principle key with a real session holding 10,000 moments: the edit is saved,
    the timeline and the list panel are rebuilt (all synchronous) before the call returns."""
    from vigstudio.app.player import PlayerController
    from vigstudio.app.session import CaseSession
    from vigstudio.domain.media import Fingerprint, MediaInfo, Recording
    from vigstudio.gui.annotations.list_panel import AnnotationList
    from vigstudio.gui.codebook.tagging import TaggingController
    from vigstudio.gui.timeline import TimelineView

    rng = random.Random(9)
    info = MediaInfo(container="mp4", video_codec="h264", width=1280, height=720, rotation=0,
                     frame_rate=FrameRate(Fraction(25)), variable_frame_rate=False,
                     frame_count=FRAMES, duration=Fraction(FRAMES, 25),
                     time_base=Fraction(1, 12800), start_pts=0)
    with tempfile.TemporaryDirectory(prefix="vig-bench-tag-") as folder:
        path = Path(folder) / "bench.vigproj"
        session = CaseSession.create(path, "Bench")
        sam = session.add_participant("Sam", Role.PERSON)
        rec = session.add_recording(Recording("missing.mp4", Fingerprint(1, "0" * 64, "0" * 64),
                                              info))
        pids = [p.id for p in session.principles()]
        assert rec.id is not None
        with session.project.transaction() as writer:  # bulk load, not through undo
            for _ in range(10_000):
                writer.put(Moment(rec.id, rng.randrange(FRAMES), rng.choice(pids), sam.id))
        session.close()
        session = CaseSession.open(path)
        player = PlayerController()
        player.load(session.media_path(rec.id), info)
        timeline = TimelineView(session, player, rec.id, build_media=False)
        listing = AnnotationList(session, player, rec.id, timeline.selection)
        tagging = TaggingController(session, player, rec.id, timeline.selection)
        timeline.resize(WIDTH, HEIGHT)
        times = []
        for _ in range(15):
            player.seek(rng.randrange(FRAMES))
            started = time.perf_counter()
            tagging.tag(pids[2])
            times.append((time.perf_counter() - started) * 1000)
            app.processEvents()
        assert listing.model.rowCount() == 10_015
        rows.append(["10,000", "tag key → saved, timeline rebuilt, list row inserted",
                     f"{statistics.median(times):.1f}", f"{max(times):.1f}", "-"])
        player.close()
        session.close()


def ensure_hour_video() -> Path:
    if HOUR_VIDEO.exists():
        return HOUR_VIDEO
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise SystemExit("ffmpeg (CLI) is needed to generate the hour of 720p test footage")
    CACHE.mkdir(exist_ok=True)
    (CACHE / ".gitignore").write_text("*\n", encoding="utf-8")
    print("generating an hour of 720p footage (once) ...", flush=True)
    started = time.perf_counter()
    tmp = CACHE / ".hour_720p.tmp.mp4"
    subprocess.run([ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc=size=1280x720:rate=25:duration=3600",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=3600",
                    "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-b:v", "400k",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", "-shortest", str(tmp)],
                   check=True)
    tmp.replace(HOUR_VIDEO)
    print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    return HOUR_VIDEO


def bench_thumbnails(app: QApplication, rows: list[list[str]]) -> None:
    from vigstudio.gui.timeline.media_loader import MediaStripLoader
    from vigstudio.gui.timeline.view import MAX_EXACT_THUMBNAILS
    from vigstudio.media.fingerprint import fingerprint
    from vigstudio.media.probe import probe

    video = ensure_hour_video()
    info = probe(video)
    print_ = fingerprint(video)
    keyframes = -(-info.frame_count // 50)
    with tempfile.TemporaryDirectory(prefix="vig-bench-thumbs-") as cache:
        loader = MediaStripLoader(video, info, print_, Path(cache),
                                  thumb_count=MAX_EXACT_THUMBNAILS)
        marks: dict[str, float] = {}
        count = [0]
        started = time.perf_counter()

        def on_thumb(frame: int, _image: QImage) -> None:
            count[0] += 1
            now = time.perf_counter() - started
            marks.setdefault("first", now)
            if count[0] == keyframes:
                marks["keyframes"] = now

        def on_progress(fraction: float, what: str) -> None:
            if what == "sound":
                marks.setdefault("thumbs done", time.perf_counter() - started)

        loader.thumbnail.connect(on_thumb)
        loader.progress.connect(on_progress)
        loader.start()
        while loader.is_running():
            app.processEvents()
            time.sleep(0.005)
        app.processEvents()
        total = time.perf_counter() - started
        marks.setdefault("thumbs done", total)
    hour = f"{float(info.duration) / 60:.0f} min 720p"
    rows.append([hour, "first thumbnail", f"{marks['first'] * 1000:.0f}", "", "≤ 1000"])
    rows.append([hour, f"full strip at keyframes ({keyframes} pictures, one per 2 s)",
                 f"{marks.get('keyframes', float('nan')) * 1000:.0f}", "", "≤ 20000"])
    rows.append([hour, f"refined strip (+ up to 900 exact frames), {count[0]} pictures",
                 f"{marks['thumbs done'] * 1000:.0f}", "", "-"])
    rows.append([hour, "waveform (after the pictures)",
                 f"{(total - marks['thumbs done']) * 1000:.0f}", "", "-"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-media", action="store_true",
                        help="skip the thumbnail strip benchmark")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    rows: list[list[str]] = []
    print("drawing and hit tests ...", flush=True)
    bench_drawing(rows)
    print("tagging with 10,000 moments ...", flush=True)
    bench_tagging(app, rows)
    if not args.skip_media:
        print("thumbnail strip ...", flush=True)
        bench_thumbnails(app, rows)
    print()
    print(f"Timeline ({os.cpu_count()} cores, {WIDTH}×{HEIGHT} px, Qt offscreen raster; "
          f"times in ms)")
    print()
    print("| tags / media | measure | median ms | worst ms | target ms |")
    print("| --- | --- | ---: | ---: | ---: |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    _ = Fraction  # exact rates are used through FrameRate
    sys.exit(main())
